#ifndef COMMITMENT_H
#define COMMITMENT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 目标责任书 and 承诺事项 (issue 6): one letter per holder (a member or an organization)
 * and year, signed by someone on a date, with items that each have a category, a due
 * date and a status: pending → done (践诺情况 required, a completion date) or
 * pending → cancelled (a reason). Any other change answers 409 commitment.status.
 * "Overdue" is pending with due_on before ctx->today. 公开承诺 items are listed, with
 * public fields only, by commitment_public_list.
 *
 * Reads: 支部书记 their branch, admins their subtree (the actor's path range); a member
 * sees and completes the items of their own letters (commitment_mine, *_complete with
 * self = 1). Writes of letters and items need a secretary or admin in scope.
 * Every JSON out-parameter is owned by the caller; writes are audited in the same
 * transaction (entity "commitment_letter", "commitment_item").
 */
#define COMMITMENT_TITLE_MAX_CHARS 200
#define COMMITMENT_TEXT_MAX_CHARS 2000   /* evidence, reason */
#define COMMITMENT_SIGNER_MAX_CHARS 60
#define COMMITMENT_MAX_ITEMS 50          /* per letter */

enum commitment_status { CS_PENDING, CS_DONE, CS_CANCELLED, CS__COUNT };
int commitment_status_parse(const char *s);        /* -1 if unknown */
const char *commitment_status_name(int s);         /* 待践诺 */
int commitment_category_parse(const char *s);      /* -1 if unknown */
const char *commitment_category_name(const char *code);

/* 1 when an item of this status and due date is overdue on today */
int commitment_is_overdue(int status, const char *due_on, struct date today);
/* 0 when status from → to is allowed (pending → done | cancelled), else -1 */
int commitment_transition_ok(int from, int to);

struct commitment_filter {
	int64_t org_id;         /* subtree root; 0 = the actor's scope */
	int year;               /* 0 = any */
	const char *holder_type;/* NULL | "member" | "org" */
	int status;             /* -1 = any */
	int overdue;            /* 1: pending past due only */
	const char *category;   /* NULL = any */
	const char *q;          /* item title or holder name contains */
};

/* body {holder_type, member_id | org_id, year, title, signed_by, signed_on, items: [{title, category, due_on, public}]} */
int commitment_letter_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, title, signed_by, signed_on}: any of the last three */
int commitment_letter_update(struct ctx *ctx, int64_t id, json_t *body);
/* the letter with its items and summary; E_NOTFOUND outside scope */
int commitment_letter_get(struct ctx *ctx, int64_t id, json_t **out);
/* letters with item counts, newest year first */
int commitment_letters_list(struct ctx *ctx, const struct commitment_filter *f, int page, int per_page,
			    json_t **items, int64_t *total);
/* body {title, category, due_on, public}: a new pending item; *id set */
int commitment_item_add(struct ctx *ctx, int64_t letter_id, json_t *body, int64_t *id);
/* body {version, title, category, due_on, public}: only while pending */
int commitment_item_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, evidence, done_on}; self = 1: the actor must be the member holding the letter */
int commitment_item_complete(struct ctx *ctx, int64_t id, json_t *body, int self);
/* body {version, reason} */
int commitment_item_cancel(struct ctx *ctx, int64_t id, json_t *body);
int commitment_item_get(struct ctx *ctx, int64_t id, json_t **out);
/* items with holder and letter, due date first */
int commitment_items_list(struct ctx *ctx, const struct commitment_filter *f, int page, int per_page,
			  json_t **items, int64_t *total);
/*
 * Counts of a subtree over years from..to (one grouped query): total, done, pending,
 * overdue, cancelled, and the same per category and per year.
 */
int commitment_stats(struct ctx *ctx, int64_t org_id, int from, int to, json_t **out);
/* 公开承诺 of a subtree (year 0 = any): holder name, item, category, due date, status only */
int commitment_public_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
			   int64_t *total);
/* the actor's own letters of year (0 = every year) with their items: {letters:[…]} */
int commitment_mine(struct ctx *ctx, int year, json_t **out);
#endif
