/* /api/v1/transfers: 组织关系转接 letters. */
#include <string.h>
#include "api/handlers.h"
#include "domain/transfer.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Render the stored letter after a write, as the actor now sees it. */
static int reply_transfer(struct request *req, struct response *res, int status, int64_t id)
{
	struct transfer t;
	int rc = transfer_get(&req->ctx, id, &t);
	if (rc)
		return rc;
	api_reply_json(res, status, transfer_to_json(&req->ctx, &t));
	return 0;
}

int h_transfers_list(struct request *req, struct response *res)
{
	struct transfer_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	const char *s;
	int rc;
	transfer_filter_init(&f);
	if ((rc = api_paging(req, &f.page, &f.per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f.org_id)))
		return rc;
	if ((s = req_query(req, "direction")) && strlcpy_z(f.direction, s, sizeof(f.direction)))
		return err_set(&req->ctx.err, E_MALFORMED, "direction", NULL, "direction 必须是 in 或 out");
	if ((s = req_query(req, "status")) && strlcpy_z(f.status, s, sizeof(f.status)))
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "未知的介绍信状态");
	if ((rc = transfer_list(&req->ctx, &f, &items, &total)))
		return rc;
	api_reply_list(res, items, total, f.page, f.per_page);
	return 0;
}

int h_transfers_get(struct request *req, struct response *res)
{
	return reply_transfer(req, res, 200, req->params[0]);
}

int h_transfers_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "kind", "to_org_id", "to_org_name", "reason",
					      "dues_paid_to", "within_city", NULL };
	struct transfer t;
	json_t *body = NULL;
	int present, within_city = 0, rc;
	memset(&t, 0, sizeof(t));
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_int(req, body, "member_id", &t.member_id, &present)) ||
	    (rc = api_get_str(req, body, "kind", t.kind, sizeof(t.kind), &present)) ||
	    (rc = api_get_int(req, body, "to_org_id", &t.to_org_id, &present)) ||
	    (rc = api_get_str(req, body, "to_org_name", t.to_org_name, sizeof(t.to_org_name), &present)) ||
	    (rc = api_get_str(req, body, "reason", t.reason, sizeof(t.reason), &present)) ||
	    (rc = api_get_str(req, body, "dues_paid_to", t.dues_paid_to, sizeof(t.dues_paid_to), &present)) ||
	    (rc = api_get_bool(req, body, "within_city", &within_city, &present)))
		goto out;
	if ((rc = transfer_create(&req->ctx, &t, within_city)))
		goto out;
	rc = reply_transfer(req, res, 201, t.id);
out:
	json_decref(body);
	return rc;
}

/* The three decisions share one body shape: {"version"} plus "reason" for a refusal. */
static int decide(struct request *req, struct response *res, const char *what)
{
	static const char *const version_only[] = { "version", NULL };
	static const char *const with_reason[] = { "version", "reason", NULL };
	int is_reject = !strcmp(what, "reject");
	char reason[TRANSFER_REASON_SIZE] = "";
	json_t *body = NULL;
	int64_t version = 0;
	int present, rc;
	if ((rc = api_body_object(req, &body)) ||
	    (rc = api_check_fields(req, body, is_reject ? with_reason : version_only)) ||
	    (rc = api_get_version(req, body, &version)) ||
	    (is_reject && (rc = api_get_str(req, body, "reason", reason, sizeof(reason), &present))))
		goto out;
	if (is_reject)
		rc = transfer_reject(&req->ctx, req->params[0], version, reason);
	else if (!strcmp(what, "confirm"))
		rc = transfer_confirm(&req->ctx, req->params[0], version);
	else
		rc = transfer_cancel(&req->ctx, req->params[0], version);
	if (rc)
		goto out;
	rc = reply_transfer(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_transfers_confirm(struct request *req, struct response *res)
{
	return decide(req, res, "confirm");
}

int h_transfers_reject(struct request *req, struct response *res)
{
	return decide(req, res, "reject");
}

int h_transfers_cancel(struct request *req, struct response *res)
{
	return decide(req, res, "cancel");
}
