/*
 * 党内统计 drill-downs: the members or organizations behind one figure. The rows are
 * chosen by the same classification as the tables (stats.c), so a list's total is the
 * figure that was clicked; only the page shown is read in full.
 */
#include <stdlib.h>
#include <string.h>
#include "domain/codes.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "domain/stats_internal.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct hit {
	int64_t id;
	char date[11];
	char *serial, *other;
	const char *path;  /* the member's org_path (in hits.paths); NULL for changes but joins */
};

struct hits {
	struct hit *v;
	size_t n, alloc;
	const struct stats_ref *r;
	enum stats_dim d;
	int value;
	char **paths;      /* the distinct org_paths met, each once in a run */
	size_t np, ap;
	int unsorted;      /* a run's path below the run's before it (PostgreSQL's pass has no order) */
};

static struct hit *hit_add(struct hits *h, int64_t id)
{
	struct hit *x;
	if (h->n == h->alloc) {
		h->alloc = h->alloc ? h->alloc * 2 : 256;
		h->v = xreallocarray(h->v, h->alloc, sizeof(*h->v));
	}
	x = &h->v[h->n++];
	memset(x, 0, sizeof(*x));
	x->id = id;
	return x;
}

static void hits_release(struct hits *h)
{
	size_t i;
	for (i = 0; i < h->n; i++) {
		free(h->v[i].serial);
		free(h->v[i].other);
	}
	free(h->v);
	for (i = 0; i < h->np; i++)
		free(h->paths[i]);
	free(h->paths);
}

static const char *path_intern(struct hits *h, const char *p)
{
	if (!p)
		p = "";
	/* rows come mostly grouped by org: one copy per run of the same path */
	if (h->np && !strcmp(h->paths[h->np - 1], p))
		return h->paths[h->np - 1];
	if (h->np == h->ap) {
		h->ap = h->ap ? h->ap * 2 : 64;
		h->paths = xreallocarray(h->paths, h->ap, sizeof(*h->paths));
	}
	if (h->np && strcmp(h->paths[h->np - 1], p) > 0)
		h->unsorted = 1;
	h->paths[h->np] = xstrdup(p);
	return h->paths[h->np++];
}

static int collect_row(void *arg, const struct stats_row *m)
{
	struct hits *h = arg;
	if (stats_row_matches(m, h->r, h->d, h->value)) {
		struct hit *x = hit_add(h, m->id);
		x->path = path_intern(h, m->org_path);
		if (h->d == SD_CHANGE)
			xsnprintf(x->date, sizeof(x->date), "%04d-%02d-%02d", m->join / 10000, m->join / 100 % 100, m->join % 100);
	}
	return 0;
}

/* the listing order of the member tables and joins: tree order (org_path bytewise), then id */
static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = x->path == y->path ? 0 : strcmp(x->path, y->path);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void hits_sort(struct hits *h)
{
	size_t i, j;
	if (h->unsorted) {
		qsort(h->v, h->n, sizeof(*h->v), cmp_hit);
		return;
	}
	/* the runs of one path come in path order (SQLite's pass by its index): each by id */
	for (i = 0; i < h->n; i = j) {
		for (j = i + 1; j < h->n && h->v[j].path == h->v[i].path; j++)
			;
		if (j - i > 1)
			qsort(h->v + i, j - i, sizeof(*h->v), cmp_hit);
	}
}

static void page_id(void *arg, int64_t id)
{
	hit_add(arg, id);
}

