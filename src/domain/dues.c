/*
 * 党费 (see dues.h): loading a member with their bases and approved reductions, the
 * member's year, bases, the rate lookup and arrears. Payments are in dues_pay.c,
 * reductions in dues_reduce.c. Every read is limited by the member's org path against the
 * actor's subtree, the same check as everywhere else.
 */
#include "domain/dues.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/dues_internal.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- shared helpers (dues_internal.h) --------------------------------------------- */

const struct config *dues_cfg(const struct ctx *ctx)
{
	return ctx->cfg; /* NULL: dues_monthly_fen and config readers below use the defaults */
}

long long dues_cfg_int(const struct ctx *ctx, enum config_key k)
{
	struct config d;
	if (ctx->cfg)
		return config_int(ctx->cfg, k);
	config_defaults(&d);
	return config_int(&d, k);
}

int dues_current_month(const struct ctx *ctx)
{
	return dues_ym_of(ctx->today);
}

int dues_require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "dues.role", "只有支部书记或管理员可以管理党费");
	return 0;
}

void dues_bind_user(struct stmt *st, int idx, const struct ctx *ctx)
{
	if (ctx->actor.user_id)
		stmt_bind_int(st, idx, ctx->actor.user_id);
	else
		stmt_bind_null(st, idx);
}

int dues_load_member(struct ctx *ctx, int64_t id, struct dues_member *m, int mode)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT m.id, m.org_id, m.name, o.name, m.org_path, m.state, m.person_type, "
				     "COALESCE(m.dues_from, substr(m.join_date, 1, 7)), m.dues_paid_to "
				     "FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?",
				     &ctx->err);
	int step, found = 0, own, scoped;
	memset(m, 0, sizeof(*m));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		m->id = stmt_int(st, 0);
		m->org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, m->name, sizeof(m->name));
		stmt_text_copy(st, 3, m->org_name, sizeof(m->org_name));
		stmt_text_copy(st, 4, m->org_path, sizeof(m->org_path));
		stmt_text_copy(st, 5, m->state, sizeof(m->state));
		stmt_text_copy(st, 6, m->person_type, sizeof(m->person_type));
		m->dues_from = dues_ym_parse(stmt_text(st, 7));
		m->paid_to = dues_ym_parse(stmt_text(st, 8));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	own = found && ctx->actor.member_id && ctx->actor.member_id == id;
	scoped = found && ctx->actor.role >= ROLE_SECRETARY && ctx_path_in_scope(ctx, m->org_path);
	if (!(mode == DUES_SEE_OWN ? own : mode == DUES_SEE_SCOPE ? scoped : own || scoped))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, DUES_NOT_FOUND_MSG);
	return 0;
}

int dues_body_member(struct ctx *ctx, json_t *body, struct dues_member *m)
{
	int64_t id;
	int rc;
	if ((rc = body_int_required(ctx, body, "member_id", "党员", &id)))
		return rc;
	if (dues_load_member(ctx, id, m, DUES_SEE_SCOPE)) {
		if (ctx->err.code == E_DB)
			return E_DB;
		return err_set(&ctx->err, E_INVALID, "member_id", "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内", id);
	}
	return 0;
}

int dues_require_enrolled(struct ctx *ctx, const struct dues_member *m)
{
	if (strcmp(m->state, "active") && strcmp(m->state, "transferring"))
		return err_set(&ctx->err, E_CONFLICT, "member_id", "dues.member_state", "%s不是在册党员，不能办理党费", m->name);
	return 0;
}

