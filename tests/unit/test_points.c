/*
 * Points (RULES.md §6; docs/API.md "Points and assessment"): the pure rules of
 * domain/points.c — periods, caps per month/quarter/year (a month in the middle of a
 * capped window, deductions), the score clamp, ranks with each tie breaker and the
 * shared rank that skips, star bands and the top-band cap (a tie crossing the line, n
 * small) — and, on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set, settings
 * inherited from the nearest ancestor, switching points off, settings validation, the
 * published-month check and versioned indicator sets (domain/points_set.c).
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
#include "domain/org.h"
#include "domain/points.h"
#include "domain/points_internal.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define M(y, mo) points_month_no(y, mo)

/* ---- pure rules ------------------------------------------------------------------ */

static void test_period_parse(void **state)
{
	static const char *const bad[] = { "2026-9", "2026Q5", "2026Q0", "2026q3", "1999", "2101", "2026-13",
					   "2026-00", "26-09", "2026-09x", "", "2026-", "20a6", "2026Q", "2101-01" };
	struct points_period p;
	char text[8];
	size_t i;
	(void)state;
	assert_int_equal(points_period_parse("2026-09", &p), 0);
	assert_int_equal(p.kind, PP_MONTH);
	assert_int_equal(p.first, 2026 * 12 + 8);
	assert_int_equal(p.last, 2026 * 12 + 8);
	assert_string_equal(p.text, "2026-09");
	assert_int_equal(points_period_parse("2026Q3", &p), 0);
	assert_int_equal(p.kind, PP_QUARTER);
	assert_int_equal(p.first, M(2026, 7));
	assert_int_equal(p.last, M(2026, 9));
	assert_string_equal(p.text, "2026Q3");
	assert_int_equal(points_period_parse("2026", &p), 0);
	assert_int_equal(p.kind, PP_YEAR);
	assert_int_equal(p.first, M(2026, 1));
	assert_int_equal(p.last, M(2026, 12));
	assert_int_equal(points_period_parse("2000", &p), 0);
	assert_int_equal(points_period_parse("2100-12", &p), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (points_period_parse(bad[i], &p) != -1)
			fail_msg("accepted period \"%s\"", bad[i]);
	assert_int_equal(points_period_parse(NULL, &p), -1);

	points_period_of(PP_QUARTER, M(2026, 8), &p);
	assert_int_equal(p.first, M(2026, 7));
	assert_int_equal(p.last, M(2026, 9));
	assert_string_equal(p.text, "2026Q3");
	points_period_of(PP_YEAR, M(2026, 8), &p);
	assert_string_equal(p.text, "2026");
	assert_int_equal(p.first, M(2026, 1));
	points_period_of(PP_MONTH, M(2026, 8), &p);
	assert_string_equal(p.text, "2026-08");
	points_month_text(M(2027, 1), text);
	assert_string_equal(text, "2027-01");
	assert_int_equal(points_cap_window_start(PP_QUARTER, M(2026, 12)), M(2026, 10));
	assert_int_equal(points_cap_window_start(PP_YEAR, M(2026, 12)), M(2026, 1));
	assert_int_equal(points_cap_window_start(PP_MONTH, M(2026, 12)), M(2026, 12));
}

static void test_top_org(void **state)
{
	(void)state;
	assert_int_equal(points_top_org("/1/7/"), 1);
	assert_int_equal(points_top_org("/12/"), 12);
	assert_int_equal(points_top_org("/345/7/9/"), 345);
	assert_int_equal(points_top_org(""), 0);
	assert_int_equal(points_top_org("/"), 0);
	assert_int_equal(points_top_org("1/7/"), 0);
	assert_int_equal(points_top_org("/x/"), 0);
	assert_int_equal(points_top_org("/1"), 0);
	assert_int_equal(points_top_org(NULL), 0);
}

static void test_cap_month(void **state)
{
	const int raw[] = { 60, 20, 80 };
	int q1 = M(2026, 1);
	(void)state;
	/* a quarter under a monthly cap of 5: each month at most 5 */
	assert_int_equal(points_indicator_counted(1, 50, PP_MONTH, raw, q1, q1, q1 + 2), 50 + 20 + 50);
	/* no cap */
	assert_int_equal(points_indicator_counted(1, 0, PP_MONTH, raw, q1, q1, q1 + 2), 160);
	/* one month of it */
	assert_int_equal(points_indicator_counted(1, 50, PP_MONTH, raw + 2, q1 + 2, q1 + 2, q1 + 2), 50);
}

static void test_cap_quarter(void **state)
{
	const int raw[] = { 60, 80, 50 };
	int q1 = M(2026, 1);
	int year[12], i;
	(void)state;
	/* the quarter as a whole: at most 10 */
	assert_int_equal(points_indicator_counted(1, 100, PP_QUARTER, raw, q1, q1, q1 + 2), 100);
	/* January alone: 6 */
	assert_int_equal(points_indicator_counted(1, 100, PP_QUARTER, raw, q1, q1, q1), 60);
	/* February in the middle of the window: January used 6 of 10, so 4 are left */
	assert_int_equal(points_indicator_counted(1, 100, PP_QUARTER, raw, q1, q1 + 1, q1 + 1), 40);
	/* March: the cap is used up */
	assert_int_equal(points_indicator_counted(1, 100, PP_QUARTER, raw, q1, q1 + 2, q1 + 2), 0);
	/* a year under a quarterly cap: four windows of 10 each */
	for (i = 0; i < 12; i++)
		year[i] = 40;
	assert_int_equal(points_indicator_counted(1, 100, PP_QUARTER, year, q1, q1, q1 + 11), 400);
	/* a reversal of points beyond the cap does not lower what counted */
	{
		const int rev[] = { 80, -30 };
		assert_int_equal(points_indicator_counted(1, 50, PP_QUARTER, rev, q1, q1, q1 + 1), 50);
		assert_int_equal(points_indicator_counted(1, 50, PP_MONTH, rev, q1, q1, q1 + 1), 50 - 30);
	}
}

static void test_cap_year(void **state)
{
	const int raw[] = { 50, 50, 0, 30, 0, 40 };
	int jan = M(2026, 1);
	(void)state;
	/* Q2 under a yearly cap of 12: Q1 used 10, so 2 are left */
	assert_int_equal(points_indicator_counted(1, 120, PP_YEAR, raw, jan, jan + 3, jan + 5), 20);
	/* the half year: 12 */
	assert_int_equal(points_indicator_counted(1, 120, PP_YEAR, raw, jan, jan, jan + 5), 120);
	/* Q1 alone: 10 */
	assert_int_equal(points_indicator_counted(1, 120, PP_YEAR, raw, jan, jan, jan + 2), 100);
}

static void test_cap_deduction(void **state)
{
	const int raw[] = { -80, -30 };
	const int q[] = { -40, -40 };
	int jan = M(2026, 1);
	(void)state;
	/* at least -5 a month */
	assert_int_equal(points_indicator_counted(-1, 50, PP_MONTH, raw, jan, jan, jan + 1), -50 - 30);
	/* at least -6 a quarter; February after January's -4: -2 */
	assert_int_equal(points_indicator_counted(-1, 60, PP_QUARTER, q, jan, jan + 1, jan + 1), -20);
	assert_int_equal(points_indicator_counted(-1, 60, PP_QUARTER, q, jan, jan, jan + 1), -60);
	/* no cap */
	assert_int_equal(points_indicator_counted(-1, 0, PP_QUARTER, q, jan, jan, jan + 1), -80);
}

static void test_score_clamp(void **state)
{
	(void)state;
	assert_int_equal(points_score_x10(600, 500, 0), 1000);
	assert_int_equal(points_score_x10(0, 0, -50), 0);
	assert_int_equal(points_score_x10(1000, 0, -105), 895);
	assert_int_equal(points_score_x10(600, 125, -30), 695);
}

static struct points_standing st_(int64_t id, int score, int award, int deduct)
{
	struct points_standing s;
	memset(&s, 0, sizeof(s));
	s.subject_id = id;
	s.score_x10 = score;
	s.award_x10 = award;
	s.deduct_x10 = deduct;
	return s;
}

static void test_rank_ties(void **state)
{
	struct points_standing s[7];
	static const int64_t order[] = { 3, 5, 9, 2, 4, 8, 1 };
	static const int ranks[] = { 1, 2, 3, 4, 5, 5, 7 };
	int i;
	(void)state;
	s[0] = st_(5, 900, 310, -10);  /* same score as 3, lost more: second */
	s[1] = st_(1, 700, 100, 0);    /* after the shared 5th: 7th */
	s[2] = st_(2, 850, 300, -20);  /* same score and deduction as 9, less award */
	s[3] = st_(8, 800, 200, -5);   /* full tie with 4: shared rank, 4 listed first */
	s[4] = st_(3, 900, 300, 0);
	s[5] = st_(9, 850, 400, -20);
	s[6] = st_(4, 800, 200, -5);
	points_rank(s, 7);
	for (i = 0; i < 7; i++) {
		assert_int_equal(s[i].subject_id, order[i]);
		assert_int_equal(s[i].rank, ranks[i]);
	}
	points_rank(s, 0);
	s[0] = st_(1, 500, 0, 0);
	points_rank(s, 1);
	assert_int_equal(s[0].rank, 1);
}

static const struct points_band bands5[] = { { 950, 5 }, { 850, 4 }, { 750, 3 }, { 650, 2 }, { 600, 1 } };

static void test_star_bands(void **state)
{
	static const int scores[] = { 1000, 950, 949, 850, 849, 750, 650, 600, 599, 0 };
	static const int stars[] = { 5, 5, 4, 4, 3, 3, 2, 1, 0, 0 };
	struct points_standing s[10];
	int i;
	(void)state;
	for (i = 0; i < 10; i++)
		s[i] = st_(i + 1, scores[i], 0, 0);
	points_rank(s, 10);
	points_assign_stars(s, 10, bands5, 5, 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(s[i].stars, stars[i]);
}

static void make_field(struct points_standing *s, int n, int top_scores, const int *tops)
{
	int i;
	for (i = 0; i < n; i++)
		s[i] = st_(i + 1, i < top_scores ? tops[i] : 700 - i, 0, 0);
	points_rank(s, (size_t)n);
}

static void test_top_band_cap(void **state)
{
	struct points_standing s[20];
	static const int three[] = { 990, 980, 970 };
	static const int tie[] = { 990, 980, 980 };
	static const int two[] = { 990, 980 };
	(void)state;
	/* 20 ranked, 10%: two keep ★5, the third gets ★4 */
	make_field(s, 20, 3, three);
	points_assign_stars(s, 20, bands5, 5, 10);
	assert_int_equal(s[0].stars, 5);
	assert_int_equal(s[1].stars, 5);
	assert_int_equal(s[2].stars, 4);
	assert_int_equal(s[3].stars, 2);
	/* without the cap all three keep it */
	make_field(s, 20, 3, three);
	points_assign_stars(s, 20, bands5, 5, 0);
	assert_int_equal(s[2].stars, 5);
	/* exactly at the line: both keep it */
	make_field(s, 20, 2, two);
	points_assign_stars(s, 20, bands5, 5, 10);
	assert_int_equal(s[1].stars, 5);
	/* a tie across the line (ranks 1, 2, 2 with room for 2) drops whole */
	make_field(s, 20, 3, tie);
	assert_int_equal(s[1].rank, 2);
	assert_int_equal(s[2].rank, 2);
	points_assign_stars(s, 20, bands5, 5, 10);
	assert_int_equal(s[0].stars, 5);
	assert_int_equal(s[1].stars, 4);
	assert_int_equal(s[2].stars, 4);
	/* n small: 5 × 10% = 0 may keep the top band */
	make_field(s, 5, 2, two);
	points_assign_stars(s, 5, bands5, 5, 10);
	assert_int_equal(s[0].stars, 4);
	assert_int_equal(s[1].stars, 4);
	/* one band only: those dropped have no next band, 0 */
	{
		const struct points_band one[] = { { 600, 1 } };
		make_field(s, 5, 2, two);
		points_assign_stars(s, 5, one, 1, 10);
		assert_int_equal(s[0].stars, 0);
		assert_int_equal(s[4].stars, 0);
	}
}

static void test_flags_text(void **state)
{
	char out[32];
	(void)state;
	points_flags_text(0, out, sizeof(out));
	assert_string_equal(out, "");
	points_flags_text(PF_REWARD, out, sizeof(out));
	assert_string_equal(out, "reward");
	points_flags_text(PF_WARNING | PF_ADJUST, out, sizeof(out));
	assert_string_equal(out, "warning,adjust");
	points_flags_text(PF_REWARD | PF_WARNING | PF_ADJUST, out, sizeof(out));
	assert_string_equal(out, "reward,warning,adjust");
}

static void test_json_x10(void **state)
{
	struct ctx c;
	json_t *v;
	int x = 0;
	(void)state;
	memset(&c, 0, sizeof(c));
	v = json_real(2.5);
	assert_int_equal(points_json_x10(&c, v, "points", 1, 1000, &x), 0);
	assert_int_equal(x, 25);
	json_decref(v);
	v = json_integer(3);
	assert_int_equal(points_json_x10(&c, v, "points", 1, 1000, &x), 0);
	assert_int_equal(x, 30);
	json_decref(v);
	v = json_real(2.55);
	assert_int_equal(points_json_x10(&c, v, "points", 1, 1000, &x), E_INVALID);
	assert_string_equal(c.err.field, "points");
	json_decref(v);
	v = json_real(100.1);
	assert_int_equal(points_json_x10(&c, v, "cap", 0, 1000, &x), E_INVALID);
	assert_string_equal(c.err.field, "cap");
	json_decref(v);
	v = json_integer(0);
	assert_int_equal(points_json_x10(&c, v, "points", 1, 1000, &x), E_INVALID);
	json_decref(v);
	v = json_string("2");
	assert_int_equal(points_json_x10(&c, v, "points", 1, 1000, &x), E_MALFORMED);
	json_decref(v);
	assert_int_equal(points_json_x10(&c, NULL, "points", 1, 1000, &x), E_INVALID);
	v = points_x10_json(25);
	assert_true(json_number_value(v) > 2.49 && json_number_value(v) < 2.51);
	json_decref(v);
}

/* ---- with a store ----------------------------------------------------------------- */

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee, a, b;   /* 县委组织部 → 党委 → two branches */
	int64_t top2, committee2, c;    /* a second tree for sets and publications */
	char top_path[PATH_MAX_LEN], committee_path[PATH_MAX_LEN], a_path[PATH_MAX_LEN], b_path[PATH_MAX_LEN];
	char top2_path[PATH_MAX_LEN], committee2_path[PATH_MAX_LEN], c_path[PATH_MAX_LEN];
};

static struct fixture fx;

static void org_path_of(int64_t id, char *out)
{
	struct org o;
	if (org_get(&fx.ctx, id, &o))
		life_fail_ctx("org_get", &fx.ctx);
	strlcpy_z(out, o.path, PATH_MAX_LEN);
}

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "积分组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "积分党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "积分第一党支部", 3);
	fx.b = life_make_org(fx.committee, "branch", "积分第二党支部", 3);
	fx.top2 = life_make_org(0, "dept", "积分二组织部", 0);
	fx.committee2 = life_make_org(fx.top2, "committee", "积分二党委", 0);
	fx.c = life_make_org(fx.committee2, "branch", "积分二党支部", 3);
	org_path_of(fx.top, fx.top_path);
	org_path_of(fx.committee, fx.committee_path);
	org_path_of(fx.a, fx.a_path);
	org_path_of(fx.b, fx.b_path);
	org_path_of(fx.top2, fx.top2_path);
	org_path_of(fx.committee2, fx.committee2_path);
	org_path_of(fx.c, fx.c_path);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "points", populate, 2 };

