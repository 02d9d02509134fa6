#ifndef RECRUIT_H
#define RECRUIT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * Recruitment (发展党员), RULES.md §1: a record per person, the 25 statutory steps in
 * order, each checked against every rule at the moment it is recorded. Schema:
 * src/store/sql/004_recruitment.sql. Contract for the API: docs/API.md "Recruitment".
 *
 * Step numbers 1..25 are the statutory steps; 6 (培养教育考察) and 21 (继续教育考察) are
 * repeatable; the others once each, in order. Exits and side records:
 */
#define RSTEP_REVISIT 91        /* 回访考察 by the 基层党委 (needed before eliminating a < 60 activist) */
#define RSTEP_PRIOR_REPORT 92   /* 事前报告 of a special person to the county 组织部门, before step 7 */
#define RSTEP_NOT_DEVELOPED 95  /* 不予发展/淘汰, with reason; before step 17 */
#define RSTEP_EXTEND 96         /* 延长预备期: once, 6..12 months, during probation */
#define RSTEP_CANCEL 97         /* 取消预备党员资格, during probation */

#define RECRUIT_LADDER_MAX 12   /* stages of the ladder */
#define RECRUIT_LADDER_NAME 64  /* bytes of one stage name (UTF-8, 20 characters) */

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
	/* 七阶梯: the ordered stages an activist passes each year before step 7; setting
	 * 'recruit.ladder' (a JSON array of names), default none = off */
	int ladder_n;
	char ladder[RECRUIT_LADDER_MAX][RECRUIT_LADDER_NAME];
};

int recruit_rules_load(struct ctx *ctx, const char *org_path, struct recruit_rules *r);
json_t *recruit_rules_json(const struct recruit_rules *r);

/* Settings keys (table settings, org_id = the top-level org) that override the defaults. */
#define RECRUIT_SETTING_PREFIX "recruit."

/* One record as stored (recruits); personal data only as masks. */
struct recruit {
	int64_t id;
	int64_t org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	char name[96];
	char gender[16];
	char id_mask[24];
	char birth_date[11];
	char ethnicity[40];
	char education[40];
	char job[80];
	char work_unit[128];
	char phone_mask[24];
	int stage;
	int last_step;
	char status[16];          /* active | not_developed | cancelled | archived */
	char applied_on[11], talked_on[11], activist_on[11], target_on[11], branch_meeting_on[11], approved_on[11],
		probation_end[11], full_on[11];
	int extended_months;
	int64_t member_id;        /* 0 until step 17 */
	char special[24];         /* "" or private_owner | new_social_class | special_unit (事前报告, 比例) */
	char last_on[11];         /* the latest date of any recorded step */
	int64_t version;
};

/* Loads a record in the actor's scope (E_NOTFOUND outside it). */
int recruit_load(struct ctx *ctx, int64_t id, struct recruit *r);
/* The record object of docs/API.md without "steps" and "next"; caller owns the result. */
json_t *recruit_to_json(const struct ctx *ctx, const struct recruit *r);
/* The steps that may be recorded now, with their earliest dates and what blocks them
 * (docs/API.md "Next entry"); caller owns the array. */
int recruit_next(struct ctx *ctx, const struct recruit *r, json_t **out);
/* Appends one row to recruit_steps inside the caller's transaction, signed by the actor.
 * level: "branch" | "committee" | "county"; people/data borrowed (NULL = none). */
int recruit_insert_step(struct ctx *ctx, int64_t recruit_id, int step, const char *done_on, int64_t org_id,
			const char *level, json_t *people, json_t *data, const char *note);
/* Person stage (1 申请入党 … 5 正式党员) after last_step, and its name. */
int recruit_stage_after(int last_step);
const char *recruit_stage_name(int stage);

/* Statutory step names (1..25 and the RSTEP_ codes); NULL if unknown. */
const char *recruit_step_name(int step);
int recruit_step_stage(int step);  /* 1..5 of RULES.md §1; RSTEP_ codes: the stage they belong to, 0 for 95 (any) */

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
/* The same array rendered into out (the API's reply; tests compare the two). */
int recruit_reminders_json(struct ctx *ctx, int64_t org_id, struct strbuf *out);
/*
 * The API's reply: the same array, or for a large subtree (subtree_page.h: a city, a
 * province) one page of it as {"total","page","per_page","items"}, the org names read
 * for that page only.
 */
struct subtree_page;
int recruit_reminders_page_json(struct ctx *ctx, int64_t org_id, const struct subtree_page *opts, struct strbuf *out);
int recruit_stats(struct ctx *ctx, int64_t org_id, json_t **out);
int recruit_plan_list(struct ctx *ctx, int64_t org_id, int year, json_t **items);
int recruit_plan_set(struct ctx *ctx, json_t *body, json_t **out);
/* Scores of a record with each year's average and band: {"items":[…],"years":[…]} */
int recruit_scores_list(struct ctx *ctx, int64_t id, json_t **out);

/* Controls (domain/recruit_controls.c): the 七阶梯 ladder, special persons, quotas */
/* The special categories; NULL-terminated; name in Chinese or NULL if unknown. */
extern const char *const recruit_special_kinds[];
const char *recruit_special_name(const char *kind);
/* body {"year","stage","result","done_on","note"?}: one result of the ladder; *out the row */
int recruit_ladder_add(struct ctx *ctx, int64_t id, json_t *body, json_t **out);
/* {"stages":[…],"results":[…]} of a record (the detail's "ladder") */
int recruit_ladder_json(struct ctx *ctx, const struct recruit *r, json_t **out);
/* The ladder configured for the top-level org of org_id: {"org_id","org_name","stages"} */
int recruit_ladder_config_get(struct ctx *ctx, int64_t org_id, json_t **out);
int recruit_ladder_config_set(struct ctx *ctx, json_t *body, json_t **out);
#endif
