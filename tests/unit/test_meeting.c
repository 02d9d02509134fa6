/*
 * Organizational life in the domain layer with injected dates (RULES.md §2, §4): each
 * frequency rule of the compliance check with its period boundaries, red vs amber, the
 * quorum of a vote, default attendance and hours, and the 6-month members-at-risk flag
 * with and without leave reasons. Runs on SQLite and again on PostgreSQL when
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
#include <unistd.h>
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee;
	int64_t a, b, c, d;     /* a: with a 支委会 and two 党小组; b: plain; c: at-risk; d: lecture setting */
	int64_t ga1, ga2;
	int64_t a_members[5];   /* full, full, full, full under 留党察看, probationary */
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	fx.top = life_make_org(0, "dept", "测试组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "测试党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "第一党支部", 3);
	fx.b = life_make_org(fx.committee, "branch", "第二党支部", 0);
	fx.c = life_make_org(fx.committee, "branch", "第三党支部", 0);
	fx.ga1 = life_make_org(fx.a, "group", "第一党小组", 0);
	fx.ga2 = life_make_org(fx.a, "group", "第二党小组", 0);
	fx.a_members[0] = life_make_member_ex(fx.a, fx.ga1, "full", "none", NULL);
	fx.a_members[1] = life_make_member_ex(fx.a, fx.ga1, "full", "none", NULL);
	fx.a_members[2] = life_make_member_ex(fx.a, fx.ga2, "full", "none", NULL);
	fx.a_members[3] = life_make_member_ex(fx.a, fx.ga2, "full", "probation", NULL);
	fx.a_members[4] = life_make_member_ex(fx.a, 0, "probationary", "none", NULL);
	life_make_member(fx.b);
	/* a tree of its own for the local lecture rule (settings are per top-level org) */
	fx.d = life_make_org(life_make_org(life_make_org(0, "dept", "另一组织部", 0), "committee", "另一党委", 0), "branch", "另一党支部", 0);
	life_make_member(fx.d);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "meeting", populate, 2 };

/* ---- helpers ---- */

/* Records a meeting (attendance: NULL = default); returns its id or fails. */
static int64_t meet(int64_t org, const char *kind, const char *on, json_t *attendance)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "kind", kind, "held_on",
				 on, "start_time", "09:00", "end_time", "11:00", "lecturer", "书记", "topic", "学习");
	int64_t id = 0;
	if (attendance)
		json_object_set_new(body, "attendance", attendance);
	err_clear(&fx.ctx.err);
	if (meeting_create(&fx.ctx, body, &id))
		life_fail_ctx(kind, &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *report(int64_t org, int year, int month, int quarter)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;
	err_clear(&fx.ctx.err);
	if (compliance_report_json(&fx.ctx, org, year, month, quarter, &sb))
		life_fail_ctx("compliance_report_json", &fx.ctx);
	j = json_loads(sb.buf, 0, &jerr);
	if (!j)
		fail_msg("report is not JSON: %s", jerr.text);
	strbuf_release(&sb);
	return j;
}

static json_t *branch_of(json_t *rep, int64_t org)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(rep, "branches"), i, b)
		if (json_integer_value(json_object_get(b, "org_id")) == org)
			return b;
	fail_msg("branch %" PRId64 " not in the report", org);
	return NULL;
}

/* the item of kind in branch org, or NULL if the branch has no such rule */
static json_t *item_of(json_t *rep, int64_t org, const char *kind)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(branch_of(rep, org), "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "kind")), kind))
			return it;
	return NULL;
}

static const char *status_of(json_t *rep, int64_t org)
{
	return json_string_value(json_object_get(branch_of(rep, org), "status"));
}

static int held(json_t *rep, int64_t org, const char *kind)
{
	return (int)json_integer_value(json_object_get(item_of(rep, org, kind), "held"));
}

static int required(json_t *rep, int64_t org, const char *kind)
{
	return (int)json_integer_value(json_object_get(item_of(rep, org, kind), "required"));
}

/* ---- frequency rules ---- */

static void test_theme_day_month_boundary(void **state)
{
	json_t *rep;
	(void)state;
	life_set_today(2026, 1, 15);
	meet(fx.b, "theme_day", "2025-03-31", NULL); /* the last day of March counts for March */
	meet(fx.b, "theme_day", "2025-05-01", NULL); /* the 1st of May does not count for April */
	rep = report(fx.b, 2025, 3, 0);
	assert_int_equal(required(rep, fx.b, "theme_day"), 1);
	assert_int_equal(held(rep, fx.b, "theme_day"), 1);
	json_decref(rep);
	rep = report(fx.b, 2025, 4, 0);
	assert_int_equal(held(rep, fx.b, "theme_day"), 0);
	assert_string_equal(status_of(rep, fx.b), "red");
	json_decref(rep);
	rep = report(fx.b, 2025, 5, 0);
	assert_int_equal(held(rep, fx.b, "theme_day"), 1);
	json_decref(rep);
}

static void test_quarterly_congress_and_month_green(void **state)
{
	json_t *rep;
	(void)state;
	life_set_today(2026, 1, 15);
	/* March closes Q1: the month is green with its theme day, a congress and a lecture in the quarter */
	rep = report(fx.b, 2025, 3, 0);
	assert_string_equal(status_of(rep, fx.b), "red");
	json_decref(rep);
	meet(fx.b, "party_congress", "2025-01-02", NULL);
	meet(fx.b, "lecture", "2025-02-20", NULL);
	rep = report(fx.b, 2025, 3, 0);
	assert_string_equal(status_of(rep, fx.b), "green");
	assert_int_equal(held(rep, fx.b, "party_congress"), 1);
	json_decref(rep);
	/* February checks only the monthly rules: no theme day → red, the quarter is not due */
	rep = report(fx.b, 2025, 2, 0);
	assert_int_equal(required(rep, fx.b, "party_congress"), 0);
	assert_string_equal(status_of(rep, fx.b), "red");
	json_decref(rep);
	/* Q2: a congress on 30 June counts, one on 1 July belongs to Q3 */
	meet(fx.b, "party_congress", "2025-07-01", NULL);
	rep = report(fx.b, 2025, 0, 2);
	assert_int_equal(required(rep, fx.b, "party_congress"), 1);
	assert_int_equal(held(rep, fx.b, "party_congress"), 0);
	json_decref(rep);
	meet(fx.b, "party_congress", "2025-06-30", NULL);
	rep = report(fx.b, 2025, 0, 2);
	assert_int_equal(held(rep, fx.b, "party_congress"), 1);
	/* a quarter view checks each of its months' theme days */
	assert_int_equal(required(rep, fx.b, "theme_day"), 3);
	json_decref(rep);
}

