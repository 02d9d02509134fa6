/* 志愿服务 teams, activities and hours (see volunteer.h). */
#include "domain/volunteer.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "domain/points.h"
#include "domain/sv_common.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TEAM_NOT_FOUND_MSG "志愿服务队不存在或不在您的管理范围内"
#define ACT_NOT_FOUND_MSG "志愿服务活动不存在或不在您的管理范围内"
#define NAME_CHARS 50
#define NOTE_CHARS 2000

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "volunteer.role", "只有支部书记或管理员可以管理志愿服务");
	return 0;
}

static json_t *hours_json(int64_t x10)
{
	return json_real((double)x10 / 10.0);
}

int volunteer_hours_parse(struct ctx *ctx, json_t *v, const char *field, int *x10)
{
	double h, t;
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, field, "field.required", "服务时长不能为空");
	if (!json_is_number(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是数字", field);
	h = json_number_value(v);
	t = h * 10.0;
	/* one decimal at most: 2.5 yes, 2.55 no (within float noise) */
	if (!(h > 0.0) || h > 24.0 || fabs(t - round(t)) > 1e-6)
		return err_set(&ctx->err, E_INVALID, field, "volunteer.hours", "服务时长须在 0.1 至 24 小时之间，最多一位小数");
	*x10 = (int)round(t);
	return 0;
}

/* member_ids: an array of distinct members in scope, at most VOLUNTEER_MAX_PEOPLE; *out owned */
static int parse_member_ids(struct ctx *ctx, json_t *v, const char *field, int required, json_t **out)
{
	json_t *arr, *x;
	size_t i, k;
	char name[96];
	int rc;
	*out = NULL;
	if (!json_is_array(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是党员 id 的数组", field);
	if (json_array_size(v) > VOLUNTEER_MAX_PEOPLE)
		return err_set(&ctx->err, E_INVALID, field, "volunteer.people", "人数不能超过 %d", VOLUNTEER_MAX_PEOPLE);
	if (required && json_array_size(v) == 0)
		return err_set(&ctx->err, E_INVALID, field, "field.required", "至少选择一名参加的党员");
	arr = json_array();
	json_array_foreach(v, i, x) {
		int dup = 0;
		if (!json_is_integer(x)) {
			json_decref(arr);
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是党员 id 的数组", field);
		}
		for (k = 0; k < json_array_size(arr); k++)
			dup |= json_integer_value(json_array_get(arr, k)) == json_integer_value(x);
		if (dup)
			continue;
		if ((rc = sv_member_in_scope(ctx, json_integer_value(x), field, name, sizeof(name)))) {
			json_decref(arr);
			return rc;
		}
		json_array_append(arr, x);
	}
	*out = arr;
	return 0;
}

/* [{member_id, name}] of sql's single id parameter */
static int people_json(struct ctx *ctx, const char *sql, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*out = NULL;
	if (!st)
		return E_DB;
	*out = json_array();
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:s}", "member_id", (json_int_t)stmt_int(st, 0), "name",
						      stmt_text(st, 1) ? stmt_text(st, 1) : ""));
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(*out);
		*out = NULL;
		return ctx_db_fail(ctx);
	}
	return 0;
}

static json_t *names_of(json_t *people)
{
	json_t *names = json_array(), *p;
	size_t i;
	json_array_foreach(people, i, p)
		json_array_append(names, json_object_get(p, "name"));
	return names;
}

static int replace_people(struct ctx *ctx, const char *table, const char *key, int64_t id, json_t *ids)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	json_t *x;
	size_t i;
	int rc;
	strbuf_addf(&sql, "DELETE FROM %s WHERE %s = ?", table, key);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	rc = st ? 0 : E_DB;
	if (!rc) {
		stmt_bind_int(st, 1, id);
		rc = stmt_run(st, &ctx->err);
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql, "INSERT INTO %s (%s, member_id) VALUES (?, ?)", table, key);
	json_array_foreach(ids, i, x) {
		if (rc)
			break;
		if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
			rc = E_DB;
			break;
		}
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, json_integer_value(x));
		rc = stmt_run(st, &ctx->err);
	}
	strbuf_release(&sql);
	return rc;
}

