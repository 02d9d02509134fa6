/*
 * 督查整改 and 四议两公开 in the domain layer with injected dates: a finding's status
 * order (open → rectified → closed, 409 supervision.status otherwise), a return with its
 * reason back to open, overdue against an injected today, the quarterly bulletin's
 * counts; a decision's six steps only in order (decision.step), dates never going
 * backwards (decision.date), the majority of those present (decision.vote) and the
 * quorum; editing an inspection (supervision.closed, supervision.has_findings) and a decision
 * (decision.done). Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/decision.h"
#include "domain/org.h"
#include "domain/supervision.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, other_town, east, west, far;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "督查县委组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "督查镇党委", 0);
	fx.other_town = life_make_org(fx.top, "committee", "邻镇党委", 0);
	fx.east = life_make_org(fx.town, "branch", "东村党支部", 3);
	fx.west = life_make_org(fx.town, "branch", "西村党支部", 3);
	fx.far = life_make_org(fx.other_town, "branch", "邻镇某村党支部", 3);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "supervision", populate, 2 };

/* the system actor again, or a secretary / admin scoped to org */
static void act_as(enum role role, int64_t org)
{
	struct org o;
	ctx_as_system(&fx.ctx);
	if (role == ROLE_SYSADMIN)
		return;
	assert_int_equal(org_get(&fx.ctx, org, &o), 0);
	fx.ctx.actor.role = role;
	fx.ctx.actor.org_id = o.id;
	strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
}

static int64_t inspection(int64_t org, const char *held_on)
{
	json_t *b = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)org, "held_on", held_on, "kind", "monthly",
			      "inspectors", "张三、李四");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (supervision_inspection_create(&fx.ctx, b, &id))
		life_fail_ctx("inspection_create", &fx.ctx);
	json_decref(b);
	return id;
}

static int add_finding(int64_t insp, int64_t org, const char *category, const char *deadline, int64_t *id)
{
	json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "problem", "三会一课记录不全",
			      "category", category, "severity", "normal", "deadline", deadline, "responsible", "王书记");
	int rc;
	err_clear(&fx.ctx.err);
	rc = supervision_finding_add(&fx.ctx, insp, b, id);
	json_decref(b);
	return rc;
}

static int64_t finding(int64_t insp, int64_t org, const char *category, const char *deadline)
{
	int64_t id = 0;
	if (add_finding(insp, org, category, deadline, &id))
		life_fail_ctx("finding_add", &fx.ctx);
	return id;
}

static json_t *get_finding(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (supervision_finding_get(&fx.ctx, id, &j))
		life_fail_ctx("finding_get", &fx.ctx);
	return j;
}

static int64_t version_of(int64_t id)
{
	json_t *j = get_finding(id);
	int64_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

static const char *status_of(int64_t id)
{
	static char buf[16];
	json_t *j = get_finding(id);
	strlcpy_z(buf, json_string_value(json_object_get(j, "status")), sizeof(buf));
	json_decref(j);
	return buf;
}

static int rectify(int64_t id, const char *on)
{
	json_t *b = json_pack("{s:I, s:s, s:s, s:s}", "version", (json_int_t)version_of(id), "rectification", "已补齐记录",
			      "rectified_on", on, "evidence", "会议记录本照片");
	int rc;
	err_clear(&fx.ctx.err);
	rc = supervision_finding_rectify(&fx.ctx, id, b);
	json_decref(b);
	return rc;
}

static int close_finding(int64_t id, const char *on)
{
	json_t *b = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "closed_on", on);
	int rc;
	err_clear(&fx.ctx.err);
	rc = supervision_finding_close(&fx.ctx, id, b);
	json_decref(b);
	return rc;
}

static int return_finding(int64_t id, const char *reason)
{
	json_t *b = reason ? json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "reason", reason)
			   : json_pack("{s:I}", "version", (json_int_t)version_of(id));
	int rc;
	err_clear(&fx.ctx.err);
	rc = supervision_finding_return(&fx.ctx, id, b);
	json_decref(b);
	return rc;
}

/* ---- supervision ---- */

