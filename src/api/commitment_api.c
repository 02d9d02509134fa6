/* /api/v1/commitments: 目标责任书 and 承诺事项 (domain/commitment.c), and a member's own under /api/v1/me. */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/commitment.h"
#include "util/xalloc.h"
#include "util/banned.h"

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
	if ((rc = list_query_org(req, &org)) || (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
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
	f->q = list_query_text(req, "q");
	return 0;
}

typedef int (*list_fn)(struct ctx *, const struct commitment_filter *, int, int, json_t **, int64_t *);

static int reply_filtered_list(struct request *req, struct response *res, list_fn fn, const struct list_download *dl)
{
	struct commitment_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if ((rc = filter_from_query(req, &f)) || (rc = list_page_from_query(req, &lp)) ||
	    (rc = fn(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, dl);
}

int h_commitments_list(struct request *req, struct response *res)
{
	static const struct list_download dl = { item_cols, "承诺事项", "commitments" };
	return reply_filtered_list(req, res, commitment_items_list, &dl);
}

int h_commitment_letters_list(struct request *req, struct response *res)
{
	static const struct list_download dl = { letter_cols, "目标责任书", "commitment-letters" };
	return reply_filtered_list(req, res, commitment_letters_list, &dl);
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
	if ((rc = api_body_fields(req, fields, &body)))
		goto out;
	items = json_object_get(body, "items");
	json_array_foreach(items, k, x)
		if (json_is_object(x) && (rc = api_check_fields(req, x, item_fields)))
			goto out;
	if ((rc = commitment_letter_create(&req->ctx, body, &id)))
		goto out;
	rc = api_reply_record(req, res, commitment_letter_get, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_commitment_letters_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, commitment_letter_get, 200, req->params[0]);
}

int h_commitment_letters_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "signed_by", "signed_on", NULL };
	return api_update_record(req, res, fields, commitment_letter_update, commitment_letter_get, req->params[0]);
}

int h_commitment_items_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "title", "category", "due_on", "public", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_fields(req, fields, &body)) ||
	    (rc = commitment_item_add(&req->ctx, req->params[0], body, &id)))
		goto out;
	rc = api_reply_record(req, res, commitment_item_get, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_commitment_items_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, commitment_item_get, 200, req->params[0]);
}

int h_commitment_items_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "category", "due_on", "public", NULL };
	return api_update_record(req, res, fields, commitment_item_update, commitment_item_get, req->params[0]);
}

static int complete(struct request *req, struct response *res, int self)
{
	static const char *const fields[] = { "version", "evidence", "done_on", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_fields(req, fields, &body)) ||
	    (rc = commitment_item_complete(&req->ctx, req->params[0], body, self)))
		goto out;
	rc = api_reply_record(req, res, commitment_item_get, 200, req->params[0]);
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
	return api_update_record(req, res, fields, commitment_item_cancel, commitment_item_get, req->params[0]);
}

int h_commitments_stats(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, from, to;
	int rc;
	if ((rc = list_query_org(req, &org)) || (rc = api_query_int(req, "from", 0, 2000, 2100, &from)) ||
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
	if ((rc = api_paging(req, &page, &per_page)) || (rc = list_query_org(req, &org)) ||
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
