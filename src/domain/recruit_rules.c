/*
 * The rules of recording a step (RULES.md §1): the order of the steps, who signs at which
 * level, the body's data and the per-step checks, all read-only on the record: the
 * writes are domain/recruit_steps.c's. Shared declarations: domain/recruit_internal.h.
 */
#include "domain/recruit_internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/member.h"
#include "domain/org.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PEOPLE_MAX 16       /* ids read from one people list; more is a count refusal anyway */

/* Latest year's 百分制 average as sum/count (integers: no rounding at the threshold). */
int recruit_latest_score(struct ctx *ctx, int64_t id, int *year, int64_t *sum, int64_t *count)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT year, sum(score), count(*) FROM recruit_scores WHERE recruit_id = ? GROUP BY year "
				     "ORDER BY year DESC LIMIT 1",
				     &ctx->err);
	int step;
	*year = 0;
	*sum = *count = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*year = (int)stmt_int(st, 0);
		*sum = stmt_int(st, 1);
		*count = stmt_int(st, 2);
	}
	stmt_reset(st);
	return step < 0 ? (ctx->err.code ? (int)ctx->err.code : E_DB) : 0;
}

/* ---- order, status, levels ------------------------------------------------------- */

static int is_committee_step(int step)
{
	return step == 4 || step == 8 || step == 13 || step == 16 || step == 17 || step == 24 || step == RSTEP_REVISIT ||
	       step == RSTEP_PRIOR_REPORT;
}

/* 0 if step may follow the record's progress; else the reason in why. */
int recruit_order_allows(const struct recruit *r, int step, char *why, size_t size)
{
	const char *last = recruit_step_name(r->last_step);
	if (step >= 2 && step <= 25) {
		if (r->last_step == step - 1 || ((step == 6 || step == 21) && r->last_step == step))
			return 0;
		if (r->last_step >= step)
			xsnprintf(why, size, "第 %d 步「%s」已登记（当前已完成第 %d 步「%s」）", step, recruit_step_name(step),
				  r->last_step, last ? last : "");
		else
			xsnprintf(why, size, "第 %d 步「%s」须在第 %d 步「%s」之后登记（当前只完成到第 %d 步「%s」）", step,
				  recruit_step_name(step), step - 1, recruit_step_name(step - 1), r->last_step, last ? last : "");
		return -1;
	}
	switch (step) {
	case RSTEP_REVISIT:
		if (r->last_step >= 3 && r->last_step <= 6)
			return 0;
		xsnprintf(why, size, "回访考察只适用于入党积极分子（当前已完成第 %d 步）", r->last_step);
		return -1;
	case RSTEP_PRIOR_REPORT:
		if (r->last_step >= 1 && r->last_step < 7)
			return 0;
		xsnprintf(why, size, "事前报告须在确定发展对象（第 7 步）之前登记（当前已完成第 %d 步）", r->last_step);
		return -1;
	case RSTEP_NOT_DEVELOPED:
		if (r->last_step < 17)
			return 0;
		xsnprintf(why, size, "上级党委已审批为预备党员，不能再作不予发展处理；请用取消预备党员资格");
		return -1;
	case RSTEP_EXTEND:
	case RSTEP_CANCEL:
		if (in_probation(r))
			return 0;
		xsnprintf(why, size, "「%s」只能在预备期内（上级党委审批后、转正审批前）登记", recruit_step_name(step));
		return -1;
	default:
		xsnprintf(why, size, "没有第 %d 步", step);
		return -1;
	}
}

const char *recruit_status_name(const char *status)
{
	if (!strcmp(status, "not_developed"))
		return "不予发展";
	if (!strcmp(status, "cancelled"))
		return "取消预备党员资格";
	if (!strcmp(status, "archived"))
		return "材料归档";
	return status;
}

