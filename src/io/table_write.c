/*
 * Export into an unlinked temp file that the download is sent from (table_writer_finish_fd),
 * or whose bytes are read back for the callers that want them in memory.
 * CSV: rows gather in a strbuf of CSV_CHUNK and go to the temp file from there, so a
 * province's list never sits in memory whole; a table that never fills one chunk stays
 * in memory when the caller wants bytes. XLSX: libxlsxwriter writes the file, in
 * constant-memory mode (rows stream to its own temp file, strings are written inline),
 * so a county-sized list does not keep a cell struct per cell; that mode needs rows in
 * order, which is how we write them. Column widths are only known at the end;
 * libxlsxwriter writes <cols> at close, so setting them in finish works in this mode too.
 */
#include "io/table.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "io/xlsx_check.h"
#include "util/limits.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SHEET_NAME_MAX 31        /* Excel's limit, in characters */
#define COL_WIDTH_MIN 8
#define COL_WIDTH_MAX 60
#define CSV_CHUNK (256u << 10)   /* CSV bytes gathered before a write to the temp file */

struct table_writer {
	enum table_format fmt;
	int failed;                  /* the first failure, kept for finish */
	struct err err;
	struct strbuf csv;           /* CSV not yet written to fd */
	int fd;                      /* CSV: the unlinked temp file; -1 until the first write */
	int64_t written;             /* CSV bytes in fd */
	char *path;                  /* XLSX temp file; removed by finish/free */
	char *tmpdir;                /* libxlsxwriter keeps this pointer until close */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *f_text, *f_header, *f_mark;
	lxw_row_t row;
	unsigned *width;             /* display width per column: ASCII 1, CJK 2 */
	size_t nwidth, width_alloc;
};

static void writer_fail(struct table_writer *w, enum err_code code, const char *rule,
			const char *msg, const char *detail)
{
	if (!w->failed) {
		w->failed = 1;
		err_set(&w->err, code, "file", rule, "%s%s", msg, detail ? detail : "");
	}
}

