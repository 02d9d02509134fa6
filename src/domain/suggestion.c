/*
 * 合理化建议 (issue 9; see suggestion.h). A suggestion is written once by its sender and
 * then only answered: converted into a 民情诉求 or closed with a reply, each one UPDATE
 * guarded by the row's version and status = 'open', so two managers cannot both answer
 * it. The contact phone of a board suggestion never leaves this file in full except
 * through suggestion_reveal (audited); lists, details and the audit log carry the mask.
 */
#include "domain/suggestion.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/board.h"
#include "domain/field.h"
#include "domain/idcard.h"
#include "domain/listq.h"
#include "domain/mass_request.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/pii.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "建议不存在或不在您的管理范围内"
#define MINE_NOT_FOUND_MSG "建议不存在或不是您提交的"
#define BOARD_NOT_FOUND_MSG "公开栏不存在或未开放"
#define STALE_MSG "该建议已被他人处理，请刷新后重试"
#define ANONYMOUS "匿名群众"

static const struct named statuses[] = {
	{ "open", "待处理" }, { "converted", "已转民情诉求" }, { "closed", "已答复办结" },
};
enum { SS_OPEN, SS_CONVERTED, SS_CLOSED };

static const struct named sources[] = {
	{ "member", "党员提交" }, { "board", "公开栏群众" },
};
enum { SRC_MEMBER, SRC_BOARD };

int suggestion_code_known(const char *kind, const char *s)
{
	if (!strcmp(kind, "status"))
		return named_index(statuses, NAMED_COUNT(statuses), s) >= 0;
	return named_index(sources, NAMED_COUNT(sources), s) >= 0;
}

/* ---- reading --------------------------------------------------------------------- */

#define SG_COLS                                                                                              \
	"s.id, s.org_id, o.name, s.org_path, s.source, s.member_id, m.name, s.name, s.contact_mask, s.title, " \
	"s.status, s.reply, s.replied_at, s.request_id, s.year, s.created_at, s.version, s.body, r.reply"
#define SG_FROM                                                                      \
	" FROM suggestions s JOIN orgs o ON o.id = s.org_id LEFT JOIN members m ON m.id = s.member_id " \
	"LEFT JOIN mass_requests r ON r.id = s.request_id "

struct sg {
	int64_t id, org_id, member_id, request_id, version;
	int status, source, year;
	char org_name[128], org_path[PATH_MAX_LEN], member_name[128], name[128], contact_mask[24];
	char replied_at[21], created_at[21];
	char *title, *body, *reply, *request_reply; /* owned */
};

