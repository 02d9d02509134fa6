/*
 * 党费收缴表 and 上缴汇总 in the domain layer, with bases, reductions, payments and
 * months written directly in SQL (so the test does not lean on the payment code): the
 * due of each status (paid, exempt by an approved reduction to 0, reduced, no_base,
 * not_due, a later base winning, a pending reduction ignored), totals, one-off payments
 * kept apart, rows grouped by branch, members who left excluded, arrears months as
 * dues_arrears counts them, the remittance of a year and of a month equal to the sum of
 * the monthly sheets, scope, and transfers (the branch that held the member on the
 * month's last day has the month; the money stays where it was collected). Runs on SQLite and again on PostgreSQL when
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
#include "domain/dues.h"
#include "domain/dues_sheet.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NA 6

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b;
	char path_a[PATH_MAX_LEN], path_b[PATH_MAX_LEN];
	int64_t ma[NA], mb[2];
};

static struct fixture fx;

/* runs sql with parameters given by fmt: 'i' int64_t, 's' text ("" binds NULL); returns the
 * first column of the first row when there is one (RETURNING id), else 0 */
static int64_t sql(const char *q, const char *fmt, ...)
{
	struct stmt *st;
	va_list ap;
	int64_t out = 0;
	int k, step;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, q, &fx.ctx.err);
	if (!st)
		life_fail_ctx(q, &fx.ctx);
	va_start(ap, fmt);
	for (k = 0; fmt[k]; k++) {
		if (fmt[k] == 'i') {
			stmt_bind_int(st, k + 1, va_arg(ap, int64_t));
		} else {
			const char *s = va_arg(ap, const char *);
			if (s && *s)
				stmt_bind_text(st, k + 1, s);
			else
				stmt_bind_null(st, k + 1);
		}
	}
	va_end(ap);
	step = stmt_step(st, &fx.ctx.err);
	if (step == STEP_ROW)
		out = stmt_int(st, 0);
	while (step == STEP_ROW)
		step = stmt_step(st, &fx.ctx.err);
	stmt_reset(st);
	if (step != STEP_DONE)
		life_fail_ctx(q, &fx.ctx);
	return out;
}

static void base(int64_t member, const char *from, const char *kind, int64_t base_fen, int64_t monthly)
{
	sql("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) VALUES (?, ?, ?, ?, ?, "
	    "'2025-01-01T00:00:00Z')",
	    "issii", member, from, kind, base_fen, monthly);
}

static void reduction(int64_t member, int64_t org, const char *from, const char *to, int64_t monthly, const char *status)
{
	sql("INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, branch_studied_on, "
	    "status, created_at) VALUES (?, ?, ?, ?, ?, '家庭困难', '2025-12-20', ?, '2025-12-21T00:00:00Z')",
	    "iissis", member, org, from, to, monthly, status);
}

/* a regular payment of months first..last (same year) at monthly fen each */
static int64_t pay(int64_t member, int64_t org, const char *path, int y, int m1, int m2, int64_t monthly, const char *paid_on,
		   const char *receipt)
{
	int64_t id = sql("INSERT INTO dues_payments (member_id, org_id, org_path, kind, first_month, last_month, amount_fen, "
			 "paid_on, method, receipt_no, created_at) VALUES (?, ?, ?, 'regular', ?, ?, ?, ?, 'cash', ?, "
			 "'2026-01-01T00:00:00Z') RETURNING id",
			 "iissiiss", member, org, path, "", "", (int64_t)(m2 - m1 + 1) * monthly, paid_on, receipt);
	int m;
	char month[8];
	for (m = m1; m <= m2; m++) {
		xsnprintf(month, sizeof(month), "%04d-%02d", y, m);
		sql("INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id) VALUES (?, ?, ?, ?, ?, ?)",
		    "issiii", member, month, path, monthly, monthly, id);
	}
	return id;
}

