/*
 * GET /dues/payments (see dues.h): a subtree's payments, newest first. Two ways to the same
 * answer: the reference counts the rows and reads the page through the path index (fine for a
 * branch, a town, a county); a province's 9 M payments are counted from 046's kept tally (per
 * path prefix, year and kind: one row at the root) and its page is read backwards through
 * (paid_on, id), where nearly every row belongs to the subtree, so page 1 stops after
 * per_page rows. after= (keyset) starts the page after a payment instead of skipping rows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/dues_internal.h"
#include "domain/org.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* what a page read needs besides the filter */
struct pay_read {
	const struct dues_payment_filter *f;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], y0[11], y1[11];
	char after_on[11];   /* the after payment's paid_on ("" without after) */
	int by_date;
};

/* PAY_PATH_AT(col): the filter with the path taken as col (the page read by date on PostgreSQL
 * hides the path index from the planner, see page_sql) */
#define PAY_PATH_AT(col)                                                                                        \
	"WHERE " col " >= ? AND " col " < ? AND (? = '' OR (p.paid_on >= ? AND p.paid_on < ?)) "                  \
	"AND (? = 0 OR p.member_id = ?) AND (? = '' OR p.kind = ?) "
#define PAY_WHERE PAY_PATH_AT("p.org_path")

static void bind_where(struct stmt *st, const struct pay_read *r)
{
	const char *kind = r->f->kind ? r->f->kind : "";
	stmt_bind_text(st, 1, r->lo);
	stmt_bind_text(st, 2, r->hi);
	stmt_bind_text(st, 3, r->y0);
	stmt_bind_text(st, 4, r->y0);
	stmt_bind_text(st, 5, r->y1);
	stmt_bind_int(st, 6, r->f->member_id);
	stmt_bind_int(st, 7, r->f->member_id);
	stmt_bind_text(st, 8, kind);
	stmt_bind_text(st, 9, kind);
}

/* the reference: the rows counted */
static int count_rows(struct ctx *ctx, const struct pay_read *r, int64_t *total)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT count(*) FROM dues_payments p " PAY_WHERE, &ctx->err);
	int step;
	if (!st)
		return E_DB;
	bind_where(st, r);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* the kept count: the tally's row of the root's own path (every payment under it has that prefix) */
static int count_kept(struct ctx *ctx, const struct pay_read *r, int64_t *total)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT coalesce(sum(n), 0) FROM dues_pay_tally WHERE path = ? AND (? = 0 OR year = ?) "
				     "AND (? = '' OR kind = ?)",
				     &ctx->err);
	const char *kind = r->f->kind ? r->f->kind : "";
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, r->lo);
	stmt_bind_int(st, 2, r->f->year);
	stmt_bind_int(st, 3, r->f->year);
	stmt_bind_text(st, 4, kind);
	stmt_bind_text(st, 5, kind);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* after= must be a payment of the subtree (400 naming after); its paid_on into r */
static int load_after(struct ctx *ctx, struct pay_read *r)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT paid_on FROM dues_payments WHERE id = ? AND org_path >= ? AND org_path < ?",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, r->f->after);
	stmt_bind_text(st, 2, r->lo);
	stmt_bind_text(st, 3, r->hi);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, r->after_on, sizeof(r->after_on));
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW)
		return err_set(&ctx->err, E_MALFORMED, "after", NULL, "after=%" PRId64 " 不是本列表范围内的交费记录", r->f->after);
	return 0;
}

/*
 * The page's SQL. SQLite has no statistics here, so the index is named: by date for a large
 * subtree, else the path index as before the date index existed (a member's payments keep the
 * planner's member index). PostgreSQL has no hints, and for a city (586,000 of 9.45 M
 * payments) it sorted the city's rows from the path index (2-10 s) rather than read ~300 by
 * date: there the read by date compares org_path || '' (the same values), which no index has.
 */
static char *page_sql(const struct ctx *ctx, const struct pay_read *r)
{
	struct strbuf sb;
	const char *hint = "", *where = PAY_WHERE;
	if (!ctx_is_pg(ctx) && !r->f->member_id)
		hint = r->by_date ? "INDEXED BY dues_payments_paid " : "INDEXED BY dues_payments_path ";
	if (ctx_is_pg(ctx) && r->by_date && !r->f->member_id)
		where = PAY_PATH_AT("(p.org_path || '')");
	strbuf_init(&sb, 1024);
	strbuf_addf(&sb,
		    "SELECT " DUES_PAYMENT_COLS " FROM dues_payments p %sJOIN members m ON m.id = p.member_id "
		    "JOIN orgs o ON o.id = p.org_id %s%s"
		    "ORDER BY p.paid_on DESC, p.id DESC LIMIT ? OFFSET ?",
		    hint, where, r->after_on[0] ? "AND (p.paid_on, p.id) < (?, ?) " : "");
	return strbuf_detach(&sb, NULL);
}

