-- The members without organizational life of a large subtree read from one table
-- (domain/compliance.c life_lapse_scan_lean): member_life (014) keeps, beside the last month
-- attended or excused, the first and last month with meetings recorded for the member
-- (first_ym, last_ym: year * 100 + month, 0 if none) and the member's org, path, state and
-- join date. At a province's root the candidates (445,000 of 10,000,000) each probed members
-- and member_life_months: 6.7 s; one range of the covering index member_life_lapse now.
-- The member columns follow members by a trigger (a transfer, a state change, an org move's
-- new paths); the months by the triggers on member_life_months, in the write's transaction.
ALTER TABLE member_life ADD COLUMN first_ym INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_life ADD COLUMN last_ym INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_life ADD COLUMN org_id BIGINT;
ALTER TABLE member_life ADD COLUMN org_path TEXT;
ALTER TABLE member_life ADD COLUMN state TEXT;
ALTER TABLE member_life ADD COLUMN join_date TEXT;

UPDATE member_life SET first_ym = s.f, last_ym = s.l
  FROM (SELECT member_id, min(year * 100 + month) AS f, max(year * 100 + month) AS l
        FROM member_life_months WHERE meetings > 0 GROUP BY member_id) s
  WHERE s.member_id = member_life.member_id;
-- a member without a members row keeps NULL: never listed
UPDATE member_life SET org_id = m.org_id, org_path = m.org_path, state = m.state, join_date = m.join_date
  FROM members m WHERE m.id = member_life.member_id;

DROP INDEX member_life_ok;
-- only the members whose last month with meetings was not attended or excused: none other can be
-- without life in a window with meetings (ok_ym < window <= last_ym), and most members are not in it
CREATE INDEX member_life_lapse ON member_life(ok_ym, org_path, state, join_date, last_ym, first_ym, org_id, member_id)
  WHERE ok_ym < last_ym;

-- 014's triggers, the member's columns and months with meetings added
DROP TRIGGER member_life_ok_insert;
DROP TRIGGER member_life_ok_update;

CREATE TRIGGER member_life_ok_insert AFTER INSERT ON member_life_months
BEGIN
  INSERT INTO member_life (member_id, ok_ym, first_ym, last_ym, org_id, org_path, state, join_date)
    SELECT NEW.member_id, CASE WHEN NEW.attended + NEW.excused > 0 THEN NEW.year * 100 + NEW.month ELSE 0 END,
      CASE WHEN NEW.meetings > 0 THEN NEW.year * 100 + NEW.month ELSE 0 END,
      CASE WHEN NEW.meetings > 0 THEN NEW.year * 100 + NEW.month ELSE 0 END,
      m.org_id, m.org_path, m.state, m.join_date
    FROM (SELECT 1) LEFT JOIN members m ON m.id = NEW.member_id WHERE 1
    ON CONFLICT (member_id) DO UPDATE SET ok_ym = max(ok_ym, excluded.ok_ym),
      first_ym = CASE WHEN excluded.first_ym > 0 AND (first_ym = 0 OR excluded.first_ym < first_ym)
                      THEN excluded.first_ym ELSE first_ym END,
      last_ym = max(last_ym, excluded.last_ym);
END;

-- a later month raises the last month, an earlier one lowers the first; only a month that
-- falls back to nothing attended, or to no meetings, needs the member's months read again
CREATE TRIGGER member_life_ok_update AFTER UPDATE OF meetings, attended, excused ON member_life_months
WHEN NEW.attended + NEW.excused > 0 OR OLD.attended + OLD.excused > 0 OR NEW.meetings > 0 OR OLD.meetings > 0
BEGIN
  UPDATE member_life SET
    ok_ym = CASE WHEN NEW.attended + NEW.excused > 0 THEN max(ok_ym, NEW.year * 100 + NEW.month)
                 WHEN OLD.attended + OLD.excused > 0 THEN
                   (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
                    WHERE l.member_id = NEW.member_id AND l.attended + l.excused > 0)
                 ELSE ok_ym END,
    first_ym = CASE WHEN NEW.meetings > 0 THEN
                      CASE WHEN first_ym = 0 OR first_ym > NEW.year * 100 + NEW.month
                           THEN NEW.year * 100 + NEW.month ELSE first_ym END
                    ELSE (SELECT coalesce(min(l.year * 100 + l.month), 0) FROM member_life_months l
                          WHERE l.member_id = NEW.member_id AND l.meetings > 0) END,
    last_ym = CASE WHEN NEW.meetings > 0 THEN max(last_ym, NEW.year * 100 + NEW.month)
                   ELSE (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
                         WHERE l.member_id = NEW.member_id AND l.meetings > 0) END
    WHERE member_id = NEW.member_id;
END;

-- the member's org, path, state and join date follow members; a member deleted takes its row
CREATE TRIGGER member_life_member AFTER UPDATE OF org_id, org_path, state, join_date ON members
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.org_path IS NOT NEW.org_path OR OLD.state IS NOT NEW.state
  OR OLD.join_date IS NOT NEW.join_date
BEGIN
  UPDATE member_life SET org_id = NEW.org_id, org_path = NEW.org_path, state = NEW.state, join_date = NEW.join_date
    WHERE member_id = NEW.id;
END;

CREATE TRIGGER member_life_member_delete AFTER DELETE ON members
BEGIN
  DELETE FROM member_life WHERE member_id = OLD.id;
END;

-- 自行脱党 warnings of a large subtree: the members whose dues stopped (domain/lapse.c), a few
-- of a province, read by the month paid to instead of every member's row
CREATE INDEX members_dues_paid ON members(dues_paid_to);
-- members at risk: those lost contact, a few of a province (domain/compliance.c)
CREATE INDEX members_lost ON members(org_path) WHERE lost_contact = 1;
