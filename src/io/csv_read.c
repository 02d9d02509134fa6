/*
 * CSV import (libcsv), streaming: bytes go through iconv when needed, then libcsv, and
 * each record reaches the callback as soon as it ends. Also the format dispatch for
 * table_read_mem/table_read_file, since CSV is what is left when the data is no zip.
 *
 * Encoding: a UTF-8 BOM means UTF-8; a UTF-16 BOM ("Unicode text" from Excel) means
 * UTF-16; otherwise data that is valid UTF-8 is UTF-8 and anything else is GB18030,
 * which is what Excel and WPS in China write for "CSV (逗号分隔)" (a superset of GBK,
 * and ASCII-compatible). Deciding needs the whole input checked before the first row
 * goes out, so files are read twice rather than held in memory.
 */
#include "io/table.h"
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include "util/limits.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CSV_CHUNK (64u << 10)
/* iconv output per call: GB18030 -> UTF-8 grows at most 2x, UTF-16 -> UTF-8 1.5x */
#define CSV_OUTBUF (CSV_CHUNK * 2 + 64)
/*
 * libcsv grows one field's buffer without limit; refusing its realloc past this stops a
 * runaway field (a stray quote swallowing the rest of the file) early. Above
 * CAP_CELL_LEN because surrounding whitespace is trimmed afterwards.
 */
#define CSV_RAW_FIELD_MAX ((size_t)CAP_CELL_LEN * 4)

static const unsigned char ole2_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

enum csv_enc { ENC_UTF8, ENC_GB18030, ENC_UTF16 };

struct csv_reader {
	struct csv_parser parser;
	int parser_ok;
	iconv_t cd;              /* (iconv_t)-1 when the input is already UTF-8 */
	struct strbuf pending;   /* input not yet converted (an incomplete character) */
	char *outbuf;            /* iconv output, CSV_OUTBUF bytes */
	int sniffed;             /* delimiter decided from the first line */
	struct strbuf cells;     /* the current record's cells, each NUL-terminated */
	size_t *off;             /* start of each cell in cells.buf */
	size_t ncells, off_alloc;
	const char **ptrs;
	size_t ptrs_alloc;
	int row_no;              /* records ended so far, blank ones included */
	int last_term;           /* what ended the previous record: '\r', '\n' or -1 */
	int rc;                  /* first error or the callback's stop value */
	table_row_fn fn;
	void *arg;
	struct err *e;
};

/* An incremental UTF-8 validator (rejects overlongs, surrogates, > U+10FFFF). */
struct u8state {
	int need;                /* continuation bytes still expected */
	unsigned char lo, hi;    /* allowed range of the next continuation byte */
};

static int utf8_scan(struct u8state *s, const unsigned char *p, size_t n)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (s->need) {
			if (c < s->lo || c > s->hi) {
				rc = -1;
				goto out;
			}
			s->lo = 0x80;
			s->hi = 0xBF;
			s->need--;
			continue;
		}
		if (c < 0x80)
			continue;
		s->lo = 0x80;
		s->hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			s->need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			s->need = 2;
			if (c == 0xE0)
				s->lo = 0xA0;
			else if (c == 0xED)
				s->hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			s->need = 3;
			if (c == 0xF0)
				s->lo = 0x90;
			else if (c == 0xF4)
				s->hi = 0x8F;
		} else {
			rc = -1;
			goto out;
		}
	}
out:
	return rc;
}

/* The BOM decides; without one the caller checks UTF-8 validity. *skip: BOM bytes. */
static int bom_encoding(const unsigned char *p, size_t n, size_t *skip)
{
	int enc = -1;
	*skip = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		enc = ENC_UTF8;
		*skip = 3;
	} else if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		enc = ENC_UTF16;   /* iconv's "UTF-16" reads the BOM itself */
	}
	return enc;
}

static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void *csv_capped_realloc(void *p, size_t n)
{
	/* NULL makes libcsv stop with CSV_ENOMEM, reported as a too-long cell */
	return n > CSV_RAW_FIELD_MAX ? NULL : xrealloc(p, n);
}

