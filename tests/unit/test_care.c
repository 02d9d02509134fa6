/*
 * 关怀帮扶 and the 自行脱党 warnings in the domain layer with an injected today
 * (2026-03-10): the elderly bands (parse, ages 59/60/69/70 in the year, the highest band
 * reached, a configured set), issue-once, a subtree past the paging limit walked page by
 * page against its whole list, festival and hardship records with their
 * refusals, totals per year, kind and branch, scope; the lapse rule at 5 and 6 months
 * for dues (from members.dues_from / dues_paid_to) and for organizational life (the
 * figures of 014, written here directly), both, excused members and members transferred
 * out. Runs on SQLite and again on PostgreSQL when DJ_TEST_PG_URL is set.
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
#include "domain/care.h"
#include "domain/lapse.h"
#include "domain/meeting.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	int64_t top, town, a, b, c;
	int64_t old59, old60, old69, old70, old86, mb;
	int64_t life6, life5, dues6, dues5, both, excused, gone, newcomer, nobase, latebase;
};

static struct fixture fx;

static void exec_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void exec_sql(const char *fmt, ...)
{
	char sql[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	err_clear(&fx.ctx.err);
	if (db_exec(fx.ctx.db, sql, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static void born(int64_t member, int year)
{
	exec_sql("UPDATE members SET birth_date = '%04d-06-15' WHERE id = %" PRId64, year, member);
}

/* meetings recorded in months from..to (year*100+month) with none attended, and the last month with life */
static void no_life(int64_t member, int from_ym, int to_ym, int ok_ym)
{
	int ym;
	for (ym = from_ym; ym <= to_ym; ym = ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1)
		exec_sql("INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks) "
			 "VALUES (%" PRId64 ", %d, %d, 2, 0, 0, 0)",
			 member, ym / 100, ym % 100);
	if (ok_ym)
		exec_sql("INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks) "
			 "VALUES (%" PRId64 ", %d, %d, 1, 1, 0, 0)",
			 member, ok_ym / 100, ok_ym % 100);
	life_keep_member_life(member, ok_ym);
}

static void dues(int64_t member, const char *from, const char *paid_to)
{
	if (paid_to)
		exec_sql("UPDATE members SET dues_from = '%s', dues_paid_to = '%s' WHERE id = %" PRId64, from, paid_to, member);
	else
		exec_sql("UPDATE members SET dues_from = '%s', dues_paid_to = NULL WHERE id = %" PRId64, from, member);
}

static int populate(int pg)
{
	(void)pg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("关怀", &fx.top, &fx.town, &fx.a, &fx.b);
	fx.c = life_make_org(fx.town, "branch", "预警南村党支部", 3);
	fx.old59 = life_make_member(fx.a);
	fx.old60 = life_make_member(fx.a);
	fx.old69 = life_make_member(fx.a);
	fx.old70 = life_make_member(fx.b);
	fx.old86 = life_make_member(fx.b);
	fx.mb = life_make_member(fx.b);
	born(fx.old59, 1967);
	born(fx.old60, 1966);
	born(fx.old69, 1957);
	born(fx.old70, 1956);
	born(fx.old86, 1940);
	born(fx.mb, 1985);

	fx.life6 = life_make_member(fx.c);
	fx.life5 = life_make_member(fx.c);
	fx.dues6 = life_make_member(fx.c);
	fx.dues5 = life_make_member(fx.c);
	fx.both = life_make_member(fx.c);
	fx.excused = life_make_member(fx.c);
	fx.gone = life_make_member(fx.c);
	fx.newcomer = life_make_member(fx.c);
	/* everyone paid up to last month, except as set below */
	exec_sql("UPDATE members SET dues_from = '2020-01', dues_paid_to = '2026-02'");
	/* life: nothing attended 2025-09..2026-02 (6 months) vs 2025-10..2026-02 (5 months) */
	no_life(fx.life6, 202509, 202603, 202508);
	no_life(fx.life5, 202510, 202603, 202509);
	/* dues: paid to 2025-08 → 2025-09..2026-02 unpaid (6); to 2025-09 → 5 */
	dues(fx.dues6, "2020-01", "2025-08");
	dues(fx.dues5, "2020-01", "2025-09");
	no_life(fx.both, 202506, 202603, 202505);
	dues(fx.both, "2020-01", "2025-05");
	dues(fx.excused, "2020-01", "2025-01");
	dues(fx.gone, "2020-01", "2025-01");
	exec_sql("UPDATE members SET state = 'transferred_out' WHERE id = %" PRId64, fx.gone);
	/* dues start 2025-10: never paid, 5 months due */
	dues(fx.newcomer, "2025-10", NULL);
	/* every member's dues assessed from 2020-01 (the run starts no earlier than the first base) … */
	exec_sql("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) "
		 "SELECT id, '2020-01', 'farmer', 0, 100, '2020-01-01T00:00:00Z' FROM members");
	/* … except two never paid since 2020: no base at all, and a first base from 2025-10 (5 months) */
	fx.nobase = life_make_member(fx.c);
	fx.latebase = life_make_member(fx.c);
	dues(fx.nobase, "2020-01", NULL);
	dues(fx.latebase, "2020-01", NULL);
	exec_sql("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) "
		 "VALUES (%" PRId64 ", '2025-10', 'farmer', 0, 100, '2025-10-01T00:00:00Z')", fx.latebase);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "care", populate, 2 };

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	fx.ctx.cfg = NULL;
	err_clear(&fx.ctx.err);
}

