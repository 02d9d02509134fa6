/*
 * libFuzzer harness: the ID number and phone validators (domain/idcard.h), which see
 * every form field and every imported cell. The input is one string, as typed.
 * Checks beyond "no crash": an accepted number is 18 chars, upper-case X, its check
 * char recomputes, its birth is not after today, and normalising it again is a no-op.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "domain/idcard.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct date today = { 2026, 6, 30 };
	char *s = malloc(size + 1);
	struct idcard_info info, again;
	struct err e;
	char mask[IDCARD_MASK_SIZE], norm[PHONE_NORM_SIZE], pmask[PHONE_MASK_SIZE], small[5];
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&e, 0, sizeof(e));
	if (idcard_parse_on(s, today, &info, &e) == 0) {
		if (strlen(info.normalized) != IDCARD_LEN || idcard_check_char(info.normalized) != info.normalized[17])
			abort();
		if (info.gender != 1 && info.gender != 2)
			abort();
		memset(&e, 0, sizeof(e));
		if (idcard_parse(info.normalized, &again, &e) || strcmp(again.normalized, info.normalized))
			abort();
		idcard_mask(info.normalized, mask, sizeof(mask));
		if (strlen(mask) != IDCARD_LEN)
			abort();
	}
	/* the mask of anything (old 15-digit numbers, garbage from imports), whole and cut */
	idcard_mask(s, mask, sizeof(mask));
	idcard_mask(s, small, sizeof(small));
	(void)idcard_check_char(s);
	memset(&e, 0, sizeof(e));
	if (phone_normalize(s, norm, sizeof(norm), &e) == 0) {
		phone_mask(norm, pmask, sizeof(pmask));
		memset(&e, 0, sizeof(e));
		if (phone_normalize(norm, pmask, sizeof(pmask), &e) || strcmp(norm, pmask))
			abort();
	}
	free(s);
	return 0;
}
