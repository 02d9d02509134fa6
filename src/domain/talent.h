#ifndef TALENT_H
#define TALENT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 人才储备 (issue 6): reserve pools (优秀青年, 技术能手, 优秀妇女, 退役军人, 返乡人才, 其他)
 * kept by an organization. A person's status moves reserve (储备) → recommended (已推荐为
 * 入党积极分子) → developed (已发展), or to withdrawn (退出, with a reason) from either of
 * the first two; anything else is 409 rule talent.status. Recommending creates nothing
 * in the recruitment tables: it records recommended_on and a note that the recruitment
 * form may pre-fill from. No ID or phone numbers are kept.
 * JSON out-parameters are owned by the caller; writes are audited (entity "talent").
 */
enum talent_status { TS_RESERVE, TS_RECOMMENDED, TS_DEVELOPED, TS_WITHDRAWN, TS__COUNT };
int talent_status_parse(const char *s); /* -1 if unknown */
const char *talent_status_name(int s);   /* 储备 */
const char *talent_pool_name(const char *code); /* NULL if unknown */

struct talent_filter {
	int64_t org_id;     /* subtree root; 0 = the actor's scope */
	const char *pool;   /* NULL/"" = any */
	const char *status; /* NULL/"" = any */
	const char *q;      /* name contains */
};

/* body {org_id, pool, name, gender, birth_year, education, occupation, recommended_by, listed_on, notes} */
int talent_create(struct ctx *ctx, json_t *body, int64_t *id);
int talent_get(struct ctx *ctx, int64_t id, json_t **out);
/* body {version, and any field of create but org_id} */
int talent_update(struct ctx *ctx, int64_t id, json_t *body);
/* body {version, status, on (default today), note (recommended), reason (withdrawn, required)} */
int talent_set_status(struct ctx *ctx, int64_t id, json_t *body);
int talent_list(struct ctx *ctx, const struct talent_filter *f, int page, int per_page, json_t **items,
		int64_t *total);
/* Inside an open transaction (recruit_create with talent_id): a recommended talent in scope
 * moves to developed today and records recruit_id; 404 field talent_id if out of scope,
 * 409 rule talent.status unless recommended. Audited; does not commit. */
int talent_develop_into(struct ctx *ctx, int64_t id, int64_t recruit_id);
/* counts per pool × status and per keeping org under org_id: {pools:[..], orgs:[..], total} */
int talent_summary(struct ctx *ctx, int64_t org_id, json_t **out);
#endif
