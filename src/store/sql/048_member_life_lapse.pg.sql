-- The members without organizational life of a large subtree read from one table
-- (domain/compliance.c life_lapse_scan_lean): member_life (014) keeps, beside the last month
-- attended or excused, the first and last month with meetings recorded for the member
-- (first_ym, last_ym: year * 100 + month, 0 if none) and the member's org, path, state and
-- join date. At a province's root the candidates (445,000 of 10,000,000) each probed members
-- and every partition of member_life_months (041): 28 s; one range of member_life_lapse now.
-- The member columns follow members by a trigger (a transfer, a state change, an org move's
-- new paths); the months by member_life_months_add, in the same transaction as the write.
ALTER TABLE member_life ADD COLUMN first_ym INTEGER NOT NULL DEFAULT 0, ADD COLUMN last_ym INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN org_id BIGINT, ADD COLUMN org_path TEXT, ADD COLUMN state TEXT, ADD COLUMN join_date TEXT;

-- one pass over the rows kept so far (a member without a members row keeps NULL: never listed)
UPDATE member_life k SET first_ym = coalesce(s.f, 0), last_ym = coalesce(s.l, 0), org_id = m.org_id,
    org_path = m.org_path, state = m.state, join_date = m.join_date
  FROM members m LEFT JOIN (SELECT member_id, min(year * 100 + month) AS f, max(year * 100 + month) AS l
                            FROM member_life_months WHERE meetings > 0 GROUP BY member_id) s ON s.member_id = m.id
  WHERE m.id = k.member_id;

DROP INDEX member_life_ok;
-- only the members whose last month with meetings was not attended or excused: none other can be
-- without life in a window with meetings (ok_ym < window <= last_ym), and most members are not in it
-- (at the 10M root 445,000 of 10,000,000 rows: the whole index was 1.6 GB)
CREATE INDEX member_life_lapse ON member_life(ok_ym, org_path) INCLUDE (member_id, org_id, state, join_date, first_ym, last_ym)
  WHERE ok_ym < last_ym;

-- 041's function, the member's columns and months with meetings added
CREATE OR REPLACE FUNCTION member_life_months_add(p_member BIGINT, p_held_on TEXT, p_kind TEXT, p_status TEXT,
                                                  p_reason TEXT, p_sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  y INTEGER := CAST(substr(p_held_on, 1, 4) AS INTEGER);
  mo INTEGER := CAST(substr(p_held_on, 6, 2) AS INTEGER);
  ym INTEGER := CAST(substr(p_held_on, 1, 4) AS INTEGER) * 100 + CAST(substr(p_held_on, 6, 2) AS INTEGER);
  ok INTEGER := CASE WHEN p_status = 'present' OR (p_status = 'leave' AND p_reason IS NOT NULL) THEN 1 ELSE 0 END;
  d_att INTEGER := CASE WHEN p_status = 'present' THEN p_sign ELSE 0 END;
  d_exc INTEGER := CASE WHEN p_status = 'leave' AND p_reason IS NOT NULL THEN p_sign ELSE 0 END;
  d_talk INTEGER := CASE WHEN p_status = 'present' AND p_kind = 'talk' THEN p_sign ELSE 0 END;
  top BIGINT;
  m RECORD;
  month_ok INTEGER;
  month_n INTEGER;
BEGIN
  SELECT dj_top_org(org_path) AS top, org_id, org_path, state, join_date INTO m FROM members WHERE id = p_member;
  top := coalesce(m.top, 0);
  UPDATE member_life_months l SET meetings = l.meetings + p_sign, attended = l.attended + d_att,
      excused = l.excused + d_exc, talks = l.talks + d_talk
    WHERE l.member_id = p_member AND l.year = y AND l.month = mo AND l.top_org_id = top
    RETURNING l.attended + l.excused, l.meetings INTO month_ok, month_n;
  IF NOT FOUND THEN
    UPDATE member_life_months l SET meetings = l.meetings + p_sign, attended = l.attended + d_att,
        excused = l.excused + d_exc, talks = l.talks + d_talk
      WHERE l.member_id = p_member AND l.year = y AND l.month = mo
        AND l.top_org_id = (SELECT k.top_org_id FROM member_life_months k
                            WHERE k.member_id = p_member AND k.year = y AND k.month = mo LIMIT 1)
      RETURNING l.attended + l.excused, l.meetings INTO month_ok, month_n;
  END IF;
  IF NOT FOUND THEN
    INSERT INTO member_life_months AS l (member_id, year, month, meetings, attended, excused, talks, top_org_id)
      VALUES (p_member, y, mo, p_sign, d_att, d_exc, d_talk, top)
      ON CONFLICT (member_id, year, month, top_org_id) DO UPDATE SET
        meetings = l.meetings + excluded.meetings,
        attended = l.attended + excluded.attended,
        excused = l.excused + excluded.excused,
        talks = l.talks + excluded.talks
      RETURNING l.attended + l.excused, l.meetings INTO month_ok, month_n;
  END IF;
  IF p_sign > 0 THEN
    INSERT INTO member_life AS k (member_id, ok_ym, first_ym, last_ym, org_id, org_path, state, join_date)
      VALUES (p_member, ym * ok, ym, ym, m.org_id, m.org_path, m.state, m.join_date)
      ON CONFLICT (member_id) DO UPDATE SET ok_ym = GREATEST(k.ok_ym, excluded.ok_ym),
        first_ym = CASE WHEN k.first_ym = 0 THEN excluded.first_ym ELSE LEAST(k.first_ym, excluded.first_ym) END,
        last_ym = GREATEST(k.last_ym, excluded.last_ym);
  ELSE
    IF ok = 1 AND month_ok = 0 THEN
      UPDATE member_life SET ok_ym = (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
                                      WHERE l.member_id = p_member AND l.attended + l.excused > 0)
        WHERE member_id = p_member;
    END IF;
    -- the month has no meetings left: the first or last month may move
    IF month_n = 0 THEN
      UPDATE member_life SET (first_ym, last_ym) =
          (SELECT coalesce(min(l.year * 100 + l.month), 0), coalesce(max(l.year * 100 + l.month), 0)
           FROM member_life_months l WHERE l.member_id = p_member AND l.meetings > 0)
        WHERE member_id = p_member;
    END IF;
  END IF;
END $$;

-- the member's org, path, state and join date follow members; a member deleted takes its row
CREATE FUNCTION member_life_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM member_life WHERE member_id = OLD.id;
  ELSE
    UPDATE member_life SET org_id = NEW.org_id, org_path = NEW.org_path, state = NEW.state, join_date = NEW.join_date
      WHERE member_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER member_life_member AFTER UPDATE OF org_id, org_path, state, join_date ON members
  FOR EACH ROW WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.org_path IS DISTINCT FROM NEW.org_path
                     OR OLD.state IS DISTINCT FROM NEW.state OR OLD.join_date IS DISTINCT FROM NEW.join_date)
  EXECUTE FUNCTION member_life_member();
CREATE TRIGGER member_life_member_delete AFTER DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION member_life_member();

-- 自行脱党 warnings of a large subtree: the members whose dues stopped (domain/lapse.c), a few
-- of a province, read by the month paid to instead of every member's row
CREATE INDEX members_dues_paid ON members(dues_paid_to);
-- members at risk: those lost contact, a few of a province (domain/compliance.c)
CREATE INDEX members_lost ON members(org_path) WHERE lost_contact = 1;
