/*
 * The points ledger and claims in the domain layer with injected dates (RULES.md §6,
 * docs/API.md "Points and assessment"): awards and deductions add up, caps count in the
 * "why" view (raw against counted, a quarter cap across months), reversals (twice, of a
 * reversal, of a published month landing in this month), a published month refuses
 * new entries, the approver rules (a secretary below an org_admin indicator, nobody
 * scoring their own branch, automatic entries reversed by org admins only), the claim
 * flow (pending → approved with exactly one entry, a rejection needs a reason, a stale
 * version), set versions seen through the ledger, an org with points off, and the kept
 * rollups (018_point_rollups) equal to a rebuild from the ledger after all of that, with
 * people's entries audited one by one and a batch append not. Runs on SQLite and again
 * on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/org.h"
#include "domain/points.h"
#include "domain/points_internal.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, committee, a, b, d;   /* d: points switched off */
	int64_t a1, a2, a3, a4, b1, d1;
};

static struct fixture fx;

/* ---- actors ---- */

static void org_path_of(int64_t id, char *out)
{
	struct org o;
	struct actor saved = fx.ctx.actor;
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, id, &o))
		life_fail_ctx("org_get", &fx.ctx);
	fx.ctx.actor = saved;
	strlcpy_z(out, o.path, PATH_MAX_LEN);
}

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
}

static void as_role(enum role role, int64_t org, int64_t member)
{
	char path[PATH_MAX_LEN];
	org_path_of(org, path);
	memset(&fx.ctx.actor, 0, sizeof(fx.ctx.actor));
	fx.ctx.actor.user_id = 1000 + (int64_t)role;
	strlcpy_z(fx.ctx.actor.username, "tester", sizeof(fx.ctx.actor.username));
	fx.ctx.actor.role = role;
	fx.ctx.actor.org_id = org;
	strlcpy_z(fx.ctx.actor.org_path, path, sizeof(fx.ctx.actor.org_path));
	fx.ctx.actor.member_id = member;
}

/* ---- helpers ---- */

/* one indicator of a set body */
static json_t *ind(const char *code, const char *target, const char *sign, double points, double cap,
		   const char *cap_period, const char *source, const char *approver)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s, s:s}", "code", code, "name", code, "category",
			 "测试", "target", target, "sign", sign, "points", points, "cap", cap, "cap_period", cap_period,
			 "source", source, "approver", approver);
}

/* The county's set from effective (a month not before today's); study worth study_points. */
static void make_set(const char *effective, double study_points)
{
	json_t *inds = json_array(), *body;
	int64_t id = 0;
	json_array_append_new(inds, ind("study", "member", "award", study_points, 5, "month", "manual", "secretary"));
	json_array_append_new(inds, ind("help", "member", "award", 3, 0, "month", "manual", "secretary"));
	json_array_append_new(inds, ind("late", "member", "deduct", 1, 3, "quarter", "manual", "secretary"));
	json_array_append_new(inds, ind("honor", "member", "award", 10, 0, "month", "manual", "org_admin"));
	json_array_append_new(inds, ind("attend", "member", "award", 1, 0, "month", "meeting_attended", "secretary"));
	json_array_append_new(inds, ind("finding", "branch", "deduct", 5, 0, "month", "manual", "org_admin"));
	json_array_append_new(inds, ind("branch_good", "branch", "award", 5, 0, "month", "manual", "org_admin"));
	body = json_pack("{s:I, s:s, s:s, s:o}", "org_id", (json_int_t)fx.top, "effective_from", effective, "note", "测试",
			 "indicators", inds);
	as_system();
	err_clear(&fx.ctx.err);
	if (points_set_create(&fx.ctx, body, &id))
		life_fail_ctx("points_set_create", &fx.ctx);
	json_decref(body);
}

static int add_entry(const char *target, int64_t subject, const char *code, const char *on, int count,
		     const char *evidence, int64_t *id)
{
	json_t *body = json_pack("{s:s, s:I, s:s, s:s, s:i, s:s?}", "target", target, "subject_id", (json_int_t)subject,
				 "indicator", code, "event_on", on, "count", count, "evidence", evidence);
	int64_t dummy = 0;
	int rc;
	err_clear(&fx.ctx.err);
	rc = points_entry_add(&fx.ctx, body, id ? id : &dummy);
	json_decref(body);
	return rc;
}