static int finish(struct ctx *ctx, const char *action, const char *entity, int64_t id, json_t *before, json_t *after,
		  int rc)
{
	if (!rc)
		rc = audit_append(ctx, action, entity, id, before, after);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	if (rc)
		db_rollback(ctx->db);
	return rc;
}

/* ---- teams ----------------------------------------------------------------------- */

struct team {
	int64_t id, org_id, version;
	char org_path[PATH_MAX_LEN], org_name[128];
	char name[NAME_CHARS * 4 + 1], leader[NAME_CHARS * 4 + 1];
	char *note;
};

#define TEAM_COLS "t.id, t.org_id, o.path, o.name, t.name, t.leader, t.note, t.version"
#define TEAM_FROM " FROM volunteer_teams t JOIN orgs o ON o.id = t.org_id "
#define TEAM_PEOPLE_SQL                                                                                       \
	"SELECT tm.member_id, m.name FROM volunteer_team_members tm JOIN members m ON m.id = tm.member_id WHERE " \
	"tm.team_id = ? ORDER BY tm.member_id"

static void read_team(struct stmt *st, struct team *t)
{
	memset(t, 0, sizeof(*t));
	t->id = stmt_int(st, 0);
	t->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, t->org_path, sizeof(t->org_path));
	stmt_text_copy(st, 3, t->org_name, sizeof(t->org_name));
	stmt_text_copy(st, 4, t->name, sizeof(t->name));
	stmt_text_copy(st, 5, t->leader, sizeof(t->leader));
	if (stmt_text(st, 6))
		t->note = xstrdup(stmt_text(st, 6));
	t->version = stmt_int(st, 7);
}

static json_t *team_json(const struct team *t)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "org_id", json_integer(t->org_id));
	json_object_set_new(j, "org_name", json_string(t->org_name));
	json_object_set_new(j, "name", json_string(t->name));
	json_object_set_new(j, "leader", json_str_or_null(t->leader));
	json_object_set_new(j, "note", json_str_or_null(t->note));
	json_object_set_new(j, "version", json_integer(t->version));
	return j;
}

static int load_team(struct ctx *ctx, int64_t id, struct team *t, const char *field)
{
	struct stmt *row;
	int rc;
	memset(t, 0, sizeof(*t));
	if ((rc = listq_row_by_id(ctx, "SELECT " TEAM_COLS TEAM_FROM "WHERE t.id = ?", id, &row)))
		return rc;
	if (row) {
		read_team(row, t);
		stmt_reset(row);
	}
	if (!row || !ctx_path_in_scope(ctx, t->org_path)) {
		free(t->note);
		t->note = NULL;
		/* a team named in an activity's body is a bad value there, not a missing page */
		return err_set(&ctx->err, strcmp(field, "id") ? E_INVALID : E_NOTFOUND, field, NULL, TEAM_NOT_FOUND_MSG);
	}
	return 0;
}

static int team_apply(struct ctx *ctx, json_t *body, struct team *t, int creating, json_t **members)
{
	const char *txt;
	json_t *v;
	struct org o;
	int64_t n;
	int rc, present;
	*members = NULL;
	if (json_object_get(body, "org_id") || creating) {
		if ((rc = body_int_required(ctx, body, "org_id", "所属组织", &n)) || (rc = org_require_in_scope(ctx, n, &o, "org_id")))
			return rc;
		t->org_id = o.id;
		strlcpy_z(t->org_path, o.path, sizeof(t->org_path));
		strlcpy_z(t->org_name, o.name, sizeof(t->org_name));
	}
	if ((rc = field_text(ctx, body, "name", "服务队名称", creating, NAME_CHARS, 0, &txt, &present)))
		return rc;
	if (present && !txt)
		return err_set(&ctx->err, E_INVALID, "name", "field.required", "服务队名称不能为空");
	if (txt)
		strlcpy_z(t->name, txt, sizeof(t->name));
	if ((rc = field_text(ctx, body, "leader", "队长", 0, NAME_CHARS, 0, &txt, &present)))
		return rc;
	if (present)
		strlcpy_z(t->leader, txt ? txt : "", sizeof(t->leader));
	if ((rc = field_text(ctx, body, "note", "备注", 0, NOTE_CHARS, 1, &txt, &present)))
		return rc;
	if (present) {
		free(t->note);
		t->note = txt ? xstrdup(txt) : NULL;
	}
	if ((v = json_object_get(body, "member_ids")) && (rc = parse_member_ids(ctx, v, "member_ids", 0, members)))
		return rc;
	return 0;
}

