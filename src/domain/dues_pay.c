/*
 * 党费 payments (see dues.h): a regular payment covers months first..last of one member,
 * each at its due (back-payment and advance limited by config), written as one
 * dues_payments row and one dues_months row per month; a voluntary one-off (≥
 * dues.one_off_fen) has no months and is recorded apart. A batch pays one month for many
 * members of a branch in one transaction. Voiding removes the payment and its months.
 * Every write keeps members.dues_paid_to and is audited in its transaction.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/dues_internal.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct named methods[] = {
	{ "cash", "现金" }, { "bank", "银行转账" }, { "wechat", "微信" }, { "alipay", "支付宝" }, { "payroll", "工资代扣" },
};

json_t *dues_payment_json(struct stmt *st)
{
	const char *kind = stmt_text(st, 5) ? stmt_text(st, 5) : "";
	const char *method = stmt_text(st, 10) ? stmt_text(st, 10) : "";
	const char *mn = named_name_of(methods, NAMED_COUNT(methods), method);
	int first = dues_ym_parse(stmt_text(st, 6)), last = dues_ym_parse(stmt_text(st, 7));
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "member_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "member_name", json_str_or_null(stmt_text(st, 2)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 3)));
	json_object_set_new(j, "org_name", json_str_or_null(stmt_text(st, 4)));
	json_object_set_new(j, "kind", json_string(kind));
	json_object_set_new(j, "kind_name", json_string(!strcmp(kind, "one_off") ? "一次性多交" : "按月交纳"));
	json_object_set_new(j, "first_month", json_str_or_null(stmt_text(st, 6)));
	json_object_set_new(j, "last_month", json_str_or_null(stmt_text(st, 7)));
	json_object_set_new(j, "months", json_integer(first >= 0 && last >= first ? last - first + 1 : 0));
	json_object_set_new(j, "amount_fen", json_integer(stmt_int(st, 8)));
	json_object_set_new(j, "paid_on", json_str_or_null(stmt_text(st, 9)));
	json_object_set_new(j, "method", json_string(method));
	json_object_set_new(j, "method_name", json_string(mn ? mn : method));
	json_object_set_new(j, "collector", json_str_or_null(stmt_text(st, 11)));
	json_object_set_new(j, "receipt_no", json_str_or_null(stmt_text(st, 12)));
	json_object_set_new(j, "proxy_name", json_str_or_null(stmt_text(st, 13)));
	json_object_set_new(j, "note", json_str_or_null(stmt_text(st, 14)));
	json_object_set_new(j, "created_at", json_str_or_null(stmt_text(st, 15)));
	return j;
}

/* the fields every payment has */
struct pay_common {
	char paid_on[11], method[16];
	char *collector, *receipt_no, *proxy_name, *note; /* owned */
};

static void common_release(struct pay_common *c)
{
	free(c->collector);
	free(c->receipt_no);
	free(c->proxy_name);
	free(c->note);
	memset(c, 0, sizeof(*c));
}

static int parse_common(struct ctx *ctx, json_t *body, struct pay_common *c)
{
	json_t *v = json_object_get(body, "method");
	int rc;
	memset(c, 0, sizeof(*c));
	if ((rc = dues_date_field(ctx, body, "paid_on", "交纳日期", 1, c->paid_on)))
		return rc;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "method", NULL, "字段 method 必须是字符串");
	if (named_index(methods, NAMED_COUNT(methods), json_string_value(v)) < 0)
		return err_set(&ctx->err, E_INVALID, "method", json_is_string(v) ? "dues.method" : "field.required",
			       "交纳方式须为 cash（现金）、bank（银行转账）、wechat（微信）、alipay（支付宝）或 payroll（工资代扣）");
	strlcpy_z(c->method, json_string_value(v), sizeof(c->method));
	if ((rc = dues_text(ctx, body, "collector", "收款人", 0, &c->collector)) ||
	    (rc = dues_text(ctx, body, "receipt_no", "收据号", 0, &c->receipt_no)) ||
	    (rc = dues_text(ctx, body, "proxy_name", "代缴人", 0, &c->proxy_name)) ||
	    (rc = dues_text(ctx, body, "note", "备注", 0, &c->note)))
		return rc;
	return 0;
}