static void sg_release(struct sg *s)
{
	free(s->title);
	free(s->body);
	free(s->reply);
	free(s->request_reply);
	s->title = s->body = s->reply = s->request_reply = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void read_sg(struct stmt *st, void *rec)
{
	struct sg *s = rec;
	memset(s, 0, sizeof(*s));
	s->id = stmt_int(st, 0);
	s->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, s->org_name, sizeof(s->org_name));
	stmt_text_copy(st, 3, s->org_path, sizeof(s->org_path));
	s->source = named_index(sources, NAMED_COUNT(sources), stmt_text(st, 4));
	s->member_id = stmt_int(st, 5);
	stmt_text_copy(st, 6, s->member_name, sizeof(s->member_name));
	stmt_text_copy(st, 7, s->name, sizeof(s->name));
	stmt_text_copy(st, 8, s->contact_mask, sizeof(s->contact_mask));
	s->title = dup_or_null(stmt_text(st, 9));
	s->status = named_index(statuses, NAMED_COUNT(statuses), stmt_text(st, 10));
	s->reply = dup_or_null(stmt_text(st, 11));
	stmt_text_copy(st, 12, s->replied_at, sizeof(s->replied_at));
	s->request_id = stmt_int(st, 13);
	s->year = (int)stmt_int(st, 14);
	stmt_text_copy(st, 15, s->created_at, sizeof(s->created_at));
	s->version = stmt_int(st, 16);
	s->body = dup_or_null(stmt_text(st, 17));
	s->request_reply = dup_or_null(stmt_text(st, 18));
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* who sent it, as a manager sees it: the member, the name given, or 匿名群众 */
static const char *submitter(const struct sg *s)
{
	if (s->source == SRC_MEMBER)
		return s->member_name[0] ? s->member_name : "党员";
	return s->name[0] ? s->name : ANONYMOUS;
}

/* the fields both sides see */
static json_t *common_json(const struct sg *s, int with_body)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(s->id));
	json_object_set_new(j, "org_id", json_integer(s->org_id));
	json_object_set_new(j, "org_name", json_string(s->org_name));
	json_object_set_new(j, "title", json_str_or_null(s->title));
	if (with_body)
		json_object_set_new(j, "body", json_str_or_null(s->body));
	json_object_set_new(j, "status", json_string(named_code_at(statuses, NAMED_COUNT(statuses), s->status)));
	json_object_set_new(j, "status_name", json_string(named_name_at(statuses, NAMED_COUNT(statuses), s->status)));
	json_object_set_new(j, "reply", json_str_or_null(s->reply));
	json_object_set_new(j, "replied_at", json_str_or_null(s->replied_at));
	json_object_set_new(j, "request_id", id_or_null(s->request_id));
	/* the 民情诉求's own answer, once it has one */
	json_object_set_new(j, "request_reply", json_str_or_null(s->request_reply));
	json_object_set_new(j, "year", json_integer(s->year));
	json_object_set_new(j, "created_at", json_string(s->created_at));
	return j;
}

/* the managers' rendering: the sender (the contact masked) and the version */
static json_t *manager_json(const struct sg *s, int with_body)
{
	json_t *j = common_json(s, with_body);
	json_object_set_new(j, "source", json_string(named_code_at(sources, NAMED_COUNT(sources), s->source)));
	json_object_set_new(j, "source_name", json_string(named_name_at(sources, NAMED_COUNT(sources), s->source)));
	json_object_set_new(j, "member_id", id_or_null(s->member_id));
	json_object_set_new(j, "submitter", json_string(submitter(s)));
	json_object_set_new(j, "name", json_str_or_null(s->name));
	json_object_set_new(j, "contact", json_str_or_null(s->contact_mask)); /* masked: see suggestion_reveal */
	json_object_set_new(j, "has_contact", json_boolean(s->contact_mask[0] != '\0'));
	json_object_set_new(j, "version", json_integer(s->version));
	return j;
}

static int load_row(struct ctx *ctx, int64_t id, struct sg *s, int *found)
{
	return listq_load_by_id(ctx, "SELECT " SG_COLS SG_FROM "WHERE s.id = ?", id, read_sg, s, sizeof(*s), found);
}

static int require_manager(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "suggestion.role", "只有支部书记或管理员可以处理合理化建议");
	return 0;
}

/* a manager whose scope holds the suggestion's branch; 404 otherwise */
static int load_scoped(struct ctx *ctx, int64_t id, struct sg *s)
{
	int found, rc;
	if ((rc = require_manager(ctx)) || (rc = load_row(ctx, id, s, &found)))
		return rc;
	if (!found || !ctx_path_in_scope(ctx, s->org_path)) {
		sg_release(s);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return 0;
}

int suggestion_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct sg s;
	int rc;
	*out = NULL;
	if ((rc = load_scoped(ctx, id, &s)))
		return rc;
	*out = manager_json(&s, 1);
	sg_release(&s);
	return 0;
}

static json_t *list_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct sg s;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_sg(st, &s);
	j = manager_json(&s, 0);
	sg_release(&s);
	return j;
}

