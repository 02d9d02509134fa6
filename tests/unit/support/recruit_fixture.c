/* The shared 发展党员 fixture: see recruit_fixture.h for who owns what. */
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
#include "recruit_fixture.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture fx;
unsigned id_counter;
const char *recruit_fixture_tag = "recruit";

void fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

void set_today(const char *day)
{
	struct date d;
	assert_int_equal(date_parse(day, &d), 0);
	/* noon in Shanghai */
	ctx_set_clock(&fx.ctx, (time_t)(date_to_days(d) * 86400 + 4 * 3600));
}

int64_t make_org(int64_t parent, const char *kind, const char *name, int can_approve, int temporary)
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
void make_id(char *id, int year, int month, int day)
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

int64_t make_member(int64_t org_id, const char *category, const char *discipline)
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

void exec_sql(const char *sql, int64_t a, const char *b, const char *c)
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

int64_t query_int(const char *sql, int64_t a)
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

void add_score(int64_t id, int year, int score)
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
	xsnprintf(key, sizeof(key), "%s/dj-test-%s-%d.key", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		  recruit_fixture_tag, (int)getpid());
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

int setup_sqlite(void **state)
{
	int fd;
	(void)state;
	memset(&fx, 0, sizeof(fx));
	xsnprintf(fx.sqlite_path, sizeof(fx.sqlite_path), "%s/dj-test-%s-XXXXXX",
		  getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", recruit_fixture_tag);
	fd = mkstemp(fx.sqlite_path);
	if (fd < 0)
		return -1;
	close(fd);
	xsnprintf(fx.url, sizeof(fx.url), "sqlite:%s", fx.sqlite_path);
	return open_fixture();
}

int setup_pg(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	strlcpy_z(fx.url, getenv("DJ_TEST_PG_URL"), sizeof(fx.url));
	return open_fixture();
}

int teardown(void **state)
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

/* The standard schedule: dates that satisfy every rule (step 6 is recorded twice). */
const char *const schedule[26] = {
	NULL,         "2023-11-01", "2023-11-20", "2024-02-01", "2024-02-05", "2024-02-10", "2024-07-01",
	"2025-02-01", "2025-02-05", "2025-02-10", "2025-02-15", "2025-02-20", "2025-03-01",
	"2025-03-20", "2025-03-22", "2025-03-25", "2025-04-01", "2025-04-10", "2025-04-15",
	"2025-04-20", "2025-04-25", "2025-10-10", "2026-02-25", "2026-03-25", "2026-04-10",
	"2026-04-20",
};

int64_t branch_of(int64_t id)
{
	return query_int("SELECT org_id FROM recruits WHERE id = ?", id);
}

int64_t voters_in(int64_t branch)
{
	return query_int("SELECT count(*) FROM members WHERE org_id = ? AND state = 'active' AND category = 'full' AND "
			 "party_status = 'normal' AND discipline = 'none'", branch);
}

/* The standard people/data of a step as body members (without braces). */
void std_extra(int64_t id, int step, char *buf, size_t size)
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

int64_t version_of(int64_t id)
{
	return query_int("SELECT version FROM recruits WHERE id = ?", id);
}

/* Records a step as c (NULL: the system actor); extra NULL = the standard people/data. */
int record_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, json_t **out)
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

void ok_step(int64_t id, int step, const char *on, const char *extra)
{
	if (record_as(NULL, id, step, on, extra, NULL))
		fail_msg("step %d on %s: %s (rule %s)", step, on, fx.ctx.err.message, fx.ctx.err.rule);
}

void take(int64_t id, struct snap *s)
{
	s->version = version_of(id);
	s->steps = query_int("SELECT count(*) FROM recruit_steps WHERE recruit_id = ?", id);
	s->audit = query_int("SELECT count(*) FROM audit_log WHERE id > ?", 0);
	s->members = query_int("SELECT count(*) FROM members WHERE id > ?", 0);
	s->history = query_int("SELECT count(*) FROM member_history WHERE id > ?", 0);
}

/* The step is refused with rule (E_RULE unless code says otherwise) and nothing is written. */
void refused_as(struct ctx *c, int64_t id, int step, const char *on, const char *extra, const char *rule)
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

void refused(int64_t id, int step, const char *on, const char *extra, const char *rule)
{
	refused_as(NULL, id, step, on, extra, rule);
}

/* A new applicant of branch, applied on the schedule's date; scores: 1 = a passing year. */
int64_t new_recruit_on(int64_t branch, const char *applied_on, int scores)
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

int64_t new_recruit(int64_t branch)
{
	return new_recruit_on(branch, schedule[1], 1);
}

/* Records the standard steps after the record's last one up to and including upto. */
void walk(int64_t id, int upto)
{
	int last = (int)query_int("SELECT last_step FROM recruits WHERE id = ?", id), s;
	for (s = last + 1; s <= upto; s++) {
		ok_step(id, s, schedule[s], NULL);
		if (s == 6)
			ok_step(id, 6, "2024-12-20", NULL);
	}
}

void as_role(struct ctx *c, int64_t org_id, enum role role)
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