/* The orgs above the branch, root first, read with the wide view (dissolved ones skipped). */
static int load_ancestors(struct ctx *ctx, const char *path, struct org *anc, int *n)
{
	struct ctx wide;
	const char *p = path;
	int64_t ids[CAP_ORG_DEPTH + 2];
	int k = 0, i, rc;
	while (*p) {
		int64_t id = 0;
		if (*p == '/') {
			p++;
			continue;
		}
		while (*p >= '0' && *p <= '9')
			id = id * 10 + (*p++ - '0');
		while (*p && *p != '/')
			p++;
		if (k < CAP_ORG_DEPTH + 2)
			ids[k++] = id;
	}
	*n = 0;
	widen(ctx, &wide);
	for (i = 0; i + 1 < k; i++) { /* the last component is the branch itself */
		rc = org_require_in_scope(&wide, ids[i], &anc[*n], "org_id");
		if (rc == E_INVALID && !strcmp(wide.err.rule, "org.dissolved"))
			continue;
		if (rc) {
			ctx->err = wide.err;
			return rc;
		}
		(*n)++;
	}
	return 0;
}

/* Why o (anc[idx]) may not approve new members, or NULL: RULES.md §1 "who approves". */
static const char *approver_refusal(const struct org *anc, int idx, char *buf, size_t size)
{
	const struct org *o = &anc[idx];
	int i;
	if (strcmp(o->kind, "committee")) {
		xsnprintf(buf, size, "“%s”是%s，只有有审批权的基层党委可以审批", o->name, org_kind_name(o->kind));
		return buf;
	}
	if (o->is_temporary) {
		xsnprintf(buf, size, "“%s”是临时党组织，不能审批发展党员", o->name);
		return buf;
	}
	if (!o->can_approve) {
		xsnprintf(buf, size, "“%s”没有审批发展党员的权限", o->name);
		return buf;
	}
	if (!strcmp(o->unit_kind, "village") || !strcmp(o->unit_kind, "community"))
		for (i = 0; i < idx; i++)
			if (!strcmp(anc[i].kind, "committee")) {
				xsnprintf(buf, size, "“%s”是村（社区）党委，发展党员由上级乡镇（街道）党委“%s”审批", o->name,
					  anc[i].name);
				return buf;
			}
	return NULL;
}

static int actor_may_sign(const struct ctx *ctx, const struct org *o, enum role min)
{
	return ctx->actor.role >= min && ctx_path_in_scope(ctx, o->path);
}

/* Resolves the signing org of the step and checks the caller may sign at its level. */
int recruit_resolve_signer(struct job *j)
{
	struct ctx *ctx = j->ctx;
	struct org anc[CAP_ORG_DEPTH + 2];
	char why[256];
	int n = 0, i, rc, approval = j->step == 17 || j->step == 24, found = -1;
	const char *label = recruit_step_name(j->step);

	if (!is_committee_step(j->step) && j->step != 18) {
		j->level = "branch";
		j->signer = j->branch;
		if (j->org_id && j->org_id != j->branch.id)
			return err_set(&ctx->err, E_RULE, "org_id", "recruit.level", "「%s」由党支部“%s”登记，不能以其他组织名义登记",
				       label, j->branch.name);
		if (!actor_may_sign(ctx, &j->branch, ROLE_SECRETARY))
			return err_set(&ctx->err, E_RULE, "step", "recruit.level", "「%s」须由党支部“%s”的书记或上级党组织管理员登记",
				       label, j->branch.name);
		return 0;
	}
	if ((rc = load_ancestors(ctx, j->r.org_path, anc, &n)))
		return rc;
	if (j->step == 18) {
		j->level = "county";
		for (i = n - 1; i >= 0; i--)
			if (!strcmp(anc[i].kind, "dept") && (!j->org_id || anc[i].id == j->org_id)) {
				found = i;
				break;
			}
		if (found < 0)
			return err_set(&ctx->err, E_RULE, "org_id", "recruit.level",
				       j->org_id ? "组织 %" PRId64 " 不是该党支部上级的党委组织部门" : "该党支部上级没有党委组织部门（%" PRId64 "）",
				       j->org_id);
	} else {
		j->level = "committee";
		if (j->org_id) {
			for (i = 0; i < n; i++)
				if (anc[i].id == j->org_id)
					found = i;
			if (found < 0)
				return err_set(&ctx->err, E_RULE, "org_id", approval ? "recruit.approver" : "recruit.level",
					       "组织 %" PRId64 " 不是党支部“%s”的上级党委", j->org_id, j->branch.name);
			if (approval && approver_refusal(anc, found, why, sizeof(why)))
				return err_set(&ctx->err, E_RULE, "org_id", "recruit.approver", "%s", why);
			if (!approval && strcmp(anc[found].kind, "committee") && strcmp(anc[found].kind, "dept"))
				return err_set(&ctx->err, E_RULE, "org_id", "recruit.level", "「%s」由上级党委办理，“%s”是%s", label,
					       anc[found].name, org_kind_name(anc[found].kind));
		} else {
			/* the approving 党委 by default: the nearest one with approval authority */
			for (i = n - 1; i >= 0 && found < 0; i--)
				if (!approver_refusal(anc, i, why, sizeof(why)))
					found = i;
			for (i = n - 1; i >= 0 && found < 0 && !approval; i--)
				if (!strcmp(anc[i].kind, "committee") || !strcmp(anc[i].kind, "dept"))
					found = i;
			if (found < 0)
				return err_set(&ctx->err, E_RULE, "org_id", approval ? "recruit.approver" : "recruit.level",
					       "党支部“%s”上级没有有审批权的基层党委", j->branch.name);
		}
	}
	j->signer = anc[found];
	if (!actor_may_sign(ctx, &j->signer, ROLE_ORG_ADMIN))
		return err_set(&ctx->err, E_RULE, "step", "recruit.level", "「%s」须由%s“%s”的管理员登记", label,
			       j->step == 18 ? "党委组织部门" : "上级党委", j->signer.name);
	return 0;
}

