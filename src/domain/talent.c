/*
 * 人才储备 (see talent.h). The status order is a small table of allowed moves, checked
 * before the write and again by the UPDATE's WHERE (status and version), so two clerks
 * acting at once cannot both move the same person.
 */
#include "domain/talent.h"
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/gridtal.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "该储备人才不存在或不在您的管理范围内"

static const struct named statuses[TS__COUNT] = {
	[TS_RESERVE] = { "reserve", "储备" },
	[TS_RECOMMENDED] = { "recommended", "已推荐为入党积极分子" },
	[TS_DEVELOPED] = { "developed", "已发展" },
	[TS_WITHDRAWN] = { "withdrawn", "退出" },
};

static const struct named pools[] = {
	{ "youth", "优秀青年" }, { "skilled", "技术能手" }, { "women", "优秀妇女" },
	{ "veteran", "退役军人" }, { "returnee", "返乡人才" }, { "other", "其他" },
};

static const struct named genders[] = { { "1", "男" }, { "2", "女" } };

int talent_status_parse(const char *s)
{
	return named_index(statuses, TS__COUNT, s);
}

const char *talent_status_name(int s)
{
	return named_name_at(statuses, TS__COUNT, s);
}

const char *talent_pool_name(const char *code)
{
	return named_name_of(pools, NAMED_COUNT(pools), code);
}

/* the moves allowed from each status (RULES: reserve → recommended → developed; out from the first two) */
static int move_allowed(int from, int to)
{
	switch (from) {
	case TS_RESERVE:
		return to == TS_RECOMMENDED || to == TS_WITHDRAWN;
	case TS_RECOMMENDED:
		return to == TS_DEVELOPED || to == TS_WITHDRAWN;
	default:
		return 0;
	}
}

struct talent {
	int64_t id, org_id, birth_year, version, recruit_id;
	char org_path[PATH_MAX_LEN], org_name[128];
	char pool[16], name[96], gender[4], education[64], occupation[128], recommended_by[128], listed_on[11];
	char status[16], recommended_on[11], recommend_note[1024], developed_on[11], withdrawn_on[11];
	char withdraw_reason[1024], notes[1024], created_at[21], updated_at[21];
};

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "talent.role", "只有支部书记或管理员可以管理人才储备");
	return 0;
}

static json_t *talent_json(const struct talent *t)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(t->id));
	json_object_set_new(j, "org_id", json_integer(t->org_id));
	json_object_set_new(j, "org_name", json_string(t->org_name));
	json_object_set_new(j, "pool", json_string(t->pool));
	json_object_set_new(j, "pool_name", json_str_or_null(talent_pool_name(t->pool)));
	json_object_set_new(j, "name", json_string(t->name));
	json_object_set_new(j, "gender", json_string(t->gender));
	json_object_set_new(j, "gender_name", json_str_or_null(named_name_of(genders, NAMED_COUNT(genders), t->gender)));
	json_object_set_new(j, "birth_year", t->birth_year ? json_integer(t->birth_year) : json_null());
	json_object_set_new(j, "education", json_str_or_null(t->education));
	json_object_set_new(j, "occupation", json_str_or_null(t->occupation));
	json_object_set_new(j, "recommended_by", json_str_or_null(t->recommended_by));
	json_object_set_new(j, "listed_on", json_string(t->listed_on));
	json_object_set_new(j, "status", json_string(t->status));
	json_object_set_new(j, "status_name", json_string(talent_status_name(talent_status_parse(t->status))));
	json_object_set_new(j, "recommended_on", json_str_or_null(t->recommended_on));
	json_object_set_new(j, "recommend_note", json_str_or_null(t->recommend_note));
	json_object_set_new(j, "developed_on", json_str_or_null(t->developed_on));
	json_object_set_new(j, "recruit_id", t->recruit_id ? json_integer(t->recruit_id) : json_null());
	json_object_set_new(j, "withdrawn_on", json_str_or_null(t->withdrawn_on));
	json_object_set_new(j, "withdraw_reason", json_str_or_null(t->withdraw_reason));
	json_object_set_new(j, "notes", json_str_or_null(t->notes));
	json_object_set_new(j, "version", json_integer(t->version));
	json_object_set_new(j, "created_at", json_str_or_null(t->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(t->updated_at));
	return j;
}

#define T_COLS                                                                                             \
	"t.id, t.org_id, o.path, o.name, t.pool, t.name, t.gender, COALESCE(t.birth_year, 0), t.education, "   \
	"t.occupation, t.recommended_by, t.listed_on, t.status, t.recommended_on, t.recommend_note, "         \
	"t.developed_on, t.withdrawn_on, t.withdraw_reason, t.notes, t.version, t.created_at, t.updated_at, "     \
	"COALESCE(t.recruit_id, 0)"
