/* /api/v1/requests (民情诉求), /api/v1/pairings (结对帮扶), /api/v1/visits (走访): see docs/API.md. */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "domain/mass_request.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct export_column request_cols[] = {
	{ "id", "编号" },
	{ "received_on", "受理日期" },
	{ "org_name", "受理组织" },
	{ "channel_name", "来源渠道" },
	{ "requester", "诉求人" },
	{ "address", "住址" },
	{ "category_name", "类别" },
	{ "content", "诉求内容" },
	{ "status_name", "状态" },
	{ "assignee_name", "承办人/组织" },
	{ "due_on", "办理期限" },
	{ "handling", "办理情况" },
	{ "rectified", "已整改" },
	{ "handled_on", "办结日期" },
	{ "reply", "答复内容" },
	{ "replied_on", "答复日期" },
	{ "satisfaction_name", "满意度" },
	{ "overdue", "逾期" },
	{ NULL, NULL },
};

static const struct export_column pairing_cols[] = {
	{ "id", "编号" },
	{ "org_name", "所属组织" },
	{ "member_name", "帮扶党员" },
	{ "target_kind_name", "结对对象类型" },
	{ "target_name", "结对对象" },
	{ "household_address", "住址" },
	{ "start_on", "结对日期" },
	{ "end_on", "结束日期" },
	{ "note", "帮扶内容" },
	{ NULL, NULL },
};

static const struct export_column visit_cols[] = {
	{ "id", "编号" },
	{ "visited_on", "走访日期" },
	{ "org_name", "所属组织" },
	{ "member_names", "走访党员" },
	{ "place", "走访对象和地点" },
	{ "findings", "走访发现" },
	{ "followup", "需跟进事项" },
	{ "followup_due", "跟进期限" },
	{ "followup_status_name", "跟进状态" },
	{ "followup_closed_on", "办结日期" },
	{ "followup_result", "跟进结果" },
	{ "request_id", "生成诉求编号" },
	{ NULL, NULL },
};

/* an optional 'YYYY-MM-DD' query parameter; 400 naming it otherwise */
static int query_date(struct request *req, const char *name, const char **out)
{
	struct date d;
	*out = req_query(req, name);
	if (*out && !(*out)[0])
		*out = NULL;
	if (*out && date_parse(*out, &d))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "%s 须为日期 YYYY-MM-DD", name);
	return 0;
}

/* an optional code filter: unknown codes are 400 rather than an empty list */
static int query_code(struct request *req, const char *name, const char **out)
{
	*out = req_query(req, name);
	if (*out && !(*out)[0])
		*out = NULL;
	if (*out && !rq_code_known(name, *out))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "%s 的取值 %s 无效", name, *out);
	return 0;
}

/* ---- requests ---- */

static int requests_list(struct request *req, struct response *res, int overdue_only)
{
	struct list_download dl = { request_cols, "民情诉求", NULL };
	struct rq_filter f;
	json_t *items = NULL;
	int64_t total = 0, overdue;
	struct list_page lp;
	int rc;
	memset(&f, 0, sizeof(f));
	f.q = list_query_text(req, "q");
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = api_query_int(req, "overdue", 0, 0, 1, &overdue)) || (rc = query_date(req, "from", &f.from)) ||
	    (rc = query_date(req, "to", &f.to)))
		return rc;
	f.overdue = overdue_only || overdue;
	if ((rc = query_code(req, "status", &f.status)) || (rc = query_code(req, "category", &f.category)) ||
	    (rc = query_code(req, "channel", &f.channel)))
		return rc;
	if ((rc = rq_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	dl.base = f.overdue ? "overdue-requests" : "requests";
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_requests_list(struct request *req, struct response *res)
{
	return requests_list(req, res, 0);
}

int h_requests_overdue(struct request *req, struct response *res)
{
	return requests_list(req, res, 1);
}

static int reply_request(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = rq_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_requests_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "channel", "received_on", "requester", "address", "content",
					      "category", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = rq_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_request(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_requests_get(struct request *req, struct response *res)
{
	return reply_request(req, res, 200, req->params[0]);
}

static int request_step(struct request *req, struct response *res, const char *const *fields,
			int (*step)(struct ctx *, int64_t, json_t *))
{
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = step(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_request(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_requests_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "channel", "received_on", "requester", "address", "content",
					      "category", NULL };
	return request_step(req, res, fields, rq_update);
}

int h_requests_assign(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "member_id", "org_id", "due_on", "reason", "assigned_on", NULL };
	return request_step(req, res, fields, rq_assign);
}

int h_requests_handle(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "handling", "rectified", "handled_on", NULL };
	return request_step(req, res, fields, rq_handle);
}

int h_requests_reply(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reply", "replied_on", NULL };
	return request_step(req, res, fields, rq_reply);
}

int h_requests_rate(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "satisfaction", "rated_on", NULL };
	return request_step(req, res, fields, rq_rate);
}

int h_requests_stats(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org;
	const char *from, *to;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = query_date(req, "from", &from)) ||
	    (rc = query_date(req, "to", &to)) || (rc = rq_stats(&req->ctx, org, from, to, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

/* ---- pairings ---- */

int h_pairings_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	static const struct list_download dl = { pairing_cols, "结对帮扶", "pairings" };
	int64_t org, active, total = 0;
	struct list_page lp;
	int rc;
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &org)) ||
	    (rc = api_query_int(req, "active", 0, 0, 1, &active)) ||
	    (rc = pairing_list(&req->ctx, org, list_query_text(req, "q"), (int)active, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

static int reply_pairing(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = pairing_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_pairings_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "member_id", "target_kind", "household_name", "household_address",
					      "target_member_id", "start_on", "end_on", "note", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = pairing_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_pairing(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_pairings_get(struct request *req, struct response *res)
{
	return reply_pairing(req, res, 200, req->params[0]);
}

int h_pairings_end(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "end_on", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = pairing_end(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_pairing(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

/* ---- visits ---- */

int h_visits_list(struct request *req, struct response *res)
{
	struct visit_filter f;
	json_t *items = NULL;
	static const struct list_download dl = { visit_cols, "走访记录", "visits" };
	int64_t total = 0;
	struct list_page lp;
	int rc;
	memset(&f, 0, sizeof(f));
	f.q = list_query_text(req, "q");
	f.followup = list_query_text(req, "followup");
	if (f.followup && strcmp(f.followup, "open") && strcmp(f.followup, "overdue") && strcmp(f.followup, "closed"))
		return err_set(&req->ctx.err, E_MALFORMED, "followup", NULL, "followup 只能是 open、overdue 或 closed");
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = api_query_int(req, "member", 0, 0, INT64_MAX, &f.member_id)) || (rc = query_date(req, "from", &f.from)) ||
	    (rc = query_date(req, "to", &f.to)) || (rc = visit_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

static int reply_visit(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = visit_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_visits_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "visited_on", "place", "member_ids", "findings", "pairing_id",
					      "followup", "followup_due", "request", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = visit_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_visit(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_visits_get(struct request *req, struct response *res)
{
	return reply_visit(req, res, 200, req->params[0]);
}

int h_visits_followup(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "closed_on", "result", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = visit_close_followup(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_visit(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_visits_request(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "category", "content", "requester", "address", "channel", NULL };
	json_t *body = NULL;
	int64_t rid = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = visit_make_request(&req->ctx, req->params[0], body, &rid)))
		goto out;
	rc = reply_request(req, res, 201, rid);
out:
	json_decref(body);
	return rc;
}
