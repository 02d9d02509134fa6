/*
 * 合理化建议 in the domain layer with injected dates: a member's suggestion goes to their
 * own branch and nobody else's eyes (another member 404, another branch's secretary 404);
 * the public form answers 404 for a wrong or disabled board and keeps the contact phone
 * encrypted, masked in lists, in full only through an audited reveal; converting makes
 * exactly one 民情诉求 in the same transaction (a refused convert writes nothing); closing
 * needs a reply; only an open suggestion is answered (409 suggestion.status); the public
 * flood guard (429 suggestion.rate) and the yearly statistics against known data. Runs on
 * SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/org.h"
#include "domain/suggestion.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define KEY_A "SuggBoardKeyAAAA0001"
#define KEY_B "SuggBoardKeyBBBB0002" /* disabled */
#define KEY_C "SuggBoardKeyCCCC0003"
#define KEY_D "SuggBoardKeyDDDD0004"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	struct life_towns t;
	int64_t town3, d, e;
	int64_t ma, ma2, mb, mc, md, md2, me;
};

static struct fixture fx;

static void add_board(int64_t org, const char *key, int enabled)
{
	char sql[300];
	xsnprintf(sql, sizeof(sql),
		  "INSERT INTO boards (org_id, enabled, public_key, updated_at) VALUES (%" PRId64 ", %d, '%s', "
		  "'2026-01-01T00:00:00Z')",
		  org, enabled, key);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx("board", &fx.ctx);
}

static int populate(int pg)
{
	struct err e = { 0 };
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_towns("建议", &fx.t);
	fx.town3 = life_make_org(fx.t.top, "committee", "建议街道党工委", 0);
	fx.d = life_make_org(fx.town3, "branch", "建议一社区党支部", 3);
	fx.e = life_make_org(fx.town3, "branch", "建议二社区党支部", 3);
	fx.ma = life_make_member(fx.t.a);
	fx.ma2 = life_make_member(fx.t.a);
	fx.mb = life_make_member(fx.t.b);
	fx.mc = life_make_member(fx.t.c);
	fx.md = life_make_member(fx.d);
	fx.md2 = life_make_member(fx.d);
	fx.me = life_make_member(fx.e);
	add_board(fx.t.a, KEY_A, 1);
	add_board(fx.t.b, KEY_B, 0);
	add_board(fx.t.c, KEY_C, 1);
	add_board(fx.d, KEY_D, 1);
	config_defaults(&fx.cfg);
	if (config_set(&fx.cfg, "suggestion.public_per_hour=3", &e))
		return -1;
	fx.ctx.cfg = &fx.cfg;
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "suggestions", populate, 2 };

static void as_public(void)
{
	memset(&fx.ctx.actor, 0, sizeof(fx.ctx.actor));
	err_clear(&fx.ctx.err);
}

static int64_t submit_mine(int64_t member, int64_t branch, const char *title)
{
	json_t *body = json_pack("{s:s, s:s}", "title", title, "body", "建议内容：希望支部研究。\n第二行。");
	int64_t id = 0;
	life_act_as(ROLE_MEMBER, branch, member);
	if (suggestion_submit_mine(&fx.ctx, body, &id))
		life_fail_ctx("submit mine", &fx.ctx);
	json_decref(body);
	return id;
}

static int submit_public(const char *key, const char *title, const char *contact)
{
	json_t *body = json_pack("{s:s, s:s, s:s}", "title", title, "body", "群众的建议", "name", "王大爷"), *out = NULL;
	int rc;
	if (contact)
		json_object_set_new(body, "contact", json_string(contact));
	as_public();
	rc = suggestion_submit_public(&fx.ctx, key, body, &out);
	if (!rc)
		assert_true(json_is_true(json_object_get(out, "received")));
	json_decref(out);
	json_decref(body);
	return rc;
}

