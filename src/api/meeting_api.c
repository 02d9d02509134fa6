/* /api/v1/meetings and /api/v1/compliance: organizational life (组织生活). */
#include <string.h>
#include "api/handlers.h"
#include "domain/meeting.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int reply_meeting(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = meeting_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_meetings_list(struct request *req, struct response *res)
{
	struct meeting_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	const char *s;
	int rc;
	meeting_filter_init(&f);
	if ((rc = api_paging(req, &f.page, &f.per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f.org_id)))
		return rc;
	if ((s = req_query(req, "kind")) && (f.kind = meeting_kind_parse(s)) < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "kind", NULL, "未知的会议类型");
	if ((s = req_query(req, "from")) && strlcpy_z(f.from, s, sizeof(f.from)))
		return err_set(&req->ctx.err, E_MALFORMED, "from", NULL, "日期格式为 YYYY-MM-DD");
	if ((s = req_query(req, "to")) && strlcpy_z(f.to, s, sizeof(f.to)))
		return err_set(&req->ctx.err, E_MALFORMED, "to", NULL, "日期格式为 YYYY-MM-DD");
	if ((rc = meeting_list(&req->ctx, &f, &items, &total)))
		return rc;
	api_reply_list(res, items, total, f.page, f.per_page);
	return 0;
}

int h_meetings_get(struct request *req, struct response *res)
{
	return reply_meeting(req, res, 200, req->params[0]);
}

int h_meetings_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "kind", "held_on", "start_time", "end_time", "place", "host",
					      "lecturer", "topic", "agenda", "minutes", "resolutions", "hours", "vote",
					      "attendance", "checkin", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = meeting_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_meeting(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_meetings_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "held_on", "start_time", "end_time", "place", "host",
					      "lecturer", "topic", "agenda", "minutes", "resolutions", "hours", "vote",
					      "attendance", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = meeting_update(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_meeting(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

/* year defaults to this year (Asia/Shanghai) */
static int query_year(struct request *req, int64_t *year)
{
	return api_query_int(req, "year", req->ctx.today.y, 2000, 2100, year);
}

int h_compliance(struct request *req, struct response *res)
{
	struct strbuf body = STRBUF_INIT;
	struct compliance_opts opts = { 0 };
	int64_t org, year, month, quarter;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = query_year(req, &year)) ||
	    (rc = api_query_int(req, "month", 0, 1, 12, &month)) || (rc = api_query_int(req, "quarter", 0, 1, 4, &quarter)) ||
	    (rc = api_paging(req, &opts.page, &opts.per_page)))
		return rc;
	/* page and per_page apply to a large subtree's branches not green only (docs/API.md) */
	if ((rc = compliance_report_json_opts(&req->ctx, org, (int)year, (int)month, (int)quarter, &opts, &body))) {
		strbuf_release(&body);
		return rc;
	}
	/* streamed (domain/compliance.c): a county is thousands of branches */
	data = strbuf_detach(&body, &len);
	api_reply_file(res, data, len, "application/json; charset=utf-8", NULL);
	return 0;
}

int h_compliance_hours(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t org, year;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = query_year(req, &year)) ||
	    (rc = compliance_hours_summary(&req->ctx, org, (int)year, page, per_page, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_compliance_at_risk(struct request *req, struct response *res)
{
	struct compliance_opts opts = { 0 };
	json_t *out = NULL;
	int64_t org;
	int rc;
	/* page and per_page apply to a large subtree's items only (docs/API.md) */
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_paging(req, &opts.page, &opts.per_page)) ||
	    (rc = compliance_at_risk_opts(&req->ctx, org, &opts, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_compliance_reminders(struct request *req, struct response *res)
{
	struct strbuf body = STRBUF_INIT;
	struct compliance_opts opts = { 0 };
	int64_t org;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_paging(req, &opts.page, &opts.per_page)))
		return rc;
	/* page and per_page apply to a large subtree's items only (docs/API.md) */
	if ((rc = compliance_reminders_opts(&req->ctx, org, &opts, &body))) {
		strbuf_release(&body);
		return rc;
	}
	/* written as the report is (domain/compliance.c): a county at a quarter's end is thousands of items */
	data = strbuf_detach(&body, &len);
	api_reply_file(res, data, len, "application/json; charset=utf-8", NULL);
	return 0;
}

int h_member_hours(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t year;
	int rc;
	if ((rc = query_year(req, &year)) || (rc = compliance_member_hours(&req->ctx, req->params[0], (int)year, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

/* ---- 主题党日年度计划 and the calendar (domain/meeting_plan.c) ---- */

int h_meeting_plans_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = query_year(req, &year)) ||
	    (rc = meeting_plan_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_meeting_plans_set(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "year", "items", "version", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc, created = 0;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = meeting_plan_set(&req->ctx, body, &id, &created)) || (rc = meeting_plan_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, created ? 201 : 200, j);
out:
	json_decref(body);
	return rc;
}

int h_meetings_calendar(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t org, year, month;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = query_year(req, &year)) ||
	    (rc = api_query_int(req, "month", req->ctx.today.m, 1, 12, &month)) ||
	    (rc = meeting_calendar(&req->ctx, org, (int)year, (int)month, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}
