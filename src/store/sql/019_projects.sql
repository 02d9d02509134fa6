-- 党建项目化管理 (domain/project.c): projects through seven stages, in order,
-- 申报 → 备案 → 实施 → 结题 → 验收 → 评估 → 激励. The owning org's path is copied (as
-- meetings do) so a subtree's projects are one index range; lead_org_id is the
-- reviewing org (an ancestor of the owner). The evaluation keeps the weights it was
-- scored with, so a later change of the config does not rewrite past scores.
CREATE TABLE projects (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  lead_org_id BIGINT NOT NULL REFERENCES orgs(id),
  secretary_member_id BIGINT NOT NULL REFERENCES members(id),
  type TEXT NOT NULL,            -- innovation | demonstration | promotion
  leader_led INTEGER NOT NULL DEFAULT 0, -- 书记领衔
  name TEXT NOT NULL,
  year INTEGER NOT NULL,
  summary TEXT,
  goal TEXT,
  start_on TEXT,
  end_on TEXT,
  budget_fen BIGINT,
  stage TEXT NOT NULL,           -- apply | file | implement | conclude | accept | evaluate | reward
  returned INTEGER NOT NULL DEFAULT 0, -- at apply: returned by the lead org, awaiting a new 申报
  return_reason TEXT,
  conclude_report TEXT,
  onsite TEXT,                   -- 验收: on-site review notes
  expert_score INTEGER,          -- 0..100
  satisfaction INTEGER,          -- survey, 0..100 %
  goal_rate INTEGER,             -- 评估 inputs 0..100
  mass_rate INTEGER,
  benefit INTEGER,
  promotion INTEGER,
  w_goal INTEGER,
  w_mass INTEGER,
  w_benefit INTEGER,
  w_promotion INTEGER,
  score_centi INTEGER,           -- weighted score × 100
  reward TEXT,
  reward_fen BIGINT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX projects_scope ON projects(org_path, year);

-- 季度评审 by the leading group during 实施; a returned quarter needs a later review.
CREATE TABLE project_reviews (
  id @PK@,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  year INTEGER NOT NULL,
  quarter INTEGER NOT NULL,
  result TEXT NOT NULL,          -- approved | returned
  reason TEXT,
  note TEXT,
  reviewed_on TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX project_reviews_project ON project_reviews(project_id, year, quarter, id);

-- The public progress ledger: appended by every stage change and review, never updated.
CREATE TABLE project_ledger (
  id @PK@,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  happened_on TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  stage TEXT NOT NULL,
  note TEXT
);
CREATE INDEX project_ledger_project ON project_ledger(project_id, id);
