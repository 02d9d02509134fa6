#ifndef GRID_H
#define GRID_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "domain/subtree_page.h"
/*
 * 网格 (issue 6): 村党支部 → 片党小组 → 户党员. A household belongs to one 党支部, may sit in
 * one of its 党小组 (the grid cell: an org of kind group under that branch, as
 * members.group_id), and is looked after by one active member of that branch (联系户);
 * a member may look after many. Assigning a member of another branch is refused
 * (422 rule grid.member). Reads: the caller's subtree; writes: 支部书记 and admins.
 * Every JSON out-parameter is owned by the caller; writes are audited in the same
 * transaction (entity "grid_household").
 */
#define GRID_BULK_MAX 500      /* households per bulk assignment */
#define GRID_HOUSEHOLD_MAX 50  /* persons per household */

struct grid_filter {
	int64_t org_id;    /* subtree root; 0 = the actor's scope */
	int64_t group_id;  /* 0 = any; -1 = none (not in a 党小组) */
	int64_t member_id; /* 0 = any */
	int assigned;      /* -1 any, 0 unassigned, 1 assigned */
	const char *q;     /* head's name or address contains */
};

/* body {org_id, group_id, head_name, address, size, notes, member_id}; *id set on success */
int grid_household_create(struct ctx *ctx, json_t *body, int64_t *id);
int grid_household_get(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, group_id, head_name, address, size, notes, member_id}: fields left out stay */
int grid_household_update(struct ctx *ctx, int64_t id, json_t *body);
int grid_household_delete(struct ctx *ctx, int64_t id, int64_t version);
int grid_household_list(struct ctx *ctx, const struct grid_filter *f, int page, int per_page, json_t **items,
			int64_t *total);
/*
 * body {member_id (null: unassign), household_ids: [..]}: all or nothing in one
 * transaction; *count = households changed.
 */
int grid_assign(struct ctx *ctx, json_t *body, int *count);
/*
 * Coverage under org_id (0: the actor's scope): {total, branches:[..], groups:[..]},
 * each with households, assigned, unassigned, coverage (percent, one decimal; null
 * without households), members (on-roll members of the branch/group: active or
 * transferring) and members_with_households. A subtree of more branches than list_max
 * (subtree_page.h) lists one page of its branches in tree order (page, per_page added to
 * the reply) and the 党小组 rows of that page's branches; total is the whole subtree's.
 */
int grid_coverage_opts(struct ctx *ctx, int64_t org_id, const struct subtree_page *opts, json_t **out);
int grid_coverage(struct ctx *ctx, int64_t org_id, json_t **out);
/*
 * Households of one 党支部 from a CSV/XLSX table (io/table.h): a header row naming the
 * columns 户主, 住址 (required), 户人口, 党小组 (a name of the branch's 党小组), 联系户党员 (the
 * name of one active member of the branch), 备注. All or nothing: with any bad row
 * nothing is written and E_RULE (rule grid.import) comes back with *errors =
 * [{row, field, message}] (owned by the caller, at most GRID_IMPORT_MAX_ERRORS). dry_run
 * checks everything and writes nothing. *imported = rows (that would be) written.
 */
#define GRID_IMPORT_MAX_ROWS 2000
#define GRID_IMPORT_MAX_ERRORS 200
int grid_household_import(struct ctx *ctx, int64_t org_id, const void *data, size_t len, int dry_run,
			  int *imported, json_t **errors);
/* percent of part in whole with one decimal, rounded half up; -1 when whole is 0 */
double grid_percent(int64_t part, int64_t whole);
#endif
