/*
 * The kept standings of a large subtree (039_point_standings, domain/points_standings.c
 * and the histogram path of domain/points_rank.c) give answers identical to the
 * standings pass over the rollups (the reference), on SQLite and, with DJ_TEST_PG_URL,
 * on PostgreSQL: after ledger entries through points_append (caps per month, quarter
 * and year reached, awards and deductions, two indicator set versions), reversals,
 * transfers (org_path rewritten), a member leaving and coming back (state), an org
 * moved to another parent (org_move), a different base at one org (settings inherited):
 * every ranking page of every period (months, quarters, year) and every summary at the
 * top, the committees and a branch. The kept tables equal a rebuild from the rollups
 * (points_standings_rebuild, points_subject_counts_rebuild), so a missing trigger or
 * write fails here.
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
#include "domain/org.h"
#include "domain/points_internal.h"
#include "support/life_fixture.h"
#include "support/points_fixture.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define N_MEMBER 40
#define N_IND 10
#define N_EXTRA 8
#define STALE_AFTER 999999999 /* a subject id no fixture reaches */

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, ca, cb, town;
	int64_t b[4];                /* b0, b1 under ca (b1 under town); b2, b3 under cb */
	int64_t e[N_EXTRA];          /* branches without members, under ca, town and cb */
	int64_t m[N_MEMBER];
	int64_t ind[N_IND];
	int64_t entries[2000];
	int n_entries;
	unsigned seed;
	int year;                    /* of the entries written */
};

static struct fixture fx;

static unsigned rnd(unsigned n)
{
	fx.seed = fx.seed * 1103515245u + 12345u;
	return (fx.seed >> 16) % n;
}

static int64_t q1(const char *sql)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t v = -1;
	assert_non_null(st);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static int64_t make_indicator(int64_t set, const char *code, int sign, int points, int cap, const char *cap_period,
			      int position)
{
	return points_fx_make_indicator(set, code, "member", sign, points, cap, cap_period, position);
}

static int populate(void)
{
	int64_t s1, s2;
	int i;
	life_set_today(2027, 3, 15);
	fx.seed = 20260401u;
	fx.year = 2026;
	fx.top = life_make_org(0, "dept", "积分省委组织部", 0);
	fx.ca = life_make_org(fx.top, "committee", "甲党委", 0);
	fx.cb = life_make_org(fx.top, "committee", "乙党委", 0);
	fx.town = life_make_org(fx.ca, "committee", "甲镇党委", 0);
	fx.b[0] = life_make_org(fx.ca, "branch", "甲一支部", 0);
	fx.b[1] = life_make_org(fx.town, "branch", "甲镇二支部", 0);
	fx.b[2] = life_make_org(fx.cb, "branch", "乙一支部", 0);
	fx.b[3] = life_make_org(fx.cb, "branch", "乙二支部", 0);
	for (i = 0; i < N_MEMBER; i++)
		fx.m[i] = life_make_member(fx.b[i % 4]);
	for (i = 0; i < N_EXTRA; i++) {
		char name[32];
		xsnprintf(name, sizeof(name), "空支部%d", i + 1);
		fx.e[i] = life_make_org(i % 3 == 0 ? fx.ca : i % 3 == 1 ? fx.town : fx.cb, i == 5 ? "joint_branch" : "branch",
					name, 0);
	}
	s1 = points_fx_make_set(fx.top, 1, points_month_no(2025, 1));
	s2 = points_fx_make_set(fx.top, 2, points_month_no(2026, 7));
	fx.ind[0] = make_indicator(s1, "monthcap", 1, 20, 50, "month", 1);
	fx.ind[1] = make_indicator(s1, "quartercap", 1, 100, 150, "quarter", 2);
	fx.ind[2] = make_indicator(s1, "yearcap", 1, 150, 300, "year", 3);
	fx.ind[3] = make_indicator(s1, "plain", 1, 10, 0, "month", 4);
	fx.ind[4] = make_indicator(s1, "deduct", -1, 50, 0, "month", 5);
	fx.ind[5] = make_indicator(s1, "deductcap", -1, 30, 60, "quarter", 6);
	/* the second version: other caps for the same codes */
	fx.ind[6] = make_indicator(s2, "monthcap", 1, 40, 80, "year", 1);
	fx.ind[7] = make_indicator(s2, "deduct", -1, 20, 40, "month", 5);
	/* branch indicators: findings (no cap) and an award capped per quarter */
	fx.ind[8] = points_fx_make_indicator(s1, "finding", "branch", -1, 50, 0, "month", 7);
	fx.ind[9] = points_fx_make_indicator(s1, "branch_award", "branch", 1, 50, 100, "quarter", 8);
	/* a different base at 乙党委 (its subtree inherits it) */
	if (db_exec(fx.ctx.db,
		    "INSERT INTO point_settings (org_id, member_base_x10, member_bands, branch_bands, top_band_cap_pct, "
		    "updated_at) SELECT id, 700, '[{\"min\":95,\"stars\":5},{\"min\":85,\"stars\":4},{\"min\":75,\"stars\":3},"
		    "{\"min\":65,\"stars\":2},{\"min\":60,\"stars\":1}]', '[{\"min\":95,\"stars\":5},{\"min\":60,\"stars\":1}]', "
		    "20, '2026-01-01T00:00:00Z' FROM orgs WHERE name = '乙党委'",
		    &fx.ctx.err))
		life_fail_ctx("settings", &fx.ctx);
	return 0;
}

