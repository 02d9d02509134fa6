/*
 * GET /dues/payments' two ways (dues_pay_list.c) give the same answer: the kept total of
 * 046_dues_pay_tally and the read by date against the reference (rows counted, read by path)
 * on a tree of three levels after every write path that touches payments — regular and
 * one-off payments over two years, a batch, a void, and an org move (the payments keep the
 * path they were collected under, so the moved branch's old payments stay with the old
 * town) — for every org, year, kind and member filter, page by page and by the after=
 * cursor. Then the rebuild gives the same tally, and after= outside the subtree is refused.
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
	int64_t ma[3], mb[2], mc[2];
};

static struct fixture fx;

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static void exec_ok(const char *sql)
{
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

/* a base from 2025-01 and dues from then */
static void enrol(int64_t member)
{
	json_t *body = json_pack("{s:s, s:I, s:s}", "kind", "employed", "base_fen", (json_int_t)400000, "from_month", "2025-01"),
	       *out = NULL;
	char sql[160];
	xsnprintf(sql, sizeof(sql), "UPDATE members SET dues_from = '2025-01' WHERE id = %" PRId64, member);
	exec_ok(sql);
	err_clear(&fx.ctx.err);
	if (dues_base_set(&fx.ctx, member, body, &out))
		life_fail_ctx("base", &fx.ctx);
	json_decref(out);
	json_decref(body);
}

static int populate(int pg)
{
	size_t k;
	int64_t *all[] = { &fx.ma[0], &fx.ma[1], &fx.ma[2], &fx.mb[0], &fx.mb[1], &fx.mc[0], &fx.mc[1] };
	(void)pg;
	config_defaults(&fx.cfg);
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	life_make_towns("交费", &fx.t);
	life_make_members(fx.t.a, fx.ma, 3);
	life_make_members(fx.t.b, fx.mb, 2);
	life_make_members(fx.t.c, fx.mc, 2);
	as_system();
	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		enrol(*all[k]);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "duespl", populate, 2 };

/* a regular payment of first..last (one_off: amount instead) paid on paid_on; its id */
static int64_t pay(int64_t member, const char *first, const char *last, const char *paid_on, int64_t one_off)
{
	json_t *body = json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)member, "paid_on", paid_on, "method", "cash"),
	       *out = NULL;
	int64_t id;
	if (one_off) {
		json_object_set_new(body, "kind", json_string("one_off"));
		json_object_set_new(body, "amount_fen", json_integer(one_off));
	} else {
		json_object_set_new(body, "first_month", json_string(first));
		json_object_set_new(body, "last_month", json_string(last));
	}
	err_clear(&fx.ctx.err);
	if (dues_payment_create(&fx.ctx, body, &out))
		life_fail_ctx("pay", &fx.ctx);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	return id;
}

static void batch(int64_t org, const int64_t *ids, int n, const char *month)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:[]}", "org_id", (json_int_t)org, "month", month, "paid_on",
				 "2026-03-01", "method", "bank", "member_ids"),
	       *out = NULL;
	int k;
	for (k = 0; k < n; k++)
		json_array_append_new(json_object_get(body, "member_ids"), json_integer(ids[k]));
	err_clear(&fx.ctx.err);
	if (dues_payment_batch(&fx.ctx, body, &out))
		life_fail_ctx("batch", &fx.ctx);
	assert_int_equal(json_integer_value(json_object_get(out, "paid")), n);
	json_decref(out);
	json_decref(body);
}

static void void_payment(int64_t id)
{
	json_t *body = json_pack("{s:s}", "reason", "登记错误");
	err_clear(&fx.ctx.err);
	if (dues_payment_void(&fx.ctx, id, body))
		life_fail_ctx("void", &fx.ctx);
	json_decref(body);
}