static void as_actor(enum role role, int64_t org)
{
	struct org o;
	as_system();
	assert_int_equal(org_get(&fx.ctx, org, &o), 0);
	fx.ctx.actor.user_id = 0;
	fx.ctx.actor.role = role;
	fx.ctx.actor.org_id = org;
	strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
	fx.ctx.actor.member_id = 0;
}

static void test_bands(void **state)
{
	struct care_band b[CARE_BANDS_MAX];
	struct err e;
	int n, age;
	(void)state;
	assert_int_equal(care_bands_parse("60:30000,70:50000,80:80000", b, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(b[2].age, 80);
	assert_int_equal(b[2].fen, 80000);
	/* ages must ascend, amounts be positive, the text well formed */
	assert_int_equal(care_bands_parse("70:50000,60:30000", b, &n, &e), E_INVALID);
	assert_string_equal(e.field, "care.elderly_bands");
	assert_int_equal(care_bands_parse("60:30000,60:40000", b, &n, &e), E_INVALID);
	assert_int_equal(care_bands_parse("60:0", b, &n, &e), E_INVALID);
	assert_int_equal(care_bands_parse("60:-5", b, &n, &e), E_INVALID);
	assert_int_equal(care_bands_parse("", b, &n, &e), E_INVALID);
	assert_int_equal(care_bands_parse("60;30000", b, &n, &e), E_INVALID);
	assert_int_equal(care_bands_parse("60:30000,", b, &n, &e), E_INVALID);
	/* config_check refuses a bad value at start */
	{
		struct config cfg;
		config_defaults(&cfg);
		assert_int_equal(config_check(&cfg, &e), 0);
		assert_int_equal(config_set(&cfg, "care.elderly_bands=80:1,70:2", &e), 0);
		assert_int_equal(config_check(&cfg, &e), E_INVALID);
		assert_string_equal(e.field, "care.elderly_bands");
	}
	/* the age reached in the year, the highest band reached */
	assert_int_equal(care_bands_parse("60:30000,70:50000,80:80000", b, &n, &e), 0);
	assert_int_equal(care_elderly_fen(b, n, 1967, 2026, &age), 0);
	assert_int_equal(care_elderly_fen(b, n, 1966, 2026, &age), 30000);
	assert_int_equal(age, 60);
	assert_int_equal(care_elderly_fen(b, n, 1957, 2026, &age), 30000);
	assert_int_equal(care_elderly_fen(b, n, 1956, 2026, &age), 50000);
	assert_int_equal(age, 70);
	assert_int_equal(care_elderly_fen(b, n, 1940, 2026, &age), 80000);
	assert_int_equal(age, 80);
}

static json_t *elderly(int64_t org, int year)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (care_elderly_list(&fx.ctx, org, year, &j))
		life_fail_ctx("elderly list", &fx.ctx);
	return j;
}

static json_t *find_member(json_t *items, int64_t id)
{
	size_t k;
	json_t *x;
	json_array_foreach(items, k, x)
		if (json_integer_value(json_object_get(x, "member_id")) == id)
			return x;
	return NULL;
}

static json_t *find_org(json_t *items, int64_t id)
{
	size_t k;
	json_t *x;
	json_array_foreach(items, k, x)
		if (json_integer_value(json_object_get(x, "org_id")) == id)
			return x;
	return NULL;
}

static int64_t ival(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static json_t *issue(int64_t org, int year)
{
	json_t *body = json_pack("{s:I, s:i, s:s}", "org_id", (json_int_t)org, "year", year, "giver", "镇党委"), *out = NULL;
	err_clear(&fx.ctx.err);
	if (care_elderly_issue(&fx.ctx, body, &out))
		life_fail_ctx("issue", &fx.ctx);
	json_decref(body);
	return out;
}

static void test_elderly_issue_once(void **state)
{
	json_t *j, *items, *r;
	(void)state;
	as_actor(ROLE_ORG_ADMIN, fx.town);
	j = elderly(fx.town, 2026);
	items = json_object_get(j, "items");
	/* 59 in 2026 is not eligible; 60 and 69 get the first band, 70 the second, 86 the third */
	assert_null(find_member(items, fx.old59));
	assert_null(find_member(items, fx.mb));
	assert_int_equal(ival(find_member(items, fx.old60), "amount_fen"), 30000);
	assert_int_equal(ival(find_member(items, fx.old69), "amount_fen"), 30000);
	assert_int_equal(ival(find_member(items, fx.old70), "amount_fen"), 50000);
	assert_int_equal(ival(find_member(items, fx.old70), "band_age"), 70);
	assert_int_equal(ival(find_member(items, fx.old86), "amount_fen"), 80000);
	assert_int_equal(ival(json_object_get(j, "totals"), "eligible"), 4);
	assert_int_equal(ival(json_object_get(j, "totals"), "due_fen"), 190000);
	json_decref(j);
	/* the year before: 59 in 2026 was 58, 60 was 59 */
	j = elderly(fx.town, 2025);
	assert_null(find_member(json_object_get(j, "items"), fx.old60));
	assert_int_equal(ival(find_member(json_object_get(j, "items"), fx.old70), "amount_fen"), 30000);
	json_decref(j);

	/* a secretary issues for their branch only */
	as_actor(ROLE_SECRETARY, fx.a);
	r = issue(fx.a, 2026);
	assert_int_equal(ival(r, "issued"), 2);
	assert_int_equal(ival(r, "amount_fen"), 60000);
	json_decref(r);
	{
		json_t *body = json_pack("{s:I, s:i}", "org_id", (json_int_t)fx.b, "year", 2026), *out = NULL;
		err_clear(&fx.ctx.err);
		assert_int_not_equal(care_elderly_issue(&fx.ctx, body, &out), 0);
		assert_string_equal(fx.ctx.err.field, "org_id");
		json_decref(body);
		/* not a future year, not a date outside the year */
		body = json_pack("{s:I, s:i}", "org_id", (json_int_t)fx.a, "year", 2027);
		err_clear(&fx.ctx.err);
		assert_int_equal(care_elderly_issue(&fx.ctx, body, &out), E_INVALID);
		assert_string_equal(fx.ctx.err.field, "year");
		json_decref(body);
		body = json_pack("{s:I, s:i, s:s}", "org_id", (json_int_t)fx.a, "year", 2025, "given_on", "2026-01-05");
		err_clear(&fx.ctx.err);
		assert_int_equal(care_elderly_issue(&fx.ctx, body, &out), E_INVALID);
		assert_string_equal(fx.ctx.err.field, "given_on");
		json_decref(body);
	}
	/* the town issues the rest; branch a's are not given twice */
	as_actor(ROLE_ORG_ADMIN, fx.town);
	r = issue(fx.town, 2026);
	assert_int_equal(ival(r, "issued"), 2);
	assert_int_equal(ival(r, "amount_fen"), 130000);
	assert_int_equal(ival(r, "skipped"), 2);
	json_decref(r);
	r = issue(fx.town, 2026);
	assert_int_equal(ival(r, "issued"), 0);
	assert_int_equal(ival(r, "amount_fen"), 0);
	json_decref(r);
	j = elderly(fx.town, 2026);
	assert_int_equal(ival(json_object_get(j, "totals"), "given"), 4);
	assert_int_equal(ival(json_object_get(j, "totals"), "not_given"), 0);
	assert_int_equal(ival(json_object_get(j, "totals"), "given_fen"), 190000);
	assert_true(json_is_true(json_object_get(find_member(json_object_get(j, "items"), fx.old60), "given")));
	json_decref(j);
	/* the store refuses a second elderly record of a year whoever writes it */
	err_clear(&fx.ctx.err);
	{
		char sql[400];
		xsnprintf(sql, sizeof(sql),
			  "INSERT INTO care_records (member_id, org_id, org_path, kind, year, given_on, amount_fen, created_at) "
			  "SELECT id, org_id, org_path, 'elderly', 2026, '2026-03-01', 1, 'x' FROM members WHERE id = %" PRId64,
			  fx.old60);
		assert_int_not_equal(db_exec(fx.ctx.db, sql, &fx.ctx.err), 0);
	}

	/* a configured set of bands: 65+ gets more, so 69 moves up */
	{
		struct config cfg;
		struct err e;
		config_defaults(&cfg);
		assert_int_equal(config_set(&cfg, "care.elderly_bands=60:100,65:200", &e), 0);
		as_actor(ROLE_ORG_ADMIN, fx.town);
		fx.ctx.cfg = &cfg;
		j = elderly(fx.town, 2025);
		assert_int_equal(ival(find_member(json_object_get(j, "items"), fx.old69), "amount_fen"), 200);
		assert_int_equal(ival(find_member(json_object_get(j, "items"), fx.old86), "amount_fen"), 200);
		assert_null(find_member(json_object_get(j, "items"), fx.old60));
		json_decref(j);
		fx.ctx.cfg = NULL;
	}
}

static int record(int64_t member, const char *kind, const char *occasion, const char *given_on, int64_t fen,
		  const char *goods, int64_t *id)
{
	json_t *body = json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)member, "kind", kind, "given_on", given_on);
	int rc;
	if (occasion)
		json_object_set_new(body, "occasion", json_string(occasion));
	if (fen >= 0)
		json_object_set_new(body, "amount_fen", json_integer(fen));
	if (goods)
		json_object_set_new(body, "goods", json_string(goods));
	err_clear(&fx.ctx.err);
	rc = care_record_create(&fx.ctx, body, id);
	json_decref(body);
	return rc;
}

