#ifndef DEMO_H
#define DEMO_H
#include <stdint.h>
#include "domain/ctx.h"
/*
 * A demo county (中共清河县委组织部 → 3 town 党委 → 45 党支部 and their 党小组, about
 * 1,500 members, and the accounts to look at it), written through the domain functions
 * so every rule of RULES.md holds for it. The data come from a seeded PRNG of our own:
 * the same seed and the same ctx->today give the same county, name for name.
 * A handful of deviations are deliberate so the UI has warnings to show: one branch
 * with only 2 full members, one branch of ≥ 7 full members without a 支部委员会, one
 * committee term expired and two expiring within 90 days, some members lost contact.
 */

#define DEMO_ADMIN_PASSWORD "Admin#2026"
#define DEMO_TOWN_PASSWORD "Town#2026"
#define DEMO_BRANCH_PASSWORD "Branch#2026"
#define DEMO_MEMBER_PASSWORD "Member#2026"
#define DEMO_MEMBERS_DEFAULT 1500
/* below this the 45 branches would not get their minimum sizes */
#define DEMO_MEMBERS_MIN 200
#define DEMO_MEMBERS_MAX 200000
#define DEMO_LOGINS 8
#define DEMO_LOGIN_LEN 96

struct demo_options {
	const char *admin_password; /* NULL or "" = DEMO_ADMIN_PASSWORD; must pass the strength rule */
	int members_target;         /* 0 = DEMO_MEMBERS_DEFAULT; else DEMO_MEMBERS_MIN..MAX, met exactly */
	uint64_t seed;              /* any value, 0 included */
};

struct demo_report {
	int orgs;     /* every org created: 组织部, 党委, 党支部, 党小组 */
	int members;
	int users;
	int recruits; /* 发展党员 records (demo_activity) */
	int meetings; /* 组织生活 meetings (demo_activity) */
	int point_entries; /* 积分 ledger entries, automatic and by hand (demo_points) */
	/* printable lines "username  password  who", one account per kind (UTF-8, cut on
	 * a character boundary if an admin password is very long) */
	char logins[DEMO_LOGINS][DEMO_LOGIN_LEN];
	int nlogins;
};

/*
 * Fill an empty database with the demo county. ctx must act as sysadmin (ctx_as_system)
 * and the PII keys must be loaded. Password hashing uses ctx->cfg's auth.pwhash cost
 * and takes most of the time (≈ 52 accounts). Returns 0, or an error code with ctx->err
 * filled: E_CONFLICT when the database already holds organizations, E_INVALID for bad
 * options. Not atomic as a whole (orgs and accounts commit one by one, the members in
 * one transaction): on failure, start again from a fresh database.
 */
int demo_generate(struct ctx *ctx, const struct demo_options *opt, struct demo_report *out);

/*
 * The demo's activity (domain/demo_activity.c), called at the end of demo_generate: about
 * 30 发展党员 records in 10 branches at every stage (applicants, activists, 发展对象, a few
 * approved 预备党员, one 不予发展) and the past months' meetings (主题党日, 支委会, a 党员大会
 * and a 党课) in two branches of every three; every third branch has no meeting at all and
 * no 民主评议 round. Deterministic; dates back from ctx->today.
 */
int demo_activity(struct ctx *ctx, int *recruits, int *meetings);

/*
 * The demo's points (domain/demo_points.c), called after demo_activity: the county's
 * indicator set (the template) in force from five months before today's, last year's
 * 民主评议 closed in a few branches, every meeting's and round's automatic entries,
 * manual entries, branch findings by the town admins, pending 申报 (one by member1)
 * and the last whole quarter published (亮分) in the first town. Points stay on
 * everywhere. *entries = ledger rows written.
 */
int demo_points(struct ctx *ctx, int *entries);
int demo_tasks(struct ctx *ctx, int *tasks); /* 目标任务分解: ~12 tasks with milestones (demo_tasks.c) */
int demo_commitments(struct ctx *ctx, int *letters); /* 目标责任书 and 承诺事项: ~30 letters (demo_commitments.c) */
int demo_projects(struct ctx *ctx, int *projects); /* 党建项目化管理: ~15 projects at every stage (demo_projects.c) */
int demo_requests(struct ctx *ctx, int *rows); /* 民情诉求, 走访, 结对帮扶: ~70 rows (demo_requests.c) */
int demo_grid(struct ctx *ctx, int *households); /* 网格 households and 人才储备: ~80 + 12 rows (demo_grid.c) */
int demo_secretaries(struct ctx *ctx, int *rows); /* 第一书记 and 志愿服务: ~60 rows (demo_secretaries.c) */
int demo_supervision(struct ctx *ctx, int *rows); /* 督查整改 and 四议两公开: ~140 rows (demo_supervision.c) */
/* dues */
int demo_dues(struct ctx *ctx, int *rows); /* 党费: bases, a year of payments, arrears, reductions (demo_dues.c) */
/* end dues */
/* care */
int demo_care(struct ctx *ctx, int *rows); /* 老党员补贴, 困难党员, 送温暖: ~a thousand rows (demo_care.c) */
/* end care */
/* board */
/* the fixed public key of the first village branch's board (张庄村): /#/board?key=DEMO_BOARD_KEY */
#define DEMO_BOARD_KEY "DemoBoardZhangzhuang2026"
int demo_board(struct ctx *ctx, int *rows); /* 党务公开栏: a board per village branch, one plan (demo_board.c) */
/* end board */
/* transfers and deaths */
/* 组织关系转接 (internal, confirmed, and out of the system), two deaths and a 除名 in the current year so
 * 党内统计's 年内变动 has every row (demo_transfers.c); *changes = the changes written */
int demo_transfers(struct ctx *ctx, int *changes);
/* end transfers and deaths */
/* checkin */
/* 扫码签到 switched on for one branch, 孟庄镇刘集村党支部 (DEMO_CHECKIN_BRANCH; demo_checkin.c): its
 * secretary (sec + its code, DEMO_CHECKIN_SECRETARY) records a meeting with check-in on the day it is held */
#define DEMO_CHECKIN_BRANCH "孟庄镇刘集村党支部"
#define DEMO_CHECKIN_SECRETARY "secmz05"
int demo_checkin(struct ctx *ctx, int *rows);
/* end checkin */
/* courses */
/* 党建课程: five text courses of the county and two towns (one a draft), assigned to the publisher's subtree,
 * with completions by members of the first town (demo_courses.c) */
int demo_courses(struct ctx *ctx, int *rows);
/* end courses */
/* suggestions */
/* 合理化建议: ~20 from members and the public boards over 14 months, a third converted into 民情诉求, a third
 * closed with a reply (demo_suggestions.c); after demo_board */
int demo_suggestions(struct ctx *ctx, int *rows);
/* end suggestions */
#endif
