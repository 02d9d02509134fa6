/*
 * 网格覆盖 (grid.h grid_coverage_opts): households and their 联系户党员 per 党支部, per 党小组
 * and in total. A branch's members are its on-roll members as orgs.direct_members keeps
 * them (003), so no row counts members. A subtree of more branches than the limit (a
 * city, a province: ≈ 300,000 branches) answers one page of branches in tree order and
 * the 党小组 rows of that page; the total is still the whole subtree's, from one
 * aggregate over its households and one sum over its branch rows.
 */
#include "domain/grid.h"
#include <string.h>
#include "domain/gridtal.h"
#include "domain/org.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The branches counted: open 党支部 (joint ones too) of the path range. */
#define BRANCH_WHERE "o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL"

/* the branch rows of one call: [lo, hi) of the subtree, or the page's first..last path */
struct span {
	const char *lo, *hi;
	int hi_inclusive;
};

static json_t *percent_json(int64_t part, int64_t whole)
{
	return whole > 0 ? json_real(grid_percent(part, whole)) : json_null();
}

static json_t *coverage_row(int64_t households, int64_t assigned, int64_t members, int64_t with)
{
	json_t *j = json_object();
	json_object_set_new(j, "households", json_integer(households));
	json_object_set_new(j, "assigned", json_integer(assigned));
	json_object_set_new(j, "unassigned", json_integer(households - assigned));
	json_object_set_new(j, "coverage", percent_json(assigned, households));
	json_object_set_new(j, "members", json_integer(members));
	json_object_set_new(j, "members_with_households", json_integer(with));
	return j;
}

static void bind_span(struct stmt *st, const struct span *s)
{
	stmt_bind_text(st, 1, s->lo);
	stmt_bind_text(st, 2, s->hi);
}

