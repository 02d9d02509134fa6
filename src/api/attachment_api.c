/* Attachments of a recruit's archive and of meetings, and the archive ZIP. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/handlers.h"
#include "domain/attachment.h"
#include "util/xalloc.h"
#include "util/banned.h"

int h_attachments_upload(struct request *req, struct response *res)
{
	const char *filename = req_query(req, "filename");
	json_t *out = NULL;
	int64_t step;
	int rc;
	if (!req->upload_path[0])
		return err_set(&req->ctx.err, E_IO, NULL, NULL, "附件目录不可写");
	if (!req->upload_size)
		return err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传文件内容");
	if ((rc = api_query_int(req, "step", 0, 0, 99, &step)))
		return rc;
	rc = attachment_store(&req->ctx, req->params[0], (int)step, filename ? filename : "", req->upload_path,
			      req->upload_sha256, req->upload_size, &out);
	if (access(req->upload_path, F_OK) != 0)
		req->upload_path[0] = '\0'; /* taken: nothing left for the server to clean up */
	if (rc)
		return rc;
	api_reply_json(res, 201, out);
	return 0;
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
	const char *filename = req_query(req, "filename");
	json_t *out = NULL;
	int rc;
	if (!req->upload_path[0])
		return err_set(&req->ctx.err, E_IO, NULL, NULL, "附件目录不可写");
	if (!req->upload_size)
		return err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传文件内容");
	rc = attachment_store_meeting(&req->ctx, req->params[0], filename ? filename : "", req->upload_path,
				      req->upload_sha256, req->upload_size, &out);
	if (access(req->upload_path, F_OK) != 0)
		req->upload_path[0] = '\0'; /* taken: nothing left for the server to clean up */
	if (rc)
		return rc;
	api_reply_json(res, 201, out);
	return 0;
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
	char *path = NULL, *mime = NULL, *filename = NULL, *data = NULL;
	struct stat stt;
	int fd = -1, rc;
	ssize_t got = 0;
	if ((rc = attachment_open(&req->ctx, req->params[0], &path, &mime, &filename)))
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
	/* the stored name may be Chinese; the download name stays ASCII (Content-Disposition) */
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
