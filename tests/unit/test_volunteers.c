/*
 * 志愿服务 in the domain layer: the hours rule (0.1 … 24, one decimal, tenths stored
 * exactly: 2.5 → 25, 0.1 + 0.2 adds to 0.3), per-member totals of a year from one
 * grouped query (other years and other scopes left out), a member's own year, and
 * totals following an edit. Runs on SQLite and on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/volunteer.h"
#include "support/life_fixture.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, b1, b2, m[3], far;
};

static struct fixture fx;

static int populate(int pg)
{
	int i;
	(void)pg;
	life_set_today(2026, 6, 15);
	fx.top = life_make_org(0, "dept", "志愿组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "志愿镇党委", 0);
	fx.b1 = life_make_org(fx.town, "branch", "志愿一支部", 0);
	fx.b2 = life_make_org(fx.town, "branch", "志愿二支部", 0);
	for (i = 0; i < 3; i++)
		fx.m[i] = life_make_member(fx.b1);
	fx.far = life_make_member(fx.b2);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "volunteers", populate, 2 };

static int parse(json_t *v, int *x10)
{
	int rc;
	err_clear(&fx.ctx.err);
	rc = volunteer_hours_parse(&fx.ctx, v, "hours", x10);
	json_decref(v);
	return rc;
}

static void test_hours_rule(void **state)
{
	int x10 = -1;
	(void)state;
	assert_int_equal(parse(json_real(2.5), &x10), 0);
	assert_int_equal(x10, 25);
	assert_int_equal(parse(json_real(0.1), &x10), 0);
	assert_int_equal(x10, 1);
	assert_int_equal(parse(json_integer(24), &x10), 0);
	assert_int_equal(x10, 240);
	assert_int_equal(parse(json_real(0.1 + 0.2), &x10), 0); /* 0.30000000000000004 is still one decimal */
	assert_int_equal(x10, 3);
	assert_int_equal(parse(json_real(24.1), &x10), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "volunteer.hours");
	assert_int_equal(parse(json_real(2.55), &x10), E_INVALID);
	assert_int_equal(parse(json_integer(0), &x10), E_INVALID);
	assert_int_equal(parse(json_real(-0.5), &x10), E_INVALID);
	assert_int_equal(parse(json_string("2"), &x10), E_MALFORMED);
}

static int64_t team(int64_t org, const char *name)
{
	json_t *body = json_pack("{s:I, s:s, s:[I, I]}", "org_id", (json_int_t)org, "name", name, "member_ids",
				 (json_int_t)fx.m[0], (json_int_t)fx.m[1]);
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (volunteer_team_create(&fx.ctx, body, &id))
		life_fail_ctx("team", &fx.ctx);
	json_decref(body);
	return id;
}

static int64_t activity(int64_t team_id, const char *on, double hours, json_t *ids)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:f, s:o}", "team_id", (json_int_t)team_id, "held_on", on, "title", "服务",
				 "hours", hours, "member_ids", ids);
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (volunteer_activity_create(&fx.ctx, body, &id))
		life_fail_ctx("activity", &fx.ctx);
	json_decref(body);
	return id;
}

/* hours_x10 of member in items, -1 if absent */
static int64_t x10_of(json_t *items, int64_t member)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "member_id")) == member)
			return json_integer_value(json_object_get(it, "hours_x10"));
	return -1;
}

static void test_totals(void **state)
{
	int64_t t1, t2, a;
	json_t *items = NULL, *me = NULL, *cur = NULL, *body;
	int64_t total = 0;
	(void)state;
	t1 = team(fx.b1, "一支部服务队");
	t2 = team(fx.b2, "二支部服务队");
	a = activity(t1, "2026-03-01", 0.1, json_pack("[I, I]", (json_int_t)fx.m[0], (json_int_t)fx.m[1]));
	activity(t1, "2026-04-01", 0.2, json_pack("[I]", (json_int_t)fx.m[0]));
	activity(t1, "2025-12-31", 5.0, json_pack("[I]", (json_int_t)fx.m[0]));      /* last year */
	activity(t2, "2026-05-01", 3.5, json_pack("[I, I]", (json_int_t)fx.m[2], (json_int_t)fx.far));
	assert_int_equal(volunteer_hours_list(&fx.ctx, fx.town, 2026, 1, 50, &items, &total), 0);
	assert_int_equal(total, 4);
	assert_int_equal(x10_of(items, fx.m[0]), 3); /* 0.1 + 0.2 = 0.3 exactly */
	assert_int_equal(x10_of(items, fx.m[1]), 1);
	assert_int_equal(x10_of(items, fx.m[2]), 35);
	/* most hours first */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "hours_x10")), 35);
	json_decref(items);
	/* the scope of one branch keeps its activities only */
	assert_int_equal(volunteer_hours_list(&fx.ctx, fx.b1, 2026, 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(x10_of(items, fx.m[2]), -1);
	json_decref(items);
	assert_int_equal(volunteer_member_hours(&fx.ctx, fx.m[0], 2025, &me), 0);
	assert_int_equal(json_integer_value(json_object_get(me, "hours_x10")), 50);
	json_decref(me);
	/* an edit moves the totals at once: the first activity becomes 1.5 h for m0 only */
	assert_int_equal(volunteer_activity_get(&fx.ctx, a, &cur), 0);
	body = json_pack("{s:O, s:f, s:[I]}", "version", json_object_get(cur, "version"), "hours", 1.5, "member_ids",
			 (json_int_t)fx.m[0]);
	assert_int_equal(volunteer_activity_update(&fx.ctx, a, body), 0);
	json_decref(body);
	json_decref(cur);
	assert_int_equal(volunteer_member_hours(&fx.ctx, fx.m[0], 2026, &me), 0);
	assert_int_equal(json_integer_value(json_object_get(me, "hours_x10")), 17);
	assert_int_equal(json_integer_value(json_object_get(me, "activities")), 2);
	json_decref(me);
	assert_int_equal(volunteer_hours_list(&fx.ctx, fx.b1, 2026, 1, 50, &items, &total), 0);
	assert_int_equal(x10_of(items, fx.m[1]), -1);
	json_decref(items);
	/* a stale version is a conflict */
	body = json_pack("{s:i, s:f}", "version", 1, "hours", 2.0);
	err_clear(&fx.ctx.err);
	assert_int_equal(volunteer_activity_update(&fx.ctx, a, body), E_CONFLICT);
	json_decref(body);
	/* a future date is refused */
	body = json_pack("{s:I, s:s, s:s, s:f, s:[I]}", "team_id", (json_int_t)t1, "held_on", "2026-06-16", "title", "明天",
			 "hours", 1.0, "member_ids", (json_int_t)fx.m[0]);
	err_clear(&fx.ctx.err);
	assert_int_equal(volunteer_activity_create(&fx.ctx, body, &a), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "held_on");
	json_decref(body);
}

#define VOLUNTEER_TESTS                               \
	{                                             \
		cmocka_unit_test(test_hours_rule),    \
		cmocka_unit_test(test_totals),        \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = VOLUNTEER_TESTS;
	const struct CMUnitTest pg_tests[] = VOLUNTEER_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1985;
	life_member_name = "志愿党员";
	failed = cmocka_run_group_tests_name("volunteers/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("volunteers/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("volunteers/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
