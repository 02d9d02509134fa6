#ifndef MEMBER_IMPORT_H
#define MEMBER_IMPORT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "domain/ctx.h"
#include "domain/member.h"
#include "io/table.h"
/*
 * Members in and out as tables: the import of the lists clerks really have (CSV or
 * XLSX, flexible headers, all or nothing), its error report, the import template and
 * the export of a filtered list. The HTTP handlers (api/import_api.c) and the CLI
 * (`dangjian import members` / `dangjian export members`) share these functions.
 */

/* The columns of the national collection form, in its order (template and export). */
#define MEMBER_FORM_NCOLS 20
extern const char *const member_form_labels[MEMBER_FORM_NCOLS];

/* Where one listed error sits in the file, for the report: col is 0-based, -1 = none. */
struct import_mark {
	int row;
	int col;
};

/* Filled by member_import; the caller owns it: import_result_init / import_result_release. */
struct import_result {
	int64_t rows;             /* data rows read (blank rows and title rows not counted) */
	int64_t valid;            /* rows that passed every check */
	int64_t imported;         /* rows written: 0 on a dry run or when any row was bad */
	int64_t bad;              /* rows with an error, including any beyond the list cap */
	int truncated;            /* reading stopped at CAP_IMPORT_ERRORS listed errors */
	json_t *errors;           /* [{"row","column","value","reason","rule"}] in row order */
	struct import_mark *marks; /* parallel to errors */
	size_t nmarks, marks_alloc;
	int header_row;           /* row number of the header in the file (0: not found) */
	int ncols;                /* cells in the header row */
	char file_sha256[65];
};

void import_result_init(struct import_result *r);
void import_result_release(struct import_result *r);

/*
 * Import the member table in data (CSV or XLSX) all or nothing. org_id: the branch for
 * every row when the file has no 所在党支部 column (0 = none given), otherwise the
 * subtree in which the file's branch names and codes are looked up (0 = the actor's
 * scope). dry_run validates only. Every row is checked with member_prepare, and ID
 * numbers must be unique within the file and new to the registry.
 * Returns 0 (r->imported rows written, one audit entry "import"), E_INVALID with
 * r->errors non-empty when rows are bad (nothing written; ctx->err summarises), or
 * another code with ctx->err describing a file-level problem (no header, missing
 * column, unreadable file, store error).
 */
int member_import(struct ctx *ctx, int64_t org_id, const void *data, size_t len, int dry_run,
		  struct import_result *r);
/*
 * The error report for the failed import of data: the header and the file's rows with
 * an 错误原因 column and every bad cell marked red (only the bad rows when the file is
 * large). *out (free()) gets the XLSX file.
 */
int member_import_report_xlsx(const void *data, size_t len, const struct import_result *r, char **out,
			      size_t *out_len, struct err *e);
/* The import template: the form's header and one valid example row. *out: free(). */
int member_import_template(enum table_format fmt, char **out, size_t *out_len, struct err *e);
/*
 * The members matching f (all pages) in the form's columns with names for codes. ID
 * numbers and phones are masked: this version never exports plaintext personal data.
 * *out: free(). Errors in ctx->err.
 */
int member_export(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, int reveal, char **out,
		  size_t *out_len);
/* the same as an unlinked temp file: *fd (caller closes) holds *size bytes (table_writer_finish_fd) */
int member_export_fd(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, int reveal, int *fd,
		     int64_t *size);

/*
 * CLI: `dangjian import members FILE [--org ID] [--dry-run]`. Prints a summary, or one
 * line per bad row (第N行 列 值 原因). Returns the exit status: 0 imported (or valid on
 * a dry run), 1 rows with errors, 2 any other failure.
 */
int cli_import_members(struct ctx *ctx, const char *path, int64_t org_id, int dry_run, FILE *out);
/*
 * CLI: `dangjian export members [--org ID] [--format csv|xlsx]`: the file to out
 * (messages to stderr). Returns 0, or 2 on failure.
 */
int cli_export_members(struct ctx *ctx, int64_t org_id, const char *format, FILE *out);
#endif
