/*
 * libFuzzer harness: the XLSX import reader (io/xlsx_read.c) through
 * table_read_xlsx_mem. Two kinds of input:
 *   - a whole file (starts with "PK\3\4"): read as it is, for the package level;
 *   - anything else: XML parts separated by NUL bytes, in the order of part_names
 *     below, packed here into a stored (uncompressed) zip with libzip, so mutations
 *     reach our XML handling instead of dying at a zip CRC. Parts the input leaves out
 *     get the minimal defaults (a workbook with one sheet pointing at the shared
 *     strings and styles), so a one-part input is just a worksheet.
 * Every delivered row is checked (fuzz_table.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <zip.h>
#include "fuzz_table.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
	"xl/_rels/workbook.xml.rels", "_rels/.rels", "[Content_Types].xml",
};
#define NPARTS (sizeof(part_names) / sizeof(part_names[0]))

static const char *const part_defaults[NPARTS] = {
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>姓名</t></si></sst>",
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><cellXfs>"
	"<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>",
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	"Target=\"styles.xml\"/></Relationships>",
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
	"Target=\"xl/workbook.xml\"/></Relationships>",
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
};

static void read_checked(const void *buf, size_t len)
{
	struct fuzz_rows st;
	struct err e;
	int rc;
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	rc = table_read_xlsx_mem(buf, len, fuzz_row, &st, &e);
	fuzz_check_rc(rc, &e);
}

/* the parts as a stored zip in memory (malloc'd), or NULL */
static void *pack(const uint8_t *data, size_t size, size_t *out_len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t zs;
	void *out = NULL;
	size_t i, off = 0;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		return NULL;
	zip_source_keep(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za)
		goto out;
	for (i = 0; i < NPARTS; i++) {
		const void *p;
		size_t n;
		zip_source_t *s;
		zip_int64_t idx;
		if (off <= size) {
			const uint8_t *end = memchr(data + off, 0, size - off);
			p = data + off;
			n = end ? (size_t)(end - (data + off)) : size - off;
			off += n + 1;
		} else {
			p = part_defaults[i];
			n = strlen(part_defaults[i]);
		}
		s = zip_source_buffer(za, p, n, 0);
		if (!s)
			goto out_discard;
		idx = zip_file_add(za, part_names[i], s, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(s);
			goto out_discard;
		}
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	if (zip_close(za) != 0)
		goto out_discard;
	za = NULL;
	zip_stat_init(&zs);
	if (zip_source_stat(src, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0)
		goto out;
	out = malloc(zs.size ? zs.size : 1);
	if (out && zip_source_read(src, out, zs.size) != (zip_int64_t)zs.size) {
		free(out);
		out = NULL;
	}
	*out_len = zs.size;
	zip_source_close(src);
	goto out;
out_discard:
	zip_discard(za);
out:
	zip_source_free(src);
	zip_error_fini(&ze);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *zip;
	size_t len = 0;
	if (size >= 4 && !memcmp(data, "PK\3\4", 4)) {
		read_checked(data, size);
		return 0;
	}
	zip = pack(data, size, &len);
	if (zip)
		read_checked(zip, len);
	free(zip);
	return 0;
}
