/*
 * 党内统计 from the counts kept per ancestor org (036_stats_kept): for a large subtree in
 * the current year the tables come from the root's own stats_kept row (its subtree's
 * on-roll members by each value), its stats_births rows (the same members by birth date:
 * the age bands are applied at the reference date here), its stats_org_kept row (orgs
 * by kind, branches by size band and problem) and stats_org_terms rows (orgs by term
 * end: term_expired at today) — no member row is read but those joining after today,
 * taken back out (and their branches' bands corrected), and the year's joins, counted
 * from the join date index. The answers are those of
 * the pass (stats_compute_fold), which stays for small subtrees and past years; the
 * proof is tests/unit/test_stats_kept.c on both backends.
 *
 * Rows read for a root: 2 + its distinct birth dates (≤ ~30,000 at any size) + its distinct
 * term ends + the members joining after today + the index entries of the year's joins
 * (and the year's transfer letters and state changes, as for the pass).
 */
#include <stdlib.h>
#include <string.h>
#include "domain/org.h"
#include "domain/stats.h"
#include "domain/stats_internal.h"
#include "domain/stats_kept_sql.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

int stats_kept_rebuild(struct ctx *ctx)
{
	return db_exec(ctx->db, ctx_is_pg(ctx) ? stats_kept_rebuild_pg : stats_kept_rebuild_sqlite, &ctx->err);
}

int stats_kept_import_begin(struct ctx *ctx, int64_t *after_id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT COALESCE(max(id), 0) FROM members", &ctx->err);
	int step;
	if (!st)
		return ctx_db_fail(ctx);
	*after_id = 0;
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		*after_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	/* the row triggers step aside for this transaction (036): PostgreSQL by a setting, SQLite (one
	 * writer at a time) by a row only this transaction sees until it ends */
	if (db_exec(ctx->db,
		    ctx_is_pg(ctx) ? "SET LOCAL dangjian.stats_kept_defer = 'on'" : "INSERT INTO stats_kept_defer VALUES (1)",
		    &ctx->err))
		return ctx_db_fail(ctx);
	return 0;
}

int stats_kept_import_end(struct ctx *ctx, int64_t after_id, int aside)
{
	struct stmt *st;
	int k, rc = 0, pg = ctx_is_pg(ctx);
	(void)aside; /* SQLite's set-aside triggers (db_bulk_begin) counted nothing either */
	if (db_exec(ctx->db,
		    pg ? "SET LOCAL dangjian.stats_kept_defer = 'off'" : "DELETE FROM stats_kept_defer", &ctx->err))
		return ctx_db_fail(ctx);
	/* the stats_kept upserts fire its own triggers, which move the org tables' rows */
	for (k = 0; k < 2 && !rc; k++) {
		st = db_prepare(ctx->db,
				k ? (pg ? stats_births_since_pg : stats_births_since_sqlite)
				  : (pg ? stats_kept_since_pg : stats_kept_since_sqlite),
				&ctx->err);
		if (!st)
			return ctx_db_fail(ctx);
		stmt_bind_int(st, 1, after_id);
		rc = stmt_run(st, &ctx->err);
	}
	return rc ? ctx_db_fail(ctx) : 0;
}

const char *stats_kept_subtree_columns(void)
{
	/* stats_kept_cols begins with the org's own direct and direct_full */
	static const char own[] = "direct, direct_full, ";
	return strncmp(stats_kept_cols, own, sizeof(own) - 1) ? NULL : stats_kept_cols + sizeof(own) - 1;
}

const char *stats_org_kept_columns(void)
{
	return stats_org_kept_cols;
}

/* the column positions in stats_kept_cols */
enum {
	K_DIRECT,
	K_DIRECT_FULL,
	K_TOTAL,
	K_G1,
	K_G2,
	K_G0,
	K_E01,
	K_E_OTHER = K_E01 + 56,
	K_EDU0,
	K_JP0 = K_EDU0 + STATS_EDU_N,
	K_CAT_FULL = K_JP0 + STATS_JOIN_N,
	K_CAT_PROB,
	K_SUSPENDED,
	K_LOST,
	K_FLOATING,
	K__COUNT
};

