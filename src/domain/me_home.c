/* 智慧支部记录本: the member's phone home (domain/me_home.h). */
#include "domain/me_home.h"
#include <stdlib.h>
#include <string.h>
#include "domain/dues.h"
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/notice.h"
#include "domain/points.h"
#include "domain/recruit.h"
#include "domain/task.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int need_record(struct ctx *ctx)
{
	if (!ctx->actor.member_id)
		return err_set(&ctx->err, E_NOTFOUND, NULL, "member.no_record", "该账号未关联党员记录");
	return 0;
}

/* A copy of ctx that reads the whole tree: the branch's parents, the recruitment record
 * (a secretary's object) and its rules lie outside a member's scope; what is read is
 * filtered to the caller's own record before it leaves this file. */
static void widen(const struct ctx *ctx, struct ctx *wide)
{
	*wide = *ctx;
	wide->actor.role = ROLE_SYSADMIN;
	wide->actor.org_id = 0;
	strlcpy_z(wide->actor.org_path, "/", sizeof(wide->actor.org_path));
	err_clear(&wide->err);
}

static int from_wide(struct ctx *ctx, const struct ctx *wide, int rc)
{
	if (rc)
		ctx->err = wide->err;
	return rc;
}

static json_t *num_of(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	return v ? json_deep_copy(v) : json_null();
}

