/* Org paths and the settings inherited along them (see org_path.h). */
#include "domain/org_path.h"
#include "util/strbuf.h"
#include "util/banned.h"

int org_path_ids(const char *path, int64_t *ids, int max)
{
	int n = 0;
	const char *p = path;
	if (!p || *p != '/')
		return -1;
	p++;
	while (*p) {
		int64_t v = 0;
		int digits = 0;
		/* 18 digits cannot overflow an int64_t; a longer id is not one of ours */
		while (*p >= '0' && *p <= '9' && digits < 18) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || *p != '/' || n == max)
			return -1;
		ids[n++] = v;
		p++;
	}
	return n;
}

int64_t org_path_top(const char *path)
{
	int64_t ids[ORG_PATH_IDS_MAX];
	int n = org_path_ids(path, ids, ORG_PATH_IDS_MAX);
	return n >= 2 ? ids[1] : n == 1 ? ids[0] : 0;
}

int org_path_nearest(struct ctx *ctx, const char *select_from, const char *org_path, org_path_row_fn fn,
		     void *arg)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int64_t ids[ORG_PATH_IDS_MAX];
	int n, i, step, best = -1, rc = 0;

	if ((n = org_path_ids(org_path, ids, ORG_PATH_IDS_MAX)) < 0)
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "组织路径无效：%s", org_path ? org_path : "");
	if (!n)
		return 0; /* the whole system ("/"): no org of its own */
	strbuf_addf(&sql, "%s WHERE org_id IN (", select_from);
	for (i = 0; i < n; i++)
		strbuf_addstr(&sql, i ? ", ?" : "?");
	strbuf_addch(&sql, ')');
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_int(st, i + 1, ids[i]);
	/* rows come in any order: a row counts when its org is deeper than the best so far */
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t id = stmt_int(st, 0);
		int pos;
		for (pos = 0; pos < n && ids[pos] != id; pos++)
			;
		if (pos < n && pos > best) {
			best = pos;
			if ((rc = fn(arg, st)))
				break;
		}
	}
	stmt_reset(st);
	if (!rc && step != STEP_DONE)
		rc = ctx_db_fail(ctx);
out:
	strbuf_release(&sql);
	return rc;
}
