/*
 * 党建项目化管理 (see project.h). A stage change is one UPDATE guarded by the row's
 * version and its current stage, so two clerks acting at once cannot both move the
 * project; the ledger row and the audit entry land in the same transaction.
 */
#include "domain/project.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/org.h"
#include "domain/points.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "项目不存在或不在您的管理范围内"
#define STALE_MSG "项目已被他人修改，请刷新后重试"

static const struct named stages[PS__COUNT] = {
	[PS_APPLY] = { "apply", "申报" },	  [PS_FILE] = { "file", "备案" },	    [PS_IMPLEMENT] = { "implement", "实施" },
	[PS_CONCLUDE] = { "conclude", "结题" }, [PS_ACCEPT] = { "accept", "验收" }, [PS_EVALUATE] = { "evaluate", "评估" },
	[PS_REWARD] = { "reward", "激励" },
};

static const struct named types[] = {
	{ "innovation", "基础工作创新型" },
	{ "demonstration", "重点工作示范型" },
	{ "promotion", "特色工作推广型" },
};

/* the 评估 dimensions, in the order of values[] and weights[] */
static const struct named dims[4] = {
	{ "goal_rate", "目标实现率" },
	{ "mass_rate", "群众满意率" },
	{ "benefit", "综合效益" },
	{ "promotion", "可推广性" },
};
static const enum config_key dim_keys[4] = { CFG_PROJECT_WEIGHT_GOAL, CFG_PROJECT_WEIGHT_SATISFACTION,
					     CFG_PROJECT_WEIGHT_BENEFIT, CFG_PROJECT_WEIGHT_PROMOTION };

int project_stage_parse(const char *s)
{
	return named_index(stages, PS__COUNT, s);
}

const char *project_stage_name(int stage)
{
	return named_name_at(stages, PS__COUNT, stage);
}

int project_type_parse(const char *s)
{
	return named_index(types, NAMED_COUNT(types), s);
}

int project_score_centi(const int values[4], const int weights[4])
{
	int i, sum = 0;
	for (i = 0; i < 4; i++)
		sum += values[i] * weights[i];
	return sum; /* Σ value(0..100) × weight(%) = score × 100 */
}

void project_weights(const struct ctx *ctx, int weights[4])
{
	int i;
	for (i = 0; i < 4; i++)
		weights[i] = (int)(ctx->cfg ? config_int(ctx->cfg, dim_keys[i]) : strtoll(config_defs[dim_keys[i]].def, NULL, 10));
}

/* the 等次 a clerk reads off a score: 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60 */
static const char *grade_of(int score_centi)
{
	if (score_centi >= 9000)
		return "优秀";
	if (score_centi >= 7500)
		return "良好";
	if (score_centi >= 6000)
		return "合格";
	return "不合格";
}

struct project {
	int64_t id, org_id, lead_org_id, secretary_member_id;
	char org_path[PATH_MAX_LEN], lead_path[PATH_MAX_LEN];
	char org_name[128], lead_name[128], secretary_name[96];
	char type[16], name[320];
	int leader_led, year, stage, returned;
	char *summary, *goal, *return_reason, *report, *onsite, *reward; /* owned; NULL = none */
	char start_on[11], end_on[11];
	int64_t budget_fen, reward_fen; /* -1 = none */
	int expert_score, satisfaction; /* -1 = none */
	int values[4], weights[4], score_centi; /* score_centi -1 = not evaluated */
	int64_t version;
	char created_at[21], updated_at[21];
};

static void project_release(struct project *p)
{
	free(p->summary);
	free(p->goal);
	free(p->return_reason);
	free(p->report);
	free(p->onsite);
	free(p->reward);
	memset(p, 0, sizeof(*p));
}

#define PROJECT_COLS                                                                                          \
	"p.id, p.org_id, p.org_path, o.name, p.lead_org_id, l.path, l.name, p.secretary_member_id, m.name, "  \
	"p.type, p.leader_led, p.name, p.year, p.summary, p.goal, p.start_on, p.end_on, p.budget_fen, p.stage, " \
	"p.returned, p.return_reason, p.conclude_report, p.onsite, p.expert_score, p.satisfaction, p.goal_rate, " \
	"p.mass_rate, p.benefit, p.promotion, p.w_goal, p.w_mass, p.w_benefit, p.w_promotion, p.score_centi, "   \
	"p.reward, p.reward_fen, p.version, p.created_at, p.updated_at"
#define PROJECT_FROM                                                                                        \
	" FROM projects p JOIN orgs o ON o.id = p.org_id JOIN orgs l ON l.id = p.lead_org_id JOIN members m ON " \
	"m.id = p.secretary_member_id "

static char *dup_col(struct stmt *st, int col)
{
	const char *s = stmt_text(st, col);
	return s ? xstrdup(s) : NULL;
}

static int int_col(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? -1 : (int)stmt_int(st, col);
}

static void read_project(struct stmt *st, struct project *p)
{
	int i;
	memset(p, 0, sizeof(*p));
	p->id = stmt_int(st, 0);
	p->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, p->org_path, sizeof(p->org_path));
	stmt_text_copy(st, 3, p->org_name, sizeof(p->org_name));
	p->lead_org_id = stmt_int(st, 4);
	stmt_text_copy(st, 5, p->lead_path, sizeof(p->lead_path));
	stmt_text_copy(st, 6, p->lead_name, sizeof(p->lead_name));
	p->secretary_member_id = stmt_int(st, 7);
	stmt_text_copy(st, 8, p->secretary_name, sizeof(p->secretary_name));
	stmt_text_copy(st, 9, p->type, sizeof(p->type));
	p->leader_led = (int)stmt_int(st, 10);
	stmt_text_copy(st, 11, p->name, sizeof(p->name));
	p->year = (int)stmt_int(st, 12);
	p->summary = dup_col(st, 13);
	p->goal = dup_col(st, 14);
	stmt_text_copy(st, 15, p->start_on, sizeof(p->start_on));
	stmt_text_copy(st, 16, p->end_on, sizeof(p->end_on));
	p->budget_fen = stmt_is_null(st, 17) ? -1 : stmt_int(st, 17);
	p->stage = project_stage_parse(stmt_text(st, 18));
	p->returned = (int)stmt_int(st, 19);
	p->return_reason = dup_col(st, 20);
	p->report = dup_col(st, 21);
	p->onsite = dup_col(st, 22);
	p->expert_score = int_col(st, 23);
	p->satisfaction = int_col(st, 24);
	for (i = 0; i < 4; i++) {
		p->values[i] = int_col(st, 25 + i);
		p->weights[i] = int_col(st, 29 + i);
	}
	p->score_centi = int_col(st, 33);
	p->reward = dup_col(st, 34);
	p->reward_fen = stmt_is_null(st, 35) ? -1 : stmt_int(st, 35);
	p->version = stmt_int(st, 36);
	stmt_text_copy(st, 37, p->created_at, sizeof(p->created_at));
	stmt_text_copy(st, 38, p->updated_at, sizeof(p->updated_at));
}

