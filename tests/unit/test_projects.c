/*
 * 党建项目化管理 in the domain layer with injected dates: the seven stages strictly in
 * order (409 project.stage), who may do which step, a return needs a reason and keeps it
 * in the ledger, the quarterly review rules (a returned quarter must be reviewed again,
 * 结题 waits for it), the 评估 weights from the config (a changed config changes the
 * score; past scores keep their weights), and scope. Runs on SQLite and again on
 * PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/project.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, other_town, branch, other_branch;
	int64_t sec, other_sec;
	struct actor system;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 8, 10);
	fx.top = life_make_org(0, "dept", "项目组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "项目镇党委", 0);
	fx.other_town = life_make_org(fx.top, "committee", "邻镇党委", 0);
	fx.branch = life_make_org(fx.town, "branch", "项目村党支部", 3);
	fx.other_branch = life_make_org(fx.other_town, "branch", "邻村党支部", 3);
	fx.sec = life_make_member(fx.branch);
	fx.other_sec = life_make_member(fx.other_branch);
	fx.system = fx.ctx.actor;
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "projects", populate, 2 };

/* ---- helpers ---- */

/* act as role over org (0: the system actor) */
static void act_as(enum role role, int64_t org)
{
	struct org o;
	fx.ctx.actor = fx.system;
	if (!org)
		return;
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, org, &o))
		life_fail_ctx("org_get", &fx.ctx);
	fx.ctx.actor.role = role;
	fx.ctx.actor.org_id = org;
	strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
	xsnprintf(fx.ctx.actor.username, sizeof(fx.ctx.actor.username), "u%" PRId64, org);
	fx.ctx.actor.user_id = 0;
}

