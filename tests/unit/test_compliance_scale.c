/*
 * The compliance check of a large subtree (domain/compliance.c, issue 8) against the
 * reference computation, on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set:
 * 谈心谈话 read from the counts kept per org (038_org_talks) must give the reply the
 * pass over the members gives, byte for byte, after talk meetings and their attendance
 * written, edited, deleted and moved to another year, members added, removed, made
 * probationary, transferred between branches and deleted, a branch moved to another
 * town, and the clock moving on; the kept counts equal a GROUP BY over the members and
 * their kept months; a large subtree lists its branches not green one page at a time.
 *
 * A province root listing only some of its branches (more than list_max) is read from
 * what 040_compliance_kept keeps (months with meetings per branch, 党小组 that met per
 * month, 党小组 per branch): every page of it equals the reference's page, byte for byte,
 * after 党小组会 held, moved and deleted, 党小组 added, moved to another branch, dissolved
 * and deleted; the kept rows equal their rebuild from meeting_counts and orgs
 * (compliance_kept_rebuild, the generator's), so a trigger that misses a write fails.
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
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NBR 56 /* more than TALK_NAMES_BRANCHES (50): the subtree is read without names */
#define PER 3  /* members per branch */

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, mid, town[2], br[NBR], mem[NBR][PER];
	int64_t grp[NBR][2]; /* 党小组: one for every 4th branch, a second for every 8th */
};

static struct fixture fx;

static int populate(int pg)
{
	char name[64];
	int i, j;
	(void)pg;
	life_set_today(2026, 12, 31);
	fx.top = life_make_org(0, "dept", "规模组织部", 0);
	fx.mid = life_make_org(fx.top, "dept", "规模市委组织部", 0);
	fx.town[0] = life_make_org(fx.mid, "committee", "甲镇党委", 0);
	fx.town[1] = life_make_org(fx.mid, "committee", "乙镇党委", 0);
	for (i = 0; i < NBR; i++) {
		xsnprintf(name, sizeof(name), "第%d党支部", i + 1);
		fx.br[i] = life_make_org(fx.town[i % 2], "branch", name, i % 3 ? 3 : 0);
		if (i % 4 == 0)
			fx.grp[i][0] = life_make_org(fx.br[i], "group", "第一党小组", 0);
		if (i % 8 == 0)
			fx.grp[i][1] = life_make_org(fx.br[i], "group", "第二党小组", 0);
		for (j = 0; j < PER; j++)
			fx.mem[i][j] = life_make_member_ex(fx.br[i], 0, j == 2 && i % 2 ? "probationary" : "full", "none",
							   NULL);
	}
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "cscale", populate, 2 };

static json_t *att(int64_t id, const char *status, const char *reason)
{
	return reason ? json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)id, "status", status, "reason", reason)
		      : json_pack("{s:I, s:s}", "member_id", (json_int_t)id, "status", status);
}

static int64_t meet(int64_t org, const char *kind, const char *on, json_t *attendance)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "kind", kind, "held_on",
				 on, "start_time", "09:00", "end_time", "11:00", "lecturer", "书记", "topic", "谈心");
	int64_t id = 0;
	if (attendance)
		json_object_set_new(body, "attendance", attendance);
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx(kind, &fx.ctx);
	json_decref(body);
	return id;
}

static void exec_sql(const char *fmt, int64_t a, int64_t b)
{
	char sql[600];
	xsnprintf(sql, sizeof(sql), fmt, a, b);
	err_clear(&fx.ctx.err);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static char *int_lines(const char *sql, int ncols)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int step, c;
	if (!st)
		life_fail_ctx("int_lines", &fx.ctx);
	while ((step = stmt_step(st, &fx.ctx.err)) == STEP_ROW) {
		for (c = 0; c < ncols; c++)
			strbuf_addf(&sb, c ? "|%" PRId64 : "%" PRId64, stmt_int(st, c));
		strbuf_addch(&sb, '\n');
	}
	stmt_reset(st);
	assert_int_equal(step, STEP_DONE);
	return strbuf_detach(&sb, NULL);
}

static char *report(int64_t org, int year, int month, int quarter, const struct compliance_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	err_clear(&fx.ctx.err);
	if (compliance_report_json_opts(&fx.ctx, org, year, month, quarter, o, &sb))
		life_fail_ctx("compliance_report_json_opts", &fx.ctx);
	return strbuf_detach(&sb, NULL);
}

