/*
 * 述职评议 sessions (docs/API.md "述职评议 (reviews)"). Every change of a session (draw,
 * raters, open, publish) is one UPDATE of the session row guarded by its version and
 * status, so the state read before the transaction is the state written against, and
 * a concurrent change answers 409. Ballots do not bump the version (raters score while
 * the host works on the session) but take the same row lock with "status = 'scoring'":
 * once publish has committed, a late ballot finds no open session and changes nothing.
 */
#include "domain/body.h"
#include "domain/review_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "述职评议不存在或不在您的管理范围内"
#define STALE_MSG "该述职评议已被他人修改，请刷新后重试"

void review_release(struct review *v)
{
	free(v->draw_pool);
	free(v->p);
	free(v->r);
	memset(v, 0, sizeof(*v));
}

static int require_admin(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "review.role", "只有党委或组织部管理员可以组织述职评议");
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *x10_json(int x10)
{
	return x10 < 0 ? json_null() : json_real(x10 / 10.0);
}

static json_t *weights_json(const int *w)
{
	return json_pack("{s:i, s:i, s:i}", "leader", w[RG_LEADER], "member", w[RG_MEMBER], "mass", w[RG_MASS]);
}

static int published(const struct review *v)
{
	return !strcmp(v->status, "published");
}

static json_t *participant_json(const struct review *v, const struct participant *p)
{
	json_t *j = json_object(), *bg;
	int g;
	json_object_set_new(j, "org_id", json_integer(p->org_id));
	json_object_set_new(j, "org_name", json_string(p->org_name));
	json_object_set_new(j, "how", json_string(p->how));
	json_object_set_new(j, "grp", json_string(p->grp));
	json_object_set_new(j, "draw_order", json_integer(p->draw_order));
	if (!published(v)) {
		json_object_set_new(j, "score", json_null());
		json_object_set_new(j, "rank", json_null());
		json_object_set_new(j, "grade", json_null());
		json_object_set_new(j, "by_group", json_null());
		return j;
	}
	json_object_set_new(j, "score", x10_json(p->score_x10));
	json_object_set_new(j, "rank", p->rank > 0 ? json_integer(p->rank) : json_null());
	json_object_set_new(j, "grade", json_str_or_null(review_grade(p->score_x10)));
	bg = json_object();
	for (g = 0; g < RG__COUNT; g++)
		json_object_set_new(bg, review_group_code(g), x10_json(review_mean_x10(&p->t, g)));
	json_object_set_new(j, "by_group", bg);
	return j;
}

static json_t *head_json(const struct review *v)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(v->id));
	json_object_set_new(j, "org_id", json_integer(v->org_id));
	json_object_set_new(j, "org_name", json_string(v->org_name));
	json_object_set_new(j, "title", json_string(v->title));
	json_object_set_new(j, "year", json_integer(v->year));
	json_object_set_new(j, "held_on", json_string(v->held_on));
	json_object_set_new(j, "weights", weights_json(v->weights));
	json_object_set_new(j, "status", json_string(v->status));
	json_object_set_new(j, "seed", json_str_or_null(v->seed));
	json_object_set_new(j, "draw_count", json_integer(v->draw_count));
	json_object_set_new(j, "published_at", json_str_or_null(v->published_at));
	json_object_set_new(j, "version", json_integer(v->version));
	json_object_set_new(j, "created_at", json_str_or_null(v->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(v->updated_at));
	return j;
}

static json_t *rater_json(const struct rater *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "name", json_string(r->name));
	json_object_set_new(j, "grp", json_string(review_group_code(r->grp)));
	json_object_set_new(j, "submitted_at", json_str_or_null(r->submitted_at));
	return j;
}

/* The stored pool with each org's current name. */
static int pool_json(struct ctx *ctx, const struct review *v, json_t **out)
{
	json_t *pool = json_loads(v->draw_pool ? v->draw_pool : "[]", 0, NULL), *it;
	size_t i;
	*out = NULL;
	if (!json_is_array(pool)) {
		json_decref(pool);
		return err_set(&ctx->err, E_INTERNAL, "draw_pool", NULL, "述职评议 %" PRId64 " 的抽签范围无法读取", v->id);
	}
	json_array_foreach(pool, i, it) {
		struct stmt *st = db_prepare(ctx->db, "SELECT name FROM orgs WHERE id = ?", &ctx->err);
		int step;
		if (!st) {
			json_decref(pool);
			return E_DB;
		}
		stmt_bind_int(st, 1, json_integer_value(json_object_get(it, "org_id")));
		step = stmt_step(st, &ctx->err);
		json_object_set_new(it, "org_name", step == STEP_ROW ? json_str_or_null(stmt_text(st, 0)) : json_null());
		stmt_reset(st);
		if (step < 0) {
			json_decref(pool);
			return ctx_db_fail(ctx);
		}
	}
	*out = pool;
	return 0;
}

