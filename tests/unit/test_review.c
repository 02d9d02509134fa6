/*
 * 述职评议 (docs/API.md "述职评议 (reviews)") in the domain layer: the draw against an
 * independent computation of the documented algorithm (and a constant computed outside
 * this code base), its reproducibility and verification; the weighted score with a group
 * that has no scores renormalized away, rounded half up; ranks within a grp with the
 * leaders' mean as tie-break and shared ranks; grades; the status machine; ballots
 * (every participant, 0–100, replaced on resubmission, refused outside scoring).
 * Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/review.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, host, outside;
	int64_t town[2], dept[4];
};

static struct fixture fx;

static int populate(int pg)
{
	int i;
	(void)pg;
	life_set_today(2026, 1, 20);
	fx.top = life_make_org(0, "dept", "评议县委组织部", 0);
	fx.host = life_make_org(fx.top, "committee", "评议县委", 0);
	fx.outside = life_make_org(fx.top, "committee", "别处党委", 0);
	for (i = 0; i < 2; i++)
		fx.town[i] = life_make_org(fx.host, "committee", i ? "乙镇党委" : "甲镇党委", 0);
	for (i = 0; i < 4; i++) {
		char name[64];
		xsnprintf(name, sizeof(name), "县直部门%d党支部", i + 1);
		fx.dept[i] = life_make_org(fx.host, "branch", name, 0);
	}
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "review", populate, 2 };

/* ---- the draw, independently ---- */

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* docs/API.md, read literally, written again here so the domain code is checked against it */
static void reference_draw(const char *seed, const int64_t *pool, size_t n, size_t k, int64_t *out)
{
	int64_t c[64];
	size_t i;
	memcpy(c, pool, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp64);
	for (i = 0; i < k; i++) {
		char text[80], hex[65];
		uint64_t r = 0;
		int64_t t;
		size_t j, d;
		xsnprintf(text, sizeof(text), "%s:%zu", seed, i);
		sha256_hex(text, strlen(text), hex);
		for (d = 0; d < 16; d++)
			r = r * 16 + (uint64_t)(hex[d] <= '9' ? hex[d] - '0' : hex[d] - 'a' + 10);
		j = i + (size_t)(r % (n - i));
		t = c[i];
		c[i] = c[j];
		c[j] = t;
		out[i] = c[i];
	}
}

