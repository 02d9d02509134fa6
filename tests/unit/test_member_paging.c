/*
 * Keyset paging of the member registry (domain/member.c, member_filter.after) and the
 * sliced read of member_each (exports), on SQLite and, with DJ_TEST_PG_URL, on
 * PostgreSQL: in every order, with names, dates and orgs that tie, the pages read
 * after the previous page's last member are the pages read by number, and member_each
 * in slices of 1, 2, 3 or 5,000 members yields the one-query list, filtered or not, and
 * reads one snapshot however the list changes meanwhile.
 * A cursor outside the listed subtree is refused naming `after`. The plain list's total (the kept
 * count of its subtree) is the subtree's on-roll members through moves, leaving and transfers.
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
#include <jansson.h>
#include "domain/member.h"
#include "domain/org.h"
#include "store/store.h"
#include "support/life_fixture.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define N_A 7
#define N_B 6

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b, other;
	int64_t ma[N_A], mb[N_B], mo;
};

static struct fixture fx;

static const char *const sorts[] = { "", "name", "-name", "join_date", "-join_date", "birth_date", "-birth_date", "id" };

static void set_member(int64_t id, const char *name, const char *birth, const char *join)
{
	struct stmt *st = db_prepare(fx.ctx.db, "UPDATE members SET name = ?, birth_date = ?, join_date = ? WHERE id = ?",
				     &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, name);
	stmt_bind_text(st, 2, birth);
	stmt_bind_text(st, 3, join);
	stmt_bind_int(st, 4, id);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

static int populate(int pg)
{
	/* names, birth and join dates that repeat within and across the two branches */
	static const char *const names[] = { "李明", "王芳", "李明", "张伟" };
	static const char *const births[] = { "1970-03-15", "1980-05-12", "1970-03-15" };
	static const char *const joins[] = { "1995-07-01", "2001-07-01" };
	int i;
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "分页县委组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "分页镇党委", 0);
	fx.a = life_make_org(fx.town, "branch", "分页东村党支部", 3);
	fx.b = life_make_org(fx.town, "branch", "分页西村党支部", 3);
	fx.other = life_make_org(fx.top, "branch", "分页机关党支部", 3);
	life_make_members(fx.a, fx.ma, N_A);
	life_make_members(fx.b, fx.mb, N_B);
	fx.mo = life_make_member(fx.other);
	for (i = 0; i < N_A; i++)
		set_member(fx.ma[i], names[i % 4], births[i % 3], joins[i % 2]);
	for (i = 0; i < N_B; i++)
		set_member(fx.mb[i], names[(i + 1) % 4], births[(i + 2) % 3], joins[i % 2]);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "member_paging", populate, 2 };

/* the ids of a list page, appended to out ("id,id,…,"); *last = the page's last id */
static size_t page_ids(const struct member_filter *f, struct strbuf *out, int64_t *last)
{
	json_t *items = NULL;
	int64_t total = 0;
	size_t i, n;
	err_clear(&fx.ctx.err);
	if (member_list(&fx.ctx, f, &items, &total))
		life_fail_ctx("member_list", &fx.ctx);
	n = json_array_size(items);
	for (i = 0; i < n; i++) {
		*last = json_integer_value(json_object_get(json_array_get(items, i), "id"));
		strbuf_addf(out, "%" PRId64 ",", *last);
	}
	json_decref(items);
	return n;
}

static void test_after_equals_pages(void **state)
{
	size_t s;
	int per;
	(void)state;
	for (s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++)
		for (per = 1; per <= 4; per++) {
			struct strbuf by_page = STRBUF_INIT, by_after = STRBUF_INIT;
			struct member_filter f;
			int64_t last = 0;
			member_filter_init(&f);
			f.org_id = fx.town;
			f.per_page = per;
			strlcpy_z(f.sort, sorts[s], sizeof(f.sort));
			for (f.page = 1; page_ids(&f, &by_page, &last) == (size_t)per; f.page++)
				;
			f.page = 1;
			last = 0;
			do
				f.after = last;
			while (page_ids(&f, &by_after, &last) == (size_t)per);
			if (strcmp(by_page.buf, by_after.buf))
				fail_msg("sort '%s' per_page %d\npages: %s\nafter: %s", sorts[s], per, by_page.buf, by_after.buf);
			/* every member of the town once */
			assert_int_equal(strlen(by_page.buf) > 0, 1);
			strbuf_release(&by_page);
			strbuf_release(&by_after);
		}
}

