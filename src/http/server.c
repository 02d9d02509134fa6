/*
 * HTTP front door. libmicrohttpd calls on_request several times per request: first
 * with the headers (we allocate the request and pick the body cap), then with body
 * chunks (appended up to the cap), then once with no data (we dispatch). Each
 * dispatch borrows one database connection from the pool for its whole duration.
 */
#include "http/server.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "api/api.h"
#include "domain/attachment.h"
#include "domain/auth.h"
#include "http/conn_guard.h"
#include "http/routes.h"
#include "util/embedded.h"
#include "util/limits.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct server {
	struct MHD_Daemon *daemon;
	struct store *store;
	const struct config *cfg;
	struct conn_guard *guard;        /* request headers in full within http.timeout_seconds */
};

struct pending {
	struct request req;
	size_t cap;
	int fd;                          /* ROUTE_STREAM: the temp file, else -1 */
	struct sha256_stream *hash;
};

const char *req_query(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static const char *content_type_for(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".html")) return "text/html; charset=utf-8";
	if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
	if (!strcmp(dot, ".svg")) return "image/svg+xml";
	if (!strcmp(dot, ".png")) return "image/png";
	if (!strcmp(dot, ".json")) return "application/json";
	if (!strcmp(dot, ".ico")) return "image/x-icon";
	return "application/octet-stream";
}

static void add_security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
				"frame-ancestors 'none'");
}

/*
 * A body sent from its file (sendfile where the kernel can): MHD owns the fd from here
 * and closes it when the response is destroyed. If MHD refuses it, the fd stays with res
 * (released by the caller) and the client gets a 500 instead of the download.
 */
