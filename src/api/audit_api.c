/* /api/v1/audit: read and verify the hash-chained log. */
#include "api/handlers.h"
#include "domain/audit.h"
#include "util/banned.h"

int h_audit_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t total = 0, entity_id;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) ||
	    (rc = api_query_int(req, "entity_id", 0, 0, INT64_MAX, &entity_id)))
		return rc;
	if ((rc = audit_list(&req->ctx, req_query(req, "entity"), entity_id, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_audit_verify(struct request *req, struct response *res)
{
	struct audit_verify_result r;
	json_t *j;
	int rc = audit_verify(&req->ctx, &r);
	if (rc)
		return rc;
	j = json_object();
	json_object_set_new(j, "ok", json_boolean(r.ok));
	json_object_set_new(j, "count", json_integer(r.count));
	if (!r.ok) {
		json_object_set_new(j, "first_bad_id", json_integer(r.first_bad_id));
		json_object_set_new(j, "reason", json_string(r.reason));
	}
	api_reply_json(res, 200, j);
	return 0;
}
