#ifndef LIST_PARAMS_H
#define LIST_PARAMS_H
#include <stdint.h>
#include "api/api.h"
/*
 * What list handlers read from the query string and how they answer, written once:
 * the page (or one large page when ?format= asks for a download), the subtree root
 * ?org=, optional text filters, and the reply as {items,total,page,per_page} or as an
 * xlsx/csv table (api_reply_items_table).
 */
#define LIST_DOWNLOAD_MAX_ROWS 10000 /* a download fetches up to this many rows in one page */

struct list_page {
	int page, per_page;
	int download; /* ?format= was given */
};
/* ?page and ?per_page (api_paging), not read for a download: page 1 of LIST_DOWNLOAD_MAX_ROWS */
int list_page_from_query(struct request *req, struct list_page *lp);
/* ?org=: the subtree root, 0 (absent) = the actor's scope */
int list_query_org(struct request *req, int64_t *org);
/* a text filter: NULL when absent or "" (points into the request) */
const char *list_query_text(struct request *req, const char *name);

/* the table a list becomes when downloaded */
struct list_download {
	const struct export_column *cols; /* up to {NULL, NULL} */
	const char *sheet, *base;         /* sheet name, file name without extension */
};
/* Replies with items (stolen) as the page or, when lp->download, as the table of dl. */
int list_reply(struct request *req, struct response *res, const struct list_page *lp, json_t *items, int64_t total,
	       const struct list_download *dl);
#endif
