/*
 * Standings, rankings, publications and history of points (domain/points_rank.c,
 * docs/API.md "Points and assessment") with injected dates and ledger rows written
 * straight into point_entries and their rollups (018_point_rollups): caps across months (a month of a capped quarter, a
 * quarter of a capped year), the tie rule (smaller deduction, then larger award, then
 * the same rank with the next skipped), the top-band cap (a tie crossing the line drops
 * whole), branch flags (reward, warning, adjust only for the second year running), a
 * publication freezing the standings, the period-open and duplicate refusals, and
 * history. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "util/xalloc.h"
#include "util/banned.h"

#define N_BRANCH 5
#define N_MEMBER 10

enum { I_MONTHCAP, I_QUARTERCAP, I_YEARCAP, I_PLAIN, I_DEDUCT, I_FINDING, I_BRANCH_AWARD, N_IND };

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee;
	int64_t b[N_BRANCH];
	int64_t m[N_MEMBER];         /* m[0..3] in b[0], m[4..6] in b[1], m[7..9] in b[2] */
	int64_t m_branch[N_MEMBER];
	int64_t ind[N_IND];
};

static struct fixture fx;

/* one ledger row, straight into the table (the ledger's own checks are not the subject here) */
static void entry(const char *target, int64_t subject, int64_t org, int ind, int y, int mon, int points)
{
	struct org o;
	char day[11];
	struct stmt *st;
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, org, &o))
		life_fail_ctx("org_get", &fx.ctx);
	xsnprintf(day, sizeof(day), "%04d-%02d-10", y, mon);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO point_entries (target, subject_id, org_id, org_path, indicator_id, period_no, event_on, "
			"points_x10, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'manual', '2026-01-01T00:00:00Z')",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject);
	stmt_bind_int(st, 3, org);
	stmt_bind_text(st, 4, o.path);
	stmt_bind_int(st, 5, fx.ind[ind]);
	stmt_bind_int(st, 6, points_month_no(y, mon));
	stmt_bind_text(st, 7, day);
	stmt_bind_int(st, 8, points);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx("entry", &fx.ctx);
	/* and into its rollup, as points_append does: the standings read only the rollups */
	if (points_rollup_add(&fx.ctx, target, subject, points_month_no(y, mon), fx.ind[ind], points))
		life_fail_ctx("points_rollup_add", &fx.ctx);
}

static void member_entry(int k, int ind, int y, int mon, int points)
{
	entry("member", fx.m[k], fx.m_branch[k], ind, y, mon, points);
}

static void branch_entry(int k, int ind, int y, int mon, int points)
{
	entry("branch", fx.b[k], fx.b[k], ind, y, mon, points);
}

static int populate(int pg)
{
	int64_t set;
	int i;
	char name[32];
	(void)pg;
	life_set_today(2027, 3, 15);
	fx.top = life_make_org(0, "dept", "积分组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "积分党委", 0);
	for (i = 0; i < N_BRANCH; i++) {
		xsnprintf(name, sizeof(name), "积分第%d党支部", i + 1);
		fx.b[i] = life_make_org(fx.committee, "branch", name, 0);
	}
	for (i = 0; i < N_MEMBER; i++) {
		fx.m_branch[i] = fx.b[i < 4 ? 0 : i < 7 ? 1 : 2];
		fx.m[i] = life_make_member(fx.m_branch[i]);
	}
	set = points_fx_make_set(fx.top, 1, points_month_no(2025, 1));
	fx.ind[I_MONTHCAP] = points_fx_make_indicator(set, "monthcap", "member", 1, 20, 50, "month", 1);
	fx.ind[I_QUARTERCAP] = points_fx_make_indicator(set, "quartercap", "member", 1, 100, 150, "quarter", 2);
	fx.ind[I_YEARCAP] = points_fx_make_indicator(set, "yearcap", "member", 1, 150, 200, "year", 3);
	fx.ind[I_PLAIN] = points_fx_make_indicator(set, "plain", "member", 1, 10, 0, "month", 4);
	fx.ind[I_DEDUCT] = points_fx_make_indicator(set, "deduct", "member", -1, 50, 0, "month", 5);
	fx.ind[I_FINDING] = points_fx_make_indicator(set, "finding", "branch", -1, 50, 0, "month", 6);
	fx.ind[I_BRANCH_AWARD] = points_fx_make_indicator(set, "branch_award", "branch", 1, 50, 0, "month", 7);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "points_rank", populate, 2 };

/* ---- helpers ---- */

static json_t *rankings(int64_t org, const char *target, const char *period)
{
	json_t *r = NULL;
	err_clear(&fx.ctx.err);
	if (points_rankings(&fx.ctx, org, target, period, 1, 100, &r))
		life_fail_ctx("points_rankings", &fx.ctx);
	return r;
}

static json_t *item_of(json_t *r, int64_t subject)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r, "items"), i, e)
		if (json_integer_value(json_object_get(e, "subject_id")) == subject)
			return e;
	fail_msg("subject %" PRId64 " not in the ranking", subject);
	return NULL;
}

