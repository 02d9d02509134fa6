/*
 * Recruitment reports (domain/recruit_report.c) against records written directly with
 * SQL, so each reminder rule is tested at its boundary days with a fixed "today":
 * reminders, statistics, the 百分制 review and the annual plans with their permissions.
 * Runs on SQLite (a temp file) and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/org.h"
#include "domain/recruit.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "domain/subtree_page.h"
#include "util/banned.h"

#define TODAY "2026-03-15"

struct fixture {
	struct life_store ls;
	struct config cfg;
	struct ctx ctx; /* the system actor, today = TODAY */
	int64_t dept, town, town_b1, town_b2, other, other_b, stats_c, stats_b, plan_a, plan_a_b, plan_b, plan_b_b;
	unsigned seq;
};

static struct fixture fx;

static void fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

static int64_t make_org(int64_t parent, const char *kind, const char *name, int can_approve)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	o.can_approve = can_approve;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	err_clear(&fx.ctx.err);
	if (org_create(&fx.ctx, &o))
		fail_ctx("org_create", &fx.ctx);
	return o.id;
}

static void org_path_of(int64_t id, char *path)
{
	struct org o;
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, id, &o))
		fail_ctx("org_get", &fx.ctx);
	strlcpy_z(path, o.path, PATH_MAX_LEN);
}

/* milestone dates of a record (NULL = not reached) */
struct rec {
	int stage, last_step, extended;
	const char *status, *applied, *talked, *activist, *target, *meeting, *approved, *pend, *full;
};

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	if (s)
		stmt_bind_text(st, idx, s);
	else
		stmt_bind_null(st, idx);
}

static int64_t insert_recruit(int64_t org_id, const char *name, const struct rec *r)
{
	char path[PATH_MAX_LEN], hash[40];
	struct stmt *st;
	int64_t id = 0;
	org_path_of(org_id, path);
	xsnprintf(hash, sizeof(hash), "h-%d-%u", (int)getpid(), fx.seq++);
	st = db_prepare(fx.ctx.db,
			"INSERT INTO recruits (org_id, org_path, name, gender, id_enc, id_hash, id_mask, birth_date, ethnicity, "
			"stage, last_step, status, applied_on, talked_on, activist_on, target_on, branch_meeting_on, approved_on, "
			"probation_end, extended_months, full_on, rules, created_at, updated_at) "
			"VALUES (?, ?, ?, '1', 'x', ?, '110105********0011', '1990-01-01', '01', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			"'{}', ?, ?) RETURNING id",
			&fx.ctx.err);
	if (!st)
		fail_ctx("prepare recruit", &fx.ctx);
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, path);
	stmt_bind_text(st, 3, name);
	stmt_bind_text(st, 4, hash);
	stmt_bind_int(st, 5, r->stage ? r->stage : 1);
	stmt_bind_int(st, 6, r->last_step);
	stmt_bind_text(st, 7, r->status ? r->status : "active");
	bind_opt(st, 8, r->applied);
	bind_opt(st, 9, r->talked);
	bind_opt(st, 10, r->activist);
	bind_opt(st, 11, r->target);
	bind_opt(st, 12, r->meeting);
	bind_opt(st, 13, r->approved);
	bind_opt(st, 14, r->pend);
	stmt_bind_int(st, 15, r->extended);
	bind_opt(st, 16, r->full);
	stmt_bind_text(st, 17, fx.ctx.now_iso);
	stmt_bind_text(st, 18, fx.ctx.now_iso);
	if (stmt_step(st, &fx.ctx.err) != STEP_ROW)
		fail_ctx("insert recruit", &fx.ctx);
	id = stmt_int(st, 0);
	stmt_reset(st);
	return id;
}

static void insert_step(int64_t recruit_id, int step, const char *done_on, int64_t org_id, const char *data)
{
	struct stmt *st = db_prepare(fx.ctx.db,
				     "INSERT INTO recruit_steps (recruit_id, step, done_on, org_id, level, data, signer, created_at) "
				     "VALUES (?, ?, ?, ?, 'branch', ?, 'test', ?)",
				     &fx.ctx.err);
	if (!st)
		fail_ctx("prepare step", &fx.ctx);
	stmt_bind_int(st, 1, recruit_id);
	stmt_bind_int(st, 2, step);
	stmt_bind_text(st, 3, done_on);
	stmt_bind_int(st, 4, org_id);
	bind_opt(st, 5, data);
	stmt_bind_text(st, 6, fx.ctx.now_iso);
	if (stmt_run(st, &fx.ctx.err))
		fail_ctx("insert step", &fx.ctx);
	if (step != 6)
		return;
	/* recruits.last_inspection_on (007) as recruit_steps.c keeps it: the latest 考察 */
	st = db_prepare(fx.ctx.db,
			"UPDATE recruits SET last_inspection_on = ? WHERE id = ? AND (last_inspection_on IS NULL OR "
			"last_inspection_on < ?)",
			&fx.ctx.err);
	if (!st)
		fail_ctx("prepare last inspection", &fx.ctx);
	stmt_bind_text(st, 1, done_on);
	stmt_bind_int(st, 2, recruit_id);
	stmt_bind_text(st, 3, done_on);
	if (stmt_run(st, &fx.ctx.err))
		fail_ctx("update last inspection", &fx.ctx);
}

