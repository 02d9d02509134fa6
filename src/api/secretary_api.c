/* /api/v1/first-secretaries: 第一书记 dispatches, duties, work days, funds; xlsx export. */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/secretary.h"
#include "util/banned.h"

int h_secretaries_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "姓名" }, { "org_name", "驻村党组织" }, { "level_name", "派出层级" }, { "unit", "派出单位" },
		{ "term_start", "任期开始" }, { "term_end", "任期结束" }, { "active", "在岗" }, { "team_names", "3+1帮扶队伍" },
		{ "meetings", "任期内支部会议次数" }, { "meetings_present", "参加次数" }, { "workdays_total", "驻村天数" },
		{ "funds_total_fen", "协调资金（分）" }, { NULL, NULL },
	};
	static const struct list_download dl = { cols, "第一书记", "first-secretaries" };
	struct secretary_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	f.level = req_query(req, "level");
	f.active_on = req_query(req, "active_on");
	f.q = req_query(req, "q");
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = secretary_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

/* the fields of a dispatch; an update also takes its version */
static const char *const sec_fields[] = { "org_id", "name", "member_id", "level", "unit", "term_start", "term_end",
					  "team", "note", NULL };
static const char *const sec_update_fields[] = { "org_id", "name", "member_id", "level", "unit", "term_start",
						 "term_end", "team", "note", "version", NULL };

int h_secretaries_create(struct request *req, struct response *res)
{
	return api_create_record(req, res, sec_fields, secretary_create, secretary_get);
}

int h_secretaries_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, secretary_get, 200, req->params[0]);
}

int h_secretaries_update(struct request *req, struct response *res)
{
	return api_update_record(req, res, sec_update_fields, secretary_update, secretary_get, req->params[0]);
}

int h_secretaries_duties(struct request *req, struct response *res)
{
	static const char *const fields[] = { "year", "items", NULL };
	return api_update_record(req, res, fields, secretary_set_duties, secretary_get, req->params[0]);
}

int h_secretaries_workdays(struct request *req, struct response *res)
{
	static const char *const fields[] = { "month", "days", "note", NULL };
	return api_update_record(req, res, fields, secretary_set_workdays, secretary_get, req->params[0]);
}

int h_secretaries_fund_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "amount_fen", "funded_on", "source", NULL };
	json_t *body = NULL;
	int64_t fid = 0;
	int rc;
	if ((rc = api_body_fields(req, fields, &body)))
		return rc;
	if (!(rc = secretary_add_fund(&req->ctx, req->params[0], body, &fid)))
		rc = api_reply_record(req, res, secretary_get, 201, req->params[0]);
	json_decref(body);
	return rc;
}

int h_secretaries_fund_delete(struct request *req, struct response *res)
{
	int rc = secretary_delete_fund(&req->ctx, req->params[0], req->params[1]);
	if (rc)
		return rc;
	return api_reply_record(req, res, secretary_get, 200, req->params[0]);
}
