/*
 * 自行脱党 warnings (see lapse.h). Three reads of the subtree, each small: the members
 * without organizational life (life_lapse_scan, the figures kept by 014: the same
 * reading as compliance_at_risk), the members whose dues stopped 6 months ago or more
 * (members.dues_from and dues_paid_to, kept by the dues writes, so no ledger scan), and
 * the excuses in force. They are merged here by member in C.
 */
#include "domain/lapse.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/dues.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define EXCUSE_NOT_FOUND_MSG "该正当理由记录不存在或不在您的管理范围内"

int lapse_dues_run(const char *dues_from, const char *first_base, const char *paid_to, struct date today)
{
	int from = dues_ym_parse(dues_from), base = dues_ym_parse(first_base), paid = dues_ym_parse(paid_to);
	int prev = dues_ym_of(today) - 1, start;
	/* nothing is owed before the first base (未核定): a registry just imported has no arrears */
	if (from < 0 || base < 0)
		return 0;
	if (base > from)
		from = base;
	start = paid >= 0 && paid + 1 > from ? paid + 1 : from;
	return prev >= start ? prev - start + 1 : 0;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "lapse.role", "只有支部书记或管理员可以查看脱党预警");
	return 0;
}

struct entry {
	int64_t member_id, org_id, excuse_id;
	char *name, *org_name;   /* NULL in a lean read until printed (lapse_fill) */
	char state[16];
	int life_months, dues_months, no_life, no_dues;
	int64_t meetings_missed;
	int ok_ym;
	char dues_from[8], paid_to[8];
	char *reason;
	char until[8], recorded_name[64], created_at[24];
};

struct entries {
	struct entry *v;
	size_t n, cap;
	struct date today;
};

static struct entry *entry_add(struct entries *es, int64_t member_id)
{
	struct entry *e;
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->v = xreallocarray(es->v, es->cap, sizeof(*es->v));
	}
	e = &es->v[es->n++];
	memset(e, 0, sizeof(*e));
	e->member_id = member_id;
	return e;
}

static void entry_free(struct entry *e)
{
	free(e->reason);
	free(e->name);
	free(e->org_name);
	e->reason = e->name = e->org_name = NULL;
}

static void entries_release(struct entries *es)
{
	size_t i;
	for (i = 0; i < es->n; i++)
		entry_free(&es->v[i]);
	free(es->v);
	memset(es, 0, sizeof(*es));
}

static int life_add(void *arg, const struct life_lapse *l)
{
	struct entry *e = entry_add(arg, l->member_id);
	e->org_id = l->org_id;
	/* a lean scan names no one: the printed rows are named by lapse_fill */
	if (l->name || l->org_name) {
		e->name = xstrdup(l->name ? l->name : "");
		e->org_name = xstrdup(l->org_name ? l->org_name : "");
	}
	strlcpy_z(e->state, l->state ? l->state : "", sizeof(e->state));
	e->no_life = 1;
	e->life_months = l->months;
	e->meetings_missed = l->meetings_missed;
	e->ok_ym = l->ok_ym;
	return 0;
}

/* a member's first dues base: the run starts no earlier (see lapse_dues_run) */
#define FIRST_BASE_SQL "(SELECT min(b.from_month) FROM dues_bases b WHERE b.member_id = m.id)"

/* members whose dues run reaches LAPSE_MONTHS: max(paid_to + 1, dues_from, first base) <= cut;
 * the month paid to last (NULL: never paid, or paid_to < cut) is added by load_dues */
#define DUES_WHERE                                                                                             \
	"m.org_path >= ? AND m.org_path < ? AND m.state IN ('active', 'transferring') AND m.dues_from IS NOT NULL " \
	"AND m.dues_from <> '' AND m.dues_from <= ? AND " FIRST_BASE_SQL " <= ? AND "

/*
 * lean: no names (NULL name and org name, the orgs not joined), and the members read by the
 * month paid to (members_dues_paid, 048) in two ranges, never paid and paid before the cut:
 * a few of a province, where the path range read every member's row (10,000,000, 15 s).
 */
