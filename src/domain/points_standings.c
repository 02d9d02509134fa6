/*
 * Kept standings (039_point_standings): per subject, year and period of the year the
 * award and deduction with caps applied and the entries (point_period_scores), and per
 * org on an active member's path a histogram of (award, deduct) pairs
 * (point_score_hist), so the standings of a large subtree read O(distinct pairs) rows
 * (points_rank.c) instead of one rollup per member.
 *
 * Written here by points_rollup_add (inside points_append's transaction): an entry of
 * indicator I in month m changes each period's value only by I's counted points, so
 * the new value is the kept one plus (counted with the entry − counted without), from
 * the rollup's months of I before the entry. Members' moves and changes of state move
 * their rows between ancestors by the triggers of 039. points_standings_rebuild
 * computes everything again from point_rollups (the generator's rebuild, the repair,
 * the tests' check).
 */
#include "domain/points_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domain/org_path.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* rows per INSERT of the rebuild */
#define REBUILD_BATCH 64

/* the first and last month numbers of period pcode of year y */
static void pcode_months(int year, int pcode, int *first, int *last)
{
	int base = year * 12;
	if (pcode <= 12) {
		*first = *last = base + pcode - 1;
	} else if (pcode <= 16) {
		*first = base + (pcode - 13) * 3;
		*last = *first + 2;
	} else {
		*first = base;
		*last = base + 11;
	}
}

int points_pcode(const struct points_period *per)
{
	if (per->kind == PP_MONTH)
		return per->first % 12 + 1;
	if (per->kind == PP_QUARTER)
		return 13 + (per->first % 12) / 3;
	return 17;
}

/* One indicator's counted points in period pcode, from its raw sums of the year's
 * months raw[0..11] (as the standings pass: from the cap window's start). */
static int counted_in(int sign, int cap_x10, enum points_period_kind cap_kind, const int *raw, int year, int pcode)
{
	int first, last, from, base = year * 12;
	pcode_months(year, pcode, &first, &last);
	from = cap_x10 > 0 ? points_cap_window_start(cap_kind, first) : first;
	if (from < base)
		from = first;
	return points_indicator_counted(sign, cap_x10, cap_kind, raw + (from - base), from, first, last);
}

static enum points_period_kind cap_kind_of(const char *s)
{
	if (s && !strcmp(s, "quarter"))
		return PP_QUARTER;
	if (s && !strcmp(s, "year"))
		return PP_YEAR;
	return PP_MONTH;
}

static int nonzero(const struct points_pval *v)
{
	return v->award_x10 || v->deduct_x10 || v->entries;
}

/* n (and entries) added to the pair of v at every org of the path (n -1: taken away):
 * one statement for the whole path (its text depends on the depth only: cached) */
static int hist_add(struct ctx *ctx, const char *target, const int64_t *ids, int n_ids, int year, int pcode,
		    const struct points_pval *v, int n)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int i;
	if (n_ids <= 0)
		return 0;
	strbuf_addstr(&sql, "INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries) "
			    "VALUES ");
	for (i = 0; i < n_ids; i++)
		strbuf_addstr(&sql, i ? ", (?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?)");
	strbuf_addstr(&sql, " ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10) DO UPDATE SET "
			    "n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries");
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	strbuf_release(&sql);
	if (!st)
		return E_DB;
	for (i = 0; i < n_ids; i++) {
		int b = i * 8;
		stmt_bind_int(st, b + 1, ids[i]);
		stmt_bind_text(st, b + 2, target);
		stmt_bind_int(st, b + 3, year);
		stmt_bind_int(st, b + 4, pcode);
		stmt_bind_int(st, b + 5, v->award_x10);
		stmt_bind_int(st, b + 6, v->deduct_x10);
		stmt_bind_int(st, b + 7, n);
		stmt_bind_int(st, b + 8, (int64_t)n * v->entries);
	}
	return stmt_run(st, &ctx->err);
}

