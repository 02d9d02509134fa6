/*
 * Kept figures for the arrears of a large subtree (037_dues_owed.*.sql; docs/API.md "Dues").
 *
 * Per member with a base: the months in arrears at any current month C ≥ v are C + k, and
 * their sum due a + b·C (whenever they count: where the due rule gives 0 months, C + k ≤ 0).
 * Worked out here by the due rule (dues_due_of) from the member's rows, for the members the
 * triggers queued in dues_owed_stale; dues_owed_sums (per org on the path and per k, kept by
 * triggers on dues_owed) gives a subtree's count, months and fen for any C and min_months
 * from its rows with k ≥ min_months − C. Members with v > C (a gap before an advance payment,
 * a reduction or a future base while in arrears: the linear figures do not hold yet) are
 * taken out of the sums and worked out one by one with the reference (dues_member_arrears).
 */
#include "domain/dues.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domain/bulk_rows.h"
#include "domain/dues_internal.h"
#include "domain/org.h"
#include "store/store.h"
#include "util/json_util.h"
#include "util/xalloc.h"
#include "util/banned.h"


struct om {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN];
	int ok, dues_from, paid_to;
	int b0, nb, r0, nr, m0, nm; /* slices of the chunk's bases, reductions, months */
};

struct chunk {
	struct om *mem;
	size_t nmem, amem;
	struct dues_base_row *bases;
	int64_t *base_member;
	size_t nbases, abases, abm;
	struct dues_reduction_row *reds;
	int64_t *red_member;
	size_t nreds, areds, arm;
	int *months;
	int64_t *month_member;
	size_t nmonths, amonths, amm;
};

int dues_owed_figures(const struct dues_plan *p, int paid_to, const int *rows, int nrows, struct dues_owed_fig *f)
{
	int first = p->nbases ? p->bases[0].from : -1, start, v, k, c, n, i, mo;
	int64_t bfen = 0, f0 = 0, ex_f, lin_f;
	int m0 = 0, ex_m, lin_m;
	unsigned char *owed;
	int64_t *fen;
	memset(f, 0, sizeof(*f));
	if (first < 0 || p->dues_from < 0)
		return 0;
	start = first > p->dues_from ? first : p->dues_from;
	/* v: after the last row, the last base change and the last reduction */
	v = start;
	if (paid_to >= 0 && paid_to + 1 > v)
		v = paid_to + 1;
	for (i = 0; i < nrows; i++)
		if (rows[i] + 1 > v)
			v = rows[i] + 1;
	for (i = 0; i < p->nbases; i++)
		if (p->bases[i].from > v)
			v = p->bases[i].from;
	for (i = 0; i < p->nreductions; i++)
		if (p->reductions[i].to + 1 > v)
			v = p->reductions[i].to + 1;
	(void)dues_due_of(p, v, &bfen); /* a base's amount: nothing after v is reduced or before a base */
	n = v - start;
	owed = xcalloc((size_t)n + 1, 1);
	fen = xcalloc((size_t)n + 1, sizeof(*fen));
	for (mo = start; mo < v; mo++) {
		int what = dues_due_of(p, mo, &fen[mo - start]);
		owed[mo - start] = what != DUE_NOT_DUE && what != DUE_EXEMPT;
	}
	for (i = 0; i < nrows; i++)
		if (rows[i] >= start && rows[i] < v)
			owed[rows[i] - start] = 0;
	for (k = 0; k < n; k++)
		if (owed[k]) {
			m0++;
			f0 += fen[k];
		}
	f->k = m0 - v;
	f->b = bfen;
	f->a = f0 - (int64_t)v * bfen;
	/* walk back from v while the due rule's figures at C agree with the linear ones */
	f->v = start;
	ex_m = lin_m = m0;
	ex_f = lin_f = f0;
	for (c = v - 1; c > start; c--) {
		if (owed[c - start]) {
			ex_m--;
			ex_f -= fen[c - start];
		}
		lin_m--;
		lin_f -= bfen;
		if (ex_m >= 1 ? (ex_m != lin_m || ex_f != lin_f) : lin_m >= 1) {
			f->v = c + 1;
			break;
		}
	}
	free(owed);
	free(fen);
	return 1;
}

static void chunk_clear(struct chunk *c)
{
	c->nmem = c->nbases = c->nreds = c->nmonths = 0;
}

