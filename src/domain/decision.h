#ifndef DECISION_H
#define DECISION_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 四议两公开 (五四三二工作法): a village matter decided in six steps, strictly in order —
 * 党支部提议 → 两委商议 → 党员大会审议 → 村民代表会议决议 → 决议公开 → 实施结果公开. Each
 * step records its date (never before the previous step's, never after today: 422
 * decision.date), a note and: the number taking part (提议, 商议); the number expected,
 * present and the votes (审议, 决议: more than half of those expected present, 422
 * decision.quorum; more than half of those present in favour, 422 decision.vote); the
 * place (the two 公开). A step out of order is 409 decision.step.
 *
 * Held by a 党支部 (a village's, or any branch's); written by its 支部书记 or an admin over
 * it. JSON out-parameters are owned by the caller; writes are audited ("decision").
 */
#define DECISION_STEPS 6

const char *decision_step_code(int step);   /* 1..6 → "propose" …; NULL otherwise */
const char *decision_step_name(int step);   /* 1..6 → "党支部提议" … */
int decision_step_parse(const char *code);  /* → 1..6, or 0 */

struct decision_filter {
	int64_t org_id;      /* subtree root (0: the actor's scope) */
	const char *q;       /* title contains */
	int done;            /* -1 any, 0 running, 1 all six steps done */
	int step;            /* 0 any, else the number of steps done */
	const char *from, *to; /* the proposal date range */
};

/* body {org_id, title, content} */
int decision_create(struct ctx *ctx, json_t *body, int64_t *id);
/* the decision with its six-step timeline */
int decision_get(struct ctx *ctx, int64_t id, json_t **out);
int decision_list(struct ctx *ctx, const struct decision_filter *f, int page, int per_page, json_t **items,
		  int64_t *total);
/* body {version, title?, content?}: while not all six steps are done (409 decision.done) */
int decision_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, step, held_on, participants, present, votes_for, votes_against, votes_abstain, place, note} */
int decision_record_step(struct ctx *ctx, int64_t id, json_t *body);
#endif
