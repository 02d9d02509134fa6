/* The shared organizational-life fixture: see life_fixture.h for who owns what. */
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
#include "life_fixture.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct ctx *life_ctx;
unsigned life_id_counter;
int life_id_year = 1980;
const char *life_member_name = "测试党员";
const struct life_suite *life_active_suite;

void life_fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

void life_set_today(int y, int m, int d)
{
	struct date dt = { y, m, d };
	ctx_set_clock(life_ctx, (time_t)(date_to_days(dt) * 86400 + 4 * 3600));
}

int64_t life_make_org(int64_t parent, const char *kind, const char *name, int committee_size)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	o.committee_size = committee_size;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	err_clear(&life_ctx->err);
	if (org_create(life_ctx, &o))
		life_fail_ctx("org_create", life_ctx);
	return o.id;
}

int64_t life_make_member_ex(int64_t org_id, int64_t group_id, const char *category, const char *discipline,
			    const char *lost_since)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	struct member m;
	char id[19];
	unsigned i = life_id_counter++, s = 0, k;
	memset(&m, 0, sizeof(m));
	xsnprintf(id, sizeof(id), "110105%04d%02u%02u%03u", life_id_year, 1 + i % 12, 1 + (i / 12) % 28,
		  (unsigned)(getpid() + i / 336) % 1000);
	for (k = 0; k < 17; k++)
		s += (unsigned)(id[k] - '0') * (unsigned)w[k];
	id[17] = "10X98765432"[s % 11];
	id[18] = '\0';
	m.org_id = org_id;
	m.group_id = group_id;
	strlcpy_z(m.name, life_member_name, sizeof(m.name));
	strlcpy_z(m.id_number, id, sizeof(m.id_number));
	strlcpy_z(m.ethnicity, "01", sizeof(m.ethnicity));
	strlcpy_z(m.category, category, sizeof(m.category));
	strlcpy_z(m.join_date, "2005-07-01", sizeof(m.join_date));
	if (!strcmp(category, "full"))
		strlcpy_z(m.full_date, "2006-07-01", sizeof(m.full_date));
	strlcpy_z(m.discipline, discipline, sizeof(m.discipline));
	if (lost_since) {
		m.lost_contact = 1;
		strlcpy_z(m.lost_since, lost_since, sizeof(m.lost_since));
	}
	err_clear(&life_ctx->err);
	if (member_create(life_ctx, &m))
		life_fail_ctx("member_create", life_ctx);
	return m.id;
}

int64_t life_make_member(int64_t org_id)
{
	return life_make_member_ex(org_id, 0, "full", "none", NULL);
}

void life_make_towns(const char *prefix, struct life_towns *t)
{
	char name[128];
	xsnprintf(name, sizeof(name), "%s县委组织部", prefix);
	t->top = life_make_org(0, "dept", name, 0);
	xsnprintf(name, sizeof(name), "%s镇党委", prefix);
	t->town = life_make_org(t->top, "committee", name, 0);
	xsnprintf(name, sizeof(name), "%s东村党支部", prefix);
	t->a = life_make_org(t->town, "branch", name, 3);
	xsnprintf(name, sizeof(name), "%s西村党支部", prefix);
	t->b = life_make_org(t->town, "branch", name, 3);
	xsnprintf(name, sizeof(name), "%s乡党委", prefix);
	t->town2 = life_make_org(t->top, "committee", name, 0);
	xsnprintf(name, sizeof(name), "%s南村党支部", prefix);
	t->c = life_make_org(t->town2, "branch", name, 3);
}

void life_make_town_tree(const char *prefix, int64_t *top, int64_t *town, int64_t *a, int64_t *b)
{
	char name[128];
	xsnprintf(name, sizeof(name), "%s组织部", prefix);
	*top = life_make_org(0, "dept", name, 0);
	xsnprintf(name, sizeof(name), "%s镇党委", prefix);
	*town = life_make_org(*top, "committee", name, 0);
	xsnprintf(name, sizeof(name), "%s东村党支部", prefix);
	*a = life_make_org(*town, "branch", name, 3);
	if (b) {
		xsnprintf(name, sizeof(name), "%s西村党支部", prefix);
		*b = life_make_org(*town, "branch", name, 3);
	}
}

void life_make_members(int64_t org, int64_t *ids, int n)
{
	int i;
	for (i = 0; i < n; i++)
		ids[i] = life_make_member(org);
}

void life_act_as(enum role role, int64_t org, int64_t member_id)
{
	struct org o;
	ctx_as_system(life_ctx);
	err_clear(&life_ctx->err);
	if (org_get(life_ctx, org, &o))
		life_fail_ctx("act as", life_ctx);
	life_ctx->actor.user_id = 0;
	life_ctx->actor.role = role;
	life_ctx->actor.org_id = org;
	strlcpy_z(life_ctx->actor.org_path, o.path, sizeof(life_ctx->actor.org_path));
	life_ctx->actor.member_id = member_id;
	err_clear(&life_ctx->err);
}

