/*
 * 目标任务分解表 (挂图作战) in the domain layer with an injected today: a milestone turns
 * overdue only after its month's last day (month ends, year end, 29 February), a task
 * after its due date; the overdue list is sorted by how late; completing needs every
 * milestone (409 task.milestones); reopening needs a reason; the wall's cells; the
 * responsible unit inside the assigning org's subtree; a branch that is the responsible
 * unit reports progress but cannot complete. SQLite, and PostgreSQL with DJ_TEST_PG_URL.
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
#include "domain/task.h"
#include "support/life_fixture.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, other_town, branch, other_branch;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 1, 10);
	fx.top = life_make_org(0, "dept", "任务组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "任务镇党委", 0);
	fx.other_town = life_make_org(fx.top, "committee", "别的镇党委", 0);
	fx.branch = life_make_org(fx.town, "branch", "任务村党支部", 3);
	fx.other_branch = life_make_org(fx.other_town, "branch", "别村党支部", 3);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "tasks", populate, 2 };

static struct date d(int y, int m, int dd)
{
	struct date x = { y, m, dd };
	return x;
}

/* a task of the town for the branch, milestones in the given months (0-terminated) */
static int64_t make_task(const char *title, const char *due, const int *months)
{
	json_t *body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s, s:[]}", "org_id", (json_int_t)fx.town, "year", 2026,
				 "title", title, "unit_org_id", (json_int_t)fx.branch, "person_name", "张书记", "due_on",
				 due, "milestones");
	int64_t id = 0;
	char target[32];
	for (; *months; months++) {
		snprintf(target, sizeof(target), "%d月目标", *months);
		json_array_append_new(json_object_get(body, "milestones"), json_pack("{s:i, s:s}", "month", *months, "target", target));
	}
	if (task_create(&fx.ctx, body, &id))
		life_fail_ctx("task_create", &fx.ctx);
	json_decref(body);
	assert_true(id > 0);
	return id;
}

static int64_t version_of(int64_t id)
{
	json_t *j = NULL;
	int64_t v;
	assert_int_equal(task_get(&fx.ctx, id, &j), 0);
	v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

static int mark(int64_t id, int month, const char *status)
{
	json_t *body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "status", status);
	int rc = task_milestone_set(&fx.ctx, id, month, body);
	json_decref(body);
	return rc;
}

static void test_cells_at_month_ends(void **state)
{
	(void)state;
	assert_int_equal(task_milestone_cell(2026, 3, 0, d(2026, 3, 31)), TC_PENDING);
	assert_int_equal(task_milestone_cell(2026, 3, 0, d(2026, 4, 1)), TC_OVERDUE);
	assert_int_equal(task_milestone_cell(2026, 3, 1, d(2026, 4, 1)), TC_DONE);
	assert_int_equal(task_milestone_cell(2025, 12, 0, d(2025, 12, 31)), TC_PENDING);
	assert_int_equal(task_milestone_cell(2025, 12, 0, d(2026, 1, 1)), TC_OVERDUE);
	assert_int_equal(task_milestone_cell(2028, 2, 0, d(2028, 2, 29)), TC_PENDING);
	assert_int_equal(task_milestone_cell(2028, 2, 0, d(2028, 3, 1)), TC_OVERDUE);
	assert_int_equal(task_milestone_cell(2026, 6, 0, d(2026, 1, 1)), TC_PENDING);
	assert_string_equal(task_cell_code(TC_OVERDUE), "overdue");
	assert_int_equal(task_is_overdue("2026-06-30", 0, d(2026, 6, 30)), 0);
	assert_int_equal(task_is_overdue("2026-06-30", 0, d(2026, 7, 1)), 1);
	assert_int_equal(task_is_overdue("2026-06-30", 1, d(2026, 7, 1)), 0);
	assert_int_equal(task_days_late(d(2026, 2, 28), d(2026, 3, 2)), 2);
	assert_int_equal(task_days_late(d(2026, 2, 28), d(2026, 2, 1)), 0);
}