static void test_draw_known_and_reproducible(void **state)
{
	/* expected values computed once with Python (hashlib), outside this code base:
	 * c = sorted(pool); for i in range(k): r = int.from_bytes(sha256(f"{seed}:{i}".encode())
	 * .digest()[:8], "big"); j = i + r % (n - i); c[i], c[j] = c[j], c[i]; print(c[:k]) */
	static const int64_t pool[] = { 105, 101, 109, 103, 107, 102, 108 };
	static const int64_t expect3[] = { 105, 103, 109 };
	static const int64_t ten[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	static const int64_t expect10[] = { 6, 3, 4, 9, 8, 10, 2, 7, 5, 1 };
	int64_t got[10], again[10], ref[10];
	char seed[REVIEW_SEED_HEX + 1];
	int round, differ = 0;
	(void)state;
	assert_int_equal(review_draw_compute("00112233445566778899aabbccddeeff", pool, 7, 3, got), 3);
	assert_memory_equal(got, expect3, sizeof(expect3));
	assert_int_equal(review_draw_compute("0123456789abcdef0123456789abcdef", ten, 10, 10, got), 10);
	assert_memory_equal(got, expect10, sizeof(expect10));
	/* k beyond the pool is the whole pool */
	assert_int_equal(review_draw_compute("0123456789abcdef0123456789abcdef", ten, 10, 12, got), 10);
	/* random seeds: the same seed always gives the same draw, equal to the reference */
	for (round = 0; round < 20; round++) {
		review_seed_random(seed);
		assert_true(review_seed_valid(seed));
		review_draw_compute(seed, ten, 10, 4, got);
		review_draw_compute(seed, ten, 10, 4, again);
		reference_draw(seed, ten, 10, 4, ref);
		assert_memory_equal(got, again, 4 * sizeof(*got));
		assert_memory_equal(got, ref, 4 * sizeof(*got));
		differ += memcmp(got, expect10, 4 * sizeof(*got)) != 0;
	}
	assert_true(differ > 0);
	assert_false(review_seed_valid("0123456789ABCDEF0123456789abcdef"));
	assert_false(review_seed_valid("0123456789abcdef"));
}

/* ---- scores, ranks, grades ---- */

static void test_weights_and_rounding(void **state)
{
	int w[RG__COUNT] = { 40, 30, 30 };
	struct review_tally t;
	(void)state;
	/* leaders 90 and 80 (85), members 70, no 群众代表: (40·85 + 30·70) / 70 = 78.57 → 78.6 */
	memset(&t, 0, sizeof(t));
	t.sum[RG_LEADER] = 170;
	t.n[RG_LEADER] = 2;
	t.sum[RG_MEMBER] = 70;
	t.n[RG_MEMBER] = 1;
	assert_int_equal(review_weighted_x10(w, &t), 786);
	assert_int_equal(review_mean_x10(&t, RG_LEADER), 850);
	assert_int_equal(review_mean_x10(&t, RG_MASS), -1);
	/* with the 群众代表 scoring 100 the group counts again: (3400 + 2100 + 3000) / 100 = 85.0 */
	t.sum[RG_MASS] = 300;
	t.n[RG_MASS] = 3;
	assert_int_equal(review_weighted_x10(w, &t), 850);
	/* half up, in integers: 50·80 + 50·80.5 over 100 = 80.25 → 80.3 (not 80.2) */
	w[RG_LEADER] = 50;
	w[RG_MEMBER] = 50;
	w[RG_MASS] = 0;
	memset(&t, 0, sizeof(t));
	t.sum[RG_LEADER] = 80;
	t.n[RG_LEADER] = 1;
	t.sum[RG_MEMBER] = 161;
	t.n[RG_MEMBER] = 2;
	assert_int_equal(review_weighted_x10(w, &t), 803);
	/* mean 80.25 shown as 80.3 */
	t.sum[RG_LEADER] = 321;
	t.n[RG_LEADER] = 4;
	assert_int_equal(review_mean_x10(&t, RG_LEADER), 803);
	/* only a group of weight 0 scored: no score */
	memset(&t, 0, sizeof(t));
	t.sum[RG_MASS] = 90;
	t.n[RG_MASS] = 1;
	assert_int_equal(review_weighted_x10(w, &t), -1);
	memset(&t, 0, sizeof(t));
	assert_int_equal(review_weighted_x10(w, &t), -1);
}

static void test_ranks_and_grades(void **state)
{
	struct review_rank_item it[] = {
		{ "乡镇", 900, 850, 0 }, { "乡镇", 900, 870, 0 }, { "乡镇", 880, 800, 0 }, { "乡镇", 880, 800, 0 },
		{ "乡镇", 870, 990, 0 }, { "部门", 700, -1, 0 },  { "部门", -1, -1, 0 },  { "部门", 700, 600, 0 },
	};
	static const int expect[] = { 2, 1, 3, 3, 5, 2, 0, 1 };
	size_t i;
	(void)state;
	review_rank(it, sizeof(it) / sizeof(it[0]));
	for (i = 0; i < sizeof(it) / sizeof(it[0]); i++)
		assert_int_equal(it[i].rank, expect[i]);
	assert_string_equal(review_grade(1000), "好");
	assert_string_equal(review_grade(900), "好");
	assert_string_equal(review_grade(899), "较好");
	assert_string_equal(review_grade(800), "较好");
	assert_string_equal(review_grade(799), "一般");
	assert_string_equal(review_grade(600), "一般");
	assert_string_equal(review_grade(599), "差");
	assert_string_equal(review_grade(0), "差");
	assert_null(review_grade(-1));
}

static void test_codes(void **state)
{
	char code[REVIEW_CODE_LEN + 1], other[REVIEW_CODE_LEN + 1], h1[65], h2[65], spaced[40];
	size_t i;
	(void)state;
	review_code_random(code);
	review_code_random(other);
	assert_int_equal(strlen(code), REVIEW_CODE_LEN);
	assert_string_not_equal(code, other);
	for (i = 0; i < REVIEW_CODE_LEN; i++)
		assert_null(strchr("01OIL", code[i]));
	assert_int_equal(review_code_hash(code, h1), 0);
	/* typed in lower case and in groups of four: the same code */
	for (i = 0; i < REVIEW_CODE_LEN; i++)
		code[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	xsnprintf(spaced, sizeof(spaced), "%.4s-%.4s %.4s", code, code + 4, code + 8);
	assert_int_equal(review_code_hash(spaced, h2), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(review_code_hash("SHORT", h2), -1);
	assert_int_equal(review_code_hash("ABCDEFGHJKM0", h2), -1);
}

/* ---- sessions in the store ---- */

static json_t *units(int64_t a, const char *ga, int64_t b, const char *gb)
{
	json_t *arr = json_array();
	if (a)
		json_array_append_new(arr, json_pack("{s:I, s:s}", "org_id", (json_int_t)a, "grp", ga));
	if (b)
		json_array_append_new(arr, json_pack("{s:I, s:s}", "org_id", (json_int_t)b, "grp", gb));
	return arr;
}

static json_t *new_body(int64_t host, int leader, int member, int mass, json_t *fixed, json_t *pool, int count)
{
	return json_pack("{s:I, s:s, s:i, s:s, s:{s:i, s:i, s:i}, s:o, s:o, s:i}", "org_id", (json_int_t)host, "title",
			 "2025年度党建述职评议", "year", 2025, "held_on", "2026-01-15", "weights", "leader", leader, "member",
			 member, "mass", mass, "participants", fixed, "draw_pool", pool, "draw_count", count);
}

/* creating with body (consumed): the code, with the rule checked when given */
static int create(json_t *body, const char *rule, int64_t *id)
{
	int rc;
	err_clear(&fx.ctx.err);
	rc = review_create(&fx.ctx, body, id);
	json_decref(body);
	if (rule)
		assert_string_equal(fx.ctx.err.rule, rule);
	return rc;
}

static json_t *get(int64_t id)
{
	json_t *r = NULL;
	err_clear(&fx.ctx.err);
	if (review_get(&fx.ctx, id, &r))
		life_fail_ctx("review_get", &fx.ctx);
	return r;
}

static int64_t version_of(int64_t id)
{
	json_t *r = get(id);
	int64_t v = json_integer_value(json_object_get(r, "version"));
	json_decref(r);
	return v;
}

typedef int (*review_op)(struct ctx *, int64_t, json_t *);

static int op(review_op f, int64_t id, int64_t version)
{
	json_t *body = json_pack("{s:I}", "version", (json_int_t)version);
	int rc;
	err_clear(&fx.ctx.err);
	rc = f(&fx.ctx, id, body);
	json_decref(body);
	return rc;
}

static json_t *participant(json_t *r, int64_t org)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r, "participants"), i, p)
		if (json_integer_value(json_object_get(p, "org_id")) == org)
			return p;
	return NULL;
}