static char *reminders(int64_t org, const struct compliance_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	err_clear(&fx.ctx.err);
	if (compliance_reminders_opts(&fx.ctx, org, o, &sb))
		life_fail_ctx("compliance_reminders_opts", &fx.ctx);
	return strbuf_detach(&sb, NULL);
}

/*
 * The reminders of a subtree listing only some of its branches (read lean, from 040), page
 * by page, against the whole list of the usual read: the same items in the same order,
 * the same total. Returns how many items there were.
 */
static size_t assert_reminders_paged(int64_t org)
{
	struct compliance_opts whole = { 0 }, paged = { 0 };
	json_error_t jerr;
	char *sa = reminders(org, &whole), *sb;
	json_t *a = json_loads(sa, 0, &jerr), *items = json_array(), *b;
	size_t n;
	int page;
	assert_non_null(a);
	assert_null(json_object_get(a, "page"));
	paged.list_max = 10;
	paged.per_page = 7;
	for (page = 1;; page++) {
		paged.page = page;
		sb = reminders(org, &paged);
		b = json_loads(sb, 0, &jerr);
		assert_non_null(b);
		assert_int_equal(json_integer_value(json_object_get(b, "page")), page);
		assert_int_equal(json_integer_value(json_object_get(b, "total")),
				 json_integer_value(json_object_get(a, "total")));
		assert_true(json_equal(json_object_get(a, "org"), json_object_get(b, "org")));
		n = json_array_size(json_object_get(b, "items"));
		assert_true(n <= 7);
		json_array_extend(items, json_object_get(b, "items"));
		json_decref(b);
		free(sb);
		if (!n)
			break;
	}
	if (!json_equal(json_object_get(a, "items"), items)) {
		char *got = json_dumps(items, JSON_COMPACT);
		fail_msg("org %" PRId64 " reminders paged (040)\n%s\nwhole\n%s", org, got, sa);
	}
	n = json_array_size(items);
	json_decref(items);
	json_decref(a);
	free(sa);
	return n;
}

/* 040's rows not fallen to 0, one text */
static char *kept040(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *part;
	part = int_lines("SELECT year, org_id, months, months2 FROM compliance_kept WHERE months <> 0 OR months2 <> 0 "
			 "ORDER BY year, org_id",
			 4);
	strbuf_addf(&sb, "months\n%s", part);
	free(part);
	part = int_lines("SELECT year, org_id, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12 FROM "
			 "compliance_group_months WHERE g1 <> 0 OR g2 <> 0 OR g3 <> 0 OR g4 <> 0 OR g5 <> 0 OR g6 <> 0 "
			 "OR g7 <> 0 OR g8 <> 0 OR g9 <> 0 OR g10 <> 0 OR g11 <> 0 OR g12 <> 0 ORDER BY year, org_id",
			 14);
	strbuf_addf(&sb, "groups met\n%s", part);
	free(part);
	part = int_lines("SELECT org_id, groups FROM org_group_counts WHERE groups <> 0 ORDER BY org_id", 2);
	strbuf_addf(&sb, "groups\n%s", part);
	free(part);
	return strbuf_detach(&sb, NULL);
}

/* what the triggers of 040 keep equals its rebuild from meeting_counts and orgs */
static void assert_kept_rebuilt(void)
{
	char *kept = kept040(), *rebuilt;
	err_clear(&fx.ctx.err);
	if (db_begin(fx.ctx.db, &fx.ctx.err) || compliance_kept_rebuild(&fx.ctx) || db_commit(fx.ctx.db, &fx.ctx.err))
		life_fail_ctx("compliance_kept_rebuild", &fx.ctx);
	rebuilt = kept040();
	if (strcmp(kept, rebuilt))
		fprintf(stderr, "040 kept:\n%s\n040 rebuilt:\n%s\n", kept, rebuilt);
	assert_string_equal(kept, rebuilt);
	free(kept);
	free(rebuilt);
}