/* score (tenths) of subject in r */
static int score_of(json_t *r, int64_t subject)
{
	return (int)(json_number_value(json_object_get(item_of(r, subject), "score")) * 10 + 0.5);
}

static int int_of(json_t *r, int64_t subject, const char *key)
{
	return (int)json_integer_value(json_object_get(item_of(r, subject), key));
}

static int has_flag(json_t *item, const char *flag)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(item, "flags"), i, f)
		if (!strcmp(json_string_value(f), flag))
			return 1;
	return 0;
}

static int stars_n(json_t *r, const char *stars)
{
	return (int)json_integer_value(json_object_get(json_object_get(r, "stars"), stars));
}

static int publish(int64_t org, const char *target, const char *period, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)org, "target", target, "period", period,
				 "note", "测试公布");
	int rc;
	err_clear(&fx.ctx.err);
	rc = points_publish(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

/* ---- tests ---- */

/* Caps: a month cap per month, a quarter cap seen from the quarter and from its second
 * month, a year cap seen from the second quarter (the pass loads from January). */
static void test_caps_across_months(void **state)
{
	json_t *r;
	(void)state;
	member_entry(0, I_MONTHCAP, 2026, 1, 20);
	member_entry(0, I_MONTHCAP, 2026, 1, 20);
	member_entry(0, I_MONTHCAP, 2026, 1, 20);   /* January 6 → 5 */
	member_entry(0, I_MONTHCAP, 2026, 2, 20);
	member_entry(0, I_QUARTERCAP, 2026, 1, 100);
	member_entry(0, I_QUARTERCAP, 2026, 2, 100);
	member_entry(0, I_QUARTERCAP, 2026, 3, 100); /* the quarter: 30 → 15 */
	member_entry(0, I_YEARCAP, 2026, 2, 150);
	member_entry(0, I_YEARCAP, 2026, 4, 150);    /* the year: 30 → 20; Q2 keeps 5 */
	member_entry(1, I_DEDUCT, 2026, 2, -50);

	r = rankings(fx.committee, "member", "2026Q1");
	assert_int_equal(json_integer_value(json_object_get(r, "total")), N_MEMBER);
	assert_true(json_is_null(json_object_get(r, "published")));
	assert_string_equal(json_string_value(json_object_get(r, "period")), "2026Q1");
	/* 60 + 5 + 2 + 15 + 15 */
	assert_int_equal(score_of(r, fx.m[0]), 970);
	assert_int_equal(int_of(r, fx.m[0], "rank"), 1);
	assert_int_equal(score_of(r, fx.m[1]), 550);
	assert_int_equal(int_of(r, fx.m[1], "rank"), N_MEMBER);
	assert_int_equal(score_of(r, fx.m[2]), 600);
	json_decref(r);

	/* February alone: 2 + what January left of the quarter cap (15 − 10 = 5) + 15 */
	r = rankings(fx.committee, "member", "2026-02");
	assert_int_equal(score_of(r, fx.m[0]), 600 + 20 + 50 + 150);
	json_decref(r);
	/* March: the quarter cap is used up */
	r = rankings(fx.committee, "member", "2026-03");
	assert_int_equal(score_of(r, fx.m[0]), 600);
	json_decref(r);
	/* the second quarter: the year cap left 5 of April's 15 */
	r = rankings(fx.committee, "member", "2026Q2");
	assert_int_equal(score_of(r, fx.m[0]), 650);
	assert_int_equal(int_of(r, fx.m[0], "rank"), 1);
	json_decref(r);
	/* one branch's subtree: only its members */
	r = rankings(fx.b[1], "member", "2026Q1");
	assert_int_equal(json_integer_value(json_object_get(r, "total")), 3);
	json_decref(r);
}

/* Equal scores: the smaller deduction first, then the larger award; fully equal share
 * the rank and the next one skips (1, 2, 3, 3, 5 …). */
static void test_tie_rule(void **state)
{
	json_t *r, *items;
	int i;
	static const int ranks[N_MEMBER] = { 1, 2, 3, 3, 5, 6, 6, 6, 6, 6 };
	(void)state;
	member_entry(2, I_PLAIN, 2026, 5, 50);      /* 65, no deduction */
	member_entry(3, I_PLAIN, 2026, 5, 100);
	member_entry(3, I_DEDUCT, 2026, 5, -50);    /* 65, −5 */
	member_entry(4, I_PLAIN, 2026, 5, 30);      /* 63 */
	member_entry(5, I_PLAIN, 2026, 5, 30);      /* 63 */
	member_entry(6, I_PLAIN, 2026, 5, 110);
	member_entry(6, I_DEDUCT, 2026, 5, -100);   /* 61, −10 */
	r = rankings(fx.committee, "member", "2026-05");
	items = json_object_get(r, "items");
	assert_int_equal(json_array_size(items), N_MEMBER);
	for (i = 0; i < N_MEMBER; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(items, (size_t)i), "rank")), ranks[i]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "subject_id")), fx.m[2]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "subject_id")), fx.m[3]);
	/* equal: listed by id */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "subject_id")), fx.m[4]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 3), "subject_id")), fx.m[5]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 4), "subject_id")), fx.m[6]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "org_name")), "积分第1党支部");
	json_decref(r);

	/* paging: the second page of 4 starts at the fifth */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_rankings(&fx.ctx, fx.committee, "member", "2026-05", 2, 4, &r), 0);
	items = json_object_get(r, "items");
	assert_int_equal(json_array_size(items), 4);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "subject_id")), fx.m[6]);
	assert_int_equal(json_integer_value(json_object_get(r, "total")), N_MEMBER);
	assert_int_equal(stars_n(r, "2"), 2);   /* 65, 65 */
	assert_int_equal(stars_n(r, "1"), 8);
	json_decref(r);
}

