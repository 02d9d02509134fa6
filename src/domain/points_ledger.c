/*
 * The ledger (RULES.md §6: 一事一计分): the one insert into point_entries, manual entries
 * and branch findings, reversals, and the "why is my score this" view. Append only: a
 * correction is a new row reversing one earlier row (reverses_id, UNIQUE), never an
 * edit. A month inside a published period of an enclosing org takes no new facts;
 * corrections (reversals, automatic re-derivations) land in the current month instead.
 */
#include "domain/points_request.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "积分记录不存在或不在您的管理范围内"
#define SUBJECT_MSG "积分对象不存在或不在您的管理范围内"
/* a period is at most a year and a cap window never starts before that year */
#define MAX_WINDOW 12

static int this_month(const struct ctx *ctx)
{
	return points_month_no(ctx->today.y, ctx->today.m);
}

static const char *sign_code(int sign)
{
	return sign < 0 ? "deduct" : "award";
}

static const char *cap_kind_code(enum points_period_kind k)
{
	return k == PP_YEAR ? "year" : k == PP_QUARTER ? "quarter" : "month";
}

static void bind_id_or_null(struct stmt *st, int idx, int64_t v)
{
	if (v)
		stmt_bind_int(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

/* ---- shared with points_claim.c (points_request.h) --------------------------------- */

int points_text(struct ctx *ctx, json_t *v, const char *field, const char *label, int max_chars, int multiline,
		char **dst)
{
	const unsigned char *p;
	const char *s;
	size_t len;
	int blank = 1;
	free(*dst);
	*dst = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是字符串", field);
	s = json_string_value(v);
	len = strlen(s);
	if (len > (size_t)max_chars * 4 || !utf8_valid(s, len) || utf8_chars(s) > (size_t)max_chars)
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s不是有效文本或超过 %d 个字", label, max_chars);
	for (p = (const unsigned char *)s; *p; p++) {
		int ws = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
		if ((*p < 0x20 && !(multiline && ws && *p != ' ')) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, field, "field.text", "%s含有非法字符", label);
		if (!ws)
			blank = 0;
	}
	/* only whitespace is nothing: a required evidence cannot be a space */
	if (!blank)
		*dst = xstrdup(s);
	return 0;
}

int points_subject_load(struct ctx *ctx, const char *target, int64_t id, struct points_subject *out)
{
	struct stmt *st;
	int step, member = target && !strcmp(target, "member"), ok = 0;
	memset(out, 0, sizeof(*out));
	if (!member && !(target && !strcmp(target, "branch")))
		return err_set(&ctx->err, E_INVALID, "target", "points.target", "积分对象须为 member（党员）或 branch（党支部）");
	out->target = member ? "member" : "branch";
	out->id = id;
	st = db_prepare(ctx->db,
			member ? "SELECT m.name, m.org_id, m.org_path, o.name, 'branch', o.parent_id FROM members m "
				 "JOIN orgs o ON o.id = m.org_id WHERE m.id = ?"
			       : "SELECT o.name, o.id, o.path, p.name, o.kind, o.parent_id FROM orgs o "
				 "LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.id = ? AND o.dissolved_on IS NULL",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, out->name, sizeof(out->name));
		out->org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, out->org_path, sizeof(out->org_path));
		stmt_text_copy(st, 3, out->org_name, sizeof(out->org_name));
		ok = stmt_text(st, 4) && org_kind_is_branch(stmt_text(st, 4));
		out->parent_id = stmt_int(st, 5);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!ok)
		return err_set(&ctx->err, E_INVALID, "subject_id", "points.subject", SUBJECT_MSG);
	return 0;
}

/* A 党员 sees themselves only; everyone else the subjects inside their scope. */
static int subject_visible(const struct ctx *ctx, const struct points_subject *s)
{
	if (ctx->actor.role == ROLE_MEMBER)
		return !strcmp(s->target, "member") && ctx->actor.member_id && s->id == ctx->actor.member_id;
	return ctx_path_in_scope(ctx, s->org_path);
}

int points_require_approver(struct ctx *ctx, const struct points_indicator *ind, const struct points_subject *s)
{
	/* automatic indicators follow their records; only an org admin may overrule one */
	int admin = strcmp(ind->source, "manual") || !strcmp(ind->approver, "org_admin");
	if (ctx->actor.role < (admin ? ROLE_ORG_ADMIN : ROLE_SECRETARY) || !ctx_path_in_scope(ctx, s->org_path))
		return err_set(&ctx->err, E_FORBIDDEN, "indicator", "points.approver", "指标“%s”须由%s录入或审核", ind->name,
			       admin ? "组织部或党委管理员" : "支部书记或上级管理员");
	if (!strcmp(s->target, "branch") && strlen(ctx->actor.org_path) >= strlen(s->org_path))
		return err_set(&ctx->err, E_FORBIDDEN, "subject_id", "points.approver",
			       "不能为本支部计分：党支部的积分由上级党组织录入或审核");
	return 0;
}