static void test_amber_while_open(void **state)
{
	json_t *rep;
	(void)state;
	life_set_today(2025, 9, 15);
	rep = report(fx.b, 2025, 9, 0); /* September still open, nothing held */
	assert_string_equal(status_of(rep, fx.b), "amber");
	json_decref(rep);
	rep = report(fx.b, 2025, 8, 0); /* August is over */
	assert_string_equal(status_of(rep, fx.b), "red");
	json_decref(rep);
	meet(fx.b, "theme_day", "2025-09-15", NULL);
	rep = report(fx.b, 2025, 9, 0); /* the quarter (Q3) still lacks its congress and lecture: amber */
	assert_int_equal(held(rep, fx.b, "theme_day"), 1);
	assert_string_equal(status_of(rep, fx.b), "amber");
	json_decref(rep);
}

static void test_committee_and_groups(void **state)
{
	json_t *rep;
	(void)state;
	life_set_today(2026, 1, 15);
	/* committee meetings are required only where there is a 支委会 */
	rep = report(fx.committee, 2025, 6, 0);
	assert_non_null(item_of(rep, fx.a, "committee"));
	assert_null(item_of(rep, fx.b, "committee"));
	assert_null(item_of(rep, fx.b, "group"));
	assert_int_equal(required(rep, fx.a, "group"), 2); /* one per 党小组 */
	assert_int_equal(held(rep, fx.a, "committee"), 0);
	json_decref(rep);
	/* a 支委会 names its 支委 (two of three present: quorate) */
	meet(fx.a, "committee", "2025-06-30",
	     json_pack("[{s:I, s:s, s:b}, {s:I, s:s, s:b}]", "member_id", (json_int_t)fx.a_members[0], "status", "present",
		       "committee", 1, "member_id", (json_int_t)fx.a_members[1], "status", "present", "committee", 1));
	meet(fx.ga1, "group", "2025-06-10", NULL);
	meet(fx.ga1, "group", "2025-06-20", NULL); /* two meetings of one group are still one group */
	rep = report(fx.committee, 2025, 6, 0);
	assert_int_equal(held(rep, fx.a, "committee"), 1);
	assert_int_equal(held(rep, fx.a, "group"), 1);
	json_decref(rep);
	meet(fx.ga2, "group", "2025-06-01", NULL);
	rep = report(fx.committee, 2025, 6, 0);
	assert_int_equal(held(rep, fx.a, "group"), 2);
	json_decref(rep);
	/* a 党小组会 must be held by a 党小组, a 支委会 by a branch */
	{
		json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)fx.a, "kind", "group", "held_on",
					 "2025-06-01", "start_time", "09:00", "end_time", "10:00");
		int64_t id;
		err_clear(&fx.ctx.err);
		assert_int_equal(meeting_create(&fx.ctx, body, &id), E_RULE);
		assert_string_equal(fx.ctx.err.rule, "meeting.org_kind");
		json_decref(body);
	}
}

static void test_lecture_local_rule_and_yearly(void **state)
{
	struct stmt *st;
	json_t *rep;
	struct org d;
	(void)state;
	life_set_today(2026, 1, 15);
	assert_int_equal(org_get(&fx.ctx, fx.d, &d), 0);
	/* default: one 党课 a quarter, so January alone does not ask for one */
	rep = report(fx.d, 2025, 1, 0);
	assert_int_equal(required(rep, fx.d, "lecture"), 0);
	json_decref(rep);
	st = db_prepare(fx.ctx.db, "INSERT INTO settings (org_id, key, value) VALUES (?, 'life.lecture_months', '1')", &fx.ctx.err);
	assert_non_null(st);
	{
		/* the top-level org is the first id of the path */
		int64_t top_id = 0;
		const char *p = d.path + 1;
		while (*p >= '0' && *p <= '9')
			top_id = top_id * 10 + (*p++ - '0');
		stmt_bind_int(st, 1, top_id);
	}
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
	rep = report(fx.d, 2025, 1, 0);
	assert_int_equal(required(rep, fx.d, "lecture"), 1);
	assert_int_equal(json_integer_value(json_object_get(item_of(rep, fx.d, "lecture"), "every_months")), 1);
	json_decref(rep);

	/* yearly: 组织生活会 and 民主评议 are due with the year */
	rep = report(fx.d, 2025, 0, 0);
	assert_int_equal(required(rep, fx.d, "life_meeting"), 1);
	assert_int_equal(required(rep, fx.d, "appraisal"), 1);
	assert_int_equal(required(rep, fx.d, "theme_day"), 12);
	assert_int_equal(required(rep, fx.d, "party_congress"), 4);
	assert_int_equal(held(rep, fx.d, "life_meeting"), 0);
	json_decref(rep);
	meet(fx.d, "life_meeting", "2025-12-31", NULL);
	meet(fx.d, "appraisal", "2025-01-01", NULL);
	rep = report(fx.d, 2025, 12, 0);
	assert_int_equal(held(rep, fx.d, "life_meeting"), 1);
	assert_int_equal(held(rep, fx.d, "appraisal"), 1);
	json_decref(rep);
	/* in a year still open, a missing 组织生活会 is amber, not red */
	life_set_today(2025, 6, 1);
	rep = report(fx.d, 2025, 0, 0);
	{
		json_t *miss = json_object_get(item_of(rep, fx.d, "party_congress"), "missing");
		assert_string_equal(json_string_value(json_object_get(json_array_get(miss, 0), "status")), "red");
		assert_string_equal(json_string_value(json_object_get(json_array_get(miss, 1), "status")), "amber");
	}
	json_decref(rep);
}

