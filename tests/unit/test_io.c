/* Unit tests for src/io: CSV/XLSX import, CSV/XLSX export and the check of written XLSX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include "io/table.h"
#include "io/table_book.h"
#include "io/xlsx_check.h"
#include "util/limits.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Rows as "row_no:cell|cell\n" so a whole table compares as one string. */
struct collect {
	struct strbuf sb;
	int calls;
	int stop_after;
};

static int collect_row(void *arg, int row_no, int ncells, const char *const *cells)
{
	struct collect *c = arg;
	int i;
	assert_true(ncells >= 1);
	assert_non_null(cells[ncells - 1]);
	assert_true(cells[ncells - 1][0] != '\0');   /* trailing empties are dropped */
	strbuf_addf(&c->sb, "%d:", row_no);
	for (i = 0; i < ncells; i++) {
		if (i)
			strbuf_addch(&c->sb, '|');
		strbuf_addstr(&c->sb, cells[i]);
	}
	strbuf_addch(&c->sb, '\n');
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after ? 42 : 0;
}

static int read_mem(const void *data, size_t len, struct collect *c, struct err *e)
{
	strbuf_init(&c->sb, 0);
	c->calls = 0;
	c->stop_after = 0;
	err_clear(e);
	return table_read_mem(data, len, collect_row, c, e);
}

static void expect_rows(const void *data, size_t len, const char *want)
{
	struct collect c = { STRBUF_INIT, 0, 0 };
	struct err e;
	int rc = read_mem(data, len, &c, &e);
	if (rc)
		fail_msg("rc %d: %s", rc, e.message);
	assert_string_equal(c.sb.buf, want);
	strbuf_release(&c.sb);
}

static void expect_error(const void *data, size_t len, int code, const char *in_message)
{
	struct collect c = { STRBUF_INIT, 0, 0 };
	struct err e;
	int rc = read_mem(data, len, &c, &e);
	assert_int_equal(rc, code);
	assert_int_equal(e.code, code);
	if (in_message && !strstr(e.message, in_message))
		fail_msg("message \"%s\" lacks \"%s\"", e.message, in_message);
	strbuf_release(&c.sb);
}

#define EXPECT_ROWS(lit, want) expect_rows(lit, sizeof(lit) - 1, want)

/* ---------------- CSV ---------------- */

static void test_csv_bom_crlf(void **state)
{
	(void)state;
	EXPECT_ROWS("\xEF\xBB\xBF姓名,性别,公民身份号码\r\n张三,男,11010519491231002X\r\n",
		    "1:姓名|性别|公民身份号码\n2:张三|男|11010519491231002X\n");
	/* no BOM, no final newline */
	EXPECT_ROWS("a,b\nc,d", "1:a|b\n2:c|d\n");
}

static void test_csv_gbk(void **state)
{
	(void)state;
	/* "张三,男\r\n李四,女" in GBK, as Excel in China saves "CSV (逗号分隔)" */
	EXPECT_ROWS("\xD5\xC5\xC8\xFD,\xC4\xD0\r\n\xC0\xEE\xCB\xC4,\xC5\xAE",
		    "1:张三|男\n2:李四|女\n");
}

static void test_csv_quoted(void **state)
{
	(void)state;
	EXPECT_ROWS("name,addr\r\n\"张三\",\"北京市,海淀区\r\n中关村\"\r\n李四,\"say \"\"hi\"\"\"\r\n",
		    "1:name|addr\n2:张三|北京市,海淀区\r\n中关村\n3:李四|say \"hi\"\n");
}

static void test_csv_blank_lines(void **state)
{
	(void)state;
	/* blank lines, comma-only and whitespace-only lines count but are not delivered */
	EXPECT_ROWS("a\r\n\r\n,,,\r\n   \r\nb,,\r\n\r\n",
		    "1:a\n5:b\n");
	EXPECT_ROWS("\n\nx\n", "3:x\n");
}

static void test_csv_trim_and_cr(void **state)
{
	(void)state;
	EXPECT_ROWS("  a  ,\" b \"\t, c\r", "1:a|b|c\n");
	/* old Mac line ends */
	EXPECT_ROWS("a\rb\r\rc", "1:a\n2:b\n4:c\n");
	/* an empty cell in the middle stays */
	EXPECT_ROWS("a,,c\n", "1:a||c\n");
}

static void test_csv_empty(void **state)
{
	(void)state;
	expect_rows("", 0, "");
	EXPECT_ROWS("\xEF\xBB\xBF", "");
}

static void test_csv_cell_too_long(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	(void)state;
	strbuf_addstr(&sb, "ok\r\nx,");
	for (i = 0; i < CAP_CELL_LEN + 1; i++)
		strbuf_addch(&sb, 'a');
	strbuf_addstr(&sb, "\r\n");
	expect_error(sb.buf, sb.len, E_INVALID, "第 2 行");
	/* exactly at the cap is fine (whitespace around it is not counted) */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "  ");
	for (i = 0; i < CAP_CELL_LEN; i++)
		strbuf_addch(&sb, 'b');
	strbuf_addstr(&sb, "  \n");
	{
		struct collect c = { STRBUF_INIT, 0, 0 };
		struct err e;
		assert_int_equal(read_mem(sb.buf, sb.len, &c, &e), 0);
		assert_int_equal(c.calls, 1);
		strbuf_release(&c.sb);
	}
	strbuf_release(&sb);
}

static void test_csv_quotes_unclosed(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	(void)state;
	expect_error("a,b\n\"c,d\n", 9, E_MALFORMED, "第 2 行");
	/* a stray quote is reported with its row, not merged into the next rows */
	expect_error("a\n\"b\"c,d\ne\n", 11, E_MALFORMED, "第 2 行");
	expect_error("a\nb,\"c\"\"\n", 10, E_MALFORMED, "第 2 行");
	/* quotes inside an unquoted cell are wrong too; quotes doubled inside quotes are fine */
	expect_error("a\nb,c\"d\n", 8, E_MALFORMED, "第 2 行");
	EXPECT_ROWS("a,\"x \"\"y\"\" z\"  ,b\n", "1:a|x \"y\" z|b\n");
	/* a stray quote swallowing the file stops at the cell cap, not at the end */
	strbuf_addstr(&sb, "a\n\"");
	for (i = 0; i < 200000; i++)
		strbuf_addstr(&sb, "row,row\n");
	expect_error(sb.buf, sb.len, E_INVALID, "第 2 行");
	strbuf_release(&sb);
}

