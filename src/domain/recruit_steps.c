/*
 * Recording the steps of a recruitment record (RULES.md §1, docs/API.md "Recruitment"):
 * every rule of the per-step table is checked at the moment the step is recorded, in
 * one transaction with the step row, the record update, the registry writes (steps
 * 17, 19, 24, 97) and the audit entries, so a refusal leaves nothing behind. The rules
 * themselves are in domain/recruit_rules.c (shared declarations: recruit_internal.h).
 */
#include "domain/recruit_internal.h"
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

#define NOTE_MAX_CHARS 200

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

static const struct rstep *latest(const struct timeline *t)
{
	const struct rstep *best = NULL;
	size_t i;
	for (i = 0; i < t->n; i++)
		if (!best || date_cmp(t->v[i].on, best->on) >= 0)
			best = &t->v[i];
	return best;
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
			"member_id = ?, rules = ?, version = version + 1, updated_at = ?, "
			"last_inspection_on = COALESCE(?, last_inspection_on) WHERE id = ? AND version = ?",
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
	/* the last 考察 for the reminders (007): a step 6 is never dated before an earlier
	 * step (recruit.date_order), so its date is the latest of the record's step 6 rows */
	stmt_bind_text(st, 15, j->step == 6 ? j->on_s : NULL);
	stmt_bind_int(st, 16, a->id);
	stmt_bind_int(st, 17, j->r.version);
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
	/* RULES.md §3: dues start the month the 支部大会 accepted the person */
	strlcpy_z(m.dues_from, j->r.branch_meeting_on, sizeof(m.dues_from));
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
		if ((rc = recruit_data_int(j, "group_id", 0, &group)))
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
		recruit_data_text(j, "reason", &reason);
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
	strlcpy_z(a->last_on, j->on_s, sizeof(a->last_on)); /* never before the latest step: recruit.date_order */
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
		recruit_data_int(j, "months", 1, &months);
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
	json_object_del(j->data, "reported_to");
	json_object_del(j->data, "reported_to_id");
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
		rc = err_set(&ctx->err, E_RULE, "step", "recruit.status", "该记录已%s，不能再登记「%s」", recruit_status_name(j.r.status),
			     recruit_step_name(j.step));
		goto out;
	}
	if (recruit_order_allows(&j.r, j.step, why, sizeof(why))) {
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
	if ((rc = recruit_resolve_signer(&j)) || (rc = recruit_rules_load(ctx, j.r.org_path, &j.rules)) || (rc = recruit_check_step(&j)))
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
	    (rc = recruit_latest_score(ctx, r->id, &year, &sum, &count)))
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
			else if (r->special[0] && !last_of(&tl, RSTEP_PRIOR_REPORT))
				blocked = "recruit.special_report";
			else if ((rc = recruit_ladder_blocker(ctx, r, &rules, later(e, ctx->today).y, &blocked)))
				goto fail;
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
	if (r->special[0] && r->last_step >= 1 && r->last_step < 7 && !last_of(&tl, RSTEP_PRIOR_REPORT))
		next_add(arr, RSTEP_PRIOR_REPORT, base, NULL, NULL);
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