int volunteer_team_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct team t;
	struct stmt *st;
	json_t *members = NULL, *ja = NULL;
	int rc, step;

	memset(&t, 0, sizeof(t));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = team_apply(ctx, body, &t, 1, &members)) ||
	    (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO volunteer_teams (org_id, name, leader, note, created_by, created_at, updated_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = finish(ctx, NULL, NULL, 0, NULL, NULL, E_DB);
		goto out;
	}
	stmt_bind_int(st, 1, t.org_id);
	stmt_bind_text(st, 2, t.name);
	stmt_bind_text(st, 3, t.leader[0] ? t.leader : NULL);
	stmt_bind_text(st, 4, t.note);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 5, ctx->actor.user_id);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, ctx->now_iso);
	stmt_bind_text(st, 7, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		t.id = stmt_int(st, 0);
	stmt_reset(st);
	rc = step == STEP_ROW ? 0 : ctx_db_fail(ctx);
	if (!rc && members)
		rc = replace_people(ctx, "volunteer_team_members", "team_id", t.id, members);
	t.version = 1;
	ja = team_json(&t);
	if (members)
		json_object_set(ja, "member_ids", members);
	if (!(rc = finish(ctx, "create", "volunteer_team", t.id, NULL, ja, rc)))
		*id = t.id;
out:
	json_decref(ja);
	json_decref(members);
	free(t.note);
	return rc;
}

int volunteer_team_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct team cur, next;
	struct stmt *st;
	json_t *members = NULL, *jb = NULL, *ja = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	memset(&next, 0, sizeof(next));
	if ((rc = require_officer(ctx)) || (rc = load_team(ctx, id, &cur, "id")) ||
	    (rc = field_version_current(ctx, body, cur.version, "志愿服务队")))
		goto out;
	next = cur;
	next.note = cur.note ? xstrdup(cur.note) : NULL;
	if ((rc = team_apply(ctx, body, &next, 0, &members)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE volunteer_teams SET org_id = ?, name = ?, leader = ?, note = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = finish(ctx, NULL, NULL, 0, NULL, NULL, E_DB);
		goto out;
	}
	stmt_bind_int(st, 1, next.org_id);
	stmt_bind_text(st, 2, next.name);
	stmt_bind_text(st, 3, next.leader[0] ? next.leader : NULL);
	stmt_bind_text(st, 4, next.note);
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_int(st, 6, id);
	stmt_bind_int(st, 7, cur.version);
	rc = stmt_run(st, &ctx->err);
	if (!rc && db_changes(ctx->db) != 1)
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该志愿服务队已被他人修改，请刷新后重试");
	if (!rc && members)
		rc = replace_people(ctx, "volunteer_team_members", "team_id", id, members);
	/* the team's activities follow it to its new org */
	if (!rc && next.org_id != cur.org_id) {
		if (!(st = db_prepare(ctx->db, "UPDATE volunteer_activities SET org_id = ? WHERE team_id = ?", &ctx->err))) {
			rc = E_DB;
		} else {
			stmt_bind_int(st, 1, next.org_id);
			stmt_bind_int(st, 2, id);
			rc = stmt_run(st, &ctx->err);
		}
	}
	next.version++;
	jb = team_json(&cur);
	ja = team_json(&next);
	if (members)
		json_object_set(ja, "member_ids", members);
	rc = finish(ctx, "update", "volunteer_team", id, jb, ja, rc);
out:
	json_decref(jb);
	json_decref(ja);
	json_decref(members);
	free(cur.note);
	free(next.note);
	return rc;
}

