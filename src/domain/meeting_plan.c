/*
 * 主题党日年度计划 and the calendar (RULES.md §2: a 主题党日 every month). A plan is the
 * branch's topic for each month of a year, entered once; the calendar reads it beside
 * the meetings actually recorded, so a planned month without its 主题党日 shows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PLAN_NOT_FOUND_MSG "活动计划不存在或不在您的管理范围内"
#define TOPIC_SIZE (MEETING_TOPIC_MAX_CHARS * 4 + 1)

struct plan {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	int year;
	char topics[12][TOPIC_SIZE]; /* by month - 1; "" = none planned */
	int64_t version;
	char updated_at[21];
};

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有支部书记或管理员可以制定活动计划");
	return 0;
}

static json_t *items_json(const struct plan *p)
{
	json_t *arr = json_array();
	int k;
	for (k = 0; k < 12; k++)
		if (p->topics[k][0])
			json_array_append_new(arr, json_pack("{s:i, s:s}", "month", k + 1, "topic", p->topics[k]));
	return arr;
}

static json_t *plan_to_json(const struct plan *p)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "org_id", json_integer(p->org_id));
	json_object_set_new(j, "org_name", json_string(p->org_name));
	json_object_set_new(j, "year", json_integer(p->year));
	json_object_set_new(j, "items", items_json(p));
	json_object_set_new(j, "version", json_integer(p->version));
	json_object_set_new(j, "updated_at", json_str_or_null(p->updated_at));
	return j;
}

/* ---- reading --------------------------------------------------------------------- */

#define PLAN_COLS "p.id, p.org_id, o.path, o.name, p.year, p.version, p.updated_at"
#define PLAN_FROM " FROM meeting_plans p JOIN orgs o ON o.id = p.org_id "

static void read_plan(struct stmt *st, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->id = stmt_int(st, 0);
	p->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, p->org_path, sizeof(p->org_path));
	stmt_text_copy(st, 3, p->org_name, sizeof(p->org_name));
	p->year = (int)stmt_int(st, 4);
	p->version = stmt_int(st, 5);
	stmt_text_copy(st, 6, p->updated_at, sizeof(p->updated_at));
}

static int load_items(struct ctx *ctx, struct plan *p)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT month, topic FROM meeting_plan_items WHERE plan_id = ?", &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, p->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t month = stmt_int(st, 0);
		if (month >= 1 && month <= 12)
			stmt_text_copy(st, 1, p->topics[month - 1], sizeof(p->topics[0]));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* by id (key_org = 0) or by branch and year; *found 0 when there is none */
static int load_plan(struct ctx *ctx, int64_t id, int64_t key_org, int key_year, struct plan *p, int *found)
{
	struct stmt *st;
	int step;
	*found = 0;
	memset(p, 0, sizeof(*p));
	st = db_prepare(ctx->db,
			key_org ? "SELECT " PLAN_COLS PLAN_FROM "WHERE p.org_id = ? AND p.year = ?"
				: "SELECT " PLAN_COLS PLAN_FROM "WHERE p.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	if (key_org) {
		stmt_bind_int(st, 1, key_org);
		stmt_bind_int(st, 2, key_year);
	} else {
		stmt_bind_int(st, 1, id);
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*found = 1;
		read_plan(st, p);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return *found ? load_items(ctx, p) : 0;
}

int meeting_plan_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	int rc, found;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_plan(ctx, id, 0, 0, p, &found)))
		goto out;
	if (!found || !ctx_path_in_scope(ctx, p->org_path)) {
		rc = err_set(&ctx->err, E_NOTFOUND, "id", NULL, PLAN_NOT_FOUND_MSG);
		goto out;
	}
	*out = plan_to_json(p);
out:
	free(p);
	return rc;
}

