#ifndef ORG_H
#define ORG_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * The organization tree: 组织部/上级党委 → 基层党委 → 党总支 → 党支部 → 党小组. Every query is
 * limited to the actor's subtree by a path range (see 001_foundation.sql for why a
 * materialized path). Reads of an org outside the scope answer "not found".
 */
struct org {
	int64_t id;
	int64_t parent_id;
	char path[PATH_MAX_LEN];
	int depth;
	char kind[20];
	char name[128];
	char code[40];
	char unit_kind[16];
	int can_approve;
	int is_temporary;
	int64_t secretary_member_id;
	int committee_size;
	char founded_on[11];
	char term_start[11];
	char term_end[11];
	char address[256];
	char dissolved_on[11];
	int64_t version;
	int64_t member_count; /* active members in the subtree (filled by list/get) */
	int64_t child_count;
};

const char *org_kind_name(const char *kind);     /* "党支部"; NULL if unknown */
int org_kind_is_branch(const char *kind);        /* 党支部 or 联合党支部 */
int org_get(struct ctx *ctx, int64_t id, struct org *o);
/* The actor's scope root (sysadmin: the first top-level org). */
int org_root(struct ctx *ctx, struct org *o);
/* The org id (or, for 0, the actor's scope root) without counts: list filters use it. */
int org_scope_root(struct ctx *ctx, int64_t id, struct org *o);
int org_create(struct ctx *ctx, struct org *o);
/* Writes the editable fields of o (not parent, kind or path) if o->version is current. */
int org_update(struct ctx *ctx, struct org *o);
int org_move(struct ctx *ctx, int64_t id, int64_t new_parent_id, int64_t version);
int org_dissolve(struct ctx *ctx, int64_t id, int64_t version);
/* Direct children (not dissolved) with counts. */
int org_children(struct ctx *ctx, int64_t id, json_t **items);
/* Flat subtree list under root_id (0 = actor's root), optional kind filter and name query. */
int org_list(struct ctx *ctx, int64_t root_id, const char *kind, const char *q, int page, int per_page,
	     json_t **items, int64_t *total);
/* Branch-structure warnings from RULES.md §2 as [{"rule","message"}]. */
json_t *org_warnings(struct ctx *ctx, const struct org *o);
json_t *org_to_json(const struct org *o);
/* Recount orgs.direct_members from the members table (after a bulk load that bypassed
 * the counting triggers); inside the caller's transaction. */
int org_recount_members(struct ctx *ctx);
/* Branches anywhere in the system whose name or code contains q, with their full
 * names up the tree: the receiving side of a transfer is often outside the caller's
 * scope. Only public facts (id, name, code, kind, the parents' names). */
int org_lookup_branches(struct ctx *ctx, const char *q, int limit, json_t **items);
/* Resolve an org by id within scope, requiring a kind family ("branch": 党支部/联合党支部). */
int org_require_in_scope(struct ctx *ctx, int64_t id, struct org *o, const char *field);
#endif
