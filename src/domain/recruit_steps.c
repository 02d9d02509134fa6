/*
 * Recording the steps of a recruitment record (RULES.md §1, docs/API.md "Recruitment"):
 * every rule of the per-step table is checked at the moment the step is recorded, in
 * one transaction with the step row, the record update, the registry writes (steps
 * 17, 19, 24, 97) and the audit entries, so a refusal leaves nothing behind.
 */
#include "domain/recruit.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/limits.h"
#include "util/pii.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PEOPLE_MAX 16       /* ids read from one people list; more is a count refusal anyway */
#define NOTE_MAX_CHARS 200
#define INSPECTION_MONTHS 6 /* one 考察 record per activist every 6 months */
#define FULL_APPLY_DAYS 30  /* 转正申请 from a month before probation ends */

struct rstep {
	int step;
	struct date on;
	char on_s[11];
	json_t *data;
};

struct timeline {
	struct rstep *v;
	size_t n, alloc;
};

/* Everything one recording works on. */
struct job {
	struct ctx *ctx;
	struct recruit r, after;
	struct recruit_rules rules;
	struct timeline tl;
	int step;
	struct date on;
	char on_s[11];
	int64_t org_id;           /* requested signing org (0 = default) */
	json_t *people;           /* borrowed from the body */
	json_t *data;             /* owned: the body's data plus what the rules derive */
	char note[CAP_TEXT_LEN];
	struct org branch, signer;
	const char *level;
};

static void timeline_release(struct timeline *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		json_decref(t->v[i].data);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int load_timeline(struct ctx *ctx, int64_t id, struct timeline *t)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT step, done_on, data FROM recruit_steps WHERE recruit_id = ? ORDER BY id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct rstep *s;
		const char *data = stmt_text(st, 2);
		ALLOC_GROW(t->v, t->n + 1, t->alloc);
		s = &t->v[t->n++];
		memset(s, 0, sizeof(*s));
		s->step = (int)stmt_int(st, 0);
		stmt_text_copy(st, 1, s->on_s, sizeof(s->on_s));
		if (date_parse(s->on_s, &s->on))
			memset(&s->on, 0, sizeof(s->on));
		s->data = data && data[0] ? json_loads(data, 0, NULL) : NULL;
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : (ctx->err.code ? (int)ctx->err.code : E_DB);
}

static const struct rstep *last_of(const struct timeline *t, int step)
{
	size_t i = t->n;
	while (i--)
		if (t->v[i].step == step)
			return &t->v[i];
	return NULL;
}

static const struct rstep *latest(const struct timeline *t)
{
	const struct rstep *best = NULL;
	size_t i;
	for (i = 0; i < t->n; i++)
		if (!best || date_cmp(t->v[i].on, best->on) >= 0)
			best = &t->v[i];
	return best;
}

static void fmt(struct date d, char *out)
{
	date_format(d, out);
}

static struct date parse_or_zero(const char *s)
{
	struct date d = { 0, 0, 0 };
	if (s && s[0] && date_parse(s, &d))
		memset(&d, 0, sizeof(d));
	return d;
}

/* A copy of ctx that sees the whole tree: the upper 党委 and the introducers lie outside a
 * secretary's scope, and reading them is part of checking, not of what the caller sees. */
static void widen(const struct ctx *ctx, struct ctx *wide)
{
	*wide = *ctx;
	wide->actor.role = ROLE_SYSADMIN;
	strlcpy_z(wide->actor.org_path, "/", sizeof(wide->actor.org_path));
	err_clear(&wide->err);
}

/* Latest year's 百分制 average as sum/count (integers: no rounding at the threshold). */
static int latest_score(struct ctx *ctx, int64_t id, int *year, int64_t *sum, int64_t *count)
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

/* 1 if the average sum/count is at least threshold */
static int avg_at_least(int64_t sum, int64_t count, int threshold)
{
	return count > 0 && sum >= (int64_t)threshold * count;
}

/* ---- order, status, levels ------------------------------------------------------- */

