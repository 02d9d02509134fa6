/*
 * The store interface through its generic functions, run once against SQLite (a
 * temp file) and once more against PostgreSQL when DJ_TEST_PG_URL names an empty
 * database (tests/run.sh makes one). The same assertions on both backends are the
 * point: domain code must not care which one it talks to.
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
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	char url[512];
	char sqlite_path[256]; /* "" for PostgreSQL */
	struct store *store;
	struct db *db;
};

static struct fixture fx;

static int open_fixture(void)
{
	struct err e = { 0 };
	if (store_open(&fx.store, fx.url, 2, &e)) {
		fprintf(stderr, "store_open(%s): %s\n", fx.sqlite_path[0] ? fx.url : "postgres", e.message);
		return -1;
	}
	fx.db = store_acquire(fx.store);
	return 0;
}

static int setup_sqlite(void **state)
{
	int fd;
	(void)state;
	memset(&fx, 0, sizeof(fx));
	xsnprintf(fx.sqlite_path, sizeof(fx.sqlite_path), "%s/dj-test-store-XXXXXX",
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

static int teardown_store(void **state)
{
	char path[300];
	(void)state;
	if (fx.db)
		store_release(fx.store, fx.db);
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

/* Run SQL that must succeed; the error message makes a failing test readable. */
static void exec_ok(const char *sql)
{
	struct err e = { 0 };
	int rc = db_exec(fx.db, sql, &e);
	if (rc)
		fail_msg("db_exec(%s): %s", sql, e.message);
}

static struct stmt *prepare_ok(const char *sql)
{
	struct err e = { 0 };
	struct stmt *st = db_prepare(fx.db, sql, &e);
	if (!st)
		fail_msg("db_prepare(%s): %s", sql, e.message);
	return st;
}

/* A single-integer query with no parameters. */
static int64_t query_int(const char *sql)
{
	struct err e = { 0 };
	struct stmt *st = prepare_ok(sql);
	int64_t v;
	int rc = stmt_step(st, &e);
	if (rc != STEP_ROW)
		fail_msg("%s: step %d: %s", sql, rc, e.message);
	v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static void test_backend_name(void **state)
{
	(void)state;
	assert_string_equal(db_backend(fx.db), fx.sqlite_path[0] ? "sqlite" : "postgres");
	assert_string_equal(store_backend(fx.store), db_backend(fx.db));
}

static void test_placeholders_skip_literals(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_lit; CREATE TABLE t_lit (id BIGINT, s TEXT, \"q?\" TEXT)");

	st = prepare_ok("INSERT INTO t_lit (id, s, \"q?\") VALUES (?, 'what? it''s ?', ?) -- trailing ? comment");
	stmt_bind_int(st, 1, 7);
	stmt_bind_text(st, 2, "ident?");
	assert_int_equal(stmt_run(st, &e), 0);

	st = prepare_ok("SELECT s, \"q?\", CAST(? AS TEXT) /* a ? in a comment */ FROM t_lit\n"
			"-- another ? comment\n"
			"WHERE id = ? AND s <> '?' AND s = ?");
	stmt_bind_text(st, 1, "third?");
	stmt_bind_int(st, 2, 7);
	stmt_bind_text(st, 3, "what? it's ?");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "what? it's ?");
	assert_string_equal(stmt_text(st, 1), "ident?");
	assert_string_equal(stmt_text(st, 2), "third?");
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);
}

static void test_null_and_values_round_trip(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	char buf[8];
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_null; CREATE TABLE t_null (id BIGINT NOT NULL, s TEXT, n BIGINT)");

	st = prepare_ok("INSERT INTO t_null (id, s, n) VALUES (?, ?, ?)");
	stmt_bind_int(st, 1, 1);
	stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, NULL);
	assert_int_equal(stmt_run(st, &e), 0);
	st = prepare_ok("INSERT INTO t_null (id, s, n) VALUES (?, ?, ?)");
	stmt_bind_int(st, 1, 2);
	stmt_bind_text(st, 2, "");
	stmt_bind_int(st, 3, INT64_MIN);
	assert_int_equal(stmt_run(st, &e), 0);
	st = prepare_ok("INSERT INTO t_null (id, s, n) VALUES (?, ?, ?)");
	stmt_bind_int(st, 1, 3);
	stmt_bind_text(st, 2, "党支部 «ü»");
	stmt_bind_int(st, 3, INT64_MAX);
	assert_int_equal(stmt_run(st, &e), 0);

	st = prepare_ok("SELECT s, n FROM t_null ORDER BY id");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_null(stmt_text(st, 0));
	assert_true(stmt_is_null(st, 0));
	assert_true(stmt_is_null(st, 1));
	assert_int_equal(stmt_int(st, 1), 0);
	stmt_text_copy(st, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");

	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_non_null(stmt_text(st, 0));
	assert_string_equal(stmt_text(st, 0), "");
	assert_false(stmt_is_null(st, 0));
	assert_true(stmt_int(st, 1) == INT64_MIN);

	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "党支部 «ü»");
	assert_true(stmt_int(st, 1) == INT64_MAX);
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);

	/* NULL parameters compare as NULL, not as '' or 0 */
	st = prepare_ok("SELECT count(*) FROM t_null WHERE s IS NULL AND id = ?");
	stmt_bind_int(st, 1, 1);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	stmt_reset(st);

	/* a boolean result reads as 1/0 on both (PostgreSQL sends 't'/'f') */
	st = prepare_ok("SELECT (CAST(? AS BIGINT) = 5), (CAST(? AS BIGINT) = 5)");
	stmt_bind_int(st, 1, 5);
	stmt_bind_int(st, 2, 6);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	assert_int_equal(stmt_int(st, 1), 0);
	stmt_reset(st);
}

