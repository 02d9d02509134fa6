-- 党务公开栏 (issue 7, domain/board.c): one public board per 党支部, opened without a login
-- at /#/board?key=K. The key is random (board_regenerate_key); a new key makes the old
-- URL answer 404, and the id of a branch never opens a board, so boards cannot be
-- enumerated. The board shows public fields only (names, photos, dues marks, scores,
-- grades, plans, projects, promises): never ID numbers, phones, addresses or birth dates.
CREATE TABLE boards (
  org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
  enabled INTEGER NOT NULL DEFAULT 0,
  public_key TEXT NOT NULL UNIQUE,
  show_points INTEGER NOT NULL DEFAULT 1,
  show_dues INTEGER NOT NULL DEFAULT 1,
  show_appraisal INTEGER NOT NULL DEFAULT 1,
  notice TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  updated_by BIGINT,
  updated_at TEXT NOT NULL
);

-- 党员风采墙 photos: one per member, the file kept content-addressed in the attachment
-- store (attach.dir/ab/abcdef…, as domain/attachment.c keeps archive files).
CREATE TABLE member_photos (
  member_id BIGINT PRIMARY KEY REFERENCES members(id),
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  updated_by BIGINT,
  updated_at TEXT NOT NULL
);
