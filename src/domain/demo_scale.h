#ifndef DEMO_SCALE_H
#define DEMO_SCALE_H
#include <stdint.h>
#include <stdio.h>
#include "domain/ctx.h"
/*
 * The bulk generator behind `dangjian demo --scale county|city|province` (issue 8): a
 * whole province — 省委组织部 → 市委组织部 → 县委组织部 → 乡镇党委 / 县直机关工委 → 党支部
 * (+ 党小组) — with members, a year of organizational life by the rules (monthly 主题党日 and
 * 支委会 where a committee is elected, quarterly 党员大会 and 党课) with attendance, 党费
 * bases and payments (some arrears), points ledger entries and a few 发展党员 records per
 * branch. Names come from fixed word lists and everything from a seeded PRNG of our own:
 * the same seed, size and ctx->today give the same world, row for row.
 *
 * Unlike demo_generate it does not go through the domain functions one row at a time: rows
 * are written with multi-row INSERTs (ids assigned here, prepared statements reused) in
 * transactions of about opt->batch_rows rows, personal data sealed per row as member.c
 * does (util/pii). Outside use_triggers mode, the row triggers and secondary indexes of the
 * loaded tables are set aside during the load (SQLite: dropped and re-created from their
 * DDL in sqlite_master; PostgreSQL: indexes dropped and re-created from pg_indexes, triggers
 * DISABLE TRIGGER USER; synchronous=OFF / synchronous_commit=off meanwhile) and what the
 * triggers keep — orgs.direct_members
 * (003), meeting_counts (012), member_life_months and member_life (014) — is rebuilt at the
 * end with one INSERT … SELECT each, giving the rows the triggers would have given
 * (tests/unit/test_demo_scale.c compares both ways). point_rollups (018, kept by
 * points_append in C) is rebuilt from the ledger the same way. One audit entry records the
 * generation. Needs an empty database; a run that fails half-way leaves it unusable
 * (start again from a new one).
 */

#define DEMO_SCALE_BATCH_DEFAULT 50000

struct demo_scale_options {
	const char *scale;        /* "county" | "city" | "province" */
	int64_t members;          /* 0 = the scale's default (30,000 · 600,000 · 10,000,000) */
	int months;               /* months of meetings and dues ending last month; 0 = 12 */
	uint64_t seed;
	int use_triggers;         /* 1: keep triggers and indexes live (slow; the reference for tests) */
	int batch_rows;           /* rows per transaction; 0 = DEMO_SCALE_BATCH_DEFAULT */
	const char *admin_password; /* NULL = DEMO_ADMIN_PASSWORD; account "admin" (sysadmin) */
	FILE *progress;           /* NULL = quiet; else a line per county */
};

struct demo_scale_report {
	int64_t orgs, cities, counties, towns, branches, groups;
	int64_t members, meetings, attendance;
	int64_t dues_bases, dues_payments, dues_months;
	int64_t point_entries, recruits, recruit_steps;
	double seconds_load, seconds_rebuild;
};

int64_t demo_scale_default_members(const char *scale); /* 0 for an unknown scale */

/*
 * Fill an empty database. ctx must be the system actor with the PII keys loaded and
 * ctx->cfg set. Returns 0, or an error code with ctx->err filled (E_INVALID for bad
 * options, E_CONFLICT for a database that already holds organizations).
 */
int demo_scale_generate(struct ctx *ctx, const struct demo_scale_options *opt, struct demo_scale_report *out);

/*
 * Rebuild the trigger-kept aggregates (direct_members, meeting_counts, member_life_months,
 * member_life) and point_rollups from the base rows; inside the caller's transaction.
 */
int demo_scale_rebuild_aggregates(struct ctx *ctx);
#endif