int meeting_plan_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	struct plan *p = xcalloc(1, sizeof(*p));
	char hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	size_t i;
	int rc, step;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		goto out;
	path_range_end(root.path, hi, sizeof(hi));
	st = db_prepare(ctx->db, "SELECT count(*)" PLAN_FROM "WHERE o.path >= ? AND o.path < ? AND p.year = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_int(st, 3, year);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	strbuf_addf(&sql,
		    "SELECT " PLAN_COLS PLAN_FROM "WHERE o.path >= ? AND o.path < ? AND p.year = ? ORDER BY o.path "
		    "LIMIT %d OFFSET %" PRId64,
		    per_page, (int64_t)(page - 1) * per_page);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_int(st, 3, year);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		read_plan(st, p);
		json_array_append_new(arr, plan_to_json(p));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	/* the items of the page's plans (at most per_page): one small read each */
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *j = json_array_get(arr, i);
		memset(p, 0, sizeof(*p));
		p->id = json_integer_value(json_object_get(j, "id"));
		if ((rc = load_items(ctx, p)))
			goto out;
		json_object_set_new(j, "items", items_json(p));
	}
	*items = arr;
	arr = NULL;
out:
	free(p);
	json_decref(arr);
	strbuf_release(&sql);
	return rc;
}

/* ---- writing --------------------------------------------------------------------- */

