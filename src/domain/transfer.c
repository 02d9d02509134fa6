#include "domain/transfer.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TRANSFER_COLS                                                                                           \
	"t.id, t.serial, t.member_id, m.name, t.from_org_id, fo.name, fo.path, t.to_org_id, "                     \
	"COALESCE(tp.name, t.to_org_name), tp.path, t.kind, t.reason, t.issued_on, t.valid_until, t.dues_paid_to, " \
	"t.status, t.decided_on, t.decided_by, t.reject_reason, t.version"
/* the receiving org is joined, not copied, so a renamed or moved branch shows as it is now */
#define TRANSFER_FROM                                                                                           \
	" FROM transfers t JOIN members m ON m.id = t.member_id JOIN orgs fo ON fo.id = t.from_org_id "          \
	"LEFT JOIN orgs tp ON tp.id = t.to_org_id "

static const char *const statuses[] = { "pending", "confirmed", "rejected", "cancelled", "sent", NULL };

void transfer_filter_init(struct transfer_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->page = 1;
	f->per_page = 50;
}

static void read_transfer(struct stmt *st, struct transfer *t)
{
	memset(t, 0, sizeof(*t));
	t->id = stmt_int(st, 0);
	stmt_text_copy(st, 1, t->serial, sizeof(t->serial));
	t->member_id = stmt_int(st, 2);
	stmt_text_copy(st, 3, t->member_name, sizeof(t->member_name));
	t->from_org_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, t->from_org_name, sizeof(t->from_org_name));
	stmt_text_copy(st, 6, t->from_org_path, sizeof(t->from_org_path));
	t->to_org_id = stmt_is_null(st, 7) ? 0 : stmt_int(st, 7);
	stmt_text_copy(st, 8, t->to_org_name, sizeof(t->to_org_name));
	stmt_text_copy(st, 9, t->to_org_path, sizeof(t->to_org_path));
	stmt_text_copy(st, 10, t->kind, sizeof(t->kind));
	stmt_text_copy(st, 11, t->reason, sizeof(t->reason));
	stmt_text_copy(st, 12, t->issued_on, sizeof(t->issued_on));
	stmt_text_copy(st, 13, t->valid_until, sizeof(t->valid_until));
	stmt_text_copy(st, 14, t->dues_paid_to, sizeof(t->dues_paid_to));
	stmt_text_copy(st, 15, t->status, sizeof(t->status));
	stmt_text_copy(st, 16, t->decided_on, sizeof(t->decided_on));
	t->decided_by = stmt_is_null(st, 17) ? 0 : stmt_int(st, 17);
	stmt_text_copy(st, 18, t->reject_reason, sizeof(t->reject_reason));
	t->version = stmt_int(st, 19);
}

/* A pending letter past its validity can no longer be confirmed (RULES.md §4). */
static int is_expired(const struct ctx *ctx, const struct transfer *t)
{
	struct date until;
	if (!ctx || strcmp(t->status, "pending") || date_parse(t->valid_until, &until))
		return 0;
	return date_cmp(ctx->today, until) > 0;
}

json_t *transfer_to_json(const struct ctx *ctx, const struct transfer *t)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "serial", json_string(t->serial));
	json_object_set_new(j, "member_id", json_integer(t->member_id));
	json_object_set_new(j, "member_name", json_string(t->member_name));
	json_object_set_new(j, "from_org_id", json_integer(t->from_org_id));
	json_object_set_new(j, "from_org_name", json_string(t->from_org_name));
	json_object_set_new(j, "to_org_id", t->to_org_id ? json_integer(t->to_org_id) : json_null());
	json_object_set_new(j, "to_org_name", json_str_or_null(t->to_org_name));
	json_object_set_new(j, "kind", json_string(t->kind));
	json_object_set_new(j, "reason", json_string(t->reason));
	json_object_set_new(j, "issued_on", json_string(t->issued_on));
	json_object_set_new(j, "valid_until", json_string(t->valid_until));
	json_object_set_new(j, "dues_paid_to", json_string(t->dues_paid_to));
	json_object_set_new(j, "status", json_string(t->status));
	json_object_set_new(j, "expired", json_boolean(is_expired(ctx, t)));
	json_object_set_new(j, "decided_on", json_str_or_null(t->decided_on));
	json_object_set_new(j, "reject_reason", json_str_or_null(t->reject_reason));
	json_object_set_new(j, "version", json_integer(t->version));
	return j;
}

