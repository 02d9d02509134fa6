-- 谈心谈话 kept per org: see 038_org_talks.sqlite.sql for what and why. On PostgreSQL the
-- members triggers are per statement with transition tables (as 003), so a bulk import
-- adjusts each touched org once; member_life_months' too (see below).
CREATE TABLE org_talk_roster (
  org_id BIGINT PRIMARY KEY,
  roster INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE org_talks (
  org_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  talked INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, year)
);

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

CREATE FUNCTION org_talks_members_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO org_talk_roster AS r (org_id, roster)
      SELECT org_id, count(*) FROM new_rows WHERE state = 'active' AND category IN ('full', 'probationary')
      GROUP BY org_id
      ON CONFLICT (org_id) DO UPDATE SET roster = r.roster + excluded.roster;
    INSERT INTO org_talks AS t (org_id, year, talked)
      SELECT n.org_id, l.year, count(DISTINCT n.id) FROM new_rows n
        JOIN member_life_months l ON l.member_id = n.id AND l.talks > 0
      WHERE n.state = 'active' AND n.category IN ('full', 'probationary') GROUP BY n.org_id, l.year
      ON CONFLICT (org_id, year) DO UPDATE SET talked = t.talked + excluded.talked;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE org_talk_roster r SET roster = r.roster - d.n
      FROM (SELECT org_id, count(*) AS n FROM old_rows WHERE state = 'active' AND category IN ('full', 'probationary')
            GROUP BY org_id) d
      WHERE r.org_id = d.org_id;
    UPDATE org_talks t SET talked = t.talked - d.n
      FROM (SELECT o.org_id, l.year, count(DISTINCT o.id) AS n FROM old_rows o
              JOIN member_life_months l ON l.member_id = o.id AND l.talks > 0
            WHERE o.state = 'active' AND o.category IN ('full', 'probationary') GROUP BY o.org_id, l.year) d
      WHERE t.org_id = d.org_id AND t.year = d.year;
  ELSE
    -- only the rows whose org, state or category changed: the old org's counts out, the new one's in
    WITH c AS (
      SELECT o.id, o.org_id AS old_org, n.org_id AS new_org,
        (o.state = 'active' AND o.category IN ('full', 'probationary')) AS old_on,
        (n.state = 'active' AND n.category IN ('full', 'probationary')) AS new_on
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.org_id IS DISTINCT FROM n.org_id OR o.state IS DISTINCT FROM n.state
        OR o.category IS DISTINCT FROM n.category),
    d AS (SELECT id, old_org AS org_id, -1 AS s FROM c WHERE old_on
          UNION ALL SELECT id, new_org, 1 FROM c WHERE new_on)
    INSERT INTO org_talk_roster AS r (org_id, roster)
      SELECT org_id, sum(s) FROM d GROUP BY org_id HAVING sum(s) <> 0
      ON CONFLICT (org_id) DO UPDATE SET roster = r.roster + excluded.roster;
    WITH c AS (
      SELECT o.id, o.org_id AS old_org, n.org_id AS new_org,
        (o.state = 'active' AND o.category IN ('full', 'probationary')) AS old_on,
        (n.state = 'active' AND n.category IN ('full', 'probationary')) AS new_on
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.org_id IS DISTINCT FROM n.org_id OR o.state IS DISTINCT FROM n.state
        OR o.category IS DISTINCT FROM n.category),
    d AS (SELECT id, old_org AS org_id, -1 AS s FROM c WHERE old_on
          UNION ALL SELECT id, new_org, 1 FROM c WHERE new_on),
    y AS (SELECT d.org_id, l.year, d.s FROM d
            JOIN (SELECT DISTINCT member_id, year FROM member_life_months WHERE talks > 0) l ON l.member_id = d.id)
    INSERT INTO org_talks AS t (org_id, year, talked)
      SELECT org_id, year, sum(s) FROM y GROUP BY org_id, year HAVING sum(s) <> 0
      ON CONFLICT (org_id, year) DO UPDATE SET talked = t.talked + excluded.talked;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER org_talks_members_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_members_apply();