static int review_to_json(struct ctx *ctx, const struct review *v, json_t **out)
{
	json_t *j = head_json(v), *arr, *pool = NULL;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = pool_json(ctx, v, &pool))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "draw_pool", pool);
	arr = json_array();
	for (i = 0; i < v->np; i++)
		json_array_append_new(arr, participant_json(v, &v->p[i]));
	json_object_set_new(j, "participants", arr);
	arr = json_array();
	for (i = 0; i < v->nr; i++)
		json_array_append_new(arr, rater_json(&v->r[i]));
	json_object_set_new(j, "raters", arr);
	*out = j;
	return 0;
}

/* ---- reading --------------------------------------------------------------------- */

#define REVIEW_COLS                                                                                        \
	"v.id, v.org_id, o.path, o.name, v.title, v.year, v.held_on, v.weight_leader, v.weight_member, "      \
	"v.weight_mass, v.draw_pool, v.draw_count, v.seed, v.status, v.published_at, v.version, v.created_at, " \
	"v.updated_at"
#define REVIEW_FROM " FROM reviews v JOIN orgs o ON o.id = v.org_id "

static void read_review(struct stmt *st, void *rec)
{
	struct review *v = rec;
	const char *s;
	memset(v, 0, sizeof(*v));
	v->id = stmt_int(st, 0);
	v->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, v->org_path, sizeof(v->org_path));
	stmt_text_copy(st, 3, v->org_name, sizeof(v->org_name));
	stmt_text_copy(st, 4, v->title, sizeof(v->title));
	v->year = (int)stmt_int(st, 5);
	stmt_text_copy(st, 6, v->held_on, sizeof(v->held_on));
	v->weights[RG_LEADER] = (int)stmt_int(st, 7);
	v->weights[RG_MEMBER] = (int)stmt_int(st, 8);
	v->weights[RG_MASS] = (int)stmt_int(st, 9);
	if ((s = stmt_text(st, 10)))
		v->draw_pool = xstrdup(s);
	v->draw_count = (int)stmt_int(st, 11);
	stmt_text_copy(st, 12, v->seed, sizeof(v->seed));
	stmt_text_copy(st, 13, v->status, sizeof(v->status));
	stmt_text_copy(st, 14, v->published_at, sizeof(v->published_at));
	v->version = stmt_int(st, 15);
	stmt_text_copy(st, 16, v->created_at, sizeof(v->created_at));
	stmt_text_copy(st, 17, v->updated_at, sizeof(v->updated_at));
}

/* fixed ones first (by org id), then the drawn in draw order: the order of the ballot too */
int review_load_participants(struct ctx *ctx, struct review *v)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT p.org_id, o.name, p.how, p.grp, p.draw_order, p.score_x10, p.rank FROM "
				     "review_participants p JOIN orgs o ON o.id = p.org_id WHERE p.review_id = ? ORDER BY "
				     "CASE WHEN p.how = 'fixed' THEN 0 ELSE 1 END, p.draw_order, p.org_id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, v->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct participant *p;
		ALLOC_GROW(v->p, v->np + 1, v->ap);
		p = &v->p[v->np++];
		memset(p, 0, sizeof(*p));
		p->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, p->org_name, sizeof(p->org_name));
		stmt_text_copy(st, 2, p->how, sizeof(p->how));
		stmt_text_copy(st, 3, p->grp, sizeof(p->grp));
		p->draw_order = (int)stmt_int(st, 4);
		p->score_x10 = stmt_is_null(st, 5) ? -1 : (int)stmt_int(st, 5);
		p->rank = stmt_is_null(st, 6) ? 0 : (int)stmt_int(st, 6);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int load_raters(struct ctx *ctx, struct review *v)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, name, grp, submitted_at FROM review_raters WHERE review_id = ? ORDER BY id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, v->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct rater *r;
		ALLOC_GROW(v->r, v->nr + 1, v->ar);
		r = &v->r[v->nr++];
		memset(r, 0, sizeof(*r));
		r->id = stmt_int(st, 0);
		stmt_text_copy(st, 1, r->name, sizeof(r->name));
		r->grp = review_group_parse(stmt_text(st, 2));
		stmt_text_copy(st, 3, r->submitted_at, sizeof(r->submitted_at));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static struct participant *find_participant(struct review *v, int64_t org_id)
{
	size_t i;
	for (i = 0; i < v->np; i++)
		if (v->p[i].org_id == org_id)
			return &v->p[i];
	return NULL;
}

