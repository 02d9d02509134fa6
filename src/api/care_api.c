/* /api/v1/care: 老党员补贴, 困难党员, 送温暖 (domain/care.c); /api/v1/lapse-warnings (domain/lapse.c). */
#include <string.h>
#include "api/handlers.h"
#include "domain/care.h"
#include "domain/lapse.h"
#include "domain/meeting.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* a list asked for as a download fetches up to this many rows */
#define EXPORT_ROWS 10000

static const struct export_column record_cols[] = {
	{ "year", "年度" },	  { "kind_name", "类别" }, { "occasion_name", "节日/方式" }, { "member_name", "党员" },
	{ "org_name", "所在组织" }, { "given_on", "发放日期" }, { "amount_fen", "金额（分）" }, { "goods", "慰问物品" },
	{ "giver", "慰问人" },	  { "note", "备注" },	   { NULL, NULL },
};

/* per_page and after apply only to a subtree of more than CARE_ELDERLY_LIST_MAX eligible members (care.h) */
int h_care_elderly(struct request *req, struct response *res)
{
	struct care_elderly_opts o = { 0, 0, 0 };
	json_t *j = NULL;
	int64_t org, year, per_page;
	int rc;
	if ((rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) || (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "per_page", 0, 1, CARE_ELDERLY_PER_PAGE_MAX, &per_page)) ||
	    (rc = api_query_int(req, "after", 0, 1, INT64_MAX, &o.after)))
		return rc;
	o.per_page = (int)per_page;
	if ((rc = care_elderly_list_opts(&req->ctx, org, (int)year, &o, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_care_elderly_issue(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "year", "given_on", "giver", "note", "member_ids", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = care_elderly_issue(&req->ctx, body, &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}

int h_care_records_list(struct request *req, struct response *res)
{
	struct care_filter f;
	json_t *items = NULL;
	const char *s;
	int64_t org, year, member, hardship, total = 0;
	int page, per_page, rc;
	int download = req_query(req, "format") != NULL;
	memset(&f, 0, sizeof(f));
	f.kind = -1;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "member_id", 0, 0, INT64_MAX, &member)) ||
	    (rc = api_query_int(req, "hardship_id", 0, 0, INT64_MAX, &hardship)))
		return rc;
	if ((s = req_query(req, "kind")) && s[0] && (f.kind = care_kind_parse(s)) < 0)
		return err_set(&req->ctx.err, E_MALFORMED, "kind", NULL, "kind 须为 elderly、hardship 或 festival");
	f.org_id = org;
	f.year = (int)year;
	f.member_id = member;
	f.hardship_id = hardship;
	if (download) {
		page = 1;
		per_page = EXPORT_ROWS;
	}
	if ((rc = care_records_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	if (download) {
		rc = api_reply_items_table(req, res, items, record_cols, "关怀帮扶", "care-records");
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_care_records_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "kind", "occasion", "hardship_id", "given_on", "amount_fen",
					      "goods", "giver", "note", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = care_record_create(&req->ctx, body, &id)) || (rc = care_record_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

int h_care_records_get(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = care_record_get(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_care_records_delete(struct request *req, struct response *res)
{
	int rc = care_record_delete(&req->ctx, req->params[0]);
	if (rc)
		return rc;
	api_reply_json(res, 200, json_pack("{s:b}", "deleted", 1));
	return 0;
}

int h_care_hardships_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) ||
	    (rc = care_hardships_list(&req->ctx, org, req_query(req, "status"), page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_care_hardships_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "reason", "since", "until", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = care_hardship_create(&req->ctx, body, &id)) || (rc = care_hardship_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

int h_care_hardships_get(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = care_hardship_get(&req->ctx, req->params[0], &j);
	if (rc)
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_care_hardships_close(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "closed_on", "note", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = care_hardship_close(&req->ctx, req->params[0], body)) ||
	    (rc = care_hardship_get(&req->ctx, req->params[0], &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}

int h_care_totals(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org, year, from, to;
	int rc;
	if ((rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) || (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "from", 0, 2000, 2100, &from)) || (rc = api_query_int(req, "to", 0, 2000, 2100, &to)))
		return rc;
	if (year && !from && !to)
		from = to = year;
	if ((rc = care_totals(&req->ctx, org, (int)from, (int)to, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

static const struct export_column lapse_cols[] = {
	{ "name", "姓名" },	   { "org_name", "所在组织" },	  { "reason_text", "预警情形" }, { "life_months", "未参加组织生活（月）" },
	{ "last_life_month", "最近参加组织生活" }, { "dues_months", "未交党费（月）" }, { "dues_paid_to", "党费交至" },
	{ NULL, NULL },
};

int h_lapse_warnings(struct request *req, struct response *res)
{
	struct compliance_opts opts = { 0 };
	json_t *j = NULL;
	int64_t org;
	int rc;
	/* page and per_page apply to a large subtree only (docs/API.md) */
	if ((rc = api_query_int(req, "org_id", 0, 0, INT64_MAX, &org)) || (rc = api_paging(req, &opts.page, &opts.per_page)) ||
	    (rc = lapse_warnings_opts(&req->ctx, org, &opts, &j)))
		return rc;
	if (req_query(req, "format")) {
		rc = api_reply_items_table(req, res, json_object_get(j, "items"), lapse_cols, "脱党预警", "lapse-warnings");
		json_decref(j);
		return rc;
	}
	api_reply_json(res, 200, j);
	return 0;
}

int h_lapse_excuses_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "member_id", "reason", "until_month", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = lapse_excuse_create(&req->ctx, body, &id)))
		goto out;
	api_reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
out:
	json_decref(body);
	return rc;
}

int h_lapse_excuses_delete(struct request *req, struct response *res)
{
	int rc = lapse_excuse_delete(&req->ctx, req->params[0]);
	if (rc)
		return rc;
	api_reply_json(res, 200, json_pack("{s:b}", "deleted", 1));
	return 0;
}
