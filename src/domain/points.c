/* STUB: replaced by its owner (see points.h). */
#include "domain/points_internal.h"
#include "util/banned.h"

int points_month_no(int year, int month)
{
	(void)year;
	(void)month;
	return -1;
}

int points_period_parse(const char *s, struct points_period *out)
{
	(void)s;
	(void)out;
	return -1;
}

void points_period_of(enum points_period_kind kind, int m, struct points_period *out)
{
	(void)kind;
	(void)m;
	(void)out;
}

void points_month_text(int m, char out[8])
{
	(void)m;
	(void)out;
}

void points_settings_default(struct points_settings *s)
{
	(void)s;
}

int points_settings_for(struct ctx *ctx, const char *org_path, struct points_settings *out)
{
	(void)ctx;
	(void)org_path;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_require_enabled(struct ctx *ctx, const char *org_path)
{
	(void)ctx;
	(void)org_path;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_settings_get(struct ctx *ctx, int64_t org_id, json_t **out)
{
	(void)ctx;
	(void)org_id;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_settings_put(struct ctx *ctx, json_t *body)
{
	(void)ctx;
	(void)body;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_enabled_for_actor(struct ctx *ctx)
{
	(void)ctx;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int64_t points_top_org(const char *org_path)
{
	(void)org_path;
	return -1;
}

int points_month_published(struct ctx *ctx, const char *target, const char *org_path, int m, int *published)
{
	(void)ctx;
	(void)target;
	(void)org_path;
	(void)m;
	(void)published;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

int points_json_x10(struct ctx *ctx, json_t *v, const char *field, int min_x10, int max_x10, int *out)
{
	(void)ctx;
	(void)v;
	(void)field;
	(void)min_x10;
	(void)max_x10;
	(void)out;
	return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "未实现");
}

json_t *points_x10_json(int x10)
{
	(void)x10;
	return NULL;
}

int points_indicator_counted(int sign, int cap_x10, enum points_period_kind cap_kind, const int *raw, int from, int first, int last)
{
	(void)sign;
	(void)cap_x10;
	(void)cap_kind;
	(void)raw;
	(void)from;
	(void)first;
	(void)last;
	return -1;
}

int points_cap_window_start(enum points_period_kind cap_kind, int m)
{
	(void)cap_kind;
	(void)m;
	return -1;
}

int points_score_x10(int base_x10, int award_x10, int deduct_x10)
{
	(void)base_x10;
	(void)award_x10;
	(void)deduct_x10;
	return -1;
}

void points_rank(struct points_standing *s, size_t n)
{
	(void)s;
	(void)n;
}

void points_assign_stars(struct points_standing *s, size_t n, const struct points_band *bands, int nbands, int cap_pct)
{
	(void)s;
	(void)n;
	(void)bands;
	(void)nbands;
	(void)cap_pct;
}

void points_flags_text(unsigned flags, char *out, size_t size)
{
	(void)flags;
	(void)out;
	(void)size;
}
