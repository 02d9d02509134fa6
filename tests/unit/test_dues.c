/*
 * 党费 in the domain layer (RULES.md §3) with an injected today (2026-03-10): every rate
 * band and its boundaries, the rounding modes with their half-up edges, the due-of-a-month
 * rule, the start month, the fixed yearly amount, back-payment and advance limits, months
 * already paid, the one-off minimum, batch payment, voiding (arrears and dues_paid_to after
 * it), hardship reductions (approval level, exempt months) and scope. Runs on SQLite and
 * again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/dues.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	int64_t top, town, a, b;
	int64_t ma[4], mb;
};

static struct fixture fx;

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static void set_dues_from(int64_t member, const char *month)
{
	char sql[160];
	xsnprintf(sql, sizeof(sql), "UPDATE members SET dues_from = '%s' WHERE id = %" PRId64, month, member);
	assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
}

static int populate(int pg)
{
	(void)pg;
	config_defaults(&fx.cfg);
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("党费", &fx.top, &fx.town, &fx.a, &fx.b);
	life_make_members(fx.a, fx.ma, 4);
	fx.mb = life_make_member(fx.b);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "dues", populate, 2 };

static void set_cfg(const char *assignment)
{
	struct err e = { 0 };
	assert_int_equal(config_set(&fx.cfg, assignment, &e), 0);
}

/* ---- helpers -------------------------------------------------------------------- */

static int base(int64_t member, const char *kind, int64_t base_fen, const char *from, char *from_out)
{
	json_t *body = json_pack("{s:s, s:I}", "kind", kind, "base_fen", (json_int_t)base_fen), *out = NULL;
	int rc;
	if (from)
		json_object_set_new(body, "from_month", json_string(from));
	err_clear(&fx.ctx.err);
	rc = dues_base_set(&fx.ctx, member, body, &out);
	if (!rc && from_out)
		strlcpy_z(from_out, json_string_value(json_object_get(out, "from_month")), 8);
	json_decref(out);
	json_decref(body);
	return rc;
}

/* a regular payment of first..last; amount < 0: not given. *id set when not NULL */
static int pay(int64_t member, const char *first, const char *last, int64_t amount, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)member, "kind", "regular",
				 "first_month", first, "paid_on", "2026-03-05", "method", "cash"),
	       *out = NULL;
	int rc;
	if (last)
		json_object_set_new(body, "last_month", json_string(last));
	if (amount >= 0)
		json_object_set_new(body, "amount_fen", json_integer(amount));
	err_clear(&fx.ctx.err);
	rc = dues_payment_create(&fx.ctx, body, &out);
	if (!rc && id)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	return rc;
}

static json_t *year_of(int64_t member, int year)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (dues_member_year(&fx.ctx, member, year, 0, &j))
		life_fail_ctx("member year", &fx.ctx);
	return j;
}

static const char *paid_to(int64_t member)
{
	static char buf[8];
	json_t *j = year_of(member, 2026);
	json_t *v = json_object_get(json_object_get(j, "member"), "dues_paid_to");
	strlcpy_z(buf, json_is_string(v) ? json_string_value(v) : "", sizeof(buf));
	json_decref(j);
	return buf;
}

static const char *month_status(json_t *year, int m)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(year, "months"), (size_t)m - 1), "status"));
}

static int64_t arrears_months(int64_t member)
{
	json_t *j = year_of(member, 2026);
	int64_t n = json_integer_value(json_object_get(json_object_get(j, "arrears"), "months"));
	json_decref(j);
	return n;
}

/* ---- pure rules ------------------------------------------------------------------- */