static void as_admin(int64_t org_id, const char *path, enum role role)
{
	ctx_as_system(&fx.ctx);
	fx.ctx.actor.role = role;
	fx.ctx.actor.org_id = org_id;
	fx.ctx.actor.user_id = 0;
	strlcpy_z(fx.ctx.actor.org_path, path, sizeof(fx.ctx.actor.org_path));
	err_clear(&fx.ctx.err);
}

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

/* a settings PUT body; bands as JSON text */
static json_t *settings_body(int64_t org, int enabled, double base, const char *mbands, const char *bbands, int version)
{
	json_t *b = json_pack("{s:I, s:b, s:f, s:s, s:i, s:i, s:i}", "org_id", (json_int_t)org, "enabled", enabled,
			      "member_base", base, "branch_mode", "deduct", "top_band_cap_pct", 10, "top_n", 3, "version",
			      version);
	json_object_set_new(b, "member_bands", json_loads(mbands, 0, NULL));
	json_object_set_new(b, "branch_bands", json_loads(bbands, 0, NULL));
	return b;
}

#define BANDS5 "[{\"min\":95,\"stars\":5},{\"min\":85,\"stars\":4},{\"min\":75,\"stars\":3},{\"min\":65,\"stars\":2},{\"min\":60,\"stars\":1}]"
#define BANDS3 "[{\"min\":90,\"stars\":3},{\"min\":80,\"stars\":2},{\"min\":70,\"stars\":1}]"