/* the kept rows (those not fallen to 0) equal a count over the members and their months */
static void assert_kept_direct(void)
{
	char *kept, *direct;
	kept = int_lines("SELECT org_id, roster FROM org_talk_roster WHERE roster <> 0 ORDER BY org_id", 2);
	direct = int_lines("SELECT org_id, count(*) FROM members WHERE state = 'active' AND category IN ('full', "
			   "'probationary') GROUP BY org_id ORDER BY org_id",
			   2);
	assert_true(strlen(direct) > 0);
	if (strcmp(kept, direct))
		fprintf(stderr, "roster kept:\n%s\nroster counted:\n%s\n", kept, direct);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);
	kept = int_lines("SELECT org_id, year, talked FROM org_talks WHERE talked <> 0 ORDER BY org_id, year", 3);
	direct = int_lines("SELECT m.org_id, l.year, count(DISTINCT m.id) FROM members m JOIN member_life_months l "
			   "ON l.member_id = m.id AND l.talks > 0 WHERE m.state = 'active' AND m.category IN ('full', "
			   "'probationary') GROUP BY m.org_id, l.year ORDER BY m.org_id, l.year",
			   3);
	if (strcmp(kept, direct))
		fprintf(stderr, "talked kept:\n%s\ntalked counted:\n%s\n", kept, direct);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);
	assert_kept_rebuilt();
}

/*
 * Every view that holds December (year, Q4, December) and two that do not, of two years,
 * at the top-level root (56 branches: the kept rows read by year), the org below it (56
 * branches: the kept rows read by org) and a town (28: names, the same either way): the
 * reply equals the reference's.
 */
static int step;
static int lean_groups; /* pages of the lean path listing a branch with the 党小组会 rule */
static size_t reminded; /* reminders compared, page by page, with the whole list */

static int assert_same(void)
{
	static const int views[][2] = { { 0, 0 }, { 12, 0 }, { 0, 4 }, { 6, 0 }, { 0, 2 } };
	struct compliance_opts kept = { 0 }, ref = { 0 };
	int64_t orgs[3];
	int y, v, k, talked = 0;
	ref.reference = 1;
	step++;
	assert_kept_direct();
	orgs[0] = fx.top;
	orgs[1] = fx.mid;
	orgs[2] = fx.town[1];
	for (y = 2025; y <= 2026; y++)
		for (v = 0; v < (int)(sizeof(views) / sizeof(views[0])); v++)
			for (k = 0; k < 3; k++) {
				char *a = report(orgs[k], y, views[v][0], views[v][1], &kept);
				char *b = report(orgs[k], y, views[v][0], views[v][1], &ref);
				if (strcmp(a, b))
					fail_msg("step %d org %" PRId64 " %d view %d: kept\n%s\nreference\n%s", step, orgs[k], y, v, a, b);
				talked += strstr(a, "\"talk\"") != NULL;
				free(a);
				free(b);
			}
	/* the province root, the org below it and a town listing some of their branches: read
	 * from 040; every page as the reference's */
	for (y = 2025; y <= 2026; y++)
		for (v = 0; v < (int)(sizeof(views) / sizeof(views[0])); v++)
			for (k = 0; k < 3; k++) {
				struct compliance_opts lean = { 0 }, lref = { 0 };
				int page, listed = 1;
				lean.list_max = lref.list_max = 10;
				lean.per_page = lref.per_page = 20;
				lref.reference = 1;
				for (page = 1; listed; page++) {
					char *a, *b;
					lean.page = lref.page = page;
					a = report(orgs[k], y, views[v][0], views[v][1], &lean);
					b = report(orgs[k], y, views[v][0], views[v][1], &lref);
					if (strcmp(a, b))
						fail_msg("step %d org %" PRId64 " %d view %d page %d: kept (040)\n%s\nreference\n%s", step,
							 orgs[k], y, v, page, a, b);
					assert_non_null(strstr(a, "\"branches_listed\":\"not_green\""));
					listed = strstr(a, "\"branches\":[]") == NULL;
					lean_groups += strstr(a, "\"kind\":\"group\",\"name\":\"党小组会\",\"every_months\":1,"
								 "\"required\":") != NULL;
					free(a);
					free(b);
				}
			}
	for (k = 0; k < 3; k++)
		reminded += assert_reminders_paged(orgs[k]);
	return talked;
}