static int body_required(struct ctx *ctx, json_t *body, const char *key, const char *label, json_t **v)
{
	*v = json_object_get(body, key);
	if (!*v || json_is_null(*v))
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

static int body_string(struct ctx *ctx, json_t *body, const char *key, const char *label, const char **out)
{
	json_t *v;
	int rc = body_required(ctx, body, key, label, &v);
	if (rc)
		return rc;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	*out = json_string_value(v);
	if (!**out)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

/* Shape of the body, then the subject (visible to the actor) and the date. */
static int request_fields(struct ctx *ctx, json_t *body, struct points_request *r, const char **code)
{
	const char *target, *on;
	struct date d;
	json_t *v;
	int rc;
	if ((rc = body_string(ctx, body, "target", "积分对象类型", &target)) ||
	    (rc = body_required(ctx, body, "subject_id", "积分对象", &v)))
		return rc;
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "subject_id", NULL, "字段 subject_id 必须是整数");
	if ((rc = points_subject_load(ctx, target, json_integer_value(v), &r->subj)))
		return rc;
	if (!subject_visible(ctx, &r->subj))
		return err_set(&ctx->err, E_INVALID, "subject_id", "points.subject", SUBJECT_MSG);
	if ((rc = body_string(ctx, body, "indicator", "指标", code)) ||
	    (rc = body_string(ctx, body, "event_on", "事项日期", &on)))
		return rc;
	if (date_parse(on, &d))
		return err_set(&ctx->err, E_INVALID, "event_on", "field.date", "事项日期不是有效日期（格式 YYYY-MM-DD）");
	date_format(d, r->event_on);
	r->month = points_month_no(d.y, d.m);
	r->count = 1;
	if ((v = json_object_get(body, "count")) && !json_is_null(v)) {
		if (!json_is_integer(v))
			return err_set(&ctx->err, E_MALFORMED, "count", NULL, "字段 count 必须是整数");
		if (json_integer_value(v) < 1 || json_integer_value(v) > POINTS_MAX_COUNT)
			return err_set(&ctx->err, E_INVALID, "count", "points.count", "次数须在 1 至 %d 之间", POINTS_MAX_COUNT);
		r->count = (int)json_integer_value(v);
	}
	if ((rc = points_text(ctx, json_object_get(body, "evidence"), "evidence", "依据", POINTS_TEXT_MAX_CHARS, 1,
			      &r->evidence)) ||
	    (rc = points_text(ctx, json_object_get(body, "inspector"), "inspector", "检查人", POINTS_NAME_MAX_CHARS, 0,
			      &r->inspector)))
		return rc;
	if (date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "event_on", "points.future", "事项日期不能晚于今天");
	return 0;
}

int points_request_parse(struct ctx *ctx, json_t *body, int evidence_required, struct points_request *r)
{
	const char *code = NULL;
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = request_fields(ctx, body, r, &code)) || (rc = points_require_enabled(ctx, r->subj.org_path)) ||
	    (rc = points_indicator_by_code(ctx, r->subj.org_path, r->month, code, &r->ind)))
		return rc;
	if (strcmp(r->ind.target, r->subj.target))
		return err_set(&ctx->err, E_INVALID, "indicator", "points.indicator", "指标“%s”不适用于%s", r->ind.name,
			       !strcmp(r->subj.target, "member") ? "党员" : "党支部");
	if (strcmp(r->ind.source, "manual")) {
		const struct points_source *src = points_source_find(r->ind.source);
		return err_set(&ctx->err, E_RULE, "indicator", "points.manual_only",
			       "指标“%s”由系统根据%s自动计分，不能手工录入或申报", r->ind.name, src ? src->name : "业务记录");
	}
	if (!r->evidence && (evidence_required || r->ind.sign < 0))
		return err_set(&ctx->err, E_INVALID, "evidence", "field.required", "请填写依据（事实和出处）");
	return 0;
}

void points_request_release(struct points_request *r)
{
	free(r->evidence);
	free(r->inspector);
	r->evidence = r->inspector = NULL;
}

/* ---- the one append -------------------------------------------------------------- */

static json_t *new_entry_json(const struct points_new_entry *e, int64_t id, int m)
{
	char period[8];
	json_t *j = json_object();
	points_month_text(m, period);
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "target", json_string(e->target));
	json_object_set_new(j, "subject_id", json_integer(e->subject_id));
	json_object_set_new(j, "org_id", json_integer(e->org_id));
	json_object_set_new(j, "indicator_id", json_integer(e->ind->id));
	json_object_set_new(j, "indicator", json_string(e->ind->code));
	json_object_set_new(j, "period", json_string(period));
	json_object_set_new(j, "event_on", json_string(e->event_on));
	json_object_set_new(j, "points", points_x10_json(e->points_x10));
	json_object_set_new(j, "source", json_string(e->source));
	json_object_set_new(j, "source_id", e->source_id ? json_integer(e->source_id) : json_null());
	json_object_set_new(j, "reverses_id", e->reverses_id ? json_integer(e->reverses_id) : json_null());
	json_object_set_new(j, "evidence", json_str_or_null(e->evidence));
	json_object_set_new(j, "inspector", json_str_or_null(e->inspector));
	return j;
}

