/* /api/v1/members and /api/v1/me: the registry. */
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "domain/member.h"
#include "util/limits.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const member_fields[] = {
	"org_id", "group_id", "name", "gender", "id_number", "birth_date", "ethnicity", "education", "category",
	"join_date", "full_date", "job", "person_type", "work_unit", "phone", "address", "party_status",
	"lost_contact", "lost_since", "floating", "grid", "discipline", "state", "version", NULL
};

static int copy_query(struct request *req, const char *name, char *dst, size_t size)
{
	const char *v = req_query(req, name);
	if (!v)
		return 0;
	if (strlcpy_z(dst, v, size))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "参数 %s 太长", name);
	return 0;
}

int member_filter_from_query(struct request *req, struct member_filter *f)
{
	int64_t v;
	int page, per_page, rc;
	member_filter_init(f);
	if ((rc = api_paging(req, &page, &per_page)))
		return rc;
	f->page = page;
	f->per_page = per_page;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f->org_id)) ||
	    (rc = api_query_int(req, "after", 0, 1, INT64_MAX, &f->after)) ||
	    (rc = copy_query(req, "q", f->q, sizeof(f->q))) ||
	    (rc = copy_query(req, "category", f->category, sizeof(f->category))) ||
	    (rc = copy_query(req, "party_status", f->party_status, sizeof(f->party_status))) ||
	    (rc = copy_query(req, "education", f->education, sizeof(f->education))) ||
	    (rc = copy_query(req, "person_type", f->person_type, sizeof(f->person_type))) ||
	    (rc = copy_query(req, "gender", f->gender, sizeof(f->gender))) ||
	    (rc = copy_query(req, "state", f->state, sizeof(f->state))) ||
	    (rc = copy_query(req, "sort", f->sort, sizeof(f->sort))))
		return rc;
	if ((rc = api_query_int(req, "age_min", -1, 0, 150, &v)))
		return rc;
	f->age_min = (int)v;
	if ((rc = api_query_int(req, "age_max", -1, 0, 150, &v)))
		return rc;
	f->age_max = (int)v;
	if ((rc = api_query_int(req, "lost_contact", -1, 0, 1, &v)))
		return rc;
	f->lost_contact = (int)v;
	if ((rc = api_query_int(req, "floating", -1, 0, 1, &v)))
		return rc;
	f->floating = (int)v;
	return 0;
}

/* Body fields onto m; only fields present in the body change. */
static int read_member_body(struct request *req, json_t *body, struct member *m)
{
	static const struct {
		const char *key;
		size_t off, size;
	} strs[] = {
#define S(f) { #f, offsetof(struct member, f), sizeof(((struct member *)0)->f) }
		S(name), S(gender), S(birth_date), S(ethnicity), S(education), S(category), S(join_date), S(full_date),
		S(job), S(person_type), S(work_unit), S(address), S(party_status), S(lost_since), S(grid),
		S(discipline), S(state),
#undef S
	};
	size_t i;
	int present, rc, b;
	int64_t v;
	if ((rc = api_check_fields(req, body, member_fields)))
		return rc;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (!json_object_get(body, strs[i].key))
			continue;
		if ((rc = api_get_str(req, body, strs[i].key, (char *)m + strs[i].off, strs[i].size, &present)))
			return rc;
	}
	if (json_object_get(body, "id_number")) {
		if ((rc = api_get_str(req, body, "id_number", m->id_number, sizeof(m->id_number), &present)))
			return rc;
		m->id_set = 1;
	}
	if (json_object_get(body, "phone")) {
		if ((rc = api_get_str(req, body, "phone", m->phone, sizeof(m->phone), &present)))
			return rc;
		m->phone_set = 1;
	}
	if ((rc = api_get_int(req, body, "org_id", &v, &present)))
		return rc;
	if (present)
		m->org_id = v;
	if ((rc = api_get_int(req, body, "group_id", &v, &present)))
		return rc;
	if (json_object_get(body, "group_id"))
		m->group_id = present ? v : 0;
	if ((rc = api_get_bool(req, body, "lost_contact", &b, &present)))
		return rc;
	if (present)
		m->lost_contact = b;
	if ((rc = api_get_bool(req, body, "floating", &b, &present)))
		return rc;
	if (present)
		m->floating = b;
	return 0;
}

