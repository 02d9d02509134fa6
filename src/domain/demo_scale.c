/*
 * The province-scale bulk generator (see demo_scale.h). Layout of this file:
 *   rng and word lists · the multi-row inserter (struct bulk; one COPY per flush on
 *   PostgreSQL) · setting triggers and indexes aside · the plan (how many cities,
 *   counties, towns, branches and their sizes) · one branch with everything in it · the
 *   rebuild of the aggregates · the driver.
 */
#include "domain/demo_scale.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/bulk_rows.h"
#include "domain/demo.h"
#include "domain/dues.h"
#include "domain/idcard.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "domain/points.h"
#include "domain/points_internal.h"
#include "domain/recruit.h"
#include "domain/stats.h"
#include "util/date.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- PRNG (splitmix64, as demo.c: the same seed gives the same world everywhere) ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(struct rng *r, int n)
{
	return n <= 1 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

static int range(struct rng *r, int lo, int hi)
{
	return lo + below(r, hi - lo + 1);
}

static int permille(struct rng *r, int p)
{
	return below(r, 1000) < p;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- word lists (each entry one or two characters; names are built from them) ---- */

static const char *const stem1[] = { "东", "西", "南", "北", "安", "永", "临", "清", "长", "新", "平", "宁", "兴", "云",
				     "江", "泰", "丰", "明", "和", "广", "德", "乐", "高", "金" };
static const char *const stem2[] = { "阳", "平", "州", "安", "川", "宁", "城", "丰", "源", "山", "河", "水", "乐",
				     "德", "和", "华", "桥", "台", "林", "沟" };
static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马",
					"朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
					"韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
					"蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈" };
static const char *const village_suffix[] = { "庄村", "营村", "屯村", "集村", "楼村", "店村", "寨村", "桥村",
					      "口村", "湾村", "家庄村", "官庄村" };
static const char *const community_words[] = { "幸福里", "和平", "新华", "光明", "建设", "文化", "阳光", "团结",
					       "胜利", "朝阳", "花园", "滨河" };
static const char *const firm_words[] = { "纺织", "机械", "建材", "食品", "电子", "物流", "农业科技", "汽车配件",
					  "包装", "化工", "服装", "医药" };
static const char *const bureaus[] = { "教育局", "财政局", "卫生健康局", "农业农村局", "自然资源局", "住房和城乡建设局",
				       "交通运输局", "民政局", "人力资源和社会保障局", "市场监督管理局", "公安局",
				       "审计局" };
static const char *const given_m[] = { "建国", "建军", "国强", "志刚", "德明", "振华", "海涛", "志勇", "晓东", "立伟",
				       "永强", "文杰", "浩然", "子豪", "博文", "俊杰", "伟", "强", "军", "磊", "涛",
				       "斌", "鹏", "辉" };
static const char *const given_f[] = { "秀英", "桂兰", "玉兰", "凤英", "丽娟", "海燕", "红梅", "晓燕", "雪梅", "慧敏",
				       "欣怡", "雨涵", "佳琪", "思琪", "静", "丽", "敏", "燕", "娟", "芳", "霞", "婷" };
static const char *const ethnic[] = { "01", "01", "01", "01", "01", "01", "01", "01", "01", "01", "01", "01", "01",
				      "01", "01", "01", "01", "01", "03", "11" };
static const char *const edu_old[] = { "8", "7", "7", "6", "9" };
static const char *const edu_mid[] = { "7", "7", "6", "41", "44", "22" };
static const char *const edu_young[] = { "21", "22", "22", "6", "44", "12" };
static const char *const edu_cadre[] = { "21", "21", "12", "22", "2B" };
static const char *const mobile[] = { "130", "131", "135", "136", "137", "138", "139", "150", "151", "152", "158",
				      "159", "177", "180", "186", "187", "188", "189" };
static const char *const leave_reasons[] = { "因病请假", "外出务工", "家中有事", "出差", "照顾病人" };

#define PICK(r, a) ((a)[below((r), (int)COUNT(a))])

/* ---- the multi-row inserter: bulk_rows.c (one COPY per flush on PostgreSQL) ---- */

/*
 * A row is complete. A full buffer is written together with every buffer before it in
 * the table order (T_ORGS … T_STEPS, parents first), so no row ever reaches the
 * database before the row its foreign keys name.
 */
static int b_end(struct ctx *ctx, struct bulk *all, int t)
{
	int i, rc;
	bulk_row_end(&all[t]);
	if (!bulk_full(&all[t]))
		return 0;
	for (i = 0; i <= t; i++)
		if ((rc = bulk_flush(ctx, &all[i])))
			return rc;
	return 0;
}

/* ---- the tables loaded, and setting their triggers and indexes aside ---- */

enum { T_ORGS, T_MEMBERS, T_MEETINGS, T_ATT, T_BASES, T_PAYMENTS, T_MONTHS, T_POINTS, T_RECRUITS, T_STEPS, T_N };

static const char *const tables[T_N][2] = {
	[T_ORGS] = { "orgs", "id, parent_id, path, depth, kind, name, code, unit_kind, can_approve, committee_size, "
			     "secretary_member_id, founded_on, term_start, term_end, address, created_at, updated_at" },
	[T_MEMBERS] = { "members",
			"id, org_id, org_path, group_id, name, gender, id_enc, id_hash, id_mask, id_tail, birth_date, "
			"ethnicity, education, category, join_date, full_date, job, person_type, work_unit, phone_enc, "
			"phone_hash, phone_mask, phone_tail, address, lost_contact, lost_since, floating, dues_from, "
			"dues_paid_to, created_at, updated_at" },
	[T_MEETINGS] = { "meetings", "id, org_id, org_path, kind, held_on, start_time, end_time, place, host, topic, "
				     "hours_x10, hours_set, created_at, updated_at" },
	[T_ATT] = { "meeting_attendance", "meeting_id, member_id, status, reason, top_org_id" },
	[T_BASES] = { "dues_bases", "id, member_id, from_month, kind, base_fen, monthly_fen, created_at" },
	[T_PAYMENTS] = { "dues_payments", "id, member_id, org_id, org_path, kind, first_month, last_month, amount_fen, "
					  "paid_on, method, collector, created_at" },
	[T_MONTHS] = { "dues_months", "member_id, month, org_path, due_fen, paid_fen, payment_id, top_org_id" },
	[T_POINTS] = { "point_entries", "id, target, subject_id, org_id, org_path, indicator_id, period_no, event_on, "
					"points_x10, source, evidence, created_at" },
	[T_RECRUITS] = { "recruits", "id, org_id, org_path, name, gender, id_enc, id_hash, id_mask, birth_date, "
				     "ethnicity, education, job, phone_enc, phone_mask, stage, last_step, status, "
				     "applied_on, talked_on, rules, created_at, updated_at" },
	[T_STEPS] = { "recruit_steps", "id, recruit_id, step, done_on, org_id, level, signer, created_at" },
};

/* tables whose row triggers keep aggregates, and the aggregates' own */
static const char *const trigger_tables[] = {
	"members", "meetings", "meeting_attendance", "member_life_months",
	"dues_bases", "dues_reductions", "dues_months", "dues_owed",
	"dues_payments", /* 046: payments counted per path prefix, year and kind (dues_pay_tally) */
	"meeting_counts", /* 040: compliance_kept, rebuilt after meeting_counts (and on orgs, below) */
	"orgs", /* 039: branches counted per ancestor (point_standings_orgs); 040: 党小组 per branch */
	/* 036: a branch's row moves the size classes of every ancestor in stats_org_kept, which
	 * the rebuild then recomputes whole; live, each of 30,000 rows updated the province's row
	 * again: 67 s of a 1M rebuild on PostgreSQL for an INSERT whose SELECT takes 4 s */
	"stats_kept",
};
/* secondary indexes set aside (those of PRIMARY KEY / UNIQUE column constraints stay) */
static const char *const index_tables[] = { "members", "meetings", "meeting_attendance", "dues_bases", "dues_payments",
					    "dues_months", "point_entries", "recruits", "recruit_steps" };
/*
 * PostgreSQL: aggregates rebuilt by one INSERT … SELECT into the empty table, whose primary
 * key and indexes are set aside until the rebuild is done: one sorted build instead of a
 * key lookup per row in hash order (stats_births at 1M members: 16.5 s -> 7.3 s + 2.1 s for
 * the key; member_life_months 47 s -> 43 s). Not those read by ON CONFLICT in the rebuild.
 */
static const char *const keyed_aggregates[] = { "member_life_months", "stats_births" };

struct aside {
	struct strbuf indexes;  /* SQLite: DDL to replay */
	struct strbuf triggers;
	struct strbuf fkeys;    /* PostgreSQL: the loaded tables' foreign keys, re-added after the load */
	struct strbuf keys;     /* PostgreSQL: keyed_aggregates' keys and indexes, back after the rebuild */
	int pg, active;
};

/*
 * PostgreSQL checks a foreign key row by row while COPY loads (a lookup per row and key):
 * 18.6 s for the 2.1 M attendance rows of a 100,000-member province against 2.7 s without
 * its two keys, and 1.2 s to add them back, which checks every row in one join. So the keys
 * of the loaded tables are dropped with their indexes and added back after the load (a
 * partitioned table's key once, on the parent: its partitions' copies go and come with it).
 */
static int collect_constraints(struct ctx *ctx, const char *table, const char *contype, struct strbuf *ddl,
			       struct strbuf *drop)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
				     "WHERE c.contype = ? AND c.conparentid = 0 AND c.conrelid = to_regclass(?) "
				     "ORDER BY c.conname",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, contype);
	stmt_bind_text(st, 2, table);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		strbuf_addf(drop, "ALTER TABLE %s DROP CONSTRAINT \"%s\";", table, stmt_text(st, 0));
		strbuf_addf(ddl, "ALTER TABLE %s ADD CONSTRAINT \"%s\" %s;\n", table, stmt_text(st, 0), stmt_text(st, 1));
	}
	stmt_reset(st);
	return step < 0 ? E_DB : 0;
}

