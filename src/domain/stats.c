/*
 * 党内统计: the dimensions, the classification of a member row and of an org, and the
 * one-pass fold of a subtree into the tables (see stats.h for what is counted).
 * stats_drill.c lists the rows behind a figure with the same classification.
 */
#include "domain/stats.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/codes.h"
#include "domain/org.h"
#include "domain/stats_internal.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct named gender_vals[] = { { "male", "男" }, { "female", "女" }, { "unknown", "未知或未说明" } };
static const struct named nation_vals[] = { { "han", "汉族" }, { "minority", "少数民族" } };
static const struct named age_vals[] = {
	{ "le30", "30岁及以下" }, { "31_35", "31—35岁" }, { "36_40", "36—40岁" }, { "41_45", "41—45岁" },
	{ "46_50", "46—50岁" }, { "51_55", "51—55岁" }, { "56_60", "56—60岁" }, { "61_70", "61—70岁" },
	{ "ge71", "71岁及以上" },
};
static const struct named edu_vals[] = {
	{ "postgrad", "研究生" }, { "bachelor", "大学本科" }, { "college", "大学专科" }, { "secondary", "中专" },
	{ "high", "高中、中技" }, { "junior", "初中及以下" }, { "none", "未填写" },
};
static const struct named join_vals[] = {
	{ "before_1949", "建国前" }, { "1949_1966", "1949.10—1966.4" }, { "1966_1976", "1966.5—1976.10" },
	{ "1976_1978", "1976.11—1978.12" }, { "1979_2002", "1979.1—2002.10" }, { "2002_2012", "2002.11—2012.10" },
	{ "since_2012", "2012.11以后" },
};
static const struct named category_vals[] = { { "full", "正式党员" }, { "probationary", "预备党员" } };
static const struct named status_vals[] = {
	{ "normal", "党籍正常" }, { "suspended", "停止党籍" }, { "lost_contact", "失联党员" }, { "floating", "流动党员" },
};
static const struct named change_vals[] = {
	{ "joined", "新入党" }, { "transfer_in", "转入" }, { "transfer_out", "转出" }, { "died", "死亡" },
	{ "removed", "出党（除名、取消资格）" },
};
static const struct named kind_vals[] = {
	{ "dept", "组织部/上级党委" }, { "committee", "党委" }, { "general_branch", "党总支" }, { "branch", "党支部" },
	{ "joint_branch", "联合党支部" }, { "group", "党小组" },
};
static const struct named size_vals[] = {
	{ "lt3", "不足3人" }, { "3_6", "3—6人" }, { "7_49", "7—49人" }, { "50_99", "50—99人" }, { "ge100", "100人及以上" },
};
static const struct named problem_vals[] = {
	{ "few_full", "正式党员不足3名" }, { "needs_committee", "正式党员7名以上未设支委会" },
	{ "too_large", "党员50名以上（应考虑成立党总支）" }, { "no_secretary", "未配备书记" },
	{ "term_expired", "任期已届满未换届" },
};
static const struct named total_vals[] = { { "all", "党员总数" } };

static const struct {
	const char *key, *title;
	const struct named *vals;
	size_t n;
	int orgs;
} dims[SD__COUNT] = {
	[SD_TOTAL] = { "total", "党员总数", total_vals, NAMED_COUNT(total_vals), 0 },
	[SD_GENDER] = { "gender", "性别", gender_vals, NAMED_COUNT(gender_vals), 0 },
	[SD_NATION] = { "nation", "民族（汉族/少数民族）", nation_vals, NAMED_COUNT(nation_vals), 0 },
	[SD_ETHNICITY] = { "ethnicity", "民族", NULL, 0, 0 },
	[SD_AGE] = { "age", "年龄", age_vals, NAMED_COUNT(age_vals), 0 },
	[SD_EDUCATION] = { "education", "学历", edu_vals, NAMED_COUNT(edu_vals), 0 },
	[SD_JOIN] = { "join_period", "入党时间", join_vals, NAMED_COUNT(join_vals), 0 },
	[SD_CATEGORY] = { "category", "人员类别", category_vals, NAMED_COUNT(category_vals), 0 },
	[SD_STATUS] = { "status", "党籍状态", status_vals, NAMED_COUNT(status_vals), 0 },
	[SD_CHANGE] = { "change", "年内变动", change_vals, NAMED_COUNT(change_vals), 0 },
	[SD_ORG_KIND] = { "org_kind", "党组织类别", kind_vals, NAMED_COUNT(kind_vals), 1 },
	[SD_ORG_SIZE] = { "branch_size", "党支部规模", size_vals, NAMED_COUNT(size_vals), 1 },
	[SD_PROBLEM] = { "branch_problem", "支部建设问题", problem_vals, NAMED_COUNT(problem_vals), 1 },
};

