-- The last 培养教育考察 (step 6) of each record, kept on the record itself by
-- domain/recruit_steps.c in the same UPDATE that records a step 6. The reminders pass
-- (domain/recruit_report.c) then reads it from recruits_open_report with the other
-- milestone dates instead of joining recruit_steps for every open record of a subtree.
ALTER TABLE recruits ADD COLUMN last_inspection_on TEXT;

UPDATE recruits SET last_inspection_on =
  (SELECT max(s.done_on) FROM recruit_steps s WHERE s.recruit_id = recruits.id AND s.step = 6)
  WHERE EXISTS (SELECT 1 FROM recruit_steps s WHERE s.recruit_id = recruits.id AND s.step = 6);

-- 006's index with last_inspection_on right after activist_on: the reminder scan stays
-- index-only (same column order as its SELECT).
DROP INDEX recruits_open_report;
CREATE INDEX recruits_open_report ON recruits(status, org_path, last_step, applied_on, talked_on, activist_on,
  last_inspection_on, target_on, branch_meeting_on, approved_on, probation_end, extended_months, full_on, org_id,
  name, id);