/*
 * A copy of ctx whose actor sees the whole tree. Letters cross scopes by nature: the
 * receiving branch acts on a member who still sits in the sender's subtree, and the
 * sender names a receiving branch it cannot administer. Callers check their own side
 * first and use the wide view only for the other one.
 */
static void widen(const struct ctx *ctx, struct ctx *wide)
{
	*wide = *ctx;
	wide->actor.role = ROLE_SYSADMIN;
	strlcpy_z(wide->actor.org_path, "/", sizeof(wide->actor.org_path));
}

static int load_member_any(struct ctx *ctx, int64_t id, struct member *m)
{
	struct ctx wide;
	int rc;
	widen(ctx, &wide);
	rc = member_get(&wide, id, m);
	ctx->err = wide.err;
	return rc;
}

static int load_transfer(struct ctx *ctx, int64_t id, struct transfer *t)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " TRANSFER_COLS TRANSFER_FROM "WHERE t.id = ?", &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		read_transfer(st, t);
	stmt_reset(st);
	if (step == STEP_ROW)
		return 0;
	if (step < 0)
		return ctx_db_fail(ctx);
	return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "介绍信不存在或不在您的管理范围内");
}

int transfer_get(struct ctx *ctx, int64_t id, struct transfer *t)
{
	int rc = load_transfer(ctx, id, t);
	if (rc)
		return rc;
	if (!ctx_path_in_scope(ctx, t->from_org_path) && !(t->to_org_path[0] && ctx_path_in_scope(ctx, t->to_org_path)))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "介绍信不存在或不在您的管理范围内");
	return 0;
}

/* Strict 'YYYY-MM'; returns the month as y * 12 + (m - 1), or -1. */
static int64_t parse_month(const char *s)
{
	int i, y = 0, m;
	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1900 || m < 1 || m > 12)
		return -1;
	return (int64_t)y * 12 + (m - 1);
}

/* Dues are paid up to a real month between joining the Party and half a year ahead. */
static int check_dues_month(struct ctx *ctx, const char *dues, const struct member *m)
{
	struct date join;
	int64_t month = parse_month(dues), now = (int64_t)ctx->today.y * 12 + (ctx->today.m - 1);
	if (!dues[0])
		return err_set(&ctx->err, E_INVALID, "dues_paid_to", "field.required", "党费交纳至（YYYY-MM）不能为空");
	if (month < 0)
		return err_set(&ctx->err, E_INVALID, "dues_paid_to", "transfer.dues_month",
			       "党费交纳至“%s”不是有效月份（格式 YYYY-MM）", dues);
	if (month > now + 6)
		return err_set(&ctx->err, E_RULE, "dues_paid_to", "transfer.dues_month",
			       "党费交纳至 %s 超出本月之后 6 个月", dues);
	if (!date_parse(m->join_date, &join) && month < (int64_t)join.y * 12 + (join.m - 1))
		return err_set(&ctx->err, E_RULE, "dues_paid_to", "transfer.dues_month",
			       "党费交纳至 %s 早于入党时间 %s", dues, m->join_date);
	return 0;
}