static int write_pval(struct ctx *ctx, const char *target, int64_t subject_id, int year, int pcode,
		      const struct points_pval *v)
{
	struct stmt *st;
	if (!nonzero(v)) {
		st = db_prepare(ctx->db,
				"DELETE FROM point_period_scores WHERE target = ? AND subject_id = ? AND year = ? AND pcode = ?",
				&ctx->err);
		if (!st)
			return E_DB;
	} else {
		st = db_prepare(ctx->db,
				"INSERT INTO point_period_scores (target, subject_id, year, pcode, award_x10, deduct_x10, entries) "
				"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target, subject_id, year, pcode) DO UPDATE SET "
				"award_x10 = excluded.award_x10, deduct_x10 = excluded.deduct_x10, entries = excluded.entries",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 5, v->award_x10);
		stmt_bind_int(st, 6, v->deduct_x10);
		stmt_bind_int(st, 7, v->entries);
	}
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject_id);
	stmt_bind_int(st, 3, year);
	stmt_bind_int(st, 4, pcode);
	return stmt_run(st, &ctx->err);
}

int points_standing_apply(struct ctx *ctx, const char *target, int64_t subject_id, int year, const int *old_raw,
			  int month, int64_t indicator_id, int points_x10)
{
	struct points_pval old[POINTS_NPCODE + 1], nv[POINTS_NPCODE + 1];
	int new_raw[12], changed[POINTS_NPCODE + 1], any = 0, p, step, rc = 0, sign = 0, cap = 0, counts = 0;
	enum points_period_kind cap_kind = PP_MONTH;
	struct stmt *st;

	/* the indicator as the pass sees it: one of the target's, else only the entry counts */
	st = db_prepare(ctx->db, "SELECT sign, cap_x10, cap_period, target FROM point_indicators WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, indicator_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && !strcmp(stmt_text(st, 3) ? stmt_text(st, 3) : "", target)) {
		counts = 1;
		sign = stmt_int(st, 0) < 0 ? -1 : 1;
		cap = (int)stmt_int(st, 1);
		cap_kind = cap_kind_of(stmt_text(st, 2));
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);

	memcpy(new_raw, old_raw, sizeof(new_raw));
	new_raw[month - 1] += points_x10;
	memset(nv, 0, sizeof(nv));
	for (p = 1; p <= POINTS_NPCODE; p++) {
		int first, last, d = 0, m = year * 12 + month - 1;
		pcode_months(year, p, &first, &last);
		if (counts)
			d = counted_in(sign, cap, cap_kind, new_raw, year, p) - counted_in(sign, cap, cap_kind, old_raw, year, p);
		if (sign > 0)
			nv[p].award_x10 = d;
		else
			nv[p].deduct_x10 = d;
		nv[p].entries = m >= first && m <= last;
		changed[p] = d || nv[p].entries;
		any |= changed[p];
	}
	if (!any)
		return 0;

	/* the kept values, and the deltas added */
	memset(old, 0, sizeof(old));
	st = db_prepare(ctx->db,
			"SELECT pcode, award_x10, deduct_x10, entries FROM point_period_scores "
			"WHERE target = ? AND subject_id = ? AND year = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject_id);
	stmt_bind_int(st, 3, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int pc = (int)stmt_int(st, 0);
		if (pc < 1 || pc > POINTS_NPCODE)
			continue;
		old[pc].award_x10 = (int)stmt_int(st, 1);
		old[pc].deduct_x10 = (int)stmt_int(st, 2);
		old[pc].entries = (int)stmt_int(st, 3);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	for (p = 1; p <= POINTS_NPCODE; p++) {
		nv[p].award_x10 += old[p].award_x10;
		nv[p].deduct_x10 += old[p].deduct_x10;
		nv[p].entries += old[p].entries;
		if (changed[p] && (rc = write_pval(ctx, target, subject_id, year, p, &nv[p])))
			return rc;
	}

	/* an active member's (a branch's) histogram at every org of its path */
	{
		int64_t ids[ORG_PATH_IDS_MAX];
		int n_ids = 0, active = 0, member = !strcmp(target, "member");
		st = db_prepare(ctx->db,
				member ? "SELECT org_path, CASE WHEN state = 'active' THEN 1 ELSE 0 END FROM members WHERE id = ?"
				       : "SELECT path, CASE WHEN kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL "
					 "AND path LIKE '/%' THEN 1 ELSE 0 END FROM orgs WHERE id = ?",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, subject_id);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW && stmt_int(st, 1) == 1) {
			active = 1;
			n_ids = org_path_ids(stmt_text(st, 0), ids, ORG_PATH_IDS_MAX);
		}
		stmt_reset(st);
		if (step != STEP_ROW && step != STEP_DONE)
			return ctx_db_fail(ctx);
		if (active && n_ids < 0)
			return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "%s %" PRId64 " 的组织路径无效", target, subject_id);
		for (p = 1; active && p <= POINTS_NPCODE; p++) {
			if (!changed[p])
				continue;
			if (nonzero(&old[p]) && (rc = hist_add(ctx, target, ids, n_ids, year, p, &old[p], -1)))
				return rc;
			if (nonzero(&nv[p]) && (rc = hist_add(ctx, target, ids, n_ids, year, p, &nv[p], 1)))
				return rc;
		}
	}
	return 0;
}

