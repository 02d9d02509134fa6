#ifndef TRANSFER_H
#define TRANSFER_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 组织关系转接 (RULES.md §4). A letter moves a member from their branch either to
 * another branch in the system (internal: pending until the receiving side confirms
 * or rejects, or the sending side cancels) or out of the system (external: sent, the
 * member leaves the rolls at once). The old branch keeps an internal transferee
 * (state 'transferring') until the new one confirms receipt.
 * Every write runs in one transaction with its member_history rows and audit entries.
 */
#define TRANSFER_REASON_MAX_CHARS 200
#define TRANSFER_ORG_NAME_MAX_CHARS 60
/* bytes: the character caps above at 4 UTF-8 bytes each, plus the NUL */
#define TRANSFER_REASON_SIZE (TRANSFER_REASON_MAX_CHARS * 4 + 1)
#define TRANSFER_ORG_NAME_SIZE (TRANSFER_ORG_NAME_MAX_CHARS * 4 + 1)

struct transfer {
	int64_t id;
	char serial[24];                         /* ZZ2026-000001 */
	int64_t member_id;
	char member_name[96];
	int64_t from_org_id;
	char from_org_name[TRANSFER_ORG_NAME_SIZE];
	char from_org_path[PATH_MAX_LEN];
	int64_t to_org_id;                       /* 0 for external */
	char to_org_name[TRANSFER_ORG_NAME_SIZE];/* the live name for internal, as written for external */
	char to_org_path[PATH_MAX_LEN];          /* "" for external */
	char kind[12];                           /* internal | external */
	char reason[TRANSFER_REASON_SIZE];
	char issued_on[11];
	char valid_until[11];
	char dues_paid_to[8];                    /* YYYY-MM */
	char status[12];                         /* pending | confirmed | rejected | cancelled | sent */
	char decided_on[11];
	int64_t decided_by;
	char reject_reason[TRANSFER_REASON_SIZE];
	int64_t version;
};

struct transfer_filter {
	int64_t org_id;          /* subtree root; 0 = the actor's scope */
	char direction[8];       /* in | out | "" (both) */
	char status[12];         /* "" = any */
	int page, per_page;
};

void transfer_filter_init(struct transfer_filter *f);

/*
 * Issue a letter. Input fields of t: member_id, kind, to_org_id (internal) or
 * to_org_name (external), reason, dues_paid_to; within_city picks the shorter
 * validity. On success t is the stored letter (id, serial, dates, status, version 1).
 */
int transfer_create(struct ctx *ctx, struct transfer *t, int within_city);
/* A letter visible from either side of the actor's scope; otherwise E_NOTFOUND. */
int transfer_get(struct ctx *ctx, int64_t id, struct transfer *t);
/* Receiving side: the member moves to the new branch. */
int transfer_confirm(struct ctx *ctx, int64_t id, int64_t version);
/* Receiving side: refused with a reason; the member stays active in the old branch. */
int transfer_reject(struct ctx *ctx, int64_t id, int64_t version, const char *reason);
/* Sending side, while pending: the member stays active in the old branch. */
int transfer_cancel(struct ctx *ctx, int64_t id, int64_t version);
/* Letters into and/or out of a subtree, newest first; *items owned by the caller. */
int transfer_list(struct ctx *ctx, const struct transfer_filter *f, json_t **items, int64_t *total);
/* The API shape (docs/API.md); ctx (may be NULL) supplies today for "expired". */
json_t *transfer_to_json(const struct ctx *ctx, const struct transfer *t);
#endif