static int64_t audit_count(const char *entity)
{
	struct stmt *st = db_prepare(fx.ctx.db, "SELECT count(*) FROM audit_log WHERE entity = ?", &fx.ctx.err);
	int64_t n = -1;
	assert_non_null(st);
	stmt_bind_text(st, 1, entity);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static void test_settings_defaults_and_inheritance(void **state)
{
	struct points_settings s;
	json_t *body, *j = NULL;
	(void)state;
	as_system();
	/* nothing stored anywhere: the defaults of RULES.md §6 */
	assert_int_equal(points_settings_for(&fx.ctx, fx.a_path, &s), 0);
	assert_int_equal(s.defined_at, 0);
	assert_true(s.enabled);
	assert_int_equal(s.member_base_x10, 600);
	assert_true(s.branch_deduct);
	assert_int_equal(s.n_member_bands, 5);
	assert_int_equal(s.member_bands[0].min_x10, 950);
	assert_int_equal(s.member_bands[0].stars, 5);
	assert_int_equal(s.member_bands[4].min_x10, 600);
	assert_int_equal(s.branch_bands[4].stars, 1);
	assert_int_equal(s.top_band_cap_pct, 10);
	assert_int_equal(s.top_n, 3);

	/* the committee's row decides for its branches, not for the top */
	body = settings_body(fx.committee, 1, 70, BANDS3, BANDS5, 0);
	if (points_settings_put(&fx.ctx, body))
		life_fail_ctx("settings_put committee", &fx.ctx);
	json_decref(body);
	assert_int_equal(points_settings_for(&fx.ctx, fx.a_path, &s), 0);
	assert_int_equal(s.defined_at, fx.committee);
	assert_int_equal(s.member_base_x10, 700);
	assert_int_equal(s.n_member_bands, 3);
	assert_int_equal(s.member_bands[0].min_x10, 900);
	assert_int_equal(points_settings_for(&fx.ctx, fx.top_path, &s), 0);
	assert_int_equal(s.defined_at, 0);

	/* a row at branch a is nearer for a; b still inherits the committee's */
	body = settings_body(fx.a, 1, 65.5, BANDS5, BANDS3, 0);
	if (points_settings_put(&fx.ctx, body))
		life_fail_ctx("settings_put a", &fx.ctx);
	json_decref(body);
	assert_int_equal(points_settings_for(&fx.ctx, fx.a_path, &s), 0);
	assert_int_equal(s.defined_at, fx.a);
	assert_int_equal(s.member_base_x10, 655);
	assert_int_equal(s.n_branch_bands, 3);
	assert_int_equal(points_settings_for(&fx.ctx, fx.b_path, &s), 0);
	assert_int_equal(s.defined_at, fx.committee);

	/* GET: the effective settings, version of the org's own row */
	assert_int_equal(points_settings_get(&fx.ctx, fx.b, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "defined_at")), fx.committee);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "org_id")), fx.b);
	json_decref(j);
	assert_int_equal(points_settings_get(&fx.ctx, fx.committee, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "branch_mode")), "deduct");
	assert_true(json_number_value(json_object_get(j, "member_base")) > 69.9);
	assert_int_equal(json_array_size(json_object_get(j, "member_bands")), 3);
	json_decref(j);
	assert_int_equal(points_settings_get(&fx.ctx, fx.top, &j), 0);
	assert_true(json_is_null(json_object_get(j, "defined_at")));
	json_decref(j);

	/* a second PUT at the committee needs its version */
	body = settings_body(fx.committee, 1, 75, BANDS3, BANDS5, 0);
	assert_int_equal(points_settings_put(&fx.ctx, body), E_CONFLICT);
	json_decref(body);
	body = settings_body(fx.committee, 1, 75, BANDS3, BANDS5, 1);
	assert_int_equal(points_settings_put(&fx.ctx, body), 0);
	json_decref(body);
	assert_int_equal(points_settings_for(&fx.ctx, fx.b_path, &s), 0);
	assert_int_equal(s.member_base_x10, 750);
	assert_int_equal(audit_count("point_settings"), 3);
}

