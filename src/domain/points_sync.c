/*
 * Automatic entries (RULES.md §6, "enter each fact once"): a meeting or a 民主评议 round
 * writes its own points. For one record we derive the entries it should have under the
 * indicator set in force for its month (wanted) and read the un-reversed entries it has
 * (had); both sorted by one key, a merge tells what stays, what is reversed and what is
 * added. Nothing is changed in place: a changed fact is a reversal plus a new entry, so
 * the ledger shows what changed and when, and a re-run finds nothing to do.
 *
 * The sources (points_internal.h):
 *   meeting_attended     each present member, for indicators of any kind or the meeting's
 *   meeting_absent       each member absent without leave (status 'absent')
 *   study_hours          each present member: points × 学时 (tenths, half up)
 *   branch_meeting_held  the meeting's branch (a 党小组's parent branch)
 *   appraisal_category   each graded member with the indicator's category, once closed
 *   branch_appraisal_done the round's branch, once closed
 *   volunteer_hours      each participant of a 志愿服务 activity: points × hours (tenths, half up)
 *   commitment_done      a member's 承诺事项 once done, dated its completion
 *   project_awarded      a 党建项目 at 激励: its owning 党支部, dated the reward
 *   request_replied      a 民情诉求's assigned member, replied by the due date, dated the reply
 *   supervision_finding  the inspected 党支部 of each 督查 finding, dated the inspection
 *   task_done            a completed 分解任务: its responsible member, or else its responsible
 *                        党支部, dated the completion; source_param on_time | late picks by the
 *                        due date (an on-time bonus is an indicator with on_time)
 *   visit_made           each member who went on a 走访, dated the visit, in their own branch
 */
#include "domain/points_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const meeting_sources[] = { "meeting_attended", "meeting_absent", "study_hours",
					       "branch_meeting_held", NULL };
static const char *const appraisal_sources[] = { "appraisal_category", "branch_appraisal_done", NULL };
static const char *const volunteer_sources[] = { "volunteer_hours", NULL };
static const char *const commitment_sources[] = { "commitment_done", NULL };
static const char *const project_sources[] = { "project_awarded", NULL };
static const char *const request_sources[] = { "request_replied", NULL };
static const char *const finding_sources[] = { "supervision_finding", NULL };
static const char *const task_sources[] = { "task_done", NULL };
static const char *const visit_sources[] = { "visit_made", NULL };

/* one entry: wanted (derived from the record) or had (in the ledger) */
struct fact {
	const char *source;        /* one of the tables above */
	const char *target;        /* member | branch */
	int64_t subject_id, org_id;
	char org_path[PATH_MAX_LEN];
	int64_t indicator_id;
	char event_on[11];
	int points_x10;
	int64_t entry_id;          /* had: the entry */
};

/*
 * A bulk sync reads the same few indicator lists for every record of a month: kept here
 * per (top-level org, month, target, source), unfiltered by source_param.
 */
struct ind_list {
	int64_t top;
	int month;
	const char *target, *source; /* static strings */
	struct points_indicator *v;
	int n;
};
struct ind_cache {
	struct ind_list *lists;
	size_t n, alloc;
};

static void cache_release(struct ind_cache *c)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		free(c->lists[i].v);
	free(c->lists);
	memset(c, 0, sizeof(*c));
}

struct sync {
	struct ind_cache *cache;     /* NULL: read each time */
	int64_t record_id;
	const char *what;          /* 会议 | 民主评议: the reversal's evidence */
	const char *const *sources;
	char org_path[PATH_MAX_LEN]; /* the record's org: settings and the set are read there */
	char event_on[11];
	int month;
	struct points_indicator *inds; /* the indicators in play, all sources */
	size_t ninds, ainds;
	struct points_indicator *scratch; /* POINTS_MAX_INDICATORS */
	struct fact *want, *had;
	size_t nwant, awant, nhad, ahad;
	int64_t added, reversed;
};

static void sync_init(struct sync *s, struct ind_cache *cache, int64_t id, const char *what,
		      const char *const *sources)
{
	memset(s, 0, sizeof(*s));
	s->cache = cache;
	s->record_id = id;
	s->what = what;
	s->sources = sources;
}

static void sync_release(struct sync *s)
{
	free(s->inds);
	free(s->scratch);
	free(s->want);
	free(s->had);
	s->inds = s->scratch = NULL;
	s->want = s->had = NULL;
}

/* "2026-09-14" → its period number, or -1 */
static int month_of(const char *ymd)
{
	struct date d;
	return date_parse(ymd, &d) ? -1 : points_month_no(d.y, d.m);
}

/* The source code as stored in the static tables (facts keep the pointer). */
static const char *source_code(const struct sync *s, const char *code)
{
	size_t i;
	for (i = 0; s->sources[i]; i++)
		if (!strcmp(s->sources[i], code))
			return s->sources[i];
	return NULL;
}

/*
 * The indicators of source (and target) in force for the record's month whose
 * source_param is empty or equals param (param NULL: any), appended to s->inds.
 * *first and *n give the slice.
 */
/* The list of (target, source) for the record's month, from the cache when there is one. */
static int indicator_list(struct ctx *ctx, struct sync *s, const char *target, const char *source,
			  const struct points_indicator **out, int *n)
{
	struct ind_cache *c = s->cache;
	struct ind_list *l;
	int64_t top = points_top_org(s->org_path);
	size_t i;
	int rc;
	for (i = 0; c && i < c->n; i++) {
		l = &c->lists[i];
		if (l->top == top && l->month == s->month && !strcmp(l->target, target) && !strcmp(l->source, source)) {
			*out = l->v;
			*n = l->n;
			return 0;
		}
	}
	if (!s->scratch)
		s->scratch = xcalloc(POINTS_MAX_INDICATORS, sizeof(*s->scratch));
	if ((rc = points_indicators_by_source(ctx, s->org_path, s->month, target, source, s->scratch,
					      POINTS_MAX_INDICATORS, n)))
		return rc;
	*out = s->scratch;
	if (!c || !top)
		return 0;
	ALLOC_GROW(c->lists, c->n + 1, c->alloc);
	l = &c->lists[c->n++];
	l->top = top;
	l->month = s->month;
	l->target = target;
	l->source = source;
	l->n = *n;
	l->v = xcalloc((size_t)*n + 1, sizeof(*l->v));
	memcpy(l->v, s->scratch, (size_t)*n * sizeof(*l->v));
	return 0;
}

static int load_indicators(struct ctx *ctx, struct sync *s, const char *target, const char *source, const char *param,
			   size_t *first, size_t *n)
{
	const struct points_indicator *list = NULL;
	int got = 0, i, rc;
	*first = s->ninds;
	*n = 0;
	if ((rc = indicator_list(ctx, s, target, source, &list, &got)))
		return rc;
	for (i = 0; i < got; i++) {
		const struct points_indicator *ind = &list[i];
		if (param && ind->source_param[0] && strcmp(ind->source_param, param))
			continue;
		ALLOC_GROW(s->inds, s->ninds + 1, s->ainds);
		s->inds[s->ninds++] = *ind;
		(*n)++;
	}
	return 0;
}

