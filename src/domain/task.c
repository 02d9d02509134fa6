/*
 * 目标任务分解表 (挂图作战): tasks with monthly milestones (see task.h). Reading and the
 * views (list, overdue, wall) are here with the writes; the pure rules (a milestone's
 * cell, a task's overdue) are exported for the unit tests with an injected today.
 * Every write loads the task inside its transaction and bumps its version with a
 * guarded UPDATE, so a concurrent writer gets 409 store.stale instead of a lost update.
 */
#include "domain/task.h"
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

#define NOT_FOUND_MSG "任务不存在或不在您的管理范围内"
#define MAX_PARAMS 16
#define LIKE_MAX 256

static const struct named cells[] = {
	[TC_NONE] = { "none", "无节点" },
	[TC_PENDING] = { "pending", "推进中" },
	[TC_DONE] = { "done", "已完成" },
	[TC_OVERDUE] = { "overdue", "逾期" },
};

static const struct named statuses[] = {
	{ "open", "推进中" },
	{ "completed", "已完成" },
};

const char *task_cell_code(enum task_cell c)
{
	return named_code_at(cells, NAMED_COUNT(cells), (int)c);
}

static const char *cell_name(enum task_cell c)
{
	return named_name_at(cells, NAMED_COUNT(cells), (int)c);
}

/* overdue only after the month's last day: (year, month) strictly before today's month */
enum task_cell task_milestone_cell(int year, int month, int done, struct date today)
{
	if (done)
		return TC_DONE;
	return year * 100 + month < today.y * 100 + today.m ? TC_OVERDUE : TC_PENDING;
}

int task_is_overdue(const char *due_on, int completed, struct date today)
{
	struct date due;
	if (completed || !due_on || date_parse(due_on, &due))
		return 0;
	return date_cmp(due, today) < 0;
}

int task_days_late(struct date due, struct date today)
{
	int64_t d = date_to_days(today) - date_to_days(due);
	return d > 0 ? (int)d : 0;
}

static int today_ym(const struct ctx *ctx)
{
	return ctx->today.y * 100 + ctx->today.m;
}

/* ---- the record ---------------------------------------------------------------------- */

struct milestone {
	int month;
	char *target, *note;          /* owned */
	int done;
	char done_on[11];
};

struct task {
	int64_t id, org_id, unit_id, member_id;
	char org_path[PATH_MAX_LEN], unit_path[PATH_MAX_LEN];
	char org_name[128], unit_name[128];
	int year;
	char *title, *description, *person, *reopen_reason; /* owned */
	char due_on[11], status[12], completed_on[11];
	int64_t version;
	char created_at[21], updated_at[21];
	struct milestone *m;          /* owned; by month */
	size_t n, alloc;
};

static void milestones_release(struct task *t)
{
	size_t i;
	for (i = 0; i < t->n; i++) {
		free(t->m[i].target);
		free(t->m[i].note);
	}
	free(t->m);
	t->m = NULL;
	t->n = t->alloc = 0;
}

static void task_release(struct task *t)
{
	milestones_release(t);
	free(t->title);
	free(t->description);
	free(t->person);
	free(t->reopen_reason);
	memset(t, 0, sizeof(*t));
}

static char *dup_or_null(const char *s)
{
	return s && s[0] ? xstrdup(s) : NULL;
}

static int is_completed(const struct task *t)
{
	return !strcmp(t->status, "completed");
}

static json_t *milestone_json(const struct task *t, const struct milestone *m, struct date today)
{
	enum task_cell c = task_milestone_cell(t->year, m->month, m->done, today);
	json_t *j = json_object();
	json_object_set_new(j, "month", json_integer(m->month));
	json_object_set_new(j, "target", json_string(m->target ? m->target : ""));
	json_object_set_new(j, "status", json_string(m->done ? "done" : "pending"));
	json_object_set_new(j, "cell", json_string(task_cell_code(c)));
	json_object_set_new(j, "cell_name", json_string(cell_name(c)));
	json_object_set_new(j, "overdue", json_boolean(c == TC_OVERDUE));
	json_object_set_new(j, "done_on", json_str_or_null(m->done_on[0] ? m->done_on : NULL));
	json_object_set_new(j, "note", json_str_or_null(m->note));
	return j;
}

/* The task's head with its progress counts (list rows carry them from the store). */
static json_t *task_head_json(const struct ctx *ctx, const struct task *t, int total, int done, int late)
{
	json_t *j = json_object();
	int overdue = task_is_overdue(t->due_on, is_completed(t), ctx->today);
	char progress[32];
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "org_id", json_integer(t->org_id));
	json_object_set_new(j, "org_name", json_string(t->org_name));
	json_object_set_new(j, "year", json_integer(t->year));
	json_object_set_new(j, "title", json_string(t->title ? t->title : ""));
	json_object_set_new(j, "description", json_str_or_null(t->description));
	json_object_set_new(j, "unit_org_id", json_integer(t->unit_id));
	json_object_set_new(j, "unit_name", json_string(t->unit_name));
	json_object_set_new(j, "person_name", json_string(t->person ? t->person : ""));
	json_object_set_new(j, "person_member_id", t->member_id ? json_integer(t->member_id) : json_null());
	json_object_set_new(j, "due_on", json_string(t->due_on));
	json_object_set_new(j, "status", json_string(t->status));
	json_object_set_new(j, "status_name", json_string(named_name_of(statuses, NAMED_COUNT(statuses), t->status)));
	json_object_set_new(j, "completed_on", json_str_or_null(t->completed_on[0] ? t->completed_on : NULL));
	json_object_set_new(j, "reopen_reason", json_str_or_null(t->reopen_reason));
	json_object_set_new(j, "overdue", json_boolean(overdue));
	json_object_set_new(j, "overdue_name", json_string(overdue ? "是" : "否"));
	json_object_set_new(j, "overdue_milestones", json_integer(late));
	json_object_set_new(j, "progress", json_pack("{s:i, s:i, s:i}", "done", done, "total", total, "percent",
						     total ? done * 100 / total : 0));
	snprintf(progress, sizeof(progress), "%d/%d", done, total);
	json_object_set_new(j, "progress_text", json_string(progress));
	json_object_set_new(j, "version", json_integer(t->version));
	json_object_set_new(j, "created_at", json_str_or_null(t->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(t->updated_at));
	return j;
}