/* dues: a letter without dues_paid_to takes the member's own (members.dues_paid_to, kept by dues*.c) */
static int default_dues_paid_to(struct ctx *ctx, struct transfer *t)
{
	struct stmt *st;
	int step;
	if (t->dues_paid_to[0])
		return 0;
	st = db_prepare(ctx->db, "SELECT dues_paid_to FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, t->member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, t->dues_paid_to, sizeof(t->dues_paid_to));
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}
/* end dues */

/* Free text of a letter (reason, refusal): required, clean, at most 200 characters. */
static int check_reason(struct ctx *ctx, const char *s, const char *field, const char *rule, const char *label)
{
	if (!s || !s[0])
		return err_set(&ctx->err, rule ? E_RULE : E_INVALID, field, rule ? rule : "field.required", "%s不能为空", label);
	if (!text_is_clean(s) || utf8_chars(s) > TRANSFER_REASON_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s含有非法字符或超过 %d 个字", label,
			       TRANSFER_REASON_MAX_CHARS);
	return 0;
}

/* Where the letter goes: a branch in the system (any scope) or a named organization outside. */
static int check_target(struct ctx *ctx, struct transfer *t, const struct member *m)
{
	struct ctx wide;
	struct org o;
	char buf[TRANSFER_ORG_NAME_SIZE];
	int rc;
	if (!strcmp(t->kind, "internal")) {
		if (!t->to_org_id)
			return err_set(&ctx->err, E_INVALID, "to_org_id", "field.required", "转入党组织不能为空");
		if (t->to_org_name[0])
			return err_set(&ctx->err, E_INVALID, "to_org_name", "transfer.target",
				       "系统内转接请用 to_org_id 指定转入党组织，不要填写 to_org_name");
		widen(ctx, &wide);
		rc = org_require_in_scope(&wide, t->to_org_id, &o, "to_org_id");
		ctx->err = wide.err;
		if (rc) {
			if (!strcmp(ctx->err.rule, "org.scope"))
				err_set(&ctx->err, E_INVALID, "to_org_id", "transfer.target", "转入党组织 %" PRId64 " 不存在",
					t->to_org_id);
			return rc;
		}
		if (!org_kind_is_branch(o.kind))
			return err_set(&ctx->err, E_RULE, "to_org_id", "transfer.target_kind",
				       "组织关系只能转入党支部或联合党支部，“%s”是%s", o.name, org_kind_name(o.kind));
		if (o.id == m->org_id)
			return err_set(&ctx->err, E_RULE, "to_org_id", "transfer.same_org", "转入党组织与党员现在所在的党组织相同");
		strlcpy_z(t->to_org_name, o.name, sizeof(t->to_org_name));
		strlcpy_z(t->to_org_path, o.path, sizeof(t->to_org_path));
		return 0;
	}
	if (!strcmp(t->kind, "external")) {
		if (t->to_org_id)
			return err_set(&ctx->err, E_INVALID, "to_org_id", "transfer.target",
				       "转出系统外时用 to_org_name 填写接收党组织名称，不要填写 to_org_id");
		text_normalize(t->to_org_name, buf, sizeof(buf));
		strlcpy_z(t->to_org_name, buf, sizeof(t->to_org_name));
		if (!t->to_org_name[0])
			return err_set(&ctx->err, E_INVALID, "to_org_name", "field.required", "接收党组织名称不能为空");
		if (!text_is_clean(t->to_org_name) || utf8_chars(t->to_org_name) > TRANSFER_ORG_NAME_MAX_CHARS)
			return err_set(&ctx->err, E_INVALID, "to_org_name", "field.text",
				       "接收党组织名称含有非法字符或超过 %d 个字", TRANSFER_ORG_NAME_MAX_CHARS);
		t->to_org_path[0] = '\0';
		return 0;
	}
	if (!t->kind[0])
		return err_set(&ctx->err, E_INVALID, "kind", "field.required", "转接类型不能为空（internal 或 external）");
	return err_set(&ctx->err, E_INVALID, "kind", "transfer.kind", "转接类型必须是 internal（系统内）或 external（系统外）");
}

static int64_t valid_days(const struct ctx *ctx, int within_city)
{
	enum config_key k = within_city ? CFG_TRANSFER_VALID_DAYS_CITY : CFG_TRANSFER_VALID_DAYS;
	/* unit tests run without a config: the table's default is the documented value */
	return ctx->cfg ? config_int(ctx->cfg, k) : strtoll(config_defs[k].def, NULL, 10);
}

/*
 * The next serial of the year from the serials table. UPDATE comes first because on
 * PostgreSQL it takes the row lock: concurrent issuers queue on it and each reads the
 * increment of the one before (READ COMMITTED re-reads the row after the wait). Only
 * the first letter of a year inserts, and ON CONFLICT DO NOTHING lets two first
 * letters race without aborting the loser's transaction.
 */
static int next_serial(struct ctx *ctx, int year, char *out, size_t size)
{
	char name[32];
	struct stmt *st;
	int64_t n = 0;
	int step, attempt, rc;
	xsnprintf(name, sizeof(name), "transfer-%d", year);
	for (attempt = 0; attempt < 2; attempt++) {
		st = db_prepare(ctx->db, "UPDATE serials SET next_value = next_value + 1 WHERE name = ? RETURNING next_value - 1",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, name);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			n = stmt_int(st, 0);
		stmt_reset(st);
		if (step < 0)
			return ctx_db_fail(ctx);
		if (step == STEP_ROW || attempt)
			break;
		st = db_prepare(ctx->db, "INSERT INTO serials (name, next_value) VALUES (?, 1) ON CONFLICT (name) DO NOTHING",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, name);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	if (n < 1)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "无法生成介绍信编号");
	xsnprintf(out, size, "ZZ%04d-%06" PRId64, year, n);
	return 0;
}

/*
 * A member who leaves a subtree can no longer be the secretary of an org in it:
 * org_update insists the secretary is an active member below the org, so a stale
 * pointer would leave the old branch uneditable. new_path NULL: left the system.
 */
static int release_secretary(struct ctx *ctx, int64_t member_id, const char *new_path)
{
	struct stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0, i;
	int rc = 0, step;

	st = db_prepare(ctx->db, "SELECT id, path FROM orgs WHERE secretary_member_id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *path = stmt_text(st, 1);
		if (new_path && path && !strncmp(new_path, path, strlen(path)))
			continue;
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	for (i = 0; i < n; i++) {
		json_t *jb, *ja;
		st = db_prepare(ctx->db, "UPDATE orgs SET secretary_member_id = NULL, version = version + 1, updated_at = ? "
					 "WHERE id = ?", &ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_text(st, 1, ctx->now_iso);
		stmt_bind_int(st, 2, ids[i]);
		if ((rc = stmt_run(st, &ctx->err)))
			goto out;
		jb = json_pack("{s:I}", "secretary_member_id", (json_int_t)member_id);
		ja = json_pack("{s:n, s:s}", "secretary_member_id", "reason", "transfer");
		rc = audit_append(ctx, "update", "org", ids[i], jb, ja);
		json_decref(jb);
		json_decref(ja);
		if (rc)
			goto out;
	}
out:
	free(ids);
	return rc;
}

/* Sets members.state from 'from' to 'to' if the row is still in 'from' (and at version, if > 0). */
static int set_member_state(struct ctx *ctx, const struct member *m, const char *from, const char *to,
			    const char *note)
{
	struct stmt *st;
	int rc;
	st = db_prepare(ctx->db, "UPDATE members SET state = ?, version = version + 1, updated_at = ? "
				 "WHERE id = ? AND state = ? AND version = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, to);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, m->id);
	stmt_bind_text(st, 4, from);
	stmt_bind_int(st, 5, m->version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "member_id", "store.stale", "该党员信息已被他人修改，请刷新后重试");
	return member_history_add(ctx, m->id, "state", from, to, note);
}

static int audit_member(struct ctx *ctx, const char *action, const struct member *before, const struct member *after)
{
	json_t *jb = member_to_json(NULL, before), *ja = member_to_json(NULL, after);
	int rc = audit_append(ctx, action, "member", before->id, jb, ja);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int transfer_create(struct ctx *ctx, struct transfer *t, int within_city)
{
	struct member m, after;
	struct stmt *st;
	struct date until;
	char buf[TRANSFER_REASON_SIZE];
	json_t *ja = NULL;
	int rc, step, external;

	if (!t->member_id)
		return err_set(&ctx->err, E_INVALID, "member_id", "field.required", "转接的党员不能为空");
	if ((rc = member_get(ctx, t->member_id, &m))) {
		if (rc != E_NOTFOUND)
			return rc;
		return err_set(&ctx->err, E_INVALID, "member_id", "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内",
			       t->member_id);
	}
	if (strcmp(m.state, "active"))
		return err_set(&ctx->err, E_RULE, "member_id", "transfer.member_state", "%s当前状态为%s，不能开具介绍信",
			       m.name, member_state_name(m.state) ? member_state_name(m.state) : m.state);
	if ((rc = check_target(ctx, t, &m)))
		return rc;
	external = !strcmp(t->kind, "external");
	text_normalize(t->reason, buf, sizeof(buf));
	strlcpy_z(t->reason, buf, sizeof(t->reason));
	if ((rc = check_reason(ctx, t->reason, "reason", NULL, "转接原因")) || (rc = default_dues_paid_to(ctx, t)) ||
	    (rc = check_dues_month(ctx, t->dues_paid_to, &m)))
		return rc;

	t->from_org_id = m.org_id;
	strlcpy_z(t->from_org_name, m.org_name, sizeof(t->from_org_name));
	strlcpy_z(t->from_org_path, m.org_path, sizeof(t->from_org_path));
	strlcpy_z(t->member_name, m.name, sizeof(t->member_name));
	date_format(ctx->today, t->issued_on);
	until = date_add_days(ctx->today, valid_days(ctx, within_city));
	date_format(until, t->valid_until);
	strlcpy_z(t->status, external ? "sent" : "pending", sizeof(t->status));
	t->decided_on[0] = t->reject_reason[0] = '\0';
	t->decided_by = 0;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = next_serial(ctx, ctx->today.y, t->serial, sizeof(t->serial))))
		goto out;
	/* the member row is checked again under the write lock: a concurrent letter or edit loses here */
	if ((rc = set_member_state(ctx, &m, "active", external ? "transferred_out" : "transferring", t->serial)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO transfers (serial, member_id, from_org_id, to_org_id, to_org_name, kind, reason, issued_on, "
			"valid_until, dues_paid_to, status, created_by, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, t->serial);
	stmt_bind_int(st, 2, m.id);
	stmt_bind_int(st, 3, m.org_id);
	if (external) {
		stmt_bind_null(st, 4);
		stmt_bind_text(st, 5, t->to_org_name);
	} else {
		stmt_bind_int(st, 4, t->to_org_id);
		stmt_bind_null(st, 5);
	}
	stmt_bind_text(st, 6, t->kind);
	stmt_bind_text(st, 7, t->reason);
	stmt_bind_text(st, 8, t->issued_on);
	stmt_bind_text(st, 9, t->valid_until);
	stmt_bind_text(st, 10, t->dues_paid_to);
	stmt_bind_text(st, 11, t->status);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 12, ctx->actor.user_id);
	else
		stmt_bind_null(st, 12);
	stmt_bind_text(st, 13, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		t->id = stmt_int(st, 0);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT) {
		rc = err_set(&ctx->err, E_CONFLICT, "member_id", "transfer.member_state", "该党员已有办理中的介绍信");
		goto out;
	}
	if (step != STEP_ROW) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	t->version = 1;
	if (external && (rc = release_secretary(ctx, m.id, NULL)))
		goto out;
	after = m;
	strlcpy_z(after.state, external ? "transferred_out" : "transferring", sizeof(after.state));
	after.version++;
	ja = transfer_to_json(NULL, t);
	if ((rc = audit_append(ctx, "create", "transfer", t->id, NULL, ja)) ||
	    (rc = audit_member(ctx, external ? "transfer_out" : "transfer_issue", &m, &after)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(ja);
	return rc;
}

enum decision { DECIDE_CONFIRM, DECIDE_REJECT, DECIDE_CANCEL };

/* What happened to a letter that is no longer pending, for refusals ("已接收"). */
static const char *status_done_name(const char *status)
{
	static const struct { const char *status, *name; } done[] = {
		{ "confirmed", "接收" }, { "rejected", "退回" }, { "cancelled", "撤回" }, { "sent", "转出系统" },
	};
	size_t i;
	for (i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		if (!strcmp(done[i].status, status))
			return done[i].name;
	return "办结";
}

/* Moves a confirmed transferee into the receiving branch (out of any 党小组 of the old one). */
static int move_member(struct ctx *ctx, const struct member *m, const struct org *to, const char *serial)
{
	struct stmt *st;
	char ob[24], nb[24];
	int rc;
	st = db_prepare(ctx->db,
			"UPDATE members SET org_id = ?, org_path = ?, group_id = NULL, state = 'active', version = version + 1, "
			"updated_at = ? WHERE id = ? AND state = 'transferring' AND version = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, to->id);
	stmt_bind_text(st, 2, to->path);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_int(st, 4, m->id);
	stmt_bind_int(st, 5, m->version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "member_id", "store.stale", "该党员信息已被他人修改，请刷新后重试");
	xsnprintf(ob, sizeof(ob), "%" PRId64, m->org_id);
	xsnprintf(nb, sizeof(nb), "%" PRId64, to->id);
	if ((rc = member_history_add(ctx, m->id, "state", "transferring", "active", serial)) ||
	    (rc = member_history_add(ctx, m->id, "org_id", ob, nb, to->name)))
		return rc;
	return release_secretary(ctx, m->id, to->path);
}

static int decide(struct ctx *ctx, int64_t id, int64_t version, enum decision d, const char *reject_reason)
{
	static const char *const new_status[] = { "confirmed", "rejected", "cancelled" };
	static const char *const actions[] = { "confirm", "reject", "cancel" };
	struct transfer t, before;
	struct member m, after;
	struct org to;
	struct ctx wide;
	struct stmt *st;
	char reason[TRANSFER_REASON_SIZE] = "";
	json_t *jb = NULL, *ja = NULL;
	int rc, receiving = d != DECIDE_CANCEL;

	if ((rc = transfer_get(ctx, id, &t)))
		return rc;
	if (receiving ? !(t.to_org_path[0] && ctx_path_in_scope(ctx, t.to_org_path)) : !ctx_path_in_scope(ctx, t.from_org_path))
		return err_set(&ctx->err, E_FORBIDDEN, "id", "transfer.side",
			       receiving ? "只有转入党组织可以接收或退回介绍信" : "只有转出党组织可以撤回介绍信");
	if (strcmp(t.status, "pending"))
		return err_set(&ctx->err, E_RULE, "status", "transfer.status", "介绍信 %s 已%s，不能再办理", t.serial,
			       status_done_name(t.status));
	if (t.version != version)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该介绍信已被他人办理，请刷新后重试");
	if (d == DECIDE_CONFIRM && is_expired(ctx, &t))
		return err_set(&ctx->err, E_RULE, "valid_until", "transfer.expired",
			       "介绍信已于 %s 过期，不能接收；请转出党组织撤回后重新开具", t.valid_until);
	if (d == DECIDE_REJECT) {
		text_normalize(reject_reason ? reject_reason : "", reason, sizeof(reason));
		if ((rc = check_reason(ctx, reason, "reason", "transfer.reject_reason", "退回理由")))
			return rc;
	}
	if ((rc = load_member_any(ctx, t.member_id, &m)))
		return rc;
	if (strcmp(m.state, "transferring"))
		return err_set(&ctx->err, E_CONFLICT, "member_id", "transfer.member_state", "%s当前状态为%s，与介绍信不符",
			       m.name, member_state_name(m.state) ? member_state_name(m.state) : m.state);
	if (d == DECIDE_CONFIRM) {
		widen(ctx, &wide);
		rc = org_require_in_scope(&wide, t.to_org_id, &to, "to_org_id");
		ctx->err = wide.err;
		if (rc)
			return rc;
	}

	before = t;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"UPDATE transfers SET status = ?, decided_on = ?, decided_by = ?, reject_reason = ?, version = version + 1 "
			"WHERE id = ? AND version = ? AND status = 'pending'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	date_format(ctx->today, t.decided_on);
	stmt_bind_text(st, 1, new_status[d]);
	stmt_bind_text(st, 2, t.decided_on);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 3, ctx->actor.user_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, d == DECIDE_REJECT ? reason : NULL);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该介绍信已被他人办理，请刷新后重试");
		goto out;
	}
	strlcpy_z(t.status, new_status[d], sizeof(t.status));
	strlcpy_z(t.reject_reason, d == DECIDE_REJECT ? reason : "", sizeof(t.reject_reason));
	t.decided_by = ctx->actor.user_id;
	t.version++;

	after = m;
	after.version++;
	strlcpy_z(after.state, "active", sizeof(after.state));
	if (d == DECIDE_CONFIRM) {
		rc = move_member(ctx, &m, &to, t.serial);
		after.org_id = to.id;
		after.group_id = 0;
		strlcpy_z(after.org_path, to.path, sizeof(after.org_path));
		strlcpy_z(after.org_name, to.name, sizeof(after.org_name));
	} else {
		rc = set_member_state(ctx, &m, "transferring", "active", t.serial);
	}
	if (rc)
		goto out;
	jb = transfer_to_json(NULL, &before);
	ja = transfer_to_json(NULL, &t);
	if ((rc = audit_append(ctx, actions[d], "transfer", id, jb, ja)) ||
	    (rc = audit_member(ctx, d == DECIDE_CONFIRM ? "transfer_in" : "transfer_return", &m, &after)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int transfer_confirm(struct ctx *ctx, int64_t id, int64_t version)
{
	return decide(ctx, id, version, DECIDE_CONFIRM, NULL);
}

int transfer_reject(struct ctx *ctx, int64_t id, int64_t version, const char *reason)
{
	return decide(ctx, id, version, DECIDE_REJECT, reason);
}

int transfer_cancel(struct ctx *ctx, int64_t id, int64_t version)
{
	return decide(ctx, id, version, DECIDE_CANCEL, NULL);
}

int transfer_list(struct ctx *ctx, const struct transfer_filter *f, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	const char *const *s;
	json_t *arr = NULL;
	int rc = 0, step, out_side, in_side, n = 0, i;
	const char *vals[6];

	out_side = !f->direction[0] || !strcmp(f->direction, "out");
	in_side = !f->direction[0] || !strcmp(f->direction, "in");
	if (!out_side && !in_side)
		return err_set(&ctx->err, E_MALFORMED, "direction", NULL, "direction 必须是 in 或 out");
	if (f->status[0]) {
		for (s = statuses; *s && strcmp(*s, f->status); s++)
			;
		if (!*s)
			return err_set(&ctx->err, E_MALFORMED, "status", NULL, "未知的介绍信状态 %s", f->status);
	}
	if (f->org_id) {
		if ((rc = org_get(ctx, f->org_id, &root)))
			return rc;
		strlcpy_z(lo, root.path, sizeof(lo));
	} else {
		strlcpy_z(lo, ctx->actor.org_path, sizeof(lo));
	}
	if (!lo[0])
		return err_set(&ctx->err, E_FORBIDDEN, NULL, NULL, "您没有管理范围");
	path_range_end(lo, hi, sizeof(hi));

	strbuf_addstr(&where, " WHERE (");
	if (out_side) {
		strbuf_addstr(&where, "(fo.path >= ? AND fo.path < ?)");
		vals[n++] = lo;
		vals[n++] = hi;
	}
	if (in_side) {
		strbuf_addstr(&where, out_side ? " OR (tp.path >= ? AND tp.path < ?)" : "(tp.path >= ? AND tp.path < ?)");
		vals[n++] = lo;
		vals[n++] = hi;
	}
	strbuf_addch(&where, ')');
	if (f->status[0]) {
		strbuf_addstr(&where, " AND t.status = ?");
		vals[n++] = f->status;
	}

	strbuf_addf(&sql, "SELECT count(*)" TRANSFER_FROM "%s", where.buf);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	step = stmt_step(st, &ctx->err);
	*total = step == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}

	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " TRANSFER_COLS TRANSFER_FROM "%s ORDER BY t.id DESC LIMIT %d OFFSET %" PRId64, where.buf,
		    f->per_page, (int64_t)(f->page - 1) * f->per_page);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct transfer t;
		read_transfer(st, &t);
		json_array_append_new(arr, transfer_to_json(ctx, &t));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
