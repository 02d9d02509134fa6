/*
 * The lists of RULES.md §4 in a large subtree (more than list_max branches, a province):
 * the 自行脱党 warnings (lapse_warnings_opts) and the members at risk
 * (compliance_at_risk_opts) read lean and answered one page at a time must give, page
 * after page, exactly the slice of the whole list the usual read gives (byte for byte
 * JSON), with total, excused_total and the counts over all of them, and the counts of the
 * branches printed equal to theirs in the whole list. The members cover each way into
 * and out of the lists: 6 to 9 months without life, never attended (the first month
 * recorded counts), joined late, meetings only before the window, dues runs, both,
 * excused, transferring, lost contact. On SQLite, and again on PostgreSQL when
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
#include "domain/lapse.h"
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NBR 4 /* branches under the town: more than LIST_MAX */
#define PER 9 /* members per branch */
#define LIST_MAX 2

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, br[NBR], mem[NBR][PER];
};

static struct fixture fx;

static void exec_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void exec_sql(const char *fmt, ...)
{
	char sql[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	err_clear(&fx.ctx.err);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static int ym_next(int ym)
{
	return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1;
}

/* meetings recorded in months from..to (year*100+month), n a month, none attended; ok_ym the last with life */
static void no_life(int64_t member, int from_ym, int to_ym, int n, int ok_ym)
{
	int ym;
	for (ym = from_ym; ym <= to_ym; ym = ym_next(ym))
		exec_sql("INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks) "
			 "VALUES (%" PRId64 ", %d, %d, %d, 0, 0, 0)",
			 member, ym / 100, ym % 100, n);
	if (ok_ym)
		exec_sql("INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks) "
			 "VALUES (%" PRId64 ", %d, %d, 1, 1, 0, 0)",
			 member, ok_ym / 100, ok_ym % 100);
	life_keep_member_life(member, ok_ym);
}

static void paid_to(int64_t member, const char *month)
{
	exec_sql("UPDATE members SET dues_paid_to = '%s' WHERE id = %" PRId64, month, member);
}

static void excuse(int64_t member)
{
	exec_sql("INSERT INTO lapse_excuses (member_id, reason, until_month, recorded_by, recorded_name, created_at) "
		 "VALUES (%" PRId64 ", '外出务工', '2026-06', NULL, 'sec', '2026-03-01T08:00:00Z')",
		 member);
}

/* member k of branch i: one way into (or out of) the lists each, months varying with i */
static void shape(int i, int k, int64_t m)
{
	static const int oks[] = { 202508, 202507, 202506, 202505 };
	static const char *const paid[] = { "2025-08", "2025-07", "2025-05", "2025-03" };
	switch (k) {
	case 0: /* 6..9 months without life */
		no_life(m, ym_next(oks[i]), 202603, 1 + i, oks[i]);
		break;
	case 1: /* 6..9 months without dues */
		paid_to(m, paid[(i + 1) % NBR]);
		break;
	case 2: /* both */
		no_life(m, ym_next(oks[(i + 2) % NBR]), 202603, 2, oks[(i + 2) % NBR]);
		paid_to(m, paid[i]);
		break;
	case 3: /* never attended: counted from the first month recorded, or from joining */
		no_life(m, i % 2 ? 202504 : 202507, 202603, 1, 0);
		if (i == 2)
			exec_sql("UPDATE members SET join_date = '2025-06-15' WHERE id = %" PRId64, m);
		/* never paid: a large subtree reads these apart from those paid before the cut (048) */
		if (i == 1)
			exec_sql("UPDATE members SET dues_paid_to = NULL WHERE id = %" PRId64, m);
		break;
	case 4: /* lost contact 6 months and more; the odd branches' also without life */
		exec_sql("UPDATE members SET lost_contact = 1, lost_since = '2025-0%d-01' WHERE id = %" PRId64, 3 + i, m);
		if (i % 2)
			no_life(m, 202501, 202603, 1, 0);
		break;
	case 5: /* meetings only before the window (not flagged), or joined within it */
		if (i % 2)
			no_life(m, 202501, 202508, 1, 0);
		else {
			no_life(m, 202509, 202603, 1, 0);
			exec_sql("UPDATE members SET join_date = '2025-12-01' WHERE id = %" PRId64, m);
		}
		break;
	case 6: /* excused: without life and dues; in two branches */
		if (i < 2) {
			no_life(m, 202508, 202603, 3, 202507);
			paid_to(m, "2025-01");
			excuse(m);
		}
		break;
	case 7: /* being transferred: a warning, not at risk */
		no_life(m, 202509, 202603, 1, 202508);
		exec_sql("UPDATE members SET state = 'transferring' WHERE id = %" PRId64, m);
		break;
	default: /* attended this month; in one branch lost contact too recently to count */
		no_life(m, 202510, 202602, 1, 202603);
		if (i == 3)
			exec_sql("UPDATE members SET lost_contact = 1, lost_since = '2026-01-01' WHERE id = %" PRId64, m);
		break;
	}
}

static int populate(int pg)
{
	char name[64];
	int i, k;
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "分页组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "分页镇党委", 0);
	for (i = 0; i < NBR; i++) {
		xsnprintf(name, sizeof(name), "分页第%d党支部", i + 1);
		fx.br[i] = life_make_org(fx.town, "branch", name, 3);
		for (k = 0; k < PER; k++)
			fx.mem[i][k] = life_make_member(fx.br[i]);
	}
	exec_sql("UPDATE members SET dues_from = '2020-01', dues_paid_to = '2026-02'");
	exec_sql("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) "
		 "SELECT id, '2020-01', 'farmer', 0, 100, '2020-01-01T00:00:00Z' FROM members");
	for (i = 0; i < NBR; i++)
		for (k = 0; k < PER; k++)
			shape(i, k, fx.mem[i][k]);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "lapsepg", populate, 2 };

static void as_town_secretary(void)
{
	struct org o;
	ctx_as_system(&fx.ctx);
	fx.ctx.cfg = NULL;
	err_clear(&fx.ctx.err);
	assert_int_equal(org_get(&fx.ctx, fx.town, &o), 0);
	fx.ctx.actor.user_id = 0;
	fx.ctx.actor.role = ROLE_SECRETARY;
	fx.ctx.actor.org_id = fx.town;
	strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
	fx.ctx.actor.member_id = 0;
}

static int64_t ival(json_t *j, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(j, k));
}

static void expect_equal(json_t *a, json_t *b, const char *what, int page)
{
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
		fprintf(stderr, "%s, page %d:\n  paged: %s\n  whole: %s\n", what, page, x, y);
		free(x);
		free(y);
		fail();
	}
}