/* ---- quorum, attendance, hours ---- */

static json_t *att(int64_t id, const char *status, const char *reason)
{
	return reason ? json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)id, "status", status, "reason", reason)
		      : json_pack("{s:I, s:s}", "member_id", (json_int_t)id, "status", status);
}

static int congress_vote(json_t *attendance, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o}", "org_id", (json_int_t)fx.a, "kind", "party_congress",
				 "held_on", "2025-11-05", "start_time", "14:00", "end_time", "15:30", "vote", 1, "attendance",
				 attendance);
	int rc;
	err_clear(&fx.ctx.err);
	rc = meeting_create(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

static void test_quorum(void **state)
{
	json_t *j;
	int64_t id = 0;
	(void)state;
	life_set_today(2026, 1, 15);
	/* voters: the three full members not under 留党察看; the probationary member does not vote */
	assert_int_equal(congress_vote(json_pack("[o, o, o, o, o]", att(fx.a_members[0], "present", NULL),
						 att(fx.a_members[1], "leave", "出差"), att(fx.a_members[2], "absent", NULL),
						 att(fx.a_members[3], "present", NULL), att(fx.a_members[4], "present", NULL)),
				 &id),
			 E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.quorum");
	assert_non_null(strstr(fx.ctx.err.message, "应到 3 名，实到 1 名"));
	/* members the list omits are absent, never present */
	assert_int_equal(congress_vote(json_pack("[o]", att(fx.a_members[0], "present", NULL)), &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.quorum");
	/* 2 of 3 is more than half */
	if (congress_vote(json_pack("[o, o]", att(fx.a_members[0], "present", NULL), att(fx.a_members[1], "present", NULL)), &id))
		life_fail_ctx("congress with quorum", &fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_get(&fx.ctx, id, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "quorum"), "expected_voters")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "absent")), 3);
	json_decref(j);
	/* exactly half is not more than half */
	{
		int64_t e = life_make_org(fx.committee, "branch", "第五党支部", 0), v1 = life_make_member(e), v2 = life_make_member(e);
		json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:[o, o]}", "org_id", (json_int_t)e, "kind",
					 "party_congress", "held_on", "2025-11-05", "start_time", "14:00", "end_time", "15:30",
					 "vote", 1, "attendance", att(v1, "present", NULL), att(v2, "leave", "病假"));
		err_clear(&fx.ctx.err);
		assert_int_equal(meeting_create(&fx.ctx, body, &id), E_RULE);
		assert_string_equal(fx.ctx.err.rule, "meeting.quorum");
		json_decref(body);
	}
	/* a non-member of the branch cannot be on the list */
	assert_int_equal(congress_vote(json_pack("[o]", att(life_make_member(fx.b), "present", NULL)), &id), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "meeting.attendee");
}

static void test_default_attendance_and_hours(void **state)
{
	json_t *j, *body;
	int64_t id;
	(void)state;
	life_set_today(2026, 1, 15);
	id = meet(fx.a, "study", "2025-10-10", NULL); /* 09:00–11:00 */
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_get(&fx.ctx, id, &j), 0);
	/* everyone on the branch roster (full and probationary, also under 留党察看) is present */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "present")), 5);
	assert_true(json_real_value(json_object_get(j, "hours")) == 2.0);
	json_decref(j);
	/* hours follow the times until given */
	body = json_pack("{s:I, s:s}", "version", (json_int_t)1, "end_time", "10:30");
	err_clear(&fx.ctx.err);
	if (meeting_update(&fx.ctx, id, body))
		life_fail_ctx("meeting_update", &fx.ctx);
	json_decref(body);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_get(&fx.ctx, id, &j), 0);
	assert_true(json_real_value(json_object_get(j, "hours")) == 1.5);
	json_decref(j);
	/* a stale version is refused */
	body = json_pack("{s:I, s:f}", "version", (json_int_t)1, "hours", 3.0);
	err_clear(&fx.ctx.err);
	assert_int_equal(meeting_update(&fx.ctx, id, body), E_CONFLICT);
	json_decref(body);
	/* the member's year */
	err_clear(&fx.ctx.err);
	assert_int_equal(compliance_member_hours(&fx.ctx, fx.a_members[4], 2025, &j), 0);
	assert_true(json_real_value(json_object_get(j, "hours")) >= 1.5);
	assert_int_equal(json_integer_value(json_object_get(j, "target_hours")), 32);
	json_decref(j);
}

/* ---- members at risk ---- */

static int flagged(json_t *rep, int64_t member, const char *flag)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(rep, "items"), i, it)
		if (json_integer_value(json_object_get(it, "member_id")) == member &&
		    !strcmp(json_string_value(json_object_get(it, "flag")), flag))
			return 1;
	return 0;
}