/* the list's and the statistics' conditions beyond the subtree */
static int where_filter(struct ctx *ctx, struct listq *q, const struct suggestion_filter *f)
{
	if (f->status && f->status[0] && !suggestion_code_known("status", f->status))
		return err_set(&ctx->err, E_INVALID, "status", "suggestion.code", "status 须为 open、converted 或 closed");
	if (f->source && f->source[0] && !suggestion_code_known("source", f->source))
		return err_set(&ctx->err, E_INVALID, "source", "suggestion.code", "source 须为 member 或 board");
	listq_filter_text(q, "s.status = ?", f->status);
	listq_filter_text(q, "s.source = ?", f->source);
	listq_filter_int(q, "s.year = ?", f->year);
	listq_filter_contains(q, "(s.title LIKE ? ESCAPE '\\' OR s.body LIKE ? ESCAPE '\\')", 2, f->q);
	return 0;
}

int suggestion_list(struct ctx *ctx, const struct suggestion_filter *f, int page, int per_page, json_t **items,
		    int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM suggestions s",
		"SELECT " SG_COLS SG_FROM,
		" ORDER BY s.created_at DESC, s.id DESC",
	};
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	if ((rc = require_manager(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "s.org_path", f->org_id)) && !(rc = where_filter(ctx, &q, f)))
		rc = listq_list(ctx, &q, &sql, page, per_page, list_row, NULL, items, total);
	listq_release(&q);
	return rc;
}

/* ---- the statistics ---------------------------------------------------------------- */

struct tally {
	int64_t total, by_source[NAMED_COUNT(sources)], by_status[NAMED_COUNT(statuses)];
};

static json_t *tally_json(const struct tally *t)
{
	json_t *j = json_object();
	size_t i;
	json_object_set_new(j, "total", json_integer(t->total));
	for (i = 0; i < NAMED_COUNT(sources); i++)
		json_object_set_new(j, sources[i].code, json_integer(t->by_source[i]));
	for (i = 0; i < NAMED_COUNT(statuses); i++)
		json_object_set_new(j, statuses[i].code, json_integer(t->by_status[i]));
	return j;
}

struct stats_acc {
	struct tally all, branch;
	int64_t branch_id;
	char branch_name[128];
	json_t *branches;
};

static void flush_branch(struct stats_acc *a)
{
	json_t *j;
	if (!a->branch_id)
		return;
	j = tally_json(&a->branch);
	json_object_set_new(j, "org_id", json_integer(a->branch_id));
	json_object_set_new(j, "name", json_string(a->branch_name));
	json_array_append_new(a->branches, j);
	memset(&a->branch, 0, sizeof(a->branch));
	a->branch_id = 0;
}

/* rows come ordered by branch: one (branch, source, status, count) at a time */
static json_t *stats_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct stats_acc *a = arg;
	int64_t org = stmt_int(st, 0), n = stmt_int(st, 4);
	int src = named_index(sources, NAMED_COUNT(sources), stmt_text(st, 2));
	int sts = named_index(statuses, NAMED_COUNT(statuses), stmt_text(st, 3));
	(void)ctx;
	if (org != a->branch_id) {
		flush_branch(a);
		a->branch_id = org;
		stmt_text_copy(st, 1, a->branch_name, sizeof(a->branch_name));
	}
	a->branch.total += n;
	a->all.total += n;
	if (src >= 0) {
		a->branch.by_source[src] += n;
		a->all.by_source[src] += n;
	}
	if (sts >= 0) {
		a->branch.by_status[sts] += n;
		a->all.by_status[sts] += n;
	}
	return NULL;
}

static json_t *year_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return json_pack("{s:I, s:I}", "year", (json_int_t)stmt_int(st, 0), "total", (json_int_t)stmt_int(st, 1));
}

