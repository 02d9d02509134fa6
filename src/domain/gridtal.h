#ifndef GRIDTAL_H
#define GRIDTAL_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Helpers shared by the grid (grid.c) and the reserve-talent pools (talent.c) only:
 * reading optional single-line text fields of a body, LIKE patterns, and a small
 * list of bound parameters for the list queries they build.
 */
#define GT_MAX_PARAMS 10

struct gt_params {
	int n;
	int is_int[GT_MAX_PARAMS];
	int64_t iv[GT_MAX_PARAMS];
	const char *tv[GT_MAX_PARAMS]; /* borrowed: must outlive the statement's use */
};
void gt_param_text(struct gt_params *p, const char *s);
void gt_param_int(struct gt_params *p, int64_t v);
void gt_bind(struct stmt *st, const struct gt_params *p);

/*
 * If body has key: a string of clean single-line text of at most max_chars characters
 * (trimmed) is copied into dst; null or "" clears it (422 field.required when required).
 * Absent keys leave dst alone.
 */
int gt_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int max_chars, int required,
	    char *dst, size_t size);
/* an optional date 'YYYY-MM-DD' field (null clears), same conventions */
int gt_date(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst);
/* If body has key: an integer in [min, max] (null → 0 when allow_null). */
int gt_int(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t min, int64_t max,
	   int allow_null, int64_t *dst);
/* '%q%' with LIKE's wildcards escaped (use with ESCAPE '\'); out must hold 3×strlen(q)+3 */
void gt_like(const char *q, char *out, size_t size);
/* the count(*) of sql with params */
int gt_count(struct ctx *ctx, const char *sql, const struct gt_params *p, int64_t *total);
#endif
