/*
 * 扫码签到 in the domain layer with an injected clock (ctx_set_clock): the org switch (off
 * by default, nearest setting wins, 409 checkin.disabled), the window on both edges
 * (start − 30 min, end + 30 min, Asia/Shanghai), the rotating code (the current and the
 * previous slot accepted, two slots old 409 checkin.code_expired, a wrong code 422
 * checkin.code), a member not on the meeting's list 404, a repeat idempotent (one row,
 * "already"), a leave turned present, hours following attendance, and the secretary's
 * correction winning over a scan. Runs on SQLite and again on PostgreSQL when
 * DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/checkin.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct life_towns t;
	int64_t ma, ma2, ma3, ma4, mb, mc;
};

static struct fixture fx;

/* the clock at "YYYY-MM-DD HH:MM" Asia/Shanghai plus secs */
static void at(const char *clock, int secs)
{
	time_t t;
	assert_int_equal(date_parse_clock(clock, &t), 0);
	ctx_set_clock(&fx.ctx, t + secs);
}

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_towns("签到", &fx.t);
	fx.ma = life_make_member(fx.t.a);
	fx.ma2 = life_make_member(fx.t.a);
	fx.ma3 = life_make_member(fx.t.a);
	fx.ma4 = life_make_member(fx.t.a);
	fx.mb = life_make_member(fx.t.b);
	fx.mc = life_make_member(fx.t.c);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "checkin", populate, 2 };

static int set_org(int64_t org, int enabled)
{
	json_t *cur = NULL, *body;
	int rc;
	life_act_as(ROLE_ORG_ADMIN, fx.t.top, 0);
	assert_int_equal(checkin_setting_get(&fx.ctx, org, &cur), 0);
	body = json_pack("{s:b, s:I}", "enabled", enabled, "version", json_integer_value(json_object_get(cur, "version")));
	json_decref(cur);
	rc = checkin_setting_put(&fx.ctx, org, body);
	json_decref(body);
	return rc;
}

/* a meeting of org today from start to end, recorded by its secretary; *id 0 on refusal */
static int record(int64_t org, const char *kind, const char *start, const char *end, int checkin, json_t *attendance,
		  int64_t *id)
{
	char today[11];
	json_t *body;
	int rc;
	date_format(fx.ctx.today, today);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "org_id", (json_int_t)org, "kind", kind, "held_on", today,
			 "start_time", start, "end_time", end, "checkin", checkin, "topic", "学习党章");
	if (attendance)
		json_object_set_new(body, "attendance", attendance);
	life_act_as(ROLE_SECRETARY, org, 0);
	*id = 0;
	rc = meeting_create(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

static json_t *meeting(int64_t id)
{
	json_t *j = NULL;
	life_act_as(ROLE_SYSADMIN, fx.t.top, 0);
	if (meeting_get(&fx.ctx, id, &j))
		life_fail_ctx("meeting get", &fx.ctx);
	return j;
}

static const char *status_of(int64_t id, int64_t member)
{
	static char out[16];
	json_t *j = meeting(id), *e;
	size_t i;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "attendance"), i, e)
		if (json_integer_value(json_object_get(e, "member_id")) == member)
			strlcpy_z(out, json_string_value(json_object_get(e, "status")), sizeof(out));
	json_decref(j);
	return out;
}

/* the code of the meeting's slot now + off (in slots) */
static void token(int64_t id, int off, char out[CHECKIN_TOKEN_SIZE])
{
	struct stmt *st = db_prepare(fx.ctx.db, "SELECT secret FROM meeting_checkin_keys WHERE meeting_id = ?", &fx.ctx.err);
	char secret[CHECKIN_SECRET_HEX + 1] = "";
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	stmt_text_copy(st, 0, secret, sizeof(secret));
	stmt_reset(st);
	assert_int_equal(checkin_token(secret, id, (int64_t)fx.ctx.now / 60 + off, out), 0);
}