static void test_records_hardship_totals(void **state)
{
	int64_t id = 0, hid = 0;
	json_t *body, *j, *items;
	int64_t total = 0;
	struct care_filter f;
	(void)state;
	as_actor(ROLE_SECRETARY, fx.a);
	/* 送温暖 needs an occasion and an amount or goods */
	assert_int_equal(record(fx.old59, "festival", NULL, "2026-02-10", 20000, NULL, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "occasion");
	assert_int_equal(record(fx.old59, "festival", "spring", "2026-02-10", 0, NULL, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "care.empty");
	assert_int_equal(record(fx.old59, "festival", "spring", "2026-04-10", 100, NULL, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "given_on");
	assert_int_equal(record(fx.old59, "elderly", NULL, "2026-02-10", 100, NULL, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "kind");
	assert_int_equal(record(fx.old59, "festival", "spring", "2026-02-10", 20000, "米、油", &id), 0);
	assert_int_equal(record(fx.old60, "festival", "july1", "2025-07-01", -1, "慰问品", &id), 0);
	/* not a member of another branch */
	assert_int_equal(record(fx.old70, "festival", "spring", "2026-02-10", 20000, NULL, &id), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "member.scope");

	/* help needs the register */
	assert_int_equal(record(fx.old59, "hardship", "money", "2026-03-01", 50000, NULL, &id), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "care.not_registered");
	body = json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)fx.old59, "reason", "因病致困", "since", "2025-11-01");
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_create(&fx.ctx, body, &hid), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_create(&fx.ctx, body, &id), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "care.hardship_open");
	json_decref(body);
	assert_int_equal(record(fx.old59, "hardship", "money", "2026-03-01", 50000, NULL, &id), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_get(&fx.ctx, hid, &j), 0);
	assert_int_equal(ival(j, "help_count"), 1);
	assert_int_equal(ival(j, "help_fen"), 50000);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	json_decref(j);
	body = json_pack("{s:i, s:s}", "version", 1, "closed_on", "2026-03-05");
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_close(&fx.ctx, hid, body), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_close(&fx.ctx, hid, body), E_CONFLICT);
	json_decref(body);
	assert_int_equal(record(fx.old59, "hardship", "money", "2026-03-06", 100, NULL, &id), E_CONFLICT);

	/* branch b's secretary sees none of branch a's records */
	as_actor(ROLE_SECRETARY, fx.b);
	memset(&f, 0, sizeof(f));
	f.kind = -1;
	err_clear(&fx.ctx.err);
	assert_int_equal(care_records_list(&fx.ctx, &f, 1, 100, &items, &total), 0);
	{
		size_t k;
		json_t *x;
		json_array_foreach(items, k, x)
			assert_int_equal(ival(x, "org_id"), fx.b);
	}
	json_decref(items);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_hardship_get(&fx.ctx, hid, &j), E_NOTFOUND);

	/* totals of the town: 2026 by kind, per branch, and the years apart */
	as_actor(ROLE_ORG_ADMIN, fx.town);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_totals(&fx.ctx, fx.town, 2025, 2026, &j), 0);
	{
		json_t *y25 = json_array_get(json_object_get(j, "years"), 0), *y26 = json_array_get(json_object_get(j, "years"), 1);
		json_t *kinds = json_object_get(j, "kinds"), *br = json_object_get(j, "branches");
		assert_int_equal(ival(y25, "year"), 2025);
		assert_int_equal(ival(json_object_get(y25, "festival"), "records"), 1);
		assert_int_equal(ival(json_object_get(y25, "festival"), "amount_fen"), 0);
		assert_int_equal(ival(json_object_get(y26, "elderly"), "amount_fen"), 190000);
		assert_int_equal(ival(json_object_get(y26, "festival"), "amount_fen"), 20000);
		assert_int_equal(ival(json_object_get(y26, "hardship"), "amount_fen"), 50000);
		assert_int_equal(ival(y26, "amount_fen"), 260000);
		assert_int_equal(ival(json_object_get(kinds, "elderly"), "records"), 4);
		assert_int_equal(ival(json_object_get(j, "total"), "amount_fen"), 260000);
		assert_int_equal(json_array_size(br), 2);
		assert_int_equal(ival(find_org(br, fx.a), "amount_fen"), 60000 + 20000 + 50000);
		assert_int_equal(ival(json_object_get(find_org(br, fx.b), "elderly"), "amount_fen"), 130000);
		assert_int_equal(ival(j, "hardships_open"), 0);
	}
	json_decref(j);
	/* a record deleted leaves the totals */
	as_actor(ROLE_SECRETARY, fx.a);
	memset(&f, 0, sizeof(f));
	f.kind = CK_FESTIVAL;
	f.year = 2026;
	err_clear(&fx.ctx.err);
	assert_int_equal(care_records_list(&fx.ctx, &f, 1, 100, &items, &total), 0);
	assert_int_equal(total, 1);
	id = ival(json_array_get(items, 0), "id");
	json_decref(items);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_record_delete(&fx.ctx, id), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(care_totals(&fx.ctx, 0, 2026, 2026, &j), 0);
	assert_int_equal(ival(json_object_get(json_object_get(j, "kinds"), "festival"), "records"), 0);
	json_decref(j);
}

