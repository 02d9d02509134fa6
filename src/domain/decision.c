/*
 * 四议两公开 (see decision.h). steps_done on the decision row is the order guard: a step
 * is written only with "UPDATE ... SET steps_done = n WHERE steps_done = n - 1 AND
 * version = ?", so two clerks recording the same step cannot both succeed.
 */
#include "domain/decision.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/org.h"
#include "domain/listq.h"
#include "domain/svd_util.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "该决策事项不存在或不在您的管理范围内"
#define STALE_MSG "该决策事项已被他人修改，请刷新后重试"
#define MAX_PEOPLE 100000

enum step_kind { SK_MEETING, SK_VOTE, SK_PUBLISH };

static const struct named steps[DECISION_STEPS] = {
	{ "propose", "党支部提议" },  { "consult", "两委商议" },	   { "review", "党员大会审议" },
	{ "resolve", "村民代表会议决议" }, { "publish_decision", "决议公开" }, { "publish_result", "实施结果公开" },
};
static const enum step_kind step_kinds[DECISION_STEPS] = { SK_MEETING, SK_MEETING, SK_VOTE,
							   SK_VOTE,    SK_PUBLISH, SK_PUBLISH };

const char *decision_step_code(int step)
{
	return step >= 1 && step <= DECISION_STEPS ? steps[step - 1].code : NULL;
}

const char *decision_step_name(int step)
{
	return step >= 1 && step <= DECISION_STEPS ? steps[step - 1].name : NULL;
}

int decision_step_parse(const char *code)
{
	return named_index(steps, DECISION_STEPS, code) + 1;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "decision.role", "只有支部书记或管理员可以记录四议两公开");
	return 0;
}

#define DECISION_COLS                                                                                        \
	"d.id, d.org_id, o.name, d.title, d.content, d.steps_done, d.version, d.created_at, d.updated_at, "      \
	"(SELECT s.held_on FROM village_decision_steps s WHERE s.decision_id = d.id AND s.step = 1), "            \
	"(SELECT max(s.held_on) FROM village_decision_steps s WHERE s.decision_id = d.id), o.path"
#define DECISION_FROM "FROM village_decisions d JOIN orgs o ON o.id = d.org_id"
static const struct svd_col decision_cols[] = {
	{ "id", 'i' },	       { "org_id", 'i' },     { "org_name", 's' },   { "title", 's' },
	{ "content", 's' },    { "steps_done", 'i' }, { "version", 'i' },    { "created_at", 's' },
	{ "updated_at", 's' }, { "started_on", 's' }, { "last_on", 's' },    { "org_path", 's' },
	{ NULL, 0 },
};

/* current step (the last one done) and the next one, by code and name */
static void decision_decorate(json_t *j)
{
	int done = (int)json_integer_value(json_object_get(j, "steps_done"));
	json_object_set_new(j, "current_step", json_str_or_null(decision_step_code(done)));
	json_object_set_new(j, "current_step_name", json_string(done ? decision_step_name(done) : "未提议"));
	json_object_set_new(j, "next_step", json_str_or_null(decision_step_code(done + 1)));
	json_object_set_new(j, "next_step_name", json_str_or_null(decision_step_name(done + 1)));
	json_object_set_new(j, "status", json_string(done >= DECISION_STEPS ? "done" : "running"));
	json_object_set_new(j, "status_name", json_string(done >= DECISION_STEPS ? "已完成" : "进行中"));
	json_object_del(j, "org_path");
}

static int load_decision(struct ctx *ctx, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " DECISION_COLS " " DECISION_FROM " WHERE d.id = ?", &ctx->err);
	int rc;
	if (st)
		stmt_bind_int(st, 1, id);
	if (!(rc = svd_load_row(ctx, st, 11, decision_cols, NOT_FOUND_MSG, out)))
		decision_decorate(*out);
	return rc;
}