/* Display columns of one UTF-8 line as Excel sizes them: East Asian wide chars count 2. */
static unsigned display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned line = 0, best = 0;
	while (*p) {
		unsigned cp = *p, n = 0, i;
		if (*p == '\n') {
			line = 0;
			p++;
			continue;
		}
		if (*p >= 0xF0)
			n = 3, cp = *p & 0x07;
		else if (*p >= 0xE0)
			n = 2, cp = *p & 0x0F;
		else if (*p >= 0xC0)
			n = 1, cp = *p & 0x1F;
		p++;
		for (i = 0; i < n && (*p & 0xC0) == 0x80; i++)
			cp = (cp << 6) | (*p++ & 0x3F);
		line += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
			(cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
			(cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
			(cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD) ? 2 : 1;
		if (line > best)
			best = line;
	}
	return best;
}

/* Excel refuses []:*?/\ in sheet names, an apostrophe at either end, and > 31 chars. */
static char *sheet_name_clean(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t chars = 0;
	for (p = name ? name : ""; *p; p++) {
		/* stop before the 32nd character, never inside one */
		if ((*p & 0xC0) != 0x80 && chars++ == SHEET_NAME_MAX)
			break;
		strbuf_addch(&sb, strchr("[]:*?/\\", *p) ? '_' : *p);
	}
	while (sb.len && sb.buf[sb.len - 1] == '\'')
		sb.buf[--sb.len] = '\0';
	while (sb.len && sb.buf[0] == '\'') {
		memmove(sb.buf, sb.buf + 1, sb.len);
		sb.len--;
	}
	if (!sb.len)
		strbuf_addstr(&sb, "Sheet1");
	return strbuf_detach(&sb, NULL);
}

static const char *temp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

/* A new file under temp_dir(): its fd and *path (caller frees), or -1 with the failure remembered. */
static int temp_open(struct table_writer *w, char **path)
{
	struct strbuf sb = STRBUF_INIT;
	int fd;
	*path = NULL;
	strbuf_addf(&sb, "%s/dangjian-export-XXXXXX", temp_dir());
	fd = mkstemp(sb.buf);
	if (fd < 0)
		writer_fail(w, E_IO, "tmpfile", "无法创建临时文件：", strerror(errno));
	else
		*path = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return fd;
}

static void xlsx_open(struct table_writer *w, const char *sheet_name)
{
	lxw_workbook_options opt;
	char *clean = sheet_name_clean(sheet_name);
	int fd;
	w->tmpdir = xstrdup(temp_dir());
	if ((fd = temp_open(w, &w->path)) < 0)
		goto out;
	close(fd);
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = w->tmpdir;
	w->wb = workbook_new_opt(w->path, &opt);
	if (!w->wb) {
		writer_fail(w, E_IO, "xlsx", "无法创建 Excel 工作簿", NULL);
		goto out;
	}
	w->ws = workbook_add_worksheet(w->wb, clean);
	if (!w->ws)
		w->ws = workbook_add_worksheet(w->wb, NULL);
	if (!w->ws) {
		writer_fail(w, E_IO, "xlsx", "无法创建工作表", NULL);
		goto out;
	}
	/* "@" (Text) keeps edited cells as text too: an ID typed over stays an ID */
	w->f_text = workbook_add_format(w->wb);
	format_set_num_format(w->f_text, "@");
	w->f_header = workbook_add_format(w->wb);
	format_set_num_format(w->f_header, "@");
	format_set_bold(w->f_header);
	format_set_pattern(w->f_header, LXW_PATTERN_SOLID);
	format_set_bg_color(w->f_header, 0xE7E6E6);
	format_set_bottom(w->f_header, LXW_BORDER_THIN);
	/* Excel's own "Bad" cell style: light red fill, dark red text */
	w->f_mark = workbook_add_format(w->wb);
	format_set_num_format(w->f_mark, "@");
	format_set_pattern(w->f_mark, LXW_PATTERN_SOLID);
	format_set_bg_color(w->f_mark, 0xFFC7CE);
	format_set_font_color(w->f_mark, 0x9C0006);
out:
	free(clean);
}

struct table_writer *table_writer_new(enum table_format f, const char *sheet_name)
{
	struct table_writer *w = xcalloc(1, sizeof(*w));
	w->fmt = f;
	w->fd = -1;
	strbuf_init(&w->csv, 0);
	if (f == TABLE_CSV)
		strbuf_addstr(&w->csv, "\xEF\xBB\xBF");   /* Excel reads BOM-less CSV as GBK */
	else
		xlsx_open(w, sheet_name);
	return w;
}

/* Plain numbers ("-12", "-3.5") are not formulas even though they start with '-'. */
static int is_plain_number(const char *s)
{
	int digits = 0, dots = 0, other = 0;
	for (; *s && !other; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && !dots)
			dots++;
		else
			other = 1;
	}
	return digits > 0 && !other;
}

/* What Excel would run as a formula when it opens the CSV (CSV injection). */
static int formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
	       (s[0] == '-' && s[1] && !is_plain_number(s + 1));
}

/* Digit strings Excel would turn into a number and damage (15-digit precision, lost 0s). */
static int fragile_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n == strlen(s) && (n >= 12 || (n >= 2 && s[0] == '0'));
}

