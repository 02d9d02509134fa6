/*
 * 党内统计 in the domain layer on a generated registry of known counts: genders, ages
 * on both sides of the band boundaries at the year's end and on "today", 民族, every
 * 学历 group, 入党时间 at the period boundaries, 正式/预备, 停止党籍/失联/流动, the year's
 * joins, transfers in and out (inside the subtree, across it, out of the system, in
 * another year, pending), a death and a removal (and a death of the year before),
 * orgs of every size band and every branch-structure problem. Every figure is asserted,
 * the one-pass tables are compared with the straightforward SQL GROUP BYs, every figure
 * drills down to a list of that many rows, and scope is enforced. Runs on SQLite and
 * again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/codes.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "domain/transfer.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b, c, d, g, e, grp, x, y;
	int64_t m[23];
};

static struct fixture fx;

struct spec {
	const char *gender, *eth, *birth, *edu, *category, *join, *status;
	int lost, floating;
};

static const struct spec dflt = { "1", "01", "1980-06-15", "21", "full", "2005-07-01", "normal", 0, 0 };

static void exec_int(const char *sql, int64_t id)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	stmt_bind_int(st, 1, id);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static void exec_id(const char *sql, int64_t id, const char *s)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	stmt_bind_text(st, 1, s);
	stmt_bind_int(st, 2, id);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static int64_t make(int64_t org, const struct spec *s)
{
	int64_t id = life_make_member(org);
	struct stmt *st = db_prepare(fx.ctx.db,
				     "UPDATE members SET gender = ?, ethnicity = ?, birth_date = ?, education = ?, category = ?, "
				     "join_date = ?, party_status = ?, lost_contact = ?, floating = ? WHERE id = ?",
				     &fx.ctx.err);
	if (!st)
		life_fail_ctx("update", &fx.ctx);
	stmt_bind_text(st, 1, s->gender);
	stmt_bind_text(st, 2, s->eth);
	stmt_bind_text(st, 3, s->birth);
	if (s->edu)
		stmt_bind_text(st, 4, s->edu);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, s->category);
	stmt_bind_text(st, 6, s->join);
	stmt_bind_text(st, 7, s->status);
	stmt_bind_int(st, 8, s->lost);
	stmt_bind_int(st, 9, s->floating);
	stmt_bind_int(st, 10, id);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx("update", &fx.ctx);
	return id;
}

static void set_state(int64_t id, const char *state)
{
	exec_id("UPDATE members SET state = ? WHERE id = ?", id, state);
	if (member_history_add(&fx.ctx, id, "state", "active", state, NULL))
		life_fail_ctx("history", &fx.ctx);
}

static int64_t letter(int64_t member, int64_t to, const char *kind)
{
	struct transfer t;
	memset(&t, 0, sizeof(t));
	t.member_id = member;
	strlcpy_z(t.kind, kind, sizeof(t.kind));
	if (to)
		t.to_org_id = to;
	else
		strlcpy_z(t.to_org_name, "外省某党支部", sizeof(t.to_org_name));
	strlcpy_z(t.reason, "工作调动", sizeof(t.reason));
	strlcpy_z(t.dues_paid_to, "2024-12", sizeof(t.dues_paid_to));
	err_clear(&fx.ctx.err);
	if (transfer_create(&fx.ctx, &t, 0))
		life_fail_ctx("transfer_create", &fx.ctx);
	return t.id;
}

static void move(int64_t member, int64_t to, int y, int mo, int d)
{
	int64_t id;
	life_set_today(y, mo, d);
	id = letter(member, to, "internal");
	err_clear(&fx.ctx.err);
	if (transfer_confirm(&fx.ctx, id, 1))
		life_fail_ctx("transfer_confirm", &fx.ctx);
}

static int populate(int pg)
{
	struct spec s;
	int k;
	(void)pg;
	life_set_today(2024, 1, 10);
	life_make_town_tree("统计", &fx.top, &fx.town, &fx.a, NULL);
	fx.grp = life_make_org(fx.a, "group", "统计东村第一党小组", 0);
	fx.b = life_make_org(fx.town, "branch", "统计西村党支部", 0);
	fx.c = life_make_org(fx.town, "branch", "统计南村党支部", 0);
	fx.d = life_make_org(fx.town, "branch", "统计机关党支部", 5);
	fx.g = life_make_org(fx.town, "general_branch", "统计学校党总支", 0);
	fx.e = life_make_org(fx.g, "branch", "统计小学党支部", 3);
	fx.x = life_make_org(fx.top, "committee", "统计邻镇党委", 0);
	fx.y = life_make_org(fx.x, "branch", "统计邻村党支部", 3);

	/* branch A: one member per boundary */
	{
		static const struct spec a[13] = {
			{ "1", "01", "1995-01-01", "11", "full", "2015-06-01", "normal", 0, 0 },
			{ "2", "03", "1994-12-31", "1A", "full", "2012-11-01", "normal", 0, 0 },
			{ "2", "01", "1965-01-01", "21", "full", "2012-10-31", "normal", 0, 0 },
			{ "1", "11", "1964-12-31", "2B", "full", "2002-11-01", "normal", 0, 0 },
			{ "1", "01", "1955-01-01", "22", "full", "2002-10-31", "normal", 0, 0 },
			{ "9", "01", "1954-12-31", "2D", "full", "1979-01-01", "normal", 0, 0 },
			{ "1", "01", "1940-05-05", "41", "full", "1978-12-31", "normal", 0, 0 },
			{ "2", "01", "1930-01-01", "47", "full", "1976-11-01", "suspended", 0, 0 },
			{ "1", "01", "1935-01-01", "6", "full", "1966-05-01", "normal", 1, 0 },
			{ "1", "01", "1930-06-01", "7", "full", "1949-10-01", "normal", 0, 1 },
			{ "1", "01", "1925-06-01", "9", "full", "1949-09-30", "normal", 0, 0 },
			{ "2", "01", "2000-01-01", NULL, "probationary", "2025-06-01", "normal", 0, 0 },
			{ "1", "01", "1980-06-15", "21", "probationary", "2026-01-15", "normal", 0, 0 },
		};
		for (k = 0; k < 13; k++)
			fx.m[k + 1] = make(fx.a, &a[k]);
	}
	for (k = 14; k <= 22; k++)
		fx.m[k] = make(fx.a, &dflt);
	make(fx.b, &dflt);
	make(fx.b, &dflt);
	s = dflt;
	s.category = "probationary";
	make(fx.b, &s);                       /* B: 2 full + 1 probationary: < 3 full */
	for (k = 0; k < 7; k++)
		make(fx.c, &dflt);                /* C: 7 full, no 支委会 */
	for (k = 0; k < 50; k++)
		make(fx.d, &dflt);                /* D: 50 */
	for (k = 0; k < 3; k++)
		make(fx.e, &dflt);
	make(fx.y, &dflt);
	/* secretaries everywhere but B; E's term ended 2025-12-31 */
