/*
 * 网格 (see grid.h). A household row holds its branch, its 党小组 and its member; the
 * rules are checked against the store inside the write transaction, so a bulk
 * assignment either passes for every household or changes none.
 */
#include "domain/grid.h"
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/gridtal.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "io/table.h"
#include "util/json_util.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "该户不存在或不在您的管理范围内"

struct household {
	int64_t id, org_id, group_id, member_id;
	char org_path[PATH_MAX_LEN], org_name[128], group_name[128], member_name[96];
	char head_name[96], address[256], notes[1024], assigned_on[11];
	int64_t size, version;
	char created_at[21], updated_at[21];
};

int grid_require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "grid.role", "只有支部书记或管理员可以管理网格");
	return 0;
}

double grid_percent(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return -1;
	/* tenths of a percent in integers, so 2 of 3 is 66.7 on every platform */
	return (double)((part * 1000 + whole / 2) / whole) / 10.0;
}

static json_t *household_json(const struct household *h)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(h->id));
	json_object_set_new(j, "org_id", json_integer(h->org_id));
	json_object_set_new(j, "org_name", json_string(h->org_name));
	json_object_set_new(j, "group_id", h->group_id ? json_integer(h->group_id) : json_null());
	json_object_set_new(j, "group_name", json_str_or_null(h->group_name));
	json_object_set_new(j, "head_name", json_string(h->head_name));
	json_object_set_new(j, "address", json_string(h->address));
	json_object_set_new(j, "size", json_integer(h->size));
	json_object_set_new(j, "notes", json_str_or_null(h->notes));
	json_object_set_new(j, "member_id", h->member_id ? json_integer(h->member_id) : json_null());
	json_object_set_new(j, "member_name", json_str_or_null(h->member_name));
	json_object_set_new(j, "assigned", json_boolean(h->member_id != 0));
	json_object_set_new(j, "assigned_on", json_str_or_null(h->assigned_on));
	json_object_set_new(j, "version", json_integer(h->version));
	json_object_set_new(j, "created_at", json_str_or_null(h->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(h->updated_at));
	return j;
}

#define HH_COLS                                                                                            \
	"h.id, h.org_id, o.path, o.name, COALESCE(h.group_id, 0), g.name, COALESCE(h.member_id, 0), m.name, " \
	"h.head_name, h.address, h.size, h.notes, h.assigned_on, h.version, h.created_at, h.updated_at"
#define HH_FROM                                                                                      \
	" FROM grid_households h JOIN orgs o ON o.id = h.org_id LEFT JOIN orgs g ON g.id = h.group_id " \
	"LEFT JOIN members m ON m.id = h.member_id "

static void read_household(struct stmt *st, struct household *h)
{
	memset(h, 0, sizeof(*h));
	h->id = stmt_int(st, 0);
	h->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, h->org_path, sizeof(h->org_path));
	stmt_text_copy(st, 3, h->org_name, sizeof(h->org_name));
	h->group_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, h->group_name, sizeof(h->group_name));
	h->member_id = stmt_int(st, 6);
	stmt_text_copy(st, 7, h->member_name, sizeof(h->member_name));
	stmt_text_copy(st, 8, h->head_name, sizeof(h->head_name));
	stmt_text_copy(st, 9, h->address, sizeof(h->address));
	h->size = stmt_int(st, 10);
	stmt_text_copy(st, 11, h->notes, sizeof(h->notes));
	stmt_text_copy(st, 12, h->assigned_on, sizeof(h->assigned_on));
	h->version = stmt_int(st, 13);
	stmt_text_copy(st, 14, h->created_at, sizeof(h->created_at));
	stmt_text_copy(st, 15, h->updated_at, sizeof(h->updated_at));
}