/* the year's joins up to as_of in [lo, hi), every state, by the join date index (members_join_path) */
static int joined_pass(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, struct hits *h)
{
	struct stmt *st;
	struct stats_row m;
	char from[11], upto[11];
	int step, rc = 0;
	xsnprintf(from, sizeof(from), "%04d-01-01", r->year);
	/* the least string above every one starting with as_of: the row's own date decides (stats_row_matches) */
	xsnprintf(upto, sizeof(upto), "%s", r->ref_iso);
	upto[9]++;
	st = db_prepare(ctx->db,
			STATS_PASS_COLUMNS "WHERE join_date >= ? AND join_date < ? AND org_path || '' >= ? AND org_path || '' < ?",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, upto);
	stmt_bind_text(st, 3, lo);
	stmt_bind_text(st, 4, hi);
	while (!rc && (step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		stats_row_read(st, &m);
		rc = collect_row(h, &m);
	}
	stmt_reset(st);
	return rc ? rc : step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int collect_change(void *arg, int kind, int64_t member_id, const char *date, const char *serial,
			  const char *other)
{
	struct hits *h = arg;
	struct hit *x;
	if (kind != h->value)
		return 0;
	x = hit_add(h, member_id);
	strlcpy_z(x->date, date ? date : "", sizeof(x->date));
	x->serial = serial ? xstrdup(serial) : NULL;
	x->other = other ? xstrdup(other) : NULL;
	return 0;
}

static int parse_dim(struct ctx *ctx, const char *dim, const char *value, int orgs, enum stats_dim *d, int *v)
{
	int k = stats_dim_parse(dim);
	if (k < 0 || stats_dim_is_org((enum stats_dim)k) != orgs)
		return err_set(&ctx->err, E_INVALID, "dim", "stats.dim", "未知的统计项 dim");
	*d = (enum stats_dim)k;
	if ((*v = stats_value_parse(*d, value)) < 0)
		return err_set(&ctx->err, E_INVALID, "value", "stats.value", "统计项 %s 没有取值 %s", dim, value ? value : "");
	return 0;
}

static void set_str(json_t *j, const char *key, const char *s)
{
	json_object_set_new(j, key, s ? json_string(s) : json_null());
}

/* the member's listing fields (no ID number, no phone) */
static int member_item(struct ctx *ctx, struct stmt *st, const struct hit *x, const struct stats_ref *r,
		       enum stats_dim d, json_t *items)
{
	json_t *j;
	int step, birth;
	stmt_bind_int(st, 1, x->id);
	step = stmt_step(st, &ctx->err);
	if (step != STEP_ROW) {
		stmt_reset(st);
		return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
	}
	j = json_object();
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	set_str(j, "name", stmt_text(st, 1));
	set_str(j, "gender", stmt_text(st, 2));
	set_str(j, "gender_name", code_name(CODE_GENDER, stmt_text(st, 2) ? stmt_text(st, 2) : ""));
	set_str(j, "ethnicity", stmt_text(st, 3));
	set_str(j, "ethnicity_name", code_name(CODE_ETHNICITY, stmt_text(st, 3) ? stmt_text(st, 3) : ""));
	set_str(j, "birth_date", stmt_text(st, 4));
	birth = stats_date_int(stmt_text(st, 4));
	if (birth)
		json_object_set_new(j, "age", json_integer(r->ref / 10000 - birth / 10000 - (r->ref % 10000 < birth % 10000)));
	set_str(j, "education", stmt_text(st, 5));
	set_str(j, "education_name", stmt_text(st, 5) ? code_name(CODE_EDUCATION, stmt_text(st, 5)) : NULL);
	set_str(j, "category", stmt_text(st, 6));
	set_str(j, "category_name", member_category_name(stmt_text(st, 6) ? stmt_text(st, 6) : ""));
	set_str(j, "join_date", stmt_text(st, 7));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 8)));
	set_str(j, "org_name", stmt_text(st, 9));
	set_str(j, "party_status", stmt_text(st, 10));
	json_object_set_new(j, "lost_contact", json_boolean(stmt_int(st, 11)));
	json_object_set_new(j, "floating", json_boolean(stmt_int(st, 12)));
	set_str(j, "state", stmt_text(st, 13));
	set_str(j, "state_name", member_state_name(stmt_text(st, 13) ? stmt_text(st, 13) : ""));
	if (d == SD_CHANGE) {
		set_str(j, "event_date", x->date);
		if (x->serial)
			set_str(j, "serial", x->serial);
		if (x->other)
			set_str(j, "other_org", x->other);
	}
	stmt_reset(st);
	json_array_append_new(items, j);
	return 0;
}

