/*
 * The province-scale bulk generator (domain/demo_scale.c) at a small size of the same
 * shape (a province of 2 cities, ~2,000 members), on SQLite and, with DJ_TEST_PG_URL, on
 * PostgreSQL: the tree's levels and counts, every ID number valid and matching the birth
 * date and sex, the aggregates the triggers keep equal — row for row — to those of the same
 * world generated with the triggers live, the triggers and indexes back in place, one
 * audit entry and a chain that verifies, and the app's own reports running on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "domain/audit.h"
#include "domain/demo_scale.h"
#include "domain/dues.h"
#include "domain/idcard.h"
#include "domain/meeting.h"
#include "domain/points_internal.h"
#include "domain/stats.h"
#include "domain/org.h"
#include "domain/stats_internal.h"
#include "store/store.h"
#include "util/config.h"
#include "util/date.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MEMBERS 2000
#define SEED 20260401u
/* 2026-03-15 12:00 in Asia/Shanghai */
#define CLOCK ((time_t)1773547200)

struct world {
	char path[300];
	struct store *store;
	struct config cfg;
	struct ctx ctx;
	struct demo_scale_report rep;
	int rc;
};

static char tmpdir[256];
static int nworlds;

static int world_open(struct world *w, int pg, int use_triggers)
{
	struct err e = { 0 };
	struct demo_scale_options opt;
	char url[512];
	struct db *db;

	memset(w, 0, sizeof(*w));
	if (pg) {
		xsnprintf(url, sizeof(url), "%s", getenv("DJ_TEST_PG_URL"));
	} else {
		xsnprintf(w->path, sizeof(w->path), "%s/scale%d.db", tmpdir, nworlds++);
		xsnprintf(url, sizeof(url), "sqlite:%s", w->path);
	}
	if (store_open(&w->store, url, 1, &e)) {
		fprintf(stderr, "store_open: %s\n", e.message);
		return -1;
	}
	db = store_acquire(w->store);
	/* one PostgreSQL database serves both worlds: start each from an empty schema */
	if (pg && db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", &e)) {
		fprintf(stderr, "reset: %s\n", e.message);
		return -1;
	}
	if (store_migrate(db, &e)) {
		fprintf(stderr, "migrate: %s\n", e.message);
		return -1;
	}
	config_defaults(&w->cfg);
	if (config_set(&w->cfg, "auth.pwhash=min", &e))
		return -1;
	w->ctx.db = db;
	w->ctx.cfg = &w->cfg;
	ctx_as_system(&w->ctx);
	ctx_set_clock(&w->ctx, CLOCK);
	memset(&opt, 0, sizeof(opt));
	opt.scale = "province";
	opt.members = MEMBERS;
	opt.seed = SEED;
	opt.use_triggers = use_triggers;
	opt.batch_rows = 7000; /* several commits even at this size */
	w->rc = demo_scale_generate(&w->ctx, &opt, &w->rep);
	if (w->rc)
		fprintf(stderr, "demo_scale_generate: %s (field %s, rule %s)\n", w->ctx.err.message, w->ctx.err.field,
			w->ctx.err.rule);
	return 0;
}

static void world_close(struct world *w)
{
	char p[320];
	if (w->ctx.db)
		store_release(w->store, w->ctx.db);
	store_close(w->store);
	if (w->path[0]) {
		unlink(w->path);
		xsnprintf(p, sizeof(p), "%s-wal", w->path);
		unlink(p);
		xsnprintf(p, sizeof(p), "%s-shm", w->path);
		unlink(p);
	}
}

