/*
 * 督查整改 (see supervision.h). An inspection belongs to the inspecting org; its findings
 * name the inspected orgs below it. The status moves are guarded twice: the status read
 * before the write gives the 409 message, and the UPDATE's "AND status = ? AND version
 * = ?" keeps two concurrent moves from both passing.
 */
#include "domain/supervision.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/org.h"
#include "domain/points.h"
#include "domain/listq.h"
#include "domain/svd_util.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define INSPECTION_NOT_FOUND "督查记录不存在或不在您的管理范围内"
#define FINDING_NOT_FOUND "督查问题不存在或不在您的管理范围内"
#define INSPECTION_STALE "该督查记录已被他人修改，请刷新后重试"
#define FINDING_STALE "该督查问题已被他人修改，请刷新后重试"

static const struct named kinds[] = {
	{ "monthly", "月度督查" },
	{ "special", "专项督查" },
	{ "quarterly", "季度考核" },
};
static const struct named categories[] = {
	{ "organization", "组织建设" }, { "meetings", "组织生活" }, { "education", "教育管理" },
	{ "members", "党员管理" },      { "dues", "党费收缴" },     { "positions", "阵地建设" },
	{ "style", "作风纪律" },        { "other", "其他" },
};
static const struct named severities[] = {
	{ "minor", "轻微" },
	{ "normal", "一般" },
	{ "serious", "严重" },
};
static const struct named statuses[] = {
	{ "open", "待整改" },
	{ "rectified", "已整改待验收" },
	{ "closed", "已销号" },
};
static const struct named actions[] = {
	{ "create", "发现问题" },
	{ "rectify", "报告整改" },
	{ "close", "验收销号" },
	{ "return", "退回重改" },
};

const char *supervision_kind_name(const char *code)
{
	return named_name_of(kinds, NAMED_COUNT(kinds), code);
}

const char *supervision_category_name(const char *code)
{
	return named_name_of(categories, NAMED_COUNT(categories), code);
}

const char *supervision_severity_name(const char *code)
{
	return named_name_of(severities, NAMED_COUNT(severities), code);
}

static void set_name(json_t *j, const char *key, const char *name_key, const struct named *t, size_t n)
{
	const char *name = named_name_of(t, n, json_string_value(json_object_get(j, key)));
	json_object_set_new(j, name_key, json_str_or_null(name));
}

static int require_admin(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "supervision.role", "只有组织部门或党委管理员可以组织督查和验收");
	return 0;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "supervision.role", "只有支部书记或管理员可以查看督查整改");
	return 0;
}

/* A coded value from a table: required; unknown → 422 naming the field. */
static int read_code(struct ctx *ctx, json_t *body, const char *key, const char *label, const struct named *t,
		     size_t n, const char **out)
{
	json_t *v = json_object_get(body, key);
	struct strbuf list = STRBUF_INIT;
	size_t i;
	int rc;
	*out = NULL;
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (named_index(t, n, json_string_value(v)) >= 0) {
		*out = json_string_value(v);
		return 0;
	}
	for (i = 0; i < n; i++)
		strbuf_addf(&list, "%s%s（%s）", i ? "、" : "", t[i].code, t[i].name);
	rc = err_set(&ctx->err, E_INVALID, key, "supervision.code", "%s须为 %s", label, list.buf);
	strbuf_release(&list);
	return rc;
}

/* ---- rows ------------------------------------------------------------------------ */

#define INSPECTION_COLS                                                                                 \
	"i.id, i.org_id, o.name, i.held_on, i.kind, i.title, i.inspectors, i.note, i.version, i.created_at, " \
	"i.updated_at, (SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id), "           \
	"(SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id AND f.status = 'closed'), " \
	"(SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id AND f.status = 'open' AND f.deadline < ?), " \
	"o.path"
#define INSPECTION_FROM "FROM inspections i JOIN orgs o ON o.id = i.org_id"
static const struct svd_col inspection_cols[] = {
	{ "id", 'i' },	       { "org_id", 'i' },     { "org_name", 's' },   { "held_on", 's' },
	{ "kind", 's' },       { "title", 's' },      { "inspectors", 's' }, { "note", 's' },
	{ "version", 'i' },    { "created_at", 's' }, { "updated_at", 's' }, { "findings", 'i' },
	{ "closed", 'i' },     { "overdue", 'i' },    { "org_path", 's' },   { NULL, 0 },
};