static int64_t count_sql(const char *sql)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n = -1;
	if (!st)
		fail_ctx("prepare count", &fx.ctx);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static int populate(int pg)
{
	struct date today;
	(void)pg;
	/* noon in Shanghai on TODAY */
	if (date_parse(TODAY, &today))
		return -1;
	ctx_set_clock(&fx.ctx, (time_t)(date_to_days(today) * 86400 + 4 * 3600));
	config_defaults(&fx.cfg);
	fx.ctx.cfg = NULL; /* the documented defaults, as without a config */
	fx.dept = make_org(0, "dept", "测试县委组织部", 0);
	fx.town = make_org(fx.dept, "committee", "甲镇党委", 1);
	fx.town_b1 = make_org(fx.town, "branch", "甲镇第一党支部", 0);
	fx.town_b2 = make_org(fx.town, "branch", "甲镇第二党支部", 0);
	fx.other = make_org(fx.dept, "committee", "乙镇党委", 1);
	fx.other_b = make_org(fx.other, "branch", "乙镇党支部", 0);
	fx.stats_c = make_org(fx.dept, "committee", "丙镇党委", 1);
	fx.stats_b = make_org(fx.stats_c, "branch", "丙镇党支部", 0);
	fx.plan_a = make_org(fx.dept, "committee", "丁镇党委", 1);
	fx.plan_a_b = make_org(fx.plan_a, "branch", "丁镇党支部", 0);
	fx.plan_b = make_org(fx.dept, "committee", "戊镇党委", 1);
	fx.plan_b_b = make_org(fx.plan_b, "branch", "戊镇党支部", 0);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "rreport", populate, 2 };

/* Items of kind for the record (kind NULL: any kind); the due date of the last one in due. */
static int count_kind(json_t *items, int64_t id, const char *kind, char *due)
{
	size_t i;
	int n = 0;
	for (i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (json_integer_value(json_object_get(it, "recruit_id")) != id)
			continue;
		if (kind && strcmp(json_string_value(json_object_get(it, "kind")), kind))
			continue;
		n++;
		if (due)
			strlcpy_z(due, json_string_value(json_object_get(it, "due")), 11);
	}
	return n;
}

/*
 * A subtree of more branches than list_max answers pages of the same list: every page
 * of 2, laid end to end, is the whole list, each with the list's total; the page after
 * the last is empty. list_max 0 would take the config: 1 makes any subtree with two
 * branches large. A single branch is never large and answers the bare array.
 */
static void pages_match(struct ctx *c, int64_t org, json_t *whole)
{
	struct subtree_page pg = { 1, 1, 2 };
	json_t *seen = json_array(), *reply, *arr;
	json_error_t jerr;
	for (;; pg.page++) {
		struct strbuf sb = STRBUF_INIT;
		err_clear(&c->err);
		if (recruit_reminders_page_json(c, org, &pg, &sb))
			fail_ctx("recruit_reminders_page_json", c);
		reply = json_loads(sb.buf, 0, &jerr);
		strbuf_release(&sb);
		assert_non_null(reply);
		if (json_is_array(reply)) { /* not large: the bare list */
			assert_true(json_equal(reply, whole));
			json_decref(reply);
			break;
		}
		assert_int_equal(json_integer_value(json_object_get(reply, "total")), (json_int_t)json_array_size(whole));
		assert_int_equal(json_integer_value(json_object_get(reply, "page")), pg.page);
		arr = json_object_get(reply, "items");
		assert_true(json_array_size(arr) <= 2);
		if (!json_array_size(arr)) {
			assert_true(json_equal(seen, whole));
			json_decref(reply);
			break;
		}
		json_array_extend(seen, arr);
		json_decref(reply);
	}
	json_decref(seen);
}

static json_t *reminders(struct ctx *c, int64_t org)
{
	json_t *items = NULL;
	err_clear(&c->err);
	struct strbuf sb = STRBUF_INIT;
	char *dump;
	err_clear(&c->err);
	if (recruit_reminders(c, org, &items))
		fail_ctx("recruit_reminders", c);
	/* the API's streamed rendering says exactly what the tree says */
	if (recruit_reminders_json(c, org, &sb))
		fail_ctx("recruit_reminders_json", c);
	dump = json_dumps(items, JSON_COMPACT);
	assert_non_null(dump);
	assert_string_equal(sb.buf, dump);
	free(dump);
	strbuf_release(&sb);
	pages_match(c, org, items);
	return items;
}

