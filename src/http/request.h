#ifndef REQUEST_H
#define REQUEST_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * One HTTP request as handlers see it, and the response they fill. Handlers never
 * touch libmicrohttpd: they read through req_* and write into struct response; the
 * server (http/server.c) owns both and frees them after the reply is queued.
 */
#define REQ_MAX_PARAMS 4

struct request {
	const char *method;
	const char *path;
	void *conn;                      /* struct MHD_Connection *, for server.c only */
	struct strbuf body;
	int body_too_large;
	int64_t params[REQ_MAX_PARAMS];  /* ':id' path segments in order */
	int nparams;
	int via_cookie;                  /* authenticated with the session cookie */
	char csrf[64];                   /* the session's CSRF token */
	char session_token_hash[65];
	/* ROUTE_STREAM uploads: the body went to this temp file, hashed on the way */
	char upload_path[1100];
	char upload_sha256[65];
	int64_t upload_size;
	struct ctx ctx;
};

struct response {
	int status;
	json_t *json;                    /* owned; rendered compact */
	char *raw;                       /* owned; used when json is NULL */
	size_t raw_len;
	/* or a file sent from its descriptor (api_reply_fd): body_fd1 is the fd + 1, so a
	 * zeroed response has none; owned, closed by libmicrohttpd once queued, else by
	 * api_reply_release_body */
	int body_fd1;
	int64_t body_offset, body_len;
	const char *content_type;
	char filename[128];              /* Content-Disposition attachment name (ASCII) */
	char content_range[64];          /* Content-Range of a 206 or 416 (api/file_reply.c) */
	int accept_ranges;               /* Accept-Ranges: bytes (a stored file's download) */
	char set_cookie[256];
	char allow[64];                  /* for 405 */
	int no_store;
};

/* query parameter, or NULL */
const char *req_query(struct request *req, const char *name);
/* request header, or NULL */
const char *req_header(struct request *req, const char *name);
const char *req_cookie(struct request *req, const char *name);
#endif