static int setup_sqlite(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	if (life_setup(&fx.ls, &fx.ctx, "points_standings", 0))
		return -1;
	return populate();
}

static int setup_pg(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	if (life_setup(&fx.ls, &fx.ctx, "points_standings", 1))
		return -1;
	return populate();
}

static int teardown(void **state)
{
	(void)state;
	life_teardown(&fx.ls, &fx.ctx);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

static void append_to(const char *target, int64_t subject, int ind, int mon, int count);

/* one entry through points_append (its own transaction), of member k */
static void append(int k, int ind, int mon, int count)
{
	append_to("member", fx.m[k], ind, mon, count);
}

static void append_to(const char *target, int64_t subject, int ind, int mon, int count)
{
	struct points_indicator pi;
	struct points_new_entry e;
	char day[11], path[PATH_MAX_LEN];
	int64_t id = 0, org = 0;
	struct stmt *st;
	err_clear(&fx.ctx.err);
	if (points_indicator_by_id(&fx.ctx, fx.ind[ind], &pi))
		life_fail_ctx("indicator", &fx.ctx);
	st = db_prepare(fx.ctx.db,
			!strcmp(target, "member") ? "SELECT org_id, org_path FROM members WHERE id = ?"
						  : "SELECT id, path FROM orgs WHERE id = ?",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, subject);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	org = stmt_int(st, 0);
	stmt_text_copy(st, 1, path, sizeof(path));
	stmt_reset(st);
	xsnprintf(day, sizeof(day), "%04d-%02d-%02d", fx.year, mon, 1 + (int)rnd(27));
	memset(&e, 0, sizeof(e));
	e.target = target;
	e.subject_id = subject;
	e.org_id = org;
	e.org_path = path;
	e.ind = &pi;
	e.event_on = day;
	e.points_x10 = pi.sign * pi.points_x10 * count;
	e.source = "manual";
	e.batch = 1;
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	if (points_append(&fx.ctx, &e, &id))
		life_fail_ctx("points_append", &fx.ctx);
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	if (fx.n_entries < (int)(sizeof(fx.entries) / sizeof(fx.entries[0])))
		fx.entries[fx.n_entries++] = id;
}

static void reverse_some(int n)
{
	int i;
	for (i = 0; i < n && fx.n_entries; i++) {
		int k = (int)rnd((unsigned)fx.n_entries);
		int64_t rid = 0;
		json_t *body = json_pack("{s:s}", "reason", "录入有误");
		err_clear(&fx.ctx.err);
		if (fx.entries[k] && points_entry_reverse(&fx.ctx, fx.entries[k], body, &rid) &&
		    strcmp(fx.ctx.err.rule, "points.already_reversed"))
			life_fail_ctx("points_entry_reverse", &fx.ctx);
		fx.entries[k] = 0;
		json_decref(body);
	}
}

static void writes(int n)
{
	int i;
	for (i = 0; i < n; i++) {
		int mon = 1 + (int)rnd(12), ind = (int)rnd(8);
		if (rnd(4) == 0) {
			/* a branch finding or award, of one of the 12 branches */
			int k = (int)rnd(4 + N_EXTRA);
			append_to("branch", k < 4 ? fx.b[k] : fx.e[k - 4], 8 + (int)rnd(2), mon, 1 + (int)rnd(2));
			continue;
		}
		/* the second version's indicators from July, the first's before */
		if (mon >= 7 && ind < 6 && rnd(2))
			ind = 6 + (int)rnd(2);
		append((int)rnd(N_MEMBER), ind, mon, 1 + (int)rnd(3));
	}
}

/* member k to branch j: what a transfer writes */
static void move_member(int k, int j)
{
	struct org o;
	struct stmt *st;
	if (org_get(&fx.ctx, fx.b[j], &o))
		life_fail_ctx("org_get", &fx.ctx);
	st = db_prepare(fx.ctx.db, "UPDATE members SET org_id = ?, org_path = ? WHERE id = ?", &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, o.id);
	stmt_bind_text(st, 2, o.path);
	stmt_bind_int(st, 3, fx.m[k]);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

static void set_state(int k, const char *state)
{
	struct stmt *st = db_prepare(fx.ctx.db, "UPDATE members SET state = ? WHERE id = ?", &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, state);
	stmt_bind_int(st, 2, fx.m[k]);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	return s;
}

/* rankings of target and summary of org, period, both ways: identical */
static void compare_t(int64_t org, const char *target, const char *period)
{
	json_t *r;
	int page, pages = 1;
	int64_t next = 0;
	char *a, *b, *c;
	for (page = 1; page <= pages; page++) {
		points_agg_min_members = INT64_MAX;
		err_clear(&fx.ctx.err);
		if (points_rankings(&fx.ctx, org, target, period, page, 7, &r))
			life_fail_ctx("points_rankings (pass)", &fx.ctx);
		pages = (int)((json_integer_value(json_object_get(r, "total")) + 6) / 7) + 1;
		a = dump(r);
		points_agg_min_members = -1;
		err_clear(&fx.ctx.err);
		if (points_rankings(&fx.ctx, org, target, period, page, 7, &r))
			life_fail_ctx("points_rankings (kept)", &fx.ctx);
		b = dump(r);
		if (strcmp(a, b))
			fail_msg("rankings %s org %" PRId64 " %s page %d\npass: %s\nkept: %s", target, org, period, page, a, b);
		/* keyset paging: the same page from the previous page's "next" */
		err_clear(&fx.ctx.err);
		if (points_rankings_after(&fx.ctx, org, target, period, page, 7, next, &r))
			life_fail_ctx("points_rankings_after (kept)", &fx.ctx);
		next = json_integer_value(json_object_get(r, "next"));
		c = dump(r);
		if (strcmp(a, c))
			fail_msg("rankings %s org %" PRId64 " %s page %d after\npass: %s\nkept: %s", target, org, period,
				 page, a, c);
		/* a stale cursor (no such subject in the group): counted as without one */
		err_clear(&fx.ctx.err);
		if (points_rankings_after(&fx.ctx, org, target, period, page, 7, STALE_AFTER, &r))
			life_fail_ctx("points_rankings_after (stale)", &fx.ctx);
		json_object_del(r, "next");
		free(c);
		c = dump(r);
		free(b);
		if (!(r = json_loads(a, 0, NULL)))
			fail_msg("rankings reply is not JSON");
		json_object_del(r, "next");
		b = dump(r);
		if (strcmp(b, c))
			fail_msg("rankings %s org %" PRId64 " %s page %d stale after\npass: %s\nkept: %s", target, org,
				 period, page, b, c);
		free(a);
		free(b);
		free(c);
	}
	points_agg_min_members = INT64_MAX;
	err_clear(&fx.ctx.err);
	if (points_summary(&fx.ctx, org, period, &r))
		life_fail_ctx("points_summary (pass)", &fx.ctx);
	a = dump(r);
	points_agg_min_members = -1;
	if (points_summary(&fx.ctx, org, period, &r))
		life_fail_ctx("points_summary (kept)", &fx.ctx);
	b = dump(r);
	points_agg_min_members = 20000;
	if (strcmp(a, b))
		fail_msg("summary org %" PRId64 " %s\npass: %s\nkept: %s", org, period, a, b);
	free(a);
	free(b);
}

static void compare(int64_t org, const char *period)
{
	compare_t(org, "member", period);
	compare_t(org, "branch", period);
}

static void compare_all(void)
{
	static const char *const periods[] = { "2026", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026-01", "2026-02",
					       "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
					       "2026-10", "2026-11", "2026-12", "2025" };
	const int64_t orgs[] = { fx.top, fx.ca, fx.cb, fx.town, fx.b[0], fx.b[2] };
	size_t i, j;
	for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		for (j = 0; j < sizeof(periods) / sizeof(periods[0]); j++)
			compare(orgs[i], periods[j]);
}

/* SHA-like fingerprint: the rows of sql as text */
static char *rows_text(const char *sql, int ncols)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int i;
	assert_non_null(st);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW) {
		for (i = 0; i < ncols; i++) {
			const char *t = stmt_text(st, i);
			strbuf_addstr(&sb, t ? t : "\\N");
			strbuf_addch(&sb, i + 1 < ncols ? '|' : '\n');
		}
	}
	stmt_reset(st);
	return strbuf_detach(&sb, NULL);
}

