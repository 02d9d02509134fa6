#ifndef ME_HOME_H
#define ME_HOME_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
/*
 * 智慧支部记录本: the member's phone home (issue 9). Read-only summaries of the caller's
 * own record, each figure taken from the module that owns it — study hours from
 * compliance_member_hours, dues from dues_member_year (the one arrears rule), unread
 * notices from notice_mine, points from points_explain, the recruitment timeline from
 * recruit_get / recruit_next / recruit_reminders — never recomputed here.
 *
 * Scope: only the actor's own member record (ctx->actor.member_id); no function takes a
 * member id, so no id in a URL can reach another member. An account without a member
 * record gets 404 (member.no_record). The branch secretary is shown to the members of
 * that branch by name with the masked phone (the full number goes through the audited
 * reveal, which a member may use only on their own record).
 *
 * Every JSON out-parameter is owned by the caller.
 */

/* GET /me/home: {member, branch{id,name,path[{id,name}],path_names}, secretary|null, year,
 * hours{hours,target_hours,met}, dues{monthly_fen,paid_to,owed_months,owed_fen},
 * notices{unread}, tasks{open,overdue}, points{enabled,score?,stars?,period?},
 * recruitment|null{id,stage,stage_name,status,probation_end}} */
int me_home(struct ctx *ctx, json_t **out);
/* GET /me/tasks: {items:[{id,title,year,org_name,unit_name,due_on,status,overdue,
 * milestones:[{month,target,status,done_on}]}], total, open}: tasks whose 责任人 is the
 * caller's member record, open ones first. */
int me_tasks(struct ctx *ctx, json_t **out);
/* GET /me/recruitment: the caller's 发展党员 record as the member sees it (no votes,
 * scores or introducer ids): {id, org_name, stage, stage_name, status, dates…, steps[
 * {step,name,done_on,org_name}], next[{step,name,earliest,blocked_by?}], deadlines[{kind,
 * due,message}]}; 404 recruit.none when the member has none (records before 2026 that
 * were entered straight into the registry, or 正式党员 never recorded here). */
int me_recruitment(struct ctx *ctx, json_t **out);
#endif
