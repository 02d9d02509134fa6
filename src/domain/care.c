/*
 * 关怀帮扶 (see care.h). Scope is the member's branch path for writes and the record's
 * own org_path (the branch where it was given) for lists and totals, one path range as
 * everywhere else. Totals are one grouped query per view, assembled here in C. The
 * elderly list of a subtree past CARE_ELDERLY_LIST_MAX is one keyset page with totals
 * from the birth dates kept per ancestor (036) and the year's records (care.h).
 */
#include "domain/care.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define RECORD_NOT_FOUND_MSG "关怀记录不存在或不在您的管理范围内"
#define HARDSHIP_NOT_FOUND_MSG "困难党员登记不存在或不在您的管理范围内"

static const struct named kinds[CK__COUNT] = {
	[CK_ELDERLY] = { "elderly", "老党员补贴" },
	[CK_HARDSHIP] = { "hardship", "困难帮扶" },
	[CK_FESTIVAL] = { "festival", "送温暖" },
};

static const struct named occasions[] = {
	{ "spring", "春节" }, { "july1", "七一" }, { "chongyang", "重阳" }, { "mid_autumn", "中秋" }, { "other", "其他" },
};

static const struct named help_kinds[] = {
	{ "money", "资金帮扶" }, { "goods", "物资帮扶" }, { "service", "生活照料" }, { "other", "其他" },
};

int care_kind_parse(const char *s)
{
	return named_index(kinds, CK__COUNT, s);
}

const char *care_kind_name(int k)
{
	return named_name_at(kinds, CK__COUNT, k);
}

const char *care_occasion_name(const char *code)
{
	const char *n = named_name_of(occasions, NAMED_COUNT(occasions), code);
	return n ? n : named_name_of(help_kinds, NAMED_COUNT(help_kinds), code);
}

int care_bands_load(struct ctx *ctx, struct care_band *b, int *n)
{
	const char *s = ctx->cfg ? config_str(ctx->cfg, CFG_CARE_ELDERLY_BANDS) : config_defs[CFG_CARE_ELDERLY_BANDS].def;
	return care_bands_parse(s, b, n, &ctx->err);
}

int64_t care_elderly_fen(const struct care_band *b, int n, int birth_year, int year, int *band_age)
{
	int k = care_band_for_age(b, n, year - birth_year);
	*band_age = k < 0 ? 0 : b[k].age;
	return k < 0 ? 0 : b[k].fen;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "care.role", "只有支部书记或管理员可以管理关怀帮扶");
	return 0;
}

static void bind_user(struct stmt *st, int idx, const struct ctx *ctx)
{
	if (ctx->actor.user_id)
		stmt_bind_int(st, idx, ctx->actor.user_id);
	else
		stmt_bind_null(st, idx);
}

static int birth_year_of(const char *birth_date)
{
	int y = 0, i;
	for (i = 0; i < 4 && birth_date && birth_date[i] >= '0' && birth_date[i] <= '9'; i++)
		y = y * 10 + (birth_date[i] - '0');
	return i == 4 ? y : 0;
}

/* ---- body fields ----------------------------------------------------------------- */

/* optional (or required) text of at most max_chars, one line; *out NULL when empty */
static int get_text(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max_chars, int required,
		    char **out)
{
	json_t *v = json_object_get(body, key);
	const char *s;
	*out = NULL;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	s = json_is_string(v) ? json_string_value(v) : "";
	if (!s[0]) {
		if (required)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		return 0;
	}
	if (strlen(s) > max_chars * 4 || !text_is_clean(s) || utf8_chars(s) > max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label, max_chars);
	*out = xstrdup(s);
	return 0;
}

/* a 'YYYY-MM-DD' not after today; absent/empty → def (NULL: required) */
static int get_date(struct ctx *ctx, json_t *body, const char *key, const char *label, const char *def, char out[11])
{
	json_t *v = json_object_get(body, key);
	struct date d;
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	if (!json_is_string(v) || !json_string_value(v)[0]) {
		if (!def)
			return err_set(&ctx->err, E_INVALID, key, "field.required", "%s不能为空", label);
		strlcpy_z(out, def, 11);
		return 0;
	}
	if (date_parse(json_string_value(v), &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s不是有效日期（格式 YYYY-MM-DD）", label);
	date_format(d, out);
	return 0;
}

static int not_future(struct ctx *ctx, const char *key, const char *label, const char *date)
{
	struct date d;
	if (date[0] && !date_parse(date, &d) && date_cmp(d, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, key, "field.date_future", "%s不能晚于今天", label);
	return 0;
}

struct cmember {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN], name[128], state[16], birth[11];
};

/* a member in the actor's scope, on the roll (active or transferring) */
static int load_member(struct ctx *ctx, int64_t id, struct cmember *m)
{
	struct stmt *st;
	int step, found = 0;
	memset(m, 0, sizeof(*m));
	st = db_prepare(ctx->db, "SELECT org_id, org_path, name, state, birth_date FROM members WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		m->id = id;
		m->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, m->org_path, sizeof(m->org_path));
		stmt_text_copy(st, 2, m->name, sizeof(m->name));
		stmt_text_copy(st, 3, m->state, sizeof(m->state));
		stmt_text_copy(st, 4, m->birth, sizeof(m->birth));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, m->org_path))
		return err_set(&ctx->err, E_INVALID, "member_id", "member.scope", "党员 %" PRId64 " 不存在或不在您的管理范围内",
			       id);
	if (strcmp(m->state, "active") && strcmp(m->state, "transferring"))
		return err_set(&ctx->err, E_CONFLICT, "member_id", "care.member_state", "%s不是在册党员", m->name);
	return 0;
}

static int year_param(struct ctx *ctx, int year, int *out)
{
	if (!year)
		year = ctx->today.y;
	if (year < 2000 || year > ctx->today.y)
		return err_set(&ctx->err, E_INVALID, "year", "care.year", "年度须在 2000 至 %d 之间", ctx->today.y);
	*out = year;
	return 0;
}

