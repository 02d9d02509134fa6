/*
 * 通知公告 (issue 9; see notice.h). Who a notice reaches is read from paths, never
 * copied per member: the notice keeps its organization's path and a member is
 * addressed when that path is a prefix of their own (their branch or an ancestor).
 * Every state change is one UPDATE guarded by the row's version and status (and the
 * reminder by reminded_at IS NULL), so two clicks cannot both win.
 */
#include "domain/notice.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/attachment.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/listq.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/titled.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MINE_NOT_FOUND_MSG "通知不存在或不是发给您的"

int notice_status_parse(const char *s)
{
	return titled_status_parse(s);
}

const char *notice_status_name(int s)
{
	return titled_status_name(s);
}

int notice_is_expired(const char *expires_on, struct date today)
{
	struct date d;
	return expires_on && expires_on[0] && !date_parse(expires_on, &d) && date_cmp(d, today) < 0;
}

int notice_reaches(const char *org_path, const char *member_path)
{
	size_t n = strlen(org_path);
	return n > 0 && !strncmp(org_path, member_path, n);
}

/* ---- one notice ------------------------------------------------------------------ */

struct notice {
	struct titled t; /* first: see titled.h */
	int receipt, pinned;
	char *withdraw_reason; /* owned */
	char expires_on[11], reminded_at[21];
};

static void notice_release(void *rec)
{
	struct notice *n = rec;
	titled_release(&n->t);
	free(n->withdraw_reason);
	n->withdraw_reason = NULL;
}

#define NOTICE_COLS \
	TITLED_COLS("n") ", n.receipt, n.pinned, n.expires_on, n.withdraw_reason, n.reminded_at"
#define NOTICE_FROM " FROM notices n JOIN orgs o ON o.id = n.org_id "
#define NOTICE_NCOLS (TITLED_NCOLS + 5)

static void read_notice(struct stmt *st, void *rec)
{
	struct notice *n = rec;
	memset(n, 0, sizeof(*n));
	titled_read(st, &n->t);
	n->receipt = (int)stmt_int(st, TITLED_NCOLS);
	n->pinned = (int)stmt_int(st, TITLED_NCOLS + 1);
	stmt_text_copy(st, TITLED_NCOLS + 2, n->expires_on, sizeof(n->expires_on));
	n->withdraw_reason = titled_dup(stmt_text(st, TITLED_NCOLS + 3));
	stmt_text_copy(st, TITLED_NCOLS + 4, n->reminded_at, sizeof(n->reminded_at));
}

/* The fields both sides show; with_body adds the text. */
static json_t *notice_json(const struct ctx *ctx, const struct notice *n, int with_body)
{
	json_t *j = titled_json(&n->t);
	if (with_body)
		json_object_set_new(j, "body", json_str_or_null(n->t.body));
	json_object_set_new(j, "receipt", json_boolean(n->receipt));
	json_object_set_new(j, "pinned", json_boolean(n->pinned));
	json_object_set_new(j, "expires_on", json_str_or_null(n->expires_on));
	json_object_set_new(j, "expired", json_boolean(notice_is_expired(n->expires_on, ctx->today)));
	json_object_set_new(j, "published_at", json_str_or_null(n->t.published_at));
	json_object_set_new(j, "reminded_at", json_str_or_null(n->reminded_at));
	return j;
}

/* the sender's rendering: every field */
static json_t *sender_json(const struct ctx *ctx, const void *rec, int with_body)
{
	const struct notice *n = rec;
	json_t *j = notice_json(ctx, n, with_body);
	titled_manager_fields(j, &n->t, "withdraw_reason", json_str_or_null(n->withdraw_reason));
	return j;
}

static int sender_view(struct ctx *ctx, int64_t id, int with_counts, json_t **out);

static const struct titled_kind desc = {
	.entity = "notice",
	.noun = "通知",
	.role_rule = "notice.role",
	.role_msg = "只有支部书记或管理员可以发布通知",
	.status_rule = "notice.status",
	.not_found_msg = "通知不存在或不在您的管理范围内",
	.stale_msg = "该通知已被他人修改，请刷新后重试",
	.row_sql = "SELECT " NOTICE_COLS NOTICE_FROM "WHERE n.id = ?",
	.size = sizeof(struct notice),
	.read = read_notice,
	.release = notice_release,
	.manager_json = sender_json,
	.view = sender_view,
	.list_counts = { "read_count", "confirmed_count", "file_count" },
	.ncols = NOTICE_NCOLS,
};