static int ballot(const char *code, const int64_t *orgs, const int *scores, size_t n)
{
	json_t *body = json_pack("{s:s, s:{}}", "code", code, "scores"), *sc = json_object_get(body, "scores");
	size_t i;
	int rc;
	for (i = 0; i < n; i++) {
		char k[24];
		xsnprintf(k, sizeof(k), "%" PRId64, orgs[i]);
		json_object_set_new(sc, k, json_integer(scores[i]));
	}
	err_clear(&fx.ctx.err);
	rc = review_ballot_submit(&fx.ctx, body);
	json_decref(body);
	return rc;
}

static void test_create_refusals(void **state)
{
	int64_t id = 0;
	(void)state;
	assert_int_equal(create(new_body(fx.host, 50, 30, 30, units(fx.town[0], "乡镇", 0, NULL), units(0, NULL, 0, NULL), 0),
				"review.weights", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.host, 50, 30, 20, units(fx.host, "乡镇", 0, NULL), units(0, NULL, 0, NULL), 0),
				"review.participant", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.host, 50, 30, 20, units(fx.outside, "乡镇", 0, NULL), units(0, NULL, 0, NULL), 0),
				"review.participant", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.host, 50, 30, 20, units(fx.town[0], "乡镇", fx.town[0], "乡镇"),
					 units(0, NULL, 0, NULL), 0),
				"review.duplicate", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.host, 50, 30, 20, units(fx.town[0], "乡镇", 0, NULL),
					 units(fx.town[0], "部门", fx.dept[0], "部门"), 1),
				"review.duplicate", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.host, 50, 30, 20, units(fx.town[0], "乡镇", 0, NULL),
					 units(fx.dept[0], "部门", fx.dept[1], "部门"), 3),
				"review.draw_count", &id),
			 E_INVALID);
	assert_int_equal(create(new_body(fx.dept[0], 50, 30, 20, units(0, NULL, 0, NULL), units(0, NULL, 0, NULL), 0),
				"review.org_kind", &id),
			 E_RULE);
	assert_int_equal(id, 0);
}