/* At most ⌊10 · 10%⌋ = 1 keeps ★5; a tie crossing the line drops whole. */
static void test_top_band_cap(void **state)
{
	json_t *r;
	int i;
	(void)state;
	for (i = 0; i < N_MEMBER; i++) {
		member_entry(i, I_PLAIN, 2026, 6, i == 0 ? 400 : i == 1 ? 380 : 360);
		member_entry(i, I_PLAIN, 2026, 7, i < 2 ? 400 : 360);
	}
	r = rankings(fx.committee, "member", "2026-06");
	assert_int_equal(int_of(r, fx.m[0], "stars"), 5);
	assert_int_equal(int_of(r, fx.m[1], "stars"), 4);
	assert_int_equal(score_of(r, fx.m[1]), 980);
	assert_int_equal(stars_n(r, "5"), 1);
	assert_int_equal(stars_n(r, "4"), 9);
	json_decref(r);
	r = rankings(fx.committee, "member", "2026-07");
	assert_int_equal(int_of(r, fx.m[0], "stars"), 4);
	assert_int_equal(int_of(r, fx.m[1], "stars"), 4);
	assert_int_equal(stars_n(r, "5"), 0);
	assert_int_equal(stars_n(r, "4"), 10);
	json_decref(r);
}

/* Branch standings (百分倒扣制: base 100) with reward, warning and adjust; a publication
 * freezes them; history. */
