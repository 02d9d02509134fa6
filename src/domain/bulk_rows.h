/*
 * Rows written many at a time: values are held in a buffer and flushed as multi-row
 * INSERT statements (a handful of statement texts per table, so all stay in the
 * statement cache) or, on PostgreSQL and when asked, as one COPY. One round trip per
 * few hundred rows instead of one per row: the province generator's load and the
 * arrears figures' bulk work (dues_owed.c) both write this way.
 *
 *   struct bulk b;
 *   bulk_init(&b, "t", "a, b", 0);
 *   bulk_int(&b, 1); bulk_text(&b, "x"); bulk_row_end(&b);   ... for each row
 *   if (bulk_full(&b)) rc = bulk_flush(ctx, &b);             ... or at the end
 *   bulk_free(&b);
 */
#ifndef DJ_DOMAIN_BULK_ROWS_H
#define DJ_DOMAIN_BULK_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"

struct bulk {
	const char *table;
	const char *cols;
	const char *suffix; /* after the VALUES list, e.g. an ON CONFLICT clause; NULL for none */
	int ncols, per_stmt;
	int nrows;          /* rows held */
	int nvals;          /* values held */
	unsigned char *type;
	int64_t *ival;
	size_t *off;
	struct strbuf arena;
	char *sql_full;
	int64_t written;
	int copy; /* PostgreSQL: flushed by one COPY (db_copy) instead of multi-row INSERTs */
};

/* copy: flush by COPY (only when db_can_copy; a suffix is then not allowed) */
void bulk_init(struct bulk *b, const char *table, const char *cols, int copy);
/* INSERT … VALUES … <suffix>: e.g. " ON CONFLICT (id) DO UPDATE SET …" (both dialects) */
void bulk_set_suffix(struct bulk *b, const char *suffix);
void bulk_free(struct bulk *b);

void bulk_int(struct bulk *b, int64_t v);
void bulk_text(struct bulk *b, const char *s); /* NULL writes NULL */
void bulk_null(struct bulk *b);
void bulk_opt(struct bulk *b, const char *s); /* "" as NULL */
void bulk_row_end(struct bulk *b);
int bulk_full(const struct bulk *b); /* the buffer holds as many rows as it takes */

/* everything held written; the buffer is empty after (also on error) */
int bulk_flush(struct ctx *ctx, struct bulk *b);

#endif