static const struct {
	const char *sql;
	int ncols;
} kept[] = {
	{ "SELECT target, subject_id, year, pcode, award_x10, deduct_x10, entries FROM point_period_scores "
	  "ORDER BY target, subject_id, year, pcode",
	  7 },
	{ "SELECT org_id, target, year, pcode, award_x10, deduct_x10, n, entries FROM point_score_hist WHERE n <> 0 "
	  "ORDER BY org_id, target, year, pcode, award_x10, deduct_x10",
	  8 },
	{ "SELECT org_id, target, n FROM point_subject_counts WHERE n <> 0 ORDER BY org_id, target", 3 },
};

/* the kept tables equal a rebuild (in a transaction rolled back after) */
static void check_kept(void)
{
	char *before[3], *after;
	size_t i;
	for (i = 0; i < 3; i++)
		before[i] = rows_text(kept[i].sql, kept[i].ncols);
	assert_true(strlen(before[0]) > 0 && strlen(before[1]) > 0);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	points_rebuild_chunk = 7;   /* the rollups read in many chunks */
	if (points_standings_rebuild(&fx.ctx) || points_subject_counts_rebuild(&fx.ctx))
		life_fail_ctx("rebuild", &fx.ctx);
	points_rebuild_chunk = 20000;
	for (i = 0; i < 3; i++) {
		after = rows_text(kept[i].sql, kept[i].ncols);
		if (strcmp(before[i], after))
			fail_msg("kept differs from the rebuild: %s\nkept:\n%s\nrebuilt:\n%s", kept[i].sql, before[i], after);
		free(after);
		free(before[i]);
	}
	db_rollback(fx.ctx.db);
}

