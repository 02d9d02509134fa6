/*
 * /api/v1/import/… and /api/v1/members/export: members in and out as CSV or XLSX.
 * The work is in domain/member_import.c; here are the query parameters, the 422 body
 * with every bad row, and the short-lived store of error reports.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/handlers.h"
#include "domain/member_import.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/*
 * Error reports: a clerk downloads one right after the failed import, so a few recent
 * ones in memory are enough, and nothing with the file's personal data outlives ten
 * minutes or reaches another account. Oldest evicted first.
 */
#define REPORT_SLOTS 16
#define REPORT_TTL_SEC 600

struct report {
	int64_t id;          /* 0 = free slot */
	int64_t user_id;
	time_t created;
	char *data;
	size_t len;
};

static struct report reports[REPORT_SLOTS];
static pthread_mutex_t reports_lock = PTHREAD_MUTEX_INITIALIZER;

static void report_drop(struct report *r)
{
	free(r->data);
	memset(r, 0, sizeof(*r));
}

/* Keeps data (taken over) for user; returns the report id. */
static int64_t report_put(int64_t user_id, time_t now, char *data, size_t len)
{
	struct report *slot = NULL;
	uint64_t rnd;
	int64_t id;
	int i;
	/* unguessable, positive, at most 15 digits: a path segment and a JavaScript-safe number */
	randombytes_buf(&rnd, sizeof(rnd));
	id = (int64_t)(rnd % 999999999999999ULL) + 1;
	pthread_mutex_lock(&reports_lock);
	for (i = 0; i < REPORT_SLOTS; i++) {
		struct report *r = &reports[i];
		if (r->id && now - r->created > REPORT_TTL_SEC)
			report_drop(r);
		if (!r->id) {
			if (!slot || slot->id)
				slot = r;
		} else if (!slot || (slot->id && r->created < slot->created)) {
			slot = r;
		}
	}
	report_drop(slot);
	slot->id = id;
	slot->user_id = user_id;
	slot->created = now;
	slot->data = data;
	slot->len = len;
	pthread_mutex_unlock(&reports_lock);
	return id;
}

/* A copy of report id if user made it and it is still fresh; 0 found, else E_NOTFOUND. */
static int report_get(int64_t id, int64_t user_id, time_t now, char **data, size_t *len)
{
	int i, rc = E_NOTFOUND;
	pthread_mutex_lock(&reports_lock);
	for (i = 0; i < REPORT_SLOTS; i++) {
		struct report *r = &reports[i];
		if (r->id && now - r->created > REPORT_TTL_SEC)
			report_drop(r);
		if (r->id == id && r->user_id == user_id) {
			*data = xmalloc(r->len ? r->len : 1);
			memcpy(*data, r->data, r->len);
			*len = r->len;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&reports_lock);
	return rc;
}

int h_import_template(struct request *req, struct response *res)
{
	enum table_format fmt;
	char *data = NULL;
	size_t len = 0;
	int rc;
	if ((rc = api_query_format(req, &fmt)) || (rc = member_import_template(fmt, &data, &len, &req->ctx.err)))
		return rc;
	/* 党员导入模板 in spirit; Content-Disposition names stay ASCII for every browser */
	api_reply_table(res, fmt, data, len, "members-template");
	return 0;
}

int h_import_members(struct request *req, struct response *res)
{
	struct import_result r;
	int64_t org, dry;
	char *report = NULL;
	size_t report_len = 0;
	json_t *body;
	int rc;

	import_result_init(&r);
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_query_int(req, "dry_run", 0, 0, 1, &dry)))
		goto out;
	if (!req->body.len) {
		rc = err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传 CSV 或 XLSX 文件");
		goto out;
	}
	rc = member_import(&req->ctx, org, req->body.buf, req->body.len, (int)dry, &r);
	if (!rc) {
		body = dry ? json_pack("{s:i, s:I, s:b}", "imported", 0, "valid", (json_int_t)r.valid, "dry_run", 1)
			   : json_pack("{s:I}", "imported", (json_int_t)r.imported);
		api_reply_json(res, 200, body);
		goto out;
	}
	if (!json_array_size(r.errors))
		goto out;
	/* bad rows: the error body plus the rows and, when it could be built, the report */
	api_reply_error(req, res);
	json_object_set(res->json, "rows", r.errors);
	if (!member_import_report_xlsx(req->body.buf, req->body.len, &r, &report, &report_len, &req->ctx.err)) {
		char idtext[24];
		int64_t id = report_put(req->ctx.actor.user_id, req->ctx.now, report, report_len);
		xsnprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		json_object_set_new(res->json, "report", json_string(idtext));
	}
	rc = 0;
out:
	import_result_release(&r);
	return rc;
}

int h_import_report(struct request *req, struct response *res)
{
	char *data = NULL;
	size_t len = 0;
	if (report_get(req->params[0], req->ctx.actor.user_id, req->ctx.now, &data, &len))
		return err_set(&req->ctx.err, E_NOTFOUND, "id", NULL, "错误报告不存在或已过期（报告保留 10 分钟）");
	api_reply_file(res, data, len, XLSX_TYPE, "import-errors.xlsx");
	return 0;
}

int h_members_export(struct request *req, struct response *res)
{
	struct member_filter f;
	enum table_format fmt;
	int64_t reveal, size = 0;
	int fd = -1, rc;
	/* sent from the export's temp file: a province's list is never in memory whole */
	if ((rc = api_query_format(req, &fmt)) || (rc = member_filter_from_query(req, &f)) ||
	    (rc = api_query_int(req, "reveal", 0, 0, 1, &reveal)) ||
	    (rc = member_export_fd(&req->ctx, &f, fmt, (int)reveal, &fd, &size)))
		return rc;
	api_reply_table_fd(res, fmt, fd, size, "members");
	return 0;
}
