/*
 * 民主评议党员, the 支委会 quorum and the 主题党日 plan in the domain layer with injected
 * dates (RULES.md §2, §4): the ⅓ 优秀 cap at its boundary (9 graded → 3 优秀, not 4),
 * 预备党员 not graded, closing only when complete, the 不合格 follow-up with its
 * deadline and outcomes, a 支委会 refused at exactly half its committee, and the plan
 * against the calendar. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/appraisal.h"
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define N_FULL 9

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee;
	int64_t a;                 /* 9 full members and one 预备党员 */
	int64_t b;                 /* committee of 4, four members */
	int64_t c;                 /* no committee */
	int64_t full[N_FULL], prob;
	int64_t b_members[4];
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "评议组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "评议党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "评议第一党支部", 3);
	fx.b = life_make_org(fx.committee, "branch", "评议第二党支部", 4);
	fx.c = life_make_org(fx.committee, "branch", "评议第三党支部", 0);
	life_make_members(fx.a, fx.full, N_FULL);
	fx.prob = life_make_member_ex(fx.a, 0, "probationary", "none", NULL);
	life_make_members(fx.b, fx.b_members, 4);
	life_make_member_ex(fx.c, 0, "full", "none", NULL);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "appraisal", populate, 2 };

/* ---- helpers ---- */

static int64_t open_round(int64_t org, int year)
{
	json_t *body = json_pack("{s:I, s:i}", "org_id", (json_int_t)org, "year", year);
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (appraisal_open(&fx.ctx, body, &id))
		life_fail_ctx("appraisal_open", &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *get_round(int64_t id)
{
	json_t *r = NULL;
	err_clear(&fx.ctx.err);
	if (appraisal_get(&fx.ctx, id, &r))
		life_fail_ctx("appraisal_get", &fx.ctx);
	return r;
}

static json_t *entry_of(json_t *round, int64_t member)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(round, "entries"), i, e)
		if (json_integer_value(json_object_get(e, "member_id")) == member)
			return e;
	return NULL;
}

/* Decides one member's category (NULL: clears it) at the entry's current version; returns the code. */
static int decide(int64_t round, int64_t member, const char *category)
{
	json_t *r = get_round(round), *e = entry_of(r, member), *body;
	int rc;
	assert_non_null(e);
	body = json_pack("{s:O, s:s?}", "version", json_object_get(e, "version"), "category", category);
	if (!category)
		json_object_set_new(body, "category", json_null());
	err_clear(&fx.ctx.err);
	rc = appraisal_decide(&fx.ctx, round, member, body);
	json_decref(body);
	json_decref(r);
	return rc;
}

static int close_round(int64_t round)
{
	json_t *r = get_round(round), *body = json_pack("{s:O}", "version", json_object_get(r, "version"));
	int rc;
	err_clear(&fx.ctx.err);
	rc = appraisal_close(&fx.ctx, round, body);
	json_decref(body);
	json_decref(r);
	return rc;
}

static int64_t summary(json_t *round, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(round, "summary"), key));
}

/* ---- 民主评议 ---- */

static void test_roster_and_one_round_a_year(void **state)
{
	json_t *r, *body;
	int64_t id, other;
	(void)state;
	id = open_round(fx.a, 2025);
	r = get_round(id);
	assert_int_equal(summary(r, "members"), N_FULL + 1);
	assert_int_equal(summary(r, "graded"), N_FULL);
	assert_int_equal(summary(r, "excellent_cap"), 3);
	assert_false(json_is_true(json_object_get(entry_of(r, fx.full[0]), "probationary")));
	assert_true(json_is_true(json_object_get(entry_of(r, fx.prob), "probationary")));
	json_decref(r);
	/* one round per branch and year */
	body = json_pack("{s:I, s:i}", "org_id", (json_int_t)fx.a, "year", 2025);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_open(&fx.ctx, body, &other), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "appraisal.duplicate");
	json_decref(body);
	/* held by a 党支部, not in the future */
	body = json_pack("{s:I, s:i}", "org_id", (json_int_t)fx.committee, "year", 2025);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_open(&fx.ctx, body, &other), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "appraisal.org_kind");
	json_decref(body);
	body = json_pack("{s:I, s:i}", "org_id", (json_int_t)fx.b, "year", 2027);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_open(&fx.ctx, body, &other), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "appraisal.year");
	json_decref(body);
}

static void test_excellent_cap_boundary(void **state)
{
	int64_t id;
	int i;
	(void)state;
	id = open_round(fx.a, 2024);
	/* 9 graded (the 预备党员 not counted): 3 优秀 allowed */
	for (i = 0; i < 3; i++)
		if (decide(id, fx.full[i], "excellent"))
			life_fail_ctx("decide excellent", &fx.ctx);
	assert_int_equal(decide(id, fx.full[3], "excellent"), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "appraisal.excellent_cap");
	assert_non_null(strstr(fx.ctx.err.message, "参加评定 9 名，优秀最多 3 名，已评 3 名"));
	/* re-deciding one of the three as 优秀 does not count it twice */
	assert_int_equal(decide(id, fx.full[2], "excellent"), 0);
	/* freeing a place lets another take it */
	assert_int_equal(decide(id, fx.full[2], "qualified"), 0);
	assert_int_equal(decide(id, fx.full[3], "excellent"), 0);
}

