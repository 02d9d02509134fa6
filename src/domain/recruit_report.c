/*
 * Recruitment reports (发展党员, RULES.md §1): the 百分制 quantitative review, the
 * reminder list, statistics and the annual plans per 基层党委.
 *
 * DESIGN.md "Scale": every report over a subtree is an index range read once and
 * aggregated here in C (indexes in 006_recruit_report.sql and 007), never a join per row over
 * recruit_steps. Decisions use the milestone date columns of recruits, not recruits.stage,
 * so they hold whatever stage a record is filed under while a step is in progress.
 */
#include "domain/recruit.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/jsonw.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "domain/subtree_page.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "发展党员记录不存在或不在您的管理范围内"
#define RATER_MAX_CHARS 30
#define INSPECTION_MONTHS 6      /* one 考察 record every 6 months */
#define INSPECTION_NOTICE_DAYS 30
#define ONE_YEAR_NOTICE_DAYS 30
/* and for this long after: every activist past a year is not news (most wait longer) */
#define ONE_YEAR_PAST_DAYS 30
#define PUBLICITY_WINDOW_DAYS 7  /* after 支委会审查 (step 12): 公示 then 预审 */
#define APPROVAL_MONTHS 3        /* upper 党委 decides within 3 months of the 支部大会 */
#define APPROVAL_MAX_MONTHS 6    /* extended for cause, never beyond */
#define APPROVAL_NOTICE_DAYS 30
#define PROBATION_NOTICE_DAYS 30
#define PLAN_MAX 100000

static const char *const statuses[] = { "active", "not_developed", "cancelled", "archived" };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* A date column: 1 and *d set when present and valid, else 0. */
static int col_date(struct stmt *st, int col, struct date *d)
{
	const char *s = stmt_text(st, col);
	return s && !date_parse(s, d);
}

static long long cfg_int(const struct ctx *ctx, enum config_key k)
{
	/* unit tests run without a config: the table's default is the documented value */
	return ctx->cfg ? config_int(ctx->cfg, k) : strtoll(config_defs[k].def, NULL, 10);
}

/* Reports are for those who administer recruitment: 支部书记 and up. */
static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "recruit.role", "只有支部书记或管理员可以查看发展党员工作");
	return 0;
}

/* The subtree [lo, hi) of org_id (0: the actor's scope root). */
static int scope_range(struct ctx *ctx, int64_t org_id, struct org *o, char *lo, char *hi)
{
	int rc;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, org_id, o)))
		return rc;
	strlcpy_z(lo, o->path, PATH_MAX_LEN);
	path_range_end(lo, hi, PATH_MAX_LEN);
	return 0;
}

/* ---- 百分制 quantitative review ---- */

static const char *score_band(const struct ctx *ctx, int64_t sum, int64_t count)
{
	/* compare sums, not a rounded average: 79.95 must not round up into 80 */
	if (sum >= cfg_int(ctx, CFG_RECRUIT_SCORE_ELIGIBLE) * count)
		return "eligible";
	if (sum >= cfg_int(ctx, CFG_RECRUIT_SCORE_CONTINUE) * count)
		return "continue";
	return "eliminate";
}

/* sum / count to one decimal, for display only */
static double average1(int64_t sum, int64_t count)
{
	int64_t tenths = (sum * 20 + count) / (count * 2);
	return (double)tenths / 10.0;
}