/* ---- body data ------------------------------------------------------------------- */

static json_t *data_get(const struct job *j, const char *key)
{
	json_t *v = json_object_get(j->data, key);
	return v && !json_is_null(v) ? v : NULL;
}

int recruit_data_int(struct job *j, const char *key, int required, json_int_t *out)
{
	json_t *v = data_get(j, key);
	char field[64];
	xsnprintf(field, sizeof(field), "data.%s", key);
	*out = 0;
	if (!v)
		return required ? err_set(&j->ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field) : 0;
	if (!json_is_integer(v))
		return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是整数", field);
	*out = json_integer_value(v);
	if (*out < 0 || *out > 100000)
		return err_set(&j->ctx->err, E_INVALID, field, "field.range", "%s 超出范围", field);
	return 0;
}

static int data_date(struct job *j, const char *key, struct date *out, char *s)
{
	json_t *v = data_get(j, key);
	char field[64];
	xsnprintf(field, sizeof(field), "data.%s", key);
	if (!v)
		return err_set(&j->ctx->err, E_INVALID, field, "field.required", "%s 不能为空", field);
	if (!json_is_string(v))
		return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是日期字符串", field);
	if (date_parse(json_string_value(v), out))
		return err_set(&j->ctx->err, E_INVALID, field, "field.date", "%s“%s”不是有效日期（格式 YYYY-MM-DD）", field,
			       json_string_value(v));
	fmt(*out, s);
	return 0;
}

static int data_bool(struct job *j, const char *key, int *out)
{
	json_t *v = data_get(j, key);
	char field[64];
	xsnprintf(field, sizeof(field), "data.%s", key);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是 true 或 false", field);
	*out = json_is_true(v);
	return 0;
}

/* A free-text item: NULL if absent or blank; a non-string is a 400. */
int recruit_data_text(struct job *j, const char *key, const char **out)
{
	json_t *v = data_get(j, key);
	char field[64];
	const char *s;
	xsnprintf(field, sizeof(field), "data.%s", key);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是字符串", field);
	s = json_string_value(v);
	if (!text_is_clean(s) || utf8_chars(s) > CAP_TEXT_LEN)
		return err_set(&j->ctx->err, E_INVALID, field, "field.text", "%s 含有非法字符或过长", field);
	while (*s == ' ')
		s++;
	*out = *s ? s : NULL;
	return 0;
}

/* An id list (people.X or data.X): integers; *n the distinct count, ids the distinct ids. */
static int id_list(struct job *j, json_t *obj, const char *prefix, const char *key, int64_t *ids, int *n, int *total)
{
	json_t *arr = obj ? json_object_get(obj, key) : NULL, *v;
	char field[64];
	size_t i;
	int k;
	xsnprintf(field, sizeof(field), "%s.%s", prefix, key);
	*n = *total = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是党员编号数组", field);
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v))
			return err_set(&j->ctx->err, E_MALFORMED, field, NULL, "%s 必须是党员编号数组", field);
		(*total)++;
		for (k = 0; k < *n && ids[k] != json_integer_value(v); k++)
			;
		if (k == *n && *n < PEOPLE_MAX)
			ids[(*n)++] = json_integer_value(v);
	}
	return 0;
}

