/* Code tables of the national collection form (shared/data/codes.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "domain/codes.h"
#include "util/banned.h"

static void test_counts(void **state)
{
	size_t n = 99;
	(void)state;

	assert_non_null(code_entries(CODE_GENDER, &n));
	assert_int_equal(n, 4);
	assert_non_null(code_entries(CODE_ETHNICITY, &n));
	assert_int_equal(n, 56 + 3);
	assert_non_null(code_entries(CODE_EDUCATION, &n));
	assert_int_equal(n, 20);
	assert_non_null(code_entries(CODE_JOB, &n));
	assert_int_equal(n, 49);
	assert_null(code_entries((enum code_table)42, &n));
	assert_int_equal(n, 0);
}

/* ethnicities 01..56 in order, then 91, 92, 93 */
static void test_ethnicity_table(void **state)
{
	const struct code_entry *t;
	size_t n, i;
	char want[3];
	(void)state;

	t = code_entries(CODE_ETHNICITY, &n);
	for (i = 0; i < 56; i++) {
		want[0] = (char)('0' + (i + 1) / 10);
		want[1] = (char)('0' + (i + 1) % 10);
		want[2] = '\0';
		assert_string_equal(t[i].code, want);
		/* every one of the 56 names ends in 族 */
		assert_true(strlen(t[i].name) > 3);
		assert_string_equal(t[i].name + strlen(t[i].name) - 3, "族");
	}
	assert_string_equal(t[56].code, "91");
	assert_string_equal(t[57].code, "92");
	assert_string_equal(t[58].code, "93");
	assert_string_equal(code_name(CODE_ETHNICITY, "01"), "汉族");
	assert_string_equal(code_name(CODE_ETHNICITY, "02"), "蒙古族");
	assert_string_equal(code_name(CODE_ETHNICITY, "05"), "维吾尔族");
	assert_string_equal(code_name(CODE_ETHNICITY, "29"), "柯尔克孜族");
	assert_string_equal(code_name(CODE_ETHNICITY, "43"), "乌孜别克族");
	assert_string_equal(code_name(CODE_ETHNICITY, "56"), "基诺族");
	assert_string_equal(code_name(CODE_ETHNICITY, "91"), "其他族");
	assert_string_equal(code_name(CODE_ETHNICITY, "92"), "外国血统");
	assert_string_equal(code_name(CODE_ETHNICITY, "93"), "外国民族");
	assert_null(code_name(CODE_ETHNICITY, "57"));
	assert_null(code_name(CODE_ETHNICITY, "1"));
}

static void test_education_table(void **state)
{
	static const char *const codes[] = { "11", "12", "13", "1A", "1B", "21", "22",
					     "23", "24", "2A", "2B", "2C", "2D", "41",
					     "44", "47", "6",  "7",  "8",  "9" };
	const struct code_entry *t;
	size_t n, i;
	(void)state;

	t = code_entries(CODE_EDUCATION, &n);
	assert_int_equal(n, sizeof(codes) / sizeof(codes[0]));
	for (i = 0; i < n; i++) {
		assert_string_equal(t[i].code, codes[i]);
		assert_non_null(code_name(CODE_EDUCATION, codes[i]));
	}
	assert_string_equal(code_name(CODE_EDUCATION, "11"), "博士研究生");
	assert_string_equal(code_name(CODE_EDUCATION, "12"), "硕士研究生");
	assert_string_equal(code_name(CODE_EDUCATION, "1A"), "中央党校研究生");
	assert_string_equal(code_name(CODE_EDUCATION, "1B"), "省（区、市）委党校研究生");
	assert_string_equal(code_name(CODE_EDUCATION, "21"), "大学");
	assert_string_equal(code_name(CODE_EDUCATION, "22"), "大专");
	assert_string_equal(code_name(CODE_EDUCATION, "2D"), "省（区、市）委党校大专");
	assert_string_equal(code_name(CODE_EDUCATION, "41"), "中等专科");
	assert_string_equal(code_name(CODE_EDUCATION, "6"), "普通高中");
	assert_string_equal(code_name(CODE_EDUCATION, "9"), "其他");
	/* not GB/T 4658: these codes do not exist here */
	assert_null(code_name(CODE_EDUCATION, "10"));
	assert_null(code_name(CODE_EDUCATION, "20"));
	assert_null(code_name(CODE_EDUCATION, "1a"));
}