CREATE TRIGGER org_talks_members_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_members_apply();
CREATE TRIGGER org_talks_members_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_members_apply();

-- a member's year with its first month of talks, or without its last. Per statement with
-- transition tables: row triggers fire after the whole statement on PostgreSQL, so two
-- months of one member's year deleted together would each find the other gone. A year
-- counts when it has a month with talks after the statement and had none before it (or
-- the reverse); "before" is the statement's old rows with the table's rows it did not
-- touch. The members concerned are locked first (FOR NO KEY UPDATE) so two transactions
-- giving one member's year its first talks in two months count it once.
CREATE FUNCTION org_talks_life_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM members WHERE id IN (SELECT member_id FROM new_rows WHERE talks > 0) FOR NO KEY UPDATE;
    INSERT INTO org_talks AS t (org_id, year, talked)
      SELECT m.org_id, p.year, count(*) FROM (SELECT DISTINCT member_id, year FROM new_rows WHERE talks > 0) p
        JOIN members m ON m.id = p.member_id
      WHERE m.state = 'active' AND m.category IN ('full', 'probationary')
        AND NOT EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = p.member_id AND l.year = p.year
                        AND l.talks > 0 AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.member_id = l.member_id
                                                        AND n.year = l.year AND n.month = l.month))
      GROUP BY m.org_id, p.year
      ON CONFLICT (org_id, year) DO UPDATE SET talked = t.talked + excluded.talked;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM members WHERE id IN (SELECT member_id FROM old_rows WHERE talks > 0) FOR NO KEY UPDATE;
    INSERT INTO org_talks AS t (org_id, year, talked)
      SELECT m.org_id, p.year, -count(*) FROM (SELECT DISTINCT member_id, year FROM old_rows WHERE talks > 0) p
        JOIN members m ON m.id = p.member_id
      WHERE m.state = 'active' AND m.category IN ('full', 'probationary')
        AND NOT EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = p.member_id AND l.year = p.year
                        AND l.talks > 0)
      GROUP BY m.org_id, p.year
      ON CONFLICT (org_id, year) DO UPDATE SET talked = t.talked + excluded.talked;
  ELSE
    IF NOT EXISTS (SELECT 1 FROM old_rows WHERE talks > 0) AND NOT EXISTS (SELECT 1 FROM new_rows WHERE talks > 0) THEN
      RETURN NULL;
    END IF;
    PERFORM 1 FROM members WHERE id IN (SELECT member_id FROM old_rows WHERE talks > 0
                                        UNION SELECT member_id FROM new_rows WHERE talks > 0) FOR NO KEY UPDATE;
    WITH p AS (SELECT member_id, year FROM old_rows UNION SELECT member_id, year FROM new_rows),
    s AS (SELECT p.member_id, p.year,
            EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = p.member_id AND l.year = p.year
                    AND l.talks > 0) AS after_,
            (EXISTS (SELECT 1 FROM old_rows o WHERE o.member_id = p.member_id AND o.year = p.year AND o.talks > 0)
             OR EXISTS (SELECT 1 FROM member_life_months l WHERE l.member_id = p.member_id AND l.year = p.year
                        AND l.talks > 0 AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.member_id = l.member_id
                                                        AND n.year = l.year AND n.month = l.month))) AS before_
          FROM p)
    INSERT INTO org_talks AS t (org_id, year, talked)
      SELECT m.org_id, s.year, sum(CASE WHEN s.after_ THEN 1 ELSE -1 END) FROM s JOIN members m ON m.id = s.member_id
      WHERE s.after_ <> s.before_ AND m.state = 'active' AND m.category IN ('full', 'probationary')
      GROUP BY m.org_id, s.year HAVING sum(CASE WHEN s.after_ THEN 1 ELSE -1 END) <> 0
      ON CONFLICT (org_id, year) DO UPDATE SET talked = t.talked + excluded.talked;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER org_talks_life_insert AFTER INSERT ON member_life_months
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();
CREATE TRIGGER org_talks_life_update AFTER UPDATE ON member_life_months
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();
CREATE TRIGGER org_talks_life_delete AFTER DELETE ON member_life_months
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();
