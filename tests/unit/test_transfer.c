/*
 * 组织关系转接 in the domain layer, with any "today": validity (30 / 10 days) and the
 * refusal of an expired letter, which the API tests cannot reach with the server's
 * clock; the sides that may decide; and serial numbers issued by concurrent writers.
 * Runs on SQLite (a temp file) and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/member.h"
#include "domain/org.h"
#include "domain/transfer.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define THREADS 4
#define LETTERS_PER_THREAD 5

struct fixture {
	struct life_store ls;
	struct ctx ctx;        /* the system actor, today = the real today */
	int64_t committee, a, b, c, group_a;
};

static struct fixture fx;

static void get_member(int64_t id, struct member *m)
{
	err_clear(&fx.ctx.err);
	if (member_get(&fx.ctx, id, m))
		life_fail_ctx("member_get", &fx.ctx);
}

static int populate(int pg)
{
	(void)pg;
	fx.committee = life_make_org(life_make_org(0, "dept", "测试组织部", 0), "committee", "测试党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "第一党支部", 0);
	fx.b = life_make_org(fx.committee, "branch", "第二党支部", 0);
	fx.c = life_make_org(fx.committee, "joint_branch", "第三联合党支部", 0);
	fx.group_a = life_make_org(fx.a, "group", "第一党小组", 0);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "transfer", populate, THREADS + 2 };

/* Fill an internal letter request (to_org 0: external to a named org). */
static void letter(struct transfer *t, int64_t member_id, int64_t to_org)
{
	memset(t, 0, sizeof(*t));
	t->member_id = member_id;
	if (to_org) {
		strlcpy_z(t->kind, "internal", sizeof(t->kind));
		t->to_org_id = to_org;
	} else {
		strlcpy_z(t->kind, "external", sizeof(t->kind));
		strlcpy_z(t->to_org_name, "中共某市某区某街道工作委员会", sizeof(t->to_org_name));
	}
	strlcpy_z(t->reason, "工作调动", sizeof(t->reason));
	xsnprintf(t->dues_paid_to, sizeof(t->dues_paid_to), "%04d-%02d", fx.ctx.today.y, fx.ctx.today.m);
}

static void issue(struct transfer *t, int within_city)
{
	err_clear(&fx.ctx.err);
	if (transfer_create(&fx.ctx, t, within_city))
		life_fail_ctx("transfer_create", &fx.ctx);
}

static void test_validity_and_expiry(void **state)
{
	struct transfer t, got;
	struct member m;
	struct ctx later;
	char want[11];
	int64_t mid = life_make_member(fx.a);
	(void)state;

	letter(&t, mid, fx.b);
	issue(&t, 0);
	assert_int_equal(strlen(t.serial), 13);
	assert_true(!strncmp(t.serial, "ZZ", 2) && t.serial[6] == '-');
	assert_string_equal(t.status, "pending");
	date_format(date_add_days(fx.ctx.today, 30), want);
	assert_string_equal(t.valid_until, want);
	get_member(mid, &m);
	assert_string_equal(m.state, "transferring");
	assert_int_equal(m.org_id, fx.a);

	/* the day after valid_until the letter cannot be received */
	later = fx.ctx;
	later.today = date_add_days(fx.ctx.today, 31);
	life_expect_refusal(transfer_confirm(&later, t.id, t.version), &later, E_RULE, "transfer.expired");
	/* on the last valid day it can */
	later.today = date_add_days(fx.ctx.today, 30);
	err_clear(&later.err);
	if (transfer_confirm(&later, t.id, t.version))
		life_fail_ctx("transfer_confirm", &later);
	assert_int_equal(transfer_get(&fx.ctx, t.id, &got), 0);
	assert_string_equal(got.status, "confirmed");
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
	assert_int_equal(m.org_id, fx.b);

	/* within a city: 10 days */
	letter(&t, life_make_member(fx.a), fx.c);
	issue(&t, 1);
	date_format(date_add_days(fx.ctx.today, 10), want);
	assert_string_equal(t.valid_until, want);
}

static void test_confirm_moves_member(void **state)
{
	struct transfer t;
	struct member m, before;
	struct ctx c;
	json_t *hist = NULL;
	size_t i;
	int org_row = 0;
	int64_t mid = life_make_member(fx.a);
	(void)state;

	/* in a 党小组 of the old branch */
	get_member(mid, &before);
	before.group_id = fx.group_a;
	err_clear(&fx.ctx.err);
	if (member_update(&fx.ctx, &before))
		life_fail_ctx("member_update", &fx.ctx);

	letter(&t, mid, fx.b);
	issue(&t, 0);
	/* the sender cannot receive its own letter, a third branch cannot see it */
	life_copy_as(&c, fx.a, ROLE_SECRETARY);
	life_expect_refusal(transfer_confirm(&c, t.id, t.version), &c, E_FORBIDDEN, "transfer.side");
	life_copy_as(&c, fx.c, ROLE_SECRETARY);
	life_expect_refusal(transfer_confirm(&c, t.id, t.version), &c, E_NOTFOUND, NULL);
	/* the receiver cannot cancel */
	life_copy_as(&c, fx.b, ROLE_SECRETARY);
	life_expect_refusal(transfer_cancel(&c, t.id, t.version), &c, E_FORBIDDEN, "transfer.side");
	life_expect_refusal(transfer_confirm(&c, t.id, t.version + 1), &c, E_CONFLICT, NULL);
	err_clear(&c.err);
	if (transfer_confirm(&c, t.id, t.version))
		life_fail_ctx("transfer_confirm", &c);
	life_expect_refusal(transfer_confirm(&c, t.id, t.version + 1), &c, E_RULE, "transfer.status");

	get_member(mid, &m);
	assert_int_equal(m.org_id, fx.b);
	assert_int_equal(m.group_id, 0);
	assert_string_equal(m.state, "active");
	assert_true(m.version > before.version);
	assert_int_equal(member_history(&fx.ctx, mid, &hist), 0);
	for (i = 0; i < json_array_size(hist); i++) {
		json_t *row = json_array_get(hist, i);
		if (!strcmp(json_string_value(json_object_get(row, "field")), "org_id"))
			org_row = 1;
	}
	json_decref(hist);
	assert_true(org_row);
}

static void test_refusals(void **state)
{
	struct transfer t;
	struct member m;
	struct ctx *c = &fx.ctx;
	int64_t mid = life_make_member(fx.a);
	char month[8];
	(void)state;

	letter(&t, mid, fx.committee);
	err_clear(&c->err);
	life_expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.target_kind");
	letter(&t, mid, fx.a);
	life_expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.same_org");
	letter(&t, mid, fx.b);
	strlcpy_z(t.kind, "abroad", sizeof(t.kind));
	life_expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "transfer.kind");
	letter(&t, mid, fx.b);
	t.reason[0] = '\0';
	life_expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "field.required");
	letter(&t, mid, fx.b);
	strlcpy_z(t.dues_paid_to, "2026-13", sizeof(t.dues_paid_to));
	life_expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "transfer.dues_month");
	letter(&t, mid, fx.b);
	strlcpy_z(t.dues_paid_to, "2005-06", sizeof(t.dues_paid_to)); /* joined 2005-07 */
	life_expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.dues_month");
	letter(&t, mid, fx.b);
	{
		struct date d = date_add_months(c->today, 7);
		xsnprintf(month, sizeof(month), "%04d-%02d", d.y % 10000, d.m % 100);
	}
	strlcpy_z(t.dues_paid_to, month, sizeof(t.dues_paid_to));
	life_expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.dues_month");

	/* one letter at a time */
	letter(&t, mid, fx.b);
	issue(&t, 0);
	{
		struct transfer again;
		letter(&again, mid, fx.c);
		life_expect_refusal(transfer_create(c, &again, 0), c, E_RULE, "transfer.member_state");
	}
	/* none may refuse without reason */
	life_expect_refusal(transfer_reject(c, t.id, t.version, "  "), c, E_RULE, "transfer.reject_reason");
	err_clear(&c->err);
	if (transfer_reject(c, t.id, t.version, "不属于本支部接收范围"))
		life_fail_ctx("transfer_reject", c);
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
	assert_int_equal(m.org_id, fx.a);

	/* cancel by the sender */
	letter(&t, mid, fx.b);
	issue(&t, 0);
	err_clear(&c->err);
	if (transfer_cancel(c, t.id, t.version))
		life_fail_ctx("transfer_cancel", c);
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
}

