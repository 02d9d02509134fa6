/*
 * 民情诉求 (issue 6, see mass_request.h). The status only moves forward, one step at a
 * time; each step is one UPDATE guarded by the record's version and its current status,
 * so two clerks acting on the same request cannot both pass. Assignments are kept in
 * their own table: a reassignment's reason is part of the record, not an audit detail.
 */
#include "domain/mass_request.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "domain/points.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "诉求不存在或不在您的管理范围内"
#define STALE_MSG "该诉求已被他人修改，请刷新后重试"

static const struct named statuses[] = {
	{ "received", "已受理" }, { "assigned", "已交办" }, { "handled", "已办理" },
	{ "replied", "已答复" },  { "rated", "已评价" },
};
enum { ST_RECEIVED, ST_ASSIGNED, ST_HANDLED, ST_REPLIED, ST_RATED };

static const struct named channels[] = {
	{ "visit", "走访" }, { "talk", "恳谈" },     { "roundtable", "圆桌夜谈" },
	{ "survey", "问卷" }, { "call", "来电来访" }, { "other", "其他" },
	{ "suggestion", "合理化建议" }, /* a 合理化建议 converted (domain/suggestion.c) */
};

static const struct named categories[] = {
	{ "jobs", "就业" },         { "medical", "医疗" },      { "education", "教育" },
	{ "infrastructure", "基础设施" }, { "dispute", "邻里纠纷" }, { "policy", "政策咨询" },
	{ "other", "其他" },
};

static const struct named ratings[] = {
	{ "satisfied", "满意" }, { "basic", "基本满意" }, { "dissatisfied", "不满意" },
};

int rq_code_known(const char *kind, const char *s)
{
	if (!strcmp(kind, "status"))
		return named_index(statuses, NAMED_COUNT(statuses), s) >= 0;
	if (!strcmp(kind, "category"))
		return named_index(categories, NAMED_COUNT(categories), s) >= 0;
	return named_index(channels, NAMED_COUNT(channels), s) >= 0;
}

/* ---- shared checks --------------------------------------------------------------- */

int rq_require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "request.role", "只有支部书记或管理员可以登记民情诉求和走访");
	return 0;
}

int rq_load_scoped(struct ctx *ctx, const char *sql, int64_t id, rq_row_json_fn to_json, const char *not_found,
		   json_t **out)
{
	struct stmt *row;
	char path[PATH_MAX_LEN] = "";
	json_t *j = NULL;
	int rc;
	*out = NULL;
	if ((rc = listq_row_by_id(ctx, sql, id, &row)))
		return rc;
	if (row) {
		j = to_json(ctx, row, path, sizeof(path));
		stmt_reset(row);
	}
	if (!j || !ctx_path_in_scope(ctx, path)) {
		json_decref(j);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "%s", not_found);
	}
	*out = j;
	return 0;
}

int rq_stale(struct ctx *ctx, json_t *cur, int64_t version, const char *msg)
{
	if (json_integer_value(json_object_get(cur, "version")) != version)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "%s", msg);
	return 0;
}

json_t *rq_list_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	const struct rq_row *r = arg;
	return r->to_json(ctx, st, NULL, 0);
}

int rq_commit_change(struct ctx *ctx, rq_load_fn load, const char *action, const char *entity, int64_t id,
		     json_t *before)
{
	json_t *after = NULL;
	int rc;
	if ((rc = load(ctx, id, &after)) || (rc = audit_append(ctx, action, entity, id, before, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		db_rollback(ctx->db);
	json_decref(after);
	return rc;
}

int rq_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int max_chars, int required,
	    const char **out)
{
	const unsigned char *p;
	const char *s;
	int rc;
	if ((rc = body_str_optional(ctx, body, key, &s)))
		return rc;
	/* surrounding blanks only: a text of spaces is no text */
	if (s) {
		for (p = (const unsigned char *)s; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
			;
		if (!*p)
			s = NULL;
	}
	*out = s;
	if (!s)
		return required ? err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label) : 0;
	if (strlen(s) > (size_t)max_chars * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > (size_t)max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %d 个字", label, max_chars);
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	return 0;
}

int rq_date(struct ctx *ctx, json_t *body, const char *key, const char *label, const char *def, int future_ok,
	    char *out)
{
	struct date d;
	const char *s;
	int rc;
	if ((rc = body_str_optional(ctx, body, key, &s)))
		return rc;
	out[0] = '\0';
	if (!s || !s[0]) {
		if (def)
			strlcpy_z(out, def, 11);
		return 0;
	}
	if (date_parse(s, &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	if (!future_ok && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, key, "field.date_future", "%s不能晚于今天", label);
	date_format(d, out);
	return 0;
}

int rq_version(struct ctx *ctx, json_t *body, int64_t *version)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v))
		return err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			       "须提供记录的 version");
	*version = json_integer_value(v);
	return 0;
}

int rq_member_in_scope(struct ctx *ctx, int64_t member_id, const char *field, char *name, size_t name_size)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path, name, state FROM members WHERE id = ?", &ctx->err);
	char path[PATH_MAX_LEN] = "", state[16] = "";
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, path, sizeof(path));
		if (name)
			stmt_text_copy(st, 1, name, name_size);
		stmt_text_copy(st, 2, state, sizeof(state));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_INVALID, field, "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内",
			       member_id);
	if (strcmp(state, "active"))
		return err_set(&ctx->err, E_INVALID, field, "member.inactive", "党员 %" PRId64 " 不是在册党员", member_id);
	return 0;
}