static void on_field(void *s, size_t len, void *data)
{
	struct csv_reader *r = data;
	const char *p = s ? s : "";
	if (r->rc)
		goto out;
	if (memchr(p, '\0', len)) {
		r->rc = err_set(r->e, E_MALFORMED, "file", "binary",
				"第 %d 行含有空字符：文件不是文本格式的 CSV", r->row_no + 1);
		goto out;
	}
	while (len && is_ascii_space(p[len - 1]))
		len--;
	while (len && is_ascii_space(*p)) {
		p++;
		len--;
	}
	if (len > CAP_CELL_LEN) {
		r->rc = err_set(r->e, E_INVALID, "file", "cell_too_long",
				"第 %d 行第 %zu 列的内容超过 %d 字节", r->row_no + 1,
				r->ncells + 1, CAP_CELL_LEN);
		goto out;
	}
	if (r->ncells >= CAP_TABLE_COLS) {
		r->rc = err_set(r->e, E_INVALID, "file", "too_many_columns",
				"第 %d 行超过 %d 列", r->row_no + 1, CAP_TABLE_COLS);
		goto out;
	}
	ALLOC_GROW(r->off, r->ncells + 1, r->off_alloc);
	r->off[r->ncells++] = r->cells.len;
	strbuf_add(&r->cells, p, len);
	strbuf_addch(&r->cells, '\0');
out:
	return;
}

static void on_record(int term, void *data)
{
	struct csv_reader *r = data;
	size_t i, n;
	if (r->rc)
		goto out;
	/* CSV_REPALL_NL reports the LF of a CRLF as an empty record of its own */
	if (r->ncells == 0 && term == '\n' && r->last_term == '\r')
		goto out;
	r->row_no++;
	if (r->row_no > CAP_IMPORT_ROWS) {
		r->rc = err_set(r->e, E_TOOLARGE, "file", "too_many_rows",
				"文件超过 %d 行", CAP_IMPORT_ROWS);
		goto out;
	}
	n = r->ncells;
	while (n && r->cells.buf[r->off[n - 1]] == '\0')
		n--;
	if (!n)
		goto out;
	ALLOC_GROW(r->ptrs, n, r->ptrs_alloc);
	for (i = 0; i < n; i++)
		r->ptrs[i] = r->cells.buf + r->off[i];
	r->rc = r->fn(r->arg, r->row_no, (int)n, r->ptrs);
out:
	r->last_term = term;
	r->ncells = 0;
	strbuf_reset(&r->cells);
}

/*
 * Tab-separated text ("文本文件(制表符分隔)") is common enough to accept: the first line
 * decides, tab only when it has tabs and no comma. A line starting with a tab is a
 * one-column CSV whose cell carries our own text-keeping TAB, not a TSV.
 */
static void sniff_delimiter(struct csv_reader *r, const char *p, size_t n)
{
	size_t i, commas = 0, tabs = 0;
	int quoted = 0;
	for (i = 0; i < n && (quoted || (p[i] != '\n' && p[i] != '\r')); i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted && p[i] == ',')
			commas++;
		else if (!quoted && p[i] == '\t')
			tabs++;
	}
	if (tabs && !commas && n && p[0] != '\t')
		csv_set_delim(&r->parser, CSV_TAB);
	r->sniffed = 1;
}

static void reader_parse(struct csv_reader *r, const char *p, size_t n)
{
	size_t done;
	if (r->rc || !n)
		goto out;
	if (!r->sniffed)
		sniff_delimiter(r, p, n);
	done = csv_parse(&r->parser, p, n, on_field, on_record, r);
	if (done < n && !r->rc) {
		if (csv_error(&r->parser) == CSV_ENOMEM)
			r->rc = err_set(r->e, E_INVALID, "file", "cell_too_long",
					"第 %d 行的内容超过 %d 字节（可能有未闭合的引号）",
					r->row_no + 1, CAP_CELL_LEN);
		else
			r->rc = err_set(r->e, E_MALFORMED, "file", "csv",
					"第 %d 行的引号用法不正确（内容中的引号要写成两个，"
					"含逗号或换行的内容要整个放在引号内）", r->row_no + 1);
	}
out:
	return;
}

/* Convert what is pending; keep an incomplete trailing character for the next call. */
static void reader_convert(struct csv_reader *r)
{
	char *in = r->pending.buf;
	size_t inleft = r->pending.len;
	while (inleft && !r->rc) {
		char *out = r->outbuf;
		size_t outleft = CSV_OUTBUF;
		size_t k = iconv(r->cd, &in, &inleft, &out, &outleft);
		int saved = errno;
		reader_parse(r, r->outbuf, (size_t)(out - r->outbuf));
		if (k != (size_t)-1 || saved == EINVAL)
			break;
		if (saved != E2BIG)
			r->rc = err_set(r->e, E_MALFORMED, "file", "encoding",
					"第 %d 行附近有无法识别的字符：文件编码不是 UTF-8 或 GBK/GB18030",
					r->row_no + 1);
	}
	if (r->pending.alloc) {
		memmove(r->pending.buf, in, inleft);
		r->pending.len = inleft;
		r->pending.buf[inleft] = '\0';
	}
}

