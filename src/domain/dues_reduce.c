/*
 * 困难党员 reductions (RULES.md §3: reduced or zero after the branch has studied it and a
 * level above approves; see dues.h). A reduction is proposed by the branch (pending) and
 * approved or rejected by an admin whose scope root lies strictly above the member's
 * branch. Approving a reduction to 0 writes the months it covers that have no row yet as
 * exempted dues_months rows (payment_id NULL) and keeps members.dues_paid_to.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/dues_internal.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "减免申请不存在或不在您的管理范围内"

static const char *status_name(const char *s)
{
	return !strcmp(s, "approved") ? "已批准" : !strcmp(s, "rejected") ? "未批准" : "待审批";
}

json_t *dues_reduction_json(struct stmt *st)
{
	const char *status = stmt_text(st, 10) ? stmt_text(st, 10) : "pending";
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "member_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "member_name", json_str_or_null(stmt_text(st, 2)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 3)));
	json_object_set_new(j, "org_name", json_str_or_null(stmt_text(st, 4)));
	json_object_set_new(j, "from_month", json_str_or_null(stmt_text(st, 5)));
	json_object_set_new(j, "to_month", json_str_or_null(stmt_text(st, 6)));
	json_object_set_new(j, "monthly_fen", json_integer(stmt_int(st, 7)));
	json_object_set_new(j, "reason", json_str_or_null(stmt_text(st, 8)));
	json_object_set_new(j, "branch_studied_on", json_str_or_null(stmt_text(st, 9)));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "status_name", json_string(status_name(status)));
	json_object_set_new(j, "decided_by", stmt_is_null(st, 11) ? json_null() : json_integer(stmt_int(st, 11)));
	json_object_set_new(j, "decided_at", json_str_or_null(stmt_text(st, 12)));
	json_object_set_new(j, "decision_note", json_str_or_null(stmt_text(st, 13)));
	json_object_set_new(j, "created_at", json_str_or_null(stmt_text(st, 14)));
	json_object_set_new(j, "version", json_integer(stmt_int(st, 15)));
	return j;
}

/* the reduction as JSON with its branch path, if in the actor's scope */
static int load(struct ctx *ctx, int64_t id, json_t **out, char path[PATH_MAX_LEN])
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " DUES_REDUCTION_COLS DUES_REDUCTION_FROM "WHERE r.id = ?", &ctx->err);
	int step;
	*out = NULL;
	path[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*out = dues_reduction_json(st);
		stmt_text_copy(st, 16, path, PATH_MAX_LEN);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!*out || ctx->actor.role < ROLE_SECRETARY || !ctx_path_in_scope(ctx, path)) {
		json_decref(*out);
		*out = NULL;
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return 0;
}

int dues_reduction_get(struct ctx *ctx, int64_t id, json_t **out)
{
	char path[PATH_MAX_LEN];
	return load(ctx, id, out, path);
}

/*
 * Inside the write transaction: the member row is locked first (PostgreSQL: FOR UPDATE; SQLite:
 * db_begin is BEGIN IMMEDIATE, one writer at a time), so two simultaneous requests for the same
 * member are checked one after the other.
 */
