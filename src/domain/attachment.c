#include "domain/attachment.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include "domain/audit.h"
#include "domain/recruit.h"
#include "util/config.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *attachment_sniff(const unsigned char *h, size_t n)
{
	if (n >= 5 && !memcmp(h, "%PDF-", 5))
		return "application/pdf";
	if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	/* ISO base media: a box size, then 'ftyp' and a brand of the MP4 family */
	if (n >= 12 && !memcmp(h + 4, "ftyp", 4) &&
	    (!memcmp(h + 8, "isom", 4) || !memcmp(h + 8, "mp4", 3) || !memcmp(h + 8, "avc1", 4) ||
	     !memcmp(h + 8, "iso2", 4) || !memcmp(h + 8, "M4V", 3)))
		return "video/mp4";
	return NULL;
}

static int mkdir_p(const char *path, struct err *e)
{
	char tmp[1024];
	size_t i, n = strlen(path);
	if (n >= sizeof(tmp))
		return err_set(e, E_IO, "attach.dir", NULL, "attachment directory path too long");
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];
			tmp[i] = '\0';
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
				return err_set(e, E_IO, "attach.dir", NULL, "cannot create %s: %s", tmp, strerror(errno));
			tmp[i] = c;
		}
	}
	return 0;
}

int attachment_dir(const struct ctx *ctx, char *out, size_t size, struct err *e)
{
	const char *dir = ctx->cfg ? config_str(ctx->cfg, CFG_ATTACH_DIR) : "attachments";
	if (strlcpy_z(out, dir[0] ? dir : "attachments", size))
		return err_set(e, E_IO, "attach.dir", NULL, "attachment directory path too long");
	return mkdir_p(out, e);
}

/* The recruit's branch path, checked against the actor's scope; name for messages. */
static int recruit_in_scope(struct ctx *ctx, int64_t id, char *name, size_t size)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path, name FROM recruits WHERE id = ?", &ctx->err);
	char path[PATH_MAX_LEN] = "";
	int found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		found = 1;
		stmt_text_copy(st, 0, path, sizeof(path));
		if (name)
			stmt_text_copy(st, 1, name, size);
	}
	stmt_reset(st);
	if (!found || !ctx_path_in_scope(ctx, path) || ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "发展对象档案不存在或不在您的管理范围内");
	return 0;
}

/* A meeting's photos are its org's: the record must lie in the actor's scope. */
static int meeting_in_scope(struct ctx *ctx, int64_t id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path FROM meetings WHERE id = ?", &ctx->err);
	char path[PATH_MAX_LEN] = "";
	int found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		found = 1;
		stmt_text_copy(st, 0, path, sizeof(path));
	}
	stmt_reset(st);
	if (!found || !ctx_path_in_scope(ctx, path) || ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "会议记录不存在或不在您的管理范围内");
	return 0;
}

static int filename_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 200 && text_is_clean(s) && !strchr(s, '/') && !strchr(s, '\\') && strcmp(s, ".") &&
	       strcmp(s, "..") && utf8_chars(s) <= 80;
}

static void stored_path(const char *dir, const char *sha, char *out, size_t size)
{
	xsnprintf(out, size, "%s/%.2s/%s", dir, sha, sha);
}

static json_t *row_json(struct stmt *st)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "step", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "filename", json_string(stmt_text(st, 2)));
	json_object_set_new(j, "mime", json_string(stmt_text(st, 3)));
	json_object_set_new(j, "size", json_integer(stmt_int(st, 4)));
	json_object_set_new(j, "sha256", json_string(stmt_text(st, 5)));
	json_object_set_new(j, "created_at", json_string(stmt_text(st, 6)));
	return j;
}

#define ATT_COLS "id, COALESCE(step, 0), filename, mime, size, sha256, created_at"