static void test_branch_flags_and_publications(void **state)
{
	json_t *r, *it, *h, *p;
	int64_t p2025 = 0, p2026 = 0, dup = 0, pm = 0;
	(void)state;
	/* 2025: b[4] last (−15), b[3] −10; 2026: b[4] last again (−20), b[2] −5 */
	branch_entry(4, I_FINDING, 2025, 3, -50);
	branch_entry(4, I_FINDING, 2025, 8, -100);
	branch_entry(3, I_FINDING, 2025, 8, -100);
	branch_entry(0, I_BRANCH_AWARD, 2025, 9, 50); /* capped at 100 */
	branch_entry(4, I_FINDING, 2026, 2, -200);
	branch_entry(2, I_FINDING, 2026, 11, -50);

	r = rankings(fx.committee, "branch", "2025");
	assert_int_equal(json_integer_value(json_object_get(r, "total")), N_BRANCH);
	assert_int_equal(score_of(r, fx.b[0]), 1000);
	assert_int_equal(score_of(r, fx.b[4]), 850);
	it = item_of(r, fx.b[4]);
	assert_int_equal(json_integer_value(json_object_get(it, "rank")), 5);
	assert_true(has_flag(it, "warning"));
	assert_false(has_flag(it, "adjust"));   /* no 2024 publication */
	assert_false(has_flag(it, "reward"));
	/* b[0], b[1], b[2] all at 100: b[0]'s award ranks it first, the other two share rank 2 */
	assert_int_equal(int_of(r, fx.b[0], "rank"), 1);
	assert_int_equal(int_of(r, fx.b[2], "rank"), 2);
	assert_true(has_flag(item_of(r, fx.b[0]), "reward"));
	assert_true(has_flag(item_of(r, fx.b[2]), "reward"));
	assert_false(has_flag(item_of(r, fx.b[3]), "reward"));
	assert_string_equal(json_string_value(json_object_get(it, "org_name")), "积分党委");
	json_decref(r);

	assert_int_equal(publish(fx.committee, "branch", "2025", &p2025), 0);
	assert_true(p2025 > 0);
	assert_int_equal(publish(fx.committee, "branch", "2025", &dup), E_CONFLICT);

	/* 2026 live: b[4] last two years running */
	r = rankings(fx.committee, "branch", "2026");
	it = item_of(r, fx.b[4]);
	assert_true(has_flag(it, "warning"));
	assert_true(has_flag(it, "adjust"));
	assert_false(has_flag(item_of(r, fx.b[2]), "adjust"));
	json_decref(r);
	assert_int_equal(publish(fx.committee, "branch", "2026", &p2026), 0);

	/* frozen: a later entry of 2026 changes nothing the rankings show */
	branch_entry(0, I_FINDING, 2026, 12, -500);
	r = rankings(fx.committee, "branch", "2026");
	assert_int_equal(json_integer_value(json_object_get(r, "published")), p2026);
	assert_int_equal(score_of(r, fx.b[0]), 1000);
	assert_int_equal(int_of(r, fx.b[0], "rank"), 1);
	it = item_of(r, fx.b[4]);
	assert_true(has_flag(it, "adjust"));
	assert_int_equal(stars_n(r, "5"), 0);   /* ⌊5 · 10%⌋ = 0 keep ★5 */
	json_decref(r);
	/* … while the summary is live */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_summary(&fx.ctx, fx.committee, "2026", &r), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "branches"), "count")), N_BRANCH);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "members"), "count")), N_MEMBER);
	assert_true(json_integer_value(json_object_get(r, "entries")) > 0);
	json_decref(r);

	/* the publication itself */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_publication_get(&fx.ctx, p2026, &p), 0);
	assert_int_equal(json_array_size(json_object_get(p, "items")), N_BRANCH);
	assert_int_equal(json_integer_value(json_object_get(p, "rows")), N_BRANCH);
	assert_string_equal(json_string_value(json_object_get(p, "period")), "2026");
	json_decref(p);
	err_clear(&fx.ctx.err);
	{
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(points_publications_list(&fx.ctx, fx.top, "branch", 1, 10, &items, &total), 0);
		assert_int_equal(total, 2);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), p2026);
		json_decref(items);
	}

	/* history of b[4]: last twice, adjust the second time */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_history(&fx.ctx, "branch", fx.b[4], &h), 0);
	assert_int_equal(json_array_size(json_object_get(h, "items")), 2);
	it = json_array_get(json_object_get(h, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "period")), "2025");
	assert_int_equal(json_integer_value(json_object_get(it, "rank")), 5);
	assert_false(has_flag(it, "adjust"));
	it = json_array_get(json_object_get(h, "items"), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "publication_id")), p2026);
	assert_true(has_flag(it, "adjust"));
	json_decref(h);

	/* a member publication, and a member reading only their own history */
	assert_int_equal(publish(fx.committee, "member", "2026-02", &pm), 0);
	member_entry(0, I_DEDUCT, 2026, 2, -500);
	r = rankings(fx.committee, "member", "2026-02");
	assert_int_equal(json_integer_value(json_object_get(r, "published")), pm);
	assert_int_equal(score_of(r, fx.m[0]), 820);
	json_decref(r);
	{
		struct actor saved = fx.ctx.actor;
		fx.ctx.actor.role = ROLE_MEMBER;
		fx.ctx.actor.member_id = fx.m[0];
		err_clear(&fx.ctx.err);
		assert_int_equal(points_history(&fx.ctx, "member", fx.m[0], &h), 0);
		assert_int_equal(json_array_size(json_object_get(h, "items")), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(h, "items"), 0), "rank")), 1);
		json_decref(h);
		err_clear(&fx.ctx.err);
		assert_int_equal(points_history(&fx.ctx, "member", fx.m[1], &h), E_FORBIDDEN);
		err_clear(&fx.ctx.err);
		assert_int_equal(points_rankings(&fx.ctx, fx.committee, "member", "2026-02", 1, 10, &r), E_FORBIDDEN);
		fx.ctx.actor = saved;
	}
}

