/* Uploads and downloads of files attached to a record (see file_reply.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/file_reply.h"
#include "domain/attachment.h"
#include "util/xalloc.h"
#include "util/banned.h"

int api_upload_check(struct request *req)
{
	if (!req->upload_path[0])
		return err_set(&req->ctx.err, E_IO, NULL, NULL, "附件目录不可写");
	if (!req->upload_size)
		return err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传文件内容");
	return 0;
}

int api_upload_reply(struct request *req, struct response *res, int rc, json_t *out)
{
	if (access(req->upload_path, F_OK) != 0)
		req->upload_path[0] = '\0'; /* taken: nothing left for the server to clean up */
	if (rc)
		return rc;
	api_reply_json(res, 201, out);
	return 0;
}

int api_upload_file(struct request *req, struct response *res, api_file_store store, int64_t id)
{
	const char *filename = req_query(req, "filename");
	json_t *out = NULL;
	int rc = api_upload_check(req);
	if (rc)
		return rc;
	rc = store(&req->ctx, id, filename ? filename : "", req->upload_path, req->upload_sha256, req->upload_size, &out);
	return api_upload_reply(req, res, rc, out);
}

/* a decimal position: *p advanced past the digits; -1 when there are none or too many */
static int64_t range_number(const char **p)
{
	int64_t v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*p = s;
	return v;
}

int api_byte_range(const char *range, int64_t size, int64_t *first, int64_t *last)
{
	const char *s = range;
	int64_t a, b;
	if (!s || strncasecmp(s, "bytes=", 6) != 0)
		return 0;
	s += 6;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strchr(s, ','))
		return 0; /* several ranges: the whole representation (RFC 9110 §14.2 allows it) */
	if (*s == '-') {
		s++;
		if ((b = range_number(&s)) < 0)
			return 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s)
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 1;
	}
	if ((a = range_number(&s)) < 0 || *s++ != '-')
		return 0;
	b = -1;
	if (*s >= '0' && *s <= '9' && (b = range_number(&s)) < 0)
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s || (b >= 0 && b < a))
		return 0;
	if (a >= size)
		return -1;
	*first = a;
	*last = b < 0 || b >= size ? size - 1 : b;
	return 1;
}

static void reply_unsatisfiable(struct response *res, int64_t size)
{
	json_t *err = json_pack("{s:s, s:s, s:s, s:s}", "code", "range_not_satisfiable", "message",
				"请求的字节范围超出文件大小", "field", "Range", "rule", "range.unsatisfiable");
	api_reply_json(res, 416, json_pack("{s:o}", "error", err));
	xsnprintf(res->content_range, sizeof(res->content_range), "bytes */%lld", (long long)size);
	res->accept_ranges = 1;
}

int api_reply_stored_file(struct request *req, struct response *res, const char *path, const char *field,
			  const char *lost_msg)
{
	unsigned char head[16];
	struct stat stt;
	int64_t size, first = 0, last = 0;
	ssize_t len;
	int fd, ranged = 0;
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &stt) != 0) {
		if (fd >= 0)
			close(fd);
		return err_set(&req->ctx.err, E_NOTFOUND, field, NULL, "%s", lost_msg);
	}
	size = (int64_t)stt.st_size;
	/* an If-Range names a validator this server never sends: the whole file (RFC 9110 §13.1.5) */
	if (!req_header(req, "If-Range"))
		ranged = api_byte_range(req_header(req, "Range"), size, &first, &last);
	if (ranged < 0) {
		close(fd);
		reply_unsatisfiable(res, size);
		return 0;
	}
	if (!ranged)
		last = size - 1;
	/* the response outlives the owner's mime: answer with the sniffer's static type string */
	len = pread(fd, head, sizeof(head), 0);
	/* sent from fd: a video is never read into memory whole */
	api_reply_fd(res, fd, first, last - first + 1, attachment_sniff(head, len > 0 ? (size_t)len : 0), NULL);
	res->accept_ranges = 1;
	if (ranged) {
		res->status = 206;
		xsnprintf(res->content_range, sizeof(res->content_range), "bytes %lld-%lld/%lld", (long long)first,
			  (long long)last, (long long)size);
	}
	return 0;
}