int attachment_take(struct ctx *ctx, const char *filename, const char *tmp_path, const char *sha256, const char **mime_out)
{
	unsigned char head[16];
	char dir[1024], sub[1100], dest[1200];
	const char *mime;
	ssize_t got;
	int fd, rc;

	*mime_out = NULL;
	if (!filename_ok(filename))
		return err_set(&ctx->err, E_INVALID, "filename", "attachment.filename", "文件名无效（1–80 个字，不能含 / 或控制字符）");
	fd = open(tmp_path, O_RDONLY);
	if (fd < 0)
		return err_set(&ctx->err, E_IO, NULL, NULL, "upload temp file is gone: %s", strerror(errno));
	got = read(fd, head, sizeof(head));
	close(fd);
	mime = got > 0 ? attachment_sniff(head, (size_t)got) : NULL;
	if (!mime)
		return err_set(&ctx->err, E_INVALID, "file", "attachment.type",
			       "只能上传 PDF、JPEG、PNG 或 MP4 文件（按文件内容判断，不看扩展名）");
	if ((rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err)))
		return rc;
	xsnprintf(sub, sizeof(sub), "%s/%.2s", dir, sha256);
	if ((rc = mkdir_p(sub, &ctx->err)))
		return rc;
	stored_path(dir, sha256, dest, sizeof(dest));
	/* same content already stored: keep one copy */
	if (access(dest, F_OK) == 0)
		unlink(tmp_path);
	else if (rename(tmp_path, dest) != 0)
		return err_set(&ctx->err, E_IO, NULL, NULL, "cannot store attachment: %s", strerror(errno));
	*mime_out = mime;
	return 0;
}

int attachment_file_path(struct ctx *ctx, const char *sha256, char *out, size_t size)
{
	char dir[1024];
	int rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err);
	if (!rc)
		stored_path(dir, sha256, out, size);
	return rc;
}