#define ONLY(items, id, kind, want_due)                                    \
	do {                                                               \
		char due_[11] = "";                                        \
		assert_int_equal(count_kind(items, id, NULL, NULL), 1);    \
		assert_int_equal(count_kind(items, id, kind, due_), 1);    \
		assert_string_equal(due_, want_due);                       \
	} while (0)
#define NONE(items, id) assert_int_equal(count_kind(items, id, NULL, NULL), 0)

static void test_reminders(void **state)
{
	struct rec r;
	struct ctx c;
	json_t *items, *it;
	size_t i;
	char prev[11] = "";
	int64_t talk_today, talk_late, talked, insp_today, insp_late, insp_30, insp_31, insp_recent, insp_old_step,
		one_30, one_31, one_past30, one_past31, one_target, pub_7, pub_8, pub_0, appr_today, appr_30, appr_31, appr_late, appr_done, prob_30,
		prob_31, prob_past, prob_full, prob_24, ext_5, closed, elsewhere;
	(void)state;

	/* 谈话: due one month after applying (2026-02-15 + 1 month = today) */
	memset(&r, 0, sizeof(r));
	r.last_step = 1;
	r.applied = "2026-02-15";
	talk_today = insert_recruit(fx.town_b1, "谈话当天", &r);
	r.applied = "2026-02-14";
	talk_late = insert_recruit(fx.town_b1, "谈话逾期", &r);
	r.talked = "2026-02-20";
	r.last_step = 2;
	talked = insert_recruit(fx.town_b1, "已谈话", &r);

	/* 考察: 6 months after the last one (or the activist date); notice 30 days ahead */
	memset(&r, 0, sizeof(r));
	r.stage = 2;
	r.last_step = 5;
	r.applied = "2025-01-01";
	r.talked = "2025-01-10";
	r.activist = "2025-09-15";
	insp_today = insert_recruit(fx.town_b1, "考察当天", &r);
	r.activist = "2025-09-14";
	insp_late = insert_recruit(fx.town_b1, "考察逾期", &r);
	r.activist = "2025-10-14";
	insp_30 = insert_recruit(fx.town_b2, "考察30天", &r);
	r.activist = "2025-10-15";
	insp_31 = insert_recruit(fx.town_b2, "考察31天", &r);
	r.activist = "2025-06-01";
	r.last_step = 6;
	insp_recent = insert_recruit(fx.town_b2, "近期考察", &r);
	insert_step(insp_recent, 6, "2025-09-01", fx.town_b2, NULL);
	insert_step(insp_recent, 6, "2026-01-10", fx.town_b2, NULL); /* due 2026-07-10 */
	insp_old_step = insert_recruit(fx.town_b2, "考察记录过期", &r);
	insert_step(insp_old_step, 6, "2025-09-10", fx.town_b2, NULL); /* due 2026-03-10 */

	/* 满一年: activist 2025-04-14 reaches a year on 2026-04-14 = today + 30 */
	r.activist = "2025-04-14";
	one_30 = insert_recruit(fx.town_b2, "满一年30天", &r);
	insert_step(one_30, 6, "2026-03-01", fx.town_b2, NULL);
	r.activist = "2025-04-15";
	one_31 = insert_recruit(fx.town_b2, "满一年31天", &r);
	insert_step(one_31, 6, "2026-03-01", fx.town_b2, NULL);
	/* and for 30 days after the anniversary (2026-02-13 = today - 30) */
	r.activist = "2025-02-13";
	one_past30 = insert_recruit(fx.town_b2, "满一年已30天", &r);
	insert_step(one_past30, 6, "2026-03-01", fx.town_b2, NULL);
	r.activist = "2025-02-12";
	one_past31 = insert_recruit(fx.town_b2, "满一年已31天", &r);
	insert_step(one_past31, 6, "2026-03-01", fx.town_b2, NULL);
	r.activist = "2024-01-01";
	r.target = "2025-02-01";
	r.stage = 3;
	r.last_step = 9;
	one_target = insert_recruit(fx.town_b2, "已是发展对象", &r);
	insert_step(one_target, 6, "2026-02-01", fx.town_b2, NULL);

	/* 公示: latest step 12, listed from that day to 7 days after */
	r.last_step = 12;
	r.stage = 4;
	pub_7 = insert_recruit(fx.town_b1, "公示第7天", &r);
	insert_step(pub_7, 6, "2026-03-01", fx.town_b1, NULL);
	insert_step(pub_7, 12, "2026-03-08", fx.town_b1, NULL);
	pub_8 = insert_recruit(fx.town_b1, "公示第8天", &r);
	insert_step(pub_8, 6, "2026-03-01", fx.town_b1, NULL);
	insert_step(pub_8, 12, "2026-03-07", fx.town_b1, NULL);
	pub_0 = insert_recruit(fx.town_b1, "公示当天", &r);
	insert_step(pub_0, 6, "2026-03-01", fx.town_b1, NULL);
	insert_step(pub_0, 12, TODAY, fx.town_b1, NULL);

	/* 审批: 3 months after the 支部大会; notice 30 days ahead, and overdue ones */
	r.last_step = 15;
	r.meeting = "2025-12-15";
	appr_today = insert_recruit(fx.town_b1, "审批当天", &r);
	r.meeting = "2026-01-14";
	appr_30 = insert_recruit(fx.town_b1, "审批30天", &r);
	r.meeting = "2026-01-15";
	appr_31 = insert_recruit(fx.town_b1, "审批31天", &r);
	r.meeting = "2025-10-01";
	appr_late = insert_recruit(fx.town_b1, "审批超期", &r);
	r.last_step = 17;
	r.approved = "2025-12-20";
	r.pend = "2026-10-01";
	appr_done = insert_recruit(fx.town_b1, "已审批", &r);

	/* 预备期 ends within 30 days (or has ended without 转正 approval) */
	r.last_step = 21;
	r.stage = 5;
	r.meeting = "2025-04-14";
	r.approved = "2025-05-20";
	r.pend = "2026-04-14";
	prob_30 = insert_recruit(fx.town_b2, "预备期30天", &r);
	r.pend = "2026-04-15";
	prob_31 = insert_recruit(fx.town_b2, "预备期31天", &r);
	r.pend = "2026-03-05";
	prob_past = insert_recruit(fx.town_b2, "预备期已满", &r);
	r.full = "2026-03-05";
	r.last_step = 24;
	prob_full = insert_recruit(fx.town_b2, "已转正", &r);
	r.full = NULL;
	prob_24 = insert_recruit(fx.town_b2, "转正已审批", &r);
	r.last_step = 21;
	r.extended = 6;
	r.pend = "2026-03-20";
	ext_5 = insert_recruit(fx.town_b2, "延长预备期", &r);

	/* closed records and other subtrees are not listed */
	memset(&r, 0, sizeof(r));
	r.last_step = 1;
	r.applied = "2026-01-01";
	r.status = "not_developed";
	closed = insert_recruit(fx.town_b1, "已淘汰", &r);
	r.status = NULL;
	elsewhere = insert_recruit(fx.other_b, "乙镇申请人", &r);

	items = reminders(&fx.ctx, fx.town);
	ONLY(items, talk_today, "talk_due", "2026-03-15");
	ONLY(items, talk_late, "talk_overdue", "2026-03-14");
	NONE(items, talked);
	ONLY(items, insp_today, "inspection_due", "2026-03-15");
	ONLY(items, insp_late, "inspection_overdue", "2026-03-14");
	ONLY(items, insp_30, "inspection_due", "2026-04-14");
	NONE(items, insp_31);
	NONE(items, insp_recent);
	ONLY(items, insp_old_step, "inspection_overdue", "2026-03-10");
	ONLY(items, one_30, "activist_one_year", "2026-04-14");
	NONE(items, one_31);
	ONLY(items, one_past30, "activist_one_year", "2026-02-13");
	NONE(items, one_past31);
	NONE(items, one_target);
	ONLY(items, pub_7, "publicity_ending", "2026-03-15");
	NONE(items, pub_8);
	ONLY(items, pub_0, "publicity_ending", "2026-03-22");
	ONLY(items, appr_today, "approval_deadline", "2026-03-15");
	ONLY(items, appr_30, "approval_deadline", "2026-04-14");
	NONE(items, appr_31);
	ONLY(items, appr_late, "approval_deadline", "2026-01-01");
	NONE(items, appr_done);
	ONLY(items, prob_30, "probation_ending", "2026-04-14");
	NONE(items, prob_31);
	ONLY(items, prob_past, "probation_ending", "2026-03-05");
	NONE(items, prob_full);
	NONE(items, prob_24);
	ONLY(items, ext_5, "extension_ending", "2026-03-20");
	NONE(items, closed);
	NONE(items, elsewhere);
	/* sorted by due; every field present */
	for (i = 0; i < json_array_size(items); i++) {
		const char *due;
		it = json_array_get(items, i);
		due = json_string_value(json_object_get(it, "due"));
		assert_true(strcmp(prev, due) <= 0);
		strlcpy_z(prev, due, sizeof(prev));
		assert_non_null(json_string_value(json_object_get(it, "name")));
		assert_true(json_string_length(json_object_get(it, "org_name")) > 0);
		assert_true(json_string_length(json_object_get(it, "message")) > 0);
		assert_true(json_integer_value(json_object_get(it, "org_id")) > 0);
	}
	it = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(it, "due")), "2026-01-01");
	assert_string_equal(json_string_value(json_object_get(it, "name")), "审批超期");
	assert_string_equal(json_string_value(json_object_get(it, "org_name")), "甲镇第一党支部");
	json_decref(items);

	/* a branch secretary sees the branch only; 0 = the actor's scope */
	life_copy_as(&c, fx.town_b2, ROLE_SECRETARY);
	items = reminders(&c, 0);
	NONE(items, talk_today);
	ONLY(items, prob_30, "probation_ending", "2026-04-14");
	json_decref(items);
	items = NULL;
	life_expect_refusal(recruit_reminders(&c, fx.town, &items), &c, E_NOTFOUND, NULL);
	life_copy_as(&c, fx.town_b2, ROLE_MEMBER);
	life_expect_refusal(recruit_reminders(&c, 0, &items), &c, E_FORBIDDEN, "recruit.role");
	assert_null(items);

	/* a day later the boundaries move by one */
	c = fx.ctx;
	c.today = date_add_days(fx.ctx.today, 1);
	items = reminders(&c, fx.town);
	ONLY(items, talk_today, "talk_overdue", "2026-03-15");
	ONLY(items, insp_today, "inspection_overdue", "2026-03-15");
	ONLY(items, insp_31, "inspection_due", "2026-04-15");
	ONLY(items, one_31, "activist_one_year", "2026-04-15");
	NONE(items, one_past30);
	NONE(items, pub_7);
	ONLY(items, appr_31, "approval_deadline", "2026-04-15");
	ONLY(items, prob_31, "probation_ending", "2026-04-15");
	json_decref(items);
}

