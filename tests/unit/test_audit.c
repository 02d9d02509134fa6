/*
 * The audit log's hash chain: appends verify; editing any field of any row, removing
 * a row in the middle, or cutting rows off the end is detected and the first bad
 * entry named. Runs on SQLite, and on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/audit.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

static struct store *store;
static struct ctx ctx;
static char sqlite_path[256];

static int open_store(const char *url)
{
	struct err e = { 0 };
	if (store_open(&store, url, 1, &e) || (memset(&ctx, 0, sizeof(ctx)), ctx.db = store_acquire(store), 0) ||
	    store_migrate(ctx.db, &e)) {
		fprintf(stderr, "store: %s\n", e.message);
		return -1;
	}
	/* a PostgreSQL database may be shared with other tests: start from an empty log */
	db_exec(ctx.db, "DELETE FROM audit_log; UPDATE audit_head SET last_id = 0, "
			"last_hash = '0000000000000000000000000000000000000000000000000000000000000000'", NULL);
	ctx_as_system(&ctx);
	ctx_set_clock(&ctx, 1795000000);
	return 0;
}

static int setup_sqlite(void **state)
{
	char url[300];
	int fd;
	(void)state;
	xsnprintf(sqlite_path, sizeof(sqlite_path), "/tmp/dj-test-audit-XXXXXX");
	fd = mkstemp(sqlite_path);
	if (fd < 0)
		return -1;
	close(fd);
	xsnprintf(url, sizeof(url), "sqlite:%s", sqlite_path);
	return open_store(url);
}

static int setup_pg(void **state)
{
	(void)state;
	sqlite_path[0] = '\0';
	return open_store(getenv("DJ_TEST_PG_URL"));
}

static int teardown(void **state)
{
	(void)state;
	store_release(store, ctx.db);
	store_close(store);
	if (sqlite_path[0])
		unlink(sqlite_path);
	return 0;
}

static void append_n(int n)
{
	int i;
	for (i = 0; i < n; i++) {
		json_t *after = json_pack("{s:i, s:s}", "n", i, "name", "张三");
		assert_int_equal(db_begin(ctx.db, &ctx.err), 0);
		assert_int_equal(audit_append(&ctx, "update", "member", 100 + i, NULL, after), 0);
		assert_int_equal(db_commit(ctx.db, &ctx.err), 0);
		json_decref(after);
	}
}

static void verify(struct audit_verify_result *r)
{
	assert_int_equal(audit_verify(&ctx, r), 0);
}

static void test_chain_verifies_and_detects_edit(void **state)
{
	struct audit_verify_result r;
	(void)state;
	append_n(5);
	verify(&r);
	assert_true(r.ok);
	assert_int_equal(r.count, 5);
	assert_int_equal(db_exec(ctx.db, "UPDATE audit_log SET after_json = '{\"n\":9}' WHERE id = 3", NULL), 0);
	verify(&r);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 3);
	assert_int_equal(r.count, 2);
}

static void test_detects_actor_change(void **state)
{
	struct audit_verify_result r;
	(void)state;
	append_n(3);
	assert_int_equal(db_exec(ctx.db, "UPDATE audit_log SET actor = 'someone' WHERE id = 2", NULL), 0);
	verify(&r);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 2);
}

static void test_detects_removed_row(void **state)
{
	struct audit_verify_result r;
	(void)state;
	append_n(4);
	assert_int_equal(db_exec(ctx.db, "DELETE FROM audit_log WHERE id = 2", NULL), 0);
	verify(&r);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 2);
}

static void test_detects_truncated_tail(void **state)
{
	struct audit_verify_result r;
	(void)state;
	append_n(4);
	assert_int_equal(db_exec(ctx.db, "DELETE FROM audit_log WHERE id = 4", NULL), 0);
	verify(&r);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 4);
}

static void test_rolled_back_write_leaves_no_entry(void **state)
{
	struct audit_verify_result r;
	(void)state;
	append_n(2);
	assert_int_equal(db_begin(ctx.db, &ctx.err), 0);
	assert_int_equal(audit_append(&ctx, "create", "org", 1, NULL, NULL), 0);
	db_rollback(ctx.db);
	verify(&r);
	assert_true(r.ok);
	assert_int_equal(r.count, 2);
	append_n(1);
	verify(&r);
	assert_true(r.ok);
	assert_int_equal(r.count, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_sqlite, teardown)
#define P(f) cmocka_unit_test_setup_teardown(f, setup_pg, teardown)

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		T(test_chain_verifies_and_detects_edit), T(test_detects_actor_change), T(test_detects_removed_row),
		T(test_detects_truncated_tail), T(test_rolled_back_write_leaves_no_entry),
	};
	const struct CMUnitTest pg_tests[] = {
		P(test_chain_verifies_and_detects_edit), P(test_detects_actor_change), P(test_detects_removed_row),
		P(test_detects_truncated_tail), P(test_rolled_back_write_leaves_no_entry),
	};
	int failed = cmocka_run_group_tests_name("audit (sqlite)", sqlite_tests, NULL, NULL);
	if (getenv("DJ_TEST_PG_URL") && *getenv("DJ_TEST_PG_URL"))
		failed += cmocka_run_group_tests_name("audit (postgres)", pg_tests, NULL, NULL);
	return failed ? 1 : 0;
}