#define SECRETARY "UPDATE orgs SET secretary_member_id = (SELECT min(m.id) FROM members m WHERE m.org_id = orgs.id) WHERE id = ?"
	exec_int(SECRETARY, fx.a);
	exec_int(SECRETARY, fx.c);
	exec_int(SECRETARY, fx.d);
	exec_int(SECRETARY, fx.e);
	exec_id("UPDATE orgs SET term_end = ? WHERE id = ?", fx.e, "2025-12-31");
	exec_id("UPDATE orgs SET term_end = ? WHERE id = ?", fx.a, "2027-05-01");

	/* the year before: a death, a transfer out */
	life_set_today(2024, 8, 1);
	set_state(fx.m[16], "deceased");
	move(fx.m[21], fx.y, 2024, 9, 1);
	/* 2025: a death, a removal, out across the boundary, in across it, inside the town, out of the system */
	life_set_today(2025, 3, 3);
	set_state(fx.m[14], "deceased");
	life_set_today(2025, 11, 20);
	set_state(fx.m[15], "removed");
	move(fx.m[17], fx.y, 2025, 4, 1);
	move(fx.m[18], fx.y, 2024, 12, 1);      /* into Y first (2024) … */
	move(fx.m[18], fx.a, 2025, 5, 6);       /* … and back in 2025 */
	move(fx.m[19], fx.c, 2025, 6, 7);
	life_set_today(2025, 7, 8);
	letter(fx.m[20], 0, "external");
	life_set_today(2026, 2, 1);
	letter(fx.m[22], fx.y, "internal");     /* pending: still A's */
	life_set_today(2026, 3, 10);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "stats", populate, 2 };

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static void compute(int64_t org, int year, struct stats_counts *c, struct stats_ref *r)
{
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_ref_init(&fx.ctx, year, r), 0);
	if (stats_compute(&fx.ctx, org, r, c))
		life_fail_ctx("stats_compute", &fx.ctx);
}

