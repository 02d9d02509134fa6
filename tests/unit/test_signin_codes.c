/*
 * One-time sign-in codes in the domain layer with injected clocks: who may issue one
 * (a secretary for their branch only, an admin in scope, never for an officer's
 * account), single use, expiry (auth.code_hours) and a newer code retiring an older
 * one, the login lockout counting wrong secrets, and setting a password from the
 * code's session. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/org.h"
#include "domain/signin_code.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	int64_t top, town, a, b;
	int64_t ma, ma2, ma3, mb, mofficer;
};

static struct fixture fx;

static int populate(int pg)
{
	struct err e;
	(void)pg;
	config_defaults(&fx.cfg);
	if (config_set(&fx.cfg, "auth.pwhash=min", &e) || config_set(&fx.cfg, "auth.code_hours=24", &e))
		return -1;
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("登录码", &fx.top, &fx.town, &fx.a, &fx.b);
	fx.ma = life_make_member(fx.a);
	fx.ma2 = life_make_member(fx.a);
	fx.ma3 = life_make_member(fx.a);
	fx.mb = life_make_member(fx.b);
	fx.mofficer = life_make_member(fx.a);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "signin", populate, 2 };

/* a code for member, issued by the branch a secretary (the town's admin for 西村); into code[] */
static void issue(int64_t member, char code[24], int *created)
{
	json_t *j = NULL;
	if (member == fx.mb)
		life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	else
		life_act_as(ROLE_SECRETARY, fx.a, 0);
	if (signin_code_issue(&fx.ctx, member, &j))
		life_fail_ctx("issue", &fx.ctx);
	strlcpy_z(code, json_string_value(json_object_get(j, "code")), 24);
	if (created)
		*created = json_is_true(json_object_get(j, "account_created"));
	json_decref(j);
}

static int login(const char *code, struct user *u, char hash[65])
{
	char *token = NULL, *csrf = NULL;
	int rc;
	ctx_as_system(&fx.ctx);
	memset(&fx.ctx.actor, 0, sizeof(fx.ctx.actor));
	err_clear(&fx.ctx.err);
	rc = auth_login_code(&fx.ctx, code, 1, &token, &csrf, u);
	if (!rc && hash)
		sha256_hex(token, strlen(token), hash);
	free(token);
	free(csrf);
	return rc;
}

static void test_issue_scope(void **state)
{
	char code[24];
	json_t *j = NULL;
	struct user u, off;
	int created = 0;
	(void)state;
	issue(fx.ma, code, &created);
	assert_int_equal(strlen(code), SIGNIN_CODE_CHARS + 2);
	assert_int_equal(code[5], '-');
	assert_true(created);
	issue(fx.ma, code, &created);
	assert_false(created); /* the same account again */
	/* the sibling branch's member: not the secretary's */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(signin_code_issue(&fx.ctx, fx.mb, &j), E_NOTFOUND);
	/* the town's admin may */
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	assert_int_equal(signin_code_issue(&fx.ctx, fx.mb, &j), 0);
	json_decref(j);
	/* a member issues nothing */
	life_act_as(ROLE_MEMBER, fx.a, 0);
	assert_int_equal(signin_code_issue(&fx.ctx, fx.ma2, &j), E_NOTFOUND);
	/* an officer's account is never handed a code */
	ctx_as_system(&fx.ctx);
	memset(&off, 0, sizeof(off));
	strlcpy_z(off.username, "sigofficer", sizeof(off.username));
	off.role = ROLE_SECRETARY;
	off.org_id = fx.a;
	off.member_id = fx.mofficer;
	if (user_create(&fx.ctx, &off, "Officer#2026"))
		life_fail_ctx("officer", &fx.ctx);
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(signin_code_issue(&fx.ctx, fx.mofficer, &j), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "signin.role");
	(void)u;
}

