/*
 * 走访 and 结对帮扶 (issue 6, see mass_request.h). A visit names the members who went,
 * where and whom they saw and what they found; what still has to be done is a follow-up
 * with a due date, closed later with its result. When the findings are a villager's
 * request, the visit makes a 民情诉求 of them: the request and the visit's link are
 * written in one transaction, so a visit never points at a request that is not there
 * and a request is never made twice from one visit.
 */
#include "domain/mass_request.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "domain/points.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PAIRING_NOT_FOUND "结对帮扶记录不存在或不在您的管理范围内"
#define VISIT_NOT_FOUND "走访记录不存在或不在您的管理范围内"
#define PAIRING_STALE "该结对记录已被他人修改，请刷新后重试"
#define VISIT_STALE "该走访记录已被他人修改，请刷新后重试"
#define VISIT_MAX_MEMBERS 20

static const struct named target_kinds[] = { { "household", "农户" }, { "member", "困难党员" } };

static json_t *text_col(struct stmt *st, int col)
{
	return json_str_or_null(stmt_text(st, col));
}

static json_t *id_col(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

static void bind_actor(struct ctx *ctx, struct stmt *st, int idx)
{
	if (ctx->actor.user_id)
		stmt_bind_int(st, idx, ctx->actor.user_id);
	else
		stmt_bind_null(st, idx);
}

/* ---- 结对帮扶 ---------------------------------------------------------------------- */

#define PAIRING_COLS                                                                                        \
	"p.id, p.org_id, o.path, o.name, p.member_id, m.name, p.target_kind, p.household_name, p.household_address, " \
	"p.target_member_id, tm.name, p.start_on, p.end_on, p.note, p.version, p.created_at, p.updated_at"
#define PAIRING_FROM                                                                                          \
	" FROM pairings p JOIN orgs o ON o.id = p.org_id JOIN members m ON m.id = p.member_id LEFT JOIN members tm " \
	"ON tm.id = p.target_member_id "

static json_t *pairing_json(struct ctx *ctx, struct stmt *st, char *path, size_t path_size)
{
	json_t *j = json_object();
	const char *kind = stmt_text(st, 6), *end = stmt_text(st, 12);
	char today[11];
	int household = kind && !strcmp(kind, "household");
	date_format(ctx->today, today);
	if (path)
		stmt_text_copy(st, 2, path, path_size);
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "org_name", text_col(st, 3));
	json_object_set_new(j, "member_id", json_integer(stmt_int(st, 4)));
	json_object_set_new(j, "member_name", text_col(st, 5));
	json_object_set_new(j, "target_kind", text_col(st, 6));
	json_object_set_new(j, "target_kind_name", json_str_or_null(named_name_of(target_kinds, NAMED_COUNT(target_kinds), kind)));
	json_object_set_new(j, "household_name", text_col(st, 7));
	json_object_set_new(j, "household_address", text_col(st, 8));
	json_object_set_new(j, "target_member_id", id_col(st, 9));
	json_object_set_new(j, "target_member_name", text_col(st, 10));
	json_object_set_new(j, "target_name", text_col(st, household ? 7 : 10));
	json_object_set_new(j, "start_on", text_col(st, 11));
	json_object_set_new(j, "end_on", text_col(st, 12));
	json_object_set_new(j, "active", json_boolean(!end || strcmp(end, today) >= 0));
	json_object_set_new(j, "note", text_col(st, 13));
	json_object_set_new(j, "version", json_integer(stmt_int(st, 14)));
	json_object_set_new(j, "created_at", text_col(st, 15));
	json_object_set_new(j, "updated_at", text_col(st, 16));
	return j;
}

static int load_pairing(struct ctx *ctx, int64_t id, json_t **out)
{
	return rq_load_scoped(ctx, "SELECT " PAIRING_COLS PAIRING_FROM "WHERE p.id = ?", id, pairing_json,
			      PAIRING_NOT_FOUND, out);
}

