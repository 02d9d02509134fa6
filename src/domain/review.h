#ifndef REVIEW_H
#define REVIEW_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 述职评议 (RULES.md §6, docs/API.md "述职评议 (reviews)"): a host committee's session in
 * which units report and are scored by name. Participants are fixed (named at creation)
 * plus drawn from a pool with a recorded seed, so anyone can re-run the draw; raters are
 * named, grouped (领导 / 党员代表 / 群众代表) and score on a ballot reached with a one-time
 * code (stored only as its SHA-256). Status: draft → scoring → published.
 *
 * review.c owns the sessions (create, draw, raters, open, publish); review_score.c the pure
 * arithmetic (the draw permutation, weighted scores, ranks, grades, ballot codes), which
 * tests check against the documented rules directly, and the ballots.
 * Every JSON out-parameter is owned by the caller. Writes are audited in the same
 * transaction (entity "review").
 */
#define REVIEW_MAX_PARTICIPANTS 200   /* fixed ones, and the pool: a county has far fewer units */
#define REVIEW_MAX_RATERS 500         /* per session: keeps the integer arithmetic well inside int64 */
#define REVIEW_TITLE_MAX_CHARS 100
#define REVIEW_GRP_MAX_CHARS 20       /* a participant 分类 such as 乡镇, 部门 */
#define REVIEW_NAME_MAX_CHARS 40      /* a rater's name (may carry a title: 县人大代表 李某) */
#define REVIEW_SEED_HEX 32            /* 16 random bytes */
#define REVIEW_CODE_LEN 12            /* ballot code characters */

enum review_group { RG_LEADER, RG_MEMBER, RG_MASS, RG__COUNT };
/* "leader" → RG_LEADER; -1 if unknown */
int review_group_parse(const char *s);
const char *review_group_code(int g);
const char *review_group_name(int g); /* 领导 */

/* ---- sessions (review.c) ---------------------------------------------------------- */

/* body {org_id, title, year, held_on, weights, participants, draw_pool, draw_count}; *id on success. */
int review_create(struct ctx *ctx, json_t *body, int64_t *id);
/* The session with participants (scores once published) and raters; E_NOTFOUND outside scope. */
int review_get(struct ctx *ctx, int64_t id, json_t **out);
/* Sessions hosted in the subtree of org_id (0: the actor's scope), year 0 = any; newest first. */
int review_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total);
/* body {version, seed (optional)}: draft only, once; adds the drawn participants. */
int review_draw(struct ctx *ctx, int64_t id, json_t *body);
/* {"seed","drawn":[org ids],"matches"}: the draw re-run from the stored seed and pool. */
int review_draw_verify(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, raters:[{name, grp}]}: draft or scoring; *out {"raters":[{id,name,grp,code}]}. */
int review_add_raters(struct ctx *ctx, int64_t id, json_t *body, json_t **out);
/* body {version}: draft → scoring; needs participants, raters and the draw when one is set. */
int review_open(struct ctx *ctx, int64_t id, json_t *body);
/* body {version}: scoring → published; computes and stores scores and ranks. */
int review_publish(struct ctx *ctx, int64_t id, json_t *body);

/* ---- ballots (review_score.c; no login: the code is the credential) ----------------------- */

/* The rater's ballot while the session is scoring; E_NOTFOUND for any other code. */
int review_ballot_get(struct ctx *ctx, const char *code, json_t **out);
/* body {code, scores:{org_id: 0–100}}: every participant, replacing an earlier ballot. */
int review_ballot_submit(struct ctx *ctx, json_t *body);

/* ---- arithmetic (review_score.c) --------------------------------------------------- */

/* 1 if s is REVIEW_SEED_HEX lowercase hex digits */
int review_seed_valid(const char *s);
/* A fresh random seed into out[REVIEW_SEED_HEX + 1]. */
void review_seed_random(char *out);
/*
 * The documented draw: candidates sorted by org id ascending; for i = 0 … k−1, h =
 * SHA-256("seed:i"), r = h[0..7] big-endian, j = i + r mod (n − i), swap i and j; the first
 * k in that order into drawn[k]. k > n is clamped to n; returns the number drawn.
 */
size_t review_draw_compute(const char *seed, const int64_t *candidates, size_t n, size_t k, int64_t *drawn);

/* One participant's scores: per rater group the sum and the count of scores. */
struct review_tally {
	int64_t sum[RG__COUNT];
	int64_t n[RG__COUNT];
};
/* a group's mean × 10, half up; -1 when the group has no scores */
int review_mean_x10(const struct review_tally *t, int g);
/*
 * Σ over groups with scores of weight × mean, ÷ the sum of those groups' weights, × 10
 * and rounded half up, all in integers; -1 when no group with a weight has scores.
 */
int review_weighted_x10(const int weights[RG__COUNT], const struct review_tally *t);
/* 好 (≥ 90), 较好 (≥ 80), 一般 (≥ 60), 差 */
const char *review_grade(int score_x10);

struct review_rank_item {
	const char *grp;    /* ranked separately per grp */
	int score_x10;      /* -1 = no score: not ranked */
	int leader_x10;     /* the leaders' mean, the tie-break; -1 = none (below any) */
	int rank;           /* out: 1…, shared on a full tie (1, 2, 2, 4); 0 when not ranked */
};
/* Ranks within each grp: score descending, then the leaders' mean, then shared. */
void review_rank(struct review_rank_item *items, size_t n);

/* A new ballot code into out[REVIEW_CODE_LEN + 1] (libsodium randombytes, unambiguous letters). */
void review_code_random(char *out);
/* SHA-256 hex of the normalized code (upper case, spaces and '-' dropped) into out[65];
 * -1 when the text cannot be a code (the caller answers "not found" all the same). */
int review_code_hash(const char *code, char *out);
#endif
