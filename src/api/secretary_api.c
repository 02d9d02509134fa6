/* /api/v1/first-secretaries: 第一书记 dispatches, duties, work days, funds; xlsx export. */
#include <string.h>
#include "api/handlers.h"
#include "domain/secretary.h"
#include "util/banned.h"

/* exports fetch this many rows in one page */
#define EXPORT_ROWS 10000

static int reply_one(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = secretary_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

static int with_body(struct request *req, const char *const *fields, json_t **body)
{
	int rc;
	*body = NULL;
	if ((rc = api_body_object(req, body)) || (rc = api_check_fields(req, *body, fields))) {
		json_decref(*body);
		*body = NULL;
	}
	return rc;
}

int h_secretaries_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "姓名" }, { "org_name", "驻村党组织" }, { "level_name", "派出层级" }, { "unit", "派出单位" },
		{ "term_start", "任期开始" }, { "term_end", "任期结束" }, { "active", "在岗" }, { "team_names", "3+1帮扶队伍" },
		{ "meetings", "任期内支部会议次数" }, { "meetings_present", "参加次数" }, { "workdays_total", "驻村天数" },
		{ "funds_total_fen", "协调资金（分）" }, { NULL, NULL },
	};
	struct secretary_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	int page = 1, per_page = EXPORT_ROWS, rc;
	const char *format = req_query(req, "format");
	memset(&f, 0, sizeof(f));
	f.level = req_query(req, "level");
	f.active_on = req_query(req, "active_on");
	f.q = req_query(req, "q");
	if ((!format && (rc = api_paging(req, &page, &per_page))) ||
	    (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f.org_id)) ||
	    (rc = secretary_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	if (format) {
		rc = api_reply_items_table(req, res, items, cols, "第一书记", "first-secretaries");
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

/* the fields of a dispatch; an update also takes its version */
static const char *const sec_fields[] = { "org_id", "name", "member_id", "level", "unit", "term_start", "term_end",
					  "team", "note", NULL };
static const char *const sec_update_fields[] = { "org_id", "name", "member_id", "level", "unit", "term_start",
						 "term_end", "team", "note", "version", NULL };

int h_secretaries_create(struct request *req, struct response *res)
{
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = with_body(req, sec_fields, &body)))
		return rc;
	if (!(rc = secretary_create(&req->ctx, body, &id)))
		rc = reply_one(req, res, 201, id);
	json_decref(body);
	return rc;
}

int h_secretaries_get(struct request *req, struct response *res)
{
	return reply_one(req, res, 200, req->params[0]);
}

int h_secretaries_update(struct request *req, struct response *res)
{
	json_t *body = NULL;
	int rc;
	if ((rc = with_body(req, sec_update_fields, &body)))
		return rc;
	if (!(rc = secretary_update(&req->ctx, req->params[0], body)))
		rc = reply_one(req, res, 200, req->params[0]);
	json_decref(body);
	return rc;
}

int h_secretaries_duties(struct request *req, struct response *res)
{
	static const char *const fields[] = { "year", "items", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = with_body(req, fields, &body)))
		return rc;
	if (!(rc = secretary_set_duties(&req->ctx, req->params[0], body)))
		rc = reply_one(req, res, 200, req->params[0]);
	json_decref(body);
	return rc;
}

int h_secretaries_workdays(struct request *req, struct response *res)
{
	static const char *const fields[] = { "month", "days", "note", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = with_body(req, fields, &body)))
		return rc;
	if (!(rc = secretary_set_workdays(&req->ctx, req->params[0], body)))
		rc = reply_one(req, res, 200, req->params[0]);
	json_decref(body);
	return rc;
}

int h_secretaries_fund_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "amount_fen", "funded_on", "source", NULL };
	json_t *body = NULL;
	int64_t fid = 0;
	int rc;
	if ((rc = with_body(req, fields, &body)))
		return rc;
	if (!(rc = secretary_add_fund(&req->ctx, req->params[0], body, &fid)))
		rc = reply_one(req, res, 201, req->params[0]);
	json_decref(body);
	return rc;
}

int h_secretaries_fund_delete(struct request *req, struct response *res)
{
	int rc = secretary_delete_fund(&req->ctx, req->params[0], req->params[1]);
	if (rc)
		return rc;
	return reply_one(req, res, 200, req->params[0]);
}