/* ---- 老党员补贴 ------------------------------------------------------------------- */

struct eligible {
	int64_t member_id, org_id, record_id, amount_fen;
	int birth_year, band_age;
	char *name, *org_name, given_on[11];
};

static void eligible_free(struct eligible *e, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].org_name);
	}
	free(e);
}

#define ELIGIBLE_SQL                                                                                           \
	"SELECT m.id, m.name, m.org_id, o.name, m.birth_date, r.id, r.given_on, r.amount_fen, r.band_age "     \
	"FROM members m JOIN orgs o ON o.id = m.org_id "                                                       \
	"LEFT JOIN care_records r ON r.member_id = m.id AND r.kind = 'elderly' AND r.year = ? "                \
	"WHERE m.org_path >= ? AND m.org_path < ? AND m.state IN ('active', 'transferring') AND m.birth_date <= ?"

/* the last birth date reaching the first band in year */
static void last_birth_of(int year, const struct care_band *b, char out[11])
{
	xsnprintf(out, 11, "%04d-12-31", year - b[0].age);
}

/* one row of ELIGIBLE_SQL into *e (names owned): 0 when the member is below every band and not given */
static int eligible_read(struct stmt *st, int year, const struct care_band *b, int nb, struct eligible *e)
{
	int band_age;
	int by = birth_year_of(stmt_text(st, 4));
	int64_t fen = care_elderly_fen(b, nb, by, year, &band_age);
	if (!fen && stmt_is_null(st, 5))
		return 0;
	memset(e, 0, sizeof(*e));
	e->member_id = stmt_int(st, 0);
	e->name = xstrdup(stmt_text(st, 1) ? stmt_text(st, 1) : "");
	e->org_id = stmt_int(st, 2);
	e->org_name = xstrdup(stmt_text(st, 3) ? stmt_text(st, 3) : "");
	e->birth_year = by;
	if (!stmt_is_null(st, 5)) {
		e->record_id = stmt_int(st, 5);
		stmt_text_copy(st, 6, e->given_on, sizeof(e->given_on));
		e->amount_fen = stmt_int(st, 7);
		e->band_age = stmt_is_null(st, 8) ? band_age : (int)stmt_int(st, 8);
	} else {
		e->amount_fen = fen;
		e->band_age = band_age;
	}
	return 1;
}

/* the rows of a prepared ELIGIBLE_SQL statement, bound, into *out */
static int eligible_collect(struct ctx *ctx, struct stmt *st, int year, const struct care_band *b, int nb,
			    struct eligible **out, size_t *n)
{
	struct eligible *v = NULL;
	size_t cap = 0;
	int step;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (eligible_read(st, year, b, nb, &v[*n]))
			(*n)++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		eligible_free(v, *n);
		*n = 0;
		return ctx_db_fail(ctx);
	}
	*out = v;
	return 0;
}

/* eligible members of [lo, hi) in year, with the year's record if any */
static int load_eligible(struct ctx *ctx, const char *lo, const char *hi, int year, const struct care_band *b, int nb,
			 struct eligible **out, size_t *n)
{
	struct stmt *st;
	char last_birth[11];
	*out = NULL;
	*n = 0;
	last_birth_of(year, b, last_birth);
	st = db_prepare(ctx->db, ELIGIBLE_SQL " ORDER BY m.org_path, m.org_id, m.birth_date, m.id", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	stmt_bind_text(st, 4, last_birth);
	return eligible_collect(ctx, st, year, b, nb, out, n);
}

static json_t *bands_json(const struct care_band *b, int nb)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < nb; i++)
		json_array_append_new(a, json_pack("{s:i, s:I}", "age", b[i].age, "fen", (json_int_t)b[i].fen));
	return a;
}

static json_t *eligible_json(const struct eligible *e, int year)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:i, s:i, s:i, s:I, s:b, s:o, s:o}", "member_id", (json_int_t)e->member_id,
			 "name", e->name, "org_id", (json_int_t)e->org_id, "org_name", e->org_name, "birth_year",
			 e->birth_year, "age", year - e->birth_year, "band_age", e->band_age, "amount_fen",
			 (json_int_t)e->amount_fen, "given", e->record_id != 0, "record_id",
			 e->record_id ? json_integer(e->record_id) : json_null(), "given_on", json_str_or_null(e->given_on));
}

struct elderly_totals {
	int64_t eligible, given, given_fen, due_fen;
};

static json_t *elderly_reply(int year, const struct org *root, const struct care_band *b, int nb, json_t *items,
			     const struct elderly_totals *t)
{
	return json_pack("{s:i, s:{s:I, s:s}, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "year", year, "org", "id",
			 (json_int_t)root->id, "name", root->name, "bands", bands_json(b, nb), "items", items, "totals",
			 "eligible", (json_int_t)t->eligible, "given", (json_int_t)t->given, "not_given",
			 (json_int_t)(t->eligible - t->given), "given_fen", (json_int_t)t->given_fen, "due_fen",
			 (json_int_t)t->due_fen);
}

/* the whole list of [lo, hi), as read member by member */
static int elderly_whole(struct ctx *ctx, const struct org *root, const char *lo, const char *hi, int year,
			 const struct care_band *b, int nb, json_t **out)
{
	struct elderly_totals t = { 0, 0, 0, 0 };
	struct eligible *v = NULL;
	size_t n = 0, i;
	json_t *items;
	int rc;
	if ((rc = load_eligible(ctx, lo, hi, year, b, nb, &v, &n)))
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		if (v[i].record_id) {
			t.given++;
			t.given_fen += v[i].amount_fen;
		} else {
			t.due_fen += v[i].amount_fen;
		}
		json_array_append_new(items, eligible_json(&v[i], year));
	}
	t.eligible = (int64_t)n;
	*out = elderly_reply(year, root, b, nb, items, &t);
	eligible_free(v, n);
	return 0;
}

