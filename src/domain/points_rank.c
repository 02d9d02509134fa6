/*
 * Standings (docs/API.md "Points and assessment"): the scores, ranks, stars and flags
 * of a subtree's active members or 党支部 for one period, computed in one pass, and the
 * publications (评分/亮分/兑分) that freeze them.
 *
 * The pass never reads the ledger: it reads the subjects of the subtree joined with
 * their kept rollup of the period's year (one row per subject: the net raw sums per
 * indicator and month, kept by points_append in the same transaction as each entry;
 * points_rollup.c). The cells are summed in C per (indicator, month) into one small
 * grid that is reused subject after subject: caps need the month sums. A cap window
 * that starts before the period (a quarter cap seen from its second month, a year cap
 * seen from a quarter) is why the grid starts at the earliest such window start; those
 * earlier months count only against caps. Periods and cap windows never cross a year,
 * so the one row of the year holds everything a period needs.
 *
 * That pass is the reference and serves small subtrees. A subtree of more than
 * points_agg_min_members active members (a city, a province: the pass would read
 * millions of rollups) reads the kept histograms of 039_point_standings instead
 * (buckets_load below): same answers, O(distinct (award, deduct) pairs) rows.
 */
#include "domain/body.h"
#include "domain/points_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PUB_NOT_FOUND_MSG "积分公布记录不存在或不在您的管理范围内"
#define MAX_STARS 5
/* rows per INSERT of a publication's standings */
#define PUB_BATCH 64

static int require_reader(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "points.role", "只有支部书记或管理员可以查看积分排名");
	return 0;
}

static int parse_target(struct ctx *ctx, const char *s, const char **out)
{
	if (!s || !s[0] || !strcmp(s, "member"))
		*out = "member";
	else if (!strcmp(s, "branch"))
		*out = "branch";
	else
		return err_set(&ctx->err, E_INVALID, "target", "points.target", "对象必须是 member（党员）或 branch（党支部）");
	return 0;
}

static int this_month(const struct ctx *ctx)
{
	return points_month_no(ctx->today.y, ctx->today.m);
}

/* s NULL or "": the default of kind (the last whole quarter, or this year) */
static int parse_period(struct ctx *ctx, const char *s, enum points_period_kind dflt, struct points_period *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || !s[0]) {
		if (dflt == PP_QUARTER) {
			struct points_period cur;
			points_period_of(PP_QUARTER, this_month(ctx), &cur);
			points_period_of(PP_QUARTER, cur.first - 1, out);
		} else {
			points_period_of(dflt, this_month(ctx), out);
		}
		return 0;
	}
	if (points_period_parse(s, out))
		return err_set(&ctx->err, E_INVALID, "period", "points.period",
			       "期间格式应为 2026-09（月）、2026Q3（季度）或 2026（年度）");
	return 0;
}

/* The org asked for (0: the actor's scope root; a system administrator's: the first
 * top-level org), in scope, with points on for it. */
static int resolve_org(struct ctx *ctx, int64_t org_id, struct org *o)
{
	int rc = !org_id && !ctx->actor.org_id ? org_root(ctx, o) : org_scope_root(ctx, org_id, o);
	return rc ? rc : points_require_enabled(ctx, o->path);
}

/* ---- the one pass ------------------------------------------------------------------ */

struct ind_meta {
	int64_t id;
	int sign, cap_x10;
	enum points_period_kind cap_kind;
	int from;                  /* first month the indicator reads: its cap window's start */
};

struct standings {
	struct points_standing *s; /* owned */
	size_t n, alloc;
	int64_t entries;           /* ledger rows of the period among the subjects */
};

static void standings_release(struct standings *sd)
{
	free(sd->s);
	memset(sd, 0, sizeof(*sd));
}

/* per pass: indicator metadata by id and the reusable (indicator × month) grid */
struct pass {
	struct ind_meta *ind;      /* owned, by id */
	int n_ind;
	int *slot;                 /* owned: id - lo → index into ind, -1 none */
	int64_t lo;
	size_t n_slot;
	int load_from, first, last, n_months;
	enum points_period_kind kind;
	int *grid;                 /* owned: n_ind × n_months */
	int *touched;              /* owned: indices with cells in the grid */
	unsigned char *mark;       /* owned */
	int n_touched;
	int base_x10;
};

static void pass_release(struct pass *p)
{
	free(p->ind);
	free(p->slot);
	free(p->grid);
	free(p->touched);
	free(p->mark);
	memset(p, 0, sizeof(*p));
}

static enum points_period_kind cap_kind_parse(const char *s)
{
	if (s && !strcmp(s, "quarter"))
		return PP_QUARTER;
	if (s && !strcmp(s, "year"))
		return PP_YEAR;
	return PP_MONTH;
}

/* Every indicator of the target (all sets and versions: an entry points at the one of
 * its month). A few hundred rows; ids are dense enough for a direct table. */
