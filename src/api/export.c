/*
 * Lists as downloads: ?format=xlsx|csv on a list endpoint turns the same JSON items the
 * list returns into a table with Chinese headers, so every module exports what its
 * screen shows without an export path of its own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "api/api.h"
#include "io/table.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CSV_TYPE "text/csv; charset=utf-8"

int api_query_format(struct request *req, enum table_format *fmt)
{
	const char *f = req_query(req, "format");
	if (!f || !*f || !strcmp(f, "xlsx"))
		*fmt = TABLE_XLSX;
	else if (!strcmp(f, "csv"))
		*fmt = TABLE_CSV;
	else
		return err_set(&req->ctx.err, E_MALFORMED, "format", NULL, "format 只能是 xlsx 或 csv");
	return 0;
}

/* base.xlsx or base.csv into name; the format's content type */
static const char *table_download(enum table_format fmt, const char *base, char *name, size_t size)
{
	xsnprintf(name, size, "%s.%s", base, fmt == TABLE_XLSX ? "xlsx" : "csv");
	return fmt == TABLE_XLSX ? XLSX_TYPE : CSV_TYPE;
}

void api_reply_table(struct response *res, enum table_format fmt, char *data, size_t len, const char *base)
{
	char name[64];
	const char *type = table_download(fmt, base, name, sizeof(name));
	api_reply_file(res, data, len, type, name);
}

void api_reply_table_fd(struct response *res, enum table_format fmt, int fd, int64_t size, const char *base)
{
	char name[64];
	const char *type = table_download(fmt, base, name, sizeof(name));
	api_reply_fd(res, fd, 0, size, type, name);
}

int api_reply_table_writer(struct request *req, struct response *res, struct table_writer *w, enum table_format fmt,
			   const char *base)
{
	int64_t size = 0;
	int fd = -1;
	/* nothing is queued before the file is whole: a full disk is an error reply, not a cut download */
	int rc = table_writer_finish_fd(w, &fd, &size, &req->ctx.err);
	if (!rc)
		api_reply_table_fd(res, fmt, fd, size, base);
	return rc;
}

/* "org.name" → items[i]["org"]["name"] */
static json_t *field_at(json_t *obj, const char *path)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		obj = json_object_get(obj, key);
		path = dot + 1;
	}
	return json_object_get(obj, path);
}

static void cell_text(json_t *v, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (json_is_string(v))
		strbuf_addstr(sb, json_string_value(v));
	else if (json_is_integer(v))
		strbuf_addf(sb, "%" PRId64, (int64_t)json_integer_value(v));
	else if (json_is_real(v))
		strbuf_addf(sb, "%g", json_real_value(v));
	else if (json_is_true(v))
		strbuf_addstr(sb, "是");
	else if (json_is_false(v))
		strbuf_addstr(sb, "否");
	else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				if (i)
					strbuf_addstr(sb, "、");
				strbuf_addstr(sb, json_string_value(x));
			}
		}
	}
}

int api_reply_items_table(struct request *req, struct response *res, json_t *items, const struct export_column *cols,
			  const char *sheet, const char *base)
{
	enum table_format fmt;
	struct table_writer *w;
	struct strbuf cells[EXPORT_MAX_COLUMNS];
	const char *row[EXPORT_MAX_COLUMNS];
	size_t i;
	json_t *it;
	int n = 0, c, rc;
	if ((rc = api_query_format(req, &fmt)))
		return rc;
	while (cols[n].key && n < EXPORT_MAX_COLUMNS)
		n++;
	w = table_writer_new(fmt, sheet);
	for (c = 0; c < n; c++)
		row[c] = cols[c].header;
	table_writer_header(w, n, row);
	for (c = 0; c < n; c++)
		strbuf_init(&cells[c], 32);
	json_array_foreach(items, i, it) {
		for (c = 0; c < n; c++) {
			cell_text(field_at(it, cols[c].key), &cells[c]);
			row[c] = cells[c].buf;
		}
		table_writer_row(w, n, row);
	}
	for (c = 0; c < n; c++)
		strbuf_release(&cells[c]);
	return api_reply_table_writer(req, res, w, fmt, base);
}