int pairing_get(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = rq_require_officer(ctx);
	*out = NULL;
	return rc ? rc : load_pairing(ctx, id, out);
}

/* the household's name and address, or the 困难党员's id: by kind, the other side left empty */
static int pairing_target(struct ctx *ctx, json_t *body, const char **kind, const char **hname, const char **haddr,
			  int64_t *target)
{
	const char *k;
	json_t *v;
	int rc;
	*hname = *haddr = NULL;
	*target = 0;
	if ((rc = body_str_optional(ctx, body, "target_kind", &k)))
		return rc;
	if (!k || named_index(target_kinds, NAMED_COUNT(target_kinds), k) < 0)
		return err_set(&ctx->err, E_INVALID, "target_kind", "pairing.target_kind",
			       "结对对象须为 household（农户）或 member（困难党员）");
	*kind = target_kinds[named_index(target_kinds, NAMED_COUNT(target_kinds), k)].code;
	if (!strcmp(*kind, "household")) {
		if ((rc = rq_text(ctx, body, "household_name", "户主姓名", NAME_MAX_CHARS, 1, hname)) ||
		    (rc = name_validate(*hname, &ctx->err, "household_name")) ||
		    (rc = rq_text(ctx, body, "household_address", "住址", RQ_LINE_MAX_CHARS, 0, haddr)))
			return rc;
		return 0;
	}
	v = json_object_get(body, "target_member_id");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "target_member_id", "field.required", "结对的困难党员不能为空");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "target_member_id", NULL, "字段 target_member_id 必须是整数");
	*target = json_integer_value(v);
	return rq_member_in_scope(ctx, *target, "target_member_id", NULL, 0);
}

int pairing_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct stmt *st;
	const char *kind = NULL, *hname = NULL, *haddr = NULL, *note = NULL;
	char today[11], start_on[11], end_on[11];
	int64_t org_id, member_id, target;
	int rc;

	*id = 0;
	date_format(ctx->today, today);
	if ((rc = rq_require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "所属组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = body_int_required(ctx, body, "member_id", "帮扶党员", &member_id)) ||
	    (rc = rq_member_in_scope(ctx, member_id, "member_id", NULL, 0)) ||
	    (rc = pairing_target(ctx, body, &kind, &hname, &haddr, &target)) ||
	    (rc = rq_date(ctx, body, "start_on", "结对日期", today, 1, start_on)) ||
	    (rc = rq_date(ctx, body, "end_on", "结束日期", NULL, 1, end_on)) ||
	    (rc = rq_text(ctx, body, "note", "帮扶内容", RQ_TEXT_MAX_CHARS, 0, &note)))
		return rc;
	if (target == member_id)
		return err_set(&ctx->err, E_INVALID, "target_member_id", "pairing.self", "党员不能与自己结对");
	if (end_on[0] && strcmp(end_on, start_on) < 0)
		return err_set(&ctx->err, E_INVALID, "end_on", "request.date_order", "结束日期不能早于结对日期");
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO pairings (org_id, member_id, target_kind, household_name, household_address, "
			"target_member_id, start_on, end_on, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
			"?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, member_id);
	stmt_bind_text(st, 3, kind);
	stmt_bind_text(st, 4, hname);
	stmt_bind_text(st, 5, haddr);
	if (target)
		stmt_bind_int(st, 6, target);
	else
		stmt_bind_null(st, 6);
	stmt_bind_text(st, 7, start_on);
	stmt_bind_text(st, 8, end_on[0] ? end_on : NULL);
	stmt_bind_text(st, 9, note);
	bind_actor(ctx, st, 10);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_text(st, 12, ctx->now_iso);
	if ((rc = ctx_insert_id(ctx, st, id)))
		goto rollback;
	if ((rc = rq_commit_change(ctx, load_pairing, "create", "pairing", *id, NULL)))
		*id = 0;
	return rc;
rollback:
	db_rollback(ctx->db);
	*id = 0;
	return rc;
}

static const struct rq_row pairing_item = { pairing_json };

int pairing_list(struct ctx *ctx, int64_t org_id, const char *q, int active, int page, int per_page, json_t **items,
		 int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" PAIRING_FROM,
		"SELECT " PAIRING_COLS PAIRING_FROM,
		" ORDER BY o.path, m.name, p.id",
	};
	struct listq lq;
	char today[11];
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = rq_require_officer(ctx)))
		return rc;
	listq_init(&lq);
	if (!(rc = listq_subtree(ctx, &lq, "o.path", org_id))) {
		if (active) {
			date_format(ctx->today, today);
			listq_where_text(&lq, "(p.end_on IS NULL OR p.end_on >= ?)", today);
		}
		listq_filter_contains(&lq, "(m.name LIKE ? ESCAPE '\\' OR p.household_name LIKE ? ESCAPE '\\' OR tm.name LIKE ? "
				      "ESCAPE '\\' OR p.household_address LIKE ? ESCAPE '\\')",
				      4, q);
		rc = listq_list(ctx, &lq, &sql, page, per_page, rq_list_row, (void *)&pairing_item, items, total);
	}
	listq_release(&lq);
	return rc;
}