#define T_FROM " FROM talents t JOIN orgs o ON o.id = t.org_id "

static void read_talent(struct stmt *st, struct talent *t)
{
	memset(t, 0, sizeof(*t));
	t->id = stmt_int(st, 0);
	t->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, t->org_path, sizeof(t->org_path));
	stmt_text_copy(st, 3, t->org_name, sizeof(t->org_name));
	stmt_text_copy(st, 4, t->pool, sizeof(t->pool));
	stmt_text_copy(st, 5, t->name, sizeof(t->name));
	stmt_text_copy(st, 6, t->gender, sizeof(t->gender));
	t->birth_year = stmt_int(st, 7);
	stmt_text_copy(st, 8, t->education, sizeof(t->education));
	stmt_text_copy(st, 9, t->occupation, sizeof(t->occupation));
	stmt_text_copy(st, 10, t->recommended_by, sizeof(t->recommended_by));
	stmt_text_copy(st, 11, t->listed_on, sizeof(t->listed_on));
	stmt_text_copy(st, 12, t->status, sizeof(t->status));
	stmt_text_copy(st, 13, t->recommended_on, sizeof(t->recommended_on));
	stmt_text_copy(st, 14, t->recommend_note, sizeof(t->recommend_note));
	stmt_text_copy(st, 15, t->developed_on, sizeof(t->developed_on));
	stmt_text_copy(st, 16, t->withdrawn_on, sizeof(t->withdrawn_on));
	stmt_text_copy(st, 17, t->withdraw_reason, sizeof(t->withdraw_reason));
	stmt_text_copy(st, 18, t->notes, sizeof(t->notes));
	t->version = stmt_int(st, 19);
	stmt_text_copy(st, 20, t->created_at, sizeof(t->created_at));
	stmt_text_copy(st, 21, t->updated_at, sizeof(t->updated_at));
	t->recruit_id = stmt_int(st, 22);
}

static int load_talent(struct ctx *ctx, int64_t id, struct talent *t)
{
	struct stmt *row;
	int rc;
	memset(t, 0, sizeof(*t));
	if ((rc = listq_row_by_id(ctx, "SELECT " T_COLS T_FROM "WHERE t.id = ?", id, &row)))
		return rc;
	if (row) {
		read_talent(row, t);
		stmt_reset(row);
	}
	if (!row || !ctx_path_in_scope(ctx, t->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	return 0;
}

int talent_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct talent t;
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_talent(ctx, id, &t)))
		return rc;
	*out = talent_json(&t);
	return 0;
}

