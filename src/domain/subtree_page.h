#ifndef SUBTREE_PAGE_H
#define SUBTREE_PAGE_H
#include <stdint.h>
#include "domain/ctx.h"
/*
 * Lists of a subtree that answer one page when the subtree is large. A branch, a town
 * or a county gets its whole list as before; a subtree of more open 党支部 than
 * list_max (config compliance.list_max: a city, a province, with up to ≈ 300,000
 * branches) gets one page of it, with its total, so a province's clerk is not sent
 * hundreds of megabytes nor made to wait for every name of them. The compliance report
 * and its reminders page the same way (meeting.h struct compliance_opts).
 */
struct subtree_page {
	int list_max;       /* 0: config compliance.list_max (SUBTREE_LIST_MAX without a config) */
	int page, per_page; /* 0: 1 and SUBTREE_PER_PAGE */
};
#define SUBTREE_LIST_MAX 5000
#define SUBTREE_PER_PAGE 50

/*
 * out = in with its defaults filled in (in may be NULL); *large = the path range [lo, hi)
 * holds more open branches (kinds branch and joint_branch, not dissolved) than
 * out->list_max. They are counted no further than that: a province's 300,000 took a
 * second. 0 or the store error.
 */
int subtree_page_resolve(struct ctx *ctx, const struct subtree_page *in, const char *lo, const char *hi,
			 struct subtree_page *out, int *large);
#endif
