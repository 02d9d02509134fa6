/*
 * Demo projects (called by demo.c after the other demo steps): in each town five of its
 * branches file a 党建项目 led by the town 党委, left at different stages so every screen
 * has something: one pending 申报, one returned with its reason, one 备案, one in 实施
 * with a returned and a re-approved quarter, and one through 激励 with its scores. All
 * through the domain functions as the system account (which may act for both sides).
 * Deterministic: branches by path, dates from ctx->today.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "domain/project.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PER_TOWN 5
#define MAX_TOWNS 8

struct branch_pick {
	int64_t id, secretary;
};

static const char *const names[PER_TOWN] = { "“红色代办”便民服务", "党员中心户联系群众", "村级集体经济增收",
					     "“党建+网格”基层治理", "书记领衔乡村振兴示范片" };
static const char *const type_of[PER_TOWN] = { "innovation", "innovation", "demonstration", "promotion", "demonstration" };

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo projects: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

static int pick_ids(struct ctx *ctx, const char *sql, int64_t parent, int64_t *a, int64_t *b, int max, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (parent)
		stmt_bind_int(st, 1, parent);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < max) {
		a[*n] = stmt_int(st, 0);
		if (b)
			b[*n] = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
		(*n)++;
	}
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

/* one step with the project's current version; extra is consumed */
static int step_to(struct ctx *ctx, int64_t id, const char *what, json_t *extra)
{
	json_t *p = NULL, *body;
	int rc;
	if ((rc = project_get(ctx, id, &p))) {
		json_decref(extra);
		return fail(ctx, "get", rc);
	}
	body = extra ? extra : json_object();
	json_object_set(body, "version", json_object_get(p, "version"));
	json_decref(p);
	if (!strcmp(what, "return"))
		rc = project_return(ctx, id, body);
	else if (!strcmp(what, "review"))
		rc = project_review(ctx, id, body);
	else {
		json_object_set_new(body, "stage", json_string(what));
		rc = project_advance(ctx, id, body);
	}
	json_decref(body);
	return rc ? fail(ctx, what, rc) : 0;
}

/* the stages of the i-th project of a town */
static int play(struct ctx *ctx, int64_t id, int i)
{
	int y = ctx->today.y, q = (ctx->today.m + 2) / 3, rc = 0;
	if (i == 1)
		return step_to(ctx, id, "return", json_pack("{s:s}", "reason", "预期目标不够具体，请补充可量化指标后重新申报"));
	if (i == 0)
		return 0;
	if ((rc = step_to(ctx, id, "file", json_pack("{s:s}", "note", "材料齐全，同意备案"))) || i == 2)
		return rc;
	if ((rc = step_to(ctx, id, "implement", json_pack("{s:s}", "note", "召开启动会，明确分工"))))
		return rc;
	if (i == 3) {
		if ((rc = step_to(ctx, id, "review", json_pack("{s:i, s:i, s:s, s:s}", "year", y, "quarter", q, "result",
							       "returned", "reason", "台账资料不完整，进度滞后"))))
			return rc;
		return step_to(ctx, id, "review", json_pack("{s:i, s:i, s:s, s:s}", "year", y, "quarter", q, "result",
							    "approved", "note", "已补齐台账，按计划推进"));
	}
	if ((rc = step_to(ctx, id, "review", json_pack("{s:i, s:i, s:s}", "year", y, "quarter", q, "result", "approved"))) ||
	    (rc = step_to(ctx, id, "conclude", json_pack("{s:s}", "note", "项目按期完成，群众反映良好"))) ||
	    (rc = step_to(ctx, id, "accept", json_pack("{s:s, s:i, s:i}", "onsite", "现场查看示范点 3 处，台账齐全",
						      "expert_score", 92, "satisfaction", 95))) ||
	    (rc = step_to(ctx, id, "evaluate", json_pack("{s:i, s:i, s:i, s:i}", "goal_rate", 95, "mass_rate", 93,
							"benefit", 88, "promotion", 90))))
		return rc;
	return step_to(ctx, id, "reward", json_pack("{s:s, s:i}", "reward", "评为全县优秀党建项目，通报表扬", "reward_fen", 1000000));
}

/* member1's branch gets a 书记领衔 project under way (if the loop above gave it none), so the
 * member's phone page (#/me/projects) has a project and its ledger to show */
