/*
 * Demo 关怀帮扶 (called by demo.c after the dues): this year's 老党员补贴 given to the
 * eligible members of most branches (every fourth branch still waits, so 一键发放 has
 * work to do), ten 困难党员 with two help records each (two of them closed), and 送温暖
 * visits: 春节 to members of 80 and over, 重阳 to the 困难党员. Plain INSERTs of rows that
 * keep the rules of care.c, in one transaction (the demo is timed); deterministic, dates
 * from ctx->today.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/care.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEMO_HARDSHIPS 10
#define DEMO_SPRING_VISITS 40

static const char *const hardship_reasons[] = {
	"因病致困，长期服药", "家中房屋受损", "独居高龄，生活不便", "子女就学负担重", "因残致困",
};

struct cm {
	int64_t id;
	int birth_year;
};

/* a date of year no later than today: month-day if it has passed, else today */
static void date_in_year(const struct ctx *ctx, int year, int m, int d, char out[11])
{
	struct date x = { year, m, d };
	if (date_cmp(x, ctx->today) > 0)
		x = ctx->today;
	date_format(x, out);
}

static int insert_record(struct ctx *ctx, int64_t member, const char *kind, int year, const char *occasion,
			 int64_t hardship, int age, int band, const char *given_on, int64_t fen, const char *goods,
			 const char *giver)
{
	struct stmt *st = db_prepare(ctx->db,
				     "INSERT INTO care_records (member_id, org_id, org_path, kind, year, occasion, hardship_id, age, "
				     "band_age, given_on, amount_fen, goods, giver, created_at) SELECT id, org_id, org_path, ?, ?, ?, ?, "
				     "?, ?, ?, ?, ?, ?, ? FROM members WHERE id = ?",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, kind);
	stmt_bind_int(st, 2, year);
	stmt_bind_text(st, 3, occasion);
	if (hardship)
		stmt_bind_int(st, 4, hardship);
	else
		stmt_bind_null(st, 4);
	if (band) {
		stmt_bind_int(st, 5, age);
		stmt_bind_int(st, 6, band);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
	}
	stmt_bind_text(st, 7, given_on);
	stmt_bind_int(st, 8, fen);
	stmt_bind_text(st, 9, goods);
	stmt_bind_text(st, 10, giver);
	stmt_bind_text(st, 11, ctx->now_iso);
	stmt_bind_int(st, 12, member);
	return stmt_run(st, &ctx->err);
}

static int elderly(struct ctx *ctx, int *rows)
{
	struct care_band b[CARE_BANDS_MAX];
	struct stmt *st;
	struct cm *v = NULL;
	size_t n = 0, cap = 0, i;
	char last_birth[11], given_on[11];
	int nb, rc, step, year = ctx->today.y, spring = 0;
	if ((rc = care_bands_load(ctx, b, &nb)))
		return rc;
	xsnprintf(last_birth, sizeof(last_birth), "%04d-12-31", year - b[0].age);
	/* the branches whose id is a multiple of 4 have not given theirs yet */
	st = db_prepare(ctx->db,
			"SELECT id, birth_date FROM members WHERE state = 'active' AND birth_date <= ? AND org_id % 4 <> 0 "
			"ORDER BY id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, last_birth);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *bd = stmt_text(st, 1);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].id = stmt_int(st, 0);
		v[n].birth_year = bd ? (int)strtol(bd, NULL, 10) : year;
		n++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		free(v);
		return ctx_db_fail(ctx);
	}
	date_in_year(ctx, year, 1, 20, given_on);
	for (i = 0; i < n && !rc; i++) {
		int band;
		int64_t fen = care_elderly_fen(b, nb, v[i].birth_year, year, &band);
		if (!fen)
			continue;
		rc = insert_record(ctx, v[i].id, "elderly", year, NULL, 0, year - v[i].birth_year, band, given_on, fen,
				   NULL, "镇党委组织委员");
		(*rows)++;
		/* 春节 visits to the oldest, the Spring Festival of this year or last */
		if (!rc && year - v[i].birth_year >= 80 && spring < DEMO_SPRING_VISITS) {
			char on[11];
			int sy = ctx->today.m >= 3 ? year : year - 1;
			date_in_year(ctx, sy, 2, 5, on);
			rc = insert_record(ctx, v[i].id, "festival", sy, "spring", 0, 0, 0, on, 20000, "米、油、慰问信",
					   "村党支部书记");
			spring++;
			(*rows)++;
		}
	}
	free(v);
	return rc;
}

static int hardships(struct ctx *ctx, int *rows)
{
	struct stmt *st;
	int64_t ids[DEMO_HARDSHIPS];
	int n = 0, k, rc = 0, step, last = ctx->today.y - 1;
	st = db_prepare(ctx->db, "SELECT id FROM members WHERE state = 'active' AND id % 97 = 5 ORDER BY id", &ctx->err);
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (n < DEMO_HARDSHIPS)
			ids[n++] = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	for (k = 0; k < n && !rc; k++) {
		char since[11], help1[11], help2[11], closed[11];
		int64_t hid = 0;
		struct date d = date_add_months(ctx->today, -(6 + k));
		date_format(d, since);
		date_format(date_add_days(d, 20), help1);
		date_format(date_add_months(d, 3), help2);
		date_format(date_add_months(d, 4), closed);
		st = db_prepare(ctx->db,
				"INSERT INTO care_hardships (member_id, org_id, org_path, reason, since, closed_on, close_note, "
				"created_at) SELECT id, org_id, org_path, ?, ?, ?, ?, ? FROM members WHERE id = ? RETURNING id",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, hardship_reasons[k % 5]);
		stmt_bind_text(st, 2, since);
		stmt_bind_text(st, 3, k >= n - 2 ? closed : NULL);
		stmt_bind_text(st, 4, k >= n - 2 ? "家庭情况好转" : NULL);
		stmt_bind_text(st, 5, ctx->now_iso);
		stmt_bind_int(st, 6, ids[k]);
		step = stmt_step(st, &ctx->err);
		if (step == STEP_ROW)
			hid = stmt_int(st, 0);
		stmt_reset(st);
		if (step != STEP_ROW)
			return ctx_db_fail(ctx);
		(*rows)++;
		rc = insert_record(ctx, ids[k], "hardship", (int)strtol(help1, NULL, 10), "money", hid, 0, 0, help1,
				   50000 + 10000 * (k % 3), NULL, "镇党委");
		if (!rc)
			rc = insert_record(ctx, ids[k], "hardship", (int)strtol(help2, NULL, 10), "goods", hid, 0, 0, help2, 0,
					   "棉被、米、油", "村党支部书记");
		if (!rc) {
			char on[11];
			date_in_year(ctx, last, 10, 29, on);
			rc = insert_record(ctx, ids[k], "festival", last, "chongyang", 0, 0, 0, on, 10000, "重阳糕", "镇党委副书记");
		}
		*rows += 3;
	}
	return rc;
}

int demo_care(struct ctx *ctx, int *rows)
{
	int rc;
	*rows = 0;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = elderly(ctx, rows)) || (rc = hardships(ctx, rows))) {
		db_rollback(ctx->db);
		return rc;
	}
	return db_commit(ctx->db, &ctx->err); /* rolls back itself on failure */
}