#define FINDING_COLS                                                                                          \
	"f.id, f.inspection_id, i.org_id, io.name, i.kind, i.title, f.org_id, o.name, f.found_on, f.problem, "      \
	"f.category, f.severity, f.deadline, f.responsible, f.status, f.rectification, f.rectified_on, f.evidence, " \
	"f.closed_on, f.returns, f.return_reason, f.version, f.created_at, f.updated_at, o.path, io.path"
#define FINDING_FROM                                                                                  \
	"FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id JOIN orgs o ON o.id = f.org_id " \
	"JOIN orgs io ON io.id = i.org_id"
static const struct svd_col finding_cols[] = {
	{ "id", 'i' },		   { "inspection_id", 'i' }, { "inspecting_org_id", 'i' }, { "inspecting_org_name", 's' },
	{ "kind", 's' },	   { "inspection_title", 's' }, { "org_id", 'i' },	    { "org_name", 's' },
	{ "found_on", 's' },	   { "problem", 's' },	     { "category", 's' },	    { "severity", 's' },
	{ "deadline", 's' },	   { "responsible", 's' },   { "status", 's' },	    { "rectification", 's' },
	{ "rectified_on", 's' },   { "evidence", 's' },	     { "closed_on", 's' },	    { "returns", 'i' },
	{ "return_reason", 's' },  { "version", 'i' },	     { "created_at", 's' },	    { "updated_at", 's' },
	{ "org_path", 's' },	   { "inspecting_org_path", 's' }, { NULL, 0 },
};

static void inspection_decorate(json_t *j)
{
	set_name(j, "kind", "kind_name", kinds, NAMED_COUNT(kinds));
	json_object_del(j, "org_path");
}

/* overdue: open and past the deadline; late: rectified after it */
static void finding_decorate(const struct ctx *ctx, json_t *j)
{
	char today[11];
	const char *st = json_string_value(json_object_get(j, "status"));
	const char *deadline = json_string_value(json_object_get(j, "deadline"));
	const char *rect = json_string_value(json_object_get(j, "rectified_on"));
	date_format(ctx->today, today);
	set_name(j, "kind", "kind_name", kinds, NAMED_COUNT(kinds));
	set_name(j, "category", "category_name", categories, NAMED_COUNT(categories));
	set_name(j, "severity", "severity_name", severities, NAMED_COUNT(severities));
	set_name(j, "status", "status_name", statuses, NAMED_COUNT(statuses));
	json_object_set_new(j, "overdue", json_boolean(st && deadline && !strcmp(st, "open") && strcmp(deadline, today) < 0));
	json_object_set_new(j, "late", json_boolean(rect && deadline && strcmp(rect, deadline) > 0));
	json_object_del(j, "org_path");
	json_object_del(j, "inspecting_org_path");
}

/* ---- inspections ----------------------------------------------------------------- */

static int load_inspection(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " INSPECTION_COLS " " INSPECTION_FROM " WHERE i.id = ?", &ctx->err);
	char today[11];
	if (st) {
		date_format(ctx->today, today);
		stmt_bind_text(st, 1, today);
		stmt_bind_int(st, 2, id);
	}
	return svd_load_row(ctx, st, 14, inspection_cols, INSPECTION_NOT_FOUND, out);
}

int supervision_inspection_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct stmt *st;
	struct date held;
	char held_s[11];
	char *title = NULL, *inspectors = NULL, *note = NULL;
	const char *kind;
	int64_t org_id;
	int rc;
	int nested = 0;

	*id = 0;
	if ((rc = require_admin(ctx)) || (rc = body_int_required(ctx, body, "org_id", "督查单位", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = svd_date(ctx, body, "held_on", "督查日期", NULL, 1, &held)) ||
	    (rc = read_code(ctx, body, "kind", "督查类型", kinds, NAMED_COUNT(kinds), &kind)) ||
	    (rc = svd_text(ctx, body, "inspectors", "督查人员", SVD_LINE_MAX_CHARS, 1, 0, &inspectors)) ||
	    (rc = svd_text(ctx, body, "title", "督查主题", SVD_LINE_MAX_CHARS, 0, 0, &title)) ||
	    (rc = svd_text(ctx, body, "note", "备注", SVD_TEXT_MAX_CHARS, 0, 1, &note)))
		goto out;
	date_format(held, held_s);
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "INSERT INTO inspections (org_id, held_on, kind, title, inspectors, note, created_by, created_at, "
				 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 &st)))
		goto out;
	stmt_bind_int(st, 1, o.id);
	stmt_bind_text(st, 2, held_s);
	stmt_bind_text(st, 3, kind);
	/* an untitled inspection is named by its kind: the list needs something to show */
	stmt_bind_text(st, 4, title ? title : supervision_kind_name(kind));
	stmt_bind_text(st, 5, inspectors);
	stmt_bind_text(st, 6, note);
	ctx_bind_user(ctx, st, 7);
	stmt_bind_text(st, 8, ctx->now_iso);
	stmt_bind_text(st, 9, ctx->now_iso);
	rc = svd_insert(ctx, nested, st, "inspection", load_inspection, id);