int dues_plan_load(struct ctx *ctx, const struct dues_member *m, struct dues_member_plan *mp)
{
	struct stmt *st;
	int step, n = 0, cap = 0;
	memset(mp, 0, sizeof(*mp));
	mp->plan.dues_from = m->dues_from;
	st = db_prepare(ctx->db,
			"SELECT id, from_month, kind, base_fen, monthly_fen FROM dues_bases WHERE member_id = ? ORDER BY from_month",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int from = dues_ym_parse(stmt_text(st, 1));
		if (from < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			mp->bases = xreallocarray(mp->bases, (size_t)cap, sizeof(*mp->bases));
		}
		mp->bases[n].id = stmt_int(st, 0);
		mp->bases[n].from = from;
		mp->bases[n].kind = dues_kind_parse(stmt_text(st, 2));
		mp->bases[n].base_fen = stmt_int(st, 3);
		mp->bases[n].monthly_fen = stmt_int(st, 4);
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		goto fail;
	mp->plan.nbases = n;
	n = cap = 0;
	st = db_prepare(ctx->db,
			"SELECT from_month, to_month, monthly_fen FROM dues_reductions WHERE member_id = ? AND status = 'approved' "
			"ORDER BY from_month",
			&ctx->err);
	if (!st)
		goto fail;
	stmt_bind_int(st, 1, m->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int from = dues_ym_parse(stmt_text(st, 0)), to = dues_ym_parse(stmt_text(st, 1));
		if (from < 0 || to < from)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			mp->reductions = xreallocarray(mp->reductions, (size_t)cap, sizeof(*mp->reductions));
		}
		mp->reductions[n].from = from;
		mp->reductions[n].to = to;
		mp->reductions[n].monthly_fen = stmt_int(st, 2);
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		goto fail;
	mp->plan.nreductions = n;
	mp->plan.bases = mp->bases;
	mp->plan.reductions = mp->reductions;
	return 0;
fail:
	dues_plan_release(mp);
	return ctx_db_fail(ctx);
}

void dues_plan_release(struct dues_member_plan *mp)
{
	free(mp->bases);
	free(mp->reductions);
	memset(mp, 0, sizeof(*mp));
}

int dues_months_rows(struct ctx *ctx, int64_t member_id, int from, int to, unsigned char *flags, int64_t *due,
		     int64_t *paid, int64_t *payment)
{
	struct stmt *st;
	char a[8], b[8];
	int step, n = to - from + 1;
	if (n <= 0)
		return 0;
	memset(flags, 0, (size_t)n);
	dues_ym_format(from, a);
	dues_ym_format(to, b);
	st = db_prepare(ctx->db,
			"SELECT month, due_fen, paid_fen, payment_id FROM dues_months WHERE member_id = ? AND month >= ? AND month <= ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_text(st, 2, a);
	stmt_bind_text(st, 3, b);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int mo = dues_ym_parse(stmt_text(st, 0)), k;
		if (mo < from || mo > to)
			continue;
		k = mo - from;
		flags[k] = stmt_is_null(st, 3) ? 2 : 1;
		if (due)
			due[k] = stmt_int(st, 1);
		if (paid)
			paid[k] = stmt_int(st, 2);
		if (payment)
			payment[k] = stmt_is_null(st, 3) ? 0 : stmt_int(st, 3);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int dues_refresh_paid_to(struct ctx *ctx, int64_t member_id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE members SET dues_paid_to = (SELECT max(month) FROM dues_months WHERE member_id = ?) "
				     "WHERE id = ?",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_int(st, 2, member_id);
	return stmt_run(st, &ctx->err) ? ctx_db_fail(ctx) : 0;
}

int dues_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char **out)
{
	json_t *v = json_object_get(body, key);
	const unsigned char *p;
	const char *s;
	*out = NULL;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_is_string(v) ? json_string_value(v) : "";
	if (!s[0]) {
		if (required)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		return 0;
	}
	if (strlen(s) > DUES_TEXT_MAX_CHARS * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > DUES_TEXT_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %d 个字", label,
			       DUES_TEXT_MAX_CHARS);
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	*out = xstrdup(s);
	return 0;
}

int dues_month_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, int *out)
{
	json_t *v = json_object_get(body, key);
	*out = -1;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (!json_is_string(v) || !json_string_value(v)[0]) {
		if (required)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		return 0;
	}
	if ((*out = dues_ym_parse(json_string_value(v))) < 0)
		return err_set(&ctx->err, E_INVALID, key, "field.month", "%s不是有效月份（格式 YYYY-MM）", label);
	return 0;
}

int dues_date_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char out[11])
{
	json_t *v = json_object_get(body, key);
	struct date d;
	out[0] = '\0';
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (!json_is_string(v) || !json_string_value(v)[0]) {
		if (required)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		return 0;
	}
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	if (date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, key, "field.date_future", "%s不能晚于今天", label);
	date_format(d, out);
	return 0;
}

int dues_fen_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t max, int64_t *out,
		   int *present)
{
	json_t *v = json_object_get(body, key);
	*out = 0;
	*present = v && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数（分）", key);
	*out = json_integer_value(v);
	if (*out < 0 || *out > max)
		return err_set(&ctx->err, E_INVALID, key, "dues.fen_range", "%s须在 0 至 %" PRId64 " 分之间", label, max);
	return 0;
}

