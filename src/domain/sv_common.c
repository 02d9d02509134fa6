/* Shared field readers for 第一书记 and 志愿服务 (see sv_common.h). */
#include "domain/sv_common.h"
#include <string.h>
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

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