static void chunk_free(struct chunk *c)
{
	free(c->mem);
	free(c->bases);
	free(c->base_member);
	free(c->reds);
	free(c->red_member);
	free(c->months);
	free(c->month_member);
	memset(c, 0, sizeof(*c));
}

/* sql with its placeholders in (lo, hi) pairs: every pair bound to the range. The
 * joins below name the range on both tables: PostgreSQL does not carry a range across a
 * join, and its merge join walked the large table's index from its first member up to hi
 * for every chunk (a chunk near the end of 1M members took 300 ms a query instead of 15) */
static struct stmt *range_stmt(struct ctx *ctx, const char *sql, int64_t lo, int64_t hi)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	const char *p;
	int n = 0;
	if (st)
		for (p = sql; *p; p++)
			if (*p == '?') {
				n++;
				stmt_bind_int(st, n, n % 2 ? lo : hi);
			}
	return st;
}

/* the queued members with ids in lo..hi, their bases, approved reductions and months with a row */
static int chunk_load(struct ctx *ctx, int64_t lo, int64_t hi, struct chunk *c)
{
	struct stmt *st;
	int step;
	chunk_clear(c);
	st = range_stmt(ctx,
			"SELECT m.id, m.org_id, m.org_path, m.state, COALESCE(m.dues_from, substr(m.join_date, 1, 7)), "
			"m.dues_paid_to FROM dues_owed_stale s JOIN members m ON m.id = s.member_id "
			"WHERE s.member_id >= ? AND s.member_id <= ? AND m.id >= ? AND m.id <= ? ORDER BY m.id",
			lo, hi);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct om *m;
		const char *state = stmt_text(st, 3);
		if (c->nmem == c->amem) {
			c->amem = c->amem ? c->amem * 2 : 256;
			c->mem = xreallocarray(c->mem, c->amem, sizeof(*c->mem));
		}
		m = &c->mem[c->nmem++];
		memset(m, 0, sizeof(*m));
		m->id = stmt_int(st, 0);
		m->org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, m->org_path, sizeof(m->org_path));
		m->ok = state && (!strcmp(state, "active") || !strcmp(state, "transferring"));
		m->dues_from = dues_ym_parse(stmt_text(st, 4));
		m->paid_to = dues_ym_parse(stmt_text(st, 5));
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	st = range_stmt(ctx,
			"SELECT b.member_id, b.from_month, b.monthly_fen FROM dues_owed_stale s "
			"JOIN dues_bases b ON b.member_id = s.member_id WHERE s.member_id >= ? AND s.member_id <= ? "
			"AND b.member_id >= ? AND b.member_id <= ? ORDER BY b.member_id, b.from_month",
			lo, hi);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int from = dues_ym_parse(stmt_text(st, 1));
		if (from < 0)
			continue;
		if (c->nbases == c->abases) {
			c->abases = c->abases ? c->abases * 2 : 256;
			c->bases = xreallocarray(c->bases, c->abases, sizeof(*c->bases));
			c->base_member = xreallocarray(c->base_member, c->abases, sizeof(*c->base_member));
		}
		memset(&c->bases[c->nbases], 0, sizeof(c->bases[0]));
		c->base_member[c->nbases] = stmt_int(st, 0);
		c->bases[c->nbases].from = from;
		c->bases[c->nbases].monthly_fen = stmt_int(st, 2);
		c->nbases++;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	st = range_stmt(ctx,
			"SELECT r.member_id, r.from_month, r.to_month, r.monthly_fen FROM dues_owed_stale s "
			"JOIN dues_reductions r ON r.member_id = s.member_id WHERE s.member_id >= ? AND s.member_id <= ? "
			"AND r.member_id >= ? AND r.member_id <= ? AND r.status = 'approved' ORDER BY r.member_id, r.from_month",
			lo, hi);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int from = dues_ym_parse(stmt_text(st, 1)), to = dues_ym_parse(stmt_text(st, 2));
		if (from < 0 || to < from)
			continue;
		if (c->nreds == c->areds) {
			c->areds = c->areds ? c->areds * 2 : 64;
			c->reds = xreallocarray(c->reds, c->areds, sizeof(*c->reds));
			c->red_member = xreallocarray(c->red_member, c->areds, sizeof(*c->red_member));
		}
		c->red_member[c->nreds] = stmt_int(st, 0);
		c->reds[c->nreds].from = from;
		c->reds[c->nreds].to = to;
		c->reds[c->nreds].monthly_fen = stmt_int(st, 3);
		c->nreds++;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	st = range_stmt(ctx,
			"SELECT d.member_id, d.month FROM dues_owed_stale s JOIN dues_months d ON d.member_id = s.member_id "
			"WHERE s.member_id >= ? AND s.member_id <= ? AND d.member_id >= ? AND d.member_id <= ? "
			"ORDER BY d.member_id, d.month",
			lo, hi);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int mo = dues_ym_parse(stmt_text(st, 1));
		if (mo < 0)
			continue;
		if (c->nmonths == c->amonths) {
			c->amonths = c->amonths ? c->amonths * 2 : 1024;
			c->months = xreallocarray(c->months, c->amonths, sizeof(*c->months));
			c->month_member = xreallocarray(c->month_member, c->amonths, sizeof(*c->month_member));
		}
		c->month_member[c->nmonths] = stmt_int(st, 0);
		c->months[c->nmonths++] = mo;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* The rows of dues_owed a chunk writes: many per statement (bulk_rows.c), one round trip
 * per 200 members instead of one each (at 1M members on PostgreSQL, 1M round trips) */