#define ARR(...) ((const int64_t[]){ __VA_ARGS__ })
static void expect(const int64_t *got, const int64_t *want, int n, const char *what)
{
	int i;
	for (i = 0; i < n; i++)
		if (got[i] != want[i]) {
			fprintf(stderr, "%s[%d]: got %" PRId64 ", want %" PRId64 "\n", what, i, got[i], want[i]);
			fail();
		}
}

static void test_branch_tables(void **state)
{
	struct stats_counts c;
	struct stats_ref r;
	(void)state;
	as_system();
	compute(fx.a, 2025, &c, &r);
	assert_string_equal(r.ref_iso, "2025-12-31");
	assert_false(r.is_today);
	/* A's roster at 2025-12-31: 1–12, 18 (back in May), 22 (pending letter); 13 joined in 2026 */
	assert_int_equal(c.total, 14);
	expect(c.gender, ARR(9, 4, 1), 3, "gender");
	expect(c.nation, ARR(12, 2), 2, "nation");
	assert_int_equal(c.ethnicity[0], 12);
	assert_int_equal(c.ethnicity[2], 1);     /* 03 回族 */
	assert_int_equal(c.ethnicity[10], 1);    /* 11 满族 */
	expect(c.age, ARR(2, 1, 0, 2, 0, 0, 1, 2, 6), 9, "age");
	expect(c.education, ARR(2, 4, 2, 1, 2, 2, 1), 7, "education");
	expect(c.join, ARR(1, 1, 1, 2, 2, 4, 3), 7, "join");
	expect(c.category, ARR(13, 1), 2, "category");
	expect(c.status, ARR(13, 1, 1, 1), 4, "status");
	/* joined 12; in 18; out 17 (to Y), 19 (to C), 20 (out of the system); died 14; removed 15 */
	expect(c.change, ARR(1, 1, 3, 1, 1), 5, "change");
	expect(c.org_kind, ARR(0, 0, 0, 1, 0, 1), 6, "org_kind");
	expect(c.org_size, ARR(0, 0, 1, 0, 0), 5, "org_size");
	expect(c.problem, ARR(0, 0, 0, 0, 0), 5, "problem");

	/* the current year: today's ages, 13 on the rolls, nothing moved yet */
	compute(fx.a, 2026, &c, &r);
	assert_string_equal(r.ref_iso, "2026-03-10");
	assert_true(r.is_today);
	assert_int_equal(c.total, 15);
	expect(c.age, ARR(1, 2, 0, 3, 0, 0, 0, 2, 7), 9, "age 2026");
	expect(c.change, ARR(1, 0, 0, 0, 0), 5, "change 2026");
	expect(c.category, ARR(13, 2), 2, "category 2026");
}

static void test_town_tables(void **state)
{
	struct stats_counts c;
	struct stats_ref r;
	(void)state;
	as_system();
	compute(fx.town, 2025, &c, &r);
	/* A 14 + B 3 + C 8 (7 and 19) + D 50 + E 3 */
	assert_int_equal(c.total, 78);
	/* across the town's boundary only: in 18, out 17 and 20 */
	expect(c.change, ARR(1, 1, 2, 1, 1), 5, "town change");
	expect(c.org_kind, ARR(0, 1, 1, 5, 0, 1), 6, "town org_kind");
	/* B 3 → 3–6 … E 3; A 14, C 8 → 7–49; D 50 */
	expect(c.org_size, ARR(0, 2, 2, 1, 0), 5, "town org_size");
	/* B < 3 full; C 8 full without 支委会; D 50; B no secretary; E term ended */
	expect(c.problem, ARR(1, 1, 1, 1, 1), 5, "town problem");
	compute(fx.c, 2025, &c, &r);
	expect(c.change, ARR(0, 1, 0, 0, 0), 5, "C change");
	compute(fx.y, 2025, &c, &r);
	/* Y: in 17 (2025), 18 left in 2025 (it came in 2024), 21 came in 2024 */
	expect(c.change, ARR(0, 1, 1, 0, 0), 5, "Y change");
}