static void test_kept_equals_reference(void **state)
{
	static const char *const statuses[] = { "present", "leave", "absent" };
	int64_t ids[40], extra, mover;
	unsigned seed = 20261127;
	char day[11];
	int i, j;
	struct org o;
	(void)state;
	life_set_today(2026, 12, 31);
	assert_true(assert_same() > 0);
	/* talk meetings with random attendance over two years */
	for (i = 0; i < 40; i++) {
		int b = (int)(rand_r(&seed) % NBR);
		json_t *list = json_array();
		for (j = 0; j < PER; j++)
		{
			int st = (int)(rand_r(&seed) % 3);
			json_array_append_new(list, att(fx.mem[b][j], statuses[st], st == 1 && j ? "出差" : NULL));
		}
		xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2025 + (int)(rand_r(&seed) % 2), 1 + (int)(rand_r(&seed) % 12),
			  1 + (int)(rand_r(&seed) % 28));
		ids[i] = meet(fx.br[b], i % 7 ? "talk" : "theme_day", day, list);
	}
	assert_same();
	/* attendance edited in place and deleted */
	for (i = 0; i < 40; i += 3) {
		exec_sql("UPDATE meeting_attendance SET status = CASE status WHEN 'present' THEN 'absent' ELSE 'present' END "
			 "WHERE meeting_id = %" PRId64 " AND %" PRId64 " = 0",
			 ids[i], 0);
		if (i % 2 && i + 1 < 40)
			exec_sql("DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64 " AND %" PRId64 " = 0", ids[i + 1],
				 0);
	}
	assert_same();
	/* meetings moved to another year and deleted */
	for (i = 1; i < 40; i += 5) {
		json_t *got = NULL, *body;
		err_clear(&fx.ctx.err);
		if (meeting_get(&fx.ctx, ids[i], &got))
			life_fail_ctx("meeting_get", &fx.ctx);
		body = json_pack("{s:s, s:O}", "held_on", i % 2 ? "2025-06-15" : "2026-11-30", "version",
				 json_object_get(got, "version"));
		if (meeting_update(&fx.ctx, ids[i], body))
			life_fail_ctx("meeting_update", &fx.ctx);
		json_decref(body);
		json_decref(got);
	}
	exec_sql("DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64 " AND %" PRId64 " = 0", ids[2], 0);
	exec_sql("DELETE FROM meetings WHERE id = %" PRId64 " AND %" PRId64 " = 0", ids[2], 0);
	assert_same();
	/* members: a newcomer, one removed and back, one made probationary, one transferred
	 * (state transferring, then active in another branch), one deleted */
	extra = life_make_member(fx.br[5]);
	meet(fx.br[5], "talk", "2026-03-03", json_pack("[o]", att(extra, "present", NULL)));
	exec_sql("UPDATE members SET state = 'removed' WHERE id = %" PRId64 " AND %" PRId64 " = 0", fx.mem[7][0], 0);
	exec_sql("UPDATE members SET category = 'probationary' WHERE id = %" PRId64 " AND %" PRId64 " = 0", fx.mem[8][1], 0);
	assert_same();
	exec_sql("UPDATE members SET state = 'active' WHERE id = %" PRId64 " AND %" PRId64 " = 0", fx.mem[7][0], 0);
	mover = fx.mem[9][0];
	exec_sql("UPDATE members SET state = 'transferring' WHERE id = %" PRId64 " AND %" PRId64 " = 0", mover, 0);
	assert_same();
	exec_sql("UPDATE members SET state = 'active', org_id = %" PRId64 " WHERE id = %" PRId64, fx.br[10], mover);
	exec_sql("UPDATE members SET org_path = (SELECT path FROM orgs WHERE id = members.org_id) WHERE id = %" PRId64
		 " AND %" PRId64 " = 0",
		 mover, 0);
	assert_same();
	exec_sql("DELETE FROM members WHERE id = %" PRId64 " AND %" PRId64 " = 0", life_make_member(fx.br[11]), 0);
	/* a talked-with member transferred: the year's count follows */
	meet(fx.br[12], "talk", "2026-04-04", json_pack("[o]", att(fx.mem[12][1], "present", NULL)));
	exec_sql("UPDATE members SET org_id = %" PRId64 " WHERE id = %" PRId64, fx.br[13], fx.mem[12][1]);
	exec_sql("UPDATE members SET org_path = (SELECT path FROM orgs WHERE id = members.org_id) WHERE id = %" PRId64
		 " AND %" PRId64 " = 0",
		 fx.mem[12][1], 0);
	assert_same();
	/* a branch moved to the other town */
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, fx.br[3], &o) || org_move(&fx.ctx, fx.br[3], fx.town[0], o.version))
		life_fail_ctx("org_move", &fx.ctx);
	assert_same();
	/* 党小组会 (040): random months of two years, then every month to June 2026 for both 党小组
	 * of branch 0 and one of the two of branch 8 (a month with 1 of 2 met) */
	{
		int64_t gm[8], g, version;
		int ng = 0, mo;
		for (i = 0; i < NBR; i += 4)
			for (j = 0; j < 2; j++) {
				if (!fx.grp[i][j])
					continue;
				xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2025 + (int)(rand_r(&seed) % 2),
					  1 + (int)(rand_r(&seed) % 12), 1 + (int)(rand_r(&seed) % 28));
				g = meet(fx.grp[i][j], "group", day, NULL);
				if (ng < 8)
					gm[ng++] = g;
			}
		for (mo = 1; mo <= 6; mo++) {
			xsnprintf(day, sizeof(day), "2026-%02d-10", mo);
			meet(fx.grp[0][0], "group", day, NULL);
			meet(fx.grp[0][1], "group", day, NULL);
			meet(fx.grp[8][0], "group", day, NULL);
		}
		meet(fx.grp[0][0], "group", "2026-03-20", NULL); /* twice in a month: still one 党小组 */
		/* the kinds no other step holds: 支委会 (branches with a committee), 组织生活会, 民主评议党员 */
		for (i = 1; i < NBR; i += 5) {
			xsnprintf(day, sizeof(day), "%04d-%02d-15", 2025 + i % 2, 1 + i % 12);
			if (i % 3) /* a quorum of the 3 支委 */
				meet(fx.br[i], "committee", day,
				     json_pack("[{s:I, s:s, s:b}, {s:I, s:s, s:b}]", "member_id", (json_int_t)fx.mem[i][0], "status",
					       "present", "committee", 1, "member_id", (json_int_t)fx.mem[i][1], "status", "present",
					       "committee", 1));
			meet(fx.br[i], i % 2 ? "life_meeting" : "appraisal", day, NULL);
		}
		/* branch 22 (支委, no 党小组) green in June and in December 2026: every kind kept must count */
		{
			static const char *const dec[] = { "theme_day", "party_congress", "lecture", "life_meeting", "appraisal" };
			size_t k;
			for (k = 0; k < 3; k++)
				meet(fx.br[22], dec[k], "2026-06-05", NULL);
			for (k = 0; k < sizeof(dec) / sizeof(dec[0]); k++)
				meet(fx.br[22], dec[k], "2026-12-05", NULL);
			for (mo = 6; mo <= 12; mo += 6) {
				xsnprintf(day, sizeof(day), "2026-%02d-05", mo);
				meet(fx.br[22], "committee", day,
				     json_pack("[{s:I, s:s, s:b}, {s:I, s:s, s:b}]", "member_id", (json_int_t)fx.mem[22][0],
					       "status", "present", "committee", 1, "member_id", (json_int_t)fx.mem[22][1],
					       "status", "present", "committee", 1));
			}
			meet(fx.br[22], "talk", "2026-12-05",
			     json_pack("[o, o, o]", att(fx.mem[22][0], "present", NULL), att(fx.mem[22][1], "present", NULL),
				       att(fx.mem[22][2], "present", NULL)));
		}
		assert_same();
		/* one moved to another month and year, one deleted */
		{
			json_t *got = NULL, *body;
			err_clear(&fx.ctx.err);
			if (meeting_get(&fx.ctx, gm[1], &got))
				life_fail_ctx("meeting_get", &fx.ctx);
			body = json_pack("{s:s, s:O}", "held_on", "2025-02-14", "version", json_object_get(got, "version"));
			if (meeting_update(&fx.ctx, gm[1], body))
				life_fail_ctx("meeting_update", &fx.ctx);
			json_decref(body);
			json_decref(got);
		}
		exec_sql("DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64 " AND %" PRId64 " = 0", gm[2], 0);
		exec_sql("DELETE FROM meetings WHERE id = %" PRId64 " AND %" PRId64 " = 0", gm[2], 0);
		assert_same();
		/* a 党小组 that met moved to another branch (its months of every year follow it) */
		err_clear(&fx.ctx.err);
		if (org_get(&fx.ctx, fx.grp[8][1], &o) || org_move(&fx.ctx, fx.grp[8][1], fx.br[16], o.version))
			life_fail_ctx("org_move group", &fx.ctx);
		assert_same();
		/* one dissolved: neither counted nor its meetings */
		err_clear(&fx.ctx.err);
		if (org_get(&fx.ctx, fx.grp[0][1], &o) || org_dissolve(&fx.ctx, fx.grp[0][1], o.version))
			life_fail_ctx("org_dissolve group", &fx.ctx);
		assert_same();
		/* a branch without 党小组 gains one (the rule applies), it meets once, then it is deleted */
		g = life_make_org(fx.br[1], "group", "新党小组", 0);
		assert_same();
		version = meet(g, "group", "2026-05-05", NULL);
		assert_same();
		exec_sql("DELETE FROM meetings WHERE id = %" PRId64 " AND %" PRId64 " = 0", version, 0);
		exec_sql("DELETE FROM orgs WHERE id = %" PRId64 " AND %" PRId64 " = 0", g, 0);
		assert_same();
		assert_true(lean_groups > 0);
	}
	/* a member's month of talks deleted outright (as a rebuild does) */
	exec_sql("DELETE FROM member_life_months WHERE talks > 0 AND member_id = (SELECT min(member_id) FROM "
		 "member_life_months WHERE talks > 0 AND year = %" PRId64 ") AND year = %" PRId64,
		 2026, 2026);
	assert_same();
	/* the clock moving on: amber turns red */
	life_set_today(2027, 1, 15);
	assert_same();
	life_set_today(2026, 6, 30);
	assert_same();
	assert_true(reminded > 0);
}

