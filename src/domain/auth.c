#include "domain/auth.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "util/config.h"
#include "util/pii.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define USER_COLS                                                                                              \
	"u.id, u.username, u.display_name, u.role, u.org_id, COALESCE(o.path, '/'), COALESCE(o.name, ''), "   \
	"u.member_id, u.disabled, u.version"
#define USER_FROM " FROM users u LEFT JOIN orgs o ON o.id = u.org_id "

static void read_user(struct stmt *st, int c, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = stmt_int(st, c);
	stmt_text_copy(st, c + 1, u->username, sizeof(u->username));
	stmt_text_copy(st, c + 2, u->display_name, sizeof(u->display_name));
	u->role = role_parse(stmt_text(st, c + 3));
	u->org_id = stmt_int(st, c + 4);
	stmt_text_copy(st, c + 5, u->org_path, sizeof(u->org_path));
	stmt_text_copy(st, c + 6, u->org_name, sizeof(u->org_name));
	u->member_id = stmt_int(st, c + 7);
	u->disabled = (int)stmt_int(st, c + 8);
	u->version = stmt_int(st, c + 9);
}

static void actor_from_user(struct ctx *ctx, const struct user *u)
{
	memset(&ctx->actor, 0, sizeof(ctx->actor));
	ctx->actor.user_id = u->id;
	strlcpy_z(ctx->actor.username, u->username, sizeof(ctx->actor.username));
	ctx->actor.role = u->role;
	ctx->actor.org_id = u->org_id;
	strlcpy_z(ctx->actor.org_path, u->role == ROLE_SYSADMIN ? "/" : u->org_path, sizeof(ctx->actor.org_path));
	ctx->actor.member_id = u->member_id;
}

int password_hash(const struct ctx *ctx, const char *password, char *out)
{
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	const char *cost = ctx->cfg ? config_str(ctx->cfg, CFG_PWHASH) : "interactive";
	if (!strcmp(cost, "moderate")) {
		ops = crypto_pwhash_OPSLIMIT_MODERATE;
		mem = crypto_pwhash_MEMLIMIT_MODERATE;
	} else if (!strcmp(cost, "min")) {
		ops = crypto_pwhash_OPSLIMIT_MIN;
		mem = crypto_pwhash_MEMLIMIT_MIN;
	}
	if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return E_INTERNAL;
	return 0;
}

int password_check_strength(struct ctx *ctx, const char *password)
{
	size_t n = strlen(password);
	int classes = 0, lower = 0, upper = 0, digit = 0, other = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)password[i];
		if (c >= 'a' && c <= 'z') lower = 1;
		else if (c >= 'A' && c <= 'Z') upper = 1;
		else if (c >= '0' && c <= '9') digit = 1;
		else other = 1;
	}
	classes = lower + upper + digit + other;
	if (n < 8 || n > 128 || classes < 2)
		return err_set(&ctx->err, E_INVALID, "password", "auth.password_strength",
			       "密码至少 8 位，且包含字母、数字、符号中的两类");
	return 0;
}

static int record_failure(struct ctx *ctx, int64_t user_id, int failures)
{
	struct stmt *st;
	char until[21] = "";
	int max = ctx->cfg ? (int)config_int(ctx->cfg, CFG_LOGIN_MAX_FAILURES) : 5;
	int lock_min = ctx->cfg ? (int)config_int(ctx->cfg, CFG_LOGIN_LOCK_MIN) : 15;
	if (failures >= max)
		time_iso_utc(ctx->now + (time_t)lock_min * 60, until);
	st = db_prepare(ctx->db, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, failures >= max ? 0 : failures);
	stmt_bind_text(st, 2, until[0] ? until : NULL);
	stmt_bind_int(st, 3, user_id);
	return stmt_run(st, &ctx->err);
}

