#include "domain/audit.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The bytes a hash covers: fields joined by the ASCII unit separator. */
static void entry_hash(const char *prev, int64_t id, const char *at, int64_t actor_id, const char *actor,
		       const char *action, const char *entity, int64_t entity_id, const char *before,
		       const char *after, char *out)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s\x1f%" PRId64 "\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s", prev,
		    id, at, actor_id, actor, action, entity, entity_id, before ? before : "", after ? after : "");
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

int audit_append(struct ctx *ctx, const char *action, const char *entity, int64_t entity_id,
		 json_t *before, json_t *after)
{
	char *before_s = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *after_s = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char prev[65], hash[65];
	int64_t id;
	struct stmt *st;
	int rc = 0;

	/* The UPDATE takes the row lock on PostgreSQL, so concurrent writers chain in order. */
	st = db_prepare(ctx->db, "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	if (stmt_step(st, &ctx->err) != STEP_ROW) {
		stmt_reset(st);
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	id = stmt_int(st, 0);
	stmt_text_copy(st, 1, prev, sizeof(prev));
	stmt_reset(st);

	entry_hash(prev, id, ctx->now_iso, ctx->actor.user_id, ctx->actor.username, action, entity, entity_id,
		   before_s, after_s, hash);
	st = db_prepare(ctx->db,
			"INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, "
			"prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, ctx->actor.user_id);
	stmt_bind_text(st, 4, ctx->actor.username);
	stmt_bind_text(st, 5, action);
	stmt_bind_text(st, 6, entity);
	stmt_bind_int(st, 7, entity_id);
	stmt_bind_text(st, 8, before_s);
	stmt_bind_text(st, 9, after_s);
	stmt_bind_text(st, 10, prev);
	stmt_bind_text(st, 11, hash);
	rc = stmt_run(st, &ctx->err);
	if (rc)
		goto out;
	st = db_prepare(ctx->db, "UPDATE audit_head SET last_hash = ? WHERE id = 1", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, hash);
	rc = stmt_run(st, &ctx->err);
out:
	free(before_s);
	free(after_s);
	return rc;
}

static void verify_fail(struct audit_verify_result *res, int64_t id, const char *reason)
{
	res->ok = 0;
	res->first_bad_id = id;
	strlcpy_z(res->reason, reason, sizeof(res->reason));
}

int audit_verify(struct ctx *ctx, struct audit_verify_result *res)
{
	char prev[65] = ZERO_HASH, hash[65], head_hash[65];
	int64_t expect_id = 1, head_id;
	struct stmt *st;
	int rc = 0, step;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	st = db_prepare(ctx->db, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", &ctx->err);
	if (!st)
		return E_DB;
	if (stmt_step(st, &ctx->err) != STEP_ROW) {
		stmt_reset(st);
		verify_fail(res, 0, "audit head row is missing");
		return 0;
	}
	head_id = stmt_int(st, 0);
	stmt_text_copy(st, 1, head_hash, sizeof(head_hash));
	stmt_reset(st);

	st = db_prepare(ctx->db,
			"SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash "
			"FROM audit_log ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t id = stmt_int(st, 0);
		const char *stored_prev = stmt_text(st, 9);
		const char *stored_hash = stmt_text(st, 10);
		if (id != expect_id) {
			verify_fail(res, expect_id, id > expect_id ? "entry is missing (removed)" : "entry id out of order");
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev)) {
			verify_fail(res, id, "previous-hash link does not match the entry before it");
			break;
		}
		entry_hash(prev, id, stmt_text(st, 1) ? stmt_text(st, 1) : "", stmt_int(st, 2),
			   stmt_text(st, 3) ? stmt_text(st, 3) : "", stmt_text(st, 4) ? stmt_text(st, 4) : "",
			   stmt_text(st, 5) ? stmt_text(st, 5) : "", stmt_int(st, 6), stmt_text(st, 7), stmt_text(st, 8),
			   hash);
		if (!stored_hash || strcmp(stored_hash, hash)) {
			verify_fail(res, id, "content does not match its hash (edited)");
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		res->count++;
		expect_id++;
	}
	stmt_reset(st);
	if (step == STEP_ERROR || step == STEP_CONSTRAINT)
		return E_DB;
	if (res->ok && (expect_id - 1 != head_id || strcmp(prev, head_hash)))
		verify_fail(res, expect_id, "last entries are missing (log shorter than its head)");
	return rc;
}

int audit_list(struct ctx *ctx, const char *entity, int64_t entity_id, int page, int per_page,
	       json_t **items, int64_t *total)
{
	struct stmt *st;
	json_t *arr = json_array();
	int rc = 0;
	const char *ent = entity && *entity ? entity : NULL;
	/* An org admin sees the entries made by the accounts of their own subtree only: the log holds
	 * names and before/after values of every org, so the whole log is for the system admin. */
	int all = ctx->actor.role == ROLE_SYSADMIN;
	char hi[PATH_MAX_LEN];
	path_range_end(ctx->actor.org_path, hi, sizeof(hi));

	if (ctx->actor.role != ROLE_SYSADMIN && ctx->actor.role != ROLE_ORG_ADMIN) {
		rc = err_set(&ctx->err, E_FORBIDDEN, NULL, "audit.role", "只有管理员可以查看审计日志");
		goto out;
	}
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM audit_log WHERE (CAST(? AS TEXT) IS NULL OR entity = ?) "
			"AND (CAST(? AS BIGINT) = 0 OR entity_id = ?) "
			"AND (CAST(? AS BIGINT) = 1 OR actor_id IN (SELECT u.id FROM users u JOIN orgs o ON o.id = u.org_id "
			"WHERE o.path >= ? AND o.path < ?)) ",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, ent);
	stmt_bind_text(st, 2, ent);
	stmt_bind_int(st, 3, entity_id);
	stmt_bind_int(st, 4, entity_id);
	stmt_bind_int(st, 5, all);
	stmt_bind_text(st, 6, ctx->actor.org_path);
	stmt_bind_text(st, 7, hi);
	if (stmt_step(st, &ctx->err) == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	st = db_prepare(ctx->db,
			"SELECT id, at, actor, action, entity, entity_id, before_json, after_json, hash FROM audit_log "
			"WHERE (CAST(? AS TEXT) IS NULL OR entity = ?) AND (CAST(? AS BIGINT) = 0 OR entity_id = ?) "
			"AND (CAST(? AS BIGINT) = 1 OR actor_id IN (SELECT u.id FROM users u JOIN orgs o ON o.id = u.org_id "
			"WHERE o.path >= ? AND o.path < ?)) "
			"ORDER BY id DESC LIMIT ? OFFSET ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, ent);
	stmt_bind_text(st, 2, ent);
	stmt_bind_int(st, 3, entity_id);
	stmt_bind_int(st, 4, entity_id);
	stmt_bind_int(st, 5, all);
	stmt_bind_text(st, 6, ctx->actor.org_path);
	stmt_bind_text(st, 7, hi);
	stmt_bind_int(st, 8, per_page);
	stmt_bind_int(st, 9, (int64_t)(page - 1) * per_page);
	while (stmt_step(st, &ctx->err) == STEP_ROW) {
		json_t *row = json_object();
		const char *b = stmt_text(st, 6), *a = stmt_text(st, 7);
		json_object_set_new(row, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(row, "at", json_string(stmt_text(st, 1)));
		json_object_set_new(row, "actor", json_string(stmt_text(st, 2)));
		json_object_set_new(row, "action", json_string(stmt_text(st, 3)));
		json_object_set_new(row, "entity", json_string(stmt_text(st, 4)));
		json_object_set_new(row, "entity_id", json_integer(stmt_int(st, 5)));
		json_object_set_new(row, "before", b ? json_loads(b, 0, NULL) : json_null());
		json_object_set_new(row, "after", a ? json_loads(a, 0, NULL) : json_null());
		json_object_set_new(row, "hash", json_string(stmt_text(st, 8)));
		json_array_append_new(arr, row);
	}
	stmt_reset(st);
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	return rc;
}