static int64_t count_of(const char *sql, int64_t arg)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n = -1;
	assert_non_null(st);
	if (arg)
		stmt_bind_int(st, 1, arg);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static int64_t newest_id(void)
{
	return count_of("SELECT max(id) FROM suggestions", 0);
}

static json_t *manager_view(int64_t id)
{
	json_t *j = NULL;
	life_act_as(ROLE_ORG_ADMIN, fx.t.top, 0);
	if (suggestion_get(&fx.ctx, id, &j))
		life_fail_ctx("suggestion get", &fx.ctx);
	return j;
}

static json_t *answer_body(int64_t id, const char *key, const char *value)
{
	json_t *cur = manager_view(id);
	json_t *b = json_pack("{s:O}", "version", json_object_get(cur, "version"));
	if (key)
		json_object_set_new(b, key, json_string(value));
	json_decref(cur);
	return b;
}

static void test_member_side(void **state)
{
	json_t *j = NULL, *items = NULL, *body;
	int64_t id, total = 0, dummy = 0;
	(void)state;
	id = submit_mine(fx.ma, fx.t.a, "建议增设路灯");
	/* mine, with its status; addressed to the member's own branch */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma);
	assert_int_equal(suggestion_mine(&fx.ctx, 1, 20, &items, &total), 0);
	assert_int_equal(total, 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "status")), "open");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "org_id")), fx.t.a);
	json_decref(items);
	assert_int_equal(suggestion_get_mine(&fx.ctx, id, &j), 0);
	json_decref(j);
	/* another member of the same branch: not theirs, 404, and not in their list */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma2);
	assert_int_equal(suggestion_get_mine(&fx.ctx, id, &j), E_NOTFOUND);
	assert_int_equal(suggestion_mine(&fx.ctx, 1, 20, &items, &total), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	/* a member is no manager; another branch's secretary does not see it */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma2);
	assert_int_equal(suggestion_get(&fx.ctx, id, &j), E_FORBIDDEN);
	life_act_as(ROLE_SECRETARY, fx.t.b, fx.mb);
	assert_int_equal(suggestion_get(&fx.ctx, id, &j), E_NOTFOUND);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_get(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "source")), "member");
	json_decref(j);
	/* the fields: a blank title, a body past the cap */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma);
	body = json_pack("{s:s, s:s}", "title", "   ", "body", "内容");
	assert_int_equal(suggestion_submit_mine(&fx.ctx, body, &dummy), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "title");
	json_decref(body);
	{
		char *big = xmalloc(SUGGESTION_BODY_MAX_CHARS + 2);
		memset(big, 'x', SUGGESTION_BODY_MAX_CHARS + 1);
		big[SUGGESTION_BODY_MAX_CHARS + 1] = '\0';
		body = json_pack("{s:s, s:s}", "title", "标题", "body", big);
		life_act_as(ROLE_MEMBER, fx.t.a, fx.ma);
		assert_int_equal(suggestion_submit_mine(&fx.ctx, body, &dummy), E_INVALID);
		assert_string_equal(fx.ctx.err.field, "body");
		json_decref(body);
		free(big);
	}
	/* an account without a member record has no branch to write to */
	life_act_as(ROLE_MEMBER, fx.t.a, 0);
	body = json_pack("{s:s, s:s}", "title", "标题", "body", "内容");
	assert_int_equal(suggestion_submit_mine(&fx.ctx, body, &dummy), E_NOTFOUND);
	json_decref(body);
}