/* The owner is a recruit (recruit_id) or a meeting (meeting_id), never both (015's CHECK). */
static int store(struct ctx *ctx, int64_t recruit_id, int64_t meeting_id, int step, const char *filename,
		 const char *tmp_path, const char *sha256, int64_t size, json_t **out)
{
	const char *mime;
	struct stmt *st;
	json_t *after = NULL;
	int rc, step_row;
	int64_t id = 0;

	if ((rc = recruit_id ? recruit_in_scope(ctx, recruit_id, NULL, 0) : meeting_in_scope(ctx, meeting_id)))
		return rc;
	if (step != 0 && !recruit_step_name(step))
		return err_set(&ctx->err, E_INVALID, "step", "attachment.step", "步骤 %d 不存在", step);
	if ((rc = attachment_take(ctx, filename, tmp_path, sha256, &mime)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db, "INSERT INTO attachments (recruit_id, step, sha256, filename, mime, size, created_by, created_at, "
				 "meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	if (recruit_id)
		stmt_bind_int(st, 1, recruit_id);
	else
		stmt_bind_null(st, 1);
	if (step)
		stmt_bind_int(st, 2, step);
	else
		stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, sha256);
	stmt_bind_text(st, 4, filename);
	stmt_bind_text(st, 5, mime);
	stmt_bind_int(st, 6, size);
	stmt_bind_int(st, 7, ctx->actor.user_id);
	stmt_bind_text(st, 8, ctx->now_iso);
	if (meeting_id)
		stmt_bind_int(st, 9, meeting_id);
	else
		stmt_bind_null(st, 9);
	step_row = stmt_step(st, &ctx->err);
	if (step_row == STEP_ROW)
		id = stmt_int(st, 0);
	stmt_reset(st);
	if (step_row != STEP_ROW) {
		rc = E_DB;
		goto out;
	}
	after = json_pack("{s:I, s:i, s:s, s:s, s:s, s:I}", recruit_id ? "recruit_id" : "meeting_id",
			  (json_int_t)(recruit_id ? recruit_id : meeting_id), "step", step, "filename", filename, "mime", mime,
			  "sha256", sha256, "size", (json_int_t)size);
	if ((rc = audit_append(ctx, "attach", recruit_id ? "recruit" : "meeting", recruit_id ? recruit_id : meeting_id,
			       NULL, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "SELECT " ATT_COLS " FROM attachments WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW)
		*out = row_json(st);
	stmt_reset(st);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(after);
	return rc;
}

int attachment_store(struct ctx *ctx, int64_t recruit_id, int step, const char *filename, const char *tmp_path,
		     const char *sha256, int64_t size, json_t **out)
{
	return store(ctx, recruit_id, 0, step, filename, tmp_path, sha256, size, out);
}

int attachment_store_meeting(struct ctx *ctx, int64_t meeting_id, const char *filename, const char *tmp_path,
			     const char *sha256, int64_t size, json_t **out)
{
	/* 0 would mean "a recruit's" to store(); no meeting has id 0 either */
	if (meeting_id <= 0)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "会议记录不存在或不在您的管理范围内");
	return store(ctx, 0, meeting_id, 0, filename, tmp_path, sha256, size, out);
}

int attachment_list_meeting(struct ctx *ctx, int64_t meeting_id, json_t **items)
{
	struct stmt *st;
	json_t *arr;
	int rc;
	if ((rc = meeting_in_scope(ctx, meeting_id)))
		return rc;
	st = db_prepare(ctx->db, "SELECT " ATT_COLS " FROM attachments WHERE meeting_id = ? ORDER BY id", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, meeting_id);
	arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW)
		json_array_append_new(arr, row_json(st));
	stmt_reset(st);
	*items = arr;
	return 0;
}

int attachment_list(struct ctx *ctx, int64_t recruit_id, json_t **items)
{
	struct stmt *st;
	json_t *arr;
	int rc;
	if ((rc = recruit_in_scope(ctx, recruit_id, NULL, 0)))
		return rc;
	st = db_prepare(ctx->db, "SELECT " ATT_COLS " FROM attachments WHERE recruit_id = ? ORDER BY COALESCE(step, 0), id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, recruit_id);
	arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW)
		json_array_append_new(arr, row_json(st));
	stmt_reset(st);
	*items = arr;
	return 0;
}

int attachment_open(struct ctx *ctx, int64_t id, char **path, char **mime, char **filename)
{
	struct stmt *st;
	char dir[1024], p[1200], sha[65] = "", m[64] = "", fn[256] = "";
	int64_t recruit_id = 0, meeting_id = 0;
	int rc;
	st = db_prepare(ctx->db, "SELECT COALESCE(recruit_id, 0), sha256, mime, filename, COALESCE(meeting_id, 0) "
				 "FROM attachments WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		recruit_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, sha, sizeof(sha));
		stmt_text_copy(st, 2, m, sizeof(m));
		stmt_text_copy(st, 3, fn, sizeof(fn));
		meeting_id = stmt_int(st, 4);
	}
	stmt_reset(st);
	if (!recruit_id && !meeting_id)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "附件不存在");
	if ((rc = recruit_id ? recruit_in_scope(ctx, recruit_id, NULL, 0) : meeting_in_scope(ctx, meeting_id)) ||
	    (rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err)))
		return rc;
	stored_path(dir, sha, p, sizeof(p));
	*path = xstrdup(p);
	*mime = xstrdup(m);
	*filename = xstrdup(fn);
	return 0;
}

static void html_text(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* timeline.html: the record's steps in order, who signed them, at which level. */
static void timeline_html(json_t *rec, json_t *files, struct strbuf *sb)
{
	size_t i;
	json_t *steps = json_object_get(rec, "steps");
	strbuf_addstr(sb, "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>发展党员档案</title>"
			  "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
			  "td,th{border:1px solid #999;padding:4px 8px;text-align:left}th{background:#f3e3e3}</style>"
			  "<h1>发展党员档案（一人一档）</h1><p>姓名：");
	html_text(sb, jstr(rec, "name"));
	strbuf_addstr(sb, " · 所在党支部：");
	html_text(sb, jstr(rec, "org_name"));
	strbuf_addstr(sb, " · 公民身份号码：");
	html_text(sb, jstr(rec, "id_number"));
	strbuf_addstr(sb, "</p><h2>发展时间线</h2><table><tr><th>步骤</th><th>名称</th><th>日期</th><th>责任组织</th>"
			  "<th>层级</th><th>签署人</th><th>说明</th></tr>");
	for (i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i);
		char num[24];
		xsnprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(s, "step")));
		strbuf_addstr(sb, "<tr><td>");
		strbuf_addstr(sb, num);
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "name"));
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "done_on"));
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "org_name"));
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "level"));
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "signer"));
		strbuf_addstr(sb, "</td><td>");
		html_text(sb, jstr(s, "note"));
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</table><h2>附件</h2><ul>");
	for (i = 0; i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);
		strbuf_addstr(sb, "<li>");
		html_text(sb, jstr(f, "filename"));
		strbuf_addstr(sb, "（");
		html_text(sb, jstr(f, "mime"));
		strbuf_addstr(sb, "）</li>");
	}
	strbuf_addstr(sb, "</ul></html>\n");
}

