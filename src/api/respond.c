/*
 * The one place where errors become HTTP: status from the err_code, body
 * {"error":{"code","message","field","rule"}}; plus the body and query parsers that
 * make every handler reject bad input the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api/api.h"
#include "util/limits.h"
#include "util/xalloc.h"
#include "util/banned.h"

int api_body_object(struct request *req, json_t **out)
{
	json_error_t jerr;
	json_t *j;
	if (req->body.len == 0)
		return err_set(&req->ctx.err, E_MALFORMED, NULL, NULL, "请求体为空：需要一个 JSON 对象");
	j = json_loadb(req->body.buf, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_set(&req->ctx.err, E_MALFORMED, NULL, NULL, "JSON 格式错误（第 %d 行第 %d 列）：%s", jerr.line,
			       jerr.column, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(&req->ctx.err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");
	}
	*out = j;
	return 0;
}

int api_check_fields(struct request *req, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		const char *const *a;
		int known = 0;
		for (a = allowed; *a; a++)
			if (!strcmp(*a, key)) {
				known = 1;
				break;
			}
		if (!known)
			return err_set(&req->ctx.err, E_MALFORMED, key, NULL, "未知字段：%s", key);
	}
	return 0;
}

int api_get_str(struct request *req, json_t *obj, const char *key, char *dst, size_t size, int *present)
{
	json_t *v = json_object_get(obj, key);
	*present = v != NULL;
	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&req->ctx.err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (json_string_length(v) >= size)
		return err_set(&req->ctx.err, E_INVALID, key, "field.length", "字段 %s 太长（最多 %zu 字节）", key, size - 1);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(&req->ctx.err, E_INVALID, key, "field.nul", "字段 %s 含有非法字符", key);
	strlcpy_z(dst, json_string_value(v), size);
	return 0;
}

int api_get_int(struct request *req, json_t *obj, const char *key, int64_t *dst, int *present)
{
	json_t *v = json_object_get(obj, key);
	*present = v != NULL && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_integer(v))
		return err_set(&req->ctx.err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	*dst = json_integer_value(v);
	return 0;
}

int api_get_bool(struct request *req, json_t *obj, const char *key, int *dst, int *present)
{
	json_t *v = json_object_get(obj, key);
	*present = v != NULL && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_boolean(v))
		return err_set(&req->ctx.err, E_MALFORMED, key, NULL, "字段 %s 必须是 true 或 false", key);
	*dst = json_is_true(v);
	return 0;
}

int api_get_version(struct request *req, json_t *obj, int64_t *version)
{
	int present = 0;
	int rc = api_get_int(req, obj, "version", version, &present);
	if (rc)
		return rc;
	if (!present)
		return err_set(&req->ctx.err, E_MALFORMED, "version", NULL, "缺少 version：修改已有记录必须带上它的版本号");
	return 0;
}

int api_query_int(struct request *req, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
	const char *s = req_query(req, name);
	char *end;
	long long v;
	if (!s || !*s) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "参数 %s 必须是整数", name);
	if (v < min || v > max)
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "参数 %s 必须在 %lld 到 %lld 之间", name,
			       (long long)min, (long long)max);
	*out = v;
	return 0;
}

int api_paging(struct request *req, int *page, int *per_page)
{
	int64_t p, pp;
	int rc = api_query_int(req, "page", 1, 1, 1000000, &p);
	if (!rc)
		rc = api_query_int(req, "per_page", 50, 1, CAP_PER_PAGE, &pp);
	if (rc)
		return rc;
	*page = (int)p;
	*per_page = (int)pp;
	return 0;
}

void api_reply_json(struct response *res, int status, json_t *body)
{
	json_decref(res->json);
	res->status = status;
	res->json = body;
}

void api_reply_list(struct response *res, json_t *items, int64_t total, int page, int per_page)
{
	json_t *body = json_object();
	json_object_set_new(body, "items", items);
	json_object_set_new(body, "total", json_integer(total));
	json_object_set_new(body, "page", json_integer(page));
	json_object_set_new(body, "per_page", json_integer(per_page));
	api_reply_json(res, 200, body);
}

void api_reply_release_body(struct response *res)
{
	free(res->raw);
	res->raw = NULL;
	res->raw_len = 0;
	if (res->body_fd1)
		close(res->body_fd1 - 1);
	res->body_fd1 = 0;
	res->body_offset = res->body_len = 0;
}

void api_reply_file(struct response *res, char *data, size_t len, const char *content_type, const char *filename)
{
	api_reply_release_body(res);
	res->status = 200;
	res->raw = data;
	res->raw_len = len;
	res->content_type = content_type;
	strlcpy_z(res->filename, filename ? filename : "", sizeof(res->filename));
}

void api_reply_error(struct request *req, struct response *res)
{
	struct err *e = &req->ctx.err;
	json_t *err = json_object();
	enum err_code code = e->code ? e->code : E_INTERNAL;
	json_object_set_new(err, "code", json_string(err_code_name(code)));
	json_object_set_new(err, "message", json_string(e->message[0] ? e->message : err_code_name(code)));
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	if (e->rule[0])
		json_object_set_new(err, "rule", json_string(e->rule));
	if (!json_object_get(err, "message")) /* message was not valid UTF-8 */
		json_object_set_new(err, "message", json_string(err_code_name(code)));
	json_decref(res->json);
	res->json = json_object();
	json_object_set_new(res->json, "error", err);
	res->status = err_http_status(code);
	api_reply_release_body(res);
}

void api_reply_fd(struct response *res, int fd, int64_t offset, int64_t len, const char *content_type,
		  const char *filename)
{
	api_reply_file(res, NULL, 0, content_type, filename);
	res->body_fd1 = fd + 1;
	res->body_offset = offset;
	res->body_len = len;
}
