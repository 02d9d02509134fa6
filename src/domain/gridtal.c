/* Small helpers shared by grid.c and talent.c (see gridtal.h). */
#include "domain/gridtal.h"
#include <string.h>
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

void gt_param_text(struct gt_params *p, const char *s)
{
	if (p->n >= GT_MAX_PARAMS)
		return;
	p->is_int[p->n] = 0;
	p->tv[p->n++] = s;
}

void gt_param_int(struct gt_params *p, int64_t v)
{
	if (p->n >= GT_MAX_PARAMS)
		return;
	p->is_int[p->n] = 1;
	p->iv[p->n++] = v;
}

void gt_bind(struct stmt *st, const struct gt_params *p)
{
	int i;
	for (i = 0; i < p->n; i++) {
		if (p->is_int[i])
			stmt_bind_int(st, i + 1, p->iv[i]);
		else
			stmt_bind_text(st, i + 1, p->tv[i]);
	}
}

int gt_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int max_chars, int required,
	    char *dst, size_t size)
{
	json_t *v = json_object_get(body, key);
	char buf[1024];
	const char *s;
	if (!v)
		return 0;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_is_string(v) ? json_string_value(v) : "";
	if (strlen(s) >= sizeof(buf) || strlen(s) > (size_t)max_chars * 4)
		return err_set(&ctx->err, E_INVALID, key, "field.length", "%s不能超过 %d 个字", label, max_chars);
	text_normalize(s, buf, sizeof(buf));
	if (!text_is_clean(buf))
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	if (utf8_chars(buf) > (size_t)max_chars || strlen(buf) >= size)
		return err_set(&ctx->err, E_INVALID, key, "field.length", "%s不能超过 %d 个字", label, max_chars);
	if (required && !buf[0])
		return err_set(&ctx->err, E_INVALID, key, "field.required", "请填写%s", label);
	strlcpy_z(dst, buf, size);
	return 0;
}

int gt_date(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst)
{
	json_t *v = json_object_get(body, key);
	struct date d;
	if (!v)
		return 0;
	if (json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0])) {
		dst[0] = '\0';
		return 0;
	}
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s须为有效日期 YYYY-MM-DD", label);
	date_format(d, dst);
	return 0;
}

int gt_int(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t min, int64_t max,
	   int allow_null, int64_t *dst)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return 0;
	if (json_is_null(v) && allow_null) {
		*dst = 0;
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(&ctx->err, E_INVALID, key, "field.range", "%s须在 %lld 至 %lld 之间", label,
			       (long long)min, (long long)max);
	*dst = json_integer_value(v);
	return 0;
}

void gt_like(const char *q, char *out, size_t size)
{
	size_t k = 0;
	const char *c;
	out[k++] = '%';
	for (c = q; *c && k + 3 < size; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			out[k++] = '\\';
		out[k++] = *c;
	}
	out[k++] = '%';
	out[k] = '\0';
}

int gt_count(struct ctx *ctx, const char *sql, const struct gt_params *p, int64_t *total)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	if (!st)
		return E_DB;
	gt_bind(st, p);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}