/*
 * The DDL of a table's triggers or indexes into ddl, their DROPs into drop. On PostgreSQL
 * (indexes only) those behind a constraint (primary key, UNIQUE column) stay.
 */
static int collect_ddl(struct ctx *ctx, const char *table, const char *type, struct strbuf *ddl, struct strbuf *drop)
{
	struct stmt *st = db_prepare(ctx->db,
				     /* a partitioned table's index reads "ON ONLY parent"; replayed
				      * as such it would index no partition */
				     ctx_is_pg(ctx) ? "SELECT i.indexname, replace(i.indexdef, ' ON ONLY ', ' ON ') "
						  "FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = ? "
						  "AND ? = 'index' AND NOT EXISTS "
						  "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
						  "ORDER BY i.indexname"
						: "SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND type = ? "
						  "AND sql IS NOT NULL ORDER BY name",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, table);
	stmt_bind_text(st, 2, type);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		strbuf_addf(drop, "DROP %s \"%s\";", type, stmt_text(st, 0));
		strbuf_addf(ddl, "%s;\n", stmt_text(st, 1));
	}
	stmt_reset(st);
	return step < 0 ? E_DB : 0;
}

/* inside the caller's transaction */
static int aside_begin(struct ctx *ctx, struct aside *a)
{
	struct strbuf drop = STRBUF_INIT;
	size_t i;
	int rc = 0;
	a->pg = ctx_is_pg(ctx);
	if (a->pg) {
		for (i = 0; i < COUNT(trigger_tables); i++)
			strbuf_addf(&drop, "ALTER TABLE %s DISABLE TRIGGER USER;", trigger_tables[i]);
	} else {
		for (i = 0; !rc && i < COUNT(trigger_tables); i++)
			rc = collect_ddl(ctx, trigger_tables[i], "trigger", &a->triggers, &drop);
	}
	for (i = 0; !rc && i < COUNT(index_tables); i++) {
		rc = collect_ddl(ctx, index_tables[i], "index", &a->indexes, &drop);
		if (!rc && a->pg)
			rc = collect_constraints(ctx, index_tables[i], "f", &a->fkeys, &drop);
	}
	for (i = 0; !rc && a->pg && i < COUNT(keyed_aggregates); i++) {
		rc = collect_ddl(ctx, keyed_aggregates[i], "index", &a->keys, &drop);
		if (!rc)
			rc = collect_constraints(ctx, keyed_aggregates[i], "p", &a->keys, &drop);
	}
	if (!rc)
		rc = db_exec(ctx->db, drop.buf, &ctx->err);
	strbuf_release(&drop);
	if (!rc)
		a->active = 1;
	return rc;
}

static int aside_indexes_back(struct ctx *ctx, struct aside *a)
{
	int rc = !a->indexes.len ? 0 : db_exec(ctx->db, a->indexes.buf, &ctx->err);
	return rc || !a->fkeys.len ? rc : db_exec(ctx->db, a->fkeys.buf, &ctx->err);
}

/* after the rebuild: keyed_aggregates' keys and indexes, built once over the full tables */
static int aside_keys_back(struct ctx *ctx, struct aside *a)
{
	return !a->keys.len ? 0 : db_exec(ctx->db, a->keys.buf, &ctx->err);
}

static int aside_triggers_back(struct ctx *ctx, struct aside *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;
	if (a->pg) {
		for (i = 0; i < COUNT(trigger_tables); i++)
			strbuf_addf(&sb, "ALTER TABLE %s ENABLE TRIGGER USER;", trigger_tables[i]);
		rc = db_exec(ctx->db, sb.buf, &ctx->err);
	} else {
		rc = a->triggers.len ? db_exec(ctx->db, a->triggers.buf, &ctx->err) : 0;
	}
	strbuf_release(&sb);
	if (!rc)
		a->active = 0;
	return rc;
}

/* ---- the rebuild of what the triggers keep ---- */

#define MONTH_SUM(mm) "sum(CASE WHEN substr(held_on, 6, 2) = '" mm "' THEN 1 ELSE 0 END)"

static const char rebuild_meeting_counts[] =
	"DELETE FROM meeting_counts;"
	"INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12) "
	"SELECT org_id, CAST(substr(held_on, 1, 4) AS INTEGER), kind, " MONTH_SUM("01") ", " MONTH_SUM("02") ", "
	MONTH_SUM("03") ", " MONTH_SUM("04") ", " MONTH_SUM("05") ", " MONTH_SUM("06") ", " MONTH_SUM("07") ", "
	MONTH_SUM("08") ", " MONTH_SUM("09") ", " MONTH_SUM("10") ", " MONTH_SUM("11") ", " MONTH_SUM("12") " "
	"FROM meetings GROUP BY org_id, CAST(substr(held_on, 1, 4) AS INTEGER), kind;";

/* each member's months; on PostgreSQL placed by the member's top-level org (041). On SQLite the
 * attendance is read in table order (NOT INDEXED): by the member index every row was a lookup into the
 * table for its reason, 172 s instead of 75 s at 1M members (21M rows); the GROUP BY sorts either way */
#define LIFE_MONTHS_SELECT(hint)                                                                                 \
	"SELECT a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER) AS year, "                                  \
	"CAST(substr(mt.held_on, 6, 2) AS INTEGER) AS month, "                                                     \
	"count(*), sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), "                                        \
	"sum(CASE WHEN a.status = 'leave' AND a.reason IS NOT NULL THEN 1 ELSE 0 END), "                           \
	"sum(CASE WHEN a.status = 'present' AND mt.kind = 'talk' THEN 1 ELSE 0 END) "                              \
	"FROM meeting_attendance a " hint "JOIN meetings mt ON mt.id = a.meeting_id "                              \
	"GROUP BY a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER)"
/* 014's last month with life, 048's months with meetings and the member's columns */
#define LIFE_OK                                                                                                  \
	"DELETE FROM member_life;"                                                                                 \
	"INSERT INTO member_life (member_id, ok_ym, first_ym, last_ym, org_id, org_path, state, join_date) "      \
	"SELECT s.member_id, s.ok, s.f, s.l, m.org_id, m.org_path, m.state, m.join_date FROM ("                    \
	"SELECT member_id, coalesce(max(CASE WHEN attended + excused > 0 THEN year * 100 + month END), 0) AS ok, " \
	"coalesce(min(CASE WHEN meetings > 0 THEN year * 100 + month END), 0) AS f, "                              \
	"coalesce(max(CASE WHEN meetings > 0 THEN year * 100 + month END), 0) AS l "                               \
	"FROM member_life_months GROUP BY member_id) s LEFT JOIN members m ON m.id = s.member_id;"

static const char rebuild_life_sqlite[] =
	"DELETE FROM member_life_months;"
	"INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks) "
	LIFE_MONTHS_SELECT("NOT INDEXED ") ";" LIFE_OK;

static const char rebuild_life_pg[] =
	"DELETE FROM member_life_months;"
	"INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks, top_org_id) "
	"SELECT g.*, coalesce(dj_top_org(m.org_path), 0) FROM (" LIFE_MONTHS_SELECT("") ") g "
	"LEFT JOIN members m ON m.id = g.member_id;" LIFE_OK;

