/*
 * 党建课程 in the domain layer with injected dates: the default 学时 rule, assignment
 * scope (course.assign_scope; a town's assignment reaches its branches and nobody in
 * the other town), a member not assigned gets 404, finish before open is 409
 * course.not_opened, a second finish credits nothing more, the yearly cap (cap 2 学时,
 * three 1-学时 courses → 2 counted) and the course hours in compliance_member_hours and
 * compliance_hours_summary within that cap; a withdrawn course keeps what was earned.
 * Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/course.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	struct life_towns t;
	int64_t ma, mb, mc;
};

static struct fixture fx;

static int populate(int pg)
{
	struct err e;
	(void)pg;
	life_set_today(2026, 3, 10);
	config_defaults(&fx.cfg);
	if (config_set(&fx.cfg, "course.year_cap_hours=2", &e))
		return -1;
	fx.ctx.cfg = &fx.cfg;
	life_make_towns("课程", &fx.t);
	fx.ma = life_make_member(fx.t.a);
	fx.mb = life_make_member(fx.t.b);
	fx.mc = life_make_member(fx.t.c);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "courses", populate, 2 };

static void as_member(int64_t member_id, int64_t branch)
{
	life_act_as(ROLE_MEMBER, branch, member_id);
}

static int64_t version_of(int64_t id)
{
	json_t *j = NULL;
	int64_t v;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (course_get(&fx.ctx, id, &j))
		life_fail_ctx("course get", &fx.ctx);
	v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* a published text course of minutes from org, assigned to the orgs given (0-terminated) */
static int64_t course_at(int64_t org, const char *title, int minutes, int64_t assign1, int64_t assign2)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:i, s:b}", "org_id", (json_int_t)org, "title", title, "kind", "text",
				 "body", "学习党章第一章。", "duration_minutes", minutes, "publish", 1);
	int64_t id = 0;
	life_act_as(ROLE_ORG_ADMIN, org, 0);
	if (course_create(&fx.ctx, body, &id))
		life_fail_ctx("course create", &fx.ctx);
	json_decref(body);
	body = assign2 ? json_pack("{s:[I, I]}", "org_ids", (json_int_t)assign1, (json_int_t)assign2)
		       : json_pack("{s:[I]}", "org_ids", (json_int_t)assign1);
	life_act_as(ROLE_ORG_ADMIN, org, 0);
	if (course_assign(&fx.ctx, id, body))
		life_fail_ctx("course assign", &fx.ctx);
	json_decref(body);
	return id;
}