static int collect(void *arg, const struct member *m)
{
	strbuf_addf(arg, "%" PRId64 ",", m->id);
	return 0;
}

static void each_equals_list(struct member_filter *f)
{
	static const int slices[] = { 1, 2, 3, 5000 };
	struct strbuf list = STRBUF_INIT;
	int64_t last = 0;
	size_t k;
	f->page = 1;
	f->per_page = 200;
	page_ids(f, &list, &last);
	for (k = 0; k < sizeof(slices) / sizeof(slices[0]); k++) {
		struct strbuf each = STRBUF_INIT;
		member_each_slice = slices[k];
		err_clear(&fx.ctx.err);
		if (member_each(&fx.ctx, f, collect, &each))
			life_fail_ctx("member_each", &fx.ctx);
		if (strcmp(list.buf, each.buf))
			fail_msg("sort '%s' slice %d\nlist: %s\neach: %s", f->sort, slices[k], list.buf, each.buf);
		strbuf_release(&each);
	}
	member_each_slice = 5000;
	strbuf_release(&list);
}

static void test_each_in_slices(void **state)
{
	size_t s;
	(void)state;
	for (s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
		struct member_filter f;
		member_filter_init(&f);
		strlcpy_z(f.sort, sorts[s], sizeof(f.sort));
		f.org_id = fx.top;
		each_equals_list(&f);
		strlcpy_z(f.q, "李明", sizeof(f.q));
		each_equals_list(&f);
	}
}

/*
 * The slices are one snapshot: a member another connection takes out of the list while
 * the first slices are read is still in the export (without the snapshot the later
 * slices would leave it out), and a second read sees the change.
 */
struct concurrent {
	struct strbuf ids;
	struct db *other;
	int64_t victim;
	int done;
};

static int change_midway(void *arg, const struct member *m)
{
	struct concurrent *c = arg;
	strbuf_addf(&c->ids, "%" PRId64 ",", m->id);
	if (!c->done) {
		struct err e = { 0 };
		char sql[96];
		xsnprintf(sql, sizeof(sql), "UPDATE members SET state = 'left' WHERE id = %" PRId64, c->victim);
		assert_int_equal(db_exec(c->other, sql, &e), 0);
		c->done = 1;
	}
	return 0;
}

static void test_each_one_snapshot(void **state)
{
	struct member_filter f;
	struct concurrent c = { STRBUF_INIT, NULL, 0, 0 };
	struct strbuf list = STRBUF_INIT, after = STRBUF_INIT;
	struct err e = { 0 };
	char sql[96];
	int64_t last = 0;
	(void)state;
	member_filter_init(&f);
	f.org_id = fx.town;
	strlcpy_z(f.sort, "id", sizeof(f.sort));
	f.per_page = 200;
	page_ids(&f, &list, &last);
	c.victim = fx.mb[N_B - 1]; /* the last by id: read in the last slice */
	c.other = store_acquire(fx.ls.store);
	member_each_slice = 2;
	err_clear(&fx.ctx.err);
	if (member_each(&fx.ctx, &f, change_midway, &c))
		life_fail_ctx("member_each", &fx.ctx);
	member_each_slice = 5000;
	assert_string_equal(c.ids.buf, list.buf);
	page_ids(&f, &after, &last);
	assert_int_equal((int)strlen(after.buf) < (int)strlen(list.buf), 1); /* the change is seen after */
	xsnprintf(sql, sizeof(sql), "UPDATE members SET state = 'active' WHERE id = %" PRId64, c.victim);
	assert_int_equal(db_exec(c.other, sql, &e), 0);
	store_release(fx.ls.store, c.other);
	strbuf_release(&c.ids);
	strbuf_release(&list);
	strbuf_release(&after);
}

