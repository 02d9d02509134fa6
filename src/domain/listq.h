#ifndef LISTQ_H
#define LISTQ_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "domain/org.h"
#include "util/strbuf.h"
/*
 * A list query built piece by piece, so that a module's list function says only what
 * is its own (the FROM, the columns, the order, how a row reads) and not again how a
 * subtree is limited, how an optional filter is skipped, how a LIKE pattern is escaped,
 * or how count(*) and one page are run with the same parameters in the same order.
 *
 *   struct listq q;
 *   listq_init(&q);
 *   if (!(rc = listq_subtree(ctx, &q, "o.path", f->org_id))) {
 *           listq_filter_text(&q, "t.pool = ?", f->pool);
 *           listq_filter_contains(&q, "t.name LIKE ? ESCAPE '\\'", 1, f->q);
 *           rc = listq_list(ctx, &q, &sql, page, per_page, row_fn, arg, items, total);
 *   }
 *   listq_release(&q);
 *
 * Text parameters are copied, so a caller may hand in temporaries. Conditions are
 * fixed strings written by the module; only values are ever bound.
 */
#define LISTQ_MAX_PARAMS 24 /* the filters are a fixed set per list: more is a programming error */

struct listq_param {
	char type;   /* 'i' | 't' */
	int64_t num;
	char *text;  /* owned; NULL binds NULL */
};
struct listq_params {
	int n;
	struct listq_param v[LISTQ_MAX_PARAMS];
};
struct listq {
	struct strbuf where;       /* "" or " WHERE … AND …" */
	struct listq_params params; /* the WHERE's, in order */
	/* The select list's own parameters (a per-row subquery's date, say): in the page
	 * query they come before the WHERE's; the count does not have them. */
	struct listq_params head;
	struct org root;           /* after listq_subtree: the subtree's root */
};

void listq_init(struct listq *q);
void listq_release(struct listq *q);

/* Conditions, ANDed in the order they are added; each '?' of cond takes the value. */
void listq_where(struct listq *q, const char *cond); /* no parameter */
void listq_where_text(struct listq *q, const char *cond, const char *value);
void listq_where_int(struct listq *q, const char *cond, int64_t value);
/* The optional filters of a list: nothing is added for NULL or "" (text) or 0 (int). */
void listq_filter_text(struct listq *q, const char *cond, const char *value);
void listq_filter_int(struct listq *q, const char *cond, int64_t value);
/*
 * "contains s" over `columns` columns: cond holds one "LIKE ? ESCAPE '\\'" per column
 * (typically ORed in parentheses), each bound to '%s%' with LIKE's wildcards in s
 * taken literally. Nothing is added when s is NULL or "".
 */
void listq_filter_contains(struct listq *q, const char *cond, int columns, const char *s);
/* date_col (text 'YYYY-MM-DD') within the calendar year: two conditions, date_col >= and <= */
void listq_where_in_year(struct listq *q, const char *date_col, int year);
/* a parameter of the select list (see struct listq) */
void listq_head_text(struct listq *q, const char *value);

/*
 * Limits the list to the subtree of org_id (0: the actor's whole scope): resolves the
 * root with org_scope_root (E_NOTFOUND outside the scope), keeps it in q->root and adds
 * "path_col >= root AND path_col < range end" (see path_range_end).
 */
int listq_subtree(struct ctx *ctx, struct listq *q, const char *path_col, int64_t org_id);

/* '%s%' with '%', '_' and '\' escaped by '\' (for LIKE … ESCAPE '\'), into out (appended) */
void listq_like_pattern(struct strbuf *out, const char *s);

/* The SQL around the WHERE of one list. */
struct listq_sql {
	const char *count;  /* "SELECT count(*) FROM …": the WHERE is appended */
	const char *select; /* "SELECT <cols> FROM …": the WHERE is appended … */
	const char *tail;   /* … then this (" ORDER BY …", or "GROUP BY …"), then the page */
};
/* One row of a list as JSON (NULL skips the row); st stands on the row. */
typedef json_t *(*listq_row_fn)(struct ctx *ctx, struct stmt *st, void *arg);

/* *total = the single integer of count + WHERE */
int listq_count(struct ctx *ctx, const struct listq *q, const char *count_sql, int64_t *total);
/*
 * Runs select + WHERE + tail (+ " LIMIT per_page OFFSET (page-1)*per_page" when
 * per_page > 0) and appends row(ctx, st, arg) of each row to *items (a new array,
 * the caller's; NULL on error).
 */
int listq_fetch(struct ctx *ctx, const struct listq *q, const struct listq_sql *sql, int page, int per_page,
		listq_row_fn row, void *arg, json_t **items);
/* listq_count then listq_fetch: the usual {items, total} of a paged list */
int listq_list(struct ctx *ctx, const struct listq *q, const struct listq_sql *sql, int page, int per_page,
	       listq_row_fn row, void *arg, json_t **items, int64_t *total);

/*
 * The actor's own progress on record id (a notice read, a course opened): sql selects two
 * timestamp columns with two '?', the record's id then the actor's member id. Each is ""
 * when there is no row or it is NULL. 0 or the store error.
 */
int listq_my_times(struct ctx *ctx, const char *sql, int64_t id, char first[21], char second[21]);

/*
 * One row by id: prepares sql (one '?', the id), binds and steps. *row is the statement
 * standing on the row, or NULL when there is none; the caller reads it, then calls
 * stmt_reset(*row). 0 or the store error.
 */
int listq_row_by_id(struct ctx *ctx, const char *sql, int64_t id, struct stmt **row);
/*
 * One record by id: listq_row_by_id, then read(row, rec) when there is one (*found 1);
 * rec (size bytes) is zeroed first either way. 0 or the store error.
 */
typedef void (*listq_read_fn)(struct stmt *st, void *rec);
int listq_load_by_id(struct ctx *ctx, const char *sql, int64_t id, listq_read_fn read, void *rec, size_t size,
		     int *found);
#endif