int pairing_end(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	json_t *cur = NULL;
	char today[11], end_on[11];
	const char *start, *end;
	int64_t version;
	int rc;

	date_format(ctx->today, today);
	if ((rc = rq_require_officer(ctx)) || (rc = load_pairing(ctx, id, &cur)) || (rc = rq_version(ctx, body, &version)) ||
	    (rc = rq_date(ctx, body, "end_on", "结束日期", today, 1, end_on)))
		goto out;
	start = json_string_value(json_object_get(cur, "start_on"));
	end = json_string_value(json_object_get(cur, "end_on"));
	if (end && strcmp(end, today) < 0) {
		rc = err_set(&ctx->err, E_CONFLICT, "end_on", "pairing.ended", "该结对已于 %s 结束", end);
		goto out;
	}
	if (start && strcmp(end_on, start) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "end_on", "request.date_order", "结束日期不能早于结对日期（%s）", start);
		goto out;
	}
	if ((rc = rq_stale(ctx, cur, version, PAIRING_STALE)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "UPDATE pairings SET end_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, end_on);
	stmt_bind_text(st, 2, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 2, id, version, PAIRING_STALE)))
		goto rollback;
	rc = rq_commit_change(ctx, load_pairing, "end", "pairing", id, cur);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(cur);
	return rc;
}

/* ---- 走访 --------------------------------------------------------------------------- */

#define VISIT_COLS                                                                                           \
	"v.id, v.org_id, o.path, o.name, v.visited_on, v.place, v.pairing_id, v.findings, v.followup, v.followup_due, " \
	"v.followup_closed_on, v.followup_result, v.request_id, v.version, v.created_at, v.updated_at"
#define VISIT_FROM " FROM visits v JOIN orgs o ON o.id = v.org_id "

static const char *followup_status(struct ctx *ctx, struct stmt *st)
{
	char today[11];
	if (stmt_is_null(st, 8))
		return "none";
	if (!stmt_is_null(st, 10))
		return "closed";
	date_format(ctx->today, today);
	return stmt_text(st, 9) && strcmp(stmt_text(st, 9), today) < 0 ? "overdue" : "open";
}

