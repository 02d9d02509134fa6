-- Meetings counted per org, year, kind and month (domain/compliance.c), kept by triggers
-- on meetings so every write path (meeting_create, meeting_update, imports, anything
-- later) keeps them true in the same transaction without remembering to — as
-- orgs.direct_members is kept in 003. The compliance check of a county then reads a
-- few rows per org (a row per kind held in the year, the twelve months as columns) by
-- an index seek per org of the subtree, instead of grouping the subtree's 100,000+
-- meetings of the year per request (DESIGN.md "Scale"). The counts carry no path, so
-- org_move has nothing to rewrite here: the subtree is taken from orgs at read time.
-- Rows whose months all fall to 0 (a meeting moved away) are kept: they count nothing.
CREATE TABLE meeting_counts (
  org_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  m1 INTEGER NOT NULL DEFAULT 0,
  m2 INTEGER NOT NULL DEFAULT 0,
  m3 INTEGER NOT NULL DEFAULT 0,
  m4 INTEGER NOT NULL DEFAULT 0,
  m5 INTEGER NOT NULL DEFAULT 0,
  m6 INTEGER NOT NULL DEFAULT 0,
  m7 INTEGER NOT NULL DEFAULT 0,
  m8 INTEGER NOT NULL DEFAULT 0,
  m9 INTEGER NOT NULL DEFAULT 0,
  m10 INTEGER NOT NULL DEFAULT 0,
  m11 INTEGER NOT NULL DEFAULT 0,
  m12 INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, year, kind)
) WITHOUT ROWID;

-- meetings recorded before this migration
INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
  SELECT org_id, CAST(substr(meetings.held_on, 1, 4) AS INTEGER), kind,
    sum(substr(held_on, 6, 2) = '01'),
    sum(substr(held_on, 6, 2) = '02'),
    sum(substr(held_on, 6, 2) = '03'),
    sum(substr(held_on, 6, 2) = '04'),
    sum(substr(held_on, 6, 2) = '05'),
    sum(substr(held_on, 6, 2) = '06'),
    sum(substr(held_on, 6, 2) = '07'),
    sum(substr(held_on, 6, 2) = '08'),
    sum(substr(held_on, 6, 2) = '09'),
    sum(substr(held_on, 6, 2) = '10'),
    sum(substr(held_on, 6, 2) = '11'),
    sum(substr(held_on, 6, 2) = '12')
  FROM meetings GROUP BY org_id, CAST(substr(meetings.held_on, 1, 4) AS INTEGER), kind;

CREATE TRIGGER meeting_counts_insert AFTER INSERT ON meetings
BEGIN
  INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
    VALUES (NEW.org_id,
        CAST(substr(NEW.held_on, 1, 4) AS INTEGER),
        NEW.kind,
        substr(NEW.held_on, 6, 2) = '01',
        substr(NEW.held_on, 6, 2) = '02',
        substr(NEW.held_on, 6, 2) = '03',
        substr(NEW.held_on, 6, 2) = '04',
        substr(NEW.held_on, 6, 2) = '05',
        substr(NEW.held_on, 6, 2) = '06',
        substr(NEW.held_on, 6, 2) = '07',
        substr(NEW.held_on, 6, 2) = '08',
        substr(NEW.held_on, 6, 2) = '09',
        substr(NEW.held_on, 6, 2) = '10',
        substr(NEW.held_on, 6, 2) = '11',
        substr(NEW.held_on, 6, 2) = '12')
    ON CONFLICT (org_id, year, kind) DO UPDATE SET
        m1 = m1 + excluded.m1,
        m2 = m2 + excluded.m2,
        m3 = m3 + excluded.m3,
        m4 = m4 + excluded.m4,
        m5 = m5 + excluded.m5,
        m6 = m6 + excluded.m6,
        m7 = m7 + excluded.m7,
        m8 = m8 + excluded.m8,
        m9 = m9 + excluded.m9,
        m10 = m10 + excluded.m10,
        m11 = m11 + excluded.m11,
        m12 = m12 + excluded.m12;
END;