static void test_finding_status_order(void **state)
{
	int64_t insp, f, dummy;
	(void)state;
	life_set_today(2026, 3, 10);
	act_as(ROLE_SYSADMIN, 0);
	insp = inspection(fx.town, "2026-03-05");
	f = finding(insp, fx.east, "meetings", "2026-03-31");
	assert_string_equal(status_of(f), "open");
	/* an org inspects only below itself */
	assert_int_equal(add_finding(insp, fx.far, "meetings", "2026-03-31", &dummy), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "supervision.scope");
	assert_int_equal(add_finding(insp, fx.town, "meetings", "2026-03-31", &dummy), E_RULE);
	assert_int_equal(add_finding(insp, fx.east, "meetings", "2026-03-01", &dummy), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "supervision.deadline");
	assert_int_equal(add_finding(insp, fx.east, "weather", "2026-03-31", &dummy), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "category");

	/* closing or returning an open finding is out of order */
	assert_int_equal(close_finding(f, "2026-03-10"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.status");
	assert_int_equal(return_finding(f, "不够"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.status");
	/* a report dated before the inspection, or in the future */
	assert_int_equal(rectify(f, "2026-03-01"), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "supervision.date");
	assert_int_equal(rectify(f, "2026-03-11"), E_INVALID);
	/* the secretary of the inspected branch reports; they cannot verify */
	act_as(ROLE_SECRETARY, fx.east);
	assert_int_equal(rectify(f, "2026-03-08"), 0);
	assert_string_equal(status_of(f), "rectified");
	assert_int_equal(rectify(f, "2026-03-08"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.status");
	assert_int_equal(close_finding(f, "2026-03-10"), E_FORBIDDEN);
	/* a neighbour's secretary does not even see it */
	act_as(ROLE_SECRETARY, fx.west);
	{
		json_t *j = NULL;
		assert_int_equal(supervision_finding_get(&fx.ctx, f, &j), E_NOTFOUND);
	}
	act_as(ROLE_ORG_ADMIN, fx.town);
	assert_int_equal(close_finding(f, "2026-03-07"), E_INVALID); /* before the rectification */
	assert_string_equal(fx.ctx.err.rule, "supervision.date");
	assert_int_equal(close_finding(f, "2026-03-10"), 0);
	assert_string_equal(status_of(f), "closed");
	assert_int_equal(return_finding(f, "复查不合格"), E_CONFLICT);
	assert_int_equal(rectify(f, "2026-03-10"), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.status");
	/* a stale version */
	{
		json_t *b = json_pack("{s:i, s:s}", "version", 1, "rectification", "x");
		int64_t f2 = finding(insp, fx.west, "dues", "2026-03-31");
		assert_int_equal(rectify(f2, "2026-03-09"), 0);
		err_clear(&fx.ctx.err);
		json_object_set_new(b, "closed_on", json_string("2026-03-10"));
		json_object_del(b, "rectification");
		assert_int_equal(supervision_finding_close(&fx.ctx, f2, b), E_CONFLICT);
		assert_string_equal(fx.ctx.err.rule, "store.stale");
		json_decref(b);
	}
	act_as(ROLE_SYSADMIN, 0);
}

static void test_return_with_reason(void **state)
{
	int64_t insp, f;
	json_t *j, *ev;
	(void)state;
	life_set_today(2026, 3, 20);
	act_as(ROLE_SYSADMIN, 0);
	insp = inspection(fx.town, "2026-03-12");
	f = finding(insp, fx.west, "education", "2026-03-31");
	assert_int_equal(rectify(f, "2026-03-15"), 0);
	assert_int_equal(return_finding(f, NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reason");
	assert_string_equal(fx.ctx.err.rule, "field.required");
	assert_int_equal(return_finding(f, "   "), E_INVALID);
	assert_int_equal(return_finding(f, "学习记录未附签到表"), 0);
	j = get_finding(f);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	assert_int_equal(json_integer_value(json_object_get(j, "returns")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "return_reason")), "学习记录未附签到表");
	assert_true(json_is_null(json_object_get(j, "rectified_on")));
	ev = json_object_get(j, "events");
	assert_int_equal(json_array_size(ev), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 2), "action")), "return");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 2), "note")), "学习记录未附签到表");
	json_decref(j);
	/* back to open: report again, then verified */
	assert_int_equal(close_finding(f, "2026-03-20"), E_CONFLICT);
	assert_int_equal(rectify(f, "2026-03-18"), 0);
	assert_int_equal(close_finding(f, "2026-03-20"), 0);
	j = get_finding(f);
	assert_string_equal(json_string_value(json_object_get(j, "rectified_on")), "2026-03-18");
	assert_int_equal(json_array_size(json_object_get(j, "events")), 5);
	json_decref(j);
}

static int64_t count_overdue(int64_t org)
{
	struct supervision_filter flt;
	json_t *items = NULL;
	int64_t total = -1;
	memset(&flt, 0, sizeof(flt));
	flt.org_id = org;
	flt.overdue = 1;
	err_clear(&fx.ctx.err);
	if (supervision_finding_list(&fx.ctx, &flt, 1, 50, &items, &total))
		life_fail_ctx("finding_list", &fx.ctx);
	json_decref(items);
	return total;
}

static void test_overdue_injected_today(void **state)
{
	int64_t insp, f, base;
	json_t *j;
	(void)state;
	act_as(ROLE_SYSADMIN, 0);
	life_set_today(2026, 4, 1);
	base = count_overdue(fx.other_town);
	insp = inspection(fx.other_town, "2026-04-01");
	f = finding(insp, fx.far, "style", "2026-04-20");
	life_set_today(2026, 4, 20); /* the deadline day itself is still in time */
	j = get_finding(f);
	assert_false(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	assert_int_equal(count_overdue(fx.other_town), base);
	life_set_today(2026, 4, 21);
	j = get_finding(f);
	assert_true(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	assert_int_equal(count_overdue(fx.other_town), base + 1);
	/* rectified late: no longer overdue, but late */
	assert_int_equal(rectify(f, "2026-04-21"), 0);
	j = get_finding(f);
	assert_false(json_is_true(json_object_get(j, "overdue")));
	assert_true(json_is_true(json_object_get(j, "late")));
	json_decref(j);
	assert_int_equal(count_overdue(fx.other_town), base);
}

static json_t *group_of(json_t *arr, const char *key, json_t *value)
{
	size_t i;
	json_t *g;
	json_array_foreach(arr, i, g)
		if (json_equal(json_object_get(g, key), value))
			return g;
	return NULL;
}

#define GI(g, k) json_integer_value(json_object_get((g), (k)))

static void test_bulletin_counts(void **state)
{
	int64_t insp, late_f, q3;
	json_t *b = NULL, *t, *g, *key;
	(void)state;
	act_as(ROLE_SYSADMIN, 0);
	life_set_today(2026, 7, 2);
	insp = inspection(fx.town, "2026-07-01");
	/* east: one on time and closed, one open and overdue; west: one late, one open in time */
	assert_int_equal(rectify(finding(insp, fx.east, "dues", "2026-07-10"), "2026-07-02"), 0);
	life_set_today(2026, 7, 5);
	assert_int_equal(close_finding(finding(insp, fx.east, "dues", "2026-07-01"), "2026-07-05"), E_CONFLICT);
	late_f = finding(insp, fx.west, "meetings", "2026-07-03");
	assert_int_equal(rectify(late_f, "2026-07-04"), 0);
	q3 = finding(insp, fx.west, "meetings", "2026-09-30");
	(void)q3;
	/* the closed one */
	{
		struct supervision_filter flt;
		json_t *items = NULL;
		int64_t total;
		size_t i;
		json_t *x;
		memset(&flt, 0, sizeof(flt));
		flt.inspection_id = insp;
		flt.status = "rectified";
		assert_int_equal(supervision_finding_list(&fx.ctx, &flt, 1, 50, &items, &total), 0);
		json_array_foreach(items, i, x)
			if (json_integer_value(json_object_get(x, "org_id")) == fx.east)
				assert_int_equal(close_finding(json_integer_value(json_object_get(x, "id")), "2026-07-05"), 0);
		json_decref(items);
	}
	/* next quarter's finding does not count */
	life_set_today(2026, 10, 2);
	finding(inspection(fx.town, "2026-10-02"), fx.east, "dues", "2026-10-30");
	life_set_today(2026, 7, 5);
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_bulletin(&fx.ctx, fx.town, 2026, 3, &b), 0);
	assert_string_equal(json_string_value(json_object_get(b, "from")), "2026-07-01");
	assert_string_equal(json_string_value(json_object_get(b, "to")), "2026-09-30");
	assert_int_equal(GI(b, "inspections"), 1);
	t = json_object_get(b, "totals");
	assert_int_equal(GI(t, "total"), 4);
	assert_int_equal(GI(t, "on_time"), 1);
	assert_int_equal(GI(t, "late"), 1);
	assert_int_equal(GI(t, "open"), 2);
	assert_int_equal(GI(t, "overdue"), 1);
	assert_int_equal(GI(t, "closed"), 1);
	assert_int_equal(GI(t, "rectified"), 1);
	key = json_integer(fx.east);
	g = group_of(json_object_get(b, "by_org"), "org_id", key);
	json_decref(key);
	assert_non_null(g);
	assert_int_equal(GI(g, "total"), 2);
	assert_int_equal(GI(g, "on_time"), 1);
	assert_int_equal(GI(g, "overdue"), 1);
	key = json_string("meetings");
	g = group_of(json_object_get(b, "by_category"), "category", key);
	json_decref(key);
	assert_non_null(g);
	assert_int_equal(GI(g, "late"), 1);
	assert_int_equal(GI(g, "open"), 1);
	assert_string_equal(json_string_value(json_object_get(g, "name")), "组织生活");
	assert_int_equal(json_array_size(json_object_get(b, "overdue")), 1);
	assert_int_equal(GI(json_array_get(json_object_get(b, "overdue"), 0), "org_id"), fx.east);
	json_decref(b);
	/* a quarter that does not exist */
	assert_int_equal(supervision_bulletin(&fx.ctx, fx.town, 2026, 5, &b), E_INVALID);
}

static void test_inspection_rights(void **state)
{
	json_t *b;
	int64_t id = 0;
	(void)state;
	life_set_today(2026, 3, 10);
	act_as(ROLE_SECRETARY, fx.east);
	b = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)fx.east, "held_on", "2026-03-05", "kind", "monthly",
		      "inspectors", "张三");
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_create(&fx.ctx, b, &id), E_FORBIDDEN);
	act_as(ROLE_ORG_ADMIN, fx.town);
	json_object_set_new(b, "kind", json_string("weekly"));
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_create(&fx.ctx, b, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "kind");
	json_object_set_new(b, "kind", json_string("special"));
	json_object_set_new(b, "org_id", json_integer(fx.other_town));
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_create(&fx.ctx, b, &id) != 0, 1); /* outside the scope */
	json_object_set_new(b, "org_id", json_integer(fx.town));
	json_object_set_new(b, "held_on", json_string("2026-03-11"));
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_create(&fx.ctx, b, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "held_on");
	json_decref(b);
	act_as(ROLE_SYSADMIN, 0);
}

