-- Recruitment (发展党员): one record per person from 递交入党申请书 to 材料归档 (RULES.md §1).
-- The person is not a member until step 17 approves them; their personal data is held
-- sealed like a member's. Every recorded step is a row of recruit_steps (append-only:
-- corrections are new rows that supersede, never edits), signed by who recorded it and
-- at which level (支部, 基层党委, 县级党委组织部门).

CREATE TABLE recruits (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),     -- the branch developing the person
  org_path @TEXT_C@ NOT NULL,
  name TEXT NOT NULL,
  gender TEXT NOT NULL,
  id_enc TEXT NOT NULL,
  id_hash TEXT NOT NULL,
  id_mask TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  ethnicity TEXT NOT NULL,
  education TEXT,
  job TEXT,
  work_unit TEXT,
  phone_enc TEXT,
  phone_mask TEXT,
  stage INTEGER NOT NULL DEFAULT 1,        -- 1 申请入党 · 2 积极分子 · 3 发展对象 · 4 预备党员 · 5 正式党员
  last_step INTEGER NOT NULL DEFAULT 0,    -- highest step recorded (1..25)
  status TEXT NOT NULL DEFAULT 'active',   -- active | not_developed | cancelled | archived
  applied_on TEXT,                         -- step 1
  talked_on TEXT,                          -- step 2
  activist_on TEXT,                        -- step 3
  target_on TEXT,                          -- step 7
  branch_meeting_on TEXT,                  -- step 15: probation starts, 入党日期
  approved_on TEXT,                        -- step 17
  probation_end TEXT,                      -- branch_meeting_on + 1 year (+ extension)
  extended_months INTEGER NOT NULL DEFAULT 0,
  full_on TEXT,                            -- 转正: the day probation ended
  member_id BIGINT REFERENCES members(id), -- the registry record from step 17 on
  rules TEXT NOT NULL,                     -- the rule set (config snapshot) decisions were made under
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX recruits_path_stage ON recruits(org_path, stage, status);
CREATE UNIQUE INDEX recruits_one_open ON recruits(id_hash) WHERE status = 'active';

CREATE TABLE recruit_steps (
  id @PK@,
  recruit_id BIGINT NOT NULL REFERENCES recruits(id),
  step INTEGER NOT NULL,                   -- 1..25; 90 考察记录 (repeatable inspections); 91 回访考察;
                                           -- 95 不予发展/淘汰; 96 延长预备期; 97 取消预备党员资格
  done_on TEXT NOT NULL,
  org_id BIGINT NOT NULL REFERENCES orgs(id), -- the responsible organization
  level TEXT NOT NULL,                     -- branch | committee | county
  people TEXT,                             -- JSON: {"talkers":[member ids], "contacts":[…], "introducers":[…], "approver":"…"}
  data TEXT,                               -- JSON: step facts (votes, 公示 dates, training hours, review result …)
  note TEXT,
  signed_by BIGINT,                        -- users.id
  signer TEXT NOT NULL,                    -- username at the time
  created_at TEXT NOT NULL
);
CREATE INDEX recruit_steps_recruit ON recruit_steps(recruit_id, step);

CREATE TABLE recruit_scores (
  id @PK@,
  recruit_id BIGINT NOT NULL REFERENCES recruits(id),
  year INTEGER NOT NULL,
  rater TEXT NOT NULL,
  score INTEGER NOT NULL,
  scored_on TEXT NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX recruit_scores_recruit ON recruit_scores(recruit_id, year);

CREATE TABLE recruit_plans (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id), -- a 基层党委
  year INTEGER NOT NULL,
  planned INTEGER NOT NULL,
  special_units_max_pct INTEGER,              -- 比例 cap for special units (NULL = none)
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (org_id, year)
);

CREATE TABLE holidays (
  day TEXT PRIMARY KEY,                       -- YYYY-MM-DD
  kind TEXT NOT NULL,                         -- holiday | workday (调休: a weekend that is worked)
  name TEXT
);

CREATE TABLE attachments (
  id @PK@,
  recruit_id BIGINT NOT NULL REFERENCES recruits(id),
  step INTEGER,
  sha256 TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX attachments_recruit ON attachments(recruit_id);
