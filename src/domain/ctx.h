#ifndef CTX_H
#define CTX_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "store/store.h"
#include "util/date.h"
#include "util/err.h"
/*
 * What every domain call gets: the connection, who is acting and over which subtree,
 * the clock, and the error slot. Built by the HTTP layer per request, by the CLI per
 * command, and by tests with any "today".
 */
enum role {
	ROLE_NONE = 0,
	ROLE_MEMBER,     /* 党员: self only */
	ROLE_SECRETARY,  /* 支部书记: one branch */
	ROLE_ORG_ADMIN,  /* 组织部/党委管理员: a subtree */
	ROLE_SYSADMIN,   /* 系统管理员: everything */
};

#define PATH_MAX_LEN 256

struct actor {
	int64_t user_id;          /* 0 = the system (CLI, demo) */
	char username[64];
	enum role role;
	int64_t org_id;           /* scope root; 0 with path "/" = all */
	char org_path[PATH_MAX_LEN];
	int64_t member_id;        /* the member record of this account, if any */
};

struct config;

struct ctx {
	struct db *db;
	struct actor actor;
	time_t now;
	struct date today;        /* Asia/Shanghai */
	char now_iso[21];
	const struct config *cfg;
	struct err err;
};

/* Sets now/today/now_iso from t. */
void ctx_set_clock(struct ctx *ctx, time_t t);
/* An actor with system rights (CLI tools, demo generator). */
void ctx_as_system(struct ctx *ctx);
/* After a failed store call: the code the store left in ctx->err, or E_DB. */
int ctx_db_fail(struct ctx *ctx);
/* Steps an INSERT … RETURNING id: *id (0 on failure), else ctx_db_fail. */
int ctx_insert_id(struct ctx *ctx, struct stmt *st, int64_t *id);
/* Steps a bound one-row query (a count, a flag) and resets it: *out its first column, 0
 * when it gives no row; ctx_db_fail on error. ctx_query_int prepares sql (no parameters). */
int ctx_step_int(struct ctx *ctx, struct stmt *st, int64_t *out);
int ctx_query_int(struct ctx *ctx, const char *sql, int64_t *out);
/* 1 on PostgreSQL: for the few statements whose two dialects differ (SET LOCAL vs a marker row) */
int ctx_is_pg(const struct ctx *ctx);
/* Binds the acting user's id at idx; NULL when the actor is no user (the CLI, the demo). */
void ctx_bind_user(const struct ctx *ctx, struct stmt *st, int idx);
const char *role_name(enum role r);
enum role role_parse(const char *s);
/* 1 if path lies in the actor's subtree */
int ctx_path_in_scope(const struct ctx *ctx, const char *path);
/* upper bound of a subtree range: '/1/7/' -> '/1/70' (see 001_foundation.sql) */
void path_range_end(const char *prefix, char *out, size_t size);
#endif
