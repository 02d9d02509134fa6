/*
 * The kept arrears figures (037_dues_owed, domain/dues_owed.c) against the reference (the
 * due rule month by month, dues_arrears_how DUES_ARREARS_REF): after bases (new ones, a
 * future one, one deleted), payments (with a gap, in advance, voided), reductions (reduced,
 * to 0 with and without rows, pending), dues_from and join_date edits, state changes, a
 * transfer, an org move and the clock moving on month by month, every page of items and
 * the total are identical, the per-child rollup equals the reference's per-branch rows
 * summed per child, the sums kept by the triggers equal a rebuild from scratch, and each
 * member's year (/me/dues owed_months) and the sheet's arrears_months agree. A trigger
 * missing leaves a member's figures stale and the comparison fails. SQLite, and
 * PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "util/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NM 14

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	int64_t top, t1, t2, a1, a2, b1;
	int64_t m[NM];
};

static struct fixture fx;
static int seen_unsettled, seen_owed;

static void sql(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (db_exec(fx.ctx.db, buf, &fx.ctx.err))
		fprintf(stderr, "%s: %s\n", buf, fx.ctx.err.message);
	assert_int_equal(fx.ctx.err.code, 0);
}

static int64_t q1(const char *q)
{
	struct stmt *st = db_prepare(fx.ctx.db, q, &fx.ctx.err);
	int64_t v = -1;
	assert_non_null(st);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static void base_row(int64_t member, const char *from, int64_t monthly)
{
	sql("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) "
	    "VALUES (%" PRId64 ", '%s', 'farmer', 0, %" PRId64 ", '2025-01-01T00:00:00')",
	    member, from, monthly);
}

/* rows first..last (YYYY-MM, same year or across) without payment */
static void rows(int64_t member, int y0, int m0, int y1, int m1)
{
	int k;
	for (k = y0 * 12 + m0 - 1; k <= y1 * 12 + m1 - 1; k++)
		sql("INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen) VALUES (%" PRId64
		    ", '%04d-%02d', '/', 100, 100)",
		    member, k / 12, k % 12 + 1);
	sql("UPDATE members SET dues_paid_to = (SELECT max(month) FROM dues_months WHERE member_id = %" PRId64
	    ") WHERE id = %" PRId64,
	    member, member);
}

static void reduction_row(int64_t member, const char *from, const char *to, int64_t fen, const char *status)
{
	sql("INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, "
	    "branch_studied_on, status, created_at) SELECT id, org_id, '%s', '%s', %" PRId64 ", '困难', '2025-01-01', "
	    "'%s', '2025-01-01T00:00:00' FROM members WHERE id = %" PRId64,
	    from, to, fen, status, member);
}

static const char *org_path_of(int64_t id, char *buf, size_t n)
{
	struct org o;
	assert_int_equal(org_get(&fx.ctx, id, &o), 0);
	strlcpy_z(buf, o.path, n);
	return buf;
}

