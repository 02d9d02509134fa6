/*
 * The demo's 督查整改 and 四议两公开 (domain/supervision.c, decision.c), called after the
 * other demo steps. Every town 党委 inspected its first village branches last month
 * (findings closed, awaiting verification, one overdue, one returned) and this month
 * (a 专项督查 with open findings); the first three village branches of each town have a
 * decision done in all six steps, one at the 党员大会审议 and one just proposed. Written
 * through the domain functions so every rule holds; dates back from ctx->today; about
 * 60 rows.
 */
#include "domain/demo.h"
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "domain/decision.h"
#include "domain/supervision.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_TOWNS 8
#define VILLAGES 3

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo supervision: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

static void day(struct ctx *ctx, int back, char out[11])
{
	date_format(date_add_days(ctx->today, -back), out);
}

/* ids of up to max rows of sql (parameters lo, hi when lo) */
static int ids_of(struct ctx *ctx, const char *sql, const char *lo, const char *hi, int64_t *out, char (*paths)[PATH_MAX_LEN],
		  int max, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (lo) {
		stmt_bind_text(st, 1, lo);
		stmt_bind_text(st, 2, hi);
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < max) {
		out[*n] = stmt_int(st, 0);
		if (paths)
			stmt_text_copy(st, 1, paths[*n], PATH_MAX_LEN);
		(*n)++;
	}
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static int64_t finding_version(struct ctx *ctx, int64_t id)
{
	json_t *j = NULL;
	int64_t v = 0;
	if (!supervision_finding_get(ctx, id, &j))
		v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* a move with body {version, key: value} (key NULL: version only) */
static int move(struct ctx *ctx, int64_t id, int (*fn)(struct ctx *, int64_t, json_t *), const char *k1, const char *v1,
		const char *k2, const char *v2)
{
	json_t *b = json_pack("{s:I}", "version", (json_int_t)finding_version(ctx, id));
	int rc;
	if (k1)
		json_object_set_new(b, k1, json_string(v1));
	if (k2)
		json_object_set_new(b, k2, json_string(v2));
	rc = fn(ctx, id, b);
	json_decref(b);
	return rc;
}

static int town_inspections(struct ctx *ctx, int64_t town, const int64_t *villages, int nv, int *rows)
{
	static const struct {
		int inspection;      /* 0: last month's, 1: this month's */
		const char *problem, *category, *severity, *responsible;
		int deadline_after;  /* days after the inspection */
		int fate;            /* 0 open, 1 rectified on time and closed, 2 rectified awaiting, 3 returned */
	} specs[] = {
		{ 0, "“三会一课”会议记录不完整，2 次支委会缺少议题和表决情况", "meetings", "normal", "支部书记", 15, 1 },
		{ 0, "党费收缴台账未按月登记，部分党员欠缴 3 个月", "dues", "serious", "支部组织委员", 20, 2 },
		{ 0, "党员活动室制度上墙内容陈旧，未及时更新", "positions", "minor", "支部宣传委员", 10, 0 },
		{ 0, "流动党员联系台账缺失，2 名外出党员失联", "members", "normal", "支部书记", 25, 3 },
		{ 1, "主题党日活动未结合实际，学习内容单一", "education", "normal", "支部书记", 30, 0 },
		{ 1, "村务公开栏未公开第三季度财务收支", "style", "serious", "村委会主任", 7, 0 },
	};
	char held[2][11], on[11], deadline[11];
	int64_t insp[2] = { 0, 0 }, id;
	size_t i;
	int k, rc = 0;
	for (k = 0; k < 2; k++) {
		json_t *b;
		day(ctx, k == 0 ? 40 : 5, held[k]);
		b = json_pack("{s:I, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)town, "held_on", held[k], "kind",
			      k == 0 ? "monthly" : "special", "title", k == 0 ? "月度基层党建督查" : "村务公开专项督查",
			      "inspectors", k == 0 ? "组织委员 陈明、党建办 周丽" : "纪委委员 孙强、党建办 周丽");
		rc = supervision_inspection_create(ctx, b, &insp[k]);
		json_decref(b);
		if (rc)
			return fail(ctx, "inspection", rc);
		(*rows)++;
	}
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct date d;
		json_t *b;
		date_parse(held[specs[i].inspection], &d);
		date_format(date_add_days(d, specs[i].deadline_after), deadline);
		b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)villages[i % (size_t)nv], "problem",
			      specs[i].problem, "category", specs[i].category, "severity", specs[i].severity, "deadline",
			      deadline, "responsible", specs[i].responsible);
		rc = supervision_finding_add(ctx, insp[specs[i].inspection], b, &id);
		json_decref(b);
		if (rc)
			return fail(ctx, "finding", rc);
		(*rows)++;
		if (!specs[i].fate)
			continue;
		day(ctx, 32, on);
		if ((rc = move(ctx, id, supervision_finding_rectify, "rectification", "已对照问题清单逐项整改，补齐相关台账",
			       "rectified_on", on)))
			return fail(ctx, "rectify", rc);
		if (specs[i].fate == 1) {
			day(ctx, 30, on);
			rc = move(ctx, id, supervision_finding_close, "closed_on", on, NULL, NULL);
		} else if (specs[i].fate == 3) {
			rc = move(ctx, id, supervision_finding_return, "reason", "整改材料不全，缺少与失联党员的联系记录", NULL, NULL);
		}
		if (rc)
			return fail(ctx, "verify", rc);
	}
	return 0;
}

