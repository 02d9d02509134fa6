-- Indexes for the recruitment reports (domain/recruit_report.c). DESIGN.md "Scale": a
-- report over a subtree is one index range read in C, not a join over the tables.
--
-- Reminders read the open records of a subtree: status first (equality), then the path
-- range, then every milestone date the reminder rules look at plus the fields an item
-- shows, so the whole pass is an index-only range scan and never touches the wide
-- table rows (sealed ID, phone and the rule-set snapshot make each row large).
CREATE INDEX recruits_open_report ON recruits(status, org_path, last_step, applied_on, talked_on, activist_on,
  target_on, branch_meeting_on, approved_on, probation_end, extended_months, full_on, org_id, name, id);

-- Statistics count every record of the subtree whatever its status: path first.
CREATE INDEX recruits_stats_report ON recruits(org_path, status, stage, last_step, applied_on, activist_on,
  target_on, branch_meeting_on, full_on);

-- 已发展数 of a year: the approvals (step 17) of the year, then the path of each.
CREATE INDEX recruits_approved ON recruits(approved_on, org_path);

-- The last 考察 of each open record: one seek per record reads its inspection dates
-- from the index alone (done_on is not in recruit_steps_recruit).
CREATE INDEX recruit_steps_dates ON recruit_steps(recruit_id, step, done_on);

-- The 基层党委 of a subtree without walking every branch below them.
CREATE INDEX orgs_kind_path ON orgs(kind, path);