static void exempt_month(int64_t member, const char *path, const char *month)
{
	sql("INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id) VALUES (?, ?, ?, 0, 0, NULL)",
	    "iss", member, month, path);
}

static void one_off(int64_t member, int64_t org, const char *path, int64_t fen, const char *paid_on)
{
	sql("INSERT INTO dues_payments (member_id, org_id, org_path, kind, amount_fen, paid_on, method, created_at) "
	    "VALUES (?, ?, ?, 'one_off', ?, ?, 'bank', '2026-01-01T00:00:00Z')",
	    "iisis", member, org, path, fen, paid_on);
}

static int populate(int pg)
{
	struct org o;
	int64_t gone;
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("党费", &fx.top, &fx.town, &fx.a, &fx.b);
	if (org_get(&fx.ctx, fx.a, &o))
		return -1;
	strlcpy_z(fx.path_a, o.path, sizeof(fx.path_a));
	if (org_get(&fx.ctx, fx.b, &o))
		return -1;
	strlcpy_z(fx.path_b, o.path, sizeof(fx.path_b));
	life_make_members(fx.a, fx.ma, NA);
	life_make_members(fx.b, fx.mb, 2);
	sql("UPDATE members SET dues_from = '2025-01'", "");
	sql("UPDATE members SET dues_from = '2026-05' WHERE id = ?", "i", fx.ma[3]);
	/* ma[5] left the branch: never on a sheet, whatever it paid */
	gone = fx.ma[5];
	sql("UPDATE members SET state = 'transferred_out' WHERE id = ?", "i", gone);
	base(gone, "2025-01", "employed", 300000, 1500);
	pay(gone, fx.a, fx.path_a, 2026, 1, 3, 1500, "2026-01-05", "X1");

	base(fx.ma[0], "2025-01", "employed", 300000, 1500);          /* paid Jan..Mar */
	pay(fx.ma[0], fx.a, fx.path_a, 2026, 1, 3, 1500, "2026-01-08", "A-001");
	base(fx.ma[1], "2025-01", "retired", 200000, 1000);           /* exempt all 2026 (no rows written) */
	reduction(fx.ma[1], fx.a, "2026-01", "2026-12", 0, "approved");
	/* ma[2]: no base (未核定); ma[3]: starts in May */
	base(fx.ma[3], "2026-05", "employed", 400000, 4000);
	base(fx.ma[4], "2025-06", "employed", 200000, 1000);          /* a later base wins */
	base(fx.ma[4], "2026-02", "employed", 400000, 4000);
	reduction(fx.ma[4], fx.a, "2026-03", "2026-03", 100, "pending"); /* not approved: ignored */

	base(fx.mb[0], "2025-01", "farmer", 0, 100);                   /* paid Feb only */
	pay(fx.mb[0], fx.b, fx.path_b, 2026, 2, 2, 100, "2026-02-02", "");
	base(fx.mb[1], "2025-12", "farmer", 0, 300);                   /* reduced to 50 in March */
	reduction(fx.mb[1], fx.b, "2026-03", "2026-03", 50, "approved");
	reduction(fx.mb[1], fx.b, "2025-11", "2025-12", 0, "approved"); /* exempted, with rows, one before the base */
	exempt_month(fx.mb[1], fx.path_b, "2025-11");
	exempt_month(fx.mb[1], fx.path_b, "2025-12");

	one_off(fx.mb[0], fx.b, fx.path_b, 100000, "2026-03-05");
	one_off(fx.mb[0], fx.b, fx.path_b, 120000, "2026-02-27");
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "dues-sheet", populate, 2 };

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static int month(const char *s)
{
	int ym = dues_ym_parse(s);
	assert_true(ym >= 0);
	return ym;
}

static void load(int64_t org, const char *m, struct dues_sheet *s)
{
	err_clear(&fx.ctx.err);
	if (dues_sheet_load(&fx.ctx, org, month(m), s))
		life_fail_ctx("dues_sheet_load", &fx.ctx);
}

