-- 民主评议党员 (RULES.md §2, §4), the 支委会 quorum and the 主题党日 yearly plan
-- (domain/appraisal.c, domain/meeting.c, domain/meeting_plan.c).
--
-- A round is one branch's appraisal of one year. Its roster is written when the round
-- opens (one entry per active member), so the ⅓ cap and the close check count the
-- members who were appraised, not whoever belongs to the branch today. Scope is read
-- through orgs.path by join (a handful of rows per branch and year), so nothing here
-- goes stale when org_move rewrites a subtree.
CREATE TABLE appraisals (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open', -- open | closed
  opened_on TEXT NOT NULL,
  closed_on TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (org_id, year)
);

CREATE TABLE appraisal_entries (
  appraisal_id BIGINT NOT NULL REFERENCES appraisals(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  graded INTEGER NOT NULL,       -- 0: 预备党员 at opening (takes part, not graded)
  self_assessment TEXT,
  mutual_excellent INTEGER NOT NULL DEFAULT 0, -- 党员互评 votes per category
  mutual_qualified INTEGER NOT NULL DEFAULT 0,
  mutual_basic INTEGER NOT NULL DEFAULT 0,
  mutual_unqualified INTEGER NOT NULL DEFAULT 0,
  mass_excellent INTEGER NOT NULL DEFAULT 0,   -- 民主测评 (群众) votes per category
  mass_qualified INTEGER NOT NULL DEFAULT 0,
  mass_basic INTEGER NOT NULL DEFAULT 0,
  mass_unqualified INTEGER NOT NULL DEFAULT 0,
  category TEXT,                 -- excellent | qualified | basic | unqualified; NULL = not decided
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (appraisal_id, member_id)
);

-- 不合格 → 限期改正 → 改正 / 劝退 / 除名 (RULES.md §4); one per 不合格 member of a closed round.
CREATE TABLE appraisal_followups (
  id @PK@,
  appraisal_id BIGINT NOT NULL REFERENCES appraisals(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  deadline TEXT NOT NULL,        -- 限期改正 until (inclusive)
  correction_months INTEGER NOT NULL, -- the rule the deadline was set under
  outcome TEXT,                  -- NULL (限期改正 running) | corrected | persuaded | removed
  outcome_on TEXT,
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (appraisal_id, member_id)
);

-- 支委会: who among those recorded is a 支委, and the quorum as checked when written
ALTER TABLE meeting_attendance ADD COLUMN committee INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN committee_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN committee_present INTEGER NOT NULL DEFAULT 0;

-- 主题党日年度计划: one topic per month per branch and year
CREATE TABLE meeting_plans (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (org_id, year)
);

CREATE TABLE meeting_plan_items (
  plan_id BIGINT NOT NULL REFERENCES meeting_plans(id),
  month INTEGER NOT NULL,
  topic TEXT NOT NULL,
  PRIMARY KEY (plan_id, month)
);
