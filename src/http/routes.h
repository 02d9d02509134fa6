#ifndef ROUTES_H
#define ROUTES_H
#include "api/api.h"
#include "domain/ctx.h"
/*
 * The one routing table (kore's routes): {method, pattern, handler, minimum role}.
 * Patterns are literal segments and ':id' (a positive integer, delivered in
 * req->params in order). Nothing registers a route from anywhere else.
 */
enum route_flags {
	ROUTE_PUBLIC = 1,      /* no session needed */
	ROUTE_UPLOAD = 2,      /* raw body up to the upload cap (imports) */
	ROUTE_NO_CSRF = 4,     /* login itself */
	ROUTE_STREAM = 8,      /* body streamed to a temp file (attachments), up to attach.max_bytes */
};

struct route {
	const char *method;
	const char *pattern;
	api_handler handler;
	enum role min_role;
	int flags;
};

enum route_match { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_WRONG_METHOD };

/* Finds the route; on ROUTE_WRONG_METHOD fills allow ("GET, POST"). */
enum route_match routes_match(const char *method, const char *path, const struct route **out,
			      int64_t *params, int *nparams, char *allow, size_t allow_size);
/* flags of the route a path would reach with that method (0 if none): lets the server
 * choose the body cap before the body arrives */
int routes_flags_for(const char *method, const char *path);
extern const struct route routes[];
#endif
