/*
 * 冬春轮训 (training.h): one request writes the trainings row and, through
 * meeting_create_in_tx, one 集中学习 meeting per branch in the same transaction, so a
 * refusal in any branch (a bad date, a member who is not on its roster) leaves nothing.
 */
#include "domain/training.h"
#include <inttypes.h>
#include <math.h>
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

#define NOT_FOUND_MSG "轮训记录不存在或不在您的管理范围内"
#define TOPIC_SIZE (MEETING_TOPIC_MAX_CHARS * 4 + 1)
#define SHORT_SIZE (MEETING_SHORT_MAX_CHARS * 4 + 1)

struct branch {
	int64_t id;
	char path[PATH_MAX_LEN];
	char name[128];
	json_t *attendance; /* this branch's share of the body's list (owned) */
};

/* A one-line text of the body: normalized, clean, at most max_chars; "" when absent or null. */
static int body_text(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst, size_t size,
		     size_t max_chars)
{
	json_t *v = json_object_get(body, key);
	const char *s;
	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_string_value(v);
	/* normalizing only shortens; anything longer than size cannot fit max_chars */
	if (strlen(s) >= size)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s超过 %zu 个字", label, max_chars);
	text_normalize(s, dst, size);
	if (!text_is_clean(dst) || utf8_chars(dst) > max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符或超过 %zu 个字", label, max_chars);
	return 0;
}

/* held_on, start_time, end_time: strings here; meeting.c checks their form and order. */
static int body_plain(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst, size_t size)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]))
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (strlcpy_z(dst, json_string_value(v), size))
		return err_set(&ctx->err, E_INVALID, key, "field.format", "%s格式不正确", label);
	return 0;
}

static int parse_hours(struct ctx *ctx, json_t *body, int *hours_x10)
{
	json_t *v = json_object_get(body, "hours");
	double h, tenths;
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "hours", "training.hours", "轮训须填写学时（大于 0）");
	if (!json_is_number(v))
		return err_set(&ctx->err, E_MALFORMED, "hours", NULL, "字段 hours 必须是数字");
	h = json_number_value(v);
	tenths = floor(h * 10 + 0.5);
	if (!(h > 0) || tenths < 1 || tenths > MEETING_MAX_HOURS_X10 || fabs(h * 10 - tenths) > 1e-6)
		return err_set(&ctx->err, E_INVALID, "hours", "training.hours", "学时须大于 0、不超过 %d，最多一位小数",
			       MEETING_MAX_HOURS_X10 / 10);
	*hours_x10 = (int)tenths;
	return 0;
}

/* Each branch once, a 党支部 or 联合党支部 strictly inside the organizer's subtree. */
static int parse_branches(struct ctx *ctx, json_t *list, const struct org *organizer, struct branch **out, size_t *n)
{
	struct branch *b = NULL;
	size_t i, k, alloc = 0, nb = 0;
	size_t plen = strlen(organizer->path);
	char field[40];
	json_t *e;
	int rc = 0;

	if (!list || json_is_null(list) || (json_is_array(list) && !json_array_size(list)))
		return err_set(&ctx->err, E_INVALID, "branches", "training.branches", "轮训须至少有一个参训党支部");
	if (!json_is_array(list))
		return err_set(&ctx->err, E_MALFORMED, "branches", NULL, "branches 必须是党组织 id 的数组");
	if (json_array_size(list) > TRAINING_MAX_BRANCHES)
		return err_set(&ctx->err, E_INVALID, "branches", "training.branches", "一次轮训至多 %d 个党支部",
			       TRAINING_MAX_BRANCHES);
	json_array_foreach(list, i, e) {
		struct org o;
		int64_t id;
		xsnprintf(field, sizeof(field), "branches[%zu]", i);
		if (!json_is_integer(e)) {
			rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是整数", field);
			goto out;
		}
		id = json_integer_value(e);
		for (k = 0; k < nb; k++)
			if (b[k].id == id) {
				rc = err_set(&ctx->err, E_INVALID, field, "training.branches", "参训党支部 %" PRId64 " 重复", id);
				goto out;
			}
		/* outside the actor's scope is outside the organizer's subtree too: one answer for both */
		if (org_get(ctx, id, &o) || strncmp(o.path, organizer->path, plen) || !strcmp(o.path, organizer->path) ||
		    !ctx_path_in_scope(ctx, o.path)) {
			rc = err_set(&ctx->err, E_RULE, field, "training.branch_scope", "党组织 %" PRId64 " 不在%s的下级范围内", id,
				     organizer->name);
			goto out;
		}
		if (!org_kind_is_branch(o.kind)) {
			rc = err_set(&ctx->err, E_RULE, field, "training.branch_scope", "“%s”不是党支部：轮训按党支部记录出勤",
				     o.name);
			goto out;
		}
		ALLOC_GROW(b, nb + 1, alloc);
		memset(&b[nb], 0, sizeof(b[nb]));
		b[nb].id = o.id;
		strlcpy_z(b[nb].path, o.path, sizeof(b[nb].path));
		strlcpy_z(b[nb].name, o.name, sizeof(b[nb].name));
		b[nb].attendance = json_array();
		nb++;
	}
out:
	*out = b;
	*n = nb;
	return rc;
}

