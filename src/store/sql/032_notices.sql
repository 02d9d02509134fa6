-- 通知公告 (issue 9, domain/notice.c): a notice is sent from one organization to its
-- whole subtree (a committee's notice reaches every branch and member below it; a
-- branch's, its own members). Who may read it is decided by paths alone: a member
-- sees a notice whose org_path is a prefix of their own org_path, so a moved branch
-- sees its new ancestors' notices and nothing is copied per recipient.
--
-- status: draft → published → withdrawn. reminded_at is the one reminder a sender
-- may give (never a second: nothing nags a member more than once).
CREATE TABLE notices (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the sending level
  org_path @TEXT_C@ NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  receipt INTEGER NOT NULL DEFAULT 0,           -- 回执: members confirm they have read it
  pinned INTEGER NOT NULL DEFAULT 0,            -- 置顶
  expires_on TEXT,                              -- YYYY-MM-DD, last day it is shown to members
  status TEXT NOT NULL DEFAULT 'draft',         -- draft | published | withdrawn
  published_at TEXT,
  withdrawn_at TEXT,
  withdraw_reason TEXT,
  reminded_at TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX notices_path ON notices(org_path, status);

-- One row per member who opened a notice: read_at is written once (the first opening),
-- confirmed_at once when the member confirms a receipt.
CREATE TABLE notice_reads (
  notice_id BIGINT NOT NULL REFERENCES notices(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  read_at TEXT NOT NULL,
  confirmed_at TEXT,
  PRIMARY KEY (notice_id, member_id)
);
CREATE INDEX notice_reads_member ON notice_reads(member_id);

-- A notice's files, kept in the attachment store (content-addressed, attachment.c).
CREATE TABLE notice_files (
  id @PK@,
  notice_id BIGINT NOT NULL REFERENCES notices(id),
  sha256 TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE INDEX notice_files_notice ON notice_files(notice_id);

-- One-time sign-in codes (issue 9 "Sign-in", domain/signin_code.c): issued by a secretary
-- or admin for a member's account and shown once. A code is a public selector (looked
-- up) and a secret part of which only the SHA-256 is kept; a wrong secret for a known
-- selector counts as a failed login of that account (the login lockout). used_at makes
-- a code single-use; a newer code for the same account retires the older ones.
CREATE TABLE signin_codes (
  id @PK@,
  selector TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  issued_by BIGINT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX signin_codes_user ON signin_codes(user_id);
-- a session opened with a code may set the account's password without the old one
ALTER TABLE sessions ADD COLUMN via_code INTEGER NOT NULL DEFAULT 0;
