/*
 * 党员风采墙 photos: one JPEG or PNG per member, its type sniffed from the content by the
 * attachment store's sniffer and the file kept content-addressed in the attachment
 * directory exactly as archive files are (attach.dir/ab/abcdef…, domain/attachment.c),
 * so the same picture is stored once and a name can never escape the directory.
 */
#include "domain/board.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "domain/attachment.h"
#include "domain/audit.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MEMBER_NOT_FOUND_MSG "党员不存在或不在您的管理范围内"
#define PHOTO_NOT_FOUND_MSG "没有这张照片"

/* A member in the actor's scope, for a secretary or admin; 404 otherwise. */
static int member_in_scope(struct ctx *ctx, int64_t id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path FROM members WHERE id = ?", &ctx->err);
	char path[PATH_MAX_LEN] = "";
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, path, sizeof(path));
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW || ctx->actor.role < ROLE_SECRETARY || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MEMBER_NOT_FOUND_MSG);
	return 0;
}

static int sha_ok(const char *s)
{
	size_t i;
	if (strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int photo_path(struct ctx *ctx, const char *sha, char *out, size_t size)
{
	char dir[1024];
	int rc;
	if (!sha_ok(sha))
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, PHOTO_NOT_FOUND_MSG);
	if ((rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err)))
		return rc;
	xsnprintf(out, size, "%s/%.2s/%s", dir, sha, sha);
	return 0;
}

