/*
 * 目标责任书 and 承诺事项 (issue 6; see commitment.h). A letter belongs to an org (the
 * holder org, or the member's org when it was signed); every read joins orgs and
 * limits by the subtree's path range, so scope is the same check as everywhere else.
 * Items change status only pending → done | cancelled, each write guarded by the
 * item's version and its current status in the UPDATE itself, so two clerks racing on
 * one item cannot both win.
 */
#include "domain/commitment.h"
#include <inttypes.h>
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
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LETTER_NOT_FOUND_MSG "责任书不存在或不在您的管理范围内"
#define ITEM_NOT_FOUND_MSG "承诺事项不存在或不在您的管理范围内"
#define STALE_MSG "该记录已被他人修改，请刷新后重试"

static const struct named statuses[CS__COUNT] = {
	[CS_PENDING] = { "pending", "待践诺" },
	[CS_DONE] = { "done", "已践诺" },
	[CS_CANCELLED] = { "cancelled", "已取消" },
};

static const struct named categories[] = {
	{ "study", "学习提高" },     { "duty", "履职尽责" },     { "service", "服务群众" },
	{ "development", "发展致富" }, { "integrity", "廉洁自律" }, { "other", "其他" },
};

static const struct named holder_types[] = {
	{ "member", "党员" },
	{ "org", "党组织" },
};

int commitment_status_parse(const char *s)
{
	return named_index(statuses, CS__COUNT, s);
}

const char *commitment_status_name(int s)
{
	return named_name_at(statuses, CS__COUNT, s);
}

int commitment_category_parse(const char *s)
{
	return named_index(categories, NAMED_COUNT(categories), s);
}

const char *commitment_category_name(const char *code)
{
	return named_name_of(categories, NAMED_COUNT(categories), code);
}

int commitment_is_overdue(int status, const char *due_on, struct date today)
{
	struct date d;
	return status == CS_PENDING && due_on && !date_parse(due_on, &d) && date_cmp(d, today) < 0;
}

int commitment_transition_ok(int from, int to)
{
	return from == CS_PENDING && (to == CS_DONE || to == CS_CANCELLED) ? 0 : -1;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "commitment.role", "只有支部书记或管理员可以管理责任书");
	return 0;
}

/* ---- body fields ----------------------------------------------------------------- */

/* A text field (field_text) copied: *out owned, NULL when absent, null or "" */
static int parse_text(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max_chars,
		      int multiline, int required, char **out, int *present)
{
	const char *s;
	int rc = field_text(ctx, body, key, label, required, max_chars, multiline, &s, present);
	*out = !rc && s ? xstrdup(s) : NULL;
	return rc;
}

static int parse_bool_field(struct ctx *ctx, json_t *body, const char *key, int *out, int *present)
{
	json_t *v = json_object_get(body, key);
	*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是 true 或 false", key);
	*out = json_is_true(v);
	return 0;
}

/* ---- visibility ------------------------------------------------------------------ */

/* How a record is looked up: by scope (officers' writes), as the member's own, or either (reads). */
enum { SEE_SCOPE = 0, SEE_OWN = 1, SEE_EITHER = 2 };

static int visible_to(const struct ctx *ctx, int64_t member_id, const char *org_path, int mode)
{
	int own = ctx->actor.member_id && member_id == ctx->actor.member_id;
	int scoped = ctx->actor.role >= ROLE_SECRETARY && ctx_path_in_scope(ctx, org_path);
	return mode == SEE_OWN ? own : mode == SEE_SCOPE ? scoped : own || scoped;
}

static int read_mode(const struct ctx *ctx)
{
	return ctx->actor.role >= ROLE_SECRETARY ? SEE_EITHER : SEE_OWN;
}

/* ---- items ----------------------------------------------------------------------- */

struct item {
	int64_t id, letter_id, member_id, org_id;
	int year, seq, status, public_;
	char holder_type[8], holder_name[128], org_name[128], org_path[PATH_MAX_LEN];
	char category[16], due_on[11], done_on[11], cancelled_on[11];
	char *title, *evidence, *reason; /* owned */
	int64_t version;
};

static void item_release(struct item *it)
{
	free(it->title);
	free(it->evidence);
	free(it->reason);
	it->title = it->evidence = it->reason = NULL;
}

#define ITEM_COLS                                                                                             \
	"i.id, i.letter_id, l.member_id, l.org_id, l.year, l.holder_type, COALESCE(m.name, o.name), o.name, o.path, " \
	"i.seq, i.title, i.category, i.due_on, i.status, i.public, i.evidence, i.done_on, i.cancel_reason, "          \
	"i.cancelled_on, i.version"
#define ITEM_FROM                                                                                             \
	" FROM commitment_items i JOIN commitment_letters l ON l.id = i.letter_id JOIN orgs o ON o.id = l.org_id " \
	"LEFT JOIN members m ON m.id = l.member_id "

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void read_item(struct stmt *st, struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->id = stmt_int(st, 0);
	it->letter_id = stmt_int(st, 1);
	it->member_id = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
	it->org_id = stmt_int(st, 3);
	it->year = (int)stmt_int(st, 4);
	stmt_text_copy(st, 5, it->holder_type, sizeof(it->holder_type));
	stmt_text_copy(st, 6, it->holder_name, sizeof(it->holder_name));
	stmt_text_copy(st, 7, it->org_name, sizeof(it->org_name));
	stmt_text_copy(st, 8, it->org_path, sizeof(it->org_path));
	it->seq = (int)stmt_int(st, 9);
	it->title = dup_or_null(stmt_text(st, 10));
	stmt_text_copy(st, 11, it->category, sizeof(it->category));
	stmt_text_copy(st, 12, it->due_on, sizeof(it->due_on));
	it->status = commitment_status_parse(stmt_text(st, 13));
	it->public_ = (int)stmt_int(st, 14);
	it->evidence = dup_or_null(stmt_text(st, 15));
	stmt_text_copy(st, 16, it->done_on, sizeof(it->done_on));
	it->reason = dup_or_null(stmt_text(st, 17));
	stmt_text_copy(st, 18, it->cancelled_on, sizeof(it->cancelled_on));
	it->version = stmt_int(st, 19);
}