/* ---- the rebuild ----------------------------------------------------------------- */

struct ind {
	int sign, cap_x10, ok;
	enum points_period_kind cap_kind;
	char target[8];
};

struct inds {
	struct ind *v;     /* by id - lo */
	int64_t lo;
	size_t n;
};

struct ind_rows {
	struct {
		int64_t ind;
		int row[12];
	} *v;
	size_t n, alloc;
};

static int load_inds(struct ctx *ctx, struct inds *x)
{
	struct stmt *st;
	int step;
	int64_t lo = 0, hi = -1;
	memset(x, 0, sizeof(*x));
	st = db_prepare(ctx->db, "SELECT min(id), max(id) FROM point_indicators", &ctx->err);
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && !stmt_is_null(st, 0)) {
		lo = stmt_int(st, 0);
		hi = stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (hi < lo)
		return 0;
	x->lo = lo;
	x->n = (size_t)(hi - lo + 1);
	x->v = xcalloc(x->n, sizeof(*x->v));
	st = db_prepare(ctx->db, "SELECT id, sign, cap_x10, cap_period, target FROM point_indicators", &ctx->err);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct ind *d = &x->v[stmt_int(st, 0) - lo];
		d->ok = 1;
		d->sign = stmt_int(st, 1) < 0 ? -1 : 1;
		d->cap_x10 = (int)stmt_int(st, 2);
		d->cap_kind = cap_kind_of(stmt_text(st, 3));
		strlcpy_z(d->target, stmt_text(st, 4) ? stmt_text(st, 4) : "", sizeof(d->target));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* the 17 periods of one rollup row; -1 when the cells are malformed. An indicator's
 * months are gathered first (caps are not additive), in any order of the cells. */
static int periods_of(const struct inds *x, const char *target, int year, const char *cells,
		      struct points_pval *out, struct ind_rows *acc)
{
	struct points_rollup_iter it;
	int64_t ind;
	int month, raw, r, p;
	size_t k;
	memset(out, 0, (POINTS_NPCODE + 1) * sizeof(*out));
	acc->n = 0;
	points_rollup_iter_init(&it, cells);
	while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0) {
		if (!ind) {
			for (p = 1; p <= POINTS_NPCODE; p++) {
				int first, last, m = year * 12 + month - 1;
				pcode_months(year, p, &first, &last);
				if (m >= first && m <= last)
					out[p].entries += raw;
			}
			continue;
		}
		if (ind < x->lo || (size_t)(ind - x->lo) >= x->n || !x->v[ind - x->lo].ok ||
		    strcmp(x->v[ind - x->lo].target, target))
			continue;   /* not one of the target's indicators: the pass ignores it too */
		for (k = 0; k < acc->n && acc->v[k].ind != ind; k++)
			;
		if (k == acc->n) {
			ALLOC_GROW(acc->v, acc->n + 1, acc->alloc);
			memset(&acc->v[k], 0, sizeof(acc->v[k]));
			acc->v[k].ind = ind;
			acc->n++;
		}
		acc->v[k].row[month - 1] += raw;
	}
	if (r < 0)
		return -1;
	for (k = 0; k < acc->n; k++) {
		const struct ind *d = &x->v[acc->v[k].ind - x->lo];
		for (p = 1; p <= POINTS_NPCODE; p++) {
			int c = counted_in(d->sign, d->cap_x10, d->cap_kind, acc->v[k].row, year, p);
			if (d->sign > 0)
				out[p].award_x10 += c;
			else
				out[p].deduct_x10 += c;
		}
	}
	return 0;
}

