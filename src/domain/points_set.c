/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_sets_list(struct ctx *ctx, int64_t org_id, json_t **items, int64_t *total)
{
	(void)ctx;
	(void)org_id;
	(void)items;
	(void)total;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_set_current(struct ctx *ctx, int64_t org_id, const char *period, json_t **out)
{
	(void)ctx;
	(void)org_id;
	(void)period;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_set_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	(void)ctx;
	(void)body;
	(void)id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_sources_json(json_t **out)
{
	(void)out;
	return -1;
}

int points_indicator_by_code(struct ctx *ctx, const char *org_path, int m, const char *code, struct points_indicator *out)
{
	(void)ctx;
	(void)org_path;
	(void)m;
	(void)code;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_indicator_by_id(struct ctx *ctx, int64_t id, struct points_indicator *out)
{
	(void)ctx;
	(void)id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_indicators_by_source(struct ctx *ctx, const char *org_path, int m, const char *target, const char *source, struct points_indicator *out, int max, int *n)
{
	(void)ctx;
	(void)org_path;
	(void)m;
	(void)target;
	(void)source;
	(void)out;
	(void)max;
	(void)n;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_set_template_json(json_t **out)
{
	(void)out;
	return -1;
}

const struct points_source points_sources[] = { { "manual", "手工录入", NULL, NULL } };
const size_t points_n_sources = 1;
const struct points_source *points_source_find(const char *code)
{
	(void)code;
	return NULL;
}
