/* Attachments of a recruit's archive and of meetings, and the archive ZIP. */
#include <stdlib.h>
#include <string.h>
#include "api/file_reply.h"
#include "api/handlers.h"
#include "domain/attachment.h"
#include "util/banned.h"

int h_attachments_upload(struct request *req, struct response *res)
{
	const char *filename = req_query(req, "filename");
	json_t *out = NULL;
	int64_t step;
	int rc;
	if ((rc = api_upload_check(req)) || (rc = api_query_int(req, "step", 0, 0, 99, &step)))
		return rc;
	rc = attachment_store(&req->ctx, req->params[0], (int)step, filename ? filename : "", req->upload_path,
			      req->upload_sha256, req->upload_size, &out);
	return api_upload_reply(req, res, rc, out);
}

int h_attachments_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = attachment_list(&req->ctx, req->params[0], &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, (int)json_array_size(items));
	return 0;
}

/* POST /api/v1/meetings/{id}/attachments?filename=: a meeting's photo or file, streamed like a recruit's */
int h_meeting_attachments_upload(struct request *req, struct response *res)
{
	return api_upload_file(req, res, attachment_store_meeting, req->params[0]);
}

int h_meeting_attachments_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = attachment_list_meeting(&req->ctx, req->params[0], &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, (int)json_array_size(items));
	return 0;
}

int h_attachment_get(struct request *req, struct response *res)
{
	char *path = NULL, *mime = NULL, *filename = NULL;
	int rc = attachment_open(&req->ctx, req->params[0], &path, &mime, &filename);
	/* the stored name may be Chinese: no Content-Disposition name (the client names the download) */
	if (!rc)
		rc = api_reply_stored_file(req, res, path, "id", "附件文件已丢失");
	free(path);
	free(mime);
	free(filename);
	return rc;
}

int h_recruit_archive(struct request *req, struct response *res)
{
	char *zip = NULL;
	size_t len = 0;
	int rc = recruit_archive_zip(&req->ctx, req->params[0], &zip, &len);
	if (rc)
		return rc;
	api_reply_file(res, zip, len, "application/zip", "archive.zip");
	return 0;
}