static void test_external_releases_secretary(void **state)
{
	struct transfer t;
	struct member m;
	struct org o;
	int64_t mid = life_make_member(fx.c);
	(void)state;

	assert_int_equal(org_get(&fx.ctx, fx.c, &o), 0);
	o.secretary_member_id = mid;
	err_clear(&fx.ctx.err);
	if (org_update(&fx.ctx, &o))
		life_fail_ctx("org_update", &fx.ctx);
	letter(&t, mid, 0);
	issue(&t, 0);
	assert_string_equal(t.status, "sent");
	get_member(mid, &m);
	assert_string_equal(m.state, "transferred_out");
	assert_int_equal(org_get(&fx.ctx, fx.c, &o), 0);
	assert_int_equal(o.secretary_member_id, 0);
	/* the branch is editable again: its secretary pointer no longer names a departed member */
	err_clear(&fx.ctx.err);
	if (org_update(&fx.ctx, &o))
		life_fail_ctx("org_update after transfer", &fx.ctx);
}

/* Count letters with id in a list answer. */
static int listed(struct ctx *c, int64_t org_id, const char *direction, const char *status, int64_t id)
{
	struct transfer_filter f;
	json_t *items = NULL;
	int64_t total = -1;
	size_t i;
	int n = 0;
	transfer_filter_init(&f);
	f.org_id = org_id;
	strlcpy_z(f.direction, direction, sizeof(f.direction));
	strlcpy_z(f.status, status, sizeof(f.status));
	err_clear(&c->err);
	if (transfer_list(c, &f, &items, &total))
		life_fail_ctx("transfer_list", c);
	assert_true(total >= (int64_t)json_array_size(items));
	for (i = 0; i < json_array_size(items); i++)
		if (json_integer_value(json_object_get(json_array_get(items, i), "id")) == id)
			n++;
	json_decref(items);
	return n;
}

