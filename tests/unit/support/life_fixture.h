/*
 * The shared fixture of the organizational-life tests (tests/unit/test_meeting.c,
 * test_training.c, test_appraisal.c): a store (SQLite temp file, or PostgreSQL at
 * DJ_TEST_PG_URL), migrated, with PII keys loaded, the system actor with an injected
 * clock, and makers for orgs and members. Names carry a life_ prefix so they do not
 * clash with recruit_fixture.h, which is linked into the same binaries.
 *
 * Ownership: each test owns its fixture struct, with a struct life_store and the
 * struct ctx passed to life_setup/life_teardown, and its org tree. life_fixture.c owns
 * life_ctx (the ctx the clock and the makers act on: set by life_setup, NULL after
 * life_teardown), life_id_counter, and the member defaults life_id_year and
 * life_member_name, which a test's main() may change before the first setup.
 */
#ifndef DJ_TEST_LIFE_FIXTURE_H
#define DJ_TEST_LIFE_FIXTURE_H

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
/* Releases ctx->db, closes the store, removes the SQLite files, clears life_ctx. */
void life_teardown(struct life_store *s, struct ctx *ctx);

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
/* life_ctx acts as role over org (and as member_id's account, 0 for none); errors cleared */
void life_act_as(enum role role, int64_t org, int64_t member_id);

#endif
