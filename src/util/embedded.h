#ifndef EMBEDDED_H
#define EMBEDDED_H
#include <stddef.h>
/* Files compiled into the binary by tools/embed.c; tables end with a NULL name. */
struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embedded_file embedded_sql[];
extern const struct embedded_file embedded_web[];
const struct embedded_file *embedded_find(const struct embedded_file *table, const char *name);
#endif
