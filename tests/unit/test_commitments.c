/*
 * 目标责任书 and 承诺事项 in the domain layer with injected dates: the status machine
 * (pending → done | cancelled; anything else 409 commitment.status), the evidence and
 * reason rules, one letter per holder and year, overdue detection on both sides of the
 * due date, the grouped statistics of a subtree over a year range, the member's own
 * items, and scope. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/commitment.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b;
	int64_t ma[3], mb;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("承诺", &fx.top, &fx.town, &fx.a, &fx.b);
	life_make_members(fx.a, fx.ma, 3);
	fx.mb = life_make_member(fx.b);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "commitments", populate, 2 };

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

/* A letter with items given as (title, category, due_on) triples; returns its id. */
static int64_t make_letter(const char *holder_type, int64_t holder, int year, int n, const char *const *items)
{
	json_t *body = json_pack("{s:s, s:I, s:i, s:s, s:s}", "holder_type", holder_type,
				 !strcmp(holder_type, "org") ? "org_id" : "member_id", (json_int_t)holder, "year", year,
				 "signed_by", "镇党委书记", "signed_on", "2026-01-05");
	json_t *arr = json_array();
	int64_t id = 0;
	int k;
	for (k = 0; k < n; k++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "title", items[3 * k], "category", items[3 * k + 1],
						     "due_on", items[3 * k + 2], "public", k == 0));
	json_object_set_new(body, "items", arr);
	err_clear(&fx.ctx.err);
	if (commitment_letter_create(&fx.ctx, body, &id))
		life_fail_ctx("letter create", &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *letter(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (commitment_letter_get(&fx.ctx, id, &j))
		life_fail_ctx("letter get", &fx.ctx);
	return j;
}

static int64_t item_id(json_t *l, int k)
{
	return json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), (size_t)k), "id"));
}

static json_t *item(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (commitment_item_get(&fx.ctx, id, &j))
		life_fail_ctx("item get", &fx.ctx);
	return j;
}

