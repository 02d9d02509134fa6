#include "util/json_util.h"
#include "util/banned.h"

json_t *json_str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}
