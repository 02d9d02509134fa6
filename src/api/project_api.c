/* /api/v1/projects: 党建项目化管理 — list (and xlsx/csv), 申报, stage changes, returns, quarterly reviews, ledger. */
#include <string.h>
#include "api/handlers.h"
#include "domain/project.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define EXPORT_MAX_ROWS 10000

static const struct export_column export_cols[] = {
	{ "name", "项目名称" },	    { "type_name", "项目类型" },	    { "leader_led", "书记领衔" },
	{ "org_name", "所属组织" },	    { "lead_org_name", "牵头组织" }, { "secretary_name", "负责书记" },
	{ "year", "年度" },		    { "stage_name", "阶段" },	    { "status_name", "状态" },
	{ "score", "评估得分" },	    { "grade", "等次" },		    { "updated_at", "更新时间" },
	{ NULL, NULL },
};

static int reply_project(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = project_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_projects_list(struct request *req, struct response *res)
{
	struct project_filter f;
	json_t *items = NULL;
	int64_t org, year, leader, total = 0;
	int page, per_page, rc, exporting = req_query(req, "format") != NULL;
	memset(&f, 0, sizeof(f));
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "leader_led", 0, 0, 1, &leader)))
		return rc;
	f.org = org;
	f.year = (int)year;
	f.leader_led = (int)leader;
	f.type = req_query(req, "type");
	f.stage = req_query(req, "stage");
	f.q = req_query(req, "q");
	if (f.type && !f.type[0])
		f.type = NULL;
	if (f.stage && !f.stage[0])
		f.stage = NULL;
	if (exporting) {
		page = 1;
		per_page = EXPORT_MAX_ROWS;
	}
	if ((rc = project_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	if (exporting) {
		rc = api_reply_items_table(req, res, items, export_cols, "党建项目", "projects");
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_projects_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "lead_org_id", "secretary_member_id", "type", "leader_led",
					      "name", "year", "summary", "goal", "start_on", "end_on", "budget_fen", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = project_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_project(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_projects_get(struct request *req, struct response *res)
{
	return reply_project(req, res, 200, req->params[0]);
}

/* the fields per stage are checked in the domain (project.c stage_fields) */
int h_projects_stage(struct request *req, struct response *res)
{
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = project_advance(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_project(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_projects_return(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reason", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = project_return(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_project(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_projects_review(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "year", "quarter", "result", "reason", "note", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = project_review(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_project(req, res, 201, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_projects_ledger(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = project_ledger(&req->ctx, req->params[0], &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, (int)json_array_size(items));
	return 0;
}

int h_me_projects(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = project_mine(&req->ctx, &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}