static int is_committee_step(int step)
{
	return step == 4 || step == 8 || step == 13 || step == 16 || step == 17 || step == 24 || step == RSTEP_REVISIT;
}

static int in_probation(const struct recruit *r)
{
	return r->last_step >= 17 && r->last_step < 24;
}

/* 0 if step may follow the record's progress; else the reason in why. */
static int order_allows(const struct recruit *r, int step, char *why, size_t size)
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

static const char *status_name(const char *status)
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
static int resolve_signer(struct job *j)
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

static int data_int(struct job *j, const char *key, int required, json_int_t *out)
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
static int data_text(struct job *j, const char *key, const char **out)
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
	if ((rc = latest_score(j->ctx, j->r.id, &year, &sum, &count)))
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
	if ((rc = data_int(j, "days", 0, &days)) || (rc = data_int(j, "hours", 0, &hours)))
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
static int voting_members(struct ctx *ctx, int64_t branch, int64_t **ids, int *n)
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
	if ((rc = data_int(j, "present_voting", 1, &present)) || (rc = data_int(j, "in_favour", 1, &favour)) ||
	    (rc = data_int(j, "against", 0, &against)) || (rc = data_int(j, "abstain", 0, &abstain)) ||
	    (rc = id_list(j, j->data, "data", "excused", excused, &nexcused, &total)))
		return rc;
	if ((rc = voting_members(j->ctx, j->r.org_id, &voters, &nvoters)))
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
	if ((rc = data_text(j, "extension_reason", &reason)))
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
	if ((rc = data_text(j, "reason", &reason)))
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
	if ((rc = latest_score(j->ctx, j->r.id, &year, &sum, &count)))
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
	if ((rc = data_int(j, "months", 1, &months)))
		return rc;
	if (months < 6 || months > 12)
		return err_set(&j->ctx->err, E_RULE, "data.months", "recruit.extension_months",
			       "预备期延长 %lld 个月，须不少于 6 个月、不超过 1 年", (long long)months);
	return check_exit_reason(j);
}

static int check_step(struct job *j)
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
		break;
	case 9: rc = check_introducers(j); break;
	case 10:
		if ((rc = data_text(j, "result", &result)))
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
	case 17: rc = check_deadline(j, j->r.branch_meeting_on); break;
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

/* ---- writes ---------------------------------------------------------------------- */