static void want(struct sync *s, const char *source, const char *target, int64_t subject, int64_t org_id,
		 const char *org_path, const struct points_indicator *ind, int points_x10)
{
	struct fact *f;
	if (!points_x10)
		return;
	ALLOC_GROW(s->want, s->nwant + 1, s->awant);
	f = &s->want[s->nwant++];
	memset(f, 0, sizeof(*f));
	f->source = source_code(s, source);
	f->target = !strcmp(target, "branch") ? "branch" : "member";
	f->subject_id = subject;
	f->org_id = org_id;
	strlcpy_z(f->org_path, org_path, sizeof(f->org_path));
	f->indicator_id = ind->id;
	strlcpy_z(f->event_on, s->event_on, sizeof(f->event_on));
	f->points_x10 = points_x10;
}

/* ---- reconciling ------------------------------------------------------------------ */

static int fact_cmp(const void *a, const void *b)
{
	const struct fact *x = a, *y = b;
	int c;
	if ((c = strcmp(x->source, y->source)) || (c = strcmp(x->target, y->target)))
		return c;
	if (x->subject_id != y->subject_id)
		return x->subject_id < y->subject_id ? -1 : 1;
	if (x->indicator_id != y->indicator_id)
		return x->indicator_id < y->indicator_id ? -1 : 1;
	if ((c = strcmp(x->event_on, y->event_on)))
		return c;
	if (x->points_x10 != y->points_x10)
		return x->points_x10 < y->points_x10 ? -1 : 1;
	return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

/* The record's automatic entries nobody has reversed yet. */
static int load_had(struct ctx *ctx, struct sync *s)
{
	struct stmt *st;
	int step, i, k;
	/* reversals carry source 'reversal', so only the automatic rows themselves match */
	st = db_prepare(ctx->db,
			"SELECT e.id, e.source, e.target, e.subject_id, e.org_id, e.org_path, e.indicator_id, e.event_on, "
			"e.points_x10 FROM point_entries e WHERE e.source_id = ? AND e.source IN (?, ?, ?, ?) AND NOT EXISTS "
			"(SELECT 1 FROM point_entries r WHERE r.reverses_id = e.id)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->record_id);
	/* four slots: a shorter list repeats its last source */
	for (i = 0, k = 0; i < 4; i++) {
		stmt_bind_text(st, i + 2, s->sources[k]);
		if (s->sources[k + 1])
			k++;
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct fact *f;
		const char *src = source_code(s, stmt_text(st, 1));
		if (!src)
			continue;
		ALLOC_GROW(s->had, s->nhad + 1, s->ahad);
		f = &s->had[s->nhad++];
		memset(f, 0, sizeof(*f));
		f->entry_id = stmt_int(st, 0);
		f->source = src;
		f->target = !strcmp(stmt_text(st, 2), "branch") ? "branch" : "member";
		f->subject_id = stmt_int(st, 3);
		f->org_id = stmt_int(st, 4);
		stmt_text_copy(st, 5, f->org_path, sizeof(f->org_path));
		f->indicator_id = stmt_int(st, 6);
		stmt_text_copy(st, 7, f->event_on, sizeof(f->event_on));
		f->points_x10 = (int)stmt_int(st, 8);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static const struct points_indicator *ind_in_play(const struct sync *s, int64_t id)
{
	size_t i;
	for (i = 0; i < s->ninds; i++)
		if (s->inds[i].id == id)
			return &s->inds[i];
	return NULL;
}

static int reverse(struct ctx *ctx, struct sync *s, const struct fact *f)
{
	struct points_indicator other;
	const struct points_indicator *ind = ind_in_play(s, f->indicator_id);
	struct points_new_entry e;
	char evidence[96];
	int rc;
	if (!ind) {
		if ((rc = points_indicator_by_id(ctx, f->indicator_id, &other)))
			return rc;
		ind = &other;
	}
	xsnprintf(evidence, sizeof(evidence), "%s记录已变更，自动冲正", s->what);
	memset(&e, 0, sizeof(e));
	e.target = f->target;
	e.subject_id = f->subject_id;
	e.org_id = f->org_id;
	e.org_path = f->org_path;
	e.ind = ind;
	e.event_on = f->event_on;
	e.points_x10 = -f->points_x10;
	e.source = "reversal";
	e.source_id = s->record_id;
	e.reverses_id = f->entry_id;
	e.evidence = evidence;
	e.correction = 1;
	e.batch = 1;
	if ((rc = points_append(ctx, &e, NULL)))
		return rc;
	s->reversed++;
	return 0;
}

static int add(struct ctx *ctx, struct sync *s, const struct fact *f)
{
	struct points_new_entry e;
	int rc;
	memset(&e, 0, sizeof(e));
	e.target = f->target;
	e.subject_id = f->subject_id;
	e.org_id = f->org_id;
	e.org_path = f->org_path;
	e.ind = ind_in_play(s, f->indicator_id);
	e.event_on = f->event_on;
	e.points_x10 = f->points_x10;
	e.source = f->source;
	e.source_id = s->record_id;
	e.correction = 1;
	e.batch = 1;
	if ((rc = points_append(ctx, &e, NULL)))
		return rc;
	s->added++;
	return 0;
}

/*
 * The one audit record of a record's sync, when it changes anything: its automatic
 * entries are appended as a batch (points_append does not audit them one by one; a
 * meeting of 40 members would write 80 records), and the entries themselves, with their
 * source and source_id, are the detail. Written before the entries, like every writer
 * of points: the audit chain's head is always locked before any subject's rollup row,
 * so two writers on PostgreSQL never wait for each other in opposite orders.
 */
static int audit_sync(struct ctx *ctx, const struct sync *s, int64_t added, int64_t reversed)
{
	const char *source = s->sources == meeting_sources     ? "meeting"
			     : s->sources == appraisal_sources ? "appraisal"
			     : s->sources == volunteer_sources ? "volunteer"
			     : s->sources == commitment_sources ? "commitment"
			     : s->sources == project_sources	? "project"
			     : s->sources == request_sources	? "mass_request"
			     : s->sources == task_sources	? "task"
			     : s->sources == visit_sources	? "visit"
								: "inspection_finding";
	json_t *j;
	int rc;
	if (!added && !reversed)
		return 0;
	j = json_pack("{s:s, s:I, s:I}", "source", source, "added", (json_int_t)added, "reversed", (json_int_t)reversed);
	rc = audit_append(ctx, "sync", "point_sync", s->record_id, NULL, j);
	json_decref(j);
	return rc;
}

/* Wanted against had: equal facts stay, the rest of had is reversed, the rest of wanted added. */
static int reconcile(struct ctx *ctx, struct sync *s)
{
	size_t i = 0, j = 0;
	int64_t n_add = 0, n_rev = 0;
	int rc, c;
	char *keep_want, *keep_had;
	if ((rc = load_had(ctx, s)))
		return rc;
	if (s->nwant)
		qsort(s->want, s->nwant, sizeof(*s->want), fact_cmp);
	if (s->nhad)
		qsort(s->had, s->nhad, sizeof(*s->had), fact_cmp);
	keep_want = xcalloc(s->nwant + 1, 1);
	keep_had = xcalloc(s->nhad + 1, 1);
	while (i < s->nwant && j < s->nhad) {
		struct fact w = s->want[i];
		w.entry_id = s->had[j].entry_id; /* entry ids do not take part in equality */
		c = fact_cmp(&w, &s->had[j]);
		if (!c) {
			keep_want[i++] = keep_had[j++] = 1;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	for (j = 0; j < s->nhad; j++)
		n_rev += !keep_had[j];
	for (i = 0; i < s->nwant; i++)
		n_add += !keep_want[i];
	if ((rc = audit_sync(ctx, s, n_add, n_rev)))
		goto out;
	/* reversals first: a changed fact reads as "taken back, then given anew" */
	for (j = 0; j < s->nhad; j++)
		if (!keep_had[j] && (rc = reverse(ctx, s, &s->had[j])))
			goto out;
	for (i = 0; i < s->nwant; i++)
		if (!keep_want[i] && (rc = add(ctx, s, &s->want[i])))
			goto out;
out:
	free(keep_want);
	free(keep_had);
	return rc;
}

/* 0 and *on = 1 when points count at org_path; settings off → *on = 0 */
static int points_on(struct ctx *ctx, const char *org_path, int *on)
{
	struct points_settings ps;
	int rc = points_settings_for(ctx, org_path, &ps);
	*on = !rc && ps.enabled;
	return rc;
}

/*
 * A bulk sync touches the record's row first (no column changes, no trigger fires): on
 * PostgreSQL that row lock makes a concurrent edit of the record, which holds the same
 * row while it syncs, wait or be waited for, so the two never derive from the same
 * entries. The writes that call points_sync_meeting/appraisal hold it already; SQLite
 * write transactions are exclusive anyway.
 */
static int lock_record(struct ctx *ctx, const char *sql, int64_t id)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	return stmt_run(st, &ctx->err);
}

/*
 * The record's row: locked first when syncing in bulk (s->cache set), then sql (one '?',
 * the record's id) stepped: *row stands on the row, or is NULL when there is none; the
 * caller reads it, then calls stmt_reset(*row).
 */
static int sync_row(struct ctx *ctx, const struct sync *s, const char *lock_sql, const char *sql, struct stmt **row)
{
	int rc;
	*row = NULL;
	if (s->cache && (rc = lock_record(ctx, lock_sql, s->record_id)))
		return rc;
	return listq_row_by_id(ctx, sql, s->record_id, row);
}

/* s->month from s->event_on: 500 "<what>日期无效" when it is not a date */
static int sync_month(struct ctx *ctx, struct sync *s, const char *what)
{
	if ((s->month = month_of(s->event_on)) < 0)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "%s日期无效", what);
	return 0;
}

/*
 * Whether the record earns anything: *on 0 when points are off for s->org_path (nothing
 * more to do, nothing taken back); else s->month as sync_month sets it.
 */
static int sync_open(struct ctx *ctx, struct sync *s, const char *what, int *on)
{
	int rc;
	if ((rc = points_on(ctx, s->org_path, on)) || !*on)
		return rc;
	return sync_month(ctx, s, what);
}

/* reconcile, then the counts added to *added and *reversed (either may be NULL) */
static int sync_reconcile(struct ctx *ctx, struct sync *s, int64_t *added, int64_t *reversed)
{
	int rc = reconcile(ctx, s);
	if (!rc && added)
		*added += s->added;
	if (!rc && reversed)
		*reversed += s->reversed;
	return rc;
}

/* ---- meetings --------------------------------------------------------------------- */

struct attendee {
	int64_t member_id, org_id;
	char org_path[PATH_MAX_LEN];
	int present, absent;
};

/*
 * The members who took part in a record, all present: sql selects member_id, org_id and
 * org_path with one '?', the record's id. *att (new; the caller frees it, on error too)
 * and *natt.
 */
static int load_takers(struct ctx *ctx, const char *sql, int64_t id, struct attendee **att, size_t *natt)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	struct attendee *v = NULL;
	size_t n = 0, alloc = 0;
	int step;
	*att = NULL;
	*natt = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct attendee *a;
		ALLOC_GROW(v, n + 1, alloc);
		a = &v[n++];
		memset(a, 0, sizeof(*a));
		a->member_id = stmt_int(st, 0);
		a->org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, a->org_path, sizeof(a->org_path));
		a->present = 1;
	}
	stmt_reset(st);
	*att = v;
	*natt = n;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

struct meeting_row {
	char kind[32];
	int hours_x10;
	int64_t branch_id;           /* 0: held above the branches (a 党委's 党课 or 集中学习) */
	char branch_path[PATH_MAX_LEN];
	struct attendee *att;
	size_t natt, aatt;
};

static int load_meeting(struct ctx *ctx, struct sync *s, struct meeting_row *m)
{
	struct stmt *st;
	int step, found = 0;
	st = db_prepare(ctx->db,
			"SELECT mt.org_id, mt.org_path, mt.kind, mt.held_on, mt.hours_x10, o.kind, o.parent_id, p.path "
			"FROM meetings mt JOIN orgs o ON o.id = mt.org_id LEFT JOIN orgs p ON p.id = o.parent_id "
			"WHERE mt.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->record_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *okind = stmt_text(st, 5);
		found = 1;
		stmt_text_copy(st, 1, s->org_path, sizeof(s->org_path));
		stmt_text_copy(st, 2, m->kind, sizeof(m->kind));
		stmt_text_copy(st, 3, s->event_on, sizeof(s->event_on));
		m->hours_x10 = (int)stmt_int(st, 4);
		if (okind && org_kind_is_branch(okind)) {
			m->branch_id = stmt_int(st, 0);
			strlcpy_z(m->branch_path, s->org_path, sizeof(m->branch_path));
		} else if (okind && !strcmp(okind, "group") && !stmt_is_null(st, 6)) {
			m->branch_id = stmt_int(st, 6);
			stmt_text_copy(st, 7, m->branch_path, sizeof(m->branch_path));
		}
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "会议记录 %" PRId64 " 不存在", s->record_id);
	s->month = month_of(s->event_on);
	return 0;
}

static int load_attendees(struct ctx *ctx, struct sync *s, struct meeting_row *m)
{
	struct stmt *st;
	int step;
	st = db_prepare(ctx->db,
			"SELECT a.member_id, a.status, mb.org_id, mb.org_path FROM meeting_attendance a "
			"JOIN members mb ON mb.id = a.member_id WHERE a.meeting_id = ? ORDER BY a.member_id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->record_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct attendee *a;
		const char *status = stmt_text(st, 1);
		ALLOC_GROW(m->att, m->natt + 1, m->aatt);
		a = &m->att[m->natt++];
		memset(a, 0, sizeof(*a));
		a->member_id = stmt_int(st, 0);
		a->present = status && !strcmp(status, "present");
		a->absent = status && !strcmp(status, "absent");
		/* the points are earned where the meeting was held: its branch, not wherever
		 * the member is now; a meeting above the branches credits the member's own */
		if (m->branch_id) {
			a->org_id = m->branch_id;
			strlcpy_z(a->org_path, m->branch_path, sizeof(a->org_path));
		} else {
			a->org_id = stmt_int(st, 2);
			stmt_text_copy(st, 3, a->org_path, sizeof(a->org_path));
		}
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* sign × points × hours, both in tenths, back to tenths half up */
static int hours_points(const struct points_indicator *ind, int hours_x10)
{
	int v = (ind->points_x10 * hours_x10 + 5) / 10;
	return ind->sign < 0 ? -v : v;
}

/*
 * A meeting above the branches credits each member in their own branch, where points
 * may be off (settings are per subtree): those members get nothing. One look-up per
 * branch (the attendees come sorted by member, so a short memo of paths).
 */
static int member_points_on(struct ctx *ctx, const struct attendee *a, char (*seen)[PATH_MAX_LEN], int *seen_on,
			    size_t *nseen, int *on)
{
	size_t i;
	int rc;
	for (i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], a->org_path)) {
			*on = seen_on[i];
			return 0;
		}
	if ((rc = points_on(ctx, a->org_path, on)))
		return rc;
	i = *nseen < 16 ? (*nseen)++ : 15;
	strlcpy_z(seen[i], a->org_path, sizeof(seen[i]));
	seen_on[i] = *on;
	return 0;
}

static int want_meeting(struct ctx *ctx, struct sync *s, struct meeting_row *m)
{
	size_t f_att, n_att, f_abs, n_abs, f_hrs, n_hrs, f_br, n_br, i, k, nseen = 0;
	char seen[16][PATH_MAX_LEN];
	int seen_on[16], rc, on = 1;
	if ((rc = load_indicators(ctx, s, "member", "meeting_attended", m->kind, &f_att, &n_att)) ||
	    (rc = load_indicators(ctx, s, "member", "meeting_absent", m->kind, &f_abs, &n_abs)) ||
	    (rc = load_indicators(ctx, s, "member", "study_hours", NULL, &f_hrs, &n_hrs)) ||
	    (rc = load_indicators(ctx, s, "branch", "branch_meeting_held", m->kind, &f_br, &n_br)))
		return rc;
	if (!s->ninds)
		return 0;
	if ((n_att || n_abs || n_hrs) && (rc = load_attendees(ctx, s, m)))
		return rc;
	for (i = 0; i < m->natt; i++) {
		const struct attendee *a = &m->att[i];
		if (!m->branch_id && (rc = member_points_on(ctx, a, seen, seen_on, &nseen, &on)))
			return rc;
		if (!on)
			continue;
		for (k = 0; a->present && k < n_att; k++) {
			const struct points_indicator *ind = &s->inds[f_att + k];
			want(s, "meeting_attended", "member", a->member_id, a->org_id, a->org_path, ind,
			     ind->sign * ind->points_x10);
		}
		for (k = 0; a->absent && k < n_abs; k++) {
			const struct points_indicator *ind = &s->inds[f_abs + k];
			want(s, "meeting_absent", "member", a->member_id, a->org_id, a->org_path, ind,
			     ind->sign * ind->points_x10);
		}
		for (k = 0; a->present && m->hours_x10 > 0 && k < n_hrs; k++)
			want(s, "study_hours", "member", a->member_id, a->org_id, a->org_path, &s->inds[f_hrs + k],
			     hours_points(&s->inds[f_hrs + k], m->hours_x10));
	}
	for (k = 0; m->branch_id && k < n_br; k++) {
		const struct points_indicator *ind = &s->inds[f_br + k];
		want(s, "branch_meeting_held", "branch", m->branch_id, m->branch_id, m->branch_path, ind,
		     ind->sign * ind->points_x10);
	}
	return 0;
}

static int sync_meeting(struct ctx *ctx, struct ind_cache *cache, int64_t meeting_id, int64_t *added,
			int64_t *reversed)
{
	struct sync s;
	struct meeting_row m;
	int rc, on;
	sync_init(&s, cache, meeting_id, "会议", meeting_sources);
	memset(&m, 0, sizeof(m));
	if ((cache && (rc = lock_record(ctx, "UPDATE meetings SET version = version WHERE id = ?", meeting_id))) ||
	    (rc = load_meeting(ctx, &s, &m)) || (rc = points_on(ctx, s.org_path, &on)) || !on)
		goto out;
	if (s.month < 0) {
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "会议日期无效");
		goto out;
	}
	if (!(rc = want_meeting(ctx, &s, &m)))
		rc = sync_reconcile(ctx, &s, added, reversed);
out:
	free(m.att);
	sync_release(&s);
	return rc;
}

int points_sync_meeting(struct ctx *ctx, int64_t meeting_id)
{
	return sync_meeting(ctx, NULL, meeting_id, NULL, NULL);
}

/* ---- 民主评议 rounds -------------------------------------------------------------- */

struct graded {
	int64_t member_id;
	char category[16];
};

static int want_appraisal(struct ctx *ctx, struct sync *s, int64_t branch_id)
{
	struct stmt *st;
	struct graded *g = NULL;
	size_t ng = 0, ag = 0, f_cat, n_cat, f_br, n_br, i, k;
	int rc, step;
	if ((rc = load_indicators(ctx, s, "member", "appraisal_category", NULL, &f_cat, &n_cat)) ||
	    (rc = load_indicators(ctx, s, "branch", "branch_appraisal_done", NULL, &f_br, &n_br)))
		return rc;
	for (k = 0; k < n_br; k++) {
		const struct points_indicator *ind = &s->inds[f_br + k];
		want(s, "branch_appraisal_done", "branch", branch_id, branch_id, s->org_path, ind,
		     ind->sign * ind->points_x10);
	}
	if (!n_cat)
		return 0;
	st = db_prepare(ctx->db,
			"SELECT member_id, category FROM appraisal_entries WHERE appraisal_id = ? AND graded = 1 "
			"AND category IS NOT NULL ORDER BY member_id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->record_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(g, ng + 1, ag);
		g[ng].member_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, g[ng].category, sizeof(g[ng].category));
		ng++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		free(g);
		return ctx_db_fail(ctx);
	}
	/* the member's points belong to the branch that appraised them */
	for (i = 0; i < ng; i++)
		for (k = 0; k < n_cat; k++) {
			const struct points_indicator *ind = &s->inds[f_cat + k];
			if (ind->source_param[0] && strcmp(ind->source_param, g[i].category))
				continue;
			want(s, "appraisal_category", "member", g[i].member_id, branch_id, s->org_path, ind,
			     ind->sign * ind->points_x10);
		}
	free(g);
	return 0;
}

