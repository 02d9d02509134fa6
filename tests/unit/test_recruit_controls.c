/*
 * 发展党员 controls (issue 3) in the domain layer with an injected "today": the 七阶梯
 * ladder (recruit.ladder_*), special persons and their 事前报告 (recruit.special_report,
 * recruit.not_special), the annual plan and the share of special persons at step 17
 * (recruit.plan_exceeded, recruit.special_ratio), and the list/detail/scores additions.
 * Runs on SQLite (a temp file) and again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/member.h"
#include "domain/org.h"
#include "domain/recruit.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

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

static struct fixture fx;
static unsigned id_counter;

static void fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

static void set_today(const char *day)
{
	struct date d;
	assert_int_equal(date_parse(day, &d), 0);
	/* noon in Shanghai */
	ctx_set_clock(&fx.ctx, (time_t)(date_to_days(d) * 86400 + 4 * 3600));
}

static int64_t make_org(int64_t parent, const char *kind, const char *name, int can_approve, int temporary)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	o.can_approve = can_approve;
	o.is_temporary = temporary;
	err_clear(&fx.ctx.err);
	if (org_create(&fx.ctx, &o))
		fail_ctx("org_create", &fx.ctx);
	return o.id;
}

/* A valid, run-unique ID number born in year (GB 11643 check character). */
static void make_id(char *id, int year, int month, int day)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	unsigned i = id_counter++, s = 0, k;
	char buf[32];
	xsnprintf(buf, sizeof(buf), "110105%04d%02d%02d%03u", year, month, day, (unsigned)(getpid() * 7 + i) % 1000);
	for (k = 0; k < 17; k++)
		s += (unsigned)(buf[k] - '0') * (unsigned)w[k];
	buf[17] = "10X98765432"[s % 11];
	buf[18] = '\0';
	strlcpy_z(id, buf, 19);
}

static int64_t make_member(int64_t org_id, const char *category, const char *discipline)
{
	struct member m;
	unsigned i = id_counter;
	memset(&m, 0, sizeof(m));
	make_id(m.id_number, 1960 + (int)(i % 20), 1 + (int)(i / 20) % 12, 1 + (int)(i / 240) % 28);
	m.org_id = org_id;
	strlcpy_z(m.name, "测试党员", sizeof(m.name));
	strlcpy_z(m.ethnicity, "01", sizeof(m.ethnicity));
	strlcpy_z(m.category, category, sizeof(m.category));
	strlcpy_z(m.join_date, "2005-07-01", sizeof(m.join_date));
	if (!strcmp(category, "full"))
		strlcpy_z(m.full_date, "2006-07-01", sizeof(m.full_date));
	strlcpy_z(m.discipline, discipline, sizeof(m.discipline));
	err_clear(&fx.ctx.err);
	if (member_create(&fx.ctx, &m))
		fail_ctx("member_create", &fx.ctx);
	return m.id;
}

static void exec_sql(const char *sql, int64_t a, const char *b, const char *c)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	if (!st)
		fail_ctx("prepare", &fx.ctx);
	stmt_bind_int(st, 1, a);
	if (b)
		stmt_bind_text(st, 2, b);
	if (c)
		stmt_bind_text(st, 3, c);
	if (stmt_run(st, &fx.ctx.err))
		fail_ctx("exec", &fx.ctx);
}