static void test_six_months(void **state)
{
	int64_t absent, excused, no_reason, present_once, edge_in, edge_out, lost_long, lost_recent;
	json_t *rep;
	int mo;
	char on[11];
	(void)state;
	absent = life_make_member(fx.c);
	excused = life_make_member(fx.c);
	no_reason = life_make_member(fx.c);
	present_once = life_make_member(fx.c);
	edge_in = life_make_member(fx.c);
	edge_out = life_make_member(fx.c);
	life_set_today(2025, 12, 31); /* lost_since must not be in the future when recorded */
	lost_long = life_make_member_ex(fx.c, 0, "full", "none", "2025-12-01");
	lost_recent = life_make_member_ex(fx.c, 0, "full", "none", "2025-12-20");
	life_set_today(2026, 8, 10); /* window: the 6 whole months February–July 2026, and August so far */
	for (mo = 2; mo <= 7; mo++) {
		xsnprintf(on, sizeof(on), "2026-%02d-15", mo);
		/* everyone not listed is recorded absent */
		meet(fx.c, "theme_day", on,
		     json_pack("[o, o, o]", att(excused, mo == 4 ? "leave" : "absent", mo == 4 ? "外出务工" : NULL),
			       att(no_reason, "leave", NULL), att(present_once, mo == 7 ? "present" : "absent", NULL)));
	}
	meet(fx.c, "study", "2026-01-31", json_pack("[o]", att(edge_out, "present", NULL)));
	meet(fx.c, "study", "2026-02-01", json_pack("[o]", att(edge_in, "present", NULL)));
	err_clear(&fx.ctx.err);
	assert_int_equal(compliance_at_risk(&fx.ctx, fx.c, &rep), 0);
	assert_true(flagged(rep, absent, "no_life"));
	assert_false(flagged(rep, excused, "no_life"));   /* a leave with a reason is a proper reason */
	assert_true(flagged(rep, no_reason, "no_life"));  /* a leave without one is not */
	assert_false(flagged(rep, present_once, "no_life"));
	assert_false(flagged(rep, edge_in, "no_life"));   /* 1 February is inside the window */
	assert_true(flagged(rep, edge_out, "no_life"));   /* 31 January is not */
	json_decref(rep);
	/* on 1 September the window moves to March–August: edge_in is now 6 months out too */
	life_set_today(2026, 9, 1);
	err_clear(&fx.ctx.err);
	assert_int_equal(compliance_at_risk(&fx.ctx, fx.c, &rep), 0);
	assert_true(flagged(rep, edge_in, "no_life"));
	json_decref(rep);
	/* lost contact: ≥ 6 months flagged, less not */
	life_set_today(2026, 6, 1);
	err_clear(&fx.ctx.err);
	assert_int_equal(compliance_at_risk(&fx.ctx, fx.c, &rep), 0);
	assert_true(flagged(rep, lost_long, "lost_contact"));
	assert_false(flagged(rep, lost_recent, "lost_contact"));
	json_decref(rep);
}

/* ---- kept counts ---- */

/*
 * "org|year|kind|month|n" lines in that order: from meeting_counts (what compliance
 * reads) when kept is set, else straight from the meetings.
 */
static char *count_lines(int kept)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st;
	int step, mo;
	if (kept)
		st = db_prepare(fx.ctx.db, "SELECT org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 "
					   "FROM meeting_counts ORDER BY org_id, year, kind",
				&fx.ctx.err);
	else
		st = db_prepare(fx.ctx.db, "SELECT org_id, CAST(substr(held_on, 1, 4) AS INTEGER), kind, "
					   "CAST(substr(held_on, 6, 2) AS INTEGER), count(*) FROM meetings "
					   "GROUP BY org_id, substr(held_on, 1, 4), kind, substr(held_on, 6, 2) "
					   "ORDER BY org_id, substr(held_on, 1, 4), kind, substr(held_on, 6, 2)",
				&fx.ctx.err);
	if (!st)
		life_fail_ctx("count_lines", &fx.ctx);
	while ((step = stmt_step(st, &fx.ctx.err)) == STEP_ROW) {
		for (mo = 1; mo <= 12; mo++) {
			int64_t n = kept ? stmt_int(st, 2 + mo) : (mo == stmt_int(st, 3) ? stmt_int(st, 4) : 0);
			/* a kept row may hold zeros (its meetings moved away): they count nothing */
			if (n)
				strbuf_addf(&sb, "%" PRId64 "|%" PRId64 "|%s|%d|%" PRId64 "\n", stmt_int(st, 0), stmt_int(st, 1),
					    stmt_text(st, 2), mo, n);
		}
	}
	stmt_reset(st);
	assert_int_equal(step, STEP_DONE);
	return strbuf_detach(&sb, NULL);
}

static int64_t query_count(const char *sql, int64_t org, const char *kind, const char *from, const char *to)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n = -1;
	if (!st)
		life_fail_ctx("query_count", &fx.ctx);
	stmt_bind_int(st, 1, org);
	stmt_bind_text(st, 2, kind);
	stmt_bind_text(st, 3, from);
	stmt_bind_text(st, 4, to);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/*
 * Random meetings written, moved in time and deleted: the counts kept by the triggers
 * of 012 equal a GROUP BY over the meetings, and the compliance report built on them
 * equals the straightforward count of each branch's meetings per kind.
 */
