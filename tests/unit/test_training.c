/*
 * 冬春轮训 (domain/training.c) with an injected date: a training across two branches
 * writes one 集中学习 meeting per branch, credits its hours to the present members of
 * both (and to nobody on leave or absent, nor in a branch not taking part), and each
 * rule refuses without writing anything: training.branch_scope, training.branches,
 * training.hours, training.organizer, training.attendee. Runs on SQLite and again on
 * PostgreSQL when DJ_TEST_PG_URL is set.
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
#include <unistd.h>
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/training.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee, other_committee;
	int64_t a, b, c, far;   /* a, b, c: branches of committee; far: a branch of other_committee */
	int64_t ga1;            /* a 党小组 of a */
	int64_t am[3], bm[2], cm, farm;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	fx.top = life_make_org(0, "dept", "测试组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "测试党委", 0);
	fx.other_committee = life_make_org(fx.top, "committee", "另一党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "第一党支部", 0);
	fx.b = life_make_org(fx.committee, "branch", "第二党支部", 0);
	fx.c = life_make_org(fx.committee, "branch", "第三党支部", 0);
	fx.far = life_make_org(fx.other_committee, "branch", "另一党支部", 0);
	fx.ga1 = life_make_org(fx.a, "group", "第一党小组", 0);
	fx.am[0] = life_make_member(fx.a);
	fx.am[1] = life_make_member(fx.a);
	fx.am[2] = life_make_member_ex(fx.a, fx.ga1, "probationary", "none", NULL);
	fx.bm[0] = life_make_member(fx.b);
	fx.bm[1] = life_make_member(fx.b);
	fx.cm = life_make_member(fx.c);
	fx.farm = life_make_member(fx.far);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "training", populate, 2 };

/* ---- helpers ---- */

static json_t *body_for(int64_t organizer, json_t *branches, double hours)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:f}", "org_id", (json_int_t)organizer, "branches", branches,
			 "topic", "学习贯彻党的二十大精神", "held_on", "2025-01-15", "start_time", "09:00", "end_time",
			 "11:30", "hours", hours);
}

static double hours_of(int64_t member)
{
	json_t *j = NULL;
	double h;
	err_clear(&fx.ctx.err);
	if (compliance_member_hours(&fx.ctx, member, 2025, &j))
		life_fail_ctx("compliance_member_hours", &fx.ctx);
	h = json_real_value(json_object_get(j, "hours"));
	json_decref(j);
	return h;
}

static int64_t count_rows(const char *sql)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, NULL);
	int64_t n = -1;
	assert_non_null(st);
	if (stmt_step(st, NULL) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/* A refused body writes no training and no meeting. */
static void refused(json_t *body, const char *rule, const char *field)
{
	int64_t id = 0, t0 = count_rows("SELECT count(*) FROM trainings"), m0 = count_rows("SELECT count(*) FROM meetings");
	err_clear(&fx.ctx.err);
	assert_int_not_equal(training_create(&fx.ctx, body, &id), 0);
	assert_string_equal(fx.ctx.err.rule, rule);
	if (field)
		assert_string_equal(fx.ctx.err.field, field);
	assert_int_equal(id, 0);
	assert_int_equal(count_rows("SELECT count(*) FROM trainings"), t0);
	assert_int_equal(count_rows("SELECT count(*) FROM meetings"), m0);
	json_decref(body);
}

/* ---- tests ---- */

static void test_two_branches_credit_present_members(void **state)
{
	json_t *body, *j = NULL, *br;
	int64_t id = 0;
	double a0, a1, a2, b0, b1, c0;
	(void)state;
	life_set_today(2025, 3, 1);
	a0 = hours_of(fx.am[0]);
	a1 = hours_of(fx.am[1]);
	a2 = hours_of(fx.am[2]);
	b0 = hours_of(fx.bm[0]);
	b1 = hours_of(fx.bm[1]);
	c0 = hours_of(fx.cm);
	body = body_for(fx.committee, json_pack("[I, I]", (json_int_t)fx.a, (json_int_t)fx.b), 2.5);
	/* one exception per branch: the rest are present by default */
	json_object_set_new(body, "attendance",
			    json_pack("[{s:I, s:s, s:s}, {s:I, s:s}]", "member_id", (json_int_t)fx.am[1], "status", "leave",
				      "reason", "出差", "member_id", (json_int_t)fx.bm[1], "status", "absent"));
	err_clear(&fx.ctx.err);
	if (training_create(&fx.ctx, body, &id))
		life_fail_ctx("training_create", &fx.ctx);
	json_decref(body);
	assert_true(id > 0);

	assert_true(hours_of(fx.am[0]) - a0 > 2.49 && hours_of(fx.am[0]) - a0 < 2.51);
	assert_true(hours_of(fx.am[2]) - a2 > 2.49); /* a 党小组 member of the branch is on its roster */
	assert_true(hours_of(fx.bm[0]) - b0 > 2.49 && hours_of(fx.bm[0]) - b0 < 2.51);
	assert_true(hours_of(fx.am[1]) - a1 < 0.01);   /* on leave */
	assert_true(hours_of(fx.bm[1]) - b1 < 0.01);   /* absent */
	assert_true(hours_of(fx.cm) - c0 < 0.01);      /* branch not taking part */

	err_clear(&fx.ctx.err);
	assert_int_equal(training_get(&fx.ctx, id, &j), 0);
	br = json_object_get(j, "branches");
	assert_int_equal(json_array_size(br), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "branch_count")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(br, 0), "counts"), "present")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(br, 0), "counts"), "leave")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(br, 1), "counts"), "absent")), 1);
	json_decref(j);
	/* the branch meetings are 集中学习 of their branch, linked to the training */
	{
		char sql[200];
		xsnprintf(sql, sizeof(sql), "SELECT count(*) FROM meetings WHERE training_id = %" PRId64 " AND kind = 'study'", id);
		assert_int_equal(count_rows(sql), 2);
	}
	{
		json_t *items = NULL;
		int64_t total = 0;
		err_clear(&fx.ctx.err);
		assert_int_equal(training_list(&fx.ctx, fx.committee, 2025, 1, 50, &items, &total), 0);
		assert_true(total >= 1);
		json_decref(items);
		assert_int_equal(training_list(&fx.ctx, fx.other_committee, 2025, 1, 50, &items, &total), 0);
		assert_int_equal(total, 0);
		json_decref(items);
	}
}