/* whole minutes (rounded up) from now to an ISO-8601 UTC instant written by time_iso_utc */
static long long minutes_until(const char *iso, time_t now)
{
	struct date d;
	char day[11];
	int hh = 0, mm = 0, ss = 0;
	long long secs;
	strlcpy_z(day, iso, sizeof(day));
	if (strlen(iso) < 20 || date_parse(day, &d) || sscanf(iso + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3)
		return 1;
	secs = (long long)date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - (long long)now;
	return secs <= 0 ? 1 : (secs + 59) / 60;
}

int auth_login(struct ctx *ctx, const char *username, const char *password, int bearer, char **token,
	       char **csrf, struct user *u)
{
	struct stmt *st;
	char pw_hash[crypto_pwhash_STRBYTES] = "", locked_until[21] = "";
	int failures = 0, found = 0, rc = 0;

	st = db_prepare(ctx->db, "SELECT " USER_COLS ", u.pw_hash, u.failed_logins, u.locked_until" USER_FROM
				 "WHERE u.username = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, username);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		found = 1;
		read_user(st, 0, u);
		stmt_text_copy(st, 10, pw_hash, sizeof(pw_hash));
		failures = (int)stmt_int(st, 11);
		stmt_text_copy(st, 12, locked_until, sizeof(locked_until));
	}
	stmt_reset(st);
	if (!found) {
		/* spend the same work as a real check so timing does not reveal which names exist */
		char dummy[crypto_pwhash_STRBYTES];
		password_hash(ctx, password, dummy);
		return err_set(&ctx->err, E_UNAUTH, "password", "auth.credentials", "用户名或密码错误");
	}
	if (locked_until[0] && strcmp(locked_until, ctx->now_iso) > 0)
		return err_set(&ctx->err, E_LOCKED, "username", "auth.locked", "账号因多次登录失败已锁定，请 %lld 分钟后再试",
			       minutes_until(locked_until, ctx->now));
	if (u->disabled)
		return err_set(&ctx->err, E_FORBIDDEN, "username", "auth.disabled", "账号已停用");
	rc = db_begin(ctx->db, &ctx->err);
	if (rc)
		return rc;
	if (crypto_pwhash_str_verify(pw_hash, password, strlen(password)) != 0) {
		rc = record_failure(ctx, u->id, failures + 1);
		if (!rc)
			rc = db_commit(ctx->db, &ctx->err);
		if (rc)
			return rc;
		return err_set(&ctx->err, E_UNAUTH, "password", "auth.credentials", "用户名或密码错误");
	}
	if (!(rc = auth_session_start(ctx, u, bearer, 0, token, csrf)))
		rc = db_commit(ctx->db, &ctx->err);
	if (rc) {
		db_rollback(ctx->db);
		free(*token);
		free(*csrf);
		*token = *csrf = NULL;
	}
	return rc;
}

int auth_session_start(struct ctx *ctx, const struct user *u, int bearer, int via_code, char **token, char **csrf)
{
	struct stmt *st;
	char token_hash[65], expires[21];
	char *tok = NULL, *cs = NULL;
	long long ttl = ctx->cfg ? config_int(ctx->cfg, CFG_SESSION_TTL_MIN) : 480;
	int rc;

	*token = *csrf = NULL;
	st = db_prepare(ctx->db, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ? AND "
				 "(failed_logins <> 0 OR locked_until IS NOT NULL)", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, u->id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	tok = random_token(32);
	cs = random_token(24);
	sha256_hex(tok, strlen(tok), token_hash);
	time_iso_utc(ctx->now + (time_t)ttl * 60, expires);
	st = db_prepare(ctx->db, "INSERT INTO sessions (token_hash, user_id, csrf, kind, created_at, expires_at, via_code) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?)", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, token_hash);
	stmt_bind_int(st, 2, u->id);
	stmt_bind_text(st, 3, cs);
	stmt_bind_text(st, 4, bearer ? "bearer" : "cookie");
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_text(st, 6, expires);
	stmt_bind_int(st, 7, via_code);
	if ((rc = stmt_run(st, &ctx->err)))
		goto out;
	actor_from_user(ctx, u);
	if ((rc = audit_append(ctx, via_code ? "login_code" : "login", "user", u->id, NULL, NULL)))
		goto out;
	*token = tok;
	*csrf = cs;
	tok = cs = NULL;
out:
	free(tok);
	free(cs);
	return rc;
}

int auth_lock_check(struct ctx *ctx, const char *locked_until)
{
	if (locked_until[0] && strcmp(locked_until, ctx->now_iso) > 0)
		return err_set(&ctx->err, E_LOCKED, "username", "auth.locked", "账号因多次登录失败已锁定，请 %lld 分钟后再试",
			       minutes_until(locked_until, ctx->now));
	return 0;
}

int auth_record_failure(struct ctx *ctx, int64_t user_id, int failures)
{
	return record_failure(ctx, user_id, failures);
}

int auth_resume(struct ctx *ctx, const char *token, char *csrf_out, char *hash_out, int *is_cookie)
{
	struct stmt *st;
	struct user u;
	char expires[21] = "", kind[16] = "", created[21] = "", oldest[21];
	int found = 0;
	long long ttl = ctx->cfg ? config_int(ctx->cfg, CFG_SESSION_TTL_MIN) : 480;
	long long max_hours = ctx->cfg ? config_int(ctx->cfg, CFG_SESSION_MAX_HOURS) : 24;

	sha256_hex(token, strlen(token), hash_out);
	st = db_prepare(ctx->db, "SELECT " USER_COLS ", s.csrf, s.expires_at, s.kind, s.created_at FROM sessions s "
				 "JOIN users u ON u.id = s.user_id LEFT JOIN orgs o ON o.id = u.org_id "
				 "WHERE s.token_hash = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, hash_out);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		found = 1;
		read_user(st, 0, &u);
		stmt_text_copy(st, 10, csrf_out, 64);
		stmt_text_copy(st, 11, expires, sizeof(expires));
		stmt_text_copy(st, 12, kind, sizeof(kind));
		stmt_text_copy(st, 13, created, sizeof(created));
	}
	stmt_reset(st);
	/* idle expiry slides (below); the absolute lifetime does not, however busy the session */
	time_iso_utc(ctx->now - (time_t)max_hours * 3600, oldest);
	if (!found || strcmp(expires, ctx->now_iso) <= 0 || strcmp(created, oldest) <= 0 || u.disabled)
		return err_set(&ctx->err, E_UNAUTH, NULL, "auth.session", "登录已过期，请重新登录");
	*is_cookie = !strcmp(kind, "cookie");
	actor_from_user(ctx, &u);
	/* Sliding expiry, written at most every five minutes so reads stay reads. */
	{
		char renewed[21], threshold[21];
		time_iso_utc(ctx->now + (time_t)ttl * 60, renewed);
		time_iso_utc(ctx->now + (time_t)ttl * 60 - 300, threshold);
		if (strcmp(expires, threshold) < 0) {
			st = db_prepare(ctx->db, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", &ctx->err);
			if (st) {
				stmt_bind_text(st, 1, renewed);
				stmt_bind_text(st, 2, hash_out);
				stmt_run(st, NULL);
			}
		}
	}
	return 0;
}

int auth_logout(struct ctx *ctx, const char *token_hash)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM sessions WHERE token_hash = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, token_hash);
	return stmt_run(st, &ctx->err);
}

json_t *user_to_json(const struct user *u)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(u->id));
	json_object_set_new(j, "username", json_string(u->username));
	json_object_set_new(j, "display_name", json_string(u->display_name));
	json_object_set_new(j, "role", json_string(role_name(u->role)));
	json_object_set_new(j, "org_id", u->org_id ? json_integer(u->org_id) : json_null());
	json_object_set_new(j, "org_name", json_string(u->org_name));
	json_object_set_new(j, "member_id", u->member_id ? json_integer(u->member_id) : json_null());
	json_object_set_new(j, "disabled", json_boolean(u->disabled));
	json_object_set_new(j, "version", json_integer(u->version));
	return j;
}

