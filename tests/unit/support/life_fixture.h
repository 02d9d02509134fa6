/*
 * The shared fixture of the organizational-life tests (tests/unit/test_meeting.c,
 * test_training.c, test_appraisal.c): a store (SQLite temp file, or PostgreSQL at
 * DJ_TEST_PG_URL), migrated, with PII keys loaded, the system actor with an injected
 * clock, and makers for orgs and members. Names carry a life_ prefix so they do not
 * clash with recruit_fixture.h, which is linked into the same binaries. The store,
 * life_suite and the actors also serve tests with makers of their own (test_import.c,
 * test_recruit_report.c), and points_fixture.h builds on it.
 *
 * Ownership: each test owns its fixture struct, with a struct life_store and the
 * struct ctx passed to life_setup/life_teardown, and its org tree. life_fixture.c owns
 * life_ctx (the ctx the clock and the makers act on: set by life_setup, NULL after
 * life_teardown), life_id_counter, and the member defaults life_id_year and
 * life_member_name, which a test's main() may change before the first setup, and
 * life_active_suite, which main() points at the test's own struct life_suite.
 */
#ifndef DJ_TEST_LIFE_FIXTURE_H
#define DJ_TEST_LIFE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "domain/member.h"
#include "domain/org.h"

struct life_store {
	char url[512];
	char sqlite_path[256]; /* "" for PostgreSQL */
	struct store *store;
};

extern struct ctx *life_ctx;
extern unsigned life_id_counter;
extern int life_id_year;              /* birth year in made ID numbers; 1980 unless changed */
extern const char *life_member_name;  /* name of made members; "测试党员" unless changed */

/*
 * Opens the store: a new SQLite temp file $TMPDIR/dj-test-TAG-XXXXXX, or DJ_TEST_PG_URL
 * when pg; loads PII keys, migrates, acquires a connection into ctx->db, makes ctx the
 * system actor with the clock at now and points life_ctx at it. 0 or -1 (reported).
 */
int life_setup(struct life_store *s, struct ctx *ctx, const char *tag, int pg);
/* life_setup with a pool of conns connections (life_setup: 2), for tests with threads */
int life_setup_conns(struct life_store *s, struct ctx *ctx, const char *tag, int pg, int conns);
/* Releases ctx->db, closes the store, removes the SQLite files, clears life_ctx. */
void life_teardown(struct life_store *s, struct ctx *ctx);

/*
 * cmocka setup and teardown (group or per test) for a test whose fixture is one struct
 * holding its struct life_store and struct ctx. main() points life_active_suite at a
 * description before the first run; setup zeroes the struct, runs life_setup_conns
 * with tag and conns on SQLite or PostgreSQL and then populate(pg) (0 or -1); teardown
 * runs life_teardown and zeroes the struct. The test owns the description and the struct.
 */
struct life_suite {
	void *fixture;
	size_t size;
	struct life_store *ls;
	struct ctx *ctx;
	const char *tag;
	int (*populate)(int pg);
	int conns;             /* connections in the pool: 2, more for tests with threads */
};
extern const struct life_suite *life_active_suite;
int life_suite_setup_sqlite(void **state);
int life_suite_setup_pg(void **state);
int life_suite_teardown(void **state);

void life_fail_ctx(const char *what, const struct ctx *ctx);
/* today = y-m-d in Asia/Shanghai (noon) */
void life_set_today(int y, int m, int d);
int64_t life_make_org(int64_t parent, const char *kind, const char *name, int committee_size);
int64_t life_make_member_ex(int64_t org_id, int64_t group_id, const char *category, const char *discipline,
			    const char *lost_since);
/* a full member, no discipline, no group */
int64_t life_make_member(int64_t org_id);

/*
 * The tree of the member-side tests (notices, courses, check-in, suggestions): a
 * 县委组织部 (top) over a 镇党委 (town) with branches a (东村) and b (西村), and a 乡党委
 * (town2) with branch c (南村), each branch with a 3-seat committee; names begin with
 * prefix so two tests' trees never look alike.
 */
struct life_towns {
	int64_t top, town, a, b, town2, c;
};
void life_make_towns(const char *prefix, struct life_towns *t);
/*
 * The tree of the dues-side tests (dues, commitments, partitions): a PREFIX组织部 (top)
 * over a PREFIX镇党委 (town) with the branch PREFIX东村党支部 (a) and, when b is not NULL,
 * PREFIX西村党支部 (b), each branch with a 3-seat committee; made in that order.
 */
void life_make_town_tree(const char *prefix, int64_t *top, int64_t *town, int64_t *a, int64_t *b);
/* n full members of org (life_make_member) into ids[0..n-1], in order */
void life_make_members(int64_t org, int64_t *ids, int n);
/*
 * member_life's row (014, 048) for months written straight into member_life_months, as the
 * triggers of an attendance write keep it: ok_ym given, the months with meetings and the
 * member's org, path, state and join date read
 */
void life_keep_member_life(int64_t member, int ok_ym);
/* life_ctx acts as role over org (and as member_id's account, 0 for none); errors cleared */
void life_act_as(enum role role, int64_t org, int64_t member_id);
/* *c = a copy of life_ctx acting as role over org's subtree (no user); errors cleared */
void life_copy_as(struct ctx *c, int64_t org, enum role role);
/* rc is code and, unless rule is NULL, c's error names rule; else the test fails */
void life_expect_refusal(int rc, const struct ctx *c, enum err_code code, const char *rule);

#endif