/* ---- the rebuild's writer: fixed multi-row INSERTs, prepared once (cached) ---------- */

struct rows_out {
	struct ctx *ctx;
	const char *head;            /* "INSERT INTO t (…) VALUES " */
	int ncols, tcol, pending;    /* tcol: the one text column (the target) */
	int64_t vals[REBUILD_BATCH][8];
	const char *text[REBUILD_BATCH];
	struct strbuf sql;
};

static int rows_flush(struct rows_out *w)
{
	struct stmt *st;
	int i, c, rc;
	if (!w->pending)
		return 0;
	strbuf_reset(&w->sql);
	strbuf_addstr(&w->sql, w->head);
	for (i = 0; i < w->pending; i++) {
		strbuf_addstr(&w->sql, i ? ", (?" : "(?");
		for (c = 1; c < w->ncols; c++)
			strbuf_addstr(&w->sql, ", ?");
		strbuf_addch(&w->sql, ')');
	}
	/* two texts per table (a full batch and the last one): both stay in the statement cache */
	if (!(st = db_prepare(w->ctx->db, w->sql.buf, &w->ctx->err)))
		return E_DB;
	for (i = 0; i < w->pending; i++)
		for (c = 0; c < w->ncols; c++) {
			int k = i * w->ncols + c + 1;
			if (c == w->tcol)
				stmt_bind_text(st, k, w->text[i]);
			else
				stmt_bind_int(st, k, w->vals[i][c]);
		}
	rc = stmt_run(st, &w->ctx->err);
	w->pending = 0;
	return rc;
}

/* one row: vals[0..ncols-1], text in column tcol */
static int rows_add(struct rows_out *w, const char *text, const int64_t *vals)
{
	w->text[w->pending] = text;
	memcpy(w->vals[w->pending], vals, (size_t)w->ncols * sizeof(*vals));
	return ++w->pending >= REBUILD_BATCH ? rows_flush(w) : 0;
}

/* ---- the rebuild's histogram: an open-addressing table in memory -------------------- */

struct hrow {
	int64_t org;                 /* 0 = empty slot */
	int year, pcode, award, deduct, branch;
	int64_t n, entries;
};

struct htab {
	struct hrow *v;
	size_t cap, used;
};

static uint64_t hmix(const struct hrow *k)
{
	uint64_t h = (uint64_t)k->org * 0x9E3779B97F4A7C15ull;
	h ^= (((uint64_t)(uint32_t)k->year << 32) | ((uint64_t)(uint32_t)k->pcode << 1) | (uint64_t)(uint32_t)k->branch) +
	     0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	h ^= (((uint64_t)(uint32_t)k->award << 32) | (uint64_t)(uint32_t)k->deduct) + 0x94D049BB133111EBull + (h << 6) +
	     (h >> 2);
	h ^= h >> 31;
	return h * 0xBF58476D1CE4E5B9ull;
}