static json_t *item_to_json(const struct ctx *ctx, const struct item *it)
{
	json_t *j = json_object();
	const char *cat = commitment_category_name(it->category);
	json_object_set_new(j, "id", json_integer(it->id));
	json_object_set_new(j, "letter_id", json_integer(it->letter_id));
	json_object_set_new(j, "year", json_integer(it->year));
	json_object_set_new(j, "holder_type", json_string(it->holder_type));
	json_object_set_new(j, "holder_type_name",
			    json_string(named_name_of(holder_types, NAMED_COUNT(holder_types), it->holder_type)
						? named_name_of(holder_types, NAMED_COUNT(holder_types), it->holder_type)
						: it->holder_type));
	json_object_set_new(j, "holder_name", json_string(it->holder_name));
	json_object_set_new(j, "member_id", it->member_id ? json_integer(it->member_id) : json_null());
	json_object_set_new(j, "org_id", json_integer(it->org_id));
	json_object_set_new(j, "org_name", json_string(it->org_name));
	json_object_set_new(j, "seq", json_integer(it->seq));
	json_object_set_new(j, "title", json_str_or_null(it->title));
	json_object_set_new(j, "category", json_string(it->category));
	json_object_set_new(j, "category_name", json_string(cat ? cat : it->category));
	json_object_set_new(j, "due_on", json_string(it->due_on));
	json_object_set_new(j, "status", json_string(named_code_at(statuses, CS__COUNT, it->status)));
	json_object_set_new(j, "status_name", json_string(commitment_status_name(it->status)));
	json_object_set_new(j, "overdue", json_boolean(commitment_is_overdue(it->status, it->due_on, ctx->today)));
	json_object_set_new(j, "public", json_boolean(it->public_));
	json_object_set_new(j, "evidence", json_str_or_null(it->evidence));
	json_object_set_new(j, "done_on", json_str_or_null(it->done_on));
	json_object_set_new(j, "cancel_reason", json_str_or_null(it->reason));
	json_object_set_new(j, "cancelled_on", json_str_or_null(it->cancelled_on));
	json_object_set_new(j, "version", json_integer(it->version));
	return j;
}

/* The item if its letter's org lies in the actor's scope, or (self) the letter is the actor's own. */
static int load_item(struct ctx *ctx, int64_t id, struct item *it, int self)
{
	struct stmt *row;
	int rc;
	memset(it, 0, sizeof(*it));
	if ((rc = listq_row_by_id(ctx, "SELECT " ITEM_COLS ITEM_FROM "WHERE i.id = ?", id, &row)))
		return rc;
	if (row) {
		read_item(row, it);
		stmt_reset(row);
	}
	if (!row || !visible_to(ctx, it->member_id, it->org_path, self)) {
		item_release(it);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, ITEM_NOT_FOUND_MSG);
	}
	return 0;
}

int commitment_item_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct item it;
	int rc;
	*out = NULL;
	if ((rc = load_item(ctx, id, &it, read_mode(ctx))))
		return rc;
	*out = item_to_json(ctx, &it);
	item_release(&it);
	return 0;
}

/* ---- letters --------------------------------------------------------------------- */

struct letter {
	int64_t id, member_id, org_id;
	int year;
	char holder_type[8], holder_name[128], org_name[128], org_path[PATH_MAX_LEN];
	char *title, *signed_by; /* owned */
	char signed_on[11], created_at[21], updated_at[21];
	int64_t version;
};

static void letter_release(struct letter *l)
{
	free(l->title);
	free(l->signed_by);
	l->title = l->signed_by = NULL;
}

#define LETTER_COLS                                                                                          \
	"l.id, l.holder_type, l.member_id, l.org_id, l.year, COALESCE(m.name, o.name), o.name, o.path, l.title, " \
	"l.signed_by, l.signed_on, l.version, l.created_at, l.updated_at"
#define LETTER_FROM " FROM commitment_letters l JOIN orgs o ON o.id = l.org_id LEFT JOIN members m ON m.id = l.member_id "

static void read_letter(struct stmt *st, struct letter *l)
{
	memset(l, 0, sizeof(*l));
	l->id = stmt_int(st, 0);
	stmt_text_copy(st, 1, l->holder_type, sizeof(l->holder_type));
	l->member_id = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
	l->org_id = stmt_int(st, 3);
	l->year = (int)stmt_int(st, 4);
	stmt_text_copy(st, 5, l->holder_name, sizeof(l->holder_name));
	stmt_text_copy(st, 6, l->org_name, sizeof(l->org_name));
	stmt_text_copy(st, 7, l->org_path, sizeof(l->org_path));
	l->title = dup_or_null(stmt_text(st, 8));
	l->signed_by = dup_or_null(stmt_text(st, 9));
	stmt_text_copy(st, 10, l->signed_on, sizeof(l->signed_on));
	l->version = stmt_int(st, 11);
	stmt_text_copy(st, 12, l->created_at, sizeof(l->created_at));
	stmt_text_copy(st, 13, l->updated_at, sizeof(l->updated_at));
}

