/*
 * /api/v1/inspections, /inspection-findings, /inspection-bulletin (督查整改) and
 * /api/v1/decisions (四议两公开). Lists answer JSON, or with ?format=xlsx|csv the same
 * rows (up to LIST_DOWNLOAD_MAX_ROWS) as a download.
 */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "domain/decision.h"
#include "domain/supervision.h"
#include "util/text.h"
#include "util/banned.h"

/* the search text: valid UTF-8 of a sane length, or 400 (PostgreSQL refuses broken UTF-8 with an error) */
static int query_q(struct request *req, const char **out)
{
	*out = list_query_text(req, "q");
	if (*out && (strlen(*out) > 400 || !utf8_valid(*out, strlen(*out))))
		return err_set(&req->ctx.err, E_MALFORMED, "q", NULL, "查询参数 q 不是有效文本或太长");
	return 0;
}

/* a coded filter: unknown codes are 400 naming the parameter */
static int query_code(struct request *req, const char *name, const char *(*known)(const char *), const char **out)
{
	*out = list_query_text(req, name);
	if (*out && !known(*out))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "查询参数 %s 的值 %s 无效", name, *out);
	return 0;
}

static const char *finding_status_known(const char *s)
{
	return !strcmp(s, "open") || !strcmp(s, "rectified") || !strcmp(s, "closed") ? s : NULL;
}

static int query_date(struct request *req, const char *name, const char **out)
{
	struct date d;
	*out = list_query_text(req, name);
	if (*out && date_parse(*out, &d))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "查询参数 %s 须为日期 YYYY-MM-DD", name);
	return 0;
}

static int supervision_filter_from_query(struct request *req, struct supervision_filter *f)
{
	int64_t overdue, insp;
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = query_q(req, &f->q)) || (rc = list_query_org(req, &f->org_id)) ||
	    (rc = api_query_int(req, "overdue", 0, 0, 1, &overdue)) ||
	    (rc = api_query_int(req, "inspection", 0, 0, INT64_MAX, &insp)) ||
	    (rc = query_code(req, "kind", supervision_kind_name, &f->kind)) ||
	    (rc = query_code(req, "status", finding_status_known, &f->status)) ||
	    (rc = query_code(req, "category", supervision_category_name, &f->category)) ||
	    (rc = query_code(req, "severity", supervision_severity_name, &f->severity)) ||
	    (rc = query_date(req, "from", &f->from)) || (rc = query_date(req, "to", &f->to)))
		return rc;
	f->overdue = (int)overdue;
	f->inspection_id = insp;
	return 0;
}

/* ---- 督查 ---- */

