/*
 * Partitioning by top-level organization (041_partitions.pg.sql, domain/partitions.h):
 * the partition key written by the INSERTs (both backends), and on PostgreSQL (when
 * DJ_TEST_PG_URL is set, on a fresh database) rows landing in their top-level org's
 * partition, a new top-level org getting its partitions, an org move and a member's transfer
 * keeping every read,
 * `dangjian partitions` emptying the default partition and moving nothing the second
 * time, (member, month) of dues staying unique across partitions, and pruning to one
 * partition for a query limited to one top-level org.
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
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "domain/partitions.h"
#include "domain/transfer.h"
#include "store/store.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	int pg;
	int64_t top, town, a, town2, c;
	int64_t ma[3], mc;
};

static struct fixture fx;

static int populate(int pg)
{
	fx.pg = pg;
	config_defaults(&fx.cfg);
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("分区", &fx.top, &fx.town, &fx.a, NULL);
	fx.town2 = life_make_org(fx.top, "committee", "分区乡党委", 0);
	fx.c = life_make_org(fx.town2, "branch", "分区南村党支部", 3);
	life_make_members(fx.a, fx.ma, 3);
	fx.mc = life_make_member(fx.c);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "partitions", populate, 2 };

/* ---- helpers ---- */

static int64_t meet(int64_t org, const char *on)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "kind", "theme_day",
				 "held_on", on, "start_time", "09:00", "end_time", "11:00", "lecturer", "书记", "topic",
				 "学习");
	int64_t id = 0;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx("meeting", &fx.ctx);
	json_decref(body);
	return id;
}

static void pay(int64_t member, const char *first, const char *last)
{
	json_t *base = json_pack("{s:s, s:I, s:s}", "kind", "employed", "base_fen", (json_int_t)400000, "from_month", first);
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)member, "kind", "regular",
				 "first_month", first, "last_month", last, "paid_on", "2026-03-05", "method", "cash");
	json_t *out = NULL;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (dues_base_set(&fx.ctx, member, base, &out))
		life_fail_ctx("dues base", &fx.ctx);
	json_decref(out);
	out = NULL;
	if (dues_payment_create(&fx.ctx, body, &out))
		life_fail_ctx("dues payment", &fx.ctx);
	json_decref(out);
	json_decref(body);
	json_decref(base);
}

/* one integer from a query with up to two integer parameters */
static int64_t q_int(const char *sql, int64_t p1, int64_t p2)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t v = -1;
	if (!st)
		fail_msg("%s: %s", sql, fx.ctx.err.message);
	if (strchr(sql, '?'))
		stmt_bind_int(st, 1, p1);
	if (strchr(sql, '?') != strrchr(sql, '?'))
		stmt_bind_int(st, 2, p2);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	else
		fail_msg("%s: %s", sql, fx.ctx.err.message);
	stmt_reset(st);
	return v;
}

/* the partitions holding rows of one query, as "a,b," (tableoid::regclass, names sorted) */
static void where_rows(const char *sql, int64_t p1, char *out, size_t size)
{
	struct strbuf q = STRBUF_INIT;
	struct stmt *st;
	out[0] = '\0';
	strbuf_addf(&q, "SELECT DISTINCT CAST(CAST(tableoid AS regclass) AS TEXT) AS p FROM %s ORDER BY p", sql);
	st = db_prepare(fx.ctx.db, q.buf, &fx.ctx.err);
	if (!st)
		fail_msg("%s: %s", q.buf, fx.ctx.err.message);
	stmt_bind_int(st, 1, p1);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW) {
		size_t n = strlen(out);
		xsnprintf(out + n, size - n, "%s,", stmt_text(st, 0));
	}
	stmt_reset(st);
	strbuf_release(&q);
}

static void expect_in(const char *what, int64_t p1, const char *table, int64_t top)
{
	char got[256], want[96];
	where_rows(what, p1, got, sizeof(got));
	xsnprintf(want, sizeof(want), "%s_p%" PRId64 ",", table, top);
	if (strcmp(got, want))
		fail_msg("%s (%" PRId64 "): in %s, expected %s", what, p1, got, want);
}