int points_append(struct ctx *ctx, const struct points_new_entry *e, int64_t *id)
{
	struct stmt *st;
	struct date d;
	json_t *ja;
	int64_t new_id = 0;
	int rc, m, published = 0, step;
	if (id)
		*id = 0;
	if (!e->batch && (rc = points_require_enabled(ctx, e->org_path)))
		return rc;
	if (date_parse(e->event_on, &d))
		return err_set(&ctx->err, E_INVALID, "event_on", "field.date", "事项日期不是有效日期（格式 YYYY-MM-DD）");
	m = points_month_no(d.y, d.m);
	if ((rc = points_month_published(ctx, e->target, e->org_path, m, &published)))
		return rc;
	if (published) {
		char text[8];
		points_month_text(m, text);
		if (!e->correction)
			return err_set(&ctx->err, E_RULE, "event_on", "points.period_published",
				       "%s 所在期间的积分已经公布，不能再录入该月的事项", text);
		m = this_month(ctx);
	}
	st = db_prepare(ctx->db,
			"INSERT INTO point_entries (target, subject_id, org_id, org_path, indicator_id, period_no, event_on, "
			"points_x10, source, source_id, reverses_id, evidence, inspector, created_by, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, e->target);
	stmt_bind_int(st, 2, e->subject_id);
	stmt_bind_int(st, 3, e->org_id);
	stmt_bind_text(st, 4, e->org_path);
	stmt_bind_int(st, 5, e->ind->id);
	stmt_bind_int(st, 6, m);
	stmt_bind_text(st, 7, e->event_on);
	stmt_bind_int(st, 8, e->points_x10);
	stmt_bind_text(st, 9, e->source);
	bind_id_or_null(st, 10, e->source_id);
	bind_id_or_null(st, 11, e->reverses_id);
	stmt_bind_text(st, 12, e->evidence && e->evidence[0] ? e->evidence : NULL);
	stmt_bind_text(st, 13, e->inspector && e->inspector[0] ? e->inspector : NULL);
	bind_id_or_null(st, 14, ctx->actor.user_id);
	stmt_bind_text(st, 15, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		new_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		/* the one unique column: a concurrent reversal of the same entry won */
		if (step == STEP_CONSTRAINT && e->reverses_id)
			return err_set(&ctx->err, E_CONFLICT, "id", "points.already_reversed", "该积分记录已经冲销过");
		return ctx_db_fail(ctx);
	}
	if (!e->batch) {
		ja = new_entry_json(e, new_id, m);
		rc = audit_append(ctx, e->reverses_id ? "reverse" : "create", "point_entry", new_id, NULL, ja);
		json_decref(ja);
		if (rc)
			return rc;
	}
	/* the standings read the rollup, never the entries: both change together. After
	 * the audit record: every writer locks the audit chain's head before a rollup row
	 * (a batch's caller has audited already), so none waits for another in reverse. */
	rc = points_rollup_add(ctx, e->target, e->subject_id, m, e->ind->id, e->points_x10);
	if (!rc && id)
		*id = new_id;
	return rc;
}

/* ---- reading entries ------------------------------------------------------------- */

#define ENTRY_COLS                                                                                                \
	"e.id, e.target, e.subject_id, COALESCE(m.name, so.name), e.org_id, o.name, e.org_path, e.indicator_id, i.code, " \
	"i.name, i.sign, e.period_no, e.event_on, e.points_x10, e.source, e.source_id, e.reverses_id, r.id, e.evidence, " \
	"e.inspector, e.created_by, e.created_at"
#define ENTRY_FROM " FROM point_entries e" ENTRY_JOINS
#define ENTRY_JOINS                                                                                              \
	" JOIN orgs o ON o.id = e.org_id JOIN point_indicators i ON i.id = e.indicator_id "                         \
	"LEFT JOIN members m ON e.target = 'member' AND m.id = e.subject_id "                                       \
	"LEFT JOIN orgs so ON e.target = 'branch' AND so.id = e.subject_id "                                        \
	"LEFT JOIN point_entries r ON r.reverses_id = e.id "

/* What a reversal needs of the entry it reverses. */
struct entry_head {
	int64_t id, subject_id, org_id, indicator_id, reverses_id, reversed_by;
	char target[8], org_path[PATH_MAX_LEN], event_on[11], source[32];
	int points_x10;
};

static json_t *id_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

static json_t *entry_json(struct stmt *st, struct entry_head *h)
{
	json_t *j = json_object(), *ind;
	char period[8];
	memset(h, 0, sizeof(*h));
	h->id = stmt_int(st, 0);
	stmt_text_copy(st, 1, h->target, sizeof(h->target));
	h->subject_id = stmt_int(st, 2);
	h->org_id = stmt_int(st, 4);
	stmt_text_copy(st, 6, h->org_path, sizeof(h->org_path));
	h->indicator_id = stmt_int(st, 7);
	stmt_text_copy(st, 12, h->event_on, sizeof(h->event_on));
	h->points_x10 = (int)stmt_int(st, 13);
	stmt_text_copy(st, 14, h->source, sizeof(h->source));
	h->reverses_id = stmt_int(st, 16);
	h->reversed_by = stmt_int(st, 17);
	points_month_text((int)stmt_int(st, 11), period);

	json_object_set_new(j, "id", json_integer(h->id));
	json_object_set_new(j, "target", json_string(h->target));
	json_object_set_new(j, "subject_id", json_integer(h->subject_id));
	json_object_set_new(j, "subject_name", json_str_or_null(stmt_text(st, 3)));
	json_object_set_new(j, "org_id", json_integer(h->org_id));
	json_object_set_new(j, "org_name", json_str_or_null(stmt_text(st, 5)));
	ind = json_object();
	json_object_set_new(ind, "id", json_integer(h->indicator_id));
	json_object_set_new(ind, "code", json_str_or_null(stmt_text(st, 8)));
	json_object_set_new(ind, "name", json_str_or_null(stmt_text(st, 9)));
	json_object_set_new(ind, "sign", json_string(sign_code((int)stmt_int(st, 10))));
	json_object_set_new(j, "indicator", ind);
	json_object_set_new(j, "period", json_string(period));
	json_object_set_new(j, "event_on", json_string(h->event_on));
	json_object_set_new(j, "points", points_x10_json(h->points_x10));
	json_object_set_new(j, "source", json_string(h->source));
	json_object_set_new(j, "source_id", id_or_null(st, 15));
	json_object_set_new(j, "reverses_id", id_or_null(st, 16));
	json_object_set_new(j, "reversed_by", id_or_null(st, 17));
	json_object_set_new(j, "evidence", json_str_or_null(stmt_text(st, 18)));
	json_object_set_new(j, "inspector", json_str_or_null(stmt_text(st, 19)));
	json_object_set_new(j, "created_by", id_or_null(st, 20));
	json_object_set_new(j, "created_at", json_str_or_null(stmt_text(st, 21)));
	return j;
}

static int entry_visible(const struct ctx *ctx, const struct entry_head *h)
{
	if (ctx->actor.role == ROLE_MEMBER)
		return !strcmp(h->target, "member") && ctx->actor.member_id && h->subject_id == ctx->actor.member_id;
	return ctx_path_in_scope(ctx, h->org_path);
}

/* The entry if the actor may see it; *out (may be NULL) its JSON. */
static int entry_load(struct ctx *ctx, int64_t id, struct entry_head *h, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " ENTRY_COLS ENTRY_FROM "WHERE e.id = ?", &ctx->err);
	json_t *j = NULL;
	int step;
	if (out)
		*out = NULL;
	memset(h, 0, sizeof(*h));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		j = entry_json(st, h);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!j || !entry_visible(ctx, h)) {
		json_decref(j);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	if (out)
		*out = j;
	else
		json_decref(j);
	return 0;
}

int points_entry_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct entry_head h;
	int rc = entry_load(ctx, id, &h, out);
	if (!rc && (rc = points_require_enabled(ctx, h.org_path))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* A WHERE clause with its parameters, text or integer, in order. */
#define MAX_BINDS 10
struct where {
	struct strbuf sql;
	int n;
	const char *text[MAX_BINDS];
	int64_t num[MAX_BINDS];
};

static void where_add(struct where *w, const char *cond, const char *text, int64_t num)
{
	strbuf_addstr(&w->sql, w->n || w->sql.len ? " AND " : " WHERE ");
	strbuf_addstr(&w->sql, cond);
	w->text[w->n] = text;
	w->num[w->n] = num;
	w->n++;
}

static void where_bind(const struct where *w, struct stmt *st)
{
	int i;
	for (i = 0; i < w->n; i++) {
		if (w->text[i])
			stmt_bind_text(st, i + 1, w->text[i]);
		else
			stmt_bind_int(st, i + 1, w->num[i]);
	}
}

/* The list's scope: a 党员 their own entries, everyone else the org's subtree. */
static int list_scope(struct ctx *ctx, int64_t org_id, struct where *w, char *lo, char *hi)
{
	struct points_subject self;
	struct org root;
	int rc;
	if (ctx->actor.role == ROLE_MEMBER) {
		if ((rc = points_subject_load(ctx, "member", ctx->actor.member_id, &self)) ||
		    (rc = points_require_enabled(ctx, self.org_path)))
			return rc;
		where_add(w, "e.target = 'member' AND e.subject_id = ?", NULL, self.id);
		return 0;
	}
	if ((rc = org_scope_root(ctx, org_id, &root)) || (rc = points_require_enabled(ctx, root.path)))
		return rc;
	strlcpy_z(lo, root.path, PATH_MAX_LEN);
	path_range_end(root.path, hi, PATH_MAX_LEN);
	where_add(w, "e.org_path >= ?", lo, 0);
	where_add(w, "e.org_path < ?", hi, 0);
	return 0;
}

/*
 * One page of the entries of w, newest first, into *arr (a new array). from_id > 0
 * reads only the ids from from_id on, along the primary key (SQLite: NOT INDEXED, so
 * it does not take point_entries_scope and sort the subtree).
 */
static int fetch_page(struct ctx *ctx, const struct where *w, const struct points_entry_filter *f, int64_t from_id,
		      json_t **arr)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int step;
	strbuf_addf(&sql, "SELECT " ENTRY_COLS " FROM point_entries e%s" ENTRY_JOINS "%s%s ORDER BY e.id DESC LIMIT %d OFFSET %" PRId64,
		    from_id ? " NOT INDEXED" : "", w->sql.buf, from_id ? " AND e.id >= ?" : "", f->per_page,
		    (int64_t)(f->page - 1) * f->per_page);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	strbuf_release(&sql);
	if (!st)
		return E_DB;
	where_bind(w, st);
	if (from_id)
		stmt_bind_int(st, w->n + 1, from_id);
	*arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct entry_head h;
		json_array_append_new(*arr, entry_json(st, &h));
	}
	stmt_reset(st);
	if (step == STEP_DONE)
		return 0;
	json_decref(*arr);
	*arr = NULL;
	return ctx_db_fail(ctx);
}

