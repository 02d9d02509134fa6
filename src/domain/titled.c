/*
 * What notices and courses share (see titled.h): the head of their row and rendering, the
 * officer's access, the versioned write and its audit, and the member's own list.
 */
#include "domain/titled.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct named statuses[TS__COUNT] = {
	[TS_DRAFT] = { "draft", "草稿" },
	[TS_PUBLISHED] = { "published", "已发布" },
	[TS_WITHDRAWN] = { "withdrawn", "已撤回" },
};

int titled_status_parse(const char *s)
{
	return named_index(statuses, TS__COUNT, s);
}

const char *titled_status_code(int s)
{
	return named_code_at(statuses, TS__COUNT, s);
}

const char *titled_status_name(int s)
{
	return named_name_at(statuses, TS__COUNT, s);
}

char *titled_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void titled_read(struct stmt *st, struct titled *t)
{
	t->id = stmt_int(st, 0);
	t->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, t->org_name, sizeof(t->org_name));
	stmt_text_copy(st, 3, t->org_path, sizeof(t->org_path));
	t->title = titled_dup(stmt_text(st, 4));
	t->body = titled_dup(stmt_text(st, 5));
	t->status = titled_status_parse(stmt_text(st, 6));
	stmt_text_copy(st, 7, t->published_at, sizeof(t->published_at));
	stmt_text_copy(st, 8, t->withdrawn_at, sizeof(t->withdrawn_at));
	stmt_text_copy(st, 9, t->created_at, sizeof(t->created_at));
	t->version = stmt_int(st, 10);
}

void titled_release(struct titled *t)
{
	free(t->title);
	free(t->body);
	t->title = t->body = NULL;
}

json_t *titled_json(const struct titled *t)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "org_id", json_integer(t->org_id));
	json_object_set_new(j, "org_name", json_string(t->org_name));
	json_object_set_new(j, "title", json_str_or_null(t->title));
	return j;
}

void titled_manager_fields(json_t *j, const struct titled *t, const char *extra_key, json_t *extra)
{
	json_object_set_new(j, "status", json_string(titled_status_code(t->status)));
	json_object_set_new(j, "status_name", json_string(titled_status_name(t->status)));
	json_object_set_new(j, "withdrawn_at", json_str_or_null(t->withdrawn_at));
	if (extra_key)
		json_object_set_new(j, extra_key, extra);
	json_object_set_new(j, "created_at", json_string(t->created_at));
	json_object_set_new(j, "version", json_integer(t->version));
}

int titled_require_officer(struct ctx *ctx, const struct titled_kind *k)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, k->role_rule, "%s", k->role_msg);
	return 0;
}

int titled_load_row(struct ctx *ctx, const struct titled_kind *k, int64_t id, void *rec, int *found)
{
	return listq_load_by_id(ctx, k->row_sql, id, k->read, rec, k->size, found);
}

int titled_load_scoped(struct ctx *ctx, const struct titled_kind *k, int64_t id, void *rec)
{
	const struct titled *t = rec;
	int found, rc;
	if ((rc = titled_require_officer(ctx, k)) || (rc = titled_load_row(ctx, k, id, rec, &found)))
		return rc;
	if (!found || !ctx_path_in_scope(ctx, t->org_path)) {
		k->release(rec);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "%s", k->not_found_msg);
	}
	return 0;
}

int titled_status_conflict(struct ctx *ctx, const struct titled_kind *k, const struct titled *t, const char *verb)
{
	return err_set(&ctx->err, E_CONFLICT, "status", k->status_rule, "该%s%s，不能%s", k->noun,
		       titled_status_name(t->status), verb);
}

int titled_audit_commit(struct ctx *ctx, const struct titled_kind *k, const char *action, int64_t id, json_t *before)
{
	json_t *after = NULL;
	int rc = k->view(ctx, id, 0, &after);
	if (!rc)
		rc = audit_append(ctx, action, k->entity, id, before, after);
	json_decref(after);
	return rc ? rc : db_commit(ctx->db, &ctx->err);
}

int titled_finish_write(struct ctx *ctx, const struct titled_kind *k, struct stmt *st, int nbound, const void *rec,
			int64_t version, const char *action)
{
	const struct titled *t = rec;
	json_t *jb;
	int rc;
	if ((rc = field_run_versioned(ctx, st, nbound, t->id, version, k->stale_msg)))
		return rc;
	jb = k->manager_json(ctx, rec, 1);
	rc = titled_audit_commit(ctx, k, action, t->id, jb);
	json_decref(jb);
	return rc;
}

void titled_bind_new(const struct ctx *ctx, struct stmt *st, int64_t org_id, const char *org_path, const char *title,
		     int publish)
{
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, org_path);
	stmt_bind_text(st, 3, title);
	stmt_bind_text(st, 8, publish ? "published" : "draft");
	if (publish)
		stmt_bind_text(st, 9, ctx->now_iso);
	else
		stmt_bind_null(st, 9);
	ctx_bind_user(ctx, st, 10);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_text(st, 12, ctx->now_iso);
}

