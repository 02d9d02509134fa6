/* Body fields read with the errors every module gives (see field.h). */
#include "domain/field.h"
#include <string.h>
#include "domain/org.h"
#include "util/text.h"
#include "util/banned.h"

int field_text_check(struct ctx *ctx, const char *key, const char *label, const char *s, size_t max_chars,
		     int multiline)
{
	const unsigned char *p;
	/* the byte bound first: utf8_chars must not walk a huge string */
	if (strlen(s) > max_chars * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label, max_chars);
	/* C0 controls, DEL and the C1 controls (U+0080–U+009F, 0xC2 0x80–0x9F in UTF-8) */
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	return 0;
}

int field_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, size_t max_chars,
	       int multiline, const char **out, int *present)
{
	json_t *v = json_object_get(body, key);
	int rc;
	*out = NULL;
	if (present)
		*present = v != NULL;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (json_is_string(v) && json_string_value(v)[0]) {
		if ((rc = field_text_check(ctx, key, label, json_string_value(v), max_chars, multiline)))
			return rc;
		*out = json_string_value(v);
	}
	if (required && !*out)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

int field_date(struct ctx *ctx, json_t *body, const char *key, const char *label, char out[11], int *present)
{
	json_t *v = json_object_get(body, key);
	struct date d;
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (json_is_null(v) || !json_string_value(v)[0]) {
		out[0] = '\0';
		return 0;
	}
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	date_format(d, out);
	return 0;
}

int field_version(struct ctx *ctx, json_t *body, int64_t *version)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v))
		return err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			       "须提供记录的 version");
	*version = json_integer_value(v);
	return 0;
}

int field_version_current(struct ctx *ctx, json_t *body, int64_t current, const char *what)
{
	int64_t version;
	int rc;
	if ((rc = field_version(ctx, body, &version)))
		return rc;
	if (version != current)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该%s已被他人修改，请刷新后重试", what);
	return 0;
}

int field_run_versioned(struct ctx *ctx, struct stmt *st, int nbound, int64_t id, int64_t version,
			const char *stale_msg)
{
	int rc;
	stmt_bind_int(st, nbound + 1, id);
	stmt_bind_int(st, nbound + 2, version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "%s", stale_msg);
	return 0;
}

int field_issuing_org(struct ctx *ctx, json_t *body, struct org *o, const char *missing_msg, const char *group_rule,
		      const char *group_msg)
{
	json_t *v = json_object_get(body, "org_id");
	int64_t id = ctx->actor.org_id;
	int rc;
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v))
			return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
		id = json_integer_value(v);
	}
	if (!id)
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "%s", missing_msg);
	if ((rc = org_require_in_scope(ctx, id, o, "org_id")))
		return rc;
	if (!strcmp(o->kind, "group"))
		return err_set(&ctx->err, E_INVALID, "org_id", group_rule, "%s", group_msg);
	return 0;
}
