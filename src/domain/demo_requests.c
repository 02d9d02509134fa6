/*
 * Demo 民情诉求 and 走访 (called by demo.c after the other demo steps): in the first six
 * 党支部 (by path) four requests each at every step of the way — some received, some
 * assigned and past due (the overdue list has something), handled, replied, rated with
 * every satisfaction — a household pairing per branch and one 困难党员 pairing, and two
 * visits per branch, one with a follow-up (overdue in the first branch) and one that
 * made a request. Through the domain functions, dates back from ctx->today;
 * deterministic. About 70 rows.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "domain/mass_request.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BRANCHES 6
#define PER_BRANCH 4

static const char *const requesters[] = { "张秀兰", "李德福", "王桂英", "刘长顺", "陈玉梅", "赵铁柱", "孙春花", "周大海" };
static const char *const categories[] = { "infrastructure", "jobs", "medical", "education", "dispute", "policy", "other" };
static const char *const channels[] = { "visit", "talk", "roundtable", "survey", "call", "other" };
static const char *const contents[] = {
	"村东头道路坑洼，雨天积水出行不便", "希望村里组织农闲时节的技能培训，帮助外出务工", "家中老人慢性病，希望了解医保报销政策",
	"孩子上学路途远，希望解决接送问题",   "与邻居因宅基地边界有争议，请求调解",         "想了解今年种粮补贴的发放标准",
	"村里健身器材损坏，希望维修",
};
static const char *const ratings[] = { "satisfied", "satisfied", "basic", "dissatisfied" };

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo requests: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

/* today - back days, as text */
static void day_text(struct ctx *ctx, int back, char out[11])
{
	if (back < 0)
		back = 0;
	date_format(date_add_days(ctx->today, -back), out);
}

struct branch {
	int64_t id, members[3];
	int nmembers;
};

static int load_branches(struct ctx *ctx, struct branch *b, int *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT o.id FROM orgs o WHERE o.kind = 'branch' AND o.dissolved_on IS NULL AND "
				     "(SELECT count(*) FROM members m WHERE m.org_id = o.id AND m.state = 'active') >= 3 "
				     "ORDER BY o.path LIMIT 6",
				     &ctx->err);
	int step, i;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && *n < BRANCHES)
		b[(*n)++].id = stmt_int(st, 0);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	for (i = 0; i < *n; i++) {
		if (!(st = db_prepare(ctx->db, "SELECT id FROM members WHERE org_id = ? AND state = 'active' ORDER BY id LIMIT 3",
				      &ctx->err)))
			return E_DB;
		stmt_bind_int(st, 1, b[i].id);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW && b[i].nmembers < 3)
			b[i].members[b[i].nmembers++] = stmt_int(st, 0);
		stmt_reset(st);
		if (step < 0)
			return ctx_db_fail(ctx);
	}
	return 0;
}

/* one step with the request's current version; body is consumed */
static int advance(struct ctx *ctx, int (*fn)(struct ctx *, int64_t, json_t *), int64_t id, json_t *body)
{
	json_t *cur = NULL;
	int rc = rq_get(ctx, id, &cur);
	if (!rc) {
		json_object_set(body, "version", json_object_get(cur, "version"));
		rc = fn(ctx, id, body);
	}
	json_decref(cur);
	json_decref(body);
	return rc;
}

