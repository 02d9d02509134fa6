/*
 * libFuzzer harness: a JSON request body as the API reads it. The input is the raw
 * body: api_body_object (jansson, duplicate keys refused, objects only), the field
 * getters of api/respond.c and domain/body.c on every member, then the member form
 * as POST /api/v1/members reads it (member_api.c's read_member_body, compiled in
 * here since it is static) and validates it (member_prepare_in: names, ID number,
 * dates, codes, phone, sealing of personal data). No database: the branch is given,
 * and a group_id (which needs a lookup) is dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "domain/body.h"
#include "domain/org.h"
#include "util/pii.h"
#include "util/strbuf.h"
/* last: it ends with util/banned.h */
#include "api/member_api.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void init_once(void)
{
	static int done;
	char dir[] = "/tmp/dj-fuzz-json-XXXXXX", path[64];
	struct err e;
	if (done)
		return;
	done = 1;
	memset(&e, 0, sizeof(e));
	if (!mkdtemp(dir))
		abort();
	xsnprintf(path, sizeof(path), "%s/keys", dir);
	if (pii_load_keys(path, 1, &e))
		abort();
	unlink(path);
	rmdir(dir);
}

/* every getter on every member, whatever its type: errors are fine, crashes are not */
static void getters(struct request *req, json_t *obj)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		char buf[64];
		int64_t i;
		int present, b;
		const char *s;
		(void)v;
		memset(&req->ctx.err, 0, sizeof(req->ctx.err));
		api_get_str(req, obj, key, buf, sizeof(buf), &present);
		api_get_int(req, obj, key, &i, &present);
		api_get_bool(req, obj, key, &b, &present);
		body_int_required(&req->ctx, obj, key, "字段", &i);
		body_str_optional(&req->ctx, obj, key, &s);
	}
	api_get_version(req, obj, &(int64_t){ 0 });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;
	struct member m;
	struct member_sealed sealed;
	struct org branch;
	json_t *body = NULL;

	init_once();
	memset(&req, 0, sizeof(req));
	strbuf_init(&req.body, 0);
	if (size > CAP_REQUEST_BODY)
		return 0;
	strbuf_add(&req.body, data, size);
	ctx_set_clock(&req.ctx, 1782777600); /* 2026-06-30 */
	if (api_body_object(&req, &body)) {
		if (!req.ctx.err.code || !req.ctx.err.message[0])
			abort();
		goto out;
	}
	getters(&req, body);
	memset(&req.ctx.err, 0, sizeof(req.ctx.err));
	memset(&m, 0, sizeof(m));
	if (read_member_body(&req, body, &m))
		goto out;
	m.group_id = 0;
	memset(&branch, 0, sizeof(branch));
	branch.id = m.org_id;
	strlcpy_z(branch.kind, "branch", sizeof(branch.kind));
	strlcpy_z(branch.path, "/1/2/", sizeof(branch.path));
	strlcpy_z(branch.name, "第一党支部", sizeof(branch.name));
	if (member_prepare_in(&req.ctx, &m, &sealed, 1, &branch) == 0) {
		json_t *j = member_to_json(&req.ctx, &m);
		char *s = json_dumps(j, JSON_COMPACT);
		if (!s)
			abort();
		free(s);
		json_decref(j);
		member_sealed_release(&sealed);
	} else if (!req.ctx.err.code || !req.ctx.err.message[0]) {
		abort();
	}
out:
	json_decref(body);
	strbuf_release(&req.body);
	return 0;
}
