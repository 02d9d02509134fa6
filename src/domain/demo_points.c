/*
 * Demo points (called by demo.c after demo_activity): the county's indicator set from
 * the recommended template, in force from six months back (this month and the five
 * before it, so the last whole quarter always lies inside); last year's 民主评议 closed
 * in four branches; the automatic entries of every meeting and round by points_sync;
 * a sprinkle of manual entries (志愿服务, 结对帮扶, a few deductions with their
 * evidence), findings of the town admins on some branches, pending 申报 (one by
 * member1, so the phone view has something), and the last whole quarter published
 * (亮分) in the first town. Points stay on everywhere. Everything goes through the
 * domain functions, acting as the account that would do it; where the API rule
 * "not in the past" would refuse a back-dated write (the set, the rounds), the clock is
 * set back to the day it happened and restored. Deterministic: members are picked by
 * their order, dates from ctx->today.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "domain/appraisal.h"
#include "domain/points.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BACK_MONTHS 5     /* the set is in force from this many months before today's */
#define ROUNDS 4          /* branches with a closed 民主评议 of last year */

struct who {
	int64_t id, org_id;
};

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo points: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

/* noon in Asia/Shanghai of d, as ctx clocks are set elsewhere (04:00 UTC) */
static time_t noon_of(struct date d)
{
	return (time_t)(date_to_days(d) * 86400 + 4 * 3600);
}

/* day of the month `back` months before today's, not after today */
static struct date day_of(struct ctx *ctx, int back, int day)
{
	struct date d = date_add_months(ctx->today, -back);
	int dim = date_days_in_month(d.y, d.m);
	d.d = day > dim ? dim : day;
	if (date_cmp(d, ctx->today) > 0)
		d = ctx->today;
	return d;
}

static void month_text(int m, char out[8])
{
	points_month_text(m, out);
}

/* Rows (id, org_id) of sql with up to two text parameters (NULL: none). */
static int load_who2(struct ctx *ctx, const char *sql, const char *param, const char *param2, struct who **out,
		     size_t *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	size_t alloc = 0;
	int step;
	*out = NULL;
	*n = 0;
	if (!st)
		return E_DB;
	if (param)
		stmt_bind_text(st, 1, param);
	if (param2)
		stmt_bind_text(st, 2, param2);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[*n].id = stmt_int(st, 0);
		(*out)[*n].org_id = stmt_int(st, 1);
		(*n)++;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : E_DB;
}

static int load_who(struct ctx *ctx, const char *sql, const char *param, struct who **out, size_t *n)
{
	return load_who2(ctx, sql, param, NULL, out, n);
}

/* ctx acts as the account username (restored by ctx_as_system). */
static int act_as(struct ctx *ctx, const char *username)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT u.id, u.role, u.org_id, o.path, u.member_id FROM users u "
				     "LEFT JOIN orgs o ON o.id = u.org_id WHERE u.username = ?",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, username);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		memset(&ctx->actor, 0, sizeof(ctx->actor));
		ctx->actor.user_id = stmt_int(st, 0);
		strlcpy_z(ctx->actor.username, username, sizeof(ctx->actor.username));
		ctx->actor.role = role_parse(stmt_text(st, 1));
		ctx->actor.org_id = stmt_int(st, 2);
		stmt_text_copy(st, 3, ctx->actor.org_path, sizeof(ctx->actor.org_path));
		ctx->actor.member_id = stmt_int(st, 4);
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "演示账号 %s 不存在", username);
	return 0;
}

/* ---- the indicator set ---- */

static int create_set(struct ctx *ctx, int64_t top, int first)
{
	json_t *body = NULL;
	time_t saved = ctx->now;
	struct date d;
	char from[8];
	int64_t id;
	int rc;
	if (points_set_template_json(&body))
		return fail(ctx, "template", E_INTERNAL);
	month_text(first, from);
	json_object_set_new(body, "org_id", json_integer(top));
	json_object_set_new(body, "effective_from", json_string(from));
	/* written on the first day it is in force, as the county would have done */
	d.y = first / 12;
	d.m = first % 12 + 1;
	d.d = 1;
	ctx_set_clock(ctx, noon_of(d));
	rc = points_set_create(ctx, body, &id);
	ctx_set_clock(ctx, saved);
	json_decref(body);
	return rc ? fail(ctx, "indicator set", rc) : 0;
}

/* ---- last year's 民主评议 in a few branches ---- */