/*
 * A page of a large subtree on SQLite. Through point_entries_scope SQLite sorts every
 * entry of the subtree by id for one page: a province's 7 M took 29 s. A subtree's
 * newest entries are usually among the ledger's newest rows, so the page is first read
 * from a window of the ledger's last ids along the primary key: when the window holds
 * the whole page (the page's rows and those before it, or every entry of the list), it
 * is the page; otherwise (a branch, or a subtree whose entries are all older) the usual
 * read. PostgreSQL's planner makes this choice itself from its statistics.
 */
#define LEDGER_WINDOW_FACTOR 64      /* ids read per entry needed: a list of 1/64 of the newest rows */
#define LEDGER_WINDOW_MAX 262144     /* at most this many ids read before the usual read */
static int fetch_page_windowed(struct ctx *ctx, const struct where *w, const struct points_entry_filter *f,
			       int64_t total, json_t **arr)
{
	int64_t before = (int64_t)(f->page - 1) * f->per_page, want, window, max_id = 0;
	int rc;
	want = total - before < f->per_page ? total - before : f->per_page;
	*arr = NULL;
	if (ctx_is_pg(ctx) || want <= 0)
		return fetch_page(ctx, w, f, 0, arr);
	window = (before + f->per_page) * LEDGER_WINDOW_FACTOR;
	if (window > LEDGER_WINDOW_MAX)
		window = LEDGER_WINDOW_MAX;
	if ((rc = ctx_query_int(ctx, "SELECT COALESCE(max(id), 0) FROM point_entries", &max_id)) ||
	    (max_id - window + 1 > 1 && (rc = fetch_page(ctx, w, f, max_id - window + 1, arr))))
		return rc;
	if (*arr && (int64_t)json_array_size(*arr) == want)
		return 0;
	json_decref(*arr);
	*arr = NULL;
	return fetch_page(ctx, w, f, 0, arr);
}

