/*
 * GET /api/v1/dues/sheet (党费收缴登记表) and GET /api/v1/dues/remittance (上缴汇总), as
 * JSON or, with ?format=xlsx|csv, as the paper forms a branch signs and sends up
 * (domain/dues_sheet.c computes both).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "domain/dues.h"
#include "domain/dues_sheet.h"
#include "io/table.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SHEET_COLS 9

/* ?org_id= (or ?org=, as the lists take it); 0 = the caller's scope root */
static int query_org(struct request *req, int64_t *org)
{
	int rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, org);
	if (!rc && !*org)
		rc = api_query_int(req, "org", 0, 0, INT64_MAX, org);
	return rc;
}

/* ?month=YYYY-MM: absent → the current month; anything else is 422 naming month */
static int query_month(struct request *req, int *ym)
{
	const char *s = req_query(req, "month");
	if (!s || !*s) {
		*ym = req->ctx.today.y * 12 + req->ctx.today.m - 1;
		return 0;
	}
	if ((*ym = dues_ym_parse(s)) < 0)
		return err_set(&req->ctx.err, E_INVALID, "month", "field.month", "月份格式应为 YYYY-MM，如 2026-03");
	return 0;
}

/* fen → "12.34" */
static const char *yuan(int64_t fen, char buf[32])
{
	int64_t a = fen < 0 ? -fen : fen;
	xsnprintf(buf, 32, "%s%" PRId64 ".%02d", fen < 0 ? "-" : "", a / 100, (int)(a % 100));
	return buf;
}

static void reply_json(struct response *res, struct strbuf *sb)
{
	size_t len = 0;
	char *data = strbuf_detach(sb, &len);
	api_reply_file(res, data, len, "application/json; charset=utf-8", NULL);
}

static void line(struct table_writer *w, const char *a, const char *b)
{
	const char *cells[2] = { a, b };
	table_writer_row(w, b ? 2 : 1, cells);
}

static void totals_line(struct table_writer *w, const char *label, int members, int64_t due, int64_t paid)
{
	char d[32], p[32], people[48];
	const char *cells[SHEET_COLS] = { label, people, "", yuan(due, d), yuan(paid, p), "", "", "", "" };
	xsnprintf(people, sizeof(people), "%d 人", members);
	table_writer_row(w, SHEET_COLS, cells);
}

/* 党费收缴登记表: title, org and month, the columns of the paper form, a totals row */
static int reply_sheet_table(struct request *req, struct response *res, const struct dues_sheet *s)
{
	static const char *const header[SHEET_COLS] = { "姓名", "类别", "基数（元）", "应交（元）", "实交（元）",
							 "交纳日期", "方式", "收据号", "签名" };
	enum table_format fmt;
	struct table_writer *w;
	struct strbuf title = STRBUF_INIT;
	char month[8], base[32], due[32], paid[32], name[64];
	size_t b, k;
	int rc;
	if ((rc = api_query_format(req, &fmt)))
		return rc;
	dues_ym_format(s->month, month);
	w = table_writer_new(fmt, "党费收缴登记表");
	line(w, "党费收缴登记表", NULL);
	strbuf_addf(&title, "%.4s年%s月", month, month + 5);
	line(w, "党组织", s->org_name);
	line(w, "月份", title.buf);
	table_writer_header(w, SHEET_COLS, header);
	for (b = 0; b < s->nbranches; b++) {
		const struct dues_sheet_branch *br = &s->branches[b];
		if (s->nbranches > 1)
			line(w, br->name, NULL);
		for (k = br->first; k < br->first + br->count; k++) {
			const struct dues_sheet_row *r = &s->rows[k];
			int paid_row = r->status == DRS_PAID || r->status == DRS_EXEMPT;
			const char *cells[SHEET_COLS] = {
				r->name,
				r->kind >= 0 ? dues_kind_label(r->kind) : dues_row_status_name(DRS_NO_BASE),
				r->kind == DUES_EMPLOYED || r->kind == DUES_RETIRED ? yuan(r->base_fen, base) : "",
				r->status == DRS_NOT_DUE ? dues_row_status_name(DRS_NOT_DUE) : yuan(r->due_fen, due),
				paid_row ? yuan(r->paid_fen, paid) : "",
				r->paid_on,
				r->status == DRS_EXEMPT ? dues_row_status_name(DRS_EXEMPT) : dues_sheet_method_name(r->method),
				r->receipt_no ? r->receipt_no : "",
				"",
			};
			table_writer_row(w, SHEET_COLS, cells);
		}
		if (s->nbranches > 1)
			totals_line(w, "小计", (int)br->count, br->due_fen, br->paid_fen);
	}
	totals_line(w, "合计", s->totals.members, s->totals.due_fen, s->totals.paid_fen);
	xsnprintf(name, sizeof(name), "%d 人未交", s->totals.unpaid_members);
	line(w, "未交人数", name);
	if (s->none_offs) {
		line(w, "自愿一次性交纳（另行登记，全额上缴）", NULL);
		for (k = 0; k < s->none_offs; k++) {
			const struct dues_one_off *o = &s->one_offs[k];
			const char *cells[SHEET_COLS] = { o->name, "一次性交纳", "", "", yuan(o->amount_fen, paid), o->paid_on,
							  dues_sheet_method_name(o->method), o->receipt_no ? o->receipt_no : "", "" };
			table_writer_row(w, SHEET_COLS, cells);
		}
		line(w, "一次性交纳合计", yuan(s->totals.one_off_fen, paid));
	}
	line(w, "收缴人（签名）：", "支部书记（签名）：");
	strbuf_release(&title);
	xsnprintf(name, sizeof(name), "dues-sheet-%s", month);
	return api_reply_table_writer(req, res, w, fmt, name);
}