static void test_kept_counts_match_meetings(void **state)
{
	static const char *const branch_kinds[] = { "party_congress", "lecture", "theme_day", "life_meeting",
						    "appraisal", "study" };
	const int64_t branches[] = { fx.a, fx.b, fx.c, fx.d }, groups[] = { fx.ga1, fx.ga2 };
	int64_t ids[120];
	char *kept, *direct, day[11];
	unsigned seed = 20261126;
	int i, year;
	(void)state;
	life_set_today(2026, 12, 31);
	for (i = 0; i < 120; i++) {
		int g = rand_r(&seed) % 4 == 0;
		xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2024 + rand_r(&seed) % 3, 1 + rand_r(&seed) % 12,
			  1 + rand_r(&seed) % 28);
		ids[i] = g ? meet(groups[rand_r(&seed) % 2], "group", day, NULL)
			   : meet(branches[rand_r(&seed) % 4], branch_kinds[rand_r(&seed) % 6], day, NULL);
	}
	/* a third moved to another date (month and year may change), a few deleted */
	for (i = 0; i < 120; i += 3) {
		json_t *got = NULL, *body;
		err_clear(&fx.ctx.err);
		if (meeting_get(&fx.ctx, ids[i], &got))
			life_fail_ctx("meeting_get", &fx.ctx);
		xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2024 + rand_r(&seed) % 3, 1 + rand_r(&seed) % 12,
			  1 + rand_r(&seed) % 28);
		body = json_pack("{s:s, s:O}", "held_on", day, "version", json_object_get(got, "version"));
		if (meeting_update(&fx.ctx, ids[i], body))
			life_fail_ctx("meeting_update", &fx.ctx);
		json_decref(body);
		json_decref(got);
	}
	for (i = 1; i < 120; i += 10) {
		char sql[160];
		xsnprintf(sql, sizeof(sql), "DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64, ids[i]);
		assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
		xsnprintf(sql, sizeof(sql), "DELETE FROM meetings WHERE id = %" PRId64, ids[i]);
		assert_int_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
	}
	kept = count_lines(1);
	direct = count_lines(0);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);

	for (year = 2024; year <= 2026; year++) {
		json_t *rep = report(0, year, 0, 0);
		char from[11], to[11];
		size_t k;
		xsnprintf(from, sizeof(from), "%04d-01-01", year);
		xsnprintf(to, sizeof(to), "%04d-12-31", year);
		for (i = 0; i < 4; i++)
			for (k = 0; k < sizeof(branch_kinds) / sizeof(branch_kinds[0]); k++) {
				json_t *it = item_of(rep, branches[i], branch_kinds[k]);
				if (!it)
					continue;
				assert_int_equal(json_integer_value(json_object_get(it, "meetings")),
						 query_count("SELECT count(*) FROM meetings WHERE org_id = ? AND kind = ? AND "
							     "held_on >= ? AND held_on <= ?",
							     branches[i], branch_kinds[k], from, to));
			}
		/* fx.a's 党小组 rule: a group counts once per month it met, at most the number of groups */
		assert_int_equal(held(rep, fx.a, "group"),
				 query_count("SELECT count(*) FROM (SELECT DISTINCT o.id, substr(mt.held_on, 6, 2) FROM orgs o "
					     "JOIN meetings mt ON mt.org_id = o.id WHERE o.parent_id = ? AND mt.kind = ? AND "
					     "mt.held_on >= ? AND mt.held_on <= ?) t",
					     fx.a, "group", from, to));
		json_decref(rep);
	}
}

/* ---- kept per-member figures, 谈心谈话, reminders ---- */

/* "a|b|c…" lines of a query's integer columns, in its order */
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

static void exec_sql(const char *fmt, int64_t a, int64_t b)
{
	char sql[400];
	xsnprintf(sql, sizeof(sql), fmt, a, b);
	err_clear(&fx.ctx.err);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

/* "member|missed" of the no_life flags at today, from compliance_at_risk and straight from the attendance */
static void assert_at_risk_direct(int y, int m, int d)
{
	/* a subtree of more branches than list_max reads the lean way (member_life_lapse, 048) */
	static const struct compliance_opts large = { 1, 1, 1000, 0 };
	struct strbuf got = STRBUF_INIT, lean = STRBUF_INIT;
	json_t *rep, *it;
	struct stmt *st;
	char *direct;
	const char *from, *today;
	size_t i;
	int step;
	life_set_today(y, m, d);
	err_clear(&fx.ctx.err);
	if (compliance_at_risk_opts(&fx.ctx, fx.top, &large, &rep))
		life_fail_ctx("compliance_at_risk large", &fx.ctx);
	json_array_foreach(json_object_get(rep, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "flag")), "no_life"))
			strbuf_addf(&lean, "%" PRId64 "|%" PRId64 "\n", (int64_t)json_integer_value(json_object_get(it, "member_id")),
				    (int64_t)json_integer_value(json_object_get(it, "meetings_missed")));
	json_decref(rep);
	if (compliance_at_risk(&fx.ctx, fx.top, &rep))
		life_fail_ctx("compliance_at_risk", &fx.ctx);
	json_array_foreach(json_object_get(rep, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "flag")), "no_life"))
			strbuf_addf(&got, "%" PRId64 "|%" PRId64 "\n", (int64_t)json_integer_value(json_object_get(it, "member_id")),
				    (int64_t)json_integer_value(json_object_get(it, "meetings_missed")));
	assert_string_equal(lean.buf ? lean.buf : "", got.buf ? got.buf : "");
	strbuf_release(&lean);
	from = json_string_value(json_object_get(json_object_get(rep, "window"), "from"));
	today = json_string_value(json_object_get(rep, "today"));
	/* the query compliance.c ran before 014 */
	st = db_prepare(fx.ctx.db,
			"SELECT m.id, count(*) FROM members m JOIN meeting_attendance a ON a.member_id = m.id "
			"JOIN meetings mt ON mt.id = a.meeting_id WHERE m.state = 'active' AND mt.held_on >= ? "
			"AND mt.held_on <= ? AND (m.join_date IS NULL OR m.join_date <= ?) GROUP BY m.id, m.org_id "
			"HAVING sum(CASE WHEN a.status = 'present' OR (a.status = 'leave' AND a.reason IS NOT NULL) "
			"THEN 1 ELSE 0 END) = 0 ORDER BY m.org_id, m.id",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, today);
	stmt_bind_text(st, 3, from);
	{
		struct strbuf sb = STRBUF_INIT;
		while ((step = stmt_step(st, &fx.ctx.err)) == STEP_ROW)
			strbuf_addf(&sb, "%" PRId64 "|%" PRId64 "\n", stmt_int(st, 0), stmt_int(st, 1));
		stmt_reset(st);
		assert_int_equal(step, STEP_DONE);
		direct = strbuf_detach(&sb, NULL);
	}
	assert_string_equal(got.buf ? got.buf : "", direct);
	free(direct);
	strbuf_release(&got);
	json_decref(rep);
}

/*
 * Random attendance written through meeting_create, rewritten through meeting_update
 * (attendance lists and dates), edited and deleted by hand: the per-member figures kept
 * by the triggers of 014 equal a GROUP BY over the attendance, the kept last month
 * attended equals its max, and the members-at-risk list read from them equals the
 * straightforward join at several dates.
 */