static json_t *task_to_json(const struct ctx *ctx, const struct task *t)
{
	json_t *arr = json_array(), *j;
	int done = 0, late = 0;
	size_t i;
	for (i = 0; i < t->n; i++) {
		done += t->m[i].done;
		late += task_milestone_cell(t->year, t->m[i].month, t->m[i].done, ctx->today) == TC_OVERDUE;
		json_array_append_new(arr, milestone_json(t, &t->m[i], ctx->today));
	}
	j = task_head_json(ctx, t, (int)t->n, done, late);
	json_object_set_new(j, "milestones", arr);
	return j;
}

/* ---- reading ------------------------------------------------------------------------- */

#define TASK_COLS                                                                                          \
	"t.id, t.org_id, o.path, o.name, t.year, t.title, t.description, t.unit_org_id, u.path, u.name, "       \
	"t.person_name, t.person_member_id, t.due_on, t.status, t.completed_on, t.reopen_reason, t.version, " \
	"t.created_at, t.updated_at"
#define TASK_NCOLS 19
#define TASK_FROM " FROM tasks t JOIN orgs o ON o.id = t.org_id JOIN orgs u ON u.id = t.unit_org_id "

static void read_task(struct stmt *st, void *rec)
{
	struct task *t = rec;
	memset(t, 0, sizeof(*t));
	t->id = stmt_int(st, 0);
	t->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, t->org_path, sizeof(t->org_path));
	stmt_text_copy(st, 3, t->org_name, sizeof(t->org_name));
	t->year = (int)stmt_int(st, 4);
	t->title = dup_or_null(stmt_text(st, 5));
	t->description = dup_or_null(stmt_text(st, 6));
	t->unit_id = stmt_int(st, 7);
	stmt_text_copy(st, 8, t->unit_path, sizeof(t->unit_path));
	stmt_text_copy(st, 9, t->unit_name, sizeof(t->unit_name));
	t->person = dup_or_null(stmt_text(st, 10));
	t->member_id = stmt_is_null(st, 11) ? 0 : stmt_int(st, 11);
	stmt_text_copy(st, 12, t->due_on, sizeof(t->due_on));
	stmt_text_copy(st, 13, t->status, sizeof(t->status));
	stmt_text_copy(st, 14, t->completed_on, sizeof(t->completed_on));
	t->reopen_reason = dup_or_null(stmt_text(st, 15));
	t->version = stmt_int(st, 16);
	stmt_text_copy(st, 17, t->created_at, sizeof(t->created_at));
	stmt_text_copy(st, 18, t->updated_at, sizeof(t->updated_at));
}

static void read_milestone(struct stmt *st, int col, struct milestone *m)
{
	const char *s;
	memset(m, 0, sizeof(*m));
	m->month = (int)stmt_int(st, col);
	m->target = dup_or_null(stmt_text(st, col + 1));
	s = stmt_text(st, col + 2);
	m->done = s && !strcmp(s, "done");
	stmt_text_copy(st, col + 3, m->done_on, sizeof(m->done_on));
	m->note = dup_or_null(stmt_text(st, col + 4));
}

static int load_milestones(struct ctx *ctx, struct task *t)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT month, target, status, done_on, note FROM task_milestones WHERE task_id = ? "
				     "ORDER BY month",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, t->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(t->m, t->n + 1, t->alloc);
		read_milestone(st, 0, &t->m[t->n++]);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* readable: the assigning org or the responsible unit lies in the actor's subtree */
static int task_readable(const struct ctx *ctx, const struct task *t)
{
	return ctx_path_in_scope(ctx, t->org_path) || ctx_path_in_scope(ctx, t->unit_path);
}

static int load_task(struct ctx *ctx, int64_t id, struct task *t)
{
	int found, rc;
	if ((rc = listq_load_by_id(ctx, "SELECT " TASK_COLS TASK_FROM "WHERE t.id = ?", id, read_task, t, sizeof(*t),
				   &found)))
		return rc;
	if (!found || !task_readable(ctx, t))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	return load_milestones(ctx, t);
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "task.role", "只有支部书记或管理员可以管理任务分解");
	return 0;
}

/* plan writes belong to the assigning side */
static int require_planner(struct ctx *ctx, const struct task *t)
{
	if (!ctx_path_in_scope(ctx, t->org_path))
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "task.assigner", "只有下达任务的组织（%s）可以修改任务计划",
			       t->org_name);
	return 0;
}

int task_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct task t;
	int rc;
	*out = NULL;
	memset(&t, 0, sizeof(t));
	if (!(rc = require_officer(ctx)) && !(rc = load_task(ctx, id, &t))) {
		*out = task_to_json(ctx, &t);
		json_object_set_new(*out, "can_plan", json_boolean(ctx_path_in_scope(ctx, t.org_path)));
	}
	task_release(&t);
	return rc;
}

/* ---- filtered statements ------------------------------------------------------------- */

struct params {
	int n;
	int is_text[MAX_PARAMS];
	int64_t iv[MAX_PARAMS];
	const char *sv[MAX_PARAMS];
};

