#ifndef POINTS_INTERNAL_H
#define POINTS_INTERNAL_H
/*
 * What the points_*.c files share and nothing else includes: indicator lookups
 * (points_set.c), the one ledger append (points_ledger.c), the published-month check
 * and the pure scoring rules (points.c). Keep HTTP and JSON shapes out of here.
 */
#include <stddef.h>
#include <stdint.h>
#include "domain/points.h"

struct points_indicator {
	int64_t id, set_id;
	int64_t top_org_id;          /* the top-level org the set belongs to */
	int set_version;
	char code[POINTS_CODE_MAX_CHARS * 4 + 1];
	char name[POINTS_NAME_MAX_CHARS * 4 + 1];
	char category[POINTS_NAME_MAX_CHARS * 4 + 1];
	char target[8];              /* member | branch */
	int sign;                    /* 1 award | -1 deduction */
	int points_x10;              /* > 0 */
	int cap_x10;                 /* 0 = none */
	enum points_period_kind cap_kind;
	char source[32];             /* manual | an automatic source code */
	char source_param[32];       /* "" = any */
	char approver[16];           /* secretary | org_admin */
};

/* "/1/7/" → 1: the top-level org of a path; 0 if malformed */
int64_t points_top_org(const char *org_path);

/*
 * The sources an indicator can draw from (table in points_set.c; derivation in
 * points_sync.c). code, target, what source_param names, the event:
 *   manual               member|branch  -               entered by hand or approved claims
 *   meeting_attended     member  meeting_kind (or any)  a meeting the member was present at
 *   meeting_absent       member  meeting_kind (or any)  a meeting the member missed without leave
 *   study_hours          member  -                      a meeting attended with 学时: points × hours
 *   appraisal_category   member  appraisal_category     a closed 民主评议 round gave them that category
 *   branch_meeting_held  branch  meeting_kind (or any)  a meeting the branch (or one of its 党小组) held
 *   branch_appraisal_done branch -                      the branch closed its yearly 民主评议 round
 *   volunteer_hours      member  -                      a 志愿服务 activity taken part in: points × hours
 *   commitment_done      member  -                      an item of the member's 承诺书 done (dated then)
 *   project_awarded      branch  -                      a 党建项目 of the branch reached 激励 (dated then)
 *   request_replied      member  -                      a 民情诉求 assigned to them replied by its due date
 *   supervision_finding  branch  -                      a 督查 finding against the branch (dated the inspection)
 *   task_done            member|branch task_timing       a 分解任务 completed (its member, else its 党支部);
 *                                                       param on_time | late by the due date
 *   visit_made           member  -                      a 走访 the member went on (dated the visit)
 * Dues join when that module lands (issue 7).
 */
struct points_source {
	const char *code, *name;
	const char *target;      /* member | branch | NULL = both (manual) */
	const char *param;       /* meeting_kind | appraisal_category | NULL */
};
extern const struct points_source points_sources[];
extern const size_t points_n_sources;
/* NULL if unknown */
const struct points_source *points_source_find(const char *code);

/* ---- points_set.c ---- */
/* The indicator with this code in the set in force for month m at the top-level org of
 * org_path. E_INVALID field "indicator" when there is none. */
int points_indicator_by_code(struct ctx *ctx, const char *org_path, int m, const char *code,
			     struct points_indicator *out);
int points_indicator_by_id(struct ctx *ctx, int64_t id, struct points_indicator *out);
/* Every indicator with this source (and target) in the set in force for month m at the
 * top-level org of org_path; *n = 0 when there is no set. At most max. */
int points_indicators_by_source(struct ctx *ctx, const char *org_path, int m, const char *target, const char *source,
				struct points_indicator *out, int max, int *n);

/* ---- points_ledger.c ---- */
struct points_new_entry {
	const char *target;          /* member | branch */
	int64_t subject_id;
	int64_t org_id;              /* member: their branch; branch: itself */
	const char *org_path;
	const struct points_indicator *ind;
	const char *event_on;        /* YYYY-MM-DD */
	int points_x10;              /* signed */
	const char *source;          /* manual | claim | reversal | an automatic source */
	int64_t source_id;           /* 0 = none */
	int64_t reverses_id;         /* 0 = none */
	const char *evidence, *inspector;  /* NULL = none */
	/* 1: automatic entries and reversals land in this month when their own month is
	 * published; 0: refused with points.period_published */
	int correction;
	/* 1: one of many automatic entries of a record (points_sync.c): the caller has
	 * checked that points are on and writes one audit record for the whole sync of the
	 * record; 0: checked here and audited entry by entry (people's entries) */
	int batch;
};
/* The one way into point_entries, inside the caller's open transaction; keeps the
 * subject's rollup (points_rollup.c) in the same transaction. Unless batch: checks
 * points.disabled and writes the audit record. Always checks the published months.
 * *id may be NULL. */
int points_append(struct ctx *ctx, const struct points_new_entry *e, int64_t *id);

/* ---- points_rollup.c (H9: kept rollups, 018_point_rollups) ---- */
/* Reads the cells text of a rollup row cell by cell (the encoding: points_rollup.c). */
struct points_rollup_iter {
	const char *p;
	int64_t ind;
	int head;
};
static inline void points_rollup_iter_init(struct points_rollup_iter *it, const char *cells)
{
	it->p = cells ? cells : "";
	it->ind = 0;
	it->head = 1;
}
/* 1 and the next cell (indicator 0: the number of entries of the month; month 1–12),
 * 0 at the end, -1 when the text is malformed. Inline: the standings read a county's
 * few million cells through it. */