static const struct dues_sheet_row *row_of(const struct dues_sheet *s, int64_t member)
{
	size_t k;
	for (k = 0; k < s->nrows; k++)
		if (s->rows[k].member_id == member)
			return &s->rows[k];
	return NULL;
}

static void test_due_per_status_and_totals(void **state)
{
	struct dues_sheet s;
	const struct dues_sheet_row *r;
	(void)state;
	as_system();
	load(fx.town, "2026-03", &s);
	assert_int_equal(s.org_id, fx.town);
	assert_int_equal(s.nrows, 7);
	assert_null(row_of(&s, fx.ma[5]));

	r = row_of(&s, fx.ma[0]);
	assert_int_equal(r->status, DRS_PAID);
	assert_int_equal(r->due_fen, 1500);
	assert_int_equal(r->paid_fen, 1500);
	assert_int_equal(r->kind, DUES_EMPLOYED);
	assert_int_equal(r->base_fen, 300000);
	assert_string_equal(r->paid_on, "2026-01-08");
	assert_string_equal(r->method, "cash");
	assert_string_equal(r->receipt_no, "A-001");

	r = row_of(&s, fx.ma[1]);
	assert_int_equal(r->status, DRS_EXEMPT);
	assert_int_equal(r->due_fen, 0);
	assert_true(r->reduced);

	r = row_of(&s, fx.ma[2]);
	assert_int_equal(r->status, DRS_NO_BASE);
	assert_int_equal(r->kind, -1);

	r = row_of(&s, fx.ma[3]);
	assert_int_equal(r->status, DRS_NOT_DUE);
	assert_int_equal(r->due_fen, 0);

	r = row_of(&s, fx.ma[4]);
	assert_int_equal(r->status, DRS_UNPAID);
	assert_int_equal(r->due_fen, 4000);          /* the February base, not the pending reduction */
	assert_int_equal(r->base_fen, 400000);
	assert_false(r->reduced);

	r = row_of(&s, fx.mb[0]);
	assert_int_equal(r->status, DRS_UNPAID);
	assert_int_equal(r->due_fen, 100);
	assert_int_equal(r->paid_fen, 0);

	r = row_of(&s, fx.mb[1]);
	assert_int_equal(r->status, DRS_UNPAID);
	assert_int_equal(r->due_fen, 50);
	assert_true(r->reduced);

	assert_int_equal(s.totals.members, 7);
	assert_int_equal(s.totals.due_fen, 1500 + 4000 + 100 + 50);
	assert_int_equal(s.totals.paid_fen, 1500);
	assert_int_equal(s.totals.unpaid_members, 3);
	assert_int_equal(s.totals.no_base_members, 1);
	/* the one-off of March apart, not in any row's paid_fen; February's not at all */
	assert_int_equal(s.totals.one_off_fen, 100000);
	assert_int_equal(s.none_offs, 1);
	assert_int_equal(s.one_offs[0].member_id, fx.mb[0]);
	dues_sheet_release(&s);

	/* a month later than the current one: what is due is "future", not "unpaid" */
	load(fx.a, "2026-05", &s);
	assert_int_equal(row_of(&s, fx.ma[3])->status, DRS_FUTURE);
	assert_int_equal(row_of(&s, fx.ma[3])->due_fen, 4000);
	assert_int_equal(row_of(&s, fx.ma[4])->status, DRS_FUTURE);
	assert_int_equal(s.totals.one_off_fen, 0);
	dues_sheet_release(&s);

	/* the exempted months with rows: exempt; and January for ma[4]: the first base */
	load(fx.town, "2025-11", &s);
	assert_int_equal(row_of(&s, fx.mb[1])->status, DRS_EXEMPT);
	assert_int_equal(row_of(&s, fx.ma[4])->due_fen, 1000);
	assert_int_equal(row_of(&s, fx.ma[1])->status, DRS_UNPAID);
	assert_int_equal(row_of(&s, fx.ma[1])->due_fen, 1000);
	dues_sheet_release(&s);
}

