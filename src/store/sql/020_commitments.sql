-- 目标责任书 and 承诺事项 (issue 6, domain/commitment.c): one letter per holder (a member
-- or an organization) and year, its items with a due date and a status
-- (pending → done with evidence | cancelled with a reason).
--
-- A letter keeps the org it belongs to (the holder org, or the member's branch when it
-- was signed); lists and statistics join orgs for the subtree's path range, so a moved
-- org takes its letters along without a copy to keep true. holder_key ('m<id>' /
-- 'o<id>') makes "one letter per holder and year" a plain UNIQUE on both backends.
CREATE TABLE commitment_letters (
  id @PK@,
  holder_type TEXT NOT NULL,      -- member | org
  holder_key TEXT NOT NULL,       -- 'm' || member id, 'o' || org id
  member_id BIGINT REFERENCES members(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  title TEXT,                     -- e.g. 2026年度党员承诺书
  signed_by TEXT,                 -- 签订人 for the issuing side (a name and post, no personal data)
  signed_on TEXT,                 -- YYYY-MM-DD
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (holder_key, year)
);
CREATE INDEX commitment_letters_org ON commitment_letters(org_id, year);
CREATE INDEX commitment_letters_member ON commitment_letters(member_id, year);

CREATE TABLE commitment_items (
  id @PK@,
  letter_id BIGINT NOT NULL REFERENCES commitment_letters(id),
  seq INTEGER NOT NULL,           -- order within the letter
  title TEXT NOT NULL,
  category TEXT NOT NULL,         -- study | duty | service | development | integrity | other
  due_on TEXT NOT NULL,           -- YYYY-MM-DD; overdue = pending and due_on < today
  status TEXT NOT NULL DEFAULT 'pending', -- pending | done | cancelled
  public INTEGER NOT NULL DEFAULT 0,      -- 公开承诺: shown on the public board
  evidence TEXT,                  -- 践诺情况, required to complete
  done_on TEXT,
  cancel_reason TEXT,
  cancelled_on TEXT,
  completed_by BIGINT,            -- users.id of who marked it done
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX commitment_items_letter ON commitment_items(letter_id, seq);
CREATE INDEX commitment_items_status ON commitment_items(status, due_on);