out:
	free(title);
	free(inspectors);
	free(note);
	return rc;
}

/*
 * The inspection's own fields are corrected in place (versioned, audited) until one of its
 * findings is closed (销号): the verified record then stands (409 supervision.closed). Its
 * date moves only while it has no findings: they are dated the inspection, their deadlines
 * are checked against it and their points are dated by it (409 supervision.has_findings).
 */
int supervision_inspection_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	struct date held, cur_held;
	char held_s[11];
	char *title = NULL, *inspectors = NULL, *note = NULL;
	const char *kind, *cur_held_s;
	json_t *cur = NULL, *after = NULL, *merged = NULL;
	int64_t version;
	int rc, nested = 0;
	size_t i;
	static const char *const keys[] = { "held_on", "kind", "title", "inspectors", "note", NULL };

	if ((rc = require_admin(ctx)) || (rc = load_inspection(ctx, id, &cur)) || (rc = svd_version(ctx, body, &version)))
		goto out;
	json_object_del(cur, "org_path");
	if (json_integer_value(json_object_get(cur, "closed")) > 0) {
		rc = err_set(&ctx->err, E_CONFLICT, "status", "supervision.closed", "该督查已有问题验收销号，不能再修改督查信息");
		goto out;
	}
	/* absent keys keep the stored value; null clears an optional one */
	merged = json_object();
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(body, keys[i]);
		json_object_set(merged, keys[i], v ? v : json_object_get(cur, keys[i]));
	}
	if ((rc = svd_date(ctx, merged, "held_on", "督查日期", NULL, 1, &held)) ||
	    (rc = read_code(ctx, merged, "kind", "督查类型", kinds, NAMED_COUNT(kinds), &kind)) ||
	    (rc = svd_text(ctx, merged, "inspectors", "督查人员", SVD_LINE_MAX_CHARS, 1, 0, &inspectors)) ||
	    (rc = svd_text(ctx, merged, "title", "督查主题", SVD_LINE_MAX_CHARS, 0, 0, &title)) ||
	    (rc = svd_text(ctx, merged, "note", "备注", SVD_TEXT_MAX_CHARS, 0, 1, &note)))
		goto out;
	cur_held_s = json_string_value(json_object_get(cur, "held_on"));
	if (json_integer_value(json_object_get(cur, "findings")) > 0 && cur_held_s && !date_parse(cur_held_s, &cur_held) &&
	    date_cmp(held, cur_held)) {
		rc = err_set(&ctx->err, E_CONFLICT, "held_on", "supervision.has_findings",
			     "该督查已登记发现问题，问题以督查日期计，不能再改督查日期");
		goto out;
	}
	if (json_integer_value(json_object_get(cur, "version")) != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", INSPECTION_STALE);
		goto out;
	}
	date_format(held, held_s);
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "UPDATE inspections SET held_on = ?, kind = ?, title = ?, inspectors = ?, note = ?, updated_at = ?, "
				 "version = version + 1 WHERE id = ? AND version = ? AND NOT EXISTS (SELECT 1 FROM inspection_findings f "
				 "WHERE f.inspection_id = inspections.id AND f.status = 'closed')",
				 &st)))
		goto out;
	stmt_bind_text(st, 1, held_s);
	stmt_bind_text(st, 2, kind);
	stmt_bind_text(st, 3, title ? title : supervision_kind_name(kind));
	stmt_bind_text(st, 4, inspectors);
	stmt_bind_text(st, 5, note);
	stmt_bind_text(st, 6, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 6, id, version, INSPECTION_STALE)))
		goto rollback;
	if ((rc = load_inspection(ctx, id, &after)))
		goto rollback;
	json_object_del(after, "org_path");
	if ((rc = audit_append(ctx, "update", "inspection", id, cur, after)) || (rc = svd_commit(ctx, nested)))
		goto rollback;
	goto out;