static int lock_member(struct ctx *ctx, int64_t member_id)
{
	struct stmt *st;
	int step;
	if (strcmp(db_backend(ctx->db), "postgres"))
		return 0;
	if (!(st = db_prepare(ctx->db, "SELECT id FROM members WHERE id = ? FOR UPDATE", &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

/* one reduction per month: a pending or approved one covering any of from..to refuses */
static int check_overlap(struct ctx *ctx, const struct dues_member *m, const char *a, const char *b)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT count(*) FROM dues_reductions WHERE member_id = ? AND status IN ('pending', 'approved') "
				     "AND from_month <= ? AND to_month >= ?",
				     &ctx->err);
	int step, overlap = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->id);
	stmt_bind_text(st, 2, b);
	stmt_bind_text(st, 3, a);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		overlap = stmt_int(st, 0) > 0;
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (overlap)
		return err_set(&ctx->err, E_CONFLICT, "from_month", "dues.reduction_overlap", "%s在 %s 至 %s 已有减免申请", m->name,
			       a, b);
	return 0;
}

/*
 * dues.reduction_amount: the reduced amount may not exceed the base-derived due (dues.h, the
 * due rule without reductions) of any covered month: the monthly_fen of the base in force, and
 * 0 for a month before dues_from or without a base (nothing is due there, so only 0 fits).
 */
static int check_amount(struct ctx *ctx, const struct dues_member *m, int from, int to, int64_t fen)
{
	struct dues_member_plan mp;
	const struct dues_base_row *bs;
	int rc, k, worst = -1;
	int64_t limit = 0;
	if (fen == 0)
		return 0;
	if ((rc = dues_plan_load(ctx, m, &mp)))
		return rc;
	for (k = from; k <= to; k++) {
		int64_t due = 0;
		if (mp.plan.dues_from >= 0 && k >= mp.plan.dues_from && (bs = dues_base_at(&mp.plan, k)))
			due = bs->monthly_fen;
		if (worst < 0 || due < limit) {
			limit = due;
			worst = k;
		}
	}
	dues_plan_release(&mp);
	if (fen > limit) {
		char w[8];
		dues_ym_format(worst, w);
		return err_set(&ctx->err, E_INVALID, "monthly_fen", "dues.reduction_amount",
			       "减免后每月金额不能超过应交党费（%s 应交 %" PRId64 ".%02" PRId64 " 元）", w, limit / 100, limit % 100);
	}
	return 0;
}

int dues_reduction_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct dues_member m;
	struct stmt *st;
	json_t *snap = NULL;
	char *reason = NULL, studied[11], a[8], b[8], path[PATH_MAX_LEN];
	int64_t fen;
	int rc, from, to, present, step;

	*id = 0;
	if ((rc = dues_require_officer(ctx)) || (rc = dues_body_member(ctx, body, &m)) || (rc = dues_require_enrolled(ctx, &m)) ||
	    (rc = dues_month_field(ctx, body, "from_month", "起始月份", 1, &from)) ||
	    (rc = dues_month_field(ctx, body, "to_month", "截止月份", 1, &to)) ||
	    (rc = dues_fen_field(ctx, body, "monthly_fen", "减免后每月金额", DUES_BASE_MAX_FEN, &fen, &present)))
		return rc;
	if (!present)
		return err_set(&ctx->err, E_INVALID, "monthly_fen", "field.required", "减免后每月金额不能为空（免交填 0）");
	if (to < from)
		return err_set(&ctx->err, E_INVALID, "to_month", "dues.month_order", "截止月份不能早于起始月份");
	if (to - from + 1 > DUES_SPAN_MAX_MONTHS)
		return err_set(&ctx->err, E_INVALID, "to_month", "dues.span", "一次减免最多 %d 个月", DUES_SPAN_MAX_MONTHS);
	if ((rc = dues_text(ctx, body, "reason", "减免原因", 1, &reason)) ||
	    (rc = dues_date_field(ctx, body, "branch_studied_on", "支部研究日期", 1, studied)))
		goto out;
	dues_ym_format(from, a);
	dues_ym_format(to, b);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = lock_member(ctx, m.id)) || (rc = check_amount(ctx, &m, from, to, fen)) || (rc = check_overlap(ctx, &m, a, b)))
		goto rollback;
	st = db_prepare(ctx->db,
			"INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, "
			"branch_studied_on, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_int(st, 2, m.org_id);
	stmt_bind_text(st, 3, a);
	stmt_bind_text(st, 4, b);
	stmt_bind_int(st, 5, fen);
	stmt_bind_text(st, 6, reason);
	stmt_bind_text(st, 7, studied);
	dues_bind_user(st, 8, ctx);
	stmt_bind_text(st, 9, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = load(ctx, *id, &snap, path)) || (rc = audit_append(ctx, "create", "dues_reduction", *id, NULL, snap)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	json_decref(snap);
	free(reason);
	return rc;
}

/* approval level: an admin whose scope root lies strictly above the branch */
static int check_level(struct ctx *ctx, const char *branch_path)
{
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "dues.approval_level", "党费减免须由上级党组织审批");
	if (!strcmp(ctx->actor.org_path, branch_path))
		return err_set(&ctx->err, E_CONFLICT, NULL, "dues.approval_level", "党费减免须由上级党组织审批，本级不能审批");
	return 0;
}

