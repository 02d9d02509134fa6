/*
 * 党内统计 from the counts kept per ancestor (036_stats_kept, domain/stats_kept.c) against
 * the one-pass fold over the member rows (the reference), figure for figure, for several
 * roots (a branch, towns, the top, the whole tree), after a mix of writes: inserts of
 * members with values on both sides of every band and period boundary, updates of every
 * counted column, state changes (death, removal, transferring), deletes, transfers, org
 * moves and a dissolution, members joining after today, and the clock moving on (ages
 * crossing bands, a year's end, the next year). After each round the kept rows also
 * equal their rebuild from the member rows (what demo_scale's bulk load does), so a
 * missing or wrong trigger fails. Runs on SQLite and again on PostgreSQL when
 * DJ_TEST_PG_URL is set.
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
#include "domain/member.h"
#include "domain/member_import.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "domain/stats_internal.h"
#include "domain/transfer.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, t1, t2, t3, b[8], grp;
	int64_t m[400];
	int nm;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct fixture fx;
static unsigned rng = 12345u;

static unsigned rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

static void exec_sql(const char *sql, int64_t id, const char *s)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	if (s) {
		stmt_bind_text(st, 1, s);
		stmt_bind_int(st, 2, id);
	} else {
		stmt_bind_int(st, 1, id);
	}
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static const char *const genders[] = { "1", "2", "9", "0" };
static const char *const eths[] = { "01", "01", "01", "03", "11", "56", "99", "" };
static const char *const edus[] = { NULL, "11", "1A", "21", "22", "2C", "2D", "2B", "41", "47", "6", "7", "9", "X", "" };
/* on both sides of the period boundaries; the last ones after "today" for part of the test */
static const char *const joins[] = { "1949-09-30", "1949-10-01", "1966-04-30", "1966-05-01", "1976-10-31",
				     "1976-11-01", "1978-12-31", "1979-01-01", "2002-10-31", "2002-11-01",
				     "2012-10-31", "2012-11-01", "2020-05-05", "2026-01-15", "2026-03-10",
				     "2026-03-11", "2026-07-01", "2026-12-31", "2027-02-02" };
static const char *const states[] = { "active", "active", "active", "transferring", "deceased", "removed",
				      "transferred_out" };

/* a birth date near a band boundary at the test's reference dates (03-10, 12-31, 01-01 …) */
static void birth(char out[11])
{
	static const int ages[] = { 20, 30, 31, 35, 36, 40, 41, 45, 46, 50, 51, 55, 56, 60, 61, 70, 71, 90 };
	static const char *const md[] = { "01-01", "03-09", "03-10", "03-11", "06-15", "12-30", "12-31", "02-28" };
	xsnprintf(out, 11, "%04d-%s", 2026 - ages[rnd(COUNT(ages))] - (int)rnd(2), md[rnd(COUNT(md))]);
}

static void set_text(int64_t id, const char *col, const char *v)
{
	char sql[128];
	xsnprintf(sql, sizeof(sql), v ? "UPDATE members SET %s = ? WHERE id = ?" : "UPDATE members SET %s = NULL WHERE id = ?",
		  col);
	exec_sql(sql, id, v);
}

static void set_int(int64_t id, const char *col, int v)
{
	char sql[128];
	xsnprintf(sql, sizeof(sql), "UPDATE members SET %s = %d WHERE id = ?", col, v);
	exec_sql(sql, id, NULL);
}

