#ifndef PROJECT_H
#define PROJECT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 党建项目化管理: a project of one of three types (基础工作创新型, 重点工作示范型,
 * 特色工作推广型), optionally 书记领衔, owned by an org with a responsible secretary (a
 * member) and reviewed by a leading org above it. Seven stages, strictly in order:
 *   申报 (apply) → 备案 (file) → 实施 (implement) → 结题 (conclude) → 验收 (accept)
 *   → 评估 (evaluate) → 激励 (reward).
 * The owner side (a secretary or admin whose scope holds the owning org) files 申报, starts
 * 实施 and files 结题; the lead side (an org admin whose scope holds the leading org) does
 * 备案 or returns the 申报 with a reason, reviews each quarter of 实施, and does 验收,
 * 评估 and 激励. Every stage change and review appends a row to the public progress
 * ledger in the same transaction as the change and its audit entry.
 *
 * Refusals: a transition that is not the next stage, or a review outside 实施 → 409
 * project.stage; a return or a returned review without a reason → 422 project.reason.
 * Every JSON out-parameter is owned by the caller.
 */
#define PROJECT_TEXT_MAX_CHARS 2000
#define PROJECT_NAME_MAX_CHARS 100

enum project_stage { PS_APPLY, PS_FILE, PS_IMPLEMENT, PS_CONCLUDE, PS_ACCEPT, PS_EVALUATE, PS_REWARD, PS__COUNT };

int project_stage_parse(const char *s);       /* "apply" → PS_APPLY; -1 if unknown */
const char *project_stage_name(int stage);    /* 申报 */
int project_type_parse(const char *s);        /* innovation | demonstration | promotion; -1 */

/* 评估: the weighted score × 100 from four 0..100 values and four weights summing to 100. */
int project_score_centi(const int values[4], const int weights[4]);
/* the weights now in force (config, or the documented defaults without one) */
void project_weights(const struct ctx *ctx, int weights[4]);

struct project_filter {
	int64_t org;          /* subtree root; 0 = the actor's scope */
	const char *type;     /* NULL = any */
	const char *stage;    /* NULL = any */
	int year;             /* 0 = any */
	int leader_led;       /* 1 = 书记领衔 only */
	const char *q;        /* name contains */
};

/* body {org_id, lead_org_id, secretary_member_id, type, leader_led, name, year, summary, goal, start_on,
 * end_on, budget_fen}: files 申报; *id set on success. */
int project_create(struct ctx *ctx, json_t *body, int64_t *id);
int project_list(struct ctx *ctx, const struct project_filter *f, int page, int per_page, json_t **items,
		 int64_t *total);
/* The project with its reviews, ledger and the actions the actor may take now. */
int project_get(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, stage, note, …the stage's fields}: moves to the next stage (or re-files a returned 申报). */
int project_advance(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reason}: the lead org returns a 申报 to its owner. */
int project_return(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, year, quarter, result (approved|returned), reason, note}: a quarterly review in 实施. */
int project_review(struct ctx *ctx, int64_t id, json_t *body);
/* The public progress ledger: readable by anyone whose scope holds the project or who belongs under its org. */
int project_ledger(struct ctx *ctx, int64_t id, json_t **items);
/* A member's view (GET /me/projects): the filed projects of the member's branch and of every org
 * above it, public fields and ledger only: {org_id, org_name, items:[…, ledger], total}. */
int project_mine(struct ctx *ctx, json_t **out);
#endif