static int decide_all(struct ctx *ctx, int64_t round, int k)
{
	json_t *r = NULL, *e;
	size_t i;
	int rc, excellent = 0, graded;
	if ((rc = appraisal_get(ctx, round, &r)))
		return rc;
	graded = (int)json_integer_value(json_object_get(json_object_get(r, "summary"), "graded"));
	json_array_foreach(json_object_get(r, "entries"), i, e) {
		int64_t member = json_integer_value(json_object_get(e, "member_id"));
		const char *cat = "qualified";
		json_t *body;
		if (json_is_true(json_object_get(e, "probationary")))
			continue;
		/* about one 优秀 in five, within the ⅓ cap; one 基本合格 in the second round */
		if (i % 5 == 1 && (excellent + 1) * 3 <= graded) {
			cat = "excellent";
			excellent++;
		} else if (k == 1 && i == 3) {
			cat = "basic";
		}
		body = json_pack("{s:O, s:s}", "version", json_object_get(e, "version"), "category", cat);
		rc = appraisal_decide(ctx, round, member, body);
		json_decref(body);
		if (rc)
			break;
	}
	json_decref(r);
	return rc;
}

static int appraisals(struct ctx *ctx, const struct who *branches, size_t nb, int *rounds)
{
	time_t saved = ctx->now;
	struct date on = day_of(ctx, 2, 15);
	size_t i;
	int rc = 0, k = 0;
	/* a year's round is held early the next year: here two months ago */
	ctx_set_clock(ctx, noon_of(on));
	for (i = 0; i < nb && k < ROUNDS && !rc; i += 5) {
		json_t *body = json_pack("{s:I, s:i}", "org_id", (json_int_t)branches[i].id, "year", on.y - 1), *r = NULL;
		int64_t id = 0;
		rc = appraisal_open(ctx, body, &id);
		json_decref(body);
		if (rc == E_RULE) { /* a branch too small for a round: the next one */
			rc = 0;
			continue;
		}
		if (rc || (rc = decide_all(ctx, id, k)) || (rc = appraisal_get(ctx, id, &r)))
			break;
		body = json_pack("{s:O}", "version", json_object_get(r, "version"));
		json_decref(r);
		rc = appraisal_close(ctx, id, body);
		json_decref(body);
		k++;
	}
	ctx_set_clock(ctx, saved);
	*rounds = k;
	return rc ? fail(ctx, "民主评议", rc) : 0;
}

/* ---- entries by hand ---- */

static int entry(struct ctx *ctx, const char *target, int64_t subject, const char *code, struct date on, int count,
		 const char *evidence, const char *inspector)
{
	json_t *body;
	char d[11];
	int64_t id;
	int rc;
	date_format(on, d);
	body = json_pack("{s:s, s:I, s:s, s:s, s:i}", "target", target, "subject_id", (json_int_t)subject, "indicator", code,
			 "event_on", d, "count", count);
	if (evidence)
		json_object_set_new(body, "evidence", json_string(evidence));
	if (inspector)
		json_object_set_new(body, "inspector", json_string(inspector));
	rc = points_entry_add(ctx, body, &id);
	json_decref(body);
	return rc ? fail(ctx, code, rc) : 0;
}

static const char *const volunteer_notes[] = { "参加社区环境整治志愿服务", "参加敬老院慰问志愿服务",
					      "参加文明交通劝导志愿服务", "参加防汛值守志愿服务" };

/* 志愿服务, 结对帮扶 and a few deductions, spread over the months the set is in force */
static int manual_entries(struct ctx *ctx, const struct who *m, size_t n, int *count)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < n && !rc; i++) {
		int back = (int)(i % (BACK_MONTHS + 1)), day = 3 + (int)(i % 23);
		struct date on = day_of(ctx, back, day);
		if (i % 9 == 4)
			rc = entry(ctx, "member", m[i].id, "m_volunteer", on, 1 + (int)(i % 2),
				   volunteer_notes[i % 4], NULL);
		else if (i % 31 == 7)
			rc = entry(ctx, "member", m[i].id, "m_pairing", on, 1, "与困难户结对帮扶，入户走访并协助申请临时救助",
				   NULL);
		else if (i % 83 == 11)
			rc = entry(ctx, "member", m[i].id, "m_dues_late", on, 1, "连续两个月未按时交纳党费，经提醒后补交",
				   NULL);
		else if (i % 157 == 20)
			rc = entry(ctx, "member", m[i].id, "m_conduct", on, 1, "村民反映其在邻里纠纷中言行失当，支部已谈话提醒",
				   NULL);
		else if (i % 211 == 30)
			rc = entry(ctx, "member", m[i].id, "m_honor_county", on, 1, "获评县级优秀共产党员", NULL);
		else
			continue;
		if (!rc)
			(*count)++;
	}
	return rc;
}

