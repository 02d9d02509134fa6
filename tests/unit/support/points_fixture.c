/* Point sets and indicators for the points tests: see points_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "points_fixture.h"
#include "life_fixture.h"
#include "util/banned.h"

/* A statement on life_ctx's connection; the test fails when sql does not prepare. */
static struct stmt *prepare(const char *sql)
{
	struct stmt *st = db_prepare(life_ctx->db, sql, &life_ctx->err);
	assert_non_null(st);
	return st;
}

/* Steps an INSERT … RETURNING id; its id, or the test fails naming what. */
static int64_t returned_id(struct stmt *st, const char *what)
{
	int64_t id = 0;
	if (stmt_step(st, &life_ctx->err) == STEP_ROW)
		id = stmt_int(st, 0);
	stmt_reset(st);
	if (!id)
		life_fail_ctx(what, life_ctx);
	return id;
}

int64_t points_fx_make_set(int64_t org, int version, int from_month)
{
	struct stmt *st = prepare("INSERT INTO point_sets (org_id, version, effective_from, created_at) "
				  "VALUES (?, ?, ?, '2025-01-01T00:00:00Z') RETURNING id");
	stmt_bind_int(st, 1, org);
	stmt_bind_int(st, 2, version);
	stmt_bind_int(st, 3, from_month);
	return returned_id(st, "set");
}

int64_t points_fx_make_indicator(int64_t set, const char *code, const char *target, int sign, int points, int cap,
				 const char *cap_period, int position)
{
	struct stmt *st = prepare("INSERT INTO point_indicators (set_id, code, name, category, target, sign, points_x10, "
				  "cap_x10, cap_period, source, approver, position) "
				  "VALUES (?, ?, ?, '测试', ?, ?, ?, ?, ?, 'manual', 'org_admin', ?) RETURNING id");
	stmt_bind_int(st, 1, set);
	stmt_bind_text(st, 2, code);
	stmt_bind_text(st, 3, code);
	stmt_bind_text(st, 4, target);
	stmt_bind_int(st, 5, sign);
	stmt_bind_int(st, 6, points);
	stmt_bind_int(st, 7, cap);
	stmt_bind_text(st, 8, cap_period);
	stmt_bind_int(st, 9, position);
	return returned_id(st, "indicator");
}
