-- 第一书记 (first secretaries) and 志愿服务 (volunteer teams and activities), issue 6
-- (domain/secretary.c, domain/volunteer.c).
--
-- The tables are small (one dispatch per village and term, a few activities per team and
-- month), so scope is read through orgs.path by join and nothing goes stale when an org
-- moves; the rest of a dispatch hangs off it by id: the "3+1" team, the five
-- duties and one goal per year, work days per month and the funds coordinated (fen).
-- Persons dispatched from outside the county often have no member record, so the
-- name is kept and member_id is optional; no ID or phone numbers are stored here.
CREATE TABLE first_secretaries (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the village's 党支部
  name TEXT NOT NULL,
  member_id BIGINT REFERENCES members(id),
  level TEXT NOT NULL,                           -- province | city | county (派出层级)
  unit TEXT NOT NULL,                            -- 派出单位
  term_start TEXT NOT NULL,                      -- YYYY-MM-DD
  term_end TEXT NOT NULL,
  note TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX first_secretaries_org ON first_secretaries(org_id, term_start);

-- 3+1 帮扶队伍: the first secretary plus up to a few helpers, replaced as a whole
CREATE TABLE first_secretary_team (
  secretary_id BIGINT NOT NULL REFERENCES first_secretaries(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT,
  PRIMARY KEY (secretary_id, seq)
);

-- 五项职责 + 一个目标: a plan and a result per duty and year
CREATE TABLE first_secretary_duties (
  secretary_id BIGINT NOT NULL REFERENCES first_secretaries(id),
  year INTEGER NOT NULL,
  duty TEXT NOT NULL,            -- organization | economy | service | governance | civility | goal
  plan TEXT,
  result TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (secretary_id, year, duty)
);

-- 驻村工作日: days worked in the village per month (YYYY-MM)
CREATE TABLE first_secretary_workdays (
  secretary_id BIGINT NOT NULL REFERENCES first_secretaries(id),
  month TEXT NOT NULL,
  days INTEGER NOT NULL,
  note TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (secretary_id, month)
);

-- 协调项目和资金: amounts in integer fen
CREATE TABLE first_secretary_funds (
  id @PK@,
  secretary_id BIGINT NOT NULL REFERENCES first_secretaries(id),
  title TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  funded_on TEXT NOT NULL,
  source TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX first_secretary_funds_sec ON first_secretary_funds(secretary_id, funded_on);

-- 志愿服务队
CREATE TABLE volunteer_teams (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  leader TEXT,
  note TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX volunteer_teams_org ON volunteer_teams(org_id);

CREATE TABLE volunteer_team_members (
  team_id BIGINT NOT NULL REFERENCES volunteer_teams(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  PRIMARY KEY (team_id, member_id)
);

-- an activity copies its team's org so lists and the hours per member join orgs once
CREATE TABLE volunteer_activities (
  id @PK@,
  team_id BIGINT NOT NULL REFERENCES volunteer_teams(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  held_on TEXT NOT NULL,
  place TEXT,
  title TEXT NOT NULL,
  hours_x10 INTEGER NOT NULL,    -- hours per participant, in tenths (0.1 h .. 24 h)
  note TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX volunteer_activities_org ON volunteer_activities(org_id, held_on);
CREATE INDEX volunteer_activities_team ON volunteer_activities(team_id, held_on);

CREATE TABLE volunteer_participants (
  activity_id BIGINT NOT NULL REFERENCES volunteer_activities(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  PRIMARY KEY (activity_id, member_id)
);
-- a member's own hours: their rows, then the activities by id
CREATE INDEX volunteer_participants_member ON volunteer_participants(member_id, activity_id);
