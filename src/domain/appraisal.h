#ifndef APPRAISAL_H
#define APPRAISAL_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 民主评议党员 (RULES.md §2, §4): one round per 党支部 and year. Opening a round writes its
 * roster (the branch's active full and probationary members); each member then gets a
 * self-assessment, the vote counts of 党员互评 and 民主测评 per category, and the
 * branch's decided category. 预备党员 take part but are not graded; 优秀 is capped at
 * ⅓ of the graded members; a round closes once every graded member has a category,
 * and each 不合格 member then gets a 限期改正 follow-up (config
 * appraisal.correction_months) whose outcome (改正 / 劝退 / 除名) is recorded later.
 *
 * Every JSON out-parameter is owned by the caller. Writes are audited in the same
 * transaction (entity "appraisal", "appraisal_followup").
 */
#define APPRAISAL_TEXT_MAX_CHARS 2000  /* self-assessment, follow-up note */
#define APPRAISAL_MAX_VOTES 100000     /* per category: more voters than any branch has */

enum appraisal_category { AC_EXCELLENT, AC_QUALIFIED, AC_BASIC, AC_UNQUALIFIED, AC__COUNT };
/* "excellent" → AC_EXCELLENT; -1 if unknown */
int appraisal_category_parse(const char *s);
const char *appraisal_category_code(int c);
const char *appraisal_category_name(int c); /* 优秀 */

/* body {org_id, year}: a 党支部 in scope, at most one round per year; *id set on success. */
int appraisal_open(struct ctx *ctx, json_t *body, int64_t *id);
/* The round with its entries and summary; E_NOTFOUND outside scope. */
int appraisal_get(struct ctx *ctx, int64_t id, json_t **out);
/* Rounds under org_id (0: the actor's scope), year 0 = any; newest year first, with summaries. */
int appraisal_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
		   int64_t *total);
/* One member's entry: body {version (the entry's), self_assessment, mutual, mass, category}. */
int appraisal_decide(struct ctx *ctx, int64_t id, int64_t member_id, json_t *body);
/* body {version (the round's)}: closes it and opens the 不合格 follow-ups. */
int appraisal_close(struct ctx *ctx, int64_t id, json_t *body);

/* Follow-ups under org_id (0: the actor's scope); overdue_only keeps the running ones past their deadline. */
int appraisal_followups_list(struct ctx *ctx, int64_t org_id, int overdue_only, int page, int per_page,
			     json_t **items, int64_t *total);
int appraisal_followup_get(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, outcome, outcome_on, note}: 改正 any time, 劝退 / 除名 once the deadline has passed. */
int appraisal_followup_record(struct ctx *ctx, int64_t id, json_t *body);
#endif