/* the six steps, recorded or not, in order */
static int load_timeline(struct ctx *ctx, int64_t id, json_t **out)
{
	static const struct svd_col cols[] = {
		{ "step_no", 'i' }, { "held_on", 's' }, { "participants", 'i' }, { "present", 'i' },
		{ "votes_for", 'i' }, { "votes_against", 'i' }, { "votes_abstain", 'i' }, { "place", 's' },
		{ "note", 's' }, { "username", 's' }, { "created_at", 's' }, { NULL, 0 },
	};
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT s.step, s.held_on, s.participants, s.present, s.votes_for, s.votes_against, "
				     "s.votes_abstain, s.place, s.note, u.username, s.created_at FROM village_decision_steps s "
				     "LEFT JOIN users u ON u.id = s.user_id WHERE s.decision_id = ? ORDER BY s.step",
				     &ctx->err);
	json_t *rows = json_array(), *arr = json_array(), *r;
	size_t i;
	int n, rc;
	*out = NULL;
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, id);
	if ((rc = svd_rows(ctx, st, cols, rows)))
		goto out;
	for (n = 1; n <= DECISION_STEPS; n++) {
		json_t *x = NULL;
		json_array_foreach(rows, i, r)
			if (json_integer_value(json_object_get(r, "step_no")) == n)
				x = json_deep_copy(r);
		if (!x)
			x = json_pack("{s:i}", "step_no", n);
		json_object_set_new(x, "step", json_string(decision_step_code(n)));
		json_object_set_new(x, "name", json_string(decision_step_name(n)));
		json_object_set_new(x, "kind", json_string(step_kinds[n - 1] == SK_VOTE ? "vote"
							    : step_kinds[n - 1] == SK_PUBLISH ? "publish" : "meeting"));
		json_object_set_new(x, "done", json_boolean(json_object_get(x, "held_on") != NULL &&
							    !json_is_null(json_object_get(x, "held_on"))));
		json_array_append_new(arr, x);
	}
	*out = arr;
	arr = NULL;
out:
	json_decref(rows);
	json_decref(arr);
	return rc;
}

int decision_get(struct ctx *ctx, int64_t id, json_t **out)
{
	json_t *j = NULL, *tl = NULL;
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_decision(ctx, id, &j)) || (rc = load_timeline(ctx, id, &tl)))
		goto out;
	json_object_set_new(j, "steps", tl);
	*out = j;
	j = NULL;
out:
	json_decref(j);
	return rc;
}

int decision_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct stmt *st;
	char *title = NULL, *content = NULL;
	int64_t org_id;
	int rc;
	int nested = 0;

	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_int_required(ctx, body, "org_id", "村党组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = svd_text(ctx, body, "title", "决策事项", SVD_LINE_MAX_CHARS, 1, 0, &title)) ||
	    (rc = svd_text(ctx, body, "content", "事项内容", SVD_TEXT_MAX_CHARS, 0, 1, &content)))
		goto out;
	if (!org_kind_is_branch(o.kind)) {
		rc = err_set(&ctx->err, E_RULE, "org_id", "decision.org_kind", "四议两公开由村党支部提议，“%s”不是党支部", o.name);
		goto out;
	}
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "INSERT INTO village_decisions (org_id, title, content, created_by, created_at, updated_at) "
				 "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				 &st)))
		goto out;
	stmt_bind_int(st, 1, o.id);
	stmt_bind_text(st, 2, title);
	stmt_bind_text(st, 3, content);
	ctx_bind_user(ctx, st, 4);
	stmt_bind_text(st, 5, ctx->now_iso);
	stmt_bind_text(st, 6, ctx->now_iso);
	rc = svd_insert(ctx, nested, st, "decision", load_decision, id);
out:
	free(title);
	free(content);
	return rc;
}

static const struct svd_item_spec decision_item = { decision_cols, decision_decorate };

