/*
 * Indicator sets, versioned per top-level org (RULES.md §6; docs/API.md "Points and
 * assessment"). A change writes a whole new set (version + 1) effective from a month;
 * the set in force for month m is the one with the greatest effective_from ≤ m (the
 * newest version among equals), so a past month keeps the indicators it was scored
 * under. The lookups run per ledger append and per meeting sync: one query each, on
 * point_sets (org_id, version) and point_indicators (set_id, code).
 */
#include "domain/points_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/appraisal.h"
#include "domain/audit.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

const struct points_source points_sources[] = {
	{ "manual", "手工录入或申报", NULL, NULL },
	{ "meeting_attended", "参加会议", "member", "meeting_kind" },
	{ "meeting_absent", "无故缺席会议", "member", "meeting_kind" },
	{ "study_hours", "学习时长（按学时）", "member", NULL },
	{ "appraisal_category", "民主评议结果", "member", "appraisal_category" },
	{ "branch_meeting_held", "支部召开会议", "branch", "meeting_kind" },
	{ "branch_appraisal_done", "完成民主评议党员", "branch", NULL },
	{ "volunteer_hours", "志愿服务时长", "member", NULL },
	{ "commitment_done", "践诺完成", "member", NULL },
	{ "project_awarded", "项目获激励", "branch", NULL },
	{ "request_replied", "诉求按期答复", "member", NULL },
	{ "supervision_finding", "督查发现问题", "branch", NULL },
	{ "task_done", "完成分解任务", NULL, "task_timing" },
	{ "visit_made", "走访群众", "member", NULL },
};
const size_t points_n_sources = sizeof(points_sources) / sizeof(points_sources[0]);

const struct points_source *points_source_find(const char *code)
{
	size_t i;
	if (!code)
		return NULL;
	for (i = 0; i < points_n_sources; i++)
		if (!strcmp(points_sources[i].code, code))
			return &points_sources[i];
	return NULL;
}

int points_sources_json(json_t **out)
{
	json_t *arr = json_array();
	size_t i;
	for (i = 0; i < points_n_sources; i++) {
		const struct points_source *s = &points_sources[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o}", "code", s->code, "name", s->name, "target",
						     json_str_or_null(s->target), "param", json_str_or_null(s->param)));
	}
	*out = json_pack("{s:o}", "items", arr);
	return 0;
}

static const char *const cap_periods[] = { [PP_MONTH] = "month", [PP_QUARTER] = "quarter", [PP_YEAR] = "year" };

static int cap_period_parse(const char *s)
{
	int k;
	for (k = PP_MONTH; k <= PP_YEAR; k++)
		if (s && !strcmp(cap_periods[k], s))
			return k;
	return -1;
}

/* ---- lookups ------------------------------------------------------------------------ */

#define IND_COLS                                                                                                 \
	"i.id, i.set_id, s.org_id, s.version, i.code, i.name, i.category, i.target, i.sign, i.points_x10, i.cap_x10, " \
	"i.cap_period, i.source, i.source_param, i.approver, i.position"
#define IND_FROM " FROM point_indicators i JOIN point_sets s ON s.id = i.set_id "
/* the set in force for a month at a top-level org (parameters: org id, month) */
#define SET_IN_FORCE                                                                                  \
	"(SELECT ps.id FROM point_sets ps WHERE ps.org_id = ? AND ps.effective_from <= CAST(? AS INTEGER) " \
	"ORDER BY ps.effective_from DESC, ps.version DESC LIMIT 1)"

static void read_indicator(struct stmt *st, struct points_indicator *o)
{
	int k;
	memset(o, 0, sizeof(*o));
	o->id = stmt_int(st, 0);
	o->set_id = stmt_int(st, 1);
	o->top_org_id = stmt_int(st, 2);
	o->set_version = (int)stmt_int(st, 3);
	stmt_text_copy(st, 4, o->code, sizeof(o->code));
	stmt_text_copy(st, 5, o->name, sizeof(o->name));
	stmt_text_copy(st, 6, o->category, sizeof(o->category));
	stmt_text_copy(st, 7, o->target, sizeof(o->target));
	o->sign = stmt_int(st, 8) < 0 ? -1 : 1;
	o->points_x10 = (int)stmt_int(st, 9);
	o->cap_x10 = (int)stmt_int(st, 10);
	k = cap_period_parse(stmt_text(st, 11));
	o->cap_kind = k < 0 ? PP_MONTH : (enum points_period_kind)k;
	stmt_text_copy(st, 12, o->source, sizeof(o->source));
	stmt_text_copy(st, 13, o->source_param, sizeof(o->source_param));
	stmt_text_copy(st, 14, o->approver, sizeof(o->approver));
}