static int load_dues(struct ctx *ctx, const char *lo, const char *hi, int lean, struct entries *es)
{
	static const char *const paid[] = { "(m.dues_paid_to IS NULL OR m.dues_paid_to < ?)", "m.dues_paid_to IS NULL",
					     "m.dues_paid_to < ?" };
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char cut[8];
	int step = STEP_DONE, pass, last = lean ? 2 : 0;
	dues_ym_format(dues_ym_of(ctx->today) - LAPSE_MONTHS, cut);
	for (pass = lean ? 1 : 0; pass <= last && step == STEP_DONE; pass++) {
		strbuf_reset(&sql);
		if (lean)
			strbuf_addf(&sql, "SELECT m.id, NULL, m.org_id, NULL, m.state, m.dues_from, m.dues_paid_to, "
					  FIRST_BASE_SQL " FROM members m %sWHERE " DUES_WHERE "%s",
				    ctx_is_pg(ctx) ? "" : "INDEXED BY members_dues_paid ", paid[pass]);
		else
			strbuf_addf(&sql, "SELECT m.id, m.name, m.org_id, o.name, m.state, m.dues_from, m.dues_paid_to, "
					  FIRST_BASE_SQL " FROM members m JOIN orgs o ON o.id = m.org_id WHERE " DUES_WHERE "%s",
				    paid[pass]);
		st = db_prepare(ctx->db, sql.buf, &ctx->err);
		if (!st) {
			strbuf_release(&sql);
			return E_DB;
		}
		stmt_bind_text(st, 1, lo);
		stmt_bind_text(st, 2, hi);
		stmt_bind_text(st, 3, cut);
		stmt_bind_text(st, 4, cut);
		if (pass != 1)
			stmt_bind_text(st, 5, cut);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			struct entry *e = entry_add(es, stmt_int(st, 0));
			if (!lean) {
				e->name = xstrdup(stmt_text(st, 1) ? stmt_text(st, 1) : "");
				e->org_name = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
			}
			e->org_id = stmt_int(st, 2);
			stmt_text_copy(st, 4, e->state, sizeof(e->state));
			stmt_text_copy(st, 5, e->dues_from, sizeof(e->dues_from));
			stmt_text_copy(st, 6, e->paid_to, sizeof(e->paid_to));
			e->dues_months = lapse_dues_run(e->dues_from, stmt_text(st, 7), e->paid_to, ctx->today);
			e->no_dues = e->dues_months >= LAPSE_MONTHS;
		}
		stmt_reset(st);
	}
	strbuf_release(&sql);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

#define EXCUSE_COLS                                                                                           \
	"SELECT e.id, e.member_id, e.reason, e.until_month, e.recorded_name, e.created_at, m.name, m.org_id, o.name, " \
	"m.state, m.dues_from, m.dues_paid_to, " FIRST_BASE_SQL
#define EXCUSE_WHERE                                                                                 \
	"e.until_month >= ? AND m.org_path >= ? AND m.org_path < ? AND m.state IN ('active', " \
	"'transferring') ORDER BY e.member_id, e.until_month DESC, e.id DESC"

/*
 * The excuses in force (until_month >= this month), the latest per member first. A large
 * subtree reads them from the excuses' side (CROSS JOIN keeps that order on SQLite), where
 * SQLite went through the province's 10,000,000 members for them (2.8 s).
 */