static int sync_appraisal(struct ctx *ctx, struct ind_cache *cache, int64_t appraisal_id, int64_t *added,
			  int64_t *reversed)
{
	struct sync s;
	struct stmt *st;
	int64_t branch_id = 0;
	int rc = 0, on, closed = 0, found = 0;

	sync_init(&s, cache, appraisal_id, "民主评议", appraisal_sources);
	if ((rc = sync_row(ctx, &s, "UPDATE appraisals SET version = version WHERE id = ?",
			   "SELECT a.org_id, o.path, a.status, a.closed_on FROM appraisals a JOIN orgs o ON o.id = a.org_id "
			   "WHERE a.id = ?",
			   &st)))
		return rc;
	if (st) {
		const char *status = stmt_text(st, 2);
		found = 1;
		branch_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, s.org_path, sizeof(s.org_path));
		closed = status && !strcmp(status, "closed") && !stmt_is_null(st, 3);
		stmt_text_copy(st, 3, s.event_on, sizeof(s.event_on));
		stmt_reset(st);
	}
	if (!found)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "民主评议 %" PRId64 " 不存在", appraisal_id);
	if ((rc = points_on(ctx, s.org_path, &on)) || !on)
		goto out;
	/* an open round yields nothing yet (and takes back what it had, should one reopen) */
	if (closed) {
		if ((rc = sync_month(ctx, &s, "民主评议结束")))
			goto out;
		if ((rc = want_appraisal(ctx, &s, branch_id)))
			goto out;
	}
	rc = sync_reconcile(ctx, &s, added, reversed);