/* ---- decisions ---- */

static int64_t decision(int64_t org)
{
	json_t *b = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)org, "title", "村集体鱼塘承包", "content", "公开招标承包");
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (decision_create(&fx.ctx, b, &id))
		life_fail_ctx("decision_create", &fx.ctx);
	json_decref(b);
	return id;
}

static json_t *get_decision(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (decision_get(&fx.ctx, id, &j))
		life_fail_ctx("decision_get", &fx.ctx);
	return j;
}

/* records step with body extra (borrowed) at the decision's current version */
static int step(int64_t id, const char *code, const char *on, json_t *extra)
{
	json_t *d = get_decision(id), *b = extra ? json_deep_copy(extra) : json_object();
	int rc;
	json_object_set_new(b, "version", json_integer(json_integer_value(json_object_get(d, "version"))));
	json_object_set_new(b, "step", json_string(code));
	json_object_set_new(b, "held_on", json_string(on));
	json_decref(d);
	err_clear(&fx.ctx.err);
	rc = decision_record_step(&fx.ctx, id, b);
	json_decref(b);
	return rc;
}

static void test_decision_step_order(void **state)
{
	int64_t id, bad = 0;
	json_t *meet = json_pack("{s:i}", "participants", 5), *vote, *pub = json_pack("{s:s}", "place", "村务公开栏");
	json_t *d, *b;
	(void)state;
	life_set_today(2026, 5, 30);
	act_as(ROLE_SECRETARY, fx.east);
	/* only a 党支部 proposes */
	b = json_pack("{s:I, s:s}", "org_id", (json_int_t)fx.town, "title", "x");
	err_clear(&fx.ctx.err);
	act_as(ROLE_SYSADMIN, 0);
	assert_int_equal(decision_create(&fx.ctx, b, &bad), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "decision.org_kind");
	json_decref(b);
	act_as(ROLE_SECRETARY, fx.east);
	id = decision(fx.east);
	d = get_decision(id);
	assert_int_equal(json_array_size(json_object_get(d, "steps")), 6);
	assert_string_equal(json_string_value(json_object_get(d, "next_step")), "propose");
	json_decref(d);
	/* skipping ahead */
	assert_int_equal(step(id, "consult", "2026-05-01", meet), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "decision.step");
	assert_int_equal(step(id, "propose", "2026-05-01", NULL), E_INVALID); /* participants required */
	assert_string_equal(fx.ctx.err.field, "participants");
	assert_int_equal(step(id, "propose", "2026-05-01", meet), 0);
	assert_int_equal(step(id, "propose", "2026-05-02", meet), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "decision.step");
	/* dates never go backwards; the same day is fine */
	assert_int_equal(step(id, "consult", "2026-04-30", meet), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "decision.date");
	assert_int_equal(step(id, "consult", "2026-05-01", meet), 0);
	assert_int_equal(step(id, "publish_decision", "2026-05-10", pub), E_CONFLICT);
	vote = json_pack("{s:i, s:i, s:i, s:i, s:i}", "participants", 40, "present", 30, "votes_for", 25, "votes_against",
			 3, "votes_abstain", 2);
	assert_int_equal(step(id, "review", "2026-05-06", vote), 0);
	json_decref(vote);
	vote = json_pack("{s:i, s:i, s:i, s:i}", "participants", 30, "present", 24, "votes_for", 20, "votes_against", 4);
	assert_int_equal(step(id, "resolve", "2026-05-08", vote), 0);
	json_decref(vote);
	assert_int_equal(step(id, "publish_decision", "2026-05-09", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "place");
	assert_int_equal(step(id, "publish_decision", "2026-05-09", pub), 0);
	assert_int_equal(step(id, "publish_result", "2026-05-31", pub), E_INVALID); /* tomorrow */
	assert_int_equal(step(id, "publish_result", "2026-05-30", pub), 0);
	d = get_decision(id);
	assert_string_equal(json_string_value(json_object_get(d, "status")), "done");
	assert_int_equal(json_integer_value(json_object_get(d, "steps_done")), 6);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "steps"), 5), "place")),
			    "村务公开栏");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(d, "steps"), 2), "votes_for")), 25);
	json_decref(d);
	assert_int_equal(step(id, "publish_result", "2026-05-30", pub), E_CONFLICT);
	/* lists: running vs done */
	{
		struct decision_filter flt = { 0, NULL, 1, -1, NULL, NULL };
		json_t *items = NULL;
		int64_t total = 0;
		assert_int_equal(decision_list(&fx.ctx, &flt, 1, 50, &items, &total), 0);
		assert_int_equal(total, 1);
		assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "current_step")),
				    "publish_result");
		json_decref(items);
		flt.done = 0;
		assert_int_equal(decision_list(&fx.ctx, &flt, 1, 50, &items, &total), 0);
		assert_int_equal(total, 0);
		json_decref(items);
	}
	/* a neighbour's secretary does not see it */
	act_as(ROLE_SECRETARY, fx.west);
	assert_int_equal(decision_get(&fx.ctx, id, &d), E_NOTFOUND);
	act_as(ROLE_SYSADMIN, 0);
	json_decref(meet);
	json_decref(pub);
}

