#ifndef IO_TABLE_H
#define IO_TABLE_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
/*
 * Tables in and out: the member lists clerks really have (CSV from Excel/WPS in UTF-8,
 * UTF-8 with BOM, GBK/GB18030 or UTF-16; XLSX from Excel, WPS and libraries), and every
 * list exported as XLSX or CSV.
 *
 * Reading streams: the callback sees one row at a time and nothing keeps the whole
 * table. Cells are NUL-terminated UTF-8, trimmed of surrounding ASCII whitespace; the
 * strings belong to the reader and are valid only during the callback (copy what you
 * keep). Rows whose cells are all empty are not delivered, but they still count in
 * row_no, so row_no is always the row number the clerk sees in Excel.
 */

/*
 * One row of cells as NUL-terminated UTF-8 strings; row_no is the 1-based row number
 * as the user sees it in Excel (or CSV line record number). Cells beyond the last
 * non-empty one are omitted (ncells >= 1). Return 0 to continue, nonzero to stop
 * (that value is returned from the reader).
 */
typedef int (*table_row_fn)(void *arg, int row_no, int ncells, const char *const *cells);

/*
 * Read a whole table: XLSX when the data starts with the zip signature "PK\3\4", else
 * CSV. Returns 0, the callback's nonzero value, or an err_code with e filled:
 * E_MALFORMED (not a readable CSV/XLSX), E_INVALID (a cell over CAP_CELL_LEN, a row over
 * CAP_TABLE_COLS, an old .xls file), E_TOOLARGE (more than CAP_IMPORT_ROWS rows, parts
 * over CAP_XLSX_XML / CAP_XLSX_SHARED), E_IO (table_read_file cannot read the file).
 * Messages are Chinese and name the row where there is one.
 */
int table_read_mem(const void *data, size_t len, table_row_fn fn, void *arg, struct err *e);
int table_read_file(const char *path, table_row_fn fn, void *arg, struct err *e);

/* The format-specific readers behind those two (also the fuzzing entry points). */
int table_read_csv_mem(const void *data, size_t len, table_row_fn fn, void *arg,
		       struct err *e);
int table_read_csv_file(const char *path, table_row_fn fn, void *arg, struct err *e);
int table_read_xlsx_mem(const void *data, size_t len, table_row_fn fn, void *arg,
			struct err *e);
int table_read_xlsx_file(const char *path, table_row_fn fn, void *arg, struct err *e);

/*
 * Writing. table_writer_new never fails; a failure on the way (a cell libxlsxwriter
 * refuses, more rows than a sheet holds, the temp file) is remembered and reported by
 * table_writer_finish. The writer copies what it needs from cells; the caller keeps
 * ownership of its strings.
 *
 * CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting. Cells Excel would run as a formula
 * (starting with = + @ TAB CR, or - unless the cell is a plain negative number) get a
 * leading apostrophe; all-digit cells of 12+ digits or with a leading zero get a
 * leading TAB so Excel keeps them as text (ID numbers would otherwise lose digits).
 * Our reader trims that TAB again.
 * XLSX: one sheet, every cell a text cell, built in a temp file under $TMPDIR (or /tmp)
 * in libxlsxwriter's constant-memory mode, so exports of any size stream to disk; CSV
 * goes to such a file too once it outgrows a small buffer.
 */
enum table_format { TABLE_CSV, TABLE_XLSX };
struct table_writer;

/* sheet_name may be NULL ("Sheet1"); characters Excel forbids become '_', cut to 31 */
struct table_writer *table_writer_new(enum table_format f, const char *sheet_name);
/* all cells written as text (ID numbers must never become numbers) */
void table_writer_row(struct table_writer *w, int ncells, const char *const *cells);
/* bold header row, frozen pane below it, column widths sized for CJK; call it first */
void table_writer_header(struct table_writer *w, int ncells, const char *const *cells);
/*
 * xlsx: the marked_col cell (0-based) gets a red fill, even when marked_col >= ncells
 * (an empty red cell shows where a value is missing); used in import error reports.
 * csv ignores the mark. marked_col < 0 marks nothing.
 */
void table_writer_row_marked(struct table_writer *w, int ncells, const char *const *cells,
			     int marked_col);
/*
 * The file, for a download of any size: on 0, *fd (the caller's to close) reads the whole
 * file from offset 0 and *size is its length. The file is a temp file under $TMPDIR (or
 * /tmp) that is already unlinked: closing fd frees its disk space. Frees w in every case.
 * Errors: E_TOOLARGE (over CAP_EXPORT_FILE_BYTES or 1,048,576 XLSX rows), E_INVALID (a
 * cell too long for Excel), E_IO (the temp file cannot be made or written: disk full).
 */
int table_writer_finish_fd(struct table_writer *w, int *fd, int64_t *size, struct err *e);
/*
 * The same file in memory: on 0, *out (NUL-terminated; caller frees with free()) and
 * *out_len. Frees w in every case. Errors as above, and E_TOOLARGE over CAP_EXPORT_BYTES.
 */
int table_writer_finish(struct table_writer *w, char **out, size_t *out_len, struct err *e);
/* abandon: frees w and removes its temp file; NULL is fine */
void table_writer_free(struct table_writer *w);
#endif