/* db_copy (PostgreSQL COPY): escaped text, NULLs, a failing row fails the whole copy and
 * leaves nothing; SQLite offers no COPY and says so without touching anything. */
static void test_copy(void **state)
{
	struct err e = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st;
	const char *odd = "a\tb\\c\nd\re 党支部", *bad;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_copy; CREATE TABLE t_copy (id BIGINT PRIMARY KEY, s TEXT, n BIGINT)");
	if (!db_can_copy(fx.db)) {
		assert_string_equal(db_backend(fx.db), "sqlite");
		assert_int_not_equal(db_copy(fx.db, "t_copy", "id, s, n", "1\tx\t2\n", 6, &e), 0);
		assert_int_equal(e.code, E_INTERNAL);
		assert_int_equal(query_int("SELECT count(*) FROM t_copy"), 0);
		return;
	}
	strbuf_addstr(&sb, "1\t");
	db_copy_text(&sb, odd);
	strbuf_addstr(&sb, "\t-9223372036854775808\n2\t\\N\t\\N\n3\t\t7\n");
	assert_int_equal(db_begin(fx.db, &e), 0);
	if (db_copy(fx.db, "t_copy", "id, s, n", sb.buf, sb.len, &e))
		fail_msg("db_copy: %s", e.message);
	assert_int_equal(db_changes(fx.db), 3);
	assert_int_equal(db_commit(fx.db, &e), 0);
	st = prepare_ok("SELECT s, n FROM t_copy ORDER BY id");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), odd);
	assert_true(stmt_int(st, 1) == INT64_MIN);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_true(stmt_is_null(st, 0));
	assert_true(stmt_is_null(st, 1));
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "");
	assert_int_equal(stmt_int(st, 1), 7);
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);
	/* a duplicate key in the middle: nothing of the copy stays, the connection goes on */
	assert_int_equal(db_begin(fx.db, &e), 0);
	bad = "4\tx\t1\n1\ty\t1\n";
	assert_int_not_equal(db_copy(fx.db, "t_copy", "id, s, n", bad, strlen(bad), &e), 0);
	assert_int_equal(e.code, E_DB);
	db_rollback(fx.db);
	assert_int_equal(query_int("SELECT count(*) FROM t_copy"), 3);
	strbuf_release(&sb);
}

static void expect_constraint(const char *sql, const char *value)
{
	struct err e = { 0 };
	struct stmt *st = prepare_ok(sql);
	stmt_bind_text(st, 1, value);
	assert_int_equal(stmt_step(st, &e), STEP_CONSTRAINT);
	assert_int_equal(e.code, E_CONFLICT);
	assert_string_equal(e.rule, "store.constraint");
	assert_true(strlen(e.message) > 0);
	stmt_reset(st);
}

