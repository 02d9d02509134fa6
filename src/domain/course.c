/*
 * 党建课程 (issue 9; see course.h). Who a course reaches is read from paths, never copied
 * per member: each assignment keeps its organization's path, and a member is assigned
 * when one of those paths is a prefix of their own. Every state change of a course is
 * one UPDATE guarded by its version and status; a member's finish is one UPDATE guarded
 * by finished_at IS NULL, so two taps credit once.
 */
#include "domain/course.h"
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/attachment.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/listq.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/titled.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MINE_NOT_FOUND_MSG "课程不存在或未指派给您"

static const struct named kinds[CK__COUNT] = {
	[CK_TEXT] = { "text", "图文" },
	[CK_PDF] = { "pdf", "PDF 文档" },
	[CK_VIDEO] = { "video", "视频" },
};

int course_kind_parse(const char *s)
{
	return named_index(kinds, CK__COUNT, s);
}

int course_status_parse(const char *s)
{
	return titled_status_parse(s);
}

int course_default_hours_x10(int minutes, int minutes_per_hour)
{
	int halves;
	if (minutes_per_hour <= 0)
		minutes_per_hour = 45;
	halves = (2 * minutes + minutes_per_hour / 2) / minutes_per_hour;
	return (halves < 1 ? 1 : halves) * 5;
}

int64_t course_capped(int64_t raw_x10, int cap_x10)
{
	return raw_x10 < cap_x10 ? raw_x10 : cap_x10;
}

/* '/12/7/' → 12: local rules are kept per top-level org */
static int64_t top_org_of(const char *path)
{
	int64_t id = 0;
	if (*path == '/')
		path++;
	while (*path >= '0' && *path <= '9')
		id = id * 10 + (*path++ - '0');
	return id;
}

static long long cfg_int(const struct ctx *ctx, enum config_key k)
{
	/* unit tests may run without a config: the table's default is the documented value */
	return ctx->cfg ? config_int(ctx->cfg, k) : strtoll(config_defs[k].def, NULL, 10);
}

int course_year_cap_x10(struct ctx *ctx, const char *org_path, int *cap_x10)
{
	struct stmt *st;
	int step, rc = 0;
	*cap_x10 = (int)cfg_int(ctx, CFG_COURSE_YEAR_CAP_HOURS) * 10;
	st = db_prepare(ctx->db, "SELECT value FROM settings WHERE org_id = ? AND key = 'course.year_cap_hours'", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, top_org_of(org_path));
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		const char *value = stmt_text(st, 0);
		char *end;
		long v = value ? strtol(value, &end, 10) : -1;
		if (!value || !*value || *end || v < 0 || v > 500)
			rc = err_set(&ctx->err, E_INTERNAL, NULL, "course.settings", "本地规则设置 course.year_cap_hours=%s 无效",
				     value ? value : "");
		else
			*cap_x10 = (int)v * 10;
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	return rc;
}

static void hours_json(json_t *j, const char *key, int64_t tenths)
{
	json_object_set_new(j, key, json_real((double)tenths / 10.0));
}

/* ---- one course ------------------------------------------------------------------- */

struct course {
	struct titled t; /* first: see titled.h */
	int64_t file_size;
	int kind, duration, hours_x10;
	char *file_name; /* owned */
	char file_sha[65], file_mime[64];
};

static void course_release(void *rec)
{
	struct course *c = rec;
	titled_release(&c->t);
	free(c->file_name);
	c->file_name = NULL;
}

#define COURSE_COLS                                                                                  \
	TITLED_COLS("c") ", c.kind, c.file_sha256, c.file_name, c.file_mime, c.file_size, c.duration_minutes, " \
			 "c.hours_x10"
#define COURSE_FROM " FROM courses c JOIN orgs o ON o.id = c.org_id "
#define COURSE_NCOLS (TITLED_NCOLS + 7)

static void read_course(struct stmt *st, void *rec)
{
	struct course *c = rec;
	memset(c, 0, sizeof(*c));
	titled_read(st, &c->t);
	c->kind = course_kind_parse(stmt_text(st, TITLED_NCOLS));
	stmt_text_copy(st, TITLED_NCOLS + 1, c->file_sha, sizeof(c->file_sha));
	c->file_name = titled_dup(stmt_text(st, TITLED_NCOLS + 2));
	stmt_text_copy(st, TITLED_NCOLS + 3, c->file_mime, sizeof(c->file_mime));
	c->file_size = stmt_int(st, TITLED_NCOLS + 4);
	c->duration = (int)stmt_int(st, TITLED_NCOLS + 5);
	c->hours_x10 = (int)stmt_int(st, TITLED_NCOLS + 6);
}

