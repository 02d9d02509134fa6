/* Calendar dates in Asia/Shanghai (util/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "util/date.h"
#include "util/banned.h"

static struct date mkdate(int y, int m, int d)
{
	struct date r;

	r.y = y;
	r.m = m;
	r.d = d;
	return r;
}

static void assert_date(struct date got, int y, int m, int d)
{
	assert_int_equal(got.y, y);
	assert_int_equal(got.m, m);
	assert_int_equal(got.d, d);
}

/* a UTC instant from civil fields, computed independently of date_today */
static time_t utc(int y, int m, int d, int hh, int mm, int ss)
{
	return (time_t)(date_to_days(mkdate(y, m, d)) * 86400 + hh * 3600 + mm * 60 + ss);
}

static void test_parse(void **state)
{
	struct date d = { 0, 0, 0 };
	(void)state;

	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(date_parse("2023-02-29", &d), -1);
	assert_date(d, 2024, 2, 29); /* untouched on failure */
	assert_int_equal(date_parse("2000-02-29", &d), 0);   /* divisible by 400 */
	assert_int_equal(date_parse("1900-02-29", &d), -1);  /* by 100, not 400 */
	assert_int_equal(date_parse("2100-02-29", &d), -1);
	assert_int_equal(date_parse("1900-01-01", &d), 0);
	assert_int_equal(date_parse("2200-12-31", &d), 0);
	assert_int_equal(date_parse("1899-12-31", &d), -1);
	assert_int_equal(date_parse("2201-01-01", &d), -1);
	assert_int_equal(date_parse("2024-04-31", &d), -1);
	assert_int_equal(date_parse("2024-13-01", &d), -1);
	assert_int_equal(date_parse("2024-00-10", &d), -1);
	assert_int_equal(date_parse("2024-01-00", &d), -1);
	assert_int_equal(date_parse("2024-1-01", &d), -1);
	assert_int_equal(date_parse("2024-01-1", &d), -1);
	assert_int_equal(date_parse("2024/01/01", &d), -1);
	assert_int_equal(date_parse("2024-01-01 ", &d), -1);
	assert_int_equal(date_parse("2024-01-0a", &d), -1);
	assert_int_equal(date_parse("+024-01-01", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(date_parse(NULL, &d), -1);
}

static void test_valid_and_month_lengths(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2100, 2), 28);
	assert_int_equal(date_days_in_month(2024, 4), 30);
	assert_int_equal(date_days_in_month(2024, 12), 31);
	assert_int_equal(date_days_in_month(2024, 0), 0);
	assert_int_equal(date_days_in_month(2024, 13), 0);
	assert_true(date_is_valid(2024, 2, 29));
	assert_false(date_is_valid(2023, 2, 29));
	assert_false(date_is_valid(1880, 1, 1));
}

static void test_format(void **state)
{
	char out[11];
	struct date d;
	(void)state;

	date_format(mkdate(2026, 3, 7), out);
	assert_string_equal(out, "2026-03-07");
	date_format(mkdate(1900, 1, 1), out);
	assert_string_equal(out, "1900-01-01");
	assert_int_equal(date_parse("2024-12-31", &d), 0);
	date_format(d, out);
	assert_string_equal(out, "2024-12-31");
}

static void test_add_months(void **state)
{
	(void)state;
	/* the day clamps to the month's end */
	assert_date(date_add_months(mkdate(2024, 1, 31), 1), 2024, 2, 29);
	assert_date(date_add_months(mkdate(2023, 1, 31), 1), 2023, 2, 28);
	assert_date(date_add_months(mkdate(2024, 3, 31), -1), 2024, 2, 29);
	assert_date(date_add_months(mkdate(2024, 5, 31), 1), 2024, 6, 30);
	assert_date(date_add_months(mkdate(2024, 2, 29), 12), 2025, 2, 28);
	assert_date(date_add_months(mkdate(2024, 2, 29), 48), 2028, 2, 29);
	/* year boundaries both ways */
	assert_date(date_add_months(mkdate(2024, 12, 15), 1), 2025, 1, 15);
	assert_date(date_add_months(mkdate(2024, 1, 15), -1), 2023, 12, 15);
	assert_date(date_add_months(mkdate(2024, 1, 15), -13), 2022, 12, 15);
	assert_date(date_add_months(mkdate(2024, 11, 30), 3), 2025, 2, 28);
	assert_date(date_add_months(mkdate(2024, 8, 31), 0), 2024, 8, 31);
	/* probation (预备期) of one year from 2025-03-31 */
	assert_date(date_add_months(mkdate(2025, 3, 31), 12), 2026, 3, 31);
}

static void test_add_days_and_cmp(void **state)
{
	(void)state;
	assert_date(date_add_days(mkdate(2024, 2, 28), 1), 2024, 2, 29);
	assert_date(date_add_days(mkdate(2023, 2, 28), 1), 2023, 3, 1);
	assert_date(date_add_days(mkdate(2024, 12, 31), 1), 2025, 1, 1);
	assert_date(date_add_days(mkdate(2025, 1, 1), -1), 2024, 12, 31);
	assert_date(date_add_days(mkdate(2024, 1, 1), 366), 2025, 1, 1);
	assert_int_equal(date_cmp(mkdate(2024, 1, 2), mkdate(2024, 1, 1)), 1);
	assert_int_equal(date_cmp(mkdate(2024, 1, 1), mkdate(2024, 2, 1)), -1);
	assert_int_equal(date_cmp(mkdate(2023, 12, 31), mkdate(2024, 1, 1)), -1);
	assert_int_equal(date_cmp(mkdate(2024, 5, 5), mkdate(2024, 5, 5)), 0);
}

