/* 扫码签到 (domain/checkin.c): the member's scan, the secretary's QR code and list, the org switch. */
#include <stdint.h>
#include <string.h>
#include "api/handlers.h"
#include "domain/checkin.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The base of the link in the QR code, as for the public board (board_api.c): config
 * board.public_url when set (the server's public address behind a proxy), else
 * http://Host of this request; a Host with characters no host name has yields none.
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

int h_me_checkin(struct request *req, struct response *res)
{
	static const char *const fields[] = { "meeting_id", "token", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = checkin_scan(&req->ctx, body, &out)))
		goto done;
	api_reply_json(res, 200, out);
done:
	json_decref(body);
	return rc;
}

int h_meeting_checkin_get(struct request *req, struct response *res)
{
	char base[256];
	json_t *out = NULL;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = checkin_status(&req->ctx, req->params[0], base, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_meeting_checkin_qr(struct request *req, struct response *res)
{
	char base[256], *png = NULL;
	size_t len = 0;
	int rc;
	base_url(req, base, sizeof(base));
	if ((rc = checkin_qr_png(&req->ctx, req->params[0], base, &png, &len)))
		return rc;
	api_reply_file(res, png, len, "image/png", NULL);
	return 0;
}

int h_org_checkin_get(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int rc = checkin_setting_get(&req->ctx, req->params[0], &out);
	if (rc)
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_org_checkin_put(struct request *req, struct response *res)
{
	static const char *const fields[] = { "enabled", "version", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = checkin_setting_put(&req->ctx, req->params[0], body)))
		goto done;
	rc = h_org_checkin_get(req, res);
done:
	json_decref(body);
	return rc;
}
