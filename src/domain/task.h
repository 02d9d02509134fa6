#ifndef TASK_H
#define TASK_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 目标任务分解表 (挂图作战, issue 6): an org (the assigning committee) decomposes its year's
 * goals into tasks, each with a responsible unit in its subtree and a responsible person,
 * a due date and monthly milestones (at most one per month of the task's year). Progress
 * is done milestones / all. A milestone is overdue once the last day of its month has
 * passed (Beijing time) and it is not done; a task is overdue once its due date has
 * passed and it is not completed. Completing needs every milestone done (409
 * task.milestones); reopening needs a reason.
 *
 * Reads: tasks whose assigning org or responsible unit lies in the actor's subtree
 * (a branch sees what the town assigned to it). Plan writes (create, edit, complete,
 * reopen) need the assigning org in scope; marking milestones needs either side.
 * Every JSON out-parameter is owned by the caller; writes are audited (entity "task").
 */
#define TASK_TITLE_MAX_CHARS 200
#define TASK_TEXT_MAX_CHARS 2000
#define TASK_PERSON_MAX_CHARS 60
#define TASK_LIST_MAX 10000      /* an export's rows; the wall's tasks */

enum task_cell { TC_NONE, TC_PENDING, TC_DONE, TC_OVERDUE };
const char *task_cell_code(enum task_cell c);   /* "none" | "pending" | "done" | "overdue" */
/* A milestone of year-month seen on today: done, pending until its month's last day, then overdue. */
enum task_cell task_milestone_cell(int year, int month, int done, struct date today);
/* 1 if a task due on due_on (YYYY-MM-DD) and not completed is overdue on today */
int task_is_overdue(const char *due_on, int completed, struct date today);
/* days from due (a date) to today, 0 if not after */
int task_days_late(struct date due, struct date today);

struct task_filter {
	int64_t org_id;   /* subtree root; 0 = the actor's scope */
	int year;         /* 0 = any */
	int64_t unit_id;  /* 0 = any: the responsible unit exactly */
	const char *status; /* NULL | "open" | "completed" */
	int overdue;      /* 1: open tasks past due or with an overdue milestone */
	const char *q;    /* title, responsible person or unit name contains */
};

/* body {org_id, year, title, description, unit_org_id, person_name, person_member_id, due_on,
 * milestones: [{month, target}]}; *id set on success. */
int task_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, and any of the create fields but org_id and year}; milestones replace the plan
 * (months kept keep their status). Only while open. */
int task_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, status: done|pending, done_on, note}: one month's milestone, task open. */
int task_milestone_set(struct ctx *ctx, int64_t id, int month, json_t *body);
/* body {version, completed_on}: every milestone done, else 409 task.milestones. */
int task_complete(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reason}: back to open; the reason is required. */
int task_reopen(struct ctx *ctx, int64_t id, json_t *body);
/* body {version}: only while no milestone is done (a mistaken entry). */
int task_delete(struct ctx *ctx, int64_t id, json_t *body);
int task_get(struct ctx *ctx, int64_t id, json_t **out);
int task_list(struct ctx *ctx, const struct task_filter *f, int page, int per_page, json_t **items, int64_t *total);
/* Overdue tasks and milestones under org_id (0: scope), latest first: [{kind: task|milestone, ...}]. */
int task_overdue_list(struct ctx *ctx, int64_t org_id, json_t **items);
/* The wall (挂图作战) of a year: {year, months, rows: [{task…, cells: [12 × {month, status, target, done_on}]}]}. */
int task_wall(struct ctx *ctx, const struct task_filter *f, json_t **out);
#endif