static void reader_feed(struct csv_reader *r, const char *p, size_t n)
{
	while (n && !r->rc) {
		size_t m = n < CSV_CHUNK ? n : CSV_CHUNK;
		if (r->cd == (iconv_t)-1) {
			reader_parse(r, p, m);
		} else {
			strbuf_add(&r->pending, p, m);
			reader_convert(r);
		}
		p += m;
		n -= m;
	}
}

static int reader_init(struct csv_reader *r, enum csv_enc enc, table_row_fn fn, void *arg,
		       struct err *e)
{
	int rc = 0;
	memset(r, 0, sizeof(*r));
	r->cd = (iconv_t)-1;
	r->last_term = -1;
	r->fn = fn;
	r->arg = arg;
	r->e = e;
	strbuf_init(&r->pending, 0);
	strbuf_init(&r->cells, 256);
	/*
	 * Strict: a stray quote is reported with its row instead of silently merging the
	 * rest of the file into one cell; Excel and WPS never write one. STRICT_FINI (which
	 * needs STRICT) does the same for a quote still open at the end.
	 */
	if (csv_init(&r->parser, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI |
			 CSV_APPEND_NULL) != 0) {
		rc = err_set(e, E_INTERNAL, "file", "csv", "CSV 解析器初始化失败");
		goto out;
	}
	r->parser_ok = 1;
	csv_set_realloc_func(&r->parser, csv_capped_realloc);
	if (enc != ENC_UTF8) {
		r->cd = iconv_open("UTF-8", enc == ENC_UTF16 ? "UTF-16" : "GB18030");
		if (r->cd == (iconv_t)-1) {
			rc = err_set(e, E_INTERNAL, "file", "encoding", "系统不支持 %s 编码转换",
				     enc == ENC_UTF16 ? "UTF-16" : "GB18030");
			goto out;
		}
		r->outbuf = xmalloc(CSV_OUTBUF);
	}
out:
	return rc;
}

static int reader_finish(struct csv_reader *r)
{
	if (!r->rc && r->cd != (iconv_t)-1) {
		char *out = r->outbuf;
		size_t outleft = CSV_OUTBUF;
		if (r->pending.len)
			r->rc = err_set(r->e, E_MALFORMED, "file", "encoding",
					"文件末尾有不完整的字符：文件编码不是 UTF-8 或 GBK/GB18030");
		else if (iconv(r->cd, NULL, NULL, &out, &outleft) != (size_t)-1)
			reader_parse(r, r->outbuf, (size_t)(out - r->outbuf));
	}
	if (!r->rc && csv_fini(&r->parser, on_field, on_record, r) != 0 && !r->rc)
		r->rc = err_set(r->e, E_MALFORMED, "file", "csv",
				"第 %d 行的引号没有闭合", r->row_no + 1);
	return r->rc;
}

static void reader_release(struct csv_reader *r)
{
	if (r->parser_ok)
		csv_free(&r->parser);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	strbuf_release(&r->pending);
	strbuf_release(&r->cells);
	free(r->outbuf);
	free(r->off);
	free(r->ptrs);
}

int table_read_csv_mem(const void *data, size_t len, table_row_fn fn, void *arg,
		       struct err *e)
{
	struct csv_reader r;
	struct u8state u = { 0, 0x80, 0xBF };
	const unsigned char *p = data;
	size_t skip;
	int enc = bom_encoding(p, len, &skip);
	int valid = utf8_scan(&u, p + skip, len - skip) == 0 && u.need == 0;
	int rc;
	if (enc == ENC_UTF8 && !valid) {
		memset(&r, 0, sizeof(r));
		r.cd = (iconv_t)-1;
		rc = err_set(e, E_MALFORMED, "file", "encoding",
			     "文件以 UTF-8 标记开头，但含有无效的 UTF-8 字节");
		goto out;
	}
	if (enc < 0)
		enc = valid ? ENC_UTF8 : ENC_GB18030;
	rc = reader_init(&r, (enum csv_enc)enc, fn, arg, e);
	if (rc)
		goto out;
	reader_feed(&r, (const char *)p + skip, len - skip);
	rc = reader_finish(&r);
out:
	reader_release(&r);
	return rc;
}

