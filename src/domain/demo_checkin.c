/*
 * Demo 扫码签到 (called by demo.c): check-in switched on for one branch, 孟庄镇刘集村党支部
 * (DEMO_CHECKIN_BRANCH), so its secretary can record a meeting with a QR code on the day
 * and a member can try the phone page; everywhere else it stays off, the default. One
 * row through the domain function, so it is audited like any other setting.
 */
#include "domain/demo.h"
#include <jansson.h>
#include "domain/checkin.h"
#include "util/banned.h"

int demo_checkin(struct ctx *ctx, int *rows)
{
	struct stmt *st;
	json_t *body;
	int64_t org_id = 0;
	int step, rc;

	*rows = 0;
	st = db_prepare(ctx->db, "SELECT id FROM orgs WHERE kind = 'branch' AND name = ? AND dissolved_on IS NULL ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, DEMO_CHECKIN_BRANCH);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		org_id = stmt_int(st, 0);
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!org_id)
		return 0; /* a smaller demo without the branch */
	body = json_pack("{s:b, s:i}", "enabled", 1, "version", 0);
	rc = checkin_setting_put(ctx, org_id, body);
	json_decref(body);
	if (!rc)
		*rows = 1;
	return rc;
}
