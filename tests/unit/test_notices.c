/*
 * 通知公告 in the domain layer with injected dates: who a notice reaches (a town's
 * notice every member below it and nobody outside; a branch's not the sibling branch),
 * read recorded once, the receipt confirmed once and counted per branch, the one
 * reminder (409 notice.remind_once on the second), withdrawal and expiry hiding a
 * notice, and the 422s naming their fields. Runs on SQLite and again on PostgreSQL
 * when DJ_TEST_PG_URL is set.
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
#include "domain/notice.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct life_towns t;
	int64_t group_a;
	int64_t ma, ma2, mb, mc;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_towns("通知", &fx.t);
	fx.group_a = life_make_org(fx.t.a, "group", "通知东村第一党小组", 0);
	fx.ma = life_make_member(fx.t.a);
	fx.ma2 = life_make_member(fx.t.a);
	fx.mb = life_make_member(fx.t.b);
	fx.mc = life_make_member(fx.t.c);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "notices", populate, 2 };

static void as_member(int64_t member_id, int64_t branch)
{
	life_act_as(ROLE_MEMBER, branch, member_id);
}

/* a notice from org (as its admin or secretary), published unless draft */
static int64_t send(enum role role, int64_t org, const char *title, int receipt, int draft)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:b, s:b}", "org_id", (json_int_t)org, "title", title, "body",
				 "请各支部按时参加。\n附件见下。", "receipt", receipt, "publish", !draft);
	int64_t id = 0;
	life_act_as(role, org, 0);
	if (notice_create(&fx.ctx, body, &id))
		life_fail_ctx("notice create", &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *sender_view(int64_t id)
{
	json_t *j = NULL;
	life_act_as(ROLE_SYSADMIN, fx.t.top, 0);
	fx.ctx.actor.org_id = 0;
	strlcpy_z(fx.ctx.actor.org_path, "/", sizeof(fx.ctx.actor.org_path));
	if (notice_get(&fx.ctx, id, &j))
		life_fail_ctx("notice get", &fx.ctx);
	return j;
}

static int64_t version_of(int64_t id)
{
	json_t *j = sender_view(id);
	int64_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* 1 when id is in the member's list; *unread optional */
static int in_my_list(int64_t member, int64_t branch, int64_t id, int64_t *unread)
{
	json_t *items = NULL, *x;
	int64_t total = 0, u = 0;
	size_t k;
	int found = 0;
	as_member(member, branch);
	if (notice_mine(&fx.ctx, 1, 200, &items, &total, &u))
		life_fail_ctx("notice mine", &fx.ctx);
	json_array_foreach(items, k, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			found = 1;
	json_decref(items);
	if (unread)
		*unread = u;
	return found;
}

static int open_as(int64_t member, int64_t branch, int64_t id, json_t **out)
{
	as_member(member, branch);
	*out = NULL;
	return notice_open(&fx.ctx, id, out);
}

static void test_pure_rules(void **state)
{
	struct date today = { 2026, 3, 10 };
	(void)state;
	assert_true(notice_reaches("/1/2/", "/1/2/5/"));
	assert_true(notice_reaches("/1/2/5/", "/1/2/5/"));
	assert_false(notice_reaches("/1/2/", "/1/23/"));
	assert_false(notice_reaches("/1/2/5/", "/1/2/"));
	assert_false(notice_is_expired("2026-03-10", today));
	assert_true(notice_is_expired("2026-03-09", today));
	assert_false(notice_is_expired("", today));
	assert_int_equal(notice_status_parse("withdrawn"), NS_WITHDRAWN);
	assert_int_equal(notice_status_parse("gone"), -1);
}

static void test_scope(void **state)
{
	json_t *j = NULL;
	int64_t town_notice, branch_notice, draft;
	(void)state;
	town_notice = send(ROLE_ORG_ADMIN, fx.t.town, "关于开展主题党日的通知", 0, 0);
	branch_notice = send(ROLE_SECRETARY, fx.t.a, "东村支部党员大会通知", 0, 0);
	draft = send(ROLE_ORG_ADMIN, fx.t.town, "草稿通知", 0, 1);
	/* the town's notice reaches every member below the town, and nobody in the other town */
	assert_true(in_my_list(fx.ma, fx.t.a, town_notice, NULL));
	assert_true(in_my_list(fx.ma2, fx.t.a, town_notice, NULL));
	assert_true(in_my_list(fx.mb, fx.t.b, town_notice, NULL));
	assert_false(in_my_list(fx.mc, fx.t.c, town_notice, NULL));
	assert_int_equal(open_as(fx.mc, fx.t.c, town_notice, &j), E_NOTFOUND);
	/* a branch notice stays in the branch */
	assert_true(in_my_list(fx.ma, fx.t.a, branch_notice, NULL));
	assert_false(in_my_list(fx.mb, fx.t.b, branch_notice, NULL));
	assert_int_equal(open_as(fx.mb, fx.t.b, branch_notice, &j), E_NOTFOUND);
	/* a draft reaches nobody */
	assert_false(in_my_list(fx.ma, fx.t.a, draft, NULL));
	assert_int_equal(open_as(fx.ma, fx.t.a, draft, &j), E_NOTFOUND);
	/* the sender's side: the branch secretary cannot see the town's notice, nor the sibling's */
	life_act_as(ROLE_SECRETARY, fx.t.b, 0);
	assert_int_equal(notice_get(&fx.ctx, town_notice, &j), E_NOTFOUND);
	assert_int_equal(notice_get(&fx.ctx, branch_notice, &j), E_NOTFOUND);
	/* recipients counted over the town: three members in two branches */
	j = sender_view(town_notice);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "recipients")), 3);
	json_decref(j);
	j = sender_view(branch_notice);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "recipients")), 2);
	json_decref(j);
}

