/*
 * Demo activity: recruitment records and meetings for the demo county (demo.c), written
 * through recruit_* and meeting_create with dates back from ctx->today. Deterministic:
 * fixed names and orders, no randomness. About a third of the branches (every third one)
 * get no meetings at all, so they have nothing this month and no 民主评议 round.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "domain/idcard.h"
#include "domain/meeting.h"
#include "domain/recruit.h"
#include "util/date.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_IDS 400

struct branch {
	int64_t id;
	int committee_size;
	int64_t full[MAX_IDS]; /* active full members, normal status, no discipline */
	int nfull;
	int64_t roster[MAX_IDS]; /* active full and probationary members */
	int roster_full[MAX_IDS];
	int nroster;
};

static int load_ids(struct ctx *ctx, const char *sql, int64_t org, int64_t *ids, int *flags, int cap, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int r;
	*n = 0;
	if (!st)
		return E_DB;
	if (org)
		stmt_bind_int(st, 1, org);
	while ((r = stmt_step(st, &ctx->err)) == STEP_ROW) {
		if (*n < cap) {
			ids[*n] = stmt_int(st, 0);
			if (flags)
				flags[*n] = (int)stmt_int(st, 1);
			(*n)++;
		}
	}
	stmt_reset(st);
	return r == STEP_DONE ? 0 : E_DB;
}

static int load_branch(struct ctx *ctx, struct branch *b)
{
	int rc;
	if ((rc = load_ids(ctx,
			   "SELECT id FROM members WHERE org_id = ? AND category = 'full' AND state = 'active' AND "
			   "party_status = 'normal' AND discipline = 'none' ORDER BY id",
			   b->id, b->full, NULL, MAX_IDS, &b->nfull)))
		return rc;
	return load_ids(ctx,
			"SELECT id, category = 'full' FROM members WHERE org_id = ? AND state = 'active' ORDER BY id",
			b->id, b->roster, b->roster_full, MAX_IDS, &b->nroster);
}

static void fmt(struct date d, char *out)
{
	date_format(d, out);
}

static int fail(struct ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "demo activity: %s: %s\n", what, ctx->err.message[0] ? ctx->err.message : "error");
	return rc;
}

/* ---- meetings ---- */

static json_t *attendance(const struct branch *b, int committee)
{
	json_t *a = json_array();
	int i, marked = 0;
	for (i = 0; i < b->nroster; i++) {
		json_t *e = json_pack("{s:I, s:s}", "member_id", (json_int_t)b->roster[i], "status",
				      (i % 11 == 5) ? "leave" : "present");
		if (i % 11 == 5)
			json_object_set_new(e, "reason", json_string("外出务工"));
		if (committee && b->roster_full[i] && marked < b->committee_size && i % 11 != 5) {
			json_object_set_new(e, "committee", json_true());
			marked++;
		}
		json_array_append_new(a, e);
	}
	return a;
}

static int add_meeting(struct ctx *ctx, const struct branch *b, const char *kind, struct date on, const char *topic,
		       int *count)
{
	char d[11];
	int64_t id;
	int rc;
	json_t *body;
	fmt(on, d);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b->id, "kind", kind, "held_on", d,
			 "start_time", "09:00", "end_time", "11:00", "place", "党员活动室", "topic", topic);
	if (!strcmp(kind, "lecture"))
		json_object_set_new(body, "lecturer", json_string("支部书记"));
	if (!strcmp(kind, "committee") || !strcmp(kind, "theme_day"))
		json_object_set_new(body, "attendance", attendance(b, !strcmp(kind, "committee")));
	rc = meeting_create(ctx, body, &id);
	json_decref(body);
	if (rc)
		return fail(ctx, kind, rc);
	(*count)++;
	return 0;
}

static struct date month_day(struct date today, int back, int day)
{
	struct date d = date_add_months(today, -back);
	int dim = date_days_in_month(d.y, d.m);
	d.d = day > dim ? dim : day;
	if (date_cmp(d, today) > 0)
		d = today;
	return d;
}

static const char *const theme_topics[] = { "学习贯彻党的创新理论", "重温入党誓词", "志愿服务进社区", "学习党章党规",
					   "廉洁文化教育", "红色教育基地参观" };

