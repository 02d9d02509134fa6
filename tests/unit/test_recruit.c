/*
 * 发展党员 in the domain layer with an injected "today": one person walked through all
 * 25 steps over two and a half years, and for every rule of docs/API.md "Recruitment"
 * the step that breaks it (refused with the rule id, nothing written) next to the
 * boundary that passes. Runs on SQLite (a temp file) and again on PostgreSQL when
 * DJ_TEST_PG_URL is set.
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
#include "domain/member.h"
#include "domain/org.h"
#include "domain/recruit.h"
#include "support/recruit_fixture.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void get_member(int64_t id, struct member *m)
{
	err_clear(&fx.ctx.err);
	if (member_get(&fx.ctx, id, m))
		fail_ctx("member_get", &fx.ctx);
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* ---- the whole way --------------------------------------------------------------------- */

static void test_full_walk(void **state)
{
	static const char *const walk_days[26] = {
		NULL,         "2023-11-01", "2023-11-20", "2024-02-01", "2024-02-05", "2024-02-10", "2024-07-01",
		"2025-02-01", "2025-02-05", "2025-02-10", "2025-02-15", "2025-02-20", "2025-03-01",
		"2025-03-20", "2025-03-22", "2025-03-25", "2025-04-01", "2025-04-10", "2025-04-15",
		"2025-04-20", "2025-04-25", "2025-10-10", "2026-02-25", "2026-03-25", "2026-04-10",
		"2026-04-20",
	};
	struct member m;
	json_t *rec = NULL, *steps, *next;
	int64_t id, member_id;
	char group[64];
	int s;
	(void)state;
	xsnprintf(group, sizeof(group), "\"data\":{\"group_id\":%" PRId64 "}", fx.group_b);
	set_today(walk_days[1]);
	id = new_recruit_on(fx.b, walk_days[1], 1);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	assert_int_equal(json_integer_value(json_object_get(rec, "stage")), 1);
	next = json_object_get(rec, "next");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(next, 0), "step")), 2);
	assert_string_equal(str_of(json_array_get(next, 0), "latest"), "2023-12-01");
	json_decref(rec);
	for (s = 2; s <= 25; s++) {
		set_today(walk_days[s]); /* every step recorded on its day */
		ok_step(id, s, walk_days[s], s == 19 ? group : NULL);
		if (s == 6) {
			set_today("2024-12-20");
			ok_step(id, 6, "2024-12-20", NULL);
		}
		if (s == 17) {
			member_id = query_int("SELECT member_id FROM recruits WHERE id = ?", id);
			assert_true(member_id > 0);
			get_member(member_id, &m);
			assert_string_equal(m.category, "probationary");
			assert_string_equal(m.join_date, "2025-03-25");
			assert_string_equal(m.dues_from, "2025-03"); /* dues from the 支部大会's month */
			assert_int_equal(m.org_id, fx.b);
			assert_string_equal(m.state, "active");
			assert_string_equal(m.phone_mask, "138****5678");
			/* the same keyed hash as the applicant's */
			assert_int_equal(query_int("SELECT count(*) FROM members m JOIN recruits r ON r.id_hash = m.id_hash "
						   "WHERE r.id = ?", id), 1);
		}
		if (s == 3) {
			err_clear(&fx.ctx.err);
			assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
			next = json_object_get(rec, "next");
			/* 确定发展对象 not before a year as activist */
			assert_int_equal(json_integer_value(json_object_get(rec, "stage")), 2);
			json_decref(rec);
		}
		if (s == 6) {
			err_clear(&fx.ctx.err);
			assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
			next = json_object_get(rec, "next");
			assert_int_equal(json_integer_value(json_object_get(json_array_get(next, 1), "step")), 7);
			assert_string_equal(str_of(json_array_get(next, 1), "earliest"), "2025-02-01");
			json_decref(rec);
		}
	}
	member_id = query_int("SELECT member_id FROM recruits WHERE id = ?", id);
	get_member(member_id, &m);
	assert_string_equal(m.category, "full");
	assert_string_equal(m.join_date, "2025-03-25");
	assert_string_equal(m.full_date, "2026-03-25");
	assert_int_equal(m.group_id, fx.group_b);
	assert_int_equal(query_int("SELECT count(*) FROM member_history WHERE member_id = ? AND field = 'category' AND "
				   "new_value = 'full'", member_id), 1);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	assert_string_equal(str_of(rec, "status"), "archived");
	assert_int_equal(json_integer_value(json_object_get(rec, "stage")), 5);
	assert_string_equal(str_of(rec, "full_on"), "2026-03-25");
	assert_string_equal(str_of(rec, "probation_end"), "2026-03-25");
	steps = json_object_get(rec, "steps");
	assert_int_equal(json_array_size(steps), 26);
	/* every decision carries the rule set it was made under */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(json_array_get(steps, 13), "data"),
									      "rules"), "publicity_workdays")), 5);
	assert_string_equal(str_of(json_array_get(steps, 17), "level"), "committee");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(steps, 17), "org_id")), fx.committee);
	assert_string_equal(str_of(json_array_get(steps, 18), "level"), "county");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(steps, 18), "org_id")), fx.dept);
	assert_int_equal(json_array_size(json_object_get(rec, "next")), 0);
	json_decref(rec);
	/* closed */
	refused(id, 21, "2026-04-20", NULL, "recruit.status");
	set_today("2027-06-30");
}

