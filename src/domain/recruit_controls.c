/*
 * Controls over recruitment (issue 3, docs/API.md "Recruitment"):
 *  - the 七阶梯 ladder: an ordered list of stages per top-level org (settings
 *    'recruit.ladder'); an activist's result for each stage and year; a failed stage bars
 *    step 7 for the rest of that year, and with the ladder on step 7 needs every stage
 *    passed in its year;
 *  - special persons (recruits.special): a 事前报告 (step 92) to the county 组织部门
 *    before step 7, and the plan's special_units_max_pct at step 17;
 *  - the annual plan (recruit_plans.planned) as a cap on step 17.
 * Schema: src/store/sql/008_recruit_controls.sql. The step checks are called from
 * recruit_check_step (domain/recruit_rules.c) with the job of recruit_internal.h.
 */
#include "domain/recruit_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LADDER_NOTE_CHARS 200
#define LADDER_NAME_CHARS 20

const char *const recruit_special_kinds[] = { "private_owner", "new_social_class", "special_unit", NULL };
static const char *const special_names[] = { "非公有制经济组织出资人", "新的社会阶层人士", "特殊单位人员" };

const char *recruit_special_name(const char *kind)
{
	size_t i;
	if (!kind || !kind[0])
		return NULL;
	for (i = 0; recruit_special_kinds[i]; i++)
		if (!strcmp(recruit_special_kinds[i], kind))
			return special_names[i];
	return NULL;
}

/* ---- the ladder of one record ------------------------------------------------------ */

/*
 * The ladder in year for record id: 0 all passed, 1 a stage failed (its name in what),
 * 2 stages not yet passed (their names, joined by "、", in what).
 */
static int ladder_state(struct ctx *ctx, int64_t id, const struct recruit_rules *rules, int year, int *state,
			char *what, size_t size)
{
	struct stmt *st;
	char passed[RECRUIT_LADDER_MAX] = { 0 };
	size_t len = 0;
	int step, i;
	*state = 0;
	what[0] = '\0';
	st = db_prepare(ctx->db, "SELECT stage, result FROM recruit_ladder WHERE recruit_id = ? AND year = ? ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *stage = stmt_text(st, 0), *result = stmt_text(st, 1);
		if (!stage || !result)
			continue;
		if (!strcmp(result, "failed") && *state != 1) {
			/* any failure of the year counts, even of a stage since renamed */
			*state = 1;
			strlcpy_z(what, stage, size);
		}
		for (i = 0; i < rules->ladder_n; i++)
			if (!strcmp(rules->ladder[i], stage) && !strcmp(result, "passed"))
				passed[i] = 1;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (*state == 1)
		return 0;
	for (i = 0; i < rules->ladder_n; i++) {
		if (passed[i])
			continue;
		*state = 2;
		xsnprintf(what + len, size - len, "%s%s", len ? "、" : "", rules->ladder[i]);
		len = strlen(what);
	}
	return 0;
}

/* Step 7 with the ladder on: no stage failed in the year, every stage passed. */
int recruit_check_ladder(struct job *j)
{
	char what[RECRUIT_LADDER_MAX * (RECRUIT_LADDER_NAME + 4)];
	int state, rc;
	if (!j->rules.ladder_n)
		return 0;
	if ((rc = ladder_state(j->ctx, j->r.id, &j->rules, j->on.y, &state, what, sizeof(what))))
		return rc;
	if (state == 1)
		return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.ladder_failed",
			       "%d 年度阶梯考核「%s」未通过，当年不能确定为发展对象", j->on.y, what);
	if (state == 2)
		return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.ladder_incomplete",
			       "%d 年度阶梯考核尚未通过：%s；须全部通过才能确定为发展对象", j->on.y, what);
	return 0;
}