/* ---- the straightforward SQL: one GROUP BY per table ---- */

static void sql_counts(int64_t *into, int n, const char *sql, const char *const *binds, int nb)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int i, step;
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	for (i = 0; i < nb; i++)
		stmt_bind_text(st, i + 1, binds[i]);
	while ((step = stmt_step(st, &fx.ctx.err)) == STEP_ROW) {
		int64_t k = stmt_int(st, 0);
		if (k >= 0 && k < n)
			into[k] += stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		life_fail_ctx(sql, &fx.ctx);
}

#define ROLL " FROM members WHERE org_path >= ? AND org_path < ? AND state IN ('active', 'transferring') AND join_date <= ?"

static void reference(const char *lo, const char *hi, const struct stats_ref *r, struct stats_counts *c)
{
	char y[9][11], from[11], next[11];
	const char *b3[3] = { lo, hi, r->ref_iso };
	const char *bage[12];
	static const int bands[8] = { 31, 36, 41, 46, 51, 56, 61, 71 };
	size_t n, i;
	const struct code_entry *eth = code_entries(CODE_ETHNICITY, &n);
	struct stmt *st;
	int k;
	memset(c, 0, sizeof(*c));
	xsnprintf(from, sizeof(from), "%04d-01-01", r->year);
	xsnprintf(next, sizeof(next), "%04d-01-01", r->year + 1);
	sql_counts(&c->total, 1, "SELECT 0, count(*)" ROLL, b3, 3);
	sql_counts(c->gender, 3, "SELECT CASE gender WHEN '1' THEN 0 WHEN '2' THEN 1 ELSE 2 END, count(*)" ROLL " GROUP BY 1",
		   b3, 3);
	sql_counts(c->nation, 2, "SELECT CASE WHEN ethnicity = '01' THEN 0 ELSE 1 END, count(*)" ROLL " GROUP BY 1", b3, 3);
	for (i = 0; i < n; i++) {
		const char *b4[4] = { lo, hi, r->ref_iso, eth[i].code };
		sql_counts(&c->ethnicity[i], 1, "SELECT 0, count(*)" ROLL " AND ethnicity = ?", b4, 4);
	}
	/* age >= k on ref exactly when born on or before ref's month-day k years earlier */
	for (k = 0; k < 8; k++) {
		xsnprintf(y[k], sizeof(y[k]), "%04d-%s", r->year - bands[k] + (r->ref / 10000 - r->year), r->ref_iso + 5);
		bage[k] = y[k];
	}
	bage[8] = lo;
	bage[9] = hi;
	bage[10] = r->ref_iso;
	sql_counts(c->age, 9,
		   "SELECT CASE WHEN birth_date > ? THEN 0 WHEN birth_date > ? THEN 1 WHEN birth_date > ? THEN 2 "
		   "WHEN birth_date > ? THEN 3 WHEN birth_date > ? THEN 4 WHEN birth_date > ? THEN 5 WHEN birth_date > ? "
		   "THEN 6 WHEN birth_date > ? THEN 7 ELSE 8 END, count(*)" ROLL " GROUP BY 1",
		   bage, 11);
	sql_counts(c->education, 7,
		   "SELECT CASE WHEN education IN ('11', '12', '13', '1A', '1B') THEN 0 "
		   "WHEN education IN ('21', '23', '24', '2A', '2B') THEN 1 WHEN education IN ('22', '2C', '2D') THEN 2 "
		   "WHEN education = '41' THEN 3 WHEN education IN ('44', '47', '6') THEN 4 "
		   "WHEN education IN ('7', '8', '9') THEN 5 ELSE 6 END, count(*)" ROLL " GROUP BY 1",
		   b3, 3);
	sql_counts(c->join, 7,
		   "SELECT CASE WHEN join_date < '1949-10-01' THEN 0 WHEN join_date < '1966-05-01' THEN 1 "
		   "WHEN join_date < '1976-11-01' THEN 2 WHEN join_date < '1979-01-01' THEN 3 WHEN join_date < '2002-11-01' "
		   "THEN 4 WHEN join_date < '2012-11-01' THEN 5 ELSE 6 END, count(*)" ROLL " GROUP BY 1",
		   b3, 3);
	sql_counts(c->category, 2, "SELECT CASE WHEN category = 'full' THEN 0 ELSE 1 END, count(*)" ROLL " GROUP BY 1", b3, 3);
	sql_counts(c->status, 2, "SELECT CASE WHEN party_status = 'suspended' THEN 1 ELSE 0 END, count(*)" ROLL " GROUP BY 1",
		   b3, 3);
	sql_counts(&c->status[2], 1, "SELECT 0, count(*)" ROLL " AND lost_contact = 1", b3, 3);
	sql_counts(&c->status[3], 1, "SELECT 0, count(*)" ROLL " AND floating = 1", b3, 3);
	{
		const char *bj[4] = { lo, hi, from, r->ref_iso };
		const char *bt[8] = { from, r->ref_iso, lo, hi, lo, hi };
		const char *bo[10] = { from, r->ref_iso, lo, hi, lo, hi, from, r->ref_iso, lo, hi };
		const char *bh[4] = { from, next, lo, hi };
		sql_counts(&c->change[SC_JOINED], 1,
			   "SELECT 0, count(*) FROM members WHERE org_path >= ? AND org_path < ? AND join_date >= ? "
			   "AND join_date <= ?", bj, 4);
		sql_counts(&c->change[SC_TRANSFER_IN], 1,
			   "SELECT 0, count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id JOIN orgs tp "
			   "ON tp.id = t.to_org_id WHERE t.status = 'confirmed' AND t.decided_on >= ? AND t.decided_on <= ? "
			   "AND tp.path >= ? AND tp.path < ? AND NOT (f.path >= ? AND f.path < ?)", bt, 6);
		sql_counts(&c->change[SC_TRANSFER_OUT], 1,
			   "SELECT 0, count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id LEFT JOIN orgs tp "
			   "ON tp.id = t.to_org_id WHERE (t.status = 'confirmed' AND t.decided_on >= ? AND t.decided_on <= ? "
			   "AND f.path >= ? AND f.path < ? AND NOT (tp.path >= ? AND tp.path < ?)) OR (t.status = 'sent' "
			   "AND t.issued_on >= ? AND t.issued_on <= ? AND f.path >= ? AND f.path < ?)", bo, 10);
		sql_counts(&c->change[SC_DIED], 1,
			   "SELECT 0, count(DISTINCT m.id) FROM members m JOIN member_history h ON h.member_id = m.id "
			   "WHERE m.state = 'deceased' AND h.field = 'state' AND h.new_value = 'deceased' AND h.at >= ? "
			   "AND h.at < ? AND m.org_path >= ? AND m.org_path < ?", bh, 4);
		sql_counts(&c->change[SC_REMOVED], 1,
			   "SELECT 0, count(DISTINCT m.id) FROM members m JOIN member_history h ON h.member_id = m.id "
			   "WHERE m.state = 'removed' AND h.field = 'state' AND h.new_value = 'removed' AND h.at >= ? "
			   "AND h.at < ? AND m.org_path >= ? AND m.org_path < ?", bh, 4);
	}
	{
		const char *bk[2] = { lo, hi };
		const char *bb[5] = { r->ref_iso, r->ref_iso, lo, hi };
		const char *bx[3] = { lo, hi, r->today_iso };
		static const char *const kinds[6] = { "dept", "committee", "general_branch", "branch", "joint_branch", "group" };
		for (k = 0; k < 6; k++) {
			const char *b[3] = { lo, hi, kinds[k] };
			sql_counts(&c->org_kind[k], 1,
				   "SELECT 0, count(*) FROM orgs WHERE path >= ? AND path < ? AND dissolved_on IS NULL AND kind = ?",
				   b, 3);
		}
		(void)bk;
#define BRANCHES                                                                                                     \
	"(SELECT o.committee_size AS cs, o.secretary_member_id AS sec, (SELECT count(*) FROM members m WHERE "          \
	"m.org_id = o.id AND m.state IN ('active', 'transferring') AND m.join_date <= ?) AS n, (SELECT count(*) FROM " \
	"members m WHERE m.org_id = o.id AND m.state IN ('active', 'transferring') AND m.join_date <= ? AND "          \
	"m.category = 'full') AS f FROM orgs o WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL AND "       \
	"o.kind IN ('branch', 'joint_branch')) x"
		sql_counts(c->org_size, 5,
			   "SELECT CASE WHEN n < 3 THEN 0 WHEN n < 7 THEN 1 WHEN n < 50 THEN 2 WHEN n < 100 THEN 3 ELSE 4 END, "
			   "count(*) FROM " BRANCHES " GROUP BY 1", bb, 4);
		sql_counts(&c->problem[0], 1, "SELECT 0, count(*) FROM " BRANCHES " WHERE f < 3", bb, 4);
		sql_counts(&c->problem[1], 1, "SELECT 0, count(*) FROM " BRANCHES " WHERE f >= 7 AND cs = 0", bb, 4);
		sql_counts(&c->problem[2], 1, "SELECT 0, count(*) FROM " BRANCHES " WHERE n >= 50", bb, 4);
		sql_counts(&c->problem[3], 1, "SELECT 0, count(*) FROM " BRANCHES " WHERE sec IS NULL", bb, 4);
		sql_counts(&c->problem[4], 1,
			   "SELECT 0, count(*) FROM orgs WHERE path >= ? AND path < ? AND dissolved_on IS NULL "
			   "AND kind <> 'group' AND term_end IS NOT NULL AND term_end <> '' AND term_end < ?",
			   bx, 3);
	}
	st = NULL;
	(void)st;
}