static int64_t query_int(const char *sql, int64_t a)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t v = -1;
	if (!st)
		fail_ctx("prepare", &fx.ctx);
	stmt_bind_int(st, 1, a);
	if (stmt_step(st, &fx.ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

static void add_score(int64_t id, int year, int score)
{
	struct stmt *st = db_prepare(fx.ctx.db, "INSERT INTO recruit_scores (recruit_id, year, rater, score, scored_on, "
						"created_at) VALUES (?, ?, '支委会', ?, '2024-12-01', '2024-12-01T00:00:00Z')",
				     &fx.ctx.err);
	if (!st)
		fail_ctx("prepare", &fx.ctx);
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	stmt_bind_int(st, 3, score);
	if (stmt_run(st, &fx.ctx.err))
		fail_ctx("add_score", &fx.ctx);
}

static int open_fixture(void)
{
	struct err e = { 0 };
	struct db *db;
	char key[300];
	int i;
	xsnprintf(key, sizeof(key), "%s/dj-test-rcontrols-%d.key", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	if (!pii_keys_loaded() && pii_load_keys(key, 1, &e)) {
		fprintf(stderr, "pii_load_keys: %s\n", e.message);
		return -1;
	}
	unlink(key);
	if (store_open(&fx.store, fx.url, 2, &e)) {
		fprintf(stderr, "store_open: %s\n", e.message);
		return -1;
	}
	db = store_acquire(fx.store);
	if (store_migrate(db, &e)) {
		fprintf(stderr, "store_migrate: %s\n", e.message);
		store_release(fx.store, db);
		return -1;
	}
	fx.ctx.db = db;
	fx.ctx.cfg = NULL; /* the config table's defaults */
	ctx_as_system(&fx.ctx);
	set_today("2023-10-01");
	fx.dept = make_org(0, "dept", "测试县委组织部", 0, 0);
	fx.committee = make_org(fx.dept, "committee", "测试镇党委", 1, 0);
	fx.temp_committee = make_org(fx.committee, "committee", "临时党委", 0, 1);
	fx.general = make_org(fx.committee, "general_branch", "测试党总支", 0, 0);
	fx.a = make_org(fx.committee, "branch", "第一党支部", 0, 0);
	fx.b = make_org(fx.general, "branch", "第二党支部", 0, 0);
	fx.c = make_org(fx.temp_committee, "branch", "第三党支部", 0, 0);
	fx.group_b = make_org(fx.b, "group", "第一党小组", 0, 0);
	for (i = 0; i < VOTERS; i++)
		fx.voters[i] = make_member(fx.a, "full", "none");
	for (i = 0; i < VOTERS; i++)
		fx.voters_b[i] = make_member(fx.b, "full", "none");
	for (i = 0; i < VOTERS; i++)
		fx.voters_c[i] = make_member(fx.c, "full", "none");
	fx.probationary = make_member(fx.a, "probationary", "none");
	fx.disciplined = make_member(fx.a, "full", "probation");
	return 0;
}

static int setup_sqlite(void **state)
{
	int fd;
	(void)state;
	memset(&fx, 0, sizeof(fx));
	xsnprintf(fx.sqlite_path, sizeof(fx.sqlite_path), "%s/dj-test-rcontrols-XXXXXX",
		  getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(fx.sqlite_path);
	if (fd < 0)
		return -1;
	close(fd);
	xsnprintf(fx.url, sizeof(fx.url), "sqlite:%s", fx.sqlite_path);
	return open_fixture();
}

static int setup_pg(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	strlcpy_z(fx.url, getenv("DJ_TEST_PG_URL"), sizeof(fx.url));
	return open_fixture();
}

static int teardown(void **state)
{
	char path[300];
	(void)state;
	if (fx.ctx.db)
		store_release(fx.store, fx.ctx.db);
	store_close(fx.store);
	if (fx.sqlite_path[0]) {
		unlink(fx.sqlite_path);
		xsnprintf(path, sizeof(path), "%s-wal", fx.sqlite_path);
		unlink(path);
		xsnprintf(path, sizeof(path), "%s-shm", fx.sqlite_path);
		unlink(path);
	}
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

/* recruits.last_inspection_on as YYYYMMDD, 0 when NULL (both backends) */
#define LAST_INSPECTION_SQL \
	"SELECT COALESCE(CAST(replace(last_inspection_on, '-', '') AS INTEGER), 0) FROM recruits WHERE id = ?"

/* The standard schedule: dates that satisfy every rule (step 6 is recorded twice). */
static const char *const schedule[26] = {
	NULL,         "2023-11-01", "2023-11-20", "2024-02-01", "2024-02-05", "2024-02-10", "2024-07-01",
	"2025-02-01", "2025-02-05", "2025-02-10", "2025-02-15", "2025-02-20", "2025-03-01",
	"2025-03-20", "2025-03-22", "2025-03-25", "2025-04-01", "2025-04-10", "2025-04-15",
	"2025-04-20", "2025-04-25", "2025-10-10", "2026-02-25", "2026-03-25", "2026-04-10",
	"2026-04-20",
};

static int64_t branch_of(int64_t id)
{
	return query_int("SELECT org_id FROM recruits WHERE id = ?", id);
}

static int64_t voters_in(int64_t branch)
{
	return query_int("SELECT count(*) FROM members WHERE org_id = ? AND state = 'active' AND category = 'full' AND "
			 "party_status = 'normal' AND discipline = 'none'", branch);
}

/* The standard people/data of a step as body members (without braces). */
static void std_extra(int64_t id, int step, char *buf, size_t size)
{
	int64_t b = branch_of(id), n = voters_in(b);
	const int64_t *v = b == fx.c ? fx.voters_c : b == fx.b ? fx.voters_b : fx.voters;
	switch (step) {
	case 2:
	case 16: xsnprintf(buf, size, "\"people\":{\"talkers\":[%" PRId64 "]}", v[0]); break;
	case 3: xsnprintf(buf, size, "\"data\":{\"method\":\"党员推荐\"}"); break;
	case 5: xsnprintf(buf, size, "\"people\":{\"contacts\":[%" PRId64 ",%" PRId64 "]}", v[1], v[2]); break;
	case 6:
	case 21:
	case RSTEP_REVISIT: xsnprintf(buf, size, "\"data\":{\"content\":\"考察情况良好\"}"); break;
	case 7:
		xsnprintf(buf, size, "\"data\":{\"opinions\":{\"group\":\"同意\",\"contacts\":\"同意\",\"members\":\"同意\","
				     "\"masses\":\"同意\"},\"committee_agreed\":true}");
		break;
	case 9: xsnprintf(buf, size, "\"people\":{\"introducers\":[%" PRId64 ",%" PRId64 "]}", v[3], v[4]); break;
	case 10: xsnprintf(buf, size, "\"data\":{\"result\":\"passed\"}"); break;
	case 11: xsnprintf(buf, size, "\"data\":{\"days\":3,\"hours\":24}"); break;
	case 12: xsnprintf(buf, size, "\"data\":{\"committee_agreed\":true}"); break;
	case 13:
		xsnprintf(buf, size, "\"data\":{\"publicity_start\":\"2025-03-06\",\"publicity_end\":\"2025-03-12\","
				     "\"leaving_unit_within_3_months\":false}");
		break;
	case 15:
	case 23:
		xsnprintf(buf, size, "\"data\":{\"present_voting\":%" PRId64 ",\"in_favour\":%" PRId64 ",\"against\":0,\"abstain\":0}",
			  n, n);
		break;
	default: xsnprintf(buf, size, "\"note\":\"按程序办理\""); break;
	}
}

static int64_t version_of(int64_t id)
{
	return query_int("SELECT version FROM recruits WHERE id = ?", id);
}

/* Records a step as c (NULL: the system actor); extra NULL = the standard people/data. */
static int record_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, json_t **out)
{
	char body[2048], std[1024];
	json_t *j, *res = NULL;
	json_error_t je;
	int rc;
	if (!extra) {
		std_extra(id, step, std, sizeof(std));
		extra = std;
	}
	xsnprintf(body, sizeof(body), "{\"step\":%d,\"version\":%" PRId64 ",\"done_on\":\"%s\"%s%s}", step, version_of(id), on,
		  extra[0] ? "," : "", extra);
	j = json_loads(body, 0, &je);
	if (!j)
		fail_msg("bad test body %s: %s", body, je.text);
	if (!c)
		c = &fx.ctx;
	err_clear(&c->err);
	rc = recruit_record_step(c, id, j, &res);
	json_decref(j);
	if (out)
		*out = res;
	else
		json_decref(res);
	return rc;
}

static void ok_step(int64_t id, int step, const char *on, const char *extra)
{
	if (record_as(NULL, id, step, on, extra, NULL))
		fail_msg("step %d on %s: %s (rule %s)", step, on, fx.ctx.err.message, fx.ctx.err.rule);
}

struct snap {
	int64_t version, steps, audit, members, history;
};

static void take(int64_t id, struct snap *s)
{
	s->version = version_of(id);
	s->steps = query_int("SELECT count(*) FROM recruit_steps WHERE recruit_id = ?", id);
	s->audit = query_int("SELECT count(*) FROM audit_log WHERE id > ?", 0);
	s->members = query_int("SELECT count(*) FROM members WHERE id > ?", 0);
	s->history = query_int("SELECT count(*) FROM member_history WHERE id > ?", 0);
}

/* The step is refused with rule (E_RULE unless code says otherwise) and nothing is written. */
static void refused_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, const char *rule)
{
	struct snap before, after;
	int rc;
	take(id, &before);
	rc = record_as(c, id, step, on, extra, NULL);
	if (!c)
		c = &fx.ctx;
	if (!rc)
		fail_msg("step %d on %s was accepted; expected %s", step, on, rule);
	if (strcmp(c->err.rule, rule))
		fail_msg("step %d on %s: rule %s (%s); expected %s", step, on, c->err.rule, c->err.message, rule);
	assert_true(c->err.message[0] != '\0');
	take(id, &after);
	assert_memory_equal(&before, &after, sizeof(before));
}

static void refused(int64_t id, int step, const char *on, const char *extra, const char *rule)
{
	refused_as(NULL, id, step, on, extra, rule);
}

/* A new applicant of branch, applied on the schedule's date; scores: 1 = a passing year. */
static int64_t new_recruit_on(int64_t branch, const char *applied_on, int scores)
{
	char body[512], id[19];
	json_t *j, *out = NULL;
	int64_t rid;
	make_id(id, 1995 + (int)(id_counter % 8), 1 + (int)(id_counter % 12), 1 + (int)(id_counter % 28));
	xsnprintf(body, sizeof(body),
		  "{\"org_id\":%" PRId64 ",\"name\":\"申请人\",\"id_number\":\"%s\",\"ethnicity\":\"01\",\"education\":\"21\","
		  "\"phone\":\"13812345678\",\"applied_on\":\"%s\"}",
		  branch, id, applied_on);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	if (recruit_create(&fx.ctx, j, &out))
		fail_ctx("recruit_create", &fx.ctx);
	rid = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(j);
	if (scores) {
		add_score(rid, 2024, 85);
		add_score(rid, 2024, 90);
	}
	return rid;
}

static int64_t new_recruit(int64_t branch)
{
	return new_recruit_on(branch, schedule[1], 1);
}

/* Records the standard steps after the record's last one up to and including upto. */
static void walk(int64_t id, int upto)
{
	int last = (int)query_int("SELECT last_step FROM recruits WHERE id = ?", id), s;
	for (s = last + 1; s <= upto; s++) {
		ok_step(id, s, schedule[s], NULL);
		if (s == 6)
			ok_step(id, 6, "2024-12-20", NULL);
	}
}

static void as_role(struct ctx *c, int64_t org_id, enum role role)
{
	struct org o;
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, org_id, &o))
		fail_ctx("org_get", &fx.ctx);
	*c = fx.ctx;
	c->actor.role = role;
	c->actor.org_id = org_id;
	c->actor.user_id = 0;
	strlcpy_z(c->actor.username, role == ROLE_SECRETARY ? "secretary" : "admin", sizeof(c->actor.username));
	strlcpy_z(c->actor.org_path, o.path, sizeof(c->actor.org_path));
	err_clear(&c->err);
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static int64_t top_org(void)
{
	return fx.dept; /* the fixture's tree hangs from the 组织部门 */
}

static void set_ladder(const char *json)
{
	exec_sql("DELETE FROM settings WHERE org_id = ? AND key = ?", top_org(), "recruit.ladder", NULL);
	if (json)
		exec_sql("INSERT INTO settings (org_id, key, value) VALUES (?, ?, ?)", top_org(), "recruit.ladder", json);
}

/* Records one ladder result as c (NULL: the system actor). */
static int ladder_as(struct ctx *c, int64_t id, int year, const char *stage, const char *result, const char *on)
{
	char body[512];
	json_t *j, *out = NULL;
	int rc;
	xsnprintf(body, sizeof(body), "{\"year\":%d,\"stage\":\"%s\",\"result\":\"%s\",\"done_on\":\"%s\",\"note\":\"按期考核\"}",
		  year, stage, result, on);
	j = json_loads(body, 0, NULL);
	assert_non_null(j);
	if (!c)
		c = &fx.ctx;
	err_clear(&c->err);
	rc = recruit_ladder_add(c, id, j, &out);
	json_decref(j);
	json_decref(out);
	return rc;
}

static void ladder_ok(int64_t id, int year, const char *stage, const char *result, const char *on)
{
	if (ladder_as(NULL, id, year, stage, result, on))
		fail_msg("ladder %d %s %s on %s: %s (rule %s)", year, stage, result, on, fx.ctx.err.message, fx.ctx.err.rule);
}

static void ladder_refused(int64_t id, int year, const char *stage, const char *result, const char *on, const char *rule)
{
	int64_t before = query_int("SELECT count(*) FROM recruit_ladder WHERE recruit_id = ?", id);
	if (!ladder_as(NULL, id, year, stage, result, on))
		fail_msg("ladder %d %s %s on %s accepted; expected %s", year, stage, result, on, rule);
	if (strcmp(fx.ctx.err.rule, rule))
		fail_msg("ladder %d %s: rule %s (%s); expected %s", year, stage, fx.ctx.err.rule, fx.ctx.err.message, rule);
	assert_int_equal(query_int("SELECT count(*) FROM recruit_ladder WHERE recruit_id = ?", id), before);
}

static int64_t new_special(int64_t branch, const char *special)
{
	char body[512], id[19];
	json_t *j, *out = NULL;
	int64_t rid;
	make_id(id, 1995 + (int)(id_counter % 8), 1 + (int)(id_counter % 12), 1 + (int)(id_counter % 28));
	xsnprintf(body, sizeof(body),
		  "{\"org_id\":%" PRId64 ",\"name\":\"特殊申请人\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
		  "\"applied_on\":\"%s\",\"special\":\"%s\"}",
		  branch, id, schedule[1], special);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	if (recruit_create(&fx.ctx, j, &out))
		fail_ctx("recruit_create special", &fx.ctx);
	rid = json_integer_value(json_object_get(out, "id"));
	assert_string_equal(str_of(out, "special"), special);
	json_decref(out);
	json_decref(j);
	add_score(rid, 2024, 85);
	add_score(rid, 2024, 90);
	return rid;
}

#define REPORT "\"data\":{\"reported_by\":\"镇党委组织委员\"}"

/* A special person walked to step 16 with the 事前报告 before step 7. */
static int64_t special_at_16(const char *special)
{
	int64_t id = new_special(fx.a, special);
	walk(id, 6);
	ok_step(id, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT);
	walk(id, 16);
	return id;
}

/* the blocker of step `step` in the record's next list ("" when none; NULL when absent) */
static const char *next_blocker(int64_t id, int step, char *buf, size_t size)
{
	json_t *rec = NULL, *e;
	size_t i;
	const char *found = NULL;
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	json_array_foreach(json_object_get(rec, "next"), i, e) {
		if (json_integer_value(json_object_get(e, "step")) == step) {
			strlcpy_z(buf, str_of(e, "blocked_by"), size);
			found = buf;
		}
	}
	json_decref(rec);
	return found;
}

/* ---- 七阶梯 ------------------------------------------------------------------------------ */

static void test_ladder(void **state)
{
	struct ctx sec;
	json_t *rec = NULL, *ladder;
	char buf[64];
	int64_t failing, passing, off;
	(void)state;
	set_today("2026-06-30");
	set_ladder(NULL);
	failing = new_recruit(fx.a);
	/* off by default: no results to record, step 7 as before */
	walk(failing, 6);
	ladder_refused(failing, 2025, "思想汇报", "passed", "2025-01-10", "recruit.ladder_off");
	off = new_recruit(fx.a);
	walk(off, 7);

	set_ladder("[\"思想汇报\",\"培训考试\",\"党员评议\"]");
	/* the whole ladder of the step's year is needed: none yet */
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_incomplete");
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "recruit.ladder_incomplete");
	/* results of another year do not count */
	ladder_ok(failing, 2024, "思想汇报", "passed", "2024-06-10");
	ladder_ok(failing, 2024, "培训考试", "passed", "2024-06-11");
	ladder_ok(failing, 2024, "党员评议", "passed", "2024-06-12");
	ladder_ok(failing, 2025, "思想汇报", "passed", "2025-01-10");
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_incomplete");
	assert_non_null(strstr(fx.ctx.err.message, "培训考试"));
	assert_non_null(strstr(fx.ctx.err.message, "党员评议"));
	/* a failed stage bars step 7 for the rest of that year, whatever else passes */
	ladder_ok(failing, 2025, "培训考试", "failed", "2025-01-12");
	ladder_ok(failing, 2025, "党员评议", "passed", "2025-01-14");
	refused(failing, 7, schedule[7], NULL, "recruit.ladder_failed");
	assert_non_null(strstr(fx.ctx.err.message, "培训考试"));
	assert_non_null(strstr(fx.ctx.err.message, "2025"));
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "recruit.ladder_incomplete"); /* 2026 now */
	/* results are final: no second result for a stage and year */
	ladder_refused(failing, 2025, "培训考试", "passed", "2025-01-20", "recruit.ladder_duplicate");
	ladder_refused(failing, 2025, "群众测评", "passed", "2025-01-20", "recruit.ladder_stage");
	ladder_refused(failing, 2025, "思想汇报", "passed", "2026-01-20", "recruit.ladder_year");
	ladder_refused(failing, 2024, "思想汇报", "passed", "2024-01-20", "recruit.ladder_date");
	ladder_refused(failing, 2026, "思想汇报", "maybe", "2026-01-20", "field.enum");
	ladder_refused(failing, 2026, "思想汇报", "passed", "2026-07-01", "field.date_future");
	/* the next year starts afresh: inspections kept up, the 2026 ladder passed */
	ok_step(failing, 6, "2025-06-01", NULL);
	ok_step(failing, 6, "2025-12-01", NULL);
	ladder_ok(failing, 2026, "思想汇报", "passed", "2026-01-05");
	ladder_ok(failing, 2026, "培训考试", "passed", "2026-01-06");
	refused(failing, 7, "2026-01-15", NULL, "recruit.ladder_incomplete");
	ladder_ok(failing, 2026, "党员评议", "passed", "2026-01-07");
	assert_string_equal(next_blocker(failing, 7, buf, sizeof(buf)), "");
	ok_step(failing, 7, "2026-01-15", NULL);
	/* not an activist any more */
	ladder_refused(failing, 2026, "思想汇报", "failed", "2026-01-20", "recruit.ladder_person");

	passing = new_recruit(fx.a);
	ladder_refused(passing, 2023, "思想汇报", "passed", "2023-12-01", "recruit.ladder_person"); /* an applicant */
	walk(passing, 6);
	ladder_ok(passing, 2025, "思想汇报", "passed", "2025-01-10");
	ladder_ok(passing, 2025, "培训考试", "passed", "2025-01-11");
	ladder_ok(passing, 2025, "党员评议", "passed", "2025-01-12");
	as_role(&sec, fx.b, ROLE_SECRETARY); /* another branch's secretary does not see the record */
	assert_int_not_equal(ladder_as(&sec, passing, 2025, "思想汇报", "passed", "2025-01-10"), 0);
	ok_step(passing, 7, schedule[7], NULL);
	/* the decision carries the ladder it was made under; the detail lists the results */
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, passing, &rec), 0);
	ladder = json_object_get(rec, "ladder");
	assert_int_equal(json_array_size(json_object_get(ladder, "stages")), 3);
	assert_int_equal(json_array_size(json_object_get(ladder, "results")), 3);
	assert_string_equal(str_of(json_array_get(json_object_get(ladder, "results"), 0), "result"), "passed");
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(
				 json_array_get(json_object_get(rec, "steps"), json_array_size(json_object_get(rec, "steps")) - 1),
				 "data"), "rules"), "ladder")), 3);
	json_decref(rec);
	set_ladder(NULL);
}