static int hsame(const struct hrow *a, const struct hrow *b)
{
	return a->org == b->org && a->year == b->year && a->pcode == b->pcode && a->award == b->award &&
	       a->deduct == b->deduct && a->branch == b->branch;
}

static void hput(struct htab *t, const struct hrow *k);

static void hgrow(struct htab *t)
{
	struct htab n;
	size_t i;
	n.cap = t->cap ? t->cap * 2 : 1024;
	n.used = 0;
	n.v = xcalloc(n.cap, sizeof(*n.v));
	for (i = 0; i < t->cap; i++)
		if (t->v[i].org)
			hput(&n, &t->v[i]);
	free(t->v);
	*t = n;
}

/* adds k's n and entries to its row */
static void hput(struct htab *t, const struct hrow *k)
{
	size_t i;
	if ((t->used + 1) * 2 > t->cap)
		hgrow(t);
	for (i = (size_t)hmix(k) & (t->cap - 1); t->v[i].org; i = (i + 1) & (t->cap - 1))
		if (hsame(&t->v[i], k)) {
			t->v[i].n += k->n;
			t->v[i].entries += k->entries;
			return;
		}
	t->v[i] = *k;
	t->used++;
}

/* the rollups, each with its subject's path when the subject counts (an active member;
 * an active branch with a real path), else NULL; in key order, a chunk after a key (the
 * PostgreSQL client holds a whole result: a province's rollups would not fit) */
static const char REBUILD_SCAN[] =
	"SELECT r.target, r.subject_id, r.year, r.cells, CASE WHEN r.target = 'member' THEN "
	"(SELECT m.org_path FROM members m WHERE m.id = r.subject_id AND m.state = 'active') ELSE "
	"(SELECT o.path FROM orgs o WHERE o.id = r.subject_id AND o.kind IN ('branch', 'joint_branch') "
	"AND o.dissolved_on IS NULL AND o.path LIKE '/%') END FROM point_rollups r "
	"WHERE (r.target, r.subject_id, r.year) > (CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS INTEGER)) "
	"ORDER BY r.target, r.subject_id, r.year LIMIT ";
int points_rebuild_chunk = 20000;

/* the active members grouped by org_path first (one row per org), then spread over each path's
 * orgs: 0.65 s at 1M members instead of 8.9 s splitting every member's path */
static const char COUNTS_SQLITE[] =
	"DELETE FROM point_subject_counts;"
	"INSERT INTO point_subject_counts (org_id, target, n) "
	"SELECT CAST(a.value AS INTEGER), 'member', sum(t.n) "
	"FROM (SELECT org_path, count(*) AS n FROM members WHERE state = 'active' GROUP BY org_path) t, "
	"json_each('[' || replace(trim(t.org_path, '/'), '/', ',') || ']') a GROUP BY CAST(a.value AS INTEGER);"
	"INSERT INTO point_subject_counts (org_id, target, n) "
	"SELECT CAST(a.value AS INTEGER), 'branch', count(*) "
	"FROM orgs o, json_each('[' || replace(trim(o.path, '/'), '/', ',') || ']') a "
	"WHERE o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND o.path LIKE '/%' "
	"GROUP BY CAST(a.value AS INTEGER);";
static const char COUNTS_PG[] =
	"DELETE FROM point_subject_counts;"
	"INSERT INTO point_subject_counts (org_id, target, n) "
	"SELECT a, 'member', sum(t.n) FROM (SELECT org_path, count(*) AS n FROM members WHERE state = 'active' "
	"GROUP BY org_path) t, unnest(string_to_array(trim(both '/' from t.org_path), '/')::bigint[]) a GROUP BY a;"
	"INSERT INTO point_subject_counts (org_id, target, n) "
	"SELECT a, 'branch', count(*) FROM orgs o, "
	"unnest(string_to_array(trim(both '/' from o.path), '/')::bigint[]) a "
	"WHERE o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND o.path LIKE '/%' GROUP BY a;";

