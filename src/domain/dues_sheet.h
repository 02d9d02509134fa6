#ifndef DUES_SHEET_H
#define DUES_SHEET_H
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * 党费收缴表 (a month's collection sheet of a branch or a whole subtree) and 上缴汇总 (a
 * year's or a month's dues rolled up one level of the tree). Both read the 027 schema
 * and compute every member's due in bulk, in C, with the contract's definition
 * (docs/API.md "Dues"):
 *   due(member, M) = 0 "not_due" if M < dues_from; else an approved
 *   reduction covering M → its monthly_fen ("reduced"; 0 = "exempt"); else the
 *   dues_bases row with the greatest from_month <= M → its monthly_fen; else 0 "no_base".
 * A month is paid when a dues_months row exists (payment_id NULL: exempted). Only
 * members in state active/transferring are counted, placed where they are now.
 * A 党小组 as the org means its members (members.group_id; their org_path is the branch's).
 *
 * A handful of range queries over the subtree (members by org_path, their bases up to
 * the period's end, approved reductions overlapping it, dues_months of the period,
 * one-off payments collected in it), merged in memory: no per-member query and no
 * correlated subquery, so a town's sheet stays a few milliseconds.
 *
 * Reads only; 支部书记 their branch, admins their subtree (E_NOTFOUND outside scope,
 * E_FORBIDDEN for a plain member). Strings in the structs are owned by the struct and
 * freed by its _release.
 */

/* Months are integers y * 12 + (m - 1) (dues_month_parse in dues.h); the due rule is
 * dues_due_of (dues.h), evaluated on rows loaded here in bulk. */
const char *dues_sheet_method_name(const char *method); /* 现金 …; "" for NULL/unknown */

enum dues_row_status {
	DRS_NOT_DUE,   /* before dues_from */
	DRS_PAID,
	DRS_EXEMPT,    /* exempted month (a dues_months row without payment), or reduced to 0 */
	DRS_UNPAID,    /* due, past or current month, no row */
	DRS_FUTURE,    /* due, a month after the current one, no row */
	DRS_NO_BASE,   /* 未核定: no base applies and no reduction */
	DRS__COUNT
};
const char *dues_row_status_code(int s);   /* "paid" … */
const char *dues_row_status_name(int s);   /* 已交 … */

struct dues_sheet_row {
	int64_t member_id, org_id;
	const char *name, *org_name;   /* name owned by the sheet; org_name points into orgs */
	int kind;                      /* enum dues_kind; -1 without a base */
	int64_t base_fen, due_fen, paid_fen;
	int status;                    /* enum dues_row_status */
	int reduced;                   /* an approved reduction set due_fen */
	char paid_on[11], method[12];
	char *receipt_no;              /* NULL when none */
	int arrears_months;            /* as of ctx->today, over the member's whole history (as dues_arrears) */
};

struct dues_sheet_branch {             /* rows grouped by the member's org, in row order */
	int64_t org_id;
	const char *name;
	size_t first, count;           /* rows[first .. first + count) */
	int64_t due_fen, paid_fen, one_off_fen;
	int unpaid_members;
};

struct dues_one_off {
	int64_t payment_id, member_id, org_id;
	char *name;
	int64_t amount_fen;
	char paid_on[11], method[12];
	char *receipt_no;
};

struct dues_sheet_totals {
	int members, unpaid_members, no_base_members;
	int64_t due_fen, paid_fen, one_off_fen;
};

struct dues_sheet {
	int64_t org_id;
	char org_name[128];
	int month;                     /* ym */
	struct dues_sheet_row *rows;
	size_t nrows;
	struct dues_sheet_branch *branches;
	size_t nbranches;
	struct dues_one_off *one_offs;
	size_t none_offs;
	struct dues_sheet_totals totals;
	/* owned storage behind the pointers above */
	char **names;
	size_t nnames;
};

/* org_id 0: the actor's scope root. month: ym. */
int dues_sheet_load(struct ctx *ctx, int64_t org_id, int month, struct dues_sheet *out);
void dues_sheet_release(struct dues_sheet *s);
/* The GET /dues/sheet reply as JSON text appended to out. */
void dues_sheet_json(const struct dues_sheet *s, struct strbuf *out);

struct dues_remit_row {
	int64_t org_id;
	char *name;
	int self;                      /* the root org's own direct members */
	int members;
	int64_t due_fen, collected_fen, one_off_fen, arrears_fen;
};

struct dues_remittance {
	int64_t org_id;
	char org_name[128];
	int year, first, last;         /* the period: first..last (ym), one month or a year */
	int by_month;
	struct dues_remit_row *rows;
	size_t nrows;
	struct dues_remit_row totals;
};

/*
 * One row per direct child org (not dissolved, or still with members or money), and
 * the root itself first when it has direct members. Over the period: due_fen = Σ due,
 * collected_fen = Σ dues_months.paid_fen, arrears_fen = Σ due of the months before the
 * current one without a dues_months row, one_off_fen = one-off payments paid_on in the
 * period and collected in that subtree. So the year's figures are the sum of the
 * twelve monthly sheets. month: ym or -1 for the whole year.
 */
int dues_remittance_load(struct ctx *ctx, int64_t org_id, int year, int month, struct dues_remittance *out);
void dues_remittance_release(struct dues_remittance *r);
void dues_remittance_json(const struct dues_remittance *r, struct strbuf *out);
#endif