static void test_constraint_violations(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_child; DROP TABLE IF EXISTS t_uniq;"
		"CREATE TABLE t_uniq (id BIGINT PRIMARY KEY, k TEXT NOT NULL UNIQUE, n BIGINT CHECK (n >= 0));"
		"CREATE TABLE t_child (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES t_uniq(id))");
	st = prepare_ok("INSERT INTO t_uniq (id, k, n) VALUES (1, ?, 0)");
	stmt_bind_text(st, 1, "a");
	assert_int_equal(stmt_run(st, &e), 0);

	expect_constraint("INSERT INTO t_uniq (id, k, n) VALUES (2, ?, 0)", "a");           /* unique */
	expect_constraint("INSERT INTO t_uniq (id, k, n) VALUES (3, ?, -1)", "b");          /* check */
	expect_constraint("INSERT INTO t_uniq (id, k, n) VALUES (4, ?, 0)", NULL);          /* not null */
	expect_constraint("INSERT INTO t_child (id, parent) VALUES (1, CAST(? AS BIGINT))", "99"); /* FK */

	/* the connection stays usable after a violation */
	assert_int_equal(query_int("SELECT count(*) FROM t_uniq"), 1);

	/* stmt_run maps the violation to E_CONFLICT too */
	st = prepare_ok("INSERT INTO t_uniq (id, k, n) VALUES (5, ?, 0)");
	stmt_bind_text(st, 1, "a");
	assert_int_equal(stmt_run(st, &e), E_CONFLICT);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_tx; CREATE TABLE t_tx (id BIGINT PRIMARY KEY, s TEXT)");

	assert_int_equal(db_begin(fx.db, &e), 0);
	st = prepare_ok("INSERT INTO t_tx (id, s) VALUES (?, ?)");
	stmt_bind_int(st, 1, 1);
	stmt_bind_text(st, 2, "gone");
	assert_int_equal(stmt_run(st, &e), 0);
	assert_int_equal(query_int("SELECT count(*) FROM t_tx"), 1);
	db_rollback(fx.db);
	assert_int_equal(query_int("SELECT count(*) FROM t_tx"), 0);

	/* a failed statement inside a transaction: roll back, then the db works again */
	assert_int_equal(db_begin(fx.db, &e), 0);
	st = prepare_ok("INSERT INTO t_tx (id, s) VALUES (?, ?)");
	stmt_bind_int(st, 1, 2);
	stmt_bind_text(st, 2, "first");
	assert_int_equal(stmt_run(st, &e), 0);
	st = prepare_ok("INSERT INTO t_tx (id, s) VALUES (?, ?)");
	stmt_bind_int(st, 1, 2);
	stmt_bind_text(st, 2, "duplicate");
	assert_int_equal(stmt_run(st, &e), E_CONFLICT);
	db_rollback(fx.db);
	assert_int_equal(query_int("SELECT count(*) FROM t_tx"), 0);

	/* commit keeps */
	assert_int_equal(db_begin(fx.db, &e), 0);
	st = prepare_ok("INSERT INTO t_tx (id, s) VALUES (?, ?)");
	stmt_bind_int(st, 1, 3);
	stmt_bind_text(st, 2, "kept");
	assert_int_equal(stmt_run(st, &e), 0);
	assert_int_equal(db_commit(fx.db, &e), 0);
	assert_int_equal(query_int("SELECT count(*) FROM t_tx"), 1);

	/* releasing a connection mid-transaction rolls it back */
	assert_int_equal(db_begin(fx.db, &e), 0);
	exec_ok("INSERT INTO t_tx (id, s) VALUES (4, 'abandoned')");
	store_release(fx.store, fx.db);
	fx.db = store_acquire(fx.store);
	assert_int_equal(query_int("SELECT count(*) FROM t_tx"), 1);
}

static void test_statement_cache_resets(void **state)
{
	struct err e = { 0 };
	struct stmt *st, *again;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_cache; CREATE TABLE t_cache (id BIGINT, k TEXT);"
		"INSERT INTO t_cache VALUES (1, 'x'), (2, 'x'), (3, 'y')");

	st = prepare_ok("SELECT id FROM t_cache WHERE k = ? ORDER BY id");
	stmt_bind_text(st, 1, "x");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	/* abandoned mid-result with a binding: the next caller gets it clean */
	again = prepare_ok("SELECT id FROM t_cache WHERE k = ? ORDER BY id");
	assert_ptr_equal(st, again);
	assert_int_equal(stmt_step(again, &e), STEP_DONE); /* k = NULL matches nothing */
	stmt_reset(again);
	again = prepare_ok("SELECT id FROM t_cache WHERE k = ? ORDER BY id");
	stmt_bind_text(again, 1, "x");
	assert_int_equal(stmt_step(again, &e), STEP_ROW);
	assert_int_equal(stmt_int(again, 0), 1);
	assert_int_equal(stmt_step(again, &e), STEP_ROW);
	assert_int_equal(stmt_int(again, 0), 2);
	assert_int_equal(stmt_step(again, &e), STEP_DONE);
	stmt_reset(again);

	/* a different SQL text is a different statement; typed parameters via CAST */
	st = prepare_ok("SELECT id FROM t_cache WHERE k = CAST(? AS TEXT) OR CAST(? AS TEXT) IS NULL ORDER BY id");
	assert_ptr_not_equal(st, again);
	stmt_bind_null(st, 1);
	stmt_bind_null(st, 2);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 3);
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);
}

