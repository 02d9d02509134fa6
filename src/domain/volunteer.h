#ifndef VOLUNTEER_H
#define VOLUNTEER_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 志愿服务: teams of an organization (name, leader, members by member id) and their
 * activities (date, place, title, hours per participant in tenths, participants by
 * member id). A member's hours of a year are the sum over the activities they took part
 * in: one grouped query, so nothing is kept that could drift. Hours per activity are
 * 0.1 to 24 with at most one decimal (rule volunteer.hours).
 *
 * Officers in scope read and write; a member reads their own hours. Writes are audited
 * (entities "volunteer_team", "volunteer_activity"). JSON out-parameters are owned by
 * the caller.
 */
#define VOLUNTEER_HOURS_MAX_X10 240
#define VOLUNTEER_MAX_PEOPLE 500      /* members of a team, participants of an activity */

/* JSON number → tenths of an hour, checking volunteer.hours; 0 or an error on field */
int volunteer_hours_parse(struct ctx *ctx, json_t *v, const char *field, int *x10);

/* body {org_id, name, leader, note, member_ids} */
int volunteer_team_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, and any of the create fields}; member_ids replaces the members */
int volunteer_team_update(struct ctx *ctx, int64_t id, json_t *body);
int volunteer_team_get(struct ctx *ctx, int64_t id, json_t **out);
int volunteer_team_list(struct ctx *ctx, int64_t org_id, const char *q, int page, int per_page, json_t **items,
			int64_t *total);

struct volunteer_filter {
	int64_t org_id, team_id;     /* 0: any (org 0: the actor's scope) */
	const char *from, *to;       /* YYYY-MM-DD or NULL */
	const char *q;               /* title or place contains */
};
/* body {team_id, held_on, place, title, hours, member_ids, note} */
int volunteer_activity_create(struct ctx *ctx, json_t *body, int64_t *id);
int volunteer_activity_update(struct ctx *ctx, int64_t id, json_t *body);
int volunteer_activity_delete(struct ctx *ctx, int64_t id);
int volunteer_activity_get(struct ctx *ctx, int64_t id, json_t **out);
int volunteer_activity_list(struct ctx *ctx, const struct volunteer_filter *f, int page, int per_page, json_t **items,
			    int64_t *total);

/* Per member of the scope: activities and hours in the year, most hours first. */
int volunteer_hours_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items,
			 int64_t *total);
/* One member's year: {year, hours, hours_x10, activities, items: [...]}; no scope check (callers decide). */
int volunteer_member_hours(struct ctx *ctx, int64_t member_id, int year, json_t **out);
#endif