static void test_ladder_config(void **state)
{
	struct ctx adm, sec;
	json_t *body, *out = NULL;
	(void)state;
	set_today("2026-06-30");
	as_role(&adm, fx.committee, ROLE_ORG_ADMIN);
	as_role(&sec, fx.a, ROLE_SECRETARY);
	/* the top-level org's administrators set it; a town 党委 admin cannot */
	body = json_pack("{s:I, s:[s,s]}", "org_id", (json_int_t)fx.dept, "stages", "思想汇报", "公示");
	assert_int_not_equal(recruit_ladder_config_set(&adm, body, &out), 0);
	assert_string_equal(adm.err.rule, "recruit.ladder_scope");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "stages")), 2);
	json_decref(out);
	json_decref(body);
	err_clear(&sec.err);
	assert_int_equal(recruit_ladder_config_get(&sec, 0, &out), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "org_id")), fx.dept);
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "stages"), 1)), "公示");
	json_decref(out);
	body = json_pack("{s:I, s:[s,s]}", "org_id", (json_int_t)fx.dept, "stages", "公示", "公示");
	assert_int_not_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	assert_string_equal(fx.ctx.err.rule, "recruit.ladder_config");
	json_decref(body);
	body = json_pack("{s:I, s:[]}", "org_id", (json_int_t)fx.dept, "stages");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_ladder_config_set(&fx.ctx, body, &out), 0);
	json_decref(out);
	json_decref(body);
	assert_int_equal(query_int("SELECT count(*) FROM settings WHERE org_id = ? AND key = 'recruit.ladder'", fx.dept), 0);
	/* a broken setting stops decisions instead of silently switching the ladder off */
	set_ladder("[\"思想汇报\",3]");
	assert_int_not_equal(recruit_ladder_config_get(&sec, 0, &out), 0);
	assert_string_equal(sec.err.rule, "recruit.settings");
	set_ladder(NULL);
}

