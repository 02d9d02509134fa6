#ifndef TITLED_QUERY_H
#define TITLED_QUERY_H
#include <stdint.h>
#include "api/list_params.h"
/*
 * The query string of a managers' list of titled records (notices, courses; see
 * domain/titled.h): ?org= (0: the actor's scope), the page, ?status= (draft, published or
 * withdrawn; -1 when absent) and ?q= (title contains; NULL when absent, points into the
 * request). 400 for an unknown status.
 */
int api_titled_query(struct request *req, struct list_page *lp, int64_t *org_id, int *status, const char **q);
#endif