/* a code of t given as key, required: 422 listing the choices otherwise */
static int body_code(struct ctx *ctx, json_t *body, const char *key, const char *label, const struct named *t,
		     size_t n, const char *def, const char **out)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	size_t i;
	int rc;
	if ((rc = body_str_optional(ctx, body, key, &s)))
		return rc;
	if (!s || !s[0])
		s = def;
	if (!s)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	if (named_index(t, n, s) >= 0) {
		*out = t[named_index(t, n, s)].code;
		return 0;
	}
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s（%s）", i ? "、" : "", t[i].code, t[i].name);
	rc = err_set(&ctx->err, E_INVALID, key, "request.code", "%s须为 %s", label, sb.buf);
	strbuf_release(&sb);
	return rc;
}

/* ---- reading --------------------------------------------------------------------- */

#define RQ_COLS                                                                                                     \
	"r.id, r.org_id, o.path, o.name, r.channel, r.received_on, r.requester, r.address, r.content, r.category, "  \
	"r.status, r.assignee_member_id, am.name, r.assignee_org_id, ao.name, r.due_on, r.assigned_on, r.handling, " \
	"r.rectified, r.handled_on, r.reply, r.replied_on, r.satisfaction, r.rated_on, r.visit_id, r.version, "      \
	"r.created_at, r.updated_at"
#define RQ_FROM                                                                                    \
	" FROM mass_requests r JOIN orgs o ON o.id = r.org_id LEFT JOIN members am ON am.id = " \
	"r.assignee_member_id LEFT JOIN orgs ao ON ao.id = r.assignee_org_id "

static int days_between(const char *from, const char *to)
{
	struct date a, b;
	if (!from || !to || date_parse(from, &a) || date_parse(to, &b))
		return -1;
	return (int)(date_to_days(b) - date_to_days(a));
}

static int is_overdue(const struct ctx *ctx, const char *status, const char *due_on)
{
	struct date d;
	if (strcmp(status, "assigned") && strcmp(status, "handled"))
		return 0;
	if (!due_on || date_parse(due_on, &d))
		return 0;
	return date_cmp(ctx->today, d) > 0;
}

static json_t *text_col(struct stmt *st, int col)
{
	return json_str_or_null(stmt_text(st, col));
}

/* the row as the API shows it; *path gets the receiving org's path for scope checks */
static json_t *row_to_json(struct ctx *ctx, struct stmt *st, char *path, size_t path_size)
{
	json_t *j = json_object();
	const char *status = stmt_text(st, 10) ? stmt_text(st, 10) : "";
	const char *s;
	int days;
	if (path)
		stmt_text_copy(st, 2, path, path_size);
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "org_name", text_col(st, 3));
	json_object_set_new(j, "channel", text_col(st, 4));
	json_object_set_new(j, "channel_name", json_str_or_null(named_name_of(channels, NAMED_COUNT(channels), stmt_text(st, 4))));
	json_object_set_new(j, "received_on", text_col(st, 5));
	json_object_set_new(j, "requester", text_col(st, 6));
	json_object_set_new(j, "address", text_col(st, 7));
	json_object_set_new(j, "content", text_col(st, 8));
	json_object_set_new(j, "category", text_col(st, 9));
	json_object_set_new(j, "category_name",
			    json_str_or_null(named_name_of(categories, NAMED_COUNT(categories), stmt_text(st, 9))));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "status_name", json_str_or_null(named_name_of(statuses, NAMED_COUNT(statuses), status)));
	json_object_set_new(j, "assignee_member_id", stmt_is_null(st, 11) ? json_null() : json_integer(stmt_int(st, 11)));
	json_object_set_new(j, "assignee_org_id", stmt_is_null(st, 13) ? json_null() : json_integer(stmt_int(st, 13)));
	s = !stmt_is_null(st, 11) ? stmt_text(st, 12) : stmt_text(st, 14);
	json_object_set_new(j, "assignee_name", json_str_or_null(s));
	json_object_set_new(j, "due_on", text_col(st, 15));
	json_object_set_new(j, "assigned_on", text_col(st, 16));
	json_object_set_new(j, "handling", text_col(st, 17));
	json_object_set_new(j, "rectified", json_boolean(stmt_int(st, 18)));
	json_object_set_new(j, "handled_on", text_col(st, 19));
	json_object_set_new(j, "reply", text_col(st, 20));
	json_object_set_new(j, "replied_on", text_col(st, 21));
	json_object_set_new(j, "satisfaction", text_col(st, 22));
	json_object_set_new(j, "satisfaction_name",
			    json_str_or_null(named_name_of(ratings, NAMED_COUNT(ratings), stmt_text(st, 22))));
	json_object_set_new(j, "rated_on", text_col(st, 23));
	json_object_set_new(j, "visit_id", stmt_is_null(st, 24) ? json_null() : json_integer(stmt_int(st, 24)));
	json_object_set_new(j, "overdue", json_boolean(is_overdue(ctx, status, stmt_text(st, 15))));
	days = days_between(stmt_text(st, 5), stmt_text(st, 21));
	json_object_set_new(j, "days_to_reply", days >= 0 ? json_integer(days) : json_null());
	json_object_set_new(j, "version", json_integer(stmt_int(st, 25)));
	json_object_set_new(j, "created_at", text_col(st, 26));
	json_object_set_new(j, "updated_at", text_col(st, 27));
	return j;
}

