#ifndef STATS_H
#define STATS_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/named.h"
/*
 * 党内统计: the statistics tables of a subtree for a year (issue 7).
 *
 * Who is counted: the subtree's members on the rolls (state active or transferring)
 * who had joined by the reference date. The reference date is the end of the year
 * (YYYY-12-31) for a past year and today for the current year; ages are full years on
 * it. The registry keeps the current state of each record, so a past year's tables are
 * the present roster as far as it had joined then (members since transferred out,
 * removed or deceased are not added back).
 *
 * Changes during the year (not limited to the roster): joined (入党日期 in the year,
 * any state, counted where the record now is), transferred in / out (letters confirmed
 * in the year whose sending and receiving orgs lie on different sides of the subtree's
 * boundary, and letters out of the system sent in the year), died and removed (the
 * member_history row recording the state change, dated in the year, UTC).
 *
 * Organizations: the subtree's orgs not dissolved, by kind; branches (党支部, 联合党支部)
 * by their counted members; structure problems (RULES.md §2): a branch with fewer than
 * 3 full members, ≥ 7 full members but no 支委会 (committee_size 0), ≥ 50 members, no
 * secretary; an org (not a 党小组) whose term_end is before today.
 *
 * The tables come from one pass over the subtree's member rows (index members_stats,
 * 030_stats.sql) and one over its orgs, folded in C; drill-downs classify the same
 * rows with the same function, so a list's total is the figure it came from.
 * Scope: 支部书记 their branch, admins their subtree (org_scope_root); others 403.
 */

/* the dimensions; a drill-down names one with dim= and one of its values */
enum stats_dim {
	SD_TOTAL, SD_GENDER, SD_NATION, SD_ETHNICITY, SD_AGE, SD_EDUCATION, SD_JOIN, SD_CATEGORY, SD_STATUS,
	SD_CHANGE, SD_ORG_KIND, SD_ORG_SIZE, SD_PROBLEM, SD__COUNT
};

#define STATS_ETHNICITY_MAX 64    /* the 56 codes of the form, and a slot for anything else */

enum { STATS_GENDER_N = 3, STATS_NATION_N = 2, STATS_AGE_N = 9, STATS_EDU_N = 7, STATS_JOIN_N = 7,
       STATS_CATEGORY_N = 2, STATS_STATUS_N = 4, STATS_CHANGE_N = 5, STATS_KIND_N = 6, STATS_SIZE_N = 5,
       STATS_PROBLEM_N = 5 };
/* change values, in stats_values(SD_CHANGE) order */
enum { SC_JOINED, SC_TRANSFER_IN, SC_TRANSFER_OUT, SC_DIED, SC_REMOVED };

struct stats_counts {
	int64_t total;
	int64_t gender[STATS_GENDER_N];       /* male, female, unknown */
	int64_t nation[STATS_NATION_N];       /* han, minority */
	int64_t ethnicity[STATS_ETHNICITY_MAX]; /* by position in the code table; the last slot: other */
	int64_t age[STATS_AGE_N];
	int64_t education[STATS_EDU_N];
	int64_t join[STATS_JOIN_N];
	int64_t category[STATS_CATEGORY_N];   /* full, probationary */
	int64_t status[STATS_STATUS_N];       /* normal, suspended, lost_contact, floating (the last two are flags) */
	int64_t change[STATS_CHANGE_N];
	int64_t org_kind[STATS_KIND_N];
	int64_t org_size[STATS_SIZE_N];
	int64_t problem[STATS_PROBLEM_N];
};

/* the reference date of year: its 12-31, or today for the current year */
struct stats_ref {
	int year;
	int ref;          /* YYYYMMDD */
	char ref_iso[11];
	int is_today;
	char today_iso[11];
};

/* year must lie in 1921 … today's year: 422 naming `year` otherwise */
int stats_ref_init(struct ctx *ctx, int year, struct stats_ref *r);

/* The dimension's key ("gender") and values; n gets their number. NULL for SD_ETHNICITY
 * (its values are the ethnicity codes, "other" for anything else). */
const char *stats_dim_key(enum stats_dim d);
const char *stats_dim_title(enum stats_dim d);
int stats_dim_parse(const char *key);                 /* -1 if unknown */
const struct named *stats_values(enum stats_dim d, size_t *n);
/* the value's index within the dimension, -1 if unknown */
int stats_value_parse(enum stats_dim d, const char *value);
int stats_dim_is_org(enum stats_dim d);

/*
 * The tables of the subtree at org_id (0: the actor's scope root) for r.
 * stats_compute: the counts; stats_tables: the JSON reply
 * {org:{id,name,kind}, year, as_of, as_of_kind:"today"|"year_end", total,
 *  tables:[{key,title,kind:"members"|"orgs",exclusive,total,rows:[{value,label,count}]}]}
 * (*out owned by the caller).
 */
int stats_compute(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, struct stats_counts *c);
int stats_tables(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, json_t **out);
/* stats_kept and stats_births (036) rebuilt from the member rows (the bulk generator, triggers set aside) */
int stats_kept_rebuild(struct ctx *ctx);
/* a member import's transaction (inserts only): begin notes the largest member id and sets the
 * row triggers of 036 aside for the transaction; end adds the rows after that id set-wise (aside:
 * SQLite's db_bulk_begin set every trigger aside, which changes nothing here) */
int stats_kept_import_begin(struct ctx *ctx, int64_t *after_id);
int stats_kept_import_end(struct ctx *ctx, int64_t after_id, int aside);
/* the columns of 036's kept rows that sum an org's subtree (org_move_kept.c moves them with a
 * moved org): stats_kept's but the org's own direct counts, and stats_org_kept's */
const char *stats_kept_subtree_columns(void);
const char *stats_org_kept_columns(void);
/* the JSON tables of counts already computed (for the export too) */
json_t *stats_counts_json(const struct stats_counts *c, const struct stats_ref *r);

/*
 * Drill-downs: the members (or orgs) behind one figure, a page of them, with the total.
 * Member items {id,name,gender,gender_name,ethnicity,ethnicity_name,birth_date,age,
 * education,education_name,category,category_name,join_date,org_id,org_name,party_status,
 * lost_contact,floating,state,state_name} and, for changes, event_date (and serial,
 * other_org for transfers) — no ID number or phone. Org items {id,name,kind,kind_name,
 * path,members,full_members,committee_size,secretary_member_id,term_end}.
 * A dim or value not known: 422 naming `dim` / `value`.
 */
int stats_drill_members(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, const char *dim,
			const char *value, int page, int per_page, json_t **items, int64_t *total);
int stats_drill_orgs(struct ctx *ctx, int64_t org_id, const struct stats_ref *r, const char *dim, const char *value,
		     int page, int per_page, json_t **items, int64_t *total);
#endif
