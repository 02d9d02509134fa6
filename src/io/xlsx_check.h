#ifndef IO_XLSX_CHECK_H
#define IO_XLSX_CHECK_H
#include <stdint.h>
#include "util/err.h"
/*
 * libxlsxwriter does not check the writes of its final zip step: on a full disk it
 * leaves a truncated package and workbook_close still reports success. So every file it
 * writes is reopened here before it is handed out.
 *
 * 0 when the zip at path opens, has at least one entry, every entry has a nonzero size
 * and, if sheet_part is not NULL, an entry of that name is there and at least
 * sheet_min_len bytes long; otherwise the err_set code (E_IO) with e (may be NULL)
 * filled. Reads only; the file stays where it is.
 */
int xlsx_check_parts(const char *path, const char *sheet_part, int64_t sheet_min_len, struct err *e);

#define XLSX_CHECK_PART_MAX (64u << 20)   /* decompressed bytes of one part */

/*
 * xlsx_check_parts(path, NULL, 0, e), and besides: the parts libxlsxwriter fills from
 * temp files can be cut where a full disk stopped those writes, in a zip that is whole.
 * So every part whose name ends in ".xml" or ".rels" is decompressed and must end
 * (trailing whitespace aside) with "</NAME>", NAME the name of its root element, or be
 * that root alone as "<NAME .../>". For small packages (table_book): every part is read
 * whole, in memory; one over XLSX_CHECK_PART_MAX is refused with E_TOOLARGE. Streamed
 * sheets of hundreds of MB (table_write.c) keep to xlsx_check_parts.
 */
int xlsx_check_xml_whole(const char *path, struct err *e);
#endif
