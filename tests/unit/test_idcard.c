/* 公民身份号码 (RULES.md §5) and phone numbers: parsing, normalisation, masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "domain/idcard.h"
#include "util/banned.h"

/* parse must fail with E_INVALID on field id_number and exactly this rule */
static void expect_id_error(const char *input, const char *rule)
{
	struct idcard_info info;
	struct err e;

	err_clear(&e);
	assert_int_equal(idcard_parse(input, &info, &e), E_INVALID);
	assert_int_equal(e.code, E_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.rule, rule);
	assert_true(strlen(e.message) > 0);
}

static void expect_id_ok(const char *input, const char *normalized)
{
	struct idcard_info info;
	struct err e;

	err_clear(&e);
	assert_int_equal(idcard_parse(input, &info, &e), 0);
	assert_string_equal(info.normalized, normalized);
}

static void test_valid_examples(void **state)
{
	struct idcard_info info;
	struct err e;
	(void)state;

	err_clear(&e);
	assert_int_equal(idcard_parse("11010519491231002X", &info, &e), 0);
	assert_string_equal(info.normalized, "11010519491231002X");
	assert_int_equal(info.birth.y, 1949);
	assert_int_equal(info.birth.m, 12);
	assert_int_equal(info.birth.d, 31);
	assert_int_equal(info.gender, 2); /* 17th digit 2: even */

	/* born 1880: before date_is_valid's range, still a valid number */
	assert_int_equal(idcard_parse("440524188001010014", &info, &e), 0);
	assert_string_equal(info.normalized, "440524188001010014");
	assert_int_equal(info.birth.y, 1880);
	assert_int_equal(info.birth.m, 1);
	assert_int_equal(info.birth.d, 1);
	assert_int_equal(info.gender, 1); /* 17th digit 1: odd */

	/* leap day in a leap year */
	assert_int_equal(idcard_parse("110105200002290013", &info, &e), 0);
	assert_int_equal(info.birth.m, 2);
	assert_int_equal(info.birth.d, 29);

	/* out may be NULL for a plain check */
	assert_int_equal(idcard_parse("11010519491231002X", NULL, &e), 0);
	/* e may be NULL too: the code still comes back */
	assert_int_equal(idcard_parse("110105194912310021", NULL, NULL), E_INVALID);
}

static void test_gender_digit(void **state)
{
	struct idcard_info info;
	struct err e;
	(void)state;

	/* 17th digit 3: male */
	assert_int_equal(idcard_parse("110105199003071239", &info, &e), 0);
	assert_int_equal(info.gender, 1);
	assert_int_equal(idcard_parse("11010520300101001X", &info, &e), 0);
	assert_int_equal(info.gender, 1);
	/* 17th digit 2: even, female */
	assert_int_equal(idcard_parse("110105202601010027", &info, &e), 0);
	assert_int_equal(info.gender, 2);
}

static void test_normalization(void **state)
{
	(void)state;
	expect_id_ok("11010519491231002x", "11010519491231002X");
	expect_id_ok("  11010519491231002X  ", "11010519491231002X");
	expect_id_ok("\t11010519491231002X\r\n", "11010519491231002X");
	/* U+3000 ideographic spaces and NBSP around */
	expect_id_ok("\xE3\x80\x80" "11010519491231002X" "\xE3\x80\x80", "11010519491231002X");
	expect_id_ok("\xC2\xA0" "11010519491231002X", "11010519491231002X");
	/* full-width digits and full-width Ｘ / ｘ */
	expect_id_ok("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X");
	expect_id_ok("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X");
	expect_id_ok("４４０５２４１８８００１０１００１４", "440524188001010014");
	/* Excel's text marker, leading or trailing, ASCII, curly or full-width */
	expect_id_ok("'11010519491231002X", "11010519491231002X");
	expect_id_ok("11010519491231002x'", "11010519491231002X");
	expect_id_ok(" '440524188001010014 ", "440524188001010014");
	expect_id_ok("\xE2\x80\x98" "440524188001010014", "440524188001010014");
	expect_id_ok("＇440524188001010014", "440524188001010014");
}