static int scan(int64_t member, int64_t branch, int64_t id, const char *tok, int *already)
{
	json_t *body = json_pack("{s:I, s:s}", "meeting_id", (json_int_t)id, "token", tok), *out = NULL;
	int rc;
	life_act_as(ROLE_MEMBER, branch, member);
	rc = checkin_scan(&fx.ctx, body, &out);
	if (!rc) {
		/* a repeat answers the list's status as it stands (the secretary may have corrected it) */
		if (!json_is_true(json_object_get(out, "already")))
			assert_string_equal(json_string_value(json_object_get(out, "status")), "present");
		if (already)
			*already = json_is_true(json_object_get(out, "already"));
	}
	json_decref(out);
	json_decref(body);
	return rc;
}

static int64_t count_rows(const char *sql, int64_t id)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n = -1;
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static void test_pure_rules(void **state)
{
	struct checkin_rules r = { 30, 30, 60 };
	char t1[CHECKIN_TOKEN_SIZE], t2[CHECKIN_TOKEN_SIZE], t3[CHECKIN_TOKEN_SIZE];
	const char *secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	time_t from, to, t;
	(void)state;
	assert_int_equal(checkin_window(&r, "2026-03-10", "19:00", "20:00", &from, &to), 0);
	assert_int_equal(date_parse_clock("2026-03-10 18:30", &t), 0);
	assert_true(t == 1773138600); /* 2026-03-10 18:30 Shanghai is 10:30 UTC */
	assert_true(from == t);
	assert_int_equal(date_parse_clock("2026-03-10 20:30", &t), 0);
	assert_true(to == t);
	assert_int_equal(checkin_window(&r, "2026-02-30", "19:00", "20:00", &from, &to), -1);
	assert_int_equal(date_parse_clock("2026-03-10 24:00", &t), -1);
	assert_int_equal(date_parse_clock("2026-03-10", &t), -1);
	/* the code is the meeting's and the slot's: another slot or another meeting differs */
	assert_int_equal(checkin_token(secret, 7, 100, t1), 0);
	assert_int_equal(checkin_token(secret, 7, 101, t2), 0);
	assert_int_equal(checkin_token(secret, 8, 100, t3), 0);
	assert_int_equal((int)strlen(t1), CHECKIN_TOKEN_CHARS);
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(t1, t3);
	assert_int_equal(checkin_token(secret, 7, 100, t2), 0);
	assert_string_equal(t1, t2);
	assert_int_equal(checkin_token("short", 7, 100, t1), -1);
}

