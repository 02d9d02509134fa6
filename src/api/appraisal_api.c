/* /api/v1/appraisals: 民主评议党员 rounds, decisions per member, closing, 不合格 follow-ups. */
#include <string.h>
#include "api/handlers.h"
#include "domain/appraisal.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int reply_round(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = appraisal_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_appraisals_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = appraisal_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_appraisals_open(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "year", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = appraisal_open(&req->ctx, body, &id)))
		goto out;
	rc = reply_round(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_appraisals_get(struct request *req, struct response *res)
{
	return reply_round(req, res, 200, req->params[0]);
}

int h_appraisals_decide(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "self_assessment", "mutual", "mass", "category", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = appraisal_decide(&req->ctx, req->params[0], req->params[1], body)))
		goto out;
	rc = reply_round(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_appraisals_close(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = appraisal_close(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_round(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_appraisal_followups_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, overdue, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "overdue", 0, 0, 1, &overdue)) ||
	    (rc = appraisal_followups_list(&req->ctx, org, (int)overdue, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_appraisal_followups_record(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "outcome", "outcome_on", "note", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = appraisal_followup_record(&req->ctx, req->params[0], body)) ||
	    (rc = appraisal_followup_get(&req->ctx, req->params[0], &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}