out:
	sync_release(&s);
	return rc;
}

int points_sync_appraisal(struct ctx *ctx, int64_t appraisal_id)
{
	return sync_appraisal(ctx, NULL, appraisal_id, NULL, NULL);
}

/* ---- 志愿服务 activities --------------------------------------------------------- */

/*
 * Each participant earns points × hours in their own branch (the team may sit above the
 * branches), dated the activity. A deleted activity is simply not found: it wants
 * nothing, so what it had is taken back.
 */
static int want_volunteer(struct ctx *ctx, struct sync *s, int hours_x10)
{
	struct attendee *att = NULL;
	size_t natt = 0, f_hrs, n_hrs, i, k, nseen = 0;
	char seen[16][PATH_MAX_LEN];
	int seen_on[16], rc, on;
	if ((rc = load_indicators(ctx, s, "member", "volunteer_hours", NULL, &f_hrs, &n_hrs)) || !n_hrs || hours_x10 <= 0)
		return rc;
	rc = load_takers(ctx,
			"SELECT p.member_id, mb.org_id, mb.org_path FROM volunteer_participants p JOIN members mb ON "
			"mb.id = p.member_id WHERE p.activity_id = ? ORDER BY p.member_id",
			s->record_id, &att, &natt);
	for (i = 0; !rc && i < natt; i++) {
		if ((rc = member_points_on(ctx, &att[i], seen, seen_on, &nseen, &on)) || !on)
			continue;
		for (k = 0; k < n_hrs; k++)
			want(s, "volunteer_hours", "member", att[i].member_id, att[i].org_id, att[i].org_path,
			     &s->inds[f_hrs + k], hours_points(&s->inds[f_hrs + k], hours_x10));
	}
	free(att);
	return rc;
}