/* Per participant and rater group: the sum and count of the submitted scores. */
static int load_tallies(struct ctx *ctx, struct review *v)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT s.org_id, r.grp, sum(s.score), count(*) FROM review_scores s JOIN review_raters r "
				     "ON r.id = s.rater_id WHERE r.review_id = ? GROUP BY s.org_id, r.grp",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, v->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct participant *p = find_participant(v, stmt_int(st, 0));
		int g = review_group_parse(stmt_text(st, 1));
		if (p && g >= 0) {
			p->t.sum[g] = stmt_int(st, 2);
			p->t.n[g] = stmt_int(st, 3);
		}
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* The session (with participants and raters when asked) if its host lies in the actor's scope. */
static int load_review(struct ctx *ctx, int64_t id, struct review *v, int full)
{
	int found, rc;
	if ((rc = listq_load_by_id(ctx, "SELECT " REVIEW_COLS REVIEW_FROM "WHERE v.id = ?", id, read_review, v,
				   sizeof(*v), &found)))
		return rc;
	if (!found || !ctx_path_in_scope(ctx, v->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	if (!full)
		return 0;
	if ((rc = review_load_participants(ctx, v)) || (rc = load_raters(ctx, v)))
		return rc;
	return published(v) ? load_tallies(ctx, v) : 0;
}

int review_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct review v;
	int rc;
	*out = NULL;
	memset(&v, 0, sizeof(v));
	if (!(rc = require_admin(ctx)) && !(rc = load_review(ctx, id, &v, 1)))
		rc = review_to_json(ctx, &v, out);
	review_release(&v);
	return rc;
}

int review_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st = NULL;
	char hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	int rc, step;
	const char *where = year ? " WHERE o.path >= ? AND o.path < ? AND v.year = ?" : " WHERE o.path >= ? AND o.path < ?";

	*items = NULL;
	*total = 0;
	if ((rc = require_admin(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	path_range_end(root.path, hi, sizeof(hi));
	strbuf_addf(&sql, "SELECT count(*)" REVIEW_FROM "%s", where);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	if (year)
		stmt_bind_int(st, 3, year);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT " REVIEW_COLS ", (SELECT count(*) FROM review_participants p WHERE p.review_id = v.id), "
		    "(SELECT count(*) FROM review_raters r WHERE r.review_id = v.id), "
		    "(SELECT count(r.submitted_at) FROM review_raters r WHERE r.review_id = v.id)" REVIEW_FROM
		    "%s ORDER BY v.year DESC, v.held_on DESC, v.id DESC LIMIT %d OFFSET %" PRId64,
		    where, per_page, (int64_t)(page - 1) * per_page);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, root.path);
	stmt_bind_text(st, 2, hi);
	if (year)
		stmt_bind_int(st, 3, year);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct review v;
		json_t *j;
		read_review(st, &v);
		j = head_json(&v);
		json_object_set_new(j, "participants_count", json_integer(stmt_int(st, 18)));
		json_object_set_new(j, "raters_count", json_integer(stmt_int(st, 19)));
		json_object_set_new(j, "submitted_count", json_integer(stmt_int(st, 20)));
		json_array_append_new(arr, j);
		review_release(&v);
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
	strbuf_release(&sql);
	return rc;
}

/* ---- body fields ------------------------------------------------------------------ */

/* One line of text: 1 … max_chars characters after trimming, no control characters. */
static int line_text(struct ctx *ctx, json_t *v, const char *field, const char *label, int max_chars, char *dst,
		     size_t size)
{
	const char *s;
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s不能为空", label);
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是字符串", field);
	s = json_string_value(v);
	if (strlen(s) >= size || !text_is_clean(s))
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s不是有效文本或超过 %d 个字", label, max_chars);
	text_normalize(s, dst, size);
	if (!dst[0])
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s不能为空", label);
	if (utf8_chars(dst) > (size_t)max_chars)
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s不能超过 %d 个字", label, max_chars);
	return 0;
}

/* the version the client read, required */
static int body_version(struct ctx *ctx, json_t *body, int64_t *version)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v))
		return err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			       "须提供述职评议的 version");
	*version = json_integer_value(v);
	return 0;
}

/* {"leader","member","mass"}: integers 0–100 summing to 100 */
static int parse_weights(struct ctx *ctx, json_t *v, int *w)
{
	const char *key;
	json_t *x;
	int g, sum = 0, seen[RG__COUNT] = { 0 };
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "weights", "field.required", "权重不能为空");
	if (!json_is_object(v))
		return err_set(&ctx->err, E_MALFORMED, "weights", NULL, "weights 必须是对象 {\"leader\",\"member\",\"mass\"}");
	json_object_foreach(v, key, x) {
		if ((g = review_group_parse(key)) < 0)
			return err_set(&ctx->err, E_MALFORMED, "weights", NULL, "weights 含有未知字段 %s", key);
		if (!json_is_integer(x))
			return err_set(&ctx->err, E_MALFORMED, "weights", NULL, "weights.%s 必须是整数", key);
		if (json_integer_value(x) < 0 || json_integer_value(x) > 100)
			return err_set(&ctx->err, E_INVALID, "weights", "review.weights", "%s的权重须在 0 至 100 之间",
				       review_group_name(g));
		w[g] = (int)json_integer_value(x);
		seen[g] = 1;
		sum += w[g];
	}
	for (g = 0; g < RG__COUNT; g++)
		if (!seen[g])
			return err_set(&ctx->err, E_INVALID, "weights", "review.weights", "须给出%s的权重", review_group_name(g));
	if (sum != 100)
		return err_set(&ctx->err, E_INVALID, "weights", "review.weights", "三类评议人的权重之和须为 100，现为 %d", sum);
	return 0;
}

