/*
 * 发展党员 controls (issue 3) in the domain layer with an injected "today": the 七阶梯
 * ladder (recruit.ladder_*), special persons and their 事前报告 (recruit.special_report,
 * recruit.not_special), the annual plan and the share of special persons at step 17
 * (recruit.plan_exceeded, recruit.special_ratio), and the list/detail/scores additions.
 * Runs on SQLite (a temp file) and again on PostgreSQL when DJ_TEST_PG_URL is set.
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

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static int64_t top_org(void)
{
	return fx.dept; /* the fixture's tree hangs from the 组织部门 */
}

static void set_ladder(const char *json)
{
	exec_sql("DELETE FROM settings WHERE org_id = ? AND key = ?", top_org(), "recruit.ladder", NULL);
	if (json)
		exec_sql("INSERT INTO settings (org_id, key, value) VALUES (?, ?, ?)", top_org(), "recruit.ladder", json);
}

/* Records one ladder result as c (NULL: the system actor). */
static int ladder_as(struct ctx *c, int64_t id, int year, const char *stage, const char *result, const char *on)
{
	char body[512];
	json_t *j, *out = NULL;
	int rc;
	xsnprintf(body, sizeof(body), "{\"year\":%d,\"stage\":\"%s\",\"result\":\"%s\",\"done_on\":\"%s\",\"note\":\"按期考核\"}",
		  year, stage, result, on);
	j = json_loads(body, 0, NULL);
	assert_non_null(j);
	if (!c)
		c = &fx.ctx;
	err_clear(&c->err);
	rc = recruit_ladder_add(c, id, j, &out);
	json_decref(j);
	json_decref(out);
	return rc;
}

static void ladder_ok(int64_t id, int year, const char *stage, const char *result, const char *on)
{
	if (ladder_as(NULL, id, year, stage, result, on))
		fail_msg("ladder %d %s %s on %s: %s (rule %s)", year, stage, result, on, fx.ctx.err.message, fx.ctx.err.rule);
}

static void ladder_refused(int64_t id, int year, const char *stage, const char *result, const char *on, const char *rule)
{
	int64_t before = query_int("SELECT count(*) FROM recruit_ladder WHERE recruit_id = ?", id);
	if (!ladder_as(NULL, id, year, stage, result, on))
		fail_msg("ladder %d %s %s on %s accepted; expected %s", year, stage, result, on, rule);
	if (strcmp(fx.ctx.err.rule, rule))
		fail_msg("ladder %d %s: rule %s (%s); expected %s", year, stage, fx.ctx.err.rule, fx.ctx.err.message, rule);
	assert_int_equal(query_int("SELECT count(*) FROM recruit_ladder WHERE recruit_id = ?", id), before);
}

static int64_t new_special(int64_t branch, const char *special)
{
	char body[512], id[19];
	json_t *j, *out = NULL;
	int64_t rid;
	make_id(id, 1995 + (int)(id_counter % 8), 1 + (int)(id_counter % 12), 1 + (int)(id_counter % 28));
	xsnprintf(body, sizeof(body),
		  "{\"org_id\":%" PRId64 ",\"name\":\"特殊申请人\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
		  "\"applied_on\":\"%s\",\"special\":\"%s\"}",
		  branch, id, schedule[1], special);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	if (recruit_create(&fx.ctx, j, &out))
		fail_ctx("recruit_create special", &fx.ctx);
	rid = json_integer_value(json_object_get(out, "id"));
	assert_string_equal(str_of(out, "special"), special);
	json_decref(out);
	json_decref(j);
	add_score(rid, 2024, 85);
	add_score(rid, 2024, 90);
	return rid;
}

#define REPORT "\"data\":{\"reported_by\":\"镇党委组织委员\"}"

/* A special person walked to step 16 with the 事前报告 before step 7. */
static int64_t special_at_16(const char *special)
{
	int64_t id = new_special(fx.a, special);
	walk(id, 6);
	ok_step(id, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT);
	walk(id, 16);
	return id;
}

