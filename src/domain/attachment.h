#ifndef ATTACHMENT_H
#define ATTACHMENT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Attachments of a recruit's archive (一人一事一档) and of meetings (photos, 015): PDF, JPEG, PNG and MP4 files,
 * stored on disk content-addressed by SHA-256 under attach.dir (ab/abcdef…), so the
 * same photo uploaded twice is kept once and a file's name can never escape the
 * directory. The HTTP layer streams the upload into a temp file inside attach.dir and
 * hashes it on the way; attachment_store takes it from there.
 */
/* mime for the first bytes of a file, or NULL when it is none of the accepted types */
const char *attachment_sniff(const unsigned char *head, size_t n);
/* Create attach.dir (and its parents) if needed; the temp-file directory of uploads. */
int attachment_dir(const struct ctx *ctx, char *out, size_t size, struct err *e);
/*
 * Take the uploaded temp file (renamed into place or removed when the content is
 * already stored) for recruit id at step (0 = the archive in general). Refusals:
 * attachment.type, attachment.step, attachment.filename; 404 outside scope.
 */
int attachment_store(struct ctx *ctx, int64_t recruit_id, int step, const char *filename, const char *tmp_path,
		     const char *sha256, int64_t size, json_t **out);
int attachment_list(struct ctx *ctx, int64_t recruit_id, json_t **items);
/* A meeting's photos and files (会议照片): the same checks, store and refusals; the
 * meeting must lie in the actor's scope (404 otherwise). */
int attachment_store_meeting(struct ctx *ctx, int64_t meeting_id, const char *filename, const char *tmp_path,
			     const char *sha256, int64_t size, json_t **out);
int attachment_list_meeting(struct ctx *ctx, int64_t meeting_id, json_t **items);
/*
 * The store itself, for owners kept elsewhere (a notice's files, notice.c): checks the
 * name and the content's type (attachment.filename, attachment.type), then moves the
 * uploaded temp file into place (or removes it when the content is already stored).
 * *mime is a static string. The caller records the row and checks its owner's scope.
 */
int attachment_take(struct ctx *ctx, const char *filename, const char *tmp_path, const char *sha256, const char **mime);
/* where the content with this SHA-256 is kept */
int attachment_file_path(struct ctx *ctx, const char *sha256, char *out, size_t size);
/* For download (a recruit's or a meeting's, scope-checked by its owner): the stored
 * file's path, type and original name (each malloc'd). */
int attachment_open(struct ctx *ctx, int64_t id, char **path, char **mime, char **filename);
/* The whole archive as one ZIP: every attachment plus timeline.html. *out malloc'd. */
int recruit_archive_zip(struct ctx *ctx, int64_t recruit_id, char **out, size_t *len);
#endif