rollback:
	svd_rollback(ctx, nested);
out:
	json_decref(cur);
	json_decref(after);
	json_decref(merged);
	free(title);
	free(inspectors);
	free(note);
	return rc;
}

static int findings_of(struct ctx *ctx, int64_t inspection_id, json_t *arr)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " FINDING_COLS " " FINDING_FROM " WHERE f.inspection_id = ? ORDER BY o.path, f.id",
				     &ctx->err);
	size_t i;
	json_t *j;
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, inspection_id);
	if ((rc = svd_rows(ctx, st, finding_cols, arr)))
		return rc;
	json_array_foreach(arr, i, j)
		finding_decorate(ctx, j);
	return 0;
}

int supervision_inspection_get(struct ctx *ctx, int64_t id, json_t **out)
{
	json_t *j = NULL, *arr = json_array();
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_inspection(ctx, id, &j)) || (rc = findings_of(ctx, id, arr)))
		goto out;
	inspection_decorate(j);
	json_object_set(j, "items", arr);
	*out = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(arr);
	return rc;
}

static const struct svd_item_spec inspection_item = { inspection_cols, inspection_decorate };

int supervision_inspection_list(struct ctx *ctx, const struct supervision_filter *f, int page, int per_page, json_t **items,
				int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*) " INSPECTION_FROM,
		"SELECT " INSPECTION_COLS " " INSPECTION_FROM,
		" ORDER BY i.held_on DESC, i.id DESC",
	};
	struct listq q;
	char today[11];
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "o.path", f->org_id))) {
		/* today: the overdue count in the columns */
		date_format(ctx->today, today);
		listq_head_text(&q, today);
		listq_filter_text(&q, "i.kind = ?", f->kind);
		listq_filter_text(&q, "i.held_on >= ?", f->from);
		listq_filter_text(&q, "i.held_on <= ?", f->to);
		listq_filter_contains(&q, "(i.title LIKE ? ESCAPE '\\' OR i.inspectors LIKE ? ESCAPE '\\')", 2, f->q);
		rc = listq_list(ctx, &q, &sql, page, per_page, svd_item, (void *)&inspection_item, items, total);
	}
	listq_release(&q);
	return rc;
}

/* ---- findings -------------------------------------------------------------------- */

static int load_finding(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " FINDING_COLS " " FINDING_FROM " WHERE f.id = ?", &ctx->err);
	int step;
	*out = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	/* visible to the inspected side and to the inspecting side */
	if (step == STEP_ROW && (ctx_path_in_scope(ctx, stmt_text(st, 24) ? stmt_text(st, 24) : "") ||
				 ctx_path_in_scope(ctx, stmt_text(st, 25) ? stmt_text(st, 25) : ""))) {
		*out = svd_row(st, finding_cols);
		json_object_set_new(*out, "_inspector_in_scope",
				    json_boolean(ctx_path_in_scope(ctx, stmt_text(st, 25) ? stmt_text(st, 25) : "")));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!*out)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, FINDING_NOT_FOUND);
	return 0;
}

