/*
 * Working days (工作日) for the 公示 period of recruitment (RULES.md §1): Monday to
 * Friday, less the official holidays, plus the weekend days worked in exchange (调休).
 * The holidays table (004_recruitment.sql, rows from 005_holidays_*.sql or an admin)
 * overrides the weekday rule day by day.
 */
#include <string.h>
#include "domain/recruit.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* a 公示 is days or weeks; a span of ten years is a caller's mistake, not a calendar */
#define WORKDAYS_MAX_SPAN 3660

int workdays_between(struct ctx *ctx, struct date from, struct date to, int *out)
{
	struct stmt *st;
	char lo[11], hi[11];
	int64_t first = date_to_days(from), last = date_to_days(to), span, i;
	signed char *override = NULL; /* per day: 0 weekday rule, 1 holiday, 2 workday */
	int n = 0, step, rc = 0;

	*out = 0;
	if (last < first)
		return 0;
	span = last - first + 1;
	if (span > WORKDAYS_MAX_SPAN)
		return err_set(&ctx->err, E_INVALID, NULL, "field.date_range", "日期区间 %04d-%02d-%02d 至 %04d-%02d-%02d 过长",
			       from.y, from.m, from.d, to.y, to.m, to.d);
	override = xcalloc((size_t)span, 1);
	date_format(from, lo);
	date_format(to, hi);
	st = db_prepare(ctx->db, "SELECT day, kind FROM holidays WHERE day >= ? AND day <= ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct date d;
		const char *day = stmt_text(st, 0), *kind = stmt_text(st, 1);
		/* a malformed row cannot name a day: it changes nothing */
		if (!day || !kind || date_parse(day, &d))
			continue;
		i = date_to_days(d) - first;
		if (i < 0 || i >= span)
			continue;
		if (!strcmp(kind, "holiday"))
			override[i] = 1;
		else if (!strcmp(kind, "workday"))
			override[i] = 2;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	for (i = 0; i < span; i++) {
		if (override[i] == 1)
			continue;
		if (override[i] == 2 || date_weekday(date_from_days(first + i)) < 5)
			n++;
	}
	*out = n;
out:
	free(override);
	return rc;
}
