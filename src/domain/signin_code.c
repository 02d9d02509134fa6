/*
 * One-time sign-in codes (see signin_code.h). The selector/secret split lets a wrong
 * guess be charged to the account it aims at (the existing lockout) without keeping
 * anything usable at rest: a database copy yields selectors and SHA-256 hashes of 50
 * random bits that expire within auth.code_hours.
 */
#include "domain/signin_code.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/field.h"
#include "util/config.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SELECTOR_CHARS 5
#define CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" /* 32: no 0/O, 1/I */
#define MEMBER_NOT_FOUND_MSG "党员不存在或不在您的管理范围内"
#define BAD_CODE_MSG "登录码无效，请核对后重新输入"

static void random_chars(char *out, size_t n)
{
	unsigned char b[SIGNIN_CODE_CHARS];
	size_t i;
	randombytes_buf(b, n);
	for (i = 0; i < n; i++)
		out[i] = CODE_ALPHABET[b[i] & 31]; /* 256 is a multiple of 32: uniform */
	out[n] = '\0';
}

static void secret_hash(const char *selector, const char *secret, char out[65])
{
	char buf[SIGNIN_CODE_CHARS + 2];
	xsnprintf(buf, sizeof(buf), "%s:%s", selector, secret);
	sha256_hex(buf, strlen(buf), out);
}

/* upper case, without dashes and spaces; 0 when it has the code's length and alphabet */
static int normalize(const char *in, char out[SIGNIN_CODE_CHARS + 1])
{
	size_t n = 0;
	for (; in && *in; in++) {
		char c = *in;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!strchr(CODE_ALPHABET, c) || n >= SIGNIN_CODE_CHARS)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == SIGNIN_CODE_CHARS ? 0 : -1;
}

/* ---- issuing ----------------------------------------------------------------------- */

struct target {
	int64_t member_id, org_id, user_id;
	char name[128], org_path[PATH_MAX_LEN], state[16], username[64];
	int role_ok, disabled;
};