static void test_changes(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_chg; CREATE TABLE t_chg (id BIGINT, version BIGINT);"
		"INSERT INTO t_chg VALUES (1, 1), (2, 1), (3, 2)");
	st = prepare_ok("UPDATE t_chg SET version = version + 1 WHERE version = ?");
	stmt_bind_int(st, 1, 1);
	assert_int_equal(stmt_run(st, &e), 0);
	assert_int_equal(db_changes(fx.db), 2);
	/* a SELECT leaves the count of the last write alone, as on SQLite */
	assert_int_equal(query_int("SELECT count(*) FROM t_chg"), 3);
	assert_int_equal(db_changes(fx.db), 2);
	/* the optimistic-lock idiom: a stale version touches nothing */
	st = prepare_ok("UPDATE t_chg SET version = version + 1 WHERE id = ? AND version = ?");
	stmt_bind_int(st, 1, 3);
	stmt_bind_int(st, 2, 1);
	assert_int_equal(stmt_run(st, &e), 0);
	assert_int_equal(db_changes(fx.db), 0);
	exec_ok("DELETE FROM t_chg WHERE id < 3");
	assert_int_equal(db_changes(fx.db), 2);
}

/* the row count a backend knows once the first row is read: PostgreSQL's whole result, not SQLite's */
static void test_rows_hint(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	int64_t want = fx.sqlite_path[0] ? -1 : 3, n = 0;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_hint; CREATE TABLE t_hint (id BIGINT);"
		"INSERT INTO t_hint VALUES (1), (2), (3), (4)");
	st = prepare_ok("SELECT id FROM t_hint WHERE id > ? ORDER BY id");
	stmt_bind_int(st, 1, 1);
	while (stmt_step(st, &e) == STEP_ROW) {
		assert_int_equal(stmt_rows_hint(st), want);
		n++;
	}
	assert_int_equal(n, 3);
	stmt_reset(st);
	/* a reset statement, and one with no rows, hold no result */
	assert_int_equal(stmt_rows_hint(st), -1);
	stmt_bind_int(st, 1, 9);
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	assert_int_equal(stmt_rows_hint(st), fx.sqlite_path[0] ? -1 : 0);
	stmt_reset(st);
}

static void test_errors_are_reported(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	assert_int_equal(db_exec(fx.db, "SELEKT nonsense", &e), E_DB);
	assert_true(strlen(e.message) > 0);
	err_clear(&e);
	assert_null(db_prepare(fx.db, "SELECT no_such_column FROM no_such_table WHERE x = ?", &e));
	assert_int_equal(e.code, E_DB);
	assert_true(strlen(db_errmsg(fx.db)) > 0);
	/* and the connection is fine afterwards */
	err_clear(&e);
	st = prepare_ok("SELECT CAST(? AS BIGINT) + 1");
	stmt_bind_int(st, 1, 41);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 42);
	stmt_reset(st);
}

static void test_migrate_idempotent(void **state)
{
	struct err e = { 0 };
	int v;
	int64_t rows;
	(void)state;
	if (store_migrate(fx.db, &e))
		fail_msg("store_migrate: %s", e.message);
	v = store_schema_version(fx.db);
	assert_true(v >= 1);
	rows = query_int("SELECT count(*) FROM schema_version");
	assert_true(rows >= 1);
	if (store_migrate(fx.db, &e))
		fail_msg("store_migrate (second run): %s", e.message);
	assert_int_equal(store_schema_version(fx.db), v);
	assert_int_equal(query_int("SELECT count(*) FROM schema_version"), rows);
	/* the foundation tables exist */
	assert_true(query_int("SELECT count(*) FROM orgs") >= 0);
	assert_true(query_int("SELECT count(*) FROM members") >= 0);
}