/* {id, name, path:[{id,name}], path_names} of the member's branch, and its secretary */
static int branch_json(struct ctx *ctx, const struct member *m, json_t **branch, json_t **secretary)
{
	struct stmt *st;
	char path[PATH_MAX_LEN];
	struct strbuf names = STRBUF_INIT;
	int64_t sec_id = 0;
	json_t *arr;
	char *p, *save = NULL, *tok;
	int step;

	*branch = *secretary = NULL;
	strlcpy_z(path, m->org_path, sizeof(path));
	arr = json_array();
	for (tok = strtok_r(path, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		int64_t id = strtoll(tok, &p, 10);
		if (*p || id <= 0)
			continue;
		if (!(st = db_prepare(ctx->db, "SELECT name, secretary_member_id FROM orgs WHERE id = ?", &ctx->err))) {
			json_decref(arr);
			strbuf_release(&names);
			return E_DB;
		}
		stmt_bind_int(st, 1, id);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW) {
			json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", stmt_text(st, 0)));
			if (names.len)
				strbuf_addstr(&names, " / ");
			strbuf_addstr(&names, stmt_text(st, 0));
			if (id == m->org_id)
				sec_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
		}
		stmt_reset(st);
		if (step < 0) {
			json_decref(arr);
			strbuf_release(&names);
			return ctx_db_fail(ctx);
		}
	}
	*branch = json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)m->org_id, "name", m->org_name, "path", arr,
			    "path_names", names.len ? names.buf : "");
	strbuf_release(&names);
	if (!sec_id)
		return 0;
	if (!(st = db_prepare(ctx->db, "SELECT name, phone_mask FROM members WHERE id = ? AND state IN ('active', 'transferring')",
			      &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, sec_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*secretary = json_pack("{s:I, s:s, s:o, s:b}", "member_id", (json_int_t)sec_id, "name", stmt_text(st, 0),
				       "phone", json_str_or_null(stmt_text(st, 1)), "is_me", sec_id == m->id);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

/* the newest recruitment record linked to member_id (from step 17 on); 0 if none */
static int my_recruit_id(struct ctx *ctx, int64_t member_id, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT id FROM recruits WHERE member_id = ? ORDER BY id DESC", &ctx->err);
	int step;
	*id = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static int tasks_counts(struct ctx *ctx, int64_t member_id, int64_t *open, int64_t *overdue)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT due_on FROM tasks WHERE person_member_id = ? AND status = 'open'",
				     &ctx->err);
	int step;
	*open = *overdue = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		(*open)++;
		if (task_is_overdue(stmt_text(st, 0), 0, ctx->today))
			(*overdue)++;
	}
	stmt_reset(st);
	return step != STEP_DONE ? ctx_db_fail(ctx) : 0;
}

int me_home(struct ctx *ctx, json_t **out)
{
	struct member m;
	struct ctx wide;
	json_t *j = NULL, *branch = NULL, *sec = NULL, *hours = NULL, *dues = NULL, *items = NULL, *pts = NULL, *x;
	int64_t total = 0, unread = 0, open = 0, overdue = 0, rid = 0;
	int rc;

	*out = NULL;
	if ((rc = need_record(ctx)) || (rc = member_get_self(ctx, &m)))
		return rc;
	widen(ctx, &wide);
	if ((rc = from_wide(ctx, &wide, branch_json(&wide, &m, &branch, &sec))))
		goto out;
	/* the figures of the modules that own them */
	if ((rc = compliance_member_hours(ctx, m.id, ctx->today.y, &hours)) ||
	    (rc = dues_member_year(ctx, 0, ctx->today.y, 1, &dues)) ||
	    (rc = notice_mine(ctx, 1, 1, &items, &total, &unread)) || (rc = tasks_counts(ctx, m.id, &open, &overdue)) ||
	    (rc = my_recruit_id(ctx, m.id, &rid)))
		goto out;
	j = json_object();
	json_object_set_new(j, "member",
			    json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)m.id, "name", m.name, "category",
				      m.category, "category_name", member_category_name(m.category)));
	json_object_set_new(j, "branch", branch);
	json_object_set_new(j, "secretary", sec ? sec : json_null());
	branch = sec = NULL;
	json_object_set_new(j, "year", json_integer(ctx->today.y));
	json_object_set_new(j, "hours", json_pack("{s:o, s:o, s:o}", "hours", num_of(hours, "hours"), "target_hours",
						  num_of(hours, "target_hours"), "met", num_of(hours, "met")));
	x = json_object_get(dues, "current");
	json_object_set_new(j, "dues",
			    json_pack("{s:o, s:o, s:o, s:o}", "monthly_fen",
				      json_is_object(x) ? num_of(x, "monthly_fen") : json_null(), "paid_to",
				      num_of(json_object_get(dues, "member"), "dues_paid_to"), "owed_months",
				      num_of(json_object_get(dues, "arrears"), "months"), "owed_fen",
				      num_of(json_object_get(dues, "arrears"), "fen")));
	json_object_set_new(j, "notices", json_pack("{s:I}", "unread", (json_int_t)unread));
	json_object_set_new(j, "tasks", json_pack("{s:I, s:I}", "open", (json_int_t)open, "overdue", (json_int_t)overdue));
	if (points_enabled_for_actor(ctx)) {
		if ((rc = points_explain(ctx, "member", m.id, NULL, &pts)))
			goto out;
		json_object_set_new(j, "points", json_pack("{s:b, s:o, s:o, s:o}", "enabled", 1, "score", num_of(pts, "score"),
							   "stars", num_of(pts, "stars"), "period", num_of(pts, "period")));
	} else {
		json_object_set_new(j, "points", json_pack("{s:b}", "enabled", 0));
	}
	if (rid) {
		struct recruit r;
		if ((rc = from_wide(ctx, &wide, recruit_load(&wide, rid, &r))))
			goto out;
		json_object_set_new(j, "recruitment",
				    json_pack("{s:I, s:i, s:s?, s:s, s:s?}", "id", (json_int_t)r.id, "stage", r.stage,
					      "stage_name", recruit_stage_name(r.stage), "status", r.status, "probation_end",
					      r.probation_end[0] ? r.probation_end : NULL));
	} else {
		json_object_set_new(j, "recruitment", json_null());
	}
	*out = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(branch);
	json_decref(sec);
	json_decref(hours);
	json_decref(dues);
	json_decref(items);
	json_decref(pts);
	return rc;
}

/* ---- my tasks ----------------------------------------------------------------------- */

static int task_milestones(struct ctx *ctx, json_t *task, int year)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT month, target, status, done_on FROM task_milestones WHERE task_id = ? "
					      "ORDER BY month",
				     &ctx->err);
	json_t *arr;
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, json_integer_value(json_object_get(task, "id")));
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int month = (int)stmt_int(st, 0);
		const char *status = stmt_text(st, 2);
		int done = status && !strcmp(status, "done");
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:o}", "month", month, "target", stmt_text(st, 1),
						     "status", task_cell_code(task_milestone_cell(year, month, done, ctx->today)),
						     "done_on", json_str_or_null(stmt_text(st, 3))));
	}
	stmt_reset(st);
	json_object_set_new(task, "milestones", arr);
	return step != STEP_DONE ? ctx_db_fail(ctx) : 0;
}