static void test_rate_bands(void **state)
{
	struct config c;
	int pm = -1;
	(void)state;
	config_defaults(&c);
	/* employed: one rate for the whole base (3000 → 15.00, 5000 → 50.00, 10000 → 150.00) */
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 300000, &pm), 1500);
	assert_int_equal(pm, 5);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 300001, &pm), 3000); /* 3000.01 → 3000 */
	assert_int_equal(pm, 10);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 500000, &pm), 5000);
	assert_int_equal(pm, 10);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 500001, &pm), 7500); /* 7500.015 → 7500 */
	assert_int_equal(pm, 15);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 1000000, &pm), 15000);
	assert_int_equal(pm, 15);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 1000001, &pm), 20000); /* 20000.02 → 20000 */
	assert_int_equal(pm, 20);
	/* retired: basic pension ≤ 5000 → 0.5%, above → 1% */
	assert_int_equal(dues_monthly_fen(&c, DUES_RETIRED, 500000, &pm), 2500);
	assert_int_equal(pm, 5);
	assert_int_equal(dues_monthly_fen(&c, DUES_RETIRED, 500001, &pm), 5000);
	assert_int_equal(pm, 10);
	/* farmers and the minimal amount are fixed (config), whatever the base */
	assert_int_equal(dues_monthly_fen(&c, DUES_FARMER, 999999, &pm), 100);
	assert_int_equal(pm, 0);
	assert_int_equal(dues_monthly_fen(&c, DUES_MINIMAL, 0, &pm), 20);
	{
		struct err e = { 0 };
		assert_int_equal(config_set(&c, "dues.farmer_fen=50", &e), 0);
		assert_int_equal(config_set(&c, "dues.minimal_fen=10", &e), 0);
		assert_int_not_equal(config_set(&c, "dues.farmer_fen=10", &e), 0); /* 0.2–1.00 yuan */
	}
	assert_int_equal(dues_monthly_fen(&c, DUES_FARMER, 0, NULL), 50);
	assert_int_equal(dues_monthly_fen(&c, DUES_MINIMAL, 0, NULL), 10);
	assert_int_equal(dues_monthly_fen(NULL, DUES_FARMER, 0, NULL), 100);
	assert_int_equal(dues_kind_parse("employed"), DUES_EMPLOYED);
	assert_int_equal(dues_kind_parse("student"), -1);
	assert_int_equal(dues_kind_for_person_type("student"), DUES_MINIMAL);
	assert_int_equal(dues_kind_for_person_type("other"), DUES_MINIMAL);
	assert_int_equal(dues_kind_for_person_type("retired"), DUES_RETIRED);
}

static void test_rounding(void **state)
{
	struct config c;
	struct err e = { 0 };
	(void)state;
	config_defaults(&c);
	/* to the fen, half up: 1.00 yuan × 0.5% = 0.5 fen → 1; 0.99 yuan → 0.495 fen → 0 */
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 100, NULL), 1);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 99, NULL), 0);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 250100, NULL), 1251); /* 1250.5 → 1251 */
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 250099, NULL), 1250); /* 1250.495 → 1250 */
	/* to the jiao: 5.0 fen → 1 jiao (half up), 4.5 fen → 0, 1250.5 → 1250 */
	assert_int_equal(config_set(&c, "dues.rounding=jiao", &e), 0);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 1000, NULL), 10);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 900, NULL), 0);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 250100, NULL), 1250);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 251000, NULL), 1260); /* 1255 → 1260 */
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 300000, NULL), 1500);
	/* to the yuan: 1.50 → 2, 1.495 → 1, 15.00 stays */
	assert_int_equal(config_set(&c, "dues.rounding=yuan", &e), 0);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 30000, NULL), 200);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 29900, NULL), 100);
	assert_int_equal(dues_monthly_fen(&c, DUES_EMPLOYED, 300000, NULL), 1500);
	assert_int_equal(dues_monthly_fen(&c, DUES_RETIRED, 450000, NULL), 2300); /* 22.50 → 23 */
	/* fixed amounts are not rounded away */
	assert_int_equal(dues_monthly_fen(&c, DUES_MINIMAL, 0, NULL), 20);
	assert_int_not_equal(config_set(&c, "dues.rounding=cent", &e), 0);
	assert_int_equal(dues_round_permille(333333, 15, 1), 5000);
	assert_int_equal(dues_round_permille(-5, 15, 1), 0);
}