static void test_grouped_by_branch_and_json(void **state)
{
	struct dues_sheet s;
	struct strbuf sb = STRBUF_INIT;
	json_t *j;
	json_error_t je;
	size_t k;
	(void)state;
	as_system();
	load(fx.town, "2026-03", &s);
	assert_int_equal(s.nbranches, 2);
	for (k = 0; k < s.nbranches; k++) {
		const struct dues_sheet_branch *br = &s.branches[k];
		size_t i;
		for (i = br->first; i < br->first + br->count; i++)
			assert_int_equal(s.rows[i].org_id, br->org_id);
		if (br->org_id == fx.a) {
			assert_int_equal(br->count, 5);
			assert_int_equal(br->due_fen, 5500);
			assert_int_equal(br->paid_fen, 1500);
			assert_int_equal(br->unpaid_members, 1);
			assert_int_equal(br->one_off_fen, 0);
		} else {
			assert_int_equal(br->org_id, fx.b);
			assert_int_equal(br->count, 2);
			assert_int_equal(br->one_off_fen, 100000);
		}
	}
	assert_int_equal(s.branches[0].first + s.branches[0].count, s.branches[1].first);
	dues_sheet_json(&s, &sb);
	j = json_loads(sb.buf, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "month")), "2026-03");
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "totals"), "due_fen")), 5650);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "totals"), "one_off_fen")), 100000);
	json_decref(j);
	strbuf_release(&sb);
	dues_sheet_release(&s);
}

static void test_arrears_months_as_dues_arrears(void **state)
{
	struct dues_sheet s;
	json_t *out = NULL, *it;
	size_t k;
	(void)state;
	as_system();
	load(fx.town, "2026-03", &s);
	/* 2025-01 .. 2026-02 is 14 months */
	assert_int_equal(row_of(&s, fx.ma[0])->arrears_months, 12);   /* Jan, Feb 2026 paid */
	assert_int_equal(row_of(&s, fx.ma[1])->arrears_months, 12);   /* Jan, Feb 2026 exempt without rows */
	assert_int_equal(row_of(&s, fx.ma[2])->arrears_months, 0);    /* no base: nothing owed */
	assert_int_equal(row_of(&s, fx.ma[3])->arrears_months, 0);
	assert_int_equal(row_of(&s, fx.ma[4])->arrears_months, 9);    /* from its first base, 2025-06 */
	assert_int_equal(row_of(&s, fx.mb[0])->arrears_months, 13);
	/* owed from its first base (2025-12): Dec exempted with a row, Jan and Feb not paid; the
	 * exempted November before the base is not "paid" either */
	assert_int_equal(row_of(&s, fx.mb[1])->arrears_months, 2);
	/* the same months as the arrears list counts them */
	assert_int_equal(dues_arrears(&fx.ctx, fx.town, 1, 1, 200, &out), 0);
	json_array_foreach(json_object_get(out, "items"), k, it) {
		const struct dues_sheet_row *r = row_of(&s, json_integer_value(json_object_get(it, "member_id")));
		assert_non_null(r);
		assert_int_equal(r->arrears_months, json_integer_value(json_object_get(it, "months")));
	}
	json_decref(out);
	dues_sheet_release(&s);
}