static int pass_load_indicators(struct ctx *ctx, const char *target, struct pass *p)
{
	struct stmt *st;
	size_t alloc = 0, k;
	int step;
	int64_t hi = 0;
	st = db_prepare(ctx->db, "SELECT id, sign, cap_x10, cap_period FROM point_indicators WHERE target = ? ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, target);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct ind_meta *m;
		ALLOC_GROW(p->ind, (size_t)p->n_ind + 1, alloc);
		m = &p->ind[p->n_ind++];
		m->id = stmt_int(st, 0);
		m->sign = stmt_int(st, 1) < 0 ? -1 : 1;
		m->cap_x10 = (int)stmt_int(st, 2);
		m->cap_kind = cap_kind_parse(stmt_text(st, 3));
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (!p->n_ind)
		return 0;
	p->lo = p->ind[0].id;
	hi = p->ind[p->n_ind - 1].id;
	p->n_slot = (size_t)(hi - p->lo + 1);
	p->slot = xmalloc(p->n_slot * sizeof(*p->slot));
	for (k = 0; k < p->n_slot; k++)
		p->slot[k] = -1;
	for (k = 0; k < (size_t)p->n_ind; k++)
		p->slot[p->ind[k].id - p->lo] = (int)k;
	return 0;
}

static int pass_init(struct ctx *ctx, const char *target, const struct points_period *per, int base_x10,
		     struct pass *p)
{
	int rc, k;
	memset(p, 0, sizeof(*p));
	if ((rc = pass_load_indicators(ctx, target, p)))
		return rc;
	p->first = per->first;
	p->last = per->last;
	p->kind = per->kind;
	p->load_from = per->first;
	for (k = 0; k < p->n_ind; k++) {
		struct ind_meta *m = &p->ind[k];
		m->from = m->cap_x10 > 0 ? points_cap_window_start(m->cap_kind, per->first) : per->first;
		if (m->from > per->first || m->from < per->first - 11)
			m->from = per->first;   /* never: a window holds the month it starts from */
		if (m->from < p->load_from)
			p->load_from = m->from;
	}
	p->n_months = p->last - p->load_from + 1;
	p->grid = xcalloc((size_t)(p->n_ind ? p->n_ind : 1) * (size_t)p->n_months, sizeof(*p->grid));
	p->touched = xmalloc((size_t)(p->n_ind ? p->n_ind : 1) * sizeof(*p->touched));
	p->mark = xcalloc((size_t)(p->n_ind ? p->n_ind : 1), 1);
	p->base_x10 = base_x10;
	return 0;
}

static void pass_add(struct pass *p, int64_t indicator_id, int month, int points_x10)
{
	int64_t off = indicator_id - p->lo;
	int k;
	if (off < 0 || (size_t)off >= p->n_slot || (k = p->slot[off]) < 0)
		return;
	if (month < p->ind[k].from || month > p->last)
		return;
	p->grid[(size_t)k * (size_t)p->n_months + (size_t)(month - p->load_from)] += points_x10;
	if (!p->mark[k]) {
		p->mark[k] = 1;
		p->touched[p->n_touched++] = k;
	}
}

/* The subject's award and deduction from the grid, which is left clean for the next. */
static void pass_finish(struct pass *p, struct points_standing *s)
{
	int t;
	s->award_x10 = s->deduct_x10 = 0;
	for (t = 0; t < p->n_touched; t++) {
		int k = p->touched[t];
		const struct ind_meta *m = &p->ind[k];
		int *row = p->grid + (size_t)k * (size_t)p->n_months;
		int counted = 0, i;
		if (m->cap_x10 > 0)
			counted = points_indicator_counted(m->sign, m->cap_x10, m->cap_kind, row + (m->from - p->load_from),
							   m->from, p->first, p->last);
		else   /* no cap: the plain sum of the period's months (the common case, kept cheap) */
			for (i = p->first - p->load_from; i < p->n_months; i++)
				counted += row[i];
		if (m->sign > 0)
			s->award_x10 += counted;
		else
			s->deduct_x10 += counted;
		memset(row, 0, (size_t)p->n_months * sizeof(*row));
		p->mark[k] = 0;
	}
	p->n_touched = 0;
	s->score_x10 = points_score_x10(p->base_x10, s->award_x10, s->deduct_x10);
}

/*
 * The subjects of the subtree, each with its kept rollup of the period's year
 * (018_point_rollups: the ledger's net sums per indicator and month and the entries per
 * month), never the ledger itself; a subject without entries has NULL (the base score).
 * One row per subject, in no particular order (the ranking sorts). A period and every
 * cap window reaching back from it lie inside one year.
 *
 * Two shapes of one query. A large subtree (a county) joins: PostgreSQL hashes the
 * year's rollups once (130 ms for 74,000 members, where 74,000 index probes take 450);
 * a small one (a town) probes the primary key per member, which PostgreSQL would not
 * choose for the join by itself (it hashes every rollup of the year: 45 ms against 12
 * for a town of 3,800). SQLite runs both as the same nested loop on the primary key.
 */
int points_pass_small_limit = 10000;
static const char MEMBER_PASS_SQL[] =
	"SELECT m.id, m.org_id, r.cells FROM members m "
	"LEFT JOIN point_rollups r ON r.target = 'member' AND r.subject_id = m.id AND r.year = CAST(? AS INTEGER) "
	"WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active'";
static const char MEMBER_PASS_SMALL_SQL[] =
	"SELECT m.id, m.org_id, (SELECT r.cells FROM point_rollups r WHERE r.target = 'member' AND r.subject_id = m.id "
	"AND r.year = CAST(? AS INTEGER)) FROM members m WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active'";
static const char BRANCH_PASS_SQL[] =
	"SELECT o.id, o.parent_id, r.cells FROM orgs o "
	"LEFT JOIN point_rollups r ON r.target = 'branch' AND r.subject_id = o.id AND r.year = CAST(? AS INTEGER) "
	"WHERE o.path >= ? AND o.path < ? AND o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL";
static const char BRANCH_PASS_SMALL_SQL[] =
	"SELECT o.id, o.parent_id, (SELECT r.cells FROM point_rollups r WHERE r.target = 'branch' AND r.subject_id = o.id "
	"AND r.year = CAST(? AS INTEGER)) FROM orgs o WHERE o.path >= ? AND o.path < ? "
	"AND o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL";

/* The subtree's members as 003_member_counts keeps them: which shape of the pass. */
static int subtree_members(struct ctx *ctx, const char *path, const char *hi, int64_t *n)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT COALESCE(sum(direct_members), 0) FROM orgs WHERE path >= ? AND path < ?",
				     &ctx->err);
	*n = 0;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, path);
	stmt_bind_text(st, 2, hi);
	return ctx_step_int(ctx, st, n);
}

/* One subject's rollup into the grid (and its entries of the period into the count). */
static int pass_cells(struct pass *p, const char *cells, int64_t *entries)
{
	struct points_rollup_iter it;
	int64_t ind;
	int month, raw, r, base = p->first - p->first % 12 - 1; /* month 1 of the year - 1 */
	points_rollup_iter_init(&it, cells);
	while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0) {
		int m = base + month;
		if (ind)
			pass_add(p, ind, m, raw);
		else if (m >= p->first && m <= p->last)
			*entries += raw;
	}
	return r;
}

static int pass_run(struct ctx *ctx, const char *target, const char *path, struct pass *p, struct standings *sd)
{
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	int64_t members = 0;
	int step, rc = 0, small;
	if (p->load_from / 12 != p->last / 12)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分期间跨年");
	path_range_end(path, hi, sizeof(hi));
	if ((rc = subtree_members(ctx, path, hi, &members)))
		return rc;
	small = members <= points_pass_small_limit;
	if (!strcmp(target, "member"))
		st = db_prepare(ctx->db, small ? MEMBER_PASS_SMALL_SQL : MEMBER_PASS_SQL, &ctx->err);
	else
		st = db_prepare(ctx->db, small ? BRANCH_PASS_SMALL_SQL : BRANCH_PASS_SQL, &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, p->last / 12);
	stmt_bind_text(st, 2, path);
	stmt_bind_text(st, 3, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct points_standing *cur;
		ALLOC_GROW(sd->s, sd->n + 1, sd->alloc);
		cur = &sd->s[sd->n++];
		memset(cur, 0, sizeof(*cur));
		cur->subject_id = stmt_int(st, 0);
		cur->org_id = stmt_int(st, 1);
		if (!stmt_is_null(st, 2) && pass_cells(p, stmt_text(st, 2), &sd->entries) < 0) {
			rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分汇总数据无法解析（%s %" PRId64 "）", target,
				     cur->subject_id);
			break;
		}
		pass_finish(p, cur);
	}
	stmt_reset(st);
	if (rc)
		return rc;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* The branches last in the previous year's branch publication of the org. */