/* the fields both sides show; with_body adds the text */
static json_t *course_json(const struct course *c, int with_body)
{
	json_t *j = titled_json(&c->t);
	json_object_set_new(j, "kind", json_string(named_code_at(kinds, CK__COUNT, c->kind)));
	json_object_set_new(j, "kind_name", json_string(named_name_at(kinds, CK__COUNT, c->kind)));
	if (with_body)
		json_object_set_new(j, "body", json_string(c->t.body ? c->t.body : ""));
	json_object_set_new(j, "duration_minutes", json_integer(c->duration));
	hours_json(j, "hours", c->hours_x10);
	if (c->file_sha[0])
		json_object_set_new(j, "file", json_pack("{s:s?, s:s, s:I}", "filename", c->file_name, "mime", c->file_mime,
							 "size", (json_int_t)c->file_size));
	else
		json_object_set_new(j, "file", json_null());
	json_object_set_new(j, "published_at", json_str_or_null(c->t.published_at));
	return j;
}

static json_t *manager_json(const struct ctx *ctx, const void *rec, int with_body)
{
	json_t *j = course_json(rec, with_body);
	(void)ctx;
	titled_manager_fields(j, rec, NULL, NULL);
	return j;
}

static int manager_view(struct ctx *ctx, int64_t id, int with_counts, json_t **out);

static const struct titled_kind desc = {
	.entity = "course",
	.noun = "课程",
	.role_rule = "course.role",
	.role_msg = "只有支部书记或管理员可以管理课程",
	.status_rule = "course.status",
	.not_found_msg = "课程不存在或不在您的管理范围内",
	.stale_msg = "该课程已被他人修改，请刷新后重试",
	.row_sql = "SELECT " COURSE_COLS COURSE_FROM "WHERE c.id = ?",
	.size = sizeof(struct course),
	.read = read_course,
	.release = course_release,
	.manager_json = manager_json,
	.view = manager_view,
	.list_counts = { "assignment_count", "opened_count", "finished_count" },
	.ncols = COURSE_NCOLS,
};

/* 1 when course id has an assignment reaching mpath */
static int assigned_to(struct ctx *ctx, int64_t id, const char *mpath, int *yes)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT 1 FROM course_assignments a WHERE a.course_id = ? AND "
				     "substr(CAST(? AS TEXT), 1, length(a.org_path)) = a.org_path",
				     &ctx->err);
	int step;
	*yes = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, mpath);
	step = stmt_step(st, &ctx->err);
	*yes = step == STEP_ROW;
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* the course as the member's own: 404 unless published and assigned to them */
static int load_mine(struct ctx *ctx, int64_t id, struct course *c, char *mpath, size_t mpath_size)
{
	int found, yes = 0, rc;
	if ((rc = titled_member_path(ctx, mpath, mpath_size)) || (rc = titled_load_row(ctx, &desc, id, c, &found)))
		return rc;
	if (found && mpath[0] && c->t.status == CS_PUBLISHED && (rc = assigned_to(ctx, id, mpath, &yes))) {
		course_release(c);
		return rc;
	}
	if (!yes) {
		course_release(c);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MINE_NOT_FOUND_MSG);
	}
	return 0;
}

static json_t *assignment_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	(void)ctx;
	(void)arg;
	return json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "kind",
			 stmt_text(st, 2));
}

static int assignments_json(struct ctx *ctx, int64_t id, json_t **out)
{
	static const struct listq_sql sql = {
		NULL, "SELECT a.org_id, o.name, o.kind FROM course_assignments a JOIN orgs o ON o.id = a.org_id",
		" ORDER BY o.path",
	};
	struct listq q;
	int rc;
	listq_init(&q);
	listq_where_int(&q, "a.course_id = ?", id);
	rc = listq_fetch(ctx, &q, &sql, 1, 0, assignment_row, NULL, out);
	listq_release(&q);
	return rc;
}