static void test_due_rule(void **state)
{
	struct dues_base_row bases[2] = { { 1, 2026 * 12 + 0, DUES_EMPLOYED, 300000, 1500 },
					  { 2, 2027 * 12 + 0, DUES_EMPLOYED, 500000, 5000 } };
	struct dues_reduction_row red[2] = { { 2026 * 12 + 5, 2026 * 12 + 6, 0 }, { 2026 * 12 + 9, 2026 * 12 + 9, 500 } };
	struct dues_plan p = { 2025 * 12 + 11, 2, 2, bases, red };
	int64_t fen;
	(void)state;
	assert_int_equal(dues_ym_parse("2026-03"), 2026 * 12 + 2);
	assert_int_equal(dues_ym_parse("2026-13"), -1);
	assert_int_equal(dues_ym_parse("2026-3"), -1);
	assert_int_equal(dues_ym_parse(NULL), -1);
	{
		char buf[8];
		dues_ym_format(2026 * 12 + 11, buf);
		assert_string_equal(buf, "2026-12");
	}
	assert_int_equal(dues_due_of(&p, 2025 * 12 + 10, &fen), DUE_NOT_DUE); /* before dues_from */
	assert_int_equal(fen, 0);
	assert_int_equal(dues_due_of(&p, 2025 * 12 + 11, &fen), DUE_NO_BASE); /* from dues_from, no base yet */
	assert_int_equal(dues_due_of(&p, 2026 * 12 + 0, &fen), DUE_BASE);
	assert_int_equal(fen, 1500);
	assert_int_equal(dues_due_of(&p, 2026 * 12 + 5, &fen), DUE_EXEMPT);
	assert_int_equal(fen, 0);
	assert_int_equal(dues_due_of(&p, 2026 * 12 + 9, &fen), DUE_REDUCED);
	assert_int_equal(fen, 500);
	assert_int_equal(dues_due_of(&p, 2026 * 12 + 11, &fen), DUE_BASE);
	assert_int_equal(fen, 1500);
	assert_int_equal(dues_due_of(&p, 2027 * 12 + 3, &fen), DUE_BASE); /* the greatest from_month ≤ M */
	assert_int_equal(fen, 5000);
}

/* ---- bases: start month and the fixed yearly amount ---------------------------------- */

