#ifndef COURSE_H
#define COURSE_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 党建课程 (issue 9): a course library. A secretary or an administrator publishes a
 * course from one organization in their scope (not a 党小组): text (the body is the
 * course), a PDF or an MP4 video (one file in the attachment store), with a duration
 * in minutes. Its 学时 default to the duration at 1 学时 per course.minutes_per_hour
 * (45) minutes, to the nearest half 学时 (at least 0.5); "hours" may set them
 * explicitly in half 学时.
 *
 * A course is assigned to organizations within the publisher's subtree
 * (course.assign_scope); each assignment reaches that organization's whole subtree.
 * A member sees the published courses assigned to their branch or an ancestor of it;
 * anything else is 404. Opening one records opened_at once; "finish" (学完) is the
 * member's own statement, accepted only after an opening (409 course.not_opened) and
 * credited once (a second finish changes nothing). No timers and no time-on-page: the
 * facts are opened and finished.
 *
 * Credited 学时 count toward the yearly study hours (compliance.c) in the year of the
 * finish, at most course.year_cap_hours (16) per member per year (settings key of the
 * same name per top-level org overrides it). A withdrawn course disappears from the
 * members' lists but keeps the completions already earned.
 *
 * status: draft → published → withdrawn (409 course.status otherwise). kind, duration,
 * hours and the file are fixed once published (409 course.published); the title and
 * body may be corrected until withdrawn. Writes are audited (entity "course").
 */
#define COURSE_TITLE_MAX_CHARS 200
#define COURSE_BODY_MAX_CHARS 50000
#define COURSE_MAX_MINUTES 1440
#define COURSE_MAX_ASSIGN 200

enum course_kind { CK_TEXT, CK_PDF, CK_VIDEO, CK__COUNT };
enum course_status { CS_DRAFT, CS_PUBLISHED, CS_WITHDRAWN, CS__COUNT };
int course_kind_parse(const char *s);   /* -1 if unknown */
int course_status_parse(const char *s); /* -1 if unknown */
/* The default 学时 × 10 of a course of minutes at minutes_per_hour: nearest half 学时, at least 0.5 */
int course_default_hours_x10(int minutes, int minutes_per_hour);
/* The yearly cap × 10 for a member of org_path (config, then the top-level org's settings row) */
int course_year_cap_x10(struct ctx *ctx, const char *org_path, int *cap_x10);
/* min(raw, cap): what of a year's course 学时 counts */
int64_t course_capped(int64_t raw_x10, int cap_x10);

struct course_filter {
	int64_t org_id; /* subtree root; 0 = the actor's scope */
	int status;     /* -1 = any */
	const char *q;  /* title contains */
};

/* body {org_id?, title, kind, body?, duration_minutes, hours?, publish?}; *id set */
int course_create(struct ctx *ctx, json_t *body, int64_t *id);
/* body {version, title?, body?, kind?, duration_minutes?, hours?} */
int course_update(struct ctx *ctx, int64_t id, json_t *body);
int course_publish(struct ctx *ctx, int64_t id, json_t *body); /* {version} */
int course_withdraw(struct ctx *ctx, int64_t id, json_t *body); /* {version} */
/* body {org_ids:[…], version?}: the whole set, replacing the previous one */
int course_assign(struct ctx *ctx, int64_t id, json_t *body);
/* the manager's view: fields, assignments, counts {opened, finished} */
int course_get(struct ctx *ctx, int64_t id, json_t **out);
int course_list(struct ctx *ctx, const struct course_filter *f, int page, int per_page, json_t **items,
		int64_t *total);
/*
 * The assigned members (of the subtree of org_id, 0 = all) with opened_at/finished_at,
 * one page; state NULL | unopened | opened | finished. *summary = {totals:{assigned,
 * opened, finished}, branches:[{org_id,name,assigned,opened,finished}]}.
 */
int course_completions(struct ctx *ctx, int64_t id, int64_t org_id, const char *state, int page, int per_page,
		       json_t **items, int64_t *total, json_t **summary);
/* The uploaded file (pdf or video course, draft only) replaces the course's file. */
int course_file_set(struct ctx *ctx, int64_t id, const char *filename, const char *tmp_path, const char *sha256,
		    int64_t size, json_t **out);
/* For download: mine = the member's side (assigned, published), else the manager's. malloc'd. */
int course_file_open(struct ctx *ctx, int64_t id, int mine, char **path, char **mime, char **filename);

/* The member's courses, newest first, with their progress; *summary {assigned, finished, year, hours,
 * credited_hours, cap_hours} for the current year. */
int course_mine(struct ctx *ctx, int page, int per_page, json_t **items, int64_t *total, json_t **summary);
/* Opens one: the first opening records opened_at. */
int course_open(struct ctx *ctx, int64_t id, json_t **out);
/* 学完: 409 course.not_opened before an opening; once credited, again changes nothing. */
int course_finish(struct ctx *ctx, int64_t id, json_t **out);

/*
 * A member's finished courses of a year, in the order finished, each with "hours" (its
 * worth) and "counted" (what of it fits under the cap): *list (new array), *raw_x10 the
 * sum, *counted_x10 min(sum, cap). One query.
 */
int course_member_year(struct ctx *ctx, int64_t member_id, const char *org_path, int year, json_t **list,
		       int64_t *raw_x10, int64_t *counted_x10, int *cap_x10);
#endif
