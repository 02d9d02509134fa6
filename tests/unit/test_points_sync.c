/*
 * Automatic points (domain/points_sync.c, RULES.md §6 "enter each fact once"): a meeting
 * writes its attendance, absence, study-hours and branch entries; an edit reverses what
 * no longer holds and adds what is new; a re-run adds nothing; an org with points off
 * gets nothing; an indicator for one meeting kind ignores the others; a closed 民主评议
 * round writes its categories; a meeting of a published month has its corrections land
 * in the current month; each record's sync writes one audit record (not one per entry)
 * and keeps the rollups equal to the ledger. 志愿服务 activities write hours for each
 * participant and a member's 承诺事项 once done writes its entry, both reversed when the
 * fact changes. A 党建项目 at 激励 writes its 党支部's entry, a 民情诉求 replied by its due
 * date its assignee's (reassigned: reversed), a 督查 finding its 党支部's deduction, a completed
 * 分解任务 its responsible member's (or else its 党支部's) entry with the on-time bonus only by the
 * due date (reopened: reversed), and a 走访 each visiting member's entry.
 * The indicator set is written with SQL so
 * the test needs only the lookups. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include <unistd.h>
#include "domain/appraisal.h"
#include "domain/commitment.h"
#include "domain/mass_request.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/points.h"
#include "domain/points_internal.h"
#include "domain/supervision.h"
#include "domain/task.h"
#include "domain/volunteer.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee;
	int64_t set_id;
};

static struct fixture fx;

/* period number of 2026-mm */
static int month_2026(int mm)
{
	return 2026 * 12 + mm - 1;
}

/* One integer from sql with up to four integer parameters (n of them). */
static int64_t q_int(const char *sql, int n, int64_t a, int64_t b, int64_t c, int64_t d)
{
	struct stmt *st;
	int64_t v = -1, p[4];
	int i;
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	for (i = 0; i < n; i++)
		stmt_bind_int(st, i + 1, p[i]);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static void exec_sql(const char *sql, int n, int64_t a, int64_t b)
{
	struct stmt *st;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	if (n > 0)
		stmt_bind_int(st, 1, a);
	if (n > 1)
		stmt_bind_int(st, 2, b);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static void add_indicator(const char *code, const char *target, int sign, int points_x10, const char *source,
			  const char *param, int position)
{
	struct stmt *st;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO point_indicators (set_id, code, name, category, target, sign, points_x10, cap_x10, "
			"cap_period, source, source_param, approver, position) VALUES (?, ?, ?, '组织生活', ?, ?, ?, 0, "
			"'month', ?, ?, 'org_admin', ?)",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("prepare indicator", &fx.ctx);
	stmt_bind_int(st, 1, fx.set_id);
	stmt_bind_text(st, 2, code);
	stmt_bind_text(st, 3, code);
	stmt_bind_text(st, 4, target);
	stmt_bind_int(st, 5, sign);
	stmt_bind_int(st, 6, points_x10);
	stmt_bind_text(st, 7, source);
	stmt_bind_text(st, 8, param);
	stmt_bind_int(st, 9, position);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx("insert indicator", &fx.ctx);
}

/* The county's set from 2026-01: every automatic source once, and one kind-specific indicator. */
static void add_set(void)
{
	struct stmt *st;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO point_sets (org_id, version, effective_from, note, created_at) VALUES (?, 1, ?, "
			"'测试', ?) RETURNING id",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("prepare set", &fx.ctx);
	stmt_bind_int(st, 1, fx.top);
	stmt_bind_int(st, 2, month_2026(1));
	stmt_bind_text(st, 3, fx.ctx.now_iso);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		fx.set_id = stmt_int(st, 0);
	stmt_reset(st);
	assert_true(fx.set_id > 0);
	add_indicator("attend", "member", 1, 10, "meeting_attended", NULL, 1);
	add_indicator("attend_lecture", "member", 1, 20, "meeting_attended", "lecture", 2);
	add_indicator("absent", "member", -1, 20, "meeting_absent", NULL, 3);
	add_indicator("hours", "member", 1, 5, "study_hours", NULL, 4);
	add_indicator("excellent", "member", 1, 50, "appraisal_category", "excellent", 5);
	add_indicator("unqualified", "member", -1, 50, "appraisal_category", "unqualified", 6);
	add_indicator("held", "branch", 1, 20, "branch_meeting_held", NULL, 7);
	add_indicator("appraised", "branch", 1, 30, "branch_appraisal_done", NULL, 8);
	add_indicator("vol_hours", "member", 1, 5, "volunteer_hours", NULL, 9);
	add_indicator("promise", "member", 1, 20, "commitment_done", NULL, 10);
	add_indicator("awarded", "branch", 1, 30, "project_awarded", NULL, 11);
	add_indicator("replied", "member", 1, 10, "request_replied", NULL, 12);
	add_indicator("finding", "branch", -1, 10, "supervision_finding", NULL, 13);
	add_indicator("task", "member", 1, 10, "task_done", NULL, 14);
	add_indicator("task_on_time", "member", 1, 5, "task_done", "on_time", 15);
	add_indicator("b_task", "branch", 1, 20, "task_done", "on_time", 16);
	add_indicator("visit", "member", 1, 5, "visit_made", NULL, 17);
}

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "积分组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "积分党委", 0);
	add_set();
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "points-sync", populate, 2 };

/* ---- helpers ---- */

struct branch {
	int64_t id;
	int64_t m[3];
};

static void make_branch(struct branch *b, const char *name)
{
	b->id = life_make_org(fx.committee, "branch", name, 0);
	life_make_members(b->id, b->m, 3);
}

static json_t *att(const struct branch *b, const char *s0, const char *s1, const char *s2)
{
	return json_pack("[{s:I, s:s}, {s:I, s:s}, {s:I, s:s}]", "member_id", (json_int_t)b->m[0], "status", s0,
			 "member_id", (json_int_t)b->m[1], "status", s1, "member_id", (json_int_t)b->m[2], "status", s2);
}

static int64_t meeting(const struct branch *b, const char *kind, const char *on, json_t *attendance)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b->id, "kind", kind,
				 "held_on", on, "start_time", "09:00", "end_time", "11:00", "topic", "学习党章",
				 "lecturer", "书记");
	int64_t id = 0;
	if (attendance)
		json_object_set_new(body, "attendance", attendance);
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx("meeting_create", &fx.ctx);
	json_decref(body);
	return id;
}

static void update(int64_t id, json_t *body)
{
	json_t *m = NULL;
	err_clear(&fx.ctx.err);
	if (meeting_get(&fx.ctx, id, &m))
		life_fail_ctx("meeting_get", &fx.ctx);
	json_object_set(body, "version", json_object_get(m, "version"));
	json_decref(m);
	if (meeting_update(&fx.ctx, id, body))
		life_fail_ctx("meeting_update", &fx.ctx);
	json_decref(body);
}

/* net points of a subject on one indicator (code) */
static int64_t net(const char *target, int64_t subject, const char *code)
{
	struct stmt *st;
	int64_t v = -99999;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"SELECT COALESCE(SUM(e.points_x10), 0) FROM point_entries e JOIN point_indicators i ON i.id = "
			"e.indicator_id WHERE e.target = ? AND e.subject_id = ? AND i.code = ?",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("net", &fx.ctx);
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject);
	stmt_bind_text(st, 3, code);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static int64_t entries_of(int64_t source_id)
{
	return q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND source <> 'claim' AND source <> 'manual'",
		     1, source_id, 0, 0, 0);
}