static void test_session_flow(void **state)
{
	static const char *const seed = "fedcba9876543210fedcba9876543210";
	json_t *r, *body, *raters = NULL, *p, *v;
	int64_t id = 0, pool[4], drawn[2], ref[2], orgs[4], total = 0;
	const char *code[3];
	int i, rc;
	(void)state;
	body = new_body(fx.host, 50, 30, 20, units(fx.town[0], "乡镇", fx.town[1], "乡镇"), units(fx.dept[2], "部门", fx.dept[0], "部门"),
			2);
	v = units(fx.dept[3], "部门", fx.dept[1], "部门");
	json_array_extend(json_object_get(body, "draw_pool"), v);
	json_decref(v);
	if (create(body, NULL, &id))
		life_fail_ctx("review_create", &fx.ctx);
	r = get(id);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "draft");
	assert_int_equal(json_array_size(json_object_get(r, "participants")), 2);
	assert_true(json_is_null(json_object_get(r, "seed")));
	json_decref(r);

	/* open needs the draw, then raters */
	assert_int_equal(op(review_open, id, version_of(id)), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "review.incomplete");
	body = json_pack("{s:I, s:s}", "version", (json_int_t)version_of(id), "seed", "NOT-HEX");
	err_clear(&fx.ctx.err);
	assert_int_equal(review_draw(&fx.ctx, id, body), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "review.seed");
	json_object_set_new(body, "seed", json_string(seed));
	err_clear(&fx.ctx.err);
	if (review_draw(&fx.ctx, id, body))
		life_fail_ctx("review_draw", &fx.ctx);
	/* a second draw is refused */
	json_object_set_new(body, "version", json_integer(version_of(id)));
	err_clear(&fx.ctx.err);
	assert_int_equal(review_draw(&fx.ctx, id, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "review.status");
	json_decref(body);

	/* the drawn participants are the reference draw over the pool, in draw order */
	for (i = 0; i < 4; i++)
		pool[i] = fx.dept[i];
	reference_draw(seed, pool, 4, 2, ref);
	review_draw_compute(seed, pool, 4, 2, drawn);
	assert_memory_equal(drawn, ref, sizeof(ref));
	r = get(id);
	assert_string_equal(json_string_value(json_object_get(r, "seed")), seed);
	for (i = 0; i < 2; i++) {
		p = json_array_get(json_object_get(r, "participants"), 2 + (size_t)i);
		assert_int_equal(json_integer_value(json_object_get(p, "org_id")), ref[i]);
		assert_string_equal(json_string_value(json_object_get(p, "how")), "drawn");
		assert_int_equal(json_integer_value(json_object_get(p, "draw_order")), i + 1);
		assert_string_equal(json_string_value(json_object_get(p, "grp")), "部门");
	}
	json_decref(r);
	err_clear(&fx.ctx.err);
	assert_int_equal(review_draw_verify(&fx.ctx, id, &v), 0);
	assert_true(json_is_true(json_object_get(v, "matches")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(v, "drawn"), 1)), ref[1]);
	json_decref(v);

	assert_int_equal(op(review_open, id, version_of(id)), E_RULE);
	assert_string_equal(fx.ctx.err.rule, "review.incomplete");
	body = json_pack("{s:I, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}", "version", (json_int_t)version_of(id), "raters",
			 "name", "县委书记", "grp", "leader", "name", "县长", "grp", "leader", "name", "党员代表甲", "grp", "member");
	err_clear(&fx.ctx.err);
	if (review_add_raters(&fx.ctx, id, body, &raters))
		life_fail_ctx("review_add_raters", &fx.ctx);
	json_decref(body);
	for (i = 0; i < 3; i++) {
		code[i] = json_string_value(json_object_get(json_array_get(json_object_get(raters, "raters"), (size_t)i), "code"));
		assert_int_equal(strlen(code[i]), REVIEW_CODE_LEN);
	}
	/* not scoring yet: the code finds nothing */
	err_clear(&fx.ctx.err);
	assert_int_equal(review_ballot_get(&fx.ctx, code[0], &v), E_NOTFOUND);
	assert_int_equal(op(review_publish, id, version_of(id)), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "review.status");
	assert_int_equal(op(review_open, id, version_of(id) - 1), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	if (op(review_open, id, version_of(id)))
		life_fail_ctx("review_open", &fx.ctx);
	assert_int_equal(op(review_open, id, version_of(id)), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "review.status");
	/* publishing before any ballot changes nothing */
	{
		int64_t before = version_of(id);
		assert_int_equal(op(review_publish, id, before), E_RULE);
		assert_string_equal(fx.ctx.err.rule, "review.incomplete");
		r = get(id);
		assert_string_equal(json_string_value(json_object_get(r, "status")), "scoring");
		assert_int_equal(json_integer_value(json_object_get(r, "version")), before);
		json_decref(r);
	}

	/* ballots: every participant, 0–100 integers, this session's units only */
	orgs[0] = fx.town[0];
	orgs[1] = fx.town[1];
	orgs[2] = ref[0];
	orgs[3] = ref[1];
	err_clear(&fx.ctx.err);
	assert_int_equal(review_ballot_get(&fx.ctx, code[0], &v), 0);
	assert_int_equal(json_array_size(json_object_get(v, "participants")), 4);
	assert_true(json_is_null(json_object_get(v, "submitted_at")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "rater"), "grp")), "leader");
	json_decref(v);
	{
		static const int s3[] = { 90, 88, 60 }, s4[] = { 90, 88, 60, 60 };
		static const int bad[] = { 90, 88, 60, 101 };
		int64_t stranger[4];
		memcpy(stranger, orgs, sizeof(stranger));
		stranger[3] = fx.outside;
		assert_int_equal(ballot(code[0], orgs, s3, 3), E_INVALID);
		assert_string_equal(fx.ctx.err.rule, "review.scores");
		assert_string_equal(fx.ctx.err.field, "scores");
		assert_int_equal(ballot(code[0], orgs, bad, 4), E_INVALID);
		assert_string_equal(fx.ctx.err.rule, "review.scores");
		assert_int_equal(ballot(code[0], stranger, s4, 4), E_INVALID);
		assert_string_equal(fx.ctx.err.rule, "review.scores");
		assert_int_equal(ballot("ABCDEFGHJKMN", orgs, s4, 4), E_NOTFOUND);
	}
	{
		/* 50/30/20 with no 群众代表: over 80. 甲镇 (90+80)/2 = 85 and 70 → 79.375; 乙镇 88 and 65 → 79.375:
		 * the same 79.4, 乙镇 first on the leaders' mean. Both departments 60: a shared first place. */
		static const int l1_first[] = { 10, 10, 10, 10 };
		static const int l1[] = { 90, 88, 60, 60 }, l2[] = { 80, 88, 60, 60 }, m1[] = { 70, 65, 60, 60 };
		assert_int_equal(ballot(code[0], orgs, l1_first, 4), 0);
		assert_int_equal(ballot(code[0], orgs, l1, 4), 0); /* replaces */
		assert_int_equal(ballot(code[1], orgs, l2, 4), 0);
		assert_int_equal(ballot(code[2], orgs, m1, 4), 0);
	}
	err_clear(&fx.ctx.err);
	assert_int_equal(review_ballot_get(&fx.ctx, code[0], &v), 0);
	{
		char k[24];
		xsnprintf(k, sizeof(k), "%" PRId64, fx.town[0]);
		/* the second ballot replaced the first */
		assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "scores"), k)), 90);
		assert_int_equal(json_object_size(json_object_get(v, "scores")), 4);
	}
	assert_false(json_is_null(json_object_get(v, "submitted_at")));
	json_decref(v);
	r = get(id);
	assert_true(json_is_null(json_object_get(participant(r, fx.town[0]), "score")));
	json_decref(r);

	if (op(review_publish, id, version_of(id)))
		life_fail_ctx("review_publish", &fx.ctx);
	r = get(id);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "published");
	p = participant(r, fx.town[0]);
	assert_int_equal((int)(json_real_value(json_object_get(p, "score")) * 10 + 0.5), 794);
	assert_int_equal(json_integer_value(json_object_get(p, "rank")), 2);
	assert_string_equal(json_string_value(json_object_get(p, "grade")), "一般");
	assert_int_equal((int)(json_real_value(json_object_get(json_object_get(p, "by_group"), "leader")) * 10 + 0.5), 850);
	assert_true(json_is_null(json_object_get(json_object_get(p, "by_group"), "mass")));
	p = participant(r, fx.town[1]);
	assert_int_equal((int)(json_real_value(json_object_get(p, "score")) * 10 + 0.5), 794);
	assert_int_equal(json_integer_value(json_object_get(p, "rank")), 1);
	for (i = 0; i < 2; i++) {
		p = participant(r, ref[i]);
		assert_int_equal((int)(json_real_value(json_object_get(p, "score")) * 10 + 0.5), 600);
		assert_int_equal(json_integer_value(json_object_get(p, "rank")), 1);
	}
	json_decref(r);

	/* published: no more ballots, draws or raters */
	{
		static const int l1[] = { 100, 100, 100, 100 };
		assert_int_equal(ballot(code[0], orgs, l1, 4), E_NOTFOUND);
	}
	assert_int_equal(op(review_publish, id, version_of(id)), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "review.status");
	body = json_pack("{s:I, s:[{s:s, s:s}]}", "version", (json_int_t)version_of(id), "raters", "name", "迟到者", "grp", "mass");
	err_clear(&fx.ctx.err);
	rc = review_add_raters(&fx.ctx, id, body, &v);
	assert_int_equal(rc, E_CONFLICT);
	json_decref(body);
	json_decref(raters);

	/* every write audited */
	err_clear(&fx.ctx.err);
	assert_int_equal(audit_list(&fx.ctx, "review", id, 1, 50, &v, &total), 0);
	assert_int_equal(total, 1 + 1 + 1 + 1 + 4 + 1); /* create, draw, raters, open, 4 ballots, publish */
	json_decref(v);
}

