#include "domain/org.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org_move_kept.h"
#include "util/json_util.h"
#include "util/pii.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ORG_COLS                                                                                               \
	"o.id, o.parent_id, o.path, o.depth, o.kind, o.name, o.code, o.unit_kind, o.can_approve, o.is_temporary, " \
	"o.secretary_member_id, o.committee_size, o.founded_on, o.term_start, o.term_end, o.address, "            \
	"o.dissolved_on, o.version"
/* active members anywhere under o: a sum of the per-org counts the triggers of
 * 003_member_counts keep, over the subtree's orgs (index range on orgs.path) */
#define ORG_MEMBER_COUNT                                                                                       \
	"(SELECT COALESCE(sum(s.direct_members), 0) FROM orgs s WHERE s.path >= o.path AND "                       \
	"s.path < substr(o.path, 1, length(o.path) - 1) || '0')"
#define ORG_CHILD_COUNT "(SELECT count(*) FROM orgs c WHERE c.parent_id = o.id AND c.dissolved_on IS NULL)"

static const struct {
	const char *kind, *name, *parents;
} kinds[] = {
	{ "dept", "组织部/上级党委", "|dept|" },
	{ "committee", "基层党委", "|dept|committee|" },
	{ "general_branch", "党总支", "|committee|dept|" },
	{ "branch", "党支部", "|committee|general_branch|dept|" },
	{ "joint_branch", "联合党支部", "|committee|general_branch|dept|" },
	{ "group", "党小组", "|branch|joint_branch|" },
};

static int kind_index(const char *kind)
{
	size_t i;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, kind))
			return (int)i;
	return -1;
}

const char *org_kind_name(const char *kind)
{
	int i = kind_index(kind);
	return i < 0 ? NULL : kinds[i].name;
}

int org_kind_is_branch(const char *kind)
{
	return !strcmp(kind, "branch") || !strcmp(kind, "joint_branch");
}

static int parent_allows(const char *parent_kind, const char *child_kind)
{
	int i = kind_index(child_kind);
	char needle[32];
	if (i < 0)
		return 0;
	xsnprintf(needle, sizeof(needle), "|%s|", parent_kind);
	return strstr(kinds[i].parents, needle) != NULL;
}

static void read_org(struct stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = stmt_int(st, 0);
	o->parent_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, o->path, sizeof(o->path));
	o->depth = (int)stmt_int(st, 3);
	stmt_text_copy(st, 4, o->kind, sizeof(o->kind));
	stmt_text_copy(st, 5, o->name, sizeof(o->name));
	stmt_text_copy(st, 6, o->code, sizeof(o->code));
	stmt_text_copy(st, 7, o->unit_kind, sizeof(o->unit_kind));
	o->can_approve = (int)stmt_int(st, 8);
	o->is_temporary = (int)stmt_int(st, 9);
	o->secretary_member_id = stmt_int(st, 10);
	o->committee_size = (int)stmt_int(st, 11);
	stmt_text_copy(st, 12, o->founded_on, sizeof(o->founded_on));
	stmt_text_copy(st, 13, o->term_start, sizeof(o->term_start));
	stmt_text_copy(st, 14, o->term_end, sizeof(o->term_end));
	stmt_text_copy(st, 15, o->address, sizeof(o->address));
	stmt_text_copy(st, 16, o->dissolved_on, sizeof(o->dissolved_on));
	o->version = stmt_int(st, 17);
}