static int64_t reversals_of(int64_t source_id)
{
	return q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND reverses_id IS NOT NULL", 1, source_id,
		     0, 0, 0);
}

/* fn(id) in a transaction of its own, rolled back (and the test failed, naming what) on an error */
static void in_tx(int (*fn)(struct ctx *, int64_t), int64_t id, const char *what)
{
	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	if (fn(&fx.ctx, id)) {
		db_rollback(fx.ctx.db);
		life_fail_ctx(what, &fx.ctx);
	}
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
}

static void resync(int64_t meeting_id)
{
	in_tx(points_sync_meeting, meeting_id, "points_sync_meeting");
}

/*
 * One step of a record through its module (fn, named what), with the record's current
 * version as get (named get_what) reads it; fields is consumed.
 */
static void versioned_step(int (*get)(struct ctx *, int64_t, json_t **), const char *get_what,
			   int (*fn)(struct ctx *, int64_t, json_t *), int64_t id, json_t *fields, const char *what)
{
	json_t *cur = NULL;
	err_clear(&fx.ctx.err);
	if (get(&fx.ctx, id, &cur))
		life_fail_ctx(get_what, &fx.ctx);
	json_object_set(fields, "version", json_object_get(cur, "version"));
	err_clear(&fx.ctx.err);
	if (fn(&fx.ctx, id, fields))
		life_fail_ctx(what, &fx.ctx);
	json_decref(fields);
	json_decref(cur);
}

/* Rows of point_rollups that differ from a rebuild from the ledger (write 1: repaired). */
static int64_t rollups_differ(int write)
{
	int64_t differ = -1;
	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	if (points_rollups_rebuild(&fx.ctx, NULL, write, &differ)) {
		db_rollback(fx.ctx.db);
		life_fail_ctx("points_rollups_rebuild", &fx.ctx);
	}
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	return differ;
}

/* One cell of a subject's kept rollup: the raw sum of indicator code (NULL: the number
 * of entries) in month mm of year; 0 when none. */
static int rollup_cell(const char *target, int64_t subject, int year, const char *code, int mm)
{
	struct points_rollup_iter it;
	struct stmt *st;
	int64_t want = 0, ind;
	char *cells = NULL;
	int month, raw, r, v = 0;
	if (code) {
		err_clear(&fx.ctx.err);
		st = db_prepare(fx.ctx.db, "SELECT id FROM point_indicators WHERE code = ?", &fx.ctx.err);
		assert_non_null(st);
		stmt_bind_text(st, 1, code);
		assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
		want = stmt_int(st, 0);
		stmt_reset(st);
	}
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, "SELECT cells FROM point_rollups WHERE target = ? AND subject_id = ? AND year = ?",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, subject);
	stmt_bind_int(st, 3, year);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		cells = xstrdup(stmt_text(st, 0));
	stmt_reset(st);
	points_rollup_iter_init(&it, cells);
	while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0)
		if (ind == want && month == mm)
			v += raw;
	assert_int_equal(r, 0);
	free(cells);
	return v;
}

/* the after_json of the sync audit records of a record, oldest first, joined by '|' */
static void sync_audits(int64_t record_id, char *out, size_t size)
{
	struct stmt *st;
	size_t len = 0;
	out[0] = '\0';
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"SELECT after_json FROM audit_log WHERE entity = 'point_sync' AND entity_id = ? AND action = 'sync' "
			"ORDER BY id",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("sync audits", &fx.ctx);
	stmt_bind_int(st, 1, record_id);
	while (stmt_step(st, &fx.ctx.err) == STEP_ROW) {
		xsnprintf(out + len, size - len, "%s%s", len ? "|" : "", stmt_text(st, 0));
		len = strlen(out);
	}
	stmt_reset(st);
}

/* ---- tests ---- */

static void test_meeting_yields_entries(void **state)
{
	struct branch b;
	int64_t id;
	(void)state;
	make_branch(&b, "积分第一党支部");
	/* 2 学时; two present, one absent without leave */
	id = meeting(&b, "theme_day", "2026-03-02", att(&b, "present", "present", "absent"));
	assert_int_equal(net("member", b.m[0], "attend"), 10);
	assert_int_equal(net("member", b.m[0], "hours"), 10);
	assert_int_equal(net("member", b.m[1], "attend"), 10);
	assert_int_equal(net("member", b.m[2], "attend"), 0);
	assert_int_equal(net("member", b.m[2], "absent"), -20);
	assert_int_equal(net("member", b.m[2], "hours"), 0);
	assert_int_equal(net("branch", b.id, "held"), 20);
	/* the lecture-only indicator ignores a 主题党日 */
	assert_int_equal(net("member", b.m[0], "attend_lecture"), 0);
	assert_int_equal(entries_of(id), 6);
	/* every entry dated and counted in the meeting's month, under the branch */
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND period_no = ? AND org_id = ? "
			       "AND event_on = '2026-03-02'",
			       3, id, month_2026(3), b.id, 0),
			 6);
}

static void test_attendance_edit_reverses(void **state)
{
	struct branch b;
	int64_t id;
	(void)state;
	make_branch(&b, "积分第二党支部");
	id = meeting(&b, "theme_day", "2026-03-03", att(&b, "present", "present", "present"));
	assert_int_equal(entries_of(id), 7);
	/* member 1: present → absent; member 2: present → leave (no deduction) */
	update(id, json_pack("{s:o}", "attendance", att(&b, "present", "absent", "leave")));
	assert_int_equal(net("member", b.m[0], "attend"), 10);
	assert_int_equal(net("member", b.m[0], "hours"), 10);
	assert_int_equal(net("member", b.m[1], "attend"), 0);
	assert_int_equal(net("member", b.m[1], "hours"), 0);
	assert_int_equal(net("member", b.m[1], "absent"), -20);
	assert_int_equal(net("member", b.m[2], "attend"), 0);
	assert_int_equal(net("member", b.m[2], "hours"), 0);
	assert_int_equal(net("member", b.m[2], "absent"), 0);
	assert_int_equal(net("branch", b.id, "held"), 20);
	/* 4 taken back (attend and hours of two members), one deduction added */
	assert_int_equal(reversals_of(id), 4);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'reversal' AND source_id = ? AND "
			       "reverses_id IS NOT NULL AND points_x10 > 0",
			       1, id, 0, 0, 0),
			 0);
	assert_int_equal(entries_of(id), 7 + 4 + 1);
	/* back again: the deduction is reversed, attendance given anew */
	update(id, json_pack("{s:o}", "attendance", att(&b, "present", "present", "present")));
	assert_int_equal(net("member", b.m[1], "absent"), 0);
	assert_int_equal(net("member", b.m[1], "attend"), 10);
	assert_int_equal(net("member", b.m[2], "hours"), 10);
	assert_int_equal(reversals_of(id), 5);
}