static void test_csv_too_many_rows(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	(void)state;
	strbuf_grow(&sb, (size_t)(CAP_IMPORT_ROWS + 1) * 2);
	for (i = 0; i < (size_t)CAP_IMPORT_ROWS + 1; i++)
		strbuf_add(&sb, "a\n", 2);
	expect_error(sb.buf, sb.len, E_TOOLARGE, NULL);
	sb.len -= 2;   /* exactly at the cap */
	{
		struct collect c = { STRBUF_INIT, 0, 0 };
		struct err e;
		assert_int_equal(read_mem(sb.buf, sb.len, &c, &e), 0);
		assert_int_equal(c.calls, CAP_IMPORT_ROWS);
		strbuf_release(&c.sb);
	}
	strbuf_release(&sb);
}

static void test_csv_stop(void **state)
{
	struct collect c = { STRBUF_INIT, 0, 2 };
	struct err e;
	(void)state;
	strbuf_init(&c.sb, 0);
	err_clear(&e);
	assert_int_equal(table_read_mem("a\nb\nc\nd\n", 8, collect_row, &c, &e), 42);
	assert_string_equal(c.sb.buf, "1:a\n2:b\n");
	strbuf_release(&c.sb);
}

static void test_csv_tab_and_utf16(void **state)
{
	(void)state;
	/* WPS/Excel "文本文件(制表符分隔)": GBK and tabs */
	EXPECT_ROWS("\xD0\xD5\xC3\xFB\t\xD0\xD4\xB1\xF0\r\n\xD5\xC5\xC8\xFD\t\xC4\xD0\r\n",
		    "1:姓名|性别\n2:张三|男\n");
	/* Excel "Unicode 文本": UTF-16LE with BOM and tabs; "姓名\tA\r\n" */
	EXPECT_ROWS("\xFF\xFE\xD3\x59\x0D\x54\x09\x00\x41\x00\x0D\x00\x0A\x00",
		    "1:姓名|A\n");
	/* a one-column CSV of our own exported IDs (leading TAB) stays one column */
	EXPECT_ROWS("\t110105194912310021\r\n\t110105194912310022\r\n",
		    "1:110105194912310021\n2:110105194912310022\n");
}

static void test_csv_binary(void **state)
{
	static const unsigned char nul[] = { 'a', ',', 0, 'b', '\n' };
	static const unsigned char xls[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0 };
	static const unsigned char junk[] = { 0x80, 0x81, 0xFF, 0xFE, 0xFF, 0x00, 0x41 };
	(void)state;
	expect_error(nul, sizeof(nul), E_MALFORMED, NULL);
	expect_error(xls, sizeof(xls), E_INVALID, ".xls");
	expect_error(junk, sizeof(junk), E_MALFORMED, NULL);
	/* a UTF-8 BOM followed by GBK bytes is a contradiction, not a guess */
	expect_error("\xEF\xBB\xBF\xD5\xC5", 5, E_MALFORMED, "UTF-8");
}

