/* Query parameters and replies shared by list handlers (see list_params.h). */
#include "api/list_params.h"
#include "util/banned.h"

int list_page_from_query(struct request *req, struct list_page *lp)
{
	lp->download = req_query(req, "format") != NULL;
	if (lp->download) {
		/* the file holds the whole list, not the page on screen */
		lp->page = 1;
		lp->per_page = LIST_DOWNLOAD_MAX_ROWS;
		return 0;
	}
	return api_paging(req, &lp->page, &lp->per_page);
}

int list_query_org(struct request *req, int64_t *org)
{
	return api_query_int(req, "org", 0, 0, INT64_MAX, org);
}

const char *list_query_text(struct request *req, const char *name)
{
	const char *s = req_query(req, name);
	return s && s[0] ? s : NULL;
}

int list_reply(struct request *req, struct response *res, const struct list_page *lp, json_t *items, int64_t total,
	       const struct list_download *dl)
{
	int rc;
	if (lp->download) {
		rc = api_reply_items_table(req, res, items, dl->cols, dl->sheet, dl->base);
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, lp->page, lp->per_page);
	return 0;
}