/* the stats_kept row and stats_births rows of one org added to v and c->age */
static int add_org(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, int64_t v[K__COUNT],
		   struct stats_counts *c)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st;
	int step, i;
	strbuf_addf(&sb, "SELECT %s FROM stats_kept WHERE org_id = ?", stats_kept_cols);
	st = db_prepare(ctx->db, sb.buf, &ctx->err);
	strbuf_release(&sb);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_int(st, 1, org_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		for (i = 0; i < K__COUNT; i++)
			v[i] += stmt_int(st, i);
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	st = db_prepare(ctx->db, "SELECT birth_date, n FROM stats_births WHERE org_id = ? AND n <> 0", &ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_int(st, 1, org_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		c->age[stats_age_band(stats_date_int(stmt_text(st, 0)), r->ref)] += stmt_int(st, 1);
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* the org tables: kinds, branch size bands, problems 0–3 in stats_org_kept_cols order */
	strbuf_addf(&sb, "SELECT %s FROM stats_org_kept WHERE org_id = ?", stats_org_kept_cols);
	st = db_prepare(ctx->db, sb.buf, &ctx->err);
	strbuf_release(&sb);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_int(st, 1, org_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		for (i = 0; i < STATS_KIND_N; i++)
			c->org_kind[i] += stmt_int(st, i);
		for (i = 0; i < STATS_SIZE_N; i++)
			c->org_size[i] += stmt_int(st, STATS_KIND_N + i);
		for (i = 0; i < 4; i++)
			c->problem[i] += stmt_int(st, STATS_KIND_N + STATS_SIZE_N + i);
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* term_expired: the orgs whose term ended before today */
	st = db_prepare(ctx->db, "SELECT sum(n) FROM stats_org_terms WHERE org_id = ? AND term_end < ?", &ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, r->today_iso);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		c->problem[4] += stmt_is_null(st, 0) ? 0 : stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* the kept rows of the subtree's root: the org, or every top org for the whole tree */
static int add_root(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		    int64_t v[K__COUNT], struct stats_counts *c)
{
	struct stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0, i;
	int step, rc = 0;
	if (root->id)
		return add_org(ctx, root->id, r, v, c);
	st = db_prepare(ctx->db, "SELECT id FROM orgs WHERE parent_id IS NULL AND path >= ? AND path < ? ORDER BY id",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, root->path);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			ids = xreallocarray(ids, alloc, sizeof(*ids));
		}
		ids[n++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	for (i = 0; !rc && i < n; i++)
		rc = add_org(ctx, ids[i], r, v, c);
	free(ids);
	return rc;
}

/* members on the roll joining after the reference date: counted by the triggers, not by the pass */
struct late {
	struct stats_counts *c;
	const struct stats_ref *r;
	struct late_org {
		int64_t org_id;
		int full;
	} *v;
	size_t n, alloc;
};

static int late_row(void *arg, const struct stats_row *m)
{
	struct late *l = arg;
	struct stats_counts *c = l->c;
	int idx[SD__COUNT];
	if (!m->on_roll)
		return 0;
	stats_classify(m, l->r, idx);
	c->total--;
	c->gender[idx[SD_GENDER]]--;
	c->nation[idx[SD_NATION]]--;
	c->ethnicity[idx[SD_ETHNICITY]]--;
	c->age[idx[SD_AGE]]--;
	c->education[idx[SD_EDUCATION]]--;
	c->join[idx[SD_JOIN]]--;
	c->category[idx[SD_CATEGORY]]--;
	c->status[idx[SD_STATUS]]--;
	c->status[2] -= m->lost;
	c->status[3] -= m->floating;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n].org_id = m->org_id;
	l->v[l->n++].full = m->full;
	return 0;
}

static int cmp_late(const void *a, const void *b)
{
	int64_t x = ((const struct late_org *)a)->org_id, y = ((const struct late_org *)b)->org_id;
	return x < y ? -1 : x > y;
}

/* the org tables were kept with every on-roll member counted: the orgs of members joining after
 * today move to the band and problems of their direct counts without them */
static int correct_orgs(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r,
			const struct late *l, struct stats_counts *c)
{
	struct stmt *st;
	size_t i = 0, j;
	int step = STEP_DONE, p;
	if (!l->n)
		return 0;
	st = db_prepare(ctx->db,
			"SELECT o.kind, o.secretary_member_id, o.committee_size, o.term_end, k.direct, k.direct_full "
			"FROM orgs o LEFT JOIN stats_kept k ON k.org_id = o.id "
			"WHERE o.id = ? AND o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	while (i < l->n) {
		struct stats_org kept, now;
		struct stats_counts a, b;
		for (j = i; j < l->n && l->v[j].org_id == l->v[i].org_id; j++)
			;
		stmt_bind_int(st, 1, l->v[i].org_id);
		stmt_bind_text(st, 2, lo);
		stmt_bind_text(st, 3, hi);
		if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			const char *t = stmt_text(st, 3);
			memset(&kept, 0, sizeof(kept));
			kept.id = l->v[i].org_id;
			kept.kind = stats_kind_index(stmt_text(st, 0));
			kept.secretary = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
			kept.committee_size = (int)stmt_int(st, 2);
			strlcpy_z(kept.term_end, t ? t : "", sizeof(kept.term_end));
			kept.members = stmt_is_null(st, 4) ? 0 : stmt_int(st, 4);
			kept.full = stmt_is_null(st, 5) ? 0 : stmt_int(st, 5);
			now = kept;
			for (; i < j; i++) {
				now.members--;
				now.full -= l->v[i].full;
			}
			memset(&a, 0, sizeof(a));
			memset(&b, 0, sizeof(b));
			stats_count_org(&a, &now, r);
			stats_count_org(&b, &kept, r);
			for (p = 0; p < STATS_SIZE_N; p++)
				c->org_size[p] += a.org_size[p] - b.org_size[p];
			for (p = 0; p < STATS_PROBLEM_N; p++)
				c->problem[p] += a.problem[p] - b.problem[p];
		} else if (step != STEP_DONE) {
			break;
		}
		i = j;
		stmt_reset(st);
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* 新入党 this year up to the reference date, every state, from the join date index */
static int count_joined(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r,
			struct stats_counts *c)
{
	struct stmt *st;
	char from[11];
	int step;
	xsnprintf(from, sizeof(from), "%04d-01-01", r->year);
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM members WHERE join_date >= ? AND join_date <= ? "
			"AND org_path || '' >= ? AND org_path || '' < ?",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, r->ref_iso);
	stmt_bind_text(st, 3, lo);
	stmt_bind_text(st, 4, hi);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		c->change[SC_JOINED] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* the members of [lo, hi) joining after the reference date, all states (an index range) */
static int count_late(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, int64_t *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT count(*) FROM members WHERE join_date > ? AND org_path || '' >= ? AND org_path || '' < ?",
				     &ctx->err);
	int step;
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, r->ref_iso);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		*n = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static void kept_to_counts(const int64_t v[K__COUNT], struct stats_counts *c)
{
	int i;
	c->total = v[K_TOTAL];
	c->gender[0] = v[K_G1];
	c->gender[1] = v[K_G2];
	c->gender[2] = v[K_G0];
	for (i = 0; i < 56; i++)
		c->ethnicity[i] = v[K_E01 + i];
	c->ethnicity[STATS_ETHNICITY_MAX - 1] = v[K_E_OTHER];
	c->nation[0] = v[K_E01];
	c->nation[1] = v[K_TOTAL] - v[K_E01];
	for (i = 0; i < STATS_EDU_N; i++)
		c->education[i] = v[K_EDU0 + i];
	for (i = 0; i < STATS_JOIN_N; i++)
		c->join[i] = v[K_JP0 + i];
	c->category[0] = v[K_CAT_FULL];
	c->category[1] = v[K_CAT_PROB];
	c->status[0] = v[K_TOTAL] - v[K_SUSPENDED];
	c->status[1] = v[K_SUSPENDED];
	c->status[2] = v[K_LOST];
	c->status[3] = v[K_FLOATING];
}

int stats_kept_compute(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		       long long min_members, struct stats_counts *c)
{
	int64_t v[K__COUNT];
	struct late late;
	int rc;
	int64_t nlate = 0;
	memset(c, 0, sizeof(*c));
	memset(v, 0, sizeof(v));
	if ((rc = add_root(ctx, root, hi, r, v, c)))
		return rc;
	/* a past year's roster is today's less those joined since its end: read back, they are
	 * the cost, so an old year with many of them takes the pass */
	if (min_members >= 0 && (v[K_TOTAL] < min_members ||
				 (!(rc = count_late(ctx, root->path, hi, r, &nlate)) && nlate * 8 > v[K_TOTAL]))) {
		memset(c, 0, sizeof(*c));
		return STATS_KEPT_NO;
	}
	if (rc)
		return rc;
	kept_to_counts(v, c);
	memset(&late, 0, sizeof(late));
	late.c = c;
	late.r = r;
	if (!(rc = stats_joined_after_pass(ctx, root->path, hi, r->ref_iso, late_row, &late))) {
		if (late.n)
			qsort(late.v, late.n, sizeof(*late.v), cmp_late);
		rc = correct_orgs(ctx, root->path, hi, r, &late, c);
	}
	free(late.v);
	if (!rc)
		rc = count_joined(ctx, root->path, hi, r, c);
	if (!rc)
		rc = stats_changes(ctx, root->path, hi, r, stats_count_change, c);
	if (rc)
		memset(c, 0, sizeof(*c));
	return rc;
}

/* /stats/orgs: the subtree's orgs with their counted members from the kept direct counts */
static int late_org_row(void *arg, const struct stats_row *m)
{
	struct stats_orgs *o = arg;
	struct stats_org *x;
	if (m->on_roll && (x = stats_org_find(o, m->org_id))) {
		x->members--;
		x->full -= m->full;
	}
	return 0;
}

int stats_kept_orgs(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, long long min_members,
		    struct stats_orgs *orgs)
{
	struct stmt *st;
	int64_t total = 0, nlate = 0;
	int step, rc;
	if ((rc = stats_orgs_load(ctx, lo, hi, orgs)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT o.id, k.direct, k.direct_full FROM orgs o JOIN stats_kept k ON k.org_id = o.id "
			"WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL AND k.direct <> 0",
			&ctx->err);
	if (!st) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct stats_org *x = stats_org_find(orgs, stmt_int(st, 0));
		if (x) {
			x->members = stmt_int(st, 1);
			x->full = stmt_int(st, 2);
			total += x->members;
		}
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (min_members >= 0 && (total < min_members ||
				 (!(rc = count_late(ctx, lo, hi, r, &nlate)) && nlate * 8 > total))) {
		rc = rc ? rc : STATS_KEPT_NO;
		goto out;
	}
	if (!rc)
		rc = stats_joined_after_pass(ctx, lo, hi, r->ref_iso, late_org_row, orgs);
out:
	if (rc)
		stats_orgs_release(orgs);
	return rc;
}

/* ---- /stats/members of a large subtree: a page found by walking down the tree ---------- */

int64_t stats_counts_figure(const struct stats_counts *c, enum stats_dim d, int v)
{
	switch (d) {
	case SD_TOTAL: return c->total;
	case SD_GENDER: return v < STATS_GENDER_N ? c->gender[v] : 0;
	case SD_NATION: return v < STATS_NATION_N ? c->nation[v] : 0;
	case SD_ETHNICITY: return v < STATS_ETHNICITY_MAX ? c->ethnicity[v] : 0;
	case SD_AGE: return v < STATS_AGE_N ? c->age[v] : 0;
	case SD_EDUCATION: return v < STATS_EDU_N ? c->education[v] : 0;
	case SD_JOIN: return v < STATS_JOIN_N ? c->join[v] : 0;
	case SD_CATEGORY: return v < STATS_CATEGORY_N ? c->category[v] : 0;
	case SD_STATUS: return v < STATS_STATUS_N ? c->status[v] : 0;
	default: return 0;
	}
}

struct walk {
	struct ctx *ctx;
	const struct stats_ref *r;
	enum stats_dim d;
	int v;
	int64_t off, need;
	stats_id_fn fn;
	void *arg;
	char **late;                 /* org_path of each on-roll member joined after as_of matching (d, v) */
	size_t nlate, alate;
};

static int late_path_row(void *arg, const struct stats_row *m)
{
	struct walk *w = arg;
	if (!stats_row_kept_matches(m, w->r, w->d, w->v))
		return 0;
	if (w->nlate == w->alate) {
		w->alate = w->alate ? w->alate * 2 : 16;
		w->late = xreallocarray(w->late, w->alate, sizeof(*w->late));
	}
	w->late[w->nlate++] = xstrdup(m->org_path ? m->org_path : "");
	return 0;
}

/* "YYYY-MM-DD" of YYYYMMDD, and the least string above every string starting with it */
static void date_str(int d, char out[11], int above)
{
	xsnprintf(out, 11, "%04d-%02d-%02d", d / 10000 % 10000, d / 100 % 100, d % 100);
	if (above)
		out[9]++;
}

/* the org's kept on-roll members of age band v at r->ref: its birth dates in the band's range,
 * each classified as the pass does; band 0 (and dates that are none) is the rest of the total */
static int kept_age(struct ctx *ctx, int64_t org_id, int64_t total, const struct stats_ref *r, int v, int64_t *out)
{
	static const int lo_age[STATS_AGE_N] = { 0, 31, 36, 41, 46, 51, 56, 61, 71 };
	static const int hi_age[STATS_AGE_N] = { 30, 35, 40, 45, 50, 55, 60, 70, 999 };
	int ry = r->ref / 10000, md = r->ref % 10000, band = v, step;
	char lo[11], hi[11];
	struct stmt *st;
	int64_t n = 0;
	/* age >= A  <=>  birth <= (ry - A)·10000 + md;  age <= B  <=>  birth > (ry - B - 1)·10000 + md */
	if (v == 0)
		band = -1; /* every band ≥ 1: ages from 31 up */
	if (band < 0 || band == STATS_AGE_N - 1)
		lo[0] = '\0';
	else
		date_str((ry - hi_age[band] - 1) * 10000 + md, lo, 0);
	date_str((ry - (band < 0 ? 31 : lo_age[band])) * 10000 + md, hi, 1);
	st = db_prepare(ctx->db,
			"SELECT birth_date, n FROM stats_births WHERE org_id = ? AND birth_date >= ? AND birth_date < ? "
			"AND n <> 0",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int b = stats_age_band(stats_date_int(stmt_text(st, 0)), r->ref);
		if (band < 0 ? b >= 1 : b == band)
			n += stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	*out = band < 0 ? total - n : n;
	return 0;
}

/* the kept count of (d, v) in org's subtree, less the members joined after as_of */
static int child_count(struct walk *w, int64_t org_id, const char *path, int64_t *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct stats_counts c;
	struct stmt *st;
	int64_t v[K__COUNT];
	size_t plen = strlen(path), i;
	int step, k, rc = 0;
	memset(v, 0, sizeof(v));
	memset(&c, 0, sizeof(c));
	strbuf_addf(&sb, "SELECT %s FROM stats_kept WHERE org_id = ?", stats_kept_cols);
	st = db_prepare(w->ctx->db, sb.buf, &w->ctx->err);
	strbuf_release(&sb);
	if (!st)
		return ctx_db_fail(w->ctx);
	stmt_bind_int(st, 1, org_id);
	if ((step = stmt_step(st, &w->ctx->err)) == STEP_ROW)
		for (k = 0; k < K__COUNT; k++)
			v[k] = stmt_int(st, k);
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(w->ctx);
	kept_to_counts(v, &c);
	if (w->d == SD_AGE)
		rc = v[K_TOTAL] ? kept_age(w->ctx, org_id, v[K_TOTAL], w->r, w->v, out) : (*out = 0, 0);
	else
		*out = stats_counts_figure(&c, w->d, w->v);
	for (i = 0; i < w->nlate && !rc; i++)
		if (!strncmp(w->late[i], path, plen))
			(*out)--;
	return rc;
}

struct kid {
	int64_t id;
	char *path;
};

static int cmp_kid(const void *a, const void *b)
{
	return strcmp(((const struct kid *)a)->path, ((const struct kid *)b)->path);
}

/* the org at path (id 0: the whole tree's virtual root over [path, hi)): its own members, then its children */
static int walk_org(struct walk *w, int64_t org_id, const char *path, const char *hi)
{
	struct stmt *st;
	struct stats_row m;
	struct kid *kids = NULL;
	size_t nk = 0, ak = 0, i;
	int step = STEP_DONE, rc = 0;
	if (org_id) {
		st = db_prepare(w->ctx->db, STATS_PASS_COLUMNS "WHERE org_path = ? ORDER BY id", &w->ctx->err);
		if (!st)
			return ctx_db_fail(w->ctx);
		stmt_bind_text(st, 1, path);
		while (w->need > 0 && (step = stmt_step(st, &w->ctx->err)) == STEP_ROW) {
			stats_row_read(st, &m);
			if (!stats_row_matches(&m, w->r, w->d, w->v))
				continue;
			if (w->off > 0) {
				w->off--;
				continue;
			}
			w->fn(w->arg, m.id);
			w->need--;
		}
		stmt_reset(st);
		if (w->need > 0 && step != STEP_DONE)
			return ctx_db_fail(w->ctx);
		if (w->need <= 0)
			return 0;
		st = db_prepare(w->ctx->db, "SELECT id, path FROM orgs WHERE parent_id = ?", &w->ctx->err);
		if (st)
			stmt_bind_int(st, 1, org_id);
	} else {
		st = db_prepare(w->ctx->db, "SELECT id, path FROM orgs WHERE parent_id IS NULL AND path >= ? AND path < ?",
				&w->ctx->err);
		if (st) {
			stmt_bind_text(st, 1, path);
			stmt_bind_text(st, 2, hi);
		}
	}
	if (!st)
		return ctx_db_fail(w->ctx);
	while ((step = stmt_step(st, &w->ctx->err)) == STEP_ROW) {
		const char *p = stmt_text(st, 1);
		if (!p || strncmp(p, path, strlen(path)))
			continue; /* a placeholder path (an org being created) holds no members */
		if (nk == ak) {
			ak = ak ? ak * 2 : 16;
			kids = xreallocarray(kids, ak, sizeof(*kids));
		}
		kids[nk].id = stmt_int(st, 0);
		kids[nk++].path = xstrdup(p);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(w->ctx);
	if (nk)
		qsort(kids, nk, sizeof(*kids), cmp_kid);
	for (i = 0; i < nk && !rc && w->need > 0; i++) {
		int64_t n = 0;
		char khi[PATH_MAX_LEN];
		if ((rc = child_count(w, kids[i].id, kids[i].path, &n)))
			break;
		if (w->off >= n) {
			w->off -= n;
			continue;
		}
		path_range_end(kids[i].path, khi, sizeof(khi));
		rc = walk_org(w, kids[i].id, kids[i].path, khi);
	}
	for (i = 0; i < nk; i++)
		free(kids[i].path);
	free(kids);
	return rc;
}

int stats_kept_members_page(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
			    enum stats_dim d, int v, long long min_members, int64_t off, int64_t n, stats_id_fn fn,
			    void *arg, int64_t *total)
{
	struct stats_counts c;
	struct walk w;
	size_t i;
	int rc;
	*total = 0;
	if (d == SD_CHANGE || d >= SD_ORG_KIND)
		return STATS_KEPT_NO;
	if ((rc = stats_kept_compute(ctx, root, hi, r, min_members, &c)))
		return rc;
	*total = stats_counts_figure(&c, d, v);
	if (off >= *total || n <= 0)
		return 0;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.r = r;
	w.d = d;
	w.v = v;
	w.off = off;
	w.need = n;
	w.fn = fn;
	w.arg = arg;
	rc = stats_joined_after_pass(ctx, root->path, hi, r->ref_iso, late_path_row, &w);
	if (!rc)
		rc = walk_org(&w, root->id, root->path, hi);
	for (i = 0; i < w.nlate; i++)
		free(w.late[i]);
	free(w.late);
	return rc;
}