static int64_t add_member(int64_t org)
{
	char b[11];
	int64_t id = life_make_member(org);
	birth(b);
	/* one UPDATE of every counted column, as an edit form would */
	{
		struct stmt *st = db_prepare(fx.ctx.db,
					     "UPDATE members SET gender = ?, ethnicity = ?, birth_date = ?, education = ?, "
					     "category = ?, join_date = ?, party_status = ?, lost_contact = ?, floating = ? "
					     "WHERE id = ?",
					     &fx.ctx.err);
		const char *e = edus[rnd(COUNT(edus))];
		if (!st)
			life_fail_ctx("update", &fx.ctx);
		stmt_bind_text(st, 1, genders[rnd(COUNT(genders))]);
		stmt_bind_text(st, 2, eths[rnd(COUNT(eths))]);
		stmt_bind_text(st, 3, b);
		if (e)
			stmt_bind_text(st, 4, e);
		else
			stmt_bind_null(st, 4);
		stmt_bind_text(st, 5, rnd(4) ? "full" : "probationary");
		stmt_bind_text(st, 6, joins[rnd(COUNT(joins))]);
		stmt_bind_text(st, 7, rnd(6) ? "normal" : "suspended");
		stmt_bind_int(st, 8, rnd(8) == 0);
		stmt_bind_int(st, 9, rnd(7) == 0);
		stmt_bind_int(st, 10, id);
		if (stmt_run(st, &fx.ctx.err))
			life_fail_ctx("update", &fx.ctx);
	}
	if (rnd(5) == 0)
		set_text(id, "state", states[rnd(COUNT(states))]);
	fx.m[fx.nm++] = id;
	return id;
}

static int populate(int pg)
{
	int k;
	(void)pg;
	life_set_today(2026, 1, 5);
	fx.top = life_make_org(0, "dept", "聚合组织部", 0);
	fx.t1 = life_make_org(fx.top, "committee", "聚合甲镇党委", 0);
	fx.t2 = life_make_org(fx.top, "committee", "聚合乙镇党委", 0);
	fx.t3 = life_make_org(fx.t1, "general_branch", "聚合甲镇党总支", 0);
	fx.b[0] = life_make_org(fx.t1, "branch", "聚合一村党支部", 3);
	fx.b[1] = life_make_org(fx.t1, "branch", "聚合二村党支部", 0);
	fx.b[2] = life_make_org(fx.t3, "branch", "聚合三村党支部", 5);
	fx.b[3] = life_make_org(fx.t3, "joint_branch", "聚合联合党支部", 0);
	fx.b[4] = life_make_org(fx.t2, "branch", "聚合四村党支部", 3);
	fx.b[5] = life_make_org(fx.t2, "branch", "聚合五村党支部", 0);
	fx.b[6] = life_make_org(fx.t2, "branch", "聚合六村党支部", 7);
	fx.b[7] = life_make_org(fx.t2, "branch", "聚合七村党支部", 0);
	fx.grp = life_make_org(fx.b[0], "group", "聚合一村第一党小组", 0);
	/* sizes around the branch bands: 2, 3, 6, 7, 49, 50, 100 members */
	{
		static const int sizes[8] = { 60, 2, 7, 3, 6, 50, 100, 9 };
		int i;
		for (i = 0; i < 8; i++)
			for (k = 0; k < sizes[i]; k++)
				add_member(fx.b[i]);
	}
	exec_sql("UPDATE orgs SET secretary_member_id = (SELECT min(m.id) FROM members m WHERE m.org_id = orgs.id) "
		 "WHERE id = ?",
		 fx.b[0], NULL);
	exec_sql("UPDATE orgs SET term_end = ? WHERE id = ?", fx.b[2], "2026-03-10");
	exec_sql("UPDATE orgs SET term_end = ? WHERE id = ?", fx.b[4], "2025-12-31");
	life_set_today(2026, 3, 10);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "statskept", populate, 2 };

static void diff(const int64_t *a, const int64_t *b, size_t n, const char *what)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			fprintf(stderr, "  %s[%zu]: fold %" PRId64 ", kept %" PRId64 "\n", what, i, a[i], b[i]);
}