static void test_hours_change(void **state)
{
	struct branch b;
	int64_t id, before;
	(void)state;
	make_branch(&b, "积分第三党支部");
	id = meeting(&b, "theme_day", "2026-03-04", att(&b, "present", "present", "absent"));
	assert_int_equal(net("member", b.m[0], "hours"), 10);
	before = entries_of(id);
	/* 1.5 学时 × 0.5 = 0.75 → 0.8 (half up) */
	update(id, json_pack("{s:f}", "hours", 1.5));
	assert_int_equal(net("member", b.m[0], "hours"), 8);
	assert_int_equal(net("member", b.m[1], "hours"), 8);
	assert_int_equal(net("member", b.m[0], "attend"), 10);
	assert_int_equal(reversals_of(id), 2);
	assert_int_equal(entries_of(id), before + 4);
	/* 0 学时: nothing for hours */
	update(id, json_pack("{s:f}", "hours", 0.0));
	assert_int_equal(net("member", b.m[0], "hours"), 0);
	assert_int_equal(reversals_of(id), 4);
	assert_int_equal(entries_of(id), before + 6);
}

static void test_resync_idempotent(void **state)
{
	struct branch b;
	int64_t id, n, added = -1, reversed = -1;
	json_t *body;
	(void)state;
	make_branch(&b, "积分第四党支部");
	id = meeting(&b, "lecture", "2026-02-20", att(&b, "present", "leave", "absent"));
	n = entries_of(id);
	assert_true(n > 0);
	resync(id);
	resync(id);
	assert_int_equal(entries_of(id), n);
	/* an edit that changes nothing the points read */
	update(id, json_pack("{s:s}", "topic", "学习新党章"));
	assert_int_equal(entries_of(id), n);
	/* POST /points/sync over the subtree and quarter: nothing differs */
	body = json_pack("{s:I, s:s}", "org_id", (json_int_t)b.id, "period", "2026Q1");
	err_clear(&fx.ctx.err);
	if (points_sync(&fx.ctx, body, &added, &reversed))
		life_fail_ctx("points_sync", &fx.ctx);
	json_decref(body);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(entries_of(id), n);
	/* entries lost behind the records' back (e.g. written before the set existed) come back */
	exec_sql("INSERT INTO point_entries (target, subject_id, org_id, org_path, indicator_id, period_no, event_on, "
		 "points_x10, source, source_id, reverses_id, created_at) SELECT target, subject_id, org_id, org_path, "
		 "indicator_id, period_no, event_on, -points_x10, 'reversal', source_id, id, created_at FROM point_entries "
		 "WHERE source_id = ? AND source = 'meeting_attended' AND subject_id = ?",
		 2, id, b.m[0]);
	/* written behind points_append's back, so the member's rollup no longer matches: the
	 * check finds exactly that row, and the repair makes it true again */
	assert_int_equal(rollups_differ(0), 1);
	assert_int_equal(rollups_differ(1), 1);
	assert_int_equal(rollups_differ(0), 0);
	assert_int_equal(net("member", b.m[0], "attend"), 0);
	body = json_pack("{s:I, s:s}", "org_id", (json_int_t)fx.committee, "period", "2026-02");
	err_clear(&fx.ctx.err);
	if (points_sync(&fx.ctx, body, &added, &reversed))
		life_fail_ctx("points_sync", &fx.ctx);
	json_decref(body);
	assert_int_equal(added, 2); /* attend and attend_lecture of member 0 */
	assert_int_equal(reversed, 0);
	assert_int_equal(net("member", b.m[0], "attend"), 10);
	assert_int_equal(net("member", b.m[0], "attend_lecture"), 20);
	/* a record changed behind the ledger's back: the sync takes back and adds what differs */
	exec_sql("UPDATE meeting_attendance SET status = 'absent' WHERE meeting_id = ? AND member_id = ?", 2, id, b.m[0]);
	body = json_pack("{s:I, s:s}", "org_id", (json_int_t)b.id, "period", "2026");
	err_clear(&fx.ctx.err);
	if (points_sync(&fx.ctx, body, &added, &reversed))
		life_fail_ctx("points_sync", &fx.ctx);
	assert_int_equal(added, 1);    /* the absence */
	assert_int_equal(reversed, 3); /* attend, attend_lecture, hours */
	assert_int_equal(net("member", b.m[0], "attend"), 0);
	assert_int_equal(net("member", b.m[0], "absent"), -20);
	/* org admins only */
	fx.ctx.actor.role = ROLE_SECRETARY;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_sync(&fx.ctx, body, &added, &reversed), E_FORBIDDEN);
	fx.ctx.actor.role = ROLE_SYSADMIN;
	json_decref(body);
	body = json_pack("{s:I, s:s}", "org_id", (json_int_t)b.id, "period", "2026-13");
	err_clear(&fx.ctx.err);
	assert_int_equal(points_sync(&fx.ctx, body, &added, &reversed), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "period");
	json_decref(body);
}

static void test_kind_specific(void **state)
{
	struct branch b;
	(void)state;
	make_branch(&b, "积分第五党支部");
	meeting(&b, "lecture", "2026-03-05", att(&b, "present", "absent", "present"));
	assert_int_equal(net("member", b.m[0], "attend"), 10);
	assert_int_equal(net("member", b.m[0], "attend_lecture"), 20);
	assert_int_equal(net("member", b.m[1], "attend_lecture"), 0);
	meeting(&b, "theme_day", "2026-03-06", att(&b, "present", "present", "present"));
	assert_int_equal(net("member", b.m[0], "attend"), 20);
	assert_int_equal(net("member", b.m[0], "attend_lecture"), 20);
	assert_int_equal(net("member", b.m[1], "attend_lecture"), 0);
	assert_int_equal(net("branch", b.id, "held"), 40);
}

static void test_group_meeting_credits_branch(void **state)
{
	int64_t branch, group, m0, m1, id;
	json_t *body;
	(void)state;
	branch = life_make_org(fx.committee, "branch", "积分第六党支部", 0);
	group = life_make_org(branch, "group", "第一党小组", 0);
	m0 = life_make_member_ex(branch, group, "full", "none", NULL);
	m1 = life_make_member_ex(branch, group, "full", "none", NULL);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)group, "kind", "group", "held_on",
			 "2026-03-07", "start_time", "19:00", "end_time", "20:00");
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx("meeting_create group", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("branch", branch, "held"), 20);
	assert_int_equal(net("branch", group, "held"), 0);
	assert_int_equal(net("member", m0, "hours"), 5);
	assert_int_equal(net("member", m1, "attend"), 10);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND org_id <> ?", 2, id, branch, 0,
			       0),
			 0);
}

