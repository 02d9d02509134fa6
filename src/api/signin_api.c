/* One-time sign-in codes (domain/signin_code.c): issuing one for a member, and setting one's own password. */
#include "api/handlers.h"
#include "api/record_reply.h"
#include "domain/signin_code.h"
#include "util/banned.h"

/* POST /api/v1/members/{id}/signin-code (no body) → 201 with the code, shown this once */
int h_member_signin_code(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = signin_code_issue(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 201, j);
	return 0;
}

/* PUT /api/v1/me/password {password, current_password?} → 204 */
int h_me_password(struct request *req, struct response *res)
{
	static const char *const fields[] = { "password", "current_password", NULL };
	json_t *body = NULL;
	int rc;
	if (!(rc = api_body_fields(req, fields, &body)) &&
	    !(rc = auth_password_set_own(&req->ctx, req->session_token_hash, body)))
		res->status = 204;
	json_decref(body);
	return rc;
}
