/*
 * 述职评议 scoring (docs/API.md "述职评议 (reviews)"): the reproducible draw, the weighted
 * score, ranks with their tie rule, grades and ballot codes, as pure functions the unit
 * tests hold against independent computations; then the results of a publication and the
 * ballots raters submit with their codes (no login).
 */
#include "domain/review_internal.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* the same answer for an unknown code and a session not in scoring: a code says nothing */
#define BALLOT_NOT_FOUND_MSG "评议码无效，或本次评议不在评分阶段"

static const struct named groups[RG__COUNT] = {
	[RG_LEADER] = { "leader", "领导" },
	[RG_MEMBER] = { "member", "党员代表" },
	[RG_MASS] = { "mass", "群众代表" },
};

/* no 0/O, 1/I/L: a code is read aloud and typed on a phone */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

int review_group_parse(const char *s)
{
	return named_index(groups, RG__COUNT, s);
}

const char *review_group_code(int g)
{
	return named_code_at(groups, RG__COUNT, g);
}

const char *review_group_name(int g)
{
	return named_name_at(groups, RG__COUNT, g);
}

/* ---- the draw ---------------------------------------------------------------------- */

int review_seed_valid(const char *s)
{
	size_t i;
	if (!s || strlen(s) != REVIEW_SEED_HEX)
		return 0;
	for (i = 0; i < REVIEW_SEED_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void review_seed_random(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[REVIEW_SEED_HEX / 2];
	size_t i;
	randombytes_buf(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[REVIEW_SEED_HEX] = '\0';
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* the first 8 bytes of SHA-256(text) as a big-endian integer: the first 16 hex digits */
static uint64_t sha256_prefix64(const char *text)
{
	char hex[65];
	uint64_t r = 0;
	int i;
	sha256_hex(text, strlen(text), hex);
	for (i = 0; i < 16; i++) {
		char c = hex[i];
		r = (r << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return r;
}

size_t review_draw_compute(const char *seed, const int64_t *candidates, size_t n, size_t k, int64_t *drawn)
{
	int64_t *c;
	size_t i;
	if (k > n)
		k = n;
	if (!k)
		return 0;
	c = xmalloc(n * sizeof(*c));
	memcpy(c, candidates, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_id);
	for (i = 0; i < k; i++) {
		char text[REVIEW_SEED_HEX + 32];
		size_t j;
		int64_t t;
		xsnprintf(text, sizeof(text), "%s:%zu", seed, i);
		j = i + (size_t)(sha256_prefix64(text) % (uint64_t)(n - i));
		t = c[i];
		c[i] = c[j];
		c[j] = t;
		drawn[i] = c[i];
	}
	free(c);
	return k;
}

/* ---- scores ------------------------------------------------------------------------ */

/* num / den × 10, half up, for num ≥ 0 and den > 0 */
static int x10_half_up(int64_t num, int64_t den)
{
	return (int)((20 * num + den) / (2 * den));
}

int review_mean_x10(const struct review_tally *t, int g)
{
	return t->n[g] > 0 ? x10_half_up(t->sum[g], t->n[g]) : -1;
}

/*
 * Exact: with D the product of the counts of the groups that count, Σ w·sum·(D/n) over
 * D·W is Σ w·mean over W. At most REVIEW_MAX_RATERS scores per participant keep D below
 * 500³ and every term far inside int64.
 */
int review_weighted_x10(const int weights[RG__COUNT], const struct review_tally *t)
{
	int64_t d = 1, num = 0, w = 0;
	int g;
	for (g = 0; g < RG__COUNT; g++)
		if (t->n[g] > 0 && weights[g] > 0) {
			d *= t->n[g];
			w += weights[g];
		}
	if (!w)
		return -1;
	for (g = 0; g < RG__COUNT; g++)
		if (t->n[g] > 0 && weights[g] > 0)
			num += (int64_t)weights[g] * t->sum[g] * (d / t->n[g]);
	return x10_half_up(num, d * w);
}

const char *review_grade(int score_x10)
{
	if (score_x10 < 0)
		return NULL;
	if (score_x10 >= 900)
		return "好";
	if (score_x10 >= 800)
		return "较好";
	if (score_x10 >= 600)
		return "一般";
	return "差";
}

/* 1 if a ranks strictly before b (same grp assumed) */
static int ranks_before(const struct review_rank_item *a, const struct review_rank_item *b)
{
	if (a->score_x10 != b->score_x10)
		return a->score_x10 > b->score_x10;
	return a->leader_x10 > b->leader_x10;
}

void review_rank(struct review_rank_item *items, size_t n)
{
	size_t i, j;
	for (i = 0; i < n; i++) {
		items[i].rank = 0;
		if (items[i].score_x10 < 0)
			continue;
		items[i].rank = 1;
		for (j = 0; j < n; j++)
			if (j != i && items[j].score_x10 >= 0 && !strcmp(items[j].grp, items[i].grp) &&
			    ranks_before(&items[j], &items[i]))
				items[i].rank++;
	}
}

/* ---- ballot codes ------------------------------------------------------------------ */

void review_code_random(char *out)
{
	size_t i;
	for (i = 0; i < REVIEW_CODE_LEN; i++)
		out[i] = code_alphabet[randombytes_uniform((uint32_t)(sizeof(code_alphabet) - 1))];
	out[REVIEW_CODE_LEN] = '\0';
}

int review_code_hash(const char *code, char *out)
{
	char norm[REVIEW_CODE_LEN + 1];
	size_t n = 0;
	const char *p;
	out[0] = '\0';
	if (!code)
		return -1;
	for (p = code; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n >= REVIEW_CODE_LEN || !strchr(code_alphabet, c))
			return -1;
		norm[n++] = c;
	}
	if (n != REVIEW_CODE_LEN)
		return -1;
	norm[n] = '\0';
	sha256_hex(norm, n, out);
	return 0;
}

/* ---- publication ------------------------------------------------------------------ */

/* Scores and ranks of every participant from the tallies (RULES.md §6 述职评议). */
void review_compute_results(struct review *v)
{
	struct review_rank_item *items = xcalloc(v->np + 1, sizeof(*items));
	size_t i;
	for (i = 0; i < v->np; i++) {
		v->p[i].score_x10 = review_weighted_x10(v->weights, &v->p[i].t);
		items[i].grp = v->p[i].grp;
		items[i].score_x10 = v->p[i].score_x10;
		items[i].leader_x10 = review_mean_x10(&v->p[i].t, RG_LEADER);
	}
	review_rank(items, v->np);
	for (i = 0; i < v->np; i++)
		v->p[i].rank = items[i].rank;
	free(items);
}

/* ---- ballots ----------------------------------------------------------------------- */

struct ballot {
	int64_t rater_id, review_id;
	char name[192], grp[8], submitted_at[21];
	char title[512], held_on[11];
};

/* The rater behind code in a session that is scoring; one answer for everything else. */
static int find_ballot(struct ctx *ctx, const char *code, struct ballot *b)
{
	struct stmt *st;
	char hash[65];
	int step, found = 0;
	memset(b, 0, sizeof(*b));
	if (review_code_hash(code, hash))
		return err_set(&ctx->err, E_NOTFOUND, "code", NULL, BALLOT_NOT_FOUND_MSG);
	st = db_prepare(ctx->db,
			"SELECT r.id, r.review_id, r.name, r.grp, r.submitted_at, v.title, v.held_on FROM review_raters r "
			"JOIN reviews v ON v.id = r.review_id WHERE r.code_hash = ? AND v.status = 'scoring'",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, hash);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		b->rater_id = stmt_int(st, 0);
		b->review_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, b->name, sizeof(b->name));
		stmt_text_copy(st, 3, b->grp, sizeof(b->grp));
		stmt_text_copy(st, 4, b->submitted_at, sizeof(b->submitted_at));
		stmt_text_copy(st, 5, b->title, sizeof(b->title));
		stmt_text_copy(st, 6, b->held_on, sizeof(b->held_on));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return found ? 0 : err_set(&ctx->err, E_NOTFOUND, "code", NULL, BALLOT_NOT_FOUND_MSG);
}

static int ballot_json(struct ctx *ctx, const struct ballot *b, json_t **out)
{
	struct review v;
	struct stmt *st;
	json_t *j, *arr, *scores;
	size_t i;
	int rc, step;
	*out = NULL;
	memset(&v, 0, sizeof(v));
	v.id = b->review_id;
	if ((rc = review_load_participants(ctx, &v)))
		goto out;
	arr = json_array();
	for (i = 0; i < v.np; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)v.p[i].org_id, "org_name",
						     v.p[i].org_name, "grp", v.p[i].grp));
	scores = json_object();
	j = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:o, s:o, s:o}", "review", "title", b->title, "held_on", b->held_on,
		      "rater", "name", b->name, "grp", b->grp, "participants", arr, "scores", scores, "submitted_at",
		      json_str_or_null(b->submitted_at));
	if (!(st = db_prepare(ctx->db, "SELECT org_id, score FROM review_scores WHERE rater_id = ?", &ctx->err))) {
		json_decref(j);
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, b->rater_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		char key[24];
		xsnprintf(key, sizeof(key), "%" PRId64, stmt_int(st, 0));
		json_object_set_new(scores, key, json_integer(stmt_int(st, 1)));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(j);
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*out = j;
out:
	review_release(&v);
	return rc;
}

int review_ballot_get(struct ctx *ctx, const char *code, json_t **out)
{
	struct ballot b;
	int rc;
	*out = NULL;
	if ((rc = find_ballot(ctx, code, &b)))
		return rc;
	return ballot_json(ctx, &b, out);
}

/* {org_id: 0–100} naming every participant and nothing else, into score[i] per v->p[i]. */
static int parse_scores(struct ctx *ctx, json_t *obj, const struct review *v, int *score)
{
	const char *key;
	json_t *x;
	size_t i;
	if (!obj || json_is_null(obj))
		return err_set(&ctx->err, E_INVALID, "scores", "field.required", "评分不能为空");
	if (!json_is_object(obj))
		return err_set(&ctx->err, E_MALFORMED, "scores", NULL, "scores 必须是对象 {单位 id: 分数}");
	json_object_foreach(obj, key, x) {
		char *end;
		long long id = strtoll(key, &end, 10);
		int found = 0;
		if (!json_is_integer(x))
			return err_set(&ctx->err, E_MALFORMED, "scores", NULL, "scores.%s 必须是整数", key);
		for (i = 0; i < v->np && !*end && key[0]; i++)
			if (v->p[i].org_id == id)
				found = 1;
		if (!found)
			return err_set(&ctx->err, E_INVALID, "scores", "review.scores", "%s 不是本次述职的单位", key);
		if (json_integer_value(x) < 0 || json_integer_value(x) > 100)
			return err_set(&ctx->err, E_INVALID, "scores", "review.scores", "分数须为 0 至 100 的整数");
	}
	for (i = 0; i < v->np; i++) {
		char k[24];
		xsnprintf(k, sizeof(k), "%" PRId64, v->p[i].org_id);
		if (!(x = json_object_get(obj, k)))
			return err_set(&ctx->err, E_INVALID, "scores", "review.scores", "还没有给“%s”评分", v->p[i].org_name);
		score[i] = (int)json_integer_value(x);
	}
	return 0;
}

/* Holds the session row while it is scoring (the lock publish takes too); 404 once it is not. */
static int lock_scoring(struct ctx *ctx, int64_t review_id)
{
	struct stmt *st = db_prepare(ctx->db, "UPDATE reviews SET updated_at = updated_at WHERE id = ? AND status = 'scoring'",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, review_id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	return db_changes(ctx->db) == 1 ? 0 : err_set(&ctx->err, E_NOTFOUND, "code", NULL, BALLOT_NOT_FOUND_MSG);
}

static int write_scores(struct ctx *ctx, const struct ballot *b, const struct review *v, const int *score)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM review_scores WHERE rater_id = ?", &ctx->err);
	size_t i;
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, b->rater_id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	for (i = 0; i < v->np; i++) {
		if (!(st = db_prepare(ctx->db, "INSERT INTO review_scores (rater_id, org_id, score) VALUES (?, ?, ?)", &ctx->err)))
			return E_DB;
		stmt_bind_int(st, 1, b->rater_id);
		stmt_bind_int(st, 2, v->p[i].org_id);
		stmt_bind_int(st, 3, score[i]);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	if (!(st = db_prepare(ctx->db, "UPDATE review_raters SET submitted_at = ? WHERE id = ?", &ctx->err)))
		return E_DB;
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, b->rater_id);
	return stmt_run(st, &ctx->err);
}

int review_ballot_submit(struct ctx *ctx, json_t *body)
{
	struct ballot b;
	struct review v;
	json_t *code = json_object_get(body, "code"), *ja = NULL, *sc;
	int *score = NULL, rc;
	size_t i;

	memset(&v, 0, sizeof(v));
	if (code && !json_is_string(code))
		return err_set(&ctx->err, E_MALFORMED, "code", NULL, "字段 code 必须是字符串");
	if (!code)
		return err_set(&ctx->err, E_INVALID, "code", "field.required", "评议码不能为空");
	if ((rc = find_ballot(ctx, json_string_value(code), &b)))
		return rc;
	v.id = b.review_id;
	if ((rc = review_load_participants(ctx, &v)))
		goto out;
	score = xcalloc(v.np + 1, sizeof(*score));
	if ((rc = parse_scores(ctx, json_object_get(body, "scores"), &v, score)))
		goto out;
	/* no login: the audit names the rater the code belongs to */
	if (!ctx->actor.user_id && !ctx->actor.username[0])
		xsnprintf(ctx->actor.username, sizeof(ctx->actor.username), "评议人#%" PRId64, b.rater_id);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = lock_scoring(ctx, b.review_id)) || (rc = write_scores(ctx, &b, &v, score)))
		goto rollback;
	sc = json_object();
	for (i = 0; i < v.np; i++) {
		char k[24];
		xsnprintf(k, sizeof(k), "%" PRId64, v.p[i].org_id);
		json_object_set_new(sc, k, json_integer(score[i]));
	}
	ja = json_pack("{s:I, s:s, s:s, s:o, s:b}", "rater_id", (json_int_t)b.rater_id, "name", b.name, "grp", b.grp,
		       "scores", sc, "replaced", b.submitted_at[0] != '\0');
	if ((rc = audit_append(ctx, "ballot", "review", b.review_id, NULL, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(ja);
	free(score);
	review_release(&v);
	return rc;
}
