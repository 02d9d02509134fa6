-- PostgreSQL: the big fact tables partitioned by top-level organization (issue 8, DESIGN.md
-- "Scale"; docs/DEPLOY.md "Partitioning"), so a nation can be spread one province per
-- partition, or over the nodes of a distributed PostgreSQL (Citus) on top_org_id.
--
-- A row's top-level org is the org at depth 1 of its org's path ('/1/7/42/' -> 7: a child
-- of the root, a city in a province deployment, a province in a national one), the root
-- itself for rows at the root ('/1/' -> 1): dj_top_org(path). Which org a row belongs to:
--   meeting_attendance   the meeting's org (meetings.org_path, which follows org moves)
--   dues_months          the month's own org_path (the branch that held the member then)
--   member_life_months   the member's org (members.org_path) when the row is written
-- Partitioned by LIST (top_org_id): one partition <table>_p<org id> per top-level org and
-- <table>_default for the rest (0 = not placed yet: rows written by plain SQL without the
-- column, or left behind when an org became top-level). The application computes
-- top_org_id in each INSERT (a BEFORE ROW trigger runs after the row is routed, too late
-- to set the partition key): domain/org_path.h org_path_top for meeting_attendance and
-- dues_months, member_life_months_add below for member_life_months.
--
-- Not partitioned: members and orgs (every foreign key points at them, and a unique key of
-- a partitioned table must include the partition key), point_entries (point_claims.entry_id
-- and its own reverses_id reference point_entries(id)), and the small per-org aggregates.
--
-- Partitions are created here for the top-level orgs that exist, by a trigger on orgs
-- when an org becomes top-level (created under the root, or moved there), in the same
-- transaction, and by dj_partitions_sync() (`dangjian partitions`), which also moves every
-- row whose top_org_id is not the one its org gives now (rows in the default partition, a
-- member transferred to another top-level org, an org moved under another one).
--
-- Primary keys include top_org_id (PostgreSQL requires it). Within one top-level org they
-- are as before. Across them: an attendance row takes its meeting's top org, so one
-- meeting's rows share it; a member's life months are updated wherever they are before
-- a new row is added; dues months keep (member, month) unique through dues_months_unique.

-- (org_path_top's value for every path the system writes, '/' and NULL give 0; split_part, as a
-- regular expression checking the whole path costs ten times as much per row)
CREATE FUNCTION dj_top_org(p TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CAST(coalesce(nullif(split_part(p, '/', 3), ''), nullif(split_part(p, '/', 2), ''), '0') AS BIGINT)
$$;

-- the partitions of one top-level org, where missing; rows of that org waiting in the
-- default partition are marked unplaced first (the new partition's bound must not match a
-- default row) and placed by dj_partitions_sync. The number of partitions created.
CREATE FUNCTION dj_partitions_ensure(p_top BIGINT) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  t TEXT;
  n INTEGER := 0;
BEGIN
  FOREACH t IN ARRAY ARRAY['meeting_attendance', 'dues_months', 'member_life_months'] LOOP
    IF to_regclass(t || '_p' || p_top) IS NULL THEN
      BEGIN
        EXECUTE format('UPDATE %I SET top_org_id = 0 WHERE top_org_id = $1', t || '_default') USING p_top;
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)', t || '_p' || p_top, t, p_top);
        n := n + 1;
      EXCEPTION WHEN duplicate_table THEN
        NULL; -- made meanwhile by a concurrent transaction
      END;
    END IF;
  END LOOP;
  RETURN n;
END $$;

-- every top-level org's partitions, and every row in the partition its org gives now.
-- Moving a row only changes top_org_id, which nothing the triggers keep depends on, so
-- the row triggers are set aside for the moves (in this transaction; concurrent writers
-- wait for its lock). The number of rows moved.
CREATE FUNCTION dj_partitions_sync() RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  o RECORD;
  c BIGINT;
  moved BIGINT := 0;
BEGIN
  FOR o IN SELECT id FROM orgs WHERE depth <= 1 ORDER BY id LOOP
    PERFORM dj_partitions_ensure(o.id);
  END LOOP;
  ALTER TABLE meeting_attendance DISABLE TRIGGER USER;
  ALTER TABLE dues_months DISABLE TRIGGER USER;
  ALTER TABLE member_life_months DISABLE TRIGGER USER;
  UPDATE meeting_attendance a SET top_org_id = dj_top_org(mt.org_path) FROM meetings mt
    WHERE mt.id = a.meeting_id AND a.top_org_id <> dj_top_org(mt.org_path);
  GET DIAGNOSTICS c = ROW_COUNT;
  moved := moved + c;
  UPDATE dues_months SET top_org_id = dj_top_org(org_path) WHERE top_org_id <> dj_top_org(org_path);
  GET DIAGNOSTICS c = ROW_COUNT;
  moved := moved + c;
  UPDATE member_life_months l SET top_org_id = dj_top_org(m.org_path) FROM members m
    WHERE m.id = l.member_id AND l.top_org_id <> dj_top_org(m.org_path);
  GET DIAGNOSTICS c = ROW_COUNT;
  moved := moved + c;
  ALTER TABLE meeting_attendance ENABLE TRIGGER USER;
  ALTER TABLE dues_months ENABLE TRIGGER USER;
  ALTER TABLE member_life_months ENABLE TRIGGER USER;
  RETURN moved;