/* Applies the descriptive fields of body onto t and checks the result. */
static int apply_body(struct ctx *ctx, json_t *body, struct talent *t)
{
	char gender[16] = "";
	struct date d;
	const char *g;
	int rc;
	if ((rc = gt_text(ctx, body, "name", "姓名", 30, 1, t->name, sizeof(t->name))) ||
	    (rc = gt_text(ctx, body, "pool", "人才库", 15, 1, t->pool, sizeof(t->pool))) ||
	    (rc = gt_text(ctx, body, "gender", "性别", 2, 1, gender, sizeof(gender))) ||
	    (rc = gt_int(ctx, body, "birth_year", "出生年份", 1930, ctx->today.y - 14, 1, &t->birth_year)) ||
	    (rc = gt_text(ctx, body, "education", "学历", 20, 0, t->education, sizeof(t->education))) ||
	    (rc = gt_text(ctx, body, "occupation", "职业", 40, 0, t->occupation, sizeof(t->occupation))) ||
	    (rc = gt_text(ctx, body, "recommended_by", "推荐人", 40, 0, t->recommended_by, sizeof(t->recommended_by))) ||
	    (rc = field_date(ctx, body, "listed_on", "入库日期", t->listed_on, NULL)) ||
	    (rc = gt_text(ctx, body, "notes", "备注", 200, 0, t->notes, sizeof(t->notes))))
		return rc;
	if (gender[0]) {
		/* the code or its name, as the member registry takes it */
		if (named_index(genders, NAMED_COUNT(genders), gender) >= 0)
			g = gender;
		else if (!strcmp(gender, "男"))
			g = "1";
		else if (!strcmp(gender, "女"))
			g = "2";
		else
			return err_set(&ctx->err, E_INVALID, "gender", "field.gender", "性别须为 1（男）或 2（女）");
		strlcpy_z(t->gender, g, sizeof(t->gender));
	}
	if (!t->name[0])
		return err_set(&ctx->err, E_INVALID, "name", "field.required", "请填写姓名");
	if ((rc = name_validate(t->name, &ctx->err, "name")))
		return rc;
	if (!talent_pool_name(t->pool))
		return err_set(&ctx->err, E_INVALID, "pool", "talent.pool",
			       "人才库须为 youth（优秀青年）、skilled（技术能手）、women（优秀妇女）、veteran（退役军人）、"
			       "returnee（返乡人才）或 other（其他）");
	if (!t->gender[0])
		return err_set(&ctx->err, E_INVALID, "gender", "field.required", "请选择性别");
	if (!t->listed_on[0])
		date_format(ctx->today, t->listed_on);
	if (!date_parse(t->listed_on, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "listed_on", "field.future", "入库日期不能晚于今天");
	return 0;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	stmt_bind_text(st, idx, s && s[0] ? s : NULL);
}

/* binds the descriptive columns as ?1..?9 in the order of the INSERT / UPDATE below */
static void bind_fields(struct stmt *st, const struct talent *t)
{
	stmt_bind_text(st, 1, t->pool);
	stmt_bind_text(st, 2, t->name);
	stmt_bind_text(st, 3, t->gender);
	if (t->birth_year)
		stmt_bind_int(st, 4, t->birth_year);
	else
		stmt_bind_null(st, 4);
	bind_opt(st, 5, t->education);
	bind_opt(st, 6, t->occupation);
	bind_opt(st, 7, t->recommended_by);
	stmt_bind_text(st, 8, t->listed_on);
	bind_opt(st, 9, t->notes);
}

int talent_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct talent t;
	struct org o;
	struct stmt *st;
	json_t *ja = NULL;
	int rc, step;

	memset(&t, 0, sizeof(t));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "所在组织", &t.org_id)) ||
	    (rc = org_require_in_scope(ctx, t.org_id, &o, "org_id")))
		return rc;
	if (!strcmp(o.kind, "group"))
		return err_set(&ctx->err, E_RULE, "org_id", "talent.org", "储备人才由党支部或党委管理，请选择“%s”的上级组织", o.name);
	strlcpy_z(t.org_name, o.name, sizeof(t.org_name));
	strlcpy_z(t.status, "reserve", sizeof(t.status));
	if ((rc = apply_body(ctx, body, &t)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO talents (pool, name, gender, birth_year, education, occupation, recommended_by, listed_on, "
			"notes, org_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserve', ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	bind_fields(st, &t);
	stmt_bind_int(st, 10, t.org_id);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_text(st, 12, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		t.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	t.version = 1;
	ja = talent_json(&t);
	if ((rc = audit_append(ctx, "create", "talent", t.id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = t.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(ja);
	return rc;
}

/* Writes every column of t where the row still has version and from_status. */
static int write_talent(struct ctx *ctx, const struct talent *t, int64_t version, const char *from_status)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE talents SET pool = ?, name = ?, gender = ?, birth_year = ?, education = ?, "
				     "occupation = ?, recommended_by = ?, listed_on = ?, notes = ?, status = ?, recommended_on = ?, "
				     "recommend_note = ?, developed_on = ?, withdrawn_on = ?, withdraw_reason = ?, updated_at = ?, "
				     "version = version + 1 WHERE id = ? AND version = ? AND status = ?",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	bind_fields(st, t);
	stmt_bind_text(st, 10, t->status);
	bind_opt(st, 11, t->recommended_on);
	bind_opt(st, 12, t->recommend_note);
	bind_opt(st, 13, t->developed_on);
	bind_opt(st, 14, t->withdrawn_on);
	bind_opt(st, 15, t->withdraw_reason);
	stmt_bind_text(st, 16, ctx->now_iso);
	stmt_bind_int(st, 17, t->id);
	stmt_bind_int(st, 18, version);
	stmt_bind_text(st, 19, from_status);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该储备人才信息已被他人修改，请刷新后重试");
	return 0;
}

/* audits and commits a change of before into t, inside the open transaction */
static int finish_write(struct ctx *ctx, const char *action, const struct talent *before, struct talent *t,
			int64_t version)
{
	json_t *jb, *ja;
	int rc;
	if ((rc = write_talent(ctx, t, version, before->status)))
		return rc;
	t->version = version + 1;
	jb = talent_json(before);
	ja = talent_json(t);
	rc = audit_append(ctx, action, "talent", t->id, jb, ja);
	json_decref(jb);
	json_decref(ja);
	return rc ? rc : db_commit(ctx->db, &ctx->err);
}

int talent_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct talent before, t;
	int64_t version = 0;
	int rc;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "version", "版本号", &version)) ||
	    (rc = load_talent(ctx, id, &before)))
		return rc;
	t = before;
	if ((rc = apply_body(ctx, body, &t)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = finish_write(ctx, "update", &before, &t, version)))
		db_rollback(ctx->db);
	return rc;
}

int talent_set_status(struct ctx *ctx, int64_t id, json_t *body)
{
	struct talent before, t;
	char on[11] = "", text[1024] = "";
	struct date d;
	int64_t version = 0;
	const char *to_s = NULL;
	int rc, from, to;

	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "version", "版本号", &version)) ||
	    (rc = body_str_optional(ctx, body, "status", &to_s)) || (rc = load_talent(ctx, id, &before)))
		return rc;
	if (!to_s)
		return err_set(&ctx->err, E_INVALID, "status", "field.required", "请选择新的状态");
	if ((to = talent_status_parse(to_s)) < 0 || to == TS_RESERVE)
		return err_set(&ctx->err, E_INVALID, "status", "talent.status_value",
			       "状态须为 recommended（推荐为入党积极分子）、developed（已发展）或 withdrawn（退出）");
	from = talent_status_parse(before.status);
	if (!move_allowed(from, to))
		return err_set(&ctx->err, E_CONFLICT, "status", "talent.status", "%s当前为“%s”，不能改为“%s”", before.name,
			       talent_status_name(from), talent_status_name(to));
	if ((rc = field_date(ctx, body, "on", "日期", on, NULL)) ||
	    (rc = gt_text(ctx, body, to == TS_WITHDRAWN ? "reason" : "note", to == TS_WITHDRAWN ? "退出原因" : "说明", 200,
			  0, text, sizeof(text))))
		return rc;
	if (to == TS_WITHDRAWN && !text[0])
		return err_set(&ctx->err, E_INVALID, "reason", "field.required", "请填写退出原因");
	if (!on[0])
		date_format(ctx->today, on);
	if (!date_parse(on, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "on", "field.future", "日期不能晚于今天");
	if (strcmp(on, before.listed_on) < 0 ||
	    (to == TS_DEVELOPED && before.recommended_on[0] && strcmp(on, before.recommended_on) < 0))
		return err_set(&ctx->err, E_INVALID, "on", "talent.date", "日期不能早于入库或推荐日期");
	t = before;
	strlcpy_z(t.status, statuses[to].code, sizeof(t.status));
	if (to == TS_RECOMMENDED) {
		strlcpy_z(t.recommended_on, on, sizeof(t.recommended_on));
		strlcpy_z(t.recommend_note, text, sizeof(t.recommend_note));
	} else if (to == TS_DEVELOPED) {
		strlcpy_z(t.developed_on, on, sizeof(t.developed_on));
	} else {
		strlcpy_z(t.withdrawn_on, on, sizeof(t.withdrawn_on));
		strlcpy_z(t.withdraw_reason, text, sizeof(t.withdraw_reason));
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = finish_write(ctx, statuses[to].code, &before, &t, version)))
		db_rollback(ctx->db);
	return rc;
}