/* 1 when the notice is, today, in the actor's own list (published, not expired, addressed) */
static int addressed(const struct ctx *ctx, const struct notice *n, const char *mpath)
{
	return mpath[0] && n->t.status == NS_PUBLISHED && !notice_is_expired(n->expires_on, ctx->today) &&
	       notice_reaches(n->t.org_path, mpath);
}

/* The notice as the member's own: 404 unless addressed to them. */
static int load_mine(struct ctx *ctx, int64_t id, struct notice *n)
{
	char mpath[PATH_MAX_LEN];
	int found, rc;
	if ((rc = titled_member_path(ctx, mpath, sizeof(mpath))) || (rc = titled_load_row(ctx, &desc, id, n, &found)))
		return rc;
	if (!found || !addressed(ctx, n, mpath)) {
		notice_release(n);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MINE_NOT_FOUND_MSG);
	}
	return 0;
}

static json_t *file_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)stmt_int(st, 0), "filename", stmt_text(st, 1),
			 "mime", stmt_text(st, 2), "size", (json_int_t)stmt_int(st, 3), "created_at", stmt_text(st, 4));
}

static int files_json(struct ctx *ctx, int64_t id, json_t **out)
{
	static const struct listq_sql sql = {
		NULL, "SELECT id, filename, mime, size, created_at FROM notice_files", " ORDER BY id",
	};
	struct listq q;
	int rc;
	listq_init(&q);
	listq_where_int(&q, "notice_id = ?", id);
	rc = listq_fetch(ctx, &q, &sql, 1, 0, file_row, NULL, out);
	listq_release(&q);
	return rc;
}

/* ---- receipts: per branch --------------------------------------------------------- */

/* recipients, read, confirmed */
static void tally_init(struct titled_tally *t)
{
	static const struct titled_tally zero = { { "recipients", "read", "confirmed" }, { 0, 0, 0 } };
	*t = zero;
}

static json_t *tally_json(const struct titled_tally *t)
{
	int64_t recipients = t->count[0], read = t->count[1], confirmed = t->count[2];
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "recipients", (json_int_t)recipients, "read", (json_int_t)read,
			 "unread", (json_int_t)(recipients - read), "confirmed", (json_int_t)confirmed, "unconfirmed",
			 (json_int_t)(recipients - confirmed));
}

/* Limits q to the notice's recipients: n.id = id and the members of its subtree now. */
static void where_recipients(struct listq *q, const struct notice *n)
{
	titled_where_members(q, "n.id = ?", &n->t);
}

#define RECIPIENTS_FROM                                                                           \
	" FROM notices n CROSS JOIN members m JOIN orgs o ON o.id = m.org_id LEFT JOIN notice_reads r " \
	"ON r.notice_id = n.id AND r.member_id = m.id"

static int branch_tally(struct ctx *ctx, const struct notice *n, struct titled_tally *t, json_t **branches)
{
	static const struct listq_sql sql = {
		NULL,
		"SELECT m.org_id, o.name, count(*), count(r.read_at), count(r.confirmed_at)" RECIPIENTS_FROM,
		" GROUP BY m.org_id, o.name, o.path ORDER BY o.path",
	};
	struct listq q;
	int rc;
	tally_init(t);
	listq_init(&q);
	where_recipients(&q, n);
	rc = listq_fetch(ctx, &q, &sql, 1, 0, titled_branch_row, t, branches);
	listq_release(&q);
	return rc;
}

int notice_receipts(struct ctx *ctx, int64_t id, json_t **out)
{
	struct notice n;
	struct titled_tally t;
	json_t *branches = NULL;
	int rc;
	*out = NULL;
	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	if (!(rc = branch_tally(ctx, &n, &t, &branches)))
		*out = json_pack("{s:I, s:b, s:o, s:o}", "notice_id", (json_int_t)id, "receipt", n.receipt, "totals",
				 tally_json(&t), "branches", branches);
	notice_release(&n);
	return rc;
}