/* Not before the period has ended; bad input named. */
static void test_publish_refusals(void **state)
{
	int64_t id = 0;
	json_t *r = NULL;
	(void)state;
	assert_int_equal(publish(fx.committee, "member", "2027Q1", &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "points.period_open");
	assert_int_equal(publish(fx.committee, "member", "2027-03", &id), E_RULE);
	assert_int_equal(publish(fx.committee, "member", "2027", &id), E_RULE);
	assert_int_equal(publish(fx.committee, "member", "2027-02", &id), 0);
	assert_int_equal(publish(fx.committee, "member", "2027-02", &id), E_CONFLICT);
	assert_int_equal(publish(fx.committee, "nobody", "2026-09", &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "target");
	assert_int_equal(publish(fx.committee, "member", "2026-13", &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "period");
	err_clear(&fx.ctx.err);
	assert_int_equal(points_rankings(&fx.ctx, fx.committee, "member", "26Q1", 1, 10, &r), E_INVALID);
	/* a secretary may read but not publish */
	{
		struct actor saved = fx.ctx.actor;
		fx.ctx.actor.role = ROLE_SECRETARY;
		assert_int_equal(publish(fx.committee, "member", "2026-08", &id), E_FORBIDDEN);
		fx.ctx.actor = saved;
	}
	/* the default period of rankings is the last whole quarter (today 2027-03-15: 2026Q4) */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_rankings(&fx.ctx, fx.committee, NULL, NULL, 1, 10, &r), 0);
	assert_string_equal(json_string_value(json_object_get(r, "period")), "2026Q4");
	json_decref(r);
	err_clear(&fx.ctx.err);
	assert_int_equal(points_summary(&fx.ctx, fx.committee, NULL, &r), 0);
	assert_string_equal(json_string_value(json_object_get(r, "period")), "2027");
	assert_int_equal(json_integer_value(json_object_get(r, "entries")), 0);
	/* nobody has entries in 2027: everybody at the base */
	assert_int_equal((int)(json_number_value(json_object_get(json_object_get(r, "members"), "average")) * 10 + 0.5), 600);
	json_decref(r);
}

/* The rollup text: the documented example, any order, and what the reader refuses. */
static void test_rollup_codec(void **state)
{
	static const char *const bad[] = { "1", "1:", ":15", "1:d5", "1:0", "1:1", "1:15,", "1:15;", "1:15;;2:15",
					   "1:1x", "1:15,2", "-1:15", "1:1--5", "1:199999999999", NULL };
	struct points_rollup_iter it;
	int64_t ind, sum_ind = 0;
	int month, raw, n = 0, sum = 0, i;
	(void)state;
	points_rollup_iter_init(&it, "0:14,25;17:1-20,550;23:c10");
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 1);
	assert_true(ind == 0 && month == 1 && raw == 4);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 1);
	assert_true(ind == 0 && month == 2 && raw == 5);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 1);
	assert_true(ind == 17 && month == 1 && raw == -20);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 1);
	assert_true(ind == 17 && month == 5 && raw == 50);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 1);
	assert_true(ind == 23 && month == 12 && raw == 10);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 0);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 0);
	/* the backfill's order is whatever the aggregate gives */
	points_rollup_iter_init(&it, "23:c10;0:b2,a1;17:550,1-20");
	while (points_rollup_next(&it, &ind, &month, &raw) > 0) {
		n++;
		sum += raw;
		sum_ind += ind;
	}
	assert_int_equal(n, 5);
	assert_int_equal(sum, 43);
	assert_int_equal(sum_ind, 23 + 17 * 2);
	points_rollup_iter_init(&it, "");
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 0);
	points_rollup_iter_init(&it, NULL);
	assert_int_equal(points_rollup_next(&it, &ind, &month, &raw), 0);
	for (i = 0; bad[i]; i++) {
		int r;
		points_rollup_iter_init(&it, bad[i]);
		while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0)
			;
		if (r != -1)
			fail_msg("\"%s\" read as well-formed", bad[i]);
	}
}