static int prev_year_last(struct ctx *ctx, int64_t org_id, int year, int64_t **ids, size_t *n)
{
	struct stmt *st;
	char period[8];
	size_t alloc = 0;
	int step;
	*ids = NULL;
	*n = 0;
	xsnprintf(period, sizeof(period), "%04d", year - 1);
	st = db_prepare(ctx->db,
			"SELECT r.subject_id FROM point_publications p JOIN point_publication_rows r ON r.publication_id = p.id "
			"WHERE p.org_id = ? AND p.target = 'branch' AND p.period = ? AND r.rank = "
			"(SELECT max(r2.rank) FROM point_publication_rows r2 WHERE r2.publication_id = p.id) AND r.rank > 1",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, period);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* reward for rank ≤ top_n, warning for the last rank (when it is not also the first),
 * adjust for a year's last that was last the year before too */
static int set_flags_last(struct ctx *ctx, const struct org *o, const struct points_period *per,
			  const struct points_settings *set, struct standings *sd, int last)
{
	int64_t *prev = NULL;
	size_t n_prev = 0, i, j;
	int rc = 0;
	if (!sd->n)
		return 0;
	if (per->kind == PP_YEAR && last > 1 && (rc = prev_year_last(ctx, o->id, per->first / 12, &prev, &n_prev)))
		return rc;
	for (i = 0; i < sd->n; i++) {
		struct points_standing *s = &sd->s[i];
		s->flags = 0;
		if (s->rank <= set->top_n)
			s->flags |= PF_REWARD;
		if (s->rank == last && last > 1) {
			s->flags |= PF_WARNING;
			for (j = 0; j < n_prev; j++)
				if (prev[j] == s->subject_id)
					s->flags |= PF_ADJUST;
		}
	}
	free(prev);
	return 0;
}

/* the flags of whole standings (the last rank is the last row's) */
static int set_flags(struct ctx *ctx, const struct org *o, const struct points_period *per,
		     const struct points_settings *set, struct standings *sd)
{
	return sd->n ? set_flags_last(ctx, o, per, set, sd, sd->s[sd->n - 1].rank) : 0;
}

/*
 * THE computation: the standings of target over the subtree of o for the period,
 * ranked, starred and (branches) flagged, in the order of the tie rule.
 */
static int standings_compute(struct ctx *ctx, const struct org *o, const char *target,
			     const struct points_period *per, const struct points_settings *set, struct standings *sd)
{
	struct pass p;
	int member = !strcmp(target, "member");
	int base = member ? set->member_base_x10 : set->branch_deduct ? 1000 : 0;
	int rc;
	memset(sd, 0, sizeof(*sd));
	if ((rc = pass_init(ctx, target, per, base, &p)))
		goto out;
	if ((rc = pass_run(ctx, target, o->path, &p, sd)))
		goto out;
	points_rank(sd->s, sd->n);
	if (member)
		points_assign_stars(sd->s, sd->n, set->member_bands, set->n_member_bands, set->top_band_cap_pct);
	else
		points_assign_stars(sd->s, sd->n, set->branch_bands, set->n_branch_bands, set->top_band_cap_pct);
	if (!member)
		rc = set_flags(ctx, o, per, set, sd);
out:
	pass_release(&p);
	if (rc)
		standings_release(sd);
	return rc;
}

/* ---- JSON -------------------------------------------------------------------------- */

static json_t *stars_json(const int64_t *count)
{
	json_t *j = json_object();
	char k[4];
	int i;
	for (i = 0; i <= MAX_STARS; i++) {
		xsnprintf(k, sizeof(k), "%d", i);
		json_object_set_new(j, k, json_integer(count[i]));
	}
	return j;
}

static void stars_count(const struct standings *sd, int64_t *count)
{
	size_t i;
	memset(count, 0, (MAX_STARS + 1) * sizeof(*count));
	for (i = 0; i < sd->n; i++)
		if (sd->s[i].stars >= 0 && sd->s[i].stars <= MAX_STARS)
			count[sd->s[i].stars]++;
}

static json_t *flags_json(unsigned flags)
{
	json_t *a = json_array();
	if (flags & PF_REWARD)
		json_array_append_new(a, json_string("reward"));
	if (flags & PF_WARNING)
		json_array_append_new(a, json_string("warning"));
	if (flags & PF_ADJUST)
		json_array_append_new(a, json_string("adjust"));
	return a;
}

/* "reward,warning" → bits; unknown words are ignored */
static unsigned flags_parse(const char *s)
{
	unsigned f = 0;
	if (!s)
		return 0;
	if (strstr(s, "reward"))
		f |= PF_REWARD;
	if (strstr(s, "warning"))
		f |= PF_WARNING;
	if (strstr(s, "adjust"))
		f |= PF_ADJUST;
	return f;
}

static int name_of(struct ctx *ctx, const char *sql, int64_t id, char *out, size_t size)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	out[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, out, size);
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* one ranking row; names read for the rows shown only */
static int item_json(struct ctx *ctx, const char *target, const struct points_standing *s, json_t **out)
{
	char name[256], org_name[256];
	json_t *j;
	int rc;
	*out = NULL;
	if ((rc = name_of(ctx,
			  !strcmp(target, "member") ? "SELECT name FROM members WHERE id = ?" : "SELECT name FROM orgs WHERE id = ?",
			  s->subject_id, name, sizeof(name))) ||
	    (rc = name_of(ctx, "SELECT name FROM orgs WHERE id = ?", s->org_id, org_name, sizeof(org_name))))
		return rc;
	j = json_object();
	json_object_set_new(j, "rank", json_integer(s->rank));
	json_object_set_new(j, "subject_id", json_integer(s->subject_id));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "org_id", s->org_id ? json_integer(s->org_id) : json_null());
	json_object_set_new(j, "org_name", s->org_id ? json_string(org_name) : json_null());
	json_object_set_new(j, "score", points_x10_json(s->score_x10));
	json_object_set_new(j, "award", points_x10_json(s->award_x10));
	json_object_set_new(j, "deduct", points_x10_json(s->deduct_x10));
	json_object_set_new(j, "stars", json_integer(s->stars));
	json_object_set_new(j, "flags", flags_json(s->flags));
	*out = j;
	return 0;
}

static int items_json(struct ctx *ctx, const char *target, const struct points_standing *s, size_t from, size_t to,
		      json_t **out)
{
	json_t *arr = json_array(), *j;
	size_t i;
	int rc;
	for (i = from; i < to; i++) {
		if ((rc = item_json(ctx, target, &s[i], &j))) {
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, j);
	}
	*out = arr;
	return 0;
}

static json_t *bands_json(const struct points_band *b, int n)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:i}", "min", points_x10_json(b[i].min_x10), "stars", b[i].stars));
	return a;
}

/* what a publication was computed under (point_publications.settings) */
static json_t *settings_json(const struct points_settings *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "defined_at", s->defined_at ? json_integer(s->defined_at) : json_null());
	json_object_set_new(j, "member_base", points_x10_json(s->member_base_x10));
	json_object_set_new(j, "branch_mode", json_string(s->branch_deduct ? "deduct" : "percent"));
	json_object_set_new(j, "member_bands", bands_json(s->member_bands, s->n_member_bands));
	json_object_set_new(j, "branch_bands", bands_json(s->branch_bands, s->n_branch_bands));
	json_object_set_new(j, "top_band_cap_pct", json_integer(s->top_band_cap_pct));
	json_object_set_new(j, "top_n", json_integer(s->top_n));
	return j;
}

/* ---- publications: reading --------------------------------------------------------- */

struct pub {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	char target[8], period[8];
	int first, last;
	char note[POINTS_TEXT_MAX_CHARS * 4 + 1];
	int has_note;
	int64_t created_by;
	char created_at[21];
	int64_t rows;
};

#define PUB_COLS                                                                                             \
	"p.id, p.org_id, p.org_path, o.name, p.target, p.period, p.first_month, p.last_month, p.note, p.created_by, " \
	"p.created_at, (SELECT COALESCE(sum(n), 0) FROM point_publication_stars c WHERE c.publication_id = p.id)"
#define PUB_FROM " FROM point_publications p JOIN orgs o ON o.id = p.org_id "

static void read_pub(struct stmt *st, struct pub *p)
{
	memset(p, 0, sizeof(*p));
	p->id = stmt_int(st, 0);
	p->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, p->org_path, sizeof(p->org_path));
	stmt_text_copy(st, 3, p->org_name, sizeof(p->org_name));
	stmt_text_copy(st, 4, p->target, sizeof(p->target));
	stmt_text_copy(st, 5, p->period, sizeof(p->period));
	p->first = (int)stmt_int(st, 6);
	p->last = (int)stmt_int(st, 7);
	p->has_note = !stmt_is_null(st, 8);
	stmt_text_copy(st, 8, p->note, sizeof(p->note));
	p->created_by = stmt_is_null(st, 9) ? 0 : stmt_int(st, 9);
	stmt_text_copy(st, 10, p->created_at, sizeof(p->created_at));
	p->rows = stmt_int(st, 11);
}

static json_t *pub_json(const struct pub *p)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "org_id", json_integer(p->org_id));
	json_object_set_new(j, "org_name", json_string(p->org_name));
	json_object_set_new(j, "target", json_string(p->target));
	json_object_set_new(j, "period", json_string(p->period));
	json_object_set_new(j, "note", p->has_note ? json_string(p->note) : json_null());
	json_object_set_new(j, "created_by", p->created_by ? json_integer(p->created_by) : json_null());
	json_object_set_new(j, "created_at", json_string(p->created_at));
	json_object_set_new(j, "rows", json_integer(p->rows));
	return j;
}