static void test_org_switch(void **state)
{
	json_t *j = NULL, *att;
	int64_t id;
	(void)state;
	at("2026-03-10 18:50", 0);
	/* off by default: a meeting cannot be recorded for check-in, an ordinary one can */
	life_expect_refusal(record(fx.t.a, "theme_day", "19:00", "20:00", 1, NULL, &id),
			    &fx.ctx, E_CONFLICT, "checkin.disabled");
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 0, NULL, &id), 0);
	j = meeting(id);
	assert_false(json_is_true(json_object_get(j, "checkin")));
	json_decref(j);
	/* on at the town: its branches; off again at branch b: the nearest setting wins */
	assert_int_equal(set_org(fx.t.town, 1), 0);
	assert_int_equal(set_org(fx.t.b, 0), 0);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(checkin_setting_get(&fx.ctx, fx.t.a, &j), 0);
	assert_true(json_is_true(json_object_get(j, "enabled")));
	assert_int_equal(json_integer_value(json_object_get(j, "defined_at")), fx.t.town);
	json_decref(j);
	life_expect_refusal(record(fx.t.b, "theme_day", "19:00", "20:00", 1, NULL, &id),
			    &fx.ctx, E_CONFLICT, "checkin.disabled");
	life_expect_refusal(record(fx.t.c, "theme_day", "19:00", "20:00", 1, NULL, &id),
			    &fx.ctx, E_CONFLICT, "checkin.disabled");
	/* a stale version of the setting: 409 */
	{
		json_t *body = json_pack("{s:b, s:i}", "enabled", 1, "version", 0);
		life_act_as(ROLE_ORG_ADMIN, fx.t.top, 0);
		life_expect_refusal(checkin_setting_put(&fx.ctx, fx.t.town, body), &fx.ctx, E_CONFLICT, "store.stale");
		json_decref(body);
	}
	/* a secretary cannot switch another branch */
	{
		json_t *body = json_pack("{s:b, s:i}", "enabled", 1, "version", 1);
		life_act_as(ROLE_SECRETARY, fx.t.a, 0);
		assert_int_equal(checkin_setting_put(&fx.ctx, fx.t.b, body), E_NOTFOUND);
		json_decref(body);
	}
	/* a talk or a vote is not a check-in meeting */
	life_expect_refusal(record(fx.t.a, "talk", "19:00", "20:00", 1,
				   json_pack("[{s:I, s:s}]", "member_id", (json_int_t)fx.ma, "status", "present"), &id),
			    &fx.ctx, E_CONFLICT, "checkin.kind");
	/* recorded: the roster starts absent, the record says check-in */
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 1, NULL, &id), 0);
	j = meeting(id);
	assert_true(json_is_true(json_object_get(j, "checkin")));
	att = json_object_get(j, "attendance");
	assert_int_equal(json_array_size(att), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "absent")), 4);
	json_decref(j);
	/* with a list: as given (an omitted member absent) */
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 1,
				json_pack("[{s:I, s:s, s:s}]", "member_id", (json_int_t)fx.ma2, "status", "leave", "reason",
					  "外出务工"),
				&id),
			 0);
	assert_string_equal(status_of(id, fx.ma2), "leave");
	assert_string_equal(status_of(id, fx.ma), "absent");
	/* a leave turned present by the scan: they came */
	{
		char tok[CHECKIN_TOKEN_SIZE];
		token(id, 0, tok);
		assert_int_equal(scan(fx.ma2, fx.t.a, id, tok, NULL), 0);
		assert_string_equal(status_of(id, fx.ma2), "present");
	}
	/* switched off afterwards: scanning stops too */
	assert_int_equal(set_org(fx.t.town, 0), 0);
	{
		char tok[CHECKIN_TOKEN_SIZE];
		token(id, 0, tok);
		life_expect_refusal(scan(fx.ma, fx.t.a, id, tok, NULL), &fx.ctx, E_CONFLICT, "checkin.disabled");
	}
	assert_int_equal(set_org(fx.t.town, 1), 0);
}

static void test_window_edges(void **state)
{
	char tok[CHECKIN_TOKEN_SIZE];
	int64_t id;
	json_t *st = NULL;
	(void)state;
	assert_int_equal(set_org(fx.t.a, 1), 0);
	at("2026-03-10 09:00", 0);
	assert_int_equal(record(fx.t.a, "lecture", "19:00", "20:00", 1, NULL, &id), E_INVALID); /* a lecture needs its lecturer */
	{
		char today[11];
		json_t *body;
		date_format(fx.ctx.today, today);
		body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "org_id", (json_int_t)fx.t.a, "kind", "theme_day",
				 "held_on", "2026-03-09", "start_time", "19:00", "end_time", "20:00", "checkin", 1, "topic", "x");
		life_act_as(ROLE_SECRETARY, fx.t.a, 0);
		life_expect_refusal(meeting_create(&fx.ctx, body, &id), &fx.ctx, E_INVALID, "checkin.day");
		json_decref(body);
	}
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 1, NULL, &id), 0);

	/* one second before start − 30 min: closed, and the secretary sees no code */
	at("2026-03-10 18:30", -1);
	token(id, 0, tok);
	life_expect_refusal(scan(fx.ma, fx.t.a, id, tok, NULL), &fx.ctx, E_CONFLICT, "checkin.window");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(checkin_status(&fx.ctx, id, "http://dj.example", &st), 0);
	assert_false(json_is_true(json_object_get(st, "open")));
	assert_true(json_is_null(json_object_get(st, "token")));
	json_decref(st);
	/* at start − 30 min: open */
	at("2026-03-10 18:30", 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma, fx.t.a, id, tok, NULL), 0);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(checkin_status(&fx.ctx, id, "http://dj.example", &st), 0);
	assert_true(json_is_true(json_object_get(st, "open")));
	assert_string_equal(json_string_value(json_object_get(st, "token")), tok);
	assert_non_null(strstr(json_string_value(json_object_get(st, "url")), "http://dj.example/#/checkin?m="));
	assert_int_equal(json_array_size(json_object_get(st, "checked_in")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "roster_count")), 4);
	assert_int_equal(json_integer_value(json_object_get(st, "present_count")), 1);
	json_decref(st);
	/* at end + 30 min: still open; a second later: closed */
	at("2026-03-10 20:30", 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma2, fx.t.a, id, tok, NULL), 0);
	at("2026-03-10 20:30", 1);
	token(id, 0, tok);
	life_expect_refusal(scan(fx.ma3, fx.t.a, id, tok, NULL), &fx.ctx, E_CONFLICT, "checkin.window");
	assert_string_equal(status_of(id, fx.ma), "present");
	assert_string_equal(status_of(id, fx.ma2), "present");
	assert_string_equal(status_of(id, fx.ma3), "absent");
	/* the secretary of another branch does not see it */
	life_act_as(ROLE_SECRETARY, fx.t.b, 0);
	assert_int_equal(checkin_status(&fx.ctx, id, "", &st), E_NOTFOUND);
}