/* ---- create ---------------------------------------------------------------------------- */

static void test_create_rules(void **state)
{
	char id[19], body[512];
	json_t *j, *out = NULL;
	(void)state;
	set_today("2027-06-30");
	make_id(id, 2006, 1, 10);
	/* 18 full years on the application date, not one day less */
	xsnprintf(body, sizeof(body), "{\"org_id\":%" PRId64 ",\"name\":\"少年\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
				      "\"applied_on\":\"2024-01-09\"}", fx.a, id);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_create(&fx.ctx, j, &out), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "recruit.applicant_age");
	assert_non_null(strstr(fx.ctx.err.message, "2024-01-10"));
	json_decref(j);
	xsnprintf(body, sizeof(body), "{\"org_id\":%" PRId64 ",\"name\":\"少年\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
				      "\"applied_on\":\"2024-01-10\"}", fx.a, id);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	if (recruit_create(&fx.ctx, j, &out))
		fail_ctx("recruit_create", &fx.ctx);
	json_decref(out);
	/* one open record per person */
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_create(&fx.ctx, j, &out), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "recruit.duplicate");
	json_decref(j);
	/* unknown fields are refused */
	j = json_pack("{s:I, s:s}", "org_id", (json_int_t)fx.a, "bogus", "x");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_create(&fx.ctx, j, &out), E_MALFORMED);
	json_decref(j);
}

/* ---- every step: order, dates, levels, status ------------------------------------------- */

static void test_order_dates_levels(void **state)
{
	struct ctx sec, other, admin, county;
	int64_t id;
	char tomorrow[11];
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	refused(id, 3, schedule[3], NULL, "recruit.step_order");
	refused(id, 2, "2023-10-31", NULL, "recruit.date_order");
	date_format(date_add_days(fx.ctx.today, 1), tomorrow);
	refused(id, 2, tomorrow, NULL, "field.date_future");
	/* the branch secretary signs branch steps; another branch's secretary cannot see the record */
	as_role(&sec, fx.a, ROLE_SECRETARY);
	as_role(&other, fx.b, ROLE_SECRETARY);
	assert_int_equal(record_as(&other, id, 2, schedule[2], NULL, NULL), E_NOTFOUND);
	assert_int_equal(record_as(&sec, id, 2, schedule[2], NULL, NULL), 0);
	assert_int_equal(record_as(&sec, id, 3, schedule[3], NULL, NULL), 0);
	/* 上级党委备案 only by the committee's admin */
	refused_as(&sec, id, 4, schedule[4], NULL, "recruit.level");
	as_role(&admin, fx.committee, ROLE_ORG_ADMIN);
	assert_int_equal(record_as(&admin, id, 4, schedule[4], NULL, NULL), 0);
	/* a branch step cannot be signed in another org's name */
	refused(id, 5, schedule[5], "\"org_id\":1,\"people\":{\"contacts\":[1]}", "recruit.level");
	walk(id, 17);
	/* step 18 is the county 组织部门's: not the 党委's admin */
	refused_as(&admin, id, 18, schedule[18], NULL, "recruit.level");
	as_role(&county, fx.dept, ROLE_ORG_ADMIN);
	assert_int_equal(record_as(&county, id, 18, schedule[18], NULL, NULL), 0);
	/* stale version */
	{
		json_t *j = json_pack("{s:i, s:i, s:s}", "step", 19, "version", 1, "done_on", schedule[19]), *out = NULL;
		err_clear(&fx.ctx.err);
		assert_int_equal(recruit_record_step(&fx.ctx, id, j, &out), E_CONFLICT);
		json_decref(j);
	}
}