static int insert_payment(struct ctx *ctx, const struct dues_member *m, const char *kind, int first, int last,
			  int64_t amount, const struct pay_common *c, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_payments (member_id, org_id, org_path, kind, first_month, last_month, "
				     "amount_fen, paid_on, method, collector, receipt_no, proxy_name, note, created_by, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				     &ctx->err);
	char a[8], b[8];
	int step;
	if (!st)
		return E_DB;
	dues_ym_format(first, a);
	dues_ym_format(last, b);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_int(st, 2, m->org_id);
	stmt_bind_text(st, 3, m->org_path);
	stmt_bind_text(st, 4, kind);
	stmt_bind_text(st, 5, first >= 0 ? a : NULL);
	stmt_bind_text(st, 6, last >= 0 ? b : NULL);
	stmt_bind_int(st, 7, amount);
	stmt_bind_text(st, 8, c->paid_on);
	stmt_bind_text(st, 9, c->method);
	stmt_bind_text(st, 10, c->collector);
	stmt_bind_text(st, 11, c->receipt_no);
	stmt_bind_text(st, 12, c->proxy_name);
	stmt_bind_text(st, 13, c->note);
	dues_bind_user(st, 14, ctx);
	stmt_bind_text(st, 15, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static int already_paid(struct ctx *ctx, const struct dues_member *m, int month)
{
	char mo[8];
	dues_ym_format(month, mo);
	return err_set(&ctx->err, E_CONFLICT, "first_month", "dues.already_paid", "%s %s 的党费已经交纳或免交", m->name, mo);
}

/* one dues_months row; a second row of the same member and month is dues.already_paid */
static int insert_month(struct ctx *ctx, const struct dues_member *m, int month, int64_t due, int64_t payment_id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id, top_org_id) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char mo[8];
	int step;
	if (!st)
		return E_DB;
	dues_ym_format(month, mo);
	stmt_bind_int(st, 1, m->id);
	stmt_bind_text(st, 2, mo);
	stmt_bind_text(st, 3, m->org_path);
	stmt_bind_int(st, 7, org_path_top(m->org_path)); /* the partition key */
	stmt_bind_int(st, 4, due);
	stmt_bind_int(st, 5, payment_id ? due : 0);
	if (payment_id)
		stmt_bind_int(st, 6, payment_id);
	else
		stmt_bind_null(st, 6);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT) {
		err_clear(&ctx->err);
		return already_paid(ctx, m, month);
	}
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int dues_insert_exempt_month(struct ctx *ctx, const struct dues_member *m, int month)
{
	return insert_month(ctx, m, month, 0, 0);
}

static int snapshot(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " DUES_PAYMENT_COLS DUES_PAYMENT_FROM "WHERE p.id = ?", &ctx->err);
	int step;
	*out = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*out = dues_payment_json(st);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!*out)
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "交费记录不存在或不在您的管理范围内");
	return 0;
}

/* the window a month must fall in: back-payment and advance limits (409 naming the rule) */
static int check_window(struct ctx *ctx, int first, int last, const char *first_field, const char *last_field)
{
	int cur = dues_current_month(ctx), back = (int)dues_cfg_int(ctx, CFG_DUES_BACK_MONTHS),
	    adv = (int)dues_cfg_int(ctx, CFG_DUES_ADVANCE_MONTHS);
	char lim[8];
	if (first < cur - back) {
		dues_ym_format(cur - back, lim);
		return err_set(&ctx->err, E_CONFLICT, first_field, "dues.back_payment", "补交党费最多补交 %d 个月（最早 %s）",
			       back, lim);
	}
	if (last > cur + adv) {
		dues_ym_format(cur + adv, lim);
		return err_set(&ctx->err, E_CONFLICT, last_field, "dues.advance", "预交党费最多预交 %d 个月（最晚 %s）", adv,
			       lim);
	}
	return 0;
}