/* the reference and the kept figures for one root and min_months */
static void compare_one(int64_t root, int min)
{
	json_t *ref = NULL, *kept = NULL, *all, *rb, *kb;
	int page;
	size_t i, k;
	char rp[PATH_MAX_LEN];

	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(dues_arrears_how(&fx.ctx, root, min, 1, 1000, DUES_ARREARS_REF, &ref), 0);
	assert_int_equal(dues_arrears_how(&fx.ctx, root, min, 1, 1000, DUES_ARREARS_KEPT, &kept), 0);
	if (!json_equal(json_object_get(ref, "items"), json_object_get(kept, "items")) ||
	    json_integer_value(json_object_get(ref, "total")) != json_integer_value(json_object_get(kept, "total"))) {
		char *a = json_dumps(ref, JSON_INDENT(1)), *b = json_dumps(kept, JSON_INDENT(1));
		fprintf(stderr, "root %" PRId64 " min %d\nREF %s\nKEPT %s\n", root, min, a, b);
		free(a);
		free(b);
	}
	assert_true(json_equal(json_object_get(ref, "items"), json_object_get(kept, "items")));
	assert_int_equal(json_integer_value(json_object_get(ref, "total")), json_integer_value(json_object_get(kept, "total")));
	assert_string_equal(json_string_value(json_object_get(kept, "rollup")), "children");
	/* pages of 2 (the unsettled merged into the ranking) give the same sequence */
	all = json_array();
	for (page = 1; page < 20; page++) {
		json_t *p = NULL;
		assert_int_equal(dues_arrears_how(&fx.ctx, root, min, page, 2, DUES_ARREARS_KEPT, &p), 0);
		json_array_extend(all, json_object_get(p, "items"));
		json_decref(p);
	}
	assert_true(json_equal(all, json_object_get(ref, "items")));
	json_decref(all);
	/* the rollup: the reference's branches summed into the root's own row and its children */
	org_path_of(root, rp, sizeof(rp));
	rb = json_object_get(ref, "branches");
	kb = json_object_get(kept, "branches");
	{
		int64_t kmembers = 0, kmonths = 0, kfen = 0;
		for (k = 0; k < json_array_size(kb); k++) {
			json_t *c = json_array_get(kb, k);
			int self = json_is_true(json_object_get(c, "self"));
			int64_t members = 0, months = 0, fen = 0;
			char cp[PATH_MAX_LEN];
			org_path_of(json_integer_value(json_object_get(c, "org_id")), cp, sizeof(cp));
			for (i = 0; i < json_array_size(rb); i++) {
				json_t *r = json_array_get(rb, i);
				char bp[PATH_MAX_LEN];
				org_path_of(json_integer_value(json_object_get(r, "org_id")), bp, sizeof(bp));
				if (self ? !strcmp(bp, rp) : !strncmp(bp, cp, strlen(cp))) {
					members += json_integer_value(json_object_get(r, "members"));
					months += json_integer_value(json_object_get(r, "months"));
					fen += json_integer_value(json_object_get(r, "fen"));
				}
			}
			assert_true(members > 0);
			assert_int_equal(members, json_integer_value(json_object_get(c, "members")));
			assert_int_equal(months, json_integer_value(json_object_get(c, "months")));
			assert_int_equal(fen, json_integer_value(json_object_get(c, "fen")));
			kmembers += members;
			kmonths += months;
			kfen += fen;
		}
		/* nothing left out */
		for (i = 0; i < json_array_size(rb); i++) {
			json_t *r = json_array_get(rb, i);
			kmembers -= json_integer_value(json_object_get(r, "members"));
			kmonths -= json_integer_value(json_object_get(r, "months"));
			kfen -= json_integer_value(json_object_get(r, "fen"));
		}
		assert_int_equal(kmembers, 0);
		assert_int_equal(kmonths, 0);
		assert_int_equal(kfen, 0);
	}
	json_decref(ref);
	json_decref(kept);
}

/* the other readers of the rule: a member's year (and /me/dues) and the sheet's arrears_months */
static void compare_readers(void)
{
	json_t *ref = NULL;
	struct dues_sheet s;
	size_t i, k;
	int found;
	ctx_as_system(&fx.ctx);
	assert_int_equal(dues_arrears_how(&fx.ctx, fx.top, 1, 1, 1000, DUES_ARREARS_REF, &ref), 0);
	for (k = 0; k < NM; k++) {
		json_t *y = NULL;
		int64_t months = 0;
		for (i = 0; i < json_array_size(json_object_get(ref, "items")); i++) {
			json_t *it = json_array_get(json_object_get(ref, "items"), i);
			if (json_integer_value(json_object_get(it, "member_id")) == fx.m[k])
				months = json_integer_value(json_object_get(it, "months"));
		}
		char q[160];
		xsnprintf(q, sizeof(q), "SELECT count(*) FROM members WHERE id = %" PRId64
			  " AND state IN ('active', 'transferring')", fx.m[k]);
		if (!q1(q))
			continue; /* not enrolled: not listed, whatever their year says */
		assert_int_equal(dues_member_year(&fx.ctx, fx.m[k], 0, 0, &y), 0);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(y, "arrears"), "months")), months);
		json_decref(y);
	}
	memset(&s, 0, sizeof(s));
	assert_int_equal(dues_sheet_load(&fx.ctx, fx.top, dues_ym_of(fx.ctx.today), &s), 0);
	for (i = 0; i < s.nrows; i++) {
		int64_t months = 0;
		found = 0;
		for (k = 0; k < json_array_size(json_object_get(ref, "items")); k++) {
			json_t *it = json_array_get(json_object_get(ref, "items"), k);
			if (json_integer_value(json_object_get(it, "member_id")) == s.rows[i].member_id) {
				months = json_integer_value(json_object_get(it, "months"));
				found = 1;
			}
		}
		(void)found;
		assert_int_equal(s.rows[i].arrears_months, months);
	}
	dues_sheet_release(&s);
	json_decref(ref);
}