static int add_event(struct ctx *ctx, int64_t finding_id, const char *action, const char *on, const char *note,
		     const char *evidence)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO inspection_finding_events (finding_id, action, on_date, note, evidence, "
				     "user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, finding_id);
	stmt_bind_text(st, 2, action);
	stmt_bind_text(st, 3, on);
	stmt_bind_text(st, 4, note);
	stmt_bind_text(st, 5, evidence);
	ctx_bind_user(ctx, st, 6);
	stmt_bind_text(st, 7, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

int supervision_finding_add(struct ctx *ctx, int64_t inspection_id, json_t *body, int64_t *id)
{
	struct org o, io;
	struct stmt *st;
	struct date deadline, found;
	char deadline_s[11];
	const char *category, *severity, *held_on;
	char *problem = NULL, *responsible = NULL;
	json_t *insp = NULL, *after = NULL;
	int64_t org_id;
	int rc;
	int nested = 0;

	*id = 0;
	if ((rc = require_admin(ctx)) || (rc = load_inspection(ctx, inspection_id, &insp)) ||
	    (rc = org_get(ctx, json_integer_value(json_object_get(insp, "org_id")), &io)) ||
	    (rc = body_int_required(ctx, body, "org_id", "被督查单位", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = svd_text(ctx, body, "problem", "发现问题", SVD_TEXT_MAX_CHARS, 1, 1, &problem)) ||
	    (rc = read_code(ctx, body, "category", "问题类别", categories, NAMED_COUNT(categories), &category)) ||
	    (rc = read_code(ctx, body, "severity", "严重程度", severities, NAMED_COUNT(severities), &severity)) ||
	    (rc = svd_date(ctx, body, "deadline", "整改期限", NULL, 0, &deadline)) ||
	    (rc = svd_text(ctx, body, "responsible", "整改责任人", SVD_LINE_MAX_CHARS, 1, 0, &responsible)))
		goto out;
	/* an org inspects the orgs below it, never itself or a neighbour */
	if (strncmp(o.path, io.path, strlen(io.path)) || o.id == io.id) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "supervision.scope", "“%s”不在督查单位“%s”的下级组织中", o.name, io.name);
		goto out;
	}
	held_on = json_string_value(json_object_get(insp, "held_on"));
	if (date_parse(held_on ? held_on : "", &found)) {
		rc = err_set(&ctx->err, E_INTERNAL, "held_on", NULL, "督查日期无效");
		goto out;
	}
	if (date_cmp(deadline, found) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "deadline", "supervision.deadline", "整改期限不能早于督查日期 %s", held_on);
		goto out;
	}
	date_format(deadline, deadline_s);
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "INSERT INTO inspection_findings (inspection_id, org_id, found_on, problem, category, severity, "
				 "deadline, responsible, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 &st)))
		goto out;
	stmt_bind_int(st, 1, inspection_id);
	stmt_bind_int(st, 2, o.id);
	stmt_bind_text(st, 3, held_on);
	stmt_bind_text(st, 4, problem);
	stmt_bind_text(st, 5, category);
	stmt_bind_text(st, 6, severity);
	stmt_bind_text(st, 7, deadline_s);
	stmt_bind_text(st, 8, responsible);
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	if ((rc = ctx_insert_id(ctx, st, id)))
		goto rollback;
	/* a finding against a 党支部 deducts its points (points_sync.c); later moves do not */
	if ((rc = add_event(ctx, *id, "create", held_on, NULL, NULL)) || (rc = points_sync_finding(ctx, *id)) ||
	    (rc = load_finding(ctx, *id, &after)) ||
	    (rc = audit_append(ctx, "create", "inspection_finding", *id, NULL, after)) || (rc = svd_commit(ctx, nested)))
		goto rollback;
	goto out;
rollback:
	svd_rollback(ctx, nested);
	*id = 0;
out:
	json_decref(insp);
	json_decref(after);
	free(problem);
	free(responsible);
	return rc;
}

static int finding_events(struct ctx *ctx, int64_t id, json_t *arr)
{
	static const struct svd_col cols[] = {
		{ "action", 's' }, { "on_date", 's' }, { "note", 's' }, { "evidence", 's' },
		{ "username", 's' }, { "created_at", 's' }, { NULL, 0 },
	};
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT e.action, e.on_date, e.note, e.evidence, u.username, e.created_at FROM "
				     "inspection_finding_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.finding_id = ? "
				     "ORDER BY e.id",
				     &ctx->err);
	size_t i;
	json_t *j;
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if ((rc = svd_rows(ctx, st, cols, arr)))
		return rc;
	json_array_foreach(arr, i, j)
		set_name(j, "action", "action_name", actions, NAMED_COUNT(actions));
	return 0;
}

int supervision_finding_get(struct ctx *ctx, int64_t id, json_t **out)
{
	json_t *j = NULL, *ev = json_array();
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_finding(ctx, id, &j)) || (rc = finding_events(ctx, id, ev)))
		goto out;
	/* what the caller may do next, so the UI offers only those */
	json_object_set_new(j, "can_verify", json_boolean(ctx->actor.role >= ROLE_ORG_ADMIN &&
							    json_is_true(json_object_get(j, "_inspector_in_scope"))));
	finding_decorate(ctx, j);
	json_object_del(j, "_inspector_in_scope");
	json_object_set(j, "events", ev);
	*out = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(ev);
	return rc;
}

