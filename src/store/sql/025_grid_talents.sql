-- Work tracking (issue 6): the grid (网格: 村党支部 → 片党小组 → 户党员) and the
-- reserve-talent pools (人才储备). Both are small per branch (a village has a few
-- hundred households, a handful of talents), so lists join orgs for the scope path
-- range instead of copying org_path onto every row: nothing to rewrite when an org moves.
--
-- A household belongs to one 党支部 (org_id); its grid cell is a 党小组 of that branch
-- (group_id, an orgs row of kind 'group', the same orgs members.group_id points at), and
-- it is looked after by one member of that branch (member_id, the 联系户党员). No ID or
-- phone numbers: a household is known by its head's name and address.
CREATE TABLE grid_households (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  group_id BIGINT REFERENCES orgs(id),
  head_name TEXT NOT NULL,
  address TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 1,   -- 户人口
  notes TEXT,
  member_id BIGINT REFERENCES members(id),
  assigned_on TEXT,                  -- YYYY-MM-DD the current member took it on
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX grid_households_org ON grid_households(org_id, group_id);
CREATE INDEX grid_households_member ON grid_households(member_id);

-- A person in a reserve pool; status reserve → recommended (推荐为入党积极分子:
-- recommended_on + note, which the recruitment UI may pre-fill from) → developed, or
-- withdrawn (with a reason) from reserve or recommended. Personal data is limited to
-- what a pool list shows: no ID numbers, no phone numbers.
CREATE TABLE talents (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  pool TEXT NOT NULL,                -- youth | skilled | women | veteran | returnee | other
  name TEXT NOT NULL,
  gender TEXT NOT NULL,              -- GB/T 2261.1: 1 男, 2 女
  birth_year INTEGER,
  education TEXT,
  occupation TEXT,
  recommended_by TEXT,               -- 推荐人/推荐单位 into the pool
  listed_on TEXT NOT NULL,           -- 入库日期
  status TEXT NOT NULL DEFAULT 'reserve', -- reserve | recommended | developed | withdrawn
  recommended_on TEXT,
  recommend_note TEXT,
  developed_on TEXT,
  withdrawn_on TEXT,
  withdraw_reason TEXT,
  notes TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX talents_org ON talents(org_id, pool, status);