/* by id (found = 0 when none) or by (org, target, period) when id is 0 */
static int pub_find(struct ctx *ctx, int64_t id, int64_t org_id, const char *target, const char *period,
		    struct pub *p, int *found)
{
	struct stmt *st;
	int step;
	*found = 0;
	st = db_prepare(ctx->db,
			id ? "SELECT " PUB_COLS PUB_FROM "WHERE p.id = ?"
			   : "SELECT " PUB_COLS PUB_FROM "WHERE p.org_id = ? AND p.target = ? AND p.period = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	if (id) {
		stmt_bind_int(st, 1, id);
	} else {
		stmt_bind_int(st, 1, org_id);
		stmt_bind_text(st, 2, target);
		stmt_bind_text(st, 3, period);
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		read_pub(st, p);
		*found = 1;
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * Rows [from, from + cnt) of a publication in rank order (then id, as ranked), as
 * standings (sd->n may be less at the end). after > 0 (keyset paging, the previous
 * page's "next"): the rows after that subject instead of skipping from of them, when it
 * is in the publication (else the rows are counted as without it).
 */
static int pub_page(struct ctx *ctx, int64_t pub_id, int64_t from, int64_t cnt, int64_t after, struct standings *sd)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int64_t after_rank = 0;
	int step = STEP_DONE, rc = 0;
	memset(sd, 0, sizeof(*sd));
	if (cnt <= 0)
		return 0;
	if (after > 0 && from > 0) {
		st = db_prepare(ctx->db, "SELECT rank FROM point_publication_rows WHERE publication_id = ? AND subject_id = ?",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, pub_id);
		stmt_bind_int(st, 2, after);
		if ((rc = ctx_step_int(ctx, st, &after_rank)))
			return rc;
	}
	strbuf_addstr(&sql, "SELECT subject_id, org_id, score_x10, award_x10, deduct_x10, rank, stars, flags "
			    "FROM point_publication_rows WHERE publication_id = ?");
	if (after_rank > 0)
		strbuf_addstr(&sql, " AND rank >= ? AND NOT (rank = ? AND subject_id <= ?)");
	strbuf_addf(&sql, " ORDER BY rank, subject_id LIMIT %" PRId64 " OFFSET %" PRId64, cnt, after_rank > 0 ? 0 : from);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	strbuf_release(&sql);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, pub_id);
	if (after_rank > 0) {
		stmt_bind_int(st, 2, after_rank);
		stmt_bind_int(st, 3, after_rank);
		stmt_bind_int(st, 4, after);
	}
	sd->alloc = (size_t)cnt;
	sd->s = xcalloc(sd->alloc, sizeof(*sd->s));
	while (sd->n < sd->alloc && (step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct points_standing *x = &sd->s[sd->n++];
		x->subject_id = stmt_int(st, 0);
		x->org_id = stmt_int(st, 1);
		x->score_x10 = (int)stmt_int(st, 2);
		x->award_x10 = (int)stmt_int(st, 3);
		x->deduct_x10 = (int)stmt_int(st, 4);
		x->rank = (int)stmt_int(st, 5);
		x->stars = (int)stmt_int(st, 6);
		x->flags = flags_parse(stmt_text(st, 7));
	}
	if (sd->n < sd->alloc && step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	stmt_reset(st);
	return rc;
}

/* a publication's members (or branches) per star, kept with its rows */
static int pub_stars(struct ctx *ctx, int64_t pub_id, int64_t *count)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT stars, n FROM point_publication_stars WHERE publication_id = ?",
				     &ctx->err);
	int step;
	memset(count, 0, (MAX_STARS + 1) * sizeof(*count));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, pub_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t k = stmt_int(st, 0);
		if (k >= 0 && k <= MAX_STARS)
			count[k] += stmt_int(st, 1);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* keeps the counts per star of a new publication */
static int pub_stars_insert(struct ctx *ctx, int64_t pub_id, const int64_t *count)
{
	struct stmt *st;
	int k, rc;
	for (k = 0; k <= MAX_STARS; k++) {
		if (!count[k])
			continue;
		st = db_prepare(ctx->db, "INSERT INTO point_publication_stars (publication_id, stars, n) VALUES (?, ?, ?)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, pub_id);
		stmt_bind_int(st, 2, k);
		stmt_bind_int(st, 3, count[k]);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

/* ---- the kept histograms (039_point_standings) ----------------------------------------
 *
 * A large subtree's member standings without a pass: point_score_hist holds, at every
 * org on an active member's path, how many members have each (award, deduct) pair in the
 * period (rows of point_period_scores, caps applied on write); the members with nothing
 * (no entry in the period) are point_subject_counts minus those. Members with the same
 * pair have the same score, deduction and award, so they share a rank, and members
 * with different pairs never do: a pair is a tie group. Sorted by the tie rule the
 * groups give every rank, the stars (bands and the top-band cap, which drops whole tie
 * groups), the count, average and entries; a ranking page reads the members of the one
 * or two groups it shows, in id order (the bucket index). Reads O(distinct pairs) rows
 * plus the page. The branch standings keep the pass (O(branches)).
 */
int64_t points_agg_min_members = 20000;

struct bucket {
	int award_x10, deduct_x10, score_x10, stars;
	int64_t n, entries, start;   /* start: members ranked before the group */
};

struct buckets {
	struct bucket *b;            /* owned */
	size_t n, alloc;
	int64_t total, entries, all; /* active subjects of the subtree; entries; of the whole top-level org */
	int year, pcode;
	const char *target;          /* member | branch */
};

static int bucket_cmp(const void *pa, const void *pb)
{
	const struct bucket *a = pa, *b = pb;
	if (a->score_x10 != b->score_x10)
		return a->score_x10 > b->score_x10 ? -1 : 1;
	if (a->deduct_x10 != b->deduct_x10)
		return a->deduct_x10 > b->deduct_x10 ? -1 : 1;
	if (a->award_x10 != b->award_x10)
		return a->award_x10 > b->award_x10 ? -1 : 1;
	return 0;
}

static int subject_count(struct ctx *ctx, int64_t org_id, const char *target, int64_t *n)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT n FROM point_subject_counts WHERE org_id = ? AND target = ?",
				     &ctx->err);
	*n = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, target);
	return ctx_step_int(ctx, st, n);
}

/* *use = 0 when the subtree is small (the pass) or the kept values are not ready */
static int buckets_load(struct ctx *ctx, const struct org *o, const char *target, const struct points_period *per,
			const struct points_settings *set, struct buckets *bk, int *use)
{
	struct stmt *st;
	struct bucket *zero = NULL;
	int64_t counted = 0, limit, in_top = 0, top_id, members = 0;
	int member = !strcmp(target, "member");
	const struct points_band *bands = member ? set->member_bands : set->branch_bands;
	int nb = member ? set->n_member_bands : set->n_branch_bands, step, rc, ready;
	int base = member ? set->member_base_x10 : set->branch_deduct ? 1000 : 0;
	size_t i;

	memset(bk, 0, sizeof(*bk));
	*use = 0;
	bk->target = member ? "member" : "branch";
	/* the size of the subtree is its members for both targets (a province's 党支部 are
	 * many where its members are) */
	if ((rc = subject_count(ctx, o->id, "member", &members)))
		return rc;
	if (members <= points_agg_min_members)
		return 0;
	if ((rc = points_standings_ready(ctx, &ready)) || !ready)
		return rc;
	if ((rc = subject_count(ctx, o->id, bk->target, &bk->total)))
		return rc;
	top_id = points_top_org(o->path);
	if ((rc = subject_count(ctx, top_id ? top_id : o->id, bk->target, &bk->all)))
		return rc;
	*use = 1;
	bk->year = per->first / 12;
	bk->pcode = points_pcode(per);
	st = db_prepare(ctx->db,
			"SELECT award_x10, deduct_x10, n, entries FROM point_score_hist WHERE org_id = ? AND target = ? "
			"AND year = ? AND pcode = ? AND n <> 0",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, o->id);
	stmt_bind_text(st, 2, bk->target);
	stmt_bind_int(st, 3, bk->year);
	stmt_bind_int(st, 4, bk->pcode);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct bucket *b;
		ALLOC_GROW(bk->b, bk->n + 1, bk->alloc);
		b = &bk->b[bk->n++];
		memset(b, 0, sizeof(*b));
		b->award_x10 = (int)stmt_int(st, 0);
		b->deduct_x10 = (int)stmt_int(st, 1);
		b->n = stmt_int(st, 2);
		b->entries = stmt_int(st, 3);
		counted += b->n;
		bk->entries += b->entries;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* the members with nothing kept for the period join the (0, 0) group */
	for (i = 0; i < bk->n; i++)
		if (!bk->b[i].award_x10 && !bk->b[i].deduct_x10)
			zero = &bk->b[i];
	if (bk->total > counted) {
		if (!zero) {
			ALLOC_GROW(bk->b, bk->n + 1, bk->alloc);
			zero = &bk->b[bk->n++];
			memset(zero, 0, sizeof(*zero));
		}
		zero->n += bk->total - counted;
	}
	for (i = 0; i < bk->n; i++)
		bk->b[i].score_x10 = points_score_x10(base, bk->b[i].award_x10, bk->b[i].deduct_x10);
	if (bk->n > 1)
		qsort(bk->b, bk->n, sizeof(*bk->b), bucket_cmp);
	/* ranks, then stars as points_assign_stars gives them */
	counted = 0;
	for (i = 0; i < bk->n; i++) {
		struct bucket *b = &bk->b[i];
		int k;
		b->start = counted;
		counted += b->n;
		b->stars = 0;
		for (k = 0; k < nb; k++)
			if (b->score_x10 >= bands[k].min_x10) {
				b->stars = bands[k].stars;
				break;
			}
		if (nb && b->score_x10 >= bands[0].min_x10)
			in_top += b->n;
	}
	if (set->top_band_cap_pct > 0 && nb) {
		limit = counted * set->top_band_cap_pct / 100;
		if (in_top > limit)
			for (i = 0; i < bk->n; i++)
				if (bk->b[i].start + bk->b[i].n > limit) {
					for (; i < bk->n && bk->b[i].score_x10 >= bands[0].min_x10; i++)
						bk->b[i].stars = nb > 1 ? bands[1].stars : 0;
					break;
				}
	}
	return 0;
}

/*
 * The members of group b ranked at [off, off + cnt) of the group, in id order, into s.
 * after > 0 (keyset paging): the group's members with a greater id instead of skipping
 * off of them, which costs off probes deep in the (0, 0) group of a province. *got is
 * how many there were: fewer than cnt only when after is stale (its caller retries).
 */
static int bucket_members_from(struct ctx *ctx, const struct org *o, const struct buckets *bk,
			       const struct bucket *b, int64_t after, int64_t off, int64_t cnt,
			       struct points_standing *s, int64_t *got_out)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	char keyset[96] = "";
	int64_t got = 0;
	int step = STEP_DONE, rc = 0, zero = !b->award_x10 && !b->deduct_x10;
	path_range_end(o->path, hi, sizeof(hi));
	if (after > 0) {
		/* an id from the client's previous page, parsed as an integer, so it is
		 * written into the SQL as LIMIT is; the column is the group's id order. A
		 * group of kept scores bounds the joined side too: PostgreSQL does not carry
		 * the bound over the join, and a merge join then read the members' primary
		 * key from its start (8.3 M rows, 5 s, at the middle of a 10M province) */
		const char *joined = !strcmp(bk->target, "branch") ? "o.id" : "m.id";
		if (zero)
			xsnprintf(keyset, sizeof(keyset), " AND %s > %" PRId64, joined, after);
		else
			xsnprintf(keyset, sizeof(keyset), " AND s.subject_id > %" PRId64 " AND %s > %" PRId64, after,
				  joined, after);
		off = 0;
	}
	if (!strcmp(bk->target, "branch") && zero) {
		strbuf_addf(&sql,
			    "SELECT o.id, o.parent_id FROM orgs o WHERE %s >= ? AND o.path < ? AND "
			    "o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND NOT EXISTS (SELECT 1 FROM "
			    "point_period_scores s WHERE s.target = 'branch' AND s.subject_id = o.id AND s.year = CAST(? AS INTEGER) "
			    "AND s.pcode = CAST(? AS INTEGER) AND (s.award_x10 <> 0 OR s.deduct_x10 <> 0))%s "
			    "ORDER BY o.id LIMIT %" PRId64 " OFFSET %" PRId64,
			    bk->total * 4 >= bk->all ? "(o.path || '')" : "o.path", keyset, cnt, off);
	} else if (!strcmp(bk->target, "branch")) {
		strbuf_addf(&sql,
			    "SELECT s.subject_id, o.parent_id FROM point_period_scores s JOIN orgs o ON o.id = s.subject_id "
			    "WHERE s.target = 'branch' AND s.year = CAST(? AS INTEGER) AND s.pcode = CAST(? AS INTEGER) "
			    "AND s.award_x10 = CAST(? AS INTEGER) AND s.deduct_x10 = CAST(? AS INTEGER) "
			    "AND o.path >= ? AND o.path < ? AND o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL%s "
			    "ORDER BY s.subject_id LIMIT %" PRId64 " OFFSET %" PRId64,
			    keyset, cnt, off);
	} else if (zero) {
		/* nothing kept, or only entries that net to nothing: every active member without
		 * a pair. Most of the tree: walk the members in id order (the path test per row:
		 * "|| ''" keeps the planner off the path index); a smaller part: its path range,
		 * sorted. */
		strbuf_addf(&sql,
			    "SELECT m.id, m.org_id FROM members m WHERE %s >= ? AND m.org_path < ? AND "
			    "m.state = 'active' AND NOT EXISTS (SELECT 1 FROM point_period_scores s WHERE s.target = 'member' "
			    "AND s.subject_id = m.id AND s.year = CAST(? AS INTEGER) AND s.pcode = CAST(? AS INTEGER) "
			    "AND (s.award_x10 <> 0 OR s.deduct_x10 <> 0))%s ORDER BY m.id LIMIT %" PRId64 " OFFSET %" PRId64,
			    bk->total * 4 >= bk->all ? "(m.org_path || '')" : "m.org_path", keyset, cnt, off);
	} else {
		strbuf_addf(&sql,
			    "SELECT s.subject_id, m.org_id FROM point_period_scores s JOIN members m ON m.id = s.subject_id "
			    "WHERE s.target = 'member' AND s.year = CAST(? AS INTEGER) AND s.pcode = CAST(? AS INTEGER) "
			    "AND s.award_x10 = CAST(? AS INTEGER) AND s.deduct_x10 = CAST(? AS INTEGER) "
			    "AND m.org_path >= ? AND m.org_path < ? AND m.state = 'active'%s "
			    "ORDER BY s.subject_id LIMIT %" PRId64 " OFFSET %" PRId64,
			    keyset, cnt, off);
	}
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		strbuf_release(&sql);
		return E_DB;
	}
	if (zero) {
		stmt_bind_text(st, 1, o->path);
		stmt_bind_text(st, 2, hi);
		stmt_bind_int(st, 3, bk->year);
		stmt_bind_int(st, 4, bk->pcode);
	} else {
		stmt_bind_int(st, 1, bk->year);
		stmt_bind_int(st, 2, bk->pcode);
		stmt_bind_int(st, 3, b->award_x10);
		stmt_bind_int(st, 4, b->deduct_x10);
		stmt_bind_text(st, 5, o->path);
		stmt_bind_text(st, 6, hi);
	}
	while (got < cnt && (step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct points_standing *x = &s[got++];
		memset(x, 0, sizeof(*x));
		x->subject_id = stmt_int(st, 0);
		x->org_id = stmt_int(st, 1);
		x->score_x10 = b->score_x10;
		x->award_x10 = b->award_x10;
		x->deduct_x10 = b->deduct_x10;
		x->rank = (int)(b->start + 1);
		x->stars = b->stars;
	}
	if (got < cnt && step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	stmt_reset(st);
	strbuf_release(&sql);
	*got_out = got;
	return rc;
}

static int bucket_members(struct ctx *ctx, const struct org *o, const struct buckets *bk, const struct bucket *b,
			  int64_t after, int64_t off, int64_t cnt, struct points_standing *s)
{
	int64_t got = 0;
	int rc = bucket_members_from(ctx, o, bk, b, off ? after : 0, off, cnt, s, &got);
	if (!rc && got < cnt && off && after > 0)
		/* the cursor is stale (its member left the group since): count from the start */
		rc = bucket_members_from(ctx, o, bk, b, 0, off, cnt, s, &got);
	if (!rc && got < cnt)
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "积分分布与党员名单不一致");
	return rc;
}

/* rows [from, to) of the ranking from the groups, into sd (sd->n = to - from) */
static int buckets_page(struct ctx *ctx, const struct org *o, const struct buckets *bk, int64_t from, int64_t to,
			int64_t after, struct standings *sd)
{
	size_t i;
	int rc;
	memset(sd, 0, sizeof(*sd));
	if (to <= from)
		return 0;
	sd->alloc = (size_t)(to - from);
	sd->s = xcalloc(sd->alloc, sizeof(*sd->s));
	for (i = 0; i < bk->n; i++) {
		const struct bucket *b = &bk->b[i];
		int64_t lo = b->start > from ? b->start : from, hi = b->start + b->n < to ? b->start + b->n : to;
		if (hi <= lo)
			continue;
		/* only the page's first group can start inside the group, after the cursor */
		if ((rc = bucket_members(ctx, o, bk, b, sd->n ? 0 : after, lo - b->start, hi - lo, sd->s + sd->n)))
			return rc;
		sd->n += (size_t)(hi - lo);
	}
	return 0;
}

static void buckets_stars(const struct buckets *bk, int64_t *count)
{
	size_t i;
	memset(count, 0, (MAX_STARS + 1) * sizeof(*count));
	for (i = 0; i < bk->n; i++)
		if (bk->b[i].stars >= 0 && bk->b[i].stars <= MAX_STARS)
			count[bk->b[i].stars] += bk->b[i].n;
}

static json_t *buckets_summary(const struct buckets *bk)
{
	int64_t stars[MAX_STARS + 1], sum = 0;
	size_t i;
	json_t *j = json_object();
	for (i = 0; i < bk->n; i++)
		sum += bk->b[i].n * bk->b[i].score_x10;
	buckets_stars(bk, stars);
	json_object_set_new(j, "count", json_integer((json_int_t)bk->total));
	json_object_set_new(j, "average",
			    bk->total ? points_x10_json((int)((2 * sum + bk->total) / (2 * bk->total))) : json_null());
	json_object_set_new(j, "stars", stars_json(stars));
	return j;
}

/* ---- rankings and summary ---------------------------------------------------------- */

/*
 * A ranking page's reply: the page's rows sd->s[0, n) (items), the whole list's total
 * and counts per star, and "next", the last row's subject id when rows follow (the
 * cursor the following page takes as `after`), else null.
 */
static int ranking_reply(struct ctx *ctx, const struct org *o, const char *target, const char *period,
			 int64_t published, const struct points_standing *rows, size_t n, int64_t total, int page,
			 int per_page, int more, const int64_t *stars, json_t **out)
{
	json_t *items = NULL, *j;
	int rc;
	if ((rc = items_json(ctx, target, rows, 0, n, &items)))
		return rc;
	j = json_object();
	json_object_set_new(j, "org_id", json_integer(o->id));
	json_object_set_new(j, "target", json_string(target));
	json_object_set_new(j, "period", json_string(period));
	json_object_set_new(j, "published", published ? json_integer(published) : json_null());
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "total", json_integer((json_int_t)total));
	json_object_set_new(j, "page", json_integer(page));
	json_object_set_new(j, "per_page", json_integer(per_page));
	json_object_set_new(j, "next", n && more ? json_integer(rows[n - 1].subject_id) : json_null());
	json_object_set_new(j, "stars", stars_json(stars));
	*out = j;
	return 0;
}