/* the year's remittance per branch equals the sum of that branch's twelve monthly sheets */
static void test_remittance_sums_the_sheets(void **state)
{
	struct dues_remittance r;
	int64_t due[2] = { 0 }, paid[2] = { 0 }, off[2] = { 0 }, arrears[2] = { 0 };
	int64_t ids[2];
	int m, k, current;
	size_t i;
	(void)state;
	as_system();
	ids[0] = fx.a;
	ids[1] = fx.b;
	current = dues_ym_of(fx.ctx.today);
	for (m = 2026 * 12; m < 2026 * 12 + 12; m++) {
		struct dues_sheet s;
		assert_int_equal(dues_sheet_load(&fx.ctx, fx.town, m, &s), 0);
		for (i = 0; i < s.nbranches; i++) {
			size_t j;
			k = s.branches[i].org_id == fx.a ? 0 : 1;
			due[k] += s.branches[i].due_fen;
			paid[k] += s.branches[i].paid_fen;
			off[k] += s.branches[i].one_off_fen;
			for (j = s.branches[i].first; j < s.branches[i].first + s.branches[i].count; j++)
				if (m < current && s.rows[j].status == DRS_UNPAID)
					arrears[k] += s.rows[j].due_fen;
		}
		dues_sheet_release(&s);
	}
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.town, 2026, -1, &r), 0);
	assert_int_equal(r.nrows, 2);                 /* the town has no direct members */
	for (i = 0; i < r.nrows; i++) {
		k = r.rows[i].org_id == ids[0] ? 0 : 1;
		assert_int_equal(r.rows[i].org_id, ids[k]);
		assert_int_equal(r.rows[i].due_fen, due[k]);
		assert_int_equal(r.rows[i].collected_fen, paid[k]);
		assert_int_equal(r.rows[i].one_off_fen, off[k]);
		assert_int_equal(r.rows[i].arrears_fen, arrears[k]);
	}
	/* and the figures themselves */
	k = r.rows[0].org_id == fx.a ? 0 : 1;
	assert_int_equal(r.rows[k].members, 5);
	assert_int_equal(r.rows[k].collected_fen, 4500);
	assert_int_equal(r.rows[1 - k].collected_fen, 100);
	assert_int_equal(r.rows[1 - k].one_off_fen, 220000);
	/* arrears: A: ma[4] Jan (1000) and Feb (4000); B: mb[0] Jan 100, mb[1] Jan, Feb 300 each */
	assert_int_equal(r.rows[k].arrears_fen, 5000);
	assert_int_equal(r.rows[1 - k].arrears_fen, 700);
	assert_int_equal(r.totals.collected_fen, 4600);
	assert_int_equal(r.totals.members, 7);
	dues_remittance_release(&r);

	/* one month: the sheet's branch totals */
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.town, 2026, month("2026-03"), &r), 0);
	assert_int_equal(r.totals.due_fen, 5650);
	assert_int_equal(r.totals.collected_fen, 1500);
	assert_int_equal(r.totals.one_off_fen, 100000);
	assert_int_equal(r.totals.arrears_fen, 0);    /* March is the current month */
	dues_remittance_release(&r);

	/* one level up: the town as the only row, the same totals */
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.top, 2026, -1, &r), 0);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(r.rows[0].org_id, fx.town);
	assert_int_equal(r.rows[0].collected_fen, 4600);
	assert_int_equal(r.rows[0].one_off_fen, 220000);
	dues_remittance_release(&r);

	/* a branch's own members are its "self" row */
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.b, 2026, -1, &r), 0);
	assert_int_equal(r.nrows, 1);
	assert_true(r.rows[0].self);
	assert_int_equal(r.rows[0].members, 2);
	dues_remittance_release(&r);
}