int points_indicator_by_code(struct ctx *ctx, const char *org_path, int m, const char *code,
			     struct points_indicator *out)
{
	struct stmt *st;
	int step;
	int64_t top = points_top_org(org_path);
	char month[8];
	st = db_prepare(ctx->db, "SELECT " IND_COLS IND_FROM "WHERE i.set_id = " SET_IN_FORCE " AND i.code = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, top);
	stmt_bind_int(st, 2, m);
	stmt_bind_text(st, 3, code ? code : "");
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		read_indicator(st, out);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW) {
		points_month_text(m, month);
		return err_set(&ctx->err, E_INVALID, "indicator", "points.indicator", "%s 适用的指标体系中没有指标“%s”", month,
			       code ? code : "");
	}
	return 0;
}

int points_indicator_by_id(struct ctx *ctx, int64_t id, struct points_indicator *out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " IND_COLS IND_FROM "WHERE i.id = ?", &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		read_indicator(st, out);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (step != STEP_ROW)
		return err_set(&ctx->err, E_NOTFOUND, "indicator", NULL, "指标 %" PRId64 " 不存在", id);
	return 0;
}

int points_indicators_by_source(struct ctx *ctx, const char *org_path, int m, const char *target, const char *source,
				struct points_indicator *out, int max, int *n)
{
	struct stmt *st;
	int step;
	*n = 0;
	st = db_prepare(ctx->db,
			"SELECT " IND_COLS IND_FROM "WHERE i.set_id = " SET_IN_FORCE
			" AND i.source = ? AND i.target = ? ORDER BY i.position",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, points_top_org(org_path));
	stmt_bind_int(st, 2, m);
	stmt_bind_text(st, 3, source ? source : "");
	stmt_bind_text(st, 4, target ? target : "");
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < max)
			read_indicator(st, &out[(*n)++]);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* ---- JSON --------------------------------------------------------------------------- */

static json_t *indicator_json(const struct points_indicator *i, int position, int with_id)
{
	json_t *j = json_object();
	if (with_id)
		json_object_set_new(j, "id", json_integer(i->id));
	json_object_set_new(j, "code", json_string(i->code));
	json_object_set_new(j, "name", json_string(i->name));
	json_object_set_new(j, "category", json_string(i->category));
	json_object_set_new(j, "target", json_string(i->target));
	json_object_set_new(j, "sign", json_string(i->sign < 0 ? "deduct" : "award"));
	json_object_set_new(j, "points", points_x10_json(i->points_x10));
	json_object_set_new(j, "cap", points_x10_json(i->cap_x10));
	json_object_set_new(j, "cap_period", json_string(cap_periods[i->cap_kind]));
	json_object_set_new(j, "source", json_string(i->source));
	json_object_set_new(j, "source_param", json_str_or_null(i->source_param));
	json_object_set_new(j, "approver", json_string(i->approver));
	if (with_id)
		json_object_set_new(j, "position", json_integer(position));
	return j;
}

#define SET_COLS "s.id, s.org_id, s.version, s.effective_from, s.note, s.created_at"