int suggestion_stats(struct ctx *ctx, int64_t org_id, int year, json_t **out)
{
	static const struct listq_sql sql = {
		NULL,
		"SELECT s.org_id, o.name, s.source, s.status, count(*) FROM suggestions s JOIN orgs o ON o.id = s.org_id",
		" GROUP BY s.org_id, o.name, o.path, s.source, s.status ORDER BY o.path, s.org_id",
	};
	static const struct listq_sql years_sql = {
		NULL, "SELECT s.year, count(*) FROM suggestions s", " GROUP BY s.year ORDER BY s.year DESC",
	};
	struct suggestion_filter f;
	struct stats_acc a;
	struct listq q;
	json_t *rows = NULL, *years = NULL;
	int rc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	memset(&f, 0, sizeof(f));
	f.year = year ? year : ctx->today.y;
	if ((rc = require_manager(ctx)))
		return rc;
	listq_init(&q);
	if ((rc = listq_subtree(ctx, &q, "s.org_path", org_id)) || (rc = listq_fetch(ctx, &q, &years_sql, 1, 0, year_row, NULL, &years)))
		goto out;
	/* the same conditions as the list with ?year=: the counts match it */
	if ((rc = where_filter(ctx, &q, &f)))
		goto out;
	a.branches = json_array();
	if ((rc = listq_fetch(ctx, &q, &sql, 1, 0, stats_row, &a, &rows)))
		goto out;
	flush_branch(&a);
	*out = tally_json(&a.all);
	json_object_set_new(*out, "year", json_integer(f.year));
	json_object_set_new(*out, "org_id", json_integer(q.root.id));
	json_object_set_new(*out, "org_name", json_string(q.root.name));
	json_object_set_new(*out, "branches", a.branches);
	json_object_set_new(*out, "years", years);
	a.branches = years = NULL;
out:
	json_decref(rows);
	json_decref(years);
	json_decref(a.branches);
	listq_release(&q);
	return rc;
}

/* ---- writing: the sender's side ------------------------------------------------------ */

static int is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* a text field: required ones may not be blank */
static int text_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, size_t max,
		      int multiline, const char **out)
{
	int rc = field_text(ctx, body, key, label, required, max, multiline, out, NULL);
	if (rc)
		return rc;
	if (*out && is_blank(*out))
		*out = NULL;
	if (required && !*out)
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
	return 0;
}

struct sg_input {
	const char *title, *body, *name; /* borrowed from the body */
	char contact[32], contact_mask[24];
	char *contact_enc;               /* owned */
};

static int parse_input(struct ctx *ctx, json_t *body, int public_form, struct sg_input *in)
{
	const char *contact = NULL;
	int rc;
	memset(in, 0, sizeof(*in));
	if ((rc = text_field(ctx, body, "title", "标题", 1, SUGGESTION_TITLE_MAX_CHARS, 0, &in->title)) ||
	    (rc = text_field(ctx, body, "body", "建议内容", 1, SUGGESTION_BODY_MAX_CHARS, 1, &in->body)))
		return rc;
	if (!public_form)
		return 0;
	if ((rc = text_field(ctx, body, "name", "姓名", 0, NAME_MAX_CHARS, 0, &in->name)) ||
	    (in->name && (rc = name_validate(in->name, &ctx->err, "name"))) ||
	    (rc = text_field(ctx, body, "contact", "联系电话", 0, 24, 0, &contact)))
		return rc;
	if (contact) {
		if ((rc = phone_normalize(contact, in->contact, sizeof(in->contact), &ctx->err))) {
			strlcpy_z(ctx->err.field, "contact", sizeof(ctx->err.field));
			return rc;
		}
		phone_mask(in->contact, in->contact_mask, sizeof(in->contact_mask));
		pii_encrypt(in->contact, &in->contact_enc);
	}
	return 0;
}

struct target {
	int64_t org_id, member_id;
	char org_path[PATH_MAX_LEN];
};