/* the ranking reply from the kept groups (members of a large subtree, not published) */
static int buckets_ranking(struct ctx *ctx, const struct org *o, const char *target, const struct points_period *per,
			   const struct points_settings *set, const struct buckets *bk, int page, int per_page,
			   int64_t after, json_t **out)
{
	struct standings sd = { 0 };
	int64_t stars[MAX_STARS + 1], from = (int64_t)(page - 1) * per_page, to;
	int rc;
	if (from > bk->total)
		from = bk->total;
	to = from + per_page < bk->total ? from + per_page : bk->total;
	if ((rc = buckets_page(ctx, o, bk, from, to, after, &sd)))
		goto out;
	if (!strcmp(target, "branch") && bk->n &&
	    (rc = set_flags_last(ctx, o, per, set, &sd, (int)(bk->b[bk->n - 1].start + 1))))
		goto out;
	buckets_stars(bk, stars);
	rc = ranking_reply(ctx, o, target, per->text, 0, sd.s, sd.n, bk->total, page, per_page, to < bk->total, stars,
			   out);
out:
	standings_release(&sd);
	return rc;
}

/* the ranking reply of a published period: a page of its rows */
static int pub_ranking(struct ctx *ctx, const struct org *o, const struct pub *pub, int page, int per_page,
		       int64_t after, json_t **out)
{
	struct standings sd = { 0 };
	int64_t stars[MAX_STARS + 1], from = (int64_t)(page - 1) * per_page;
	int rc;
	if (!(rc = pub_stars(ctx, pub->id, stars)) && !(rc = pub_page(ctx, pub->id, from, per_page, after, &sd)))
		rc = ranking_reply(ctx, o, pub->target, pub->period, pub->id, sd.s, sd.n, pub->rows, page, per_page,
				   from + (int64_t)sd.n < pub->rows, stars, out);
	standings_release(&sd);
	return rc;
}

