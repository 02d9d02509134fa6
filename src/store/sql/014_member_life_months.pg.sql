-- Each member's organizational life per month (domain/compliance.c): the attendance rows
-- recorded for the member in meetings held that month, how many of them were attended
-- (present) or excused (leave with a reason, a proper reason under RULES.md §4), and how
-- many were 谈心谈话 the member was present at (RULES.md §2: 支委 with each member once
-- a year). Kept by triggers on meeting_attendance and on meetings (a meeting moved to
-- another month moves its rows) in the same transaction as the write, as
-- meeting_counts is kept in 012, so every write path keeps them true.
--
-- member_life keeps, per member, the last month attended or excused (ok_ym = year * 100
-- + month, 0 if none), so the members-at-risk list reads only the members with nothing
-- attended since the window's start (an index range on ok_ym: the few at risk and
-- those gone) and then their window's months, instead of joining the window's 1M+
-- attendance rows with their meetings per request for a county (DESIGN.md "Scale");
-- the yearly 谈心谈话 check reads one year of months per member. Keyed by member only, so neither a
-- member's transfer nor an org move has anything to rewrite here. Rows falling to 0
-- (attendance deleted or moved away) are kept: they count nothing.
CREATE TABLE member_life_months (
  member_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  month INTEGER NOT NULL,
  meetings INTEGER NOT NULL DEFAULT 0,
  attended INTEGER NOT NULL DEFAULT 0,
  excused INTEGER NOT NULL DEFAULT 0,
  talks INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (member_id, year, month)
);

CREATE TABLE member_life (
  member_id BIGINT PRIMARY KEY,
  ok_ym INTEGER NOT NULL
);
CREATE INDEX member_life_ok ON member_life(ok_ym, member_id);

-- attendance recorded before this migration
INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
  SELECT a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
    count(*),
    sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END),
    sum(CASE WHEN a.status = 'leave' AND a.reason IS NOT NULL THEN 1 ELSE 0 END),
    sum(CASE WHEN a.status = 'present' AND mt.kind = 'talk' THEN 1 ELSE 0 END)
  FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id
  GROUP BY a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER);
INSERT INTO member_life (member_id, ok_ym)
  SELECT member_id, coalesce(max(CASE WHEN attended + excused > 0 THEN year * 100 + month END), 0)
  FROM member_life_months GROUP BY member_id;

-- one attendance row's figures added (sign 1) or taken away (sign -1), and the member's
-- last month attended or excused: a later one raises it; only a month that falls back
-- to nothing attended needs the member's months read again
CREATE FUNCTION member_life_months_add(p_member BIGINT, p_held_on TEXT, p_kind TEXT, p_status TEXT, p_reason TEXT,
                                       p_sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ym INTEGER := CAST(substr(p_held_on, 1, 4) AS INTEGER) * 100 + CAST(substr(p_held_on, 6, 2) AS INTEGER);
  ok INTEGER := CASE WHEN p_status = 'present' OR (p_status = 'leave' AND p_reason IS NOT NULL) THEN 1 ELSE 0 END;
  month_ok INTEGER;
BEGIN
  INSERT INTO member_life_months AS l (member_id, year, month, meetings, attended, excused, talks)
    VALUES (p_member, CAST(substr(p_held_on, 1, 4) AS INTEGER), CAST(substr(p_held_on, 6, 2) AS INTEGER), p_sign,
            CASE WHEN p_status = 'present' THEN p_sign ELSE 0 END,
            CASE WHEN p_status = 'leave' AND p_reason IS NOT NULL THEN p_sign ELSE 0 END,
            CASE WHEN p_status = 'present' AND p_kind = 'talk' THEN p_sign ELSE 0 END)
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = l.meetings + excluded.meetings,
      attended = l.attended + excluded.attended,
      excused = l.excused + excluded.excused,
      talks = l.talks + excluded.talks
    RETURNING l.attended + l.excused INTO month_ok;
  IF p_sign > 0 THEN
    INSERT INTO member_life AS k (member_id, ok_ym) VALUES (p_member, ym * ok)
      ON CONFLICT (member_id) DO UPDATE SET ok_ym = GREATEST(k.ok_ym, excluded.ok_ym);
  ELSIF ok = 1 AND month_ok = 0 THEN
    UPDATE member_life SET ok_ym = (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
                                    WHERE l.member_id = p_member AND l.attended + l.excused > 0)
      WHERE member_id = p_member;
  END IF;
END $$;

-- attendance written: the old row out, the new row in
CREATE FUNCTION member_life_months_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mt RECORD;
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    SELECT held_on, kind INTO mt FROM meetings WHERE id = OLD.meeting_id;
    IF FOUND THEN
      PERFORM member_life_months_add(OLD.member_id, mt.held_on, mt.kind, OLD.status, OLD.reason, -1);
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT held_on, kind INTO mt FROM meetings WHERE id = NEW.meeting_id;
    IF FOUND THEN
      PERFORM member_life_months_add(NEW.member_id, mt.held_on, mt.kind, NEW.status, NEW.reason, 1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- a meeting moved to another month (or, were it ever allowed, of another kind) moves
-- the figures of every member recorded at it
CREATE FUNCTION member_life_months_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  a RECORD;
BEGIN
  FOR a IN SELECT member_id, status, reason FROM meeting_attendance WHERE meeting_id = NEW.id LOOP
    PERFORM member_life_months_add(a.member_id, OLD.held_on, OLD.kind, a.status, a.reason, -1);
    PERFORM member_life_months_add(a.member_id, NEW.held_on, NEW.kind, a.status, a.reason, 1);
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER member_life_months_insert AFTER INSERT ON meeting_attendance
  FOR EACH ROW EXECUTE FUNCTION member_life_months_keep();
CREATE TRIGGER member_life_months_delete AFTER DELETE ON meeting_attendance
  FOR EACH ROW EXECUTE FUNCTION member_life_months_keep();
CREATE TRIGGER member_life_months_update AFTER UPDATE OF meeting_id, member_id, status, reason ON meeting_attendance
  FOR EACH ROW WHEN (OLD.meeting_id IS DISTINCT FROM NEW.meeting_id OR OLD.member_id IS DISTINCT FROM NEW.member_id
                     OR OLD.status IS DISTINCT FROM NEW.status OR OLD.reason IS DISTINCT FROM NEW.reason)
  EXECUTE FUNCTION member_life_months_keep();
CREATE TRIGGER member_life_months_meeting AFTER UPDATE OF held_on, kind ON meetings
  FOR EACH ROW WHEN (substr(OLD.held_on, 1, 7) IS DISTINCT FROM substr(NEW.held_on, 1, 7)
                     OR OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION member_life_months_meeting();
