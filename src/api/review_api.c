/* /api/v1/reviews: 述职评议 sessions, the draw, raters, opening, publication; /api/v1/review-ballot: scoring by code. */
#include <string.h>
#include "api/handlers.h"
#include "domain/review.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int reply_review(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = review_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_reviews_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = review_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_reviews_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id",       "title",     "year",       "held_on", "weights",
					      "participants", "draw_pool", "draw_count", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = review_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_review(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_reviews_get(struct request *req, struct response *res)
{
	return reply_review(req, res, 200, req->params[0]);
}

/* POST bodies of {version, …}: run op, then answer with the session */
static int change(struct request *req, struct response *res, const char *const *fields,
		  int (*op)(struct ctx *, int64_t, json_t *))
{
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = op(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_review(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_reviews_draw(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "seed", NULL };
	return change(req, res, fields, review_draw);
}

int h_reviews_open(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	return change(req, res, fields, review_open);
}

int h_reviews_publish(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	return change(req, res, fields, review_publish);
}

int h_reviews_draw_verify(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = review_draw_verify(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_reviews_raters(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "raters", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = review_add_raters(&req->ctx, req->params[0], body, &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}

int h_review_ballot_get(struct request *req, struct response *res)
{
	const char *code = req_query(req, "code");
	json_t *j = NULL;
	int rc;
	if (!code || !code[0])
		return err_set(&req->ctx.err, E_INVALID, "code", "field.required", "请输入评议码");
	if ((rc = review_ballot_get(&req->ctx, code, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_review_ballot_submit(struct request *req, struct response *res)
{
	static const char *const fields[] = { "code", "scores", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = review_ballot_submit(&req->ctx, body)) ||
	    (rc = review_ballot_get(&req->ctx, json_string_value(json_object_get(body, "code")), &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}