static void test_job_and_gender_tables(void **state)
{
	(void)state;
	assert_string_equal(code_name(CODE_JOB, "011"), "公务员");
	assert_string_equal(code_name(CODE_JOB, "0218"), "民办非企业专业技术岗位");
	assert_string_equal(code_name(CODE_JOB, "11"), "农牧渔业生产人员");
	assert_string_equal(code_name(CODE_JOB, "2"), "解放军、武警");
	assert_string_equal(code_name(CODE_JOB, "502"), "退休人员");
	assert_string_equal(code_name(CODE_JOB, "606"), "（转业）待安置、学生毕业未就业的人员");
	assert_non_null(strstr(code_name(CODE_JOB, "610"), "（不包括内部退养职工）"));
	assert_string_equal(code_name(CODE_JOB, "613"), "其他无业人员");
	assert_null(code_name(CODE_JOB, "614"));
	assert_null(code_name(CODE_JOB, "0219"));

	assert_string_equal(code_name(CODE_GENDER, "1"), "男");
	assert_string_equal(code_name(CODE_GENDER, "2"), "女");
	assert_string_equal(code_name(CODE_GENDER, "0"), "未知");
	assert_string_equal(code_name(CODE_GENDER, "9"), "未说明");
	assert_null(code_name(CODE_GENDER, "3"));
	assert_null(code_name(CODE_GENDER, NULL));
}

static void test_lookup_exact(void **state)
{
	(void)state;
	assert_string_equal(code_lookup(CODE_ETHNICITY, "01"), "01");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "汉族"), "01");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "  壮族　"), "08");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "外国血统"), "92");
	assert_string_equal(code_lookup(CODE_EDUCATION, "1A"), "1A");
	assert_string_equal(code_lookup(CODE_EDUCATION, "1a"), "1A");
	assert_string_equal(code_lookup(CODE_EDUCATION, "２Ｂ"), "2B");
	assert_string_equal(code_lookup(CODE_EDUCATION, "大学"), "21");
	assert_string_equal(code_lookup(CODE_EDUCATION, "中央党校研究生"), "1A");
	assert_string_equal(code_lookup(CODE_EDUCATION, "省（区、市）委党校大学"), "2B");
	/* ASCII brackets for the form's full-width ones */
	assert_string_equal(code_lookup(CODE_EDUCATION, "省(区、市)委党校大学"), "2B");
	assert_string_equal(code_lookup(CODE_JOB, "0211"), "0211");
	assert_string_equal(code_lookup(CODE_JOB, "公务员"), "011");
	assert_string_equal(code_lookup(CODE_JOB, "大学生村官"), "601");
	assert_string_equal(code_lookup(CODE_JOB, "(转业)待安置、学生毕业未就业的人员"), "606");
	assert_string_equal(code_lookup(CODE_GENDER, "1"), "1");
	assert_string_equal(code_lookup(CODE_GENDER, "未说明"), "9");
}

