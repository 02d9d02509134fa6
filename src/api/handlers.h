#ifndef HANDLERS_H
#define HANDLERS_H
#include "api/api.h"
/* Every API handler, by module. The table that routes to them is http/routes.c. */

/* system_api.c */
int h_health(struct request *req, struct response *res);
int h_codes(struct request *req, struct response *res);
/* session_api.c */
int h_session_create(struct request *req, struct response *res);
int h_session_get(struct request *req, struct response *res);
int h_session_delete(struct request *req, struct response *res);
/* user_api.c */
int h_users_list(struct request *req, struct response *res);
int h_users_create(struct request *req, struct response *res);
int h_users_update(struct request *req, struct response *res);
/* org_api.c */
int h_orgs_list(struct request *req, struct response *res);
int h_orgs_root(struct request *req, struct response *res);
int h_orgs_lookup(struct request *req, struct response *res);
int h_orgs_get(struct request *req, struct response *res);
int h_orgs_children(struct request *req, struct response *res);
int h_orgs_create(struct request *req, struct response *res);
int h_orgs_update(struct request *req, struct response *res);
int h_orgs_move(struct request *req, struct response *res);
int h_orgs_dissolve(struct request *req, struct response *res);
/* member_api.c */
int h_members_list(struct request *req, struct response *res);
int h_members_get(struct request *req, struct response *res);
int h_members_create(struct request *req, struct response *res);
int h_members_update(struct request *req, struct response *res);
int h_members_reveal(struct request *req, struct response *res);
int h_members_history(struct request *req, struct response *res);
int h_me_get(struct request *req, struct response *res);
int h_me_update(struct request *req, struct response *res);
/* transfer_api.c */
int h_transfers_list(struct request *req, struct response *res);
int h_transfers_get(struct request *req, struct response *res);
int h_transfers_create(struct request *req, struct response *res);
int h_transfers_confirm(struct request *req, struct response *res);
int h_transfers_reject(struct request *req, struct response *res);
int h_transfers_cancel(struct request *req, struct response *res);
/* import_api.c */
int h_import_template(struct request *req, struct response *res);
int h_import_members(struct request *req, struct response *res);
int h_import_report(struct request *req, struct response *res);
int h_members_export(struct request *req, struct response *res);
/* audit_api.c */
int h_audit_list(struct request *req, struct response *res);
int h_audit_verify(struct request *req, struct response *res);
/* recruit_api.c */
int h_recruits_list(struct request *req, struct response *res);
int h_recruits_create(struct request *req, struct response *res);
int h_recruits_get(struct request *req, struct response *res);
int h_recruits_step(struct request *req, struct response *res);
int h_recruits_score(struct request *req, struct response *res);
int h_recruits_reminders(struct request *req, struct response *res);
int h_recruits_stats(struct request *req, struct response *res);
int h_recruit_plans_list(struct request *req, struct response *res);
int h_recruit_plans_set(struct request *req, struct response *res);
/* attachment_api.c */
int h_attachments_upload(struct request *req, struct response *res);
int h_attachments_list(struct request *req, struct response *res);
int h_attachment_get(struct request *req, struct response *res);
int h_recruit_archive(struct request *req, struct response *res);
/* recruit_api.c: controls (ladder, scores list) */
int h_recruits_scores_list(struct request *req, struct response *res);
int h_recruits_ladder(struct request *req, struct response *res);
int h_recruit_ladder_get(struct request *req, struct response *res);
int h_recruit_ladder_set(struct request *req, struct response *res);
/* meeting_api.c */
int h_meetings_list(struct request *req, struct response *res);
int h_meetings_create(struct request *req, struct response *res);
int h_meetings_get(struct request *req, struct response *res);
int h_meetings_update(struct request *req, struct response *res);
int h_compliance(struct request *req, struct response *res);
int h_compliance_hours(struct request *req, struct response *res);
int h_compliance_at_risk(struct request *req, struct response *res);
int h_member_hours(struct request *req, struct response *res);
/* meeting_api.c: 主题党日年度计划 and the calendar */
int h_meeting_plans_list(struct request *req, struct response *res);
int h_meeting_plans_set(struct request *req, struct response *res);
int h_meetings_calendar(struct request *req, struct response *res);
/* appraisal_api.c */
int h_appraisals_list(struct request *req, struct response *res);
int h_appraisals_open(struct request *req, struct response *res);
int h_appraisals_get(struct request *req, struct response *res);
int h_appraisals_decide(struct request *req, struct response *res);
int h_appraisals_close(struct request *req, struct response *res);
int h_appraisal_followups_list(struct request *req, struct response *res);
int h_appraisal_followups_record(struct request *req, struct response *res);
/* attachment_api.c: meeting photos */
int h_meeting_attachments_upload(struct request *req, struct response *res);
int h_meeting_attachments_list(struct request *req, struct response *res);
/* training_api.c: 冬春轮训 */
int h_trainings_list(struct request *req, struct response *res);
int h_trainings_create(struct request *req, struct response *res);
int h_trainings_get(struct request *req, struct response *res);
/* meeting_api.c: reminders before a period ends */
int h_compliance_reminders(struct request *req, struct response *res);
/* points_api.c: points and assessment */
int h_points_settings_get(struct request *req, struct response *res);
int h_points_settings_put(struct request *req, struct response *res);
int h_points_sets_list(struct request *req, struct response *res);
int h_points_set_current(struct request *req, struct response *res);
int h_points_set_template(struct request *req, struct response *res);
int h_points_sets_create(struct request *req, struct response *res);
int h_points_sources(struct request *req, struct response *res);
int h_points_entries_list(struct request *req, struct response *res);
int h_points_entries_add(struct request *req, struct response *res);
int h_points_entries_reverse(struct request *req, struct response *res);
int h_points_claims_list(struct request *req, struct response *res);
int h_points_claims_create(struct request *req, struct response *res);
int h_points_claims_decide(struct request *req, struct response *res);
int h_points_member(struct request *req, struct response *res);
int h_me_points(struct request *req, struct response *res);
int h_points_branch(struct request *req, struct response *res);
int h_points_rankings(struct request *req, struct response *res);
int h_points_summary(struct request *req, struct response *res);
int h_points_publish(struct request *req, struct response *res);
int h_points_publications_list(struct request *req, struct response *res);
int h_points_publication_get(struct request *req, struct response *res);
int h_points_history(struct request *req, struct response *res);
int h_points_sync(struct request *req, struct response *res);
/* 述职评议 (reviews): review_api.c */
int h_reviews_list(struct request *req, struct response *res);
int h_reviews_create(struct request *req, struct response *res);
int h_reviews_get(struct request *req, struct response *res);
int h_reviews_draw(struct request *req, struct response *res);
int h_reviews_draw_verify(struct request *req, struct response *res);
int h_reviews_raters(struct request *req, struct response *res);
int h_reviews_open(struct request *req, struct response *res);
int h_reviews_publish(struct request *req, struct response *res);
int h_review_ballot_get(struct request *req, struct response *res);
int h_review_ballot_submit(struct request *req, struct response *res);
/* end 述职评议 (reviews) */
/* projects: 党建项目化管理 (project_api.c) */
int h_projects_list(struct request *req, struct response *res);
int h_projects_create(struct request *req, struct response *res);
int h_projects_get(struct request *req, struct response *res);
int h_projects_stage(struct request *req, struct response *res);
int h_projects_return(struct request *req, struct response *res);
int h_projects_review(struct request *req, struct response *res);
int h_projects_ledger(struct request *req, struct response *res);
int h_me_projects(struct request *req, struct response *res);
/* end projects */
/* tasks: 目标任务分解表 (挂图作战): task_api.c */
int h_tasks_list(struct request *req, struct response *res);
int h_tasks_create(struct request *req, struct response *res);
int h_tasks_overdue(struct request *req, struct response *res);
int h_tasks_wall(struct request *req, struct response *res);
int h_tasks_get(struct request *req, struct response *res);
int h_tasks_update(struct request *req, struct response *res);
int h_tasks_delete(struct request *req, struct response *res);
int h_tasks_complete(struct request *req, struct response *res);
int h_tasks_reopen(struct request *req, struct response *res);
int h_tasks_milestone(struct request *req, struct response *res);
/* end tasks */
/* secretaries, volunteers: 第一书记 and 志愿服务 (secretary_api.c, volunteer_api.c) */
int h_secretaries_list(struct request *req, struct response *res);
int h_secretaries_create(struct request *req, struct response *res);
int h_secretaries_get(struct request *req, struct response *res);
int h_secretaries_update(struct request *req, struct response *res);
int h_secretaries_duties(struct request *req, struct response *res);
int h_secretaries_workdays(struct request *req, struct response *res);
int h_secretaries_fund_add(struct request *req, struct response *res);
int h_secretaries_fund_delete(struct request *req, struct response *res);
int h_volunteer_teams_list(struct request *req, struct response *res);
int h_volunteer_teams_create(struct request *req, struct response *res);
int h_volunteer_teams_get(struct request *req, struct response *res);
int h_volunteer_teams_update(struct request *req, struct response *res);
int h_volunteer_activities_list(struct request *req, struct response *res);
int h_volunteer_activities_create(struct request *req, struct response *res);
int h_volunteer_activities_get(struct request *req, struct response *res);
int h_volunteer_activities_update(struct request *req, struct response *res);
int h_volunteer_activities_delete(struct request *req, struct response *res);
int h_volunteer_hours(struct request *req, struct response *res);
int h_me_volunteer_hours(struct request *req, struct response *res);
/* end secretaries, volunteers */
/* grid + talents: grid_api.c */
int h_grid_households_list(struct request *req, struct response *res);
int h_grid_households_create(struct request *req, struct response *res);
int h_grid_households_get(struct request *req, struct response *res);
int h_grid_households_update(struct request *req, struct response *res);
int h_grid_households_delete(struct request *req, struct response *res);
int h_grid_households_import(struct request *req, struct response *res);
int h_grid_assign(struct request *req, struct response *res);
int h_grid_coverage(struct request *req, struct response *res);
int h_talents_list(struct request *req, struct response *res);
int h_talents_summary(struct request *req, struct response *res);
int h_talents_create(struct request *req, struct response *res);
int h_talents_get(struct request *req, struct response *res);
int h_talents_update(struct request *req, struct response *res);
int h_talents_status(struct request *req, struct response *res);
/* end grid + talents */
/* requests, visits: 民情诉求, 结对帮扶, 走访 (requests_api.c) */
int h_requests_list(struct request *req, struct response *res);
int h_requests_create(struct request *req, struct response *res);
int h_requests_overdue(struct request *req, struct response *res);
int h_requests_stats(struct request *req, struct response *res);
int h_requests_get(struct request *req, struct response *res);
int h_requests_update(struct request *req, struct response *res);
int h_requests_assign(struct request *req, struct response *res);
int h_requests_handle(struct request *req, struct response *res);
int h_requests_reply(struct request *req, struct response *res);
int h_requests_rate(struct request *req, struct response *res);
int h_pairings_list(struct request *req, struct response *res);
int h_pairings_create(struct request *req, struct response *res);
int h_pairings_get(struct request *req, struct response *res);
int h_pairings_end(struct request *req, struct response *res);
int h_visits_list(struct request *req, struct response *res);
int h_visits_create(struct request *req, struct response *res);
int h_visits_get(struct request *req, struct response *res);
int h_visits_followup(struct request *req, struct response *res);
int h_visits_request(struct request *req, struct response *res);
/* end requests, visits */
/* commitments: 目标责任书 and 承诺事项 (commitment_api.c) */
int h_commitments_list(struct request *req, struct response *res);
int h_commitments_stats(struct request *req, struct response *res);
int h_commitments_public(struct request *req, struct response *res);
int h_commitment_letters_list(struct request *req, struct response *res);
int h_commitment_letters_create(struct request *req, struct response *res);
int h_commitment_letters_get(struct request *req, struct response *res);
int h_commitment_letters_update(struct request *req, struct response *res);
int h_commitment_items_add(struct request *req, struct response *res);
int h_commitment_items_get(struct request *req, struct response *res);
int h_commitment_items_update(struct request *req, struct response *res);
int h_commitment_items_complete(struct request *req, struct response *res);
int h_commitment_items_cancel(struct request *req, struct response *res);
int h_me_commitments(struct request *req, struct response *res);
int h_me_commitments_complete(struct request *req, struct response *res);
/* end commitments */
/* supervision, decisions: 督查整改 and 四议两公开 (supervision_api.c) */
int h_inspections_list(struct request *req, struct response *res);
int h_inspections_create(struct request *req, struct response *res);
int h_inspections_get(struct request *req, struct response *res);
int h_inspections_update(struct request *req, struct response *res);
int h_inspection_findings_add(struct request *req, struct response *res);
int h_findings_list(struct request *req, struct response *res);
int h_findings_get(struct request *req, struct response *res);
int h_findings_rectify(struct request *req, struct response *res);
int h_findings_close(struct request *req, struct response *res);
int h_findings_return(struct request *req, struct response *res);
int h_supervision_bulletin(struct request *req, struct response *res);
int h_decisions_list(struct request *req, struct response *res);
int h_decisions_create(struct request *req, struct response *res);
int h_decisions_get(struct request *req, struct response *res);
int h_decisions_update(struct request *req, struct response *res);
int h_decisions_step(struct request *req, struct response *res);
/* end supervision, decisions */
/* notices */
int h_notices_list(struct request *req, struct response *res);
int h_notices_create(struct request *req, struct response *res);
int h_notices_get(struct request *req, struct response *res);
int h_notices_update(struct request *req, struct response *res);
int h_notices_publish(struct request *req, struct response *res);
int h_notices_withdraw(struct request *req, struct response *res);
int h_notices_remind(struct request *req, struct response *res);
int h_notices_receipts(struct request *req, struct response *res);
int h_notices_receipt_members(struct request *req, struct response *res);
int h_notice_files_upload(struct request *req, struct response *res);
int h_notice_files_get(struct request *req, struct response *res);
int h_me_notices(struct request *req, struct response *res);
int h_me_notices_get(struct request *req, struct response *res);
int h_me_notices_confirm(struct request *req, struct response *res);
int h_member_signin_code(struct request *req, struct response *res);
int h_me_password(struct request *req, struct response *res);
/* end notices */
/* dues (dues_api.c) */
int h_dues_rate(struct request *req, struct response *res);
int h_member_dues(struct request *req, struct response *res);
int h_member_dues_bases_create(struct request *req, struct response *res);
int h_dues_payments_list(struct request *req, struct response *res);
int h_dues_payments_create(struct request *req, struct response *res);
int h_dues_payments_batch(struct request *req, struct response *res);
int h_dues_payments_void(struct request *req, struct response *res);
int h_dues_reductions_list(struct request *req, struct response *res);
int h_dues_reductions_create(struct request *req, struct response *res);
int h_dues_reductions_approve(struct request *req, struct response *res);
int h_dues_reductions_reject(struct request *req, struct response *res);
int h_dues_arrears(struct request *req, struct response *res);
int h_me_dues(struct request *req, struct response *res);
/* end dues */
/* dues sheets (dues_sheet_api.c) */
int h_dues_sheet(struct request *req, struct response *res);
int h_dues_remittance(struct request *req, struct response *res);
/* end dues sheets */
/* care (care_api.c) */
int h_care_elderly(struct request *req, struct response *res);
int h_care_elderly_issue(struct request *req, struct response *res);
int h_care_records_list(struct request *req, struct response *res);
int h_care_records_create(struct request *req, struct response *res);
int h_care_records_get(struct request *req, struct response *res);
int h_care_records_delete(struct request *req, struct response *res);
int h_care_hardships_list(struct request *req, struct response *res);
int h_care_hardships_create(struct request *req, struct response *res);
int h_care_hardships_get(struct request *req, struct response *res);
int h_care_hardships_close(struct request *req, struct response *res);
int h_care_totals(struct request *req, struct response *res);
int h_lapse_warnings(struct request *req, struct response *res);
int h_lapse_excuses_create(struct request *req, struct response *res);
int h_lapse_excuses_delete(struct request *req, struct response *res);
/* end care */
/* board (board_api.c) */
int h_board_settings_get(struct request *req, struct response *res);
int h_board_settings_put(struct request *req, struct response *res);
int h_board_key(struct request *req, struct response *res);
int h_board_qr(struct request *req, struct response *res);
int h_member_photo_put(struct request *req, struct response *res);
int h_member_photo_get(struct request *req, struct response *res);
int h_member_photo_delete(struct request *req, struct response *res);
int h_public_board(struct request *req, struct response *res);
int h_public_board_pdf(struct request *req, struct response *res);
int h_public_board_photo(struct request *req, struct response *res);
/* end board */
/* stats (stats_api.c) */
int h_stats_get(struct request *req, struct response *res);
int h_stats_export(struct request *req, struct response *res);
int h_stats_members(struct request *req, struct response *res);
int h_stats_orgs(struct request *req, struct response *res);
/* end stats */
/* me home */
int h_me_home(struct request *req, struct response *res);
int h_me_tasks(struct request *req, struct response *res);
int h_me_recruitment(struct request *req, struct response *res);
/* end me home */
/* checkin */
int h_me_checkin(struct request *req, struct response *res);
int h_meeting_checkin_get(struct request *req, struct response *res);
int h_meeting_checkin_qr(struct request *req, struct response *res);
int h_org_checkin_get(struct request *req, struct response *res);
int h_org_checkin_put(struct request *req, struct response *res);
/* end checkin */
/* courses */
int h_courses_list(struct request *req, struct response *res);
int h_courses_create(struct request *req, struct response *res);
int h_courses_get(struct request *req, struct response *res);
int h_courses_update(struct request *req, struct response *res);
int h_courses_publish(struct request *req, struct response *res);
int h_courses_withdraw(struct request *req, struct response *res);
int h_courses_assign(struct request *req, struct response *res);
int h_courses_completions(struct request *req, struct response *res);
int h_courses_file_upload(struct request *req, struct response *res);
int h_courses_file_get(struct request *req, struct response *res);
int h_me_courses(struct request *req, struct response *res);
int h_me_courses_get(struct request *req, struct response *res);
int h_me_courses_file(struct request *req, struct response *res);
int h_me_courses_finish(struct request *req, struct response *res);
/* end courses */
/* suggestions */
int h_suggestions_list(struct request *req, struct response *res);
int h_suggestions_get(struct request *req, struct response *res);
int h_suggestions_convert(struct request *req, struct response *res);
int h_suggestions_close(struct request *req, struct response *res);
int h_suggestions_reveal(struct request *req, struct response *res);
int h_suggestions_stats(struct request *req, struct response *res);
int h_me_suggestions_list(struct request *req, struct response *res);
int h_me_suggestions_create(struct request *req, struct response *res);
int h_me_suggestions_get(struct request *req, struct response *res);
int h_public_suggestions_create(struct request *req, struct response *res);
/* end suggestions */
#endif
