/* /api/v1/volunteer-*: 志愿服务 teams, activities, hours per member; xlsx exports; a member's own hours. */
#include <string.h>
#include "api/handlers.h"
#include "domain/volunteer.h"
#include "util/banned.h"

/* exports fetch this many rows in one page */
#define EXPORT_ROWS 10000

typedef int (*getter)(struct ctx *ctx, int64_t id, json_t **out);

static int reply_one(struct request *req, struct response *res, getter get, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

static int with_body(struct request *req, const char *const *fields, json_t **body)
{
	int rc;
	*body = NULL;
	if ((rc = api_body_object(req, body)) || (rc = api_check_fields(req, *body, fields))) {
		json_decref(*body);
		*body = NULL;
	}
	return rc;
}

/* paging, or one big page when a download is asked for */
static int list_paging(struct request *req, int *page, int *per_page)
{
	*page = 1;
	*per_page = EXPORT_ROWS;
	return req_query(req, "format") ? 0 : api_paging(req, page, per_page);
}

static int reply_rows(struct request *req, struct response *res, json_t *items, int64_t total, int page, int per_page,
		      const struct export_column *cols, const char *sheet, const char *base)
{
	int rc;
	if (req_query(req, "format")) {
		rc = api_reply_items_table(req, res, items, cols, sheet, base);
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_volunteer_teams_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "服务队" }, { "org_name", "所属组织" }, { "leader", "队长" }, { "member_count", "队员人数" },
		{ "member_names", "队员" }, { "activities", "活动次数" }, { "note", "备注" }, { NULL, NULL },
	};
	json_t *items = NULL;
	int64_t org, total = 0;
	int page, per_page, rc;
	if ((rc = list_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = volunteer_team_list(&req->ctx, org, req_query(req, "q"), page, per_page, &items, &total)))
		return rc;
	return reply_rows(req, res, items, total, page, per_page, cols, "志愿服务队", "volunteer-teams");
}

int h_volunteer_teams_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "name", "leader", "note", "member_ids", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = with_body(req, fields, &body)))
		return rc;
	if (!(rc = volunteer_team_create(&req->ctx, body, &id)))
		rc = reply_one(req, res, volunteer_team_get, 201, id);
	json_decref(body);
	return rc;
}

int h_volunteer_teams_get(struct request *req, struct response *res)
{
	return reply_one(req, res, volunteer_team_get, 200, req->params[0]);
}

int h_volunteer_teams_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "name", "leader", "note", "member_ids", "version", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = with_body(req, fields, &body)))
		return rc;
	if (!(rc = volunteer_team_update(&req->ctx, req->params[0], body)))
		rc = reply_one(req, res, volunteer_team_get, 200, req->params[0]);
	json_decref(body);
	return rc;
}

int h_volunteer_activities_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "held_on", "服务日期" }, { "team_name", "服务队" }, { "org_name", "所属组织" }, { "title", "服务内容" },
		{ "place", "服务地点" }, { "hours", "每人时长（小时）" }, { "participant_count", "参加人数" },
		{ "participant_names", "参加党员" }, { NULL, NULL },
	};
	struct volunteer_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	int page, per_page, rc;
	memset(&f, 0, sizeof(f));
	f.from = req_query(req, "from");
	f.to = req_query(req, "to");
	f.q = req_query(req, "q");
	if ((rc = list_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f.org_id)) ||
	    (rc = api_query_int(req, "team", 0, 0, INT64_MAX, &f.team_id)) ||
	    (rc = volunteer_activity_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	return reply_rows(req, res, items, total, page, per_page, cols, "志愿服务活动", "volunteer-activities");
}

static const char *const act_fields[] = { "team_id", "held_on", "place", "title", "hours", "member_ids", "note", NULL };
static const char *const act_update_fields[] = { "team_id", "held_on", "place", "title", "hours", "member_ids",
						 "note", "version", NULL };

int h_volunteer_activities_create(struct request *req, struct response *res)
{
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = with_body(req, act_fields, &body)))
		return rc;
	if (!(rc = volunteer_activity_create(&req->ctx, body, &id)))
		rc = reply_one(req, res, volunteer_activity_get, 201, id);
	json_decref(body);
	return rc;
}

int h_volunteer_activities_get(struct request *req, struct response *res)
{
	return reply_one(req, res, volunteer_activity_get, 200, req->params[0]);
}

int h_volunteer_activities_update(struct request *req, struct response *res)
{
	json_t *body = NULL;
	int rc;
	if ((rc = with_body(req, act_update_fields, &body)))
		return rc;
	if (!(rc = volunteer_activity_update(&req->ctx, req->params[0], body)))
		rc = reply_one(req, res, volunteer_activity_get, 200, req->params[0]);
	json_decref(body);
	return rc;
}

int h_volunteer_activities_delete(struct request *req, struct response *res)
{
	int rc = volunteer_activity_delete(&req->ctx, req->params[0]);
	if (rc)
		return rc;
	api_reply_json(res, 200, json_pack("{s:b}", "deleted", 1));
	return 0;
}

static int query_year(struct request *req, int64_t *year)
{
	return api_query_int(req, "year", req->ctx.today.y, 2000, 2100, year);
}

int h_volunteer_hours(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "姓名" }, { "org_name", "所在组织" }, { "year", "年度" }, { "activities", "参加活动次数" },
		{ "hours", "服务时长（小时）" }, { NULL, NULL },
	};
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int page, per_page, rc;
	if ((rc = list_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = query_year(req, &year)) ||
	    (rc = volunteer_hours_list(&req->ctx, org, (int)year, page, per_page, &items, &total)))
		return rc;
	return reply_rows(req, res, items, total, page, per_page, cols, "志愿服务时长", "volunteer-hours");
}

int h_me_volunteer_hours(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t year;
	int rc;
	if (!req->ctx.actor.member_id)
		return err_set(&req->ctx.err, E_NOTFOUND, NULL, NULL, "该账号没有关联党员档案");
	if ((rc = query_year(req, &year)) || (rc = volunteer_member_hours(&req->ctx, req->ctx.actor.member_id, (int)year, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}
