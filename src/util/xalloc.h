#ifndef XALLOC_H
#define XALLOC_H
#include <stddef.h>
/*
 * All allocation goes through these: they abort on OOM and check size overflow,
 * so callers never test for NULL. The caller of each frees the result with free().
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for arrays: aborts if nmemb * size overflows */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* snprintf that aborts on truncation: for fixed buffers whose size is a proven bound */
void xsnprintf(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* copy at most size-1 bytes and NUL-terminate; returns 1 if truncated */
int strlcpy_z(char *dst, const char *src, size_t size);

/* grow an array: ALLOC_GROW(items, count + 1, alloc) (git's ALLOC_GROW) */
#define ALLOC_GROW(x, nr, alloc)                                               \
	do {                                                                   \
		if ((nr) > (alloc)) {                                          \
			(alloc) = (alloc) < 16 ? 16 : (alloc) * 2;             \
			if ((alloc) < (nr))                                    \
				(alloc) = (nr);                                \
			(x) = xreallocarray((x), (alloc), sizeof(*(x)));       \
		}                                                              \
	} while (0)
#endif