struct unit {
	int64_t org_id;
	char grp[96];
};

static int unit_listed(const struct unit *u, size_t n, int64_t org_id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (u[i].org_id == org_id)
			return 1;
	return 0;
}

/*
 * [{"org_id","grp"}] of orgs below the host (not the host itself), none twice and none in
 * `others` (the fixed participants, when reading the pool). *out owned by the caller.
 */
static int parse_units(struct ctx *ctx, json_t *v, const char *field, const struct org *host, const struct unit *others,
		       size_t n_others, struct unit **out, size_t *n_out)
{
	struct unit *u = NULL;
	size_t i, n = 0;
	json_t *it;
	int rc = 0;
	*out = NULL;
	*n_out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是数组 [{\"org_id\",\"grp\"}]", field);
	if (json_array_size(v) > REVIEW_MAX_PARTICIPANTS)
		return err_set(&ctx->err, E_INVALID, field, "review.participant", "单位不能超过 %d 个", REVIEW_MAX_PARTICIPANTS);
	u = xcalloc(json_array_size(v) + 1, sizeof(*u));
	json_array_foreach(v, i, it) {
		const char *key;
		json_t *x;
		struct org o;
		json_object_foreach(it, key, x)
			if (strcmp(key, "org_id") && strcmp(key, "grp")) {
				rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 含有未知字段 %s", field, key);
				goto out;
			}
		x = json_object_get(it, "org_id");
		if (!json_is_object(it) || !json_is_integer(x)) {
			rc = err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 的每一项须为 {\"org_id\": 整数, \"grp\": 文本}", field);
			goto out;
		}
		if ((rc = org_require_in_scope(ctx, json_integer_value(x), &o, field)))
			goto out;
		if (o.id == host->id || strncmp(o.path, host->path, strlen(host->path))) {
			rc = err_set(&ctx->err, E_INVALID, field, "review.participant", "“%s”不是%s的下级组织", o.name, host->name);
			goto out;
		}
		if (unit_listed(u, n, o.id) || unit_listed(others, n_others, o.id)) {
			rc = err_set(&ctx->err, E_INVALID, field, "review.duplicate", "“%s”重复列出", o.name);
			goto out;
		}
		if ((rc = line_text(ctx, json_object_get(it, "grp"), field, "分类", REVIEW_GRP_MAX_CHARS, u[n].grp,
				    sizeof(u[n].grp))))
			goto out;
		u[n++].org_id = o.id;
	}
out:
	if (rc) {
		free(u);
		return rc;
	}
	*out = u;
	*n_out = n;
	return 0;
}

/* ---- creating -------------------------------------------------------------------- */

static int insert_participant(struct ctx *ctx, int64_t review_id, const struct unit *u, const char *how, int order)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO review_participants (review_id, org_id, how, grp, draw_order) VALUES (?, ?, ?, ?, ?)",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, review_id);
	stmt_bind_int(st, 2, u->org_id);
	stmt_bind_text(st, 3, how);
	stmt_bind_text(st, 4, u->grp);
	stmt_bind_int(st, 5, order);
	return stmt_run(st, &ctx->err);
}

static char *pool_text(const struct unit *u, size_t n)
{
	json_t *arr = json_array();
	char *s;
	size_t i;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s}", "org_id", (json_int_t)u[i].org_id, "grp", u[i].grp));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

/* The fields of a new session, checked; fixed and pool owned by the caller. */
struct new_review {
	struct org host;
	char title[512];
	int64_t year, draw_count;
	char held_on[11];
	int weights[RG__COUNT];
	struct unit *fixed, *pool;
	size_t n_fixed, n_pool;
};