static json_t *finding_item(struct ctx *ctx, struct stmt *st, void *arg)
{
	json_t *j = svd_row(st, finding_cols);
	(void)arg;
	finding_decorate(ctx, j);
	return j;
}

int supervision_finding_list(struct ctx *ctx, const struct supervision_filter *f, int page, int per_page, json_t **items,
			     int64_t *total)
{
	/* open ones first, the earliest deadline on top */
	static const struct listq_sql sql = {
		"SELECT count(*) " FINDING_FROM,
		"SELECT " FINDING_COLS " " FINDING_FROM,
		" ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'rectified' THEN 1 ELSE 2 END, f.deadline, f.id",
	};
	struct listq q;
	char today[11];
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "o.path", f->org_id))) {
		date_format(ctx->today, today);
		listq_filter_int(&q, "f.inspection_id = ?", f->inspection_id);
		listq_filter_text(&q, "i.kind = ?", f->kind);
		listq_filter_text(&q, "f.status = ?", f->status);
		listq_filter_text(&q, "f.category = ?", f->category);
		listq_filter_text(&q, "f.severity = ?", f->severity);
		if (f->overdue)
			listq_where_text(&q, "f.status = 'open' AND f.deadline < ?", today);
		listq_filter_text(&q, "f.found_on >= ?", f->from);
		listq_filter_text(&q, "f.found_on <= ?", f->to);
		listq_filter_contains(&q, "(f.problem LIKE ? ESCAPE '\\' OR f.responsible LIKE ? ESCAPE '\\' OR o.name LIKE ? "
				      "ESCAPE '\\')",
				      3, f->q);
		rc = listq_list(ctx, &q, &sql, page, per_page, finding_item, NULL, items, total);
	}
	listq_release(&q);
	return rc;
}

/* ---- moves ----------------------------------------------------------------------- */

enum move { MOVE_RECTIFY, MOVE_CLOSE, MOVE_RETURN };

static const char *const move_from[] = { "open", "rectified", "rectified" };
static const char *const move_action[] = { "rectify", "close", "return" };
static const char *const move_label[] = { "报告整改", "验收销号", "退回重改" };

static const char *status_name(const char *code)
{
	const char *n = named_name_of(statuses, NAMED_COUNT(statuses), code);
	return n ? n : code;
}

/* Rights and the status order; *cur is the finding as loaded (caller frees). */
static int move_check(struct ctx *ctx, int64_t id, enum move m, json_t *body, json_t **cur, int64_t *version)
{
	const char *status;
	int rc;
	*cur = NULL;
	if ((rc = (m == MOVE_RECTIFY ? require_officer(ctx) : require_admin(ctx))) || (rc = load_finding(ctx, id, cur)) ||
	    (rc = svd_version(ctx, body, version)))
		return rc;
	/* verification belongs to the inspecting side only */
	if (m != MOVE_RECTIFY && !json_is_true(json_object_get(*cur, "_inspector_in_scope")))
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "supervision.role", "只有督查单位可以验收或退回整改");
	status = json_string_value(json_object_get(*cur, "status"));
	if (!status || strcmp(status, move_from[m]))
		return err_set(&ctx->err, E_CONFLICT, "status", "supervision.status", "该问题当前为“%s”，不能%s",
			       status_name(status ? status : ""), move_label[m]);
	if (*version != json_integer_value(json_object_get(*cur, "version")))
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", FINDING_STALE);
	return 0;
}

/* "not before" for the move's date: the finding's date, or its rectification for a close */
static int date_not_before(struct ctx *ctx, json_t *cur, const char *key, const char *field, const char *label,
			   struct date d)
{
	struct date lim;
	const char *s = json_string_value(json_object_get(cur, key));
	if (s && !date_parse(s, &lim) && date_cmp(d, lim) < 0)
		return err_set(&ctx->err, E_INVALID, field, "supervision.date", "%s不能早于 %s", label, s);
	return 0;
}

