/*
 * The shared 发展党员 fixture of tests/unit/test_recruit.c and test_recruit_controls.c:
 * a store (SQLite temp file, or PostgreSQL at DJ_TEST_PG_URL), the system actor with an
 * injected "today", an org tree with voters, and helpers that create recruits and record
 * steps with the standard schedule.
 *
 * Ownership: this file owns `fx` and `id_counter` (defined in recruit_fixture.c; setup_*
 * fill fx, teardown closes the store, removes the SQLite files and zeroes fx) and
 * `recruit_fixture_tag`, the name part of the temp files ($TMPDIR/dj-test-TAG-XXXXXX),
 * "recruit" unless a test's main() points it elsewhere before the first setup.
 * json_t results handed out (record_as's *out) belong to the caller.
 */
#ifndef DJ_TEST_RECRUIT_FIXTURE_H
#define DJ_TEST_RECRUIT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "domain/member.h"
#include "domain/org.h"
#include "domain/recruit.h"

#define VOTERS 9

struct fixture {
	char url[512];
	char sqlite_path[256]; /* "" for PostgreSQL */
	struct store *store;
	struct ctx ctx;        /* the system actor */
	int64_t dept, committee, general, temp_committee, a, b, c, group_b;
	int64_t voters[VOTERS]; /* full members of branch a */
	int64_t probationary, disciplined; /* in branch a, without a vote */
	int64_t voters_b[VOTERS], voters_c[VOTERS];
};

extern struct fixture fx;
extern unsigned id_counter;
/* the name part of the temp files; a test's main() may set it before setup */
extern const char *recruit_fixture_tag;

/* recruits.last_inspection_on as YYYYMMDD, 0 when NULL (both backends) */
#define LAST_INSPECTION_SQL \
	"SELECT COALESCE(CAST(replace(last_inspection_on, '-', '') AS INTEGER), 0) FROM recruits WHERE id = ?"

/* The standard schedule: dates that satisfy every rule (step 6 is recorded twice). */
extern const char *const schedule[26];

struct snap {
	int64_t version, steps, audit, members, history;
};

/* store and org tree: cmocka group setup/teardown */
int setup_sqlite(void **state);
int setup_pg(void **state);
int teardown(void **state);

/* failures, clock, makers, raw SQL */
void fail_ctx(const char *what, const struct ctx *ctx);
void set_today(const char *day);
int64_t make_org(int64_t parent, const char *kind, const char *name, int can_approve, int temporary);
void make_id(char *id, int year, int month, int day);
int64_t make_member(int64_t org_id, const char *category, const char *discipline);
void exec_sql(const char *sql, int64_t a, const char *b, const char *c);
int64_t query_int(const char *sql, int64_t a);
void add_score(int64_t id, int year, int score);

/* recruits and their steps */
int64_t branch_of(int64_t id);
int64_t voters_in(int64_t branch);
void std_extra(int64_t id, int step, char *buf, size_t size);
int64_t version_of(int64_t id);
int record_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, json_t **out);
void ok_step(int64_t id, int step, const char *on, const char *extra);
void take(int64_t id, struct snap *s);
void refused_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, const char *rule);
void refused(int64_t id, int step, const char *on, const char *extra, const char *rule);
int64_t new_recruit_on(int64_t branch, const char *applied_on, int scores);
int64_t new_recruit(int64_t branch);
void walk(int64_t id, int upto);
void as_role(struct ctx *c, int64_t org_id, enum role role);

#endif
