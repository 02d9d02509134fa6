/* The attachment type sniffer: the file's first bytes decide, never its name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/attachment.h"
#include "util/banned.h"

static void test_accepted_types(void **state)
{
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
	static const unsigned char mp4[] = { 0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0 };
	(void)state;
	assert_string_equal(attachment_sniff((const unsigned char *)"%PDF-1.7\n", 9), "application/pdf");
	assert_string_equal(attachment_sniff(jpeg, sizeof(jpeg)), "image/jpeg");
	assert_string_equal(attachment_sniff(png, sizeof(png)), "image/png");
	assert_string_equal(attachment_sniff(mp4, sizeof(mp4)), "video/mp4");
}

static void test_refused_types(void **state)
{
	static const unsigned char mov[] = { 0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' ', 0 };
	static const unsigned char exe[] = { 'M', 'Z', 0x90, 0 };
	(void)state;
	assert_null(attachment_sniff((const unsigned char *)"<html>", 6));
	assert_null(attachment_sniff((const unsigned char *)"%PDF", 4)); /* truncated magic */
	assert_null(attachment_sniff(mov, sizeof(mov)));                   /* QuickTime is not MP4 */
	assert_null(attachment_sniff(exe, sizeof(exe)));
	assert_null(attachment_sniff((const unsigned char *)"", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_types),
		cmocka_unit_test(test_refused_types),
	};
	return cmocka_run_group_tests_name("attachment sniffing", tests, NULL, NULL);
}