/*
 * The body's attendance (exceptions: leave or absent) split by the branch each member
 * belongs to, so each branch meeting gets its own list; a member of none is refused
 * here with the index of the body's list. Status and reason are checked by meeting.c.
 */
static int split_attendance(struct ctx *ctx, json_t *list, struct branch *b, size_t nb)
{
	json_t *e;
	size_t i, k;
	char field[48], path[PATH_MAX_LEN];
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return err_set(&ctx->err, E_MALFORMED, "attendance", NULL, "attendance 必须是数组");
	if (json_array_size(list) > TRAINING_MAX_ATTENDANCE)
		return err_set(&ctx->err, E_INVALID, "attendance", "training.attendance", "出勤名单至多 %d 条",
			       TRAINING_MAX_ATTENDANCE);
	json_array_foreach(list, i, e) {
		struct stmt *st;
		json_t *v;
		int step, found = 0;
		xsnprintf(field, sizeof(field), "attendance[%zu]", i);
		if (!json_is_object(e) || !json_is_integer(v = json_object_get(e, "member_id")))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 须是含整数 member_id 的对象", field);
		if (!(st = db_prepare(ctx->db, "SELECT org_path FROM members WHERE id = ? AND state = 'active'", &ctx->err)))
			return E_DB;
		stmt_bind_int(st, 1, json_integer_value(v));
		path[0] = '\0';
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			stmt_text_copy(st, 0, path, sizeof(path));
		stmt_reset(st);
		if (step < 0)
			return ctx_db_fail(ctx);
		for (k = 0; path[0] && k < nb && !found; k++) {
			if (!strncmp(path, b[k].path, strlen(b[k].path))) {
				json_array_append(b[k].attendance, e);
				found = 1;
			}
		}
		if (!found)
			return err_set(&ctx->err, E_RULE, field, "training.attendee",
				       "党员 %" JSON_INTEGER_FORMAT " 不属于参训的任何党支部", json_integer_value(v));
	}
	return 0;
}