/* 018's backfill, per dialect */
static const char rebuild_rollups_sqlite[] =
	"DELETE FROM point_rollups;"
	"INSERT INTO point_rollups (target, subject_id, year, cells) "
	"SELECT target, subject_id, year, group_concat(grp, ';') FROM ("
	" SELECT target, subject_id, year, ind || ':' || group_concat(cell, ',') AS grp FROM ("
	"  SELECT target, subject_id, period_no / 12 AS year, indicator_id AS ind,"
	"   substr('123456789abc', period_no % 12 + 1, 1) || sum(points_x10) AS cell"
	"   FROM point_entries GROUP BY target, subject_id, period_no, indicator_id HAVING sum(points_x10) <> 0"
	"  UNION ALL"
	"  SELECT target, subject_id, period_no / 12, 0, substr('123456789abc', period_no % 12 + 1, 1) || count(*)"
	"   FROM point_entries GROUP BY target, subject_id, period_no"
	" ) GROUP BY target, subject_id, year, ind"
	") GROUP BY target, subject_id, year;";

static const char rebuild_rollups_pg[] =
	"DELETE FROM point_rollups;"
	"INSERT INTO point_rollups (target, subject_id, year, cells) "
	"SELECT target, subject_id, year, string_agg(grp, ';' ORDER BY ind) FROM ("
	" SELECT target, subject_id, year, ind, CAST(ind AS TEXT) || ':' || string_agg(cell, ',' ORDER BY pm) AS grp FROM ("
	"  SELECT target, subject_id, period_no / 12 AS year, indicator_id AS ind, period_no % 12 AS pm,"
	"   substr('123456789abc', period_no % 12 + 1, 1) || CAST(sum(points_x10) AS TEXT) AS cell"
	"   FROM point_entries GROUP BY target, subject_id, period_no, indicator_id HAVING sum(points_x10) <> 0"
	"  UNION ALL"
	"  SELECT target, subject_id, period_no / 12, CAST(0 AS BIGINT), period_no % 12,"
	"   substr('123456789abc', period_no % 12 + 1, 1) || CAST(count(*) AS TEXT)"
	"   FROM point_entries GROUP BY target, subject_id, period_no"
	" ) c GROUP BY target, subject_id, year, ind"
	") g GROUP BY target, subject_id, year;";

static int rebuild_counts_and_life(struct ctx *ctx)
{
	int rc;
	if ((rc = org_recount_members(ctx)) || (rc = db_exec(ctx->db, rebuild_meeting_counts, &ctx->err)) ||
	    (rc = db_exec(ctx->db, ctx_is_pg(ctx) ? rebuild_life_pg : rebuild_life_sqlite, &ctx->err)))
		return rc;
	return 0;
}

static int rebuild_rollups(struct ctx *ctx)
{
	int rc = db_exec(ctx->db, ctx_is_pg(ctx) ? rebuild_rollups_pg : rebuild_rollups_sqlite, &ctx->err);
	/* the kept period values and histograms (039) are computed from the rollups */
	return rc ? rc : points_standings_rebuild(ctx);
}

/* the province-report aggregates, rebuilt after the bulk load (triggers set aside) */
static int rebuild_report_aggregates(struct ctx *ctx)
{
	int rc = 0;
	/* 036: 党内统计 counts per ancestor org and by birth date (stats_kept.c); its triggers are on members */
	if (!rc)
		rc = stats_kept_rebuild(ctx);
	if (!rc)
		rc = dues_owed_rebuild(ctx); /* per member arrears figures (dues_owed.c) and their sums */
	if (!rc)
		rc = dues_pay_tally_rebuild(ctx); /* 046: the payment list's kept counts (dues_pay_list.c) */
	/* 038: 谈心谈话 roster and talked per org and year (compliance.c) */
	if (!rc)
		rc = db_exec(ctx->db,
			     "DELETE FROM org_talk_roster; DELETE FROM org_talks;"
			     "INSERT INTO org_talk_roster (org_id, roster) SELECT org_id, count(*) FROM members "
			     "WHERE state = 'active' AND category IN ('full', 'probationary') GROUP BY org_id;"
			     "INSERT INTO org_talks (org_id, year, talked) SELECT m.org_id, t.year, count(*) FROM members m "
			     "JOIN (SELECT DISTINCT member_id, year FROM member_life_months WHERE talks > 0) t "
			     "ON t.member_id = m.id WHERE m.state = 'active' AND m.category IN ('full', 'probationary') "
			     "GROUP BY m.org_id, t.year;",
			     &ctx->err);
	/* 040: months with meetings per branch and year, 党小组 per branch (compliance_kept.c) */
	if (!rc)
		rc = compliance_kept_rebuild(ctx);
	/* 039: active members per org (point_period_scores and point_score_hist follow the
	 * rollups: rebuild_rollups) */
	if (!rc)
		rc = points_subject_counts_rebuild(ctx);
	return rc;
}

int demo_scale_rebuild_aggregates(struct ctx *ctx)
{
	int rc = rebuild_counts_and_life(ctx);
	if (!rc)
		rc = rebuild_report_aggregates(ctx);
	return rc ? rc : rebuild_rollups(ctx);
}

/* ---- the plan ---- */

enum bkind { BK_GOV, BK_VILLAGE, BK_COMMUNITY, BK_ENTERPRISE, BK_JOINT };

struct plan {
	int levels;          /* org levels above the towns: 2 province, 1 city, 0 county */
	int64_t members;
	int ncity, ncounty, ntown, nbranch;
	int *branch_size;    /* nbranch */
	enum bkind *branch_kind;
};

