/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_claims_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page, json_t **items, int64_t *total)
{
	(void)ctx;
	(void)org_id;
	(void)status;
	(void)page;
	(void)per_page;
	(void)items;
	(void)total;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_claim_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	(void)ctx;
	(void)body;
	(void)id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_claim_get(struct ctx *ctx, int64_t id, json_t **out)
{
	(void)ctx;
	(void)id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_claim_decide(struct ctx *ctx, int64_t id, json_t *body)
{
	(void)ctx;
	(void)id;
	(void)body;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}
