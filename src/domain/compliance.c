/*
 * Reports over meeting records (RULES.md §2, §4): the compliance check per branch and
 * period, study hours, and the members at risk.
 *
 * DESIGN.md "Scale": the compliance check reads the subtree's orgs once (a path range)
 * and their meeting counts of the year once (meeting_counts, kept by triggers on every
 * meeting write, 012_meeting_counts); the rules are applied here in C. 谈心谈话 of a
 * subtree of more than 50 branches comes from the roster and talked counts kept per
 * org (038_org_talks), never from its members; under a top-level org (a province) the
 * kept rows are read by year in one index range each. No query per branch, no pass
 * over the meetings or the members; a province's reply lists its branches not green,
 * one page at a time (compliance.list_max). A subtree with more branches than
 * that reads what 040_compliance_kept keeps per branch instead of every org and every
 * meeting_counts row (ctree_load_lean): no row per 党小组, names only for what is printed.
 */
#include "domain/meeting.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/course.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "domain/subtree_page.h"
#include "util/banned.h"

#define AT_RISK_MONTHS 6         /* RULES.md §4: 6 consecutive months; lost contact ≥ 6 months */
#define TALK_NAMES_MAX 50        /* members not yet talked with named per branch; the count is whole */
/* the names are listed only for a branch or a subtree of at most this many branches (docs/API.md) */
#define TALK_NAMES_BRANCHES 50
/* a period's missing meetings are reminded of this many days before its end (issue 4) */
#define REMIND_MONTH_DAYS 7
#define REMIND_QUARTER_DAYS 15   /* quarter and half year */
#define REMIND_YEAR_DAYS 30

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有支部书记或管理员可以查看组织生活情况");
	return 0;
}

/* '/12/7/' → 12: local rules are kept per top-level org */
static int64_t top_org_of(const char *path)
{
	int64_t id = 0;
	if (*path == '/')
		path++;
	while (*path >= '0' && *path <= '9')
		id = id * 10 + (*path++ - '0');
	return id;
}

int life_rules_load(struct ctx *ctx, const char *org_path, struct life_rules *r)
{
	struct stmt *st;
	int step, rc = 0;
	r->lecture_months = 3;
	/* unit tests run without a config: the table's default is the documented value */
	r->target_hours = (int)(ctx->cfg ? config_int(ctx->cfg, CFG_STUDY_TARGET_HOURS)
					 : strtoll(config_defs[CFG_STUDY_TARGET_HOURS].def, NULL, 10));
	st = db_prepare(ctx->db, "SELECT key, value FROM settings WHERE org_id = ? AND key IN ('life.lecture_months', "
				 "'study.target_hours')",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, top_org_of(org_path));
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *key = stmt_text(st, 0), *value = stmt_text(st, 1);
		char *end;
		long v = value ? strtol(value, &end, 10) : 0;
		int lecture = key && !strcmp(key, "life.lecture_months");
		int ok = value && *value && !*end &&
			 (lecture ? (v == 1 || v == 3 || v == 6 || v == 12) : (v >= 1 && v <= 500));
		/* a bad local setting must not silently fall back to another rule set */
		if (!ok) {
			rc = err_set(&ctx->err, E_INTERNAL, NULL, "life.settings", "本地规则设置 %s=%s 无效", key ? key : "",
				     value ? value : "");
			continue;
		}
		if (lecture)
			r->lecture_months = (int)v;
		else
			r->target_hours = (int)v;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	return rc;
}

/* ---- compliance ------------------------------------------------------------------ */

enum { ST_GREEN, ST_AMBER, ST_RED };
static const char *const status_names[] = { "green", "amber", "red" };

/*
 * One org of the subtree. A province reads 370,000 of them per report, so the row is
 * kept small (the pages first touched cost more than the reads): the name is read only
 * for the orgs printed.
 */
struct corg {
	int64_t id, parent_id;
	char *name;              /* owned; NULL until read */
	char kind[16];
	int committee_size;
	char founded_on[11];
	int parent;              /* index in the array, -1 above the subtree */
	int branch;              /* index into the branch stats, -1 if not a branch */
	int nbranch, count[3];   /* roll-up of the branches below */
};

struct cbranch {
	int org;
	int ngroups;
	int lecture_months;
	uint16_t months[MK__COUNT];     /* bit m - 1: a meeting of the kind held in month m */
	uint16_t group_held[12];        /* 党小组 that met in the month */
	int counts;                     /* index in ctree.counts (the meetings per month), -1: not read */
	int roster, talked;             /* 谈心谈话 of the year: members on the roster, talked with */
	int talk_first, talk_names;     /* members not talked with: their first index in talk_miss, how many kept */
	int status;
};

/* a member not yet talked with this year (RULES.md §2 谈心谈话) */
struct talk_miss {
	int64_t id;
	char name[96];
};

struct id_idx {
	int64_t id;
	int idx;
};

/* a printed branch's meetings per kind and month (the status needs only the months' bits) */
struct held_counts {
	uint16_t n[MK__COUNT][12];
};

/* A subtree's orgs with its branches' meeting counts of a year (and, when asked, 谈心谈话). */
struct ctree {
	struct org root;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	struct corg *orgs;
	struct cbranch *br;
	struct id_idx *ix;
	struct talk_miss *miss;
	struct held_counts *counts;
	size_t norgs, nbr, nmiss, miss_alloc, ncounts, counts_alloc;
	int talks;               /* the talk figures were read */
	int talk_names;          /* with the names of those not talked with (a small subtree) */
	int reference;           /* 谈心谈话 member by member even for a large subtree (the tests' reference) */
	int lean;                /* read from 040 (ctree_load_lean): names and exact counts still to fetch */
	int *dense;              /* id - dense_lo → index in orgs (-1: none), when the ids are dense enough */
	int *dense_br;           /* id - dense_lo → index in br (-1: not a branch of the subtree) */
	int64_t dense_lo;
	size_t dense_n;
};

/*
 * The subtree of a top-level org (a province): its figures are read by year, not by org
 * (not in the reference computation, which keeps the reads by org as before 038).
 */
static int ctree_whole(const struct ctree *t)
{
	return t->root.parent_id == 0 && !t->reference;
}

