#ifndef RECRUIT_H
#define RECRUIT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Recruitment (发展党员), RULES.md §1: a record per person, the 25 statutory steps in
 * order, each checked against every rule at the moment it is recorded. Schema:
 * src/store/sql/004_recruitment.sql. Contract for the API: docs/API.md "Recruitment".
 *
 * Step numbers 1..25 are the statutory steps; 6 (培养教育考察) and 21 (继续教育考察) are
 * repeatable; the others once each, in order. Exits and side records:
 */
#define RSTEP_REVISIT 91        /* 回访考察 by the 基层党委 (needed before eliminating a < 60 activist) */
#define RSTEP_NOT_DEVELOPED 95  /* 不予发展/淘汰, with reason; before step 17 */
#define RSTEP_EXTEND 96         /* 延长预备期: once, 6..12 months, during probation */
#define RSTEP_CANCEL 97         /* 取消预备党员资格, during probation */

/* The rule set in force for an organization: config defaults overlaid by the settings
 * of its top-level org. Snapshotted into recruits.rules with every decision. */
struct recruit_rules {
	int activist_wait_months;   /* after applying, before step 3 (default 0) */
	int talk_days;              /* step 2 within (default: one month, counted as months=1) */
	int publicity_workdays;     /* 公示 (default 5) */
	int scores_enabled;         /* the 百分制 review gates step 7 (default 1) */
	int score_eligible;         /* ≥ 80 may become 发展对象 */
	int score_continue;         /* 60..79 keeps training; below: eliminated after 回访考察 */
	int approval_months;        /* upper approval within (default 3) */
	int approval_max_months;    /* extended for cause, never beyond (default 6) */
};

int recruit_rules_load(struct ctx *ctx, const char *org_path, struct recruit_rules *r);
json_t *recruit_rules_json(const struct recruit_rules *r);

/* Statutory step names (1..25 and the RSTEP_ codes); NULL if unknown. */
const char *recruit_step_name(int step);
int recruit_step_stage(int step);  /* 1..5 */

/*
 * Create the record with step 1 (递交入党申请书). body: {"org_id","name","id_number",
 * "ethnicity","education","job","work_unit","phone","applied_on","note"}.
 * Refusals: recruit.applicant_age, recruit.duplicate (an open record for that ID), member
 * validation rules for the fields. *out: the record as JSON (recruit_get's shape).
 */
int recruit_create(struct ctx *ctx, json_t *body, json_t **out);
/*
 * Record one step. body: {"step","version","done_on","org_id"?,"people"?:{…},"data"?:{…},"note"?}
 * (see docs/API.md for each step's people/data). 422 with rule ids recruit.*, 409 on a
 * stale version. Step 17 makes the person a 预备党员 in the registry; step 24 makes them
 * full; RSTEP_CANCEL removes them. *out: the updated record.
 */
int recruit_record_step(struct ctx *ctx, int64_t id, json_t *body, json_t **out);
/* The record with its timeline and the next allowed steps with their earliest dates. */
int recruit_get(struct ctx *ctx, int64_t id, json_t **out);
/* Filters: org (subtree), stage, status, q (name); paging. */
int recruit_list(struct ctx *ctx, int64_t org_id, int stage, const char *status, const char *q, int page,
		 int per_page, json_t **items, int64_t *total);

/* Working days in [from, to] inclusive: weekends skipped unless listed as 'workday' in
 * holidays, listed 'holiday' days skipped (domain/calendar.c). */
int workdays_between(struct ctx *ctx, struct date from, struct date to, int *out);

/* Quantitative review and reports (domain/recruit_report.c) */
int recruit_add_score(struct ctx *ctx, int64_t id, json_t *body, json_t **out);
int recruit_reminders(struct ctx *ctx, int64_t org_id, json_t **items);
int recruit_stats(struct ctx *ctx, int64_t org_id, json_t **out);
int recruit_plan_list(struct ctx *ctx, int64_t org_id, int year, json_t **items);
int recruit_plan_set(struct ctx *ctx, json_t *body, json_t **out);
#endif
