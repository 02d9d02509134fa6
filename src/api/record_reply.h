#ifndef RECORD_REPLY_H
#define RECORD_REPLY_H
#include <stdint.h>
#include "api/api.h"
/*
 * The two steps around a write that record handlers share: reading a body that may hold
 * only the listed fields, and answering with the record as its getter renders it (so a
 * create or update replies with exactly what a GET would show).
 */
/* The body as an object with no field outside allowed (NULL-terminated); *body owned by the caller, NULL on error. */
int api_body_fields(struct request *req, const char *const *allowed, json_t **body);

typedef int (*api_record_getter)(struct ctx *ctx, int64_t id, json_t **out);
/* Replies status with get(id); the getter's error (e.g. 404) otherwise. */
int api_reply_record(struct request *req, struct response *res, api_record_getter get, int status, int64_t id);

/* The write handlers of a record: read the body (only fields), write, reply with get. */
typedef int (*api_record_create)(struct ctx *ctx, json_t *body, int64_t *id);
typedef int (*api_record_update)(struct ctx *ctx, int64_t id, json_t *body);
/* 201 with the new record */
int api_create_record(struct request *req, struct response *res, const char *const *fields, api_record_create create,
		      api_record_getter get);
/* 200 with record id as it is after the write */
int api_update_record(struct request *req, struct response *res, const char *const *fields, api_record_update update,
		      api_record_getter get, int64_t id);
#endif