int points_entries_list(struct ctx *ctx, const struct points_entry_filter *f, json_t **items, int64_t *total)
{
	struct where w;
	struct strbuf sql = STRBUF_INIT;
	struct points_period p;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	int rc, step;

	*items = NULL;
	*total = 0;
	memset(&w, 0, sizeof(w));
	strbuf_init(&w.sql, 256);
	if ((rc = list_scope(ctx, f->org_id, &w, lo, hi)))
		goto out;
	if (f->target)
		where_add(&w, "e.target = ?", f->target, 0);
	if (f->subject_id)
		where_add(&w, "e.subject_id = ?", NULL, f->subject_id);
	if (f->indicator)
		where_add(&w, "i.code = ?", f->indicator, 0);
	if (f->source)
		where_add(&w, "e.source = ?", f->source, 0);
	if (f->period) {
		if (points_period_parse(f->period, &p)) {
			rc = err_set(&ctx->err, E_INVALID, "period", "points.period", "期间的格式为 2026-09、2026Q3 或 2026");
			goto out;
		}
		where_add(&w, "e.period_no >= ?", NULL, p.first);
		where_add(&w, "e.period_no <= ?", NULL, p.last);
	}
	strbuf_addf(&sql, "SELECT count(*) FROM point_entries e%s%s",
		    f->indicator ? " JOIN point_indicators i ON i.id = e.indicator_id" : "", w.sql.buf);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	where_bind(&w, st);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if ((rc = fetch_page_windowed(ctx, &w, f, *total, &arr)))
		goto out;
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&sql);
	strbuf_release(&w.sql);
	return rc;
}