int recruit_add_score(struct ctx *ctx, int64_t id, json_t *body, json_t **out)
{
	struct stmt *st;
	struct date scored, activist;
	char path[PATH_MAX_LEN], status[20], rater[128], activist_s[11] = "", name[128];
	json_t *v, *after = NULL;
	int64_t score, sum = 0, count = 0, score_id = 0;
	int rc, step, found = 0, approved = 0;
	const char *s;

	*out = NULL;
	if ((rc = require_officer(ctx)))
		return rc;
	if (!json_is_object(body))
		return err_set(&ctx->err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");

	st = db_prepare(ctx->db, "SELECT org_path, status, activist_on, approved_on IS NOT NULL, name FROM recruits WHERE id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		found = 1;
		stmt_text_copy(st, 0, path, sizeof(path));
		stmt_text_copy(st, 1, status, sizeof(status));
		stmt_text_copy(st, 2, activist_s, sizeof(activist_s));
		approved = (int)stmt_int(st, 3);
		stmt_text_copy(st, 4, name, sizeof(name));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);

	/* the fields first, so a bad request names the field before any rule */
	v = json_object_get(body, "rater");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "rater", NULL, "字段 rater 必须是字符串");
	text_normalize(v && json_is_string(v) ? json_string_value(v) : "", rater, sizeof(rater));
	if (!rater[0])
		return err_set(&ctx->err, E_INVALID, "rater", "field.required", "评分人不能为空");
	if (!text_is_clean(rater) || utf8_chars(rater) > RATER_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, "rater", "field.text", "评分人含有非法字符或超过 %d 个字", RATER_MAX_CHARS);
	v = json_object_get(body, "score");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "score", "field.required", "分数不能为空");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "score", NULL, "字段 score 必须是整数");
	score = json_integer_value(v);
	if (score < 0 || score > 100)
		return err_set(&ctx->err, E_INVALID, "score", "recruit.score_range", "百分制分数应为 0–100 的整数");
	v = json_object_get(body, "scored_on");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "scored_on", NULL, "字段 scored_on 必须是字符串");
	s = v && json_is_string(v) ? json_string_value(v) : "";
	if (!s[0])
		return err_set(&ctx->err, E_INVALID, "scored_on", "field.required", "考评日期不能为空");
	if (date_parse(s, &scored))
		return err_set(&ctx->err, E_INVALID, "scored_on", "field.date", "scored_on 不是有效日期（格式 YYYY-MM-DD）");
	if (date_cmp(scored, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "scored_on", "field.date_future", "考评日期不能晚于今天");

	if (strcmp(status, "active"))
		return err_set(&ctx->err, E_RULE, "id", "recruit.status", "%s的发展工作已结束，不能再考评", name);
	/* the review weighs an 积极分子 or 发展对象 before acceptance; a 预备党员 is past it */
	if (!activist_s[0] || date_parse(activist_s, &activist) || approved)
		return err_set(&ctx->err, E_RULE, "id", "recruit.score_stage",
			       "%s不是入党积极分子或发展对象，不能进行百分制考评", name);
	if (date_cmp(scored, activist) < 0)
		return err_set(&ctx->err, E_RULE, "scored_on", "recruit.score_date", "考评日期 %s 早于确定为入党积极分子的日期 %s", s,
			       activist_s);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db, "INSERT INTO recruit_scores (recruit_id, year, rater, score, scored_on, created_by, created_at) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, scored.y);
	stmt_bind_text(st, 3, rater);
	stmt_bind_int(st, 4, score);
	stmt_bind_text(st, 5, s);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 6, ctx->actor.user_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_text(st, 7, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		score_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	st = db_prepare(ctx->db, "SELECT COALESCE(sum(score), 0), count(*) FROM recruit_scores WHERE recruit_id = ? AND year = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, scored.y);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		sum = stmt_int(st, 0);
		count = stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW || count < 1) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	after = json_pack("{s:I, s:s, s:I, s:s, s:i}", "score_id", (json_int_t)score_id, "rater", rater, "score",
			  (json_int_t)score, "scored_on", s, "year", scored.y);
	if ((rc = audit_append(ctx, "score", "recruit", id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	*out = json_pack("{s:I, s:i, s:f, s:I, s:s}", "id", (json_int_t)score_id, "year", scored.y, "average",
			 average1(sum, count), "count", (json_int_t)count, "band", score_band(ctx, sum, count));
out:
	if (rc)
		db_rollback(ctx->db);
	json_decref(after);
	return rc;
}

/* the band under the record's own rule set (local settings), as step 7 decides */
static const char *rules_band(const struct recruit_rules *rules, int64_t sum, int64_t count)
{
	if (sum >= (int64_t)rules->score_eligible * count)
		return "eligible";
	if (sum >= (int64_t)rules->score_continue * count)
		return "continue";
	return "eliminate";
}

int recruit_scores_list(struct ctx *ctx, int64_t id, json_t **out)
{
	struct recruit r;
	struct recruit_rules rules;
	struct stmt *st;
	json_t *items, *years;
	int rc, step, year = 0;
	int64_t sum = 0, count = 0;

	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = recruit_load(ctx, id, &r)) ||
	    (rc = recruit_rules_load(ctx, r.org_path, &rules)))
		return rc;
	st = db_prepare(ctx->db, "SELECT id, year, rater, score, scored_on, created_at FROM recruit_scores WHERE recruit_id = ? "
				 "ORDER BY year, scored_on, id", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	items = json_array();
	years = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int y = (int)stmt_int(st, 1);
		int64_t score = stmt_int(st, 3);
		if (count && y != year) {
			json_array_append_new(years, json_pack("{s:i, s:f, s:I, s:s}", "year", year, "average", average1(sum, count),
							       "count", (json_int_t)count, "band", rules_band(&rules, sum, count)));
			sum = count = 0;
		}
		year = y;
		sum += score;
		count++;
		json_array_append_new(items, json_pack("{s:I, s:i, s:s?, s:I, s:s?, s:s?}", "id", (json_int_t)stmt_int(st, 0),
						       "year", y, "rater", stmt_text(st, 2), "score", (json_int_t)score,
						       "scored_on", stmt_text(st, 4), "at", stmt_text(st, 5)));
	}
	stmt_reset(st);
	if (count)
		json_array_append_new(years, json_pack("{s:i, s:f, s:I, s:s}", "year", year, "average", average1(sum, count),
						       "count", (json_int_t)count, "band", rules_band(&rules, sum, count)));
	if (step != STEP_DONE) {
		json_decref(items);
		json_decref(years);
		return ctx_db_fail(ctx);
	}
	*out = json_pack("{s:o, s:o}", "items", items, "years", years);
	return 0;
}

/* ---- reminders ---- */

struct reminder {
	int64_t recruit_id, org_id;
	char name[128];
	const char *kind;
	struct date due;
	char message[200];
};

struct reminders {
	struct reminder *v;
	size_t n, alloc;
};

/* records at step 12, dated after the scan (one statement open at a time) */
struct at_step12 {
	struct {
		int64_t id, org_id;
		char name[128];
	} *v;
	size_t n, alloc;
};

static void add_reminder(struct reminders *r, int64_t id, int64_t org_id, const char *name, const char *kind,
			 struct date due, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void add_reminder(struct reminders *r, int64_t id, int64_t org_id, const char *name, const char *kind,
			 struct date due, const char *fmt, ...)
{
	struct reminder *it;
	va_list ap;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	it = &r->v[r->n++];
	it->recruit_id = id;
	it->org_id = org_id;
	strlcpy_z(it->name, name ? name : "", sizeof(it->name));
	it->kind = kind;
	it->due = due;
	va_start(ap, fmt);
	/* messages are fixed text with dates and counts: far below the buffer */
	vsnprintf(it->message, sizeof(it->message), fmt, ap);
	va_end(ap);
}

static int cmp_reminder(const void *a, const void *b)
{
	const struct reminder *x = a, *y = b;
	int c = date_cmp(x->due, y->due);
	if (c)
		return c;
	if ((c = strcmp(x->kind, y->kind)))
		return c;
	return (x->recruit_id > y->recruit_id) - (x->recruit_id < y->recruit_id);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The date of the latest 支部委员会审查 (step 12) of a record. */
static int step12_date(struct ctx *ctx, int64_t id, struct date *d, int *found)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT max(done_on) FROM recruit_steps WHERE recruit_id = ? AND step = 12",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	*found = step == STEP_ROW && col_date(st, 0, d);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static int64_t days_between(struct date a, struct date b)
{
	return date_to_days(b) - date_to_days(a);
}

/* The reminder rules for one open record (columns of the scan in recruit_reminders). */
static void record_reminders(const struct ctx *ctx, struct stmt *st, struct reminders *out, struct at_step12 *pending)
{
	struct date today = ctx->today, applied, talked, activist, insp, target, meeting, approved, pend, full, due, last;
	int64_t id = stmt_int(st, 13), org_id = stmt_int(st, 11);
	const char *name = stmt_text(st, 12);
	int last_step = (int)stmt_int(st, 0), extended = (int)stmt_int(st, 9);
	int has_applied = col_date(st, 1, &applied), has_talked = col_date(st, 2, &talked);
	int has_activist = col_date(st, 3, &activist), has_insp = col_date(st, 4, &insp);
	int has_target = col_date(st, 5, &target);
	int has_meeting = col_date(st, 6, &meeting), has_approved = col_date(st, 7, &approved);
	int has_pend = col_date(st, 8, &pend), has_full = col_date(st, 10, &full);
	char d1[11], d2[11];

	/* 谈话: within one month of receiving the application (RULES.md §1 talk) */
	if (has_applied && !has_talked && !has_activist) {
		due = date_add_months(applied, 1);
		date_format(applied, d1);
		date_format(due, d2);
		if (date_cmp(today, due) <= 0)
			add_reminder(out, id, org_id, name, "talk_due", due, "%s 递交入党申请书，应在 %s 前派人谈话", d1, d2);
		else
			add_reminder(out, id, org_id, name, "talk_overdue", due, "%s 递交入党申请书，谈话期限 %s 已过 %" PRId64 " 天", d1,
				     d2, days_between(due, today));
	}

	/* 培养教育考察: one record every 6 months from the day named 积极分子 until the 支部大会 */
	if (has_activist && !has_meeting) {
		last = has_insp && date_cmp(insp, activist) > 0 ? insp : activist;
		due = date_add_months(last, INSPECTION_MONTHS);
		/* most of a county's activists are not due: format dates only for an item */
		if (date_cmp(today, due) > 0) {
			date_format(last, d1);
			date_format(due, d2);
			add_reminder(out, id, org_id, name, "inspection_overdue", due, "上次考察（或确定为积极分子）在 %s，%s 前应再考察，已过 %" PRId64 " 天",
				     d1, d2, days_between(due, today));
		} else if (days_between(today, due) <= INSPECTION_NOTICE_DAYS) {
			date_format(last, d1);
			date_format(due, d2);
			add_reminder(out, id, org_id, name, "inspection_due", due, "上次考察（或确定为积极分子）在 %s，应在 %s 前再考察", d1, d2);
		}
	}

	/* 确定发展对象 needs a year as 积极分子: the day it becomes possible, shortly before
	 * and after */
	if (has_activist && !has_target) {
		due = date_add_months(activist, 12);
		if (days_between(today, due) <= ONE_YEAR_NOTICE_DAYS && days_between(due, today) <= ONE_YEAR_PAST_DAYS) {
			date_format(activist, d1);
			date_format(due, d2);
			add_reminder(out, id, org_id, name, "activist_one_year", due, "%s 确定为入党积极分子，%s 满一年，可按程序确定为发展对象",
				     d1, d2);
		}
	}

	/* 公示 runs between 支委会审查 (12) and 上级党委预审 (13): dated after the scan */
	if (last_step == 12) {
		ALLOC_GROW(pending->v, pending->n + 1, pending->alloc);
		pending->v[pending->n].id = id;
		pending->v[pending->n].org_id = org_id;
		strlcpy_z(pending->v[pending->n].name, name ? name : "", sizeof(pending->v[pending->n].name));
		pending->n++;
	}

	/* 上级党委审批 within 3 months of the 支部大会, 6 at most with a reason */
	if (has_meeting && !has_approved) {
		due = date_add_months(meeting, APPROVAL_MONTHS);
		if (days_between(today, due) <= APPROVAL_NOTICE_DAYS) {
			struct date max = date_add_months(meeting, APPROVAL_MAX_MONTHS);
			char d3[11];
			date_format(meeting, d1);
			date_format(due, d2);
			date_format(max, d3);
			add_reminder(out, id, org_id, name, "approval_deadline", due,
				     "%s 支部大会通过接收，上级党委应在 %s 前审批%s（有正当理由最迟 %s）", d1, d2,
				     date_cmp(today, due) > 0 ? "，已超期" : "", d3);
		}
	}

	/* 预备期 (or its extension) ends: 转正 is due until the upper 党委 approves (24) */
	if (has_approved && !has_full && has_pend && last_step < 24 && days_between(today, pend) <= PROBATION_NOTICE_DAYS) {
		date_format(pend, d1);
		if (extended > 0)
			add_reminder(out, id, org_id, name, "extension_ending", pend, "延长 %d 个月的预备期%s %s 届满，应及时讨论转正", extended,
				     date_cmp(today, pend) > 0 ? "已于" : "将于", d1);
		else
			add_reminder(out, id, org_id, name, "probation_ending", pend, "预备期%s %s 届满，应及时讨论转正",
				     date_cmp(today, pend) > 0 ? "已于" : "将于", d1);
	}
}

/* The records whose latest step is 12: 公示 ends within the window after that step. */
static int publicity_reminders(struct ctx *ctx, const struct at_step12 *pending, struct reminders *out)
{
	size_t i;
	int rc, found;
	for (i = 0; i < pending->n; i++) {
		struct date d12, due;
		char d1[11], d2[11];
		if ((rc = step12_date(ctx, pending->v[i].id, &d12, &found)))
			return rc;
		if (!found)
			continue;
		due = date_add_days(d12, PUBLICITY_WINDOW_DAYS);
		if (date_cmp(ctx->today, d12) < 0 || date_cmp(ctx->today, due) > 0)
			continue;
		date_format(d12, d1);
		date_format(due, d2);
		add_reminder(out, pending->v[i].id, pending->v[i].org_id, pending->v[i].name, "publicity_ending", due,
			     "%s 支部委员会审查后公示，%s 前公示期满，请报上级党委预审", d1, d2);
	}
	return 0;
}

/* org name by id for the orgs the items show: sorted distinct ids, one seek each */
struct name_map {
	int64_t *ids;
	char (*names)[128];
	size_t n;
};

static int load_names(struct ctx *ctx, const char *sql, int64_t *ids, size_t n, struct name_map *m)
{
	struct stmt *st;
	size_t i, k = 0;
	int step;
	/* m owns ids from here on, whatever happens */
	memset(m, 0, sizeof(*m));
	m->ids = ids;
	if (!n)
		return 0;
	qsort(ids, n, sizeof(*ids), cmp_i64);
	for (i = 0; i < n; i++)
		if (!k || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	m->n = k;
	m->names = xcalloc(k, sizeof(*m->names));
	for (i = 0; i < k; i++) {
		if (!(st = db_prepare(ctx->db, sql, &ctx->err)))
			return E_DB;
		stmt_bind_int(st, 1, ids[i]);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			stmt_text_copy(st, 0, m->names[i], sizeof(m->names[i]));
		stmt_reset(st);
		if (step < 0)
			return ctx_db_fail(ctx);
	}
	return 0;
}

static const char *name_of(const struct name_map *m, int64_t id)
{
	int64_t *hit = m->n ? bsearch(&id, m->ids, m->n, sizeof(*m->ids), cmp_i64) : NULL;
	return hit ? m->names[hit - m->ids] : "";
}

static void name_map_free(struct name_map *m)
{
	free(m->ids);
	free(m->names);
	memset(m, 0, sizeof(*m));
}

/*
 * The reminders of the subtree of org_id, sorted (due, kind, record), with the names of
 * their orgs. On success the caller releases *r and *orgs (also on failure: both are
 * always left freeable).
 */
/*
 * The reminders of the subtree of org_id in order. With pg (NULL: the whole list) a
 * large subtree (subtree_page.h) sets *large and pg's resolved page; the org names are
 * read for the items listed only: r->v[*from .. *to).
 */
static int collect_reminders(struct ctx *ctx, int64_t org_id, struct subtree_page *pg, int *large,
			     struct reminders *r, struct name_map *orgs, size_t *from, size_t *to)
{
	struct org root;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	struct at_step12 at12 = { 0 };
	struct stmt *st;
	int64_t *ids;
	size_t i;
	int rc, step;

	memset(r, 0, sizeof(*r));
	memset(orgs, 0, sizeof(*orgs));
	*large = 0;
	*from = *to = 0;
	if ((rc = scope_range(ctx, org_id, &root, lo, hi)) ||
	    (pg && (rc = subtree_page_resolve(ctx, pg, lo, hi, pg, large))))
		goto out;
	/* index-only on recruits_open_report (007): the columns are its columns, in its order;
	 * last_inspection_on is kept by recruit_steps.c with every 考察 (step 6) */
	st = db_prepare(ctx->db,
			"SELECT last_step, applied_on, talked_on, activist_on, last_inspection_on, target_on, branch_meeting_on, "
			"approved_on, probation_end, extended_months, full_on, org_id, name, id FROM recruits "
			"WHERE status = 'active' AND org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		record_reminders(ctx, st, r, &at12);
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if ((rc = publicity_reminders(ctx, &at12, r)))
		goto out;
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_reminder);

	*to = r->n;
	if (*large) {
		/* a province's 300,000 reminders name 200,000 orgs: one query each took seconds */
		*from = (size_t)(pg->page - 1) * (size_t)pg->per_page;
		*from = *from < r->n ? *from : r->n;
		*to = r->n - *from < (size_t)pg->per_page ? r->n : *from + (size_t)pg->per_page;
	}
	ids = xcalloc(*to - *from + 1, sizeof(*ids));
	for (i = *from; i < *to; i++)
		ids[i - *from] = r->v[i].org_id;
	rc = load_names(ctx, "SELECT name FROM orgs WHERE id = ?", ids, *to - *from, orgs);
out:
	free(at12.v);
	return rc;
}

int recruit_reminders(struct ctx *ctx, int64_t org_id, json_t **items)
{
	struct reminders r;
	struct name_map orgs;
	size_t i, from, to;
	int rc, large;

	*items = NULL;
	if ((rc = collect_reminders(ctx, org_id, NULL, &large, &r, &orgs, &from, &to)))
		goto out;
	*items = json_array();
	for (i = 0; i < r.n; i++) {
		const struct reminder *it = &r.v[i];
		char due[11];
		json_t *j = json_object();
		date_format(it->due, due);
		json_object_set_new(j, "recruit_id", json_integer(it->recruit_id));
		json_object_set_new(j, "name", json_string(it->name));
		json_object_set_new(j, "org_id", json_integer(it->org_id));
		json_object_set_new(j, "org_name", json_string(name_of(&orgs, it->org_id)));
		json_object_set_new(j, "kind", json_string(it->kind));
		json_object_set_new(j, "due", json_string(due));
		json_object_set_new(j, "message", json_string(it->message));
		json_array_append_new(*items, j);
	}
out:
	free(r.v);
	name_map_free(&orgs);
	return rc;
}

static int reminders_json(struct ctx *ctx, int64_t org_id, struct subtree_page *pg, struct strbuf *out)
{
	struct reminders r;
	struct name_map orgs;
	struct jw w;
	size_t i, from, to;
	int rc, large;

	if ((rc = collect_reminders(ctx, org_id, pg, &large, &r, &orgs, &from, &to)))
		goto out;
	jw_init(&w, out);
	strbuf_grow(out, (to - from) * 320 + 80); /* an item renders to ~250 bytes */
	if (large) {
		jw_open(&w);
		jw_int(&w, "total", (int64_t)r.n);
		jw_int(&w, "page", pg->page);
		jw_int(&w, "per_page", pg->per_page);
		jw_key(&w, "items");
	}
	jw_array(&w);
	for (i = from; i < to; i++) {
		const struct reminder *it = &r.v[i];
		char due[11];
		date_format(it->due, due);
		jw_elem(&w);
		jw_open(&w);
		jw_int(&w, "recruit_id", it->recruit_id);
		jw_str(&w, "name", it->name);
		jw_int(&w, "org_id", it->org_id);
		jw_str(&w, "org_name", name_of(&orgs, it->org_id));
		jw_str(&w, "kind", it->kind);
		jw_str(&w, "due", due);
		jw_str(&w, "message", it->message);
		jw_close(&w);
	}
	jw_array_end(&w);
	if (large)
		jw_close(&w);
out:
	free(r.v);
	name_map_free(&orgs);
	return rc;
}

/* The same array written straight into out (util/jsonw.h): a county's list is thousands
 * of items, and a jansson tree per item cost more than the whole scan. */
int recruit_reminders_json(struct ctx *ctx, int64_t org_id, struct strbuf *out)
{
	return reminders_json(ctx, org_id, NULL, out);
}

int recruit_reminders_page_json(struct ctx *ctx, int64_t org_id, const struct subtree_page *opts, struct strbuf *out)
{
	struct subtree_page pg = { 0, 0, 0 };
	if (opts)
		pg = *opts;
	return reminders_json(ctx, org_id, &pg, out);
}

/* ---- statistics ---- */

/*
 * Days since 1970 of a date column, -1 when NULL or not 'YYYY-MM-DD'. The statistics
 * pass reads five dates on every record of a county; the writers validated them, so
 * the shape is checked here but not the calendar (date_parse costs a third of the pass).
 */
static int64_t column_days(struct stmt *st, int col)
{
	const char *s = stmt_text(st, col);
	struct date d;
	int i;
	if (!s)
		return -1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	if (s[10])
		return -1;
	d.y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	d.m = (s[5] - '0') * 10 + (s[6] - '0');
	d.d = (s[8] - '0') * 10 + (s[9] - '0');
	return d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= 31 ? date_to_days(d) : -1;
}

static int status_index(const char *s)
{
	size_t i;
	for (i = 0; s && i < NSTATUS; i++)
		if (!strcmp(s, statuses[i]))
			return (int)i;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct reason_count {
	const char *reason;
	int64_t count;
};

static int cmp_reason_count(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->reason, y->reason);
}

/* The reason of a 不予发展 step (data.reason); "" when absent or unreadable. */
static char *exit_reason(const char *data)
{
	json_t *j = data ? json_loads(data, 0, NULL) : NULL;
	json_t *v = j ? json_object_get(j, "reason") : NULL;
	char buf[256] = "";
	if (v && json_is_string(v))
		text_normalize(json_string_value(v), buf, sizeof(buf));
	json_decref(j);
	return xstrdup(buf);
}

/*
 * 不予发展 grouped by reason: the latest step-95 row of each closed record (a correction
 * is a newer row, never an edit), its reason read in C because the JSON operators of
 * the two backends differ.
 */
static int eliminated_reasons(struct ctx *ctx, const char *lo, const char *hi, json_t **out)
{
	struct stmt *st;
	char **reasons = NULL;
	struct reason_count *groups = NULL;
	size_t n = 0, alloc = 0, ng = 0, i;
	int64_t prev = 0;
	int step, rc = 0;
	json_t *arr;

	st = db_prepare(ctx->db,
			"SELECT s.recruit_id, s.data FROM recruits r JOIN recruit_steps s ON s.recruit_id = r.id AND s.step = 95 "
			"WHERE r.org_path >= ? AND r.org_path < ? AND r.status = 'not_developed' ORDER BY s.recruit_id, s.id DESC",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t id = stmt_int(st, 0);
		if (n && id == prev)
			continue;
		prev = id;
		ALLOC_GROW(reasons, n + 1, alloc);
		reasons[n++] = exit_reason(stmt_text(st, 1));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (n)
		qsort(reasons, n, sizeof(*reasons), cmp_str);
	groups = xcalloc(n + 1, sizeof(*groups));
	for (i = 0; i < n; i++) {
		if (!ng || strcmp(groups[ng - 1].reason, reasons[i]))
			groups[ng++].reason = reasons[i];
		groups[ng - 1].count++;
	}
	if (ng)
		qsort(groups, ng, sizeof(*groups), cmp_reason_count);
	arr = json_array();
	for (i = 0; i < ng; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I}", "reason", groups[i].reason[0] ? groups[i].reason : "未填写原因",
						     "count", (json_int_t)groups[i].count));
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)n, "reasons", arr);
out:
	for (i = 0; i < n; i++)
		free(reasons[i]);
	free(reasons);
	free(groups);
	return rc;
}

int recruit_stats(struct ctx *ctx, int64_t org_id, json_t **out)
{
	/* the four intervals of RULES.md §1: consecutive milestones, columns 3..7 of the scan */
	static const char *const milestones[] = { "applied_on", "activist_on", "target_on", "branch_meeting_on", "full_on" };
	enum { NSPAN = sizeof(milestones) / sizeof(milestones[0]) - 1, NSTAGE = 5, NSTEP = 26 };
	int64_t by_stage[NSTAGE + 1][NSTATUS + 1], by_status[NSTATUS], by_step[NSTEP], total = 0;
	int64_t span_days[NSPAN], span_n[NSPAN];
	struct org root;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	struct stmt *st;
	json_t *stages = NULL, *steps = NULL, *days = NULL, *eliminated = NULL, *status_obj = NULL;
	size_t i, k;
	int rc, step;

	*out = NULL;
	memset(by_stage, 0, sizeof(by_stage));
	memset(by_status, 0, sizeof(by_status));
	memset(by_step, 0, sizeof(by_step));
	memset(span_days, 0, sizeof(span_days));
	memset(span_n, 0, sizeof(span_n));
	if ((rc = scope_range(ctx, org_id, &root, lo, hi)))
		return rc;
	/* index-only on recruits_stats_report: one pass over the subtree's range */
	st = db_prepare(ctx->db,
			"SELECT status, stage, last_step, applied_on, activist_on, target_on, branch_meeting_on, full_on "
			"FROM recruits WHERE org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int s = status_index(stmt_text(st, 0));
		int64_t stage = stmt_int(st, 1), last = stmt_int(st, 2), on[NSPAN + 1];
		total++;
		if (stage >= 1 && stage <= NSTAGE)
			by_stage[stage][s < 0 ? NSTATUS : (size_t)s]++;
		if (s >= 0)
			by_status[s]++;
		/* where the open records stand now */
		if (s == 0 && last >= 1 && last < NSTEP)
			by_step[last]++;
		/* each milestone once: the spans share their ends */
		for (k = 0; k <= NSPAN; k++)
			on[k] = column_days(st, 3 + (int)k);
		for (k = 0; k < NSPAN; k++) {
			if (on[k] >= 0 && on[k + 1] >= on[k]) {
				span_days[k] += on[k + 1] - on[k];
				span_n[k]++;
			}
		}
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if ((rc = eliminated_reasons(ctx, lo, hi, &eliminated)))
		return rc;

	stages = json_array();
	for (i = 1; i <= NSTAGE; i++) {
		json_t *j = json_object();
		int64_t sum = 0;
		json_object_set_new(j, "stage", json_integer((json_int_t)i));
		for (k = 0; k < NSTATUS; k++) {
			json_object_set_new(j, statuses[k], json_integer(by_stage[i][k]));
			sum += by_stage[i][k];
		}
		json_object_set_new(j, "total", json_integer(sum + by_stage[i][NSTATUS]));
		json_array_append_new(stages, j);
	}
	status_obj = json_object();
	for (k = 0; k < NSTATUS; k++)
		json_object_set_new(status_obj, statuses[k], json_integer(by_status[k]));
	steps = json_array();
	for (i = 1; i < NSTEP; i++)
		if (by_step[i])
			json_array_append_new(steps, json_pack("{s:i, s:I}", "step", (int)i, "count", (json_int_t)by_step[i]));
	days = json_array();
	for (k = 0; k < NSPAN; k++)
		json_array_append_new(days, json_pack("{s:s, s:s, s:I, s:o}", "from", milestones[k], "to", milestones[k + 1], "records",
						      (json_int_t)span_n[k], "average_days",
						      span_n[k] ? json_real(average1(span_days[k], span_n[k])) : json_null()));
	*out = json_pack("{s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "org_id", root.id ? json_integer(root.id) : json_null(),
			 "org_name", root.name, "total", (json_int_t)total, "by_status", status_obj, "by_stage", stages,
			 "by_step", steps, "days", days, "eliminated", eliminated);
	return 0;
}

/* ---- annual plans per 基层党委 ---- */

/* The org_paths of the approvals (step 17) of a year inside [lo, hi), sorted. */
static int approved_paths(struct ctx *ctx, int year, const char *lo, const char *hi, char ***out, size_t *n_out)
{
	struct stmt *st;
	char from[11], to[11], **v = NULL;
	size_t n = 0, alloc = 0;
	int step;
	xsnprintf(from, sizeof(from), "%04d-01-01", year);
	xsnprintf(to, sizeof(to), "%04d-12-31", year);
	st = db_prepare(ctx->db,
			"SELECT org_path FROM recruits WHERE approved_on >= ? AND approved_on <= ? AND org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, to);
	stmt_bind_text(st, 3, lo);
	stmt_bind_text(st, 4, hi);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = xstrdup(stmt_text(st, 0) ? stmt_text(st, 0) : "");
	}
	stmt_reset(st);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*n_out = n;
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static void free_strs(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* first index in sorted v whose string is >= key */
static size_t lower_bound(char **v, size_t n, const char *key)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (strcmp(v[m], key) < 0)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* 已发展数 of a committee: the approved paths inside its subtree range */
static int64_t developed_under(char **paths, size_t n, const char *path)
{
	char end[PATH_MAX_LEN];
	path_range_end(path, end, sizeof(end));
	return (int64_t)(lower_bound(paths, n, end) - lower_bound(paths, n, path));
}

static json_t *plan_json(int64_t org_id, const char *org_name, int year, int has_plan, int64_t planned, int has_pct,
			 int64_t pct, int64_t version, int64_t developed)
{
	json_t *j = json_object();
	json_object_set_new(j, "org_id", json_integer(org_id));
	json_object_set_new(j, "org_name", json_string(org_name));
	json_object_set_new(j, "year", json_integer(year));
	json_object_set_new(j, "planned", has_plan ? json_integer(planned) : json_null());
	json_object_set_new(j, "special_units_max_pct", has_pct ? json_integer(pct) : json_null());
	json_object_set_new(j, "developed", json_integer(developed));
	json_object_set_new(j, "version", json_integer(has_plan ? version : 0));
	return j;
}

int recruit_plan_list(struct ctx *ctx, int64_t org_id, int year, json_t **items)
{
	struct org root;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], **paths = NULL;
	struct stmt *st;
	size_t n = 0;
	int rc, step;

	*items = NULL;
	if ((rc = scope_range(ctx, org_id, &root, lo, hi)))
		return rc;
	if (year < 1900 || year > 2200)
		return err_set(&ctx->err, E_INVALID, "year", "recruit.plan_year", "年份 %d 无效", year);
	if ((rc = approved_paths(ctx, year, lo, hi, &paths, &n)))
		goto out;
	st = db_prepare(ctx->db,
			"SELECT o.id, o.name, o.path, p.planned, p.special_units_max_pct, p.version FROM orgs o "
			"LEFT JOIN recruit_plans p ON p.org_id = o.id AND p.year = ? "
			"WHERE o.kind = 'committee' AND o.path >= ? AND o.path < ? AND o.can_approve = 1 AND o.dissolved_on IS NULL "
			"ORDER BY o.path",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, year);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	*items = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *path = stmt_text(st, 2);
		int has_plan = !stmt_is_null(st, 5);
		json_array_append_new(*items, plan_json(stmt_int(st, 0), stmt_text(st, 1) ? stmt_text(st, 1) : "", year,
							has_plan, stmt_int(st, 3), !stmt_is_null(st, 4), stmt_int(st, 4),
							stmt_int(st, 5), developed_under(paths, n, path ? path : "")));
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
out:
	free_strs(paths, n);
	return rc;
}

/* An optional integer member of body: 0 absent/null, 1 present, E_MALFORMED otherwise. */
static int body_int(struct ctx *ctx, json_t *body, const char *key, int64_t *v, int *present)
{
	json_t *j = json_object_get(body, key);
	*present = 0;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	*v = json_integer_value(j);
	*present = 1;
	return 0;
}

int recruit_plan_set(struct ctx *ctx, json_t *body, json_t **out)
{
	struct org o;
	struct stmt *st;
	char **paths = NULL, hi[PATH_MAX_LEN];
	size_t n = 0;
	int64_t org_id = 0, year = 0, planned = 0, pct = 0, version = 0, plan_id = 0, old_planned = 0, old_pct = 0, old_version = 0;
	int has_org, has_year, has_planned, has_pct, has_version, exists = 0, old_has_pct = 0, rc, step;
	json_t *jb = NULL, *ja = NULL;

	*out = NULL;
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "recruit.plan_role", "只有党委或组织部门管理员可以下达发展党员计划");
	if (!json_is_object(body))
		return err_set(&ctx->err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");
	if ((rc = body_int(ctx, body, "org_id", &org_id, &has_org)) || (rc = body_int(ctx, body, "year", &year, &has_year)) ||
	    (rc = body_int(ctx, body, "planned", &planned, &has_planned)) ||
	    (rc = body_int(ctx, body, "special_units_max_pct", &pct, &has_pct)) ||
	    (rc = body_int(ctx, body, "version", &version, &has_version)))
		return rc;
	if (!has_org)
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "基层党委不能为空");
	if (!has_year)
		return err_set(&ctx->err, E_INVALID, "year", "field.required", "年份不能为空");
	if (!has_planned)
		return err_set(&ctx->err, E_INVALID, "planned", "field.required", "计划发展数不能为空");
	/* a plan is for the coming year or a recent one being corrected */
	if (year < 2000 || year > ctx->today.y + 1)
		return err_set(&ctx->err, E_INVALID, "year", "recruit.plan_year", "计划年份应在 2000–%d 之间", ctx->today.y + 1);
	if (planned < 0 || planned > PLAN_MAX)
		return err_set(&ctx->err, E_INVALID, "planned", "recruit.plan_planned", "计划发展数应为 0–%d", PLAN_MAX);
	if (has_pct && (pct < 0 || pct > 100))
		return err_set(&ctx->err, E_INVALID, "special_units_max_pct", "recruit.plan_pct", "比例上限应为 0–100");
	if ((rc = org_require_in_scope(ctx, org_id, &o, "org_id")))
		return rc;
	if (strcmp(o.kind, "committee") || !o.can_approve)
		return err_set(&ctx->err, E_RULE, "org_id", "recruit.plan_org", "发展党员计划只下达给有审批权的基层党委，“%s”不是", o.name);
	/* the level above sets a 基层党委's plan: never the committee's own administrators */
	if (ctx->actor.role != ROLE_SYSADMIN && (o.id == ctx->actor.org_id || !strcmp(o.path, ctx->actor.org_path)))
		return err_set(&ctx->err, E_FORBIDDEN, "org_id", "recruit.plan_scope", "“%s”的发展党员计划由上级党组织下达", o.name);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT id, planned, special_units_max_pct, version FROM recruit_plans WHERE org_id = ? AND year = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, year);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		exists = 1;
		plan_id = stmt_int(st, 0);
		old_planned = stmt_int(st, 1);
		old_has_pct = !stmt_is_null(st, 2);
		old_pct = stmt_int(st, 2);
		old_version = stmt_int(st, 3);
	}
	stmt_reset(st);
	if (step < 0) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	/* version given: the caller edits what it saw (0 = there was no plan yet) */
	if (has_version && version != (exists ? old_version : 0)) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该计划已被他人修改，请刷新后重试");
		goto out;
	}
	if (exists) {
		st = db_prepare(ctx->db,
				"UPDATE recruit_plans SET planned = ?, special_units_max_pct = ?, version = version + 1 "
				"WHERE id = ? AND version = ?",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_int(st, 1, planned);
		if (has_pct)
			stmt_bind_int(st, 2, pct);
		else
			stmt_bind_null(st, 2);
		stmt_bind_int(st, 3, plan_id);
		stmt_bind_int(st, 4, old_version);
		if ((rc = stmt_run(st, &ctx->err)))
			goto out;
		if (db_changes(ctx->db) != 1) {
			rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该计划已被他人修改，请刷新后重试");
			goto out;
		}
		version = old_version + 1;
	} else {
		st = db_prepare(ctx->db,
				"INSERT INTO recruit_plans (org_id, year, planned, special_units_max_pct, version) VALUES (?, ?, ?, ?, 1) "
				"RETURNING id",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_int(st, 1, org_id);
		stmt_bind_int(st, 2, year);
		stmt_bind_int(st, 3, planned);
		if (has_pct)
			stmt_bind_int(st, 4, pct);
		else
			stmt_bind_null(st, 4);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			plan_id = stmt_int(st, 0);
		stmt_reset(st);
		if (step == STEP_CONSTRAINT) {
			/* a concurrent first plan for the same committee and year won */
			rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该计划已被他人修改，请刷新后重试");
			goto out;
		}
		if (step != STEP_ROW) {
			rc = ctx_db_fail(ctx);
			goto out;
		}
		version = 1;
	}
	if (exists)
		jb = plan_json(o.id, o.name, (int)year, 1, old_planned, old_has_pct, old_pct, old_version, 0);
	ja = plan_json(o.id, o.name, (int)year, 1, planned, has_pct, pct, version, 0);
	/* audit snapshots hold the plan only: 已发展数 is derived, not written */
	json_object_del(ja, "developed");
	if (jb)
		json_object_del(jb, "developed");
	path_range_end(o.path, hi, sizeof(hi));
	if ((rc = audit_append(ctx, exists ? "update" : "create", "recruit_plan", plan_id, jb, ja)) ||
	    (rc = approved_paths(ctx, (int)year, o.path, hi, &paths, &n)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	*out = plan_json(o.id, o.name, (int)year, 1, planned, has_pct, pct, version, (int64_t)n);
out:
	if (rc)
		db_rollback(ctx->db);
	free_strs(paths, n);
	json_decref(jb);
	json_decref(ja);
	return rc;
}