/* an org admin of another subtree sees nothing and cannot host */
static void test_scope(void **state)
{
	struct actor saved = fx.ctx.actor;
	struct org other;
	json_t *r = NULL;
	int64_t id = 0, total = 0;
	(void)state;
	if (create(new_body(fx.host, 40, 30, 30, units(fx.town[0], "乡镇", 0, NULL), units(0, NULL, 0, NULL), 0), NULL, &id))
		life_fail_ctx("review_create", &fx.ctx);
	err_clear(&fx.ctx.err);
	assert_int_equal(org_get(&fx.ctx, fx.outside, &other), 0);
	fx.ctx.actor.role = ROLE_ORG_ADMIN;
	fx.ctx.actor.user_id = 0;
	fx.ctx.actor.org_id = other.id;
	strlcpy_z(fx.ctx.actor.org_path, other.path, sizeof(fx.ctx.actor.org_path));
	err_clear(&fx.ctx.err);
	assert_int_equal(review_get(&fx.ctx, id, &r), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(review_list(&fx.ctx, 0, 0, 1, 20, &r, &total), 0);
	assert_int_equal(total, 0);
	json_decref(r);
	assert_int_equal(create(new_body(fx.host, 40, 30, 30, units(fx.town[0], "乡镇", 0, NULL), units(0, NULL, 0, NULL), 0),
				"org.scope", &id),
			 E_INVALID);
	fx.ctx.actor.role = ROLE_SECRETARY;
	err_clear(&fx.ctx.err);
	assert_int_equal(review_list(&fx.ctx, 0, 0, 1, 20, &r, &total), E_FORBIDDEN);
	fx.ctx.actor = saved;
}

#define REVIEW_TESTS                                              \
	{                                                         \
		cmocka_unit_test(test_draw_known_and_reproducible), \
		cmocka_unit_test(test_weights_and_rounding),      \
		cmocka_unit_test(test_ranks_and_grades),          \
		cmocka_unit_test(test_codes),                     \
		cmocka_unit_test(test_create_refusals),           \
		cmocka_unit_test(test_session_flow),              \
		cmocka_unit_test(test_scope),                     \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = REVIEW_TESTS;
	const struct CMUnitTest pg_tests[] = REVIEW_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1982;
	life_member_name = "述职党员";
	failed = cmocka_run_group_tests_name("review/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("review/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("review/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