static void test_decision_vote_majority(void **state)
{
	int64_t id;
	json_t *meet = json_pack("{s:i}", "participants", 7), *v;
	(void)state;
	life_set_today(2026, 6, 30);
	act_as(ROLE_SYSADMIN, 0);
	id = decision(fx.west);
	assert_int_equal(step(id, "propose", "2026-06-01", meet), 0);
	assert_int_equal(step(id, "consult", "2026-06-02", meet), 0);
	/* exactly half in favour is not a majority */
	v = json_pack("{s:i, s:i, s:i, s:i}", "participants", 40, "present", 30, "votes_for", 15, "votes_against", 15);
	assert_int_equal(step(id, "review", "2026-06-03", v), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "decision.vote");
	json_decref(v);
	/* more votes than people present */
	v = json_pack("{s:i, s:i, s:i, s:i}", "participants", 40, "present", 30, "votes_for", 25, "votes_against", 6);
	assert_int_equal(step(id, "review", "2026-06-03", v), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "decision.votes");
	json_decref(v);
	/* half of those expected present is no quorum */
	v = json_pack("{s:i, s:i, s:i}", "participants", 40, "present", 20, "votes_for", 20);
	assert_int_equal(step(id, "review", "2026-06-03", v), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "decision.quorum");
	json_decref(v);
	v = json_pack("{s:i, s:i, s:i}", "participants", 40, "present", 30, "votes_for", 16);
	assert_int_equal(step(id, "review", "2026-06-03", v), 0);
	json_decref(v);
	/* the 决议 needs its own majority */
	v = json_pack("{s:i, s:i, s:i, s:i}", "participants", 25, "present", 20, "votes_for", 9, "votes_against", 11);
	assert_int_equal(step(id, "resolve", "2026-06-05", v), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "decision.vote");
	json_decref(v);
	{
		json_t *d = get_decision(id);
		assert_string_equal(json_string_value(json_object_get(d, "current_step")), "review");
		assert_string_equal(json_string_value(json_object_get(d, "next_step_name")), "村民代表会议决议");
		json_decref(d);
	}
	json_decref(meet);
}