int h_dues_sheet(struct request *req, struct response *res)
{
	struct dues_sheet s;
	struct strbuf sb = STRBUF_INIT;
	int64_t org;
	int ym, rc;
	if ((rc = query_org(req, &org)) || (rc = query_month(req, &ym)) || (rc = dues_sheet_load(&req->ctx, org, ym, &s)))
		return rc;
	if (req_query(req, "format")) {
		rc = reply_sheet_table(req, res, &s);
	} else {
		strbuf_init(&sb, 256 + s.nrows * 360);
		dues_sheet_json(&s, &sb);
		reply_json(res, &sb);
	}
	dues_sheet_release(&s);
	return rc;
}

static void remit_cells(const struct dues_remit_row *r, const char *name, char bufs[6][32], const char **cells)
{
	xsnprintf(bufs[0], 32, "%d", r->members);
	cells[0] = name;
	cells[1] = bufs[0];
	cells[2] = yuan(r->due_fen, bufs[1]);
	cells[3] = yuan(r->collected_fen, bufs[2]);
	cells[4] = yuan(r->one_off_fen, bufs[3]);
	cells[5] = yuan(r->collected_fen + r->one_off_fen, bufs[4]);
	cells[6] = yuan(r->arrears_fen, bufs[5]);
}

static int reply_remittance_table(struct request *req, struct response *res, const struct dues_remittance *r)
{
	static const char *const header[7] = { "党组织", "党员数", "应交（元）", "实交（元）", "一次性交纳（元）",
					       "上缴合计（元）", "欠交（元）" };
	enum table_format fmt;
	struct table_writer *w;
	char bufs[6][32], period[32], name[64];
	const char *cells[7];
	size_t k;
	int rc;
	if ((rc = api_query_format(req, &fmt)))
		return rc;
	if (r->by_month) {
		char m[8];
		dues_ym_format(r->first, m);
		xsnprintf(period, sizeof(period), "%d年%d月", r->first / 12, r->first % 12 + 1);
		xsnprintf(name, sizeof(name), "dues-remittance-%s", m);
	} else {
		xsnprintf(period, sizeof(period), "%d年", r->year);
		xsnprintf(name, sizeof(name), "dues-remittance-%d", r->year);
	}
	w = table_writer_new(fmt, "党费上缴汇总表");
	line(w, "党费上缴汇总表", NULL);
	line(w, "党组织", r->org_name);
	line(w, "期间", period);
	table_writer_header(w, 7, header);
	for (k = 0; k < r->nrows; k++) {
		struct strbuf label = STRBUF_INIT;
		strbuf_addstr(&label, r->rows[k].name);
		if (r->rows[k].self)
			strbuf_addstr(&label, "（本级直属党员）");
		remit_cells(&r->rows[k], label.buf, bufs, cells);
		table_writer_row(w, 7, cells);
		strbuf_release(&label);
	}
	remit_cells(&r->totals, "合计", bufs, cells);
	table_writer_row(w, 7, cells);
	line(w, "填报人（签名）：", "负责人（签名）：");
	return api_reply_table_writer(req, res, w, fmt, name);
}

int h_dues_remittance(struct request *req, struct response *res)
{
	struct dues_remittance r;
	struct strbuf sb = STRBUF_INIT;
	const char *ms = req_query(req, "month");
	int64_t org, year;
	int ym = -1, rc;
	if ((rc = query_org(req, &org)) || (rc = api_query_int(req, "year", req->ctx.today.y, 1900, 2200, &year)))
		return rc;
	if (ms && *ms) {
		if ((rc = query_month(req, &ym)))
			return rc;
		if (req_query(req, "year") && *req_query(req, "year") && ym / 12 != year)
			return err_set(&req->ctx.err, E_INVALID, "month", "field.month", "月份不在所选年度内");
		year = ym / 12;
	}
	if ((rc = dues_remittance_load(&req->ctx, org, (int)year, ym, &r)))
		return rc;
	if (req_query(req, "format")) {
		rc = reply_remittance_table(req, res, &r);
	} else {
		strbuf_init(&sb, 256 + r.nrows * 200);
		dues_remittance_json(&r, &sb);
		reply_json(res, &sb);
	}
	dues_remittance_release(&r);
	return rc;
}