/* ---- writing --------------------------------------------------------------------- */

int points_entry_add(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct points_request r;
	struct points_new_entry e;
	int rc;
	*id = 0;
	if ((rc = points_request_parse(ctx, body, 0, &r)) || (rc = points_require_approver(ctx, &r.ind, &r.subj)))
		goto out;
	memset(&e, 0, sizeof(e));
	e.target = r.subj.target;
	e.subject_id = r.subj.id;
	e.org_id = r.subj.org_id;
	e.org_path = r.subj.org_path;
	e.ind = &r.ind;
	e.event_on = r.event_on;
	e.points_x10 = r.ind.sign * r.count * r.ind.points_x10;
	e.source = "manual";
	e.evidence = r.evidence;
	e.inspector = r.inspector;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = points_append(ctx, &e, id)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		*id = 0;
	}
out:
	points_request_release(&r);
	return rc;
}

int points_entry_reverse(struct ctx *ctx, int64_t id, json_t *body, int64_t *reversal_id)
{
	struct entry_head h;
	struct points_indicator ind;
	struct points_subject s;
	struct points_new_entry e;
	char *reason = NULL;
	int rc;

	*reversal_id = 0;
	if ((rc = points_text(ctx, json_object_get(body, "reason"), "reason", "冲销原因", POINTS_TEXT_MAX_CHARS, 1,
			      &reason)))
		goto out;
	if (!reason) {
		rc = err_set(&ctx->err, E_INVALID, "reason", "field.required", "请填写冲销原因");
		goto out;
	}
	if ((rc = entry_load(ctx, id, &h, NULL)) || (rc = points_require_enabled(ctx, h.org_path)))
		goto out;
	if (h.reverses_id || !strcmp(h.source, "reversal")) {
		rc = err_set(&ctx->err, E_CONFLICT, "id", "points.reversal", "冲销记录不能再冲销；如冲销有误，请重新录入原事项");
		goto out;
	}
	if (h.reversed_by) {
		rc = err_set(&ctx->err, E_CONFLICT, "id", "points.already_reversed", "该积分记录已经冲销过");
		goto out;
	}
	if ((rc = points_indicator_by_id(ctx, h.indicator_id, &ind)))
		goto out;
	/* the approver of the original, over the org it was earned in */
	memset(&s, 0, sizeof(s));
	s.target = !strcmp(h.target, "branch") ? "branch" : "member";
	s.id = h.subject_id;
	s.org_id = h.org_id;
	strlcpy_z(s.org_path, h.org_path, sizeof(s.org_path));
	if ((rc = points_require_approver(ctx, &ind, &s)))
		goto out;
	memset(&e, 0, sizeof(e));
	e.target = s.target;
	e.subject_id = h.subject_id;
	e.org_id = h.org_id;
	e.org_path = h.org_path;
	e.ind = &ind;
	e.event_on = h.event_on;
	e.points_x10 = -h.points_x10;
	e.source = "reversal";
	e.reverses_id = h.id;
	e.evidence = reason;
	e.correction = 1;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = points_append(ctx, &e, reversal_id)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		*reversal_id = 0;
	}
out:
	free(reason);
	return rc;
}

/* ---- why is the score what it is ------------------------------------------------- */

struct xrow {
	int64_t id, indicator_id, source_id, reverses_id, reversed_by;
	int period_no, points_x10;
	char event_on[11], source[32];
	char *evidence, *inspector;   /* owned */
};

struct xrows {
	struct xrow *r;
	size_t n, alloc;
};

static void xrows_release(struct xrows *x)
{
	size_t i;
	for (i = 0; i < x->n; i++) {
		free(x->r[i].evidence);
		free(x->r[i].inspector);
	}
	free(x->r);
	memset(x, 0, sizeof(*x));
}

