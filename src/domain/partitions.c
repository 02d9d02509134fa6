/* The partition maintenance of PostgreSQL (see partitions.h); the work is dj_partitions_sync (041). */
#include "domain/partitions.h"
#include <string.h>
#include "store/store.h"
#include "util/banned.h"

int partitions_sync(struct ctx *ctx, struct partitions_report *r)
{
	int rc;
	memset(r, 0, sizeof(*r));
	if (strcmp(db_backend(ctx->db), "postgres"))
		return 0;
	r->partitioned = 1;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = ctx_query_int(ctx, "SELECT dj_partitions_sync()", &r->moved)) ||
	    (rc = ctx_query_int(ctx, "SELECT count(*) FROM orgs WHERE depth <= 1", &r->top_orgs)) ||
	    (rc = ctx_query_int(ctx,
			 "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
			 "WHERE p.relname IN ('meeting_attendance', 'dues_months', 'member_life_months') "
			 "AND p.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = current_schema())",
			 &r->partitions)) ||
	    (rc = ctx_query_int(ctx,
			 "SELECT (SELECT count(*) FROM meeting_attendance_default) + (SELECT count(*) FROM "
			 "dues_months_default) + (SELECT count(*) FROM member_life_months_default)",
			 &r->in_default)) ||
	    (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		return rc;
	}
	return 0;
}