static void test_sending_rules(void **state)
{
	json_t *body;
	int64_t id = 0;
	(void)state;
	/* a secretary sends only within the branch */
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	body = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)fx.t.town, "title", "越权", "body", "x");
	assert_int_equal(notice_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "org_id");
	json_decref(body);
	/* not from a 党小组 */
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	body = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)fx.group_a, "title", "小组", "body", "x");
	assert_int_equal(notice_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "notice.org_kind");
	json_decref(body);
	/* title and body required; expiry not in the past */
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	body = json_pack("{s:s}", "body", "x");
	assert_int_equal(notice_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "title");
	json_decref(body);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	body = json_pack("{s:s, s:s, s:s}", "title", "x", "body", "x", "expires_on", "2026-03-09");
	assert_int_equal(notice_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "notice.expires_past");
	json_decref(body);
	/* a member sends nothing */
	as_member(fx.ma, fx.t.a);
	body = json_pack("{s:s, s:s}", "title", "x", "body", "x");
	assert_int_equal(notice_create(&fx.ctx, body, &id), E_FORBIDDEN);
	json_decref(body);
}

static void test_read_once_and_receipt(void **state)
{
	json_t *j = NULL, *r = NULL, *branches, *body;
	char first[32];
	int64_t id, plain, unread_before, unread_after;
	(void)state;
	id = send(ROLE_ORG_ADMIN, fx.t.town, "关于报送学习心得的通知", 1, 0);
	plain = send(ROLE_ORG_ADMIN, fx.t.town, "不需回执的通知", 0, 0);
	in_my_list(fx.ma, fx.t.a, id, &unread_before);
	assert_int_equal(open_as(fx.ma, fx.t.a, id, &j), 0);
	assert_true(json_is_true(json_object_get(j, "read")));
	assert_false(json_is_true(json_object_get(j, "confirmed")));
	assert_non_null(json_string_value(json_object_get(j, "body")));
	strlcpy_z(first, json_string_value(json_object_get(j, "read_at")), sizeof(first));
	json_decref(j);
	in_my_list(fx.ma, fx.t.a, id, &unread_after);
	assert_int_equal(unread_after, unread_before - 1);
	/* opened again a day later: still the first reading */
	life_set_today(2026, 3, 11);
	assert_int_equal(open_as(fx.ma, fx.t.a, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "read_at")), first);
	json_decref(j);
	/* confirming: once; a second confirmation changes nothing */
	as_member(fx.ma, fx.t.a);
	assert_int_equal(notice_confirm(&fx.ctx, id, &j), 0);
	assert_true(json_is_true(json_object_get(j, "confirmed")));
	strlcpy_z(first, json_string_value(json_object_get(j, "confirmed_at")), sizeof(first));
	json_decref(j);
	life_set_today(2026, 3, 12);
	as_member(fx.ma, fx.t.a);
	assert_int_equal(notice_confirm(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "confirmed_at")), first);
	json_decref(j);
	/* no receipt asked: nothing to confirm */
	as_member(fx.ma, fx.t.a);
	assert_int_equal(notice_confirm(&fx.ctx, plain, &j), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "notice.no_receipt");
	/* mb confirms without opening first: read and confirmed together */
	as_member(fx.mb, fx.t.b);
	assert_int_equal(notice_confirm(&fx.ctx, id, &j), 0);
	assert_true(json_is_true(json_object_get(j, "read")));
	json_decref(j);
	/* the sender sees it per branch: 东村 1 of 2, 西村 1 of 1 */
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_receipts(&fx.ctx, id, &r), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "totals"), "recipients")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "totals"), "read")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "totals"), "confirmed")), 2);
	branches = json_object_get(r, "branches");
	assert_int_equal(json_array_size(branches), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 0), "org_id")), fx.t.a);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 0), "recipients")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 0), "confirmed")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 1), "confirmed")), 1);
	json_decref(r);
	/* who has not: ma2 only */
	{
		json_t *items = NULL;
		int64_t total = 0;
		life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
		assert_int_equal(notice_receipt_members(&fx.ctx, id, 0, "unconfirmed", 1, 50, &items, &total), 0);
		assert_int_equal(total, 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "member_id")), fx.ma2);
		json_decref(items);
		assert_int_equal(notice_receipt_members(&fx.ctx, id, fx.t.b, NULL, 1, 50, &items, &total), 0);
		assert_int_equal(total, 1);
		json_decref(items);
	}
	/* content is fixed once published */
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "title", "改标题");
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_update(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "notice.published");
	json_decref(body);
	life_set_today(2026, 3, 10);
}

