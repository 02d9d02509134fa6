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

void api_reply_table(struct response *res, enum table_format fmt, char *data, size_t len, const char *base)
{
	char name[64];
	xsnprintf(name, sizeof(name), "%s.%s", base, fmt == TABLE_XLSX ? "xlsx" : "csv");
	api_reply_file(res, data, len, fmt == TABLE_XLSX ? XLSX_TYPE : CSV_TYPE, name);
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
	char *data = NULL;
	size_t len = 0, i;
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
	if ((rc = table_writer_finish(w, &data, &len, &req->ctx.err)))
		return rc;
	api_reply_table(res, fmt, data, len, base);
	return 0;
}