/* activities and hours of a team, all time */
static int team_totals(struct ctx *ctx, int64_t id, int64_t *acts, int64_t *x10)
{
	struct stmt *st;
	int rc;
	*acts = *x10 = 0;
	if ((rc = listq_row_by_id(ctx,
				  "SELECT count(DISTINCT a.id), COALESCE(sum(CASE WHEN p.member_id IS NULL THEN 0 ELSE a.hours_x10 END), 0) "
				  "FROM volunteer_activities a LEFT JOIN volunteer_participants p ON p.activity_id = a.id WHERE a.team_id = ?",
				  id, &st)))
		return rc;
	if (st) {
		*acts = stmt_int(st, 0);
		*x10 = stmt_int(st, 1);
		stmt_reset(st);
	}
	return 0;
}

int volunteer_team_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct team t;
	json_t *people = NULL;
	int64_t acts = 0, x10 = 0;
	int rc;
	*out = NULL;
	memset(&t, 0, sizeof(t));
	if ((rc = require_officer(ctx)) || (rc = load_team(ctx, id, &t, "id")) ||
	    (rc = people_json(ctx, TEAM_PEOPLE_SQL, id, &people)) || (rc = team_totals(ctx, id, &acts, &x10)))
		goto out;
	*out = team_json(&t);
	json_object_set_new(*out, "members", people);
	json_object_set_new(*out, "activities", json_integer(acts));
	json_object_set_new(*out, "person_hours", hours_json(x10));
	people = NULL;
out:
	json_decref(people);
	free(t.note);
	return rc;
}

static json_t *team_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct team t;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_team(st, &t);
	j = team_json(&t);
	json_object_set_new(j, "member_count", json_integer(stmt_int(st, 8)));
	json_object_set_new(j, "activities", json_integer(stmt_int(st, 9)));
	free(t.note);
	return j;
}

/* Sets the people of every row of a page (people_sql: one '?', the row's id): their names
 * under names_key and, when count_key, their number. After the list statement is done. */
static int attach_people(struct ctx *ctx, json_t *rows, const char *people_sql, const char *count_key,
			 const char *names_key)
{
	json_t *j, *people;
	size_t i;
	int rc = 0;
	json_array_foreach(rows, i, j) {
		people = NULL;
		if ((rc = people_json(ctx, people_sql, json_integer_value(json_object_get(j, "id")), &people)))
			break;
		if (count_key)
			json_object_set_new(j, count_key, json_integer((json_int_t)json_array_size(people)));
		json_object_set_new(j, names_key, names_of(people));
		json_decref(people);
	}
	return rc;
}

/* {items, total} of a list whose rows take their people afterwards */
static int list_with_people(struct ctx *ctx, struct listq *q, const struct listq_sql *sql, int page, int per_page,
			    listq_row_fn row, const char *people_sql, const char *count_key, const char *names_key,
			    json_t **items, int64_t *total)
{
	json_t *arr = NULL;
	int rc;
	if (!(rc = listq_list(ctx, q, sql, page, per_page, row, NULL, &arr, total)) &&
	    !(rc = attach_people(ctx, arr, people_sql, count_key, names_key))) {
		*items = arr;
		arr = NULL;
	}
	json_decref(arr);
	return rc;
}

int volunteer_team_list(struct ctx *ctx, int64_t org_id, const char *q, int page, int per_page, json_t **items,
			int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" TEAM_FROM,
		"SELECT " TEAM_COLS ", (SELECT count(*) FROM volunteer_team_members tm WHERE tm.team_id = t.id), "
		"(SELECT count(*) FROM volunteer_activities a WHERE a.team_id = t.id)" TEAM_FROM,
		" ORDER BY o.path, t.name, t.id",
	};
	struct listq lq;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&lq);
	if (!(rc = require_officer(ctx)) && !(rc = listq_subtree(ctx, &lq, "o.path", org_id))) {
		listq_filter_contains(&lq, "(t.name LIKE ? ESCAPE '\\' OR t.leader LIKE ? ESCAPE '\\')", 2, q);
		rc = list_with_people(ctx, &lq, &sql, page, per_page, team_row, TEAM_PEOPLE_SQL, NULL, "member_names",
				      items, total);
	}
	listq_release(&lq);
	return rc;
}