static int sync_volunteer(struct ctx *ctx, struct ind_cache *cache, int64_t activity_id, int64_t *added,
			  int64_t *reversed)
{
	struct sync s;
	struct stmt *st;
	int rc = 0, on, found = 0, hours_x10 = 0;

	sync_init(&s, cache, activity_id, "志愿服务活动", volunteer_sources);
	if ((rc = sync_row(ctx, &s, "UPDATE volunteer_activities SET version = version WHERE id = ?",
			   "SELECT o.path, va.held_on, va.hours_x10 FROM volunteer_activities va JOIN orgs o ON o.id = "
			   "va.org_id WHERE va.id = ?",
			   &st)))
		return rc;
	if (st) {
		found = 1;
		stmt_text_copy(st, 0, s.org_path, sizeof(s.org_path));
		stmt_text_copy(st, 1, s.event_on, sizeof(s.event_on));
		hours_x10 = (int)stmt_int(st, 2);
		stmt_reset(st);
	}
	if (found) {
		if ((rc = sync_open(ctx, &s, "志愿服务活动", &on)) || !on)
			goto out;
		if ((rc = want_volunteer(ctx, &s, hours_x10)))
			goto out;
	}
	rc = sync_reconcile(ctx, &s, added, reversed);
out:
	sync_release(&s);
	return rc;
}

int points_sync_volunteer_activity(struct ctx *ctx, int64_t activity_id)
{
	return sync_volunteer(ctx, NULL, activity_id, NULL, NULL);
}

/* ---- 承诺事项 ------------------------------------------------------------------------ */

/*
 * A member's item once done: one entry per indicator, dated its completion, credited to
 * the org that holds the letter (the member's branch when it was signed). Pending,
 * cancelled or reopened: nothing, so an entry it had is taken back. Org letters earn
 * nothing here.
 */
static int sync_commitment(struct ctx *ctx, struct ind_cache *cache, int64_t item_id, int64_t *added,
			   int64_t *reversed)
{
	struct sync s;
	struct stmt *st;
	int64_t member_id = 0, org_id = 0;
	size_t f_done, n_done, k;
	int rc = 0, on, done = 0;

	sync_init(&s, cache, item_id, "承诺事项", commitment_sources);
	if ((rc = sync_row(ctx, &s, "UPDATE commitment_items SET version = version WHERE id = ?",
			   "SELECT i.status, i.done_on, l.holder_type, l.member_id, l.org_id, o.path FROM commitment_items i "
			   "JOIN commitment_letters l ON l.id = i.letter_id JOIN orgs o ON o.id = l.org_id WHERE i.id = ?",
			   &st)))
		return rc;
	if (st) {
		const char *status = stmt_text(st, 0), *holder = stmt_text(st, 2);
		done = status && !strcmp(status, "done") && !stmt_is_null(st, 1) && holder && !strcmp(holder, "member") &&
		       !stmt_is_null(st, 3);
		stmt_text_copy(st, 1, s.event_on, sizeof(s.event_on));
		member_id = stmt_int(st, 3);
		org_id = stmt_int(st, 4);
		stmt_text_copy(st, 5, s.org_path, sizeof(s.org_path));
		stmt_reset(st);
	}
	if (done) {
		if ((rc = sync_open(ctx, &s, "承诺完成", &on)) || !on)
			goto out;
		if ((rc = load_indicators(ctx, &s, "member", "commitment_done", NULL, &f_done, &n_done)))
			goto out;
		for (k = 0; k < n_done; k++) {
			const struct points_indicator *ind = &s.inds[f_done + k];
			want(&s, "commitment_done", "member", member_id, org_id, s.org_path, ind, ind->sign * ind->points_x10);
		}
	}
	rc = sync_reconcile(ctx, &s, added, reversed);
out:
	sync_release(&s);
	return rc;
}

int points_sync_commitment_item(struct ctx *ctx, int64_t item_id)
{
	return sync_commitment(ctx, NULL, item_id, NULL, NULL);
}

/* ---- 党建项目, 民情诉求, 督查 findings: one fact per record ------------------------------- */

/* what one record says: qualifies (then one entry per indicator) or not (then nothing) */
struct one_fact {
	int qualifies;
	int64_t subject_id, org_id;
	char org_path[PATH_MAX_LEN];
	char event_on[11];
};