static int clampi(int64_t v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

static enum bkind kind_for(struct rng *r, int first_in_town, int gov_town)
{
	int x;
	if (gov_town || first_in_town)
		return BK_GOV;
	x = below(r, 100);
	return x < 58 ? BK_VILLAGE : x < 73 ? BK_COMMUNITY : x < 94 ? BK_ENTERPRISE : BK_JOINT;
}

static int raw_size(struct rng *r, enum bkind k)
{
	switch (k) {
	case BK_VILLAGE: return range(r, 20, 60);
	case BK_COMMUNITY: return range(r, 30, 80);
	case BK_ENTERPRISE: return range(r, 8, 40);
	case BK_GOV: return range(r, 15, 45);
	case BK_JOINT: return range(r, 8, 16);
	}
	return 10;
}

/* town t's branches are [first_branch(t), first_branch(t + 1)); likewise downwards */
static int split_lo(int i, int n, int total)
{
	return (int)((int64_t)i * total / n);
}

static void plan_make(struct plan *p, struct rng *r, int levels, int64_t members)
{
	int64_t raw_total = 0, sum = 0, diff;
	int k, t, b, i;
	memset(p, 0, sizeof(*p));
	p->levels = levels;
	p->members = members;
	p->nbranch = clampi((members + 32) / 33, 1, 1 << 30);
	/* 10M: 16 cities, ~110 counties, ~1,540 towns, ~303,000 branches */
	p->ncity = levels >= 2 ? clampi(p->nbranch / 19000, 2, 16) : 1;
	p->ncounty = levels >= 1 ? clampi(p->nbranch / 2750, 2 * p->ncity, 99 * p->ncity) : 1;
	p->ntown = clampi(p->nbranch / 197, 2 * p->ncounty, 1 << 30);
	if (p->nbranch < p->ntown * 2)
		p->nbranch = p->ntown * 2;
	p->branch_size = xcalloc((size_t)p->nbranch, sizeof(int));
	p->branch_kind = xcalloc((size_t)p->nbranch, sizeof(enum bkind));
	for (k = 0; k < p->ncounty; k++) {
		for (t = split_lo(k, p->ncounty, p->ntown); t < split_lo(k + 1, p->ncounty, p->ntown); t++) {
			/* the county's first "town" is its 县直机关工委: government branches only */
			int gov_town = t == split_lo(k, p->ncounty, p->ntown), first = split_lo(t, p->ntown, p->nbranch);
			for (b = first; b < split_lo(t + 1, p->ntown, p->nbranch); b++) {
				p->branch_kind[b] = kind_for(r, b == first, gov_town);
				p->branch_size[b] = raw_size(r, p->branch_kind[b]);
				raw_total += p->branch_size[b];
			}
		}
	}
	for (i = 0; i < p->nbranch; i++) {
		p->branch_size[i] = clampi((p->branch_size[i] * members + raw_total / 2) / raw_total, 3, 1 << 30);
		sum += p->branch_size[i];
	}
	diff = members - sum;
	for (i = 0; diff; i = (i + 1) % p->nbranch) {
		if (diff > 0) {
			p->branch_size[i]++;
			diff--;
		} else if (p->branch_size[i] > 3) {
			p->branch_size[i]--;
			diff++;
		}
	}
}

/* ---- the generator's state ---- */

#define BIRTH_DAY0 (-16000) /* days since 1970 of the earliest birth day counted (1926) */
#define BIRTH_DAYS 36000

struct gen {
	struct ctx *ctx;
	const struct demo_scale_options *opt;
	struct demo_scale_report *rep;
	struct rng rng;
	struct plan plan;
	struct bulk b[T_N];
	int64_t next_id[T_N];
	int64_t today, rows_in_tx;
	int first_ym, last_ym; /* year * 12 + month - 1 of the window */
	int batch;
	char area[8];          /* the county's 6-digit area code */
	uint16_t *seq[2];      /* per county: ID sequence numbers used per birth day, by sex */
	char rules[4096];
	int64_t ind_member_award[3], ind_member_deduct, ind_branch_award, ind_branch_deduct;
	int ind_pts[128];
	int64_t ind_ids[128];
	int nind;
	char county_name[64], town_name[64];
};

static int64_t next_id(struct gen *g, int t)
{
	return g->next_id[t]++;
}

static void ym_text(int ym, char out[8])
{
	xsnprintf(out, 8, "%04d-%02d", ym / 12, ym % 12 + 1);
}

static int ym_of_days(int64_t days)
{
	struct date d = date_from_days(days);
	return d.y * 12 + d.m - 1;
}

static void day_text(int64_t days, char out[11])
{
	date_format(date_from_days(days), out);
}

static int64_t days_of(int y, int m, int d)
{
	struct date x = { y, m, d };
	return date_to_days(x);
}

static int ind_points(const struct gen *g, int64_t id)
{
	int i;
	for (i = 0; i < g->nind; i++)
		if (g->ind_ids[i] == id)
			return g->ind_pts[i];
	return 10;
}

/* a valid 18-digit number, unique: per county and birth day, sequence numbers are counted */
static void make_id(struct gen *g, int64_t *birth, int male, char out[19])
{
	char first17[18];
	int slot, k, c;
	struct date d;
	for (;;) {
		slot = (int)(*birth - BIRTH_DAY0);
		if (slot < 0)
			slot = 0;
		if (slot >= BIRTH_DAYS)
			slot = BIRTH_DAYS - 1;
		k = g->seq[male][slot];
		if (k < 499)
			break;
		(*birth)++;
	}
	g->seq[male][slot]++;
	d = date_from_days(*birth);
	/* the 17th digit (sequence's last) is odd for men, even for women */
	xsnprintf(first17, sizeof(first17), "%s%04d%02d%02d%03d", g->area, d.y, d.m, d.d, 2 * k + (male ? 1 : 2));
	c = idcard_check_char(first17);
	xsnprintf(out, 19, "%s%c", first17, (char)c);
}

static void make_name(struct rng *r, int male, char *out, size_t size)
{
	xsnprintf(out, size, "%s%s", PICK(r, surnames), male ? PICK(r, given_m) : PICK(r, given_f));
}

/* ---- orgs ---- */

struct org_row {
	int64_t id, parent_id;
	char path[128];
	int depth;
	const char *kind, *unit_kind;
	char name[160], code[40], address[200];
	int can_approve, committee_size;
	int64_t secretary;
	char founded[11], term_start[11], term_end[11];
};

static int write_org(struct gen *g, struct org_row *o, const struct org_row *parent)
{
	struct bulk *b = &g->b[T_ORGS];
	o->id = next_id(g, T_ORGS);
	o->parent_id = parent ? parent->id : 0;
	o->depth = parent ? parent->depth + 1 : 0;
	xsnprintf(o->path, sizeof(o->path), "%s%" PRId64 "/", parent ? parent->path : "/", o->id);
	bulk_int(b, o->id);
	if (parent)
		bulk_int(b, parent->id);
	else
		bulk_null(b);
	bulk_text(b, o->path);
	bulk_int(b, o->depth);
	bulk_text(b, o->kind);
	bulk_text(b, o->name);
	bulk_text(b, o->code);
	bulk_text(b, o->unit_kind);
	bulk_int(b, o->can_approve);
	bulk_int(b, o->committee_size);
	if (o->secretary)
		bulk_int(b, o->secretary);
	else
		bulk_null(b);
	bulk_opt(b, o->founded);
	bulk_opt(b, o->term_start);
	bulk_opt(b, o->term_end);
	bulk_opt(b, o->address);
	bulk_text(b, g->ctx->now_iso);
	bulk_text(b, g->ctx->now_iso);
	g->rep->orgs++;
	g->rows_in_tx++;
	/* a top-level org's partitions before any of its rows (041; the trigger on orgs that
	 * makes them is set aside during the load) */
	if (o->depth <= 1 && ctx_is_pg(g->ctx)) {
		char sql[64];
		int rc;
		xsnprintf(sql, sizeof(sql), "SELECT dj_partitions_ensure(%" PRId64 ")", o->id);
		if ((rc = db_exec(g->ctx->db, sql, &g->ctx->err)))
			return rc;
	}
	return b_end(g->ctx, g->b, T_ORGS);
}

/* ---- one branch and everything in it ---- */

struct mem {
	int64_t id, join, full; /* days */
	int probationary, lost, floating, age;
	int64_t group_id;
};

static int write_member(struct gen *g, const struct org_row *br, enum bkind kind, struct mem *m, int leader)
{
	struct ctx *ctx = g->ctx;
	struct rng *r = &g->rng;
	struct bulk *b = &g->b[T_MEMBERS];
	char idn[19], mask[40], hash[PII_HASH_HEX], phone[16], pmask[24], phash[PII_HASH_HEX], name[64];
	char bd[11], jd[11], fd[11], ls[11], addr[160], from[8], paid_to[8], unit[160];
	char *enc = NULL, *penc = NULL;
	const char *edu, *ptype, *job;
	int male = permille(r, kind == BK_VILLAGE ? 760 : 640), join_age, rc, has_phone;
	int64_t birth, hi_join;
	int dkind, ym, paid_last, start_ym, month_ym;
	int64_t base = 0, monthly;

	m->id = next_id(g, T_MEMBERS);
	m->probationary = !leader && permille(r, 30);
	if (leader)
		m->age = range(r, 32, 58);
	else if (m->probationary)
		m->age = range(r, 20, 36);
	else if (kind == BK_VILLAGE)
		m->age = permille(r, 450) ? range(r, 60, 86) : range(r, 24, 59);
	else if (kind == BK_COMMUNITY)
		m->age = permille(r, 450) ? range(r, 62, 88) : range(r, 24, 61);
	else
		m->age = range(r, 23, 59);
	birth = g->today - (int64_t)m->age * 365 - range(r, 1, 360);
	make_id(g, &birth, male, idn);
	day_text(birth, bd);
	make_name(r, male, name, sizeof(name));
	/* 入党: at 18 at the earliest; full members a year before today at the latest */
	hi_join = m->probationary ? g->today - range(r, 20, 340) : g->today - 366 - range(r, 0, 800);
	join_age = range(r, 19, 35);
	m->join = birth + (int64_t)join_age * 366;
	if (m->join > hi_join)
		m->join = hi_join;
	if (m->join < birth + 18 * 366 + 1)
		m->join = birth + 18 * 366 + 1;
	if (m->join > hi_join) /* only for a probationary member just 18; stays within the year */
		m->join = hi_join;
	day_text(m->join, jd);
	fd[0] = '\0';
	if (!m->probationary) {
		m->full = date_to_days(date_add_months(date_from_days(m->join), 12));
		day_text(m->full, fd);
	}
	/* what they do */
	if (kind == BK_GOV) {
		ptype = m->age >= 60 ? "retired" : "employed";
		job = m->age >= 60 ? "502" : "011";
		edu = PICK(r, edu_cadre);
	} else if (kind == BK_VILLAGE) {
		ptype = "farmer";
		job = "11";
		edu = m->age >= 65 ? PICK(r, edu_old) : m->age >= 40 ? PICK(r, edu_mid) : PICK(r, edu_young);
	} else if (kind == BK_COMMUNITY) {
		ptype = m->age >= 60 ? "retired" : "employed";
		job = m->age >= 60 ? "502" : "604";
		edu = m->age >= 65 ? PICK(r, edu_old) : PICK(r, edu_young);
	} else {
		ptype = "employed";
		job = permille(r, 300) ? "0215" : "0312";
		edu = m->age >= 45 ? PICK(r, edu_mid) : PICK(r, edu_young);
	}
	m->floating = !leader && !m->probationary && kind == BK_VILLAGE && m->age <= 50 && permille(r, 90);
	m->lost = !leader && !m->probationary && !m->floating && kind != BK_GOV && permille(r, 6);
	unit[0] = '\0';
	if (m->floating)
		xsnprintf(unit, sizeof(unit), "在%s%s务工", PICK(r, stem1), PICK(r, stem2));
	else if (kind == BK_ENTERPRISE || kind == BK_GOV)
		xsnprintf(unit, sizeof(unit), "%s", br->name);
	xsnprintf(addr, sizeof(addr), "%s%s%d号", g->county_name, g->town_name, range(r, 1, 300));
	has_phone = permille(r, m->age >= 75 ? 600 : 960);
	/* sealed as member_prepare does */
	idcard_mask(idn, mask, sizeof(mask));
	pii_hash(idn, hash);
	pii_encrypt(idn, &enc);
	if (has_phone) {
		xsnprintf(phone, sizeof(phone), "%s%04d%04d", PICK(r, mobile), below(r, 10000), below(r, 10000));
		phone_mask(phone, pmask, sizeof(pmask));
		pii_hash(phone, phash);
		pii_encrypt(phone, &penc);
	}
	ls[0] = '\0';
	if (m->lost)
		day_text(g->today - range(r, 200, 900), ls);
	/* dues: the base, then quarterly payments through the window; some fall behind */
	dkind = dues_kind_for_person_type(ptype);
	if (!strcmp(ptype, "employed"))
		base = (int64_t)range(r, 2500, 12000) * 100;
	else if (!strcmp(ptype, "retired"))
		base = (int64_t)range(r, 2000, 6000) * 100;
	monthly = dues_monthly_fen(ctx->cfg, dkind, base, NULL);
	ym_text(ym_of_days(m->join), from);
	start_ym = ym_of_days(m->join) > g->first_ym ? ym_of_days(m->join) : g->first_ym;
	paid_last = g->last_ym;
	if (m->lost)
		paid_last = g->last_ym - range(r, 6, 11);
	else if (permille(r, 50))
		paid_last = g->last_ym - range(r, 1, 5);
	if (paid_last < start_ym - 1)
		paid_last = start_ym - 1;
	if (paid_last >= start_ym || ym_of_days(m->join) < g->first_ym)
		ym_text(paid_last, paid_to);
	else
		paid_to[0] = '\0';
	/* the row */
	bulk_int(b, m->id);
	bulk_int(b, br->id);
	bulk_text(b, br->path);
	if (m->group_id)
		bulk_int(b, m->group_id);
	else
		bulk_null(b);
	bulk_text(b, name);
	bulk_text(b, male ? "1" : "2");
	bulk_text(b, enc);
	bulk_text(b, hash);
	bulk_text(b, mask);
	bulk_text(b, idn + 14);
	bulk_text(b, bd);
	bulk_text(b, PICK(r, ethnic));
	bulk_text(b, edu);
	bulk_text(b, m->probationary ? "probationary" : "full");
	bulk_text(b, jd);
	bulk_opt(b, fd);
	bulk_text(b, job);
	bulk_text(b, ptype);
	bulk_opt(b, unit);
	bulk_text(b, has_phone ? penc : NULL);
	bulk_text(b, has_phone ? phash : NULL);
	bulk_text(b, has_phone ? pmask : NULL);
	bulk_text(b, has_phone ? phone + 7 : NULL);
	bulk_text(b, addr);
	bulk_int(b, m->lost);
	bulk_opt(b, ls);
	bulk_int(b, m->floating);
	bulk_text(b, from);
	bulk_opt(b, paid_to);
	bulk_text(b, ctx->now_iso);
	bulk_text(b, ctx->now_iso);
	free(enc);
	free(penc);
	g->rep->members++;
	g->rows_in_tx++;
	if ((rc = b_end(ctx, g->b, T_MEMBERS)))
		return rc;

	/* dues rows */
	{
		struct bulk *bb = &g->b[T_BASES], *bp = &g->b[T_PAYMENTS], *bm = &g->b[T_MONTHS];
		char fm[8], lm[8], mo[8], paid_on[11];
		int64_t base_id = next_id(g, T_BASES);
		ym_text(start_ym, fm);
		bulk_int(bb, base_id);
		bulk_int(bb, m->id);
		bulk_text(bb, fm);
		bulk_text(bb, dues_kind_code(dkind));
		bulk_int(bb, base);
		bulk_int(bb, monthly);
		bulk_text(bb, ctx->now_iso);
		g->rep->dues_bases++;
		g->rows_in_tx++;
		if ((rc = b_end(ctx, g->b, T_BASES)))
			return rc;
		for (ym = start_ym; ym <= paid_last;) {
			int last = ym + 2 - ym % 3; /* to the quarter's end */
			int64_t pay_id = next_id(g, T_PAYMENTS), paid_day;
			if (last > paid_last)
				last = paid_last;
			ym_text(ym, fm);
			ym_text(last, lm);
			paid_day = days_of(ym / 12, ym % 12 + 1, 1) + range(r, 0, 20);
			if (paid_day >= g->today)
				paid_day = g->today - 1;
			day_text(paid_day, paid_on);
			bulk_int(bp, pay_id);
			bulk_int(bp, m->id);
			bulk_int(bp, br->id);
			bulk_text(bp, br->path);
			bulk_text(bp, "regular");
			bulk_text(bp, fm);
			bulk_text(bp, lm);
			bulk_int(bp, monthly * (last - ym + 1));
			bulk_text(bp, paid_on);
			bulk_text(bp, permille(r, 600) ? "wechat" : permille(r, 500) ? "cash" : "bank");
			bulk_text(bp, "支部组织委员");
			bulk_text(bp, ctx->now_iso);
			g->rep->dues_payments++;
			g->rows_in_tx++;
			if ((rc = b_end(ctx, g->b, T_PAYMENTS)))
				return rc;
			for (month_ym = ym; month_ym <= last; month_ym++) {
				ym_text(month_ym, mo);
				bulk_int(bm, m->id);
				bulk_text(bm, mo);
				bulk_text(bm, br->path);
				bulk_int(bm, monthly);
				bulk_int(bm, monthly);
				bulk_int(bm, pay_id);
				bulk_int(bm, org_path_top(br->path)); /* the partition key (041) */
				g->rep->dues_months++;
				g->rows_in_tx++;
				if ((rc = b_end(ctx, g->b, T_MONTHS)))
					return rc;
			}
			ym = last + 1;
		}
	}
	return 0;
}

static int write_points(struct gen *g, const struct org_row *br, const char *target, int64_t subject, int64_t ind)
{
	struct bulk *b = &g->b[T_POINTS];
	struct rng *r = &g->rng;
	int ym = range(r, g->first_ym, g->last_ym), pts = ind_points(g, ind);
	int64_t day = days_of(ym / 12, ym % 12 + 1, range(r, 1, 28));
	char on[11];
	if (day >= g->today)
		day = g->today - 1;
	ym = ym_of_days(day);
	day_text(day, on);
	bulk_int(b, next_id(g, T_POINTS));
	bulk_text(b, target);
	bulk_int(b, subject);
	bulk_int(b, br->id);
	bulk_text(b, br->path);
	bulk_int(b, ind);
	bulk_int(b, ym);
	bulk_text(b, on);
	bulk_int(b, pts);
	bulk_text(b, "manual");
	bulk_text(b, "支部委员会记录");
	bulk_text(b, g->ctx->now_iso);
	g->rep->point_entries++;
	g->rows_in_tx++;
	return b_end(g->ctx, g->b, T_POINTS);
}

static int write_meeting(struct gen *g, const struct org_row *br, const char *kind, int64_t day, const char *start,
			 const char *end, int hours_x10, const char *topic, const struct mem *ms, int n)
{
	struct ctx *ctx = g->ctx;
	struct rng *r = &g->rng;
	struct bulk *b = &g->b[T_MEETINGS], *ba = &g->b[T_ATT];
	int64_t id = next_id(g, T_MEETINGS);
	char on[11];
	int i, rc;
	day_text(day, on);
	bulk_int(b, id);
	bulk_int(b, br->id);
	bulk_text(b, br->path);
	bulk_text(b, kind);
	bulk_text(b, on);
	bulk_text(b, start);
	bulk_text(b, end);
	bulk_text(b, "党员活动室");
	bulk_text(b, "支部书记");
	bulk_text(b, topic);
	bulk_int(b, hours_x10);
	bulk_int(b, 1);
	bulk_text(b, ctx->now_iso);
	bulk_text(b, ctx->now_iso);
	g->rep->meetings++;
	g->rows_in_tx++;
	if ((rc = b_end(ctx, g->b, T_MEETINGS)))
		return rc;
	for (i = 0; i < n; i++) {
		const struct mem *m = &ms[i];
		int x = below(r, 1000);
		if (m->join > day)
			continue; /* not yet a member then */
		bulk_int(ba, id);
		bulk_int(ba, m->id);
		if (m->lost) {
			bulk_text(ba, "absent");
			bulk_null(ba);
		} else if (m->floating) {
			bulk_text(ba, x < 700 ? "leave" : "absent");
			bulk_text(ba, x < 700 ? "外出务工" : NULL);
		} else if (x < 900) {
			bulk_text(ba, "present");
			bulk_null(ba);
		} else if (x < 960) {
			bulk_text(ba, "leave");
			bulk_text(ba, PICK(r, leave_reasons));
		} else if (x < 970) {
			bulk_text(ba, "leave");
			bulk_null(ba);
		} else {
			bulk_text(ba, "absent");
			bulk_null(ba);
		}
		bulk_int(ba, org_path_top(br->path)); /* the partition key (041) */
		g->rep->attendance++;
		g->rows_in_tx++;
		if ((rc = b_end(ctx, g->b, T_ATT)))
			return rc;
	}
	return 0;
}

static const char *const theme_topics[] = { "学习贯彻党的二十大精神", "重温入党誓词", "学习党章党规", "志愿服务进社区",
					    "学习新修订的《中国共产党纪律处分条例》", "乡村振兴专题学习" };

static int write_meetings(struct gen *g, const struct org_row *br, const struct mem *ms, int n, int committee)
{
	struct rng *r = &g->rng;
	int ym, rc;
	for (ym = g->first_ym; ym <= g->last_ym; ym++) {
		int y = ym / 12, mo = ym % 12 + 1;
		if ((rc = write_meeting(g, br, "theme_day", days_of(y, mo, range(r, 1, 10)), "09:00", "11:00", 20,
					PICK(r, theme_topics), ms, n)))
			return rc;
		if (committee && (rc = write_meeting(g, br, "committee", days_of(y, mo, range(r, 11, 20)), "14:30", "15:30",
						     10, "研究支部近期工作", ms, committee)))
			return rc;
		if (mo % 3 == 0 && (rc = write_meeting(g, br, "party_congress", days_of(y, mo, range(r, 21, 26)), "09:00",
						       "11:00", 20, "通报季度工作，讨论党员发展", ms, n)))
			return rc;
		if (mo % 3 == 2 && (rc = write_meeting(g, br, "lecture", days_of(y, mo, range(r, 21, 27)), "15:00", "16:30",
						       15, "书记讲党课", ms, n)))
			return rc;
	}
	return 0;
}

static int write_recruits(struct gen *g, const struct org_row *br, int n)
{
	struct ctx *ctx = g->ctx;
	struct rng *r = &g->rng;
	struct bulk *b = &g->b[T_RECRUITS], *bs = &g->b[T_STEPS];
	int i, rc;
	for (i = 0; i < n; i++) {
		int male = permille(r, 550), talked = permille(r, 600);
		int64_t birth = g->today - (int64_t)range(r, 19, 34) * 365 - range(r, 1, 360);
		int64_t applied = g->today - range(r, 40, 300), id = next_id(g, T_RECRUITS);
		char idn[19], mask[40], hash[PII_HASH_HEX], name[64], bd[11], ap[11], tk[11];
		char *enc = NULL;
		make_id(g, &birth, male, idn);
		day_text(birth, bd);
		day_text(applied, ap);
		day_text(applied + range(r, 5, 28), tk);
		make_name(r, male, name, sizeof(name));
		idcard_mask(idn, mask, sizeof(mask));
		pii_hash(idn, hash);
		pii_encrypt(idn, &enc);
		bulk_int(b, id);
		bulk_int(b, br->id);
		bulk_text(b, br->path);
		bulk_text(b, name);
		bulk_text(b, male ? "1" : "2");
		bulk_text(b, enc);
		bulk_text(b, hash);
		bulk_text(b, mask);
		bulk_text(b, bd);
		bulk_text(b, "01");
		bulk_text(b, PICK(r, edu_young));
		bulk_null(b);
		bulk_null(b);
		bulk_null(b);
		bulk_int(b, 1);
		bulk_int(b, talked ? 2 : 1);
		bulk_text(b, "active");
		bulk_text(b, ap);
		bulk_opt(b, talked ? tk : "");
		bulk_text(b, g->rules);
		bulk_text(b, ctx->now_iso);
		bulk_text(b, ctx->now_iso);
		free(enc);
		g->rep->recruits++;
		g->rows_in_tx++;
		if ((rc = b_end(ctx, g->b, T_RECRUITS)))
			return rc;
		for (int step = 1; step <= (talked ? 2 : 1); step++) {
			bulk_int(bs, next_id(g, T_STEPS));
			bulk_int(bs, id);
			bulk_int(bs, step);
			bulk_text(bs, step == 1 ? ap : tk);
			bulk_int(bs, br->id);
			bulk_text(bs, "branch");
			bulk_text(bs, "admin");
			bulk_text(bs, ctx->now_iso);
			g->rep->recruit_steps++;
			g->rows_in_tx++;
			if ((rc = b_end(ctx, g->b, T_STEPS)))
				return rc;
		}
	}
	return 0;
}

static void branch_name(struct gen *g, enum bkind k, int gov_town, int idx, struct org_row *o)
{
	struct rng *r = &g->rng;
	switch (k) {
	case BK_GOV:
		if (gov_town)
			xsnprintf(o->name, sizeof(o->name), "%s%s党支部", g->county_name, bureaus[idx % (int)COUNT(bureaus)]);
		else
			xsnprintf(o->name, sizeof(o->name), "%s机关党支部", g->town_name);
		o->unit_kind = "government";
		xsnprintf(o->address, sizeof(o->address), "%s%s", g->county_name, g->town_name);
		break;
	case BK_VILLAGE:
		xsnprintf(o->name, sizeof(o->name), "%s%s%s党支部", g->town_name, PICK(r, surnames), PICK(r, village_suffix));
		o->unit_kind = "village";
		xsnprintf(o->address, sizeof(o->address), "%s%s村民委员会", g->county_name, g->town_name);
		break;
	case BK_COMMUNITY:
		xsnprintf(o->name, sizeof(o->name), "%s%s社区党支部", g->town_name, PICK(r, community_words));
		o->unit_kind = "community";
		xsnprintf(o->address, sizeof(o->address), "%s%s居民委员会", g->county_name, g->town_name);
		break;
	case BK_ENTERPRISE:
		xsnprintf(o->name, sizeof(o->name), "%s%s%s有限公司党支部", g->town_name, PICK(r, stem1), PICK(r, firm_words));
		o->unit_kind = "enterprise";
		xsnprintf(o->address, sizeof(o->address), "%s%s工业园区%d号", g->county_name, g->town_name, range(r, 1, 99));
		break;
	case BK_JOINT:
		xsnprintf(o->name, sizeof(o->name), "%s非公企业联合党支部", g->town_name);
		o->unit_kind = "enterprise";
		xsnprintf(o->address, sizeof(o->address), "%s%s", g->county_name, g->town_name);
		break;
	}
}

static int write_branch(struct gen *g, const struct org_row *town, int gov_town, int bidx, int idx_in_town)
{
	struct rng *r = &g->rng;
	struct org_row br, grp;
	enum bkind k = g->plan.branch_kind[bidx];
	int size = g->plan.branch_size[bidx], full_min, committee, ngroups, i, rc, years;
	int64_t group_ids[4] = { 0, 0, 0, 0 }, start;
	struct mem *ms;
	static const char *const group_names[] = { "第一党小组", "第二党小组", "第三党小组", "第四党小组" };

	memset(&br, 0, sizeof(br));
	br.kind = k == BK_JOINT ? "joint_branch" : "branch";
	branch_name(g, k, gov_town, idx_in_town, &br);
	xsnprintf(br.code, sizeof(br.code), "%s-%03d", town->code, idx_in_town + 1);
	full_min = size - (size + 9) / 10; /* a guess before the members are drawn; committee only well above 7 */
	committee = full_min >= 12 ? (size >= 30 ? 5 : 3) : 0;
	br.committee_size = committee;
	br.secretary = g->next_id[T_MEMBERS]; /* the first member written below */
	years = k == BK_VILLAGE || k == BK_COMMUNITY ? 5 : 3;
	start = g->today - range(r, 30, years * 365 - 120);
	day_text(start, br.term_start);
	date_format(date_add_months(date_from_days(start), 12 * years), br.term_end);
	day_text(g->today - range(r, 5, 60) * 365, br.founded);
	if ((rc = write_org(g, &br, town)))
		return rc;
	g->rep->branches++;
	ngroups = size >= 30 ? clampi(size / 20, 2, 4) : 0; /* 党小组 in the bigger branches */
	for (i = 0; i < ngroups; i++) {
		memset(&grp, 0, sizeof(grp));
		grp.kind = "group";
		grp.unit_kind = br.unit_kind;
		xsnprintf(grp.name, sizeof(grp.name), "%s", group_names[i]);
		xsnprintf(grp.code, sizeof(grp.code), "%s-%d", br.code, i + 1);
		xsnprintf(grp.founded, sizeof(grp.founded), "%s", br.term_start);
		if ((rc = write_org(g, &grp, &br)))
			return rc;
		group_ids[i] = grp.id;
		g->rep->groups++;
	}
	ms = xcalloc((size_t)size, sizeof(*ms));
	for (i = 0; i < size; i++) {
		ms[i].group_id = ngroups ? group_ids[i % ngroups] : 0;
		/* the first members are the secretary and the 支委 */
		if ((rc = write_member(g, &br, k, &ms[i], i < (committee ? committee : 1))))
			goto out;
	}
	if ((rc = write_meetings(g, &br, ms, size, committee)))
		goto out;
	for (i = 0; i < size; i++) {
		if (permille(r, 600) && (rc = write_points(g, &br, "member", ms[i].id, g->ind_member_award[below(r, 3)])))
			goto out;
		if (permille(r, 60) && (rc = write_points(g, &br, "member", ms[i].id, g->ind_member_deduct)))
			goto out;
	}
	if ((rc = write_points(g, &br, "branch", br.id, g->ind_branch_award)) ||
	    (permille(r, 300) && (rc = write_points(g, &br, "branch", br.id, g->ind_branch_deduct))))
		goto out;
	rc = write_recruits(g, &br, below(r, 3));
out:
	free(ms);
	return rc;
}

/* ---- transactions ---- */

static int flush_all(struct gen *g)
{
	int i, rc;
	for (i = 0; i < T_N; i++)
		if ((rc = bulk_flush(g->ctx, &g->b[i])))
			return rc;
	return 0;
}

static int maybe_commit(struct gen *g)
{
	int rc;
	if (g->rows_in_tx < g->batch)
		return 0;
	if ((rc = flush_all(g)) || (rc = db_commit(g->ctx->db, &g->ctx->err)) || (rc = db_begin(g->ctx->db, &g->ctx->err)))
		return rc;
	g->rows_in_tx = 0;
	return 0;
}

/* ---- setup: ids, indicators, rules ---- */

static int scalar(struct ctx *ctx, const char *sql, int64_t *out)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	if (!st)
		return E_DB;
	step = stmt_step(st, &ctx->err);
	*out = step == STEP_ROW && !stmt_is_null(st, 0) ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	return step < 0 ? E_DB : 0;
}