static void test_bases(void **state)
{
	char from[8];
	json_t *y;
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	/* a first base starts this month, or at dues_from when that is later */
	assert_int_equal(base(fx.ma[0], "employed", 400000, NULL, from), 0);
	assert_string_equal(from, "2026-03");
	set_dues_from(fx.ma[1], "2026-05");
	assert_int_equal(base(fx.ma[1], "retired", 300000, NULL, from), 0);
	assert_string_equal(from, "2026-05");
	/* fixed yearly: a changed base takes effect next January; a mid-year month is refused */
	assert_int_equal(base(fx.ma[0], "employed", 600000, NULL, from), 0);
	assert_string_equal(from, "2027-01");
	assert_int_equal(base(fx.ma[0], "employed", 600000, "2026-07", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.fixed_yearly");
	y = year_of(fx.ma[0], 2026);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(y, "current"), "monthly_fen")), 4000);
	assert_int_equal(json_array_size(json_object_get(y, "bases")), 2);
	assert_string_equal(month_status(y, 1), "no_base");
	assert_string_equal(month_status(y, 3), "unpaid");
	assert_string_equal(month_status(y, 4), "future");
	json_decref(y);
	y = year_of(fx.ma[0], 2027);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(y, "months"), 0), "due_fen")), 9000);
	json_decref(y);
	/* without fixed_yearly the change applies from the month given (or this month) */
	set_cfg("dues.fixed_yearly=0");
	assert_int_equal(base(fx.ma[1], "retired", 600000, NULL, from), 0);
	assert_string_equal(from, "2026-05");
	assert_int_equal(base(fx.ma[1], "retired", 600000, "2026-07", from), 0);
	set_cfg("dues.fixed_yearly=1");
	/* bad input names the field */
	assert_int_equal(base(fx.ma[2], "student", 0, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "kind");
	assert_int_equal(base(fx.ma[2], "employed", 0, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "base_fen");
	assert_int_equal(base(fx.ma[2], "employed", 100, "2026-1", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "from_month");
	/* another branch's member is not found for this secretary */
	assert_int_equal(base(fx.mb, "farmer", 0, NULL, NULL), E_NOTFOUND);
	/* a member cannot set bases */
	life_act_as(ROLE_MEMBER, fx.a, fx.ma[2]);
	assert_int_equal(base(fx.ma[2], "farmer", 0, NULL, NULL), E_FORBIDDEN);
}

/* ---- payments --------------------------------------------------------------------- */

static void test_payments(void **state)
{
	int64_t id1 = 0, id2 = 0;
	json_t *y, *body, *out = NULL;
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	/* ma[2]: employed 4000.00 → 40.00 a month from 2025-01 */
	assert_int_equal(base(fx.ma[2], "employed", 400000, "2025-01", NULL), 0);
	/* no base → no payment */
	assert_int_equal(pay(fx.ma[3], "2026-03", NULL, -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.no_base");
	/* back-payment reaches 6 months back: 2025-09 at the earliest on 2026-03-10 */
	assert_int_equal(pay(fx.ma[2], "2025-08", "2025-08", -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.back_payment");
	assert_int_equal(pay(fx.ma[2], "2025-09", "2025-10", 8000, &id1), 0);
	assert_string_equal(paid_to(fx.ma[2]), "2025-10");
	/* the same months again */
	assert_int_equal(pay(fx.ma[2], "2025-10", "2025-11", -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.already_paid");
	/* the amount must be the sum due */
	assert_int_equal(pay(fx.ma[2], "2025-11", "2026-01", 11999, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "dues.amount");
	assert_string_equal(fx.ctx.err.field, "amount_fen");
	/* quarterly: one regular payment of three months */
	assert_int_equal(pay(fx.ma[2], "2025-11", "2026-01", 12000, &id2), 0);
	assert_string_equal(paid_to(fx.ma[2]), "2026-01");
	/* advance reaches 12 months ahead: 2027-03 at the latest */
	assert_int_equal(pay(fx.ma[2], "2027-04", "2027-04", -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.advance");
	/* before the start month */
	set_dues_from(fx.ma[3], "2026-02");
	assert_int_equal(base(fx.ma[3], "farmer", 0, "2026-02", NULL), 0);
	assert_int_equal(pay(fx.ma[3], "2026-01", "2026-02", -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.before_start");
	/* proxy payment */
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)fx.ma[3], "first_month", "2026-02",
			 "last_month", "2026-03", "paid_on", "2026-03-08", "method", "wechat", "proxy_name", "张三（女儿）");
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_create(&fx.ctx, body, &out), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "amount_fen")), 200);
	json_decref(out);
	json_decref(body);
	y = year_of(fx.ma[3], 2026);
	assert_string_equal(month_status(y, 1), "not_due");
	assert_string_equal(month_status(y, 2), "paid");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(y, "payments"), 0), "proxy_name")),
			    "张三（女儿）");
	json_decref(y);
	/* one-off: at least dues.one_off_fen (1000 yuan), no months, dues_paid_to unchanged */
	body = json_pack("{s:I, s:s, s:I, s:s, s:s}", "member_id", (json_int_t)fx.ma[2], "kind", "one_off", "amount_fen",
			 (json_int_t)99999, "paid_on", "2026-03-01", "method", "bank");
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_create(&fx.ctx, body, &out), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "dues.one_off_min");
	json_object_set_new(body, "amount_fen", json_integer(100000));
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_create(&fx.ctx, body, &out), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "months")), 0);
	json_decref(out);
	json_decref(body);
	assert_string_equal(paid_to(fx.ma[2]), "2026-01");
	/* arrears: 2025-01..2025-08 and 2026-02 (March is the current month) */
	assert_int_equal(arrears_months(fx.ma[2]), 9);
	/* voiding the quarter: its months are open again and dues_paid_to falls back */
	body = json_pack("{s:s}", "reason", "收据填错");
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_void(&fx.ctx, id2, body), 0);
	json_decref(body);
	assert_string_equal(paid_to(fx.ma[2]), "2025-10");
	assert_int_equal(arrears_months(fx.ma[2]), 12);
	y = year_of(fx.ma[2], 2026);
	assert_string_equal(month_status(y, 1), "unpaid");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(y, "arrears"), "fen")), 12 * 4000);
	json_decref(y);
	body = json_pack("{s:s}", "reason", "重复");
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_void(&fx.ctx, id2, body), E_NOTFOUND);
	/* another branch's secretary cannot void */
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_void(&fx.ctx, id1, body), E_NOTFOUND);
	json_decref(body);
	as_system();
	{
		struct dues_payment_filter f = { .org_id = fx.a, .year = 2026, .member_id = fx.ma[2], .kind = "one_off" };
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(dues_payments_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
		assert_int_equal(total, 1);
		json_decref(items);
	}
}

