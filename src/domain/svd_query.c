/* List queries for supervision.c and decision.c (see svd_query.h). */
#include "domain/svd_query.h"
#include <stdlib.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

void svd_query_init(struct svd_query *q)
{
	memset(q, 0, sizeof(*q));
	strbuf_init(&q->where, 128);
}

void svd_query_release(struct svd_query *q)
{
	int i;
	for (i = 0; i < q->n; i++)
		free(q->text[i]);
	strbuf_release(&q->where);
	memset(q, 0, sizeof(*q));
}

static void add_cond(struct svd_query *q, const char *cond)
{
	strbuf_addstr(&q->where, q->where.len ? " AND " : " WHERE ");
	strbuf_addstr(&q->where, cond);
}

void svd_where_text(struct svd_query *q, const char *cond, const char *value)
{
	if (q->n >= SVD_MAX_BINDS)
		abort(); /* a programming error: the filters are a fixed set */
	add_cond(q, cond);
	q->type[q->n] = 't';
	q->text[q->n++] = value ? xstrdup(value) : NULL;
}

void svd_where_int(struct svd_query *q, const char *cond, int64_t value)
{
	if (q->n >= SVD_MAX_BINDS)
		abort();
	add_cond(q, cond);
	q->type[q->n] = 'i';
	q->num[q->n++] = value;
}

void svd_where_like(struct svd_query *q, const char *cond, int columns, const char *s)
{
	struct strbuf pat = STRBUF_INIT;
	int i;
	strbuf_addch(&pat, '%');
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			strbuf_addch(&pat, '\\');
		strbuf_addch(&pat, *s);
	}
	strbuf_addch(&pat, '%');
	add_cond(q, cond);
	for (i = 0; i < columns && q->n < SVD_MAX_BINDS; i++) {
		q->type[q->n] = 't';
		q->text[q->n++] = xstrdup(pat.buf);
	}
	strbuf_release(&pat);
}

void svd_query_bind(const struct svd_query *q, struct stmt *st)
{
	int i;
	for (i = 0; i < q->n; i++) {
		if (q->type[i] == 'i')
			stmt_bind_int(st, i + 1, q->num[i]);
		else
			stmt_bind_text(st, i + 1, q->text[i]);
	}
}

int svd_query_count(struct ctx *ctx, const struct svd_query *q, const char *from, int64_t *total)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int step, rc = 0;
	strbuf_addf(&sql, "SELECT count(*) %s%s", from, q->where.buf ? q->where.buf : "");
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	svd_query_bind(q, st);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		rc = ctx_db_fail(ctx);
out:
	strbuf_release(&sql);
	return rc;
}