int titled_insert(struct ctx *ctx, const struct titled_kind *k, struct stmt *st, int64_t *id)
{
	int rc = st ? ctx_insert_id(ctx, st, id) : E_DB;
	if (!rc)
		rc = titled_audit_commit(ctx, k, "create", *id, NULL);
	if (rc) {
		db_rollback(ctx->db);
		*id = 0;
	}
	return rc;
}

int titled_step_status(struct ctx *ctx, const struct titled_kind *k, int64_t id, json_t *body, int publish,
		       const char *sql, int (*check)(struct ctx *ctx, const void *rec, int publish))
{
	void *rec = xmalloc(k->size);
	const struct titled *t = rec;
	struct stmt *st;
	int64_t version;
	int rc;

	if ((rc = titled_load_scoped(ctx, k, id, rec))) {
		free(rec);
		return rc;
	}
	if ((rc = field_version(ctx, body, &version)))
		goto out;
	if (t->status != (publish ? TS_DRAFT : TS_PUBLISHED)) {
		rc = titled_status_conflict(ctx, k, t, publish ? "发布" : "撤回");
		goto out;
	}
	if ((check && (rc = check(ctx, rec, publish))) || (rc = field_version_current(ctx, body, t->version, k->noun)) ||
	    (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if (!(st = db_prepare(ctx->db, sql, &ctx->err))) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_text(st, 2, ctx->now_iso);
	if ((rc = titled_finish_write(ctx, k, st, 2, rec, version, publish ? "publish" : "withdraw")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	k->release(rec);
	free(rec);
	return rc;
}

static json_t *list_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	const struct titled_kind *k = arg;
	void *rec = xmalloc(k->size);
	json_t *j;
	int i;
	k->read(st, rec);
	j = k->manager_json(ctx, rec, 0);
	for (i = 0; i < 3; i++)
		json_object_set_new(j, k->list_counts[i], json_integer(stmt_int(st, k->ncols + i)));
	k->release(rec);
	free(rec);
	return j;
}

int titled_list(struct ctx *ctx, const struct titled_kind *k, const struct listq_sql *sql, const char *alias,
		int64_t org_id, int status, const char *title_q, int page, int per_page, json_t **items, int64_t *total)
{
	char path_col[40], status_cond[48], title_cond[64];
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	if ((rc = titled_require_officer(ctx, k)))
		return rc;
	xsnprintf(path_col, sizeof(path_col), "%s.org_path", alias);
	xsnprintf(status_cond, sizeof(status_cond), "%s.status = ?", alias);
	xsnprintf(title_cond, sizeof(title_cond), "%s.title LIKE ? ESCAPE '\\'", alias);
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, path_col, org_id))) {
		listq_filter_text(&q, status_cond, status >= 0 ? titled_status_code(status) : NULL);
		listq_filter_contains(&q, title_cond, 1, title_q);
		rc = listq_list(ctx, &q, sql, page, per_page, list_row, (void *)k, items, total);
	}
	listq_release(&q);
	return rc;
}

int titled_member_path(struct ctx *ctx, char *path, size_t size)
{
	return member_self_path(ctx, TITLED_MEMBER_STATES, path, size);
}

int titled_mine_query(struct ctx *ctx, struct listq *q, char *mpath, size_t size)
{
	char mid[24];
	int rc;
	if ((rc = titled_member_path(ctx, mpath, size)))
		return rc;
	if (!mpath[0])
		return err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "该账号没有关联在册党员档案");
	xsnprintf(mid, sizeof(mid), "%" PRId64, ctx->actor.member_id);
	listq_head_text(q, mid); /* the join's member */
	return 0;
}

int titled_mine_done(struct listq *q, int rc, json_t **items)
{
	listq_release(q);
	if (rc) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

int titled_mark_first(struct ctx *ctx, const char *sql, int64_t id)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, ctx->actor.member_id);
	stmt_bind_text(st, 3, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

void titled_where_members(struct listq *q, const char *id_cond, const struct titled *t)
{
	char end[PATH_MAX_LEN + 2];
	path_range_end(t->org_path, end, sizeof(end));
	listq_where_int(q, id_cond, t->id);
	listq_where_text(q, "m.org_path >= ?", t->org_path);
	listq_where_text(q, "m.org_path < ?", end);
	listq_where(q, "m.state IN " TITLED_MEMBER_STATES);
}

json_t *titled_branch_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct titled_tally *t = arg;
	int64_t c[3];
	int i;
	(void)ctx;
	for (i = 0; i < 3; i++)
		t->count[i] += (c[i] = stmt_int(st, 2 + i));
	return json_pack("{s:I, s:s, s:I, s:I, s:I}", "org_id", (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1),
			 t->keys[0], (json_int_t)c[0], t->keys[1], (json_int_t)c[1], t->keys[2], (json_int_t)c[2]);
}

json_t *titled_member_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	const char *const *keys = arg;
	(void)ctx;
	return json_pack("{s:I, s:s, s:I, s:s, s:o, s:o}", "member_id", (json_int_t)stmt_int(st, 0), "name",
			 stmt_text(st, 1), "org_id", (json_int_t)stmt_int(st, 2), "org_name", stmt_text(st, 3), keys[0],
			 json_str_or_null(stmt_text(st, 4)), keys[1], json_str_or_null(stmt_text(st, 5)));
}
