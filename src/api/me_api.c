/* /api/v1/me/home, /me/tasks, /me/recruitment: the member's phone home (domain/me_home.c).
 * No route takes an id: each answers for the caller's own member record only. */
#include "api/handlers.h"
#include "domain/me_home.h"
#include "util/banned.h"

static int reply(struct request *req, struct response *res, int (*fn)(struct ctx *, json_t **))
{
	json_t *j = NULL;
	int rc = fn(&req->ctx, &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_me_home(struct request *req, struct response *res)
{
	return reply(req, res, me_home);
}

int h_me_tasks(struct request *req, struct response *res)
{
	return reply(req, res, me_tasks);
}

int h_me_recruitment(struct request *req, struct response *res)
{
	return reply(req, res, me_recruitment);
}
