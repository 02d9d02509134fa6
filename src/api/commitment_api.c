/* /api/v1/commitments: 目标责任书 and 承诺事项 (domain/commitment.c), and a member's own under /api/v1/me. */
#include <string.h>
#include "api/handlers.h"
#include "domain/commitment.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* a list asked for as a download fetches up to this many rows */
#define EXPORT_ROWS 10000

static const struct export_column item_cols[] = {
	{ "year", "年度" },
	{ "holder_type_name", "责任主体类型" },
	{ "holder_name", "责任主体" },
	{ "org_name", "所在组织" },
	{ "title", "承诺事项" },
	{ "category_name", "类别" },
	{ "due_on", "完成时限" },
	{ "status_name", "状态" },
	{ "overdue", "已逾期" },
	{ "public", "公开承诺" },
	{ "done_on", "完成日期" },
	{ "evidence", "践诺情况" },
	{ "cancel_reason", "取消原因" },
	{ NULL, NULL },
};

static const struct export_column letter_cols[] = {
	{ "year", "年度" },
	{ "holder_type_name", "责任主体类型" },
	{ "holder_name", "责任主体" },
	{ "org_name", "所在组织" },
	{ "title", "责任书" },
	{ "signed_by", "签订人" },
	{ "signed_on", "签订日期" },
	{ "summary.total", "承诺项数" },
	{ "summary.done", "已践诺" },
	{ "summary.pending", "待践诺" },
	{ "summary.overdue", "已逾期" },
	{ "summary.cancelled", "已取消" },
	{ NULL, NULL },
};

/* org, year, holder_type, status, overdue, category, q; strings point into the query */
static int filter_from_query(struct request *req, struct commitment_filter *f)
{
	const char *s;
	int64_t org, year, overdue;
	int rc;
	memset(f, 0, sizeof(*f));
	f->status = -1;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "overdue", 0, 0, 1, &overdue)))
		return rc;
	f->org_id = org;
	f->year = (int)year;
	f->overdue = (int)overdue;
	if ((s = req_query(req, "holder_type")) && s[0]) {
		if (strcmp(s, "member") && strcmp(s, "org"))
			return err_set(&req->ctx.err, E_MALFORMED, "holder_type", NULL, "holder_type 须为 member 或 org");
		f->holder_type = s;
	}
	if ((s = req_query(req, "status")) && s[0] && (f->status = commitment_status_parse(s)) < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "status 须为 pending、done 或 cancelled");
	if ((s = req_query(req, "category")) && s[0]) {
		if (commitment_category_parse(s) < 0)
			return err_set(&req->ctx.err, E_MALFORMED, "category", NULL, "未知的承诺类别 category");
		f->category = s;
	}
	if ((s = req_query(req, "q")) && s[0])
		f->q = s;
	return 0;
}

typedef int (*list_fn)(struct ctx *, const struct commitment_filter *, int, int, json_t **, int64_t *);

static int reply_filtered_list(struct request *req, struct response *res, list_fn fn, const struct export_column *cols,
			       const char *sheet, const char *base)
{
	struct commitment_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	int page, per_page, rc;
	int download = req_query(req, "format") != NULL;
	if ((rc = filter_from_query(req, &f)) || (rc = api_paging(req, &page, &per_page)))
		return rc;
	if (download) {
		page = 1;
		per_page = EXPORT_ROWS;
	}
	if ((rc = fn(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	if (download) {
		rc = api_reply_items_table(req, res, items, cols, sheet, base);
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_commitments_list(struct request *req, struct response *res)
{
	return reply_filtered_list(req, res, commitment_items_list, item_cols, "承诺事项", "commitments");
}

int h_commitment_letters_list(struct request *req, struct response *res)
{
	return reply_filtered_list(req, res, commitment_letters_list, letter_cols, "目标责任书", "commitment-letters");
}

static int reply_letter(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = commitment_letter_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

static int reply_item(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = commitment_item_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

int h_commitment_letters_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "holder_type", "member_id", "org_id", "year", "title", "signed_by",
					      "signed_on", "items", NULL };
	static const char *const item_fields[] = { "title", "category", "due_on", "public", NULL };
	json_t *body = NULL, *items, *x;
	int64_t id = 0;
	size_t k;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)))
		goto out;
	items = json_object_get(body, "items");
	json_array_foreach(items, k, x)
		if (json_is_object(x) && (rc = api_check_fields(req, x, item_fields)))
			goto out;
	if ((rc = commitment_letter_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_letter(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_commitment_letters_get(struct request *req, struct response *res)
{
	return reply_letter(req, res, 200, req->params[0]);
}

int h_commitment_letters_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "signed_by", "signed_on", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = commitment_letter_update(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_letter(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_commitment_items_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "category", "due_on", "public", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = commitment_item_add(&req->ctx, req->params[0], body, &id)))
		goto out;
	rc = reply_item(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_commitment_items_get(struct request *req, struct response *res)
{
	return reply_item(req, res, 200, req->params[0]);
}

int h_commitment_items_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "category", "due_on", "public", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = commitment_item_update(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_item(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

static int complete(struct request *req, struct response *res, int self)
{
	static const char *const fields[] = { "version", "evidence", "done_on", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = commitment_item_complete(&req->ctx, req->params[0], body, self)))
		goto out;
	rc = reply_item(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_commitment_items_complete(struct request *req, struct response *res)
{
	return complete(req, res, 0);
}

int h_commitment_items_cancel(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reason", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = commitment_item_cancel(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_item(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_commitments_stats(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, from, to;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_query_int(req, "from", 0, 2000, 2100, &from)) ||
	    (rc = api_query_int(req, "to", 0, 2000, 2100, &to)) ||
	    (rc = commitment_stats(&req->ctx, org, (int)from, (int)to, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_commitments_public(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = commitment_public_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_me_commitments(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t year;
	int rc;
	if ((rc = api_query_int(req, "year", 0, 2000, 2100, &year)) || (rc = commitment_mine(&req->ctx, (int)year, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_me_commitments_complete(struct request *req, struct response *res)
{
	return complete(req, res, 1);
}