static int branch_meetings(struct ctx *ctx, const struct branch *b, int idx, struct date today, int *count)
{
	int back, rc, day = 6 + idx % 15;
	for (back = 4; back >= 0; back--) {
		const char *topic = theme_topics[(idx + back) % 6];
		if ((rc = add_meeting(ctx, b, "theme_day", month_day(today, back, day), topic, count)))
			return rc;
		if (b->committee_size > 0 && b->nroster >= b->committee_size &&
		    (rc = add_meeting(ctx, b, "committee", month_day(today, back, day > 3 ? day - 3 : 1), "研究本月支部工作",
				      count)))
			return rc;
	}
	if ((rc = add_meeting(ctx, b, "party_congress", month_day(today, 2, 20), "通报支部工作，研究发展党员工作", count)) ||
	    (rc = add_meeting(ctx, b, "lecture", month_day(today, 1, 25), "坚定理想信念 践行初心使命", count)))
		return rc;
	return 0;
}

/* ---- recruitment ---- */

static const char *const recruit_names[] = { "李明轩", "王思远", "张佳怡", "刘子涵", "陈浩然", "杨雨桐", "赵文博",
					     "黄梦琪", "周子健", "吴欣然", "徐立新", "孙晓燕", "马俊峰", "朱雅琴",
					     "胡志鹏", "郭婷婷", "何嘉伟", "高晓雪", "林宇航", "罗佳琪", "郑一鸣",
					     "梁诗涵", "谢天宇", "宋雅静", "唐博文", "许晨阳", "韩梦瑶", "冯子轩",
					     "邓海洋", "曹紫薇" };

static int64_t recruit_id_of(json_t *rec)
{
	return (int64_t)json_integer_value(json_object_get(rec, "id"));
}

/* The earliest date of step in the record's "next" list, or a zero date. */
static struct date next_earliest(json_t *rec, int step)
{
	struct date d = { 0, 0, 0 };
	size_t i;
	json_t *e, *next = json_object_get(rec, "next");
	json_array_foreach(next, i, e) {
		if (json_integer_value(json_object_get(e, "step")) == step) {
			const char *s = json_string_value(json_object_get(e, "earliest"));
			if (s)
				date_parse(s, &d);
			break;
		}
	}
	return d;
}

static struct date later(struct date a, struct date b)
{
	return b.y && date_cmp(b, a) > 0 ? b : a;
}

static json_t *ids_json(const struct branch *b, int from, int n)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(b->full[(from + i) % b->nfull]));
	return a;
}

/* Records step on max(*cursor + gap, earliest); 1 when that would be after today (nothing recorded). */
static int step(struct ctx *ctx, json_t **rec, int s, int gap, struct date *cursor, json_t *people, json_t *data)
{
	struct date on = later(date_add_days(*cursor, gap), next_earliest(*rec, s));
	char d[11], what[32];
	json_t *body, *out = NULL;
	int rc;
	if (date_cmp(on, ctx->today) > 0) {
		json_decref(people);
		json_decref(data);
		return 1;
	}
	fmt(on, d);
	body = json_pack("{s:i, s:O, s:s}", "step", s, "version", json_object_get(*rec, "version"), "done_on", d);
	if (people)
		json_object_set_new(body, "people", people);
	if (data)
		json_object_set_new(body, "data", data);
	rc = recruit_record_step(ctx, recruit_id_of(*rec), body, &out);
	json_decref(body);
	if (rc) {
		snprintf(what, sizeof(what), "recruit step %d", s);
		return fail(ctx, what, rc);
	}
	json_decref(*rec);
	*rec = out;
	*cursor = on;
	return 0;
}

static int add_score(struct ctx *ctx, json_t *rec, const char *rater, int score, struct date on)
{
	char d[11];
	json_t *body, *out = NULL;
	int rc;
	fmt(on, d);
	body = json_pack("{s:s, s:i, s:s}", "rater", rater, "score", score, "scored_on", d);
	rc = recruit_add_score(ctx, recruit_id_of(rec), body, &out);
	json_decref(body);
	json_decref(out);
	return rc ? fail(ctx, "recruit score", rc) : 0;
}

