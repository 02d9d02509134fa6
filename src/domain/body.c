/* Body field readers shared by the domain modules (see body.h). */
#include "domain/body.h"
#include "util/banned.h"

int body_int_required(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	*out = json_integer_value(v);
	return 0;
}

int body_str_optional(struct ctx *ctx, json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	*out = json_string_value(v);
	return 0;
}