static int create_one_off(struct ctx *ctx, json_t *body, const struct dues_member *m, json_t **out)
{
	struct pay_common c;
	json_t *snap = NULL;
	int64_t amount, id = 0, min = dues_cfg_int(ctx, CFG_DUES_ONE_OFF_FEN);
	int rc, present;
	memset(&c, 0, sizeof(c));
	if ((rc = dues_fen_field(ctx, body, "amount_fen", "金额", DUES_AMOUNT_MAX_FEN, &amount, &present)))
		goto out;
	if (!present) {
		rc = err_set(&ctx->err, E_INVALID, "amount_fen", "field.required", "金额不能为空");
		goto out;
	}
	if (amount < min) {
		rc = err_set(&ctx->err, E_INVALID, "amount_fen", "dues.one_off_min",
			     "一次性自愿多交党费须不少于 %" PRId64 ".%02" PRId64 " 元，少于此数请按月交纳", min / 100, min % 100);
		goto out;
	}
	if (json_object_get(body, "first_month") || json_object_get(body, "last_month")) {
		rc = err_set(&ctx->err, E_INVALID, "first_month", "dues.one_off_months", "一次性多交的党费不对应月份");
		goto out;
	}
	if ((rc = parse_common(ctx, body, &c)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = insert_payment(ctx, m, "one_off", -1, -1, amount, &c, &id)) || (rc = snapshot(ctx, id, &snap)) ||
	    (rc = audit_append(ctx, "create", "dues_payment", id, NULL, snap)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		goto out;
	}
	*out = json_pack("{s:I, s:s, s:n, s:n, s:i, s:I}", "id", (json_int_t)id, "kind", "one_off", "first_month",
			 "last_month", "months", 0, "amount_fen", (json_int_t)amount);
out:
	json_decref(snap);
	common_release(&c);
	return rc;
}

int dues_payment_create(struct ctx *ctx, json_t *body, json_t **out)
{
	struct dues_member m;
	struct dues_member_plan mp;
	struct pay_common c;
	json_t *kv, *snap = NULL;
	unsigned char flags[DUES_SPAN_MAX_MONTHS];
	int64_t dues[DUES_SPAN_MAX_MONTHS], sum = 0, amount, id = 0;
	const char *kind;
	int rc, first, last, k, present;
	char a[8], b[8];

	*out = NULL;
	memset(&mp, 0, sizeof(mp));
	memset(&c, 0, sizeof(c));
	if ((rc = dues_require_officer(ctx)))
		return rc;
	kv = json_object_get(body, "kind");
	if (kv && !json_is_null(kv) && !json_is_string(kv))
		return err_set(&ctx->err, E_MALFORMED, "kind", NULL, "字段 kind 必须是字符串");
	kind = json_is_string(kv) ? json_string_value(kv) : "regular";
	if (strcmp(kind, "regular") && strcmp(kind, "one_off"))
		return err_set(&ctx->err, E_INVALID, "kind", "dues.payment_kind", "交费类型须为 regular（按月）或 one_off（一次性多交）");
	if ((rc = dues_body_member(ctx, body, &m)) || (rc = dues_require_enrolled(ctx, &m)))
		return rc;
	if (!strcmp(kind, "one_off"))
		return create_one_off(ctx, body, &m, out);

	if ((rc = dues_month_field(ctx, body, "first_month", "起始月份", 1, &first)) ||
	    (rc = dues_month_field(ctx, body, "last_month", "截止月份", 0, &last)) ||
	    (rc = dues_fen_field(ctx, body, "amount_fen", "金额", DUES_AMOUNT_MAX_FEN, &amount, &present)) ||
	    (rc = parse_common(ctx, body, &c)))
		goto out;
	if (last < 0)
		last = first;
	if (last < first) {
		rc = err_set(&ctx->err, E_INVALID, "last_month", "dues.month_order", "截止月份不能早于起始月份");
		goto out;
	}
	if (last - first + 1 > DUES_SPAN_MAX_MONTHS) {
		rc = err_set(&ctx->err, E_INVALID, "last_month", "dues.span", "一次最多交纳 %d 个月", DUES_SPAN_MAX_MONTHS);
		goto out;
	}
	if ((rc = dues_plan_load(ctx, &m, &mp)))
		goto out;
	if (m.dues_from < 0 || first < m.dues_from) {
		dues_ym_format(m.dues_from, a);
		rc = err_set(&ctx->err, E_CONFLICT, "first_month", "dues.before_start", "%s的党费从 %s 起交纳", m.name,
			     a[0] ? a : "（未定）");
		goto out;
	}
	if ((rc = check_window(ctx, first, last, "first_month", "last_month")) ||
	    (rc = dues_months_rows(ctx, m.id, first, last, flags, NULL, NULL, NULL)))
		goto out;
	for (k = 0; k <= last - first; k++)
		if (flags[k]) {
			rc = already_paid(ctx, &m, first + k);
			goto out;
		}
	for (k = 0; k <= last - first; k++) {
		if (dues_due_of(&mp.plan, first + k, &dues[k]) == DUE_NO_BASE) {
			dues_ym_format(first + k, a);
			rc = err_set(&ctx->err, E_CONFLICT, "first_month", "dues.no_base", "%s %s 的党费基数尚未核定", m.name, a);
			goto out;
		}
		sum += dues[k];
	}
	if (present && amount != sum) {
		rc = err_set(&ctx->err, E_INVALID, "amount_fen", "dues.amount",
			     "金额应为 %" PRId64 ".%02" PRId64 " 元（%d 个月应交之和）", sum / 100, sum % 100, last - first + 1);
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = insert_payment(ctx, &m, "regular", first, last, sum, &c, &id)))
		goto rollback;
	for (k = 0; k <= last - first; k++)
		if ((rc = insert_month(ctx, &m, first + k, dues[k], id)))
			goto rollback;
	if ((rc = dues_refresh_paid_to(ctx, m.id)) || (rc = snapshot(ctx, id, &snap)) ||
	    (rc = audit_append(ctx, "create", "dues_payment", id, NULL, snap)) || (rc = dues_owed_refresh(ctx)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	dues_ym_format(first, a);
	dues_ym_format(last, b);
	*out = json_pack("{s:I, s:s, s:s, s:s, s:i, s:I}", "id", (json_int_t)id, "kind", "regular", "first_month", a,
			 "last_month", b, "months", last - first + 1, "amount_fen", (json_int_t)sum);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(snap);
	common_release(&c);
	dues_plan_release(&mp);
	return rc;
}

/* ---- batch ----------------------------------------------------------------------- */

static json_t *skip(int64_t member_id, const char *rule)
{
	return json_pack("{s:I, s:s}", "member_id", (json_int_t)member_id, "rule", rule);
}

/* pays month for one member if it is due and unpaid; *rule set (and nothing written) otherwise */
static int batch_one(struct ctx *ctx, const struct org *o, int64_t member_id, int month, const struct pay_common *c,
		     const char **rule, int64_t *paid)
{
	struct dues_member m;
	struct dues_member_plan mp;
	unsigned char flag;
	json_t *snap = NULL;
	int64_t due, id = 0;
	int rc, what;
	size_t plen = strlen(o->path);
	*rule = NULL;
	*paid = 0;
	if (dues_load_member(ctx, member_id, &m, DUES_SEE_SCOPE) || strncmp(m.org_path, o->path, plen)) {
		if (ctx->err.code == E_DB)
			return E_DB;
		err_clear(&ctx->err);
		*rule = "member.scope";
		return 0;
	}
	if (strcmp(m.state, "active") && strcmp(m.state, "transferring")) {
		*rule = "dues.member_state";
		return 0;
	}
	if ((rc = dues_plan_load(ctx, &m, &mp)))
		return rc;
	what = dues_due_of(&mp.plan, month, &due);
	dues_plan_release(&mp);
	if (what == DUE_NOT_DUE) {
		*rule = "dues.before_start";
		return 0;
	}
	if ((rc = dues_months_rows(ctx, m.id, month, month, &flag, NULL, NULL, NULL)))
		return rc;
	if (flag) {
		*rule = "dues.already_paid";
		return 0;
	}
	if (what == DUE_NO_BASE) {
		*rule = "dues.no_base";
		return 0;
	}
	if ((rc = insert_payment(ctx, &m, "regular", month, month, due, c, &id)) ||
	    (rc = insert_month(ctx, &m, month, due, id)) || (rc = dues_refresh_paid_to(ctx, m.id)) ||
	    (rc = snapshot(ctx, id, &snap)) || (rc = audit_append(ctx, "create", "dues_payment", id, NULL, snap))) {
		json_decref(snap);
		return rc;
	}
	json_decref(snap);
	*paid = due;
	return 0;
}

int dues_payment_batch(struct ctx *ctx, json_t *body, json_t **out)
{
	struct org o;
	struct pay_common c;
	json_t *ids, *x, *skipped = NULL;
	int64_t org_id, total = 0;
	int rc, month, n = 0;
	size_t k;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((rc = dues_require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "党组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = dues_month_field(ctx, body, "month", "月份", 1, &month)))
		return rc;
	ids = json_object_get(body, "member_ids");
	if (ids && !json_is_array(ids))
		return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "字段 member_ids 必须是数组");
	if (!json_array_size(ids))
		return err_set(&ctx->err, E_INVALID, "member_ids", "field.required", "请选择交费的党员");
	if (json_array_size(ids) > DUES_BATCH_MAX)
		return err_set(&ctx->err, E_INVALID, "member_ids", "dues.batch_size", "一次最多登记 %d 名党员", DUES_BATCH_MAX);
	json_array_foreach(ids, k, x)
		if (!json_is_integer(x))
			return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "member_ids 的每一项必须是党员 id（整数）");
	if ((rc = check_window(ctx, month, month, "month", "month")) || (rc = parse_common(ctx, body, &c)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	skipped = json_array();
	json_array_foreach(ids, k, x) {
		const char *rule;
		int64_t paid;
		if ((rc = batch_one(ctx, &o, json_integer_value(x), month, &c, &rule, &paid))) {
			db_rollback(ctx->db);
			goto out;
		}
		if (rule) {
			json_array_append_new(skipped, skip(json_integer_value(x), rule));
		} else {
			n++;
			total += paid;
		}
	}
	if ((rc = dues_owed_refresh(ctx))) { /* the kept arrears figures (dues_owed.c) in the same transaction */
		db_rollback(ctx->db);
		goto out;
	}
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	*out = json_pack("{s:i, s:I, s:O}", "paid", n, "amount_fen", (json_int_t)total, "skipped", skipped);
out:
	json_decref(skipped);
	common_release(&c);
	return rc;
}

/* ---- void ------------------------------------------------------------------------ */

int dues_payment_void(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	json_t *before = NULL, *after = NULL;
	char *reason = NULL, path[PATH_MAX_LEN] = "";
	int64_t member_id = 0;
	int rc, step, found = 0;

	if ((rc = dues_require_officer(ctx)))
		return rc;
	st = db_prepare(ctx->db, "SELECT member_id, org_path FROM dues_payments WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		member_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, path, sizeof(path));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "交费记录不存在或不在您的管理范围内");
	if ((rc = dues_text(ctx, body, "reason", "作废原因", 1, &reason)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = snapshot(ctx, id, &before)))
		goto rollback;
	st = db_prepare(ctx->db, "DELETE FROM dues_months WHERE payment_id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	if (stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	st = db_prepare(ctx->db, "DELETE FROM dues_payments WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	if (stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	after = json_pack("{s:s, s:s}", "status", "void", "reason", reason);
	if ((rc = dues_refresh_paid_to(ctx, member_id)) || (rc = audit_append(ctx, "void", "dues_payment", id, before, after)) ||
	    (rc = dues_owed_refresh(ctx)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	free(reason);
	return rc;
}
