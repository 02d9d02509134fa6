#ifndef SV_COMMON_H
#define SV_COMMON_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Field readers shared by 第一书记 (secretary.c) and 志愿服务 (volunteer.c); their text
 * fields are read with field_text (domain/field.h). Errors name the field: a wrong JSON
 * type is 400, a bad value 422.
 */
/* A 'YYYY-MM-DD' date field; out untouched when absent (*present 0). */
int sv_date(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, char out[11],
	    int *present);
/* The member's name if the member exists in the actor's scope; else 422 on field. */
int sv_member_in_scope(struct ctx *ctx, int64_t member_id, const char *field, char *name, size_t size);
#endif