/* ---- reductions -------------------------------------------------------------------- */

static int64_t reduction(int64_t member, const char *from, const char *to, int64_t fen, int *rc)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "member_id", (json_int_t)member, "from_month", from,
				 "to_month", to, "monthly_fen", (json_int_t)fen, "reason", "因病致贫，生活困难",
				 "branch_studied_on", "2026-03-02");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	*rc = dues_reduction_create(&fx.ctx, body, &id);
	json_decref(body);
	return id;
}

static int decide(int64_t id, int approve, const char *note, int64_t version)
{
	json_t *body = json_pack("{s:I}", "version", (json_int_t)version);
	int rc;
	if (note)
		json_object_set_new(body, "note", json_string(note));
	err_clear(&fx.ctx.err);
	rc = dues_reduction_decide(&fx.ctx, id, approve, body);
	json_decref(body);
	return rc;
}

static void test_reductions(void **state)
{
	int rc;
	int64_t r1, r2;
	json_t *y;
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	assert_int_equal(base(fx.mb, "employed", 300000, "2026-01", NULL), 0);
	r1 = reduction(fx.mb, "2026-04", "2026-06", 0, &rc);
	assert_int_equal(rc, 0);
	/* dues.reduction_amount: not above the base-derived due of any covered month (1500 here) */
	reduction(fx.mb, "2026-11", "2026-12", 1501, &rc);
	assert_int_equal(rc, E_INVALID);
	assert_string_equal(fx.ctx.err.field, "monthly_fen");
	assert_string_equal(fx.ctx.err.rule, "dues.reduction_amount");
	/* ... and a month before dues_from owes nothing, so only 0 fits there */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	reduction(fx.ma[1], "2026-04", "2026-06", 100, &rc);
	assert_int_equal(rc, E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "dues.reduction_amount");
	assert_non_null(strstr(fx.ctx.err.message, "2026-04"));
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	/* one reduction per month */
	reduction(fx.mb, "2026-06", "2026-08", 500, &rc);
	assert_int_equal(rc, E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.reduction_overlap");
	/* the branch cannot approve its own: not a secretary, not an admin of the branch itself */
	assert_int_equal(decide(r1, 1, NULL, 1), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "dues.approval_level");
	life_act_as(ROLE_ORG_ADMIN, fx.b, 0);
	assert_int_equal(decide(r1, 1, NULL, 1), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.approval_level");
	/* an admin of another subtree does not see it */
	life_act_as(ROLE_ORG_ADMIN, fx.a, 0);
	assert_int_equal(decide(r1, 1, NULL, 1), E_NOTFOUND);
	/* the town approves; a stale version and a second decision are refused */
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(decide(r1, 1, NULL, 7), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	assert_int_equal(decide(r1, 1, "同意免交", 1), 0);
	assert_int_equal(decide(r1, 0, "x", 2), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.reduction_status");
	/* approved to 0: the months are exempt rows and dues_paid_to reaches the last of them */
	y = year_of(fx.mb, 2026);
	assert_string_equal(month_status(y, 4), "exempt");
	assert_string_equal(month_status(y, 6), "exempt");
	assert_string_equal(month_status(y, 7), "future");
	assert_string_equal(json_string_value(json_object_get(json_object_get(y, "member"), "dues_paid_to")), "2026-06");
	json_decref(y);
	/* exempt months cannot be paid again */
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	assert_int_equal(pay(fx.mb, "2026-04", NULL, -1, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.already_paid");
	/* a reduced (not zero) amount changes the due of its months once approved */
	r2 = reduction(fx.mb, "2026-07", "2026-08", 300, &rc);
	assert_int_equal(rc, 0);
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(decide(r2, 0, NULL, 1), E_INVALID); /* rejecting needs a reason */
	assert_string_equal(fx.ctx.err.field, "note");
	assert_int_equal(decide(r2, 1, NULL, 1), 0);
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	assert_int_equal(pay(fx.mb, "2026-07", "2026-09", 300 + 300 + 1500, NULL), 0);
	assert_string_equal(paid_to(fx.mb), "2026-09");
	/* a pending reduction changes nothing */
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	reduction(fx.mb, "2026-10", "2026-10", 0, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(pay(fx.mb, "2026-10", NULL, 1500, NULL), 0);
	{
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(dues_reductions_list(&fx.ctx, 0, "pending", 1, 50, &items, &total), 0);
		assert_int_equal(total, 1);
		json_decref(items);
	}
}

/* ---- batch, arrears and scope ---------------------------------------------------------- */

static void test_batch_arrears_scope(void **state)
{
	json_t *body, *out = NULL, *j = NULL;
	int64_t total;
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	/* ma[0] owes 2026-03; ma[1] starts 2026-05; ma[3] paid it by proxy; mb is another branch's */
	body = json_pack("{s:I, s:s, s:[I, I, I, I], s:s, s:s}", "org_id", (json_int_t)fx.a, "month", "2026-03", "member_ids",
			 (json_int_t)fx.ma[0], (json_int_t)fx.ma[1], (json_int_t)fx.ma[3], (json_int_t)fx.mb, "paid_on",
			 "2026-03-09", "method", "cash");
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_batch(&fx.ctx, body, &out), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "paid")), 1);
	assert_int_equal(json_integer_value(json_object_get(out, "amount_fen")), 4000);
	{
		json_t *sk = json_object_get(out, "skipped");
		assert_int_equal(json_array_size(sk), 3);
		assert_string_equal(json_string_value(json_object_get(json_array_get(sk, 0), "rule")), "dues.before_start");
		assert_string_equal(json_string_value(json_object_get(json_array_get(sk, 1), "rule")), "dues.already_paid");
		assert_string_equal(json_string_value(json_object_get(json_array_get(sk, 2), "rule")), "member.scope");
	}
	json_decref(out);
	/* a month outside the back-payment window refuses the whole batch */
	json_object_set_new(body, "month", json_string("2025-01"));
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_payment_batch(&fx.ctx, body, &out), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "dues.back_payment");
	json_decref(body);
	assert_string_equal(paid_to(fx.ma[0]), "2026-03");

	/* arrears of branch a: ma[2] owes 12 months (2025-01..08, 2025-11..2026-02) */
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_arrears(&fx.ctx, 0, 6, 1, 50, &j), 0);
	total = json_integer_value(json_object_get(j, "total"));
	assert_int_equal(total, 1);
	{
		json_t *it = json_array_get(json_object_get(j, "items"), 0);
		assert_int_equal(json_integer_value(json_object_get(it, "member_id")), fx.ma[2]);
		assert_int_equal(json_integer_value(json_object_get(it, "months")), 12);
		assert_int_equal(json_integer_value(json_object_get(it, "fen")), 48000);
		assert_int_equal(json_array_size(json_object_get(j, "branches")), 1);
	}
	json_decref(j);
	/* min_months above it: nobody */
	assert_int_equal(dues_arrears(&fx.ctx, 0, 13, 1, 50, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	/* the town sees branch b: its member owes 2026-01 and 2026-02 (the exempt and paid months do not count) */
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(dues_arrears(&fx.ctx, fx.b, 1, 1, 50, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "months")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "fen")), 3000);
	json_decref(j);
	assert_int_equal(dues_arrears(&fx.ctx, 0, 1, 1, 50, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "branches")), 2);
	json_decref(j);
	/* scope: branch b's secretary does not see branch a's member */
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_member_year(&fx.ctx, fx.ma[2], 2026, 0, &j), E_NOTFOUND);
	assert_int_equal(dues_arrears(&fx.ctx, fx.a, 1, 1, 50, &j), E_NOTFOUND);
	/* a member reads only their own */
	life_act_as(ROLE_MEMBER, fx.a, fx.ma[2]);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_member_year(&fx.ctx, 0, 2026, 1, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "member"), "id")), fx.ma[2]);
	json_decref(j);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_member_year(&fx.ctx, fx.ma[0], 2026, 1, &j), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_member_year(&fx.ctx, fx.ma[0], 2026, 0, &j), E_NOTFOUND);
	assert_int_equal(pay(fx.ma[2], "2026-02", NULL, -1, NULL), E_FORBIDDEN);
}


