#include "util/text.h"
#include <string.h>
#include "util/limits.h"
#include "util/banned.h"

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t n, i;
	uint32_t v;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	/*
	 * The lead byte fixes the length; the narrowed second-byte ranges are what
	 * exclude overlong forms (E0, F0), surrogates (ED) and values past U+10FFFF (F4),
	 * as in the Unicode "well-formed byte sequences" table.
	 */
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		n = 2;
		v = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		n = 3;
		v = u[0] & 0x0F;
		if (u[0] == 0xE0)
			lo = 0xA0;
		else if (u[0] == 0xED)
			hi = 0x9F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		n = 4;
		v = u[0] & 0x07;
		if (u[0] == 0xF0)
			lo = 0x90;
		else if (u[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (u[i] & 0x3F);
	}
	*cp = v;
	return n;
}

int utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	if (!s)
		return len == 0;
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* whitespace for trimming: ASCII blanks plus the spaces imports bring along */
static int is_trim_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
	       cp == 0xA0 || cp == 0x3000 || cp == 0xFEFF;
}

void text_normalize(const char *in, char *out, size_t size)
{
	size_t len, i = 0, o = 0, keep = 0, n, elen;
	int started = 0, space;
	uint32_t cp;
	char enc[4];

	if (!out || size == 0)
		return;
	if (!in) {
		out[0] = '\0';
		return;
	}
	len = strlen(in);
	while (i < len) {
		n = utf8_decode(in + i, len - i, &cp);
		if (n == 0) {
			/* pass an invalid byte through: validation, not normalisation, rejects it */
			enc[0] = in[i];
			elen = 1;
			n = 1;
			space = 0;
		} else if (cp >= 0xFF01 && cp <= 0xFF5E) {
			enc[0] = (char)(cp - 0xFEE0);
			elen = 1;
			space = 0;
		} else if (cp == 0x3000 || cp == 0xA0) {
			enc[0] = ' ';
			elen = 1;
			space = 1;
		} else {
			/* copied before anything is written, so in == out stays safe */
			memcpy(enc, in + i, n);
			elen = n;
			space = is_trim_space(cp);
		}
		i += n;
		if (!started && space)
			continue;
		started = 1;
		if (o + elen >= size)
			break; /* no room for the whole character: stop on a boundary */
		memcpy(out + o, enc, elen);
		o += elen;
		if (!space)
			keep = o;
	}
	out[keep] = '\0';
}

int text_is_clean(const char *s)
{
	size_t len, i = 0, n;
	uint32_t cp;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return 0;
		/* C1 controls (U+0080..U+009F) are as invisible as C0 ones and come from mis-decoded imports */
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			return 0;
		i += n;
	}
	return 1;
}

/* [*start, *end) of s without surrounding whitespace; invalid bytes count as content */
static void trim_span(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t i = 0, last = 0, n;
	int started = 0;
	uint32_t cp;

	*start = *end = 0;
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cp = 0xFFFD;
		}
		if (!is_trim_space(cp)) {
			if (!started)
				*start = i;
			started = 1;
			last = i + n;
		}
		i += n;
	}
	if (started)
		*end = last;
}

int name_validate(const char *name, struct err *e, const char *field)
{
	char buf[CAP_NAME_LEN + 1];
	size_t start, end, chars;
	int rc = 0;

	if (!name) {
		rc = err_set(e, E_INVALID, field, "text.name", "名称不能为空");
		goto out;
	}
	trim_span(name, strlen(name), &start, &end);
	if (end == start) {
		rc = err_set(e, E_INVALID, field, "text.name", "名称不能为空");
		goto out;
	}
	if (end - start > CAP_NAME_LEN) {
		rc = err_set(e, E_INVALID, field, "text.name",
			     "名称过长：最多%d个字符且不超过%d字节", NAME_MAX_CHARS, CAP_NAME_LEN);
		goto out;
	}
	memcpy(buf, name + start, end - start);
	buf[end - start] = '\0';
	if (!text_is_clean(buf)) {
		rc = err_set(e, E_INVALID, field, "text.name", "名称含有无效字符或控制字符");
		goto out;
	}
	chars = utf8_chars(buf);
	if (chars > NAME_MAX_CHARS) {
		rc = err_set(e, E_INVALID, field, "text.name",
			     "名称过长：最多%d个字符，现为%zu个", NAME_MAX_CHARS, chars);
		goto out;
	}
out:
	return rc;
}
