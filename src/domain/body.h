#ifndef BODY_H
#define BODY_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Reading fields of a request body inside the domain, with the errors every module
 * gives: a missing value is 422 field.required naming the field and its Chinese label,
 * a wrong JSON type is 400 naming the field.
 */
/* a required integer */
int body_int_required(struct ctx *ctx, json_t *body, const char *key, const char *label, int64_t *out);
/* an optional string: *out NULL when absent or null */
int body_str_optional(struct ctx *ctx, json_t *body, const char *key, const char **out);
#endif
