/*
 * Makers for the points tests on top of life_fixture.h (tests/unit/test_points_rank.c,
 * test_points_standings.c): an indicator set and its indicators written straight into
 * point_sets and point_indicators, so a test picks its own caps and versions without
 * the set editor's rules. Names carry a points_fx_ prefix so they do not clash with
 * domain/points.h.
 *
 * Ownership: nothing is kept here; the makers act on life_ctx (set by life_setup) and
 * fail the running test (life_fail_ctx) when a row cannot be written.
 */
#ifndef DJ_TEST_POINTS_FIXTURE_H
#define DJ_TEST_POINTS_FIXTURE_H

#include <stdint.h>

/* A point set of org (version, in force from from_month, a points_month_no); its id. */
int64_t points_fx_make_set(int64_t org, int version, int from_month);
/*
 * An indicator of set: code (also its name), target "member" or "branch", sign +1 award
 * or -1 deduction, points and cap (0: none) ×10, cap_period "month", "quarter" or
 * "year", and its position in the set; manual, approved by org_admin. Its id.
 */
int64_t points_fx_make_indicator(int64_t set, const char *code, const char *target, int sign, int points, int cap,
				 const char *cap_period, int position);

#endif