static json_t *visit_json(struct ctx *ctx, struct stmt *st, char *path, size_t path_size)
{
	static const struct named fs[] = {
		{ "none", "无需跟进" }, { "open", "待跟进" }, { "overdue", "跟进逾期" }, { "closed", "已跟进" },
	};
	json_t *j = json_object();
	const char *f = followup_status(ctx, st);
	if (path)
		stmt_text_copy(st, 2, path, path_size);
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "org_name", text_col(st, 3));
	json_object_set_new(j, "visited_on", text_col(st, 4));
	json_object_set_new(j, "place", text_col(st, 5));
	json_object_set_new(j, "pairing_id", id_col(st, 6));
	json_object_set_new(j, "findings", text_col(st, 7));
	json_object_set_new(j, "followup", text_col(st, 8));
	json_object_set_new(j, "followup_due", text_col(st, 9));
	json_object_set_new(j, "followup_closed_on", text_col(st, 10));
	json_object_set_new(j, "followup_result", text_col(st, 11));
	json_object_set_new(j, "followup_status", json_string(f));
	json_object_set_new(j, "followup_status_name", json_str_or_null(named_name_of(fs, NAMED_COUNT(fs), f)));
	json_object_set_new(j, "overdue", json_boolean(!strcmp(f, "overdue")));
	json_object_set_new(j, "request_id", id_col(st, 12));
	json_object_set_new(j, "version", json_integer(stmt_int(st, 13)));
	json_object_set_new(j, "created_at", text_col(st, 14));
	json_object_set_new(j, "updated_at", text_col(st, 15));
	return j;
}

/* members [{id, name}] and member_names ["…"] of each visit in arr */
static int add_members(struct ctx *ctx, json_t *arr)
{
	struct stmt *st;
	size_t i;
	json_t *v;
	int step = STEP_DONE;
	json_array_foreach(arr, i, v) {
		json_t *ms = json_array(), *names = json_array();
		if (!(st = db_prepare(ctx->db,
				      "SELECT m.id, m.name FROM visit_members vm JOIN members m ON m.id = vm.member_id WHERE "
				      "vm.visit_id = ? ORDER BY m.id",
				      &ctx->err))) {
			json_decref(ms);
			json_decref(names);
			return E_DB;
		}
		stmt_bind_int(st, 1, json_integer_value(json_object_get(v, "id")));
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			json_array_append_new(ms, json_pack("{s:I, s:s}", "id", (json_int_t)stmt_int(st, 0), "name",
							    stmt_text(st, 1) ? stmt_text(st, 1) : ""));
			json_array_append_new(names, json_string(stmt_text(st, 1) ? stmt_text(st, 1) : ""));
		}
		stmt_reset(st);
		json_object_set_new(v, "members", ms);
		json_object_set_new(v, "member_names", names);
		if (step != STEP_DONE)
			return ctx_db_fail(ctx);
	}
	return 0;
}

static int load_visit(struct ctx *ctx, int64_t id, json_t **out)
{
	json_t *one;
	int rc = rq_load_scoped(ctx, "SELECT " VISIT_COLS VISIT_FROM "WHERE v.id = ?", id, visit_json, VISIT_NOT_FOUND,
				out);
	if (rc)
		return rc;
	one = json_pack("[O]", *out);
	rc = add_members(ctx, one);
	json_decref(one);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int visit_get(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = rq_require_officer(ctx);
	*out = NULL;
	return rc ? rc : load_visit(ctx, id, out);
}

static const struct rq_row visit_item = { visit_json };

int visit_list(struct ctx *ctx, const struct visit_filter *f, int page, int per_page, json_t **items, int64_t *total)
{
	/* overdue follow-ups: the longest overdue first; others the newest */
	static const struct listq_sql newest = {
		"SELECT count(*)" VISIT_FROM,
		"SELECT " VISIT_COLS VISIT_FROM,
		" ORDER BY v.visited_on DESC, v.id DESC",
	};
	static const struct listq_sql overdue = {
		"SELECT count(*)" VISIT_FROM,
		"SELECT " VISIT_COLS VISIT_FROM,
		" ORDER BY v.followup_due, v.id",
	};
	const char *fu = f->followup ? f->followup : "";
	struct listq q;
	char today[11];
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = rq_require_officer(ctx)))
		return rc;
	listq_init(&q);
	if ((rc = listq_subtree(ctx, &q, "o.path", f->org_id)))
		goto out;
	date_format(ctx->today, today);
	listq_filter_text(&q, "v.visited_on >= ?", f->from);
	listq_filter_text(&q, "v.visited_on <= ?", f->to);
	if (!strcmp(fu, "open"))
		listq_where(&q, "v.followup IS NOT NULL AND v.followup_closed_on IS NULL");
	else if (!strcmp(fu, "closed"))
		listq_where(&q, "v.followup_closed_on IS NOT NULL");
	else if (!strcmp(fu, "overdue"))
		listq_where_text(&q, "v.followup IS NOT NULL AND v.followup_closed_on IS NULL AND v.followup_due < ?", today);
	listq_filter_int(&q, "EXISTS (SELECT 1 FROM visit_members vm WHERE vm.visit_id = v.id AND vm.member_id = ?)",
			 f->member_id);
	listq_filter_contains(&q, "(v.place LIKE ? ESCAPE '\\' OR v.findings LIKE ? ESCAPE '\\')", 2, f->q);
	if (!(rc = listq_list(ctx, &q, !strcmp(fu, "overdue") ? &overdue : &newest, page, per_page, rq_list_row,
			      (void *)&visit_item, items, total)) &&
	    (rc = add_members(ctx, *items))) {
		json_decref(*items);
		*items = NULL;
	}