static int64_t sync_moved(int64_t *in_default)
{
	struct partitions_report r;
	err_clear(&fx.ctx.err);
	if (partitions_sync(&fx.ctx, &r))
		life_fail_ctx("partitions_sync", &fx.ctx);
	assert_int_equal(r.partitioned, fx.pg);
	if (in_default)
		*in_default = r.in_default;
	return r.moved;
}

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

/* what the reads over the three tables answer: a meeting's attendance, a member's hours and dues year */
static char *reads(int64_t meeting, int with_at_risk)
{
	json_t *all = json_object(), *j = NULL;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (meeting_get(&fx.ctx, meeting, &j))
		life_fail_ctx("meeting_get", &fx.ctx);
	json_object_set(all, "attendance", json_object_get(j, "attendance"));
	json_decref(j);
	if (compliance_member_hours(&fx.ctx, fx.ma[0], 2026, &j))
		life_fail_ctx("member hours", &fx.ctx);
	json_object_set_new(all, "hours", j);
	if (dues_member_year(&fx.ctx, fx.ma[0], 2026, 0, &j))
		life_fail_ctx("dues year", &fx.ctx);
	json_object_set_new(all, "dues", j);
	if (with_at_risk) { /* names the branches' parents: the same only while the tree is */
		if (compliance_at_risk(&fx.ctx, fx.top, &j))
			life_fail_ctx("at risk", &fx.ctx);
		json_object_set_new(all, "at_risk", j);
	}
	return json_text(all);
}

/* ---- both backends ---- */

static void test_top_of_path(void **state)
{
	(void)state;
	assert_int_equal(org_path_top("/1/7/42/"), 7);
	assert_int_equal(org_path_top("/1/7/"), 7);
	assert_int_equal(org_path_top("/1/"), 1);
	assert_int_equal(org_path_top("/"), 0);
	assert_int_equal(org_path_top("1/7/"), 0);
	assert_int_equal(org_path_top(NULL), 0);
}

/* the INSERTs write the key on both backends (SQLite keeps it unread) */
static void test_key_written(void **state)
{
	int64_t mt;
	(void)state;
	mt = meet(fx.a, "2026-02-10");
	pay(fx.ma[0], "2026-01", "2026-02");
	assert_int_equal(q_int("SELECT count(*) FROM meeting_attendance WHERE meeting_id = ? AND top_org_id = ?", mt, fx.town),
			 3);
	assert_int_equal(q_int("SELECT count(*) FROM dues_months WHERE member_id = ? AND top_org_id = ?", fx.ma[0], fx.town),
			 2);
	if (!fx.pg) {
		int64_t in_default = -1;
		assert_int_equal(sync_moved(&in_default), 0); /* SQLite: nothing to do */
		assert_int_equal(in_default, 0);
	}
}

/* ---- PostgreSQL ---- */

static void test_rows_land(void **state)
{
	int64_t mt;
	(void)state;
	mt = meet(fx.a, "2026-02-10");
	pay(fx.ma[0], "2026-01", "2026-02");
	expect_in("meeting_attendance WHERE meeting_id = ?", mt, "meeting_attendance", fx.town);
	expect_in("dues_months WHERE member_id = ?", fx.ma[0], "dues_months", fx.town);
	expect_in("member_life_months WHERE member_id = ?", fx.ma[1], "member_life_months", fx.town);
	/* a branch of the other town: that town's partition */
	mt = meet(fx.c, "2026-02-11");
	expect_in("meeting_attendance WHERE meeting_id = ?", mt, "meeting_attendance", fx.town2);
	assert_int_equal(q_int("SELECT count(*) FROM meeting_attendance_default WHERE meeting_id = ?", mt, 0), 0);
}