static const char owed_cols[] = "member_id, org_id, org_path, ok, k, a, b, v";
static const char owed_upsert[] =
	" ON CONFLICT (member_id) DO UPDATE SET org_id = excluded.org_id, org_path = excluded.org_path, "
	"ok = excluded.ok, k = excluded.k, a = excluded.a, b = excluded.b, v = excluded.v";

/* one member's row of dues_owed held for writing, or removed when nothing can be owed */
static int chunk_write(struct ctx *ctx, struct bulk *out, const struct om *m, const struct dues_owed_fig *f, int has)
{
	struct stmt *st;
	if (!has) {
		st = db_prepare(ctx->db, "DELETE FROM dues_owed WHERE member_id = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, m->id);
		return stmt_run(st, &ctx->err) ? ctx_db_fail(ctx) : 0;
	}
	bulk_int(out, m->id);
	bulk_int(out, m->org_id);
	bulk_text(out, m->org_path);
	bulk_int(out, m->ok);
	bulk_int(out, f->k);
	bulk_int(out, f->a);
	bulk_int(out, f->b);
	bulk_int(out, f->v);
	bulk_row_end(out);
	if (bulk_full(out) && bulk_flush(ctx, out))
		return ctx_db_fail(ctx);
	return 0;
}

static int chunk_work(struct ctx *ctx, struct chunk *c, struct bulk *out)
{
	size_t i, bi = 0, ri = 0, mi = 0;
	int rc;
	for (i = 0; i < c->nmem; i++) {
		struct om *m = &c->mem[i];
		struct dues_plan p;
		struct dues_owed_fig f;
		size_t b0, r0, m0;
		while (bi < c->nbases && c->base_member[bi] < m->id)
			bi++;
		for (b0 = bi; bi < c->nbases && c->base_member[bi] == m->id; bi++)
			;
		while (ri < c->nreds && c->red_member[ri] < m->id)
			ri++;
		for (r0 = ri; ri < c->nreds && c->red_member[ri] == m->id; ri++)
			;
		while (mi < c->nmonths && c->month_member[mi] < m->id)
			mi++;
		for (m0 = mi; mi < c->nmonths && c->month_member[mi] == m->id; mi++)
			;
		memset(&p, 0, sizeof(p));
		p.dues_from = m->dues_from;
		p.nbases = (int)(bi - b0);
		p.bases = c->bases + b0;
		p.nreductions = (int)(ri - r0);
		p.reductions = c->reds + r0;
		if ((rc = chunk_write(ctx, out, m, &f,
				      dues_owed_figures(&p, m->paid_to, c->months + m0, (int)(mi - m0), &f))))
			return rc;
	}
	return bulk_flush(ctx, out) ? ctx_db_fail(ctx) : 0;
}

static const char sums_sqlite[] =
	"DELETE FROM dues_owed_sums;"
	"INSERT INTO dues_owed_sums (org_id, k, members, a, b) "
	"SELECT CAST(j.value AS INTEGER), d.k, count(*), sum(d.a), sum(d.b) FROM dues_owed d, "
	"json_each('[' || replace(trim(d.org_path, '/'), '/', ',') || ']') j "
	"WHERE d.ok = 1 GROUP BY CAST(j.value AS INTEGER), d.k";
static const char sums_pg[] =
	"DELETE FROM dues_owed_sums;"
	"INSERT INTO dues_owed_sums (org_id, k, members, a, b) "
	"SELECT x::bigint, d.k, count(*), sum(d.a), sum(d.b) FROM dues_owed d, "
	"unnest(string_to_array(trim(both '/' from d.org_path), '/')) AS x "
	"WHERE d.ok = 1 GROUP BY x::bigint, d.k";

/* a queue this long is worked out with the sums' triggers aside and the sums recomputed once */
int64_t dues_owed_bulk_min = 20000;
/* queued members worked out per chunk; chunks per transaction of dues_owed_upgrade */
int dues_owed_chunk_members = 1000;
int dues_owed_upgrade_chunks = 20;

static int drain_rows(struct ctx *ctx, int max_chunks, int *more, int64_t *worked);

/*
 * in_write: inside a dues write's transaction, where a long queue (an upgrade's backfill) is left to the next read.
 * A committed row of dues_owed_bulk is an upgrade (dues_owed_upgrade) interrupted before its end: the sums are
 * stale until recomputed, which the next drain outside a write does.
 */
static int drain(struct ctx *ctx, int in_write)
{
	int rc;
	int64_t n, flag;
	if ((rc = ctx_query_int(ctx, "SELECT count(*) FROM dues_owed_stale", &n)) ||
	    (rc = ctx_query_int(ctx, "SELECT count(*) FROM dues_owed_bulk", &flag)))
		return rc;
	if (!flag && n < dues_owed_bulk_min)
		return drain_rows(ctx, 0, NULL, NULL);
	if (in_write)
		return n < dues_owed_bulk_min ? drain_rows(ctx, 0, NULL, NULL) : 0;
	if ((!flag && (rc = db_exec(ctx->db, "INSERT INTO dues_owed_bulk (on_) VALUES (1)", &ctx->err))) ||
	    (rc = drain_rows(ctx, 0, NULL, NULL)) || (rc = db_exec(ctx->db, ctx_is_pg(ctx) ? sums_pg : sums_sqlite, &ctx->err)))
		return rc;
	return db_exec(ctx->db, "DELETE FROM dues_owed_bulk", &ctx->err);
}

/* the queue worked out dues_owed_chunk_members at a time; max_chunks > 0: at most that many (*more = 1 when
 * some are left); *worked (when not NULL) grows by the members taken off the queue */
static int drain_rows(struct ctx *ctx, int max_chunks, int *more, int64_t *worked)
{
	struct chunk c;
	struct bulk out;
	int64_t last = -1;
	int rc = 0, chunks = 0;
	memset(&c, 0, sizeof(c));
	bulk_init(&out, "dues_owed", owed_cols, 0);
	bulk_set_suffix(&out, owed_upsert);
	if (more)
		*more = 0;
	for (;;) {
		struct stmt *st;
		int64_t lo = -1, hi = -1;
		int step;
		if (max_chunks > 0 && chunks >= max_chunks) {
			if (more)
				*more = 1;
			break;
		}
		st = db_prepare(ctx->db,
				"SELECT min(member_id), max(member_id) FROM (SELECT member_id FROM dues_owed_stale "
				"WHERE member_id > ? ORDER BY member_id LIMIT ?) x",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			break;
		}
		stmt_bind_int(st, 1, last);
		stmt_bind_int(st, 2, dues_owed_chunk_members);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW && !stmt_is_null(st, 0)) {
			lo = stmt_int(st, 0);
			hi = stmt_int(st, 1);
		}
		stmt_reset(st);
		if (step < 0) {
			rc = ctx_db_fail(ctx);
			break;
		}
		if (lo < 0)
			break;
		chunks++;
		if ((rc = chunk_load(ctx, lo, hi, &c)) || (rc = chunk_work(ctx, &c, &out)))
			break;
		/* queued members without a member row (gone) lose their figures too */
		st = range_stmt(ctx,
				/* the range inside the subquery: SQLite would walk the whole queue for the IN list;
				 * and on dues_owed itself: PostgreSQL's generic plan of this prepared statement (from
				 * its sixth run) cannot see the range through the IN and read all of dues_owed per
				 * chunk, 81 ms a chunk by 1.5M of a 10M rebuild and growing with the table */
				"DELETE FROM dues_owed WHERE member_id >= ? AND member_id <= ? AND member_id IN "
				"(SELECT member_id FROM dues_owed_stale WHERE member_id >= ? AND member_id <= ?) AND NOT EXISTS "
				"(SELECT 1 FROM members m WHERE m.id = dues_owed.member_id)",
				lo, hi);
		if (!st || stmt_run(st, &ctx->err)) {
			rc = st ? ctx_db_fail(ctx) : E_DB;
			break;
		}
		st = range_stmt(ctx, "DELETE FROM dues_owed_stale WHERE member_id >= ? AND member_id <= ?", lo, hi);
		if (!st || stmt_run(st, &ctx->err)) {
			rc = st ? ctx_db_fail(ctx) : E_DB;
			break;
		}
		if (worked)
			*worked += db_changes(ctx->db);
		last = hi;
	}
	chunk_free(&c);
	bulk_free(&out);
	return rc;
}

