/*
 * 民主评议党员 rounds (RULES.md §2, §4). The roster is written when a round opens, so the
 * ⅓ cap, the close check and the results keep the members who were appraised even
 * after some move away. Every write to a round's entries first touches the round row
 * (UPDATE ... WHERE status = 'open'): on PostgreSQL that row lock serializes the
 * decisions of one round, so two concurrent 优秀 cannot both pass the cap; on SQLite
 * the write transaction is exclusive anyway.
 */
#include "domain/body.h"
#include "domain/appraisal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "domain/points.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/named.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "民主评议不存在或不在您的管理范围内"
#define FOLLOWUP_NOT_FOUND_MSG "整改跟踪记录不存在或不在您的管理范围内"
/* names listed in an incomplete-close refusal before "等" */
#define INCOMPLETE_NAMES 5

static const struct named cats[AC__COUNT] = {
	[AC_EXCELLENT] = { "excellent", "优秀" },
	[AC_QUALIFIED] = { "qualified", "合格" },
	[AC_BASIC] = { "basic", "基本合格" },
	[AC_UNQUALIFIED] = { "unqualified", "不合格" },
};

static const struct named outcomes[] = {
	{ "corrected", "改正" },
	{ "persuaded", "劝退" },
	{ "removed", "除名" },
};
int appraisal_category_parse(const char *s)
{
	return named_index(cats, AC__COUNT, s);
}

const char *appraisal_category_code(int c)
{
	return named_code_at(cats, AC__COUNT, c);
}

const char *appraisal_category_name(int c)
{
	return named_name_at(cats, AC__COUNT, c);
}

static const char *outcome_name(const char *code)
{
	return named_name_of(outcomes, NAMED_COUNT(outcomes), code);
}

struct entry {
	int64_t member_id;
	char name[96];
	int graded;
	char *self;                  /* owned; NULL = none */
	int mutual[AC__COUNT], mass[AC__COUNT];
	int category;                /* -1 = not decided */
	int64_t version;
	char updated_at[21];
};

struct round {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	int year;
	char status[8], opened_on[11], closed_on[11];
	int64_t version;
	char created_at[21], updated_at[21];
	struct entry *e;             /* owned; by member id */
	size_t n, alloc;
};

static void round_release(struct round *r)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		free(r->e[i].self);
	free(r->e);
	r->e = NULL;
	r->n = r->alloc = 0;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "appraisal.role", "只有支部书记或管理员可以组织民主评议");
	return 0;
}

/* unit tests run without a config: the table's default is the documented value */
static int correction_months(const struct ctx *ctx)
{
	return (int)(ctx->cfg ? config_int(ctx->cfg, CFG_APPRAISAL_CORRECTION_MONTHS)
			      : strtoll(config_defs[CFG_APPRAISAL_CORRECTION_MONTHS].def, NULL, 10));
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *tally_json(const int *v)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "excellent", v[AC_EXCELLENT], "qualified", v[AC_QUALIFIED], "basic",
			 v[AC_BASIC], "unqualified", v[AC_UNQUALIFIED]);
}

static json_t *entry_to_json(const struct entry *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "member_id", json_integer(e->member_id));
	json_object_set_new(j, "name", json_string(e->name));
	json_object_set_new(j, "graded", json_boolean(e->graded));
	json_object_set_new(j, "probationary", json_boolean(!e->graded));
	json_object_set_new(j, "self_assessment", json_str_or_null(e->self));
	json_object_set_new(j, "mutual", tally_json(e->mutual));
	json_object_set_new(j, "mass", tally_json(e->mass));
	json_object_set_new(j, "category", e->category >= 0 ? json_string(cats[e->category].code) : json_null());
	json_object_set_new(j, "category_name", e->category >= 0 ? json_string(cats[e->category].name) : json_null());
	json_object_set_new(j, "version", json_integer(e->version));
	return j;
}

/* ⅓ of the graded members, rounded down (RULES.md §2) */
static int excellent_cap(int graded)
{
	return graded / 3;
}

static json_t *summary_json(int members, int graded, int decided, const int *per_cat)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "members", members, "graded", graded, "decided",
			 decided, "excellent_cap", excellent_cap(graded), "excellent", per_cat[AC_EXCELLENT], "qualified",
			 per_cat[AC_QUALIFIED], "basic", per_cat[AC_BASIC], "unqualified", per_cat[AC_UNQUALIFIED]);
}

static json_t *round_head_json(const struct round *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "org_id", json_integer(r->org_id));
	json_object_set_new(j, "org_name", json_string(r->org_name));
	json_object_set_new(j, "year", json_integer(r->year));
	json_object_set_new(j, "status", json_string(r->status));
	json_object_set_new(j, "opened_on", json_string(r->opened_on));
	json_object_set_new(j, "closed_on", json_str_or_null(r->closed_on));
	json_object_set_new(j, "version", json_integer(r->version));
	json_object_set_new(j, "created_at", json_str_or_null(r->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(r->updated_at));
	return j;
}