static int one_request(struct ctx *ctx, const struct branch *b, int k, int *count)
{
	char received[11], assigned[11], due[11], handled[11], replied[11];
	int back = 6 + ((k * 11) % 50), level = k % 5, rc;
	int64_t id = 0;
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b->id, "channel",
				 channels[k % 6], "received_on", "", "requester", requesters[k % 8], "address", "本村",
				 "content", contents[k % 7], "category", categories[k % 7]);
	day_text(ctx, back, received);
	json_object_set_new(body, "received_on", json_string(received));
	rc = rq_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return fail(ctx, "request", rc);
	(*count)++;
	day_text(ctx, back - 1, assigned);
	day_text(ctx, back - 10, due); /* ten days to handle: the older unfinished ones are overdue */
	if (back < 10)
		date_format(date_add_days(ctx->today, 10 - back), due);
	day_text(ctx, back - 4, handled);
	day_text(ctx, back - 5, replied);
	if (level >= 1 && (rc = advance(ctx, rq_assign, id,
					json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)b->members[k % b->nmembers],
						  "assigned_on", assigned, "due_on", due))))
		return fail(ctx, "assign", rc);
	if (level >= 2 && (rc = advance(ctx, rq_handle, id,
					json_pack("{s:s, s:s, s:b}", "handling", "已实地查看并协调有关部门办理", "handled_on",
						  handled, "rectified", k % 7 != 5))))
		return fail(ctx, "handle", rc);
	if (level >= 3 && (rc = advance(ctx, rq_reply, id,
					json_pack("{s:s, s:s}", "reply", "已上门答复办理结果", "replied_on", replied))))
		return fail(ctx, "reply", rc);
	if (level >= 4 && (rc = advance(ctx, rq_rate, id,
					json_pack("{s:s, s:s}", "satisfaction", ratings[k % 4], "rated_on", replied))))
		return fail(ctx, "rate", rc);
	return 0;
}

static int branch_visits(struct ctx *ctx, const struct branch *b, int i, int *count)
{
	char on[11], due[11];
	int64_t id = 0, pid = 0;
	json_t *body;
	int rc;

	day_text(ctx, 90 + 30 * i, on); /* pairings run for months before the visits */
	body = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b->id, "member_id",
			 (json_int_t)b->members[0], "target_kind", "household", "household_name", requesters[(i + 3) % 8],
			 "household_address", "本村", "note", "帮助发展庭院经济，每月走访一次", "start_on", on);
	rc = pairing_create(ctx, body, &pid);
	json_decref(body);
	if (rc)
		return fail(ctx, "pairing", rc);
	(*count)++;
	if (i == 0) {
		body = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s}", "org_id", (json_int_t)b->id, "member_id",
				 (json_int_t)b->members[1], "target_kind", "member", "target_member_id", (json_int_t)b->members[2],
				 "note", "帮扶困难党员", "start_on", on);
		rc = pairing_create(ctx, body, &id);
		json_decref(body);
		if (rc)
			return fail(ctx, "pairing member", rc);
		(*count)++;
	}
	day_text(ctx, 12 + i, on);
	/* the first branch's follow-up is past due; the others still run */
	if (i == 0)
		day_text(ctx, 3, due);
	else
		date_format(date_add_days(ctx->today, 5 + i), due);
	body = json_pack("{s:I, s:s, s:s, s:[I, I], s:s, s:I, s:s, s:s}", "org_id", (json_int_t)b->id, "visited_on", on,
			 "place", requesters[(i + 3) % 8], "member_ids", (json_int_t)b->members[0], (json_int_t)b->members[1],
			 "findings", "家中劳动力不足，秋收需要帮忙", "pairing_id", (json_int_t)pid, "followup",
			 "组织党员志愿者帮助秋收", "followup_due", due);
	rc = visit_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return fail(ctx, "visit", rc);
	day_text(ctx, 8 + i, on);
	body = json_pack("{s:I, s:s, s:s, s:[I], s:s, s:{s:s, s:s}}", "org_id", (json_int_t)b->id, "visited_on", on, "place",
			 "村委会门前", "member_ids", (json_int_t)b->members[2], "findings", "群众反映路灯不亮，夜间出行不安全",
			 "request", "requester", requesters[(i + 5) % 8], "category", "infrastructure");
	rc = visit_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return fail(ctx, "visit with request", rc);
	*count += 3;
	return 0;
}

int demo_requests(struct ctx *ctx, int *rows)
{
	struct branch b[BRANCHES];
	int n = 0, i, j, rc;
	*rows = 0;
	memset(b, 0, sizeof(b));
	if ((rc = load_branches(ctx, b, &n)))
		return fail(ctx, "branches", rc);
	for (i = 0; i < n; i++) {
		for (j = 0; j < PER_BRANCH; j++)
			if ((rc = one_request(ctx, &b[i], i * PER_BRANCH + j, rows)))
				return rc;
		if ((rc = branch_visits(ctx, &b[i], i, rows)))
			return rc;
	}
	return 0;
}