/* A 党委's 党课: each member is credited in their own branch; a branch with points off gets nothing. */
static void test_committee_lecture(void **state)
{
	int64_t committee, on_branch, off_branch, on_member, off_member, id;
	json_t *body;
	(void)state;
	committee = life_make_org(fx.top, "committee", "积分第二党委", 0);
	on_branch = life_make_org(committee, "branch", "积分开启党支部", 0);
	off_branch = life_make_org(committee, "branch", "积分关闭党支部", 0);
	on_member = life_make_member(on_branch);
	off_member = life_make_member(off_branch);
	exec_sql("INSERT INTO point_settings (org_id, enabled, member_bands, branch_bands, updated_at) VALUES (?, 0, "
		 "'[{\"min\":95,\"stars\":5},{\"min\":60,\"stars\":1}]', '[{\"min\":95,\"stars\":5},{\"min\":60,\"stars\":1}]', "
		 "'2026-03-10T00:00:00Z')",
		 1, off_branch, 0);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)committee, "kind", "lecture",
			 "held_on", "2026-03-09", "start_time", "14:00", "end_time", "16:00", "topic", "党委书记讲党课",
			 "lecturer", "党委书记");
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx("meeting_create committee lecture", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", on_member, "attend_lecture"), 20);
	assert_int_equal(net("member", on_member, "hours"), 10);
	assert_int_equal(net("member", off_member, "attend_lecture"), 0);
	assert_int_equal(net("member", off_member, "hours"), 0);
	/* no branch held it: no branch entry */
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND target = 'branch'", 1, id, 0, 0,
			       0),
			 0);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND org_id = ?", 2, id, on_branch,
			       0, 0),
			 3);
	assert_int_equal(entries_of(id), 3);
}

static void test_disabled_org(void **state)
{
	struct branch b;
	int64_t id;
	(void)state;
	make_branch(&b, "积分停用党支部");
	exec_sql("INSERT INTO point_settings (org_id, enabled, member_bands, branch_bands, updated_at) VALUES (?, 0, "
		 "'[{\"min\":95,\"stars\":5},{\"min\":60,\"stars\":1}]', '[{\"min\":95,\"stars\":5},{\"min\":60,\"stars\":1}]', "
		 "'2026-03-10T00:00:00Z')",
		 1, b.id, 0);
	id = meeting(&b, "theme_day", "2026-03-08", att(&b, "present", "absent", "present"));
	assert_int_equal(entries_of(id), 0);
	update(id, json_pack("{s:o}", "attendance", att(&b, "absent", "absent", "present")));
	assert_int_equal(entries_of(id), 0);
}

static int decide(int64_t round, int64_t member, const char *category)
{
	json_t *r = NULL, *e = NULL, *x, *body;
	size_t i;
	int rc;
	err_clear(&fx.ctx.err);
	if (appraisal_get(&fx.ctx, round, &r))
		life_fail_ctx("appraisal_get", &fx.ctx);
	json_array_foreach(json_object_get(r, "entries"), i, x)
		if (json_integer_value(json_object_get(x, "member_id")) == member)
			e = x;
	assert_non_null(e);
	body = json_pack("{s:O, s:s}", "version", json_object_get(e, "version"), "category", category);
	rc = appraisal_decide(&fx.ctx, round, member, body);
	json_decref(body);
	json_decref(r);
	return rc;
}

static void test_appraisal_close(void **state)
{
	struct branch b;
	json_t *r = NULL, *body;
	int64_t id = 0;
	(void)state;
	make_branch(&b, "积分评议党支部");
	body = json_pack("{s:I, s:i}", "org_id", (json_int_t)b.id, "year", 2025);
	err_clear(&fx.ctx.err);
	if (appraisal_open(&fx.ctx, body, &id))
		life_fail_ctx("appraisal_open", &fx.ctx);
	json_decref(body);
	if (decide(id, b.m[0], "excellent") || decide(id, b.m[1], "qualified") || decide(id, b.m[2], "unqualified"))
		life_fail_ctx("appraisal_decide", &fx.ctx);
	/* nothing while the round is open */
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source IN ('appraisal_category', "
			       "'branch_appraisal_done') AND subject_id IN (?, ?, ?, ?)",
			       4, b.m[0], b.m[1], b.m[2], b.id),
			 0);
	if (appraisal_get(&fx.ctx, id, &r))
		life_fail_ctx("appraisal_get", &fx.ctx);
	body = json_pack("{s:O}", "version", json_object_get(r, "version"));
	json_decref(r);
	err_clear(&fx.ctx.err);
	if (appraisal_close(&fx.ctx, id, body))
		life_fail_ctx("appraisal_close", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", b.m[0], "excellent"), 50);
	assert_int_equal(net("member", b.m[1], "excellent"), 0);
	assert_int_equal(net("member", b.m[1], "unqualified"), 0);
	assert_int_equal(net("member", b.m[2], "unqualified"), -50);
	assert_int_equal(net("branch", b.id, "appraised"), 30);
	/* dated the day the round closed */
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND source IN "
			       "('appraisal_category', 'branch_appraisal_done') AND event_on = '2026-03-10'",
			       1, id, 0, 0, 0),
			 3);
	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(points_sync_appraisal(&fx.ctx, id), 0);
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND source IN "
			       "('appraisal_category', 'branch_appraisal_done', 'reversal')",
			       1, id, 0, 0, 0),
			 3);
}

static void test_published_month_corrections(void **state)
{
	struct branch b;
	int64_t id, corrected;
	(void)state;
	make_branch(&b, "积分亮分党支部");
	id = meeting(&b, "theme_day", "2026-02-10", att(&b, "present", "present", "present"));
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND period_no = ?", 2, id,
			       month_2026(2), 0, 0),
			 7);
	/* February published for the county's members */
	exec_sql("INSERT INTO point_publications (org_id, org_path, target, period, first_month, last_month, settings, "
		 "created_at) SELECT id, path, 'member', '2026-02', CAST(? AS INTEGER), CAST(? AS INTEGER), '{}', "
		 "'2026-03-01T00:00:00Z' FROM orgs WHERE id = " /* the top org */ "(SELECT org_id FROM point_sets LIMIT 1)",
		 2, month_2026(2), month_2026(2));
	update(id, json_pack("{s:o}", "attendance", att(&b, "present", "absent", "present")));
	/* the member's corrections land in March, dated as the fact was */
	corrected = q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND target = 'member' AND subject_id = ? "
			  "AND period_no = ? AND event_on = '2026-02-10'",
			  3, id, b.m[1], month_2026(3), 0);
	assert_int_equal(corrected, 3); /* attend and hours reversed, absence added */
	assert_int_equal(net("member", b.m[1], "absent"), -20);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source_id = ? AND period_no = ?", 2, id,
			       month_2026(2), 0, 0),
			 7);
	/* the rollup counts them where they landed: February as published, March corrected */
	assert_int_equal(rollup_cell("member", b.m[1], 2026, NULL, 2), 2);
	assert_int_equal(rollup_cell("member", b.m[1], 2026, NULL, 3), 3);
	assert_int_equal(rollup_cell("member", b.m[1], 2026, "attend", 2), 10);
	assert_int_equal(rollup_cell("member", b.m[1], 2026, "attend", 3), -10);
	assert_int_equal(rollup_cell("member", b.m[1], 2026, "absent", 3), -20);
	assert_int_equal(rollup_cell("member", b.m[1], 2026, "absent", 2), 0);
}