static int64_t q1(struct world *w, const char *sql)
{
	struct stmt *st = db_prepare(w->ctx.db, sql, &w->ctx.err);
	int64_t v = -1;
	if (!st) {
		fprintf(stderr, "prepare %s: %s\n", sql, w->ctx.err.message);
		return -1;
	}
	if (stmt_step(st, &w->ctx.err) == STEP_ROW)
		v = stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

/* SHA-256 of every row of sql (columns as text, '|' between, '\n' after) */
static void digest(struct world *w, const char *sql, int ncols, char out[65], int64_t *rows)
{
	struct strbuf sb = STRBUF_INIT;
	struct stmt *st = db_prepare(w->ctx.db, sql, &w->ctx.err);
	int i;
	*rows = 0;
	assert_non_null(st);
	while (stmt_step(st, &w->ctx.err) == STEP_ROW) {
		for (i = 0; i < ncols; i++) {
			const char *t = stmt_text(st, i);
			strbuf_addstr(&sb, t ? t : "\\N");
			strbuf_addch(&sb, i + 1 < ncols ? '|' : '\n');
		}
		(*rows)++;
	}
	stmt_reset(st);
	sha256_hex(sb.buf ? sb.buf : "", sb.len, out);
	strbuf_release(&sb);
}

static const struct {
	const char *sql;
	int ncols;
} aggregates[] = {
	{ "SELECT id, direct_members FROM orgs ORDER BY id", 2 },
	{ "SELECT org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 FROM meeting_counts "
	  "ORDER BY org_id, year, kind",
	  15 },
	{ "SELECT member_id, year, month, meetings, attended, excused, talks FROM member_life_months "
	  "ORDER BY member_id, year, month",
	  7 },
	{ "SELECT member_id, ok_ym, first_ym, last_ym, org_id, org_path, state, join_date FROM member_life "
	  "ORDER BY member_id",
	  8 },
	{ "SELECT id, name, id_hash, birth_date, join_date, dues_paid_to FROM members ORDER BY id", 6 },
	/* 038 谈心谈话 per org (rows fallen to 0 count nothing) */
	{ "SELECT r.org_id, r.roster, t.year, t.talked FROM org_talk_roster r LEFT JOIN org_talks t "
	  "ON t.org_id = r.org_id AND t.talked <> 0 WHERE r.roster <> 0 ORDER BY r.org_id, t.year",
	  4 },
	/* 036 党内统计 counts per ancestor and by birth date (rows fallen to 0 count nothing) */
	{ "SELECT org_id, direct, direct_full, total, g1, g2, g0, e01, e03, e_other, edu0, edu1, edu2, edu3, edu4, edu5, "
	  "edu6, jp0, jp1, jp2, jp3, jp4, jp5, jp6, cat_full, cat_prob, suspended, lost, floating FROM stats_kept "
	  "WHERE total <> 0 ORDER BY org_id",
	  29 },
	{ "SELECT org_id, birth_date, n FROM stats_births WHERE n <> 0 ORDER BY org_id, birth_date", 3 },
	{ "SELECT org_id, k_dept, k_committee, k_general_branch, k_branch, k_joint_branch, k_group, s0, s1, s2, s3, s4, "
	  "p0, p1, p2, p3 FROM stats_org_kept WHERE k_dept + k_committee + k_general_branch + k_branch + k_joint_branch + "
	  "k_group <> 0 ORDER BY org_id",
	  16 },
	{ "SELECT org_id, term_end, n FROM stats_org_terms WHERE n <> 0 ORDER BY org_id, term_end", 3 },
	/* 037 arrears figures per member and their sums per org (the live world's queue drained in check_world) */
	{ "SELECT member_id, org_id, org_path, ok, k, a, b, v FROM dues_owed ORDER BY member_id", 8 },
	{ "SELECT org_id, k, members, a, b FROM dues_owed_sums WHERE members <> 0 ORDER BY org_id, k", 5 },
	/* 046 payments per path prefix, year and kind */
	{ "SELECT path, year, kind, n FROM dues_pay_tally WHERE n <> 0 ORDER BY path, year, kind", 4 },
	/* 039 kept period values per subject, score histograms and active members per org */
	{ "SELECT target, subject_id, year, pcode, award_x10, deduct_x10, entries FROM point_period_scores "
	  "ORDER BY target, subject_id, year, pcode",
	  7 },
	{ "SELECT org_id, target, year, pcode, award_x10, deduct_x10, n, entries FROM point_score_hist WHERE n <> 0 "
	  "ORDER BY org_id, target, year, pcode, award_x10, deduct_x10",
	  8 },
	{ "SELECT org_id, target, n FROM point_subject_counts WHERE n <> 0 ORDER BY org_id, target", 3 },
	/* 040 months with meetings per org and year, 党小组 that met per month, 党小组 per org */
	{ "SELECT 'k', year, org_id, months, months2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM compliance_kept "
	  "WHERE months <> 0 OR months2 <> 0 UNION ALL SELECT 'g', year, org_id, g1, g2, g3, g4, g5, g6, g7, g8, g9, "
	  "g10, g11, g12 FROM compliance_group_months WHERE g1 + g2 + g3 + g4 + g5 + g6 + g7 + g8 + g9 + g10 + g11 + "
	  "g12 <> 0 ORDER BY 1, 2, 3",
	  15 },
	{ "SELECT org_id, groups FROM org_group_counts WHERE groups <> 0 ORDER BY org_id", 2 },
};

static void check_world(struct world *w, int pg)
{
	struct stmt *st;
	struct audit_verify_result av;
	struct strbuf sb = STRBUF_INIT;
	struct stats_ref ref;
	json_t *tables = NULL;
	int64_t n, bad = 0;

	assert_int_equal(w->rc, 0);
	/* the members the live triggers queued worked out; the kept arrears equal the reference */
	assert_int_equal(dues_owed_refresh(&w->ctx), 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM dues_owed_stale"), 0);
	assert_true(q1(w, "SELECT count(*) FROM dues_owed") > MEMBERS / 2);
	{
		json_t *r = NULL, *k = NULL;
		int64_t root = q1(w, "SELECT id FROM orgs WHERE depth = 0");
		assert_int_equal(dues_arrears_how(&w->ctx, root, 1, 1, 100000, DUES_ARREARS_REF, &r), 0);
		assert_int_equal(dues_arrears_how(&w->ctx, root, 1, 1, 100000, DUES_ARREARS_KEPT, &k), 0);
		assert_true(json_array_size(json_object_get(r, "items")) > 0);
		assert_true(json_equal(json_object_get(r, "items"), json_object_get(k, "items")));
		assert_int_equal(json_integer_value(json_object_get(r, "total")), json_integer_value(json_object_get(k, "total")));
		json_decref(r);
		json_decref(k);
	}
	/* the tree: 省 (0) → 市 (1) → 县 (2) → 乡镇 / 机关工委 (3) → 支部 (4) → 党小组 (5) */
	assert_int_equal(w->rep.members, MEMBERS);
	assert_int_equal(q1(w, "SELECT count(*) FROM members"), MEMBERS);
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs WHERE depth = 0"), 1);
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs WHERE depth = 1 AND kind = 'dept'"), 2);
	assert_true(q1(w, "SELECT count(*) FROM orgs WHERE depth = 2 AND kind = 'dept'") >= 4);
	assert_true(q1(w, "SELECT count(*) FROM orgs WHERE depth = 3 AND kind = 'committee' AND can_approve = 1") >= 8);
	assert_int_equal(q1(w, "SELECT max(depth) FROM orgs"), 5);
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs WHERE kind IN ('branch', 'joint_branch') AND depth <> 4"), 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs WHERE kind = 'group' AND depth <> 5"), 0);
	assert_true(q1(w, "SELECT count(*) FROM orgs WHERE kind = 'group'") > 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs"), w->rep.orgs);
	/* every member sits in a branch whose path is their org_path; the group under it */
	assert_int_equal(q1(w, "SELECT count(*) FROM members m JOIN orgs o ON o.id = m.org_id "
			       "WHERE o.kind NOT IN ('branch', 'joint_branch') OR o.path <> m.org_path"),
			 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM members m JOIN orgs g ON g.id = m.group_id WHERE g.parent_id <> m.org_id"),
			 0);
	/* the rest of the year */
	assert_int_equal(q1(w, "SELECT count(*) FROM meeting_attendance"), w->rep.attendance);
	assert_true(w->rep.attendance > 20 * MEMBERS);
	assert_true(q1(w, "SELECT count(*) FROM meetings WHERE kind = 'party_congress'") > 0);
	assert_true(q1(w, "SELECT count(*) FROM meeting_attendance WHERE status = 'present'") * 100 >
		    w->rep.attendance * 80);
	assert_int_equal(q1(w, "SELECT count(*) FROM dues_months"), w->rep.dues_months);
	assert_true(q1(w, "SELECT count(*) FROM members WHERE dues_paid_to IS NOT NULL AND dues_paid_to < '2026-02'") > 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM point_entries"), w->rep.point_entries);
	assert_true(q1(w, "SELECT count(*) FROM point_rollups") > 0);
	assert_true(w->rep.recruits > 0);
	assert_int_equal(q1(w, "SELECT count(*) FROM recruits"), w->rep.recruits);

	/* every ID number valid, its birth date and sex those recorded, 18 at joining */
	st = db_prepare(w->ctx.db, "SELECT id_enc, birth_date, gender, join_date, id_mask FROM members", &w->ctx.err);
	assert_non_null(st);
	n = 0;
	while (stmt_step(st, &w->ctx.err) == STEP_ROW) {
		char *plain = NULL, bd[11], mask[40];
		struct idcard_info info;
		struct err e = { 0 };
		struct date birth, join;
		n++;
		if (pii_decrypt(stmt_text(st, 0), &plain, &e) || idcard_parse_on(plain, w->ctx.today, &info, &e)) {
			bad++;
			free(plain);
			continue;
		}
		date_format(info.birth, bd);
		idcard_mask(info.normalized, mask, sizeof(mask));
		if (strcmp(bd, stmt_text(st, 1)) || info.gender != (int)(stmt_text(st, 2)[0] - '0') ||
		    strcmp(mask, stmt_text(st, 4)) || date_parse(stmt_text(st, 1), &birth) ||
		    date_parse(stmt_text(st, 3), &join) || date_full_years(birth, join) < 18)
			bad++;
		free(plain);
	}
	stmt_reset(st);
	assert_int_equal(n, MEMBERS);
	assert_int_equal(bad, 0);
	assert_int_equal(q1(w, "SELECT count(DISTINCT id_hash) FROM members"), MEMBERS);

	/* the kept counts agree with a count of the rows */
	assert_int_equal(q1(w, "SELECT count(*) FROM orgs o WHERE direct_members <> (SELECT count(*) FROM members m "
			       "WHERE m.org_id = o.id AND m.state IN ('active', 'transferring'))"),
			 0);
	assert_int_equal(q1(w, "SELECT sum(meetings) FROM member_life_months"), w->rep.attendance);

	/* every fact row in its top-level org's partition (041), none left in the default ones */
	if (pg) {
		assert_int_equal(q1(w, "SELECT (SELECT count(*) FROM meeting_attendance_default) + (SELECT count(*) FROM "
				       "dues_months_default) + (SELECT count(*) FROM member_life_months_default)"),
				 0);
		assert_int_equal(q1(w, "SELECT count(*) FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id "
				       "WHERE a.top_org_id <> dj_top_org(mt.org_path)"),
				 0);
		assert_int_equal(q1(w, "SELECT count(*) FROM dues_months WHERE top_org_id <> dj_top_org(org_path)"), 0);
		assert_int_equal(q1(w, "SELECT count(*) FROM member_life_months l JOIN members m ON m.id = l.member_id "
				       "WHERE l.top_org_id <> dj_top_org(m.org_path)"),
				 0);
		assert_true(q1(w, "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
				  "WHERE p.relname = 'meeting_attendance'") > 2);
	}

	/* triggers back on */
	if (pg)
		assert_int_equal(q1(w, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"), 0);

	/* one audit entry for the generation (plus the indicator set and the admin account); chain intact */
	assert_int_equal(q1(w, "SELECT count(*) FROM audit_log WHERE action = 'demo_scale'"), 1);
	assert_int_equal(audit_verify(&w->ctx, &av), 0);
	assert_true(av.ok);

	/* the kept standings (039) give the pass's rankings and summary of the province */
	{
		static const char *const periods[] = { "2025", "2025Q4", "2026Q1", "2026-02" };
		int64_t root = q1(w, "SELECT id FROM orgs WHERE depth = 0");
		size_t k;
		for (k = 0; k < sizeof(periods) / sizeof(periods[0]); k++) {
			json_t *r[4];
			char *t[4];
			int way;
			for (way = 0; way < 2; way++) {
				points_agg_min_members = way ? -1 : INT64_MAX;
				assert_int_equal(points_rankings(&w->ctx, root, "member", periods[k], 3, 100, &r[way]), 0);
				assert_int_equal(points_summary(&w->ctx, root, periods[k], &r[2 + way]), 0);
			}
			points_agg_min_members = 20000;
			for (way = 0; way < 4; way++)
				t[way] = json_dumps(r[way], JSON_SORT_KEYS | JSON_COMPACT);
			assert_string_equal(t[0], t[1]);
			assert_string_equal(t[2], t[3]);
			for (way = 0; way < 4; way++) {
				free(t[way]);
				json_decref(r[way]);
			}
		}
	}
	/* the app's reports on it */
	assert_int_equal(compliance_report_json(&w->ctx, 0, 2025, 0, 0, &sb), 0);
	assert_non_null(strstr(sb.buf, "党支部"));
	strbuf_release(&sb);
	assert_int_equal(stats_ref_init(&w->ctx, 2026, &ref), 0);
	assert_int_equal(stats_tables(&w->ctx, 0, &ref, &tables), 0);
	assert_int_equal(json_integer_value(json_object_get(tables, "total")), MEMBERS);
	json_decref(tables);
	/* the kept counts (036) give the pass's tables for the province and a county, this year and last */
	{
		static const char *const roots[] = { "SELECT id FROM orgs WHERE depth = 0", "SELECT min(id) FROM orgs WHERE depth = 2" };
		struct stats_counts fold, kept;
		struct org root;
		char hi[PATH_MAX_LEN];
		size_t k;
		struct stats_ref past;
		assert_int_equal(stats_ref_init(&w->ctx, 2025, &past), 0);
		for (k = 0; k < 4; k++) {
			assert_int_equal(stats_scope(&w->ctx, q1(w, roots[k / 2]), &root, hi, sizeof(hi)), 0);
			assert_int_equal(stats_compute_fold(&w->ctx, &root, hi, k % 2 ? &past : &ref, &fold), 0);
			assert_int_equal(stats_kept_compute(&w->ctx, &root, hi, k % 2 ? &past : &ref, -1, &kept), 0);
			assert_true(fold.total > 0);
			assert_memory_equal(&fold, &kept, sizeof(fold));
		}
	}
}

#define SCHEMA_SQLITE "SELECT count(*) FROM sqlite_master WHERE type IN ('index', 'trigger')"
#define SCHEMA_PG                                                                                            \
	"SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()) + "                    \
	"(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D') + "                   \
	"(SELECT count(*) FROM pg_constraint WHERE contype IN ('f', 'p'))"

/* the bulk path (triggers and indexes set aside, aggregates rebuilt) against the live triggers */
static void run_backend(int pg)
{
	struct world bulk, live;
	size_t i;
	assert_int_equal(world_open(&bulk, pg, 0), 0);
	check_world(&bulk, pg);
	{
		char d1[sizeof(aggregates) / sizeof(aggregates[0])][65];
		int64_t r1[sizeof(aggregates) / sizeof(aggregates[0])];
		int64_t schema_bulk = q1(&bulk, pg ? SCHEMA_PG : SCHEMA_SQLITE);
		for (i = 0; i < sizeof(aggregates) / sizeof(aggregates[0]); i++)
			digest(&bulk, aggregates[i].sql, aggregates[i].ncols, d1[i], &r1[i]);
		world_close(&bulk);

		assert_int_equal(world_open(&live, pg, 1), 0);
		check_world(&live, pg);
		/* every index, trigger and (PostgreSQL) foreign and primary key set aside is back, the triggers enabled */
		assert_true(schema_bulk > 20);
		assert_int_equal(q1(&live, pg ? SCHEMA_PG : SCHEMA_SQLITE), schema_bulk);
		for (i = 0; i < sizeof(aggregates) / sizeof(aggregates[0]); i++) {
			char d2[65];
			int64_t r2;
			digest(&live, aggregates[i].sql, aggregates[i].ncols, d2, &r2);
			if (strcmp(d1[i], d2) || r1[i] != r2)
				fprintf(stderr, "differs: %s (%lld vs %lld rows)\n", aggregates[i].sql, (long long)r1[i],
					(long long)r2);
			assert_true(r2 > 0);
			assert_int_equal(r1[i], r2);
			assert_string_equal(d1[i], d2);
		}
		world_close(&live);
	}
}

static void test_sqlite(void **state)
{
	(void)state;
	run_backend(0);
}

static void test_pg(void **state)
{
	(void)state;
	if (!getenv("DJ_TEST_PG_URL") || !getenv("DJ_TEST_PG_URL")[0])
		skip();
	run_backend(1);
}

static void test_options(void **state)
{
	struct world w;
	struct err e = { 0 };
	struct demo_scale_options opt;
	struct demo_scale_report rep;
	struct db *db;
	char url[320];
	(void)state;
	memset(&w, 0, sizeof(w));
	xsnprintf(w.path, sizeof(w.path), "%s/scale-opt.db", tmpdir);
	xsnprintf(url, sizeof(url), "sqlite:%s", w.path);
	assert_int_equal(store_open(&w.store, url, 1, &e), 0);
	db = store_acquire(w.store);
	assert_int_equal(store_migrate(db, &e), 0);
	config_defaults(&w.cfg);
	w.ctx.db = db;
	w.ctx.cfg = &w.cfg;
	ctx_as_system(&w.ctx);
	ctx_set_clock(&w.ctx, CLOCK);
	memset(&opt, 0, sizeof(opt));
	opt.scale = "galaxy";
	assert_int_equal(demo_scale_generate(&w.ctx, &opt, &rep), E_INVALID);
	assert_string_equal(w.ctx.err.field, "scale");
	opt.scale = "county";
	opt.members = 10;
	assert_int_equal(demo_scale_generate(&w.ctx, &opt, &rep), E_INVALID);
	assert_string_equal(w.ctx.err.field, "members");
	assert_int_equal(demo_scale_default_members("province"), 10000000);
	assert_int_equal(q1(&w, "SELECT count(*) FROM orgs"), 0);
	world_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_pg),
	};
	struct err e = { 0 };
	char key[300];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int rc;
	xsnprintf(tmpdir, sizeof(tmpdir), "%s/dj-scale-XXXXXX", tmp);
	if (!mkdtemp(tmpdir))
		return 1;
	xsnprintf(key, sizeof(key), "%s/keys", tmpdir);
	if (pii_load_keys(key, 1, &e)) {
		fprintf(stderr, "keys: %s\n", e.message);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(key);
	rmdir(tmpdir);
	return rc;
}
