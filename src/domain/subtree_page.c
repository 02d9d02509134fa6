/* Whether a subtree's list pages, and with what page (subtree_page.h). */
#include "domain/subtree_page.h"
#include "store/store.h"
#include "util/config.h"
#include "util/banned.h"

int subtree_page_resolve(struct ctx *ctx, const struct subtree_page *in, const char *lo, const char *hi,
			 struct subtree_page *out, int *large)
{
	struct stmt *st;
	int64_t n;
	int rc;
	out->list_max = in && in->list_max > 0 ? in->list_max
		      : ctx->cfg ? (int)config_int(ctx->cfg, CFG_COMPLIANCE_LIST_MAX) : SUBTREE_LIST_MAX;
	out->page = in && in->page > 0 ? in->page : 1;
	out->per_page = in && in->per_page > 0 ? in->per_page : SUBTREE_PER_PAGE;
	*large = 0;
	if (!(st = db_prepare(ctx->db,
			      "SELECT count(*) FROM (SELECT 1 FROM orgs WHERE path >= ? AND path < ? AND kind IN ('branch', "
			      "'joint_branch') AND dissolved_on IS NULL LIMIT CAST(? AS INTEGER)) x",
			      &ctx->err)))
		return E_DB;
	stmt_bind_text(st, 1, lo);
	stmt_bind_text(st, 2, hi);
	stmt_bind_int(st, 3, (int64_t)out->list_max + 1);
	if ((rc = ctx_step_int(ctx, st, &n)))
		return rc;
	*large = n > out->list_max;
	return 0;
}