static int64_t version_of(int64_t id)
{
	json_t *j = item(id);
	int64_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

static int complete(int64_t id, const char *evidence, const char *done_on, int self)
{
	json_t *body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	int rc;
	if (evidence)
		json_object_set_new(body, "evidence", json_string(evidence));
	if (done_on)
		json_object_set_new(body, "done_on", json_string(done_on));
	err_clear(&fx.ctx.err);
	rc = commitment_item_complete(&fx.ctx, id, body, self);
	json_decref(body);
	return rc;
}

static int cancel(int64_t id, const char *reason)
{
	json_t *body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	int rc;
	if (reason)
		json_object_set_new(body, "reason", json_string(reason));
	err_clear(&fx.ctx.err);
	rc = commitment_item_cancel(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static const char *status_of(int64_t id)
{
	static char buf[16];
	json_t *j = item(id);
	strlcpy_z(buf, json_string_value(json_object_get(j, "status")), sizeof(buf));
	json_decref(j);
	return buf;
}

static void test_pure_rules(void **state)
{
	struct date d31 = { 2026, 3, 31 }, d401 = { 2026, 4, 1 };
	(void)state;
	assert_int_equal(commitment_transition_ok(CS_PENDING, CS_DONE), 0);
	assert_int_equal(commitment_transition_ok(CS_PENDING, CS_CANCELLED), 0);
	assert_int_equal(commitment_transition_ok(CS_CANCELLED, CS_DONE), -1);
	assert_int_equal(commitment_transition_ok(CS_DONE, CS_CANCELLED), -1);
	assert_int_equal(commitment_transition_ok(CS_DONE, CS_DONE), -1);
	/* due on the 31st: still in time that day, overdue from the next */
	assert_false(commitment_is_overdue(CS_PENDING, "2026-03-31", d31));
	assert_true(commitment_is_overdue(CS_PENDING, "2026-03-31", d401));
	assert_false(commitment_is_overdue(CS_DONE, "2026-03-31", d401));
	assert_false(commitment_is_overdue(CS_CANCELLED, "2026-03-31", d401));
}

static void test_status_machine_and_rules(void **state)
{
	static const char *const items[] = {
		"每月走访困难群众 2 户", "service", "2026-12-31",
		"带头学习党的二十届全会精神", "study", "2026-06-30",
		"发展特色种植 10 亩", "development", "2026-10-31",
	};
	int64_t lid, done, cancelled, pending, dup = 0;
	json_t *l, *body;
	(void)state;
	as_system();
	life_set_today(2026, 3, 10);
	lid = make_letter("member", fx.ma[0], 2026, 3, items);
	l = letter(lid);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 3);
	assert_string_equal(json_string_value(json_object_get(l, "holder_type")), "member");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(l, "summary"), "pending")), 3);
	done = item_id(l, 0);
	cancelled = item_id(l, 1);
	pending = item_id(l, 2);
	json_decref(l);

	/* one letter per holder and year */
	body = json_pack("{s:s, s:I, s:i}", "holder_type", "member", "member_id", (json_int_t)fx.ma[0], "year", 2026);
	err_clear(&fx.ctx.err);
	assert_int_equal(commitment_letter_create(&fx.ctx, body, &dup), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "commitment.duplicate");
	json_decref(body);

	/* evidence is required to complete */
	assert_int_equal(complete(done, NULL, NULL, 0), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "commitment.evidence");
	assert_int_equal(complete(done, "", NULL, 0), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "commitment.evidence");
	assert_string_equal(status_of(done), "pending");
	/* not in the future */
	assert_int_equal(complete(done, "已走访 24 户", "2026-03-11", 0), E_INVALID);
	assert_int_equal(complete(done, "已走访 24 户，解决实际困难 5 件", "2026-03-09", 0), 0);
	assert_string_equal(status_of(done), "done");
	/* done is final */
	assert_int_equal(complete(done, "再次完成", NULL, 0), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "commitment.status");
	assert_int_equal(cancel(done, "不再需要"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "commitment.status");

	/* a reason is required to cancel; a cancelled item cannot be completed */
	assert_int_equal(cancel(cancelled, NULL), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "commitment.reason");
	assert_int_equal(cancel(cancelled, "本人外出务工，改由支部统一组织"), 0);
	assert_string_equal(status_of(cancelled), "cancelled");
	assert_int_equal(complete(cancelled, "已学习", NULL, 0), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "commitment.status");

	/* a stale version is refused */
	body = json_pack("{s:i, s:s}", "version", 99, "evidence", "x");
	err_clear(&fx.ctx.err);
	assert_int_equal(commitment_item_complete(&fx.ctx, pending, body, 0), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);

	l = letter(lid);
	body = json_object_get(l, "summary");
	assert_int_equal(json_integer_value(json_object_get(body, "done")), 1);
	assert_int_equal(json_integer_value(json_object_get(body, "cancelled")), 1);
	assert_int_equal(json_integer_value(json_object_get(body, "pending")), 1);
	json_decref(l);
}

static void test_overdue_with_injected_today(void **state)
{
	static const char *const items[] = { "修缮村级活动阵地", "duty", "2026-03-31" };
	struct commitment_filter f = { 0, 2026, NULL, -1, 1, NULL, NULL };
	json_t *l, *it, *list = NULL;
	int64_t lid, id, total = 0;
	(void)state;
	as_system();
	life_set_today(2026, 3, 10);
	lid = make_letter("org", fx.b, 2026, 1, items);
	l = letter(lid);
	id = item_id(l, 0);
	json_decref(l);

	life_set_today(2026, 3, 31);
	it = item(id);
	assert_false(json_is_true(json_object_get(it, "overdue")));
	json_decref(it);
	f.org_id = fx.b;
	assert_int_equal(commitment_items_list(&fx.ctx, &f, 1, 50, &list, &total), 0);
	assert_int_equal(total, 0);
	json_decref(list);

	life_set_today(2026, 4, 1);
	it = item(id);
	assert_true(json_is_true(json_object_get(it, "overdue")));
	json_decref(it);
	assert_int_equal(commitment_items_list(&fx.ctx, &f, 1, 50, &list, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), id);
	json_decref(list);

	/* done late: no longer overdue */
	assert_int_equal(complete(id, "活动室已修缮并投入使用", "2026-04-01", 0), 0);
	it = item(id);
	assert_false(json_is_true(json_object_get(it, "overdue")));
	json_decref(it);
	life_set_today(2026, 3, 10);
}