static void test_single_use_and_expiry(void **state)
{
	char code[24], older[24], lower[24];
	struct user u;
	size_t i;
	(void)state;
	issue(fx.ma2, code, NULL);
	/* typed in lower case without dashes: the same code */
	for (i = 0, lower[0] = '\0'; code[i]; i++)
		if (code[i] != '-') {
			size_t n = strlen(lower);
			lower[n] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
			lower[n + 1] = '\0';
		}
	assert_int_equal(login(lower, &u, NULL), 0);
	assert_int_equal(u.member_id, fx.ma2);
	assert_int_equal(u.role, ROLE_MEMBER);
	assert_int_equal(fx.ctx.actor.member_id, fx.ma2);
	/* once only */
	assert_int_equal(login(code, &u, NULL), E_UNAUTH);
	assert_string_equal(fx.ctx.err.rule, "auth.code_used");
	/* a newer code retires the older */
	issue(fx.ma2, older, NULL);
	issue(fx.ma2, code, NULL);
	assert_int_equal(login(older, &u, NULL), E_UNAUTH);
	assert_string_equal(fx.ctx.err.rule, "auth.code_expired");
	/* valid for auth.code_hours: 24 h after issue it is gone */
	life_set_today(2026, 3, 11); /* noon to noon: exactly 24 h, no longer valid */
	assert_int_equal(login(code, &u, NULL), E_UNAUTH);
	assert_string_equal(fx.ctx.err.rule, "auth.code_expired");
	life_set_today(2026, 3, 10);
	issue(fx.ma2, code, NULL);
	assert_int_equal(login(code, &u, NULL), 0);
	/* nonsense */
	assert_int_equal(login("not a code", &u, NULL), E_UNAUTH);
	assert_string_equal(fx.ctx.err.rule, "auth.code");
	assert_int_equal(login("22222-22222-22222", &u, NULL), E_UNAUTH);
	assert_string_equal(fx.ctx.err.rule, "auth.code");
}

static void test_lockout(void **state)
{
	char code[24], wrong[24];
	struct user u;
	int k;
	(void)state;
	issue(fx.ma3, code, NULL);
	strlcpy_z(wrong, code, sizeof(wrong));
	wrong[16] = wrong[16] == '2' ? '3' : '2'; /* the secret's last character */
	for (k = 0; k < 5; k++) {
		assert_int_equal(login(wrong, &u, NULL), E_UNAUTH);
		assert_string_equal(fx.ctx.err.rule, "auth.code");
	}
	/* auth.max_failures (5) reached: the right code waits for the lock too */
	assert_int_equal(login(code, &u, NULL), E_LOCKED);
	assert_string_equal(fx.ctx.err.rule, "auth.locked");
	/* auth.lock_minutes later it works, and it was not used up by the refusals */
	fx.ctx.now += 16 * 60;
	ctx_set_clock(&fx.ctx, fx.ctx.now);
	assert_int_equal(login(code, &u, NULL), 0);
	life_set_today(2026, 3, 10);
}

static void test_password_from_code_session(void **state)
{
	char code[24], hash[65], *token = NULL, *csrf = NULL;
	struct user u;
	json_t *body;
	(void)state;
	issue(fx.mb, code, NULL);
	assert_int_equal(login(code, &u, hash), 0);
	body = json_pack("{s:s}", "password", "Mine#20260");
	assert_int_equal(auth_password_set_own(&fx.ctx, hash, body), 0);
	/* once: the same session now needs the current password */
	assert_int_equal(auth_password_set_own(&fx.ctx, hash, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "current_password");
	json_decref(body);
	/* a weak one is refused */
	body = json_pack("{s:s, s:s}", "password", "short", "current_password", "Mine#20260");
	assert_int_equal(auth_password_set_own(&fx.ctx, hash, body), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "auth.password_strength");
	json_decref(body);
	/* the password signs in */
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(auth_login(&fx.ctx, u.username, "Mine#20260", 1, &token, &csrf, &u), 0);
	free(token);
	free(csrf);
}

#define SIGNIN_TESTS                                                \
	{                                                           \
		cmocka_unit_test(test_issue_scope),                 \
		cmocka_unit_test(test_single_use_and_expiry),       \
		cmocka_unit_test(test_lockout),                     \
		cmocka_unit_test(test_password_from_code_session),  \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SIGNIN_TESTS;
	const struct CMUnitTest pg_tests[] = SIGNIN_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1986;
	life_member_name = "登录码党员";
	failed = cmocka_run_group_tests_name("signin_codes/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("signin_codes/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("signin_codes/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