static int load_ids(struct gen *g)
{
	char sql[128];
	int i, rc;
	for (i = 0; i < T_N; i++) {
		int64_t v;
		if (i == T_ATT || i == T_MONTHS)
			continue;
		xsnprintf(sql, sizeof(sql), "SELECT max(id) FROM %s", tables[i][0]);
		if ((rc = scalar(g->ctx, sql, &v)))
			return rc;
		g->next_id[i] = v + 1;
	}
	return 0;
}

static int load_indicators(struct gen *g, int64_t root_id)
{
	struct ctx *ctx = g->ctx;
	json_t *body = NULL;
	struct stmt *st;
	int64_t set_id = 0;
	char from[8];
	time_t saved;
	int rc, step, na = 0;
	if (points_set_template_json(&body))
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "points template");
	ym_text(g->first_ym, from);
	json_object_set_new(body, "org_id", json_integer(root_id));
	json_object_set_new(body, "effective_from", json_string(from));
	/* written on the first day it is in force, as a province would have done (no past months) */
	saved = ctx->now;
	ctx_set_clock(ctx, (time_t)(days_of(g->first_ym / 12, g->first_ym % 12 + 1, 1) * 86400 + 4 * 3600));
	rc = points_set_create(ctx, body, &set_id);
	ctx_set_clock(ctx, saved);
	json_decref(body);
	if (rc)
		return rc;
	st = db_prepare(ctx->db, "SELECT id, target, sign, points_x10 FROM point_indicators WHERE set_id = ? "
				 "AND source = 'manual' ORDER BY position",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, set_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t id = stmt_int(st, 0);
		int member = !strcmp(stmt_text(st, 1), "member"), sign = (int)stmt_int(st, 2);
		if (g->nind < (int)COUNT(g->ind_ids)) {
			g->ind_ids[g->nind] = id;
			g->ind_pts[g->nind++] = sign * (int)stmt_int(st, 3);
		}
		if (member && sign > 0 && na < 3)
			g->ind_member_award[na++] = id;
		else if (member && sign < 0 && !g->ind_member_deduct)
			g->ind_member_deduct = id;
		else if (!member && sign > 0 && !g->ind_branch_award)
			g->ind_branch_award = id;
		else if (!member && sign < 0 && !g->ind_branch_deduct)
			g->ind_branch_deduct = id;
	}
	stmt_reset(st);
	if (step < 0)
		return E_DB;
	while (na < 3 && na > 0) {
		g->ind_member_award[na] = g->ind_member_award[na - 1];
		na++;
	}
	if (!na || !g->ind_member_deduct || !g->ind_branch_award || !g->ind_branch_deduct)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "the points template lacks manual indicators");
	return 0;
}