/* the blocker of step `step` in the record's next list ("" when none; NULL when absent) */
static const char *next_blocker(int64_t id, int step, char *buf, size_t size)
{
	json_t *rec = NULL, *e;
	size_t i;
	const char *found = NULL;
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	json_array_foreach(json_object_get(rec, "next"), i, e) {
		if (json_integer_value(json_object_get(e, "step")) == step) {
			strlcpy_z(buf, str_of(e, "blocked_by"), size);
			found = buf;
		}
	}
	json_decref(rec);
	return found;
}

/* ---- 七阶梯 ------------------------------------------------------------------------------ */

static void test_ladder(void **state)
{
	struct ctx sec;
	json_t *rec = NULL, *ladder;
	char buf[64];
	int64_t failing, passing, off;
	(void)state;
	set_today("2026-06-30");
	set_ladder(NULL);
	failing = new_recruit(fx.a);
	/* off by default: no results to record, step 7 as before */
	walk(failing, 6);
	ladder_refused(failing, 2025, "思想汇报", "passed", "2025-01-10", "recruit.ladder_off");
	off = new_recruit(fx.a);
	walk(off, 7);

	set_ladder("[\"思想汇报\",\"培训考试\",\"党员评议\"]");
	/* the whole ladder of the step's year is needed: none yet */
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_incomplete");
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "recruit.ladder_incomplete");
	/* results of another year do not count */
	ladder_ok(failing, 2024, "思想汇报", "passed", "2024-06-10");
	ladder_ok(failing, 2024, "培训考试", "passed", "2024-06-11");
	ladder_ok(failing, 2024, "党员评议", "passed", "2024-06-12");
	ladder_ok(failing, 2025, "思想汇报", "passed", "2025-01-10");
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_incomplete");
	assert_non_null(strstr(fx.ctx.err.message, "培训考试"));
	assert_non_null(strstr(fx.ctx.err.message, "党员评议"));
	/* a failed stage bars step 7 for the rest of that year, whatever else passes */
	ladder_ok(failing, 2025, "培训考试", "failed", "2025-01-12");
	ladder_ok(failing, 2025, "党员评议", "passed", "2025-01-14");
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_failed");
	assert_non_null(strstr(fx.ctx.err.message, "培训考试"));
	assert_non_null(strstr(fx.ctx.err.message, "2025"));
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "recruit.ladder_incomplete"); /* 2026 now */
	/* results are final: no second result for a stage and year */
	ladder_refused(failing, 2025, "培训考试", "passed", "2025-01-20", "recruit.ladder_duplicate");
	ladder_refused(failing, 2025, "群众测评", "passed", "2025-01-20", "recruit.ladder_stage");
	ladder_refused(failing, 2025, "思想汇报", "passed", "2026-01-20", "recruit.ladder_year");
	ladder_refused(failing, 2024, "思想汇报", "passed", "2024-01-20", "recruit.ladder_date");
	ladder_refused(failing, 2026, "思想汇报", "maybe", "2026-01-20", "field.enum");
	ladder_refused(failing, 2026, "思想汇报", "passed", "2026-07-01", "field.date_future");
	/* the next year starts afresh: inspections kept up, the 2026 ladder passed */
	ok_step(failing, 6, "2025-06-01", NULL);
	ok_step(failing, 6, "2025-12-01", NULL);
	ladder_ok(failing, 2026, "思想汇报", "passed", "2026-01-05");
	ladder_ok(failing, 2026, "培训考试", "passed", "2026-01-06");
	refused(failing, 7, "2026-01-15", NULL, "recruit.ladder_incomplete");
	ladder_ok(failing, 2026, "党员评议", "passed", "2026-01-07");
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "");
	ok_step(failing, 7, "2026-01-15", NULL);
	/* not an activist any more */
	ladder_refused(failing, 2026, "思想汇报", "failed", "2026-01-20", "recruit.ladder_person");

	passing = new_recruit(fx.a);
	ladder_refused(passing, 2023, "思想汇报", "passed", "2023-12-01", "recruit.ladder_person"); /* an applicant */
	walk(passing, 6);
	ladder_ok(passing, 2025, "思想汇报", "passed", "2025-01-10");
	ladder_ok(passing, 2025, "培训考试", "passed", "2025-01-11");
	ladder_ok(passing, 2025, "党员评议", "passed", "2025-01-12");
	as_role(&sec, fx.b, ROLE_SECRETARY); /* another branch's secretary does not see the record */
	assert_int_not_equal(ladder_as(&sec, passing, 2025, "思想汇报", "passed", "2025-01-10"), 0);
	ok_step(passing, 7, schedule[7], NULL);
	/* the decision carries the ladder it was made under; the detail lists the results */
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, passing, &rec), 0);
	ladder = json_object_get(rec, "ladder");
	assert_int_equal(json_array_size(json_object_get(ladder, "stages")), 3);
	assert_int_equal(json_array_size(json_object_get(ladder, "results")), 3);
	assert_string_equal(str_of(json_array_get(json_object_get(ladder, "results"), 0), "result"), "passed");
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(
				 json_array_get(json_object_get(rec, "steps"), json_array_size(json_object_get(rec, "steps")) - 1),
				 "data"), "rules"), "ladder")), 3);
	json_decref(rec);
	set_ladder(NULL);
}

