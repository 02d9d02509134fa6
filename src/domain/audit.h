#ifndef AUDIT_H
#define AUDIT_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * The append-only, hash-chained audit log. Every write and every reveal of personal
 * data appends one entry inside the same transaction as the change, so either both
 * land or neither does. Each entry's hash covers the previous entry's hash and all of
 * its own fields; editing or removing any row breaks the chain at that row.
 * before/after are borrowed (not freed); NULL for "none". They must never contain
 * plaintext personal data: pass the masked renderings.
 */
int audit_append(struct ctx *ctx, const char *action, const char *entity, int64_t entity_id,
		 json_t *before, json_t *after);

struct audit_verify_result {
	int ok;
	int64_t count;
	int64_t first_bad_id; /* 0 when ok */
	char reason[160];
};
/* Walks the whole chain. Returns 0 when the walk ran (see result.ok), else a store error. */
int audit_verify(struct ctx *ctx, struct audit_verify_result *res);

/* Page through entries (newest first) as a JSON array; admins only; filters optional. */
int audit_list(struct ctx *ctx, const char *entity, int64_t entity_id, int page, int per_page,
	       json_t **items, int64_t *total);
#endif
