/*
 * Recruitment (发展党员) records: the rule set in force, creating a record (step 1),
 * reading it with its timeline, and listing. Recording the later steps and their
 * rules lives in recruit_steps.c.
 */
#include "domain/recruit.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/talent.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/limits.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define RECRUIT_COLS                                                                                          \
	"r.id, r.org_id, r.org_path, o.name, r.name, r.gender, r.id_mask, r.birth_date, r.ethnicity, r.education, " \
	"r.job, r.work_unit, r.phone_mask, r.stage, r.last_step, r.status, r.applied_on, r.talked_on, "            \
	"r.activist_on, r.target_on, r.branch_meeting_on, r.approved_on, r.probation_end, r.extended_months, "    \
	"r.full_on, r.member_id, r.version, r.special, "                                                          \
	"(SELECT max(s.done_on) FROM recruit_steps s WHERE s.recruit_id = r.id)"
#define RECRUIT_FROM " FROM recruits r JOIN orgs o ON o.id = r.org_id "

static const char *const step_names[26] = {
	NULL,           "递交入党申请书", "党组织派人谈话", "推荐和确定入党积极分子", "上级党委备案",
	"指定培养联系人", "培养教育考察",   "确定发展对象",   "报上级党委备案",         "确定入党介绍人",
	"政治审查",     "集中培训",       "支部委员会审查", "上级党委预审",           "填写入党志愿书",
	"支部大会讨论", "上级党委派人谈话", "上级党委审批", "再上一级党委组织部门备案", "编入党支部和党小组",
	"入党宣誓",     "继续教育考察",   "提出转正申请",   "支部大会讨论转正",       "上级党委审批转正",
	"材料归档",
};

static const char *const stage_names[6] = { NULL, "申请入党", "入党积极分子", "发展对象", "预备党员", "正式党员" };

const char *recruit_step_name(int step)
{
	if (step >= 1 && step <= 25)
		return step_names[step];
	switch (step) {
	case RSTEP_REVISIT: return "回访考察";
	case RSTEP_PRIOR_REPORT: return "事前报告";
	case RSTEP_NOT_DEVELOPED: return "不予发展/淘汰";
	case RSTEP_EXTEND: return "延长预备期";
	case RSTEP_CANCEL: return "取消预备党员资格";
	default: return NULL;
	}
}

int recruit_step_stage(int step)
{
	if (step >= 1 && step <= 2)
		return 1;
	if ((step >= 3 && step <= 6) || step == RSTEP_REVISIT || step == RSTEP_PRIOR_REPORT)
		return 2;
	if (step >= 7 && step <= 11)
		return 3;
	if (step >= 12 && step <= 18)
		return 4;
	if ((step >= 19 && step <= 25) || step == RSTEP_EXTEND || step == RSTEP_CANCEL)
		return 5;
	return 0;
}

int recruit_stage_after(int last_step)
{
	/* the person's standing, not the step's group: 12..16 are still a 发展对象 */
	if (last_step >= 24)
		return 5;
	if (last_step >= 17)
		return 4;
	if (last_step >= 7)
		return 3;
	if (last_step >= 3)
		return 2;
	return 1;
}

const char *recruit_stage_name(int stage)
{
	return stage >= 1 && stage <= 5 ? stage_names[stage] : NULL;
}

/* ---- rules ---------------------------------------------------------------------- */

static int cfg_int(const struct ctx *ctx, enum config_key k)
{
	/* unit tests run without a config: the table's default is the documented value */
	return (int)(ctx->cfg ? config_int(ctx->cfg, k) : strtoll(config_defs[k].def, NULL, 10));
}

/* the top-level org of '/1/7/42/' is 1: local rules are set per top-level org */
static int64_t top_org_of(const char *path)
{
	int64_t id = 0;
	const char *p = path;
	if (*p == '/')
		p++;
	while (*p >= '0' && *p <= '9')
		id = id * 10 + (*p++ - '0');
	return id;
}

struct rule_key {
	const char *key;
	size_t offset;
	long min, max;
};

