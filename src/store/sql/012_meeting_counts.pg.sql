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
);

-- meetings recorded before this migration
INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
  SELECT org_id, CAST(substr(meetings.held_on, 1, 4) AS INTEGER), kind,
    sum(CASE WHEN substr(held_on, 6, 2) = '01' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '02' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '03' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '04' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '05' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '06' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '07' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '08' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '09' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '10' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '11' THEN 1 ELSE 0 END),
    sum(CASE WHEN substr(held_on, 6, 2) = '12' THEN 1 ELSE 0 END)
  FROM meetings GROUP BY org_id, CAST(substr(meetings.held_on, 1, 4) AS INTEGER), kind;

-- one function for the three events: the old row's month out, the new row's month in
CREATE FUNCTION meeting_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE meeting_counts SET
          m1 = meeting_counts.m1 - CASE WHEN substr(OLD.held_on, 6, 2) = '01' THEN 1 ELSE 0 END,
          m2 = meeting_counts.m2 - CASE WHEN substr(OLD.held_on, 6, 2) = '02' THEN 1 ELSE 0 END,
          m3 = meeting_counts.m3 - CASE WHEN substr(OLD.held_on, 6, 2) = '03' THEN 1 ELSE 0 END,
          m4 = meeting_counts.m4 - CASE WHEN substr(OLD.held_on, 6, 2) = '04' THEN 1 ELSE 0 END,
          m5 = meeting_counts.m5 - CASE WHEN substr(OLD.held_on, 6, 2) = '05' THEN 1 ELSE 0 END,
          m6 = meeting_counts.m6 - CASE WHEN substr(OLD.held_on, 6, 2) = '06' THEN 1 ELSE 0 END,
          m7 = meeting_counts.m7 - CASE WHEN substr(OLD.held_on, 6, 2) = '07' THEN 1 ELSE 0 END,
          m8 = meeting_counts.m8 - CASE WHEN substr(OLD.held_on, 6, 2) = '08' THEN 1 ELSE 0 END,
          m9 = meeting_counts.m9 - CASE WHEN substr(OLD.held_on, 6, 2) = '09' THEN 1 ELSE 0 END,
          m10 = meeting_counts.m10 - CASE WHEN substr(OLD.held_on, 6, 2) = '10' THEN 1 ELSE 0 END,
          m11 = meeting_counts.m11 - CASE WHEN substr(OLD.held_on, 6, 2) = '11' THEN 1 ELSE 0 END,
          m12 = meeting_counts.m12 - CASE WHEN substr(OLD.held_on, 6, 2) = '12' THEN 1 ELSE 0 END
      WHERE org_id = OLD.org_id AND year = CAST(substr(OLD.held_on, 1, 4) AS INTEGER) AND kind = OLD.kind;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO meeting_counts (org_id, year, kind, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
      VALUES (NEW.org_id,
          CAST(substr(NEW.held_on, 1, 4) AS INTEGER),
          NEW.kind,
          CASE WHEN substr(NEW.held_on, 6, 2) = '01' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '02' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '03' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '04' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '05' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '06' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '07' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '08' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '09' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '10' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '11' THEN 1 ELSE 0 END,
          CASE WHEN substr(NEW.held_on, 6, 2) = '12' THEN 1 ELSE 0 END)
      ON CONFLICT (org_id, year, kind) DO UPDATE SET
          m1 = meeting_counts.m1 + excluded.m1,
          m2 = meeting_counts.m2 + excluded.m2,
          m3 = meeting_counts.m3 + excluded.m3,
          m4 = meeting_counts.m4 + excluded.m4,
          m5 = meeting_counts.m5 + excluded.m5,
          m6 = meeting_counts.m6 + excluded.m6,
          m7 = meeting_counts.m7 + excluded.m7,
          m8 = meeting_counts.m8 + excluded.m8,
          m9 = meeting_counts.m9 + excluded.m9,
          m10 = meeting_counts.m10 + excluded.m10,
          m11 = meeting_counts.m11 + excluded.m11,
          m12 = meeting_counts.m12 + excluded.m12;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER meeting_counts_insert AFTER INSERT ON meetings
  FOR EACH ROW EXECUTE FUNCTION meeting_counts_keep();
CREATE TRIGGER meeting_counts_delete AFTER DELETE ON meetings
  FOR EACH ROW EXECUTE FUNCTION meeting_counts_keep();
CREATE TRIGGER meeting_counts_update AFTER UPDATE OF org_id, kind, held_on ON meetings
  FOR EACH ROW WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.kind IS DISTINCT FROM NEW.kind
                     OR OLD.held_on IS DISTINCT FROM NEW.held_on)
  EXECUTE FUNCTION meeting_counts_keep();
