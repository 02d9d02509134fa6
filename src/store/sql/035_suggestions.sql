-- 合理化建议 (issue 9, domain/suggestion.c): a suggestion addressed to one 党支部, from
-- one of its members (source 'member', member_id set) or from the public through the
-- branch's 党务公开栏 page (source 'board', member_id NULL, an optional name and an
-- optional contact phone). The contact is personal data: only its ciphertext
-- (util/pii, like members' phones) and a masked form are kept.
--
-- status: open → converted (it became the 民情诉求 request_id, made in the same
-- transaction) | closed (answered with reply). year is the year it was received
-- (Beijing), kept so the yearly statistics group on a column.
CREATE TABLE suggestions (
  id @PK@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),   -- the branch it is addressed to
  org_path @TEXT_C@ NOT NULL,
  source TEXT NOT NULL,                         -- member | board
  member_id BIGINT REFERENCES members(id),
  name TEXT,                                    -- board: the name given, if any
  contact_enc TEXT,                             -- board: pii ciphertext of the phone, if any
  contact_mask TEXT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',          -- open | converted | closed
  reply TEXT,
  replied_at TEXT,
  replied_by BIGINT,
  request_id BIGINT REFERENCES mass_requests(id),
  year INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX suggestions_path ON suggestions(org_path, year);
CREATE INDEX suggestions_member ON suggestions(member_id);
-- the public flood guard counts a board's submissions of the last hour
CREATE INDEX suggestions_org_created ON suggestions(org_id, source, created_at);