static void test_overdue_list_sorted(void **state)
{
	static const int m123[] = { 1, 2, 3, 0 }, none[] = { 0 };
	int64_t a, b;
	json_t *items = NULL, *it;
	(void)state;
	life_set_today(2026, 1, 10);
	a = make_task("一季度任务", "2026-03-31", m123);
	b = make_task("一月任务", "2026-01-15", none);
	/* on 31 January nothing is overdue yet but the task due on the 15th */
	life_set_today(2026, 1, 31);
	assert_int_equal(task_overdue_list(&fx.ctx, fx.town, &items), 0);
	assert_int_equal(json_array_size(items), 1);
	it = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(it, "task_id")), b);
	assert_int_equal(json_integer_value(json_object_get(it, "days_late")), 16);
	json_decref(items);
	/* 1 February: January's milestone is one day late, after the task 17 days late */
	life_set_today(2026, 2, 1);
	assert_int_equal(task_overdue_list(&fx.ctx, fx.town, &items), 0);
	assert_int_equal(json_array_size(items), 2);
	it = json_array_get(items, 1);
	assert_string_equal(json_string_value(json_object_get(it, "kind")), "milestone");
	assert_int_equal(json_integer_value(json_object_get(it, "task_id")), a);
	assert_int_equal(json_integer_value(json_object_get(it, "month")), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "days_late")), 1);
	assert_string_equal(json_string_value(json_object_get(it, "due_on")), "2026-01-31");
	json_decref(items);
	/* done milestones leave the list; another town's subtree sees nothing */
	assert_int_equal(mark(a, 1, "done"), 0);
	assert_int_equal(task_overdue_list(&fx.ctx, fx.town, &items), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	assert_int_equal(task_overdue_list(&fx.ctx, fx.other_town, &items), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

static void test_completion_rule(void **state)
{
	static const int m12[] = { 1, 2, 0 };
	int64_t id;
	json_t *body, *j = NULL;
	(void)state;
	life_set_today(2026, 1, 10);
	id = make_task("完成规则", "2026-02-28", m12);
	assert_int_equal(mark(id, 1, "done"), 0);
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	assert_int_equal(task_complete(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "task.milestones");
	assert_non_null(strstr(fx.ctx.err.message, "2月"));
	json_decref(body);
	/* a stale version is refused before anything else */
	body = json_pack("{s:I, s:s}", "version", (json_int_t)1, "status", "done");
	assert_int_equal(task_milestone_set(&fx.ctx, id, 2, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);
	assert_int_equal(mark(id, 2, "done"), 0);
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	assert_int_equal(task_complete(&fx.ctx, id, body), 0);
	json_decref(body);
	assert_int_equal(task_get(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "completed");
	assert_string_equal(json_string_value(json_object_get(j, "completed_on")), "2026-01-10");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "progress"), "percent")), 100);
	json_decref(j);
	/* a completed task is not overdue, and its milestones are closed */
	life_set_today(2026, 5, 1);
	assert_int_equal(mark(id, 2, "pending"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "task.status");
	/* reopening needs a reason */
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "reason", "  ");
	assert_int_equal(task_reopen(&fx.ctx, id, body), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "task.reopen_reason");
	json_decref(body);
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "reason", "督查发现台账不全");
	assert_int_equal(task_reopen(&fx.ctx, id, body), 0);
	json_decref(body);
	assert_int_equal(task_get(&fx.ctx, id, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	assert_true(json_is_true(json_object_get(j, "overdue")));
	assert_string_equal(json_string_value(json_object_get(j, "reopen_reason")), "督查发现台账不全");
	json_decref(j);
	/* reopening an open task is out of order */
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "reason", "再开");
	assert_int_equal(task_reopen(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "task.status");
	json_decref(body);
}

static const char *cell(json_t *row, int month)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(row, "cells"), (size_t)month - 1), "status"));
}

static void test_wall_cells(void **state)
{
	static const int m1234[] = { 1, 2, 3, 4, 0 };
	struct task_filter f;
	json_t *wall = NULL, *rows, *row = NULL;
	int64_t id;
	size_t i;
	(void)state;
	life_set_today(2026, 1, 10);
	id = make_task("挂图任务", "2026-04-30", m1234);
	assert_int_equal(mark(id, 1, "done"), 0);
	life_set_today(2026, 3, 1);
	memset(&f, 0, sizeof(f));
	f.org_id = fx.town;
	f.year = 2026;
	assert_int_equal(task_wall(&fx.ctx, &f, &wall), 0);
	rows = json_object_get(wall, "rows");
	for (i = 0; i < json_array_size(rows); i++)
		if (json_integer_value(json_object_get(json_array_get(rows, i), "id")) == id)
			row = json_array_get(rows, i);
	assert_non_null(row);
	assert_int_equal(json_array_size(json_object_get(row, "cells")), 12);
	assert_string_equal(cell(row, 1), "done");
	assert_string_equal(cell(row, 2), "overdue");
	assert_string_equal(cell(row, 3), "pending");
	assert_string_equal(cell(row, 4), "pending");
	assert_string_equal(cell(row, 5), "none");
	assert_string_equal(cell(row, 12), "none");
	assert_string_equal(json_string_value(json_object_get(row, "progress_text")), "1/4");
	json_decref(wall);
	/* another year's wall does not show it; another town's subtree neither */
	f.year = 2025;
	assert_int_equal(task_wall(&fx.ctx, &f, &wall), 0);
	assert_int_equal(json_array_size(json_object_get(wall, "rows")), 0);
	json_decref(wall);
	f.year = 2026;
	f.org_id = fx.other_town;
	assert_int_equal(task_wall(&fx.ctx, &f, &wall), 0);
	assert_int_equal(json_array_size(json_object_get(wall, "rows")), 0);
	json_decref(wall);
}

