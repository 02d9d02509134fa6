#ifndef POINTS_REQUEST_H
#define POINTS_REQUEST_H
/*
 * What a manual entry (points_ledger.c) and a claim (points_claim.c) have in common:
 * the subject they are about, the body that names it, and who may decide for an
 * indicator. Defined in points_ledger.c; nothing outside those two files includes this.
 */
#include <jansson.h>
#include <stdint.h>
#include "domain/points_internal.h"

struct points_subject {
	const char *target;          /* "member" | "branch" (static) */
	int64_t id;
	char name[128];
	int64_t org_id;              /* member: their branch; branch: itself */
	char org_path[PATH_MAX_LEN];
	char org_name[128];          /* member: their branch; branch: its parent */
	int64_t parent_id;           /* branch: its parent */
};

struct points_request {
	struct points_subject subj;
	struct points_indicator ind;
	char event_on[11];
	int month;                   /* the period number of event_on */
	int count;
	char *evidence, *inspector;  /* owned; NULL = none */
};

/* The member or the 党支部 (联合党支部) subject_id names, whatever the actor's scope:
 * callers decide who may see it. E_INVALID field subject_id when there is none. */
int points_subject_load(struct ctx *ctx, const char *target, int64_t id, struct points_subject *out);
/*
 * The body {"target","subject_id","indicator","event_on","count","evidence"[,"inspector"]}
 * parsed and checked for a manual indicator of the subject's target in force for the
 * month of event_on: the subject exists (scope is the caller's), points are on for it,
 * the event is not in the future, evidence is there for deductions (always when
 * evidence_required). Release r in every case.
 */
int points_request_parse(struct ctx *ctx, json_t *body, int evidence_required, struct points_request *r);
void points_request_release(struct points_request *r);
/*
 * points.approver: the actor's role reaches the indicator's approver (automatic
 * indicators: org admins), the subject lies in scope, and for a branch the scope lies
 * above it (nobody scores their own branch). E_FORBIDDEN otherwise.
 */
int points_require_approver(struct ctx *ctx, const struct points_indicator *ind, const struct points_subject *s);
/* Text of at most max_chars characters; multiline allows line breaks and tabs. "" or null → NULL. */
int points_text(struct ctx *ctx, json_t *v, const char *field, const char *label, int max_chars, int multiline,
		char **dst);
#endif