static int read_page(struct ctx *ctx, const struct pay_read *r, int page, int per_page, json_t *items)
{
	char *sql = page_sql(ctx, r);
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int n = 10, step;
	free(sql);
	if (!st)
		return E_DB;
	bind_where(st, r);
	if (r->after_on[0]) {
		stmt_bind_text(st, n++, r->after_on);
		stmt_bind_int(st, n++, r->f->after);
	}
	stmt_bind_int(st, n++, per_page);
	stmt_bind_int(st, n, r->after_on[0] ? 0 : (int64_t)(page - 1) * per_page);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(items, dues_payment_json(st));
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int dues_payments_list(struct ctx *ctx, const struct dues_payment_filter *f, int page, int per_page, json_t **items,
		       int64_t *total)
{
	struct org root;
	struct pay_read r;
	int rc, kept;

	*items = NULL;
	*total = 0;
	memset(&r, 0, sizeof(r));
	r.f = f;
	if ((rc = dues_require_officer(ctx)) || (rc = org_scope_root(ctx, f->org_id, &root)))
		return rc;
	strlcpy_z(r.lo, root.path, sizeof(r.lo));
	path_range_end(root.path, r.hi, sizeof(r.hi));
	if (f->year) {
		xsnprintf(r.y0, sizeof(r.y0), "%04d-01-01", f->year);
		xsnprintf(r.y1, sizeof(r.y1), "%04d-01-01", f->year + 1);
	}
	/* the tally has no member: a member's payments are counted, they are few */
	kept = f->how != DUES_PAY_REF && !f->member_id;
	if ((rc = kept ? count_kept(ctx, &r, total) : count_rows(ctx, &r, total)))
		return rc;
	r.by_date = f->how == DUES_PAY_KEPT || (f->how == DUES_PAY_AUTO && !f->member_id && *total >= DUES_PAY_BY_DATE_FROM);
	if (f->after && (rc = load_after(ctx, &r)))
		return rc;
	*items = json_array();
	/* past the kept total nothing is read: a filter matching none of a province's 9 M rows
	 * (kind=one_off) would otherwise scan them all to find so */
	if (kept && (*total == 0 || (!f->after && (int64_t)(page - 1) * per_page >= *total)))
		return 0;
	if ((rc = read_page(ctx, &r, page, per_page, *items))) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

int dues_pay_tally_rebuild(struct ctx *ctx)
{
	static const char sqlite_sql[] =
		"DELETE FROM dues_pay_tally;"
		"INSERT INTO dues_pay_tally (path, year, kind, n) "
		"SELECT substr(g.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1) "
		" FROM json_each('[' || replace(trim(g.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key)) AS pre, "
		" g.y, g.kind, sum(g.c) "
		"FROM (SELECT org_path, CAST(substr(paid_on, 1, 4) AS INTEGER) AS y, kind, count(*) AS c FROM dues_payments "
		" GROUP BY org_path, CAST(substr(paid_on, 1, 4) AS INTEGER), kind) g, "
		" json_each('[' || replace(trim(g.org_path, '/'), '/', ',') || ']') j1 "
		"GROUP BY pre, g.y, g.kind;";
	static const char pg_sql[] =
		"DELETE FROM dues_pay_tally;"
		"INSERT INTO dues_pay_tally (path, year, kind, n) SELECT x, g.y, g.kind, sum(g.c) "
		"FROM (SELECT org_path, CAST(substr(paid_on, 1, 4) AS INTEGER) AS y, kind, count(*) AS c FROM dues_payments "
		" GROUP BY org_path, CAST(substr(paid_on, 1, 4) AS INTEGER), kind) g, dj_path_prefixes(g.org_path) AS x "
		"GROUP BY x, g.y, g.kind;";
	return db_exec(ctx->db, ctx_is_pg(ctx) ? pg_sql : sqlite_sql, &ctx->err);
}
