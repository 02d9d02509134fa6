/*
 * The demo's 第一书记 and 志愿服务 (called at the end of demo_generate): a first
 * secretary in each of the first six villages (two still to come or finished, so the
 * "在岗" filter has something to leave out; the first two linked to a branch member, so
 * their meeting attendance counts), with a 3+1 team, this year's duties, work
 * days of the last three months and a few funds; and one volunteer team in member1's
 * branch (member1 and up to five branch members) with activities of the past months,
 * so member1's phone page shows hours. Written through the domain functions, so every
 * rule holds; deterministic from ctx->today. About 60 rows.
 */
#include "domain/demo.h"
#include <string.h>
#include <jansson.h>
#include "domain/secretary.h"
#include "domain/volunteer.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define VILLAGES 6
#define TEAM_MAX 6

static const char *const fs_names[VILLAGES] = { "周立新", "吴海涛", "郑雪梅", "冯志强", "陈晓光", "褚建华" };
static const char *const fs_units[VILLAGES] = { "省农业农村厅", "市财政局", "县人民医院", "县委组织部", "市生态环境局",
						"县交通运输局" };
static const char *const fs_levels[VILLAGES] = { "province", "city", "county", "county", "city", "county" };

/* ids of sql's first column (at most max) */
static int ids_of(struct ctx *ctx, const char *sql, const char *param, int64_t *ids, int max, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (param)
		stmt_bind_text(st, 1, param);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < max)
			ids[(*n)++] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static void ymd(struct date d, char out[11])
{
	date_format(d, out);
}

static int one_secretary(struct ctx *ctx, int i, int64_t org, int *rows)
{
	struct date start = date_add_months(ctx->today, i == 4 ? 1 : i == 5 ? -40 : -14 + i);
	struct date end = date_add_days(date_add_months(start, 24), -1);
	char s[11], e[11], month[8], on[11];
	json_t *body;
	int64_t id = 0, fid = 0, member = 0;
	int rc, k;

	ymd(start, s);
	ymd(end, e);
	/* the first two moved their membership to the village: linked, so meetings count their attendance */
	if (i < 2) {
		char org_s[24];
		int n = 0;
		xsnprintf(org_s, sizeof(org_s), "%lld", (long long)org);
		if ((rc = ids_of(ctx, "SELECT id FROM members WHERE org_id = CAST(? AS BIGINT) AND state = 'active' ORDER BY id",
				 org_s, &member, 1, &n)))
			return rc;
		if (!n)
			member = 0;
	}
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}", "org_id", (json_int_t)org,
			 "name", fs_names[i], "level", fs_levels[i], "unit", fs_units[i], "term_start", s, "term_end", e, "team",
			 "name", "刘帮扶", "role", "驻村队员", "name", "杨帮扶", "role", "驻村队员", "name", "何帮扶", "role",
			 "联络员");
	if (member) { /* the name comes with the member record */
		json_object_del(body, "name");
		json_object_set_new(body, "member_id", json_integer(member));
	}
	rc = secretary_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return rc;
	(*rows)++;
	if (i >= 4) /* not yet started or finished long ago: the head record is enough */
		return 0;
	body = json_pack("{s:i, s:[{s:s, s:s, s:s}, {s:s, s:s}, {s:s, s:s, s:s}]}", "year", ctx->today.y, "items", "duty",
			 "organization", "plan", "每月开展一次主题党日，发展一名年轻党员", "result", "已开展主题党日，培养入党积极分子 2 名",
			 "duty", "economy", "plan", "发展村集体经济，引进特色种植项目", "duty", "goal", "plan",
			 "村集体经济收入突破 10 万元", "result", "已完成 6.8 万元");
	rc = secretary_set_duties(ctx, id, body);
	json_decref(body);
	for (k = 1; !rc && k <= 3; k++) {
		struct date m = date_add_months(ctx->today, -k);
		if (date_cmp(m, start) < 0)
			break;
		xsnprintf(month, sizeof(month), "%04d-%02d", m.y, m.m);
		body = json_pack("{s:s, s:i}", "month", month, "days", 16 + (i + k) % 6);
		rc = secretary_set_workdays(ctx, id, body);
		json_decref(body);
		(*rows)++;
	}
	ymd(date_add_days(ctx->today, -20 - 7 * i), on);
	if (!rc) {
		body = json_pack("{s:s, s:I, s:s, s:s}", "title", i % 2 ? "村道硬化工程" : "产业扶持项目", "amount_fen",
				 (json_int_t)(15000000 + 2500000 * i), "funded_on", on, "source", fs_units[i]);
		rc = secretary_add_fund(ctx, id, body, &fid);
		json_decref(body);
		(*rows)++;
	}
	if (!rc) {
		body = json_pack("{s:s, s:I, s:s, s:s}", "title", "村党群服务中心改造", "amount_fen", (json_int_t)(3000000 + 50000 * i),
				 "funded_on", on, "source", "县财政专项");
		rc = secretary_add_fund(ctx, id, body, &fid);
		json_decref(body);
		(*rows)++;
	}
	return rc;
}