static int load_household(struct ctx *ctx, int64_t id, struct household *h)
{
	struct stmt *row;
	int rc;
	memset(h, 0, sizeof(*h));
	if ((rc = listq_row_by_id(ctx, "SELECT " HH_COLS HH_FROM "WHERE h.id = ?", id, &row)))
		return rc;
	if (row) {
		read_household(row, h);
		stmt_reset(row);
	}
	if (!row || !ctx_path_in_scope(ctx, h->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	return 0;
}

int grid_household_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct household h;
	int rc;
	*out = NULL;
	if ((rc = grid_require_officer(ctx)) || (rc = load_household(ctx, id, &h)))
		return rc;
	*out = household_json(&h);
	return 0;
}

/* ---- rules ----------------------------------------------------------------------- */

/* The grid cell must be a 党小组 of the household's branch. */
static int check_group(struct ctx *ctx, struct household *h)
{
	struct org g;
	if (!h->group_id) {
		h->group_name[0] = '\0';
		return 0;
	}
	if (org_require_in_scope(ctx, h->group_id, &g, "group_id") || strcmp(g.kind, "group") || g.parent_id != h->org_id)
		return err_set(&ctx->err, E_RULE, "group_id", "grid.group", "所选网格须为“%s”下属的党小组", h->org_name);
	strlcpy_z(h->group_name, g.name, sizeof(h->group_name));
	return 0;
}

/* 户党员: an active member of the household's own branch (its 党小组 included). */
static int check_member(struct ctx *ctx, struct household *h)
{
	struct stmt *st;
	int step, ok = 0;
	if (!h->member_id) {
		h->member_name[0] = '\0';
		return 0;
	}
	st = db_prepare(ctx->db, "SELECT org_id, state, name FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, h->member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		ok = stmt_int(st, 0) == h->org_id && !strcmp(stmt_text(st, 1), "active");
		stmt_text_copy(st, 2, h->member_name, sizeof(h->member_name));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!ok)
		return err_set(&ctx->err, E_RULE, "member_id", "grid.member", "联系户党员须为“%s”的在册党员", h->org_name);
	return 0;
}

/* Applies the editable fields of body onto h and checks them (and the rules). */
static int apply_body(struct ctx *ctx, json_t *body, struct household *h)
{
	int rc;
	if ((rc = gt_text(ctx, body, "head_name", "户主姓名", 30, 1, h->head_name, sizeof(h->head_name))) ||
	    (rc = gt_text(ctx, body, "address", "住址", 80, 1, h->address, sizeof(h->address))) ||
	    (rc = gt_text(ctx, body, "notes", "备注", 200, 0, h->notes, sizeof(h->notes))) ||
	    (rc = gt_int(ctx, body, "size", "户人口", 1, GRID_HOUSEHOLD_MAX, 0, &h->size)) ||
	    (rc = gt_int(ctx, body, "group_id", "党小组", 1, INT64_MAX, 1, &h->group_id)) ||
	    (rc = gt_int(ctx, body, "member_id", "联系户党员", 1, INT64_MAX, 1, &h->member_id)))
		return rc;
	if (!h->head_name[0])
		return err_set(&ctx->err, E_INVALID, "head_name", "field.required", "请填写户主姓名");
	if (!h->address[0])
		return err_set(&ctx->err, E_INVALID, "address", "field.required", "请填写住址");
	if ((rc = name_validate(h->head_name, &ctx->err, "head_name")))
		return rc;
	if ((rc = check_group(ctx, h)))
		return rc;
	return check_member(ctx, h);
}

static void bind_nullable_int(struct stmt *st, int idx, int64_t v)
{
	if (v)
		stmt_bind_int(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

static void bind_nullable_text(struct stmt *st, int idx, const char *s)
{
	stmt_bind_text(st, idx, s && s[0] ? s : NULL);
}

/* ---- writes ---------------------------------------------------------------------- */

/* Inserts h (checked) and audits it, inside the caller's transaction; sets h->id. */
static int insert_household(struct ctx *ctx, struct household *h)
{
	struct stmt *st;
	json_t *ja;
	int rc, step;
	if (h->member_id)
		date_format(ctx->today, h->assigned_on);
	st = db_prepare(ctx->db,
			"INSERT INTO grid_households (org_id, group_id, head_name, address, size, notes, member_id, "
			"assigned_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, h->org_id);
	bind_nullable_int(st, 2, h->group_id);
	stmt_bind_text(st, 3, h->head_name);
	stmt_bind_text(st, 4, h->address);
	stmt_bind_int(st, 5, h->size);
	bind_nullable_text(st, 6, h->notes);
	bind_nullable_int(st, 7, h->member_id);
	bind_nullable_text(st, 8, h->assigned_on);
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		h->id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	h->version = 1;
	ja = household_json(h);
	rc = audit_append(ctx, "create", "grid_household", h->id, NULL, ja);
	json_decref(ja);
	return rc;
}

/* The household's branch: a 党支部 in scope (rule grid.org otherwise). */
static int household_branch(struct ctx *ctx, int64_t org_id, struct household *h)
{
	struct org o;
	int rc;
	if ((rc = org_require_in_scope(ctx, org_id, &o, "org_id")))
		return rc;
	if (!org_kind_is_branch(o.kind))
		return err_set(&ctx->err, E_RULE, "org_id", "grid.org", "户须登记在党支部下，“%s”不是党支部", o.name);
	h->org_id = o.id;
	strlcpy_z(h->org_name, o.name, sizeof(h->org_name));
	strlcpy_z(h->org_path, o.path, sizeof(h->org_path));
	return 0;
}

int grid_household_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct household h;
	int64_t org_id = 0;
	int rc;

	memset(&h, 0, sizeof(h));
	*id = 0;
	h.size = 1;
	if ((rc = grid_require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "党支部", &org_id)) ||
	    (rc = household_branch(ctx, org_id, &h)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = apply_body(ctx, body, &h)) || (rc = insert_household(ctx, &h)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		return rc;
	}
	*id = h.id;
	return 0;
}

/* Writes h over the row at expected_version; 409 store.stale when someone was first. */
static int write_household(struct ctx *ctx, const struct household *h, int64_t expected_version)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE grid_households SET group_id = ?, head_name = ?, address = ?, size = ?, notes = ?, "
				     "member_id = ?, assigned_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND "
				     "version = ?",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	bind_nullable_int(st, 1, h->group_id);
	stmt_bind_text(st, 2, h->head_name);
	stmt_bind_text(st, 3, h->address);
	stmt_bind_int(st, 4, h->size);
	bind_nullable_text(st, 5, h->notes);
	bind_nullable_int(st, 6, h->member_id);
	bind_nullable_text(st, 7, h->assigned_on);
	stmt_bind_text(st, 8, ctx->now_iso);
	stmt_bind_int(st, 9, h->id);
	stmt_bind_int(st, 10, expected_version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该户信息已被他人修改，请刷新后重试");
	return 0;
}

int grid_household_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct household before, h;
	json_t *jb = NULL, *ja = NULL;
	int64_t version = 0;
	int rc;

	if ((rc = grid_require_officer(ctx)) || (rc = body_int_required(ctx, body, "version", "版本号", &version)) ||
	    (rc = load_household(ctx, id, &before)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	h = before;
	if ((rc = apply_body(ctx, body, &h)))
		goto rollback;
	if (h.member_id != before.member_id) {
		h.assigned_on[0] = '\0';
		if (h.member_id)
			date_format(ctx->today, h.assigned_on);
	}
	if ((rc = write_household(ctx, &h, version)))
		goto rollback;
	h.version = version + 1;
	jb = household_json(&before);
	ja = household_json(&h);
	if ((rc = audit_append(ctx, "update", "grid_household", id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int grid_household_delete(struct ctx *ctx, int64_t id, int64_t version)
{
	struct household h;
	struct stmt *st;
	json_t *jb = NULL;
	int rc;
	if ((rc = grid_require_officer(ctx)) || (rc = load_household(ctx, id, &h)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if (!(st = db_prepare(ctx->db, "DELETE FROM grid_households WHERE id = ? AND version = ?", &ctx->err))) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该户信息已被他人修改，请刷新后重试");
		goto rollback;
	}
	jb = household_json(&h);
	if ((rc = audit_append(ctx, "delete", "grid_household", id, jb, NULL)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	return rc;
}

/* ---- bulk assignment ------------------------------------------------------------- */

static int parse_ids(struct ctx *ctx, json_t *body, int64_t **ids, size_t *n)
{
	json_t *arr = json_object_get(body, "household_ids"), *v;
	size_t i, k;
	*ids = NULL;
	*n = 0;
	if (!arr)
		return err_set(&ctx->err, E_INVALID, "household_ids", "field.required", "请选择要分配的户");
	if (!json_is_array(arr))
		return err_set(&ctx->err, E_MALFORMED, "household_ids", NULL, "household_ids 必须是整数数组");
	if (json_array_size(arr) == 0 || json_array_size(arr) > GRID_BULK_MAX)
		return err_set(&ctx->err, E_INVALID, "household_ids", "grid.bulk", "一次须分配 1 至 %d 户", GRID_BULK_MAX);
	*ids = xcalloc(json_array_size(arr), sizeof(**ids));
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			free(*ids);
			*ids = NULL;
			return err_set(&ctx->err, E_MALFORMED, "household_ids", NULL, "household_ids 必须是整数数组");
		}
		for (k = 0; k < *n && (*ids)[k] != json_integer_value(v); k++)
			;
		if (k == *n)
			(*ids)[(*n)++] = json_integer_value(v);
	}
	return 0;
}

int grid_assign(struct ctx *ctx, json_t *body, int *count)
{
	int64_t *ids = NULL, member_id = 0;
	json_t *jb = NULL, *ja = NULL, *mv;
	size_t n = 0, i;
	int rc;

	*count = 0;
	if ((rc = grid_require_officer(ctx)))
		return rc;
	mv = json_object_get(body, "member_id");
	if (!mv)
		return err_set(&ctx->err, E_INVALID, "member_id", "field.required", "请选择联系户党员（取消分配传 null）");
	if ((rc = gt_int(ctx, body, "member_id", "联系户党员", 1, INT64_MAX, 1, &member_id)) ||
	    (rc = parse_ids(ctx, body, &ids, &n)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	for (i = 0; i < n; i++) {
		struct household before, h;
		if ((rc = load_household(ctx, ids[i], &before)))
			goto rollback;
		h = before;
		h.member_id = member_id;
		if ((rc = check_member(ctx, &h)))
			goto rollback;
		if (h.member_id == before.member_id)
			continue;
		h.assigned_on[0] = '\0';
		if (h.member_id)
			date_format(ctx->today, h.assigned_on);
		if ((rc = write_household(ctx, &h, before.version)))
			goto rollback;
		h.version = before.version + 1;
		jb = household_json(&before);
		ja = household_json(&h);
		rc = audit_append(ctx, "assign", "grid_household", h.id, jb, ja);
		json_decref(jb);
		json_decref(ja);
		jb = ja = NULL;
		if (rc)
			goto rollback;
		(*count)++;
	}
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*count = 0;
out:
	free(ids);
	return rc;
}

/* ---- lists (the coverage: grid_coverage.c) -------------------------------------  */

static json_t *household_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct household h;
	(void)ctx;
	(void)arg;
	read_household(st, &h);
	return household_json(&h);
}

int grid_household_list(struct ctx *ctx, const struct grid_filter *f, int page, int per_page, json_t **items,
			int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" HH_FROM, "SELECT " HH_COLS HH_FROM, " ORDER BY o.path, COALESCE(g.name, ''), h.id",
	};
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if ((rc = grid_require_officer(ctx)) || (rc = listq_subtree(ctx, &q, "o.path", f->org_id)))
		goto out;
	if (f->group_id > 0)
		listq_where_int(&q, "h.group_id = ?", f->group_id);
	else if (f->group_id < 0)
		listq_where(&q, "h.group_id IS NULL");
	listq_filter_int(&q, "h.member_id = ?", f->member_id);
	if (f->assigned == 0)
		listq_where(&q, "h.member_id IS NULL");
	else if (f->assigned == 1)
		listq_where(&q, "h.member_id IS NOT NULL");
	listq_filter_contains(&q, "(h.head_name LIKE ? ESCAPE '\\' OR h.address LIKE ? ESCAPE '\\')", 2, f->q);
	rc = listq_list(ctx, &q, &sql, page, per_page, household_row, NULL, items, total);
out:
	listq_release(&q);
	return rc;
}

/* ---- import ---------------------------------------------------------------------- */

enum { IC_HEAD, IC_ADDRESS, IC_SIZE, IC_GROUP, IC_MEMBER, IC_NOTES, IC__COUNT };

/* header texts clerks use for each column (the first one is the template's) */
static const char *const import_headers[IC__COUNT][3] = {
	[IC_HEAD] = { "户主", "户主姓名", NULL },      [IC_ADDRESS] = { "住址", "地址", "家庭住址" },
	[IC_SIZE] = { "户人口", "人口", "家庭人口" },  [IC_GROUP] = { "党小组", "网格", NULL },
	[IC_MEMBER] = { "联系户党员", "联系党员", NULL }, [IC_NOTES] = { "备注", NULL, NULL },
};

struct import_row {
	int row_no;
	char *cell[IC__COUNT]; /* owned; NULL = empty */
};

struct import_state {
	int col[IC__COUNT]; /* column index of each field, -1 = absent */
	int header_seen;
	struct import_row *rows;
	size_t n, alloc;
	struct err *e;
};

static int import_header(struct import_state *s, int ncells, const char *const *cells)
{
	int c, k, i;
	for (k = 0; k < IC__COUNT; k++)
		s->col[k] = -1;
	for (c = 0; c < ncells; c++)
		for (k = 0; k < IC__COUNT; k++)
			for (i = 0; i < 3 && import_headers[k][i]; i++)
				if (s->col[k] < 0 && !strcmp(cells[c], import_headers[k][i]))
					s->col[k] = c;
	s->header_seen = 1;
	if (s->col[IC_HEAD] < 0 || s->col[IC_ADDRESS] < 0)
		return err_set(s->e, E_INVALID, "file", "grid.import_header",
			       "第一行须为表头，至少含“户主”和“住址”两列（可选：户人口、党小组、联系户党员、备注）");
	return 0;
}

static int import_row_cb(void *arg, int row_no, int ncells, const char *const *cells)
{
	struct import_state *s = arg;
	struct import_row *r;
	int k;
	if (!s->header_seen)
		return import_header(s, ncells, cells);
	if (s->n >= GRID_IMPORT_MAX_ROWS)
		return err_set(s->e, E_TOOLARGE, "file", "grid.import_rows", "一次最多导入 %d 户", GRID_IMPORT_MAX_ROWS);
	ALLOC_GROW(s->rows, s->n + 1, s->alloc);
	r = &s->rows[s->n++];
	memset(r, 0, sizeof(*r));
	r->row_no = row_no;
	for (k = 0; k < IC__COUNT; k++)
		if (s->col[k] >= 0 && s->col[k] < ncells && cells[s->col[k]][0])
			r->cell[k] = xstrdup(cells[s->col[k]]);
	return 0;
}

static void import_state_release(struct import_state *s)
{
	size_t i;
	int k;
	for (i = 0; i < s->n; i++)
		for (k = 0; k < IC__COUNT; k++)
			free(s->rows[i].cell[k]);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

/* the id of the one row of sql (parameter branch, name) whose name is name: 0 none, -1 several */
static int lookup_by_name(struct ctx *ctx, const char *sql, int64_t branch, const char *name, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step, n = 0;
	*id = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, branch);
	stmt_bind_text(st, 2, name);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (n++ == 0)
			*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (n > 1)
		*id = -1;
	return 0;
}

static void import_error(json_t *errors, int row_no, const char *field, const char *message)
{
	if (json_array_size(errors) < GRID_IMPORT_MAX_ERRORS)
		json_array_append_new(errors, json_pack("{s:i, s:s, s:s}", "row", row_no, "field", field, "message", message));
}

/* One row: resolved, checked and inserted; 0, 1 for a bad row (recorded), or a store error. */
static int import_one(struct ctx *ctx, const struct household *branch, const struct import_row *r, json_t *errors)
{
	struct household h = *branch;
	json_t *body = json_object();
	const char *size = r->cell[IC_SIZE];
	char msg[300];
	int64_t id;
	int rc = 0;
	h.size = 1;
	json_object_set_new(body, "head_name", json_string(r->cell[IC_HEAD] ? r->cell[IC_HEAD] : ""));
	json_object_set_new(body, "address", json_string(r->cell[IC_ADDRESS] ? r->cell[IC_ADDRESS] : ""));
	if (r->cell[IC_NOTES])
		json_object_set_new(body, "notes", json_string(r->cell[IC_NOTES]));
	if (size) {
		char *end;
		long v = strtol(size, &end, 10);
		if (*end || end == size || v < 1 || v > GRID_HOUSEHOLD_MAX) {
			xsnprintf(msg, sizeof(msg), "户人口须为 1 至 %d 的整数", GRID_HOUSEHOLD_MAX);
			import_error(errors, r->row_no, "size", msg);
			rc = 1;
			goto out;
		}
		json_object_set_new(body, "size", json_integer(v));
	}
	if (r->cell[IC_GROUP]) {
		if ((rc = lookup_by_name(ctx, "SELECT id FROM orgs WHERE parent_id = ? AND name = ? AND kind = 'group' AND "
					      "dissolved_on IS NULL", h.org_id, r->cell[IC_GROUP], &id)))
			goto out;
		if (id <= 0) {
			xsnprintf(msg, sizeof(msg), "“%s”不是%s的党小组", r->cell[IC_GROUP], h.org_name);
			import_error(errors, r->row_no, "group_id", msg);
			rc = 1;
			goto out;
		}
		json_object_set_new(body, "group_id", json_integer(id));
	}
	if (r->cell[IC_MEMBER]) {
		if ((rc = lookup_by_name(ctx, "SELECT id FROM members WHERE org_id = ? AND name = ? AND state = 'active'",
					 h.org_id, r->cell[IC_MEMBER], &id)))
			goto out;
		if (id <= 0) {
			xsnprintf(msg, sizeof(msg), id < 0 ? "%s有多名党员叫“%s”，请导入后在系统中分配"
							  : "“%s”不是%s的在册党员",
				  id < 0 ? h.org_name : r->cell[IC_MEMBER], id < 0 ? r->cell[IC_MEMBER] : h.org_name);
			import_error(errors, r->row_no, "member_id", msg);
			rc = 1;
			goto out;
		}
		json_object_set_new(body, "member_id", json_integer(id));
	}
	err_clear(&ctx->err);
	rc = apply_body(ctx, body, &h);
	if (rc && rc != E_DB) {
		import_error(errors, r->row_no, ctx->err.field, ctx->err.message);
		rc = 1;
		goto out;
	}
	if (!rc)
		rc = insert_household(ctx, &h);
out:
	json_decref(body);
	return rc;
}

int grid_household_import(struct ctx *ctx, int64_t org_id, const void *data, size_t len, int dry_run,
			  int *imported, json_t **errors)
{
	struct import_state s;
	struct household branch;
	json_t *errs = json_array();
	size_t i;
	int rc, bad = 0, one;

	memset(&s, 0, sizeof(s));
	memset(&branch, 0, sizeof(branch));
	*imported = 0;
	*errors = NULL;
	s.e = &ctx->err;
	if ((rc = grid_require_officer(ctx)) || (rc = household_branch(ctx, org_id, &branch)))
		goto out;
	if ((rc = table_read_mem(data, len, import_row_cb, &s, &ctx->err)))
		goto out;
	if (!s.header_seen || s.n == 0) {
		rc = err_set(&ctx->err, E_INVALID, "file", "grid.import_empty", "文件中没有可导入的户（第一行为表头）");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	for (i = 0; i < s.n; i++) {
		if ((one = import_one(ctx, &branch, &s.rows[i], errs)) > 1) {
			rc = one;
			db_rollback(ctx->db);
			goto out;
		}
		bad += one;
	}
	if (bad) {
		db_rollback(ctx->db);
		rc = err_set(&ctx->err, E_RULE, "file", "grid.import", "%d 行数据有误，未导入任何户，请改正后重新导入", bad);
		*errors = errs;
		errs = NULL;
		goto out;
	}
	if (dry_run) {
		db_rollback(ctx->db);
	} else if ((rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		goto out;
	}
	*imported = (int)s.n;
out:
	json_decref(errs);
	import_state_release(&s);
	return rc;
}