static int load_excuses(struct ctx *ctx, const char *lo, const char *hi, int large, struct entries *es)
{
	struct stmt *st;
	char month[8];
	int step;
	dues_ym_format(dues_ym_of(ctx->today), month);
	st = db_prepare(ctx->db,
			large ? EXCUSE_COLS " FROM lapse_excuses e CROSS JOIN members m CROSS JOIN orgs o WHERE m.id = "
					    "e.member_id AND o.id = m.org_id AND " EXCUSE_WHERE
			      : EXCUSE_COLS " FROM lapse_excuses e JOIN members m ON m.id = e.member_id JOIN orgs o ON "
					    "o.id = m.org_id WHERE " EXCUSE_WHERE,
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, month);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct entry *e;
		if (es->n && es->v[es->n - 1].member_id == stmt_int(st, 1) && es->v[es->n - 1].excuse_id)
			continue;
		e = entry_add(es, stmt_int(st, 1));
		e->excuse_id = stmt_int(st, 0);
		e->reason = xstrdup(stmt_text(st, 2) ? stmt_text(st, 2) : "");
		stmt_text_copy(st, 3, e->until, sizeof(e->until));
		stmt_text_copy(st, 4, e->recorded_name, sizeof(e->recorded_name));
		stmt_text_copy(st, 5, e->created_at, sizeof(e->created_at));
		e->name = xstrdup(stmt_text(st, 6) ? stmt_text(st, 6) : "");
		e->org_id = stmt_int(st, 7);
		e->org_name = xstrdup(stmt_text(st, 8) ? stmt_text(st, 8) : "");
		stmt_text_copy(st, 9, e->state, sizeof(e->state));
		stmt_text_copy(st, 10, e->dues_from, sizeof(e->dues_from));
		stmt_text_copy(st, 11, e->paid_to, sizeof(e->paid_to));
		e->dues_months = lapse_dues_run(e->dues_from, stmt_text(st, 12), e->paid_to, ctx->today);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int by_member(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

/* one entry per member: the reasons and figures of every source folded together */
static void fold(struct entries *es)
{
	size_t i, k = 0;
	if (!es->n)
		return;
	qsort(es->v, es->n, sizeof(*es->v), by_member);
	for (i = 1; i < es->n; i++) {
		struct entry *d = &es->v[k], *s = &es->v[i];
		if (s->member_id != d->member_id) {
			es->v[++k] = *s;
			continue;
		}
		if (s->no_life) {
			d->no_life = 1;
			d->life_months = s->life_months;
			d->meetings_missed = s->meetings_missed;
			d->ok_ym = s->ok_ym;
		}
		if (s->no_dues)
			d->no_dues = 1;
		if (s->dues_months > d->dues_months)
			d->dues_months = s->dues_months;
		if (!d->dues_from[0])
			strlcpy_z(d->dues_from, s->dues_from, sizeof(d->dues_from));
		if (!d->paid_to[0])
			strlcpy_z(d->paid_to, s->paid_to, sizeof(d->paid_to));
		if (s->excuse_id && !d->excuse_id) {
			d->excuse_id = s->excuse_id;
			d->reason = s->reason;
			s->reason = NULL;
			strlcpy_z(d->until, s->until, sizeof(d->until));
			strlcpy_z(d->recorded_name, s->recorded_name, sizeof(d->recorded_name));
			strlcpy_z(d->created_at, s->created_at, sizeof(d->created_at));
		}
		if (!d->name) {
			d->name = s->name;
			d->org_name = s->org_name;
			s->name = s->org_name = NULL;
		}
		entry_free(s);
	}
	es->n = k + 1;
}

static int severity(const struct entry *e)
{
	int a = e->no_life ? e->life_months : 0, b = e->no_dues ? e->dues_months : 0;
	int m = a > b ? a : b;
	return (e->no_life + e->no_dues) * 1000 + (m > 999 ? 999 : m);
}

static int by_severity(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int sx = severity(x), sy = severity(y);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->org_id != y->org_id)
		return x->org_id < y->org_id ? -1 : 1;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

static json_t *entry_json(const struct entry *e)
{
	json_t *reasons = json_array(), *j;
	char last[8] = "";
	if (e->no_life)
		json_array_append_new(reasons, json_string("no_life"));
	if (e->no_dues)
		json_array_append_new(reasons, json_string("no_dues"));
	char text[96] = "";
	if (e->ok_ym)
		xsnprintf(last, sizeof(last), "%04d-%02d", e->ok_ym / 100, e->ok_ym % 100);
	if (e->no_life && e->no_dues)
		xsnprintf(text, sizeof(text), "连续%d个月未参加组织生活；连续%d个月未交党费", e->life_months, e->dues_months);
	else if (e->no_life)
		xsnprintf(text, sizeof(text), "连续%d个月未参加组织生活", e->life_months);
	else if (e->no_dues)
		xsnprintf(text, sizeof(text), "连续%d个月未交党费", e->dues_months);
	j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:i, s:I, s:o, s:i, s:o, s:o, s:i}", "member_id",
		      (json_int_t)e->member_id, "name", e->name ? e->name : "", "org_id", (json_int_t)e->org_id, "org_name",
		      e->org_name ? e->org_name : "",
		      "state", e->state, "reasons", reasons, "life_months", e->no_life ? e->life_months : 0,
		      "meetings_missed", (json_int_t)e->meetings_missed, "last_life_month", json_str_or_null(last),
		      "dues_months", e->dues_months, "dues_from", json_str_or_null(e->dues_from), "dues_paid_to",
		      json_str_or_null(e->paid_to), "severity", severity(e));
	json_object_set_new(j, "reason_text", json_string(text));
	if (e->excuse_id)
		json_object_set_new(j, "excuse",
				    json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)e->excuse_id, "reason",
					      e->reason ? e->reason : "", "until_month", e->until, "recorded_name",
					      json_str_or_null(e->recorded_name), "created_at", e->created_at));
	return j;
}