/*
 * The recruitment form fed by a recommended talent: inside the caller's transaction, so the
 * recruit and the talent's move to developed are written together or not at all. The
 * status condition in the UPDATE also refuses a second recruit racing for the same talent.
 */
int talent_develop_into(struct ctx *ctx, int64_t id, int64_t recruit_id)
{
	struct talent before, t;
	struct stmt *st;
	json_t *jb, *ja;
	int rc;
	if ((rc = load_talent(ctx, id, &before)))
		return rc == E_NOTFOUND ? err_set(&ctx->err, E_NOTFOUND, "talent_id", NULL, "储备人才不存在或不在管理范围内")
					: rc;
	if (talent_status_parse(before.status) != TS_RECOMMENDED)
		return err_set(&ctx->err, E_CONFLICT, "talent_id", "talent.status",
			       "%s当前为“%s”，只有已推荐为入党积极分子的储备人才可以发起发展", before.name,
			       talent_status_name(talent_status_parse(before.status)));
	t = before;
	strlcpy_z(t.status, statuses[TS_DEVELOPED].code, sizeof(t.status));
	date_format(ctx->today, t.developed_on);
	t.recruit_id = recruit_id;
	t.version = before.version + 1;
	st = db_prepare(ctx->db,
			"UPDATE talents SET status = 'developed', developed_on = ?, recruit_id = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND status = 'recommended'",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, t.developed_on);
	stmt_bind_int(st, 2, recruit_id);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_int(st, 4, id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "talent_id", "talent.status", "该储备人才已被他人处理，请刷新后重试");
	jb = talent_json(&before);
	ja = talent_json(&t);
	rc = audit_append(ctx, "developed", "talent", id, jb, ja);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

/* the WHERE of a list or summary over f */
static int list_where(struct ctx *ctx, const struct talent_filter *f, struct listq *q)
{
	int rc;
	if ((rc = require_officer(ctx)) || (rc = listq_subtree(ctx, q, "o.path", f->org_id)))
		return rc;
	listq_filter_text(q, "t.pool = ?", f->pool);
	listq_filter_text(q, "t.status = ?", f->status);
	listq_filter_contains(q, "t.name LIKE ? ESCAPE '\\'", 1, f->q);
	return 0;
}

static json_t *talent_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct talent t;
	(void)ctx;
	(void)arg;
	read_talent(st, &t);
	return talent_json(&t);
}

