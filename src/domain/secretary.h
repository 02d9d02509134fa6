#ifndef SECRETARY_H
#define SECRETARY_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 第一书记 (first secretaries): a dispatch of one person by a 省/市/县 unit to a village's
 * 党支部 for a term. One village has at most one first secretary at a time: a term that
 * overlaps another dispatch to the same village is 409 secretary.overlap. Hanging off the
 * dispatch: the "3+1" helper team, the five duties and one goal (plan and result per
 * year), work days in the village per month, and the projects and funds coordinated
 * (integer fen). Attendance at the village's meetings is counted from meeting_attendance
 * for the dispatch's member_id within the term (up to today).
 *
 * Reads: officers in scope. Create / update: town or county admins; duties, work days
 * and funds: also the village's 支部书记. Writes are audited (entity "first_secretary").
 * JSON out-parameters are owned by the caller.
 */
#define SECRETARY_TEAM_MAX 8           /* the 3+1 team and a few more */
#define SECRETARY_FUND_MAX_FEN 100000000000LL /* ¥10 亿 */

struct secretary_filter {
	int64_t org_id;          /* 0: the actor's scope */
	const char *level;       /* NULL: any */
	const char *active_on;   /* YYYY-MM-DD or NULL */
	const char *q;           /* name or unit contains */
};

int secretary_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, and any of the create fields}; team replaces the whole team */
int secretary_update(struct ctx *ctx, int64_t id, json_t *body);
int secretary_get(struct ctx *ctx, int64_t id, json_t **out);
int secretary_list(struct ctx *ctx, const struct secretary_filter *f, int page, int per_page, json_t **items,
		   int64_t *total);
/* body {year, items: [{duty, plan, result}]}: upserts the given duties of that year */
int secretary_set_duties(struct ctx *ctx, int64_t id, json_t *body);
/* body {month: 'YYYY-MM', days, note}: days 0 removes the month */
int secretary_set_workdays(struct ctx *ctx, int64_t id, json_t *body);
int secretary_add_fund(struct ctx *ctx, int64_t id, json_t *body, int64_t *fund_id);
int secretary_delete_fund(struct ctx *ctx, int64_t id, int64_t fund_id);
/* meetings of the village branch held in the term up to today, and those the member attended */
int secretary_attendance(struct ctx *ctx, int64_t id, int64_t *held, int64_t *present);
/* "province" → "省级"; NULL if unknown */
const char *secretary_level_name(const char *code);
#endif
