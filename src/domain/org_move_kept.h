#ifndef DJ_DOMAIN_ORG_MOVE_KEPT_H
#define DJ_DOMAIN_ORG_MOVE_KEPT_H
/*
 * The figures kept per ancestor org (036 stats, 037 dues sums, 039 point standings) through an
 * org move: 043_org_move_kept.*.sql, 044_stats_kept_moving.*.sql. Inside the move's transaction.
 */
#include <stdint.h>
#include "domain/ctx.h"

/* on = 1 before the statements rewriting the moved orgs' paths and their members' org_path: the
 * kept tables' row triggers stand aside; on = 0 right after them */
int org_move_kept_aside(struct ctx *ctx, int on);
/* then: the moved org's kept rows taken from the ancestors of old_path (its path before the move)
 * that new_path (after) has not, and added at those new_path has and old_path had not */
int org_move_kept_apply(struct ctx *ctx, int64_t moved, const char *old_path, const char *new_path);
#endif