int dues_owed_refresh(struct ctx *ctx)
{
	int rc, own = !((struct db_base *)ctx->db)->in_tx, step;
	struct stmt *st;
	if (own) {
		/* nothing queued and no interrupted upgrade (the usual case): no write transaction at all */
		if (!(st = db_prepare(ctx->db,
				      "SELECT 1 FROM dues_owed_stale UNION ALL SELECT 1 FROM dues_owed_bulk LIMIT 1",
				      &ctx->err)))
			return E_DB;
		step = stmt_step(st, &ctx->err);
		stmt_reset(st);
		if (step == STEP_DONE)
			return 0;
		if (step != STEP_ROW)
			return ctx_db_fail(ctx);
	}
	if (own && (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	rc = drain(ctx, !own);
	if (own) {
		if (rc)
			db_rollback(ctx->db);
		else
			rc = db_commit(ctx->db, &ctx->err);
	}
	return rc;
}

int dues_owed_rebuild(struct ctx *ctx)
{
	/* every member with a base queued: drain() works them out in bulk and recomputes the sums */
	int rc = db_exec(ctx->db,
			 "DELETE FROM dues_owed_bulk; INSERT INTO dues_owed_bulk (on_) VALUES (1);"
			 "DELETE FROM dues_owed; DELETE FROM dues_owed_stale;"
			 "INSERT INTO dues_owed_stale (member_id) SELECT DISTINCT member_id FROM dues_bases;",
			 &ctx->err);
	/* PostgreSQL plans the chunks' joins by the queue's statistics: sample it now it is full */
	if (!rc && ctx_is_pg(ctx))
		rc = db_exec(ctx->db, "ANALYZE dues_owed_stale", &ctx->err);
	if (rc || (rc = drain_rows(ctx, 0, NULL, NULL)) || (rc = db_exec(ctx->db, ctx_is_pg(ctx) ? sums_pg : sums_sqlite, &ctx->err)))
		return rc;
	return db_exec(ctx->db, "DELETE FROM dues_owed_bulk", &ctx->err);
}

/* the steps of dues_owed_upgrade: each its own transaction */
static int upgrade_step(struct ctx *ctx, int what, int *more, int64_t *worked)
{
	int rc = db_begin(ctx->db, &ctx->err);
	if (rc)
		return rc;
	if (what == 0)
		rc = db_exec(ctx->db, "INSERT INTO dues_owed_bulk (on_) VALUES (1)", &ctx->err);
	else if (what == 1)
		rc = drain_rows(ctx, dues_owed_upgrade_chunks, more, worked);
	else if (!(rc = db_exec(ctx->db, ctx_is_pg(ctx) ? sums_pg : sums_sqlite, &ctx->err)))
		rc = db_exec(ctx->db, "DELETE FROM dues_owed_bulk", &ctx->err);
	if (rc) {
		db_rollback(ctx->db);
		return rc;
	}
	return db_commit(ctx->db, &ctx->err);
}

int dues_owed_upgrade(struct ctx *ctx, FILE *progress, int max_tx, int *done)
{
	int rc, more = 1, tx = 0;
	int64_t total, left, flag;
	time_t t0 = time(NULL);
	*done = 0;
	if ((rc = ctx_query_int(ctx, "SELECT count(*) FROM dues_owed_stale", &total)) ||
	    (rc = ctx_query_int(ctx, "SELECT count(*) FROM dues_owed_bulk", &flag)))
		return rc;
	left = total;
	if (!flag && total < dues_owed_bulk_min) {
		/* nothing or a short queue: the ordinary drain, one transaction */
		if (!(rc = dues_owed_refresh(ctx)))
			*done = 1;
		return rc;
	}
	/* the sums' triggers aside (a committed flag) while the queue is worked out chunk by chunk */
	if (!flag && (rc = upgrade_step(ctx, 0, NULL, NULL)))
		return rc;
	while (more) {
		if (max_tx && tx >= max_tx)
			return 0;
		int64_t worked = 0;
		if ((rc = upgrade_step(ctx, 1, &more, &worked)))
			return rc;
		tx++;
		left -= worked;
		if (progress)
			fprintf(progress, "  dues arrears: %lld of %lld members worked out (%lld s)\n", (long long)(total - left),
				(long long)total, (long long)(time(NULL) - t0));
	}
	if (max_tx && tx >= max_tx)
		return 0;
	if ((rc = upgrade_step(ctx, 2, NULL, NULL)))
		return rc;
	if (progress)
		fprintf(progress, "  dues arrears: sums per organization recomputed (%lld s)\n", (long long)(time(NULL) - t0));
	*done = 1;
	return 0;
}

/* ---- the arrears of a large subtree from the kept figures ---------------------------- */

struct unsettled {
	int64_t member_id, org_id, a, b, fen;
	char org_path[PATH_MAX_LEN], name[128], org_name[128];
	int k, months, paid_to;
};

struct child {
	int64_t org_id, members, months, fen;
	char name[128], path[PATH_MAX_LEN];
};

static int cmp_unsettled(const void *a, const void *b)
{
	const struct unsettled *x = a, *y = b;
	int c;
	if (x->months != y->months)
		return x->months > y->months ? -1 : 1;
	if ((c = strcmp(x->org_path, y->org_path)))
		return c;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

static int load_unsettled(struct ctx *ctx, const struct org *root, const char *end, int cur, struct unsettled **out,
			  size_t *nout)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT member_id, org_id, org_path, k, a, b FROM dues_owed WHERE ok = 1 AND v > ? "
				     "AND org_path >= ? AND org_path < ?",
				     &ctx->err);
	struct unsettled *u = NULL;
	size_t n = 0, cap = 0, i;
	int step, rc = 0;
	*out = NULL;
	*nout = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, cur);
	stmt_bind_text(st, 2, root->path);
	stmt_bind_text(st, 3, end);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			u = xreallocarray(u, cap, sizeof(*u));
		}
		memset(&u[n], 0, sizeof(u[n]));
		u[n].member_id = stmt_int(st, 0);
		u[n].org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, u[n].org_path, sizeof(u[n].org_path));
		u[n].k = (int)stmt_int(st, 3);
		u[n].a = stmt_int(st, 4);
		u[n].b = stmt_int(st, 5);
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		free(u);
		return ctx_db_fail(ctx);
	}
	/* the due rule, member by member (the reference's own computation) */
	for (i = 0; i < n && !rc; i++) {
		struct dues_member m;
		struct dues_member_plan mp;
		if ((rc = dues_load_member(ctx, u[i].member_id, &m, DUES_SEE_SCOPE)) || (rc = dues_plan_load(ctx, &m, &mp)))
			break;
		rc = dues_member_arrears(ctx, &m, &mp, &u[i].months, &u[i].fen);
		dues_plan_release(&mp);
		memcpy(u[i].name, m.name, sizeof(u[i].name));
		memcpy(u[i].org_name, m.org_name, sizeof(u[i].org_name));
		u[i].paid_to = m.paid_to;
	}
	if (rc) {
		free(u);
		return rc;
	}
	*out = u;
	*nout = n;
	return 0;
}