static const char *const recipient_times[2] = { "read_at", "confirmed_at" };

int notice_receipt_members(struct ctx *ctx, int64_t id, int64_t org_id, const char *state, int page, int per_page,
			   json_t **items, int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" RECIPIENTS_FROM,
		"SELECT m.id, m.name, m.org_id, o.name, r.read_at, r.confirmed_at" RECIPIENTS_FROM,
		" ORDER BY o.path, m.name, m.id",
	};
	static const struct named states[] = {
		{ "unread", "r.member_id IS NULL" },
		{ "read", "r.member_id IS NOT NULL" },
		{ "unconfirmed", "r.confirmed_at IS NULL" },
		{ "confirmed", "r.confirmed_at IS NOT NULL" },
	};
	struct notice n;
	struct listq q;
	int rc, k = -1;
	*items = NULL;
	*total = 0;
	if (state && state[0] && (k = named_index(states, NAMED_COUNT(states), state)) < 0)
		return err_set(&ctx->err, E_MALFORMED, "state", NULL, "state 须为 unread、read、unconfirmed 或 confirmed");
	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	listq_init(&q);
	where_recipients(&q, &n);
	if (!org_id || !(rc = listq_subtree(ctx, &q, "m.org_path", org_id))) {
		if (k >= 0)
			listq_where(&q, states[k].name);
		rc = listq_list(ctx, &q, &sql, page, per_page, titled_member_row, (void *)recipient_times, items,
				total);
	}
	listq_release(&q);
	notice_release(&n);
	return rc;
}

/* the sender's view; with_counts adds the readers' tally (a pass over the subtree's members) */
static int sender_view(struct ctx *ctx, int64_t id, int with_counts, json_t **out)
{
	struct notice n;
	struct titled_tally t;
	json_t *j = NULL, *files = NULL, *branches = NULL;
	int rc;
	*out = NULL;
	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	if ((rc = files_json(ctx, id, &files)) || (with_counts && (rc = branch_tally(ctx, &n, &t, &branches))))
		goto out;
	j = sender_json(ctx, &n, 1);
	json_object_set_new(j, "files", files);
	if (with_counts)
		json_object_set_new(j, "counts", tally_json(&t));
	files = NULL;
	*out = j;
out:
	json_decref(files);
	json_decref(branches);
	notice_release(&n);
	return rc;
}

int notice_get(struct ctx *ctx, int64_t id, json_t **out)
{
	return sender_view(ctx, id, 1, out);
}

/* ---- the sender's list ------------------------------------------------------------ */

int notice_list(struct ctx *ctx, const struct notice_filter *f, int page, int per_page, json_t **items,
		int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" NOTICE_FROM,
		"SELECT " NOTICE_COLS ", (SELECT count(*) FROM notice_reads r WHERE r.notice_id = n.id), "
		"(SELECT count(r.confirmed_at) FROM notice_reads r WHERE r.notice_id = n.id), "
		"(SELECT count(*) FROM notice_files x WHERE x.notice_id = n.id)" NOTICE_FROM,
		" ORDER BY n.pinned DESC, COALESCE(n.published_at, n.created_at) DESC, n.id DESC",
	};
	return titled_list(ctx, &desc, &sql, "n", f->org_id, f->status, f->q, page, per_page, items, total);
}

/* ---- body fields ----------------------------------------------------------------- */

struct input {
	const char *title, *body; /* borrowed from the JSON body */
	char expires_on[11];
	int receipt, pinned, publish;
	int has_title, has_body, has_expires, has_receipt, has_pinned;
};

static int parse_bool(struct ctx *ctx, json_t *body, const char *key, int *out, int *present)
{
	json_t *v = json_object_get(body, key);
	if (present)
		*present = v != NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是 true 或 false", key);
	*out = json_is_true(v);
	return 0;
}