/* ---- activities ------------------------------------------------------------------ */

struct act {
	int64_t id, team_id, org_id, version;
	char org_path[PATH_MAX_LEN], org_name[128], team_name[NAME_CHARS * 4 + 1];
	char held_on[11], place[401], title[401];
	int hours_x10;
	char *note;
};

#define ACT_COLS                                                                                          \
	"a.id, a.team_id, t.name, a.org_id, o.path, o.name, a.held_on, a.place, a.title, a.hours_x10, a.note, " \
	"a.version"
#define ACT_FROM " FROM volunteer_activities a JOIN volunteer_teams t ON t.id = a.team_id JOIN orgs o ON o.id = a.org_id "
#define ACT_PEOPLE_SQL                                                                                          \
	"SELECT p.member_id, m.name FROM volunteer_participants p JOIN members m ON m.id = p.member_id WHERE " \
	"p.activity_id = ? ORDER BY p.member_id"

static void read_act(struct stmt *st, struct act *a)
{
	memset(a, 0, sizeof(*a));
	a->id = stmt_int(st, 0);
	a->team_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, a->team_name, sizeof(a->team_name));
	a->org_id = stmt_int(st, 3);
	stmt_text_copy(st, 4, a->org_path, sizeof(a->org_path));
	stmt_text_copy(st, 5, a->org_name, sizeof(a->org_name));
	stmt_text_copy(st, 6, a->held_on, sizeof(a->held_on));
	stmt_text_copy(st, 7, a->place, sizeof(a->place));
	stmt_text_copy(st, 8, a->title, sizeof(a->title));
	a->hours_x10 = (int)stmt_int(st, 9);
	if (stmt_text(st, 10))
		a->note = xstrdup(stmt_text(st, 10));
	a->version = stmt_int(st, 11);
}

static json_t *act_json(const struct act *a)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(a->id));
	json_object_set_new(j, "team_id", json_integer(a->team_id));
	json_object_set_new(j, "team_name", json_string(a->team_name));
	json_object_set_new(j, "org_id", json_integer(a->org_id));
	json_object_set_new(j, "org_name", json_string(a->org_name));
	json_object_set_new(j, "held_on", json_string(a->held_on));
	json_object_set_new(j, "place", json_str_or_null(a->place));
	json_object_set_new(j, "title", json_string(a->title));
	json_object_set_new(j, "hours", hours_json(a->hours_x10));
	json_object_set_new(j, "hours_x10", json_integer(a->hours_x10));
	json_object_set_new(j, "note", json_str_or_null(a->note));
	json_object_set_new(j, "version", json_integer(a->version));
	return j;
}

static int load_act(struct ctx *ctx, int64_t id, struct act *a)
{
	struct stmt *row;
	int rc;
	memset(a, 0, sizeof(*a));
	if ((rc = listq_row_by_id(ctx, "SELECT " ACT_COLS ACT_FROM "WHERE a.id = ?", id, &row)))
		return rc;
	if (row) {
		read_act(row, a);
		stmt_reset(row);
	}
	if (!row || !ctx_path_in_scope(ctx, a->org_path)) {
		free(a->note);
		a->note = NULL;
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, ACT_NOT_FOUND_MSG);
	}
	return 0;
}