/*
 * The shared tail: a record that qualifies wants one entry per indicator of the source,
 * dated its event, in its subject's org; one that does not (or is gone) wants nothing,
 * so what it had is taken back.
 */
static int sync_one(struct ctx *ctx, struct sync *s, const char *target, const struct one_fact *f, const char *what,
		    const char *sub, int64_t *added, int64_t *reversed)
{
	size_t first, n, k;
	int rc = 0, on;
	if (f->qualifies) {
		strlcpy_z(s->org_path, f->org_path, sizeof(s->org_path));
		strlcpy_z(s->event_on, f->event_on, sizeof(s->event_on));
		if ((rc = sync_open(ctx, s, what, &on)) || !on)
			goto out;
		if ((rc = load_indicators(ctx, s, target, s->sources[0], sub, &first, &n)))
			goto out;
		for (k = 0; k < n; k++) {
			const struct points_indicator *ind = &s->inds[first + k];
			want(s, s->sources[0], target, f->subject_id, f->org_id, f->org_path, ind,
			     ind->sign * ind->points_x10);
		}
	}
	rc = sync_reconcile(ctx, s, added, reversed);
out:
	sync_release(s);
	return rc;
}

/*
 * Records that earn at most one entry per indicator (projects, requests, findings): a
 * lock, one row read into a one_fact, then sync_one. Each kind is a row of this table.
 */
struct single_kind {
	const char *what;                 /* 党建项目: for messages and the audit */
	const char *const *sources;
	const char *lock_sql;             /* touches the record so concurrent syncs queue */
	const char *select_sql;           /* one row for the id */
	const char *target;               /* member | branch */
	const char *note;                 /* evidence of a reversal */
	void (*read)(struct stmt *st, struct one_fact *f);
};

/* A 党建项目 that reached 激励 earns its owning 党支部 (or 联合党支部) one entry, dated the
 * day it was rewarded (the ledger's reward row); committees' projects earn nothing. */
static void read_project(struct stmt *st, struct one_fact *f)
{
	const char *stage = stmt_text(st, 0), *kind = stmt_text(st, 3);
	f->qualifies = stage && !strcmp(stage, "reward") && kind && org_kind_is_branch(kind) && !stmt_is_null(st, 4);
	f->subject_id = f->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, f->org_path, sizeof(f->org_path));
	stmt_text_copy(st, 4, f->event_on, sizeof(f->event_on));
}

/* A 民情诉求 assigned to a member and replied on or before its due date earns that member
 * one entry in their own branch, dated the reply. Reassigned (back to 已交办), assigned to
 * an org, or replied late: nothing, so an entry it had is taken back. */
static void read_request(struct stmt *st, struct one_fact *f)
{
	const char *status = stmt_text(st, 0);
	char due[11];
	stmt_text_copy(st, 1, f->event_on, sizeof(f->event_on));
	stmt_text_copy(st, 2, due, sizeof(due));
	f->qualifies = status && (!strcmp(status, "replied") || !strcmp(status, "rated")) && f->event_on[0] &&
		       due[0] && strcmp(f->event_on, due) <= 0;
	f->subject_id = stmt_int(st, 3);
	f->org_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, f->org_path, sizeof(f->org_path));
}

/* Each 督查 finding against a 党支部 (or 联合党支部) counts against it once, dated the
 * inspection; rectifying, closing or returning it changes nothing (the finding happened). */
static void read_finding(struct stmt *st, struct one_fact *f)
{
	const char *kind = stmt_text(st, 2);
	f->qualifies = kind && org_kind_is_branch(kind);
	f->subject_id = f->org_id = stmt_int(st, 0);
	stmt_text_copy(st, 1, f->org_path, sizeof(f->org_path));
	stmt_text_copy(st, 3, f->event_on, sizeof(f->event_on));
}

static const struct single_kind project_kind = {
	"党建项目", project_sources, "UPDATE projects SET version = version WHERE id = ?",
	"SELECT p.stage, p.org_id, o.path, o.kind, (SELECT MAX(l.happened_on) FROM project_ledger l WHERE "
	"l.project_id = p.id AND l.stage = 'reward') FROM projects p JOIN orgs o ON o.id = p.org_id WHERE p.id = ?",
	"branch", "项目激励", read_project,
};
static const struct single_kind request_kind = {
	"民情诉求", request_sources, "UPDATE mass_requests SET version = version WHERE id = ?",
	"SELECT r.status, r.replied_on, r.due_on, mb.id, mb.org_id, mb.org_path FROM mass_requests r JOIN "
	"members mb ON mb.id = r.assignee_member_id WHERE r.id = ?",
	"member", "诉求答复", read_request,
};
static const struct single_kind finding_kind = {
	"督查发现问题", finding_sources, "UPDATE inspection_findings SET version = version WHERE id = ?",
	"SELECT fi.org_id, o.path, o.kind, fi.found_on FROM inspection_findings fi JOIN orgs o ON o.id = "
	"fi.org_id WHERE fi.id = ?",
	"branch", "督查", read_finding,
};

static int sync_single(struct ctx *ctx, const struct single_kind *k, struct ind_cache *cache, int64_t id,
		       int64_t *added, int64_t *reversed)
{
	struct sync s;
	struct one_fact f;
	struct stmt *st;
	int rc;

	memset(&f, 0, sizeof(f));
	sync_init(&s, cache, id, k->what, k->sources);
	if ((rc = sync_row(ctx, &s, k->lock_sql, k->select_sql, &st)))
		return rc;
	if (st) {
		k->read(st, &f);
		stmt_reset(st);
	}
	return sync_one(ctx, &s, k->target, &f, k->note, NULL, added, reversed);
}

int points_sync_project(struct ctx *ctx, int64_t project_id)
{
	return sync_single(ctx, &project_kind, NULL, project_id, NULL, NULL);
}

int points_sync_mass_request(struct ctx *ctx, int64_t request_id)
{
	return sync_single(ctx, &request_kind, NULL, request_id, NULL, NULL);
}

int points_sync_finding(struct ctx *ctx, int64_t finding_id)
{
	return sync_single(ctx, &finding_kind, NULL, finding_id, NULL, NULL);
}

/* ---- 分解任务 and 走访 ------------------------------------------------------------------ */

/*
 * A completed task earns its responsible member (when the person is a member) in their own
 * branch, or else its responsible unit when that is a 党支部; dated the completion. The
 * indicators of the member's or the branch's target count; one with source_param on_time
 * only a completion by the due date, late only one after it. Open (reopened) or deleted:
 * nothing, so what it had is taken back.
 */
