#ifndef MASS_REQUEST_H
#define MASS_REQUEST_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 民情诉求 (issue 6): what villagers ask for at a 走访, 恳谈, 圆桌夜谈, in a questionnaire or
 * by phone, followed in a fixed order
 *   received → assigned (member or org, due date) → handled → replied → rated
 * A step out of order is 409 rule "request.status". Until it is handled a request may be
 * reassigned, with a reason; every assignment is kept. Overdue: assigned or handled,
 * past its due date (ctx->today) and not yet replied.
 * And 走访 / 结对帮扶 (domain/visit.c): pairings member ↔ household or 困难党员, visit
 * records with a follow-up, and a request made from a visit's findings in one transaction.
 *
 * Reads and writes: 支部书记 (their branch) and admins (their subtree). JSON out-parameters
 * are owned by the caller. Every write is audited in its transaction (entities
 * "mass_request", "pairing", "visit").
 */
#define RQ_TEXT_MAX_CHARS 2000
#define RQ_LINE_MAX_CHARS 100      /* addresses, places, reasons */

struct rq_filter {
	int64_t org_id;          /* subtree root; 0 = the actor's scope */
	const char *q;           /* requester / content / address contains */
	const char *status, *category, *channel;
	const char *from, *to;   /* received_on range, inclusive */
	int overdue;             /* 1: only overdue ones */
};

int rq_create(struct ctx *ctx, json_t *body, int64_t *id);
int rq_get(struct ctx *ctx, int64_t id, json_t **out);
int rq_list(struct ctx *ctx, const struct rq_filter *f, int page, int per_page, json_t **items, int64_t *total);
/* body {version, channel?, received_on?, requester?, address?, content?, category?}: corrects what was
 * received until the request is rated (409 request.closed) */
int rq_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, member_id | org_id, due_on, reason (required when reassigning), assigned_on?} */
int rq_assign(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, handling, rectified (bool, default true), handled_on?} */
int rq_handle(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reply, replied_on?} */
int rq_reply(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, satisfaction: satisfied | basic | dissatisfied, rated_on?} */
int rq_rate(struct ctx *ctx, int64_t id, json_t *body);
/* 1 if s is a known code of kind "status" | "category" | "channel" (list filters) */
int rq_code_known(const char *kind, const char *s);
/* Counts for the subtree and the received_on period (from/to may be NULL). */
int rq_stats(struct ctx *ctx, int64_t org_id, const char *from, const char *to, json_t **out);

/* Inside the caller's transaction: validates body as rq_create does and inserts (visit_id 0 = none). */
int rq_insert(struct ctx *ctx, json_t *body, int64_t visit_id, int64_t *id);

/* ---- 走访 and 结对帮扶 (domain/visit.c) ---- */
struct visit_filter {
	int64_t org_id;
	const char *q;
	const char *from, *to;       /* visited_on */
	const char *followup;        /* NULL | "open" | "overdue" | "closed" */
	int64_t member_id;           /* visits this member took part in */
};
int pairing_create(struct ctx *ctx, json_t *body, int64_t *id);
int pairing_get(struct ctx *ctx, int64_t id, json_t **out);
/* active: 1 only running ones (no end or end ≥ today), 0 all */
int pairing_list(struct ctx *ctx, int64_t org_id, const char *q, int active, int page, int per_page, json_t **items,
		 int64_t *total);
/* body {version, end_on} */
int pairing_end(struct ctx *ctx, int64_t id, json_t *body);

/* body {org_id, visited_on, place, member_ids[], findings, pairing_id?, followup?, followup_due?,
 *       request? {channel?, category, content?, requester?, address?}}: the request, when given,
 * is written in the same transaction. */
int visit_create(struct ctx *ctx, json_t *body, int64_t *id);
int visit_get(struct ctx *ctx, int64_t id, json_t **out);
int visit_list(struct ctx *ctx, const struct visit_filter *f, int page, int per_page, json_t **items, int64_t *total);
/* body {version, closed_on?, result} */
int visit_close_followup(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, category, content?, requester?, address?, channel?}: request + link, one transaction */
int visit_make_request(struct ctx *ctx, int64_t id, json_t *body, int64_t *request_id);

/* shared checks (mass_request.c) */
int rq_require_officer(struct ctx *ctx);
int rq_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int max_chars, int required,
	    const char **out);
/* optional date ('' / absent → def, may be NULL); not after today unless future_ok */
int rq_date(struct ctx *ctx, json_t *body, const char *key, const char *label, const char *def, int future_ok,
	    char *out);
int rq_version(struct ctx *ctx, json_t *body, int64_t *version);
/* 409 store.stale with msg unless cur's version is version */
int rq_stale(struct ctx *ctx, json_t *cur, int64_t version, const char *msg);
/* a row as JSON; path (when not NULL) receives the row's org path */
typedef json_t *(*rq_row_json_fn)(struct ctx *ctx, struct stmt *st, char *path, size_t path_size);
/* one row by id (sql has one '?') as to_json renders it, if its org lies in the actor's scope; else 404 not_found */
int rq_load_scoped(struct ctx *ctx, const char *sql, int64_t id, rq_row_json_fn to_json, const char *not_found,
		   json_t **out);
/*
 * The end of a change in the caller's transaction, after its write: the audit of action on
 * entity id (before, and load(id) as after), then the commit; rolled back on failure.
 */
/* a list's row (listq_row_fn): the to_json of arg, a struct rq_row */
struct rq_row {
	rq_row_json_fn to_json;
};
json_t *rq_list_row(struct ctx *ctx, struct stmt *st, void *arg);
typedef int (*rq_load_fn)(struct ctx *ctx, int64_t id, json_t **out);
int rq_commit_change(struct ctx *ctx, rq_load_fn load, const char *action, const char *entity, int64_t id,
		     json_t *before);
/* an active member whose branch lies in the actor's scope; name copied when asked */
int rq_member_in_scope(struct ctx *ctx, int64_t member_id, const char *field, char *name, size_t name_size);
#endif