/* ---- who may act ------------------------------------------------------------------ */

/* The owner files and the lead org judges: an admin above the lead org (who could do both)
 * acts as the lead only, so nobody approves their own filing; the system admin may do both. */
static int owner_side_of(const struct ctx *ctx, const char *org_path, const char *lead_path)
{
	return ctx->actor.role >= ROLE_SECRETARY && ctx_path_in_scope(ctx, org_path) &&
	       (ctx->actor.role == ROLE_SYSADMIN || !ctx_path_in_scope(ctx, lead_path));
}

static int is_owner_side(const struct ctx *ctx, const struct project *p)
{
	return owner_side_of(ctx, p->org_path, p->lead_path);
}

static int is_lead_side(const struct ctx *ctx, const struct project *p)
{
	return ctx->actor.role >= ROLE_ORG_ADMIN && ctx_path_in_scope(ctx, p->lead_path);
}

/* the stage a transition to `to` is done by: 1 = the lead org, 0 = the owner */
static int stage_by_lead(int to)
{
	return to == PS_FILE || to == PS_ACCEPT || to == PS_EVALUATE || to == PS_REWARD;
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *score_json(int score_centi)
{
	return score_centi < 0 ? json_null() : json_real(score_centi / 100.0);
}

static json_t *project_head_json(const struct project *p)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "type", json_string(p->type));
	json_object_set_new(j, "type_name", json_str_or_null(named_name_of(types, NAMED_COUNT(types), p->type)));
	json_object_set_new(j, "leader_led", json_boolean(p->leader_led));
	json_object_set_new(j, "org_id", json_integer(p->org_id));
	json_object_set_new(j, "org_name", json_string(p->org_name));
	json_object_set_new(j, "lead_org_id", json_integer(p->lead_org_id));
	json_object_set_new(j, "lead_org_name", json_string(p->lead_name));
	json_object_set_new(j, "secretary_member_id", json_integer(p->secretary_member_id));
	json_object_set_new(j, "secretary_name", json_string(p->secretary_name));
	json_object_set_new(j, "year", json_integer(p->year));
	json_object_set_new(j, "stage", json_string(named_code_at(stages, PS__COUNT, p->stage)));
	json_object_set_new(j, "stage_name", json_string(project_stage_name(p->stage)));
	json_object_set_new(j, "returned", json_boolean(p->returned));
	json_object_set_new(j, "status_name",
			    json_string(p->returned ? "已退回" : p->stage == PS_APPLY ? "待备案" : project_stage_name(p->stage)));
	json_object_set_new(j, "score", score_json(p->score_centi));
	json_object_set_new(j, "grade", p->score_centi < 0 ? json_null() : json_string(grade_of(p->score_centi)));
	json_object_set_new(j, "version", json_integer(p->version));
	json_object_set_new(j, "updated_at", json_string(p->updated_at));
	return j;
}

static json_t *project_detail_json(const struct project *p)
{
	json_t *j = project_head_json(p), *ev;
	int i;
	json_object_set_new(j, "summary", json_str_or_null(p->summary));
	json_object_set_new(j, "goal", json_str_or_null(p->goal));
	json_object_set_new(j, "start_on", json_str_or_null(p->start_on[0] ? p->start_on : NULL));
	json_object_set_new(j, "end_on", json_str_or_null(p->end_on[0] ? p->end_on : NULL));
	json_object_set_new(j, "budget_fen", int_or_null(p->budget_fen));
	json_object_set_new(j, "return_reason", json_str_or_null(p->return_reason));
	json_object_set_new(j, "conclude_report", json_str_or_null(p->report));
	json_object_set_new(j, "acceptance",
			    p->expert_score < 0 ? json_null()
						: json_pack("{s:s?, s:i, s:i}", "onsite", p->onsite, "expert_score",
							    p->expert_score, "satisfaction", p->satisfaction));
	if (p->score_centi >= 0) {
		json_t *w = json_object();
		ev = json_object();
		for (i = 0; i < 4; i++) {
			json_object_set_new(ev, dims[i].code, json_integer(p->values[i]));
			json_object_set_new(w, dims[i].code, json_integer(p->weights[i]));
		}
		json_object_set_new(ev, "weights", w);
		json_object_set_new(ev, "score", score_json(p->score_centi));
		json_object_set_new(ev, "grade", json_string(grade_of(p->score_centi)));
	} else {
		ev = json_null();
	}
	json_object_set_new(j, "evaluation", ev);
	json_object_set_new(j, "reward",
			    p->reward ? json_pack("{s:s, s:o}", "text", p->reward, "fen", int_or_null(p->reward_fen))
				      : json_null());
	json_object_set_new(j, "created_at", json_string(p->created_at));
	return j;
}

/* ---- reading --------------------------------------------------------------------- */

/* The project row (no scope check): 0, E_NOTFOUND or a store error. */
static int load_row(struct ctx *ctx, int64_t id, struct project *p)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " PROJECT_COLS PROJECT_FROM "WHERE p.id = ?", &ctx->err);
	int step;
	memset(p, 0, sizeof(*p));
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		read_project(st, p);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return step == STEP_ROW ? 0 : err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
}

static int load_project(struct ctx *ctx, int64_t id, struct project *p)
{
	int rc = load_row(ctx, id, p);
	if (!rc && !ctx_path_in_scope(ctx, p->org_path)) {
		project_release(p);
		rc = err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return rc;
}

/* the latest review per quarter, in quarter order: what the review rules look at */
struct quarter_state {
	int year, quarter, returned, approved;
};

static int load_reviews(struct ctx *ctx, int64_t id, json_t **arr, struct quarter_state *qs, int *nqs, int max_qs)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, year, quarter, result, reason, note, reviewed_on, reviewer FROM "
				     "project_reviews WHERE project_id = ? ORDER BY year, quarter, id",
				     &ctx->err);
	int step;
	*nqs = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int y = (int)stmt_int(st, 1), q = (int)stmt_int(st, 2);
		int returned = !strcmp(stmt_text(st, 3), "returned");
		if (arr)
			json_array_append_new(*arr, json_pack("{s:I, s:i, s:i, s:s, s:s, s:s?, s:s?, s:s, s:s}", "id",
							      (json_int_t)stmt_int(st, 0), "year", y, "quarter", q,
							      "result", stmt_text(st, 3), "result_name",
							      returned ? "退回" : "通过", "reason", stmt_text(st, 4),
							      "note", stmt_text(st, 5), "reviewed_on", stmt_text(st, 6),
							      "reviewer", stmt_text(st, 7)));
		if (*nqs > 0 && qs[*nqs - 1].year == y && qs[*nqs - 1].quarter == q) {
			qs[*nqs - 1].returned = returned;
			qs[*nqs - 1].approved = !returned;
		} else if (*nqs < max_qs) {
			qs[*nqs].year = y;
			qs[*nqs].quarter = q;
			qs[*nqs].returned = returned;
			qs[*nqs].approved = !returned;
			(*nqs)++;
		}
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int load_ledger(struct ctx *ctx, int64_t id, json_t **items)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, happened_on, at, actor, action, stage, note FROM project_ledger WHERE "
				     "project_id = ? ORDER BY id",
				     &ctx->err);
	json_t *arr = json_array();
	int step;
	*items = NULL;
	if (!st) {
		json_decref(arr);
		return E_DB;
	}
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id",
						     (json_int_t)stmt_int(st, 0), "date", stmt_text(st, 1), "at",
						     stmt_text(st, 2), "actor", stmt_text(st, 3), "action",
						     stmt_text(st, 4), "stage", stmt_text(st, 5), "stage_name",
						     project_stage_name(project_stage_parse(stmt_text(st, 5))), "note",
						     stmt_text(st, 6)));
	stmt_reset(st);
	if (step != STEP_DONE) {
		json_decref(arr);
		return ctx_db_fail(ctx);
	}
	*items = arr;
	return 0;
}