static void compare_with_sql(int64_t org, int year)
{
	struct stats_counts c, want;
	struct stats_ref r;
	struct org o;
	char hi[PATH_MAX_LEN];
	as_system();
	compute(org, year, &c, &r);
	assert_int_equal(org_get(&fx.ctx, org, &o), 0);
	path_range_end(o.path, hi, sizeof(hi));
	reference(o.path, hi, &r, &want);
	expect(&c.total, &want.total, (int)(sizeof(c) / sizeof(int64_t)), "fold vs SQL");
}

static void test_equals_straightforward_sql(void **state)
{
	(void)state;
	compare_with_sql(fx.a, 2025);
	compare_with_sql(fx.a, 2026);
	compare_with_sql(fx.town, 2025);
	compare_with_sql(fx.town, 2026);
	compare_with_sql(fx.top, 2024);
	compare_with_sql(fx.y, 2025);
}

/* every figure of the reply drills down to a list with that total */
static void drill_all(int64_t org, int year)
{
	struct stats_ref r;
	json_t *j = NULL, *t, *row, *items;
	size_t i, k;
	int64_t total;
	as_system();
	assert_int_equal(stats_ref_init(&fx.ctx, year, &r), 0);
	if (stats_tables(&fx.ctx, org, &r, &j))
		life_fail_ctx("stats_tables", &fx.ctx);
	assert_int_equal(stats_drill_members(&fx.ctx, org, &r, "total", "all", 1, 200, &items, &total), 0);
	assert_int_equal(total, json_integer_value(json_object_get(j, "total")));
	assert_int_equal((int64_t)json_array_size(items), total);
	/* no PII in the list */
	assert_null(json_object_get(json_array_get(items, 0), "id_number"));
	assert_null(json_object_get(json_array_get(items, 0), "phone"));
	json_decref(items);
	json_array_foreach(json_object_get(j, "tables"), i, t) {
		const char *key = json_string_value(json_object_get(t, "key"));
		int orgs = !strcmp(json_string_value(json_object_get(t, "kind")), "orgs");
		json_array_foreach(json_object_get(t, "rows"), k, row) {
			const char *v = json_string_value(json_object_get(row, "value"));
			int rc;
			err_clear(&fx.ctx.err);
			rc = orgs ? stats_drill_orgs(&fx.ctx, org, &r, key, v, 1, 3, &items, &total)
				  : stats_drill_members(&fx.ctx, org, &r, key, v, 1, 3, &items, &total);
			if (rc)
				life_fail_ctx(key, &fx.ctx);
			if (total != json_integer_value(json_object_get(row, "count"))) {
				fprintf(stderr, "drill %s=%s: %" PRId64 " rows, figure %" PRId64 "\n", key, v, total,
					(int64_t)json_integer_value(json_object_get(row, "count")));
				fail();
			}
			assert_int_equal((int64_t)json_array_size(items), total < 3 ? total : 3);
			json_decref(items);
		}
	}
	json_decref(j);
}