int points_subject_counts_rebuild(struct ctx *ctx)
{
	return db_exec(ctx->db, ctx_is_pg(ctx) ? COUNTS_PG : COUNTS_SQLITE, &ctx->err);
}

/* the rebuild's scan over the rollups, resumable after any chunk: the periods of each
 * rollup written to point_period_scores (scores) and/or added to the histogram (hist) */
struct scan {
	struct inds x;
	struct ind_rows acc;
	struct rows_out w;
	struct htab h;
	char last_t[8];
	int64_t last_id;
	int last_year, scores, hist;
	int64_t seen;                /* rollups read */
};

static void scan_init(struct ctx *ctx, struct scan *s, int scores, int hist)
{
	memset(s, 0, sizeof(*s));
	s->w.ctx = ctx;
	strbuf_init(&s->w.sql, 0);
	s->w.head = "INSERT INTO point_period_scores (target, subject_id, year, pcode, award_x10, deduct_x10, entries) "
		    "VALUES ";
	s->w.ncols = 7;
	s->w.tcol = 0;
	s->scores = scores;
	s->hist = hist;
}

static void scan_release(struct scan *s)
{
	free(s->x.v);
	free(s->acc.v);
	free(s->h.v);
	strbuf_release(&s->w.sql);
}

/* one chunk of rollups after the cursor (points_rebuild_chunk of them); *more = 0 after the last */
static int scan_chunk(struct ctx *ctx, struct scan *s, int *more)
{
	struct points_pval v[POINTS_NPCODE + 1];
	int64_t ids[ORG_PATH_IDS_MAX];
	struct stmt *st;
	int step, rc = 0, p, k, got = 0;
	/* read and write interleaved on one connection: the rows written are in other tables */
	strbuf_reset(&s->w.sql);
	strbuf_addf(&s->w.sql, "%s%d", REBUILD_SCAN, points_rebuild_chunk);
	if (!(st = db_prepare(ctx->db, s->w.sql.buf, &ctx->err)))
		return E_DB;
	stmt_bind_text(st, 1, s->last_t);
	stmt_bind_int(st, 2, s->last_id);
	stmt_bind_int(st, 3, s->last_year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *t = stmt_text(st, 0);
		const char *target;
		int64_t sid = stmt_int(st, 1);
		int year = (int)stmt_int(st, 2), n_ids = 0;
		got++;
		s->seen++;
		strlcpy_z(s->last_t, t ? t : "", sizeof(s->last_t));
		s->last_id = sid;
		s->last_year = year;
		if (!t || (strcmp(t, "branch") && strcmp(t, "member")))
			continue;
		target = t[0] == 'b' ? "branch" : "member";
		if (periods_of(&s->x, target, year, stmt_text(st, 3), v, &s->acc) < 0) {
			rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分汇总数据无法解析（%s %" PRId64 "，%d 年）", target, sid,
				     year);
			break;
		}
		if (s->hist && !stmt_is_null(st, 4) && (n_ids = org_path_ids(stmt_text(st, 4), ids, ORG_PATH_IDS_MAX)) < 0)
			n_ids = 0;
		for (p = 1; p <= POINTS_NPCODE && !rc; p++) {
			int64_t row[7];
			if (!nonzero(&v[p]))
				continue;
			row[0] = 0;
			row[1] = sid;
			row[2] = year;
			row[3] = p;
			row[4] = v[p].award_x10;
			row[5] = v[p].deduct_x10;
			row[6] = v[p].entries;
			if (s->scores)
				rc = rows_add(&s->w, target, row);
			for (k = 0; k < n_ids; k++) {
				struct hrow hr;
				hr.org = ids[k];
				hr.year = year;
				hr.pcode = p;
				hr.award = v[p].award_x10;
				hr.deduct = v[p].deduct_x10;
				hr.branch = target[0] == 'b';
				hr.n = 1;
				hr.entries = v[p].entries;
				hput(&s->h, &hr);
			}
		}
		if (rc)
			break;
	}
	stmt_reset(st);
	if (!rc && step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	if (!rc)
		rc = rows_flush(&s->w);
	*more = !rc && got >= points_rebuild_chunk;
	return rc;
}