static void test_stats(void **state)
{
	struct rec r;
	json_t *out = NULL, *v;
	struct ctx c;
	int64_t id;
	size_t i;
	(void)state;

	memset(&r, 0, sizeof(r));
	/* stage 1: 2 active (last step 1 and 2) */
	r.last_step = 1;
	r.applied = "2026-01-01";
	insert_recruit(fx.stats_b, "s1", &r);
	r.last_step = 2;
	r.talked = "2026-01-20";
	insert_recruit(fx.stats_b, "s2", &r);
	/* stage 2: applied→activist 100 and 200 days */
	r.stage = 2;
	r.last_step = 6;
	r.applied = "2025-01-01";
	r.activist = "2025-04-11"; /* 100 days */
	insert_recruit(fx.stats_b, "s3", &r);
	r.activist = "2025-07-20"; /* 200 days */
	insert_recruit(fx.stats_b, "s4", &r);
	/* stage 3: applied→activist 90, activist→target 400 */
	r.stage = 3;
	r.last_step = 9;
	r.applied = "2024-01-01";
	r.activist = "2024-03-31";   /* 90 days (leap year) */
	r.target = "2025-05-05";     /* 400 days */
	insert_recruit(fx.stats_b, "s5", &r);
	/* stage 5 archived: every span */
	r.stage = 5;
	r.last_step = 25;
	r.status = "archived";
	r.applied = "2020-01-01";
	r.activist = "2020-04-10";   /* 100 */
	r.target = "2021-05-15";     /* 400 */
	r.meeting = "2021-08-13";    /* 90 */
	r.approved = "2021-09-01";
	r.full = "2022-08-13";       /* 365 */
	insert_recruit(fx.stats_b, "s6", &r);
	/* eliminated: two with the same reason, one corrected to another reason */
	memset(&r, 0, sizeof(r));
	r.stage = 2;
	r.last_step = 95;
	r.status = "not_developed";
	r.applied = "2025-01-01";
	r.activist = "2025-03-01";
	id = insert_recruit(fx.stats_b, "e1", &r);
	insert_step(id, 95, "2025-10-01", fx.stats_b, "{\"reason\":\"考察不合格\"}");
	id = insert_recruit(fx.stats_b, "e2", &r);
	insert_step(id, 95, "2025-10-02", fx.stats_b, "{\"reason\":\"考察不合格\"}");
	id = insert_recruit(fx.stats_b, "e3", &r);
	insert_step(id, 95, "2025-10-03", fx.stats_b, "{\"reason\":\"考察不合格\"}");
	insert_step(id, 95, "2025-10-04", fx.stats_b, "{\"reason\":\"本人放弃\"}");
	/* elsewhere: not counted */
	insert_recruit(fx.other_b, "x", &r);

	err_clear(&fx.ctx.err);
	if (recruit_stats(&fx.ctx, fx.stats_c, &out))
		fail_ctx("recruit_stats", &fx.ctx);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 9);
	assert_int_equal(json_integer_value(json_object_get(out, "org_id")), fx.stats_c);
	v = json_object_get(out, "by_status");
	assert_int_equal(json_integer_value(json_object_get(v, "active")), 5);
	assert_int_equal(json_integer_value(json_object_get(v, "archived")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "not_developed")), 3);
	assert_int_equal(json_integer_value(json_object_get(v, "cancelled")), 0);
	v = json_object_get(out, "by_stage");
	assert_int_equal(json_array_size(v), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 0), "active")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 1), "active")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 1), "not_developed")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 1), "total")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 2), "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 3), "total")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 4), "archived")), 1);
	/* open records by the step they stand at: 1, 2, 6 ×2, 9 */
	v = json_object_get(out, "by_step");
	assert_int_equal(json_array_size(v), 4);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *s = json_array_get(v, i);
		int64_t step = json_integer_value(json_object_get(s, "step")), n = json_integer_value(json_object_get(s, "count"));
		assert_int_equal(n, step == 6 ? 2 : 1);
	}
	/* applied→activist: 100, 200, 90, 100 and the three eliminated (59 days each): 667 / 7 */
	v = json_object_get(out, "days");
	assert_int_equal(json_array_size(v), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "from")), "applied_on");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 0), "records")), 7);
	assert_float_equal(json_real_value(json_object_get(json_array_get(v, 0), "average_days")), 95.3, 0.001);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 1), "records")), 2);
	assert_float_equal(json_real_value(json_object_get(json_array_get(v, 1), "average_days")), 400.0, 0.001);
	assert_float_equal(json_real_value(json_object_get(json_array_get(v, 2), "average_days")), 90.0, 0.001);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 3), "records")), 1);
	assert_float_equal(json_real_value(json_object_get(json_array_get(v, 3), "average_days")), 365.0, 0.001);
	/* the corrected exit counts under its latest reason */
	v = json_object_get(out, "eliminated");
	assert_int_equal(json_integer_value(json_object_get(v, "total")), 3);
	v = json_object_get(v, "reasons");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "reason")), "考察不合格");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 0), "count")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "reason")), "本人放弃");
	json_decref(out);
	out = NULL;

	life_copy_as(&c, fx.other, ROLE_ORG_ADMIN);
	life_expect_refusal(recruit_stats(&c, fx.stats_c, &out), &c, E_NOTFOUND, NULL);
	assert_null(out);
}

