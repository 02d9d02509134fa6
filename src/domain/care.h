#ifndef CARE_H
#define CARE_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/care_bands.h"
/*
 * 关怀帮扶 (issue 7): 老党员生活补贴 by age band (config care.elderly_bands, the highest
 * band the member's age reaches in the year: age = year − birth year), the 困难党员
 * register with its help records, and 送温暖 visits on festivals. Every gift is one
 * care_records row (member, the member's branch when given, kind, year, given_on,
 * amount_fen and/or goods, giver, note); an elderly subsidy is given once per member and
 * year (a unique index, so a second issue cannot double it).
 *
 * Reads and writes need a 支部书记 (their branch) or an admin (their subtree); members
 * outside the actor's scope answer 422 member.scope naming member_id. Writes are audited
 * in the same transaction. JSON out-parameters are owned by the caller.
 */
#define CARE_TEXT_MAX_CHARS 200      /* reason, goods, note */
#define CARE_GIVER_MAX_CHARS 60
#define CARE_MAX_AMOUNT_FEN 100000000 /* ¥1,000,000 for one gift */

enum care_kind { CK_ELDERLY, CK_HARDSHIP, CK_FESTIVAL, CK__COUNT };
int care_kind_parse(const char *s);          /* -1 if unknown */
const char *care_kind_name(int k);           /* 老党员补贴 */
const char *care_occasion_name(const char *code); /* spring → 春节; NULL if unknown */

/* the bands in force (ctx->cfg, or the default when there is none): 0, or E_INVALID */
int care_bands_load(struct ctx *ctx, struct care_band *b, int *n);
/* yearly fen for a member born in birth_year in year (0: below every band); *band_age set */
int64_t care_elderly_fen(const struct care_band *b, int n, int birth_year, int year, int *band_age);

/*
 * Members of the subtree (active or transferring) whose age reaches the first band in
 * year, with the band, the amount and whether that year's subsidy was given:
 * {year, org, bands, items:[…], totals:{eligible, given, not_given, given_fen, due_fen}}.
 */
int care_elderly_list(struct ctx *ctx, int64_t org_id, int year, json_t **out);
/*
 * The same list for a subtree of more than list_max eligible members (a city, the province)
 * is one page in tree order (org path, name, id) of per_page members after the member
 * `after` (keyset, as the member list), the reply adding {paged: true, per_page, next}
 * (next: the page's last member when the page is full, else null); totals still count the
 * whole subtree: eligible and the band amounts from the birth dates kept per ancestor
 * (stats_births, 036), given and given_fen from the year's records of those members. Only
 * the page's members are read. A subtree at most list_max answers as care_elderly_list
 * (page options ignored). `after` outside the subtree → E_MALFORMED naming after.
 */
#define CARE_ELDERLY_LIST_MAX 50000 /* a county (≈30,000 at 10M members) stays whole */
#define CARE_ELDERLY_PER_PAGE 100
#define CARE_ELDERLY_PER_PAGE_MAX 1000
struct care_elderly_opts {
	int list_max;  /* 0: CARE_ELDERLY_LIST_MAX */
	int per_page;  /* 0: CARE_ELDERLY_PER_PAGE; at most CARE_ELDERLY_PER_PAGE_MAX */
	int64_t after; /* 0: the first page */
};
int care_elderly_list_opts(struct ctx *ctx, int64_t org_id, int year, const struct care_elderly_opts *opts,
			   json_t **out);
/*
 * body {org_id, year?, given_on?, giver?, note?, member_ids?}: the year's subsidy to every
 * eligible member of the subtree (or of member_ids) not given it yet, in one transaction,
 * one audit entry. *out {year, issued, amount_fen, skipped}.
 */
int care_elderly_issue(struct ctx *ctx, json_t *body, json_t **out);

/* body {member_id, kind: festival|hardship, occasion?, hardship_id?, given_on, amount_fen?, goods?, giver?, note?} */
int care_record_create(struct ctx *ctx, json_t *body, int64_t *id);
int care_record_get(struct ctx *ctx, int64_t id, json_t **out);
int care_record_delete(struct ctx *ctx, int64_t id);

struct care_filter {
	int64_t org_id;        /* subtree root; 0 = the actor's scope */
	int year;              /* 0 = any */
	int kind;              /* -1 = any */
	int64_t member_id;     /* 0 = any */
	int64_t hardship_id;   /* 0 = any */
};
/* newest first: {items, total} through out-params */
int care_records_list(struct ctx *ctx, const struct care_filter *f, int page, int per_page, json_t **items,
		      int64_t *total);

/* body {member_id, reason, since, until?}: 409 care.hardship_open when the member has an open entry */
int care_hardship_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, closed_on, note?} */
int care_hardship_close(struct ctx *ctx, int64_t id, json_t *body);
int care_hardship_get(struct ctx *ctx, int64_t id, json_t **out);
/* status: NULL/"all" | "open" | "closed"; each with its help count and amount */
int care_hardships_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page,
			json_t **items, int64_t *total);

/*
 * Totals of a subtree for years from..to (0 = the current year): per year and kind, per
 * kind, per branch (where given), and the open 困难党员 count.
 */
int care_totals(struct ctx *ctx, int64_t org_id, int from, int to, json_t **out);
#endif
