#ifndef CHECKIN_H
#define CHECKIN_H
#include <jansson.h>
#include <stdint.h>
#include <time.h>
#include "domain/ctx.h"
/*
 * 扫码签到 (docs/API.md "Meeting check-in"): a meeting recorded with "checkin": true
 * shows a QR code during its time window; a member scans it, signed in, and is marked
 * present. The attendance list stays the record: a scan only sets the member's row to
 * present (once: a repeat changes nothing), and the secretary's later correction of the
 * list wins. Optional per organization, off by default (checkin_settings, 033): the
 * nearest org on the path with a setting decides for its subtree.
 *
 * The code in the QR rotates: CHECKIN_TOKEN_CHARS hex characters of HMAC-SHA256(meeting
 * secret, "<meeting id>:<slot>"), slot = floor(now / checkin.rotate_seconds). The
 * current and the previous slot are accepted, so a screenshot sent on later fails.
 */
#define CHECKIN_TOKEN_CHARS 12
#define CHECKIN_TOKEN_SIZE (CHECKIN_TOKEN_CHARS + 1)
#define CHECKIN_SECRET_HEX 64           /* 32 bytes */

/* the config values (defaults without ctx->cfg) */
struct checkin_rules {
	int before_minutes, after_minutes, rotate_seconds;
};
void checkin_rules_load(const struct ctx *ctx, struct checkin_rules *r);

/* The window of a meeting held on held_on from start to end ("HH:MM", Asia/Shanghai) as epoch seconds. */
int checkin_window(const struct checkin_rules *r, const char *held_on, const char *start, const char *end, time_t *from,
		   time_t *to);
/* The token of a slot: out gets CHECKIN_TOKEN_CHARS lowercase hex characters. 0, or -1 for a bad secret. */
int checkin_token(const char *secret_hex, int64_t meeting_id, int64_t slot, char out[CHECKIN_TOKEN_SIZE]);

/* 1 if check-in is switched on at org_path (the nearest setting; none = off); -1 with ctx->err on failure */
int checkin_enabled_at(struct ctx *ctx, const char *org_path);
/* 409 checkin.disabled unless switched on at org_path */
int checkin_require_enabled(struct ctx *ctx, const char *org_path);

/* For meeting.c, inside its transaction: give meeting_id a fresh secret. */
int checkin_meeting_open(struct ctx *ctx, int64_t meeting_id);
/* 1 if meeting_id was recorded with check-in, 0 if not, -1 with ctx->err on failure. */
int checkin_meeting_has(struct ctx *ctx, int64_t meeting_id);

/*
 * POST /me/checkin: body {meeting_id, token} by the actor's member record. 404 when the
 * meeting is not a check-in meeting or the member is not on its attendance list; 409
 * checkin.disabled / checkin.window / checkin.code_expired; 422 checkin.code for a wrong
 * token. *out {meeting_id, member_id, status:"present", checked_in_at, already, topic,
 * kind_name, held_on}, owned by the caller.
 */
int checkin_scan(struct ctx *ctx, json_t *body, json_t **out);
/*
 * The secretary's view of meeting_id (in scope, else 404): {enabled, open, window_from,
 * window_to, token, url, expires_in, rotate_seconds, checked_in:[…], roster_count,
 * present_count}. base_url ("" = none) prefixes the link "/#/checkin?m=ID&t=TOKEN".
 */
int checkin_status(struct ctx *ctx, int64_t meeting_id, const char *base_url, json_t **out);
/* The link of the current code as a PNG QR code (*out malloc'd): 409 checkin.window when closed. */
int checkin_qr_png(struct ctx *ctx, int64_t meeting_id, const char *base_url, char **out, size_t *len);

/* GET/PUT /orgs/{id}/checkin: {org_id, enabled, defined_at, version}; PUT body {enabled, version}. */
int checkin_setting_get(struct ctx *ctx, int64_t org_id, json_t **out);
int checkin_setting_put(struct ctx *ctx, int64_t org_id, json_t *body);
#endif