/*
 * From the birth dates kept for the root (036 stats_births: its subtree's on-roll members
 * by birth date, the very filter of ELIGIBLE_SQL): t->eligible, and in t->due_fen every
 * eligible member's band amount, given or not (elderly_given takes the given back out).
 * A birth date up to last_birth always reaches a band (care_elderly_fen > 0), so no
 * member is dropped here that eligible_read would keep or the reverse.
 */
static int elderly_kept(struct ctx *ctx, int64_t root_id, int year, const struct care_band *b, int nb,
			struct elderly_totals *t)
{
	struct stmt *st;
	char last_birth[11];
	int step, band_age;
	memset(t, 0, sizeof(*t));
	last_birth_of(year, b, last_birth);
	st = db_prepare(ctx->db, "SELECT birth_date, n FROM stats_births WHERE org_id = ? AND birth_date <= ? AND n <> 0",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, root_id);
	stmt_bind_text(st, 2, last_birth);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t n = stmt_int(st, 1);
		t->eligible += n;
		t->due_fen += n * care_elderly_fen(b, nb, birth_year_of(stmt_text(st, 0)), year, &band_age);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* the year's given subsidies of the eligible members of [lo, hi): counted, and their band taken from due */
static int elderly_given(struct ctx *ctx, const char *lo, const char *hi, int year, const struct care_band *b, int nb,
			 struct elderly_totals *t)
{
	struct stmt *st;
	char last_birth[11];
	int step, band_age;
	last_birth_of(year, b, last_birth);
	st = db_prepare(ctx->db,
			"SELECT m.birth_date, count(*), CAST(coalesce(sum(r.amount_fen), 0) AS BIGINT) FROM care_records r "
			"JOIN members m ON m.id = r.member_id WHERE r.kind = 'elderly' AND r.year = ? AND m.org_path >= ? "
			"AND m.org_path < ? AND m.state IN ('active', 'transferring') AND m.birth_date <= ? "
			"GROUP BY m.birth_date",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, year);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	stmt_bind_text(st, 4, last_birth);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t n = stmt_int(st, 1);
		t->given += n;
		t->given_fen += stmt_int(st, 2);
		t->due_fen -= n * care_elderly_fen(b, nb, birth_year_of(stmt_text(st, 0)), year, &band_age);
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* the path and name of member `after`, which must lie in [lo, hi) */
static int elderly_after(struct ctx *ctx, int64_t after, const char *lo, const char *hi, char *path, size_t psize,
			 char **name)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path, name FROM members WHERE id = ?", &ctx->err);
	int step, found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, after);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && stmt_text(st, 0) && strcmp(stmt_text(st, 0), lo) >= 0 && strcmp(stmt_text(st, 0), hi) < 0) {
		found = 1;
		stmt_text_copy(st, 0, path, psize);
		*name = xstrdup(stmt_text(st, 1) ? stmt_text(st, 1) : "");
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return found ? 0
		     : err_set(&ctx->err, E_MALFORMED, "after", NULL, "after=%" PRId64 " 不是本列表范围内的党员", after);
}

/*
 * One page of [lo, hi) in the member list's default order (org path, name, id), after the
 * member `after`: the lower path bound raised to theirs (one range for the planner, as
 * member.c does), the rest of their branch before them left out.
 */
static int elderly_page(struct ctx *ctx, const char *lo, const char *hi, int year, const struct care_band *b, int nb,
			int64_t after, int per_page, struct eligible **v, size_t *n)
{
	struct stmt *st;
	char last_birth[11], from[PATH_MAX_LEN];
	char *name = NULL;
	int rc;
	*v = NULL;
	*n = 0;
	strlcpy_z(from, lo, sizeof(from));
	if (after && (rc = elderly_after(ctx, after, lo, hi, from, sizeof(from), &name)))
		return rc;
	last_birth_of(year, b, last_birth);
	st = db_prepare(ctx->db,
			after ? ELIGIBLE_SQL " AND NOT (m.org_path = ? AND (m.name < ? OR (m.name = ? AND m.id <= ?))) "
					     "ORDER BY m.org_path, m.name, m.id LIMIT ?"
			      : ELIGIBLE_SQL " ORDER BY m.org_path, m.name, m.id LIMIT ?",
			&ctx->err);
	if (!st) {
		free(name);
		return E_DB;
	}
	stmt_bind_int(st, 1, year);
	stmt_bind_text(st, 2, from);
	stmt_bind_text(st, 3, hi);
	stmt_bind_text(st, 4, last_birth);
	if (after) {
		stmt_bind_text(st, 5, from);
		stmt_bind_text(st, 6, name);
		stmt_bind_text(st, 7, name);
		stmt_bind_int(st, 8, after);
	}
	stmt_bind_int(st, after ? 9 : 5, per_page);
	rc = eligible_collect(ctx, st, year, b, nb, v, n);
	free(name);
	return rc;
}

/* a page of a large subtree: totals from the kept birth dates and the year's records, only the page's members read */
static int elderly_paged(struct ctx *ctx, const struct org *root, const char *lo, const char *hi, int year,
			 const struct care_band *b, int nb, const struct care_elderly_opts *opts, struct elderly_totals *t,
			 json_t **out)
{
	struct eligible *v = NULL;
	size_t n = 0, i;
	int per_page = opts && opts->per_page > 0 ? opts->per_page : CARE_ELDERLY_PER_PAGE;
	json_t *items;
	int rc;
	if (per_page > CARE_ELDERLY_PER_PAGE_MAX)
		per_page = CARE_ELDERLY_PER_PAGE_MAX;
	if ((rc = elderly_given(ctx, lo, hi, year, b, nb, t)) ||
	    (rc = elderly_page(ctx, lo, hi, year, b, nb, opts ? opts->after : 0, per_page, &v, &n)))
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, eligible_json(&v[i], year));
	*out = elderly_reply(year, root, b, nb, items, t);
	json_object_set_new(*out, "paged", json_true());
	json_object_set_new(*out, "per_page", json_integer(per_page));
	json_object_set_new(*out, "next", n == (size_t)per_page ? json_integer(v[n - 1].member_id) : json_null());
	eligible_free(v, n);
	return 0;
}

