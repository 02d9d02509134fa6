#ifndef SVD_QUERY_H
#define SVD_QUERY_H
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * A list query built piece by piece (supervision.c, decision.c): WHERE conditions with
 * their '?' parameters in order, bound in one go. Text parameters are copied.
 */
#define SVD_MAX_BINDS 16
struct svd_query {
	struct strbuf where;     /* " WHERE ... AND ..." or "" */
	int n;
	char type[SVD_MAX_BINDS]; /* 't' | 'i' */
	char *text[SVD_MAX_BINDS];
	int64_t num[SVD_MAX_BINDS];
};
void svd_query_init(struct svd_query *q);
void svd_query_release(struct svd_query *q);
/* cond holds exactly one '?' (or none when value is NULL and is_int is 0) */
void svd_where_text(struct svd_query *q, const char *cond, const char *value);
void svd_where_int(struct svd_query *q, const char *cond, int64_t value);
/* LIKE '%s%' with the wildcards of s escaped (cond ends with "LIKE ? ESCAPE '\\'"), one '?' per column */
void svd_where_like(struct svd_query *q, const char *cond, int columns, const char *s);
/* binds everything from index 1 */
void svd_query_bind(const struct svd_query *q, struct stmt *st);
/* *total = count(*) of "SELECT count(*) <from_where>" */
int svd_query_count(struct ctx *ctx, const struct svd_query *q, const char *from, int64_t *total);
#endif
