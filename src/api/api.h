#ifndef API_H
#define API_H
#include <jansson.h>
#include "http/request.h"
#include "util/json_util.h"
/*
 * Helpers every handler uses: parse and check the JSON body, read typed fields with
 * errors naming the field, parse query numbers, and fill the response. Handlers return
 * 0 or an err_code with req->ctx.err filled; respond.c turns that into the error body.
 */
typedef int (*api_handler)(struct request *req, struct response *res);

/* Parse the body as a JSON object; 400 on malformed JSON or a non-object. *out owned by caller. */
int api_body_object(struct request *req, json_t **out);
/* 400 naming the first key of obj not in allowed (NULL-terminated). */
int api_check_fields(struct request *req, json_t *obj, const char *const *allowed);
/* Typed getters: absent → *present = 0 and no error; wrong type → 400 naming the field.
 * Strings are copied (truncation is an error: 422 field too long). JSON null counts as present-and-empty. */
int api_get_str(struct request *req, json_t *obj, const char *key, char *dst, size_t size, int *present);
int api_get_int(struct request *req, json_t *obj, const char *key, int64_t *dst, int *present);
int api_get_bool(struct request *req, json_t *obj, const char *key, int *dst, int *present);
/* the object's "version", required: 400 if missing */
int api_get_version(struct request *req, json_t *obj, int64_t *version);
/* Query helpers: absent → def; not a number / out of range → 400 naming it. */
int api_query_int(struct request *req, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out);
int api_paging(struct request *req, int *page, int *per_page);

struct member_filter;
/* The member list filters of GET /members (also used by export). */
int member_filter_from_query(struct request *req, struct member_filter *f);

/* ?format=xlsx (default) | csv → *fmt; 400 naming format otherwise */
enum table_format;
int api_query_format(struct request *req, enum table_format *fmt);
/* a finished table as a download named base.xlsx / base.csv (steals data) */
void api_reply_table(struct response *res, enum table_format fmt, char *data, size_t len, const char *base);
/* the same from table_writer_finish_fd's file (steals fd) */
void api_reply_table_fd(struct response *res, enum table_format fmt, int fd, int64_t size, const char *base);
/* finish w (freed in every case) and reply with it from its temp file; the error, else 0 */
struct table_writer;
int api_reply_table_writer(struct request *req, struct response *res, struct table_writer *w, enum table_format fmt,
			   const char *base);
/*
 * A list's JSON items as a download (api/export.c): one column per entry of cols, up to
 * the terminating {NULL, NULL}; key may be a dotted path ("org.name"). Strings as they
 * are, numbers printed, true/false as 是/否, arrays of strings joined with 、.
 */
#define EXPORT_MAX_COLUMNS 40
struct export_column {
	const char *key, *header;
};
int api_reply_items_table(struct request *req, struct response *res, json_t *items, const struct export_column *cols,
			  const char *sheet, const char *base);
void api_reply_json(struct response *res, int status, json_t *body);   /* steals body */
void api_reply_list(struct response *res, json_t *items, int64_t total, int page, int per_page);
void api_reply_file(struct response *res, char *data, size_t len, const char *content_type, const char *filename);
/*
 * A download sent from fd (steals it: closed once sent, or by api_reply_release_body):
 * len bytes from offset, Content-Length len. The file must not shrink meanwhile.
 */
void api_reply_fd(struct response *res, int fd, int64_t offset, int64_t len, const char *content_type,
		  const char *filename);
/* drop the body (raw bytes or file); every reply above does this to the one it replaces */
void api_reply_release_body(struct response *res);
/* error body from req->ctx.err */
void api_reply_error(struct request *req, struct response *res);
#endif