#define MAX_QUARTERS 64

static json_t *actions_json(const struct ctx *ctx, const struct project *p, const struct quarter_state *qs, int nqs)
{
	json_t *a = json_array();
	int owner = is_owner_side(ctx, p), lead = is_lead_side(ctx, p), i, approved = 0, returned = 0;
	/* 结题 is offered once 实施 is reviewed (check_reviews_done says why otherwise) */
	for (i = 0; i < nqs; i++)
		qs[i].returned ? returned++ : approved++;
	if (p->stage == PS_APPLY && p->returned && owner)
		json_array_append_new(a, json_string("resubmit"));
	if (p->stage == PS_APPLY && !p->returned && lead) {
		json_array_append_new(a, json_string("file"));
		json_array_append_new(a, json_string("return"));
	}
	if (p->stage == PS_IMPLEMENT && lead)
		json_array_append_new(a, json_string("review"));
	if (p->stage + 1 < PS__COUNT && p->stage != PS_APPLY && (p->stage != PS_IMPLEMENT || (approved && !returned)) &&
	    (stage_by_lead(p->stage + 1) ? lead : owner))
		json_array_append_new(a, json_string(named_code_at(stages, PS__COUNT, p->stage + 1)));
	return a;
}

int project_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct project p;
	struct quarter_state qs[MAX_QUARTERS];
	json_t *j = NULL, *reviews = json_array(), *ledger = NULL;
	int rc, nqs = 0;
	*out = NULL;
	if ((rc = load_project(ctx, id, &p)))
		goto out;
	if ((rc = load_reviews(ctx, id, &reviews, qs, &nqs, MAX_QUARTERS)) || (rc = load_ledger(ctx, id, &ledger)))
		goto out;
	j = project_detail_json(&p);
	json_object_set_new(j, "reviews", reviews);
	json_object_set_new(j, "ledger", ledger);
	json_object_set_new(j, "actions", actions_json(ctx, &p, qs, nqs));
	reviews = ledger = NULL;
	*out = j;
out:
	json_decref(reviews);
	json_decref(ledger);
	project_release(&p);
	return rc;
}

int project_ledger(struct ctx *ctx, int64_t id, json_t **items)
{
	struct project p;
	int rc;
	*items = NULL;
	if ((rc = load_row(ctx, id, &p)))
		return rc;
	/* public: the project's subtree may see its own org's projects, members included */
	if (!ctx_path_in_scope(ctx, p.org_path) && strncmp(ctx->actor.org_path, p.org_path, strlen(p.org_path)))
		rc = err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	else
		rc = load_ledger(ctx, id, items);
	project_release(&p);
	return rc;
}

/*
 * A member's view of the public ledger (GET /me/projects): the projects owned by the
 * member's own branch and by each org above it, from 备案 on (a 申报 not yet filed is not
 * public), with the public fields only — no budget, reward money, scores of the
 * acceptance, return reasons or the people who acted — and each project's ledger
 * (date, action, stage, note). At most PROJECT_MINE_MAX, 书记领衔 first, newest year first.
 */
#define PROJECT_MINE_MAX 200
#define PROJECT_MINE_DEPTH 16

static json_t *public_project_json(const struct project *p)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "type", json_string(p->type));
	json_object_set_new(j, "type_name", json_str_or_null(named_name_of(types, NAMED_COUNT(types), p->type)));
	json_object_set_new(j, "leader_led", json_boolean(p->leader_led));
	json_object_set_new(j, "org_id", json_integer(p->org_id));
	json_object_set_new(j, "org_name", json_string(p->org_name));
	json_object_set_new(j, "lead_org_name", json_string(p->lead_name));
	json_object_set_new(j, "secretary_name", json_string(p->secretary_name));
	json_object_set_new(j, "year", json_integer(p->year));
	json_object_set_new(j, "stage", json_string(named_code_at(stages, PS__COUNT, p->stage)));
	json_object_set_new(j, "stage_name", json_string(project_stage_name(p->stage)));
	json_object_set_new(j, "summary", json_str_or_null(p->summary));
	json_object_set_new(j, "goal", json_str_or_null(p->goal));
	json_object_set_new(j, "start_on", json_str_or_null(p->start_on[0] ? p->start_on : NULL));
	json_object_set_new(j, "end_on", json_str_or_null(p->end_on[0] ? p->end_on : NULL));
	json_object_set_new(j, "grade", p->score_centi < 0 ? json_null() : json_string(grade_of(p->score_centi)));
	return j;
}

/* the ledger without who acted and when it was typed in */
static void ledger_public(json_t *ledger)
{
	size_t i;
	json_t *e;
	json_array_foreach(ledger, i, e) {
		json_object_del(e, "actor");
		json_object_del(e, "at");
	}
}

int project_mine(struct ctx *ctx, json_t **out)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	char path[PATH_MAX_LEN] = "", anc[PROJECT_MINE_DEPTH][PATH_MAX_LEN], org_name[256] = "";
	json_t *arr = json_array();
	size_t len, i;
	int n = 0, k, step, rc = 0;
	int64_t org_id = 0;

	*out = NULL;
	if (!ctx->actor.member_id) {
		rc = err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "该账号没有关联党员档案");
		goto out;
	}
	if (!(st = db_prepare(ctx->db,
			      "SELECT m.org_path, m.org_id, o.name FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?",
			      &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, ctx->actor.member_id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		stmt_text_copy(st, 0, path, sizeof(path));
		org_id = stmt_int(st, 1);
		stmt_text_copy(st, 2, org_name, sizeof(org_name));
	}
	stmt_reset(st);
	if (step < 0) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (step != STEP_ROW) {
		rc = err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "该账号没有关联党员档案");
		goto out;
	}
	/* "/1/7/12/" → "/1/", "/1/7/", "/1/7/12/": the branch and every org above it */
	len = strlen(path);
	for (i = 1; i < len && n < PROJECT_MINE_DEPTH; i++)
		if (path[i] == '/') {
			memcpy(anc[n], path, i + 1);
			anc[n][i + 1] = '\0';
			n++;
		}
	if (!n)
		goto done;
	strbuf_addstr(&sql, "SELECT " PROJECT_COLS PROJECT_FROM "WHERE p.stage <> 'apply' AND p.org_path IN (");
	for (k = 0; k < n; k++)
		strbuf_addstr(&sql, k ? ", ?" : "?");
	strbuf_addf(&sql, ") ORDER BY p.leader_led DESC, p.year DESC, p.id DESC LIMIT %d", PROJECT_MINE_MAX);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	for (k = 0; k < n; k++)
		stmt_bind_text(st, k + 1, anc[k]);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct project p;
		read_project(st, &p);
		json_array_append_new(arr, public_project_json(&p));
		project_release(&p);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *j = json_array_get(arr, i), *ledger = NULL;
		if ((rc = load_ledger(ctx, json_integer_value(json_object_get(j, "id")), &ledger)))
			goto out;
		ledger_public(ledger);
		json_object_set_new(j, "ledger", ledger);
	}
