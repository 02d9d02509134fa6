/*
 * 申报: a fact a 党员 reports for themselves (or a secretary for a member or for the
 * branch) that no record holds, with its evidence; the indicator's approver decides.
 * A claim never touches the ledger itself: approval appends the entry through
 * points_append (source "claim", source_id the claim) in the same transaction as the
 * decision, so a claim is approved with exactly one entry or not at all.
 */
#include "domain/points_request.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "积分申报不存在或不在您的管理范围内"

struct claim {
	int64_t id, subject_id, org_id, indicator_id, entry_id, created_by, decided_by, version;
	char target[8], subject_name[128], org_name[128], org_path[PATH_MAX_LEN];
	char ind_code[POINTS_CODE_MAX_CHARS * 4 + 1], ind_name[POINTS_NAME_MAX_CHARS * 4 + 1];
	int sign, points_x10, count;
	char event_on[11], status[12], decided_at[21], created_at[21];
	char *evidence, *reason;     /* owned; NULL = none */
};

static void claim_release(struct claim *c)
{
	free(c->evidence);
	free(c->reason);
	c->evidence = c->reason = NULL;
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *claim_json(const struct claim *c)
{
	json_t *j = json_object(), *ind = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "target", json_string(c->target));
	json_object_set_new(j, "subject_id", json_integer(c->subject_id));
	json_object_set_new(j, "subject_name", json_str_or_null(c->subject_name));
	json_object_set_new(j, "org_id", json_integer(c->org_id));
	json_object_set_new(j, "org_name", json_str_or_null(c->org_name));
	json_object_set_new(ind, "id", json_integer(c->indicator_id));
	json_object_set_new(ind, "code", json_string(c->ind_code));
	json_object_set_new(ind, "name", json_string(c->ind_name));
	json_object_set_new(ind, "sign", json_string(c->sign < 0 ? "deduct" : "award"));
	json_object_set_new(j, "indicator", ind);
	json_object_set_new(j, "event_on", json_string(c->event_on));
	json_object_set_new(j, "count", json_integer(c->count));
	json_object_set_new(j, "points", points_x10_json(c->sign * c->count * c->points_x10));
	json_object_set_new(j, "evidence", json_str_or_null(c->evidence));
	json_object_set_new(j, "status", json_string(c->status));
	json_object_set_new(j, "reason", json_str_or_null(c->reason));
	json_object_set_new(j, "entry_id", id_or_null(c->entry_id));
	json_object_set_new(j, "created_by", id_or_null(c->created_by));
	json_object_set_new(j, "decided_by", id_or_null(c->decided_by));
	json_object_set_new(j, "decided_at", json_str_or_null(c->decided_at));
	json_object_set_new(j, "version", json_integer(c->version));
	json_object_set_new(j, "created_at", json_str_or_null(c->created_at));
	return j;
}

#define CLAIM_COLS                                                                                                   \
	"c.id, c.target, c.subject_id, COALESCE(m.name, so.name), c.org_id, o.name, c.org_path, c.indicator_id, i.code, " \
	"i.name, i.sign, i.points_x10, c.event_on, c.count, c.evidence, c.status, c.reason, c.entry_id, c.created_by, "    \
	"c.decided_by, c.decided_at, c.version, c.created_at"
#define CLAIM_FROM                                                                                          \
	" FROM point_claims c JOIN orgs o ON o.id = c.org_id JOIN point_indicators i ON i.id = c.indicator_id " \
	"LEFT JOIN members m ON c.target = 'member' AND m.id = c.subject_id "                                  \
	"LEFT JOIN orgs so ON c.target = 'branch' AND so.id = c.subject_id "

static void read_claim(struct stmt *st, struct claim *c)
{
	memset(c, 0, sizeof(*c));
	c->id = stmt_int(st, 0);
	stmt_text_copy(st, 1, c->target, sizeof(c->target));
	c->subject_id = stmt_int(st, 2);
	stmt_text_copy(st, 3, c->subject_name, sizeof(c->subject_name));
	c->org_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, c->org_name, sizeof(c->org_name));
	stmt_text_copy(st, 6, c->org_path, sizeof(c->org_path));
	c->indicator_id = stmt_int(st, 7);
	stmt_text_copy(st, 8, c->ind_code, sizeof(c->ind_code));
	stmt_text_copy(st, 9, c->ind_name, sizeof(c->ind_name));
	c->sign = (int)stmt_int(st, 10);
	c->points_x10 = (int)stmt_int(st, 11);
	stmt_text_copy(st, 12, c->event_on, sizeof(c->event_on));
	c->count = (int)stmt_int(st, 13);
	c->evidence = stmt_text(st, 14) ? xstrdup(stmt_text(st, 14)) : NULL;
	stmt_text_copy(st, 15, c->status, sizeof(c->status));
	c->reason = stmt_text(st, 16) ? xstrdup(stmt_text(st, 16)) : NULL;
	c->entry_id = stmt_int(st, 17);
	c->created_by = stmt_int(st, 18);
	c->decided_by = stmt_int(st, 19);
	stmt_text_copy(st, 20, c->decided_at, sizeof(c->decided_at));
	c->version = stmt_int(st, 21);
	stmt_text_copy(st, 22, c->created_at, sizeof(c->created_at));
}