static void insert_org(const char *path, const char *code)
{
	struct err e = { 0 };
	struct stmt *st = prepare_ok(
		"INSERT INTO orgs (path, depth, kind, name, code, created_at, updated_at) "
		"VALUES (?, ?, 'branch', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
	int depth = 0;
	const char *p;
	for (p = path; *p; p++)
		depth += *p == '/';
	stmt_bind_text(st, 1, path);
	stmt_bind_int(st, 2, depth - 1);
	stmt_bind_text(st, 3, code);
	stmt_bind_text(st, 4, code);
	if (stmt_run(st, &e))
		fail_msg("insert org %s: %s", path, e.message);
}

static void test_path_range_subtree(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	static const char *const expect[] = { "/1/", "/1/2/", "/1/20/" };
	size_t i;
	(void)state;
	if (store_migrate(fx.db, &e))
		fail_msg("store_migrate: %s", e.message);
	exec_ok("DELETE FROM orgs WHERE code LIKE 'T-PATH-%'");
	/* inserted out of order, so the ORDER BY has work to do */
	insert_org("/10/", "T-PATH-10");
	insert_org("/1/20/", "T-PATH-1-20");
	insert_org("/1/", "T-PATH-1");
	insert_org("/1/2/", "T-PATH-1-2");

	st = prepare_ok("SELECT path FROM orgs WHERE path >= ? AND path < ? AND code LIKE 'T-PATH-%' ORDER BY path");
	stmt_bind_text(st, 1, "/1/");
	stmt_bind_text(st, 2, "/10");
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		assert_int_equal(stmt_step(st, &e), STEP_ROW);
		assert_string_equal(stmt_text(st, 0), expect[i]);
	}
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);

	/* the whole set in byte order: '/' (0x2f) sorts before '0' (0x30) */
	st = prepare_ok("SELECT path FROM orgs WHERE code LIKE 'T-PATH-%' ORDER BY path");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "/1/");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "/1/2/");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "/1/20/");
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_string_equal(stmt_text(st, 0), "/10/");
	assert_int_equal(stmt_step(st, &e), STEP_DONE);
	stmt_reset(st);
	exec_ok("DELETE FROM orgs WHERE code LIKE 'T-PATH-%'");
}

static void test_pool_two_connections(void **state)
{
	struct db *other;
	struct err e = { 0 };
	struct stmt *st;
	(void)state;
	exec_ok("DROP TABLE IF EXISTS t_pool; CREATE TABLE t_pool (id BIGINT)");
	other = store_acquire(fx.store);
	assert_ptr_not_equal(other, fx.db);
	st = db_prepare(other, "INSERT INTO t_pool (id) VALUES (?)", &e);
	assert_non_null(st);
	stmt_bind_int(st, 1, 5);
	assert_int_equal(stmt_run(st, &e), 0);
	store_release(fx.store, other);
	/* committed on one connection, visible on the other */
	assert_int_equal(query_int("SELECT count(*) FROM t_pool"), 1);
}

/* More distinct statements than the cache holds: eviction keeps everything working. */
static void test_statement_cache_overflow(void **state)
{
	struct err e = { 0 };
	struct stmt *st;
	char sql[96];
	int i;
	(void)state;
	for (i = 0; i < 700; i++) {
		xsnprintf(sql, sizeof(sql), "SELECT CAST(? AS BIGINT) + %d", i);
		st = prepare_ok(sql);
		stmt_bind_int(st, 1, 1000);
		assert_int_equal(stmt_step(st, &e), STEP_ROW);
		assert_int_equal(stmt_int(st, 0), 1000 + i);
		stmt_reset(st);
	}
	st = prepare_ok("SELECT CAST(? AS BIGINT) + 3");
	stmt_bind_int(st, 1, 1);
	assert_int_equal(stmt_step(st, &e), STEP_ROW);
	assert_int_equal(stmt_int(st, 0), 4);
	stmt_reset(st);
}

#define STORE_TESTS                                                  \
	{                                                            \
		cmocka_unit_test(test_backend_name),                 \
		cmocka_unit_test(test_placeholders_skip_literals),   \
		cmocka_unit_test(test_null_and_values_round_trip),   \
		cmocka_unit_test(test_constraint_violations),        \
		cmocka_unit_test(test_rollback_leaves_nothing),      \
		cmocka_unit_test(test_statement_cache_resets),       \
		cmocka_unit_test(test_statement_cache_overflow),     \
		cmocka_unit_test(test_changes),                      \
		cmocka_unit_test(test_rows_hint),                    \
		cmocka_unit_test(test_errors_are_reported),          \
		cmocka_unit_test(test_migrate_idempotent),           \
		cmocka_unit_test(test_path_range_subtree),           \
		cmocka_unit_test(test_pool_two_connections),         \
		cmocka_unit_test(test_copy),                         \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = STORE_TESTS;
	const struct CMUnitTest pg_tests[] = STORE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	/* cmocka reports to stderr, our lines to stdout: keep them in order in a log */
	setvbuf(stdout, NULL, _IONBF, 0);
	failed = cmocka_run_group_tests_name("store/sqlite", sqlite_tests, setup_sqlite, teardown_store);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("store/postgres", pg_tests, setup_pg, teardown_store);
	else
		printf("store/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
