-- Kept standings for a large subtree: see 039_point_standings.sqlite.sql for what each
-- table holds and who keeps it.
CREATE TABLE point_period_scores (
  target TEXT NOT NULL,
  subject_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  pcode INTEGER NOT NULL,
  award_x10 INTEGER NOT NULL,
  deduct_x10 INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  PRIMARY KEY (target, subject_id, year, pcode)
);
CREATE INDEX point_period_scores_bucket ON point_period_scores (target, year, pcode, award_x10, deduct_x10, subject_id);

CREATE TABLE point_score_hist (
  org_id BIGINT NOT NULL,
  target TEXT NOT NULL,
  year INTEGER NOT NULL,
  pcode INTEGER NOT NULL,
  award_x10 INTEGER NOT NULL,
  deduct_x10 INTEGER NOT NULL,
  n BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  PRIMARY KEY (org_id, target, year, pcode, award_x10, deduct_x10)
);

CREATE TABLE point_subject_counts (
  org_id BIGINT NOT NULL,
  target TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, target)
);

CREATE TABLE point_standings_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ready INTEGER NOT NULL
);
INSERT INTO point_standings_state (id, ready) SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM point_rollups) THEN 0 ELSE 1 END;

INSERT INTO point_subject_counts (org_id, target, n)
  SELECT a, 'member', count(*)
  FROM members m, unnest(string_to_array(trim(both '/' from m.org_path), '/')::bigint[]) a
  WHERE m.state = 'active' GROUP BY a;

-- one member's counts and histogram rows added (sign 1) at every org of path, or taken away (-1)
CREATE FUNCTION point_standings_member_add(p_id BIGINT, p_path TEXT, p_sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO point_subject_counts AS c (org_id, target, n)
    SELECT a, 'member', p_sign FROM unnest(string_to_array(trim(both '/' from p_path), '/')::bigint[]) a
    ON CONFLICT (org_id, target) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO point_score_hist AS h (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT a, 'member', s.year, s.pcode, s.award_x10, s.deduct_x10, p_sign, p_sign * s.entries
    FROM point_period_scores s, unnest(string_to_array(trim(both '/' from p_path), '/')::bigint[]) a
    WHERE s.target = 'member' AND s.subject_id = p_id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = h.n + excluded.n, entries = h.entries + excluded.entries;
END $$;

CREATE FUNCTION point_standings_members_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.org_path IS NOT DISTINCT FROM NEW.org_path AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    IF OLD.state = 'active' THEN
      PERFORM point_standings_member_add(OLD.id, OLD.org_path, -1);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.state = 'active' THEN
      PERFORM point_standings_member_add(NEW.id, NEW.org_path, 1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER point_standings_members AFTER INSERT OR DELETE OR UPDATE OF org_path, state ON members
  FOR EACH ROW EXECUTE FUNCTION point_standings_members_trg();

-- The same for 党支部 (target 'branch'): see the SQLite file.
INSERT INTO point_subject_counts (org_id, target, n)
  SELECT a, 'branch', count(*)
  FROM orgs o, unnest(string_to_array(trim(both '/' from o.path), '/')::bigint[]) a
  WHERE o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND o.path LIKE '/%'
  GROUP BY a;

CREATE FUNCTION point_standings_branch_add(p_id BIGINT, p_path TEXT, p_sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO point_subject_counts AS c (org_id, target, n)
    SELECT a, 'branch', p_sign FROM unnest(string_to_array(trim(both '/' from p_path), '/')::bigint[]) a
    ON CONFLICT (org_id, target) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO point_score_hist AS h (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT a, 'branch', s.year, s.pcode, s.award_x10, s.deduct_x10, p_sign, p_sign * s.entries
    FROM point_period_scores s, unnest(string_to_array(trim(both '/' from p_path), '/')::bigint[]) a
    WHERE s.target = 'branch' AND s.subject_id = p_id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = h.n + excluded.n, entries = h.entries + excluded.entries;
END $$;

CREATE FUNCTION point_standings_orgs_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.path IS NOT DISTINCT FROM NEW.path AND OLD.kind IS NOT DISTINCT FROM NEW.kind
       AND OLD.dissolved_on IS NOT DISTINCT FROM NEW.dissolved_on THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    IF OLD.kind IN ('branch', 'joint_branch') AND OLD.dissolved_on IS NULL AND OLD.path LIKE '/%' THEN
      PERFORM point_standings_branch_add(OLD.id, OLD.path, -1);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.kind IN ('branch', 'joint_branch') AND NEW.dissolved_on IS NULL AND NEW.path LIKE '/%' THEN
      PERFORM point_standings_branch_add(NEW.id, NEW.path, 1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER point_standings_orgs AFTER INSERT OR DELETE OR UPDATE OF path, kind, dissolved_on ON orgs
  FOR EACH ROW EXECUTE FUNCTION point_standings_orgs_trg();
