#ifndef DUES_H
#define DUES_H
#include <stdio.h>
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 党费 (RULES.md §3; schema 027_dues.sql). Money is integer fen everywhere.
 *
 * The due of a member for month M (the one rule every dues reader uses):
 *   M < members.dues_from                           → 0, not_due
 *   an approved dues_reduction covers M             → its monthly_fen (reduced; 0 = exempt)
 *   the dues_bases row with the greatest from_month ≤ M → its monthly_fen
 *   else                                            → no_base (未核定)
 * A month is paid when a dues_months row exists (payment_id NULL = exempted by an approved
 * reduction to 0). members.dues_paid_to is the greatest month in dues_months, kept by every
 * write here. A month is in arrears when it is before the current month, on or after
 * dues_from and the member's first base (months before the first base are 未核定, not owed),
 * and has no dues_months row.
 *
 * Scope: 支部书记 their branch, admins their subtree (the actor's path range); a member reads
 * only their own record (dues_member_year with self = 1). Writes need a secretary or admin in
 * scope; approving a reduction needs an admin whose scope root is strictly above the branch.
 * Every write is one transaction with its audit entry (entities "dues_base", "dues_payment",
 * "dues_reduction"); refusals name the rule (409) or the field (422). JSON out-parameters are
 * owned by the caller.
 */
enum dues_kind { DUES_EMPLOYED, DUES_RETIRED, DUES_FARMER, DUES_MINIMAL, DUES__KINDS };

#define DUES_BASE_MAX_FEN 1000000000LL   /* 1,000 万元 a month: anything above is a typing error */
#define DUES_AMOUNT_MAX_FEN 10000000000LL
#define DUES_TEXT_MAX_CHARS 200         /* note, reason, collector, receipt, proxy */
#define DUES_SPAN_MAX_MONTHS 36         /* one payment or reduction covers at most this */
#define DUES_BATCH_MAX 500              /* members in one batch payment */

int dues_kind_parse(const char *s);       /* -1 if unknown */
const char *dues_kind_code(int kind);     /* "employed"; "" if out of range */
const char *dues_kind_label(int kind);     /* "在职" */
/* the kind a member's person_type suggests: employed, retired, farmer; student/other → minimal */
int dues_kind_for_person_type(const char *person_type);

/*
 * The monthly amount for a kind and base (RULES.md §3: one rate for the whole base, not
 * marginal). employed ≤300000 fen 5‰, ≤500000 10‰, ≤1000000 15‰, above 20‰; retired ≤500000
 * 5‰, above 10‰; the rate amounts rounded half up to the fen, jiao or yuan (dues.rounding)
 * in integer math. farmer → dues.farmer_fen, minimal → dues.minimal_fen (fixed amounts, not
 * rounded). cfg NULL = the defaults. *permille (if not NULL) = the rate, 0 for fixed amounts.
 * Negative bases count as 0.
 */
int64_t dues_monthly_fen(const struct config *cfg, int kind, int64_t base_fen, int *permille);
/* x fen × permille / 1000 rounded half up to unit_fen (1, 10 or 100) */
int64_t dues_round_permille(int64_t base_fen, int permille, int unit_fen);

/* Months as integers: y * 12 + (m − 1). -1 for anything but a real 'YYYY-MM' (1900..2200). */
int dues_ym_parse(const char *s);
void dues_ym_format(int month, char out[8]);
int dues_ym_of(struct date d);

/* ---- the due rule on a member's loaded rows (pure) ---- */
struct dues_base_row {
	int64_t id;
	int from;             /* month */
	int kind;
	int64_t base_fen, monthly_fen;
};
struct dues_reduction_row {
	int from, to;         /* months, inclusive */
	int64_t monthly_fen;
};
struct dues_plan {
	int dues_from;                      /* month; -1 = unknown (nothing due) */
	int nbases, nreductions;
	const struct dues_base_row *bases;  /* ascending from */
	const struct dues_reduction_row *reductions; /* approved ones only */
};
enum dues_due { DUE_NOT_DUE, DUE_BASE, DUE_REDUCED, DUE_EXEMPT, DUE_NO_BASE };
/* What member p owes for month; *fen = the amount (0 unless DUE_BASE or DUE_REDUCED). */
int dues_due_of(const struct dues_plan *p, int month, int64_t *fen);
/* the base in force for month, or NULL */
const struct dues_base_row *dues_base_at(const struct dues_plan *p, int month);

/* ---- reads and writes ---- */
/* GET /dues/rate: {kind, base_fen, permille, monthly_fen}; 422 naming kind or base_fen */
int dues_rate(struct ctx *ctx, const char *kind, int64_t base_fen, json_t **out);
/*
 * A member's year (0 = the current year): {member, current, bases, months[12], arrears,
 * payments, reductions} (docs/API.md "Dues"). self = 1: member_id 0 means the actor's own
 * member record, and nobody else's is visible.
 */
int dues_member_year(struct ctx *ctx, int64_t member_id, int year, int self, json_t **out);
/* body {kind, base_fen, from_month?, note?}: a new base (or the same month's replaced) */
int dues_base_set(struct ctx *ctx, int64_t member_id, json_t *body, json_t **out);

/* body as POST /dues/payments (kind regular | one_off); *out {id, first_month, last_month, months, amount_fen} */
int dues_payment_create(struct ctx *ctx, json_t *body, json_t **out);
/* body {org_id, month, member_ids, paid_on, method, collector?}; *out {paid, amount_fen, skipped} */
int dues_payment_batch(struct ctx *ctx, json_t *body, json_t **out);
/* body {reason}: removes the payment and its months; recomputes dues_paid_to */
int dues_payment_void(struct ctx *ctx, int64_t id, json_t *body);

struct dues_payment_filter {
	int64_t org_id;      /* subtree root; 0 = the actor's scope */
	int year;            /* paid_on year; 0 = any */
	int64_t member_id;   /* 0 = any */
	const char *kind;    /* NULL | regular | one_off */
	int64_t after;       /* keyset: the page starts right after this payment in the list's order; 0 = by page */
	int how;             /* DUES_PAY_AUTO | DUES_PAY_REF | DUES_PAY_KEPT (dues_pay_list.c) */
};
/*
 * Newest first (paid_on, id descending). total: DUES_PAY_REF counts the rows; DUES_PAY_KEPT
 * reads the kept count of 046_dues_pay_tally (without member_id) and reads the page by date
 * (index dues_payments_paid) instead of by path; AUTO the kept count without member_id, and
 * the read by date from DUES_PAY_BY_DATE_FROM payments. items and total are the same either way.
 * after outside the subtree → 400 naming after.
 */
enum { DUES_PAY_AUTO, DUES_PAY_REF, DUES_PAY_KEPT };
#define DUES_PAY_BY_DATE_FROM 20000
int dues_payments_list(struct ctx *ctx, const struct dues_payment_filter *f, int page, int per_page, json_t **items,
		       int64_t *total);
/* the kept counts from scratch (after a bulk load with the triggers aside; in the caller's transaction) */
int dues_pay_tally_rebuild(struct ctx *ctx);

/*
 * body {member_id, from_month, to_month, monthly_fen, reason, branch_studied_on} → *id.
 * monthly_fen may not exceed the base-derived due (the rule above without reductions) of any
 * covered month: 0 where nothing is due → 422 dues.reduction_amount; another pending or approved
 * reduction of a covered month → 409 dues.reduction_overlap. Both are checked inside the write
 * transaction after locking the member (FOR UPDATE on PostgreSQL; SQLite's writer lock).
 */
int dues_reduction_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, note?} / {version, note}; approval level: an admin strictly above the branch */
int dues_reduction_decide(struct ctx *ctx, int64_t id, int approve, json_t *body);
int dues_reduction_get(struct ctx *ctx, int64_t id, json_t **out);
/* status NULL = any (pending | approved | rejected) */
int dues_reductions_list(struct ctx *ctx, int64_t org_id, const char *status, int page, int per_page, json_t **items,
			 int64_t *total);

