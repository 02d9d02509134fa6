#ifndef SIGNIN_CODE_H
#define SIGNIN_CODE_H
#include <jansson.h>
#include <stdint.h>
#include "domain/auth.h"
/*
 * One-time sign-in codes (issue 9 "Sign-in"): for members without a password, no SMS
 * gateway. A secretary or an administrator whose scope holds the member's branch
 * issues a code for the member's account (created, without a password, when the member
 * has none; 409 signin.role when the member's account is an officer's). The code is
 * shown once, valid for auth.code_hours, used once, and kept only as a hash.
 *
 * A code is "SSSSS-XXXXX-XXXXX": a selector (looked up) and a secret (hashed). A wrong
 * secret for a known selector is a failed login of that account, so the login lockout
 * (auth.max_failures, auth.lock_minutes) limits guessing; 423 while locked.
 */
#define SIGNIN_CODE_CHARS 15 /* without the dashes */

/* {code, expires_at, member_id, member_name, user_id, username, account_created}; code is the only copy */
int signin_code_issue(struct ctx *ctx, int64_t member_id, json_t **out);
/* Like auth_login, with a code instead of username and password; 401 auth.code (unknown or
 * wrong), auth.code_used, auth.code_expired; 423 auth.locked. */
int auth_login_code(struct ctx *ctx, const char *code, int bearer, char **token, char **csrf, struct user *u);
/*
 * The actor sets their own password: body {password, current_password?}. current_password
 * is needed unless the session (token_hash) was opened with a code; such a session may
 * set it once.
 */
int auth_password_set_own(struct ctx *ctx, const char *token_hash, json_t *body);
#endif