static void test_drill_downs(void **state)
{
	struct stats_ref r;
	json_t *items = NULL;
	int64_t total = 0;
	(void)state;
	drill_all(fx.a, 2025);
	drill_all(fx.town, 2025);
	drill_all(fx.town, 2026);
	/* the transfer out of the system names where it went */
	as_system();
	assert_int_equal(stats_ref_init(&fx.ctx, 2025, &r), 0);
	assert_int_equal(stats_drill_members(&fx.ctx, fx.town, &r, "change", "transfer_out", 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "other_org")), "外省某党支部");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "event_date")), "2025-07-08");
	json_decref(items);
	/* the problem lists name the branches */
	assert_int_equal(stats_drill_orgs(&fx.ctx, fx.town, &r, "branch_problem", "no_secretary", 1, 50, &items, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), fx.b);
	json_decref(items);
	/* a page past the end is empty with the same total */
	assert_int_equal(stats_drill_members(&fx.ctx, fx.a, &r, "gender", "male", 5, 50, &items, &total), 0);
	assert_int_equal(total, 9);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	/* unknown dim and value name the field */
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_drill_members(&fx.ctx, fx.a, &r, "shoe_size", "x", 1, 50, &items, &total), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "dim");
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_drill_members(&fx.ctx, fx.a, &r, "age", "ge200", 1, 50, &items, &total), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "value");
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_drill_members(&fx.ctx, fx.a, &r, "org_kind", "branch", 1, 50, &items, &total), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "dim");
}