static struct MHD_Response *fd_response(struct response *res)
{
	static const char failed[] = "{\"error\":{\"code\":\"internal\",\"message\":\"服务器内部错误，请稍后重试\"}}";
	struct MHD_Response *r = MHD_create_response_from_fd_at_offset64((uint64_t)res->body_len, res->body_fd1 - 1,
								       (uint64_t)res->body_offset);
	if (r) {
		res->body_fd1 = 0;
		MHD_add_response_header(r, "Content-Type", res->content_type ? res->content_type : "application/octet-stream");
		goto out;
	}
	fprintf(stderr, "error: cannot send a file of %lld bytes from offset %lld\n", (long long)res->body_len,
		(long long)res->body_offset);
	res->status = 500;
	res->filename[0] = res->content_range[0] = '\0';
	r = MHD_create_response_from_buffer(sizeof(failed) - 1, (void *)failed, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
out:
	return r;
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	if (res->json) {
		char *body = json_dumps(res->json, JSON_COMPACT);
		if (!body)
			body = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":\"render failed\"}}");
		r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	} else if (res->raw) {
		r = MHD_create_response_from_buffer(res->raw_len, res->raw, MHD_RESPMEM_MUST_FREE);
		res->raw = NULL;
		MHD_add_response_header(r, "Content-Type", res->content_type ? res->content_type : "application/octet-stream");
	} else if (res->body_fd1) {
		r = fd_response(res);
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (res->filename[0]) {
		char disp[200];
		xsnprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", res->filename);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	if (res->content_range[0])
		MHD_add_response_header(r, "Content-Range", res->content_range);
	if (res->accept_ranges)
		MHD_add_response_header(r, "Accept-Ranges", "bytes");
	if (res->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", res->set_cookie);
	if (res->allow[0])
		MHD_add_response_header(r, "Allow", res->allow);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	add_security_headers(r);
	ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result serve_asset(struct MHD_Connection *conn, const char *path)
{
	const struct embedded_file *f;
	struct MHD_Response *r;
	enum MHD_Result ok;
	if (!strcmp(path, "/"))
		path = "/index.html";
	f = embedded_find(embedded_web, path + 1);
	if (!f) {
		static const char body[] = "<!doctype html><meta charset=utf-8><title>404</title><p>页面不存在</p>";
		r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
		add_security_headers(r);
		ok = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
		return ok;
	}
	r = MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", content_type_for(f->name));
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	add_security_headers(r);
	ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/* Who is calling: bearer header first (scripts), then the cookie. */
static int authenticate(struct request *req)
{
	const char *authz = req_header(req, "Authorization");
	const char *token = NULL;
	int is_cookie = 0;
	if (authz && !strncmp(authz, "Bearer ", 7))
		token = authz + 7;
	else
		token = req_cookie(req, "dj_session");
	if (!token || !*token || strlen(token) > 128)
		return err_set(&req->ctx.err, E_UNAUTH, NULL, "auth.required", "请先登录");
	if (auth_resume(&req->ctx, token, req->csrf, req->session_token_hash, &is_cookie))
		return req->ctx.err.code;
	/* a cookie token presented as bearer still counts as a cookie session for CSRF */
	req->via_cookie = is_cookie;
	return 0;
}

static void dispatch(struct server *srv, struct request *req, struct response *res)
{
	const struct route *route = NULL;
	enum route_match m;
	int rc = 0;

	m = routes_match(req->method, req->path, &route, req->params, &req->nparams, res->allow, sizeof(res->allow));
	if (m == ROUTE_NOT_FOUND) {
		rc = err_set(&req->ctx.err, E_NOTFOUND, NULL, NULL, "没有这个接口：%s", req->path);
		goto out;
	}
	if (m == ROUTE_WRONG_METHOD) {
		rc = err_set(&req->ctx.err, E_METHOD, NULL, NULL, "%s 不支持 %s 方法（支持：%s）", req->path, req->method,
			     res->allow);
		goto out;
	}
	res->allow[0] = '\0';
	if (req->body_too_large) {
		rc = err_set(&req->ctx.err, E_TOOLARGE, NULL, NULL, "请求体太大");
		goto out;
	}
	req->ctx.db = store_acquire(srv->store);
	if (!(route->flags & ROUTE_PUBLIC)) {
		rc = authenticate(req);
		if (rc)
			goto out;
		if (req->via_cookie && strcmp(req->method, "GET") && !(route->flags & ROUTE_NO_CSRF)) {
			const char *sent = req_header(req, "X-CSRF-Token");
			if (!sent || strcmp(sent, req->csrf)) {
				rc = err_set(&req->ctx.err, E_FORBIDDEN, "X-CSRF-Token", "auth.csrf",
					     "缺少或错误的 CSRF 令牌");
				goto out;
			}
		}
		if (req->ctx.actor.role < route->min_role) {
			rc = err_set(&req->ctx.err, E_FORBIDDEN, NULL, "auth.role", "当前账号无权执行此操作");
			goto out;
		}
	}
	rc = route->handler(req, res);
out:
	if (req->ctx.db) {
		store_release(srv->store, req->ctx.db);
		req->ctx.db = NULL;
	}
	if (rc) {
		if (!req->ctx.err.code)
			err_set(&req->ctx.err, (enum err_code)rc, NULL, NULL, "%s", err_code_name((enum err_code)rc));
		if (req->ctx.err.code == E_DB || req->ctx.err.code == E_INTERNAL) {
			fprintf(stderr, "error: %s %s: %s\n", req->method, req->path, req->ctx.err.message);
			/* do not leak store internals to the client */
			err_set(&req->ctx.err, req->ctx.err.code, NULL, NULL, "服务器内部错误，请稍后重试");
		}
		api_reply_error(req, res);
	} else if (!res->status) {
		res->status = 200;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct server *srv = cls;
	struct pending *p = *con_cls;
	struct response res;
	enum MHD_Result ok;
	(void)version;

	if (!p) {
		conn_guard_request_begin(conn);
		if (strncmp(url, "/api/", 5)) {
			if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
				memset(&res, 0, sizeof(res));
				res.status = 405;
				strlcpy_z(res.allow, "GET, HEAD", sizeof(res.allow));
				return queue(conn, &res);
			}
			return serve_asset(conn, url);
		}
		int flags = routes_flags_for(method, url);
		p = xcalloc(1, sizeof(*p));
		strbuf_init(&p->req.body, 0);
		p->req.conn = conn;
		p->req.method = method;
		p->req.path = url;
		p->fd = -1;
		p->cap = (flags & ROUTE_UPLOAD) ? (size_t)config_int(srv->cfg, CFG_IMPORT_MAX_BYTES) : CAP_REQUEST_BODY;
		if (flags & ROUTE_STREAM) {
			/* large files go straight to disk, next to where they will be kept */
			struct ctx c;
			char dir[1024];
			memset(&c, 0, sizeof(c));
			c.cfg = srv->cfg;
			p->cap = (size_t)config_int(srv->cfg, CFG_ATTACH_MAX_BYTES);
			if (!attachment_dir(&c, dir, sizeof(dir), NULL)) {
				xsnprintf(p->req.upload_path, sizeof(p->req.upload_path), "%s/upload-XXXXXX", dir);
				p->fd = mkstemp(p->req.upload_path);
			}
			if (p->fd < 0)
				p->req.upload_path[0] = '\0';
			else
				p->hash = sha256_begin();
		}
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_data_size && p->fd >= 0) {
		if (!p->req.body_too_large && (size_t)p->req.upload_size + *upload_data_size <= p->cap &&
		    write(p->fd, upload_data, *upload_data_size) == (ssize_t)*upload_data_size) {
			sha256_update(p->hash, upload_data, *upload_data_size);
			p->req.upload_size += (int64_t)*upload_data_size;
		} else {
			p->req.body_too_large = 1;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
		sha256_end(p->hash, p->req.upload_sha256);
		p->hash = NULL;
	}
	if (*upload_data_size) {
		if (!p->req.body_too_large && p->req.body.len + *upload_data_size <= p->cap)
			strbuf_add(&p->req.body, upload_data, *upload_data_size);
		else
			p->req.body_too_large = 1; /* keep reading so the client gets the 413, not a reset */
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&res, 0, sizeof(res));
	ctx_set_clock(&p->req.ctx, time(NULL));
	p->req.ctx.cfg = srv->cfg;
	if (config_str(srv->cfg, CFG_TEST_CLOCK)[0]) {
		/* tests replay years of records against a fixed calendar day; "YYYY-MM-DD HH:MM"
		 * (Asia/Shanghai) fixes the time of day too (扫码签到's window, checkin.c) */
		struct date fixed;
		const char *tc = config_str(srv->cfg, CFG_TEST_CLOCK);
		time_t at;
		if (!date_parse_clock(tc, &at))
			ctx_set_clock(&p->req.ctx, at);
		else if (!date_parse(tc, &fixed))
			p->req.ctx.today = fixed;
	}
	if (strlen(url) > CAP_URL_LEN) {
		err_set(&p->req.ctx.err, E_TOOLARGE, NULL, NULL, "URL 太长");
		api_reply_error(&p->req, &res);
	} else {
		dispatch(srv, &p->req, &res);
	}
	ok = queue(conn, &res);
	json_decref(res.json);
	api_reply_release_body(&res);   /* what queue did not hand to libmicrohttpd */
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct pending *p = *con_cls;
	(void)cls;
	(void)toe;
	conn_guard_request_end(conn);
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->hash) {
		char discard[65];
		sha256_end(p->hash, discard);
	}
	if (p->req.upload_path[0])
		unlink(p->req.upload_path); /* kept files were renamed away by the handler */
	strbuf_release(&p->req.body);
	free(p);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct err *e)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	char *end;
	long port;
	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return err_set(e, E_INVALID, "listen", NULL, "--listen must be HOST:PORT, got '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return err_set(e, E_INVALID, "listen", NULL, "bad port in '%s'", listen);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
		return err_set(e, E_INVALID, "listen", NULL, "bad IPv4 address in '%s'", listen);
	return 0;
}

int server_start(struct server **out, const char *listen, struct store *store, const struct config *cfg,
		 struct err *e)
{
	struct server *srv;
	struct sockaddr_in sa;
	int rc = parse_listen(listen, &sa, e);
	if (rc)
		return rc;
	srv = xcalloc(1, sizeof(*srv));
	srv->store = store;
	srv->cfg = cfg;
	/* each connection is a descriptor: raise the soft open-files limit to hold http.max_connections
	 * plus the database, the pool threads' epoll sets and files; if the hard limit is lower,
	 * hold fewer connections and say so (the limit then refuses new ones instead of EMFILE) */
	unsigned long limit = (unsigned long)config_int(cfg, CFG_HTTP_MAX_CONNECTIONS);
	unsigned long reserve = 64 + 2 * (unsigned long)config_int(cfg, CFG_POOL) +
				2 * (unsigned long)config_int(cfg, CFG_THREADS);
	unsigned long nofile = conn_guard_raise_nofile(limit + reserve);
	if (nofile < limit + reserve) {
		unsigned long fit = nofile > reserve + 16 ? nofile - reserve : 16;
		fprintf(stderr, "warning: open files limit (ulimit -n) is %lu: holding %lu connections, "
			"not http.max_connections=%lu\n", nofile, fit, limit);
		limit = fit;
	}
	/* each pool thread holds its share of the limit; one with a share of 0 never stops
	 * (MHD_stop_daemon waits for it forever, libmicrohttpd 0.9.75) */
	if (limit < (unsigned long)config_int(cfg, CFG_THREADS))
		limit = (unsigned long)config_int(cfg, CFG_THREADS);
	srv->guard = conn_guard_start((unsigned int)config_int(cfg, CFG_HTTP_TIMEOUT_SECONDS));
	/* epoll, one event loop per pool thread (http.threads); idle connections and slow clients
	 * are dropped after http.timeout_seconds (inactivity here, the header deadline in conn_guard) */
	srv->daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request,
				       srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
				       (unsigned int)config_int(cfg, CFG_THREADS), MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				       srv, MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, srv->guard,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)config_int(cfg, CFG_HTTP_TIMEOUT_SECONDS),
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned int)limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				       (unsigned int)config_int(cfg, CFG_HTTP_PER_IP), MHD_OPTION_LISTEN_BACKLOG_SIZE,
				       (unsigned int)(limit < 4096 ? limit : 4096), MHD_OPTION_LISTENING_ADDRESS_REUSE,
				       (unsigned int)1, MHD_OPTION_END);
	if (!srv->daemon) {
		conn_guard_stop(srv->guard);
		free(srv);
		return err_set(e, E_IO, "listen", NULL, "cannot listen on %s (in use?)", listen);
	}
	*out = srv;
	return 0;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	conn_guard_stop(srv->guard);
	free(srv);
}
