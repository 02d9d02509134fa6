-- 谈心谈话 (RULES.md §2: 支委 with each member at least once a year) kept per org, for the
-- compliance check of a large subtree (domain/compliance.c, DESIGN.md "Scale"): the
-- roster (active full and probationary members whose org_id is the org) and, per year,
-- how many of them were present at a talk that year (a month of member_life_months with
-- talks > 0, 014). The province's year view then reads two narrow rows per branch
-- instead of every member of the province and the year's talkers.
--
-- Kept by triggers in the same transaction as the write: members (insert, delete, a
-- change of org_id, state or category: the member's counts leave the old org and join
-- the new one, talked years included) and member_life_months (a member's year gaining
-- its first month with a talk, or losing its last). Org moves rewrite only paths: the
-- counts are keyed by org_id and the subtree is taken from orgs at read time. Rows
-- falling to 0 are kept: they count nothing. member_life_months keys (member, year,
-- month) are never updated, only their figures.
CREATE TABLE org_talk_roster (
  org_id BIGINT PRIMARY KEY,
  roster INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE org_talks (
  org_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  talked INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, year)
) WITHOUT ROWID;

-- The province root (a top-level org, nearly every org of the database) reads the year's
-- kept rows in one index range each instead of a seek per org: the talked counts here,
-- and the meeting counts of 012, whose every column this index covers.
CREATE INDEX org_talks_year ON org_talks(year, org_id, talked);
CREATE INDEX meeting_counts_year ON meeting_counts(year, org_id, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11,
  m12);

INSERT INTO org_talk_roster (org_id, roster)
  SELECT org_id, count(*) FROM members WHERE state = 'active' AND category IN ('full', 'probationary')
  GROUP BY org_id;
INSERT INTO org_talks (org_id, year, talked)
  SELECT m.org_id, t.year, count(*) FROM members m
    JOIN (SELECT DISTINCT member_id, year FROM member_life_months WHERE talks > 0) t ON t.member_id = m.id
  WHERE m.state = 'active' AND m.category IN ('full', 'probationary') GROUP BY m.org_id, t.year;

CREATE TRIGGER org_talks_member_insert AFTER INSERT ON members
WHEN NEW.state = 'active' AND NEW.category IN ('full', 'probationary')
BEGIN
  INSERT INTO org_talk_roster (org_id, roster) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET roster = roster + 1;
  INSERT INTO org_talks (org_id, year, talked)
    SELECT NEW.org_id, year, 1 FROM member_life_months WHERE member_id = NEW.id AND talks > 0 GROUP BY year
    ON CONFLICT (org_id, year) DO UPDATE SET talked = talked + 1;
END;

CREATE TRIGGER org_talks_member_delete AFTER DELETE ON members
WHEN OLD.state = 'active' AND OLD.category IN ('full', 'probationary')
BEGIN
  UPDATE org_talk_roster SET roster = roster - 1 WHERE org_id = OLD.org_id;
  UPDATE org_talks SET talked = talked - 1 WHERE org_id = OLD.org_id AND year IN
    (SELECT year FROM member_life_months WHERE member_id = OLD.id AND talks > 0);
END;

-- the old org's counts out, the new org's in
CREATE TRIGGER org_talks_member_update AFTER UPDATE OF org_id, state, category ON members
WHEN (OLD.state = 'active' AND OLD.category IN ('full', 'probationary'))
  OR (NEW.state = 'active' AND NEW.category IN ('full', 'probationary'))
BEGIN
  UPDATE org_talk_roster SET roster = roster - 1
    WHERE org_id = OLD.org_id AND OLD.state = 'active' AND OLD.category IN ('full', 'probationary');
  UPDATE org_talks SET talked = talked - 1
    WHERE org_id = OLD.org_id AND OLD.state = 'active' AND OLD.category IN ('full', 'probationary') AND year IN
      (SELECT year FROM member_life_months WHERE member_id = OLD.id AND talks > 0);
  INSERT INTO org_talk_roster (org_id, roster)
    SELECT NEW.org_id, 1 WHERE NEW.state = 'active' AND NEW.category IN ('full', 'probationary')
    ON CONFLICT (org_id) DO UPDATE SET roster = roster + 1;
  INSERT INTO org_talks (org_id, year, talked)
    SELECT NEW.org_id, year, 1 FROM member_life_months
    WHERE member_id = NEW.id AND talks > 0 AND NEW.state = 'active' AND NEW.category IN ('full', 'probationary')
    GROUP BY year
    ON CONFLICT (org_id, year) DO UPDATE SET talked = talked + 1;
END;

-- a member's year with its first month of talks, or without its last
CREATE TRIGGER org_talks_life_insert AFTER INSERT ON member_life_months
WHEN NEW.talks > 0
BEGIN
  INSERT INTO org_talks (org_id, year, talked)
    SELECT m.org_id, NEW.year, 1 FROM members m
    WHERE m.id = NEW.member_id AND m.state = 'active' AND m.category IN ('full', 'probationary')
      AND NOT EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = NEW.member_id AND l.year = NEW.year
                      AND l.month <> NEW.month AND l.talks > 0)
    ON CONFLICT (org_id, year) DO UPDATE SET talked = talked + 1;
END;

CREATE TRIGGER org_talks_life_update AFTER UPDATE OF talks ON member_life_months
WHEN (OLD.talks > 0) <> (NEW.talks > 0)
BEGIN
  INSERT INTO org_talks (org_id, year, talked)
    SELECT m.org_id, NEW.year, CASE WHEN NEW.talks > 0 THEN 1 ELSE -1 END FROM members m
    WHERE m.id = NEW.member_id AND m.state = 'active' AND m.category IN ('full', 'probationary')
      AND NOT EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = NEW.member_id AND l.year = NEW.year
                      AND l.month <> NEW.month AND l.talks > 0)
    ON CONFLICT (org_id, year) DO UPDATE SET talked = talked + excluded.talked;
END;

CREATE TRIGGER org_talks_life_delete AFTER DELETE ON member_life_months
WHEN OLD.talks > 0
BEGIN
  UPDATE org_talks SET talked = talked - 1
    WHERE year = OLD.year AND org_id = (SELECT m.org_id FROM members m WHERE m.id = OLD.member_id
                                        AND m.state = 'active' AND m.category IN ('full', 'probationary'))
      AND NOT EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = OLD.member_id AND l.year = OLD.year
                      AND l.talks > 0);
END;