static int parse_input(struct ctx *ctx, json_t *body, int create, struct input *in)
{
	struct date d;
	int rc;
	memset(in, 0, sizeof(*in));
	if ((rc = field_text(ctx, body, "title", "标题", create, NOTICE_TITLE_MAX_CHARS, 0, &in->title, &in->has_title)) ||
	    (rc = field_text(ctx, body, "body", "正文", create, NOTICE_BODY_MAX_CHARS, 1, &in->body, &in->has_body)))
		return rc;
	if (in->has_title && !in->title)
		return err_set(&ctx->err, E_INVALID, "title", "field.required", "标题不能为空");
	if (in->has_body && !in->body)
		return err_set(&ctx->err, E_INVALID, "body", "field.required", "正文不能为空");
	if ((rc = field_date(ctx, body, "expires_on", "截止日期", in->expires_on, &in->has_expires)))
		return rc;
	if (in->expires_on[0] && !date_parse(in->expires_on, &d) && date_cmp(d, ctx->today) < 0)
		return err_set(&ctx->err, E_INVALID, "expires_on", "notice.expires_past", "截止日期不能早于今天");
	if ((rc = parse_bool(ctx, body, "receipt", &in->receipt, &in->has_receipt)) ||
	    (rc = parse_bool(ctx, body, "pinned", &in->pinned, &in->has_pinned)))
		return rc;
	return create ? parse_bool(ctx, body, "publish", &in->publish, NULL) : 0;
}

/* The sending organization: body.org_id or the actor's scope root; in scope, not a 党小组. */
static int sending_org(struct ctx *ctx, json_t *body, struct org *o)
{
	return field_issuing_org(ctx, body, o, "请选择发文的党组织", "notice.org_kind",
				 "党小组不能发布通知，请以党支部名义发布");
}