static json_t *summary_json(int total, int done, int pending, int overdue, int cancelled)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i}", "total", total, "done", done, "pending", pending, "overdue", overdue,
			 "cancelled", cancelled);
}

static json_t *letter_to_json(const struct letter *l)
{
	json_t *j = json_object();
	const char *tn = named_name_of(holder_types, NAMED_COUNT(holder_types), l->holder_type);
	json_object_set_new(j, "id", json_integer(l->id));
	json_object_set_new(j, "holder_type", json_string(l->holder_type));
	json_object_set_new(j, "holder_type_name", json_string(tn ? tn : l->holder_type));
	json_object_set_new(j, "holder_name", json_string(l->holder_name));
	json_object_set_new(j, "member_id", l->member_id ? json_integer(l->member_id) : json_null());
	json_object_set_new(j, "org_id", json_integer(l->org_id));
	json_object_set_new(j, "org_name", json_string(l->org_name));
	json_object_set_new(j, "year", json_integer(l->year));
	json_object_set_new(j, "title", json_str_or_null(l->title));
	json_object_set_new(j, "signed_by", json_str_or_null(l->signed_by));
	json_object_set_new(j, "signed_on", json_str_or_null(l->signed_on));
	json_object_set_new(j, "version", json_integer(l->version));
	json_object_set_new(j, "created_at", json_str_or_null(l->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(l->updated_at));
	return j;
}

static int load_letter(struct ctx *ctx, int64_t id, struct letter *l, int self)
{
	struct stmt *row;
	int rc;
	memset(l, 0, sizeof(*l));
	if ((rc = listq_row_by_id(ctx, "SELECT " LETTER_COLS LETTER_FROM "WHERE l.id = ?", id, &row)))
		return rc;
	if (row) {
		read_letter(row, l);
		stmt_reset(row);
	}
	if (!row || !visible_to(ctx, l->member_id, l->org_path, self)) {
		letter_release(l);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, LETTER_NOT_FOUND_MSG);
	}
	return 0;
}

/* The letter's items in order, with the summary set on j. */
static int attach_items(struct ctx *ctx, json_t *j, int64_t letter_id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " ITEM_COLS ITEM_FROM "WHERE i.letter_id = ? ORDER BY i.seq, i.id",
				     &ctx->err);
	json_t *arr = json_array();
	int step, n[CS__COUNT] = { 0 }, overdue = 0, total = 0;
	if (!st) {
		json_decref(arr);
		return E_DB;
	}
	stmt_bind_int(st, 1, letter_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct item it;
		read_item(st, &it);
		total++;
		if (it.status >= 0)
			n[it.status]++;
		overdue += commitment_is_overdue(it.status, it.due_on, ctx->today);
		json_array_append_new(arr, item_to_json(ctx, &it));
		item_release(&it);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	json_object_set_new(j, "items", arr);
	json_object_set_new(j, "summary", summary_json(total, n[CS_DONE], n[CS_PENDING], overdue, n[CS_CANCELLED]));
	return 0;
}