/* A 党员 sees their own claims; everyone else those of their subtree. */
static int claim_visible(const struct ctx *ctx, const struct claim *c)
{
	if (ctx->actor.role == ROLE_MEMBER)
		return !strcmp(c->target, "member") && ctx->actor.member_id && c->subject_id == ctx->actor.member_id;
	return ctx_path_in_scope(ctx, c->org_path);
}

static int claim_load(struct ctx *ctx, int64_t id, struct claim *c)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " CLAIM_COLS CLAIM_FROM "WHERE c.id = ?", &ctx->err);
	int step, found = 0;
	memset(c, 0, sizeof(*c));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		read_claim(st, c);
		found = 1;
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !claim_visible(ctx, c)) {
		claim_release(c);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return points_require_enabled(ctx, c->org_path);
}

int points_claim_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct claim c;
	int rc = claim_load(ctx, id, &c);
	*out = rc ? NULL : claim_json(&c);
	claim_release(&c);
	return rc;
}

/* Parameters of the list's WHERE: the scope (path range or the member), then status. */
static struct stmt *list_prepare(struct ctx *ctx, const char *sql, const char *lo, const char *hi, int64_t self,
				 const char *status)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int i = 1;
	if (!st)
		return NULL;
	if (self) {
		stmt_bind_int(st, i++, self);
	} else {
		stmt_bind_text(st, i++, lo);
		stmt_bind_text(st, i++, hi);
	}
	if (status)
		stmt_bind_text(st, i, status);
	return st;
}

