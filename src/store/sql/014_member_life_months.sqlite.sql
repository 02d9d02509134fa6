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
) WITHOUT ROWID;

CREATE TABLE member_life (
  member_id BIGINT PRIMARY KEY,
  ok_ym INTEGER NOT NULL
);
CREATE INDEX member_life_ok ON member_life(ok_ym, member_id);

-- attendance recorded before this migration
INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
  SELECT a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
    count(*),
    sum(a.status = 'present'),
    sum(a.status = 'leave' AND a.reason IS NOT NULL),
    sum(a.status = 'present' AND mt.kind = 'talk')
  FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id
  GROUP BY a.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER);
INSERT INTO member_life (member_id, ok_ym)
  SELECT member_id, coalesce(max(CASE WHEN attended + excused > 0 THEN year * 100 + month END), 0)
  FROM member_life_months GROUP BY member_id;

-- the last month attended or excused: a later one raises it; only a month that falls
-- back to nothing attended needs the member's months read again
CREATE TRIGGER member_life_ok_insert AFTER INSERT ON member_life_months
BEGIN
  INSERT INTO member_life (member_id, ok_ym)
    VALUES (NEW.member_id, CASE WHEN NEW.attended + NEW.excused > 0 THEN NEW.year * 100 + NEW.month ELSE 0 END)
    ON CONFLICT (member_id) DO UPDATE SET ok_ym = max(ok_ym, excluded.ok_ym);
END;

CREATE TRIGGER member_life_ok_update AFTER UPDATE OF attended, excused ON member_life_months
WHEN NEW.attended + NEW.excused > 0 OR OLD.attended + OLD.excused > 0
BEGIN
  UPDATE member_life SET ok_ym = CASE WHEN NEW.attended + NEW.excused > 0 THEN max(ok_ym, NEW.year * 100 + NEW.month)
      ELSE (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
            WHERE l.member_id = NEW.member_id AND l.attended + l.excused > 0) END
    WHERE member_id = NEW.member_id;
END;

CREATE TRIGGER member_life_months_insert AFTER INSERT ON meeting_attendance
BEGIN
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT NEW.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
      1, NEW.status = 'present', NEW.status = 'leave' AND NEW.reason IS NOT NULL,
      NEW.status = 'present' AND mt.kind = 'talk'
    FROM meetings mt WHERE mt.id = NEW.meeting_id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
END;

CREATE TRIGGER member_life_months_delete AFTER DELETE ON meeting_attendance
BEGIN
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT OLD.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
      -1, -(OLD.status = 'present'), -(OLD.status = 'leave' AND OLD.reason IS NOT NULL),
      -(OLD.status = 'present' AND mt.kind = 'talk')
    FROM meetings mt WHERE mt.id = OLD.meeting_id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
END;

-- the old row out, the new row in
CREATE TRIGGER member_life_months_update AFTER UPDATE OF meeting_id, member_id, status, reason ON meeting_attendance
WHEN OLD.meeting_id <> NEW.meeting_id OR OLD.member_id <> NEW.member_id OR OLD.status <> NEW.status
  OR OLD.reason IS NOT NEW.reason
BEGIN
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT OLD.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
      -1, -(OLD.status = 'present'), -(OLD.status = 'leave' AND OLD.reason IS NOT NULL),
      -(OLD.status = 'present' AND mt.kind = 'talk')
    FROM meetings mt WHERE mt.id = OLD.meeting_id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT NEW.member_id, CAST(substr(mt.held_on, 1, 4) AS INTEGER), CAST(substr(mt.held_on, 6, 2) AS INTEGER),
      1, NEW.status = 'present', NEW.status = 'leave' AND NEW.reason IS NOT NULL,
      NEW.status = 'present' AND mt.kind = 'talk'
    FROM meetings mt WHERE mt.id = NEW.meeting_id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
END;

-- a meeting moved to another month (or, were it ever allowed, of another kind) moves
-- the figures of every member recorded at it
CREATE TRIGGER member_life_months_meeting AFTER UPDATE OF held_on, kind ON meetings
WHEN substr(OLD.held_on, 1, 7) <> substr(NEW.held_on, 1, 7) OR OLD.kind <> NEW.kind
BEGIN
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT a.member_id, CAST(substr(OLD.held_on, 1, 4) AS INTEGER), CAST(substr(OLD.held_on, 6, 2) AS INTEGER),
      -1, -(a.status = 'present'), -(a.status = 'leave' AND a.reason IS NOT NULL),
      -(a.status = 'present' AND OLD.kind = 'talk')
    FROM meeting_attendance a WHERE a.meeting_id = OLD.id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
  INSERT INTO member_life_months (member_id, year, month, meetings, attended, excused, talks)
    SELECT a.member_id, CAST(substr(NEW.held_on, 1, 4) AS INTEGER), CAST(substr(NEW.held_on, 6, 2) AS INTEGER),
      1, a.status = 'present', a.status = 'leave' AND a.reason IS NOT NULL,
      a.status = 'present' AND NEW.kind = 'talk'
    FROM meeting_attendance a WHERE a.meeting_id = NEW.id
    ON CONFLICT (member_id, year, month) DO UPDATE SET
      meetings = meetings + excluded.meetings,
      attended = attended + excluded.attended,
      excused = excused + excluded.excused,
      talks = talks + excluded.talks;
END;