static int patch_inspection(int64_t id, json_t *fields)
{
	json_t *j = NULL;
	int rc;
	err_clear(&fx.ctx.err);
	if (supervision_inspection_get(&fx.ctx, id, &j))
		life_fail_ctx("inspection_get", &fx.ctx);
	json_object_set(fields, "version", json_object_get(j, "version"));
	json_decref(j);
	err_clear(&fx.ctx.err);
	rc = supervision_inspection_update(&fx.ctx, id, fields);
	json_decref(fields);
	return rc;
}

/* PATCH /inspections: corrected until a finding is closed; its date only while it has no findings */
static void test_inspection_edit(void **state)
{
	int64_t insp, f;
	json_t *j;
	(void)state;
	life_set_today(2026, 4, 10);
	act_as(ROLE_ORG_ADMIN, fx.town);
	insp = inspection(fx.town, "2026-04-01");
	assert_int_equal(patch_inspection(insp, json_pack("{s:s, s:s, s:s}", "held_on", "2026-04-02", "kind", "special",
							  "title", "党费专项督查")),
			 0);
	assert_int_equal(patch_inspection(insp, json_pack("{s:s}", "held_on", "2026-05-01")), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "field.date_future");
	f = finding(insp, fx.east, "dues", "2026-04-30");
	/* with a finding: other fields still, the date no more */
	assert_int_equal(patch_inspection(insp, json_pack("{s:s}", "held_on", "2026-04-03")), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.has_findings");
	assert_int_equal(patch_inspection(insp, json_pack("{s:s, s:s}", "held_on", "2026-04-02", "inspectors", "王五")), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_get(&fx.ctx, insp, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "党费专项督查");
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "special");
	assert_string_equal(json_string_value(json_object_get(j, "inspectors")), "王五");
	assert_string_equal(json_string_value(json_object_get(j, "held_on")), "2026-04-02");
	json_decref(j);
	/* the inspected branch's secretary may not edit it */
	act_as(ROLE_SECRETARY, fx.east);
	j = json_pack("{s:i, s:s}", "version", 3, "note", "x");
	err_clear(&fx.ctx.err);
	assert_int_equal(supervision_inspection_update(&fx.ctx, insp, j), E_FORBIDDEN);
	json_decref(j);
	act_as(ROLE_SYSADMIN, 0);
	assert_int_equal(rectify(f, "2026-04-05"), 0);
	act_as(ROLE_ORG_ADMIN, fx.town);
	assert_int_equal(patch_inspection(insp, json_pack("{s:s}", "note", "已反馈")), 0);
	assert_int_equal(close_finding(f, "2026-04-06"), 0);
	assert_int_equal(patch_inspection(insp, json_pack("{s:s}", "note", "再改")), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "supervision.closed");
	act_as(ROLE_SYSADMIN, 0);
}

/* PATCH /decisions: title and content until all six steps are recorded (decision.done) */
static void test_decision_edit(void **state)
{
	int64_t id;
	json_t *d, *b;
	json_t *vote = json_pack("{s:i, s:i, s:i}", "participants", 40, "present", 30, "votes_for", 25);
	json_t *meet = json_pack("{s:i}", "participants", 9), *pub = json_pack("{s:s}", "place", "村务公开栏");
	(void)state;
	life_set_today(2026, 5, 20);
	id = decision(fx.east);
	assert_int_equal(step(id, "propose", "2026-05-01", meet), 0);
	d = get_decision(id);
	b = json_pack("{s:I, s:s}", "version", (json_int_t)json_integer_value(json_object_get(d, "version")), "title",
		      "村集体鱼塘公开承包");
	json_decref(d);
	err_clear(&fx.ctx.err);
	assert_int_equal(decision_update(&fx.ctx, id, b), 0);
	/* a stale version is refused */
	err_clear(&fx.ctx.err);
	assert_int_equal(decision_update(&fx.ctx, id, b), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(b);
	d = get_decision(id);
	assert_string_equal(json_string_value(json_object_get(d, "title")), "村集体鱼塘公开承包");
	assert_string_equal(json_string_value(json_object_get(d, "content")), "公开招标承包");
	json_decref(d);
	assert_int_equal(step(id, "consult", "2026-05-02", meet), 0);
	assert_int_equal(step(id, "review", "2026-05-03", vote), 0);
	assert_int_equal(step(id, "resolve", "2026-05-04", vote), 0);
	assert_int_equal(step(id, "publish_decision", "2026-05-05", pub), 0);
	assert_int_equal(step(id, "publish_result", "2026-05-15", pub), 0);
	d = get_decision(id);
	b = json_pack("{s:I, s:s}", "version", (json_int_t)json_integer_value(json_object_get(d, "version")), "content",
		      "改");
	json_decref(d);
	err_clear(&fx.ctx.err);
	assert_int_equal(decision_update(&fx.ctx, id, b), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "decision.done");
	json_decref(b);
	json_decref(vote);
	json_decref(meet);
	json_decref(pub);
}

#define SUPERVISION_TESTS                                          \
	{                                                          \
		cmocka_unit_test(test_finding_status_order),       \
		cmocka_unit_test(test_return_with_reason),         \
		cmocka_unit_test(test_overdue_injected_today),     \
		cmocka_unit_test(test_bulletin_counts),            \
		cmocka_unit_test(test_inspection_rights),          \
		cmocka_unit_test(test_decision_step_order),        \
		cmocka_unit_test(test_decision_vote_majority),     \
		cmocka_unit_test(test_inspection_edit),            \
		cmocka_unit_test(test_decision_edit),              \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = SUPERVISION_TESTS;
	const struct CMUnitTest pg_tests[] = SUPERVISION_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	failed = cmocka_run_group_tests_name("supervision/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("supervision/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("supervision/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