#define RK(name, field, lo, hi) { RECRUIT_SETTING_PREFIX name, offsetof(struct recruit_rules, field), lo, hi }
static const struct rule_key rule_keys[] = {
	RK("activist_wait_months", activist_wait_months, 0, 24),
	RK("talk_months", talk_days, 1, 3),
	RK("publicity_workdays", publicity_workdays, 1, 30),
	RK("scores_enabled", scores_enabled, 0, 1),
	RK("score_eligible", score_eligible, 1, 100),
	RK("score_continue", score_continue, 1, 100),
	RK("approval_months", approval_months, 1, 6),
	RK("approval_max_months", approval_max_months, 1, 6),
};

/* settings 'recruit.ladder': a JSON array of distinct, clean stage names ([] = off) */
static int ladder_parse(const char *value, struct recruit_rules *r)
{
	json_t *arr = value ? json_loads(value, 0, NULL) : NULL, *v;
	size_t i, k;
	int rc = 0;
	r->ladder_n = 0;
	if (!arr || !json_is_array(arr) || json_array_size(arr) > RECRUIT_LADDER_MAX) {
		rc = -1;
		goto out;
	}
	json_array_foreach(arr, i, v) {
		const char *name = json_is_string(v) ? json_string_value(v) : NULL;
		if (!name || !name[0] || strlen(name) >= RECRUIT_LADDER_NAME || !text_is_clean(name)) {
			rc = -1;
			goto out;
		}
		for (k = 0; k < i; k++)
			if (!strcmp(r->ladder[k], name)) {
				rc = -1;
				goto out;
			}
		strlcpy_z(r->ladder[i], name, RECRUIT_LADDER_NAME);
		r->ladder_n = (int)i + 1;
	}
out:
	if (rc)
		r->ladder_n = 0;
	json_decref(arr);
	return rc;
}