static void test_kept_equals_pass(void **state)
{
	int64_t ver;
	(void)state;
	ctx_as_system(&fx.ctx);
	writes(300);
	check_kept();
	compare_all();

	reverse_some(60);
	/* transfers: across committees, into the town; leaving and coming back */
	move_member(0, 2);
	move_member(5, 1);
	move_member(9, 3);
	set_state(3, "transferring");
	set_state(7, "left");
	writes(150);
	set_state(3, "active");
	check_kept();
	compare_all();

	/* the town (with 甲镇二支部) moves under 乙党委: every member's org_path rewritten */
	ver = q1("SELECT version FROM orgs WHERE name = '甲镇党委'");
	err_clear(&fx.ctx.err);
	if (org_move(&fx.ctx, fx.town, fx.cb, ver))
		life_fail_ctx("org_move", &fx.ctx);
	writes(100);
	reverse_some(30);
	/* a branch dissolved, another turned into a joint branch */
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE orgs SET dissolved_on = '2026-06-30' WHERE name = '空支部1'", &fx.ctx.err),
			 0);
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE orgs SET kind = 'joint_branch' WHERE name = '空支部3'", &fx.ctx.err), 0);
	/* a member added with entries, then removed (a record entered by mistake) */
	{
		int64_t keep = fx.m[11];
		struct stmt *st;
		fx.m[11] = life_make_member(fx.b[3]);
		append(11, 3, 4, 2);
		append(11, 4, 5, 1);
		check_kept();
		st = db_prepare(fx.ctx.db, "DELETE FROM members WHERE id = ?", &fx.ctx.err);
		assert_non_null(st);
		stmt_bind_int(st, 1, fx.m[11]);
		assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
		fx.m[11] = keep;
	}
	check_kept();
	compare_all();

	/* adjust: 空支部8 last in the published 2025 branch ranking of the top and last in 2026 */
	{
		json_t *body, *r;
		int64_t pub = 0;
		size_t i;
		int adjust = 0;
		fx.year = 2025;
		append_to("branch", fx.e[7], 8, 3, 2);
		append_to("branch", fx.b[0], 9, 4, 1);
		fx.year = 2026;
		append_to("branch", fx.e[7], 8, 5, 40);
		body = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)fx.top, "target", "branch", "period", "2025");
		err_clear(&fx.ctx.err);
		if (points_publish(&fx.ctx, body, &pub))
			life_fail_ctx("points_publish", &fx.ctx);
		json_decref(body);
		check_kept();
		compare_all();
		points_agg_min_members = -1;
		assert_int_equal(points_rankings(&fx.ctx, fx.top, "branch", "2026", 2, 7, &r), 0);
		points_agg_min_members = 20000;
		for (i = 0; i < json_array_size(json_object_get(r, "items")); i++) {
			json_t *f = json_object_get(json_array_get(json_object_get(r, "items"), i), "flags");
			size_t k;
			for (k = 0; k < json_array_size(f); k++)
				adjust += !strcmp(json_string_value(json_array_get(f, k)), "adjust");
		}
		json_decref(r);
		assert_int_equal(adjust, 1);
	}
	/* caps were reached: some counted value is below its raw sum */
	assert_true(q1("SELECT count(*) FROM point_period_scores WHERE pcode = 17 AND award_x10 >= 300") > 0);
	/* a member who left is in no histogram */
	assert_int_equal(q1("SELECT n FROM point_subject_counts WHERE target = 'member' AND org_id = "
			    "(SELECT id FROM orgs WHERE parent_id IS NULL AND name = '积分省委组织部')"),
			 N_MEMBER - 1);
}

