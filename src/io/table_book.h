#ifndef IO_TABLE_BOOK_H
#define IO_TABLE_BOOK_H
#include <stddef.h>
#include "util/err.h"
/*
 * An XLSX workbook of several small sheets (党内统计: a sheet per table). table.h's
 * writer streams one sheet of any size; this one keeps whole sheets in libxlsxwriter's
 * memory, which suits a few dozen rows per sheet. Cells whose text is a plain
 * non-negative integer are written as numbers (figures to add up), everything else as
 * text. Failures are remembered and reported by table_book_finish, like table.h.
 */
struct table_book;

struct table_book *table_book_new(void);
/* a new sheet (name cleaned as table.h does, made unique); rows go to it from now on */
void table_book_sheet(struct table_book *b, const char *name);
void table_book_header(struct table_book *b, int ncells, const char *const *cells);
void table_book_row(struct table_book *b, int ncells, const char *const *cells);
/* the file in memory (*out freed by the caller with free()); frees b in every case */
int table_book_finish(struct table_book *b, char **out, size_t *out_len, struct err *e);
void table_book_free(struct table_book *b);
#endif
