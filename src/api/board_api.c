/* 党务公开栏 (domain/board.c): the managers' settings and member photos, and the public board by key. */
#include <stdint.h>
#include <string.h>
#include "api/handlers.h"
#include "api/record_reply.h"
#include "domain/board.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The base of the public URL: config board.public_url when set (a server behind a proxy
 * knows its address only from there), else http://Host of this request. A Host with
 * characters no host name has yields no URL rather than a link to somewhere else.
 */
static void base_url(struct request *req, char *out, size_t size)
{
	const char *cfg = req->ctx.cfg ? config_str(req->ctx.cfg, CFG_BOARD_PUBLIC_URL) : "";
	const char *host;
	size_t n, i;
	out[0] = '\0';
	if (cfg[0]) {
		strlcpy_z(out, cfg, size);
		n = strlen(out);
		while (n && out[n - 1] == '/')
			out[--n] = '\0';
		return;
	}
	host = req_header(req, "Host");
	if (!host || !host[0] || strlen(host) > 200)
		return;
	for (i = 0; host[i]; i++) {
		char c = host[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == ':' || c == '[' || c == ']'))
			return;
	}
	xsnprintf(out, size, "http://%s", host);
}

static int reply_settings(struct request *req, struct response *res, int64_t org_id)
{
	char base[256];
	json_t *j = NULL;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = board_settings_get(&req->ctx, org_id, base, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_board_settings_get(struct request *req, struct response *res)
{
	return reply_settings(req, res, req->params[0]);
}

int h_board_settings_put(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "enabled", "show_points", "show_dues", "show_appraisal", "notice",
					      NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_fields(req, fields, &body)) || (rc = board_settings_put(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_settings(req, res, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_board_key(struct request *req, struct response *res)
{
	int rc = board_regenerate_key(&req->ctx, req->params[0]);
	return rc ? rc : reply_settings(req, res, req->params[0]);
}

int h_board_qr(struct request *req, struct response *res)
{
	char base[256], *png = NULL;
	size_t len = 0;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = board_qr_png(&req->ctx, req->params[0], base, &png, &len)))
		return rc;
	api_reply_file(res, png, len, "image/png", NULL);
	return 0;
}

/* PUT /api/v1/members/{id}/photo: the image itself as the body (ROUTE_UPLOAD) */
int h_member_photo_put(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int rc = board_photo_put(&req->ctx, req->params[0], req->body.buf, req->body.len, &out);
	if (rc)
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_member_photo_get(struct request *req, struct response *res)
{
	char *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	int rc = board_photo_get(&req->ctx, req->params[0], &data, &len, &mime);
	if (rc)
		return rc;
	api_reply_file(res, data, len, mime, NULL);
	return 0;
}

int h_member_photo_delete(struct request *req, struct response *res)
{
	int rc = board_photo_delete(&req->ctx, req->params[0]);
	if (rc)
		return rc;
	api_reply_json(res, 200, json_pack("{s:b}", "deleted", 1));
	return 0;
}

static const char *key_of(struct request *req)
{
	const char *k = req_query(req, "key");
	return k ? k : "";
}

int h_public_board(struct request *req, struct response *res)
{
	char base[256];
	json_t *j = NULL;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = board_public_json(&req->ctx, key_of(req), base, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_public_board_pdf(struct request *req, struct response *res)
{
	char base[256], *pdf = NULL;
	size_t len = 0;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = board_public_pdf(&req->ctx, key_of(req), base, &pdf, &len)))
		return rc;
	/* inline: the phone or the browser shows it and prints it */
	api_reply_file(res, pdf, len, "application/pdf", NULL);
	return 0;
}

int h_public_board_photo(struct request *req, struct response *res)
{
	char *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	int64_t member_id;
	int rc;
	if ((rc = api_query_int(req, "member_id", 0, 1, INT64_MAX, &member_id)))
		return rc;
	if ((rc = board_public_photo(&req->ctx, key_of(req), member_id, &data, &len, &mime)))
		return rc;
	api_reply_file(res, data, len, mime, NULL);
	return 0;
}