static void test_new_top_org(void **state)
{
	int64_t root, city, deeper;
	(void)state;
	root = life_make_org(0, "dept", "分区新组织部", 0);
	city = life_make_org(root, "committee", "分区新市委", 0);
	deeper = life_make_org(city, "branch", "分区新支部", 3);
	assert_int_equal(q_int("SELECT count(*) FROM pg_class WHERE relname IN ("
			       "'meeting_attendance_p' || CAST(? AS TEXT), 'dues_months_p' || CAST(? AS TEXT))",
			       root, root),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM pg_class WHERE relname IN ('member_life_months_p' || CAST(? AS TEXT), "
			       "'meeting_attendance_p' || CAST(? AS TEXT))",
			       city, city),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_p' || CAST(? AS TEXT)", deeper, 0), 0);
	/* and its rows go there at once */
	life_make_member(deeper);
	expect_in("meeting_attendance WHERE meeting_id = ?", meet(deeper, "2026-02-12"), "meeting_attendance", city);
}

/* branch a moves from town to town2: every read stays; `partitions` moves the rows once */
static void test_move_and_sync(void **state)
{
	int64_t mt, in_default = -1, version;
	char *before, *moved, *synced;
	struct org o;
	(void)state;
	mt = meet(fx.a, "2026-02-10");
	pay(fx.ma[0], "2026-01", "2026-02");
	assert_int_equal(sync_moved(NULL) >= 0, 1); /* rows other tests left behind */
	before = reads(mt, 0);
	assert_int_equal(org_get(&fx.ctx, fx.a, &o), 0);
	version = o.version;
	err_clear(&fx.ctx.err);
	if (org_move(&fx.ctx, fx.a, fx.town2, version))
		life_fail_ctx("org_move", &fx.ctx);
	moved = reads(mt, 0);
	assert_string_equal(before, moved);
	/* a meeting after the move adds to the member's month wherever that row is */
	meet(fx.a, "2026-02-20");
	expect_in("member_life_months WHERE member_id = ?", fx.ma[1], "member_life_months", fx.town);
	assert_int_equal(q_int("SELECT count(*) FROM member_life_months WHERE member_id = ? AND year = 2026 AND month = 2",
			       fx.ma[1], 0),
			 1);
	assert_int_equal(q_int("SELECT meetings FROM member_life_months WHERE member_id = ? AND year = 2026 AND month = 2",
			       fx.ma[1], 0),
			 2);
	free(moved);
	moved = reads(mt, 1);
	/* the old meeting and the member's months go to town2; dues months keep the path they were paid in */
	assert_int_equal(sync_moved(&in_default) > 0, 1);
	assert_int_equal(in_default, 0);
	expect_in("meeting_attendance WHERE meeting_id = ?", mt, "meeting_attendance", fx.town2);
	expect_in("member_life_months WHERE member_id = ?", fx.ma[1], "member_life_months", fx.town2);
	expect_in("dues_months WHERE member_id = ?", fx.ma[0], "dues_months", fx.town);
	synced = reads(mt, 1);
	assert_string_equal(moved, synced);
	assert_int_equal(sync_moved(&in_default), 0); /* idempotent */
	assert_int_equal(in_default, 0);
	free(before);
	free(moved);
	free(synced);
}

static char *member_hours(int64_t member)
{
	json_t *j = NULL, *part;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (compliance_member_hours(&fx.ctx, member, 2026, &j))
		life_fail_ctx("member hours", &fx.ctx);
	/* the meetings and hours; the member's own org changes with the transfer */
	part = json_pack("{s:O, s:O}", "meetings", json_object_get(j, "meetings"), "hours", json_object_get(j, "hours"));
	json_decref(j);
	return json_text(part);
}

/* a member transferred to the other town: their months are kept where they are until `partitions` */
static void test_transfer_and_sync(void **state)
{
	struct transfer t;
	int64_t m = fx.ma[2];
	char *before, *after, *synced;
	(void)state;
	meet(fx.a, "2026-02-10");
	before = member_hours(m);
	memset(&t, 0, sizeof(t));
	t.member_id = m;
	t.to_org_id = fx.c;
	strlcpy_z(t.kind, "internal", sizeof(t.kind));
	strlcpy_z(t.reason, "工作调动", sizeof(t.reason));
	strlcpy_z(t.dues_paid_to, "2026-03", sizeof(t.dues_paid_to));
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (transfer_create(&fx.ctx, &t, 1) || transfer_confirm(&fx.ctx, t.id, t.version))
		life_fail_ctx("transfer", &fx.ctx);
	after = member_hours(m);
	assert_string_equal(before, after);
	/* a meeting of the new branch in the same month: one row for the month, in the old town's partition */
	meet(fx.c, "2026-02-20");
	assert_int_equal(q_int("SELECT count(*) FROM member_life_months WHERE member_id = ? AND year = 2026 AND month = 2",
			       m, 0),
			 1);
	assert_int_equal(q_int("SELECT meetings FROM member_life_months WHERE member_id = ? AND year = 2026 AND month = 2",
			       m, 0),
			 2);
	expect_in("member_life_months WHERE member_id = ?", m, "member_life_months", fx.town);
	free(after);
	after = member_hours(m);
	assert_int_equal(sync_moved(NULL) > 0, 1);
	expect_in("member_life_months WHERE member_id = ?", m, "member_life_months", fx.town2);
	synced = member_hours(m);
	assert_string_equal(after, synced);
	assert_int_equal(sync_moved(NULL), 0);
	free(before);
	free(after);
	free(synced);
}

/* rows written by plain SQL without the key wait in the default partition until `partitions` */
static void test_default_emptied(void **state)
{
	int64_t mt, in_default = -1;
	char sql[256];
	(void)state;
	mt = meet(fx.c, "2026-02-11");
	life_make_member(fx.c);
	xsnprintf(sql, sizeof(sql),
		  "INSERT INTO meeting_attendance (meeting_id, member_id, status) SELECT %" PRId64 ", max(id), 'present' "
		  "FROM members",
		  mt);
	assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
	assert_int_equal(q_int("SELECT count(*) FROM meeting_attendance_default WHERE meeting_id = ?", mt, 0), 1);
	assert_int_equal(sync_moved(&in_default) >= 1, 1);
	assert_int_equal(in_default, 0);
	expect_in("meeting_attendance WHERE meeting_id = ?", mt, "meeting_attendance", fx.town2);
	assert_int_equal(sync_moved(&in_default), 0);
}

/* (member, month) stays unique across partitions: the second row is a constraint violation */
static void test_dues_unique(void **state)
{
	struct stmt *st;
	(void)state;
	pay(fx.ma[0], "2026-01", "2026-01");
	st = db_prepare(fx.ctx.db,
			"INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, top_org_id) "
			"VALUES (?, '2026-01', '/x/', 0, 0, ?)",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, fx.ma[0]);
	stmt_bind_int(st, 2, fx.town2);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_CONSTRAINT);
	stmt_reset(st);
	err_clear(&fx.ctx.err);
}