static int sync_task(struct ctx *ctx, struct ind_cache *cache, int64_t task_id, int64_t *added, int64_t *reversed)
{
	struct sync s;
	struct stmt *st;
	struct one_fact f;
	const char *target = "member";
	char due[11] = "";
	int rc = 0;

	memset(&f, 0, sizeof(f));
	sync_init(&s, cache, task_id, "分解任务", task_sources);
	if ((rc = sync_row(ctx, &s, "UPDATE tasks SET version = version WHERE id = ?",
			   "SELECT t.status, t.completed_on, t.due_on, t.person_member_id, mb.org_id, mb.org_path, t.unit_org_id, "
			   "uo.path, uo.kind FROM tasks t JOIN orgs uo ON uo.id = t.unit_org_id LEFT JOIN members mb ON mb.id = "
			   "t.person_member_id WHERE t.id = ?",
			   &st)))
		return rc;
	if (st) {
		const char *status = stmt_text(st, 0), *kind = stmt_text(st, 8);
		f.qualifies = status && !strcmp(status, "completed") && !stmt_is_null(st, 1);
		stmt_text_copy(st, 1, f.event_on, sizeof(f.event_on));
		stmt_text_copy(st, 2, due, sizeof(due));
		if (!stmt_is_null(st, 3) && !stmt_is_null(st, 4)) {
			f.subject_id = stmt_int(st, 3);
			f.org_id = stmt_int(st, 4);
			stmt_text_copy(st, 5, f.org_path, sizeof(f.org_path));
		} else if (kind && org_kind_is_branch(kind)) {
			target = "branch";
			f.subject_id = f.org_id = stmt_int(st, 6);
			stmt_text_copy(st, 7, f.org_path, sizeof(f.org_path));
		} else {
			f.qualifies = 0;
		}
		stmt_reset(st);
	}
	return sync_one(ctx, &s, target, &f, "任务完成", strcmp(f.event_on, due) <= 0 ? "on_time" : "late", added,
			reversed);
}

int points_sync_task(struct ctx *ctx, int64_t task_id)
{
	return sync_task(ctx, NULL, task_id, NULL, NULL);
}

/*
 * A 走访 earns each member who went one entry per indicator, in the member's own branch,
 * dated the visit (the set in force is the visit's org's). Members whose branch has points
 * off get nothing.
 */
static int sync_visit(struct ctx *ctx, struct ind_cache *cache, int64_t visit_id, int64_t *added, int64_t *reversed)
{
	struct sync s;
	struct stmt *st;
	struct attendee *att = NULL;
	size_t natt = 0, first = 0, n = 0, i, k, nseen = 0;
	char seen[16][PATH_MAX_LEN];
	int seen_on[16], rc = 0, on, found = 0;

	sync_init(&s, cache, visit_id, "走访", visit_sources);
	if ((rc = sync_row(ctx, &s, "UPDATE visits SET version = version WHERE id = ?",
			   "SELECT o.path, v.visited_on FROM visits v JOIN orgs o ON o.id = v.org_id WHERE v.id = ?",
			   &st)))
		return rc;
	if (st) {
		found = 1;
		stmt_text_copy(st, 0, s.org_path, sizeof(s.org_path));
		stmt_text_copy(st, 1, s.event_on, sizeof(s.event_on));
		stmt_reset(st);
	}
	if (found) {
		if ((rc = sync_month(ctx, &s, "走访")))
			goto out;
		if ((rc = load_indicators(ctx, &s, "member", "visit_made", NULL, &first, &n)))
			goto out;
	}
	if (n) {
		if ((rc = load_takers(ctx,
				      "SELECT vm.member_id, mb.org_id, mb.org_path FROM visit_members vm JOIN members mb ON "
				      "mb.id = vm.member_id WHERE vm.visit_id = ? ORDER BY vm.member_id",
				      visit_id, &att, &natt)))
			goto out;
		for (i = 0; i < natt; i++) {
			if ((rc = member_points_on(ctx, &att[i], seen, seen_on, &nseen, &on)))
				goto out;
			if (!on)
				continue;
			for (k = 0; k < n; k++)
				want(&s, "visit_made", "member", att[i].member_id, att[i].org_id, att[i].org_path,
				     &s.inds[first + k], s.inds[first + k].sign * s.inds[first + k].points_x10);
		}
	}
	rc = sync_reconcile(ctx, &s, added, reversed);
out:
	free(att);
	sync_release(&s);
	return rc;
}

int points_sync_visit(struct ctx *ctx, int64_t visit_id)
{
	return sync_visit(ctx, NULL, visit_id, NULL, NULL);
}

/* ---- POST /points/sync ------------------------------------------------------------- */

struct ids {
	int64_t *v;
	size_t n, alloc;
};

/* Appends the first column of every row of sql, bound (lo, hi, from, to). */
/* the source ids of the entries already written for some sources (sources: "= 'x'" or "IN (…)") */
#define SYNCED_IDS(sources)                                                                              \
	"SELECT DISTINCT source_id FROM point_entries WHERE org_path >= ? AND org_path < ? AND event_on >= ? " \
	"AND event_on <= ? AND source " sources

static int collect(struct ctx *ctx, const char *sql, const char *lo, const char *hi, const char *from, const char *to,
		   struct ids *out)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, to);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* sorted, each once */
static void ids_unique(struct ids *ids)
{
	size_t i, n = 0;
	if (!ids->n)
		return;
	qsort(ids->v, ids->n, sizeof(*ids->v), id_cmp);
	for (i = 0; i < ids->n; i++)
		if (!n || ids->v[n - 1] != ids->v[i])
			ids->v[n++] = ids->v[i];
	ids->n = n;
}

/* the records of the one-fact sources (projects, requests, findings) */
struct more_ids {
	struct ids projects, requests, findings, tasks, visits;
};

/*
 * The records of the subtree and period: meetings held in it and rounds closed in it,
 * plus any record whose automatic entries are dated in it (a record since moved out of
 * the period still has its old entries taken back). Volunteer activities also when a
 * participant's branch lies in the subtree (a team above it may serve with its members).
 */
