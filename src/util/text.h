#ifndef TEXT_H
#define TEXT_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
/*
 * UTF-8 text helpers for everything users type or import: validity, counting,
 * the import normalisation (full-width ASCII, ideographic spaces) and name checks.
 * Nothing here allocates; outputs go to caller-owned buffers.
 */

/* Longest person or organisation name, in code points (the byte cap is CAP_NAME_LEN). */
#define NAME_MAX_CHARS 30

/*
 * Decode one code point from s (at most len bytes). Returns the sequence length
 * (1..4) and sets *cp, or 0 if the bytes there are not well-formed UTF-8
 * (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* 1 if the len bytes of s are well-formed UTF-8 (no overlongs, no surrogates), else 0 */
int utf8_valid(const char *s, size_t len);
/* number of code points in a NUL-terminated (assumed valid) UTF-8 string; 0 for NULL */
size_t utf8_chars(const char *s);
/*
 * Import normalisation: full-width ASCII (U+FF01..U+FF5E) becomes ASCII, U+3000 and
 * NBSP become a space, leading/trailing whitespace (and a stray BOM U+FEFF at either
 * end) is trimmed; nothing inside is collapsed. Output is cut on a character boundary
 * if it does not fit in size bytes. Invalid bytes are copied through unchanged so a
 * later text_is_clean() still rejects them. in may equal out (the output never runs
 * ahead of the input). Callers that must not act on a cut value should bound the
 * input length first: a cut can expose trailing spaces that are then trimmed.
 */
void text_normalize(const char *in, char *out, size_t size);
/* 1 if s is valid UTF-8 without control characters (C0 incl. TAB/LF, DEL, C1); 0 else */
int text_is_clean(const char *s);
/*
 * A person or organisation name: after trimming whitespace it must be 1..NAME_MAX_CHARS
 * code points, at most CAP_NAME_LEN bytes, and clean text. Returns 0, or E_INVALID with
 * field and rule "text.name" set in e.
 */
int name_validate(const char *name, struct err *e, const char *field);
#endif