static json_t *set_head_json(struct stmt *st)
{
	char month[8];
	json_t *j = json_object();
	points_month_text((int)stmt_int(st, 3), month);
	json_object_set_new(j, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(j, "org_id", json_integer(stmt_int(st, 1)));
	json_object_set_new(j, "version", json_integer(stmt_int(st, 2)));
	json_object_set_new(j, "effective_from", json_string(month));
	json_object_set_new(j, "note", json_str_or_null(stmt_text(st, 4)));
	json_object_set_new(j, "created_at", json_str_or_null(stmt_text(st, 5)));
	json_object_set_new(j, "indicators", json_array());
	return j;
}

/* The indicators of sets (a JSON array of set heads, found by id) filled in one query:
 * those of one set (set_id) or of every set of an org (org_id). */
static int fill_indicators(struct ctx *ctx, json_t *sets, int64_t set_id, int64_t org_id)
{
	struct stmt *st;
	struct points_indicator ind;
	int step;
	st = db_prepare(ctx->db,
			set_id ? "SELECT " IND_COLS IND_FROM "WHERE i.set_id = ? ORDER BY i.set_id, i.position"
			       : "SELECT " IND_COLS IND_FROM "WHERE s.org_id = ? ORDER BY i.set_id, i.position",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, set_id ? set_id : org_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		size_t k;
		json_t *set;
		read_indicator(st, &ind);
		json_array_foreach(sets, k, set) {
			if (json_integer_value(json_object_get(set, "id")) == ind.set_id) {
				json_array_append_new(json_object_get(set, "indicators"),
						      indicator_json(&ind, (int)stmt_int(st, 15), 1));
				break;
			}
		}
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* org_id 0: the caller's root (a system administrator's: the first top-level org) */
static int org_or_root(struct ctx *ctx, int64_t org_id, struct org *o)
{
	/* org_scope_root reads without the subtree counts; a system administrator without
	 * an org has the whole path space, which belongs to no top-level org */
	if (!org_id && !ctx->actor.org_id)
		return org_root(ctx, o);
	return org_scope_root(ctx, org_id, o);
}

/* The top-level org above org_id, with points required on at org_id. */
static int top_of(struct ctx *ctx, int64_t org_id, int64_t *top)
{
	struct org o;
	int rc;
	if ((rc = org_or_root(ctx, org_id, &o)) || (rc = points_require_enabled(ctx, o.path)))
		return rc;
	*top = points_top_org(o.path);
	return 0;
}

int points_sets_list(struct ctx *ctx, int64_t org_id, json_t **items, int64_t *total)
{
	struct stmt *st;
	json_t *arr = NULL;
	int64_t top = 0;
	int rc, step;
	*items = NULL;
	*total = 0;
	if ((rc = top_of(ctx, org_id, &top)))
		return rc;
	st = db_prepare(ctx->db, "SELECT " SET_COLS " FROM point_sets s WHERE s.org_id = ? ORDER BY s.version DESC",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, top);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(arr, set_head_json(st));
	stmt_reset(st);
	if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	else if (json_array_size(arr))
		rc = fill_indicators(ctx, arr, 0, top);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*total = (int64_t)json_array_size(arr);
	*items = arr;
	return 0;
}

/* the set (head and indicators) of id or, for id 0, the one in force at top for month m */
static int set_load(struct ctx *ctx, int64_t id, int64_t top, int m, json_t **out)
{
	struct stmt *st;
	json_t *arr = json_array();
	int step, rc = 0;
	*out = NULL;
	st = db_prepare(ctx->db,
			id ? "SELECT " SET_COLS " FROM point_sets s WHERE s.id = ?"
			   : "SELECT " SET_COLS " FROM point_sets s WHERE s.id = " SET_IN_FORCE,
			&ctx->err);
	if (!st) {
		json_decref(arr);
		return E_DB;
	}
	if (id) {
		stmt_bind_int(st, 1, id);
	} else {
		stmt_bind_int(st, 1, top);
		stmt_bind_int(st, 2, m);
	}
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		json_array_append_new(arr, set_head_json(st));
	stmt_reset(st);
	if (step < 0)
		rc = ctx_db_fail(ctx);
	else if (step != STEP_ROW)
		rc = err_set(&ctx->err, E_NOTFOUND, "period", NULL, "该月份没有适用的积分指标体系");
	else
		rc = fill_indicators(ctx, arr, json_integer_value(json_object_get(json_array_get(arr, 0), "id")), 0);
	if (!rc)
		*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return rc;
}

int points_set_current(struct ctx *ctx, int64_t org_id, const char *period, json_t **out)
{
	struct points_period p;
	int64_t top = 0;
	int rc, m;
	*out = NULL;
	if ((rc = top_of(ctx, org_id, &top)))
		return rc;
	if (!period || !*period)
		m = points_month_no(ctx->today.y, ctx->today.m);
	else if (points_period_parse(period, &p))
		return err_set(&ctx->err, E_INVALID, "period", "points.period", "期间的格式为 2026-09、2026Q3 或 2026");
	else
		m = p.last; /* a quarter or a year: the set its last month is scored under */
	return set_load(ctx, 0, top, m, out);
}

/* ---- creating ------------------------------------------------------------------------- */

/* a required (or optional, when def is not NULL) string member of o, at most max_chars */
static int ind_text(struct ctx *ctx, json_t *o, const char *key, const char *field, size_t max_chars, const char *def,
		    char *dst, size_t size)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	char trimmed[1024];
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
		if (def) {
			strlcpy_z(dst, def, size);
			return 0;
		}
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field);
	}
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, field, NULL, "字段 %s 必须是字符串", field);
	s = json_string_value(v);
	if (strlen(s) >= sizeof(trimmed))
		return err_set(&ctx->err, E_INVALID, field, "field.length", "%s 不能超过 %zu 个字", field, max_chars);
	text_normalize(s, trimmed, sizeof(trimmed));
	if (!text_is_clean(trimmed))
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s 含有无效字符", field);
	if (!*trimmed)
		return err_set(&ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field);
	if (utf8_chars(trimmed) > max_chars || strlen(trimmed) >= size)
		return err_set(&ctx->err, E_INVALID, field, "field.length", "%s 不能超过 %zu 个字", field, max_chars);
	strlcpy_z(dst, trimmed, size);
	return 0;
}

