/*
 * Demo 党费 (called by demo.c after the other demo steps). Every active member gets a base
 * fitting their person_type (在职 and 离退休 with a base of their own, 农民 and "other" the
 * farmer amount, 学生 the minimal one) from the January of last month's year (or their
 * dues_from when later), and regular payments up to last month: most monthly, every fifth
 * member quarterly, a few half-yearly, a few paid by a relative (代缴), some already this
 * month, a few a month behind. Every 97th member stopped paying seven months ago (data for
 * the 自行脱党 warnings), a few 在职 members got a raise taking effect this January (the
 * fixed yearly amount), two voluntary one-off payments ≥ 1000 元 are recorded apart, one
 * 困难党员 has an approved reduction to 0 (exempted months) and one a pending reduction.
 * Written in one transaction with plain INSERTs of rows that keep the rules of dues*.c
 * (the demo is timed); deterministic, dates from ctx->today.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/dues.h"
#include "domain/org_path.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct dm {
	int64_t id, org_id;
	char path[PATH_MAX_LEN], person_type[16];
	int dues_from;
};

static int load_members(struct ctx *ctx, struct dm **out, size_t *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, org_id, org_path, person_type, COALESCE(dues_from, substr(join_date, 1, 7)) "
				     "FROM members WHERE state IN ('active', 'transferring') ORDER BY id",
				     &ctx->err);
	size_t cap = 0;
	int step;
	*out = NULL;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct dm *m;
		if (*n == cap) {
			cap = cap ? cap * 2 : 512;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		m = &(*out)[(*n)++];
		m->id = stmt_int(st, 0);
		m->org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, m->path, sizeof(m->path));
		stmt_text_copy(st, 3, m->person_type, sizeof(m->person_type));
		m->dues_from = dues_ym_parse(stmt_text(st, 4));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int insert_base(struct ctx *ctx, const struct dm *m, int from, int kind, int64_t base_fen, int64_t monthly,
		       const char *note)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, note, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char f[8];
	if (!st)
		return E_DB;
	dues_ym_format(from, f);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_text(st, 2, f);
	stmt_bind_text(st, 3, dues_kind_code(kind));
	stmt_bind_int(st, 4, base_fen);
	stmt_bind_int(st, 5, monthly);
	stmt_bind_text(st, 6, note);
	stmt_bind_text(st, 7, ctx->now_iso);
	return stmt_run(st, &ctx->err) ? ctx_db_fail(ctx) : 0;
}

/* a payment date in month (the day-th, never after today) */
static void pay_day(const struct ctx *ctx, int month, int day, char out[11])
{
	struct date d = { month / 12, month % 12 + 1, day };
	if (date_cmp(d, ctx->today) > 0)
		d = ctx->today;
	date_format(d, out);
}