/* First pass over a file: the BOM, else whether it is all valid UTF-8. */
static int file_encoding(FILE *f, const char *path, int *enc, size_t *skip, struct err *e)
{
	struct u8state u = { 0, 0x80, 0xBF };
	unsigned char *buf = xmalloc(CSV_CHUNK);
	size_t n;
	int first = 1, valid = 1, rc = 0;
	*enc = -1;
	*skip = 0;
	while ((n = fread(buf, 1, CSV_CHUNK, f)) > 0) {
		size_t s = 0;
		if (first) {
			*enc = bom_encoding(buf, n, skip);
			s = *skip;
			first = 0;
		}
		if (*enc == ENC_UTF16)
			break;
		if (valid && utf8_scan(&u, buf + s, n - s) != 0)
			valid = 0;
		if (!valid && *enc < 0)
			break;   /* GB18030 is decided, no need to read on */
	}
	if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
		rc = err_set(e, E_IO, "file", "read", "无法读取文件 %s：%s", path, strerror(errno));
		goto out;
	}
	if (u.need)
		valid = 0;
	if (*enc == ENC_UTF8 && !valid)
		rc = err_set(e, E_MALFORMED, "file", "encoding",
			     "文件以 UTF-8 标记开头，但含有无效的 UTF-8 字节");
	else if (*enc < 0)
		*enc = valid ? ENC_UTF8 : ENC_GB18030;
out:
	free(buf);
	return rc;
}

int table_read_csv_file(const char *path, table_row_fn fn, void *arg, struct err *e)
{
	struct csv_reader r;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n, skip = 0;
	int enc, rc, inited = 0;
	f = fopen(path, "rb");
	if (!f) {
		rc = err_set(e, E_IO, "file", "open", "无法打开文件 %s：%s", path, strerror(errno));
		goto out;
	}
	rc = file_encoding(f, path, &enc, &skip, e);
	if (rc)
		goto out;
	rc = reader_init(&r, (enum csv_enc)enc, fn, arg, e);
	inited = 1;
	if (rc)
		goto out;
	buf = xmalloc(CSV_CHUNK);
	if (skip && fread(buf, 1, skip, f) != skip) {
		rc = err_set(e, E_IO, "file", "read", "无法读取文件 %s", path);
		goto out;
	}
	while (!r.rc && (n = fread(buf, 1, CSV_CHUNK, f)) > 0)
		reader_feed(&r, buf, n);
	if (!r.rc && ferror(f)) {
		rc = err_set(e, E_IO, "file", "read", "无法读取文件 %s：%s", path, strerror(errno));
		goto out;
	}
	rc = reader_finish(&r);
out:
	if (inited)
		reader_release(&r);
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

static int unsupported_xls(struct err *e)
{
	return err_set(e, E_INVALID, "file", "xls_unsupported",
		       "不支持 Excel 97-2003（.xls）、WPS（.et）或加密的工作簿，请在 Excel 中"
		       "另存为 .xlsx 或“CSV UTF-8”后再导入");
}

int table_read_mem(const void *data, size_t len, table_row_fn fn, void *arg, struct err *e)
{
	int rc;
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
		rc = table_read_xlsx_mem(data, len, fn, arg, e);
	else if (len >= sizeof(ole2_magic) && memcmp(data, ole2_magic, sizeof(ole2_magic)) == 0)
		rc = unsupported_xls(e);
	else
		rc = table_read_csv_mem(data, len, fn, arg, e);
	return rc;
}

int table_read_file(const char *path, table_row_fn fn, void *arg, struct err *e)
{
	unsigned char head[8];
	size_t n = 0;
	FILE *f = fopen(path, "rb");
	int rc;
	if (!f) {
		rc = err_set(e, E_IO, "file", "open", "无法打开文件 %s：%s", path, strerror(errno));
		goto out;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n >= 4 && memcmp(head, "PK\3\4", 4) == 0)
		rc = table_read_xlsx_file(path, fn, arg, e);
	else if (n == sizeof(ole2_magic) && memcmp(head, ole2_magic, sizeof(ole2_magic)) == 0)
		rc = unsupported_xls(e);
	else
		rc = table_read_csv_file(path, fn, arg, e);
out:
	return rc;
}