static char *dump(const char *q, int ncols)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st = db_prepare(fx.ctx.db, q, &fx.ctx.err);
	int i;
	assert_non_null(st);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW) {
		for (i = 0; i < ncols; i++)
			strbuf_addf(&sb, "%s%c", stmt_text(st, i) ? stmt_text(st, i) : "-", i + 1 < ncols ? '|' : '\n');
	}
	stmt_reset(st);
	return strbuf_detach(&sb, NULL);
}

#define SUMS "SELECT org_id, k, members, a, b FROM dues_owed_sums WHERE members <> 0 ORDER BY org_id, k"
#define OWED "SELECT member_id, org_id, org_path, ok, k, a, b, v FROM dues_owed ORDER BY member_id"

/* everything, at today: both ways at every level, and the kept rows equal a rebuild */
static void compare_all(void)
{
	int mins[] = { 1, 2, 3, 6, 12 };
	size_t i;
	char *s1, *o1, *s2, *o2;
	for (i = 0; i < sizeof(mins) / sizeof(mins[0]); i++) {
		compare_one(fx.top, mins[i]);
		compare_one(fx.t1, mins[i]);
		compare_one(fx.t2, mins[i]);
		compare_one(fx.a1, mins[i]);
	}
	compare_readers();
	assert_int_equal(dues_owed_refresh(&fx.ctx), 0);
	{
		char q[200];
		xsnprintf(q, sizeof(q), "SELECT count(*) FROM dues_owed WHERE ok = 1 AND v > %d", dues_ym_of(fx.ctx.today));
		seen_unsettled += q1(q) > 0;
		seen_owed += q1("SELECT count(*) FROM dues_owed WHERE ok = 1") > 0;
	}
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_stale"), 0);
	s1 = dump(SUMS, 5);
	o1 = dump(OWED, 8);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	if (dues_owed_rebuild(&fx.ctx))
		life_fail_ctx("rebuild", &fx.ctx);
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	s2 = dump(SUMS, 5);
	o2 = dump(OWED, 8);
	if (strcmp(s1, s2))
		fprintf(stderr, "sums kept:\n%s\nrebuilt:\n%s\n", s1, s2);
	assert_string_equal(o1, o2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	free(o1);
	free(o2);
}

static void month_by_month(int y, int m, int n)
{
	int k;
	for (k = 0; k < n; k++) {
		int mo = y * 12 + m - 1 + k;
		life_set_today(mo / 12, mo % 12 + 1, 15);
		compare_all();
	}
}

static int populate(int pg)
{
	int i;
	config_defaults(&fx.cfg);
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "欠缴组织部", 0);
	fx.t1 = life_make_org(fx.top, "committee", "欠缴一镇党委", 0);
	fx.t2 = life_make_org(fx.top, "committee", "欠缴二镇党委", 0);
	fx.a1 = life_make_org(fx.t1, "branch", "欠缴甲村党支部", 3);
	fx.a2 = life_make_org(fx.t1, "branch", "欠缴乙村党支部", 3);
	fx.b1 = life_make_org(fx.t2, "branch", "欠缴丙村党支部", 3);
	for (i = 0; i < NM; i++)
		fx.m[i] = life_make_member(i < 6 ? fx.a1 : i < 10 ? fx.a2 : fx.b1);
	/* a mutation check by hand: DJ_OWED_DROP=<trigger> must make test_writes fail */
	if (getenv("DJ_OWED_DROP") && !pg)
		sql("DROP TRIGGER %s", getenv("DJ_OWED_DROP"));
	/* one member right in the top org (the rollup's own row) */
	sql("UPDATE members SET org_id = %" PRId64 ", org_path = (SELECT path FROM orgs WHERE id = %" PRId64
	    ") WHERE id = %" PRId64,
	    fx.top, fx.top, fx.m[13]);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "owed", populate, 2 };