static void expect_put_invalid(json_t *body, const char *field)
{
	err_clear(&fx.ctx.err);
	assert_int_equal(points_settings_put(&fx.ctx, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, field);
	json_decref(body);
}

static void test_settings_validation(void **state)
{
	json_t *body;
	(void)state;
	as_system();
	expect_put_invalid(settings_body(fx.committee2, 1, 60, "[{\"min\":90,\"stars\":3},{\"min\":90,\"stars\":2}]", BANDS5, 0),
			   "member_bands[1].min");
	expect_put_invalid(settings_body(fx.committee2, 1, 60, BANDS5, "[{\"min\":90,\"stars\":3},{\"min\":80,\"stars\":3}]", 0),
			   "branch_bands[1].stars");
	expect_put_invalid(settings_body(fx.committee2, 1, 60, "[{\"min\":101,\"stars\":3}]", BANDS5, 0),
			   "member_bands[0].min");
	expect_put_invalid(settings_body(fx.committee2, 1, 60, "[{\"min\":90,\"stars\":6}]", BANDS5, 0),
			   "member_bands[0].stars");
	expect_put_invalid(settings_body(fx.committee2, 1, 60, "[{\"min\":90.5,\"stars\":3}]", BANDS5, 0),
			   "member_bands[0].min");
	expect_put_invalid(settings_body(fx.committee2, 1, 60, "[]", BANDS5, 0), "member_bands");
	expect_put_invalid(settings_body(fx.committee2, 1, 60,
					 "[{\"min\":99,\"stars\":5},{\"min\":98,\"stars\":4},{\"min\":97,\"stars\":3},"
					 "{\"min\":96,\"stars\":2},{\"min\":95,\"stars\":1},{\"min\":94,\"stars\":1},"
					 "{\"min\":93,\"stars\":1},{\"min\":92,\"stars\":1},{\"min\":91,\"stars\":1}]",
					 BANDS5, 0),
			   "member_bands");
	expect_put_invalid(settings_body(fx.committee2, 1, 100.5, BANDS5, BANDS5, 0), "member_base");
	body = settings_body(fx.committee2, 1, 60, BANDS5, BANDS5, 0);
	json_object_set_new(body, "branch_mode", json_string("sum"));
	expect_put_invalid(body, "branch_mode");
	body = settings_body(fx.committee2, 1, 60, BANDS5, BANDS5, 0);
	json_object_set_new(body, "top_band_cap_pct", json_integer(101));
	expect_put_invalid(body, "top_band_cap_pct");
	/* 8 bands is the most, one is enough */
	body = settings_body(fx.committee2, 1, 60,
			     "[{\"min\":99,\"stars\":5},{\"min\":98,\"stars\":4},{\"min\":97,\"stars\":3},{\"min\":96,\"stars\":2},"
			     "{\"min\":95,\"stars\":1}]",
			     "[{\"min\":60,\"stars\":1}]", 0);
	assert_int_equal(points_settings_put(&fx.ctx, body), 0);
	json_decref(body);

	/* only org admins (and up), only in their scope */
	as_admin(fx.c, fx.c_path, ROLE_SECRETARY);
	body = settings_body(fx.c, 1, 60, BANDS5, BANDS5, 0);
	assert_int_equal(points_settings_put(&fx.ctx, body), E_FORBIDDEN);
	json_decref(body);
	as_admin(fx.committee, fx.committee_path, ROLE_ORG_ADMIN);
	body = settings_body(fx.c, 1, 60, BANDS5, BANDS5, 0);
	assert_int_equal(points_settings_put(&fx.ctx, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "org_id");
	json_decref(body);
	as_system();
}

static void test_settings_disabled(void **state)
{
	json_t *body, *j = NULL;
	(void)state;
	as_system();
	body = settings_body(fx.b, 0, 60, BANDS5, BANDS5, 0);
	if (points_settings_put(&fx.ctx, body))
		life_fail_ctx("settings_put b", &fx.ctx);
	json_decref(body);
	assert_int_equal(points_require_enabled(&fx.ctx, fx.b_path), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	err_clear(&fx.ctx.err);
	assert_int_equal(points_require_enabled(&fx.ctx, fx.a_path), 0);
	assert_int_equal(points_require_enabled(&fx.ctx, fx.committee_path), 0);
	/* everything but the settings refuses for that subtree */
	assert_int_equal(points_set_current(&fx.ctx, fx.b, NULL, &j), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	assert_null(j);
	/* the settings still answer */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_settings_get(&fx.ctx, fx.b, &j), 0);
	assert_false(json_is_true(json_object_get(j, "enabled")));
	json_decref(j);
	/* the session feature flag follows the actor's scope root */
	as_admin(fx.b, fx.b_path, ROLE_SECRETARY);
	assert_int_equal(points_enabled_for_actor(&fx.ctx), 0);
	as_admin(fx.a, fx.a_path, ROLE_SECRETARY);
	assert_int_equal(points_enabled_for_actor(&fx.ctx), 1);
	as_system();
	assert_int_equal(points_enabled_for_actor(&fx.ctx), 1);
}

/* one indicator object for a set body */
static json_t *ind(const char *code, const char *target, const char *sign, double points, const char *source,
		   const char *param)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s}", "code", code, "name", code, "category",
			      "组织生活", "target", target, "sign", sign, "points", points, "cap", 0.0, "cap_period", "month",
			      "source", source);
	json_object_set_new(j, "source_param", param ? json_string(param) : json_null());
	return j;
}