END $$;

-- ---- the tables, converted: partitioned copy, rows copied, old table dropped ----

ALTER TABLE meeting_attendance RENAME TO meeting_attendance_old;
CREATE TABLE meeting_attendance (LIKE meeting_attendance_old INCLUDING DEFAULTS, top_org_id BIGINT NOT NULL DEFAULT 0)
  PARTITION BY LIST (top_org_id);
CREATE TABLE meeting_attendance_default PARTITION OF meeting_attendance DEFAULT;

ALTER TABLE dues_months RENAME TO dues_months_old;
CREATE TABLE dues_months (LIKE dues_months_old INCLUDING DEFAULTS, top_org_id BIGINT NOT NULL DEFAULT 0)
  PARTITION BY LIST (top_org_id);
CREATE TABLE dues_months_default PARTITION OF dues_months DEFAULT;

ALTER TABLE member_life_months RENAME TO member_life_months_old;
CREATE TABLE member_life_months (LIKE member_life_months_old INCLUDING DEFAULTS, top_org_id BIGINT NOT NULL DEFAULT 0)
  PARTITION BY LIST (top_org_id);
CREATE TABLE member_life_months_default PARTITION OF member_life_months DEFAULT;

SELECT dj_partitions_ensure(id) FROM orgs WHERE depth <= 1 ORDER BY id;

INSERT INTO meeting_attendance
  SELECT a.*, coalesce(dj_top_org(mt.org_path), 0) FROM meeting_attendance_old a LEFT JOIN meetings mt ON mt.id = a.meeting_id;
INSERT INTO dues_months SELECT d.*, dj_top_org(d.org_path) FROM dues_months_old d;
INSERT INTO member_life_months
  SELECT l.*, coalesce(dj_top_org(m.org_path), 0) FROM member_life_months_old l LEFT JOIN members m ON m.id = l.member_id;

-- what the old tables carry, to be found again on the new ones at the end (a trigger or an
-- index added to these tables by an earlier migration and not recreated below stops this one)
CREATE TEMP TABLE dj_041_carried ON COMMIT DROP AS
  SELECT replace(c.relname, '_old', '') AS tbl, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relname IN ('meeting_attendance_old', 'dues_months_old', 'member_life_months_old') AND NOT t.tgisinternal
  UNION ALL
  SELECT replace(i.tablename, '_old', ''), i.indexname FROM pg_indexes i
    WHERE i.schemaname = current_schema()
      AND i.tablename IN ('meeting_attendance_old', 'dues_months_old', 'member_life_months_old');

-- (their indexes, keys and triggers go with them)
DROP TABLE meeting_attendance_old;
DROP TABLE dues_months_old;
DROP TABLE member_life_months_old;

ALTER TABLE meeting_attendance ADD CONSTRAINT meeting_attendance_pkey PRIMARY KEY (meeting_id, member_id, top_org_id);
ALTER TABLE meeting_attendance ADD CONSTRAINT meeting_attendance_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES meetings(id);
ALTER TABLE meeting_attendance ADD CONSTRAINT meeting_attendance_member_id_fkey FOREIGN KEY (member_id) REFERENCES members(id);
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id, meeting_id, status);

ALTER TABLE dues_months ADD CONSTRAINT dues_months_pkey PRIMARY KEY (member_id, month, top_org_id);
ALTER TABLE dues_months ADD CONSTRAINT dues_months_member_id_fkey FOREIGN KEY (member_id) REFERENCES members(id);
ALTER TABLE dues_months ADD CONSTRAINT dues_months_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES dues_payments(id);
CREATE INDEX dues_months_path ON dues_months(month, org_path);
CREATE INDEX dues_months_payment ON dues_months(payment_id);

ALTER TABLE member_life_months ADD CONSTRAINT member_life_months_pkey PRIMARY KEY (member_id, year, month, top_org_id);
CREATE INDEX member_life_talks ON member_life_months(year, member_id) WHERE talks > 0;

-- 014: attendance keeps member_life_months
CREATE TRIGGER member_life_months_insert AFTER INSERT ON meeting_attendance
  FOR EACH ROW EXECUTE FUNCTION member_life_months_keep();
CREATE TRIGGER member_life_months_delete AFTER DELETE ON meeting_attendance
  FOR EACH ROW EXECUTE FUNCTION member_life_months_keep();