const char *stats_dim_key(enum stats_dim d)
{
	return d < SD__COUNT ? dims[d].key : "";
}

const char *stats_dim_title(enum stats_dim d)
{
	return d < SD__COUNT ? dims[d].title : "";
}

int stats_dim_parse(const char *key)
{
	int d;
	for (d = 0; key && d < SD__COUNT; d++)
		if (!strcmp(dims[d].key, key))
			return d;
	return -1;
}

const struct named *stats_values(enum stats_dim d, size_t *n)
{
	*n = d < SD__COUNT ? dims[d].n : 0;
	return d < SD__COUNT ? dims[d].vals : NULL;
}

int stats_dim_is_org(enum stats_dim d)
{
	return d < SD__COUNT && dims[d].orgs;
}

/* the slot of an ethnicity code: its position in the form's table, or the last slot */
int stats_ethnicity_slot(const char *code)
{
	size_t n, i;
	const struct code_entry *t = code_entries(CODE_ETHNICITY, &n);
	/* codes are "01".."56" in order; check the guess, then fall back to a scan */
	if (code && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' && !code[2]) {
		i = (size_t)((code[0] - '0') * 10 + (code[1] - '0'));
		if (i >= 1 && i <= n && !strcmp(t[i - 1].code, code))
			return (int)(i - 1);
	}
	for (i = 0; code && i < n && i < STATS_ETHNICITY_MAX - 1; i++)
		if (!strcmp(t[i].code, code))
			return (int)i;
	return STATS_ETHNICITY_MAX - 1;
}

int stats_value_parse(enum stats_dim d, const char *value)
{
	size_t n, i;
	const struct code_entry *t;
	if (!value)
		return -1;
	if (d == SD_ETHNICITY) {
		if (!strcmp(value, "other"))
			return STATS_ETHNICITY_MAX - 1;
		t = code_entries(CODE_ETHNICITY, &n);
		for (i = 0; i < n && i < STATS_ETHNICITY_MAX - 1; i++)
			if (!strcmp(t[i].code, value))
				return (int)i;
		return -1;
	}
	if (d >= SD__COUNT)
		return -1;
	return named_index(dims[d].vals, dims[d].n, value);
}

int stats_ref_init(struct ctx *ctx, int year, struct stats_ref *r)
{
	memset(r, 0, sizeof(*r));
	if (year < 1921 || year > ctx->today.y)
		return err_set(&ctx->err, E_INVALID, "year", "stats.year", "统计年度应在 1921 至 %d 年之间", ctx->today.y);
	r->year = year;
	r->is_today = year == ctx->today.y;
	r->ref = r->is_today ? ctx->today.y * 10000 + ctx->today.m * 100 + ctx->today.d : year * 10000 + 1231;
	xsnprintf(r->ref_iso, sizeof(r->ref_iso), "%04d-%02d-%02d", r->ref / 10000, r->ref / 100 % 100, r->ref % 100);
	date_format(ctx->today, r->today_iso);
	return 0;
}

/* "YYYY-MM-DD…" → YYYYMMDD; 0 when not a date */
int stats_date_int(const char *s)
{
	int v = 0, i;
	static const int pos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 8; i++) {
		char c = s[pos[i]];
		if (c < '0' || c > '9')
			return 0;
		v = v * 10 + (c - '0');
	}
	return v;
}

int stats_age_band(int birth, int ref)
{
	int age;
	if (!birth)
		return 0;
	age = ref / 10000 - birth / 10000 - (ref % 10000 < birth % 10000);
	if (age <= 30)
		return 0;
	if (age <= 60)
		return (age - 31) / 5 + 1;     /* 31–35 → 1 … 56–60 → 6 */
	return age <= 70 ? 7 : 8;
}