int points_rankings(struct ctx *ctx, int64_t org_id, const char *target, const char *period, int page, int per_page,
		    json_t **out)
{
	return points_rankings_after(ctx, org_id, target, period, page, per_page, 0, out);
}

int points_rankings_after(struct ctx *ctx, int64_t org_id, const char *target, const char *period, int page,
			  int per_page, int64_t after, json_t **out)
{
	struct org o;
	struct points_period per;
	struct points_settings set;
	struct standings sd = { 0 };
	struct pub pub;
	struct buckets bk = { 0 };
	int64_t stars[MAX_STARS + 1];
	size_t from, to;
	int rc, published = 0, use_bk = 0;

	*out = NULL;
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 50;
	if ((rc = require_reader(ctx)) || (rc = parse_target(ctx, target, &target)) ||
	    (rc = parse_period(ctx, period, PP_QUARTER, &per)) || (rc = resolve_org(ctx, org_id, &o)))
		return rc;
	if ((rc = pub_find(ctx, 0, o.id, target, per.text, &pub, &published)))
		return rc;
	if (published)
		return pub_ranking(ctx, &o, &pub, page, per_page, after, out);
	if ((rc = points_settings_for(ctx, o.path, &set)) || (rc = buckets_load(ctx, &o, target, &per, &set, &bk, &use_bk)))
		goto out;
	if (use_bk) {
		rc = buckets_ranking(ctx, &o, target, &per, &set, &bk, page, per_page, after, out);
		goto out;
	}
	/* a small subtree: the pass, paged in memory */
	if ((rc = standings_compute(ctx, &o, target, &per, &set, &sd)))
		goto out;
	from = (size_t)(page - 1) * (size_t)per_page;
	if (from > sd.n)
		from = sd.n;
	to = from + (size_t)per_page < sd.n ? from + (size_t)per_page : sd.n;
	stars_count(&sd, stars);
	rc = ranking_reply(ctx, &o, target, per.text, 0, sd.s + from, to - from, (int64_t)sd.n, page, per_page, to < sd.n,
			   stars, out);
out:
	free(bk.b);
	standings_release(&sd);
	return rc;
}

static json_t *group_summary(const struct standings *sd)
{
	int64_t stars[MAX_STARS + 1], sum = 0;
	size_t i;
	json_t *j = json_object();
	for (i = 0; i < sd->n; i++)
		sum += sd->s[i].score_x10;
	stars_count(sd, stars);
	json_object_set_new(j, "count", json_integer((json_int_t)sd->n));
	/* the mean of the tenths, rounded half up to one decimal */
	json_object_set_new(j, "average",
			    sd->n ? points_x10_json((int)((2 * sum + (int64_t)sd->n) / (2 * (int64_t)sd->n))) : json_null());
	json_object_set_new(j, "stars", stars_json(stars));
	return j;
}

