/*
 * Multi-sheet XLSX (table_book.h) through libxlsxwriter into a temp file that is read
 * back (once xlsx_check.h finds it whole) and removed, as table_write.c does for one
 * streamed sheet.
 */
#include "io/table_book.h"
#include <errno.h>
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

#define SHEET_NAME_MAX 31
#define BOOK_COLS 16

struct table_book {
	int failed;
	struct err err;
	char *path, *tmpdir;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *f_text, *f_header;
	lxw_row_t row;
	int sheets;
	unsigned width[BOOK_COLS];
};

static void book_fail(struct table_book *b, enum err_code code, const char *msg)
{
	if (!b->failed) {
		b->failed = 1;
		err_set(&b->err, code, "file", "xlsx", "%s", msg);
	}
}

static unsigned display_width(const char *s)
{
	unsigned w = 0;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			w += (unsigned char)*s >= 0x80 ? 2 : 1;
	return w;
}

struct table_book *table_book_new(void)
{
	struct table_book *b = xcalloc(1, sizeof(*b));
	lxw_workbook_options opt;
	const char *dir = getenv("TMPDIR");
	struct strbuf path = STRBUF_INIT;
	int fd;
	if (!dir || !*dir)
		dir = "/tmp";
	b->tmpdir = xstrdup(dir);
	strbuf_addf(&path, "%s/dangjian-book-XXXXXX", dir);
	fd = mkstemp(path.buf);
	if (fd < 0) {
		strbuf_release(&path);
		book_fail(b, E_IO, "无法创建临时文件");
		return b;
	}
	close(fd);
	b->path = strbuf_detach(&path, NULL);
	memset(&opt, 0, sizeof(opt));
	opt.tmpdir = b->tmpdir;
	b->wb = workbook_new_opt(b->path, &opt);
	if (!b->wb) {
		book_fail(b, E_IO, "无法创建 Excel 工作簿");
		return b;
	}
	b->f_text = workbook_add_format(b->wb);
	format_set_num_format(b->f_text, "@");
	b->f_header = workbook_add_format(b->wb);
	format_set_bold(b->f_header);
	format_set_pattern(b->f_header, LXW_PATTERN_SOLID);
	format_set_bg_color(b->f_header, 0xE7E6E6);
	format_set_bottom(b->f_header, LXW_BORDER_THIN);
	return b;
}

static void set_widths(struct table_book *b)
{
	int c;
	if (!b->ws)
		return;
	for (c = 0; c < BOOK_COLS; c++) {
		unsigned w = b->width[c] + 2;
		if (!b->width[c])
			continue;
		worksheet_set_column(b->ws, (lxw_col_t)c, (lxw_col_t)c, w < 8 ? 8 : w > 60 ? 60 : w, NULL);
	}
	memset(b->width, 0, sizeof(b->width));
}

void table_book_sheet(struct table_book *b, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t chars = 0;
	if (b->failed || !b->wb)
		return;
	set_widths(b);
	b->sheets++;
	for (p = name ? name : ""; *p; p++) {
		if ((*p & 0xC0) != 0x80 && chars++ == SHEET_NAME_MAX - 3)
			break;
		strbuf_addch(&sb, strchr("[]:*?/\\'", *p) ? '_' : *p);
	}
	if (!sb.len)
		strbuf_addf(&sb, "Sheet%d", b->sheets);
	b->ws = workbook_get_worksheet_by_name(b->wb, sb.buf) ? NULL : workbook_add_worksheet(b->wb, sb.buf);
	if (!b->ws) {
		strbuf_addf(&sb, "%d", b->sheets);
		b->ws = workbook_add_worksheet(b->wb, sb.buf);
	}
	if (!b->ws)
		book_fail(b, E_IO, "无法创建工作表");
	b->row = 0;
	strbuf_release(&sb);
}

static int plain_count(const char *s)
{
	size_t i;
	if (!s[0] || strlen(s) > 15 || (s[0] == '0' && s[1]))
		return 0;
	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void put_row(struct table_book *b, int ncells, const char *const *cells, lxw_format *f, int header)
{
	int c;
	lxw_error le = LXW_NO_ERROR;
	if (b->failed || !b->ws)
		return;
	for (c = 0; c < ncells && c < BOOK_COLS && le == LXW_NO_ERROR; c++) {
		const char *s = cells[c] ? cells[c] : "";
		unsigned w = display_width(s);
		if (w > b->width[c])
			b->width[c] = w;
		if (!header && plain_count(s))
			le = worksheet_write_number(b->ws, b->row, (lxw_col_t)c, strtod(s, NULL), NULL);
		else
			le = worksheet_write_string(b->ws, b->row, (lxw_col_t)c, s, f);
	}
	if (le != LXW_NO_ERROR)
		book_fail(b, E_INVALID, "单元格内容无法写入 Excel");
	b->row++;
}

void table_book_header(struct table_book *b, int ncells, const char *const *cells)
{
	put_row(b, ncells, cells, b->f_header, 1);
}

void table_book_row(struct table_book *b, int ncells, const char *const *cells)
{
	put_row(b, ncells, cells, b->f_text, 0);
}

int table_book_finish(struct table_book *b, char **out, size_t *out_len, struct err *e)
{
	FILE *f = NULL;
	struct stat sb;
	lxw_error le;
	int rc = 0;
	*out = NULL;
	*out_len = 0;
	if (!b->failed && !b->sheets)
		table_book_sheet(b, "Sheet1");
	if (b->failed) {
		rc = b->err.code;
		if (e)
			*e = b->err;
		goto out;
	}
	set_widths(b);
	le = workbook_close(b->wb);
	b->wb = NULL;
	if (le != LXW_NO_ERROR) {
		rc = err_set(e, E_IO, "file", "xlsx", "无法生成 Excel 文件：%s", lxw_strerror(le));
		goto out;
	}
	/*
	 * workbook_close does not see a full disk in its zip step: a part can be cut in a
	 * whole zip (xlsx_check.h); a book is small, so every part is read
	 */
	if ((rc = xlsx_check_xml_whole(b->path, e)))
		goto out;
	f = fopen(b->path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0) {
		rc = err_set(e, E_IO, "file", "xlsx", "无法读取生成的 Excel 文件：%s", strerror(errno));
		goto out;
	}
	if ((uintmax_t)sb.st_size > CAP_EXPORT_BYTES) {
		rc = err_set(e, E_TOOLARGE, "file", "too_large", "导出文件过大");
		goto out;
	}
	*out_len = (size_t)sb.st_size;
	*out = xmalloc(*out_len + 1);
	if (fread(*out, 1, *out_len, f) != *out_len) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		rc = err_set(e, E_IO, "file", "xlsx", "无法读取生成的 Excel 文件");
		goto out;
	}
	(*out)[*out_len] = '\0';
out:
	if (f)
		fclose(f);
	table_book_free(b);
	return rc;
}

void table_book_free(struct table_book *b)
{
	if (!b)
		return;
	if (b->wb)
		lxw_workbook_free(b->wb);
	if (b->path)
		unlink(b->path);
	free(b->path);
	free(b->tmpdir);
	free(b);
}