static int edu_group(const char *e)
{
	if (!e || !e[0])
		return 6;
	switch (e[0]) {
	case '1':
		return 0;
	case '2':
		return (!strcmp(e, "22") || !strcmp(e, "2C") || !strcmp(e, "2D")) ? 2 : 1;
	case '4':
		return !strcmp(e, "41") ? 3 : 4;
	case '6':
		return 4;
	case '7':
	case '8':
	case '9':
		return 5;
	default:
		return 6;
	}
}

static int join_period(int j)
{
	if (j < 19491001)
		return 0;
	if (j < 19660501)
		return 1;
	if (j < 19761101)
		return 2;
	if (j < 19790101)
		return 3;
	if (j < 20021101)
		return 4;
	if (j < 20121101)
		return 5;
	return 6;
}

int stats_row_on_roll(const struct stats_row *m, const struct stats_ref *r)
{
	return m->on_roll && m->join && m->join <= r->ref;
}

void stats_classify(const struct stats_row *m, const struct stats_ref *r, int idx[SD__COUNT])
{
	idx[SD_TOTAL] = 0;
	idx[SD_GENDER] = m->gender == '1' ? 0 : m->gender == '2' ? 1 : 2;
	idx[SD_ETHNICITY] = m->eth_slot;
	idx[SD_NATION] = m->eth_slot == 0 ? 0 : 1;
	idx[SD_AGE] = stats_age_band(m->birth, r->ref);
	idx[SD_EDUCATION] = edu_group(m->education);
	idx[SD_JOIN] = join_period(m->join);
	idx[SD_CATEGORY] = m->full ? 0 : 1;
	idx[SD_STATUS] = m->suspended ? 1 : 0;
}

int stats_row_matches(const struct stats_row *m, const struct stats_ref *r, enum stats_dim d, int v)
{
	if (d == SD_CHANGE)
		return v == SC_JOINED && m->join >= r->year * 10000 + 101 && m->join <= r->ref;
	return stats_row_on_roll(m, r) && stats_row_kept_matches(m, r, d, v);
}

int stats_row_kept_matches(const struct stats_row *m, const struct stats_ref *r, enum stats_dim d, int v)
{
	int idx[SD__COUNT];
	if (!m->on_roll || d == SD_CHANGE)
		return 0;
	if (d == SD_STATUS && v == 2)
		return m->lost;
	if (d == SD_STATUS && v == 3)
		return m->floating;
	stats_classify(m, r, idx);
	return idx[d] == v;
}

/* ---- the member pass ---- */

static int row_pass(struct ctx *ctx, struct stmt *st, stats_row_fn fn, void *arg);

