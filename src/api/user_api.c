/* /api/v1/users: accounts within the admin's scope. */
#include <string.h>
#include "api/handlers.h"
#include "domain/auth.h"
#include "util/xalloc.h"
#include "util/banned.h"

int h_users_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t total = 0, org;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)))
		return rc;
	if ((rc = user_list(&req->ctx, org, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_users_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "username", "display_name", "password", "role", "org_id", "member_id", NULL };
	char password[160], role[24];
	struct user u;
	json_t *body = NULL;
	int present, rc;
	memset(&u, 0, sizeof(u));
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_str(req, body, "username", u.username, sizeof(u.username), &present)) ||
	    (rc = api_get_str(req, body, "display_name", u.display_name, sizeof(u.display_name), &present)) ||
	    (rc = api_get_str(req, body, "password", password, sizeof(password), &present)) ||
	    (rc = api_get_str(req, body, "role", role, sizeof(role), &present)) ||
	    (rc = api_get_int(req, body, "org_id", &u.org_id, &present)) ||
	    (rc = api_get_int(req, body, "member_id", &u.member_id, &present)))
		goto out;
	u.role = role_parse(role);
	if ((rc = user_create(&req->ctx, &u, password)) || (rc = user_get(&req->ctx, u.id, &u)))
		goto out;
	api_reply_json(res, 201, user_to_json(&u));
out:
	json_decref(body);
	return rc;
}

int h_users_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "display_name", "password", "disabled", NULL };
	char password[160];
	struct user u;
	json_t *body = NULL;
	int present, pw_present, disabled, rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = user_get(&req->ctx, req->params[0], &u)) || (rc = api_get_version(req, body, &u.version)))
		goto out;
	if (json_object_get(body, "display_name") &&
	    (rc = api_get_str(req, body, "display_name", u.display_name, sizeof(u.display_name), &present)))
		goto out;
	if ((rc = api_get_str(req, body, "password", password, sizeof(password), &pw_present)) ||
	    (rc = api_get_bool(req, body, "disabled", &disabled, &present)))
		goto out;
	if (present)
		u.disabled = disabled;
	if (u.id == req->ctx.actor.user_id && u.disabled) {
		rc = err_set(&req->ctx.err, E_RULE, "disabled", "user.self_disable", "不能停用自己的账号");
		goto out;
	}
	if ((rc = user_update(&req->ctx, &u, pw_present && password[0] ? password : NULL)) ||
	    (rc = user_get(&req->ctx, u.id, &u)))
		goto out;
	api_reply_json(res, 200, user_to_json(&u));
out:
	json_decref(body);
	return rc;
}
