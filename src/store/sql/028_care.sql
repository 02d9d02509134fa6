-- 关怀帮扶 (issue 7, domain/care.c) and the proper reasons behind the 自行脱党 warnings
-- (RULES.md §4, domain/lapse.c). Money is integer fen.
--
-- 困难党员 register: a member in hardship from a date (since), optionally until a date,
-- closed when the hardship is over. At most one open entry per member (care.c checks it
-- in the same transaction as the insert).
CREATE TABLE care_hardships (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,    -- the member's branch when registered
  reason TEXT NOT NULL,
  since TEXT NOT NULL,           -- YYYY-MM-DD
  until TEXT,                    -- YYYY-MM-DD, expected end; NULL = open-ended
  closed_on TEXT,                -- YYYY-MM-DD; NULL = open
  close_note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_hardships_member ON care_hardships(member_id);
CREATE INDEX care_hardships_path ON care_hardships(org_path);

-- Every subsidy, help or visit given: elderly (老党员生活补贴, once per member and year:
-- the partial unique index makes a second issue of the same year impossible whoever
-- writes it), hardship (帮扶, linked to the register entry), festival (送温暖 on an
-- occasion: spring 春节 | july1 七一 | chongyang 重阳 | mid_autumn 中秋 | other).
-- org_id/org_path are the member's branch when given: totals per branch stay where the
-- money was given even after a transfer.
CREATE TABLE care_records (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  org_path @TEXT_C@ NOT NULL,
  kind TEXT NOT NULL,            -- elderly | hardship | festival
  year INTEGER NOT NULL,
  occasion TEXT,                 -- festival occasion; hardship: help kind (money | goods | service)
  hardship_id BIGINT REFERENCES care_hardships(id),
  age INTEGER,                   -- elderly: the age reached in the year
  band_age INTEGER,              -- elderly: the band applied (care.elderly_bands)
  given_on TEXT NOT NULL,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  goods TEXT,
  giver TEXT,
  note TEXT,
  created_by BIGINT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX care_records_elderly_once ON care_records(member_id, year) WHERE kind = 'elderly';
CREATE INDEX care_records_path ON care_records(year, org_path);
CREATE INDEX care_records_member ON care_records(member_id, year);
CREATE INDEX care_records_hardship ON care_records(hardship_id);

-- A proper reason (RULES.md §4 "without proper reason") for a member's lack of
-- organizational life or dues: the member is listed apart as excused through
-- until_month (YYYY-MM, inclusive). recorded_by is the user, recorded_name their name.
CREATE TABLE lapse_excuses (
  id @PK@,
  member_id BIGINT NOT NULL REFERENCES members(id),
  reason TEXT NOT NULL,
  until_month TEXT NOT NULL,
  recorded_by BIGINT,
  recorded_name TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX lapse_excuses_member ON lapse_excuses(member_id, until_month);
