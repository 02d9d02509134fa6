/*
 * 合理化建议 (domain/suggestion.c): the managers' side under /api/v1/suggestions, a
 * member's own under /api/v1/me/suggestions, and the public form of a board under
 * /api/v1/public/board/suggestions?key= (ROUTE_PUBLIC: the key is the credential).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/suggestion.h"
#include "util/banned.h"

int h_suggestions_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "created_at", "提交时间" }, { "org_name", "党支部" }, { "source_name", "来源" }, { "submitter", "提交人" },
		{ "title", "标题" },          { "status_name", "状态" }, { "reply", "答复" },       { "request_id", "民情诉求编号" },
		{ NULL, NULL },
	};
	static const struct list_download dl = { cols, "合理化建议", "suggestions" };
	struct suggestion_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0, year = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	if ((rc = list_query_org(req, &f.org_id)) || (rc = list_page_from_query(req, &lp)) ||
	    (rc = api_query_int(req, "year", 0, 0, 9999, &year)))
		return rc;
	f.year = (int)year;
	f.status = list_query_text(req, "status");
	f.source = list_query_text(req, "source");
	f.q = list_query_text(req, "q");
	if ((rc = suggestion_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_suggestions_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, suggestion_get, 200, req->params[0]);
}

int h_suggestions_convert(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "category", NULL };
	return api_update_record(req, res, fields, suggestion_convert, suggestion_get, req->params[0]);
}

int h_suggestions_close(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reply", NULL };
	return api_update_record(req, res, fields, suggestion_close, suggestion_get, req->params[0]);
}

/* POST: the full contact phone, written to the audit log */
int h_suggestions_reveal(struct request *req, struct response *res)
{
	char *contact = NULL;
	int rc = suggestion_reveal(&req->ctx, req->params[0], &contact);
	if (rc)
		return rc;
	api_reply_json(res, 200, json_pack("{s:s}", "contact", contact));
	free(contact);
	return 0;
}

int h_suggestions_stats(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, year;
	int rc;
	if ((rc = list_query_org(req, &org)) || (rc = api_query_int(req, "year", 0, 0, 9999, &year)) ||
	    (rc = suggestion_stats(&req->ctx, org, (int)year, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_me_suggestions_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) ||
	    (rc = suggestion_mine(&req->ctx, page, per_page, &items, &total)))
		return rc;
	api_reply_json(res, 200,
		       json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page", page, "per_page",
				 per_page));
	return 0;
}

int h_me_suggestions_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "body", NULL };
	return api_create_record(req, res, fields, suggestion_submit_mine, suggestion_get_mine);
}

int h_me_suggestions_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, suggestion_get_mine, 200, req->params[0]);
}

int h_public_suggestions_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "body", "name", "contact", NULL };
	const char *key = req_query(req, "key");
	json_t *body = NULL, *out = NULL;
	int rc;
	if (!(rc = api_body_fields(req, fields, &body)) &&
	    !(rc = suggestion_submit_public(&req->ctx, key ? key : "", body, &out)))
		api_reply_json(res, 201, out);
	json_decref(body);
	return rc;
}