/* inserts the row; audits "create" with the masked rendering; does not commit */
static int insert(struct ctx *ctx, const struct target *t, const struct sg_input *in, int64_t *id)
{
	struct stmt *st;
	struct sg s;
	json_t *after = NULL;
	int rc, found;

	st = db_prepare(ctx->db,
			"INSERT INTO suggestions (org_id, org_path, source, member_id, name, contact_enc, contact_mask, title, "
			"body, status, year, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, t->org_id);
	stmt_bind_text(st, 2, t->org_path);
	stmt_bind_text(st, 3, t->member_id ? "member" : "board");
	if (t->member_id)
		stmt_bind_int(st, 4, t->member_id);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, in->name);
	stmt_bind_text(st, 6, in->contact_enc);
	stmt_bind_text(st, 7, in->contact_enc ? in->contact_mask : NULL);
	stmt_bind_text(st, 8, in->title);
	stmt_bind_text(st, 9, in->body);
	stmt_bind_int(st, 10, ctx->today.y);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_text(st, 12, ctx->now_iso);
	if ((rc = ctx_insert_id(ctx, st, id)))
		return rc;
	if ((rc = load_row(ctx, *id, &s, &found)))
		return rc;
	after = manager_json(&s, 1);
	sg_release(&s);
	rc = audit_append(ctx, "create", "suggestion", *id, NULL, after);
	json_decref(after);
	return rc;
}

static int insert_commit(struct ctx *ctx, const struct target *t, const struct sg_input *in, int64_t *id)
{
	int rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = insert(ctx, t, in, id)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		*id = 0;
	}
	return rc;
}

/* the actor's member record and branch; 404 when the account has no active member */
static int my_branch(struct ctx *ctx, struct target *t)
{
	struct stmt *st;
	int step;
	memset(t, 0, sizeof(*t));
	if (ctx->actor.member_id) {
		st = db_prepare(ctx->db,
				"SELECT m.org_id, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ? AND "
				"m.state IN ('active', 'transferring')",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, ctx->actor.member_id);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW) {
			t->org_id = stmt_int(st, 0);
			stmt_text_copy(st, 1, t->org_path, sizeof(t->org_path));
			t->member_id = ctx->actor.member_id;
		}
		stmt_reset(st);
		if (step != STEP_ROW && step != STEP_DONE)
			return ctx_db_fail(ctx);
	}
	if (!t->member_id)
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "该账号没有关联在册党员档案");
	return 0;
}

int suggestion_submit_mine(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct target t;
	struct sg_input in;
	int rc;
	*id = 0;
	if ((rc = my_branch(ctx, &t)) || (rc = parse_input(ctx, body, 0, &in)))
		return rc;
	return insert_commit(ctx, &t, &in, id);
}

/* the member's own rendering: what they wrote and how it was answered, nothing of the managers' */
static json_t *mine_json(const struct sg *s, int with_body)
{
	return common_json(s, with_body);
}

static json_t *mine_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct sg s;
	json_t *j;
	(void)ctx;
	(void)arg;
	read_sg(st, &s);
	j = mine_json(&s, 1);
	sg_release(&s);
	return j;
}

int suggestion_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM suggestions s",
		"SELECT " SG_COLS SG_FROM,
		" ORDER BY s.created_at DESC, s.id DESC",
	};
	struct target t;
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	if ((rc = my_branch(ctx, &t)))
		return rc;
	listq_init(&q);
	listq_where_int(&q, "s.member_id = ?", t.member_id);
	rc = listq_list(ctx, &q, &sql, page, per_page, mine_row, NULL, items, total);
	listq_release(&q);
	return rc;
}

int suggestion_get_mine(struct ctx *ctx, int64_t id, json_t **out)
{
	struct sg s;
	int found, rc;
	*out = NULL;
	if ((rc = load_row(ctx, id, &s, &found)))
		return rc;
	if (!found || !ctx->actor.member_id || s.member_id != ctx->actor.member_id) {
		sg_release(&s);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MINE_NOT_FOUND_MSG);
	}
	*out = mine_json(&s, 1);
	sg_release(&s);
	return 0;
}