/* ---- special persons: 事前报告 ---------------------------------------------------------- */

static void test_special_report(void **state)
{
	struct ctx sec;
	json_t *rec = NULL, *j, *out = NULL, *steps, *last;
	char body[512], id[19], buf[64];
	int64_t sp, plain;
	(void)state;
	set_today("2026-06-30");
	/* the category is one of the documented ones */
	make_id(id, 1996, 3, 3);
	xsnprintf(body, sizeof(body), "{\"org_id\":%" PRId64 ",\"name\":\"某人\",\"id_number\":\"%s\",\"ethnicity\":\"01\","
				      "\"applied_on\":\"2023-11-01\",\"special\":\"boss\"}", fx.a, id);
	j = json_loads(body, 0, NULL);
	err_clear(&fx.ctx.err);
	assert_int_not_equal(recruit_create(&fx.ctx, j, &out), 0);
	assert_string_equal(fx.ctx.err.rule, "field.enum");
	json_decref(j);

	sp = new_special(fx.a, "private_owner");
	plain = new_recruit(fx.a);
	walk(sp, 6);
	walk(plain, 6);
	assert_string_equal(next_blocker(sp, 7, buf, sizeof(buf)), "recruit.special_report");
	assert_non_null(next_blocker(sp, RSTEP_PRIOR_REPORT, buf, sizeof(buf)));
	assert_null(next_blocker(plain, RSTEP_PRIOR_REPORT, buf, sizeof(buf)));
	refused(sp, 7, schedule[7], NULL, "recruit.special_report");
	refused(plain, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT, "recruit.not_special");
	refused(sp, RSTEP_PRIOR_REPORT, "2025-01-10", "\"data\":{}", "field.required");
	as_role(&sec, fx.a, ROLE_SECRETARY); /* the 基层党委 reports, not the branch */
	refused_as(&sec, sp, RSTEP_PRIOR_REPORT, "2025-01-10", REPORT, "recruit.level");
	ok_step(sp, RSTEP_PRIOR_REPORT, "2025-01-10", "\"data\":{\"reported_by\":\"镇党委组织委员\",\"reported_to\":\"伪造\"}");
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_get(&fx.ctx, sp, &rec), 0);
	assert_string_equal(str_of(rec, "special"), "private_owner");
	assert_string_equal(str_of(rec, "special_name"), "非公有制经济组织出资人");
	assert_string_equal(str_of(rec, "last_on"), "2025-01-10");
	steps = json_object_get(rec, "steps");
	last = json_array_get(steps, json_array_size(steps) - 1);
	assert_int_equal(json_integer_value(json_object_get(last, "step")), RSTEP_PRIOR_REPORT);
	assert_string_equal(str_of(last, "name"), "事前报告");
	assert_string_equal(str_of(last, "level"), "committee");
	assert_string_equal(str_of(json_object_get(last, "data"), "reported_by"), "镇党委组织委员");
	assert_string_equal(str_of(json_object_get(last, "data"), "reported_to"), "测试县委组织部"); /* derived */
	assert_int_equal(json_integer_value(json_object_get(rec, "last_step")), 6); /* a side record */
	json_decref(rec);
	assert_string_equal(next_blocker(sp, 7, buf, sizeof(buf)), "");
	ok_step(sp, 7, schedule[7], NULL);
	refused(sp, RSTEP_PRIOR_REPORT, "2025-02-02", REPORT, "recruit.step_order");
	ok_step(plain, 7, schedule[7], NULL);
}

