/* /api/v1/session: log in, who am I, log out. */
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "domain/auth.h"
#include "domain/points.h"
#include "domain/signin_code.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * "features": what the UI shows for this actor. Points follow the settings of the
 * actor's scope root (or member record); a failure to tell hides points rather than
 * failing the session.
 */
static json_t *features_json(struct ctx *ctx)
{
	json_t *f = json_object();
	int on;
	err_clear(&ctx->err);
	on = points_enabled_for_actor(ctx);
	json_object_set_new(f, "points", json_boolean(on == 1 && ctx->err.code == E_OK));
	err_clear(&ctx->err);
	return f;
}

int h_session_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "username", "password", "bearer", "code", NULL };
	char username[64], password[160], code[40];
	char *token = NULL, *csrf = NULL;
	json_t *body = NULL, *reply;
	struct user u;
	int present, bearer = 0, rc;

	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_str(req, body, "username", username, sizeof(username), &present)) ||
	    (rc = api_get_str(req, body, "password", password, sizeof(password), &present)) ||
	    (rc = api_get_bool(req, body, "bearer", &bearer, &present)) ||
	    (rc = api_get_str(req, body, "code", code, sizeof(code), &present)))
		goto out;
	/* a one-time code stands for username and password (domain/signin_code.c) */
	if (code[0] && !username[0] && !password[0])
		rc = auth_login_code(&req->ctx, code, bearer, &token, &csrf, &u);
	else if (!username[0] || !password[0]) {
		rc = err_set(&req->ctx.err, E_INVALID, username[0] ? "password" : "username", "field.required",
			     "请输入用户名和密码");
		goto out;
	} else
		rc = auth_login(&req->ctx, username, password, bearer, &token, &csrf, &u);
	if (rc)
		goto out;
	reply = json_object();
	json_object_set_new(reply, "user", user_to_json(&u));
	json_object_set_new(reply, "features", features_json(&req->ctx));
	if (bearer) {
		json_object_set_new(reply, "token", json_string(token));
	} else {
		long long ttl = config_int(req->ctx.cfg, CFG_SESSION_TTL_MIN) * 60;
		json_object_set_new(reply, "csrf", json_string(csrf));
		xsnprintf(res->set_cookie, sizeof(res->set_cookie),
			  "dj_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token, ttl,
			  config_int(req->ctx.cfg, CFG_HTTP_SECURE_COOKIE) ? "; Secure" : "");
	}
	api_reply_json(res, 200, reply);
out:
	json_decref(body);
	free(token);
	free(csrf);
	return rc;
}

int h_session_get(struct request *req, struct response *res)
{
	struct user u;
	json_t *reply;
	int rc = user_get(&req->ctx, req->ctx.actor.user_id, &u);
	if (rc)
		return rc;
	reply = json_object();
	json_object_set_new(reply, "user", user_to_json(&u));
	json_object_set_new(reply, "features", features_json(&req->ctx));
	if (req->via_cookie)
		json_object_set_new(reply, "csrf", json_string(req->csrf));
	api_reply_json(res, 200, reply);
	return 0;
}

int h_session_delete(struct request *req, struct response *res)
{
	int rc = auth_logout(&req->ctx, req->session_token_hash);
	if (rc)
		return rc;
	xsnprintf(res->set_cookie, sizeof(res->set_cookie), "dj_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		  config_int(req->ctx.cfg, CFG_HTTP_SECURE_COOKIE) ? "; Secure" : "");
	res->status = 204;
	return 0;
}