/* the branch of the enabled board with key, not dissolved; one 404 for every other case */
static int board_branch(struct ctx *ctx, const char *key, struct target *t)
{
	struct stmt *st;
	int step;
	memset(t, 0, sizeof(*t));
	if (!board_key_ok(key))
		return err_set(&ctx->err, E_NOTFOUND, "key", NULL, BOARD_NOT_FOUND_MSG);
	st = db_prepare(ctx->db,
			"SELECT o.id, o.path FROM boards b JOIN orgs o ON o.id = b.org_id WHERE b.public_key = ? AND "
			"b.enabled = 1 AND o.dissolved_on IS NULL",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, key);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		t->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, t->org_path, sizeof(t->org_path));
	}
	stmt_reset(st);
	if (step == STEP_DONE)
		return err_set(&ctx->err, E_NOTFOUND, "key", NULL, BOARD_NOT_FOUND_MSG);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* the flood guard: at most suggestion.public_per_hour from one board in the last hour */
static int rate_check(struct ctx *ctx, int64_t org_id)
{
	long long cap = ctx->cfg ? config_int(ctx->cfg, CFG_SUGGESTION_PUBLIC_PER_HOUR) : 20;
	char since[21];
	struct stmt *st;
	int64_t n = 0;
	int step;
	time_iso_utc(ctx->now - 3600, since);
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM suggestions WHERE org_id = ? AND source = 'board' AND created_at > ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, since);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (n >= cap)
		return err_set(&ctx->err, E_TOOMANY, NULL, "suggestion.rate", "该公开栏近一小时收到的建议已达上限，请稍后再试");
	return 0;
}

int suggestion_submit_public(struct ctx *ctx, const char *key, json_t *body, json_t **out)
{
	struct target t;
	struct sg_input in;
	int64_t id = 0;
	int rc;
	*out = NULL;
	memset(&in, 0, sizeof(in));
	if ((rc = board_branch(ctx, key, &t)) || (rc = parse_input(ctx, body, 1, &in)) || (rc = rate_check(ctx, t.org_id)))
		goto out;
	if (!ctx->actor.user_id && !ctx->actor.username[0])
		strlcpy_z(ctx->actor.username, "public-board", sizeof(ctx->actor.username));
	if (!(rc = insert_commit(ctx, &t, &in, &id)))
		/* the sender gets no id: there is nothing they could open with it */
		*out = json_pack("{s:b, s:s}", "received", 1, "created_at", ctx->now_iso);
out:
	free(in.contact_enc);
	return rc;
}

/* ---- writing: the managers' side ------------------------------------------------------ */

static int status_conflict(struct ctx *ctx, const struct sg *s, const char *verb)
{
	return err_set(&ctx->err, E_CONFLICT, "status", "suggestion.status", "该建议%s，不能%s",
		       named_name_at(statuses, NAMED_COUNT(statuses), s->status), verb);
}

/* audit before → the row as it is now, then commit */
static int audit_commit(struct ctx *ctx, const char *action, const struct sg *before)
{
	struct sg s;
	json_t *jb = manager_json(before, 1), *ja = NULL;
	int found, rc = load_row(ctx, before->id, &s, &found);
	if (!rc) {
		ja = manager_json(&s, 1);
		sg_release(&s);
		rc = audit_append(ctx, action, "suggestion", before->id, jb, ja);
	}
	json_decref(jb);
	json_decref(ja);
	return rc ? rc : db_commit(ctx->db, &ctx->err);
}

/* the 民情诉求 made of s, inside the open transaction: rq_insert checks it as rq_create would */
static int make_request(struct ctx *ctx, const struct sg *s, const char *category, int64_t *request_id)
{
	struct strbuf content = STRBUF_INIT;
	json_t *b;
	int rc;
	strbuf_addf(&content, "【合理化建议】%s\n%s", s->title ? s->title : "", s->body ? s->body : "");
	/* received on the day it was sent */
	b = json_pack("{s:I, s:s, s:s#, s:s, s:s, s:s}", "org_id", (json_int_t)s->org_id, "channel", "suggestion",
		      "received_on", s->created_at, (int)10, "requester", submitter(s), "content", content.buf, "category",
		      category);
	rc = rq_insert(ctx, b, 0, request_id);
	if (!rc) {
		json_object_set_new(b, "suggestion_id", json_integer(s->id));
		rc = audit_append(ctx, "create", "mass_request", *request_id, NULL, b);
	}
	json_decref(b);
	strbuf_release(&content);
	return rc;
}

