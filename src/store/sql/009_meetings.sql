-- Organizational life (RULES.md §2): meetings and attendance (domain/meeting.c), read
-- by the compliance check, study hours and the members-at-risk list (domain/compliance.c).
--
-- A meeting carries its org's path (as members do, see 001_foundation.sql) so a
-- subtree's meetings of a year are one index range: compliance groups them by org,
-- kind and month in a single pass over meetings_report without touching the rows.
-- 010 keeps org_path true when an org moves.
CREATE TABLE meetings (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  kind TEXT NOT NULL,            -- party_congress | committee | group | lecture | theme_day | life_meeting | appraisal | talk | study
  held_on TEXT NOT NULL,         -- YYYY-MM-DD, Asia/Shanghai
  start_time TEXT NOT NULL,      -- HH:MM local
  end_time TEXT NOT NULL,
  place TEXT,
  host TEXT,
  lecturer TEXT,
  topic TEXT,
  agenda TEXT,
  minutes TEXT,
  resolutions TEXT,
  hours_x10 INTEGER NOT NULL,    -- 学时 in tenths, credited to those present
  hours_set INTEGER NOT NULL DEFAULT 0, -- 1: hours were given; 0: derived from the times (and follow them)
  vote INTEGER NOT NULL DEFAULT 0,
  expected_voters INTEGER NOT NULL DEFAULT 0, -- 应到会有表决权, when vote = 1
  present_voters INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX meetings_report ON meetings(org_path, held_on, kind, org_id);
CREATE INDEX meetings_org ON meetings(org_id, held_on);

CREATE TABLE meeting_attendance (
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  status TEXT NOT NULL,          -- present | leave | absent
  reason TEXT,                   -- 请假事由; a leave without one is not a proper reason (RULES.md §4)
  PRIMARY KEY (meeting_id, member_id)
);
-- a member's year: hours and the months they took part in
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id, meeting_id, status);