done:
	*out = json_pack("{s:I, s:s, s:O, s:I}", "org_id", (json_int_t)org_id, "org_name", org_name, "items", arr,
			 "total", (json_int_t)json_array_size(arr));
out:
	json_decref(arr);
	strbuf_release(&sql);
	return rc;
}

/* LIKE pattern for "contains q", with % _ \ escaped */
static void like_pattern(const char *q, struct strbuf *sb)
{
	strbuf_addch(sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *q);
	}
	strbuf_addch(sb, '%');
}

int project_list(struct ctx *ctx, const struct project_filter *f, int page, int per_page, json_t **items,
		 int64_t *total)
{
	struct org root;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT, like = STRBUF_INIT;
	struct stmt *st = NULL;
	char hi[PATH_MAX_LEN];
	const char *texts[4];
	json_t *arr = NULL;
	int ntext = 0, rc, step, pass, i;

	*items = NULL;
	*total = 0;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "project.role", "只有支部书记或管理员可以查看项目列表");
	if ((rc = org_scope_root(ctx, f->org, &root)))
		return rc;
	if (f->type && project_type_parse(f->type) < 0)
		return err_set(&ctx->err, E_INVALID, "type", "project.type", "项目类型须为 innovation、demonstration 或 promotion");
	if (f->stage && project_stage_parse(f->stage) < 0)
		return err_set(&ctx->err, E_INVALID, "stage", "project.stage", "未知的项目阶段 %s", f->stage);
	path_range_end(root.path, hi, sizeof(hi));
	strbuf_addstr(&where, "WHERE p.org_path >= ? AND p.org_path < ?");
	if (f->type) {
		strbuf_addstr(&where, " AND p.type = ?");
		texts[ntext++] = f->type;
	}
	if (f->stage) {
		strbuf_addstr(&where, " AND p.stage = ?");
		texts[ntext++] = f->stage;
	}
	if (f->q && f->q[0]) {
		like_pattern(f->q, &like);
		strbuf_addstr(&where, " AND p.name LIKE ? ESCAPE '\\'");
		texts[ntext++] = like.buf;
	}
	if (f->year)
		strbuf_addf(&where, " AND p.year = %d", f->year);
	if (f->leader_led)
		strbuf_addstr(&where, " AND p.leader_led = 1");
	arr = json_array();
	for (pass = 0; pass < 2; pass++) {
		strbuf_reset(&sql);
		if (pass == 0)
			strbuf_addf(&sql, "SELECT count(*)" PROJECT_FROM "%s", where.buf);
		else
			strbuf_addf(&sql, "SELECT " PROJECT_COLS PROJECT_FROM "%s ORDER BY p.year DESC, p.id DESC LIMIT %d OFFSET %" PRId64,
				    where.buf, per_page, (int64_t)(page - 1) * per_page);
		if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
			rc = E_DB;
			goto out;
		}
		stmt_bind_text(st, 1, root.path);
		stmt_bind_text(st, 2, hi);
		for (i = 0; i < ntext; i++)
			stmt_bind_text(st, 3 + i, texts[i]);
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			struct project p;
			if (pass == 0) {
				*total = stmt_int(st, 0);
				continue;
			}
			read_project(st, &p);
			json_array_append_new(arr, project_head_json(&p));
			project_release(&p);
		}
		stmt_reset(st);
		if (step != STEP_DONE) {
			rc = ctx_db_fail(ctx);
			goto out;
		}
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&where);
	strbuf_release(&sql);
	strbuf_release(&like);
	return rc;
}

/* ---- input ----------------------------------------------------------------------- */

/* Text that a clerk typed: valid UTF-8, at most max chars, no controls but line breaks and tabs. */
static int check_text(struct ctx *ctx, const char *s, const char *field, const char *label, size_t max)
{
	const unsigned char *u;
	if (strlen(s) > max * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max)
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s不是有效文本或超过 %zu 个字", label, max);
	for (u = (const unsigned char *)s; *u; u++)
		if ((*u < 0x20 && *u != '\n' && *u != '\r' && *u != '\t') || *u == 0x7f)
			return err_set(&ctx->err, E_INVALID, field, "field.text", "%s含有非法字符", label);
	return 0;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* optional text: *out NULL when absent, null or blank */
static int text_opt(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max, const char **out)
{
	int rc = body_str_optional(ctx, body, key, out);
	if (rc)
		return rc;
	if (*out && !blank(*out))
		return check_text(ctx, *out, key, label, max);
	*out = NULL;
	return 0;
}

static int text_req(struct ctx *ctx, json_t *body, const char *key, const char *label, size_t max, const char *rule,
		    const char **out)
{
	int rc = text_opt(ctx, body, key, label, max, out);
	if (!rc && !*out)
		rc = err_set(&ctx->err, E_INVALID, key, rule, "%s不能为空", label);
	return rc;
}

/* a required integer in [lo, hi] */
static int int_range(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t lo, int64_t hi,
		     int64_t *out)
{
	int rc = body_int_required(ctx, body, key, label, out);
	if (!rc && (*out < lo || *out > hi))
		rc = err_set(&ctx->err, E_INVALID, key, "project.range", "%s须在 %" PRId64 " 至 %" PRId64 " 之间", label, lo, hi);
	return rc;
}

static int date_opt(struct ctx *ctx, json_t *body, const char *key, const char *label, char out[11])
{
	const char *s;
	struct date d;
	int rc = body_str_optional(ctx, body, key, &s);
	out[0] = '\0';
	if (rc || !s || !s[0])
		return rc;
	if (date_parse(s, &d))
		return err_set(&ctx->err, E_INVALID, key, "field.date", "%s须为 YYYY-MM-DD 格式的日期", label);
	date_format(d, out);
	return 0;
}

/* ---- writing helpers -------------------------------------------------------------- */

static int ledger_append(struct ctx *ctx, int64_t id, const char *action, int stage, const char *note)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO project_ledger (project_id, happened_on, at, actor, action, stage, note) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?)",
				     &ctx->err);
	char today[11];
	if (!st)
		return E_DB;
	date_format(ctx->today, today);
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, today);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_text(st, 4, ctx->actor.username[0] ? ctx->actor.username : "系统");
	stmt_bind_text(st, 5, action);
	stmt_bind_text(st, 6, named_code_at(stages, PS__COUNT, stage));
	stmt_bind_text(st, 7, note);
	return stmt_run(st, &ctx->err);
}

