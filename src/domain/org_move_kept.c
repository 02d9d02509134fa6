/*
 * An org move and the kept figures (043_org_move_kept.*.sql, 044_stats_kept_moving.*.sql): every
 * org and member of the moved subtree gets a new path, and each kept table's row triggers would take
 * the row from every org of the old path and add it at every org of the new one, the shared
 * ancestors included, where the two cancel. The moved org's own kept rows hold its subtree's
 * figures, so the move sets those triggers aside and moves the rows instead: one statement per
 * table per ancestor that changes.
 */
#include "domain/org_move_kept.h"
#include <string.h>
#include "domain/org_path.h"
#include "domain/stats.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* A table kept per ancestor org: its rows of one org are keyed by org_id and keys, and its
 * values add up over the subtree. */
struct kept_table {
	const char *name;
	const char *keys;             /* key columns after org_id, ", "-separated; "" none */
	const char *vals;             /* additive columns; NULL: vals_fn's */
	const char *(*vals_fn)(void); /* the generated column lists of 036 */
};

static const struct kept_table kept_tables[] = {
	/* 036 党内统计: the members by each table's value, their birth dates; the orgs, their terms */
	{ "stats_kept", "", NULL, stats_kept_subtree_columns },
	{ "stats_births", "birth_date", "n", NULL },
	{ "stats_org_kept", "", NULL, stats_org_kept_columns },
	{ "stats_org_terms", "term_end", "n", NULL },
	/* 037 the arrears sums per months owed */
	{ "dues_owed_sums", "k", "members, a, b", NULL },
	/* 039 the members' and the branches' counts and score histograms */
	{ "point_subject_counts", "target", "n", NULL },
	{ "point_score_hist", "target, year, pcode, award_x10, deduct_x10", "n, entries", NULL },
};

int org_move_kept_aside(struct ctx *ctx, int on)
{
	/* the marker lives only in this transaction: PostgreSQL's SET LOCAL, SQLite's row (one writer
	 * at a time). dues_owed_bulk's row 2 is ours: a committed row 1 is an interrupted upgrade (dues_owed.c) */
	static const char *const sql[2][2] = {
		{ "DELETE FROM kept_moving; DELETE FROM dues_owed_bulk WHERE on_ = 2",
		  "INSERT INTO kept_moving (on_) VALUES (1); INSERT INTO dues_owed_bulk (on_) VALUES (2)" },
		{ "SET LOCAL dangjian.kept_moving = 'off'; DELETE FROM dues_owed_bulk WHERE on_ = 2",
		  "SET LOCAL dangjian.kept_moving = 'on'; INSERT INTO dues_owed_bulk (on_) VALUES (2)" },
	};
	return db_exec(ctx->db, sql[ctx_is_pg(ctx)][on != 0], &ctx->err) ? ctx_db_fail(ctx) : 0;
}

/* fmt applied to each name of a ", "-separated list, joined by sep, appended to sb */
static void each_col(struct strbuf *sb, const char *list, const char *fmt, const char *sep)
{
	const char *p = list;
	int first = 1;
	while (*p) {
		size_t n = strcspn(p, ",");
		char name[40];
		if (n && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (!first)
				strbuf_addstr(sb, sep);
			strbuf_addf(sb, fmt, name, name, name);
			first = 0;
		}
		p += n;
		p += strspn(p, ", ");
	}
}

/* INSERT INTO t (org_id, keys, vals) SELECT ?, r.keys, x * r.vals FROM t r WHERE r.org_id = ?
 * (rows not all zero) ON CONFLICT add: at ?1, x ?2, the moved org ?3 */
static void add_rows_sql(struct strbuf *sql, const struct kept_table *t, const char *vals)
{
	const char *sep = *t->keys ? ", " : "";
	char set[80];
	strbuf_addf(sql, "INSERT INTO %s (org_id%s%s, %s) SELECT CAST(? AS BIGINT)%s", t->name, sep, t->keys, vals, sep);
	each_col(sql, t->keys, "r.%s", ", ");
	strbuf_addstr(sql, ", ");
	each_col(sql, vals, "s.x * r.%s", ", ");
	strbuf_addf(sql, " FROM %s r, (SELECT CAST(? AS INTEGER) AS x) s WHERE r.org_id = ? AND (", t->name);
	each_col(sql, vals, "r.%s <> 0", " OR ");
	strbuf_addf(sql, ") ON CONFLICT (org_id%s%s) DO UPDATE SET ", sep, t->keys);
	xsnprintf(set, sizeof(set), "%%s = %s.%%s + excluded.%%s", t->name);
	each_col(sql, vals, set, ", ");
}

int org_move_kept_apply(struct ctx *ctx, int64_t moved, const char *old_path, const char *new_path)
{
	int64_t from[ORG_PATH_IDS_MAX], to[ORG_PATH_IDS_MAX];
	int nfrom = org_path_ids(old_path, from, ORG_PATH_IDS_MAX);
	int nto = org_path_ids(new_path, to, ORG_PATH_IDS_MAX);
	int shared = 0, i, rc = 0;
	struct strbuf sql = STRBUF_INIT;
	size_t k;
	if (nfrom < 1 || nto < 1)
		return err_set(&ctx->err, E_INTERNAL, "path", NULL, "组织路径无效");
	/* the paths end at the moved org itself: its ancestors are the ids before it, and those the
	 * two paths share lead the two (an org lies on one path only) */
	nfrom--;
	nto--;
	while (shared < nfrom && shared < nto && from[shared] == to[shared])
		shared++;
	for (k = 0; k < sizeof(kept_tables) / sizeof(kept_tables[0]) && !rc; k++) {
		const struct kept_table *t = &kept_tables[k];
		const char *vals = t->vals ? t->vals : t->vals_fn();
		struct stmt *st;
		if (!vals) {
			rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "%s: no columns", t->name);
			break;
		}
		strbuf_reset(&sql);
		add_rows_sql(&sql, t, vals);
		for (i = shared; i < nfrom + (nto - shared) && !rc; i++) {
			int out = i < nfrom; /* the ancestors left, then those joined */
			if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
				rc = ctx_db_fail(ctx);
				break;
			}
			stmt_bind_int(st, 1, out ? from[i] : to[i - nfrom + shared]);
			stmt_bind_int(st, 2, out ? -1 : 1);
			stmt_bind_int(st, 3, moved);
			if (stmt_run(st, &ctx->err))
				rc = ctx_db_fail(ctx);
		}
	}
	strbuf_release(&sql);
	return rc;
}