struct branch {
	int64_t org_id;
	const char *name;        /* an entry's org_name: NULL in a lean read unless printed */
	int warnings, no_life, no_dues, both, excused, printed;
};

static int by_org(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->org_id != y->org_id)
		return x->org_id < y->org_id ? -1 : 1;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

/* the counts per branch, in org order */
static struct branch *count_branches(struct entries *es, size_t *n)
{
	struct branch *bv = NULL, *br = NULL;
	size_t i, alloc = 0;
	*n = 0;
	if (es->n)
		qsort(es->v, es->n, sizeof(*es->v), by_org);
	for (i = 0; i < es->n; i++) {
		const struct entry *e = &es->v[i];
		if (!br || e->org_id != br->org_id) {
			ALLOC_GROW(bv, *n + 1, alloc);
			br = &bv[(*n)++];
			memset(br, 0, sizeof(*br));
			br->org_id = e->org_id;
			br->name = e->org_name;
		}
		if (e->excuse_id) {
			br->excused++;
			continue;
		}
		br->warnings++;
		br->no_life += e->no_life;
		br->no_dues += e->no_dues;
		br->both += e->no_life && e->no_dues;
	}
	return bv;
}

static json_t *branch_json(const struct branch *b)
{
	return json_pack("{s:I, s:s, s:i, s:i, s:i, s:i, s:i}", "org_id", (json_int_t)b->org_id, "name",
			 b->name ? b->name : "", "warnings", b->warnings, "no_life", b->no_life, "no_dues", b->no_dues,
			 "both", b->both, "excused", b->excused);
}

static int branch_cmp(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key, o = ((const struct branch *)elem)->org_id;
	return id < o ? -1 : id > o;
}

/* a printed entry of a lean read: its name, its org's name and the window's meetings */
static int lapse_fill(struct ctx *ctx, struct entry *e, struct branch *bv, size_t nb)
{
	struct life_lapse_names d;
	struct branch *b;
	int rc;
	if ((rc = life_lapse_detail(ctx, e->member_id, &d)))
		return rc;
	/* an excused member was named by its excuse's read */
	if (!e->name) {
		e->name = d.name ? d.name : xstrdup("");
		e->org_name = d.org_name ? d.org_name : xstrdup("");
		d.name = d.org_name = NULL;
	}
	free(d.name);
	free(d.org_name);
	if (e->no_life)
		e->meetings_missed = d.meetings_missed;
	b = nb ? bsearch(&e->org_id, bv, nb, sizeof(*bv), branch_cmp) : NULL;
	if (b) {
		b->printed = 1;
		if (!b->name)
			b->name = e->org_name;
	}
	return 0;
}

/* one page of a list: [*from, *to) of n */
static void page_range(const struct life_paging *p, size_t n, size_t *from, size_t *to)
{
	size_t skip = (size_t)(p->page - 1) * (size_t)p->per_page;
	*from = skip < n ? skip : n;
	*to = n - *from > (size_t)p->per_page ? *from + (size_t)p->per_page : n;
}

/*
 * The reply: every item and excused member and every branch, or in a large subtree one
 * page of the items and one of the excused (the same page), the branches of the members
 * printed, and the counts of all of them. es is in severity order; bv in org order.
 */