static int64_t create(const char *name, int leader_led)
{
	json_t *body = json_pack("{s:I, s:I, s:I, s:s, s:b, s:s, s:i, s:s, s:s}", "org_id", (json_int_t)fx.branch,
				 "lead_org_id", (json_int_t)fx.town, "secretary_member_id", (json_int_t)fx.sec, "type",
				 "innovation", "leader_led", leader_led, "name", name, "year", 2026, "goal",
				 "建成村级党群服务阵地", "start_on", "2026-03-01");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (project_create(&fx.ctx, body, &id))
		life_fail_ctx("project_create", &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *get(int64_t id)
{
	json_t *p = NULL;
	err_clear(&fx.ctx.err);
	if (project_get(&fx.ctx, id, &p))
		life_fail_ctx("project_get", &fx.ctx);
	return p;
}

static json_int_t version_of(int64_t id)
{
	struct actor saved = fx.ctx.actor;
	json_t *p;
	json_int_t v;
	fx.ctx.actor = fx.system;
	p = get(id);
	v = json_integer_value(json_object_get(p, "version"));
	json_decref(p);
	fx.ctx.actor = saved;
	return v;
}

static const char *stage_of(int64_t id, char *buf, size_t size)
{
	struct actor saved = fx.ctx.actor;
	json_t *p;
	fx.ctx.actor = fx.system;
	p = get(id);
	strlcpy_z(buf, json_string_value(json_object_get(p, "stage")), size);
	json_decref(p);
	fx.ctx.actor = saved;
	return buf;
}

/* advance with extra fields given as a JSON object (borrowed; NULL = none) */
static int advance(int64_t id, const char *stage, json_t *extra)
{
	json_t *body = json_pack("{s:I, s:s}", "version", version_of(id), "stage", stage);
	int rc;
	if (extra)
		json_object_update(body, extra);
	err_clear(&fx.ctx.err);
	rc = project_advance(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static int review(int64_t id, int year, int quarter, const char *result, const char *reason)
{
	json_t *body = json_pack("{s:I, s:i, s:i, s:s, s:s?}", "version", version_of(id), "year", year, "quarter",
				 quarter, "result", result, "reason", reason);
	int rc;
	err_clear(&fx.ctx.err);
	rc = project_review(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static int do_return(int64_t id, const char *reason)
{
	json_t *body = json_pack("{s:I, s:s?}", "version", version_of(id), "reason", reason);
	int rc;
	err_clear(&fx.ctx.err);
	rc = project_return(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static void expect_ok(int rc, const char *what)
{
	if (rc)
		life_fail_ctx(what, &fx.ctx);
}

/* 申报 → 备案 → 实施 with one approved quarter, ready for 结题 */
static int64_t implemented(const char *name)
{
	int64_t id;
	act_as(ROLE_SECRETARY, fx.branch);
	id = create(name, 0);
	act_as(ROLE_ORG_ADMIN, fx.town);
	expect_ok(advance(id, "file", NULL), "file");
	act_as(ROLE_SECRETARY, fx.branch);
	expect_ok(advance(id, "implement", NULL), "implement");
	act_as(ROLE_ORG_ADMIN, fx.town);
	expect_ok(review(id, 2026, 2, "approved", NULL), "review");
	return id;
}

/* ---- tests ---- */

static void test_stage_order(void **state)
{
	int64_t id;
	char buf[16];
	json_t *x;
	(void)state;
	id = implemented("阵地建设");
	act_as(ROLE_SECRETARY, fx.branch);
	/* skipping 结题 or going back is refused with the rule */
	act_as(ROLE_ORG_ADMIN, fx.town);
	life_expect_refusal(advance(id, "accept", x = json_pack("{s:s, s:i, s:i}", "onsite", "现场查看", "expert_score", 90,
							       "satisfaction", 95)),
			    &fx.ctx, E_CONFLICT, "project.stage");
	json_decref(x);
	life_expect_refusal(advance(id, "file", NULL), &fx.ctx, E_CONFLICT, "project.stage");
	/* the right step by the wrong side */
	life_expect_refusal(advance(id, "conclude", x = json_pack("{s:s}", "note", "完成")),
			    &fx.ctx, E_FORBIDDEN, "project.role");
	json_decref(x);
	act_as(ROLE_SECRETARY, fx.branch);
	/* 结题 needs its report */
	life_expect_refusal(advance(id, "conclude", NULL), &fx.ctx, E_INVALID, "field.required");
	expect_ok(advance(id, "conclude", x = json_pack("{s:s}", "note", "阵地建成投用")), "conclude");
	json_decref(x);
	assert_string_equal(stage_of(id, buf, sizeof(buf)), "conclude");
	act_as(ROLE_ORG_ADMIN, fx.town);
	/* 验收 needs on-site review, an expert rating and the survey, each in range */
	life_expect_refusal(advance(id, "accept", x = json_pack("{s:i, s:i}", "expert_score", 90, "satisfaction", 95)),
			    &fx.ctx, E_INVALID, "project.onsite");
	json_decref(x);
	life_expect_refusal(advance(id, "accept", x = json_pack("{s:s, s:i, s:i}", "onsite", "看了", "expert_score", 101,
							       "satisfaction", 95)),
			    &fx.ctx, E_INVALID, "project.range");
	json_decref(x);
	/* fields of another stage are refused */
	life_expect_refusal(advance(id, "accept", x = json_pack("{s:s, s:i, s:i, s:i}", "onsite", "看了", "expert_score", 90,
							       "satisfaction", 95, "goal_rate", 80)),
			    &fx.ctx, E_MALFORMED, "");
	json_decref(x);
	expect_ok(advance(id, "accept", x = json_pack("{s:s, s:i, s:i}", "onsite", "现场查看阵地", "expert_score", 88,
						     "satisfaction", 96)),
		  "accept");
	json_decref(x);
	expect_ok(advance(id, "evaluate", x = json_pack("{s:i, s:i, s:i, s:i}", "goal_rate", 90, "mass_rate", 80,
						       "benefit", 70, "promotion", 60)),
		  "evaluate");
	json_decref(x);
	life_expect_refusal(advance(id, "reward", NULL), &fx.ctx, E_INVALID, "project.reward");
	expect_ok(advance(id, "reward", x = json_pack("{s:s, s:i}", "reward", "评为优秀项目", "reward_fen", 500000)), "reward");
	json_decref(x);
	/* the end: nothing follows 激励 */
	life_expect_refusal(advance(id, "reward", x = json_pack("{s:s}", "reward", "再奖")),
			    &fx.ctx, E_CONFLICT, "project.stage");
	json_decref(x);
	act_as(0, 0);
	x = get(id);
	assert_string_equal(json_string_value(json_object_get(x, "stage")), "reward");
	/* the ledger: 申报, 备案, 实施, review, 结题, 验收, 评估, 激励 in order */
	assert_int_equal(json_array_size(json_object_get(x, "ledger")), 8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(x, "ledger"), 7), "action")),
			    "reward");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x, "acceptance"), "expert_score")), 88);
	json_decref(x);
}

static void test_return_needs_reason(void **state)
{
	int64_t id;
	json_t *x, *ledger;
	(void)state;
	act_as(ROLE_SECRETARY, fx.branch);
	id = create("红色小院", 1);
	/* only the lead org returns or files */
	life_expect_refusal(do_return(id, "材料不全"), &fx.ctx, E_FORBIDDEN, "project.role");
	life_expect_refusal(advance(id, "file", NULL), &fx.ctx, E_FORBIDDEN, "project.role");
	act_as(ROLE_ORG_ADMIN, fx.town);
	life_expect_refusal(do_return(id, NULL), &fx.ctx, E_RULE, "project.reason");
	life_expect_refusal(do_return(id, "   "), &fx.ctx, E_RULE, "project.reason");
	expect_ok(do_return(id, "预期目标不具体"), "return");
	/* returned: no 备案 until the owner files again */
	life_expect_refusal(advance(id, "file", NULL), &fx.ctx, E_CONFLICT, "project.stage");
	life_expect_refusal(do_return(id, "再退"), &fx.ctx, E_CONFLICT, "project.stage");
	act_as(ROLE_SECRETARY, fx.branch);
	life_expect_refusal(advance(id, "implement", NULL), &fx.ctx, E_CONFLICT, "project.stage");
	/* a field of another stage is refused; the 申报's own fields may be corrected */
	life_expect_refusal(advance(id, "apply", x = json_pack("{s:i}", "expert_score", 90)), &fx.ctx, E_MALFORMED, "");
	json_decref(x);
	expect_ok(advance(id, "apply", x = json_pack("{s:s, s:s}", "note", "已细化目标", "goal", "年内建成 3 个红色小院")), "resubmit");
	json_decref(x);
	act_as(ROLE_ORG_ADMIN, fx.town);
	expect_ok(advance(id, "file", NULL), "file");
	/* a filed project cannot be returned */
	life_expect_refusal(do_return(id, "晚了"), &fx.ctx, E_CONFLICT, "project.stage");
	act_as(0, 0);
	x = get(id);
	ledger = json_object_get(x, "ledger");
	assert_int_equal(json_array_size(ledger), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ledger, 1), "action")), "return");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ledger, 1), "note")), "预期目标不具体");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ledger, 2), "action")), "resubmit");
	assert_true(json_is_true(json_object_get(x, "leader_led")));
	assert_string_equal(json_string_value(json_object_get(x, "goal")), "年内建成 3 个红色小院");
	json_decref(x);
}