/*
 * The automatic entries of a record are audited once per sync of the record (what it
 * added and reversed), not one record per entry; a sync that changes nothing writes
 * none. After all of the above (edits, re-runs, closed rounds, corrections landing in
 * a later month than their fact) the kept rollups are exactly what the ledger says.
 */
static void test_sync_audit_and_rollups(void **state)
{
	struct branch b;
	char audits[512];
	int64_t id;
	(void)state;
	make_branch(&b, "积分审计党支部");
	id = meeting(&b, "theme_day", "2026-03-05", att(&b, "present", "present", "absent"));
	assert_int_equal(entries_of(id), 6);
	sync_audits(id, audits, sizeof(audits));
	assert_string_equal(audits, "{\"added\":6,\"reversed\":0,\"source\":\"meeting\"}");
	assert_int_equal(q_int("SELECT count(*) FROM audit_log WHERE entity = 'point_entry' AND entity_id IN "
			       "(SELECT id FROM point_entries WHERE source_id = ?)",
			       1, id, 0, 0, 0),
			 0);
	resync(id);
	update(id, json_pack("{s:s}", "topic", "不影响积分的修改"));
	sync_audits(id, audits, sizeof(audits));
	assert_string_equal(audits, "{\"added\":6,\"reversed\":0,\"source\":\"meeting\"}");
	/* member 2 came after all: their absence is taken back, attendance and hours added */
	update(id, json_pack("{s:o}", "attendance", att(&b, "present", "present", "present")));
	sync_audits(id, audits, sizeof(audits));
	assert_string_equal(audits, "{\"added\":6,\"reversed\":0,\"source\":\"meeting\"}|"
				    "{\"added\":2,\"reversed\":1,\"source\":\"meeting\"}");
	assert_int_equal(rollups_differ(0), 0);
}

/* entries (reversals included) of one automatic source and record */
static int64_t source_entries(const char *source, int64_t id)
{
	struct stmt *st;
	int64_t v = -1;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"SELECT count(*) FROM point_entries e WHERE e.source_id = ? AND (e.source = ? OR e.reverses_id IN "
			"(SELECT id FROM point_entries WHERE source = ?))",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("source entries", &fx.ctx);
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, source);
	stmt_bind_text(st, 3, source);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static void bulk_sync(int64_t org, const char *period, int64_t *added, int64_t *reversed)
{
	json_t *body = json_pack("{s:I, s:s}", "org_id", (json_int_t)org, "period", period);
	err_clear(&fx.ctx.err);
	if (points_sync(&fx.ctx, body, added, reversed))
		life_fail_ctx("points_sync", &fx.ctx);
	json_decref(body);
}