static int in_my_list(int64_t member, int64_t branch, int64_t id)
{
	json_t *items = NULL, *summary = NULL, *x;
	int64_t total = 0;
	size_t k;
	int found = 0;
	as_member(member, branch);
	if (course_mine(&fx.ctx, 1, 200, &items, &total, &summary))
		life_fail_ctx("course mine", &fx.ctx);
	json_array_foreach(items, k, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			found = 1;
	json_decref(items);
	json_decref(summary);
	return found;
}

static int open_as(int64_t member, int64_t branch, int64_t id)
{
	json_t *j = NULL;
	int rc;
	as_member(member, branch);
	rc = course_open(&fx.ctx, id, &j);
	json_decref(j);
	return rc;
}

static int finish_as(int64_t member, int64_t branch, int64_t id)
{
	json_t *j = NULL;
	int rc;
	as_member(member, branch);
	rc = course_finish(&fx.ctx, id, &j);
	json_decref(j);
	return rc;
}

/* the member's hours of year as compliance_member_hours tells them: key × 10 */
static int64_t hours_x10(int64_t member, int year, const char *key)
{
	json_t *j = NULL;
	int64_t v;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (compliance_member_hours(&fx.ctx, member, year, &j))
		life_fail_ctx("member hours", &fx.ctx);
	v = (int64_t)(json_number_value(json_object_get(j, key)) * 10 + 0.5);
	json_decref(j);
	return v;
}

static void test_hours_rule(void **state)
{
	(void)state;
	assert_int_equal(course_default_hours_x10(45, 45), 10);
	assert_int_equal(course_default_hours_x10(90, 45), 20);
	assert_int_equal(course_default_hours_x10(30, 45), 5);  /* 0.67 → 0.5 */
	assert_int_equal(course_default_hours_x10(10, 45), 5);  /* at least half a 学时 */
	assert_int_equal(course_default_hours_x10(60, 45), 15); /* 1.33 → 1.5 */
	assert_int_equal(course_capped(30, 20), 20);
	assert_int_equal(course_capped(10, 20), 10);
}

static void test_assign_scope(void **state)
{
	json_t *body;
	int64_t town_course, branch_course;
	(void)state;
	town_course = course_at(fx.t.town, "镇级课程", 45, fx.t.town, 0);
	branch_course = course_at(fx.t.a, "东村课程", 45, fx.t.a, 0);
	/* the town's assignment reaches both its branches, not the other town */
	assert_true(in_my_list(fx.ma, fx.t.a, town_course));
	assert_true(in_my_list(fx.mb, fx.t.b, town_course));
	assert_false(in_my_list(fx.mc, fx.t.c, town_course));
	assert_int_equal(open_as(fx.mc, fx.t.c, town_course), E_NOTFOUND);
	/* a branch course stays in the branch: the sibling's member gets 404 by id */
	assert_false(in_my_list(fx.mb, fx.t.b, branch_course));
	assert_int_equal(open_as(fx.mb, fx.t.b, branch_course), E_NOTFOUND);
	assert_int_equal(finish_as(fx.mb, fx.t.b, branch_course), E_NOTFOUND);
	/* a publisher assigns only within its own subtree */
	body = json_pack("{s:[I]}", "org_ids", (json_int_t)fx.t.c);
	life_act_as(ROLE_ORG_ADMIN, fx.t.top, 0);
	assert_int_equal(course_assign(&fx.ctx, town_course, body), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "course.assign_scope");
	json_decref(body);
	/* a branch secretary cannot assign to the sibling branch (outside their scope) */
	body = json_pack("{s:[I]}", "org_ids", (json_int_t)fx.t.b);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_not_equal(course_assign(&fx.ctx, branch_course, body), 0);
	json_decref(body);
	/* unassigned: nobody sees it */
	body = json_pack("{s:[]}", "org_ids");
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_assign(&fx.ctx, town_course, body), 0);
	json_decref(body);
	assert_false(in_my_list(fx.ma, fx.t.a, town_course));
	assert_int_equal(open_as(fx.ma, fx.t.a, town_course), E_NOTFOUND);
	/* a draft reaches nobody even when assigned */
	body = json_pack("{s:I, s:s, s:s, s:s, s:i}", "org_id", (json_int_t)fx.t.a, "title", "草稿课程", "kind", "text", "body",
			 "x", "duration_minutes", 45);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(course_create(&fx.ctx, body, &branch_course), 0);
	json_decref(body);
	body = json_pack("{s:[I]}", "org_ids", (json_int_t)fx.t.a);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(course_assign(&fx.ctx, branch_course, body), 0);
	json_decref(body);
	assert_int_equal(open_as(fx.ma, fx.t.a, branch_course), E_NOTFOUND);
	/* the manager's side: a branch secretary cannot read the town's course */
	life_act_as(ROLE_SECRETARY, fx.t.b, 0);
	body = NULL;
	assert_int_equal(course_get(&fx.ctx, town_course, &body), E_NOTFOUND);
}

static void test_open_finish_once(void **state)
{
	json_t *items = NULL, *summary = NULL;
	int64_t id, total = 0;
	(void)state;
	id = course_at(fx.t.town, "党章学习", 45, fx.t.a, fx.t.b);
	assert_int_equal(finish_as(fx.ma, fx.t.a, id), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "course.not_opened");
	assert_int_equal(hours_x10(fx.ma, 2026, "course_hours"), 0);
	assert_int_equal(open_as(fx.ma, fx.t.a, id), 0);
	assert_int_equal(open_as(fx.ma, fx.t.a, id), 0);
	assert_int_equal(finish_as(fx.ma, fx.t.a, id), 0);
	/* a second finish, even in another year, changes nothing: credited once, in the first year */
	life_set_today(2027, 1, 2);
	assert_int_equal(finish_as(fx.ma, fx.t.a, id), 0);
	life_set_today(2026, 3, 10);
	assert_int_equal(hours_x10(fx.ma, 2026, "course_hours"), 10);
	assert_int_equal(hours_x10(fx.ma, 2027, "course_hours"), 0);
	assert_int_equal(hours_x10(fx.ma, 2026, "hours"), 10);
	assert_int_equal(hours_x10(fx.ma, 2025, "course_hours"), 0);
	/* the manager's tally: two assigned, one opened, one finished */
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_completions(&fx.ctx, id, 0, NULL, 1, 50, &items, &total, &summary), 0);
	assert_int_equal(total, 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(summary, "totals"), "finished")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(summary, "totals"), "assigned")), 2);
	assert_int_equal(json_array_size(json_object_get(summary, "branches")), 2);
	json_decref(items);
	json_decref(summary);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_completions(&fx.ctx, id, 0, "finished", 1, 50, &items, &total, &summary), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	json_decref(summary);
}