int points_summary(struct ctx *ctx, int64_t org_id, const char *period, json_t **out)
{
	struct org o;
	struct points_period per;
	struct points_settings set;
	struct standings members = { 0 }, branches = { 0 };
	struct buckets bk = { 0 }, bkb = { 0 };
	json_t *j;
	int rc, use_bk = 0, use_bkb = 0;

	*out = NULL;
	if ((rc = require_reader(ctx)) || (rc = parse_period(ctx, period, PP_YEAR, &per)) ||
	    (rc = resolve_org(ctx, org_id, &o)) || (rc = points_settings_for(ctx, o.path, &set)))
		return rc;
	if ((rc = buckets_load(ctx, &o, "member", &per, &set, &bk, &use_bk)) ||
	    (!use_bk && (rc = standings_compute(ctx, &o, "member", &per, &set, &members))) ||
	    (rc = buckets_load(ctx, &o, "branch", &per, &set, &bkb, &use_bkb)) ||
	    (!use_bkb && (rc = standings_compute(ctx, &o, "branch", &per, &set, &branches))))
		goto out;
	j = json_object();
	json_object_set_new(j, "org_id", json_integer(o.id));
	json_object_set_new(j, "period", json_string(per.text));
	json_object_set_new(j, "members", use_bk ? buckets_summary(&bk) : group_summary(&members));
	json_object_set_new(j, "branches", use_bkb ? buckets_summary(&bkb) : group_summary(&branches));
	json_object_set_new(j, "entries", json_integer((use_bk ? bk.entries : members.entries) +
						       (use_bkb ? bkb.entries : branches.entries)));
	*out = j;
out:
	free(bk.b);
	free(bkb.b);
	standings_release(&members);
	standings_release(&branches);
	return rc;
}

/* ---- publishing -------------------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int insert_rows(struct ctx *ctx, int64_t pub_id, const struct standings *sd)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	size_t i = 0, k, n;
	int rc = 0;
	while (i < sd->n) {
		n = sd->n - i >= PUB_BATCH ? PUB_BATCH : 1;
		strbuf_reset(&sql);
		strbuf_addstr(&sql, "INSERT INTO point_publication_rows (publication_id, subject_id, org_id, score_x10, "
				    "award_x10, deduct_x10, rank, stars, flags) VALUES ");
		for (k = 0; k < n; k++)
			strbuf_addstr(&sql, k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
			rc = E_DB;
			break;
		}
		for (k = 0; k < n; k++) {
			const struct points_standing *s = &sd->s[i + k];
			char flags[32];
			int b = (int)k * 9;
			points_flags_text(s->flags, flags, sizeof(flags));
			stmt_bind_int(st, b + 1, pub_id);
			stmt_bind_int(st, b + 2, s->subject_id);
			stmt_bind_int(st, b + 3, s->org_id);
			stmt_bind_int(st, b + 4, s->score_x10);
			stmt_bind_int(st, b + 5, s->award_x10);
			stmt_bind_int(st, b + 6, s->deduct_x10);
			stmt_bind_int(st, b + 7, s->rank);
			stmt_bind_int(st, b + 8, s->stars);
			stmt_bind_text(st, b + 9, flags);
		}
		if ((rc = stmt_run(st, &ctx->err)))
			break;
		i += n;
	}
	strbuf_release(&sql);
	return rc;
}

/*
 * The rows of a member publication of a large subtree straight from the kept groups
 * (buckets_load): one INSERT … SELECT per tie group, so neither the standings nor the
 * rows pass through memory (a province: 10 million rows). The rows are those of the
 * pass: a group's members, its rank, score and stars; members carry no flags.
 */
static int insert_rows_buckets(struct ctx *ctx, int64_t pub_id, const struct org *o, const struct buckets *bk)
{
	char hi[PATH_MAX_LEN];
	struct stmt *st;
	size_t i;
	int rc = 0;
	path_range_end(o->path, hi, sizeof(hi));
	for (i = 0; i < bk->n && !rc; i++) {
		const struct bucket *b = &bk->b[i];
		int zero = !b->award_x10 && !b->deduct_x10;
		st = db_prepare(
			ctx->db,
			zero ? "INSERT INTO point_publication_rows (publication_id, subject_id, org_id, score_x10, award_x10, "
			       "deduct_x10, rank, stars, flags) SELECT ?, m.id, m.org_id, ?, ?, ?, ?, ?, '' FROM members m "
			       "WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' AND NOT EXISTS (SELECT 1 FROM "
			       "point_period_scores s WHERE s.target = 'member' AND s.subject_id = m.id AND s.year = "
			       "CAST(? AS INTEGER) AND s.pcode = CAST(? AS INTEGER) AND (s.award_x10 <> 0 OR s.deduct_x10 <> 0))"
			     : "INSERT INTO point_publication_rows (publication_id, subject_id, org_id, score_x10, award_x10, "
			       "deduct_x10, rank, stars, flags) SELECT ?, s.subject_id, m.org_id, ?, ?, ?, ?, ?, '' FROM "
			       "point_period_scores s JOIN members m ON m.id = s.subject_id WHERE m.org_path >= ? AND "
			       "m.org_path < ? AND m.state = 'active' AND s.target = 'member' AND s.year = CAST(? AS INTEGER) "
			       "AND s.pcode = CAST(? AS INTEGER) AND s.award_x10 = CAST(? AS INTEGER) AND s.deduct_x10 = "
			       "CAST(? AS INTEGER)",
			&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, pub_id);
		stmt_bind_int(st, 2, b->score_x10);
		stmt_bind_int(st, 3, b->award_x10);
		stmt_bind_int(st, 4, b->deduct_x10);
		stmt_bind_int(st, 5, b->start + 1);
		stmt_bind_int(st, 6, b->stars);
		stmt_bind_text(st, 7, o->path);
		stmt_bind_text(st, 8, hi);
		stmt_bind_int(st, 9, bk->year);
		stmt_bind_int(st, 10, bk->pcode);
		if (!zero) {
			stmt_bind_int(st, 11, b->award_x10);
			stmt_bind_int(st, 12, b->deduct_x10);
		}
		rc = stmt_run(st, &ctx->err);
	}
	return rc;
}

static int duplicate(struct ctx *ctx, const struct org *o, const struct points_period *per)
{
	return err_set(&ctx->err, E_CONFLICT, "period", "points.published", "%s %s 的积分已经公布过", o->name, per->text);
}

