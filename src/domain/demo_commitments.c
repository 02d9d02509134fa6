/*
 * Demo 目标责任书 and 承诺事项 (called by demo.c after the other demo steps): the first six
 * branches of the county each sign an organization letter for the last four years
 * (three items each: past years mostly done, one cancelled; this year one done, one
 * pending and, once January is over, one overdue), and member1 plus three members of
 * the first branch a letter of this year, so the member's phone card has items to
 * complete. Written in one transaction with plain INSERTs of rows that keep the rules of
 * commitment.c (the demo is timed); deterministic, dates from ctx->today. About 30
 * letters and 90 items.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_BRANCHES 6
#define DEMO_MEMBERS 3

static const char *const org_items[][2] = {
	{ "每月开展一次主题党日活动", "duty" },
	{ "为群众办实事 10 件以上", "service" },
	{ "带领群众发展特色产业增收", "development" },
	{ "开展党员冬训和集中学习", "study" },
	{ "落实“三务”公开，接受群众监督", "integrity" },
	{ "完善村规民约，推进移风易俗", "other" },
};

static const char *const member_items[][2] = {
	{ "每月走访联系户不少于 2 次", "service" },
	{ "参加组织生活不缺席，按时交纳党费", "duty" },
	{ "学习并宣讲惠民政策", "study" },
};

static int ids_of(struct ctx *ctx, const char *sql, int64_t *ids, int cap, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < cap)
			ids[(*n)++] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* One letter row; *id set. Dates and texts are valid by construction (the rules of commitment.c). */
