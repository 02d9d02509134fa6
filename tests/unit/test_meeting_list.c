/*
 * The meetings register (meeting_list): newest first (held_on, then id), the subtree's
 * meetings only, the kind and date filters, and paging. A subtree of more branches
 * than list_max is read on SQLite along meetings_recent (045) instead of sorting the
 * subtree: its pages must be exactly the pages of the usual read. The study hours' total
 * of a large subtree comes from the kept on-roll count less those being transferred:
 * it must equal the count of active members. Runs on SQLite and again on PostgreSQL
 * when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/meeting.h"
#include "store/store.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee, a, b, other;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 6, 30);
	fx.top = life_make_org(0, "dept", "会议列表组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "会议列表党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "列表第一党支部", 0);
	fx.b = life_make_org(fx.committee, "branch", "列表第二党支部", 0);
	fx.other = life_make_org(fx.top, "branch", "列表外党支部", 0);
	life_make_member(fx.a);
	life_make_member(fx.b);
	life_make_member(fx.other);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "meeting-list", populate, 2 };

static int64_t meet(int64_t org, const char *kind, const char *on)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "kind", kind, "held_on",
				 on, "start_time", "09:00", "end_time", "11:00", "lecturer", "书记", "topic", "学习");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx(kind, &fx.ctx);
	json_decref(body);
	return id;
}

/* every page of f laid end to end (per_page as set), with the total of the first */
static json_t *all_pages(struct meeting_filter *f, int64_t *total)
{
	json_t *seen = json_array(), *items = NULL;
	for (f->page = 1;; f->page++) {
		err_clear(&fx.ctx.err);
		if (meeting_list(&fx.ctx, f, &items, total))
			life_fail_ctx("meeting_list", &fx.ctx);
		if (!json_array_size(items)) {
			json_decref(items);
			return seen;
		}
		assert_true((int)json_array_size(items) <= f->per_page);
		json_array_extend(seen, items);
		json_decref(items);
	}
}

static int64_t id_at(json_t *arr, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(arr, i), "id"));
}

static void test_register_order_and_pages(void **state)
{
	struct meeting_filter f;
	int64_t ids[7], total = 0, t2 = 0;
	json_t *usual, *recent;
	size_t i;
	(void)state;
	ids[0] = meet(fx.a, "theme_day", "2026-03-10");
	ids[1] = meet(fx.b, "theme_day", "2026-05-10");
	ids[2] = meet(fx.a, "lecture", "2026-05-10"); /* same day: the later id first */
	ids[3] = meet(fx.other, "theme_day", "2026-06-01");
	ids[4] = meet(fx.b, "lecture", "2026-01-20");
	ids[5] = meet(fx.a, "theme_day", "2026-06-20");
	ids[6] = meet(fx.b, "theme_day", "2026-04-02");

	meeting_filter_init(&f);
	f.org_id = fx.committee;
	f.per_page = 2;
	usual = all_pages(&f, &total);
	assert_int_equal(total, 6);
	assert_int_equal(json_array_size(usual), 6);
	{
		const int64_t want[6] = { ids[5], ids[2], ids[1], ids[6], ids[0], ids[4] };
		for (i = 0; i < 6; i++)
			assert_int_equal(id_at(usual, i), want[i]);
	}
	/* two branches are more than a list_max of 1: the same pages, read newest first */
	f.list_max = 1;
	recent = all_pages(&f, &t2);
	assert_int_equal(t2, total);
	assert_true(json_equal(recent, usual));
	json_decref(recent);

	/* with the kind and date filters too */
	f.kind = meeting_kind_parse("theme_day");
	strlcpy_z(f.from, "2026-04-01", sizeof(f.from));
	strlcpy_z(f.to, "2026-06-19", sizeof(f.to));
	recent = all_pages(&f, &t2);
	assert_int_equal(t2, 2);
	assert_int_equal(id_at(recent, 0), ids[1]);
	assert_int_equal(id_at(recent, 1), ids[6]);
	json_decref(recent);
	f.list_max = 0;
	recent = all_pages(&f, &t2);
	assert_int_equal(id_at(recent, 0), ids[1]);
	assert_int_equal(json_array_size(recent), 2);
	json_decref(recent);
	json_decref(usual);
}

static void set_state(int64_t member, const char *state)
{
	char sql[160];
	xsnprintf(sql, sizeof(sql), "UPDATE members SET state = '%s' WHERE id = %lld", state, (long long)member);
	err_clear(&fx.ctx.err);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx("update members", &fx.ctx);
}

static int64_t hours_total(int64_t org, int list_max)
{
	json_t *j = NULL;
	int64_t total;
	err_clear(&fx.ctx.err);
	if (compliance_hours_summary_opts(&fx.ctx, org, 2026, 1, 50, list_max, &j))
		life_fail_ctx("compliance_hours_summary_opts", &fx.ctx);
	total = json_integer_value(json_object_get(j, "total"));
	json_decref(j);
	return total;
}

static void test_hours_total(void **state)
{
	int64_t town, x, y, m[6];
	int i;
	(void)state;
	town = life_make_org(fx.top, "committee", "学时镇党委", 0);
	x = life_make_org(town, "branch", "学时甲支部", 0);
	y = life_make_org(town, "branch", "学时乙支部", 0);
	for (i = 0; i < 6; i++)
		m[i] = life_make_member(i < 3 ? x : y);
	set_state(m[1], "transferring");
	set_state(m[4], "transferring");
	set_state(m[5], "transferred_out");
	assert_int_equal(hours_total(town, 0), 3);  /* counted: two branches are few */
	assert_int_equal(hours_total(town, 1), 3);  /* kept 5 on the roll, less 2 being transferred */
	assert_int_equal(hours_total(x, 1), 2);     /* one branch is never large */
	set_state(m[1], "active");
	assert_int_equal(hours_total(town, 1), 4);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = { cmocka_unit_test(test_register_order_and_pages),
						 cmocka_unit_test(test_hours_total) };
	const struct CMUnitTest pg_tests[] = { cmocka_unit_test(test_register_order_and_pages),
						 cmocka_unit_test(test_hours_total) };
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("meeting_list/sqlite", sqlite_tests, life_suite_setup_sqlite,
					     life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("meeting_list/postgres", pg_tests, life_suite_setup_pg,
						      life_suite_teardown);
	else
		printf("meeting_list/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