static void test_pure(void **state)
{
	struct dues_base_row b[2] = { { 0, 2025 * 12, 0, 0, 1000 }, { 0, 2026 * 12, 0, 0, 2000 } };
	struct dues_reduction_row r = { 2025 * 12 + 5, 2025 * 12 + 6, 0 };
	struct dues_plan p = { 2024 * 12, 2, 0, b, NULL };
	struct dues_owed_fig f;
	int rows[3] = { 2025 * 12, 2025 * 12 + 1, 2025 * 12 + 3 };
	(void)state;
	/* no base: nothing owed */
	p.nbases = 0;
	assert_int_equal(dues_owed_figures(&p, -1, NULL, 0, &f), 0);
	p.nbases = 2;
	/* paid Jan, Feb, Apr 2025; bases 10 元 in 2025, 20 元 from 2026; 2025-06..07 exempt */
	p.reductions = &r;
	p.nreductions = 1;
	assert_int_equal(dues_owed_figures(&p, 2025 * 12 + 3, rows, 3, &f), 1);
	/* v = the 2026 base: owed before it 2025-03, 05, 08..12 = 7 months, 7000 fen */
	assert_int_equal(f.k, 7 - 2026 * 12);
	assert_int_equal(f.b, 2000);
	assert_int_equal(f.a, 7000 - (int64_t)2026 * 12 * 2000);
	/* in 2025 the amounts are 10 元, not 20: the linear figures hold from 2026-01 on only */
	assert_int_equal(f.v, 2026 * 12);
}

static void test_writes(void **state)
{
	json_t *body, *out = NULL;
	int64_t pid;
	struct org o;
	int i;
	(void)state;
	/* before anything: nothing owed anywhere */
	compare_all();
	/* bases: old, new ones, a future one; a member without any */
	base_row(fx.m[0], "2025-01", 1500);
	base_row(fx.m[1], "2025-06", 800);
	base_row(fx.m[1], "2026-01", 1000);
	base_row(fx.m[2], "2026-06", 500);
	base_row(fx.m[4], "2024-01", 300);
	sql("UPDATE members SET dues_from = '2025-03' WHERE id = %" PRId64, fx.m[4]);
	for (i = 5; i < NM; i++)
			base_row(fx.m[i], i % 2 ? "2025-07" : "2025-09", 100 * (int64_t)i);
	/* payments: arrears after 2025-10; a gap then paid ahead; paid up; paid far ahead */
	rows(fx.m[0], 2025, 1, 2025, 10);
	rows(fx.m[1], 2025, 6, 2025, 8);
	rows(fx.m[1], 2025, 11, 2026, 6);
	rows(fx.m[5], 2025, 7, 2026, 2);
	rows(fx.m[6], 2025, 9, 2026, 12);
	/* reductions: reduced while in arrears (ongoing), to 0 without rows, pending */
	reduction_row(fx.m[7], "2025-10", "2026-05", 300, "approved");
	reduction_row(fx.m[8], "2025-11", "2026-01", 0, "approved");
	reduction_row(fx.m[9], "2025-09", "2026-09", 0, "pending");
	compare_all();
	/* a state change, a transfer, back again */
	sql("UPDATE members SET state = 'transferred_out' WHERE id = %" PRId64, fx.m[10]);
	sql("UPDATE members SET org_id = %" PRId64 ", org_path = (SELECT path FROM orgs WHERE id = %" PRId64
	    ") WHERE id = %" PRId64,
	    fx.b1, fx.b1, fx.m[11]);
	/* an approved reduction alone (nothing else of that member written) */
	reduction_row(fx.m[12], "2025-10", "2025-12", 500, "approved");
	compare_all();
	sql("UPDATE members SET state = 'transferring' WHERE id = %" PRId64, fx.m[10]);
	/* the pending reduction approved, another rejected after approval */
	sql("UPDATE dues_reductions SET status = 'approved' WHERE member_id = %" PRId64, fx.m[9]);
	sql("UPDATE dues_reductions SET status = 'rejected' WHERE member_id = %" PRId64, fx.m[8]);
	/* a base deleted, a base changed, join date and dues_from edits */
	sql("DELETE FROM dues_bases WHERE member_id = %" PRId64 " AND from_month = '2026-01'", fx.m[1]);
	sql("UPDATE dues_bases SET monthly_fen = 0 WHERE member_id = %" PRId64, fx.m[12]);
	sql("DELETE FROM dues_bases WHERE member_id = %" PRId64, fx.m[2]);       /* nothing owed any more */
	sql("DELETE FROM dues_reductions WHERE member_id = %" PRId64, fx.m[7]);  /* an approved one gone */
	sql("UPDATE dues_months SET month = '2025-12' WHERE member_id = %" PRId64 " AND month = '2025-10'", fx.m[0]);
	sql("UPDATE members SET dues_from = NULL, join_date = '2025-12-01' WHERE id = %" PRId64, fx.m[11]);
	compare_all();
	/* through the domain: a payment with a gap before it, voided; a reduction to 0 approved */
	ctx_as_system(&fx.ctx);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "member_id", (json_int_t)fx.m[0], "kind", "regular",
			 "first_month", "2026-01", "last_month", "2026-04", "paid_on", "2026-03-05", "method", "cash");
	assert_int_equal(dues_payment_create(&fx.ctx, body, &out), 0);
	pid = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	compare_all();
	body = json_pack("{s:s}", "reason", "收错了");
	assert_int_equal(dues_payment_void(&fx.ctx, pid, body), 0);
	json_decref(body);
	compare_all();
	body = json_pack("{s:s, s:I}", "kind", "employed", "base_fen", (json_int_t)500000);
	json_object_set_new(body, "from_month", json_string("2027-01"));
	assert_int_equal(dues_base_set(&fx.ctx, fx.m[5], body, &out), 0);
	json_decref(out);
	json_decref(body);
	/* an org move: the second branch under the other town */
	assert_int_equal(org_get(&fx.ctx, fx.a2, &o), 0);
	assert_int_equal(org_move(&fx.ctx, fx.a2, fx.t2, o.version), 0);
	compare_all();
	/* the clock moves on: the advance payments run out, the future base and reductions begin and end */
	month_by_month(2026, 4, 12);
	/* a reduction to 0 written as exempt rows, then more payments, a year on */
	reduction_row(fx.m[13], "2026-01", "2027-06", 0, "approved");
	rows(fx.m[13], 2027, 1, 2027, 6);
	rows(fx.m[0], 2026, 1, 2026, 6);
	month_by_month(2027, 4, 4);
	assert_true(seen_unsettled > 5);
	assert_true(seen_owed > 10);
}