int care_elderly_list_opts(struct ctx *ctx, int64_t org_id, int year, const struct care_elderly_opts *opts,
			   json_t **out)
{
	struct care_band b[CARE_BANDS_MAX];
	struct elderly_totals t;
	struct org root;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	int nb, rc, list_max = opts && opts->list_max > 0 ? opts->list_max : CARE_ELDERLY_LIST_MAX;

	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = year_param(ctx, year, &year)) || (rc = care_bands_load(ctx, b, &nb)) ||
	    (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	/* the kept count decides; a subtree up to list_max is read whole, as it always was */
	if ((rc = elderly_kept(ctx, root.id, year, b, nb, &t)))
		return rc;
	if (t.eligible <= list_max)
		return elderly_whole(ctx, &root, lo, hi, year, b, nb, out);
	return elderly_paged(ctx, &root, lo, hi, year, b, nb, opts, &t, out);
}

int care_elderly_list(struct ctx *ctx, int64_t org_id, int year, json_t **out)
{
	return care_elderly_list_opts(ctx, org_id, year, NULL, out);
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* member_ids of the body, sorted; *ids NULL when absent */
static int member_ids_of(struct ctx *ctx, json_t *body, int64_t **ids, size_t *n)
{
	json_t *a = json_object_get(body, "member_ids"), *x;
	size_t k;
	*ids = NULL;
	*n = 0;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "字段 member_ids 必须是数组");
	if (!json_array_size(a))
		return err_set(&ctx->err, E_INVALID, "member_ids", "field.required", "请选择要发放的党员");
	*ids = xreallocarray(NULL, json_array_size(a), sizeof(**ids));
	json_array_foreach(a, k, x) {
		if (!json_is_integer(x)) {
			free(*ids);
			*ids = NULL;
			return err_set(&ctx->err, E_MALFORMED, "member_ids", NULL, "member_ids 的每一项必须是整数");
		}
		(*ids)[k] = json_integer_value(x);
	}
	*n = json_array_size(a);
	qsort(*ids, *n, sizeof(**ids), id_cmp);
	return 0;
}