static int64_t q_count(const char *sql)
{
	struct stmt *st;
	int64_t n = -1;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	assert_non_null(st);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/*
 * The standings read the rollups, not the ledger: emptied rollups (inside a transaction
 * rolled back after) leave every member at the base; the summary's entries are the
 * ledger's rows of the period all the same, counted from the rollups; a rebuild of the
 * rows written by the tests above finds nothing to change.
 */
static void test_standings_read_rollups(void **state)
{
	json_t *r;
	int64_t differ = -1;
	int i;
	(void)state;
	ctx_as_system(&fx.ctx);
	r = rankings(fx.committee, "member", "2026");
	assert_true(score_of(r, fx.m[0]) != 600);
	json_decref(r);
	err_clear(&fx.ctx.err);
	if (points_summary(&fx.ctx, fx.committee, "2026", &r))
		life_fail_ctx("points_summary", &fx.ctx);
	assert_int_equal(json_integer_value(json_object_get(r, "entries")),
			 q_count("SELECT count(*) FROM point_entries WHERE period_no >= 2026 * 12 AND period_no <= 2026 * 12 + 11"));
	json_decref(r);

	/* the join a county takes gives what the probes of a town give */
	for (i = 0; i < 4; i++) {
		static const char *const periods[] = { "2026", "2026Q1", "2026-02", "2025Q3" };
		json_t *probe, *join;
		char *a, *b;
		probe = rankings(fx.committee, i % 2 ? "member" : "branch", periods[i]);
		points_pass_small_limit = -1;
		join = rankings(fx.committee, i % 2 ? "member" : "branch", periods[i]);
		points_pass_small_limit = 10000;
		a = json_dumps(probe, JSON_SORT_KEYS);
		b = json_dumps(join, JSON_SORT_KEYS);
		assert_string_equal(a, b);
		free(a);
		free(b);
		json_decref(probe);
		json_decref(join);
	}

	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE point_rollups SET cells = ''", &fx.ctx.err), 0);
	r = rankings(fx.committee, "member", "2026");
	for (i = 0; i < N_MEMBER; i++)
		assert_int_equal(score_of(r, fx.m[i]), 600);
	json_decref(r);
	db_rollback(fx.ctx.db);

	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(points_rollups_rebuild(&fx.ctx, NULL, 0, &differ), 0);
	db_rollback(fx.ctx.db);
	assert_int_equal(differ, 0);
}

#define POINTS_RANK_TESTS                                                  \
	{                                                                  \
		cmocka_unit_test(test_caps_across_months),                 \
		cmocka_unit_test(test_tie_rule),                           \
		cmocka_unit_test(test_top_band_cap),                       \
		cmocka_unit_test(test_branch_flags_and_publications),      \
		cmocka_unit_test(test_publish_refusals),                   \
		cmocka_unit_test(test_rollup_codec),                       \
		cmocka_unit_test(test_standings_read_rollups),             \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = POINTS_RANK_TESTS;
	const struct CMUnitTest pg_tests[] = POINTS_RANK_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "积分党员";
	failed = cmocka_run_group_tests_name("points_rank/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("points_rank/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("points_rank/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
