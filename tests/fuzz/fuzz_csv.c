/*
 * libFuzzer harness: the CSV import reader (io/csv_read.c: encoding detection, iconv
 * from GB18030/UTF-16, delimiter sniffing, libcsv) through table_read_csv_mem, and the
 * format dispatch table_read_mem. Every delivered row is checked (fuzz_table.h).
 * Both readers work in 64 KiB chunks, so the input is also read once more with spaces
 * in front (after any BOM, in its encoding; the reader trims them off the first cell)
 * that put it across the first chunk boundary, from memory and from a file: the two
 * must deliver the same rows.
 */
#include <stdint.h>
#include <unistd.h>
#include "fuzz_table.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHUNK (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/dj-fuzz-csv-XXXXXX";

static void cleanup(void)
{
	unlink(path);
}

static int read_file(const void *buf, size_t len, struct fuzz_rows *st, struct err *e)
{
	FILE *f;
	static int fd = -2;
	if (fd == -2) {
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		abort();
	return table_read_csv_file(path, fuzz_row, st, e);
}

/* the input with spaces after its BOM so that its middle sits on the chunk boundary */
static uint8_t *straddle(const uint8_t *data, size_t size, size_t *out_len)
{
	size_t bom = 0, unit = 1, pad, i;
	int be = 0;
	uint8_t *buf;
	if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		bom = 3;
	else if (size >= 2 && !memcmp(data, "\xFF\xFE", 2))
		bom = 2, unit = 2;
	else if (size >= 2 && !memcmp(data, "\xFE\xFF", 2))
		bom = 2, unit = 2, be = 1;
	pad = CHUNK - bom - (size - bom) / 2;
	pad -= pad % unit;
	buf = xmalloc(size + pad);
	memcpy(buf, data, bom);
	for (i = 0; i < pad; i += unit) {
		if (unit == 1) {
			buf[bom + i] = ' ';
		} else {
			buf[bom + i] = be ? 0 : ' ';
			buf[bom + i + 1] = be ? ' ' : 0;
		}
	}
	memcpy(buf + bom + pad, data + bom, size - bom);
	*out_len = size + pad;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_rows st, fst;
	struct err e, fe;
	uint8_t *big;
	size_t len;
	int rc, frc;

	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	rc = table_read_csv_mem(data, size, fuzz_row, &st, &e);
	fuzz_check_rc(rc, &e);
	/* again through the dispatch, with the callback stopping the reader at row 2 */
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	st.stop_after = 2;
	rc = table_read_mem(data, size, fuzz_row, &st, &e);
	fuzz_check_rc(rc, &e);

	/* the long reads cost ~50 short ones: every fourth input (by length) gets them */
	if (size > CHUNK || size % 4)
		return 0;
	big = straddle(data, size, &len);
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	rc = table_read_csv_mem(big, len, fuzz_row, &st, &e);
	fuzz_check_rc(rc, &e);
	memset(&fst, 0, sizeof(fst));
	memset(&fe, 0, sizeof(fe));
	frc = read_file(big, len, &fst, &fe);
	fuzz_check_rc(frc, &fe);
	if (rc != frc || st.rows != fst.rows || st.hash != fst.hash) {
		fprintf(stderr, "memory: rc %d, %ld rows (%s); file: rc %d, %ld rows (%s)\n", rc, st.rows, e.message, frc,
			fst.rows, fe.message);
		abort();
	}
	free(big);
	return 0;
}