#define DIFF(f) diff(fold->f, kept->f, sizeof(fold->f) / sizeof(int64_t), #f)
static void report(const struct stats_counts *fold, const struct stats_counts *kept)
{
	diff(&fold->total, &kept->total, 1, "total");
	DIFF(gender);
	DIFF(nation);
	DIFF(ethnicity);
	DIFF(age);
	DIFF(education);
	DIFF(join);
	DIFF(category);
	DIFF(status);
	DIFF(change);
	DIFF(org_kind);
	DIFF(org_size);
	DIFF(problem);
}

/* the tables of org (0: the whole tree) for this year, the year before and 2012, both ways;
 * returns this year's total */
static int64_t same(int64_t org, const char *when)
{
	struct stats_counts fold, kept;
	struct stats_ref r;
	struct org root;
	char hi[PATH_MAX_LEN];
	int64_t total = 0;
	int y;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(stats_scope(&fx.ctx, org, &root, hi, sizeof(hi)), 0);
	for (y = 0; y < 3; y++) {
		assert_int_equal(stats_ref_init(&fx.ctx, y == 2 ? 2012 : fx.ctx.today.y - y, &r), 0);
		if (stats_compute_fold(&fx.ctx, &root, hi, &r, &fold))
			life_fail_ctx("fold", &fx.ctx);
		if (stats_kept_compute(&fx.ctx, &root, hi, &r, -1, &kept))
			life_fail_ctx("kept", &fx.ctx);
		if (memcmp(&fold, &kept, sizeof(fold))) {
			fprintf(stderr, "%s: org %" PRId64 " on %s differs\n", when, org, r.ref_iso);
			report(&fold, &kept);
			fail();
		}
		if (!y)
			total = fold.total;
		/* the orgs of /stats/orgs with their counted members */
		{
			struct stats_orgs a, b;
			size_t i;
			if (stats_fold(&fx.ctx, root.path, hi, &r, &a, NULL) ||
			    stats_kept_orgs(&fx.ctx, root.path, hi, &r, -1, &b))
				life_fail_ctx("orgs", &fx.ctx);
			assert_int_equal(a.n, b.n);
			for (i = 0; i < a.n; i++) {
				if (a.v[i].members != b.v[i].members || a.v[i].full != b.v[i].full)
					fprintf(stderr, "%s: org %" PRId64 " on %s: fold %lld/%lld, kept %lld/%lld\n", when,
						a.v[i].id, r.ref_iso, (long long)a.v[i].members, (long long)a.v[i].full,
						(long long)b.v[i].members, (long long)b.v[i].full);
				assert_int_equal(a.v[i].id, b.v[i].id);
				assert_int_equal(a.v[i].members, b.v[i].members);
				assert_int_equal(a.v[i].full, b.v[i].full);
			}
			stats_orgs_release(&a);
			stats_orgs_release(&b);
		}
		/* the threshold: fewer members are not served */
		assert_int_equal(stats_kept_compute(&fx.ctx, &root, hi, &r, fold.total + 1000000, &kept), STATS_KEPT_NO);
	}
	return total;
}

/* a query's rows (n columns) as text */
static char *rows_text(const char *sql, int n)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int i;
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		for (i = 0; i < n; i++) {
			const char *t = stmt_text(st, i);
			strbuf_addstr(&sb, t ? t : "\\N");
			strbuf_addch(&sb, i + 1 < n ? '|' : '\n');
		}
	stmt_reset(st);
	return strbuf_detach(&sb, NULL);
}

#define KEPT_ROWS "SELECT * FROM stats_kept WHERE total <> 0 ORDER BY org_id"
#define BIRTH_ROWS "SELECT org_id, birth_date, n FROM stats_births WHERE n <> 0 ORDER BY org_id, birth_date"
#define ORG_ROWS                                                                                                \
	"SELECT org_id, k_dept, k_committee, k_general_branch, k_branch, k_joint_branch, k_group, s0, s1, s2, s3, " \
	"s4, p0, p1, p2, p3 FROM stats_org_kept WHERE k_dept + k_committee + k_general_branch + k_branch + "        \
	"k_joint_branch + k_group <> 0 ORDER BY org_id"
