#ifndef DUES_SHEET_INTERNAL_H
#define DUES_SHEET_INTERNAL_H
#include <stdint.h>
#include "domain/dues.h"
#include "domain/dues_sheet.h"
#include "domain/org.h"
/*
 * The bulk loader behind the 收缴表 and the 上缴汇总 (dues_sheet_load.c), shared by
 * dues_sheet.c and dues_remit.c only: a subtree's current members, and those it held in
 * the period before a transfer (struct sl_move), with their dues facts for a period, read with a few range queries into flat arrays indexed by member
 * (struct sl_mem; its plan points into the loader's base and reduction rows), so the
 * contract's due rule (dues_due_of) runs in C. Everything is owned by the loader and
 * freed by sheet_loader_release.
 */
#define SHEET_MEMBER_STATES "m.state IN ('active', 'transferring')"

enum { SHEET_PERIOD_MAX = 12 };

struct sl_base {
	int mi;
	struct dues_base_row row;
};

struct sl_reduction {
	int mi;
	struct dues_reduction_row row;
};

struct sl_month {                      /* a dues_months row of the period */
	int mi, month;
	int64_t paid_fen;
	int exempt;                    /* payment_id NULL */
	char *org_path;                /* where the row was collected (only for members with moves) */
	char paid_on[11], method[12];
	char *receipt_no;
};

struct sl_past {                       /* a row under an approved reduction to 0, before the current month */
	int mi, month;
};

/*
 * A confirmed transfer (or one out of the system, status 'sent') touching the subtree, in
 * effect from its month on: the rule is "the branch that held the member on the last day
 * of the month", so the old branch holds the member up to the month before the letter was
 * confirmed (sent, for one out of the system) and the new one from that month on.
 */
struct sl_move {
	int64_t member_id, from_org, to_org;   /* to_org 0: out of the system */
	int mi, month, seq;
	char *from_path, *to_path;             /* to_path "" out of the system */
};

struct sl_mem {
	int64_t id, org_id;
	char *name, *path;
	int current;                   /* a current member of the subtree (else only there through moves) */
	int moves_first, moves_n;      /* rows in moves[], by month */
	struct dues_plan plan;
	int paid_rows;                 /* dues_months rows from dues_from to the current month (sheet only) */
	int past_first, past_n;        /* rows in past[]: those under an approved reduction to 0 */
};

struct sl_org {
	int64_t id;
	char *name;
};

struct sheet_loader {
	struct ctx *ctx;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	int first, last, current;
	int count_rows;                /* load_members also counts each member's rows (arrears) */
	int64_t group_id;              /* a 党小组 as the root: its branch's range, its members only */
	struct sl_mem *mems;
	size_t nmems, amems;
	struct sl_id {
		int64_t id;
		int idx;
	} *by_id;                      /* member ids with their index, sorted by id */
	struct sl_base *bases;
	size_t nbases, abases;
	struct dues_base_row *base_rows;        /* bases[].row in member order, for the plans */
	struct sl_reduction *reds;
	size_t nreds, areds;
	struct dues_reduction_row *red_rows;
	struct sl_month *months;
	size_t nmonths, amonths;
	struct sl_past *past;
	size_t npast, apast;
	struct sl_move *moves;
	size_t nmoves, amoves;
	char *extra_ids;               /* "m.id IN (...)": members moved out of the subtree, or NULL */
	struct sl_org *orgs;
	size_t norgs, aorgs;
};

/* the scope check and the root (org_id 0: the actor's scope root); E_FORBIDDEN for a 党员 */
int sheet_open_root(struct ctx *ctx, int64_t org_id, struct org *root);
/* members of root's subtree (a 党小组: its members) for months first..last; with
 * count_rows also each member's dues_months rows for the arrears */
int sheet_loader_open(struct sheet_loader *l, struct ctx *ctx, const struct org *root, int first, int last, int count_rows);
void sheet_loader_release(struct sheet_loader *l);
int sheet_load_bases(struct sheet_loader *l);
int sheet_load_reductions(struct sheet_loader *l);
/* the period's dues_months rows; details: with the payment's date, method, receipt */
int sheet_load_months(struct sheet_loader *l, int details);
/* rows under approved reductions to 0 (before the current month) */
int sheet_load_past(struct sheet_loader *l);
int sheet_load_org_names(struct sheet_loader *l);
const char *sheet_org_name(const struct sheet_loader *l, int64_t id);
/* the org (id, path) that held m on the last day of month, if it is in the subtree: 1, else 0 */
int sheet_held_at(const struct sheet_loader *l, const struct sl_mem *m, int month, int64_t *org_id, const char **path);
/* indexes of the members held in the subtree on the last day of month, in tree order, then by name (*n of them; free it) */
int *sheet_members_at(const struct sheet_loader *l, int month, size_t *n);
/* the member index of id, or -1 */
int sheet_find_member(const struct sheet_loader *l, int64_t id);
/* months in arrears as dues_arrears counts them (needs count_rows and sheet_load_past) */
int sheet_arrears_months(const struct sheet_loader *l, const struct sl_mem *m);
/* due(member, month) as a sheet status (DRS_UNPAID: something due, paid or not) */
int64_t sheet_due_at(const struct sl_mem *m, int month, int *status, int *reduced);
/* one-off payments collected in the subtree with paid_on in the period: columns id,
 * member_id, org_id, name, amount_fen, paid_on, method, receipt_no, org_path */
struct stmt *sheet_prepare_one_offs(struct sheet_loader *l, char from[11], char to[11]);
/* reset st; 0 when the steps ended in STEP_DONE */
int sheet_finish(struct sheet_loader *l, struct stmt *st, int step);
#endif