static void test_rules(void **state)
{
	json_t *body;
	(void)state;
	life_set_today(2025, 3, 1);
	/* a branch of another committee is outside the organizer's subtree */
	refused(body_for(fx.committee, json_pack("[I, I]", (json_int_t)fx.a, (json_int_t)fx.far), 2),
		"training.branch_scope", "branches[1]");
	/* the organizer itself or a 党小组 is not a participating branch */
	refused(body_for(fx.committee, json_pack("[I]", (json_int_t)fx.committee), 2), "training.branch_scope", "branches[0]");
	refused(body_for(fx.committee, json_pack("[I]", (json_int_t)fx.ga1), 2), "training.branch_scope", "branches[0]");
	refused(body_for(fx.committee, json_array(), 2), "training.branches", "branches");
	refused(body_for(fx.committee, json_pack("[I, I]", (json_int_t)fx.a, (json_int_t)fx.a), 2), "training.branches",
		"branches[1]");
	refused(body_for(fx.committee, json_pack("[I]", (json_int_t)fx.a), 0), "training.hours", "hours");
	refused(body_for(fx.committee, json_pack("[I]", (json_int_t)fx.a), -1), "training.hours", "hours");
	refused(body_for(fx.a, json_pack("[I]", (json_int_t)fx.a), 2), "training.organizer", "org_id");
	/* a member of a branch not taking part */
	body = body_for(fx.committee, json_pack("[I]", (json_int_t)fx.a), 2);
	json_object_set_new(body, "attendance", json_pack("[{s:I, s:s}]", "member_id", (json_int_t)fx.cm, "status", "absent"));
	refused(body, "training.attendee", "attendance[0]");
	/* a branch meeting refused by meeting.c (bad status) leaves nothing either */
	body = body_for(fx.committee, json_pack("[I, I]", (json_int_t)fx.a, (json_int_t)fx.b), 2);
	json_object_set_new(body, "attendance", json_pack("[{s:I, s:s}]", "member_id", (json_int_t)fx.bm[0], "status", "late"));
	refused(body, "meeting.attendance_status", NULL);
	/* a future date is refused by the meeting rules */
	body = body_for(fx.committee, json_pack("[I]", (json_int_t)fx.a), 2);
	json_object_set_new(body, "held_on", json_string("2025-06-01"));
	refused(body, "field.date_future", "held_on");
}

static void test_scope(void **state)
{
	json_t *j = NULL;
	int64_t id = 0;
	struct actor saved = fx.ctx.actor;
	json_t *body;
	(void)state;
	life_set_today(2025, 3, 1);
	body = body_for(fx.committee, json_pack("[I]", (json_int_t)fx.c), 1);
	err_clear(&fx.ctx.err);
	if (training_create(&fx.ctx, body, &id))
		life_fail_ctx("training_create", &fx.ctx);
	json_decref(body);
	/* an admin of the other committee neither sees it nor may organize for these branches */
	fx.ctx.actor.role = ROLE_ORG_ADMIN;
	{
		struct org o;
		err_clear(&fx.ctx.err);
		assert_int_equal(org_get(&fx.ctx, fx.other_committee, &o), 0);
		fx.ctx.actor.org_id = o.id;
		strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
	}
	err_clear(&fx.ctx.err);
	assert_int_equal(training_get(&fx.ctx, id, &j), E_NOTFOUND);
	refused(body_for(fx.committee, json_pack("[I]", (json_int_t)fx.c), 1), "org.scope", "org_id");
	body = body_for(fx.other_committee, json_pack("[I]", (json_int_t)fx.c), 1);
	refused(body, "training.branch_scope", "branches[0]");
	fx.ctx.actor = saved;
}

#define TRAINING_TESTS                                                      \
	{                                                                   \
		cmocka_unit_test(test_two_branches_credit_present_members), \
		cmocka_unit_test(test_rules),                               \
		cmocka_unit_test(test_scope),                               \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = TRAINING_TESTS;
	const struct CMUnitTest pg_tests[] = TRAINING_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("training/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("training/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("training/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