#define TERM_ROWS "SELECT org_id, term_end, n FROM stats_org_terms WHERE n <> 0 ORDER BY org_id, term_end"

/* the rows the triggers keep equal their rebuild from the member rows */
static void rebuild_equal(const char *when)
{
	char *k1 = rows_text(KEPT_ROWS, 83), *b1 = rows_text(BIRTH_ROWS, 3), *o1 = rows_text(ORG_ROWS, 16),
	     *t1 = rows_text(TERM_ROWS, 3), *k2, *b2, *o2, *t2;
	if (stats_kept_rebuild(&fx.ctx))
		life_fail_ctx("rebuild", &fx.ctx);
	k2 = rows_text(KEPT_ROWS, 83);
	b2 = rows_text(BIRTH_ROWS, 3);
	o2 = rows_text(ORG_ROWS, 16);
	t2 = rows_text(TERM_ROWS, 3);
	if (strcmp(k1, k2) || strcmp(b1, b2) || strcmp(o1, o2) || strcmp(t1, t2))
		fprintf(stderr, "%s: kept rows differ from their rebuild\n", when);
	assert_true(strlen(k1) > 100 && strlen(b1) > 100 && strlen(o1) > 100 && strlen(t1) > 10);
	assert_string_equal(k1, k2);
	assert_string_equal(b1, b2);
	assert_string_equal(o1, o2);
	assert_string_equal(t1, t2);
	free(k1);
	free(b1);
	free(o1);
	free(t1);
	free(k2);
	free(b2);
	free(o2);
	free(t2);
}

static void all_same(const char *when)
{
	int i;
	assert_true(same(0, when) > 100);
	same(fx.top, when);
	same(fx.t1, when);
	same(fx.t2, when);
	same(fx.t3, when);
	for (i = 0; i < 8; i++)
		same(fx.b[i], when);
	rebuild_equal(when);
}

/* /stats/members: the page found by the kept counts (stats_kept_members_page) against the pass
 * over the subtree's rows (the reference), every member table's every value and the year's joins */
static struct config drill_cfg;

static json_t *drill(int64_t org, const struct stats_ref *r, const char *dim, const char *value, int page, int per,
		     long long min, int64_t *total)
{
	json_t *items = NULL;
	char set[64];
	xsnprintf(set, sizeof(set), "stats.kept_min_members=%lld", min);
	config_defaults(&drill_cfg);
	assert_int_equal(config_set(&drill_cfg, set, NULL), 0);
	fx.ctx.cfg = &drill_cfg;
	err_clear(&fx.ctx.err);
	if (stats_drill_members(&fx.ctx, org, r, dim, value, page, per, &items, total))
		life_fail_ctx("drill", &fx.ctx);
	fx.ctx.cfg = NULL;
	return items;
}

static void id_collect(void *arg, int64_t id)
{
	json_array_append_new(arg, json_integer(id));
}

