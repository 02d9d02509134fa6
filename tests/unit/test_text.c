/* UTF-8 validity, counting, import normalisation and name limits (util/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "util/limits.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define VALID(lit) utf8_valid(lit, sizeof(lit) - 1)

static void test_utf8_valid_good(void **state)
{
	(void)state;
	assert_true(VALID(""));
	assert_true(VALID("abc"));
	assert_true(VALID("党员"));
	assert_true(VALID("\xC2\x80"));             /* U+0080, shortest 2-byte */
	assert_true(VALID("\xDF\xBF"));             /* U+07FF */
	assert_true(VALID("\xE0\xA0\x80"));         /* U+0800, shortest 3-byte */
	assert_true(VALID("\xED\x9F\xBF"));         /* U+D7FF, just below the surrogates */
	assert_true(VALID("\xEE\x80\x80"));         /* U+E000, just above */
	assert_true(VALID("\xEF\xBF\xBF"));         /* U+FFFF */
	assert_true(VALID("\xF0\x90\x80\x80"));     /* U+10000 */
	assert_true(VALID("\xF0\xA0\x80\x80"));     /* U+20000 𠀀 (CJK ext. B, in names) */
	assert_true(VALID("\xF4\x8F\xBF\xBF"));     /* U+10FFFF */
	/* an embedded NUL inside the given length is well-formed */
	assert_true(utf8_valid("a\0b", 3));
	assert_true(utf8_valid(NULL, 0));
}

static void test_utf8_valid_bad(void **state)
{
	(void)state;
	/* overlong forms */
	assert_false(VALID("\xC0\x80"));            /* NUL in 2 bytes */
	assert_false(VALID("\xC1\xBF"));
	assert_false(VALID("\xE0\x80\xAF"));        /* '/' in 3 bytes */
	assert_false(VALID("\xE0\x9F\xBF"));        /* U+07FF in 3 bytes */
	assert_false(VALID("\xF0\x80\x80\xAF"));
	assert_false(VALID("\xF0\x8F\xBF\xBF"));    /* U+FFFF in 4 bytes */
	/* surrogates */
	assert_false(VALID("\xED\xA0\x80"));        /* U+D800 */
	assert_false(VALID("\xED\xBF\xBF"));        /* U+DFFF */
	assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80"));  /* CESU-8 pair */
	/* past U+10FFFF and impossible bytes */
	assert_false(VALID("\xF4\x90\x80\x80"));
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xFE"));
	assert_false(VALID("\xFF"));
	/* truncated sequences */
	assert_false(VALID("\xE5\x85"));            /* 党 without its last byte */
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(VALID("\xC3"));
	assert_false(VALID("ab\xE5"));
	assert_false(utf8_valid("\xE5\x85\x9A", 2)); /* length cuts a valid char */
	/* lone continuation bytes and a non-continuation inside a sequence */
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xBFz"));
	assert_false(VALID("\xE5\x41\x9A"));
	assert_false(VALID("\xC3\xC3"));
	assert_false(utf8_valid(NULL, 1));
}

static void test_utf8_decode(void **state)
{
	uint32_t cp = 0;
	(void)state;

	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(utf8_decode("党", 3, &cp), 3);
	assert_int_equal(cp, 0x515A);
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_decode("\xE0\x80\xAF", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xE5\x85\x9A", 2, &cp), 0);
	assert_int_equal(utf8_decode("", 0, &cp), 0);
}

static void test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(""), 0);
	assert_int_equal(utf8_chars("abc"), 3);
	assert_int_equal(utf8_chars("中国共产党"), 5);
	assert_int_equal(utf8_chars("买买提·艾力"), 6);
	assert_int_equal(utf8_chars("a党\xF0\x9F\x98\x80"), 3);
	assert_int_equal(utf8_chars(NULL), 0);
}

