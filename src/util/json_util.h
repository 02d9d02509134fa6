#ifndef JSON_UTIL_H
#define JSON_UTIL_H
#include <jansson.h>
/* Small jansson helpers shared by the domain (audit snapshots) and the API. */
/* a JSON string, or null for NULL / "" */
json_t *json_str_or_null(const char *s);
#endif