static int member_branch_project(struct ctx *ctx, int *projects)
{
	int64_t branch[1], parent[1], sec[1], has[1], id = 0;
	json_t *body;
	int n = 0, rc;
	if ((rc = pick_ids(ctx, "SELECT o.id, o.parent_id FROM users u JOIN members m ON m.id = u.member_id JOIN orgs o ON "
				"o.id = m.org_id WHERE u.username = 'member1' AND o.kind = 'branch' AND o.parent_id IS NOT NULL",
			   0, branch, parent, 1, &n)) || !n)
		return rc ? fail(ctx, "member1 branch", rc) : 0;
	if ((rc = pick_ids(ctx, "SELECT count(*) FROM projects WHERE org_id = ?", branch[0], has, NULL, 1, &n)) || (n && has[0]))
		return rc ? fail(ctx, "member1 projects", rc) : 0;
	if ((rc = pick_ids(ctx,
			   "SELECT COALESCE(o.secretary_member_id, (SELECT min(m.id) FROM members m WHERE m.org_id = o.id AND "
			   "m.state = 'active')) FROM orgs o WHERE o.id = ?",
			   branch[0], sec, NULL, 1, &n)) || !n || !sec[0])
		return rc ? fail(ctx, "member1 secretary", rc) : 0;
	body = json_pack("{s:I, s:I, s:I, s:s, s:b, s:s, s:i, s:s, s:s}", "org_id", (json_int_t)branch[0], "lead_org_id",
			 (json_int_t)parent[0], "secretary_member_id", (json_int_t)sec[0], "type", "demonstration", "leader_led", 1,
			 "name", "书记领衔“红色网格”民生服务", "year", ctx->today.y, "summary", "书记牵头，党员包片联户，办好群众身边小事",
			 "goal", "年内解决群众急难愁盼问题 30 件以上");
	rc = project_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return fail(ctx, "create", rc);
	if ((rc = step_to(ctx, id, "file", json_pack("{s:s}", "note", "材料齐全，同意备案"))) ||
	    (rc = step_to(ctx, id, "implement", json_pack("{s:s}", "note", "召开启动会，明确分工"))))
		return rc;
	(*projects)++;
	return 0;
}

int demo_projects(struct ctx *ctx, int *projects)
{
	int64_t towns[MAX_TOWNS], branches[PER_TOWN], secs[PER_TOWN];
	int nt = 0, nb = 0, t, i, rc;
	*projects = 0;
	if ((rc = pick_ids(ctx, "SELECT id FROM orgs WHERE kind = 'committee' AND dissolved_on IS NULL ORDER BY path", 0,
			   towns, NULL, MAX_TOWNS, &nt)))
		return fail(ctx, "towns", rc);
	for (t = 0; t < nt; t++) {
		if ((rc = pick_ids(ctx,
				   "SELECT o.id, COALESCE(o.secretary_member_id, (SELECT min(m.id) FROM members m WHERE "
				   "m.org_id = o.id AND m.state = 'active')) FROM orgs o WHERE o.parent_id = ? AND o.kind "
				   "= 'branch' AND o.dissolved_on IS NULL ORDER BY o.path",
				   towns[t], branches, secs, PER_TOWN, &nb)))
			return fail(ctx, "branches", rc);
		for (i = 0; i < nb; i++) {
			json_t *body;
			int64_t id = 0;
			if (!secs[i])
				continue;
			body = json_pack("{s:I, s:I, s:I, s:s, s:b, s:s, s:i, s:s, s:s}", "org_id", (json_int_t)branches[i],
					 "lead_org_id", (json_int_t)towns[t], "secretary_member_id", (json_int_t)secs[i],
					 "type", type_of[i], "leader_led", i == 4, "name", names[i], "year", ctx->today.y,
					 "summary", "围绕服务群众、推动发展，以项目化方式抓落实", "goal",
					 "年内完成既定任务，群众满意率不低于 90%");
			rc = project_create(ctx, body, &id);
			json_decref(body);
			if (rc)
				return fail(ctx, "create", rc);
			if ((rc = play(ctx, id, i)))
				return rc;
			(*projects)++;
		}
	}
	return member_branch_project(ctx, projects);
}