struct person {
	int found;
	char name[96], state[16], category[16], party_status[16], discipline[16];
};

static int person_get(struct ctx *ctx, int64_t id, struct person *p)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT name, state, category, party_status, discipline FROM members WHERE id = ?",
				     &ctx->err);
	int step;
	memset(p, 0, sizeof(*p));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		p->found = 1;
		stmt_text_copy(st, 0, p->name, sizeof(p->name));
		stmt_text_copy(st, 1, p->state, sizeof(p->state));
		stmt_text_copy(st, 2, p->category, sizeof(p->category));
		stmt_text_copy(st, 3, p->party_status, sizeof(p->party_status));
		stmt_text_copy(st, 4, p->discipline, sizeof(p->discipline));
	}
	stmt_reset(st);
	return step < 0 ? (ctx->err.code ? (int)ctx->err.code : E_DB) : 0;
}

static int is_full_member(const struct person *p)
{
	return p->found && !strcmp(p->state, "active") && !strcmp(p->category, "full") && !strcmp(p->party_status, "normal");
}

/* 谈话人: at least one, each a member in the registry. */
static int check_talkers(struct job *j)
{
	int64_t ids[PEOPLE_MAX];
	struct person p;
	int n, total, i, rc;
	if ((rc = id_list(j, j->people, "people", "talkers", ids, &n, &total)))
		return rc;
	if (!n)
		return err_set(&j->ctx->err, E_INVALID, "people.talkers", "field.required", "谈话人（people.talkers）至少一人");
	for (i = 0; i < n; i++) {
		if ((rc = person_get(j->ctx, ids[i], &p)))
			return rc;
		if (!p.found || strcmp(p.state, "active"))
			return err_set(&j->ctx->err, E_INVALID, "people.talkers", "recruit.person", "谈话人 %" PRId64 " 不是在册党员",
				       ids[i]);
	}
	return 0;
}

static int check_contacts(struct job *j)
{
	int64_t ids[PEOPLE_MAX];
	struct person p;
	int n, total, i, rc;
	if ((rc = id_list(j, j->people, "people", "contacts", ids, &n, &total)))
		return rc;
	if (n < 1 || n > 2 || total != n)
		return err_set(&j->ctx->err, E_RULE, "people.contacts", "recruit.contacts_count",
			       "培养联系人须为 1 至 2 名不同的正式党员，现为 %d 人", total);
	for (i = 0; i < n; i++) {
		if ((rc = person_get(j->ctx, ids[i], &p)))
			return rc;
		if (!is_full_member(&p))
			return err_set(&j->ctx->err, E_RULE, "people.contacts", "recruit.contact_full_member",
				       "培养联系人 %s（%" PRId64 "）不是在册的正式党员", p.found ? p.name : "", ids[i]);
	}
	return 0;
}

static int check_introducers(struct job *j)
{
	int64_t ids[PEOPLE_MAX];
	struct person p;
	int n, total, i, rc;
	if ((rc = id_list(j, j->people, "people", "introducers", ids, &n, &total)))
		return rc;
	if (n != 2 || total != 2)
		return err_set(&j->ctx->err, E_RULE, "people.introducers", "recruit.introducers_count",
			       "入党介绍人须为 2 名不同的正式党员，现为 %d 人", total);
	for (i = 0; i < n; i++) {
		if ((rc = person_get(j->ctx, ids[i], &p)))
			return rc;
		if (!is_full_member(&p))
			return err_set(&j->ctx->err, E_RULE, "people.introducers", "recruit.introducer_full_member",
				       "入党介绍人 %s（%" PRId64 "）不是在册的正式党员", p.found ? p.name : "", ids[i]);
		if (strcmp(p.discipline, "none"))
			return err_set(&j->ctx->err, E_RULE, "people.introducers", "recruit.introducer_discipline",
				       "入党介绍人 %s（%" PRId64 "）受留党察看处分、尚未恢复党员权利", p.name, ids[i]);
	}
	return 0;
}