/* every page of f the way how, by page numbers (after = 0) or by the cursor; the items concatenated */
static json_t *all_pages(struct dues_payment_filter *f, int how, int by_cursor, int64_t *total)
{
	json_t *acc = json_array(), *items = NULL;
	int page;
	f->how = how;
	f->after = 0;
	for (page = 1; page < 100; page++) {
		size_t n;
		err_clear(&fx.ctx.err);
		if (dues_payments_list(&fx.ctx, f, page, 2, &items, total))
			life_fail_ctx("list", &fx.ctx);
		n = json_array_size(items);
		if (n)
			f->after = by_cursor ? json_integer_value(json_object_get(json_array_get(items, n - 1), "id")) : 0;
		json_array_extend(acc, items);
		json_decref(items);
		if (n < 2)
			break;
	}
	f->after = 0;
	return acc;
}

/* the kept way and AUTO equal the reference for every filter over every org of the tree */
static void check_all(int expect_min)
{
	int64_t orgs[] = { fx.t.top, fx.t.town, fx.t.a, fx.t.b, fx.t.town2, fx.t.c };
	int years[] = { 0, 2025, 2026 };
	const char *kinds[] = { NULL, "regular", "one_off" };
	int64_t members[] = { 0, fx.ma[0], fx.mc[1] };
	size_t o, y, k, m;
	int64_t grand = -1;
	for (o = 0; o < sizeof(orgs) / sizeof(orgs[0]); o++)
		for (y = 0; y < 3; y++)
			for (k = 0; k < 3; k++)
				for (m = 0; m < 3; m++) {
					struct dues_payment_filter f = { .org_id = orgs[o], .year = years[y],
									 .member_id = members[m], .kind = kinds[k] };
					int64_t t_ref = -1, t_kept = -2, t_auto = -3, t_cur = -4;
					json_t *ref = all_pages(&f, DUES_PAY_REF, 0, &t_ref);
					json_t *kept = all_pages(&f, DUES_PAY_KEPT, 0, &t_kept);
					json_t *cur = all_pages(&f, DUES_PAY_KEPT, 1, &t_cur);
					json_t *aut = all_pages(&f, DUES_PAY_AUTO, 1, &t_auto);
					if (t_ref != t_kept || t_ref != t_auto || t_ref != t_cur || !json_equal(ref, kept) ||
					    !json_equal(ref, cur) || !json_equal(ref, aut) || (int64_t)json_array_size(ref) != t_ref)
						fail_msg("org %" PRId64 " year %d kind %s member %" PRId64 ": total ref %" PRId64
							 " kept %" PRId64 " cursor %" PRId64 " auto %" PRId64 ", rows %zu/%zu/%zu/%zu",
							 orgs[o], years[y], kinds[k] ? kinds[k] : "-", members[m], t_ref, t_kept,
							 t_cur, t_auto, json_array_size(ref), json_array_size(kept),
							 json_array_size(cur), json_array_size(aut));
					if (!o && !y && !k && !m)
						grand = t_ref;
					json_decref(ref);
					json_decref(kept);
					json_decref(cur);
					json_decref(aut);
				}
	assert_true(grand >= expect_min);
}

static void test_kept_equals_reference(void **state)
{
	struct org o;
	int64_t v1, v2;
	(void)state;
	as_system();
	/* two years, both kinds, three levels */
	pay(fx.ma[0], "2025-09", "2025-12", "2025-12-20", 0);
	pay(fx.ma[1], "2025-10", "2025-12", "2025-12-28", 0);
	pay(fx.mc[0], "2025-11", "2025-12", "2025-12-31", 0);
	pay(fx.mc[1], NULL, NULL, "2025-12-31", 200000);
	pay(fx.ma[0], "2026-01", "2026-03", "2026-03-02", 0);
	v1 = pay(fx.ma[2], "2026-01", "2026-01", "2026-03-02", 0);
	pay(fx.mb[0], "2026-01", "2026-01", "2026-03-02", 0);
	pay(fx.ma[1], NULL, NULL, "2026-03-03", 150000);
	v2 = pay(fx.mc[1], "2026-01", "2026-02", "2026-03-04", 0);
	check_all(9);
	batch(fx.t.b, fx.mb, 2, "2026-02");
	check_all(11);
	void_payment(v1);
	void_payment(v2);
	check_all(9);
	/* c moves from town2 to town: its old payments stay under town2's path, the next under town's */
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, fx.t.c, &o) || org_move(&fx.ctx, fx.t.c, fx.t.town, o.version))
		life_fail_ctx("move", &fx.ctx);
	pay(fx.mc[1], "2026-01", "2026-03", "2026-03-09", 0);
	pay(fx.mc[0], NULL, NULL, "2026-03-09", 100000);
	check_all(11);
	{
		/* the moved branch's own subtree now holds only what was collected after the move */
		struct dues_payment_filter f = { .org_id = fx.t.c, .how = DUES_PAY_KEPT };
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(dues_payments_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
		assert_int_equal(total, 2);
		json_decref(items);
	}
}