static void p_int(struct params *p, int64_t v)
{
	p->is_text[p->n] = 0;
	p->iv[p->n++] = v;
}

static void p_text(struct params *p, const char *s)
{
	p->is_text[p->n] = 1;
	p->sv[p->n++] = s;
}

static struct stmt *p_prepare(struct ctx *ctx, const char *sql, const struct params *p)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int i;
	if (!st)
		return NULL;
	for (i = 0; i < p->n; i++) {
		if (p->is_text[i])
			stmt_bind_text(st, i + 1, p->sv[i]);
		else
			stmt_bind_int(st, i + 1, p->iv[i]);
	}
	return st;
}

struct where {
	struct strbuf sql;
	struct params p;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], like[LIKE_MAX], today[11];
};

/* the LIKE pattern of q as a literal substring */
static void like_pattern(const char *q, char *out, size_t size)
{
	size_t k = 0;
	out[k++] = '%';
	for (; *q && k + 3 < size; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[k++] = '\\';
		out[k++] = *q;
	}
	out[k++] = '%';
	out[k] = '\0';
}

/* WHERE of a filter into w (parameters appended to w->p after any already there). */
static int where_build(struct ctx *ctx, const struct task_filter *f, struct where *w)
{
	struct org root;
	int rc = org_scope_root(ctx, f->org_id, &root);
	if (rc)
		return rc;
	strlcpy_z(w->lo, root.path, sizeof(w->lo));
	path_range_end(w->lo, w->hi, sizeof(w->hi));
	date_format(ctx->today, w->today);
	strbuf_addstr(&w->sql, " WHERE ((o.path >= ? AND o.path < ?) OR (u.path >= ? AND u.path < ?))");
	p_text(&w->p, w->lo);
	p_text(&w->p, w->hi);
	p_text(&w->p, w->lo);
	p_text(&w->p, w->hi);
	if (f->year) {
		strbuf_addstr(&w->sql, " AND t.year = CAST(? AS INTEGER)");
		p_int(&w->p, f->year);
	}
	if (f->unit_id) {
		strbuf_addstr(&w->sql, " AND t.unit_org_id = CAST(? AS BIGINT)");
		p_int(&w->p, f->unit_id);
	}
	if (f->status && f->status[0]) {
		strbuf_addstr(&w->sql, " AND t.status = ?");
		p_text(&w->p, f->status);
	}
	if (f->overdue) {
		strbuf_addstr(&w->sql, " AND t.status = 'open' AND (t.due_on < ? OR EXISTS (SELECT 1 FROM task_milestones mo "
				       "WHERE mo.task_id = t.id AND mo.status = 'pending' AND t.year * 100 + mo.month < "
				       "CAST(? AS INTEGER)))");
		p_text(&w->p, w->today);
		p_int(&w->p, today_ym(ctx));
	}
	if (f->q && f->q[0]) {
		like_pattern(f->q, w->like, sizeof(w->like));
		strbuf_addstr(&w->sql, " AND (t.title LIKE ? ESCAPE '\\' OR t.person_name LIKE ? ESCAPE '\\' OR u.name LIKE ? "
				       "ESCAPE '\\')");
		p_text(&w->p, w->like);
		p_text(&w->p, w->like);
		p_text(&w->p, w->like);
	}
	return 0;
}

static int check_filter(struct ctx *ctx, const struct task_filter *f)
{
	if (f->status && f->status[0] && named_index(statuses, NAMED_COUNT(statuses), f->status) < 0)
		return err_set(&ctx->err, E_MALFORMED, "status", NULL, "status 只能是 open 或 completed");
	return require_officer(ctx);
}

int task_list(struct ctx *ctx, const struct task_filter *f, int page, int per_page, json_t **items, int64_t *total)
{
	struct where w;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	json_t *arr = NULL;
	int rc, step;

	*items = NULL;
	*total = 0;
	memset(&w, 0, sizeof(w));
	strbuf_init(&w.sql, 0);
	if ((rc = check_filter(ctx, f)) || (rc = where_build(ctx, f, &w)))
		goto out;
	strbuf_addf(&sql, "SELECT count(*)" TASK_FROM "%s", w.sql.buf);
	if (!(st = p_prepare(ctx, sql.buf, &w.p))) {
		rc = E_DB;
		goto out;
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	/* the progress counts per row of the page: the select's parameter goes first */
	memmove(&w.p.is_text[1], &w.p.is_text[0], sizeof(int) * (size_t)w.p.n);
	memmove(&w.p.iv[1], &w.p.iv[0], sizeof(int64_t) * (size_t)w.p.n);
	memmove(&w.p.sv[1], &w.p.sv[0], sizeof(const char *) * (size_t)w.p.n);
	w.p.is_text[0] = 0;
	w.p.iv[0] = today_ym(ctx);
	w.p.n++;
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT " TASK_COLS ", (SELECT count(*) FROM task_milestones m WHERE m.task_id = t.id), "
		    "(SELECT count(*) FROM task_milestones m WHERE m.task_id = t.id AND m.status = 'done'), "
		    "(SELECT count(*) FROM task_milestones m WHERE m.task_id = t.id AND m.status = 'pending' AND "
		    "t.year * 100 + m.month < CAST(? AS INTEGER))" TASK_FROM
		    "%s ORDER BY t.year DESC, t.due_on, t.id LIMIT %d OFFSET %" PRId64,
		    w.sql.buf, per_page, (int64_t)(page - 1) * per_page);
	if (!(st = p_prepare(ctx, sql.buf, &w.p))) {
		rc = E_DB;
		goto out;
	}
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct task t;
		read_task(st, &t);
		json_array_append_new(arr, task_head_json(ctx, &t, (int)stmt_int(st, TASK_NCOLS),
							  (int)stmt_int(st, TASK_NCOLS + 1), (int)stmt_int(st, TASK_NCOLS + 2)));
		task_release(&t);
	}
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
	strbuf_release(&w.sql);
	return rc;
}

