#ifndef POINTS_H
#define POINTS_H
#include <stdio.h>
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Points and assessment (RULES.md §6; docs/API.md "Points and assessment" is the
 * contract for every JSON shape here). One fact, once: meetings and appraisals write
 * their own points (points_sync.c); people enter only what no record holds.
 *
 *   points.c         periods, settings (inherited per subtree), the pure scoring rules
 *                    (caps, ranks with the tie rule, star bands with the top-band cap)
 *   points_set.c     indicator sets, versioned per top-level org
 *   points_ledger.c  the append-only ledger: manual entries, findings, reversals, the
 *                    "why is my score this" view
 *   points_claim.c   申报 and their decisions
 *   points_rank.c    standings of a subtree in one pass, rankings, summary, publications
 *                    (评分/亮分/兑分) with stars and consequence flags, history
 *   points_sync.c    automatic entries derived from meetings and appraisals
 *
 * Every JSON out-parameter is owned by the caller. Writes are audited in their
 * transaction (entities "point_settings", "point_set", "point_entry", "point_claim",
 * "point_publication"). When points are off for the subtree (settings), everything but
 * the settings fails with E_CONFLICT rule points.disabled.
 */
#define POINTS_MAX_INDICATORS 200
#define POINTS_MAX_X10 1000          /* one indicator's points per event: 100 分 */
#define POINTS_TEXT_MAX_CHARS 500    /* evidence, reason, note */
#define POINTS_NAME_MAX_CHARS 60     /* indicator name, category, inspector */
#define POINTS_CODE_MAX_CHARS 32
#define POINTS_MAX_COUNT 100         /* events in one manual entry or claim */
#define POINTS_MAX_BANDS 8

/* ---- periods (points.c) ---- */
enum points_period_kind { PP_MONTH, PP_QUARTER, PP_YEAR };
struct points_period {
	enum points_period_kind kind;
	int first, last;   /* period numbers (year*12 + month-1), inclusive */
	char text[8];      /* 2026-09 | 2026Q3 | 2026 */
};
/* year*12 + month-1 */
int points_month_no(int year, int month);
/* "2026-09" | "2026Q3" | "2026" → 0, or -1 */
int points_period_parse(const char *s, struct points_period *out);
/* the period of kind containing month number m */
void points_period_of(enum points_period_kind kind, int m, struct points_period *out);
/* "2026-09" for a month number */
void points_month_text(int m, char out[8]);

/* ---- settings (points.c) ---- */
struct points_band {
	int min_x10;   /* score from */
	int stars;     /* 1..5 */
};
struct points_settings {
	int64_t defined_at;        /* org whose row applies; 0 = defaults */
	int enabled;
	int member_base_x10;
	int branch_deduct;         /* 1 百分倒扣制 (base 100) | 0 百分制 (base 0) */
	struct points_band member_bands[POINTS_MAX_BANDS], branch_bands[POINTS_MAX_BANDS];
	int n_member_bands, n_branch_bands;   /* descending by min */
	int top_band_cap_pct;
	int top_n;
};
/* RULES.md §6 defaults */
void points_settings_default(struct points_settings *s);
/* The settings in force at the org with path org_path (nearest row on the path). */
int points_settings_for(struct ctx *ctx, const char *org_path, struct points_settings *out);
/* E_CONFLICT points.disabled when points are off at org_path */
int points_require_enabled(struct ctx *ctx, const char *org_path);
int points_settings_get(struct ctx *ctx, int64_t org_id, json_t **out);
int points_settings_put(struct ctx *ctx, json_t *body);
/* For GET /session: 1 if points are on for the actor's scope root (or member record). */
int points_enabled_for_actor(struct ctx *ctx);

/* ---- indicator sets (points_set.c) ---- */
int points_sets_list(struct ctx *ctx, int64_t org_id, json_t **items, int64_t *total);
/* period NULL or "" = this month */
int points_set_current(struct ctx *ctx, int64_t org_id, const char *period, json_t **out);
int points_set_create(struct ctx *ctx, json_t *body, int64_t *id);
int points_sources_json(json_t **out);
/* the recommended starting set (docs/API.md GET /points/sets/template) */
int points_set_template_json(json_t **out);