static int load_assignments(struct ctx *ctx, int64_t id, json_t *j)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT a.member_id, m.name, a.org_id, o.name, a.due_on, a.reason, a.assigned_on FROM "
				     "mass_request_assignments a LEFT JOIN members m ON m.id = a.member_id LEFT JOIN orgs o ON "
				     "o.id = a.org_id WHERE a.request_id = ? ORDER BY a.id",
				     &ctx->err);
	json_t *arr = json_array();
	int step;
	if (!st) {
		json_decref(arr);
		return E_DB;
	}
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *a = json_object();
		json_object_set_new(a, "member_id", stmt_is_null(st, 0) ? json_null() : json_integer(stmt_int(st, 0)));
		json_object_set_new(a, "org_id", stmt_is_null(st, 2) ? json_null() : json_integer(stmt_int(st, 2)));
		json_object_set_new(a, "assignee_name", text_col(st, stmt_is_null(st, 0) ? 3 : 1));
		json_object_set_new(a, "due_on", text_col(st, 4));
		json_object_set_new(a, "reason", text_col(st, 5));
		json_object_set_new(a, "assigned_on", text_col(st, 6));
		json_array_append_new(arr, a);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	json_object_set_new(j, "assignments", arr);
	return 0;
}

/* The request (with its assignments) if its org lies in the actor's scope. */
static int load(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = rq_load_scoped(ctx, "SELECT " RQ_COLS RQ_FROM "WHERE r.id = ?", id, row_to_json, NOT_FOUND_MSG, out);
	if (!rc && (rc = load_assignments(ctx, id, *out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int rq_get(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = rq_require_officer(ctx);
	*out = NULL;
	return rc ? rc : load(ctx, id, out);
}

/* the filter's conditions (the subtree first) into q */
static int build_where(struct ctx *ctx, const struct rq_filter *f, struct listq *q)
{
	char today[11];
	int rc;
	if ((rc = listq_subtree(ctx, q, "o.path", f->org_id)))
		return rc;
	listq_filter_text(q, "r.status = ?", f->status);
	listq_filter_text(q, "r.category = ?", f->category);
	listq_filter_text(q, "r.channel = ?", f->channel);
	listq_filter_text(q, "r.received_on >= ?", f->from);
	listq_filter_text(q, "r.received_on <= ?", f->to);
	if (f->overdue) {
		/* due_on is 'YYYY-MM-DD' text: byte order is date order */
		date_format(ctx->today, today);
		listq_where_text(q, "r.status IN ('assigned', 'handled') AND r.due_on < ?", today);
	}
	listq_filter_contains(q, "(r.requester LIKE ? ESCAPE '\\' OR r.content LIKE ? ESCAPE '\\' OR r.address LIKE ? "
			      "ESCAPE '\\')",
			      3, f->q);
	return 0;
}

static const struct rq_row list_item = { row_to_json };

int rq_list(struct ctx *ctx, const struct rq_filter *f, int page, int per_page, json_t **items, int64_t *total)
{
	/* overdue lists put the longest overdue first; others the newest */
	static const struct listq_sql newest = {
		"SELECT count(*)" RQ_FROM,
		"SELECT " RQ_COLS RQ_FROM,
		" ORDER BY r.received_on DESC, r.id DESC",
	};
	static const struct listq_sql longest = {
		"SELECT count(*)" RQ_FROM,
		"SELECT " RQ_COLS RQ_FROM,
		" ORDER BY r.due_on, r.id",
	};
	struct listq q;
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = rq_require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = build_where(ctx, f, &q)))
		rc = listq_list(ctx, &q, f->overdue ? &longest : &newest, page, per_page, rq_list_row, (void *)&list_item,
				items, total);
	listq_release(&q);
	return rc;
}

/* ---- creating -------------------------------------------------------------------- */

int rq_insert(struct ctx *ctx, json_t *body, int64_t visit_id, int64_t *id)
{
	struct org o;
	struct stmt *st;
	const char *channel, *category, *requester, *address, *content;
	char received_on[11], today[11];
	int64_t org_id;
	int rc, step;

	date_format(ctx->today, today);
	if ((rc = body_int_required(ctx, body, "org_id", "受理组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = body_code(ctx, body, "channel", "来源渠道", channels, NAMED_COUNT(channels), visit_id ? "visit" : NULL,
			    &channel)) ||
	    (rc = rq_date(ctx, body, "received_on", "受理日期", today, 0, received_on)) ||
	    (rc = rq_text(ctx, body, "requester", "诉求人", NAME_MAX_CHARS, 1, &requester)) ||
	    (rc = name_validate(requester, &ctx->err, "requester")) ||
	    (rc = rq_text(ctx, body, "address", "住址", RQ_LINE_MAX_CHARS, 0, &address)) ||
	    (rc = rq_text(ctx, body, "content", "诉求内容", RQ_TEXT_MAX_CHARS, 1, &content)) ||
	    (rc = body_code(ctx, body, "category", "诉求类别", categories, NAMED_COUNT(categories), NULL, &category)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO mass_requests (org_id, channel, received_on, requester, address, content, category, "
			"status, visit_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, "
			"?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, channel);
	stmt_bind_text(st, 3, received_on);
	stmt_bind_text(st, 4, requester);
	stmt_bind_text(st, 5, address);
	stmt_bind_text(st, 6, content);
	stmt_bind_text(st, 7, category);
	if (visit_id)
		stmt_bind_int(st, 8, visit_id);
	else
		stmt_bind_null(st, 8);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 9, ctx->actor.user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_text(st, 10, ctx->now_iso);
	stmt_bind_text(st, 11, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

int rq_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	json_t *after = NULL;
	int rc;
	*id = 0;
	if ((rc = rq_require_officer(ctx)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = rq_insert(ctx, body, 0, id)) || (rc = load(ctx, *id, &after)) ||
	    (rc = audit_append(ctx, "create", "mass_request", *id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		*id = 0;
	}
	json_decref(after);
	return rc;
}

/* ---- steps ----------------------------------------------------------------------- */

static int status_index(json_t *j)
{
	return named_index(statuses, NAMED_COUNT(statuses), json_string_value(json_object_get(j, "status")));
}

static const char *jstr(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

/* 409 request.status unless the request is in one of the statuses [lo, hi] */
static int require_status(struct ctx *ctx, json_t *cur, int lo, int hi, const char *what)
{
	int s = status_index(cur);
	if (s >= lo && s <= hi)
		return 0;
	return err_set(&ctx->err, E_CONFLICT, "status", "request.status",
		       "该诉求当前为“%s”，不能%s（顺序：受理→交办→办理→答复→评价）", named_name_at(statuses, NAMED_COUNT(statuses), s),
		       what);
}

/* the step's date not before the previous step's */
static int date_not_before(struct ctx *ctx, const char *date, const char *prev, const char *field, const char *label,
			   const char *prev_label)
{
	if (prev && prev[0] && strcmp(date, prev) < 0)
		return err_set(&ctx->err, E_INVALID, field, "request.date_order", "%s不能早于%s（%s）", label, prev_label, prev);
	return 0;
}

struct step {
	const char *action;
	const char *sql;           /* SET ... WHERE id = ? AND version = ?: texts first, then id and version */
	const char *texts[8];
	int ntexts;
	/* extra write inside the transaction (the assignment row), or NULL */
	int (*extra)(struct ctx *ctx, int64_t id, const struct step *s);
	int64_t member_id, org_id;
	const char *reason;
};

static int run_step(struct ctx *ctx, int64_t id, int64_t version, json_t *before, const struct step *s)
{
	struct stmt *st;
	json_t *after = NULL;
	int rc, i;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if (!(st = db_prepare(ctx->db, s->sql, &ctx->err))) {
		rc = E_DB;
		goto rollback;
	}
	for (i = 0; i < s->ntexts; i++)
		stmt_bind_text(st, i + 1, s->texts[i]);
	stmt_bind_int(st, s->ntexts + 1, id);
	stmt_bind_int(st, s->ntexts + 2, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto rollback;
	}
	/* a reply by the due date writes the assignee's points, a reassignment takes them back (points_sync.c) */
	if ((s->extra && (rc = s->extra(ctx, id, s))) || (rc = points_sync_mass_request(ctx, id)) ||
	    (rc = load(ctx, id, &after)) ||
	    (rc = audit_append(ctx, s->action, "mass_request", id, before, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	json_decref(after);
	return 0;
rollback:
	json_decref(after);
	db_rollback(ctx->db);
	return rc;
}

/* load + role + version check shared by every step */
static int begin_step(struct ctx *ctx, int64_t id, json_t *body, json_t **cur, int64_t *version)
{
	int rc;
	*cur = NULL;
	if ((rc = rq_require_officer(ctx)) || (rc = load(ctx, id, cur)) || (rc = rq_version(ctx, body, version)))
		return rc;
	return 0;
}

static int stale_check(struct ctx *ctx, json_t *cur, int64_t version)
{
	return rq_stale(ctx, cur, version, STALE_MSG);
}

static int insert_assignment(struct ctx *ctx, int64_t id, const struct step *s)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO mass_request_assignments (request_id, member_id, org_id, due_on, reason, "
				     "assigned_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (s->member_id)
		stmt_bind_int(st, 2, s->member_id);
	else
		stmt_bind_null(st, 2);
	if (s->org_id)
		stmt_bind_int(st, 3, s->org_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, s->texts[2]);
	stmt_bind_text(st, 5, s->reason);
	stmt_bind_text(st, 6, s->texts[3]);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 7, ctx->actor.user_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

/* member_id or org_id, exactly one, in scope; ids as decimal text for the UPDATE */
static int read_assignee(struct ctx *ctx, json_t *body, struct step *s, char *mid, char *oid)
{
	json_t *m = json_object_get(body, "member_id"), *o = json_object_get(body, "org_id");
	struct org org;
	int rc;
	if (m && json_is_null(m))
		m = NULL;
	if (o && json_is_null(o))
		o = NULL;
	if ((m && !json_is_integer(m)) || (o && !json_is_integer(o)))
		return err_set(&ctx->err, E_MALFORMED, m && !json_is_integer(m) ? "member_id" : "org_id", NULL,
			       "承办人或承办组织必须是整数 id");
	if (!m == !o)
		return err_set(&ctx->err, E_INVALID, "member_id", "request.assignee", "须指定一名承办党员或一个承办组织（二选一）");
	if (m) {
		s->member_id = json_integer_value(m);
		if ((rc = rq_member_in_scope(ctx, s->member_id, "member_id", NULL, 0)))
			return rc;
		xsnprintf(mid, 24, "%" PRId64, s->member_id);
	} else {
		s->org_id = json_integer_value(o);
		if ((rc = org_require_in_scope(ctx, s->org_id, &org, "org_id")))
			return rc;
		xsnprintf(oid, 24, "%" PRId64, s->org_id);
	}
	return 0;
}

int rq_assign(struct ctx *ctx, int64_t id, json_t *body)
{
	struct step s;
	json_t *cur = NULL;
	char today[11], assigned_on[11], due_on[11], mid[24] = "", oid[24] = "";
	int64_t version;
	int rc, reassign;

	memset(&s, 0, sizeof(s));
	date_format(ctx->today, today);
	if ((rc = begin_step(ctx, id, body, &cur, &version)) ||
	    (rc = require_status(ctx, cur, ST_RECEIVED, ST_ASSIGNED, "交办（办理后不能再改派）")) ||
	    (rc = read_assignee(ctx, body, &s, mid, oid)) ||
	    (rc = rq_date(ctx, body, "assigned_on", "交办日期", today, 0, assigned_on)) ||
	    (rc = rq_date(ctx, body, "due_on", "办理期限", NULL, 1, due_on)))
		goto out;
	if (!due_on[0]) {
		rc = err_set(&ctx->err, E_INVALID, "due_on", "field.required", "办理期限不能为空");
		goto out;
	}
	if ((rc = date_not_before(ctx, assigned_on, jstr(cur, "received_on"), "assigned_on", "交办日期", "受理日期")) ||
	    (rc = date_not_before(ctx, due_on, assigned_on, "due_on", "办理期限", "交办日期")))
		goto out;
	reassign = status_index(cur) == ST_ASSIGNED;
	if ((rc = rq_text(ctx, body, "reason", "改派原因", RQ_LINE_MAX_CHARS * 2, reassign, &s.reason)))
		goto out;
	if ((rc = stale_check(ctx, cur, version)))
		goto out;
	s.action = reassign ? "reassign" : "assign";
	s.sql = "UPDATE mass_requests SET status = 'assigned', assignee_member_id = CAST(NULLIF(?, '') AS BIGINT), "
		"assignee_org_id = CAST(NULLIF(?, '') AS BIGINT), due_on = ?, assigned_on = ?, updated_at = ?, "
		"version = version + 1 WHERE id = ? AND version = ? AND status IN ('received', 'assigned')";
	s.texts[0] = mid;
	s.texts[1] = oid;
	s.texts[2] = due_on;
	s.texts[3] = assigned_on;
	s.texts[4] = ctx->now_iso;
	s.ntexts = 5;
	s.extra = insert_assignment;
	rc = run_step(ctx, id, version, cur, &s);
out:
	json_decref(cur);
	return rc;
}

/* a step that sets texts (NULL-terminated) and then updated_at: sql's parameters in that order, then id and version */
static int run_texts(struct ctx *ctx, int64_t id, int64_t version, json_t *cur, const char *action, const char *sql,
		     const char *const *texts)
{
	struct step s;
	memset(&s, 0, sizeof(s));
	s.action = action;
	s.sql = sql;
	while (texts[s.ntexts]) {
		s.texts[s.ntexts] = texts[s.ntexts];
		s.ntexts++;
	}
	s.texts[s.ntexts++] = ctx->now_iso;
	return run_step(ctx, id, version, cur, &s);
}

int rq_handle(struct ctx *ctx, int64_t id, json_t *body)
{
	json_t *cur = NULL, *v;
	const char *handling;
	char today[11], handled_on[11];
	int64_t version;
	int rc, rectified = 1;

	date_format(ctx->today, today);
	if ((rc = begin_step(ctx, id, body, &cur, &version)) ||
	    (rc = require_status(ctx, cur, ST_ASSIGNED, ST_ASSIGNED, "登记办理结果")) ||
	    (rc = rq_text(ctx, body, "handling", "办理情况", RQ_TEXT_MAX_CHARS, 1, &handling)) ||
	    (rc = rq_date(ctx, body, "handled_on", "办结日期", today, 0, handled_on)) ||
	    (rc = date_not_before(ctx, handled_on, jstr(cur, "assigned_on"), "handled_on", "办结日期", "交办日期")))
		goto out;
	if ((v = json_object_get(body, "rectified")) && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "rectified", NULL, "字段 rectified 必须是 true 或 false");
			goto out;
		}
		rectified = json_is_true(v);
	}
	if ((rc = stale_check(ctx, cur, version)))
		goto out;
	rc = run_texts(ctx, id, version, cur, "handle",
		       "UPDATE mass_requests SET status = 'handled', handling = ?, handled_on = ?, "
		       "rectified = CAST(? AS INTEGER), updated_at = ?, version = version + 1 WHERE id = ? AND version = ? "
		       "AND status = 'assigned'",
		       (const char *const[]){ handling, handled_on, rectified ? "1" : "0", NULL });
out:
	json_decref(cur);
	return rc;
}

/*
 * The answer's two steps (reply, rate): from status `from`, one field of the body (read by
 * field) and its date (today by default, not before the previous step's prev_key).
 */
struct answer_step {
	int from;
	const char *verb, *date_key, *date_label, *prev_key, *prev_label;
	int (*field)(struct ctx *ctx, json_t *body, const char **out);
	const char *action, *sql; /* sql sets the field, the date, updated_at */
};

static int answer_step(struct ctx *ctx, int64_t id, json_t *body, const struct answer_step *a)
{
	json_t *cur = NULL;
	const char *value;
	char today[11], on[11];
	int64_t version;
	int rc;

	date_format(ctx->today, today);
	if ((rc = begin_step(ctx, id, body, &cur, &version)) ||
	    (rc = require_status(ctx, cur, a->from, a->from, a->verb)) || (rc = a->field(ctx, body, &value)) || (rc = rq_date(ctx, body, a->date_key, a->date_label, today, 0, on)) ||
	    (rc = date_not_before(ctx, on, jstr(cur, a->prev_key), a->date_key, a->date_label, a->prev_label)) ||
	    (rc = stale_check(ctx, cur, version)))
		goto out;
	rc = run_texts(ctx, id, version, cur, a->action, a->sql, (const char *const[]){ value, on, NULL });
out:
	json_decref(cur);
	return rc;
}

static int reply_field(struct ctx *ctx, json_t *body, const char **out)
{
	return rq_text(ctx, body, "reply", "答复内容", RQ_TEXT_MAX_CHARS, 1, out);
}

int rq_reply(struct ctx *ctx, int64_t id, json_t *body)
{
	static const struct answer_step a = {
		ST_HANDLED, "答复", "replied_on", "答复日期", "handled_on", "办结日期", reply_field, "reply",
		"UPDATE mass_requests SET status = 'replied', reply = ?, replied_on = ?, updated_at = ?, "
		"version = version + 1 WHERE id = ? AND version = ? AND status = 'handled'",
	};
	return answer_step(ctx, id, body, &a);
}

static int rating_field(struct ctx *ctx, json_t *body, const char **out)
{
	return body_code(ctx, body, "satisfaction", "满意度", ratings, NAMED_COUNT(ratings), NULL, out);
}

int rq_rate(struct ctx *ctx, int64_t id, json_t *body)
{
	static const struct answer_step a = {
		ST_REPLIED, "评价", "rated_on", "评价日期", "replied_on", "答复日期", rating_field, "rate",
		"UPDATE mass_requests SET status = 'rated', satisfaction = ?, rated_on = ?, updated_at = ?, "
		"version = version + 1 WHERE id = ? AND version = ? AND status = 'replied'",
	};
	return answer_step(ctx, id, body, &a);
}

/* ---- editing the basic fields --------------------------------------------------- */

/*
 * The receiving clerk's typing mistakes are corrected in place (versioned, audited) until
 * the requester has rated the answer: a rated request is closed, what was asked and
 * answered is then the record. The receiving org stays (a request of another village is a
 * new request there); a changed received_on keeps the step order.
 */
int rq_update(struct ctx *ctx, int64_t id, json_t *body)
{
	static const char *const keys[] = { "channel", "received_on", "requester", "address", "content", "category", NULL };
	struct stmt *st = NULL;
	json_t *cur = NULL, *merged = NULL, *after = NULL;
	const char *channel, *category, *requester, *address, *content, *next;
	char received_on[11];
	int64_t version;
	size_t i;
	int rc;

	if ((rc = begin_step(ctx, id, body, &cur, &version)))
		goto out;
	if (status_index(cur) >= ST_RATED) {
		rc = err_set(&ctx->err, E_CONFLICT, "status", "request.closed", "该诉求已评价办结，不能再修改受理信息");
		goto out;
	}
	/* absent keys keep the stored value; null clears an optional one */
	merged = json_object();
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(body, keys[i]);
		json_object_set(merged, keys[i], v ? v : json_object_get(cur, keys[i]));
	}
	if ((rc = body_code(ctx, merged, "channel", "来源渠道", channels, NAMED_COUNT(channels), NULL, &channel)) ||
	    (rc = rq_date(ctx, merged, "received_on", "受理日期", NULL, 0, received_on)) ||
	    (rc = rq_text(ctx, merged, "requester", "诉求人", NAME_MAX_CHARS, 1, &requester)) ||
	    (rc = name_validate(requester, &ctx->err, "requester")) ||
	    (rc = rq_text(ctx, merged, "address", "住址", RQ_LINE_MAX_CHARS, 0, &address)) ||
	    (rc = rq_text(ctx, merged, "content", "诉求内容", RQ_TEXT_MAX_CHARS, 1, &content)) ||
	    (rc = body_code(ctx, merged, "category", "诉求类别", categories, NAMED_COUNT(categories), NULL, &category)))
		goto out;
	if (!received_on[0]) {
		rc = err_set(&ctx->err, E_INVALID, "received_on", "field.required", "受理日期不能为空");
		goto out;
	}
	next = jstr(cur, "assigned_on");
	if (next[0] && strcmp(received_on, next) > 0) {
		rc = err_set(&ctx->err, E_INVALID, "received_on", "request.date_order", "受理日期不能晚于交办日期（%s）", next);
		goto out;
	}
	if ((rc = stale_check(ctx, cur, version)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE mass_requests SET channel = ?, received_on = ?, requester = ?, address = ?, content = ?, "
			"category = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status <> 'rated'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, channel);
	stmt_bind_text(st, 2, received_on);
	stmt_bind_text(st, 3, requester);
	stmt_bind_text(st, 4, address);
	stmt_bind_text(st, 5, content);
	stmt_bind_text(st, 6, category);
	stmt_bind_text(st, 7, ctx->now_iso);
	stmt_bind_int(st, 8, id);
	stmt_bind_int(st, 9, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto rollback;
	}
	if ((rc = load(ctx, id, &after)) || (rc = audit_append(ctx, "update", "mass_request", id, cur, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(cur);
	json_decref(merged);
	json_decref(after);
	return rc;
}

/* ---- statistics ------------------------------------------------------------------ */

struct tally {
	int received, handled, replied, rectified, rated, satisfied, basic, dissatisfied, overdue;
	int64_t reply_days;
};

static void tally_add(struct tally *t, int status, int rectified, const char *rating, int days, int overdue)
{
	t->received++;
	t->handled += status >= ST_HANDLED;
	t->replied += status >= ST_REPLIED;
	t->rectified += status >= ST_HANDLED && rectified;
	t->overdue += overdue;
	if (status >= ST_REPLIED && days >= 0)
		t->reply_days += days;
	if (status == ST_RATED) {
		t->rated++;
		t->satisfied += rating && !strcmp(rating, "satisfied");
		t->basic += rating && !strcmp(rating, "basic");
		t->dissatisfied += rating && !strcmp(rating, "dissatisfied");
	}
}

/* one decimal, as shown ("96.5"): satisfaction in percent, days on average; null without data */
static json_t *ratio(int64_t num, int64_t den, int percent)
{
	if (den <= 0)
		return json_null();
	return json_real((double)((num * (percent ? 1000 : 10) + den / 2) / den) / 10.0);
}

static json_t *tally_json(const struct tally *t)
{
	json_t *j = json_object();
	json_object_set_new(j, "received", json_integer(t->received));
	json_object_set_new(j, "handled", json_integer(t->handled));
	json_object_set_new(j, "replied", json_integer(t->replied));
	json_object_set_new(j, "rectified", json_integer(t->rectified));
	json_object_set_new(j, "rated", json_integer(t->rated));
	json_object_set_new(j, "satisfied", json_integer(t->satisfied));
	json_object_set_new(j, "basic", json_integer(t->basic));
	json_object_set_new(j, "dissatisfied", json_integer(t->dissatisfied));
	json_object_set_new(j, "overdue", json_integer(t->overdue));
	json_object_set_new(j, "satisfaction_rate", ratio(t->satisfied + t->basic, t->rated, 1));
	json_object_set_new(j, "avg_reply_days", ratio(t->reply_days, t->replied, 0));
	return j;
}

static json_t *groups_json(const struct named *t, size_t n, const struct tally *g)
{
	json_t *arr = json_array();
	size_t i;
	for (i = 0; i < n; i++) {
		json_t *j = tally_json(&g[i]);
		json_object_set_new(j, "code", json_string(t[i].code));
		json_object_set_new(j, "name", json_string(t[i].name));
		json_array_append_new(arr, j);
	}
	return arr;
}

struct stats_acc {
	struct tally all, by_cat[NAMED_COUNT(categories)], by_ch[NAMED_COUNT(channels)];
};

/* one request into the tallies (no JSON: the row is skipped) */
static json_t *stats_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct stats_acc *a = arg;
	int cat = named_index(categories, NAMED_COUNT(categories), stmt_text(st, 0));
	int ch = named_index(channels, NAMED_COUNT(channels), stmt_text(st, 1));
	int status = named_index(statuses, NAMED_COUNT(statuses), stmt_text(st, 2));
	int rect = (int)stmt_int(st, 3), days = days_between(stmt_text(st, 5), stmt_text(st, 6));
	int overdue = is_overdue(ctx, stmt_text(st, 2) ? stmt_text(st, 2) : "", stmt_text(st, 7));
	const char *rating = stmt_text(st, 4);
	tally_add(&a->all, status, rect, rating, days, overdue);
	if (cat >= 0)
		tally_add(&a->by_cat[cat], status, rect, rating, days, overdue);
	if (ch >= 0)
		tally_add(&a->by_ch[ch], status, rect, rating, days, overdue);
	return NULL;
}

int rq_stats(struct ctx *ctx, int64_t org_id, const char *from, const char *to, json_t **out)
{
	/* a town's requests of a period are a few thousand rows: counted here, the same on both backends */
	static const struct listq_sql sql = {
		NULL,
		"SELECT r.category, r.channel, r.status, r.rectified, r.satisfaction, r.received_on, r.replied_on, r.due_on" RQ_FROM,
		NULL,
	};
	struct rq_filter f;
	struct stats_acc *acc = xcalloc(1, sizeof(*acc));
	struct listq q;
	json_t *none = NULL;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	f.org_id = org_id;
	f.from = from;
	f.to = to;
	listq_init(&q);
	if ((rc = rq_require_officer(ctx)) || (rc = build_where(ctx, &f, &q)) ||
	    (rc = listq_fetch(ctx, &q, &sql, 1, 0, stats_row, acc, &none)))
		goto out;
	*out = tally_json(&acc->all);
	json_object_set_new(*out, "from", json_str_or_null(from));
	json_object_set_new(*out, "to", json_str_or_null(to));
	json_object_set_new(*out, "by_category", groups_json(categories, NAMED_COUNT(categories), acc->by_cat));
	json_object_set_new(*out, "by_channel", groups_json(channels, NAMED_COUNT(channels), acc->by_ch));
out:
	json_decref(none);
	listq_release(&q);
	free(acc);
	return rc;
}