static json_t *set_body(int64_t org, const char *from, json_t *inds)
{
	json_t *b = json_pack("{s:I, s:s, s:s, s:o}", "org_id", (json_int_t)org, "effective_from", from, "note", "测试",
			      "indicators", inds);
	return b;
}

static void expect_create_fails(json_t *body, int code, const char *field, const char *rule)
{
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_set_create(&fx.ctx, body, &id), code);
	if (field)
		assert_string_equal(fx.ctx.err.field, field);
	if (rule)
		assert_string_equal(fx.ctx.err.rule, rule);
	assert_int_equal(id, 0);
	json_decref(body);
}

static void test_set_versions(void **state)
{
	struct points_indicator pi, many[4];
	json_t *j = NULL, *items = NULL, *body;
	int64_t id1 = 0, id2 = 0, total = 0;
	int n = 0;
	(void)state;
	life_set_today(2026, 3, 10);
	/* a county admin of the top-level org */
	as_admin(fx.top, fx.top_path, ROLE_ORG_ADMIN);
	assert_int_equal(points_set_current(&fx.ctx, fx.a, NULL, &j), E_NOTFOUND);
	assert_null(j);
	err_clear(&fx.ctx.err);
	body = set_body(fx.top, "2026-03",
			json_pack("[o, o, o]", ind("x", "member", "award", 2, "manual", NULL),
				  ind("att", "member", "award", 1, "meeting_attended", "theme_day"),
				  ind("bx", "branch", "deduct", 5, "manual", NULL)));
	if (points_set_create(&fx.ctx, body, &id1))
		life_fail_ctx("set v1", &fx.ctx);
	json_decref(body);
	body = set_body(fx.top, "2026-04",
			json_pack("[o, o]", ind("x", "member", "award", 3, "manual", NULL),
				  ind("att", "member", "award", 1.5, "meeting_attended", NULL)));
	if (points_set_create(&fx.ctx, body, &id2))
		life_fail_ctx("set v2", &fx.ctx);
	json_decref(body);
	assert_true(id2 > id1);

	/* a past month keeps v1's row, the new month gets v2's */
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2026, 3), "x", &pi), 0);
	assert_int_equal(pi.set_id, id1);
	assert_int_equal(pi.set_version, 1);
	assert_int_equal(pi.points_x10, 20);
	assert_int_equal(pi.top_org_id, fx.top);
	assert_int_equal(pi.sign, 1);
	assert_string_equal(pi.approver, "secretary");
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2026, 4), "x", &pi), 0);
	assert_int_equal(pi.set_id, id2);
	assert_int_equal(pi.set_version, 2);
	assert_int_equal(pi.points_x10, 30);
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2027, 1), "x", &pi), 0);
	assert_int_equal(pi.set_id, id2);
	/* bx was dropped in v2; before v1 there is nothing */
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2026, 4), "bx", &pi), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "indicator");
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2026, 3), "bx", &pi), 0);
	assert_int_equal(pi.sign, -1);
	assert_string_equal(pi.approver, "org_admin");
	assert_int_equal(points_indicator_by_code(&fx.ctx, fx.a_path, M(2026, 2), "x", &pi), E_INVALID);
	/* by id */
	assert_int_equal(points_indicator_by_id(&fx.ctx, pi.id, &pi), 0);
	assert_string_equal(pi.code, "bx");
	/* by source */
	assert_int_equal(points_indicators_by_source(&fx.ctx, fx.a_path, M(2026, 3), "member", "meeting_attended", many, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(many[0].source_param, "theme_day");
	assert_int_equal(points_indicators_by_source(&fx.ctx, fx.a_path, M(2026, 4), "member", "meeting_attended", many, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(many[0].source_param, "");
	assert_int_equal(many[0].points_x10, 15);
	assert_int_equal(points_indicators_by_source(&fx.ctx, fx.a_path, M(2026, 4), "branch", "meeting_attended", many, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(points_indicators_by_source(&fx.ctx, fx.c_path, M(2026, 4), "member", "meeting_attended", many, 4, &n), 0);
	assert_int_equal(n, 0);

	/* current: this month v1, next month v2; list newest first */
	assert_int_equal(points_set_current(&fx.ctx, fx.a, NULL, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "effective_from")), "2026-03");
	assert_int_equal(json_array_size(json_object_get(j, "indicators")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "indicators"), 2), "sign")),
			    "deduct");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "indicators"), 2), "position")), 3);
	json_decref(j);
	assert_int_equal(points_set_current(&fx.ctx, fx.a, "2026-04", &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	assert_int_equal(points_sets_list(&fx.ctx, fx.a, &items, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")), 2);
	assert_int_equal(json_array_size(json_object_get(json_array_get(items, 0), "indicators")), 2);
	assert_int_equal(json_array_size(json_object_get(json_array_get(items, 1), "indicators")), 3);
	json_decref(items);
	assert_int_equal(audit_count("point_set"), 2);

	/* next month: April becomes "this month", March is in the past */
	life_set_today(2026, 4, 2);
	expect_create_fails(set_body(fx.top, "2026-03", json_pack("[o]", ind("x", "member", "award", 2, "manual", NULL))),
			    E_INVALID, "effective_from", "points.effective_past");
	expect_create_fails(set_body(fx.top, "2026-4", json_pack("[o]", ind("x", "member", "award", 2, "manual", NULL))),
			    E_INVALID, "effective_from", NULL);
	life_set_today(2026, 3, 10);
}

static void test_set_validation(void **state)
{
	(void)state;
	as_admin(fx.top, fx.top_path, ROLE_ORG_ADMIN);
	/* source and target must match */
	expect_create_fails(set_body(fx.top, "2026-05",
				     json_pack("[o]", ind("b1", "branch", "award", 2, "meeting_attended", "lecture"))),
			    E_INVALID, "indicators[0].source", "points.source_target");
	expect_create_fails(set_body(fx.top, "2026-05",
				     json_pack("[o]", ind("m1", "member", "award", 2, "branch_meeting_held", NULL))),
			    E_INVALID, "indicators[0].source", "points.source_target");
	/* codes unique */
	expect_create_fails(set_body(fx.top, "2026-05",
				     json_pack("[o, o]", ind("x", "member", "award", 2, "manual", NULL),
					       ind("x", "member", "deduct", 1, "manual", NULL))),
			    E_INVALID, "indicators[1].code", "points.code_duplicate");
	/* points > 0 and ≤ 100, one decimal */
	expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", ind("x", "member", "award", 0, "manual", NULL))),
			    E_INVALID, "indicators[0].points", NULL);
	expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", ind("x", "member", "award", 100.5, "manual", NULL))),
			    E_INVALID, "indicators[0].points", NULL);
	/* unknown source, bad parameter */
	expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", ind("x", "member", "award", 1, "dues_paid", NULL))),
			    E_INVALID, "indicators[0].source", "points.source");
	expect_create_fails(set_body(fx.top, "2026-05",
				     json_pack("[o]", ind("x", "member", "award", 1, "meeting_attended", "picnic"))),
			    E_INVALID, "indicators[0].source_param", "points.source_param");
	expect_create_fails(set_body(fx.top, "2026-05",
				     json_pack("[o]", ind("x", "member", "award", 1, "appraisal_category", "qualified2"))),
			    E_INVALID, "indicators[0].source_param", "points.source_param");
	/* branch indicators are approved by org admins */
	{
		json_t *i = ind("b", "branch", "deduct", 1, "manual", NULL);
		json_object_set_new(i, "approver", json_string("secretary"));
		expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", i)), E_INVALID, "indicators[0].approver",
				    "points.approver");
	}
	/* none at all */
	expect_create_fails(set_body(fx.top, "2026-05", json_array()), E_INVALID, "indicators", NULL);
	/* only the top-level org carries sets, and only admins at it */
	expect_create_fails(set_body(fx.committee, "2026-05", json_pack("[o]", ind("x", "member", "award", 1, "manual", NULL))),
			    E_INVALID, "org_id", "points.set_org");
	as_admin(fx.committee, fx.committee_path, ROLE_ORG_ADMIN);
	expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", ind("x", "member", "award", 1, "manual", NULL))),
			    E_INVALID, "org_id", NULL);
	as_admin(fx.a, fx.a_path, ROLE_SECRETARY);
	expect_create_fails(set_body(fx.top, "2026-05", json_pack("[o]", ind("x", "member", "award", 1, "manual", NULL))),
			    E_FORBIDDEN, NULL, NULL);
	as_system();
}