/* the root's direct children (tree order) with their subtrees' kept sums at C = cur */
static int load_children(struct ctx *ctx, const struct org *root, int cur, int thr, struct child **out, size_t *nout)
{
	struct stmt *st = db_prepare(ctx->db,
				     root->id ? "SELECT o.id, o.name, o.path, coalesce(sum(s.members), 0), "
						"coalesce(sum(s.members * s.k), 0), coalesce(sum(s.a), 0), coalesce(sum(s.b), 0) "
						"FROM orgs o LEFT JOIN dues_owed_sums s ON s.org_id = o.id AND s.k >= ? "
						"WHERE o.parent_id = ? GROUP BY o.id, o.name, o.path ORDER BY o.path"
					      : "SELECT o.id, o.name, o.path, coalesce(sum(s.members), 0), "
						"coalesce(sum(s.members * s.k), 0), coalesce(sum(s.a), 0), coalesce(sum(s.b), 0) "
						"FROM orgs o LEFT JOIN dues_owed_sums s ON s.org_id = o.id AND s.k >= ? "
						"WHERE o.parent_id IS NULL GROUP BY o.id, o.name, o.path ORDER BY o.path",
				     &ctx->err);
	struct child *c = NULL;
	size_t n = 0, cap = 0;
	int step;
	*out = NULL;
	*nout = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, thr);
	if (root->id)
		stmt_bind_int(st, 2, root->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			c = xreallocarray(c, cap, sizeof(*c));
		}
		memset(&c[n], 0, sizeof(c[n]));
		c[n].org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, c[n].name, sizeof(c[n].name));
		stmt_text_copy(st, 2, c[n].path, sizeof(c[n].path));
		c[n].members = stmt_int(st, 3);
		c[n].months = c[n].members * cur + stmt_int(st, 4);
		c[n].fen = stmt_int(st, 5) + (int64_t)cur * stmt_int(st, 6);
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		free(c);
		return ctx_db_fail(ctx);
	}
	*out = c;
	*nout = n;
	return 0;
}

