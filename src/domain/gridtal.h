#ifndef GRIDTAL_H
#define GRIDTAL_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Helpers shared by the grid (grid.c) and the reserve-talent pools (talent.c) only:
 * reading optional single-line text and integer fields of a body (dates: field.h;
 * their list queries are built with domain/listq.h).
 */
/*
 * If body has key: a string of clean single-line text of at most max_chars characters
 * (trimmed) is copied into dst; null or "" clears it (422 field.required when required).
 * Absent keys leave dst alone.
 */
int gt_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int max_chars, int required,
	    char *dst, size_t size);
/* If body has key: an integer in [min, max] (null → 0 when allow_null). */
int gt_int(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t min, int64_t max,
	   int allow_null, int64_t *dst);
/* 403 grid.role unless the actor is a 支部书记 or above (writes and the coverage) */
int grid_require_officer(struct ctx *ctx);
#endif