int stats_member_pass(struct ctx *ctx, const char *lo, const char *hi, stats_row_fn fn, void *arg)
{
	struct stmt *st;
	/* every column from the index members_stats (030_stats.sql), in its order */
	st = db_prepare(ctx->db, STATS_PASS_COLUMNS "WHERE org_path >= ? AND org_path < ?", &ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	return row_pass(ctx, st, fn, arg);
}

int stats_joined_after_pass(struct ctx *ctx, const char *lo, const char *hi, const char *after, stats_row_fn fn,
			    void *arg)
{
	struct stmt *st;
	/* by members_join_path (036): the path is compared as an expression, so the range of
	 * join dates after `after` drives the scan, not the subtree's path range */
	st = db_prepare(ctx->db, STATS_PASS_COLUMNS "WHERE join_date > ? AND org_path || '' >= ? AND org_path || '' < ?",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, after);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	return row_pass(ctx, st, fn, arg);
}

static int row_pass(struct ctx *ctx, struct stmt *st, stats_row_fn fn, void *arg)
{
	struct stats_row m;
	int step, rc = 0;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		stats_row_read(st, &m);
		if ((rc = fn(arg, &m)))
			break;
	}
	stmt_reset(st);
	if (rc)
		return rc;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

void stats_row_read(struct stmt *st, struct stats_row *m)
{
	const char *s = stmt_text(st, 0), *g, *e;
	memset(m, 0, sizeof(*m));
	m->on_roll = s && (!strcmp(s, "active") || !strcmp(s, "transferring"));
	m->join = stats_date_int(stmt_text(st, 1));
	m->org_id = stmt_int(st, 2);
	g = stmt_text(st, 3);
	m->gender = g && g[0] && !g[1] ? g[0] : 0;
	m->eth_slot = stats_ethnicity_slot(stmt_text(st, 4));
	m->birth = stats_date_int(stmt_text(st, 5));
	e = stmt_text(st, 6);
	strlcpy_z(m->education, e ? e : "", sizeof(m->education));
	s = stmt_text(st, 7);
	m->full = s && !strcmp(s, "full");
	s = stmt_text(st, 8);
	m->suspended = s && !strcmp(s, "suspended");
	m->lost = stmt_int(st, 9) != 0;
	m->floating = stmt_int(st, 10) != 0;
	m->id = stmt_int(st, 11);
	m->org_path = stmt_text(st, 12);
}

/* ---- the orgs of the subtree ---- */

static size_t slot_of(const struct stats_orgs *o, int64_t id)
{
	return (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & (o->cap - 1);
}

struct stats_org *stats_org_find(const struct stats_orgs *o, int64_t id)
{
	size_t s;
	if (!o->cap)
		return NULL;
	for (s = slot_of(o, id); o->slots[s] >= 0; s = (s + 1) & (o->cap - 1))
		if (o->v[o->slots[s]].id == id)
			return &o->v[o->slots[s]];
	return NULL;
}

void stats_orgs_release(struct stats_orgs *o)
{
	size_t i;
	for (i = 0; i < o->n; i++) {
		free(o->v[i].name);
		free(o->v[i].path);
	}
	free(o->v);
	free(o->slots);
	memset(o, 0, sizeof(*o));
}

int stats_orgs_load(struct ctx *ctx, const char *lo, const char *hi, struct stats_orgs *o)
{
	struct stmt *st;
	int step;
	size_t i, s;
	memset(o, 0, sizeof(*o));
	st = db_prepare(ctx->db,
			"SELECT id, kind, name, path, secretary_member_id, committee_size, term_end FROM orgs "
			"WHERE path >= ? AND path < ? AND dissolved_on IS NULL ORDER BY path",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct stats_org *x;
		const char *t;
		if (o->n == o->alloc) {
			o->alloc = o->alloc ? o->alloc * 2 : 256;
			o->v = xreallocarray(o->v, o->alloc, sizeof(*o->v));
		}
		x = &o->v[o->n++];
		memset(x, 0, sizeof(*x));
		x->id = stmt_int(st, 0);
		x->kind = stats_kind_index(stmt_text(st, 1));
		x->name = xstrdup(stmt_text(st, 2) ? stmt_text(st, 2) : "");
		x->path = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
		x->secretary = stmt_is_null(st, 4) ? 0 : stmt_int(st, 4);
		x->committee_size = (int)stmt_int(st, 5);
		t = stmt_text(st, 6);
		strlcpy_z(x->term_end, t ? t : "", sizeof(x->term_end));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		stats_orgs_release(o);
		return ctx_db_fail(ctx);
	}
	for (o->cap = 16; o->cap < o->n * 2; o->cap *= 2)
		;
	o->slots = xmalloc(o->cap * sizeof(*o->slots));
	for (i = 0; i < o->cap; i++)
		o->slots[i] = -1;
	for (i = 0; i < o->n; i++) {
		for (s = slot_of(o, o->v[i].id); o->slots[s] >= 0; s = (s + 1) & (o->cap - 1))
			;
		o->slots[s] = (int64_t)i;
	}
	return 0;
}

int stats_kind_index(const char *kind)
{
	return named_index(kind_vals, NAMED_COUNT(kind_vals), kind);
}

void stats_count_org(struct stats_counts *c, const struct stats_org *x, const struct stats_ref *r)
{
	int p;
	if (x->kind >= 0)
		c->org_kind[x->kind]++;
	if (stats_org_is_branch(x))
		c->org_size[stats_org_size_band(x)]++;
	for (p = 0; p < STATS_PROBLEM_N; p++)
		c->problem[p] += stats_org_problem(x, r, p);
}

int stats_org_is_branch(const struct stats_org *x)
{
	return x->kind == 3 || x->kind == 4;
}

int stats_org_size_band(const struct stats_org *x)
{
	return x->members < 3 ? 0 : x->members < 7 ? 1 : x->members < 50 ? 2 : x->members < 100 ? 3 : 4;
}

int stats_org_problem(const struct stats_org *x, const struct stats_ref *r, int p)
{
	int branch = stats_org_is_branch(x);
	switch (p) {
	case 0:
		return branch && x->full < 3;
	case 1:
		return branch && x->full >= 7 && x->committee_size == 0;
	case 2:
		return branch && x->members >= 50;
	case 3:
		return branch && !x->secretary;
	case 4:
		return x->kind != 5 && x->term_end[0] && strcmp(x->term_end, r->today_iso) < 0;
	default:
		return 0;
	}
}

int stats_org_matches(const struct stats_org *x, const struct stats_ref *r, enum stats_dim d, int v)
{
	if (d == SD_ORG_KIND)
		return x->kind == v;
	if (d == SD_ORG_SIZE)
		return stats_org_is_branch(x) && stats_org_size_band(x) == v;
	if (d == SD_PROBLEM)
		return stats_org_problem(x, r, v);
	return 0;
}

/* per-org counts of the roster, folded by the member pass */
struct org_fold {
	struct stats_orgs *orgs;
	const struct stats_ref *r;
	struct stats_counts *c;
	struct stats_org *last;
};

static int fold_row(void *arg, const struct stats_row *m)
{
	struct org_fold *f = arg;
	struct stats_counts *c = f->c;
	int idx[SD__COUNT];
	if (m->join >= f->r->year * 10000 + 101 && m->join <= f->r->ref && c)
		c->change[SC_JOINED]++;
	if (!stats_row_on_roll(m, f->r))
		return 0;
	/* rows come in path order: most rows belong to the org of the row before */
	if (!f->last || f->last->id != m->org_id)
		f->last = stats_org_find(f->orgs, m->org_id);
	if (f->last) {
		f->last->members++;
		f->last->full += m->full;
	}
	if (!c)
		return 0;
	stats_classify(m, f->r, idx);
	c->total++;
	c->gender[idx[SD_GENDER]]++;
	c->nation[idx[SD_NATION]]++;
	c->ethnicity[idx[SD_ETHNICITY]]++;
	c->age[idx[SD_AGE]]++;
	c->education[idx[SD_EDUCATION]]++;
	c->join[idx[SD_JOIN]]++;
	c->category[idx[SD_CATEGORY]]++;
	c->status[idx[SD_STATUS]]++;
	c->status[2] += m->lost;
	c->status[3] += m->floating;
	return 0;
}

int stats_fold(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, struct stats_orgs *orgs,
	       struct stats_counts *c)
{
	struct org_fold f = { orgs, r, c, NULL };
	int rc;
	if ((rc = stats_orgs_load(ctx, lo, hi, orgs)))
		return rc;
	if ((rc = stats_member_pass(ctx, lo, hi, fold_row, &f)))
		stats_orgs_release(orgs);
	return rc;
}

int stats_scope(struct ctx *ctx, int64_t org_id, struct org *root, char *hi, size_t size)
{
	int rc;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "stats.role", "只有党组织书记和管理员可以查看党内统计");
	if ((rc = org_scope_root(ctx, org_id, root)))
		return rc;
	path_range_end(root->path, hi, size);
	return 0;
}

/* 1 when path lies in the subtree [lo, hi) */
static int in_range(const char *path, const char *lo, const char *hi)
{
	return path && strcmp(path, lo) >= 0 && strcmp(path, hi) < 0;
}

int stats_changes(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, stats_change_fn fn,
		  void *arg)
{
	static const char *const states[2] = { "deceased", "removed" };
	struct stmt *st;
	char from[11], upto[21], next[11];
	int step, rc = 0, k;
	xsnprintf(from, sizeof(from), "%04d-01-01", r->year);
	xsnprintf(next, sizeof(next), "%04d-01-01", r->year + 1);
	/* transfers: confirmed letters by their decision date, letters out of the system by issue date */
	st = db_prepare(ctx->db,
			"SELECT t.member_id, t.status, t.decided_on, t.issued_on, t.serial, f.path, tp.path, f.name, "
			"COALESCE(tp.name, t.to_org_name) FROM transfers t JOIN orgs f ON f.id = t.from_org_id "
			"LEFT JOIN orgs tp ON tp.id = t.to_org_id "
			"WHERE (t.status = 'confirmed' AND t.decided_on >= ? AND t.decided_on <= ?) "
			"OR (t.status = 'sent' AND t.issued_on >= ? AND t.issued_on <= ?) ORDER BY t.id",
			&ctx->err);
	if (!st)
		return ctx_db_fail(ctx);
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, r->ref_iso);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, r->ref_iso);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *status = stmt_text(st, 1);
		int sent = status && !strcmp(status, "sent");
		int fin = in_range(stmt_text(st, 5), lo, hi), tin = !sent && in_range(stmt_text(st, 6), lo, hi);
		const char *date = stmt_text(st, sent ? 3 : 2);
		if (fin && !tin)
			rc = fn(arg, SC_TRANSFER_OUT, stmt_int(st, 0), date, stmt_text(st, 4), stmt_text(st, 8));
		else if (tin && !fin)
			rc = fn(arg, SC_TRANSFER_IN, stmt_int(st, 0), date, stmt_text(st, 4), stmt_text(st, 7));
		if (rc)
			break;
	}
	stmt_reset(st);
	if (rc || step != STEP_DONE)
		return rc ? rc : ctx_db_fail(ctx);
	/* deaths and removals: the state change's history row, by its date */
	for (k = 0; k < 2 && !rc; k++) {
		st = db_prepare(ctx->db,
				"SELECT h.member_id, h.at FROM member_history h JOIN members m ON m.id = h.member_id "
				"WHERE h.field = 'state' AND h.new_value = ? AND h.at >= ? AND h.at < ? "
				"AND m.org_path >= ? AND m.org_path < ? AND m.state = ? ORDER BY h.at, h.id",
				&ctx->err);
		if (!st)
			return ctx_db_fail(ctx);
		stmt_bind_text(st, 1, states[k]);
		stmt_bind_text(st, 2, from);
		stmt_bind_text(st, 3, next);
		stmt_bind_text(st, 4, lo);
		stmt_bind_text(st, 5, hi);
		stmt_bind_text(st, 6, states[k]);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			const char *at = stmt_text(st, 1);
			strlcpy_z(upto, at ? at : "", 11);
			if ((rc = fn(arg, k ? SC_REMOVED : SC_DIED, stmt_int(st, 0), upto, NULL, NULL)))
				break;
		}
		stmt_reset(st);
		if (!rc && step != STEP_DONE)
			rc = ctx_db_fail(ctx);
	}
	return rc;
}