/* ---- the wall (挂图作战) --------------------------------------------------------------- */

static json_t *wall_row(const struct ctx *ctx, const struct task *t, int *counts)
{
	json_t *cellsj = json_array(), *row;
	int month, done = 0, late = 0;
	size_t i = 0;
	for (month = 1; month <= 12; month++) {
		const struct milestone *m = i < t->n && t->m[i].month == month ? &t->m[i++] : NULL;
		enum task_cell c = m ? task_milestone_cell(t->year, month, m->done, ctx->today) : TC_NONE;
		json_t *cell = json_pack("{s:i, s:s}", "month", month, "status", task_cell_code(c));
		counts[c]++;
		if (m) {
			done += m->done;
			late += c == TC_OVERDUE;
			json_object_set_new(cell, "target", json_string(m->target ? m->target : ""));
			json_object_set_new(cell, "done_on", json_str_or_null(m->done_on[0] ? m->done_on : NULL));
		}
		json_array_append_new(cellsj, cell);
	}
	row = task_head_json(ctx, t, (int)t->n, done, late);
	json_object_set_new(row, "cells", cellsj);
	return row;
}

int task_wall(struct ctx *ctx, const struct task_filter *f, json_t **out)
{
	struct where w;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	struct task cur;
	json_t *rows = json_array();
	int rc, step, counts[4] = { 0 }, ntasks = 0, truncated = 0, overdue_tasks = 0;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	memset(&cur, 0, sizeof(cur));
	strbuf_init(&w.sql, 0);
	if ((rc = check_filter(ctx, f)) || (rc = where_build(ctx, f, &w)))
		goto out;
	strbuf_addf(&sql,
		    "SELECT " TASK_COLS ", m.month, m.target, m.status, m.done_on, m.note" TASK_FROM
		    "LEFT JOIN task_milestones m ON m.task_id = t.id%s ORDER BY o.path, t.due_on, t.id, m.month",
		    w.sql.buf);
	if (!(st = p_prepare(ctx, sql.buf, &w.p))) {
		rc = E_DB;
		goto out;
	}
	/* rows come grouped by task: a task ends when the next one's id shows up */
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (!cur.id || cur.id != stmt_int(st, 0)) {
			if (cur.id) {
				overdue_tasks += task_is_overdue(cur.due_on, is_completed(&cur), ctx->today);
				json_array_append_new(rows, wall_row(ctx, &cur, counts));
				task_release(&cur);
			}
			if (++ntasks > TASK_LIST_MAX) {
				truncated = 1;
				break;
			}
			read_task(st, &cur);
		}
		if (!stmt_is_null(st, TASK_NCOLS)) {
			ALLOC_GROW(cur.m, cur.n + 1, cur.alloc);
			read_milestone(st, TASK_NCOLS, &cur.m[cur.n++]);
		}
	}
	stmt_reset(st);
	if (step < 0) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (cur.id) {
		overdue_tasks += task_is_overdue(cur.due_on, is_completed(&cur), ctx->today);
		json_array_append_new(rows, wall_row(ctx, &cur, counts));
	}
	*out = json_pack("{s:i, s:[iiiiiiiiiiii], s:o, s:b, s:{s:i, s:i, s:i, s:i, s:i}}", "year", f->year, "months", 1, 2,
			 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, "rows", rows, "truncated", truncated, "summary", "tasks",
			 (int)json_array_size(rows), "overdue_tasks", overdue_tasks, "done", counts[TC_DONE], "pending",
			 counts[TC_PENDING], "overdue", counts[TC_OVERDUE]);
	rows = NULL;
out:
	json_decref(rows);
	task_release(&cur);
	strbuf_release(&sql);
	strbuf_release(&w.sql);
	return rc;
}

/* ---- overdue items (reminders) -------------------------------------------------------- */

struct late_item {
	json_t *j;
	int days, month;
	int64_t task_id;
};

static int late_cmp(const void *a, const void *b)
{
	const struct late_item *x = a, *y = b;
	if (x->days != y->days)
		return x->days > y->days ? -1 : 1;
	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	return x->month - y->month;
}

static json_t *late_json(const struct task *t, const char *kind, int month, const char *target, struct date due,
			 int days)
{
	char due_s[11];
	json_t *j = json_object();
	date_format(due, due_s);
	json_object_set_new(j, "kind", json_string(kind));
	json_object_set_new(j, "kind_name", json_string(month ? "月度节点" : "任务"));
	json_object_set_new(j, "task_id", json_integer(t->id));
	json_object_set_new(j, "title", json_string(t->title ? t->title : ""));
	json_object_set_new(j, "org_name", json_string(t->org_name));
	json_object_set_new(j, "unit_org_id", json_integer(t->unit_id));
	json_object_set_new(j, "unit_name", json_string(t->unit_name));
	json_object_set_new(j, "person_name", json_string(t->person ? t->person : ""));
	json_object_set_new(j, "person_member_id", t->member_id ? json_integer(t->member_id) : json_null());
	json_object_set_new(j, "month", month ? json_integer(month) : json_null());
	json_object_set_new(j, "target", json_str_or_null(target));
	json_object_set_new(j, "due_on", json_string(due_s));
	json_object_set_new(j, "days_late", json_integer(days));
	return j;
}

