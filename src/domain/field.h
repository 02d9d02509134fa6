#ifndef FIELD_H
#define FIELD_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Fields of a request body read inside the domain with the errors every module gives
 * (see also body.h): a wrong JSON type is 400 naming the field, a bad value 422 naming
 * the field and a rule, a missing required value 422 field.required.
 */
/*
 * 0 when s is valid UTF-8 of at most max_chars code points with no control characters
 * (line breaks and tabs allowed when multiline); else 422 field.text on key.
 */
int field_text_check(struct ctx *ctx, const char *key, const char *label, const char *s, size_t max_chars,
		     int multiline);
/*
 * A text field checked by field_text_check. *out borrows the JSON string: NULL when
 * absent, null or "" (required → 422 field.required). *present (may be NULL) tells
 * whether the key was given at all.
 */
int field_text(struct ctx *ctx, json_t *body, const char *key, const char *label, int required, size_t max_chars,
	       int multiline, const char **out, int *present);
/*
 * A 'YYYY-MM-DD' field that may be cleared: absent → out untouched and *present 0;
 * null or "" → out ""; else the date, normalized (422 field.date when it is none).
 * present may be NULL.
 */
int field_date(struct ctx *ctx, json_t *body, const char *key, const char *label, char out[11], int *present);
/* body.version, required: a missing one is 422 field.required, a non-integer 400 */
int field_version(struct ctx *ctx, json_t *body, int64_t *version);
/* body.version must be current: else 409 store.stale naming what ("该<what>已被他人修改…") */
int field_version_current(struct ctx *ctx, json_t *body, int64_t current, const char *what);
/*
 * The organization a record is issued in (a notice's sender, a course's publisher):
 * body.org_id or, absent or null, the actor's scope root. Not an integer: 400; none:
 * 422 field.required with missing_msg; outside the scope: 404 (org_require_in_scope);
 * a 党小组: 422 group_rule with group_msg. All name the field org_id.
 */
struct org;
int field_issuing_org(struct ctx *ctx, json_t *body, struct org *o, const char *missing_msg, const char *group_rule,
		      const char *group_msg);
/*
 * Runs a versioned update: st ends "WHERE id = ? AND version = ?", its parameters nbound+1
 * and nbound+2; no row changed means someone else was first: 409 store.stale with stale_msg.
 */
int field_run_versioned(struct ctx *ctx, struct stmt *st, int nbound, int64_t id, int64_t version,
			const char *stale_msg);
#endif