static inline int points_rollup_next(struct points_rollup_iter *it, int64_t *ind, int *month, int *raw)
{
	const char *p = it->p;
	int64_t v = 0;
	int neg = 0, digits = 0;
	char c;
	if (!*p)
		return 0;
	if (it->head) {
		for (; *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
			v = v * 10 + (*p - '0');
		if (!digits || *p != ':')
			return -1;
		it->ind = v;
		it->head = 0;
		p++;
		v = 0;
		digits = 0;
	}
	c = *p++;
	if (c >= '1' && c <= '9')
		*month = c - '0';
	else if (c >= 'a' && c <= 'c')
		*month = c - 'a' + 10;
	else
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		v = v * 10 + (*p - '0');
	if (!digits || v > 2147483647)
		return -1;
	if (*p == ';')
		it->head = 1;
	else if (*p && *p != ',')
		return -1;
	if (*p && !*++p)
		return -1;  /* a separator ends the text */
	it->p = p;
	*ind = it->ind;
	*raw = neg ? -(int)v : (int)v;
	return 1;
}
/* One more entry of period_no in the subject's rollup; inside the caller's transaction. */
int points_rollup_add(struct ctx *ctx, const char *target, int64_t subject_id, int period_no, int64_t indicator_id,
		      int points_x10);
/* The consistency check: the rollups of the subtree's subjects (members with their
 * org_path, branches with their path in it; org_path NULL = all) computed again from
 * point_entries and compared with the kept ones. *differ = the (target, subject, year)
 * rows that differ; write 1 also replaces them (a repair; in the caller's transaction). */
int points_rollups_rebuild(struct ctx *ctx, const char *org_path, int write, int64_t *differ);
/* points_rank.c: a subtree of at most this many members reads its rollups by one
 * primary-key probe per subject, a larger one by a join (tests set it to take both) */
extern int points_pass_small_limit;
/* ---- end points_rollup.c ---- */
/* ---- points_standings.c (039_point_standings: kept period values and histograms) ---- */
/* periods of a year: 1–12 the months, 13–16 the quarters, 17 the year */
#define POINTS_NPCODE 17
struct points_pval {
	int award_x10, deduct_x10, entries;
};
int points_pcode(const struct points_period *per);
/* After one entry (indicator, month 1–12, points) was added to the subject's rollup of
 * year whose months of that indicator were old_raw[12] before it: the subject's kept
 * period values and (an active member) its ancestors' histograms. */
int points_standing_apply(struct ctx *ctx, const char *target, int64_t subject_id, int year, const int *old_raw,
			  int month, int64_t indicator_id, int points_x10);
/* point_period_scores and point_score_hist computed again from point_rollups (and the
 * state marked ready); in the caller's transaction */
int points_standings_rebuild(struct ctx *ctx);
/* rollup rows read per query by the rebuild (tests make it small) */
extern int points_rebuild_chunk;
/* histogram rows per transaction of points_standings_upgrade (tests make it small) */
extern size_t points_upgrade_hist_rows;
/* point_subject_counts computed again from members */
int points_subject_counts_rebuild(struct ctx *ctx);
/* *ready = 1 once point_period_scores covers the ledger */
int points_standings_ready(struct ctx *ctx, int *ready);
/* points_rank.c: a subtree with more active members than this reads the kept
 * histograms for member standings (tests set it to take both ways) */
extern int64_t points_agg_min_members;

/* ---- points.c ---- */
/* *published = 1 if month m is inside a publication for target at an org whose path
 * encloses (or equals) org_path. */
int points_month_published(struct ctx *ctx, const char *target, const char *org_path, int m, int *published);
/* Parse a JSON number with at most one decimal in [min_x10, max_x10] tenths; errors name field. */
int points_json_x10(struct ctx *ctx, json_t *v, const char *field, int min_x10, int max_x10, int *out);
/* tenths → JSON number (2.5) */
json_t *points_x10_json(int x10);

/*
 * One indicator's counted points over the months [first, last] of a period, given its
 * net raw sums per month raw[0 .. last-from] starting at month `from`, where `from` is
 * the first month of the cap window (cap_kind) containing `first` (so a month in the
 * middle of a capped quarter knows what the earlier months used). Award indicators
 * count at most cap per cap window, deductions at least -cap; cap 0 = no limit.
 */
int points_indicator_counted(int sign, int cap_x10, enum points_period_kind cap_kind, const int *raw, int from,
			     int first, int last);
/* the first month of the cap window containing m */
int points_cap_window_start(enum points_period_kind cap_kind, int m);
/* base + award + deduct clamped to 0..1000 */
int points_score_x10(int base_x10, int award_x10, int deduct_x10);

enum { PF_REWARD = 1, PF_WARNING = 2, PF_ADJUST = 4 };
struct points_standing {
	int64_t subject_id;
	int64_t org_id;
	int score_x10, award_x10, deduct_x10;
	int rank;
	int stars;
	unsigned flags;
};
/* Sort by the tie rule (docs/API.md: score desc, smaller deduction, larger award, then
 * id) and set rank (1, 2, 2, 4). */
void points_rank(struct points_standing *s, size_t n);
/* On ranked s: stars from bands (descending), then the top-band cap (pct 0 = none). */
void points_assign_stars(struct points_standing *s, size_t n, const struct points_band *bands, int nbands,
			 int cap_pct);
/* "reward,warning" from flags into out */
void points_flags_text(unsigned flags, char *out, size_t size);
#endif