/* the histogram's rows from slot *pos on, at most max (0: all); *pos moves past them */
static int hist_write(struct ctx *ctx, struct scan *s, size_t *pos, size_t max)
{
	size_t i, n = 0;
	int rc = 0;
	s->w.head = "INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries) VALUES ";
	s->w.ncols = 8;
	s->w.tcol = 1;
	(void)ctx;
	for (i = *pos; i < s->h.cap && !rc && (!max || n < max); i++) {
		const struct hrow *r = &s->h.v[i];
		int64_t row[8];
		if (!r->org)
			continue;
		row[0] = r->org;
		row[1] = 0;
		row[2] = r->year;
		row[3] = r->pcode;
		row[4] = r->award;
		row[5] = r->deduct;
		row[6] = r->n;
		row[7] = r->entries;
		rc = rows_add(&s->w, r->branch ? "branch" : "member", row);
		n++;
	}
	*pos = i;
	return rc ? rc : rows_flush(&s->w);
}

int points_standings_rebuild(struct ctx *ctx)
{
	struct scan s;
	size_t pos = 0;
	int rc, more = 1;
	scan_init(ctx, &s, 1, 1);
	if ((rc = load_inds(ctx, &s.x)) ||
	    (rc = db_exec(ctx->db, "DELETE FROM point_period_scores; DELETE FROM point_score_hist;", &ctx->err)))
		goto out;
	while (more && !rc)
		rc = scan_chunk(ctx, &s, &more);
	if (!rc)
		rc = hist_write(ctx, &s, &pos, 0);
	if (!rc)
		rc = db_exec(ctx->db, "UPDATE point_standings_state SET ready = 1", &ctx->err);
out:
	scan_release(&s);
	return rc;
}

/* ---- the upgrade's backfill in bounded transactions (dangjian upgrade) ---------------- */

/* hist rows per transaction of the upgrade */
size_t points_upgrade_hist_rows = 50000;

static int in_tx(struct ctx *ctx, int rc_begin, int rc)
{
	if (rc_begin)
		return rc_begin;
	if (rc) {
		db_rollback(ctx->db);
		return rc;
	}
	return db_commit(ctx->db, &ctx->err);
}

/* sql in a transaction of its own */
static int exec_tx(struct ctx *ctx, const char *sql)
{
	int b = db_begin(ctx->db, &ctx->err);
	return in_tx(ctx, b, b ? b : db_exec(ctx->db, sql, &ctx->err));
}

static int64_t count_of(struct ctx *ctx, const char *sql, int *rc)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int64_t n = 0;
	int step;
	if (!st) {
		*rc = E_DB;
		return 0;
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		n = stmt_is_null(st, 0) ? 0 : stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		*rc = ctx_db_fail(ctx);
	return n;
}

/*
 * point_standings_state.ready: 0 not started, 2 the scores written up to their greatest key
 * (each chunk of rollups committed with its rows, in key order), 1 done. Any reader takes
 * 0 and 2 alike as not ready (points_standings_prepare rebuilds everything at start-up).
 */
