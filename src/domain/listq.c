/* List queries built piece by piece (see listq.h). */
#include "domain/listq.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

void listq_init(struct listq *q)
{
	memset(q, 0, sizeof(*q));
	strbuf_init(&q->where, 128);
}

static void params_release(struct listq_params *p)
{
	int i;
	for (i = 0; i < p->n; i++)
		free(p->v[i].text);
	p->n = 0;
}

void listq_release(struct listq *q)
{
	params_release(&q->params);
	params_release(&q->head);
	strbuf_release(&q->where);
}

static struct listq_param *param_add(struct listq_params *p, char type)
{
	if (p->n >= LISTQ_MAX_PARAMS)
		abort(); /* a list's filters are a fixed set: too many is a programming error */
	p->v[p->n].type = type;
	p->v[p->n].num = 0;
	p->v[p->n].text = NULL;
	return &p->v[p->n++];
}

static void text_param(struct listq_params *p, const char *value)
{
	param_add(p, 't')->text = value ? xstrdup(value) : NULL;
}

void listq_where(struct listq *q, const char *cond)
{
	strbuf_addstr(&q->where, q->where.len ? " AND " : " WHERE ");
	strbuf_addstr(&q->where, cond);
}

void listq_where_text(struct listq *q, const char *cond, const char *value)
{
	listq_where(q, cond);
	text_param(&q->params, value);
}

void listq_where_int(struct listq *q, const char *cond, int64_t value)
{
	listq_where(q, cond);
	param_add(&q->params, 'i')->num = value;
}

void listq_filter_text(struct listq *q, const char *cond, const char *value)
{
	if (value && value[0])
		listq_where_text(q, cond, value);
}

void listq_filter_int(struct listq *q, const char *cond, int64_t value)
{
	if (value)
		listq_where_int(q, cond, value);
}

void listq_like_pattern(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '%');
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '%');
}

void listq_filter_contains(struct listq *q, const char *cond, int columns, const char *s)
{
	struct strbuf pat = STRBUF_INIT;
	int i;
	if (!s || !s[0])
		return;
	listq_like_pattern(&pat, s);
	listq_where(q, cond);
	for (i = 0; i < columns; i++)
		text_param(&q->params, pat.buf);
	strbuf_release(&pat);
}

void listq_where_in_year(struct listq *q, const char *date_col, int year)
{
	struct strbuf cond = STRBUF_INIT;
	char day[16];
	/* dates are 'YYYY-MM-DD' text: byte order is date order, and an index on the column serves the range */
	strbuf_addf(&cond, "%s >= ?", date_col);
	xsnprintf(day, sizeof(day), "%04d-01-01", year);
	listq_where_text(q, cond.buf, day);
	strbuf_reset(&cond);
	strbuf_addf(&cond, "%s <= ?", date_col);
	xsnprintf(day, sizeof(day), "%04d-12-31", year);
	listq_where_text(q, cond.buf, day);
	strbuf_release(&cond);
}

void listq_head_text(struct listq *q, const char *value)
{
	text_param(&q->head, value);
}

int listq_subtree(struct ctx *ctx, struct listq *q, const char *path_col, int64_t org_id)
{
	struct strbuf cond = STRBUF_INIT;
	char hi[PATH_MAX_LEN];
	int rc;
	if ((rc = org_scope_root(ctx, org_id, &q->root)))
		return rc;
	path_range_end(q->root.path, hi, sizeof(hi));
	/* a range on the materialized path, so the index on path serves it (001_foundation.sql) */
	strbuf_addf(&cond, "%s >= ? AND %s < ?", path_col, path_col);
	listq_where_text(q, cond.buf, q->root.path);
	text_param(&q->params, hi);
	strbuf_release(&cond);
	return 0;
}

static int bind_params(struct stmt *st, int from, const struct listq_params *p)
{
	int i;
	for (i = 0; i < p->n; i++) {
		if (p->v[i].type == 'i')
			stmt_bind_int(st, from + i, p->v[i].num);
		else
			stmt_bind_text(st, from + i, p->v[i].text);
	}
	return from + p->n;
}

int listq_count(struct ctx *ctx, const struct listq *q, const char *count_sql, int64_t *total)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int step, rc = 0;
	*total = 0;
	strbuf_addstr(&sql, count_sql);
	strbuf_addstr(&sql, q->where.buf);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	bind_params(st, 1, &q->params);
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

int listq_fetch(struct ctx *ctx, const struct listq *q, const struct listq_sql *sql, int page, int per_page,
		listq_row_fn row, void *arg, json_t **items)
{
	struct strbuf text = STRBUF_INIT;
	struct stmt *st;
	json_t *arr = NULL, *j;
	int step, rc = 0;
	*items = NULL;
	strbuf_addstr(&text, sql->select);
	strbuf_addstr(&text, q->where.buf);
	if (sql->tail)
		strbuf_addstr(&text, sql->tail);
	if (per_page > 0)
		strbuf_addf(&text, " LIMIT %d OFFSET %" PRId64, per_page, (int64_t)(page > 1 ? page - 1 : 0) * per_page);
	if (!(st = db_prepare(ctx->db, text.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	bind_params(st, bind_params(st, 1, &q->head), &q->params);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if ((j = row(ctx, st, arg)))
			json_array_append_new(arr, j);
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&text);
	return rc;
}

int listq_list(struct ctx *ctx, const struct listq *q, const struct listq_sql *sql, int page, int per_page,
	       listq_row_fn row, void *arg, json_t **items, int64_t *total)
{
	int rc;
	*items = NULL;
	if ((rc = listq_count(ctx, q, sql->count, total)))
		return rc;
	return listq_fetch(ctx, q, sql, page, per_page, row, arg, items);
}

int listq_row_by_id(struct ctx *ctx, const char *sql, int64_t id, struct stmt **row)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*row = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*row = st;
		return 0;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int listq_load_by_id(struct ctx *ctx, const char *sql, int64_t id, listq_read_fn read, void *rec, size_t size,
		     int *found)
{
	struct stmt *row;
	int rc;
	memset(rec, 0, size);
	*found = 0;
	if ((rc = listq_row_by_id(ctx, sql, id, &row)))
		return rc;
	if (row) {
		read(row, rec);
		stmt_reset(row);
		*found = 1;
	}
	return 0;
}

int listq_my_times(struct ctx *ctx, const char *sql, int64_t id, char first[21], char second[21])
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	first[0] = second[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, ctx->actor.member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, first, 21);
		stmt_text_copy(st, 1, second, 21);
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}