static int period_records(struct ctx *ctx, const char *lo, const char *hi, const char *from, const char *to,
			  struct ids *meetings, struct ids *rounds, struct ids *acts, struct ids *items, struct more_ids *x)
{
	int rc;
	if ((rc = collect(ctx, "SELECT id FROM meetings WHERE org_path >= ? AND org_path < ? AND held_on >= ? AND held_on <= ?",
			  lo, hi, from, to, meetings)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("IN ('meeting_attended', 'meeting_absent', 'study_hours', 'branch_meeting_held')"),
			  lo, hi, from, to, meetings)) ||
	    (rc = collect(ctx,
			  "SELECT a.id FROM appraisals a JOIN orgs o ON o.id = a.org_id WHERE o.path >= ? AND o.path < ? "
			  "AND a.closed_on >= ? AND a.closed_on <= ?",
			  lo, hi, from, to, rounds)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("IN ('appraisal_category', 'branch_appraisal_done')"),
			  lo, hi, from, to, rounds)) ||
	    (rc = collect(ctx,
			  "SELECT va.id FROM volunteer_activities va JOIN orgs o ON o.id = va.org_id WHERE o.path >= ? "
			  "AND o.path < ? AND va.held_on >= ? AND va.held_on <= ?",
			  lo, hi, from, to, acts)) ||
	    (rc = collect(ctx,
			  "SELECT DISTINCT p.activity_id FROM volunteer_participants p JOIN members mb ON mb.id = "
			  "p.member_id JOIN volunteer_activities va ON va.id = p.activity_id WHERE mb.org_path >= ? AND "
			  "mb.org_path < ? AND va.held_on >= ? AND va.held_on <= ?",
			  lo, hi, from, to, acts)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'volunteer_hours'"),
			  lo, hi, from, to, acts)) ||
	    (rc = collect(ctx,
			  "SELECT i.id FROM commitment_items i JOIN commitment_letters l ON l.id = i.letter_id JOIN orgs o "
			  "ON o.id = l.org_id WHERE o.path >= ? AND o.path < ? AND i.done_on >= ? AND i.done_on <= ? AND "
			  "l.holder_type = 'member'",
			  lo, hi, from, to, items)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'commitment_done'"),
			  lo, hi, from, to, items)) ||
	    (rc = collect(ctx,
			  "SELECT p.id FROM projects p WHERE p.org_path >= ? AND p.org_path < ? AND p.stage = 'reward' AND "
			  "EXISTS (SELECT 1 FROM project_ledger l WHERE l.project_id = p.id AND l.stage = 'reward' AND "
			  "l.happened_on >= ? AND l.happened_on <= ?)",
			  lo, hi, from, to, &x->projects)) ||
	    (rc = collect(ctx,
			  "SELECT r.id FROM mass_requests r JOIN members mb ON mb.id = r.assignee_member_id WHERE mb.org_path "
			  ">= ? AND mb.org_path < ? AND r.replied_on >= ? AND r.replied_on <= ?",
			  lo, hi, from, to, &x->requests)) ||
	    (rc = collect(ctx,
			  "SELECT fi.id FROM inspection_findings fi JOIN orgs o ON o.id = fi.org_id WHERE o.path >= ? AND "
			  "o.path < ? AND fi.found_on >= ? AND fi.found_on <= ?",
			  lo, hi, from, to, &x->findings)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'project_awarded'"),
			  lo, hi, from, to, &x->projects)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'request_replied'"),
			  lo, hi, from, to, &x->requests)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'supervision_finding'"),
			  lo, hi, from, to, &x->findings)) ||
	    (rc = collect(ctx,
			  "SELECT t.id FROM tasks t JOIN orgs uo ON uo.id = t.unit_org_id LEFT JOIN members mb ON mb.id = "
			  "t.person_member_id WHERE COALESCE(mb.org_path, uo.path) >= ? AND COALESCE(mb.org_path, uo.path) < ? "
			  "AND t.completed_on >= ? AND t.completed_on <= ?",
			  lo, hi, from, to, &x->tasks)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'task_done'"),
			  lo, hi, from, to, &x->tasks)) ||
	    (rc = collect(ctx,
			  "SELECT v.id FROM visits v JOIN orgs o ON o.id = v.org_id WHERE o.path >= ? AND o.path < ? AND "
			  "v.visited_on >= ? AND v.visited_on <= ?",
			  lo, hi, from, to, &x->visits)) ||
	    (rc = collect(ctx,
			  "SELECT DISTINCT vm.visit_id FROM visit_members vm JOIN members mb ON mb.id = vm.member_id JOIN "
			  "visits v ON v.id = vm.visit_id WHERE mb.org_path >= ? AND mb.org_path < ? AND v.visited_on >= ? AND "
			  "v.visited_on <= ?",
			  lo, hi, from, to, &x->visits)) ||
	    (rc = collect(ctx,
			  SYNCED_IDS("= 'visit_made'"),
			  lo, hi, from, to, &x->visits)))
		return rc;
	ids_unique(&x->tasks);
	ids_unique(&x->visits);
	ids_unique(&x->projects);
	ids_unique(&x->requests);
	ids_unique(&x->findings);
	ids_unique(meetings);
	ids_unique(rounds);
	ids_unique(acts);
	ids_unique(items);
	return 0;
}

static int sync_args(struct ctx *ctx, json_t *body, struct org *o, struct points_period *p)
{
	json_t *v = json_object_get(body, "org_id");
	const char *s;
	int rc;
	if (!v)
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "须指定党组织");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
	if ((rc = org_require_in_scope(ctx, json_integer_value(v), o, "org_id")))
		return rc;
	v = json_object_get(body, "period");
	if (!v)
		return err_set(&ctx->err, E_INVALID, "period", "field.required", "须指定期间");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "period", NULL, "字段 period 必须是字符串");
	s = json_string_value(v);
	if (points_period_parse(s, p))
		return err_set(&ctx->err, E_INVALID, "period", "field.period", "期间格式为 2026-09、2026Q3 或 2026");
	return points_require_enabled(ctx, o->path);
}

int points_sync(struct ctx *ctx, json_t *body, int64_t *added, int64_t *reversed)
{
	struct org o;
	struct points_period p;
	struct ids meetings = { 0 }, rounds = { 0 }, acts = { 0 }, items = { 0 };
	struct more_ids x = { { 0 }, { 0 }, { 0 }, { 0 }, { 0 } };
	struct ind_cache cache = { 0 };
	char hi[PATH_MAX_LEN], from[11], to[11];
	struct date d;
	size_t i;
	int rc;

	*added = *reversed = 0;
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "points.role", "只有管理员可以重新计算自动积分");
	if ((rc = sync_args(ctx, body, &o, &p)))
		return rc;
	path_range_end(o.path, hi, sizeof(hi));
	d.y = p.first / 12;
	d.m = p.first % 12 + 1;
	d.d = 1;
	date_format(d, from);
	d.y = p.last / 12;
	d.m = p.last % 12 + 1;
	d.d = date_days_in_month(d.y, d.m);
	date_format(d, to);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = period_records(ctx, o.path, hi, from, to, &meetings, &rounds, &acts, &items, &x)))
		goto rollback;
	for (i = 0; i < meetings.n; i++)
		if ((rc = sync_meeting(ctx, &cache, meetings.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < rounds.n; i++)
		if ((rc = sync_appraisal(ctx, &cache, rounds.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < acts.n; i++)
		if ((rc = sync_volunteer(ctx, &cache, acts.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < items.n; i++)
		if ((rc = sync_commitment(ctx, &cache, items.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < x.projects.n; i++)
		if ((rc = sync_single(ctx, &project_kind, &cache, x.projects.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < x.requests.n; i++)
		if ((rc = sync_single(ctx, &request_kind, &cache, x.requests.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < x.findings.n; i++)
		if ((rc = sync_single(ctx, &finding_kind, &cache, x.findings.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < x.tasks.n; i++)
		if ((rc = sync_task(ctx, &cache, x.tasks.v[i], added, reversed)))
			goto rollback;
	for (i = 0; i < x.visits.n; i++)
		if ((rc = sync_visit(ctx, &cache, x.visits.v[i], added, reversed)))
			goto rollback;
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*added = *reversed = 0;
out:
	cache_release(&cache);
	free(meetings.v);
	free(rounds.v);
	free(acts.v);
	free(items.v);
	free(x.projects.v);
	free(x.requests.v);
	free(x.findings.v);
	free(x.tasks.v);
	free(x.visits.v);
	return rc;
}
