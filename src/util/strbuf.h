#ifndef STRBUF_H
#define STRBUF_H
#include <stddef.h>
/*
 * A growable NUL-terminated byte buffer (git's strbuf). buf is never NULL after
 * strbuf_init. The owner calls strbuf_release; strbuf_detach hands the bytes to the
 * caller, who frees them with free().
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};
extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch_slow(struct strbuf *sb, int c);
/* inline: JSON writers call this per character */
static inline void strbuf_addch(struct strbuf *sb, int c)
{
	if (sb->len + 1 < sb->alloc) {
		sb->buf[sb->len++] = (char)c;
		sb->buf[sb->len] = '\0';
	} else {
		strbuf_addch_slow(sb, c);
	}
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_trim(struct strbuf *sb);
#endif