int recruit_rules_load(struct ctx *ctx, const char *org_path, struct recruit_rules *r)
{
	struct stmt *st;
	int step, rc = 0;
	size_t i;

	r->activist_wait_months = cfg_int(ctx, CFG_RECRUIT_ACTIVIST_WAIT_MONTHS);
	r->talk_days = 1;
	r->publicity_workdays = cfg_int(ctx, CFG_RECRUIT_PUBLICITY_WORKDAYS);
	r->scores_enabled = cfg_int(ctx, CFG_RECRUIT_SCORES_ENABLED);
	r->score_eligible = cfg_int(ctx, CFG_RECRUIT_SCORE_ELIGIBLE);
	r->score_continue = cfg_int(ctx, CFG_RECRUIT_SCORE_CONTINUE);
	r->approval_months = 3;
	r->approval_max_months = 6;
	r->ladder_n = 0;

	st = db_prepare(ctx->db, "SELECT key, value FROM settings WHERE org_id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, top_org_of(org_path));
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *key = stmt_text(st, 0), *value = stmt_text(st, 1);
		char *end;
		long v;
		if (!key || strncmp(key, RECRUIT_SETTING_PREFIX, strlen(RECRUIT_SETTING_PREFIX)))
			continue;
		if (!strcmp(key, RECRUIT_SETTING_PREFIX "ladder")) {
			if (ladder_parse(value, r))
				rc = err_set(&ctx->err, E_INTERNAL, NULL, "recruit.settings",
					     "本地规则设置 recruit.ladder 无效（应为不超过 %d 个不重复阶梯名称的 JSON 数组）", RECRUIT_LADDER_MAX);
			continue;
		}
		for (i = 0; i < sizeof(rule_keys) / sizeof(rule_keys[0]); i++)
			if (!strcmp(rule_keys[i].key, key))
				break;
		if (i == sizeof(rule_keys) / sizeof(rule_keys[0]))
			continue;
		v = value ? strtol(value, &end, 10) : 0;
		/* a bad local setting must not silently fall back to another rule set */
		if (!value || !*value || *end || v < rule_keys[i].min || v > rule_keys[i].max) {
			rc = err_set(&ctx->err, E_INTERNAL, NULL, "recruit.settings", "本地规则设置 %s=%s 无效（应为 %ld–%ld）",
				     key, value ? value : "", rule_keys[i].min, rule_keys[i].max);
			continue;
		}
		*(int *)(void *)((char *)r + rule_keys[i].offset) = (int)v;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (!rc && r->approval_max_months < r->approval_months)
		r->approval_max_months = r->approval_months;
	return rc;
}

json_t *recruit_rules_json(const struct recruit_rules *r)
{
	json_t *j, *ladder;
	int i;
	j = json_pack("{s:i, s:i, s:i, s:b, s:i, s:i, s:i, s:i}", "activist_wait_months", r->activist_wait_months,
			 "talk_months", r->talk_days, "publicity_workdays", r->publicity_workdays, "scores_enabled",
			 r->scores_enabled, "score_eligible", r->score_eligible, "score_continue", r->score_continue,
			 "approval_months", r->approval_months, "approval_max_months", r->approval_max_months);
	if (r->ladder_n) { /* only when on: rule sets from before the ladder stay as they were */
		ladder = json_array();
		for (i = 0; i < r->ladder_n; i++)
			json_array_append_new(ladder, json_string(r->ladder[i]));
		json_object_set_new(j, "ladder", ladder);
	}
	return j;
}

/* ---- reading -------------------------------------------------------------------- */

static void read_recruit(struct stmt *st, struct recruit *r)
{
	memset(r, 0, sizeof(*r));
	r->id = stmt_int(st, 0);
	r->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, r->org_path, sizeof(r->org_path));
	stmt_text_copy(st, 3, r->org_name, sizeof(r->org_name));
	stmt_text_copy(st, 4, r->name, sizeof(r->name));
	stmt_text_copy(st, 5, r->gender, sizeof(r->gender));
	stmt_text_copy(st, 6, r->id_mask, sizeof(r->id_mask));
	stmt_text_copy(st, 7, r->birth_date, sizeof(r->birth_date));
	stmt_text_copy(st, 8, r->ethnicity, sizeof(r->ethnicity));
	stmt_text_copy(st, 9, r->education, sizeof(r->education));
	stmt_text_copy(st, 10, r->job, sizeof(r->job));
	stmt_text_copy(st, 11, r->work_unit, sizeof(r->work_unit));
	stmt_text_copy(st, 12, r->phone_mask, sizeof(r->phone_mask));
	r->stage = (int)stmt_int(st, 13);
	r->last_step = (int)stmt_int(st, 14);
	stmt_text_copy(st, 15, r->status, sizeof(r->status));
	stmt_text_copy(st, 16, r->applied_on, sizeof(r->applied_on));
	stmt_text_copy(st, 17, r->talked_on, sizeof(r->talked_on));
	stmt_text_copy(st, 18, r->activist_on, sizeof(r->activist_on));
	stmt_text_copy(st, 19, r->target_on, sizeof(r->target_on));
	stmt_text_copy(st, 20, r->branch_meeting_on, sizeof(r->branch_meeting_on));
	stmt_text_copy(st, 21, r->approved_on, sizeof(r->approved_on));
	stmt_text_copy(st, 22, r->probation_end, sizeof(r->probation_end));
	r->extended_months = (int)stmt_int(st, 23);
	stmt_text_copy(st, 24, r->full_on, sizeof(r->full_on));
	r->member_id = stmt_is_null(st, 25) ? 0 : stmt_int(st, 25);
	r->version = stmt_int(st, 26);
	stmt_text_copy(st, 27, r->special, sizeof(r->special));
	stmt_text_copy(st, 28, r->last_on, sizeof(r->last_on));
}

int recruit_load(struct ctx *ctx, int64_t id, struct recruit *r)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " RECRUIT_COLS RECRUIT_FROM "WHERE r.id = ?", &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		read_recruit(st, r);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW || ctx->actor.role < ROLE_SECRETARY || !ctx_path_in_scope(ctx, r->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "发展党员记录不存在或不在您的管理范围内");
	return 0;
}