/* The subject's entries counted in months [from, last], by indicator then month. */
static int xrows_load(struct ctx *ctx, const struct points_subject *s, int from, int last, struct xrows *x)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT e.id, e.indicator_id, e.period_no, e.event_on, e.points_x10, e.source, e.source_id, "
				     "e.reverses_id, r.id, e.evidence, e.inspector FROM point_entries e "
				     "LEFT JOIN point_entries r ON r.reverses_id = e.id WHERE e.target = ? AND e.subject_id = ? "
				     "AND e.period_no >= ? AND e.period_no <= ? ORDER BY e.indicator_id, e.period_no, e.event_on, e.id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, s->target);
	stmt_bind_int(st, 2, s->id);
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, last);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct xrow *r;
		ALLOC_GROW(x->r, x->n + 1, x->alloc);
		r = &x->r[x->n++];
		memset(r, 0, sizeof(*r));
		r->id = stmt_int(st, 0);
		r->indicator_id = stmt_int(st, 1);
		r->period_no = (int)stmt_int(st, 2);
		stmt_text_copy(st, 3, r->event_on, sizeof(r->event_on));
		r->points_x10 = (int)stmt_int(st, 4);
		stmt_text_copy(st, 5, r->source, sizeof(r->source));
		r->source_id = stmt_int(st, 6);
		r->reverses_id = stmt_int(st, 7);
		r->reversed_by = stmt_int(st, 8);
		r->evidence = stmt_text(st, 9) ? xstrdup(stmt_text(st, 9)) : NULL;
		r->inspector = stmt_text(st, 10) ? xstrdup(stmt_text(st, 10)) : NULL;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static json_t *xrow_json(const struct xrow *r)
{
	json_t *j = json_object();
	char period[8];
	points_month_text(r->period_no, period);
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "period", json_string(period));
	json_object_set_new(j, "event_on", json_string(r->event_on));
	json_object_set_new(j, "points", points_x10_json(r->points_x10));
	json_object_set_new(j, "source", json_string(r->source));
	json_object_set_new(j, "source_id", r->source_id ? json_integer(r->source_id) : json_null());
	json_object_set_new(j, "evidence", json_str_or_null(r->evidence));
	json_object_set_new(j, "inspector", json_str_or_null(r->inspector));
	json_object_set_new(j, "reverses_id", r->reverses_id ? json_integer(r->reverses_id) : json_null());
	json_object_set_new(j, "reversed_by", r->reversed_by ? json_integer(r->reversed_by) : json_null());
	return j;
}

/* What the period adds up to, in total and per month. */
struct tally {
	int award, deduct;
	int month_award[MAX_WINDOW], month_deduct[MAX_WINDOW];
};

/*
 * One indicator's rows x->r[lo, hi): its line of the view, counted into t. NULL (and
 * nothing counted) when none of its rows lies in the period itself.
 */
static int indicator_line(struct ctx *ctx, const struct points_period *p, const struct xrows *x, size_t lo, size_t hi,
			  struct tally *t, json_t **out)
{
	struct points_indicator ind;
	int raw[MAX_WINDOW * 2], from, m, sum = 0, counted, in_period = 0, rc;
	json_t *j, *arr;
	size_t i;
	*out = NULL;
	if ((rc = points_indicator_by_id(ctx, x->r[lo].indicator_id, &ind)))
		return rc;
	from = points_cap_window_start(ind.cap_kind, p->first);
	if (from < 0 || from > p->first || p->last - from >= MAX_WINDOW * 2)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分期间无效");
	memset(raw, 0, sizeof(raw));
	for (i = lo; i < hi; i++) {
		if (x->r[i].period_no < from)
			continue;
		raw[x->r[i].period_no - from] += x->r[i].points_x10;
		if (x->r[i].period_no >= p->first) {
			sum += x->r[i].points_x10;
			in_period = 1;
		}
	}
	if (!in_period)
		return 0;
	counted = points_indicator_counted(ind.sign, ind.cap_x10, ind.cap_kind, raw, from, p->first, p->last);
	*(ind.sign < 0 ? &t->deduct : &t->award) += counted;
	for (m = p->first; m <= p->last && m - p->first < MAX_WINDOW; m++) {
		int mfrom = points_cap_window_start(ind.cap_kind, m);
		int c = points_indicator_counted(ind.sign, ind.cap_x10, ind.cap_kind, raw + (mfrom - from), mfrom, m, m);
		*(ind.sign < 0 ? &t->month_deduct[m - p->first] : &t->month_award[m - p->first]) += c;
	}
	j = json_object();
	json_object_set_new(j, "id", json_integer(ind.id));
	json_object_set_new(j, "code", json_string(ind.code));
	json_object_set_new(j, "name", json_string(ind.name));
	json_object_set_new(j, "category", json_string(ind.category));
	json_object_set_new(j, "sign", json_string(sign_code(ind.sign)));
	json_object_set_new(j, "points", points_x10_json(ind.points_x10));
	json_object_set_new(j, "cap", points_x10_json(ind.cap_x10));
	json_object_set_new(j, "cap_period", json_string(cap_kind_code(ind.cap_kind)));
	json_object_set_new(j, "source", json_string(ind.source));
	json_object_set_new(j, "raw", points_x10_json(sum));
	json_object_set_new(j, "counted", points_x10_json(counted));
	arr = json_array();
	for (i = lo; i < hi; i++)
		if (x->r[i].period_no >= p->first)
			json_array_append_new(arr, xrow_json(&x->r[i]));
	json_object_set_new(j, "entries", arr);
	*out = j;
	return 0;
}