/* ---- rate ------------------------------------------------------------------------ */

int dues_rate(struct ctx *ctx, const char *kind, int64_t base_fen, json_t **out)
{
	int k = dues_kind_parse(kind), pm = 0;
	int64_t fen;
	*out = NULL;
	if (k < 0)
		return err_set(&ctx->err, E_INVALID, "kind", kind && kind[0] ? "dues.kind" : "field.required",
			       "党费类别须为 employed（在职）、retired（离退休）、farmer（农民）或 minimal（学生、下岗失业、低保）");
	if (base_fen < 0 || base_fen > DUES_BASE_MAX_FEN)
		return err_set(&ctx->err, E_INVALID, "base_fen", "dues.fen_range", "缴费基数须在 0 至 %lld 分之间",
			       DUES_BASE_MAX_FEN);
	fen = dues_monthly_fen(dues_cfg(ctx), k, base_fen, &pm);
	*out = json_pack("{s:s, s:s, s:I, s:i, s:I}", "kind", dues_kind_code(k), "kind_name", dues_kind_label(k), "base_fen",
			 (json_int_t)base_fen, "permille", pm, "monthly_fen", (json_int_t)fen);
	return 0;
}

/* ---- arrears of one member ---------------------------------------------------------- */

/* the first month owed: dues_from or the first base, whichever is later; -1 if nothing is owed */
static int owed_from(const struct dues_member_plan *mp)
{
	int first = mp->plan.nbases ? mp->plan.bases[0].from : -1;
	if (first < 0 || mp->plan.dues_from < 0)
		return -1;
	return first > mp->plan.dues_from ? first : mp->plan.dues_from;
}

#define ARREARS_CHUNK 240

int dues_member_arrears(struct ctx *ctx, const struct dues_member *m, const struct dues_member_plan *mp, int *months,
			int64_t *fen)
{
	unsigned char flags[ARREARS_CHUNK];
	int from = owed_from(mp), cur = dues_current_month(ctx), a, b, k, rc;
	*months = 0;
	*fen = 0;
	if (from < 0)
		return 0;
	for (a = from; a < cur; a = b + 1) {
		b = a + ARREARS_CHUNK - 1 < cur - 1 ? a + ARREARS_CHUNK - 1 : cur - 1;
		if ((rc = dues_months_rows(ctx, m->id, a, b, flags, NULL, NULL, NULL)))
			return rc;
		for (k = 0; k <= b - a; k++) {
			int64_t due;
			int what;
			if (flags[k])
				continue;
			what = dues_due_of(&mp->plan, a + k, &due);
			if (what == DUE_NOT_DUE || what == DUE_EXEMPT)
				continue;
			(*months)++;
			*fen += due;
		}
	}
	return 0;
}

/* ---- a member's year ------------------------------------------------------------- */

static json_t *member_head(const struct dues_member *m)
{
	char f[8], p[8];
	dues_ym_format(m->dues_from, f);
	dues_ym_format(m->paid_to, p);
	return json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:s}", "id", (json_int_t)m->id, "name", m->name, "org_id",
			 (json_int_t)m->org_id, "org_name", m->org_name, "dues_from", json_str_or_null(f), "dues_paid_to",
			 json_str_or_null(p), "person_type", m->person_type);
}

static json_t *base_json(const struct dues_base_row *b, const char *note)
{
	char f[8];
	dues_ym_format(b->from, f);
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:o}", "id", (json_int_t)b->id, "from_month", f, "kind",
			 dues_kind_code(b->kind), "kind_name", dues_kind_label(b->kind), "base_fen", (json_int_t)b->base_fen,
			 "monthly_fen", (json_int_t)b->monthly_fen, "note", json_str_or_null(note));
}

