#ifndef TRAINING_H
#define TRAINING_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 冬春轮训: a training organized by a committee (or 党总支, 组织部) for several of its
 * branches on one day. It is recorded once and kept as a trainings row plus one
 * 集中学习 meeting per participating branch (meetings.training_id, 015), so attendance,
 * the study hours of those present and the compliance counts are the meetings' own:
 * compliance.c and the hours reports read them with no change.
 */
#define TRAINING_MAX_BRANCHES 500      /* a county's towns hold their 轮训 in batches */
#define TRAINING_MAX_ATTENDANCE 20000  /* exceptions listed (leave/absent) in one request */

/*
 * body {org_id, branches:[org ids], topic, held_on, start_time, end_time, hours, place?,
 * lecturer?, attendance?:[{member_id, status, reason?}]}. Every member of each branch is
 * present unless the list says otherwise. Rules: training.organizer (not a branch or
 * group), training.branches (at least one, no repeats), training.branch_scope (each a
 * branch inside the organizer's subtree), training.hours (> 0), training.attendee (a
 * listed member belongs to none of the branches). All rows or none; audited. *id set.
 */
int training_create(struct ctx *ctx, json_t *body, int64_t *id);
/* The training with each branch's meeting id, counts and attendance; *out owned by caller. */
int training_get(struct ctx *ctx, int64_t id, json_t **out);
/* Trainings organized within org_id's subtree (0: the actor's scope), year 0 = all, newest first. */
int training_list(struct ctx *ctx, int64_t org_id, int year, int page, int per_page, json_t **items, int64_t *total);
#endif