static int stars_of(const struct points_settings *set, int member, int score_x10)
{
	struct points_standing s;
	memset(&s, 0, sizeof(s));
	s.score_x10 = score_x10;
	/* one subject alone: the top-band cap is a ranking's matter */
	if (member)
		points_assign_stars(&s, 1, set->member_bands, set->n_member_bands, 0);
	else
		points_assign_stars(&s, 1, set->branch_bands, set->n_branch_bands, 0);
	return s.stars;
}

static int explain_subject(struct ctx *ctx, const char *target, int64_t subject_id, struct points_subject *s)
{
	int rc = points_subject_load(ctx, target, subject_id, s);
	if (rc == E_INVALID && !strcmp(ctx->err.field, "target"))
		return rc;
	if (rc == E_INVALID || (!rc && !subject_visible(ctx, s))) {
		err_clear(&ctx->err);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "%s不存在或不在您的管理范围内",
			       !strcmp(target, "member") ? "党员" : "党支部");
	}
	return rc;
}

int points_explain(struct ctx *ctx, const char *target, int64_t subject_id, const char *period, json_t **out)
{
	struct points_subject s;
	struct points_settings set;
	struct points_period p;
	struct xrows x;
	struct tally t;
	json_t *j = NULL, *inds, *months, *line;
	int rc, member, base, score, m;
	size_t lo, hi;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	memset(&t, 0, sizeof(t));
	if ((rc = explain_subject(ctx, target, subject_id, &s)) || (rc = points_require_enabled(ctx, s.org_path)) ||
	    (rc = points_settings_for(ctx, s.org_path, &set)))
		goto out;
	member = !strcmp(s.target, "member");
	if (period && *period) {
		if (points_period_parse(period, &p)) {
			rc = err_set(&ctx->err, E_INVALID, "period", "points.period", "期间的格式为 2026-09、2026Q3 或 2026");
			goto out;
		}
	} else {
		points_period_of(PP_QUARTER, this_month(ctx), &p);
	}
	if ((rc = xrows_load(ctx, &s, points_cap_window_start(PP_YEAR, p.first), p.last, &x)))
		goto out;
	base = member ? set.member_base_x10 : set.branch_deduct ? 1000 : 0;
	j = json_object();
	inds = json_array();
	for (lo = 0; lo < x.n; lo = hi) {
		for (hi = lo + 1; hi < x.n && x.r[hi].indicator_id == x.r[lo].indicator_id; hi++)
			;
		if ((rc = indicator_line(ctx, &p, &x, lo, hi, &t, &line))) {
			json_decref(inds);
			goto out;
		}
		if (line)
			json_array_append_new(inds, line);
	}
	score = points_score_x10(base, t.award, t.deduct);
	json_object_set_new(j, "target", json_string(s.target));
	json_object_set_new(j, "subject_id", json_integer(s.id));
	json_object_set_new(j, "name", json_string(s.name));
	json_object_set_new(j, "org_id", json_integer(member ? s.org_id : s.parent_id));
	json_object_set_new(j, "org_name", json_string(s.org_name));
	json_object_set_new(j, "period", json_string(p.text));
	if (!member)
		json_object_set_new(j, "mode", json_string(set.branch_deduct ? "deduct" : "percent"));
	json_object_set_new(j, "base", points_x10_json(base));
	json_object_set_new(j, "award", points_x10_json(t.award));
	json_object_set_new(j, "deduct", points_x10_json(t.deduct));
	json_object_set_new(j, "score", points_x10_json(score));
	json_object_set_new(j, "stars", json_integer(stars_of(&set, member, score)));
	json_object_set_new(j, "indicators", inds);
	months = json_array();
	for (m = p.first; m <= p.last && m - p.first < MAX_WINDOW; m++) {
		json_t *mj = json_object();
		char text[8];
		int i = m - p.first;
		points_month_text(m, text);
		json_object_set_new(mj, "period", json_string(text));
		json_object_set_new(mj, "award", points_x10_json(t.month_award[i]));
		json_object_set_new(mj, "deduct", points_x10_json(t.month_deduct[i]));
		json_object_set_new(mj, "score", points_x10_json(points_score_x10(base, t.month_award[i], t.month_deduct[i])));
		json_array_append_new(months, mj);
	}
	json_object_set_new(j, "months", months);
	*out = j;
	j = NULL;
out:
	json_decref(j);
	xrows_release(&x);
	return rc;
}
