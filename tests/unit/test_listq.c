/*
 * The list-query builder (domain/listq.h) on its own, over the orgs table: conditions
 * and their parameters in order, optional filters that add nothing when empty, a
 * calendar year on a date column, the contains filter taking LIKE's wildcards
 * literally, the subtree range (of an org, of the actor's scope, refused outside it),
 * count and paging, parameters of the select list bound before the WHERE's, and one
 * row by id. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/listq.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, pct, plain, under, other;
};

static struct fixture fx;

/* top → town → {100%村, 100村, 1_0村}; other: a second tree */
static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "列表组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "列表镇党委", 0);
	fx.pct = life_make_org(fx.town, "branch", "100%村党支部", 3);
	fx.plain = life_make_org(fx.town, "branch", "100村党支部", 3);
	fx.under = life_make_org(fx.town, "branch", "1_0村党支部", 3);
	fx.other = life_make_org(0, "dept", "别处组织部", 0);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "listq", populate, 2 };

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

static json_t *org_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "tag",
			 stmt_text(st, 2) ? stmt_text(st, 2) : "");
}

static const struct listq_sql org_sql = {
	"SELECT count(*) FROM orgs o",
	"SELECT o.id, o.name, CAST(? AS TEXT) FROM orgs o",
	" ORDER BY o.path",
};

/* ids of a list run with q (one head parameter "tag" is added here) */
static json_t *run(struct listq *q, int page, int per_page, int64_t *total)
{
	json_t *items = NULL;
	err_clear(&fx.ctx.err);
	listq_head_text(q, "tag");
	if (listq_list(&fx.ctx, q, &org_sql, page, per_page, org_row, NULL, &items, total))
		life_fail_ctx("listq_list", &fx.ctx);
	return items;
}

/* one page of the orgs under root (0: the actor's scope) of kind (NULL: any) whose columns contain s */
static json_t *orgs_under(int64_t root, const char *kind, const char *contains, int columns, const char *s, int page,
			  int per_page, int64_t *total)
{
	struct listq q;
	json_t *items;
	listq_init(&q);
	assert_int_equal(listq_subtree(&fx.ctx, &q, "o.path", root), 0);
	listq_filter_text(&q, "o.kind = ?", kind);
	listq_filter_contains(&q, contains, columns, s); /* nothing for s NULL */
	items = run(&q, page, per_page, total);
	listq_release(&q);
	return items;
}

static int64_t id_at(json_t *items, size_t k)
{
	return json_integer_value(json_object_get(json_array_get(items, k), "id"));
}

static void test_conditions(void **state)
{
	struct listq q;
	(void)state;
	listq_init(&q);
	assert_string_equal(q.where.buf, "");
	listq_filter_text(&q, "o.kind = ?", NULL);
	listq_filter_text(&q, "o.kind = ?", "");
	listq_filter_int(&q, "o.depth = ?", 0);
	listq_filter_contains(&q, "o.name LIKE ? ESCAPE '\\'", 1, "");
	assert_string_equal(q.where.buf, "");
	assert_int_equal(q.params.n, 0);
	listq_where_text(&q, "o.kind = ?", "branch");
	listq_filter_int(&q, "o.depth = ?", 3);
	listq_where(&q, "o.dissolved_on IS NULL");
	listq_filter_contains(&q, "(o.name LIKE ? ESCAPE '\\' OR o.code LIKE ? ESCAPE '\\')", 2, "a%b");
	assert_string_equal(q.where.buf, " WHERE o.kind = ? AND o.depth = ? AND o.dissolved_on IS NULL AND "
					 "(o.name LIKE ? ESCAPE '\\' OR o.code LIKE ? ESCAPE '\\')");
	assert_int_equal(q.params.n, 4);
	assert_int_equal(q.params.v[0].type, 't');
	assert_string_equal(q.params.v[0].text, "branch");
	assert_int_equal(q.params.v[1].type, 'i');
	assert_int_equal(q.params.v[1].num, 3);
	assert_string_equal(q.params.v[2].text, "%a\\%b%");
	assert_string_equal(q.params.v[3].text, "%a\\%b%");
	listq_release(&q);

	listq_init(&q);
	listq_where_in_year(&q, "a.held_on", 2026);
	assert_string_equal(q.where.buf, " WHERE a.held_on >= ? AND a.held_on <= ?");
	assert_string_equal(q.params.v[0].text, "2026-01-01");
	assert_string_equal(q.params.v[1].text, "2026-12-31");
	listq_release(&q);
}

