/*
 * 网格 and 人才储备 in the domain layer (issue 6): a household's 联系户党员 must be a member
 * of its own branch (rule grid.member) and its 网格 a 党小组 of that branch (grid.group);
 * coverage arithmetic per branch, per 党小组 and in total (one decimal, null without
 * households); a bulk assignment with one bad household changes nothing; the talent
 * status order (409 talent.status) and the counts per pool; a recruit created with a
 * recommended talent_id moves the talent to developed in the same transaction. Runs on SQLite and again
 * on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/grid.h"
#include "domain/recruit.h"
#include "domain/talent.h"
#include "support/life_fixture.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b, g1, g2, gb;
	int64_t ma[3], mb;
};

static struct fixture fx;

/* A fresh town with two villages for each test, so counts never see another test's rows
 * (the store is shared by the tests of one backend). */
static void make_tree(void)
{
	static int serial;
	char name[64];
	serial++;
	xsnprintf(name, sizeof(name), "网格镇党委%d", serial);
	fx.town = life_make_org(fx.top, "committee", name, 0);
	xsnprintf(name, sizeof(name), "东村党支部%d", serial);
	fx.a = life_make_org(fx.town, "branch", name, 3);
	xsnprintf(name, sizeof(name), "西村党支部%d", serial);
	fx.b = life_make_org(fx.town, "branch", name, 3);
	fx.g1 = life_make_org(fx.a, "group", "东村第一党小组", 0);
	fx.g2 = life_make_org(fx.a, "group", "东村第二党小组", 0);
	fx.gb = life_make_org(fx.b, "group", "西村第一党小组", 0);
	fx.ma[0] = life_make_member_ex(fx.a, fx.g1, "full", "none", NULL);
	fx.ma[1] = life_make_member_ex(fx.a, fx.g1, "full", "none", NULL);
	fx.ma[2] = life_make_member_ex(fx.a, fx.g2, "full", "none", NULL);
	fx.mb = life_make_member_ex(fx.b, fx.gb, "full", "none", NULL);
}

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 5, 20);
	fx.top = life_make_org(0, "dept", "网格组织部", 0);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "grid", populate, 2 };

static int each(void **state)
{
	(void)state;
	make_tree();
	return 0;
}

/* ---- helpers ---- */

/* creates a household; group/member 0 = none; returns the code, *id on success */
static int add_household(int64_t org, int64_t group, int64_t member, const char *head, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)org, "head_name", head, "address",
				 "村东头 1 号", "size", 3);
	int rc;
	if (group)
		json_object_set_new(body, "group_id", json_integer(group));
	if (member)
		json_object_set_new(body, "member_id", json_integer(member));
	err_clear(&fx.ctx.err);
	*id = 0;
	rc = grid_household_create(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

static int64_t household(int64_t org, int64_t group, int64_t member, const char *head)
{
	int64_t id;
	if (add_household(org, group, member, head, &id))
		life_fail_ctx("grid_household_create", &fx.ctx);
	return id;
}

static json_t *get_household(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (grid_household_get(&fx.ctx, id, &j))
		life_fail_ctx("grid_household_get", &fx.ctx);
	return j;
}

static int64_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* bulk assignment of n households to member (0: unassign) */
static int assign(int64_t member, const int64_t *ids, size_t n, int *count)
{
	json_t *arr = json_array(), *body;
	size_t i;
	int rc;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	body = json_pack("{s:o, s:o}", "member_id", member ? json_integer(member) : json_null(), "household_ids", arr);
	err_clear(&fx.ctx.err);
	rc = grid_assign(&fx.ctx, body, count);
	json_decref(body);
	return rc;
}

static json_t *find_row(json_t *arr, const char *key, int64_t id)
{
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r)
		if (json_integer_value(json_object_get(r, key)) == id)
			return r;
	return NULL;
}

/* ---- grid ---- */

