/*
 * Points: periods, settings (inherited per subtree) and the pure scoring rules
 * (RULES.md §6; docs/API.md "Points and assessment"). The scoring functions here take
 * plain arrays so points_rank.c can score a whole subtree in one pass and the unit tests
 * can pin every rule without a database.
 */
#include "domain/points_internal.h"
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2100
/* ids on one org path: the tree is at most 12 levels deep (org.c) */

/* ---- periods --------------------------------------------------------------------- */

int points_month_no(int year, int month)
{
	return year * 12 + month - 1;
}

/* n decimal digits at s → value, or -1 */
static int digits(const char *s, int n)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void period_fill(enum points_period_kind kind, int year, int first, int last, struct points_period *out)
{
	out->kind = kind;
	out->first = first;
	out->last = last;
	if (kind == PP_MONTH)
		points_month_text(first, out->text);
	else if (kind == PP_QUARTER)
		xsnprintf(out->text, sizeof(out->text), "%04dQ%d", year, (first % 12) / 3 + 1);
	else
		xsnprintf(out->text, sizeof(out->text), "%04d", year);
}

int points_period_parse(const char *s, struct points_period *out)
{
	size_t n;
	int y, x;
	if (!s)
		return -1;
	n = strlen(s);
	if (n != 4 && n != 6 && n != 7)
		return -1;
	y = digits(s, 4);
	if (y < YEAR_MIN || y > YEAR_MAX)
		return -1;
	if (n == 4) {
		period_fill(PP_YEAR, y, y * 12, y * 12 + 11, out);
		return 0;
	}
	if (n == 6) {
		if (s[4] != 'Q' || (x = digits(s + 5, 1)) < 1 || x > 4)
			return -1;
		period_fill(PP_QUARTER, y, y * 12 + (x - 1) * 3, y * 12 + (x - 1) * 3 + 2, out);
		return 0;
	}
	if (s[4] != '-' || (x = digits(s + 5, 2)) < 1 || x > 12)
		return -1;
	period_fill(PP_MONTH, y, points_month_no(y, x), points_month_no(y, x), out);
	return 0;
}

int points_cap_window_start(enum points_period_kind cap_kind, int m)
{
	if (cap_kind == PP_QUARTER)
		return m - (m % 12) % 3;
	if (cap_kind == PP_YEAR)
		return m - m % 12;
	return m;
}

void points_period_of(enum points_period_kind kind, int m, struct points_period *out)
{
	int first = points_cap_window_start(kind, m);
	int len = kind == PP_YEAR ? 12 : kind == PP_QUARTER ? 3 : 1;
	period_fill(kind, m / 12, first, first + len - 1, out);
}

void points_month_text(int m, char out[8])
{
	/* out is 8 bytes: keep the year in 4 digits for any month number we can produce */
	int y = m / 12, mon = m % 12 + 1;
	if (y < 0 || y > 9999)
		y = 0;
	xsnprintf(out, 8, "%04d-%02d", y, mon);
}