json_t *org_to_json(const struct org *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "parent_id", o->parent_id ? json_integer(o->parent_id) : json_null());
	json_object_set_new(j, "path", json_string(o->path));
	json_object_set_new(j, "depth", json_integer(o->depth));
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "kind_name", json_str_or_null(org_kind_name(o->kind)));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "code", json_string(o->code));
	json_object_set_new(j, "unit_kind", json_string(o->unit_kind));
	json_object_set_new(j, "can_approve", json_boolean(o->can_approve));
	json_object_set_new(j, "is_temporary", json_boolean(o->is_temporary));
	json_object_set_new(j, "secretary_member_id", o->secretary_member_id ? json_integer(o->secretary_member_id) : json_null());
	json_object_set_new(j, "committee_size", json_integer(o->committee_size));
	json_object_set_new(j, "founded_on", json_str_or_null(o->founded_on));
	json_object_set_new(j, "term_start", json_str_or_null(o->term_start));
	json_object_set_new(j, "term_end", json_str_or_null(o->term_end));
	json_object_set_new(j, "address", json_str_or_null(o->address));
	json_object_set_new(j, "dissolved_on", json_str_or_null(o->dissolved_on));
	json_object_set_new(j, "version", json_integer(o->version));
	json_object_set_new(j, "member_count", json_integer(o->member_count));
	json_object_set_new(j, "child_count", json_integer(o->child_count));
	return j;
}

static int load_org(struct ctx *ctx, int64_t id, struct org *o, int with_counts)
{
	struct stmt *st;
	int found = 0;
	st = db_prepare(ctx->db,
			with_counts ? "SELECT " ORG_COLS ", " ORG_MEMBER_COUNT ", " ORG_CHILD_COUNT " FROM orgs o WHERE o.id = ?"
				    : "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		read_org(st, o);
		if (with_counts) {
			o->member_count = stmt_int(st, 18);
			o->child_count = stmt_int(st, 19);
		}
		found = 1;
	}
	stmt_reset(st);
	if (!found || !ctx_path_in_scope(ctx, o->path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "组织不存在或不在您的管理范围内");
	return 0;
}

int org_get(struct ctx *ctx, int64_t id, struct org *o)
{
	return load_org(ctx, id, o, 1);
}

int org_require_in_scope(struct ctx *ctx, int64_t id, struct org *o, const char *field)
{
	int rc = load_org(ctx, id, o, 0);
	if (rc)
		return err_set(&ctx->err, E_INVALID, field, "org.scope", "组织 %" PRId64 " 不存在或不在您的管理范围内", id);
	if (o->dissolved_on[0])
		return err_set(&ctx->err, E_INVALID, field, "org.dissolved", "组织“%s”已撤销", o->name);
	return 0;
}

static int root_id(struct ctx *ctx, int64_t *out);

int org_root(struct ctx *ctx, struct org *o)
{
	int64_t id = 0;
	int rc = root_id(ctx, &id);
	return rc ? rc : load_org(ctx, id, o, 1);
}

int org_scope_root(struct ctx *ctx, int64_t id, struct org *o)
{
	if (!id && !ctx->actor.org_id) {
		/* a system administrator's scope is every tree: the whole path space */
		memset(o, 0, sizeof(*o));
		strlcpy_z(o->path, ctx->actor.org_path, sizeof(o->path));
		strlcpy_z(o->kind, "dept", sizeof(o->kind));
		return 0;
	}
	return load_org(ctx, id ? id : ctx->actor.org_id, o, 0);
}

static int root_id(struct ctx *ctx, int64_t *out)
{
	struct stmt *st;
	int64_t id = ctx->actor.org_id;
	if (!id) {
		st = db_prepare(ctx->db, "SELECT id FROM orgs WHERE parent_id IS NULL AND dissolved_on IS NULL ORDER BY id LIMIT 1",
				&ctx->err);
		if (!st)
			return E_DB;
		if (stmt_step(st, &ctx->err) == STEP_ROW)
			id = stmt_int(st, 0);
		stmt_reset(st);
		if (!id)
			return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "还没有任何组织");
	}
	*out = id;
	return 0;
}

static int valid_date_or_empty(struct ctx *ctx, const char *s, const char *field, int not_future)
{
	struct date d;
	if (!s[0])
		return 0;
	if (date_parse(s, &d))
		return err_set(&ctx->err, E_INVALID, field, "field.date", "%s 不是有效日期（格式 YYYY-MM-DD）", field);
	if (not_future && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, field, "field.date_future", "%s 不能晚于今天", field);
	return 0;
}