static void test_quarterly_reviews(void **state)
{
	int64_t id;
	json_t *x;
	(void)state;
	act_as(ROLE_SECRETARY, fx.branch);
	id = create("网格议事", 0);
	act_as(ROLE_ORG_ADMIN, fx.town);
	/* reviews belong to 实施 */
	life_expect_refusal(review(id, 2026, 1, "approved", NULL), &fx.ctx, E_CONFLICT, "project.stage");
	expect_ok(advance(id, "file", NULL), "file");
	act_as(ROLE_SECRETARY, fx.branch);
	expect_ok(advance(id, "implement", NULL), "implement");
	/* the owner does not review itself */
	life_expect_refusal(review(id, 2026, 1, "approved", NULL), &fx.ctx, E_FORBIDDEN, "project.role");
	act_as(ROLE_ORG_ADMIN, fx.town);
	/* 结题 before any approved quarter: refused */
	act_as(ROLE_SECRETARY, fx.branch);
	life_expect_refusal(advance(id, "conclude", x = json_pack("{s:s}", "note", "完成")),
			    &fx.ctx, E_CONFLICT, "project.review");
	json_decref(x);
	act_as(ROLE_ORG_ADMIN, fx.town);
	life_expect_refusal(review(id, 2026, 2, "returned", NULL), &fx.ctx, E_RULE, "project.reason");
	life_expect_refusal(review(id, 2026, 4, "approved", NULL),
			    &fx.ctx, E_INVALID, "project.quarter"); /* today is in Q3 */
	life_expect_refusal(review(id, 2026, 5, "approved", NULL), &fx.ctx, E_INVALID, "project.range");
	expect_ok(review(id, 2026, 2, "returned", "进度滞后"), "review returned");
	/* a returned quarter must be followed by a new review of it */
	life_expect_refusal(review(id, 2026, 3, "approved", NULL), &fx.ctx, E_CONFLICT, "project.review");
	act_as(ROLE_SECRETARY, fx.branch);
	life_expect_refusal(advance(id, "conclude", x = json_pack("{s:s}", "note", "完成")),
			    &fx.ctx, E_CONFLICT, "project.review");
	json_decref(x);
	/* and the owner is not offered 结题 meanwhile */
	x = get(id);
	assert_int_equal(json_array_size(json_object_get(x, "actions")), 0);
	json_decref(x);
	act_as(ROLE_ORG_ADMIN, fx.town);
	expect_ok(review(id, 2026, 2, "approved", NULL), "review again");
	act_as(ROLE_SECRETARY, fx.branch);
	x = get(id);
	assert_string_equal(json_string_value(json_array_get(json_object_get(x, "actions"), 0)), "conclude");
	json_decref(x);
	act_as(ROLE_ORG_ADMIN, fx.town);
	/* an approved quarter is done */
	life_expect_refusal(review(id, 2026, 2, "approved", NULL), &fx.ctx, E_CONFLICT, "project.review");
	expect_ok(review(id, 2026, 3, "approved", NULL), "Q3");
	act_as(ROLE_SECRETARY, fx.branch);
	expect_ok(advance(id, "conclude", x = json_pack("{s:s}", "note", "完成")), "conclude");
	json_decref(x);
	act_as(0, 0);
	x = get(id);
	assert_int_equal(json_array_size(json_object_get(x, "reviews")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(x, "reviews"), 0), "reason")),
			    "进度滞后");
	json_decref(x);
}