int64_t points_top_org(const char *org_path)
{
	int64_t id = 0;
	const char *p;
	if (!org_path || org_path[0] != '/' || org_path[1] < '0' || org_path[1] > '9')
		return 0;
	for (p = org_path + 1; *p >= '0' && *p <= '9'; p++) {
		if (id > (INT64_MAX - 9) / 10)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return *p == '/' ? id : 0;
}

/* ---- points as numbers ------------------------------------------------------------ */

json_t *points_x10_json(int x10)
{
	return json_real(x10 / 10.0);
}

/* "2.5" / "-3" for messages */
static void x10_text(int x10, char *out, size_t size)
{
	int a = abs(x10);
	if (a % 10)
		xsnprintf(out, size, "%s%d.%d", x10 < 0 ? "-" : "", a / 10, a % 10);
	else
		xsnprintf(out, size, "%s%d", x10 < 0 ? "-" : "", a / 10);
}

int points_json_x10(struct ctx *ctx, json_t *v, const char *field, int min_x10, int max_x10, int *out)
{
	double h, tenths;
	char lo[16], hi[16];
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field);
	if (!json_is_number(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是数字", field);
	h = json_number_value(v);
	tenths = floor(h * 10 + 0.5);
	x10_text(min_x10, lo, sizeof(lo));
	x10_text(max_x10, hi, sizeof(hi));
	/* the NaN-proof comparisons first: a huge double must not reach the int cast */
	if (!(tenths >= min_x10 && tenths <= max_x10) || fabs(h * 10 - tenths) > 1e-6)
		return err_set(&ctx->err, E_INVALID, field, "points.value", "%s 须在 %s–%s 之间，最多一位小数", field, lo, hi);
	*out = (int)tenths;
	return 0;
}

/* ---- the pure scoring rules -------------------------------------------------------- */

static int cap_clamp(int sign, int cap_x10, int x)
{
	if (!cap_x10)
		return x;
	if (sign > 0)
		return x < cap_x10 ? x : cap_x10;
	return x > -cap_x10 ? x : -cap_x10;
}

int points_indicator_counted(int sign, int cap_x10, enum points_period_kind cap_kind, const int *raw, int from,
			     int first, int last)
{
	int m, total = 0, window = -1, cum = 0;
	/* walk from the first window's start so a month in the middle of a capped window
	 * sees what the window's earlier months already used; count only [first, last] */
	for (m = from; m <= last; m++) {
		int w = points_cap_window_start(cap_kind, m), before;
		if (w != window) {
			window = w;
			cum = 0;
		}
		before = cap_clamp(sign, cap_x10, cum);
		cum += raw[m - from];
		if (m >= first)
			total += cap_clamp(sign, cap_x10, cum) - before;
	}
	return total;
}

int points_score_x10(int base_x10, int award_x10, int deduct_x10)
{
	int s = base_x10 + award_x10 + deduct_x10;
	return s < 0 ? 0 : s > 1000 ? 1000 : s;
}

/* the tie rule without the id: 0 when the two share a rank */
static int standing_cmp_scores(const struct points_standing *a, const struct points_standing *b)
{
	if (a->score_x10 != b->score_x10)
		return a->score_x10 > b->score_x10 ? -1 : 1;
	/* deductions are ≤ 0: the one closer to 0 lost fewer points and ranks higher */
	if (a->deduct_x10 != b->deduct_x10)
		return a->deduct_x10 > b->deduct_x10 ? -1 : 1;
	if (a->award_x10 != b->award_x10)
		return a->award_x10 > b->award_x10 ? -1 : 1;
	return 0;
}

static int standing_cmp(const void *pa, const void *pb)
{
	const struct points_standing *a = pa, *b = pb;
	int c = standing_cmp_scores(a, b);
	if (c)
		return c;
	return a->subject_id < b->subject_id ? -1 : a->subject_id > b->subject_id;
}

void points_rank(struct points_standing *s, size_t n)
{
	size_t i;
	if (n > 1)
		qsort(s, n, sizeof(*s), standing_cmp);
	for (i = 0; i < n; i++)
		s[i].rank = i && !standing_cmp_scores(&s[i - 1], &s[i]) ? s[i - 1].rank : (int)i + 1;
}

static int band_stars(int score_x10, const struct points_band *bands, int nbands)
{
	int b;
	for (b = 0; b < nbands; b++)
		if (score_x10 >= bands[b].min_x10)
			return bands[b].stars;
	return 0;
}

void points_assign_stars(struct points_standing *s, size_t n, const struct points_band *bands, int nbands,
			 int cap_pct)
{
	size_t i, in_top = 0, limit, group_end;
	for (i = 0; i < n; i++) {
		s[i].stars = band_stars(s[i].score_x10, bands, nbands);
		if (nbands && s[i].score_x10 >= bands[0].min_x10)
			in_top++;
	}
	if (cap_pct <= 0 || !nbands)
		return;
	limit = n * (size_t)cap_pct / 100;
	if (in_top <= limit)
		return;
	/* ranked by score, so the top band is a prefix; a rank group ending past the line
	 * drops whole, and everything after it too */
	for (i = 0; i < n; i = group_end) {
		for (group_end = i + 1; group_end < n && s[group_end].rank == s[i].rank; group_end++)
			;
		if (group_end > limit) {
			size_t k;
			for (k = i; k < n && s[k].score_x10 >= bands[0].min_x10; k++)
				s[k].stars = nbands > 1 ? bands[1].stars : 0;
			return;
		}
	}
}

void points_flags_text(unsigned flags, char *out, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	if (flags & PF_REWARD)
		strbuf_addstr(&sb, "reward");
	if (flags & PF_WARNING)
		strbuf_addf(&sb, "%swarning", sb.len ? "," : "");
	if (flags & PF_ADJUST)
		strbuf_addf(&sb, "%sadjust", sb.len ? "," : "");
	if (size)
		strlcpy_z(out, sb.buf, size);
	strbuf_release(&sb);
}

/* ---- the published months ---------------------------------------------------------- */

int points_month_published(struct ctx *ctx, const char *target, const char *org_path, int m, int *published)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char prefix[PATH_MAX_LEN];
	int64_t ids[ORG_PATH_IDS_MAX];
	int n, i, step, rc = 0;
	size_t len = 1;

	*published = 0;
	if ((n = org_path_ids(org_path, ids, ORG_PATH_IDS_MAX)) <= 0)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "组织路径无效：%s", org_path ? org_path : "");
	/* the enclosing scopes are the prefixes of the path: one IN list on the months index */
	strbuf_addstr(&sql, "SELECT count(*) FROM point_publications WHERE target = ? AND first_month <= CAST(? AS INTEGER) "
			    "AND last_month >= CAST(? AS INTEGER) AND org_path IN (");
	for (i = 0; i < n; i++)
		strbuf_addstr(&sql, i ? ", ?" : "?");
	strbuf_addch(&sql, ')');
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, target);
	stmt_bind_int(st, 2, m);
	stmt_bind_int(st, 3, m);
	for (i = 0; i < n; i++) {
		while (org_path[len] != '/')
			len++;
		len++;
		memcpy(prefix, org_path, len);
		prefix[len] = '\0';
		stmt_bind_text(st, 4 + i, prefix);
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*published = stmt_int(st, 0) > 0;
	stmt_reset(st);
	if (step != STEP_ROW)
		rc = ctx_db_fail(ctx);
out:
	strbuf_release(&sql);
	return rc;
}