static void test_talk_and_activist_wait(void **state)
{
	json_t *rec = NULL, *steps;
	int64_t id, top = fx.dept;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	/* a late talk is recorded and flagged */
	ok_step(id, 2, "2023-12-02", NULL);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	steps = json_object_get(rec, "steps");
	assert_true(json_is_true(json_object_get(json_object_get(json_array_get(steps, 1), "data"), "late")));
	json_decref(rec);
	/* local rule: 3 months after applying (settings of the top-level org) */
	exec_sql("INSERT INTO settings (org_id, key, value) VALUES (?, ?, ?)", top, "recruit.activist_wait_months", "3");
	refused(id, 3, "2024-01-31", NULL, "recruit.activist_wait");
	assert_non_null(strstr(fx.ctx.err.message, "2024-02-01"));
	ok_step(id, 3, "2024-02-01", NULL);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	steps = json_object_get(rec, "steps");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(json_array_get(steps, 2), "data"), "rules"), "activist_wait_months")),
			 3);
	json_decref(rec);
	exec_sql("DELETE FROM settings WHERE org_id = ? AND key = ?", top, "recruit.activist_wait_months", NULL);
}

static void test_contacts(void **state)
{
	char extra[256];
	int64_t id;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 4);
	refused(id, 5, schedule[5], "\"people\":{\"contacts\":[]}", "recruit.contacts_count");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"contacts\":[%" PRId64 ",%" PRId64 ",%" PRId64 "]}", fx.voters[0],
		  fx.voters[1], fx.voters[2]);
	refused(id, 5, schedule[5], extra, "recruit.contacts_count");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"contacts\":[%" PRId64 "]}", fx.probationary);
	refused(id, 5, schedule[5], extra, "recruit.contact_full_member");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"contacts\":[%" PRId64 "]}", fx.voters[0]);
	ok_step(id, 5, schedule[5], extra);
}

static void test_activist_period_and_inspections(void **state)
{
	int64_t id, id2;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 6); /* activist 2024-02-01; inspections 2024-07-01, 2024-12-20 */
	refused(id, 7, "2025-01-31", NULL, "recruit.activist_min_period");
	assert_non_null(strstr(fx.ctx.err.message, "2025-02-01"));
	/* missing opinions */
	refused(id, 7, "2025-02-01", "\"data\":{\"opinions\":{\"group\":\"同意\",\"contacts\":\"同意\",\"members\":\"同意\"},"
				     "\"committee_agreed\":true}", "recruit.opinions");
	refused(id, 7, "2025-02-01", "\"data\":{\"opinions\":{\"group\":\"同意\",\"contacts\":\"同意\",\"members\":\"同意\","
				     "\"masses\":\"同意\"},\"committee_agreed\":false}", "recruit.opinions");
	/* 2024-12-20 + 6 months = 2025-06-20: a day later needs another inspection */
	refused(id, 7, "2025-06-21", NULL, "recruit.inspection_gap");
	ok_step(id, 7, "2025-06-20", NULL);
	/* recruits.last_inspection_on (007): the latest 考察, untouched by other steps */
	assert_int_equal(query_int(LAST_INSPECTION_SQL, id), 20241220);

	/* a gap between two inspections */
	id2 = new_recruit(fx.a);
	walk(id2, 5);
	assert_int_equal(query_int(LAST_INSPECTION_SQL, id2), 0);
	ok_step(id2, 6, "2024-08-01", NULL);
	assert_int_equal(query_int(LAST_INSPECTION_SQL, id2), 20240801);
	ok_step(id2, 6, "2025-02-02", NULL); /* 2024-08-01 + 6 months = 2025-02-01 */
	refused(id2, 7, "2025-02-10", NULL, "recruit.inspection_gap");
	assert_int_equal(query_int(LAST_INSPECTION_SQL, id2), 20250202);
}