static int lapse_reply(struct ctx *ctx, const struct org *root, struct entries *es, struct branch *bv, size_t nb,
		       const struct life_paging *p, json_t **out)
{
	json_t *items = json_array(), *excused = json_array(), *branches = json_array(), *j;
	size_t i, n_items = 0, n_exc = 0, fi = 0, ti = SIZE_MAX, fe = 0, te = SIZE_MAX, ki = 0, ke = 0;
	int64_t counts[5] = { 0 };
	char today[11], month[8];
	int rc = 0;

	for (i = 0; i < es->n; i++)
		n_exc += es->v[i].excuse_id != 0;
	n_items = es->n - n_exc;
	if (p->large) {
		page_range(p, n_items, &fi, &ti);
		page_range(p, n_exc, &fe, &te);
	}
	for (i = 0; i < es->n && !rc; i++) {
		struct entry *e = &es->v[i];
		size_t k = e->excuse_id ? ke++ : ki++;
		int shown = e->excuse_id ? k >= fe && k < te : k >= fi && k < ti;
		if (!shown)
			continue;
		if (p->large && (rc = lapse_fill(ctx, e, bv, nb)))
			break;
		json_array_append_new(e->excuse_id ? excused : items, entry_json(e));
	}
	for (i = 0; i < nb && !rc; i++) {
		counts[0] += bv[i].warnings;
		counts[1] += bv[i].no_life;
		counts[2] += bv[i].no_dues;
		counts[3] += bv[i].both;
		counts[4] += bv[i].excused;
		if (!p->large || bv[i].printed)
			json_array_append_new(branches, branch_json(&bv[i]));
	}
	if (rc) {
		json_decref(items);
		json_decref(excused);
		json_decref(branches);
		return rc;
	}
	date_format(ctx->today, today);
	dues_ym_format(dues_ym_of(ctx->today), month);
	j = json_pack("{s:s, s:s, s:i, s:{s:I, s:s}, s:I, s:o, s:o, s:o}", "today", today, "month", month, "threshold",
		      LAPSE_MONTHS, "org", "id", (json_int_t)root->id, "name", root->name, "total", (json_int_t)n_items,
		      "items", items, "excused", excused, "branches", branches);
	if (p->large) {
		json_object_set_new(j, "counts",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}", "warnings", (json_int_t)counts[0], "no_life",
					      (json_int_t)counts[1], "no_dues", (json_int_t)counts[2], "both",
					      (json_int_t)counts[3], "excused", (json_int_t)counts[4]));
		json_object_set_new(j, "excused_total", json_integer((json_int_t)n_exc));
		json_object_set_new(j, "branches_total", json_integer((json_int_t)nb));
		json_object_set_new(j, "page", json_integer(p->page));
		json_object_set_new(j, "per_page", json_integer(p->per_page));
	}
	*out = j;
	return 0;
}

int lapse_warnings(struct ctx *ctx, int64_t org_id, json_t **out)
{
	return lapse_warnings_opts(ctx, org_id, NULL, out);
}

int lapse_warnings_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, json_t **out)
{
	struct org root;
	struct entries es;
	struct life_paging pg;
	struct branch *bv = NULL;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	size_t nb = 0;
	int rc;

	*out = NULL;
	memset(&es, 0, sizeof(es));
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	if ((rc = life_list_paging(ctx, lo, hi, opts, &pg)))
		return rc;
	/* a large subtree is read without names: those of the page's rows are read at the end */
	if ((rc = (pg.large ? life_lapse_scan_lean : life_lapse_scan)(ctx, lo, hi, life_add, &es)) ||
	    (rc = load_dues(ctx, lo, hi, pg.large, &es)) || (rc = load_excuses(ctx, lo, hi, pg.large, &es)))
		goto out;
	fold(&es);
	bv = count_branches(&es, &nb);
	if (es.n)
		qsort(es.v, es.n, sizeof(*es.v), by_severity);
	rc = lapse_reply(ctx, &root, &es, bv, nb, &pg, out);
out:
	free(bv);
	entries_release(&es);
	return rc;
}

/* ---- excuses ----------------------------------------------------------------------- */

static json_t *excuse_json(struct ctx *ctx, int64_t id, char *path, size_t size)
{
	struct stmt *st;
	json_t *j = NULL;
	int step;
	st = db_prepare(ctx->db,
			"SELECT e.id, e.member_id, m.name, e.reason, e.until_month, e.recorded_name, e.created_at, m.org_path "
			"FROM lapse_excuses e JOIN members m ON m.id = e.member_id WHERE e.id = ?",
			&ctx->err);
	if (!st)
		return NULL;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		j = json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:o, s:s?}", "id", (json_int_t)stmt_int(st, 0), "member_id",
			      (json_int_t)stmt_int(st, 1), "member_name", stmt_text(st, 2), "reason", stmt_text(st, 3),
			      "until_month", stmt_text(st, 4), "recorded_name", json_str_or_null(stmt_text(st, 5)),
			      "created_at", stmt_text(st, 6));
		if (path)
			stmt_text_copy(st, 7, path, size);
	}
	stmt_reset(st);
	return j;
}