/*
 * One record in branch b, applied `months` months ago, carried up to step `target` (or as far
 * as today allows); eliminate: an activist 不予发展 at the end.
 */
static int recruit_one(struct ctx *ctx, const struct branch *b, int k, int months, int target, int eliminate)
{
	struct date applied = date_add_days(date_add_months(ctx->today, -months), -(k % 9));
	struct date birth = { 1986 + k % 17, 1 + k % 12, 1 + (k * 7) % 28 }, cur, d7;
	char id[32], d[11], phone[24];
	json_t *body, *rec = NULL;
	int rc = 0, s;

	/* 17 digits by construction (the bounds keep every field at its width) */
	snprintf(id, sizeof(id), "130534%04d%02d%02d%03d", birth.y % 10000, birth.m % 100, birth.d % 100,
		 (700 + k * 7 % 290) % 1000);
	id[17] = (char)idcard_check_char(id);
	id[18] = 0;
	snprintf(phone, sizeof(phone), "139%08d", (31070000 + k * 37) % 100000000);
	fmt(applied, d);
	body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)b->id, "name",
			 recruit_names[k % 30], "id_number", id, "ethnicity", "01", "education", k % 3 ? "21" : "22",
			 "work_unit", "清河县", "phone", phone, "applied_on", d);
	rc = recruit_create(ctx, body, &rec);
	json_decref(body);
	if (rc)
		return fail(ctx, "recruit create", rc);
	cur = applied;
	for (s = 2; s <= target && !rc; s++) {
		json_t *people = NULL, *data = NULL;
		int gap = 7;
		switch (s) {
		case 2: gap = 12; people = json_pack("{s:o}", "talkers", ids_json(b, k, 1)); break;
		case 3: gap = 45; data = json_pack("{s:s}", "method", "党员推荐、群团组织推优，支部委员会研究确定"); break;
		case 5: people = json_pack("{s:o}", "contacts", ids_json(b, k + 1, 2)); break;
		case 6:
			/* inspections at most every 150 days, up to the 发展对象 date (or today) */
			data = json_pack("{s:s}", "content", "培养教育考察：思想汇报、参加组织活动情况良好");
			if ((rc = step(ctx, &rec, 6, 60, &cur, NULL, data)))
				break;
			for (;;) {
				d7 = next_earliest(rec, 7);
				if (target == 6 ? date_cmp(date_add_days(cur, 150), ctx->today) > 0
						: (d7.y && date_cmp(d7, date_add_days(cur, 150)) <= 0))
					break;
				data = json_pack("{s:s}", "content", "培养教育考察：按时递交思想汇报");
				if ((rc = step(ctx, &rec, 6, 150, &cur, NULL, data)))
					break;
			}
			continue;
		case 7:
			d7 = later(date_add_days(cur, 7), next_earliest(rec, 7));
			if (date_cmp(d7, ctx->today) > 0) {
				rc = 1;
				continue;
			}
			if ((rc = add_score(ctx, rec, "支部委员会", 86 + k % 8, d7)) ||
			    (rc = add_score(ctx, rec, "培养联系人", 84 + k % 10, d7)))
				continue;
			data = json_pack("{s:{s:s, s:s, s:s, s:s}, s:b}", "opinions", "group", "党小组同意",
					 "contacts", "培养联系人同意", "members", "党员普遍认可", "masses", "群众评价良好",
					 "committee_agreed", 1);
			break;
		case 9: gap = 5; people = json_pack("{s:o}", "introducers", ids_json(b, k + 3, 2)); break;
		case 10: gap = 20; data = json_pack("{s:s}", "result", "passed"); break;
		case 11: gap = 10; data = json_pack("{s:i, s:i}", "days", 5, "hours", 40); break;
		case 12: data = json_pack("{s:b}", "committee_agreed", 1); break;
		case 13: {
			char ps[11], pe[11];
			fmt(date_add_days(cur, 1), ps);
			fmt(date_add_days(cur, 14), pe);
			gap = 15;
			data = json_pack("{s:s, s:s, s:b}", "publicity_start", ps, "publicity_end", pe,
					 "leaving_unit_within_3_months", 0);
			break;
		}
		case 14: gap = 3; break;
		case 15:
			data = json_pack("{s:i, s:i, s:i, s:i}", "present_voting", b->nfull, "in_favour", b->nfull, "against", 0,
					 "abstain", 0);
			break;
		case 16: gap = 14; people = json_pack("{s:o}", "talkers", ids_json(b, k + 5, 1)); break;
		case 17: gap = 20; break;
		case 19: case 20: gap = 3; break;
		default: break;
		}
		rc = step(ctx, &rec, s, gap, &cur, people, data);
	}
	if (rc == 1)
		rc = 0;
	if (!rc && eliminate) {
		json_t *data = json_pack("{s:s}", "content", "回访考察：本人思想认识有偏差，群众反映较差");
		if (!(rc = step(ctx, &rec, RSTEP_REVISIT, 7, &cur, NULL, data))) {
			data = json_pack("{s:s}", "reason", "考察期间多次无故不参加组织活动，经支部委员会研究不予发展");
			rc = step(ctx, &rec, RSTEP_NOT_DEVELOPED, 7, &cur, NULL, data);
		}
		if (rc == 1)
			rc = 0;
	}
	json_decref(rec);
	return rc;
}