/* ---- per-step rules -------------------------------------------------------------- */

static int check_activist_period(struct job *j)
{
	struct date activist = parse_or_zero(j->r.activist_on), earliest = date_add_months(activist, 12);
	const struct rstep *s;
	struct date prev = activist, limit;
	char a[11], b[11], c[11];
	size_t i;
	if (date_cmp(j->on, earliest) < 0) {
		fmt(earliest, b);
		return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.activist_min_period",
			       "确定为积极分子（%s）未满一年：最早 %s", j->r.activist_on, b);
	}
	for (i = 0; i < j->tl.n; i++) {
		s = &j->tl.v[i];
		if (s->step != 6)
			continue;
		limit = date_add_months(prev, INSPECTION_MONTHS);
		if (date_cmp(s->on, limit) > 0) {
			fmt(prev, a);
			fmt(limit, c);
			return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.inspection_gap",
				       "培养教育考察间隔超过 6 个月：%s 之后的考察应不晚于 %s，实际 %s", a, c, s->on_s);
		}
		prev = s->on;
	}
	limit = date_add_months(prev, INSPECTION_MONTHS);
	if (date_cmp(j->on, limit) > 0) {
		fmt(prev, a);
		fmt(limit, c);
		return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.inspection_gap",
			       "最近一次培养教育考察（%s）至 %s 已超过 6 个月（应不晚于 %s），请先登记考察", a, j->on_s, c);
	}
	return 0;
}

static int check_opinions(struct job *j)
{
	static const struct { const char *key, *name; } parts[] = {
		{ "group", "党小组" }, { "contacts", "培养联系人" }, { "members", "党员" }, { "masses", "群众" },
	};
	json_t *op = data_get(j, "opinions"), *v;
	char missing[128] = "";
	size_t i, len = 0;
	int agreed, rc;
	if (op && !json_is_object(op))
		return err_set(&j->ctx->err, E_MALFORMED, "data.opinions", NULL, "data.opinions 必须是对象");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		v = op ? json_object_get(op, parts[i].key) : NULL;
		if (v && !json_is_null(v) && !json_is_string(v))
			return err_set(&j->ctx->err, E_MALFORMED, "data.opinions", NULL, "data.opinions.%s 必须是字符串", parts[i].key);
		if (!v || !json_is_string(v) || !json_string_value(v)[0]) {
			xsnprintf(missing + len, sizeof(missing) - len, "%s%s", len ? "、" : "", parts[i].name);
			len = strlen(missing);
		}
	}
	if (len)
		return err_set(&j->ctx->err, E_RULE, "data.opinions", "recruit.opinions", "确定发展对象须听取%s的意见，尚未记录",
			       missing);
	if ((rc = data_bool(j, "committee_agreed", &agreed)))
		return rc;
	if (!agreed)
		return err_set(&j->ctx->err, E_RULE, "data.committee_agreed", "recruit.opinions",
			       "确定发展对象须经支部委员会讨论同意（data.committee_agreed）");
	return 0;
}

static int check_score(struct job *j, int threshold, const char *rule, const char *what)
{
	int year, rc;
	int64_t sum, count;
	if (!j->rules.scores_enabled)
		return 0;
	if ((rc = recruit_latest_score(j->ctx, j->r.id, &year, &sum, &count)))
		return rc;
	if (!count)
		return err_set(&j->ctx->err, E_RULE, "step", rule, "尚无量化考评分数，%s须年度平均分不低于 %d 分", what, threshold);
	if (!avg_at_least(sum, count, threshold))
		return err_set(&j->ctx->err, E_RULE, "step", rule, "%d 年度量化考评平均分 %" PRId64 ".%" PRId64 "（%" PRId64
			       " 人评分）低于 %d 分，%s", year, sum / count, (sum * 10 / count) % 10, count, threshold, what);
	return 0;
}

static int check_training(struct job *j)
{
	json_int_t days, hours;
	int rc;
	if ((rc = recruit_data_int(j, "days", 0, &days)) || (rc = recruit_data_int(j, "hours", 0, &hours)))
		return rc;
	if (days < 3 && hours < 24)
		return err_set(&j->ctx->err, E_RULE, "data.days", "recruit.training",
			       "集中培训 %lld 天、%lld 学时，须不少于 3 天或 24 学时", (long long)days, (long long)hours);
	return 0;
}