out:
	listq_release(&q);
	return rc;
}

/* member_ids: 1..VISIT_MAX_MEMBERS distinct active members in scope */
static int read_member_ids(struct ctx *ctx, json_t *body, int64_t *ids, size_t *n)
{
	json_t *arr = json_object_get(body, "member_ids"), *x;
	size_t i, k;
	int rc;
	*n = 0;
	if (!arr || json_is_null(arr) || (json_is_array(arr) && !json_array_size(arr)))
		return err_set(&ctx->err, E_INVALID, "member_ids", "field.required", "走访党员不能为空");
	if (!json_is_array(arr))
		return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "字段 member_ids 必须是整数数组");
	if (json_array_size(arr) > VISIT_MAX_MEMBERS)
		return err_set(&ctx->err, E_INVALID, "member_ids", "visit.members", "一次走访最多登记 %d 名党员", VISIT_MAX_MEMBERS);
	json_array_foreach(arr, i, x) {
		if (!json_is_integer(x))
			return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "字段 member_ids 必须是整数数组");
		for (k = 0; k < *n; k++)
			if (ids[k] == json_integer_value(x))
				break;
		if (k < *n)
			continue;
		ids[*n] = json_integer_value(x);
		if ((rc = rq_member_in_scope(ctx, ids[*n], "member_ids", NULL, 0)))
			return rc;
		(*n)++;
	}
	return 0;
}

/*
 * The request of a visit: the caller's fields over the visit's (org, date, findings as
 * content, channel 走访), then rq_insert; and the visit's link. Inside the transaction.
 */