int training_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org organizer;
	struct branch *b = NULL;
	struct stmt *st;
	char topic[TOPIC_SIZE], place[SHORT_SIZE], lecturer[SHORT_SIZE], held_on[16], start[8], end[8];
	json_t *v, *meetings = NULL, *after = NULL;
	size_t nb = 0, i;
	int64_t tid = 0;
	int rc, hours_x10 = 0, step;

	*id = 0;
	if (ctx->actor.role < ROLE_SECRETARY) {
		rc = err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有书记或管理员可以记录轮训");
		goto out;
	}
	v = json_object_get(body, "org_id");
	if (!v || json_is_null(v)) {
		rc = err_set(&ctx->err, E_INVALID, "org_id", "field.required", "组织轮训的党组织不能为空");
		goto out;
	}
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
		goto out;
	}
	if ((rc = org_require_in_scope(ctx, json_integer_value(v), &organizer, "org_id")))
		goto out;
	if (org_kind_is_branch(organizer.kind) || !strcmp(organizer.kind, "group")) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "training.organizer",
			     "轮训由党委、党总支或组织部门组织；党支部的集中学习请记为会议");
		goto out;
	}
	if ((rc = body_text(ctx, body, "topic", "轮训主题", topic, sizeof(topic), MEETING_TOPIC_MAX_CHARS)) ||
	    (rc = body_text(ctx, body, "place", "地点", place, sizeof(place), MEETING_SHORT_MAX_CHARS)) ||
	    (rc = body_text(ctx, body, "lecturer", "授课人", lecturer, sizeof(lecturer), MEETING_SHORT_MAX_CHARS)))
		goto out;
	if (!topic[0]) {
		rc = err_set(&ctx->err, E_INVALID, "topic", "field.required", "轮训主题不能为空");
		goto out;
	}
	if ((rc = body_plain(ctx, body, "held_on", "轮训日期", held_on, sizeof(held_on))) ||
	    (rc = body_plain(ctx, body, "start_time", "开始时间", start, sizeof(start))) ||
	    (rc = body_plain(ctx, body, "end_time", "结束时间", end, sizeof(end))) || (rc = parse_hours(ctx, body, &hours_x10)) ||
	    (rc = parse_branches(ctx, json_object_get(body, "branches"), &organizer, &b, &nb)) ||
	    (rc = split_attendance(ctx, json_object_get(body, "attendance"), b, nb)))
		goto out;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO trainings (org_id, org_path, topic, held_on, start_time, end_time, place, lecturer, hours_x10, "
			"created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, organizer.id);
	stmt_bind_text(st, 2, organizer.path);
	stmt_bind_text(st, 3, topic);
	stmt_bind_text(st, 4, held_on);
	stmt_bind_text(st, 5, start);
	stmt_bind_text(st, 6, end);
	stmt_bind_text(st, 7, place[0] ? place : NULL);
	stmt_bind_text(st, 8, lecturer[0] ? lecturer : NULL);
	stmt_bind_int(st, 9, hours_x10);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 10, ctx->actor.user_id);
	else
		stmt_bind_null(st, 10);
	stmt_bind_text(st, 11, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		tid = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	meetings = json_array();
	for (i = 0; i < nb; i++) {
		int64_t mid = 0;
		json_t *mb = json_pack("{s:s, s:I, s:s, s:s, s:s, s:f, s:s, s:O}", "kind", "study", "org_id",
				       (json_int_t)b[i].id, "held_on", held_on, "start_time", start, "end_time", end, "hours",
				       hours_x10 / 10.0, "topic", topic, "attendance", b[i].attendance);
		if (place[0])
			json_object_set_new(mb, "place", json_string(place));
		if (lecturer[0])
			json_object_set_new(mb, "lecturer", json_string(lecturer));
		rc = meeting_create_in_tx(ctx, mb, tid, &mid);
		json_decref(mb);
		if (rc)
			goto rollback;
		json_array_append_new(meetings, json_pack("{s:I, s:I}", "org_id", (json_int_t)b[i].id, "meeting_id",
							  (json_int_t)mid));
	}
	after = json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:O}", "org_id", (json_int_t)organizer.id, "topic", topic,
			  "held_on", held_on, "start_time", start, "end_time", end, "hours", hours_x10 / 10.0, "meetings",
			  meetings);
	if ((rc = audit_append(ctx, "create", "training", tid, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = tid;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	for (i = 0; i < nb; i++)
		json_decref(b[i].attendance);
	free(b);
	json_decref(meetings);
	json_decref(after);
	return rc;
}

#define TRAINING_COLS                                                                                         \
	"t.id, t.org_id, o.name, t.org_path, t.topic, t.held_on, t.start_time, t.end_time, t.place, t.lecturer, " \
	"t.hours_x10, t.created_at, (SELECT count(*) FROM meetings mt WHERE mt.training_id = t.id)"

static json_t *training_row(struct stmt *st)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "org_name", json_str_or_null(stmt_text(st, 2)));
	json_object_set_new(j, "topic", json_str_or_null(stmt_text(st, 4)));
	json_object_set_new(j, "held_on", json_str_or_null(stmt_text(st, 5)));
	json_object_set_new(j, "start_time", json_str_or_null(stmt_text(st, 6)));
	json_object_set_new(j, "end_time", json_str_or_null(stmt_text(st, 7)));
	json_object_set_new(j, "place", json_str_or_null(stmt_text(st, 8)));
	json_object_set_new(j, "lecturer", json_str_or_null(stmt_text(st, 9)));
	json_object_set_new(j, "hours", json_real(stmt_int(st, 10) / 10.0));
	json_object_set_new(j, "created_at", json_str_or_null(stmt_text(st, 11)));
	json_object_set_new(j, "branch_count", json_integer(stmt_int(st, 12)));
	return j;
}