static int parse_new(struct ctx *ctx, json_t *body, struct new_review *n)
{
	struct date d;
	json_t *v;
	int64_t org_id;
	int rc;
	if ((rc = body_int_required(ctx, body, "org_id", "主办党委", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &n->host, "org_id")))
		return rc;
	if (strcmp(n->host.kind, "committee") && strcmp(n->host.kind, "dept"))
		return err_set(&ctx->err, E_RULE, "org_id", "review.org_kind", "述职评议由党委或组织部主办，“%s”不是党委",
			       n->host.name);
	if ((rc = line_text(ctx, json_object_get(body, "title"), "title", "标题", REVIEW_TITLE_MAX_CHARS, n->title,
			    sizeof(n->title))) ||
	    (rc = body_int_required(ctx, body, "year", "评议年度", &n->year)))
		return rc;
	if (n->year < 2000 || n->year > ctx->today.y + 1)
		return err_set(&ctx->err, E_INVALID, "year", "review.year", "评议年度须在 2000 至 %d 之间", ctx->today.y + 1);
	v = json_object_get(body, "held_on");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "held_on", "field.required", "评议日期不能为空");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "held_on", NULL, "字段 held_on 必须是字符串");
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, "held_on", "field.date", "评议日期不是有效日期（格式 YYYY-MM-DD）");
	date_format(d, n->held_on);
	if ((rc = parse_weights(ctx, json_object_get(body, "weights"), n->weights)) ||
	    (rc = parse_units(ctx, json_object_get(body, "participants"), "participants", &n->host, NULL, 0, &n->fixed,
			      &n->n_fixed)) ||
	    (rc = parse_units(ctx, json_object_get(body, "draw_pool"), "draw_pool", &n->host, n->fixed, n->n_fixed,
			      &n->pool, &n->n_pool)))
		return rc;
	v = json_object_get(body, "draw_count");
	if (v && !json_is_null(v) && !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "draw_count", NULL, "字段 draw_count 必须是整数");
	n->draw_count = json_is_integer(v) ? json_integer_value(v) : 0;
	if (n->draw_count < 0 || (size_t)n->draw_count > n->n_pool)
		return err_set(&ctx->err, E_INVALID, "draw_count", "review.draw_count", "抽取数量须在 0 至抽签范围的 %zu 个单位之间",
			       n->n_pool);
	return 0;
}