static int code_valid(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '.'))
			return 0;
	return 1;
}

/* source_param: what the source's param names, or nothing */
static int check_source_param(struct ctx *ctx, const struct points_source *src, const char *param, const char *field)
{
	if (!*param)
		return 0;
	if (!src->param)
		return err_set(&ctx->err, E_INVALID, field, "points.source_param", "来源“%s”不带参数", src->name);
	if (!strcmp(src->param, "meeting_kind") && meeting_kind_parse(param) < 0)
		return err_set(&ctx->err, E_INVALID, field, "points.source_param", "会议类型“%s”无效", param);
	if (!strcmp(src->param, "appraisal_category") && appraisal_category_parse(param) < 0)
		return err_set(&ctx->err, E_INVALID, field, "points.source_param", "评议等次“%s”无效", param);
	if (!strcmp(src->param, "task_timing") && strcmp(param, "on_time") && strcmp(param, "late"))
		return err_set(&ctx->err, E_INVALID, field, "points.source_param", "任务完成时限须为 on_time（按期）或 late（逾期）");
	return 0;
}

static int parse_indicator(struct ctx *ctx, json_t *o, size_t idx, struct points_indicator *ind)
{
	const struct points_source *src;
	char f[64], sign[16], cap_period[16];
	int rc, k;
	json_t *v;
#define FIELD(name) (xsnprintf(f, sizeof(f), "indicators[%zu].%s", idx, name), f)
	memset(ind, 0, sizeof(*ind));
	if (!json_is_object(o)) {
		xsnprintf(f, sizeof(f), "indicators[%zu]", idx);
		return err_set(&ctx->err, E_MALFORMED, f, NULL, "每个指标必须是对象");
	}
	if ((rc = ind_text(ctx, o, "code", FIELD("code"), POINTS_CODE_MAX_CHARS, NULL, ind->code, sizeof(ind->code))))
		return rc;
	if (!code_valid(ind->code))
		return err_set(&ctx->err, E_INVALID, f, "points.code", "指标代码只能由字母、数字、下划线、连字符和点组成");
	if ((rc = ind_text(ctx, o, "name", FIELD("name"), POINTS_NAME_MAX_CHARS, NULL, ind->name, sizeof(ind->name))) ||
	    (rc = ind_text(ctx, o, "category", FIELD("category"), POINTS_NAME_MAX_CHARS, NULL, ind->category,
			   sizeof(ind->category))) ||
	    (rc = ind_text(ctx, o, "target", FIELD("target"), 8, NULL, ind->target, sizeof(ind->target))))
		return rc;
	if (strcmp(ind->target, "member") && strcmp(ind->target, "branch"))
		return err_set(&ctx->err, E_INVALID, f, "points.target", "指标对象须是 member（党员）或 branch（支部）");
	if ((rc = ind_text(ctx, o, "sign", FIELD("sign"), 8, NULL, sign, sizeof(sign))))
		return rc;
	if (strcmp(sign, "award") && strcmp(sign, "deduct"))
		return err_set(&ctx->err, E_INVALID, f, "points.sign", "加减分须是 award（加分）或 deduct（扣分）");
	ind->sign = !strcmp(sign, "deduct") ? -1 : 1;
	if ((rc = points_json_x10(ctx, json_object_get(o, "points"), FIELD("points"), 1, POINTS_MAX_X10, &ind->points_x10)))
		return rc;
	v = json_object_get(o, "cap");
	if (v && !json_is_null(v) && (rc = points_json_x10(ctx, v, FIELD("cap"), 0, 100000, &ind->cap_x10)))
		return rc;
	if ((rc = ind_text(ctx, o, "cap_period", FIELD("cap_period"), 8, "month", cap_period, sizeof(cap_period))))
		return rc;
	if ((k = cap_period_parse(cap_period)) < 0)
		return err_set(&ctx->err, E_INVALID, f, "points.cap_period", "封顶周期须是 month、quarter 或 year");
	ind->cap_kind = (enum points_period_kind)k;
	if ((rc = ind_text(ctx, o, "source", FIELD("source"), 31, "manual", ind->source, sizeof(ind->source))))
		return rc;
	if (!(src = points_source_find(ind->source)))
		return err_set(&ctx->err, E_INVALID, f, "points.source", "来源“%s”无效", ind->source);
	if (src->target && strcmp(src->target, ind->target))
		return err_set(&ctx->err, E_INVALID, f, "points.source_target", "来源“%s”只能用于%s指标", src->name,
			       !strcmp(src->target, "member") ? "党员" : "支部");
	if ((rc = ind_text(ctx, o, "source_param", FIELD("source_param"), 31, "", ind->source_param,
			   sizeof(ind->source_param))) ||
	    (rc = check_source_param(ctx, src, ind->source_param, f)))
		return rc;
	/* branch entries need a scope above the branch: only an org admin approves them */
	if ((rc = ind_text(ctx, o, "approver", FIELD("approver"), 15,
			   !strcmp(ind->target, "branch") ? "org_admin" : "secretary", ind->approver, sizeof(ind->approver))))
		return rc;
	if (strcmp(ind->approver, "secretary") && strcmp(ind->approver, "org_admin"))
		return err_set(&ctx->err, E_INVALID, f, "points.approver", "审核人须是 secretary（支部书记）或 org_admin（组织部/党委管理员）");
	if (!strcmp(ind->target, "branch") && strcmp(ind->approver, "org_admin"))
		return err_set(&ctx->err, E_INVALID, f, "points.approver", "支部指标只能由组织部/党委管理员审核");
#undef FIELD
	return 0;
}