static void test_public_form(void **state)
{
	json_t *items = NULL, *item;
	struct suggestion_filter f;
	char *contact = NULL;
	int64_t id, total = 0, before;
	const char *mask;
	(void)state;
	before = count_of("SELECT count(*) FROM suggestions", 0);
	/* a wrong key, a key of the wrong shape and a disabled board are all 404 */
	assert_int_equal(submit_public("SuggBoardKeyZZZZ9999", "建议", NULL), E_NOTFOUND);
	assert_int_equal(submit_public("x", "建议", NULL), E_NOTFOUND);
	assert_int_equal(submit_public(KEY_B, "建议", NULL), E_NOTFOUND);
	assert_int_equal(submit_public(KEY_A, "建议", "12ab"), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "contact");
	assert_int_equal(count_of("SELECT count(*) FROM suggestions", 0), before);
	assert_int_equal(submit_public(KEY_A, "公开栏建议", "13912345678"), 0);
	id = newest_id();
	/* at rest: ciphertext only */
	assert_int_equal(count_of("SELECT count(*) FROM suggestions WHERE id = ? AND contact_enc LIKE '%13912345678%'", id), 0);
	assert_int_equal(count_of("SELECT count(*) FROM suggestions WHERE id = ? AND contact_enc IS NOT NULL", id), 1);
	/* in the list: masked, addressed to the board's branch */
	memset(&f, 0, sizeof(f));
	f.source = "board";
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 1);
	item = json_array_get(items, 0);
	mask = json_string_value(json_object_get(item, "contact"));
	assert_non_null(mask);
	assert_null(strstr(mask, "12345678"));
	assert_non_null(strstr(mask, "****"));
	assert_string_equal(json_string_value(json_object_get(item, "submitter")), "王大爷");
	assert_int_equal(json_integer_value(json_object_get(item, "org_id")), fx.t.a);
	json_decref(items);
	/* revealed in full to a manager in scope, and the reveal is in the audit log */
	before = count_of("SELECT count(*) FROM audit_log WHERE entity = 'suggestion' AND action = 'reveal' AND entity_id = ?", id);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_reveal(&fx.ctx, id, &contact), 0);
	assert_string_equal(contact, "13912345678");
	free(contact);
	assert_int_equal(count_of("SELECT count(*) FROM audit_log WHERE entity = 'suggestion' AND action = 'reveal' AND entity_id = ?", id),
			 before + 1);
	/* the audit log of the submission carries the mask only */
	assert_int_equal(count_of("SELECT count(*) FROM audit_log WHERE entity = 'suggestion' AND after_json LIKE '%12345678%'", 0), 0);
	life_act_as(ROLE_SECRETARY, fx.t.b, 0);
	assert_int_equal(suggestion_reveal(&fx.ctx, id, &contact), E_NOTFOUND);
	assert_null(contact);
}

static void test_convert(void **state)
{
	json_t *body, *j;
	int64_t id, requests, other;
	(void)state;
	id = submit_mine(fx.ma, fx.t.a, "建议修缮活动室");
	requests = count_of("SELECT count(*) FROM mass_requests", 0);
	/* a refused convert (an unknown category) writes nothing: no request, still open */
	body = answer_body(id, "category", "nonsense");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "category");
	json_decref(body);
	assert_int_equal(count_of("SELECT count(*) FROM mass_requests", 0), requests);
	j = manager_view(id);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	json_decref(j);
	/* another branch's secretary: 404 */
	body = answer_body(id, "category", "infrastructure");
	life_act_as(ROLE_SECRETARY, fx.t.b, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), E_NOTFOUND);
	/* a stale version: 409 store.stale */
	json_object_set_new(body, "version", json_integer(json_integer_value(json_object_get(body, "version")) + 5));
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);
	/* converted: exactly one request, of the branch, channel suggestion, linked */
	body = answer_body(id, "category", "infrastructure");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), 0);
	assert_int_equal(count_of("SELECT count(*) FROM mass_requests", 0), requests + 1);
	j = manager_view(id);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "converted");
	other = json_integer_value(json_object_get(j, "request_id"));
	assert_true(other > 0);
	json_decref(j);
	assert_int_equal(count_of("SELECT count(*) FROM mass_requests WHERE id = ? AND channel = 'suggestion' AND "
				  "status = 'received' AND content LIKE '%建议修缮活动室%'",
				  other),
			 1);
	assert_int_equal(count_of("SELECT org_id FROM mass_requests WHERE id = ?", other), fx.t.a);
	assert_int_equal(count_of("SELECT count(*) FROM audit_log WHERE entity = 'suggestion' AND action = 'convert' AND entity_id = ?", id), 1);
	assert_int_equal(count_of("SELECT count(*) FROM audit_log WHERE entity = 'mass_request' AND action = 'create' AND entity_id = ?", other), 1);
	/* a second convert, even with the right version: 409 suggestion.status, no second request */
	json_decref(body);
	body = answer_body(id, "category", "infrastructure");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "suggestion.status");
	json_decref(body);
	body = answer_body(id, "reply", "已答复");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_close(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "suggestion.status");
	json_decref(body);
	assert_int_equal(count_of("SELECT count(*) FROM mass_requests", 0), requests + 1);
	/* the member sees it converted */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma);
	assert_int_equal(suggestion_get_mine(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "converted");
	json_decref(j);
}

