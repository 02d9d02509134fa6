#ifndef ERR_H
#define ERR_H
/*
 * One error vocabulary for every layer (curl's CURLcode). Fallible functions return
 * 0 or an enum err_code and describe the failure in a struct err; the HTTP layer maps
 * the code to a status in exactly one place (api/respond.c).
 */
enum err_code {
	E_OK = 0,
	E_MALFORMED,   /* 400: unparseable body, unknown field, wrong JSON type */
	E_UNAUTH,      /* 401: no or expired session */
	E_FORBIDDEN,   /* 403: authenticated but outside scope or role */
	E_NOTFOUND,    /* 404 */
	E_METHOD,      /* 405 */
	E_CONFLICT,    /* 409: stale version, duplicate, state conflict */
	E_TOOLARGE,    /* 413 */
	E_INVALID,     /* 422: a field value is invalid (field names it) */
	E_RULE,        /* 422: a domain rule refuses (rule names it) */
	E_LOCKED,      /* 423: account locked after failed logins */
	E_DB,          /* 500: store failure */
	E_INTERNAL,    /* 500 */
	E_IO,          /* file or network failure in the CLI */
	E_TOOMANY,     /* 429: too many requests (a flood guard, e.g. suggestion.rate) */
};

struct err {
	enum err_code code;
	char field[64];
	char rule[64];
	char message[384];
};

/* Fill e (if not NULL) and return code, so callers can write: return err_set(...); */
int err_set(struct err *e, enum err_code code, const char *field, const char *rule,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void err_clear(struct err *e);
const char *err_code_name(enum err_code code);
int err_http_status(enum err_code code);
#endif
