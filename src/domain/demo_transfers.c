/*
 * Demo 组织关系转接, deaths and a 除名 (called by demo.c after the other demo steps), so
 * 党内统计's 年内变动 has every kind of change in the current year. Written through the
 * domain functions (transfer_create / transfer_confirm, member_update for the state), so
 * the letters, member_history rows and audit entries are the real ones:
 *   - a ring of internal letters, confirmed, between the biggest branch (with a 支部委员会) of
 *     each town (town 1 → town 2 → town 3 → town 1), so every town has a 转入 and a 转出;
 *   - two letters out of the system (sent), from towns 1 and 2;
 *   - two deaths (towns 1 and 2) and one 除名 (town 1).
 * Members chosen are full members of those branches with no account, not a secretary,
 * with dues paid (a letter names the month), the highest ids first. Deterministic.
 */
#include "domain/demo.h"
#include <inttypes.h>
#include <string.h>
#include "domain/member.h"
#include "domain/transfer.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TOWNS 3

/*
 * Per town (ordered by id under the root): its biggest branch with a 支部委员会 (ties: the
 * lower id), so one member more or fewer changes none of the branch-size warnings.
 */
static int big_branches(struct ctx *ctx, int64_t out[TOWNS], int *n)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT (SELECT b.id FROM orgs b WHERE b.kind IN ('branch', 'joint_branch') AND b.committee_size > 0 "
				     "AND b.dissolved_on IS NULL AND b.parent_id = t.id ORDER BY (SELECT count(*) FROM members m "
				     "WHERE m.org_id = b.id AND m.state = 'active' AND m.category = 'full') DESC, b.id LIMIT 1) "
				     "FROM orgs t WHERE t.kind = 'committee' AND t.parent_id IN (SELECT r.id FROM orgs r WHERE "
				     "r.parent_id IS NULL) ORDER BY t.id",
				     &ctx->err);
	int step;
	*n = 0;
	if (!st)
		return E_DB;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		if (*n < TOWNS && !stmt_is_null(st, 0))
			out[(*n)++] = stmt_int(st, 0);
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

/* the nth eligible member of a branch (0 = the highest id); 0 when none */
static int pick(struct ctx *ctx, int64_t branch, int nth, int64_t *id)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT m.id FROM members m WHERE m.org_id = ? AND m.state = 'active' AND m.category = 'full' "
				     "AND m.dues_paid_to IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) "
				     "AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.secretary_member_id = m.id) "
				     "ORDER BY m.id DESC LIMIT 1 OFFSET ?",
				     &ctx->err);
	int step;
	*id = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, branch);
	stmt_bind_int(st, 2, nth);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*id = stmt_int(st, 0);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static int letter(struct ctx *ctx, int64_t member_id, int64_t to_org, const char *to_name, const char *reason)
{
	struct transfer t;
	int rc;
	if (!member_id)
		return 0;
	memset(&t, 0, sizeof(t));
	t.member_id = member_id;
	strlcpy_z(t.kind, to_org ? "internal" : "external", sizeof(t.kind));
	t.to_org_id = to_org;
	if (!to_org)
		strlcpy_z(t.to_org_name, to_name, sizeof(t.to_org_name));
	strlcpy_z(t.reason, reason, sizeof(t.reason));
	if ((rc = transfer_create(ctx, &t, 1)))
		return rc;
	return to_org ? transfer_confirm(ctx, t.id, t.version) : 0;
}

static int set_state(struct ctx *ctx, int64_t member_id, const char *state)
{
	struct member m;
	int rc;
	if (!member_id)
		return 0;
	if ((rc = member_get(ctx, member_id, &m)))
		return rc;
	strlcpy_z(m.state, state, sizeof(m.state));
	return member_update(ctx, &m);
}

int demo_transfers(struct ctx *ctx, int *changes)
{
	static const char *const reasons[TOWNS] = { "工作调动，到新单位工作", "家庭住址迁移", "外出务工满六个月，在固定地点居住" };
	int64_t br[TOWNS], id[TOWNS][4];
	int n, k, j, rc;
	*changes = 0;
	if ((rc = big_branches(ctx, br, &n)))
		return rc;
	if (n < TOWNS)
		return 0;
	/* pick everyone first, so one step's change does not move the next one's choice */
	for (k = 0; k < TOWNS; k++)
		for (j = 0; j < 4; j++)
			if ((rc = pick(ctx, br[k], j, &id[k][j])))
				return rc;
	for (k = 0; k < TOWNS && !rc; k++)
		if (!(rc = letter(ctx, id[k][0], br[(k + 1) % TOWNS], NULL, reasons[k])) && id[k][0])
			(*changes)++;
	if (!rc && !(rc = letter(ctx, id[0][1], 0, "中共临河市城关街道第一社区委员会", "随子女到外地生活")) && id[0][1])
		(*changes)++;
	if (!rc && !(rc = letter(ctx, id[1][1], 0, "中共某某大学研究生第三党支部", "考取外地高校研究生")) && id[1][1])
		(*changes)++;
	if (!rc && !(rc = set_state(ctx, id[0][2], "deceased")) && id[0][2])
		(*changes)++;
	if (!rc && !(rc = set_state(ctx, id[1][2], "deceased")) && id[1][2])
		(*changes)++;
	if (!rc && !(rc = set_state(ctx, id[0][3], "removed")) && id[0][3])
		(*changes)++;
	return rc;
}