static void test_subtree_count_and_paging(void **state)
{
	struct listq q;
	json_t *items;
	int64_t total = -1;
	(void)state;
	as_system();
	listq_init(&q);
	assert_int_equal(listq_subtree(&fx.ctx, &q, "o.path", fx.town), 0);
	assert_int_equal(q.root.id, fx.town);
	listq_where_text(&q, "o.kind = ?", "branch");
	items = run(&q, 1, 2, &total);
	/* the three branches of the town, not the town, not the other tree */
	assert_int_equal(total, 3);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "tag")), "tag");
	json_decref(items);
	listq_release(&q);

	items = orgs_under(fx.town, "branch", NULL, 0, NULL, 2, 2, &total);
	assert_int_equal(total, 3);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);

	/* the system's scope is every tree */
	items = orgs_under(0, NULL, NULL, 0, NULL, 1, 50, &total);
	assert_true(total >= 6);
	json_decref(items);
}

static void test_actor_scope(void **state)
{
	struct listq q;
	json_t *items;
	int64_t total = -1;
	(void)state;
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	items = orgs_under(0, NULL, NULL, 0, NULL, 1, 50, &total);
	assert_int_equal(total, 4); /* the town and its three branches */
	assert_int_equal(id_at(items, 0), fx.town);
	json_decref(items);

	/* another tree is outside the scope: not found, nothing listed */
	listq_init(&q);
	assert_int_equal(listq_subtree(&fx.ctx, &q, "o.path", fx.other), E_NOTFOUND);
	listq_release(&q);
	listq_init(&q);
	assert_int_equal(listq_subtree(&fx.ctx, &q, "o.path", fx.top), E_NOTFOUND);
	listq_release(&q);
	as_system();
}

static void test_contains_is_literal(void **state)
{
	json_t *items;
	int64_t total = -1;
	(void)state;
	as_system();
	items = orgs_under(fx.town, NULL, "o.name LIKE ? ESCAPE '\\'", 1, "100%", 1, 50, &total);
	assert_int_equal(total, 1);
	assert_int_equal(id_at(items, 0), fx.pct);
	json_decref(items);
	items = orgs_under(fx.town, NULL, "(o.name LIKE ? ESCAPE '\\' OR o.code LIKE ? ESCAPE '\\')", 2, "1_0", 1, 50,
			   &total);
	assert_int_equal(total, 1);
	assert_int_equal(id_at(items, 0), fx.under);
	json_decref(items);
}

static void test_row_by_id(void **state)
{
	struct stmt *row = NULL;
	(void)state;
	as_system();
	assert_int_equal(listq_row_by_id(&fx.ctx, "SELECT name FROM orgs WHERE id = ?", fx.plain, &row), 0);
	assert_non_null(row);
	assert_string_equal(stmt_text(row, 0), "100村党支部");
	stmt_reset(row);
	assert_int_equal(listq_row_by_id(&fx.ctx, "SELECT name FROM orgs WHERE id = ?", fx.other + 1000, &row), 0);
	assert_null(row);
}

#define LISTQ_TESTS                                             \
	{                                                       \
		cmocka_unit_test(test_conditions),              \
		cmocka_unit_test(test_subtree_count_and_paging), \
		cmocka_unit_test(test_actor_scope),             \
		cmocka_unit_test(test_contains_is_literal),     \
		cmocka_unit_test(test_row_by_id),               \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = LISTQ_TESTS;
	const struct CMUnitTest pg_tests[] = LISTQ_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("listq/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("listq/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("listq/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
