/*
 * Reading an org path ("/1/7/42/": the ids from the top-level org down) and the
 * per-org settings inherited along it: the nearest org on the path that has a row in a
 * settings table decides (points settings, the check-in switch).
 */
#ifndef DJ_DOMAIN_ORG_PATH_H
#define DJ_DOMAIN_ORG_PATH_H

#include <stdint.h>
#include "domain/ctx.h"

#define ORG_PATH_IDS_MAX 64 /* deeper than any real tree (5 levels and groups) */

/* The org ids on a path, root first, into ids[max]; the count, or -1 when malformed or deeper than max. */
int org_path_ids(const char *path, int64_t *ids, int max);

/*
 * The top-level org of a path: its org at depth 1 ("/1/7/42/" -> 7), the root for the
 * root's own path ("/1/" -> 1), 0 for "/" or a malformed path. The partition key
 * top_org_id of the fact tables (041_partitions.pg.sql; PostgreSQL's dj_top_org).
 */
int64_t org_path_top(const char *path);

/* called with the row of a deeper org than any before it; the row's columns as selected */
typedef int (*org_path_row_fn)(void *arg, struct stmt *st);

/*
 * Runs "<select_from> WHERE org_id IN (the path's ids)" — select_from is "SELECT org_id,
 * … FROM table", org_id first — and calls fn for each row that belongs to an org deeper
 * on the path than the rows before it, so the last call is the nearest org's row. No row
 * (or the path "/") calls nothing. 0, fn's error, or an error in ctx->err.
 */
int org_path_nearest(struct ctx *ctx, const char *select_from, const char *org_path, org_path_row_fn fn,
		     void *arg);

#endif