/*
 * Two requests at once: while another connection holds a write transaction that has
 * written an overlapping pending reduction, a create waits for it and then sees it (the
 * overlap check runs inside its own transaction, after the member lock), so only one of
 * the two stands.
 */
struct racer {
	struct ctx ctx;
	int64_t id;
	int rc;
	char rule[64];
};

static void *race_create(void *arg)
{
	struct racer *r = arg;
	json_t *body = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s}", "member_id", (json_int_t)fx.mb, "from_month", "2027-02",
				 "to_month", "2027-03", "monthly_fen", 0, "reason", "同时提交", "branch_studied_on", "2026-03-02");
	r->rc = dues_reduction_create(&r->ctx, body, &r->id);
	strlcpy_z(r->rule, r->ctx.err.rule, sizeof(r->rule));
	json_decref(body);
	return NULL;
}

static void test_reduction_race(void **state)
{
	struct racer r;
	pthread_t th;
	char sql[400];
	(void)state;
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	memset(&r, 0, sizeof(r));
	r.ctx = fx.ctx;
	err_clear(&r.ctx.err);
	r.ctx.db = store_acquire(fx.ls.store);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	xsnprintf(sql, sizeof(sql),
		  "INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, branch_studied_on, "
		  "status, created_at) VALUES (%" PRId64 ", %" PRId64 ", '2027-01', '2027-02', 0, '先到', '2026-03-02', "
		  "'pending', '2026-03-10T00:00:00Z')",
		  fx.mb, fx.b);
	assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
	assert_int_equal(pthread_create(&th, NULL, race_create, &r), 0);
	usleep(400 * 1000); /* the racer is now waiting for the write lock / member row */
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	pthread_join(th, NULL);
	store_release(fx.ls.store, r.ctx.db);
	assert_int_equal(r.rc, E_CONFLICT);
	assert_string_equal(r.rule, "dues.reduction_overlap");
}

#define DUES_TESTS                                                \
	{                                                         \
		cmocka_unit_test(test_rate_bands),                \
		cmocka_unit_test(test_rounding),                  \
		cmocka_unit_test(test_due_rule),                  \
		cmocka_unit_test(test_bases),                     \
		cmocka_unit_test(test_payments),                  \
		cmocka_unit_test(test_reductions),                \
		cmocka_unit_test(test_reduction_race),            \
		cmocka_unit_test(test_batch_arrears_scope),       \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = DUES_TESTS;
	const struct CMUnitTest pg_tests[] = DUES_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "党费党员";
	failed = cmocka_run_group_tests_name("dues/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("dues/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("dues/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
