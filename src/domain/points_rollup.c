/*
 * Kept rollups of the ledger (018_point_rollups): per subject and year the net raw sums
 * per (indicator, month) and the number of entries per month, so the standings read
 * one short row per subject instead of its dozens of entries. points_append keeps the
 * subject's row in the same transaction as the entry; points_rollups_rebuild computes
 * them again from point_entries (the consistency check, and the repair).
 *
 * The encoding of cells (the migration's comment is the same):
 *   groups separated by ';', each "<indicator id>:<cell>[,<cell>…]"; a cell is one
 *   month character 1-9 a b c (January … December) followed by the signed decimal raw
 *   sum in tenths. Indicator 0 holds the number of entries per month.
 *   Canonical: groups by indicator ascending, cells by month ascending, no zero cell,
 *   no empty group; "" when nothing. Example: "0:14,25;17:1-20,550;23:c10".
 * The reader does not depend on the order (the migration's backfill aggregates without
 * one); the writer always writes the canonical form.
 */
#include "domain/points_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int corrupt(struct ctx *ctx, const char *target, int64_t subject_id, int year)
{
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分汇总数据无法解析（%s %" PRId64 "，%d 年）", target,
		       subject_id, year);
}

/* ---- the codec ------------------------------------------------------------------- */

struct cell {
	int64_t ind;
	int month;
	int64_t raw;
};

struct cells {
	struct cell *v;
	size_t n, alloc;
};

static int cell_cmp(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	if (x->ind != y->ind)
		return x->ind < y->ind ? -1 : 1;
	return x->month - y->month;
}

static void cells_push(struct cells *c, int64_t ind, int month, int64_t raw)
{
	ALLOC_GROW(c->v, c->n + 1, c->alloc);
	c->v[c->n].ind = ind;
	c->v[c->n].month = month;
	c->v[c->n].raw = raw;
	c->n++;
}

/* Adds raw to the cell (ind, month), making it if needed (a short linear search: a
 * subject's year holds a few dozen cells). */
static void cells_add(struct cells *c, int64_t ind, int month, int64_t raw)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (c->v[i].ind == ind && c->v[i].month == month) {
			c->v[i].raw += raw;
			return;
		}
	cells_push(c, ind, month, raw);
}

/* all cells of s appended to c; -1 when malformed */
static int cells_parse(struct cells *c, const char *s)
{
	struct points_rollup_iter it;
	int64_t ind;
	int month, raw, r;
	points_rollup_iter_init(&it, s);
	while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0)
		cells_push(c, ind, month, raw);
	return r;
}

static void add_int(struct strbuf *sb, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		strbuf_addch(sb, '-');
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		strbuf_addch(sb, tmp[--n]);
}

/* The canonical text of c (sorted, equal cells merged, zeros dropped) into sb. */
static void cells_encode(struct cells *c, struct strbuf *sb)
{
	static const char month_char[] = "0123456789abc";
	size_t i, j;
	int64_t group = -1;
	strbuf_reset(sb);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cell_cmp);
	for (i = 0; i < c->n; i = j) {
		int64_t raw = c->v[i].raw;
		for (j = i + 1; j < c->n && !cell_cmp(&c->v[i], &c->v[j]); j++)
			raw += c->v[j].raw;
		if (!raw || c->v[i].month < 1 || c->v[i].month > 12)
			continue;
		if (c->v[i].ind != group) {
			if (group >= 0)
				strbuf_addch(sb, ';');
			group = c->v[i].ind;
			add_int(sb, group);
			strbuf_addch(sb, ':');
		} else {
			strbuf_addch(sb, ',');
		}
		strbuf_addch(sb, month_char[c->v[i].month]);
		add_int(sb, raw);
	}
}

/* ---- keeping them ---------------------------------------------------------------- */