static void test_probationary_not_graded(void **state)
{
	json_t *r, *e, *body;
	int64_t id;
	(void)state;
	id = open_round(fx.a, 2023);
	assert_int_equal(decide(id, fx.prob, "qualified"), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "appraisal.probationary");
	/* but takes part: self-assessment and votes are recorded */
	r = get_round(id);
	e = entry_of(r, fx.prob);
	body = json_pack("{s:O, s:s, s:{s:i, s:i}}", "version", json_object_get(e, "version"), "self_assessment",
			 "一年来认真学习党章。\n按时参加组织生活。", "mutual", "qualified", 8, "excellent", 1);
	err_clear(&fx.ctx.err);
	if (appraisal_decide(&fx.ctx, id, fx.prob, body))
		life_fail_ctx("decide probationary", &fx.ctx);
	json_decref(body);
	json_decref(r);
	r = get_round(id);
	e = entry_of(r, fx.prob);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "mutual"), "qualified")), 8);
	assert_true(json_is_null(json_object_get(e, "category")));
	/* a stale version is refused */
	body = json_pack("{s:i, s:s}", "version", 1, "self_assessment", "旧版本");
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_decide(&fx.ctx, id, fx.prob, body), E_CONFLICT);
	json_decref(body);
	json_decref(r);
}

static void test_close_and_followups(void **state)
{
	json_t *r, *items = NULL, *f, *body;
	int64_t id, total, fid;
	int i;
	(void)state;
	life_set_today(2026, 1, 20);
	id = open_round(fx.a, 2022);
	for (i = 0; i < N_FULL - 1; i++)
		if (decide(id, fx.full[i], i == 0 ? "unqualified" : i == 1 ? "basic" : "qualified"))
			life_fail_ctx("decide", &fx.ctx);
	/* one graded member without a category: refused (the 预备党员 is not needed) */
	assert_int_equal(close_round(id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "appraisal.incomplete");
	assert_non_null(strstr(fx.ctx.err.message, "还有 1 名"));
	assert_int_equal(decide(id, fx.full[N_FULL - 1], "unqualified"), 0);
	assert_int_equal(close_round(id), 0);
	r = get_round(id);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "closed");
	assert_string_equal(json_string_value(json_object_get(r, "closed_on")), "2026-01-20");
	json_decref(r);
	/* closed: no more decisions, no second close */
	assert_int_equal(decide(id, fx.full[1], "qualified"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "appraisal.closed");
	assert_int_equal(close_round(id), E_CONFLICT);

	/* two 不合格 → two follow-ups, 限期改正 for 12 months */
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followups_list(&fx.ctx, fx.a, 0, 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	f = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(f, "deadline")), "2027-01-20");
	assert_string_equal(json_string_value(json_object_get(f, "status")), "correcting");
	assert_int_equal(json_integer_value(json_object_get(f, "correction_months")), 12);
	assert_false(json_is_true(json_object_get(f, "overdue")));
	fid = json_integer_value(json_object_get(f, "id"));
	/* 劝退 only once the period has run out */
	body = json_pack("{s:i, s:s}", "version", 1, "outcome", "persuaded");
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followup_record(&fx.ctx, fid, body), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "appraisal.correction_period");
	json_decref(items);
	/* a day after the deadline both are overdue */
	life_set_today(2027, 1, 21);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followups_list(&fx.ctx, fx.a, 1, 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
	json_decref(items);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followup_record(&fx.ctx, fid, body), 0);
	json_decref(body);
	/* 劝退 refused → 除名; then nothing more */
	body = json_pack("{s:i, s:s, s:s}", "version", 2, "outcome", "removed", "note", "劝退不退");
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followup_record(&fx.ctx, fid, body), 0);
	json_decref(body);
	body = json_pack("{s:i, s:s}", "version", 3, "outcome", "corrected");
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followup_record(&fx.ctx, fid, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "appraisal.followup_closed");
	json_decref(body);
	err_clear(&fx.ctx.err);
	assert_int_equal(appraisal_followups_list(&fx.ctx, fx.a, 1, 1, 50, &items, &total), 0);
	assert_int_equal(total, 1); /* the other is still overdue */
	json_decref(items);
	life_set_today(2026, 3, 10);
}

/* ---- 支委会 quorum ---- */

static json_t *committee_attendance(int flagged, int present_flagged)
{
	json_t *arr = json_array();
	int i;
	for (i = 0; i < 4; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:b}", "member_id", (json_int_t)fx.b_members[i], "status",
						     i < present_flagged ? "present" : "absent", "committee", i < flagged));
	return arr;
}

