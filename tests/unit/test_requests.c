/*
 * 民情诉求 and 走访 in the domain layer with injected dates: the status order (409
 * request.status for every step out of order), reassignment only with a reason and only
 * before handling (both assignments kept), overdue as the clock moves, the satisfaction
 * statistics ((满意 + 基本满意) / rated, rectified, by category and channel, average days
 * to reply), pairings, visit follow-ups, and a request made from a visit in the same
 * transaction (a bad request leaves no visit behind), and correcting what was received until the request is
 * rated (request.closed). SQLite, and PostgreSQL when
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
#include "domain/mass_request.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b, c, d;
	int64_t ma[3], mb[2], mc, md;
};

static struct fixture fx;

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	fx.top = life_make_org(0, "dept", "诉求组织部", 0);
	fx.town = life_make_org(fx.top, "committee", "诉求镇党委", 0);
	fx.a = life_make_org(fx.town, "branch", "诉求甲村党支部", 0);
	fx.b = life_make_org(fx.town, "branch", "诉求乙村党支部", 0);
	fx.c = life_make_org(fx.town, "branch", "诉求丙村党支部", 0);
	fx.d = life_make_org(fx.town, "branch", "诉求丁村党支部", 0);
	life_make_members(fx.a, fx.ma, 3);
	life_make_members(fx.b, fx.mb, 2);
	fx.mc = life_make_member(fx.c);
	fx.md = life_make_member(fx.d);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "requests", populate, 2 };

/* ---- helpers ---- */

static int64_t new_request(int64_t org, const char *category, const char *channel, const char *received_on)
{
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)org, "requester", "张大爷",
				 "address", "甲村3组", "content", "村口路灯坏了", "category", category, "channel", channel,
				 "received_on", received_on);
	int64_t id = 0;
	err_clear(&fx.ctx.err);
	if (rq_create(&fx.ctx, body, &id))
		life_fail_ctx("rq_create", &fx.ctx);
	json_decref(body);
	return id;
}

static json_t *get_request(int64_t id)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (rq_get(&fx.ctx, id, &j))
		life_fail_ctx("rq_get", &fx.ctx);
	return j;
}