/* ---- settings ------------------------------------------------------------------------ */

static const struct points_band default_bands[] = {
	{ 950, 5 }, { 850, 4 }, { 750, 3 }, { 650, 2 }, { 600, 1 },
};
#define N_DEFAULT_BANDS (sizeof(default_bands) / sizeof(default_bands[0]))

void points_settings_default(struct points_settings *s)
{
	size_t i;
	memset(s, 0, sizeof(*s));
	s->enabled = 1;
	s->member_base_x10 = 600;
	s->branch_deduct = 1;
	for (i = 0; i < N_DEFAULT_BANDS; i++) {
		s->member_bands[i] = default_bands[i];
		s->branch_bands[i] = default_bands[i];
	}
	s->n_member_bands = s->n_branch_bands = (int)N_DEFAULT_BANDS;
	s->top_band_cap_pct = 10;
	s->top_n = 3;
}

static json_t *bands_json(const struct points_band *b, int n)
{
	json_t *arr = json_array();
	int i;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:i, s:i}", "min", b[i].min_x10 / 10, "stars", b[i].stars));
	return arr;
}

static json_t *settings_json(int64_t org_id, const struct points_settings *s, int64_t version)
{
	json_t *j = json_object();
	json_object_set_new(j, "org_id", json_integer(org_id));
	json_object_set_new(j, "defined_at", s->defined_at ? json_integer(s->defined_at) : json_null());
	json_object_set_new(j, "enabled", json_boolean(s->enabled));
	json_object_set_new(j, "member_base", points_x10_json(s->member_base_x10));
	json_object_set_new(j, "branch_mode", json_string(s->branch_deduct ? "deduct" : "percent"));
	json_object_set_new(j, "member_bands", bands_json(s->member_bands, s->n_member_bands));
	json_object_set_new(j, "branch_bands", bands_json(s->branch_bands, s->n_branch_bands));
	json_object_set_new(j, "top_band_cap_pct", json_integer(s->top_band_cap_pct));
	json_object_set_new(j, "top_n", json_integer(s->top_n));
	json_object_set_new(j, "version", json_integer(version));
	return j;
}