/* ---- step 17: plan and 比例 -------------------------------------------------------------- */

static void set_plan(int year, int planned, int pct)
{
	json_t *body = pct >= 0 ? json_pack("{s:I, s:i, s:i, s:i}", "org_id", (json_int_t)fx.committee, "year", year, "planned",
					    planned, "special_units_max_pct", pct)
				: json_pack("{s:I, s:i, s:i}", "org_id", (json_int_t)fx.committee, "year", year, "planned", planned);
	json_t *out = NULL;
	err_clear(&fx.ctx.err);
	if (recruit_plan_set(&fx.ctx, body, &out))
		fail_ctx("recruit_plan_set", &fx.ctx);
	json_decref(out);
	json_decref(body);
}

static int64_t approved_2025(void)
{
	return query_int("SELECT count(*) FROM recruits WHERE approved_on >= '2025-01-01' AND approved_on <= '2025-12-31' "
			 "AND org_id > ?", 0);
}

static void test_plan_and_ratio(void **state)
{
	int64_t a1, a2, s1, s2, done;
	char want[128];
	(void)state;
	set_today("2026-06-30");
	done = approved_2025();
	/* 计划数: one more than what is already approved this year */
	set_plan(2025, (int)done + 1, -1);
	a1 = new_recruit(fx.a);
	a2 = new_recruit(fx.a);
	walk(a1, 16);
	walk(a2, 16);
	ok_step(a1, 17, schedule[17], NULL);
	refused(a2, 17, schedule[17], NULL, "recruit.plan_exceeded");
	xsnprintf(want, sizeof(want), "计划发展 %d 名，已发展 %d 名", (int)done + 1, (int)done + 1);
	assert_non_null(strstr(fx.ctx.err.message, want));
	/* another year's plan does not bind this one */
	set_plan(2026, 0, -1);
	refused(a2, 17, schedule[17], NULL, "recruit.plan_exceeded");
	/* raised by the level above (audited), the approval goes through */
	set_plan(2025, (int)done + 2, -1);
	ok_step(a2, 17, schedule[17], NULL);
	assert_int_equal(approved_2025(), done + 2);

	/* 比例: special persons at most ⌊planned × pct / 100⌋ of the year */
	s1 = special_at_16("new_social_class");
	s2 = special_at_16("special_unit");
	set_plan(2025, 10, 10); /* at most 1 special person (none so far) */
	assert_true(approved_2025() + 2 <= 10);
	ok_step(s1, 17, schedule[17], NULL);
	refused(s2, 17, schedule[17], NULL, "recruit.special_ratio");
	assert_non_null(strstr(fx.ctx.err.message, "已审批特殊对象 1 名"));
	assert_non_null(strstr(fx.ctx.err.message, "至多 1 名"));
	/* an ordinary person is not held by the special cap */
	a1 = new_recruit(fx.a);
	walk(a1, 17);
	set_plan(2025, 10, 20);
	ok_step(s2, 17, schedule[17], NULL);
	/* no cap without a percentage */
	set_plan(2025, 100, -1);
}

