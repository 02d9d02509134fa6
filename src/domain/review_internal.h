#ifndef REVIEW_INTERNAL_H
#define REVIEW_INTERNAL_H
#include "domain/review.h"
/*
 * What review.c (sessions) and review_score.c (arithmetic, publication results, ballots)
 * share. Not for other modules: they use review.h.
 */
struct participant {
	int64_t org_id;
	char org_name[128];
	char how[8];                 /* fixed | drawn */
	char grp[96];
	int draw_order;              /* drawn: 1 … k in draw order; fixed: 0 */
	int score_x10, rank;         /* stored at publication; -1 / 0 = none */
	struct review_tally t;       /* filled when published (by_group) */
};

struct rater {
	int64_t id;
	char name[192];
	int grp;
	char submitted_at[21];
};

struct review {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN], org_name[128];
	char title[512];
	int year;
	char held_on[11];
	int weights[RG__COUNT];
	char *draw_pool;             /* owned JSON text [{"org_id","grp"}] */
	int draw_count;
	char seed[REVIEW_SEED_HEX + 1];
	char status[12], published_at[21];
	int64_t version;
	char created_at[21], updated_at[21];
	struct participant *p;       /* owned */
	size_t np, ap;
	struct rater *r;             /* owned */
	size_t nr, ar;
};

/* frees what v owns and clears it */
void review_release(struct review *v);
/* v->p of session v->id: fixed ones first (by org id), then the drawn in draw order */
int review_load_participants(struct ctx *ctx, struct review *v);
/* every participant's score and rank (score_x10, rank) from its tally (p[i].t) */
void review_compute_results(struct review *v);
#endif