int care_elderly_issue(struct ctx *ctx, json_t *body, json_t **out)
{
	struct care_band b[CARE_BANDS_MAX];
	struct org root;
	struct eligible *v = NULL;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], given_on[11], today[11];
	char *giver = NULL, *note = NULL;
	int64_t org_id, year64 = 0, *ids = NULL, issued = 0, amount = 0, skipped = 0;
	size_t n = 0, nids = 0, i;
	int nb, rc, year = 0, step;
	json_t *done = NULL, *audit = NULL, *yv;

	*out = NULL;
	date_format(ctx->today, today);
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "发放范围", &org_id)))
		goto out;
	yv = json_object_get(body, "year");
	if (yv && !json_is_null(yv) && !json_is_integer(yv)) {
		rc = err_set(&ctx->err, E_MALFORMED, "year", NULL, "字段 year 必须是整数");
		goto out;
	}
	year64 = json_is_integer(yv) ? json_integer_value(yv) : 0;
	if (year64 < 0 || year64 > 9999)
		year64 = 1;
	if ((rc = year_param(ctx, json_is_integer(yv) && !year64 ? 1 : (int)year64, &year)) ||
	    (rc = get_date(ctx, body, "given_on", "发放日期", today, given_on)) ||
	    (rc = not_future(ctx, "given_on", "发放日期", given_on)))
		goto out;
	if (birth_year_of(given_on) != year) {
		rc = err_set(&ctx->err, E_INVALID, "given_on", "care.given_on", "发放日期须在 %d 年内", year);
		goto out;
	}
	if ((rc = get_text(ctx, body, "giver", "发放人", CARE_GIVER_MAX_CHARS, 0, &giver)) ||
	    (rc = get_text(ctx, body, "note", "备注", CARE_TEXT_MAX_CHARS, 0, &note)) ||
	    (rc = member_ids_of(ctx, body, &ids, &nids)) || (rc = care_bands_load(ctx, b, &nb)))
		goto out;
	if ((rc = org_scope_root(ctx, org_id, &root))) {
		rc = err_set(&ctx->err, E_INVALID, "org_id", "org.scope", "组织 %" PRId64 " 不存在或不在您的管理范围内", org_id);
		goto out;
	}
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* read inside the transaction: what was given meanwhile is not given twice */
	if ((rc = load_eligible(ctx, lo, hi, year, b, nb, &v, &n)))
		goto rollback;
	done = json_array();
	for (i = 0; i < n; i++) {
		struct eligible *e = &v[i];
		if (ids && !bsearch(&e->member_id, ids, nids, sizeof(*ids), id_cmp))
			continue;
		if (e->record_id) {
			skipped++;
			continue;
		}
		st = db_prepare(ctx->db,
				"INSERT INTO care_records (member_id, org_id, org_path, kind, year, age, band_age, given_on, "
				"amount_fen, giver, note, created_by, created_at) SELECT id, org_id, org_path, 'elderly', ?, ?, ?, "
				"?, ?, ?, ?, ?, ? FROM members WHERE id = ?",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 1, year);
		stmt_bind_int(st, 2, year - e->birth_year);
		stmt_bind_int(st, 3, e->band_age);
		stmt_bind_text(st, 4, given_on);
		stmt_bind_int(st, 5, e->amount_fen);
		stmt_bind_text(st, 6, giver);
		stmt_bind_text(st, 7, note);
		bind_user(st, 8, ctx);
		stmt_bind_text(st, 9, ctx->now_iso);
		stmt_bind_int(st, 10, e->member_id);
		step = stmt_step(st, &ctx->err);
		stmt_reset(st);
		if (step != STEP_DONE) {
			rc = step == STEP_CONSTRAINT ? err_set(&ctx->err, E_CONFLICT, "year", "care.already_given",
							       "%s %d 年度的老党员补贴已经发放", e->name, year)
						     : ctx_db_fail(ctx);
			goto rollback;
		}
		issued++;
		amount += e->amount_fen;
		json_array_append_new(done, json_integer(e->member_id));
	}
	/* member_ids naming someone not eligible in the subtree */
	if (ids)
		skipped += (int64_t)nids - issued - skipped;
	audit = json_pack("{s:i, s:I, s:s, s:I, s:I, s:O}", "year", year, "org_id", (json_int_t)root.id, "given_on",
			  given_on, "issued", (json_int_t)issued, "amount_fen", (json_int_t)amount, "member_ids", done);
	if ((rc = audit_append(ctx, "issue", "care_elderly", root.id, NULL, audit)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*out = json_pack("{s:i, s:I, s:I, s:I, s:s}", "year", year, "issued", (json_int_t)issued, "amount_fen",
			 (json_int_t)amount, "skipped", (json_int_t)(skipped < 0 ? 0 : skipped), "given_on", given_on);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	eligible_free(v, n);
	free(ids);
	free(giver);
	free(note);
	json_decref(done);
	json_decref(audit);
	return rc;
}

/* ---- records ------------------------------------------------------------------- */

#define RECORD_COLS                                                                                           \
	"r.id, r.member_id, m.name, r.org_id, o.name, r.kind, r.year, r.occasion, r.hardship_id, r.age, r.band_age, " \
	"r.given_on, r.amount_fen, r.goods, r.giver, r.note, r.created_at"

static json_t *record_row(struct stmt *st)
{
	const char *occ = stmt_text(st, 7);
	int k = care_kind_parse(stmt_text(st, 5));
	return json_pack("{s:I, s:I, s:s?, s:I, s:s?, s:s?, s:s?, s:i, s:o, s:o, s:o, s:o, s:o, s:s?, s:I, s:o, s:o, s:o, "
			 "s:s?}",
			 "id", (json_int_t)stmt_int(st, 0), "member_id", (json_int_t)stmt_int(st, 1), "member_name",
			 stmt_text(st, 2), "org_id", (json_int_t)stmt_int(st, 3), "org_name", stmt_text(st, 4), "kind",
			 stmt_text(st, 5), "kind_name", k >= 0 ? care_kind_name(k) : NULL, "year", (int)stmt_int(st, 6),
			 "occasion", json_str_or_null(occ), "occasion_name", json_str_or_null(occ ? care_occasion_name(occ) : NULL),
			 "hardship_id", stmt_is_null(st, 8) ? json_null() : json_integer(stmt_int(st, 8)), "age",
			 stmt_is_null(st, 9) ? json_null() : json_integer(stmt_int(st, 9)), "band_age",
			 stmt_is_null(st, 10) ? json_null() : json_integer(stmt_int(st, 10)), "given_on", stmt_text(st, 11),
			 "amount_fen", (json_int_t)stmt_int(st, 12), "goods", json_str_or_null(stmt_text(st, 13)), "giver",
			 json_str_or_null(stmt_text(st, 14)), "note", json_str_or_null(stmt_text(st, 15)), "created_at",
			 stmt_text(st, 16));
}

/* the record if it lies in the actor's scope; *path its org_path */
static int record_load(struct ctx *ctx, int64_t id, json_t **out, char *path, size_t size)
{
	struct stmt *st;
	int step, found = 0;
	*out = NULL;
	st = db_prepare(ctx->db,
			"SELECT " RECORD_COLS ", r.org_path FROM care_records r JOIN members m ON m.id = r.member_id "
			"JOIN orgs o ON o.id = r.org_id WHERE r.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && ctx_path_in_scope(ctx, stmt_text(st, 17))) {
		found = 1;
		*out = record_row(st);
		if (path)
			stmt_text_copy(st, 17, path, size);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return found ? 0 : err_set(&ctx->err, E_NOTFOUND, NULL, NULL, RECORD_NOT_FOUND_MSG);
}

int care_record_get(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = require_officer(ctx);
	return rc ? rc : record_load(ctx, id, out, NULL, 0);
}

/* the member's open hardship entry (or hardship_id, which must be theirs): *hid */
static int hardship_for(struct ctx *ctx, const struct cmember *m, int64_t hardship_id, int64_t *hid)
{
	struct stmt *st;
	int step;
	*hid = 0;
	st = db_prepare(ctx->db,
			hardship_id ? "SELECT id FROM care_hardships WHERE member_id = ? AND id = ?"
				    : "SELECT id FROM care_hardships WHERE member_id = ? AND closed_on IS NULL ORDER BY id DESC",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->id);
	if (hardship_id)
		stmt_bind_int(st, 2, hardship_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*hid = stmt_int(st, 0);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!*hid)
		return hardship_id ? err_set(&ctx->err, E_INVALID, "hardship_id", "care.hardship", "该困难党员登记不属于%s", m->name)
				   : err_set(&ctx->err, E_CONFLICT, "member_id", "care.not_registered",
					     "%s没有登记为困难党员，请先登记", m->name);
	return 0;
}

int care_record_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct cmember m;
	struct stmt *st;
	json_t *v, *ja = NULL;
	const char *kind_s, *occ = NULL;
	char given_on[11];
	char *goods = NULL, *giver = NULL, *note = NULL;
	int64_t member_id, amount = 0, hardship_id = 0, hid = 0;
	int rc, kind, step;

	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "member_id", "党员", &member_id)))
		goto out;
	v = json_object_get(body, "kind");
	if (v && !json_is_string(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "kind", NULL, "字段 kind 必须是字符串");
		goto out;
	}
	kind_s = json_string_value(v);
	kind = kind_s ? care_kind_parse(kind_s) : -1;
	if (kind != CK_HARDSHIP && kind != CK_FESTIVAL) {
		rc = err_set(&ctx->err, E_INVALID, "kind", kind_s ? "care.kind" : "field.required",
			     kind == CK_ELDERLY ? "老党员补贴请用“一键发放”按年度发放"
						: "类别须为 festival（送温暖）或 hardship（困难帮扶）");
		goto out;
	}
	v = json_object_get(body, "occasion");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "occasion", NULL, "字段 occasion 必须是字符串");
		goto out;
	}
	occ = json_is_string(v) && json_string_value(v)[0] ? json_string_value(v) : NULL;
	if (kind == CK_FESTIVAL && (!occ || named_index(occasions, NAMED_COUNT(occasions), occ) < 0)) {
		rc = err_set(&ctx->err, E_INVALID, "occasion", occ ? "care.occasion" : "field.required",
			     "送温暖的节日须为 spring（春节）、july1（七一）、chongyang（重阳）、mid_autumn（中秋）或 other");
		goto out;
	}
	if (kind == CK_HARDSHIP && occ && named_index(help_kinds, NAMED_COUNT(help_kinds), occ) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "occasion", "care.occasion",
			     "帮扶方式须为 money（资金）、goods（物资）、service（生活照料）或 other");
		goto out;
	}
	v = json_object_get(body, "amount_fen");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "amount_fen", NULL, "字段 amount_fen 必须是整数（分）");
			goto out;
		}
		amount = json_integer_value(v);
		if (amount < 0 || amount > CARE_MAX_AMOUNT_FEN) {
			rc = err_set(&ctx->err, E_INVALID, "amount_fen", "care.amount", "金额须在 0 至 %d 元之间",
				     CARE_MAX_AMOUNT_FEN / 100);
			goto out;
		}
	}
	v = json_object_get(body, "hardship_id");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "hardship_id", NULL, "字段 hardship_id 必须是整数");
			goto out;
		}
		hardship_id = json_integer_value(v);
	}
	if ((rc = get_date(ctx, body, "given_on", "发放日期", NULL, given_on)) ||
	    (rc = not_future(ctx, "given_on", "发放日期", given_on)) ||
	    (rc = get_text(ctx, body, "goods", "慰问物品", CARE_TEXT_MAX_CHARS, 0, &goods)) ||
	    (rc = get_text(ctx, body, "giver", "慰问人", CARE_GIVER_MAX_CHARS, 0, &giver)) ||
	    (rc = get_text(ctx, body, "note", "备注", CARE_TEXT_MAX_CHARS, 0, &note)))
		goto out;
	if (!amount && !goods) {
		rc = err_set(&ctx->err, E_INVALID, "amount_fen", "care.empty", "请填写慰问金额或慰问物品");
		goto out;
	}
	if ((rc = load_member(ctx, member_id, &m)))
		goto out;
	if (birth_year_of(given_on) < 2000) {
		rc = err_set(&ctx->err, E_INVALID, "given_on", "care.given_on", "发放日期不能早于 2000 年");
		goto out;
	}

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if (kind == CK_HARDSHIP && (rc = hardship_for(ctx, &m, hardship_id, &hid)))
		goto rollback;
	st = db_prepare(ctx->db,
			"INSERT INTO care_records (member_id, org_id, org_path, kind, year, occasion, hardship_id, given_on, "
			"amount_fen, goods, giver, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_int(st, 2, m.org_id);
	stmt_bind_text(st, 3, m.org_path);
	stmt_bind_text(st, 4, kinds[kind].code);
	stmt_bind_int(st, 5, birth_year_of(given_on));
	stmt_bind_text(st, 6, occ);
	if (hid)
		stmt_bind_int(st, 7, hid);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, given_on);
	stmt_bind_int(st, 9, amount);
	stmt_bind_text(st, 10, goods);
	stmt_bind_text(st, 11, giver);
	stmt_bind_text(st, 12, note);
	bind_user(st, 13, ctx);
	stmt_bind_text(st, 14, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = record_load(ctx, *id, &ja, NULL, 0)) || (rc = audit_append(ctx, "create", "care_record", *id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	free(goods);
	free(giver);
	free(note);
	json_decref(ja);
	return rc;
}

int care_record_delete(struct ctx *ctx, int64_t id)
{
	json_t *jb = NULL;
	struct stmt *st;
	int rc;
	if ((rc = require_officer(ctx)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = record_load(ctx, id, &jb, NULL, 0)))
		goto rollback;
	st = db_prepare(ctx->db, "DELETE FROM care_records WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	if (stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = audit_append(ctx, "delete", "care_record", id, jb, NULL)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	json_decref(jb);
	return 0;
rollback:
	db_rollback(ctx->db);
	json_decref(jb);
	return rc;
}

static json_t *record_item(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return record_row(st);
}

int care_records_list(struct ctx *ctx, const struct care_filter *f, int page, int per_page, json_t **items,
		      int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM care_records r",
		"SELECT " RECORD_COLS " FROM care_records r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = r.org_id",
		" ORDER BY r.given_on DESC, r.id DESC",
	};
	struct listq q;
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "r.org_path", f->org_id))) {
		listq_filter_int(&q, "r.year = ?", f->year);
		listq_filter_text(&q, "r.kind = ?", f->kind >= 0 ? kinds[f->kind].code : NULL);
		listq_filter_int(&q, "r.member_id = ?", f->member_id);
		listq_filter_int(&q, "r.hardship_id = ?", f->hardship_id);
		rc = listq_list(ctx, &q, &sql, page, per_page, record_item, NULL, items, total);
	}
	listq_release(&q);
	return rc;
}