static json_t *round_to_json(const struct round *r)
{
	json_t *j = round_head_json(r), *arr = json_array();
	int per_cat[AC__COUNT] = { 0 }, graded = 0, decided = 0;
	size_t i;
	for (i = 0; i < r->n; i++) {
		graded += r->e[i].graded;
		if (r->e[i].category >= 0) {
			decided++;
			per_cat[r->e[i].category]++;
		}
		json_array_append_new(arr, entry_to_json(&r->e[i]));
	}
	json_object_set_new(j, "summary", summary_json((int)r->n, graded, decided, per_cat));
	json_object_set_new(j, "entries", arr);
	return j;
}

/* ---- reading --------------------------------------------------------------------- */

#define ROUND_COLS                                                                                   \
	"a.id, a.org_id, o.path, o.name, a.year, a.status, a.opened_on, a.closed_on, a.version, a.created_at, " \
	"a.updated_at"
#define ROUND_FROM " FROM appraisals a JOIN orgs o ON o.id = a.org_id "

static void read_round(struct stmt *st, void *rec)
{
	struct round *r = rec;
	memset(r, 0, sizeof(*r));
	r->id = stmt_int(st, 0);
	r->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, r->org_path, sizeof(r->org_path));
	stmt_text_copy(st, 3, r->org_name, sizeof(r->org_name));
	r->year = (int)stmt_int(st, 4);
	stmt_text_copy(st, 5, r->status, sizeof(r->status));
	stmt_text_copy(st, 6, r->opened_on, sizeof(r->opened_on));
	stmt_text_copy(st, 7, r->closed_on, sizeof(r->closed_on));
	r->version = stmt_int(st, 8);
	stmt_text_copy(st, 9, r->created_at, sizeof(r->created_at));
	stmt_text_copy(st, 10, r->updated_at, sizeof(r->updated_at));
}

#define ENTRY_COLS                                                                                          \
	"e.member_id, m.name, e.graded, e.self_assessment, e.mutual_excellent, e.mutual_qualified, e.mutual_basic, " \
	"e.mutual_unqualified, e.mass_excellent, e.mass_qualified, e.mass_basic, e.mass_unqualified, e.category, "  \
	"e.version, e.updated_at"
#define ENTRY_FROM " FROM appraisal_entries e JOIN members m ON m.id = e.member_id "

static void read_entry(struct stmt *st, struct entry *e)
{
	const char *s;
	int c;
	memset(e, 0, sizeof(*e));
	e->member_id = stmt_int(st, 0);
	stmt_text_copy(st, 1, e->name, sizeof(e->name));
	e->graded = (int)stmt_int(st, 2);
	if ((s = stmt_text(st, 3)))
		e->self = xstrdup(s);
	for (c = 0; c < AC__COUNT; c++) {
		e->mutual[c] = (int)stmt_int(st, 4 + c);
		e->mass[c] = (int)stmt_int(st, 8 + c);
	}
	e->category = appraisal_category_parse(stmt_text(st, 12));
	e->version = stmt_int(st, 13);
	stmt_text_copy(st, 14, e->updated_at, sizeof(e->updated_at));
}

static int load_entries(struct ctx *ctx, struct round *r)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " ENTRY_COLS ENTRY_FROM "WHERE e.appraisal_id = ? ORDER BY e.member_id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, r->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(r->e, r->n + 1, r->alloc);
		read_entry(st, &r->e[r->n++]);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* The round (with its entries when asked) if its branch lies in the actor's scope. */
static int load_round(struct ctx *ctx, int64_t id, struct round *r, int with_entries)
{
	int found, rc;
	if ((rc = listq_load_by_id(ctx, "SELECT " ROUND_COLS ROUND_FROM "WHERE a.id = ?", id, read_round, r, sizeof(*r),
				   &found)))
		return rc;
	if (!found || !ctx_path_in_scope(ctx, r->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	return with_entries ? load_entries(ctx, r) : 0;
}

int appraisal_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct round r;
	int rc;
	*out = NULL;
	memset(&r, 0, sizeof(r));
	if ((rc = require_officer(ctx)) || (rc = load_round(ctx, id, &r, 1)))
		goto out;
	*out = round_to_json(&r);
out:
	round_release(&r);
	return rc;
}

/*
 * A statement of sql whose first two parameters are a subtree's path range [lo, hi),
 * with an optional third: third_text when not NULL, else third_int when not 0.
 * NULL (ctx->err set) when it does not prepare.
 */
static struct stmt *subtree_prepare(struct ctx *ctx, const char *sql, const char *lo, const char *hi,
				    const char *third_text, int64_t third_int)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	if (!st)
		return NULL;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	if (third_text)
		stmt_bind_text(st, 3, third_text);
	else if (third_int)
		stmt_bind_int(st, 3, third_int);
	return st;
}