int talent_list(struct ctx *ctx, const struct talent_filter *f, int page, int per_page, json_t **items,
		int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" T_FROM, "SELECT " T_COLS T_FROM, " ORDER BY o.path, t.pool, t.id",
	};
	struct listq q;
	int rc;
	*items = NULL;
	*total = 0;
	listq_init(&q);
	if (!(rc = list_where(ctx, f, &q)))
		rc = listq_list(ctx, &q, &sql, page, per_page, talent_row, NULL, items, total);
	listq_release(&q);
	return rc;
}

static json_t *counts_json(void)
{
	json_t *j = json_object();
	int s;
	json_object_set_new(j, "total", json_integer(0));
	for (s = 0; s < TS__COUNT; s++)
		json_object_set_new(j, statuses[s].code, json_integer(0));
	return j;
}

static void counts_add(json_t *j, const char *status, int64_t n)
{
	json_t *v = json_object_get(j, status);
	if (v)
		json_object_set_new(j, status, json_integer(json_integer_value(v) + n));
	json_object_set_new(j, "total", json_integer(json_integer_value(json_object_get(j, "total")) + n));
}

/* the three tables of talent_summary, filled row by row */
struct summary_acc {
	json_t *pool_rows, *org_rows, *total, *cur; /* cur: the last org row (borrowed) */
	int64_t cur_org;
};

static json_t *summary_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct summary_acc *a = arg;
	const char *pool = stmt_text(st, 2), *status = stmt_text(st, 3);
	int64_t n = stmt_int(st, 4);
	int pi = named_index(pools, NAMED_COUNT(pools), pool);
	(void)ctx;
	if (!a->cur || stmt_int(st, 0) != a->cur_org) {
		a->cur_org = stmt_int(st, 0);
		a->cur = counts_json();
		json_object_set_new(a->cur, "org_id", json_integer(a->cur_org));
		json_object_set_new(a->cur, "org_name", json_string(stmt_text(st, 1)));
		json_array_append_new(a->org_rows, a->cur);
	}
	counts_add(a->cur, status, n);
	if (pi >= 0)
		counts_add(json_array_get(a->pool_rows, (size_t)pi), status, n);
	counts_add(a->total, status, n);
	return NULL;
}

int talent_summary(struct ctx *ctx, int64_t org_id, json_t **out)
{
	static const struct listq_sql sql = {
		NULL, "SELECT t.org_id, o.name, t.pool, t.status, count(*)" T_FROM,
		" GROUP BY t.org_id, o.name, o.path, t.pool, t.status ORDER BY o.path, t.pool, t.status",
	};
	struct talent_filter f = { org_id, NULL, NULL, NULL };
	struct summary_acc a = { json_array(), json_array(), counts_json(), NULL, 0 };
	struct listq q;
	json_t *none = NULL;
	size_t i;
	int rc;

	*out = NULL;
	listq_init(&q);
	for (i = 0; i < NAMED_COUNT(pools); i++) {
		json_t *j = counts_json();
		json_object_set_new(j, "pool", json_string(pools[i].code));
		json_object_set_new(j, "pool_name", json_string(pools[i].name));
		json_array_append_new(a.pool_rows, j);
	}
	if ((rc = list_where(ctx, &f, &q)) || (rc = listq_fetch(ctx, &q, &sql, 1, 0, summary_row, &a, &none)))
		goto out;
	*out = json_pack("{s:o, s:o, s:o}", "total", a.total, "pools", a.pool_rows, "orgs", a.org_rows);
	a.total = a.pool_rows = a.org_rows = NULL;
out:
	json_decref(none);
	json_decref(a.total);
	json_decref(a.pool_rows);
	json_decref(a.org_rows);
	listq_release(&q);
	return rc;
}
