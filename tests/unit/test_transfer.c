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
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define THREADS 4
#define LETTERS_PER_THREAD 5

struct fixture {
	char url[512];
	char sqlite_path[256]; /* "" for PostgreSQL */
	struct store *store;
	struct ctx ctx;        /* the system actor, today = the real today */
	int64_t committee, a, b, c, group_a;
};

static struct fixture fx;
static unsigned id_counter;

static void fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

static int64_t make_org(int64_t parent, const char *kind, const char *name)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	err_clear(&fx.ctx.err);
	if (org_create(&fx.ctx, &o))
		fail_ctx("org_create", &fx.ctx);
	return o.id;
}

/* A full member with a valid, run-unique ID number (GB 11643 check character). */
static int64_t make_member(int64_t org_id)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	struct member m;
	char id[19];
	unsigned i = id_counter++, s = 0, k;
	memset(&m, 0, sizeof(m));
	xsnprintf(id, sizeof(id), "1101051980%02u%02u%03u", 1 + i % 12, 1 + (i / 12) % 28, (unsigned)(getpid() + i / 336) % 1000);
	for (k = 0; k < 17; k++)
		s += (unsigned)(id[k] - '0') * (unsigned)w[k];
	id[17] = "10X98765432"[s % 11];
	id[18] = '\0';
	m.org_id = org_id;
	strlcpy_z(m.name, "测试党员", sizeof(m.name));
	strlcpy_z(m.id_number, id, sizeof(m.id_number));
	strlcpy_z(m.ethnicity, "01", sizeof(m.ethnicity));
	strlcpy_z(m.category, "full", sizeof(m.category));
	strlcpy_z(m.join_date, "2005-07-01", sizeof(m.join_date));
	strlcpy_z(m.full_date, "2006-07-01", sizeof(m.full_date));
	err_clear(&fx.ctx.err);
	if (member_create(&fx.ctx, &m))
		fail_ctx("member_create", &fx.ctx);
	return m.id;
}

static void get_member(int64_t id, struct member *m)
{
	err_clear(&fx.ctx.err);
	if (member_get(&fx.ctx, id, m))
		fail_ctx("member_get", &fx.ctx);
}

static int open_fixture(void)
{
	struct err e = { 0 };
	struct db *db;
	char key[300];
	xsnprintf(key, sizeof(key), "%s/dj-test-transfer-%d.key", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	if (!pii_keys_loaded() && pii_load_keys(key, 1, &e)) {
		fprintf(stderr, "pii_load_keys: %s\n", e.message);
		return -1;
	}
	unlink(key); /* loaded into memory; the file is not needed again */
	if (store_open(&fx.store, fx.url, THREADS + 2, &e)) {
		fprintf(stderr, "store_open: %s\n", e.message);
		return -1;
	}
	db = store_acquire(fx.store);
	if (store_migrate(db, &e)) {
		fprintf(stderr, "store_migrate: %s\n", e.message);
		store_release(fx.store, db);
		return -1;
	}
	fx.ctx.db = db;
	ctx_as_system(&fx.ctx);
	ctx_set_clock(&fx.ctx, time(NULL));
	fx.committee = make_org(make_org(0, "dept", "测试组织部"), "committee", "测试党委");
	fx.a = make_org(fx.committee, "branch", "第一党支部");
	fx.b = make_org(fx.committee, "branch", "第二党支部");
	fx.c = make_org(fx.committee, "joint_branch", "第三联合党支部");
	fx.group_a = make_org(fx.a, "group", "第一党小组");
	return 0;
}

static int setup_sqlite(void **state)
{
	int fd;
	(void)state;
	memset(&fx, 0, sizeof(fx));
	xsnprintf(fx.sqlite_path, sizeof(fx.sqlite_path), "%s/dj-test-transfer-XXXXXX",
		  getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(fx.sqlite_path);
	if (fd < 0)
		return -1;
	close(fd);
	xsnprintf(fx.url, sizeof(fx.url), "sqlite:%s", fx.sqlite_path);
	return open_fixture();
}

static int setup_pg(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	strlcpy_z(fx.url, getenv("DJ_TEST_PG_URL"), sizeof(fx.url));
	return open_fixture();
}

static int teardown(void **state)
{
	char path[300];
	(void)state;
	if (fx.ctx.db)
		store_release(fx.store, fx.ctx.db);
	store_close(fx.store);
	if (fx.sqlite_path[0]) {
		unlink(fx.sqlite_path);
		xsnprintf(path, sizeof(path), "%s-wal", fx.sqlite_path);
		unlink(path);
		xsnprintf(path, sizeof(path), "%s-shm", fx.sqlite_path);
		unlink(path);
	}
	memset(&fx, 0, sizeof(fx));
	return 0;
}

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
		fail_ctx("transfer_create", &fx.ctx);
}

/* An actor limited to one org's subtree. */
static void as_secretary(struct ctx *c, int64_t org_id)
{
	struct org o;
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, org_id, &o))
		fail_ctx("org_get", &fx.ctx);
	*c = fx.ctx;
	c->actor.role = ROLE_SECRETARY;
	c->actor.org_id = org_id;
	strlcpy_z(c->actor.org_path, o.path, sizeof(c->actor.org_path));
	err_clear(&c->err);
}

static void expect_refusal(int rc, const struct ctx *c, enum err_code code, const char *rule)
{
	if (rc != (int)code)
		fail_msg("expected %s (%s), got rc %d: %s", err_code_name(code), rule ? rule : "-", rc, c->err.message);
	if (rule)
		assert_string_equal(c->err.rule, rule);
}

