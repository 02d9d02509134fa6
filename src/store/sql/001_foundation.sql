-- Foundation schema: organizations, members, transfers, accounts, sessions, audit.
-- Portable between SQLite and PostgreSQL; migrate.c replaces the tokens
--   @PK@      INTEGER PRIMARY KEY (SQLite rowid) | BIGSERIAL PRIMARY KEY
--   @TEXT_C@  TEXT | TEXT COLLATE "C"  (byte order, so path range scans use the index)
--
-- The org tree is a materialized path ('/1/7/42/'). A subtree is the index range
-- path >= '/1/7/' AND path < '/1/70' (the '/' after the prefix bumped to '0'), which
-- both engines answer with a B-tree seek, at 500,000 orgs as at 50. A closure table
-- would need depth x orgs rows (≈ 3M at province scale) and a join for every member
-- list; the path also sits on each member row (org_path), so "members under X" is one
-- index range on members without touching orgs at all. Moving a subtree rewrites the
-- prefix of the moved rows only, which is rare and bounded by the subtree size.

CREATE TABLE orgs (
  id @PK@,
  parent_id BIGINT REFERENCES orgs(id),
  path @TEXT_C@ NOT NULL UNIQUE,
  depth INTEGER NOT NULL,
  kind TEXT NOT NULL,            -- dept | committee | general_branch | branch | joint_branch | group
  name TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  unit_kind TEXT NOT NULL DEFAULT 'other', -- village | community | enterprise | government | school | other
  can_approve INTEGER NOT NULL DEFAULT 0,  -- approval authority for new members (基层党委)
  is_temporary INTEGER NOT NULL DEFAULT 0,
  secretary_member_id BIGINT,
  committee_size INTEGER NOT NULL DEFAULT 0, -- elected 支委 (0 = a secretary only)
  founded_on TEXT,
  term_start TEXT,
  term_end TEXT,
  address TEXT,
  dissolved_on TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

CREATE TABLE members (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  group_id BIGINT REFERENCES orgs(id),
  name TEXT NOT NULL,
  gender TEXT NOT NULL,          -- GB/T 2261.1 code
  id_enc TEXT NOT NULL,          -- secretbox(nonce||ciphertext), base64
  id_hash TEXT NOT NULL UNIQUE,  -- keyed hash for exact search
  id_mask TEXT NOT NULL,         -- 110105********002X
  id_tail TEXT NOT NULL,         -- last 4, for suffix search (already visible in the mask)
  birth_date TEXT NOT NULL,
  ethnicity TEXT NOT NULL,
  education TEXT,
  category TEXT NOT NULL,        -- full | probationary
  join_date TEXT NOT NULL,
  full_date TEXT,
  job TEXT,                      -- 工作岗位 code
  person_type TEXT NOT NULL DEFAULT 'other', -- employed | retired | farmer | student | other
  work_unit TEXT,
  phone_enc TEXT,
  phone_hash TEXT,
  phone_mask TEXT,
  phone_tail TEXT,
  address TEXT,
  party_status TEXT NOT NULL DEFAULT 'normal', -- normal | suspended (停止党籍)
  lost_contact INTEGER NOT NULL DEFAULT 0,
  lost_since TEXT,
  floating INTEGER NOT NULL DEFAULT 0,
  grid TEXT,
  discipline TEXT NOT NULL DEFAULT 'none',     -- none | probation (留党察看, rights not restored)
  state TEXT NOT NULL DEFAULT 'active',        -- active | transferring | transferred_out | removed | deceased
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX members_path_name ON members(org_path, name);
CREATE INDEX members_org ON members(org_id);
CREATE INDEX members_id_tail ON members(id_tail);
CREATE INDEX members_phone_tail ON members(phone_tail);
CREATE INDEX members_phone_hash ON members(phone_hash);

CREATE TABLE member_history (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  at TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  actor_id BIGINT,
  note TEXT
);
CREATE INDEX member_history_member ON member_history(member_id, id);

CREATE TABLE transfers (
  id @PK@,
  serial TEXT NOT NULL UNIQUE,
  member_id BIGINT NOT NULL REFERENCES members(id),
  from_org_id BIGINT NOT NULL REFERENCES orgs(id),
  to_org_id BIGINT REFERENCES orgs(id),
  to_org_name TEXT,
  kind TEXT NOT NULL,            -- internal | external
  reason TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  dues_paid_to TEXT NOT NULL,    -- YYYY-MM
  status TEXT NOT NULL,          -- pending | confirmed | rejected | cancelled | sent
  decided_on TEXT,
  decided_by BIGINT,
  reject_reason TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE INDEX transfers_member ON transfers(member_id);
CREATE INDEX transfers_to ON transfers(to_org_id, status);
CREATE INDEX transfers_from ON transfers(from_org_id, status);

CREATE TABLE users (
  id @PK@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  pw_hash TEXT NOT NULL,
  role TEXT NOT NULL,            -- sysadmin | org_admin | secretary | member
  org_id BIGINT REFERENCES orgs(id),
  member_id BIGINT REFERENCES members(id),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  kind TEXT NOT NULL,            -- cookie | bearer
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,         -- assigned in order under the audit_head lock
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT,
  before_json TEXT,
  after_json TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
  org_id BIGINT NOT NULL DEFAULT 0,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (org_id, key)
);

CREATE TABLE serials (
  name TEXT PRIMARY KEY,
  next_value BIGINT NOT NULL
);