static void test_scores(void **state)
{
	int64_t id, id2, id3;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit_on(fx.a, schedule[1], 0);
	walk(id, 6);
	refused(id, 7, schedule[7], NULL, "recruit.score"); /* no score yet */
	add_score(id, 2023, 95);
	add_score(id, 2024, 79);
	add_score(id, 2024, 80); /* the latest year: 79.5 */
	refused(id, 7, schedule[7], NULL, "recruit.score");
	add_score(id, 2024, 81); /* 80.0 */
	ok_step(id, 7, schedule[7], NULL);

	/* < 60: eliminated only after the 基层党委's 回访考察 */
	id2 = new_recruit_on(fx.a, schedule[1], 0);
	walk(id2, 6);
	add_score(id2, 2024, 59);
	refused(id2, RSTEP_NOT_DEVELOPED, "2025-01-10", "\"data\":{\"reason\":\"考评不合格\"}", "recruit.eliminate_revisit");
	refused(id2, RSTEP_NOT_DEVELOPED, "2025-01-10", "\"data\":{\"reason\":\" \"}", "recruit.exit_reason");
	ok_step(id2, RSTEP_REVISIT, "2025-01-05", NULL);
	ok_step(id2, RSTEP_NOT_DEVELOPED, "2025-01-10", "\"data\":{\"reason\":\"考评不合格\"}");
	assert_int_equal(query_int("SELECT count(*) FROM recruits WHERE id = ? AND status = 'not_developed'", id2), 1);
	refused(id2, 7, schedule[7], NULL, "recruit.status");

	/* 60: continues, may be eliminated for another reason without a revisit */
	id3 = new_recruit_on(fx.a, schedule[1], 0);
	walk(id3, 6);
	add_score(id3, 2024, 60);
	ok_step(id3, RSTEP_NOT_DEVELOPED, "2025-01-10", "\"data\":{\"reason\":\"本人申请撤回\"}");
}

static void test_introducers(void **state)
{
	char extra[256];
	int64_t id;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 8);
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 "]}", fx.voters[0]);
	refused(id, 9, schedule[9], extra, "recruit.introducers_count");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 ",%" PRId64 "]}", fx.voters[0],
		  fx.voters[1], fx.voters[2]);
	refused(id, 9, schedule[9], extra, "recruit.introducers_count");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 "]}", fx.voters[0], fx.voters[0]);
	refused(id, 9, schedule[9], extra, "recruit.introducers_count");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 "]}", fx.voters[0], fx.probationary);
	refused(id, 9, schedule[9], extra, "recruit.introducer_full_member");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 "]}", fx.voters[0], fx.disciplined);
	refused(id, 9, schedule[9], extra, "recruit.introducer_discipline");
	xsnprintf(extra, sizeof(extra), "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 "]}", fx.voters[0], fx.voters[5]);
	ok_step(id, 9, schedule[9], extra);
}

static void test_review_and_training(void **state)
{
	int64_t id, id2;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 10);
	refused(id, 11, schedule[11], "\"data\":{\"days\":2,\"hours\":23}", "recruit.training");
	ok_step(id, 11, schedule[11], "\"data\":{\"days\":1,\"hours\":24}");
	refused(id, 12, schedule[12], "\"data\":{\"committee_agreed\":false}", "recruit.committee_agreed");
	ok_step(id, 12, schedule[12], NULL);

	id2 = new_recruit(fx.a);
	walk(id2, 9);
	ok_step(id2, 10, schedule[10], "\"data\":{\"result\":\"failed\"}");
	ok_step(id2, 11, schedule[11], "\"data\":{\"days\":3}");
	refused(id2, 12, schedule[12], NULL, "recruit.political_review");
}