static double score_after_evaluation(int64_t id)
{
	json_t *x, *p;
	double s;
	expect_ok(advance(id, "evaluate", x = json_pack("{s:i, s:i, s:i, s:i}", "goal_rate", 90, "mass_rate", 80,
						       "benefit", 70, "promotion", 60)),
		  "evaluate");
	json_decref(x);
	p = get(id);
	s = json_real_value(json_object_get(p, "score"));
	json_decref(p);
	return s;
}

static int64_t accepted(const char *name)
{
	int64_t id = implemented(name);
	json_t *x;
	act_as(ROLE_SECRETARY, fx.branch);
	expect_ok(advance(id, "conclude", x = json_pack("{s:s}", "note", "完成")), "conclude");
	json_decref(x);
	act_as(ROLE_ORG_ADMIN, fx.town);
	expect_ok(advance(id, "accept", x = json_pack("{s:s, s:i, s:i}", "onsite", "现场", "expert_score", 80,
						     "satisfaction", 90)),
		  "accept");
	json_decref(x);
	return id;
}

static void test_weights_from_config(void **state)
{
	struct config cfg;
	struct err e;
	int64_t a, b;
	int values[4] = { 90, 80, 70, 60 }, w[4] = { 40, 30, 20, 10 };
	json_t *p;
	(void)state;
	assert_int_equal(project_score_centi(values, w), 8000);
	a = accepted("默认权重");
	/* 40/30/20/10: 36 + 24 + 14 + 6 = 80 */
	{
		double s = score_after_evaluation(a);
		assert_true(s > 79.99 && s < 80.01);
	}
	config_defaults(&cfg);
	assert_int_equal(config_check(&cfg, &e), 0);
	assert_int_equal(config_set(&cfg, "project.weight_goal=70", &e), 0);
	assert_int_equal(config_set(&cfg, "project.weight_satisfaction=10", &e), 0);
	/* 70 + 10 + 20 + 10 = 110: refused at start */
	assert_int_equal(config_check(&cfg, &e), E_INVALID);
	assert_int_equal(config_set(&cfg, "project.weight_benefit=10", &e), 0);
	assert_int_equal(config_set(&cfg, "project.weight_promotion=10", &e), 0);
	assert_int_equal(config_check(&cfg, &e), 0);
	b = accepted("调整权重");
	fx.ctx.cfg = &cfg;
	/* 70/10/10/10: 63 + 8 + 7 + 6 = 84 */
	{
		double s = score_after_evaluation(b);
		assert_true(s > 83.99 && s < 84.01);
	}
	fx.ctx.cfg = NULL;
	/* the earlier project keeps the weights it was scored with */
	act_as(0, 0);
	p = get(a);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(p, "evaluation"), "weights"),
							    "goal_rate")),
			 40);
	json_decref(p);
}