json_t *recruit_to_json(const struct ctx *ctx, const struct recruit *r)
{
	json_t *j = json_object();
	struct date birth;
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "org_id", json_integer(r->org_id));
	json_object_set_new(j, "org_name", json_string(r->org_name));
	json_object_set_new(j, "name", json_string(r->name));
	json_object_set_new(j, "gender", json_string(r->gender));
	json_object_set_new(j, "id_number", json_string(r->id_mask));
	json_object_set_new(j, "birth_date", json_string(r->birth_date));
	if (ctx && !date_parse(r->birth_date, &birth))
		json_object_set_new(j, "age", json_integer(date_full_years(birth, ctx->today)));
	json_object_set_new(j, "ethnicity", json_string(r->ethnicity));
	json_object_set_new(j, "education", json_str_or_null(r->education));
	json_object_set_new(j, "job", json_str_or_null(r->job));
	json_object_set_new(j, "work_unit", json_str_or_null(r->work_unit));
	json_object_set_new(j, "phone", json_str_or_null(r->phone_mask));
	json_object_set_new(j, "stage", json_integer(r->stage));
	json_object_set_new(j, "stage_name", json_str_or_null(recruit_stage_name(r->stage)));
	json_object_set_new(j, "last_step", json_integer(r->last_step));
	json_object_set_new(j, "status", json_string(r->status));
	json_object_set_new(j, "applied_on", json_str_or_null(r->applied_on));
	json_object_set_new(j, "talked_on", json_str_or_null(r->talked_on));
	json_object_set_new(j, "activist_on", json_str_or_null(r->activist_on));
	json_object_set_new(j, "target_on", json_str_or_null(r->target_on));
	json_object_set_new(j, "branch_meeting_on", json_str_or_null(r->branch_meeting_on));
	json_object_set_new(j, "approved_on", json_str_or_null(r->approved_on));
	json_object_set_new(j, "probation_end", json_str_or_null(r->probation_end));
	json_object_set_new(j, "extended_months", json_integer(r->extended_months));
	json_object_set_new(j, "full_on", json_str_or_null(r->full_on));
	json_object_set_new(j, "member_id", r->member_id ? json_integer(r->member_id) : json_null());
	json_object_set_new(j, "special", json_str_or_null(r->special));
	json_object_set_new(j, "special_name", json_str_or_null(recruit_special_name(r->special)));
	json_object_set_new(j, "last_on", json_str_or_null(r->last_on));
	json_object_set_new(j, "version", json_integer(r->version));
	return j;
}

/* A stored JSON column as a tree (null when empty or unreadable). */
static json_t *json_column(struct stmt *st, int col)
{
	const char *s = stmt_text(st, col);
	json_t *j = s && s[0] ? json_loads(s, 0, NULL) : NULL;
	return j ? j : json_null();
}

/* people as {"role":[{"id","name"}]}: the names of the registry members a step names */
static json_t *people_names(struct ctx *ctx, json_t *people)
{
	const char *role;
	json_t *ids, *v, *out = json_object();
	struct stmt *st;
	size_t i;
	json_object_foreach(people, role, ids) {
		json_t *arr = json_array();
		json_object_set_new(out, role, arr);
		if (!json_is_array(ids))
			continue;
		json_array_foreach(ids, i, v) {
			char name[128] = "";
			if (!json_is_integer(v))
				continue;
			st = db_prepare(ctx->db, "SELECT name FROM members WHERE id = ?", &ctx->err);
			if (st) {
				stmt_bind_int(st, 1, json_integer_value(v));
				if (stmt_step(st, &ctx->err) == STEP_ROW)
					stmt_text_copy(st, 0, name, sizeof(name));
				stmt_reset(st);
			}
			json_array_append_new(arr, json_pack("{s:I, s:o}", "id", json_integer_value(v), "name",
							     json_str_or_null(name)));
		}
	}
	err_clear(&ctx->err); /* a name is decoration: a missing one is null, never a failure */
	return out;
}