static int act_apply(struct ctx *ctx, json_t *body, struct act *a, int creating, json_t **people)
{
	const char *txt;
	json_t *v;
	struct date d;
	int64_t n;
	int rc, present;
	*people = NULL;
	if (json_object_get(body, "team_id") || creating) {
		struct team t;
		if ((rc = body_int_required(ctx, body, "team_id", "志愿服务队", &n)) || (rc = load_team(ctx, n, &t, "team_id")))
			return rc;
		a->team_id = t.id;
		a->org_id = t.org_id;
		strlcpy_z(a->org_path, t.org_path, sizeof(a->org_path));
		strlcpy_z(a->org_name, t.org_name, sizeof(a->org_name));
		strlcpy_z(a->team_name, t.name, sizeof(a->team_name));
		free(t.note);
	}
	if ((rc = sv_date(ctx, body, "held_on", "服务日期", creating, a->held_on, NULL)))
		return rc;
	if (!date_parse(a->held_on, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "held_on", "field.date_future", "服务日期不能晚于今天");
	if ((rc = field_text(ctx, body, "title", "服务内容", creating, 100, 0, &txt, &present)))
		return rc;
	if (present && !txt)
		return err_set(&ctx->err, E_INVALID, "title", "field.required", "服务内容不能为空");
	if (txt)
		strlcpy_z(a->title, txt, sizeof(a->title));
	if ((rc = field_text(ctx, body, "place", "服务地点", 0, 100, 0, &txt, &present)))
		return rc;
	if (present)
		strlcpy_z(a->place, txt ? txt : "", sizeof(a->place));
	if ((v = json_object_get(body, "hours")) || creating) {
		if ((rc = volunteer_hours_parse(ctx, v, "hours", &a->hours_x10)))
			return rc;
	}
	if ((rc = field_text(ctx, body, "note", "备注", 0, NOTE_CHARS, 1, &txt, &present)))
		return rc;
	if (present) {
		free(a->note);
		a->note = txt ? xstrdup(txt) : NULL;
	}
	if ((v = json_object_get(body, "member_ids")) || creating) {
		if (!v)
			return err_set(&ctx->err, E_INVALID, "member_ids", "field.required", "至少选择一名参加的党员");
		if ((rc = parse_member_ids(ctx, v, "member_ids", 1, people)))
			return rc;
	}
	return 0;
}

static void bind_act(struct ctx *ctx, struct stmt *st, const struct act *a)
{
	stmt_bind_int(st, 1, a->team_id);
	stmt_bind_int(st, 2, a->org_id);
	stmt_bind_text(st, 3, a->held_on);
	stmt_bind_text(st, 4, a->place[0] ? a->place : NULL);
	stmt_bind_text(st, 5, a->title);
	stmt_bind_int(st, 6, a->hours_x10);
	stmt_bind_text(st, 7, a->note);
	stmt_bind_text(st, 8, ctx->now_iso);
}

int volunteer_activity_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct act a;
	struct stmt *st;
	json_t *people = NULL, *ja = NULL;
	int rc, step;

	memset(&a, 0, sizeof(a));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = act_apply(ctx, body, &a, 1, &people)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO volunteer_activities (team_id, org_id, held_on, place, title, hours_x10, note, updated_at, "
			"created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = finish(ctx, NULL, NULL, 0, NULL, NULL, E_DB);
		goto out;
	}
	bind_act(ctx, st, &a);
	stmt_bind_text(st, 9, ctx->now_iso);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 10, ctx->actor.user_id);
	else
		stmt_bind_null(st, 10);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		a.id = stmt_int(st, 0);
	stmt_reset(st);
	rc = step == STEP_ROW ? 0 : ctx_db_fail(ctx);
	if (!rc)
		rc = replace_people(ctx, "volunteer_participants", "activity_id", a.id, people);
	/* the activity writes its participants' points (points_sync.c) in the same transaction */
	if (!rc)
		rc = points_sync_volunteer_activity(ctx, a.id);
	a.version = 1;
	ja = act_json(&a);
	json_object_set(ja, "member_ids", people);
	if (!(rc = finish(ctx, "create", "volunteer_activity", a.id, NULL, ja, rc)))
		*id = a.id;
out:
	json_decref(ja);
	json_decref(people);
	free(a.note);
	return rc;
}

