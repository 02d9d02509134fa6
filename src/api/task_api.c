/* /api/v1/tasks: 目标任务分解表 (挂图作战): tasks, monthly milestones, overdue reminders, the wall. */
#include <string.h>
#include "api/handlers.h"
#include "domain/task.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct export_column task_cols[] = {
	{ "year", "年度" },
	{ "title", "任务名称" },
	{ "org_name", "下达单位" },
	{ "unit_name", "责任单位" },
	{ "person_name", "责任人" },
	{ "due_on", "完成时限" },
	{ "progress_text", "节点进度" },
	{ "overdue_milestones", "逾期节点" },
	{ "status_name", "状态" },
	{ "overdue_name", "任务逾期" },
	{ "completed_on", "完成日期" },
	{ "description", "任务内容" },
	{ NULL, NULL },
};

static const struct export_column overdue_cols[] = {
	{ "kind_name", "类别" },
	{ "title", "任务名称" },
	{ "month", "节点月份" },
	{ "target", "节点目标" },
	{ "unit_name", "责任单位" },
	{ "person_name", "责任人" },
	{ "due_on", "应完成日期" },
	{ "days_late", "逾期天数" },
	{ NULL, NULL },
};

static int reply_task(struct request *req, struct response *res, int status, int64_t id)
{
	json_t *j = NULL;
	int rc = task_get(&req->ctx, id, &j);
	if (rc)
		return rc;
	api_reply_json(res, status, j);
	return 0;
}

static int filter_from_query(struct request *req, struct task_filter *f)
{
	int64_t year, unit, overdue;
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f->org_id)) ||
	    (rc = api_query_int(req, "year", 0, 2000, 2100, &year)) ||
	    (rc = api_query_int(req, "unit", 0, 0, INT64_MAX, &unit)) ||
	    (rc = api_query_int(req, "overdue", 0, 0, 1, &overdue)))
		return rc;
	f->year = (int)year;
	f->unit_id = unit;
	f->overdue = (int)overdue;
	f->status = req_query(req, "status");
	f->q = req_query(req, "q");
	return 0;
}

int h_tasks_list(struct request *req, struct response *res)
{
	struct task_filter f;
	json_t *items = NULL;
	int64_t total = 0;
	int page, per_page, rc, exporting = req_query(req, "format") != NULL;
	if ((rc = filter_from_query(req, &f)) || (rc = api_paging(req, &page, &per_page)))
		return rc;
	if (exporting) {
		page = 1;
		per_page = TASK_LIST_MAX;
	}
	if ((rc = task_list(&req->ctx, &f, page, per_page, &items, &total)))
		return rc;
	if (exporting) {
		rc = api_reply_items_table(req, res, items, task_cols, "任务分解", "tasks");
		json_decref(items);
		return rc;
	}
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_tasks_overdue(struct request *req, struct response *res)
{
	json_t *all = NULL, *items;
	int64_t org;
	int page, per_page, rc;
	size_t i, from;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_paging(req, &page, &per_page)) ||
	    (rc = task_overdue_list(&req->ctx, org, &all)))
		return rc;
	if (req_query(req, "format")) {
		rc = api_reply_items_table(req, res, all, overdue_cols, "逾期提醒", "tasks-overdue");
		json_decref(all);
		return rc;
	}
	items = json_array();
	from = (size_t)(page - 1) * (size_t)per_page;
	for (i = from; i < json_array_size(all) && i < from + (size_t)per_page; i++)
		json_array_append(items, json_array_get(all, i));
	api_reply_list(res, items, (int64_t)json_array_size(all), page, per_page);
	json_decref(all);
	return 0;
}

int h_tasks_wall(struct request *req, struct response *res)
{
	struct task_filter f;
	json_t *j = NULL;
	int rc;
	if ((rc = filter_from_query(req, &f)))
		return rc;
	if (!f.year)
		f.year = req->ctx.today.y;
	if ((rc = task_wall(&req->ctx, &f, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

/* the write handlers differ only in their allowed fields and domain call */
typedef int (*task_write_fn)(struct ctx *ctx, int64_t id, json_t *body);

static int task_write(struct request *req, struct response *res, const char *const *fields, task_write_fn fn)
{
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = fn(&req->ctx, req->params[0], body)))
		goto out;
	rc = reply_task(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_tasks_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "year", "title", "description", "unit_org_id", "person_name",
					      "person_member_id", "due_on", "milestones", NULL };
	json_t *body = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = task_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_task(req, res, 201, id);
out:
	json_decref(body);
	return rc;
}

int h_tasks_get(struct request *req, struct response *res)
{
	return reply_task(req, res, 200, req->params[0]);
}

int h_tasks_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "description", "unit_org_id", "person_name",
					      "person_member_id", "due_on", "milestones", NULL };
	return task_write(req, res, fields, task_update);
}

int h_tasks_complete(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "completed_on", NULL };
	return task_write(req, res, fields, task_complete);
}

int h_tasks_reopen(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "reason", NULL };
	return task_write(req, res, fields, task_reopen);
}

int h_tasks_milestone(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "status", "done_on", "note", NULL };
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)))
		goto out;
	if (req->params[1] < 1 || req->params[1] > 12) {
		rc = err_set(&req->ctx.err, E_NOTFOUND, "month", NULL, "月份须在 1 至 12 之间");
		goto out;
	}
	if ((rc = task_milestone_set(&req->ctx, req->params[0], (int)req->params[1], body)))
		goto out;
	rc = reply_task(req, res, 200, req->params[0]);
out:
	json_decref(body);
	return rc;
}

int h_tasks_delete(struct request *req, struct response *res)
{
	json_t *body;
	int64_t version;
	int rc;
	if ((rc = api_query_int(req, "version", 0, 1, INT64_MAX, &version)))
		return rc;
	if (!version)
		return err_set(&req->ctx.err, E_MALFORMED, "version", NULL, "缺少 version 参数");
	body = json_pack("{s:I}", "version", (json_int_t)version);
	rc = task_delete(&req->ctx, req->params[0], body);
	json_decref(body);
	if (rc)
		return rc;
	res->status = 204;
	return 0;
}