static void test_publicity(void **state)
{
	int64_t id;
	int n;
	struct date f, t;
	(void)state;
	set_today("2027-06-30");
	/* the calendar itself: 劳动节 2025 (5/1–5/5) and its 调休 Sunday 4/27 */
	date_parse("2025-04-28", &f);
	date_parse("2025-05-06", &t);
	assert_int_equal(workdays_between(&fx.ctx, f, t, &n), 0);
	assert_int_equal(n, 4);
	date_parse("2025-04-27", &f);
	assert_int_equal(workdays_between(&fx.ctx, f, t, &n), 0);
	assert_int_equal(n, 5);

	id = new_recruit(fx.a);
	walk(id, 12);
	/* Thu 03-06 .. Tue 03-11 over a weekend: 4 working days; to Wed 03-12: 5 */
	refused(id, 13, "2025-03-20", "\"data\":{\"publicity_start\":\"2025-03-06\",\"publicity_end\":\"2025-03-11\"}",
		"recruit.publicity");
	assert_non_null(strstr(fx.ctx.err.message, "4 个工作日"));
	/* over a weekend and the 劳动节 holiday: 4 vs 5 */
	refused(id, 13, "2025-05-10", "\"data\":{\"publicity_start\":\"2025-04-28\",\"publicity_end\":\"2025-05-06\"}",
		"recruit.publicity");
	/* 公示 must have ended before the 预审 */
	refused(id, 13, "2025-05-07", "\"data\":{\"publicity_start\":\"2025-04-28\",\"publicity_end\":\"2025-05-07\"}",
		"recruit.publicity");
	refused(id, 13, "2025-05-10", "\"data\":{\"publicity_start\":\"2025-04-28\",\"publicity_end\":\"2025-05-07\","
				      "\"leaving_unit_within_3_months\":true}", "recruit.leaving_unit");
	ok_step(id, 13, "2025-05-08", "\"data\":{\"publicity_start\":\"2025-04-28\",\"publicity_end\":\"2025-05-07\"}");
}

static void test_meeting_quorum_and_vote(void **state)
{
	char extra[256];
	int64_t id;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 14);
	assert_int_equal(voters_in(fx.a), VOTERS); /* the probationary and the 留党察看 member do not vote */
	/* 9 voters, 1 excused: 应到会 8; exactly half present is not enough */
	xsnprintf(extra, sizeof(extra), "\"data\":{\"present_voting\":4,\"in_favour\":4,\"excused\":[%" PRId64 "]}", fx.voters[8]);
	refused(id, 15, schedule[15], extra, "recruit.quorum");
	assert_non_null(strstr(fx.ctx.err.message, "8 人"));
	xsnprintf(extra, sizeof(extra), "\"data\":{\"present_voting\":5,\"in_favour\":4,\"excused\":[%" PRId64 "]}", fx.voters[8]);
	refused(id, 15, schedule[15], extra, "recruit.vote");
	/* an excused person must be a voting member of the branch */
	xsnprintf(extra, sizeof(extra), "\"data\":{\"present_voting\":5,\"in_favour\":5,\"excused\":[%" PRId64 "]}",
		  fx.disciplined);
	refused(id, 15, schedule[15], extra, "recruit.quorum");
	xsnprintf(extra, sizeof(extra), "\"data\":{\"present_voting\":5,\"in_favour\":5,\"against\":0,\"excused\":[%" PRId64 "]}",
		  fx.voters[8]);
	ok_step(id, 15, schedule[15], extra);
	assert_int_equal(query_int("SELECT count(*) FROM recruits WHERE id = ? AND probation_end = '2026-03-25'", id), 1);
}

