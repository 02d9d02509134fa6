/*
 * Demo 党建课程 (called by demo.c): a few text courses (no files, so the demo stays small)
 * published by the county and by the first two towns, assigned to the county's or the
 * town's whole subtree, one draft, and completions: some members of the first town
 * opened the county's courses in the last weeks and most of them finished. Plain
 * INSERTs in one transaction (the demo is timed).
 */
#include "domain/demo.h"
#include "domain/course.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_COURSE_LEARNERS 24

struct demo_course {
	int publisher; /* 0 the county, 1.. the nth town */
	const char *title, *body;
	int minutes, published;
};

static const struct demo_course courses[] = {
	{ 0, "学习《中国共产党章程》总纲",
	  "一、中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。\n"
	  "二、党的最高理想和最终目标是实现共产主义。\n"
	  "三、学习要点：结合本支部实际，谈谈如何在工作和生活中践行党员义务。",
	  45, 1 },
	{ 0, "《中国共产党支部工作条例（试行）》解读",
	  "本课介绍党支部的设置、基本任务、工作机制和组织生活制度：“三会一课”、主题党日、组织生活会、"
	  "民主评议党员和谈心谈话。\n学习后请对照本支部的组织生活记录，查找不足。",
	  90, 1 },
	{ 1, "乡村振兴中的党员先锋作用",
	  "结合本镇产业发展实际，介绍党员示范户、党员责任区和“党建+合作社”的做法。\n"
	  "思考：我能为本村的乡村振兴做哪一件实事？",
	  45, 1 },
	{ 2, "发展党员工作细则要点",
	  "发展党员五个阶段二十五个步骤，重点讲解入党积极分子的培养考察和发展对象的政治审查。",
	  60, 1 },
	{ 0, "廉洁自律准则学习", "（草稿，待完善）", 45, 0 },
};

static int insert_course(struct ctx *ctx, const struct demo_course *c, int64_t org_id, const char *org_path, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO courses (org_id, org_path, title, kind, body, duration_minutes, hours_x10, "
				     "status, published_at, created_at, updated_at) VALUES (?, ?, ?, 'text', ?, ?, ?, ?, ?, ?, ?) "
				     "RETURNING id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_text(st, 2, org_path);
	stmt_bind_text(st, 3, c->title);
	stmt_bind_text(st, 4, c->body);
	stmt_bind_int(st, 5, c->minutes);
	stmt_bind_int(st, 6, course_default_hours_x10(c->minutes, 45));
	stmt_bind_text(st, 7, c->published ? "published" : "draft");
	if (c->published)
		stmt_bind_text(st, 8, ctx->now_iso);
	else
		stmt_bind_null(st, 8);
	stmt_bind_text(st, 9, ctx->now_iso);
	stmt_bind_text(st, 10, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static int insert_assignment(struct ctx *ctx, int64_t course_id, int64_t org_id, const char *org_path)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO course_assignments (course_id, org_id, org_path, created_at) VALUES (?, ?, ?, ?)",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, course_id);
	stmt_bind_int(st, 2, org_id);
	stmt_bind_text(st, 3, org_path);
	stmt_bind_text(st, 4, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

static int insert_completion(struct ctx *ctx, int64_t course_id, int64_t member_id, int days_ago, int finished,
			     int hours_x10)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO course_completions (course_id, member_id, opened_at, finished_at, hours_x10, year) "
				     "VALUES (?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	struct date d = date_add_days(ctx->today, -days_ago);
	char day[11], opened[21], done[21];
	if (!st)
		return E_DB;
	date_format(d, day);
	xsnprintf(opened, sizeof(opened), "%sT01:30:00Z", day);
	xsnprintf(done, sizeof(done), "%sT02:40:00Z", day);
	stmt_bind_int(st, 1, course_id);
	stmt_bind_int(st, 2, member_id);
	stmt_bind_text(st, 3, opened);
	if (finished) {
		stmt_bind_text(st, 4, done);
		stmt_bind_int(st, 5, hours_x10);
		stmt_bind_int(st, 6, d.y);
	} else {
		stmt_bind_null(st, 4);
		stmt_bind_int(st, 5, 0);
		stmt_bind_null(st, 6);
	}
	return stmt_run(st, &ctx->err);
}

/* the county (the first root) and its first towns: ids and paths */
struct demo_org {
	int64_t id;
	char path[PATH_MAX_LEN];
};

static int load_orgs(struct ctx *ctx, struct demo_org *out, int max, int *n)
{
	struct stmt *st;
	int step;
	*n = 0;
	st = db_prepare(ctx->db, "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id", &ctx->err);
	if (!st)
		return E_DB;
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		out[0].id = stmt_int(st, 0);
		stmt_text_copy(st, 1, out[0].path, sizeof(out[0].path));
		*n = 1;
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
	st = db_prepare(ctx->db,
			"SELECT id, path FROM orgs WHERE parent_id = ? AND kind = 'committee' AND dissolved_on IS NULL ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, out[0].id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < max) {
			out[*n].id = stmt_int(st, 0);
			stmt_text_copy(st, 1, out[*n].path, sizeof(out[*n].path));
			(*n)++;
		}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* active members of the first town, not the demo's member accounts (their pages start empty) */
static int load_learners(struct ctx *ctx, const char *path, int64_t *ids, int *n)
{
	char end[PATH_MAX_LEN + 2];
	struct stmt *st;
	int step;
	*n = 0;
	path_range_end(path, end, sizeof(end));
	st = db_prepare(ctx->db,
			"SELECT m.id FROM members m WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' AND NOT "
			"EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) ORDER BY m.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, path);
	stmt_bind_text(st, 2, end);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < DEMO_COURSE_LEARNERS)
			ids[(*n)++] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int demo_courses(struct ctx *ctx, int *rows)
{
	struct demo_org orgs[3];
	int64_t ids[sizeof(courses) / sizeof(courses[0])], learners[DEMO_COURSE_LEARNERS];
	int norg = 0, nlearn = 0, i, k, rc;
	size_t c;

	*rows = 0;
	if ((rc = load_orgs(ctx, orgs, 3, &norg)))
		return rc;
	if (norg < 3)
		return 0; /* not the demo's county */
	if ((rc = load_learners(ctx, orgs[1].path, learners, &nlearn)) || (rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	for (c = 0; c < sizeof(courses) / sizeof(courses[0]) && !rc; c++) {
		const struct demo_org *o = &orgs[courses[c].publisher];
		if (!(rc = insert_course(ctx, &courses[c], o->id, o->path, &ids[c])) && courses[c].published)
			rc = insert_assignment(ctx, ids[c], o->id, o->path);
		if (!rc)
			(*rows)++;
	}
	/* the county's two courses in the first town: opened over the last weeks, 3 in 4 finished */
	for (i = 0; i < nlearn && !rc; i++)
		for (k = 0; k < 2 && !rc; k++) {
			if (k == 1 && i % 2)
				continue; /* half of them have not opened the second yet */
			rc = insert_completion(ctx, ids[k], learners[i], 2 + (i * 3 + k * 5) % 40, (i + k) % 4 != 3,
					       course_default_hours_x10(courses[k].minutes, 45));
			if (!rc)
				(*rows)++;
		}
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	if (rc)
		db_rollback(ctx->db);
	return rc;
}