int notice_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct input in;
	struct org o;
	struct stmt *st;
	int rc;

	*id = 0;
	if ((rc = titled_require_officer(ctx, &desc)) || (rc = sending_org(ctx, body, &o)) ||
	    (rc = parse_input(ctx, body, 1, &in)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO notices (org_id, org_path, title, body, receipt, pinned, expires_on, status, published_at, "
			"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (st) {
		titled_bind_new(ctx, st, o.id, o.path, in.title, in.publish);
		stmt_bind_text(st, 4, in.body);
		stmt_bind_int(st, 5, in.receipt);
		stmt_bind_int(st, 6, in.pinned);
		if (in.expires_on[0])
			stmt_bind_text(st, 7, in.expires_on);
		else
			stmt_bind_null(st, 7);
	}
	return titled_insert(ctx, &desc, st, id);
}

int notice_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct notice n;
	struct input in;
	struct stmt *st;
	int64_t version;
	int rc;

	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	if ((rc = field_version(ctx, body, &version)) || (rc = parse_input(ctx, body, 0, &in)))
		goto out;
	if (n.t.status == NS_WITHDRAWN) {
		rc = titled_status_conflict(ctx, &desc, &n.t, "修改");
		goto out;
	}
	/* what members have read stays what was published */
	if (n.t.status != NS_DRAFT && (in.has_title || in.has_body || in.has_receipt)) {
		rc = err_set(&ctx->err, E_CONFLICT, in.has_title ? "title" : in.has_body ? "body" : "receipt", "notice.published",
			     "通知已发布，标题、正文和回执要求不能再修改（可撤回后重新发布）");
		goto out;
	}
	if ((rc = field_version_current(ctx, body, n.t.version, "通知")))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE notices SET title = ?, body = ?, receipt = ?, pinned = ?, expires_on = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, in.has_title ? in.title : n.t.title);
	stmt_bind_text(st, 2, in.has_body ? in.body : n.t.body);
	stmt_bind_int(st, 3, in.has_receipt ? in.receipt : n.receipt);
	stmt_bind_int(st, 4, in.has_pinned ? in.pinned : n.pinned);
	if (in.has_expires ? in.expires_on[0] != '\0' : n.expires_on[0] != '\0')
		stmt_bind_text(st, 5, in.has_expires ? in.expires_on : n.expires_on);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, ctx->now_iso);
	if ((rc = titled_finish_write(ctx, &desc, st, 6, &n, version, "update")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	notice_release(&n);
	return rc;
}

/* a notice already past its expiry cannot be published */
static int publish_check(struct ctx *ctx, const void *rec, int publish)
{
	const struct notice *n = rec;
	(void)publish;
	if (notice_is_expired(n->expires_on, ctx->today))
		return err_set(&ctx->err, E_INVALID, "expires_on", "notice.expires_past", "截止日期已过，请先修改截止日期");
	return 0;
}

int notice_publish(struct ctx *ctx, int64_t id, json_t *body)
{
	return titled_step_status(ctx, &desc, id, body, 1,
				  "UPDATE notices SET status = 'published', published_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'",
				  publish_check);
}

int notice_withdraw(struct ctx *ctx, int64_t id, json_t *body)
{
	struct notice n;
	struct stmt *st;
	const char *reason = NULL;
	int64_t version;
	int rc;

	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	if ((rc = field_version(ctx, body, &version)) ||
	    (rc = field_text(ctx, body, "reason", "撤回原因", 0, NOTICE_REASON_MAX_CHARS, 1, &reason, NULL)))
		goto out;
	if (n.t.status != NS_PUBLISHED) {
		rc = titled_status_conflict(ctx, &desc, &n.t, "撤回");
		goto out;
	}
	if ((rc = field_version_current(ctx, body, n.t.version, "通知")) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE notices SET status = 'withdrawn', withdrawn_at = ?, withdraw_reason = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ? AND status = 'published'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	if (reason)
		stmt_bind_text(st, 2, reason);
	else
		stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, ctx->now_iso);
	if ((rc = titled_finish_write(ctx, &desc, st, 3, &n, version, "withdraw")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	notice_release(&n);
	return rc;
}

int notice_remind(struct ctx *ctx, int64_t id)
{
	struct notice n;
	struct stmt *st;
	json_t *jb = NULL;
	int rc;

	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	if (n.reminded_at[0]) {
		rc = err_set(&ctx->err, E_CONFLICT, "reminded_at", "notice.remind_once",
			     "该通知已于 %.10s 提醒过一次，每条通知只能提醒一次", n.reminded_at);
		goto out;
	}
	if (n.t.status != NS_PUBLISHED || notice_is_expired(n.expires_on, ctx->today)) {
		rc = n.t.status != NS_PUBLISHED ? titled_status_conflict(ctx, &desc, &n.t, "提醒")
					      : err_set(&ctx->err, E_CONFLICT, "expires_on", "notice.expired", "通知已过截止日期，不能提醒");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* reminded_at IS NULL in the UPDATE: of two reminders at once only one lands */
	st = db_prepare(ctx->db,
			"UPDATE notices SET reminded_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND "
			"reminded_at IS NULL AND status = 'published'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "reminded_at", "notice.remind_once", "该通知已提醒过一次，每条通知只能提醒一次");
		goto rollback;
	}
	jb = sender_json(ctx, &n, 0);
	if ((rc = titled_audit_commit(ctx, &desc, "remind", id, jb)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	notice_release(&n);
	return rc;
}

/* ---- files ------------------------------------------------------------------------ */

int notice_file_add(struct ctx *ctx, int64_t id, const char *filename, const char *tmp_path, const char *sha256,
		    int64_t size, json_t **out)
{
	static const struct listq_sql sql = {
		NULL, "SELECT id, filename, mime, size, created_at FROM notice_files", "",
	};
	struct notice n;
	struct stmt *st;
	struct listq q;
	const char *mime = NULL;
	json_t *after = NULL, *rows = NULL;
	int64_t count = 0, fid = 0;
	int rc;

	*out = NULL;
	if ((rc = titled_load_scoped(ctx, &desc, id, &n)))
		return rc;
	listq_init(&q);
	listq_where_int(&q, "notice_id = ?", id);
	if (n.t.status == NS_WITHDRAWN) {
		rc = titled_status_conflict(ctx, &desc, &n.t, "添加附件");
		goto out;
	}
	if ((rc = listq_count(ctx, &q, "SELECT count(*) FROM notice_files", &count)))
		goto out;
	if (count >= NOTICE_MAX_FILES) {
		rc = err_set(&ctx->err, E_RULE, "file", "notice.files", "每条通知最多 %d 个附件", NOTICE_MAX_FILES);
		goto out;
	}
	if ((rc = attachment_take(ctx, filename, tmp_path, sha256, &mime)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO notice_files (notice_id, sha256, filename, mime, size, created_by, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, sha256);
	stmt_bind_text(st, 3, filename);
	stmt_bind_text(st, 4, mime);
	stmt_bind_int(st, 5, size);
	ctx_bind_user(ctx, st, 6);
	stmt_bind_text(st, 7, ctx->now_iso);
	if ((rc = ctx_insert_id(ctx, st, &fid)))
		goto rollback;
	after = json_pack("{s:I, s:s, s:s, s:s, s:I}", "file_id", (json_int_t)fid, "filename", filename, "mime", mime,
			  "sha256", sha256, "size", (json_int_t)size);
	if ((rc = audit_append(ctx, "attach", "notice", id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	listq_where_int(&q, "id = ?", fid);
	if (!(rc = listq_fetch(ctx, &q, &sql, 1, 1, file_row, NULL, &rows)))
		*out = json_incref(json_array_get(rows, 0));
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(after);
	json_decref(rows);
	listq_release(&q);
	notice_release(&n);
	return rc;
}

int notice_file_open(struct ctx *ctx, int64_t id, int64_t file_id, char **path, char **mime, char **filename)
{
	struct notice n;
	struct stmt *st;
	char mpath[PATH_MAX_LEN], sha[65] = "", m[64] = "", fn[256] = "", p[1200];
	int found, rc, step;

	*path = *mime = *filename = NULL;
	if ((rc = titled_member_path(ctx, mpath, sizeof(mpath))) || (rc = titled_load_row(ctx, &desc, id, &n, &found)))
		return rc;
	/* the sender's side in scope, or a member it is addressed to */
	if (!found || !((ctx->actor.role >= ROLE_SECRETARY && ctx_path_in_scope(ctx, n.t.org_path)) ||
			addressed(ctx, &n, mpath))) {
		notice_release(&n);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MINE_NOT_FOUND_MSG);
	}
	notice_release(&n);
	st = db_prepare(ctx->db, "SELECT sha256, mime, filename FROM notice_files WHERE id = ? AND notice_id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, file_id);
	stmt_bind_int(st, 2, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, sha, sizeof(sha));
		stmt_text_copy(st, 1, m, sizeof(m));
		stmt_text_copy(st, 2, fn, sizeof(fn));
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return step == STEP_DONE ? err_set(&ctx->err, E_NOTFOUND, "file_id", NULL, "附件不存在") : ctx_db_fail(ctx);
	if ((rc = attachment_file_path(ctx, sha, p, sizeof(p))))
		return rc;
	*path = xstrdup(p);
	*mime = xstrdup(m);
	*filename = xstrdup(fn);
	return 0;
}

/* ---- the member's side ------------------------------------------------------------ */

/* a reminder speaks to a member only while they still owe something: reading, or the receipt */
static int still_owed(const struct notice *n, const char *read_at, const char *confirmed_at)
{
	return !read_at[0] || (n->receipt && !confirmed_at[0]);
}

static json_t *member_json(const struct ctx *ctx, const struct notice *n, const char *read_at,
			   const char *confirmed_at, int with_body)
{
	json_t *j = notice_json(ctx, n, with_body);
	json_object_set_new(j, "read", json_boolean(read_at[0] != '\0'));
	json_object_set_new(j, "read_at", json_str_or_null(read_at));
	json_object_set_new(j, "confirmed", json_boolean(confirmed_at[0] != '\0'));
	json_object_set_new(j, "confirmed_at", json_str_or_null(confirmed_at));
	json_object_set_new(j, "reminded", json_boolean(n->reminded_at[0] && still_owed(n, read_at, confirmed_at)));
	return j;
}

static json_t *mine_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct notice n;
	char read_at[21] = "", confirmed_at[21] = "";
	json_t *j;
	(void)arg;
	read_notice(st, &n);
	stmt_text_copy(st, NOTICE_NCOLS, read_at, sizeof(read_at));
	stmt_text_copy(st, NOTICE_NCOLS + 1, confirmed_at, sizeof(confirmed_at));
	j = member_json(ctx, &n, read_at, confirmed_at, 0);
	json_object_set_new(j, "file_count", json_integer(stmt_int(st, NOTICE_NCOLS + 2)));
	notice_release(&n);
	return j;
}

/* the conditions of the member's list: published, not expired, addressed to mpath */
static void where_mine(struct ctx *ctx, struct listq *q, const char *mpath)
{
	char today[11];
	date_format(ctx->today, today);
	listq_where(q, "n.status = 'published'");
	listq_where_text(q, "(n.expires_on IS NULL OR n.expires_on >= ?)", today);
	/* the notice's path is a prefix of the member's: their branch or an ancestor */
	listq_where_text(q, "substr(CAST(? AS TEXT), 1, length(n.org_path)) = n.org_path", mpath);
}

int notice_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total, int64_t *unread)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM notices n",
		"SELECT " NOTICE_COLS ", r.read_at, r.confirmed_at, "
		"(SELECT count(*) FROM notice_files x WHERE x.notice_id = n.id)" NOTICE_FROM
		"LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.member_id = CAST(? AS BIGINT)",
		" ORDER BY n.pinned DESC, n.published_at DESC, n.id DESC",
	};
	struct listq q;
	char mpath[PATH_MAX_LEN];
	int rc;

	*items = NULL;
	*total = *unread = 0;
	listq_init(&q);
	if ((rc = titled_mine_query(ctx, &q, mpath, sizeof(mpath))))
		return titled_mine_done(&q, rc, items);
	where_mine(ctx, &q, mpath);
	if (!(rc = listq_list(ctx, &q, &sql, page, per_page, mine_row, NULL, items, total))) {
		listq_where_int(&q, "NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.member_id = ?)",
				ctx->actor.member_id);
		rc = listq_count(ctx, &q, sql.count, unread);
	}
	return titled_mine_done(&q, rc, items);
}

/* the member's read row of notice id: times ("" when none) */
static int read_times(struct ctx *ctx, int64_t id, char read_at[21], char confirmed_at[21])
{
	return listq_my_times(ctx, "SELECT read_at, confirmed_at FROM notice_reads WHERE notice_id = ? AND member_id = ?",
			      id, read_at, confirmed_at);
}

/* records the first opening (a second one inserts nothing) */
static int mark_read(struct ctx *ctx, int64_t id)
{
	return titled_mark_first(ctx,
				 "INSERT INTO notice_reads (notice_id, member_id, read_at) VALUES (?, ?, ?) "
				 "ON CONFLICT (notice_id, member_id) DO NOTHING",
				 id);
}

static int mine_json(struct ctx *ctx, const struct notice *n, json_t **out)
{
	char read_at[21], confirmed_at[21];
	json_t *files = NULL;
	int rc;
	if ((rc = read_times(ctx, n->t.id, read_at, confirmed_at)) || (rc = files_json(ctx, n->t.id, &files)))
		return rc;
	*out = member_json(ctx, n, read_at, confirmed_at, 1);
	json_object_set_new(*out, "files", files);
	return 0;
}

int notice_open(struct ctx *ctx, int64_t id, json_t **out)
{
	struct notice n;
	int rc;
	*out = NULL;
	if ((rc = load_mine(ctx, id, &n)))
		return rc;
	/* a read mark is the reader's own receipt log (append-once), not an edit to audit */
	if (!(rc = mark_read(ctx, id)))
		rc = mine_json(ctx, &n, out);
	notice_release(&n);
	return rc;
}

int notice_confirm(struct ctx *ctx, int64_t id, json_t **out)
{
	struct notice n;
	struct stmt *st;
	json_t *after = NULL;
	int rc;
	*out = NULL;
	if ((rc = load_mine(ctx, id, &n)))
		return rc;
	if (!n.receipt) {
		rc = err_set(&ctx->err, E_CONFLICT, "receipt", "notice.no_receipt", "这条通知不需要回执");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = mark_read(ctx, id)))
		goto rollback;
	st = db_prepare(ctx->db,
			"UPDATE notice_reads SET confirmed_at = ? WHERE notice_id = ? AND member_id = ? AND confirmed_at IS NULL",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, ctx->actor.member_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	/* confirmed before: nothing changes and nothing is logged again */
	if (db_changes(ctx->db) == 1) {
		after = json_pack("{s:I, s:s}", "member_id", (json_int_t)ctx->actor.member_id, "confirmed_at", ctx->now_iso);
		if ((rc = audit_append(ctx, "confirm", "notice", id, NULL, after)))
			goto rollback;
	}
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	rc = mine_json(ctx, &n, out);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(after);
	notice_release(&n);
	return rc;
}