static void test_token_rotation(void **state)
{
	char tok[CHECKIN_TOKEN_SIZE];
	int64_t id;
	(void)state;
	assert_int_equal(set_org(fx.t.a, 1), 0);
	at("2026-03-10 19:00", 0);
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "21:00", 1, NULL, &id), 0);
	at("2026-03-10 19:20", 30);
	/* two slots old (a forwarded screenshot): refused as expired */
	token(id, -2, tok);
	life_expect_refusal(scan(fx.ma, fx.t.a, id, tok, NULL), &fx.ctx, E_CONFLICT, "checkin.code_expired");
	/* wrong code: 422 naming the token */
	life_expect_refusal(scan(fx.ma, fx.t.a, id, "0123456789ab", NULL), &fx.ctx, E_INVALID, "checkin.code");
	assert_string_equal(fx.ctx.err.field, "token");
	life_expect_refusal(scan(fx.ma, fx.t.a, id, "", NULL), &fx.ctx, E_INVALID, "checkin.code");
	/* the code of the next slot is not accepted either */
	token(id, 1, tok);
	life_expect_refusal(scan(fx.ma, fx.t.a, id, tok, NULL), &fx.ctx, E_INVALID, "checkin.code");
	assert_string_equal(status_of(id, fx.ma), "absent");
	assert_int_equal(count_rows("SELECT count(*) FROM meeting_checkins WHERE meeting_id = ?", id), 0);
	/* the previous slot (shown a moment ago): accepted; the current one too */
	token(id, -1, tok);
	assert_int_equal(scan(fx.ma, fx.t.a, id, tok, NULL), 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma2, fx.t.a, id, tok, NULL), 0);
	/* upper case as typed: the same code */
	token(id, 0, tok);
	{
		size_t i;
		for (i = 0; tok[i]; i++)
			if (tok[i] >= 'a' && tok[i] <= 'f')
				tok[i] = (char)(tok[i] - 'a' + 'A');
	}
	assert_int_equal(scan(fx.ma3, fx.t.a, id, tok, NULL), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM meeting_checkins WHERE meeting_id = ?", id), 3);
}