#define DJ_STR_(x) #x
#define DJ_STR(x) DJ_STR_(x)
#define STEP_SQL "(SELECT 1 FROM village_decision_steps s WHERE s.decision_id = d.id AND s.step = 1 AND s.held_on "
int decision_list(struct ctx *ctx, const struct decision_filter *f, int page, int per_page, json_t **items,
		  int64_t *total)
{
	/* unfinished first, then the latest activity on top */
	static const struct listq_sql sql = {
		"SELECT count(*) " DECISION_FROM,
		"SELECT " DECISION_COLS " " DECISION_FROM,
		" ORDER BY CASE WHEN d.steps_done < " DJ_STR(DECISION_STEPS) " THEN 0 ELSE 1 END, d.updated_at DESC, d.id DESC",
	};
	struct listq q;
	int rc;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)))
		return rc;
	listq_init(&q);
	if (!(rc = listq_subtree(ctx, &q, "o.path", f->org_id))) {
		if (f->done == 0)
			listq_where_int(&q, "d.steps_done < ?", DECISION_STEPS);
		else if (f->done == 1)
			listq_where_int(&q, "d.steps_done = ?", DECISION_STEPS);
		if (f->step >= 0)
			listq_where_int(&q, "d.steps_done = ?", f->step);
		listq_filter_text(&q, "EXISTS " STEP_SQL ">= ?)", f->from);
		listq_filter_text(&q, "EXISTS " STEP_SQL "<= ?)", f->to);
		listq_filter_contains(&q, "(d.title LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')", 2, f->q);
		rc = listq_list(ctx, &q, &sql, page, per_page, svd_item, (void *)&decision_item, items, total);
	}
	listq_release(&q);
	return rc;
}

/* ---- editing ---------------------------------------------------------------------- */

/*
 * The matter's title and content are corrected in place (versioned, audited) while the
 * decision is under way; once 实施结果公开 is recorded the six steps are the public record
 * and the matter stands as it was published (409 decision.done).
 */
int decision_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct stmt *st;
	char *title = NULL, *content = NULL;
	json_t *cur = NULL, *after = NULL, *v;
	int64_t version;
	int rc, nested = 0;

	if ((rc = require_officer(ctx)) || (rc = load_decision(ctx, id, &cur)) || (rc = svd_version(ctx, body, &version)))
		goto out;
	if (json_integer_value(json_object_get(cur, "steps_done")) >= DECISION_STEPS) {
		rc = err_set(&ctx->err, E_CONFLICT, "status", "decision.done", "该事项的四议两公开已全部完成并公开，不能再修改");
		goto out;
	}
	if ((v = json_object_get(body, "title"))) {
		if ((rc = svd_text(ctx, body, "title", "决策事项", SVD_LINE_MAX_CHARS, 1, 0, &title)))
			goto out;
	} else {
		title = xstrdup(json_string_value(json_object_get(cur, "title")) ? json_string_value(json_object_get(cur, "title"))
										  : "");
	}
	if (json_object_get(body, "content")) {
		if ((rc = svd_text(ctx, body, "content", "事项内容", SVD_TEXT_MAX_CHARS, 0, 1, &content)))
			goto out;
	} else if (json_string_value(json_object_get(cur, "content"))) {
		content = xstrdup(json_string_value(json_object_get(cur, "content")));
	}
	if (json_integer_value(json_object_get(cur, "version")) != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto out;
	}
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "UPDATE village_decisions SET title = ?, content = ?, updated_at = ?, version = version + 1 WHERE id = ? "
				 "AND version = ? AND steps_done < ?",
				 &st)))
		goto out;
	stmt_bind_text(st, 1, title);
	stmt_bind_text(st, 2, content);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_int(st, 6, DECISION_STEPS);
	if ((rc = field_run_versioned(ctx, st, 3, id, version, STALE_MSG)))
		goto rollback;
	if ((rc = load_decision(ctx, id, &after)) || (rc = audit_append(ctx, "update", "decision", id, cur, after)) ||
	    (rc = svd_commit(ctx, nested)))
		goto rollback;
	goto out;
rollback:
	svd_rollback(ctx, nested);
out:
	json_decref(cur);
	json_decref(after);
	free(title);
	free(content);
	return rc;
}

/* ---- steps ----------------------------------------------------------------------- */