/* a 党小组 as the org: its members only (their org_path is the branch's) */
static void test_group(void **state)
{
	struct dues_sheet s;
	struct dues_remittance r;
	int64_t g;
	(void)state;
	as_system();
	g = life_make_org(fx.a, "group", "党费东村第一党小组", 0);
	sql("UPDATE members SET group_id = ? WHERE id = ? OR id = ?", "iii", g, fx.ma[0], fx.ma[4]);
	load(g, "2026-03", &s);
	assert_int_equal(s.org_id, g);
	assert_int_equal(s.nrows, 2);
	assert_non_null(row_of(&s, fx.ma[0]));
	assert_non_null(row_of(&s, fx.ma[4]));
	assert_int_equal(s.totals.due_fen, 5500);
	assert_int_equal(s.totals.paid_fen, 1500);
	dues_sheet_release(&s);
	assert_int_equal(dues_remittance_load(&fx.ctx, g, 2026, -1, &r), 0);
	assert_int_equal(r.nrows, 1);
	assert_true(r.rows[0].self);
	assert_int_equal(r.rows[0].members, 2);
	assert_int_equal(r.rows[0].collected_fen, 4500);
	dues_remittance_release(&r);
	/* the branch still has all five */
	load(fx.a, "2026-03", &s);
	assert_int_equal(s.nrows, 5);
	dues_sheet_release(&s);
	sql("UPDATE members SET group_id = NULL WHERE id = ? OR id = ?", "ii", fx.ma[0], fx.ma[4]);
}

static void test_scope(void **state)
{
	struct dues_sheet s;
	struct dues_remittance r;
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(dues_sheet_load(&fx.ctx, 0, month("2026-03"), &s), 0);
	assert_int_equal(s.org_id, fx.a);
	assert_int_equal(s.nrows, 5);
	assert_int_equal(s.totals.one_off_fen, 0);
	dues_sheet_release(&s);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_sheet_load(&fx.ctx, fx.b, month("2026-03"), &s), E_NOTFOUND);
	assert_int_equal(dues_sheet_load(&fx.ctx, fx.town, month("2026-03"), &s), E_NOTFOUND);
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.town, 2026, -1, &r), E_NOTFOUND);
	life_act_as(ROLE_MEMBER, fx.a, fx.ma[0]);
	assert_int_equal(dues_sheet_load(&fx.ctx, fx.a, month("2026-03"), &s), E_FORBIDDEN);
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.a, 2026, -1, &r), E_FORBIDDEN);
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(dues_sheet_load(&fx.ctx, fx.b, month("2026-03"), &s), 0);
	assert_int_equal(s.nrows, 2);
	dues_sheet_release(&s);
	as_system();
}

#define DUES_SHEET_TESTS                                               \
	{                                                              \
		cmocka_unit_test(test_due_per_status_and_totals),      \
		cmocka_unit_test(test_grouped_by_branch_and_json),     \
		cmocka_unit_test(test_arrears_months_as_dues_arrears), \
		cmocka_unit_test(test_remittance_sums_the_sheets),     \
		cmocka_unit_test(test_group),                          \
		cmocka_unit_test(test_scope),                          \
		cmocka_unit_test(test_transfers_follow_the_month),     \
	}

/*
 * Transfers (组织关系转接): a member is on the sheet of the branch that held them on the
 * last day of the month. mv pays Jan..Apr in C, moves to D (confirmed in May) and pays
 * May..Jun there; ext leaves the system (letter sent in March); pend's letter to D is not
 * confirmed (stays in C); away moves to E outside the committee (confirmed in April).
 * Each payment counts once, at the branch that collected it.
 */
static void transfer_row(int64_t member, int64_t from, int64_t to, const char *kind, const char *status, const char *issued,
			 const char *decided)
{
	char ser[32];
	xsnprintf(ser, sizeof(ser), "DS-T-%" PRId64, member);  /* one letter per member here */
	if (to)
		sql("INSERT INTO transfers (serial, member_id, from_org_id, to_org_id, kind, reason, issued_on, valid_until, "
		    "dues_paid_to, status, decided_on, created_at) VALUES (?, ?, ?, ?, ?, '工作调动', ?, '2026-12-31', '2026-04', ?, ?, "
		    "'2026-01-01T00:00:00Z')",
		    "siiissss", ser, member, from, to, kind, issued, status, decided);
	else  /* out of the system: no receiving org here */
		sql("INSERT INTO transfers (serial, member_id, from_org_id, to_org_name, kind, reason, issued_on, valid_until, "
		    "dues_paid_to, status, decided_on, created_at) VALUES (?, ?, ?, '外省某党支部', ?, '工作调动', ?, '2026-12-31', "
		    "'2026-04', ?, ?, '2026-01-01T00:00:00Z')",
		    "siissss", ser, member, from, kind, issued, status, decided);
}