int h_inspections_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "held_on", "督查日期" }, { "org_name", "督查单位" }, { "kind_name", "督查类型" },
		{ "title", "督查主题" },   { "inspectors", "督查人员" }, { "findings", "发现问题数" },
		{ "closed", "已销号" },    { "overdue", "逾期未改" },   { NULL, NULL },
	};
	static const struct list_download dl = { cols, "督查记录", "inspections" };
	struct supervision_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if ((rc = list_page_from_query(req, &lp)) || (rc = supervision_filter_from_query(req, &f)) ||
	    (rc = supervision_inspection_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

static int reply_inspection(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = supervision_inspection_get(&req->ctx, id, &j);
	if (!rc)
		api_reply_json(res, status, j);
	return rc;
}

int h_inspections_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "held_on", "kind", "title", "inspectors", "note", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = supervision_inspection_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_inspection(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_inspections_get(struct request *req, struct response *res)
{
	return reply_inspection(req, res, 200, req->params[0]);
}

int h_inspections_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "held_on", "kind", "title", "inspectors", "note", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = supervision_inspection_update(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_inspection(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

static int reply_finding(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = supervision_finding_get(&req->ctx, id, &j);
	if (!rc)
		api_reply_json(res, status, j);
	return rc;
}

int h_inspection_findings_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "problem", "category", "severity", "deadline", "responsible", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = supervision_finding_add(&req->ctx, req->params[0], body, &id)))
		goto out;
	rc = reply_finding(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_findings_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "found_on", "督查日期" },	      { "inspecting_org_name", "督查单位" }, { "kind_name", "督查类型" },
		{ "org_name", "被督查单位" },	      { "problem", "发现问题" },	     { "category_name", "问题类别" },
		{ "severity_name", "严重程度" },      { "deadline", "整改期限" },	     { "responsible", "整改责任人" },
		{ "status_name", "状态" },	      { "overdue", "逾期" },		     { "rectification", "整改情况" },
		{ "rectified_on", "整改完成日期" },   { "late", "超期整改" },		     { "evidence", "佐证材料" },
		{ "closed_on", "销号日期" },	      { "returns", "退回次数" },	     { "return_reason", "退回原因" },
		{ NULL, NULL },
	};
	static const struct list_download dl = { cols, "督查问题台账", "inspection-findings" };
	struct supervision_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if ((rc = list_page_from_query(req, &lp)) || (rc = supervision_filter_from_query(req, &f)) ||
	    (rc = supervision_finding_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_findings_get(struct request *req, struct response *res)
{
	return reply_finding(req, res, 200, req->params[0]);
}

typedef int (*finding_move)(struct ctx *, int64_t, json_t *);

static int do_move(struct request *req, struct response *res, const char *const *fields, finding_move move)
{
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = move(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_finding(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_findings_rectify(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "rectification", "rectified_on", "evidence", NULL };
	return do_move(req, res, fields, supervision_finding_rectify);
}

int h_findings_close(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "closed_on", NULL };
	return do_move(req, res, fields, supervision_finding_close);
}

int h_findings_return(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reason", NULL };
	return do_move(req, res, fields, supervision_finding_return);
}

int h_supervision_bulletin(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, year, quarter;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", req->ctx.today.y, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "quarter", (req->ctx.today.m + 2) / 3, 1, 4, &quarter)) ||
	    (rc = supervision_bulletin(&req->ctx, org, (int)year, (int)quarter, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

/* ---- 四议两公开 ---- */

int h_decisions_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "org_name", "村党组织" },	 { "title", "决策事项" },	      { "started_on", "提议日期" },
		{ "current_step_name", "当前步骤" }, { "next_step_name", "下一步骤" }, { "last_on", "最近办理日期" },
		{ "status_name", "状态" },	 { NULL, NULL },
	};
	static const struct list_download dl = { cols, "四议两公开", "decisions" };
	struct decision_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0, step;
	const char *status, *step_code;
	int rc;
	memset(&f, 0, sizeof(f));
	f.done = -1;
	f.step = -1;
	status = list_query_text(req, "status");
	step_code = list_query_text(req, "step");
	if ((rc = list_page_from_query(req, &lp)) || (rc = query_q(req, &f.q)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = query_date(req, "from", &f.from)) || (rc = query_date(req, "to", &f.to)))
		return rc;
	if (status && strcmp(status, "running") && strcmp(status, "done"))
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "查询参数 status 须为 running 或 done");
	if (status)
		f.done = !strcmp(status, "done");
	/* step = the step reached (the last one done); "none" = not yet proposed */
	if (step_code) {
		step = !strcmp(step_code, "none") ? 0 : decision_step_parse(step_code);
		if (!step && strcmp(step_code, "none"))
			return err_set(&req->ctx.err, E_MALFORMED, "step", NULL, "查询参数 step 的值 %s 无效", step_code);
		f.step = (int)step;
	}
	if ((rc = decision_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

static int reply_decision(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = decision_get(&req->ctx, id, &j);
	if (!rc)
		api_reply_json(res, status, j);
	return rc;
}

int h_decisions_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "title", "content", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = decision_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_decision(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_decisions_get(struct request *req, struct response *res)
{
	return reply_decision(req, res, 200, req->params[0]);
}

int h_decisions_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "content", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = decision_update(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_decision(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_decisions_step(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version",	"step",		 "held_on",	  "participants",
					      "present",	"votes_for",	 "votes_against", "votes_abstain",
					      "place",		"note",		 NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = decision_record_step(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_decision(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}