static void test_scope(void **state)
{
	int64_t id;
	json_t *items = NULL, *x = NULL, *body;
	int64_t total = 0, nid = 0;
	struct project_filter f;
	(void)state;
	act_as(ROLE_SECRETARY, fx.branch);
	id = create("邻镇看不见", 0);
	/* the neighbouring town neither sees nor acts on it */
	act_as(ROLE_ORG_ADMIN, fx.other_town);
	err_clear(&fx.ctx.err);
	assert_int_equal(project_get(&fx.ctx, id, &x), E_NOTFOUND);
	life_expect_refusal(advance(id, "file", NULL), &fx.ctx, E_NOTFOUND, "");
	memset(&f, 0, sizeof(f));
	err_clear(&fx.ctx.err);
	expect_ok(project_list(&fx.ctx, &f, 1, 50, &items, &total), "list");
	assert_int_equal(total, 0);
	json_decref(items);
	/* a lead org must lie above the owner, and the secretary under it */
	act_as(ROLE_SECRETARY, fx.branch);
	body = json_pack("{s:I, s:I, s:I, s:s, s:s, s:i}", "org_id", (json_int_t)fx.branch, "lead_org_id",
			 (json_int_t)fx.other_town, "secretary_member_id", (json_int_t)fx.sec, "type", "promotion", "name",
			 "错的牵头", "year", 2026);
	err_clear(&fx.ctx.err);
	life_expect_refusal(project_create(&fx.ctx, body, &nid), &fx.ctx, E_INVALID, "project.lead_org");
	json_object_set_new(body, "lead_org_id", json_integer(fx.town));
	json_object_set_new(body, "secretary_member_id", json_integer(fx.other_sec));
	err_clear(&fx.ctx.err);
	life_expect_refusal(project_create(&fx.ctx, body, &nid), &fx.ctx, E_INVALID, "project.secretary");
	json_object_set_new(body, "secretary_member_id", json_integer(fx.sec));
	json_object_set_new(body, "type", json_string("other"));
	err_clear(&fx.ctx.err);
	life_expect_refusal(project_create(&fx.ctx, body, &nid), &fx.ctx, E_INVALID, "project.type");
	json_object_set_new(body, "org_id", json_integer(fx.other_branch));
	json_object_set_new(body, "type", json_string("promotion"));
	err_clear(&fx.ctx.err);
	life_expect_refusal(project_create(&fx.ctx, body, &nid), &fx.ctx, E_INVALID, "org.scope");
	/* the lead org's admin does not file for its branches */
	act_as(ROLE_ORG_ADMIN, fx.town);
	json_object_set_new(body, "org_id", json_integer(fx.branch));
	err_clear(&fx.ctx.err);
	life_expect_refusal(project_create(&fx.ctx, body, &nid), &fx.ctx, E_FORBIDDEN, "project.role");
	json_decref(body);
	/* the town sees it, filtered by stage and name */
	act_as(ROLE_ORG_ADMIN, fx.town);
	f.stage = "apply";
	f.q = "看不见";
	err_clear(&fx.ctx.err);
	expect_ok(project_list(&fx.ctx, &f, 1, 50, &items, &total), "list");
	assert_int_equal(total, 1);
	json_decref(items);
	/* a member under the branch reads the public ledger; one elsewhere does not */
	act_as(ROLE_MEMBER, fx.branch);
	err_clear(&fx.ctx.err);
	expect_ok(project_ledger(&fx.ctx, id, &items), "ledger");
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	act_as(ROLE_MEMBER, fx.other_branch);
	err_clear(&fx.ctx.err);
	assert_int_equal(project_ledger(&fx.ctx, id, &items), E_NOTFOUND);
	act_as(0, 0);
}

#define PROJECT_TESTS                                          \
	{                                                      \
		cmocka_unit_test(test_stage_order),            \
		cmocka_unit_test(test_return_needs_reason),    \
		cmocka_unit_test(test_quarterly_reviews),      \
		cmocka_unit_test(test_weights_from_config),    \
		cmocka_unit_test(test_scope),                  \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = PROJECT_TESTS;
	const struct CMUnitTest pg_tests[] = PROJECT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1975;
	life_member_name = "项目书记";
	failed = cmocka_run_group_tests_name("projects/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("projects/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("projects/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