int review_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct new_review n;
	struct review v;
	struct stmt *st;
	json_t *ja = NULL;
	char *pool = NULL;
	size_t i;
	int rc, step;

	memset(&n, 0, sizeof(n));
	memset(&v, 0, sizeof(v));
	*id = 0;
	if ((rc = require_admin(ctx)) || (rc = parse_new(ctx, body, &n)))
		goto out;
	pool = pool_text(n.pool, n.n_pool);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO reviews (org_id, org_path, title, year, held_on, weight_leader, weight_member, weight_mass, "
			"draw_pool, draw_count, status, created_by, version, created_at, updated_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, 1, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, n.host.id);
	stmt_bind_text(st, 2, n.host.path);
	stmt_bind_text(st, 3, n.title);
	stmt_bind_int(st, 4, n.year);
	stmt_bind_text(st, 5, n.held_on);
	for (i = 0; i < RG__COUNT; i++)
		stmt_bind_int(st, 6 + (int)i, n.weights[i]);
	stmt_bind_text(st, 9, pool);
	stmt_bind_int(st, 10, n.draw_count);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 11, ctx->actor.user_id);
	else
		stmt_bind_null(st, 11);
	stmt_bind_text(st, 12, ctx->now_iso);
	stmt_bind_text(st, 13, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	for (i = 0; i < n.n_fixed; i++)
		if ((rc = insert_participant(ctx, *id, &n.fixed[i], "fixed", 0)))
			goto rollback;
	if ((rc = load_review(ctx, *id, &v, 1)) || (rc = review_to_json(ctx, &v, &ja)) ||
	    (rc = audit_append(ctx, "create", "review", *id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	json_decref(ja);
	free(pool);
	free(n.fixed);
	free(n.pool);
	review_release(&v);
	return rc;
}

/* ---- state changes --------------------------------------------------------------- */

/* Before a change: the session is in one of the statuses allowed (409 review.status) at the version read. */
static int check_state(struct ctx *ctx, const struct review *v, int64_t version, const char *allowed,
		       const char *what)
{
	char needle[16];
	xsnprintf(needle, sizeof(needle), "|%s|", v->status);
	if (!strstr(allowed, needle))
		return err_set(&ctx->err, E_CONFLICT, "status", "review.status", "“%s”当前%s，不能%s", v->title,
			       !strcmp(v->status, "draft") ? "尚未开始评分"
			       : !strcmp(v->status, "scoring") ? "正在评分" : "已经公布结果",
			       what);
	if (version != v->version)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
	return 0;
}

/*
 * The one write of the session row: status (and seed / published_at when given) at the
 * version read, bumping it. Takes the row lock that ballots wait on.
 */
static int advance(struct ctx *ctx, const struct review *v, int64_t version, const char *to, const char *seed,
		   const char *published_at)
{
	struct stmt *st = db_prepare(ctx->db,
				     "UPDATE reviews SET status = ?, seed = COALESCE(CAST(? AS TEXT), seed), published_at = "
				     "COALESCE(CAST(? AS TEXT), published_at), version = version + 1, updated_at = ? WHERE "
				     "id = ? AND version = ? AND status = ?",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, to);
	stmt_bind_text(st, 2, seed);
	stmt_bind_text(st, 3, published_at);
	stmt_bind_text(st, 4, ctx->now_iso);
	stmt_bind_int(st, 5, v->id);
	stmt_bind_int(st, 6, version);
	stmt_bind_text(st, 7, v->status);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
	return 0;
}

/* Audits action with the session as it is now (inside the transaction) and commits. */
static int audit_and_commit(struct ctx *ctx, const char *action, const struct review *before, json_t *extra)
{
	struct review after;
	json_t *jb = head_json(before), *ja = NULL;
	int rc;
	if (!(rc = load_review(ctx, before->id, &after, 1)) && !(rc = review_to_json(ctx, &after, &ja))) {
		if (extra)
			json_object_update(ja, extra);
		if (!(rc = audit_append(ctx, action, "review", before->id, jb, ja)))
			rc = db_commit(ctx->db, &ctx->err);
	}
	json_decref(jb);
	json_decref(ja);
	review_release(&after);
	return rc;
}

/* The pool's org ids and groups from the stored JSON. */
static int read_pool(struct ctx *ctx, const struct review *v, struct unit **out, size_t *n)
{
	json_t *pool = json_loads(v->draw_pool ? v->draw_pool : "[]", 0, NULL), *it;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!json_is_array(pool)) {
		json_decref(pool);
		return err_set(&ctx->err, E_INTERNAL, "draw_pool", NULL, "述职评议 %" PRId64 " 的抽签范围无法读取", v->id);
	}
	*out = xcalloc(json_array_size(pool) + 1, sizeof(**out));
	json_array_foreach(pool, i, it) {
		(*out)[i].org_id = json_integer_value(json_object_get(it, "org_id"));
		strlcpy_z((*out)[i].grp, json_string_value(json_object_get(it, "grp")) ? json_string_value(json_object_get(it, "grp"))
										       : "",
			  sizeof((*out)[i].grp));
	}
	*n = json_array_size(pool);
	json_decref(pool);
	return 0;
}

/* drawn[k] from the seed over the pool; *k the number drawn */
static int run_draw(struct ctx *ctx, const struct review *v, const char *seed, struct unit **pool, size_t *n_pool,
		    int64_t **drawn, size_t *k)
{
	int64_t *ids;
	size_t i;
	int rc;
	*drawn = NULL;
	*k = 0;
	if ((rc = read_pool(ctx, v, pool, n_pool)))
		return rc;
	ids = xcalloc(*n_pool + 1, sizeof(*ids));
	for (i = 0; i < *n_pool; i++)
		ids[i] = (*pool)[i].org_id;
	*drawn = xcalloc(*n_pool + 1, sizeof(**drawn));
	*k = review_draw_compute(seed, ids, *n_pool, (size_t)v->draw_count, *drawn);
	free(ids);
	return 0;
}

static const struct unit *pool_unit(const struct unit *u, size_t n, int64_t org_id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (u[i].org_id == org_id)
			return &u[i];
	return NULL;
}

int review_draw(struct ctx *ctx, int64_t id, json_t *body)
{
	struct review v;
	struct unit *pool = NULL;
	int64_t *drawn = NULL, version;
	size_t n_pool = 0, k = 0, i;
	char seed[REVIEW_SEED_HEX + 1];
	json_t *s, *extra = NULL;
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = require_admin(ctx)) || (rc = load_review(ctx, id, &v, 0)) || (rc = body_version(ctx, body, &version)) ||
	    (rc = check_state(ctx, &v, version, "|draft|", "抽签")))
		goto out;
	if (v.seed[0]) {
		rc = err_set(&ctx->err, E_CONFLICT, "seed", "review.status", "“%s”已经抽签（种子 %s）", v.title, v.seed);
		goto out;
	}
	if (v.draw_count <= 0) {
		rc = err_set(&ctx->err, E_RULE, "draw_count", "review.draw_count", "“%s”没有设置抽取单位", v.title);
		goto out;
	}
	s = json_object_get(body, "seed");
	if (s && !json_is_null(s) && !json_is_string(s)) {
		rc = err_set(&ctx->err, E_MALFORMED, "seed", NULL, "字段 seed 必须是字符串");
		goto out;
	}
	if (json_is_string(s) && json_string_value(s)[0]) {
		if (!review_seed_valid(json_string_value(s))) {
			rc = err_set(&ctx->err, E_INVALID, "seed", "review.seed", "种子须为 %d 位小写十六进制字符", REVIEW_SEED_HEX);
			goto out;
		}
		strlcpy_z(seed, json_string_value(s), sizeof(seed));
	} else {
		review_seed_random(seed);
	}
	if ((rc = run_draw(ctx, &v, seed, &pool, &n_pool, &drawn, &k)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = advance(ctx, &v, version, "draft", seed, NULL)))
		goto rollback;
	for (i = 0; i < k; i++) {
		const struct unit *u = pool_unit(pool, n_pool, drawn[i]);
		if ((rc = insert_participant(ctx, v.id, u, "drawn", (int)i + 1)))
			goto rollback;
	}
	extra = json_object();
	json_object_set_new(extra, "drawn", json_array());
	for (i = 0; i < k; i++)
		json_array_append_new(json_object_get(extra, "drawn"), json_integer(drawn[i]));
	if ((rc = audit_and_commit(ctx, "draw", &v, extra)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(extra);
	free(pool);
	free(drawn);
	review_release(&v);
	return rc;
}

int review_draw_verify(struct ctx *ctx, int64_t id, json_t **out)
{
	struct review v;
	struct unit *pool = NULL;
	int64_t *drawn = NULL;
	size_t n_pool = 0, k = 0, i, stored = 0;
	json_t *arr;
	int rc, matches;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	if ((rc = require_admin(ctx)) || (rc = load_review(ctx, id, &v, 1)))
		goto out;
	if (!v.seed[0]) {
		rc = err_set(&ctx->err, E_CONFLICT, "seed", "review.status", "“%s”尚未抽签", v.title);
		goto out;
	}
	if ((rc = run_draw(ctx, &v, v.seed, &pool, &n_pool, &drawn, &k)))
		goto out;
	/* the stored drawn participants, in their draw order (load_participants' order) */
	matches = 1;
	for (i = 0; i < v.np; i++) {
		if (strcmp(v.p[i].how, "drawn"))
			continue;
		if (stored >= k || drawn[stored] != v.p[i].org_id || v.p[i].draw_order != (int)stored + 1)
			matches = 0;
		stored++;
	}
	if (stored != k)
		matches = 0;
	arr = json_array();
	for (i = 0; i < k; i++)
		json_array_append_new(arr, json_integer(drawn[i]));
	*out = json_pack("{s:s, s:o, s:b}", "seed", v.seed, "drawn", arr, "matches", matches);
out:
	free(pool);
	free(drawn);
	review_release(&v);
	return rc;
}

int review_add_raters(struct ctx *ctx, int64_t id, json_t *body, json_t **out)
{
	struct review v;
	struct rater *add = NULL;
	char (*codes)[REVIEW_CODE_LEN + 1] = NULL;
	json_t *list, *it, *res = NULL, *extra = NULL;
	int64_t version;
	size_t i, n;
	int rc, step;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	if ((rc = require_admin(ctx)) || (rc = load_review(ctx, id, &v, 1)) || (rc = body_version(ctx, body, &version)) ||
	    (rc = check_state(ctx, &v, version, "|draft|scoring|", "添加评议人")))
		goto out;
	list = json_object_get(body, "raters");
	if (!json_is_array(list)) {
		rc = err_set(&ctx->err, list ? E_MALFORMED : E_INVALID, "raters", list ? NULL : "field.required",
			     "raters 须为数组 [{\"name\",\"grp\"}]");
		goto out;
	}
	n = json_array_size(list);
	if (!n || v.nr + n > REVIEW_MAX_RATERS) {
		rc = err_set(&ctx->err, E_INVALID, "raters", "review.raters", "每次评议的评议人须为 1 至 %d 名（已有 %zu 名）",
			     REVIEW_MAX_RATERS, v.nr);
		goto out;
	}
	add = xcalloc(n, sizeof(*add));
	codes = xcalloc(n, sizeof(*codes));
	json_array_foreach(list, i, it) {
		const char *key;
		json_t *x, *g = json_object_get(it, "grp");
		if (!json_is_object(it)) {
			rc = err_set(&ctx->err, E_MALFORMED, "raters", NULL, "raters 的每一项须为 {\"name\",\"grp\"}");
			goto out;
		}
		json_object_foreach(it, key, x)
			if (strcmp(key, "name") && strcmp(key, "grp")) {
				rc = err_set(&ctx->err, E_MALFORMED, "raters", NULL, "raters 含有未知字段 %s", key);
				goto out;
			}
		if ((rc = line_text(ctx, json_object_get(it, "name"), "raters", "评议人姓名", REVIEW_NAME_MAX_CHARS,
				    add[i].name, sizeof(add[i].name))))
			goto out;
		if (!json_is_string(g) || (add[i].grp = review_group_parse(json_string_value(g))) < 0) {
			rc = err_set(&ctx->err, E_INVALID, "raters", "review.rater_grp",
				     "评议人类别须为 leader（领导）、member（党员代表）或 mass（群众代表）");
			goto out;
		}
	}

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = advance(ctx, &v, version, v.status, NULL, NULL)))
		goto rollback;
	res = json_array();
	extra = json_array();
	for (i = 0; i < n; i++) {
		struct stmt *st = db_prepare(ctx->db,
					     "INSERT INTO review_raters (review_id, name, grp, code_hash, created_at) VALUES "
					     "(?, ?, ?, ?, ?) RETURNING id",
					     &ctx->err);
		char hash[65];
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		review_code_random(codes[i]);
		review_code_hash(codes[i], hash);
		stmt_bind_int(st, 1, v.id);
		stmt_bind_text(st, 2, add[i].name);
		stmt_bind_text(st, 3, review_group_code(add[i].grp));
		stmt_bind_text(st, 4, hash);
		stmt_bind_text(st, 5, ctx->now_iso);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			add[i].id = stmt_int(st, 0);
		stmt_reset(st);
		if (step != STEP_ROW) {
			rc = ctx_db_fail(ctx);
			goto rollback;
		}
		json_array_append_new(res, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)add[i].id, "name",
						     add[i].name, "grp", review_group_code(add[i].grp), "code", codes[i]));
		/* the audit keeps who was added, never the code */
		json_array_append_new(extra, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)add[i].id, "name", add[i].name,
						       "grp", review_group_code(add[i].grp)));
	}
	{
		json_t *x = json_pack("{s:O}", "added_raters", extra);
		rc = audit_and_commit(ctx, "raters", &v, x);
		json_decref(x);
	}
	if (rc)
		goto rollback;
	*out = json_pack("{s:O}", "raters", res);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(res);
	json_decref(extra);
	free(add);
	free(codes);
	review_release(&v);
	return rc;
}