/* Findings of each town admin on a few of the town's branches (the last quarter's check). */
static int findings(struct ctx *ctx, const char *const *logins, size_t nt, int *count)
{
	size_t t, i;
	int rc = 0;
	for (t = 0; t < nt && !rc; t++) {
		struct who *b = NULL;
		size_t nb = 0;
		char inspector[160], hi[PATH_MAX_LEN];
		if ((rc = act_as(ctx, logins[t])))
			break;
		path_range_end(ctx->actor.org_path, hi, sizeof(hi));
		if ((rc = load_who2(ctx,
				    "SELECT id, parent_id FROM orgs WHERE path >= ? AND path < ? AND kind IN ('branch', "
				    "'joint_branch') AND dissolved_on IS NULL ORDER BY path",
				    ctx->actor.org_path, hi, &b, &nb)))
			break;
		{
			struct stmt *st = db_prepare(ctx->db, "SELECT name FROM orgs WHERE id = ?", &ctx->err);
			char town[128] = "";
			if (!st) {
				rc = E_DB;
				free(b);
				break;
			}
			stmt_bind_int(st, 1, ctx->actor.org_id);
			if (stmt_step(st, &ctx->err) == STEP_ROW)
				stmt_text_copy(st, 0, town, sizeof(town));
			stmt_reset(st);
			xsnprintf(inspector, sizeof(inspector), "%s组织委员", town);
		}
		for (i = 0; i < nb && !rc; i++) {
			struct date on = day_of(ctx, 3 + (int)(i % 2), 18);
			if (i % 4 == 0)
				rc = entry(ctx, "branch", b[i].id, "b_records", on, 1, "季度检查：三会一课记录缺少签到表", inspector);
			else if (i % 4 == 2)
				rc = entry(ctx, "branch", b[i].id, "b_info", on, 1, "季度检查：2 名党员的流动信息未及时更新",
					   inspector);
			else if (i % 7 == 3)
				rc = entry(ctx, "branch", b[i].id, "b_highlight", on, 1, "“党建+乡村振兴”特色做法在全县推广",
					   inspector);
			else
				continue;
			if (!rc)
				(*count)++;
		}
		free(b);
	}
	ctx_as_system(ctx);
	return rc;
}

static int claim(struct ctx *ctx, const char *target, int64_t subject, const char *code, struct date on,
		 const char *evidence)
{
	json_t *body;
	char d[11];
	int64_t id;
	int rc;
	date_format(on, d);
	body = json_pack("{s:s, s:I, s:s, s:s, s:i, s:s}", "target", target, "subject_id", (json_int_t)subject, "indicator",
			 code, "event_on", d, "count", 1, "evidence", evidence);
	rc = points_claim_create(ctx, body, &id);
	json_decref(body);
	return rc ? fail(ctx, "申报", rc) : 0;
}

/* Pending 申报: each member account for themselves, and a few secretaries for a member. */
static int claims(struct ctx *ctx, const struct who *m, size_t n, int *count)
{
	static const char *const members[] = { "member1", "member2", "member3" };
	size_t i;
	int rc = 0;
	struct date on = day_of(ctx, 0, ctx->today.d > 3 ? ctx->today.d - 3 : 1);
	for (i = 0; i < 3 && !rc; i++) {
		if ((rc = act_as(ctx, members[i])))
			break;
		if (!ctx->actor.member_id)
			continue;
		rc = claim(ctx, "member", ctx->actor.member_id, i == 1 ? "m_study_notes" : "m_volunteer", on,
			   i == 1 ? "撰写《学习党的创新理论心得》一篇，已在支部学习会上交流" : "周末参加村里的环境整治志愿服务，半天");
		if (!rc)
			(*count)++;
	}
	/* the secretaries of the branches of members 40, 80 and 120 in order, for that member */
	for (i = 40; i < n && i <= 120 && !rc; i += 40) {
		char login[32];
		struct stmt *st = db_prepare(ctx->db, "SELECT username FROM users WHERE role = 'secretary' AND org_id = ?",
					     &ctx->err);
		int found = 0;
		ctx_as_system(ctx);
		if (!st) {
			rc = E_DB;
			break;
		}
		stmt_bind_int(st, 1, m[i].org_id);
		if (stmt_step(st, &ctx->err) == STEP_ROW) {
			stmt_text_copy(st, 0, login, sizeof(login));
			found = 1;
		}
		stmt_reset(st);
		if (!found || (rc = act_as(ctx, login)))
			continue;
		rc = claim(ctx, "member", m[i].id, "m_pairing", on, "结对帮扶村内留守老人，本月上门三次并代办医保续费");
		if (!rc)
			(*count)++;
	}
	ctx_as_system(ctx);
	return rc;
}