int points_publish(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct points_period per;
	struct points_settings set;
	struct standings sd = { 0 };
	struct buckets bk = { 0 };
	struct pub pub;
	struct stmt *st;
	const char *target = NULL, *period = NULL, *note = NULL;
	char *settings_s = NULL;
	json_t *js = NULL, *ja = NULL;
	int64_t org_id = 0, stars[MAX_STARS + 1];
	int rc, step, found, use_bk = 0;

	*id = 0;
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "points.role", "只有管理员可以公布积分");
	if ((rc = body_int_required(ctx, body, "org_id", "公布的组织", &org_id)) || (rc = body_str_optional(ctx, body, "target", &target)) ||
	    (rc = body_str_optional(ctx, body, "period", &period)) || (rc = body_str_optional(ctx, body, "note", &note)))
		return rc;
	if (!target)
		return err_set(&ctx->err, E_INVALID, "target", "field.required", "公布对象不能为空");
	if (!period || !period[0])
		return err_set(&ctx->err, E_INVALID, "period", "field.required", "公布期间不能为空");
	if (note && utf8_chars(note) > POINTS_TEXT_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, "note", "field.too_long", "说明不能超过 %d 个字", POINTS_TEXT_MAX_CHARS);
	if (note && !note[0])
		note = NULL;
	if ((rc = parse_target(ctx, target, &target)) || (rc = parse_period(ctx, period, PP_QUARTER, &per)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) || (rc = points_require_enabled(ctx, o.path)))
		return rc;
	if (per.last >= this_month(ctx))
		return err_set(&ctx->err, E_RULE, "period", "points.period_open", "%s 尚未结束，结束后才能公布", per.text);
	if ((rc = points_settings_for(ctx, o.path, &set)))
		return rc;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = pub_find(ctx, 0, o.id, target, per.text, &pub, &found)))
		goto rollback;
	if (found) {
		rc = duplicate(ctx, &o, &per);
		goto rollback;
	}
	/* inside the transaction: no entry of the period can land between the standings and
	 * the rows. Members of a large subtree: the kept groups; else the pass. */
	if (!strcmp(target, "member") && (rc = buckets_load(ctx, &o, target, &per, &set, &bk, &use_bk)))
		goto rollback;
	if (use_bk)
		buckets_stars(&bk, stars);
	else if ((rc = standings_compute(ctx, &o, target, &per, &set, &sd)))
		goto rollback;
	else
		stars_count(&sd, stars);
	js = settings_json(&set);
	settings_s = json_dumps(js, JSON_COMPACT | JSON_SORT_KEYS);
	st = db_prepare(ctx->db,
			"INSERT INTO point_publications (org_id, org_path, target, period, first_month, last_month, settings, "
			"note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, o.id);
	stmt_bind_text(st, 2, o.path);
	stmt_bind_text(st, 3, target);
	stmt_bind_text(st, 4, per.text);
	stmt_bind_int(st, 5, per.first);
	stmt_bind_int(st, 6, per.last);
	stmt_bind_text(st, 7, settings_s);
	stmt_bind_text(st, 8, note);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 9, ctx->actor.user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_text(st, 10, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		pub.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		/* a concurrent publication of the same period lost the race on the UNIQUE key */
		rc = step == STEP_CONSTRAINT ? duplicate(ctx, &o, &per) : ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = use_bk ? insert_rows_buckets(ctx, pub.id, &o, &bk) : insert_rows(ctx, pub.id, &sd)) ||
	    (rc = pub_stars_insert(ctx, pub.id, stars)))
		goto rollback;
	if ((rc = pub_find(ctx, pub.id, 0, NULL, NULL, &pub, &found)))
		goto rollback;
	ja = pub_json(&pub);
	json_object_set(ja, "settings", js);
	if ((rc = audit_append(ctx, "publish", "point_publication", pub.id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = pub.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(settings_s);
	json_decref(js);
	json_decref(ja);
	standings_release(&sd);
	free(bk.b);
	return rc;
}

/* ---- publications: lists, one, history --------------------------------------------- */

int points_publications_list(struct ctx *ctx, int64_t org_id, const char *target, int page, int per_page,
			     json_t **items, int64_t *total)
{
	struct org o;
	struct stmt *st;
	struct strbuf sql = STRBUF_INIT;
	char hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	int rc, step;

	*items = NULL;
	*total = 0;
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 50;
	if (target && !target[0])
		target = NULL;
	if ((rc = require_reader(ctx)) || (target && (rc = parse_target(ctx, target, &target))) ||
	    (rc = resolve_org(ctx, org_id, &o)))
		return rc;
	path_range_end(o.path, hi, sizeof(hi));
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM point_publications p WHERE p.org_path >= ? AND p.org_path < ? "
			"AND (CAST(? AS TEXT) IS NULL OR p.target = ?)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, o.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, target);
	stmt_bind_text(st, 4, target);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	strbuf_addf(&sql,
		    "SELECT " PUB_COLS PUB_FROM "WHERE p.org_path >= ? AND p.org_path < ? "
		    "AND (CAST(? AS TEXT) IS NULL OR p.target = ?) ORDER BY p.created_at DESC, p.id DESC LIMIT %d OFFSET %" PRId64,
		    per_page, (int64_t)(page - 1) * per_page);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, o.path);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, target);
	stmt_bind_text(st, 4, target);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct pub p;
		read_pub(st, &p);
		json_array_append_new(arr, pub_json(&p));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&sql);
	return rc;
}

int points_publication_get(struct ctx *ctx, int64_t id, json_t **out)
{
	return points_publication_page(ctx, id, 1, 50, 0, out);
}

int points_publication_page(struct ctx *ctx, int64_t id, int page, int per_page, int64_t after, json_t **out)
{
	struct pub p;
	struct standings sd = { 0 };
	int64_t stars[MAX_STARS + 1], from;
	json_t *j, *items = NULL;
	int rc, found;

	*out = NULL;
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 50;
	from = (int64_t)(page - 1) * per_page;
	if ((rc = require_reader(ctx)) || (rc = pub_find(ctx, id, 0, NULL, NULL, &p, &found)))
		return rc;
	if (!found || !ctx_path_in_scope(ctx, p.org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, PUB_NOT_FOUND_MSG);
	if ((rc = points_require_enabled(ctx, p.org_path)) || (rc = pub_stars(ctx, p.id, stars)) ||
	    (rc = pub_page(ctx, p.id, from, per_page, after, &sd)))
		goto out;
	if ((rc = items_json(ctx, p.target, sd.s, 0, sd.n, &items)))
		goto out;
	j = pub_json(&p);
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "total", json_integer((json_int_t)p.rows));
	json_object_set_new(j, "page", json_integer(page));
	json_object_set_new(j, "per_page", json_integer(per_page));
	json_object_set_new(j, "next", sd.n && from + (int64_t)sd.n < p.rows ? json_integer(sd.s[sd.n - 1].subject_id)
									   : json_null());
	json_object_set_new(j, "stars", stars_json(stars));
	*out = j;
out:
	standings_release(&sd);
	return rc;
}

/* The path the subject's points are read under: a member's branch, a branch itself;
 * found = 0 when it does not exist. */
static int subject_path(struct ctx *ctx, const char *target, int64_t id, char *path, int *found)
{
	struct stmt *st = db_prepare(ctx->db,
				     !strcmp(target, "member") ? "SELECT org_path FROM members WHERE id = ?"
							       : "SELECT path FROM orgs WHERE id = ?",
				     &ctx->err);
	int step;
	*found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, path, PATH_MAX_LEN);
		*found = 1;
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int points_history(struct ctx *ctx, const char *target, int64_t subject_id, json_t **out)
{
	struct stmt *st;
	char path[PATH_MAX_LEN], flags[32];
	json_t *arr = NULL;
	int rc, step, found;

	*out = NULL;
	if ((rc = parse_target(ctx, target, &target)))
		return rc;
	if (ctx->actor.role < ROLE_SECRETARY && (strcmp(target, "member") || !ctx->actor.member_id ||
						 subject_id != ctx->actor.member_id))
		return err_set(&ctx->err, E_FORBIDDEN, "subject", "points.role", "党员只能查看本人的积分");
	if ((rc = subject_path(ctx, target, subject_id, path, &found)))
		return rc;
	/* one's own record may lie outside a member account's scope after a transfer */
	if (!found || (ctx->actor.role >= ROLE_SECRETARY && !ctx_path_in_scope(ctx, path)))
		return err_set(&ctx->err, E_NOTFOUND, "subject", NULL, "对象不存在或不在您的管理范围内");
	if ((rc = points_require_enabled(ctx, path)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT p.id, p.period, p.org_id, r.score_x10, r.rank, r.stars, r.flags, r.award_x10, r.deduct_x10 "
			"FROM point_publication_rows r JOIN point_publications p ON p.id = r.publication_id "
			"WHERE r.subject_id = ? AND p.target = ? ORDER BY p.last_month, p.first_month DESC, p.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, subject_id);
	stmt_bind_text(st, 2, target);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *j = json_object();
		stmt_text_copy(st, 6, flags, sizeof(flags));
		json_object_set_new(j, "publication_id", json_integer(stmt_int(st, 0)));
		json_object_set_new(j, "period", json_string(stmt_text(st, 1)));
		json_object_set_new(j, "org_id", json_integer(stmt_int(st, 2)));
		json_object_set_new(j, "score", points_x10_json((int)stmt_int(st, 3)));
		json_object_set_new(j, "award", points_x10_json((int)stmt_int(st, 7)));
		json_object_set_new(j, "deduct", points_x10_json((int)stmt_int(st, 8)));
		json_object_set_new(j, "rank", json_integer(stmt_int(st, 4)));
		json_object_set_new(j, "stars", json_integer(stmt_int(st, 5)));
		json_object_set_new(j, "flags", flags_json(flags_parse(flags)));
		json_array_append_new(arr, j);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	*out = json_pack("{s:s, s:I, s:o}", "target", target, "subject_id", (json_int_t)subject_id, "items", arr);
	return 0;
}