int64_t demo_scale_default_members(const char *scale)
{
	if (!scale)
		return 0;
	if (!strcmp(scale, "county"))
		return 30000;
	if (!strcmp(scale, "city"))
		return 600000;
	if (!strcmp(scale, "province"))
		return 10000000;
	return 0;
}

static double secs_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* the tree with its branches; inside a transaction */
static int write_world(struct gen *g, struct org_row *root)
{
	struct plan *p = &g->plan;
	struct org_row city, county, town;
	int c, k, t, b, rc;
	static const char *const town_suffix[] = { "镇", "镇", "镇", "乡", "街道" };
	for (c = 0; c < p->ncity; c++) {
		const struct org_row *city_parent = root;
		if (p->levels >= 2) {
			memset(&city, 0, sizeof(city));
			city.kind = "dept";
			city.unit_kind = "government";
			xsnprintf(city.name, sizeof(city.name), "中共%s%s市委组织部", stem1[c % COUNT(stem1)],
				  stem2[(c * 7) % COUNT(stem2)]);
			xsnprintf(city.code, sizeof(city.code), "%s%02d", root->code, c + 1);
			xsnprintf(city.founded, sizeof(city.founded), "1949-10-01");
			if ((rc = write_org(g, &city, root)))
				return rc;
			g->rep->cities++;
			city_parent = &city;
		}
		for (k = split_lo(c, p->ncity, p->ncounty); k < split_lo(c + 1, p->ncity, p->ncounty); k++) {
			const struct org_row *county_org = city_parent;
			int kl = k - split_lo(c, p->ncity, p->ncounty);
			xsnprintf(g->county_name, sizeof(g->county_name), "%s%s%s", stem1[(k * 5 + 3) % COUNT(stem1)],
				  stem2[(k * 3 + 1) % COUNT(stem2)], kl % 4 == 0 ? "区" : "县");
			if (p->levels >= 1) {
				memset(&county, 0, sizeof(county));
				county.kind = "dept";
				county.unit_kind = "government";
				xsnprintf(county.name, sizeof(county.name), "中共%s委组织部", g->county_name);
				xsnprintf(county.code, sizeof(county.code), "%s%02d", city_parent->code, kl + 1);
				xsnprintf(county.founded, sizeof(county.founded), "1949-10-01");
				if ((rc = write_org(g, &county, city_parent)))
					return rc;
				g->rep->counties++;
				county_org = &county;
			} else {
				g->rep->counties = 1;
			}
			/* ID numbers: 13 + city + county; sequence numbers start afresh per county */
			xsnprintf(g->area, sizeof(g->area), "13%02d%02d", (c + 1) % 100, (kl + 1) % 100);
			memset(g->seq[0], 0, BIRTH_DAYS * sizeof(uint16_t));
			memset(g->seq[1], 0, BIRTH_DAYS * sizeof(uint16_t));
			for (t = split_lo(k, p->ncounty, p->ntown); t < split_lo(k + 1, p->ncounty, p->ntown); t++) {
				int tl = t - split_lo(k, p->ncounty, p->ntown), gov = tl == 0, bl = 0;
				memset(&town, 0, sizeof(town));
				town.kind = "committee";
				town.unit_kind = "government";
				town.can_approve = 1;
				town.committee_size = 7;
				if (gov) {
					xsnprintf(g->town_name, sizeof(g->town_name), "县直");
					xsnprintf(town.name, sizeof(town.name), "中共%s直属机关工作委员会", g->county_name);
				} else {
					xsnprintf(g->town_name, sizeof(g->town_name), "%s%s%s", stem1[(t * 11 + 5) % COUNT(stem1)],
						  stem2[(t * 13 + 7) % COUNT(stem2)], town_suffix[t % COUNT(town_suffix)]);
					xsnprintf(town.name, sizeof(town.name), "%s党委", g->town_name);
				}
				xsnprintf(town.code, sizeof(town.code), "%s%02d", county_org->code, tl + 1);
				xsnprintf(town.founded, sizeof(town.founded), "1984-03-01");
				xsnprintf(town.address, sizeof(town.address), "%s%s", g->county_name, g->town_name);
				if ((rc = write_org(g, &town, county_org)))
					return rc;
				g->rep->towns++;
				for (b = split_lo(t, p->ntown, p->nbranch); b < split_lo(t + 1, p->ntown, p->nbranch); b++) {
					if ((rc = write_branch(g, &town, gov, b, bl++)) || (rc = maybe_commit(g)))
						return rc;
				}
			}
			if (g->opt->progress) {
				fprintf(g->opt->progress, "  %s: %lld orgs, %lld members, %lld attendance rows\n", g->county_name,
					(long long)g->rep->orgs, (long long)g->rep->members, (long long)g->rep->attendance);
				fflush(g->opt->progress);
			}
		}
	}
	return flush_all(g);
}

