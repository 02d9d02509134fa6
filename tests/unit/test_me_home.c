/*
 * 智慧支部记录本 (domain/me_home.c) against known fixture data, with the clock at 2026-03-10:
 * the summary's dues (a base of ¥3,000 employed from 2025-10 → ¥15.00 a month, paid to 2025-12 →
 * 2 months and ¥30.00 owed, from dues_member_year's arrears rule), study hours (2.5 present of a
 * present, a 3-hour meeting missed and last year's not counted), the branch's secretary (name, masked phone),
 * the path names, open tasks, unread notices; /me/tasks only the caller's tasks; /me/recruitment
 * 404 recruit.none without a record; an account without a member record 404 member.no_record.
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
#include "domain/dues.h"
#include "domain/me_home.h"
#include "domain/meeting.h"
#include "domain/notice.h"
#include "domain/org.h"
#include "domain/task.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	int64_t top, town, a, b;
	int64_t me, sec, other, mb;
};

static struct fixture fx;

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static void sql(const char *fmt, int64_t a, int64_t b)
{
	char q[256];
	struct stmt *st;
	xsnprintf(q, sizeof(q), fmt, a, b);
	st = db_prepare(fx.ctx.db, q, &fx.ctx.err);
	assert_non_null(st);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

static void ok(int rc, const char *what)
{
	if (rc)
		life_fail_ctx(what, &fx.ctx);
}

static int populate(int pg)
{
	json_t *body, *out = NULL;
	int64_t id = 0;
	(void)pg;
	config_defaults(&fx.cfg);
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "首页县委组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "首页镇党委", 0);
	fx.a = life_make_org(fx.town, "branch", "首页东村党支部", 3);
	fx.b = life_make_org(fx.town, "branch", "首页西村党支部", 3);
	fx.me = life_make_member(fx.a);
	fx.sec = life_make_member(fx.a);
	fx.other = life_make_member(fx.a);
	fx.mb = life_make_member(fx.b);
	as_system();
	sql("UPDATE orgs SET secretary_member_id = %" PRId64 " WHERE id = %" PRId64, fx.sec, fx.a);
	sql("UPDATE members SET phone_mask = '139****1234' WHERE id = %" PRId64 " AND id <> %" PRId64, fx.sec, 0);

	/* dues: ¥3,000 employed from 2025-10 (5‰ = ¥15.00), paid 2025-10..12 */
	body = json_pack("{s:s, s:I, s:s}", "kind", "employed", "base_fen", (json_int_t)300000, "from_month", "2025-10");
	ok(dues_base_set(&fx.ctx, fx.me, body, &out), "base");
	json_decref(out);
	json_decref(body);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)fx.me, "kind", "regular", "first_month",
			 "2025-10", "last_month", "2025-12", "paid_on", "2026-01-05", "method", "wechat");
	out = NULL;
	ok(dues_payment_create(&fx.ctx, body, &out), "payment");
	json_decref(out);
	json_decref(body);

	/* study: present at one (2.5 h), absent from another (3 h); last year's does not count */
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:[{s:I, s:s}, {s:I, s:s}]}", "org_id", (json_int_t)fx.a,
			 "kind", "study", "held_on", "2026-02-12", "start_time", "09:00", "end_time", "11:30", "lecturer", "书记",
			 "topic", "学习", "hours", 2.5, "attendance", "member_id", (json_int_t)fx.me, "status", "present",
			 "member_id", (json_int_t)fx.other, "status", "present");
	ok(meeting_create(&fx.ctx, body, &id), "meeting 1");
	json_decref(body);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:[{s:I, s:s}, {s:I, s:s}]}", "org_id", (json_int_t)fx.a,
			 "kind", "study", "held_on", "2026-03-02", "start_time", "09:00", "end_time", "12:00", "lecturer", "书记",
			 "topic", "学习", "hours", 3.0, "attendance", "member_id", (json_int_t)fx.me, "status", "absent",
			 "member_id", (json_int_t)fx.other, "status", "present");
	ok(meeting_create(&fx.ctx, body, &id), "meeting 2");
	json_decref(body);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:[{s:I, s:s}]}", "org_id", (json_int_t)fx.a, "kind",
			 "study", "held_on", "2025-12-02", "start_time", "09:00", "end_time", "12:00", "lecturer", "书记", "topic",
			 "学习", "hours", 3.0, "attendance", "member_id", (json_int_t)fx.me, "status", "present");
	ok(meeting_create(&fx.ctx, body, &id), "meeting 2025");
	json_decref(body);

	/* tasks: one open and overdue for me, one completed-able for another member */
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:I, s:s, s:[{s:i, s:s}]}", "org_id", (json_int_t)fx.town, "year", 2026,
			 "title", "村集体经济增收", "unit_org_id", (json_int_t)fx.a, "person_name", "我", "person_member_id",
			 (json_int_t)fx.me, "due_on", "2026-03-01", "milestones", "month", 2, "target", "完成方案");
	ok(task_create(&fx.ctx, body, &id), "task 1");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:I, s:s, s:[{s:i, s:s}]}", "org_id", (json_int_t)fx.town, "year", 2026,
			 "title", "别人的任务", "unit_org_id", (json_int_t)fx.a, "person_name", "他", "person_member_id",
			 (json_int_t)fx.other, "due_on", "2026-12-01", "milestones", "month", 6, "target", "过半");
	ok(task_create(&fx.ctx, body, &id), "task 2");
	json_decref(body);

	/* a notice to the branch, unread */
	body = json_pack("{s:I, s:s, s:s, s:b}", "org_id", (json_int_t)fx.a, "title", "支部通知", "body", "周五开会", "publish", 1);
	ok(notice_create(&fx.ctx, body, &id), "notice");
	json_decref(body);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "mehome", populate, 2 };