struct step_rec {
	int n;
	struct date held;
	int64_t participants, present, votes_for, votes_against, votes_abstain;
	int has_participants, has_present, has_for, has_against, has_abstain;
	char *place, *note;
};

/* the fields each kind of step needs, and the vote rules */
static int read_step_fields(struct ctx *ctx, json_t *body, struct step_rec *s)
{
	enum step_kind k = step_kinds[s->n - 1];
	int rc;
	if ((rc = svd_text(ctx, body, "note", "备注", SVD_TEXT_MAX_CHARS, 0, 1, &s->note)))
		return rc;
	if (k == SK_PUBLISH)
		return svd_text(ctx, body, "place", "公开地点（方式）", SVD_LINE_MAX_CHARS, 1, 0, &s->place);
	if ((rc = svd_int(ctx, body, "participants", k == SK_VOTE ? "应到人数" : "参加人数", 1, MAX_PEOPLE,
			  &s->participants, &s->has_participants)))
		return rc;
	if (!s->has_participants)
		return err_set(&ctx->err, E_INVALID, "participants", "field.required", "%s不能为空",
			       k == SK_VOTE ? "应到人数" : "参加人数");
	if (k == SK_MEETING)
		return 0;
	if ((rc = svd_int(ctx, body, "present", "实到人数", 0, MAX_PEOPLE, &s->present, &s->has_present)) ||
	    (rc = svd_int(ctx, body, "votes_for", "赞成票", 0, MAX_PEOPLE, &s->votes_for, &s->has_for)) ||
	    (rc = svd_int(ctx, body, "votes_against", "反对票", 0, MAX_PEOPLE, &s->votes_against, &s->has_against)) ||
	    (rc = svd_int(ctx, body, "votes_abstain", "弃权票", 0, MAX_PEOPLE, &s->votes_abstain, &s->has_abstain)))
		return rc;
	if (!s->has_present)
		return err_set(&ctx->err, E_INVALID, "present", "field.required", "实到人数不能为空");
	if (!s->has_for)
		return err_set(&ctx->err, E_INVALID, "votes_for", "field.required", "赞成票不能为空");
	if (s->present > s->participants)
		return err_set(&ctx->err, E_INVALID, "present", "decision.votes", "实到人数 %" PRId64 " 不能多于应到人数 %" PRId64,
			       s->present, s->participants);
	if (s->votes_for + s->votes_against + s->votes_abstain > s->present)
		return err_set(&ctx->err, E_INVALID, "votes_for", "decision.votes",
			       "赞成、反对、弃权合计 %" PRId64 " 票，多于实到人数 %" PRId64,
			       s->votes_for + s->votes_against + s->votes_abstain, s->present);
	/* a meeting of fewer than half cannot decide anything */
	if (s->present * 2 <= s->participants)
		return err_set(&ctx->err, E_RULE, "present", "decision.quorum", "%s须过半数到会：应到 %" PRId64 " 人，实到 %" PRId64 " 人",
			       steps[s->n - 1].name, s->participants, s->present);
	if (s->votes_for * 2 <= s->present)
		return err_set(&ctx->err, E_RULE, "votes_for", "decision.vote",
			       "%s须经到会人员过半数同意：实到 %" PRId64 " 人，赞成 %" PRId64 " 票，未过半数",
			       steps[s->n - 1].name, s->present, s->votes_for);
	return 0;
}

