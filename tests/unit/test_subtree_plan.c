/*
 * Subtree queries must stay index-driven at province scale (500,000 orgs): the
 * materialized-path ranges on orgs.path and members.org_path must be answered by an
 * index seek, never a table scan. Checked on SQLite's query plans with 20,000 orgs.
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

static struct store *store;
static struct db *db;
static char path[64];

static int setup(void **state)
{
	struct err e = { 0 };
	char url[96];
	int fd;
	struct stmt *st;
	int i;
	(void)state;
	strlcpy_z(path, "/tmp/dj-test-plan-XXXXXX", sizeof(path));
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	xsnprintf(url, sizeof(url), "sqlite:%s", path);
	if (store_open(&store, url, 1, &e))
		return -1;
	db = store_acquire(store);
	if (store_migrate(db, &e) || db_begin(db, &e))
		return -1;
	st = db_prepare(db, "INSERT INTO orgs (id, parent_id, path, depth, kind, name, code, created_at, updated_at) "
			    "VALUES (?, NULL, ?, 0, 'branch', 'b', ?, 'x', 'x')", &e);
	for (i = 1; st && i <= 20000; i++) {
		char p[32], code[16];
		xsnprintf(p, sizeof(p), "/%d/%d/", i % 50 + 1, i);
		xsnprintf(code, sizeof(code), "C%d", i);
		stmt_bind_int(st, 1, i);
		stmt_bind_text(st, 2, p);
		stmt_bind_text(st, 3, code);
		if (stmt_run(st, &e))
			return -1;
	}
	return db_commit(db, &e) || db_exec(db, "ANALYZE", &e);
}

static int teardown(void **state)
{
	(void)state;
	store_release(store, db);
	store_close(store);
	unlink(path);
	return 0;
}

static void plan_of(const char *sql, struct strbuf *out)
{
	struct strbuf q = STRBUF_INIT;
	struct stmt *st;
	strbuf_addf(&q, "EXPLAIN QUERY PLAN %s", sql);
	st = db_prepare(db, q.buf, NULL);
	assert_non_null(st);
	stmt_bind_text(st, 1, "/7/");
	stmt_bind_text(st, 2, "/70");
	while (stmt_step(st, NULL) == STEP_ROW) {
		strbuf_addstr(out, stmt_text(st, 3));
		strbuf_addch(out, '\n');
	}
	stmt_reset(st);
	strbuf_release(&q);
}

static void test_org_subtree_uses_path_index(void **state)
{
	struct strbuf plan = STRBUF_INIT;
	(void)state;
	plan_of("SELECT id FROM orgs WHERE path >= ? AND path < ? ORDER BY path", &plan);
	assert_non_null(strstr(plan.buf, "SEARCH orgs USING"));
	assert_non_null(strstr(plan.buf, "path>? AND path<?"));
	assert_null(strstr(plan.buf, "SCAN orgs"));
	strbuf_release(&plan);
}

static void test_member_subtree_uses_path_index(void **state)
{
	struct strbuf plan = STRBUF_INIT;
	(void)state;
	plan_of("SELECT m.id FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.org_path >= ? AND m.org_path < ? "
		"AND m.state IN ('active', 'transferring') ORDER BY m.org_path, m.name, m.id LIMIT 50",
		&plan);
	assert_non_null(strstr(plan.buf, "USING INDEX members_path_name"));
	assert_null(strstr(plan.buf, "SCAN m"));
	strbuf_release(&plan);
}

static void test_subtree_total_sums_orgs_by_index(void **state)
{
	struct strbuf plan = STRBUF_INIT;
	(void)state;
	plan_of("SELECT COALESCE(sum(direct_members), 0) FROM orgs WHERE path >= ? AND path < ?", &plan);
	assert_non_null(strstr(plan.buf, "SEARCH orgs USING"));
	assert_null(strstr(plan.buf, "SCAN orgs"));
	strbuf_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_subtree_uses_path_index),
		cmocka_unit_test(test_member_subtree_uses_path_index),
		cmocka_unit_test(test_subtree_total_sums_orgs_by_index),
	};
	return cmocka_run_group_tests_name("subtree query plans", tests, setup, teardown);
}
