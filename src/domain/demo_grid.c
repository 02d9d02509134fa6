/*
 * Demo grid and reserve talents (issue 6) for the demo county (demo.c): in the first four
 * village branches, 20 households each spread over the branch's 党小组, three of every
 * four assigned to the branch's members round-robin (so coverage is 75 % and the
 * unassigned list has something), and three reserve talents per branch at different
 * statuses. Written with plain INSERTs in one transaction: the rows satisfy the grid
 * rules by construction (a branch's own 党小组 and active members). Deterministic.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <string.h>
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_GRID_BRANCHES 4
#define DEMO_GRID_HOUSEHOLDS 20
#define DEMO_GRID_IDS 16

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴" };
static const char *const given[] = { "德明", "秀英", "建华", "桂兰", "国强", "玉梅", "长生", "淑珍", "永福", "春花", "志刚" };

static int load_ids(struct ctx *ctx, const char *sql, int64_t param, int64_t *ids, int *n)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	if (param)
		stmt_bind_int(st, 1, param);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < DEMO_GRID_IDS)
			ids[(*n)++] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int add_household(struct ctx *ctx, int64_t branch, int64_t group, int64_t member, int i, const char *today)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO grid_households (org_id, group_id, head_name, address, size, notes, member_id, "
				     "assigned_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char name[32], address[64];
	if (!st)
		return E_DB;
	xsnprintf(name, sizeof(name), "%s%s", surnames[(i + (int)branch) % 10], given[i % 11]);
	xsnprintf(address, sizeof(address), "%d组%d号", 1 + i % 4, 1 + i);
	stmt_bind_int(st, 1, branch);
	if (group)
		stmt_bind_int(st, 2, group);
	else
		stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, name);
	stmt_bind_text(st, 4, address);
	stmt_bind_int(st, 5, 1 + (i * 7) % 5);
	stmt_bind_text(st, 6, i % 9 == 0 ? "独居老人，每月上门" : i % 7 == 0 ? "低保户" : NULL);
	if (member) {
		stmt_bind_int(st, 7, member);
		stmt_bind_text(st, 8, today);
	} else {
		stmt_bind_null(st, 7);
		stmt_bind_null(st, 8);
	}
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

static int add_talent(struct ctx *ctx, int64_t org, int k, const char *today)
{
	static const struct {
		const char *pool, *name, *gender, *education, *occupation, *status;
		int birth_year;
	} t[] = {
		{ "youth", "青", "1", "大学本科", "电商创业", "reserve", 1998 },
		{ "skilled", "能", "1", "中专", "农机维修", "recommended", 1990 },
		{ "women", "芳", "2", "大专", "村妇联执委", "reserve", 1994 },
		{ "veteran", "军", "1", "高中", "退役士兵", "developed", 1992 },
		{ "returnee", "归", "2", "大学本科", "返乡种植大户", "withdrawn", 1996 },
	};
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO talents (org_id, pool, name, gender, birth_year, education, occupation, "
				     "recommended_by, listed_on, status, recommended_on, recommend_note, developed_on, "
				     "withdrawn_on, withdraw_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				     "?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	const int i = k % 5;
	const char *s = t[i].status;
	char name[32], listed[11];
	if (!st)
		return E_DB;
	xsnprintf(name, sizeof(name), "%s%s", surnames[(k * 3) % 10], t[i].name);
	date_format(date_add_days(ctx->today, -200 - 10 * k), listed);
	stmt_bind_int(st, 1, org);
	stmt_bind_text(st, 2, t[i].pool);
	stmt_bind_text(st, 3, name);
	stmt_bind_text(st, 4, t[i].gender);
	stmt_bind_int(st, 5, t[i].birth_year);
	stmt_bind_text(st, 6, t[i].education);
	stmt_bind_text(st, 7, t[i].occupation);
	stmt_bind_text(st, 8, "村党支部");
	stmt_bind_text(st, 9, listed);
	stmt_bind_text(st, 10, s);
	stmt_bind_text(st, 11, strcmp(s, "recommended") && strcmp(s, "developed") ? NULL : today);
	stmt_bind_text(st, 12, strcmp(s, "recommended") ? NULL : "支委会研究，推荐为入党积极分子");
	stmt_bind_text(st, 13, strcmp(s, "developed") ? NULL : today);
	stmt_bind_text(st, 14, strcmp(s, "withdrawn") ? NULL : today);
	stmt_bind_text(st, 15, strcmp(s, "withdrawn") ? NULL : "外出务工，暂不考虑");
	stmt_bind_text(st, 16, ctx->now_iso);
	stmt_bind_text(st, 17, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

static int grid_branch(struct ctx *ctx, int64_t branch, int nb, const char *today)
{
	int64_t groups[DEMO_GRID_IDS], members[DEMO_GRID_IDS];
	int ng = 0, nm = 0, i, rc;
	if ((rc = load_ids(ctx, "SELECT id FROM orgs WHERE parent_id = ? AND kind = 'group' ORDER BY id", branch, groups,
			   &ng)) ||
	    (rc = load_ids(ctx, "SELECT id FROM members WHERE org_id = ? AND state = 'active' ORDER BY id", branch,
			   members, &nm)))
		return rc;
	for (i = 0; i < DEMO_GRID_HOUSEHOLDS && !rc; i++)
		rc = add_household(ctx, branch, ng ? groups[i % ng] : 0, nm && i % 4 != 3 ? members[(i / 2) % nm] : 0, i,
				   today);
	for (i = 0; i < 3 && !rc; i++)
		rc = add_talent(ctx, branch, nb * 3 + i, today);
	return rc;
}

int demo_grid(struct ctx *ctx, int *households)
{
	int64_t branches[DEMO_GRID_IDS];
	char today[11];
	int nb = 0, i, rc;
	*households = 0;
	date_format(ctx->today, today);
	if ((rc = load_ids(ctx,
			   "SELECT id FROM orgs WHERE kind = 'branch' AND unit_kind = 'village' AND dissolved_on IS NULL "
			   "ORDER BY path",
			   0, branches, &nb)))
		return rc;
	if (nb > DEMO_GRID_BRANCHES)
		nb = DEMO_GRID_BRANCHES;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	for (i = 0; i < nb && !rc; i++)
		rc = grid_branch(ctx, branches[i], i, today);
	if (rc || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		return rc;
	}
	*households = nb * DEMO_GRID_HOUSEHOLDS;
	return 0;
}