static char *write_temp(const void *data, size_t len)
{
	char *path = xstrdup("/tmp/test_io-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_csv_file_gbk_chunks(void **state)
{
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	struct collect c = { STRBUF_INIT, 0, 0 };
	struct err e;
	char *path;
	int i;
	(void)state;
	/* 3 + 6k bytes: the 64 KiB read boundary falls inside a GBK character */
	strbuf_addstr(&sb, "a\r\n");
	strbuf_addstr(&want, "1:a\n");
	for (i = 0; i < 30000; i++) {
		strbuf_addstr(&sb, "\xD5\xC5\xC8\xFD\r\n");
		strbuf_addf(&want, "%d:张三\n", i + 2);
	}
	expect_rows(sb.buf, sb.len, want.buf);
	path = write_temp(sb.buf, sb.len);
	strbuf_init(&c.sb, 0);
	err_clear(&e);
	assert_int_equal(table_read_file(path, collect_row, &c, &e), 0);
	assert_string_equal(c.sb.buf, want.buf);
	unlink(path);
	free(path);
	strbuf_release(&c.sb);
	/* UTF-8 with BOM through the file path too */
	path = write_temp("\xEF\xBB\xBF张三,男\n", 14);
	strbuf_init(&c.sb, 0);
	assert_int_equal(table_read_file(path, collect_row, &c, &e), 0);
	assert_string_equal(c.sb.buf, "1:张三|男\n");
	unlink(path);
	free(path);
	strbuf_release(&c.sb);
	assert_int_equal(table_read_file("/nonexistent/x.csv", collect_row, &c, &e), E_IO);
	strbuf_release(&sb);
	strbuf_release(&want);
}

/* ---------------- XLSX by hand ---------------- */

/* A zip in memory from name/content pairs (NULL-terminated). Caller frees. */
static char *make_zip(const char *const *parts, size_t *len)
{
	zip_error_t zerr;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	char *buf;
	size_t i;
	zip_error_init(&zerr);
	src = zip_source_buffer_create(NULL, 0, 0, &zerr);
	assert_non_null(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
	assert_non_null(za);
	zip_source_keep(src);
	for (i = 0; parts[i]; i += 2) {
		zip_source_t *s = zip_source_buffer(za, parts[i + 1], strlen(parts[i + 1]), 0);
		assert_non_null(s);
		assert_true(zip_file_add(za, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_int_equal(zip_source_open(src), 0);
	buf = xmalloc(st.size + 1);
	assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&zerr);
	*len = st.size;
	return buf;
}

/* One entry of a zip in memory as a string, or NULL. Caller frees. */
static char *zip_entry(const char *data, size_t len, const char *name)
{
	zip_source_t *src = zip_source_buffer_create(data, len, 0, NULL);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, NULL);
	struct strbuf sb = STRBUF_INIT;
	zip_file_t *zf;
	char buf[4096];
	zip_int64_t n;
	char *res = NULL;
	assert_non_null(za);
	zf = zip_fopen(za, name, 0);
	if (zf) {
		while ((n = zip_fread(zf, buf, sizeof(buf))) > 0)
			strbuf_add(&sb, buf, (size_t)n);
		zip_fclose(zf);
		res = strbuf_detach(&sb, NULL);
	}
	zip_discard(za);
	return res;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char pkg_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";

static const char wb_rels_simple[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" RT "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";

static const char styles_dates[] =
	"<styleSheet xmlns=\"" NS_MAIN "\">"
	"<numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"0.00&quot;元&quot;\"/>"
	"<numFmt numFmtId=\"166\" formatCode=\"[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy\"/></numFmts>"
	/* cellStyleXfs must not be taken for cellXfs */
	"<cellStyleXfs count=\"2\"><xf numFmtId=\"14\"/><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"9\"><xf numFmtId=\"0\" xfId=\"0\"/>"      /* 0 General */
	"<xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"              /* 1 date */
	"<xf numFmtId=\"164\"/>"                                      /* 2 custom date */
	"<xf numFmtId=\"165\"/>"                                      /* 3 custom number */
	"<xf numFmtId=\"22\"/>"                                       /* 4 date time */
	"<xf numFmtId=\"20\"/>"                                       /* 5 time */
	"<xf numFmtId=\"49\"/>"                                       /* 6 text */
	"<xf numFmtId=\"166\"/>"                                      /* 7 long date */
	"<xf numFmtId=\"31\"/>"                                       /* 8 zh-CN 年月日 */
	"</cellXfs></styleSheet>";

/* A workbook with one sheet at xl/worksheets/sheet1.xml. */
static char *simple_xlsx(const char *sheet_body, const char *sst, int date1904, size_t *len)
{
	struct strbuf wb = STRBUF_INIT, sheet = STRBUF_INIT;
	char *res;
	const char *parts[16];
	size_t n = 0;
	strbuf_addf(&wb, "<workbook xmlns=\"%s\" xmlns:r=\"%s\">%s<sheets>"
		    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		    NS_MAIN, NS_R, date1904 ? "<workbookPr date1904=\"true\"/>" : "<workbookPr/>");
	strbuf_addf(&sheet, "<worksheet xmlns=\"%s\"><sheetData>%s</sheetData></worksheet>",
		    NS_MAIN, sheet_body);
	parts[n++] = "_rels/.rels";
	parts[n++] = pkg_rels;
	parts[n++] = "xl/workbook.xml";
	parts[n++] = wb.buf;
	parts[n++] = "xl/_rels/workbook.xml.rels";
	parts[n++] = wb_rels_simple;
	parts[n++] = "xl/styles.xml";
	parts[n++] = styles_dates;
	parts[n++] = "xl/worksheets/sheet1.xml";
	parts[n++] = sheet.buf;
	if (sst) {
		parts[n++] = "xl/sharedStrings.xml";
		parts[n++] = sst;
	}
	parts[n] = NULL;
	res = make_zip(parts, len);
	strbuf_release(&wb);
	strbuf_release(&sheet);
	return res;
}

static void expect_sheet(const char *body, const char *sst, int date1904, const char *want)
{
	size_t len;
	char *z = simple_xlsx(body, sst, date1904, &len);
	expect_rows(z, len, want);
	free(z);
}

static void expect_sheet_error(const char *body, const char *sst, int code, const char *msg)
{
	size_t len;
	char *z = simple_xlsx(body, sst, 0, &len);
	expect_error(z, len, code, msg);
	free(z);
}

static void test_xlsx_handmade(void **state)
{
	static const char wb[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		"<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">"
		"<workbookPr defaultThemeVersion=\"124226\"/>"
		"<sheets><sheet name=\"党员名册\" sheetId=\"3\" r:id=\"rId7\"/>"
		"<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	static const char rels[] =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"" RT "sharedStrings\" Target=\"strings/../sharedStrings.xml\"/>"
		"<Relationship Id=\"rId4\" Type=\"" RT "styles\" Target=\"/xl/styles.xml\"/>"
		"<Relationship Id=\"rId7\" Type=\"" RT "worksheet\" Target=\"worksheets/data.xml\"/>"
		"</Relationships>";
	static const char sst[] =
		"<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
		"<si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">三</t></r></si>"
		"<si><t xml:space=\"preserve\">  北京市_x000D_\n海淀区  </t>"
		"<rPh sb=\"0\" eb=\"1\"><t>ベイジン</t></rPh><phoneticPr fontId=\"1\"/></si>"
		"<si><t>a_x005F_x0041_b</t></si>"
		"</sst>";
	static const char decoy[] =
		"<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
		"<is><t>WRONG SHEET</t></is></c></row></sheetData></worksheet>";
	static const char data[] =
		"<worksheet xmlns=\"" NS_MAIN "\"><dimension ref=\"A1:G6\"/><sheetData>"
		"<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
		"<c r=\"C1\" t=\"inlineStr\"><is><t>男</t></is></c></row>"
		"<row r=\"2\"><c r=\"A2\"><v>440524188001010014</v></c>"
		"<c r=\"B2\" s=\"0\"><v>4.4052418800101E+17</v></c>"
		"<c r=\"C2\" s=\"1\"><v>45000</v></c>"
		"<c r=\"D2\" t=\"b\"><v>1</v></c>"
		"<c r=\"E2\" t=\"str\"><f>A1&amp;\"x\"</f><v>张三x</v></c>"
		"<c r=\"F2\"><v>0.30000000000000004</v></c>"
		"<c r=\"G2\" s=\"3\"><v>45000</v></c></row>"
		/* row 3 absent; row 4 cells without r */
		"<row r=\"4\"><c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c>"
		"<c s=\"2\"><v>45000</v></c><c t=\"e\"><v>#N/A</v></c></row>"
		/* styled but empty: counts, not delivered */
		"<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"inlineStr\"><is><t> </t></is></c></row>"
		/* no r: follows 5 */
		"<row><c r=\"B6\" t=\"inlineStr\"><is><r><t>李</t></r><r><t>四</t></r></is></c>"
		"<c r=\"D6\"/></row>"
		"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>";
	const char *parts[] = {
		"[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
		"_rels/.rels", pkg_rels,
		"xl/workbook.xml", wb,
		"xl/_rels/workbook.xml.rels", rels,
		"xl/sharedStrings.xml", sst,
		"xl/styles.xml", styles_dates,
		"xl/worksheets/sheet1.xml", decoy,
		"xl/worksheets/data.xml", data,
		NULL,
	};
	size_t len;
	char *z;
	(void)state;
	z = make_zip(parts, &len);
	expect_rows(z, len,
		    "1:张三||男\n"
		    "2:440524188001010014|440524188001010000|2023-03-15|TRUE|张三x|0.3|45000\n"
		    "4:北京市\r\n海淀区|a_x0041_b|2023-03-15|#N/A\n"
		    "6:|李四\n");
	free(z);
}

static void test_xlsx_numbers(void **state)
{
	(void)state;
	expect_sheet("<row r=\"1\">"
		     "<c><v>4.40524188001010014E17</v></c>"   /* A */
		     "<c><v>1E-3</v></c>"                     /* B */
		     "<c><v>-1.5E+2</v></c>"                  /* C */
		     "<c><v>123.450</v></c>"                  /* D */
		     "<c><v>1E+300</v></c>"                   /* E: kept as Excel wrote it */
		     "<c><v>12.199999999999999</v></c>"       /* F */
		     "<c><v>0.99999999999999989</v></c>"      /* G */
		     "<c><v>-0</v></c>"                       /* H */
		     "<c><v>13800138000</v></c>"              /* I */
		     "<c><v> 42 </v></c>"                     /* J */
		     "<c><v>2.5E-7</v></c>"                   /* K */
		     "<c s=\"6\"><v>110105194912310021</v></c>" /* L: text format, number cell */
		     "</row>",
		     NULL, 0,
		     "1:440524188001010014|0.001|-150|123.45|1E+300|12.2|1|0|13800138000|42|"
		     "0.00000025|110105194912310021\n");
}

static void test_xlsx_dates(void **state)
{
	(void)state;
	expect_sheet("<row r=\"1\">"
		     "<c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
		     "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>45000.75</v></c>"
		     "<c s=\"4\"><v>45000.5</v></c><c s=\"4\"><v>45000</v></c>"
		     "<c s=\"5\"><v>0.5</v></c><c s=\"7\"><v>36526</v></c><c s=\"8\"><v>18264</v></c>"
		     "<c s=\"1\"><v>-5</v></c><c s=\"1\"><v>0</v></c><c s=\"1\"><v>2958465</v></c>"
		     "</row>",
		     NULL, 0,
		     "1:1900-01-01|1900-02-28|1900-02-29|1900-03-01|2023-03-15|"
		     "2023-03-15 12:00:00|2023-03-15|12:00:00|2000-01-01|1950-01-01|-5|0|9999-12-31\n");
	/* the Mac 1904 date system */
	expect_sheet("<row r=\"1\"><c s=\"1\"><v>0</v></c><c s=\"1\"><v>43538</v></c></row>",
		     NULL, 1, "1:1904-01-01|2023-03-15\n");
	/* strict OOXML ISO dates */
	expect_sheet("<row r=\"2\"><c t=\"d\"><v>2023-03-15T00:00:00</v></c></row>", NULL, 0,
		     "2:2023-03-15\n");
}

static void test_xlsx_prefixed_namespaces(void **state)
{
	/* the OpenXML SDK writes x: prefixes; no sharedStrings rel: the default path is used */
	static const char wb[] =
		"<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_R "\"><x:sheets>"
		"<x:sheet name=\"hidden\" sheetId=\"1\" state=\"hidden\" rel:id=\"R1\"/>"
		"<x:sheet name=\"S\" sheetId=\"2\" rel:id=\"R2\"/></x:sheets></x:workbook>";
	static const char rels[] =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"R1\" Type=\"" RT "worksheet\" Target=\"/xl/h.xml\"/>"
		"<Relationship Id=\"R2\" Type=\"" RT "worksheet\" Target=\"/xl/s.xml\"/>"
		"</Relationships>";
	static const char sheet[] =
		"<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row x:r=\"1\">"
		"<x:c r=\"B1\" t=\"s\"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>";
	const char *parts[] = {
		"xl/workbook.xml", wb,           /* no _rels/.rels: the default workbook path */
		"xl/_rels/workbook.xml.rels", rels,
		"xl/h.xml", "<worksheet/>",
		"xl/s.xml", sheet,
		"xl/sharedStrings.xml", "<x:sst xmlns:x=\"" NS_MAIN "\"><x:si><x:t>你好</x:t></x:si></x:sst>",
		NULL,
	};
	size_t len;
	char *z;
	(void)state;
	z = make_zip(parts, &len);
	expect_rows(z, len, "1:|你好\n");
	free(z);
}

static void test_xlsx_malformed(void **state)
{
	unsigned char junk[4096];
	size_t i, len;
	char *z;
	const char *no_wb[] = { "word/document.xml", "<w/>", NULL };
	(void)state;
	srand(7);
	memcpy(junk, "PK\3\4", 4);
	for (i = 4; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	expect_error(junk, sizeof(junk), E_MALFORMED, "Excel");
	expect_error("PK\3\4", 4, E_MALFORMED, "Excel");
	z = make_zip(no_wb, &len);
	expect_error(z, len, E_MALFORMED, "workbook.xml");
	/* truncated zip */
	expect_error(z, len / 2, E_MALFORMED, NULL);
	free(z);
	expect_sheet_error("<row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL, E_MALFORMED, "XML");
	expect_sheet_error("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>",
			   "<sst xmlns=\"" NS_MAIN "\"><si><t>a</t></si></sst>", E_MALFORMED, "3");
	expect_sheet_error("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>",
			   NULL, E_MALFORMED, "A1");
	expect_sheet_error("<row r=\"0\"/>", NULL, E_MALFORMED, NULL);
	expect_sheet_error("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", NULL, E_MALFORMED, NULL);
	{
		/* a DTD (entity expansion) is refused outright */
		const char *parts[] = {
			"xl/workbook.xml",
			"<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaa\">]><workbook/>",
			NULL,
		};
		z = make_zip(parts, &len);
		expect_error(z, len, E_MALFORMED, "DTD");
		free(z);
	}
	{
		/* a corrupted entry: compressed bytes flipped in the middle */
		struct strbuf big = STRBUF_INIT;
		for (i = 0; i < 2000; i++)
			strbuf_addf(&big, "<row r=\"%zu\"><c t=\"inlineStr\"><is><t>%zu</t></is></c></row>",
				    i + 1, i * 7919);
		z = simple_xlsx(big.buf, NULL, 0, &len);
		for (i = len / 2; i < len / 2 + 64; i++)
			z[i] = (char)~z[i];
		{
			struct collect c = { STRBUF_INIT, 0, 0 };
			struct err e;
			int rc = read_mem(z, len, &c, &e);
			assert_true(rc == E_MALFORMED);
			strbuf_release(&c.sb);
		}
		free(z);
		strbuf_release(&big);
	}
}

static void test_xlsx_caps_and_stop(void **state)
{
	struct strbuf body = STRBUF_INIT;
	struct collect c = { STRBUF_INIT, 0, 1 };
	struct err e;
	size_t i, len;
	char *z;
	(void)state;
	strbuf_addstr(&body, "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>");
	for (i = 0; i < CAP_CELL_LEN + 1; i++)
		strbuf_addch(&body, 'x');
	strbuf_addstr(&body, "</t></is></c></row>");
	expect_sheet_error(body.buf, NULL, E_INVALID, "B3");
	strbuf_release(&body);

	z = simple_xlsx("<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row>"
			"<row r=\"2\"><c t=\"inlineStr\"><is><t>b</t></is></c></row>", NULL, 0, &len);
	strbuf_init(&c.sb, 0);
	err_clear(&e);
	assert_int_equal(table_read_mem(z, len, collect_row, &c, &e), 42);
	assert_string_equal(c.sb.buf, "1:a\n");
	strbuf_release(&c.sb);
	free(z);
}

/* ---------------- writers ---------------- */

static const char *const hdr[] = { "姓名", "公民身份号码", "备注" };
static const char *const r1[] = { "张三", "11010519491231002X", "" };
static const char *const r2[] = { "欧阳娜娜", "110105194912310021", "住址：北京市,海淀区\n中关村" };
static const char *const r3[] = { "=1+1", "-12.5", "-1+cmd|' /C calc'!A0", "+86 138", "@SUM(A1)",
				   "ctl\x01_x0041_" };

static void test_xlsx_roundtrip(void **state)
{
	struct table_writer *w = table_writer_new(TABLE_XLSX, "党员名册");
	struct err e;
	char *out = NULL;
	size_t len = 0;
	(void)state;
	table_writer_header(w, 3, hdr);
	table_writer_row(w, 3, r1);
	table_writer_row_marked(w, 3, r2, 1);
	table_writer_row(w, 6, r3);
	table_writer_row_marked(w, 1, r1, 3);   /* an empty red cell at D5 */
	err_clear(&e);
	assert_int_equal(table_writer_finish(w, &out, &len, &e), 0);
	assert_non_null(out);
	assert_memory_equal(out, "PK\3\4", 4);
	expect_rows(out, len,
		    "1:姓名|公民身份号码|备注\n"
		    "2:张三|11010519491231002X\n"
		    "3:欧阳娜娜|110105194912310021|住址：北京市,海淀区\n中关村\n"
		    "4:=1+1|-12.5|-1+cmd|' /C calc'!A0|+86 138|@SUM(A1)|ctl\x01_x0041_\n"
		    "5:张三\n");
	{
		char *sheet = zip_entry(out, len, "xl/worksheets/sheet1.xml");
		char *styles = zip_entry(out, len, "xl/styles.xml");
		char *wb = zip_entry(out, len, "xl/workbook.xml");
		assert_non_null(sheet);
		assert_non_null(strstr(sheet, "<pane ySplit=\"1\""));     /* frozen header */
		assert_non_null(strstr(sheet, "<cols>"));                 /* widths */
		assert_non_null(strstr(sheet, "<c r=\"D5\" s="));          /* the red blank */
		assert_null(strstr(sheet, "<v>"));                        /* no number cells */
		assert_non_null(strstr(styles, "<b/>"));
		assert_non_null(strstr(styles, "FFC7CE"));
		assert_non_null(strstr(wb, "name=\"党员名册\""));
		free(sheet);
		free(styles);
		free(wb);
	}
	free(out);
}

static void test_xlsx_writer_sheet_name_and_file(void **state)
{
	struct table_writer *w = table_writer_new(TABLE_XLSX, "'a/b[c]:d*e?f\\g一二三四五六七八九十一二三四五六七八九十'");
	struct collect c = { STRBUF_INIT, 0, 0 };
	struct err e;
	char *out, *path, *wb;
	size_t len;
	(void)state;
	table_writer_row(w, 2, r1);
	assert_int_equal(table_writer_finish(w, &out, &len, &e), 0);
	wb = zip_entry(out, len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"a_b_c__d_e_f_g一二三四五六七八九十一二三四五六\""));
	free(wb);
	path = write_temp(out, len);
	strbuf_init(&c.sb, 0);
	assert_int_equal(table_read_file(path, collect_row, &c, &e), 0);
	assert_string_equal(c.sb.buf, "1:张三|11010519491231002X\n");
	strbuf_release(&c.sb);
	unlink(path);
	free(path);
	free(out);
}

static void test_csv_writer(void **state)
{
	static const char want[] =
		"\xEF\xBB\xBF姓名,公民身份号码,备注\r\n"
		"张三,11010519491231002X,\r\n"
		"欧阳娜娜,\t110105194912310021,\"住址：北京市,海淀区\n中关村\"\r\n"
		"'=1+1,-12.5,'-1+cmd|' /C calc'!A0,'+86 138,'@SUM(A1)\r\n"
		"\"say \"\"hi\"\"\",\t0101,\t012345678901,-,13800138000\r\n";
	static const char *const r4[] = { "say \"hi\"", "0101", "012345678901", "-", "13800138000" };
	struct table_writer *w = table_writer_new(TABLE_CSV, "ignored");
	struct err e;
	char *out;
	size_t len;
	(void)state;
	table_writer_header(w, 3, hdr);
	table_writer_row(w, 3, r1);
	table_writer_row_marked(w, 3, r2, 0);
	table_writer_row(w, 5, r3);
	table_writer_row(w, 5, r4);
	assert_int_equal(table_writer_finish(w, &out, &len, &e), 0);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	/* our reader gets the data back; the TABs that keep IDs text are trimmed again */
	expect_rows(out, len,
		    "1:姓名|公民身份号码|备注\n"
		    "2:张三|11010519491231002X\n"
		    "3:欧阳娜娜|110105194912310021|住址：北京市,海淀区\n中关村\n"
		    "4:'=1+1|-12.5|'-1+cmd|' /C calc'!A0|'+86 138|'@SUM(A1)\n"
		    "5:say \"hi\"|0101|012345678901|-|13800138000\n");
	free(out);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_writer_temp_files(void **state)
{
	char dir[] = "/tmp/test_io_dir-XXXXXX";
	const char *old = getenv("TMPDIR");
	char *saved = old ? xstrdup(old) : NULL;
	struct table_writer *w;
	struct err e;
	char *out;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	w = table_writer_new(TABLE_XLSX, NULL);
	table_writer_row(w, 3, r1);
	assert_true(count_entries(dir) >= 1);
	table_writer_free(w);               /* abandoned: nothing left behind */
	assert_int_equal(count_entries(dir), 0);
	w = table_writer_new(TABLE_XLSX, NULL);
	table_writer_row(w, 3, r1);
	assert_int_equal(table_writer_finish(w, &out, &len, &e), 0);
	assert_int_equal(count_entries(dir), 0);
	free(out);
	table_writer_free(NULL);
	/* a temp dir that does not exist: reported by finish, no crash */
	setenv("TMPDIR", "/nonexistent/dir", 1);
	w = table_writer_new(TABLE_XLSX, NULL);
	table_writer_row(w, 3, r1);
	err_clear(&e);
	assert_int_equal(table_writer_finish(w, &out, &len, &e), E_IO);
	assert_null(out);
	assert_int_equal(e.code, E_IO);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	rmdir(dir);
}

/* ---------------- writers: the temp file a download is sent from ---------------- */

#define BIG_ROWS 200000   /* far past CSV's chunk and libxlsxwriter's buffers */

/* row i of the big tables: three cells, some quoted, some kept as text by a TAB */
struct big_row {
	char name[32], id[32], addr[64];
	const char *cells[3];
};

static const char *const *big_row(struct big_row *r, int i)
{
	xsnprintf(r->name, sizeof(r->name), "党员%06d", i);
	xsnprintf(r->id, sizeof(r->id), "1101051949%08d", i);
	if (i % 7)
		xsnprintf(r->addr, sizeof(r->addr), "东村%d组", i);
	else
		xsnprintf(r->addr, sizeof(r->addr), "住址：北京市,海淀区\n%d号", i);
	r->cells[0] = r->name;
	r->cells[1] = r->id;
	r->cells[2] = r->addr;
	return r->cells;
}

/* a header, then big_row 0 .. rows - 1 */
static struct table_writer *table_of(enum table_format f, int rows)
{
	struct table_writer *w = table_writer_new(f, "大表");
	struct big_row r;
	int i;
	table_writer_header(w, 3, hdr);
	for (i = 0; i < rows; i++)
		table_writer_row(w, 3, big_row(&r, i));
	return w;
}

/* TMPDIR := a new empty dir (the template is filled in); returns the old value to restore */
static char *tmpdir_private(char *dir)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? xstrdup(old) : NULL;
	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	return saved;
}

/* TMPDIR back as it was; dir must be empty again */
static void tmpdir_restore(char *saved, const char *dir)
{
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	assert_int_equal(rmdir(dir), 0);
}

/* what fd holds from offset 0; it must be size bytes long and already unlinked */
static char *fd_bytes(int fd, int64_t size)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);   /* no name: closing fd frees the disk */
	assert_int_equal((int64_t)st.st_size, size);
	buf = xmalloc((size_t)size + 1);
	while (got < (size_t)size) {
		ssize_t n = pread(fd, buf + got, (size_t)size - got, (off_t)got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

static char *rows_of(const char *data, size_t len)
{
	struct collect c = { STRBUF_INIT, 0, 0 };
	struct err e;
	assert_int_equal(table_read_mem(data, len, collect_row, &c, &e), 0);
	return strbuf_detach(&c.sb, NULL);
}

static void test_writer_fd_equals_memory(void **state)
{
	static const char head[] = "\xEF\xBB\xBF姓名,公民身份号码,备注\r\n";
	static const int sizes[] = { 0, 3, BIG_ROWS };
	char dir[] = "/tmp/test_io_fd-XXXXXX";
	char *saved = tmpdir_private(dir);
	int f, k;
	(void)state;
	for (f = TABLE_CSV; f <= TABLE_XLSX; f++) {
		for (k = 0; k < (int)(sizeof(sizes) / sizeof(sizes[0])); k++) {
			struct table_writer *w = table_of((enum table_format)f, sizes[k]);
			struct err e;
			char *mem = NULL, *got;
			size_t len = 0;
			int64_t size = -1;
			int fd = -1;
			err_clear(&e);
			assert_int_equal(table_writer_finish(w, &mem, &len, &e), 0);
			w = table_of((enum table_format)f, sizes[k]);
			assert_int_equal(table_writer_finish_fd(w, &fd, &size, &e), 0);
			assert_true(fd >= 0);
			assert_int_equal(count_entries(dir), 0);   /* every temp file is unlinked already */
			got = fd_bytes(fd, size);
			close(fd);
			if (f == TABLE_CSV) {
				assert_int_equal(size, (int64_t)len);
				assert_memory_equal(got, mem, len);
				assert_memory_equal(got, head, sizeof(head) - 1);
				if (sizes[k] == BIG_ROWS)
					assert_true(len > (8u << 20));
			} else {
				char *a = rows_of(got, (size_t)size), *b = rows_of(mem, len);
				char *sa = zip_entry(got, (size_t)size, "xl/worksheets/sheet1.xml");
				char *sb = zip_entry(mem, len, "xl/worksheets/sheet1.xml");
				assert_string_equal(a, b);
				assert_string_equal(sa, sb);
				if (sizes[k] == BIG_ROWS)
					assert_non_null(strstr(a, "\n200001:党员199999|110105194900199999|东村199999组\n"));
				free(a);
				free(b);
				free(sa);
				free(sb);
			}
			free(got);
			free(mem);
		}
	}
	tmpdir_restore(saved, dir);
}

/*
 * A disk that fills up (here: a file size limit, EFBIG) is an E_IO from finish, with no
 * descriptor handed out and nothing left behind; never a short file.
 */
static void test_writer_fd_write_fails(void **state)
{
	char dir[] = "/tmp/test_io_full-XXXXXX";
	char *saved = tmpdir_private(dir);
	struct rlimit was, small;
	void (*was_xfsz)(int) = signal(SIGXFSZ, SIG_IGN);
	int f, mem;
	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	small.rlim_cur = 256u << 10;
	for (f = TABLE_CSV; f <= TABLE_XLSX; f++) {
		for (mem = 0; mem <= 1; mem++) {
			struct table_writer *w;
			struct err e;
			char *out = (char *)"unset";
			size_t len = 1;
			int64_t size = 1;
			int fd = 99, rc;
			err_clear(&e);
			assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
			w = table_of((enum table_format)f, 50000);
			rc = mem ? table_writer_finish(w, &out, &len, &e) : table_writer_finish_fd(w, &fd, &size, &e);
			assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
			assert_int_equal(rc, E_IO);
			assert_int_equal(e.code, E_IO);
			assert_true(e.message[0] != '\0');
			if (mem) {
				assert_null(out);
				assert_int_equal(len, 0);
			} else {
				assert_int_equal(fd, -1);
				assert_int_equal(size, 0);
			}
			assert_int_equal(count_entries(dir), 0);
		}
	}
	signal(SIGXFSZ, was_xfsz);
	tmpdir_restore(saved, dir);
}

/* ---------------- table_book, and xlsx_check on the files libxlsxwriter writes ---------------- */

/* a two-sheet workbook from table_book, in memory; the caller frees it */
static char *book_bytes(size_t *len)
{
	static const char *const counts[] = { "第一党支部", "12", "0" };
	struct table_book *b = table_book_new();
	struct err e;
	char *out = NULL;
	err_clear(&e);
	table_book_sheet(b, "党员");
	table_book_header(b, 3, hdr);
	table_book_row(b, 3, r1);
	table_book_sheet(b, "统计");
	table_book_row(b, 3, counts);
	if (table_book_finish(b, &out, len, &e))
		fail_msg("table_book_finish: %s", e.message);
	assert_non_null(out);
	return out;
}

/* len bytes of data as dir/name; the path is the caller's to unlink and free */
static char *file_in(const char *dir, const char *name, const void *data, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;
	strbuf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.buf, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return strbuf_detach(&path, NULL);
}

static void expect_check_refuses(const char *path, const char *sheet_part, int64_t sheet_min_len)
{
	struct err e;
	err_clear(&e);
	assert_int_equal(xlsx_check_parts(path, sheet_part, sheet_min_len, &e), E_IO);
	assert_int_equal(e.code, E_IO);
	assert_string_equal(e.field, "file");
	assert_true(e.message[0] != '\0');
	if (sheet_part)
		return;
	err_clear(&e);
	assert_int_equal(xlsx_check_xml_whole(path, &e), E_IO);   /* what parts refuses with no sheet_part, it does */
	assert_int_equal(e.code, E_IO);
}

/*
 * What a full disk (here: a file size limit of 64 KiB) does to workbook_close: its
 * final zip step writes the parts from their temp files without checking those writes,
 * so it returns LXW_NO_ERROR with a whole zip of 17 KB whose sheet1.xml and
 * sharedStrings.xml are cut at 65,536 bytes. finish must refuse it and leave nothing.
 */
static void test_book_write_fails(void **state)
{
	char dir[] = "/tmp/test_io_bfull-XXXXXX";
	char *saved = tmpdir_private(dir);
	struct table_book *b = table_book_new();
	struct rlimit was, small;
	void (*was_xfsz)(int) = signal(SIGXFSZ, SIG_IGN);
	struct big_row r;
	struct err e;
	char *out = (char *)"unset";
	size_t len = 1;
	int i, rc;
	(void)state;
	table_book_sheet(b, "大表");
	table_book_header(b, 3, hdr);
	for (i = 0; i < 2000; i++)
		table_book_row(b, 3, big_row(&r, i));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	small.rlim_cur = 64u << 10;
	err_clear(&e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = table_book_finish(b, &out, &len, &e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	signal(SIGXFSZ, was_xfsz);
	assert_int_equal(rc, E_IO);
	assert_int_equal(e.code, E_IO);
	assert_string_equal(e.field, "file");
	assert_string_equal(e.rule, "tmpfile");
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(count_entries(dir), 0);
	tmpdir_restore(saved, dir);
}

/* each test below: TMPDIR a new empty dir, and a two-sheet book in memory */
struct book_fixture {
	char dir[32];
	char *saved;
	char *out;
	size_t len;
};

static int book_setup(void **state)
{
	struct book_fixture *f = xcalloc(1, sizeof(*f));
	xsnprintf(f->dir, sizeof(f->dir), "/tmp/test_io_book-XXXXXX");
	f->saved = tmpdir_private(f->dir);
	f->out = book_bytes(&f->len);
	*state = f;
	return 0;
}

/* the test has removed what it wrote: the dir must be empty again */
static int book_teardown(void **state)
{
	struct book_fixture *f = *state;
	free(f->out);
	tmpdir_restore(f->saved, f->dir);
	free(f);
	return 0;
}

static void test_book_two_sheets(void **state)
{
	struct book_fixture *f = *state;
	char *wb = zip_entry(f->out, f->len, "xl/workbook.xml");   /* asserts that the bytes open as a zip */
	char *s2 = zip_entry(f->out, f->len, "xl/worksheets/sheet2.xml");
	assert_memory_equal(f->out, "PK\3\4", 4);
	assert_non_null(wb);
	assert_non_null(strstr(wb, "name=\"党员\""));
	assert_non_null(strstr(wb, "name=\"统计\""));
	assert_non_null(s2);
	assert_non_null(strstr(s2, "<v>12</v>"));       /* a plain count is a number */
	expect_rows(f->out, f->len, "1:姓名|公民身份号码|备注\n2:张三|11010519491231002X\n");
	assert_int_equal(count_entries(f->dir), 0);     /* its temp file is gone */
	free(wb);
	free(s2);
}

/* what a full disk leaves of the final zip step: the first half of the package */
static void test_xlsx_check_truncated(void **state)
{
	struct book_fixture *f = *state;
	char *path = file_in(f->dir, "half.xlsx", f->out, f->len / 2);
	expect_check_refuses(path, NULL, 0);
	expect_check_refuses(path, "xl/worksheets/sheet1.xml", 1);
	unlink(path);
	free(path);
}

/* what a full disk leaves when a part's own temp file took nothing: a whole zip, an empty part */
static void test_xlsx_check_empty_part(void **state)
{
	static const char *const parts[] = {
		"[Content_Types].xml", "<Types/>",
		"xl/worksheets/sheet1.xml", "",
		NULL,
	};
	/* a zip of no entries at all: only the end of central directory record */
	static const char no_entries[22] = "PK\5\6";
	struct book_fixture *f = *state;
	size_t len = 0;
	char *zip = make_zip(parts, &len);
	char *path = file_in(f->dir, "empty_part.xlsx", zip, len);
	char *none = file_in(f->dir, "no_entries.xlsx", no_entries, sizeof(no_entries));
	expect_check_refuses(path, NULL, 0);
	expect_check_refuses(none, NULL, 0);
	unlink(path);
	unlink(none);
	free(path);
	free(none);
	free(zip);
}

static void test_xlsx_check_intact(void **state)
{
	struct book_fixture *f = *state;
	char *sheet = zip_entry(f->out, f->len, "xl/worksheets/sheet1.xml");
	char *path = file_in(f->dir, "whole.xlsx", f->out, f->len);
	int64_t sheet_len;
	struct err e;
	assert_non_null(sheet);
	sheet_len = (int64_t)strlen(sheet);
	err_clear(&e);
	assert_int_equal(xlsx_check_parts(path, NULL, 0, &e), 0);
	assert_int_equal(xlsx_check_parts(path, "xl/worksheets/sheet1.xml", sheet_len, &e), 0);
	assert_int_equal(xlsx_check_xml_whole(path, &e), 0);   /* each part of the book read */
	assert_int_equal(e.code, E_OK);
	/* the sheet shorter than the rows written, or not there at all */
	expect_check_refuses(path, "xl/worksheets/sheet1.xml", sheet_len + 1);
	expect_check_refuses(path, "xl/worksheets/sheet9.xml", 0);
	unlink(path);
	expect_check_refuses(path, NULL, 0);            /* no file */
	free(path);
	free(sheet);
}

/* xlsx_check_xml_whole on a package of [Content_Types].xml and name holding xml */
static int check_xml_part(const char *dir, const char *name, const char *xml)
{
	const char *const parts[] = {
		"[Content_Types].xml", "<?xml version=\"1.0\"?>\n<Types xmlns=\"t\"/>",
		name, xml,
		NULL,
	};
	size_t len = 0;
	char *zip = make_zip(parts, &len);
	char *path = file_in(dir, "part.xlsx", zip, len);
	struct err e;
	int rc;
	err_clear(&e);
	rc = xlsx_check_xml_whole(path, &e);
	assert_int_equal(e.code, rc);
	if (rc) {
		assert_string_equal(e.field, "file");
		assert_string_equal(e.rule, "tmpfile");
	}
	unlink(path);
	free(path);
	free(zip);
	return rc;
}

#define SHEET_START "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* a part cut where the disk filled, in a zip that is whole */
static void test_xlsx_check_xml_cut(void **state)
{
	static const char *const cut[] = {
		"xl/worksheets/sheet1.xml", SHEET_START "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1",
		"xl/worksheets/sheet1.xml", SHEET_START "<sheetData><row r=\"1\"></row></sheetData>",
		"xl/worksheets/sheet1.xml", SHEET_START "<sheetData/></workshee",
		"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>\n<worksheet xmlns=\"http://sche",
		"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>\n",
		"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>\n<worksheet/><worksheet/>",
		"xl/worksheets/sheet1.xml", "<worksheet></x:worksheet>",
		"xl/worksheets/sheet1.xml", "<worksheet a=\"/>",   /* in a value: no end of the tag */
		"xl/sharedStrings.xml", "<sst count=\"1\"><si><t>党员</t></si>",
		"_rels/.rels", "<Relationships xmlns=\"r\"><Relationship Id=\"rId1\"/>",
		NULL,
	};
	static const char *const whole[] = {
		"xl/worksheets/sheet1.xml", SHEET_START "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
		"</sheetData></worksheet>\n",
		"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?>\n<worksheet xmlns=\"http://x/y\"/>",   /* self-closing */
		"xl/worksheets/sheet1.xml", "<worksheet a='1>2' b=\"/\"><sheetData/></worksheet >\r\n",
		"xl/worksheets/sheet1.xml", "<worksheet a=\"1>2\"/>",
		"xl/sharedStrings.xml", "\xEF\xBB\xBF<!-- c --><sst count=\"1\"><si><t>党员</t></si></sst>",
		"docProps/app.xml", "<ep:Properties xmlns:ep=\"p\"><ep:Pages>1</ep:Pages></ep:Properties>",
		"xl/media/image1.png", "\x89PNG",   /* not XML: not read */
		NULL,
	};
	struct book_fixture *f = *state;
	size_t i;
	for (i = 0; cut[i]; i += 2)
		if (check_xml_part(f->dir, cut[i], cut[i + 1]) != E_IO)
			fail_msg("accepted %s: %s", cut[i], cut[i + 1]);
	for (i = 0; whole[i]; i += 2)
		if (check_xml_part(f->dir, whole[i], whole[i + 1]))
			fail_msg("refused %s: %s", whole[i], whole[i + 1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_bom_crlf),
		cmocka_unit_test(test_csv_gbk),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_blank_lines),
		cmocka_unit_test(test_csv_trim_and_cr),
		cmocka_unit_test(test_csv_empty),
		cmocka_unit_test(test_csv_cell_too_long),
		cmocka_unit_test(test_csv_quotes_unclosed),
		cmocka_unit_test(test_csv_too_many_rows),
		cmocka_unit_test(test_csv_stop),
		cmocka_unit_test(test_csv_tab_and_utf16),
		cmocka_unit_test(test_csv_binary),
		cmocka_unit_test(test_csv_file_gbk_chunks),
		cmocka_unit_test(test_xlsx_handmade),
		cmocka_unit_test(test_xlsx_numbers),
		cmocka_unit_test(test_xlsx_dates),
		cmocka_unit_test(test_xlsx_prefixed_namespaces),
		cmocka_unit_test(test_xlsx_malformed),
		cmocka_unit_test(test_xlsx_caps_and_stop),
		cmocka_unit_test(test_xlsx_roundtrip),
		cmocka_unit_test(test_xlsx_writer_sheet_name_and_file),
		cmocka_unit_test(test_csv_writer),
		cmocka_unit_test(test_writer_temp_files),
		cmocka_unit_test(test_writer_fd_equals_memory),
		cmocka_unit_test(test_writer_fd_write_fails),
		cmocka_unit_test(test_book_write_fails),
		cmocka_unit_test_setup_teardown(test_book_two_sheets, book_setup, book_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_check_truncated, book_setup, book_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_check_empty_part, book_setup, book_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_check_intact, book_setup, book_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_check_xml_cut, book_setup, book_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