static void test_ladder_config(void **state)
{
	struct ctx adm, sec;
	json_t *body, *out = NULL;
	(void)state;
	set_today("2026-06-30");
	as_role(&adm, fx.committee, ROLE_ORG_ADMIN);
	as_role(&sec, fx.a, ROLE_SECRETARY);
	/* the top-level org's administrators set it; a town 党委 admin cannot */
	body = json_pack("{s:I, s:[s,s]}", "org_id", (json_int_t)fx.dept, "stages", "思想汇报", "公示");
	assert_int_not_equal(recruit_ladder_config_set(&adm, body, &out), 0);
	assert_string_equal(adm.err.rule, "recruit.ladder_scope");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "stages")), 2);
	json_decref(out);
	json_decref(body);
	err_clear(&sec.err);
	assert_int_equal(recruit_ladder_config_get(&sec, 0, &out), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "org_id")), fx.dept);
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "stages"), 1)), "公示");
	json_decref(out);
	body = json_pack("{s:I, s:[s,s]}", "org_id", (json_int_t)fx.dept, "stages", "公示", "公示");
	assert_int_not_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	assert_string_equal(fx.ctx.err.rule, "recruit.ladder_config");
	json_decref(body);
	body = json_pack("{s:I, s:[]}", "org_id", (json_int_t)fx.dept, "stages");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	json_decref(out);
	json_decref(body);
	assert_int_equal(query_int("SELECT count(*) FROM settings WHERE org_id = ? AND key = 'recruit.ladder'", fx.dept), 0);
	/* a broken setting stops decisions instead of silently switching the ladder off */
	set_ladder("[\"思想汇报\",3]");
	assert_int_not_equal(recruit_ladder_config_get(&sec, 0, &out), 0);
	assert_string_equal(sec.err.rule, "recruit.settings");
	set_ladder(NULL);
}

/* ---- special persons: 事前报告 ---------------------------------------------------------- */