void life_copy_as(struct ctx *c, int64_t org, enum role role)
{
	struct org o;
	err_clear(&life_ctx->err);
	if (org_get(life_ctx, org, &o))
		life_fail_ctx("org_get", life_ctx);
	*c = *life_ctx;
	c->actor.role = role;
	c->actor.user_id = 0;
	c->actor.org_id = org;
	strlcpy_z(c->actor.org_path, o.path, sizeof(c->actor.org_path));
	err_clear(&c->err);
}

void life_expect_refusal(int rc, const struct ctx *c, enum err_code code, const char *rule)
{
	if (rc != (int)code)
		fail_msg("expected %s (%s), got rc %d: %s", err_code_name(code), rule ? rule : "-", rc, c->err.message);
	if (rule)
		assert_string_equal(c->err.rule, rule);
}

int life_setup(struct life_store *s, struct ctx *ctx, const char *tag, int pg)
{
	return life_setup_conns(s, ctx, tag, pg, 2);
}

int life_setup_conns(struct life_store *s, struct ctx *ctx, const char *tag, int pg, int conns)
{
	struct err e = { 0 };
	struct db *db;
	char key[300];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int fd;
	if (pg) {
		strlcpy_z(s->url, getenv("DJ_TEST_PG_URL"), sizeof(s->url));
	} else {
		xsnprintf(s->sqlite_path, sizeof(s->sqlite_path), "%s/dj-test-%s-XXXXXX", tmp, tag);
		fd = mkstemp(s->sqlite_path);
		if (fd < 0)
			return -1;
		close(fd);
		xsnprintf(s->url, sizeof(s->url), "sqlite:%s", s->sqlite_path);
	}
	xsnprintf(key, sizeof(key), "%s/dj-test-%s-%d.key", tmp, tag, (int)getpid());
	if (!pii_keys_loaded() && pii_load_keys(key, 1, &e)) {
		fprintf(stderr, "pii_load_keys: %s\n", e.message);
		return -1;
	}
	unlink(key);
	if (store_open(&s->store, s->url, conns, &e)) {
		fprintf(stderr, "store_open: %s\n", e.message);
		return -1;
	}
	db = store_acquire(s->store);
	if (store_migrate(db, &e)) {
		fprintf(stderr, "store_migrate: %s\n", e.message);
		store_release(s->store, db);
		return -1;
	}
	ctx->db = db;
	ctx_as_system(ctx);
	ctx_set_clock(ctx, time(NULL));
	life_ctx = ctx;
	return 0;
}

void life_teardown(struct life_store *s, struct ctx *ctx)
{
	char path[300];
	if (ctx->db)
		store_release(s->store, ctx->db);
	store_close(s->store);
	if (s->sqlite_path[0]) {
		unlink(s->sqlite_path);
		xsnprintf(path, sizeof(path), "%s-wal", s->sqlite_path);
		unlink(path);
		xsnprintf(path, sizeof(path), "%s-shm", s->sqlite_path);
		unlink(path);
	}
	life_ctx = NULL;
}

static int life_suite_setup(int pg)
{
	memset(life_active_suite->fixture, 0, life_active_suite->size);
	if (life_setup_conns(life_active_suite->ls, life_active_suite->ctx, life_active_suite->tag, pg,
			     life_active_suite->conns))
		return -1;
	return life_active_suite->populate(pg);
}

int life_suite_setup_sqlite(void **state)
{
	(void)state;
	return life_suite_setup(0);
}

int life_suite_setup_pg(void **state)
{
	(void)state;
	return life_suite_setup(1);
}

int life_suite_teardown(void **state)
{
	(void)state;
	life_teardown(life_active_suite->ls, life_active_suite->ctx);
	memset(life_active_suite->fixture, 0, life_active_suite->size);
	return 0;
}

void life_keep_member_life(int64_t member, int ok_ym)
{
	struct stmt *st = db_prepare(
		life_ctx->db,
		"INSERT INTO member_life (member_id, ok_ym, first_ym, last_ym, org_id, org_path, state, join_date) "
		"SELECT m.id, CAST(? AS INTEGER), (SELECT coalesce(min(l.year * 100 + l.month), 0) FROM member_life_months l "
		"WHERE l.member_id = m.id AND l.meetings > 0), (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM "
		"member_life_months l WHERE l.member_id = m.id AND l.meetings > 0), m.org_id, m.org_path, m.state, "
		"m.join_date FROM members m WHERE m.id = ? ON CONFLICT (member_id) DO UPDATE SET ok_ym = excluded.ok_ym, "
		"first_ym = excluded.first_ym, last_ym = excluded.last_ym, org_id = excluded.org_id, "
		"org_path = excluded.org_path, state = excluded.state, join_date = excluded.join_date",
		&life_ctx->err);
	if (!st)
		life_fail_ctx("member_life", life_ctx);
	stmt_bind_int(st, 1, ok_ym);
	stmt_bind_int(st, 2, member);
	if (stmt_step(st, &life_ctx->err) != STEP_DONE)
		life_fail_ctx("member_life", life_ctx);
	stmt_reset(st);
}