/* the rebuild gives the tally the triggers kept */
static void test_rebuild(void **state)
{
	struct stmt *st;
	int64_t before[2] = { 0, 0 }, after[2] = { 0, 0 };
	int pass;
	(void)state;
	as_system();
	pay(fx.ma[0], "2026-01", "2026-02", "2026-03-02", 0);
	pay(fx.mb[1], NULL, NULL, "2025-12-01", 120000);
	for (pass = 0; pass < 2; pass++) {
		int64_t *out = pass ? after : before;
		if (pass) {
			assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
			exec_ok("DELETE FROM dues_pay_tally");
			if (dues_pay_tally_rebuild(&fx.ctx))
				life_fail_ctx("rebuild", &fx.ctx);
			assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
		}
		/* rows with n > 0 (the triggers leave zeros behind) and a checksum over them */
		st = db_prepare(fx.ctx.db,
				"SELECT count(*), coalesce(sum(n * (length(path) + year + length(kind))), 0) FROM dues_pay_tally "
				"WHERE n <> 0",
				&fx.ctx.err);
		assert_non_null(st);
		assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
		out[0] = stmt_int(st, 0);
		out[1] = stmt_int(st, 1);
		stmt_reset(st);
	}
	assert_true(before[0] > 0);
	assert_int_equal(before[0], after[0]);
	assert_int_equal(before[1], after[1]);
	check_all(2);
}

/* after= must be a payment of the listed subtree */
static void test_after_scope(void **state)
{
	struct dues_payment_filter f = { .org_id = fx.t.b };
	json_t *items = NULL;
	int64_t total = 0, id;
	(void)state;
	as_system();
	id = pay(fx.ma[0], "2026-01", "2026-01", "2026-03-02", 0);
	f.after = id;
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payments_list(&fx.ctx, &f, 1, 20, &items, &total), E_MALFORMED);
	assert_string_equal(fx.ctx.err.field, "after");
	assert_null(items);
	f.org_id = fx.t.town;
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payments_list(&fx.ctx, &f, 1, 20, &items, &total), 0);
	assert_int_equal(json_array_size(items), 0);
	assert_int_equal(total, 1);
	json_decref(items);
}

#define PAY_LIST_TESTS                                                                                   \
	{                                                                                                \
		cmocka_unit_test_setup_teardown(test_kept_equals_reference, life_suite_setup_sqlite, life_suite_teardown), \
		cmocka_unit_test_setup_teardown(test_rebuild, life_suite_setup_sqlite, life_suite_teardown),               \
		cmocka_unit_test_setup_teardown(test_after_scope, life_suite_setup_sqlite, life_suite_teardown),           \
	}
#define PAY_LIST_TESTS_PG                                                                                \
	{                                                                                                \
		cmocka_unit_test_setup_teardown(test_kept_equals_reference, life_suite_setup_pg, life_suite_teardown), \
		cmocka_unit_test_setup_teardown(test_rebuild, life_suite_setup_pg, life_suite_teardown),               \
		cmocka_unit_test_setup_teardown(test_after_scope, life_suite_setup_pg, life_suite_teardown),           \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = PAY_LIST_TESTS;
	const struct CMUnitTest pg_tests[] = PAY_LIST_TESTS_PG;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1984;
	life_member_name = "交费党员";
	failed = cmocka_run_group_tests_name("dues_pay_list/sqlite", sqlite_tests, NULL, NULL);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("dues_pay_list/postgres", pg_tests, NULL, NULL);
	else
		printf("dues_pay_list/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