static int int_in(json_t *v, int lo, int hi, int *out)
{
	json_int_t x;
	if (!json_is_integer(v))
		return -1;
	x = json_integer_value(v);
	if (x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

/* 1–8 bands {"min": 0–100 whole points, "stars": 1–5}, both strictly descending */
static int parse_bands(struct ctx *ctx, json_t *arr, const char *field, struct points_band *out, int *n)
{
	char f[64];
	size_t i;
	json_t *b;
	if (!arr || json_is_null(arr))
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field);
	if (!json_is_array(arr))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是数组", field);
	if (json_array_size(arr) < 1 || json_array_size(arr) > POINTS_MAX_BANDS)
		return err_set(&ctx->err, E_INVALID, field, "points.bands", "星级档次须有 1–%d 档", POINTS_MAX_BANDS);
	json_array_foreach(arr, i, b) {
		int min, stars;
		if (!json_is_object(b))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 的每一档必须是 {\"min\",\"stars\"}", field);
		xsnprintf(f, sizeof(f), "%s[%zu].min", field, i);
		if (int_in(json_object_get(b, "min"), 0, 100, &min))
			return err_set(&ctx->err, E_INVALID, f, "points.bands", "档次的起点分须是 0–100 的整数");
		if (i && min * 10 >= out[i - 1].min_x10)
			return err_set(&ctx->err, E_INVALID, f, "points.bands", "档次须按起点分从高到低排列，且不能重复");
		xsnprintf(f, sizeof(f), "%s[%zu].stars", field, i);
		if (int_in(json_object_get(b, "stars"), 1, 5, &stars))
			return err_set(&ctx->err, E_INVALID, f, "points.bands", "星级须是 1–5 的整数");
		if (i && stars >= out[i - 1].stars)
			return err_set(&ctx->err, E_INVALID, f, "points.bands", "星级须从高到低排列，且不能重复");
		out[i].min_x10 = min * 10;
		out[i].stars = stars;
	}
	*n = (int)json_array_size(arr);
	return 0;
}

/* the stored text of a band column (written by settings_put, so valid) */
static int parse_stored_bands(struct ctx *ctx, const char *text, const char *field, struct points_band *out, int *n)
{
	json_error_t jerr;
	json_t *arr = json_loads(text ? text : "", 0, &jerr);
	int rc;
	if (!arr)
		return err_set(&ctx->err, E_INTERNAL, field, NULL, "积分设置的星级档次已损坏");
	rc = parse_bands(ctx, arr, field, out, n);
	json_decref(arr);
	return rc ? err_set(&ctx->err, E_INTERNAL, field, NULL, "积分设置的星级档次已损坏") : 0;
}

#define SETTINGS_COLS                                                                                  \
	"org_id, enabled, member_base_x10, branch_mode, member_bands, branch_bands, top_band_cap_pct, top_n, " \
	"version"

/* one point_settings row (SETTINGS_COLS) into s */
static int read_settings(struct ctx *ctx, struct stmt *st, struct points_settings *s, int64_t *version)
{
	const char *mode = stmt_text(st, 3);
	points_settings_default(s);
	s->defined_at = stmt_int(st, 0);
	s->enabled = stmt_int(st, 1) != 0;
	s->member_base_x10 = (int)stmt_int(st, 2);
	s->branch_deduct = !mode || strcmp(mode, "percent") != 0;
	s->top_band_cap_pct = (int)stmt_int(st, 6);
	s->top_n = (int)stmt_int(st, 7);
	*version = stmt_int(st, 8);
	if (parse_stored_bands(ctx, stmt_text(st, 4), "member_bands", s->member_bands, &s->n_member_bands) ||
	    parse_stored_bands(ctx, stmt_text(st, 5), "branch_bands", s->branch_bands, &s->n_branch_bands))
		return ctx->err.code;
	return 0;
}

struct settings_found {
	struct ctx *ctx;
	struct points_settings *out;
	int64_t *version;
};

static int settings_found_row(void *arg, struct stmt *st)
{
	struct settings_found *f = arg;
	return read_settings(f->ctx, st, f->out, f->version);
}

/* The settings in force at org_path: the row of the deepest org on the path, or the
 * defaults; *version is that row's version (0 for the defaults). */
static int settings_lookup(struct ctx *ctx, const char *org_path, struct points_settings *out, int64_t *version)
{
	struct settings_found f = { ctx, out, version };
	points_settings_default(out);
	*version = 0;
	return org_path_nearest(ctx, "SELECT " SETTINGS_COLS " FROM point_settings", org_path, settings_found_row, &f);
}

int points_settings_for(struct ctx *ctx, const char *org_path, struct points_settings *out)
{
	int64_t version;
	return settings_lookup(ctx, org_path, out, &version);
}

int points_require_enabled(struct ctx *ctx, const char *org_path)
{
	struct points_settings s;
	int rc = points_settings_for(ctx, org_path, &s);
	if (rc)
		return rc;
	if (!s.enabled)
		return err_set(&ctx->err, E_CONFLICT, NULL, "points.disabled", "本组织已关闭积分考评");
	return 0;
}

/* org_id 0: the caller's root (a system administrator's: the first top-level org) */
static int settings_org(struct ctx *ctx, int64_t org_id, struct org *o)
{
	/* org_scope_root reads without the subtree counts; for a system administrator
	 * without an org it would answer the whole path space, which has no settings row */
	if (!org_id && !ctx->actor.org_id)
		return org_root(ctx, o);
	return org_scope_root(ctx, org_id, o);
}

int points_settings_get(struct ctx *ctx, int64_t org_id, json_t **out)
{
	struct points_settings s;
	struct org o;
	int64_t version;
	int rc;
	*out = NULL;
	if ((rc = settings_org(ctx, org_id, &o)) || (rc = settings_lookup(ctx, o.path, &s, &version)))
		return rc;
	/* version is that of the row at the org itself: the one a PUT there replaces */
	*out = settings_json(o.id, &s, s.defined_at == o.id ? version : 0);
	return 0;
}

static int body_int_in(struct ctx *ctx, json_t *body, const char *key, int lo, int hi, int *out)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, key, "field.required", "%s 不能为空", key);
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	if (int_in(v, lo, hi, out))
		return err_set(&ctx->err, E_INVALID, key, "field.range", "%s 须在 %d–%d 之间", key, lo, hi);
	return 0;
}