/* opened and finished counts of a course */
static int progress_counts(struct ctx *ctx, int64_t id, int64_t *opened, int64_t *finished)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT count(*), count(finished_at) FROM course_completions WHERE course_id = ?",
				     &ctx->err);
	int step;
	*opened = *finished = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*opened = stmt_int(st, 0);
		*finished = stmt_int(st, 1);
	}
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* the manager's view; with_counts adds the opened/finished counts */
static int manager_view(struct ctx *ctx, int64_t id, int with_counts, json_t **out)
{
	struct course c;
	json_t *assign = NULL, *j;
	int64_t opened = 0, finished = 0;
	int rc;
	*out = NULL;
	if ((rc = titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	if ((rc = assignments_json(ctx, id, &assign)) || (with_counts && (rc = progress_counts(ctx, id, &opened, &finished)))) {
		json_decref(assign);
		course_release(&c);
		return rc;
	}
	j = manager_json(ctx, &c, 1);
	json_object_set_new(j, "assignments", assign);
	if (with_counts) {
		json_object_set_new(j, "opened_count", json_integer(opened));
		json_object_set_new(j, "finished_count", json_integer(finished));
	}
	*out = j;
	course_release(&c);
	return 0;
}

int course_get(struct ctx *ctx, int64_t id, json_t **out)
{
	return manager_view(ctx, id, 1, out);
}

/* ---- the manager's list ----------------------------------------------------------- */

int course_list(struct ctx *ctx, const struct course_filter *f, int page, int per_page, json_t **items,
		int64_t *total)
{
	static const struct listq_sql sql = {
		"SELECT count(*)" COURSE_FROM,
		"SELECT " COURSE_COLS ", (SELECT count(*) FROM course_assignments a WHERE a.course_id = c.id), "
		"(SELECT count(*) FROM course_completions r WHERE r.course_id = c.id), "
		"(SELECT count(r.finished_at) FROM course_completions r WHERE r.course_id = c.id)" COURSE_FROM,
		" ORDER BY COALESCE(c.published_at, c.created_at) DESC, c.id DESC",
	};
	return titled_list(ctx, &desc, &sql, "c", f->org_id, f->status, f->q, page, per_page, items, total);
}

/* ---- completions: per branch and per member ---------------------------------------- */

/* limits q to the course's learners now: members of an assigned subtree (within the course's) */
static void where_learners(struct listq *q, const struct course *c)
{
	titled_where_members(q, "c.id = ?", &c->t);
	listq_where(q, "EXISTS (SELECT 1 FROM course_assignments a WHERE a.course_id = c.id AND "
		       "substr(m.org_path, 1, length(a.org_path)) = a.org_path)");
}

#define LEARNERS_FROM                                                                             \
	" FROM courses c CROSS JOIN members m JOIN orgs o ON o.id = m.org_id LEFT JOIN course_completions r " \
	"ON r.course_id = c.id AND r.member_id = m.id"

static const char *const learner_times[2] = { "opened_at", "finished_at" };

int course_completions(struct ctx *ctx, int64_t id, int64_t org_id, const char *state, int page, int per_page,
		       json_t **items, int64_t *total, json_t **summary)
{
	static const struct listq_sql branch_sql = {
		NULL,
		"SELECT m.org_id, o.name, count(*), count(r.opened_at), count(r.finished_at)" LEARNERS_FROM,
		" GROUP BY m.org_id, o.name, o.path ORDER BY o.path",
	};
	static const struct listq_sql sql = {
		"SELECT count(*)" LEARNERS_FROM,
		"SELECT m.id, m.name, m.org_id, o.name, r.opened_at, r.finished_at" LEARNERS_FROM,
		" ORDER BY o.path, m.name, m.id",
	};
	static const struct named states[] = {
		{ "unopened", "r.member_id IS NULL" },
		{ "opened", "r.member_id IS NOT NULL AND r.finished_at IS NULL" },
		{ "finished", "r.finished_at IS NOT NULL" },
	};
	struct course c;
	struct titled_tally t = { { "assigned", "opened", "finished" }, { 0, 0, 0 } };
	struct listq q;
	json_t *branches = NULL;
	int rc, k = -1;
	*items = *summary = NULL;
	*total = 0;
	if (state && state[0] && (k = named_index(states, NAMED_COUNT(states), state)) < 0)
		return err_set(&ctx->err, E_MALFORMED, "state", NULL, "state 须为 unopened、opened 或 finished");
	if ((rc = titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	listq_init(&q);
	where_learners(&q, &c);
	if (org_id && (rc = listq_subtree(ctx, &q, "m.org_path", org_id)))
		goto out;
	if ((rc = listq_fetch(ctx, &q, &branch_sql, 1, 0, titled_branch_row, &t, &branches)))
		goto out;
	if (k >= 0)
		listq_where(&q, states[k].name);
	if ((rc = listq_list(ctx, &q, &sql, page, per_page, titled_member_row, (void *)learner_times, items, total)))
		goto out;
	*summary = json_pack("{s:{s:I, s:I, s:I}, s:o}", "totals", "assigned", (json_int_t)t.count[0], "opened",
			     (json_int_t)t.count[1], "finished", (json_int_t)t.count[2], "branches", branches);
	branches = NULL;
out:
	json_decref(branches);
	listq_release(&q);
	course_release(&c);
	return rc;
}

/* ---- body fields ------------------------------------------------------------------ */

struct input {
	const char *title, *body; /* borrowed from the JSON body */
	int kind, duration, hours_x10, publish;
	int has_title, has_body, has_kind, has_duration, has_hours;
};

static int parse_int(struct ctx *ctx, json_t *body, const char *key, const char *label, long long lo, long long hi,
		     int *out, int *present)
{
	json_t *v = json_object_get(body, key);
	*present = v && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是整数", key);
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return err_set(&ctx->err, E_INVALID, key, "field.range", "%s须在 %lld–%lld 之间", label, lo, hi);
	*out = (int)json_integer_value(v);
	return 0;
}

/* hours: a number in half 学时, 0.5–40 */
static int parse_hours(struct ctx *ctx, json_t *body, int *hours_x10, int *present)
{
	json_t *v = json_object_get(body, "hours");
	double d, halves;
	*present = v && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_number(v))
		return err_set(&ctx->err, E_MALFORMED, "hours", NULL, "字段 hours 必须是数字");
	d = json_number_value(v);
	halves = d * 2.0;
	if (d < 0.5 || d > 40 || halves != (double)(long)halves)
		return err_set(&ctx->err, E_INVALID, "hours", "course.hours", "学时须为 0.5–40 之间、以 0.5 为单位的数");
	*hours_x10 = (int)(long)halves * 5;
	return 0;
}

static int parse_input(struct ctx *ctx, json_t *body, int create, struct input *in)
{
	const char *kind = NULL;
	json_t *v;
	int rc;
	memset(in, 0, sizeof(*in));
	in->kind = -1;
	if ((rc = field_text(ctx, body, "title", "标题", create, COURSE_TITLE_MAX_CHARS, 0, &in->title, &in->has_title)) ||
	    (rc = field_text(ctx, body, "body", "正文", 0, COURSE_BODY_MAX_CHARS, 1, &in->body, &in->has_body)) ||
	    (rc = field_text(ctx, body, "kind", "课程形式", create, 10, 0, &kind, &in->has_kind)))
		return rc;
	if (in->has_title && !in->title)
		return err_set(&ctx->err, E_INVALID, "title", "field.required", "标题不能为空");
	if (in->has_kind && (!kind || (in->kind = course_kind_parse(kind)) < 0))
		return err_set(&ctx->err, E_INVALID, "kind", "course.kind", "课程形式须为 text、pdf 或 video");
	if ((rc = parse_int(ctx, body, "duration_minutes", "时长（分钟）", 1, COURSE_MAX_MINUTES, &in->duration,
			    &in->has_duration)) ||
	    (rc = parse_hours(ctx, body, &in->hours_x10, &in->has_hours)))
		return rc;
	if (create && !in->has_duration)
		return err_set(&ctx->err, E_INVALID, "duration_minutes", "field.required", "请填写课程时长（分钟）");
	if (create && (v = json_object_get(body, "publish")) && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return err_set(&ctx->err, E_MALFORMED, "publish", NULL, "字段 publish 必须是 true 或 false");
		in->publish = json_is_true(v);
	}
	return 0;
}

/* the publishing org: body.org_id or the actor's scope root; in scope, not a 党小组 */
static int publishing_org(struct ctx *ctx, json_t *body, struct org *o)
{
	return field_issuing_org(ctx, body, o, "请选择发布课程的党组织", "course.org_kind",
				 "党小组不能发布课程，请以党支部名义发布");
}

/* the 409 of publishing a course that is not complete */
static int require_content(struct ctx *ctx, int kind, const char *body, int has_file)
{
	if (kind == CK_TEXT && (!body || !body[0]))
		return err_set(&ctx->err, E_CONFLICT, "body", "course.no_body", "图文课程须先填写正文才能发布");
	if (kind != CK_TEXT && !has_file)
		return err_set(&ctx->err, E_CONFLICT, "file", "course.no_file", "PDF 或视频课程须先上传文件才能发布");
	return 0;
}

static int minutes_per_hour(const struct ctx *ctx)
{
	return (int)cfg_int(ctx, CFG_COURSE_MINUTES_PER_HOUR);
}

int course_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct input in;
	struct org o;
	struct stmt *st;
	int rc, hours;

	*id = 0;
	if ((rc = titled_require_officer(ctx, &desc)) || (rc = publishing_org(ctx, body, &o)) ||
	    (rc = parse_input(ctx, body, 1, &in)))
		return rc;
	if (in.publish && (rc = require_content(ctx, in.kind, in.body, 0)))
		return rc;
	hours = in.has_hours ? in.hours_x10 : course_default_hours_x10(in.duration, minutes_per_hour(ctx));
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO courses (org_id, org_path, title, kind, body, duration_minutes, hours_x10, status, "
			"published_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (st) {
		titled_bind_new(ctx, st, o.id, o.path, in.title, in.publish);
		stmt_bind_text(st, 4, named_code_at(kinds, CK__COUNT, in.kind));
		stmt_bind_text(st, 5, in.body ? in.body : "");
		stmt_bind_int(st, 6, in.duration);
		stmt_bind_int(st, 7, hours);
	}
	return titled_insert(ctx, &desc, st, id);
}

int course_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct course c;
	struct input in;
	struct stmt *st;
	int64_t version;
	int rc, kind, duration, hours;

	if ((rc = titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	if ((rc = field_version(ctx, body, &version)) || (rc = parse_input(ctx, body, 0, &in)))
		goto out;
	if (c.t.status == CS_WITHDRAWN) {
		rc = titled_status_conflict(ctx, &desc, &c.t, "修改");
		goto out;
	}
	/* what members learn and are credited for stays what was published */
	if (c.t.status != CS_DRAFT && (in.has_kind || in.has_duration || in.has_hours)) {
		rc = err_set(&ctx->err, E_CONFLICT, in.has_kind ? "kind" : in.has_duration ? "duration_minutes" : "hours",
			     "course.published", "课程已发布，形式、时长和学时不能再修改");
		goto out;
	}
	if (c.t.status == CS_PUBLISHED && c.kind == CK_TEXT && in.has_body && !in.body) {
		rc = err_set(&ctx->err, E_INVALID, "body", "field.required", "已发布的图文课程正文不能为空");
		goto out;
	}
	if ((rc = field_version_current(ctx, body, c.t.version, "课程")))
		goto out;
	kind = in.has_kind ? in.kind : c.kind;
	duration = in.has_duration ? in.duration : c.duration;
	hours = in.has_hours ? in.hours_x10
			     : in.has_duration ? course_default_hours_x10(duration, minutes_per_hour(ctx)) : c.hours_x10;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* a text course keeps no file; changing the kind drops the one uploaded */
	st = db_prepare(ctx->db,
			"UPDATE courses SET title = ?, body = ?, kind = ?, duration_minutes = ?, hours_x10 = ?, "
			"file_sha256 = CASE WHEN kind = ? THEN file_sha256 END, file_name = CASE WHEN kind = ? THEN file_name END, "
			"file_mime = CASE WHEN kind = ? THEN file_mime END, file_size = CASE WHEN kind = ? THEN file_size END, "
			"updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, in.has_title ? in.title : c.t.title);
	stmt_bind_text(st, 2, in.has_body ? (in.body ? in.body : "") : (c.t.body ? c.t.body : ""));
	stmt_bind_text(st, 3, named_code_at(kinds, CK__COUNT, kind));
	stmt_bind_int(st, 4, duration);
	stmt_bind_int(st, 5, hours);
	stmt_bind_text(st, 6, named_code_at(kinds, CK__COUNT, kind));
	stmt_bind_text(st, 7, named_code_at(kinds, CK__COUNT, kind));
	stmt_bind_text(st, 8, named_code_at(kinds, CK__COUNT, kind));
	stmt_bind_text(st, 9, named_code_at(kinds, CK__COUNT, kind));
	stmt_bind_text(st, 10, ctx->now_iso);
	if ((rc = titled_finish_write(ctx, &desc, st, 10, &c, version, "update")))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	course_release(&c);
	return rc;
}

/* a course is published only complete */
static int step_check(struct ctx *ctx, const void *rec, int publish)
{
	const struct course *c = rec;
	return publish ? require_content(ctx, c->kind, c->t.body, c->file_sha[0] != '\0') : 0;
}

/* publish (a draft) or withdraw (a published course): the status and its time, one versioned write */
static int step_status(struct ctx *ctx, int64_t id, json_t *body, int publish)
{
	static const char *const sql[2] = {
		"UPDATE courses SET status = 'withdrawn', withdrawn_at = ?, updated_at = ?, version = version + 1 "
		"WHERE id = ? AND version = ? AND status = 'published'",
		"UPDATE courses SET status = 'published', published_at = ?, updated_at = ?, version = version + 1 "
		"WHERE id = ? AND version = ? AND status = 'draft'",
	};
	return titled_step_status(ctx, &desc, id, body, publish, sql[publish], step_check);
}

int course_publish(struct ctx *ctx, int64_t id, json_t *body)
{
	return step_status(ctx, id, body, 1);
}

int course_withdraw(struct ctx *ctx, int64_t id, json_t *body)
{
	return step_status(ctx, id, body, 0);
}

/* ---- assignments ------------------------------------------------------------------ */

int course_assign(struct ctx *ctx, int64_t id, json_t *body)
{
	struct course c;
	struct org *orgs = NULL;
	struct stmt *st;
	json_t *ids = json_object_get(body, "org_ids"), *v, *before = NULL;
	int64_t version = 0;
	size_t k, j, n;
	int rc;

	if ((rc = titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	if (json_object_get(body, "version") && (rc = field_version_current(ctx, body, c.t.version, "课程")))
		goto out;
	if (!json_is_array(ids)) {
		rc = err_set(&ctx->err, E_MALFORMED, "org_ids", NULL, "字段 org_ids 必须是党组织编号的数组");
		goto out;
	}
	if (c.t.status == CS_WITHDRAWN) {
		rc = titled_status_conflict(ctx, &desc, &c.t, "指派");
		goto out;
	}
	n = json_array_size(ids);
	if (n > COURSE_MAX_ASSIGN) {
		rc = err_set(&ctx->err, E_INVALID, "org_ids", "course.assign_count", "一门课程最多指派 %d 个党组织",
			     COURSE_MAX_ASSIGN);
		goto out;
	}
	orgs = xcalloc(n ? n : 1, sizeof(*orgs));
	json_array_foreach(ids, k, v) {
		if (!json_is_integer(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "org_ids", NULL, "字段 org_ids 必须是党组织编号的数组");
			goto out;
		}
		if ((rc = org_require_in_scope(ctx, json_integer_value(v), &orgs[k], "org_ids")))
			goto out;
		/* a publisher reaches only its own subtree */
		if (strncmp(orgs[k].path, c.t.org_path, strlen(c.t.org_path))) {
			rc = err_set(&ctx->err, E_INVALID, "org_ids", "course.assign_scope", "只能指派给发布组织（%s）及其下级党组织",
				     c.t.org_name);
			goto out;
		}
	}
	version = c.t.version;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	before = manager_json(ctx, &c, 0);
	{
		json_t *prev = NULL;
		if ((rc = assignments_json(ctx, id, &prev)))
			goto rollback;
		json_object_set_new(before, "assignments", prev);
	}
	st = db_prepare(ctx->db, "DELETE FROM course_assignments WHERE course_id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	for (k = 0; k < n; k++) {
		for (j = 0; j < k && orgs[j].id != orgs[k].id; j++)
			;
		if (j < k)
			continue; /* given twice */
		st = db_prepare(ctx->db, "INSERT INTO course_assignments (course_id, org_id, org_path, created_at) VALUES (?, ?, ?, ?)",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto rollback;
		}
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, orgs[k].id);
		stmt_bind_text(st, 3, orgs[k].path);
		stmt_bind_text(st, 4, ctx->now_iso);
		if ((rc = stmt_run(st, &ctx->err)))
			goto rollback;
	}
	st = db_prepare(ctx->db, "UPDATE courses SET updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "%s", desc.stale_msg);
		goto rollback;
	}
	if ((rc = titled_audit_commit(ctx, &desc, "assign", id, before)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	free(orgs);
	course_release(&c);
	return rc;
}

/* ---- the file --------------------------------------------------------------------- */

/* the type of an uploaded file by its first bytes (NULL when none accepted) */
static const char *sniff_file(const char *path)
{
	unsigned char head[16];
	ssize_t got;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	got = read(fd, head, sizeof(head));
	close(fd);
	return got > 0 ? attachment_sniff(head, (size_t)got) : NULL;
}

int course_file_set(struct ctx *ctx, int64_t id, const char *filename, const char *tmp_path, const char *sha256,
		    int64_t size, json_t **out)
{
	struct course c;
	struct stmt *st;
	const char *want, *got, *mime = NULL;
	int64_t version;
	int rc;

	*out = NULL;
	if ((rc = titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	if (c.t.status != CS_DRAFT) {
		rc = c.t.status == CS_WITHDRAWN ? titled_status_conflict(ctx, &desc, &c.t, "上传文件")
					      : err_set(&ctx->err, E_CONFLICT, "file", "course.published", "课程已发布，文件不能再更换");
		goto out;
	}
	if (c.kind == CK_TEXT) {
		rc = err_set(&ctx->err, E_CONFLICT, "kind", "course.kind_file", "图文课程不需要上传文件，请先把形式改为 PDF 或视频");
		goto out;
	}
	want = c.kind == CK_PDF ? "application/pdf" : "video/mp4";
	got = sniff_file(tmp_path);
	if (!got || strcmp(got, want)) {
		rc = err_set(&ctx->err, E_INVALID, "file", "course.file_type", c.kind == CK_PDF ? "PDF 课程只能上传 PDF 文件"
												 : "视频课程只能上传 MP4 视频");
		goto out;
	}
	if ((rc = attachment_take(ctx, filename, tmp_path, sha256, &mime)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	version = c.t.version;
	st = db_prepare(ctx->db,
			"UPDATE courses SET file_sha256 = ?, file_name = ?, file_mime = ?, file_size = ?, updated_at = ?, "
			"version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, sha256);
	stmt_bind_text(st, 2, filename);
	stmt_bind_text(st, 3, mime);
	stmt_bind_int(st, 4, size);
	stmt_bind_text(st, 5, ctx->now_iso);
	if ((rc = titled_finish_write(ctx, &desc, st, 5, &c, version, "attach")))
		goto rollback;
	rc = course_get(ctx, id, out);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	course_release(&c);
	return rc;
}

int course_file_open(struct ctx *ctx, int64_t id, int mine, char **path, char **mime, char **filename)
{
	struct course c;
	char mpath[PATH_MAX_LEN], p[1200];
	int rc;

	*path = *mime = *filename = NULL;
	if ((rc = mine ? load_mine(ctx, id, &c, mpath, sizeof(mpath)) : titled_load_scoped(ctx, &desc, id, &c)))
		return rc;
	if (!c.file_sha[0]) {
		course_release(&c);
		return err_set(&ctx->err, E_NOTFOUND, "file", NULL, "该课程没有文件");
	}
	if ((rc = attachment_file_path(ctx, c.file_sha, p, sizeof(p)))) {
		course_release(&c);
		return rc;
	}
	*path = xstrdup(p);
	*mime = xstrdup(c.file_mime);
	*filename = xstrdup(c.file_name ? c.file_name : "course");
	course_release(&c);
	return 0;
}

/* ---- the member's side ------------------------------------------------------------- */

int course_member_year(struct ctx *ctx, int64_t member_id, const char *org_path, int year, json_t **list,
		       int64_t *raw_x10, int64_t *counted_x10, int *cap_x10)
{
	struct stmt *st;
	json_t *arr;
	int rc, step;

	*list = NULL;
	*raw_x10 = *counted_x10 = 0;
	if ((rc = course_year_cap_x10(ctx, org_path, cap_x10)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT c.id, c.title, c.kind, r.finished_at, r.hours_x10 FROM course_completions r JOIN courses c ON "
			"c.id = r.course_id WHERE r.member_id = ? AND r.year = ? AND r.finished_at IS NOT NULL "
			"ORDER BY r.finished_at, c.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_int(st, 2, year);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t h = stmt_int(st, 4);
		/* in the order finished: what still fits under the year's cap */
		int64_t room = *cap_x10 - *counted_x10, counted = h < room ? h : (room > 0 ? room : 0);
		int kind = course_kind_parse(stmt_text(st, 2));
		json_t *e = json_pack("{s:I, s:s?, s:s, s:s, s:s?}", "course_id", (json_int_t)stmt_int(st, 0), "title",
				      stmt_text(st, 1), "kind", named_code_at(kinds, CK__COUNT, kind), "kind_name",
				      named_name_at(kinds, CK__COUNT, kind), "finished_at", stmt_text(st, 3));
		hours_json(e, "hours", h);
		hours_json(e, "counted", counted);
		*raw_x10 += h;
		*counted_x10 += counted;
		json_array_append_new(arr, e);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	*list = arr;
	return 0;
}

static json_t *member_json(const struct course *c, const char *opened_at, const char *finished_at, int with_body)
{
	json_t *j = course_json(c, with_body);
	json_object_set_new(j, "opened_at", json_str_or_null(opened_at));
	json_object_set_new(j, "finished_at", json_str_or_null(finished_at));
	json_object_set_new(j, "finished", json_boolean(finished_at && finished_at[0]));
	return j;
}

static json_t *mine_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct course c;
	char opened[21] = "", finished[21] = "";
	json_t *j;
	(void)ctx;
	(void)arg;
	read_course(st, &c);
	stmt_text_copy(st, COURSE_NCOLS, opened, sizeof(opened));
	stmt_text_copy(st, COURSE_NCOLS + 1, finished, sizeof(finished));
	j = member_json(&c, opened, finished, 0);
	course_release(&c);
	return j;
}

/* the year's figures of the actor as a member: {year, hours, credited_hours, cap_hours} */
static int year_summary(struct ctx *ctx, const char *mpath, json_t **out)
{
	json_t *list = NULL;
	int64_t raw, counted;
	int cap, rc;
	*out = NULL;
	if ((rc = course_member_year(ctx, ctx->actor.member_id, mpath, ctx->today.y, &list, &raw, &counted, &cap)))
		return rc;
	*out = json_pack("{s:i, s:I}", "year", ctx->today.y, "finished_this_year", (json_int_t)json_array_size(list));
	hours_json(*out, "hours", raw);
	hours_json(*out, "credited_hours", counted);
	hours_json(*out, "cap_hours", cap);
	json_decref(list);
	return 0;
}

int course_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total, json_t **summary)
{
	static const struct listq_sql sql = {
		"SELECT count(*) FROM courses c",
		"SELECT " COURSE_COLS ", r.opened_at, r.finished_at" COURSE_FROM
		"LEFT JOIN course_completions r ON r.course_id = c.id AND r.member_id = CAST(? AS BIGINT)",
		" ORDER BY c.published_at DESC, c.id DESC",
	};
	struct listq q;
	char mpath[PATH_MAX_LEN];
	int64_t finished = 0;
	int rc;

	*items = *summary = NULL;
	*total = 0;
	listq_init(&q);
	if ((rc = titled_mine_query(ctx, &q, mpath, sizeof(mpath))))
		return titled_mine_done(&q, rc, items);
	listq_where(&q, "c.status = 'published'");
	listq_where_text(&q, "EXISTS (SELECT 1 FROM course_assignments a WHERE a.course_id = c.id AND "
			     "substr(CAST(? AS TEXT), 1, length(a.org_path)) = a.org_path)",
			 mpath);
	if (!(rc = listq_list(ctx, &q, &sql, page, per_page, mine_row, NULL, items, total))) {
		listq_where_int(&q, "EXISTS (SELECT 1 FROM course_completions r WHERE r.course_id = c.id AND r.member_id = ? "
				    "AND r.finished_at IS NOT NULL)",
				ctx->actor.member_id);
		if (!(rc = listq_count(ctx, &q, sql.count, &finished)) && !(rc = year_summary(ctx, mpath, summary))) {
			json_object_set_new(*summary, "assigned", json_integer(*total));
			json_object_set_new(*summary, "finished", json_integer(finished));
		}
	}
	return titled_mine_done(&q, rc, items);
}

/* the member's row of course id: times ("" when none) */
static int my_times(struct ctx *ctx, int64_t id, char opened[21], char finished[21])
{
	return listq_my_times(ctx, "SELECT opened_at, finished_at FROM course_completions WHERE course_id = ? AND member_id = ?",
			      id, opened, finished);
}

static int mine_json(struct ctx *ctx, const struct course *c, const char *mpath, json_t **out)
{
	char opened[21], finished[21];
	json_t *year = NULL;
	int rc;
	if ((rc = my_times(ctx, c->t.id, opened, finished)) || (rc = year_summary(ctx, mpath, &year)))
		return rc;
	*out = member_json(c, opened, finished, 1);
	json_object_set_new(*out, "my_year", year);
	return 0;
}

int course_open(struct ctx *ctx, int64_t id, json_t **out)
{
	struct course c;
	char mpath[PATH_MAX_LEN];
	int rc;
	*out = NULL;
	if ((rc = load_mine(ctx, id, &c, mpath, sizeof(mpath))))
		return rc;
	/* the first opening only: the learner's own log, append-once (like a notice's read mark) */
	rc = titled_mark_first(ctx,
			       "INSERT INTO course_completions (course_id, member_id, opened_at) VALUES (?, ?, ?) "
			       "ON CONFLICT (course_id, member_id) DO NOTHING",
			       id);
	if (!rc)
		rc = mine_json(ctx, &c, mpath, out);
	course_release(&c);
	return rc;
}

int course_finish(struct ctx *ctx, int64_t id, json_t **out)
{
	struct course c;
	struct stmt *st;
	char mpath[PATH_MAX_LEN], opened[21], finished[21];
	json_t *after = NULL;
	int rc;
	*out = NULL;
	if ((rc = load_mine(ctx, id, &c, mpath, sizeof(mpath))))
		return rc;
	if ((rc = my_times(ctx, id, opened, finished)))
		goto out;
	if (!opened[0]) {
		rc = err_set(&ctx->err, E_CONFLICT, "opened_at", "course.not_opened", "请先打开课程学习，再点“学完”");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* finished_at IS NULL: two taps credit once */
	st = db_prepare(ctx->db,
			"UPDATE course_completions SET finished_at = ?, hours_x10 = ?, year = ? WHERE course_id = ? AND "
			"member_id = ? AND finished_at IS NULL",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, c.hours_x10);
	stmt_bind_int(st, 3, ctx->today.y);
	stmt_bind_int(st, 4, id);
	stmt_bind_int(st, 5, ctx->actor.member_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) == 1) {
		after = json_pack("{s:I, s:s, s:i, s:i}", "member_id", (json_int_t)ctx->actor.member_id, "finished_at",
				  ctx->now_iso, "hours_x10", c.hours_x10, "year", ctx->today.y);
		if ((rc = audit_append(ctx, "finish", "course", id, NULL, after)))
			goto rollback;
	}
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	rc = mine_json(ctx, &c, mpath, out);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(after);
	course_release(&c);
	return rc;
}