static int set_sequences(struct ctx *ctx)
{
	static const char *const seq_tables[] = { "orgs", "members", "meetings", "dues_bases", "dues_payments",
						  "point_entries", "recruits", "recruit_steps" };
	char sql[256];
	size_t i;
	int rc;
	if (!ctx_is_pg(ctx))
		return 0;
	for (i = 0; i < COUNT(seq_tables); i++) {
		xsnprintf(sql, sizeof(sql),
			  "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM %s), false)",
			  seq_tables[i], seq_tables[i]);
		if ((rc = db_exec(ctx->db, sql, &ctx->err)))
			return rc;
	}
	return 0;
}

static int pragmas(struct ctx *ctx, int bulk)
{
	if (ctx_is_pg(ctx)) /* commits of the load need not wait for the disk: a failed load is started again anyway */
		return db_exec(ctx->db, bulk ? "SET synchronous_commit TO off" : "SET synchronous_commit TO DEFAULT",
			       &ctx->err);
	return db_exec(ctx->db,
		       /* temp_store=FILE: CREATE INDEX sorts a whole table in temp space, which in
			* memory would take gigabytes at province scale */
		       bulk ? "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=FILE;"
			    : "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;",
		       &ctx->err);
}

int demo_scale_generate(struct ctx *ctx, const struct demo_scale_options *opt, struct demo_scale_report *out)
{
	struct gen g;
	struct aside aside;
	struct org_row root;
	struct recruit_rules rr;
	struct user u;
	struct timespec t0;
	const char *pw = opt->admin_password && opt->admin_password[0] ? opt->admin_password : DEMO_ADMIN_PASSWORD;
	int levels, rc, i, in_tx = 0;
	int64_t n;
	json_t *detail;
	char *rules;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	memset(&aside, 0, sizeof(aside));
	strbuf_init(&aside.indexes, 0);
	strbuf_init(&aside.triggers, 0);
	strbuf_init(&aside.fkeys, 0);
	strbuf_init(&aside.keys, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ctx->actor.role != ROLE_SYSADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "demo.role", "只有系统管理员可以生成演示数据");
	if (!pii_keys_loaded())
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "personal-data keys are not loaded");
	if (!opt->scale || !demo_scale_default_members(opt->scale))
		return err_set(&ctx->err, E_INVALID, "scale", "demo.scale", "规模应为 county、city 或 province");
	levels = !strcmp(opt->scale, "province") ? 2 : !strcmp(opt->scale, "city") ? 1 : 0;
	n = opt->members ? opt->members : demo_scale_default_members(opt->scale);
	if (n < 200 || n > 50000000)
		return err_set(&ctx->err, E_INVALID, "members", "demo.members_target", "党员人数应为 200–50,000,000");
	if (opt->months < 0 || opt->months > 36)
		return err_set(&ctx->err, E_INVALID, "months", "demo.months", "月数应为 1–36");
	if ((rc = password_check_strength(ctx, pw)) || (rc = scalar(ctx, "SELECT count(*) FROM orgs", &g.today)))
		return rc;
	if (g.today)
		return err_set(&ctx->err, E_CONFLICT, NULL, "demo.not_empty", "数据库中已有组织，演示数据只能写入空数据库");

	g.ctx = ctx;
	g.opt = opt;
	g.rep = out;
	g.rng.s = opt->seed;
	g.today = date_to_days(ctx->today);
	g.last_ym = ctx->today.y * 12 + ctx->today.m - 2;
	g.first_ym = g.last_ym - (opt->months ? opt->months : 12) + 1;
	g.batch = opt->batch_rows > 0 ? opt->batch_rows : DEMO_SCALE_BATCH_DEFAULT;
	g.seq[0] = xcalloc(BIRTH_DAYS, sizeof(uint16_t));
	g.seq[1] = xcalloc(BIRTH_DAYS, sizeof(uint16_t));
	for (i = 0; i < T_N; i++)
		bulk_init(&g.b[i], tables[i][0], tables[i][1], db_can_copy(ctx->db));
	plan_make(&g.plan, &g.rng, levels, n);

	if ((rc = pragmas(ctx, 1)) || (rc = load_ids(&g)))
		goto out;
	/* the root, the indicator set and the admin account through the domain */
	memset(&root, 0, sizeof(root));
	root.kind = "dept";
	root.unit_kind = "government";
	xsnprintf(root.name, sizeof(root.name), "%s",
		  levels == 2 ? "中共河朔省委组织部" : levels == 1 ? "中共清州市委组织部" : "中共清河县委组织部");
	xsnprintf(root.code, sizeof(root.code), "%s", levels == 2 ? "HS" : levels == 1 ? "QZ" : "QH");
	xsnprintf(root.founded, sizeof(root.founded), "1949-10-01");
	xsnprintf(root.address, sizeof(root.address), "%s", "人民路1号");
	if (levels == 0)
		xsnprintf(g.county_name, sizeof(g.county_name), "清河县");
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	in_tx = 1;
	if ((rc = write_org(&g, &root, NULL)) || (rc = flush_all(&g)))
		goto out;
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	in_tx = 0;
	if ((rc = load_indicators(&g, root.id)))
		goto out;
	if ((rc = recruit_rules_load(ctx, root.path, &rr)))
		goto out;
	{
		json_t *rj = recruit_rules_json(&rr);
		rules = json_dumps(rj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(rj);
		xsnprintf(g.rules, sizeof(g.rules), "%s", rules ? rules : "{}");
		free(rules);
	}
	if (user_get_by_name(ctx, "admin", &u)) {
		err_clear(&ctx->err);
		memset(&u, 0, sizeof(u));
		xsnprintf(u.username, sizeof(u.username), "admin");
		xsnprintf(u.display_name, sizeof(u.display_name), "系统管理员");
		u.role = ROLE_SYSADMIN;
		if ((rc = user_create(ctx, &u, pw)))
			goto out;
	}

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	in_tx = 1;
	if (!opt->use_triggers && (rc = aside_begin(ctx, &aside)))
		goto out;
	if ((rc = db_commit(ctx->db, &ctx->err)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = write_world(&g, &root)))
		goto out;
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	in_tx = 0;
	out->seconds_load = secs_since(&t0);
	/* PostgreSQL plans the rebuild below by the tables' statistics, which a bulk load
	 * leaves at "empty" until autovacuum gets round to them: sample them now (ANALYZE
	 * reads a fixed sample per table, seconds at any size) */
	if (ctx_is_pg(ctx) && (rc = db_exec(ctx->db, "ANALYZE", &ctx->err)))
		goto out;

	/* the set-aside indexes, the aggregates, the triggers, one audit entry */
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	in_tx = 1;
	if (!opt->use_triggers) {
		if ((rc = aside_indexes_back(ctx, &aside)) || (rc = rebuild_counts_and_life(ctx)) ||
		    (rc = rebuild_report_aggregates(ctx)) || (rc = aside_keys_back(ctx, &aside)) ||
		    (rc = aside_triggers_back(ctx, &aside)))
			goto out;
	}
	if ((rc = rebuild_rollups(ctx)) || (rc = set_sequences(ctx)))
		goto out;
	detail = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "scale", opt->scale, "seed",
			   (json_int_t)opt->seed, "orgs", (json_int_t)out->orgs, "members", (json_int_t)out->members,
			   "meetings", (json_int_t)out->meetings, "attendance", (json_int_t)out->attendance,
			   "dues_payments", (json_int_t)out->dues_payments, "point_entries", (json_int_t)out->point_entries,
			   "recruits", (json_int_t)out->recruits, "months", (json_int_t)(g.last_ym - g.first_ym + 1));
	rc = audit_append(ctx, "demo_scale", "org", root.id, NULL, detail);
	json_decref(detail);
	if (rc || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	in_tx = 0;
	/* and the aggregates just rebuilt, so the first reports are planned on real counts */
	if (ctx_is_pg(ctx) && (rc = db_exec(ctx->db, "ANALYZE", &ctx->err)))
		goto out;
	out->seconds_rebuild = secs_since(&t0) - out->seconds_load;
out:
	if (in_tx)
		db_rollback(ctx->db);
	pragmas(ctx, 0);
	for (i = 0; i < T_N; i++)
		bulk_free(&g.b[i]);
	free(g.seq[0]);
	free(g.seq[1]);
	free(g.plan.branch_size);
	free(g.plan.branch_kind);
	strbuf_release(&aside.indexes);
	strbuf_release(&aside.triggers);
	strbuf_release(&aside.fkeys);
	strbuf_release(&aside.keys);
	return rc;
}
