/*
 * /api/v1/points: settings, indicator sets, the ledger, claims, scorecards, rankings,
 * publications, history and sync (docs/API.md "Points and assessment"). Thin: the
 * query and body are checked for shape here; scope, approver rules, points.disabled
 * and every value rule live in the points_*.c domain files.
 */
#include <string.h>
#include "api/handlers.h"
#include "domain/points.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- query helpers ---- */

/* An optional query text no longer than size-1 bytes: absent or empty → NULL. */
static int query_text(struct request *req, const char *name, char *dst, size_t size, const char **out)
{
	const char *s = req_query(req, name);
	*out = NULL;
	if (!s || !*s)
		return 0;
	if (strlcpy_z(dst, s, size))
		return err_set(&req->ctx.err, E_MALFORMED, name, NULL, "参数 %s 过长", name);
	*out = dst;
	return 0;
}

/* `target`: member | branch; absent → def (may be NULL). */
static int query_target(struct request *req, const char *def, const char **out)
{
	const char *s = req_query(req, "target");
	if (!s || !*s) {
		*out = def;
		return 0;
	}
	if (!strcmp(s, "member"))
		*out = "member";
	else if (!strcmp(s, "branch"))
		*out = "branch";
	else
		return err_set(&req->ctx.err, E_MALFORMED, "target", NULL, "参数 target 只能是 member 或 branch");
	return 0;
}

/* `period`: 2026-09 | 2026Q3 | 2026; absent → NULL (the domain's default). */
static int query_period(struct request *req, char dst[8], const char **out)
{
	const char *s = req_query(req, "period");
	struct points_period p;
	*out = NULL;
	if (!s || !*s)
		return 0;
	if (points_period_parse(s, &p))
		return err_set(&req->ctx.err, E_MALFORMED, "period", NULL, "参数 period 的格式为 2026-09、2026Q3 或 2026");
	strlcpy_z(dst, p.text, 8);
	*out = dst;
	return 0;
}

/* The body as an object with only the allowed fields. */
static int body_checked(struct request *req, const char *const *fields, json_t **body)
{
	int rc = api_body_object(req, body);
	if (!rc)
		rc = api_check_fields(req, *body, fields);
	return rc;
}

/* ---- settings ---- */

int h_points_settings_get(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t org;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = points_settings_get(&req->ctx, org, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_settings_put(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "enabled", "member_base", "branch_mode", "member_bands",
					      "branch_bands", "top_band_cap_pct", "top_n", "version", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t org = 0;
	int present, rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = api_get_int(req, body, "org_id", &org, &present)) ||
	    (rc = points_settings_put(&req->ctx, body)) || (rc = points_settings_get(&req->ctx, org, &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}

/* ---- indicator sets ---- */

int h_points_sets_list(struct request *req, struct response *res)
{
	json_t *items = NULL, *reply;
	int64_t org, total = 0;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = points_sets_list(&req->ctx, org, &items, &total)))
		return rc;
	reply = json_object();
	json_object_set_new(reply, "items", items);
	json_object_set_new(reply, "total", json_integer(total));
	api_reply_json(res, 200, reply);
	return 0;
}

int h_points_set_current(struct request *req, struct response *res)
{
	json_t *j = NULL;
	char pbuf[8];
	const char *period;
	int64_t org;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = query_period(req, pbuf, &period)) ||
	    (rc = points_set_current(&req->ctx, org, period, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_set_template(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = points_set_template_json(&j);
	if (rc)
		return err_set(&req->ctx.err, rc, NULL, NULL, "无法生成推荐指标");
	api_reply_json(res, 200, j);
	return 0;
}

/* The new set out of the org's versions (there is no lookup by id). */
static int reply_set(struct request *req, struct response *res, int64_t org, int64_t id)
{
	json_t *items = NULL, *it;
	int64_t total = 0;
	size_t i;
	int rc = points_sets_list(&req->ctx, org, &items, &total);
	if (rc)
		return rc;
	json_array_foreach (items, i, it) {
		if (json_integer_value(json_object_get(it, "id")) == id) {
			api_reply_json(res, 201, json_incref(it));
			json_decref(items);
			return 0;
		}
	}
	json_decref(items);
	return err_set(&req->ctx.err, E_INTERNAL, NULL, NULL, "新建的指标体系未找到");
}

int h_points_sets_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "effective_from", "note", "indicators", NULL };
	json_t *body = NULL;
	int64_t org = 0, id = 0;
	int present, rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = api_get_int(req, body, "org_id", &org, &present)) ||
	    (rc = points_set_create(&req->ctx, body, &id)))
		goto out;
	rc = reply_set(req, res, org, id);