int volunteer_activity_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct act cur, next;
	struct stmt *st;
	json_t *people = NULL, *jb = NULL, *ja = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	memset(&next, 0, sizeof(next));
	if ((rc = require_officer(ctx)) || (rc = load_act(ctx, id, &cur)) ||
	    (rc = field_version_current(ctx, body, cur.version, "志愿服务活动")))
		goto out;
	next = cur;
	next.note = cur.note ? xstrdup(cur.note) : NULL;
	if ((rc = act_apply(ctx, body, &next, 0, &people)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE volunteer_activities SET team_id = ?, org_id = ?, held_on = ?, place = ?, title = ?, "
			"hours_x10 = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = finish(ctx, NULL, NULL, 0, NULL, NULL, E_DB);
		goto out;
	}
	bind_act(ctx, st, &next);
	stmt_bind_int(st, 9, id);
	stmt_bind_int(st, 10, cur.version);
	rc = stmt_run(st, &ctx->err);
	if (!rc && db_changes(ctx->db) != 1)
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该志愿服务活动已被他人修改，请刷新后重试");
	if (!rc && people)
		rc = replace_people(ctx, "volunteer_participants", "activity_id", id, people);
	if (!rc)
		rc = points_sync_volunteer_activity(ctx, id);
	next.version++;
	jb = act_json(&cur);
	ja = act_json(&next);
	if (people)
		json_object_set(ja, "member_ids", people);
	rc = finish(ctx, "update", "volunteer_activity", id, jb, ja, rc);
out:
	json_decref(jb);
	json_decref(ja);
	json_decref(people);
	free(cur.note);
	free(next.note);
	return rc;
}

int volunteer_activity_delete(struct ctx *ctx, int64_t id)
{
	struct act a;
	struct stmt *st;
	json_t *jb = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = require_officer(ctx)) || (rc = load_act(ctx, id, &a)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	rc = replace_people(ctx, "volunteer_participants", "activity_id", id, NULL);
	if (!rc && !(st = db_prepare(ctx->db, "DELETE FROM volunteer_activities WHERE id = ?", &ctx->err)))
		rc = E_DB;
	if (!rc) {
		stmt_bind_int(st, 1, id);
		rc = stmt_run(st, &ctx->err);
	}
	/* gone: its points are taken back */
	if (!rc)
		rc = points_sync_volunteer_activity(ctx, id);
	jb = act_json(&a);
	rc = finish(ctx, "delete", "volunteer_activity", id, jb, NULL, rc);
out:
	json_decref(jb);
	free(a.note);
	return rc;
}

int volunteer_activity_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct act a;
	json_t *people = NULL;
	int rc;
	*out = NULL;
	memset(&a, 0, sizeof(a));
	if ((rc = require_officer(ctx)) || (rc = load_act(ctx, id, &a)) || (rc = people_json(ctx, ACT_PEOPLE_SQL, id, &people)))
		goto out;
	*out = act_json(&a);
	json_object_set_new(*out, "participant_count", json_integer((json_int_t)json_array_size(people)));
	json_object_set_new(*out, "participants", people);
	people = NULL;
out:
	json_decref(people);
	free(a.note);
	return rc;
}

static int date_filter(struct ctx *ctx, const char *s, const char *field, char out[11])
{
	struct date d;
	if (date_parse(s, &d))
		return err_set(&ctx->err, E_INVALID, field, "field.date", "%s 不是有效日期（格式 YYYY-MM-DD）", field);
	date_format(d, out);
	return 0;
}

static json_t *act_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct act a;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_act(st, &a);
	j = act_json(&a);
	free(a.note);
	return j;
}

int volunteer_activity_list(struct ctx *ctx, const struct volunteer_filter *f, int page, int per_page, json_t **items,
			    int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" ACT_FROM, "SELECT " ACT_COLS ACT_FROM, " ORDER BY a.held_on DESC, a.id DESC",
	};
	struct listq q;
	char from[11] = "", to[11] = "";
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if ((rc = require_officer(ctx)) || (rc = listq_subtree(ctx, &q, "o.path", f->org_id)) ||
	    (f->from && f->from[0] && (rc = date_filter(ctx, f->from, "from", from))) ||
	    (f->to && f->to[0] && (rc = date_filter(ctx, f->to, "to", to))))
		goto out;
	listq_filter_int(&q, "a.team_id = ?", f->team_id);
	listq_filter_text(&q, "a.held_on >= ?", from);
	listq_filter_text(&q, "a.held_on <= ?", to);
	listq_filter_contains(&q, "(a.title LIKE ? ESCAPE '\\' OR a.place LIKE ? ESCAPE '\\')", 2, f->q);
	rc = list_with_people(ctx, &q, &sql, page, per_page, act_row, ACT_PEOPLE_SQL, "participant_count",
			      "participant_names", items, total);
