#ifndef MEETING_H
#define MEETING_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * Organizational life (RULES.md §2, §4): a branch records a meeting once (三会一课, 主题党日,
 * 组织生活会, 民主评议, 谈心谈话, 集中学习) with its attendance, and everything else is read
 * from that record: study hours for those present, the compliance check per branch and
 * period, and the members at risk of 自行脱党.
 *
 * meeting.c owns the records (create, read, list, update; every write audited in the
 * same transaction); compliance.c owns the reports.
 */
#define MEETING_SHORT_MAX_CHARS 60     /* place, host, lecturer */
#define MEETING_TOPIC_MAX_CHARS 100
#define MEETING_TEXT_MAX_CHARS 2000    /* agenda, resolutions */
#define MEETING_MINUTES_MAX_CHARS 20000
#define MEETING_REASON_MAX_CHARS 100   /* 请假事由 */
#define MEETING_MAX_HOURS_X10 240      /* one day */

enum meeting_kind {
	MK_PARTY_CONGRESS, /* 支部党员大会 */
	MK_COMMITTEE,      /* 支委会 */
	MK_GROUP,          /* 党小组会: held by a 党小组 */
	MK_LECTURE,        /* 党课 */
	MK_THEME_DAY,      /* 主题党日 */
	MK_LIFE_MEETING,   /* 组织生活会 */
	MK_APPRAISAL,      /* 民主评议党员 */
	MK_TALK,           /* 谈心谈话 */
	MK_STUDY,          /* 集中学习 / 轮训 */
	MK__COUNT
};

/* "theme_day" → MK_THEME_DAY; -1 if unknown */
int meeting_kind_parse(const char *s);
const char *meeting_kind_code(int kind);
const char *meeting_kind_name(int kind);   /* 主题党日 */

struct meeting_filter {
	int64_t org_id;          /* subtree root; 0 = the actor's scope */
	int kind;                /* -1 = any */
	char from[11], to[11];   /* held_on bounds, inclusive; "" = open */
	int page, per_page;
	int list_max;            /* 0: config compliance.list_max (subtree_page.h; only how a page is read) */
};
void meeting_filter_init(struct meeting_filter *f);

/*
 * Record a meeting from the API body (docs/API.md "Organizational life"). Attendance
 * defaults to present for every member of the org's roster (active full and
 * probationary members; for a 党小组 its members) except for 谈心谈话; a given list
 * records the roster members it omits as absent. A vote (party_congress only) needs
 * present voting members > ½ of those expected (rule meeting.quorum). *id set on success.
 * "checkin": true records a 扫码签到 meeting (checkin.h): held today, in an org with
 * check-in switched on (409 checkin.disabled), not a vote or a talk; without a list the
 * roster starts absent and members mark themselves present by scanning.
 */
int meeting_create(struct ctx *ctx, json_t *body, int64_t *id);
/*
 * For training.c: one participating branch's meeting of training training_id, written
 * inside the caller's open transaction (no begin/commit here; the caller rolls back on
 * error). Members the attendance list omits are present (a training's list names the
 * exceptions only).
 */
int meeting_create_in_tx(struct ctx *ctx, json_t *body, int64_t training_id, int64_t *id);
/* Change the fields body names (org and kind are fixed); body "version" must be current. */
int meeting_update(struct ctx *ctx, int64_t id, json_t *body);
/* The record with its attendance; *out owned by the caller. E_NOTFOUND outside scope. */
int meeting_get(struct ctx *ctx, int64_t id, json_t **out);
/* Newest first, without minutes and attendance; *items owned by the caller. */
int meeting_list(struct ctx *ctx, const struct meeting_filter *f, json_t **items, int64_t *total);

/* ---- meeting_plan.c: 主题党日年度计划 and the calendar ---- */

#define MEETING_PLAN_MAX_CALENDAR 5000 /* meetings in one calendar month reply ("truncated" past it) */

/*
 * body {org_id (a 党支部), year, items:[{month, topic}], version}: the branch's 主题党日
 * topics of a year, one per month. The first write creates the plan (*created = 1);
 * later writes replace its items and need the current version. *id set on success.
 */
int meeting_plan_set(struct ctx *ctx, json_t *body, int64_t *id, int *created);
int meeting_plan_get(struct ctx *ctx, int64_t id, json_t **out);
/* Plans of a year under org_id (0: the actor's scope), one page in tree order. */
int meeting_plan_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
		      int64_t *total);
/* One month under org_id: the planned topics (with whether a 主题党日 was held) and the meetings of each day. */
int meeting_calendar(struct ctx *ctx, int64_t org_id, int year, int month, json_t **out);

/* ---- compliance.c ---- */

/*
 * The compliance check of every branch under org_id (0: the actor's scope) for a year,
 * a month of it (month 1..12) or a quarter (quarter 1..4); both 0 = the whole year.
 * Written as JSON into out. One range read of orgs and one read of their kept meeting
 * counts of the year (meeting_counts, 012); the rules are applied here in C. Where the
 * view holds December, 谈心谈话 (each member on the roster present at one in the year):
 * a small subtree reads its members with their kept figures (014) and names up to 50
 * per branch not yet talked with; a larger one reads the counts kept per branch (038).
 */
