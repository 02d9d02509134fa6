/*
 * Demo 合理化建议 (called by demo.c after the boards exist): 14 suggestions from members of
 * the first seven 党支部 (by path; members without an account, so member1..3 and the
 * secretaries start with none) and 6 from the public through the first three enabled
 * boards, sent over the last 14 months (some last year, for the yearly statistics).
 * Every third is converted into a 民情诉求, every third closed with a reply, the rest open.
 * Through the domain functions; deterministic.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "domain/suggestion.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MEMBER_BRANCHES 7
#define PER_BRANCH 2
#define BOARDS 3
#define PER_BOARD 2

static const char *const titles[] = {
	"建议在村委会设立党员志愿服务岗",   "建议每季度公开一次党费使用情况",   "建议在农闲时开展实用技术培训",
	"建议为高龄党员上门送学",           "建议整治村东头排水沟",             "建议增设村口路灯",
	"建议组织党员与困难户结对",         "建议在主题党日增加互动交流环节",   "建议完善村务公开栏内容",
	"建议建立党员先锋岗评比",           "建议开展垃圾分类宣传",             "建议修缮村文化活动室",
	"建议推动电商助农",                 "建议定期开展安全用电检查",
};
static const char *const bodies[] = {
	"村里老人多，办事不方便，希望有党员志愿者定点帮办。",
	"群众关心党费的用途，建议在公开栏按季度公布。",
	"农闲时节不少村民想学种养技术，建议联系农技站来村授课。",
	"有几位老党员行动不便，建议支部安排上门送学，把学习资料送到家。",
	"雨季排水沟堵塞，积水影响出行，建议组织党员义务清理。",
	"村口晚上没有照明，行人和车辆都不安全。",
};
static const char *const replies[] = {
	"感谢您的建议，支部已研究采纳，将在下月起实施。",
	"您反映的情况已核实，已安排专人负责，欢迎继续监督。",
	"建议很好，已纳入今年支部工作计划。",
};
static const char *const categories[] = { "infrastructure", "policy", "jobs", "other" };
static const char *const public_names[] = { "王大爷", "", "李女士" };
static const char *const public_phones[] = { "13800001234", "", "" };

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo suggestions: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

/* the n-th suggestion's fate: converted, closed with a reply, or left open */
static int answer(struct ctx *ctx, int64_t id, int n)
{
	json_t *cur = NULL, *body;
	int rc;
	ctx_as_system(ctx);
	if (n % 3 == 2 || (rc = suggestion_get(ctx, id, &cur)))
		return n % 3 == 2 ? 0 : rc;
	if (n % 3 == 0)
		body = json_pack("{s:O, s:s}", "version", json_object_get(cur, "version"), "category",
				 categories[(n / 3) % 4]);
	else
		body = json_pack("{s:O, s:s}", "version", json_object_get(cur, "version"), "reply", replies[(n / 3) % 3]);
	rc = n % 3 == 0 ? suggestion_convert(ctx, id, body) : suggestion_close(ctx, id, body);
	json_decref(body);
	json_decref(cur);
	return rc;
}

/* the members (without an account) of the first branches, in order */
static int load_members(struct ctx *ctx, int64_t *ids, int cap, int *n)
{
	struct stmt *st = db_prepare(
		ctx->db,
		"SELECT m.id, m.org_id FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.kind = 'branch' AND "
		"o.dissolved_on IS NULL AND m.state = 'active' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) "
		"ORDER BY o.path, m.id",
		&ctx->err);
	int64_t last_org = 0;
	int step, branches = 0, in_branch = 0;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < cap) {
		int64_t org = stmt_int(st, 1);
		if (org != last_org) {
			if (branches == MEMBER_BRANCHES)
				continue;
			last_org = org;
			branches++;
			in_branch = 0;
		}
		if (in_branch < PER_BRANCH) {
			ids[(*n)++] = stmt_int(st, 0);
			in_branch++;
		}
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int load_boards(struct ctx *ctx, char keys[BOARDS][65], int *n)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT public_key FROM boards WHERE enabled = 1 ORDER BY org_id", &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < BOARDS)
		stmt_text_copy(st, 0, keys[(*n)++], 65);
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int demo_suggestions(struct ctx *ctx, int *rows)
{
	int64_t members[MEMBER_BRANCHES * PER_BRANCH], id = 0;
	char keys[BOARDS][65];
	time_t now = ctx->now;
	json_t *body, *out = NULL;
	int nmembers = 0, nboards = 0, i, k = 0, rc;

	*rows = 0;
	if ((rc = load_members(ctx, members, MEMBER_BRANCHES * PER_BRANCH, &nmembers)) ||
	    (rc = load_boards(ctx, keys, &nboards)))
		return fail(ctx, "load", rc);
	for (i = 0; i < nmembers + nboards * PER_BOARD; i++, k++) {
		/* sent over the last 14 months: the oldest last year */
		ctx_set_clock(ctx, now - (time_t)(nmembers + nboards * PER_BOARD - i) * 21 * 86400);
		body = json_pack("{s:s, s:s}", "title", titles[i % 14], "body", bodies[i % 6]);
		if (i < nmembers) {
			ctx_as_system(ctx);
			ctx->actor.role = ROLE_MEMBER;
			ctx->actor.member_id = members[i];
			rc = suggestion_submit_mine(ctx, body, &id);
		} else {
			int j = (i - nmembers) % 3;
			if (public_names[j][0])
				json_object_set_new(body, "name", json_string(public_names[j]));
			if (public_phones[j][0])
				json_object_set_new(body, "contact", json_string(public_phones[j]));
			ctx_as_system(ctx);
			rc = suggestion_submit_public(ctx, keys[(i - nmembers) / PER_BOARD], body, &out);
			json_decref(out);
			out = NULL;
			/* the public side gets no id: the newest row is this one */
			if (!rc) {
				struct stmt *st = db_prepare(ctx->db, "SELECT max(id) FROM suggestions", &ctx->err);
				if (!st)
					rc = E_DB;
				else if (stmt_step(st, &ctx->err) == STEP_ROW)
					id = stmt_int(st, 0);
				if (st)
					stmt_reset(st);
			}
		}
		json_decref(body);
		/* answered a week later */
		if (!rc) {
			ctx_set_clock(ctx, ctx->now + 7 * 86400);
			rc = answer(ctx, id, k);
		}
		if (rc) {
			ctx_set_clock(ctx, now);
			ctx_as_system(ctx);
			return fail(ctx, "suggestion", rc);
		}
		(*rows)++;
	}
	ctx_set_clock(ctx, now);
	ctx_as_system(ctx);
	return 0;
}
