/* /api/v1/courses: 党建课程 (domain/course.c), the manager's side; a member's own under /api/v1/me/courses. */
#include <stdlib.h>
#include <string.h>
#include "api/file_reply.h"
#include "api/handlers.h"
#include "api/list_params.h"
#include "api/record_reply.h"
#include "api/titled_query.h"
#include "domain/course.h"
#include "util/banned.h"

int h_courses_list(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "title", "课程名称" }, { "kind_name", "形式" }, { "org_name", "发布党组织" }, { "status_name", "状态" },
		{ "duration_minutes", "时长（分钟）" }, { "hours", "学时" }, { "published_at", "发布时间" },
		{ "opened_count", "学习人数" }, { "finished_count", "学完人数" }, { NULL, NULL },
	};
	static const struct list_download dl = { cols, "党建课程", "courses" };
	struct course_filter f;
	struct list_page lp;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if ((rc = api_titled_query(req, &lp, &f.org_id, &f.status, &f.q)) ||
	    (rc = course_list(&req->ctx, &f, lp.page, lp.per_page, &items, &total)))
		return rc;
	return list_reply(req, res, &lp, items, total, &dl);
}

int h_courses_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "title", "kind", "body", "duration_minutes", "hours", "publish", NULL };
	return api_create_record(req, res, fields, course_create, course_get);
}

int h_courses_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, course_get, 200, req->params[0]);
}

int h_courses_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "title", "kind", "body", "duration_minutes", "hours", NULL };
	return api_update_record(req, res, fields, course_update, course_get, req->params[0]);
}

int h_courses_publish(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	return api_update_record(req, res, fields, course_publish, course_get, req->params[0]);
}

int h_courses_withdraw(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", NULL };
	return api_update_record(req, res, fields, course_withdraw, course_get, req->params[0]);
}

int h_courses_assign(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_ids", "version", NULL };
	return api_update_record(req, res, fields, course_assign, course_get, req->params[0]);
}

int h_courses_completions(struct request *req, struct response *res)
{
	static const struct export_column cols[] = {
		{ "name", "姓名" }, { "org_name", "所在党组织" }, { "opened_at", "开始学习" }, { "finished_at", "学完时间" },
		{ NULL, NULL },
	};
	static const struct list_download dl = { cols, "课程学习情况", "course-completions" };
	struct list_page lp;
	json_t *items = NULL, *summary = NULL;
	int64_t org, total = 0;
	int rc;
	if ((rc = list_query_org(req, &org)) || (rc = list_page_from_query(req, &lp)) ||
	    (rc = course_completions(&req->ctx, req->params[0], org, list_query_text(req, "state"), lp.page, lp.per_page,
				     &items, &total, &summary)))
		return rc;
	if (lp.download) {
		json_decref(summary);
		return list_reply(req, res, &lp, items, total, &dl);
	}
	json_object_set_new(summary, "items", items);
	json_object_set_new(summary, "total", json_integer(total));
	json_object_set_new(summary, "page", json_integer(lp.page));
	json_object_set_new(summary, "per_page", json_integer(lp.per_page));
	api_reply_json(res, 200, summary);
	return 0;
}

/* POST /api/v1/courses/{id}/file?filename=: streamed like a notice's files */
int h_courses_file_upload(struct request *req, struct response *res)
{
	return api_upload_file(req, res, course_file_set, req->params[0]);
}

/* the file, whole or one byte range (a video's seek) */
static int reply_file(struct request *req, struct response *res, int mine)
{
	char *path = NULL, *mime = NULL, *filename = NULL;
	int rc = course_file_open(&req->ctx, req->params[0], mine, &path, &mime, &filename);
	if (!rc)
		rc = api_reply_stored_file(req, res, path, "file", "课程文件已丢失");
	free(path);
	free(mime);
	free(filename);
	return rc;
}

int h_courses_file_get(struct request *req, struct response *res)
{
	return reply_file(req, res, 0);
}

int h_me_courses(struct request *req, struct response *res)
{
	json_t *items = NULL, *summary = NULL, *j;
	int64_t total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) ||
	    (rc = course_mine(&req->ctx, page, per_page, &items, &total, &summary)))
		return rc;
	j = json_pack("{s:o, s:I, s:i, s:i, s:o}", "items", items, "total", (json_int_t)total, "page", page, "per_page",
		      per_page, "summary", summary);
	api_reply_json(res, 200, j);
	return 0;
}

int h_me_courses_get(struct request *req, struct response *res)
{
	return api_reply_record(req, res, course_open, 200, req->params[0]);
}

int h_me_courses_file(struct request *req, struct response *res)
{
	return reply_file(req, res, 1);
}

int h_me_courses_finish(struct request *req, struct response *res)
{
	return api_reply_record(req, res, course_finish, 200, req->params[0]);
}