static void test_volunteer_hours(void **state)
{
	struct branch b;
	json_t *body, *act = NULL;
	int64_t team = 0, id = 0, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分志愿党支部");
	body = json_pack("{s:I, s:s}", "org_id", (json_int_t)b.id, "name", "积分志愿服务队");
	err_clear(&fx.ctx.err);
	if (volunteer_team_create(&fx.ctx, body, &team))
		life_fail_ctx("team", &fx.ctx);
	json_decref(body);
	/* 1.5 h × 0.5 = 0.75 → 0.8 (half up) for each participant */
	body = json_pack("{s:I, s:s, s:s, s:f, s:[I, I]}", "team_id", (json_int_t)team, "held_on", "2026-03-02", "title",
			 "清扫街道", "hours", 1.5, "member_ids", (json_int_t)b.m[0], (json_int_t)b.m[1]);
	err_clear(&fx.ctx.err);
	if (volunteer_activity_create(&fx.ctx, body, &id))
		life_fail_ctx("activity", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", b.m[0], "vol_hours"), 8);
	assert_int_equal(net("member", b.m[1], "vol_hours"), 8);
	assert_int_equal(net("member", b.m[2], "vol_hours"), 0);
	assert_int_equal(source_entries("volunteer_hours", id), 2);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'volunteer_hours' AND source_id = ? "
			       "AND org_id = ? AND event_on = '2026-03-02'",
			       2, id, b.id, 0, 0),
			 2);
	/* re-sync, by hand and in bulk: nothing to do */
	in_tx(points_sync_volunteer_activity, id, "points_sync_volunteer_activity");
	bulk_sync(b.id, "2026Q1", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("volunteer_hours", id), 2);
	/* 3 h and member 2 instead of member 1: 1.5 each; member 1's 0.8 taken back */
	err_clear(&fx.ctx.err);
	if (volunteer_activity_get(&fx.ctx, id, &act))
		life_fail_ctx("activity get", &fx.ctx);
	body = json_pack("{s:O, s:f, s:[I, I]}", "version", json_object_get(act, "version"), "hours", 3.0, "member_ids",
			 (json_int_t)b.m[0], (json_int_t)b.m[2]);
	json_decref(act);
	err_clear(&fx.ctx.err);
	if (volunteer_activity_update(&fx.ctx, id, body))
		life_fail_ctx("activity update", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", b.m[0], "vol_hours"), 15);
	assert_int_equal(net("member", b.m[1], "vol_hours"), 0);
	assert_int_equal(net("member", b.m[2], "vol_hours"), 15);
	assert_int_equal(source_entries("volunteer_hours", id), 6); /* 2 + 2 reversals + 2 new */
	bulk_sync(fx.committee, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	/* deleted: everything taken back */
	err_clear(&fx.ctx.err);
	if (volunteer_activity_delete(&fx.ctx, id))
		life_fail_ctx("activity delete", &fx.ctx);
	assert_int_equal(net("member", b.m[0], "vol_hours"), 0);
	assert_int_equal(net("member", b.m[2], "vol_hours"), 0);
	assert_int_equal(source_entries("volunteer_hours", id), 8);
	bulk_sync(b.id, "2026-03", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(rollups_differ(0), 0);
}

static void test_commitment_done(void **state)
{
	struct branch b;
	json_t *body, *l = NULL, *it;
	int64_t letter = 0, done_item, cancelled_item, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分承诺党支部");
	body = json_pack("{s:s, s:I, s:i, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}", "holder_type", "member", "member_id",
			 (json_int_t)b.m[0], "year", 2026, "signed_on", "2026-01-05", "items", "title", "帮扶一户困难群众",
			 "category", "service", "due_on", "2026-06-30", "title", "学习党章", "category", "study", "due_on",
			 "2026-05-31");
	err_clear(&fx.ctx.err);
	if (commitment_letter_create(&fx.ctx, body, &letter))
		life_fail_ctx("letter create", &fx.ctx);
	json_decref(body);
	err_clear(&fx.ctx.err);
	if (commitment_letter_get(&fx.ctx, letter, &l))
		life_fail_ctx("letter get", &fx.ctx);
	done_item = json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id"));
	cancelled_item = json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 1), "id"));
	json_decref(l);
	/* pending: nothing */
	assert_int_equal(net("member", b.m[0], "promise"), 0);
	/* done: one entry dated the completion */
	err_clear(&fx.ctx.err);
	if (commitment_item_get(&fx.ctx, done_item, &it))
		life_fail_ctx("item get", &fx.ctx);
	body = json_pack("{s:O, s:s, s:s}", "version", json_object_get(it, "version"), "evidence", "已走访并帮扶",
			 "done_on", "2026-03-05");
	json_decref(it);
	err_clear(&fx.ctx.err);
	if (commitment_item_complete(&fx.ctx, done_item, body, 0))
		life_fail_ctx("complete", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", b.m[0], "promise"), 20);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'commitment_done' AND source_id = ? "
			       "AND subject_id = ? AND org_id = ? AND event_on = '2026-03-05'",
			       3, done_item, b.m[0], b.id, 0),
			 1);
	/* a pending item cancelled: still nothing for it */
	err_clear(&fx.ctx.err);
	if (commitment_item_get(&fx.ctx, cancelled_item, &it))
		life_fail_ctx("item get", &fx.ctx);
	body = json_pack("{s:O, s:s}", "version", json_object_get(it, "version"), "reason", "岗位调整");
	json_decref(it);
	err_clear(&fx.ctx.err);
	if (commitment_item_cancel(&fx.ctx, cancelled_item, body))
		life_fail_ctx("cancel", &fx.ctx);
	json_decref(body);
	assert_int_equal(source_entries("commitment_done", cancelled_item), 0);
	assert_int_equal(net("member", b.m[0], "promise"), 20);
	/* re-sync, by hand and in bulk: nothing to do */
	in_tx(points_sync_commitment_item, done_item, "points_sync_commitment_item");
	bulk_sync(b.id, "2026Q1", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("commitment_done", done_item), 1);
	/* reopened (pending again) or cancelled behind the ledger's back: the entry is taken back */
	exec_sql("UPDATE commitment_items SET status = 'pending', done_on = NULL WHERE id = ?", 1, done_item, 0);
	bulk_sync(b.id, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 1);
	assert_int_equal(net("member", b.m[0], "promise"), 0);
	/* done again, a later date: a new entry; then cancelled: reversed */
	exec_sql("UPDATE commitment_items SET status = 'done', done_on = '2026-03-08' WHERE id = ?", 1, done_item, 0);
	in_tx(points_sync_commitment_item, done_item, "points_sync_commitment_item");
	assert_int_equal(net("member", b.m[0], "promise"), 20);
	exec_sql("UPDATE commitment_items SET status = 'cancelled' WHERE id = ?", 1, done_item, 0);
	in_tx(points_sync_commitment_item, done_item, "points_sync_commitment_item");
	in_tx(points_sync_commitment_item, done_item, "points_sync_commitment_item");
	assert_int_equal(net("member", b.m[0], "promise"), 0);
	assert_int_equal(source_entries("commitment_done", done_item), 4);
	assert_int_equal(rollups_differ(0), 0);
}

/* a 党建项目 of org (secretary sec) at stage, rewarded (ledger row) on reward_on when given */
static int64_t project_row(int64_t org, int64_t sec, const char *stage, const char *reward_on)
{
	char sql[1024];
	int64_t id;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO projects (org_id, org_path, lead_org_id, secretary_member_id, type, name, year, stage, "
		 "created_at, updated_at) SELECT o.id, o.path, ?, ?, 'innovation', '积分项目', 2026, '%s', "
		 "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM orgs o WHERE o.id = ? RETURNING id",
		 stage);
	id = q_int(sql, 3, fx.top, sec, org, 0);
	assert_true(id > 0);
	if (reward_on) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO project_ledger (project_id, happened_on, at, actor, action, stage) VALUES (?, '%s', "
			 "'2026-01-01T00:00:00Z', 'test', 'reward', 'reward')",
			 reward_on);
		exec_sql(sql, 1, id, 0);
	}
	return id;
}

static void test_project_awarded(void **state)
{
	struct branch b;
	int64_t id, cid, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分项目党支部");
	/* at 评估: nothing yet */
	id = project_row(b.id, b.m[0], "evaluate", NULL);
	in_tx(points_sync_project, id, "points_sync_project");
	assert_int_equal(source_entries("project_awarded", id), 0);
	/* 激励: one entry for the branch, dated the reward */
	exec_sql("UPDATE projects SET stage = 'reward' WHERE id = ?", 1, id, 0);
	exec_sql("INSERT INTO project_ledger (project_id, happened_on, at, actor, action, stage) VALUES (?, '2026-04-10', "
		 "'2026-04-10T00:00:00Z', 'test', 'reward', 'reward')",
		 1, id, 0);
	in_tx(points_sync_project, id, "points_sync_project");
	assert_int_equal(net("branch", b.id, "awarded"), 30);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'project_awarded' AND source_id = ? AND "
			       "subject_id = ? AND org_id = ? AND event_on = '2026-04-10'",
			       3, id, b.id, b.id, 0),
			 1);
	/* re-sync, by hand and in bulk: nothing to do */
	in_tx(points_sync_project, id, "points_sync_project");
	bulk_sync(b.id, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("project_awarded", id), 1);
	/* a committee's project earns nothing */
	cid = project_row(fx.committee, b.m[0], "reward", "2026-04-11");
	in_tx(points_sync_project, cid, "points_sync_project");
	assert_int_equal(source_entries("project_awarded", cid), 0);
	/* no longer at 激励 (corrected behind the ledger's back): reversed by the bulk sync */
	exec_sql("UPDATE projects SET stage = 'evaluate' WHERE id = ?", 1, id, 0);
	bulk_sync(b.id, "2026-04", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 1);
	assert_int_equal(net("branch", b.id, "awarded"), 0);
	assert_int_equal(rollups_differ(0), 0);
}

/* a 民情诉求 received by org, assigned to member, due on due */
static int64_t request_row(int64_t org, int64_t member, const char *due)
{
	char sql[1024];
	int64_t id;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO mass_requests (org_id, channel, received_on, requester, content, category, status, "
		 "assignee_member_id, due_on, assigned_on, created_at, updated_at) VALUES (?, 'visit', '2026-05-01', "
		 "'张大爷', '路灯不亮', 'infrastructure', 'assigned', ?, '%s', '2026-05-02', '2026-05-01T00:00:00Z', "
		 "'2026-05-01T00:00:00Z') RETURNING id",
		 due);
	id = q_int(sql, 2, org, member, 0, 0);
	assert_true(id > 0);
	return id;
}