static json_t *cat_of(json_t *stats, const char *code)
{
	size_t k;
	json_t *c;
	json_array_foreach(json_object_get(stats, "by_category"), k, c)
		if (!strcmp(json_string_value(json_object_get(c, "category")), code))
			return c;
	return NULL;
}

static json_t *year_of(json_t *stats, int y)
{
	size_t k;
	json_t *c;
	json_array_foreach(json_object_get(stats, "by_year"), k, c)
		if (json_integer_value(json_object_get(c, "year")) == y)
			return c;
	return NULL;
}

#define JI(o, k) json_integer_value(json_object_get((o), (k)))

static void test_statistics(void **state)
{
	static const char *const y23[] = { "学习党章", "study", "2023-06-30", "走访群众", "service", "2023-12-31" };
	static const char *const y24[] = { "带头致富", "development", "2024-12-31" };
	static const char *const y25[] = { "廉洁自律承诺", "integrity", "2025-12-31", "服务群众承诺", "service", "2025-05-31" };
	json_t *l23, *l24, *l25, *st = NULL;
	int64_t a23, a24, a25;
	(void)state;
	as_system();
	life_set_today(2026, 3, 10);
	a23 = make_letter("member", fx.ma[1], 2023, 2, y23);
	a24 = make_letter("member", fx.ma[1], 2024, 1, y24);
	a25 = make_letter("member", fx.ma[2], 2025, 2, y25);
	l23 = letter(a23);
	l24 = letter(a24);
	l25 = letter(a25);
	life_set_today(2026, 3, 10);
	assert_int_equal(complete(item_id(l23, 0), "学习笔记 2 万字", "2023-06-01", 0), 0);
	assert_int_equal(complete(item_id(l23, 1), "走访 40 户", "2023-12-20", 0), 0);
	assert_int_equal(complete(item_id(l24, 0), "种植大棚 3 个", "2024-11-30", 0), 0);
	assert_int_equal(cancel(item_id(l25, 0), "合并到支部承诺"), 0);
	/* l25 item 1 stays pending past 2025-05-31: overdue */
	json_decref(l23);
	json_decref(l24);
	json_decref(l25);

	/* branch a, 2023–2025: 5 items, 3 done, 1 pending (overdue), 1 cancelled */
	err_clear(&fx.ctx.err);
	assert_int_equal(commitment_stats(&fx.ctx, fx.a, 2023, 2025, &st), 0);
	assert_int_equal(JI(st, "total"), 5);
	assert_int_equal(JI(st, "done"), 3);
	assert_int_equal(JI(st, "pending"), 1);
	assert_int_equal(JI(st, "overdue"), 1);
	assert_int_equal(JI(st, "cancelled"), 1);
	assert_int_equal(JI(cat_of(st, "service"), "total"), 2);
	assert_int_equal(JI(cat_of(st, "service"), "done"), 1);
	assert_int_equal(JI(cat_of(st, "service"), "overdue"), 1);
	assert_int_equal(JI(cat_of(st, "integrity"), "cancelled"), 1);
	assert_int_equal(json_array_size(json_object_get(st, "by_year")), 3);
	assert_int_equal(JI(year_of(st, 2023), "done"), 2);
	assert_int_equal(JI(year_of(st, 2024), "done"), 1);
	assert_int_equal(JI(year_of(st, 2025), "pending"), 1);
	json_decref(st);

	/* the year range cuts: 2024 only */
	assert_int_equal(commitment_stats(&fx.ctx, fx.a, 2024, 2024, &st), 0);
	assert_int_equal(JI(st, "total"), 1);
	json_decref(st);
	/* the other branch's subtree does not see branch a */
	assert_int_equal(commitment_stats(&fx.ctx, fx.b, 2023, 2025, &st), 0);
	assert_int_equal(JI(st, "total"), 0);
	json_decref(st);
	/* the town sums both branches (2026 included: the earlier tests' letters) */
	assert_int_equal(commitment_stats(&fx.ctx, fx.town, 2023, 2026, &st), 0);
	assert_int_equal(JI(st, "total"), 5 + 3 + 1);
	json_decref(st);
	/* a range the wrong way round */
	assert_int_equal(commitment_stats(&fx.ctx, fx.town, 2026, 2023, &st), E_INVALID);
}