int review_open(struct ctx *ctx, int64_t id, json_t *body)
{
	struct review v;
	int64_t version;
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = require_admin(ctx)) || (rc = load_review(ctx, id, &v, 1)) || (rc = body_version(ctx, body, &version)) ||
	    (rc = check_state(ctx, &v, version, "|draft|", "开始评分")))
		goto out;
	/* what was read is what the guarded UPDATE below writes against: every change bumps the version */
	if (v.draw_count > 0 && !v.seed[0])
		rc = err_set(&ctx->err, E_RULE, "draw_count", "review.incomplete", "“%s”还没有抽签", v.title);
	else if (!v.np)
		rc = err_set(&ctx->err, E_RULE, "participants", "review.incomplete", "“%s”还没有述职单位", v.title);
	else if (!v.nr)
		rc = err_set(&ctx->err, E_RULE, "raters", "review.incomplete", "“%s”还没有评议人", v.title);
	if (rc)
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = advance(ctx, &v, version, "scoring", NULL, NULL)) || (rc = audit_and_commit(ctx, "open", &v, NULL)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	review_release(&v);
	return rc;
}

static int store_results(struct ctx *ctx, const struct review *v)
{
	size_t i;
	for (i = 0; i < v->np; i++) {
		struct stmt *st = db_prepare(ctx->db,
					     "UPDATE review_participants SET score_x10 = ?, rank = ? WHERE review_id = ? AND org_id = ?",
					     &ctx->err);
		int rc;
		if (!st)
			return E_DB;
		if (v->p[i].score_x10 >= 0)
			stmt_bind_int(st, 1, v->p[i].score_x10);
		else
			stmt_bind_null(st, 1);
		if (v->p[i].rank > 0)
			stmt_bind_int(st, 2, v->p[i].rank);
		else
			stmt_bind_null(st, 2);
		stmt_bind_int(st, 3, v->id);
		stmt_bind_int(st, 4, v->p[i].org_id);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

int review_publish(struct ctx *ctx, int64_t id, json_t *body)
{
	struct review v;
	int64_t version;
	size_t i, submitted = 0;
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = require_admin(ctx)) || (rc = load_review(ctx, id, &v, 0)) || (rc = body_version(ctx, body, &version)) ||
	    (rc = check_state(ctx, &v, version, "|scoring|", "公布结果")))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* the lock first: ballots wait on it, so the scores read below are all there will be */
	if ((rc = advance(ctx, &v, version, "published", NULL, ctx->now_iso)) || (rc = review_load_participants(ctx, &v)) ||
	    (rc = load_raters(ctx, &v)) || (rc = load_tallies(ctx, &v)))
		goto rollback;
	for (i = 0; i < v.nr; i++)
		submitted += v.r[i].submitted_at[0] != '\0';
	if (!submitted) {
		rc = err_set(&ctx->err, E_RULE, "raters", "review.incomplete", "“%s”还没有评议人提交评分", v.title);
		goto rollback;
	}
	review_compute_results(&v);
	if ((rc = store_results(ctx, &v)) || (rc = audit_and_commit(ctx, "publish", &v, NULL)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	review_release(&v);
	return rc;
}