/* Appends the rows of one overdue query (milestone columns after the task's when with_month). */
static int collect_late(struct ctx *ctx, const char *sql, const struct params *p, int with_month,
			struct late_item **v, size_t *n, size_t *alloc)
{
	struct stmt *st = p_prepare(ctx, sql, p);
	int step;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < TASK_LIST_MAX) {
		struct task t;
		struct date due;
		int month = with_month ? (int)stmt_int(st, TASK_NCOLS) : 0;
		read_task(st, &t);
		if (month) {
			due.y = t.year;
			due.m = month;
			due.d = date_days_in_month(t.year, month);
		} else if (date_parse(t.due_on, &due)) {
			task_release(&t);
			continue;
		}
		ALLOC_GROW(*v, *n + 1, *alloc);
		(*v)[*n].days = task_days_late(due, ctx->today);
		(*v)[*n].month = month;
		(*v)[*n].task_id = t.id;
		(*v)[*n].j = late_json(&t, month ? "milestone" : "task", month, with_month ? stmt_text(st, TASK_NCOLS + 1) : NULL,
				       due, (*v)[*n].days);
		(*n)++;
		task_release(&t);
	}
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

int task_overdue_list(struct ctx *ctx, int64_t org_id, json_t **items)
{
	struct task_filter f;
	struct where w;
	struct strbuf sql = STRBUF_INIT;
	struct late_item *v = NULL;
	size_t n = 0, alloc = 0, i;
	int rc;

	*items = NULL;
	memset(&f, 0, sizeof(f));
	memset(&w, 0, sizeof(w));
	strbuf_init(&w.sql, 0);
	f.org_id = org_id;
	if ((rc = check_filter(ctx, &f)) || (rc = where_build(ctx, &f, &w)))
		goto out;
	strbuf_addf(&sql, "SELECT " TASK_COLS TASK_FROM "%s AND t.status = 'open' AND t.due_on < ?", w.sql.buf);
	p_text(&w.p, w.today);
	if ((rc = collect_late(ctx, sql.buf, &w.p, 0, &v, &n, &alloc)))
		goto out;
	w.p.n--;
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT " TASK_COLS ", m.month, m.target" TASK_FROM
		    "JOIN task_milestones m ON m.task_id = t.id%s AND t.status = 'open' AND m.status = 'pending' AND "
		    "t.year * 100 + m.month < CAST(? AS INTEGER)",
		    w.sql.buf);
	p_int(&w.p, today_ym(ctx));
	if ((rc = collect_late(ctx, sql.buf, &w.p, 1, &v, &n, &alloc)))
		goto out;
	if (n) /* qsort(NULL, 0, …) is undefined */
		qsort(v, n, sizeof(*v), late_cmp);
	*items = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(*items, v[i].j);
		v[i].j = NULL;
	}
out:
	for (i = 0; i < n; i++)
		json_decref(v[i].j);
	free(v);
	strbuf_release(&sql);
	strbuf_release(&w.sql);
	return rc;
}

/* ---- parsing a body ------------------------------------------------------------------ */

/*
 * A text field: absent leaves *dst; null or "" clears it (an error when required);
 * single-line fields refuse line breaks. Valid UTF-8 of at most max characters.
 */
static int text_field(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max, int multiline,
		      int required, char **dst)
{
	json_t *v = json_object_get(body, key);
	const unsigned char *p;
	const char *s;
	if (!v)
		goto check;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_is_null(v) ? "" : json_string_value(v);
	if (strlen(s) > max * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label, max);
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	/* a value of spaces only says nothing */
	while (*s == ' ')
		s++;
	free(*dst);
	*dst = s[0] ? xstrdup(s) : NULL;
check:
	if (required && !*dst)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

/* an optional date field: absent leaves dst; null or "" clears it */
static int date_field(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst)
{
	json_t *v = json_object_get(body, key);
	struct date d;
	if (!v)
		return 0;
	if (json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0])) {
		dst[0] = '\0';
		return 0;
	}
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（YYYY-MM-DD）", label);
	date_format(d, dst);
	return 0;
}

/* a date not after today (completion, milestone done) */
static int not_future(struct ctx *ctx, const char *key, const char *label, const char *s)
{
	struct date d;
	if (!date_parse(s, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, key, "field.future", "%s不能晚于今天", label);
	return 0;
}

/* milestones: [{month, target}] with months 1..12 once each; sorted by month into t */
static int parse_milestones(struct ctx *ctx, json_t *arr, struct task *t)
{
	static const char *const keys[] = { "month", "target", NULL };
	struct milestone fresh[12];
	int used[13] = { 0 }, month, nfresh = 0, rc = 0;
	size_t i;
	json_t *item;
	if (!json_is_array(arr))
		return err_set(&ctx->err, E_MALFORMED, "milestones", NULL, "milestones 必须是数组");
	if (json_array_size(arr) > 12)
		return err_set(&ctx->err, E_INVALID, "milestones", "task.milestone_month", "每月最多一个节点，最多 12 个");
	memset(fresh, 0, sizeof(fresh));
	json_array_foreach(arr, i, item) {
		const char *key;
		json_t *x;
		if (!json_is_object(item)) {
			rc = err_set(&ctx->err, E_MALFORMED, "milestones", NULL, "milestones 的每一项必须是对象 {month, target}");
			goto out;
		}
		json_object_foreach(item, key, x) {
			int k, known = 0;
			for (k = 0; keys[k]; k++)
				known |= !strcmp(keys[k], key);
			if (!known) {
				rc = err_set(&ctx->err, E_MALFORMED, "milestones", NULL, "milestones 含有未知字段 %s", key);
				goto out;
			}
		}
		x = json_object_get(item, "month");
		if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 12) {
			rc = err_set(&ctx->err, E_INVALID, "milestones", "task.milestone_month", "第 %zu 个节点的月份须在 1 至 12 之间",
				     i + 1);
			goto out;
		}
		month = (int)json_integer_value(x);
		if (used[month]++) {
			rc = err_set(&ctx->err, E_INVALID, "milestones", "task.milestone_month", "%d 月的节点重复，每月只能有一个节点",
				     month);
			goto out;
		}
		fresh[nfresh].month = month;
		if ((rc = text_field(ctx, item, "target", "节点目标", TASK_TITLE_MAX_CHARS, 0, 1, &fresh[nfresh].target))) {
			nfresh++;
			strlcpy_z(ctx->err.field, "milestones", sizeof(ctx->err.field));
			goto out;
		}
		nfresh++;
	}
	/* months kept keep their status, done date and note */
	for (month = 1; month <= 12; month++) {
		struct milestone *m = NULL;
		int k;
		for (k = 0; k < nfresh; k++)
			if (fresh[k].month == month)
				m = &fresh[k];
		if (!m)
			continue;
		for (i = 0; i < t->n; i++)
			if (t->m[i].month == month) {
				m->done = t->m[i].done;
				memcpy(m->done_on, t->m[i].done_on, sizeof(m->done_on));
				m->note = t->m[i].note;
				t->m[i].note = NULL;
			}
	}
	milestones_release(t);
	for (month = 1; month <= 12; month++) {
		int k;
		for (k = 0; k < nfresh; k++)
			if (fresh[k].month == month) {
				ALLOC_GROW(t->m, t->n + 1, t->alloc);
				t->m[t->n++] = fresh[k];
				fresh[k].target = fresh[k].note = NULL;
			}
	}
out:
	for (month = 0; month < nfresh; month++) {
		free(fresh[month].target);
		free(fresh[month].note);
	}
	return rc;
}