int training_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st;
	json_t *j = NULL, *branches = NULL;
	int64_t *mids = NULL;
	size_t n = 0, alloc = 0, i;
	char path[PATH_MAX_LEN] = "";
	int rc = 0, step;

	*out = NULL;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	if (!(st = db_prepare(ctx->db, "SELECT " TRAINING_COLS " FROM trainings t JOIN orgs o ON o.id = t.org_id WHERE t.id = ?",
			      &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		j = training_row(st);
		stmt_text_copy(st, 3, path, sizeof(path));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!j || !ctx_path_in_scope(ctx, path)) {
		rc = err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
		goto out;
	}
	/* ids first: meeting_get prepares its own statements */
	if (!(st = db_prepare(ctx->db, "SELECT id FROM meetings WHERE training_id = ? ORDER BY org_id", &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(mids, n + 1, alloc);
		mids[n++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	branches = json_array();
	for (i = 0; i < n; i++) {
		json_t *m = NULL;
		if ((rc = meeting_get(ctx, mids[i], &m)))
			goto out;
		json_array_append_new(branches,
				      json_pack("{s:O, s:O, s:I, s:O, s:O, s:O}", "org_id", json_object_get(m, "org_id"),
						"org_name", json_object_get(m, "org_name"), "meeting_id", (json_int_t)mids[i],
						"version", json_object_get(m, "version"), "counts", json_object_get(m, "counts"),
						"attendance", json_object_get(m, "attendance")));
		json_decref(m);
	}
	json_object_set(j, "branches", branches);
	*out = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(branches);
	free(mids);
	return rc;
}

int training_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char hi[PATH_MAX_LEN], from[11], to[11];
	json_t *arr = NULL;
	int rc, step, n, i;
	const char *vals[4];

	*items = NULL;
	*total = 0;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有书记或管理员可以查看轮训");
	if ((rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	path_range_end(root.path, hi, sizeof(hi));
	xsnprintf(from, sizeof(from), "%04d-01-01", year ? year : 1);
	xsnprintf(to, sizeof(to), "%04d-12-31", year ? year : 9999);
	vals[0] = root.path;
	vals[1] = hi;
	vals[2] = from;
	vals[3] = to;
	n = 4;
	if (!(st = db_prepare(ctx->db, "SELECT count(*) FROM trainings t WHERE t.org_path >= ? AND t.org_path < ? "
				       "AND t.held_on >= ? AND t.held_on <= ?",
			      &ctx->err)))
		return E_DB;
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	strbuf_addf(&sql,
		    "SELECT " TRAINING_COLS " FROM trainings t JOIN orgs o ON o.id = t.org_id WHERE t.org_path >= ? AND "
		    "t.org_path < ? AND t.held_on >= ? AND t.held_on <= ? ORDER BY t.held_on DESC, t.id DESC LIMIT %d OFFSET "
		    "%" PRId64,
		    per_page, (int64_t)(page - 1) * per_page);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(arr, training_row(st));
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&sql);
	return rc;
}
