#ifndef DUES_INTERNAL_H
#define DUES_INTERNAL_H
/* Shared between dues.c, dues_pay.c and dues_reduce.c; not for other modules. */
#include "domain/dues.h"
#include "util/config.h"

#define DUES_NOT_FOUND_MSG "党员不存在或不在您的管理范围内"
#define DUES_STALE_MSG "该记录已被他人修改，请刷新后重试"

struct dues_member {
	int64_t id, org_id;
	char name[128], org_name[128], org_path[PATH_MAX_LEN], state[16], person_type[16];
	int dues_from;   /* month, -1 unknown */
	int paid_to;     /* month, -1 never */
};

/* How a member is looked up: by scope (officers), as the actor's own, or either. */
enum { DUES_SEE_SCOPE = 0, DUES_SEE_OWN = 1, DUES_SEE_EITHER = 2 };
/* E_NOTFOUND (field "id") when missing or not visible */
int dues_load_member(struct ctx *ctx, int64_t id, struct dues_member *m, int mode);
/* as dues_load_member for a body's member_id: 422 member.scope naming member_id */
int dues_body_member(struct ctx *ctx, json_t *body, struct dues_member *m);
/* 409 dues.member_state unless active or transferring */
int dues_require_enrolled(struct ctx *ctx, const struct dues_member *m);

/* A member's bases and approved reductions, loaded (owned arrays, freed by release). */
struct dues_member_plan {
	struct dues_base_row *bases;
	struct dues_reduction_row *reductions;
	struct dues_plan plan;
};
int dues_plan_load(struct ctx *ctx, const struct dues_member *m, struct dues_member_plan *mp);
void dues_plan_release(struct dues_member_plan *mp);

/*
 * The member's dues_months rows of months from..to (inclusive, to − from < 400):
 * flags[month − from] = 0 none, 1 paid, 2 exempt; due/paid/payment (if not NULL) filled.
 */
int dues_months_rows(struct ctx *ctx, int64_t member_id, int from, int to, unsigned char *flags, int64_t *due,
		     int64_t *paid, int64_t *payment);
/* members.dues_paid_to = the greatest month in dues_months (NULL if none) */
int dues_refresh_paid_to(struct ctx *ctx, int64_t member_id);

int dues_require_officer(struct ctx *ctx);
int dues_current_month(const struct ctx *ctx);
const struct config *dues_cfg(const struct ctx *ctx);
/* a config value (the defaults when ctx->cfg is NULL) */
long long dues_cfg_int(const struct ctx *ctx, enum config_key k);

/* body readers: absent/null/"" → *out NULL / -1 / "" (422 field.required when required) */
int dues_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char **out);
int dues_month_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, int *out);
int dues_date_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char out[11]);
/* a non-negative integer amount in fen; absent → *present 0 */
int dues_fen_field(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t max, int64_t *out,
		   int *present);
void dues_bind_user(struct stmt *st, int idx, const struct ctx *ctx);
/* a dues_months row with payment_id NULL (an exempted month; dues_pay.c) */
int dues_insert_exempt_month(struct ctx *ctx, const struct dues_member *m, int month);

/* the member's months in arrears today and their sum due (the due rule, month by month: the reference) */
int dues_member_arrears(struct ctx *ctx, const struct dues_member *m, const struct dues_member_plan *mp, int *months,
			int64_t *fen);
/* GET /dues/arrears of a large subtree from the kept figures (dues_owed.c) */
struct org;
int dues_arrears_kept(struct ctx *ctx, const struct org *root, int min_months, int page, int per_page, json_t **out);

/* payments as JSON: SELECT DUES_PAYMENT_COLS DUES_PAYMENT_FROM ... then dues_payment_json */
#define DUES_PAYMENT_COLS                                                                                      \
	"p.id, p.member_id, m.name, p.org_id, o.name, p.kind, p.first_month, p.last_month, p.amount_fen, p.paid_on, " \
	"p.method, p.collector, p.receipt_no, p.proxy_name, p.note, p.created_at, p.org_path"
#define DUES_PAYMENT_FROM " FROM dues_payments p JOIN members m ON m.id = p.member_id JOIN orgs o ON o.id = p.org_id "
json_t *dues_payment_json(struct stmt *st);
#define DUES_REDUCTION_COLS                                                                                     \
	"r.id, r.member_id, m.name, r.org_id, o.name, r.from_month, r.to_month, r.monthly_fen, r.reason, "             \
	"r.branch_studied_on, r.status, r.decided_by, r.decided_at, r.decision_note, r.created_at, r.version, o.path"
#define DUES_REDUCTION_FROM " FROM dues_reductions r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = r.org_id "
json_t *dues_reduction_json(struct stmt *st);
#endif