int me_tasks(struct ctx *ctx, json_t **out)
{
	struct stmt *st;
	json_t *items, *t;
	int64_t open = 0;
	size_t i;
	int rc, step;

	*out = NULL;
	if ((rc = need_record(ctx)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT t.id, t.title, t.year, o.name, u.name, t.due_on, t.status, t.completed_on, t.description "
			"FROM tasks t JOIN orgs o ON o.id = t.org_id JOIN orgs u ON u.id = t.unit_org_id "
			"WHERE t.person_member_id = ? ORDER BY CASE WHEN t.status = 'open' THEN 0 ELSE 1 END, t.due_on, t.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, ctx->actor.member_id);
	items = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *status = stmt_text(st, 6);
		int completed = status && !strcmp(status, "completed");
		open += !completed;
		json_array_append_new(items,
				      json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id",
						(json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1), "year",
						(int)stmt_int(st, 2), "org_name", stmt_text(st, 3), "unit_name",
						stmt_text(st, 4), "due_on", stmt_text(st, 5), "status", status, "overdue",
						task_is_overdue(stmt_text(st, 5), completed, ctx->today), "completed_on",
						json_str_or_null(stmt_text(st, 7)), "description",
						json_str_or_null(stmt_text(st, 8))));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(items);
		return ctx_db_fail(ctx);
	}
	/* after the scan: one statement open at a time */
	json_array_foreach(items, i, t) {
		if ((rc = task_milestones(ctx, t, (int)json_integer_value(json_object_get(t, "year"))))) {
			json_decref(items);
			return rc;
		}
	}
	*out = json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)json_array_size(items), "open",
			 (json_int_t)open);
	return 0;
}

/* ---- my recruitment timeline ----------------------------------------------------------- */

static void copy_keys(json_t *dst, json_t *src, const char *const *keys)
{
	for (; *keys; keys++)
		json_object_set_new(dst, *keys, num_of(src, *keys));
}

int me_recruitment(struct ctx *ctx, json_t **out)
{
	static const char *const rec_keys[] = { "id", "org_id", "org_name", "name", "stage", "stage_name", "last_step",
						"status", "applied_on", "talked_on", "activist_on", "target_on",
						"branch_meeting_on", "approved_on", "probation_end", "extended_months",
						"full_on", NULL };
	static const char *const step_keys[] = { "step", "name", "done_on", "org_name", "level", NULL };
	static const char *const next_keys[] = { "step", "name", "earliest", "blocked_by", NULL };
	static const char *const due_keys[] = { "kind", "due", "message", NULL };
	struct ctx wide;
	json_t *full = NULL, *rem = NULL, *j, *arr, *e;
	int64_t rid;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = need_record(ctx)) || (rc = my_recruit_id(ctx, ctx->actor.member_id, &rid)))
		return rc;
	if (!rid)
		return err_set(&ctx->err, E_NOTFOUND, NULL, "recruit.none", "您没有发展党员记录（预备党员从上级党委审批起可在此查看）");
	widen(ctx, &wide);
	if ((rc = from_wide(ctx, &wide, recruit_get(&wide, rid, &full))))
		return rc;
	j = json_object();
	copy_keys(j, full, rec_keys);
	arr = json_array();
	json_array_foreach(json_object_get(full, "steps"), i, e) {
		json_t *s = json_object();
		copy_keys(s, e, step_keys);
		json_array_append_new(arr, s);
	}
	json_object_set_new(j, "steps", arr);
	arr = json_array();
	/* what may come next, as the rules computed it for the secretary (recruit_next) */
	if (!strcmp(json_string_value(json_object_get(full, "status")) ? json_string_value(json_object_get(full, "status")) : "",
		    "active")) {
		json_array_foreach(json_object_get(full, "next"), i, e) {
			json_t *s;
			json_int_t n = json_integer_value(json_object_get(e, "step"));
			if (n < 1 || n > 25)
				continue; /* exits and side records (延长, 取消, 不予发展) are the branch's decisions */
			s = json_object();
			copy_keys(s, e, next_keys);
			if (json_is_null(json_object_get(s, "blocked_by")))
				json_object_del(s, "blocked_by");
			json_array_append_new(arr, s);
		}
	}
	json_object_set_new(j, "next", arr);
	/* the deadlines (reminders) of the branch, filtered to this record */
	arr = json_array();
	if ((rc = from_wide(ctx, &wide, recruit_reminders(&wide, json_integer_value(json_object_get(full, "org_id")), &rem)))) {
		json_decref(j);
		json_decref(arr);
		json_decref(full);
		return rc;
	}
	json_array_foreach(rem, i, e) {
		if (json_integer_value(json_object_get(e, "recruit_id")) == rid) {
			json_t *s = json_object();
			copy_keys(s, e, due_keys);
			json_array_append_new(arr, s);
		}
	}
	json_object_set_new(j, "deadlines", arr);
	json_decref(rem);
	json_decref(full);
	*out = j;
	return 0;
}
