#ifndef RECRUIT_INTERNAL_H
#define RECRUIT_INTERNAL_H
/*
 * Private to the recording of steps (RULES.md §1): shared by domain/recruit_steps.c
 * (the entry point, the writes, what may come next) and domain/recruit_rules.c (order,
 * signing level, body data and the per-step rule checks). Nothing else includes it; the
 * public API is domain/recruit.h.
 *
 * Ownership: a struct job lives on recruit_record_step's stack. It owns data (a deep
 * copy of the body's data plus what the rules derive) and tl (the timeline, released
 * with timeline_release in recruit_steps.c); people is borrowed from the request body.
 * The rule checks only read the job, add derived facts to j->data and fill j->ctx->err.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include "domain/ctx.h"
#include "domain/org.h"
#include "domain/recruit.h"
#include "util/limits.h"
#include "util/xalloc.h"

#define INSPECTION_MONTHS 6 /* one 考察 record per activist every 6 months */
#define FULL_APPLY_DAYS 30  /* 转正申请 from a month before probation ends */

struct rstep {
	int step;
	struct date on;
	char on_s[11];
	json_t *data;
};

struct timeline {
	struct rstep *v;
	size_t n, alloc;
};

/* Everything one recording works on. */
struct job {
	struct ctx *ctx;
	struct recruit r, after;
	struct recruit_rules rules;
	struct timeline tl;
	int step;
	struct date on;
	char on_s[11];
	int64_t org_id;           /* requested signing org (0 = default) */
	json_t *people;           /* borrowed from the body */
	json_t *data;             /* owned: the body's data plus what the rules derive */
	char note[CAP_TEXT_LEN];
	struct org branch, signer;
	const char *level;
};

/* ---- small helpers of both files ---- */

static inline const struct rstep *last_of(const struct timeline *t, int step)
{
	size_t i = t->n;
	while (i--)
		if (t->v[i].step == step)
			return &t->v[i];
	return NULL;
}

static inline void fmt(struct date d, char *out)
{
	date_format(d, out);
}

static inline struct date parse_or_zero(const char *s)
{
	struct date d = { 0, 0, 0 };
	if (s && s[0] && date_parse(s, &d))
		memset(&d, 0, sizeof(d));
	return d;
}

/* A copy of ctx that sees the whole tree: the upper 党委 and the introducers lie outside a
 * secretary's scope, and reading them is part of checking, not of what the caller sees. */
static inline void widen(const struct ctx *ctx, struct ctx *wide)
{
	*wide = *ctx;
	wide->actor.role = ROLE_SYSADMIN;
	strlcpy_z(wide->actor.org_path, "/", sizeof(wide->actor.org_path));
	err_clear(&wide->err);
}

/* 1 if the average sum/count is at least threshold */
static inline int avg_at_least(int64_t sum, int64_t count, int threshold)
{
	return count > 0 && sum >= (int64_t)threshold * count;
}

static inline int in_probation(const struct recruit *r)
{
	return r->last_step >= 17 && r->last_step < 24;
}

/* ---- recruit_rules.c ---- */

/* Latest year's 百分制 average as sum/count (integers: no rounding at the threshold). */
int recruit_latest_score(struct ctx *ctx, int64_t id, int *year, int64_t *sum, int64_t *count);
/* 0 if step may follow the record's progress; else -1 and the reason in why. */
int recruit_order_allows(const struct recruit *r, int step, char *why, size_t size);
/* The Chinese name of a closed record's status (for refusals). */
const char *recruit_status_name(const char *status);
/* Sets j->signer and j->level for the step and checks the caller may sign at that level. */
int recruit_resolve_signer(struct job *j);
/* data.<key> of the body as an integer 0..100000 (*out 0 when absent and not required). */
int recruit_data_int(struct job *j, const char *key, int required, json_int_t *out);
/* data.<key> as free text: *out NULL if absent or blank, else borrowed from j->data. */
int recruit_data_text(struct job *j, const char *key, const char **out);
/* 应到会有表决权 members of the branch; *ids is the caller's to free. */
int recruit_voting_members(struct ctx *ctx, int64_t branch, int64_t **ids, int *n);
/* Every rule of j->step against the record, its timeline and the body (RULES.md §1). */
int recruit_check_step(struct job *j);

/* ---- recruit_controls.c ---- */

/* Step 7: the 七阶梯 of the step's year (recruit.ladder_failed, recruit.ladder_incomplete). */
int recruit_check_ladder(struct job *j);
/* What the ladder blocks step 7 with in year (NULL: nothing); for the next list. */
int recruit_ladder_blocker(struct ctx *ctx, const struct recruit *r, const struct recruit_rules *rules, int year,
			   const char **blocked);
/* Step 7 of a special person: the 事前报告 is recorded (recruit.special_report). */
int recruit_check_special_report(struct job *j);
/* Step 92 事前报告: a special person, data.reported_by; derives data.reported_to. */
int recruit_check_prior_report(struct job *j);
/* Step 17: the plans above the branch (recruit.plan_exceeded, recruit.special_ratio). */
int recruit_check_quota(struct job *j);
#endif
