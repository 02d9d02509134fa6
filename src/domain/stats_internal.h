#ifndef STATS_INTERNAL_H
#define STATS_INTERNAL_H
/* Shared between stats.c (the tables) and stats_drill.c (the rows behind a figure). */
#include <stddef.h>
#include <stdint.h>
#include "domain/stats.h"

/* one member row of the pass, parsed */
struct stats_row {
	int64_t id, org_id;
	int on_roll;             /* state active or transferring */
	int join, birth;         /* YYYYMMDD, 0 if missing */
	char gender;             /* '1', '2', other */
	int eth_slot;
	char education[8];
	int full, suspended, lost, floating;
	const char *org_path;    /* valid during the callback only */
};

/* the columns of a member row as stats_row_read reads them (all from the index members_stats) */
#define STATS_PASS_COLUMNS                                                                                   \
	"SELECT state, join_date, org_id, gender, ethnicity, birth_date, education, category, party_status, " \
	"lost_contact, floating, id, org_path FROM members "
struct stmt;
void stats_row_read(struct stmt *st, struct stats_row *m);

/* an org of the subtree with its counted members (the roster at the reference date) */
struct stats_org {
	int64_t id;
	int kind;                /* index in the org_kind values, -1 if unknown */
	char *name, *path;
	int64_t secretary;
	int committee_size;
	char term_end[11];
	int64_t members, full;
};

struct stats_orgs {
	struct stats_org *v;     /* in path order */
	size_t n, alloc;
	int64_t *slots;          /* open addressing: id → index, -1 empty */
	size_t cap;
};

struct org;
int stats_scope(struct ctx *ctx, int64_t org_id, struct org *root, char *hi, size_t size);
int stats_date_int(const char *s);
int stats_ethnicity_slot(const char *code);

typedef int (*stats_row_fn)(void *arg, const struct stats_row *m);
/* every member row of [lo, hi) in index order (all states) */
int stats_member_pass(struct ctx *ctx, const char *lo, const char *hi, stats_row_fn fn, void *arg);
int stats_row_on_roll(const struct stats_row *m, const struct stats_ref *r);
void stats_classify(const struct stats_row *m, const struct stats_ref *r, int idx[SD__COUNT]);
int stats_row_matches(const struct stats_row *m, const struct stats_ref *r, enum stats_dim d, int v);

int stats_orgs_load(struct ctx *ctx, const char *lo, const char *hi, struct stats_orgs *o);
void stats_orgs_release(struct stats_orgs *o);
struct stats_org *stats_org_find(const struct stats_orgs *o, int64_t id);
/* the orgs and their counted members; c (may be NULL) gets the member tables and joined */
int stats_fold(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, struct stats_orgs *orgs,
	       struct stats_counts *c);
int stats_org_is_branch(const struct stats_org *x);
int stats_org_size_band(const struct stats_org *x);
int stats_org_problem(const struct stats_org *x, const struct stats_ref *r, int p);
int stats_org_matches(const struct stats_org *x, const struct stats_ref *r, enum stats_dim d, int v);

/* transfers in/out, deaths and removals of the year: kind SC_*, the event's date, the
 * letter's serial and the org on the other side (transfers only) */
typedef int (*stats_change_fn)(void *arg, int kind, int64_t member_id, const char *date, const char *serial,
			       const char *other);
int stats_changes(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, stats_change_fn fn,
		  void *arg);

int stats_age_band(int birth, int ref);
int stats_kind_index(const char *kind);
/* one org's figures into the org tables */
void stats_count_org(struct stats_counts *c, const struct stats_org *x, const struct stats_ref *r);
int stats_count_change(void *arg, int kind, int64_t member_id, const char *date, const char *serial,
		       const char *other);
/* the member rows of [lo, hi) joining after `after` (YYYY-MM-DD), all states, by the join date index */
int stats_joined_after_pass(struct ctx *ctx, const char *lo, const char *hi, const char *after, stats_row_fn fn,
			    void *arg);

/* the tables of the subtree [root->path, hi) by the pass over its member rows (the reference) */
int stats_compute_fold(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		       struct stats_counts *c);
/* the same tables from the counts kept per ancestor (036, stats_kept.c); STATS_KEPT_NO when they do
 * not serve this request: a subtree of fewer than min_members on-roll members, or a past year
 * whose members joined since its end are more than an eighth of them; min_members < 0: always
 * (the tests that prove both ways equal) */
#define STATS_KEPT_NO (-2)
/* the orgs of [lo, hi) with their counted members from the kept direct counts (stats_fold's orgs without
 * the member pass); STATS_KEPT_NO as stats_kept_compute (orgs released then) */
int stats_kept_orgs(struct ctx *ctx, const char *lo, const char *hi, const struct stats_ref *r, long long min_members,
		    struct stats_orgs *orgs);
int stats_kept_compute(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
		       long long min_members, struct stats_counts *c);
/* the figure of (d, v) in c (d a member table, not change) */
int64_t stats_counts_figure(const struct stats_counts *c, enum stats_dim d, int v);
/* 1 when the row counts for (d, v) in the kept counts: on the roll by state, whatever its join date */
int stats_row_kept_matches(const struct stats_row *m, const struct stats_ref *r, enum stats_dim d, int v);
/*
 * /stats/members of a large subtree: the ids of the members matching (d, v) (a member table, not
 * change) at positions off … off + n − 1 in the order (org_path bytewise, id), found by walking
 * down the tree with each child's count from the kept counts (036), so a page reads its own
 * rows, its orgs' direct members and their siblings' kept rows; *total the figure.
 * STATS_KEPT_NO when the kept counts do not serve the subtree (as stats_kept_compute).
 */
typedef void (*stats_id_fn)(void *arg, int64_t member_id);
int stats_kept_members_page(struct ctx *ctx, const struct org *root, const char *hi, const struct stats_ref *r,
			    enum stats_dim d, int v, long long min_members, int64_t off, int64_t n, stats_id_fn fn,
			    void *arg, int64_t *total);
#endif