static void test_not_on_roster(void **state)
{
	char tok[CHECKIN_TOKEN_SIZE];
	int64_t id, plain, late;
	(void)state;
	assert_int_equal(set_org(fx.t.a, 1), 0);
	at("2026-03-10 19:00", 0);
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 1, NULL, &id), 0);
	token(id, 0, tok);
	/* another branch's member, with the right code: 404, nothing written */
	life_expect_refusal(scan(fx.mb, fx.t.b, id, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	life_expect_refusal(scan(fx.mc, fx.t.c, id, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	/* an account without a member record */
	life_expect_refusal(scan(0, fx.t.a, id, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	/* a member who joined the branch after the meeting was recorded is not on its list */
	late = life_make_member(fx.t.a);
	life_expect_refusal(scan(late, fx.t.a, id, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	/* a meeting not recorded for check-in, and one that does not exist */
	assert_int_equal(record(fx.t.a, "study", "19:00", "20:00", 0, NULL, &plain), 0);
	life_expect_refusal(scan(fx.ma, fx.t.a, plain, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	life_expect_refusal(scan(fx.ma, fx.t.a, id + 100000, tok, NULL), &fx.ctx, E_NOTFOUND, NULL);
	assert_int_equal(count_rows("SELECT count(*) FROM meeting_checkins WHERE meeting_id = ?", id), 0);
}

static void test_repeat_and_hours(void **state)
{
	char tok[CHECKIN_TOKEN_SIZE];
	json_t *h = NULL;
	int64_t id;
	int already = -1;
	double before, after;
	(void)state;
	assert_int_equal(set_org(fx.t.a, 1), 0);
	at("2026-03-10 19:00", 0);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(compliance_member_hours(&fx.ctx, fx.ma4, 2026, &h), 0);
	before = json_number_value(json_object_get(h, "hours"));
	json_decref(h);
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "21:00", 1, NULL, &id), 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma4, fx.t.a, id, tok, &already), 0);
	assert_false(already);
	/* again, later, with a new code or an old one: the same one check-in */
	at("2026-03-10 19:05", 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma4, fx.t.a, id, tok, &already), 0);
	assert_true(already);
	assert_int_equal(scan(fx.ma4, fx.t.a, id, "garbage", &already), 0);
	assert_true(already);
	assert_int_equal(count_rows("SELECT count(*) FROM meeting_checkins WHERE meeting_id = ?", id), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM meeting_attendance WHERE meeting_id = ? AND status = 'present'", id),
			 1);
	/* the hours come from attendance: 2 学时 more, once */
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(compliance_member_hours(&fx.ctx, fx.ma4, 2026, &h), 0);
	after = json_number_value(json_object_get(h, "hours"));
	json_decref(h);
	assert_true(after - before > 1.99 && after - before < 2.01);
	/* audited */
	assert_true(count_rows("SELECT count(*) FROM audit_log WHERE entity = 'meeting' AND action = 'checkin' AND entity_id = ?", id) == 1);
}

static void test_correction_wins(void **state)
{
	char tok[CHECKIN_TOKEN_SIZE];
	json_t *j, *body;
	int64_t id;
	int already = 0;
	(void)state;
	assert_int_equal(set_org(fx.t.a, 1), 0);
	at("2026-03-10 19:00", 0);
	assert_int_equal(record(fx.t.a, "theme_day", "19:00", "20:00", 1, NULL, &id), 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma, fx.t.a, id, tok, NULL), 0);
	/* the secretary corrects the list: ma scanned but left (absent), ma2 present without scanning */
	j = meeting(id);
	body = json_pack("{s:I, s:[{s:I, s:s}, {s:I, s:s}]}", "version", json_integer_value(json_object_get(j, "version")),
			 "attendance", "member_id", (json_int_t)fx.ma, "status", "absent", "member_id", (json_int_t)fx.ma2,
			 "status", "present");
	json_decref(j);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(meeting_update(&fx.ctx, id, body), 0);
	json_decref(body);
	/* scanning again does not undo the correction */
	at("2026-03-10 19:10", 0);
	token(id, 0, tok);
	assert_int_equal(scan(fx.ma, fx.t.a, id, tok, &already), 0);
	assert_true(already);
	assert_string_equal(status_of(id, fx.ma), "absent");
	assert_string_equal(status_of(id, fx.ma2), "present");
	/* a later scan by ma2 records the scan and keeps present */
	assert_int_equal(scan(fx.ma2, fx.t.a, id, tok, &already), 0);
	assert_false(already);
	assert_string_equal(status_of(id, fx.ma2), "present");
}

#define CHECKIN_TESTS                                      \
	{                                                  \
		cmocka_unit_test(test_pure_rules),         \
		cmocka_unit_test(test_org_switch),         \
		cmocka_unit_test(test_window_edges),       \
		cmocka_unit_test(test_token_rotation),     \
		cmocka_unit_test(test_not_on_roster),      \
		cmocka_unit_test(test_repeat_and_hours),   \
		cmocka_unit_test(test_correction_wins),    \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = CHECKIN_TESTS;
	const struct CMUnitTest pg_tests[] = CHECKIN_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "签到党员";
	failed = cmocka_run_group_tests_name("checkin/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("checkin/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("checkin/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
