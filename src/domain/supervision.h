#ifndef SUPERVISION_H
#define SUPERVISION_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 督查整改: an org's inspection (月度督查 / 专项督查 / 季度考核) of the orgs below it records
 * findings, each with a rectification deadline and a responsible person. A finding moves
 * open → rectified (the inspected org reports what was done) → closed (the inspecting
 * org verifies), or is returned with a reason from rectified back to open; any other
 * move is 409 supervision.status. Overdue = open and past its deadline (ctx->today).
 * The quarterly bulletin (督查通报) counts a subtree's findings of one quarter.
 *
 * Rights: an 组织部/党委管理员 whose scope holds the inspecting org creates inspections,
 * adds findings, closes and returns; the inspected org's 支部书记 (or any admin over it)
 * reports rectification. JSON out-parameters are owned by the caller; every write is
 * audited in its transaction (entities "inspection", "inspection_finding").
 */
struct supervision_filter {
	int64_t org_id;          /* subtree root (0: the actor's scope) */
	const char *q;           /* title / problem / responsible contains */
	const char *kind;        /* monthly | special | quarterly */
	const char *status;      /* open | rectified | closed (findings) */
	const char *category;
	const char *severity;
	int overdue;             /* findings: open past deadline only */
	const char *from, *to;   /* inspection date range, inclusive */
	int64_t inspection_id;   /* findings of one inspection */
};

const char *supervision_kind_name(const char *code);      /* NULL if unknown */
const char *supervision_category_name(const char *code);
const char *supervision_severity_name(const char *code);

/* body {org_id, held_on, kind, title, inspectors, note} */
int supervision_inspection_create(struct ctx *ctx, json_t *body, int64_t *id);
int supervision_inspection_get(struct ctx *ctx, int64_t id, json_t **out);
int supervision_inspection_list(struct ctx *ctx, const struct supervision_filter *f, int page, int per_page, json_t **items,
				int64_t *total);
/* body {version, held_on?, kind?, title?, inspectors?, note?}: until a finding is closed (409
 * supervision.closed); held_on only while it has no findings (409 supervision.has_findings) */
int supervision_inspection_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {org_id, problem, category, severity, deadline, responsible} */
int supervision_finding_add(struct ctx *ctx, int64_t inspection_id, json_t *body, int64_t *id);
int supervision_finding_get(struct ctx *ctx, int64_t id, json_t **out);
int supervision_finding_list(struct ctx *ctx, const struct supervision_filter *f, int page, int per_page, json_t **items,
			     int64_t *total);
/* body {version, rectification, rectified_on, evidence}: open → rectified */
int supervision_finding_rectify(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, closed_on}: rectified → closed */
int supervision_finding_close(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reason}: rectified → open */
int supervision_finding_return(struct ctx *ctx, int64_t id, json_t *body);
/* 督查通报 of year/quarter for the subtree under org_id (0: the actor's scope). */
int supervision_bulletin(struct ctx *ctx, int64_t org_id, int year, int quarter, json_t **out);
#endif