static int code_valid(const char *s)
{
	size_t n = strlen(s), i;
	if (n < 1 || n > 32)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int unit_kind_valid(const char *s)
{
	static const char *const ok[] = { "village", "community", "enterprise", "government", "school", "other", NULL };
	const char *const *p;
	for (p = ok; *p; p++)
		if (!strcmp(*p, s))
			return 1;
	return 0;
}

/* Field checks shared by create and update; parent is the org's parent (kind known). */
static int validate_fields(struct ctx *ctx, struct org *o, const struct org *parent)
{
	int rc;
	if (!o->name[0] || !text_is_clean(o->name) || utf8_chars(o->name) > 60)
		return err_set(&ctx->err, E_INVALID, "name", "org.name", "组织名称不能为空，最多 60 个字，且不能含控制字符");
	if (o->code[0] && !code_valid(o->code))
		return err_set(&ctx->err, E_INVALID, "code", "org.code", "组织代码为 1–32 位字母、数字、- 或 _");
	if (!o->unit_kind[0])
		strlcpy_z(o->unit_kind, "other", sizeof(o->unit_kind));
	if (!unit_kind_valid(o->unit_kind))
		return err_set(&ctx->err, E_INVALID, "unit_kind", "org.unit_kind",
			       "单位类型必须是 village、community、enterprise、government、school 或 other");
	if ((rc = valid_date_or_empty(ctx, o->founded_on, "founded_on", 1)) ||
	    (rc = valid_date_or_empty(ctx, o->term_start, "term_start", 0)) ||
	    (rc = valid_date_or_empty(ctx, o->term_end, "term_end", 0)))
		return rc;
	if (o->term_start[0] && o->term_end[0] && strcmp(o->term_end, o->term_start) <= 0)
		return err_set(&ctx->err, E_INVALID, "term_end", "org.term_order", "届满日期必须晚于换届日期");
	if (o->committee_size < 0 || o->committee_size > 9)
		return err_set(&ctx->err, E_INVALID, "committee_size", "org.committee_size", "支委会人数应为 0–9");
	if (o->address[0] && !text_is_clean(o->address))
		return err_set(&ctx->err, E_INVALID, "address", "text.clean", "地址含有非法字符");
	/* RULES.md §1 who approves: a 基层党委 with authority; never a 党总支, a temporary
	 * organization, or the 党委 of a village/community under a town/street */
	if (o->can_approve) {
		if (strcmp(o->kind, "committee") && strcmp(o->kind, "dept"))
			return err_set(&ctx->err, E_RULE, "can_approve", "recruit.approver_kind",
				       "只有基层党委可以有审批权，%s 不能审批发展党员", org_kind_name(o->kind));
		if (o->is_temporary)
			return err_set(&ctx->err, E_RULE, "can_approve", "recruit.approver_kind", "临时党组织不能审批发展党员");
		if (parent && !strcmp(parent->kind, "committee") &&
		    (!strcmp(o->unit_kind, "village") || !strcmp(o->unit_kind, "community")))
			return err_set(&ctx->err, E_RULE, "can_approve", "recruit.approver_kind",
				       "乡镇（街道）下属的村、社区党委不能审批发展党员");
	}
	return 0;
}

static int check_secretary(struct ctx *ctx, const struct org *o)
{
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	int found = 0;
	if (!o->secretary_member_id)
		return 0;
	strlcpy_z(lo, o->path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	st = db_prepare(ctx->db, "SELECT 1 FROM members WHERE id = ? AND org_path >= ? AND org_path < ? AND state = 'active'",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, o->secretary_member_id);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	found = stmt_step(st, &ctx->err) == STEP_ROW;
	stmt_reset(st);
	if (!found)
		return err_set(&ctx->err, E_INVALID, "secretary_member_id", "org.secretary", "书记必须是本组织的在册党员");
	return 0;
}

int org_create(struct ctx *ctx, struct org *o)
{
	struct org parent;
	struct stmt *st;
	char *tmp = NULL;
	json_t *after = NULL;
	int rc, step;

	memset(&parent, 0, sizeof(parent));
	if (kind_index(o->kind) < 0)
		return err_set(&ctx->err, E_INVALID, "kind", "org.kind",
			       "组织类型必须是 dept、committee、general_branch、branch、joint_branch 或 group");
	if (o->parent_id) {
		if ((rc = org_require_in_scope(ctx, o->parent_id, &parent, "parent_id")))
			return rc;
		if (!parent_allows(parent.kind, o->kind))
			return err_set(&ctx->err, E_RULE, "kind", "org.parent_kind", "%s 不能设在 %s 之下",
				       org_kind_name(o->kind), org_kind_name(parent.kind));
		if (parent.depth + 1 > 12)
			return err_set(&ctx->err, E_RULE, "parent_id", "org.depth", "组织层级太深");
	} else if (ctx->actor.role != ROLE_SYSADMIN) {
		return err_set(&ctx->err, E_FORBIDDEN, "parent_id", "org.root", "只有系统管理员可以建立顶级组织");
	} else if (strcmp(o->kind, "dept") && strcmp(o->kind, "committee")) {
		return err_set(&ctx->err, E_RULE, "kind", "org.parent_kind", "顶级组织必须是组织部或党委");
	}
	if ((rc = validate_fields(ctx, o, o->parent_id ? &parent : NULL)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	/* The path needs the new id, so insert with a unique placeholder and fix it up. */
	tmp = random_token(12);
	st = db_prepare(ctx->db,
			"INSERT INTO orgs (parent_id, path, depth, kind, name, code, unit_kind, can_approve, is_temporary, "
			"committee_size, founded_on, term_start, term_end, address, created_at, updated_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	if (o->parent_id)
		stmt_bind_int(st, 1, o->parent_id);
	else
		stmt_bind_null(st, 1);
	stmt_bind_text(st, 2, tmp);
	stmt_bind_int(st, 3, o->parent_id ? parent.depth + 1 : 0);
	stmt_bind_text(st, 4, o->kind);
	stmt_bind_text(st, 5, o->name);
	stmt_bind_text(st, 6, o->code[0] ? o->code : tmp);
	stmt_bind_text(st, 7, o->unit_kind);
	stmt_bind_int(st, 8, o->can_approve);
	stmt_bind_int(st, 9, o->is_temporary);
	stmt_bind_int(st, 10, o->committee_size);
	stmt_bind_text(st, 11, o->founded_on[0] ? o->founded_on : NULL);
	stmt_bind_text(st, 12, o->term_start[0] ? o->term_start : NULL);
	stmt_bind_text(st, 13, o->term_end[0] ? o->term_end : NULL);
	stmt_bind_text(st, 14, o->address[0] ? o->address : NULL);
	stmt_bind_text(st, 15, ctx->now_iso);
	stmt_bind_text(st, 16, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		o->id = stmt_int(st, 0);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT) {
		rc = err_set(&ctx->err, E_CONFLICT, "code", "org.duplicate_code", "组织代码 %s 已被使用", o->code);
		goto out;
	}
	if (step != STEP_ROW) {
		rc = E_DB;
		goto out;
	}
	xsnprintf(o->path, sizeof(o->path), "%s%" PRId64 "/", o->parent_id ? parent.path : "/", o->id);
	if (!o->code[0])
		xsnprintf(o->code, sizeof(o->code), "ORG%06" PRId64, o->id);
	o->depth = o->parent_id ? parent.depth + 1 : 0;
	o->version = 1;
	st = db_prepare(ctx->db, "UPDATE orgs SET path = ?, code = ? WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, o->path);
	stmt_bind_text(st, 2, o->code);
	stmt_bind_int(st, 3, o->id);
	if ((rc = stmt_run(st, &ctx->err))) {
		if (ctx->err.code == E_CONFLICT)
			err_set(&ctx->err, E_CONFLICT, "code", "org.duplicate_code", "组织代码 %s 已被使用", o->code);
		goto out;
	}
	after = org_to_json(o);
	if ((rc = audit_append(ctx, "create", "org", o->id, NULL, after)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(after);
	free(tmp);
	return rc;
}

int org_update(struct ctx *ctx, struct org *o)
{
	struct org before, parent;
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	int rc;

	if ((rc = load_org(ctx, o->id, &before, 0)))
		return rc;
	memset(&parent, 0, sizeof(parent));
	if (before.parent_id && (rc = load_org(ctx, before.parent_id, &parent, 0)))
		err_clear(&ctx->err); /* parent above the actor's scope: checks use kind only when visible */
	/* identity fields are not editable here */
	strlcpy_z(o->kind, before.kind, sizeof(o->kind));
	strlcpy_z(o->path, before.path, sizeof(o->path));
	o->parent_id = before.parent_id;
	o->depth = before.depth;
	if (o->can_approve != before.can_approve &&
	    (ctx->actor.role < ROLE_ORG_ADMIN || (ctx->actor.role != ROLE_SYSADMIN && o->id == ctx->actor.org_id)))
		return err_set(&ctx->err, E_FORBIDDEN, "can_approve", "org.approval_grant", "审批权只能由上级组织授予");
	if (!o->code[0])
		strlcpy_z(o->code, before.code, sizeof(o->code));
	if ((rc = validate_fields(ctx, o, parent.id ? &parent : NULL)) || (rc = check_secretary(ctx, o)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"UPDATE orgs SET name = ?, code = ?, unit_kind = ?, can_approve = ?, is_temporary = ?, "
			"secretary_member_id = ?, committee_size = ?, founded_on = ?, term_start = ?, term_end = ?, address = ?, "
			"version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, o->name);
	stmt_bind_text(st, 2, o->code);
	stmt_bind_text(st, 3, o->unit_kind);
	stmt_bind_int(st, 4, o->can_approve);
	stmt_bind_int(st, 5, o->is_temporary);
	if (o->secretary_member_id)
		stmt_bind_int(st, 6, o->secretary_member_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_int(st, 7, o->committee_size);
	stmt_bind_text(st, 8, o->founded_on[0] ? o->founded_on : NULL);
	stmt_bind_text(st, 9, o->term_start[0] ? o->term_start : NULL);
	stmt_bind_text(st, 10, o->term_end[0] ? o->term_end : NULL);
	stmt_bind_text(st, 11, o->address[0] ? o->address : NULL);
	stmt_bind_text(st, 12, ctx->now_iso);
	stmt_bind_int(st, 13, o->id);
	stmt_bind_int(st, 14, o->version);
	if ((rc = stmt_run(st, &ctx->err))) {
		if (ctx->err.code == E_CONFLICT)
			err_set(&ctx->err, E_CONFLICT, "code", "org.duplicate_code", "组织代码 %s 已被使用", o->code);
		goto out;
	}
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该组织已被他人修改，请刷新后重试");
		goto out;
	}
	o->version++;
	jb = org_to_json(&before);
	ja = org_to_json(o);
	if ((rc = audit_append(ctx, "update", "org", o->id, jb, ja)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

/* Rewrite the path prefix of every row in a subtree, in orgs and in members; the figures kept
 * per ancestor move with the subtree's own rows (org_move_kept.c), not member by member. */
static int rewrite_prefix(struct ctx *ctx, int64_t moved, const char *old_prefix, const char *new_prefix,
			  int depth_delta)
{
	char hi[PATH_MAX_LEN];
	struct stmt *st;
	int rc;
	path_range_end(old_prefix, hi, sizeof(hi));
	st = db_prepare(ctx->db,
			"UPDATE orgs SET path = CAST(? AS TEXT) || substr(path, CAST(? AS INTEGER)), "
			"depth = depth + CAST(? AS INTEGER) WHERE path >= ? AND path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, new_prefix);
	stmt_bind_int(st, 2, (int64_t)strlen(old_prefix) + 1);
	stmt_bind_int(st, 3, depth_delta);
	stmt_bind_text(st, 4, old_prefix);
	stmt_bind_text(st, 5, hi);
	if ((rc = org_move_kept_aside(ctx, 1)) || (rc = stmt_run(st, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"UPDATE members SET org_path = CAST(? AS TEXT) || substr(org_path, CAST(? AS INTEGER)) "
			"WHERE org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, new_prefix);
	stmt_bind_int(st, 2, (int64_t)strlen(old_prefix) + 1);
	stmt_bind_text(st, 3, old_prefix);
	stmt_bind_text(st, 4, hi);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = org_move_kept_aside(ctx, 0)))
		return rc;
	return org_move_kept_apply(ctx, moved, old_prefix, new_prefix);
}

int org_move(struct ctx *ctx, int64_t id, int64_t new_parent_id, int64_t version)
{
	struct org o, parent;
	struct stmt *st;
	char new_path[PATH_MAX_LEN];
	json_t *jb = NULL, *ja = NULL;
	int rc;

	if ((rc = load_org(ctx, id, &o, 0)))
		return rc;
	if (o.id == ctx->actor.org_id || !o.parent_id)
		return err_set(&ctx->err, E_FORBIDDEN, "id", "org.move_root", "不能移动自己的根组织或顶级组织");
	if ((rc = org_require_in_scope(ctx, new_parent_id, &parent, "parent_id")))
		return rc;
	if (!strncmp(parent.path, o.path, strlen(o.path)))
		return err_set(&ctx->err, E_RULE, "parent_id", "org.move_cycle", "不能把组织移到它自己的下级之下");
	if (!parent_allows(parent.kind, o.kind))
		return err_set(&ctx->err, E_RULE, "parent_id", "org.parent_kind", "%s 不能设在 %s 之下",
			       org_kind_name(o.kind), org_kind_name(parent.kind));
	if (o.version != version)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该组织已被他人修改，请刷新后重试");
	xsnprintf(new_path, sizeof(new_path), "%s%" PRId64 "/", parent.path, o.id);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = rewrite_prefix(ctx, o.id, o.path, new_path, parent.depth + 1 - o.depth)))
		goto out;
	st = db_prepare(ctx->db, "UPDATE orgs SET parent_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, parent.id);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, o.id);
	stmt_bind_int(st, 4, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该组织已被他人修改，请刷新后重试");
		goto out;
	}
	jb = org_to_json(&o);
	o.parent_id = parent.id;
	strlcpy_z(o.path, new_path, sizeof(o.path));
	o.version++;
	ja = org_to_json(&o);
	if ((rc = audit_append(ctx, "move", "org", o.id, jb, ja)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int org_dissolve(struct ctx *ctx, int64_t id, int64_t version)
{
	struct org o;
	struct stmt *st;
	json_t *jb = NULL;
	int rc;
	if ((rc = load_org(ctx, id, &o, 1)))
		return rc;
	if (o.id == ctx->actor.org_id)
		return err_set(&ctx->err, E_FORBIDDEN, "id", "org.dissolve_own", "不能撤销自己所在的根组织");
	if (o.dissolved_on[0])
		return err_set(&ctx->err, E_CONFLICT, "id", "org.dissolved", "该组织已撤销");
	if (o.member_count || o.child_count)
		return err_set(&ctx->err, E_RULE, "id", "org.dissolve_not_empty",
			       "组织下还有 %" PRId64 " 名党员、%" PRId64 " 个下级组织，不能撤销", o.member_count, o.child_count);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db, "UPDATE orgs SET dissolved_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	{
		char today[11];
		date_format(ctx->today, today);
		stmt_bind_text(st, 1, today);
	}
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, id);
	stmt_bind_int(st, 4, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该组织已被他人修改，请刷新后重试");
		goto out;
	}
	jb = org_to_json(&o);
	if ((rc = audit_append(ctx, "dissolve", "org", id, jb, NULL)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(jb);
	return rc;
}

/* Every row of a query selecting ORG_COLS, ORG_MEMBER_COUNT, ORG_CHILD_COUNT, as JSON. */
static json_t *org_rows_json(struct ctx *ctx, struct stmt *st)
{
	json_t *arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW) {
		struct org o;
		read_org(st, &o);
		o.member_count = stmt_int(st, 18);
		o.child_count = stmt_int(st, 19);
		json_array_append_new(arr, org_to_json(&o));
	}
	stmt_reset(st);
	return arr;
}

int org_children(struct ctx *ctx, int64_t id, json_t **items)
{
	struct org parent;
	struct stmt *st;
	int rc;
	if ((rc = load_org(ctx, id, &parent, 0)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT " ORG_COLS ", " ORG_MEMBER_COUNT ", " ORG_CHILD_COUNT
			" FROM orgs o WHERE o.parent_id = ? AND o.dissolved_on IS NULL ORDER BY o.kind = 'group', o.code, o.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	*items = org_rows_json(ctx, st);
	return 0;
}

int org_list(struct ctx *ctx, int64_t root_id, const char *kind, const char *q, int page, int per_page,
	     json_t **items, int64_t *total)
{
	struct org root;
	struct stmt *st;
	char hi[PATH_MAX_LEN], like[160];
	int rc;
	const char *k = kind && *kind ? kind : NULL;

	if (root_id)
		rc = load_org(ctx, root_id, &root, 0);
	else
		rc = org_root(ctx, &root);
	if (rc)
		return rc;
	if (k && kind_index(k) < 0 && strcmp(k, "branches"))
		return err_set(&ctx->err, E_MALFORMED, "kind", NULL, "未知的组织类型 %s", k);
	path_range_end(root.path, hi, sizeof(hi));
	xsnprintf(like, sizeof(like), "%%%.150s%%", q ? q : "");
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM orgs o WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL "
			"AND (CAST(? AS TEXT) IS NULL OR o.kind = ? OR (? = 'branches' AND o.kind IN ('branch', 'joint_branch'))) "
			"AND o.name LIKE ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, k);
	stmt_bind_text(st, 4, k);
	stmt_bind_text(st, 5, k ? k : "");
	stmt_bind_text(st, 6, like);
	*total = stmt_step(st, &ctx->err) == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	st = db_prepare(ctx->db,
			"SELECT " ORG_COLS ", " ORG_MEMBER_COUNT ", " ORG_CHILD_COUNT
			" FROM orgs o WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL "
			"AND (CAST(? AS TEXT) IS NULL OR o.kind = ? OR (? = 'branches' AND o.kind IN ('branch', 'joint_branch'))) "
			"AND o.name LIKE ? ORDER BY o.path LIMIT ? OFFSET ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, k);
	stmt_bind_text(st, 4, k);
	stmt_bind_text(st, 5, k ? k : "");
	stmt_bind_text(st, 6, like);
	stmt_bind_int(st, 7, per_page);
	stmt_bind_int(st, 8, (int64_t)(page - 1) * per_page);
	*items = org_rows_json(ctx, st);
	return 0;
}

static void warn(json_t *arr, const char *rule, const char *message)
{
	json_t *w = json_object();
	json_object_set_new(w, "rule", json_string(rule));
	json_object_set_new(w, "message", json_string(message));
	json_array_append_new(arr, w);
}

json_t *org_warnings(struct ctx *ctx, const struct org *o)
{
	json_t *arr = json_array();
	struct stmt *st;
	char hi[PATH_MAX_LEN], msg[256];
	int64_t full = 0, all = 0;
	struct date end, start;

	if (org_kind_is_branch(o->kind)) {
		path_range_end(o->path, hi, sizeof(hi));
		st = db_prepare(ctx->db,
				"SELECT count(*), COALESCE(sum(CASE WHEN category = 'full' THEN 1 ELSE 0 END), 0) FROM members "
				"WHERE org_path >= ? AND org_path < ? AND state IN ('active', 'transferring')",
				&ctx->err);
		if (st) {
			stmt_bind_text(st, 1, o->path);
			stmt_bind_text(st, 2, hi);
			if (stmt_step(st, &ctx->err) == STEP_ROW) {
				all = stmt_int(st, 0);
				full = stmt_int(st, 1);
			}
			stmt_reset(st);
		}
		if (full < 3) {
			xsnprintf(msg, sizeof(msg), "正式党员只有 %" PRId64 " 名，党支部至少需要 3 名正式党员（可成立联合党支部）", full);
			warn(arr, "org.branch_min_full_members", msg);
		}
		if (all >= 100) {
			xsnprintf(msg, sizeof(msg), "党员 %" PRId64 " 名，达到 100 名以上的一般应成立基层党委", all);
			warn(arr, "org.branch_should_be_committee", msg);
		} else if (all > 50) {
			xsnprintf(msg, sizeof(msg), "党员 %" PRId64 " 名，超过 50 名的一般应成立党总支", all);
			warn(arr, "org.branch_max_members", msg);
		}
		if (full >= 7 && o->committee_size == 0) {
			xsnprintf(msg, sizeof(msg), "正式党员 %" PRId64 " 名（7 名以上），应设立支部委员会（3–5 人）", full);
			warn(arr, "org.branch_needs_committee", msg);
		}
		if (o->committee_size > 7 || (o->committee_size > 0 && o->committee_size < 3)) {
			xsnprintf(msg, sizeof(msg), "支部委员会 %d 人，应为 3–5 人（最多 7 人）", o->committee_size);
			warn(arr, "org.committee_size", msg);
		}
	}
	if (o->term_end[0] && !date_parse(o->term_end, &end)) {
		if (date_cmp(end, ctx->today) < 0) {
			xsnprintf(msg, sizeof(msg), "本届任期已于 %s 届满，应及时换届", o->term_end);
			warn(arr, "org.term_expired", msg);
		} else if (date_to_days(end) - date_to_days(ctx->today) <= 90) {
			xsnprintf(msg, sizeof(msg), "本届任期将于 %s 届满，请做好换届准备", o->term_end);
			warn(arr, "org.term_expiring", msg);
		}
		if (o->term_start[0] && !date_parse(o->term_start, &start)) {
			int years = (!strcmp(o->unit_kind, "village") || !strcmp(o->unit_kind, "community")) ? 5 : 3;
			struct date expect = date_add_months(start, years * 12);
			if (date_cmp(end, expect) != 0) {
				xsnprintf(msg, sizeof(msg), "任期应为 %d 年（%s 至 %04d-%02d-%02d）", years, o->term_start,
					  expect.y, expect.m, expect.d);
				warn(arr, "org.term_length", msg);
			}
		}
	}
	return arr;
}

int org_lookup_branches(struct ctx *ctx, const char *q, int limit, json_t **items)
{
	char like[160];
	struct stmt *st;
	json_t *arr;
	if (!q || utf8_chars(q) < 2)
		return err_set(&ctx->err, E_MALFORMED, "q", NULL, "请至少输入两个字查找组织");
	xsnprintf(like, sizeof(like), "%%%.150s%%", q);
	st = db_prepare(ctx->db,
			"SELECT o.id, o.name, o.code, o.kind, COALESCE(p.name, '') FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id "
			"WHERE o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND (o.name LIKE ? OR o.code = ?) "
			"ORDER BY o.path LIMIT ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, like);
	stmt_bind_text(st, 2, q);
	stmt_bind_int(st, 3, limit);
	arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(o, "name", json_string(stmt_text(st, 1)));
		json_object_set_new(o, "code", json_string(stmt_text(st, 2)));
		json_object_set_new(o, "kind", json_string(stmt_text(st, 3)));
		json_object_set_new(o, "parent_name", json_string(stmt_text(st, 4)));
		json_array_append_new(arr, o);
	}
	stmt_reset(st);
	*items = arr;
	return 0;
}

int org_recount_members(struct ctx *ctx)
{
	/* one grouped join, and only the orgs whose count changed are written: the subquery per org
	 * took 38 s over a 10M-member province on PostgreSQL and wrote all 664,065 rows again */
	return db_exec(ctx->db,
		       "UPDATE orgs SET direct_members = c.n FROM (SELECT o.id, count(m.id) AS n FROM orgs o "
		       "LEFT JOIN members m ON m.org_id = o.id AND m.state IN ('active', 'transferring') GROUP BY o.id) c "
		       "WHERE c.id = orgs.id AND orgs.direct_members <> c.n",
		       &ctx->err);
}