static int reminded(int64_t member, int64_t branch, int64_t id)
{
	json_t *items = NULL, *x;
	int64_t total = 0, u = 0;
	size_t k;
	int r = -1;
	as_member(member, branch);
	if (notice_mine(&fx.ctx, 1, 200, &items, &total, &u))
		life_fail_ctx("notice mine", &fx.ctx);
	json_array_foreach(items, k, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			r = json_is_true(json_object_get(x, "reminded"));
	json_decref(items);
	return r;
}

static void test_remind_once(void **state)
{
	json_t *j = NULL;
	int64_t id;
	(void)state;
	id = send(ROLE_ORG_ADMIN, fx.t.town, "请确认收到换届通知", 1, 0);
	as_member(fx.ma, fx.t.a);
	assert_int_equal(notice_confirm(&fx.ctx, id, &j), 0);
	json_decref(j);
	assert_int_equal(reminded(fx.mb, fx.t.b, id), 0);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_remind(&fx.ctx, id), 0);
	/* the reminder shows to who still owes the receipt, not to who confirmed */
	assert_int_equal(reminded(fx.mb, fx.t.b, id), 1);
	assert_int_equal(reminded(fx.ma, fx.t.a, id), 0);
	/* never a second time */
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_remind(&fx.ctx, id), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "notice.remind_once");
	/* a draft cannot be reminded */
	id = send(ROLE_ORG_ADMIN, fx.t.town, "草稿", 1, 1);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_remind(&fx.ctx, id), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "notice.status");
}

static void test_withdraw_and_expiry(void **state)
{
	json_t *body, *j = NULL;
	int64_t id, exp;
	(void)state;
	id = send(ROLE_ORG_ADMIN, fx.t.town, "将撤回的通知", 0, 0);
	assert_true(in_my_list(fx.mb, fx.t.b, id, NULL));
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "reason", "内容有误");
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_withdraw(&fx.ctx, id, body), 0);
	/* a second withdrawal with the same version: the state refuses first */
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_withdraw(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "notice.status");
	json_decref(body);
	assert_false(in_my_list(fx.mb, fx.t.b, id, NULL));
	assert_int_equal(open_as(fx.mb, fx.t.b, id, &j), E_NOTFOUND);
	/* expiry: shown through its last day, gone the day after */
	body = json_pack("{s:I, s:s, s:s, s:s, s:b}", "org_id", (json_int_t)fx.t.town, "title", "限期通知", "body", "x",
			 "expires_on", "2026-03-12", "publish", 1);
	life_act_as(ROLE_ORG_ADMIN, fx.t.town, 0);
	assert_int_equal(notice_create(&fx.ctx, body, &exp), 0);
	json_decref(body);
	life_set_today(2026, 3, 12);
	assert_true(in_my_list(fx.mb, fx.t.b, exp, NULL));
	life_set_today(2026, 3, 13);
	assert_false(in_my_list(fx.mb, fx.t.b, exp, NULL));
	assert_int_equal(open_as(fx.mb, fx.t.b, exp, &j), E_NOTFOUND);
	life_set_today(2026, 3, 10);
	/* a draft is published once */
	id = send(ROLE_SECRETARY, fx.t.a, "先存草稿", 0, 1);
	assert_false(in_my_list(fx.ma, fx.t.a, id, NULL));
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(notice_publish(&fx.ctx, id, body), 0);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(notice_publish(&fx.ctx, id, body), E_CONFLICT);
	json_decref(body);
	assert_true(in_my_list(fx.ma, fx.t.a, id, NULL));
}

#define NOTICE_TESTS                                             \
	{                                                        \
		cmocka_unit_test(test_pure_rules),               \
		cmocka_unit_test(test_scope),                    \
		cmocka_unit_test(test_sending_rules),            \
		cmocka_unit_test(test_read_once_and_receipt),    \
		cmocka_unit_test(test_remind_once),              \
		cmocka_unit_test(test_withdraw_and_expiry),      \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = NOTICE_TESTS;
	const struct CMUnitTest pg_tests[] = NOTICE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1984;
	life_member_name = "通知党员";
	failed = cmocka_run_group_tests_name("notices/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("notices/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("notices/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