/* *total = the count(*) that sql (parameters as subtree_prepare's) returns; 0 or an error. */
static int subtree_count(struct ctx *ctx, const char *sql, const char *lo, const char *hi, const char *third_text,
			 int64_t third_int, int64_t *total)
{
	struct stmt *st = subtree_prepare(ctx, sql, lo, hi, third_text, third_int);
	int step;
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

int appraisal_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	json_t *arr = NULL;
	int rc, step;
	const char *where = year ? " WHERE o.path >= ? AND o.path < ? AND a.year = ?" : " WHERE o.path >= ? AND o.path < ?";

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	path_range_end(root.path, hi, sizeof(hi));
	strbuf_addf(&sql, "SELECT count(*)" ROUND_FROM "%s", where);
	if ((rc = subtree_count(ctx, sql.buf, root.path, hi, NULL, year, total)))
		goto out;
	strbuf_reset(&sql);
	/* the summary per row of the page only: at most per_page rounds of one branch each */
	strbuf_addf(&sql,
		    "SELECT " ROUND_COLS ", (SELECT count(*) FROM appraisal_entries e WHERE e.appraisal_id = a.id), "
		    "(SELECT COALESCE(sum(e.graded), 0) FROM appraisal_entries e WHERE e.appraisal_id = a.id), "
		    "(SELECT count(e.category) FROM appraisal_entries e WHERE e.appraisal_id = a.id), "
		    "(SELECT count(*) FROM appraisal_entries e WHERE e.appraisal_id = a.id AND e.category = 'excellent'), "
		    "(SELECT count(*) FROM appraisal_entries e WHERE e.appraisal_id = a.id AND e.category = 'qualified'), "
		    "(SELECT count(*) FROM appraisal_entries e WHERE e.appraisal_id = a.id AND e.category = 'basic'), "
		    "(SELECT count(*) FROM appraisal_entries e WHERE e.appraisal_id = a.id AND e.category = 'unqualified')"
		    ROUND_FROM "%s ORDER BY a.year DESC, o.path, a.id LIMIT %d OFFSET %" PRId64,
		    where, per_page, (int64_t)(page - 1) * per_page);
	if (!(st = subtree_prepare(ctx, sql.buf, root.path, hi, NULL, year))) {
		rc = E_DB;
		goto out;
	}
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct round r;
		int per_cat[AC__COUNT], c;
		json_t *j;
		read_round(st, &r);
		for (c = 0; c < AC__COUNT; c++)
			per_cat[c] = (int)stmt_int(st, 14 + c);
		j = round_head_json(&r);
		json_object_set_new(j, "summary", summary_json((int)stmt_int(st, 11), (int)stmt_int(st, 12),
							       (int)stmt_int(st, 13), per_cat));
		json_array_append_new(arr, j);
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

/* ---- opening --------------------------------------------------------------------- */

int appraisal_open(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct round r;
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	json_t *ja = NULL;
	int64_t org_id, year;
	int rc, step;

	memset(&r, 0, sizeof(r));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "评议的党支部", &org_id)) ||
	    (rc = body_int_required(ctx, body, "year", "评议年度", &year)) || (rc = org_require_in_scope(ctx, org_id, &o, "org_id")))
		goto out;
	if (!org_kind_is_branch(o.kind)) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "appraisal.org_kind", "民主评议党员由党支部组织，“%s”不是党支部", o.name);
		goto out;
	}
	/* a year's round is held in that year or early the next; never ahead of time */
	if (year < 2000 || year > ctx->today.y) {
		rc = err_set(&ctx->err, E_INVALID, "year", "appraisal.year", "评议年度须在 2000 至 %d 之间", ctx->today.y);
		goto out;
	}
	r.org_id = o.id;
	r.year = (int)year;
	strlcpy_z(r.org_path, o.path, sizeof(r.org_path));
	strlcpy_z(r.org_name, o.name, sizeof(r.org_name));
	strlcpy_z(r.status, "open", sizeof(r.status));
	date_format(ctx->today, r.opened_on);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "SELECT count(*) FROM appraisals WHERE org_id = ? AND year = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, r.org_id);
	stmt_bind_int(st, 2, r.year);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && stmt_int(st, 0) > 0)
		rc = err_set(&ctx->err, E_CONFLICT, "year", "appraisal.duplicate", "%s %d 年度的民主评议已经开始", o.name, r.year);
	else if (step != STEP_ROW)
		rc = ctx_db_fail(ctx);
	stmt_reset(st);
	if (rc)
		goto rollback;
	st = db_prepare(ctx->db,
			"INSERT INTO appraisals (org_id, year, status, opened_on, created_by, created_at, updated_at) "
			"VALUES (?, ?, 'open', ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, r.org_id);
	stmt_bind_int(st, 2, r.year);
	stmt_bind_text(st, 3, r.opened_on);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 4, ctx->actor.user_id);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_text(st, 6, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		r.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		/* a concurrent opening of the same round lost the race on UNIQUE (org_id, year) */
		rc = step == STEP_CONSTRAINT ? err_set(&ctx->err, E_CONFLICT, "year", "appraisal.duplicate",
						       "%s %d 年度的民主评议已经开始", o.name, r.year)
					     : ctx_db_fail(ctx);
		goto rollback;
	}
	/* the roster: the branch's active full and probationary members (its 党小组 included) */
	path_range_end(o.path, hi, sizeof(hi));
	st = db_prepare(ctx->db,
			"INSERT INTO appraisal_entries (appraisal_id, member_id, graded, updated_at) "
			"SELECT CAST(? AS BIGINT), m.id, CASE WHEN m.category = 'full' THEN 1 ELSE 0 END, CAST(? AS TEXT) "
			"FROM members m WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' "
			"AND m.category IN ('full', 'probationary')",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, r.id);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_text(st, 3, o.path);
	stmt_bind_text(st, 4, hi);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) == 0) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "appraisal.no_members", "%s没有在册党员，无法开展民主评议", o.name);
		goto rollback;
	}
	r.version = 1;
	strlcpy_z(r.created_at, ctx->now_iso, sizeof(r.created_at));
	strlcpy_z(r.updated_at, ctx->now_iso, sizeof(r.updated_at));
	if ((rc = load_entries(ctx, &r)))
		goto rollback;
	ja = round_to_json(&r);
	if ((rc = audit_append(ctx, "open", "appraisal", r.id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = r.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(ja);
	round_release(&r);
	return rc;
}

/* ---- deciding -------------------------------------------------------------------- */

/* {"excellent","qualified","basic","unqualified"} counts; keys left out are 0. */
static int parse_tally(struct ctx *ctx, json_t *v, const char *field, int *out)
{
	const char *key;
	json_t *x;
	int c;
	if (!json_is_object(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是对象 {\"excellent\",\"qualified\",\"basic\",\"unqualified\"}",
			       field);
	memset(out, 0, sizeof(int) * AC__COUNT);
	json_object_foreach(v, key, x) {
		if ((c = appraisal_category_parse(key)) < 0)
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 含有未知字段 %s", field, key);
		if (!json_is_integer(x))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.%s 必须是整数", field, key);
		if (json_integer_value(x) < 0 || json_integer_value(x) > APPRAISAL_MAX_VOTES)
			return err_set(&ctx->err, E_INVALID, field, "appraisal.votes", "%s.%s 票数须在 0 至 %d 之间", field, key,
				       APPRAISAL_MAX_VOTES);
		out[c] = (int)json_integer_value(x);
	}
	return 0;
}

/* Multi-line text: valid UTF-8, line breaks and tabs allowed, no other controls; "" or null clears. */
static int parse_long_text(struct ctx *ctx, json_t *v, const char *field, const char *label, char **dst)
{
	const unsigned char *p;
	const char *s;
	if (json_is_null(v)) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是字符串", field);
	s = json_string_value(v);
	if (strlen(s) > (size_t)APPRAISAL_TEXT_MAX_CHARS * 4 || !utf8_valid(s, strlen(s)) ||
	    utf8_chars(s) > APPRAISAL_TEXT_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s不是有效文本或超过 %d 个字", label,
			       APPRAISAL_TEXT_MAX_CHARS);
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, field, "field.text", "%s含有非法字符", label);
	free(*dst);
	*dst = s[0] ? xstrdup(s) : NULL;
	return 0;
}

static struct entry *find_entry(struct round *r, int64_t member_id)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (r->e[i].member_id == member_id)
			return &r->e[i];
	return NULL;
}

/* Takes the round's row lock and fails unless the round is still open. */
static int lock_open_round(struct ctx *ctx, const struct round *r)
{
	struct stmt *st = db_prepare(ctx->db, "UPDATE appraisals SET updated_at = ? WHERE id = ? AND status = 'open'", &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, r->id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "id", "appraisal.closed", "%s %d 年度的民主评议已经结束", r->org_name,
			       r->year);
	return 0;
}

/* RULES.md §2: 优秀 ≤ ⅓ of the graded members, counted in the store under the round's lock. */
static int check_excellent_cap(struct ctx *ctx, const struct round *r, int64_t member_id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT COALESCE(sum(graded), 0), COALESCE(sum(CASE WHEN category = 'excellent' AND "
				     "member_id <> ? THEN 1 ELSE 0 END), 0) FROM appraisal_entries WHERE appraisal_id = ?",
				     &ctx->err);
	int step, graded = 0, others = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_int(st, 2, r->id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		graded = (int)stmt_int(st, 0);
		others = (int)stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (others + 1 > excellent_cap(graded))
		return err_set(&ctx->err, E_RULE, "category", "appraisal.excellent_cap",
			       "优秀不得超过参加评定党员的三分之一：参加评定 %d 名，优秀最多 %d 名，已评 %d 名", graded,
			       excellent_cap(graded), others);
	return 0;
}

int appraisal_decide(struct ctx *ctx, int64_t id, int64_t member_id, json_t *body)
{
	struct round r;
	struct entry *cur, next;
	struct stmt *st;
	json_t *v, *jb = NULL, *ja = NULL;
	int64_t version;
	int rc, c;

	memset(&next, 0, sizeof(next));
	memset(&r, 0, sizeof(r));
	if ((rc = require_officer(ctx)) || (rc = load_round(ctx, id, &r, 1)))
		goto out;
	if (!(cur = find_entry(&r, member_id))) {
		rc = err_set(&ctx->err, E_NOTFOUND, "member_id", NULL, "党员 %" PRId64 " 不在本次民主评议名单中", member_id);
		goto out;
	}
	if (strcmp(r.status, "open")) {
		rc = err_set(&ctx->err, E_CONFLICT, "id", "appraisal.closed", "%s %d 年度的民主评议已经结束", r.org_name, r.year);
		goto out;
	}
	v = json_object_get(body, "version");
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			     "须提供该党员评议记录的 version");
		goto out;
	}
	version = json_integer_value(v);
	if (version != cur->version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该党员的评议记录已被他人修改，请刷新后重试");
		goto out;
	}
	next = *cur;
	next.self = cur->self ? xstrdup(cur->self) : NULL;
	if ((v = json_object_get(body, "self_assessment")) &&
	    (rc = parse_long_text(ctx, v, "self_assessment", "个人总结", &next.self)))
		goto out;
	if ((v = json_object_get(body, "mutual")) && (rc = parse_tally(ctx, v, "mutual", next.mutual)))
		goto out;
	if ((v = json_object_get(body, "mass")) && (rc = parse_tally(ctx, v, "mass", next.mass)))
		goto out;
	if ((v = json_object_get(body, "category"))) {
		if (json_is_null(v)) {
			next.category = -1;
		} else if (!json_is_string(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "category", NULL, "字段 category 必须是字符串");
			goto out;
		} else if ((c = appraisal_category_parse(json_string_value(v))) < 0) {
			rc = err_set(&ctx->err, E_INVALID, "category", "appraisal.category",
				     "评定等次须为 excellent（优秀）、qualified（合格）、basic（基本合格）或 unqualified（不合格）");
			goto out;
		} else if (!cur->graded) {
			rc = err_set(&ctx->err, E_RULE, "category", "appraisal.probationary",
				     "%s是预备党员，参加民主评议但不评定等次", cur->name);
			goto out;
		} else {
			next.category = c;
		}
	}

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = lock_open_round(ctx, &r)) ||
	    (next.category == AC_EXCELLENT && (rc = check_excellent_cap(ctx, &r, member_id))))
		goto rollback;
	st = db_prepare(ctx->db,
			"UPDATE appraisal_entries SET self_assessment = ?, mutual_excellent = ?, mutual_qualified = ?, "
			"mutual_basic = ?, mutual_unqualified = ?, mass_excellent = ?, mass_qualified = ?, mass_basic = ?, "
			"mass_unqualified = ?, category = ?, updated_at = ?, version = version + 1 WHERE appraisal_id = ? AND "
			"member_id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, next.self);
	for (c = 0; c < AC__COUNT; c++) {
		stmt_bind_int(st, 2 + c, next.mutual[c]);
		stmt_bind_int(st, 6 + c, next.mass[c]);
	}
	stmt_bind_text(st, 10, next.category >= 0 ? cats[next.category].code : NULL);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_int(st, 12, r.id);
	stmt_bind_int(st, 13, member_id);
	stmt_bind_int(st, 14, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该党员的评议记录已被他人修改，请刷新后重试");
		goto rollback;
	}
	next.version++;
	jb = entry_to_json(cur);
	ja = entry_to_json(&next);
	json_object_set_new(jb, "appraisal_id", json_integer(r.id));
	json_object_set_new(ja, "appraisal_id", json_integer(r.id));
	if ((rc = audit_append(ctx, "decide", "appraisal", r.id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(next.self);
	json_decref(jb);
	json_decref(ja);
	round_release(&r);
	return rc;
}

/* ---- closing --------------------------------------------------------------------- */

/* Under the round's lock: every graded member has a category, else 'appraisal.incomplete' naming them. */
static int check_complete(struct ctx *ctx, const struct round *r)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT m.name FROM appraisal_entries e JOIN members m ON m.id = e.member_id WHERE "
				     "e.appraisal_id = ? AND e.graded = 1 AND e.category IS NULL ORDER BY e.member_id",
				     &ctx->err);
	struct strbuf names = STRBUF_INIT;
	int step, n = 0, rc = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, r->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (n < INCOMPLETE_NAMES)
			strbuf_addf(&names, "%s%s", n ? "、" : "", stmt_text(st, 0) ? stmt_text(st, 0) : "");
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	else if (n)
		rc = err_set(&ctx->err, E_RULE, "entries", "appraisal.incomplete", "还有 %d 名党员未评定等次：%s%s", n,
			     names.buf ? names.buf : "", n > INCOMPLETE_NAMES ? "等" : "");
	strbuf_release(&names);
	return rc;
}

int appraisal_close(struct ctx *ctx, int64_t id, json_t *body)
{
	struct round r, after;
	struct stmt *st;
	struct date deadline;
	char deadline_s[11], closed_on[11];
	json_t *v, *jb = NULL, *ja = NULL;
	int64_t version;
	int rc, months = correction_months(ctx);

	memset(&r, 0, sizeof(r));
	memset(&after, 0, sizeof(after));
	if ((rc = require_officer(ctx)) || (rc = load_round(ctx, id, &r, 0)))
		goto out;
	v = json_object_get(body, "version");
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			     "须提供民主评议的 version");
		goto out;
	}
	version = json_integer_value(v);
	if (strcmp(r.status, "open")) {
		rc = err_set(&ctx->err, E_CONFLICT, "id", "appraisal.closed", "%s %d 年度的民主评议已经结束", r.org_name, r.year);
		goto out;
	}
	if (version != r.version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该民主评议已被他人修改，请刷新后重试");
		goto out;
	}
	deadline = date_add_months(ctx->today, months);
	date_format(deadline, deadline_s);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE appraisals SET status = 'closed', closed_on = ?, updated_at = ?, version = version + 1 "
			"WHERE id = ? AND version = ? AND status = 'open'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	date_format(ctx->today, closed_on);
	stmt_bind_text(st, 1, closed_on);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, r.id);
	stmt_bind_int(st, 4, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该民主评议已被他人修改，请刷新后重试");
		goto rollback;
	}
	if ((rc = check_complete(ctx, &r)))
		goto rollback;
	/* RULES.md §4: each 不合格 member is given a period to correct, under today's rule */
	st = db_prepare(ctx->db,
			"INSERT INTO appraisal_followups (appraisal_id, member_id, deadline, correction_months, created_at, "
			"updated_at) SELECT e.appraisal_id, e.member_id, CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), "
			"CAST(? AS TEXT) FROM appraisal_entries e WHERE e.appraisal_id = ? AND e.category = 'unqualified'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, deadline_s);
	stmt_bind_int(st, 2, months);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_text(st, 4, ctx->now_iso);
	stmt_bind_int(st, 5, r.id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if ((rc = load_round(ctx, id, &after, 1)))
		goto rollback;
	jb = round_head_json(&r);
	ja = round_to_json(&after);
	json_object_set_new(ja, "followup_deadline", json_string(deadline_s));
	/* the closed round writes its own points (points_sync.c) in the same transaction */
	if ((rc = audit_append(ctx, "close", "appraisal", r.id, jb, ja)) || (rc = points_sync_appraisal(ctx, r.id)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	json_decref(ja);
	round_release(&r);
	round_release(&after);
	return rc;
}

/* ---- follow-ups ------------------------------------------------------------------ */

struct followup {
	int64_t id, appraisal_id, member_id, org_id;
	int year, correction_months;
	char name[96], org_name[128], org_path[PATH_MAX_LEN];
	char deadline[11], outcome[16], outcome_on[11];
	char *note;                  /* owned; NULL = none */
	int64_t version;
};

#define FOLLOWUP_COLS                                                                                            \
	"f.id, f.appraisal_id, f.member_id, m.name, a.org_id, o.name, o.path, a.year, f.deadline, f.correction_months, " \
	"f.outcome, f.outcome_on, f.note, f.version"
#define FOLLOWUP_FROM                                                                                   \
	" FROM appraisal_followups f JOIN appraisals a ON a.id = f.appraisal_id JOIN orgs o ON o.id = a.org_id " \
	"JOIN members m ON m.id = f.member_id "

static void read_followup(struct stmt *st, struct followup *f)
{
	const char *s;
	memset(f, 0, sizeof(*f));
	f->id = stmt_int(st, 0);
	f->appraisal_id = stmt_int(st, 1);
	f->member_id = stmt_int(st, 2);
	stmt_text_copy(st, 3, f->name, sizeof(f->name));
	f->org_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, f->org_name, sizeof(f->org_name));
	stmt_text_copy(st, 6, f->org_path, sizeof(f->org_path));
	f->year = (int)stmt_int(st, 7);
	stmt_text_copy(st, 8, f->deadline, sizeof(f->deadline));
	f->correction_months = (int)stmt_int(st, 9);
	stmt_text_copy(st, 10, f->outcome, sizeof(f->outcome));
	stmt_text_copy(st, 11, f->outcome_on, sizeof(f->outcome_on));
	if ((s = stmt_text(st, 12)))
		f->note = xstrdup(s);
	f->version = stmt_int(st, 13);
}

/* The correction period is over and no outcome is recorded. */
static int followup_overdue(const struct ctx *ctx, const struct followup *f)
{
	struct date d;
	return !f->outcome[0] && !date_parse(f->deadline, &d) && date_cmp(ctx->today, d) > 0;
}

static json_t *followup_to_json(const struct ctx *ctx, const struct followup *f)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(f->id));
	json_object_set_new(j, "appraisal_id", json_integer(f->appraisal_id));
	json_object_set_new(j, "year", json_integer(f->year));
	json_object_set_new(j, "member_id", json_integer(f->member_id));
	json_object_set_new(j, "name", json_string(f->name));
	json_object_set_new(j, "org_id", json_integer(f->org_id));
	json_object_set_new(j, "org_name", json_string(f->org_name));
	json_object_set_new(j, "status", json_string(f->outcome[0] ? f->outcome : "correcting"));
	json_object_set_new(j, "status_name", json_string(f->outcome[0] && outcome_name(f->outcome) ? outcome_name(f->outcome)
												       : "限期改正"));
	json_object_set_new(j, "deadline", json_string(f->deadline));
	json_object_set_new(j, "correction_months", json_integer(f->correction_months));
	json_object_set_new(j, "outcome", json_str_or_null(f->outcome));
	json_object_set_new(j, "outcome_on", json_str_or_null(f->outcome_on));
	json_object_set_new(j, "note", json_str_or_null(f->note));
	json_object_set_new(j, "overdue", json_boolean(followup_overdue(ctx, f)));
	json_object_set_new(j, "version", json_integer(f->version));
	return j;
}