static void test_unit_and_scope(void **state)
{
	static const int m1[] = { 1, 0 };
	struct org b;
	json_t *body;
	int64_t id = 0;
	(void)state;
	life_set_today(2026, 1, 10);
	/* the responsible unit lies in the assigning org's subtree */
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s}", "org_id", (json_int_t)fx.town, "year", 2026, "title", "越界",
			 "unit_org_id", (json_int_t)fx.other_branch, "person_name", "李", "due_on", "2026-05-01");
	assert_int_equal(task_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "task.unit");
	json_decref(body);
	/* duplicate months */
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s, s:[{s:i, s:s}, {s:i, s:s}]}", "org_id", (json_int_t)fx.town, "year",
			 2026, "title", "重复", "unit_org_id", (json_int_t)fx.branch, "person_name", "李", "due_on", "2026-05-01",
			 "milestones", "month", 3, "target", "a", "month", 3, "target", "b");
	assert_int_equal(task_create(&fx.ctx, body, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "task.milestone_month");
	json_decref(body);
	id = make_task("支部上报", "2026-03-31", m1);
	/* the branch's secretary sees the town's task, reports the milestone, cannot complete */
	assert_int_equal(org_get(&fx.ctx, fx.branch, &b), 0);
	fx.ctx.actor.role = ROLE_SECRETARY;
	fx.ctx.actor.org_id = b.id;
	snprintf(fx.ctx.actor.org_path, sizeof(fx.ctx.actor.org_path), "%s", b.path);
	assert_int_equal(mark(id, 1, "done"), 0);
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	assert_int_equal(task_complete(&fx.ctx, id, body), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "task.assigner");
	json_decref(body);
	ctx_as_system(&fx.ctx);
	body = json_pack("{s:I}", "version", (json_int_t)version_of(id));
	assert_int_equal(task_complete(&fx.ctx, id, body), 0);
	json_decref(body);
}

static int64_t list_count(struct task_filter *f, int64_t want_id, int *found)
{
	json_t *items = NULL;
	int64_t total = 0;
	size_t i;
	assert_int_equal(task_list(&fx.ctx, f, 1, 100, &items, &total), 0);
	*found = 0;
	for (i = 0; i < json_array_size(items); i++)
		*found |= json_integer_value(json_object_get(json_array_get(items, i), "id")) == want_id;
	json_decref(items);
	return total;
}

static void test_list_filters_and_dates(void **state)
{
	static const int m13[] = { 1, 3, 0 };
	struct task_filter f;
	json_t *body;
	int64_t id, dummy = 0;
	int found;
	(void)state;
	life_set_today(2026, 1, 10);
	/* a milestone after the due date's month, a due date before the task's year */
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s, s:[{s:i, s:s}]}", "org_id", (json_int_t)fx.town, "year", 2026,
			 "title", "晚节点", "unit_org_id", (json_int_t)fx.branch, "person_name", "李", "due_on", "2026-02-28",
			 "milestones", "month", 3, "target", "三月");
	assert_int_equal(task_create(&fx.ctx, body, &dummy), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "task.milestone_after_due");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s}", "org_id", (json_int_t)fx.town, "year", 2026, "title", "早时限",
			 "unit_org_id", (json_int_t)fx.branch, "person_name", "李", "due_on", "2025-12-31");
	assert_int_equal(task_create(&fx.ctx, body, &dummy), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "task.due_on");
	json_decref(body);

	id = make_task("清单_甲%", "2026-12-31", m13);
	memset(&f, 0, sizeof(f));
	f.org_id = fx.town;
	f.q = "单_甲%"; /* LIKE's wildcards are literal */
	assert_int_equal(list_count(&f, id, &found), 1);
	assert_true(found);
	f.q = "单x甲";
	assert_int_equal(list_count(&f, id, &found), 0);
	f.q = NULL;
	/* overdue: not on 31 January (January's milestone is due that day), yes on 1 February */
	f.overdue = 1;
	life_set_today(2026, 1, 31);
	list_count(&f, id, &found);
	assert_false(found);
	life_set_today(2026, 2, 1);
	list_count(&f, id, &found);
	assert_true(found);
	f.overdue = 0;
	f.status = "completed";
	list_count(&f, id, &found);
	assert_false(found);
	f.status = "open";
	f.unit_id = fx.branch;
	f.year = 2026;
	list_count(&f, id, &found);
	assert_true(found);
	f.year = 2025;
	assert_int_equal(list_count(&f, id, &found), 0);
	f.status = "bogus";
	{
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(task_list(&fx.ctx, &f, 1, 10, &items, &total), E_MALFORMED);
	}
}

#define TASK_TESTS                                              \
	{                                                       \
		cmocka_unit_test(test_cells_at_month_ends),     \
		cmocka_unit_test(test_overdue_list_sorted),     \
		cmocka_unit_test(test_completion_rule),         \
		cmocka_unit_test(test_wall_cells),              \
		cmocka_unit_test(test_unit_and_scope),          \
		cmocka_unit_test(test_list_filters_and_dates),  \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = TASK_TESTS;
	const struct CMUnitTest pg_tests[] = TASK_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("tasks/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("tasks/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("tasks/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