/* person_member_id: a member in the assigning org's subtree; fills the name when none is given */
static int check_member(struct ctx *ctx, struct task *t)
{
	struct stmt *st;
	char path[PATH_MAX_LEN] = "", name[96] = "";
	int step;
	if (!t->member_id)
		return 0;
	if (!(st = db_prepare(ctx->db, "SELECT name, org_path FROM members WHERE id = ?", &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, t->member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, name, sizeof(name));
		stmt_text_copy(st, 1, path, sizeof(path));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW || strncmp(path, t->org_path, strlen(t->org_path)) || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_INVALID, "person_member_id", "task.person",
			       "责任人须是%s所属的党员", t->org_name);
	if (!t->person)
		t->person = xstrdup(name);
	return 0;
}

/* the due date falls in or after the task's year, and no milestone lies after the due date's month */
static int check_dates(struct ctx *ctx, const struct task *t)
{
	struct date due;
	if (date_parse(t->due_on, &due))
		return err_set(&ctx->err, E_INVALID, "due_on", "field.date", "完成时限不是有效日期（YYYY-MM-DD）");
	if (due.y < t->year)
		return err_set(&ctx->err, E_INVALID, "due_on", "task.due_on", "完成时限不能早于 %d 年", t->year);
	if (t->n && t->year * 100 + t->m[t->n - 1].month > due.y * 100 + due.m)
		return err_set(&ctx->err, E_INVALID, "milestones", "task.milestone_after_due",
			       "%d 月的节点晚于完成时限 %s", t->m[t->n - 1].month, t->due_on);
	return 0;
}

/* the plan's fields of body into t (create: everything required; update: what is present) */
static int parse_plan(struct ctx *ctx, json_t *body, struct task *t, int creating)
{
	json_t *v;
	struct org unit;
	int rc;
	if ((rc = text_field(ctx, body, "title", "任务名称", TASK_TITLE_MAX_CHARS, 0, 1, &t->title)) ||
	    (rc = text_field(ctx, body, "description", "任务内容", TASK_TEXT_MAX_CHARS, 1, 0, &t->description)) ||
	    (rc = text_field(ctx, body, "person_name", "责任人", TASK_PERSON_MAX_CHARS, 0, 0, &t->person)) ||
	    (rc = date_field(ctx, body, "due_on", "完成时限", t->due_on)))
		return rc;
	if (!t->due_on[0])
		return err_set(&ctx->err, E_INVALID, "due_on", "field.required", "完成时限不能为空");
	if ((v = json_object_get(body, "unit_org_id")) || creating) {
		if ((rc = body_int_required(ctx, body, "unit_org_id", "责任单位", &t->unit_id)) ||
		    (rc = org_require_in_scope(ctx, t->unit_id, &unit, "unit_org_id")))
			return rc;
		if (strncmp(unit.path, t->org_path, strlen(t->org_path)))
			return err_set(&ctx->err, E_INVALID, "unit_org_id", "task.unit", "责任单位须是%s或其下属组织",
				       t->org_name);
		strlcpy_z(t->unit_path, unit.path, sizeof(t->unit_path));
		strlcpy_z(t->unit_name, unit.name, sizeof(t->unit_name));
	}
	if ((v = json_object_get(body, "person_member_id"))) {
		if (!json_is_null(v) && !json_is_integer(v))
			return err_set(&ctx->err, E_MALFORMED, "person_member_id", NULL, "字段 person_member_id 必须是整数");
		t->member_id = json_is_null(v) ? 0 : json_integer_value(v);
		if ((rc = check_member(ctx, t)))
			return rc;
	}
	if (!t->person)
		return err_set(&ctx->err, E_INVALID, "person_name", "field.required", "责任人不能为空");
	if ((v = json_object_get(body, "milestones")) && !json_is_null(v) && (rc = parse_milestones(ctx, v, t)))
		return rc;
	return check_dates(ctx, t);
}

/* ---- writing ------------------------------------------------------------------------- */

static int write_milestones(struct ctx *ctx, const struct task *t)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM task_milestones WHERE task_id = ?", &ctx->err);
	size_t i;
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, t->id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	for (i = 0; i < t->n; i++) {
		const struct milestone *m = &t->m[i];
		st = db_prepare(ctx->db,
				"INSERT INTO task_milestones (task_id, month, target, status, done_on, note) VALUES (?, ?, ?, ?, ?, ?)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, t->id);
		stmt_bind_int(st, 2, m->month);
		stmt_bind_text(st, 3, m->target);
		stmt_bind_text(st, 4, m->done ? "done" : "pending");
		stmt_bind_text(st, 5, m->done_on[0] ? m->done_on : NULL);
		stmt_bind_text(st, 6, m->note);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

/* the task's row from t, guarded by its version (which then moves on) */
static int write_task(struct ctx *ctx, struct task *t)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE tasks SET title = ?, description = ?, unit_org_id = ?, person_name = ?, "
				     "person_member_id = ?, due_on = ?, status = ?, completed_on = ?, reopen_reason = ?, "
				     "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, t->title);
	stmt_bind_text(st, 2, t->description);
	stmt_bind_int(st, 3, t->unit_id);
	stmt_bind_text(st, 4, t->person);
	if (t->member_id)
		stmt_bind_int(st, 5, t->member_id);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, t->due_on);
	stmt_bind_text(st, 7, t->status);
	stmt_bind_text(st, 8, t->completed_on[0] ? t->completed_on : NULL);
	stmt_bind_text(st, 9, t->reopen_reason);
	stmt_bind_text(st, 10, ctx->now_iso);
	stmt_bind_int(st, 11, t->id);
	stmt_bind_int(st, 12, t->version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该任务已被他人修改，请刷新后重试");
	t->version++;
	strlcpy_z(t->updated_at, ctx->now_iso, sizeof(t->updated_at));
	return 0;
}

static int check_year(struct ctx *ctx, int64_t year)
{
	if (year < 2000 || year > 2100)
		return err_set(&ctx->err, E_INVALID, "year", "task.year", "年度须在 2000 至 2100 之间");
	return 0;
}

int task_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct task t;
	struct org o;
	struct stmt *st;
	json_t *after = NULL;
	int64_t org_id, year;
	int rc, step;

	*id = 0;
	memset(&t, 0, sizeof(t));
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "下达任务的组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = body_int_required(ctx, body, "year", "年度", &year)) || (rc = check_year(ctx, year)))
		goto out;
	t.org_id = o.id;
	t.year = (int)year;
	strlcpy_z(t.org_path, o.path, sizeof(t.org_path));
	strlcpy_z(t.org_name, o.name, sizeof(t.org_name));
	strlcpy_z(t.status, "open", sizeof(t.status));
	if ((rc = parse_plan(ctx, body, &t, 1)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO tasks (org_id, year, title, description, unit_org_id, person_name, person_member_id, "
			"due_on, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, t.org_id);
	stmt_bind_int(st, 2, t.year);
	stmt_bind_text(st, 3, t.title);
	stmt_bind_text(st, 4, t.description);
	stmt_bind_int(st, 5, t.unit_id);
	stmt_bind_text(st, 6, t.person);
	if (t.member_id)
		stmt_bind_int(st, 7, t.member_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, t.due_on);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 9, ctx->actor.user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_text(st, 10, ctx->now_iso);
	stmt_bind_text(st, 11, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		t.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	t.version = 1;
	strlcpy_z(t.created_at, ctx->now_iso, sizeof(t.created_at));
	strlcpy_z(t.updated_at, ctx->now_iso, sizeof(t.updated_at));
	if ((rc = write_milestones(ctx, &t)))
		goto rollback;
	after = task_to_json(ctx, &t);
	if ((rc = audit_append(ctx, "create", "task", t.id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = t.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(after);
	task_release(&t);
	return rc;
}

/* Opens the write: begins, loads the task, checks the version the caller saw. */
static int begin_write(struct ctx *ctx, int64_t id, json_t *body, struct task *t, json_t **before)
{
	int64_t version;
	int rc;
	*before = NULL;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "version", "版本号", &version)) ||
	    (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = load_task(ctx, id, t)))
		goto fail;
	if (t->version != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该任务已被他人修改，请刷新后重试");
		goto fail;
	}
	*before = task_to_json(ctx, t);
	return 0;
fail:
	db_rollback(ctx->db);
	task_release(t);
	return rc;
}

/* Finishes the write begun by begin_write: row, milestones when asked, audit, commit (or rollback). */
static int end_write(struct ctx *ctx, struct task *t, int milestones, const char *action, json_t *before, int rc)
{
	json_t *after = NULL;
	/* a completion writes the responsible member's (or branch's) points, a reopening takes
	 * them back (points_sync.c), in this transaction */
	if (!rc && !(rc = write_task(ctx, t)) && !(rc = milestones ? write_milestones(ctx, t) : 0) &&
	    !(rc = points_sync_task(ctx, t->id))) {
		after = task_to_json(ctx, t);
		if (!(rc = audit_append(ctx, action, "task", t->id, before, after)))
			rc = db_commit(ctx->db, &ctx->err);
	}
	if (rc)
		db_rollback(ctx->db);
	json_decref(after);
	json_decref(before);
	task_release(t);
	return rc;
}

static int require_open(struct ctx *ctx, const struct task *t, const char *what)
{
	if (is_completed(t))
		return err_set(&ctx->err, E_CONFLICT, "status", "task.status", "任务已完成，%s前请先重新打开", what);
	return 0;
}

int task_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct task t;
	json_t *before;
	int rc;
	memset(&t, 0, sizeof(t));
	if ((rc = begin_write(ctx, id, body, &t, &before)))
		return rc;
	if (!(rc = require_planner(ctx, &t)) && !(rc = require_open(ctx, &t, "修改")))
		rc = parse_plan(ctx, body, &t, 0);
	return end_write(ctx, &t, json_object_get(body, "milestones") != NULL, "update", before, rc);
}

int task_milestone_set(struct ctx *ctx, int64_t id, int month, json_t *body)
{
	struct task t;
	struct milestone *m = NULL;
	json_t *before;
	const char *status = NULL;
	size_t i;
	int rc;
	memset(&t, 0, sizeof(t));
	if ((rc = begin_write(ctx, id, body, &t, &before)))
		return rc;
	for (i = 0; i < t.n; i++)
		if (t.m[i].month == month)
			m = &t.m[i];
	if (!m)
		rc = err_set(&ctx->err, E_NOTFOUND, "month", NULL, "该任务 %d 月没有节点", month);
	else if (!(rc = require_open(ctx, &t, "登记节点")) && !(rc = body_str_optional(ctx, body, "status", &status))) {
		if (!status || (strcmp(status, "done") && strcmp(status, "pending")))
			rc = err_set(&ctx->err, E_INVALID, "status", "field.required", "节点状态须为 done（已完成）或 pending（未完成）");
		else if (!(rc = date_field(ctx, body, "done_on", "完成日期", m->done_on)) &&
			 !(rc = text_field(ctx, body, "note", "完成情况", TASK_TEXT_MAX_CHARS, 1, 0, &m->note))) {
			m->done = !strcmp(status, "done");
			if (!m->done)
				m->done_on[0] = '\0';
			else if (!m->done_on[0])
				date_format(ctx->today, m->done_on);
			if (m->done)
				rc = not_future(ctx, "done_on", "完成日期", m->done_on);
		}
	}
	return end_write(ctx, &t, 1, "milestone", before, rc);
}

int task_complete(struct ctx *ctx, int64_t id, json_t *body)
{
	struct task t;
	json_t *before;
	char months[64] = "";
	size_t i, used = 0;
	int rc, pending = 0;
	memset(&t, 0, sizeof(t));
	if ((rc = begin_write(ctx, id, body, &t, &before)))
		return rc;
	if ((rc = require_planner(ctx, &t)) || (rc = require_open(ctx, &t, "再次完成")))
		goto out;
	for (i = 0; i < t.n; i++) {
		if (t.m[i].done)
			continue;
		pending++;
		if (used + 8 < sizeof(months))
			used += (size_t)snprintf(months + used, sizeof(months) - used, "%s%d月", used ? "、" : "",
						 t.m[i].month);
	}
	if (pending) {
		rc = err_set(&ctx->err, E_CONFLICT, "milestones", "task.milestones",
			     "还有 %d 个月度节点未完成（%s），全部完成后才能标记任务完成", pending, months);
		goto out;
	}
	if ((rc = date_field(ctx, body, "completed_on", "完成日期", t.completed_on)))
		goto out;
	if (!t.completed_on[0])
		date_format(ctx->today, t.completed_on);
	if ((rc = not_future(ctx, "completed_on", "完成日期", t.completed_on)))
		goto out;
	strlcpy_z(t.status, "completed", sizeof(t.status));
out:
	return end_write(ctx, &t, 0, "complete", before, rc);
}

int task_reopen(struct ctx *ctx, int64_t id, json_t *body)
{
	struct task t;
	json_t *before;
	char *reason = NULL;
	int rc;
	memset(&t, 0, sizeof(t));
	if ((rc = begin_write(ctx, id, body, &t, &before)))
		return rc;
	if (!(rc = require_planner(ctx, &t)) && !is_completed(&t))
		rc = err_set(&ctx->err, E_CONFLICT, "status", "task.status", "任务尚未完成，无需重新打开");
	if (!rc && !(rc = text_field(ctx, body, "reason", "重新打开的原因", TASK_TEXT_MAX_CHARS, 1, 0, &reason)) && !reason)
		rc = err_set(&ctx->err, E_INVALID, "reason", "task.reopen_reason", "重新打开任务须说明原因");
	if (!rc) {
		free(t.reopen_reason);
		t.reopen_reason = reason;
		reason = NULL;
		strlcpy_z(t.status, "open", sizeof(t.status));
		t.completed_on[0] = '\0';
	}
	free(reason);
	return end_write(ctx, &t, 0, "reopen", before, rc);
}

int task_delete(struct ctx *ctx, int64_t id, json_t *body)
{
	static const char *const sql[] = { "DELETE FROM task_milestones WHERE task_id = ?", "DELETE FROM tasks WHERE id = ?" };
	struct task t;
	json_t *before;
	size_t i;
	int rc, k;
	memset(&t, 0, sizeof(t));
	if ((rc = begin_write(ctx, id, body, &t, &before)))
		return rc;
	if ((rc = require_planner(ctx, &t)))
		goto out;
	/* progress already reported is a record: a task with any done milestone stays */
	for (i = 0; i < t.n && !rc; i++)
		if (t.m[i].done)
			rc = err_set(&ctx->err, E_CONFLICT, "id", "task.has_progress", "任务已有完成的节点，不能删除");
	for (k = 0; k < 2 && !rc; k++) {
		struct stmt *st = db_prepare(ctx->db, sql[k], &ctx->err);
		if (!st) {
			rc = E_DB;
			break;
		}
		stmt_bind_int(st, 1, t.id);
		rc = stmt_run(st, &ctx->err);
	}
	if (!rc && !(rc = points_sync_task(ctx, t.id)) && !(rc = audit_append(ctx, "delete", "task", t.id, before, NULL)))
		rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(before);
	task_release(&t);
	return rc;
}