static int bases_json(struct ctx *ctx, int64_t member_id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, from_month, kind, base_fen, monthly_fen, note FROM dues_bases WHERE member_id = ? "
				     "ORDER BY from_month",
				     &ctx->err);
	int step;
	*out = json_array();
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct dues_base_row b;
		b.id = stmt_int(st, 0);
		b.from = dues_ym_parse(stmt_text(st, 1));
		b.kind = dues_kind_parse(stmt_text(st, 2));
		b.base_fen = stmt_int(st, 3);
		b.monthly_fen = stmt_int(st, 4);
		json_array_append_new(*out, base_json(&b, stmt_text(st, 5)));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int rows_json(struct ctx *ctx, const char *sql, int64_t member_id, const char *y0, const char *y1, const char *m0,
		     const char *m1, json_t *(*conv)(struct stmt *), json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*out = json_array();
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	if (y0) {
		stmt_bind_text(st, 2, y0);
		stmt_bind_text(st, 3, y1);
		stmt_bind_text(st, 4, m0);
		stmt_bind_text(st, 5, m1);
	}
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(*out, conv(st));
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static const char *status_of(int what, int flag, int month, int cur)
{
	if (flag)
		return flag == 1 ? "paid" : "exempt";
	if (what == DUE_NOT_DUE)
		return "not_due";
	if (month > cur)
		return "future";
	if (what == DUE_NO_BASE)
		return "no_base";
	return "unpaid";
}

int dues_member_year(struct ctx *ctx, int64_t member_id, int year, int self, json_t **out)
{
	struct dues_member m;
	struct dues_member_plan mp;
	const struct dues_base_row *b;
	unsigned char flags[12];
	int64_t due[12], paid[12], pay[12], fen = 0;
	int rc, k, cur = dues_current_month(ctx), first, months = 0;
	json_t *j = NULL, *arr, *x = NULL;
	char y0[11], y1[11], m0[8], m1[8];

	*out = NULL;
	memset(&mp, 0, sizeof(mp));
	if (!year)
		year = ctx->today.y;
	if (year < 1950 || year > 2200)
		return err_set(&ctx->err, E_INVALID, "year", "field.year", "年度不是有效年份");
	if (self) {
		if (!member_id)
			member_id = ctx->actor.member_id;
		if (!member_id)
			return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "您的账号没有关联党员档案");
	}
	if ((rc = dues_load_member(ctx, member_id, &m, self ? DUES_SEE_OWN : DUES_SEE_EITHER)) ||
	    (rc = dues_plan_load(ctx, &m, &mp)))
		return rc;
	first = year * 12;
	if ((rc = dues_months_rows(ctx, m.id, first, first + 11, flags, due, paid, pay)))
		goto out;
	j = json_object();
	json_object_set_new(j, "year", json_integer(year));
	json_object_set_new(j, "member", member_head(&m));
	b = dues_base_at(&mp.plan, cur);
	if (b) {
		char f[8];
		dues_ym_format(b->from, f);
		json_object_set_new(j, "current",
				    json_pack("{s:s, s:s, s:I, s:I, s:s}", "kind", dues_kind_code(b->kind), "kind_name",
					      dues_kind_label(b->kind), "base_fen", (json_int_t)b->base_fen, "monthly_fen",
					      (json_int_t)b->monthly_fen, "from_month", f));
	} else {
		json_object_set_new(j, "current", json_null());
	}
	if ((rc = bases_json(ctx, m.id, &x)))
		goto out;
	json_object_set_new(j, "bases", x);
	x = NULL;
	arr = json_array();
	for (k = 0; k < 12; k++) {
		char mo[8];
		int64_t d;
		int what = dues_due_of(&mp.plan, first + k, &d);
		dues_ym_format(first + k, mo);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:s, s:o}", "month", mo, "due_fen",
						     (json_int_t)(flags[k] ? due[k] : d), "paid_fen",
						     (json_int_t)(flags[k] ? paid[k] : 0), "status",
						     status_of(what, flags[k], first + k, cur), "payment_id",
						     flags[k] == 1 ? json_integer(pay[k]) : json_null()));
	}
	json_object_set_new(j, "months", arr);
	if ((rc = dues_member_arrears(ctx, &m, &mp, &months, &fen)))
		goto out;
	json_object_set_new(j, "arrears", json_pack("{s:i, s:I}", "months", months, "fen", (json_int_t)fen));
	xsnprintf(y0, sizeof(y0), "%04d-01-01", year);
	xsnprintf(y1, sizeof(y1), "%04d-01-01", year + 1);
	xsnprintf(m0, sizeof(m0), "%04d-01", year);
	xsnprintf(m1, sizeof(m1), "%04d-12", year);
	if ((rc = rows_json(ctx,
			    "SELECT " DUES_PAYMENT_COLS DUES_PAYMENT_FROM
			    "WHERE p.member_id = ? AND ((p.paid_on >= ? AND p.paid_on < ?) OR "
			    "(p.first_month <= ? AND p.last_month >= ?)) ORDER BY p.paid_on, p.id",
			    m.id, y0, y1, m1, m0, dues_payment_json, &x)))
		goto out;
	json_object_set_new(j, "payments", x);
	x = NULL;
	if ((rc = rows_json(ctx, "SELECT " DUES_REDUCTION_COLS DUES_REDUCTION_FROM "WHERE r.member_id = ? ORDER BY r.from_month, r.id",
			    m.id, NULL, NULL, NULL, NULL, dues_reduction_json, &x)))
		goto out;
	json_object_set_new(j, "reductions", x);
	x = NULL;
	*out = j;
	j = NULL;