static json_t *score_body(const char *rater, int score, const char *on)
{
	return json_pack("{s:s, s:i, s:s}", "rater", rater, "score", score, "scored_on", on);
}

static void expect_score(struct ctx *c, int64_t id, int score, const char *on, double avg, int count, const char *band)
{
	json_t *body = score_body("党小组", score, on), *out = NULL;
	err_clear(&c->err);
	if (recruit_add_score(c, id, body, &out))
		fail_ctx("recruit_add_score", c);
	assert_float_equal(json_real_value(json_object_get(out, "average")), avg, 0.001);
	assert_int_equal(json_integer_value(json_object_get(out, "count")), count);
	assert_string_equal(json_string_value(json_object_get(out, "band")), band);
	json_decref(out);
	json_decref(body);
}

static void expect_score_refused(struct ctx *c, int64_t id, json_t *body, enum err_code code, const char *rule)
{
	json_t *out = NULL;
	err_clear(&c->err);
	life_expect_refusal(recruit_add_score(c, id, body, &out), c, code, rule);
	assert_null(out);
	json_decref(body);
}

static void test_scores(void **state)
{
	struct rec r;
	struct ctx c;
	struct config cfg;
	struct err e = { 0 };
	int64_t applicant, activist, probationer, before, after;
	json_t *out = NULL;
	(void)state;

	memset(&r, 0, sizeof(r));
	r.last_step = 2;
	r.applied = "2025-01-01";
	r.talked = "2025-01-10";
	applicant = insert_recruit(fx.town_b1, "申请人", &r);
	r.stage = 2;
	r.last_step = 6;
	r.activist = "2025-06-01";
	activist = insert_recruit(fx.town_b1, "积极分子", &r);
	r.stage = 5;
	r.last_step = 19;
	r.target = "2025-06-02";
	r.meeting = "2025-07-01";
	r.approved = "2025-08-01";
	probationer = insert_recruit(fx.town_b1, "预备党员", &r);

	before = count_sql("SELECT count(*) FROM audit_log WHERE entity = 'recruit' AND action = 'score'");
	expect_score(&fx.ctx, activist, 85, "2025-12-01", 85.0, 1, "eligible");
	expect_score(&fx.ctx, activist, 70, "2025-12-02", 77.5, 2, "continue");
	expect_score(&fx.ctx, activist, 40, "2025-12-03", 65.0, 3, "continue");
	expect_score(&fx.ctx, activist, 30, "2025-12-04", 56.3, 4, "eliminate");
	/* another year starts again; the boundaries are inclusive */
	expect_score(&fx.ctx, activist, 80, "2026-01-05", 80.0, 1, "eligible");
	expect_score(&fx.ctx, activist, 40, "2026-01-06", 60.0, 2, "continue");
	expect_score(&fx.ctx, activist, 59, TODAY, 59.7, 3, "eliminate");
	after = count_sql("SELECT count(*) FROM audit_log WHERE entity = 'recruit' AND action = 'score'");
	assert_int_equal(after - before, 7);
	assert_int_equal(count_sql("SELECT count(*) FROM recruit_scores"), 7);

	/* thresholds from the config */
	config_defaults(&cfg);
	if (config_set(&cfg, "recruit.score_eligible=90", &e) || config_set(&cfg, "recruit.score_continue=50", &e))
		fail_msg("config_set: %s", e.message);
	c = fx.ctx;
	c.cfg = &cfg;
	expect_score(&c, activist, 100, TODAY, 69.8, 4, "continue");

	expect_score_refused(&fx.ctx, applicant, score_body("党小组", 90, TODAY), E_RULE, "recruit.score_stage");
	expect_score_refused(&fx.ctx, probationer, score_body("党小组", 90, TODAY), E_RULE, "recruit.score_stage");
	expect_score_refused(&fx.ctx, activist, score_body("党小组", 101, TODAY), E_INVALID, "recruit.score_range");
	expect_score_refused(&fx.ctx, activist, score_body("党小组", -1, TODAY), E_INVALID, "recruit.score_range");
	expect_score_refused(&fx.ctx, activist, score_body("党小组", 90, "2026-03-16"), E_INVALID, "field.date_future");
	expect_score_refused(&fx.ctx, activist, score_body("党小组", 90, "2025-05-31"), E_RULE, "recruit.score_date");
	expect_score_refused(&fx.ctx, activist, score_body("党小组", 90, "2025-02-30"), E_INVALID, "field.date");
	expect_score_refused(&fx.ctx, activist, score_body(" ", 90, TODAY), E_INVALID, "field.required");
	expect_score_refused(&fx.ctx, activist, json_pack("{s:s, s:s, s:s}", "rater", "a", "score", "90", "scored_on", TODAY),
			     E_MALFORMED, NULL);
	expect_score_refused(&fx.ctx, activist, json_pack("{s:s, s:s}", "rater", "a", "scored_on", TODAY), E_INVALID,
			     "field.required");
	expect_score_refused(&fx.ctx, 999999, score_body("党小组", 90, TODAY), E_NOTFOUND, NULL);
	/* on the activist date itself it is accepted, into 2025: (225 + 90) / 5 */
	expect_score(&fx.ctx, activist, 90, "2025-06-01", 63.0, 5, "continue");

	/* another town's administrator cannot see the record; the branch's secretary can score */
	life_copy_as(&c, fx.other, ROLE_ORG_ADMIN);
	expect_score_refused(&c, activist, score_body("党小组", 90, TODAY), E_NOTFOUND, NULL);
	life_copy_as(&c, fx.town_b1, ROLE_SECRETARY);
	expect_score(&c, activist, 90, "2025-06-02", 67.5, 6, "continue");
	life_copy_as(&c, fx.town_b1, ROLE_MEMBER);
	expect_score_refused(&c, activist, score_body("党小组", 90, TODAY), E_FORBIDDEN, "recruit.role");
	assert_int_equal(count_sql("SELECT count(*) FROM recruit_scores"), 10);
	(void)out;
}

