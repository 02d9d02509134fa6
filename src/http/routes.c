#include "http/routes.h"
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "util/xalloc.h"
#include "util/banned.h"

const struct route routes[] = {
	{ "GET", "/api/v1/health", h_health, ROLE_NONE, ROUTE_PUBLIC },
	{ "GET", "/api/v1/codes", h_codes, ROLE_NONE, ROUTE_PUBLIC },
	{ "POST", "/api/v1/session", h_session_create, ROLE_NONE, ROUTE_PUBLIC | ROUTE_NO_CSRF },
	{ "GET", "/api/v1/session", h_session_get, ROLE_MEMBER, 0 },
	{ "DELETE", "/api/v1/session", h_session_delete, ROLE_MEMBER, 0 },

	{ "GET", "/api/v1/users", h_users_list, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/users", h_users_create, ROLE_ORG_ADMIN, 0 },
	{ "PATCH", "/api/v1/users/:id", h_users_update, ROLE_ORG_ADMIN, 0 },

	{ "GET", "/api/v1/orgs", h_orgs_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/orgs", h_orgs_create, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/orgs/root", h_orgs_root, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/orgs/lookup", h_orgs_lookup, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/orgs/:id", h_orgs_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/orgs/:id", h_orgs_update, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/orgs/:id", h_orgs_dissolve, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/orgs/:id/children", h_orgs_children, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/orgs/:id/move", h_orgs_move, ROLE_ORG_ADMIN, 0 },

	{ "GET", "/api/v1/members", h_members_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/members", h_members_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/members/export", h_members_export, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/members/:id", h_members_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/members/:id", h_members_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/members/:id/reveal", h_members_reveal, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/members/:id/history", h_members_history, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me", h_me_get, ROLE_MEMBER, 0 },
	{ "PATCH", "/api/v1/me", h_me_update, ROLE_MEMBER, 0 },

	{ "GET", "/api/v1/transfers", h_transfers_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/transfers", h_transfers_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/transfers/:id", h_transfers_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/transfers/:id/confirm", h_transfers_confirm, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/transfers/:id/reject", h_transfers_reject, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/transfers/:id/cancel", h_transfers_cancel, ROLE_SECRETARY, 0 },

	{ "GET", "/api/v1/import/template", h_import_template, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/import/members", h_import_members, ROLE_SECRETARY, ROUTE_UPLOAD },
	{ "GET", "/api/v1/import/reports/:id", h_import_report, ROLE_SECRETARY, 0 },

	{ "GET", "/api/v1/audit", h_audit_list, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/audit/verify", h_audit_verify, ROLE_ORG_ADMIN, 0 },

	{ "GET", "/api/v1/recruits", h_recruits_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/recruits", h_recruits_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruits/reminders", h_recruits_reminders, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruits/stats", h_recruits_stats, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruits/:id", h_recruits_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/recruits/:id/steps", h_recruits_step, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/recruits/:id/scores", h_recruits_score, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruit-plans", h_recruit_plans_list, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/recruit-plans", h_recruit_plans_set, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/recruits/:id/attachments", h_attachments_upload, ROLE_SECRETARY, ROUTE_STREAM },
	{ "GET", "/api/v1/recruits/:id/attachments", h_attachments_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruits/:id/archive", h_recruit_archive, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/attachments/:id", h_attachment_get, ROLE_SECRETARY, 0 },

	{ "GET", "/api/v1/meetings", h_meetings_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/meetings", h_meetings_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/meetings/:id", h_meetings_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/meetings/:id", h_meetings_update, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/compliance", h_compliance, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/compliance/hours", h_compliance_hours, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/compliance/at-risk", h_compliance_at_risk, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/members/:id/hours", h_member_hours, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/recruits/:id/scores", h_recruits_scores_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/recruits/:id/ladder", h_recruits_ladder, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/recruit-ladder", h_recruit_ladder_get, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/recruit-ladder", h_recruit_ladder_set, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/meetings/calendar", h_meetings_calendar, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/meeting-plans", h_meeting_plans_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/meeting-plans", h_meeting_plans_set, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/appraisals", h_appraisals_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/appraisals", h_appraisals_open, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/appraisals/followups", h_appraisal_followups_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/appraisals/followups/:id", h_appraisal_followups_record, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/appraisals/:id", h_appraisals_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/appraisals/:id/members/:id", h_appraisals_decide, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/appraisals/:id/close", h_appraisals_close, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/meetings/:id/attachments", h_meeting_attachments_upload, ROLE_SECRETARY, ROUTE_STREAM },
	{ "GET", "/api/v1/meetings/:id/attachments", h_meeting_attachments_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/trainings", h_trainings_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/trainings", h_trainings_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/trainings/:id", h_trainings_get, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/compliance/reminders", h_compliance_reminders, ROLE_SECRETARY, 0 },
	/* points and assessment */
	{ "GET", "/api/v1/points/settings", h_points_settings_get, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/points/settings", h_points_settings_put, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/points/sets/current", h_points_set_current, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/points/sets/template", h_points_set_template, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/points/sets", h_points_sets_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/points/sets", h_points_sets_create, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/points/sources", h_points_sources, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/points/entries", h_points_entries_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/points/entries", h_points_entries_add, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/points/entries/:id/reverse", h_points_entries_reverse, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/claims", h_points_claims_list, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/points/claims", h_points_claims_create, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/points/claims/:id/decide", h_points_claims_decide, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/members/:id", h_points_member, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/points", h_me_points, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/points/branches/:id", h_points_branch, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/rankings", h_points_rankings, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/summary", h_points_summary, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/points/publications", h_points_publish, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/points/publications", h_points_publications_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/publications/:id", h_points_publication_get, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/points/history", h_points_history, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/points/sync", h_points_sync, ROLE_ORG_ADMIN, 0 },
	/* end points and assessment */
	/* 述职评议 (reviews) */
	{ "GET", "/api/v1/reviews", h_reviews_list, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/reviews", h_reviews_create, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/reviews/:id", h_reviews_get, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/reviews/:id/draw", h_reviews_draw, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/reviews/:id/draw/verify", h_reviews_draw_verify, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/reviews/:id/raters", h_reviews_raters, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/reviews/:id/open", h_reviews_open, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/reviews/:id/publish", h_reviews_publish, ROLE_ORG_ADMIN, 0 },
	/* no login: the ballot code is the credential (and there is no session to forge a request for) */
	{ "GET", "/api/v1/review-ballot", h_review_ballot_get, ROLE_NONE, ROUTE_PUBLIC },
	{ "POST", "/api/v1/review-ballot", h_review_ballot_submit, ROLE_NONE, ROUTE_PUBLIC | ROUTE_NO_CSRF },
	/* end 述职评议 (reviews) */
	/* projects: 党建项目化管理 */
	{ "GET", "/api/v1/projects", h_projects_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/projects", h_projects_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/projects/:id", h_projects_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/projects/:id/stage", h_projects_stage, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/projects/:id/return", h_projects_return, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/projects/:id/reviews", h_projects_review, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/projects/:id/ledger", h_projects_ledger, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/projects", h_me_projects, ROLE_MEMBER, 0 },
	/* end projects */
	/* tasks: 目标任务分解表 (挂图作战) */
	{ "GET", "/api/v1/tasks", h_tasks_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/tasks", h_tasks_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/tasks/overdue", h_tasks_overdue, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/tasks/wall", h_tasks_wall, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/tasks/:id", h_tasks_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/tasks/:id", h_tasks_update, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/tasks/:id", h_tasks_delete, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/tasks/:id/complete", h_tasks_complete, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/tasks/:id/reopen", h_tasks_reopen, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/tasks/:id/milestones/:id", h_tasks_milestone, ROLE_SECRETARY, 0 },
	/* end tasks */
	/* secretaries, volunteers: 第一书记 and 志愿服务 */
	{ "GET", "/api/v1/first-secretaries", h_secretaries_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/first-secretaries", h_secretaries_create, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/first-secretaries/:id", h_secretaries_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/first-secretaries/:id", h_secretaries_update, ROLE_ORG_ADMIN, 0 },
	{ "PUT", "/api/v1/first-secretaries/:id/duties", h_secretaries_duties, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/first-secretaries/:id/workdays", h_secretaries_workdays, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/first-secretaries/:id/funds", h_secretaries_fund_add, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/first-secretaries/:id/funds/:id", h_secretaries_fund_delete, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/volunteer-teams", h_volunteer_teams_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/volunteer-teams", h_volunteer_teams_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/volunteer-teams/:id", h_volunteer_teams_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/volunteer-teams/:id", h_volunteer_teams_update, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/volunteer-activities", h_volunteer_activities_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/volunteer-activities", h_volunteer_activities_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/volunteer-activities/:id", h_volunteer_activities_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/volunteer-activities/:id", h_volunteer_activities_update, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/volunteer-activities/:id", h_volunteer_activities_delete, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/volunteer-hours", h_volunteer_hours, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me/volunteer-hours", h_me_volunteer_hours, ROLE_MEMBER, 0 },
	/* end secretaries, volunteers */
	/* grid + talents: 网格 and 人才储备 (grid_api.c) */
	{ "GET", "/api/v1/grid/households", h_grid_households_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/grid/households", h_grid_households_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/grid/households/:id", h_grid_households_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/grid/households/:id", h_grid_households_update, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/grid/households/:id", h_grid_households_delete, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/grid/households/import", h_grid_households_import, ROLE_SECRETARY, ROUTE_UPLOAD },
	{ "POST", "/api/v1/grid/assign", h_grid_assign, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/grid/coverage", h_grid_coverage, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/talents", h_talents_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/talents", h_talents_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/talents/summary", h_talents_summary, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/talents/:id", h_talents_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/talents/:id", h_talents_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/talents/:id/status", h_talents_status, ROLE_SECRETARY, 0 },
	/* end grid + talents */
	/* requests, visits: 民情诉求, 结对帮扶, 走访 (requests_api.c) */
	{ "GET", "/api/v1/requests", h_requests_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/requests", h_requests_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/requests/overdue", h_requests_overdue, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/requests/stats", h_requests_stats, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/requests/:id", h_requests_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/requests/:id", h_requests_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/requests/:id/assign", h_requests_assign, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/requests/:id/handle", h_requests_handle, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/requests/:id/reply", h_requests_reply, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/requests/:id/rate", h_requests_rate, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/pairings", h_pairings_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/pairings", h_pairings_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/pairings/:id", h_pairings_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/pairings/:id/end", h_pairings_end, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/visits", h_visits_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/visits", h_visits_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/visits/:id", h_visits_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/visits/:id/followup", h_visits_followup, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/visits/:id/request", h_visits_request, ROLE_SECRETARY, 0 },
	/* end requests, visits */
	/* commitments: 目标责任书 and 承诺事项 (commitment_api.c) */
	{ "GET", "/api/v1/commitments", h_commitments_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/commitments/stats", h_commitments_stats, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/commitments/public", h_commitments_public, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/commitments/letters", h_commitment_letters_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/commitments/letters", h_commitment_letters_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/commitments/letters/:id", h_commitment_letters_get, ROLE_MEMBER, 0 },
	{ "PATCH", "/api/v1/commitments/letters/:id", h_commitment_letters_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/commitments/letters/:id/items", h_commitment_items_add, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/commitments/items/:id", h_commitment_items_get, ROLE_MEMBER, 0 },
	{ "PATCH", "/api/v1/commitments/items/:id", h_commitment_items_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/commitments/items/:id/complete", h_commitment_items_complete, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/commitments/items/:id/cancel", h_commitment_items_cancel, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me/commitments", h_me_commitments, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/me/commitments/:id/complete", h_me_commitments_complete, ROLE_MEMBER, 0 },
	/* end commitments */
	/* supervision, decisions: 督查整改 and 四议两公开 (supervision_api.c) */
	{ "GET", "/api/v1/inspections", h_inspections_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/inspections", h_inspections_create, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/inspections/:id", h_inspections_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/inspections/:id", h_inspections_update, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/inspections/:id/findings", h_inspection_findings_add, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/inspection-findings", h_findings_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/inspection-findings/:id", h_findings_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/inspection-findings/:id/rectify", h_findings_rectify, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/inspection-findings/:id/close", h_findings_close, ROLE_ORG_ADMIN, 0 },
	{ "POST", "/api/v1/inspection-findings/:id/return", h_findings_return, ROLE_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/inspection-bulletin", h_supervision_bulletin, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/decisions", h_decisions_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/decisions", h_decisions_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/decisions/:id", h_decisions_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/decisions/:id", h_decisions_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/decisions/:id/steps", h_decisions_step, ROLE_SECRETARY, 0 },
	/* end supervision, decisions */
	/* notices: 通知公告 (notice_api.c) */
	{ "GET", "/api/v1/notices", h_notices_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/notices", h_notices_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/notices/:id", h_notices_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/notices/:id", h_notices_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/notices/:id/publish", h_notices_publish, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/notices/:id/withdraw", h_notices_withdraw, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/notices/:id/remind", h_notices_remind, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/notices/:id/receipts", h_notices_receipts, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/notices/:id/receipts/members", h_notices_receipt_members, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/notices/:id/files", h_notice_files_upload, ROLE_SECRETARY, ROUTE_STREAM },
	/* a sender in scope or an addressed member (domain/notice.c decides) */
	{ "GET", "/api/v1/notices/:id/files/:id", h_notice_files_get, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/notices", h_me_notices, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/notices/:id", h_me_notices_get, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/me/notices/:id/confirm", h_me_notices_confirm, ROLE_MEMBER, 0 },
	/* one-time sign-in codes (signin_api.c); the code itself is entered at POST /api/v1/session */
	{ "POST", "/api/v1/members/:id/signin-code", h_member_signin_code, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/me/password", h_me_password, ROLE_MEMBER, 0 },
	/* end notices */
	/* dues: 党费 (dues_api.c) */
	{ "GET", "/api/v1/dues/rate", h_dues_rate, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/members/:id/dues", h_member_dues, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/members/:id/dues/bases", h_member_dues_bases_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/dues/payments", h_dues_payments_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/payments", h_dues_payments_create, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/payments/batch", h_dues_payments_batch, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/payments/:id/void", h_dues_payments_void, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/dues/reductions", h_dues_reductions_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/reductions", h_dues_reductions_create, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/reductions/:id/approve", h_dues_reductions_approve, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/dues/reductions/:id/reject", h_dues_reductions_reject, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/dues/arrears", h_dues_arrears, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me/dues", h_me_dues, ROLE_MEMBER, 0 },
	/* end dues */
	/* dues sheets: 收缴表 and 上缴汇总 (dues_sheet_api.c) */
	{ "GET", "/api/v1/dues/sheet", h_dues_sheet, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/dues/remittance", h_dues_remittance, ROLE_SECRETARY, 0 },
	/* end dues sheets */
	/* care: 老党员补贴, 困难党员帮扶, 送温暖; 自行脱党 warnings (care_api.c) */
	{ "GET", "/api/v1/care/elderly", h_care_elderly, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/care/elderly/issue", h_care_elderly_issue, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/care/records", h_care_records_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/care/records", h_care_records_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/care/records/:id", h_care_records_get, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/care/records/:id", h_care_records_delete, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/care/hardships", h_care_hardships_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/care/hardships", h_care_hardships_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/care/hardships/:id", h_care_hardships_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/care/hardships/:id/close", h_care_hardships_close, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/care/totals", h_care_totals, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/lapse-warnings", h_lapse_warnings, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/lapse-warnings/excuses", h_lapse_excuses_create, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/lapse-warnings/excuses/:id", h_lapse_excuses_delete, ROLE_SECRETARY, 0 },
	/* end care */
	/* board: 党务公开栏 (board_api.c; the public ones are ROUTE_PUBLIC) */
	{ "GET", "/api/v1/orgs/:id/board", h_board_settings_get, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/orgs/:id/board", h_board_settings_put, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/orgs/:id/board/key", h_board_key, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/orgs/:id/board/qr", h_board_qr, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/members/:id/photo", h_member_photo_put, ROLE_SECRETARY, ROUTE_UPLOAD },
	{ "GET", "/api/v1/members/:id/photo", h_member_photo_get, ROLE_SECRETARY, 0 },
	{ "DELETE", "/api/v1/members/:id/photo", h_member_photo_delete, ROLE_SECRETARY, 0 },
	/* no login: the random key is the credential, and a wrong or old key is 404 */
	{ "GET", "/api/v1/public/board", h_public_board, ROLE_NONE, ROUTE_PUBLIC },
	{ "GET", "/api/v1/public/board/pdf", h_public_board_pdf, ROLE_NONE, ROUTE_PUBLIC },
	{ "GET", "/api/v1/public/board/photo", h_public_board_photo, ROLE_NONE, ROUTE_PUBLIC },
	/* end board */
	/* stats: 党内统计 (stats_api.c) */
	{ "GET", "/api/v1/stats", h_stats_get, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/stats/export", h_stats_export, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/stats/members", h_stats_members, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/stats/orgs", h_stats_orgs, ROLE_SECRETARY, 0 },
	/* end stats */
	/* me home: 手机首页: my branch, dues, tasks, recruitment, 采集表 (me_api.c) */
	{ "GET", "/api/v1/me/home", h_me_home, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/tasks", h_me_tasks, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/recruitment", h_me_recruitment, ROLE_MEMBER, 0 },
	/* end me home */
	/* checkin: 扫码签到: meeting check-in by QR code (checkin_api.c) */
	{ "POST", "/api/v1/me/checkin", h_me_checkin, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/meetings/:id/checkin", h_meeting_checkin_get, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/meetings/:id/checkin/qr", h_meeting_checkin_qr, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/orgs/:id/checkin", h_org_checkin_get, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/orgs/:id/checkin", h_org_checkin_put, ROLE_SECRETARY, 0 },
	/* end checkin */
	/* courses: 党建课程: course library (course_api.c) */
	{ "GET", "/api/v1/courses", h_courses_list, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/courses", h_courses_create, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/courses/:id", h_courses_get, ROLE_SECRETARY, 0 },
	{ "PATCH", "/api/v1/courses/:id", h_courses_update, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/courses/:id/publish", h_courses_publish, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/courses/:id/withdraw", h_courses_withdraw, ROLE_SECRETARY, 0 },
	{ "PUT", "/api/v1/courses/:id/assignments", h_courses_assign, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/courses/:id/completions", h_courses_completions, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/courses/:id/file", h_courses_file_upload, ROLE_SECRETARY, ROUTE_STREAM },
	{ "GET", "/api/v1/courses/:id/file", h_courses_file_get, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me/courses", h_me_courses, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/courses/:id", h_me_courses_get, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/courses/:id/file", h_me_courses_file, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/me/courses/:id/finish", h_me_courses_finish, ROLE_MEMBER, 0 },
	/* end courses */
	/* suggestions: 合理化建议 (suggestion_api.c) */
	{ "GET", "/api/v1/suggestions", h_suggestions_list, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/suggestions/stats", h_suggestions_stats, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/suggestions/:id", h_suggestions_get, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/suggestions/:id/convert", h_suggestions_convert, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/suggestions/:id/close", h_suggestions_close, ROLE_SECRETARY, 0 },
	{ "POST", "/api/v1/suggestions/:id/reveal", h_suggestions_reveal, ROLE_SECRETARY, 0 },
	{ "GET", "/api/v1/me/suggestions", h_me_suggestions_list, ROLE_MEMBER, 0 },
	{ "POST", "/api/v1/me/suggestions", h_me_suggestions_create, ROLE_MEMBER, 0 },
	{ "GET", "/api/v1/me/suggestions/:id", h_me_suggestions_get, ROLE_MEMBER, 0 },
	/* the board's key is the credential (domain/suggestion.c: 404 for a wrong key, 429 suggestion.rate) */
	{ "POST", "/api/v1/public/board/suggestions", h_public_suggestions_create, ROLE_NONE, ROUTE_PUBLIC | ROUTE_NO_CSRF },
	/* end suggestions */
	{ NULL, NULL, NULL, ROLE_NONE, 0 },
};

/* Match one pattern against a path; ':id' takes a positive decimal integer. */
static int pattern_match(const char *pat, const char *path, int64_t *params, int *nparams)
{
	int n = 0;
	while (*pat && *path) {
		if (pat[0] == ':') {
			int64_t v = 0;
			int digits = 0;
			while (*pat && *pat != '/')
				pat++;
			while (*path >= '0' && *path <= '9' && digits < 18) {
				v = v * 10 + (*path - '0');
				path++;
				digits++;
			}
			if (!digits || v <= 0 || (*path && *path != '/') || n >= REQ_MAX_PARAMS)
				return 0;
			params[n++] = v;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	*nparams = n;
	return 1;
}

enum route_match routes_match(const char *method, const char *path, const struct route **out,
			      int64_t *params, int *nparams, char *allow, size_t allow_size)
{
	const struct route *r;
	int path_known = 0;
	size_t used = 0;
	int64_t tmp[REQ_MAX_PARAMS];
	int ntmp;
	if (allow_size)
		allow[0] = '\0';
	for (r = routes; r->method; r++) {
		if (!pattern_match(r->pattern, path, tmp, &ntmp))
			continue;
		if (!strcmp(r->method, method)) {
			memcpy(params, tmp, sizeof(tmp));
			*nparams = ntmp;
			*out = r;
			return ROUTE_FOUND;
		}
		path_known = 1;
		if (used + strlen(r->method) + 3 < allow_size) {
			if (used) {
				allow[used++] = ',';
				allow[used++] = ' ';
			}
			strlcpy_z(allow + used, r->method, allow_size - used);
			used += strlen(r->method);
		}
	}
	return path_known ? ROUTE_WRONG_METHOD : ROUTE_NOT_FOUND;
}

int routes_flags_for(const char *method, const char *path)
{
	const struct route *r;
	int64_t params[REQ_MAX_PARAMS];
	int n;
	char allow[8];
	if (routes_match(method, path, &r, params, &n, allow, sizeof(allow)) == ROUTE_FOUND)
		return r->flags;
	return 0;
}