static void drill_same_one(int64_t org, const struct stats_ref *r, const char *dim, const char *value, const char *when)
{
	json_t *a, *b, *ids, *all = json_array();
	int64_t ta = 0, tb = 0, tk = 0;
	int page, last;
	size_t i;
	/* every page of 200 */
	for (page = 1; page == 1 || (page - 1) * 200 < ta; page++) {
		a = drill(org, r, dim, value, page, 200, 1000000000, &ta);
		b = drill(org, r, dim, value, page, 200, 0, &tb);
		if (!json_equal(a, b) || ta != tb) {
			char *x = json_dumps(a, JSON_COMPACT), *y = json_dumps(b, JSON_COMPACT);
			fprintf(stderr, "%s: org %" PRId64 " %s=%s on %s page %d: pass %lld %s\nkept %lld %s\n", when, org, dim,
				value, r->ref_iso, page, (long long)ta, x, (long long)tb, y);
			free(x);
			free(y);
			fail();
		}
		json_array_extend(all, a);
		json_decref(a);
		json_decref(b);
	}
	assert_int_equal((int64_t)json_array_size(all), ta);
	/* the walk itself, whatever the threshold: the same ids in the same order */
	if (strcmp(dim, "change")) {
		struct org root;
		char hi[PATH_MAX_LEN];
		enum stats_dim d = (enum stats_dim)stats_dim_parse(dim);
		ids = json_array();
		assert_int_equal(stats_scope(&fx.ctx, org, &root, hi, sizeof(hi)), 0);
		assert_int_equal(stats_kept_members_page(&fx.ctx, &root, hi, r, d, stats_value_parse(d, value), -1, 0, 100000,
							 id_collect, ids, &tk),
				 0);
		assert_int_equal(tk, ta);
		assert_int_equal(json_array_size(ids), json_array_size(all));
		for (i = 0; i < json_array_size(all); i++)
			assert_int_equal(json_integer_value(json_array_get(ids, i)),
					 json_integer_value(json_object_get(json_array_get(all, i), "id")));
		json_decref(ids);
	}
	json_decref(all);
	/* pages of 7: the first, the second, the last and one past it */
	last = (int)((ta + 6) / 7);
	for (page = 1; page <= last + 1; page += page < 2 ? 1 : (last - 1 > 1 ? last - 1 : 1)) {
		a = drill(org, r, dim, value, page, 7, 1000000000, &ta);
		b = drill(org, r, dim, value, page, 7, 0, &tb);
		assert_int_equal(ta, tb);
		assert_true(json_equal(a, b));
		json_decref(a);
		json_decref(b);
	}
}

static void drill_same(const char *when)
{
	static const char *const pairs[][2] = {
		{ "total", "all" },	     { "gender", "male" },	   { "gender", "female" },
		{ "gender", "unknown" },     { "nation", "han" },	   { "nation", "minority" },
		{ "ethnicity", "01" },	     { "ethnicity", "03" },	   { "ethnicity", "other" },
		{ "age", "le30" },	     { "age", "31_35" },	   { "age", "36_40" },
		{ "age", "41_45" },	     { "age", "46_50" },	   { "age", "51_55" },
		{ "age", "56_60" },	     { "age", "61_70" },	   { "age", "ge71" },
		{ "education", "postgrad" }, { "education", "bachelor" },  { "education", "college" },
		{ "education", "high" },     { "education", "junior" },	   { "education", "none" },
		{ "join_period", "before_1949" }, { "join_period", "1949_1966" }, { "join_period", "since_2012" },
		{ "category", "full" },	     { "category", "probationary" }, { "status", "normal" },
		{ "status", "suspended" },   { "status", "lost_contact" }, { "status", "floating" },
		{ "change", "joined" },
	};
	int64_t orgs[4];
	struct stats_ref r;
	size_t i, k;
	int y;
	orgs[0] = 0;
	orgs[1] = fx.top;
	orgs[2] = fx.t1;
	orgs[3] = fx.b[6];
	ctx_as_system(&fx.ctx);
	for (y = 0; y < 2; y++) {
		assert_int_equal(stats_ref_init(&fx.ctx, y ? 2012 : fx.ctx.today.y, &r), 0);
		for (k = 0; k < COUNT(orgs); k++)
			for (i = 0; i < COUNT(pairs); i++)
				drill_same_one(orgs[k], &r, pairs[i][0], pairs[i][1], when);
	}
}

static void move_member(int64_t member, int64_t to)
{
	struct transfer t;
	memset(&t, 0, sizeof(t));
	t.member_id = member;
	strlcpy_z(t.kind, "internal", sizeof(t.kind));
	t.to_org_id = to;
	strlcpy_z(t.reason, "工作调动", sizeof(t.reason));
	strlcpy_z(t.dues_paid_to, "2025-12", sizeof(t.dues_paid_to));
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (transfer_create(&fx.ctx, &t, 0))
		life_fail_ctx("transfer_create", &fx.ctx);
	err_clear(&fx.ctx.err);
	if (transfer_confirm(&fx.ctx, t.id, 1))
		life_fail_ctx("transfer_confirm", &fx.ctx);
}

