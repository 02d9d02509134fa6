/* /api/v1/dues, /members/{id}/dues, /me/dues: 党费 (domain/dues.c, dues_pay.c, dues_reduce.c). */
#include <string.h>
#include "api/handlers.h"
#include "domain/dues.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int reply_body_call(struct request *req, struct response *res, const char *const *fields, int status,
			   int (*fn)(struct ctx *, json_t *, json_t **))
{
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = fn(&req->ctx, body, &out)))
		goto done;
	api_reply_json(res, status, out);
done:
	json_decref(body);
	return rc;
}

int h_dues_rate(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t base;
	int rc;
	if ((rc = api_query_int(req, "base_fen", 0, INT64_MIN, INT64_MAX, &base)) ||
	    (rc = dues_rate(&req->ctx, req_query(req, "kind"), base, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

static int member_year(struct request *req, struct response *res, int64_t id, int self)
{
	json_t *j = NULL;
	int64_t year;
	int rc;
	if ((rc = api_query_int(req, "year", 0, 1950, 2200, &year)) ||
	    (rc = dues_member_year(&req->ctx, id, (int)year, self, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_member_dues(struct request *req, struct response *res)
{
	return member_year(req, res, req->params[0], 0);
}

int h_me_dues(struct request *req, struct response *res)
{
	return member_year(req, res, 0, 1);
}

int h_member_dues_bases_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "kind", "base_fen", "from_month", "note", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = dues_base_set(&req->ctx, req->params[0], body, &out)))
		goto done;
	api_reply_json(res, 201, out);
done:
	json_decref(body);
	return rc;
}

int h_dues_payments_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "kind",	"first_month", "last_month", "amount_fen", "paid_on",
					      "method",	   "collector", "receipt_no",  "proxy_name", "note",	   NULL };
	return reply_body_call(req, res, fields, 201, dues_payment_create);
}

int h_dues_payments_batch(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "month", "member_ids", "paid_on", "method", "collector", NULL };
	return reply_body_call(req, res, fields, 200, dues_payment_batch);
}

int h_dues_payments_list(struct request *req, struct response *res)
{
	struct dues_payment_filter f;
	json_t *items = NULL;
	json_t *body, *last;
	int64_t org, year, member, total = 0;
	int page, per_page, rc;
	const char *kind = req_query(req, "kind");
	memset(&f, 0, sizeof(f));
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 1950, 2200, &year)) ||
	    (rc = api_query_int(req, "member_id", 0, 0, INT64_MAX, &member)) ||
	    (rc = api_query_int(req, "after", 0, 1, INT64_MAX, &f.after)))
		return rc;
	if (kind && kind[0] && strcmp(kind, "regular") && strcmp(kind, "one_off"))
		return err_set(&req->ctx.err, E_MALFORMED, "kind", NULL, "kind 须为 regular 或 one_off");
	f.org_id = org;
	f.year = (int)year;
	f.member_id = member;
	f.kind = kind && kind[0] ? kind : NULL;
	if ((rc = dues_payments_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	/* next: the keyset cursor (after=) of the following page, when this one is full */
	last = json_array_size(items) == (size_t)per_page ? json_array_get(items, json_array_size(items) - 1) : NULL;
	body = json_pack("{s:o, s:I, s:i, s:i, s:o}", "items", items, "total", (json_int_t)total, "page", page, "per_page",
			 per_page, "next", last ? json_incref(json_object_get(last, "id")) : json_null());
	api_reply_json(res, 200, body);
	return 0;
}

int h_dues_payments_void(struct request *req, struct response *res)
{
	static const char *const fields[] = { "reason", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = dues_payment_void(&req->ctx, req->params[0], body)))
		goto done;
	api_reply_json(res, 200, json_pack("{s:I, s:s}", "id", (json_int_t)req->params[0], "status", "void"));
done:
	json_decref(body);
	return rc;
}

static int reply_reduction(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = dues_reduction_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_dues_reductions_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "from_month", "to_month", "monthly_fen", "reason",
					      "branch_studied_on", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = dues_reduction_create(&req->ctx, body, &id)))
		goto done;
	rc = reply_reduction(req, res, 201, id);
done:
	json_decref(body);
	return rc;
}

static int decide(struct request *req, struct response *res, int approve)
{
	static const char *const fields[] = { "version", "note", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = dues_reduction_decide(&req->ctx, req->params[0], approve, body)))
		goto done;
	rc = reply_reduction(req, res, 200, req->params[0]);
done:
	json_decref(body);
	return rc;
}

int h_dues_reductions_approve(struct request *req, struct response *res)
{
	return decide(req, res, 1);
}

int h_dues_reductions_reject(struct request *req, struct response *res)
{
	return decide(req, res, 0);
}

int h_dues_reductions_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, total = 0;
	int page, per_page, rc;
	const char *status = req_query(req, "status");
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) ||
	    (rc = dues_reductions_list(&req->ctx, org, status && status[0] ? status : NULL, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_dues_arrears(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, min;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "min_months", 1, 1, 1200, &min)) ||
	    (rc = dues_arrears(&req->ctx, org, (int)min, page, per_page, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}