static int parse_indicators(struct ctx *ctx, json_t *arr, struct points_indicator **out, size_t *n)
{
	size_t i, k;
	json_t *o;
	int rc;
	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return err_set(&ctx->err, E_INVALID, "indicators", "field.required", "指标不能为空");
	if (!json_is_array(arr))
		return err_set(&ctx->err, E_MALFORMED, "indicators", NULL, "字段 indicators 必须是数组");
	if (!json_array_size(arr) || json_array_size(arr) > POINTS_MAX_INDICATORS)
		return err_set(&ctx->err, E_INVALID, "indicators", "points.indicators", "指标须有 1–%d 个", POINTS_MAX_INDICATORS);
	*out = xcalloc(json_array_size(arr), sizeof(**out));
	json_array_foreach(arr, i, o) {
		if ((rc = parse_indicator(ctx, o, i, &(*out)[i])))
			goto fail;
		for (k = 0; k < i; k++) {
			if (!strcmp((*out)[k].code, (*out)[i].code)) {
				char f[64];
				xsnprintf(f, sizeof(f), "indicators[%zu].code", i);
				rc = err_set(&ctx->err, E_INVALID, f, "points.code_duplicate", "指标代码“%s”重复", (*out)[i].code);
				goto fail;
			}
		}
	}
	*n = json_array_size(arr);
	return 0;
fail:
	free(*out);
	*out = NULL;
	return rc;
}

/* the note: optional, at most POINTS_TEXT_MAX_CHARS, line breaks allowed */
static int parse_note(struct ctx *ctx, json_t *body, const char **note)
{
	json_t *v = json_object_get(body, "note");
	const char *s;
	*note = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "note", NULL, "字段 note 必须是字符串");
	s = json_string_value(v);
	if (!utf8_valid(s, strlen(s)))
		return err_set(&ctx->err, E_INVALID, "note", "field.text", "说明含有无效字符");
	if (utf8_chars(s) > POINTS_TEXT_MAX_CHARS)
		return err_set(&ctx->err, E_INVALID, "note", "field.length", "说明不能超过 %d 个字", POINTS_TEXT_MAX_CHARS);
	*note = *s ? s : NULL;
	return 0;
}

/* effective_from: a month not before this one and after every published period of the tree */
static int parse_effective(struct ctx *ctx, json_t *body, const struct org *top, int *m)
{
	json_t *v = json_object_get(body, "effective_from");
	struct points_period p;
	struct stmt *st;
	char hi[PATH_MAX_LEN], month[8];
	int step, last = -1;
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "effective_from", "field.required", "生效月份不能为空");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "effective_from", NULL, "字段 effective_from 必须是字符串");
	if (points_period_parse(json_string_value(v), &p) || p.kind != PP_MONTH)
		return err_set(&ctx->err, E_INVALID, "effective_from", "points.period", "生效月份的格式为 YYYY-MM，例如 2026-09");
	if (p.first < points_month_no(ctx->today.y, ctx->today.m))
		return err_set(&ctx->err, E_INVALID, "effective_from", "points.effective_past", "生效月份不能早于本月");
	path_range_end(top->path, hi, sizeof(hi));
	st = db_prepare(ctx->db, "SELECT max(last_month) FROM point_publications WHERE org_path >= ? AND org_path < ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, top->path);
	stmt_bind_text(st, 2, hi);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW && !stmt_is_null(st, 0))
		last = (int)stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	if (p.first <= last) {
		points_month_text(last, month);
		return err_set(&ctx->err, E_INVALID, "effective_from", "points.period_published",
			       "生效月份须晚于已公布的期间（已公布至 %s）", month);
	}
	*m = p.first;
	return 0;
}

