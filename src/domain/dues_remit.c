/*
 * 上缴汇总 (see dues_sheet.h): a year or a month of the subtree's dues rolled up to the
 * root's direct children (and its own members), from the bulk loader (dues_sheet_load.c)
 * with the same due rule as the monthly sheets, so a year is the sum of its sheets.
 */
#include "domain/dues_sheet_internal.h"
#include <stdlib.h>
#include <string.h>
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* the direct child of root (by id) a path lies under; 0 for root's own */
static int64_t child_id_of(const char *root_path, const char *path)
{
	size_t n = strlen(root_path);
	int64_t id = 0;
	const char *p;
	if (strncmp(path, root_path, n))
		return -1;
	for (p = path + n; *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (*p - '0');
	return id;
}

static struct dues_remit_row *remit_row(struct dues_remittance *r, int64_t id)
{
	size_t k;
	for (k = 0; k < r->nrows; k++)
		if (r->rows[k].org_id == id)
			return &r->rows[k];
	return NULL;
}

static void remit_add(struct dues_remit_row *to, const struct dues_remit_row *x)
{
	to->members += x->members;
	to->due_fen += x->due_fen;
	to->collected_fen += x->collected_fen;
	to->one_off_fen += x->one_off_fen;
	to->arrears_fen += x->arrears_fen;
}

/* the row of the child that held m on the last day of month mo, or NULL outside the subtree */
static struct dues_remit_row *held_row(struct dues_remittance *out, const struct sheet_loader *l, const struct org *root,
				       const struct sl_mem *m, int mo)
{
	int64_t org, cid;
	const char *path;
	if (!sheet_held_at(l, m, mo, &org, &path))
		return NULL;
	cid = child_id_of(root->path, path);
	return cid == 0 ? &out->rows[0] : cid > 0 ? remit_row(out, cid) : NULL;
}

int dues_remittance_load(struct ctx *ctx, int64_t org_id, int year, int month, struct dues_remittance *out)
{
	struct sheet_loader l;
	struct org root;
	struct stmt *st;
	struct dues_remit_row self;
	struct dues_remit_row **of_mem = NULL;
	uint32_t *paid_mask = NULL;
	size_t k, arows = 0, keep;
	char from[11], to[11];
	int rc, step, first, last;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	memset(&self, 0, sizeof(self));
	first = month >= 0 ? month : year * 12;
	last = month >= 0 ? month : year * 12 + 11;
	if (last - first + 1 > SHEET_PERIOD_MAX)
		return err_set(&ctx->err, E_INVALID, "month", "field.month", "汇总期间不能超过 12 个月");
	if ((rc = sheet_open_root(ctx, org_id, &root)))
		return rc;
	out->org_id = root.id;
	strlcpy_z(out->org_name, root.name, sizeof(out->org_name));
	out->year = first / 12;
	out->first = first;
	out->last = last;
	out->by_month = month >= 0;
	/* the direct children, as the tree shows them */
	st = db_prepare(ctx->db,
			root.id ? "SELECT id, name, dissolved_on FROM orgs WHERE parent_id = ? ORDER BY kind = 'group', code, id"
				: "SELECT id, name, dissolved_on FROM orgs WHERE parent_id IS NULL ORDER BY code, id",
			&ctx->err);
	if (!st)
		return E_DB;
	if (root.id)
		stmt_bind_int(st, 1, root.id);
	/* the root's own members first */
	ALLOC_GROW(out->rows, out->nrows + 1, arows);
	memset(&out->rows[0], 0, sizeof(out->rows[0]));
	out->rows[0].org_id = root.id;
	out->rows[0].name = xstrdup(root.name);
	out->rows[0].self = 1;
	out->nrows = 1;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct dues_remit_row *r;
		ALLOC_GROW(out->rows, out->nrows + 1, arows);
		r = &out->rows[out->nrows++];
		memset(r, 0, sizeof(*r));
		r->org_id = stmt_int(st, 0);
		r->name = xstrdup(stmt_text(st, 1) ? stmt_text(st, 1) : "");
		r->self = stmt_is_null(st, 2) ? 0 : -1;   /* -1: dissolved, kept only with figures */
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if ((rc = sheet_loader_open(&l, ctx, &root, first, last, 0)) || (rc = sheet_load_bases(&l)) || (rc = sheet_load_reductions(&l)) ||
	    (rc = sheet_load_months(&l, 0)))
		goto out;
	of_mem = xcalloc(l.nmems + 1, sizeof(*of_mem));
	paid_mask = xcalloc(l.nmems + 1, sizeof(*paid_mask));
	for (k = 0; k < l.nmems; k++) {
		int64_t cid = l.group_id ? 0 : child_id_of(root.path, l.mems[k].path);
		if (l.mems[k].moves_n) {
			/* moved in or out: counted under each child that held them in some month of the period */
			struct dues_remit_row *seen[SHEET_PERIOD_MAX];
			int mo, nseen = 0, i;
			for (mo = first; mo <= last; mo++) {
				struct dues_remit_row *r = held_row(out, &l, &root, &l.mems[k], mo);
				for (i = 0; i < nseen && seen[i] != r; i++)
					;
				if (r && i == nseen) {
					seen[nseen++] = r;
					r->members++;
				}
			}
			continue;
		}
		of_mem[k] = cid == 0 ? &out->rows[0] : cid > 0 ? remit_row(out, cid) : NULL;
		if (of_mem[k])
			of_mem[k]->members++;
	}
	for (k = 0; k < l.nmonths; k++) {
		const struct sl_month *mr = &l.months[k];
		struct dues_remit_row *r = of_mem[mr->mi];
		paid_mask[mr->mi] |= 1u << (mr->month - first);
		if (mr->org_path) {  /* a member who moved: the money stays with the branch that collected it */
			int64_t cid = child_id_of(root.path, mr->org_path);
			r = cid == 0 ? &out->rows[0] : cid > 0 ? remit_row(out, cid) : NULL;
		}
		if (r)
			r->collected_fen += mr->paid_fen;
	}
	for (k = 0; k < l.nmems; k++) {
		int mo;
		if (!of_mem[k] && !l.mems[k].moves_n)
			continue;
		for (mo = first; mo <= last; mo++) {
			int status, reduced;
			struct dues_remit_row *r = l.mems[k].moves_n ? held_row(out, &l, &root, &l.mems[k], mo) : of_mem[k];
			int64_t due;
			if (!r)
				continue;
			due = sheet_due_at(&l.mems[k], mo, &status, &reduced);
			r->due_fen += due;
			if (mo < l.current && !(paid_mask[k] & (1u << (mo - first))))
				r->arrears_fen += due;
		}
	}
	if (!(st = sheet_prepare_one_offs(&l, from, to))) {
		rc = E_DB;
		goto out;
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t cid = l.group_id ? (sheet_find_member(&l, stmt_int(st, 1)) < 0 ? -1 : 0)
					 : child_id_of(root.path, stmt_text(st, 8) ? stmt_text(st, 8) : "");
		struct dues_remit_row *r = cid == 0 ? &out->rows[0] : cid > 0 ? remit_row(out, cid) : NULL;
		if (r)
			r->one_off_fen += stmt_int(st, 4);
	}
	if ((rc = sheet_finish(&l, st, step)))
		goto out;
	/* drop the root's own row without members or money, and dissolved children likewise */
	for (k = 0, keep = 0; k < out->nrows; k++) {
		struct dues_remit_row *r = &out->rows[k];
		int empty = !r->members && !r->due_fen && !r->collected_fen && !r->one_off_fen;
		if ((r->self == 1 || r->self == -1) && empty) {
			free(r->name);
			continue;
		}
		if (r->self == -1)
			r->self = 0;
		remit_add(&out->totals, r);
		out->rows[keep++] = *r;
	}
	out->nrows = keep;
	out->totals.org_id = root.id;
	out->totals.name = xstrdup("合计");
out:
	free(of_mem);
	free(paid_mask);
	sheet_loader_release(&l);
	if (rc)
		dues_remittance_release(out);
	return rc;
}

void dues_remittance_release(struct dues_remittance *r)
{
	size_t k;
	for (k = 0; k < r->nrows; k++)
		free(r->rows[k].name);
	free(r->rows);
	free(r->totals.name);
	memset(r, 0, sizeof(*r));
}

static void remit_row_json(struct jw *w, const struct dues_remit_row *r, int with_org)
{
	jw_open(w);
	if (with_org) {
		jw_int(w, "org_id", r->org_id);
		jw_str(w, "name", r->name);
		jw_bool(w, "self", r->self);
	}
	jw_int(w, "members", r->members);
	jw_int(w, "due_fen", r->due_fen);
	jw_int(w, "collected_fen", r->collected_fen);
	jw_int(w, "one_off_fen", r->one_off_fen);
	jw_int(w, "arrears_fen", r->arrears_fen);
	jw_int(w, "remit_fen", r->collected_fen + r->one_off_fen);
	jw_close(w);
}

void dues_remittance_json(const struct dues_remittance *r, struct strbuf *out)
{
	struct jw w;
	char month[8];
	size_t k;
	jw_init(&w, out);
	jw_open(&w);
	jw_key(&w, "org");
	jw_open(&w);
	jw_int(&w, "id", r->org_id);
	jw_str(&w, "name", r->org_name);
	jw_close(&w);
	jw_int(&w, "year", r->year);
	if (r->by_month) {
		dues_ym_format(r->first, month);
		jw_str(&w, "month", month);
	} else {
		jw_str_or_null(&w, "month", NULL);
	}
	jw_key(&w, "rows");
	jw_array(&w);
	for (k = 0; k < r->nrows; k++) {
		jw_elem(&w);
		remit_row_json(&w, &r->rows[k], 1);
	}
	jw_array_end(&w);
	jw_key(&w, "totals");
	remit_row_json(&w, &r->totals, 0);
	jw_close(&w);
}