static int64_t active_member(void)
{
	for (;;) {
		int64_t id = fx.m[rnd((unsigned)fx.nm)];
		struct stmt *st = db_prepare(fx.ctx.db, "SELECT state FROM members WHERE id = ? AND join_date < '2025-12-01'", &fx.ctx.err);
		int ok;
		stmt_bind_int(st, 1, id);
		ok = stmt_step(st, &fx.ctx.err) == STEP_ROW && !strcmp(stmt_text(st, 0), "active");
		stmt_reset(st);
		if (ok)
			return id;
	}
}

static void test_after_inserts(void **state)
{
	(void)state;
	all_same("inserts");
	drill_same("inserts");
}

static void test_after_updates(void **state)
{
	char b[11];
	int k;
	(void)state;
	/* every counted column, on rows on and off the roll */
	for (k = 0; k < 40; k++) {
		int64_t id = fx.m[rnd((unsigned)fx.nm)];
		switch (k % 11) {
		case 0:
			set_text(id, "gender", genders[rnd(COUNT(genders))]);
			break;
		case 1:
			set_text(id, "ethnicity", eths[rnd(COUNT(eths))]);
			break;
		case 2:
			birth(b);
			set_text(id, "birth_date", b);
			break;
		case 3:
			set_text(id, "education", edus[rnd(COUNT(edus))]);
			break;
		case 4:
			set_text(id, "category", rnd(2) ? "full" : "probationary");
			break;
		case 5:
			set_text(id, "join_date", joins[rnd(COUNT(joins))]);
			break;
		case 6:
			set_text(id, "party_status", rnd(2) ? "normal" : "suspended");
			break;
		case 7:
			set_int(id, "lost_contact", (int)rnd(2));
			break;
		case 8:
			set_int(id, "floating", (int)rnd(2));
			break;
		case 9:
			set_text(id, "state", states[rnd(COUNT(states))]);
			break;
		default:
			/* an unrelated column: nothing moves */
			set_text(id, "work_unit", "某单位");
			break;
		}
	}
	all_same("updates");
}

static void test_after_deletes_and_transfers(void **state)
{
	int k;
	(void)state;
	/* deletes: fresh rows on the roll and off it */
	for (k = 0; k < 4; k++) {
		int64_t id = life_make_member(fx.b[k]);
		if (k % 2)
			set_text(id, "state", "deceased");
		exec_sql("DELETE FROM members WHERE id = ?", id, NULL);
	}
	/* transfers inside a town and across towns */
	move_member(active_member(), fx.b[1]);
	move_member(active_member(), fx.b[5]);
	move_member(active_member(), fx.b[2]);
	all_same("deletes and transfers");
	drill_same("deletes and transfers");
}

static void test_after_org_moves(void **state)
{
	struct org o;
	(void)state;
	ctx_as_system(&fx.ctx);
	/* the 党总支 with its two branches from 甲镇 to 乙镇, one branch back under 甲镇 */
	assert_int_equal(org_get(&fx.ctx, fx.t3, &o), 0);
	if (org_move(&fx.ctx, fx.t3, fx.t2, o.version))
		life_fail_ctx("org_move", &fx.ctx);
	all_same("org move");
	drill_same("org move");
	assert_int_equal(org_get(&fx.ctx, fx.b[3], &o), 0);
	if (org_move(&fx.ctx, fx.b[3], fx.t1, o.version))
		life_fail_ctx("org_move", &fx.ctx);
	all_same("second org move");
}

/* the org tables' inputs: committee, secretary, term, kind, a new org, a dissolution, and
 * members moving a branch across the size bands (2 → 3, 6 → 7, 49 → 50, 99 → 100) */