out:
	json_decref(x);
	json_decref(j);
	dues_plan_release(&mp);
	return rc;
}

/* ---- bases ----------------------------------------------------------------------- */

int dues_base_set(struct ctx *ctx, int64_t member_id, json_t *body, json_t **out)
{
	struct dues_member m;
	struct dues_member_plan mp;
	struct stmt *st;
	json_t *kv, *before = NULL, *after = NULL;
	char *note = NULL, from_s[8];
	int64_t base_fen = 0, monthly, old_id = 0, id = 0;
	int rc, kind, from, cur = dues_current_month(ctx), present, step;

	*out = NULL;
	memset(&mp, 0, sizeof(mp));
	if ((rc = dues_require_officer(ctx)) || (rc = dues_load_member(ctx, member_id, &m, DUES_SEE_SCOPE)) ||
	    (rc = dues_require_enrolled(ctx, &m)))
		return rc;
	kv = json_object_get(body, "kind");
	if (kv && !json_is_null(kv) && !json_is_string(kv))
		return err_set(&ctx->err, E_MALFORMED, "kind", NULL, "字段 kind 必须是字符串");
	if ((kind = dues_kind_parse(json_string_value(kv))) < 0)
		return err_set(&ctx->err, E_INVALID, "kind", json_is_string(kv) ? "dues.kind" : "field.required",
			       "党费类别须为 employed（在职）、retired（离退休）、farmer（农民）或 minimal（学生、下岗失业、低保）");
	if ((rc = dues_fen_field(ctx, body, "base_fen", "缴费基数", DUES_BASE_MAX_FEN, &base_fen, &present)))
		return rc;
	if ((kind == DUES_EMPLOYED || kind == DUES_RETIRED) && base_fen <= 0)
		return err_set(&ctx->err, E_INVALID, "base_fen", present ? "dues.base_fen" : "field.required",
			       "在职和离退休党员须填写大于 0 的缴费基数（分）");
	if ((rc = dues_month_field(ctx, body, "from_month", "起始月份", 0, &from)) ||
	    (rc = dues_text(ctx, body, "note", "备注", 0, &note)) || (rc = dues_plan_load(ctx, &m, &mp)))
		goto out;
	if (from < 0) {
		/* with a fixed yearly amount a change takes effect next January; a first base starts now */
		if (dues_cfg_int(ctx, CFG_DUES_FIXED_YEARLY) && mp.plan.nbases)
			from = (ctx->today.y + 1) * 12;
		else
			from = cur > m.dues_from ? cur : m.dues_from;
	} else if (dues_cfg_int(ctx, CFG_DUES_FIXED_YEARLY) && mp.plan.nbases && from % 12 != 0 &&
		   !(from < mp.plan.bases[0].from)) {
		rc = err_set(&ctx->err, E_CONFLICT, "from_month", "dues.fixed_yearly",
			     "党费全年按一月份基数固定：变更的基数只能从某年一月起执行");
		goto out;
	}
	if (from > cur + 24) {
		rc = err_set(&ctx->err, E_INVALID, "from_month", "dues.from_month", "起始月份不能晚于两年之后");
		goto out;
	}
	dues_ym_format(from, from_s);
	monthly = dues_monthly_fen(dues_cfg(ctx), kind, base_fen, NULL);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "SELECT id, kind, base_fen, monthly_fen, note FROM dues_bases WHERE member_id = ? AND from_month = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_text(st, 2, from_s);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		struct dues_base_row b = { stmt_int(st, 0), from, dues_kind_parse(stmt_text(st, 1)), stmt_int(st, 2),
					   stmt_int(st, 3) };
		old_id = b.id;
		before = base_json(&b, stmt_text(st, 4));
	}
	stmt_reset(st);
	if (step < 0) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if (old_id) {
		st = db_prepare(ctx->db, "UPDATE dues_bases SET kind = ?, base_fen = ?, monthly_fen = ?, note = ?, created_by = ?, "
					 "created_at = ? WHERE id = ?",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 7, old_id);
		id = old_id;
	} else {
		st = db_prepare(ctx->db, "INSERT INTO dues_bases (kind, base_fen, monthly_fen, note, created_by, created_at, "
					 "member_id, from_month) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 7, m.id);
		stmt_bind_text(st, 8, from_s);
	}
	stmt_bind_text(st, 1, dues_kind_code(kind));
	stmt_bind_int(st, 2, base_fen);
	stmt_bind_int(st, 3, monthly);
	stmt_bind_text(st, 4, note);
	dues_bind_user(st, 5, ctx);
	stmt_bind_text(st, 6, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (!old_id && step == STEP_ROW)
		id = stmt_int(st, 0);
	stmt_reset(st);
	if (step < 0) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	{
		struct dues_base_row b = { id, from, kind, base_fen, monthly };
		after = base_json(&b, note);
		json_object_set_new(after, "member_id", json_integer(m.id));
	}
	if ((rc = audit_append(ctx, old_id ? "update" : "create", "dues_base", id, before, after)) ||
	    (rc = dues_owed_refresh(ctx)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*out = json_pack("{s:I, s:s, s:I, s:s, s:I}", "id", (json_int_t)id, "from_month", from_s, "monthly_fen",
			 (json_int_t)monthly, "kind", dues_kind_code(kind), "base_fen", (json_int_t)base_fen);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(note);
	json_decref(before);
	json_decref(after);
	dues_plan_release(&mp);
	return rc;
}

/* ---- arrears of a subtree ---------------------------------------------------------- */

struct arrears_row {
	int64_t member_id, org_id;
	char name[128], org_name[128], org_path[PATH_MAX_LEN];
	int paid_to, months;
	int64_t fen;
};

static int cmp_arrears(const void *a, const void *b)
{
	const struct arrears_row *x = a, *y = b;
	int c;
	if (x->months != y->months)
		return x->months > y->months ? -1 : 1;
	if ((c = strcmp(x->org_path, y->org_path)))
		return c;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

static int cmp_by_org(const void *a, const void *b)
{
	const struct arrears_row *x = a, *y = b;
	int c = strcmp(x->org_path, y->org_path);
	if (c)
		return c;
	return x->org_id < y->org_id ? -1 : x->org_id > y->org_id;
}

/* the members with kept figures under root (the sums of the root row), to choose the path */
static int kept_members(struct ctx *ctx, const struct org *root, int64_t *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     root->id ? "SELECT coalesce(sum(members), 0) FROM dues_owed_sums WHERE org_id = ?"
					      : "SELECT coalesce(sum(s.members), 0) FROM dues_owed_sums s JOIN orgs o ON o.id = s.org_id "
						"WHERE o.parent_id IS NULL",
				     &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (root->id)
		stmt_bind_int(st, 1, root->id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		*n = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

int dues_arrears(struct ctx *ctx, int64_t org_id, int min_months, int page, int per_page, json_t **out)
{
	return dues_arrears_how(ctx, org_id, min_months, page, per_page, DUES_ARREARS_AUTO, out);
}

int dues_arrears_how(struct ctx *ctx, int64_t org_id, int min_months, int page, int per_page, int how, json_t **out)
{
	struct org root;
	struct stmt *st;
	struct arrears_row *rows = NULL;
	size_t n = 0, cap = 0, k;
	char end[PATH_MAX_LEN], cur_s[8];
	int rc, step, cur = dues_current_month(ctx);
	json_t *items, *branches, *j;

	*out = NULL;
	if ((rc = dues_require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	if (min_months < 1)
		min_months = 1;
	if (how == DUES_ARREARS_AUTO) {
		int64_t kept;
		if ((rc = kept_members(ctx, &root, &kept)))
			return rc;
		how = kept >= DUES_ARREARS_KEPT_FROM ? DUES_ARREARS_KEPT : DUES_ARREARS_REF;
	}
	if (how == DUES_ARREARS_KEPT)
		return dues_arrears_kept(ctx, &root, min_months, page, per_page, out);
	path_range_end(root.path, end, sizeof(end));
	dues_ym_format(cur, cur_s);
	/* candidates: enrolled members with a base whose months since their start outnumber their rows */
	st = db_prepare(ctx->db,
			"SELECT m.id, m.name, m.org_id, o.name, m.org_path, m.dues_paid_to, "
			"COALESCE(m.dues_from, substr(m.join_date, 1, 7)), "
			"(SELECT min(b.from_month) FROM dues_bases b WHERE b.member_id = m.id), "
			"(SELECT count(*) FROM dues_months d WHERE d.member_id = m.id AND d.month < ? "
			"AND d.month >= COALESCE(m.dues_from, substr(m.join_date, 1, 7)) "
			"AND d.month >= (SELECT min(b.from_month) FROM dues_bases b WHERE b.member_id = m.id)) "
			"FROM members m JOIN orgs o ON o.id = m.org_id "
			"WHERE m.org_path >= ? AND m.org_path < ? AND m.state IN ('active', 'transferring') "
			"AND EXISTS (SELECT 1 FROM dues_bases b WHERE b.member_id = m.id)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, cur_s);
	stmt_bind_text(st, 2, root.path);
	stmt_bind_text(st, 3, end);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int df = dues_ym_parse(stmt_text(st, 6)), fb = dues_ym_parse(stmt_text(st, 7));
		int start = df > fb ? df : fb;
		int64_t span = start >= 0 && start < cur ? cur - start : 0, nrows = stmt_int(st, 8);
		/* months since the start without a row: the arrears (amounts summed exactly below) */
		if (df < 0 || fb < 0 || span <= 0 || span - nrows < min_months)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xreallocarray(rows, cap, sizeof(*rows));
		}
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].member_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, rows[n].name, sizeof(rows[n].name));
		rows[n].org_id = stmt_int(st, 2);
		stmt_text_copy(st, 3, rows[n].org_name, sizeof(rows[n].org_name));
		stmt_text_copy(st, 4, rows[n].org_path, sizeof(rows[n].org_path));
		rows[n].paid_to = dues_ym_parse(stmt_text(st, 5));
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		free(rows);
		return ctx_db_fail(ctx);
	}
	/* exact months and amounts per candidate */
	for (k = 0; k < n; k++) {
		struct dues_member m;
		struct dues_member_plan mp;
		if ((rc = dues_load_member(ctx, rows[k].member_id, &m, DUES_SEE_SCOPE)) || (rc = dues_plan_load(ctx, &m, &mp)))
			goto fail;
		rc = dues_member_arrears(ctx, &m, &mp, &rows[k].months, &rows[k].fen);
		dues_plan_release(&mp);
		if (rc)
			goto fail;
	}
	{
		size_t w = 0;
		for (k = 0; k < n; k++)
			if (rows[k].months >= min_months)
				rows[w++] = rows[k];
		n = w;
	}
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_arrears);
	items = json_array();
	branches = json_array();
	for (k = 0; k < n; k++) {
		char p[8];
		if (k < (size_t)(page - 1) * (size_t)per_page || k >= (size_t)page * (size_t)per_page)
			continue;
		dues_ym_format(rows[k].paid_to, p);
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s, s:o, s:i, s:I}", "member_id",
						       (json_int_t)rows[k].member_id, "name", rows[k].name, "org_id",
						       (json_int_t)rows[k].org_id, "org_name", rows[k].org_name, "dues_paid_to",
						       json_str_or_null(p), "months", rows[k].months, "fen", (json_int_t)rows[k].fen));
	}
	/* per branch (the member's own org), in tree order */
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_by_org);
	for (k = 0; k < n;) {
		size_t e = k;
		int months = 0;
		int64_t fen = 0;
		for (; e < n && rows[e].org_id == rows[k].org_id; e++) {
			months += rows[e].months;
			fen += rows[e].fen;
		}
		json_array_append_new(branches, json_pack("{s:I, s:s, s:i, s:i, s:I}", "org_id", (json_int_t)rows[k].org_id,
							  "name", rows[k].org_name, "members", (int)(e - k), "months", months,
							  "fen", (json_int_t)fen));
		k = e;
	}
	j = json_object();
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "total", json_integer((json_int_t)n));
	json_object_set_new(j, "page", json_integer(page));
	json_object_set_new(j, "per_page", json_integer(per_page));
	json_object_set_new(j, "rollup", json_string("branches"));
	json_object_set_new(j, "branches", branches);
	*out = j;
	free(rows);
	return 0;
fail:
	free(rows);
	return rc;
}
