#ifndef SV_COMMON_H
#define SV_COMMON_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Field readers and small store helpers shared by 第一书记 (secretary.c) and 志愿服务
 * (volunteer.c). Errors name the field: a wrong JSON type is 400, a bad value 422.
 */
#define SV_MAX_BINDS 16

/* Text: valid UTF-8, at most max_chars code points, no control characters (line breaks
 * and tabs allowed when multiline). *out borrows the JSON string; NULL when absent, null
 * or "" (required → 422 field.required). *present (may be NULL) tells whether the key was given. */
int sv_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, size_t max_chars,
	    int multiline, const char **out, int *present);
/* A 'YYYY-MM-DD' date field; out untouched when absent (*present 0). */
int sv_date(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char out[11],
	    int *present);
/* The member's name if the member exists in the actor's scope; else 422 on field. */
int sv_member_in_scope(struct ctx *ctx, int64_t member_id, const char *field, char *name, size_t size);
/* '%q%' for LIKE ... ESCAPE '!' into out */
void sv_like_pattern(const char *q, char *out, size_t size);

/* Positional parameters collected while a query is built, bound in order. */
struct sv_binds {
	int n;
	int is_text[SV_MAX_BINDS];
	const char *text[SV_MAX_BINDS];
	int64_t num[SV_MAX_BINDS];
};
void sv_bind_text(struct sv_binds *b, const char *s);
void sv_bind_int(struct sv_binds *b, int64_t v);
/* Prepares sql and binds b; NULL (ctx->err set) on error. */
struct stmt *sv_prepare(struct ctx *ctx, const char *sql, const struct sv_binds *b);
/* *out = the single integer sql returns */
int sv_count(struct ctx *ctx, const char *sql, const struct sv_binds *b, int64_t *out);
#endif
