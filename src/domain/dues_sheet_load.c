/*
 * The bulk loader of the 收缴表 and the 上缴汇总 (see dues_sheet_internal.h). The member
 * query drives by org_path (members_path_name); the others join members the same way and
 * reach dues_bases / dues_months through their (member_id, month) keys; rows are matched
 * to members by a binary search over their ids, never one query per member.
 */
#include "domain/dues_sheet_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

void sheet_loader_release(struct sheet_loader *l)
{
	size_t k;
	for (k = 0; k < l->nmems; k++) {
		free(l->mems[k].name);
		free(l->mems[k].path);
	}
	for (k = 0; k < l->nmonths; k++) {
		free(l->months[k].receipt_no);
		free(l->months[k].org_path);
	}
	for (k = 0; k < l->nmoves; k++) {
		free(l->moves[k].from_path);
		free(l->moves[k].to_path);
	}
	free(l->moves);
	free(l->extra_ids);
	for (k = 0; k < l->norgs; k++)
		free(l->orgs[k].name);
	free(l->mems);
	free(l->by_id);
	free(l->bases);
	free(l->base_rows);
	free(l->reds);
	free(l->red_rows);
	free(l->months);
	free(l->past);
	free(l->orgs);
}


/* org paths in tree order: component by component as numbers ("/1/2/" before "/1/10/") */
static int cmp_path(const char *a, const char *b)
{
	while (*a && *b) {
		size_t la, lb;
		int c;
		if (*a == '/' || *b == '/') {
			if (*a != *b)
				return *a == '/' ? -1 : 1;
			a++;
			b++;
			continue;
		}
		la = strspn(a, "0123456789");
		lb = strspn(b, "0123456789");
		if (la != lb)
			return la < lb ? -1 : 1;
		if ((c = strncmp(a, b, la)))
			return c;
		a += la;
		b += lb;
		if (!la)
			return strcmp(a, b);
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_mem_order(const void *a, const void *b)
{
	const struct sl_mem *x = a, *y = b;
	int c = cmp_path(x->path, y->path);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int cmp_by_id(const void *a, const void *b)
{
	int64_t x = ((const struct sl_id *)a)->id, y = ((const struct sl_id *)b)->id;
	return (x > y) - (x < y);
}

int sheet_find_member(const struct sheet_loader *l, int64_t id)
{
	size_t lo = 0, hi = l->nmems;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int64_t v = l->by_id[mid].id;
		if (v == id)
			return l->by_id[mid].idx;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* a prepared statement with the subtree's path range as parameters 1 and 2 */
static struct stmt *prepare_range(struct sheet_loader *l, const char *sql)
{
	struct stmt *st = db_prepare(l->ctx->db, sql, &l->ctx->err);
	if (st) {
		stmt_bind_text(st, 1, l->lo);
		stmt_bind_text(st, 2, l->hi);
	}
	return st;
}

/*
 * Pass 0: the subtree's current members (the path range as parameters 1 and 2); pass 1:
 * the members who moved out of it in or after the period (their ids, no parameter). fmt
 * has one %s for the filter; *np is the number of parameters it took.
 */
static struct stmt *prepare_pass(struct sheet_loader *l, int pass, const char *fmt, int *np)
{
	struct strbuf sb;
	struct stmt *st;
	strbuf_init(&sb, 512);
	strbuf_addf(&sb, fmt, pass ? l->extra_ids : "m.org_path >= ? AND m.org_path < ? AND " SHEET_MEMBER_STATES);
	st = db_prepare(l->ctx->db, sb.buf, &l->ctx->err);
	strbuf_release(&sb);
	*np = pass ? 0 : 2;
	if (st && !pass) {
		stmt_bind_text(st, 1, l->lo);
		stmt_bind_text(st, 2, l->hi);
	}
	return st;
}

/* one pass, or two when members moved out of the subtree */
#define SHEET_PASSES(l) ((l)->extra_ids ? 2 : 1)

int sheet_finish(struct sheet_loader *l, struct stmt *st, int step)
{
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(l->ctx);
}

/* dues_from as dues_arrears reads it: the recorded month, else the month of 入党 */
#define DUES_FROM "COALESCE(m.dues_from, substr(m.join_date, 1, 7))"

/*
 * With count_rows, each member's dues_months rows from dues_from to the month before the
 * current one, counted in the store through the (member_id, month) key: the arrears
 * without fetching the rows. (Bounding it by the first base too, in SQL, would evaluate
 * that base's subquery once per row; arrears_months takes the few rows before the first
 * base off in C instead.)
 */
static int load_members_pass(struct sheet_loader *l, int pass)
{
	struct stmt *st;
	char cur[8];
	int step, np;
	if (l->count_rows) {
		/* the filter's parameters come after the subquery's: bound here, not by prepare_pass */
		struct strbuf sb;
		strbuf_init(&sb, 512);
		strbuf_addf(&sb, "SELECT m.id, m.org_id, m.name, m.org_path, " DUES_FROM ", m.group_id, "
				 "(SELECT count(*) FROM dues_months d WHERE d.member_id = m.id AND d.month < ? AND d.month >= " DUES_FROM ") "
				 "FROM members m WHERE %s",
			    pass ? l->extra_ids : "m.org_path >= ? AND m.org_path < ? AND " SHEET_MEMBER_STATES);
		st = db_prepare(l->ctx->db, sb.buf, &l->ctx->err);
		strbuf_release(&sb);
		if (st) {
			dues_ym_format(l->current, cur);
			stmt_bind_text(st, 1, cur);
			if (!pass) {
				stmt_bind_text(st, 2, l->lo);
				stmt_bind_text(st, 3, l->hi);
			}
		}
	} else {
		st = prepare_pass(l, pass, "SELECT m.id, m.org_id, m.name, m.org_path, " DUES_FROM ", m.group_id FROM members m WHERE %s", &np);
	}
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		struct sl_mem *m;
		if (!pass && l->group_id && stmt_int(st, 5) != l->group_id)
			continue;
		ALLOC_GROW(l->mems, l->nmems + 1, l->amems);
		m = &l->mems[l->nmems++];
		memset(m, 0, sizeof(*m));
		m->id = stmt_int(st, 0);
		m->org_id = stmt_int(st, 1);
		m->name = xstrdup(stmt_text(st, 2) ? stmt_text(st, 2) : "");
		m->path = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
		m->plan.dues_from = dues_ym_parse(stmt_text(st, 4));
		if (l->count_rows)
			m->paid_rows = (int)stmt_int(st, 6);
		m->current = !pass;
	}
	return sheet_finish(l, st, step);
}

static void index_members(struct sheet_loader *l)
{
	size_t k;
	/* grouped by branch (path, in tree order), then by name in byte order: the same on both backends */
	if (l->nmems)
		qsort(l->mems, l->nmems, sizeof(*l->mems), cmp_mem_order);
	/* (id, index) pairs: qsort has no context argument, and requests run on several threads */
	l->by_id = xcalloc(l->nmems + 1, sizeof(*l->by_id));
	for (k = 0; k < l->nmems; k++) {
		l->by_id[k].id = l->mems[k].id;
		l->by_id[k].idx = (int)k;
	}
	if (l->nmems)
		qsort(l->by_id, l->nmems, sizeof(*l->by_id), cmp_by_id);
}

static int cmp_move(const void *a, const void *b)
{
	const struct sl_move *x = a, *y = b;
	if (x->member_id != y->member_id)
		return (x->member_id > y->member_id) - (x->member_id < y->member_id);
	return x->month != y->month ? (x->month > y->month) - (x->month < y->month) : (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * The confirmed transfers (and those out of the system) into or out of the subtree's orgs
 * in effect from the period's first month on, in one query driven by the orgs' path range
 * and the transfers' (org, status) indexes. A member with none is placed where they are now.
 */
#define MOVE_DATE "CASE WHEN t.status = 'sent' THEN t.issued_on ELSE t.decided_on END"
static int load_moves(struct sheet_loader *l)
{
	struct stmt *st;
	struct strbuf ids;
	char from[11];
	int step, nextra = 0;
	size_t k;
	if (l->group_id)
		return 0;  /* a 党小组's sheet: its members now (a move clears group_id) */
	st = db_prepare(l->ctx->db,
			"SELECT t.member_id, t.from_org_id, fo.path, COALESCE(t.to_org_id, 0), COALESCE(tg.path, ''), " MOVE_DATE ", t.id "
			"FROM orgs o JOIN transfers t ON t.from_org_id = o.id AND t.status IN ('confirmed', 'sent') "
			"JOIN orgs fo ON fo.id = t.from_org_id LEFT JOIN orgs tg ON tg.id = t.to_org_id "
			"WHERE o.path >= ? AND o.path < ? AND " MOVE_DATE " >= ? "
			"UNION "
			"SELECT t.member_id, t.from_org_id, fo.path, COALESCE(t.to_org_id, 0), COALESCE(tg.path, ''), " MOVE_DATE ", t.id "
			"FROM orgs o JOIN transfers t ON t.to_org_id = o.id AND t.status = 'confirmed' "
			"JOIN orgs fo ON fo.id = t.from_org_id LEFT JOIN orgs tg ON tg.id = t.to_org_id "
			"WHERE o.path >= ? AND o.path < ? AND " MOVE_DATE " >= ?",
			&l->ctx->err);
	if (!st)
		return E_DB;
	xsnprintf(from, sizeof(from), "%04d-%02d-01", l->first / 12, l->first % 12 + 1);
	stmt_bind_text(st, 1, l->lo);
	stmt_bind_text(st, 2, l->hi);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, l->lo);
	stmt_bind_text(st, 5, l->hi);
	stmt_bind_text(st, 6, from);
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		struct sl_move *mv;
		char ym[8];
		int month;
		stmt_text_copy(st, 5, ym, sizeof(ym));  /* YYYY-MM of the date */
		month = dues_ym_parse(ym);
		if (month < 0)
			continue;
		ALLOC_GROW(l->moves, l->nmoves + 1, l->amoves);
		mv = &l->moves[l->nmoves++];
		memset(mv, 0, sizeof(*mv));
		mv->member_id = stmt_int(st, 0);
		mv->from_org = stmt_int(st, 1);
		mv->from_path = xstrdup(stmt_text(st, 2) ? stmt_text(st, 2) : "");
		mv->to_org = stmt_int(st, 3);
		mv->to_path = xstrdup(stmt_text(st, 4) ? stmt_text(st, 4) : "");
		mv->month = month;
		mv->seq = (int)stmt_int(st, 6);
	}
	if ((step = sheet_finish(l, st, step)) || !l->nmoves)
		return step;
	qsort(l->moves, l->nmoves, sizeof(*l->moves), cmp_move);
	/* the members who moved out and are no longer in the subtree: a second pass by id */
	strbuf_init(&ids, 64);
	strbuf_addstr(&ids, "m.id IN (");
	for (k = 0; k < l->nmoves; k++) {
		if ((k && l->moves[k].member_id == l->moves[k - 1].member_id) || sheet_find_member(l, l->moves[k].member_id) >= 0)
			continue;
		strbuf_addf(&ids, "%s%" PRId64, nextra++ ? ", " : "", l->moves[k].member_id);
	}
	strbuf_addch(&ids, ')');
	if (nextra) {
		l->extra_ids = strbuf_detach(&ids, NULL);
		free(l->by_id);
		l->by_id = NULL;
		if ((step = load_members_pass(l, 1)))
			return step;
		index_members(l);
	} else {
		strbuf_release(&ids);
	}
	for (k = 0; k < l->nmoves; k++) {
		struct sl_move *mv = &l->moves[k];
		struct sl_mem *m;
		if ((mv->mi = sheet_find_member(l, mv->member_id)) < 0)
			continue;
		m = &l->mems[mv->mi];
		if (!m->moves_n)
			m->moves_first = (int)k;
		m->moves_n++;
	}
	return 0;
}

struct sl_at {
	const char *path, *name;
	int64_t id;
	int mi;
};

static int cmp_at(const void *a, const void *b)
{
	const struct sl_at *x = a, *y = b;
	int c = cmp_path(x->path, y->path);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

int *sheet_members_at(const struct sheet_loader *l, int month, size_t *n)
{
	int *out = xcalloc(l->nmems + 1, sizeof(int));
	struct sl_at *at;
	size_t k;
	*n = 0;
	if (!l->nmoves) {  /* nobody moved: the members as loaded, already in order */
		for (k = 0; k < l->nmems; k++)
			out[(*n)++] = (int)k;
		return out;
	}
	at = xcalloc(l->nmems + 1, sizeof(*at));
	for (k = 0; k < l->nmems; k++) {
		int64_t org;
		const char *path;
		if (!sheet_held_at(l, &l->mems[k], month, &org, &path))
			continue;
		at[*n].path = path;
		at[*n].name = l->mems[k].name;
		at[*n].id = l->mems[k].id;
		at[(*n)++].mi = (int)k;
	}
	if (*n)
		qsort(at, *n, sizeof(*at), cmp_at);
	for (k = 0; k < *n; k++)
		out[k] = at[k].mi;
	free(at);
	return out;
}

static int in_range(const struct sheet_loader *l, const char *path)
{
	return *path && strcmp(path, l->lo) >= 0 && strcmp(path, l->hi) < 0;
}

int sheet_held_at(const struct sheet_loader *l, const struct sl_mem *m, int month, int64_t *org_id, const char **path)
{
	int k;
	for (k = 0; k < m->moves_n; k++) {
		const struct sl_move *mv = &l->moves[m->moves_first + k];
		if (mv->month > month) {
			*org_id = mv->from_org;
			*path = mv->from_path;
			return in_range(l, mv->from_path);
		}
	}
	*org_id = m->org_id;
	*path = m->path;
	return m->current;
}

static int cmp_base(const void *a, const void *b)
{
	const struct sl_base *x = a, *y = b;
	return x->mi != y->mi ? (x->mi > y->mi) - (x->mi < y->mi) : (x->row.from > y->row.from) - (x->row.from < y->row.from);
}

static int cmp_red(const void *a, const void *b)
{
	const struct sl_reduction *x = a, *y = b;
	return x->mi != y->mi ? (x->mi > y->mi) - (x->mi < y->mi) : (x->row.from > y->row.from) - (x->row.from < y->row.from);
}

static int cmp_past(const void *a, const void *b)
{
	const struct sl_past *x = a, *y = b;
	return x->mi != y->mi ? (x->mi > y->mi) - (x->mi < y->mi) : (x->month > y->month) - (x->month < y->month);
}

/* every base of the members (a handful each): the first one also bounds the arrears */
int sheet_load_bases(struct sheet_loader *l)
{
	struct stmt *st;
	int step, pass, np;
	size_t k;
	for (pass = 0; pass < SHEET_PASSES(l); pass++) {
	st = prepare_pass(l, pass, "SELECT b.member_id, b.from_month, b.kind, b.base_fen, b.monthly_fen, b.id "
				   "FROM members m JOIN dues_bases b ON b.member_id = m.id WHERE %s", &np);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		int mi = sheet_find_member(l, stmt_int(st, 0)), from = dues_ym_parse(stmt_text(st, 1));
		struct sl_base *b;
		if (mi < 0 || from < 0)
			continue;
		ALLOC_GROW(l->bases, l->nbases + 1, l->abases);
		b = &l->bases[l->nbases++];
		b->mi = mi;
		b->row.id = stmt_int(st, 5);
		b->row.from = from;
		b->row.kind = dues_kind_parse(stmt_text(st, 2));
		b->row.base_fen = stmt_int(st, 3);
		b->row.monthly_fen = stmt_int(st, 4);
	}
	if ((step = sheet_finish(l, st, step)))
		return step;
	}
	if (l->nbases)
		qsort(l->bases, l->nbases, sizeof(*l->bases), cmp_base);
	l->base_rows = xcalloc(l->nbases + 1, sizeof(*l->base_rows));
	for (k = 0; k < l->nbases; k++) {
		struct sl_mem *m = &l->mems[l->bases[k].mi];
		l->base_rows[k] = l->bases[k].row;
		if (!m->plan.nbases)
			m->plan.bases = &l->base_rows[k];
		m->plan.nbases++;
	}
	return 0;
}

/* every approved reduction of the members: exempted months are never arrears */
int sheet_load_reductions(struct sheet_loader *l)
{
	struct stmt *st;
	int step, pass, np;
	size_t k;
	for (pass = 0; pass < SHEET_PASSES(l); pass++) {
	st = prepare_pass(l, pass, "SELECT r.member_id, r.from_month, r.to_month, r.monthly_fen "
				   "FROM members m JOIN dues_reductions r ON r.member_id = m.id WHERE %s AND r.status = 'approved'", &np);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		int mi = sheet_find_member(l, stmt_int(st, 0)), from = dues_ym_parse(stmt_text(st, 1));
		int to = dues_ym_parse(stmt_text(st, 2));
		struct sl_reduction *r;
		if (mi < 0 || from < 0 || to < 0)
			continue;
		ALLOC_GROW(l->reds, l->nreds + 1, l->areds);
		r = &l->reds[l->nreds++];
		r->mi = mi;
		r->row.from = from;
		r->row.to = to;
		r->row.monthly_fen = stmt_int(st, 3);
	}
	if ((step = sheet_finish(l, st, step)))
		return step;
	}
	if (l->nreds)
		qsort(l->reds, l->nreds, sizeof(*l->reds), cmp_red);
	l->red_rows = xcalloc(l->nreds + 1, sizeof(*l->red_rows));
	for (k = 0; k < l->nreds; k++) {
		struct sl_mem *m = &l->mems[l->reds[k].mi];
		l->red_rows[k] = l->reds[k].row;
		if (!m->plan.nreductions)
			m->plan.reductions = &l->red_rows[k];
		m->plan.nreductions++;
	}
	return 0;
}

/* the period's dues_months rows; with details, the payment's date, method and receipt */
int sheet_load_months(struct sheet_loader *l, int details)
{
	char first[8], last[8];
	struct stmt *st;
	int step, pass, np;
	for (pass = 0; pass < SHEET_PASSES(l); pass++) {
	st = prepare_pass(
		l, pass, details ? "SELECT dm.member_id, dm.month, dm.paid_fen, dm.payment_id, dm.org_path, p.paid_on, p.method, p.receipt_no "
			     "FROM members m JOIN dues_months dm ON dm.member_id = m.id "
			     "LEFT JOIN dues_payments p ON p.id = dm.payment_id "
			     "WHERE %s AND dm.month >= ? AND dm.month <= ?"
			   : "SELECT dm.member_id, dm.month, dm.paid_fen, dm.payment_id, dm.org_path "
			     "FROM members m JOIN dues_months dm ON dm.member_id = m.id "
			     "WHERE %s AND dm.month >= ? AND dm.month <= ?", &np);
	if (!st)
		return E_DB;
	dues_ym_format(l->first, first);
	dues_ym_format(l->last, last);
	stmt_bind_text(st, np + 1, first);
	stmt_bind_text(st, np + 2, last);
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		int mi = sheet_find_member(l, stmt_int(st, 0)), month = dues_ym_parse(stmt_text(st, 1));
		struct sl_month *r;
		if (mi < 0 || month < 0)
			continue;
		ALLOC_GROW(l->months, l->nmonths + 1, l->amonths);
		r = &l->months[l->nmonths++];
		memset(r, 0, sizeof(*r));
		r->mi = mi;
		r->month = month;
		r->paid_fen = stmt_int(st, 2);
		r->exempt = stmt_is_null(st, 3);
		if (l->mems[mi].moves_n)
			r->org_path = xstrdup(stmt_text(st, 4) ? stmt_text(st, 4) : "");
		if (details) {
			stmt_text_copy(st, 5, r->paid_on, sizeof(r->paid_on));
			stmt_text_copy(st, 6, r->method, sizeof(r->method));
			if (stmt_text(st, 7) && stmt_text(st, 7)[0])
				r->receipt_no = xstrdup(stmt_text(st, 7));
		}
	}
	if ((step = sheet_finish(l, st, step)))
		return step;
	}
	return 0;
}

/* the rows under approved reductions to 0 before the current month (few): is an exempted month's row there? */
int sheet_load_past(struct sheet_loader *l)
{
	char cur[8];
	struct stmt *st;
	int step, pass, np;
	size_t k;
	for (pass = 0; pass < SHEET_PASSES(l); pass++) {
	st = prepare_pass(l, pass, "SELECT DISTINCT dm.member_id, dm.month FROM members m "
				   "JOIN dues_reductions r ON r.member_id = m.id AND r.status = 'approved' AND r.monthly_fen = 0 "
				   "JOIN dues_months dm ON dm.member_id = m.id AND dm.month >= r.from_month AND dm.month <= r.to_month "
				   "WHERE %s AND dm.month < ?", &np);
	if (!st)
		return E_DB;
	dues_ym_format(l->current, cur);
	stmt_bind_text(st, np + 1, cur);
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		int mi = sheet_find_member(l, stmt_int(st, 0)), month = dues_ym_parse(stmt_text(st, 1));
		if (mi < 0 || month < 0)
			continue;
		ALLOC_GROW(l->past, l->npast + 1, l->apast);
		l->past[l->npast].mi = mi;
		l->past[l->npast++].month = month;
	}
	if ((step = sheet_finish(l, st, step)))
		return step;
	}
	if (l->npast)
		qsort(l->past, l->npast, sizeof(*l->past), cmp_past);
	for (k = 0; k < l->npast; k++) {
		struct sl_mem *m = &l->mems[l->past[k].mi];
		if (!m->past_n)
			m->past_first = (int)k;
		m->past_n++;
	}
	return 0;
}

