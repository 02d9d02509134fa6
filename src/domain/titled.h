#ifndef TITLED_H
#define TITLED_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "domain/listq.h"
/*
 * A titled record (a notice, a course): issued by a secretary or an administrator from one
 * organization to its subtree, with a title and a body, status draft → published →
 * withdrawn, a version guarding every change, and the members' own progress on it (read,
 * opened). What such a record shares is kept here once; the module says what is its own
 * through a struct titled_kind and keeps struct titled as the first member of its record.
 *
 * The record's row is read from TITLED_COLS(alias) first (TITLED_NCOLS columns), then the
 * module's own columns. JSON results are the caller's; titled_release frees what
 * titled_read allocated.
 */
enum titled_status { TS_DRAFT, TS_PUBLISHED, TS_WITHDRAWN, TS__COUNT };
int titled_status_parse(const char *s);   /* -1 if unknown */
const char *titled_status_code(int s);    /* published */
const char *titled_status_name(int s);    /* 已发布 */

struct titled {
	int64_t id, org_id, version;
	int status; /* enum titled_status */
	char org_name[128], org_path[PATH_MAX_LEN];
	char *title, *body; /* owned */
	char published_at[21], withdrawn_at[21], created_at[21];
};

#define TITLED_COLS(a)                                                                                           \
	a ".id, " a ".org_id, o.name, " a ".org_path, " a ".title, " a ".body, " a ".status, " a ".published_at, " \
	a ".withdrawn_at, " a ".created_at, " a ".version"
#define TITLED_NCOLS 11

/* The states of a member who can read a notice or learn a course */
#define TITLED_MEMBER_STATES "('active', 'transferring')"

void titled_read(struct stmt *st, struct titled *t); /* the first TITLED_NCOLS columns */
void titled_release(struct titled *t);
char *titled_dup(const char *s); /* xstrdup, NULL for NULL */

/* What a module says of its records. */
struct titled_kind {
	const char *entity;      /* "notice": the audit's entity */
	const char *noun;        /* "通知", in "该通知已发布，不能…" */
	const char *role_rule;   /* 403 of an actor below a secretary … */
	const char *role_msg;    /* … and its message */
	const char *status_rule; /* 409 of a change the status does not allow */
	const char *not_found_msg, *stale_msg;
	const char *row_sql;     /* one record: "SELECT " TITLED_COLS … " WHERE x.id = ?" */
	size_t size;             /* of the module's record (struct titled first) */
	listq_read_fn read;      /* the row into the module's record */
	void (*release)(void *rec);
	/* the manager's rendering of a record (the audit's before) … */
	json_t *(*manager_json)(const struct ctx *ctx, const void *rec, int with_body);
	/* … and of record id as stored now (with_counts 0: the audit's after) */
	int (*view)(struct ctx *ctx, int64_t id, int with_counts, json_t **out);
	/* the managers' list: the keys of the three counts after the record's ncols columns */
	const char *list_counts[3];
	int ncols;
};

/* {id, org_id, org_name, title}: the head of both sides' rendering (a new object) */
json_t *titled_json(const struct titled *t);
/* the manager's fields: status, status_name, withdrawn_at, extra_key (when not NULL), created_at, version */
void titled_manager_fields(json_t *j, const struct titled *t, const char *extra_key, json_t *extra);

/* 403 role_rule below a secretary */
int titled_require_officer(struct ctx *ctx, const struct titled_kind *k);
/* the record by id (rec of k->size bytes, zeroed first); *found 0 when there is none */
int titled_load_row(struct ctx *ctx, const struct titled_kind *k, int64_t id, void *rec, int *found);
/* the record for the manager's side: an officer whose scope holds its org; else 404 (rec released) */
int titled_load_scoped(struct ctx *ctx, const struct titled_kind *k, int64_t id, void *rec);
/* 409 status_rule: "该<noun><status>，不能<verb>" */
int titled_status_conflict(struct ctx *ctx, const struct titled_kind *k, const struct titled *t, const char *verb);
/* audit action with before and the view of id after the write, then commit */
int titled_audit_commit(struct ctx *ctx, const struct titled_kind *k, const char *action, int64_t id, json_t *before);
/*
 * The end of every versioned change: st updates the record WHERE id = ? AND version = ?
 * (its last two parameters, after nbound); no row changed: 409 stale_msg. Audited, committed.
 */
int titled_finish_write(struct ctx *ctx, const struct titled_kind *k, struct stmt *st, int nbound, const void *rec,
			int64_t version, const char *action);
/*
 * Binds the INSERT of a new record: parameters 1–3 org id, org path, title; 8–12 status,
 * published_at, created_by, created_at, updated_at (4–7 are the module's).
 */
void titled_bind_new(const struct ctx *ctx, struct stmt *st, int64_t org_id, const char *org_path, const char *title,
		     int publish);
/*
 * The end of a create, in the transaction the caller began: st (NULL: E_DB) inserts the
 * record RETURNING id; audited "create", committed. Rolled back on failure (*id 0).
 */
int titled_insert(struct ctx *ctx, const struct titled_kind *k, struct stmt *st, int64_t *id);
/*
 * Publishes a draft (publish 1) or withdraws a published record: sql sets the status and
 * its time from its two '?' (now) and ends WHERE id = ? AND version = ? AND status = ….
 * check (may be NULL) may refuse the step before anything is written.
 */
int titled_step_status(struct ctx *ctx, const struct titled_kind *k, int64_t id, json_t *body, int publish,
		       const char *sql, int (*check)(struct ctx *ctx, const void *rec, int publish));

/*
 * The managers' list, officers only: the subtree of org_id on <alias>.org_path,
 * <alias>.status = status (-1: any) and <alias>.title containing title_q (NULL: any); one
 * page of sql, whose rows are the record's ncols columns then the list_counts.
 */
int titled_list(struct ctx *ctx, const struct titled_kind *k, const struct listq_sql *sql, const char *alias,
		int64_t org_id, int status, const char *title_q, int page, int per_page, json_t **items, int64_t *total);

/* The actor's member record, when it can read or learn (TITLED_MEMBER_STATES): its path ("" when none) */
int titled_member_path(struct ctx *ctx, char *path, size_t size);
/*
 * The start of the member's own list: *mpath (404 without a member record), and q (initialised
 * by the caller) with the actor's member id as the select list's parameter (the progress join).
 */
int titled_mine_query(struct ctx *ctx, struct listq *q, char *mpath, size_t size);
/* the end of it: releases q and, on error, drops *items */
int titled_mine_done(struct listq *q, int rc, json_t **items);
/* the member's first opening of record id: sql inserts (id, member, now) and does nothing on a second */
int titled_mark_first(struct ctx *ctx, const char *sql, int64_t id);

/*
 * Limits q to the members the record reaches now: id_cond ("n.id = ?") on its id and the
 * members m of its subtree in TITLED_MEMBER_STATES.
 */
void titled_where_members(struct listq *q, const char *id_cond, const struct titled *t);
/*
 * Per branch: rows of (org_id, name, count, first, second); keys names the three in the
 * JSON, and count[] sums them over the branches (arg of titled_branch_row).
 */
struct titled_tally {
	const char *keys[3];
	int64_t count[3];
};
json_t *titled_branch_row(struct ctx *ctx, struct stmt *st, void *arg);
/* Per member: rows of (member id, name, org_id, org name, first time, second time); arg is
 * const char *const[2], the two times' keys. */
json_t *titled_member_row(struct ctx *ctx, struct stmt *st, void *arg);
#endif