static void test_approval(void **state)
{
	char extra[128];
	struct member m;
	int64_t id, id2, id3, mid;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.a);
	walk(id, 16); /* 支部大会 2025-03-25 */
	/* never a 党总支 or a temporary 党委 */
	xsnprintf(extra, sizeof(extra), "\"org_id\":%" PRId64, fx.general);
	refused(id, 17, "2025-04-10", extra, "recruit.approver");
	xsnprintf(extra, sizeof(extra), "\"org_id\":%" PRId64, fx.temp_committee);
	refused(id, 17, "2025-04-10", extra, "recruit.approver");
	/* 3 months: 2025-06-25; a day later only with a reason; 6 months + 1 day never */
	refused(id, 17, "2025-06-26", "\"note\":\"x\"", "recruit.approval_deadline");
	refused(id, 17, "2025-09-26", "\"data\":{\"extension_reason\":\"政审补充材料\"}", "recruit.approval_deadline");
	ok_step(id, 17, "2025-06-26", "\"data\":{\"extension_reason\":\"政审补充材料\"}");
	mid = query_int("SELECT member_id FROM recruits WHERE id = ?", id);
	get_member(mid, &m);
	assert_string_equal(m.category, "probationary");
	assert_string_equal(m.join_date, "2025-03-25");

	/* exactly 3 months is in time; a branch under a temporary 党委 has no approver */
	id2 = new_recruit(fx.b);
	walk(id2, 16);
	xsnprintf(extra, sizeof(extra), "\"org_id\":%" PRId64, fx.general);
	refused(id2, 17, "2025-04-10", extra, "recruit.approver");
	assert_non_null(strstr(fx.ctx.err.message, "党总支"));
	ok_step(id2, 17, "2025-06-25", "\"data\":{}");
	/* under a temporary 党委 the approval goes to the 基层党委 above it */
	id3 = new_recruit(fx.c);
	walk(id3, 16);
	xsnprintf(extra, sizeof(extra), "\"org_id\":%" PRId64, fx.temp_committee);
	refused(id3, 17, "2025-04-10", extra, "recruit.approver");
	assert_non_null(strstr(fx.ctx.err.message, "临时"));
	ok_step(id3, 17, "2025-04-10", NULL);
}

static void test_registry_duplicate(void **state)
{
	struct member m;
	char id_number[19], body[512];
	json_t *j, *out = NULL;
	int64_t id;
	(void)state;
	set_today("2027-06-30");
	make_id(id_number, 1999, 3, 3);
	xsnprintf(body, sizeof(body), "{\"org_id\":%" PRId64 ",\"name\":\"重复\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
				      "\"applied_on\":\"%s\"}", fx.a, id_number, schedule[1]);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	if (recruit_create(&fx.ctx, j, &out))
		fail_ctx("recruit_create", &fx.ctx);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(j);
	add_score(id, 2024, 90);
	walk(id, 16);
	/* the person got into the registry some other way meanwhile */
	memset(&m, 0, sizeof(m));
	m.org_id = fx.b;
	strlcpy_z(m.name, "重复", sizeof(m.name));
	strlcpy_z(m.id_number, id_number, sizeof(m.id_number));
	strlcpy_z(m.ethnicity, "01", sizeof(m.ethnicity));
	strlcpy_z(m.category, "probationary", sizeof(m.category));
	strlcpy_z(m.join_date, "2025-01-01", sizeof(m.join_date));
	err_clear(&fx.ctx.err);
	if (member_create(&fx.ctx, &m))
		fail_ctx("member_create", &fx.ctx);
	refused(id, 17, schedule[17], NULL, "member.duplicate");
}

