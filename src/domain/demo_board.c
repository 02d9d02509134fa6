/*
 * Demo 党务公开栏 (called by demo.c after the other demo steps): a board for every village
 * branch (名称以“村党支部”结尾), enabled, every section shown, with a notice; the first
 * village branch (张庄村) has the fixed key DEMO_BOARD_KEY so the browser tests and a
 * reader of the README can open /#/board?key=… at once; the others get random keys.
 * The first village branch also gets this year's 主题党日 plan when it has none, so the
 * board's plan is not empty. Plain INSERTs in one transaction (the demo is timed).
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_MAX_VILLAGES 64

static const char *const topics[12] = {
	"重温入党誓词，开展新年走访慰问", "学习贯彻全国两会精神", "植树护绿志愿服务", "清明祭扫革命烈士墓",
	"“五一”劳动模范事迹分享", "七一前夕党员政治生日", "庆祝建党节，评选优秀党员", "防汛救灾党员先锋岗",
	"助力秋收，为民办实事", "国庆主题学习与升旗仪式", "冬季农田水利建设", "年终民主评议党员",
};

static int insert_board(struct ctx *ctx, int64_t org_id, const char *key)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO boards (org_id, enabled, public_key, show_points, show_dues, show_appraisal, "
				     "notice, updated_at) VALUES (?, 1, ?, 1, 1, 1, ?, ?)",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, key);
	stmt_bind_text(st, 3, "本栏目公开支部党务，欢迎党员群众监督。每月主题党日活动时间：每月第一个周五下午。");
	stmt_bind_text(st, 4, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

static int insert_plan(struct ctx *ctx, int64_t org_id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT count(*) FROM meeting_plans WHERE org_id = ? AND year = ?", &ctx->err);
	int64_t n = 0, plan_id = 0;
	int k, step, rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, ctx->today.y);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (n)
		return 0;
	st = db_prepare(ctx->db,
			"INSERT INTO meeting_plans (org_id, year, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, ctx->today.y);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_text(st, 4, ctx->now_iso);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		plan_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	for (k = 0; k < 12; k++) {
		st = db_prepare(ctx->db, "INSERT INTO meeting_plan_items (plan_id, month, topic) VALUES (?, ?, ?)", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, plan_id);
		stmt_bind_int(st, 2, k + 1);
		stmt_bind_text(st, 3, topics[k]);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

int demo_board(struct ctx *ctx, int *rows)
{
	struct stmt *st;
	int64_t ids[DEMO_MAX_VILLAGES];
	int n = 0, i, step, rc;

	*rows = 0;
	st = db_prepare(ctx->db,
			"SELECT id FROM orgs WHERE kind = 'branch' AND name LIKE '%村党支部' AND dissolved_on IS NULL ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (n < DEMO_MAX_VILLAGES)
			ids[n++] = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	for (i = 0; i < n && !rc; i++) {
		char *key = i ? random_token(18) : xstrdup(DEMO_BOARD_KEY);
		rc = insert_board(ctx, ids[i], key);
		free(key);
		if (!rc)
			(*rows)++;
	}
	if (!rc && n)
		rc = insert_plan(ctx, ids[0]);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	if (rc)
		db_rollback(ctx->db);
	return rc;
}