static void add_to(struct child *c, int sign, int64_t months, int64_t fen)
{
	c->members += sign;
	c->months += sign * months;
	c->fen += sign * fen;
}

static json_t *item_json(int64_t member_id, const char *name, int64_t org_id, const char *org_name, int paid_to,
			 int64_t months, int64_t fen)
{
	char p[8];
	dues_ym_format(paid_to, p);
	return json_pack("{s:I, s:s, s:I, s:s, s:o, s:I, s:I}", "member_id", (json_int_t)member_id, "name", name, "org_id",
			 (json_int_t)org_id, "org_name", org_name, "dues_paid_to", json_str_or_null(p), "months",
			 (json_int_t)months, "fen", (json_int_t)fen);
}

/* the page: the unsettled members (exact figures) merged into the kept ranking (k desc, path, id) */
static int page_items(struct ctx *ctx, const struct org *root, const char *end, int cur, int min_months,
		      const struct unsettled *u, size_t nu, int page, int per_page, json_t *items)
{
	int64_t from = (int64_t)(page - 1) * per_page, to = from + per_page, pos = 0;
	size_t i = 0;
	int step = STEP_DONE, have = 0;
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT d.member_id, d.k, d.a, d.b, d.org_path, d.org_id, m.name, o.name, m.dues_paid_to "
				     "FROM dues_owed d JOIN members m ON m.id = d.member_id JOIN orgs o ON o.id = d.org_id "
				     "WHERE d.ok = 1 AND d.k >= ? AND d.v <= ? AND d.org_path >= ? AND d.org_path < ? "
				     "ORDER BY d.k DESC, d.org_path, d.member_id LIMIT ?",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, min_months - cur);
	stmt_bind_int(st, 2, cur);
	stmt_bind_text(st, 3, root->path);
	stmt_bind_text(st, 4, end);
	stmt_bind_int(st, 5, to);
	while (pos < to) {
		int take_u;
		if (!have && step != -100) {
			step = stmt_step(st, &ctx->err);
			if (step == STEP_ROW)
				have = 1;
			else if (step == STEP_DONE)
				step = -100;
			else
				break;
		}
		while (i < nu && u[i].months < min_months)
			i++;
		if (!have && i >= nu)
			break;
		if (!have)
			take_u = 1;
		else if (i >= nu)
			take_u = 0;
		else {
			int64_t sm = cur + stmt_int(st, 1), sid = stmt_int(st, 0);
			int c;
			if (u[i].months != sm)
				take_u = u[i].months > sm;
			else if ((c = strcmp(u[i].org_path, stmt_text(st, 4))))
				take_u = c < 0;
			else
				take_u = u[i].member_id < sid;
		}
		if (take_u) {
			if (pos >= from)
				json_array_append_new(items, item_json(u[i].member_id, u[i].name, u[i].org_id, u[i].org_name,
								       u[i].paid_to, u[i].months, u[i].fen));
			i++;
		} else {
			if (pos >= from)
				json_array_append_new(items,
						      item_json(stmt_int(st, 0), stmt_text(st, 6), stmt_int(st, 5),
								stmt_text(st, 7), dues_ym_parse(stmt_text(st, 8)),
								cur + stmt_int(st, 1),
								stmt_int(st, 2) + (int64_t)cur * stmt_int(st, 3)));
			have = 0;
		}
		pos++;
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE || step == -100 ? 0 : ctx_db_fail(ctx);
}