static int id_idx_cmp(const void *a, const void *b)
{
	const struct id_idx *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int find_org(const struct ctree *t, int64_t id)
{
	struct id_idx key, *hit;
	if (t->dense)
		return id >= t->dense_lo && (uint64_t)(id - t->dense_lo) < t->dense_n ? t->dense[id - t->dense_lo] : -1;
	key.id = id;
	hit = t->norgs ? bsearch(&key, t->ix, t->norgs, sizeof(*t->ix), id_idx_cmp) : NULL;
	return hit ? hit->idx : -1;
}

/* the index in t->br of the branch with that id, -1 if none (the kept rows are read by id) */
static int find_branch(const struct ctree *t, int64_t id)
{
	int oi;
	if (t->dense_br)
		return id >= t->dense_lo && (uint64_t)(id - t->dense_lo) < t->dense_n ? t->dense_br[id - t->dense_lo] : -1;
	oi = find_org(t, id);
	return oi < 0 ? -1 : t->orgs[oi].branch;
}

/* an org's index by id: a table by id where the ids are dense (a province's are), else a sorted index */
static void ctree_index(struct ctree *t)
{
	int64_t lo = 0, hi = 0;
	size_t i;
	for (i = 0; i < t->norgs; i++) {
		if (!i || t->orgs[i].id < lo)
			lo = t->orgs[i].id;
		if (!i || t->orgs[i].id > hi)
			hi = t->orgs[i].id;
	}
	if (t->norgs > 64 && (uint64_t)(hi - lo) < 4 * (uint64_t)t->norgs + 1024) {
		t->dense_lo = lo;
		t->dense_n = (size_t)(hi - lo) + 1;
		t->dense = xcalloc(t->dense_n, sizeof(*t->dense));
		memset(t->dense, 0xff, t->dense_n * sizeof(*t->dense));
		for (i = 0; i < t->norgs; i++)
			t->dense[t->orgs[i].id - lo] = (int)i;
		return;
	}
	t->ix = xcalloc(t->norgs ? t->norgs : 1, sizeof(*t->ix));
	for (i = 0; i < t->norgs; i++) {
		t->ix[i].id = t->orgs[i].id;
		t->ix[i].idx = (int)i;
	}
	qsort(t->ix, t->norgs, sizeof(*t->ix), id_idx_cmp);
}

/* The rules of RULES.md §2 checked per branch; lecture frequency is local (life_rules). */
struct rule {
	int kind;
	int months;              /* 1 month, 3 quarter, 6, 12 year */
};

#define MAX_RULES 8

static int branch_rules(const struct corg *o, const struct cbranch *b, struct rule *out)
{
	int n = 0;
	out[n++] = (struct rule){ MK_PARTY_CONGRESS, 3 };
	if (o->committee_size > 0)
		out[n++] = (struct rule){ MK_COMMITTEE, 1 };
	if (b->ngroups > 0)
		out[n++] = (struct rule){ MK_GROUP, 1 };
	out[n++] = (struct rule){ MK_LECTURE, b->lecture_months };
	out[n++] = (struct rule){ MK_THEME_DAY, 1 };
	out[n++] = (struct rule){ MK_LIFE_MEETING, 12 };
	out[n++] = (struct rule){ MK_APPRAISAL, 12 };
	out[n++] = (struct rule){ MK_TALK, 12 };
	return n;
}

/*
 * What rule kind asks of branch b in the period of L months ending with month e, and
 * how much of it was held: one meeting; for 党小组会 each group once; for 谈心谈话 each
 * member on the roster present at one in the year.
 */
static void rule_need(const struct cbranch *b, int k, int L, int e, int *need, int *got)
{
	if (k == MK_GROUP) {
		*need = b->ngroups;
		*got = b->group_held[e - 1] < *need ? b->group_held[e - 1] : *need;
	} else if (k == MK_TALK) {
		*need = b->roster;
		*got = b->talked;
	} else {
		*need = 1;
		*got = (b->months[k] & (((1u << L) - 1) << (e - L))) != 0;
	}
}

/* the members of b not yet talked with, as far as kept (TALK_NAMES_MAX) */
static void write_talk_names(struct jw *w, const struct ctree *t, const struct cbranch *b)
{
	int i;
	if (!t->talk_names)
		return;
	jw_key(w, "members");
	jw_array(w);
	for (i = 0; i < b->talk_names; i++) {
		const struct talk_miss *m = &t->miss[b->talk_first + i];
		jw_elem(w);
		jw_open(w);
		jw_int(w, "member_id", m->id);
		jw_str(w, "name", m->name);
		jw_close(w);
	}
	jw_array_end(w);
}

static void period_label(char *out, size_t size, int year, int months, int end_month)
{
	int k = end_month / months;
	if (months == 1)
		xsnprintf(out, size, "%04d-%02d", year, end_month);
	else if (months == 3)
		xsnprintf(out, size, "%04d-Q%d", year, k);
	else if (months == 6)
		xsnprintf(out, size, "%04d-H%d", year, k);
	else
		xsnprintf(out, size, "%04d", year);
}

/*
 * One branch against its rules over the months [m1, m2] of year. A rule period is
 * checked where it ends inside the view (a month view checks that month's monthly
 * rules and the quarter or year that ends with it), so a month turns green once its
 * own meetings are held. A missing meeting is red once its period is over, amber while
 * the period is still open. Writes the items when w is set; returns the status.
 */
static int evaluate(const struct ctx *ctx, const struct ctree *t, const struct cbranch *b, int year, int m1, int m2,
		    struct jw *w)
{
	const struct corg *o = &t->orgs[b->org];
	struct rule rules[MAX_RULES];
	int nr = branch_rules(o, b, rules), r, status = ST_GREEN;
	struct date founded;
	int has_founded = !date_parse(o->founded_on, &founded);

	if (w) {
		jw_key(w, "items");
		jw_array(w);
	}
	for (r = 0; r < nr; r++) {
		int L = rules[r].months, k = rules[r].kind, e, mm, required = 0, held = 0, meetings = 0;
		struct jw mw;
		struct strbuf missing = STRBUF_INIT;
		/* the status alone (every branch of a province): no JSON */
		if (w) {
			jw_init(&mw, &missing);
			jw_array(&mw);
			for (mm = m1; mm <= m2; mm++)
				meetings += b->counts >= 0 ? t->counts[b->counts].n[k][mm - 1] : (b->months[k] >> (mm - 1)) & 1;
		}
		for (e = L; e <= 12; e += L) {
			struct date due;
			int need, got, st;
			char label[16], due_s[11];
			if (e < m1 || e > m2)
				continue;
			due = (struct date){ year, e, date_days_in_month(year, e) };
			if (has_founded && date_cmp(due, founded) < 0)
				continue;
			rule_need(b, k, L, e, &need, &got);
			required += need;
			held += got;
			if (got >= need)
				continue;
			st = date_cmp(due, ctx->today) < 0 ? ST_RED : ST_AMBER;
			if (st > status)
				status = st;
			if (!w) {
				if (status == ST_RED)
					return status; /* nothing is worse */
				continue;
			}
			period_label(label, sizeof(label), year, L, e);
			date_format(due, due_s);
			jw_elem(&mw);
			jw_open(&mw);
			jw_str(&mw, "period", label);
			jw_str(&mw, "due", due_s);
			jw_int(&mw, "missing", need - got);
			jw_str(&mw, "status", status_names[st]);
			if (k == MK_TALK)
				write_talk_names(&mw, t, b);
			jw_close(&mw);
		}
		if (w) {
			jw_array_end(&mw);
			jw_elem(w);
			jw_open(w);
			jw_str(w, "kind", meeting_kind_code(k));
			jw_str(w, "name", meeting_kind_name(k));
			jw_int(w, "every_months", L);
			jw_int(w, "required", required);
			jw_int(w, "held", held);
			jw_int(w, "meetings", meetings);
			jw_key(w, "missing");
			strbuf_add(w->sb, missing.buf, missing.len);
			jw_close(w);
		}
		strbuf_release(&missing);
	}
	if (w)
		jw_array_end(w);
	return status;
}

static void write_share(struct jw *w, int green, int total)
{
	jw_key(w, "share");
	/* per mille, so the share is exact to three places without floating point */
	if (!total)
		strbuf_addstr(w->sb, "null");
	else
		strbuf_addf(w->sb, "%d.%03d", green / total, (int)((green % total) * 1000LL / total));
}

/* Orgs of [lo, hi) that are not dissolved, in path order. */
static int load_orgs(struct ctx *ctx, const char *lo, const char *hi, struct corg **out, size_t *n)
{
	struct stmt *st;
	size_t alloc = 0;
	int step;
	st = db_prepare(ctx->db, "SELECT id, parent_id, kind, name, committee_size, founded_on FROM orgs "
				 "WHERE path >= ? AND path < ? AND dissolved_on IS NULL ORDER BY path",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct corg *o;
		ALLOC_GROW(*out, *n + 1, alloc);
		o = &(*out)[(*n)++];
		memset(o, 0, sizeof(*o));
		o->id = stmt_int(st, 0);
		o->parent_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
		stmt_text_copy(st, 2, o->kind, sizeof(o->kind));
		o->name = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
		o->committee_size = (int)stmt_int(st, 4);
		stmt_text_copy(st, 5, o->founded_on, sizeof(o->founded_on));
		o->branch = -1;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static void ctree_release(struct ctree *t)
{
	size_t i;
	for (i = 0; i < t->norgs; i++)
		free(t->orgs[i].name);
	free(t->orgs);
	free(t->counts);
	free(t->br);
	free(t->ix);
	free(t->dense);
	free(t->dense_br);
	free(t->miss);
	memset(t, 0, sizeof(*t));
}

static int int64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* the members with a 谈心谈话 in year, sorted: one range of member_life_talks (016) */
static int load_talkers(struct ctx *ctx, int year, int64_t **ids, size_t *n)
{
	struct stmt *st;
	size_t alloc = 0;
	int step;
	st = db_prepare(ctx->db, "SELECT DISTINCT member_id FROM member_life_months WHERE year = CAST(? AS INTEGER) "
				 "AND talks > 0",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), int64_cmp);
	return 0;
}

/*
 * 谈心谈话 of the year per branch from the counts kept per org (038_org_talks): the
 * roster (active full and probationary members of the branch) and those of them present
 * at a talk in the year, two narrow rows per branch of the subtree, in place of a read
 * of every member of the subtree (10 million for a province) and of the year's talkers.
 */
static int load_talks_kept(struct ctx *ctx, struct ctree *t, int year)
{
	struct stmt *st;
	int step, pass, whole = ctree_whole(t);
	/*
	 * Under a top-level org the two tables are read whole (the roster) and by year (one
	 * range of the index of 038) instead of a seek per branch; orgs outside the subtree,
	 * dissolved or not branches are not in t->ix or have no branch figures.
	 */
	for (pass = 0; pass < (whole ? 2 : 1); pass++) {
		if (!whole)
			st = db_prepare(ctx->db, "SELECT o.id, r.roster, k.talked FROM orgs o JOIN org_talk_roster r ON "
						 "r.org_id = o.id LEFT JOIN org_talks k ON k.org_id = o.id AND k.year = CAST(? AS INTEGER) "
						 "WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL "
						 "AND o.kind IN ('branch', 'joint_branch')",
					&ctx->err);
		else if (!pass)
			st = db_prepare(ctx->db, "SELECT org_id, roster, 0 FROM org_talk_roster", &ctx->err);
		else
			st = db_prepare(ctx->db, "SELECT org_id, -1, talked FROM org_talks WHERE year = CAST(? AS INTEGER)",
					&ctx->err);
		if (!st)
			return E_DB;
		if (!whole || pass) {
			stmt_bind_int(st, 1, year);
		}
		if (!whole) {
			stmt_bind_text(st, 2, t->lo);
			stmt_bind_text(st, 3, t->hi);
		}
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			int bi = find_branch(t, stmt_int(st, 0));
			struct cbranch *b;
			if (bi < 0)
				continue;
			b = &t->br[bi];
			if (stmt_int(st, 1) >= 0)
				b->roster = (int)stmt_int(st, 1);
			b->talked = stmt_is_null(st, 2) ? 0 : (int)stmt_int(st, 2);
		}
		stmt_reset(st);
		if (step != STEP_DONE)
			return ctx_db_fail(ctx);
	}
	t->talks = 1;
	t->talk_names = 0;
	return 0;
}

/*
 * 谈心谈话 of the year per branch: each member on the roster (active full and
 * probationary members, as meeting.c's roster) present at one in the year, from the
 * per-member figures of 014 (member_life_months.talks).
 *
 * A small subtree (a branch, or at most TALK_NAMES_BRANCHES branches) also keeps the
 * names of the first TALK_NAMES_MAX not talked with per branch: its members are read in
 * path and name order with one primary-key seek each. A larger one reads the counts
 * kept per branch (load_talks_kept); the reference computation those are proven against
 * (t->reference, the tests) keeps the counts only: the year's talkers are read once
 * (one range of the partial index of 016) and the roster in index order without a
 * sort, each member looked up in that set.
 */
static int load_talks(struct ctx *ctx, struct ctree *t, int year)
{
	struct stmt *st;
	int64_t *talkers = NULL;
	size_t ntalkers = 0;
	int rc, step, names = org_kind_is_branch(t->root.kind) || t->nbr <= TALK_NAMES_BRANCHES;
	if (!names && !t->reference)
		return load_talks_kept(ctx, t, year);
	if (names)
		st = db_prepare(ctx->db, "SELECT m.org_id, m.id, m.name, EXISTS (SELECT 1 FROM member_life_months l "
					 "WHERE l.member_id = m.id AND l.year = CAST(? AS INTEGER) AND l.talks > 0) FROM members m "
					 "WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' "
					 "AND m.category IN ('full', 'probationary') ORDER BY m.org_path, m.name, m.id",
				&ctx->err);
	else if ((rc = load_talkers(ctx, year, &talkers, &ntalkers)))
		return rc;
	else
		st = db_prepare(ctx->db, "SELECT m.org_id, m.id FROM members m "
					 "WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' "
					 "AND m.category IN ('full', 'probationary')",
				&ctx->err);
	if (!st) {
		free(talkers);
		return E_DB;
	}
	if (names) {
		stmt_bind_int(st, 1, year);
		stmt_bind_text(st, 2, t->lo);
		stmt_bind_text(st, 3, t->hi);
	} else {
		stmt_bind_text(st, 1, t->lo);
		stmt_bind_text(st, 2, t->hi);
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int oi = find_org(t, stmt_int(st, 0)), talked;
		struct cbranch *b;
		struct talk_miss *m;
		if (oi < 0 || t->orgs[oi].branch < 0)
			continue;
		b = &t->br[t->orgs[oi].branch];
		b->roster++;
		if (names) {
			talked = stmt_int(st, 3) > 0;
		} else {
			int64_t id = stmt_int(st, 1);
			talked = ntalkers && bsearch(&id, talkers, ntalkers, sizeof(*talkers), int64_cmp) != NULL;
		}
		if (talked) {
			b->talked++;
			continue;
		}
		if (!names || b->talk_names >= TALK_NAMES_MAX)
			continue;
		if (!b->talk_names)
			b->talk_first = (int)t->nmiss;
		ALLOC_GROW(t->miss, t->nmiss + 1, t->miss_alloc);
		m = &t->miss[t->nmiss++];
		m->id = stmt_int(st, 1);
		stmt_text_copy(st, 2, m->name, sizeof(m->name));
		b->talk_names++;
	}
	stmt_reset(st);
	free(talkers);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	t->talks = 1;
	t->talk_names = names;
	return 0;
}

/* ---- a province root from the kept rows of 040 ---------------------------------- */

/* n meetings of kind in month mo (0-11) of branch b: the exact count, and the month's bit */
static void branch_add_meetings(struct ctree *t, struct cbranch *b, int kind, int mo, int64_t n)
{
	uint16_t *h;
	if (n <= 0)
		return;
	if (b->counts < 0) {
		ALLOC_GROW(t->counts, t->ncounts + 1, t->counts_alloc);
		memset(&t->counts[t->ncounts], 0, sizeof(t->counts[0]));
		b->counts = (int)t->ncounts++;
	}
	h = &t->counts[b->counts].n[kind][mo];
	*h = (uint16_t)(*h + n > 65535 ? 65535 : *h + n);
	b->months[kind] |= (uint16_t)(1u << mo);
}

struct lean_row {
	size_t path;             /* offset in the path pool */
	int org;                 /* index in t->orgs as read */
};

static const char *lean_pool;

static int lean_row_cmp(const void *a, const void *b)
{
	return strcmp(lean_pool + ((const struct lean_row *)a)->path, lean_pool + ((const struct lean_row *)b)->path);
}

/*
 * A subtree with more than list_max branches (a province, a city), from what 040 keeps:
 * its orgs other than 党小组 from the covering index orgs_compliance (no names: those of
 * the orgs printed are read by ctree_fill_printed), the 党小组 per branch
 * (org_group_counts) and one row per branch of the year (compliance_kept: the months
 * with meetings per kind as bits, the 党小组 that met per month), in place of every org
 * and every meeting_counts row of the year. Returns 1, having read nothing to keep, for
 * a root of at most list_max branches (the usual path reads it, names and all).
 */
static int ctree_load_lean(struct ctx *ctx, struct ctree *t, int list_max)
{
	struct stmt *st;
	struct strbuf pool = STRBUF_INIT;
	struct lean_row *rows = NULL;
	struct corg *sorted;
	size_t alloc = 0, rows_alloc = 0, i, nbranch = 0;
	int step, rc = 0, pg = !strcmp(db_backend(ctx->db), "postgres");

	/* SQLite: each kind's range in path order, merged here; PostgreSQL sorts in its collation */
	st = db_prepare(ctx->db,
			pg ? "SELECT id, parent_id, kind, committee_size, founded_on FROM orgs WHERE kind IN ('dept', "
			     "'committee', 'general_branch', 'branch', 'joint_branch') AND path >= ? AND path < ? "
			     "AND dissolved_on IS NULL ORDER BY path"
			   : "SELECT id, parent_id, kind, committee_size, founded_on, path FROM orgs WHERE kind IN ('dept', "
			     "'committee', 'general_branch', 'branch', 'joint_branch') AND path >= ? AND path < ? "
			     "AND dissolved_on IS NULL",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, t->lo);
	stmt_bind_text(st, 2, t->hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct corg *o;
		/* sized once where the store knows the count: a province's array (30 MB) was
		 * copied by each doubling */
		if (!t->norgs && stmt_rows_hint(st) > 0)
			ALLOC_GROW(t->orgs, (size_t)stmt_rows_hint(st), alloc);
		ALLOC_GROW(t->orgs, t->norgs + 1, alloc);
		o = &t->orgs[t->norgs];
		memset(o, 0, sizeof(*o));
		o->id = stmt_int(st, 0);
		o->parent_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
		stmt_text_copy(st, 2, o->kind, sizeof(o->kind));
		o->committee_size = (int)stmt_int(st, 3);
		stmt_text_copy(st, 4, o->founded_on, sizeof(o->founded_on));
		o->branch = -1;
		nbranch += org_kind_is_branch(o->kind) != 0;
		if (!pg) {
			const char *path = stmt_text(st, 5) ? stmt_text(st, 5) : "";
			ALLOC_GROW(rows, t->norgs + 1, rows_alloc);
			rows[t->norgs].path = pool.len;
			rows[t->norgs].org = (int)t->norgs;
			strbuf_add(&pool, path, strlen(path) + 1);
		}
		t->norgs++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (nbranch <= (size_t)list_max) {
		free(t->orgs);
		t->orgs = NULL;
		t->norgs = 0;
		rc = 1;
		goto out;
	}
	if (!pg && t->norgs) {
		lean_pool = pool.buf;
		qsort(rows, t->norgs, sizeof(*rows), lean_row_cmp);
		lean_pool = NULL;
		sorted = xcalloc(t->norgs, sizeof(*sorted));
		for (i = 0; i < t->norgs; i++)
			sorted[i] = t->orgs[rows[i].org];
		free(t->orgs);
		t->orgs = sorted;
	}
	t->lean = 1;
out:
	free(rows);
	strbuf_release(&pool);
	return rc;
}

/* the 党小组 per branch and the year's kept months (040), into the branches of t */
static int ctree_lean_counts(struct ctx *ctx, struct ctree *t, int year)
{
	/* the kinds whose rule asks for a meeting held, in 040's order (党小组会 and 谈心谈话 count otherwise) */
	static const int kinds[] = { MK_PARTY_CONGRESS, MK_COMMITTEE, MK_LECTURE, MK_THEME_DAY, MK_LIFE_MEETING,
				     MK_APPRAISAL };
	struct stmt *st;
	int step;
	st = db_prepare(ctx->db, "SELECT org_id, groups FROM org_group_counts", &ctx->err);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int bi = find_branch(t, stmt_int(st, 0));
		if (bi >= 0)
			t->br[bi].ngroups = (int)stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* the six kinds' months, 12 bits each in two integers (040) */
	st = db_prepare(ctx->db, "SELECT org_id, months, months2 FROM compliance_kept WHERE year = CAST(? AS INTEGER)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int bi = find_branch(t, stmt_int(st, 0)), k;
		uint64_t bits[2];
		struct cbranch *b;
		if (bi < 0)
			continue;
		b = &t->br[bi];
		bits[0] = (uint64_t)stmt_int(st, 1);
		bits[1] = (uint64_t)stmt_int(st, 2);
		for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++) {
			unsigned m = (unsigned)(bits[k / 5] >> (12 * (k % 5))) & 0xfff;
			b->months[kinds[k]] = (uint16_t)m;
		}
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* the 党小组 that met per month: rows only where a group met */
	st = db_prepare(ctx->db, "SELECT org_id, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12 "
				 "FROM compliance_group_months WHERE year = CAST(? AS INTEGER)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int bi = find_branch(t, stmt_int(st, 0)), mo;
		if (bi < 0)
			continue;
		for (mo = 0; mo < 12; mo++)
			t->br[bi].group_held[mo] = (uint16_t)stmt_int(st, 1 + mo);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * What a lean tree prints and did not read: the names of the orgs of the rollup and of
 * the branches listed, and with counts those branches' meetings held (exact counts of
 * 012, where the kept months only say whether any were held; the reminders print none).
 */
static int ctree_fill_printed(struct ctx *ctx, struct ctree *t, int year, const char *listed, int counts)
{
	struct stmt *st;
	size_t i;
	int step;
	for (i = 0; i < t->norgs; i++) {
		struct corg *o = &t->orgs[i];
		int printed = o->branch >= 0 ? listed[o->branch] : o->nbranch > 0;
		if (!printed)
			continue;
		st = db_prepare(ctx->db, "SELECT name FROM orgs WHERE id = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, o->id);
		if ((step = stmt_step(st, &ctx->err)) == STEP_ROW && !o->name)
			o->name = xstrdup(stmt_text(st, 0) ? stmt_text(st, 0) : "");
		stmt_reset(st);
		if (step == STEP_ERROR || step == STEP_CONSTRAINT)
			return ctx_db_fail(ctx);
		if (o->branch < 0 || !counts)
			continue;
		/* the kept bits give way to the exact counts */
		memset(t->br[o->branch].months, 0, sizeof(t->br[o->branch].months));
		if (t->br[o->branch].counts >= 0)
			memset(&t->counts[t->br[o->branch].counts], 0, sizeof(t->counts[0]));
		st = db_prepare(ctx->db, "SELECT kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 FROM meeting_counts "
					 "WHERE org_id = ? AND year = CAST(? AS INTEGER)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, o->id);
		stmt_bind_int(st, 2, year);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			int kind = meeting_kind_parse(stmt_text(st, 0)), mo;
			if (kind < 0)
				continue;
			for (mo = 1; mo <= 12; mo++)
				branch_add_meetings(t, &t->br[o->branch], kind, mo - 1, stmt_int(st, mo));
		}
		stmt_reset(st);
		if (step != STEP_DONE)
			return ctx_db_fail(ctx);
	}
	return 0;
}

/*
 * The subtree under org_id (0: the actor's scope) with its branches' meeting counts of
 * year; with talks, the 谈心谈话 figures too (a read of the subtree's members, so only
 * when the year's end is looked at).
 */
static int ctree_load(struct ctx *ctx, int64_t org_id, int year, int talks, int reference, int lean_above,
		      struct ctree *t)
{
	struct stmt *st;
	size_t i, nbranch;
	struct life_rules lr = { 0 };
	int rc, step;

	memset(t, 0, sizeof(*t));
	t->reference = reference;
	if ((rc = org_scope_root(ctx, org_id, &t->root)))
		return rc;
	strlcpy_z(t->lo, t->root.path, sizeof(t->lo));
	path_range_end(t->lo, t->hi, sizeof(t->hi));
	/* a subtree listing only some of its branches (a province, a city): the kept rows of
	 * 040, read whole and filtered by id (at most one row per branch of the province) */
	if (lean_above > 0 && !t->reference && (rc = ctree_load_lean(ctx, t, lean_above)) != 1) {
		if (rc)
			return rc;
	} else if ((rc = load_orgs(ctx, t->lo, t->hi, &t->orgs, &t->norgs))) {
		return rc;
	}

	/* branches and their 党小组; the lecture rule of the subtree's top-level org (one for all) */
	ctree_index(t);
	/* the branch figures for the branches only: a province has 500,000 orgs, half of them 党小组 */
	nbranch = 0;
	for (i = 0; i < t->norgs; i++)
		nbranch += org_kind_is_branch(t->orgs[i].kind) != 0;
	if (nbranch) {
		char top_path[32];
		xsnprintf(top_path, sizeof(top_path), "/%" PRId64 "/", top_org_of(t->root.path));
		if ((rc = life_rules_load(ctx, top_path, &lr)))
			return rc;
	}
	t->br = xcalloc(nbranch ? nbranch : 1, sizeof(*t->br));
	for (i = 0; i < t->norgs; i++) {
		struct corg *o = &t->orgs[i];
		o->parent = find_org(t, o->parent_id);
		if (org_kind_is_branch(o->kind)) {
			o->branch = (int)t->nbr;
			t->br[t->nbr].org = (int)i;
			t->br[t->nbr].lecture_months = lr.lecture_months;
			t->br[t->nbr].counts = -1;
			t->nbr++;
		} else if (!t->lean && !strcmp(o->kind, "group") && o->parent >= 0 && t->orgs[o->parent].branch >= 0) {
			t->br[t->orgs[o->parent].branch].ngroups++;
		}
	}
	if (t->dense) {
		t->dense_br = xcalloc(t->dense_n, sizeof(*t->dense_br));
		memset(t->dense_br, 0xff, t->dense_n * sizeof(*t->dense_br));
		for (i = 0; i < t->nbr; i++)
			t->dense_br[t->orgs[t->br[i].org].id - t->dense_lo] = (int)i;
	}

	/*
	 * The one read of the meetings: the counts kept per org, year and kind with the months
	 * as columns (012_meeting_counts), a few rows per org of the subtree, in place of
	 * grouping the subtree's meetings of the year (100,000+ rows for a county) here. Under
	 * a top-level org (a province: nearly every org of the database) the year's rows are
	 * read in one range of the covering index of 038 instead of a seek per org; rows of
	 * orgs outside the subtree or dissolved are not in t->ix and are skipped as the join
	 * would leave them out.
	 */
	if (t->lean) {
		if ((rc = ctree_lean_counts(ctx, t, year)))
			return rc;
		return talks ? load_talks(ctx, t, year) : 0;
	}
	if (ctree_whole(t))
		st = db_prepare(ctx->db, "SELECT org_id, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 "
					 "FROM meeting_counts WHERE year = CAST(? AS INTEGER)",
				&ctx->err);
	else
		st = db_prepare(ctx->db, "SELECT c.org_id, c.kind, c.m1, c.m2, c.m3, c.m4, c.m5, c.m6, c.m7, c.m8, c.m9, "
					 "c.m10, c.m11, c.m12 FROM orgs o JOIN meeting_counts c ON c.org_id = o.id "
					 "AND c.year = CAST(? AS INTEGER) WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL",
				&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	if (!ctree_whole(t)) {
		stmt_bind_text(st, 2, t->lo);
		stmt_bind_text(st, 3, t->hi);
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int oi = find_org(t, stmt_int(st, 0)), kind = meeting_kind_parse(stmt_text(st, 1)), mo;
		if (oi < 0 || kind < 0)
			continue;
		for (mo = 1; mo <= 12; mo++) {
			int64_t n = stmt_int(st, 1 + mo);
			if (n <= 0)
				continue;
			if (t->orgs[oi].branch >= 0) {
				branch_add_meetings(t, &t->br[t->orgs[oi].branch], kind, mo - 1, n);
			} else if (kind == MK_GROUP && t->orgs[oi].parent >= 0 && t->orgs[t->orgs[oi].parent].branch >= 0) {
				/* one row per 党小组: the group met that month */
				t->br[t->orgs[t->orgs[oi].parent].branch].group_held[mo - 1]++;
			}
		}
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	return talks ? load_talks(ctx, t, year) : 0;
}

static void write_root(struct jw *w, const struct org *root)
{
	jw_key(w, "org");
	jw_open(w);
	jw_int_or_null(w, "id", root->id);
	jw_str_or_null(w, "name", root->name);
	jw_str(w, "kind", root->kind);
	jw_close(w);
}

/* the options' list_max, page and per_page, their defaults where unset (meeting.h) */
static void opts_resolve(const struct ctx *ctx, const struct compliance_opts *opts, int *list_max, int *page,
			 int *per_page)
{
	*list_max = opts && opts->list_max > 0 ? opts->list_max
		  : ctx->cfg ? (int)config_int(ctx->cfg, CFG_COMPLIANCE_LIST_MAX) : COMPLIANCE_LIST_MAX;
	*page = opts && opts->page > 0 ? opts->page : 1;
	*per_page = opts && opts->per_page > 0 ? opts->per_page : COMPLIANCE_PER_PAGE;
}

int compliance_report_json(struct ctx *ctx, int64_t org_id, int year, int month, int quarter, struct strbuf *out)
{
	return compliance_report_json_opts(ctx, org_id, year, month, quarter, NULL, out);
}

int compliance_report_json_opts(struct ctx *ctx, int64_t org_id, int year, int month, int quarter,
				const struct compliance_opts *opts, struct strbuf *out)
{
	struct ctree t;
	struct jw w;
	char from[11], to[11], label[16], today[11];
	size_t i;
	int rc, m1 = 1, m2 = 12, count[3] = { 0, 0, 0 }, large, list_max, page, per_page;
	int64_t skip, listed, listed_n;

	if ((rc = require_officer(ctx)))
		return rc;
	opts_resolve(ctx, opts, &list_max, &page, &per_page);
	if (year < 2000 || year > 2100)
		return err_set(&ctx->err, E_MALFORMED, "year", NULL, "年份须在 2000–2100 之间");
	if (month && quarter)
		return err_set(&ctx->err, E_MALFORMED, "quarter", NULL, "month 和 quarter 只能指定一个");
	if (month < 0 || month > 12 || quarter < 0 || quarter > 4)
		return err_set(&ctx->err, E_MALFORMED, month ? "month" : "quarter", NULL, "月份须为 1–12，季度须为 1–4");
	if (month)
		m1 = m2 = month;
	else if (quarter)
		m1 = quarter * 3 - 2, m2 = quarter * 3;
	/* the yearly rules (谈心谈话 among them) are checked only where the view holds December */
	if ((rc = ctree_load(ctx, org_id, year, m2 == 12, opts && opts->reference, list_max, &t)))
		goto out;
	large = t.nbr > (size_t)list_max;

	/* status per branch, rolled up every org above it in the subtree */
	for (i = 0; i < t.nbr; i++) {
		int p;
		t.br[i].status = evaluate(ctx, &t, &t.br[i], year, m1, m2, NULL);
		count[t.br[i].status]++;
		for (p = t.orgs[t.br[i].org].parent; p >= 0; p = t.orgs[p].parent) {
			t.orgs[p].nbranch++;
			t.orgs[p].count[t.br[i].status]++;
		}
	}
	/* a lean tree (large): the names and meetings of what is printed, the page's branches */
	if (t.lean) {
		char *sel = xcalloc(t.nbr ? t.nbr : 1, 1);
		skip = (int64_t)(page - 1) * per_page;
		listed_n = 0;
		for (i = 0; i < t.nbr && listed_n < per_page; i++) {
			if (t.br[i].status == ST_GREEN)
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			sel[i] = 1;
			listed_n++;
		}
		rc = ctree_fill_printed(ctx, &t, year, sel, 1);
		free(sel);
		if (rc)
			goto out;
	}

	jw_init(&w, out);
	jw_open(&w);
	write_root(&w, &t.root);
	jw_int(&w, "year", year);
	if (month)
		xsnprintf(label, sizeof(label), "%04d-%02d", year, month);
	else if (quarter)
		xsnprintf(label, sizeof(label), "%04d-Q%d", year, quarter);
	else
		xsnprintf(label, sizeof(label), "%04d", year);
	jw_str(&w, "period", label);
	xsnprintf(from, sizeof(from), "%04d-%02d-01", year, m1);
	xsnprintf(to, sizeof(to), "%04d-%02d-%02d", year, m2, date_days_in_month(year, m2));
	jw_str(&w, "from", from);
	jw_str(&w, "to", to);
	date_format(ctx->today, today);
	jw_str(&w, "today", today);
	jw_key(&w, "summary");
	jw_open(&w);
	jw_int(&w, "branches", (int64_t)t.nbr);
	jw_int(&w, "green", count[ST_GREEN]);
	jw_int(&w, "amber", count[ST_AMBER]);
	jw_int(&w, "red", count[ST_RED]);
	write_share(&w, count[ST_GREEN], (int)t.nbr);
	jw_close(&w);

	jw_key(&w, "rollup");
	jw_array(&w);
	for (i = 0; i < t.norgs; i++) {
		const struct corg *o = &t.orgs[i];
		if (o->branch >= 0 || !o->nbranch)
			continue;
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "org_id", o->id);
		jw_str(&w, "name", o->name ? o->name : "");
		jw_str(&w, "kind", o->kind);
		jw_int_or_null(&w, "parent_id", o->parent_id);
		jw_int(&w, "branches", o->nbranch);
		jw_int(&w, "green", o->count[ST_GREEN]);
		jw_int(&w, "amber", o->count[ST_AMBER]);
		jw_int(&w, "red", o->count[ST_RED]);
		write_share(&w, o->count[ST_GREEN], o->nbranch);
		jw_close(&w);
	}
	jw_array_end(&w);

	/* a large subtree: the branches not green, one page of them, and how many there are */
	if (large) {
		jw_str(&w, "branches_listed", "not_green");
		jw_int(&w, "branches_total", count[ST_AMBER] + count[ST_RED]);
		jw_int(&w, "page", page);
		jw_int(&w, "per_page", per_page);
	}
	skip = (int64_t)(page - 1) * per_page;
	listed = 0;
	jw_key(&w, "branches");
	jw_array(&w);
	for (i = 0; i < t.nbr; i++) {
		const struct corg *o = &t.orgs[t.br[i].org];
		if (large) {
			if (t.br[i].status == ST_GREEN)
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			if (listed++ >= per_page)
				break;
		}
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "org_id", o->id);
		jw_str(&w, "name", o->name ? o->name : "");
		jw_int_or_null(&w, "parent_id", o->parent_id);
		jw_str(&w, "status", status_names[t.br[i].status]);
		jw_int(&w, "groups", t.br[i].ngroups);
		evaluate(ctx, &t, &t.br[i], year, m1, m2, &w);
		jw_close(&w);
	}
	jw_array_end(&w);
	jw_close(&w);
out:
	ctree_release(&t);
	return rc;
}

/* ---- reminders ------------------------------------------------------------------- */

struct reminder {
	int64_t due_days;        /* the period's end, days since the epoch */
	int branch, rule;        /* tree order within a day, then the rule order */
	int kind, months, end_month, missing;
};

/*
 * The reminders by due date, then tree order, then rule order. Each one's period ends in
 * a month of this year (the rules' periods divide the year), so a counting sort by that
 * month, stable over the (branch, rule) order they were made in, gives that order in one
 * pass: a province has 750,000 of them, and qsort's merge copied them 20 times over.
 * (With today's windows of 7, 15 and 30 days all of them end in this month, so the order
 * they were made in is already the order; the sort keeps it so if a window grows.)
 */
static struct reminder *reminders_by_due(struct reminder *rem, size_t n)
{
	size_t at[13] = { 0 }, i, sum = 0;
	struct reminder *out = xcalloc(n ? n : 1, sizeof(*out));
	int m;
	for (i = 0; i < n; i++)
		at[rem[i].end_month]++;
	for (m = 1; m <= 12; m++) {
		size_t k = at[m];
		at[m] = sum;
		sum += k;
	}
	for (i = 0; i < n; i++)
		out[at[rem[i].end_month]++] = rem[i];
	free(rem);
	return out;
}

/* how close to its end a period must be to remind of it: a week, half a month, a month */
static int remind_days(int months)
{
	return months == 1 ? REMIND_MONTH_DAYS : months == 12 ? REMIND_YEAR_DAYS : REMIND_QUARTER_DAYS;
}

int compliance_reminders(struct ctx *ctx, int64_t org_id, struct strbuf *out)
{
	return compliance_reminders_opts(ctx, org_id, NULL, out);
}

int compliance_reminders_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, struct strbuf *out)
{
	struct ctree t;
	struct reminder *rem = NULL;
	struct jw w;
	size_t nrem = 0, alloc = 0, i, from = 0, to;
	int64_t today_days = date_to_days(ctx->today);
	char today[11];
	int rc, year = ctx->today.y, large, list_max, page, per_page;

	if ((rc = require_officer(ctx)))
		return rc;
	opts_resolve(ctx, opts, &list_max, &page, &per_page);
	/* 谈心谈话 can only be due within REMIND_YEAR_DAYS of 31 December: read it in December only.
	 * A subtree of more than list_max branches is read lean (040), as the report reads it */
	if ((rc = ctree_load(ctx, org_id, year, ctx->today.m == 12, 0, list_max, &t)))
		goto out;
	large = t.nbr > (size_t)list_max;
	for (i = 0; i < t.nbr; i++) {
		const struct cbranch *b = &t.br[i];
		const struct corg *o = &t.orgs[b->org];
		struct rule rules[MAX_RULES];
		struct date founded;
		int nr = branch_rules(o, b, rules), r, has_founded = !date_parse(o->founded_on, &founded);
		for (r = 0; r < nr; r++) {
			int L = rules[r].months, k = rules[r].kind, e = ((ctx->today.m - 1) / L + 1) * L, need, got;
			struct date due = { year, e, date_days_in_month(year, e) };
			int64_t left = date_to_days(due) - today_days;
			struct reminder *x;
			if (left > remind_days(L) || (has_founded && date_cmp(due, founded) < 0))
				continue;
			if (k == MK_TALK && !t.talks)
				continue;
			rule_need(b, k, L, e, &need, &got);
			if (got >= need)
				continue;
			ALLOC_GROW(rem, nrem + 1, alloc);
			x = &rem[nrem++];
			x->due_days = date_to_days(due);
			x->branch = (int)i;
			x->rule = r;
			x->kind = k;
			x->months = L;
			x->end_month = e;
			x->missing = need - got;
		}
	}
	rem = reminders_by_due(rem, nrem);
	/* a large subtree: one page of the items (a province's are hundreds of thousands), whose
	 * branches' names alone are read when the tree is lean */
	to = nrem;
	if (large) {
		from = (size_t)(page - 1) * (size_t)per_page < nrem ? (size_t)(page - 1) * (size_t)per_page : nrem;
		to = nrem - from > (size_t)per_page ? from + (size_t)per_page : nrem;
	}
	if (t.lean) {
		char *sel = xcalloc(t.nbr ? t.nbr : 1, 1);
		for (i = from; i < to; i++)
			sel[rem[i].branch] = 1;
		rc = ctree_fill_printed(ctx, &t, year, sel, 0);
		free(sel);
		if (rc)
			goto out;
	}

	jw_init(&w, out);
	jw_open(&w);
	write_root(&w, &t.root);
	date_format(ctx->today, today);
	jw_str(&w, "today", today);
	jw_int(&w, "total", (int64_t)nrem);
	if (large) {
		jw_int(&w, "page", page);
		jw_int(&w, "per_page", per_page);
	}
	jw_key(&w, "items");
	jw_array(&w);
	for (i = from; i < to; i++) {
		const struct reminder *x = &rem[i];
		const struct cbranch *b = &t.br[x->branch];
		const struct corg *o = &t.orgs[b->org];
		char label[16], due_s[11];
		period_label(label, sizeof(label), year, x->months, x->end_month);
		date_format(date_from_days(x->due_days), due_s);
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "org_id", o->id);
		jw_str(&w, "org_name", o->name ? o->name : "");
		jw_int_or_null(&w, "parent_id", o->parent_id);
		jw_str(&w, "kind", meeting_kind_code(x->kind));
		jw_str(&w, "name", meeting_kind_name(x->kind));
		jw_int(&w, "every_months", x->months);
		jw_str(&w, "period", label);
		jw_str(&w, "due", due_s);
		jw_int(&w, "days_left", x->due_days - today_days);
		jw_int(&w, "missing", x->missing);
		if (x->kind == MK_TALK)
			write_talk_names(&w, &t, b);
		jw_close(&w);
	}
	jw_array_end(&w);
	jw_close(&w);
out:
	free(rem);
	ctree_release(&t);
	return rc;
}

/* ---- study hours ----------------------------------------------------------------- */

static void hours_json(json_t *j, const char *key, int64_t tenths)
{
	json_object_set_new(j, key, json_real((double)tenths / 10.0));
}

int compliance_member_hours(struct ctx *ctx, int64_t member_id, int year, json_t **out)
{
	struct member mem;
	struct life_rules lr;
	struct stmt *st;
	char from[11], to[11];
	json_t *j = NULL, *arr;
	int64_t total = 0;
	int rc, step;
	json_t *courses = NULL;
	int64_t meeting_total, course_raw = 0, course_counted = 0;
	int cap = 0;

	*out = NULL;
	if (year < 2000 || year > 2100)
		return err_set(&ctx->err, E_MALFORMED, "year", NULL, "年份须在 2000–2100 之间");
	if ((rc = member_get(ctx, member_id, &mem)) || (rc = life_rules_load(ctx, mem.org_path, &lr)))
		return rc;
	xsnprintf(from, sizeof(from), "%04d-01-01", year);
	xsnprintf(to, sizeof(to), "%04d-12-31", year);
	st = db_prepare(ctx->db, "SELECT mt.id, mt.kind, mt.held_on, mt.org_id, o.name, mt.hours_x10, a.status, a.reason "
				 "FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id JOIN orgs o ON o.id = mt.org_id "
				 "WHERE a.member_id = ? AND mt.held_on >= ? AND mt.held_on <= ? ORDER BY mt.held_on, mt.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_text(st, 2, from);
	stmt_bind_text(st, 3, to);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int kind = meeting_kind_parse(stmt_text(st, 1));
		const char *status = stmt_text(st, 6);
		int present = status && !strcmp(status, "present");
		int64_t credit = present ? stmt_int(st, 5) : 0;
		json_t *e = json_pack("{s:I, s:s, s:s, s:s?, s:I, s:s?, s:s?, s:s?}", "meeting_id", (json_int_t)stmt_int(st, 0),
				      "kind", meeting_kind_code(kind), "kind_name", meeting_kind_name(kind), "held_on",
				      stmt_text(st, 2), "org_id", (json_int_t)stmt_int(st, 3), "org_name", stmt_text(st, 4),
				      "status", status, "reason", stmt_text(st, 7));
		hours_json(e, "hours", credit);
		total += credit;
		json_array_append_new(arr, e);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	/* courses: 党建课程 学时 of the year, within the yearly cap (course.c) */
	if ((rc = course_member_year(ctx, member_id, mem.org_path, year, &courses, &course_raw, &course_counted, &cap))) {
		json_decref(arr);
		return rc;
	}
	meeting_total = total;
	total += course_counted;
	j = json_pack("{s:I, s:s, s:I, s:s, s:i, s:i, s:b, s:o}", "member_id", (json_int_t)mem.id, "name", mem.name,
		      "org_id", (json_int_t)mem.org_id, "org_name", mem.org_name, "year", year, "target_hours",
		      lr.target_hours, "met", total >= (int64_t)lr.target_hours * 10, "meetings", arr);
	hours_json(j, "hours", total);
	hours_json(j, "meeting_hours", meeting_total);
	hours_json(j, "course_hours", course_counted);
	hours_json(j, "course_hours_earned", course_raw);
	hours_json(j, "course_cap_hours", cap);
	json_object_set_new(j, "courses", courses);
	*out = j;
	return 0;
}

/*
 * *total = the active members of the subtree of root ([lo, hi)). A large subtree
 * (subtree_page.h) takes its kept on-roll count (036 stats_kept: active and transferring)
 * less those being transferred (047 members_transferring); a smaller one counts them.
 */
static int active_members(struct ctx *ctx, const struct org *root, const char *lo, const char *hi, int list_max,
			  int64_t *total)
{
	struct subtree_page in = { list_max, 0, 0 }, pg;
	struct stmt *st;
	int64_t transferring = 0;
	int rc, large;
	*total = 0;
	if ((rc = subtree_page_resolve(ctx, &in, lo, hi, &pg, &large)))
		return rc;
	st = db_prepare(ctx->db,
			large ? "SELECT COALESCE((SELECT total FROM stats_kept WHERE org_id = ?), 0)"
			      : "SELECT count(*) FROM members WHERE org_path >= ? AND org_path < ? AND state = 'active'",
			&ctx->err);
	if (!st)
		return E_DB;
	if (large) {
		stmt_bind_int(st, 1, root->id);
	} else {
		stmt_bind_text(st, 1, lo);
		stmt_bind_text(st, 2, hi);
	}
	if ((rc = ctx_step_int(ctx, st, total)) || !large)
		return rc;
	if (!(st = db_prepare(ctx->db,
			      "SELECT count(*) FROM members WHERE org_path >= ? AND org_path < ? AND state = 'transferring'",
			      &ctx->err)))
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	if ((rc = ctx_step_int(ctx, st, &transferring)))
		return rc;
	*total -= transferring;
	return 0;
}

int compliance_hours_summary(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **out)
{
	return compliance_hours_summary_opts(ctx, org_id, year, page, per_page, 0, out);
}

int compliance_hours_summary_opts(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, int list_max,
				  json_t **out)
{
	struct org root;
	struct life_rules lr;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], from[11], to[11], sql[1024];
	json_t *items = NULL;
	int64_t total = 0;
	int rc, step, met = 0;
	int cap_x10 = 0; /* course.year_cap_hours × 10 */

	*out = NULL;
	if ((rc = require_officer(ctx)))
		return rc;
	if (year < 2000 || year > 2100)
		return err_set(&ctx->err, E_MALFORMED, "year", NULL, "年份须在 2000–2100 之间");
	if ((rc = org_scope_root(ctx, org_id, &root)) || (rc = life_rules_load(ctx, root.path, &lr)) ||
	    (rc = course_year_cap_x10(ctx, root.path, &cap_x10)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	xsnprintf(from, sizeof(from), "%04d-01-01", year);
	xsnprintf(to, sizeof(to), "%04d-12-31", year);
	if ((rc = active_members(ctx, &root, lo, hi, list_max, &total)))
		return rc;
	/* the hours subquery runs for the page's rows only */
	xsnprintf(sql, sizeof(sql),
		  "SELECT m.id, m.name, m.org_id, o.name, m.category, (SELECT COALESCE(sum(mt.hours_x10), 0) FROM "
		  "meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id WHERE a.member_id = m.id AND "
		  "a.status = 'present' AND mt.held_on >= ? AND mt.held_on <= ?), (SELECT COALESCE(sum(r.hours_x10), 0) "
		  "FROM course_completions r WHERE r.member_id = m.id AND r.year = ? AND r.finished_at IS NOT NULL) "
		  "FROM members m JOIN orgs o ON o.id = "
		  "m.org_id WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' ORDER BY m.org_path, m.name, "
		  "m.id LIMIT %d OFFSET %" PRId64,
		  per_page, (int64_t)(page - 1) * per_page);
	st = db_prepare(ctx->db, sql, &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, to);
	stmt_bind_int(st, 3, year);
	stmt_bind_text(st, 4, lo);
	stmt_bind_text(st, 5, hi);
	items = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		/* meetings plus the year's course 学时 within the cap */
		int64_t meeting_tenths = stmt_int(st, 5), course_tenths = course_capped(stmt_int(st, 6), cap_x10);
		int64_t tenths = meeting_tenths + course_tenths;
		int ok = tenths >= (int64_t)lr.target_hours * 10;
		json_t *e = json_pack("{s:I, s:s?, s:I, s:s?, s:s?, s:b}", "member_id", (json_int_t)stmt_int(st, 0), "name",
				      stmt_text(st, 1), "org_id", (json_int_t)stmt_int(st, 2), "org_name", stmt_text(st, 3),
				      "category", stmt_text(st, 4), "met", ok);
		hours_json(e, "hours", tenths);
		hours_json(e, "meeting_hours", meeting_tenths);
		hours_json(e, "course_hours", course_tenths);
		met += ok;
		json_array_append_new(items, e);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(items);
		return ctx_db_fail(ctx);
	}
	*out = json_pack("{s:i, s:i, s:o, s:I, s:i, s:i, s:i}", "year", year, "target_hours", lr.target_hours, "items",
			 items, "total", (json_int_t)total, "page", page, "per_page", per_page, "met_on_page", met);
	return 0;
}

/* ---- members at risk ------------------------------------------------------------- */

/* year * 100 + month → a running month number */
static int ym_index(int ym)
{
	return ym / 100 * 12 + ym % 100 - 1;
}

/* the 6 whole calendar months before this one, and this month so far: the window's first day */
static struct date lapse_window(const struct ctx *ctx, char from[11])
{
	struct date start;
	start.y = ctx->today.y;
	start.m = ctx->today.m;
	start.d = 1;
	start = date_add_months(start, -LIFE_LAPSE_MONTHS);
	date_format(start, from);
	return start;
}

/* The window's months of member_life_months, from idx: its first and last year, then month */
static void bind_window_months(struct stmt *st, int idx, struct date start, struct date today)
{
	stmt_bind_int(st, idx, start.y);
	stmt_bind_int(st, idx + 1, today.y);
	stmt_bind_int(st, idx + 2, start.y * 100 + start.m);
	stmt_bind_int(st, idx + 3, today.y * 100 + today.m);
}

/*
 * The whole months without life before this one: the run starts after the last month
 * with life (ok_ym), or at the first month with anything recorded (first_ym, 0 = none:
 * this month), and not before the member joined (join_date 'YYYY-MM-DD' or NULL).
 */
static int lapse_months(const struct ctx *ctx, int ok_ym, int first_ym, const char *join_date)
{
	int prev = ctx->today.y * 12 + ctx->today.m - 2;
	int base = ok_ym ? ym_index(ok_ym) + 1 : (first_ym ? ym_index(first_ym) : prev);
	if (join_date && strlen(join_date) >= 7) {
		const char *j = join_date;
		int jy = (j[0] - '0') * 1000 + (j[1] - '0') * 100 + (j[2] - '0') * 10 + (j[3] - '0');
		int jm = (j[5] - '0') * 10 + (j[6] - '0');
		if (jy * 12 + jm - 1 > base)
			base = jy * 12 + jm - 1;
	}
	return prev - base + 1 < LIFE_LAPSE_MONTHS ? LIFE_LAPSE_MONTHS : prev - base + 1;
}

int life_lapse_scan(struct ctx *ctx, const char *lo, const char *hi, life_lapse_fn fn, void *arg)
{
	struct stmt *st;
	struct date start;
	struct life_lapse l;
	char from[11], join_ym[8];
	int rc = 0, step;

	start = lapse_window(ctx, from);

	/*
	 * Members with meetings recorded for them in the window and none attended: neither
	 * present nor on leave with a reason (a proper reason, RULES.md §4). A member whose
	 * branch recorded nothing is not flagged here; the branch shows red in compliance.
	 * Only a member for the whole window: a newcomer cannot have missed 6 months.
	 *
	 * Read from the figures kept per member (014_member_life_months): the candidates are
	 * the members whose last month attended or excused is before the window, in the
	 * subtree (a range of member_life_lapse, 048, whose rows carry the member's org, path,
	 * state and join date; the index holds only ok_ym < last_ym, which meetings recorded in
	 * the window imply), and only for them the window's months are summed, where
	 * joining the window's attendance with its meetings took seconds for a county.
	 * CROSS JOIN keeps that order on SQLite. The window ends today with its last month
	 * whole, the same as held_on <= today: no meeting is recorded after today
	 * (field.date_future). The first month with anything recorded bounds the count of a
	 * member who never attended: before it the system knows nothing.
	 */
	st = db_prepare(ctx->db,
			"SELECT k.member_id, m.name, k.org_id, o.name, (SELECT sum(l.meetings) FROM member_life_months l "
			"WHERE l.member_id = k.member_id AND l.year >= CAST(? AS INTEGER) AND l.year <= CAST(? AS INTEGER) "
			"AND l.year * 100 + l.month >= CAST(? AS INTEGER) AND l.year * 100 + l.month <= CAST(? AS INTEGER)), "
			"k.ok_ym, k.state, k.join_date, k.first_ym "
			"FROM member_life k CROSS JOIN members m CROSS JOIN orgs o "
			"WHERE k.ok_ym < k.last_ym AND k.ok_ym < CAST(? AS INTEGER) AND k.org_path >= ? AND k.org_path < ? "
			"AND k.state IN ('active', 'transferring') AND (k.join_date IS NULL OR k.join_date <= ?) "
			"AND m.id = k.member_id AND o.id = k.org_id ORDER BY k.org_id, k.member_id",
			&ctx->err);
	if (!st)
		return E_DB;
	bind_window_months(st, 1, start, ctx->today);
	stmt_bind_int(st, 5, start.y * 100 + start.m);
	stmt_bind_text(st, 6, lo);
	stmt_bind_text(st, 7, hi);
	stmt_bind_text(st, 8, from);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		/* nothing recorded for the member in the window: not flagged (the branch is red) */
		if (stmt_is_null(st, 4) || stmt_int(st, 4) <= 0)
			continue;
		memset(&l, 0, sizeof(l));
		l.member_id = stmt_int(st, 0);
		l.name = stmt_text(st, 1);
		l.org_id = stmt_int(st, 2);
		l.org_name = stmt_text(st, 3);
		l.meetings_missed = stmt_int(st, 4);
		l.ok_ym = (int)stmt_int(st, 5);
		l.state = stmt_text(st, 6);
		strlcpy_z(l.since, from, sizeof(l.since));
		stmt_text_copy(st, 7, join_ym, sizeof(join_ym));
		l.months = lapse_months(ctx, l.ok_ym, (int)stmt_int(st, 8), join_ym);
		if ((rc = fn(arg, &l)))
			break;
	}
	stmt_reset(st);
	if (rc)
		return rc;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int life_lapse_scan_lean(struct ctx *ctx, const char *lo, const char *hi, life_lapse_fn fn, void *arg)
{
	struct stmt *st;
	struct date start;
	struct life_lapse l;
	char from[11], join_ym[8];
	int rc = 0, step, w0;

	start = lapse_window(ctx, from);
	w0 = start.y * 100 + start.m;
	/*
	 * The candidates of life_lapse_scan without their names, orgs' names or the window's
	 * sum, for a province's 445,000 of them: one range of the covering index
	 * member_life_lapse (048), whose rows keep the member's columns and the first and
	 * last month with meetings. "Meetings recorded in the window" is the last of those
	 * being in it: none is recorded after today (field.date_future). Joining members and
	 * every partition of member_life_months (041) per candidate took 28 s at the root.
	 */
	st = db_prepare(ctx->db,
			"SELECT k.member_id, k.org_id, k.ok_ym, k.state, k.join_date, k.first_ym FROM member_life k "
			"WHERE k.ok_ym < k.last_ym AND k.ok_ym < CAST(? AS INTEGER) AND k.org_path >= ? AND "
			"k.org_path < ? AND k.last_ym >= CAST(? AS INTEGER) AND k.state IN ('active', 'transferring') "
			"AND (k.join_date IS NULL OR k.join_date <= ?)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, w0);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	stmt_bind_int(st, 4, w0);
	stmt_bind_text(st, 5, from);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		memset(&l, 0, sizeof(l));
		l.member_id = stmt_int(st, 0);
		l.org_id = stmt_int(st, 1);
		l.ok_ym = (int)stmt_int(st, 2);
		l.state = stmt_text(st, 3) ? stmt_text(st, 3) : "";
		strlcpy_z(l.since, from, sizeof(l.since));
		stmt_text_copy(st, 4, join_ym, sizeof(join_ym));
		l.months = lapse_months(ctx, l.ok_ym, (int)stmt_int(st, 5), join_ym);
		if ((rc = fn(arg, &l)))
			break;
	}
	stmt_reset(st);
	if (rc)
		return rc;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int life_lapse_detail(struct ctx *ctx, int64_t member_id, struct life_lapse_names *out)
{
	struct stmt *st;
	struct date start;
	char from[11];
	int step;

	memset(out, 0, sizeof(*out));
	start = lapse_window(ctx, from);
	st = db_prepare(ctx->db,
			"SELECT m.name, o.name, (SELECT sum(l.meetings) FROM member_life_months l WHERE l.member_id = m.id "
			"AND l.year >= CAST(? AS INTEGER) AND l.year <= CAST(? AS INTEGER) AND l.year * 100 + l.month >= "
			"CAST(? AS INTEGER) AND l.year * 100 + l.month <= CAST(? AS INTEGER)) FROM members m "
			"JOIN orgs o ON o.id = m.org_id WHERE m.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	bind_window_months(st, 1, start, ctx->today);
	stmt_bind_int(st, 5, member_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		out->name = stmt_text(st, 0) ? xstrdup(stmt_text(st, 0)) : NULL;
		out->org_name = stmt_text(st, 1) ? xstrdup(stmt_text(st, 1)) : NULL;
		out->meetings_missed = stmt_int(st, 2);
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int life_list_paging(struct ctx *ctx, const char *lo, const char *hi, const struct compliance_opts *opts,
		     struct life_paging *p)
{
	struct subtree_page in = { 0, 0, 0 }, out;
	int rc;
	if (opts) {
		in.list_max = opts->list_max;
		in.page = opts->page;
		in.per_page = opts->per_page;
	}
	if ((rc = subtree_page_resolve(ctx, &in, lo, hi, &out, &p->large)))
		return rc;
	p->list_max = out.list_max;
	p->page = out.page;
	p->per_page = out.per_page;
	return 0;
}

static int at_risk_add(void *arg, const struct life_lapse *l)
{
	/* the compliance list names the members on the roll; a member being transferred is
	 * the receiving side's as soon as it confirms */
	if (strcmp(l->state, "active"))
		return 0;
	json_array_append_new((json_t *)arg, json_pack("{s:s, s:s, s:I, s:s?, s:I, s:s?, s:I, s:s, s:s}", "flag", "no_life",
						       "rule", "member.no_life", "member_id", (json_int_t)l->member_id,
						       "name", l->name, "org_id", (json_int_t)l->org_id, "org_name",
						       l->org_name, "meetings_missed", (json_int_t)l->meetings_missed,
						       "since", l->since, "proposal", "自行脱党"));
	return 0;
}

/* ---- a large subtree's list, one page ---- */

struct risk_row {
	int64_t member_id, org_id;
};

struct risk_rows {
	struct risk_row *v;
	size_t n, alloc;
};

static int at_risk_lean_add(void *arg, const struct life_lapse *l)
{
	struct risk_rows *r = arg;
	if (strcmp(l->state, "active"))
		return 0;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	r->v[r->n].member_id = l->member_id;
	r->v[r->n].org_id = l->org_id;
	r->n++;
	return 0;
}

static int risk_row_cmp(const void *a, const void *b)
{
	const struct risk_row *x = a, *y = b;
	if (x->org_id != y->org_id)
		return x->org_id < y->org_id ? -1 : 1;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

/* the members without life of [from, to) of the sorted rows, as at_risk_add writes them */
static int at_risk_page_life(struct ctx *ctx, const struct risk_rows *r, size_t from, size_t to, const char *since,
			     json_t *items)
{
	struct life_lapse_names d;
	size_t i;
	int rc;
	for (i = from; i < to; i++) {
		if ((rc = life_lapse_detail(ctx, r->v[i].member_id, &d)))
			return rc;
		json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:s?, s:I, s:s?, s:I, s:s, s:s}", "flag", "no_life",
						       "rule", "member.no_life", "member_id", (json_int_t)r->v[i].member_id,
						       "name", d.name, "org_id", (json_int_t)r->v[i].org_id, "org_name",
						       d.org_name, "meetings_missed", (json_int_t)d.meetings_missed, "since",
						       since, "proposal", "自行脱党"));
		free(d.name);
		free(d.org_name);
	}
	return 0;
}

#define LOST_WHERE                                                                                                 \
	"m.org_path >= ? AND m.org_path < ? AND m.state = 'active' AND m.lost_contact = 1 AND m.lost_since IS NOT NULL " \
	"AND m.lost_since <> '' AND m.lost_since <= ?"
#define LOST_SELECT "SELECT m.id, m.name, m.org_id, o.name, m.lost_since FROM members m JOIN orgs o ON o.id = m.org_id WHERE " LOST_WHERE
/*
 * The same members for a large subtree: those lost contact are a few of a province, read
 * from the partial index members_lost (048) where the path range read all 10,000,000 rows
 * (SQLite 14 s, PostgreSQL's parallel scan 2-5 s). SQLite is told the index: without
 * statistics it would take the covering members_stats (036) for the path.
 */
#define LOST_FROM_LEAN(pg) ((pg) ? "FROM members m WHERE " : "FROM members m INDEXED BY members_lost WHERE ")

static void lost_append(struct stmt *st, json_t *items)
{
	json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:s?, s:I, s:s?, s:s?, s:s}", "flag", "lost_contact", "rule",
					       "member.lost_contact", "member_id", (json_int_t)stmt_int(st, 0), "name",
					       stmt_text(st, 1), "org_id", (json_int_t)stmt_int(st, 2), "org_name",
					       stmt_text(st, 3), "since", stmt_text(st, 4), "proposal", "停止党籍"));
}

/* the members lost contact of a small subtree, all of them */
static int at_risk_lost(struct ctx *ctx, const char *lo, const char *hi, const char *cut, json_t *items)
{
	struct stmt *st;
	int step;
	st = db_prepare(ctx->db, LOST_SELECT " ORDER BY m.org_id, m.id", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, cut);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		lost_append(st, items);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * Those of a large subtree: how many, and rows [offset, offset + limit) of them in the
 * same order, named after the page is chosen.
 */
static int at_risk_lost_page(struct ctx *ctx, const char *lo, const char *hi, const char *cut, int64_t offset,
			     int64_t limit, json_t *items, int64_t *count)
{
	struct stmt *st;
	int step, pg = !strcmp(db_backend(ctx->db), "postgres");
	struct strbuf sql = STRBUF_INIT;
	strbuf_addf(&sql, "SELECT count(*) %s" LOST_WHERE, LOST_FROM_LEAN(pg));
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	strbuf_release(&sql);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, cut);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		*count = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (limit <= 0 || offset >= *count)
		return 0;
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT m.id, m.name, m.org_id, o.name, m.lost_since FROM (SELECT m.id %s" LOST_WHERE
		    " ORDER BY m.org_id, m.id LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)) p "
		    "JOIN members m ON m.id = p.id JOIN orgs o ON o.id = m.org_id ORDER BY m.org_id, m.id",
		    LOST_FROM_LEAN(pg));
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	strbuf_release(&sql);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, cut);
	stmt_bind_int(st, 4, limit);
	stmt_bind_int(st, 5, offset);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		lost_append(st, items);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/*
 * A large subtree: the members without life from the lean scan (ids and orgs only, sorted
 * here), the lost contact counted; names and details read for the page's rows alone.
 */
static int at_risk_large(struct ctx *ctx, const char *lo, const char *hi, const char *since, const char *cut,
			 const struct life_paging *p, json_t *items, int64_t *n_life, int64_t *n_lost)
{
	struct risk_rows r = { 0 };
	size_t from, to;
	int64_t skip = (int64_t)(p->page - 1) * p->per_page, left;
	int rc;

	if ((rc = life_lapse_scan_lean(ctx, lo, hi, at_risk_lean_add, &r)))
		goto out;
	if (r.n)
		qsort(r.v, r.n, sizeof(*r.v), risk_row_cmp);
	*n_life = (int64_t)r.n;
	from = skip < (int64_t)r.n ? (size_t)skip : r.n;
	to = r.n - from > (size_t)p->per_page ? from + (size_t)p->per_page : r.n;
	if ((rc = at_risk_page_life(ctx, &r, from, to, since, items)))
		goto out;
	left = p->per_page - (int64_t)(to - from);
	rc = at_risk_lost_page(ctx, lo, hi, cut, skip > (int64_t)r.n ? skip - (int64_t)r.n : 0, left, items, n_lost);
out:
	free(r.v);
	return rc;
}

int compliance_at_risk(struct ctx *ctx, int64_t org_id, json_t **out)
{
	return compliance_at_risk_opts(ctx, org_id, NULL, out);
}

int compliance_at_risk_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, json_t **out)
{
	struct org root;
	struct date cutoff;
	struct life_paging pg;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], from[11], today[11], cut[11];
	json_t *items;
	int64_t n_life = 0, n_lost = 0;
	int rc;

	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	(void)lapse_window(ctx, from);
	date_format(ctx->today, today);
	cutoff = date_add_months(ctx->today, -AT_RISK_MONTHS);
	date_format(cutoff, cut);
	if ((rc = life_list_paging(ctx, lo, hi, opts, &pg)))
		return rc;

	items = json_array();
	if (pg.large)
		rc = at_risk_large(ctx, lo, hi, from, cut, &pg, items, &n_life, &n_lost);
	else if (!(rc = life_lapse_scan(ctx, lo, hi, at_risk_add, items)))
		rc = at_risk_lost(ctx, lo, hi, cut, items);
	if (rc) {
		json_decref(items);
		return rc;
	}
	if (!pg.large) {
		*out = json_pack("{s:s, s:{s:s, s:s}, s:s, s:I, s:o}", "today", today, "window", "from", from, "to", today,
				 "lost_before", cut, "total", (json_int_t)json_array_size(items), "items", items);
		return 0;
	}
	*out = json_pack("{s:s, s:{s:s, s:s}, s:s, s:I, s:{s:I, s:I}, s:i, s:i, s:o}", "today", today, "window", "from",
			 from, "to", today, "lost_before", cut, "total", (json_int_t)(n_life + n_lost), "counts", "no_life",
			 (json_int_t)n_life, "lost_contact", (json_int_t)n_lost, "page", pg.page, "per_page", pg.per_page,
			 "items", items);
	return 0;
}