/* ---- the ledger (points_ledger.c) ---- */
struct points_entry_filter {
	int64_t org_id;            /* 0 = the actor's scope */
	const char *target;        /* NULL = any */
	int64_t subject_id;        /* 0 = any */
	const char *indicator;     /* code; NULL = any */
	const char *period;        /* NULL = any */
	const char *source;        /* NULL = any */
	int page, per_page;
};
int points_entries_list(struct ctx *ctx, const struct points_entry_filter *f, json_t **items, int64_t *total);
int points_entry_add(struct ctx *ctx, json_t *body, int64_t *id);
int points_entry_get(struct ctx *ctx, int64_t id, json_t **out);
int points_entry_reverse(struct ctx *ctx, int64_t id, json_t *body, int64_t *reversal_id);
/* target "member" | "branch"; period NULL = this quarter */
int points_explain(struct ctx *ctx, const char *target, int64_t subject_id, const char *period, json_t **out);

/* ---- claims (points_claim.c) ---- */
int points_claims_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page, json_t **items,
		       int64_t *total);
int points_claim_create(struct ctx *ctx, json_t *body, int64_t *id);
int points_claim_get(struct ctx *ctx, int64_t id, json_t **out);
int points_claim_decide(struct ctx *ctx, int64_t id, json_t *body);

/* ---- standings (points_rank.c) ---- */
/* period NULL = the last whole quarter */
int points_rankings(struct ctx *ctx, int64_t org_id, const char *target, const char *period, int page, int per_page,
		    json_t **out);
/* The same page; after > 0 is the previous page's "next" (keyset paging): a page that
 * starts inside a tie group reads the group from after that subject on instead of
 * counting past the group's earlier members (the rows are the same; a stale cursor
 * falls back to counting). */
int points_rankings_after(struct ctx *ctx, int64_t org_id, const char *target, const char *period, int page,
			  int per_page, int64_t after, json_t **out);
/* period NULL = this year */
int points_summary(struct ctx *ctx, int64_t org_id, const char *period, json_t **out);
int points_publish(struct ctx *ctx, json_t *body, int64_t *id);
int points_publications_list(struct ctx *ctx, int64_t org_id, const char *target, int page, int per_page,
			     json_t **items, int64_t *total);
int points_publication_get(struct ctx *ctx, int64_t id, json_t **out);
/* One page of a publication's rows in rank order (`after`: the previous page's "next",
 * keyset paging as in points_rankings_after); points_publication_get is page 1 of 50. */
int points_publication_page(struct ctx *ctx, int64_t id, int page, int per_page, int64_t after, json_t **out);
int points_history(struct ctx *ctx, const char *target, int64_t subject_id, json_t **out);

/* ---- automatic entries (points_sync.c) ---- */
/* Inside the caller's open transaction: bring the entries of this record in line with it. */
int points_sync_meeting(struct ctx *ctx, int64_t meeting_id);
int points_sync_appraisal(struct ctx *ctx, int64_t appraisal_id);
int points_sync_volunteer_activity(struct ctx *ctx, int64_t activity_id);
int points_sync_commitment_item(struct ctx *ctx, int64_t item_id);
int points_sync_project(struct ctx *ctx, int64_t project_id);
int points_sync_mass_request(struct ctx *ctx, int64_t request_id);
int points_sync_finding(struct ctx *ctx, int64_t finding_id);
int points_sync_task(struct ctx *ctx, int64_t task_id);
int points_sync_visit(struct ctx *ctx, int64_t visit_id);
/* Own transaction: every automatic source of the subtree and period; counts out. */
int points_sync(struct ctx *ctx, json_t *body, int64_t *added, int64_t *reversed);
/* Own transaction: 039's kept standings computed from the rollups when a database from
 * before 039 has them not yet (once, at start-up); nothing when ready. */
int points_standings_prepare(struct ctx *ctx);
/* dangjian upgrade: the same backfill in bounded transactions, resumable after an interruption
 * (progress lines to progress when not NULL); max_tx > 0 stops after that many transactions
 * (the tests' interruption). *done = 1 when the standings are ready (at once when they were). */
int points_standings_upgrade(struct ctx *ctx, FILE *progress, int max_tx, int *done);
#endif
