#ifndef CODES_H
#define CODES_H
#include <stddef.h>
/*
 * Code tables of the national member collection form (党员基本信息采集表), exactly as
 * listed in shared/data/codes.md, plus GB/T 2261.1 gender. The registry stores the
 * codes and shows the names. All strings are static: nothing to free.
 */
enum code_table { CODE_GENDER, CODE_ETHNICITY, CODE_EDUCATION, CODE_JOB };

struct code_entry {
	const char *code;
	const char *name;
};

/* the whole table in form order; *n gets its length (0 and NULL for an unknown table) */
const struct code_entry *code_entries(enum code_table t, size_t *n);
/* the name of an exact code, or NULL if the code is not in the table */
const char *code_name(enum code_table t, const char *code);
/*
 * Import-friendly lookup of what a person typed or a spreadsheet held (trimmed and
 * full-width-normalised first): the code itself (education letters in any case), the
 * name, for ethnicities the name without its 族 suffix ("汉", "蒙古") and a one-digit
 * code ("1" for "01"), common 学历 wordings ("本科", "大专", "硕士", "高中" …) and
 * gender words ("男", "女", "M", "F"). Returns the canonical code or NULL. A bare
 * "研究生" is deliberately unknown: it could be 11, 12, 13, 1A or 1B.
 */
const char *code_lookup(enum code_table t, const char *text);
/* "gender", "ethnicity", "education", "job": the field name in errors */
const char *code_table_name(enum code_table t);
#endif