static void test_close(void **state)
{
	json_t *body, *j;
	int64_t id;
	(void)state;
	id = submit_mine(fx.ma2, fx.t.a, "建议开展培训");
	/* no reply, or a blank one: 422 on reply */
	body = answer_body(id, NULL, NULL);
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_close(&fx.ctx, id, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reply");
	json_object_set_new(body, "reply", json_string(" \n "));
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_close(&fx.ctx, id, body), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reply");
	json_decref(body);
	body = answer_body(id, "reply", "感谢建议，已纳入计划。");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_close(&fx.ctx, id, body), 0);
	json_decref(body);
	/* the member reads the reply */
	life_act_as(ROLE_MEMBER, fx.t.a, fx.ma2);
	assert_int_equal(suggestion_get_mine(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "closed");
	assert_string_equal(json_string_value(json_object_get(j, "reply")), "感谢建议，已纳入计划。");
	assert_non_null(json_string_value(json_object_get(j, "replied_at")));
	json_decref(j);
	/* closed is final */
	body = answer_body(id, "reply", "再答复");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_close(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "suggestion.status");
	json_decref(body);
	body = answer_body(id, "category", "other");
	life_act_as(ROLE_SECRETARY, fx.t.a, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, id, body), E_CONFLICT);
	json_decref(body);
}

static void test_public_rate(void **state)
{
	int i;
	(void)state;
	life_set_today(2026, 3, 11);
	/* suggestion.public_per_hour = 3 in this fixture; members' suggestions do not count */
	submit_mine(fx.mc, fx.t.c, "党员的建议");
	for (i = 0; i < 3; i++)
		assert_int_equal(submit_public(KEY_C, "群众建议", NULL), 0);
	assert_int_equal(submit_public(KEY_C, "第四条", NULL), E_TOOMANY);
	assert_string_equal(fx.ctx.err.rule, "suggestion.rate");
	/* another board is not limited by this one */
	assert_int_equal(submit_public(KEY_A, "另一个公开栏", NULL), 0);
	/* an hour later the board takes suggestions again */
	ctx_set_clock(&fx.ctx, fx.ctx.now + 3601);
	assert_int_equal(submit_public(KEY_C, "一小时后", NULL), 0);
	life_set_today(2026, 3, 10);
}

static json_t *branch_of(json_t *stats, int64_t org)
{
	json_t *b;
	size_t i;
	json_array_foreach(json_object_get(stats, "branches"), i, b)
		if (json_integer_value(json_object_get(b, "org_id")) == org)
			return b;
	return NULL;
}

static int64_t list_total(int64_t org, int year, const char *status, const char *source)
{
	struct suggestion_filter f;
	json_t *items = NULL;
	int64_t total = -1;
	memset(&f, 0, sizeof(f));
	f.org_id = org;
	f.year = year;
	f.status = status;
	f.source = source;
	life_act_as(ROLE_ORG_ADMIN, fx.t.top, 0);
	assert_int_equal(suggestion_list(&fx.ctx, &f, 1, 200, &items, &total), 0);
	json_decref(items);
	return total;
}