/* The blocker of step 7 in year, or NULL (the "next" list). */
int recruit_ladder_blocker(struct ctx *ctx, const struct recruit *r, const struct recruit_rules *rules, int year,
			   const char **blocked)
{
	char what[RECRUIT_LADDER_MAX * (RECRUIT_LADDER_NAME + 4)];
	int state, rc;
	*blocked = NULL;
	if (!rules->ladder_n)
		return 0;
	if ((rc = ladder_state(ctx, r->id, rules, year, &state, what, sizeof(what))))
		return rc;
	if (state)
		*blocked = state == 1 ? "recruit.ladder_failed" : "recruit.ladder_incomplete";
	return 0;
}

static json_t *ladder_row_json(struct stmt *st)
{
	json_t *e = json_object();
	json_object_set_new(e, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(e, "year", json_integer(stmt_int(st, 1)));
	json_object_set_new(e, "stage", json_str_or_null(stmt_text(st, 2)));
	json_object_set_new(e, "result", json_str_or_null(stmt_text(st, 3)));
	json_object_set_new(e, "done_on", json_str_or_null(stmt_text(st, 4)));
	json_object_set_new(e, "note", json_str_or_null(stmt_text(st, 5)));
	json_object_set_new(e, "signer", json_str_or_null(stmt_text(st, 6)));
	json_object_set_new(e, "at", json_str_or_null(stmt_text(st, 7)));
	return e;
}

#define LADDER_COLS "id, year, stage, result, done_on, note, signer, created_at"

int recruit_ladder_json(struct ctx *ctx, const struct recruit *r, json_t **out)
{
	struct recruit_rules rules;
	struct stmt *st;
	json_t *j, *stages, *results;
	int rc, step, i;
	*out = NULL;
	if ((rc = recruit_rules_load(ctx, r->org_path, &rules)))
		return rc;
	st = db_prepare(ctx->db, "SELECT " LADDER_COLS " FROM recruit_ladder WHERE recruit_id = ? ORDER BY year, id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, r->id);
	results = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(results, ladder_row_json(st));
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(results);
		return ctx_db_fail(ctx);
	}
	stages = json_array();
	for (i = 0; i < rules.ladder_n; i++)
		json_array_append_new(stages, json_string(rules.ladder[i]));
	j = json_object();
	json_object_set_new(j, "stages", stages);
	json_object_set_new(j, "results", results);
	*out = j;
	return 0;
}

/* A string member of body: NULL when absent or null; E_MALFORMED when not a string. */
static int body_text(struct ctx *ctx, json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	*out = json_string_value(v);
	return 0;
}

int recruit_ladder_add(struct ctx *ctx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = { "year", "stage", "result", "done_on", "note", NULL };
	struct recruit r;
	struct recruit_rules rules;
	struct date on, activist;
	struct stmt *st;
	const char *stage_in, *result, *done_s, *note_in, *key;
	char stage[RECRUIT_LADDER_NAME * 2], note[CAP_TEXT_LEN] = "";
	json_t *v, *row = NULL;
	int64_t year, row_id = 0;
	int rc, step, i, known = 0, began = 0;

	*out = NULL;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "recruit.role", "只有支部书记或管理员可以登记阶梯考核");
	if (!json_is_object(body))
		return err_set(&ctx->err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");
	json_object_foreach(body, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i])
			return err_set(&ctx->err, E_MALFORMED, key, NULL, "未知字段 %s", key);
	}
	if ((rc = recruit_load(ctx, id, &r)))
		return rc;
	v = json_object_get(body, "year");
	if (v && !json_is_null(v) && !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "year", NULL, "字段 year 必须是整数");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "year", "field.required", "考核年度（year）不能为空");
	year = json_integer_value(v);
	if ((rc = body_text(ctx, body, "stage", &stage_in)) || (rc = body_text(ctx, body, "result", &result)) ||
	    (rc = body_text(ctx, body, "done_on", &done_s)) || (rc = body_text(ctx, body, "note", &note_in)))
		return rc;
	text_normalize(stage_in ? stage_in : "", stage, sizeof(stage));
	if (!stage[0])
		return err_set(&ctx->err, E_INVALID, "stage", "field.required", "阶梯名称（stage）不能为空");
	if (!result || (strcmp(result, "passed") && strcmp(result, "failed")))
		return err_set(&ctx->err, E_INVALID, "result", "field.enum", "考核结果（result）须为 passed（通过）或 failed（未通过）");
	if (!done_s || !done_s[0])
		return err_set(&ctx->err, E_INVALID, "done_on", "field.required", "考核日期（done_on）不能为空");
	if (date_parse(done_s, &on))
		return err_set(&ctx->err, E_INVALID, "done_on", "field.date", "考核日期“%s”不是有效日期（格式 YYYY-MM-DD）", done_s);
	if (date_cmp(on, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "done_on", "field.date_future", "考核日期 %s 不能晚于今天", done_s);
	if (note_in) {
		text_normalize(note_in, note, sizeof(note));
		if (!text_is_clean(note) || utf8_chars(note) > LADDER_NOTE_CHARS)
			return err_set(&ctx->err, E_INVALID, "note", "field.text", "备注含有非法字符或超过 %d 个字", LADDER_NOTE_CHARS);
	}
	if (year != on.y)
		return err_set(&ctx->err, E_INVALID, "year", "recruit.ladder_year", "考核年度 %" PRId64 " 与考核日期 %s 不在同一年",
			       year, done_s);

	if (strcmp(r.status, "active"))
		return err_set(&ctx->err, E_RULE, "id", "recruit.status", "%s的发展工作已结束，不能再登记阶梯考核", r.name);
	if ((rc = recruit_rules_load(ctx, r.org_path, &rules)))
		return rc;
	if (!rules.ladder_n)
		return err_set(&ctx->err, E_RULE, "stage", "recruit.ladder_off", "本单位未设置阶梯考核（recruit.ladder）");
	for (i = 0; i < rules.ladder_n; i++)
		if (!strcmp(rules.ladder[i], stage))
			known = 1;
	if (!known)
		return err_set(&ctx->err, E_RULE, "stage", "recruit.ladder_stage", "“%s”不是本单位设置的阶梯考核环节", stage);
	/* the ladder weighs an 积极分子 on the way to 确定发展对象 (step 7) */
	if (r.last_step < 3 || r.last_step > 6 || date_parse(r.activist_on, &activist))
		return err_set(&ctx->err, E_RULE, "id", "recruit.ladder_person",
			       "%s不是入党积极分子（已完成第 %d 步），不能登记阶梯考核", r.name, r.last_step);
	if (date_cmp(on, activist) < 0)
		return err_set(&ctx->err, E_RULE, "done_on", "recruit.ladder_date", "考核日期 %s 早于确定为入党积极分子的日期 %s",
			       done_s, r.activist_on);

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	began = 1;
	st = db_prepare(ctx->db,
			"INSERT INTO recruit_ladder (recruit_id, year, stage, result, done_on, note, signed_by, signer, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	stmt_bind_text(st, 3, stage);
	stmt_bind_text(st, 4, result);
	stmt_bind_text(st, 5, done_s);
	stmt_bind_text(st, 6, note[0] ? note : NULL);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 7, ctx->actor.user_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, ctx->actor.username[0] ? ctx->actor.username : "system");
	stmt_bind_text(st, 9, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		row_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT) {
		rc = err_set(&ctx->err, E_RULE, "stage", "recruit.ladder_duplicate",
			     "%s %" PRId64 " 年度「%s」已有考核结果；结果不能更改", r.name, year, stage);
		goto out;
	}
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	st = db_prepare(ctx->db, "SELECT " LADDER_COLS " FROM recruit_ladder WHERE id = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, row_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		row = ladder_row_json(st);
	stmt_reset(st);
	if (!row) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if ((rc = audit_append(ctx, "ladder", "recruit", id, NULL, row)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	began = 0;
	*out = row;
	row = NULL;
out:
	if (began)
		db_rollback(ctx->db);
	json_decref(row);
	return rc;
}

/* ---- the ladder's configuration -------------------------------------------------- */

/* The top-level org above (or equal to) org_id (0: the actor's scope root). The org
 * itself must be in the actor's view unless any_org (a write then checks the top). */
static int top_org(struct ctx *ctx, int64_t org_id, int any_org, struct org *top)
{
	struct org o;
	struct ctx wide;
	int64_t id = 0;
	const char *p;
	int rc;
	widen(ctx, &wide);
	if (any_org && org_id) {
		if ((rc = org_get(&wide, org_id, &o))) {
			ctx->err = wide.err;
			return rc;
		}
		err_clear(&wide.err);
	} else if ((rc = org_scope_root(ctx, org_id, &o))) {
		return rc;
	}
	for (p = o.path; *p == '/'; p++)
		;
	while (*p >= '0' && *p <= '9')
		id = id * 10 + (*p++ - '0');
	if ((rc = org_get(&wide, id, top)))
		ctx->err = wide.err;
	return rc;
}

static json_t *ladder_config_json(const struct org *top, const struct recruit_rules *rules)
{
	json_t *stages = json_array();
	int i;
	for (i = 0; i < rules->ladder_n; i++)
		json_array_append_new(stages, json_string(rules->ladder[i]));
	return json_pack("{s:I, s:s, s:o}", "org_id", (json_int_t)top->id, "org_name", top->name, "stages", stages);
}

int recruit_ladder_config_get(struct ctx *ctx, int64_t org_id, json_t **out)
{
	struct org top;
	struct recruit_rules rules;
	int rc;
	*out = NULL;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "recruit.role", "只有支部书记或管理员可以查看发展党员工作");
	if ((rc = top_org(ctx, org_id, 0, &top)) || (rc = recruit_rules_load(ctx, top.path, &rules)))
		return rc;
	*out = ladder_config_json(&top, &rules);
	return 0;
}

int recruit_ladder_config_set(struct ctx *ctx, json_t *body, json_t **out)
{
	static const char *const allowed[] = { "org_id", "stages", NULL };
	struct org top;
	struct recruit_rules before, after;
	struct stmt *st;
	const char *key;
	json_t *v, *stages, *clean = NULL, *jb = NULL, *ja = NULL;
	char *text = NULL, name[RECRUIT_LADDER_NAME * 2];
	size_t i, k;
	int rc, began = 0;

	*out = NULL;
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "recruit.ladder_scope", "只有党委或组织部门管理员可以设置阶梯考核");
	if (!json_is_object(body))
		return err_set(&ctx->err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");
	json_object_foreach(body, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i])
			return err_set(&ctx->err, E_MALFORMED, key, NULL, "未知字段 %s", key);
	}
	v = json_object_get(body, "org_id");
	if (v && !json_is_null(v) && !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
	stages = json_object_get(body, "stages");
	if (!stages || !json_is_array(stages))
		return err_set(&ctx->err, E_MALFORMED, "stages", NULL, "stages 必须是阶梯名称的数组（[] 表示不设阶梯考核）");
	if ((rc = top_org(ctx, v && json_is_integer(v) ? json_integer_value(v) : 0, 1, &top)))
		return rc;
	/* local rules are the top-level org's: only whoever administers all of it sets them */
	if (!ctx_path_in_scope(ctx, top.path))
		return err_set(&ctx->err, E_FORBIDDEN, "org_id", "recruit.ladder_scope", "阶梯考核由“%s”的管理员设置", top.name);
	if (json_array_size(stages) > RECRUIT_LADDER_MAX)
		return err_set(&ctx->err, E_INVALID, "stages", "recruit.ladder_config", "阶梯考核至多 %d 个环节", RECRUIT_LADDER_MAX);
	clean = json_array();
	json_array_foreach(stages, i, v) {
		if (!json_is_string(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "stages", NULL, "stages 必须是字符串数组");
			goto out;
		}
		text_normalize(json_string_value(v), name, sizeof(name));
		if (!name[0] || !text_is_clean(name) || utf8_chars(name) > LADDER_NAME_CHARS ||
		    strlen(name) >= RECRUIT_LADDER_NAME) {
			rc = err_set(&ctx->err, E_INVALID, "stages", "recruit.ladder_config",
				     "阶梯名称须为 1–%d 个字且不含非法字符（第 %zu 个）", LADDER_NAME_CHARS, i + 1);
			goto out;
		}
		for (k = 0; k < i; k++)
			if (!strcmp(json_string_value(json_array_get(clean, k)), name)) {
				rc = err_set(&ctx->err, E_INVALID, "stages", "recruit.ladder_config", "阶梯名称“%s”重复", name);
				goto out;
			}
		json_array_append_new(clean, json_string(name));
	}
	if ((rc = recruit_rules_load(ctx, top.path, &before)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	began = 1;
	st = db_prepare(ctx->db, "DELETE FROM settings WHERE org_id = ? AND key = ?", &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, top.id);
	stmt_bind_text(st, 2, RECRUIT_SETTING_PREFIX "ladder");
	if ((rc = stmt_run(st, &ctx->err)))
		goto out;
	if (json_array_size(clean)) {
		text = json_dumps(clean, JSON_COMPACT);
		st = db_prepare(ctx->db, "INSERT INTO settings (org_id, key, value) VALUES (?, ?, ?)", &ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_int(st, 1, top.id);
		stmt_bind_text(st, 2, RECRUIT_SETTING_PREFIX "ladder");
		stmt_bind_text(st, 3, text);
		if ((rc = stmt_run(st, &ctx->err)))
			goto out;
	}
	if ((rc = recruit_rules_load(ctx, top.path, &after)))
		goto out;
	jb = ladder_config_json(&top, &before);
	ja = ladder_config_json(&top, &after);
	if ((rc = audit_append(ctx, "update", "recruit_ladder", top.id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	began = 0;
	*out = ja;
	ja = NULL;
out:
	if (began)
		db_rollback(ctx->db);
	free(text);
	json_decref(clean);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

/* ---- special persons: 事前报告 ------------------------------------------------------ */

/* Step 7 of a special person: a 事前报告 (step 92) is on the record. */
int recruit_check_special_report(struct job *j)
{
	if (!j->r.special[0] || last_of(&j->tl, RSTEP_PRIOR_REPORT))
		return 0;
	return err_set(&j->ctx->err, E_RULE, "step", "recruit.special_report",
		       "%s属于%s，确定发展对象前须向县级党委组织部门事前报告（第 %d 项「事前报告」），尚未登记", j->r.name,
		       recruit_special_name(j->r.special) ? recruit_special_name(j->r.special) : j->r.special, RSTEP_PRIOR_REPORT);
}

/* Step 92: only for a special person; who reported (data.reported_by); the county
 * 组织部门 it went to is derived (data.reported_to, data.reported_to_id). */
int recruit_check_prior_report(struct job *j)
{
	struct ctx wide;
	struct org o, dept;
	const char *who, *p;
	int rc, found = 0;
	if (!j->r.special[0])
		return err_set(&j->ctx->err, E_RULE, "step", "recruit.not_special",
			       "%s不属于需事前报告的特殊对象（special 未设置）", j->r.name);
	if ((rc = recruit_data_text(j, "reported_by", &who)))
		return rc;
	if (!who)
		return err_set(&j->ctx->err, E_INVALID, "data.reported_by", "field.required", "须写明报告人（data.reported_by）");
	if (!text_is_clean(who) || utf8_chars(who) > 40)
		return err_set(&j->ctx->err, E_INVALID, "data.reported_by", "field.text", "报告人含有非法字符或超过 40 个字");
	/* the nearest 组织部门 above the branch */
	widen(j->ctx, &wide);
	for (p = j->r.org_path; *p;) {
		int64_t id = 0;
		if (*p == '/') {
			p++;
			continue;
		}
		while (*p >= '0' && *p <= '9')
			id = id * 10 + (*p++ - '0');
		while (*p && *p != '/')
			p++;
		err_clear(&wide.err);
		if (id && id != j->r.org_id && !org_get(&wide, id, &o) && !strcmp(o.kind, "dept") && !o.dissolved_on[0]) {
			dept = o;
			found = 1;
		}
	}
	if (!found)
		return err_set(&j->ctx->err, E_RULE, "step", "recruit.special_report",
			       "党支部“%s”上级没有县级党委组织部门，无法事前报告", j->branch.name);
	json_object_set_new(j->data, "reported_to_id", json_integer(dept.id));
	json_object_set_new(j->data, "reported_to", json_string(dept.name));
	return 0;
}

/* ---- step 17: the plan and the share of special persons ------------------------------ */

struct year_counts {
	int64_t approved, special;
};

/* Approvals (step 17) of year in the subtree of path: all and special ones. */
static int count_approved(struct ctx *ctx, const char *path, int year, struct year_counts *c)
{
	struct stmt *st;
	char from[11], to[11], hi[PATH_MAX_LEN];
	int step;
	xsnprintf(from, sizeof(from), "%04d-01-01", year);
	xsnprintf(to, sizeof(to), "%04d-12-31", year);
	path_range_end(path, hi, sizeof(hi));
	st = db_prepare(ctx->db,
			"SELECT count(*), count(special) FROM recruits WHERE approved_on >= ? AND approved_on <= ? "
			"AND org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, to);
	stmt_bind_text(st, 3, path);
	stmt_bind_text(st, 4, hi);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		c->approved = stmt_int(st, 0);
		c->special = stmt_int(st, 1);
	}
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/*
 * Every 党委 above the branch with a plan for the year of the approval: the approval
 * must fit its 计划数 (recruit.plan_exceeded), and a special person its cap of special
 * persons, ⌊planned × special_units_max_pct / 100⌋ (recruit.special_ratio).
 */
int recruit_check_quota(struct job *j)
{
	struct ctx *ctx = j->ctx;
	const char *p = j->r.org_path;
	int year = j->on.y, rc;
	while (*p) {
		struct stmt *st;
		struct year_counts c = { 0, 0 };
		char name[128] = "", path[PATH_MAX_LEN] = "";
		int64_t id = 0, planned = 0, pct = 0;
		int step, has_pct = 0;
		if (*p == '/') {
			p++;
			continue;
		}
		while (*p >= '0' && *p <= '9')
			id = id * 10 + (*p++ - '0');
		while (*p && *p != '/')
			p++;
		if (!id || id == j->r.org_id)
			continue;
		st = db_prepare(ctx->db,
				"SELECT o.name, o.path, p.planned, p.special_units_max_pct FROM recruit_plans p "
				"JOIN orgs o ON o.id = p.org_id WHERE p.org_id = ? AND p.year = ?",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, year);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW) {
			stmt_text_copy(st, 0, name, sizeof(name));
			stmt_text_copy(st, 1, path, sizeof(path));
			planned = stmt_int(st, 2);
			has_pct = !stmt_is_null(st, 3);
			pct = stmt_int(st, 3);
		}
		stmt_reset(st);
		if (step < 0)
			return ctx_db_fail(ctx);
		if (step != STEP_ROW)
			continue;
		if ((rc = count_approved(ctx, path, year, &c)))
			return rc;
		if (c.approved + 1 > planned)
			return err_set(&ctx->err, E_RULE, "step", "recruit.plan_exceeded",
				       "“%s”%d 年计划发展 %" PRId64 " 名，已发展 %" PRId64 " 名，再审批将超出计划；须先由上级党组织调整计划",
				       name, year, planned, c.approved);
		if (j->r.special[0] && has_pct && (c.special + 1) * 100 > planned * pct)
			return err_set(&ctx->err, E_RULE, "step", "recruit.special_ratio",
				       "“%s”%d 年计划发展 %" PRId64 " 名，特殊对象不超过 %" PRId64 "%%（至多 %" PRId64
				       " 名），已审批特殊对象 %" PRId64 " 名，不能再审批",
				       name, year, planned, pct, planned * pct / 100, c.special);
	}
	return 0;
}