static void test_after_outside_refused(void **state)
{
	struct member_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	(void)state;
	member_filter_init(&f);
	f.org_id = fx.town;
	f.after = fx.mo; /* a member of 分页机关党支部, outside the town */
	err_clear(&fx.ctx.err);
	assert_int_equal(member_list(&fx.ctx, &f, &items, &total), E_MALFORMED);
	assert_string_equal(fx.ctx.err.field, "after");
	f.after = fx.mb[0];
	err_clear(&fx.ctx.err);
	assert_int_equal(member_list(&fx.ctx, &f, &items, &total), 0);
	assert_int_equal(total, N_A + N_B); /* the total is the whole list's */
	json_decref(items);
}

/* the plain list's total of org (0: every org) and the on-roll members counted in its subtree */
static void total_is_count(int64_t org, const char *what)
{
	struct member_filter f;
	json_t *items = NULL;
	int64_t total = -1, count = -1;
	struct stmt *st;
	struct org o;
	char hi[PATH_MAX_LEN];
	member_filter_init(&f);
	f.org_id = org;
	f.per_page = 1;
	err_clear(&fx.ctx.err);
	if (member_list(&fx.ctx, &f, &items, &total))
		life_fail_ctx("member_list", &fx.ctx);
	json_decref(items);
	if (org)
		assert_int_equal(org_get(&fx.ctx, org, &o), 0);
	else
		strlcpy_z(o.path, "/", sizeof(o.path));
	path_range_end(o.path, hi, sizeof(hi));
	st = db_prepare(fx.ctx.db,
			"SELECT count(*) FROM members WHERE org_path >= ? AND org_path < ? AND state IN ('active', 'transferring')",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, o.path);
	stmt_bind_text(st, 2, hi);
	assert_int_equal(ctx_step_int(&fx.ctx, st, &count), 0);
	if (total != count)
		fail_msg("%s: org %" PRId64 " lists a total of %" PRId64 ", its subtree has %" PRId64 " on the roll", what, org,
			 total, count);
}

static void totals_are_counts(const char *what)
{
	const int64_t orgs[] = { 0, fx.top, fx.town, fx.a, fx.b, fx.other };
	size_t i;
	for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		total_is_count(orgs[i], what);
}

static void set_state(int64_t id, const char *state)
{
	struct stmt *st = db_prepare(fx.ctx.db, "UPDATE members SET state = ? WHERE id = ?", &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, state);
	stmt_bind_int(st, 2, id);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

/* the plain list's total (the kept count of its subtree) through moves, leaving, transfers */
static void test_totals_kept(void **state)
{
	struct org o;
	(void)state;
	totals_are_counts("as made");
	set_state(fx.ma[0], "left");
	set_state(fx.mb[1], "transferring");
	totals_are_counts("a member left, one transferring");
	assert_int_equal(org_get(&fx.ctx, fx.b, &o), 0);
	if (org_move(&fx.ctx, fx.b, fx.top, o.version))
		life_fail_ctx("org_move", &fx.ctx);
	totals_are_counts("a branch moved out of the town");
	assert_int_equal(org_get(&fx.ctx, fx.b, &o), 0);
	if (org_move(&fx.ctx, fx.b, fx.town, o.version))
		life_fail_ctx("org_move", &fx.ctx);
	set_state(fx.ma[0], "active");
	set_state(fx.mb[1], "active");
	totals_are_counts("moved back");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_after_equals_pages),
		cmocka_unit_test(test_each_in_slices),
		cmocka_unit_test(test_each_one_snapshot),
		cmocka_unit_test(test_after_outside_refused),
		cmocka_unit_test(test_totals_kept),
	};
	int failed;
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("member_paging/sqlite", tests, life_suite_setup_sqlite, life_suite_teardown);
	if (getenv("DJ_TEST_PG_URL") && getenv("DJ_TEST_PG_URL")[0])
		failed += cmocka_run_group_tests_name("member_paging/postgres", tests, life_suite_setup_pg,
						      life_suite_teardown);
	else
		printf("member_paging/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
