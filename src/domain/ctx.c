#include "domain/ctx.h"
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

void ctx_set_clock(struct ctx *ctx, time_t t)
{
	ctx->now = t;
	ctx->today = date_today(t);
	time_iso_utc(t, ctx->now_iso);
}

void ctx_as_system(struct ctx *ctx)
{
	memset(&ctx->actor, 0, sizeof(ctx->actor));
	strlcpy_z(ctx->actor.username, "system", sizeof(ctx->actor.username));
	ctx->actor.role = ROLE_SYSADMIN;
	strlcpy_z(ctx->actor.org_path, "/", sizeof(ctx->actor.org_path));
}

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_MEMBER: return "member";
	case ROLE_SECRETARY: return "secretary";
	case ROLE_ORG_ADMIN: return "org_admin";
	case ROLE_SYSADMIN: return "sysadmin";
	case ROLE_NONE: break;
	}
	return "none";
}

enum role role_parse(const char *s)
{
	if (!s)
		return ROLE_NONE;
	if (!strcmp(s, "member")) return ROLE_MEMBER;
	if (!strcmp(s, "secretary")) return ROLE_SECRETARY;
	if (!strcmp(s, "org_admin")) return ROLE_ORG_ADMIN;
	if (!strcmp(s, "sysadmin")) return ROLE_SYSADMIN;
	return ROLE_NONE;
}

int ctx_path_in_scope(const struct ctx *ctx, const char *path)
{
	size_t n = strlen(ctx->actor.org_path);
	return n && !strncmp(path, ctx->actor.org_path, n);
}

void path_range_end(const char *prefix, char *out, size_t size)
{
	size_t n = strlen(prefix);
	strlcpy_z(out, prefix, size);
	/* '/' is 0x2F and '0' is 0x30: every path under prefix sorts below prefix-with-'0' */
	if (n && n < size && out[n - 1] == '/')
		out[n - 1] = '0';
}

int ctx_db_fail(struct ctx *ctx)
{
	return ctx->err.code ? (int)ctx->err.code : E_DB;
}

int ctx_insert_id(struct ctx *ctx, struct stmt *st, int64_t *id)
{
	int step = stmt_step(st, &ctx->err);
	*id = step == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

int ctx_step_int(struct ctx *ctx, struct stmt *st, int64_t *out)
{
	int step = stmt_step(st, &ctx->err);
	*out = step == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int ctx_query_int(struct ctx *ctx, const char *sql, int64_t *out)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	*out = 0;
	return st ? ctx_step_int(ctx, st, out) : E_DB;
}

int ctx_is_pg(const struct ctx *ctx)
{
	return !strcmp(db_backend(ctx->db), "postgres");
}

void ctx_bind_user(const struct ctx *ctx, struct stmt *st, int idx)
{
	if (ctx->actor.user_id)
		stmt_bind_int(st, idx, ctx->actor.user_id);
	else
		stmt_bind_null(st, idx);
}