/* After the UPDATE guarded by version: stale unless exactly one row changed. */
static int check_one_changed(struct ctx *ctx)
{
	return db_changes(ctx->db) == 1 ? 0 : err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
}

/* the row's version from the body, compared with what was read */
static int check_version(struct ctx *ctx, json_t *body, const struct project *p, int64_t *version)
{
	int rc = body_int_required(ctx, body, "version", "version", version);
	if (!rc && *version != p->version)
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", STALE_MSG);
	return rc;
}

/* audit + ledger + commit, after the row changed; rolls back on failure */
static int finish_write(struct ctx *ctx, const char *action, int64_t id, json_t *before, int stage, const char *note)
{
	struct project after;
	json_t *ja = NULL;
	int rc;
	/* a project at 激励 writes its branch's points (points_sync.c), after the ledger row that dates it */
	if ((rc = ledger_append(ctx, id, action, stage, note)) || (rc = points_sync_project(ctx, id)) ||
	    (rc = load_row(ctx, id, &after)))
		goto fail;
	ja = project_detail_json(&after);
	project_release(&after);
	if ((rc = audit_append(ctx, action, "project", id, before, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto fail;
	json_decref(ja);
	return 0;
fail:
	json_decref(ja);
	db_rollback(ctx->db);
	return rc;
}

/* ---- creating --------------------------------------------------------------------- */

/* path and name of any org (the lead org may lie above a secretary's scope) */
static int org_path_of(struct ctx *ctx, int64_t id, char *path, char *name)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT path, name FROM orgs WHERE id = ? AND dissolved_on IS NULL", &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		stmt_text_copy(st, 0, path, PATH_MAX_LEN);
		stmt_text_copy(st, 1, name, 128);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return step == STEP_ROW ? 0 : err_set(&ctx->err, E_INVALID, "lead_org_id", "project.lead_org", "牵头审核的组织不存在");
}

/* lead_org_id from the body, or by default the owner's parent (its 上级党委) */
static int lead_org_of(struct ctx *ctx, json_t *body, const struct org *o, int64_t *lead_id)
{
	json_t *v = json_object_get(body, "lead_org_id");
	if (v && !json_is_null(v))
		return body_int_required(ctx, body, "lead_org_id", "牵头审核组织", lead_id);
	*lead_id = o->parent_id;
	return o->parent_id ? 0 : err_set(&ctx->err, E_INVALID, "lead_org_id", "project.lead_org", "%s没有上级组织，请指定牵头审核组织", o->name);
}

/* the responsible secretary: an active member under the owning org */
static int check_secretary(struct ctx *ctx, int64_t member_id, const struct org *o)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT org_path, state FROM members WHERE id = ?", &ctx->err);
	int step, ok = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		ok = !strncmp(stmt_text(st, 0), o->path, strlen(o->path)) && !strcmp(stmt_text(st, 1), "active");
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return ok ? 0 : err_set(&ctx->err, E_INVALID, "secretary_member_id", "project.secretary",
				"负责书记须为%s的在册党员", o->name);
}

int project_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct org o;
	struct stmt *st;
	char lead_path[PATH_MAX_LEN], lead_name[128], start_on[11], end_on[11];
	const char *name, *type, *summary, *goal;
	int64_t org_id, lead_id, sec_id, year, budget = -1;
	json_t *v;
	int rc, step, leader_led = 0;

	*id = 0;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "project.role", "只有支部书记或管理员可以申报项目");
	if ((rc = body_int_required(ctx, body, "org_id", "申报组织", &org_id)) ||
	    (rc = org_require_in_scope(ctx, org_id, &o, "org_id")) ||
	    (rc = text_req(ctx, body, "name", "项目名称", PROJECT_NAME_MAX_CHARS, "field.required", &name)) ||
	    (rc = text_req(ctx, body, "type", "项目类型", 20, "field.required", &type)))
		return rc;
	if (project_type_parse(type) < 0)
		return err_set(&ctx->err, E_INVALID, "type", "project.type",
			       "项目类型须为 innovation（基础工作创新型）、demonstration（重点工作示范型）或 promotion（特色工作推广型）");
	if ((v = json_object_get(body, "leader_led")) && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return err_set(&ctx->err, E_MALFORMED, "leader_led", NULL, "字段 leader_led 必须是布尔值");
		leader_led = json_is_true(v);
	}
	if ((rc = int_range(ctx, body, "year", "项目年度", 2000, ctx->today.y + 1, &year)) ||
	    (rc = lead_org_of(ctx, body, &o, &lead_id)) || (rc = org_path_of(ctx, lead_id, lead_path, lead_name)))
		return rc;
	/* the lead org reviews from above: a strict ancestor of the owner */
	if (strlen(lead_path) >= strlen(o.path) || strncmp(o.path, lead_path, strlen(lead_path)))
		return err_set(&ctx->err, E_INVALID, "lead_org_id", "project.lead_org", "牵头审核组织须为%s的上级组织", o.name);
	if (!owner_side_of(ctx, o.path, lead_path))
		return err_set(&ctx->err, E_FORBIDDEN, "org_id", "project.role",
			       "项目由%s的书记或管理员申报，牵头组织（%s）负责审核", o.name, lead_name);
	if ((rc = body_int_required(ctx, body, "secretary_member_id", "负责书记", &sec_id)) ||
	    (rc = check_secretary(ctx, sec_id, &o)) ||
	    (rc = text_opt(ctx, body, "summary", "项目内容", PROJECT_TEXT_MAX_CHARS, &summary)) ||
	    (rc = text_opt(ctx, body, "goal", "预期目标", PROJECT_TEXT_MAX_CHARS, &goal)) ||
	    (rc = date_opt(ctx, body, "start_on", "计划开始日期", start_on)) ||
	    (rc = date_opt(ctx, body, "end_on", "计划完成日期", end_on)))
		return rc;
	if (start_on[0] && end_on[0] && strcmp(end_on, start_on) < 0)
		return err_set(&ctx->err, E_INVALID, "end_on", "project.dates", "计划完成日期不能早于开始日期");
	if ((v = json_object_get(body, "budget_fen")) && !json_is_null(v) &&
	    (rc = int_range(ctx, body, "budget_fen", "项目经费", 0, INT64_C(100000000000), &budget)))
		return rc;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO projects (org_id, org_path, lead_org_id, secretary_member_id, type, leader_led, name, "
			"year, summary, goal, start_on, end_on, budget_fen, stage, returned, created_by, created_at, "
			"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'apply', 0, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, o.id);
	stmt_bind_text(st, 2, o.path);
	stmt_bind_int(st, 3, lead_id);
	stmt_bind_int(st, 4, sec_id);
	stmt_bind_text(st, 5, type);
	stmt_bind_int(st, 6, leader_led);
	stmt_bind_text(st, 7, name);
	stmt_bind_int(st, 8, year);
	stmt_bind_text(st, 9, summary);
	stmt_bind_text(st, 10, goal);
	stmt_bind_text(st, 11, start_on[0] ? start_on : NULL);
	stmt_bind_text(st, 12, end_on[0] ? end_on : NULL);
	if (budget >= 0)
		stmt_bind_int(st, 13, budget);
	else
		stmt_bind_null(st, 13);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 14, ctx->actor.user_id);
	else
		stmt_bind_null(st, 14);
	stmt_bind_text(st, 15, ctx->now_iso);
	stmt_bind_text(st, 16, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	if ((rc = finish_write(ctx, "apply", *id, NULL, PS_APPLY, summary ? summary : name)))
		*id = 0;
	return rc;
rollback:
	db_rollback(ctx->db);
	*id = 0;
	return rc;
}