/* items [{month, topic}] over p->topics: each month at most once, topics clean one-liners. */
static int parse_items(struct ctx *ctx, json_t *list, struct plan *p)
{
	static const char *const allowed[] = { "month", "topic", NULL };
	char field[48], *buf = NULL;
	const char *key;
	json_t *e, *v;
	size_t i, k;
	int rc = 0;

	if (!json_is_array(list))
		return err_set(&ctx->err, E_MALFORMED, "items", NULL, "items 必须是数组");
	memset(p->topics, 0, sizeof(p->topics));
	buf = xmalloc(TOPIC_SIZE * 2 + 1);
	json_array_foreach(list, i, e) {
		int64_t month;
		const char *topic;
		xsnprintf(field, sizeof(field), "items[%zu]", i);
		if (!json_is_object(e)) {
			rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是对象", field);
			goto out;
		}
		json_object_foreach(e, key, v) {
			for (k = 0; allowed[k] && strcmp(allowed[k], key); k++)
				;
			if (!allowed[k]) {
				rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 含有未知字段 %s", field, key);
				goto out;
			}
		}
		v = json_object_get(e, "month");
		if (!json_is_integer(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.month 必须是整数", field);
			goto out;
		}
		month = json_integer_value(v);
		if (month < 1 || month > 12) {
			rc = err_set(&ctx->err, E_INVALID, field, "meeting_plan.month", "月份须在 1 至 12 之间");
			goto out;
		}
		if (p->topics[month - 1][0]) {
			rc = err_set(&ctx->err, E_INVALID, field, "meeting_plan.month", "%" PRId64 " 月的主题重复填写", month);
			goto out;
		}
		v = json_object_get(e, "topic");
		if (!json_is_string(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.topic 必须是字符串", field);
			goto out;
		}
		topic = json_string_value(v);
		if (strlen(topic) >= TOPIC_SIZE * 2) {
			rc = err_set(&ctx->err, E_INVALID, field, "field.text", "主题超过 %d 个字", MEETING_TOPIC_MAX_CHARS);
			goto out;
		}
		text_normalize(topic, buf, TOPIC_SIZE * 2 + 1);
		if (!buf[0]) {
			rc = err_set(&ctx->err, E_INVALID, field, "field.required", "%" PRId64 " 月的主题不能为空", month);
			goto out;
		}
		if (!text_is_clean(buf) || utf8_chars(buf) > MEETING_TOPIC_MAX_CHARS) {
			rc = err_set(&ctx->err, E_INVALID, field, "field.text", "主题含有非法字符或超过 %d 个字",
				     MEETING_TOPIC_MAX_CHARS);
			goto out;
		}
		strlcpy_z(p->topics[month - 1], buf, sizeof(p->topics[0]));
	}
out:
	free(buf);
	return rc;
}

static int write_items(struct ctx *ctx, const struct plan *p)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM meeting_plan_items WHERE plan_id = ?", &ctx->err);
	int rc, k;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, p->id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	for (k = 0; k < 12; k++) {
		if (!p->topics[k][0])
			continue;
		st = db_prepare(ctx->db, "INSERT INTO meeting_plan_items (plan_id, month, topic) VALUES (?, ?, ?)", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, p->id);
		stmt_bind_int(st, 2, k + 1);
		stmt_bind_text(st, 3, p->topics[k]);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

int meeting_plan_set(struct ctx *ctx, json_t *body, int64_t *id, int *created)
{
	struct plan *before = xcalloc(1, sizeof(*before)), *p = xcalloc(1, sizeof(*p));
	struct org o;
	struct stmt *st;
	json_t *v, *jb = NULL, *ja = NULL;
	int64_t org_id, year, version = 0;
	int rc, found, step;

	*id = 0;
	*created = 0;
	if ((rc = require_officer(ctx)))
		goto out;
	v = json_object_get(body, "org_id");
	if (!v || !json_is_integer(v)) {
		rc = v ? err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数")
		       : err_set(&ctx->err, E_INVALID, "org_id", "field.required", "党支部不能为空");
		goto out;
	}
	org_id = json_integer_value(v);
	v = json_object_get(body, "year");
	if (!v || !json_is_integer(v)) {
		rc = v ? err_set(&ctx->err, E_MALFORMED, "year", NULL, "字段 year 必须是整数")
		       : err_set(&ctx->err, E_INVALID, "year", "field.required", "计划年度不能为空");
		goto out;
	}
	year = json_integer_value(v);
	if ((rc = org_require_in_scope(ctx, org_id, &o, "org_id")))
		goto out;
	if (!org_kind_is_branch(o.kind)) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "meeting_plan.org_kind", "主题党日计划由党支部制定，“%s”不是党支部", o.name);
		goto out;
	}
	/* next year's plan is made in the last months of this one */
	if (year < 2000 || year > ctx->today.y + 1) {
		rc = err_set(&ctx->err, E_INVALID, "year", "meeting_plan.year", "计划年度须在 2000 至 %d 之间", ctx->today.y + 1);
		goto out;
	}
	v = json_object_get(body, "items");
	if (!v) {
		rc = err_set(&ctx->err, E_INVALID, "items", "field.required", "计划内容 items 不能为空");
		goto out;
	}
	if ((rc = parse_items(ctx, v, p)))
		goto out;
	if ((rc = load_plan(ctx, 0, o.id, (int)year, before, &found)))
		goto out;
	if (found) {
		v = json_object_get(body, "version");
		if (!json_is_integer(v)) {
			rc = err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
				     "%s已有 %d 年度计划，修改须提供 version", o.name, (int)year);
			goto out;
		}
		version = json_integer_value(v);
		if (version != before->version) {
			rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该活动计划已被他人修改，请刷新后重试");
			goto out;
		}
	}
	p->org_id = o.id;
	p->year = (int)year;
	strlcpy_z(p->org_path, o.path, sizeof(p->org_path));
	strlcpy_z(p->org_name, o.name, sizeof(p->org_name));
	strlcpy_z(p->updated_at, ctx->now_iso, sizeof(p->updated_at));

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if (found) {
		p->id = before->id;
		p->version = before->version + 1;
		st = db_prepare(ctx->db, "UPDATE meeting_plans SET updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_text(st, 1, ctx->now_iso);
		stmt_bind_int(st, 2, p->id);
		stmt_bind_int(st, 3, version);
		if ((rc = stmt_run(st, &ctx->err)))
			goto rollback;
		if (db_changes(ctx->db) != 1) {
			rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该活动计划已被他人修改，请刷新后重试");
			goto rollback;
		}
	} else {
		st = db_prepare(ctx->db,
				"INSERT INTO meeting_plans (org_id, year, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 1, p->org_id);
		stmt_bind_int(st, 2, p->year);
		stmt_bind_text(st, 3, ctx->now_iso);
		stmt_bind_text(st, 4, ctx->now_iso);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			p->id = stmt_int(st, 0);
		stmt_reset(st);
		if (step != STEP_ROW) {
			/* another writer created the year's plan in between */
			rc = step == STEP_CONSTRAINT ? err_set(&ctx->err, E_CONFLICT, "year", "store.stale",
							       "%s %d 年度计划已被他人创建，请刷新后重试", o.name, p->year)
						     : ctx_db_fail(ctx);
			goto rollback;
		}
		p->version = 1;
	}
	if ((rc = write_items(ctx, p)))
		goto rollback;
	jb = found ? plan_to_json(before) : NULL;
	ja = plan_to_json(p);
	if ((rc = audit_append(ctx, found ? "update" : "create", "meeting_plan", p->id, jb, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = p->id;
	*created = !found;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	json_decref(ja);
	free(before);
	free(p);
	return rc;
}

/* ---- calendar -------------------------------------------------------------------- */

int meeting_calendar(struct ctx *ctx, int64_t org_id, int year, int month, json_t **out)
{
	struct org root;
	struct stmt *st;
	struct strbuf sql = STRBUF_INIT;
	char hi[PATH_MAX_LEN], from[11], to[11];
	json_t *res = NULL, *planned, *days, *day = NULL;
	struct date first = { year, month, 1 }, last = { year, month, date_days_in_month(year, month) };
	int rc, step, n = 0, d;

	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	path_range_end(root.path, hi, sizeof(hi));
	date_format(first, from);
	date_format(last, to);
	res = json_pack("{s:I, s:i, s:i, s:s, s:s}", "org_id", (json_int_t)root.id, "year", year, "month", month, "from",
			from, "to", to);
	planned = json_array();
	json_object_set_new(res, "planned", planned);
	/* the month's planned topics, each with whether the branch held a 主题党日 in that month */
	st = db_prepare(ctx->db,
			"SELECT p.org_id, o.name, i.topic, (SELECT count(*) FROM meetings mt WHERE mt.org_id = p.org_id AND "
			"mt.kind = 'theme_day' AND mt.held_on >= ? AND mt.held_on <= ?)" PLAN_FROM
			"JOIN meeting_plan_items i ON i.plan_id = p.id WHERE o.path >= ? AND o.path < ? AND p.year = ? AND "
			"i.month = ? ORDER BY o.path",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, to);
	stmt_bind_text(st, 3, root.path);
	stmt_bind_text(st, 4, hi);
	stmt_bind_int(st, 5, year);
	stmt_bind_int(st, 6, month);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(planned, json_pack("{s:I, s:s, s:s, s:b}", "org_id", (json_int_t)stmt_int(st, 0),
							 "org_name", stmt_text(st, 1) ? stmt_text(st, 1) : "", "topic",
							 stmt_text(st, 2) ? stmt_text(st, 2) : "", "held", stmt_int(st, 3) > 0));
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	days = json_array();
	json_object_set_new(res, "days", days);
	for (d = 1; d <= last.d; d++) {
		struct date dt = { year, month, d };
		char ds[11];
		date_format(dt, ds);
		json_array_append_new(days, json_pack("{s:s, s:[]}", "date", ds, "meetings"));
	}
	/* one row past the cap tells a truncated month from a full one */
	strbuf_addf(&sql,
		    "SELECT mt.id, mt.org_id, o.name, mt.kind, mt.held_on, mt.start_time, mt.end_time, mt.topic FROM meetings "
		    "mt JOIN orgs o ON o.id = mt.org_id WHERE mt.org_path >= ? AND mt.org_path < ? AND mt.held_on >= ? AND "
		    "mt.held_on <= ? ORDER BY mt.held_on, mt.start_time, mt.id LIMIT %d",
		    MEETING_PLAN_MAX_CALENDAR + 1);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, to);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *held = stmt_text(st, 4);
		struct date hd;
		int kind = meeting_kind_parse(stmt_text(st, 3));
		if (++n > MEETING_PLAN_MAX_CALENDAR)
			continue;
		if (!held || date_parse(held, &hd) || hd.d < 1 || hd.d > last.d)
			continue;
		day = json_array_get(days, (size_t)(hd.d - 1));
		json_array_append_new(json_object_get(day, "meetings"),
				      json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)stmt_int(st, 0),
						"org_id", (json_int_t)stmt_int(st, 1), "org_name",
						stmt_text(st, 2) ? stmt_text(st, 2) : "", "kind", meeting_kind_code(kind),
						"kind_name", meeting_kind_name(kind), "start_time",
						stmt_text(st, 5) ? stmt_text(st, 5) : "", "end_time",
						stmt_text(st, 6) ? stmt_text(st, 6) : "", "topic", json_str_or_null(stmt_text(st, 7))));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	json_object_set_new(res, "truncated", json_boolean(n > MEETING_PLAN_MAX_CALENDAR));
	*out = res;
	res = NULL;
out:
	strbuf_release(&sql);
	json_decref(res);
	return rc;
}