/* the rows and star counts of a publication, by subject: text to compare */
static char *pub_dump(int64_t pub)
{
	char sql[400];
	char *rows, *stars;
	struct strbuf all = STRBUF_INIT;
	xsnprintf(sql, sizeof(sql),
		  "SELECT subject_id, org_id, score_x10, award_x10, deduct_x10, rank, stars, flags FROM "
		  "point_publication_rows WHERE publication_id = %" PRId64 " ORDER BY subject_id",
		  pub);
	rows = rows_text(sql, 8);
	xsnprintf(sql, sizeof(sql), "SELECT stars, n FROM point_publication_stars WHERE publication_id = %" PRId64
		  " ORDER BY stars", pub);
	stars = rows_text(sql, 2);
	strbuf_addf(&all, "%s--\n%s", rows, stars);
	free(rows);
	free(stars);
	return strbuf_detach(&all, NULL);
}

static int64_t publish(int64_t org, const char *period)
{
	json_t *body = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)org, "target", "member", "period", period);
	int64_t pub = 0;
	err_clear(&fx.ctx.err);
	if (points_publish(&fx.ctx, body, &pub))
		life_fail_ctx("points_publish", &fx.ctx);
	json_decref(body);
	return pub;
}

static void unpublish(int64_t pub)
{
	char sql[120];
	static const char *const tables[][2] = { { "point_publication_stars", "publication_id" },
						 { "point_publication_rows", "publication_id" },
						 { "point_publications", "id" } };
	size_t i;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		xsnprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = %" PRId64, tables[i][0], tables[i][1], pub);
		assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
	}
}