static int check_political_review(struct job *j)
{
	const struct rstep *s = last_of(&j->tl, 10);
	json_t *res = s && s->data ? json_object_get(s->data, "result") : NULL;
	int agreed, rc;
	if (!res || !json_is_string(res) || strcmp(json_string_value(res), "passed"))
		return err_set(&j->ctx->err, E_RULE, "step", "recruit.political_review",
			       s ? "政治审查（%s）结论不合格，不能进行支部委员会审查" : "尚无合格的政治审查结论%s", s ? s->on_s : "");
	if ((rc = data_bool(j, "committee_agreed", &agreed)))
		return rc;
	if (!agreed)
		return err_set(&j->ctx->err, E_RULE, "data.committee_agreed", "recruit.committee_agreed",
			       "支部委员会审查未同意（data.committee_agreed），不能报上级党委预审");
	return 0;
}

static int check_publicity(struct job *j)
{
	struct date start, end;
	char s[11], e[11];
	int days, leaving, rc;
	if ((rc = data_date(j, "publicity_start", &start, s)) || (rc = data_date(j, "publicity_end", &end, e)))
		return rc;
	if (date_cmp(start, end) > 0)
		return err_set(&j->ctx->err, E_INVALID, "data.publicity_end", "field.date_range", "公示结束 %s 早于开始 %s", e, s);
	if (date_cmp(end, j->on) >= 0)
		return err_set(&j->ctx->err, E_RULE, "data.publicity_end", "recruit.publicity",
			       "公示须在上级党委预审前结束：公示至 %s，预审 %s", e, j->on_s);
	if ((rc = workdays_between(j->ctx, start, end, &days)))
		return rc;
	if (days < j->rules.publicity_workdays)
		return err_set(&j->ctx->err, E_RULE, "data.publicity_end", "recruit.publicity",
			       "公示 %s 至 %s 仅 %d 个工作日，须不少于 %d 个工作日", s, e, days, j->rules.publicity_workdays);
	json_object_set_new(j->data, "publicity_workdays", json_integer(days));
	if ((rc = data_bool(j, "leaving_unit_within_3_months", &leaving)))
		return rc;
	if (leaving)
		return err_set(&j->ctx->err, E_RULE, "data.leaving_unit_within_3_months", "recruit.leaving_unit",
			       "发展对象 3 个月内将离开工作单位，不办理接收手续");
	return 0;
}

/* 应到会有表决权: full members of the branch, active, not 停止党籍, not under 留党察看. */
int recruit_voting_members(struct ctx *ctx, int64_t branch, int64_t **ids, int *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id FROM members WHERE org_id = ? AND state = 'active' AND category = 'full' AND "
				     "party_status = 'normal' AND discipline = 'none'",
				     &ctx->err);
	size_t alloc = 0, k = 0;
	int step;
	*ids = NULL;
	*n = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, branch);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		ALLOC_GROW(*ids, k + 1, alloc);
		(*ids)[k++] = stmt_int(st, 0);
	}
	stmt_reset(st);
	*n = (int)k;
	return step == STEP_DONE ? 0 : (ctx->err.code ? (int)ctx->err.code : E_DB);
}

