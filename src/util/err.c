#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

int err_set(struct err *e, enum err_code code, const char *field, const char *rule,
	    const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return code;
	e->code = code;
	strlcpy_z(e->field, field ? field : "", sizeof(e->field));
	strlcpy_z(e->rule, rule ? rule : "", sizeof(e->rule));
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

const char *err_code_name(enum err_code code)
{
	switch (code) {
	case E_OK: return "ok";
	case E_MALFORMED: return "malformed";
	case E_UNAUTH: return "unauthenticated";
	case E_FORBIDDEN: return "forbidden";
	case E_NOTFOUND: return "not_found";
	case E_METHOD: return "method_not_allowed";
	case E_CONFLICT: return "conflict";
	case E_TOOLARGE: return "too_large";
	case E_INVALID: return "invalid";
	case E_RULE: return "rule";
	case E_LOCKED: return "locked";
	case E_DB: return "store";
	case E_INTERNAL: return "internal";
	case E_IO: return "io";
	case E_TOOMANY: return "too_many_requests";
	}
	return "internal";
}

int err_http_status(enum err_code code)
{
	switch (code) {
	case E_OK: return 200;
	case E_MALFORMED: return 400;
	case E_UNAUTH: return 401;
	case E_FORBIDDEN: return 403;
	case E_NOTFOUND: return 404;
	case E_METHOD: return 405;
	case E_CONFLICT: return 409;
	case E_TOOLARGE: return 413;
	case E_INVALID: return 422;
	case E_RULE: return 422;
	case E_LOCKED: return 423;
	case E_TOOMANY: return 429;
	case E_DB: case E_INTERNAL: case E_IO: return 500;
	}
	return 500;
}