static int load_followup(struct ctx *ctx, int64_t id, struct followup *f)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " FOLLOWUP_COLS FOLLOWUP_FROM "WHERE f.id = ?", &ctx->err);
	int step, found = 0;
	memset(f, 0, sizeof(*f));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		read_followup(st, f);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, f->org_path)) {
		free(f->note);
		f->note = NULL;
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, FOLLOWUP_NOT_FOUND_MSG);
	}
	return 0;
}

int appraisal_followup_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct followup f;
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_followup(ctx, id, &f)))
		return rc;
	*out = followup_to_json(ctx, &f);
	free(f.note);
	return 0;
}

int appraisal_followups_list(struct ctx *ctx, int64_t org_id, int overdue_only, int page, int per_page, json_t **items,
			     int64_t *total)
{
	struct org root;
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char hi[PATH_MAX_LEN], today[11];
	json_t *arr = NULL;
	int rc, step;
	/* deadline is 'YYYY-MM-DD' text: byte order is date order */
	const char *where = overdue_only ? " WHERE o.path >= ? AND o.path < ? AND f.outcome IS NULL AND f.deadline < ?"
					 : " WHERE o.path >= ? AND o.path < ?";

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	path_range_end(root.path, hi, sizeof(hi));
	date_format(ctx->today, today);
	strbuf_addf(&sql, "SELECT count(*)%s%s", FOLLOWUP_FROM, where);
	if ((rc = subtree_count(ctx, sql.buf, root.path, hi, overdue_only ? today : NULL, 0, total)))
		goto out;
	strbuf_reset(&sql);
	/* running ones first, the earliest deadline on top */
	strbuf_addf(&sql,
		    "SELECT " FOLLOWUP_COLS FOLLOWUP_FROM "%s ORDER BY CASE WHEN f.outcome IS NULL THEN 0 ELSE 1 END, "
		    "f.deadline, f.id LIMIT %d OFFSET %" PRId64,
		    where, per_page, (int64_t)(page - 1) * per_page);
	if (!(st = subtree_prepare(ctx, sql.buf, root.path, hi, overdue_only ? today : NULL, 0))) {
		rc = E_DB;
		goto out;
	}
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct followup f;
		read_followup(st, &f);
		json_array_append_new(arr, followup_to_json(ctx, &f));
		free(f.note);
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

/*
 * RULES.md §4: 不合格 → 限期改正 → 劝退 → 除名. 改正 ends the follow-up at any time; 劝退
 * and 除名 only once the period has run out without correction; one who will not leave
 * after 劝退 is then 除名. Recorded here; the membership change itself goes through the
 * 支部大会 and the upper 党委 like any 除名.
 */
int appraisal_followup_record(struct ctx *ctx, int64_t id, json_t *body)
{
	struct followup f, next;
	struct stmt *st;
	struct date on, deadline, opened;
	json_t *v, *jb = NULL, *ja = NULL;
	const char *outcome, *on_s;
	int64_t version;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&next, 0, sizeof(next));
	if ((rc = require_officer(ctx)) || (rc = load_followup(ctx, id, &f)))
		goto out;
	v = json_object_get(body, "version");
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			     "须提供整改跟踪记录的 version");
		goto out;
	}
	version = json_integer_value(v);
	v = json_object_get(body, "outcome");
	if (!v || json_is_null(v)) {
		rc = err_set(&ctx->err, E_INVALID, "outcome", "field.required", "处理结果不能为空");
		goto out;
	}
	if (!json_is_string(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "outcome", NULL, "字段 outcome 必须是字符串");
		goto out;
	}
	outcome = json_string_value(v);
	if (!outcome_name(outcome)) {
		rc = err_set(&ctx->err, E_INVALID, "outcome", "appraisal.outcome",
			     "处理结果须为 corrected（改正）、persuaded（劝退）或 removed（除名）");
		goto out;
	}
	v = json_object_get(body, "outcome_on");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "outcome_on", NULL, "字段 outcome_on 必须是字符串");
		goto out;
	}
	on = ctx->today;
	on_s = json_is_string(v) ? json_string_value(v) : "";
	if (on_s[0] && date_parse(on_s, &on)) {
		rc = err_set(&ctx->err, E_INVALID, "outcome_on", "field.date", "处理日期不是有效日期（格式 YYYY-MM-DD）");
		goto out;
	}
	if (date_cmp(on, ctx->today) > 0) {
		rc = err_set(&ctx->err, E_INVALID, "outcome_on", "field.date_future", "处理日期不能晚于今天");
		goto out;
	}
	if (date_parse(f.deadline, &deadline)) {
		rc = err_set(&ctx->err, E_INTERNAL, "deadline", NULL, "整改期限 %s 无效", f.deadline);
		goto out;
	}
	/* the period began when the round closed: deadline − correction_months */
	opened = date_add_months(deadline, -f.correction_months);
	if (date_cmp(on, opened) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "outcome_on", "field.date", "处理日期不能早于民主评议结束");
		goto out;
	}
	if (version != f.version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该整改跟踪记录已被他人修改，请刷新后重试");
		goto out;
	}
	if (f.outcome[0] && !(!strcmp(f.outcome, "persuaded") && !strcmp(outcome, "removed"))) {
		rc = err_set(&ctx->err, E_CONFLICT, "outcome", "appraisal.followup_closed", "%s的整改跟踪已有结果：%s",
			     f.name, outcome_name(f.outcome) ? outcome_name(f.outcome) : f.outcome);
		goto out;
	}
	if (strcmp(outcome, "corrected") && date_cmp(on, deadline) <= 0) {
		rc = err_set(&ctx->err, E_RULE, "outcome", "appraisal.correction_period",
			     "限期改正期至 %s 尚未届满，不能%s", f.deadline, outcome_name(outcome));
		goto out;
	}
	next = f;
	next.note = f.note ? xstrdup(f.note) : NULL;
	if ((v = json_object_get(body, "note")) && (rc = parse_long_text(ctx, v, "note", "情况说明", &next.note)))
		goto out;
	strlcpy_z(next.outcome, outcome, sizeof(next.outcome));
	date_format(on, next.outcome_on);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE appraisal_followups SET outcome = ?, outcome_on = ?, note = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, next.outcome);
	stmt_bind_text(st, 2, next.outcome_on);
	stmt_bind_text(st, 3, next.note);
	stmt_bind_text(st, 4, ctx->now_iso);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该整改跟踪记录已被他人修改，请刷新后重试");
		goto rollback;
	}
	next.version++;
	jb = followup_to_json(ctx, &f);
	ja = followup_to_json(ctx, &next);
	if ((rc = audit_append(ctx, "record", "appraisal_followup", id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(f.note);
	free(next.note);
	json_decref(jb);
	json_decref(ja);
	return rc;
}