/* ---- the whole ---- */

static int sync_months(struct ctx *ctx, int64_t top, int first, int last)
{
	int m, rc;
	for (m = first; m <= last; m++) {
		char period[8];
		int64_t added = 0, reversed = 0;
		json_t *body;
		month_text(m, period);
		body = json_pack("{s:I, s:s}", "org_id", (json_int_t)top, "period", period);
		rc = points_sync(ctx, body, &added, &reversed);
		json_decref(body);
		if (rc)
			return fail(ctx, "points_sync", rc);
	}
	return 0;
}

static int publish(struct ctx *ctx, int64_t town, int this_month)
{
	struct points_period q;
	const char *const targets[] = { "member", "branch" };
	size_t i;
	int rc = 0;
	/* the last whole quarter: it ended before this month and began within BACK_MONTHS */
	points_period_of(PP_QUARTER, this_month, &q);
	points_period_of(PP_QUARTER, q.first - 1, &q);
	for (i = 0; i < 2 && !rc; i++) {
		json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)town, "target", targets[i], "period",
					 q.text, "note", "一季一亮分：按季度公布积分和星级");
		int64_t id;
		rc = points_publish(ctx, body, &id);
		json_decref(body);
	}
	return rc ? fail(ctx, "亮分", rc) : 0;
}

int demo_points(struct ctx *ctx, int *entries)
{
	static const char *const towns[] = { "mengzhuang", "yongan", "gaoqiao" };
	struct who *tops = NULL, *branches = NULL, *members = NULL, *town = NULL;
	size_t ntops = 0, nb = 0, nm = 0, ntown = 0;
	int rc, this_month = points_month_no(ctx->today.y, ctx->today.m), first = this_month - BACK_MONTHS, rounds = 0;
	int manual = 0, found = 0, claimed = 0;

	*entries = 0;
	if ((rc = load_who(ctx, "SELECT id, 0 FROM orgs WHERE parent_id IS NULL ORDER BY id", NULL, &tops, &ntops)) ||
	    (rc = load_who(ctx,
			   "SELECT id, parent_id FROM orgs WHERE kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL "
			   "ORDER BY id",
			   NULL, &branches, &nb)) ||
	    (rc = load_who(ctx,
			   "SELECT m.id, m.org_id FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.state = 'active' "
			   "AND m.category = 'full' AND o.kind IN ('branch', 'joint_branch') ORDER BY m.id",
			   NULL, &members, &nm)) ||
	    (rc = load_who(ctx,
			   "SELECT o.id, 0 FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?", towns[0],
			   &town, &ntown)))
		goto out;
	if (!ntops || !ntown) {
		rc = err_set(&ctx->err, E_INTERNAL, NULL, NULL, "演示数据缺少县委组织部或乡镇党委");
		goto out;
	}
	if ((rc = create_set(ctx, tops[0].id, first)) || (rc = appraisals(ctx, branches, nb, &rounds)) ||
	    (rc = sync_months(ctx, tops[0].id, first, this_month)) ||
	    (rc = manual_entries(ctx, members, nm, &manual)) || (rc = findings(ctx, towns, 3, &found)) ||
	    (rc = claims(ctx, members, nm, &claimed)) || (rc = publish(ctx, town[0].id, this_month)))
		goto out;
	{
		struct stmt *st = db_prepare(ctx->db, "SELECT count(*) FROM point_entries", &ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		if (stmt_step(st, &ctx->err) == STEP_ROW)
			*entries = (int)stmt_int(st, 0);
		stmt_reset(st);
	}
out:
	ctx_as_system(ctx);
	free(tops);
	free(branches);
	free(members);
	free(town);
	return rc;
}