int dues_reduction_decide(struct ctx *ctx, int64_t id, int approve, json_t *body)
{
	struct dues_member m;
	struct stmt *st;
	json_t *before = NULL, *after = NULL;
	char path[PATH_MAX_LEN], *note = NULL;
	unsigned char flags[DUES_SPAN_MAX_MONTHS];
	int64_t version, fen;
	int rc, from, to, k;

	if ((rc = load(ctx, id, &before, path)))
		return rc;
	if ((rc = check_level(ctx, path)) || (rc = body_int_required(ctx, body, "version", "version", &version)) ||
	    (rc = dues_text(ctx, body, "note", approve ? "审批意见" : "不批准的理由", !approve, &note)))
		goto out;
	if (strcmp(json_string_value(json_object_get(before, "status")), "pending")) {
		rc = err_set(&ctx->err, E_CONFLICT, "status", "dues.reduction_status", "该减免申请已经%s",
			     json_string_value(json_object_get(before, "status_name")));
		goto out;
	}
	if (version != json_integer_value(json_object_get(before, "version"))) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", DUES_STALE_MSG);
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE dues_reductions SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, "
			"version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, approve ? "approved" : "rejected");
	dues_bind_user(st, 2, ctx);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_text(st, 4, note);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, version);
	if (stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", DUES_STALE_MSG);
		goto rollback;
	}
	fen = json_integer_value(json_object_get(before, "monthly_fen"));
	from = dues_ym_parse(json_string_value(json_object_get(before, "from_month")));
	to = dues_ym_parse(json_string_value(json_object_get(before, "to_month")));
	if (approve && fen == 0 && from >= 0 && to >= from && to - from < DUES_SPAN_MAX_MONTHS) {
		/* exempted months are written as months with no payment */
		if ((rc = dues_load_member(ctx, json_integer_value(json_object_get(before, "member_id")), &m, DUES_SEE_SCOPE)) ||
		    (rc = dues_months_rows(ctx, m.id, from, to, flags, NULL, NULL, NULL)))
			goto rollback;
		for (k = 0; k <= to - from; k++)
			if (!flags[k] && (rc = dues_insert_exempt_month(ctx, &m, from + k)))
				goto rollback;
		if ((rc = dues_refresh_paid_to(ctx, m.id)))
			goto rollback;
	}
	if ((rc = load(ctx, id, &after, path)) ||
	    (rc = audit_append(ctx, approve ? "approve" : "reject", "dues_reduction", id, before, after)) ||
	    (rc = dues_owed_refresh(ctx)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	free(note);
	return rc;
}

static json_t *reduction_item(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return dues_reduction_json(st);
}

int dues_reductions_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page, json_t **items,
			 int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" DUES_REDUCTION_FROM,
		"SELECT " DUES_REDUCTION_COLS DUES_REDUCTION_FROM,
		" ORDER BY CASE r.status WHEN 'pending' THEN 0 ELSE 1 END, r.created_at DESC, r.id DESC",
	};
	struct listq q;
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = dues_require_officer(ctx)))
		return rc;
	if (status && status[0] && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
		return err_set(&ctx->err, E_MALFORMED, "status", NULL, "status 须为 pending、approved 或 rejected");
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "o.path", org_id))) {
		listq_filter_text(&q, "r.status = ?", status);
		rc = listq_list(ctx, &q, &sql, page, per_page, reduction_item, NULL, items, total);
	}
	listq_release(&q);
	return rc;
}
