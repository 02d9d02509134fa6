#ifndef IDCARD_H
#define IDCARD_H
#include <stddef.h>
#include "util/date.h"
#include "util/err.h"
/*
 * 公民身份号码 (GB 11643-1999) and telephone numbers: parsing what people type or
 * import, normalising it, and masking it for display. Pure functions; every output
 * goes to a caller-owned buffer.
 */

#define IDCARD_LEN 18
/* enough for any normalised phone ("0371-12345678" or "13812345678") and its NUL */
#define PHONE_NORM_SIZE 16
/* enough for any mask produced here from a normalised value */
#define IDCARD_MASK_SIZE 19
#define PHONE_MASK_SIZE 16

struct idcard_info {
	char normalized[IDCARD_LEN + 1]; /* 18 chars, check char upper-case 'X' */
	/*
	 * Digits 7-14. May lie before 1900 (GB 11643 allows 18xx), which date_is_valid()
	 * rejects: treat it as a plain value, not as a date to feed date_parse().
	 */
	struct date birth;
	int gender; /* 1 男 (17th digit odd), 2 女 (even): GB/T 2261.1 codes */
};

/*
 * Parse an ID number as typed or imported: surrounding ASCII/full-width spaces,
 * full-width digits, x/ｘ/Ｘ and one leading or trailing apostrophe (Excel's text
 * marker) are accepted. Returns 0 and fills out, or E_INVALID with field "id_number"
 * and rule member.id_number.format | .birth_date | .checksum. No "today" check.
 */
int idcard_parse(const char *input, struct idcard_info *out, struct err *e);
/* As idcard_parse, and also refuses (rule member.id_number.birth_date) a birth after today. */
int idcard_parse_on(const char *input, struct date today, struct idcard_info *out, struct err *e);
/*
 * Display form: first 6, eight '*', last 4 ("110105********002X"). Any other length
 * (an old 15-digit number, say) keeps a quarter at each end at most, so never more than
 * half is in clear; non-ASCII input becomes "********". Cut if size is too small;
 * IDCARD_MASK_SIZE fits any 18-char input.
 */
void idcard_mask(const char *normalized, char *out, size_t size);
/* The check char ('0'..'9' or 'X') for 17 leading digits, or -1 if they are not 17 digits. */
int idcard_check_char(const char *first17);

/*
 * Mobile: 11 digits 1[3-9]xxxxxxxxx, with an optional +86/0086/86 prefix, spaces and
 * dashes anywhere. Landline: area code (010, 02x, or 0[3-9]xx), optional '-',
 * 7-8 digit local number; normalised "0371-12345678".
 * Full-width digits and spaces are accepted. Returns 0, or E_INVALID with field
 * "phone" and rule "member.phone.format" (also for an empty value: callers decide
 * whether the field is optional). out needs PHONE_NORM_SIZE bytes.
 */
int phone_normalize(const char *in, char *out, size_t size, struct err *e);
/* mobile "138****5678"; landline keeps area code and last 4: "0371-****5678" */
void phone_mask(const char *normalized, char *out, size_t size);
#endif
