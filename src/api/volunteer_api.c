/* /api/v1/volunteer-*: 志愿服务 teams, activities, hours per member; xlsx exports; a member's own hours. */
#include <string.h>
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "domain/volunteer.h"
#include "util/banned.h"

int h_volunteer_teams_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "服务队" }, { "org_name", "所属组织" }, { "leader", "队长" }, { "member_count", "队员人数" },
		{ "member_names", "队员" }, { "activities", "活动次数" }, { "note", "备注" }, { NULL, NULL },
	};
	static const struct list_download dl = { cols, "志愿服务队", "volunteer-teams" };
	struct list_page lp;
	json_t *items = NULL;
	int64_t org, total = 0;
	int rc;
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &org)) ||
	    (rc = volunteer_team_list(&req->ctx, org, req_query(req, "q"), lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_volunteer_teams_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "name", "leader", "note", "member_ids", NULL };
	return api_create_record(req, res, fields, volunteer_team_create, volunteer_team_get);
}

int h_volunteer_teams_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, volunteer_team_get, 200, req->params[0]);
}

int h_volunteer_teams_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "name", "leader", "note", "member_ids", "version", NULL };
	return api_update_record(req, res, fields, volunteer_team_update, volunteer_team_get, req->params[0]);
}

int h_volunteer_activities_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "held_on", "服务日期" }, { "team_name", "服务队" }, { "org_name", "所属组织" }, { "title", "服务内容" },
		{ "place", "服务地点" }, { "hours", "每人时长（小时）" }, { "participant_count", "参加人数" },
		{ "participant_names", "参加党员" }, { NULL, NULL },
	};
	static const struct list_download dl = { cols, "志愿服务活动", "volunteer-activities" };
	struct volunteer_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	f.from = req_query(req, "from");
	f.to = req_query(req, "to");
	f.q = req_query(req, "q");
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &f.org_id)) ||
	    (rc = api_query_int(req, "team", 0, 0, INT64_MAX, &f.team_id)) ||
	    (rc = volunteer_activity_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

static const char *const act_fields[] = { "team_id", "held_on", "place", "title", "hours", "member_ids", "note", NULL };
static const char *const act_update_fields[] = { "team_id", "held_on", "place", "title", "hours", "member_ids",
						 "note", "version", NULL };

int h_volunteer_activities_create(struct request *req, struct response *res)
{
	return api_create_record(req, res, act_fields, volunteer_activity_create, volunteer_activity_get);
}

int h_volunteer_activities_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, volunteer_activity_get, 200, req->params[0]);
}

int h_volunteer_activities_update(struct request *req, struct response *res)
{
	return api_update_record(req, res, act_update_fields, volunteer_activity_update, volunteer_activity_get,
				 req->params[0]);
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
	static const struct list_download dl = { cols, "志愿服务时长", "volunteer-hours" };
	struct list_page lp;
	json_t *items = NULL;
	int64_t org, year, total = 0;
	int rc;
	if ((rc = list_page_from_query(req, &lp)) || (rc = list_query_org(req, &org)) || (rc = query_year(req, &year)) ||
	    (rc = volunteer_hours_list(&req->ctx, org, (int)year, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
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
