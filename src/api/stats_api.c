/* /api/v1/stats: 党内统计 tables of a subtree and year, their xlsx, and the drill-downs (domain/stats.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "domain/stats.h"
#include "io/table_book.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define XLSX_CONTENT_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* org_id (or org, as lists name it) and year (default this year; 422 naming year otherwise) */
static int scope_from_query(struct request *req, int64_t *org, struct stats_ref *r)
{
	const char *s = req_query(req, "year");
	char *end = NULL;
	long year;
	int rc;
	if (req_query(req, "org_id"))
		rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, org);
	else
		rc = api_query_int(req, "org", 0, 0, INT64_MAX, org);
	if (rc)
		return rc;
	if (!s || !s[0]) {
		year = req->ctx.today.y;
	} else {
		year = strtol(s, &end, 10);
		if (*end || strlen(s) > 4)
			return err_set(&req->ctx.err, E_INVALID, "year", "stats.year", "统计年度应为四位数字年份");
	}
	return stats_ref_init(&req->ctx, (int)year, r);
}

int h_stats_get(struct request *req, struct response *res)
{
	struct stats_ref r;
	json_t *j = NULL;
	int64_t org;
	int rc;
	if ((rc = scope_from_query(req, &org, &r)) || (rc = stats_tables(&req->ctx, org, &r, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

static int drill(struct request *req, struct response *res, int orgs)
{
	struct stats_ref r;
	json_t *items = NULL;
	int64_t org, total = 0;
	int page, per_page, rc;
	const char *dim = req_query(req, "dim"), *value = req_query(req, "value");
	if ((rc = scope_from_query(req, &org, &r)) || (rc = api_paging(req, &page, &per_page)))
		return rc;
	if (!dim || !dim[0])
		return err_set(&req->ctx.err, E_INVALID, "dim", "field.required", "请指定统计项 dim");
	if (!value)
		value = "";
	rc = orgs ? stats_drill_orgs(&req->ctx, org, &r, dim, value, page, per_page, &items, &total)
		  : stats_drill_members(&req->ctx, org, &r, dim, value, page, per_page, &items, &total);
	if (rc)
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_stats_members(struct request *req, struct response *res)
{
	return drill(req, res, 0);
}

int h_stats_orgs(struct request *req, struct response *res)
{
	return drill(req, res, 1);
}

/* one sheet: 项目 · 人数 (or 个数) · 占比 */
static void table_sheet(struct table_book *b, json_t *t)
{
	const char *kind = json_string_value(json_object_get(t, "kind"));
	int exclusive = json_is_true(json_object_get(t, "exclusive"));
	int64_t total = json_integer_value(json_object_get(t, "total"));
	const char *head[3] = { "项目", kind && !strcmp(kind, "orgs") ? "个数" : "人数", "占比" };
	char num[32], pct[32], tot[32];
	json_t *row;
	size_t i;
	table_book_sheet(b, json_string_value(json_object_get(t, "title")));
	table_book_header(b, total > 0 ? 3 : 2, head);
	json_array_foreach(json_object_get(t, "rows"), i, row) {
		int64_t n = json_integer_value(json_object_get(row, "count"));
		const char *cells[3] = { json_string_value(json_object_get(row, "label")), num, pct };
		xsnprintf(num, sizeof(num), "%lld", (long long)n);
		if (total > 0)
			xsnprintf(pct, sizeof(pct), "%.1f%%", 100.0 * (double)n / (double)total);
		table_book_row(b, total > 0 ? 3 : 2, cells);
	}
	if (total > 0) {
		const char *cells[2] = { exclusive ? "合计" : "基数", tot };
		xsnprintf(tot, sizeof(tot), "%lld", (long long)total);
		table_book_row(b, 2, cells);
	}
}

int h_stats_export(struct request *req, struct response *res)
{
	struct stats_ref r;
	struct table_book *b;
	json_t *j = NULL, *t;
	int64_t org;
	char *data = NULL, name[64], num[32];
	size_t len = 0, i;
	int rc;
	if ((rc = scope_from_query(req, &org, &r)) || (rc = stats_tables(&req->ctx, org, &r, &j)))
		return rc;
	b = table_book_new();
	table_book_sheet(b, "概况");
	{
		const char *h1[2] = { "项目", "内容" };
		const char *r1[2] = { "党组织", json_string_value(json_object_get(json_object_get(j, "org"), "name")) };
		const char *r2[2] = { "统计年度", num };
		const char *r3[2] = { r.is_today ? "统计截至（今天）" : "统计截至（年末）", r.ref_iso };
		const char *r4[2] = { "党员总数", NULL };
		char tot[32];
		xsnprintf(num, sizeof(num), "%d", r.year);
		xsnprintf(tot, sizeof(tot), "%lld", (long long)json_integer_value(json_object_get(j, "total")));
		r4[1] = tot;
		table_book_header(b, 2, h1);
		table_book_row(b, 2, r1);
		table_book_row(b, 2, r2);
		table_book_row(b, 2, r3);
		table_book_row(b, 2, r4);
	}
	json_array_foreach(json_object_get(j, "tables"), i, t)
		table_sheet(b, t);
	json_decref(j);
	if ((rc = table_book_finish(b, &data, &len, &req->ctx.err)))
		return rc;
	xsnprintf(name, sizeof(name), "stats-%d.xlsx", r.year);
	api_reply_file(res, data, len, XLSX_CONTENT_TYPE, name);
	return 0;
}