static const char *str_of(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

/* one step with the record's current version and the given fields (a "{s:s, ...}" body) */
static int step(int (*fn)(struct ctx *, int64_t, json_t *), int64_t id, json_t *fields)
{
	json_t *cur = get_request(id);
	int rc;
	json_object_set(fields, "version", json_object_get(cur, "version"));
	err_clear(&fx.ctx.err);
	rc = fn(&fx.ctx, id, fields);
	json_decref(fields);
	json_decref(cur);
	return rc;
}

static int assign_member(int64_t id, int64_t member, const char *due, const char *reason)
{
	return step(rq_assign, id, json_pack("{s:I, s:s, s:s?}", "member_id", (json_int_t)member, "due_on", due, "reason", reason));
}

static int handle(int64_t id, int rectified)
{
	return step(rq_handle, id, json_pack("{s:s, s:b}", "handling", "已联系电工更换路灯", "rectified", rectified));
}

static int reply(int64_t id)
{
	return step(rq_reply, id, json_pack("{s:s}", "reply", "路灯已修好，请您查看"));
}

static int rate(int64_t id, const char *s)
{
	return step(rq_rate, id, json_pack("{s:s}", "satisfaction", s));
}

/* ---- tests ---- */

static void test_status_order(void **state)
{
	int64_t id;
	json_t *j;
	(void)state;
	life_set_today(2026, 3, 10);
	id = new_request(fx.a, "infrastructure", "visit", "2026-03-09");
	j = get_request(id);
	assert_string_equal(str_of(j, "status"), "received");
	assert_string_equal(str_of(j, "category_name"), "基础设施");
	json_decref(j);
	/* every step before its turn is refused with the rule */
	life_expect_refusal(handle(id, 1), &fx.ctx, E_CONFLICT, "request.status");
	life_expect_refusal(reply(id), &fx.ctx, E_CONFLICT, "request.status");
	life_expect_refusal(rate(id, "satisfied"), &fx.ctx, E_CONFLICT, "request.status");
	assert_int_equal(assign_member(id, fx.ma[0], "2026-03-20", NULL), 0);
	life_expect_refusal(reply(id), &fx.ctx, E_CONFLICT, "request.status");
	assert_int_equal(handle(id, 1), 0);
	life_expect_refusal(handle(id, 1), &fx.ctx, E_CONFLICT, "request.status");
	life_expect_refusal(rate(id, "satisfied"), &fx.ctx, E_CONFLICT, "request.status");
	assert_int_equal(reply(id), 0);
	assert_int_equal(rate(id, "bad"), E_INVALID);
	assert_int_equal(rate(id, "satisfied"), 0);
	life_expect_refusal(rate(id, "basic"), &fx.ctx, E_CONFLICT, "request.status");
	j = get_request(id);
	assert_string_equal(str_of(j, "status"), "rated");
	assert_string_equal(str_of(j, "satisfaction_name"), "满意");
	assert_int_equal(json_integer_value(json_object_get(j, "days_to_reply")), 1);
	json_decref(j);

	/* a stale version is 409 store.stale, not a status error */
	id = new_request(fx.a, "jobs", "talk", "2026-03-10");
	j = json_pack("{s:I, s:s, s:i}", "member_id", (json_int_t)fx.ma[1], "due_on", "2026-03-20", "version", 7);
	err_clear(&fx.ctx.err);
	life_expect_refusal(rq_assign(&fx.ctx, id, j), &fx.ctx, E_CONFLICT, "store.stale");
	json_decref(j);
	/* a due date before the assignment, an org and a member at once */
	assert_int_equal(assign_member(id, fx.ma[1], "2026-03-01", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "due_on");
	assert_int_equal(step(rq_assign, id, json_pack("{s:I, s:I, s:s}", "member_id", (json_int_t)fx.ma[1], "org_id",
							   (json_int_t)fx.a, "due_on", "2026-03-20")),
			 E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "request.assignee");
}

static void test_reassignment_reason(void **state)
{
	int64_t id;
	json_t *j, *as;
	(void)state;
	life_set_today(2026, 3, 10);
	id = new_request(fx.a, "dispute", "roundtable", "2026-03-10");
	assert_int_equal(assign_member(id, fx.ma[0], "2026-03-20", NULL), 0);
	/* a second assignment is a reassignment: the reason is required */
	assert_int_equal(assign_member(id, fx.ma[1], "2026-03-25", NULL), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reason");
	assert_int_equal(assign_member(id, fx.ma[1], "2026-03-25", "   "), E_INVALID);
	assert_int_equal(step(rq_assign, id, json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)fx.b, "due_on", "2026-03-25",
						       "reason", "涉及乙村土地，改由乙村党支部办理")),
			 0);
	j = get_request(id);
	assert_string_equal(str_of(j, "status"), "assigned");
	assert_int_equal(json_integer_value(json_object_get(j, "assignee_org_id")), fx.b);
	assert_true(json_is_null(json_object_get(j, "assignee_member_id")));
	assert_string_equal(str_of(j, "assignee_name"), "诉求乙村党支部");
	assert_string_equal(str_of(j, "due_on"), "2026-03-25");
	as = json_object_get(j, "assignments");
	assert_int_equal(json_array_size(as), 2);
	assert_true(json_is_null(json_object_get(json_array_get(as, 0), "reason")));
	assert_string_equal(str_of(json_array_get(as, 1), "reason"), "涉及乙村土地，改由乙村党支部办理");
	json_decref(j);
	/* once handled it stays with whoever handled it */
	assert_int_equal(handle(id, 0), 0);
	life_expect_refusal(assign_member(id, fx.ma[2], "2026-03-30", "换人"), &fx.ctx, E_CONFLICT, "request.status");
}

static int64_t count_of(const struct rq_filter *f)
{
	json_t *items = NULL;
	int64_t total = -1;
	err_clear(&fx.ctx.err);
	if (rq_list(&fx.ctx, f, 1, 50, &items, &total))
		life_fail_ctx("rq_list", &fx.ctx);
	json_decref(items);
	return total;
}

static void test_overdue_injected_today(void **state)
{
	struct rq_filter f;
	int64_t id, other;
	json_t *j;
	(void)state;
	memset(&f, 0, sizeof(f));
	f.org_id = fx.c;
	f.overdue = 1;
	life_set_today(2026, 4, 1);
	id = new_request(fx.c, "medical", "call", "2026-04-01");
	other = new_request(fx.c, "medical", "call", "2026-04-01"); /* never assigned: not overdue */
	assert_int_equal(assign_member(id, fx.mc, "2026-04-10", NULL), 0);
	life_set_today(2026, 4, 10); /* the due day itself is not late */
	assert_int_equal(count_of(&f), 0);
	life_set_today(2026, 4, 11);
	assert_int_equal(count_of(&f), 1);
	j = get_request(id);
	assert_true(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	j = get_request(other);
	assert_false(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	/* handled but not replied: still overdue; replied: done */
	assert_int_equal(handle(id, 1), 0);
	assert_int_equal(count_of(&f), 1);
	assert_int_equal(reply(id), 0);
	assert_int_equal(count_of(&f), 0);
	j = get_request(id);
	assert_false(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
}

static json_t *stats(int64_t org, const char *from, const char *to)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (rq_stats(&fx.ctx, org, from, to, &j))
		life_fail_ctx("rq_stats", &fx.ctx);
	return j;
}

static json_t *group(json_t *s, const char *key, const char *code)
{
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(s, key), i, g)
		if (!strcmp(str_of(g, "code"), code))
			return g;
	return NULL;
}

#define INT_OF(j, k) json_integer_value(json_object_get((j), (k)))

static void test_satisfaction_statistics(void **state)
{
	int64_t r[6];
	json_t *s, *g;
	int i;
	(void)state;
	life_set_today(2026, 5, 1);
	r[0] = new_request(fx.d, "jobs", "visit", "2026-05-01");
	r[1] = new_request(fx.d, "jobs", "talk", "2026-05-01");
	r[2] = new_request(fx.d, "medical", "visit", "2026-05-01");
	r[3] = new_request(fx.d, "policy", "survey", "2026-05-01");
	r[4] = new_request(fx.d, "policy", "survey", "2026-05-01"); /* received only */
	r[5] = new_request(fx.d, "jobs", "visit", "2026-04-20");    /* before the period */
	for (i = 0; i < 4; i++)
		assert_int_equal(assign_member(r[i], fx.md, "2026-05-30", NULL), 0);
	life_set_today(2026, 5, 5);
	for (i = 0; i < 4; i++) {
		assert_int_equal(handle(r[i], i != 3), 0); /* the 政策咨询 is explained, not rectified */
		if (i < 3)
			assert_int_equal(reply(r[i]), 0);
	}
	assert_int_equal(rate(r[0], "satisfied"), 0);
	assert_int_equal(rate(r[1], "basic"), 0);
	assert_int_equal(rate(r[2], "dissatisfied"), 0);

	s = stats(fx.d, "2026-05-01", "2026-05-31");
	assert_int_equal(INT_OF(s, "received"), 5);
	assert_int_equal(INT_OF(s, "handled"), 4);
	assert_int_equal(INT_OF(s, "replied"), 3);
	assert_int_equal(INT_OF(s, "rectified"), 3);
	assert_int_equal(INT_OF(s, "rated"), 3);
	assert_int_equal(INT_OF(s, "satisfied"), 1);
	assert_int_equal(INT_OF(s, "basic"), 1);
	assert_int_equal(INT_OF(s, "dissatisfied"), 1);
	/* (满意 + 基本满意) / rated = 2/3 */
	assert_true(json_real_value(json_object_get(s, "satisfaction_rate")) == 66.7);
	assert_true(json_real_value(json_object_get(s, "avg_reply_days")) == 4.0);
	g = group(s, "by_category", "jobs");
	assert_int_equal(INT_OF(g, "received"), 2);
	assert_true(json_real_value(json_object_get(g, "satisfaction_rate")) == 100.0);
	g = group(s, "by_category", "policy");
	assert_int_equal(INT_OF(g, "received"), 2);
	assert_int_equal(INT_OF(g, "rectified"), 0);
	assert_true(json_is_null(json_object_get(g, "satisfaction_rate")));
	g = group(s, "by_channel", "visit");
	assert_int_equal(INT_OF(g, "received"), 2);
	assert_int_equal(INT_OF(g, "rated"), 2);
	json_decref(s);
	/* no period: the older one counts too; another branch's requests never do */
	s = stats(fx.d, NULL, NULL);
	assert_int_equal(INT_OF(s, "received"), 6);
	json_decref(s);
}

static int64_t count_table(const char *sql)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n = -1;
	assert_non_null(st);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static void test_visit_request_atomic(void **state)
{
	json_t *body, *v = NULL, *r = NULL, *items = NULL;
	struct visit_filter f;
	int64_t vid = 0, rid = 0, visits, requests, members, pid = 0, total = 0;
	(void)state;
	life_set_today(2026, 6, 1);
	/* a pairing with a household and one with a 困难党员 */
	body = json_pack("{s:I, s:I, s:s, s:s, s:s}", "org_id", (json_int_t)fx.b, "member_id", (json_int_t)fx.mb[0],
			 "target_kind", "household", "household_name", "李秀英", "household_address", "乙村5组");
	err_clear(&fx.ctx.err);
	assert_int_equal(pairing_create(&fx.ctx, body, &pid), 0);
	json_decref(body);
	body = json_pack("{s:I, s:I, s:s, s:I}", "org_id", (json_int_t)fx.b, "member_id", (json_int_t)fx.mb[0],
			 "target_kind", "member", "target_member_id", (json_int_t)fx.mb[0]);
	err_clear(&fx.ctx.err);
	life_expect_refusal(pairing_create(&fx.ctx, body, &rid), &fx.ctx, E_INVALID, "pairing.self");
	json_decref(body);

	visits = count_table("SELECT count(*) FROM visits");
	requests = count_table("SELECT count(*) FROM mass_requests");
	members = count_table("SELECT count(*) FROM visit_members");
	/* the request part is bad: neither the visit nor the request is written */
	body = json_pack("{s:I, s:s, s:s, s:[I, I], s:s, s:I, s:{s:s, s:s}}", "org_id", (json_int_t)fx.b, "visited_on",
			 "2026-06-01", "place", "李秀英家", "member_ids", (json_int_t)fx.mb[0], (json_int_t)fx.mb[1], "findings",
			 "屋顶漏雨，需要修缮", "pairing_id", (json_int_t)pid, "request", "requester", "李秀英", "category", "roof");
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_create(&fx.ctx, body, &vid), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "category");
	assert_int_equal(vid, 0);
	assert_int_equal(count_table("SELECT count(*) FROM visits"), visits);
	assert_int_equal(count_table("SELECT count(*) FROM visit_members"), members);
	assert_int_equal(count_table("SELECT count(*) FROM mass_requests"), requests);
	/* fixed: both, linked */
	json_object_set_new(json_object_get(body, "request"), "category", json_string("infrastructure"));
	err_clear(&fx.ctx.err);
	if (visit_create(&fx.ctx, body, &vid))
		life_fail_ctx("visit_create", &fx.ctx);
	json_decref(body);
	assert_int_equal(visit_get(&fx.ctx, vid, &v), 0);
	rid = json_integer_value(json_object_get(v, "request_id"));
	assert_true(rid > 0);
	assert_int_equal(json_array_size(json_object_get(v, "members")), 2);
	r = get_request(rid);
	assert_int_equal(json_integer_value(json_object_get(r, "visit_id")), vid);
	assert_string_equal(str_of(r, "content"), "屋顶漏雨，需要修缮");
	assert_string_equal(str_of(r, "channel"), "visit");
	assert_string_equal(str_of(r, "received_on"), "2026-06-01");
	json_decref(r);
	/* a second request from the same visit is refused */
	body = json_pack("{s:O, s:s, s:s}", "version", json_object_get(v, "version"), "requester", "李秀英", "category", "other");
	err_clear(&fx.ctx.err);
	life_expect_refusal(visit_make_request(&fx.ctx, vid, body, &rid), &fx.ctx, E_CONFLICT, "visit.request_exists");
	json_decref(body);
	json_decref(v);

	/* a visit with a follow-up: a request made later in one call; a bad one changes nothing */
	body = json_pack("{s:I, s:s, s:[I], s:s, s:s, s:s}", "org_id", (json_int_t)fx.b, "place", "王家", "member_ids",
			 (json_int_t)fx.mb[1], "findings", "孩子上学路远", "followup", "联系镇中心校了解校车", "followup_due",
			 "2026-06-10");
	err_clear(&fx.ctx.err);
	if (visit_create(&fx.ctx, body, &vid))
		life_fail_ctx("visit_create 2", &fx.ctx);
	json_decref(body);
	assert_int_equal(visit_get(&fx.ctx, vid, &v), 0);
	requests = count_table("SELECT count(*) FROM mass_requests");
	body = json_pack("{s:O, s:s}", "version", json_object_get(v, "version"), "category", "education");
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_make_request(&fx.ctx, vid, body, &rid), E_INVALID); /* requester missing */
	assert_string_equal(fx.ctx.err.field, "requester");
	assert_int_equal(count_table("SELECT count(*) FROM mass_requests"), requests);
	json_object_set_new(body, "requester", json_string("王大姐"));
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_make_request(&fx.ctx, vid, body, &rid), 0);
	json_decref(body);
	json_decref(v);
	assert_int_equal(count_table("SELECT count(*) FROM mass_requests"), requests + 1);
	assert_int_equal(visit_get(&fx.ctx, vid, &v), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "request_id")), rid);
	assert_string_equal(str_of(v, "followup_status"), "open");

	/* the follow-up falls overdue after its due day and is closed with a result */
	life_set_today(2026, 6, 11);
	memset(&f, 0, sizeof(f));
	f.org_id = fx.b;
	f.followup = "overdue";
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_list(&fx.ctx, &f, 1, 20, &items, &total), 0);
	assert_int_equal(total, 1);
	assert_string_equal(str_of(json_array_get(items, 0), "followup_status"), "overdue");
	json_decref(items);
	body = json_pack("{s:O, s:s}", "version", json_object_get(v, "version"), "result", "镇中心校已安排校车接送");
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_close_followup(&fx.ctx, vid, body), 0);
	err_clear(&fx.ctx.err);
	life_expect_refusal(visit_close_followup(&fx.ctx, vid, body), &fx.ctx, E_CONFLICT, "visit.followup");
	json_decref(body);
	json_decref(v);
	err_clear(&fx.ctx.err);
	assert_int_equal(visit_list(&fx.ctx, &f, 1, 20, &items, &total), 0);
	assert_int_equal(total, 0);
	json_decref(items);
}