int recruit_insert_step(struct ctx *ctx, int64_t recruit_id, int step, const char *done_on, int64_t org_id,
			const char *level, json_t *people, json_t *data, const char *note)
{
	struct stmt *st;
	char *p = people ? json_dumps(people, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *d = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;
	st = db_prepare(ctx->db,
			"INSERT INTO recruit_steps (recruit_id, step, done_on, org_id, level, people, data, note, signed_by, signer, "
			"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, recruit_id);
	stmt_bind_int(st, 2, step);
	stmt_bind_text(st, 3, done_on);
	stmt_bind_int(st, 4, org_id);
	stmt_bind_text(st, 5, level);
	stmt_bind_text(st, 6, p);
	stmt_bind_text(st, 7, d);
	stmt_bind_text(st, 8, note && note[0] ? note : NULL);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 9, ctx->actor.user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_text(st, 10, ctx->actor.username[0] ? ctx->actor.username : "system");
	stmt_bind_text(st, 11, ctx->now_iso);
	rc = stmt_run(st, &ctx->err);
out:
	free(p);
	free(d);
	return rc;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	stmt_bind_text(st, idx, s[0] ? s : NULL);
}

static int update_recruit(struct job *j, const char *rules_text)
{
	struct ctx *ctx = j->ctx;
	const struct recruit *a = &j->after;
	struct stmt *st;
	int rc;
	st = db_prepare(ctx->db,
			"UPDATE recruits SET stage = ?, last_step = ?, status = ?, talked_on = ?, activist_on = ?, target_on = ?, "
			"branch_meeting_on = ?, approved_on = ?, probation_end = ?, extended_months = ?, full_on = ?, "
			"member_id = ?, rules = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, a->stage);
	stmt_bind_int(st, 2, a->last_step);
	stmt_bind_text(st, 3, a->status);
	bind_opt(st, 4, a->talked_on);
	bind_opt(st, 5, a->activist_on);
	bind_opt(st, 6, a->target_on);
	bind_opt(st, 7, a->branch_meeting_on);
	bind_opt(st, 8, a->approved_on);
	bind_opt(st, 9, a->probation_end);
	stmt_bind_int(st, 10, a->extended_months);
	bind_opt(st, 11, a->full_on);
	if (a->member_id)
		stmt_bind_int(st, 12, a->member_id);
	else
		stmt_bind_null(st, 12);
	stmt_bind_text(st, 13, rules_text);
	stmt_bind_text(st, 14, ctx->now_iso);
	stmt_bind_int(st, 15, a->id);
	stmt_bind_int(st, 16, j->r.version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该记录已被他人修改，请刷新后重试");
	j->after.version = j->r.version + 1;
	return 0;
}

static int load_member_any(struct ctx *ctx, int64_t id, struct member *m)
{
	struct ctx wide;
	int rc;
	widen(ctx, &wide);
	rc = member_get(&wide, id, m);
	if (rc)
		ctx->err = wide.err;
	return rc;
}

static int audit_member(struct ctx *ctx, const char *action, const struct member *before, const struct member *after)
{
	json_t *jb = before ? member_to_json(NULL, before) : NULL, *ja = member_to_json(NULL, after);
	int rc = audit_append(ctx, action, "member", after->id, jb, ja);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

/* Step 17: the person enters the registry as a 预备党员 of the branch, 入党日期 = the 支部大会. */
static int make_member(struct job *j)
{
	struct ctx *ctx = j->ctx;
	struct member m;
	struct member_sealed s;
	struct stmt *st;
	char *id_plain = NULL, *phone_plain = NULL;
	int rc, step;

	memset(&m, 0, sizeof(m));
	memset(&s, 0, sizeof(s));
	st = db_prepare(ctx->db, "SELECT id_enc, phone_enc FROM recruits WHERE id = ?", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, j->r.id);
	step = stmt_step(st, &ctx->err);
	rc = step == STEP_ROW ? pii_decrypt(stmt_text(st, 0), &id_plain, &ctx->err) : (ctx->err.code ? (int)ctx->err.code : E_DB);
	if (!rc && step == STEP_ROW && !stmt_is_null(st, 1))
		rc = pii_decrypt(stmt_text(st, 1), &phone_plain, &ctx->err);
	stmt_reset(st);
	if (rc)
		goto out;
	m.org_id = j->r.org_id;
	strlcpy_z(m.name, j->r.name, sizeof(m.name));
	strlcpy_z(m.gender, j->r.gender, sizeof(m.gender));
	strlcpy_z(m.id_number, id_plain, sizeof(m.id_number));
	m.id_set = 1;
	if (phone_plain) {
		strlcpy_z(m.phone, phone_plain, sizeof(m.phone));
		m.phone_set = 1;
	}
	strlcpy_z(m.ethnicity, j->r.ethnicity, sizeof(m.ethnicity));
	strlcpy_z(m.education, j->r.education, sizeof(m.education));
	strlcpy_z(m.job, j->r.job, sizeof(m.job));
	strlcpy_z(m.work_unit, j->r.work_unit, sizeof(m.work_unit));
	strlcpy_z(m.category, "probationary", sizeof(m.category));
	strlcpy_z(m.join_date, j->r.branch_meeting_on, sizeof(m.join_date));
	/* re-sealed with the same keys: the keyed hash is the applicant's, so a person already
	 * in the registry is refused here (member.duplicate) */
	if ((rc = member_prepare_in(ctx, &m, &s, 1, &j->branch)) || (rc = member_insert_prepared(ctx, &m, &s)))
		goto out;
	m.org_id = j->branch.id;
	strlcpy_z(m.org_name, j->branch.name, sizeof(m.org_name));
	if ((rc = member_history_add(ctx, m.id, "category", NULL, "probationary", "发展党员：上级党委审批")) ||
	    (rc = audit_member(ctx, "create", NULL, &m)))
		goto out;
	j->after.member_id = m.id;
out:
	if (id_plain) {
		memset(id_plain, 0, strlen(id_plain));
		free(id_plain);
	}
	if (phone_plain) {
		memset(phone_plain, 0, strlen(phone_plain));
		free(phone_plain);
	}
	memset(m.id_number, 0, sizeof(m.id_number));
	memset(m.phone, 0, sizeof(m.phone));
	member_sealed_release(&s);
	return rc;
}

/* Registry writes of steps 19, 24 and 97 on the member made at step 17. */
static int update_member(struct job *j)
{
	struct ctx *ctx = j->ctx;
	struct member before, after;
	struct ctx wide;
	struct org g;
	struct stmt *st;
	json_int_t group = 0;
	const char *reason = NULL;
	int rc;

	if ((rc = load_member_any(ctx, j->r.member_id, &before)))
		return rc;
	if (strcmp(before.state, "active"))
		return err_set(&ctx->err, E_RULE, "step", "recruit.status", "%s在党员名册中的状态为%s，不能办理「%s」", before.name,
			       member_state_name(before.state) ? member_state_name(before.state) : before.state,
			       recruit_step_name(j->step));
	after = before;
	after.version++;
	if (j->step == 19) {
		if ((rc = data_int(j, "group_id", 0, &group)))
			return rc;
		if (!group)
			return 0;
		widen(ctx, &wide);
		rc = org_require_in_scope(&wide, group, &g, "data.group_id");
		if (rc || strcmp(g.kind, "group") || g.parent_id != j->branch.id)
			return err_set(&ctx->err, E_INVALID, "data.group_id", "member.group", "党小组 %lld 不属于党支部“%s”",
				       (long long)group, j->branch.name);
		after.group_id = g.id;
		st = db_prepare(ctx->db, "UPDATE members SET group_id = ?, version = version + 1, updated_at = ? "
					 "WHERE id = ? AND version = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, g.id);
	} else if (j->step == 24) {
		if (strcmp(before.category, "probationary"))
			return err_set(&ctx->err, E_RULE, "step", "recruit.status", "%s已是正式党员", before.name);
		strlcpy_z(after.category, "full", sizeof(after.category));
		strlcpy_z(after.full_date, j->after.full_on, sizeof(after.full_date));
		st = db_prepare(ctx->db, "UPDATE members SET category = 'full', full_date = ?, version = version + 1, "
					 "updated_at = ? WHERE id = ? AND version = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, after.full_date);
	} else {
		data_text(j, "reason", &reason);
		strlcpy_z(after.state, "removed", sizeof(after.state));
		st = db_prepare(ctx->db, "UPDATE members SET state = ?, version = version + 1, updated_at = ? "
					 "WHERE id = ? AND version = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, "removed");
	}
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, before.id);
	stmt_bind_int(st, 4, before.version);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (db_changes(ctx->db) != 1)
		return err_set(&ctx->err, E_CONFLICT, "member_id", "store.stale", "党员信息已被他人修改，请刷新后重试");
	if (j->step == 24)
		rc = member_history_add(ctx, before.id, "category", "probationary", "full", "预备党员转正");
	else if (j->step == RSTEP_CANCEL)
		rc = member_history_add(ctx, before.id, "state", before.state, "removed", reason ? reason : "取消预备党员资格");
	if (rc)
		return rc;
	return audit_member(ctx, j->step == 24 ? "full" : j->step == 19 ? "update" : "remove", &before, &after);
}

/* The record after the step: dates, stage, status. */
static void apply_step(struct job *j)
{
	struct recruit *a = &j->after;
	struct date bm;
	json_int_t months = 0;
	*a = j->r;
	if (j->step <= 25)
		a->last_step = j->step;
	switch (j->step) {
	case 2: strlcpy_z(a->talked_on, j->on_s, sizeof(a->talked_on)); break;
	case 3: strlcpy_z(a->activist_on, j->on_s, sizeof(a->activist_on)); break;
	case 7: strlcpy_z(a->target_on, j->on_s, sizeof(a->target_on)); break;
	case 15:
		strlcpy_z(a->branch_meeting_on, j->on_s, sizeof(a->branch_meeting_on));
		fmt(date_add_months(j->on, 12), a->probation_end);
		break;
	case 17: strlcpy_z(a->approved_on, j->on_s, sizeof(a->approved_on)); break;
	case 24: strlcpy_z(a->full_on, a->probation_end, sizeof(a->full_on)); break;
	case 25: strlcpy_z(a->status, "archived", sizeof(a->status)); break;
	case RSTEP_NOT_DEVELOPED: strlcpy_z(a->status, "not_developed", sizeof(a->status)); break;
	case RSTEP_CANCEL: strlcpy_z(a->status, "cancelled", sizeof(a->status)); break;
	case RSTEP_EXTEND:
		data_int(j, "months", 1, &months);
		a->extended_months = (int)months;
		bm = parse_or_zero(a->branch_meeting_on);
		fmt(date_add_months(bm, 12 + (int)months), a->probation_end);
		break;
	default: break;
	}
	a->stage = recruit_stage_after(a->last_step);
}

/* ---- the entry point ------------------------------------------------------------- */

static int parse_body(struct job *j, json_t *body)
{
	static const char *const allowed[] = { "step", "version", "done_on", "org_id", "people", "data", "note", NULL };
	struct ctx *ctx = j->ctx;
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
	v = json_object_get(body, "step");
	if (!v || !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "step", NULL, "step 必须是整数");
	j->step = (int)json_integer_value(v);
	if (!recruit_step_name(j->step) || j->step == 1)
		return err_set(&ctx->err, E_INVALID, "step", "recruit.step",
			       j->step == 1 ? "第 1 步随记录创建登记" : "没有第 %d 步", j->step);
	v = json_object_get(body, "version");
	if (!v || !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "version", NULL, "version 必须是整数");
	j->r.version = json_integer_value(v);
	v = json_object_get(body, "done_on");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "done_on", "field.required", "办理日期（done_on）不能为空");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "done_on", NULL, "done_on 必须是日期字符串");
	if (date_parse(json_string_value(v), &j->on))
		return err_set(&ctx->err, E_INVALID, "done_on", "field.date", "办理日期“%s”不是有效日期（格式 YYYY-MM-DD）",
			       json_string_value(v));
	fmt(j->on, j->on_s);
	if (date_cmp(j->on, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, "done_on", "field.date_future", "办理日期 %s 不能晚于今天", j->on_s);
	v = json_object_get(body, "org_id");
	if (v && !json_is_null(v) && !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "org_id 必须是整数");
	j->org_id = v && json_is_integer(v) ? json_integer_value(v) : 0;
	v = json_object_get(body, "people");
	if (v && !json_is_null(v) && !json_is_object(v))
		return err_set(&ctx->err, E_MALFORMED, "people", NULL, "people 必须是对象");
	j->people = v && json_is_object(v) ? v : NULL;
	v = json_object_get(body, "data");
	if (v && !json_is_null(v) && !json_is_object(v))
		return err_set(&ctx->err, E_MALFORMED, "data", NULL, "data 必须是对象");
	j->data = v && json_is_object(v) ? json_deep_copy(v) : json_object();
	/* derived facts are the system's to write, never the caller's */
	json_object_del(j->data, "rules");
	json_object_del(j->data, "late");
	json_object_del(j->data, "voting_members");
	json_object_del(j->data, "expected_voting");
	json_object_del(j->data, "publicity_workdays");
	v = json_object_get(body, "note");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return err_set(&ctx->err, E_MALFORMED, "note", NULL, "note 必须是字符串");
		text_normalize(json_string_value(v), j->note, sizeof(j->note));
		if (!text_is_clean(j->note) || utf8_chars(j->note) > NOTE_MAX_CHARS)
			return err_set(&ctx->err, E_INVALID, "note", "field.text", "备注含有非法字符或超过 %d 个字", NOTE_MAX_CHARS);
	}
	return 0;
}

int recruit_record_step(struct ctx *ctx, int64_t id, json_t *body, json_t **out)
{
	struct job j;
	struct ctx wide;
	const struct rstep *prev;
	char why[256], *rules_text = NULL;
	json_t *jb = NULL, *ja = NULL, *rules = NULL;
	int64_t version;
	int rc, began = 0;

	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	if ((rc = parse_body(&j, body)))
		goto out;
	version = j.r.version;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	began = 1;
	if ((rc = recruit_load(ctx, id, &j.r)))
		goto out;
	if (j.r.version != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该记录已被他人修改，请刷新后重试");
		goto out;
	}
	if (strcmp(j.r.status, "active")) {
		rc = err_set(&ctx->err, E_RULE, "step", "recruit.status", "该记录已%s，不能再登记「%s」", status_name(j.r.status),
			     recruit_step_name(j.step));
		goto out;
	}
	if (order_allows(&j.r, j.step, why, sizeof(why))) {
		rc = err_set(&ctx->err, E_RULE, "step", "recruit.step_order", "%s", why);
		goto out;
	}
	if ((rc = load_timeline(ctx, id, &j.tl)))
		goto out;
	prev = latest(&j.tl);
	if (prev && date_cmp(j.on, prev->on) < 0) {
		rc = err_set(&ctx->err, E_RULE, "done_on", "recruit.date_order", "办理日期 %s 早于上一步「%s」的日期 %s", j.on_s,
			     recruit_step_name(prev->step), prev->on_s);
		goto out;
	}
	widen(ctx, &wide);
	rc = org_require_in_scope(&wide, j.r.org_id, &j.branch, "org_id");
	if (rc == E_INVALID && !strcmp(wide.err.rule, "org.dissolved")) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "recruit.status", "党支部“%s”已撤销，请先调整发展党员所在支部", j.branch.name);
		goto out;
	}
	if (rc) {
		ctx->err = wide.err;
		goto out;
	}
	if ((rc = resolve_signer(&j)) || (rc = recruit_rules_load(ctx, j.r.org_path, &j.rules)) || (rc = check_step(&j)))
		goto out;

	rules = recruit_rules_json(&j.rules);
	json_object_set(j.data, "rules", rules);
	rules_text = json_dumps(rules, JSON_COMPACT | JSON_SORT_KEYS);
	apply_step(&j);
	if ((rc = recruit_insert_step(ctx, id, j.step, j.on_s, j.signer.id, j.level, j.people, j.data, j.note)))
		goto out;
	if (j.step == 17)
		rc = make_member(&j);
	else if ((j.step == 19 || j.step == 24 || j.step == RSTEP_CANCEL) && j.r.member_id)
		rc = update_member(&j);
	if (rc || (rc = update_recruit(&j, rules_text)))
		goto out;
	jb = recruit_to_json(NULL, &j.r);
	ja = recruit_to_json(NULL, &j.after);
	json_object_set_new(ja, "recorded_step", json_integer(j.step));
	json_object_set_new(ja, "recorded_on", json_string(j.on_s));
	if ((rc = audit_append(ctx, "step", "recruit", id, jb, ja)))
		goto out;
	if ((rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	began = 0;
	rc = recruit_get(ctx, id, out);
out:
	if (began)
		db_rollback(ctx->db);
	timeline_release(&j.tl);
	json_decref(j.data);
	json_decref(rules);
	json_decref(jb);
	json_decref(ja);
	free(rules_text);
	return rc;
}

/* ---- what may come next ---------------------------------------------------------- */

static void next_add(json_t *arr, int step, struct date earliest, const struct date *latest_on, const char *blocked_by)
{
	json_t *e = json_object();
	char d[11];
	json_object_set_new(e, "step", json_integer(step));
	json_object_set_new(e, "name", json_string(recruit_step_name(step)));
	fmt(earliest, d);
	json_object_set_new(e, "earliest", json_string(d));
	if (latest_on) {
		fmt(*latest_on, d);
		json_object_set_new(e, "latest", json_string(d));
	}
	if (blocked_by)
		json_object_set_new(e, "blocked_by", json_string(blocked_by));
	json_array_append_new(arr, e);
}

static struct date later(struct date a, struct date b)
{
	return date_cmp(a, b) >= 0 ? a : b;
}

int recruit_next(struct ctx *ctx, const struct recruit *r, json_t **out)
{
	struct timeline tl = { 0 };
	struct recruit_rules rules;
	const struct rstep *last, *s;
	struct date base, e, lim;
	json_t *arr = json_array();
	const char *blocked;
	int rc, year, cand[3], nc = 0, i;
	int64_t sum, count;
	size_t k;

	if (strcmp(r->status, "active"))
		goto done;
	if ((rc = load_timeline(ctx, r->id, &tl)) || (rc = recruit_rules_load(ctx, r->org_path, &rules)) ||
	    (rc = latest_score(ctx, r->id, &year, &sum, &count)))
		goto fail;
	last = latest(&tl);
	base = last ? last->on : parse_or_zero(r->applied_on);
	if (r->last_step == 6 || r->last_step == 21)
		cand[nc++] = r->last_step;
	if (r->last_step >= 1 && r->last_step < 25)
		cand[nc++] = r->last_step + 1;
	for (i = 0; i < nc; i++) {
		int step = cand[i];
		e = base;
		blocked = NULL;
		switch (step) {
		case 2:
			lim = date_add_months(parse_or_zero(r->applied_on), rules.talk_days);
			next_add(arr, step, e, &lim, NULL);
			continue;
		case 3: e = later(e, date_add_months(parse_or_zero(r->applied_on), rules.activist_wait_months)); break;
		case 7:
			e = later(e, date_add_months(parse_or_zero(r->activist_on), 12));
			s = last_of(&tl, 6);
			if (s && date_cmp(e, date_add_months(s->on, INSPECTION_MONTHS)) > 0)
				blocked = "recruit.inspection_gap";
			else if (rules.scores_enabled && !avg_at_least(sum, count, rules.score_eligible))
				blocked = "recruit.score";
			break;
		case 12:
			s = last_of(&tl, 10);
			if (!s || !s->data || !json_is_string(json_object_get(s->data, "result")) ||
			    strcmp(json_string_value(json_object_get(s->data, "result")), "passed"))
				blocked = "recruit.political_review";
			break;
		case 17:
		case 24: {
			const char *meeting = step == 17 ? r->branch_meeting_on : (last_of(&tl, 23) ? last_of(&tl, 23)->on_s : "");
			lim = date_add_months(parse_or_zero(meeting), rules.approval_max_months);
			if (date_cmp(ctx->today, lim) > 0)
				blocked = "recruit.approval_deadline";
			next_add(arr, step, e, &lim, blocked);
			continue;
		}
		case 22: e = later(e, date_add_days(parse_or_zero(r->probation_end), -FULL_APPLY_DAYS)); break;
		case 23: e = later(e, parse_or_zero(r->probation_end)); break;
		default: break;
		}
		next_add(arr, step, e, NULL, blocked);
	}
	if (r->last_step >= 3 && r->last_step <= 6)
		next_add(arr, RSTEP_REVISIT, base, NULL, NULL);
	if (r->last_step < 17) {
		blocked = NULL;
		if (rules.scores_enabled && r->last_step >= 3 && r->last_step <= 6 && count &&
		    !avg_at_least(sum, count, rules.score_continue) && !last_of(&tl, RSTEP_REVISIT))
			blocked = "recruit.eliminate_revisit";
		next_add(arr, RSTEP_NOT_DEVELOPED, base, NULL, blocked);
	}
	if (in_probation(r)) {
		for (k = 0, blocked = NULL; k < tl.n; k++)
			if (tl.v[k].step == RSTEP_EXTEND)
				blocked = "recruit.extension_once";
		next_add(arr, RSTEP_EXTEND, base, NULL, blocked);
		next_add(arr, RSTEP_CANCEL, base, NULL, NULL);
	}
done:
	timeline_release(&tl);
	*out = arr;
	return 0;
fail:
	timeline_release(&tl);
	json_decref(arr);
	return rc;
}
