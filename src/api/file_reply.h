#ifndef FILE_REPLY_H
#define FILE_REPLY_H
#include <stdint.h>
#include "api/api.h"
/*
 * The two handler shapes of files attached to a record (a notice's files, a course's
 * file, a recruit's or a meeting's attachments): the streamed upload handed to the
 * owner's store function, and the download of a stored file with single byte ranges.
 */
/* The owner's store: takes the uploaded temp file for record id (see attachment_take). */
typedef int (*api_file_store)(struct ctx *ctx, int64_t id, const char *filename, const char *tmp_path,
			      const char *sha256, int64_t size, json_t **out);
/* POST …?filename= with the body streamed to a temp file: 201 with store's JSON. */
int api_upload_file(struct request *req, struct response *res, api_file_store store, int64_t id);
/* Its two halves, for a store with more parameters: the upload is there and not empty … */
int api_upload_check(struct request *req);
/* … and, after the store returned rc (out on success), the temp file's fate and the 201. */
int api_upload_reply(struct request *req, struct response *res, int rc, json_t *out);
/*
 * GET of a stored file (path from the owner's scope-checked open): 200 with the whole
 * file, or with one "Range: bytes=a-b | a- | -n" 206 and that part (Content-Range);
 * 416 when the range lies past the end; a malformed Range, several ranges or an
 * If-Range are answered with the whole file. Content type from the file's first bytes.
 * A missing file is 404 naming field with lost_msg.
 */
int api_reply_stored_file(struct request *req, struct response *res, const char *path, const char *field,
			  const char *lost_msg);
/*
 * One "bytes=" range against a representation of size bytes (RFC 9110 §14.1.2):
 * 1 with [*first, *last] to send as 206; 0 to send the whole (no range, malformed,
 * several); -1 unsatisfiable (416).
 */
int api_byte_range(const char *range, int64_t size, int64_t *first, int64_t *last);
#endif
