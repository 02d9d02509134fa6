/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_entries_list(struct ctx *ctx, const struct points_entry_filter *f, json_t **items, int64_t *total)
{
	(void)ctx;
	(void)f;
	(void)items;
	(void)total;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_entry_add(struct ctx *ctx, json_t *body, int64_t *id)
{
	(void)ctx;
	(void)body;
	(void)id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_entry_get(struct ctx *ctx, int64_t id, json_t **out)
{
	(void)ctx;
	(void)id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_entry_reverse(struct ctx *ctx, int64_t id, json_t *body, int64_t *reversal_id)
{
	(void)ctx;
	(void)id;
	(void)body;
	(void)reversal_id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_explain(struct ctx *ctx, const char *target, int64_t subject_id, const char *period, json_t **out)
{
	(void)ctx;
	(void)target;
	(void)subject_id;
	(void)period;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_append(struct ctx *ctx, const struct points_new_entry *e, int64_t *id)
{
	(void)ctx;
	(void)e;
	(void)id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}