/* ---- 困难党员 ----------------------------------------------------------------------- */

#define HARDSHIP_COLS                                                                                          \
	"h.id, h.member_id, m.name, h.org_id, o.name, h.reason, h.since, h.until, h.closed_on, h.close_note, "   \
	"h.version, h.created_at, (SELECT count(*) FROM care_records r WHERE r.hardship_id = h.id), "             \
	"(SELECT CAST(coalesce(sum(r.amount_fen), 0) AS BIGINT) FROM care_records r WHERE r.hardship_id = h.id), " \
	"h.org_path"

static json_t *hardship_row(struct stmt *st)
{
	return json_pack("{s:I, s:I, s:s?, s:I, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:s, s:I, s:s?, s:I, s:I}", "id",
			 (json_int_t)stmt_int(st, 0), "member_id", (json_int_t)stmt_int(st, 1), "member_name",
			 stmt_text(st, 2), "org_id", (json_int_t)stmt_int(st, 3), "org_name", stmt_text(st, 4), "reason",
			 stmt_text(st, 5), "since", stmt_text(st, 6), "until", json_str_or_null(stmt_text(st, 7)),
			 "closed_on", json_str_or_null(stmt_text(st, 8)), "close_note", json_str_or_null(stmt_text(st, 9)),
			 "status", stmt_is_null(st, 8) ? "open" : "closed", "version", (json_int_t)stmt_int(st, 10),
			 "created_at", stmt_text(st, 11), "help_count", (json_int_t)stmt_int(st, 12), "help_fen",
			 (json_int_t)stmt_int(st, 13));
}

