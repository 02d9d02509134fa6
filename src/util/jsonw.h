#ifndef JSONW_H
#define JSONW_H
#include <stdint.h>
#include "util/strbuf.h"
/*
 * A streaming JSON writer into a strbuf, for the hot paths (list pages) where building
 * a jansson tree per row costs more than the query. The caller writes the braces and
 * commas through these helpers; strings are escaped here, once.
 * jw_key writes ,"key": (the comma unless first); first is reset by jw_open/jw_array.
 */
struct jw {
	struct strbuf *sb;
	int first;
};

void jw_init(struct jw *w, struct strbuf *sb);
void jw_open(struct jw *w);    /* { */
void jw_close(struct jw *w);   /* } */
void jw_array(struct jw *w);   /* [ */
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_elem(struct jw *w);    /* a comma between array elements */
void jw_string(struct strbuf *sb, const char *s);   /* quoted and escaped */
void jw_str(struct jw *w, const char *key, const char *value);      /* "" or NULL → the string / null */
void jw_str_or_null(struct jw *w, const char *key, const char *value); /* "" → null */
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_int_or_null(struct jw *w, const char *key, int64_t v);     /* 0 → null */
void jw_bool(struct jw *w, const char *key, int v);
#endif
