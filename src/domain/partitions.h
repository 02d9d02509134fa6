/*
 * PostgreSQL partitions of the big fact tables by top-level organization (041_partitions.pg.sql,
 * docs/DEPLOY.md "Partitioning"): meeting_attendance, dues_months and member_life_months are
 * LIST-partitioned on top_org_id, one partition per top-level org (the root and its
 * children) and a default one. SQLite is not partitioned.
 */
#ifndef DJ_DOMAIN_PARTITIONS_H
#define DJ_DOMAIN_PARTITIONS_H

#include <stdint.h>
#include "domain/ctx.h"

struct partitions_report {
	int partitioned;    /* 0: SQLite, nothing done */
	int64_t top_orgs;   /* top-level orgs (depth 0 and 1) */
	int64_t partitions; /* partitions of the three tables, the default ones included */
	int64_t moved;      /* rows moved to the partition their org gives now */
	int64_t in_default; /* rows left in the default partitions (top_org_id without a top-level org) */
};

/*
 * `dangjian partitions`: in one transaction, the partitions of every top-level org that
 * lacks them, and every row moved to the partition its org gives now (rows waiting in the
 * default partition, members transferred and orgs moved to another top-level org since).
 * Idempotent: a second run moves nothing. No-op on SQLite (report->partitioned = 0).
 */
int partitions_sync(struct ctx *ctx, struct partitions_report *report);

#endif