static void test_format_errors(void **state)
{
	struct idcard_info info;
	struct err e;
	(void)state;

	/* 15-digit old numbers must be upgraded; the message says 18 */
	err_clear(&e);
	assert_int_equal(idcard_parse("110105491231002", &info, &e), E_INVALID);
	assert_string_equal(e.rule, "member.id_number.format");
	assert_non_null(strstr(e.message, "18"));
	assert_non_null(strstr(e.message, "15"));

	expect_id_error("", "member.id_number.format");
	expect_id_error("   ", "member.id_number.format");
	expect_id_error(NULL, "member.id_number.format");
	expect_id_error("1101051949123100", "member.id_number.format");    /* 16 */
	expect_id_error("11010519491231002", "member.id_number.format");   /* 17 */
	expect_id_error("11010519491231002X1", "member.id_number.format"); /* 19 */
	expect_id_error("11010519491231002A", "member.id_number.format");
	expect_id_error("X10105194912310022", "member.id_number.format");  /* X only last */
	expect_id_error("1101051949123100X2", "member.id_number.format");
	expect_id_error("110105 19491231002X", "member.id_number.format"); /* inner space */
	expect_id_error("''11010519491231002X", "member.id_number.format"); /* one marker */
	expect_id_error("-11010519491231002X", "member.id_number.format");
	/* junk after lots of spaces must not be cut off and trimmed into a valid number */
	expect_id_error("11010519491231002X                                                  "
			"                                                                    junk",
			"member.id_number.format");
}

static void test_birth_date_errors(void **state)
{
	struct idcard_info info;
	struct err e;
	struct date today = { 2026, 1, 1 };
	(void)state;

	/* 1949-02-30 with a correct check char: the date rule, not the checksum */
	expect_id_error("110105194902300012", "member.id_number.birth_date");
	/* 1900 was not a leap year */
	expect_id_error("110105190002290017", "member.id_number.birth_date");
	expect_id_error("110105194913010011", "member.id_number.birth_date"); /* month 13 */
	expect_id_error("110105194900010012", "member.id_number.birth_date"); /* month 0 */
	expect_id_error("110105170001010011", "member.id_number.birth_date"); /* year 1700 */

	/* the future: only idcard_parse_on knows "today" */
	err_clear(&e);
	assert_int_equal(idcard_parse("110105202601020014", &info, &e), 0);
	assert_int_equal(idcard_parse_on("110105202601020014", today, &info, &e), E_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.rule, "member.id_number.birth_date");
	assert_non_null(strstr(e.message, "2026-01-02"));
	/* born today is fine */
	assert_int_equal(idcard_parse_on("110105202601010027", today, &info, &e), 0);
	assert_int_equal(idcard_parse_on("11010519491231002X", today, &info, &e), 0);
	assert_int_equal(info.gender, 2);
	/* idcard_parse_on still runs every other rule */
	err_clear(&e);
	assert_int_equal(idcard_parse_on("110105194912310021", today, &info, &e), E_INVALID);
	assert_string_equal(e.rule, "member.id_number.checksum");
}

static void test_checksum(void **state)
{
	struct idcard_info info;
	struct err e;
	(void)state;

	err_clear(&e);
	assert_int_equal(idcard_parse("110105194912310021", &info, &e), E_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.rule, "member.id_number.checksum");
	/* the message names the expected check char */
	assert_non_null(strstr(e.message, "X"));

	err_clear(&e);
	assert_int_equal(idcard_parse("440524188001010015", &info, &e), E_INVALID);
	assert_string_equal(e.rule, "member.id_number.checksum");
	assert_non_null(strstr(e.message, "4"));

	/* one changed digit in the body breaks the checksum */
	expect_id_error("11010519491231003X", "member.id_number.checksum");
	expect_id_error("21010519491231002X", "member.id_number.checksum");
	expect_id_ok("110105194912310038", "110105194912310038");

	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(idcard_check_char("44052418800101001"), '4');
	assert_int_equal(idcard_check_char("11010519900307123"), '9');
	assert_int_equal(idcard_check_char("1101051949123100"), -1);
	assert_int_equal(idcard_check_char("1101051949123100A"), -1);
	assert_int_equal(idcard_check_char(NULL), -1);
}

static void test_idcard_mask(void **state)
{
	char out[IDCARD_MASK_SIZE];
	char tiny[5];
	(void)state;

	idcard_mask("11010519491231002X", out, sizeof(out));
	assert_string_equal(out, "110105********002X");
	idcard_mask("440524188001010014", out, sizeof(out));
	assert_string_equal(out, "440524********0014");
	/* an old 15-digit number: never more than half in clear */
	idcard_mask("110105491231002", out, sizeof(out));
	assert_string_equal(out, "110*********002");
	idcard_mask("", out, sizeof(out));
	assert_string_equal(out, "");
	idcard_mask(NULL, out, sizeof(out));
	assert_string_equal(out, "********");
	idcard_mask("身份证", out, sizeof(out));
	assert_string_equal(out, "********");
	/* a small buffer is cut, never overrun */
	idcard_mask("11010519491231002X", tiny, sizeof(tiny));
	assert_string_equal(tiny, "1101");
}