static void test_list_directions(void **state)
{
	struct transfer t, got;
	struct ctx a, b, c;
	(void)state;
	letter(&t, life_make_member(fx.a), fx.b);
	issue(&t, 0);
	life_copy_as(&a, fx.a, ROLE_SECRETARY);
	life_copy_as(&b, fx.b, ROLE_SECRETARY);
	life_copy_as(&c, fx.c, ROLE_SECRETARY);
	assert_int_equal(listed(&a, 0, "out", "", t.id), 1);
	assert_int_equal(listed(&a, 0, "in", "", t.id), 0);
	assert_int_equal(listed(&a, 0, "", "pending", t.id), 1);
	assert_int_equal(listed(&a, 0, "", "confirmed", t.id), 0);
	assert_int_equal(listed(&b, 0, "in", "", t.id), 1);
	assert_int_equal(listed(&b, 0, "out", "", t.id), 0);
	assert_int_equal(listed(&b, fx.b, "", "", t.id), 1);
	assert_int_equal(listed(&c, 0, "", "", t.id), 0);
	assert_int_equal(listed(&fx.ctx, fx.committee, "", "", t.id), 1);
	assert_int_equal(transfer_get(&b, t.id, &got), 0);
	assert_string_equal(got.from_org_name, "第一党支部");
	assert_string_equal(got.to_org_name, "第二党支部");
	life_expect_refusal(transfer_get(&c, t.id, &got), &c, E_NOTFOUND, NULL);
}

struct worker {
	int64_t members[LETTERS_PER_THREAD];
	int64_t serials[LETTERS_PER_THREAD];
	char error[400];
};

static void *issue_letters(void *arg)
{
	struct worker *w = arg;
	struct ctx c = fx.ctx;
	int i;
	c.db = store_acquire(fx.ls.store);
	for (i = 0; i < LETTERS_PER_THREAD; i++) {
		struct transfer t;
		letter(&t, w->members[i], 0);
		err_clear(&c.err);
		if (transfer_create(&c, &t, 0)) {
			xsnprintf(w->error, sizeof(w->error), "%.380s", c.err.message);
			break;
		}
		w->serials[i] = strtoll(t.serial + 7, NULL, 10);
	}
	store_release(fx.ls.store, c.db);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Concurrent issuers each get their own number, and none is skipped. */
static void test_concurrent_serials(void **state)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	int64_t all[THREADS * LETTERS_PER_THREAD];
	int i, j;
	(void)state;
	memset(w, 0, sizeof(w));
	for (i = 0; i < THREADS; i++)
		for (j = 0; j < LETTERS_PER_THREAD; j++)
			w[i].members[j] = life_make_member(fx.b);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, issue_letters, &w[i]), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < THREADS; i++) {
		if (w[i].error[0])
			fail_msg("worker %d: %s", i, w[i].error);
		for (j = 0; j < LETTERS_PER_THREAD; j++)
			all[i * LETTERS_PER_THREAD + j] = w[i].serials[j];
	}
	qsort(all, THREADS * LETTERS_PER_THREAD, sizeof(all[0]), cmp_i64);
	for (i = 1; i < THREADS * LETTERS_PER_THREAD; i++)
		assert_int_equal(all[i], all[i - 1] + 1);
}

#define TRANSFER_TESTS                                               \
	{                                                            \
		cmocka_unit_test(test_validity_and_expiry),          \
		cmocka_unit_test(test_confirm_moves_member),         \
		cmocka_unit_test(test_refusals),                     \
		cmocka_unit_test(test_external_releases_secretary),  \
		cmocka_unit_test(test_list_directions),              \
		cmocka_unit_test(test_concurrent_serials),           \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = TRANSFER_TESTS;
	const struct CMUnitTest pg_tests[] = TRANSFER_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("transfer/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("transfer/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("transfer/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