/* {items:[{member_id,name,org_id,org_name,dues_paid_to,months,fen}], total, rollup, branches:[…]} */
int dues_arrears(struct ctx *ctx, int64_t org_id, int min_months, int page, int per_page, json_t **out);
/*
 * The same with the path chosen: DUES_ARREARS_REF the due rule over every member of the
 * subtree (rollup "branches": per member's org), DUES_ARREARS_KEPT the kept figures of
 * 037_dues_owed (rollup "children": the root's own members and one row per direct child's
 * subtree), AUTO the kept ones from DUES_ARREARS_KEPT_FROM members with a base under the root.
 * items and total are the same either way.
 */
enum { DUES_ARREARS_AUTO, DUES_ARREARS_REF, DUES_ARREARS_KEPT };
#define DUES_ARREARS_KEPT_FROM 20000
int dues_arrears_how(struct ctx *ctx, int64_t org_id, int min_months, int page, int per_page, int how, json_t **out);

/*
 * Kept arrears figures (dues_owed.c, 037_dues_owed): per member, for any current month
 * C ≥ v, months in arrears = C + k (≤ 0: none) and their sum due = a + b·C, from the member's
 * plan, paid_to and the months with a row (rows, any order). Returns 0 when nothing can be
 * owed (no base or no dues_from), 1 with *f filled.
 */
struct dues_owed_fig {
	int k, v;
	int64_t a, b;
};
int dues_owed_figures(const struct dues_plan *p, int paid_to, const int *rows, int nrows, struct dues_owed_fig *f);
/*
 * The members queued by the triggers (dues_owed_stale) worked out: in its own transaction, or
 * inside the caller's (the dues writes, before their commit; there a queue of 20,000 or more —
 * the backfill after an upgrade — is left to the next arrears read of a large subtree).
 */
int dues_owed_refresh(struct ctx *ctx);
/* every member's figures and the sums from scratch (demo_scale after a bulk load; in the caller's transaction) */
int dues_owed_rebuild(struct ctx *ctx);
/*
 * dangjian upgrade: the queue worked out in transactions of dues_owed_upgrade_chunks ×
 * dues_owed_chunk_members (1000) members with the sums' triggers aside, then the sums recomputed; interrupted, it goes on
 * where it stopped when run again (and until then any read drains and recomputes as above).
 * Progress lines to progress when not NULL; max_tx > 0 stops after that many transactions
 * (the tests' interruption). *done = 1 when nothing is left.
 */
int dues_owed_upgrade(struct ctx *ctx, FILE *progress, int max_tx, int *done);
/* queue length from which the sums are recomputed once instead of by trigger; upgrade chunking (tests) */
extern int64_t dues_owed_bulk_min;
extern int dues_owed_upgrade_chunks;
extern int dues_owed_chunk_members;
#endif