static void expect_phone(const char *in, const char *want)
{
	char out[PHONE_NORM_SIZE];
	struct err e;

	err_clear(&e);
	assert_int_equal(phone_normalize(in, out, sizeof(out), &e), 0);
	assert_string_equal(out, want);
}

static void expect_phone_error(const char *in)
{
	char out[PHONE_NORM_SIZE];
	struct err e;

	err_clear(&e);
	assert_int_equal(phone_normalize(in, out, sizeof(out), &e), E_INVALID);
	assert_string_equal(e.field, "phone");
	assert_string_equal(e.rule, "member.phone.format");
	assert_string_equal(out, "");
}

static void test_phone_valid(void **state)
{
	(void)state;
	expect_phone("13812345678", "13812345678");
	expect_phone(" 138 1234 5678 ", "13812345678");
	expect_phone("138-1234-5678", "13812345678");
	expect_phone("+86 138 1234 5678", "13812345678");
	expect_phone("+8613812345678", "13812345678");
	expect_phone("8613812345678", "13812345678");
	expect_phone("008613812345678", "13812345678");
	expect_phone("１３８１２３４５６７８", "13812345678");
	expect_phone("＋８６　１３９００００００００", "13900000000");
	expect_phone("19912345678", "19912345678");
	expect_phone("0371-12345678", "0371-12345678");
	expect_phone("037112345678", "0371-12345678");
	expect_phone("0371 1234567", "0371-1234567");
	expect_phone("010-12345678", "010-12345678");
	expect_phone("01012345678", "010-12345678");
	expect_phone("021 2345 6789", "021-23456789");
	expect_phone("０３７１－１２３４５６７８", "0371-12345678");
}

static void test_phone_invalid(void **state)
{
	char out[8];
	struct err e;
	(void)state;

	expect_phone_error("12812345678");    /* 12x is not a mobile prefix */
	expect_phone_error("10012345678");
	expect_phone_error("1381234567");     /* 10 digits */
	expect_phone_error("138123456789");   /* 12 digits */
	expect_phone_error("23812345678");
	expect_phone_error("+1 415 555 2671");
	expect_phone_error("+86 0371 12345678");
	expect_phone_error("8603712345678");
	expect_phone_error("0371-123456");    /* 6 digits */
	expect_phone_error("0371-123456789"); /* 9 digits */
	expect_phone_error("011-12345678");   /* 01x is only 010 */
	expect_phone_error("001-12345678");
	expect_phone_error("138 1234 567a");
	expect_phone_error("(0371)12345678");
	expect_phone_error("138+12345678");
	expect_phone_error("");
	expect_phone_error("   ");
	expect_phone_error(NULL);

	/* a buffer too small for the result is an internal error, and stays a string */
	err_clear(&e);
	assert_int_equal(phone_normalize("13812345678", out, sizeof(out), &e), E_INTERNAL);
	assert_string_equal(out, "");
}

static void test_phone_mask(void **state)
{
	char out[PHONE_MASK_SIZE];
	(void)state;

	phone_mask("13812345678", out, sizeof(out));
	assert_string_equal(out, "138****5678");
	phone_mask("0371-12345678", out, sizeof(out));
	assert_string_equal(out, "0371-****5678");
	phone_mask("010-12345678", out, sizeof(out));
	assert_string_equal(out, "010-****5678");
	phone_mask("0371-1234567", out, sizeof(out));
	assert_string_equal(out, "0371-***4567");
	phone_mask("123456", out, sizeof(out));
	assert_string_equal(out, "**3456");
	phone_mask("123", out, sizeof(out));
	assert_string_equal(out, "***");
	phone_mask(NULL, out, sizeof(out));
	assert_string_equal(out, "****");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_gender_digit),
		cmocka_unit_test(test_normalization),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_birth_date_errors),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_idcard_mask),
		cmocka_unit_test(test_phone_valid),
		cmocka_unit_test(test_phone_invalid),
		cmocka_unit_test(test_phone_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