/* PATCH: what was received is corrected until the request is rated (request.closed), in step
 * order (request.date_order), versioned, audited; fields not given keep their value */
static void test_edit_until_rated(void **state)
{
	int64_t id;
	json_t *j, *body;
	(void)state;
	life_set_today(2026, 3, 10);
	id = new_request(fx.a, "infrastructure", "visit", "2026-03-05");
	assert_int_equal(step(rq_update, id, json_pack("{s:s, s:s}", "requester", "张大娘", "category", "medical")), 0);
	j = get_request(id);
	assert_string_equal(str_of(j, "requester"), "张大娘");
	assert_string_equal(str_of(j, "category"), "medical");
	assert_string_equal(str_of(j, "content"), "村口路灯坏了");
	assert_string_equal(str_of(j, "address"), "甲村3组");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	/* bad values are refused naming the field, a stale version with store.stale */
	life_expect_refusal(step(rq_update, id, json_pack("{s:s}", "category", "nope")),
			    &fx.ctx, E_INVALID, "request.code");
	life_expect_refusal(step(rq_update, id, json_pack("{s:s}", "content", "  ")),
			    &fx.ctx, E_INVALID, "field.required");
	body = json_pack("{s:i, s:s}", "version", 1, "content", "路灯和水管");
	err_clear(&fx.ctx.err);
	life_expect_refusal(rq_update(&fx.ctx, id, body), &fx.ctx, E_CONFLICT, "store.stale");
	json_decref(body);
	/* assigned on the 8th: received_on may not move after it */
	assert_int_equal(step(rq_assign, id, json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)fx.ma[0], "due_on",
						       "2026-03-20", "assigned_on", "2026-03-08")),
			 0);
	life_expect_refusal(step(rq_update, id, json_pack("{s:s}", "received_on", "2026-03-09")),
			    &fx.ctx, E_INVALID, "request.date_order");
	assert_int_equal(step(rq_update, id, json_pack("{s:s, s:n}", "received_on", "2026-03-07", "address")), 0);
	j = get_request(id);
	assert_string_equal(str_of(j, "received_on"), "2026-03-07");
	assert_true(json_is_null(json_object_get(j, "address")));
	assert_string_equal(str_of(j, "status"), "assigned");
	json_decref(j);
	assert_int_equal(count_table("SELECT count(*) FROM audit_log WHERE entity = 'mass_request' AND action = 'update'"), 2);
	/* handled and replied: still correctable; rated: closed */
	assert_int_equal(handle(id, 1), 0);
	assert_int_equal(reply(id), 0);
	assert_int_equal(step(rq_update, id, json_pack("{s:s}", "content", "村口路灯坏了两盏")), 0);
	assert_int_equal(rate(id, "satisfied"), 0);
	life_expect_refusal(step(rq_update, id, json_pack("{s:s}", "content", "改")),
			    &fx.ctx, E_CONFLICT, "request.closed");
	j = get_request(id);
	assert_string_equal(str_of(j, "content"), "村口路灯坏了两盏");
	json_decref(j);
}

#define REQUEST_TESTS                                            \
	{                                                        \
		cmocka_unit_test(test_status_order),             \
		cmocka_unit_test(test_reassignment_reason),      \
		cmocka_unit_test(test_overdue_injected_today),   \
		cmocka_unit_test(test_satisfaction_statistics),  \
		cmocka_unit_test(test_visit_request_atomic),     \
		cmocka_unit_test(test_edit_until_rated),         \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = REQUEST_TESTS;
	const struct CMUnitTest pg_tests[] = REQUEST_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "走访党员";
	failed = cmocka_run_group_tests_name("requests/sqlite", sqlite_tests,
					     life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("requests/postgres", pg_tests,
						      life_suite_setup_pg, life_suite_teardown);
	else
		printf("requests/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