static void expect_norm(const char *in, const char *want)
{
	char out[128];

	text_normalize(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_normalize(void **state)
{
	char buf[64];
	(void)state;

	expect_norm("abc", "abc");
	expect_norm("  abc  ", "abc");
	expect_norm("\t\r\n abc \n", "abc");
	/* full-width ASCII, both ends of the block */
	expect_norm("ＡＢＣ１２３", "ABC123");
	expect_norm("！～", "!~");
	expect_norm("（党支部）", "(党支部)");
	/* U+3000 and NBSP become spaces: trimmed at the ends, kept inside */
	expect_norm("\xE3\x80\x80张\xE3\x80\x80三\xE3\x80\x80", "张 三");
	expect_norm("\xC2\xA0李四\xC2\xA0", "李四");
	/* nothing inside is collapsed */
	expect_norm("a   b", "a   b");
	expect_norm("a\t\tb", "a\t\tb");
	/* a BOM from a CSV file's first cell */
	expect_norm("\xEF\xBB\xBF汉族", "汉族");
	/* other CJK punctuation is left alone */
	expect_norm("省（区、市）委", "省(区、市)委");
	expect_norm("", "");
	expect_norm("   ", "");
	expect_norm(NULL, "");
	/* invalid bytes pass through for validation to catch */
	expect_norm(" a\xFF ", "a\xFF");

	/* in place */
	strlcpy_z(buf, "  ＡＢＣ　", sizeof(buf));
	text_normalize(buf, buf, sizeof(buf));
	assert_string_equal(buf, "ABC");
}

static void test_normalize_truncation(void **state)
{
	char out[8];
	char one[1] = { 'x' };
	(void)state;

	/* 7 bytes fit: "党员" is 6, the third character would split */
	text_normalize("党员党员", out, sizeof(out));
	assert_string_equal(out, "党员");
	assert_true(utf8_valid(out, strlen(out)));
	text_normalize("a党员党员", out, sizeof(out));
	assert_string_equal(out, "a党员");
	text_normalize("abcdefghij", out, sizeof(out));
	assert_string_equal(out, "abcdefg");
	/* full-width input shrinks, so more of it fits */
	text_normalize("１２３４５６７８", out, sizeof(out));
	assert_string_equal(out, "1234567");
	/* size 1: only the terminator */
	text_normalize("abc", one, sizeof(one));
	assert_int_equal(one[0], '\0');
}

static void test_is_clean(void **state)
{
	(void)state;
	assert_true(text_is_clean(""));
	assert_true(text_is_clean("张三"));
	assert_true(text_is_clean("买买提·艾力"));
	assert_true(text_is_clean("第一党支部 (机关)"));
	assert_false(text_is_clean("a\tb"));
	assert_false(text_is_clean("a\nb"));
	assert_false(text_is_clean("a\rb"));
	assert_false(text_is_clean("\x01"));
	assert_false(text_is_clean("a\x1F"));
	assert_false(text_is_clean("a\x7F"));
	assert_false(text_is_clean("a\xC2\x85"));   /* U+0085 NEL, a C1 control */
	assert_false(text_is_clean("\xED\xA0\x80")); /* surrogate */
	assert_false(text_is_clean("\xC0\xAF"));     /* overlong */
	assert_false(text_is_clean("a\xE5\x85"));    /* truncated */
	assert_false(text_is_clean(NULL));
}

static void expect_name_error(const char *name)
{
	struct err e;

	err_clear(&e);
	assert_int_equal(name_validate(name, &e, "name"), E_INVALID);
	assert_int_equal(e.code, E_INVALID);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.rule, "text.name");
	assert_true(strlen(e.message) > 0);
}

static void test_name_validate(void **state)
{
	char buf[128];
	struct err e;
	size_t i;
	(void)state;

	err_clear(&e);
	assert_int_equal(name_validate("张三", &e, "name"), 0);
	assert_int_equal(name_validate("王", &e, "name"), 0);   /* one character is enough */
	assert_int_equal(name_validate("  李四　", &e, "name"), 0);
	assert_int_equal(name_validate("买买提·艾力", &e, "name"), 0);
	assert_int_equal(name_validate("第一党支部", &e, "org_name"), 0);
	assert_int_equal(e.code, E_OK);

	expect_name_error("");
	expect_name_error("   ");
	expect_name_error("\xE3\x80\x80\xE3\x80\x80");
	expect_name_error(NULL);
	expect_name_error("张\t三");
	expect_name_error("张\n三");
	expect_name_error("张\x7F");
	expect_name_error("张\xFF三");
	expect_name_error("\xED\xA0\x80");

	/* the field name is the caller's */
	err_clear(&e);
	assert_int_equal(name_validate("", &e, "org_name"), E_INVALID);
	assert_string_equal(e.field, "org_name");

	/* 30 ASCII characters pass, 31 do not */
	memset(buf, 'a', 30);
	buf[30] = '\0';
	assert_int_equal(name_validate(buf, &e, "name"), 0);
	buf[30] = 'a';
	buf[31] = '\0';
	expect_name_error(buf);

	/* padding does not count */
	memset(buf, ' ', 10);
	memset(buf + 10, 'b', 30);
	memset(buf + 40, ' ', 10);
	buf[50] = '\0';
	assert_int_equal(name_validate(buf, &e, "name"), 0);

	/* 21 CJK characters = 63 bytes pass; 22 = 66 bytes exceed CAP_NAME_LEN */
	buf[0] = '\0';
	for (i = 0; i < 21; i++)
		memcpy(buf + i * 3, "党", 4);
	assert_int_equal(strlen(buf), 63);
	assert_int_equal(name_validate(buf, &e, "name"), 0);
	memcpy(buf + 63, "党", 4);
	assert_true(strlen(buf) > CAP_NAME_LEN);
	expect_name_error(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_good),
		cmocka_unit_test(test_utf8_valid_bad),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_chars),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_normalize_truncation),
		cmocka_unit_test(test_is_clean),
		cmocka_unit_test(test_name_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
