/*
 * 党费收缴表 (see dues_sheet.h): a month of the subtree's members from the bulk loader
 * (dues_sheet_load.c), grouped by branch, with totals and the one-off payments apart.
 */
#include "domain/dues_sheet_internal.h"
#include <stdlib.h>
#include <string.h>
#include "util/jsonw.h"
#include "util/named.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct named methods[] = {
	{ "cash", "现金" }, { "bank", "银行转账" }, { "wechat", "微信" }, { "alipay", "支付宝" }, { "payroll", "工资代扣" },
};
static const struct named statuses[DRS__COUNT] = {
	[DRS_NOT_DUE] = { "not_due", "未到交纳期" }, [DRS_PAID] = { "paid", "已交" },
	[DRS_EXEMPT] = { "exempt", "免交" },         [DRS_UNPAID] = { "unpaid", "未交" },
	[DRS_FUTURE] = { "future", "未到期" },       [DRS_NO_BASE] = { "no_base", "未核定" },
};

const char *dues_sheet_method_name(const char *method)
{
	const char *n = named_name_of(methods, NAMED_COUNT(methods), method);
	return n ? n : "";
}

const char *dues_row_status_code(int s)
{
	return named_code_at(statuses, DRS__COUNT, s);
}

const char *dues_row_status_name(int s)
{
	return named_name_at(statuses, DRS__COUNT, s);
}


/* ---- the month's sheet ------------------------------------------------------------------- */

static const char *keep_name(struct dues_sheet *s, const char *name)
{
	s->names = xreallocarray(s->names, s->nnames + 1, sizeof(char *));
	s->names[s->nnames] = xstrdup(name ? name : "");
	return s->names[s->nnames++];
}

/* rows come grouped by org: the last branch is the usual hit */
static struct dues_sheet_branch *branch_of(struct dues_sheet *s, int64_t org_id)
{
	size_t k;
	for (k = s->nbranches; k-- > 0;)
		if (s->branches[k].org_id == org_id)
			return &s->branches[k];
	return NULL;
}

int dues_sheet_load(struct ctx *ctx, int64_t org_id, int month, struct dues_sheet *out)
{
	struct sheet_loader l;
	struct org root;
	struct stmt *st;
	int *month_of_mem = NULL, *order = NULL;
	size_t i, k, n, abr = 0, aoff = 0;
	char from[11], to[11];
	int rc, step;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	if ((rc = sheet_open_root(ctx, org_id, &root)))
		return rc;
	out->org_id = root.id;
	strlcpy_z(out->org_name, root.name, sizeof(out->org_name));
	out->month = month;
	if ((rc = sheet_loader_open(&l, ctx, &root, month, month, 1)) || (rc = sheet_load_bases(&l)) || (rc = sheet_load_reductions(&l)) ||
	    (rc = sheet_load_months(&l, 1)) || (rc = sheet_load_past(&l)) || (rc = sheet_load_org_names(&l)))
		goto out;
	month_of_mem = xmalloc((l.nmems + 1) * sizeof(int));
	for (k = 0; k < l.nmems; k++)
		month_of_mem[k] = -1;
	for (k = 0; k < l.nmonths; k++)
		month_of_mem[l.months[k].mi] = (int)k;
	out->rows = xcalloc(l.nmems + 1, sizeof(*out->rows));
	/* the members the subtree held on the month's last day, at the branch that held them */
	order = sheet_members_at(&l, month, &n);
	for (i = 0; i < n; i++) {
		const struct sl_mem *m = &l.mems[k = (size_t)order[i]];
		struct dues_sheet_row *r = &out->rows[out->nrows++];
		struct dues_sheet_branch *br;
		const struct dues_base_row *b;
		const char *held_path;
		int status, reduced;
		r->member_id = m->id;
		sheet_held_at(&l, m, month, &r->org_id, &held_path);
		r->name = keep_name(out, m->name);
		r->org_name = keep_name(out, sheet_org_name(&l, r->org_id));
		r->due_fen = sheet_due_at(m, month, &status, &reduced);
		r->reduced = reduced;
		r->kind = -1;
		if ((b = dues_base_at(&m->plan, month))) {
			r->kind = b->kind;
			r->base_fen = b->base_fen;
		}
		if (month_of_mem[k] >= 0) {
			struct sl_month *mr = &l.months[month_of_mem[k]];
			status = mr->exempt ? DRS_EXEMPT : DRS_PAID;
			r->paid_fen = mr->paid_fen;
			memcpy(r->paid_on, mr->paid_on, sizeof(r->paid_on));
			memcpy(r->method, mr->method, sizeof(r->method));
			r->receipt_no = mr->receipt_no;
			mr->receipt_no = NULL;
		} else if (status == DRS_UNPAID && month > l.current) {
			status = DRS_FUTURE;
		}
		r->status = status;
		r->arrears_months = sheet_arrears_months(&l, m);
		if (!(br = branch_of(out, r->org_id))) {
			ALLOC_GROW(out->branches, out->nbranches + 1, abr);
			br = &out->branches[out->nbranches++];
			memset(br, 0, sizeof(*br));
			br->org_id = r->org_id;
			br->name = r->org_name;
			br->first = out->nrows - 1;
		}
		br->count++;
		br->due_fen += r->due_fen;
		br->paid_fen += r->paid_fen;
		out->totals.members++;
		out->totals.due_fen += r->due_fen;
		out->totals.paid_fen += r->paid_fen;
		if (status == DRS_UNPAID || status == DRS_FUTURE) {
			br->unpaid_members++;
			out->totals.unpaid_members++;
		} else if (status == DRS_NO_BASE) {
			out->totals.no_base_members++;
		}
	}
	if (!(st = sheet_prepare_one_offs(&l, from, to))) {
		rc = E_DB;
		goto out;
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct dues_one_off *o;
		struct dues_sheet_branch *br;
		if (l.group_id && sheet_find_member(&l, stmt_int(st, 1)) < 0)
			continue;
		ALLOC_GROW(out->one_offs, out->none_offs + 1, aoff);
		o = &out->one_offs[out->none_offs++];
		memset(o, 0, sizeof(*o));
		o->payment_id = stmt_int(st, 0);
		o->member_id = stmt_int(st, 1);
		o->org_id = stmt_int(st, 2);
		o->name = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
		o->amount_fen = stmt_int(st, 4);
		stmt_text_copy(st, 5, o->paid_on, sizeof(o->paid_on));
		stmt_text_copy(st, 6, o->method, sizeof(o->method));
		if (stmt_text(st, 7) && stmt_text(st, 7)[0])
			o->receipt_no = xstrdup(stmt_text(st, 7));
		out->totals.one_off_fen += o->amount_fen;
		if ((br = branch_of(out, o->org_id)))
			br->one_off_fen += o->amount_fen;
	}
	rc = sheet_finish(&l, st, step);
out:
	free(month_of_mem);
	free(order);
	sheet_loader_release(&l);
	if (rc)
		dues_sheet_release(out);
	return rc;
}