int h_members_list(struct request *req, struct response *res)
{
	struct member_filter f;
	struct strbuf body = STRBUF_INIT;
	size_t len;
	int rc;
	if ((rc = member_filter_from_query(req, &f)) || (rc = member_list_json(&req->ctx, &f, &body))) {
		strbuf_release(&body);
		return rc;
	}
	api_reply_file(res, strbuf_detach(&body, &len), len, "application/json; charset=utf-8", NULL);
	res->raw_len = len;
	return 0;
}

int h_members_get(struct request *req, struct response *res)
{
	struct member m;
	int rc = member_get(&req->ctx, req->params[0], &m);
	if (rc)
		return rc;
	api_reply_json(res, 200, member_to_json(&req->ctx, &m));
	return 0;
}

int h_members_create(struct request *req, struct response *res)
{
	struct member m;
	json_t *body = NULL;
	int rc;
	memset(&m, 0, sizeof(m));
	if ((rc = api_body_object(req, &body)))
		goto out;
	if (json_object_get(body, "version") || json_object_get(body, "state")) {
		rc = err_set(&req->ctx.err, E_MALFORMED, json_object_get(body, "version") ? "version" : "state", NULL,
			     "新建党员不能带 version 或 state");
		goto out;
	}
	if ((rc = read_member_body(req, body, &m)) || (rc = member_create(&req->ctx, &m)) ||
	    (rc = member_get(&req->ctx, m.id, &m)))
		goto out;
	api_reply_json(res, 201, member_to_json(&req->ctx, &m));
out:
	json_decref(body);
	return rc;
}

int h_members_update(struct request *req, struct response *res)
{
	struct member m;
	json_t *body = NULL;
	int rc;
	if ((rc = api_body_object(req, &body)) || (rc = member_get(&req->ctx, req->params[0], &m)) ||
	    (rc = api_get_version(req, body, &m.version)) || (rc = read_member_body(req, body, &m)) ||
	    (rc = member_update(&req->ctx, &m)) || (rc = member_get(&req->ctx, m.id, &m)))
		goto out;
	api_reply_json(res, 200, member_to_json(&req->ctx, &m));
out:
	json_decref(body);
	return rc;
}

int h_members_reveal(struct request *req, struct response *res)
{
	static const char *const fields[] = { "field", NULL };
	char field[16];
	char *value = NULL;
	json_t *body = NULL;
	int present, rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_str(req, body, "field", field, sizeof(field), &present)) ||
	    (rc = member_reveal(&req->ctx, req->params[0], field, &value)))
		goto out;
	api_reply_json(res, 200, json_pack("{s:s}", "value", value));
out:
	if (value) {
		memset(value, 0, strlen(value)); /* do not leave plaintext PII in freed memory */
		free(value);
	}
	json_decref(body);
	return rc;
}

int h_members_history(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int rc = member_history(&req->ctx, req->params[0], &items);
	if (rc)
		return rc;
	api_reply_list(res, items, (int64_t)json_array_size(items), 1, (int)json_array_size(items));
	return 0;
}

int h_me_get(struct request *req, struct response *res)
{
	struct member m;
	int rc = member_get_self(&req->ctx, &m);
	if (rc)
		return rc;
	api_reply_json(res, 200, member_to_json(&req->ctx, &m));
	return 0;
}

int h_me_update(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "phone", "address", NULL };
	char phone[64], address[256];
	int64_t version;
	struct member m;
	json_t *body = NULL;
	int phone_set, address_set, rc;
	if ((rc = api_body_object(req, &body)) || (rc = api_check_fields(req, body, fields)) ||
	    (rc = api_get_version(req, body, &version)) ||
	    (rc = api_get_str(req, body, "phone", phone, sizeof(phone), &phone_set)) ||
	    (rc = api_get_str(req, body, "address", address, sizeof(address), &address_set)) ||
	    (rc = member_update_contact(&req->ctx, version, phone, phone_set, address, address_set)) ||
	    (rc = member_get_self(&req->ctx, &m)))
		goto out;
	api_reply_json(res, 200, member_to_json(&req->ctx, &m));
out:
	json_decref(body);
	return rc;
}