/* a[from, from + n) of the whole array, clipped */
static json_t *slice(json_t *a, size_t from, size_t n)
{
	json_t *s = json_array();
	size_t i;
	for (i = from; i < from + n && i < json_array_size(a); i++)
		json_array_append(s, json_array_get(a, i));
	return s;
}

static json_t *branch_of(json_t *branches, int64_t org)
{
	size_t i;
	json_t *b;
	json_array_foreach(branches, i, b)
		if (ival(b, "org_id") == org)
			return b;
	return NULL;
}

/* every printed row's branch is listed with its whole counts, and no other */
static void check_branches(json_t *page, json_t *whole, int p)
{
	json_t *br = json_object_get(page, "branches"), *b, *x;
	const char *const lists[] = { "items", "excused" };
	size_t i, l, listed = 0;
	json_array_foreach(br, i, b)
		expect_equal(b, branch_of(json_object_get(whole, "branches"), ival(b, "org_id")), "branch", p);
	for (l = 0; l < 2; l++)
		json_array_foreach(json_object_get(page, lists[l]), i, x)
			assert_non_null(branch_of(br, ival(x, "org_id")));
	for (i = 0; i < NBR; i++) {
		int printed = 0;
		for (l = 0; l < 2; l++) {
			size_t k;
			json_array_foreach(json_object_get(page, lists[l]), k, x)
				printed |= ival(x, "org_id") == fx.br[i];
		}
		listed += printed;
	}
	assert_int_equal(json_array_size(br), listed);
}

static void check_lapse_pages(int per_page)
{
	struct compliance_opts all = { .list_max = 1000 }, o = { .list_max = LIST_MAX, .per_page = per_page };
	json_t *whole = NULL, *page, *b, *counts;
	int64_t sums[5] = { 0 };
	size_t i, n_items, n_exc;
	int p;

	assert_int_equal(lapse_warnings_opts(&fx.ctx, 0, &all, &whole), 0);
	assert_null(json_object_get(whole, "page"));
	n_items = json_array_size(json_object_get(whole, "items"));
	n_exc = json_array_size(json_object_get(whole, "excused"));
	/* the scenario crosses the pages: a dozen warnings, two excused, all four branches */
	assert_true(n_items >= 12);
	assert_int_equal(n_exc, 2);
	assert_int_equal(json_array_size(json_object_get(whole, "branches")), NBR);
	json_array_foreach(json_object_get(whole, "branches"), i, b) {
		sums[0] += ival(b, "warnings");
		sums[1] += ival(b, "no_life");
		sums[2] += ival(b, "no_dues");
		sums[3] += ival(b, "both");
		sums[4] += ival(b, "excused");
	}
	for (p = 1; (size_t)(p - 1) * (size_t)per_page < n_items + (size_t)per_page; p++) {
		json_t *s;
		o.page = p;
		err_clear(&fx.ctx.err);
		assert_int_equal(lapse_warnings_opts(&fx.ctx, 0, &o, &page), 0);
		assert_int_equal(ival(page, "page"), p);
		assert_int_equal(ival(page, "per_page"), per_page);
		assert_int_equal(ival(page, "total"), (int64_t)n_items);
		assert_int_equal(ival(page, "excused_total"), (int64_t)n_exc);
		assert_int_equal(ival(page, "branches_total"), NBR);
		counts = json_object_get(page, "counts");
		assert_int_equal(ival(counts, "warnings"), sums[0]);
		assert_int_equal(ival(counts, "no_life"), sums[1]);
		assert_int_equal(ival(counts, "no_dues"), sums[2]);
		assert_int_equal(ival(counts, "both"), sums[3]);
		assert_int_equal(ival(counts, "excused"), sums[4]);
		s = slice(json_object_get(whole, "items"), (size_t)(p - 1) * (size_t)per_page, (size_t)per_page);
		expect_equal(json_object_get(page, "items"), s, "lapse items", p);
		json_decref(s);
		s = slice(json_object_get(whole, "excused"), (size_t)(p - 1) * (size_t)per_page, (size_t)per_page);
		expect_equal(json_object_get(page, "excused"), s, "lapse excused", p);
		json_decref(s);
		expect_equal(json_object_get(page, "org"), json_object_get(whole, "org"), "lapse org", p);
		check_branches(page, whole, p);
		json_decref(page);
	}
	json_decref(whole);
}