static void test_assignment_rule(void **state)
{
	int64_t id, h;
	json_t *j, *body;
	(void)state;
	/* a member of the other village is refused, naming the rule and the field */
	assert_int_equal(add_household(fx.a, fx.g1, fx.mb, "张大山", &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.member");
	assert_string_equal(fx.ctx.err.field, "member_id");
	/* the grid cell must be a 党小组 of the same branch */
	assert_int_equal(add_household(fx.a, fx.gb, 0, "张大山", &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.group");
	assert_int_equal(add_household(fx.a, fx.a, 0, "张大山", &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.group");
	/* households are kept by a 党支部, not by the 党委 */
	assert_int_equal(add_household(fx.town, 0, 0, "张大山", &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.org");

	h = household(fx.a, fx.g1, fx.ma[0], "张大山");
	j = get_household(h);
	assert_int_equal(jint(j, "member_id"), fx.ma[0]);
	assert_string_equal(json_string_value(json_object_get(j, "assigned_on")), "2026-05-20");
	assert_string_equal(json_string_value(json_object_get(j, "group_name")), "东村第一党小组");
	/* the edit form is held to the same rule, and a stale version is a conflict */
	body = json_pack("{s:I, s:I}", "version", (json_int_t)jint(j, "version"), "member_id", (json_int_t)fx.mb);
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_update(&fx.ctx, h, body), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.member");
	json_object_set_new(body, "member_id", json_integer(fx.ma[2]));
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_update(&fx.ctx, h, body), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_update(&fx.ctx, h, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);
	json_decref(j);
	j = get_household(h);
	assert_int_equal(jint(j, "member_id"), fx.ma[2]);
	assert_int_equal(jint(j, "version"), 2);
	json_decref(j);
}

static void test_coverage_arithmetic(void **state)
{
	json_t *cov = NULL, *row, *items = NULL;
	struct grid_filter f = { 0, 0, 0, 0, NULL };
	int64_t total = 0;
	(void)state;
	assert_true(grid_percent(2, 3) == 66.7);
	assert_true(grid_percent(1, 3) == 33.3);
	assert_true(grid_percent(3, 4) == 75.0);
	assert_true(grid_percent(1, 8) == 12.5);
	assert_true(grid_percent(0, 0) == -1);

	/* 东村: 4 households, 3 assigned to 2 members; 党小组 1 holds 3 of them (2 assigned) */
	household(fx.a, fx.g1, fx.ma[0], "甲");
	household(fx.a, fx.g1, fx.ma[0], "乙");
	household(fx.a, fx.g1, 0, "丙");
	household(fx.a, 0, fx.ma[2], "丁");
	/* 西村: 2 households, 1 assigned */
	household(fx.b, fx.gb, fx.mb, "戊");
	household(fx.b, 0, 0, "己");

	err_clear(&fx.ctx.err);
	assert_int_equal(grid_coverage(&fx.ctx, fx.town, &cov), 0);
	row = json_object_get(cov, "total");
	assert_int_equal(jint(row, "households"), 6);
	assert_int_equal(jint(row, "assigned"), 4);
	assert_int_equal(jint(row, "unassigned"), 2);
	assert_true(json_real_value(json_object_get(row, "coverage")) == 66.7);
	assert_int_equal(jint(row, "members"), 4);
	assert_int_equal(jint(row, "members_with_households"), 3);

	row = find_row(json_object_get(cov, "branches"), "org_id", fx.a);
	assert_non_null(row);
	assert_int_equal(jint(row, "households"), 4);
	assert_int_equal(jint(row, "assigned"), 3);
	assert_true(json_real_value(json_object_get(row, "coverage")) == 75.0);
	assert_int_equal(jint(row, "members"), 3);
	assert_int_equal(jint(row, "members_with_households"), 2);
	row = find_row(json_object_get(cov, "branches"), "org_id", fx.b);
	assert_true(json_real_value(json_object_get(row, "coverage")) == 50.0);

	row = find_row(json_object_get(cov, "groups"), "group_id", fx.g1);
	assert_non_null(row);
	assert_int_equal(jint(row, "households"), 3);
	assert_int_equal(jint(row, "assigned"), 2);
	assert_true(json_real_value(json_object_get(row, "coverage")) == 66.7);
	assert_int_equal(jint(row, "members"), 2);
	assert_int_equal(jint(row, "members_with_households"), 1);
	json_decref(cov);

	/* a branch's own coverage; the unassigned list */
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_coverage(&fx.ctx, fx.a, &cov), 0);
	assert_int_equal(jint(json_object_get(cov, "total"), "households"), 4);
	json_decref(cov);
	f.org_id = fx.town;
	f.assigned = 0;
	assert_int_equal(grid_household_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	json_decref(items);
	f.assigned = -1;
	f.q = "丙";
	assert_int_equal(grid_household_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 1);
	json_decref(items);
}

/* the rows of arr whose org_id is one of the branches of page (an array of branch rows) */
static json_t *rows_of_page(json_t *arr, json_t *page)
{
	json_t *out = json_array(), *r;
	size_t i;
	json_array_foreach(arr, i, r)
		if (find_row(page, "org_id", jint(r, "org_id")))
			json_array_append(out, r);
	return out;
}

/*
 * A subtree of more branches than list_max answers one page of its branches in tree
 * order, and the 党小组 rows of that page only; the total is the whole subtree's. Every
 * page, laid end to end, gives the whole list's rows exactly. Members are the on-roll
 * ones (a 转出中 member still counts), as orgs.direct_members keeps them.
 */
static void test_coverage_pages(void **state)
{
	struct subtree_page opts = { 2, 1, 2 };
	json_t *whole = NULL, *cov = NULL, *seen = json_array(), *want;
	int64_t extra[3], m, g;
	char sql[160];
	int i, pages = 0;
	(void)state;
	for (i = 0; i < 3; i++) {
		extra[i] = life_make_org(fx.town, "branch", i == 0 ? "南村党支部" : i == 1 ? "北村党支部" : "中村党支部", 3);
		g = life_make_org(extra[i], "group", "第一党小组", 0);
		m = life_make_member_ex(extra[i], g, "full", "none", NULL);
		household(extra[i], g, m, "庚");
		household(extra[i], 0, i == 1 ? m : 0, "辛");
	}
	household(fx.a, fx.g1, fx.ma[0], "甲");
	household(fx.a, fx.g2, 0, "乙");
	household(fx.b, 0, fx.mb, "丙");
	xsnprintf(sql, sizeof(sql), "UPDATE members SET state = 'transferring' WHERE id = %lld", (long long)fx.ma[1]);
	assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);

	err_clear(&fx.ctx.err);
	assert_int_equal(grid_coverage(&fx.ctx, fx.town, &whole), 0);
	assert_null(json_object_get(whole, "page"));
	assert_int_equal(json_array_size(json_object_get(whole, "branches")), 5);
	assert_int_equal(jint(json_object_get(whole, "total"), "members"), 7);
	assert_int_equal(jint(find_row(json_object_get(whole, "groups"), "group_id", fx.g1), "members"), 2);
	for (opts.page = 1; opts.page <= 4; opts.page++) {
		err_clear(&fx.ctx.err);
		assert_int_equal(grid_coverage_opts(&fx.ctx, fx.town, &opts, &cov), 0);
		assert_int_equal(jint(cov, "page"), opts.page);
		assert_int_equal(jint(cov, "per_page"), 2);
		assert_true(json_equal(json_object_get(cov, "total"), json_object_get(whole, "total")));
		if (!json_array_size(json_object_get(cov, "branches"))) {
			assert_int_equal(json_array_size(json_object_get(cov, "groups")), 0);
			json_decref(cov);
			break;
		}
		pages++;
		assert_true(json_array_size(json_object_get(cov, "branches")) <= 2);
		want = rows_of_page(json_object_get(whole, "groups"), json_object_get(cov, "branches"));
		assert_true(json_equal(json_object_get(cov, "groups"), want));
		json_decref(want);
		json_array_extend(seen, json_object_get(cov, "branches"));
		json_decref(cov);
	}
	assert_int_equal(pages, 3);
	assert_true(json_equal(seen, json_object_get(whole, "branches")));
	json_decref(seen);
	json_decref(whole);
}

static void test_bulk_assign_atomic(void **state)
{
	int64_t ids[3];
	int count = -1;
	json_t *j;
	(void)state;
	ids[0] = household(fx.a, fx.g1, 0, "甲");
	ids[1] = household(fx.a, fx.g2, 0, "乙");
	ids[2] = household(fx.b, 0, 0, "丙");
	/* the third household is in 西村: nothing is assigned */
	assert_int_equal(assign(fx.ma[1], ids, 3, &count), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.member");
	assert_int_equal(count, 0);
	j = get_household(ids[0]);
	assert_true(json_is_null(json_object_get(j, "member_id")));
	assert_int_equal(jint(j, "version"), 1);
	json_decref(j);
	/* an unknown household: not found, nothing written either */
	ids[2] = 999999;
	assert_int_equal(assign(fx.ma[1], ids, 3, &count), E_NOTFOUND);
	j = get_household(ids[1]);
	assert_true(json_is_null(json_object_get(j, "member_id")));
	json_decref(j);

	assert_int_equal(assign(fx.ma[1], ids, 2, &count), 0);
	assert_int_equal(count, 2);
	j = get_household(ids[1]);
	assert_int_equal(jint(j, "member_id"), fx.ma[1]);
	json_decref(j);
	/* again: nothing changes */
	assert_int_equal(assign(fx.ma[1], ids, 2, &count), 0);
	assert_int_equal(count, 0);
	/* unassign */
	assert_int_equal(assign(0, ids, 1, &count), 0);
	assert_int_equal(count, 1);
	j = get_household(ids[0]);
	assert_true(json_is_null(json_object_get(j, "member_id")));
	assert_true(json_is_null(json_object_get(j, "assigned_on")));
	json_decref(j);
}

static void test_import_all_or_nothing(void **state)
{
	const char *bad = "户主,住址,户人口,党小组,联系户党员\n甲,1组,3,东村第一党小组,\n乙,1组,0,,\n丙,2组,2,西村第一党小组,\n";
	char good[512];
	json_t *errors = NULL, *items = NULL;
	struct grid_filter f = { 0, 0, 0, -1, NULL };
	int64_t total = -1;
	int n = -1;
	(void)state;
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_import(&fx.ctx, fx.a, bad, strlen(bad), 0, &n, &errors), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "grid.import");
	assert_int_equal(json_array_size(errors), 2);
	assert_int_equal(jint(json_array_get(errors, 0), "row"), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")), "group_id");
	json_decref(errors);
	f.org_id = fx.a;
	assert_int_equal(grid_household_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	xsnprintf(good, sizeof(good), "户主,住址,户人口,党小组,联系户党员\n甲,1组,3,东村第一党小组,%s\n乙,1组,,,\n",
		  life_member_name);
	/* three members share the made name: 联系户党员 by name is ambiguous there */
	errors = NULL;
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_import(&fx.ctx, fx.a, good, strlen(good), 0, &n, &errors), E_RULE);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")), "member_id");
	json_decref(errors);
	xsnprintf(good, sizeof(good), "户主,住址,户人口,党小组\n甲,1组,3,东村第一党小组\n乙,1组,,\n");
	errors = NULL;
	err_clear(&fx.ctx.err);
	assert_int_equal(grid_household_import(&fx.ctx, fx.a, good, strlen(good), 1, &n, &errors), 0);
	assert_int_equal(n, 2);
	assert_int_equal(grid_household_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	assert_int_equal(grid_household_import(&fx.ctx, fx.a, good, strlen(good), 0, &n, &errors), 0);
	assert_int_equal(grid_household_list(&fx.ctx, &f, 1, 50, &items, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(jint(json_array_get(items, 0), "group_id") + jint(json_array_get(items, 1), "group_id"), fx.g1);
	json_decref(items);
}

/* ---- talents ---- */

static int64_t add_talent(int64_t org, const char *pool, const char *name)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "org_id", (json_int_t)org, "pool", pool, "name", name,
				 "gender", "女", "birth_year", 1998, "listed_on", "2026-01-10");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (talent_create(&fx.ctx, body, &id))
		life_fail_ctx("talent_create", &fx.ctx);
	json_decref(body);
	return id;
}

static int move(int64_t id, const char *status, const char *reason)
{
	json_t *t = NULL, *body;
	int rc;
	err_clear(&fx.ctx.err);
	if (talent_get(&fx.ctx, id, &t))
		life_fail_ctx("talent_get", &fx.ctx);
	body = json_pack("{s:I, s:s}", "version", (json_int_t)jint(t, "version"), "status", status);
	if (reason)
		json_object_set_new(body, !strcmp(status, "withdrawn") ? "reason" : "note", json_string(reason));
	err_clear(&fx.ctx.err);
	rc = talent_set_status(&fx.ctx, id, body);
	json_decref(body);
	json_decref(t);
	return rc;
}

static void test_talent_status_order(void **state)
{
	int64_t t1 = add_talent(fx.a, "youth", "李青"), t2 = add_talent(fx.a, "women", "王芳");
	json_t *j = NULL, *body;
	(void)state;
	/* 储备 cannot jump to 已发展 */
	assert_int_equal(move(t1, "developed", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "talent.status");
	assert_int_equal(move(t1, "recommended", "支委会研究推荐"), 0);
	assert_int_equal(talent_get(&fx.ctx, t1, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "recommended");
	assert_string_equal(json_string_value(json_object_get(j, "recommended_on")), "2026-05-20");
	assert_string_equal(json_string_value(json_object_get(j, "recommend_note")), "支委会研究推荐");
	assert_string_equal(json_string_value(json_object_get(j, "gender")), "2");
	/* recommending twice is out of order too; a stale version is a plain conflict */
	assert_int_equal(move(t1, "recommended", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "talent.status");
	body = json_pack("{s:I, s:s}", "version", (json_int_t)jint(j, "version") - 1, "status", "developed");
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_set_status(&fx.ctx, t1, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);
	json_decref(j);
	assert_int_equal(move(t1, "developed", NULL), 0);
	/* after 已发展 nothing moves */
	assert_int_equal(move(t1, "withdrawn", "外出务工"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "talent.status");
	/* 退出 needs a reason; afterwards it is final */
	assert_int_equal(move(t2, "withdrawn", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reason");
	assert_int_equal(move(t2, "withdrawn", "迁居外地"), 0);
	assert_int_equal(move(t2, "recommended", NULL), E_CONFLICT);
	assert_int_equal(move(t2, "reserve", NULL), E_INVALID);
}

static void test_talent_counts_and_fields(void **state)
{
	json_t *s = NULL, *row, *body;
	int64_t t, id = 0;
	(void)state;
	t = add_talent(fx.a, "youth", "甲青");
	add_talent(fx.a, "youth", "乙青");
	add_talent(fx.a, "skilled", "丙能");
	add_talent(fx.b, "youth", "丁青");
	assert_int_equal(move(t, "recommended", NULL), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_summary(&fx.ctx, fx.town, &s), 0);
	assert_int_equal(jint(json_object_get(s, "total"), "total"), 4);
	assert_int_equal(jint(json_object_get(s, "total"), "recommended"), 1);
	row = json_array_get(json_object_get(s, "pools"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "pool")), "youth");
	assert_int_equal(jint(row, "total"), 3);
	assert_int_equal(jint(row, "reserve"), 2);
	row = find_row(json_object_get(s, "orgs"), "org_id", fx.a);
	assert_int_equal(jint(row, "total"), 3);
	json_decref(s);
	/* bad input names the field */
	body = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)fx.a, "pool", "astronaut", "name", "某某", "gender",
			 "1");
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "pool");
	json_object_set_new(body, "pool", json_string("veteran"));
	json_object_set_new(body, "listed_on", json_string("2026-06-01"));
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "listed_on");
	json_decref(body);
}

/* a valid ID number (GB 11643 check character), unique within the run */
static void talent_id_number(char *id, int year)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static unsigned serial;
	unsigned s = 0, k;
	xsnprintf(id, 19, "110105%04d0615%03u", year, (unsigned)(getpid() * 3 + serial++) % 1000);
	for (k = 0; k < 17; k++)
		s += (unsigned)(id[k] - '0') * (unsigned)w[k];
	id[17] = "10X98765432"[s % 11];
	id[18] = '\0';
}

static int64_t count_recruits(const char *name)
{
	struct stmt *st = db_prepare(fx.ctx.db, "SELECT COUNT(*) FROM recruits WHERE name = ?", &fx.ctx.err);
	int64_t n = -1;
	if (!st)
		life_fail_ctx("count recruits", &fx.ctx);
	stmt_bind_text(st, 1, name);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static int develop(int64_t talent, const char *name, json_t **out)
{
	char id[19];
	json_t *body;
	int rc;
	talent_id_number(id, 1998);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "org_id", (json_int_t)fx.a, "name", name, "id_number", id,
			 "ethnicity", "01", "applied_on", "2026-05-18", "talent_id", (json_int_t)talent);
	err_clear(&fx.ctx.err);
	*out = NULL;
	rc = recruit_create(&fx.ctx, body, out);
	json_decref(body);
	return rc;
}

/* 发起发展: the recruit and the talent's move to 已发展 are one transaction */
static void test_talent_feeds_recruit(void **state)
{
	int64_t t1 = add_talent(fx.a, "youth", "赵推荐"), t2 = add_talent(fx.a, "youth", "钱储备"), rid;
	json_t *rec = NULL, *j = NULL;
	(void)state;
	assert_int_equal(move(t1, "recommended", "支委会推荐"), 0);
	if (develop(t1, "赵推荐", &rec))
		life_fail_ctx("recruit_create with talent_id", &fx.ctx);
	rid = jint(rec, "id");
	json_decref(rec);
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_get(&fx.ctx, t1, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "developed");
	assert_string_equal(json_string_value(json_object_get(j, "developed_on")), "2026-05-20");
	assert_int_equal(jint(j, "recruit_id"), rid);
	json_decref(j);
	/* a talent cannot feed a second recruit, and the refused recruit is not written */
	assert_int_equal(develop(t1, "赵再推", &rec), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "talent.status");
	assert_int_equal(count_recruits("赵再推"), 0);
	/* still 储备 (not recommended): 409, nothing written on either side */
	assert_int_equal(develop(t2, "钱储备", &rec), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "talent.status");
	assert_string_equal(fx.ctx.err.field, "talent_id");
	assert_int_equal(count_recruits("钱储备"), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(talent_get(&fx.ctx, t2, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "reserve");
	assert_true(json_is_null(json_object_get(j, "recruit_id")));
	assert_int_equal(jint(j, "version"), 1);
	json_decref(j);
	/* unknown talent: 404 on the field */
	assert_int_equal(develop(999999999, "孙无名", &rec), E_NOTFOUND);
	assert_int_equal(count_recruits("孙无名"), 0);
}

#define GRID_TESTS                                                         \
	{                                                                  \
		cmocka_unit_test_setup(test_assignment_rule, each),        \
		cmocka_unit_test_setup(test_coverage_arithmetic, each),    \
		cmocka_unit_test_setup(test_coverage_pages, each),         \
		cmocka_unit_test_setup(test_bulk_assign_atomic, each),     \
		cmocka_unit_test_setup(test_import_all_or_nothing, each),  \
		cmocka_unit_test_setup(test_talent_status_order, each),    \
		cmocka_unit_test_setup(test_talent_counts_and_fields, each), \
		cmocka_unit_test_setup(test_talent_feeds_recruit, each),   \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = GRID_TESTS;
	const struct CMUnitTest pg_tests[] = GRID_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "网格党员";
	failed = cmocka_run_group_tests_name("grid/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("grid/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("grid/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