static int step(struct ctx *ctx, int64_t id, const char *code, int back, json_t *extra)
{
	json_t *d = NULL, *b = extra ? extra : json_object();
	char on[11];
	int rc;
	if ((rc = decision_get(ctx, id, &d)))
		goto out;
	day(ctx, back, on);
	json_object_set_new(b, "version", json_integer(json_integer_value(json_object_get(d, "version"))));
	json_object_set_new(b, "step", json_string(code));
	json_object_set_new(b, "held_on", json_string(on));
	rc = decision_record_step(ctx, id, b);
out:
	json_decref(d);
	json_decref(b);
	return rc;
}

static int village_decisions(struct ctx *ctx, int64_t village, int *rows)
{
	static const char *const titles[] = { "村集体鱼塘对外承包", "村道硬化及路灯安装工程", "2026 年度低保评议对象确定" };
	static const char *const contents[] = { "鱼塘 32 亩，公开招标承包 5 年，租金用于村集体经济。",
						"硬化村内道路 2.1 公里，安装太阳能路灯 60 盏，预算 86 万元。",
						"按照户申请、村评议、镇审核程序确定低保对象。" };
	int64_t ids[3];
	int k, rc = 0;
	for (k = 0; k < 3; k++) {
		json_t *b = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)village, "title", titles[k], "content", contents[k]);
		rc = decision_create(ctx, b, &ids[k]);
		json_decref(b);
		if (rc)
			return fail(ctx, "decision", rc);
		(*rows)++;
	}
	/* the first all the way through; the second at the 党员大会; the third just proposed */
	if ((rc = step(ctx, ids[0], "propose", 60, json_pack("{s:i, s:s}", "participants", 5, "note", "支委会研究提出承包方案"))) ||
	    (rc = step(ctx, ids[0], "consult", 55, json_pack("{s:i}", "participants", 9))) ||
	    (rc = step(ctx, ids[0], "review", 50, json_pack("{s:i, s:i, s:i, s:i, s:i}", "participants", 36, "present", 31,
							      "votes_for", 29, "votes_against", 1, "votes_abstain", 1))) ||
	    (rc = step(ctx, ids[0], "resolve", 45, json_pack("{s:i, s:i, s:i, s:i}", "participants", 28, "present", 25,
							       "votes_for", 23, "votes_against", 2))) ||
	    (rc = step(ctx, ids[0], "publish_decision", 44, json_pack("{s:s}", "place", "村务公开栏、村民微信群"))) ||
	    (rc = step(ctx, ids[0], "publish_result", 10, json_pack("{s:s, s:s}", "place", "村务公开栏",
								    "note", "承包合同已签订，首年租金 4.8 万元已入账"))) ||
	    (rc = step(ctx, ids[1], "propose", 20, json_pack("{s:i}", "participants", 5))) ||
	    (rc = step(ctx, ids[1], "consult", 18, json_pack("{s:i}", "participants", 9))) ||
	    (rc = step(ctx, ids[1], "review", 12, json_pack("{s:i, s:i, s:i, s:i}", "participants", 40, "present", 33,
							      "votes_for", 30, "votes_abstain", 3))) ||
	    (rc = step(ctx, ids[2], "propose", 3, json_pack("{s:i}", "participants", 5))))
		return fail(ctx, "decision step", rc);
	*rows += 10;
	return 0;
}

int demo_supervision(struct ctx *ctx, int *rows)
{
	int64_t towns[MAX_TOWNS], villages[VILLAGES];
	char paths[MAX_TOWNS][PATH_MAX_LEN], hi[PATH_MAX_LEN];
	int nt = 0, nv = 0, t, v, rc;
	*rows = 0;
	if ((rc = ids_of(ctx, "SELECT id, path FROM orgs WHERE kind = 'committee' AND dissolved_on IS NULL ORDER BY path", NULL,
			 NULL, towns, paths, MAX_TOWNS, &nt)))
		return fail(ctx, "towns", rc);
	/* one transaction: the domain writes become savepoints inside it (svd_begin) */
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return fail(ctx, "begin", rc);
	for (t = 0; t < nt && !rc; t++) {
		path_range_end(paths[t], hi, sizeof(hi));
		if ((rc = ids_of(ctx,
				 "SELECT id FROM orgs WHERE kind = 'branch' AND unit_kind = 'village' AND dissolved_on IS NULL "
				 "AND path >= ? AND path < ? ORDER BY path",
				 paths[t], hi, villages, NULL, VILLAGES, &nv))) {
			rc = fail(ctx, "villages", rc);
			break;
		}
		if (!nv)
			continue;
		rc = town_inspections(ctx, towns[t], villages, nv, rows);
		for (v = 0; v < nv && !rc; v++)
			rc = village_decisions(ctx, villages[v], rows);
	}
	if (!rc && (rc = db_commit(ctx->db, &ctx->err)))
		return fail(ctx, "commit", rc);
	if (rc)
		db_rollback(ctx->db);
	return rc;
}