static int load_timeline(struct ctx *ctx, int64_t id, json_t *arr)
{
	struct stmt *st;
	json_t *entry;
	size_t i;
	int step;
	st = db_prepare(ctx->db,
			"SELECT s.id, s.step, s.done_on, s.org_id, o.name, s.level, s.people, s.data, s.note, s.signer, "
			"s.created_at FROM recruit_steps s JOIN orgs o ON o.id = s.org_id WHERE s.recruit_id = ? ORDER BY s.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		json_t *e = json_object();
		int n = (int)stmt_int(st, 1);
		json_object_set_new(e, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(e, "step", json_integer(n));
		json_object_set_new(e, "name", json_str_or_null(recruit_step_name(n)));
		json_object_set_new(e, "done_on", json_str_or_null(stmt_text(st, 2)));
		json_object_set_new(e, "org_id", json_integer(stmt_int(st, 3)));
		json_object_set_new(e, "org_name", json_str_or_null(stmt_text(st, 4)));
		json_object_set_new(e, "level", json_str_or_null(stmt_text(st, 5)));
		json_object_set_new(e, "people", json_column(st, 6));
		json_object_set_new(e, "people_names", json_object());
		json_object_set_new(e, "data", json_column(st, 7));
		json_object_set_new(e, "note", json_str_or_null(stmt_text(st, 8)));
		json_object_set_new(e, "signer", json_str_or_null(stmt_text(st, 9)));
		json_object_set_new(e, "at", json_str_or_null(stmt_text(st, 10)));
		json_array_append_new(arr, e);
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	/* after the scan: one statement open at a time */
	json_array_foreach(arr, i, entry) {
		json_t *people = json_object_get(entry, "people");
		if (json_is_object(people))
			json_object_set_new(entry, "people_names", people_names(ctx, people));
	}
	return 0;
}

int recruit_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct recruit r;
	json_t *j = NULL, *steps = NULL, *next = NULL, *ladder = NULL;
	int rc;
	if ((rc = recruit_load(ctx, id, &r)))
		return rc;
	steps = json_array();
	if ((rc = load_timeline(ctx, id, steps)) || (rc = recruit_next(ctx, &r, &next)) ||
	    (rc = recruit_ladder_json(ctx, &r, &ladder)))
		goto out;
	j = recruit_to_json(ctx, &r);
	json_object_set_new(j, "steps", steps);
	json_object_set_new(j, "next", next);
	json_object_set_new(j, "ladder", ladder);
	steps = next = ladder = NULL;
	*out = j;
out:
	json_decref(steps);
	json_decref(next);
	json_decref(ladder);
	return rc;
}

/* ---- list ------------------------------------------------------------------------ */

static const char *const statuses[] = { "active", "not_developed", "cancelled", "archived", NULL };

int recruit_list(struct ctx *ctx, int64_t org_id, int stage, const char *status, const char *q, int page,
		 int per_page, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], like[2 * CAP_NAME_LEN + 3];
	const char *const *s;
	const char *texts[4];
	json_t *arr = NULL;
	int rc = 0, step, n = 0, i;

	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, NULL, "无权查看发展党员记录");
	if (stage && (stage < 1 || stage > 5))
		return err_set(&ctx->err, E_MALFORMED, "stage", NULL, "stage 必须是 1–5");
	if (status && status[0]) {
		for (s = statuses; *s && strcmp(*s, status); s++)
			;
		if (!*s)
			return err_set(&ctx->err, E_MALFORMED, "status", NULL, "未知的状态 %s", status);
	}
	if (page < 1)
		page = 1;
	if (per_page < 1 || per_page > CAP_PER_PAGE)
		per_page = per_page < 1 ? 50 : CAP_PER_PAGE;
	if ((rc = org_scope_root(ctx, org_id, &root)))
		return rc;
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	texts[n++] = lo;
	texts[n++] = hi;
	strbuf_addstr(&where, " WHERE r.org_path >= ? AND r.org_path < ?");
	if (status && status[0]) {
		strbuf_addstr(&where, " AND r.status = ?");
		texts[n++] = status;
	}
	if (q && q[0]) {
		/* the name as a literal substring: LIKE's wildcards in q are escaped */
		size_t k = 0;
		const char *c;
		like[k++] = '%';
		for (c = q; *c && k + 3 < sizeof(like); c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				like[k++] = '\\';
			like[k++] = *c;
		}
		like[k++] = '%';
		like[k] = '\0';
		strbuf_addstr(&where, " AND r.name LIKE ? ESCAPE '\\'");
		texts[n++] = like;
	}
	if (stage)
		strbuf_addf(&where, " AND r.stage = %d", stage);

	strbuf_addf(&sql, "SELECT count(*)" RECRUIT_FROM "%s", where.buf);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, texts[i]);
	step = stmt_step(st, &ctx->err);
	*total = step == STEP_ROW ? stmt_int(st, 0) : 0;
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " RECRUIT_COLS RECRUIT_FROM "%s ORDER BY r.org_path, r.id LIMIT %d OFFSET %" PRId64,
		    where.buf, per_page, (int64_t)(page - 1) * per_page);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, texts[i]);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct recruit r;
		read_recruit(st, &r);
		json_array_append_new(arr, recruit_to_json(ctx, &r));
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx->err.code ? (int)ctx->err.code : E_DB;
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

