/* /api/v1/recruits and /api/v1/recruit-plans: 发展党员 (RULES.md §1, docs/API.md "Recruitment").
 * The handlers check the shape of the input (unknown fields, JSON types) and leave every
 * rule of the regulations to domain/recruit.c and domain/recruit_report.c. */
#include <string.h>
#include "api/handlers.h"
#include "domain/recruit.h"
#include "util/xalloc.h"
#include "domain/subtree_page.h"
#include "util/banned.h"

/* 400 unless each named key is absent, null or of the expected JSON type. */
static int check_strings(struct request *req, json_t *body, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(body, *keys);
		if (v && !json_is_null(v) && !json_is_string(v))
			return err_set(&req->ctx.err, E_MALFORMED, *keys, NULL, "字段 %s 必须是字符串", *keys);
	}
	return 0;
}

static int check_ints(struct request *req, json_t *body, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(body, *keys);
		if (v && !json_is_null(v) && !json_is_integer(v))
			return err_set(&req->ctx.err, E_MALFORMED, *keys, NULL, "字段 %s 必须是整数", *keys);
	}
	return 0;
}

static int require(struct request *req, json_t *body, const char *key)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return err_set(&req->ctx.err, E_MALFORMED, key, NULL, "缺少字段 %s", key);
	return 0;
}

/* "people": {"talkers"|"contacts"|"introducers": [member ids]} */
static int check_people(struct request *req, json_t *people)
{
	static const char *const roles[] = { "talkers", "contacts", "introducers", NULL };
	const char *key;
	json_t *v;
	if (!people || json_is_null(people))
		return 0;
	if (!json_is_object(people))
		return err_set(&req->ctx.err, E_MALFORMED, "people", NULL, "people 必须是对象，例如 {\"contacts\":[党员编号]}");
	json_object_foreach(people, key, v) {
		const char *const *r;
		char field[64];
		size_t i;
		json_t *id;
		int known = 0;
		for (r = roles; *r; r++)
			if (!strcmp(*r, key))
				known = 1;
		xsnprintf(field, sizeof(field), "people.%s", known ? key : "?");
		if (!known)
			return err_set(&req->ctx.err, E_MALFORMED, "people", NULL, "未知字段：people.%.60s", key);
		if (!json_is_array(v))
			return err_set(&req->ctx.err, E_MALFORMED, field, NULL, "%s 必须是党员编号的数组", field);
		json_array_foreach(v, i, id) {
			if (!json_is_integer(id) || json_integer_value(id) <= 0)
				return err_set(&req->ctx.err, E_MALFORMED, field, NULL, "%s 必须是党员编号（正整数）的数组", field);
		}
	}
	return 0;
}

int h_recruits_list(struct request *req, struct response *res)
{
	static const char *const statuses[] = { "active", "not_developed", "cancelled", "archived", NULL };
	const char *status = req_query(req, "status");
	const char *q = req_query(req, "q");
	json_t *items = NULL;
	int64_t org = 0, stage = 0, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "stage", 0, 0, 5, &stage)))
		return rc;
	if (status && !*status)
		status = NULL;
	if (status) {
		const char *const *s;
		int known = 0;
		for (s = statuses; *s; s++)
			if (!strcmp(*s, status))
				known = 1;
		if (!known)
			return err_set(&req->ctx.err, E_MALFORMED, "status", NULL,
				       "status 必须是 active、not_developed、cancelled 或 archived");
	}
	if (q && !*q)
		q = NULL;
	if ((rc = recruit_list(&req->ctx, org, (int)stage, status, q, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_recruits_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "name", "id_number", "ethnicity", "education", "job",
					      "work_unit", "phone", "applied_on", "note", "special", "talent_id", NULL };
	static const char *const strings[] = { "name", "id_number", "ethnicity", "education", "job", "work_unit",
					       "phone", "applied_on", "note", "special", NULL };
	static const char *const ints[] = { "org_id", "talent_id", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_strings(req, body, strings)) || (rc = check_ints(req, body, ints)))
		goto out;
	if ((rc = recruit_create(&req->ctx, body, &out)))
		goto out;
	api_reply_json(res, 201, out);
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}

int h_recruits_get(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int rc = recruit_get(&req->ctx, req->params[0], &out);
	if (rc) {
		json_decref(out);
		return rc;
	}
	api_reply_json(res, 200, out);
	return 0;
}