static int committee_meeting(int64_t org, json_t *attendance, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "kind", "committee", "held_on",
				 "2026-03-02", "start_time", "14:00", "end_time", "15:00");
	int rc;
	if (attendance)
		json_object_set_new(body, "attendance", attendance);
	err_clear(&fx.ctx.err);
	rc = meeting_create(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

static void test_committee_quorum(void **state)
{
	int64_t id;
	json_t *m;
	(void)state;
	/* committee of 4: exactly half (2) present is not more than half */
	assert_int_equal(committee_meeting(fx.b, committee_attendance(4, 2), &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.committee_quorum");
	assert_non_null(strstr(fx.ctx.err.message, "委员 4 名，到会 2 名"));
	/* nobody named as 支委 (default attendance) is not a quorum */
	assert_int_equal(committee_meeting(fx.b, NULL, &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.committee_quorum");
	/* a branch without a committee holds no 支委会 */
	assert_int_equal(committee_meeting(fx.c, NULL, &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.committee_quorum");
	/* 3 of 4 */
	if (committee_meeting(fx.b, committee_attendance(4, 3), &id))
		life_fail_ctx("committee 3 of 4", &fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_get(&fx.ctx, id, &m), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "committee_quorum"), "present")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "committee_quorum"), "committee_size")), 4);
	json_decref(m);
	/* the flag belongs to a 支委会 only */
	{
		json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:[{s:I, s:s, s:b}]}", "org_id", (json_int_t)fx.b, "kind",
					 "theme_day", "held_on", "2026-03-02", "start_time", "09:00", "end_time", "10:00",
					 "attendance", "member_id", (json_int_t)fx.b_members[0], "status", "present",
					 "committee", 1);
		err_clear(&fx.ctx.err);
		assert_int_equal(meeting_create(&fx.ctx, body, &id), E_INVALID);
		assert_string_equal(fx.ctx.err.rule, "meeting.committee_flag");
		json_decref(body);
	}
}

/* ---- 主题党日 plan and calendar ---- */

static void test_plan_and_calendar(void **state)
{
	json_t *body, *cal, *p, *day;
	int64_t id, id2, mid;
	int created;
	(void)state;
	body = json_pack("{s:I, s:i, s:[{s:i, s:s}, {s:i, s:s}]}", "org_id", (json_int_t)fx.b, "year", 2026, "items",
			 "month", 3, "topic", "学雷锋志愿服务", "month", 4, "topic", "清明祭英烈");
	err_clear(&fx.ctx.err);
	if (meeting_plan_set(&fx.ctx, body, &id, &created))
		life_fail_ctx("meeting_plan_set", &fx.ctx);
	assert_true(created);
	/* the second write replaces it and needs the version */
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_plan_set(&fx.ctx, body, &id2, &created), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "version");
	json_object_set_new(body, "version", json_integer(1));
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_plan_set(&fx.ctx, body, &id2, &created), 0);
	assert_int_equal(id2, id);
	assert_false(created);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_plan_set(&fx.ctx, body, &id2, &created), E_CONFLICT); /* version 1 is stale now */
	json_decref(body);
	body = json_pack("{s:I, s:i, s:i, s:[{s:i, s:s}, {s:i, s:s}]}", "org_id", (json_int_t)fx.b, "year", 2026,
			 "version", 2, "items", "month", 3, "topic", "甲", "month", 3, "topic", "乙");
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_plan_set(&fx.ctx, body, &id2, &created), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "meeting_plan.month");
	json_decref(body);

	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_calendar(&fx.ctx, fx.b, 2026, 3, &cal), 0);
	assert_int_equal(json_array_size(json_object_get(cal, "days")), 31);
	p = json_array_get(json_object_get(cal, "planned"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "topic")), "学雷锋志愿服务");
	assert_false(json_is_true(json_object_get(p, "held")));
	json_decref(cal);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)fx.b, "kind", "theme_day", "held_on",
			 "2026-03-05", "start_time", "09:00", "end_time", "11:00", "topic", "学雷锋志愿服务");
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &mid))
		life_fail_ctx("theme day", &fx.ctx);
	json_decref(body);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_calendar(&fx.ctx, fx.committee, 2026, 3, &cal), 0);
	p = json_array_get(json_object_get(cal, "planned"), 0);
	assert_true(json_is_true(json_object_get(p, "held")));
	day = json_array_get(json_object_get(cal, "days"), 4);
	assert_string_equal(json_string_value(json_object_get(day, "date")), "2026-03-05");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(day, "meetings"), 0), "id")), mid);
	json_decref(cal);
}

#define APPRAISAL_TESTS                                          \
	{                                                        \
		cmocka_unit_test(test_roster_and_one_round_a_year), \
		cmocka_unit_test(test_excellent_cap_boundary),   \
		cmocka_unit_test(test_probationary_not_graded),  \
		cmocka_unit_test(test_close_and_followups),      \
		cmocka_unit_test(test_committee_quorum),         \
		cmocka_unit_test(test_plan_and_calendar),        \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = APPRAISAL_TESTS;
	const struct CMUnitTest pg_tests[] = APPRAISAL_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1981;
	life_member_name = "评议党员";
	failed = cmocka_run_group_tests_name("appraisal/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("appraisal/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("appraisal/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