/* ---- create ---------------------------------------------------------------------- */

/* Copies body[key] (a string, or absent/null) into buf; wrong JSON type is a 400. */
static int body_str(struct ctx *ctx, json_t *body, const char *key, char *buf, size_t size, int *present)
{
	json_t *v = json_object_get(body, key);
	char tmp[CAP_TEXT_LEN];
	if (present)
		*present = 0;
	buf[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "%s 必须是字符串", key);
	text_normalize(json_string_value(v), tmp, sizeof(tmp));
	if (strlen(tmp) >= size)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s 过长", key);
	strlcpy_z(buf, tmp, size);
	if (present)
		*present = 1;
	return 0;
}

static int check_fields(struct ctx *ctx, json_t *body, const char *const *allowed)
{
	const char *key;
	json_t *v;
	size_t i;
	if (!json_is_object(body))
		return err_set(&ctx->err, E_MALFORMED, NULL, NULL, "请求体必须是 JSON 对象");
	json_object_foreach(body, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i])
			return err_set(&ctx->err, E_MALFORMED, key, NULL, "未知字段 %s", key);
	}
	return 0;
}

static int registry_has(struct ctx *ctx, const char *sql, const char *hash, int *found)
{
	struct stmt *st = db_prepare(ctx->db, sql, &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, hash);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	*found = step == STEP_ROW;
	return 0;
}

static int insert_recruit(struct ctx *ctx, struct recruit *r, const struct member_sealed *s, const char *rules)
{
	struct stmt *st;
	int step;
	st = db_prepare(ctx->db,
			"INSERT INTO recruits (org_id, org_path, name, gender, id_enc, id_hash, id_mask, birth_date, ethnicity, "
			"education, job, work_unit, phone_enc, phone_mask, stage, last_step, status, applied_on, rules, version, "
			"created_at, updated_at, special) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 'active', ?, ?, 1, ?, ?, "
			"?) "
			"RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, r->org_id);
	stmt_bind_text(st, 2, r->org_path);
	stmt_bind_text(st, 3, r->name);
	stmt_bind_text(st, 4, r->gender);
	stmt_bind_text(st, 5, s->id_enc);
	stmt_bind_text(st, 6, s->id_hash);
	stmt_bind_text(st, 7, r->id_mask);
	stmt_bind_text(st, 8, r->birth_date);
	stmt_bind_text(st, 9, r->ethnicity);
	stmt_bind_text(st, 10, r->education[0] ? r->education : NULL);
	stmt_bind_text(st, 11, r->job[0] ? r->job : NULL);
	stmt_bind_text(st, 12, r->work_unit[0] ? r->work_unit : NULL);
	stmt_bind_text(st, 13, s->phone_enc);
	stmt_bind_text(st, 14, s->phone_enc ? r->phone_mask : NULL);
	stmt_bind_text(st, 15, r->applied_on);
	stmt_bind_text(st, 16, rules);
	stmt_bind_text(st, 17, ctx->now_iso);
	stmt_bind_text(st, 18, ctx->now_iso);
	stmt_bind_text(st, 19, r->special[0] ? r->special : NULL);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		r->id = stmt_int(st, 0);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT)
		return err_set(&ctx->err, E_CONFLICT, "id_number", "recruit.duplicate", "公民身份号码 %s 已有办理中的发展党员记录",
			       r->id_mask);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	return 0;
}