/* ---- stage changes --------------------------------------------------------------- */

/* fields each target stage takes besides version, stage and note */
static const char *const stage_fields[PS__COUNT][6] = {
	[PS_APPLY] = { "name", "goal", "summary", "start_on", "end_on", NULL }, /* a returned 申报 corrected */
	[PS_FILE] = { NULL },
	[PS_IMPLEMENT] = { NULL },
	[PS_CONCLUDE] = { NULL },
	[PS_ACCEPT] = { "onsite", "expert_score", "satisfaction", NULL },
	[PS_EVALUATE] = { "goal_rate", "mass_rate", "benefit", "promotion", NULL },
	[PS_REWARD] = { "reward", "reward_fen", NULL },
};

static int check_stage_fields(struct ctx *ctx, json_t *body, int to)
{
	const char *key;
	json_t *v;
	int i, ok;
	json_object_foreach(body, key, v) {
		ok = !strcmp(key, "version") || !strcmp(key, "stage") || !strcmp(key, "note");
		for (i = 0; !ok && stage_fields[to][i]; i++)
			ok = !strcmp(key, stage_fields[to][i]);
		if (!ok)
			return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 不适用于“%s”阶段", key, project_stage_name(to));
	}
	return 0;
}

/* a transition is refused unless it is the next stage (or the re-filing of a returned 申报) */
static int check_order(struct ctx *ctx, const struct project *p, int to)
{
	int ok = to == PS_APPLY ? p->stage == PS_APPLY && p->returned
				: to == p->stage + 1 && !(p->stage == PS_APPLY && p->returned);
	if (ok)
		return 0;
	if (p->stage == PS_APPLY && p->returned)
		return err_set(&ctx->err, E_CONFLICT, "stage", "project.stage", "项目申报已被退回，须重新申报后才能%s",
			       project_stage_name(to));
	if (to == PS_APPLY)
		return err_set(&ctx->err, E_CONFLICT, "stage", "project.stage", "项目已在“%s”阶段，不能重新申报",
			       project_stage_name(p->stage));
	return err_set(&ctx->err, E_CONFLICT, "stage", "project.stage", "项目当前处于“%s”阶段，下一步是“%s”，不能进入“%s”",
		       project_stage_name(p->stage), p->stage + 1 < PS__COUNT ? project_stage_name(p->stage + 1) : "（已完成）",
		       project_stage_name(to));
}

static int check_role(struct ctx *ctx, const struct project *p, int to)
{
	if (stage_by_lead(to) ? is_lead_side(ctx, p) : is_owner_side(ctx, p))
		return 0;
	return err_set(&ctx->err, E_FORBIDDEN, NULL, "project.role", stage_by_lead(to) ? "“%s”须由牵头组织（%s）的管理员办理"
											 : "“%s”须由项目所属组织（%s）的书记或管理员办理",
		       project_stage_name(to), stage_by_lead(to) ? p->lead_name : p->org_name);
}

/* 结题 needs 实施 reviewed: at least one quarter approved, none left returned */
static int check_reviews_done(struct ctx *ctx, int64_t id)
{
	struct quarter_state qs[MAX_QUARTERS];
	int nqs = 0, i, approved = 0, rc;
	if ((rc = load_reviews(ctx, id, NULL, qs, &nqs, MAX_QUARTERS)))
		return rc;
	for (i = 0; i < nqs; i++) {
		if (qs[i].returned)
			return err_set(&ctx->err, E_CONFLICT, "stage", "project.review",
				       "%d 年第 %d 季度评审被退回，须重新评审通过后才能结题", qs[i].year, qs[i].quarter);
		approved += qs[i].approved;
	}
	return approved ? 0 : err_set(&ctx->err, E_CONFLICT, "stage", "project.review", "实施期间尚无通过的季度评审，不能结题");
}

/* the stage's own fields → the SET clause and the ledger note */
struct stage_input {
	const char *note;
	const char *onsite, *reward;
	int64_t expert, satisfaction, reward_fen;
	int values[4], weights[4], score_centi;
	char summary[200];
};

static int read_stage_input(struct ctx *ctx, json_t *body, int to, struct stage_input *in)
{
	int64_t v;
	int rc = 0, i;
	json_t *x;
	memset(in, 0, sizeof(*in));
	in->reward_fen = -1;
	if (to == PS_CONCLUDE)
		rc = text_req(ctx, body, "note", "结题报告", PROJECT_TEXT_MAX_CHARS, "field.required", &in->note);
	else
		rc = text_opt(ctx, body, "note", "说明", PROJECT_TEXT_MAX_CHARS, &in->note);
	if (rc)
		return rc;
	switch (to) {
	case PS_ACCEPT:
		if ((rc = text_req(ctx, body, "onsite", "现场查看情况", PROJECT_TEXT_MAX_CHARS, "project.onsite", &in->onsite)) ||
		    (rc = int_range(ctx, body, "expert_score", "专家评分", 0, 100, &in->expert)) ||
		    (rc = int_range(ctx, body, "satisfaction", "问卷满意度", 0, 100, &in->satisfaction)))
			return rc;
		xsnprintf(in->summary, sizeof(in->summary), "现场查看；专家评分 %d；问卷满意度 %d%%", (int)in->expert,
			  (int)in->satisfaction);
		break;
	case PS_EVALUATE:
		for (i = 0; i < 4; i++) {
			if ((rc = int_range(ctx, body, dims[i].code, dims[i].name, 0, 100, &v)))
				return rc;
			in->values[i] = (int)v;
		}
		project_weights(ctx, in->weights);
		in->score_centi = project_score_centi(in->values, in->weights);
		xsnprintf(in->summary, sizeof(in->summary), "综合得分 %d.%02d（%s）", in->score_centi / 100,
			  in->score_centi % 100, grade_of(in->score_centi));
		break;
	case PS_REWARD:
		if ((rc = text_req(ctx, body, "reward", "激励措施", PROJECT_TEXT_MAX_CHARS, "project.reward", &in->reward)))
			return rc;
		if ((x = json_object_get(body, "reward_fen")) && !json_is_null(x) &&
		    (rc = int_range(ctx, body, "reward_fen", "奖励金额", 0, INT64_C(100000000000), &in->reward_fen)))
			return rc;
		break;
	default:
		break;
	}
	return 0;
}