static void publish_row(int64_t org, const char *path, const char *target, const char *period)
{
	struct points_period p;
	struct stmt *st;
	assert_int_equal(points_period_parse(period, &p), 0);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO point_publications (org_id, org_path, target, period, first_month, last_month, settings, "
			"created_at) VALUES (?, ?, ?, ?, ?, ?, '{}', '2026-03-10T00:00:00Z')",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, org);
	stmt_bind_text(st, 2, path);
	stmt_bind_text(st, 3, target);
	stmt_bind_text(st, 4, period);
	stmt_bind_int(st, 5, p.first);
	stmt_bind_int(st, 6, p.last);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx("publish_row", &fx.ctx);
}

static void test_month_published(void **state)
{
	int pub = -1;
	int64_t id = 0;
	json_t *tpl = NULL, *body;
	(void)state;
	as_system();
	publish_row(fx.committee2, fx.committee2_path, "member", "2026Q1");
	/* inside: the committee itself and its branch, every month of the quarter */
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.c_path, M(2026, 2), &pub), 0);
	assert_int_equal(pub, 1);
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.committee2_path, M(2026, 3), &pub), 0);
	assert_int_equal(pub, 1);
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.c_path, M(2026, 1), &pub), 0);
	assert_int_equal(pub, 1);
	/* outside: the enclosing top, the other target, the next month, another tree */
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.top2_path, M(2026, 2), &pub), 0);
	assert_int_equal(pub, 0);
	assert_int_equal(points_month_published(&fx.ctx, "branch", fx.c_path, M(2026, 2), &pub), 0);
	assert_int_equal(pub, 0);
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.c_path, M(2026, 4), &pub), 0);
	assert_int_equal(pub, 0);
	assert_int_equal(points_month_published(&fx.ctx, "member", fx.a_path, M(2026, 2), &pub), 0);
	assert_int_equal(pub, 0);

	/* a set may not start inside a published period of any org of the tree; the
	 * recommended template passes every check */
	as_admin(fx.top2, fx.top2_path, ROLE_ORG_ADMIN);
	assert_int_equal(points_set_template_json(&tpl), 0);
	body = json_deep_copy(tpl);
	json_object_set_new(body, "org_id", json_integer(fx.top2));
	json_object_set_new(body, "effective_from", json_string("2026-03"));
	expect_create_fails(body, E_INVALID, "effective_from", "points.period_published");
	body = json_deep_copy(tpl);
	json_object_set_new(body, "org_id", json_integer(fx.top2));
	json_object_set_new(body, "effective_from", json_string("2026-04"));
	err_clear(&fx.ctx.err);
	if (points_set_create(&fx.ctx, body, &id))
		life_fail_ctx("template set", &fx.ctx);
	json_decref(body);
	json_decref(tpl);
	as_system();
}