/* the previous step's date, or "" for the first */
static int previous_date(struct ctx *ctx, int64_t id, int n, char *out)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT held_on FROM village_decision_steps WHERE decision_id = ? AND step = ?",
				     &ctx->err);
	int step;
	out[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, n - 1);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, out, 11);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static void bind_opt(struct stmt *st, int idx, int has, int64_t v)
{
	if (has)
		stmt_bind_int(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

static int insert_step(struct ctx *ctx, int64_t id, const struct step_rec *s)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO village_decision_steps (decision_id, step, held_on, participants, present, "
				     "votes_for, votes_against, votes_abstain, place, note, user_id, created_at) VALUES "
				     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char held[11];
	int vote = step_kinds[s->n - 1] == SK_VOTE;
	if (!st)
		return E_DB;
	date_format(s->held, held);
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, s->n);
	stmt_bind_text(st, 3, held);
	bind_opt(st, 4, s->has_participants, s->participants);
	bind_opt(st, 5, vote, s->present);
	bind_opt(st, 6, vote, s->votes_for);
	bind_opt(st, 7, vote, s->votes_against);
	bind_opt(st, 8, vote, s->votes_abstain);
	stmt_bind_text(st, 9, s->place);
	stmt_bind_text(st, 10, s->note);
	ctx_bind_user(ctx, st, 11);
	stmt_bind_text(st, 12, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

int decision_record_step(struct ctx *ctx, int64_t id, json_t *body)
{
	struct step_rec s;
	struct stmt *st;
	struct date prev;
	char prev_s[11];
	json_t *cur = NULL, *after = NULL, *v;
	int64_t version, done;
	int rc;
	int nested = 0;

	memset(&s, 0, sizeof(s));
	if ((rc = require_officer(ctx)) || (rc = load_decision(ctx, id, &cur)) || (rc = svd_version(ctx, body, &version)))
		goto out;
	v = json_object_get(body, "step");
	if (!v || json_is_null(v)) {
		rc = err_set(&ctx->err, E_INVALID, "step", "field.required", "步骤不能为空");
		goto out;
	}
	if (!json_is_string(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "step", NULL, "字段 step 必须是字符串");
		goto out;
	}
	if (!(s.n = decision_step_parse(json_string_value(v)))) {
		rc = err_set(&ctx->err, E_INVALID, "step", "decision.step_code",
			     "步骤须为 propose、consult、review、resolve、publish_decision 或 publish_result");
		goto out;
	}
	done = json_integer_value(json_object_get(cur, "steps_done"));
	if (s.n != done + 1) {
		rc = s.n <= done ? err_set(&ctx->err, E_CONFLICT, "step", "decision.step", "“%s”已经记录", steps[s.n - 1].name)
				 : err_set(&ctx->err, E_CONFLICT, "step", "decision.step", "须按顺序进行：下一步是“%s”，不能先记录“%s”",
					   steps[done].name, steps[s.n - 1].name);
		goto out;
	}
	if ((rc = svd_date(ctx, body, "held_on", s.n >= 5 ? "公开日期" : "会议日期", NULL, 1, &s.held)) ||
	    (rc = previous_date(ctx, id, s.n, prev_s)))
		goto out;
	if (prev_s[0] && !date_parse(prev_s, &prev) && date_cmp(s.held, prev) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "held_on", "decision.date", "“%s”的日期不能早于上一步“%s”的日期 %s",
			     steps[s.n - 1].name, steps[s.n - 2].name, prev_s);
		goto out;
	}
	if ((rc = read_step_fields(ctx, body, &s)))
		goto out;
	if (json_integer_value(json_object_get(cur, "version")) != version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
		goto out;
	}
	if ((rc = svd_begin_stmt(ctx, &nested,
				 "UPDATE village_decisions SET steps_done = ?, updated_at = ?, version = version + 1 WHERE id = ? AND "
				 "version = ? AND steps_done = ?",
				 &st)))
		goto out;
	stmt_bind_int(st, 1, s.n);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 5, s.n - 1);
	if ((rc = field_run_versioned(ctx, st, 2, id, version, STALE_MSG)))
		goto rollback;
	if ((rc = insert_step(ctx, id, &s)) || (rc = decision_get(ctx, id, &after)) ||
	    (rc = audit_append(ctx, steps[s.n - 1].code, "decision", id, cur, after)) || (rc = svd_commit(ctx, nested)))
		goto rollback;
	goto out;
rollback:
	svd_rollback(ctx, nested);
out:
	json_decref(cur);
	json_decref(after);
	free(s.place);
	free(s.note);
	return rc;
}