int points_rollup_add(struct ctx *ctx, const char *target, int64_t subject_id, int period_no, int64_t indicator_id,
		      int points_x10)
{
	struct cells c = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st;
	int year = period_no / 12, month = period_no % 12 + 1, step, rc = 0;
	int old_raw[12];

	/* Take the row (made empty when the subject has none for the year) with its lock:
	 * on PostgreSQL a concurrent append for the same subject waits here and then reads
	 * this transaction's cells, so no sum is lost; SQLite writers are exclusive. */
	st = db_prepare(ctx->db,
			"INSERT INTO point_rollups (target, subject_id, year, cells) VALUES (?, ?, ?, '') "
			"ON CONFLICT (target, subject_id, year) DO UPDATE SET cells = point_rollups.cells RETURNING cells",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject_id);
	stmt_bind_int(st, 3, year);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && cells_parse(&c, stmt_text(st, 0)) < 0)
		rc = corrupt(ctx, target, subject_id, year);
	stmt_reset(st);
	if (!rc && step != STEP_ROW)
		rc = ctx_db_fail(ctx);
	if (rc)
		goto out;
	{
		size_t i;
		memset(old_raw, 0, sizeof(old_raw));
		for (i = 0; i < c.n; i++)
			if (c.v[i].ind == indicator_id && c.v[i].month >= 1 && c.v[i].month <= 12)
				old_raw[c.v[i].month - 1] += (int)c.v[i].raw;
	}
	cells_add(&c, 0, month, 1);
	cells_add(&c, indicator_id, month, points_x10);
	cells_encode(&c, &sb);
	st = db_prepare(ctx->db, "UPDATE point_rollups SET cells = ? WHERE target = ? AND subject_id = ? AND year = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, sb.buf);
	stmt_bind_text(st, 2, target);
	stmt_bind_int(st, 3, subject_id);
	stmt_bind_int(st, 4, year);
	rc = stmt_run(st, &ctx->err);
	/* the kept period values and histograms (039) from the same change */
	if (!rc)
		rc = points_standing_apply(ctx, target, subject_id, year, old_raw, month, indicator_id, points_x10);
out:
	free(c.v);
	strbuf_release(&sb);
	return rc;
}

/* ---- the consistency check ------------------------------------------------------- */

struct rollup_row {
	char target[8];
	int64_t subject_id;
	int year;
	char *cells;                 /* owned, canonical */
};

struct rollup_rows {
	struct rollup_row *v;
	size_t n, alloc;
};

static void rows_release(struct rollup_rows *r)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		free(r->v[i].cells);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int row_key_cmp(const struct rollup_row *x, const struct rollup_row *y)
{
	int c = strcmp(x->target, y->target);
	if (c)
		return c;
	if (x->subject_id != y->subject_id)
		return x->subject_id < y->subject_id ? -1 : 1;
	return x->year - y->year;
}

static int row_cmp(const void *a, const void *b)
{
	return row_key_cmp(a, b);
}

static void rows_push(struct rollup_rows *r, const char *target, int64_t subject_id, int year, struct strbuf *cells)
{
	struct rollup_row *row;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	row = &r->v[r->n++];
	strlcpy_z(row->target, target, sizeof(row->target));
	row->subject_id = subject_id;
	row->year = year;
	row->cells = xstrdup(cells->buf);
}

/* the subjects of the subtree as a WHERE clause on alias a (path NULL: everything) */
static void subject_filter(struct strbuf *sql, const char *a, const char *path)
{
	if (!path)
		return;
	strbuf_addf(sql,
		    " WHERE (%s.target = 'member' AND %s.subject_id IN (SELECT id FROM members WHERE org_path >= ? AND "
		    "org_path < ?)) OR (%s.target = 'branch' AND %s.subject_id IN (SELECT id FROM orgs WHERE path >= ? AND "
		    "path < ?))",
		    a, a, a, a);
}

static void bind_filter(struct stmt *st, const char *path, const char *hi)
{
	if (!path)
		return;
	stmt_bind_text(st, 1, path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, path);
	stmt_bind_text(st, 4, hi);
}