static void test_dues_run(void **state)
{
	struct date t = { 2026, 3, 10 };
	(void)state;
	assert_int_equal(lapse_dues_run("2020-01", "2020-01", "2025-08", t), 6);
	/* the first base bounds the run: nothing before it is owed; no base, no run */
	assert_int_equal(lapse_dues_run("2020-01", "2025-10", NULL, t), 5);
	assert_int_equal(lapse_dues_run("2020-01", "2025-09", NULL, t), 6);
	assert_int_equal(lapse_dues_run("2020-01", NULL, NULL, t), 0);
	assert_int_equal(lapse_dues_run("2025-09", "2020-01", NULL, t), 6);
	assert_int_equal(lapse_dues_run("2020-01", "2020-01", "2025-09", t), 5);
	assert_int_equal(lapse_dues_run("2020-01", "2020-01", "2026-02", t), 0);
	assert_int_equal(lapse_dues_run("2020-01", "2020-01", "2026-06", t), 0);
	assert_int_equal(lapse_dues_run("2025-10", "2020-01", NULL, t), 5);
	assert_int_equal(lapse_dues_run("2025-09", "2020-01", NULL, t), 6);
	assert_int_equal(lapse_dues_run("2025-09", "2020-01", "2024-12", t), 6);
	assert_int_equal(lapse_dues_run("", "2020-01", NULL, t), 0);
	assert_int_equal(lapse_dues_run(NULL, "2020-01", NULL, t), 0);
	t.m = 1;
	assert_int_equal(lapse_dues_run("2020-01", "2020-01", "2025-06", t), 6);
}

