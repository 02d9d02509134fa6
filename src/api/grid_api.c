/*
 * /api/v1/grid/...: households of the 网格 (list, form, bulk assignment, coverage) and
 * /api/v1/talents: the reserve-talent pools. Lists answer ?format=xlsx|csv with the
 * same rows as a download (up to LIST_DOWNLOAD_MAX_ROWS).
 */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/grid.h"
#include "domain/talent.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct export_column household_cols[] = {
	{ "org_name", "党支部" }, { "group_name", "党小组（网格）" }, { "head_name", "户主" }, { "address", "住址" },
	{ "size", "户人口" }, { "member_name", "联系户党员" }, { "assigned_on", "分配日期" }, { "notes", "备注" },
	{ NULL, NULL },
};

static const struct export_column coverage_cols[] = {
	{ "org_name", "党支部" }, { "group_name", "党小组（网格）" }, { "households", "户数" }, { "assigned", "已联系" },
	{ "unassigned", "未联系" }, { "coverage", "覆盖率(%)" }, { "members", "党员数" },
	{ "members_with_households", "联系户党员数" }, { NULL, NULL },
};

static const struct export_column talent_cols[] = {
	{ "org_name", "所在组织" }, { "pool_name", "人才库" }, { "name", "姓名" }, { "gender_name", "性别" },
	{ "birth_year", "出生年份" }, { "education", "学历" }, { "occupation", "职业" }, { "recommended_by", "推荐人" },
	{ "listed_on", "入库日期" }, { "status_name", "状态" }, { "recommended_on", "推荐日期" },
	{ "recommend_note", "推荐说明" }, { "developed_on", "发展日期" }, { "withdrawn_on", "退出日期" },
	{ "withdraw_reason", "退出原因" }, { "notes", "备注" }, { NULL, NULL },
};

/* ---- grid ------------------------------------------------------------------------ */

int h_grid_households_list(struct request *req, struct response *res)
{
	static const struct list_download dl = { household_cols, "网格户", "grid_households" };
	struct grid_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t group, assigned, total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = api_query_int(req, "group", 0, -1, INT64_MAX, &group)) ||
	    (rc = api_query_int(req, "member", 0, 0, INT64_MAX, &f.member_id)) ||
	    (rc = api_query_int(req, "assigned", -1, -1, 1, &assigned)))
		return rc;
	f.group_id = group;
	f.assigned = (int)assigned;
	f.q = list_query_text(req, "q");
	if ((rc = grid_household_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_grid_households_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "group_id", "head_name", "address", "size", "notes", "member_id",
					      NULL };
	return api_create_record(req, res, fields, grid_household_create, grid_household_get);
}

int h_grid_households_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, grid_household_get, 200, req->params[0]);
}

int h_grid_households_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "group_id", "head_name", "address", "size", "notes",
					      "member_id", NULL };
	return api_update_record(req, res, fields, grid_household_update, grid_household_get, req->params[0]);
}

int h_grid_households_delete(struct request *req, struct response *res)
{
	int64_t version;
	int rc;
	if ((rc = api_query_int(req, "version", 0, 1, INT64_MAX, &version)))
		return rc;
	if (!version)
		return err_set(&req->ctx.err, E_MALFORMED, "version", NULL, "须提供 ?version=");
	if ((rc = grid_household_delete(&req->ctx, req->params[0], version)))
		return rc;
	api_reply_json(res, 200, json_pack("{s:I}", "deleted", (json_int_t)req->params[0]));
	return 0;
}

/* raw CSV/XLSX body; bad rows: the error body plus "rows": [{row, field, message}] */
int h_grid_households_import(struct request *req, struct response *res)
{
	json_t *errors = NULL;
	int64_t org, dry;
	int imported = 0, rc;
	if ((rc = list_query_org(req, &org)) || (rc = api_query_int(req, "dry_run", 0, 0, 1, &dry)))
		return rc;
	if (!org)
		return err_set(&req->ctx.err, E_INVALID, "org", "field.required", "请指定导入到哪个党支部（?org=）");
	if (!req->body.len)
		return err_set(&req->ctx.err, E_MALFORMED, "file", NULL, "请求体为空：请上传 CSV 或 XLSX 文件");
	rc = grid_household_import(&req->ctx, org, req->body.buf, req->body.len, (int)dry, &imported, &errors);
	if (!rc) {
		api_reply_json(res, 200, json_pack("{s:i, s:b}", "imported", imported, "dry_run", (int)dry));
		return 0;
	}
	if (!errors)
		return rc;
	api_reply_error(req, res);
	json_object_set_new(res->json, "rows", errors);
	return 0;
}

int h_grid_assign(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "household_ids", NULL };
	json_t *body = NULL;
	int count = 0, rc;
	if ((rc = api_body_fields(req, fields, &body)) ||
	    (rc = grid_assign(&req->ctx, body, &count)))
		goto out;
	api_reply_json(res, 200, json_pack("{s:i}", "changed", count));
out:
	json_decref(body);
	return rc;
}

int h_grid_coverage(struct request *req, struct response *res)
{
	struct subtree_page opts = { 0, 0, 0 };
	json_t *out = NULL, *rows, *r;
	int64_t org;
	size_t i;
	int rc, download = req_query(req, "format") != NULL;
	/* a download of a large subtree: its first LIST_DOWNLOAD_MAX_ROWS branches, as the lists */
	if (download)
		opts.per_page = LIST_DOWNLOAD_MAX_ROWS;
	else if ((rc = api_paging(req, &opts.page, &opts.per_page)))
		return rc;
	if ((rc = list_query_org(req, &org)) || (rc = grid_coverage_opts(&req->ctx, org, &opts, &out)))
		return rc;
	if (!download) {
		api_reply_json(res, 200, out);
		return 0;
	}
	/* the download: one row per 党支部 (党小组 column 合计), then one per 党小组 */
	rows = json_array();
	json_array_foreach(json_object_get(out, "branches"), i, r) {
		json_t *c = json_deep_copy(r);
		json_object_set_new(c, "group_name", json_string("（全支部）"));
		json_array_append_new(rows, c);
	}
	json_array_foreach(json_object_get(out, "groups"), i, r)
		json_array_append(rows, r);
	rc = api_reply_items_table(req, res, rows, coverage_cols, "网格覆盖", "grid_coverage");
	json_decref(rows);
	json_decref(out);
	return rc;
}

/* ---- talents --------------------------------------------------------------------- */

int h_talents_list(struct request *req, struct response *res)
{
	static const struct list_download dl = { talent_cols, "储备人才", "talents" };
	struct talent_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)))
		return rc;
	f.pool = list_query_text(req, "pool");
	f.status = list_query_text(req, "status");
	f.q = list_query_text(req, "q");
	if ((rc = talent_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_talents_summary(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t org;
	int rc;
	if ((rc = list_query_org(req, &org)) || (rc = talent_summary(&req->ctx, org, &out)))
		return rc;
	api_reply_json(res, 200, out);
	return 0;
}

int h_talents_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "pool", "name", "gender", "birth_year", "education",
					      "occupation", "recommended_by", "listed_on", "notes", NULL };
	return api_create_record(req, res, fields, talent_create, talent_get);
}

int h_talents_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, talent_get, 200, req->params[0]);
}

int h_talents_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "pool", "name", "gender", "birth_year", "education",
					      "occupation", "recommended_by", "listed_on", "notes", NULL };
	return api_update_record(req, res, fields, talent_update, talent_get, req->params[0]);
}

int h_talents_status(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "status", "on", "note", "reason", NULL };
	return api_update_record(req, res, fields, talent_set_status, talent_get, req->params[0]);
}
