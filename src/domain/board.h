#ifndef BOARD_H
#define BOARD_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "io/pdf_board.h"
/*
 * 党务公开栏 (issue 7): per 党支部 a public page opened without a login at
 * {base}/#/board?key=K. K is random (20+ URL-safe characters); regenerating it makes the
 * old key answer 404, and a disabled board answers 404 too, so nothing tells a wrong key
 * from a closed board and a branch id never opens one.
 *
 * What the board shows is assembled into struct board_doc (io/pdf_board.h), a struct of
 * public fields only: names and photos of the members (党员风采墙), their dues marks for
 * the year (from dues_months: paid when a row exists; unpaid before the current month
 * from dues_from on; blank otherwise), the points ranking of the last whole quarter when
 * points are on for the branch, the latest closed 民主评议 (grade counts and the 优秀 names),
 * the year's 主题党日 plan, the 书记领衔 projects with their public ledger and the 公开承诺.
 * Both the JSON and the PDF are rendered from that struct, never from member rows, so an
 * ID number, phone, address or birth date cannot reach the board.
 *
 * Settings and photos are written by the branch's secretary or an admin over it
 * (audited: entity "board", "member_photo"). Every JSON out-parameter is owned by the caller.
 */
#define BOARD_NOTICE_MAX_CHARS 500
#define BOARD_MAX_MEMBERS 500
#define BOARD_MAX_RANKS 200
#define BOARD_MAX_PROJECTS 10
#define BOARD_MAX_LEDGER 20         /* latest entries per project */
#define BOARD_MAX_PROMISES 100
#define BOARD_PHOTO_MAX_BYTES (5u << 20)
#define BOARD_PDF_PHOTO_BYTES (48u << 20) /* photos read for one PDF; the rest get initial avatars */
#define BOARD_KEY_MIN 16
#define BOARD_KEY_MAX 64

/* ---- settings (board.c) ---- */
/* {org_id, org_name, enabled, key, url, show_points, show_dues, show_appraisal, notice, points_enabled,
 * version (0 = never saved), updated_at}; base_url "" leaves url null. 404 outside scope, 409 board.branch
 * for an org that is not a 党支部. */
int board_settings_get(struct ctx *ctx, int64_t org_id, const char *base_url, json_t **out);
/* body {version, enabled?, show_points?, show_dues?, show_appraisal?, notice?}; the first save (version 0)
 * creates the board with a new key. 409 store.stale on a stale version. */
int board_settings_put(struct ctx *ctx, int64_t org_id, json_t *body);
/* a new random key: the old URL stops working at once */
int board_regenerate_key(struct ctx *ctx, int64_t org_id);
/* the QR code of the board's URL as a PNG for the settings screen (*out malloc'd); 404 before the first save or
 * without a base URL */
int board_qr_png(struct ctx *ctx, int64_t org_id, const char *base_url, char **out, size_t *len);

/* ---- the public board (board.c); no actor needed ---- */
/* 1 when key has the shape of a board key (length and URL-safe characters) */
int board_key_ok(const char *key);
/* Fill d for the enabled board with key; E_NOTFOUND otherwise. with_photos reads the photo files (PDF). */
int board_build(struct ctx *ctx, const char *key, const char *base_url, int with_photos, struct board_doc *d);
void board_doc_release(struct board_doc *d);
json_t *board_doc_json(const struct board_doc *d);
int board_public_json(struct ctx *ctx, const char *key, const char *base_url, json_t **out);
int board_public_pdf(struct ctx *ctx, const char *key, const char *base_url, char **out, size_t *len);

/* ---- photos (board_photo.c) ---- */
/* JPEG or PNG (sniffed; else 422 photo.type), at most BOARD_PHOTO_MAX_BYTES (else 422 photo.size), of a
 * member in scope (404 otherwise): kept content-addressed under attach.dir. *out {member_id, mime, size, sha256}. */
int board_photo_put(struct ctx *ctx, int64_t member_id, const void *data, size_t len, json_t **out);
int board_photo_delete(struct ctx *ctx, int64_t member_id);
/* A manager's view of a member's photo (scope-checked). *data malloc'd; *mime static. */
int board_photo_get(struct ctx *ctx, int64_t member_id, char **data, size_t *len, const char **mime);
/* The photo of member_id on the enabled board with key (the member must be on it); 404 otherwise. */
int board_public_photo(struct ctx *ctx, const char *key, int64_t member_id, char **data, size_t *len,
		       const char **mime);
/* internal to board*.c: the stored file of sha into *data (malloc'd); E_NOTFOUND when missing */
int board_photo_read(struct ctx *ctx, const char *sha256, char **data, size_t *len);
#endif
