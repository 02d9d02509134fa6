#ifndef LAPSE_H
#define LAPSE_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 自行脱党 warnings (RULES.md §4): members of a subtree (active or transferring) who,
 * without proper reason, have had 6 consecutive months without organizational life
 * (the reading shared with compliance_at_risk: life_lapse_scan in meeting.h), or 6
 * consecutive months without dues (lapse_dues_run), or both: flagged for the 支部大会.
 * A proper reason is a lapse_excuses row (028): the member is listed apart, excused
 * through its until_month. Reads and writes need the branch's secretary or an admin over
 * it; excuse writes are audited (entity "lapse_excuse").
 */
#define LAPSE_MONTHS 6
#define LAPSE_REASON_MAX_CHARS 200
#define LAPSE_EXCUSE_MAX_MONTHS 24   /* an excuse reaches at most this far ahead */

/*
 * The consecutive-unpaid run: the months from max(paid_to + 1, dues_from, first_base) to
 * the month before today's (0 if none, or when dues_from or first_base is missing: months
 * before a member's first dues base are 未核定, not owed — the arrears rule of dues.h).
 * Months 'YYYY-MM'.
 */
int lapse_dues_run(const char *dues_from, const char *first_base, const char *paid_to, struct date today);

/*
 * {today, month, threshold, items:[{member_id, name, org_id, org_name, state, reasons:[no_life|no_dues],
 * life_months, meetings_missed, last_life_month, dues_months, dues_from, dues_paid_to, severity}],
 * excused:[… the same, with excuse:{id, reason, until_month, recorded_name, created_at}],
 * branches:[{org_id, name, warnings, no_life, no_dues, both, excused}], total}; items by severity.
 */
int lapse_warnings(struct ctx *ctx, int64_t org_id, json_t **out);
/*
 * The same with options (meeting.h compliance_opts; NULL: the defaults): in a subtree of
 * more than list_max branches (a province) items and excused are one page (page,
 * per_page) of each in the same order, total still counting every item, with
 * excused_total, counts:{warnings, no_life, no_dues, both, excused} over all, and branches
 * only those of the members printed (their counts whole) out of branches_total. The
 * subtree is then read without names; the printed rows are named at the end.
 */
struct compliance_opts;
int lapse_warnings_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, json_t **out);
/* body {member_id, reason, until_month}; *id set */
int lapse_excuse_create(struct ctx *ctx, json_t *body, int64_t *id);
int lapse_excuse_delete(struct ctx *ctx, int64_t id);
#endif
