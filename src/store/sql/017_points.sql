-- Points and assessment (RULES.md §6; docs/API.md "Points and assessment"; domain/points*.c).
--
-- Points are tenths (*_x10) like meeting hours: 2.5 分 is 25. A period number is
-- year * 12 + month - 1 of the event date (Asia/Shanghai), so a quarter or a year is one
-- integer range and every scan below is an index range.
--
-- Settings are kept per org and inherited: the nearest ancestor (or the org itself)
-- with a row decides for the whole subtree. No row anywhere = enabled with the
-- defaults of RULES.md §6.
CREATE TABLE point_settings (
  org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
  enabled INTEGER NOT NULL DEFAULT 1,
  member_base_x10 INTEGER NOT NULL DEFAULT 600,  -- 基础分 of a member's period score
  branch_mode TEXT NOT NULL DEFAULT 'deduct',    -- deduct (百分倒扣制: base 100) | percent (百分制: base 0)
  member_bands TEXT NOT NULL,                    -- JSON [{"min":95,"stars":5},…], min in whole points
  branch_bands TEXT NOT NULL,
  top_band_cap_pct INTEGER NOT NULL DEFAULT 10,  -- share of the ranked who may hold the top band; 0 = no cap
  top_n INTEGER NOT NULL DEFAULT 3,              -- branches flagged for reward in a publication
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);

-- Indicator sets, versioned per top-level org (parent_id IS NULL). A change writes a
-- new set (version + 1) with all its indicators; a ledger entry points at the
-- indicator row of the set in force for its month, so a past period keeps the points,
-- caps and signs it was scored under.
CREATE TABLE point_sets (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  version INTEGER NOT NULL,
  effective_from INTEGER NOT NULL,   -- period number of the first month scored under it
  note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  UNIQUE (org_id, version)
);