int board_photo_read(struct ctx *ctx, const char *sha256, char **data, size_t *len)
{
	char path[1200];
	struct stat stt;
	size_t got = 0;
	int fd, rc;
	*data = NULL;
	*len = 0;
	if ((rc = photo_path(ctx, sha256, path, sizeof(path))))
		return rc;
	if ((fd = open(path, O_RDONLY)) < 0)
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, PHOTO_NOT_FOUND_MSG);
	if (fstat(fd, &stt) != 0 || stt.st_size <= 0 || (uint64_t)stt.st_size > BOARD_PHOTO_MAX_BYTES) {
		close(fd);
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, PHOTO_NOT_FOUND_MSG);
	}
	*data = xmalloc((size_t)stt.st_size);
	while (got < (size_t)stt.st_size) {
		ssize_t n = read(fd, *data + got, (size_t)stt.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* write data to dir/ab/sha through a temp file in the same directory (atomic rename) */
static int store_file(struct ctx *ctx, const char *sha, const void *data, size_t len)
{
	char dir[1024], sub[1100], dest[1200], tmp[1200];
	size_t off = 0;
	int fd, rc;
	if ((rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err)))
		return rc;
	xsnprintf(sub, sizeof(sub), "%s/%.2s", dir, sha);
	if (mkdir(sub, 0700) != 0 && errno != EEXIST)
		return err_set(&ctx->err, E_IO, NULL, NULL, "cannot create %s: %s", sub, strerror(errno));
	xsnprintf(dest, sizeof(dest), "%s/%s", sub, sha);
	if (access(dest, F_OK) == 0)
		return 0; /* the same content is kept once */
	xsnprintf(tmp, sizeof(tmp), "%s/upload-XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0)
		return err_set(&ctx->err, E_IO, NULL, NULL, "cannot store photo: %s", strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (close(fd) != 0 || off != len || rename(tmp, dest) != 0) {
		unlink(tmp);
		return err_set(&ctx->err, E_IO, NULL, NULL, "cannot store photo: %s", strerror(errno));
	}
	return 0;
}

static int current_photo(struct ctx *ctx, int64_t member_id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT sha256, mime, size FROM member_photos WHERE member_id = ?", &ctx->err);
	int step;
	*out = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*out = json_pack("{s:I, s:s, s:s, s:I}", "member_id", (json_int_t)member_id, "sha256", stmt_text(st, 0),
				 "mime", stmt_text(st, 1), "size", (json_int_t)stmt_int(st, 2));
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int board_photo_put(struct ctx *ctx, int64_t member_id, const void *data, size_t len, json_t **out)
{
	const char *mime;
	char sha[65];
	json_t *before = NULL, *after = NULL;
	struct stmt *st;
	int rc, step;

	*out = NULL;
	if ((rc = member_in_scope(ctx, member_id)))
		return rc;
	if (!len)
		return err_set(&ctx->err, E_INVALID, "file", "photo.empty", "请求体为空：请上传照片");
	if (len > BOARD_PHOTO_MAX_BYTES)
		return err_set(&ctx->err, E_INVALID, "file", "photo.size", "照片不能超过 %u MB", BOARD_PHOTO_MAX_BYTES >> 20);
	mime = attachment_sniff(data, len);
	if (!mime || (strcmp(mime, "image/jpeg") && strcmp(mime, "image/png")))
		return err_set(&ctx->err, E_INVALID, "file", "photo.type", "照片只能是 JPEG 或 PNG（按文件内容判断）");
	sha256_hex(data, len, sha);
	if ((rc = store_file(ctx, sha, data, len)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = current_photo(ctx, member_id, &before)))
		goto rollback;
	st = db_prepare(ctx->db,
			before ? "UPDATE member_photos SET sha256 = ?, mime = ?, size = ?, updated_by = ?, updated_at = ? "
				 "WHERE member_id = ?"
			       : "INSERT INTO member_photos (sha256, mime, size, updated_by, updated_at, member_id) VALUES (?, ?, "
				 "?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, sha);
	stmt_bind_text(st, 2, mime);
	stmt_bind_int(st, 3, (int64_t)len);
	stmt_bind_int(st, 4, ctx->actor.user_id);
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_int(st, 6, member_id);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = step == STEP_CONSTRAINT ? err_set(&ctx->err, E_CONFLICT, "member_id", "store.stale",
						       "照片已被他人修改，请重试")
					     : ctx_db_fail(ctx);
		goto rollback;
	}
	after = json_pack("{s:I, s:s, s:s, s:I}", "member_id", (json_int_t)member_id, "sha256", sha, "mime", mime, "size",
			  (json_int_t)len);
	if ((rc = audit_append(ctx, before ? "update" : "create", "member_photo", member_id, before, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*out = after;
	after = NULL;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

int board_photo_delete(struct ctx *ctx, int64_t member_id)
{
	json_t *before = NULL;
	struct stmt *st;
	int rc;
	if ((rc = member_in_scope(ctx, member_id)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = current_photo(ctx, member_id, &before)))
		goto rollback;
	if (!before) {
		rc = err_set(&ctx->err, E_NOTFOUND, "id", NULL, "该党员还没有照片");
		goto rollback;
	}
	/* the file stays: the store is content-addressed and another member may show the same picture */
	st = db_prepare(ctx->db, "DELETE FROM member_photos WHERE member_id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, member_id);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = audit_append(ctx, "delete", "member_photo", member_id, before, NULL)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	return rc;
}

static const char *static_mime(const char *m)
{
	return m && !strcmp(m, "image/png") ? "image/png" : "image/jpeg";
}

int board_photo_get(struct ctx *ctx, int64_t member_id, char **data, size_t *len, const char **mime)
{
	json_t *cur = NULL;
	int rc;
	*data = NULL;
	*len = 0;
	if ((rc = member_in_scope(ctx, member_id)) || (rc = current_photo(ctx, member_id, &cur)))
		return rc;
	if (!cur)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "该党员还没有照片");
	*mime = static_mime(json_string_value(json_object_get(cur, "mime")));
	rc = board_photo_read(ctx, json_string_value(json_object_get(cur, "sha256")), data, len);
	json_decref(cur);
	return rc;
}

int board_public_photo(struct ctx *ctx, const char *key, int64_t member_id, char **data, size_t *len,
		       const char **mime)
{
	struct stmt *st;
	char sha[65] = "", m[32] = "";
	int step;
	*data = NULL;
	*len = 0;
	if (!board_key_ok(key))
		return err_set(&ctx->err, E_NOTFOUND, "key", NULL, PHOTO_NOT_FOUND_MSG);
	/* the member must be on that board: of its branch and on the rolls */
	st = db_prepare(ctx->db,
			"SELECT p.sha256, p.mime FROM boards b JOIN orgs o ON o.id = b.org_id JOIN members m ON m.org_id = b.org_id "
			"JOIN member_photos p ON p.member_id = m.id WHERE b.public_key = ? AND b.enabled = 1 AND o.dissolved_on "
			"IS NULL AND m.id = ? AND m.state IN ('active', 'transferring')",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, key);
	stmt_bind_int(st, 2, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, sha, sizeof(sha));
		stmt_text_copy(st, 1, m, sizeof(m));
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW)
		return err_set(&ctx->err, E_NOTFOUND, "member_id", NULL, PHOTO_NOT_FOUND_MSG);
	*mime = static_mime(m);
	return board_photo_read(ctx, sha, data, len);
}