static void test_special_report(void **state)
{
	struct ctx sec;
	json_t *rec = NULL, *j, *out = NULL, *steps, *last;
	char body[512], id[19], buf[64];
	int64_t sp, plain;
	(void)state;
	set_today("2026-06-30");
	/* the category is one of the documented ones */
	make_id(id, 1996, 3, 3);
	xsnprintf(body, sizeof(body), "{\"org_id\":%" PRId64 ",\"name\":\"某人\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
				      "\"applied_on\":\"2023-11-01\",\"special\":\"boss\"}", fx.a, id);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	assert_int_not_equal(recruit_create(&fx.ctx, j, &out), 0);
	assert_string_equal(fx.ctx.err.rule, "field.enum");
	json_decref(j);

	sp = new_special(fx.a, "private_owner");
	plain = new_recruit(fx.a);
	walk(sp, 6);
	walk(plain, 6);
	assert_string_equal(next_blocker(sp, 7, buf, sizeof(buf)), "recruit.special_report");
	assert_non_null(next_blocker(sp, RSTEP_PRIOR_REPORT, buf, sizeof(buf)));
	assert_null(next_blocker(plain, RSTEP_PRIOR_REPORT, buf, sizeof(buf)));
	refused(sp, 7, schedule[7], NULL, "recruit.special_report");
	refused(plain, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT, "recruit.not_special");
	refused(sp, RSTEP_PRIOR_REPORT, "2025-01-10", "\"data\":{}", "field.required");
	as_role(&sec, fx.a, ROLE_SECRETARY); /* the 基层党委 reports, not the branch */
	refused_as(&sec, sp, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT, "recruit.level");
	ok_step(sp, RSTEP_PRIOR_REPORT, "2025-01-10", "\"data\":{\"reported_by\":\"镇党委组织委员\",\"reported_to\":\"伪造\"}");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, sp, &rec), 0);
	assert_string_equal(str_of(rec, "special"), "private_owner");
	assert_string_equal(str_of(rec, "special_name"), "非公有制经济组织出资人");
	assert_string_equal(str_of(rec, "last_on"), "2025-01-10");
	steps = json_object_get(rec, "steps");
	last = json_array_get(steps, json_array_size(steps) - 1);
	assert_int_equal(json_integer_value(json_object_get(last, "step")), RSTEP_PRIOR_REPORT);
	assert_string_equal(str_of(last, "name"), "事前报告");
	assert_string_equal(str_of(last, "level"), "committee");
	assert_string_equal(str_of(json_object_get(last, "data"), "reported_by"), "镇党委组织委员");
	assert_string_equal(str_of(json_object_get(last, "data"), "reported_to"), "测试县委组织部"); /* derived */
	assert_int_equal(json_integer_value(json_object_get(rec, "last_step")), 6); /* a side record */
	json_decref(rec);
	assert_string_equal(next_blocker(sp, 7, buf, sizeof(buf)), "");
	ok_step(sp, 7, schedule[7], NULL);
	refused(sp, RSTEP_PRIOR_REPORT, "2025-02-02", REPORT, "recruit.step_order");
	ok_step(plain, 7, schedule[7], NULL);
}

/* ---- step 17: plan and 比例 -------------------------------------------------------------- */

static void set_plan(int year, int planned, int pct)
{
	json_t *body = pct >= 0 ? json_pack("{s:I, s:i, s:i, s:i}", "org_id", (json_int_t)fx.committee, "year", year, "planned",
					    planned, "special_units_max_pct", pct)
				: json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.committee, "year", year, "planned", planned);
	json_t *out = NULL;
	err_clear(&fx.ctx.err);
	if (recruit_plan_set(&fx.ctx, body, &out))
		fail_ctx("recruit_plan_set", &fx.ctx);
	json_decref(out);
	json_decref(body);
}

static int64_t approved_2025(void)
{
	return query_int("SELECT count(*) FROM recruits WHERE approved_on >= '2025-01-01' AND approved_on <= '2025-12-31' "
			 "AND org_id > ?", 0);
}