out:
	listq_release(&q);
	return rc;
}

/* ---- hours ----------------------------------------------------------------------- */

#define HOURS_FROM                                                                                         \
	" FROM volunteer_participants p JOIN volunteer_activities a ON a.id = p.activity_id JOIN orgs o ON " \
	"o.id = a.org_id"

static json_t *hours_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	int year = *(const int *)arg;
	json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:I, s:I}", "member_id", (json_int_t)stmt_int(st, 0), "name",
			      stmt_text(st, 1) ? stmt_text(st, 1) : "", "org_name", stmt_text(st, 2) ? stmt_text(st, 2) : "",
			      "year", year, "activities", (json_int_t)stmt_int(st, 3), "hours_x10", (json_int_t)stmt_int(st, 4));
	(void)ctx;
	json_object_set_new(j, "hours", hours_json(stmt_int(st, 4)));
	return j;
}

int volunteer_hours_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
			 int64_t *total)
{
	/* one grouped pass: the members' totals of the year, most hours first */
	static const struct listq_sql sql = {
		"SELECT count(DISTINCT p.member_id)" HOURS_FROM,
		"SELECT h.member_id, m.name, mo.name, h.acts, h.x10 FROM (SELECT p.member_id AS member_id, count(*) AS acts, "
		"sum(a.hours_x10) AS x10" HOURS_FROM,
		" GROUP BY p.member_id) h JOIN members m ON m.id = h.member_id JOIN orgs mo ON mo.id = m.org_id "
		"ORDER BY h.x10 DESC, h.member_id",
	};
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if (!(rc = require_officer(ctx)) && !(rc = listq_subtree(ctx, &q, "o.path", org_id))) {
		listq_where_in_year(&q, "a.held_on", year);
		rc = listq_list(ctx, &q, &sql, page, per_page, hours_row, &year, items, total);
	}
	listq_release(&q);
	return rc;
}

static json_t *member_hours_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	int64_t *x10 = arg;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)stmt_int(st, 0), "held_on",
			      stmt_text(st, 1) ? stmt_text(st, 1) : "", "title", stmt_text(st, 2) ? stmt_text(st, 2) : "",
			      "team_name", stmt_text(st, 3) ? stmt_text(st, 3) : "", "place", json_str_or_null(stmt_text(st, 4)));
	(void)ctx;
	json_object_set_new(j, "hours", hours_json(stmt_int(st, 5)));
	*x10 += stmt_int(st, 5);
	return j;
}

int volunteer_member_hours(struct ctx *ctx, int64_t member_id, int year, json_t **out)
{
	static const struct listq_sql sql = {
		NULL,
		"SELECT a.id, a.held_on, a.title, t.name, a.place, a.hours_x10 FROM volunteer_participants p "
		"JOIN volunteer_activities a ON a.id = p.activity_id JOIN volunteer_teams t ON t.id = a.team_id",
		" ORDER BY a.held_on DESC, a.id DESC",
	};
	struct listq q;
	json_t *arr = NULL;
	int64_t x10 = 0;
	int rc;
	*out = NULL;
	listq_init(&q);
	listq_where_int(&q, "p.member_id = ?", member_id);
	listq_where_in_year(&q, "a.held_on", year);
	if (!(rc = listq_fetch(ctx, &q, &sql, 1, 0, member_hours_row, &x10, &arr))) {
		*out = json_pack("{s:I, s:i, s:I, s:I, s:o}", "member_id", (json_int_t)member_id, "year", year, "hours_x10",
				 (json_int_t)x10, "activities", (json_int_t)json_array_size(arr), "items", arr);
		json_object_set_new(*out, "hours", hours_json(x10));
	}
	listq_release(&q);
	return rc;
}