static void test_template_and_sources(void **state)
{
	json_t *tpl = NULL, *src = NULL, *i;
	size_t k;
	int members = 0, branches = 0, automatic = 0;
	(void)state;
	assert_int_equal(points_set_template_json(&tpl), 0);
	json_array_foreach(json_object_get(tpl, "indicators"), k, i) {
		const char *t = json_string_value(json_object_get(i, "target"));
		members += !strcmp(t, "member");
		branches += !strcmp(t, "branch");
		automatic += strcmp(json_string_value(json_object_get(i, "source")), "manual") != 0;
		assert_null(json_object_get(i, "id"));
	}
	assert_true(members >= 28 && members <= 36);
	assert_int_equal(branches, 18);
	assert_true(automatic >= 10);
	json_decref(tpl);
	assert_int_equal(points_sources_json(&src), 0);
	assert_int_equal(json_array_size(json_object_get(src, "items")), points_n_sources);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(src, "items"), 0), "code")),
			    "manual");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(src, "items"), 0), "target")));
	json_decref(src);
	assert_non_null(points_source_find("study_hours"));
	assert_string_equal(points_source_find("branch_meeting_held")->target, "branch");
	assert_string_equal(points_source_find("appraisal_category")->param, "appraisal_category");
	assert_null(points_source_find("nope"));
	assert_null(points_source_find(NULL));
}