int compliance_report_json(struct ctx *ctx, int64_t org_id, int year, int month, int quarter, struct strbuf *out);
/*
 * The same with options. In a subtree of more than list_max branches (a province)
 * `branches` lists only the branches not green, one page (page, per_page) of them in
 * tree order, with their count; summary and rollup stay whole. reference reads 谈心谈话
 * member by member as before 038 even where more than 50 branches read the counts kept
 * per branch (the straightforward computation those are proven against in the tests);
 * it changes no figure of the reply.
 */
struct compliance_opts {
	int list_max;            /* 0: config compliance.list_max (COMPLIANCE_LIST_MAX without a config) */
	int page, per_page;      /* 0: 1 and COMPLIANCE_PER_PAGE */
	int reference;
};
#define COMPLIANCE_LIST_MAX 5000
#define COMPLIANCE_PER_PAGE 50
int compliance_report_json_opts(struct ctx *ctx, int64_t org_id, int year, int month, int quarter,
				const struct compliance_opts *opts, struct strbuf *out);
/* A member's study hours in a year with the meetings behind them. */
int compliance_member_hours(struct ctx *ctx, int64_t member_id, int year, json_t **out);
/* Hours per member of a subtree against the target, one page. */
int compliance_hours_summary(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **out);
/* list_max: 0 the config's (subtree_page.h); a larger subtree's total comes from kept counts */
int compliance_hours_summary_opts(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, int list_max,
				  json_t **out);
/*
 * Members of a subtree flagged under RULES.md §4: 6 months without organizational life,
 * lost contact ≥ 6 months. Read from the per-member figures kept by 014.
 */
int compliance_at_risk(struct ctx *ctx, int64_t org_id, json_t **out);
/*
 * The same with options: in a subtree of more than list_max branches the items are one
 * page of them in the same order (the members without life, then those lost contact),
 * total and counts {no_life, lost_contact} still all of them, with page and per_page.
 */
int compliance_at_risk_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, json_t **out);
/*
 * The one reading of "6 consecutive months without organizational life" (RULES.md §4),
 * shared by compliance_at_risk and the 自行脱党 warnings (lapse.c): members of the path
 * range [lo, hi) in state active or transferring, a member since before the window (the
 * 6 whole months before ctx->today's month, and this month so far), with meetings
 * recorded for them in the window and none attended or excused (014's kept figures).
 * fn is called once per member, in org then member order; a non-zero return stops the
 * scan and is returned. Strings in *l live until fn returns.
 */
struct life_lapse {
	int64_t member_id, org_id;
	const char *name, *org_name, *state;
	int64_t meetings_missed;   /* meetings recorded for the member in the window */
	int ok_ym;                 /* last month attended or excused (year * 100 + month), 0 = none */
	int months;                /* whole months without life before this one (≥ 6) */
	char since[11];            /* the window's first day */
};
#define LIFE_LAPSE_MONTHS 6
typedef int (*life_lapse_fn)(void *arg, const struct life_lapse *l);
int life_lapse_scan(struct ctx *ctx, const char *lo, const char *hi, life_lapse_fn fn, void *arg);
/*
 * The same members for a large subtree, lean: name, org_name and meetings_missed are not
 * read (NULL, NULL, 0; life_lapse_detail reads them for a member printed), and the
 * members come in no particular order.
 */
int life_lapse_scan_lean(struct ctx *ctx, const char *lo, const char *hi, life_lapse_fn fn, void *arg);
struct life_lapse_names {
	char *name, *org_name;     /* NULL where the column is; the caller frees them */
	int64_t meetings_missed;
};
int life_lapse_detail(struct ctx *ctx, int64_t member_id, struct life_lapse_names *out);
/*
 * The lists of RULES.md §4 (compliance_at_risk_opts, lapse_warnings_opts) answer one page
 * (page, per_page) of their items in a subtree of more than list_max branches (large),
 * as the compliance reminders do; opts NULL: the defaults of compliance_opts.
 */
struct life_paging {
	int large, list_max, page, per_page;
};
int life_list_paging(struct ctx *ctx, const char *lo, const char *hi, const struct compliance_opts *opts,
		     struct life_paging *p);
/*
 * Reminders before a period ends: for the month, quarter (or half year) and year that
 * hold ctx->today, each branch's requirements still missing, only once the period ends
 * within 7 / 15 / 30 days; sorted by the end date, then tree order. JSON into out.
 */
int compliance_reminders(struct ctx *ctx, int64_t org_id, struct strbuf *out);
/*
 * The same with options: in a subtree of more than list_max branches (a province) the
 * items are one page (page, per_page) of them, total still all of them, and the tree is
 * read from what 040 keeps, as compliance_report_json_opts reads it (reference unused).
 */
int compliance_reminders_opts(struct ctx *ctx, int64_t org_id, const struct compliance_opts *opts, struct strbuf *out);
/* 040_compliance_kept rebuilt from meeting_counts and orgs (the generator's bulk path) */
int compliance_kept_rebuild(struct ctx *ctx);

/* Local rules for organizational life, per top-level org (settings rows) over the config defaults. */
struct life_rules {
	int lecture_months;      /* 党课 frequency: 1, 3, 6 or 12 months (default 3) */
	int target_hours;        /* 学时 per member per year (default 32) */
};
int life_rules_load(struct ctx *ctx, const char *org_path, struct life_rules *r);
#endif
