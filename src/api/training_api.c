/* /api/v1/trainings: 冬春轮训 across several branches (domain/training.c). */
#include <stdint.h>
#include "api/handlers.h"
#include "domain/training.h"
#include "util/banned.h"

int h_trainings_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org = 0, year = 0, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)))
		return rc;
	if ((rc = training_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_trainings_get(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = training_get(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_trainings_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "branches", "topic", "held_on", "start_time", "end_time",
					      "hours", "place", "lecturer", "attendance", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = training_create(&req->ctx, body, &id)) || (rc = training_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}