CREATE TRIGGER meeting_counts_delete AFTER DELETE ON meetings
BEGIN
  UPDATE meeting_counts SET
        m1 = m1 - (substr(OLD.held_on, 6, 2) = '01'),
        m2 = m2 - (substr(OLD.held_on, 6, 2) = '02'),
        m3 = m3 - (substr(OLD.held_on, 6, 2) = '03'),
        m4 = m4 - (substr(OLD.held_on, 6, 2) = '04'),
        m5 = m5 - (substr(OLD.held_on, 6, 2) = '05'),
        m6 = m6 - (substr(OLD.held_on, 6, 2) = '06'),
        m7 = m7 - (substr(OLD.held_on, 6, 2) = '07'),
        m8 = m8 - (substr(OLD.held_on, 6, 2) = '08'),
        m9 = m9 - (substr(OLD.held_on, 6, 2) = '09'),
        m10 = m10 - (substr(OLD.held_on, 6, 2) = '10'),
        m11 = m11 - (substr(OLD.held_on, 6, 2) = '11'),
        m12 = m12 - (substr(OLD.held_on, 6, 2) = '12')
    WHERE org_id = OLD.org_id AND year = CAST(substr(OLD.held_on, 1, 4) AS INTEGER) AND kind = OLD.kind;
END;

-- the old row's month out, the new row's month in
CREATE TRIGGER meeting_counts_update AFTER UPDATE OF org_id, kind, held_on ON meetings
WHEN OLD.org_id <> NEW.org_id OR OLD.kind <> NEW.kind OR OLD.held_on <> NEW.held_on
BEGIN
  UPDATE meeting_counts SET
        m1 = m1 - (substr(OLD.held_on, 6, 2) = '01'),
        m2 = m2 - (substr(OLD.held_on, 6, 2) = '02'),
        m3 = m3 - (substr(OLD.held_on, 6, 2) = '03'),
        m4 = m4 - (substr(OLD.held_on, 6, 2) = '04'),
        m5 = m5 - (substr(OLD.held_on, 6, 2) = '05'),
        m6 = m6 - (substr(OLD.held_on, 6, 2) = '06'),
        m7 = m7 - (substr(OLD.held_on, 6, 2) = '07'),
        m8 = m8 - (substr(OLD.held_on, 6, 2) = '08'),
        m9 = m9 - (substr(OLD.held_on, 6, 2) = '09'),
        m10 = m10 - (substr(OLD.held_on, 6, 2) = '10'),
        m11 = m11 - (substr(OLD.held_on, 6, 2) = '11'),
        m12 = m12 - (substr(OLD.held_on, 6, 2) = '12')
    WHERE org_id = OLD.org_id AND year = CAST(substr(OLD.held_on, 1, 4) AS INTEGER) AND kind = OLD.kind;
  INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
    VALUES (NEW.org_id,
        CAST(substr(NEW.held_on, 1, 4) AS INTEGER),
        NEW.kind,
        substr(NEW.held_on, 6, 2) = '01',
        substr(NEW.held_on, 6, 2) = '02',
        substr(NEW.held_on, 6, 2) = '03',
        substr(NEW.held_on, 6, 2) = '04',
        substr(NEW.held_on, 6, 2) = '05',
        substr(NEW.held_on, 6, 2) = '06',
        substr(NEW.held_on, 6, 2) = '07',
        substr(NEW.held_on, 6, 2) = '08',
        substr(NEW.held_on, 6, 2) = '09',
        substr(NEW.held_on, 6, 2) = '10',
        substr(NEW.held_on, 6, 2) = '11',
        substr(NEW.held_on, 6, 2) = '12')
    ON CONFLICT (org_id, year, kind) DO UPDATE SET
        m1 = m1 + excluded.m1,
        m2 = m2 + excluded.m2,
        m3 = m3 + excluded.m3,
        m4 = m4 + excluded.m4,
        m5 = m5 + excluded.m5,
        m6 = m6 + excluded.m6,
        m7 = m7 + excluded.m7,
        m8 = m8 + excluded.m8,
        m9 = m9 + excluded.m9,
        m10 = m10 + excluded.m10,
        m11 = m11 + excluded.m11,
        m12 = m12 + excluded.m12;
END;
