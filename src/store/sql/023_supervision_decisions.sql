-- 督查整改 (domain/supervision.c) and 四议两公开 village decisions (domain/decision.c).
--
-- Both are small tables (a few inspections a month per town, a few decisions a year per
-- village), so scope is read through orgs.path by join and nothing goes stale when
-- org_move rewrites a subtree.

-- An inspection (月度督查 / 专项督查 / 季度考核) carried out by an org over its subtree.
CREATE TABLE inspections (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),  -- the inspecting org
  held_on TEXT NOT NULL,
  kind TEXT NOT NULL,            -- monthly | special | quarterly
  title TEXT NOT NULL,
  inspectors TEXT NOT NULL,      -- names as written on the inspection record, 、-separated
  note TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX inspections_org ON inspections(org_id, held_on);

-- A finding: open → rectified → closed (verified by the inspecting org), or returned to open.
CREATE TABLE inspection_findings (
  id @PK@,
  inspection_id BIGINT NOT NULL REFERENCES inspections(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),  -- the inspected org
  found_on TEXT NOT NULL,        -- the inspection's date, copied for the quarterly bulletin
  problem TEXT NOT NULL,
  category TEXT NOT NULL,        -- organization | meetings | education | dues | members | style | other
  severity TEXT NOT NULL,        -- minor | normal | serious
  deadline TEXT NOT NULL,        -- rectify by (inclusive)
  responsible TEXT NOT NULL,     -- the person answerable, by name
  status TEXT NOT NULL DEFAULT 'open', -- open | rectified | closed
  rectification TEXT,            -- what was done (the latest report)
  rectified_on TEXT,             -- first report date counts for on time / late
  evidence TEXT,
  closed_on TEXT,
  returns INTEGER NOT NULL DEFAULT 0,
  return_reason TEXT,            -- the latest return
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX inspection_findings_inspection ON inspection_findings(inspection_id);
CREATE INDEX inspection_findings_org ON inspection_findings(org_id, status, deadline);

-- every move of a finding, in order: the finding's timeline
CREATE TABLE inspection_finding_events (
  id @PK@,
  finding_id BIGINT NOT NULL REFERENCES inspection_findings(id),
  action TEXT NOT NULL,          -- create | rectify | close | return
  on_date TEXT NOT NULL,
  note TEXT,                     -- rectification, or the reason of a return
  evidence TEXT,
  user_id BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX inspection_finding_events_finding ON inspection_finding_events(finding_id, id);

-- 四议两公开: one matter decided by a village, step by step.
CREATE TABLE village_decisions (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),  -- the 党支部
  title TEXT NOT NULL,
  content TEXT,
  steps_done INTEGER NOT NULL DEFAULT 0,       -- 0..6, see domain/decision.c
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX village_decisions_org ON village_decisions(org_id);

CREATE TABLE village_decision_steps (
  decision_id BIGINT NOT NULL REFERENCES village_decisions(id),
  step INTEGER NOT NULL,         -- 1 提议 2 商议 3 审议 4 决议 5 决议公开 6 实施结果公开
  held_on TEXT NOT NULL,
  participants INTEGER,          -- 参加人数 (提议, 商议) / 应到 (审议, 决议)
  present INTEGER,               -- 实到, for the votes
  votes_for INTEGER,
  votes_against INTEGER,
  votes_abstain INTEGER,
  place TEXT,                    -- 公开 place
  note TEXT,
  user_id BIGINT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (decision_id, step)
);