/* one 民情诉求 step through the module, with the record's current version */
static void rq_step(int (*fn)(struct ctx *, int64_t, json_t *), int64_t id, json_t *fields, const char *what)
{
	versioned_step(rq_get, "rq_get", fn, id, fields, what);
}

static void test_request_replied(void **state)
{
	struct branch b;
	int64_t id, ontime, late, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分诉求党支部");
	id = request_row(b.id, b.m[0], "2026-05-10");
	in_tx(points_sync_mass_request, id, "points_sync_mass_request");
	assert_int_equal(source_entries("request_replied", id), 0);
	/* replied before the due date: one entry for the assignee, dated the reply */
	exec_sql("UPDATE mass_requests SET status = 'replied', handled_on = '2026-05-07', replied_on = '2026-05-08', "
		 "reply = '已修复' WHERE id = ?",
		 1, id, 0);
	in_tx(points_sync_mass_request, id, "points_sync_mass_request");
	assert_int_equal(net("member", b.m[0], "replied"), 10);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'request_replied' AND source_id = ? AND "
			       "subject_id = ? AND org_id = ? AND event_on = '2026-05-08'",
			       3, id, b.m[0], b.id, 0),
			 1);
	/* rated later: still the one entry; re-sync by hand and in bulk: nothing to do */
	exec_sql("UPDATE mass_requests SET status = 'rated', satisfaction = 'satisfied', rated_on = '2026-05-09' WHERE id = ?",
		 1, id, 0);
	in_tx(points_sync_mass_request, id, "points_sync_mass_request");
	bulk_sync(b.id, "2026Q2", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("request_replied", id), 1);
	/* reassigned to another member (back to 已交办): taken back */
	exec_sql("UPDATE mass_requests SET status = 'assigned', assignee_member_id = ?, replied_on = NULL, reply = NULL, "
		 "handled_on = NULL, satisfaction = NULL, rated_on = NULL WHERE id = ?",
		 2, b.m[1], id);
	in_tx(points_sync_mass_request, id, "points_sync_mass_request");
	assert_int_equal(net("member", b.m[0], "replied"), 0);
	assert_int_equal(net("member", b.m[1], "replied"), 0);
	assert_int_equal(source_entries("request_replied", id), 2);
	/* replied after the due date: nothing */
	/* through the module (on 9 May): the reply's own transaction writes the entry */
	life_set_today(2026, 5, 9);
	ontime = request_row(b.id, b.m[1], "2026-05-20");
	rq_step(rq_handle, ontime, json_pack("{s:s, s:b}", "handling", "已联系电工更换路灯", "rectified", 1), "rq_handle");
	assert_int_equal(source_entries("request_replied", ontime), 0);
	rq_step(rq_reply, ontime, json_pack("{s:s}", "reply", "路灯已修好"), "rq_reply");
	assert_int_equal(source_entries("request_replied", ontime), 1);
	assert_int_equal(net("member", b.m[1], "replied"), 10);
	life_set_today(2026, 3, 10);
	late = request_row(b.id, b.m[2], "2026-05-10");
	exec_sql("UPDATE mass_requests SET status = 'replied', replied_on = '2026-05-11', reply = '已答复' WHERE id = ?", 1,
		 late, 0);
	in_tx(points_sync_mass_request, late, "points_sync_mass_request");
	assert_int_equal(source_entries("request_replied", late), 0);
	bulk_sync(b.id, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(rollups_differ(0), 0);
}

/* a finding of an inspection held by the committee on 2026-06-03 against org */
static int64_t finding_row(int64_t org)
{
	int64_t insp, id;
	insp = q_int("INSERT INTO inspections (org_id, held_on, kind, title, inspectors, created_at, updated_at) VALUES (?, "
		     "'2026-06-03', 'monthly', '月度督查', '张三', '2026-06-03T00:00:00Z', '2026-06-03T00:00:00Z') RETURNING id",
		     1, fx.committee, 0, 0, 0);
	assert_true(insp > 0);
	id = q_int("INSERT INTO inspection_findings (inspection_id, org_id, found_on, problem, category, severity, deadline, "
		   "responsible, created_at, updated_at) VALUES (?, ?, '2026-06-03', '台账不全', 'organization', 'normal', "
		   "'2026-06-30', '李四', '2026-06-03T00:00:00Z', '2026-06-03T00:00:00Z') RETURNING id",
		   2, insp, org, 0, 0);
	assert_true(id > 0);
	return id;
}

static void test_supervision_finding(void **state)
{
	struct branch b;
	json_t *body;
	int64_t id, cid, insp, fid = 0, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分督查党支部");
	id = finding_row(b.id);
	in_tx(points_sync_finding, id, "points_sync_finding");
	assert_int_equal(net("branch", b.id, "finding"), -10);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'supervision_finding' AND source_id = ? "
			       "AND subject_id = ? AND event_on = '2026-06-03'",
			       2, id, b.id, 0, 0),
			 1);
	/* rectified and closed: the finding happened all the same */
	exec_sql("UPDATE inspection_findings SET status = 'closed', rectified_on = '2026-06-20', closed_on = '2026-06-25' "
		 "WHERE id = ?",
		 1, id, 0);
	in_tx(points_sync_finding, id, "points_sync_finding");
	bulk_sync(b.id, "2026-06", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("supervision_finding", id), 1);
	assert_int_equal(net("branch", b.id, "finding"), -10);
	/* through the 督查 module: the finding's own transaction writes the deduction */
	insp = q_int("SELECT inspection_id FROM inspection_findings WHERE id = ?", 1, id, 0, 0, 0);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b.id, "problem", "三会一课记录不全",
			 "category", "meetings", "severity", "normal", "deadline", "2026-06-30", "responsible", "王书记");
	err_clear(&fx.ctx.err);
	if (supervision_finding_add(&fx.ctx, insp, body, &fid))
		life_fail_ctx("finding_add", &fx.ctx);
	json_decref(body);
	assert_int_equal(source_entries("supervision_finding", fid), 1);
	assert_int_equal(net("branch", b.id, "finding"), -20);
	/* a finding against a committee: nothing */
	cid = finding_row(fx.committee);
	in_tx(points_sync_finding, cid, "points_sync_finding");
	assert_int_equal(source_entries("supervision_finding", cid), 0);
	assert_int_equal(rollups_differ(0), 0);
}