static int parse_settings_body(struct ctx *ctx, json_t *body, struct points_settings *s, int *version)
{
	json_t *v;
	const char *mode;
	int rc;
	points_settings_default(s);
	v = json_object_get(body, "enabled");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "enabled", "field.required", "enabled 不能为空");
	if (!json_is_boolean(v))
		return err_set(&ctx->err, E_MALFORMED, "enabled", NULL, "字段 enabled 必须是布尔值");
	s->enabled = json_is_true(v);
	if ((rc = points_json_x10(ctx, json_object_get(body, "member_base"), "member_base", 0, 1000, &s->member_base_x10)))
		return rc;
	v = json_object_get(body, "branch_mode");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "branch_mode", "field.required", "branch_mode 不能为空");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "branch_mode", NULL, "字段 branch_mode 必须是字符串");
	mode = json_string_value(v);
	if (strcmp(mode, "deduct") && strcmp(mode, "percent"))
		return err_set(&ctx->err, E_INVALID, "branch_mode", "points.branch_mode",
			       "支部考评方式须是 deduct（百分倒扣制）或 percent（百分制）");
	s->branch_deduct = !strcmp(mode, "deduct");
	if ((rc = parse_bands(ctx, json_object_get(body, "member_bands"), "member_bands", s->member_bands,
			      &s->n_member_bands)) ||
	    (rc = parse_bands(ctx, json_object_get(body, "branch_bands"), "branch_bands", s->branch_bands,
			      &s->n_branch_bands)) ||
	    (rc = body_int_in(ctx, body, "top_band_cap_pct", 0, 100, &s->top_band_cap_pct)) ||
	    (rc = body_int_in(ctx, body, "top_n", 0, 100, &s->top_n)) ||
	    (rc = body_int_in(ctx, body, "version", 0, INT32_MAX, version)))
		return rc;
	return 0;
}