int points_standings_upgrade(struct ctx *ctx, FILE *progress, int max_tx, int *done)
{
	struct scan s;
	struct stmt *st;
	size_t pos = 0;
	int64_t total;
	int rc = 0, more = 1, tx = 0, state, step;
	time_t t0 = time(NULL);
	*done = 0;
	scan_init(ctx, &s, 1, 0);
	state = (int)count_of(ctx, "SELECT max(ready) FROM point_standings_state", &rc);
	if (rc || state == 1) {
		*done = !rc;
		goto out;
	}
	total = count_of(ctx, "SELECT count(*) FROM point_rollups", &rc);
	if (rc || (rc = load_inds(ctx, &s.x)))
		goto out;
	if (state != 2) {
		int b = db_begin(ctx->db, &ctx->err);
		rc = in_tx(ctx, b,
			   b ? b : db_exec(ctx->db,
					   "DELETE FROM point_period_scores; DELETE FROM point_score_hist; "
					   "UPDATE point_standings_state SET ready = 2",
					   &ctx->err));
		if (rc)
			goto out;
	} else {
		/* resume after the greatest key written (a chunk's rows commit with it) */
		st = db_prepare(ctx->db,
				"SELECT target, subject_id, year FROM point_period_scores "
				"ORDER BY target DESC, subject_id DESC, year DESC LIMIT 1",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			stmt_text_copy(st, 0, s.last_t, sizeof(s.last_t));
			s.last_id = stmt_int(st, 1);
			s.last_year = (int)stmt_int(st, 2);
			s.seen = count_of(ctx, "SELECT count(*) FROM point_rollups r WHERE (r.target, r.subject_id, r.year) <= "
					       "(SELECT target, subject_id, year FROM point_period_scores "
					       "ORDER BY target DESC, subject_id DESC, year DESC LIMIT 1)",
					  &rc);
		}
		stmt_reset(st);
		if (step != STEP_ROW && step != STEP_DONE)
			rc = ctx_db_fail(ctx);
		if (rc)
			goto out;
	}
	while (more) {
		if (max_tx && tx >= max_tx)
			goto out;
		int b = db_begin(ctx->db, &ctx->err);
		rc = in_tx(ctx, b, b ? b : scan_chunk(ctx, &s, &more));
		tx++;
		if (rc)
			goto out;
		if (progress)
			fprintf(progress, "  points: %lld of %lld rollups scored (%lld s)\n", (long long)s.seen,
				(long long)total, (long long)(time(NULL) - t0));
	}
	/* the histogram: a second scan in memory (nothing written), then its rows in bounded transactions */
	scan_release(&s);
	scan_init(ctx, &s, 0, 1);
	if ((rc = load_inds(ctx, &s.x)))
		goto out;
	for (more = 1; more && !rc;)
		rc = scan_chunk(ctx, &s, &more);
	if (rc)
		goto out;
	if (progress)
		fprintf(progress, "  points: histogram of %lld rows built (%lld s)\n", (long long)s.h.used,
			(long long)(time(NULL) - t0));
	if ((rc = exec_tx(ctx, "DELETE FROM point_score_hist")))
		goto out;
	while (pos < s.h.cap) {
		int b;
		if (max_tx && tx >= max_tx)
			goto out;
		b = db_begin(ctx->db, &ctx->err);
		rc = b ? b : hist_write(ctx, &s, &pos, points_upgrade_hist_rows);
		if (!rc && pos >= s.h.cap)
			rc = db_exec(ctx->db, "UPDATE point_standings_state SET ready = 1", &ctx->err);
		rc = in_tx(ctx, b, rc);
		tx++;
		if (rc)
			goto out;
	}
	if (!s.h.cap && (rc = exec_tx(ctx, "UPDATE point_standings_state SET ready = 1")))
		goto out;
	if (progress)
		fprintf(progress, "  points: standings ready (%lld s)\n", (long long)(time(NULL) - t0));
	*done = 1;
out:
	scan_release(&s);
	return rc;
}

int points_standings_ready(struct ctx *ctx, int *ready)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT ready FROM point_standings_state", &ctx->err);
	int step;
	*ready = 0;
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*ready = stmt_int(st, 0) == 1;
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int points_standings_prepare(struct ctx *ctx)
{
	int ready, rc;
	if ((rc = points_standings_ready(ctx, &ready)) || ready)
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = points_standings_rebuild(ctx)) || (rc = db_commit(ctx->db, &ctx->err)))
		db_rollback(ctx->db);
	return rc;
}
