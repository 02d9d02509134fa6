#ifndef SVD_UTIL_H
#define SVD_UTIL_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Field readers and row rendering shared by 督查整改 (supervision.c) and 四议两公开
 * (decision.c). Errors follow body.h: missing → 422 field.required, wrong JSON type →
 * 400, bad value → 422 naming the field. Strings handed out are owned by the caller.
 */
#define SVD_LINE_MAX_CHARS 200   /* titles, names, places */
#define SVD_TEXT_MAX_CHARS 2000  /* problems, reports, notes */

/* Text: trimmed of nothing, valid UTF-8, ≤ max_chars; multiline allows \n \r \t. *out NULL when absent/"". */
int svd_text(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max_chars, int required,
	     int multiline, char **out);
/* A 'YYYY-MM-DD' date: absent → def (if def) or field.required; never after today when no_future. */
int svd_date(struct ctx *ctx, json_t *body, const char *key, const char *label, const struct date *def,
	     int no_future, struct date *out);
/* An optional integer in [min, max]; *present 0 when absent or null. */
int svd_int(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t min, int64_t max,
	    int64_t *out, int *present);
/* body.version, required */
int svd_version(struct ctx *ctx, json_t *body, int64_t *out);

/* Columns of a result row rendered into JSON: type 'i' integer, 's' text or null, 'b' 0/1 as boolean. */
struct svd_col {
	const char *name;
	char type;
};
/* Appends one object per remaining row of st to arr (st is reset); 0 or the store error. */
int svd_rows(struct ctx *ctx, struct stmt *st, const struct svd_col *cols, json_t *arr);
/* One row as an object (NULL-terminated cols), without stepping. */
json_t *svd_row(struct stmt *st, const struct svd_col *cols);

/*
 * One record by id for the officer's side: st (NULL: E_DB) is prepared and bound, its
 * row's column path_col the record's org path. Rendered with cols when the path is in the
 * actor's scope; otherwise (or with no row) 404 with not_found. *out the caller's.
 */
int svd_load_row(struct ctx *ctx, struct stmt *st, int path_col, const struct svd_col *cols, const char *not_found,
		 json_t **out);
/* A list's row: svd_row with cols, then decorate (may be NULL); the listq_row_fn of svd_item. */
struct svd_item_spec {
	const struct svd_col *cols;
	void (*decorate)(json_t *j);
};
json_t *svd_item(struct ctx *ctx, struct stmt *st, void *spec);

/*
 * A write transaction, or a savepoint inside the caller's when one is open (the demo
 * writes all its rows in one transaction through these same functions). *nested says
 * which, for svd_commit / svd_rollback.
 */
int svd_begin(struct ctx *ctx, int *nested);
int svd_commit(struct ctx *ctx, int nested);
void svd_rollback(struct ctx *ctx, int nested);
/* svd_begin, then *st prepared from sql (rolled back again when it cannot be) */
int svd_begin_stmt(struct ctx *ctx, int *nested, const char *sql, struct stmt **st);
/*
 * The end of a plain create after svd_begin_stmt: st, bound, inserts RETURNING *id; then
 * the audit "create" of entity with load(*id) as after, and the commit. On failure rolled
 * back and *id 0.
 */
typedef int (*svd_load_fn)(struct ctx *ctx, int64_t id, json_t **out);
int svd_insert(struct ctx *ctx, int nested, struct stmt *st, const char *entity, svd_load_fn load, int64_t *id);
#endif