int recruit_create(struct ctx *ctx, json_t *body, json_t **out)
{
	static const char *const allowed[] = { "org_id", "name", "id_number", "ethnicity", "education", "job", "work_unit",
					       "phone", "applied_on", "note", "special", "talent_id", NULL };
	struct member m;
	struct member_sealed s;
	struct recruit r;
	struct recruit_rules rules;
	struct idcard_info id;
	struct date applied;
	char note[CAP_TEXT_LEN];
	char *rules_text = NULL;
	json_t *data = NULL, *ja = NULL, *v;
	int64_t talent_id;
	int rc, found, phone_set, began = 0;

	memset(&s, 0, sizeof(s));
	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	if ((rc = check_fields(ctx, body, allowed)))
		return rc;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_RULE, NULL, "recruit.level", "只有党支部书记或上级党组织管理员可以登记入党申请");
	v = json_object_get(body, "org_id");
	if (!v || !json_is_integer(v))
		return err_set(&ctx->err, v && !json_is_null(v) ? E_MALFORMED : E_INVALID, "org_id",
			       v && !json_is_null(v) ? NULL : "field.required", "所在党支部（org_id）不能为空");
	m.org_id = json_integer_value(v);
	/* optional: the recommended reserve talent (人才储备) this application comes from */
	v = json_object_get(body, "talent_id");
	if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
		return err_set(&ctx->err, E_MALFORMED, "talent_id", NULL, "talent_id 必须是正整数");
	talent_id = v && !json_is_null(v) ? json_integer_value(v) : 0;
	if ((rc = body_str(ctx, body, "name", m.name, sizeof(m.name), NULL)) ||
	    (rc = body_str(ctx, body, "id_number", m.id_number, sizeof(m.id_number), NULL)) ||
	    (rc = body_str(ctx, body, "ethnicity", m.ethnicity, sizeof(m.ethnicity), NULL)) ||
	    (rc = body_str(ctx, body, "education", m.education, sizeof(m.education), NULL)) ||
	    (rc = body_str(ctx, body, "job", m.job, sizeof(m.job), NULL)) ||
	    (rc = body_str(ctx, body, "work_unit", m.work_unit, sizeof(m.work_unit), NULL)) ||
	    (rc = body_str(ctx, body, "phone", m.phone, sizeof(m.phone), &phone_set)) ||
	    (rc = body_str(ctx, body, "applied_on", r.applied_on, sizeof(r.applied_on), NULL)) ||
	    (rc = body_str(ctx, body, "note", note, sizeof(note), NULL)) ||
	    (rc = body_str(ctx, body, "special", r.special, sizeof(r.special), NULL)))
		return rc;
	if (r.special[0] && !recruit_special_name(r.special))
		return err_set(&ctx->err, E_INVALID, "special", "field.enum",
			       "special 须为 private_owner（非公有制经济组织出资人）、new_social_class（新的社会阶层人士）或 "
			       "special_unit（党委确定的特殊单位）");
	if (note[0] && (!text_is_clean(note) || utf8_chars(note) > 200))
		return err_set(&ctx->err, E_INVALID, "note", "field.text", "备注含有非法字符或超过 200 个字");
	if (!r.applied_on[0])
		return err_set(&ctx->err, E_INVALID, "applied_on", "field.required", "递交入党申请书日期不能为空");
	if (date_parse(r.applied_on, &applied))
		return err_set(&ctx->err, E_INVALID, "applied_on", "field.date", "递交入党申请书日期“%s”不是有效日期（格式 YYYY-MM-DD）",
			       r.applied_on);
	if (date_cmp(applied, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "applied_on", "field.date_future", "递交入党申请书日期 %s 不能晚于今天",
			       r.applied_on);
	if (!m.id_number[0])
		return err_set(&ctx->err, E_INVALID, "id_number", "field.required", "公民身份号码不能为空");
	if ((rc = idcard_parse_on(m.id_number, ctx->today, &id, &ctx->err)))
		return rc;
	if (date_full_years(id.birth, applied) < 18) {
		struct date adult = id.birth;
		adult.y += 18;
		if (adult.m == 2 && adult.d == 29 && !date_is_valid(adult.y, 2, 29))
			adult.d = 28;
		return err_set(&ctx->err, E_RULE, "applied_on", "recruit.applicant_age",
			       "递交申请时（%s）未满 18 周岁：出生 %04d-%02d-%02d，最早 %04d-%02d-%02d 可以申请", r.applied_on,
			       id.birth.y, id.birth.m, id.birth.d, adult.y, adult.m, adult.d);
	}
	/* the applicant is sealed exactly as a member would be: same checks, same keyed hash */
	m.id_set = 1;
	m.phone_set = phone_set;
	strlcpy_z(m.category, "probationary", sizeof(m.category));
	strlcpy_z(m.join_date, r.applied_on, sizeof(m.join_date));
	if ((rc = member_prepare(ctx, &m, &s, 1)))
		return rc;
	r.org_id = m.org_id;
	strlcpy_z(r.org_path, m.org_path, sizeof(r.org_path));
	strlcpy_z(r.org_name, m.org_name, sizeof(r.org_name));
	strlcpy_z(r.name, m.name, sizeof(r.name));
	strlcpy_z(r.gender, m.gender, sizeof(r.gender));
	strlcpy_z(r.id_mask, m.id_mask, sizeof(r.id_mask));
	strlcpy_z(r.birth_date, m.birth_date, sizeof(r.birth_date));
	strlcpy_z(r.ethnicity, m.ethnicity, sizeof(r.ethnicity));
	strlcpy_z(r.education, m.education, sizeof(r.education));
	strlcpy_z(r.job, m.job, sizeof(r.job));
	strlcpy_z(r.work_unit, m.work_unit, sizeof(r.work_unit));
	strlcpy_z(r.phone_mask, s.phone_enc ? m.phone_mask : "", sizeof(r.phone_mask));
	strlcpy_z(r.status, "active", sizeof(r.status));
	strlcpy_z(r.last_on, r.applied_on, sizeof(r.last_on));
	r.stage = 1;
	r.last_step = 1;
	r.version = 1;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	began = 1;
	if ((rc = registry_has(ctx, "SELECT 1 FROM recruits WHERE id_hash = ? AND status = 'active'", s.id_hash, &found)))
		goto out;
	if (found) {
		rc = err_set(&ctx->err, E_CONFLICT, "id_number", "recruit.duplicate", "公民身份号码 %s 已有办理中的发展党员记录",
			     r.id_mask);
		goto out;
	}
	if ((rc = registry_has(ctx, "SELECT 1 FROM members WHERE id_hash = ?", s.id_hash, &found)))
		goto out;
	if (found) {
		rc = err_set(&ctx->err, E_CONFLICT, "id_number", "member.duplicate", "公民身份号码 %s 已登记在党员名册中",
			     r.id_mask);
		goto out;
	}
	if ((rc = recruit_rules_load(ctx, r.org_path, &rules)))
		goto out;
	data = json_object();
	json_object_set_new(data, "rules", recruit_rules_json(&rules));
	rules_text = json_dumps(json_object_get(data, "rules"), JSON_COMPACT | JSON_SORT_KEYS);
	if ((rc = insert_recruit(ctx, &r, &s, rules_text)) ||
	    (rc = recruit_insert_step(ctx, r.id, 1, r.applied_on, r.org_id, "branch", NULL, data, note[0] ? note : NULL)))
		goto out;
	if (talent_id && (rc = talent_develop_into(ctx, talent_id, r.id)))
		goto out;
	ja = recruit_to_json(NULL, &r);
	if ((rc = audit_append(ctx, "create", "recruit", r.id, NULL, ja)))
		goto out;
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	began = 0;
	rc = recruit_get(ctx, r.id, out);
out:
	if (began)
		db_rollback(ctx->db);
	free(rules_text);
	json_decref(data);
	json_decref(ja);
	member_sealed_release(&s);
	return rc;
}