static int count_change(void *arg, int kind, int64_t member_id, const char *date, const char *serial,
			const char *other)
{
	struct stats_counts *c = arg;
	(void)member_id;
	(void)date;
	(void)serial;
	(void)other;
	c->change[kind]++;
	return 0;
}

int stats_count_change(void *arg, int kind, int64_t member_id, const char *date, const char *serial,
		       const char *other)
{
	return count_change(arg, kind, member_id, date, serial, other);
}

/* the counts of the subtree [root->path, hi) by the pass over its member rows: the
 * reference the kept counts (stats_kept.c) are proven against */
int stats_compute_fold(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		       struct stats_counts *c)
{
	struct stats_orgs orgs;
	size_t i;
	int rc;
	memset(c, 0, sizeof(*c));
	if ((rc = stats_fold(ctx, root->path, hi, r, &orgs, c)))
		return rc;
	for (i = 0; i < orgs.n; i++)
		stats_count_org(c, &orgs.v[i], r);
	stats_orgs_release(&orgs);
	return stats_changes(ctx, root->path, hi, r, count_change, c);
}

/* the kept counts for a large subtree this year, the pass otherwise */
static int compute_in(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		      struct stats_counts *c)
{
	long long min = ctx->cfg ? config_int(ctx->cfg, CFG_STATS_KEPT_MIN_MEMBERS) : 20000;
	int rc = stats_kept_compute(ctx, root, hi, r, min, c);
	return rc == STATS_KEPT_NO ? stats_compute_fold(ctx, root, hi, r, c) : rc;
}