/* a query limited to one top-level org reads its partition only */
static void test_pruning(void **state)
{
	struct stmt *st;
	struct strbuf plan = STRBUF_INIT;
	char want[64], other[64];
	(void)state;
	meet(fx.a, "2026-02-10");
	st = db_prepare(fx.ctx.db,
			"EXPLAIN SELECT count(*) FROM meeting_attendance WHERE top_org_id = CAST(? AS BIGINT) AND status = 'present'",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, fx.town);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW) {
		strbuf_addstr(&plan, stmt_text(st, 0));
		strbuf_addch(&plan, '\n');
	}
	stmt_reset(st);
	xsnprintf(want, sizeof(want), "meeting_attendance_p%" PRId64 " ", fx.town);
	xsnprintf(other, sizeof(other), "meeting_attendance_p%" PRId64 " ", fx.town2);
	if (!strstr(plan.buf, want) || strstr(plan.buf, other) || strstr(plan.buf, "meeting_attendance_default"))
		fail_msg("not pruned to %s:\n%s", want, plan.buf);
	strbuf_release(&plan);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_top_of_path),
		cmocka_unit_test_setup_teardown(test_key_written, life_suite_setup_sqlite, life_suite_teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_key_written, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_rows_land, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_new_top_org, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_move_and_sync, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_and_sync, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_default_emptied, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_dues_unique, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_pruning, life_suite_setup_pg, life_suite_teardown),
	};
	int failed;
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("partitions/sqlite", sqlite_tests, NULL, NULL);
	if (getenv("DJ_TEST_PG_URL") && getenv("DJ_TEST_PG_URL")[0])
		failed += cmocka_run_group_tests_name("partitions/postgres", pg_tests, NULL, NULL);
	else
		printf("partitions/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