/* the rows and sums kept now are o1's and s1's */
static void same_kept(const char *o1, const char *s1)
{
	char *o2 = dump(OWED, 8), *s2 = dump(SUMS, 5);
	assert_string_equal(o1, o2);
	assert_string_equal(s1, s2);
	free(s2);
	free(o2);
}

/* the state a large database is left in by migration 037: no figures, every member with a base queued */
static void pending_queue(void)
{
	sql("INSERT INTO dues_owed_bulk (on_) VALUES (1)");
	sql("DELETE FROM dues_owed");
	sql("DELETE FROM dues_owed_sums");
	sql("DELETE FROM dues_owed_bulk");
	sql("INSERT INTO dues_owed_stale (member_id) SELECT DISTINCT member_id FROM dues_bases");
}

/* dangjian upgrade's dues step (dues_owed_upgrade): a pending queue worked out in bounded
 * transactions, interrupted after every one of them and run again, ends with the rows and
 * sums the triggers keep; an interrupted run leaves reads right; a run with nothing to do
 * changes nothing */
static void test_upgrade(void **state)
{
	char *s1, *o1, *s2;
	int i, k, done = 0, calls = 0;
	(void)state;
	for (i = 0; i < NM - 1; i++)
		base_row(fx.m[i], i % 3 ? "2025-07" : "2025-02", 100 + 50 * (int64_t)i);
	rows(fx.m[0], 2025, 2, 2025, 10);
	rows(fx.m[3], 2025, 7, 2025, 9);
	rows(fx.m[3], 2025, 12, 2026, 8);
	rows(fx.m[5], 2025, 7, 2026, 2);
	reduction_row(fx.m[7], "2025-10", "2026-05", 300, "approved");
	compare_all();
	s1 = dump(SUMS, 5);
	o1 = dump(OWED, 8);
	assert_true(q1("SELECT count(*) FROM dues_owed") > 5);
	dues_owed_bulk_min = 4;       /* the bulk path at this size */
	dues_owed_chunk_members = 3;  /* several chunks, one per transaction */
	dues_owed_upgrade_chunks = 1;
	pending_queue();
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_stale"), q1("SELECT count(DISTINCT member_id) FROM dues_bases"));
	assert_true(q1("SELECT count(*) FROM dues_owed_stale") >= NM - 1);
	/* interrupted after k transactions, for k = 1, 2, …: each run goes on where the last stopped */
	for (k = 1; !done && k < 50; k++) {
		assert_int_equal(dues_owed_upgrade(&fx.ctx, NULL, k, &done), 0);
		calls++;
		if (!done) {
			/* the sums are stale while the flag stands: it is committed */
			assert_int_equal(q1("SELECT count(*) FROM dues_owed_bulk"), 1);
		}
	}
	assert_true(done);
	assert_true(calls >= 3); /* 13 members (or more: PostgreSQL keeps the earlier test's) in chunks of 3 */
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_stale"), 0);
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_bulk"), 0);
	same_kept(o1, s1);
	compare_all();
	/* again: nothing to do, nothing changes */
	assert_int_equal(dues_owed_upgrade(&fx.ctx, stderr, 0, &done), 0);
	assert_true(done);
	same_kept(o1, s1);
	/* interrupted half way and not run again: the first read finishes the work (the server's way) */
	pending_queue();
	assert_int_equal(dues_owed_upgrade(&fx.ctx, NULL, 2, &done), 0);
	assert_false(done);
	assert_true(q1("SELECT count(*) FROM dues_owed_stale") > 0);
	compare_all();
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_bulk"), 0);
	/* worked out entirely but the sums not yet recomputed: reads still see the flag */
	pending_queue();
	for (done = 0, k = 1; k < 50 && q1("SELECT count(*) FROM dues_owed_stale"); k++)
		assert_int_equal(dues_owed_upgrade(&fx.ctx, NULL, 1, &done), 0);
	assert_false(done);
	assert_int_equal(q1("SELECT count(*) FROM dues_owed_bulk"), 1);
	compare_all();
	s2 = dump(SUMS, 5);
	assert_string_equal(s1, s2);
	free(s2);
	/* a short queue: the ordinary drain in one transaction */
	dues_owed_bulk_min = 20000;
	pending_queue();
	assert_int_equal(dues_owed_upgrade(&fx.ctx, NULL, 0, &done), 0);
	assert_true(done);
	same_kept(o1, s1);
	/* a queued member without a member row (gone) loses its figures, in the bulk path's chunks
	 * too (at most 3 members each: by now the prepared DELETE has run more than five times on
	 * this connection, after which PostgreSQL may use its generic plan) */
	{
		int64_t gone = q1("SELECT max(id) FROM members") + 1000;
		char q[128];
		dues_owed_bulk_min = 4;
		pending_queue();
		sql("INSERT INTO dues_owed (member_id, org_id, org_path, ok, k, a, b, v) SELECT %" PRId64
		    ", id, path, 0, 0, 0, 0, 0 FROM orgs WHERE id = %" PRId64,
		    gone, fx.top);
		sql("INSERT INTO dues_owed_stale (member_id) VALUES (%" PRId64 ")", gone);
		assert_int_equal(dues_owed_upgrade(&fx.ctx, NULL, 0, &done), 0);
		assert_true(done);
		snprintf(q, sizeof(q), "SELECT count(*) FROM dues_owed WHERE member_id = %" PRId64, gone);
		assert_int_equal(q1(q), 0);
		same_kept(o1, s1);
	}
	dues_owed_bulk_min = 20000;
	dues_owed_chunk_members = 1000;
	dues_owed_upgrade_chunks = 20;
	free(s1);
	free(o1);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_pure),
		cmocka_unit_test_setup_teardown(test_writes, life_suite_setup_sqlite, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, life_suite_setup_sqlite, life_suite_teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_writes, life_suite_setup_pg, life_suite_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, life_suite_setup_pg, life_suite_teardown),
	};
	int rc;

	life_active_suite = &suite;
	rc = cmocka_run_group_tests_name("dues_owed sqlite", sqlite_tests, NULL, NULL);
	if (getenv("DJ_TEST_PG_URL") && getenv("DJ_TEST_PG_URL")[0])
		rc |= cmocka_run_group_tests_name("dues_owed postgres", pg_tests, NULL, NULL);
	return rc;
}