CREATE TABLE point_indicators (
  id @PK@,
  set_id BIGINT NOT NULL REFERENCES point_sets(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  target TEXT NOT NULL,              -- member | branch
  sign INTEGER NOT NULL,             -- 1 award | -1 deduction
  points_x10 INTEGER NOT NULL,       -- per event, > 0 (the sign is separate)
  cap_x10 INTEGER NOT NULL DEFAULT 0, -- per cap_period and subject; 0 = none
  cap_period TEXT NOT NULL DEFAULT 'month', -- month | quarter | year
  source TEXT NOT NULL,              -- manual | an automatic source (domain/points_sync.c)
  source_param TEXT,                 -- e.g. the meeting kind; NULL = any
  approver TEXT NOT NULL DEFAULT 'secretary', -- manual: secretary | org_admin
  position INTEGER NOT NULL,
  UNIQUE (set_id, code)
);

-- The ledger: append-only. A correction is a new row reversing one earlier row
-- (reverses_id, at most once); nothing is ever updated or deleted. Scope is read by
-- the org the points were earned in (org_path at the time); a subject's history by
-- point_entries_subject, which covers what scoring reads.
CREATE TABLE point_entries (
  id @PK@,
  target TEXT NOT NULL,              -- member | branch
  subject_id BIGINT NOT NULL,        -- members.id | orgs.id
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  indicator_id BIGINT NOT NULL REFERENCES point_indicators(id),
  period_no INTEGER NOT NULL,        -- the month it counts in
  event_on TEXT NOT NULL,            -- YYYY-MM-DD of the fact
  points_x10 INTEGER NOT NULL,       -- signed
  source TEXT NOT NULL,              -- manual | claim | reversal | an automatic source
  source_id BIGINT,                  -- meeting / appraisal / claim id
  reverses_id BIGINT UNIQUE REFERENCES point_entries(id),
  evidence TEXT,                     -- 依据 / finding
  inspector TEXT,                    -- findings: who found it
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX point_entries_subject ON point_entries(target, subject_id, period_no, indicator_id, points_x10);
CREATE INDEX point_entries_scope ON point_entries(org_path, period_no);
CREATE INDEX point_entries_source ON point_entries(source, source_id);

-- 申报: a fact a member (or a branch) reports and the indicator's approver decides.
-- Approval appends the ledger entry (entry_id); a claim never changes the ledger itself.
CREATE TABLE point_claims (
  id @PK@,
  target TEXT NOT NULL,
  subject_id BIGINT NOT NULL,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  indicator_id BIGINT NOT NULL REFERENCES point_indicators(id),
  event_on TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 1,
  evidence TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected
  reason TEXT,
  entry_id BIGINT REFERENCES point_entries(id),
  created_by BIGINT,
  decided_by BIGINT,
  decided_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX point_claims_scope ON point_claims(org_path, status);

-- 评分 / 亮分 / 兑分: a published period of one scope (month, quarter or year), with the
-- standings as computed then (score, rank, stars, consequence flags). Entries dated in
-- a published period of an enclosing scope are refused; corrections land in the
-- current month. The rows are the history of ranks and stars.
CREATE TABLE point_publications (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  target TEXT NOT NULL,              -- member | branch
  period TEXT NOT NULL,              -- 2026-09 | 2026Q3 | 2026
  first_month INTEGER NOT NULL,
  last_month INTEGER NOT NULL,
  settings TEXT NOT NULL,            -- JSON of the settings it was computed under
  note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  UNIQUE (org_id, target, period)
);
CREATE INDEX point_publications_months ON point_publications(target, first_month, last_month);

CREATE TABLE point_publication_rows (
  publication_id BIGINT NOT NULL REFERENCES point_publications(id),
  subject_id BIGINT NOT NULL,
  org_id BIGINT NOT NULL,            -- member: their branch then; branch: its parent
  score_x10 INTEGER NOT NULL,
  award_x10 INTEGER NOT NULL,
  deduct_x10 INTEGER NOT NULL,       -- ≤ 0
  rank INTEGER NOT NULL,
  stars INTEGER NOT NULL,            -- 0 = 后进 (below the lowest band)
  flags TEXT NOT NULL DEFAULT '',    -- comma list: reward | warning | adjust
  PRIMARY KEY (publication_id, subject_id)
);
CREATE INDEX point_publication_rows_subject ON point_publication_rows(subject_id, publication_id);

-- 述职评议 (domain/review.c): the host committee's session, its participants (fixed and
-- drawn with a recorded seed), raters by name and group, and one score per rater and
-- participant. A rater's ballot code is kept only as its SHA-256.
CREATE TABLE reviews (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  title TEXT NOT NULL,
  year INTEGER NOT NULL,
  held_on TEXT NOT NULL,
  weight_leader INTEGER NOT NULL,    -- percent; the three sum to 100
  weight_member INTEGER NOT NULL,
  weight_mass INTEGER NOT NULL,
  draw_pool TEXT NOT NULL DEFAULT '[]', -- JSON [{"org_id","grp"}] the draw picks from
  draw_count INTEGER NOT NULL DEFAULT 0,
  seed TEXT,                         -- hex; set by the draw
  status TEXT NOT NULL DEFAULT 'draft', -- draft | scoring | published
  published_at TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX reviews_scope ON reviews(org_path, year);

CREATE TABLE review_participants (
  review_id BIGINT NOT NULL REFERENCES reviews(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  how TEXT NOT NULL,                 -- fixed | drawn
  grp TEXT NOT NULL,                 -- 分类 ranked separately, e.g. 乡镇 | 部门
  draw_order INTEGER NOT NULL DEFAULT 0,
  score_x10 INTEGER,                 -- set when published
  rank INTEGER,
  PRIMARY KEY (review_id, org_id)
);

CREATE TABLE review_raters (
  id @PK@,
  review_id BIGINT NOT NULL REFERENCES reviews(id),
  name TEXT NOT NULL,
  grp TEXT NOT NULL,                 -- leader | member | mass
  code_hash TEXT NOT NULL UNIQUE,
  submitted_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX review_raters_review ON review_raters(review_id);

CREATE TABLE review_scores (
  rater_id BIGINT NOT NULL REFERENCES review_raters(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  score INTEGER NOT NULL,            -- 0–100
  PRIMARY KEY (rater_id, org_id)
);
