#include "domain/idcard.h"
#include <string.h>
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Longest raw input looked at. 18 full-width characters are 54 bytes; the rest is
 * room for apostrophes and padding. Longer input is refused outright rather than
 * normalised into a cut buffer, where trimming could turn junk into a valid number.
 */
#define IDCARD_INPUT_MAX 128
#define PHONE_INPUT_MAX 64
/* longest value phone_mask/idcard_mask will shape; anything longer is not ours */
#define MASK_INPUT_MAX 48

static const int id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
/* S = 0..10 -> check char */
static const char id_checks[] = "10X98765432";

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* n digits at s as a number; the caller has checked they are digits */
static int digits_value(const char *s, int n)
{
	int v = 0, i;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int idcard_check_char(const char *first17)
{
	int i, sum = 0;

	if (!first17)
		return -1;
	/* a short string stops at its NUL, which is not a digit */
	for (i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return -1;
		sum += (first17[i] - '0') * id_weights[i];
	}
	return id_checks[sum % 11];
}

/* Excel's text marker is ASCII; Chinese input methods turn it into a curly quote */
static size_t apostrophe_len(const char *s)
{
	if (s[0] == '\'')
		return 1;
	if (!strncmp(s, "\xE2\x80\x98", 3) || !strncmp(s, "\xE2\x80\x99", 3))
		return 3;
	return 0;
}

/* normalise an ID number as typed into buf (>= IDCARD_INPUT_MAX + 1 bytes) */
static void idcard_clean(const char *input, char *buf, size_t size)
{
	size_t len, n, i;

	text_normalize(input, buf, size);
	n = apostrophe_len(buf);
	if (n)
		memmove(buf, buf + n, strlen(buf + n) + 1);
	len = strlen(buf);
	if (len >= 3 && apostrophe_len(buf + len - 3) == 3)
		buf[len - 3] = '\0';
	else if (len >= 1 && buf[len - 1] == '\'')
		buf[len - 1] = '\0';
	/* spaces between the apostrophe and the digits */
	text_normalize(buf, buf, size);
	for (i = 0; buf[i]; i++)
		if (buf[i] == 'x')
			buf[i] = 'X';
}

static int idcard_parse_impl(const char *input, const struct date *today, struct idcard_info *out,
			     struct err *e)
{
	char buf[IDCARD_INPUT_MAX + 1];
	struct date birth;
	size_t len;
	int rc = 0, check;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!input || strlen(input) > IDCARD_INPUT_MAX) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.format",
			     "公民身份号码格式错误：应为18位，前17位为数字，末位为数字或X");
		goto out;
	}
	idcard_clean(input, buf, sizeof(buf));
	len = strlen(buf);
	if (len == 0) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.format",
			     "公民身份号码不能为空");
		goto out;
	}
	if (len == 15 && all_digits(buf, 15)) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.format",
			     "15位旧身份证号码已停止使用，请升级为18位公民身份号码");
		goto out;
	}
	if (len != IDCARD_LEN || !all_digits(buf, 17) || !(is_digit(buf[17]) || buf[17] == 'X')) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.format",
			     "公民身份号码格式错误：应为18位，前17位为数字，末位为数字或X");
		goto out;
	}
	/*
	 * The date is checked before the checksum: a typo in the date usually breaks both,
	 * and "the date is wrong" helps the user more than a check char that would only
	 * make the wrong date pass.
	 */
	birth.y = digits_value(buf + 6, 4);
	birth.m = digits_value(buf + 10, 2);
	birth.d = digits_value(buf + 12, 2);
	/* GB 11643 numbers carry the century, and 18xx births are valid (440524188001010014) */
	if (birth.y < 1800 || birth.y > 2200 || birth.m < 1 || birth.m > 12 || birth.d < 1 ||
	    birth.d > date_days_in_month(birth.y, birth.m)) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.birth_date",
			     "公民身份号码第7至14位（%.8s）不是有效的出生日期", buf + 6);
		goto out;
	}
	if (today && date_cmp(birth, *today) > 0) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.birth_date",
			     "公民身份号码中的出生日期%04d-%02d-%02d晚于今天", birth.y, birth.m,
			     birth.d);
		goto out;
	}
	check = idcard_check_char(buf);
	if (check != buf[17]) {
		rc = err_set(e, E_INVALID, "id_number", "member.id_number.checksum",
			     "公民身份号码校验码错误：按前17位计算，末位应为%c，而不是%c", check,
			     buf[17]);
		goto out;
	}
	if (out) {
		memcpy(out->normalized, buf, IDCARD_LEN);
		out->normalized[IDCARD_LEN] = '\0';
		out->birth = birth;
		out->gender = (buf[16] - '0') % 2 ? 1 : 2;
	}
out:
	return rc;
}

int idcard_parse(const char *input, struct idcard_info *out, struct err *e)
{
	return idcard_parse_impl(input, NULL, out, e);
}