static void check_at_risk_pages(int per_page)
{
	struct compliance_opts all = { .list_max = 1000 }, o = { .list_max = LIST_MAX, .per_page = per_page };
	json_t *whole = NULL, *page, *x;
	int64_t no_life = 0, lost = 0;
	size_t i, n;
	int p;

	assert_int_equal(compliance_at_risk_opts(&fx.ctx, 0, &all, &whole), 0);
	assert_null(json_object_get(whole, "page"));
	n = json_array_size(json_object_get(whole, "items"));
	json_array_foreach(json_object_get(whole, "items"), i, x) {
		no_life += !strcmp(json_string_value(json_object_get(x, "flag")), "no_life");
		lost += !strcmp(json_string_value(json_object_get(x, "flag")), "lost_contact");
	}
	assert_true(no_life >= 10);
	assert_int_equal(lost, NBR);
	for (p = 1; (size_t)(p - 1) * (size_t)per_page < n + (size_t)per_page; p++) {
		json_t *s;
		o.page = p;
		err_clear(&fx.ctx.err);
		assert_int_equal(compliance_at_risk_opts(&fx.ctx, 0, &o, &page), 0);
		assert_int_equal(ival(page, "page"), p);
		assert_int_equal(ival(page, "total"), (int64_t)n);
		assert_int_equal(ival(json_object_get(page, "counts"), "no_life"), no_life);
		assert_int_equal(ival(json_object_get(page, "counts"), "lost_contact"), lost);
		expect_equal(json_object_get(page, "window"), json_object_get(whole, "window"), "window", p);
		expect_equal(json_object_get(page, "lost_before"), json_object_get(whole, "lost_before"), "lost_before", p);
		s = slice(json_object_get(whole, "items"), (size_t)(p - 1) * (size_t)per_page, (size_t)per_page);
		expect_equal(json_object_get(page, "items"), s, "at-risk items", p);
		json_decref(s);
		json_decref(page);
	}
	json_decref(whole);
}

static void test_pages_equal_whole(void **state)
{
	static const int sizes[] = { 1, 3, 5, 50 };
	size_t i;
	(void)state;
	as_town_secretary();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		check_lapse_pages(sizes[i]);
		check_at_risk_pages(sizes[i]);
	}
}

/* a subtree of at most list_max branches answers as before: every item, no page */
static void test_small_whole(void **state)
{
	struct compliance_opts o = { .list_max = NBR, .per_page = 1 };
	json_t *a = NULL, *b = NULL;
	(void)state;
	as_town_secretary();
	assert_int_equal(lapse_warnings_opts(&fx.ctx, 0, &o, &a), 0);
	assert_int_equal(lapse_warnings(&fx.ctx, 0, &b), 0);
	assert_null(json_object_get(a, "page"));
	expect_equal(a, b, "small lapse", 0);
	json_decref(a);
	json_decref(b);
	assert_int_equal(compliance_at_risk_opts(&fx.ctx, 0, &o, &a), 0);
	assert_int_equal(compliance_at_risk(&fx.ctx, 0, &b), 0);
	assert_null(json_object_get(a, "page"));
	expect_equal(a, b, "small at-risk", 0);
	json_decref(a);
	json_decref(b);
}

#define LAPSE_PAGE_TESTS                                      \
	{                                                     \
		cmocka_unit_test(test_pages_equal_whole),     \
		cmocka_unit_test(test_small_whole),           \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = LAPSE_PAGE_TESTS;
	const struct CMUnitTest pg_tests[] = LAPSE_PAGE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1984;
	life_member_name = "分页党员";
	failed = cmocka_run_group_tests_name("lapse_pages/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("lapse_pages/postgres", pg_tests, life_suite_setup_pg,
						      life_suite_teardown);
	else
		printf("lapse_pages/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
