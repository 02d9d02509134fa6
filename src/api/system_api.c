/* Public endpoints: health and the code tables the forms need. */
#include <string.h>
#include "api/handlers.h"
#include "domain/codes.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/banned.h"

#define DANGJIAN_VERSION "0.1.0"

int h_health(struct request *req, struct response *res)
{
	json_t *j = json_object();
	json_object_set_new(j, "status", json_string("ok"));
	json_object_set_new(j, "backend", json_string(db_backend(req->ctx.db)));
	json_object_set_new(j, "schema", json_integer(store_schema_version(req->ctx.db)));
	json_object_set_new(j, "version", json_string(DANGJIAN_VERSION));
	api_reply_json(res, 200, j);
	return 0;
}

static json_t *code_list(enum code_table t)
{
	size_t n, i;
	const struct code_entry *e = code_entries(t, &n);
	json_t *arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "code", e[i].code, "name", e[i].name));
	return arr;
}

static json_t *enum_list(const char *const *codes, const char *(*name_of)(const char *))
{
	json_t *arr = json_array();
	for (; *codes; codes++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "code", *codes, "name", name_of(*codes)));
	return arr;
}

int h_codes(struct request *req, struct response *res)
{
	static const char *const kinds[] = { "dept", "committee", "general_branch", "branch", "joint_branch", "group", NULL };
	static const char *const categories[] = { "full", "probationary", NULL };
	static const char *const person_types[] = { "employed", "retired", "farmer", "student", "other", NULL };
	static const char *const statuses[] = { "normal", "suspended", NULL };
	static const char *const states[] = { "active", "transferring", "transferred_out", "removed", "deceased", NULL };
	json_t *j = json_object();
	(void)req;
	json_object_set_new(j, "gender", code_list(CODE_GENDER));
	json_object_set_new(j, "ethnicity", code_list(CODE_ETHNICITY));
	json_object_set_new(j, "education", code_list(CODE_EDUCATION));
	json_object_set_new(j, "job", code_list(CODE_JOB));
	json_object_set_new(j, "org_kind", enum_list(kinds, org_kind_name));
	json_object_set_new(j, "category", enum_list(categories, member_category_name));
	json_object_set_new(j, "person_type", enum_list(person_types, member_person_type_name));
	json_object_set_new(j, "party_status", enum_list(statuses, member_party_status_name));
	json_object_set_new(j, "state", enum_list(states, member_state_name));
	api_reply_json(res, 200, j);
	return 0;
}