int idcard_parse_on(const char *input, struct date today, struct idcard_info *out, struct err *e)
{
	return idcard_parse_impl(input, &today, out, e);
}

static int is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7E)
			return 0;
	return 1;
}

/* s with all but its first head and last tail bytes replaced by '*', cut to size */
static void mask_middle(const char *s, size_t head, size_t tail, char *out, size_t size)
{
	char buf[MASK_INPUT_MAX + 1];
	size_t len = strlen(s), i;

	/* callers bound len by MASK_INPUT_MAX */
	for (i = 0; i < len; i++)
		buf[i] = (i < head || i + tail >= len) ? s[i] : '*';
	buf[len] = '\0';
	strlcpy_z(out, buf, size);
}

void idcard_mask(const char *normalized, char *out, size_t size)
{
	size_t len;

	if (!out || size == 0)
		return;
	if (!normalized || !is_plain_ascii(normalized) || strlen(normalized) > MASK_INPUT_MAX) {
		strlcpy_z(out, "********", size);
		return;
	}
	len = strlen(normalized);
	if (len == IDCARD_LEN)
		mask_middle(normalized, 6, 4, out, size);
	else
		mask_middle(normalized, len / 4, len / 4, out, size);
}

static int phone_error(struct err *e)
{
	return err_set(e, E_INVALID, "phone", "member.phone.format",
		       "联系电话格式错误：手机号为1开头的11位数字，固定电话为区号加7至8位号码，"
		       "如0371-12345678");
}

int phone_normalize(const char *in, char *out, size_t size, struct err *e)
{
	char buf[PHONE_INPUT_MAX + 1], digits[PHONE_INPUT_MAX + 1], res[PHONE_NORM_SIZE];
	const char *d;
	size_t i, nd = 0, area, local;
	int plus = 0, rc = 0;

	if (out && size)
		out[0] = '\0';
	if (!in || strlen(in) > PHONE_INPUT_MAX) {
		rc = phone_error(e);
		goto out;
	}
	text_normalize(in, buf, sizeof(buf));
	for (i = 0; buf[i]; i++) {
		if (is_digit(buf[i]))
			digits[nd++] = buf[i];
		else if (buf[i] == '+' && i == 0)
			plus = 1;
		else if (buf[i] != ' ' && buf[i] != '-')
			break;
	}
	digits[nd] = '\0';
	if (buf[i]) {
		rc = phone_error(e);
		goto out;
	}
	if (nd == 0) {
		rc = err_set(e, E_INVALID, "phone", "member.phone.format", "联系电话不能为空");
		goto out;
	}
	/* only mainland numbers: a '+' must be +86, and 86/0086 are taken off mobiles */
	d = digits;
	if (plus) {
		if (strncmp(digits, "86", 2)) {
			rc = phone_error(e);
			goto out;
		}
		d += 2;
	} else if (nd == 15 && !strncmp(digits, "0086", 4)) {
		d += 4;
	} else if (nd == 13 && !strncmp(digits, "86", 2)) {
		d += 2;
	}
	if (strlen(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') {
		xsnprintf(res, sizeof(res), "%s", d);
	} else if (d == digits && d[0] == '0' && d[1] != '0') {
		/*
		 * Area codes are 010 and 020-029 (three digits) or 0[3-9]xx (four), so the
		 * split needs no separator and a misplaced '-' cannot change the number.
		 */
		area = (d[1] == '1' || d[1] == '2') ? 3 : 4;
		if (nd <= area || (d[1] == '1' && d[2] != '0')) {
			rc = phone_error(e);
			goto out;
		}
		local = nd - area;
		if (local < 7 || local > 8) {
			rc = phone_error(e);
			goto out;
		}
		xsnprintf(res, sizeof(res), "%.*s-%s", (int)area, d, d + area);
	} else {
		rc = phone_error(e);
		goto out;
	}
	if (!out || strlcpy_z(out, res, size)) {
		if (out && size)
			out[0] = '\0';
		rc = err_set(e, E_INTERNAL, "phone", "", "联系电话输出缓冲区过小");
		goto out;
	}
out:
	return rc;
}

void phone_mask(const char *normalized, char *out, size_t size)
{
	const char *dash;
	size_t len, area;

	if (!out || size == 0)
		return;
	if (!normalized || !is_plain_ascii(normalized) || strlen(normalized) > MASK_INPUT_MAX) {
		strlcpy_z(out, "****", size);
		return;
	}
	len = strlen(normalized);
	dash = strchr(normalized, '-');
	if (len == 11 && normalized[0] == '1') {
		mask_middle(normalized, 3, 4, out, size);
	} else if (dash && len >= (size_t)(dash - normalized) + 1 + 4) {
		area = (size_t)(dash - normalized) + 1;
		mask_middle(normalized, area, 4, out, size);
	} else if (len > 4) {
		mask_middle(normalized, 0, 4, out, size);
	} else {
		mask_middle(normalized, 0, 0, out, size);
	}
}