/* a task of the committee for unit (person: a member or 0), no milestones, due due_on */
static int64_t task_row(int64_t unit, int64_t person, const char *due_on)
{
	json_t *body = json_pack("{s:I, s:i, s:s, s:I, s:s, s:s, s:[]}", "org_id", (json_int_t)fx.committee, "year", 2026,
				 "title", "村级活动场所提档升级", "unit_org_id", (json_int_t)unit, "person_name", "张书记",
				 "due_on", due_on, "milestones");
	int64_t id = 0;
	if (person)
		json_object_set_new(body, "person_member_id", json_integer(person));
	err_clear(&fx.ctx.err);
	if (task_create(&fx.ctx, body, &id))
		life_fail_ctx("task_create", &fx.ctx);
	json_decref(body);
	return id;
}

/* one task step through the module, with the record's current version */
static void task_step(int (*fn)(struct ctx *, int64_t, json_t *), int64_t id, json_t *fields, const char *what)
{
	versioned_step(task_get, "task_get", fn, id, fields, what);
}

static void test_task_done(void **state)
{
	struct branch b;
	int64_t id, late, unit_task, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分任务党支部");
	life_set_today(2026, 5, 20);
	id = task_row(b.id, b.m[0], "2026-05-31");
	assert_int_equal(source_entries("task_done", id), 0);
	/* completed by the due date: the member's entry and the on-time bonus, dated the completion,
	 * in the member's branch; the branch indicator is not the member's */
	task_step(task_complete, id, json_pack("{s:s}", "completed_on", "2026-05-18"), "task_complete");
	assert_int_equal(net("member", b.m[0], "task"), 10);
	assert_int_equal(net("member", b.m[0], "task_on_time"), 5);
	assert_int_equal(net("branch", b.id, "b_task"), 0);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'task_done' AND source_id = ? AND "
			       "subject_id = ? AND org_id = ? AND event_on = '2026-05-18'",
			       3, id, b.m[0], b.id, 0),
			 2);
	/* re-sync by hand and in bulk: nothing to do */
	in_tx(points_sync_task, id, "points_sync_task");
	bulk_sync(b.id, "2026Q2", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("task_done", id), 2);
	/* reopened: both taken back */
	task_step(task_reopen, id, json_pack("{s:s}", "reason", "验收不合格"), "task_reopen");
	assert_int_equal(net("member", b.m[0], "task"), 0);
	assert_int_equal(net("member", b.m[0], "task_on_time"), 0);
	assert_int_equal(source_entries("task_done", id), 4);
	/* completed after the due date: the task entry without the bonus */
	life_set_today(2026, 6, 5);
	late = task_row(b.id, b.m[1], "2026-05-31");
	task_step(task_complete, late, json_pack("{s:s}", "completed_on", "2026-06-03"), "task_complete");
	assert_int_equal(net("member", b.m[1], "task"), 10);
	assert_int_equal(net("member", b.m[1], "task_on_time"), 0);
	/* no member named: the responsible 党支部, on-time indicators only */
	unit_task = task_row(b.id, 0, "2026-06-30");
	task_step(task_complete, unit_task, json_pack("{s:s}", "completed_on", "2026-06-04"), "task_complete");
	assert_int_equal(net("branch", b.id, "b_task"), 20);
	assert_int_equal(source_entries("task_done", unit_task), 1);
	/* a committee as the unit earns nothing */
	id = task_row(fx.committee, 0, "2026-06-30");
	task_step(task_complete, id, json_pack("{s:s}", "completed_on", "2026-06-04"), "task_complete");
	assert_int_equal(source_entries("task_done", id), 0);
	bulk_sync(fx.committee, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(rollups_differ(0), 0);
	life_set_today(2026, 3, 10);
}

static void test_visit_made(void **state)
{
	struct branch b, c;
	json_t *body;
	int64_t id = 0, added = -1, reversed = -1;
	(void)state;
	make_branch(&b, "积分走访党支部");
	make_branch(&c, "积分走访邻村党支部");
	life_set_today(2026, 7, 10);
	/* two members of two branches go together: each earns in their own branch, dated the visit */
	body = json_pack("{s:I, s:s, s:s, s:[I, I], s:s}", "org_id", (json_int_t)b.id, "visited_on", "2026-07-08", "place",
			 "三组王大爷家", "member_ids", (json_int_t)b.m[0], (json_int_t)c.m[1], "findings", "屋顶漏雨");
	err_clear(&fx.ctx.err);
	if (visit_create(&fx.ctx, body, &id))
		life_fail_ctx("visit_create", &fx.ctx);
	json_decref(body);
	assert_int_equal(net("member", b.m[0], "visit"), 5);
	assert_int_equal(net("member", c.m[1], "visit"), 5);
	assert_int_equal(net("member", b.m[1], "visit"), 0);
	assert_int_equal(q_int("SELECT count(*) FROM point_entries WHERE source = 'visit_made' AND source_id = ? AND "
			       "subject_id = ? AND org_id = ? AND event_on = '2026-07-08'",
			       3, id, c.m[1], c.id, 0),
			 1);
	/* idempotent: by hand and in bulk (from either branch) nothing changes */
	in_tx(points_sync_visit, id, "points_sync_visit");
	bulk_sync(c.id, "2026-07", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	bulk_sync(b.id, "2026", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 0);
	assert_int_equal(source_entries("visit_made", id), 2);
	/* a member dropped from the record (by SQL: the module has no edit): the bulk sync takes it back */
	exec_sql("DELETE FROM visit_members WHERE visit_id = ? AND member_id = ?", 2, id, c.m[1]);
	bulk_sync(b.id, "2026-07", &added, &reversed);
	assert_int_equal(added, 0);
	assert_int_equal(reversed, 1);
	assert_int_equal(net("member", c.m[1], "visit"), 0);
	assert_int_equal(rollups_differ(0), 0);
	life_set_today(2026, 3, 10);
}

#define SYNC_TESTS                                                     \
	{                                                              \
		cmocka_unit_test(test_meeting_yields_entries),         \
		cmocka_unit_test(test_attendance_edit_reverses),       \
		cmocka_unit_test(test_hours_change),                   \
		cmocka_unit_test(test_resync_idempotent),              \
		cmocka_unit_test(test_kind_specific),                  \
		cmocka_unit_test(test_group_meeting_credits_branch),   \
		cmocka_unit_test(test_committee_lecture),              \
		cmocka_unit_test(test_disabled_org),                   \
		cmocka_unit_test(test_appraisal_close),                \
		cmocka_unit_test(test_published_month_corrections),    \
		cmocka_unit_test(test_sync_audit_and_rollups),         \
		cmocka_unit_test(test_volunteer_hours),                \
		cmocka_unit_test(test_commitment_done),                \
		cmocka_unit_test(test_project_awarded),                \
		cmocka_unit_test(test_request_replied),                \
		cmocka_unit_test(test_supervision_finding),            \
		cmocka_unit_test(test_task_done),                      \
		cmocka_unit_test(test_visit_made),                     \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SYNC_TESTS;
	const struct CMUnitTest pg_tests[] = SYNC_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "积分党员";
	failed = cmocka_run_group_tests_name("points_sync/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("points_sync/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("points_sync/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
