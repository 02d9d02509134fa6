/* The shared {code, name} table lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "util/named.h"
#include "util/banned.h"

static const struct named t[] = { { "full", "正式党员" }, { "probationary", "预备党员" } };

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(named_index(t, NAMED_COUNT(t), "probationary"), 1);
	assert_int_equal(named_index(t, NAMED_COUNT(t), "Full"), -1);
	assert_int_equal(named_index(t, NAMED_COUNT(t), NULL), -1);
	assert_string_equal(named_name_of(t, NAMED_COUNT(t), "full"), "正式党员");
	assert_null(named_name_of(t, NAMED_COUNT(t), "x"));
	assert_string_equal(named_code_at(t, NAMED_COUNT(t), 0), "full");
	assert_string_equal(named_name_at(t, NAMED_COUNT(t), 2), "");
	assert_string_equal(named_code_at(t, NAMED_COUNT(t), -1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_lookup) };
	return cmocka_run_group_tests_name("named tables", tests, NULL, NULL);
}