static void csv_cell(struct strbuf *sb, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		strbuf_addch(sb, '"');
	if (formula_like(s))
		strbuf_addch(sb, '\'');
	else if (fragile_digits(s))
		strbuf_addch(sb, '\t');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

/* all of len bytes to fd; -1 with errno on a failure (ENOSPC, EFBIG, EIO) */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The gathered CSV to the temp file, made (and unlinked at once) on the first call. */
static void csv_flush(struct table_writer *w)
{
	char *path = NULL;
	if (w->fd < 0 && (w->fd = temp_open(w, &path)) >= 0)
		unlink(path);   /* nothing to clean up after a crash: the fd is the only way in */
	free(path);
	if (w->fd >= 0 && write_all(w->fd, w->csv.buf, w->csv.len))
		writer_fail(w, E_IO, "tmpfile", "无法写入临时文件：", strerror(errno));
	w->written += (int64_t)w->csv.len;
	strbuf_reset(&w->csv);
}

static void csv_row(struct table_writer *w, int ncells, const char *const *cells)
{
	int c;
	for (c = 0; c < ncells; c++) {
		if (c)
			strbuf_addch(&w->csv, ',');
		csv_cell(&w->csv, cells[c] ? cells[c] : "");
	}
	strbuf_addstr(&w->csv, "\r\n");
	if ((uint64_t)w->written + w->csv.len > CAP_EXPORT_FILE_BYTES)
		writer_fail(w, E_TOOLARGE, "too_large", "导出文件过大，请缩小范围后再导出", NULL);
	else if (w->csv.len >= CSV_CHUNK)
		csv_flush(w);
}

/*
 * libxlsxwriter escapes control characters as _xHHHH_ but leaves text that already
 * looks like such an escape alone, so Excel would decode it; OOXML's escape for the
 * underscore (_x005F_) keeps it literal. NULL when s needs nothing; caller frees.
 */
static char *ooxml_escape_underscores(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int found = 0;
	for (p = s; *p; p++) {
		if (p[0] == '_' && p[1] == 'x' && strspn(p + 2, "0123456789abcdefABCDEF") >= 4 &&
		    p[6] == '_') {
			strbuf_addstr(&sb, "_x005F");
			found = 1;
		}
		strbuf_addch(&sb, *p);
	}
	if (!found)
		strbuf_release(&sb);
	return found ? strbuf_detach(&sb, NULL) : NULL;
}

static void xlsx_row(struct table_writer *w, int ncells, const char *const *cells,
		     int marked_col, int header)
{
	int c, last = ncells > marked_col ? ncells : marked_col + 1;
	if (w->row >= LXW_ROW_MAX) {
		writer_fail(w, E_TOOLARGE, "too_large",
			    "导出超过 Excel 的 1048576 行上限，请改用 CSV 或缩小范围", NULL);
		goto out;
	}
	if (last > CAP_TABLE_COLS) {
		writer_fail(w, E_TOOLARGE, "too_large", "导出超过 Excel 的 16384 列上限", NULL);
		goto out;
	}
	ALLOC_GROW(w->width, (size_t)last, w->width_alloc);
	for (c = (int)w->nwidth; c < last; c++)
		w->width[c] = 0;
	if ((size_t)last > w->nwidth)
		w->nwidth = (size_t)last;
	for (c = 0; c < last; c++) {
		const char *s = c < ncells && cells[c] ? cells[c] : "";
		lxw_format *f = c == marked_col ? w->f_mark : header ? w->f_header : w->f_text;
		unsigned dw = display_width(s) + (header ? 2 : 0);   /* bold + filter arrow */
		lxw_error le;
		char *escaped;
		if (!*s && f == w->f_text)
			continue;
		escaped = ooxml_escape_underscores(s);
		le = worksheet_write_string(w->ws, w->row, (lxw_col_t)c, escaped ? escaped : s, f);
		free(escaped);
		if (le != LXW_NO_ERROR) {
			writer_fail(w, le == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? E_INVALID : E_IO,
				    "xlsx", "无法写入 Excel 单元格：", lxw_strerror(le));
			goto out;
		}
		if (dw > w->width[c])
			w->width[c] = dw;
	}
	w->row++;
out:
	return;
}

static void writer_put(struct table_writer *w, int ncells, const char *const *cells,
		       int marked_col, int header)
{
	/* after a failure rows are dropped: finish reports the first failure */
	if (!w->failed && w->fmt == TABLE_CSV)
		csv_row(w, ncells, cells);
	else if (!w->failed)
		xlsx_row(w, ncells, cells, marked_col, header);
}

void table_writer_row(struct table_writer *w, int ncells, const char *const *cells)
{
	writer_put(w, ncells, cells, -1, 0);
}

void table_writer_row_marked(struct table_writer *w, int ncells, const char *const *cells,
			     int marked_col)
{
	writer_put(w, ncells, cells, marked_col, 0);
}

void table_writer_header(struct table_writer *w, int ncells, const char *const *cells)
{
	writer_put(w, ncells, cells, -1, 1);
	if (!w->failed && w->fmt == TABLE_XLSX)
		worksheet_freeze_panes(w->ws, w->row, 0);
}

/*
 * libxlsxwriter does not check the writes to its own temp files: on a full disk it zips
 * what made it there and reports success. So: its rows file must have taken every row
 * (checked before close), and in the package no part may be empty nor the sheet shorter
 * than those rows (checked after, by xlsx_check.h).
 */
static int xlsx_rows_written(struct table_writer *w, int64_t *rows_len, struct err *e)
{
	FILE *rows = w->ws->optimize_tmpfile;
	off_t len = 0;
	int rc = 0;
	if (rows && (fflush(rows) != 0 || ferror(rows) || (len = ftello(rows)) < 0))
		rc = err_set(e, E_IO, "file", "tmpfile", "无法写入临时文件：%s", strerror(errno));
	*rows_len = (int64_t)len;
	return rc;
}

/* Close the workbook and open the file it wrote; free() unlinks it. */
static int xlsx_close(struct table_writer *w, int *fd, struct err *e)
{
	int64_t rows_len = 0;
	lxw_error le;
	size_t c;
	int rc = xlsx_rows_written(w, &rows_len, e);
	for (c = 0; c < w->nwidth; c++) {
		unsigned width = w->width[c] + 2;
		if (width < COL_WIDTH_MIN)
			width = COL_WIDTH_MIN;
		if (width > COL_WIDTH_MAX)
			width = COL_WIDTH_MAX;
		worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
	}
	le = workbook_close(w->wb);   /* frees the workbook whatever it returns */
	w->wb = NULL;
	if (rc)
		goto out;
	if (le != LXW_NO_ERROR)
		rc = err_set(e, E_IO, "file", "xlsx", "无法生成 Excel 文件：%s", lxw_strerror(le));
	else if (!(rc = xlsx_check_parts(w->path, "xl/worksheets/sheet1.xml", rows_len, e)) &&
		 (*fd = open(w->path, O_RDONLY)) < 0)
		rc = err_set(e, E_IO, "file", "xlsx", "无法读取生成的 Excel 文件：%s", strerror(errno));
out:
	return rc;
}

int table_writer_finish_fd(struct table_writer *w, int *fd, int64_t *size, struct err *e)
{
	struct stat sb;
	int rc = 0;
	*fd = -1;
	*size = 0;
	if (!w->failed && w->fmt == TABLE_CSV)
		csv_flush(w);
	if (w->failed) {
		rc = w->err.code;
		if (e)
			*e = w->err;
		goto out;
	}
	if (w->fmt == TABLE_CSV) {
		*fd = w->fd;
		w->fd = -1;
	} else if ((rc = xlsx_close(w, fd, e))) {
		goto out;
	}
	if (fstat(*fd, &sb) != 0) {
		rc = err_set(e, E_IO, "file", "tmpfile", "无法读取生成的文件：%s", strerror(errno));
		goto out;
	}
	*size = (int64_t)sb.st_size;
	if ((uint64_t)*size > CAP_EXPORT_FILE_BYTES)
		rc = err_set(e, E_TOOLARGE, "file", "too_large", "导出文件过大，请缩小范围后再导出");
out:
	if (rc && *fd >= 0) {
		close(*fd);
		*fd = -1;
		*size = 0;
	}
	table_writer_free(w);   /* unlinks the XLSX file: from here the fd is the only way to it */
	return rc;
}

/* size bytes of fd from offset 0 into *out (NUL-terminated, free()) */
static int read_whole(int fd, int64_t size, char **out, size_t *out_len, struct err *e)
{
	size_t got = 0;
	int rc = 0;
	if ((uint64_t)size > CAP_EXPORT_BYTES) {
		rc = err_set(e, E_TOOLARGE, "file", "too_large", "导出文件过大，请缩小范围后再导出");
		goto out;
	}
	*out = xmalloc((size_t)size + 1);
	while (got < (size_t)size) {
		ssize_t n = pread(fd, *out + got, (size_t)size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)size) {
		free(*out);
		*out = NULL;
		rc = err_set(e, E_IO, "file", "tmpfile", "无法读取生成的文件");
		goto out;
	}
	(*out)[got] = '\0';
	*out_len = got;
out:
	return rc;
}

int table_writer_finish(struct table_writer *w, char **out, size_t *out_len, struct err *e)
{
	int64_t size = 0;
	int fd = -1, rc = 0;
	*out = NULL;
	*out_len = 0;
	if (!w->failed && w->fmt == TABLE_CSV && w->fd < 0) {
		/* never filled a chunk: the whole table is still here */
		*out = strbuf_detach(&w->csv, out_len);
		table_writer_free(w);
		goto out;
	}
	if ((rc = table_writer_finish_fd(w, &fd, &size, e)))
		goto out;
	rc = read_whole(fd, size, out, out_len, e);
	close(fd);
out:
	return rc;
}

void table_writer_free(struct table_writer *w)
{
	if (!w)
		goto out;
	if (w->wb)
		lxw_workbook_free(w->wb);   /* abandon without writing the file */
	if (w->path)
		unlink(w->path);
	if (w->fd >= 0)
		close(w->fd);
	strbuf_release(&w->csv);
	free(w->path);
	free(w->tmpdir);
	free(w->width);
	free(w);
out:
	return;
}