#define PURE_TESTS                                                                                                  \
	{                                                                                                           \
		cmocka_unit_test(test_period_parse), cmocka_unit_test(test_top_org), cmocka_unit_test(test_cap_month), \
			cmocka_unit_test(test_cap_quarter), cmocka_unit_test(test_cap_year),                         \
			cmocka_unit_test(test_cap_deduction), cmocka_unit_test(test_score_clamp),                    \
			cmocka_unit_test(test_rank_ties), cmocka_unit_test(test_star_bands),                         \
			cmocka_unit_test(test_top_band_cap), cmocka_unit_test(test_flags_text),                      \
			cmocka_unit_test(test_json_x10), cmocka_unit_test(test_template_and_sources),                \
	}

#define STORE_TESTS                                                                                                 \
	{                                                                                                           \
		cmocka_unit_test(test_settings_defaults_and_inheritance), cmocka_unit_test(test_settings_validation), \
			cmocka_unit_test(test_settings_disabled), cmocka_unit_test(test_set_versions),               \
			cmocka_unit_test(test_set_validation), cmocka_unit_test(test_month_published),               \
	}

int main(void)
{
	const struct CMUnitTest pure[] = PURE_TESTS;
	const struct CMUnitTest sqlite_tests[] = STORE_TESTS;
	const struct CMUnitTest pg_tests[] = STORE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "积分党员";
	failed = cmocka_run_group_tests_name("points/rules", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("points/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("points/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("points/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