static void test_year_cap(void **state)
{
	json_t *j = NULL, *body;
	int64_t c1, c2, c3, c4;
	(void)state;
	c1 = course_at(fx.t.town, "一学时课程甲", 45, fx.t.town, 0);
	c2 = course_at(fx.t.town, "一学时课程乙", 45, fx.t.town, 0);
	c3 = course_at(fx.t.town, "一学时课程丙", 45, fx.t.town, 0);
	assert_int_equal(open_as(fx.mb, fx.t.b, c1), 0);
	assert_int_equal(finish_as(fx.mb, fx.t.b, c1), 0);
	assert_int_equal(open_as(fx.mb, fx.t.b, c2), 0);
	assert_int_equal(finish_as(fx.mb, fx.t.b, c2), 0);
	assert_int_equal(open_as(fx.mb, fx.t.b, c3), 0);
	assert_int_equal(finish_as(fx.mb, fx.t.b, c3), 0);
	/* three 1-学时 courses under a cap of 2: 2 counted, 3 earned */
	assert_int_equal(hours_x10(fx.mb, 2026, "course_hours"), 20);
	assert_int_equal(hours_x10(fx.mb, 2026, "course_hours_earned"), 30);
	assert_int_equal(hours_x10(fx.mb, 2026, "hours"), 20);
	assert_int_equal(hours_x10(fx.mb, 2026, "meeting_hours"), 0);
	ctx_as_system(&fx.ctx);
	assert_int_equal(compliance_member_hours(&fx.ctx, fx.mb, 2026, &j), 0);
	assert_int_equal(json_array_size(json_object_get(j, "courses")), 3);
	json_decref(j);
	/* the summary of the town counts the same, within the cap */
	ctx_as_system(&fx.ctx);
	assert_int_equal(compliance_hours_summary(&fx.ctx, fx.t.b, 2026, 1, 50, &j), 0);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_int_equal((int)(json_number_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "hours")) * 10),
			 20);
	json_decref(j);
	/* next year counts apart */
	life_set_today(2027, 1, 5);
	c4 = course_at(fx.t.town, "新年课程", 90, fx.t.town, 0);
	assert_int_equal(open_as(fx.mb, fx.t.b, c4), 0);
	assert_int_equal(finish_as(fx.mb, fx.t.b, c4), 0);
	assert_int_equal(hours_x10(fx.mb, 2027, "course_hours"), 20);
	assert_int_equal(hours_x10(fx.mb, 2026, "course_hours"), 20);
	/* a withdrawn course keeps the completions already earned */
	body = json_pack("{s:I}", "version", (json_int_t)version_of(c4));
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_withdraw(&fx.ctx, c4, body), 0);
	json_decref(body);
	assert_false(in_my_list(fx.mb, fx.t.b, c4));
	assert_int_equal(hours_x10(fx.mb, 2027, "course_hours"), 20);
	life_set_today(2026, 3, 10);
}

static void test_publish_rules(void **state)
{
	json_t *body;
	int64_t id = 0;
	(void)state;
	/* a PDF course cannot be published without its file */
	body = json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)fx.t.town, "title", "PDF 课程", "kind", "pdf",
			 "duration_minutes", 30);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_create(&fx.ctx, body, &id), 0);
	json_decref(body);
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_publish(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "course.no_file");
	json_decref(body);
	/* 422s name their fields */
	body = json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)fx.t.town, "title", "x", "kind", "audio",
			 "duration_minutes", 30);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "kind");
	json_decref(body);
	body = json_pack("{s:I, s:s, s:s, s:i, s:f}", "org_id", (json_int_t)fx.t.town, "title", "x", "kind", "text",
			 "duration_minutes", 30, "hours", 0.3);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(course_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "hours");
	json_decref(body);
	/* a member cannot manage */
	as_member(fx.ma, fx.t.a);
	body = json_pack("{s:s, s:s, s:i}", "title", "x", "kind", "text", "duration_minutes", 30);
	assert_int_equal(course_create(&fx.ctx, body, &id), E_FORBIDDEN);
	json_decref(body);
}

#define COURSE_TESTS                                           \
	{                                                      \
		cmocka_unit_test(test_hours_rule),             \
		cmocka_unit_test(test_assign_scope),           \
		cmocka_unit_test(test_open_finish_once),       \
		cmocka_unit_test(test_year_cap),               \
		cmocka_unit_test(test_publish_rules),          \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = COURSE_TESTS;
	const struct CMUnitTest pg_tests[] = COURSE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1986;
	life_member_name = "课程党员";
	failed = cmocka_run_group_tests_name("courses/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("courses/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("courses/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