static void test_validity_and_expiry(void **state)
{
	struct transfer t, got;
	struct member m;
	struct ctx later;
	char want[11];
	int64_t mid = make_member(fx.a);
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
	expect_refusal(transfer_confirm(&later, t.id, t.version), &later, E_RULE, "transfer.expired");
	/* on the last valid day it can */
	later.today = date_add_days(fx.ctx.today, 30);
	err_clear(&later.err);
	if (transfer_confirm(&later, t.id, t.version))
		fail_ctx("transfer_confirm", &later);
	assert_int_equal(transfer_get(&fx.ctx, t.id, &got), 0);
	assert_string_equal(got.status, "confirmed");
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
	assert_int_equal(m.org_id, fx.b);

	/* within a city: 10 days */
	letter(&t, make_member(fx.a), fx.c);
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
	int64_t mid = make_member(fx.a);
	(void)state;

	/* in a 党小组 of the old branch */
	get_member(mid, &before);
	before.group_id = fx.group_a;
	err_clear(&fx.ctx.err);
	if (member_update(&fx.ctx, &before))
		fail_ctx("member_update", &fx.ctx);

	letter(&t, mid, fx.b);
	issue(&t, 0);
	/* the sender cannot receive its own letter, a third branch cannot see it */
	as_secretary(&c, fx.a);
	expect_refusal(transfer_confirm(&c, t.id, t.version), &c, E_FORBIDDEN, "transfer.side");
	as_secretary(&c, fx.c);
	expect_refusal(transfer_confirm(&c, t.id, t.version), &c, E_NOTFOUND, NULL);
	/* the receiver cannot cancel */
	as_secretary(&c, fx.b);
	expect_refusal(transfer_cancel(&c, t.id, t.version), &c, E_FORBIDDEN, "transfer.side");
	expect_refusal(transfer_confirm(&c, t.id, t.version + 1), &c, E_CONFLICT, NULL);
	err_clear(&c.err);
	if (transfer_confirm(&c, t.id, t.version))
		fail_ctx("transfer_confirm", &c);
	expect_refusal(transfer_confirm(&c, t.id, t.version + 1), &c, E_RULE, "transfer.status");

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
	int64_t mid = make_member(fx.a);
	char month[8];
	(void)state;

	letter(&t, mid, fx.committee);
	err_clear(&c->err);
	expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.target_kind");
	letter(&t, mid, fx.a);
	expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.same_org");
	letter(&t, mid, fx.b);
	strlcpy_z(t.kind, "abroad", sizeof(t.kind));
	expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "transfer.kind");
	letter(&t, mid, fx.b);
	t.reason[0] = '\0';
	expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "field.required");
	letter(&t, mid, fx.b);
	strlcpy_z(t.dues_paid_to, "2026-13", sizeof(t.dues_paid_to));
	expect_refusal(transfer_create(c, &t, 0), c, E_INVALID, "transfer.dues_month");
	letter(&t, mid, fx.b);
	strlcpy_z(t.dues_paid_to, "2005-06", sizeof(t.dues_paid_to)); /* joined 2005-07 */
	expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.dues_month");
	letter(&t, mid, fx.b);
	{
		struct date d = date_add_months(c->today, 7);
		xsnprintf(month, sizeof(month), "%04d-%02d", d.y % 10000, d.m % 100);
	}
	strlcpy_z(t.dues_paid_to, month, sizeof(t.dues_paid_to));
	expect_refusal(transfer_create(c, &t, 0), c, E_RULE, "transfer.dues_month");

	/* one letter at a time */
	letter(&t, mid, fx.b);
	issue(&t, 0);
	{
		struct transfer again;
		letter(&again, mid, fx.c);
		expect_refusal(transfer_create(c, &again, 0), c, E_RULE, "transfer.member_state");
	}
	/* none may refuse without reason */
	expect_refusal(transfer_reject(c, t.id, t.version, "  "), c, E_RULE, "transfer.reject_reason");
	err_clear(&c->err);
	if (transfer_reject(c, t.id, t.version, "不属于本支部接收范围"))
		fail_ctx("transfer_reject", c);
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
	assert_int_equal(m.org_id, fx.a);

	/* cancel by the sender */
	letter(&t, mid, fx.b);
	issue(&t, 0);
	err_clear(&c->err);
	if (transfer_cancel(c, t.id, t.version))
		fail_ctx("transfer_cancel", c);
	get_member(mid, &m);
	assert_string_equal(m.state, "active");
}

static void test_external_releases_secretary(void **state)
{
	struct transfer t;
	struct member m;
	struct org o;
	int64_t mid = make_member(fx.c);
	(void)state;

	assert_int_equal(org_get(&fx.ctx, fx.c, &o), 0);
	o.secretary_member_id = mid;
	err_clear(&fx.ctx.err);
	if (org_update(&fx.ctx, &o))
		fail_ctx("org_update", &fx.ctx);
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
		fail_ctx("org_update after transfer", &fx.ctx);
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
		fail_ctx("transfer_list", c);
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
	letter(&t, make_member(fx.a), fx.b);
	issue(&t, 0);
	as_secretary(&a, fx.a);
	as_secretary(&b, fx.b);
	as_secretary(&c, fx.c);
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
	expect_refusal(transfer_get(&c, t.id, &got), &c, E_NOTFOUND, NULL);
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
	c.db = store_acquire(fx.store);
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
	store_release(fx.store, c.db);
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
			w[i].members[j] = make_member(fx.b);
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
	failed = cmocka_run_group_tests_name("transfer/sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("transfer/postgres", pg_tests, setup_pg, teardown);
	else
		printf("transfer/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
