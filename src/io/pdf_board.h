#ifndef PDF_BOARD_H
#define PDF_BOARD_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
/*
 * 党务公开栏 as a printable sheet: one A3 portrait page (more when a long branch needs
 * them) drawn with cairo + pango in Noto Sans/Serif CJK SC, with a QR code (libqrencode)
 * to the board's public URL. The io layer sees only this plain struct of public fields,
 * filled by domain/board.c (which also renders the same struct as the board's JSON): a
 * field that is not here cannot leak onto the board.
 *
 * Ownership: the struct and every string and array it points to belong to whoever filled
 * it (board_doc_release in domain/board.h); pdf_board_render only reads.
 */
#define BOARD_MONTHS 12

enum board_dues_mark {
	BOARD_DUES_BLANK = 0,   /* not due yet, before dues_from, or no start month */
	BOARD_DUES_PAID,        /* a dues_months row exists */
	BOARD_DUES_UNPAID,      /* before the current month, from dues_from on, and no row */
};

struct board_member {
	int64_t id;
	const char *name;
	unsigned char dues[BOARD_MONTHS];      /* enum board_dues_mark per month of the year */
	int has_photo;
	const unsigned char *photo;            /* JPEG or PNG bytes for the PDF; NULL draws the initial avatar */
	size_t photo_len;
	const char *photo_mime;                /* "image/jpeg" | "image/png" */
};

struct board_rank {
	int rank;
	const char *name;
	int score_x10;
};

struct board_plan_month {
	const char *topic;      /* NULL or "": nothing planned */
	int held;               /* a 主题党日 was recorded in that month */
};

struct board_ledger_entry {
	const char *date, *action, *stage_name, *note;
};

struct board_project {
	const char *name, *stage_name, *type_name;
	int year;
	struct board_ledger_entry *ledger;
	size_t n_ledger;
};

struct board_promise {
	const char *holder, *title, *category, *due_on, *status, *done_on;
};

struct board_doc {
	const char *org_name;
	const char *notice;
	const char *url;                 /* the public URL for the QR code; "" draws none */
	int year, month;                 /* the year shown and today's month (1..12) */
	char today[11];
	int show_dues, show_points, show_appraisal;

	struct board_member *members;
	size_t n_members;

	int has_points;                  /* points on for the org and shown */
	char points_period[8];
	struct board_rank *ranks;
	size_t n_ranks;

	int has_appraisal;               /* a closed 民主评议 round exists and is shown */
	int appraisal_year;
	int grades[4];                   /* 优秀, 合格, 基本合格, 不合格 */
	int graded;
	const char **excellent;          /* names */
	size_t n_excellent;

	struct board_plan_month plan[BOARD_MONTHS];
	int has_plan;

	struct board_project *projects;
	size_t n_projects;
	struct board_promise *promises;
	size_t n_promises;

	/* the filler's bookkeeping (domain/board.c): every allocation above, freed at release */
	void **owned;
	size_t n_owned, cap_owned;
};

/* The QR code of text as a PNG (black on white, a quiet zone of 4 modules, scale px per module) into *out
 * (malloc'd, caller frees); E_INVALID when text does not fit a QR code. */
int qr_png(const char *text, int scale, char **out, size_t *len, struct err *e);
/* The PDF bytes of the board into *out (malloc'd, caller frees); E_INTERNAL on a cairo failure. */
int pdf_board_render(const struct board_doc *d, char **out, size_t *len, struct err *e);
#endif