static int load_target(struct ctx *ctx, int64_t member_id, struct target *t)
{
	struct stmt *st;
	int step, found = 0;
	memset(t, 0, sizeof(*t));
	st = db_prepare(ctx->db, "SELECT org_id, org_path, name, state FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		found = 1;
		t->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, t->org_path, sizeof(t->org_path));
		stmt_text_copy(st, 2, t->name, sizeof(t->name));
		stmt_text_copy(st, 3, t->state, sizeof(t->state));
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (!found || ctx->actor.role < ROLE_SECRETARY || !ctx_path_in_scope(ctx, t->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "member_id", NULL, MEMBER_NOT_FOUND_MSG);
	t->member_id = member_id;
	/* the member's account: a member's one first; an officer's account is not handed a code */
	st = db_prepare(ctx->db,
			"SELECT id, username, role, disabled FROM users WHERE member_id = ? "
			"ORDER BY CASE WHEN role = 'member' THEN 0 ELSE 1 END, id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		t->user_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, t->username, sizeof(t->username));
		t->role_ok = !strcmp(stmt_text(st, 2) ? stmt_text(st, 2) : "", "member");
		t->disabled = (int)stmt_int(st, 3);
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (strcmp(t->state, "active") && strcmp(t->state, "transferring"))
		return err_set(&ctx->err, E_CONFLICT, "member_id", "signin.member_state", "%s不是在册党员，不能发放登录码", t->name);
	if (t->user_id && !t->role_ok)
		return err_set(&ctx->err, E_CONFLICT, "member_id", "signin.role",
			       "%s的账号是管理账号，不能用一次性登录码登录，请由管理员重设密码", t->name);
	if (t->user_id && t->disabled)
		return err_set(&ctx->err, E_CONFLICT, "member_id", "signin.disabled", "%s的账号已停用", t->name);
	return 0;
}

/* a member account without a password ("!" never verifies): username m<member id>, or with a suffix */
static int create_account(struct ctx *ctx, struct target *t)
{
	struct stmt *st;
	json_t *after;
	int attempt, step = STEP_DONE, rc, taken;
	for (attempt = 0; attempt < 20; attempt++) {
		if (attempt)
			xsnprintf(t->username, sizeof(t->username), "m%" PRId64 "-%d", t->member_id, attempt);
		else
			xsnprintf(t->username, sizeof(t->username), "m%" PRId64, t->member_id);
		st = db_prepare(ctx->db, "SELECT count(*) FROM users WHERE username = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, t->username);
		step = stmt_step(st, &ctx->err);
		taken = step == STEP_ROW && stmt_int(st, 0) > 0;
		stmt_reset(st);
		if (step != STEP_ROW)
			return ctx_db_fail(ctx);
		if (!taken)
			break;
	}
	st = db_prepare(ctx->db,
			"INSERT INTO users (username, display_name, pw_hash, role, org_id, member_id, created_at) "
			"VALUES (?, ?, '!', 'member', ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, t->username);
	stmt_bind_text(st, 2, t->name);
	stmt_bind_int(st, 3, t->org_id);
	stmt_bind_int(st, 4, t->member_id);
	stmt_bind_text(st, 5, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		t->user_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	after = json_pack("{s:s, s:s, s:I, s:I}", "username", t->username, "role", "member", "org_id", (json_int_t)t->org_id,
			  "member_id", (json_int_t)t->member_id);
	rc = audit_append(ctx, "create", "user", t->user_id, NULL, after);
	json_decref(after);
	return rc;
}

int signin_code_issue(struct ctx *ctx, int64_t member_id, json_t **out)
{
	struct target t;
	struct stmt *st;
	char selector[SELECTOR_CHARS + 1], secret[SIGNIN_CODE_CHARS - SELECTOR_CHARS + 1], hash[65], expires[21];
	char shown[SIGNIN_CODE_CHARS + 3];
	json_t *after = NULL;
	int rc, step, created = 0, attempt, taken = 1;
	long long hours = ctx->cfg ? config_int(ctx->cfg, CFG_SIGNIN_CODE_HOURS) : 24;

	*out = NULL;
	if ((rc = load_target(ctx, member_id, &t)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if (!t.user_id) {
		if ((rc = create_account(ctx, &t)))
			goto rollback;
		created = 1;
	}
	/* one live code per account: a new one retires the earlier ones */
	st = db_prepare(ctx->db, "UPDATE signin_codes SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, t.user_id);
	stmt_bind_text(st, 3, ctx->now_iso);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	/* a selector not used before (32^5 of them: a clash is rare, checked rather than caught,
	 * since a failed INSERT would end a PostgreSQL transaction) */
	for (attempt = 0; attempt < 8 && taken; attempt++) {
		random_chars(selector, SELECTOR_CHARS);
		st = db_prepare(ctx->db, "SELECT count(*) FROM signin_codes WHERE selector = ?", &ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_text(st, 1, selector);
		step = stmt_step(st, &ctx->err);
		taken = step != STEP_ROW || stmt_int(st, 0) > 0;
		stmt_reset(st);
		if (step != STEP_ROW) {
			rc = ctx_db_fail(ctx);
			goto rollback;
		}
	}
	if (taken) {
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "could not draw a free selector");
		goto rollback;
	}
	random_chars(secret, sizeof(secret) - 1);
	secret_hash(selector, secret, hash);
	time_iso_utc(ctx->now + (time_t)hours * 3600, expires);
	st = db_prepare(ctx->db,
			"INSERT INTO signin_codes (selector, secret_hash, user_id, member_id, issued_by, created_at, expires_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, selector);
	stmt_bind_text(st, 2, hash);
	stmt_bind_int(st, 3, t.user_id);
	stmt_bind_int(st, 4, member_id);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 5, ctx->actor.user_id);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, ctx->now_iso);
	stmt_bind_text(st, 7, expires);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	/* the audit says that and until when, never the code */
	after = json_pack("{s:I, s:s}", "member_id", (json_int_t)member_id, "expires_at", expires);
	if ((rc = audit_append(ctx, "issue_code", "user", t.user_id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	xsnprintf(shown, sizeof(shown), "%s-%.5s-%.5s", selector, secret, secret + 5);
	*out = json_pack("{s:s, s:s, s:I, s:s, s:I, s:s, s:b}", "code", shown, "expires_at", expires, "member_id",
			 (json_int_t)member_id, "member_name", t.name, "user_id", (json_int_t)t.user_id, "username", t.username,
			 "account_created", created);
	json_decref(after);
	sodium_memzero(secret, sizeof(secret));
	return 0;
rollback:
	db_rollback(ctx->db);
	json_decref(after);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* ---- signing in ------------------------------------------------------------------- */

int auth_login_code(struct ctx *ctx, const char *code, int bearer, char **token, char **csrf, struct user *u)
{
	struct stmt *st;
	char norm[SIGNIN_CODE_CHARS + 1], selector[SELECTOR_CHARS + 1], hash[65], stored[65] = "", expires[21] = "",
		used[21] = "", locked[21] = "", username[64] = "";
	int64_t code_id = 0, user_id = 0;
	int failures = 0, disabled = 0, step, rc;

	*token = *csrf = NULL;
	if (normalize(code, norm))
		return err_set(&ctx->err, E_UNAUTH, "code", "auth.code", BAD_CODE_MSG);
	memcpy(selector, norm, SELECTOR_CHARS);
	selector[SELECTOR_CHARS] = '\0';
	st = db_prepare(ctx->db,
			"SELECT c.id, c.secret_hash, c.expires_at, c.used_at, u.id, u.username, u.failed_logins, u.locked_until, "
			"u.disabled FROM signin_codes c JOIN users u ON u.id = c.user_id WHERE c.selector = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, selector);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		code_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, stored, sizeof(stored));
		stmt_text_copy(st, 2, expires, sizeof(expires));
		stmt_text_copy(st, 3, used, sizeof(used));
		user_id = stmt_int(st, 4);
		stmt_text_copy(st, 5, username, sizeof(username));
		failures = (int)stmt_int(st, 6);
		stmt_text_copy(st, 7, locked, sizeof(locked));
		disabled = (int)stmt_int(st, 8);
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (!code_id)
		return err_set(&ctx->err, E_UNAUTH, "code", "auth.code", BAD_CODE_MSG);
	if ((rc = auth_lock_check(ctx, locked)))
		return rc;
	if (disabled)
		return err_set(&ctx->err, E_FORBIDDEN, "code", "auth.disabled", "账号已停用");
	secret_hash(selector, norm + SELECTOR_CHARS, hash);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if (sodium_memcmp(hash, stored, 64) != 0) {
		/* a guess at this account: counted like a wrong password */
		if ((rc = auth_record_failure(ctx, user_id, failures + 1)) || (rc = db_commit(ctx->db, &ctx->err))) {
			db_rollback(ctx->db);
			return rc;
		}
		return err_set(&ctx->err, E_UNAUTH, "code", "auth.code", BAD_CODE_MSG);
	}
	if (used[0]) {
		db_rollback(ctx->db);
		return err_set(&ctx->err, E_UNAUTH, "code", "auth.code_used", "该登录码已经用过，请向支部书记重新领取");
	}
	if (strcmp(expires, ctx->now_iso) <= 0) {
		db_rollback(ctx->db);
		return err_set(&ctx->err, E_UNAUTH, "code", "auth.code_expired", "该登录码已过期，请向支部书记重新领取");
	}
	/* used_at IS NULL in the UPDATE: of two sign-ins with one code, only one gets a session */
	st = db_prepare(ctx->db, "UPDATE signin_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, code_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_UNAUTH, "code", "auth.code_used", "该登录码已经用过，请向支部书记重新领取");
		goto rollback;
	}
	if ((rc = user_get_by_name(ctx, username, u)) || (rc = auth_session_start(ctx, u, bearer, 1, token, csrf)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	return 0;
rollback:
	db_rollback(ctx->db);
	free(*token);
	free(*csrf);
	*token = *csrf = NULL;
	return rc;
}

/* ---- setting one's own password ------------------------------------------------------ */

int auth_password_set_own(struct ctx *ctx, const char *token_hash, json_t *body)
{
	struct stmt *st;
	const char *password = NULL, *current = NULL;
	char stored[crypto_pwhash_STRBYTES] = "", hash[crypto_pwhash_STRBYTES];
	int via_code = 0, step, rc;

	if (!ctx->actor.user_id)
		return err_set(&ctx->err, E_UNAUTH, NULL, "auth.session", "请先登录");
	if ((rc = field_text(ctx, body, "password", "新密码", 1, 128, 0, &password, NULL)) ||
	    (rc = field_text(ctx, body, "current_password", "原密码", 0, 128, 0, &current, NULL)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT u.pw_hash, s.via_code FROM users u JOIN sessions s ON s.user_id = u.id WHERE u.id = ? AND "
			"s.token_hash = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, ctx->actor.user_id);
	stmt_bind_text(st, 2, token_hash ? token_hash : "");
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		stmt_text_copy(st, 0, stored, sizeof(stored));
		via_code = (int)stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return step == STEP_DONE ? err_set(&ctx->err, E_UNAUTH, NULL, "auth.session", "登录已过期，请重新登录")
					 : ctx_db_fail(ctx);
	if (!via_code && (!current || crypto_pwhash_str_verify(stored, current, strlen(current)) != 0))
		return err_set(&ctx->err, E_INVALID, "current_password", current ? "auth.current_password" : "field.required",
			       current ? "原密码不正确" : "请输入原密码");
	if ((rc = password_check_strength(ctx, password)))
		return rc;
	if (password_hash(ctx, password, hash))
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "password hashing failed");
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db, "UPDATE users SET pw_hash = ?, version = version + 1 WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, hash);
	stmt_bind_int(st, 2, ctx->actor.user_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	/* the code's session has set its password: further changes need it */
	st = db_prepare(ctx->db, "UPDATE sessions SET via_code = 0 WHERE token_hash = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, token_hash);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = audit_append(ctx, "password", "user", ctx->actor.user_id, NULL, NULL)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	return 0;
rollback:
	db_rollback(ctx->db);
	return rc;
}
