/* Body reading and record replies shared by record handlers (see record_reply.h). */
#include "api/record_reply.h"
#include "util/banned.h"

int api_body_fields(struct request *req, const char *const *allowed, json_t **body)
{
	int rc;
	*body = NULL;
	if ((rc = api_body_object(req, body)) || (rc = api_check_fields(req, *body, allowed))) {
		json_decref(*body);
		*body = NULL;
	}
	return rc;
}

int api_reply_record(struct request *req, struct response *res, api_record_getter get, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int api_create_record(struct request *req, struct response *res, const char *const *fields, api_record_create create,
		      api_record_getter get)
{
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if (!(rc = api_body_fields(req, fields, &body)) && !(rc = create(&req->ctx, body, &id)))
		rc = api_reply_record(req, res, get, 201, id);
	json_decref(body);
	return rc;
}

int api_update_record(struct request *req, struct response *res, const char *const *fields, api_record_update update,
		      api_record_getter get, int64_t id)
{
	json_t *body = NULL;
	int rc;
	if (!(rc = api_body_fields(req, fields, &body)) && !(rc = update(&req->ctx, id, body)))
		rc = api_reply_record(req, res, get, 200, id);
	json_decref(body);
	return rc;
}