static void test_after_org_writes(void **state)
{
	int64_t nb;
	struct org o;
	int k;
	(void)state;
	exec_sql("UPDATE orgs SET committee_size = 0 WHERE id = ?", fx.b[6], NULL);
	exec_sql("UPDATE orgs SET committee_size = 3 WHERE id = ?", fx.b[2], NULL);
	exec_sql("UPDATE orgs SET secretary_member_id = NULL WHERE id = ?", fx.b[0], NULL);
	exec_sql("UPDATE orgs SET secretary_member_id = (SELECT min(m.id) FROM members m WHERE m.org_id = orgs.id) "
		 "WHERE id = ?",
		 fx.b[5], NULL);
	exec_sql("UPDATE orgs SET term_end = ? WHERE id = ?", fx.b[5], "2026-03-09");
	exec_sql("UPDATE orgs SET term_end = ? WHERE id = ?", fx.grp, "2020-01-01");
	exec_sql("UPDATE orgs SET term_end = ? WHERE id = ?", fx.t2, "2030-01-01");
	exec_sql("UPDATE orgs SET kind = 'joint_branch' WHERE id = ?", fx.b[7], NULL);
	all_same("org updates");
	nb = life_make_org(fx.t2, "branch", "聚合新建党支部", 0);
	for (k = 0; k < 3; k++)
		add_member(nb);
	all_same("new branch");
	/* a branch emptied and dissolved */
	exec_sql("UPDATE members SET state = 'transferred_out' WHERE org_id = ?", nb, NULL);
	ctx_as_system(&fx.ctx);
	assert_int_equal(org_get(&fx.ctx, nb, &o), 0);
	if (org_dissolve(&fx.ctx, nb, o.version))
		life_fail_ctx("org_dissolve", &fx.ctx);
	all_same("dissolved branch");
	drill_same("dissolved branch");
	/* members in and out of branches across the bands */
	for (k = 0; k < 60; k++) {
		int64_t id = life_make_member(fx.b[k % 8]);
		if (k % 3 == 0)
			set_text(id, "category", "probationary");
	}
	all_same("band crossings");
	exec_sql("UPDATE members SET state = 'deceased' WHERE org_id = ? AND id % 2 = 0", fx.b[5], NULL);
	exec_sql("UPDATE members SET category = 'probationary' WHERE org_id = ? AND id % 3 = 0", fx.b[6], NULL);
	all_same("band crossings down");
	/* many rows in one statement (PostgreSQL's statement triggers see them together): a new
	 * branch gets 12 members at once */
	nb = life_make_org(fx.t1, "branch", "聚合成批党支部", 0);
	{
		char sql[900];
		xsnprintf(sql, sizeof(sql),
			  "INSERT INTO members (org_id, org_path, name, gender, id_enc, id_hash, id_mask, id_tail, birth_date, "
			  "ethnicity, education, category, join_date, party_status, lost_contact, floating, state, created_at, "
			  "updated_at) SELECT o.id, o.path, m.name, m.gender, m.id_enc, m.id_hash || '-b', m.id_mask, m.id_tail, "
			  "m.birth_date, m.ethnicity, m.education, m.category, m.join_date, m.party_status, m.lost_contact, "
			  "m.floating, m.state, m.created_at, m.updated_at FROM members m JOIN orgs o ON o.id = %lld "
			  "WHERE m.org_id = ? AND m.state = 'active' AND m.join_date < '2026-01-01' ORDER BY m.id LIMIT 12",
			  (long long)nb);
		exec_sql(sql, fx.b[6], NULL);
	}
	all_same("a batch into a new branch");
}

/* a member import: on PostgreSQL its rows are added set-wise at its end (the row triggers step
 * aside for its transaction), on SQLite by the row triggers (below the bulk size) */
