/*
 * The demo's 目标任务分解 (domain/task.c), called after the other demo steps: every town
 * 党委 decomposes four of this year's goals onto itself and its first branches, with
 * monthly milestones. Milestones of the months already over are done (a few days before
 * the month's end), except one per town left pending so the overdue list and the wall
 * have red cells; a task with every milestone done and its due date passed is completed.
 * Written through the domain functions, so every rule holds; about 12 tasks.
 */
#include "domain/demo.h"
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "domain/task.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_TOWNS 8
#define BRANCHES_PER_TOWN 3

struct demo_task_spec {
	const char *title, *description, *person;
	int unit;            /* 0 = the town itself, k = its k-th branch */
	int due_month;       /* due on this month's last day */
	int months[6];       /* 0-terminated */
	const char *target;  /* "%d月：" + this */
};

static const struct demo_task_spec specs[] = {
	{ "基层党组织标准化规范化建设", "对照“五个基本”标准，逐项补齐阵地、制度、台账短板，年底前全部达标。", "张建华", 1, 12,
	  { 3, 6, 9, 12, 0 }, "完成阶段性达标自查" },
	{ "党员冬春轮训全覆盖", "组织全体党员参加冬春轮训，确保参训率 100%，建立轮训台账。", "李秀英", 0, 3, { 1, 2, 3, 0 },
	  "完成本月轮训班次并登记学时" },
	{ "村级集体经济增收项目", "依托土地流转和光伏项目，推动村集体经济年收入突破 10 万元。", "王志刚", 2, 11,
	  { 2, 5, 8, 11, 0 }, "完成季度收益核算并公开" },
	{ "软弱涣散党组织集中整顿", "查找班子不团结、制度不落实等问题，制定整改清单，限期销号。", "刘海燕", 3, 7,
	  { 4, 5, 6, 7, 0 }, "完成本月整改事项并上报进展" },
};

struct demo_org {
	int64_t id;
	char path[PATH_MAX_LEN];
};

static int load_orgs(struct ctx *ctx, const char *sql, const char *lo, const char *hi, struct demo_org *out, int max,
		     int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (lo) {
		stmt_bind_text(st, 1, lo);
		stmt_bind_text(st, 2, hi);
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < max) {
		out[*n].id = stmt_int(st, 0);
		stmt_text_copy(st, 1, out[*n].path, sizeof(out[*n].path));
		(*n)++;
	}
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static json_t *spec_body(struct ctx *ctx, const struct demo_task_spec *s, int64_t town, int64_t unit)
{
	char due[11], target[256];
	struct date d = { ctx->today.y, s->due_month, date_days_in_month(ctx->today.y, s->due_month) };
	json_t *ms = json_array();
	int i;
	date_format(d, due);
	for (i = 0; s->months[i]; i++) {
		snprintf(target, sizeof(target), "%d月：%s", s->months[i], s->target);
		json_array_append_new(ms, json_pack("{s:i, s:s}", "month", s->months[i], "target", target));
	}
	return json_pack("{s:I, s:i, s:s, s:s, s:I, s:s, s:s, s:o}", "org_id", (json_int_t)town, "year", ctx->today.y,
			 "title", s->title, "description", s->description, "unit_org_id", (json_int_t)unit, "person_name",
			 s->person, "due_on", due, "milestones", ms);
}

/* Marks the months already over as done, but leaves the one `skip` (0 = none) pending. */
static int report_progress(struct ctx *ctx, const struct demo_task_spec *s, int64_t id, int skip, int *all_done)
{
	int i, rc = 0;
	int64_t version = 1;
	*all_done = 1;
	for (i = 0; s->months[i] && !rc; i++) {
		char done_on[11];
		struct date d = { ctx->today.y, s->months[i], date_days_in_month(ctx->today.y, s->months[i]) - 3 };
		json_t *body;
		if (s->months[i] >= ctx->today.m || s->months[i] == skip) {
			*all_done = 0;
			continue;
		}
		date_format(d, done_on);
		body = json_pack("{s:I, s:s, s:s, s:s}", "version", (json_int_t)version, "status", "done", "done_on", done_on,
				 "note", "已按计划完成，台账已归档");
		rc = task_milestone_set(ctx, id, s->months[i], body);
		json_decref(body);
		version++;
	}
	return rc;
}

int demo_tasks(struct ctx *ctx, int *tasks)
{
	struct demo_org towns[MAX_TOWNS], branches[BRANCHES_PER_TOWN];
	int ntowns = 0, nbranches, t, k, rc;
	*tasks = 0;
	if ((rc = load_orgs(ctx, "SELECT id, path FROM orgs WHERE kind = 'committee' AND dissolved_on IS NULL ORDER BY path",
			    NULL, NULL, towns, MAX_TOWNS, &ntowns)))
		return rc;
	for (t = 0; t < ntowns; t++) {
		char hi[PATH_MAX_LEN];
		path_range_end(towns[t].path, hi, sizeof(hi));
		if ((rc = load_orgs(ctx,
				    "SELECT id, path FROM orgs WHERE path >= ? AND path < ? AND kind IN ('branch', 'joint_branch') "
				    "AND dissolved_on IS NULL ORDER BY path",
				    towns[t].path, hi, branches, BRANCHES_PER_TOWN, &nbranches)))
			return rc;
		for (k = 0; k < (int)(sizeof(specs) / sizeof(specs[0])); k++) {
			const struct demo_task_spec *s = &specs[k];
			int64_t unit = s->unit && s->unit <= nbranches ? branches[s->unit - 1].id : towns[t].id, id = 0;
			/* one task per town keeps its first milestone open: the overdue list's entry */
			int skip = k == t % 4 ? s->months[0] : 0, all_done = 0;
			json_t *body = spec_body(ctx, s, towns[t].id, unit);
			rc = task_create(ctx, body, &id);
			json_decref(body);
			if (rc || (rc = report_progress(ctx, s, id, skip, &all_done)))
				return rc;
			(*tasks)++;
			if (all_done && s->due_month < ctx->today.m) {
				json_t *j = NULL;
				if ((rc = task_get(ctx, id, &j)))
					return rc;
				body = json_pack("{s:O}", "version", json_object_get(j, "version"));
				json_decref(j);
				rc = task_complete(ctx, id, body);
				json_decref(body);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}