static void test_stats(void **state)
{
	json_t *s = NULL, *b, *body;
	int64_t d1, d2;
	(void)state;
	/* last year: one in d */
	life_set_today(2025, 6, 1);
	submit_mine(fx.md, fx.d, "去年的建议");
	/* this year: d two by members (one converted, one closed) and one from the board; e one open */
	life_set_today(2026, 3, 10);
	d1 = submit_mine(fx.md, fx.d, "今年一");
	d2 = submit_mine(fx.md2, fx.d, "今年二");
	assert_int_equal(submit_public(KEY_D, "社区群众建议", NULL), 0);
	submit_mine(fx.me, fx.e, "二社区的建议");
	body = answer_body(d1, "category", "policy");
	life_act_as(ROLE_SECRETARY, fx.d, 0);
	assert_int_equal(suggestion_convert(&fx.ctx, d1, body), 0);
	json_decref(body);
	body = answer_body(d2, "reply", "已采纳");
	life_act_as(ROLE_SECRETARY, fx.d, 0);
	assert_int_equal(suggestion_close(&fx.ctx, d2, body), 0);
	json_decref(body);

	life_act_as(ROLE_ORG_ADMIN, fx.town3, 0);
	assert_int_equal(suggestion_stats(&fx.ctx, 0, 2026, &s), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "year")), 2026);
	assert_int_equal(json_integer_value(json_object_get(s, "total")), 4);
	assert_int_equal(json_integer_value(json_object_get(s, "member")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "board")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "open")), 2);
	assert_int_equal(json_integer_value(json_object_get(s, "converted")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "closed")), 1);
	assert_int_equal(json_array_size(json_object_get(s, "branches")), 2);
	b = branch_of(s, fx.d);
	assert_non_null(b);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(b, "board")), 1);
	assert_int_equal(json_integer_value(json_object_get(b, "open")), 1);
	b = branch_of(s, fx.e);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	/* two years with suggestions in the subtree, newest first */
	assert_int_equal(json_array_size(json_object_get(s, "years")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(s, "years"), 0), "year")), 2026);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(s, "years"), 1), "total")), 1);
	/* the counts match the list's */
	assert_int_equal(list_total(fx.town3, 2026, NULL, NULL), 4);
	assert_int_equal(list_total(fx.town3, 2026, "open", NULL), 2);
	assert_int_equal(list_total(fx.town3, 2026, NULL, "board"), 1);
	assert_int_equal(list_total(fx.town3, 2025, NULL, NULL), 1);
	assert_int_equal(list_total(fx.town3, 0, NULL, NULL), 5);
	json_decref(s);
	/* last year's */
	life_act_as(ROLE_ORG_ADMIN, fx.town3, 0);
	assert_int_equal(suggestion_stats(&fx.ctx, fx.d, 2025, &s), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "total")), 1);
	json_decref(s);
	/* a secretary's statistics are their branch's; another subtree is 404 */
	life_act_as(ROLE_SECRETARY, fx.e, 0);
	assert_int_equal(suggestion_stats(&fx.ctx, 0, 2026, &s), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "total")), 1);
	json_decref(s);
	life_act_as(ROLE_SECRETARY, fx.e, 0);
	assert_int_equal(suggestion_stats(&fx.ctx, fx.d, 2026, &s), E_NOTFOUND);
}

#define SUGGESTION_TESTS                                \
	{                                               \
		cmocka_unit_test(test_member_side),     \
		cmocka_unit_test(test_public_form),     \
		cmocka_unit_test(test_convert),         \
		cmocka_unit_test(test_close),           \
		cmocka_unit_test(test_public_rate),     \
		cmocka_unit_test(test_stats),           \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SUGGESTION_TESTS;
	const struct CMUnitTest pg_tests[] = SUGGESTION_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1986;
	life_member_name = "建议党员";
	failed = cmocka_run_group_tests_name("suggestions/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("suggestions/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("suggestions/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
