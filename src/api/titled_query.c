/* The managers' list query of notices and courses (see titled_query.h). */
#include "api/titled_query.h"
#include "domain/titled.h"
#include "util/banned.h"

int api_titled_query(struct request *req, struct list_page *lp, int64_t *org_id, int *status, const char **q)
{
	const char *s;
	int rc;
	*status = -1;
	*q = NULL;
	if ((rc = list_query_org(req, org_id)) || (rc = list_page_from_query(req, lp)))
		return rc;
	if ((s = list_query_text(req, "status")) && (*status = titled_status_parse(s)) < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "status 须为 draft、published 或 withdrawn");
	*q = list_query_text(req, "q");
	return 0;
}