static char *bands_text(const struct points_band *b, int n)
{
	json_t *j = bands_json(b, n);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* the row at org, if any: *version 0 when none; *before its JSON (NULL when none) */
static int settings_row(struct ctx *ctx, int64_t org_id, int64_t *version, json_t **before)
{
	struct points_settings s;
	struct stmt *st = db_prepare(ctx->db, "SELECT " SETTINGS_COLS " FROM point_settings WHERE org_id = ?", &ctx->err);
	int step, rc = 0;
	*version = 0;
	*before = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && !(rc = read_settings(ctx, st, &s, version)))
		*before = settings_json(org_id, &s, *version);
	stmt_reset(st);
	if (!rc && step < 0)
		rc = ctx_db_fail(ctx);
	return rc;
}

static int settings_write(struct ctx *ctx, int64_t org_id, const struct points_settings *s, int64_t old_version)
{
	char *mb = bands_text(s->member_bands, s->n_member_bands), *bb = bands_text(s->branch_bands, s->n_branch_bands);
	struct stmt *st;
	int rc = 0, step;
	st = db_prepare(ctx->db,
			old_version
				? "UPDATE point_settings SET enabled = ?, member_base_x10 = ?, branch_mode = ?, member_bands = ?, "
				  "branch_bands = ?, top_band_cap_pct = ?, top_n = ?, updated_at = ?, version = version + 1 "
				  "WHERE org_id = ? AND version = ?"
				: "INSERT INTO point_settings (enabled, member_base_x10, branch_mode, member_bands, branch_bands, "
				  "top_band_cap_pct, top_n, updated_at, org_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, s->enabled);
	stmt_bind_int(st, 2, s->member_base_x10);
	stmt_bind_text(st, 3, s->branch_deduct ? "deduct" : "percent");
	stmt_bind_text(st, 4, mb);
	stmt_bind_text(st, 5, bb);
	stmt_bind_int(st, 6, s->top_band_cap_pct);
	stmt_bind_int(st, 7, s->top_n);
	stmt_bind_text(st, 8, ctx->now_iso);
	stmt_bind_int(st, 9, org_id);
	if (old_version)
		stmt_bind_int(st, 10, old_version);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	/* a concurrent first PUT lost the race on the primary key; an UPDATE that matched
	 * nothing met a newer version */
	if (step == STEP_CONSTRAINT || (step == STEP_DONE && db_changes(ctx->db) == 0))
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "积分设置已被他人修改，请刷新后重试");
	else if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
out:
	free(mb);
	free(bb);
	return rc;
}

int points_settings_put(struct ctx *ctx, json_t *body)
{
	struct points_settings s;
	struct org o;
	json_t *before = NULL, *after = NULL, *v;
	int64_t current = 0;
	int version, rc;

	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "points.role", "只有组织部或党委管理员可以修改积分设置");
	v = json_object_get(body, "org_id");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "org_id 不能为空");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
	if ((rc = org_require_in_scope(ctx, json_integer_value(v), &o, "org_id")) ||
	    (rc = parse_settings_body(ctx, body, &s, &version)))
		return rc;
	s.defined_at = o.id;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = settings_row(ctx, o.id, &current, &before)))
		goto rollback;
	if (current != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "积分设置已被他人修改，请刷新后重试");
		goto rollback;
	}
	if ((rc = settings_write(ctx, o.id, &s, current)))
		goto rollback;
	after = settings_json(o.id, &s, current + 1);
	if ((rc = audit_append(ctx, current ? "update" : "create", "point_settings", o.id, before, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

int points_enabled_for_actor(struct ctx *ctx)
{
	struct points_settings s;
	char path[PATH_MAX_LEN];
	struct err saved = ctx->err;
	int on;

	strlcpy_z(path, ctx->actor.org_path, sizeof(path));
	if (ctx->actor.role == ROLE_MEMBER && ctx->actor.member_id) {
		struct stmt *st = db_prepare(ctx->db, "SELECT org_path FROM members WHERE id = ?", &ctx->err);
		if (st) {
			stmt_bind_int(st, 1, ctx->actor.member_id);
			if (stmt_step(st, &ctx->err) == STEP_ROW)
				stmt_text_copy(st, 0, path, sizeof(path));
			stmt_reset(st);
		}
	}
	/* a session must still answer when the lookup fails: show points (the default),
	 * every points endpoint checks again on its own */
	on = points_settings_for(ctx, path, &s) ? 1 : s.enabled;
	ctx->err = saved;
	return on;
}