int stats_drill_members(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, const char *dim,
			const char *value, int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct hits h;
	struct stmt *st;
	struct stats_counts c;
	char hi[PATH_MAX_LEN];
	size_t i, off;
	long long min = ctx->cfg ? config_int(ctx->cfg, CFG_STATS_KEPT_MIN_MEMBERS) : 20000;
	int rc, kept = STATS_KEPT_NO;
	*items = NULL;
	*total = 0;
	memset(&h, 0, sizeof(h));
	if ((rc = stats_scope(ctx, org_id, &root, hi, sizeof(hi))) ||
	    (rc = parse_dim(ctx, dim, value, 0, &h.d, &h.value)))
		return rc;
	h.r = r;
	off = (size_t)(page - 1) * (size_t)per_page;
	if (h.d == SD_CHANGE && h.value != SC_JOINED) {
		rc = stats_changes(ctx, root.path, hi, r, collect_change, &h);
	} else if (h.d != SD_CHANGE) {
		/* a large subtree: the page found by the kept counts (036), reading what it lists */
		kept = stats_kept_members_page(ctx, &root, hi, r, h.d, h.value, min, (int64_t)off, per_page, page_id, &h,
					       total);
		if (kept != STATS_KEPT_NO)
			rc = kept;
		else if (!(rc = stats_member_pass(ctx, root.path, hi, collect_row, &h)))
			hits_sort(&h);
	} else {
		/* the year's joins: by the join date index where the kept counts serve, else the pass */
		kept = stats_kept_compute(ctx, &root, hi, r, min, &c);
		if (kept == STATS_KEPT_NO)
			rc = stats_member_pass(ctx, root.path, hi, collect_row, &h);
		else if (!(rc = kept))
			rc = joined_pass(ctx, root.path, hi, r, &h);
		kept = STATS_KEPT_NO; /* the whole list read: paged below */
		if (!rc)
			hits_sort(&h);
	}
	if (rc)
		goto out;
	if (kept == STATS_KEPT_NO)
		*total = (int64_t)h.n;
	else
		off = 0; /* h holds the page alone */
	*items = json_array();
	if (off >= h.n)
		goto out;
	st = db_prepare(ctx->db,
			"SELECT m.id, m.name, m.gender, m.ethnicity, m.birth_date, m.education, m.category, m.join_date, "
			"m.org_id, o.name, m.party_status, m.lost_contact, m.floating, m.state FROM members m "
			"JOIN orgs o ON o.id = m.org_id WHERE m.id = ?",
			&ctx->err);
	if (!st) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	for (i = off; i < h.n && i < off + (size_t)per_page && !rc; i++)
		rc = member_item(ctx, st, &h.v[i], r, h.d, *items);
out:
	if (rc) {
		json_decref(*items);
		*items = NULL;
		*total = 0;
	}
	hits_release(&h);
	return rc;
}

int stats_drill_orgs(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, const char *dim, const char *value,
		     int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct stats_orgs orgs;
	enum stats_dim d;
	char hi[PATH_MAX_LEN];
	size_t i, off;
	int64_t n = 0;
	int rc, v;
	*items = NULL;
	*total = 0;
	if ((rc = stats_scope(ctx, org_id, &root, hi, sizeof(hi))) || (rc = parse_dim(ctx, dim, value, 1, &d, &v)))
		return rc;
	/* a large subtree: the kept direct counts (036) instead of the pass over its member rows */
	rc = stats_kept_orgs(ctx, root.path, hi, r, ctx->cfg ? config_int(ctx->cfg, CFG_STATS_KEPT_MIN_MEMBERS) : 20000,
			     &orgs);
	if (rc == STATS_KEPT_NO)
		rc = stats_fold(ctx, root.path, hi, r, &orgs, NULL);
	if (rc)
		return rc;
	*items = json_array();
	off = (size_t)(page - 1) * (size_t)per_page;
	for (i = 0; i < orgs.n; i++) {
		const struct stats_org *x = &orgs.v[i];
		json_t *j;
		if (!stats_org_matches(x, r, d, v))
			continue;
		if (n++ < (int64_t)off || n > (int64_t)(off + (size_t)per_page))
			continue;
		j = json_object();
		json_object_set_new(j, "id", json_integer(x->id));
		json_object_set_new(j, "name", json_string(x->name));
		json_object_set_new(j, "path", json_string(x->path));
		set_str(j, "kind", x->kind >= 0 ? stats_values(SD_ORG_KIND, &(size_t){ 0 })[x->kind].code : NULL);
		set_str(j, "kind_name", x->kind >= 0 ? stats_values(SD_ORG_KIND, &(size_t){ 0 })[x->kind].name : NULL);
		json_object_set_new(j, "members", json_integer(x->members));
		json_object_set_new(j, "full_members", json_integer(x->full));
		json_object_set_new(j, "committee_size", json_integer(x->committee_size));
		json_object_set_new(j, "secretary_member_id", x->secretary ? json_integer(x->secretary) : json_null());
		json_object_set_new(j, "term_end", x->term_end[0] ? json_string(x->term_end) : json_null());
		json_array_append_new(*items, j);
	}
	*total = n;
	stats_orgs_release(&orgs);
	return 0;
}
