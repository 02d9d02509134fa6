/*
 * 第一书记 in the domain layer with injected dates: one village, one term at a time (an
 * overlap is E_CONFLICT secretary.overlap, the day after a term is free, an update into
 * another term is refused too), funds kept as integer fen and summed exactly, and the
 * attendance counted from the village branch's meetings in the term where the member was
 * present (not on leave, not before the term, not in another branch). Runs on SQLite and
 * again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/meeting.h"
#include "domain/secretary.h"
#include "support/life_fixture.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, village, other, fs, villager;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 6, 15);
	fx.top = life_make_org(0, "dept", "选派组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "选派镇党委", 0);
	fx.village = life_make_org(fx.town, "branch", "驻村党支部", 0);
	fx.other = life_make_org(fx.town, "branch", "邻村党支部", 0);
	fx.fs = life_make_member(fx.village);
	fx.villager = life_make_member(fx.village);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "secretaries", populate, 2 };

/* a dispatch to org for [from, to]; returns the id, or 0 with the error left in fx.ctx.err */
static int64_t dispatch(int64_t org, const char *name, int64_t member, const char *from, const char *to)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "org_id", (json_int_t)org, "name", name,
				 "level", "county", "unit", "县农业农村局", "term_start", from, "term_end", to, "team", "name",
				 "帮扶队员", "role", "队员");
	int64_t id = 0;
	if (member)
		json_object_set_new(body, "member_id", json_integer(member));
	err_clear(&fx.ctx.err);
	secretary_create(&fx.ctx, body, &id);
	json_decref(body);
	return id;
}

static void meet(int64_t org, const char *on, int64_t member, const char *status)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:[{s:I, s:s, s:s*}]}", "org_id", (json_int_t)org, "kind",
				 "theme_day", "held_on", on, "start_time", "09:00", "end_time", "11:00", "topic", "学习",
				 "attendance", "member_id", (json_int_t)member, "status", status, "reason",
				 strcmp(status, "leave") ? NULL : "公务");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx("meeting", &fx.ctx);
	json_decref(body);
}

static void test_overlap_rule(void **state)
{
	int64_t a, b, c;
	json_t *cur, *body;
	(void)state;
	a = dispatch(fx.village, "甲书记", 0, "2024-03-01", "2026-02-28");
	assert_true(a > 0);
	/* the last day of the term is still taken */
	assert_int_equal(dispatch(fx.village, "乙书记", 0, "2026-02-28", "2028-02-28"), 0);
	assert_int_equal(fx.ctx.err.code, E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "secretary.overlap");
	/* a term inside another is an overlap too */
	assert_int_equal(dispatch(fx.village, "乙书记", 0, "2025-01-01", "2025-06-30"), 0);
	assert_string_equal(fx.ctx.err.rule, "secretary.overlap");
	b = dispatch(fx.village, "乙书记", 0, "2026-03-01", "2028-02-28");
	assert_true(b > 0);
	/* another village is free */
	c = dispatch(fx.other, "丙书记", 0, "2025-01-01", "2027-12-31");
	assert_true(c > 0);
	/* an end before the start is a field error, not an overlap */
	assert_int_equal(dispatch(fx.other, "丁书记", 0, "2029-01-01", "2028-12-31"), 0);
	assert_int_equal(fx.ctx.err.code, E_INVALID);
	assert_string_equal(fx.ctx.err.field, "term_end");
	/* moving b's start into a's term is refused; its own term does not count against it */
	assert_int_equal(secretary_get(&fx.ctx, b, &cur), 0);
	body = json_pack("{s:O, s:s}", "version", json_object_get(cur, "version"), "term_start", "2026-01-01");
	err_clear(&fx.ctx.err);
	assert_int_equal(secretary_update(&fx.ctx, b, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "secretary.overlap");
	json_object_set_new(body, "term_start", json_string("2026-04-01"));
	err_clear(&fx.ctx.err);
	assert_int_equal(secretary_update(&fx.ctx, b, body), 0);
	json_decref(body);
	json_decref(cur);
}

static void test_funds_in_fen(void **state)
{
	int64_t id, fid = 0;
	json_t *j, *body;
	(void)state;
	id = dispatch(fx.other, "资金书记", 0, "2030-01-01", "2031-12-31");
	assert_true(id > 0);
	/* ¥123,456.78 and one fen: exact, no float on the way */
	body = json_pack("{s:s, s:I, s:s, s:s}", "title", "产业路", "amount_fen", (json_int_t)12345678, "funded_on", "2026-05-01",
			 "source", "县财政");
	assert_int_equal(secretary_add_fund(&fx.ctx, id, body, &fid), 0);
	json_decref(body);
	body = json_pack("{s:s, s:I, s:s}", "title", "光伏", "amount_fen", (json_int_t)1, "funded_on", "2026-05-02");
	assert_int_equal(secretary_add_fund(&fx.ctx, id, body, &fid), 0);
	json_decref(body);
	body = json_pack("{s:s, s:f, s:s}", "title", "小数", "amount_fen", 1.5, "funded_on", "2026-05-02");
	err_clear(&fx.ctx.err);
	assert_int_equal(secretary_add_fund(&fx.ctx, id, body, &fid), E_MALFORMED);
	json_decref(body);
	body = json_pack("{s:s, s:I, s:s}", "title", "负数", "amount_fen", (json_int_t)-5, "funded_on", "2026-05-02");
	err_clear(&fx.ctx.err);
	assert_int_equal(secretary_add_fund(&fx.ctx, id, body, &fid), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "secretary.amount");
	json_decref(body);
	assert_int_equal(secretary_get(&fx.ctx, id, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "funds_total_fen")), 12345679);
	assert_int_equal(json_array_size(json_object_get(j, "funds")), 2);
	json_decref(j);
}

static void test_attendance_from_meetings(void **state)
{
	int64_t id, held = 0, present = 0;
	struct secretary_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	(void)state;
	/* a fresh village so earlier tests' dispatches do not overlap */
	int64_t village = life_make_org(fx.town, "branch", "考勤村党支部", 0);
	int64_t fs = life_make_member(village);
	id = dispatch(village, "考勤书记", fs, "2026-03-01", "2028-02-29");
	assert_true(id > 0);
	meet(village, "2026-02-20", fs, "present");  /* before the term */
	meet(village, "2026-03-05", fs, "present");
	meet(village, "2026-04-05", fs, "leave");
	meet(village, "2026-05-05", fs, "present");
	meet(fx.other, "2026-05-06", life_make_member(fx.other), "present"); /* another branch */
	assert_int_equal(secretary_attendance(&fx.ctx, id, &held, &present), 0);
	assert_int_equal(held, 3);
	assert_int_equal(present, 2);
	memset(&f, 0, sizeof(f));
	f.org_id = village;
	f.active_on = "2026-06-15";
	assert_int_equal(secretary_list(&fx.ctx, &f, 1, 20, &items, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "meetings_present")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "meetings")), 3);
	json_decref(items);
	f.active_on = "2026-02-01";
	assert_int_equal(secretary_list(&fx.ctx, &f, 1, 20, &items, &total), 0);
	assert_int_equal(total, 0);
	json_decref(items);
}

#define SECRETARY_TESTS                                        \
	{                                                      \
		cmocka_unit_test(test_overlap_rule),           \
		cmocka_unit_test(test_funds_in_fen),           \
		cmocka_unit_test(test_attendance_from_meetings), \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SECRETARY_TESTS;
	const struct CMUnitTest pg_tests[] = SECRETARY_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1978;
	life_member_name = "驻村党员";
	failed = cmocka_run_group_tests_name("secretaries/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("secretaries/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("secretaries/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