static int has_past_row(const struct sheet_loader *l, const struct sl_mem *m, int month)
{
	int lo = 0, hi = m->past_n;
	while (lo < hi) {
		int mid = (lo + hi) / 2, v = l->past[m->past_first + mid].month;
		if (v == month)
			return 1;
		if (v < month)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Months in arrears, as dues_arrears counts them: from max(dues_from, the first base) to
 * the month before the current one, without a dues_months row and not exempted. The
 * rows are counted in the store (load_members), not the months walked; only months
 * under a reduction to 0 are looked at one by one (its approval normally writes their
 * rows, so those are rarely missing).
 */
int sheet_arrears_months(const struct sheet_loader *l, const struct sl_mem *m)
{
	int start, span, k, mo;
	if (m->plan.dues_from < 0 || !m->plan.nbases)
		return 0;
	start = m->plan.bases[0].from > m->plan.dues_from ? m->plan.bases[0].from : m->plan.dues_from;
	if (start >= l->current)
		return 0;
	span = l->current - start - m->paid_rows;
	/* rows before the first base can only be exempted months (a payment needs a base): they
	 * were counted from dues_from on, but the arrears start at the first base */
	for (k = 0; k < m->past_n; k++) {
		int mo0 = l->past[m->past_first + k].month;
		if (mo0 >= m->plan.dues_from && mo0 < start)
			span++;
	}
	for (k = 0; k < m->plan.nreductions; k++) {
		const struct dues_reduction_row *r = &m->plan.reductions[k];
		if (r->monthly_fen)
			continue;
		for (mo = r->from > start ? r->from : start; mo <= r->to && mo < l->current; mo++) {
			int64_t fen;
			/* the first reduction covering a month decides it (dues_due_of) */
			if (!has_past_row(l, m, mo) && dues_due_of(&m->plan, mo, &fen) == DUE_EXEMPT)
				span--;
		}
	}
	return span > 0 ? span : 0;
}

static int cmp_org_name(const void *a, const void *b)
{
	int64_t x = ((const struct sl_org *)a)->id, y = ((const struct sl_org *)b)->id;
	return (x > y) - (x < y);
}

/* names of the orgs the members belong to (the subtree's orgs, by id) */
int sheet_load_org_names(struct sheet_loader *l)
{
	struct stmt *st = prepare_range(l, "SELECT id, name FROM orgs WHERE path >= ? AND path < ?");
	int step;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &l->ctx->err)) == STEP_ROW) {
		ALLOC_GROW(l->orgs, l->norgs + 1, l->aorgs);
		l->orgs[l->norgs].id = stmt_int(st, 0);
		l->orgs[l->norgs++].name = xstrdup(stmt_text(st, 1) ? stmt_text(st, 1) : "");
	}
	if ((step = sheet_finish(l, st, step)))
		return step;
	if (l->norgs)
		qsort(l->orgs, l->norgs, sizeof(*l->orgs), cmp_org_name);
	return 0;
}