static void test_after_import(void **state)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char *const joins_csv[] = { "2008-03-01", "2012-10-31", "2012-11-01", "2024-12-31" };
	static const char *const fulls_csv[] = { "2009-03-01", "2013-10-31", "2013-11-01", "2025-12-31" };
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	unsigned i, k, sum;
	(void)state;
	strbuf_addstr(&sb, "姓名,性别,公民身份号码,民族,出生日期,学历,人员类别,所在党支部,入党日期,转为正式党员日期,工作岗位,"
			   "联系电话,家庭住址,党籍状态,失联,流动党员,人员身份,工作单位,网格\r\n");
	for (i = 0; i < 30; i++) {
		char id[19];
		xsnprintf(id, sizeof(id), "11010519%02u%02u%02u%03u", 50 + i % 40, 1 + i % 12, 1 + i % 28, 100 + i * 2 + i % 2);
		for (k = 0, sum = 0; k < 17; k++)
			sum += (unsigned)(id[k] - '0') * (unsigned)w[k];
		id[17] = "10X98765432"[sum % 11];
		id[18] = '\0';
		strbuf_addf(&sb, "导入党员,%s,%s,%s,,大学,%s,%s,%s,%s,公务员,13812345678,某县某路1号,正常,否,否,在职,某单位,\r\n",
			    i % 2 ? "男" : "女", id, i % 5 ? "汉族" : "回族", i % 4 ? "正式党员" : "预备党员",
			    i % 3 ? "聚合三村党支部" : "聚合五村党支部", joins_csv[i % 4], i % 4 ? fulls_csv[i % 4] : "");
	}
	import_result_init(&r);
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (member_import(&fx.ctx, 0, sb.buf, sb.len, 0, &r)) {
		for (i = 0; i < json_array_size(r.errors); i++)
			fprintf(stderr, "row %d: %s\n", (int)json_integer_value(json_object_get(json_array_get(r.errors, i), "row")),
				json_string_value(json_object_get(json_array_get(r.errors, i), "reason")));
		life_fail_ctx("member_import", &fx.ctx);
	}
	assert_int_equal(r.imported, 30);
	import_result_release(&r);
	strbuf_release(&sb);
	all_same("import");
}

static void test_clock_moves_on(void **state)
{
	static const int days[][3] = { { 2026, 3, 11 }, { 2026, 6, 30 }, { 2026, 12, 31 }, { 2027, 1, 1 }, { 2027, 3, 10 } };
	size_t i;
	(void)state;
	for (i = 0; i < COUNT(days); i++) {
		char when[40];
		life_set_today(days[i][0], days[i][1], days[i][2]);
		xsnprintf(when, sizeof(when), "today %04d-%02d-%02d", days[i][0], days[i][1], days[i][2]);
		all_same(when);
		/* a write on each day */
		add_member(fx.b[i % 8]);
		set_text(active_member(), "join_date", joins[rnd(COUNT(joins))]);
	}
	all_same("after the days' writes");
	drill_same("after the days' writes");
	life_set_today(2026, 3, 10);
}

#define KEPT_TESTS                                                         \
	{                                                                  \
		cmocka_unit_test(test_after_inserts),                      \
		cmocka_unit_test(test_after_updates),                      \
		cmocka_unit_test(test_after_deletes_and_transfers),        \
		cmocka_unit_test(test_after_org_moves),                    \
		cmocka_unit_test(test_after_org_writes),                   \
		cmocka_unit_test(test_after_import),                       \
		cmocka_unit_test(test_clock_moves_on),                     \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = KEPT_TESTS;
	const struct CMUnitTest pg_tests[] = KEPT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1984;
	life_member_name = "聚合党员";
	failed = cmocka_run_group_tests_name("stats_kept/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg) {
		rng = 12345u;
		failed += cmocka_run_group_tests_name("stats_kept/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	} else {
		printf("stats_kept/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	}
	return failed ? 1 : 0;
}