static int on_sheet(int64_t org, int m, int64_t member, int64_t *org_of, int64_t *paid)
{
	struct dues_sheet s;
	const struct dues_sheet_row *r;
	int found;
	assert_int_equal(dues_sheet_load(&fx.ctx, org, m, &s), 0);
	r = row_of(&s, member);
	if ((found = r != NULL)) {
		*org_of = r->org_id;
		*paid = r->paid_fen;
	}
	dues_sheet_release(&s);
	return found;
}

static const struct dues_remit_row *remit_of(const struct dues_remittance *r, int64_t org)
{
	size_t k;
	for (k = 0; k < r->nrows; k++)
		if (r->rows[k].org_id == org)
			return &r->rows[k];
	return NULL;
}

static void test_transfers_follow_the_month(void **state)
{
	struct dues_remittance rc, rd, rt, rtop;
	struct org o;
	int64_t com, c, d, e, mv, ext, pend, away, org_of = 0, paid = 0;
	char pc[PATH_MAX_LEN], pd[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	const struct dues_remit_row *x;
	int m, y = 2026 * 12;
	(void)state;
	as_system();
	life_set_today(2026, 7, 10);
	com = life_make_org(fx.top, "committee", "转接镇党委", 0);
	c = life_make_org(com, "branch", "转接东支部", 3);
	d = life_make_org(com, "branch", "转接西支部", 3);
	e = life_make_org(fx.top, "branch", "转接外支部", 3);
	assert_int_equal(org_get(&fx.ctx, c, &o), 0);
	strlcpy_z(pc, o.path, sizeof(pc));
	assert_int_equal(org_get(&fx.ctx, d, &o), 0);
	strlcpy_z(pd, o.path, sizeof(pd));
	assert_int_equal(org_get(&fx.ctx, e, &o), 0);
	strlcpy_z(pe, o.path, sizeof(pe));
	mv = life_make_member(c);
	ext = life_make_member(c);
	pend = life_make_member(c);
	away = life_make_member(c);
	sql("UPDATE members SET dues_from = '2025-01' WHERE org_id = ?", "i", c);
	base(mv, "2025-01", "employed", 100000, 1000);
	base(ext, "2025-01", "employed", 100000, 1000);
	base(pend, "2025-01", "employed", 100000, 1000);
	base(away, "2025-01", "employed", 100000, 1000);
	pay(mv, c, pc, 2026, 1, 4, 1000, "2026-01-06", "C-1");
	pay(ext, c, pc, 2026, 1, 2, 1000, "2026-01-06", "C-2");
	pay(pend, c, pc, 2026, 1, 6, 1000, "2026-01-06", "C-3");
	pay(away, c, pc, 2026, 1, 3, 1000, "2026-01-06", "C-4");
	transfer_row(mv, c, d, "internal", "confirmed", "2026-04-25", "2026-05-08");
	sql("UPDATE members SET org_id = ?, org_path = ? WHERE id = ?", "isi", d, pd, mv);
	pay(mv, d, pd, 2026, 5, 6, 1000, "2026-05-20", "D-1");
	transfer_row(ext, c, 0, "external", "sent", "2026-03-12", "");
	sql("UPDATE members SET state = 'transferred_out' WHERE id = ?", "i", ext);
	transfer_row(pend, c, d, "internal", "pending", "2026-05-20", "");
	sql("UPDATE members SET state = 'transferring' WHERE id = ?", "i", pend);
	transfer_row(away, c, e, "internal", "confirmed", "2026-03-28", "2026-04-02");
	sql("UPDATE members SET org_id = ?, org_path = ? WHERE id = ?", "isi", e, pe, away);

	for (m = y; m < y + 12; m++) {
		/* mv: C up to April (paid there), D from May */
		assert_int_equal(on_sheet(c, m, mv, &org_of, &paid), m < y + 4);
		if (m < y + 4)
			assert_int_equal(paid, 1000);
		assert_int_equal(on_sheet(d, m, mv, &org_of, &paid), m >= y + 4);
		if (m >= y + 4 && m < y + 6)
			assert_int_equal(paid, 1000);
		assert_true(on_sheet(com, m, mv, &org_of, &paid));
		assert_int_equal(org_of, m < y + 4 ? c : d);
		/* ext: C in January and February only; pend: always C, never D */
		assert_int_equal(on_sheet(c, m, ext, &org_of, &paid), m < y + 2);
		assert_int_equal(on_sheet(com, m, ext, &org_of, &paid), m < y + 2);
		assert_true(on_sheet(c, m, pend, &org_of, &paid));
		assert_false(on_sheet(d, m, pend, &org_of, &paid));
		/* away: C up to March, then E (outside the committee) */
		assert_int_equal(on_sheet(c, m, away, &org_of, &paid), m < y + 3);
		assert_int_equal(on_sheet(com, m, away, &org_of, &paid), m < y + 3);
		assert_int_equal(on_sheet(e, m, away, &org_of, &paid), m >= y + 3);
	}

	assert_int_equal(dues_remittance_load(&fx.ctx, c, 2026, -1, &rc), 0);
	assert_int_equal(dues_remittance_load(&fx.ctx, d, 2026, -1, &rd), 0);
	assert_int_equal(dues_remittance_load(&fx.ctx, com, 2026, -1, &rt), 0);
	assert_int_equal(dues_remittance_load(&fx.ctx, fx.top, 2026, -1, &rtop), 0);
	/* collected where collected: C 4 + 2 + 6 + 3 months, D 2 */
	assert_int_equal(rc.totals.collected_fen, 15000);
	assert_int_equal(rd.totals.collected_fen, 2000);
	/* due by the month's branch: C mv 4 + ext 2 + pend 12 + away 3, D mv 8 */
	assert_int_equal(rc.totals.due_fen, 21000);
	assert_int_equal(rd.totals.due_fen, 8000);
	assert_int_equal(rc.totals.members, 4);
	assert_int_equal(rd.totals.members, 1);
	assert_non_null(x = remit_of(&rt, c));
	assert_int_equal(x->collected_fen, rc.totals.collected_fen);
	assert_int_equal(x->due_fen, rc.totals.due_fen);
	assert_int_equal(x->arrears_fen, rc.totals.arrears_fen);
	assert_non_null(x = remit_of(&rt, d));
	assert_int_equal(x->collected_fen, rd.totals.collected_fen);
	assert_int_equal(x->due_fen, rd.totals.due_fen);
	assert_int_equal(x->arrears_fen, rd.totals.arrears_fen);
	assert_int_equal(rt.totals.collected_fen, rc.totals.collected_fen + rd.totals.collected_fen);
	assert_int_equal(rt.totals.due_fen, rc.totals.due_fen + rd.totals.due_fen);
	assert_int_equal(rt.totals.arrears_fen, rc.totals.arrears_fen + rd.totals.arrears_fen);
	assert_non_null(x = remit_of(&rtop, com));
	assert_int_equal(x->collected_fen, 17000);
	assert_int_equal(x->due_fen, 29000);
	dues_remittance_release(&rc);
	dues_remittance_release(&rd);
	dues_remittance_release(&rt);
	dues_remittance_release(&rtop);
	life_set_today(2026, 3, 10);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = DUES_SHEET_TESTS;
	const struct CMUnitTest pg_tests[] = DUES_SHEET_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1979;
	life_member_name = "党费党员";
	failed = cmocka_run_group_tests_name("dues_sheet/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("dues_sheet/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("dues_sheet/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