static int insert_letter(struct ctx *ctx, const char *type, int64_t holder, int64_t org, int year, const char *title,
			 const char *signer, const char *signed_on, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO commitment_letters (holder_type, holder_key, member_id, org_id, year, title, "
				     "signed_by, signed_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				     &ctx->err);
	char key[32];
	int step;
	if (!st)
		return E_DB;
	xsnprintf(key, sizeof(key), "%c%" PRId64, type[0], holder);
	stmt_bind_text(st, 1, type);
	stmt_bind_text(st, 2, key);
	if (type[0] == 'm')
		stmt_bind_int(st, 3, holder);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, org);
	stmt_bind_int(st, 5, year);
	stmt_bind_text(st, 6, title);
	stmt_bind_text(st, 7, signer);
	stmt_bind_text(st, 8, signed_on);
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* status "pending" | "done" (note = evidence, on = done_on) | "cancelled" (note = reason, on = cancelled_on) */
static int insert_item(struct ctx *ctx, int64_t letter, int seq, const char *const *what, const char *due, int public_,
		       const char *status, const char *note, const char *on)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO commitment_items (letter_id, seq, title, category, due_on, status, public, evidence, "
				     "done_on, cancel_reason, cancelled_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	int done = !strcmp(status, "done"), cancelled = !strcmp(status, "cancelled");
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, letter);
	stmt_bind_int(st, 2, seq);
	stmt_bind_text(st, 3, what[0]);
	stmt_bind_text(st, 4, what[1]);
	stmt_bind_text(st, 5, due);
	stmt_bind_text(st, 6, status);
	stmt_bind_int(st, 7, public_);
	stmt_bind_text(st, 8, done ? note : NULL);
	stmt_bind_text(st, 9, done ? on : NULL);
	stmt_bind_text(st, 10, cancelled ? note : NULL);
	stmt_bind_text(st, 11, cancelled ? on : NULL);
	stmt_bind_text(st, 12, ctx->now_iso);
	stmt_bind_text(st, 13, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

static void day(int y, int m, int d, char out[11])
{
	struct date dt = { y, m, d };
	date_format(dt, out);
}

static int branch_letters(struct ctx *ctx, int64_t org, int b, int *count)
{
	int y0 = ctx->today.y, y, k, rc = 0;
	char signed_on[11], today[11], due[11], done[11], title[64];
	date_format(ctx->today, today);
	for (y = y0 - 3; y <= y0 && !rc; y++) {
		int64_t id = 0;
		struct date s = { y, 1, 10 };
		if (date_cmp(s, ctx->today) > 0)
			s = ctx->today;
		date_format(s, signed_on);
		xsnprintf(title, sizeof(title), "%d年度党建工作目标责任书", y);
		if ((rc = insert_letter(ctx, "org", org, org, y, title, "镇党委书记", signed_on, &id)))
			break;
		*count += 1;
		day(y, 12, 20, done);
		for (k = 0; k < 3 && !rc; k++) {
			const char *const *what = org_items[(b + k + y) % 6];
			/* this year's third item fell due at the end of January */
			if (y == y0 && k == 2 && ctx->today.m > 1)
				day(y, 1, 31, due);
			else
				day(y, 6 + 3 * k, 30, due);
			if (y == y0)
				rc = k == 0 ? insert_item(ctx, id, k + 1, what, due, 1, "done", "本年度第一季度已完成，附活动记录", today)
					    : insert_item(ctx, id, k + 1, what, due, 0, "pending", NULL, NULL);
			else if (k == 2 && !((b + y) % 3))
				rc = insert_item(ctx, id, k + 1, what, due, 0, "cancelled", "上级统一部署调整，本项并入下年度", done);
			else
				rc = insert_item(ctx, id, k + 1, what, due, k == 0, "done",
						 k ? "已完成并通过镇党委验收" : "按计划完成，台账资料齐全", done);
		}
	}
	return rc;
}

static int member_letters(struct ctx *ctx, const int64_t *members, int n, int *count)
{
	int y = ctx->today.y, k, i, rc = 0;
	char signed_on[11], due[11];
	struct date s = { y, 1, 10 };
	if (date_cmp(s, ctx->today) > 0)
		s = ctx->today;
	date_format(s, signed_on);
	day(y, 12, 31, due);
	for (i = 0; i < n && !rc; i++) {
		struct stmt *st = db_prepare(ctx->db, "SELECT org_id FROM members WHERE id = ?", &ctx->err);
		int64_t id = 0, org = 0;
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, members[i]);
		if (stmt_step(st, &ctx->err) == STEP_ROW)
			org = stmt_int(st, 0);
		stmt_reset(st);
		if (!org)
			continue;
		if ((rc = insert_letter(ctx, "member", members[i], org, y, "党员公开承诺书", "支部书记", signed_on, &id)))
			break;
		*count += 1;
		for (k = 0; k < 3 && !rc; k++)
			rc = insert_item(ctx, id, k + 1, member_items[(i + k) % 3], due, k == 0, "pending", NULL, NULL);
	}
	return rc;
}

static int generate(struct ctx *ctx, int *letters)
{
	int64_t branches[DEMO_BRANCHES], members[DEMO_MEMBERS + 1];
	int nb = 0, nm = 0, b, rc;
	*letters = 0;
	if ((rc = ids_of(ctx, "SELECT id FROM orgs WHERE kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL ORDER BY path",
			 branches, DEMO_BRANCHES, &nb)))
		return rc;
	for (b = 0; b < nb; b++)
		if ((rc = branch_letters(ctx, branches[b], b, letters)))
			return rc;
	/* member1 first (the phone card), then members of the first branch without an account */
	if ((rc = ids_of(ctx, "SELECT member_id FROM users WHERE username = 'member1' AND member_id IS NOT NULL", members, 1, &nm)))
		return rc;
	if (nb) {
		struct stmt *st = db_prepare(ctx->db,
					     "SELECT id FROM members WHERE org_id = ? AND state = 'active' AND id NOT IN "
					     "(SELECT member_id FROM users WHERE member_id IS NOT NULL) ORDER BY id LIMIT 3",
					     &ctx->err);
		int step;
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, branches[0]);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
			if (nm < DEMO_MEMBERS + 1)
				members[nm++] = stmt_int(st, 0);
		stmt_reset(st);
		if (step != STEP_DONE)
			return ctx_db_fail(ctx);
	}
	return member_letters(ctx, members, nm, letters);
}

int demo_commitments(struct ctx *ctx, int *letters)
{
	int rc = db_begin(ctx->db, &ctx->err);
	if (rc)
		return rc;
	if ((rc = generate(ctx, letters))) {
		db_rollback(ctx->db);
		return rc;
	}
	return db_commit(ctx->db, &ctx->err); /* rolls back itself on failure */
}
