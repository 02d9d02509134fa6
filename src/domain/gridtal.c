/* Small helpers shared by grid.c and talent.c (see gridtal.h). */
#include "domain/gridtal.h"
#include <string.h>
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

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
