#include "util/jsonw.h"
#include <inttypes.h>
#include <string.h>
#include "util/banned.h"

void jw_init(struct jw *w, struct strbuf *sb)
{
	w->sb = sb;
	w->first = 1;
}

void jw_open(struct jw *w)
{
	strbuf_addch(w->sb, '{');
	w->first = 1;
}

void jw_close(struct jw *w)
{
	strbuf_addch(w->sb, '}');
	w->first = 0;
}

void jw_array(struct jw *w)
{
	strbuf_addch(w->sb, '[');
	w->first = 1;
}

void jw_array_end(struct jw *w)
{
	strbuf_addch(w->sb, ']');
	w->first = 0;
}

void jw_elem(struct jw *w)
{
	if (!w->first)
		strbuf_addch(w->sb, ',');
	w->first = 0;
}

void jw_key(struct jw *w, const char *key)
{
	if (!w->first)
		strbuf_addch(w->sb, ',');
	w->first = 0;
	strbuf_addch(w->sb, '"');
	strbuf_addstr(w->sb, key); /* keys are literals of ours: nothing to escape */
	strbuf_add(w->sb, "\":", 2);
}

void jw_string(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	strbuf_addch(sb, '"');
	for (; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		strbuf_add(sb, run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"': strbuf_add(sb, "\\\"", 2); break;
		case '\\': strbuf_add(sb, "\\\\", 2); break;
		case '\n': strbuf_add(sb, "\\n", 2); break;
		case '\r': strbuf_add(sb, "\\r", 2); break;
		case '\t': strbuf_add(sb, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			strbuf_add(sb, u, 6);
		}
		}
	}
	strbuf_add(sb, run, (size_t)(p - run));
	strbuf_addch(sb, '"');
}

void jw_str(struct jw *w, const char *key, const char *value)
{
	jw_key(w, key);
	if (value)
		jw_string(w->sb, value);
	else
		strbuf_add(w->sb, "null", 4);
}

void jw_str_or_null(struct jw *w, const char *key, const char *value)
{
	jw_str(w, key, value && *value ? value : NULL);
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	char buf[24];
	int n;
	jw_key(w, key);
	/* hand-rolled: snprintf is a measurable share of a list page */
	n = 0;
	if (v < 0) {
		strbuf_addch(w->sb, '-');
		v = v == INT64_MIN ? INT64_MAX : -v;
	}
	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < 23);
	while (n)
		strbuf_addch(w->sb, buf[--n]);
}

void jw_int_or_null(struct jw *w, const char *key, int64_t v)
{
	if (v)
		jw_int(w, key, v);
	else
		jw_str(w, key, NULL);
}

void jw_bool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	if (v)
		strbuf_add(w->sb, "true", 4);
	else
		strbuf_add(w->sb, "false", 5);
}