/*
 * A member publication of a large subtree is written from the kept groups (INSERT …
 * SELECT per tie group): the same rows and star counts as from the pass, and its pages
 * (by number and by cursor) are the rankings of the period as they were.
 */
static void test_publish_kept_equals_pass(void **state)
{
	static const char *const periods[] = { "2026", "2026Q2", "2026-05", "2025" };
	const int64_t orgs[] = { fx.top, fx.ca, fx.town };
	size_t i, j;
	(void)state;
	ctx_as_system(&fx.ctx);
	for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		for (j = 0; j < sizeof(periods) / sizeof(periods[0]); j++) {
			json_t *r;
			char *live, *a, *b;
			int64_t pub, next = 0;
			int page;
			points_agg_min_members = -1;
			assert_int_equal(points_rankings(&fx.ctx, orgs[i], "member", periods[j], 1, 500, &r), 0);
			json_object_del(r, "published");
			live = dump(r);
			points_agg_min_members = INT64_MAX;
			pub = publish(orgs[i], periods[j]);
			a = pub_dump(pub);
			unpublish(pub);
			points_agg_min_members = -1;
			pub = publish(orgs[i], periods[j]);
			b = pub_dump(pub);
			if (strcmp(a, b))
				fail_msg("publication org %" PRId64 " %s\npass: %s\nkept: %s", orgs[i], periods[j], a, b);
			/* the published rankings: the live ones then, one page or paged by cursor */
			assert_int_equal(points_rankings(&fx.ctx, orgs[i], "member", periods[j], 1, 500, &r), 0);
			assert_int_equal(json_integer_value(json_object_get(r, "published")), pub);
			json_object_del(r, "published");
			free(a);
			a = dump(r);
			if (strcmp(live, a))
				fail_msg("published org %" PRId64 " %s\nlive: %s\npublished: %s", orgs[i], periods[j], live, a);
			for (page = 1; page <= 20; page++) {
				json_t *p1, *p2;
				char *x, *y;
				assert_int_equal(points_publication_page(&fx.ctx, pub, page, 3, 0, &p1), 0);
				assert_int_equal(points_publication_page(&fx.ctx, pub, page, 3, next, &p2), 0);
				next = json_integer_value(json_object_get(p2, "next"));
				x = dump(p1);
				y = dump(p2);
				assert_string_equal(x, y);
				free(y);
				/* a cursor that is not in the publication: counted as without one */
				assert_int_equal(points_publication_page(&fx.ctx, pub, page, 3, STALE_AFTER, &p2), 0);
				y = dump(p2);
				assert_string_equal(x, y);
				free(x);
				free(y);
			}
			unpublish(pub);
			free(live);
			free(a);
			free(b);
		}
	points_agg_min_members = 20000;
}

/* a database from before 039: nothing kept, not ready → the pass; prepared → the same */
static void test_prepare(void **state)
{
	int ready = -1;
	char *a, *b;
	json_t *r;
	(void)state;
	ctx_as_system(&fx.ctx);
	writes(50);
	assert_int_equal(db_exec(fx.ctx.db, "DELETE FROM point_period_scores; DELETE FROM point_score_hist; "
					    "UPDATE point_standings_state SET ready = 0",
				 &fx.ctx.err),
			 0);
	points_agg_min_members = -1;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_rankings(&fx.ctx, fx.top, "member", "2026", 1, 50, &r), 0);
	a = dump(r);
	assert_int_equal(points_standings_prepare(&fx.ctx), 0);
	assert_int_equal(points_standings_ready(&fx.ctx, &ready), 0);
	assert_int_equal(ready, 1);
	assert_int_equal(points_rankings(&fx.ctx, fx.top, "member", "2026", 1, 50, &r), 0);
	b = dump(r);
	points_agg_min_members = 20000;
	assert_string_equal(a, b);
	free(a);
	free(b);
	check_kept();
}

