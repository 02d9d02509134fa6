/*
 * The rebuild of 040_compliance_kept (the province generator's bulk path, triggers set
 * aside): the figures the triggers keep, from meeting_counts and orgs, with the INSERTs
 * of the migration. See there for what the rows mean; compliance.c reads them for a
 * province root (ctree_load_lean).
 */
#include "domain/meeting.h"
#include "util/banned.h"

static const char rebuild_sql[] =
	"DELETE FROM compliance_kept; DELETE FROM compliance_group_months; DELETE FROM org_group_counts; "
	"INSERT INTO compliance_kept (year, org_id, months, months2) "
	"SELECT year, org_id, sum((CASE WHEN kind = 'party_congress' THEN 1 ELSE 0 END + CASE WHEN kind = "
	"'committee' THEN 4096 ELSE 0 END + CASE WHEN kind = 'lecture' THEN 16777216 ELSE 0 END + CASE WHEN "
	"kind = 'theme_day' THEN 68719476736 ELSE 0 END + CASE WHEN kind = 'life_meeting' THEN "
	"281474976710656 ELSE 0 END) * (CASE WHEN meeting_counts.m1 > 0 THEN 1 ELSE 0 END + CASE WHEN "
	"meeting_counts.m2 > 0 THEN 2 ELSE 0 END + CASE WHEN meeting_counts.m3 > 0 THEN 4 ELSE 0 END + CASE "
	"WHEN meeting_counts.m4 > 0 THEN 8 ELSE 0 END + CASE WHEN meeting_counts.m5 > 0 THEN 16 ELSE 0 END + "
	"CASE WHEN meeting_counts.m6 > 0 THEN 32 ELSE 0 END + CASE WHEN meeting_counts.m7 > 0 THEN 64 ELSE 0 "
	"END + CASE WHEN meeting_counts.m8 > 0 THEN 128 ELSE 0 END + CASE WHEN meeting_counts.m9 > 0 THEN "
	"256 ELSE 0 END + CASE WHEN meeting_counts.m10 > 0 THEN 512 ELSE 0 END + CASE WHEN "
	"meeting_counts.m11 > 0 THEN 1024 ELSE 0 END + CASE WHEN meeting_counts.m12 > 0 THEN 2048 ELSE 0 "
	"END)), sum((CASE WHEN kind = 'appraisal' THEN 1 ELSE 0 END) * (CASE WHEN meeting_counts.m1 > 0 THEN "
	"1 ELSE 0 END + CASE WHEN meeting_counts.m2 > 0 THEN 2 ELSE 0 END + CASE WHEN meeting_counts.m3 > 0 "
	"THEN 4 ELSE 0 END + CASE WHEN meeting_counts.m4 > 0 THEN 8 ELSE 0 END + CASE WHEN meeting_counts.m5 "
	"> 0 THEN 16 ELSE 0 END + CASE WHEN meeting_counts.m6 > 0 THEN 32 ELSE 0 END + CASE WHEN "
	"meeting_counts.m7 > 0 THEN 64 ELSE 0 END + CASE WHEN meeting_counts.m8 > 0 THEN 128 ELSE 0 END + "
	"CASE WHEN meeting_counts.m9 > 0 THEN 256 ELSE 0 END + CASE WHEN meeting_counts.m10 > 0 THEN 512 "
	"ELSE 0 END + CASE WHEN meeting_counts.m11 > 0 THEN 1024 ELSE 0 END + CASE WHEN meeting_counts.m12 > "
	"0 THEN 2048 ELSE 0 END)) "
	"FROM meeting_counts WHERE kind IN ('party_congress', 'committee', 'lecture', 'theme_day', "
	"'life_meeting', 'appraisal') GROUP BY year, org_id; "
	"INSERT INTO compliance_group_months (year, org_id, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, "
	"g12) "
	"SELECT c.year, o.parent_id, sum(CASE WHEN c.m1 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m2 > 0 THEN "
	"1 ELSE 0 END), sum(CASE WHEN c.m3 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m4 > 0 THEN 1 ELSE 0 "
	"END), sum(CASE WHEN c.m5 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m6 > 0 THEN 1 ELSE 0 END), "
	"sum(CASE WHEN c.m7 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m8 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN "
	"c.m9 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m10 > 0 THEN 1 ELSE 0 END), sum(CASE WHEN c.m11 > 0 "
	"THEN 1 ELSE 0 END), sum(CASE WHEN c.m12 > 0 THEN 1 ELSE 0 END) "
	"FROM meeting_counts c JOIN orgs o ON o.id = c.org_id WHERE c.kind = 'group' AND o.parent_id IS NOT "
	"NULL AND o.dissolved_on IS NULL AND o.kind NOT IN ('branch', 'joint_branch') "
	"GROUP BY c.year, o.parent_id; "
	"INSERT INTO org_group_counts (org_id, groups) "
	"SELECT o.parent_id, count(*) FROM orgs o WHERE o.parent_id IS NOT NULL AND o.dissolved_on IS NULL "
	"AND o.kind = 'group' GROUP BY o.parent_id; ";

int compliance_kept_rebuild(struct ctx *ctx)
{
	return db_exec(ctx->db, rebuild_sql, &ctx->err);
}