static void test_probation(void **state)
{
	struct member m;
	int64_t id, id2, mid;
	(void)state;
	set_today("2027-06-30");
	id = new_recruit(fx.b);
	walk(id, 21); /* probation 2025-03-25 .. 2026-03-25 */
	refused(id, 22, "2026-02-22", NULL, "recruit.full_application");
	ok_step(id, 22, "2026-02-23", NULL);
	refused(id, 23, "2026-03-24", NULL, "recruit.probation_not_over");
	/* extension: 6..12 months, once */
	refused(id, RSTEP_EXTEND, "2026-03-24", "\"data\":{\"months\":5,\"reason\":\"考察\"}", "recruit.extension_months");
	refused(id, RSTEP_EXTEND, "2026-03-24", "\"data\":{\"months\":13,\"reason\":\"考察\"}", "recruit.extension_months");
	refused(id, RSTEP_EXTEND, "2026-03-24", "\"data\":{\"months\":6}", "recruit.exit_reason");
	ok_step(id, RSTEP_EXTEND, "2026-03-24", "\"data\":{\"months\":6,\"reason\":\"需继续考察\"}");
	assert_int_equal(query_int("SELECT count(*) FROM recruits WHERE id = ? AND probation_end = '2026-09-25' AND "
				   "extended_months = 6", id), 1);
	refused(id, RSTEP_EXTEND, "2026-03-25", "\"data\":{\"months\":6,\"reason\":\"再次\"}", "recruit.extension_once");
	refused(id, 23, "2026-09-24", NULL, "recruit.probation_not_over");
	ok_step(id, 23, "2026-09-25", NULL);
	/* 转正 approval: 3 months after the meeting (2026-12-25), 6 with a reason */
	refused(id, 24, "2026-12-26", NULL, "recruit.approval_deadline");
	refused(id, 24, "2027-03-26", "\"data\":{\"extension_reason\":\"材料补充\"}", "recruit.approval_deadline");
	ok_step(id, 24, "2026-12-25", NULL);
	mid = query_int("SELECT member_id FROM recruits WHERE id = ?", id);
	get_member(mid, &m);
	assert_string_equal(m.category, "full");
	assert_string_equal(m.full_date, "2026-09-25");

	/* 取消预备党员资格: the registry member is removed, with history */
	id2 = new_recruit(fx.b);
	walk(id2, 19);
	refused(id2, RSTEP_NOT_DEVELOPED, "2025-05-01", "\"data\":{\"reason\":\"x\"}", "recruit.step_order");
	refused(id2, RSTEP_CANCEL, "2025-05-01", "\"data\":{}", "recruit.exit_reason");
	ok_step(id2, RSTEP_CANCEL, "2025-05-01", "\"data\":{\"reason\":\"严重违纪\"}");
	mid = query_int("SELECT member_id FROM recruits WHERE id = ?", id2);
	assert_int_equal(query_int("SELECT count(*) FROM members WHERE id = ? AND state = 'removed'", mid), 1);
	assert_int_equal(query_int("SELECT count(*) FROM member_history WHERE member_id = ? AND field = 'state' AND "
				   "new_value = 'removed'", mid), 1);
	assert_int_equal(query_int("SELECT count(*) FROM recruits WHERE id = ? AND status = 'cancelled'", id2), 1);
	refused(id2, 20, "2025-05-02", NULL, "recruit.status");
}

static void test_list(void **state)
{
	json_t *items = NULL;
	int64_t total = 0;
	struct ctx sec;
	(void)state;
	set_today("2027-06-30");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_list(&fx.ctx, fx.c, 0, NULL, NULL, 1, 50, &items, &total), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	as_role(&sec, fx.b, ROLE_SECRETARY);
	assert_int_equal(recruit_list(&sec, 0, 0, "archived", NULL, 1, 50, &items, &total), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(recruit_list(&fx.ctx, fx.committee, 2, NULL, "申请", 1, 50, &items, &total), 0);
	json_decref(items);
}

#define RECRUIT_TESTS                                               \
	{                                                           \
		cmocka_unit_test(test_full_walk),                   \
		cmocka_unit_test(test_create_rules),                \
		cmocka_unit_test(test_order_dates_levels),          \
		cmocka_unit_test(test_talk_and_activist_wait),      \
		cmocka_unit_test(test_contacts),                    \
		cmocka_unit_test(test_activist_period_and_inspections), \
		cmocka_unit_test(test_scores),                      \
		cmocka_unit_test(test_introducers),                 \
		cmocka_unit_test(test_review_and_training),         \
		cmocka_unit_test(test_publicity),                   \
		cmocka_unit_test(test_meeting_quorum_and_vote),     \
		cmocka_unit_test(test_approval),                    \
		cmocka_unit_test(test_registry_duplicate),          \
		cmocka_unit_test(test_probation),                   \
		cmocka_unit_test(test_list),                        \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = RECRUIT_TESTS;
	const struct CMUnitTest pg_tests[] = RECRUIT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	failed = cmocka_run_group_tests_name("recruit/sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("recruit/postgres", pg_tests, setup_pg, teardown);
	else
		printf("recruit/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