static void test_full_years(void **state)
{
	struct date born = mkdate(2000, 6, 15);
	struct date leap = mkdate(2004, 2, 29);
	(void)state;

	/* 18 on the birthday, not on its eve */
	assert_int_equal(date_full_years(born, mkdate(2018, 6, 14)), 17);
	assert_int_equal(date_full_years(born, mkdate(2018, 6, 15)), 18);
	assert_int_equal(date_full_years(born, mkdate(2018, 6, 16)), 18);
	assert_int_equal(date_full_years(born, mkdate(2018, 5, 31)), 17);
	assert_int_equal(date_full_years(born, mkdate(2018, 7, 1)), 18);
	assert_int_equal(date_full_years(born, mkdate(2000, 6, 15)), 0);
	assert_int_equal(date_full_years(born, mkdate(2001, 6, 14)), 0);
	/* born on 29 February: a full year only once February is over in common years */
	assert_int_equal(date_full_years(leap, mkdate(2022, 2, 28)), 17);
	assert_int_equal(date_full_years(leap, mkdate(2022, 3, 1)), 18);
	assert_int_equal(date_full_years(leap, mkdate(2024, 2, 28)), 19);
	assert_int_equal(date_full_years(leap, mkdate(2024, 2, 29)), 20);
	/* age of the second valid ID example's holder */
	assert_int_equal(date_full_years(mkdate(1949, 12, 31), mkdate(2026, 12, 30)), 76);
	assert_int_equal(date_full_years(mkdate(1949, 12, 31), mkdate(2026, 12, 31)), 77);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(mkdate(2026, 11, 26)), 3); /* Thursday */
	assert_int_equal(date_weekday(mkdate(1970, 1, 1)), 3);
	assert_int_equal(date_weekday(mkdate(1969, 12, 29)), 0); /* before the epoch */
	assert_int_equal(date_weekday(mkdate(1900, 1, 1)), 0);
	assert_int_equal(date_weekday(mkdate(2024, 1, 1)), 0);
	assert_int_equal(date_weekday(mkdate(2023, 12, 31)), 6);
	assert_int_equal(date_weekday(mkdate(2021, 7, 1)), 3);
	assert_int_equal(date_weekday(mkdate(2200, 12, 31)), 2);
}

static void test_today_shanghai(void **state)
{
	char iso[21];
	(void)state;

	/* UTC 16:00 is midnight in Shanghai: already the next day */
	assert_date(date_today(utc(2026, 11, 25, 16, 0, 0)), 2026, 11, 26);
	assert_date(date_today(utc(2026, 11, 25, 15, 59, 59)), 2026, 11, 25);
	assert_date(date_today(utc(2026, 11, 25, 0, 0, 0)), 2026, 11, 25);
	assert_date(date_today(utc(2026, 12, 31, 16, 0, 0)), 2027, 1, 1);
	assert_date(date_today(utc(2024, 2, 28, 16, 30, 0)), 2024, 2, 29);
	/* around the epoch, where the division must floor */
	assert_date(date_today(0), 1970, 1, 1);
	assert_date(date_today(-8 * 3600), 1970, 1, 1);
	assert_date(date_today(-8 * 3600 - 1), 1969, 12, 31);

	time_iso_utc(utc(2026, 11, 25, 16, 5, 9), iso);
	assert_string_equal(iso, "2026-11-25T16:05:09Z");
	time_iso_utc(0, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	time_iso_utc(-1, iso);
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
}

static void test_days_anchors(void **state)
{
	(void)state;
	assert_int_equal(date_to_days(mkdate(1970, 1, 1)), 0);
	assert_int_equal(date_to_days(mkdate(2000, 1, 1)), 10957);
	assert_int_equal(date_to_days(mkdate(1900, 1, 1)), -25567);
	assert_int_equal(date_to_days(mkdate(2200, 12, 31)), 84370);
	assert_date(date_from_days(-1), 1969, 12, 31);
	assert_date(date_from_days(19723), 2024, 1, 1);
}

/*
 * Every day from 1900-01-01 to 2200-12-31: from_days(to_days(d)) == d, the day numbers
 * are consecutive, and each next day agrees with a plain calendar walk.
 */
static void test_days_round_trip(void **state)
{
	struct date d = mkdate(1900, 1, 1), back;
	int64_t n = date_to_days(d), count = 0;
	(void)state;

	for (;;) {
		assert_int_equal(date_to_days(d), n);
		back = date_from_days(n);
		assert_date(back, d.y, d.m, d.d);
		assert_true(date_is_valid(d.y, d.m, d.d));
		count++;
		if (d.y == 2200 && d.m == 12 && d.d == 31)
			break;
		/* the walk uses only date_days_in_month, not the day arithmetic under test */
		if (d.d < date_days_in_month(d.y, d.m)) {
			d.d++;
		} else if (d.m < 12) {
			d.m++;
			d.d = 1;
		} else {
			d.y++;
			d.m = 1;
			d.d = 1;
		}
		n++;
	}
	/* 301 years, 73 leap years (1900, 2100 and 2200 are not) */
	assert_int_equal(count, 301 * 365 + 73);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_valid_and_month_lengths),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_add_days_and_cmp),
		cmocka_unit_test(test_full_years),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_today_shanghai),
		cmocka_unit_test(test_days_anchors),
		cmocka_unit_test(test_days_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
