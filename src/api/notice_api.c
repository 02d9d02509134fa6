/* /api/v1/notices: 通知公告 (domain/notice.c), the sender's side; a member's own under /api/v1/me/notices. */
#include <stdlib.h>
#include <string.h>
#include "api/file_reply.h"
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "api/titled_query.h"
#include "domain/notice.h"
#include "util/banned.h"

int h_notices_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "title", "标题" }, { "org_name", "发文党组织" }, { "status_name", "状态" }, { "published_at", "发布时间" },
		{ "expires_on", "截止日期" }, { "receipt", "需要回执" }, { "read_count", "已读人数" },
		{ "confirmed_count", "回执人数" }, { NULL, NULL },
	};
	static const struct list_download dl = { cols, "通知公告", "notices" };
	struct notice_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if ((rc = api_titled_query(req, &lp, &f.org_id, &f.status, &f.q)) ||
	    (rc = notice_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_notices_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "title", "body", "receipt", "pinned", "expires_on", "publish", NULL };
	return api_create_record(req, res, fields, notice_create, notice_get);
}

int h_notices_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, notice_get, 200, req->params[0]);
}

int h_notices_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "body", "receipt", "pinned", "expires_on", NULL };
	return api_update_record(req, res, fields, notice_update, notice_get, req->params[0]);
}

int h_notices_publish(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	return api_update_record(req, res, fields, notice_publish, notice_get, req->params[0]);
}

int h_notices_withdraw(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reason", NULL };
	return api_update_record(req, res, fields, notice_withdraw, notice_get, req->params[0]);
}

/* no body: the one reminder needs nothing but the notice */
int h_notices_remind(struct request *req, struct response *res)
{
	int rc = notice_remind(&req->ctx, req->params[0]);
	return rc ? rc : api_reply_record(req, res, notice_get, 200, req->params[0]);
}

int h_notices_receipts(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = notice_receipts(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_notices_receipt_members(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "姓名" }, { "org_name", "所在党组织" }, { "read_at", "阅读时间" }, { "confirmed_at", "回执时间" },
		{ NULL, NULL },
	};
	static const struct list_download dl = { cols, "回执情况", "notice-receipts" };
	struct list_page lp;
	json_t *items = NULL;
	int64_t org, total = 0;
	int rc;
	if ((rc = list_query_org(req, &org)) || (rc = list_page_from_query(req, &lp)) ||
	    (rc = notice_receipt_members(&req->ctx, req->params[0], org, list_query_text(req, "state"), lp.page,
					 lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

/* POST /api/v1/notices/{id}/files?filename=: streamed like a meeting's photos */
int h_notice_files_upload(struct request *req, struct response *res)
{
	return api_upload_file(req, res, notice_file_add, req->params[0]);
}

int h_notice_files_get(struct request *req, struct response *res)
{
	char *path = NULL, *mime = NULL, *filename = NULL;
	int rc = notice_file_open(&req->ctx, req->params[0], req->params[1], &path, &mime, &filename);
	if (!rc)
		rc = api_reply_stored_file(req, res, path, "id", "附件文件已丢失");
	free(path);
	free(mime);
	free(filename);
	return rc;
}

int h_me_notices(struct request *req, struct response *res)
{
	json_t *items = NULL, *j;
	int64_t total = 0, unread = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) ||
	    (rc = notice_mine(&req->ctx, page, per_page, &items, &total, &unread)))
		return rc;
	j = json_pack("{s:o, s:I, s:i, s:i, s:I}", "items", items, "total", (json_int_t)total, "page", page, "per_page",
		      per_page, "unread", (json_int_t)unread);
	api_reply_json(res, 200, j);
	return 0;
}

int h_me_notices_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, notice_open, 200, req->params[0]);
}

int h_me_notices_confirm(struct request *req, struct response *res)
{
	return api_reply_record(req, res, notice_confirm, 200, req->params[0]);
}