static int update_stage(struct ctx *ctx, const struct project *p, int to, const struct stage_input *in, int64_t version)
{
	struct stmt *st;
	int rc;
	st = db_prepare(ctx->db,
			"UPDATE projects SET stage = ?, returned = 0, "
			"conclude_report = CASE WHEN ? = 'conclude' THEN ? ELSE conclude_report END, "
			"onsite = COALESCE(?, onsite), expert_score = COALESCE(CAST(? AS INTEGER), expert_score), "
			"satisfaction = COALESCE(CAST(? AS INTEGER), satisfaction), "
			"goal_rate = COALESCE(CAST(? AS INTEGER), goal_rate), mass_rate = COALESCE(CAST(? AS INTEGER), mass_rate), "
			"benefit = COALESCE(CAST(? AS INTEGER), benefit), promotion = COALESCE(CAST(? AS INTEGER), promotion), "
			"w_goal = COALESCE(CAST(? AS INTEGER), w_goal), w_mass = COALESCE(CAST(? AS INTEGER), w_mass), "
			"w_benefit = COALESCE(CAST(? AS INTEGER), w_benefit), "
			"w_promotion = COALESCE(CAST(? AS INTEGER), w_promotion), "
			"score_centi = COALESCE(CAST(? AS INTEGER), score_centi), reward = COALESCE(?, reward), "
			"reward_fen = COALESCE(CAST(? AS BIGINT), reward_fen), version = version + 1, updated_at = ? "
			"WHERE id = ? AND version = ? AND stage = ?",
			&ctx->err);
	int i;
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, named_code_at(stages, PS__COUNT, to));
	stmt_bind_text(st, 2, named_code_at(stages, PS__COUNT, to));
	stmt_bind_text(st, 3, in->note);
	stmt_bind_text(st, 4, in->onsite);
	if (to == PS_ACCEPT) {
		stmt_bind_int(st, 5, in->expert);
		stmt_bind_int(st, 6, in->satisfaction);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
	}
	for (i = 0; i < 4; i++) {
		if (to == PS_EVALUATE) {
			stmt_bind_int(st, 7 + i, in->values[i]);
			stmt_bind_int(st, 11 + i, in->weights[i]);
		} else {
			stmt_bind_null(st, 7 + i);
			stmt_bind_null(st, 11 + i);
		}
	}
	if (to == PS_EVALUATE)
		stmt_bind_int(st, 15, in->score_centi);
	else
		stmt_bind_null(st, 15);
	stmt_bind_text(st, 16, in->reward);
	if (in->reward_fen >= 0)
		stmt_bind_int(st, 17, in->reward_fen);
	else
		stmt_bind_null(st, 17);
	stmt_bind_text(st, 18, ctx->now_iso);
	stmt_bind_int(st, 19, p->id);
	stmt_bind_int(st, 20, version);
	stmt_bind_text(st, 21, named_code_at(stages, PS__COUNT, p->stage));
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	return check_one_changed(ctx);
}

/* Re-filing a returned 申报 may correct what the return was about: the fields given replace the old. */
static int apply_edits(struct ctx *ctx, const struct project *p, json_t *body)
{
	struct stmt *st;
	const char *name, *goal, *summary;
	char start_on[11], end_on[11];
	int rc;
	if ((rc = text_opt(ctx, body, "name", "项目名称", PROJECT_NAME_MAX_CHARS, &name)) ||
	    (rc = text_opt(ctx, body, "goal", "预期目标", PROJECT_TEXT_MAX_CHARS, &goal)) ||
	    (rc = text_opt(ctx, body, "summary", "项目内容", PROJECT_TEXT_MAX_CHARS, &summary)) ||
	    (rc = date_opt(ctx, body, "start_on", "计划开始日期", start_on)) ||
	    (rc = date_opt(ctx, body, "end_on", "计划完成日期", end_on)))
		return rc;
	if (!start_on[0] && p->start_on[0])
		memcpy(start_on, p->start_on, sizeof(start_on));
	if (!end_on[0] && p->end_on[0])
		memcpy(end_on, p->end_on, sizeof(end_on));
	if (start_on[0] && end_on[0] && strcmp(end_on, start_on) < 0)
		return err_set(&ctx->err, E_INVALID, "end_on", "project.dates", "计划完成日期不能早于开始日期");
	st = db_prepare(ctx->db,
			"UPDATE projects SET name = COALESCE(?, name), goal = COALESCE(?, goal), summary = COALESCE(?, summary), "
			"start_on = ?, end_on = ? WHERE id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, name);
	stmt_bind_text(st, 2, goal);
	stmt_bind_text(st, 3, summary);
	stmt_bind_text(st, 4, start_on[0] ? start_on : NULL);
	stmt_bind_text(st, 5, end_on[0] ? end_on : NULL);
	stmt_bind_int(st, 6, p->id);
	return stmt_run(st, &ctx->err);
}

int project_advance(struct ctx *ctx, int64_t id, json_t *body)
{
	struct project p;
	struct stage_input in;
	const char *stage_code;
	json_t *before = NULL;
	int64_t version;
	int rc, to;
	char note[PROJECT_TEXT_MAX_CHARS * 4 + 256];

	if ((rc = load_project(ctx, id, &p)))
		return rc;
	if ((rc = body_str_optional(ctx, body, "stage", &stage_code)))
		goto out;
	if (!stage_code || (to = project_stage_parse(stage_code)) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "stage", stage_code ? "project.stage_code" : "field.required",
			     "stage 须为 apply、file、implement、conclude、accept、evaluate 或 reward");
		goto out;
	}
	if ((rc = check_stage_fields(ctx, body, to)) || (rc = check_role(ctx, &p, to)) ||
	    (rc = check_version(ctx, body, &p, &version)) || (rc = check_order(ctx, &p, to)) ||
	    (rc = read_stage_input(ctx, body, to, &in)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((to == PS_CONCLUDE && (rc = check_reviews_done(ctx, id))) || (to == PS_APPLY && (rc = apply_edits(ctx, &p, body))) ||
	    (rc = update_stage(ctx, &p, to, &in, version))) {
		db_rollback(ctx->db);
		goto out;
	}
	if (in.summary[0] && in.note)
		xsnprintf(note, sizeof(note), "%s。%s", in.summary, in.note);
	else if (to == PS_REWARD)
		xsnprintf(note, sizeof(note), "%s%s%s", in.reward, in.note ? "。" : "", in.note ? in.note : "");
	else
		xsnprintf(note, sizeof(note), "%s", in.summary[0] ? in.summary : in.note ? in.note : "");
	before = project_detail_json(&p);
	rc = finish_write(ctx, to == PS_APPLY ? "resubmit" : stage_code, id, before, to, note[0] ? note : NULL);
out:
	json_decref(before);
	project_release(&p);
	return rc;
}

int project_return(struct ctx *ctx, int64_t id, json_t *body)
{
	struct project p;
	struct stmt *st;
	const char *reason;
	json_t *before = NULL;
	int64_t version;
	int rc;

	if ((rc = load_project(ctx, id, &p)))
		return rc;
	if (!is_lead_side(ctx, &p)) {
		rc = err_set(&ctx->err, E_FORBIDDEN, NULL, "project.role", "退回申报须由牵头组织（%s）的管理员办理", p.lead_name);
		goto out;
	}
	if ((rc = check_version(ctx, body, &p, &version)))
		goto out;
	if (p.stage != PS_APPLY || p.returned) {
		rc = err_set(&ctx->err, E_CONFLICT, "stage", "project.stage", p.returned ? "项目申报已被退回，等待重新申报"
										    : "项目已在“%s”阶段，只有待备案的申报可以退回",
			     project_stage_name(p.stage));
		goto out;
	}
	if ((rc = text_opt(ctx, body, "reason", "退回理由", PROJECT_TEXT_MAX_CHARS, &reason)))
		goto out;
	if (!reason) {
		rc = err_set(&ctx->err, E_RULE, "reason", "project.reason", "退回申报须写明理由");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"UPDATE projects SET returned = 1, return_reason = ?, version = version + 1, updated_at = ? "
			"WHERE id = ? AND version = ? AND stage = 'apply' AND returned = 0",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		db_rollback(ctx->db);
		goto out;
	}
	stmt_bind_text(st, 1, reason);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, id);
	stmt_bind_int(st, 4, version);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = check_one_changed(ctx))) {
		db_rollback(ctx->db);
		goto out;
	}
	before = project_detail_json(&p);
	rc = finish_write(ctx, "return", id, before, PS_APPLY, reason);