static int64_t must_add(const char *target, int64_t subject, const char *code, const char *on, int count,
			const char *evidence)
{
	int64_t id = 0;
	if (add_entry(target, subject, code, on, count, evidence, &id))
		life_fail_ctx("points_entry_add", &fx.ctx);
	assert_true(id > 0);
	return id;
}

static int reverse(int64_t id, const char *reason, int64_t *rid)
{
	json_t *body = json_pack("{s:s?}", "reason", reason);
	int64_t dummy = 0;
	int rc;
	err_clear(&fx.ctx.err);
	rc = points_entry_reverse(&fx.ctx, id, body, rid ? rid : &dummy);
	json_decref(body);
	return rc;
}

static json_t *get_entry(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (points_entry_get(&fx.ctx, id, &j))
		life_fail_ctx("points_entry_get", &fx.ctx);
	return j;
}

static json_t *explain(const char *target, int64_t subject, const char *period)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (points_explain(&fx.ctx, target, subject, period, &j))
		life_fail_ctx("points_explain", &fx.ctx);
	return j;
}

/* a JSON number in tenths */
static int x10(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_number(v));
	return (int)lround(json_number_value(v) * 10);
}

static json_t *indicator_line(json_t *view, const char *code)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(view, "indicators"), i, l)
		if (!strcmp(json_string_value(json_object_get(l, "code")), code))
			return l;
	return NULL;
}

static int64_t count_entries(const char *where_source, int64_t source_id)
{
	struct stmt *st;
	int64_t n = -1;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, "SELECT count(*) FROM point_entries WHERE source = ? AND source_id = ?", &fx.ctx.err);
	if (!st)
		life_fail_ctx("count entries", &fx.ctx);
	stmt_bind_text(st, 1, where_source);
	stmt_bind_int(st, 2, source_id);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/* 评分 of month mm of 2026 for the members of org (a row written directly: publishing is points_rank.c's) */
static void publish_month(int64_t org, int mm)
{
	struct stmt *st;
	char path[PATH_MAX_LEN], period[8];
	int m = 2026 * 12 + mm - 1;
	org_path_of(org, path);
	xsnprintf(period, sizeof(period), "2026-%02d", mm);
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO point_publications (org_id, org_path, target, period, first_month, last_month, settings, "
			"created_at) VALUES (?, ?, 'member', ?, ?, ?, '{}', ?)",
			&fx.ctx.err);
	if (!st)
		life_fail_ctx("prepare publication", &fx.ctx);
	stmt_bind_int(st, 1, org);
	stmt_bind_text(st, 2, path);
	stmt_bind_text(st, 3, period);
	stmt_bind_int(st, 4, m);
	stmt_bind_int(st, 5, m);
	stmt_bind_text(st, 6, fx.ctx.now_iso);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx("insert publication", &fx.ctx);
}

static void switch_off(int64_t org)
{
	json_t *body = json_pack("{s:I, s:b, s:i, s:s, s:[{s:i, s:i}], s:[{s:i, s:i}], s:i, s:i, s:i}", "org_id",
				 (json_int_t)org, "enabled", 0, "member_base", 60, "branch_mode", "deduct", "member_bands",
				 "min", 60, "stars", 1, "branch_bands", "min", 60, "stars", 1, "top_band_cap_pct", 0, "top_n",
				 3, "version", 0);
	as_system();
	err_clear(&fx.ctx.err);
	if (points_settings_put(&fx.ctx, body))
		life_fail_ctx("points_settings_put", &fx.ctx);
	json_decref(body);
}

/* ---- fixture ---- */

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 1, 5);
	fx.top = life_make_org(0, "dept", "积分组织部", 0);
	fx.committee = life_make_org(fx.top, "committee", "积分党委", 0);
	fx.a = life_make_org(fx.committee, "branch", "积分第一党支部", 3);
	fx.b = life_make_org(fx.committee, "branch", "积分第二党支部", 3);
	fx.d = life_make_org(fx.committee, "branch", "积分停用党支部", 3);
	fx.a1 = life_make_member(fx.a);
	fx.a2 = life_make_member(fx.a);
	fx.a3 = life_make_member(fx.a);
	fx.a4 = life_make_member(fx.a);
	fx.b1 = life_make_member(fx.b);
	fx.d1 = life_make_member(fx.d);
	make_set("2026-01", 2);
	switch_off(fx.d);
	life_set_today(2026, 3, 20);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "points-ledger", populate, 2 };

/* ---- the ledger ---- */