/* ---- list, detail and scores for the UI ---------------------------------------------------- */

static void test_list_detail_scores(void **state)
{
	json_t *items = NULL, *rec = NULL, *it, *step2, *names, *out = NULL, *years;
	int64_t id, total;
	size_t i;
	int seen = 0;
	(void)state;
	set_today("2026-06-30");
	id = new_recruit(fx.b);
	walk(id, 6);
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_list(&fx.ctx, fx.b, 0, NULL, NULL, 1, 200, &items, &total), 0);
	json_array_foreach(items, i, it) {
		if (json_integer_value(json_object_get(it, "id")) == id) {
			assert_string_equal(str_of(it, "last_on"), "2024-12-20"); /* the second 考察 */
			seen = 1;
		}
	}
	assert_true(seen);
	json_decref(items);

	assert_int_equal(recruit_get(&fx.ctx, id, &rec), 0);
	step2 = json_array_get(json_object_get(rec, "steps"), 1);
	assert_int_equal(json_integer_value(json_object_get(step2, "step")), 2);
	/* ids stay in "people"; "people_names" carries {"id","name"} */
	assert_int_equal(json_integer_value(json_array_get(json_object_get(json_object_get(step2, "people"), "talkers"), 0)),
			 fx.voters_b[0]);
	names = json_object_get(json_object_get(step2, "people_names"), "talkers");
	assert_int_equal(json_array_size(names), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(names, 0), "id")), fx.voters_b[0]);
	assert_string_equal(str_of(json_array_get(names, 0), "name"), "测试党员");
	assert_int_equal(json_object_size(json_object_get(json_array_get(json_object_get(rec, "steps"), 0), "people_names")), 0);
	json_decref(rec);

	add_score(id, 2025, 70);
	add_score(id, 2025, 49); /* 59.5: below 60 */
	err_clear(&fx.ctx.err);
	assert_int_equal(recruit_scores_list(&fx.ctx, id, &out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 4);
	years = json_object_get(out, "years");
	assert_int_equal(json_array_size(years), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 0), "year")), 2024);
	assert_true(json_real_value(json_object_get(json_array_get(years, 0), "average")) == 87.5);
	assert_string_equal(str_of(json_array_get(years, 0), "band"), "eligible");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 1), "count")), 2);
	assert_string_equal(str_of(json_array_get(years, 1), "band"), "eliminate");
	json_decref(out);
}

#define CONTROL_TESTS                                           \
	{                                                       \
		cmocka_unit_test(test_ladder),                  \
		cmocka_unit_test(test_ladder_config),           \
		cmocka_unit_test(test_special_report),          \
		cmocka_unit_test(test_plan_and_ratio),          \
		cmocka_unit_test(test_list_detail_scores),      \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = CONTROL_TESTS;
	const struct CMUnitTest pg_tests[] = CONTROL_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	failed = cmocka_run_group_tests_name("recruit_controls/sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("recruit_controls/postgres", pg_tests, setup_pg, teardown);
	else
		printf("recruit_controls/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