static void test_lookup_aliases(void **state)
{
	(void)state;
	/* ethnicity: name without 族, one-digit codes */
	assert_string_equal(code_lookup(CODE_ETHNICITY, "汉"), "01");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "蒙古"), "02");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "土"), "30");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "土家"), "15");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "其他"), "91");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "1"), "01");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "9"), "09");
	assert_string_equal(code_lookup(CODE_ETHNICITY, "１"), "01");

	/* 学历 wordings */
	assert_string_equal(code_lookup(CODE_EDUCATION, "本科"), "21");
	assert_string_equal(code_lookup(CODE_EDUCATION, "大学本科"), "21");
	assert_string_equal(code_lookup(CODE_EDUCATION, "专科"), "22");
	assert_string_equal(code_lookup(CODE_EDUCATION, "大专"), "22");
	assert_string_equal(code_lookup(CODE_EDUCATION, "硕士"), "12");
	assert_string_equal(code_lookup(CODE_EDUCATION, "硕士研究生"), "12");
	assert_string_equal(code_lookup(CODE_EDUCATION, "博士"), "11");
	assert_string_equal(code_lookup(CODE_EDUCATION, "高中"), "6");
	assert_string_equal(code_lookup(CODE_EDUCATION, "中专"), "41");
	assert_string_equal(code_lookup(CODE_EDUCATION, "初中"), "7");
	assert_string_equal(code_lookup(CODE_EDUCATION, "小学"), "8");

	/* gender words */
	assert_string_equal(code_lookup(CODE_GENDER, "男"), "1");
	assert_string_equal(code_lookup(CODE_GENDER, "女"), "2");
	assert_string_equal(code_lookup(CODE_GENDER, " M "), "1");
	assert_string_equal(code_lookup(CODE_GENDER, "f"), "2");
	assert_string_equal(code_lookup(CODE_GENDER, "男性"), "1");
}

static void test_lookup_unknown(void **state)
{
	char longtext[700];
	(void)state;

	assert_null(code_lookup(CODE_ETHNICITY, "火星族"));
	assert_null(code_lookup(CODE_ETHNICITY, "57"));
	assert_null(code_lookup(CODE_ETHNICITY, "0"));
	assert_null(code_lookup(CODE_ETHNICITY, "汉族人"));
	assert_null(code_lookup(CODE_ETHNICITY, "族"));
	assert_null(code_lookup(CODE_ETHNICITY, ""));
	assert_null(code_lookup(CODE_ETHNICITY, "   "));
	assert_null(code_lookup(CODE_ETHNICITY, NULL));
	/* stems and one-digit codes are ethnicity only */
	assert_null(code_lookup(CODE_JOB, "汉"));
	assert_null(code_lookup(CODE_EDUCATION, "研究生")); /* 11, 12, 13, 1A or 1B? */
	assert_null(code_lookup(CODE_EDUCATION, "学士"));
	assert_null(code_lookup(CODE_EDUCATION, "01"));
	assert_null(code_lookup(CODE_GENDER, "X"));
	assert_null(code_lookup(CODE_GENDER, "男女"));
	assert_null(code_lookup(CODE_JOB, "程序员"));
	assert_null(code_lookup((enum code_table)9, "01"));

	/* long padding must not be cut and trimmed into a match */
	memset(longtext, ' ', sizeof(longtext) - 1);
	memcpy(longtext, "汉族", strlen("汉族"));
	longtext[sizeof(longtext) - 2] = 'x';
	longtext[sizeof(longtext) - 1] = '\0';
	assert_null(code_lookup(CODE_ETHNICITY, longtext));
}

static void test_table_names(void **state)
{
	(void)state;
	assert_string_equal(code_table_name(CODE_GENDER), "gender");
	assert_string_equal(code_table_name(CODE_ETHNICITY), "ethnicity");
	assert_string_equal(code_table_name(CODE_EDUCATION), "education");
	assert_string_equal(code_table_name(CODE_JOB), "job");
}

/* every entry of every table is found by its code and by its name */
static void test_round_trip(void **state)
{
	static const enum code_table all[] = { CODE_GENDER, CODE_ETHNICITY, CODE_EDUCATION,
					       CODE_JOB };
	const struct code_entry *t;
	size_t n, i, k;
	(void)state;

	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
		t = code_entries(all[k], &n);
		for (i = 0; i < n; i++) {
			assert_string_equal(code_name(all[k], t[i].code), t[i].name);
			assert_string_equal(code_lookup(all[k], t[i].code), t[i].code);
			assert_string_equal(code_lookup(all[k], t[i].name), t[i].code);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_ethnicity_table),
		cmocka_unit_test(test_education_table),
		cmocka_unit_test(test_job_and_gender_tables),
		cmocka_unit_test(test_lookup_exact),
		cmocka_unit_test(test_lookup_aliases),
		cmocka_unit_test(test_lookup_unknown),
		cmocka_unit_test(test_table_names),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