out:
	json_decref(before);
	project_release(&p);
	return rc;
}

/* ---- quarterly reviews ------------------------------------------------------------ */

/* The review rules over the latest review per quarter: an approved quarter is done; a
 * returned quarter must be reviewed again before any other quarter. */
static int check_review_order(struct ctx *ctx, const struct quarter_state *qs, int nqs, int year, int quarter)
{
	int i;
	for (i = 0; i < nqs; i++) {
		if (qs[i].year == year && qs[i].quarter == quarter && qs[i].approved)
			return err_set(&ctx->err, E_CONFLICT, "quarter", "project.review", "%d 年第 %d 季度已评审通过", year,
				       quarter);
		if (qs[i].returned && (qs[i].year != year || qs[i].quarter != quarter))
			return err_set(&ctx->err, E_CONFLICT, "quarter", "project.review",
				       "%d 年第 %d 季度评审被退回，须先对该季度重新评审", qs[i].year, qs[i].quarter);
	}
	return 0;
}

int project_review(struct ctx *ctx, int64_t id, json_t *body)
{
	struct project p;
	struct quarter_state qs[MAX_QUARTERS];
	struct stmt *st;
	const char *result, *reason, *note;
	json_t *before = NULL;
	int64_t version, year, quarter;
	int rc, nqs = 0, returned;
	char today[11], text[PROJECT_TEXT_MAX_CHARS * 8 + 128];

	if ((rc = load_project(ctx, id, &p)))
		return rc;
	if (!is_lead_side(ctx, &p)) {
		rc = err_set(&ctx->err, E_FORBIDDEN, NULL, "project.role", "季度评审须由牵头组织（%s）的管理员办理", p.lead_name);
		goto out;
	}
	if ((rc = check_version(ctx, body, &p, &version)))
		goto out;
	if (p.stage != PS_IMPLEMENT) {
		rc = err_set(&ctx->err, E_CONFLICT, "stage", "project.stage", "季度评审在“实施”阶段进行，项目当前处于“%s”阶段",
			     project_stage_name(p.stage));
		goto out;
	}
	if ((rc = int_range(ctx, body, "year", "评审年度", 2000, ctx->today.y, &year)) ||
	    (rc = int_range(ctx, body, "quarter", "评审季度", 1, 4, &quarter)) ||
	    (rc = text_req(ctx, body, "result", "评审结果", 20, "field.required", &result)) ||
	    (rc = text_opt(ctx, body, "reason", "退回理由", PROJECT_TEXT_MAX_CHARS, &reason)) ||
	    (rc = text_opt(ctx, body, "note", "评审意见", PROJECT_TEXT_MAX_CHARS, &note)))
		goto out;
	if (year * 4 + quarter > ctx->today.y * 4 + (ctx->today.m + 2) / 3) {
		rc = err_set(&ctx->err, E_INVALID, "quarter", "project.quarter", "不能评审尚未开始的季度");
		goto out;
	}
	if (strcmp(result, "approved") && strcmp(result, "returned")) {
		rc = err_set(&ctx->err, E_INVALID, "result", "project.result", "评审结果须为 approved（通过）或 returned（退回）");
		goto out;
	}
	returned = !strcmp(result, "returned");
	if (returned && !reason) {
		rc = err_set(&ctx->err, E_RULE, "reason", "project.reason", "退回须写明理由");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	/* touch the row first: the version guard orders concurrent reviews of one project */
	st = db_prepare(ctx->db, "UPDATE projects SET version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND stage = 'implement'",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_text(st, 1, ctx->now_iso);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, version);
	if ((rc = stmt_run(st, &ctx->err)) || (rc = check_one_changed(ctx)) ||
	    (rc = load_reviews(ctx, id, NULL, qs, &nqs, MAX_QUARTERS)) ||
	    (rc = check_review_order(ctx, qs, nqs, (int)year, (int)quarter)))
		goto rollback;
	st = db_prepare(ctx->db,
			"INSERT INTO project_reviews (project_id, year, quarter, result, reason, note, reviewed_on, reviewer, "
			"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	date_format(ctx->today, today);
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	stmt_bind_int(st, 3, quarter);
	stmt_bind_text(st, 4, result);
	stmt_bind_text(st, 5, returned ? reason : NULL);
	stmt_bind_text(st, 6, note);
	stmt_bind_text(st, 7, today);
	stmt_bind_text(st, 8, ctx->actor.username[0] ? ctx->actor.username : "系统");
	stmt_bind_text(st, 9, ctx->now_iso);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	xsnprintf(text, sizeof(text), "%d 年第 %d 季度评审%s%s%s%s%s", (int)year, (int)quarter, returned ? "退回：" : "通过",
		  returned ? reason : "", note ? "（" : "", note ? note : "", note ? "）" : "");
	before = project_detail_json(&p);
	rc = finish_write(ctx, returned ? "review_returned" : "review_approved", id, before, PS_IMPLEMENT, text);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	project_release(&p);
	return rc;
}
