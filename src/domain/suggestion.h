#ifndef SUGGESTION_H
#define SUGGESTION_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 合理化建议 (issue 9): a suggestion is addressed to one 党支部. A member sends one to
 * their own branch (source "member"); anyone may send one through the branch's public
 * board page (source "board": the board key is the credential, an unknown key or a
 * disabled board is 404, and at most suggestion.public_per_hour arrive per board per
 * hour, else 429 suggestion.rate). A board suggestion may carry a name and a contact
 * phone; the phone is personal data: kept encrypted (util/pii) with a masked form, shown
 * masked everywhere and in full only through suggestion_reveal, which is audited.
 *
 * status: open → converted (a 民情诉求 is made from it with rq_insert in the same
 * transaction, channel "suggestion"; request_id kept) | closed (with a reply, required).
 * Anything else is 409 suggestion.status; a stale version 409 store.stale.
 *
 * The managers' side (list, get, convert, close, reveal, stats) needs a secretary or an
 * admin whose scope holds the suggestion's branch (404 otherwise). A member sees only
 * their own suggestions (404 for any other id). JSON out-parameters are the caller's;
 * every write is audited (entity "suggestion") in its transaction.
 */
#define SUGGESTION_TITLE_MAX_CHARS 100
#define SUGGESTION_BODY_MAX_CHARS 1500 /* title + body fit a 民情诉求's content (RQ_TEXT_MAX_CHARS) */
#define SUGGESTION_REPLY_MAX_CHARS 1000

struct suggestion_filter {
	int64_t org_id;     /* subtree root; 0 = the actor's scope */
	const char *status; /* open | converted | closed, NULL = any */
	const char *source; /* member | board, NULL = any */
	int year;           /* 0 = any */
	const char *q;      /* title or body contains */
};

/* 1 when s is a known code of kind "status" | "source" */
int suggestion_code_known(const char *kind, const char *s);

/* ---- the member's side ---- */
/* body {title, body}: to the member's own branch; *id set */
int suggestion_submit_mine(struct ctx *ctx, json_t *body, int64_t *id);
/* the member's own, newest first, with status and reply */
int suggestion_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total);
/* one of the member's own; 404 for any other */
int suggestion_get_mine(struct ctx *ctx, int64_t id, json_t **out);

/* ---- the public board (no actor) ---- */
/* body {title, body, name?, contact?} to the branch of the enabled board with key; *out {received, created_at} */
int suggestion_submit_public(struct ctx *ctx, const char *key, json_t *body, json_t **out);

/* ---- the managers' side ---- */
int suggestion_list(struct ctx *ctx, const struct suggestion_filter *f, int page, int per_page, json_t **items,
		    int64_t *total);
int suggestion_get(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, category}: a 民情诉求 of that category made from it, one transaction */
int suggestion_convert(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reply} */
int suggestion_close(struct ctx *ctx, int64_t id, json_t *body);
/* the contact phone in full (*out malloc'd), audited; 404 when none was given */
int suggestion_reveal(struct ctx *ctx, int64_t id, char **out);
/* year 0 = this year: {year, total, by_source:{member,board}, by_status:{open,converted,closed},
 * branches:[{org_id,name,total,member,board,open,converted,closed}], years:[{year,total}]} */
int suggestion_stats(struct ctx *ctx, int64_t org_id, int year, json_t **out);
#endif
