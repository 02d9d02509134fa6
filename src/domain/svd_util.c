/* Field readers and row rendering for supervision.c and decision.c (see svd_util.h). */
#include "domain/svd_util.h"
#include <string.h>
#include "domain/audit.h"
#include "util/json_util.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int text_ok(const char *s, int multiline)
{
	const unsigned char *p;
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 0;
	return 1;
}

int svd_text(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max_chars, int required,
	     int multiline, char **out)
{
	json_t *v = json_object_get(body, key);
	const char *s;
	*out = NULL;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_is_string(v) ? json_string_value(v) : "";
	/* all-blank counts as not given */
	if (strspn(s, " \t\r\n") == strlen(s)) {
		if (required)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		return 0;
	}
	if (strlen(s) > max_chars * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label, max_chars);
	if (!text_ok(s, multiline))
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	*out = xstrdup(s);
	return 0;
}

int svd_date(struct ctx *ctx, json_t *body, const char *key, const char *label, const struct date *def,
	     int no_future, struct date *out)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0])) {
		if (!def)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		*out = *def;
	} else if (!json_is_string(v)) {
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	} else if (date_parse(json_string_value(v), out)) {
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	}
	if (no_future && date_cmp(*out, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, key, "field.date_future", "%s不能晚于今天", label);
	return 0;
}

int svd_int(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t min, int64_t max,
	    int64_t *out, int *present)
{
	json_t *v = json_object_get(body, key);
	*present = 0;
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(&ctx->err, E_INVALID, key, "field.range", "%s须在 %lld 至 %lld 之间", label, (long long)min,
			       (long long)max);
	*out = json_integer_value(v);
	*present = 1;
	return 0;
}

int svd_version(struct ctx *ctx, json_t *body, int64_t *out)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v))
		return err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			       "须提供记录的 version");
	*out = json_integer_value(v);
	return 0;
}

json_t *svd_row(struct stmt *st, const struct svd_col *cols)
{
	json_t *j = json_object();
	int c;
	for (c = 0; cols[c].name; c++) {
		json_t *v;
		if (stmt_is_null(st, c))
			v = cols[c].type == 'b' ? json_false() : json_null();
		else if (cols[c].type == 'i')
			v = json_integer(stmt_int(st, c));
		else if (cols[c].type == 'b')
			v = json_boolean(stmt_int(st, c));
		else
			v = json_str_or_null(stmt_text(st, c));
		json_object_set_new(j, cols[c].name, v);
	}
	return j;
}

int svd_rows(struct ctx *ctx, struct stmt *st, const struct svd_col *cols, json_t *arr)
{
	int step;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(arr, svd_row(st, cols));
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int svd_begin(struct ctx *ctx, int *nested)
{
	*nested = ((struct db_base *)ctx->db)->in_tx;
	return *nested ? db_exec(ctx->db, "SAVEPOINT svd_write", &ctx->err) : db_begin(ctx->db, &ctx->err);
}

int svd_load_row(struct ctx *ctx, struct stmt *st, int path_col, const struct svd_col *cols, const char *not_found,
		 json_t **out)
{
	int step;
	*out = NULL;
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && ctx_path_in_scope(ctx, stmt_text(st, path_col) ? stmt_text(st, path_col) : ""))
		*out = svd_row(st, cols);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!*out)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "%s", not_found);
	return 0;
}

json_t *svd_item(struct ctx *ctx, struct stmt *st, void *spec)
{
	const struct svd_item_spec *s = spec;
	json_t *j = svd_row(st, s->cols);
	(void)ctx;
	if (s->decorate)
		s->decorate(j);
	return j;
}

int svd_commit(struct ctx *ctx, int nested)
{
	return nested ? db_exec(ctx->db, "RELEASE SAVEPOINT svd_write", &ctx->err) : db_commit(ctx->db, &ctx->err);
}

void svd_rollback(struct ctx *ctx, int nested)
{
	if (!nested) {
		db_rollback(ctx->db);
		return;
	}
	db_exec(ctx->db, "ROLLBACK TO SAVEPOINT svd_write", NULL);
	db_exec(ctx->db, "RELEASE SAVEPOINT svd_write", NULL);
}

int svd_begin_stmt(struct ctx *ctx, int *nested, const char *sql, struct stmt **st)
{
	int rc;
	*st = NULL;
	if ((rc = svd_begin(ctx, nested)))
		return rc;
	if (!(*st = db_prepare(ctx->db, sql, &ctx->err))) {
		svd_rollback(ctx, *nested);
		return E_DB;
	}
	return 0;
}

int svd_insert(struct ctx *ctx, int nested, struct stmt *st, const char *entity, svd_load_fn load, int64_t *id)
{
	json_t *after = NULL;
	int rc;
	if ((rc = ctx_insert_id(ctx, st, id)) || (rc = load(ctx, *id, &after)) ||
	    (rc = audit_append(ctx, "create", entity, *id, NULL, after)) || (rc = svd_commit(ctx, nested))) {
		svd_rollback(ctx, nested);
		*id = 0;
	}
	json_decref(after);
	return rc;
}