static int insert_payment(struct ctx *ctx, const struct dm *m, const char *kind, int first, int last, int64_t amount,
			  const char *paid_on, const char *method, const char *receipt, const char *proxy, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_payments (member_id, org_id, org_path, kind, first_month, last_month, "
				     "amount_fen, paid_on, method, collector, receipt_no, proxy_name, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				     &ctx->err);
	char a[8], b[8];
	int step;
	if (!st)
		return E_DB;
	dues_ym_format(first, a);
	dues_ym_format(last, b);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_int(st, 2, m->org_id);
	stmt_bind_text(st, 3, m->path);
	stmt_bind_text(st, 4, kind);
	stmt_bind_text(st, 5, first >= 0 ? a : NULL);
	stmt_bind_text(st, 6, last >= 0 ? b : NULL);
	stmt_bind_int(st, 7, amount);
	stmt_bind_text(st, 8, paid_on);
	stmt_bind_text(st, 9, method);
	stmt_bind_text(st, 10, "支部组织委员");
	stmt_bind_text(st, 11, receipt);
	stmt_bind_text(st, 12, proxy);
	stmt_bind_text(st, 13, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static int insert_month(struct ctx *ctx, const struct dm *m, int month, int64_t due, int64_t payment_id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id, top_org_id) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char mo[8];
	if (!st)
		return E_DB;
	dues_ym_format(month, mo);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_text(st, 2, mo);
	stmt_bind_text(st, 3, m->path);
	stmt_bind_int(st, 7, org_path_top(m->path)); /* the partition key */
	stmt_bind_int(st, 4, due);
	stmt_bind_int(st, 5, payment_id ? due : 0);
	if (payment_id)
		stmt_bind_int(st, 6, payment_id);
	else
		stmt_bind_null(st, 6);
	return stmt_run(st, &ctx->err) ? ctx_db_fail(ctx) : 0;
}

static int insert_reduction(struct ctx *ctx, const struct dm *m, int from, int to, int64_t fen, const char *reason,
			    const char *status)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, "
				     "branch_studied_on, status, decided_at, decision_note, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char a[8], b[8], studied[11];
	int approved = !strcmp(status, "approved");
	if (!st)
		return E_DB;
	dues_ym_format(from, a);
	dues_ym_format(to, b);
	pay_day(ctx, from - 1, 15, studied);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_int(st, 2, m->org_id);
	stmt_bind_text(st, 3, a);
	stmt_bind_text(st, 4, b);
	stmt_bind_int(st, 5, fen);
	stmt_bind_text(st, 6, reason);
	stmt_bind_text(st, 7, studied);
	stmt_bind_text(st, 8, status);
	stmt_bind_text(st, 9, approved ? ctx->now_iso : NULL);
	stmt_bind_text(st, 10, approved ? "经镇党委研究，同意免交" : NULL);
	stmt_bind_text(st, 11, ctx->now_iso);
	return stmt_run(st, &ctx->err) ? ctx_db_fail(ctx) : 0;
}

static const char *const methods[] = { "cash", "wechat", "bank", "cash", "alipay", "payroll" };

/* one member's bases and payments; *rows += rows written */
static int member_dues(struct ctx *ctx, const struct dm *m, size_t i, int *exempt_pick, int *pending_pick, int *rows)
{
	int cur = dues_ym_of(ctx->today), jan = (cur - 1) / 12 * 12, start, stop, chunk, k, rc, kind;
	int raise = 0, this_jan = ctx->today.y * 12;
	int64_t base_fen = 0, monthly, monthly2 = 0;
	char paid_on[11], receipt[24];
	const char *proxy = i % 17 == 0 ? "家属代缴" : NULL;

	kind = !strcmp(m->person_type, "other") ? DUES_FARMER : dues_kind_for_person_type(m->person_type);
	if (kind == DUES_EMPLOYED)
		base_fen = 250000 + (int64_t)(i * 7919 % 90) * 10000; /* 2500–11400 元 */
	else if (kind == DUES_RETIRED)
		base_fen = 300000 + (int64_t)(i * 104729 % 40) * 10000; /* 3000–6900 元 */
	monthly = dues_monthly_fen(ctx->cfg, kind, base_fen, NULL);
	start = m->dues_from > jan ? m->dues_from : jan;
	if (m->dues_from < 0)
		return 0;
	if ((rc = insert_base(ctx, m, start, kind, base_fen, monthly, "按上年度工资核定")))
		return rc;
	(*rows)++;
	/* a raise this January (fixed for the year from the January base) */
	if (kind == DUES_EMPLOYED && i % 7 == 0 && this_jan > start) {
		raise = 1;
		monthly2 = dues_monthly_fen(ctx->cfg, kind, base_fen + 100000, NULL);
		if ((rc = insert_base(ctx, m, this_jan, kind, base_fen + 100000, monthly2, "工资调整，自一月起执行")))
			return rc;
		(*rows)++;
	}
	/* up to last month; some this month, some a month behind, a few stopped seven months ago */
	stop = cur - 1;
	if (i % 97 == 3)
		stop = cur - 8;
	else if (i % 11 == 0)
		stop = cur;
	else if (i % 13 == 0)
		stop = cur - 2;
	/* one 困难党员 exempted from two months ago to three months ahead */
	if (!*exempt_pick && kind == DUES_FARMER && i % 97 != 3 && start <= cur - 3) {
		*exempt_pick = 1;
		stop = cur - 3;
		if ((rc = insert_reduction(ctx, m, cur - 2, cur + 3, 0, "因病致贫，家庭生活困难，经支部研究申请免交", "approved")))
			return rc;
		for (k = cur - 2; k <= cur + 3; k++)
			if ((rc = insert_month(ctx, m, k, 0, 0)))
				return rc;
		*rows += 7;
	} else if (!*pending_pick && kind == DUES_RETIRED && i > 40) {
		*pending_pick = 1;
		if ((rc = insert_reduction(ctx, m, cur + 1, cur + 6, monthly / 2, "长期患病，医疗支出大，申请减半交纳", "pending")))
			return rc;
		(*rows)++;
	}
	chunk = i % 5 == 0 ? 3 : i % 23 == 1 ? 6 : 1;
	for (k = start; k <= stop; k += chunk) {
		int last = k + chunk - 1 < stop ? k + chunk - 1 : stop, mo;
		int64_t amount = 0, id = 0;
		for (mo = k; mo <= last; mo++)
			amount += raise && mo >= this_jan ? monthly2 : monthly;
		pay_day(ctx, k, 1 + (int)(i % 20), paid_on);
		xsnprintf(receipt, sizeof(receipt), "DF%06" PRId64 "%02d", m->id, k % 100);
		if ((rc = insert_payment(ctx, m, "regular", k, last, amount, paid_on, methods[i % 6], receipt, proxy, &id)))
			return rc;
		for (mo = k; mo <= last; mo++)
			if ((rc = insert_month(ctx, m, mo, raise && mo >= this_jan ? monthly2 : monthly, id)))
				return rc;
		*rows += 1 + last - k + 1;
	}
	return 0;
}

int demo_dues(struct ctx *ctx, int *rows)
{
	struct dm *ms = NULL;
	size_t n = 0, i, one_offs = 0;
	int rc, exempt_pick = 0, pending_pick = 0, cur = dues_ym_of(ctx->today);
	struct stmt *st;

	*rows = 0;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = load_members(ctx, &ms, &n)))
		goto fail;
	for (i = 0; i < n; i++)
		if ((rc = member_dues(ctx, &ms[i], i, &exempt_pick, &pending_pick, rows)))
			goto fail;
	/* two voluntary one-off payments (≥ 1000 元), recorded apart */
	for (i = 0; i < n && one_offs < 2; i++) {
		char paid_on[11], receipt[24];
		int64_t id = 0;
		if (strcmp(ms[i].person_type, "employed") && strcmp(ms[i].person_type, "retired"))
			continue;
		pay_day(ctx, cur - (int)one_offs, 1 + (int)one_offs * 5, paid_on);
		xsnprintf(receipt, sizeof(receipt), "ZY%06" PRId64, ms[i].id);
		if ((rc = insert_payment(ctx, &ms[i], "one_off", -1, -1, one_offs ? 200000 : 100000, paid_on, "bank", receipt,
					 NULL, &id)))
			goto fail;
		one_offs++;
		(*rows)++;
	}
	st = db_prepare(ctx->db,
			"UPDATE members SET dues_paid_to = (SELECT max(d.month) FROM dues_months d WHERE d.member_id = members.id) "
			"WHERE state IN ('active', 'transferring')",
			&ctx->err);
	if (!st || stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto fail;
	}
	free(ms);
	return db_commit(ctx->db, &ctx->err); /* rolls back itself on failure */
fail:
	free(ms);
	db_rollback(ctx->db);
	return rc;
}