static int apply_move(struct ctx *ctx, int64_t id, enum move m, json_t *body)
{
	struct stmt *st;
	struct date on = ctx->today;
	char on_s[11];
	char *text = NULL, *evidence = NULL;
	json_t *cur = NULL, *after = NULL;
	int64_t version;
	int rc;
	int nested = 0;

	if ((rc = move_check(ctx, id, m, body, &cur, &version)))
		goto out;
	if (m == MOVE_RECTIFY) {
		if ((rc = svd_text(ctx, body, "rectification", "整改情况", SVD_TEXT_MAX_CHARS, 1, 1, &text)) ||
		    (rc = svd_text(ctx, body, "evidence", "佐证材料", SVD_TEXT_MAX_CHARS, 0, 1, &evidence)) ||
		    (rc = svd_date(ctx, body, "rectified_on", "整改完成日期", &ctx->today, 1, &on)) ||
		    (rc = date_not_before(ctx, cur, "found_on", "rectified_on", "整改完成日期", on)))
			goto out;
	} else if (m == MOVE_CLOSE) {
		if ((rc = svd_date(ctx, body, "closed_on", "验收日期", &ctx->today, 1, &on)) ||
		    (rc = date_not_before(ctx, cur, "rectified_on", "closed_on", "验收日期", on)))
			goto out;
	} else if ((rc = svd_text(ctx, body, "reason", "退回原因", SVD_TEXT_MAX_CHARS, 1, 1, &text))) {
		goto out;
	}
	date_format(on, on_s);
	if ((rc = svd_begin(ctx, &nested)))
		goto out;
	if (m == MOVE_RECTIFY)
		st = db_prepare(ctx->db,
				"UPDATE inspection_findings SET status = 'rectified', rectification = ?, evidence = ?, "
				"rectified_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'open'",
				&ctx->err);
	else if (m == MOVE_CLOSE)
		st = db_prepare(ctx->db,
				"UPDATE inspection_findings SET status = 'closed', closed_on = ?, updated_at = ?, version = "
				"version + 1 WHERE id = ? AND version = ? AND status = 'rectified'",
				&ctx->err);
	else
		/* the returned report no longer counts: on time / late is judged on the accepted one */
		st = db_prepare(ctx->db,
				"UPDATE inspection_findings SET status = 'open', return_reason = ?, returns = returns + 1, "
				"rectified_on = NULL, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND "
				"status = 'rectified'",
				&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	if (m == MOVE_RECTIFY) {
		stmt_bind_text(st, 1, text);
		stmt_bind_text(st, 2, evidence);
		stmt_bind_text(st, 3, on_s);
		stmt_bind_text(st, 4, ctx->now_iso);
	} else {
		stmt_bind_text(st, 1, m == MOVE_CLOSE ? on_s : text);
		stmt_bind_text(st, 2, ctx->now_iso);
	}
	if ((rc = field_run_versioned(ctx, st, m == MOVE_RECTIFY ? 4 : 2, id, version, FINDING_STALE)))
		goto rollback;
	json_object_del(cur, "_inspector_in_scope");
	if ((rc = add_event(ctx, id, move_action[m], on_s, text, evidence)) || (rc = load_finding(ctx, id, &after)))
		goto rollback;
	json_object_del(after, "_inspector_in_scope");
	if ((rc = audit_append(ctx, move_action[m], "inspection_finding", id, cur, after)) ||
	    (rc = svd_commit(ctx, nested)))
		goto rollback;
	goto out;
rollback:
	svd_rollback(ctx, nested);
out:
	json_decref(cur);
	json_decref(after);
	free(text);
	free(evidence);
	return rc;
}

int supervision_finding_rectify(struct ctx *ctx, int64_t id, json_t *body)
{
	return apply_move(ctx, id, MOVE_RECTIFY, body);
}

int supervision_finding_close(struct ctx *ctx, int64_t id, json_t *body)
{
	return apply_move(ctx, id, MOVE_CLOSE, body);
}

int supervision_finding_return(struct ctx *ctx, int64_t id, json_t *body)
{
	return apply_move(ctx, id, MOVE_RETURN, body);
}

/* ---- 督查通报 -------------------------------------------------------------------- */

/* one group's counts: total, on_time, late, open (of which overdue), awaiting verification, closed */
static json_t *group_new(json_t *groups, const char *key, const char *name)
{
	json_t *g = json_object_get(groups, key);
	if (g)
		return g;
	g = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "name", name ? name : key, "total", 0, "on_time", 0,
		      "late", 0, "open", 0, "overdue", 0, "rectified", 0, "closed", 0);
	json_object_set_new(groups, key, g);
	return g;
}

static void bump(json_t *g, const char *key)
{
	json_object_set_new(g, key, json_integer(json_integer_value(json_object_get(g, key)) + 1));
}

