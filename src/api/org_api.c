/* /api/v1/orgs: the organization tree. */
#include <string.h>
#include "api/handlers.h"
#include "domain/org.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const org_fields[] = { "parent_id", "kind", "name", "code", "unit_kind", "can_approve",
					  "is_temporary", "secretary_member_id", "committee_size", "founded_on",
					  "term_start", "term_end", "address", "version", NULL };

/* Copy the editable fields present in body onto o. */
static int read_org_body(struct request *req, json_t *body, struct org *o)
{
	int present, rc, b;
	int64_t v;
	if ((rc = api_check_fields(req, body, org_fields)))
		return rc;
	if ((json_object_get(body, "name") && (rc = api_get_str(req, body, "name", o->name, sizeof(o->name), &present))) ||
	    (json_object_get(body, "code") && (rc = api_get_str(req, body, "code", o->code, sizeof(o->code), &present))))
		return rc;
	if (json_object_get(body, "unit_kind") &&
	    (rc = api_get_str(req, body, "unit_kind", o->unit_kind, sizeof(o->unit_kind), &present)))
		return rc;
	if ((rc = api_get_bool(req, body, "can_approve", &b, &present)))
		return rc;
	if (present)
		o->can_approve = b;
	if ((rc = api_get_bool(req, body, "is_temporary", &b, &present)))
		return rc;
	if (present)
		o->is_temporary = b;
	if ((rc = api_get_int(req, body, "secretary_member_id", &v, &present)))
		return rc;
	if (json_object_get(body, "secretary_member_id"))
		o->secretary_member_id = present ? v : 0;
	if ((rc = api_get_int(req, body, "committee_size", &v, &present)))
		return rc;
	if (present)
		o->committee_size = (int)(v < 0 || v > 100 ? -1 : v);
	if ((json_object_get(body, "founded_on") &&
	     (rc = api_get_str(req, body, "founded_on", o->founded_on, sizeof(o->founded_on), &present))) ||
	    (json_object_get(body, "term_start") &&
	     (rc = api_get_str(req, body, "term_start", o->term_start, sizeof(o->term_start), &present))) ||
	    (json_object_get(body, "term_end") &&
	     (rc = api_get_str(req, body, "term_end", o->term_end, sizeof(o->term_end), &present))) ||
	    (json_object_get(body, "address") &&
	     (rc = api_get_str(req, body, "address", o->address, sizeof(o->address), &present))))
		return rc;
	return 0;
}

int h_orgs_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t total = 0, root;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &root)))
		return rc;
	if ((rc = org_list(&req->ctx, root, req_query(req, "kind"), req_query(req, "q"), page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_orgs_root(struct request *req, struct response *res)
{
	struct org o;
	int rc = org_root(&req->ctx, &o);
	if (rc)
		return rc;
	api_reply_json(res, 200, org_to_json(&o));
	return 0;
}

int h_orgs_get(struct request *req, struct response *res)
{
	struct org o;
	json_t *j;
	int rc = org_get(&req->ctx, req->params[0], &o);
	if (rc)
		return rc;
	j = org_to_json(&o);
	json_object_set_new(j, "warnings", org_warnings(&req->ctx, &o));
	api_reply_json(res, 200, j);
	return 0;
}

int h_orgs_children(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = org_children(&req->ctx, req->params[0], &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, (int)json_array_size(items));
	return 0;
}

int h_orgs_create(struct request *req, struct response *res)
{
	struct org o;
	json_t *body = NULL;
	int present, rc;
	memset(&o, 0, sizeof(o));
	if ((rc = api_body_object(req, &body)))
		goto out;
	if (json_object_get(body, "version")) {
		rc = err_set(&req->ctx.err, E_MALFORMED, "version", NULL, "新建组织不能带 version");
		goto out;
	}
	if ((rc = read_org_body(req, body, &o)) ||
	    (rc = api_get_int(req, body, "parent_id", &o.parent_id, &present)) ||
	    (rc = api_get_str(req, body, "kind", o.kind, sizeof(o.kind), &present)))
		goto out;
	if ((rc = org_create(&req->ctx, &o)))
		goto out;
	if ((rc = org_get(&req->ctx, o.id, &o)))
		goto out;
	api_reply_json(res, 201, org_to_json(&o));
out:
	json_decref(body);
	return rc;
}

int h_orgs_update(struct request *req, struct response *res)
{
	struct org o;
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)))
		goto out;
	if (json_object_get(body, "parent_id") || json_object_get(body, "kind")) {
		rc = err_set(&req->ctx.err, E_MALFORMED, json_object_get(body, "kind") ? "kind" : "parent_id", NULL,
			     "组织类型不能修改；调整上级请用 /move");
		goto out;
	}
	if ((rc = org_get(&req->ctx, req->params[0], &o)))
		goto out;
	if ((rc = api_get_version(req, body, &o.version)) || (rc = read_org_body(req, body, &o)))
		goto out;
	if ((rc = org_update(&req->ctx, &o)) || (rc = org_get(&req->ctx, o.id, &o)))
		goto out;
	api_reply_json(res, 200, org_to_json(&o));
out:
	json_decref(body);
	return rc;
}

int h_orgs_move(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "parent_id", NULL };
	struct org o;
	json_t *body = NULL;
	int64_t version = 0, parent = 0;
	int present, rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_version(req, body, &version)) || (rc = api_get_int(req, body, "parent_id", &parent, &present)))
		goto out;
	if (!present) {
		rc = err_set(&req->ctx.err, E_MALFORMED, "parent_id", NULL, "缺少 parent_id");
		goto out;
	}
	if ((rc = org_move(&req->ctx, req->params[0], parent, version)) || (rc = org_get(&req->ctx, req->params[0], &o)))
		goto out;
	api_reply_json(res, 200, org_to_json(&o));
out:
	json_decref(body);
	return rc;
}

int h_orgs_dissolve(struct request *req, struct response *res)
{
	int64_t version;
	int rc = api_query_int(req, "version", -1, 0, INT64_MAX, &version);
	if (rc)
		return rc;
	if (version < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "version", NULL, "撤销组织需要 ?version=N");
	if ((rc = org_dissolve(&req->ctx, req->params[0], version)))
		return rc;
	res->status = 204;
	return 0;
}

int h_orgs_lookup(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = org_lookup_branches(&req->ctx, req_query(req, "q"), 20, &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, 20);
	return 0;
}