static int check_meeting(struct job *j)
{
	int64_t excused[PEOPLE_MAX], *voters = NULL;
	json_int_t present, favour, against, abstain;
	int nvoters, nexcused, total, expected, i, k, rc;
	if ((rc = recruit_data_int(j, "present_voting", 1, &present)) || (rc = recruit_data_int(j, "in_favour", 1, &favour)) ||
	    (rc = recruit_data_int(j, "against", 0, &against)) || (rc = recruit_data_int(j, "abstain", 0, &abstain)) ||
	    (rc = id_list(j, j->data, "data", "excused", excused, &nexcused, &total)))
		return rc;
	if ((rc = recruit_voting_members(j->ctx, j->r.org_id, &voters, &nvoters)))
		goto out;
	if (total != nexcused) {
		rc = err_set(&j->ctx->err, E_RULE, "data.excused", "recruit.quorum", "请假人员（data.excused）有重复");
		goto out;
	}
	for (i = 0; i < nexcused; i++) {
		for (k = 0; k < nvoters && voters[k] != excused[i]; k++)
			;
		if (k == nvoters) {
			rc = err_set(&j->ctx->err, E_RULE, "data.excused", "recruit.quorum",
				     "请假人员 %" PRId64 " 不是本支部有表决权的正式党员，不能从应到会人数中扣除", excused[i]);
			goto out;
		}
	}
	expected = nvoters - nexcused;
	if (present > expected) {
		rc = err_set(&j->ctx->err, E_RULE, "data.present_voting", "recruit.quorum",
			     "到会有表决权党员 %lld 人，多于应到会有表决权党员 %d 人", (long long)present, expected);
		goto out;
	}
	if (present * 2 <= expected) {
		rc = err_set(&j->ctx->err, E_RULE, "data.present_voting", "recruit.quorum",
			     "应到会有表决权党员 %d 人，实到 %lld 人，未超过半数（至少 %d 人）", expected, (long long)present,
			     expected / 2 + 1);
		goto out;
	}
	if (favour + against + abstain > expected) {
		rc = err_set(&j->ctx->err, E_RULE, "data.in_favour", "recruit.vote", "表决票合计 %lld 票，多于应到会有表决权党员 %d 人",
			     (long long)(favour + against + abstain), expected);
		goto out;
	}
	if (favour * 2 <= expected) {
		rc = err_set(&j->ctx->err, E_RULE, "data.in_favour", "recruit.vote",
			     "赞成 %lld 票，未超过应到会有表决权党员 %d 人的半数（至少 %d 票）", (long long)favour, expected,
			     expected / 2 + 1);
		goto out;
	}
	json_object_set_new(j->data, "voting_members", json_integer(nvoters));
	json_object_set_new(j->data, "expected_voting", json_integer(expected));
out:
	free(voters);
	return rc;
}

/* Upper approval within approval_months of the 支部大会, up to approval_max_months for cause. */
static int check_deadline(struct job *j, const char *meeting_s)
{
	struct date meeting = parse_or_zero(meeting_s);
	struct date normal = date_add_months(meeting, j->rules.approval_months);
	struct date max = date_add_months(meeting, j->rules.approval_max_months);
	const char *reason;
	char a[11], b[11];
	int rc;
	if ((rc = recruit_data_text(j, "extension_reason", &reason)))
		return rc;
	fmt(normal, a);
	fmt(max, b);
	if (date_cmp(j->on, max) > 0)
		return err_set(&j->ctx->err, E_RULE, "done_on", "recruit.approval_deadline",
			       "支部大会（%s）后超过 %d 个月：审批最迟 %s，现为 %s", meeting_s, j->rules.approval_max_months, b,
			       j->on_s);
	if (date_cmp(j->on, normal) > 0 && !reason)
		return err_set(&j->ctx->err, E_RULE, "data.extension_reason", "recruit.approval_deadline",
			       "支部大会（%s）后须在 %d 个月内（%s 前）审批；逾期须注明原因（data.extension_reason），最迟 %s",
			       meeting_s, j->rules.approval_months, a, b);
	return 0;
}

static int check_exit_reason(struct job *j)
{
	const char *reason;
	int rc;
	if ((rc = recruit_data_text(j, "reason", &reason)))
		return rc;
	if (!reason)
		return err_set(&j->ctx->err, E_RULE, "data.reason", "recruit.exit_reason", "「%s」须写明原因（data.reason）",
			       recruit_step_name(j->step));
	return 0;
}

static int check_eliminate(struct job *j)
{
	int year, rc;
	int64_t sum, count;
	if (!j->rules.scores_enabled || j->r.last_step < 3 || j->r.last_step > 6 || last_of(&j->tl, RSTEP_REVISIT))
		return 0;
	if ((rc = recruit_latest_score(j->ctx, j->r.id, &year, &sum, &count)))
		return rc;
	if (count && !avg_at_least(sum, count, j->rules.score_continue))
		return err_set(&j->ctx->err, E_RULE, "step", "recruit.eliminate_revisit",
			       "%d 年度量化考评平均分低于 %d 分，淘汰前须由基层党委回访考察", year, j->rules.score_continue);
	return 0;
}

