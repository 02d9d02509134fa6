#ifndef NAMED_H
#define NAMED_H
#include <stddef.h>
/*
 * Small fixed tables of {code, Chinese name} (meeting kinds, appraisal categories,
 * member categories …): one lookup for all of them instead of a loop per module.
 */
struct named {
	const char *code, *name;
};
#define NAMED_COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* index of code in t, or -1 (also for NULL) */
int named_index(const struct named *t, size_t n, const char *code);
/* the name for code, or NULL */
const char *named_name_of(const struct named *t, size_t n, const char *code);
/* t[i].code / t[i].name, or "" when i is out of range */
const char *named_code_at(const struct named *t, size_t n, int i);
const char *named_name_at(const struct named *t, size_t n, int i);
#endif