static void test_kept_member_figures(void **state)
{
	static const char *const kinds[] = { "theme_day", "lecture", "talk", "study", "party_congress" };
	static const char *const statuses[] = { "present", "leave", "absent" };
	int64_t br, mem[6], ids[60];
	unsigned seed = 20261126;
	char day[11], *kept, *direct;
	int i, j;
	(void)state;
	life_set_today(2026, 12, 31);
	br = life_make_org(fx.committee, "branch", "随机党支部", 0);
	life_make_members(br, mem, 6);
	for (i = 0; i < 60; i++) {
		json_t *list = json_array();
		for (j = 0; j < 6; j++) {
			int s = rand_r(&seed) % 3;
			/* mem[5] never attends: at risk whenever it was recorded in the window */
			if (j == 5)
				s = 2;
			json_array_append_new(list, att(mem[j], statuses[s], s == 1 && rand_r(&seed) % 2 ? "出差" : NULL));
		}
		xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2025 + rand_r(&seed) % 2, 1 + rand_r(&seed) % 12,
			  1 + rand_r(&seed) % 28);
		ids[i] = meet(br, kinds[rand_r(&seed) % 5], day, list);
	}
	for (i = 0; i < 60; i++) {
		int64_t who = mem[1 + rand_r(&seed) % 4];
		json_t *got = NULL, *body;
		switch (i % 5) {
		case 0: /* moved to another date, month and year may change */
		case 1: /* a new attendance list */
			err_clear(&fx.ctx.err);
			if (meeting_get(&fx.ctx, ids[i], &got))
				life_fail_ctx("meeting_get", &fx.ctx);
			if (i % 5 == 0) {
				xsnprintf(day, sizeof(day), "%04d-%02d-%02d", 2025 + rand_r(&seed) % 2, 1 + rand_r(&seed) % 12,
					  1 + rand_r(&seed) % 28);
				body = json_pack("{s:s, s:O}", "held_on", day, "version", json_object_get(got, "version"));
			} else {
				body = json_pack("{s:[o, o], s:O}", "attendance", att(mem[0], "present", NULL),
						 att(who, "leave", "病假"), "version", json_object_get(got, "version"));
			}
			if (meeting_update(&fx.ctx, ids[i], body))
				life_fail_ctx("meeting_update", &fx.ctx);
			json_decref(body);
			json_decref(got);
			break;
		case 2: /* status and reason edited in place */
			exec_sql("UPDATE meeting_attendance SET status = CASE status WHEN 'present' THEN 'absent' "
				 "WHEN 'absent' THEN 'leave' ELSE 'present' END, reason = CASE status WHEN 'absent' THEN "
				 "'家中有事' ELSE NULL END WHERE meeting_id = %" PRId64 " AND member_id = %" PRId64,
				 ids[i], who);
			break;
		case 3: /* a reason added or taken away only */
			exec_sql("UPDATE meeting_attendance SET reason = CASE WHEN reason IS NULL THEN '出差' ELSE NULL END "
				 "WHERE meeting_id = %" PRId64 " AND member_id <> %" PRId64,
				 ids[i], mem[5]);
			break;
		default: /* one row, or the whole meeting, deleted */
			exec_sql("DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64 " AND member_id = %" PRId64,
				 ids[i], who);
			if (i % 10 == 9) {
				exec_sql("DELETE FROM meeting_attendance WHERE meeting_id = %" PRId64 " AND %" PRId64 " = 0",
					 ids[i], 0);
				exec_sql("DELETE FROM meetings WHERE id = %" PRId64 " AND %" PRId64 " = 0", ids[i], 0);
			}
			break;
		}
	}
	kept = int_lines("SELECT member_id, year, month, meetings, attended, excused, talks FROM member_life_months "
			 "WHERE meetings <> 0 OR attended <> 0 OR excused <> 0 OR talks <> 0 ORDER BY member_id, year, month",
			 7);
	direct = int_lines("SELECT a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), "
			   "CAST(substr(mt.held_on, 6, 2) AS INTEGER), count(*), "
			   "sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), "
			   "sum(CASE WHEN a.status = 'leave' AND a.reason IS NOT NULL THEN 1 ELSE 0 END), "
			   "sum(CASE WHEN a.status = 'present' AND mt.kind = 'talk' THEN 1 ELSE 0 END) "
			   "FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id "
			   "GROUP BY a.member_id, substr(mt.held_on, 1, 4), substr(mt.held_on, 6, 2) "
			   "ORDER BY a.member_id, substr(mt.held_on, 1, 4), substr(mt.held_on, 6, 2)",
			   7);
	assert_true(strlen(direct) > 0);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);
	kept = int_lines("SELECT member_id, ok_ym FROM member_life WHERE ok_ym <> 0 ORDER BY member_id", 2);
	direct = int_lines("SELECT a.member_id, max(CAST(substr(mt.held_on, 1, 4) AS INTEGER) * 100 + "
			   "CAST(substr(mt.held_on, 6, 2) AS INTEGER)) FROM meeting_attendance a JOIN meetings mt ON "
			   "mt.id = a.meeting_id WHERE a.status = 'present' OR (a.status = 'leave' AND a.reason IS NOT NULL) "
			   "GROUP BY a.member_id ORDER BY a.member_id",
			   2);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);
	/* 048: one member moved to another branch, one being transferred, one whose join date
	 * moved: the member's columns kept in member_life follow members, and its first and last
	 * months with meetings are the attendance's */
	(void)life_make_org(fx.committee, "branch", "随机第二党支部", 0);
	exec_sql("UPDATE members SET org_id = (SELECT o.id FROM orgs o WHERE o.name = '随机第二党支部'), org_path = "
		 "(SELECT o.path FROM orgs o WHERE o.name = '随机第二党支部') WHERE id = %" PRId64 " AND %" PRId64 " = 0",
		 mem[5], 0);
	exec_sql("UPDATE members SET state = 'transferring' WHERE id = %" PRId64 " AND %" PRId64 " = 0", mem[4], 0);
	exec_sql("UPDATE members SET join_date = '2027-02-01' WHERE id = %" PRId64 " AND %" PRId64 " = 0", mem[3], 0);
	kept = int_lines("SELECT k.member_id, k.first_ym, k.last_ym, k.org_id FROM member_life k WHERE k.last_ym <> 0 "
			 "ORDER BY k.member_id",
			 4);
	direct = int_lines("SELECT a.member_id, min(CAST(substr(mt.held_on, 1, 4) AS INTEGER) * 100 + "
			   "CAST(substr(mt.held_on, 6, 2) AS INTEGER)), max(CAST(substr(mt.held_on, 1, 4) AS INTEGER) * 100 "
			   "+ CAST(substr(mt.held_on, 6, 2) AS INTEGER)), m.org_id FROM meeting_attendance a JOIN meetings mt "
			   "ON mt.id = a.meeting_id JOIN members m ON m.id = a.member_id GROUP BY a.member_id, m.org_id "
			   "ORDER BY a.member_id",
			   4);
	assert_string_equal(kept, direct);
	free(kept);
	free(direct);
	kept = int_lines("SELECT count(*) FROM member_life k JOIN members m ON m.id = k.member_id WHERE NOT ("
			 "k.org_path = m.org_path AND k.state = m.state AND coalesce(k.join_date, '') = "
			 "coalesce(m.join_date, ''))",
			 1);
	assert_string_equal(kept, "0\n");
	free(kept);
	/* dates on or after every meeting recorded, month ends and a mid-month day */
	assert_at_risk_direct(2026, 12, 31);
	assert_at_risk_direct(2027, 3, 31);
	assert_at_risk_direct(2027, 5, 15);
	assert_at_risk_direct(2027, 6, 30);
}

