#ifndef NOTICE_H
#define NOTICE_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 通知公告 (issue 9): a notice is sent by a secretary or an administrator from one
 * organization in their scope (not a 党小组) to that organization's whole subtree. A
 * member reads the notices addressed to their branch or any ancestor of it that are
 * published and not past expires_on. Opening one records "read" once; when the sender
 * asked for a receipt (回执) the member confirms once; the sender may remind the
 * readers at most once (409 notice.remind_once after that), and sees per branch who
 * has read and confirmed.
 *
 * status: draft → published → withdrawn (409 notice.status for anything else). The
 * content (title, body, receipt) is fixed once published; pinned and expires_on may
 * change until it is withdrawn. Files may be added while it is not withdrawn.
 *
 * Reads and writes of the sender's side need a secretary or admin whose scope holds
 * the notice's organization (404 otherwise); the member's side (notice_mine,
 * notice_open, notice_confirm) answers 404 for any notice the member is not addressed
 * by. JSON out-parameters are the caller's; writes are audited (entity "notice").
 */
#define NOTICE_TITLE_MAX_CHARS 200
#define NOTICE_BODY_MAX_CHARS 20000
#define NOTICE_REASON_MAX_CHARS 500
#define NOTICE_MAX_FILES 20

enum notice_status { NS_DRAFT, NS_PUBLISHED, NS_WITHDRAWN, NS__COUNT };
int notice_status_parse(const char *s);  /* -1 if unknown */
const char *notice_status_name(int s);   /* 已发布 */
/* 1 when a notice published with this expiry (YYYY-MM-DD or "") is past it on today */
int notice_is_expired(const char *expires_on, struct date today);
/* 1 when a notice of org_path reaches a member of member_path (an ancestor or the same org) */
int notice_reaches(const char *org_path, const char *member_path);

struct notice_filter {
	int64_t org_id; /* subtree root; 0 = the actor's scope */
	int status;     /* -1 = any */
	const char *q;  /* title contains */
};

/* body {org_id?, title, body, receipt?, pinned?, expires_on?, publish?}; *id set */
int notice_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, title?, body?, receipt?, pinned?, expires_on?} */
int notice_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version} */
int notice_publish(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, reason?} */
int notice_withdraw(struct ctx *ctx, int64_t id, json_t *body);
/* the one reminder; 409 notice.remind_once for a second */
int notice_remind(struct ctx *ctx, int64_t id);
/* the sender's view: the notice, its files and counts {recipients, read, confirmed} */
int notice_get(struct ctx *ctx, int64_t id, json_t **out);
int notice_list(struct ctx *ctx, const struct notice_filter *f, int page, int per_page, json_t **items,
		int64_t *total);
/* {totals:{recipients,read,confirmed}, branches:[{org_id,name,recipients,read,confirmed}]} */
int notice_receipts(struct ctx *ctx, int64_t id, json_t **out);
/* the recipients (of the subtree of org_id within the notice's, 0 = all) with their read
 * and confirmation times; state NULL | unread | read | unconfirmed | confirmed */
int notice_receipt_members(struct ctx *ctx, int64_t id, int64_t org_id, const char *state, int page, int per_page,
			   json_t **items, int64_t *total);
/* An uploaded file (see attachment_take) added to the notice. */
int notice_file_add(struct ctx *ctx, int64_t id, const char *filename, const char *tmp_path, const char *sha256,
		    int64_t size, json_t **out);
/* For download by a sender in scope or an addressed member: path, type, name (malloc'd). */
int notice_file_open(struct ctx *ctx, int64_t id, int64_t file_id, char **path, char **mime, char **filename);

/* The member's notices, pinned first then newest; *unread counts those never opened. */
int notice_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total, int64_t *unread);
/* The member opens one: the first opening records read_at. */
int notice_open(struct ctx *ctx, int64_t id, json_t **out);
/* The member confirms the receipt (once; a second confirmation changes nothing). */
int notice_confirm(struct ctx *ctx, int64_t id, json_t **out);
#endif
