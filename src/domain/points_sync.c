/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_sync_meeting(struct ctx *ctx, int64_t meeting_id)
{
	(void)ctx;
	(void)meeting_id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_sync_appraisal(struct ctx *ctx, int64_t appraisal_id)
{
	(void)ctx;
	(void)appraisal_id;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_sync(struct ctx *ctx, json_t *body, int64_t *added, int64_t *reversed)
{
	(void)ctx;
	(void)body;
	(void)added;
	(void)reversed;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}