static int write_request(struct ctx *ctx, int64_t visit_id, json_t *visit, json_t *req, int64_t *request_id)
{
	json_t *b = json_deep_copy(req);
	struct stmt *st;
	int rc;
	json_object_del(b, "version");
	json_object_set(b, "org_id", json_object_get(visit, "org_id"));
	json_object_set(b, "received_on", json_object_get(visit, "visited_on"));
	if (!json_is_string(json_object_get(b, "content")) || !json_string_value(json_object_get(b, "content"))[0])
		json_object_set(b, "content", json_object_get(visit, "findings"));
	rc = rq_insert(ctx, b, visit_id, request_id);
	if (!rc) {
		json_object_set_new(b, "visit_id", json_integer(visit_id));
		rc = audit_append(ctx, "create", "mass_request", *request_id, NULL, b);
	}
	json_decref(b);
	if (rc)
		return rc;
	if (!(st = db_prepare(ctx->db, "UPDATE visits SET request_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			      &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, *request_id);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, visit_id);
	return stmt_run(st, &ctx->err);
}

static int check_request_fields(struct ctx *ctx, json_t *req)
{
	static const char *const allowed[] = { "version", "category", "content", "requester", "address", "channel", NULL };
	const char *key;
	json_t *v;
	size_t i;
	if (!json_is_object(req))
		return err_set(&ctx->err, E_MALFORMED, "request", NULL, "字段 request 必须是对象");
	json_object_foreach(req, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i])
			return err_set(&ctx->err, E_MALFORMED, "request", NULL, "request 含有未知字段 %s", key);
	}
	return 0;
}

int visit_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct stmt *st;
	json_t *after = NULL, *req, *pj = NULL;
	const char *place, *findings, *followup;
	char today[11], visited_on[11], due[11];
	int64_t org_id, ids[VISIT_MAX_MEMBERS], pairing = 0, request_id = 0;
	size_t n = 0, i;
	int rc, step;

	*id = 0;
	date_format(ctx->today, today);
	req = json_object_get(body, "request");
	if (req && json_is_null(req))
		req = NULL;
	if ((rc = rq_require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "所属组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = rq_date(ctx, body, "visited_on", "走访日期", today, 0, visited_on)) ||
	    (rc = rq_text(ctx, body, "place", "走访对象和地点", RQ_LINE_MAX_CHARS, 1, &place)) ||
	    (rc = read_member_ids(ctx, body, ids, &n)) ||
	    (rc = rq_text(ctx, body, "findings", "走访发现", RQ_TEXT_MAX_CHARS, 1, &findings)) ||
	    (rc = rq_text(ctx, body, "followup", "需跟进事项", RQ_TEXT_MAX_CHARS, 0, &followup)) ||
	    (rc = rq_date(ctx, body, "followup_due", "跟进期限", NULL, 1, due)) || (req && (rc = check_request_fields(ctx, req))))
		goto out;
	if (followup && !due[0]) {
		rc = err_set(&ctx->err, E_INVALID, "followup_due", "field.required", "有需跟进事项时须填写跟进期限");
		goto out;
	}
	if (!followup && due[0]) {
		rc = err_set(&ctx->err, E_INVALID, "followup", "field.required", "填写了跟进期限时须写明需跟进事项");
		goto out;
	}
	if (due[0] && strcmp(due, visited_on) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "followup_due", "request.date_order", "跟进期限不能早于走访日期");
		goto out;
	}
	if (json_object_get(body, "pairing_id") && !json_is_null(json_object_get(body, "pairing_id"))) {
		if (!json_is_integer(json_object_get(body, "pairing_id"))) {
			rc = err_set(&ctx->err, E_MALFORMED, "pairing_id", NULL, "字段 pairing_id 必须是整数");
			goto out;
		}
		pairing = json_integer_value(json_object_get(body, "pairing_id"));
		if ((rc = load_pairing(ctx, pairing, &pj))) {
			rc = err_set(&ctx->err, E_INVALID, "pairing_id", "pairing.scope", PAIRING_NOT_FOUND);
			goto out;
		}
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO visits (org_id, visited_on, place, pairing_id, findings, followup, followup_due, "
			"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, visited_on);
	stmt_bind_text(st, 3, place);
	if (pairing)
		stmt_bind_int(st, 4, pairing);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, findings);
	stmt_bind_text(st, 6, followup);
	stmt_bind_text(st, 7, due[0] ? due : NULL);
	bind_actor(ctx, st, 8);
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	for (i = 0; i < n; i++) {
		if (!(st = db_prepare(ctx->db, "INSERT INTO visit_members (visit_id, member_id) VALUES (?, ?)", &ctx->err))) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 1, *id);
		stmt_bind_int(st, 2, ids[i]);
		if ((rc = stmt_run(st, &ctx->err)))
			goto rollback;
	}
	if ((rc = load_visit(ctx, *id, &after)))
		goto rollback;
	if (req) {
		if ((rc = write_request(ctx, *id, after, req, &request_id)))
			goto rollback;
		json_decref(after);
		after = NULL;
		if ((rc = load_visit(ctx, *id, &after)))
			goto rollback;
	}
	/* each member who went earns their 走访 points (points_sync.c), in this transaction */
	if ((rc = points_sync_visit(ctx, *id)) || (rc = audit_append(ctx, "create", "visit", *id, NULL, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	json_decref(pj);
	json_decref(after);
	return rc;
}

/* load + version for the visit writes below */
static int visit_begin(struct ctx *ctx, int64_t id, json_t *body, json_t **cur, int64_t *version)
{
	int rc;
	*cur = NULL;
	if ((rc = rq_require_officer(ctx)) || (rc = load_visit(ctx, id, cur)) || (rc = rq_version(ctx, body, version)))
		return rc;
	return 0;
}

int visit_close_followup(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	json_t *cur = NULL;
	const char *result, *visited;
	char today[11], closed_on[11];
	int64_t version;
	int rc;

	date_format(ctx->today, today);
	if ((rc = visit_begin(ctx, id, body, &cur, &version)))
		goto out;
	if (json_is_null(json_object_get(cur, "followup")) || !json_is_null(json_object_get(cur, "followup_closed_on"))) {
		rc = err_set(&ctx->err, E_CONFLICT, "followup", "visit.followup",
			     json_is_null(json_object_get(cur, "followup")) ? "该走访没有需跟进事项" : "该走访的跟进事项已经办结");
		goto out;
	}
	if ((rc = rq_text(ctx, body, "result", "跟进结果", RQ_TEXT_MAX_CHARS, 1, &result)) ||
	    (rc = rq_date(ctx, body, "closed_on", "办结日期", today, 0, closed_on)))
		goto out;
	visited = json_string_value(json_object_get(cur, "visited_on"));
	if (visited && strcmp(closed_on, visited) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "closed_on", "request.date_order", "办结日期不能早于走访日期（%s）", visited);
		goto out;
	}
	if ((rc = rq_stale(ctx, cur, version, VISIT_STALE)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE visits SET followup_closed_on = ?, followup_result = ?, updated_at = ?, version = version + 1 "
			"WHERE id = ? AND version = ? AND followup_closed_on IS NULL",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, closed_on);
	stmt_bind_text(st, 2, result);
	stmt_bind_text(st, 3, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 3, id, version, VISIT_STALE)))
		goto rollback;
	rc = rq_commit_change(ctx, load_visit, "close_followup", "visit", id, cur);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(cur);
	return rc;
}

int visit_make_request(struct ctx *ctx, int64_t id, json_t *body, int64_t *request_id)
{
	struct stmt *st;
	json_t *cur = NULL, *after = NULL;
	int64_t version;
	int rc;

	*request_id = 0;
	if ((rc = visit_begin(ctx, id, body, &cur, &version)))
		goto out;
	if (!json_is_null(json_object_get(cur, "request_id"))) {
		rc = err_set(&ctx->err, E_CONFLICT, "request_id", "visit.request_exists", "该走访已生成诉求（编号 %" PRId64 "）",
			     (int64_t)json_integer_value(json_object_get(cur, "request_id")));
		goto out;
	}
	if ((rc = rq_stale(ctx, cur, version, VISIT_STALE)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* the visit's row first, guarded by its version: two clicks make one request */
	st = db_prepare(ctx->db, "UPDATE visits SET updated_at = ? WHERE id = ? AND version = ? AND request_id IS NULL",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 1, id, version, VISIT_STALE)))
		goto rollback;
	if ((rc = write_request(ctx, id, cur, body, request_id)) || (rc = load_visit(ctx, id, &after)) ||
	    (rc = audit_append(ctx, "make_request", "visit", id, cur, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*request_id = 0;
out:
	json_decref(cur);
	json_decref(after);
	return rc;
}
