/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_rankings(struct ctx *ctx, int64_t org_id, const char *target, const char *period, int page, int per_page, json_t **out)
{
	(void)ctx;
	(void)org_id;
	(void)target;
	(void)period;
	(void)page;
	(void)per_page;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_summary(struct ctx *ctx, int64_t org_id, const char *period, json_t **out)
{
	(void)ctx;
	(void)org_id;
	(void)period;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_publish(struct ctx *ctx, json_t *body, int64_t *id)
{
	(void)ctx;
	(void)body;
	(void)id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_publications_list(struct ctx *ctx, int64_t org_id, const char *target, int page, int per_page, json_t **items, int64_t *total)
{
	(void)ctx;
	(void)org_id;
	(void)target;
	(void)page;
	(void)per_page;
	(void)items;
	(void)total;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_publication_get(struct ctx *ctx, int64_t id, json_t **out)
{
	(void)ctx;
	(void)id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_history(struct ctx *ctx, const char *target, int64_t subject_id, json_t **out)
{
	(void)ctx;
	(void)target;
	(void)subject_id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}