static json_t *plan_item(json_t *items, int64_t org)
{
	size_t i;
	for (i = 0; i < json_array_size(items); i++)
		if (json_integer_value(json_object_get(json_array_get(items, i), "org_id")) == org)
			return json_array_get(items, i);
	return NULL;
}

static void test_plans(void **state)
{
	struct rec r;
	struct ctx c;
	json_t *items = NULL, *it, *body, *out = NULL;
	int64_t before;
	(void)state;

	memset(&r, 0, sizeof(r));
	r.stage = 5;
	r.last_step = 17;
	r.applied = "2023-01-01";
	r.activist = "2023-03-01";
	r.target = "2024-03-05";
	r.meeting = "2025-01-10";
	r.approved = "2025-01-20";
	r.pend = "2026-01-10";
	insert_recruit(fx.plan_a_b, "a1", &r);
	r.approved = "2025-12-31";
	insert_recruit(fx.plan_a_b, "a2", &r);
	r.approved = "2025-01-01";
	insert_recruit(fx.plan_a_b, "a3", &r);
	r.approved = "2024-12-31";
	insert_recruit(fx.plan_a_b, "a-2024", &r);
	r.approved = "2026-01-01";
	insert_recruit(fx.plan_a_b, "a-2026", &r);
	r.approved = "2025-06-01";
	insert_recruit(fx.plan_b_b, "b1", &r);

	err_clear(&fx.ctx.err);
	if (recruit_plan_list(&fx.ctx, fx.dept, 2025, &items))
		fail_ctx("recruit_plan_list", &fx.ctx);
	/* every 基层党委 with approval authority, none of the branches */
	assert_non_null(plan_item(items, fx.town));
	assert_null(plan_item(items, fx.plan_a_b));
	it = plan_item(items, fx.plan_a);
	assert_int_equal(json_integer_value(json_object_get(it, "developed")), 3);
	assert_true(json_is_null(json_object_get(it, "planned")));
	assert_int_equal(json_integer_value(json_object_get(it, "version")), 0);
	assert_int_equal(json_integer_value(json_object_get(plan_item(items, fx.plan_b), "developed")), 1);
	json_decref(items);
	items = NULL;

	/* the county sets a town's plan; versions guard later edits */
	before = count_sql("SELECT count(*) FROM audit_log WHERE entity = 'recruit_plan'");
	life_copy_as(&c, fx.dept, ROLE_ORG_ADMIN);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_a, "year", 2025, "planned", 12);
	if (recruit_plan_set(&c, body, &out))
		fail_ctx("recruit_plan_set", &c);
	json_decref(body);
	assert_int_equal(json_integer_value(json_object_get(out, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(out, "planned")), 12);
	assert_int_equal(json_integer_value(json_object_get(out, "developed")), 3);
	assert_true(json_is_null(json_object_get(out, "special_units_max_pct")));
	json_decref(out);
	out = NULL;
	body = json_pack("{s:I, s:i, s:i, s:i, s:i}", "org_id", (json_int_t)fx.plan_a, "year", 2025, "planned", 15,
			 "special_units_max_pct", 20, "version", 1);
	err_clear(&c.err);
	if (recruit_plan_set(&c, body, &out))
		fail_ctx("recruit_plan_set", &c);
	assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
	json_decref(out);
	out = NULL;
	/* the same edit again is stale */
	err_clear(&c.err);
	life_expect_refusal(recruit_plan_set(&c, body, &out), &c, E_CONFLICT, "store.stale");
	json_decref(body);
	assert_int_equal(count_sql("SELECT count(*) FROM audit_log WHERE entity = 'recruit_plan'") - before, 2);

	err_clear(&c.err);
	if (recruit_plan_list(&c, 0, 2025, &items))
		fail_ctx("recruit_plan_list", &c);
	it = plan_item(items, fx.plan_a);
	assert_int_equal(json_integer_value(json_object_get(it, "planned")), 15);
	assert_int_equal(json_integer_value(json_object_get(it, "special_units_max_pct")), 20);
	assert_int_equal(json_integer_value(json_object_get(it, "version")), 2);
	json_decref(items);
	items = NULL;

	/* a town's administrator sees its plan but cannot set it, nor another town's */
	life_copy_as(&c, fx.plan_a, ROLE_ORG_ADMIN);
	if (recruit_plan_list(&c, 0, 2025, &items))
		fail_ctx("recruit_plan_list", &c);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(plan_item(items, fx.plan_a), "developed")), 3);
	json_decref(items);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_a, "year", 2025, "planned", 99);
	life_expect_refusal(recruit_plan_set(&c, body, &out), &c, E_FORBIDDEN, "recruit.plan_scope");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_b, "year", 2025, "planned", 99);
	err_clear(&c.err);
	life_expect_refusal(recruit_plan_set(&c, body, &out), &c, E_INVALID, "org.scope");
	json_decref(body);
	/* a branch secretary may not set plans; a branch has no plan */
	life_copy_as(&c, fx.plan_a_b, ROLE_SECRETARY);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_a_b, "year", 2025, "planned", 1);
	life_expect_refusal(recruit_plan_set(&c, body, &out), &c, E_FORBIDDEN, "recruit.plan_role");
	err_clear(&fx.ctx.err);
	life_expect_refusal(recruit_plan_set(&fx.ctx, body, &out), &fx.ctx, E_RULE, "recruit.plan_org");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_b, "year", 2028, "planned", 1);
	err_clear(&fx.ctx.err);
	life_expect_refusal(recruit_plan_set(&fx.ctx, body, &out), &fx.ctx, E_INVALID, "recruit.plan_year");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_b, "year", 2026, "planned", -1);
	err_clear(&fx.ctx.err);
	life_expect_refusal(recruit_plan_set(&fx.ctx, body, &out), &fx.ctx, E_INVALID, "recruit.plan_planned");
	json_decref(body);
	body = json_pack("{s:I, s:i, s:i, s:i}", "org_id", (json_int_t)fx.plan_b, "year", 2026, "planned", 3, "version", 4);
	err_clear(&fx.ctx.err);
	life_expect_refusal(recruit_plan_set(&fx.ctx, body, &out), &fx.ctx, E_CONFLICT, "store.stale");
	json_decref(body);
	assert_null(out);
	/* a system administrator sets any committee, its own root included */
	body = json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.plan_b, "year", 2026, "planned", 3);
	err_clear(&fx.ctx.err);
	if (recruit_plan_set(&fx.ctx, body, &out))
		fail_ctx("recruit_plan_set", &fx.ctx);
	assert_int_equal(json_integer_value(json_object_get(out, "developed")), 0);
	json_decref(out);
	json_decref(body);
	assert_int_equal(count_sql("SELECT count(*) FROM audit_log WHERE entity = 'recruit_plan'") - before, 3);
}

#define REPORT_TESTS                                   \
	{                                              \
		cmocka_unit_test(test_reminders),      \
		cmocka_unit_test(test_stats),          \
		cmocka_unit_test(test_scores),         \
		cmocka_unit_test(test_plans),          \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = REPORT_TESTS;
	const struct CMUnitTest pg_tests[] = REPORT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("recruit_report/sqlite", sqlite_tests, life_suite_setup_sqlite,
					     life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("recruit_report/postgres", pg_tests, life_suite_setup_pg,
						      life_suite_teardown);
	else
		printf("recruit_report/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