static void test_member_self_and_scope(void **state)
{
	static const char *const items[] = { "每季度讲一次微党课", "study", "2026-12-31" };
	json_t *mine = NULL, *j = NULL, *list = NULL;
	struct commitment_filter f = { 0, 0, NULL, -1, 0, NULL, NULL };
	int64_t lb, ib, ia, total = 0;
	(void)state;
	as_system();
	life_set_today(2026, 3, 10);
	lb = make_letter("member", fx.mb, 2026, 1, items);
	j = letter(lb);
	ib = item_id(j, 0);
	json_decref(j);
	j = NULL;
	/* branch a's first member: the 2026 letter of the status test, one item still pending */
	life_act_as(ROLE_MEMBER, fx.a, fx.ma[0]);
	assert_int_equal(commitment_mine(&fx.ctx, 2026, &mine), 0);
	assert_int_equal(json_array_size(json_object_get(mine, "letters")), 1);
	ia = item_id(json_array_get(json_object_get(mine, "letters"), 0), 2);
	json_decref(mine);
	/* a member completes their own item, with evidence */
	assert_int_equal(complete(ia, NULL, NULL, 1), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "commitment.evidence");
	assert_int_equal(complete(ia, "已种植 12 亩", NULL, 1), 0);
	assert_string_equal(status_of(ia), "done");
	/* but not another member's, and not as an officer */
	err_clear(&fx.ctx.err);
	assert_int_equal(commitment_item_get(&fx.ctx, ib, &j), E_NOTFOUND);
	{
		json_t *body = json_pack("{s:i, s:s}", "version", 1, "evidence", "x");
		err_clear(&fx.ctx.err);
		assert_int_equal(commitment_item_complete(&fx.ctx, ib, body, 1), E_NOTFOUND);
		err_clear(&fx.ctx.err);
		assert_int_equal(commitment_item_complete(&fx.ctx, ib, body, 0), E_FORBIDDEN);
		json_decref(body);
	}
	/* branch a's secretary does not see branch b's letters */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(commitment_letter_get(&fx.ctx, lb, &j), E_NOTFOUND);
	assert_int_equal(commitment_letters_list(&fx.ctx, &f, 1, 100, &list, &total), 0);
	{
		size_t k;
		json_t *x;
		json_array_foreach(list, k, x)
			assert_int_equal(json_integer_value(json_object_get(x, "org_id")), fx.a);
	}
	assert_true(total >= 3);
	json_decref(list);
	/* the public board of branch b: only the public item, without evidence */
	as_system();
	assert_int_equal(commitment_public_list(&fx.ctx, fx.b, 2026, 1, 50, &list, &total), 0);
	assert_int_equal(total, 2);
	assert_null(json_object_get(json_array_get(list, 0), "evidence"));
	json_decref(list);
}

#define COMMITMENT_TESTS                                              \
	{                                                             \
		cmocka_unit_test(test_pure_rules),                    \
		cmocka_unit_test(test_status_machine_and_rules),      \
		cmocka_unit_test(test_overdue_with_injected_today),   \
		cmocka_unit_test(test_statistics),                    \
		cmocka_unit_test(test_member_self_and_scope),         \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = COMMITMENT_TESTS;
	const struct CMUnitTest pg_tests[] = COMMITMENT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "承诺党员";
	failed = cmocka_run_group_tests_name("commitments/sqlite", sqlite_tests, life_suite_setup_sqlite,
					     life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("commitments/postgres", pg_tests, life_suite_setup_pg,
						      life_suite_teardown);
	else
		printf("commitments/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