int user_get(struct ctx *ctx, int64_t id, struct user *u)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " USER_COLS USER_FROM "WHERE u.id = ?", &ctx->err);
	int found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		read_user(st, 0, u);
		found = 1;
	}
	stmt_reset(st);
	if (!found || (!ctx_path_in_scope(ctx, u->org_path) && ctx->actor.role != ROLE_SYSADMIN))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "账号不存在");
	return 0;
}

int user_get_by_name(struct ctx *ctx, const char *username, struct user *u)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " USER_COLS USER_FROM "WHERE u.username = ?", &ctx->err);
	int found = 0;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, username);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		read_user(st, 0, u);
		found = 1;
	}
	stmt_reset(st);
	return found ? 0 : err_set(&ctx->err, E_NOTFOUND, "username", NULL, "账号 %s 不存在", username);
}

static int username_valid(const char *s)
{
	size_t n = strlen(s), i;
	if (n < 2 || n > 32)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* Which org a new account may be bound to, and with which role. */
static int check_binding(struct ctx *ctx, struct user *u)
{
	struct stmt *st;
	char path[PATH_MAX_LEN] = "", kind[32] = "", name[128] = "";
	int found = 0;
	if (u->role == ROLE_NONE)
		return err_set(&ctx->err, E_INVALID, "role", "user.role", "角色必须是 sysadmin、org_admin、secretary 或 member");
	if (u->role == ROLE_SYSADMIN) {
		if (ctx->actor.role != ROLE_SYSADMIN)
			return err_set(&ctx->err, E_FORBIDDEN, "role", "user.role", "只有系统管理员可以创建系统管理员");
		u->org_id = 0;
		strlcpy_z(u->org_path, "/", sizeof(u->org_path));
		return 0;
	}
	if (!u->org_id)
		return err_set(&ctx->err, E_INVALID, "org_id", "user.org", "请选择账号所属组织");
	st = db_prepare(ctx->db, "SELECT path, kind, name FROM orgs WHERE id = ? AND dissolved_on IS NULL", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, u->org_id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		found = 1;
		stmt_text_copy(st, 0, path, sizeof(path));
		stmt_text_copy(st, 1, kind, sizeof(kind));
		stmt_text_copy(st, 2, name, sizeof(name));
	}
	stmt_reset(st);
	if (!found || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_INVALID, "org_id", "user.org", "组织不存在或不在您的管理范围内");
	if (u->role == ROLE_SECRETARY && strcmp(kind, "branch") && strcmp(kind, "joint_branch") && strcmp(kind, "general_branch"))
		return err_set(&ctx->err, E_INVALID, "org_id", "user.secretary_org", "支部书记账号必须绑定到党支部或党总支");
	if (u->role == ROLE_MEMBER && !u->member_id)
		return err_set(&ctx->err, E_INVALID, "member_id", "user.member", "党员账号必须关联党员记录");
	/* an admin cannot create an account with more reach than their own */
	if (u->role > ctx->actor.role)
		return err_set(&ctx->err, E_FORBIDDEN, "role", "user.role", "不能创建权限高于自己的账号");
	strlcpy_z(u->org_path, path, sizeof(u->org_path));
	strlcpy_z(u->org_name, name, sizeof(u->org_name));
	return 0;
}

int user_create(struct ctx *ctx, struct user *u, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct stmt *st;
	int rc;
	if (!username_valid(u->username))
		return err_set(&ctx->err, E_INVALID, "username", "user.username", "用户名为 2–32 位字母、数字、_ . -");
	if (!u->display_name[0])
		strlcpy_z(u->display_name, u->username, sizeof(u->display_name));
	if (!text_is_clean(u->display_name))
		return err_set(&ctx->err, E_INVALID, "display_name", "text.clean", "显示名称含有非法字符");
	rc = password_check_strength(ctx, password);
	if (!rc)
		rc = check_binding(ctx, u);
	if (rc)
		return rc;
	if (password_hash(ctx, password, hash))
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "password hashing failed");
	rc = db_begin(ctx->db, &ctx->err);
	if (rc)
		return rc;
	st = db_prepare(ctx->db, "INSERT INTO users (username, display_name, pw_hash, role, org_id, member_id, created_at) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, u->username);
	stmt_bind_text(st, 2, u->display_name);
	stmt_bind_text(st, 3, hash);
	stmt_bind_text(st, 4, role_name(u->role));
	if (u->org_id)
		stmt_bind_int(st, 5, u->org_id);
	else
		stmt_bind_null(st, 5);
	if (u->member_id)
		stmt_bind_int(st, 6, u->member_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_text(st, 7, ctx->now_iso);
	rc = stmt_step(st, &ctx->err);
	if (rc == STEP_ROW)
		u->id = stmt_int(st, 0);
	stmt_reset(st);
	if (rc == STEP_CONSTRAINT) {
		rc = err_set(&ctx->err, E_CONFLICT, "username", "user.duplicate", "用户名 %s 已存在", u->username);
		goto out;
	}
	if (rc != STEP_ROW) {
		rc = E_DB;
		goto out;
	}
	u->version = 1;
	{
		json_t *after = user_to_json(u);
		rc = audit_append(ctx, "create", "user", u->id, NULL, after);
		json_decref(after);
	}
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	return rc;
}

int user_update(struct ctx *ctx, struct user *u, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct user before;
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	int rc;
	rc = user_get(ctx, u->id, &before);
	if (rc)
		return rc;
	if (before.role > ctx->actor.role)
		return err_set(&ctx->err, E_FORBIDDEN, "id", "user.role", "不能修改权限高于自己的账号");
	if (password) {
		rc = password_check_strength(ctx, password);
		if (rc)
			return rc;
		if (password_hash(ctx, password, hash))
			return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "password hashing failed");
	}
	if (!text_is_clean(u->display_name) || !u->display_name[0])
		return err_set(&ctx->err, E_INVALID, "display_name", "text.clean", "显示名称不能为空或含有非法字符");
	rc = db_begin(ctx->db, &ctx->err);
	if (rc)
		return rc;
	st = db_prepare(ctx->db, "UPDATE users SET display_name = ?, disabled = ?, pw_hash = COALESCE(CAST(? AS TEXT), pw_hash), "
				 "failed_logins = CASE WHEN CAST(? AS TEXT) IS NULL THEN failed_logins ELSE 0 END, "
				 "locked_until = CASE WHEN CAST(? AS TEXT) IS NULL THEN locked_until ELSE NULL END, "
				 "version = version + 1 WHERE id = ? AND version = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, u->display_name);
	stmt_bind_int(st, 2, u->disabled);
	stmt_bind_text(st, 3, password ? hash : NULL);
	stmt_bind_text(st, 4, password ? "x" : NULL);
	stmt_bind_text(st, 5, password ? "x" : NULL);
	stmt_bind_int(st, 6, u->id);
	stmt_bind_int(st, 7, u->version);
	rc = stmt_run(st, &ctx->err);
	if (rc)
		goto out;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "账号已被他人修改，请刷新后重试");
		goto out;
	}
	if (u->disabled) {
		st = db_prepare(ctx->db, "DELETE FROM sessions WHERE user_id = ?", &ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_int(st, 1, u->id);
		rc = stmt_run(st, &ctx->err);
		if (rc)
			goto out;
	}
	u->version++;
	jb = user_to_json(&before);
	ja = user_to_json(u);
	if (password)
		json_object_set_new(ja, "password", json_string("(changed)"));
	rc = audit_append(ctx, "update", "user", u->id, jb, ja);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int user_list(struct ctx *ctx, int64_t org_id, int page, int per_page, json_t **items, int64_t *total)
{
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	struct stmt *st;
	json_t *arr;
	(void)org_id;
	strlcpy_z(lo, ctx->actor.org_path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	st = db_prepare(ctx->db, "SELECT count(*)" USER_FROM "WHERE COALESCE(o.path, '/') >= ? AND COALESCE(o.path, '/') < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	*total = stmt_step(st, &ctx->err) == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	st = db_prepare(ctx->db, "SELECT " USER_COLS USER_FROM "WHERE COALESCE(o.path, '/') >= ? AND COALESCE(o.path, '/') < ? "
				 "ORDER BY u.username LIMIT ? OFFSET ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_int(st, 3, per_page);
	stmt_bind_int(st, 4, (int64_t)(page - 1) * per_page);
	arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW) {
		struct user u;
		read_user(st, 0, &u);
		json_array_append_new(arr, user_to_json(&u));
	}
	stmt_reset(st);
	*items = arr;
	return 0;
}
