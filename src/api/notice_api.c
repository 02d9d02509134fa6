/* /api/v1/notices: 通知公告 (domain/notice.c), the sender's side; a member's own under /api/v1/me/notices. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/attachment.h"
#include "domain/notice.h"
#include "util/xalloc.h"
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
	const char *s;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	f.status = -1;
	if ((rc = list_query_org(req, &f.org_id)) || (rc = list_page_from_query(req, &lp)))
		return rc;
	if ((s = list_query_text(req, "status")) && (f.status = notice_status_parse(s)) < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "status 须为 draft、published 或 withdrawn");
	f.q = list_query_text(req, "q");
	if ((rc = notice_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
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
	const char *filename = req_query(req, "filename");
	json_t *out = NULL;
	int rc;
	if (!req->upload_path[0])
		return err_set(&req->ctx.err, E_IO, NULL, NULL, "附件目录不可写");
	if (!req->upload_size)
		return err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传文件内容");
	rc = notice_file_add(&req->ctx, req->params[0], filename ? filename : "", req->upload_path, req->upload_sha256,
			     req->upload_size, &out);
	if (access(req->upload_path, F_OK) != 0)
		req->upload_path[0] = '\0'; /* taken: nothing left for the server to clean up */
	if (rc)
		return rc;
	api_reply_json(res, 201, out);
	return 0;
}

int h_notice_files_get(struct request *req, struct response *res)
{
	char *path = NULL, *mime = NULL, *filename = NULL, *data = NULL;
	struct stat stt;
	ssize_t got = 0;
	int fd = -1, rc;
	if ((rc = notice_file_open(&req->ctx, req->params[0], req->params[1], &path, &mime, &filename)))
		goto out;
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &stt) != 0) {
		rc = err_set(&req->ctx.err, E_NOTFOUND, "id", NULL, "附件文件已丢失");
		goto out;
	}
	data = xmalloc((size_t)stt.st_size + 1);
	while (got < stt.st_size) {
		ssize_t n = read(fd, data + got, (size_t)(stt.st_size - got));
		if (n <= 0)
			break;
		got += n;
	}
	/* the response outlives mime: answer with the sniffer's static type string */
	api_reply_file(res, data, (size_t)got, attachment_sniff((const unsigned char *)data, (size_t)got), NULL);
	data = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	free(mime);
	free(filename);
	free(data);
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
