#include "util/named.h"
#include <string.h>
#include "util/banned.h"

int named_index(const struct named *t, size_t n, const char *code)
{
	size_t i;
	for (i = 0; code && i < n; i++)
		if (t[i].code && !strcmp(t[i].code, code))
			return (int)i;
	return -1;
}

const char *named_name_of(const struct named *t, size_t n, const char *code)
{
	int i = named_index(t, n, code);
	return i < 0 ? NULL : t[i].name;
}

const char *named_code_at(const struct named *t, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? t[i].code : "";
}

const char *named_name_at(const struct named *t, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? t[i].name : "";
}