static void test_plan_and_ratio(void **state)
{
	int64_t a1, a2, s1, s2, done;
	char want[128];
	(void)state;
	set_today("2026-06-30");
	done = approved_2025();
	/* 计划数: one more than what is already approved this year */
	set_plan(2025, (int)done + 1, -1);
	a1 = new_recruit(fx.a);
	a2 = new_recruit(fx.a);
	walk(a1, 16);
	walk(a2, 16);
	ok_step(a1, 17, schedule[17], NULL);
	refused(a2, 17, schedule[17], NULL, "recruit.plan_exceeded");
	xsnprintf(want, sizeof(want), "计划发展 %d 名，已发展 %d 名", (int)done + 1, (int)done + 1);
	assert_non_null(strstr(fx.ctx.err.message, want));
	/* another year's plan does not bind this one */
	set_plan(2026, 0, -1);
	refused(a2, 17, schedule[17], NULL, "recruit.plan_exceeded");
	/* raised by the level above (audited), the approval goes through */
	set_plan(2025, (int)done + 2, -1);
	ok_step(a2, 17, schedule[17], NULL);
	assert_int_equal(approved_2025(), done + 2);

	/* 比例: special persons at most ⌊planned × pct / 100⌋ of the year */
	s1 = special_at_16("new_social_class");
	s2 = special_at_16("special_unit");
	set_plan(2025, 10, 10); /* at most 1 special person (none so far) */
	assert_true(approved_2025() + 2 <= 10);
	ok_step(s1, 17, schedule[17], NULL);
	refused(s2, 17, schedule[17], NULL, "recruit.special_ratio");
	assert_non_null(strstr(fx.ctx.err.message, "已审批特殊对象 1 名"));
	assert_non_null(strstr(fx.ctx.err.message, "至多 1 名"));
	/* an ordinary person is not held by the special cap */
	a1 = new_recruit(fx.a);
	walk(a1, 17);
	set_plan(2025, 10, 20);
	ok_step(s2, 17, schedule[17], NULL);
	/* no cap without a percentage */
	set_plan(2025, 100, -1);
}

/* ---- list, detail and scores for the UI ---------------------------------------------------- */

static void test_list_detail_scores(void **state)
{
	json_t *items = NULL, *rec = NULL, *it, *step2, *names, *out = NULL, *years;
	int64_t id, total;
	size_t i;
	int seen = 0;
	(void)state;
	set_today("2026-06-30");
	id = new_recruit(fx.b);
	walk(id, 6);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_list(&fx.ctx, fx.b, 0, NULL, NULL, 1, 200, &items, &total), 0);
	json_array_foreach(items, i, it) {
		if (json_integer_value(json_object_get(it, "id")) == id) {
			assert_string_equal(str_of(it, "last_on"), "2024-12-20"); /* the second 考察 */
			seen = 1;
		}
	}
	assert_true(seen);
	json_decref(items);

	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	step2 = json_array_get(json_object_get(rec, "steps"), 1);
	assert_int_equal(json_integer_value(json_object_get(step2, "step")), 2);
	/* ids stay in "people"; "people_names" carries {"id","name"} */
	assert_int_equal(json_integer_value(json_array_get(json_object_get(json_object_get(step2, "people"), "talkers"), 0)),
			 fx.voters_b[0]);
	names = json_object_get(json_object_get(step2, "people_names"), "talkers");
	assert_int_equal(json_array_size(names), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(names, 0), "id")), fx.voters_b[0]);
	assert_string_equal(str_of(json_array_get(names, 0), "name"), "测试党员");
	assert_int_equal(json_object_size(json_object_get(json_array_get(json_object_get(rec, "steps"), 0), "people_names")), 0);
	json_decref(rec);

	add_score(id, 2025, 70);
	add_score(id, 2025, 49); /* 59.5: below 60 */
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_scores_list(&fx.ctx, id, &out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 4);
	years = json_object_get(out, "years");
	assert_int_equal(json_array_size(years), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 0), "year")), 2024);
	assert_true(json_real_value(json_object_get(json_array_get(years, 0), "average")) == 87.5);
	assert_string_equal(str_of(json_array_get(years, 0), "band"), "eligible");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 1), "count")), 2);
	assert_string_equal(str_of(json_array_get(years, 1), "band"), "eliminate");
	json_decref(out);
}

#define CONTROL_TESTS                                           \
	{                                                       \
		cmocka_unit_test(test_ladder),                  \
		cmocka_unit_test(test_ladder_config),           \
		cmocka_unit_test(test_special_report),          \
		cmocka_unit_test(test_plan_and_ratio),          \
		cmocka_unit_test(test_list_detail_scores),      \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = CONTROL_TESTS;
	const struct CMUnitTest pg_tests[] = CONTROL_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	recruit_fixture_tag = "rcontrols"; /* temp files: dj-test-rcontrols-* */
	failed = cmocka_run_group_tests_name("recruit_controls/sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("recruit_controls/postgres", pg_tests, setup_pg, teardown);
	else
		printf("recruit_controls/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