static void count_finding(json_t *g, json_t *f)
{
	const char *st = json_string_value(json_object_get(f, "status"));
	bump(g, "total");
	if (!strcmp(st, "open")) {
		bump(g, "open");
		if (json_is_true(json_object_get(f, "overdue")))
			bump(g, "overdue");
		return;
	}
	bump(g, st);
	bump(g, json_is_true(json_object_get(f, "late")) ? "late" : "on_time");
}

/* the groups object (in insertion order) as an array */
static json_t *groups_array(json_t *groups, const char *id_key)
{
	json_t *arr = json_array(), *g;
	const char *key;
	json_object_foreach(groups, key, g) {
		json_t *x = json_deep_copy(g);
		if (!strcmp(id_key, "org_id"))
			json_object_set_new(x, id_key, json_integer(strtoll(key, NULL, 10)));
		else
			json_object_set_new(x, id_key, json_string(key));
		json_array_append_new(arr, x);
	}
	return arr;
}

int supervision_bulletin(struct ctx *ctx, int64_t org_id, int year, int quarter, json_t **out)
{
	struct org root;
	struct stmt *st;
	struct date qs = { year, 3 * quarter - 2, 1 }, qe;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], from[11], to[11], key[24], today[11];
	json_t *rows = json_array(), *by_org = json_object(), *by_cat = json_object(), *all, *overdue = json_array(), *f;
	json_t *insp = json_object(), *holder = json_object();
	size_t i, c;
	int rc;

	*out = NULL;
	all = group_new(holder, "all", "合计");
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		goto out;
	if (year < 2000 || year > 2100 || quarter < 1 || quarter > 4) {
		rc = err_set(&ctx->err, E_INVALID, "quarter", "field.range", "年度或季度无效");
		goto out;
	}
	qe = date_add_days(date_add_months(qs, 3), -1);
	date_format(qs, from);
	date_format(qe, to);
	date_format(ctx->today, today);
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(root.path, hi, sizeof(hi));
	st = db_prepare(ctx->db,
			"SELECT " FINDING_COLS " " FINDING_FROM " WHERE o.path >= ? AND o.path < ? AND f.found_on >= ? AND "
			"f.found_on <= ? ORDER BY o.path, f.id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, to);
	if ((rc = svd_rows(ctx, st, finding_cols, rows)))
		goto out;
	json_array_foreach(rows, i, f) {
		finding_decorate(ctx, f);
		xsnprintf(key, sizeof(key), "%" PRId64, (int64_t)json_integer_value(json_object_get(f, "org_id")));
		count_finding(group_new(by_org, key, json_string_value(json_object_get(f, "org_name"))), f);
		count_finding(group_new(by_cat, json_string_value(json_object_get(f, "category")),
					json_string_value(json_object_get(f, "category_name"))),
			      f);
		count_finding(all, f);
		xsnprintf(key, sizeof(key), "%" PRId64, (int64_t)json_integer_value(json_object_get(f, "inspection_id")));
		json_object_set_new(insp, key, json_true());
		if (json_is_true(json_object_get(f, "overdue")))
			json_array_append(overdue, f);
	}
	*out = json_object();
	json_object_set_new(*out, "org_id", json_integer(root.id));
	json_object_set_new(*out, "org_name", json_string(root.name));
	json_object_set_new(*out, "year", json_integer(year));
	json_object_set_new(*out, "quarter", json_integer(quarter));
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "as_of", json_string(today));
	json_object_set_new(*out, "inspections", json_integer((json_int_t)json_object_size(insp)));
	json_object_set(*out, "totals", all);
	json_object_set_new(*out, "by_org", groups_array(by_org, "org_id"));
	/* categories in the table's order, not the order first seen */
	{
		json_t *arr = json_array();
		for (c = 0; c < NAMED_COUNT(categories); c++) {
			json_t *g = json_object_get(by_cat, categories[c].code);
			if (g) {
				json_t *x = json_deep_copy(g);
				json_object_set_new(x, "category", json_string(categories[c].code));
				json_array_append_new(arr, x);
			}
		}
		json_object_set_new(*out, "by_category", arr);
	}
	json_object_set(*out, "overdue", overdue);
out:
	json_decref(rows);
	json_decref(by_org);
	json_decref(by_cat);
	json_decref(holder);
	json_decref(overdue);
	json_decref(insp);
	return rc;
}