static json_int_t jint(json_t *o, const char *a, const char *b)
{
	json_t *x = json_object_get(o, a);
	if (b)
		x = json_object_get(x, b);
	assert_true(json_is_integer(x));
	return json_integer_value(x);
}

static void test_summary(void **state)
{
	json_t *j = NULL, *x;
	(void)state;
	life_act_as(ROLE_MEMBER, fx.a, fx.me);
	ok(me_home(&fx.ctx, &j), "me_home");
	/* dues: from the dues domain's rule */
	assert_int_equal(jint(j, "dues", "monthly_fen"), 1500);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "dues"), "paid_to")), "2025-12");
	assert_int_equal(jint(j, "dues", "owed_months"), 2);
	assert_int_equal(jint(j, "dues", "owed_fen"), 3000);
	/* hours: this year's, present only */
	x = json_object_get(j, "hours");
	assert_true(json_real_value(json_object_get(x, "hours")) > 2.49 && json_real_value(json_object_get(x, "hours")) < 2.51);
	assert_int_equal(jint(j, "hours", "target_hours"), 32);
	assert_true(json_is_false(json_object_get(x, "met")));
	/* branch and secretary */
	x = json_object_get(j, "branch");
	assert_int_equal(jint(j, "branch", "id"), fx.a);
	assert_string_equal(json_string_value(json_object_get(x, "path_names")), "首页县委组织部 / 首页镇党委 / 首页东村党支部");
	assert_int_equal(json_array_size(json_object_get(x, "path")), 3);
	x = json_object_get(j, "secretary");
	assert_int_equal(jint(j, "secretary", "member_id"), fx.sec);
	assert_string_equal(json_string_value(json_object_get(x, "name")), "首页党员");
	assert_string_equal(json_string_value(json_object_get(x, "phone")), "139****1234");
	assert_true(json_is_false(json_object_get(x, "is_me")));
	/* tasks, notices, recruitment */
	assert_int_equal(jint(j, "tasks", "open"), 1);
	assert_int_equal(jint(j, "tasks", "overdue"), 1);
	assert_int_equal(jint(j, "notices", "unread"), 1);
	assert_true(json_is_null(json_object_get(j, "recruitment")));
	assert_int_equal(jint(j, "year", NULL), 2026);
	json_decref(j);

	/* a member of the other branch: nothing of branch a, no secretary there */
	life_act_as(ROLE_MEMBER, fx.b, fx.mb);
	ok(me_home(&fx.ctx, &j), "me_home b");
	assert_int_equal(jint(j, "branch", "id"), fx.b);
	assert_true(json_is_null(json_object_get(j, "secretary")));
	assert_int_equal(jint(j, "tasks", "open"), 0);
	assert_int_equal(jint(j, "notices", "unread"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(j, "dues"), "monthly_fen")));
	json_decref(j);

	/* paying the arrears clears them (the figure follows the dues domain, not a copy) */
	as_system();
	{
		json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)fx.me, "kind", "regular",
					 "first_month", "2026-01", "last_month", "2026-02", "paid_on", "2026-03-09", "method", "cash"),
		       *out = NULL;
		ok(dues_payment_create(&fx.ctx, body, &out), "pay arrears");
		json_decref(out);
		json_decref(body);
	}
	life_act_as(ROLE_MEMBER, fx.a, fx.me);
	ok(me_home(&fx.ctx, &j), "me_home after");
	assert_int_equal(jint(j, "dues", "owed_months"), 0);
	assert_int_equal(jint(j, "dues", "owed_fen"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "dues"), "paid_to")), "2026-02");
	json_decref(j);
}

static void test_tasks_and_recruitment(void **state)
{
	json_t *j = NULL, *t;
	(void)state;
	life_act_as(ROLE_MEMBER, fx.a, fx.me);
	ok(me_tasks(&fx.ctx, &j), "me_tasks");
	assert_int_equal(jint(j, "total", NULL), 1);
	t = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(t, "title")), "村集体经济增收");
	assert_true(json_is_true(json_object_get(t, "overdue")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(t, "milestones"), 0), "status")),
			    "overdue");
	json_decref(j);

	j = NULL;
	assert_int_equal(me_recruitment(&fx.ctx, &j), E_NOTFOUND);
	assert_string_equal(fx.ctx.err.rule, "recruit.none");
	assert_null(j);

	/* an account without a member record */
	life_act_as(ROLE_MEMBER, fx.a, 0);
	assert_int_equal(me_home(&fx.ctx, &j), E_NOTFOUND);
	assert_string_equal(fx.ctx.err.rule, "member.no_record");
	err_clear(&fx.ctx.err);
	assert_int_equal(me_tasks(&fx.ctx, &j), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(me_recruitment(&fx.ctx, &j), E_NOTFOUND);
	assert_string_equal(fx.ctx.err.rule, "member.no_record");
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_tasks_and_recruitment),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_tasks_and_recruitment),
	};
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1986;
	life_member_name = "首页党员";
	failed = cmocka_run_group_tests_name("me_home/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("me_home/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("me_home/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