void dues_sheet_release(struct dues_sheet *s)
{
	size_t k;
	for (k = 0; k < s->nrows; k++)
		free(s->rows[k].receipt_no);
	for (k = 0; k < s->none_offs; k++) {
		free(s->one_offs[k].name);
		free(s->one_offs[k].receipt_no);
	}
	for (k = 0; k < s->nnames; k++)
		free(s->names[k]);
	free(s->rows);
	free(s->branches);
	free(s->one_offs);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

void dues_sheet_json(const struct dues_sheet *s, struct strbuf *out)
{
	struct jw w;
	char month[8];
	size_t k;
	jw_init(&w, out);
	dues_ym_format(s->month, month);
	jw_open(&w);
	jw_key(&w, "org");
	jw_open(&w);
	jw_int(&w, "id", s->org_id);
	jw_str(&w, "name", s->org_name);
	jw_close(&w);
	jw_str(&w, "month", month);
	jw_key(&w, "rows");
	jw_array(&w);
	for (k = 0; k < s->nrows; k++) {
		const struct dues_sheet_row *r = &s->rows[k];
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "member_id", r->member_id);
		jw_str(&w, "name", r->name);
		jw_int(&w, "org_id", r->org_id);
		jw_str(&w, "org_name", r->org_name);
		jw_str_or_null(&w, "kind", r->kind >= 0 ? dues_kind_code(r->kind) : NULL);
		jw_str_or_null(&w, "kind_name", r->kind >= 0 ? dues_kind_label(r->kind) : NULL);
		jw_int(&w, "base_fen", r->base_fen);
		jw_int(&w, "due_fen", r->due_fen);
		jw_int(&w, "paid_fen", r->paid_fen);
		jw_str(&w, "status", dues_row_status_code(r->status));
		jw_str(&w, "status_name", dues_row_status_name(r->status));
		jw_bool(&w, "reduced", r->reduced);
		jw_str_or_null(&w, "paid_on", r->paid_on);
		jw_str_or_null(&w, "method", r->method);
		jw_str_or_null(&w, "receipt_no", r->receipt_no);
		jw_int(&w, "arrears_months", r->arrears_months);
		jw_close(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "branches");
	jw_array(&w);
	for (k = 0; k < s->nbranches; k++) {
		const struct dues_sheet_branch *b = &s->branches[k];
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "org_id", b->org_id);
		jw_str(&w, "name", b->name);
		jw_int(&w, "members", (int64_t)b->count);
		jw_int(&w, "due_fen", b->due_fen);
		jw_int(&w, "paid_fen", b->paid_fen);
		jw_int(&w, "unpaid_members", b->unpaid_members);
		jw_int(&w, "one_off_fen", b->one_off_fen);
		jw_close(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "one_offs");
	jw_array(&w);
	for (k = 0; k < s->none_offs; k++) {
		const struct dues_one_off *o = &s->one_offs[k];
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "payment_id", o->payment_id);
		jw_int(&w, "member_id", o->member_id);
		jw_str(&w, "name", o->name);
		jw_int(&w, "org_id", o->org_id);
		jw_int(&w, "amount_fen", o->amount_fen);
		jw_str_or_null(&w, "paid_on", o->paid_on);
		jw_str_or_null(&w, "method", o->method);
		jw_str_or_null(&w, "receipt_no", o->receipt_no);
		jw_close(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "totals");
	jw_open(&w);
	jw_int(&w, "members", s->totals.members);
	jw_int(&w, "due_fen", s->totals.due_fen);
	jw_int(&w, "paid_fen", s->totals.paid_fen);
	jw_int(&w, "unpaid_members", s->totals.unpaid_members);
	jw_int(&w, "no_base_members", s->totals.no_base_members);
	jw_int(&w, "one_off_fen", s->totals.one_off_fen);
	jw_close(&w);
	jw_close(&w);
}