int lapse_excuse_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct stmt *st;
	json_t *v, *ja = NULL;
	const char *reason, *until;
	char path[PATH_MAX_LEN] = "", state[16] = "", name[128] = "";
	int64_t member_id;
	int rc, step, cur = ctx->today.y * 12 + ctx->today.m - 1, u, found = 0;

	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "member_id", "党员", &member_id)))
		return rc;
	v = json_object_get(body, "reason");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "reason", NULL, "字段 reason 必须是字符串");
	reason = json_is_string(v) ? json_string_value(v) : "";
	if (!reason[0])
		return err_set(&ctx->err, E_INVALID, "reason", "field.required", "正当理由不能为空");
	if (strlen(reason) > LAPSE_REASON_MAX_CHARS * 4 || !text_is_clean(reason) || utf8_chars(reason) > LAPSE_REASON_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, "reason", "field.text", "正当理由不是有效文本或超过 %d 个字",
			       LAPSE_REASON_MAX_CHARS);
	v = json_object_get(body, "until_month");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "until_month", NULL, "字段 until_month 必须是字符串");
	until = json_is_string(v) ? json_string_value(v) : "";
	if (!until[0])
		return err_set(&ctx->err, E_INVALID, "until_month", "field.required", "请填写理由有效至哪个月");
	u = strlen(until) == 7 ? dues_ym_parse(until) : -1;
	if (u < 0)
		return err_set(&ctx->err, E_INVALID, "until_month", "field.month", "有效月份格式为 YYYY-MM");
	if (u < cur || u > cur + LAPSE_EXCUSE_MAX_MONTHS)
		return err_set(&ctx->err, E_INVALID, "until_month", "lapse.until_month", "有效月份须在本月至 %d 个月之内",
			       LAPSE_EXCUSE_MAX_MONTHS);

	st = db_prepare(ctx->db, "SELECT org_path, state, name FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		found = 1;
		stmt_text_copy(st, 0, path, sizeof(path));
		stmt_text_copy(st, 1, state, sizeof(state));
		stmt_text_copy(st, 2, name, sizeof(name));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_INVALID, "member_id", "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内",
			       member_id);
	if (strcmp(state, "active") && strcmp(state, "transferring"))
		return err_set(&ctx->err, E_CONFLICT, "member_id", "lapse.member_state", "%s不是在册党员", name);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO lapse_excuses (member_id, reason, until_month, recorded_by, recorded_name, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, member_id);
	stmt_bind_text(st, 2, reason);
	stmt_bind_text(st, 3, until);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 4, ctx->actor.user_id);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, ctx->actor.username[0] ? ctx->actor.username : NULL);
	stmt_bind_text(st, 6, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if (!(ja = excuse_json(ctx, *id, NULL, 0))) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = audit_append(ctx, "create", "lapse_excuse", *id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	json_decref(ja);
	return 0;
rollback:
	db_rollback(ctx->db);
	json_decref(ja);
	*id = 0;
	return rc;
}

int lapse_excuse_delete(struct ctx *ctx, int64_t id)
{
	struct stmt *st;
	json_t *jb;
	char path[PATH_MAX_LEN] = "";
	int rc;
	if ((rc = require_officer(ctx)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	jb = excuse_json(ctx, id, path, sizeof(path));
	if (!jb || !ctx_path_in_scope(ctx, path)) {
		rc = ctx->err.code == E_DB ? E_DB : err_set(&ctx->err, E_NOTFOUND, NULL, NULL, EXCUSE_NOT_FOUND_MSG);
		goto rollback;
	}
	st = db_prepare(ctx->db, "DELETE FROM lapse_excuses WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if ((rc = audit_append(ctx, "delete", "lapse_excuse", id, jb, NULL)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	json_decref(jb);
	return 0;
rollback:
	db_rollback(ctx->db);
	json_decref(jb);
	return rc;
}