int stats_compute(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, struct stats_counts *c)
{
	struct org root;
	char hi[PATH_MAX_LEN];
	int rc;
	memset(c, 0, sizeof(*c));
	if ((rc = stats_scope(ctx, org_id, &root, hi, sizeof(hi))))
		return rc;
	return compute_in(ctx, &root, hi, r, c);
}

static json_t *table_json(enum stats_dim d, const int64_t *counts, int exclusive, int64_t base)
{
	json_t *t = json_object(), *rows = json_array();
	size_t n, i;
	const struct named *v = stats_values(d, &n);
	int64_t sum = 0;
	json_object_set_new(t, "key", json_string(dims[d].key));
	json_object_set_new(t, "title", json_string(dims[d].title));
	json_object_set_new(t, "kind", json_string(dims[d].orgs ? "orgs" : "members"));
	json_object_set_new(t, "exclusive", json_boolean(exclusive));
	if (d == SD_ETHNICITY) {
		const struct code_entry *e = code_entries(CODE_ETHNICITY, &n);
		for (i = 0; i < STATS_ETHNICITY_MAX; i++) {
			int other = i == STATS_ETHNICITY_MAX - 1;
			if (!counts[i] || (!other && i >= n))
				continue;
			json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "value", other ? "other" : e[i].code, "label",
							      other ? "其他或未填写" : e[i].name, "count", (json_int_t)counts[i]));
			sum += counts[i];
		}
	} else {
		for (i = 0; i < n; i++) {
			json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "value", v[i].code, "label", v[i].name, "count",
							      (json_int_t)counts[i]));
			sum += counts[i];
		}
	}
	/* exclusive tables add up to their total; the others name their base (none for changes) */
	json_object_set_new(t, "total", exclusive ? json_integer(sum) : base >= 0 ? json_integer(base) : json_null());
	json_object_set_new(t, "rows", rows);
	return t;
}