static void test_arithmetic_and_caps(void **state)
{
	json_t *v, *l, *months, *list = NULL;
	struct points_entry_filter f;
	int64_t total = 0;
	(void)state;
	as_system();
	/* study: 2 分 an event, at most 5 a month; late: −1, at most −3 a quarter */
	must_add("member", fx.a1, "study", "2026-01-10", 2, NULL);
	must_add("member", fx.a1, "study", "2026-01-20", 2, "读书班");
	must_add("member", fx.a1, "study", "2026-02-03", 1, NULL);
	must_add("member", fx.a1, "late", "2026-01-15", 2, "迟到两次");
	must_add("member", fx.a1, "late", "2026-02-15", 2, "迟到两次");
	must_add("member", fx.a1, "honor", "2026-03-01", 1, "县级表彰");

	v = explain("member", fx.a1, "2026Q1");
	assert_string_equal(json_string_value(json_object_get(v, "period")), "2026Q1");
	assert_int_equal(x10(v, "base"), 600);
	assert_int_equal(x10(v, "award"), 170);   /* 5 (Jan, capped from 8) + 2 + 10 */
	assert_int_equal(x10(v, "deduct"), -30);  /* −4 raw, the quarter cap is −3 */
	assert_int_equal(x10(v, "score"), 740);
	assert_int_equal(json_integer_value(json_object_get(v, "stars")), 2);
	l = indicator_line(v, "study");
	assert_non_null(l);
	assert_int_equal(x10(l, "raw"), 100);
	assert_int_equal(x10(l, "counted"), 70);
	assert_int_equal(json_array_size(json_object_get(l, "entries")), 3);
	l = indicator_line(v, "late");
	assert_int_equal(x10(l, "raw"), -40);
	assert_int_equal(x10(l, "counted"), -30);
	months = json_object_get(v, "months");
	assert_int_equal(json_array_size(months), 3);
	assert_int_equal(x10(json_array_get(months, 0), "score"), 630);  /* 60 + 5 − 2 */
	assert_int_equal(x10(json_array_get(months, 1), "score"), 610);  /* 60 + 2 − 1: the quarter had 1 left */
	assert_int_equal(x10(json_array_get(months, 2), "score"), 700);
	json_decref(v);

	/* a month alone knows what the quarter's earlier months used */
	v = explain("member", fx.a1, "2026-02");
	assert_int_equal(x10(v, "deduct"), -10);
	assert_int_equal(x10(v, "award"), 20);
	json_decref(v);

	memset(&f, 0, sizeof(f));
	f.org_id = fx.a;
	f.subject_id = fx.a1;
	f.target = "member";
	f.page = 1;
	f.per_page = 50;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_entries_list(&fx.ctx, &f, &list, &total), 0);
	assert_int_equal(total, 6);
	v = json_array_get(list, 0);   /* newest first */
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "indicator"), "code")), "honor");
	assert_int_equal(x10(v, "points"), 100);
	assert_string_equal(json_string_value(json_object_get(v, "period")), "2026-03");
	assert_string_equal(json_string_value(json_object_get(v, "org_name")), "积分第一党支部");
	assert_true(json_is_null(json_object_get(v, "reversed_by")));
	json_decref(list);
	f.indicator = "late";
	f.period = "2026-02";
	err_clear(&fx.ctx.err);
	assert_int_equal(points_entries_list(&fx.ctx, &f, &list, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(x10(json_array_get(list, 0), "points"), -20);
	json_decref(list);
}

static void test_entry_refusals(void **state)
{
	(void)state;
	as_system();
	assert_int_equal(add_entry("member", fx.a1, "late", "2026-03-02", 1, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "evidence");
	assert_int_equal(add_entry("member", fx.a1, "study", "2026-03-21", 1, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "points.future");
	assert_int_equal(add_entry("member", fx.a1, "attend", "2026-03-02", 1, NULL, NULL), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "points.manual_only");
	assert_int_equal(add_entry("member", fx.a1, "finding", "2026-03-02", 1, "x", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "indicator");
	assert_int_equal(add_entry("member", fx.a1, "nosuch", "2026-03-02", 1, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "indicator");
	assert_int_equal(add_entry("member", fx.a1, "study", "2026-03-02", 0, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "count");
	assert_int_equal(add_entry("branch", fx.a1 + 100000, "finding", "2026-03-02", 1, "x", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "points.subject");
}

static void test_reversal(void **state)
{
	json_t *e, *v;
	int64_t e1, e2, r1 = 0, r2 = 0;
	(void)state;
	as_system();
	e1 = must_add("member", fx.a2, "study", "2026-02-10", 1, NULL);
	e2 = must_add("member", fx.a2, "study", "2026-01-12", 1, NULL);

	assert_int_equal(reverse(e1, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reason");
	assert_int_equal(reverse(e1, "录入错误", &r1), 0);
	e = get_entry(r1);
	assert_int_equal(x10(e, "points"), -20);
	assert_string_equal(json_string_value(json_object_get(e, "source")), "reversal");
	assert_string_equal(json_string_value(json_object_get(e, "evidence")), "录入错误");
	assert_int_equal(json_integer_value(json_object_get(e, "reverses_id")), e1);
	assert_string_equal(json_string_value(json_object_get(e, "period")), "2026-02");
	json_decref(e);
	e = get_entry(e1);
	assert_int_equal(json_integer_value(json_object_get(e, "reversed_by")), r1);
	json_decref(e);
	assert_int_equal(reverse(e1, "再次冲销", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.already_reversed");
	assert_int_equal(reverse(r1, "冲销冲销", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.reversal");

	/* 评分 of January for branch A: no new facts, corrections land in March */
	publish_month(fx.a, 1);
	assert_int_equal(add_entry("member", fx.a2, "study", "2026-01-20", 1, NULL, NULL), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "points.period_published");
	assert_int_equal(add_entry("member", fx.a3, "study", "2026-01-20", 1, NULL, NULL), E_RULE);
	assert_int_equal(add_entry("member", fx.b1, "study", "2026-01-20", 1, NULL, NULL), 0); /* another branch */
	assert_int_equal(reverse(e2, "应为二月", &r2), 0);
	e = get_entry(r2);
	assert_string_equal(json_string_value(json_object_get(e, "period")), "2026-03");
	assert_string_equal(json_string_value(json_object_get(e, "event_on")), "2026-01-12");
	json_decref(e);

	v = explain("member", fx.a2, "2026Q1");
	assert_int_equal(x10(indicator_line(v, "study"), "raw"), 0);
	assert_int_equal(x10(v, "score"), 600);
	assert_int_equal(x10(json_array_get(json_object_get(v, "months"), 0), "score"), 620);  /* January as published */
	assert_int_equal(x10(json_array_get(json_object_get(v, "months"), 2), "score"), 580);  /* March takes the −2 */
	json_decref(v);
	v = explain("member", fx.a2, "2026-01");
	assert_int_equal(x10(v, "score"), 620);
	json_decref(v);
}

static void test_approver_rules(void **state)
{
	struct points_indicator attend;
	struct points_new_entry ne;
	char a_path[PATH_MAX_LEN];
	json_t *v, *e;
	int64_t id = 0, auto_id = 0;
	(void)state;

	as_role(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(add_entry("member", fx.a3, "honor", "2026-03-02", 1, NULL, NULL), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "points.approver");
	assert_int_equal(add_entry("branch", fx.a, "finding", "2026-03-02", 1, "台账缺失", NULL), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "points.approver");
	assert_int_equal(add_entry("member", fx.b1, "study", "2026-03-02", 1, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "points.subject");
	id = must_add("member", fx.a3, "study", "2026-03-02", 1, NULL);
	e = get_entry(id);
	assert_int_equal(json_integer_value(json_object_get(e, "created_by")), 1000 + ROLE_SECRETARY);
	json_decref(e);

	/* an org admin whose scope is the branch itself still cannot score it */
	as_role(ROLE_ORG_ADMIN, fx.a, 0);
	assert_int_equal(add_entry("branch", fx.a, "finding", "2026-03-02", 1, "台账缺失", NULL), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "points.approver");
	as_role(ROLE_ORG_ADMIN, fx.committee, 0);
	assert_int_equal(add_entry("branch", fx.a, "finding", "2026-03-02", 1, NULL, NULL), E_INVALID); /* evidence */
	id = must_add("branch", fx.a, "finding", "2026-03-03", 1, "三会一课台账缺失");
	v = explain("branch", fx.a, "2026Q1");
	assert_string_equal(json_string_value(json_object_get(v, "mode")), "deduct");
	assert_int_equal(x10(v, "base"), 1000);
	assert_int_equal(x10(v, "score"), 950);
	assert_int_equal(json_integer_value(json_object_get(v, "stars")), 5);
	assert_int_equal(json_integer_value(json_object_get(v, "org_id")), fx.committee);
	json_decref(v);

	/* an automatic entry (as points_sync writes it): reversed by org admins only */
	as_system();
	org_path_of(fx.a, a_path);
	err_clear(&fx.ctx.err);
	if (points_indicator_by_code(&fx.ctx, a_path, 2026 * 12 + 2, "attend", &attend))
		life_fail_ctx("indicator", &fx.ctx);
	memset(&ne, 0, sizeof(ne));
	ne.target = "member";
	ne.subject_id = fx.a3;
	ne.org_id = fx.a;
	ne.org_path = a_path;
	ne.ind = &attend;
	ne.event_on = "2026-03-05";
	ne.points_x10 = 10;
	ne.source = "meeting_attended";
	ne.source_id = 4242;
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(points_append(&fx.ctx, &ne, &auto_id), 0);
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	assert_true(auto_id > 0);
	as_role(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(reverse(auto_id, "没有参加", NULL), E_FORBIDDEN);
	assert_string_equal(fx.ctx.err.rule, "points.approver");
	as_role(ROLE_ORG_ADMIN, fx.committee, 0);
	assert_int_equal(reverse(auto_id, "没有参加", NULL), 0);

	/* a 党员 reads their own view only */
	as_role(ROLE_MEMBER, fx.a, fx.a3);
	v = explain("member", fx.a3, NULL);
	assert_string_equal(json_string_value(json_object_get(v, "period")), "2026Q1");
	json_decref(v);
	err_clear(&fx.ctx.err);
	assert_int_equal(points_explain(&fx.ctx, "member", fx.a1, NULL, &v), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(points_entry_get(&fx.ctx, id, &v), E_NOTFOUND);   /* the branch's finding */
	as_role(ROLE_SECRETARY, fx.b, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(points_explain(&fx.ctx, "member", fx.a1, NULL, &v), E_NOTFOUND);
	as_system();
}

/* ---- claims ---- */

static int claim(const char *target, int64_t subject, const char *code, const char *on, int count,
		 const char *evidence, int64_t *id)
{
	json_t *body = json_pack("{s:s, s:I, s:s, s:s, s:i, s:s?}", "target", target, "subject_id", (json_int_t)subject,
				 "indicator", code, "event_on", on, "count", count, "evidence", evidence);
	int64_t dummy = 0;
	int rc;
	err_clear(&fx.ctx.err);
	rc = points_claim_create(&fx.ctx, body, id ? id : &dummy);
	json_decref(body);
	return rc;
}

static int decide(int64_t id, int version, int approve, const char *reason)
{
	json_t *body = json_pack("{s:i, s:b, s:s?}", "version", version, "approve", approve, "reason", reason);
	int rc;
	err_clear(&fx.ctx.err);
	rc = points_claim_decide(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static json_t *get_claim(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (points_claim_get(&fx.ctx, id, &j))
		life_fail_ctx("points_claim_get", &fx.ctx);
	return j;
}

static void test_claims(void **state)
{
	json_t *c, *items = NULL, *e;
	int64_t c1 = 0, c2 = 0, c3 = 0, total = 0;
	(void)state;

	as_role(ROLE_MEMBER, fx.a, fx.a4);
	assert_int_equal(claim("member", fx.a4, "help", "2026-03-05", 2, NULL, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "evidence");
	assert_int_equal(claim("member", fx.a1, "help", "2026-03-05", 2, "帮扶", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "points.subject");
	assert_int_equal(claim("branch", fx.a, "branch_good", "2026-03-05", 1, "先进", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "points.subject");
	assert_int_equal(claim("member", fx.a4, "attend", "2026-03-05", 1, "参会", NULL), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "points.manual_only");
	assert_int_equal(claim("member", fx.a4, "help", "2026-01-05", 1, "帮扶", NULL), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "points.period_published");
	assert_int_equal(claim("member", fx.a4, "help", "2026-03-05", 2, "结对帮扶两户", &c1), 0);
	c = get_claim(c1);
	assert_string_equal(json_string_value(json_object_get(c, "status")), "pending");
	assert_int_equal(x10(c, "points"), 60);
	assert_int_equal(json_integer_value(json_object_get(c, "version")), 1);
	json_decref(c);
	assert_int_equal(decide(c1, 1, 1, NULL), E_FORBIDDEN);   /* not their own approver */
	err_clear(&fx.ctx.err);
	assert_int_equal(points_claims_list(&fx.ctx, 0, NULL, 1, 20, &items, &total), 0);
	assert_int_equal(total, 1);
	json_decref(items);

	/* a secretary claims for a member and for the branch */
	as_role(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(claim("member", fx.a3, "help", "2026-03-06", 1, "帮扶一户", &c2), 0);
	assert_int_equal(claim("branch", fx.a, "branch_good", "2026-03-06", 1, "获评先进党支部", &c3), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(points_claims_list(&fx.ctx, 0, "pending", 1, 20, &items, &total), 0);
	assert_int_equal(total, 3);
	json_decref(items);

	assert_int_equal(decide(c1, 1, 0, NULL), E_INVALID);     /* a rejection needs a reason */
	assert_string_equal(fx.ctx.err.field, "reason");
	assert_int_equal(decide(c1, 2, 1, NULL), E_CONFLICT);    /* stale */
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	assert_int_equal(decide(c1, 1, 1, NULL), 0);
	c = get_claim(c1);
	assert_string_equal(json_string_value(json_object_get(c, "status")), "approved");
	assert_int_equal(json_integer_value(json_object_get(c, "version")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "decided_by")), 1000 + ROLE_SECRETARY);
	assert_int_equal(count_entries("claim", c1), 1);
	e = get_entry(json_integer_value(json_object_get(c, "entry_id")));
	assert_int_equal(x10(e, "points"), 60);
	assert_int_equal(json_integer_value(json_object_get(e, "subject_id")), fx.a4);
	assert_string_equal(json_string_value(json_object_get(e, "evidence")), "结对帮扶两户");
	json_decref(e);
	json_decref(c);
	assert_int_equal(decide(c1, 2, 1, NULL), E_CONFLICT);    /* decided once */
	assert_int_equal(count_entries("claim", c1), 1);

	assert_int_equal(decide(c2, 1, 0, "与事实不符"), 0);
	c = get_claim(c2);
	assert_string_equal(json_string_value(json_object_get(c, "status")), "rejected");
	assert_string_equal(json_string_value(json_object_get(c, "reason")), "与事实不符");
	assert_true(json_is_null(json_object_get(c, "entry_id")));
	json_decref(c);
	assert_int_equal(count_entries("claim", c2), 0);

	/* the branch's own claim is decided above it */
	assert_int_equal(decide(c3, 1, 1, NULL), E_FORBIDDEN);
	as_role(ROLE_ORG_ADMIN, fx.committee, 0);
	assert_int_equal(decide(c3, 1, 1, "属实"), 0);
	assert_int_equal(count_entries("claim", c3), 1);

	/* the member sees the approved points */
	as_role(ROLE_MEMBER, fx.a, fx.a4);
	e = explain("member", fx.a4, "2026-03");
	assert_int_equal(x10(e, "award"), 60);
	json_decref(e);
	as_system();
}

/* ---- versions and switching off ---- */

static void test_versions(void **state)
{
	json_t *v, *e;
	int64_t old_id, new_id;
	(void)state;
	life_set_today(2026, 4, 2);
	make_set("2026-04", 3);   /* study now 3 分 */
	as_system();
	old_id = must_add("member", fx.a3, "study", "2026-03-25", 1, NULL);
	new_id = must_add("member", fx.a3, "study", "2026-04-01", 1, NULL);
	e = get_entry(old_id);
	assert_int_equal(x10(e, "points"), 20);
	json_decref(e);
	e = get_entry(new_id);
	assert_int_equal(x10(e, "points"), 30);
	json_decref(e);
	/* the first quarter keeps what it was scored under */
	v = explain("member", fx.a1, "2026Q1");
	assert_int_equal(x10(v, "score"), 740);
	assert_int_equal(x10(indicator_line(v, "study"), "points"), 20);
	json_decref(v);
	v = explain("member", fx.a3, "2026-04");
	assert_int_equal(x10(indicator_line(v, "study"), "points"), 30);
	assert_int_equal(x10(v, "award"), 30);
	json_decref(v);
}

static void test_disabled(void **state)
{
	struct points_entry_filter f;
	json_t *v = NULL;
	int64_t total = 0;
	(void)state;
	as_system();
	assert_int_equal(add_entry("member", fx.d1, "study", "2026-04-01", 1, NULL, NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	err_clear(&fx.ctx.err);
	assert_int_equal(points_explain(&fx.ctx, "member", fx.d1, NULL, &v), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	as_role(ROLE_MEMBER, fx.d, fx.d1);
	assert_int_equal(claim("member", fx.d1, "help", "2026-04-01", 1, "帮扶", NULL), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	as_system();
	memset(&f, 0, sizeof(f));
	f.org_id = fx.d;
	f.page = 1;
	f.per_page = 20;
	err_clear(&fx.ctx.err);
	assert_int_equal(points_entries_list(&fx.ctx, &f, &v, &total), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "points.disabled");
	/* the rest of the tree is unaffected */
	assert_int_equal(add_entry("member", fx.b1, "study", "2026-04-01", 1, NULL, NULL), 0);
}

/* ---- the kept rollups ---- */

static int64_t q_count(const char *sql)
{
	struct stmt *st;
	int64_t n = -1;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		life_fail_ctx(sql, &fx.ctx);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/* rows of point_rollups that differ from a rebuild over path (NULL: all); write repairs */
static int64_t rollups_differ(const char *path, int write)
{
	int64_t differ = -1;
	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	if (points_rollups_rebuild(&fx.ctx, path, write, &differ)) {
		db_rollback(fx.ctx.db);
		life_fail_ctx("points_rollups_rebuild", &fx.ctx);
	}
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	return differ;
}

/* the kept cell of (indicator id, month mm) of the member's 2026; indicator 0: entries */
static int rollup_cell(int64_t member, int64_t ind_id, int mm)
{
	struct points_rollup_iter it;
	struct stmt *st;
	char *cells = NULL;
	int64_t ind;
	int month, raw, r, v = 0;
	err_clear(&fx.ctx.err);
	st = db_prepare(fx.ctx.db,
			"SELECT cells FROM point_rollups WHERE target = 'member' AND subject_id = ? AND year = 2026",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, member);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		cells = xstrdup(stmt_text(st, 0));
	stmt_reset(st);
	points_rollup_iter_init(&it, cells);
	while ((r = points_rollup_next(&it, &ind, &month, &raw)) > 0)
		if (ind == ind_id && month == mm)
			v += raw;
	assert_int_equal(r, 0);
	free(cells);
	return v;
}

/*
 * Pages of the ledger, newest first, whichever way they are read: on SQLite a page is
 * first looked for among the ledger's newest ids (a window of 64 ids per entry needed)
 * and read the usual way when the window does not hold it. Branch x has 10 old entries
 * and 2 new ones with 200 of branch y in between: x's first two pages of one lie in
 * the window, its third does not and must still be x's third newest entry.
 */
static void test_entry_pages(void **state)
{
	struct points_entry_filter f;
	int64_t x, y, x1, y1, ids[12], total = 0;
	json_t *list = NULL;
	int i, n = 0;
	(void)state;
	as_system();
	x = life_make_org(fx.committee, "branch", "积分分页甲支部", 3);
	y = life_make_org(fx.committee, "branch", "积分分页乙支部", 3);
	x1 = life_make_member(x);
	y1 = life_make_member(y);
	for (i = 0; i < 10; i++)
		ids[n++] = must_add("member", x1, "help", "2026-03-02", 1, NULL);
	for (i = 0; i < 200; i++)
		must_add("member", y1, "help", "2026-03-03", 1, NULL);
	for (i = 0; i < 2; i++)
		ids[n++] = must_add("member", x1, "help", "2026-03-04", 1, NULL);
	memset(&f, 0, sizeof(f));
	f.org_id = x;
	f.per_page = 1;
	for (i = 0; i < 12; i++) {
		f.page = i + 1;
		err_clear(&fx.ctx.err);
		assert_int_equal(points_entries_list(&fx.ctx, &f, &list, &total), 0);
		assert_int_equal(total, 12);
		assert_int_equal(json_array_size(list), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), ids[11 - i]);
		json_decref(list);
	}
	f.page = 13;
	assert_int_equal(points_entries_list(&fx.ctx, &f, &list, &total), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* the committee's newest page of 50 lies in the window: x's two, then y's */
	f.org_id = fx.committee;
	f.per_page = 50;
	f.page = 1;
	assert_int_equal(points_entries_list(&fx.ctx, &f, &list, &total), 0);
	assert_int_equal(json_array_size(list), 50);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), ids[11]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "id")), ids[10]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 2), "subject_id")), y1);
	json_decref(list);
}

static void test_rollups(void **state)
{
	struct points_indicator study, help;
	struct points_new_entry ne;
	char a_path[PATH_MAX_LEN], b_path[PATH_MAX_LEN];
	int64_t audited, entries, differ = 0;
	(void)state;
	as_system();
	org_path_of(fx.a, a_path);
	org_path_of(fx.b, b_path);
	/* after entries, reversals (one landing in March for a published January), claims,
	 * findings and two set versions: what is kept is what the ledger says */
	assert_true(q_count("SELECT count(*) FROM point_rollups") > 0);
	assert_int_equal(rollups_differ(NULL, 0), 0);
	assert_int_equal(rollups_differ(a_path, 0), 0);
	err_clear(&fx.ctx.err);
	if (points_indicator_by_code(&fx.ctx, a_path, 2026 * 12 + 1, "study", &study) ||
	    points_indicator_by_code(&fx.ctx, a_path, 2026 * 12 + 2, "help", &help))
		life_fail_ctx("indicator", &fx.ctx);
	/* member a2 (test_reversal): January +2 reversed in March, February +2 reversed */
	assert_int_equal(rollup_cell(fx.a2, study.id, 1), 20);
	assert_int_equal(rollup_cell(fx.a2, study.id, 2), 0);
	assert_int_equal(rollup_cell(fx.a2, study.id, 3), -20);
	assert_int_equal(rollup_cell(fx.a2, 0, 2), 2);
	assert_int_equal(rollup_cell(fx.a2, 0, 3), 1);
	/* a4's approved claim (2 × help in March) */
	assert_int_equal(rollup_cell(fx.a4, help.id, 3), 60);

	/* every entry by people was audited on its own */
	audited = q_count("SELECT count(*) FROM audit_log WHERE entity = 'point_entry'");
	entries = q_count("SELECT count(*) FROM point_entries");
	assert_int_equal(audited, entries);
	/* a batch append (points_sync's) keeps the rollup but leaves the audit to its caller */
	memset(&ne, 0, sizeof(ne));
	ne.target = "member";
	ne.subject_id = fx.b1;
	ne.org_id = fx.b;
	ne.org_path = b_path;
	ne.ind = &help;
	ne.event_on = "2026-03-10";
	ne.points_x10 = 30;
	ne.source = "manual";
	ne.batch = 1;
	err_clear(&fx.ctx.err);
	assert_int_equal(db_begin(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(points_append(&fx.ctx, &ne, NULL), 0);
	assert_int_equal(db_commit(fx.ctx.db, &fx.ctx.err), 0);
	assert_int_equal(q_count("SELECT count(*) FROM point_entries"), entries + 1);
	assert_int_equal(q_count("SELECT count(*) FROM audit_log WHERE entity = 'point_entry'"), audited);
	assert_int_equal(rollup_cell(fx.b1, help.id, 3), 30);
	assert_int_equal(rollups_differ(NULL, 0), 0);

	/* a damaged or missing row is found, and the repair writes what the ledger says */
	err_clear(&fx.ctx.err);
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE point_rollups SET cells = '0:31' WHERE target = 'member' AND "
					    "year = 2026 AND subject_id = (SELECT min(subject_id) FROM point_rollups "
					    "WHERE target = 'member')",
				 &fx.ctx.err),
			 0);
	assert_int_equal(db_exec(fx.ctx.db, "DELETE FROM point_rollups WHERE target = 'branch'", &fx.ctx.err), 0);
	assert_int_equal(db_exec(fx.ctx.db, "UPDATE point_rollups SET cells = 'x' WHERE target = 'member' AND "
					    "subject_id = (SELECT max(subject_id) FROM point_rollups WHERE target = 'member')",
				 &fx.ctx.err),
			 0);
	differ = rollups_differ(NULL, 0);
	assert_true(differ >= 3);  /* the two members and at least one branch row */
	assert_int_equal(rollups_differ(NULL, 1), differ);
	assert_int_equal(rollups_differ(NULL, 0), 0);
	assert_int_equal(rollup_cell(fx.a2, study.id, 3), -20);
}

#define LEDGER_TESTS                                            \
	{                                                       \
		cmocka_unit_test(test_arithmetic_and_caps),     \
		cmocka_unit_test(test_entry_refusals),          \
		cmocka_unit_test(test_reversal),                \
		cmocka_unit_test(test_approver_rules),          \
		cmocka_unit_test(test_claims),                  \
		cmocka_unit_test(test_versions),                \
		cmocka_unit_test(test_disabled),                \
		cmocka_unit_test(test_entry_pages),             \
		cmocka_unit_test(test_rollups),                 \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = LEDGER_TESTS;
	const struct CMUnitTest pg_tests[] = LEDGER_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "积分党员";
	failed = cmocka_run_group_tests_name("points_ledger/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("points_ledger/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("points_ledger/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