const char *sheet_org_name(const struct sheet_loader *l, int64_t id)
{
	struct sl_org key = { id, NULL };
	const struct sl_org *o = l->norgs ? bsearch(&key, l->orgs, l->norgs, sizeof(key), cmp_org_name) : NULL;
	return o ? o->name : "";
}

/* the contract's due for a month as a sheet status (DRS_UNPAID: something due, paid or not) */
int64_t sheet_due_at(const struct sl_mem *m, int month, int *status, int *reduced)
{
	int64_t fen = 0;
	int what = dues_due_of(&m->plan, month, &fen);
	*reduced = what == DUE_REDUCED || what == DUE_EXEMPT;
	*status = what == DUE_NOT_DUE ? DRS_NOT_DUE : what == DUE_EXEMPT ? DRS_EXEMPT : what == DUE_NO_BASE ? DRS_NO_BASE : DRS_UNPAID;
	return fen;
}

/* the scope check, the root's path range and name; org_id 0 = the actor's scope root */
int sheet_open_root(struct ctx *ctx, int64_t org_id, struct org *root)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "dues.role", "只有支部书记或管理员可以查看党费收缴情况");
	if (org_id)
		return org_scope_root(ctx, org_id, root);
	return ctx->actor.org_id ? org_scope_root(ctx, 0, root) : org_root(ctx, root);
}