/* one row per 党支部 of the span (those without households too); sum: households, assigned, with, members */
static int coverage_branches(struct ctx *ctx, const struct span *s, json_t *arr, int64_t *sum)
{
	struct stmt *st = db_prepare(
		ctx->db,
		s->hi_inclusive
			? "SELECT o.id, o.name, count(h.id), count(h.member_id), count(DISTINCT h.member_id), "
			  "o.direct_members FROM orgs o LEFT JOIN grid_households h ON h.org_id = o.id "
			  "WHERE o.path >= ? AND o.path <= ? AND " BRANCH_WHERE " "
			  "GROUP BY o.id, o.name, o.path, o.direct_members ORDER BY o.path"
			: "SELECT o.id, o.name, count(h.id), count(h.member_id), count(DISTINCT h.member_id), "
			  "o.direct_members FROM orgs o LEFT JOIN grid_households h ON h.org_id = o.id "
			  "WHERE o.path >= ? AND o.path < ? AND " BRANCH_WHERE " "
			  "GROUP BY o.id, o.name, o.path, o.direct_members ORDER BY o.path",
		&ctx->err);
	int step, k;
	if (!st)
		return E_DB;
	bind_span(st, s);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *j = coverage_row(stmt_int(st, 2), stmt_int(st, 3), stmt_int(st, 5), stmt_int(st, 4));
		json_object_set_new(j, "org_id", json_integer(stmt_int(st, 0)));
		json_object_set_new(j, "org_name", json_string(stmt_text(st, 1)));
		json_array_append_new(arr, j);
		for (k = 0; sum && k < 4; k++)
			sum[k] += stmt_int(st, 2 + k);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * One row per 党小组 with households, and per branch one for households in no 党小组.
 * A 党小组's members are members of its branch (member.group), so they are counted
 * through the branch's members (members_org) rather than over the whole table.
 */
static int coverage_groups(struct ctx *ctx, const struct span *s, json_t *arr)
{
#define GROUPS_SELECT                                                                                               \
	"SELECT h.org_id, o.name, COALESCE(h.group_id, 0), COALESCE(g.name, ''), count(*), count(h.member_id), "    \
	"count(DISTINCT h.member_id), (SELECT count(*) FROM members m WHERE m.org_id = h.org_id AND "              \
	"m.group_id = h.group_id AND m.state IN ('active', 'transferring')) FROM grid_households h JOIN orgs o ON " \
	"o.id = h.org_id LEFT JOIN orgs g ON g.id = h.group_id "
#define GROUPS_TAIL " GROUP BY h.org_id, o.name, o.path, h.group_id, g.name ORDER BY o.path, COALESCE(g.name, '')"
	/* the page's rows belong to the page's branches only */
	struct stmt *st = db_prepare(ctx->db,
				     s->hi_inclusive ? GROUPS_SELECT "WHERE o.path >= ? AND o.path <= ? AND " BRANCH_WHERE
								     GROUPS_TAIL
						     : GROUPS_SELECT "WHERE o.path >= ? AND o.path < ?" GROUPS_TAIL,
				     &ctx->err);
#undef GROUPS_SELECT
#undef GROUPS_TAIL
	int step;
	if (!st)
		return E_DB;
	bind_span(st, s);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *j = coverage_row(stmt_int(st, 4), stmt_int(st, 5), stmt_int(st, 7), stmt_int(st, 6));
		json_object_set_new(j, "org_id", json_integer(stmt_int(st, 0)));
		json_object_set_new(j, "org_name", json_string(stmt_text(st, 1)));
		json_object_set_new(j, "group_id", stmt_int(st, 2) ? json_integer(stmt_int(st, 2)) : json_null());
		json_object_set_new(j, "group_name", json_string(stmt_int(st, 2) ? stmt_text(st, 3) : "未划入党小组"));
		json_array_append_new(arr, j);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* one integer row of sql over [lo, hi): n values into v */
static int span_ints(struct ctx *ctx, const char *sql, const struct span *s, int64_t *v, int n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step, k;
	if (!st)
		return E_DB;
	bind_span(st, s);
	step = stmt_step(st, &ctx->err);
	for (k = 0; step == STEP_ROW && k < n; k++)
		v[k] = stmt_int(st, k);
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * The whole subtree's sums without its branch rows: sum[0..3] as coverage_branches
 * adds them (a member's households are counted distinct per branch, as the rows do).
 */
static int coverage_sums(struct ctx *ctx, const struct span *s, int64_t *sum)
{
	int64_t h[3] = { 0, 0, 0 };
	int rc;
	if ((rc = span_ints(ctx,
			    "SELECT COALESCE(sum(n), 0), COALESCE(sum(a), 0), COALESCE(sum(d), 0) FROM (SELECT "
			    "count(*) AS n, count(h.member_id) AS a, count(DISTINCT h.member_id) AS d FROM grid_households h "
			    "JOIN orgs o ON o.id = h.org_id WHERE o.path >= ? AND o.path < ? AND " BRANCH_WHERE
			    " GROUP BY h.org_id) x",
			    s, h, 3)) ||
	    (rc = span_ints(ctx,
			    "SELECT COALESCE(sum(o.direct_members), 0) FROM orgs o WHERE o.path >= ? AND o.path < ? "
			    "AND " BRANCH_WHERE,
			    s, sum + 3, 1)))
		return rc;
	memcpy(sum, h, sizeof(h));
	return 0;
}

/* the first and last path of the page's branches; *n = branches on the page */
static int page_span(struct ctx *ctx, const struct span *s, int page, int per_page, char *first, char *last,
		     size_t size, int *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT o.path FROM orgs o WHERE o.path >= ? AND o.path < ? AND " BRANCH_WHERE
				     " ORDER BY o.path LIMIT ? OFFSET ?",
				     &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	bind_span(st, s);
	stmt_bind_int(st, 3, per_page);
	stmt_bind_int(st, 4, (int64_t)(page - 1) * per_page);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (!(*n)++)
			strlcpy_z(first, stmt_text(st, 0), size);
		strlcpy_z(last, stmt_text(st, 0), size);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int grid_coverage(struct ctx *ctx, int64_t org_id, json_t **out)
{
	return grid_coverage_opts(ctx, org_id, NULL, out);
}

int grid_coverage_opts(struct ctx *ctx, int64_t org_id, const struct subtree_page *opts, json_t **out)
{
	struct org root;
	char hi[PATH_MAX_LEN], first[PATH_MAX_LEN], last[PATH_MAX_LEN];
	struct span whole = { NULL, NULL, 0 }, pg = { first, last, 1 };
	json_t *branches = json_array(), *groups = json_array(), *j;
	int64_t sum[4] = { 0, 0, 0, 0 }, nbranch = 0; /* households, assigned, with households, members */
	struct subtree_page pp;
	int rc, n = 0, large;

	*out = NULL;
	if ((rc = grid_require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		goto out;
	path_range_end(root.path, hi, sizeof(hi));
	whole.lo = root.path;
	whole.hi = hi;
	if ((rc = subtree_page_resolve(ctx, opts, whole.lo, whole.hi, &pp, &large)))
		goto out;
	if (!large) {
		if ((rc = coverage_branches(ctx, &whole, branches, sum)) || (rc = coverage_groups(ctx, &whole, groups)))
			goto out;
	} else {
		if ((rc = span_ints(ctx,
				    "SELECT count(*) FROM orgs o WHERE o.path >= ? AND o.path < ? AND " BRANCH_WHERE,
				    &whole, &nbranch, 1)) ||
		    (rc = coverage_sums(ctx, &whole, sum)) ||
		    (rc = page_span(ctx, &whole, pp.page, pp.per_page, first, last, sizeof(first), &n)))
			goto out;
		if (n && ((rc = coverage_branches(ctx, &pg, branches, NULL)) || (rc = coverage_groups(ctx, &pg, groups))))
			goto out;
	}
	if (!large)
		nbranch = (int64_t)json_array_size(branches);
	j = coverage_row(sum[0], sum[1], sum[3], sum[2]);
	json_object_set_new(j, "branches", json_integer(nbranch));
	*out = json_object();
	json_object_set_new(*out, "org_id", json_integer(root.id));
	json_object_set_new(*out, "org_name", json_string(root.name));
	json_object_set_new(*out, "total", j);
	if (large) {
		json_object_set_new(*out, "page", json_integer(pp.page));
		json_object_set_new(*out, "per_page", json_integer(pp.per_page));
	}
	json_object_set_new(*out, "branches", branches);
	json_object_set_new(*out, "groups", groups);
	branches = groups = NULL;
out:
	json_decref(branches);
	json_decref(groups);
	return rc;
}