int suggestion_convert(struct ctx *ctx, int64_t id, json_t *body)
{
	struct sg s;
	struct stmt *st;
	const char *category = NULL;
	int64_t version, request_id = 0;
	int rc;

	if ((rc = load_scoped(ctx, id, &s)))
		return rc;
	if ((rc = field_version(ctx, body, &version)) ||
	    (rc = text_field(ctx, body, "category", "诉求类别", 1, 32, 0, &category)))
		goto out;
	if (s.status != SS_OPEN) {
		rc = status_conflict(ctx, &s, "转为民情诉求");
		goto out;
	}
	if ((rc = field_version_current(ctx, body, s.version, "建议")) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* the suggestion's row first, guarded: of two clicks only one makes a request */
	st = db_prepare(ctx->db,
			"UPDATE suggestions SET status = 'converted', updated_at = ?, version = version + 1 WHERE id = ? AND "
			"version = ? AND status = 'open'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 1, id, version, STALE_MSG)))
		goto rollback;
	if ((rc = make_request(ctx, &s, category, &request_id)))
		goto rollback;
	if (!(st = db_prepare(ctx->db, "UPDATE suggestions SET request_id = ? WHERE id = ?", &ctx->err))) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, request_id);
	stmt_bind_int(st, 2, id);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = audit_commit(ctx, "convert", &s)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	sg_release(&s);
	return rc;
}

int suggestion_close(struct ctx *ctx, int64_t id, json_t *body)
{
	struct sg s;
	struct stmt *st;
	const char *reply = NULL;
	int64_t version;
	int rc;

	if ((rc = load_scoped(ctx, id, &s)))
		return rc;
	if ((rc = field_version(ctx, body, &version)) ||
	    (rc = text_field(ctx, body, "reply", "答复", 1, SUGGESTION_REPLY_MAX_CHARS, 1, &reply)))
		goto out;
	if (s.status != SS_OPEN) {
		rc = status_conflict(ctx, &s, "答复办结");
		goto out;
	}
	if ((rc = field_version_current(ctx, body, s.version, "建议")) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE suggestions SET status = 'closed', reply = ?, replied_at = ?, replied_by = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ? AND status = 'open'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, reply);
	stmt_bind_text(st, 2, ctx->now_iso);
	ctx_bind_user(ctx, st, 3);
	stmt_bind_text(st, 4, ctx->now_iso);
	if ((rc = field_run_versioned(ctx, st, 4, id, version, STALE_MSG)))
		goto rollback;
	if ((rc = audit_commit(ctx, "close", &s)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	sg_release(&s);
	return rc;
}

int suggestion_reveal(struct ctx *ctx, int64_t id, char **out)
{
	struct sg s;
	struct stmt *st;
	char *enc = NULL;
	json_t *detail = NULL;
	int rc;

	*out = NULL;
	if ((rc = load_scoped(ctx, id, &s)))
		return rc;
	st = db_prepare(ctx->db, "SELECT contact_enc FROM suggestions WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW && stmt_text(st, 0))
		enc = xstrdup(stmt_text(st, 0));
	stmt_reset(st);
	if (!enc) {
		rc = err_set(&ctx->err, E_NOTFOUND, "contact", NULL, "该建议没有留联系电话");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	detail = json_pack("{s:s, s:s}", "field", "contact", "masked", s.contact_mask);
	if ((rc = audit_append(ctx, "reveal", "suggestion", id, NULL, detail)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		goto out;
	}
	rc = pii_decrypt(enc, out, &ctx->err);
out:
	json_decref(detail);
	free(enc);
	sg_release(&s);
	return rc;
}