static json_t *warnings(int64_t org)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (lapse_warnings(&fx.ctx, org, &j))
		life_fail_ctx("warnings", &fx.ctx);
	return j;
}

static int has_reason(json_t *x, const char *r)
{
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(x, "reasons"), k, v)
		if (!strcmp(json_string_value(v), r))
			return 1;
	return 0;
}

static void test_lapse_warnings(void **state)
{
	json_t *j, *items, *x, *body;
	int64_t eid = 0;
	(void)state;
	as_actor(ROLE_SECRETARY, fx.c);
	j = warnings(0);
	items = json_object_get(j, "items");
	/* 6 months flag, 5 do not */
	assert_non_null(x = find_member(items, fx.life6));
	assert_true(has_reason(x, "no_life"));
	assert_false(has_reason(x, "no_dues"));
	assert_int_equal(ival(x, "life_months"), 6);
	assert_null(find_member(items, fx.life5));
	assert_non_null(x = find_member(items, fx.dues6));
	assert_true(has_reason(x, "no_dues"));
	assert_false(has_reason(x, "no_life"));
	assert_int_equal(ival(x, "dues_months"), 6);
	assert_null(find_member(items, fx.dues5));
	assert_null(find_member(items, fx.newcomer));
	/* months before the first base are not owed: no base, or a base 5 months old, is no warning */
	assert_null(find_member(items, fx.nobase));
	assert_null(find_member(items, fx.latebase));
	/* transferred out: not listed */
	assert_null(find_member(items, fx.gone));
	/* both reasons first */
	assert_non_null(x = find_member(items, fx.both));
	assert_true(has_reason(x, "no_life") && has_reason(x, "no_dues"));
	assert_int_equal(ival(x, "life_months"), 9);
	assert_int_equal(ival(x, "dues_months"), 9);
	assert_int_equal(ival(json_array_get(items, 0), "member_id"), fx.both);
	/* excused has 13 months unpaid (2025-02..2026-02): listed until an excuse is recorded */
	assert_non_null(x = find_member(items, fx.excused));
	assert_int_equal(ival(x, "dues_months"), 13);
	assert_int_equal(ival(json_array_get(items, 1), "member_id"), fx.excused);
	assert_int_equal(json_array_size(items), 4);
	assert_int_equal(ival(j, "total"), 4);
	x = json_array_get(json_object_get(j, "branches"), 0);
	assert_int_equal(ival(x, "org_id"), fx.c);
	assert_int_equal(ival(x, "warnings"), 4);
	assert_int_equal(ival(x, "no_life"), 2);
	assert_int_equal(ival(x, "no_dues"), 3);
	assert_int_equal(ival(x, "both"), 1);
	json_decref(j);

	/* the same reading as the compliance at-risk list */
	err_clear(&fx.ctx.err);
	assert_int_equal(compliance_at_risk(&fx.ctx, 0, &j), 0);
	assert_non_null(find_member(json_object_get(j, "items"), fx.life6));
	assert_non_null(find_member(json_object_get(j, "items"), fx.both));
	assert_null(find_member(json_object_get(j, "items"), fx.life5));
	json_decref(j);

	/* an excuse: reason and month checked, then the member is listed apart */
	body = json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)fx.excused, "reason", "外出务工，已书面请假",
			 "until_month", "2026-02");
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_create(&fx.ctx, body, &eid), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "until_month");
	json_object_set_new(body, "until_month", json_string("2026-13"));
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_create(&fx.ctx, body, &eid), E_INVALID);
	json_object_set_new(body, "until_month", json_string("2026-06"));
	json_object_set_new(body, "reason", json_string(""));
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_create(&fx.ctx, body, &eid), E_INVALID);
	assert_string_equal(fx.ctx.err.field, "reason");
	json_object_set_new(body, "reason", json_string("外出务工，已书面请假"));
	/* another branch's secretary cannot excuse */
	as_actor(ROLE_SECRETARY, fx.a);
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_create(&fx.ctx, body, &eid), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "member.scope");
	as_actor(ROLE_SECRETARY, fx.c);
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_create(&fx.ctx, body, &eid), 0);
	json_decref(body);
	j = warnings(0);
	assert_null(find_member(json_object_get(j, "items"), fx.excused));
	assert_non_null(x = find_member(json_object_get(j, "excused"), fx.excused));
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "excuse"), "until_month")), "2026-06");
	assert_int_equal(ival(x, "dues_months"), 13);
	assert_int_equal(ival(json_array_get(json_object_get(j, "branches"), 0), "excused"), 1);
	assert_int_equal(ival(j, "total"), 3);
	json_decref(j);
	/* after its month the excuse lapses */
	life_set_today(2026, 7, 2);
	j = warnings(0);
	assert_non_null(find_member(json_object_get(j, "items"), fx.excused));
	/* and four more months unpaid make the newcomer's 9 (2025-10..2026-06) */
	assert_int_equal(ival(find_member(json_object_get(j, "items"), fx.newcomer), "dues_months"), 9);
	json_decref(j);
	life_set_today(2026, 3, 10);
	/* removed again: listed again */
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_delete(&fx.ctx, eid), 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_excuse_delete(&fx.ctx, eid), E_NOTFOUND);
	j = warnings(0);
	assert_non_null(find_member(json_object_get(j, "items"), fx.excused));
	json_decref(j);
	/* members cannot read the list */
	fx.ctx.actor.role = ROLE_MEMBER;
	err_clear(&fx.ctx.err);
	assert_int_equal(lapse_warnings(&fx.ctx, 0, &j), E_FORBIDDEN);
}