int recruit_archive_zip(struct ctx *ctx, int64_t recruit_id, char **out, size_t *len)
{
	char dir[1024], tmp[1100] = "", p[1200], name[320];
	json_t *rec = NULL, *files = NULL;
	struct strbuf html = STRBUF_INIT;
	zip_t *za = NULL;
	zip_source_t *src;
	struct stat stt;
	FILE *f = NULL;
	size_t i;
	int fd = -1, rc, zerr = 0;

	if ((rc = recruit_get(ctx, recruit_id, &rec)) || (rc = attachment_list(ctx, recruit_id, &files)) ||
	    (rc = attachment_dir(ctx, dir, sizeof(dir), &ctx->err)))
		goto out;
	timeline_html(rec, files, &html);
	xsnprintf(tmp, sizeof(tmp), "%s/archive-XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0) {
		rc = err_set(&ctx->err, E_IO, NULL, NULL, "cannot create temp file: %s", strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (!(za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
		rc = err_set(&ctx->err, E_IO, NULL, NULL, "zip_open failed (%d)", zerr);
		goto out;
	}
	src = zip_source_buffer(za, html.buf, html.len, 0);
	if (!src || zip_file_add(za, "timeline.html", src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		rc = err_set(&ctx->err, E_IO, NULL, NULL, "zip: %s", zip_strerror(za));
		goto out;
	}
	for (i = 0; i < json_array_size(files); i++) {
		json_t *a = json_array_get(files, i);
		stored_path(dir, jstr(a, "sha256"), p, sizeof(p));
		xsnprintf(name, sizeof(name), "%02d-%" JSON_INTEGER_FORMAT "-%s",
			  (int)json_integer_value(json_object_get(a, "step")), json_integer_value(json_object_get(a, "id")),
			  jstr(a, "filename"));
		src = zip_source_file(za, p, 0, -1);
		if (!src || zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			rc = err_set(&ctx->err, E_IO, NULL, NULL, "zip: %s", zip_strerror(za));
			goto out;
		}
	}
	if (zip_close(za) != 0) {
		rc = err_set(&ctx->err, E_IO, NULL, NULL, "zip: %s", zip_strerror(za));
		goto out;
	}
	za = NULL;
	if (stat(tmp, &stt) != 0 || !(f = fopen(tmp, "rb"))) {
		rc = err_set(&ctx->err, E_IO, NULL, NULL, "cannot read archive: %s", strerror(errno));
		goto out;
	}
	*out = xmalloc((size_t)stt.st_size + 1);
	*len = fread(*out, 1, (size_t)stt.st_size, f);
	{
		json_t *detail = json_pack("{s:I}", "files", (json_int_t)json_array_size(files));
		if (!(rc = db_begin(ctx->db, &ctx->err))) {
			rc = audit_append(ctx, "export_archive", "recruit", recruit_id, NULL, detail);
			if (!rc)
				rc = db_commit(ctx->db, &ctx->err);
			else
				db_rollback(ctx->db);
		}
		json_decref(detail);
		if (rc) {
			free(*out);
			*out = NULL;
		}
	}
out:
	if (f)
		fclose(f);
	if (za)
		zip_discard(za);
	if (tmp[0])
		unlink(tmp);
	strbuf_release(&html);
	json_decref(rec);
	json_decref(files);
	return rc;
}