static int volunteers(struct ctx *ctx, int *rows)
{
	static const char *const titles[] = { "清理村道垃圾", "敬老院送温暖", "防汛巡查", "义务植树" };
	static const double hours[] = { 2.5, 3.0, 4.5, 2.0 };
	int64_t member1[1], org[1], people[TEAM_MAX];
	json_t *ids, *body;
	char path[16];
	int64_t team = 0, id;
	int n, np, k, rc;

	if ((rc = ids_of(ctx, "SELECT member_id FROM users WHERE username = 'member1' AND member_id IS NOT NULL", NULL, member1,
			 1, &n)) || !n)
		return rc;
	xsnprintf(path, sizeof(path), "%lld", (long long)member1[0]);
	if ((rc = ids_of(ctx, "SELECT org_id FROM members WHERE id = CAST(? AS BIGINT)", path, org, 1, &n)) || !n)
		return rc;
	xsnprintf(path, sizeof(path), "%lld", (long long)org[0]);
	if ((rc = ids_of(ctx, "SELECT id FROM members WHERE org_id = CAST(? AS BIGINT) AND state = 'active' ORDER BY id", path,
			 people, TEAM_MAX, &np)))
		return rc;
	ids = json_array();
	json_array_append_new(ids, json_integer(member1[0]));
	for (k = 0; k < np; k++)
		if (people[k] != member1[0] && json_array_size(ids) < TEAM_MAX)
			json_array_append_new(ids, json_integer(people[k]));
	body = json_pack("{s:I, s:s, s:s, s:O}", "org_id", (json_int_t)org[0], "name", "党员先锋志愿服务队", "leader",
			 "支部书记", "member_ids", ids);
	rc = volunteer_team_create(ctx, body, &team);
	json_decref(body);
	(*rows)++;
	for (k = 0; !rc && k < 4; k++) {
		char on[11];
		json_t *some = json_array();
		size_t j;
		for (j = 0; j < json_array_size(ids); j++)
			if (j == 0 || (j + (size_t)k) % 2)
				json_array_append(some, json_array_get(ids, j));
		ymd(date_add_days(ctx->today, -12 - 25 * k), on);
		body = json_pack("{s:I, s:s, s:s, s:s, s:f, s:o}", "team_id", (json_int_t)team, "held_on", on, "title", titles[k],
				 "place", "本村", "hours", hours[k], "member_ids", some);
		rc = volunteer_activity_create(ctx, body, &id);
		json_decref(body);
		(*rows)++;
	}
	json_decref(ids);
	return rc;
}

int demo_secretaries(struct ctx *ctx, int *rows)
{
	int64_t villages[VILLAGES];
	int n, i, rc;
	*rows = 0;
	if ((rc = ids_of(ctx,
			 "SELECT id FROM orgs WHERE kind = 'branch' AND unit_kind = 'village' AND dissolved_on IS NULL "
			 "ORDER BY path",
			 NULL, villages, VILLAGES, &n)))
		return rc;
	for (i = 0; !rc && i < n; i++)
		rc = one_secretary(ctx, i, villages[i], rows);
	return rc ? rc : volunteers(ctx, rows);
}