/* dangjian upgrade's points step (points_standings_upgrade): from the state migration 039 leaves
 * (nothing kept, not ready) in bounded transactions, interrupted after every one of them and run
 * again, to the tables the writes keep and the same rankings; again, nothing changes */
static void test_upgrade(void **state)
{
	char *before[3], *after, *a, *b;
	json_t *r;
	size_t i;
	int k, done = 0, ready = -1;
	(void)state;
	ctx_as_system(&fx.ctx);
	writes(30);
	for (i = 0; i < 3; i++)
		before[i] = rows_text(kept[i].sql, kept[i].ncols);
	points_agg_min_members = -1;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_rankings(&fx.ctx, fx.top, "member", "2026", 1, 50, &r), 0);
	a = dump(r);
	assert_int_equal(db_exec(fx.ctx.db, "DELETE FROM point_period_scores; DELETE FROM point_score_hist; "
					    "UPDATE point_standings_state SET ready = 0",
				 &fx.ctx.err),
			 0);
	points_rebuild_chunk = 7;      /* many chunks of rollups, one per transaction */
	points_upgrade_hist_rows = 40; /* and of histogram rows */
	for (k = 1; !done && k < 500; k++) {
		assert_int_equal(points_standings_upgrade(&fx.ctx, NULL, k, &done), 0);
		assert_int_equal(points_standings_ready(&fx.ctx, &ready), 0);
		assert_int_equal(ready, done);
	}
	assert_true(done);
	assert_true(k > 4);
	for (i = 0; i < 3; i++) {
		after = rows_text(kept[i].sql, kept[i].ncols);
		if (strcmp(before[i], after))
			fail_msg("kept differs after the upgrade: %s\nkept:\n%s\nupgraded:\n%s", kept[i].sql, before[i], after);
		free(after);
	}
	assert_int_equal(points_rankings(&fx.ctx, fx.top, "member", "2026", 1, 50, &r), 0);
	b = dump(r);
	assert_string_equal(a, b);
	free(b);
	/* again: ready, nothing written */
	assert_int_equal(points_standings_upgrade(&fx.ctx, stderr, 0, &done), 0);
	assert_true(done);
	for (i = 0; i < 3; i++) {
		after = rows_text(kept[i].sql, kept[i].ncols);
		assert_string_equal(before[i], after);
		free(after);
		free(before[i]);
	}
	/* interrupted half way, then the server starts: points_standings_prepare finishes it */
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE point_standings_state SET ready = 0", &fx.ctx.err), 0);
	assert_int_equal(points_standings_upgrade(&fx.ctx, NULL, 3, &done), 0);
	assert_false(done);
	assert_int_equal(points_standings_prepare(&fx.ctx), 0);
	assert_int_equal(points_standings_ready(&fx.ctx, &ready), 0);
	assert_int_equal(ready, 1);
	assert_int_equal(points_rankings(&fx.ctx, fx.top, "member", "2026", 1, 50, &r), 0);
	b = dump(r);
	assert_string_equal(a, b);
	free(b);
	free(a);
	points_rebuild_chunk = 20000;
	points_upgrade_hist_rows = 50000;
	points_agg_min_members = 20000;
	check_kept();
}

#define TESTS                                                   \
	{                                                       \
		cmocka_unit_test(test_kept_equals_pass),        \
		cmocka_unit_test(test_publish_kept_equals_pass), \
		cmocka_unit_test(test_prepare),                 \
		cmocka_unit_test(test_upgrade),                 \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = TESTS;
	const struct CMUnitTest pg_tests[] = TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_id_year = 1984;
	life_member_name = "积分党员";
	failed = cmocka_run_group_tests_name("points_standings/sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("points_standings/postgres", pg_tests, setup_pg, teardown);
	else
		printf("points_standings/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