static int hardship_load(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st;
	int step, found = 0;
	*out = NULL;
	st = db_prepare(ctx->db,
			"SELECT " HARDSHIP_COLS " FROM care_hardships h JOIN members m ON m.id = h.member_id "
			"JOIN orgs o ON o.id = h.org_id WHERE h.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && ctx_path_in_scope(ctx, stmt_text(st, 14))) {
		found = 1;
		*out = hardship_row(st);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return found ? 0 : err_set(&ctx->err, E_NOTFOUND, NULL, NULL, HARDSHIP_NOT_FOUND_MSG);
}

int care_hardship_get(struct ctx *ctx, int64_t id, json_t **out)
{
	int rc = require_officer(ctx);
	return rc ? rc : hardship_load(ctx, id, out);
}

int care_hardship_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct cmember m;
	struct stmt *st;
	json_t *ja = NULL;
	char since[11], until[11] = "";
	char *reason = NULL;
	int64_t member_id;
	int rc, step, open = 0;

	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "member_id", "党员", &member_id)) ||
	    (rc = get_text(ctx, body, "reason", "困难情况", CARE_TEXT_MAX_CHARS, 1, &reason)) ||
	    (rc = get_date(ctx, body, "since", "困难起始日期", NULL, since)) ||
	    (rc = not_future(ctx, "since", "困难起始日期", since)) ||
	    (rc = get_date(ctx, body, "until", "预计结束日期", "", until)))
		goto out;
	if (until[0] && strcmp(until, since) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "until", "care.until", "预计结束日期不能早于起始日期");
		goto out;
	}
	if ((rc = load_member(ctx, member_id, &m)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "SELECT count(*) FROM care_hardships WHERE member_id = ? AND closed_on IS NULL", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		open = (int)stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if (open) {
		rc = err_set(&ctx->err, E_CONFLICT, "member_id", "care.hardship_open", "%s已登记为困难党员", m.name);
		goto rollback;
	}
	st = db_prepare(ctx->db,
			"INSERT INTO care_hardships (member_id, org_id, org_path, reason, since, until, created_by, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_int(st, 2, m.org_id);
	stmt_bind_text(st, 3, m.org_path);
	stmt_bind_text(st, 4, reason);
	stmt_bind_text(st, 5, since);
	stmt_bind_text(st, 6, until[0] ? until : NULL);
	bind_user(st, 7, ctx);
	stmt_bind_text(st, 8, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = hardship_load(ctx, *id, &ja)) || (rc = audit_append(ctx, "create", "care_hardship", *id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
	*id = 0;
out:
	free(reason);
	json_decref(ja);
	return rc;
}

int care_hardship_close(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	char closed_on[11], today[11];
	char *note = NULL;
	int64_t version;
	int rc;

	date_format(ctx->today, today);
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "version", "版本", &version)) ||
	    (rc = get_date(ctx, body, "closed_on", "结束日期", today, closed_on)) ||
	    (rc = not_future(ctx, "closed_on", "结束日期", closed_on)) ||
	    (rc = get_text(ctx, body, "note", "备注", CARE_TEXT_MAX_CHARS, 0, &note)) ||
	    (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = hardship_load(ctx, id, &jb)))
		goto rollback;
	if (!json_is_null(json_object_get(jb, "closed_on"))) {
		rc = err_set(&ctx->err, E_CONFLICT, NULL, "care.hardship_closed", "该困难党员登记已经结束");
		goto rollback;
	}
	if (strcmp(closed_on, json_string_value(json_object_get(jb, "since"))) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "closed_on", "care.closed_on", "结束日期不能早于起始日期");
		goto rollback;
	}
	st = db_prepare(ctx->db,
			"UPDATE care_hardships SET closed_on = ?, close_note = ?, version = version + 1 "
			"WHERE id = ? AND version = ? AND closed_on IS NULL",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, closed_on);
	stmt_bind_text(st, 2, note);
	stmt_bind_int(st, 3, id);
	stmt_bind_int(st, 4, version);
	if (stmt_run(st, &ctx->err)) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "version.stale", "该记录已被他人修改，请刷新后重试");
		goto rollback;
	}
	if ((rc = hardship_load(ctx, id, &ja)) || (rc = audit_append(ctx, "close", "care_hardship", id, jb, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	free(note);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

static json_t *hardship_item(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return hardship_row(st);
}

int care_hardships_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page,
			json_t **items, int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM care_hardships h",
		"SELECT " HARDSHIP_COLS " FROM care_hardships h JOIN members m ON m.id = h.member_id "
		"JOIN orgs o ON o.id = h.org_id",
		" ORDER BY (CASE WHEN h.closed_on IS NULL THEN 0 ELSE 1 END), h.org_path, h.since DESC, h.id",
	};
	struct listq q;
	const char *cond = NULL;
	int rc;

	*items = NULL;
	*total = 0;
	if (status && !strcmp(status, "open"))
		cond = "h.closed_on IS NULL";
	else if (status && !strcmp(status, "closed"))
		cond = "h.closed_on IS NOT NULL";
	else if (status && status[0] && strcmp(status, "all"))
		return err_set(&ctx->err, E_MALFORMED, "status", NULL, "status 须为 open、closed 或 all");
	if ((rc = require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "h.org_path", org_id))) {
		if (cond)
			listq_where(&q, cond);
		rc = listq_list(ctx, &q, &sql, page, per_page, hardship_item, NULL, items, total);
	}
	listq_release(&q);
	return rc;
}

