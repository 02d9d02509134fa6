#ifndef AUTH_H
#define AUTH_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Accounts, passwords (argon2id via libsodium) and sessions. A session token is
 * 32 random bytes; only its SHA-256 is stored, so a database leak yields no usable
 * tokens. Failed logins count per account and lock it for a configured time.
 */
struct user {
	int64_t id;
	char username[64];
	char display_name[64];
	enum role role;
	int64_t org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	int64_t member_id;
	int disabled;
	int64_t version;
};

/* bearer != 0: a script token (no CSRF). *token and *csrf are malloc'd (caller frees). */
int auth_login(struct ctx *ctx, const char *username, const char *password, int bearer, char **token,
	       char **csrf, struct user *u);
/* Fills ctx->actor from a token; E_UNAUTH when unknown or expired. csrf_out[64], hash_out[65]. */
int auth_resume(struct ctx *ctx, const char *token, char *csrf_out, char *hash_out, int *is_cookie);
int auth_logout(struct ctx *ctx, const char *token_hash);
/*
 * Opens a session for u inside the caller's transaction (the caller commits): clears the
 * failure count, stores the token's hash, makes u the actor and audits the login
 * ("login_code" when via_code: a one-time code, signin_code.c). *token, *csrf malloc'd.
 */
int auth_session_start(struct ctx *ctx, const struct user *u, int bearer, int via_code, char **token, char **csrf);
/* 423 auth.locked while locked_until (ISO UTC, "" = none) is ahead of now */
int auth_lock_check(struct ctx *ctx, const char *locked_until);
/* failures so far for the account; at auth.max_failures it locks for auth.lock_minutes */
int auth_record_failure(struct ctx *ctx, int64_t user_id, int failures);

int user_create(struct ctx *ctx, struct user *u, const char *password);
int user_get(struct ctx *ctx, int64_t id, struct user *u);
int user_get_by_name(struct ctx *ctx, const char *username, struct user *u);
/* password NULL = unchanged; writes display_name, disabled; checks version */
int user_update(struct ctx *ctx, struct user *u, const char *password);
int user_list(struct ctx *ctx, int64_t org_id, int page, int per_page, json_t **items, int64_t *total);
json_t *user_to_json(const struct user *u);
/* argon2id with the configured cost; out must hold 128 bytes */
int password_hash(const struct ctx *ctx, const char *password, char *out);
int password_check_strength(struct ctx *ctx, const char *password);
#endif