int sheet_loader_open(struct sheet_loader *l, struct ctx *ctx, const struct org *root, int first, int last, int count_rows)
{
	int rc;
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	strlcpy_z(l->lo, root->path, sizeof(l->lo));
	if (!strcmp(root->kind, "group")) {
		/* members belong to the branch (org_path) and name their 党小组 in group_id */
		char *slash;
		l->group_id = root->id;
		l->lo[strlen(l->lo) - 1] = '\0';
		if ((slash = strrchr(l->lo, '/')))
			slash[1] = '\0';
	}
	path_range_end(l->lo, l->hi, sizeof(l->hi));
	l->first = first;
	l->last = last;
	l->current = dues_ym_of(ctx->today);
	l->count_rows = count_rows;
	if ((rc = load_members_pass(l, 0)))
		return rc;
	index_members(l);
	return load_moves(l);
}

/* one-off payments collected in the subtree with paid_on in first..last */
struct stmt *sheet_prepare_one_offs(struct sheet_loader *l, char from[11], char to[11])
{
	struct stmt *st = prepare_range(l, "SELECT p.id, p.member_id, p.org_id, m.name, p.amount_fen, p.paid_on, p.method, "
					   "p.receipt_no, p.org_path FROM dues_payments p JOIN members m ON m.id = p.member_id "
					   "WHERE p.org_path >= ? AND p.org_path < ? AND p.kind = 'one_off' AND p.paid_on >= ? "
					   "AND p.paid_on < ? ORDER BY p.paid_on, p.id");
	if (st) {
		xsnprintf(from, 11, "%04d-%02d-01", l->first / 12, l->first % 12 + 1);
		xsnprintf(to, 11, "%04d-%02d-01", (l->last + 1) / 12, (l->last + 1) % 12 + 1);
		stmt_bind_text(st, 3, from);
		stmt_bind_text(st, 4, to);
	}
	return st;
}