int points_claims_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page, json_t **items,
		       int64_t *total)
{
	struct points_subject self;
	struct org root;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	int64_t self_id = 0;
	int rc, step;

	*items = NULL;
	*total = 0;
	memset(&root, 0, sizeof(root));
	if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
		return err_set(&ctx->err, E_INVALID, "status", "points.status", "状态只能是 pending、approved 或 rejected");
	if (ctx->actor.role == ROLE_MEMBER) {
		if ((rc = points_subject_load(ctx, "member", ctx->actor.member_id, &self)) ||
		    (rc = points_require_enabled(ctx, self.org_path)))
			return rc;
		self_id = self.id;
		strbuf_addstr(&where, " WHERE c.target = 'member' AND c.subject_id = ?");
	} else {
		if ((rc = org_scope_root(ctx, org_id, &root)) || (rc = points_require_enabled(ctx, root.path)))
			return rc;
		path_range_end(root.path, hi, sizeof(hi));
		strbuf_addstr(&where, " WHERE c.org_path >= ? AND c.org_path < ?");
	}
	if (status)
		strbuf_addstr(&where, " AND c.status = ?");
	strbuf_addf(&sql, "SELECT count(*) FROM point_claims c%s", where.buf);
	if (!(st = list_prepare(ctx, sql.buf, root.path, hi, self_id, status))) {
		rc = E_DB;
		goto out;
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " CLAIM_COLS CLAIM_FROM "%s ORDER BY c.id DESC LIMIT %d OFFSET %" PRId64, where.buf,
		    per_page, (int64_t)(page - 1) * per_page);
	if (!(st = list_prepare(ctx, sql.buf, root.path, hi, self_id, status))) {
		rc = E_DB;
		goto out;
	}
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct claim c;
		read_claim(st, &c);
		json_array_append_new(arr, claim_json(&c));
		claim_release(&c);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

int points_claim_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct points_request r;
	struct claim c;
	struct stmt *st;
	json_t *ja = NULL;
	int rc, step, published = 0;

	*id = 0;
	memset(&c, 0, sizeof(c));
	/* who may claim for whom is who may see the subject: a 党员 themselves, a secretary
	 * the members of the branch and the branch itself */
	if ((rc = points_request_parse(ctx, body, 1, &r)) ||
	    (rc = points_month_published(ctx, r.subj.target, r.subj.org_path, r.month, &published)))
		goto out;
	if (published) {
		char text[8];
		points_month_text(r.month, text);
		rc = err_set(&ctx->err, E_RULE, "event_on", "points.period_published",
			     "%s 所在期间的积分已经公布，不能再申报该月的事项", text);
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO point_claims (target, subject_id, org_id, org_path, indicator_id, event_on, count, "
			"evidence, status, created_by, version, created_at, updated_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 1, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, r.subj.target);
	stmt_bind_int(st, 2, r.subj.id);
	stmt_bind_int(st, 3, r.subj.org_id);
	stmt_bind_text(st, 4, r.subj.org_path);
	stmt_bind_int(st, 5, r.ind.id);
	stmt_bind_text(st, 6, r.event_on);
	stmt_bind_int(st, 7, r.count);
	stmt_bind_text(st, 8, r.evidence);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 9, ctx->actor.user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_text(st, 10, ctx->now_iso);
	stmt_bind_text(st, 11, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		c.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = claim_load(ctx, c.id, &c)))
		goto rollback;
	ja = claim_json(&c);
	if ((rc = audit_append(ctx, "create", "point_claim", c.id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = c.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(ja);
	claim_release(&c);
	points_request_release(&r);
	return rc;
}

/* The decision's fields: version, approve, reason (required to reject). */
static int decision_fields(struct ctx *ctx, json_t *body, int64_t *version, int *approve, char **reason)
{
	json_t *v = json_object_get(body, "version");
	int rc;
	if (!json_is_integer(v))
		return err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			       "须提供申报的 version");
	*version = json_integer_value(v);
	v = json_object_get(body, "approve");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "approve", "field.required", "请选择通过或不通过");
	if (!json_is_boolean(v))
		return err_set(&ctx->err, E_MALFORMED, "approve", NULL, "字段 approve 必须是 true 或 false");
	*approve = json_is_true(v);
	if ((rc = points_text(ctx, json_object_get(body, "reason"), "reason", "理由", POINTS_TEXT_MAX_CHARS, 1, reason)))
		return rc;
	if (!*approve && !*reason)
		return err_set(&ctx->err, E_INVALID, "reason", "field.required", "不通过时请填写理由");
	return 0;
}

/* Takes the claim's row (the lock that serializes two deciders) if it is still pending at version. */
static int mark_decided(struct ctx *ctx, const struct claim *c, int64_t version, int approve, const char *reason)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE point_claims SET status = ?, reason = ?, decided_by = ?, decided_at = ?, "
				     "updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, approve ? "approved" : "rejected");
	stmt_bind_text(st, 2, reason);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 3, ctx->actor.user_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, ctx->now_iso);
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_int(st, 6, c->id);
	stmt_bind_int(st, 7, version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该申报已被他人处理或修改，请刷新后重试");
	return 0;
}

/* Approval: the claim's entry, and the claim pointing at it. */
static int append_entry(struct ctx *ctx, const struct claim *c, const struct points_indicator *ind)
{
	struct points_new_entry e;
	struct stmt *st;
	int64_t entry_id = 0;
	int rc;
	memset(&e, 0, sizeof(e));
	e.target = c->target;
	e.subject_id = c->subject_id;
	e.org_id = c->org_id;
	e.org_path = c->org_path;
	e.ind = ind;
	e.event_on = c->event_on;
	e.points_x10 = ind->sign * c->count * ind->points_x10;
	e.source = "claim";
	e.source_id = c->id;
	e.evidence = c->evidence;
	if ((rc = points_append(ctx, &e, &entry_id)))
		return rc;
	if (!(st = db_prepare(ctx->db, "UPDATE point_claims SET entry_id = ? WHERE id = ?", &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, entry_id);
	stmt_bind_int(st, 2, c->id);
	return stmt_run(st, &ctx->err);
}

int points_claim_decide(struct ctx *ctx, int64_t id, json_t *body)
{
	struct claim c, after;
	struct points_indicator ind;
	struct points_subject s;
	json_t *jb = NULL, *ja = NULL;
	char *reason = NULL;
	int64_t version = 0;
	int rc, approve = 0;

	memset(&after, 0, sizeof(after));
	if ((rc = claim_load(ctx, id, &c)))
		goto out;
	if ((rc = decision_fields(ctx, body, &version, &approve, &reason)))
		goto out;
	if (strcmp(c.status, "pending")) {
		rc = err_set(&ctx->err, E_CONFLICT, "id", "points.claim_decided", "该申报已经处理");
		goto out;
	}
	if (version != c.version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该申报已被他人修改，请刷新后重试");
		goto out;
	}
	if ((rc = points_indicator_by_id(ctx, c.indicator_id, &ind)))
		goto out;
	memset(&s, 0, sizeof(s));
	s.target = !strcmp(c.target, "branch") ? "branch" : "member";
	s.id = c.subject_id;
	s.org_id = c.org_id;
	strlcpy_z(s.org_path, c.org_path, sizeof(s.org_path));
	if ((rc = points_require_approver(ctx, &ind, &s)))
		goto out;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = mark_decided(ctx, &c, version, approve, reason)) || (approve && (rc = append_entry(ctx, &c, &ind))) ||
	    (rc = claim_load(ctx, id, &after)))
		goto rollback;
	jb = claim_json(&c);
	ja = claim_json(&after);
	if ((rc = audit_append(ctx, "decide", "point_claim", c.id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(reason);
	json_decref(jb);
	json_decref(ja);
	claim_release(&c);
	claim_release(&after);
	return rc;
}