static int insert_set(struct ctx *ctx, int64_t org_id, int m, const char *note, int64_t *id)
{
	struct stmt *st;
	int step, version = 1;
	st = db_prepare(ctx->db, "SELECT COALESCE(max(version), 0) FROM point_sets WHERE org_id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		version = (int)stmt_int(st, 0) + 1;
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	st = db_prepare(ctx->db,
			"INSERT INTO point_sets (org_id, version, effective_from, note, created_by, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, version);
	stmt_bind_int(st, 3, m);
	stmt_bind_text(st, 4, note);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 5, ctx->actor.user_id);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	/* two versions written at once: UNIQUE (org_id, version) lets one through */
	if (step == STEP_CONSTRAINT)
		return err_set(&ctx->err, E_CONFLICT, "org_id", "store.stale", "指标体系刚被他人修改，请刷新后重试");
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static int insert_indicators(struct ctx *ctx, int64_t set_id, const struct points_indicator *ind, size_t n)
{
	struct stmt *st;
	size_t i;
	int rc;
	for (i = 0; i < n; i++) {
		st = db_prepare(ctx->db,
				"INSERT INTO point_indicators (set_id, code, name, category, target, sign, points_x10, cap_x10, "
				"cap_period, source, source_param, approver, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, set_id);
		stmt_bind_text(st, 2, ind[i].code);
		stmt_bind_text(st, 3, ind[i].name);
		stmt_bind_text(st, 4, ind[i].category);
		stmt_bind_text(st, 5, ind[i].target);
		stmt_bind_int(st, 6, ind[i].sign);
		stmt_bind_int(st, 7, ind[i].points_x10);
		stmt_bind_int(st, 8, ind[i].cap_x10);
		stmt_bind_text(st, 9, cap_periods[ind[i].cap_kind]);
		stmt_bind_text(st, 10, ind[i].source);
		stmt_bind_text(st, 11, ind[i].source_param[0] ? ind[i].source_param : NULL);
		stmt_bind_text(st, 12, ind[i].approver);
		stmt_bind_int(st, 13, (int64_t)i + 1);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

int points_set_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct points_indicator *ind = NULL;
	struct org top;
	json_t *v, *after = NULL;
	const char *note;
	size_t n = 0;
	int rc, m = 0;

	*id = 0;
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "points.role", "只有组织部或党委管理员可以制定积分指标体系");
	v = json_object_get(body, "org_id");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "org_id 不能为空");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
	if ((rc = org_require_in_scope(ctx, json_integer_value(v), &top, "org_id")))
		return rc;
	if (top.parent_id)
		return err_set(&ctx->err, E_INVALID, "org_id", "points.set_org",
			       "积分指标体系由最上级组织（如县委组织部）统一制定，“%s”不是最上级组织", top.name);
	if ((rc = points_require_enabled(ctx, top.path)) || (rc = parse_effective(ctx, body, &top, &m)) ||
	    (rc = parse_note(ctx, body, &note)) ||
	    (rc = parse_indicators(ctx, json_object_get(body, "indicators"), &ind, &n)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = insert_set(ctx, top.id, m, note, id)) || (rc = insert_indicators(ctx, *id, ind, n)) ||
	    (rc = set_load(ctx, *id, 0, 0, &after)) || (rc = audit_append(ctx, "create", "point_set", *id, NULL, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		*id = 0;
	}
out:
	json_decref(after);
	free(ind);
	return rc;
}

/* ---- the recommended starting set ------------------------------------------------------ */

struct tpl {
	const char *code, *name, *category, *target, *sign;
	int points_x10, cap_x10;
	const char *cap_period, *source, *source_param, *approver;
};

/*
 * What a county typically starts from: facts the system already records (meetings,
 * 民主评议, 志愿服务 hours, commitments done, 党建项目 rewarded, 民情诉求 replied on time,
 * 督查 findings) are automatic; the rest is entered by the branch secretary, or for
 * commendations, discipline and the other branch findings by the organization department.
 * Branch awards count in 百分制; in 百分倒扣制 the score is capped at 100 anyway.
 */
static const struct tpl template_rows[] = {
	/* 党员: 政治学习 */
	{ "m_lecture", "参加党课", "政治学习", "member", "award", 20, 60, "quarter", "meeting_attended", "lecture", "secretary" },
	{ "m_study", "参加集中学习", "政治学习", "member", "award", 10, 40, "month", "meeting_attended", "study", "secretary" },
	{ "m_study_hours", "学习时长（每学时）", "政治学习", "member", "award", 5, 100, "quarter", "study_hours", NULL, "secretary" },
	{ "m_study_notes", "撰写学习心得体会", "政治学习", "member", "award", 10, 30, "quarter", "manual", NULL, "secretary" },
	{ "m_study_share", "在学习交流中作重点发言", "政治学习", "member", "award", 10, 20, "month", "manual", NULL, "secretary" },
	{ "m_theory_test", "理论测试成绩优秀", "政治学习", "member", "award", 20, 40, "year", "manual", NULL, "secretary" },
	/* 党员: 组织生活 */
	{ "m_congress", "参加支部党员大会", "组织生活", "member", "award", 20, 60, "quarter", "meeting_attended", "party_congress", "secretary" },
	{ "m_group", "参加党小组会", "组织生活", "member", "award", 10, 30, "month", "meeting_attended", "group", "secretary" },
	{ "m_theme_day", "参加主题党日", "组织生活", "member", "award", 20, 20, "month", "meeting_attended", "theme_day", "secretary" },
	{ "m_life_meeting", "参加组织生活会", "组织生活", "member", "award", 30, 60, "year", "meeting_attended", "life_meeting", "secretary" },
	{ "m_talk", "参加谈心谈话", "组织生活", "member", "award", 10, 40, "year", "meeting_attended", "talk", "secretary" },
	{ "m_absent", "无故缺席组织生活", "组织生活", "member", "deduct", 30, 150, "quarter", "meeting_absent", NULL, "secretary" },
	{ "m_appraisal_excellent", "民主评议为优秀", "组织生活", "member", "award", 50, 50, "year", "appraisal_category", "excellent", "secretary" },
	{ "m_appraisal_basic", "民主评议为基本合格", "组织生活", "member", "deduct", 30, 30, "year", "appraisal_category", "basic", "secretary" },
	{ "m_appraisal_unqualified", "民主评议为不合格", "组织生活", "member", "deduct", 100, 100, "year", "appraisal_category", "unqualified", "secretary" },
	{ "m_dues_late", "未按时交纳党费", "组织生活", "member", "deduct", 20, 60, "quarter", "manual", NULL, "secretary" },
	{ "m_report", "向党组织汇报思想和工作", "组织生活", "member", "award", 10, 20, "quarter", "manual", NULL, "secretary" },
	/* 党员: 发挥作用 */
	{ "m_volunteer_hours", "志愿服务时长（每小时）", "发挥作用", "member", "award", 5, 40, "month", "volunteer_hours", NULL, "secretary" },
	/* service the 志愿服务 module does not hold (no team, no recorded activity) */
	{ "m_volunteer", "参加其他志愿服务", "发挥作用", "member", "award", 10, 40, "month", "manual", NULL, "secretary" },
	{ "m_pairing", "结对帮扶困难群众", "发挥作用", "member", "award", 20, 60, "quarter", "manual", NULL, "secretary" },
	{ "m_request_replied", "承办民情诉求按期答复", "发挥作用", "member", "award", 10, 40, "quarter", "request_replied", NULL, "secretary" },
	{ "m_commitment", "承诺事项践诺完成", "发挥作用", "member", "award", 10, 60, "year", "commitment_done", NULL, "secretary" },
	{ "m_task", "按期完成分解任务", "发挥作用", "member", "award", 10, 40, "year", "task_done", "on_time", "secretary" },
	{ "m_visit", "走访群众", "发挥作用", "member", "award", 5, 30, "quarter", "visit_made", NULL, "secretary" },
	{ "m_post", "岗位建功", "发挥作用", "member", "award", 20, 60, "quarter", "manual", NULL, "secretary" },
	{ "m_pioneer", "党员示范岗、先锋岗", "发挥作用", "member", "award", 20, 20, "quarter", "manual", NULL, "secretary" },
	{ "m_suggestion", "建言献策被采纳", "发挥作用", "member", "award", 20, 40, "quarter", "manual", NULL, "secretary" },
	{ "m_emergency", "急难险重任务中表现突出", "发挥作用", "member", "award", 50, 100, "year", "manual", NULL, "org_admin" },
	{ "m_honor_county", "获县级表彰", "发挥作用", "member", "award", 30, 60, "year", "manual", NULL, "org_admin" },
	{ "m_honor_city", "获市级表彰", "发挥作用", "member", "award", 50, 100, "year", "manual", NULL, "org_admin" },
	{ "m_honor_province", "获省级及以上表彰", "发挥作用", "member", "award", 80, 160, "year", "manual", NULL, "org_admin" },
	/* 党员: 遵规守纪 */
	{ "m_criticized", "受到批评教育或诫勉谈话", "遵规守纪", "member", "deduct", 50, 0, "year", "manual", NULL, "org_admin" },
	{ "m_warning", "受到党内警告处分", "遵规守纪", "member", "deduct", 100, 0, "year", "manual", NULL, "org_admin" },
	{ "m_serious_warning", "受到严重警告及以上处分", "遵规守纪", "member", "deduct", 200, 0, "year", "manual", NULL, "org_admin" },
	{ "m_online_speech", "网上发表不当言论", "遵规守纪", "member", "deduct", 50, 0, "year", "manual", NULL, "org_admin" },
	{ "m_conduct", "违反社会公德、家庭美德", "遵规守纪", "member", "deduct", 30, 60, "year", "manual", NULL, "secretary" },
	/* 支部: 组织生活 (from meeting records) */
	{ "b_congress", "按期召开支部党员大会", "组织生活", "branch", "award", 30, 30, "quarter", "branch_meeting_held", "party_congress", "org_admin" },
	{ "b_committee", "按期召开支委会", "组织生活", "branch", "award", 20, 20, "month", "branch_meeting_held", "committee", "org_admin" },
	{ "b_group", "党小组按期开会", "组织生活", "branch", "award", 10, 20, "month", "branch_meeting_held", "group", "org_admin" },
	{ "b_lecture", "按期讲党课", "组织生活", "branch", "award", 30, 30, "quarter", "branch_meeting_held", "lecture", "org_admin" },
	{ "b_theme_day", "开展主题党日", "组织生活", "branch", "award", 20, 20, "month", "branch_meeting_held", "theme_day", "org_admin" },
	{ "b_life_meeting", "召开组织生活会", "组织生活", "branch", "award", 50, 50, "year", "branch_meeting_held", "life_meeting", "org_admin" },
	{ "b_appraisal", "完成民主评议党员", "组织生活", "branch", "award", 50, 50, "year", "branch_appraisal_done", NULL, "org_admin" },
	/* 支部: findings of inspections */
	{ "b_records", "台账资料不规范", "基础工作", "branch", "deduct", 20, 100, "quarter", "manual", NULL, "org_admin" },
	{ "b_meeting_form", "组织生活走过场、记录不实", "基础工作", "branch", "deduct", 30, 90, "quarter", "manual", NULL, "org_admin" },
	{ "b_recruit", "发展党员程序不规范", "基础工作", "branch", "deduct", 50, 100, "year", "manual", NULL, "org_admin" },
	{ "b_dues", "党费收缴不及时", "基础工作", "branch", "deduct", 30, 60, "quarter", "manual", NULL, "org_admin" },
	{ "b_info", "党员信息更新不及时", "基础工作", "branch", "deduct", 10, 40, "quarter", "manual", NULL, "org_admin" },
	{ "b_site", "阵地建设不达标", "阵地建设", "branch", "deduct", 20, 40, "year", "manual", NULL, "org_admin" },
	{ "b_rectify", "整改任务逾期未完成", "作风建设", "branch", "deduct", 30, 90, "year", "manual", NULL, "org_admin" },
	/* every 督查 finding against the branch, from the inspection record */
	{ "b_finding", "督查发现问题", "作风建设", "branch", "deduct", 10, 50, "quarter", "supervision_finding", NULL, "org_admin" },
	{ "b_highlight", "特色亮点工作", "特色创新", "branch", "award", 30, 60, "year", "manual", NULL, "org_admin" },
	{ "b_project", "党建项目获激励", "特色创新", "branch", "award", 30, 60, "year", "project_awarded", NULL, "org_admin" },
	{ "b_honor", "支部获上级表彰", "特色创新", "branch", "award", 50, 100, "year", "manual", NULL, "org_admin" },
};

int points_set_template_json(json_t **out)
{
	json_t *arr = json_array();
	size_t i;
	for (i = 0; i < sizeof(template_rows) / sizeof(template_rows[0]); i++) {
		const struct tpl *t = &template_rows[i];
		json_t *j = json_object();
		json_object_set_new(j, "code", json_string(t->code));
		json_object_set_new(j, "name", json_string(t->name));
		json_object_set_new(j, "category", json_string(t->category));
		json_object_set_new(j, "target", json_string(t->target));
		json_object_set_new(j, "sign", json_string(t->sign));
		json_object_set_new(j, "points", points_x10_json(t->points_x10));
		json_object_set_new(j, "cap", points_x10_json(t->cap_x10));
		json_object_set_new(j, "cap_period", json_string(t->cap_period));
		json_object_set_new(j, "source", json_string(t->source));
		json_object_set_new(j, "source_param", json_str_or_null(t->source_param));
		json_object_set_new(j, "approver", json_string(t->approver));
		json_array_append_new(arr, j);
	}
	*out = json_pack("{s:s, s:o}", "note", "推荐指标体系：会议、民主评议等已有记录的事项自动计分，其余由支部书记或组织部门录入；可按本地实际增减、调整分值。",
			 "indicators", arr);
	return 0;
}