CREATE TRIGGER member_life_months_update AFTER UPDATE OF meeting_id, member_id, status, reason ON meeting_attendance
  FOR EACH ROW WHEN (OLD.meeting_id IS DISTINCT FROM NEW.meeting_id OR OLD.member_id IS DISTINCT FROM NEW.member_id
                     OR OLD.status IS DISTINCT FROM NEW.status OR OLD.reason IS DISTINCT FROM NEW.reason)
  EXECUTE FUNCTION member_life_months_keep();
-- 037: dues months queue the member's arrears
CREATE TRIGGER dues_owed_months_trg AFTER INSERT OR UPDATE OF member_id, month OR DELETE ON dues_months
  FOR EACH ROW EXECUTE FUNCTION dues_owed_queue_trg();
-- 038: talks per org
CREATE TRIGGER org_talks_life_insert AFTER INSERT ON member_life_months
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();
CREATE TRIGGER org_talks_life_update AFTER UPDATE ON member_life_months
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();
CREATE TRIGGER org_talks_life_delete AFTER DELETE ON member_life_months
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION org_talks_life_apply();

-- (member, month) stays unique across partitions: a second row is a unique violation, as
-- the primary key made it before (dues_pay.c answers dues.already_paid)
CREATE FUNCTION dues_months_unique() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM dues_months WHERE member_id = NEW.member_id AND month = NEW.month
             AND top_org_id <> NEW.top_org_id) THEN
    RAISE unique_violation USING MESSAGE = format('dues_months (%s, %s) already exists', NEW.member_id, NEW.month);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER dues_months_unique BEFORE INSERT OR UPDATE OF member_id, month ON dues_months
  FOR EACH ROW EXECUTE FUNCTION dues_months_unique();

-- 014's member months, placed by the member's org: the row already kept for the month is
-- updated wherever it is (a member transferred since keeps one row per month until
-- dj_partitions_sync moves it), a new one goes to the member's top-level org
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
  month_ok INTEGER;
BEGIN
  SELECT dj_top_org(org_path) INTO top FROM members WHERE id = p_member;
  top := coalesce(top, 0);
  UPDATE member_life_months l SET meetings = l.meetings + p_sign, attended = l.attended + d_att,
      excused = l.excused + d_exc, talks = l.talks + d_talk
    WHERE l.member_id = p_member AND l.year = y AND l.month = mo AND l.top_org_id = top
    RETURNING l.attended + l.excused INTO month_ok;
  IF NOT FOUND THEN
    UPDATE member_life_months l SET meetings = l.meetings + p_sign, attended = l.attended + d_att,
        excused = l.excused + d_exc, talks = l.talks + d_talk
      WHERE l.member_id = p_member AND l.year = y AND l.month = mo
        AND l.top_org_id = (SELECT k.top_org_id FROM member_life_months k
                            WHERE k.member_id = p_member AND k.year = y AND k.month = mo LIMIT 1)
      RETURNING l.attended + l.excused INTO month_ok;
  END IF;
  IF NOT FOUND THEN
    INSERT INTO member_life_months AS l (member_id, year, month, meetings, attended, excused, talks, top_org_id)
      VALUES (p_member, y, mo, p_sign, d_att, d_exc, d_talk, top)
      ON CONFLICT (member_id, year, month, top_org_id) DO UPDATE SET
        meetings = l.meetings + excluded.meetings,
        attended = l.attended + excluded.attended,
        excused = l.excused + excluded.excused,
        talks = l.talks + excluded.talks
      RETURNING l.attended + l.excused INTO month_ok;
  END IF;
  IF p_sign > 0 THEN
    INSERT INTO member_life AS k (member_id, ok_ym) VALUES (p_member, ym * ok)
      ON CONFLICT (member_id) DO UPDATE SET ok_ym = GREATEST(k.ok_ym, excluded.ok_ym);
  ELSIF ok = 1 AND month_ok = 0 THEN
    UPDATE member_life SET ok_ym = (SELECT coalesce(max(l.year * 100 + l.month), 0) FROM member_life_months l
                                    WHERE l.member_id = p_member AND l.attended + l.excused > 0)
      WHERE member_id = p_member;
  END IF;
END $$;

-- a new top-level org (or one moved under the root) gets its partitions in its own transaction
CREATE FUNCTION dj_partitions_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dj_partitions_ensure(NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER dj_partitions_org_insert AFTER INSERT ON orgs
  FOR EACH ROW WHEN (NEW.depth <= 1) EXECUTE FUNCTION dj_partitions_org();
CREATE TRIGGER dj_partitions_org_move AFTER UPDATE OF depth ON orgs
  FOR EACH ROW WHEN (NEW.depth <= 1 AND OLD.depth > 1) EXECUTE FUNCTION dj_partitions_org();

DO $$
DECLARE
  missing TEXT;
BEGIN
  SELECT string_agg(k.tbl || '.' || k.name, ', ') INTO missing FROM dj_041_carried k
    WHERE NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = CAST(k.tbl AS regclass) AND t.tgname = k.name)
      AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = k.tbl
                      AND i.indexname = k.name);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION '041_partitions: not recreated on the partitioned tables: %', missing;
  END IF;
END $$;