static json_t *elderly_opts(int64_t org, int year, int list_max, int per_page, int64_t after)
{
	struct care_elderly_opts o = { list_max, per_page, after };
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (care_elderly_list_opts(&fx.ctx, org, year, &o, &j))
		life_fail_ctx("elderly list (opts)", &fx.ctx);
	return j;
}

/*
 * A subtree of more eligible members than list_max answers one page at a time: walked
 * with `after` = `next`, the pages hold exactly the whole list's items (none twice) in
 * the member list's order, and every page carries the whole list's totals — eligible
 * from the kept birth dates, given and given_fen from the records (given at other bands
 * than today's, so given_fen and the band amounts differ), due_fen the rest.
 */
static void test_elderly_paged(void **state)
{
	static const char *const names[] = { "张三", "李四", "王五" };
	int64_t top, town, br[3], ids[40], moved, gone, young;
	json_t *whole, *j, *seen;
	struct config cfg;
	struct err e;
	int i, pages = 0;
	int64_t after = 0;
	(void)state;
	as_system();
	life_make_town_tree("分页", &top, &town, &br[0], &br[1]);
	br[2] = life_make_org(town, "branch", "分页南村党支部", 3);
	for (i = 0; i < 40; i++) {
		ids[i] = life_make_member(br[i % 3]);
		exec_sql("UPDATE members SET name = '%s', birth_date = '%04d-0%d-1%d' WHERE id = %" PRId64, names[i % 5 % 3],
			 1930 + i % 45, 1 + i % 9, i % 10, ids[i]);
	}
	young = ids[39]; /* born 1969: 57 in 2026 */
	gone = ids[3];
	exec_sql("UPDATE members SET state = 'transferred_out' WHERE id = %" PRId64, gone);
	/* branch 0's given under other bands, one of them then moved to branch 2 */
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "care.elderly_bands=60:100,65:200", &e), 0);
	as_actor(ROLE_ORG_ADMIN, town);
	fx.ctx.cfg = &cfg;
	json_decref(issue(br[0], 2026));
	as_actor(ROLE_ORG_ADMIN, town);
	moved = ids[6];
	exec_sql("UPDATE members SET org_id = %" PRId64 ", org_path = (SELECT path FROM orgs WHERE id = %" PRId64
		 ") WHERE id = %" PRId64,
		 br[2], br[2], moved);

	whole = elderly(town, 2026);
	assert_null(json_object_get(whole, "paged"));
	assert_null(find_member(json_object_get(whole, "items"), young));
	assert_null(find_member(json_object_get(whole, "items"), gone));
	assert_true(json_is_true(json_object_get(find_member(json_object_get(whole, "items"), moved), "given")));
	assert_int_equal(ival(json_object_get(whole, "totals"), "eligible"), 36);
	assert_true(ival(json_object_get(whole, "totals"), "given") > 0);
	assert_true(ival(json_object_get(whole, "totals"), "not_given") > 0);
	/* at most list_max: the whole list, page options ignored */
	j = elderly_opts(town, 2026, 36, 5, ids[1]);
	assert_true(json_equal(j, whole));
	json_decref(j);

	seen = json_array();
	do {
		size_t k;
		json_t *x;
		j = elderly_opts(town, 2026, 35, 8, after);
		assert_true(json_is_true(json_object_get(j, "paged")));
		assert_int_equal(ival(j, "per_page"), 8);
		assert_true(json_equal(json_object_get(j, "totals"), json_object_get(whole, "totals")));
		assert_true(json_array_size(json_object_get(j, "items")) <= 8);
		json_array_foreach(json_object_get(j, "items"), k, x) {
			assert_null(find_member(seen, ival(x, "member_id")));
			assert_true(json_equal(x, find_member(json_object_get(whole, "items"), ival(x, "member_id"))));
			json_array_append(seen, x);
		}
		after = ival(j, "next");
		if (after)
			assert_int_equal(after, ival(json_array_get(json_object_get(j, "items"), 7), "member_id"));
		json_decref(j);
		pages++;
	} while (after && pages < 10);
	assert_int_equal(pages, 5);
	assert_int_equal(json_array_size(seen), 36);
	/* the member list's order: a branch's members together (path), then name, then id */
	{
		size_t k, switches = 0;
		for (k = 1; k < json_array_size(seen); k++) {
			json_t *p = json_array_get(seen, k - 1), *q = json_array_get(seen, k);
			int c = strcmp(json_string_value(json_object_get(p, "name")), json_string_value(json_object_get(q, "name")));
			if (ival(p, "org_id") != ival(q, "org_id"))
				switches++;
			else
				assert_true(c < 0 || (c == 0 && ival(p, "member_id") < ival(q, "member_id")));
		}
		assert_int_equal(switches, 2);
	}
	json_decref(seen);
	json_decref(whole);
	/* after: a member of the subtree */
	{
		struct care_elderly_opts o = { 35, 8, fx.old60 };
		j = NULL;
		err_clear(&fx.ctx.err);
		assert_int_equal(care_elderly_list_opts(&fx.ctx, town, 2026, &o, &j), E_MALFORMED);
		assert_string_equal(fx.ctx.err.field, "after");
	}
}

#define CARE_TESTS                                                  \
	{                                                           \
		cmocka_unit_test(test_bands),                       \
		cmocka_unit_test(test_elderly_issue_once),          \
		cmocka_unit_test(test_elderly_paged),               \
		cmocka_unit_test(test_records_hardship_totals),     \
		cmocka_unit_test(test_dues_run),                    \
		cmocka_unit_test(test_lapse_warnings),              \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = CARE_TESTS;
	const struct CMUnitTest pg_tests[] = CARE_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	life_id_year = 1983;
	life_member_name = "关怀党员";
	failed = cmocka_run_group_tests_name("care/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("care/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("care/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
