/* Shared field readers for 第一书记 and 志愿服务 (see sv_common.h). */
#include "domain/sv_common.h"
#include <string.h>
#include "util/date.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int text_ok(const char *s, size_t max_chars, int multiline)
{
	const unsigned char *p;
	if (strlen(s) > max_chars * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max_chars)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 0;
	return 1;
}

int sv_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, size_t max_chars,
	    int multiline, const char **out, int *present)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (present)
		*present = v != NULL;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (json_is_string(v) && json_string_value(v)[0]) {
		if (!text_ok(json_string_value(v), max_chars, multiline))
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label,
				       max_chars);
		*out = json_string_value(v);
	}
	if (required && !*out)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

int sv_date(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char out[11],
	    int *present)
{
	json_t *v = json_object_get(body, key);
	struct date d;
	if (present)
		*present = v != NULL && !json_is_null(v);
	if (!v || json_is_null(v))
		return required ? err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label) : 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	date_format(d, out);
	return 0;
}

int sv_member_in_scope(struct ctx *ctx, int64_t member_id, const char *field, char *name, size_t size)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT name, org_path FROM members WHERE id = ?", &ctx->err);
	int step, ok = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && stmt_text(st, 1) && ctx_path_in_scope(ctx, stmt_text(st, 1))) {
		ok = 1;
		stmt_text_copy(st, 0, name, size);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!ok)
		return err_set(&ctx->err, E_INVALID, field, "field.member", "党员 %lld 不存在或不在您的管理范围内",
			       (long long)member_id);
	return 0;
}

void sv_like_pattern(const char *q, char *out, size_t size)
{
	size_t n = 0;
	if (size < 3)
		return;
	out[n++] = '%';
	for (; *q && n + 3 < size; q++) {
		if (*q == '%' || *q == '_' || *q == '!')
			out[n++] = '!';
		out[n++] = *q;
	}
	out[n++] = '%';
	out[n] = 0;
}

void sv_bind_text(struct sv_binds *b, const char *s)
{
	if (b->n >= SV_MAX_BINDS)
		return;
	b->is_text[b->n] = 1;
	b->text[b->n++] = s;
}

void sv_bind_int(struct sv_binds *b, int64_t v)
{
	if (b->n >= SV_MAX_BINDS)
		return;
	b->is_text[b->n] = 0;
	b->num[b->n++] = v;
}

struct stmt *sv_prepare(struct ctx *ctx, const char *sql, const struct sv_binds *b)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int i;
	if (!st)
		return NULL;
	for (i = 0; b && i < b->n; i++) {
		if (b->is_text[i])
			stmt_bind_text(st, i + 1, b->text[i]);
		else
			stmt_bind_int(st, i + 1, b->num[i]);
	}
	return st;
}

int sv_count(struct ctx *ctx, const char *sql, const struct sv_binds *b, int64_t *out)
{
	struct stmt *st = sv_prepare(ctx, sql, b);
	int step;
	*out = 0;
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*out = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}
