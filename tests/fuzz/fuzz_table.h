/*
 * Shared by the table harnesses (fuzz_csv.c, fuzz_xlsx.c): the row callback checks what
 * io/table.h promises of every row, so a broken promise aborts like a crash does.
 */
#ifndef FUZZ_TABLE_H
#define FUZZ_TABLE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/table.h"
#include "util/limits.h"
#include "util/text.h"

struct fuzz_rows {
	int last_row;
	long rows;
	int stop_after;   /* > 0: the callback stops the reader after that many rows */
	uint64_t hash;    /* of every row delivered (row numbers and cells), to compare readers */
};

static void fuzz_hash(struct fuzz_rows *st, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	for (i = 0; i < n; i++)
		st->hash = (st->hash ^ b[i]) * 0x100000001b3ULL;
}

static int fuzz_row(void *arg, int row_no, int ncells, const char *const *cells)
{
	struct fuzz_rows *st = arg;
	int i;
	/* row numbers as the clerk sees them: increasing, 1-based */
	if (row_no <= st->last_row || ncells < 1 || ncells > CAP_TABLE_COLS) {
		fprintf(stderr, "fuzz_row: row %d after row %d, %d cells\n", row_no, st->last_row, ncells);
		abort();
	}
	st->last_row = row_no;
	for (i = 0; i < ncells; i++) {
		size_t n = strlen(cells[i]);
		if (n > CAP_CELL_LEN || !utf8_valid(cells[i], n))
			abort();
		/* trimmed of surrounding ASCII whitespace */
		if (n && (strchr(" \t\r\n", cells[i][0]) || strchr(" \t\r\n", cells[i][n - 1])))
			abort();
	}
	/* cells beyond the last non-empty one are omitted; all-empty rows are not delivered */
	if (!cells[ncells - 1][0])
		abort();
	fuzz_hash(st, &row_no, sizeof(row_no));
	for (i = 0; i < ncells; i++)
		fuzz_hash(st, cells[i], strlen(cells[i]) + 1);
	st->rows++;
	if (st->stop_after && st->rows >= st->stop_after)
		return 7;
	return 0;
}

/* A reader's result: 0, the callback's 7, or an error with a message. */
static void fuzz_check_rc(int rc, const struct err *e)
{
	if (rc && rc != 7 && (!e->code || !e->message[0]))
		abort();
}
#endif