static void test_year_and_scope(void **state)
{
	struct stats_ref r;
	struct stats_counts c;
	json_t *j = NULL;
	(void)state;
	as_system();
	assert_int_equal(stats_ref_init(&fx.ctx, 2027, &r), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "year");
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_ref_init(&fx.ctx, 1920, &r), E_INVALID);
	assert_int_equal(stats_ref_init(&fx.ctx, 2025, &r), 0);
	/* a secretary: their branch, not the town */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(stats_compute(&fx.ctx, 0, &r, &c), 0);
	assert_int_equal(c.total, 14);
	assert_int_equal(stats_tables(&fx.ctx, fx.town, &r, &j), E_NOTFOUND);
	assert_null(j);
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_drill_orgs(&fx.ctx, fx.town, &r, "org_kind", "branch", 1, 50, &j, &c.total), E_NOTFOUND);
	/* a town administrator: the town, not the neighbour */
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(stats_compute(&fx.ctx, fx.d, &r, &c), 0);
	assert_int_equal(c.total, 50);
	assert_int_equal(stats_compute(&fx.ctx, fx.y, &r, &c), E_NOTFOUND);
	/* a member: none */
	life_act_as(ROLE_MEMBER, fx.a, 0);
	assert_int_equal(stats_compute(&fx.ctx, fx.a, &r, &c), E_FORBIDDEN);
	as_system();
}

#define STATS_TESTS                                                 \
	{                                                           \
		cmocka_unit_test(test_branch_tables),               \
		cmocka_unit_test(test_town_tables),                 \
		cmocka_unit_test(test_equals_straightforward_sql),  \
		cmocka_unit_test(test_drill_downs),                 \
		cmocka_unit_test(test_year_and_scope),              \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = STATS_TESTS;
	const struct CMUnitTest pg_tests[] = STATS_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "统计党员";
	failed = cmocka_run_group_tests_name("stats/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("stats/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("stats/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