out:
	json_decref(body);
	return rc;
}

int h_points_sources(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int rc = points_sources_json(&j);
	if (rc)
		return err_set(&req->ctx.err, rc, NULL, NULL, "无法列出自动来源");
	api_reply_json(res, 200, j);
	return 0;
}

/* ---- the ledger ---- */

int h_points_entries_list(struct request *req, struct response *res)
{
	struct points_entry_filter f;
	char ind[POINTS_CODE_MAX_CHARS * 4 + 1], src[32], pbuf[8];
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	memset(&f, 0, sizeof(f));
	if ((rc = api_paging(req, &f.page, &f.per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &f.org_id)) ||
	    (rc = api_query_int(req, "subject", 0, 0, INT64_MAX, &f.subject_id)) ||
	    (rc = query_target(req, NULL, &f.target)) || (rc = query_text(req, "indicator", ind, sizeof(ind), &f.indicator)) ||
	    (rc = query_text(req, "source", src, sizeof(src), &f.source)) || (rc = query_period(req, pbuf, &f.period)) ||
	    (rc = points_entries_list(&req->ctx, &f, &items, &total)))
		return rc;
	api_reply_list(res, items, total, f.page, f.per_page);
	return 0;
}

int h_points_entries_add(struct request *req, struct response *res)
{
	static const char *const fields[] = { "target", "subject_id", "indicator", "event_on", "count", "evidence",
					      "inspector", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_entry_add(&req->ctx, body, &id)) ||
	    (rc = points_entry_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

/* 201 with the reversing entry: a reversal is a new ledger row, never an edit. */
int h_points_entries_reverse(struct request *req, struct response *res)
{
	static const char *const fields[] = { "reason", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_entry_reverse(&req->ctx, req->params[0], body, &id)) ||
	    (rc = points_entry_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

/* ---- claims ---- */

int h_points_claims_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int64_t org, total = 0;
	const char *status = req_query(req, "status");
	int page, per_page, rc;
	if (status && !*status)
		status = NULL;
	if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
		return err_set(&req->ctx.err, E_MALFORMED, "status", NULL, "参数 status 只能是 pending、approved 或 rejected");
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = points_claims_list(&req->ctx, org, status, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_points_claims_create(struct request *req, struct response *res)
{
	static const char *const fields[] = { "target", "subject_id", "indicator", "event_on", "count", "evidence",
					      NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_claim_create(&req->ctx, body, &id)) ||
	    (rc = points_claim_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

int h_points_claims_decide(struct request *req, struct response *res)
{
	static const char *const fields[] = { "version", "approve", "reason", NULL };
	json_t *body = NULL, *j = NULL;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_claim_decide(&req->ctx, req->params[0], body)) ||
	    (rc = points_claim_get(&req->ctx, req->params[0], &j)))
		goto out;
	api_reply_json(res, 200, j);
out:
	json_decref(body);
	return rc;
}

/* ---- scorecards ---- */

static int reply_explain(struct request *req, struct response *res, const char *target, int64_t subject)
{
	json_t *j = NULL;
	char pbuf[8];
	const char *period;
	int rc;
	if ((rc = query_period(req, pbuf, &period)) || (rc = points_explain(&req->ctx, target, subject, period, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_member(struct request *req, struct response *res)
{
	return reply_explain(req, res, "member", req->params[0]);
}

int h_me_points(struct request *req, struct response *res)
{
	if (!req->ctx.actor.member_id)
		return err_set(&req->ctx.err, E_NOTFOUND, NULL, NULL, "该账号没有关联党员档案");
	return reply_explain(req, res, "member", req->ctx.actor.member_id);
}

int h_points_branch(struct request *req, struct response *res)
{
	return reply_explain(req, res, "branch", req->params[0]);
}

/* ---- standings ---- */

int h_points_rankings(struct request *req, struct response *res)
{
	json_t *j = NULL;
	char pbuf[8];
	const char *target, *period;
	int64_t org, after;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = api_query_int(req, "after", 0, 1, INT64_MAX, &after)) ||
	    (rc = query_target(req, "member", &target)) || (rc = query_period(req, pbuf, &period)) ||
	    (rc = points_rankings_after(&req->ctx, org, target, period, page, per_page, after, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_summary(struct request *req, struct response *res)
{
	json_t *j = NULL;
	char pbuf[8];
	const char *period;
	int64_t org;
	int rc;
	if ((rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) || (rc = query_period(req, pbuf, &period)) ||
	    (rc = points_summary(&req->ctx, org, period, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_publish(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "target", "period", "note", NULL };
	json_t *body = NULL, *j = NULL;
	int64_t id = 0;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_publish(&req->ctx, body, &id)) ||
	    (rc = points_publication_get(&req->ctx, id, &j)))
		goto out;
	api_reply_json(res, 201, j);
out:
	json_decref(body);
	return rc;
}

int h_points_publications_list(struct request *req, struct response *res)
{
	json_t *items = NULL;
	const char *target;
	int64_t org, total = 0;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "org", 0, 0, INT64_MAX, &org)) ||
	    (rc = query_target(req, NULL, &target)) ||
	    (rc = points_publications_list(&req->ctx, org, target, page, per_page, &items, &total)))
		return rc;
	api_reply_list(res, items, total, page, per_page);
	return 0;
}

int h_points_publication_get(struct request *req, struct response *res)
{
	json_t *j = NULL;
	int64_t after;
	int page, per_page, rc;
	if ((rc = api_paging(req, &page, &per_page)) || (rc = api_query_int(req, "after", 0, 1, INT64_MAX, &after)) ||
	    (rc = points_publication_page(&req->ctx, req->params[0], page, per_page, after, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

/* `subject` defaults to the caller's own member record for target member (a 党员's own history). */
int h_points_history(struct request *req, struct response *res)
{
	json_t *j = NULL;
	const char *target;
	int64_t subject;
	int rc;
	if ((rc = query_target(req, "member", &target)) || (rc = api_query_int(req, "subject", 0, 1, INT64_MAX, &subject)))
		return rc;
	if (!subject && !strcmp(target, "member"))
		subject = req->ctx.actor.member_id;
	if (!subject)
		return err_set(&req->ctx.err, E_MALFORMED, "subject", NULL, "请给出参数 subject");
	if ((rc = points_history(&req->ctx, target, subject, &j)))
		return rc;
	api_reply_json(res, 200, j);
	return 0;
}

int h_points_sync(struct request *req, struct response *res)
{
	static const char *const fields[] = { "org_id", "period", NULL };
	json_t *body = NULL, *reply;
	int64_t added = 0, reversed = 0;
	int rc;
	if ((rc = body_checked(req, fields, &body)) || (rc = points_sync(&req->ctx, body, &added, &reversed)))
		goto out;
	reply = json_object();
	json_object_set_new(reply, "added", json_integer(added));
	json_object_set_new(reply, "reversed", json_integer(reversed));
	api_reply_json(res, 200, reply);
out:
	json_decref(body);
	return rc;
}