static int check_extension(struct job *j)
{
	json_int_t months;
	int rc;
	if (last_of(&j->tl, RSTEP_EXTEND))
		return err_set(&j->ctx->err, E_RULE, "step", "recruit.extension_once",
			       "预备期已延长过一次（%s），只能延长一次；不具备条件的应取消预备党员资格", last_of(&j->tl, RSTEP_EXTEND)->on_s);
	if ((rc = recruit_data_int(j, "months", 1, &months)))
		return rc;
	if (months < 6 || months > 12)
		return err_set(&j->ctx->err, E_RULE, "data.months", "recruit.extension_months",
			       "预备期延长 %lld 个月，须不少于 6 个月、不超过 1 年", (long long)months);
	return check_exit_reason(j);
}

int recruit_check_step(struct job *j)
{
	struct date d;
	char a[11];
	int rc = 0;
	const char *result;
	switch (j->step) {
	case 2:
		rc = check_talkers(j);
		d = date_add_months(parse_or_zero(j->r.applied_on), j->rules.talk_days);
		if (!rc && date_cmp(j->on, d) > 0)
			json_object_set_new(j->data, "late", json_true());
		break;
	case 3:
		d = date_add_months(parse_or_zero(j->r.applied_on), j->rules.activist_wait_months);
		if (date_cmp(j->on, d) < 0) {
			fmt(d, a);
			rc = err_set(&j->ctx->err, E_RULE, "done_on", "recruit.activist_wait",
				     "递交入党申请（%s）后须满 %d 个月才能确定为入党积极分子：最早 %s", j->r.applied_on,
				     j->rules.activist_wait_months, a);
		}
		break;
	case 5: rc = check_contacts(j); break;
	case 7:
		if (!(rc = check_activist_period(j)) && !(rc = check_opinions(j)))
			rc = check_score(j, j->rules.score_eligible, "recruit.score", "不能确定为发展对象");
		if (!rc && !(rc = recruit_check_special_report(j)))
			rc = recruit_check_ladder(j);
		break;
	case 9: rc = check_introducers(j); break;
	case 10:
		if ((rc = recruit_data_text(j, "result", &result)))
			break;
		if (!result || (strcmp(result, "passed") && strcmp(result, "failed")))
			rc = err_set(&j->ctx->err, E_INVALID, "data.result", "field.enum",
				     "政治审查结论（data.result）须为 passed（合格）或 failed（不合格）");
		break;
	case 11: rc = check_training(j); break;
	case 12: rc = check_political_review(j); break;
	case 13: rc = check_publicity(j); break;
	case 15: rc = check_meeting(j); break;
	case 16: rc = check_talkers(j); break;
	case 17:
		if (!(rc = check_deadline(j, j->r.branch_meeting_on)))
			rc = recruit_check_quota(j);
		break;
	case RSTEP_PRIOR_REPORT: rc = recruit_check_prior_report(j); break;
	case 22:
		d = date_add_days(parse_or_zero(j->r.probation_end), -FULL_APPLY_DAYS);
		if (date_cmp(j->on, d) < 0) {
			fmt(d, a);
			rc = err_set(&j->ctx->err, E_RULE, "done_on", "recruit.full_application",
				     "预备期至 %s 届满，转正申请最早 %s 提出", j->r.probation_end, a);
		}
		break;
	case 23:
		d = parse_or_zero(j->r.probation_end);
		if (date_cmp(j->on, d) < 0)
			rc = err_set(&j->ctx->err, E_RULE, "done_on", "recruit.probation_not_over",
				     "预备期至 %s 届满，支部大会讨论转正最早 %s", j->r.probation_end, j->r.probation_end);
		else
			rc = check_meeting(j);
		break;
	case 24: {
		const struct rstep *m = last_of(&j->tl, 23);
		rc = check_deadline(j, m ? m->on_s : "");
		break;
	}
	case RSTEP_NOT_DEVELOPED:
		if (!(rc = check_exit_reason(j)))
			rc = check_eliminate(j);
		break;
	case RSTEP_EXTEND: rc = check_extension(j); break;
	case RSTEP_CANCEL: rc = check_exit_reason(j); break;
	default: break;
	}
	return rc;
}