/* What the ledger says: one canonical row per subject and year with entries. */
static int rows_from_entries(struct ctx *ctx, const char *path, const char *hi, struct rollup_rows *out)
{
	struct strbuf sql = STRBUF_INIT, enc = STRBUF_INIT;
	struct cells c = { 0 };
	struct stmt *st;
	char target[8] = "";
	int64_t subject = 0;
	int year = 0, step, rc = 0, have = 0;
	strbuf_addstr(&sql, "SELECT e.target, e.subject_id, e.period_no, e.indicator_id, sum(e.points_x10), count(*) "
			    "FROM point_entries e");
	subject_filter(&sql, "e", path);
	/* ordered so one subject's year comes in one run */
	strbuf_addstr(&sql, " GROUP BY e.target, e.subject_id, e.period_no, e.indicator_id "
			    "ORDER BY e.target, e.subject_id, e.period_no");
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	bind_filter(st, path, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *t = stmt_text(st, 0);
		int64_t sid = stmt_int(st, 1);
		int m = (int)stmt_int(st, 2);
		if (have && (strcmp(t, target) || sid != subject || m / 12 != year)) {
			cells_encode(&c, &enc);
			rows_push(out, target, subject, year, &enc);
			c.n = 0;
		}
		strlcpy_z(target, t ? t : "", sizeof(target));
		subject = sid;
		year = m / 12;
		have = 1;
		cells_add(&c, 0, m % 12 + 1, stmt_int(st, 5));
		cells_push(&c, stmt_int(st, 3), m % 12 + 1, stmt_int(st, 4));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (have) {
		cells_encode(&c, &enc);
		rows_push(out, target, subject, year, &enc);
	}
out:
	free(c.v);
	strbuf_release(&sql);
	strbuf_release(&enc);
	return rc;
}

/* the kept rows, canonical; "" (an append's transient empty row) counts as none */
static int rows_kept(struct ctx *ctx, const char *path, const char *hi, struct rollup_rows *out)
{
	struct strbuf sql = STRBUF_INIT, enc = STRBUF_INIT;
	struct cells c = { 0 };
	struct stmt *st;
	int step, rc = 0;
	strbuf_addstr(&sql, "SELECT r.target, r.subject_id, r.year, r.cells FROM point_rollups r");
	subject_filter(&sql, "r", path);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	bind_filter(st, path, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		c.n = 0;
		if (cells_parse(&c, stmt_text(st, 3)) < 0) {
			/* unreadable: differs from anything the ledger says */
			strbuf_reset(&enc);
			strbuf_addstr(&enc, "?");
		} else {
			cells_encode(&c, &enc);
		}
		if (enc.len)
			rows_push(out, stmt_text(st, 0), stmt_int(st, 1), (int)stmt_int(st, 2), &enc);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
out:
	free(c.v);
	strbuf_release(&sql);
	strbuf_release(&enc);
	return rc;
}

/* sorted by key; -1 when a key is there twice */
static int rows_sort(struct rollup_rows *r)
{
	size_t i;
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), row_cmp);
	for (i = 1; i < r->n; i++)
		if (!row_key_cmp(&r->v[i - 1], &r->v[i]))
			return -1;
	return 0;
}

/* the kept row of key := cells (NULL: none) */
static int write_row(struct ctx *ctx, const struct rollup_row *key, const char *cells)
{
	struct stmt *st;
	int rc;
	st = db_prepare(ctx->db, "DELETE FROM point_rollups WHERE target = ? AND subject_id = ? AND year = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, key->target);
	stmt_bind_int(st, 2, key->subject_id);
	stmt_bind_int(st, 3, key->year);
	if ((rc = stmt_run(st, &ctx->err)) || !cells)
		return rc;
	st = db_prepare(ctx->db, "INSERT INTO point_rollups (target, subject_id, year, cells) VALUES (?, ?, ?, ?)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, key->target);
	stmt_bind_int(st, 2, key->subject_id);
	stmt_bind_int(st, 3, key->year);
	stmt_bind_text(st, 4, cells);
	return stmt_run(st, &ctx->err);
}

int points_rollups_rebuild(struct ctx *ctx, const char *org_path, int write, int64_t *differ)
{
	struct rollup_rows want = { 0 }, kept = { 0 };
	char hi[PATH_MAX_LEN];
	size_t i = 0, j = 0;
	int rc;
	*differ = 0;
	if (org_path)
		path_range_end(org_path, hi, sizeof(hi));
	if ((rc = rows_from_entries(ctx, org_path, hi, &want)) || (rc = rows_kept(ctx, org_path, hi, &kept)))
		goto out;
	if (rows_sort(&want)) {
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分汇总重算出现重复的行");
		goto out;
	}
	if (rows_sort(&kept)) {
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分汇总有重复的行");
		goto out;
	}
	while (i < want.n || j < kept.n) {
		int c = i >= want.n ? 1 : j >= kept.n ? -1 : row_key_cmp(&want.v[i], &kept.v[j]);
		const struct rollup_row *key = c <= 0 ? &want.v[i] : &kept.v[j];
		const char *cells = c <= 0 ? want.v[i].cells : NULL;
		int same = !c && !strcmp(want.v[i].cells, kept.v[j].cells);
		if (!same) {
			(*differ)++;
			if (write && (rc = write_row(ctx, key, cells)))
				goto out;
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	/* the kept period values and histograms follow the repaired rows (039) */
	if (write && *differ)
		rc = points_standings_rebuild(ctx);
out:
	rows_release(&want);
	rows_release(&kept);
	return rc;
}