static json_t *missing_of(json_t *rep, int64_t org, const char *kind)
{
	return json_array_get(json_object_get(item_of(rep, org, kind), "missing"), 0);
}

static int in_names(json_t *miss, int64_t member)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(miss, "members"), i, m)
		if (json_integer_value(json_object_get(m, "member_id")) == member)
			return 1;
	return 0;
}

/*
 * 谈心谈话 (RULES.md §2): each member on the roster present at one in the year; counted
 * in the year (and Q4, December) views with the names of those not talked with, capped.
 */
static void test_talks_yearly(void **state)
{
	int64_t br, m[53], lapsed, solo, one;
	json_t *rep, *miss;
	struct org o;
	(void)state;
	life_set_today(2026, 6, 1);
	br = life_make_org(fx.committee, "branch", "谈心党支部", 0);
	life_make_members(br, m, 52);
	m[52] = life_make_member_ex(br, 0, "probationary", "none", NULL);
	lapsed = life_make_member(br);
	exec_sql("UPDATE members SET state = 'removed' WHERE id = %" PRId64 " AND %" PRId64 " = 0", lapsed, 0);
	/* the year's first day counts; the day before the year, a leave and an absence do not */
	meet(br, "talk", "2026-01-01", json_pack("[o]", att(m[0], "present", NULL)));
	meet(br, "talk", "2025-12-31", json_pack("[o]", att(m[1], "present", NULL)));
	meet(br, "talk", "2026-05-31", json_pack("[o, o, o]", att(m[2], "leave", "出差"), att(m[3], "present", NULL),
						 att(m[52], "present", NULL)));
	rep = report(br, 2026, 0, 0);
	assert_int_equal(required(rep, br, "talk"), 53);   /* full and probationary, not the removed */
	assert_int_equal(held(rep, br, "talk"), 3);
	miss = missing_of(rep, br, "talk");
	assert_int_equal(json_integer_value(json_object_get(miss, "missing")), 50);
	assert_string_equal(json_string_value(json_object_get(miss, "status")), "amber");
	assert_string_equal(json_string_value(json_object_get(miss, "due")), "2026-12-31");
	assert_int_equal(json_array_size(json_object_get(miss, "members")), 50);
	assert_true(in_names(miss, m[1]) && in_names(miss, m[2]));
	assert_false(in_names(miss, m[0]) || in_names(miss, m[3]) || in_names(miss, m[52]) || in_names(miss, lapsed));
	json_decref(rep);
	/* 51 not talked with: the count is whole, the names stop at 50 */
	life_set_today(2026, 6, 2);
	meet(br, "talk", "2026-06-02", json_pack("[o]", att(m[3], "absent", NULL)));
	exec_sql("UPDATE meeting_attendance SET status = 'absent' WHERE member_id = %" PRId64 " AND %" PRId64 " = 0",
		 m[52], 0);
	rep = report(br, 2026, 12, 0);
	miss = missing_of(rep, br, "talk");
	assert_int_equal(json_integer_value(json_object_get(miss, "missing")), 51);
	assert_int_equal(json_array_size(json_object_get(miss, "members")), 50);
	json_decref(rep);
	rep = report(br, 2026, 0, 4);
	assert_int_equal(required(rep, br, "talk"), 53);
	json_decref(rep);
	/* a month before December does not check the year's talks */
	rep = report(br, 2026, 11, 0);
	assert_int_equal(required(rep, br, "talk"), 0);
	json_decref(rep);
	/* once the year is over it is red */
	life_set_today(2027, 1, 1);
	rep = report(br, 2026, 0, 0);
	assert_string_equal(json_string_value(json_object_get(missing_of(rep, br, "talk"), "status")), "red");
	json_decref(rep);

	/* the talk decides the branch's status: everything else of December held, founded 1 December */
	life_set_today(2026, 12, 20);
	memset(&o, 0, sizeof(o));
	o.parent_id = fx.committee;
	strlcpy_z(o.kind, "branch", sizeof(o.kind));
	strlcpy_z(o.name, "新建党支部", sizeof(o.name));
	strlcpy_z(o.founded_on, "2026-12-01", sizeof(o.founded_on));
	err_clear(&fx.ctx.err);
	if (org_create(&fx.ctx, &o))
		life_fail_ctx("org_create", &fx.ctx);
	solo = o.id;
	one = life_make_member(solo);
	meet(solo, "theme_day", "2026-12-02", NULL);
	meet(solo, "party_congress", "2026-12-02", NULL);
	meet(solo, "lecture", "2026-12-02", NULL);
	meet(solo, "life_meeting", "2026-12-02", NULL);
	meet(solo, "appraisal", "2026-12-02", NULL);
	rep = report(solo, 2026, 12, 0);
	assert_string_equal(status_of(rep, solo), "amber");
	assert_int_equal(json_integer_value(json_object_get(missing_of(rep, solo, "talk"), "missing")), 1);
	json_decref(rep);
	meet(solo, "talk", "2026-12-03", json_pack("[o]", att(one, "present", NULL)));
	rep = report(solo, 2026, 12, 0);
	assert_string_equal(status_of(rep, solo), "green");
	json_decref(rep);
}

