/*
 * Rows written many at a time (see bulk_rows.h).
 */
#include "domain/bulk_rows.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { V_NULL, V_INT, V_TEXT };

/* rows held per COPY: no parameter limit there, and each COPY is one round trip */
#define BULK_COPY_ROWS 4096

void bulk_init(struct bulk *b, const char *table, const char *cols, int copy)
{
	const char *p;
	memset(b, 0, sizeof(*b));
	b->table = table;
	b->cols = cols;
	b->ncols = 1;
	for (p = cols; *p; p++)
		b->ncols += *p == ',';
	/* PostgreSQL takes 65,535 parameters, SQLite 32,766: stay far below either */
	b->per_stmt = 2000 / b->ncols;
	if (b->per_stmt > 256)
		b->per_stmt = 256;
	b->copy = copy;
	if (copy)
		b->per_stmt = BULK_COPY_ROWS;
	b->type = xcalloc((size_t)b->ncols * (size_t)b->per_stmt, 1);
	b->ival = xcalloc((size_t)b->ncols * (size_t)b->per_stmt, sizeof(int64_t));
	b->off = xcalloc((size_t)b->ncols * (size_t)b->per_stmt, sizeof(size_t));
	strbuf_init(&b->arena, 0);
}

void bulk_set_suffix(struct bulk *b, const char *suffix)
{
	b->suffix = suffix;
	b->copy = 0; /* COPY has no ON CONFLICT; the buffer keeps its size (per_stmt rows) */
	free(b->sql_full);
	b->sql_full = NULL;
}

void bulk_free(struct bulk *b)
{
	free(b->type);
	free(b->ival);
	free(b->off);
	free(b->sql_full);
	strbuf_release(&b->arena);
}

static char *bulk_sql(const struct bulk *b, int rows)
{
	struct strbuf sb = STRBUF_INIT;
	int i, j;
	strbuf_addf(&sb, "INSERT INTO %s (%s) VALUES ", b->table, b->cols);
	for (i = 0; i < rows; i++) {
		strbuf_addstr(&sb, i ? ",(" : "(");
		for (j = 0; j < b->ncols; j++)
			strbuf_addstr(&sb, j ? ",?" : "?");
		strbuf_addch(&sb, ')');
	}
	if (b->suffix)
		strbuf_addstr(&sb, b->suffix);
	return strbuf_detach(&sb, NULL);
}

/* rows [first, first + rows) of what is held, as one statement */
static int bulk_stmt(struct ctx *ctx, struct bulk *b, int first, int rows)
{
	struct stmt *st;
	char *sql = NULL;
	int i, v0 = first * b->ncols, nv = rows * b->ncols;
	if (rows == b->per_stmt) {
		if (!b->sql_full)
			b->sql_full = bulk_sql(b, b->per_stmt);
		st = db_prepare(ctx->db, b->sql_full, &ctx->err);
	} else {
		sql = bulk_sql(b, rows);
		st = db_prepare(ctx->db, sql, &ctx->err);
		free(sql);
	}
	if (!st)
		return E_DB;
	for (i = 0; i < nv; i++) {
		int k = v0 + i;
		if (b->type[k] == V_INT)
			stmt_bind_int(st, i + 1, b->ival[k]);
		else if (b->type[k] == V_TEXT)
			stmt_bind_text(st, i + 1, b->arena.buf + b->off[k]);
		else
			stmt_bind_null(st, i + 1);
	}
	return stmt_run(st, &ctx->err);
}

/* Everything held as one COPY in its text format (PostgreSQL). */
static int bulk_copy(struct ctx *ctx, struct bulk *b)
{
	struct strbuf sb = STRBUF_INIT;
	int i, rc;
	for (i = 0; i < b->nvals; i++) {
		if (b->type[i] == V_INT)
			strbuf_addf(&sb, "%" PRId64, b->ival[i]);
		else if (b->type[i] == V_TEXT)
			db_copy_text(&sb, b->arena.buf + b->off[i]);
		else
			strbuf_addstr(&sb, "\\N");
		strbuf_addch(&sb, (i + 1) % b->ncols ? '\t' : '\n');
	}
	rc = db_copy(ctx->db, b->table, b->cols, sb.buf, sb.len, &ctx->err);
	strbuf_release(&sb);
	return rc;
}

/* Everything held, in statements of per_stmt rows and then powers of two, so only a
 * handful of statement texts exist per table and all stay in the statement cache; on
 * PostgreSQL (copy) one COPY. */
int bulk_flush(struct ctx *ctx, struct bulk *b)
{
	int done = 0, chunk, rc = 0;
	if (b->copy && b->nrows) {
		if ((rc = bulk_copy(ctx, b)))
			goto out;
		done = b->nrows;
	}
	while (done < b->nrows) {
		int left = b->nrows - done;
		if (left >= b->per_stmt)
			chunk = b->per_stmt;
		else
			for (chunk = 1; chunk * 2 <= left; chunk *= 2)
				;
		if ((rc = bulk_stmt(ctx, b, done, chunk)))
			goto out;
		done += chunk;
	}
	b->written += b->nrows;
out:
	b->nrows = 0;
	b->nvals = 0;
	strbuf_reset(&b->arena);
	return rc;
}

void bulk_int(struct bulk *b, int64_t v)
{
	b->type[b->nvals] = V_INT;
	b->ival[b->nvals++] = v;
}

void bulk_text(struct bulk *b, const char *s)
{
	if (!s) {
		b->type[b->nvals++] = V_NULL;
		return;
	}
	b->type[b->nvals] = V_TEXT;
	b->off[b->nvals++] = b->arena.len;
	strbuf_add(&b->arena, s, strlen(s) + 1);
}

void bulk_null(struct bulk *b)
{
	b->type[b->nvals++] = V_NULL;
}

void bulk_opt(struct bulk *b, const char *s)
{
	bulk_text(b, s && s[0] ? s : NULL);
}

void bulk_row_end(struct bulk *b)
{
	b->nrows++;
}

int bulk_full(const struct bulk *b)
{
	return b->nrows >= b->per_stmt;
}