int h_recruits_step(struct request *req, struct response *res)
{
	static const char *const fields[] = { "step", "version", "done_on", "org_id", "people", "data", "note", NULL };
	static const char *const strings[] = { "done_on", "note", NULL };
	static const char *const ints[] = { "step", "org_id", NULL };
	json_t *body = NULL, *out = NULL, *data;
	int64_t version;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_strings(req, body, strings)) || (rc = check_ints(req, body, ints)) ||
	    (rc = require(req, body, "step")) || (rc = api_get_version(req, body, &version)) ||
	    (rc = check_people(req, json_object_get(body, "people"))))
		goto out;
	data = json_object_get(body, "data");
	if (data && !json_is_null(data) && !json_is_object(data)) {
		rc = err_set(&req->ctx.err, E_MALFORMED, "data", NULL, "data 必须是对象");
		goto out;
	}
	if ((rc = recruit_record_step(&req->ctx, req->params[0], body, &out)))
		goto out;
	api_reply_json(res, 200, out);
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}

int h_recruits_score(struct request *req, struct response *res)
{
	static const char *const fields[] = { "rater", "score", "scored_on", NULL };
	static const char *const strings[] = { "rater", "scored_on", NULL };
	static const char *const ints[] = { "score", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_strings(req, body, strings)) || (rc = check_ints(req, body, ints)) ||
	    (rc = require(req, body, "score")))
		goto out;
	if ((rc = recruit_add_score(&req->ctx, req->params[0], body, &out)))
		goto out;
	api_reply_json(res, 201, out ? out : json_object());
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}

int h_recruits_reminders(struct request *req, struct response *res)
{
	struct strbuf body = STRBUF_INIT;
	struct subtree_page pg = { 0, 0, 0 };
	char *data;
	int64_t org;
	size_t len;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = api_paging(req, &pg.page, &pg.per_page)))
		return rc;
	if ((rc = recruit_reminders_page_json(&req->ctx, org, &pg, &body))) {
		strbuf_release(&body);
		return rc;
	}
	/* streamed (domain/recruit_report.c): a county's list is thousands of items */
	data = strbuf_detach(&body, &len); /* before the call: argument order is unspecified */
	api_reply_file(res, data, len, "application/json; charset=utf-8", NULL);
	return 0;
}

int h_recruits_stats(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t org;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)))
		return rc;
	if ((rc = recruit_stats(&req->ctx, org, &out))) {
		json_decref(out);
		return rc;
	}
	api_reply_json(res, 200, out ? out : json_object());
	return 0;
}

int h_recruit_plans_list(struct request *req, struct response *res)
{
	json_t *items = NULL, *body;
	int64_t org, year;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "year", req->ctx.today.y, 1900, 2200, &year)))
		return rc;
	if ((rc = recruit_plan_list(&req->ctx, org, (int)year, &items))) {
		json_decref(items);
		return rc;
	}
	body = json_object();
	json_object_set_new(body, "items", items ? items : json_array());
	json_object_set_new(body, "year", json_integer(year));
	api_reply_json(res, 200, body);
	return 0;
}

int h_recruit_plans_set(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "year", "planned", "special_units_max_pct", "version", NULL };
	static const char *const ints[] = { "org_id", "year", "planned", "special_units_max_pct", "version", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_ints(req, body, ints)))
		goto out;
	if ((rc = recruit_plan_set(&req->ctx, body, &out)))
		goto out;
	api_reply_json(res, 200, out ? out : json_object());
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}

int h_recruits_scores_list(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int rc = recruit_scores_list(&req->ctx, req->params[0], &out);
	if (rc) {
		json_decref(out);
		return rc;
	}
	api_reply_json(res, 200, out);
	return 0;
}

int h_recruits_ladder(struct request *req, struct response *res)
{
	static const char *const fields[] = { "year", "stage", "result", "done_on", "note", NULL };
	static const char *const strings[] = { "stage", "result", "done_on", "note", NULL };
	static const char *const ints[] = { "year", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_strings(req, body, strings)) || (rc = check_ints(req, body, ints)))
		goto out;
	if ((rc = recruit_ladder_add(&req->ctx, req->params[0], body, &out)))
		goto out;
	api_reply_json(res, 201, out);
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}

int h_recruit_ladder_get(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int64_t org;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)))
		return rc;
	if ((rc = recruit_ladder_config_get(&req->ctx, org, &out))) {
		json_decref(out);
		return rc;
	}
	api_reply_json(res, 200, out);
	return 0;
}

int h_recruit_ladder_set(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "stages", NULL };
	static const char *const ints[] = { "org_id", NULL };
	json_t *body = NULL, *out = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = check_ints(req, body, ints)))
		goto out;
	if ((rc = recruit_ladder_config_set(&req->ctx, body, &out)))
		goto out;
	api_reply_json(res, 200, out);
	out = NULL;
out:
	json_decref(out);
	json_decref(body);
	return rc;
}