/* ---- totals -------------------------------------------------------------------- */

static json_t *kind_cell(json_t *obj, const char *kind)
{
	json_t *c = json_object_get(obj, kind);
	if (!c) {
		c = json_pack("{s:I, s:I}", "records", (json_int_t)0, "amount_fen", (json_int_t)0);
		json_object_set_new(obj, kind, c);
	}
	return c;
}

static void cell_add(json_t *c, int64_t records, int64_t fen)
{
	json_object_set_new(c, "records", json_integer(json_integer_value(json_object_get(c, "records")) + records));
	json_object_set_new(c, "amount_fen", json_integer(json_integer_value(json_object_get(c, "amount_fen")) + fen));
}

int care_totals(struct ctx *ctx, int64_t org_id, int from, int to, json_t **out)
{
	struct org root;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	json_t *years = NULL, *kinds_j = NULL, *branches = NULL, *total = NULL, *last_branch = NULL;
	int64_t last_org = 0, open_hardships = 0;
	int rc, step, y, k;

	*out = NULL;
	if (!from)
		from = to ? to : ctx->today.y;
	if (!to)
		to = from > ctx->today.y ? from : ctx->today.y;
	if (to < from || to - from > 50)
		return err_set(&ctx->err, E_INVALID, "to", "care.years", "年度范围无效");
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));

	years = json_array();
	for (y = from; y <= to; y++) {
		json_t *row = json_pack("{s:i, s:I, s:I}", "year", y, "records", (json_int_t)0, "amount_fen", (json_int_t)0);
		for (k = 0; k < CK__COUNT; k++)
			kind_cell(row, kinds[k].code);
		json_array_append_new(years, row);
	}
	kinds_j = json_object();
	total = json_pack("{s:I, s:I}", "records", (json_int_t)0, "amount_fen", (json_int_t)0);
	for (k = 0; k < CK__COUNT; k++)
		json_object_set_new(kind_cell(kinds_j, kinds[k].code), "name", json_string(kinds[k].name));
	st = db_prepare(ctx->db,
			"SELECT year, kind, count(*), CAST(coalesce(sum(amount_fen), 0) AS BIGINT) FROM care_records "
			"WHERE year >= ? AND year <= ? AND org_path >= ? AND org_path < ? GROUP BY year, kind",
			&ctx->err);
	if (!st)
		goto fail;
	stmt_bind_int(st, 1, from);
	stmt_bind_int(st, 2, to);
	stmt_bind_text(st, 3, lo);
	stmt_bind_text(st, 4, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *row = json_array_get(years, (size_t)(stmt_int(st, 0) - from));
		const char *kind = stmt_text(st, 1);
		int64_t c = stmt_int(st, 2), fen = stmt_int(st, 3);
		if (!row || !kind || care_kind_parse(kind) < 0)
			continue;
		cell_add(kind_cell(row, kind), c, fen);
		cell_add(row, c, fen);
		cell_add(kind_cell(kinds_j, kind), c, fen);
		cell_add(total, c, fen);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		goto fail;

	branches = json_array();
	st = db_prepare(ctx->db,
			"SELECT r.org_id, o.name, r.kind, count(*), CAST(coalesce(sum(r.amount_fen), 0) AS BIGINT) "
			"FROM care_records r JOIN orgs o ON o.id = r.org_id WHERE r.year >= ? AND r.year <= ? "
			"AND r.org_path >= ? AND r.org_path < ? GROUP BY r.org_id, o.name, o.path, r.kind ORDER BY o.path, r.org_id",
			&ctx->err);
	if (!st)
		goto fail;
	stmt_bind_int(st, 1, from);
	stmt_bind_int(st, 2, to);
	stmt_bind_text(st, 3, lo);
	stmt_bind_text(st, 4, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *kind = stmt_text(st, 2);
		if (!last_branch || stmt_int(st, 0) != last_org) {
			last_org = stmt_int(st, 0);
			last_branch = json_pack("{s:I, s:s?, s:I, s:I}", "org_id", (json_int_t)last_org, "name", stmt_text(st, 1),
						"records", (json_int_t)0, "amount_fen", (json_int_t)0);
			for (k = 0; k < CK__COUNT; k++)
				kind_cell(last_branch, kinds[k].code);
			json_array_append_new(branches, last_branch);
		}
		if (!kind || care_kind_parse(kind) < 0)
			continue;
		cell_add(kind_cell(last_branch, kind), stmt_int(st, 3), stmt_int(st, 4));
		cell_add(last_branch, stmt_int(st, 3), stmt_int(st, 4));
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		goto fail;

	st = db_prepare(ctx->db,
			"SELECT count(*) FROM care_hardships WHERE org_path >= ? AND org_path < ? AND closed_on IS NULL",
			&ctx->err);
	if (!st)
		goto fail;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		open_hardships = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		goto fail;
	*out = json_pack("{s:{s:I, s:s}, s:i, s:i, s:o, s:o, s:o, s:o, s:I}", "org", "id", (json_int_t)root.id, "name",
			 root.name, "from", from, "to", to, "years", years, "kinds", kinds_j, "branches", branches, "total",
			 total, "hardships_open", (json_int_t)open_hardships);
	return 0;
fail:
	json_decref(years);
	json_decref(kinds_j);
	json_decref(branches);
	json_decref(total);
	return ctx_db_fail(ctx);
}