/* a large subtree: the branches not green, one page at a time, their count; summary whole */
static void test_large_pages(void **state)
{
	struct compliance_opts whole = { 0 }, paged = { 0 };
	json_t *a, *b, *x;
	json_error_t jerr;
	char *sa, *sb;
	size_t i, seen = 0;
	int64_t total;
	int page;
	(void)state;
	life_set_today(2026, 12, 31);
	/* one branch green in June: its theme day, Q2's congress and lecture */
	meet(fx.br[6], "theme_day", "2026-06-03", NULL);
	meet(fx.br[6], "party_congress", "2026-06-03", NULL);
	meet(fx.br[6], "lecture", "2026-06-03", NULL);
	sa = report(fx.top, 2026, 6, 0, &whole);
	a = json_loads(sa, 0, &jerr);
	assert_non_null(a);
	assert_null(json_object_get(a, "branches_total"));
	assert_int_equal(json_array_size(json_object_get(a, "branches")), NBR);
	paged.list_max = 10;
	paged.per_page = 7;
	for (page = 1;; page++) {
		paged.page = page;
		sb = report(fx.top, 2026, 6, 0, &paged);
		b = json_loads(sb, 0, &jerr);
		assert_non_null(b);
		assert_true(json_equal(json_object_get(a, "summary"), json_object_get(b, "summary")));
		assert_true(json_equal(json_object_get(a, "rollup"), json_object_get(b, "rollup")));
		assert_string_equal(json_string_value(json_object_get(b, "branches_listed")), "not_green");
		total = json_integer_value(json_object_get(b, "branches_total"));
		assert_int_equal(total, json_integer_value(json_object_get(json_object_get(a, "summary"), "amber")) +
						json_integer_value(json_object_get(json_object_get(a, "summary"), "red")));
		assert_true(total < NBR);
		if (!json_array_size(json_object_get(b, "branches"))) {
			json_decref(b);
			free(sb);
			break;
		}
		json_array_foreach(json_object_get(b, "branches"), i, x) {
			assert_string_not_equal(json_string_value(json_object_get(x, "status")), "green");
			seen++;
		}
		json_decref(b);
		free(sb);
	}
	assert_int_equal(seen, (size_t)total);
	json_decref(a);
	free(sa);
}

#define SCALE_TESTS                                                                                          \
	{                                                                                                    \
		cmocka_unit_test(test_kept_equals_reference), cmocka_unit_test(test_large_pages),            \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SCALE_TESTS;
	const struct CMUnitTest pg_tests[] = SCALE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("compliance_scale/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("compliance_scale/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("compliance_scale/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