/* months ago applied and target step of the 30 records, in order */
static const struct { int months, target, eliminate; } plan[] = {
	{ 1, 1, 0 }, { 2, 2, 0 }, { 3, 2, 0 }, { 4, 2, 0 }, { 1, 2, 0 }, { 5, 2, 0 }, { 2, 1, 0 }, { 3, 2, 0 },
	{ 8, 6, 0 }, { 10, 6, 0 }, { 12, 6, 0 }, { 14, 6, 0 }, { 7, 5, 0 }, { 9, 6, 0 }, { 11, 6, 0 }, { 13, 6, 0 },
	{ 6, 3, 0 }, { 15, 6, 0 }, { 17, 8, 0 }, { 18, 10, 0 }, { 19, 12, 0 }, { 20, 13, 0 }, { 17, 9, 0 },
	{ 20, 14, 0 }, { 26, 20, 0 }, { 27, 20, 0 }, { 28, 20, 0 }, { 25, 18, 0 }, { 10, 6, 1 }, { 24, 17, 0 },
};

int demo_activity(struct ctx *ctx, int *recruits, int *meetings)
{
	int64_t ids[256];
	int n = 0, i, rc, chosen = 0;
	struct branch *b = xcalloc(1, sizeof(*b));

	*recruits = *meetings = 0;
	if ((rc = load_ids(ctx,
			   "SELECT id FROM orgs WHERE kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL ORDER BY id",
			   0, ids, NULL, 256, &n)))
		goto out;
	/* meetings: two branches of every three */
	for (i = 0; i < n; i++) {
		if (i % 3 == 2)
			continue;
		b->id = ids[i];
		{
			struct stmt *st = db_prepare(ctx->db, "SELECT committee_size FROM orgs WHERE id = ?", &ctx->err);
			if (!st) {
				rc = E_DB;
				goto out;
			}
			stmt_bind_int(st, 1, ids[i]);
			b->committee_size = stmt_step(st, &ctx->err) == STEP_ROW ? (int)stmt_int(st, 0) : 0;
			stmt_reset(st);
		}
		if ((rc = load_branch(ctx, b)) || (rc = branch_meetings(ctx, b, i, ctx->today, meetings)))
			goto out;
	}
	/* recruits: 3 each in 10 branches with at least 8 full members, spread over the county */
	for (i = 0; i < n && chosen < 10; i += 4) {
		int k;
		b->id = ids[i];
		if ((rc = load_branch(ctx, b)))
			goto out;
		if (b->nfull < 8)
			continue;
		for (k = chosen; k < 30; k += 10) {
			if ((rc = recruit_one(ctx, b, k, plan[k].months, plan[k].target, plan[k].eliminate)))
				goto out;
			(*recruits)++;
		}
		chosen++;
	}
out:
	free(b);
	return rc;
}