static int letter_json(struct ctx *ctx, int64_t id, int self, json_t **out)
{
	struct letter l;
	json_t *j;
	int rc;
	*out = NULL;
	if ((rc = load_letter(ctx, id, &l, self)))
		return rc;
	j = letter_to_json(&l);
	letter_release(&l);
	if ((rc = attach_items(ctx, j, id))) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

int commitment_letter_get(struct ctx *ctx, int64_t id, json_t **out)
{
	return letter_json(ctx, id, read_mode(ctx), out);
}

/* ---- item fields ----------------------------------------------------------------- */

struct item_input {
	char *title;
	char category[16], due_on[11];
	int public_;
	int has_title, has_category, has_due, has_public;
};

/* The editable fields of an item; on create (required = 1) title, category and due_on must be there. */
static int parse_item_input(struct ctx *ctx, json_t *body, int letter_year, int required, struct item_input *in)
{
	json_t *v;
	int rc;
	memset(in, 0, sizeof(*in));
	if ((rc = parse_text(ctx, body, "title", "承诺事项", COMMITMENT_TITLE_MAX_CHARS, 0, required, &in->title,
			     &in->has_title)))
		return rc;
	if (in->has_title && !in->title)
		return err_set(&ctx->err, E_INVALID, "title", "field.required", "承诺事项不能为空");
	v = json_object_get(body, "category");
	in->has_category = v != NULL;
	if (v || required) {
		if (v && !json_is_null(v) && !json_is_string(v))
			return err_set(&ctx->err, E_MALFORMED, "category", NULL, "字段 category 必须是字符串");
		if (!json_is_string(v) || commitment_category_parse(json_string_value(v)) < 0)
			return err_set(&ctx->err, E_INVALID, "category", json_is_string(v) ? "commitment.category" : "field.required",
				       "承诺类别须为 study（学习提高）、duty（履职尽责）、service（服务群众）、development（发展致富）、"
				       "integrity（廉洁自律）或 other（其他）");
		strlcpy_z(in->category, json_string_value(v), sizeof(in->category));
		in->has_category = 1;
	}
	if ((rc = field_date(ctx, body, "due_on", "完成时限", in->due_on, &in->has_due)))
		return rc;
	if ((required || in->has_due) && !in->due_on[0])
		return err_set(&ctx->err, E_INVALID, "due_on", "field.required", "完成时限不能为空");
	/* a letter's commitments are kept within its year or the next (multi-year work is split by year) */
	if (in->due_on[0] && (strtol(in->due_on, NULL, 10) < letter_year || strtol(in->due_on, NULL, 10) > letter_year + 1))
		return err_set(&ctx->err, E_INVALID, "due_on", "commitment.due_year", "完成时限须在 %d 年或 %d 年内",
			       letter_year, letter_year + 1);
	return parse_bool_field(ctx, body, "public", &in->public_, &in->has_public);
}

static int insert_item(struct ctx *ctx, int64_t letter_id, int seq, const struct item_input *in, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO commitment_items (letter_id, seq, title, category, due_on, status, public, "
				     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, letter_id);
	stmt_bind_int(st, 2, seq);
	stmt_bind_text(st, 3, in->title);
	stmt_bind_text(st, 4, in->category);
	stmt_bind_text(st, 5, in->due_on);
	stmt_bind_int(st, 6, in->public_);
	stmt_bind_text(st, 7, ctx->now_iso);
	stmt_bind_text(st, 8, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && id)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* ---- creating and editing letters ------------------------------------------------ */

struct holder {
	char type[8], key[32], name[128];
	int64_t member_id, org_id;
};

/* The holder named by the body, in the actor's scope: an active member, or an org. */
static int resolve_holder(struct ctx *ctx, json_t *body, struct holder *h)
{
	const char *type = NULL;
	struct org o;
	struct stmt *st;
	int64_t id;
	int rc, step, found = 0;
	char path[PATH_MAX_LEN] = "", state[16] = "";
	memset(h, 0, sizeof(*h));
	if (json_object_get(body, "holder_type") && !json_is_string(json_object_get(body, "holder_type")))
		return err_set(&ctx->err, E_MALFORMED, "holder_type", NULL, "字段 holder_type 必须是字符串");
	type = json_string_value(json_object_get(body, "holder_type"));
	if (!type || named_index(holder_types, NAMED_COUNT(holder_types), type) < 0)
		return err_set(&ctx->err, E_INVALID, "holder_type", type ? "commitment.holder_type" : "field.required",
			       "责任主体须为 member（党员）或 org（党组织）");
	strlcpy_z(h->type, type, sizeof(h->type));
	if (!strcmp(type, "org")) {
		if ((rc = body_int_required(ctx, body, "org_id", "责任党组织", &id)) ||
		    (rc = org_require_in_scope(ctx, id, &o, "org_id")))
			return rc;
		h->org_id = o.id;
		strlcpy_z(h->name, o.name, sizeof(h->name));
		xsnprintf(h->key, sizeof(h->key), "o%" PRId64, o.id);
		return 0;
	}
	if ((rc = body_int_required(ctx, body, "member_id", "责任党员", &id)))
		return rc;
	st = db_prepare(ctx->db, "SELECT org_id, org_path, name, state FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		h->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, path, sizeof(path));
		stmt_text_copy(st, 2, h->name, sizeof(h->name));
		stmt_text_copy(st, 3, state, sizeof(state));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_INVALID, "member_id", "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内", id);
	if (strcmp(state, "active"))
		return err_set(&ctx->err, E_RULE, "member_id", "commitment.member_state", "%s不是在册党员，不能签订承诺书", h->name);
	h->member_id = id;
	xsnprintf(h->key, sizeof(h->key), "m%" PRId64, id);
	return 0;
}

static int set_created_by(struct stmt *st, int idx, const struct ctx *ctx)
{
	if (ctx->actor.user_id)
		stmt_bind_int(st, idx, ctx->actor.user_id);
	else
		stmt_bind_null(st, idx);
	return 0;
}

/* signed_on: a real date, not in the future */
static int check_signed_on(struct ctx *ctx, const char *signed_on)
{
	struct date d;
	if (signed_on[0] && !date_parse(signed_on, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "signed_on", "field.date_future", "签订日期不能晚于今天");
	return 0;
}

static int duplicate_letter(struct ctx *ctx, const struct holder *h, int year)
{
	return err_set(&ctx->err, E_CONFLICT, "year", "commitment.duplicate", "%s %d 年度的责任书已经签订", h->name, year);
}

int commitment_letter_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct holder h;
	struct item_input in;
	struct stmt *st;
	json_t *items, *x, *ja = NULL;
	char *title = NULL, *signed_by = NULL, signed_on[11] = "";
	int64_t year;
	int rc, step, present;
	size_t k;

	memset(&in, 0, sizeof(in));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = resolve_holder(ctx, body, &h)) ||
	    (rc = body_int_required(ctx, body, "year", "年度", &year)))
		goto out;
	if (year < 2000 || year > ctx->today.y + 1) {
		rc = err_set(&ctx->err, E_INVALID, "year", "commitment.year", "年度须在 2000 至 %d 之间", ctx->today.y + 1);
		goto out;
	}
	if ((rc = parse_text(ctx, body, "title", "责任书名称", COMMITMENT_TITLE_MAX_CHARS, 0, 0, &title, NULL)) ||
	    (rc = parse_text(ctx, body, "signed_by", "签订人", COMMITMENT_SIGNER_MAX_CHARS, 0, 0, &signed_by, NULL)) ||
	    (rc = field_date(ctx, body, "signed_on", "签订日期", signed_on, &present)) ||
	    (rc = check_signed_on(ctx, signed_on)))
		goto out;
	items = json_object_get(body, "items");
	if (items && !json_is_array(items)) {
		rc = err_set(&ctx->err, E_MALFORMED, "items", NULL, "字段 items 必须是数组");
		goto out;
	}
	if (json_array_size(items) > COMMITMENT_MAX_ITEMS) {
		rc = err_set(&ctx->err, E_INVALID, "items", "commitment.items", "一份责任书最多 %d 项承诺", COMMITMENT_MAX_ITEMS);
		goto out;
	}
	/* every item is checked before anything is written: the form shows the first bad one */
	json_array_foreach(items, k, x) {
		if (!json_is_object(x)) {
			rc = err_set(&ctx->err, E_MALFORMED, "items", NULL, "items 的每一项必须是对象");
			goto out;
		}
		if ((rc = parse_item_input(ctx, x, (int)year, 1, &in))) {
			char f[64];
			xsnprintf(f, sizeof(f), "items.%zu.%s", k, ctx->err.field);
			strlcpy_z(ctx->err.field, f, sizeof(ctx->err.field));
			goto out;
		}
		free(in.title);
		in.title = NULL;
	}

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO commitment_letters (holder_type, holder_key, member_id, org_id, year, title, signed_by, "
			"signed_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, h.type);
	stmt_bind_text(st, 2, h.key);
	if (h.member_id)
		stmt_bind_int(st, 3, h.member_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, h.org_id);
	stmt_bind_int(st, 5, year);
	stmt_bind_text(st, 6, title);
	stmt_bind_text(st, 7, signed_by);
	stmt_bind_text(st, 8, signed_on[0] ? signed_on : NULL);
	set_created_by(st, 9, ctx);
	stmt_bind_text(st, 10, ctx->now_iso);
	stmt_bind_text(st, 11, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		/* UNIQUE (holder_key, year): one letter per holder and year */
		rc = step == STEP_CONSTRAINT ? duplicate_letter(ctx, &h, (int)year) : ctx_db_fail(ctx);
		goto rollback;
	}
	json_array_foreach(items, k, x) {
		if ((rc = parse_item_input(ctx, x, (int)year, 1, &in)) || (rc = insert_item(ctx, *id, (int)k + 1, &in, NULL)))
			goto rollback;
		free(in.title);
		in.title = NULL;
	}
	if ((rc = letter_json(ctx, *id, 0, &ja)) || (rc = audit_append(ctx, "create", "commitment_letter", *id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	free(in.title);
	free(title);
	free(signed_by);
	json_decref(ja);
	return rc;
}

int commitment_letter_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct letter l;
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	char *title = NULL, *signed_by = NULL, signed_on[11];
	int64_t version;
	int rc, has_title, has_signer, has_on;

	memset(&l, 0, sizeof(l));
	if ((rc = require_officer(ctx)) || (rc = load_letter(ctx, id, &l, 0)) || (rc = field_version(ctx, body, &version)))
		goto out;
	strlcpy_z(signed_on, l.signed_on, sizeof(signed_on));
	if ((rc = parse_text(ctx, body, "title", "责任书名称", COMMITMENT_TITLE_MAX_CHARS, 0, 0, &title, &has_title)) ||
	    (rc = parse_text(ctx, body, "signed_by", "签订人", COMMITMENT_SIGNER_MAX_CHARS, 0, 0, &signed_by, &has_signer)) ||
	    (rc = field_date(ctx, body, "signed_on", "签订日期", signed_on, &has_on)) ||
	    (rc = check_signed_on(ctx, signed_on)))
		goto out;
	if (version != l.version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE commitment_letters SET title = ?, signed_by = ?, signed_on = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, has_title ? title : l.title);
	stmt_bind_text(st, 2, has_signer ? signed_by : l.signed_by);
	stmt_bind_text(st, 3, signed_on[0] ? signed_on : NULL);
	stmt_bind_text(st, 4, ctx->now_iso);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto rollback;
	}
	jb = letter_to_json(&l);
	if ((rc = letter_json(ctx, id, 0, &ja)) || (rc = audit_append(ctx, "update", "commitment_letter", id, jb, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	letter_release(&l);
	free(title);
	free(signed_by);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

/* ---- filters shared by the lists --------------------------------------------------- */

/* WHERE of a subtree list; with_items adds the item filters. */
static int build_where(struct ctx *ctx, const struct commitment_filter *f, int with_items, struct listq *q)
{
	char today[11];
	int rc;
	if ((rc = listq_subtree(ctx, q, "o.path", f->org_id)))
		return rc;
	listq_filter_int(q, "l.year = ?", f->year);
	listq_filter_text(q, "l.holder_type = ?", f->holder_type);
	if (!with_items) {
		listq_filter_contains(q, "(l.title LIKE ? ESCAPE '\\' OR COALESCE(m.name, o.name) LIKE ? ESCAPE '\\')", 2, f->q);
		return 0;
	}
	if (f->status >= 0)
		listq_where_text(q, "i.status = ?", named_code_at(statuses, CS__COUNT, f->status));
	if (f->overdue) {
		/* due_on is 'YYYY-MM-DD' text: byte order is date order */
		date_format(ctx->today, today);
		listq_where_text(q, "i.status = 'pending' AND i.due_on < ?", today);
	}
	listq_filter_text(q, "i.category = ?", f->category);
	listq_filter_contains(q, "(i.title LIKE ? ESCAPE '\\' OR COALESCE(m.name, o.name) LIKE ? ESCAPE '\\')", 2, f->q);
	return 0;
}

static json_t *item_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct item it;
	json_t *j;
	(void)arg;
	read_item(st, &it);
	j = item_to_json(ctx, &it);
	item_release(&it);
	return j;
}

int commitment_items_list(struct ctx *ctx, const struct commitment_filter *f, int page, int per_page, json_t **items,
			  int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" ITEM_FROM, "SELECT " ITEM_COLS ITEM_FROM,
		/* pending first, the earliest due date on top */
		" ORDER BY CASE WHEN i.status = 'pending' THEN 0 ELSE 1 END, i.due_on, o.path, i.letter_id, i.seq, i.id",
	};
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if (!(rc = require_officer(ctx)) && !(rc = build_where(ctx, f, 1, &q)))
		rc = listq_list(ctx, &q, &sql, page, per_page, item_row, NULL, items, total);
	listq_release(&q);
	return rc;
}

static json_t *letter_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct letter l;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_letter(st, &l);
	j = letter_to_json(&l);
	json_object_set_new(j, "summary", summary_json((int)stmt_int(st, 14), (int)stmt_int(st, 15), (int)stmt_int(st, 16),
						       (int)stmt_int(st, 17), (int)stmt_int(st, 18)));
	letter_release(&l);
	return j;
}

int commitment_letters_list(struct ctx *ctx, const struct commitment_filter *f, int page, int per_page, json_t **items,
			    int64_t *total)
{
	/* the counts of the page's letters only: a letter has at most COMMITMENT_MAX_ITEMS items */
	static const struct listq_sql sql = {
		"SELECT count(*)" LETTER_FROM,
		"SELECT " LETTER_COLS ", x.total, x.done, x.pending, x.overdue, x.cancelled" LETTER_FROM
		"LEFT JOIN (SELECT letter_id, count(*) AS total, "
		"sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done, "
		"sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, "
		"sum(CASE WHEN status = 'pending' AND due_on < ? THEN 1 ELSE 0 END) AS overdue, "
		"sum(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled "
		"FROM commitment_items GROUP BY letter_id) x ON x.letter_id = l.id ",
		" ORDER BY l.year DESC, o.path, l.holder_type DESC, COALESCE(m.name, o.name), l.id",
	};
	struct listq q;
	char today[11];
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	date_format(ctx->today, today);
	listq_head_text(&q, today); /* the subquery's due date */
	if (!(rc = require_officer(ctx)) && !(rc = build_where(ctx, f, 0, &q)))
		rc = listq_list(ctx, &q, &sql, page, per_page, letter_row, NULL, items, total);
	listq_release(&q);
	return rc;
}

/* ---- items: adding, editing, completing, cancelling -------------------------------- */

int commitment_item_add(struct ctx *ctx, int64_t letter_id, json_t *body, int64_t *id)
{
	struct letter l;
	struct item_input in;
	struct stmt *st;
	json_t *ja = NULL;
	int rc, step, n = 0;

	memset(&in, 0, sizeof(in));
	memset(&l, 0, sizeof(l));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = load_letter(ctx, letter_id, &l, 0)) ||
	    (rc = parse_item_input(ctx, body, l.year, 1, &in)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* touching the letter serializes concurrent additions (row lock on PostgreSQL) */
	st = db_prepare(ctx->db, "UPDATE commitment_letters SET updated_at = ? WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, letter_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	st = db_prepare(ctx->db, "SELECT count(*), COALESCE(max(seq), 0) FROM commitment_items WHERE letter_id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, letter_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && stmt_int(st, 0) >= COMMITMENT_MAX_ITEMS)
		rc = err_set(&ctx->err, E_RULE, "items", "commitment.items", "一份责任书最多 %d 项承诺", COMMITMENT_MAX_ITEMS);
	else if (step == STEP_ROW)
		n = (int)stmt_int(st, 1);
	else
		rc = ctx_db_fail(ctx);
	stmt_reset(st);
	if (rc || (rc = insert_item(ctx, letter_id, n + 1, &in, id)))
		goto rollback;
	if ((rc = commitment_item_get(ctx, *id, &ja)) || (rc = audit_append(ctx, "create", "commitment_item", *id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	free(in.title);
	letter_release(&l);
	json_decref(ja);
	return rc;
}

static int status_conflict(struct ctx *ctx, const struct item *it, const char *verb)
{
	return err_set(&ctx->err, E_CONFLICT, "status", "commitment.status", "该承诺事项%s，不能%s",
		       commitment_status_name(it->status), verb);
}

/*
 * The write every item change ends with: sql updates the item WHERE id = ? AND version = ?
 * AND status = 'pending' (its last two parameters); no row changed means someone else
 * changed it first. Audited with before/after, committed.
 */
static int finish_item_write(struct ctx *ctx, struct stmt *st, int nbound, const struct item *before, int64_t version,
			     const char *action)
{
	json_t *jb = NULL, *ja = NULL;
	int rc;
	stmt_bind_int(st, nbound + 1, before->id);
	stmt_bind_int(st, nbound + 2, version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
	jb = item_to_json(ctx, before);
	if (!(rc = commitment_item_get(ctx, before->id, &ja)))
		rc = audit_append(ctx, action, "commitment_item", before->id, jb, ja);
	/* a done item writes its member's points, a cancelled one takes them back (points_sync.c) */
	if (!rc)
		rc = points_sync_commitment_item(ctx, before->id);
	json_decref(jb);
	json_decref(ja);
	return rc ? rc : db_commit(ctx->db, &ctx->err);
}

/* version current and the item still pending, or 409 naming what is wrong */
static int check_pending(struct ctx *ctx, const struct item *it, int64_t version, const char *verb)
{
	if (commitment_transition_ok(it->status, CS_DONE))
		return status_conflict(ctx, it, verb);
	if (version != it->version)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
	return 0;
}

int commitment_item_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct item it;
	struct item_input in;
	struct stmt *st;
	int64_t version;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&it, 0, sizeof(it));
	if ((rc = require_officer(ctx)) || (rc = load_item(ctx, id, &it, 0)) || (rc = field_version(ctx, body, &version)) ||
	    (rc = parse_item_input(ctx, body, it.year, 0, &in)) || (rc = check_pending(ctx, &it, version, "修改")))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE commitment_items SET title = ?, category = ?, due_on = ?, public = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, in.has_title ? in.title : it.title);
	stmt_bind_text(st, 2, in.has_category ? in.category : it.category);
	stmt_bind_text(st, 3, in.has_due ? in.due_on : it.due_on);
	stmt_bind_int(st, 4, in.has_public ? in.public_ : it.public_);
	stmt_bind_text(st, 5, ctx->now_iso);
	if ((rc = finish_item_write(ctx, st, 5, &it, version, "update")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(in.title);
	item_release(&it);
	return rc;
}

int commitment_item_complete(struct ctx *ctx, int64_t id, json_t *body, int self)
{
	struct item it;
	struct stmt *st;
	struct date on, year_start = { 0, 1, 1 };
	char *evidence = NULL, done_on[11] = "";
	int64_t version;
	int rc, present;

	memset(&it, 0, sizeof(it));
	if ((!self && (rc = require_officer(ctx))) || (rc = load_item(ctx, id, &it, self ? SEE_OWN : SEE_SCOPE)) ||
	    (rc = field_version(ctx, body, &version)) || (rc = check_pending(ctx, &it, version, "完成")))
		goto out;
	if ((rc = parse_text(ctx, body, "evidence", "践诺情况", COMMITMENT_TEXT_MAX_CHARS, 1, 0, &evidence, NULL)))
		goto out;
	if (!evidence) {
		rc = err_set(&ctx->err, E_RULE, "evidence", "commitment.evidence", "完成承诺须填写践诺情况（做了什么、成效如何）");
		goto out;
	}
	if ((rc = field_date(ctx, body, "done_on", "完成日期", done_on, &present)))
		goto out;
	on = ctx->today;
	if (done_on[0])
		date_parse(done_on, &on);
	year_start.y = it.year;
	if (date_cmp(on, ctx->today) > 0) {
		rc = err_set(&ctx->err, E_INVALID, "done_on", "field.date_future", "完成日期不能晚于今天");
		goto out;
	}
	if (date_cmp(on, year_start) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "done_on", "field.date", "完成日期不能早于责任书年度（%d 年）", it.year);
		goto out;
	}
	date_format(on, done_on);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE commitment_items SET status = 'done', evidence = ?, done_on = ?, completed_by = ?, "
			"updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, evidence);
	stmt_bind_text(st, 2, done_on);
	set_created_by(st, 3, ctx);
	stmt_bind_text(st, 4, ctx->now_iso);
	if ((rc = finish_item_write(ctx, st, 4, &it, version, "complete")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(evidence);
	item_release(&it);
	return rc;
}

int commitment_item_cancel(struct ctx *ctx, int64_t id, json_t *body)
{
	struct item it;
	struct stmt *st;
	char *reason = NULL, today[11];
	int64_t version;
	int rc;

	memset(&it, 0, sizeof(it));
	if ((rc = require_officer(ctx)) || (rc = load_item(ctx, id, &it, 0)) || (rc = field_version(ctx, body, &version)) ||
	    (rc = check_pending(ctx, &it, version, "取消")))
		goto out;
	if ((rc = parse_text(ctx, body, "reason", "取消原因", COMMITMENT_TEXT_MAX_CHARS, 1, 0, &reason, NULL)))
		goto out;
	if (!reason) {
		rc = err_set(&ctx->err, E_RULE, "reason", "commitment.reason", "取消承诺须说明原因");
		goto out;
	}
	date_format(ctx->today, today);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE commitment_items SET status = 'cancelled', cancel_reason = ?, cancelled_on = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, reason);
	stmt_bind_text(st, 2, today);
	stmt_bind_text(st, 3, ctx->now_iso);
	if ((rc = finish_item_write(ctx, st, 3, &it, version, "cancel")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(reason);
	item_release(&it);
	return rc;
}

/* ---- statistics ------------------------------------------------------------------- */

struct tally {
	int total, done, pending, overdue, cancelled;
};

static void tally_add(struct tally *t, int status, int overdue, int n)
{
	t->total += n;
	if (status == CS_DONE)
		t->done += n;
	else if (status == CS_PENDING)
		t->pending += n;
	else if (status == CS_CANCELLED)
		t->cancelled += n;
	if (overdue)
		t->overdue += n;
}

static json_t *tally_json(const struct tally *t)
{
	return summary_json(t->total, t->done, t->pending, t->overdue, t->cancelled);
}

#define STATS_MAX_YEARS 20

/* the tallies of one commitment_stats call, filled row by row */
struct stats_acc {
	int from, to;
	struct tally all, per_cat[NAMED_COUNT(categories)], per_year[STATS_MAX_YEARS];
};

static json_t *stats_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct stats_acc *a = arg;
	int year = (int)stmt_int(st, 0), cat = commitment_category_parse(stmt_text(st, 1));
	int status = commitment_status_parse(stmt_text(st, 2)), overdue = (int)stmt_int(st, 3);
	int n = (int)stmt_int(st, 4);
	(void)ctx;
	tally_add(&a->all, status, overdue, n);
	if (cat >= 0)
		tally_add(&a->per_cat[cat], status, overdue, n);
	if (year >= a->from && year <= a->to)
		tally_add(&a->per_year[year - a->from], status, overdue, n);
	return NULL;
}

int commitment_stats(struct ctx *ctx, int64_t org_id, int from, int to, json_t **out)
{
	/* one pass over the subtree's items: a row per (year, category, status, overdue); grouped by
	 * position, since PostgreSQL would not match a repeated parameter in GROUP BY to the select list */
	static const struct listq_sql sql = {
		NULL,
		"SELECT l.year, i.category, i.status, CASE WHEN i.status = 'pending' AND i.due_on < ? THEN 1 ELSE 0 END, "
		"count(*) FROM commitment_items i JOIN commitment_letters l ON l.id = i.letter_id JOIN orgs o ON "
		"o.id = l.org_id",
		" GROUP BY 1, 2, 3, 4",
	};
	struct stats_acc *a = xcalloc(1, sizeof(*a));
	struct listq q;
	char today[11];
	json_t *j = NULL, *cats, *years, *none = NULL;
	int rc, k;

	*out = NULL;
	listq_init(&q);
	if ((rc = require_officer(ctx)) || (rc = listq_subtree(ctx, &q, "o.path", org_id)))
		goto out;
	if (!to)
		to = ctx->today.y;
	if (!from)
		from = to - 3;
	if (from > to || to - from >= STATS_MAX_YEARS) {
		rc = err_set(&ctx->err, E_INVALID, "from", "commitment.years", "统计年度范围须在 1 至 %d 年之间", STATS_MAX_YEARS);
		goto out;
	}
	a->from = from;
	a->to = to;
	date_format(ctx->today, today);
	listq_head_text(&q, today);
	listq_where_int(&q, "l.year >= ?", from);
	listq_where_int(&q, "l.year <= ?", to);
	if ((rc = listq_fetch(ctx, &q, &sql, 1, 0, stats_row, a, &none)))
		goto out;
	cats = json_array();
	for (k = 0; k < (int)NAMED_COUNT(categories); k++) {
		json_t *c = tally_json(&a->per_cat[k]);
		json_object_set_new(c, "category", json_string(categories[k].code));
		json_object_set_new(c, "category_name", json_string(categories[k].name));
		json_array_append_new(cats, c);
	}
	years = json_array();
	for (k = 0; k <= to - from; k++) {
		json_t *y = tally_json(&a->per_year[k]);
		json_object_set_new(y, "year", json_integer(from + k));
		json_array_append_new(years, y);
	}
	j = tally_json(&a->all);
	json_object_set_new(j, "org_id", json_integer(q.root.id));
	json_object_set_new(j, "org_name", json_string(q.root.name));
	json_object_set_new(j, "from", json_integer(from));
	json_object_set_new(j, "to", json_integer(to));
	json_object_set_new(j, "by_category", cats);
	json_object_set_new(j, "by_year", years);
	*out = j;
out:
	json_decref(none);
	listq_release(&q);
	free(a);
	return rc;
}

/* ---- public board and the member's own --------------------------------------------- */

static json_t *public_item_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct item it;
	const char *cat;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_item(st, &it);
	cat = commitment_category_name(it.category);
	/* public facts only: no evidence text, no ids of members */
	j = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)it.id, "year", it.year,
		      "holder_name", it.holder_name, "org_name", it.org_name, "title", it.title ? it.title : "",
		      "category_name", cat ? cat : it.category, "due_on", it.due_on, "status",
		      named_code_at(statuses, CS__COUNT, it.status), "status_name", commitment_status_name(it.status),
		      "done_on", json_str_or_null(it.done_on));
	item_release(&it);
	return j;
}

int commitment_public_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
			   int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" ITEM_FROM, "SELECT " ITEM_COLS ITEM_FROM, " ORDER BY l.year DESC, o.path, l.id, i.seq",
	};
	struct commitment_filter f = { org_id, year, NULL, -1, 0, NULL, NULL };
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if (!(rc = build_where(ctx, &f, 1, &q))) {
		/* cancelled items are withdrawn from the board */
		listq_where(&q, "i.public = 1 AND i.status <> 'cancelled'");
		rc = listq_list(ctx, &q, &sql, page, per_page, public_item_row, NULL, items, total);
	}
	listq_release(&q);
	return rc;
}

int commitment_mine(struct ctx *ctx, int year, json_t **out)
{
	struct stmt *st;
	json_t *letters = json_array();
	int64_t ids[64];
	int n = 0, step, rc = 0, k;

	*out = NULL;
	if (!ctx->actor.member_id) {
		json_decref(letters);
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "该账号没有关联党员档案");
	}
	st = db_prepare(ctx->db,
			year ? "SELECT id FROM commitment_letters WHERE member_id = ? AND year = ? ORDER BY year DESC, id"
			     : "SELECT id FROM commitment_letters WHERE member_id = ? ORDER BY year DESC, id",
			&ctx->err);
	if (!st) {
		json_decref(letters);
		return E_DB;
	}
	stmt_bind_int(st, 1, ctx->actor.member_id);
	if (year)
		stmt_bind_int(st, 2, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (n < (int)(sizeof(ids) / sizeof(ids[0])))
			ids[n++] = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(letters);
		return ctx_db_fail(ctx);
	}
	for (k = 0; k < n && !rc; k++) {
		json_t *j = NULL;
		if (!(rc = letter_json(ctx, ids[k], SEE_OWN, &j)))
			json_array_append_new(letters, j);
	}
	if (rc) {
		json_decref(letters);
		return rc;
	}
	*out = json_pack("{s:o}", "letters", letters);
	return 0;
}