int dues_arrears_kept(struct ctx *ctx, const struct org *root, int min_months, int page, int per_page, json_t **out)
{
	struct unsettled *u = NULL;
	struct child *c = NULL, self, tot;
	size_t nu = 0, nc = 0, i, k;
	char end[PATH_MAX_LEN];
	int cur = dues_current_month(ctx), rc;
	json_t *items = NULL, *branches, *j;

	*out = NULL;
	memset(&self, 0, sizeof(self));
	memset(&tot, 0, sizeof(tot));
	path_range_end(root->path, end, sizeof(end));
	if ((rc = dues_owed_refresh(ctx)) || (rc = load_unsettled(ctx, root, end, cur, &u, &nu)) ||
	    (rc = load_children(ctx, root, cur, min_months - cur, &c, &nc)))
		goto out;
	if (root->id) {
		struct stmt *st = db_prepare(ctx->db,
					     "SELECT coalesce(sum(members), 0), coalesce(sum(members * k), 0), coalesce(sum(a), 0), "
					     "coalesce(sum(b), 0) FROM dues_owed_sums WHERE org_id = ? AND k >= ?",
					     &ctx->err);
		int step;
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_int(st, 1, root->id);
		stmt_bind_int(st, 2, min_months - cur);
		if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			tot.members = stmt_int(st, 0);
			tot.months = tot.members * cur + stmt_int(st, 1);
			tot.fen = stmt_int(st, 2) + (int64_t)cur * stmt_int(st, 3);
		}
		stmt_reset(st);
		if (step != STEP_ROW) {
			rc = ctx_db_fail(ctx);
			goto out;
		}
	} else {
		for (k = 0; k < nc; k++) {
			tot.members += c[k].members;
			tot.months += c[k].months;
			tot.fen += c[k].fen;
		}
	}
	/* the unsettled members: their linear figures out, the due rule's in */
	for (i = 0; i < nu; i++) {
		struct child *in = NULL;
		size_t plen;
		for (k = 0; k < nc && !in; k++) {
			plen = strlen(c[k].path);
			if (!strncmp(u[i].org_path, c[k].path, plen))
				in = &c[k];
		}
		if (cur + u[i].k >= min_months) {
			add_to(&tot, -1, cur + u[i].k, u[i].a + (int64_t)cur * u[i].b);
			if (in)
				add_to(in, -1, cur + u[i].k, u[i].a + (int64_t)cur * u[i].b);
		}
		if (u[i].months >= min_months) {
			add_to(&tot, 1, u[i].months, u[i].fen);
			if (in)
				add_to(in, 1, u[i].months, u[i].fen);
		}
	}
	/* the root's own members: the total less its children */
	self = tot;
	for (k = 0; k < nc; k++) {
		self.members -= c[k].members;
		self.months -= c[k].months;
		self.fen -= c[k].fen;
	}
	if (nu)
		qsort(u, nu, sizeof(*u), cmp_unsettled);
	items = json_array();
	if ((rc = page_items(ctx, root, end, cur, min_months, u, nu, page, per_page, items)))
		goto out;
	branches = json_array();
	if (root->id && self.members)
		json_array_append_new(branches, json_pack("{s:I, s:s, s:b, s:I, s:I, s:I}", "org_id", (json_int_t)root->id,
							  "name", root->name, "self", 1, "members", (json_int_t)self.members,
							  "months", (json_int_t)self.months, "fen", (json_int_t)self.fen));
	for (k = 0; k < nc; k++)
		if (c[k].members)
			json_array_append_new(branches, json_pack("{s:I, s:s, s:b, s:I, s:I, s:I}", "org_id",
								  (json_int_t)c[k].org_id, "name", c[k].name, "self", 0,
								  "members", (json_int_t)c[k].members, "months",
								  (json_int_t)c[k].months, "fen", (json_int_t)c[k].fen));
	j = json_object();
	json_object_set_new(j, "items", items);
	items = NULL;
	json_object_set_new(j, "total", json_integer((json_int_t)tot.members));
	json_object_set_new(j, "page", json_integer(page));
	json_object_set_new(j, "per_page", json_integer(per_page));
	json_object_set_new(j, "rollup", json_string("children"));
	json_object_set_new(j, "branches", branches);
	*out = j;
out:
	json_decref(items);
	free(u);
	free(c);
	return rc;
}