json_t *stats_counts_json(const struct stats_counts *c, const struct stats_ref *r)
{
	json_t *j = json_object(), *tables = json_array();
	int64_t branches = c->org_size[0] + c->org_size[1] + c->org_size[2] + c->org_size[3] + c->org_size[4];
	json_object_set_new(j, "year", json_integer(r->year));
	json_object_set_new(j, "as_of", json_string(r->ref_iso));
	json_object_set_new(j, "as_of_kind", json_string(r->is_today ? "today" : "year_end"));
	json_object_set_new(j, "total", json_integer(c->total));
	json_array_append_new(tables, table_json(SD_GENDER, c->gender, 1, c->total));
	json_array_append_new(tables, table_json(SD_NATION, c->nation, 1, c->total));
	json_array_append_new(tables, table_json(SD_ETHNICITY, c->ethnicity, 1, c->total));
	json_array_append_new(tables, table_json(SD_AGE, c->age, 1, c->total));
	json_array_append_new(tables, table_json(SD_EDUCATION, c->education, 1, c->total));
	json_array_append_new(tables, table_json(SD_JOIN, c->join, 1, c->total));
	json_array_append_new(tables, table_json(SD_CATEGORY, c->category, 1, c->total));
	json_array_append_new(tables, table_json(SD_STATUS, c->status, 0, c->total));
	json_array_append_new(tables, table_json(SD_CHANGE, c->change, 0, -1));
	json_array_append_new(tables, table_json(SD_ORG_KIND, c->org_kind, 1, 0));
	json_array_append_new(tables, table_json(SD_ORG_SIZE, c->org_size, 1, branches));
	json_array_append_new(tables, table_json(SD_PROBLEM, c->problem, 0, branches));
	json_object_set_new(j, "tables", tables);
	return j;
}

int stats_tables(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, json_t **out)
{
	struct stats_counts c;
	struct org root;
	char hi[PATH_MAX_LEN];
	int rc;
	*out = NULL;
	if ((rc = stats_scope(ctx, org_id, &root, hi, sizeof(hi))) || (rc = compute_in(ctx, &root, hi, r, &c)))
		return rc;
	*out = stats_counts_json(&c, r);
	json_object_set_new(*out, "org", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)root.id, "name",
						   root.id ? root.name : "全部党组织",
						   "kind", root.kind));
	return 0;
}