static json_t *reminders(int64_t org)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;
	err_clear(&fx.ctx.err);
	if (compliance_reminders(&fx.ctx, org, &sb))
		life_fail_ctx("compliance_reminders", &fx.ctx);
	j = json_loads(sb.buf, 0, &jerr);
	if (!j)
		fail_msg("reminders are not JSON: %s", jerr.text);
	strbuf_release(&sb);
	return j;
}

/* the reminder of kind for org, or NULL */
static json_t *reminder_of(json_t *rep, int64_t org, const char *kind)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(rep, "items"), i, it)
		if (json_integer_value(json_object_get(it, "org_id")) == org &&
		    !strcmp(json_string_value(json_object_get(it, "kind")), kind))
			return it;
	return NULL;
}

/*
 * Reminders: the month's missing meetings from 7 days before its end, the quarter's
 * from 15, the year's from 30; held ones drop out; sorted by the end date.
 */
static void test_reminders(void **state)
{
	int64_t br, one;
	json_t *rep, *it, *prev = NULL;
	size_t i;
	(void)state;
	life_set_today(2027, 1, 2);
	br = life_make_org(fx.committee, "branch", "提醒党支部", 0);
	one = life_make_member(br);

	life_set_today(2027, 3, 23);     /* 8 days to the month's end, 8 to the quarter's */
	rep = reminders(fx.committee);
	assert_null(reminder_of(rep, br, "theme_day"));
	assert_non_null(reminder_of(rep, br, "party_congress"));
	json_decref(rep);
	life_set_today(2027, 3, 24);     /* 7 days */
	rep = reminders(fx.committee);
	it = reminder_of(rep, br, "theme_day");
	assert_non_null(it);
	assert_string_equal(json_string_value(json_object_get(it, "due")), "2027-03-31");
	assert_string_equal(json_string_value(json_object_get(it, "period")), "2027-03");
	assert_int_equal(json_integer_value(json_object_get(it, "days_left")), 7);
	assert_int_equal(json_integer_value(json_object_get(it, "missing")), 1);
	it = reminder_of(rep, br, "lecture");
	assert_non_null(it);
	assert_string_equal(json_string_value(json_object_get(it, "period")), "2027-Q1");
	assert_null(reminder_of(rep, br, "life_meeting"));   /* the year is 282 days from its end */
	json_decref(rep);
	/* a held meeting drops out */
	meet(br, "theme_day", "2027-03-24", NULL);
	rep = reminders(fx.committee);
	assert_null(reminder_of(rep, br, "theme_day"));
	assert_non_null(reminder_of(rep, br, "party_congress"));
	json_decref(rep);
	life_set_today(2027, 3, 16);     /* 15 days to the quarter's end */
	rep = reminders(br);
	assert_non_null(reminder_of(rep, br, "party_congress"));
	json_decref(rep);
	life_set_today(2027, 3, 15);     /* 16 */
	rep = reminders(br);
	assert_null(reminder_of(rep, br, "party_congress"));
	assert_int_equal(json_integer_value(json_object_get(rep, "total")), 0);
	json_decref(rep);
	life_set_today(2027, 5, 20);     /* mid-quarter, 11 days to the month's end: nothing */
	rep = reminders(br);
	assert_int_equal(json_integer_value(json_object_get(rep, "total")), 0);
	json_decref(rep);
	/* the year: from 1 December (30 days), with the members not talked with */
	life_set_today(2027, 11, 30);
	rep = reminders(br);
	assert_null(reminder_of(rep, br, "life_meeting"));
	json_decref(rep);
	life_set_today(2027, 12, 1);
	rep = reminders(br);
	assert_non_null(reminder_of(rep, br, "life_meeting"));
	assert_non_null(reminder_of(rep, br, "appraisal"));
	it = reminder_of(rep, br, "talk");
	assert_non_null(it);
	assert_int_equal(json_integer_value(json_object_get(it, "days_left")), 30);
	assert_true(in_names(it, one));
	assert_null(reminder_of(rep, br, "theme_day"));      /* December's end is 30 days away */
	json_decref(rep);
	/* the whole scope sorted by end date */
	life_set_today(2027, 12, 31);
	rep = reminders(0);
	assert_true(json_array_size(json_object_get(rep, "items")) > 0);
	json_array_foreach(json_object_get(rep, "items"), i, it) {
		if (prev)
			assert_true(strcmp(json_string_value(json_object_get(prev, "due")),
					   json_string_value(json_object_get(it, "due"))) <= 0);
		prev = it;
	}
	assert_int_equal(json_integer_value(json_object_get(reminder_of(rep, br, "theme_day"), "days_left")), 0);
	json_decref(rep);
}

#define MEETING_TESTS                                                \
	{                                                            \
		cmocka_unit_test(test_theme_day_month_boundary),     \
		cmocka_unit_test(test_quarterly_congress_and_month_green), \
		cmocka_unit_test(test_amber_while_open),             \
		cmocka_unit_test(test_committee_and_groups),         \
		cmocka_unit_test(test_lecture_local_rule_and_yearly), \
		cmocka_unit_test(test_quorum),                       \
		cmocka_unit_test(test_default_attendance_and_hours), \
		cmocka_unit_test(test_six_months),                   \
		cmocka_unit_test(test_kept_counts_match_meetings),   \
		cmocka_unit_test(test_kept_member_figures),          \
		cmocka_unit_test(test_talks_yearly),                 \
		cmocka_unit_test(test_reminders),                    \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = MEETING_TESTS;
	const struct CMUnitTest pg_tests[] = MEETING_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("meeting/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("meeting/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("meeting/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
