-- Kept figures for the dues arrears of a large subtree: see 037_dues_owed.sqlite.sql (the same
-- tables and rules; here the triggers are plpgsql).
CREATE TABLE dues_owed (
  member_id BIGINT PRIMARY KEY,
  org_id BIGINT NOT NULL,
  org_path TEXT COLLATE "C" NOT NULL,
  ok INTEGER NOT NULL,
  k INTEGER NOT NULL,
  a BIGINT NOT NULL,
  b BIGINT NOT NULL,
  v INTEGER NOT NULL
);
CREATE INDEX dues_owed_rank ON dues_owed (k DESC, org_path, member_id) WHERE ok = 1;
CREATE INDEX dues_owed_v ON dues_owed (v, org_path) WHERE ok = 1;

CREATE TABLE dues_owed_sums (
  org_id BIGINT NOT NULL,
  k INTEGER NOT NULL,
  members BIGINT NOT NULL,
  a BIGINT NOT NULL,
  b BIGINT NOT NULL,
  PRIMARY KEY (org_id, k)
);

CREATE TABLE dues_owed_stale (member_id BIGINT PRIMARY KEY);
CREATE TABLE dues_owed_bulk (on_ INTEGER NOT NULL);

INSERT INTO dues_owed_stale (member_id) SELECT DISTINCT member_id FROM dues_bases;

-- one member's figures added to (sign 1) or taken from (sign -1) every org on its path
CREATE FUNCTION dues_owed_add(p_path TEXT, p_k INTEGER, p_a BIGINT, p_b BIGINT, p_sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dues_owed_sums AS s (org_id, k, members, a, b)
    SELECT x::bigint, p_k, p_sign, p_sign * p_a, p_sign * p_b
      FROM unnest(string_to_array(trim(both '/' from p_path), '/')) AS x
    ON CONFLICT (org_id, k) DO UPDATE SET members = s.members + excluded.members, a = s.a + excluded.a,
      b = s.b + excluded.b;
END $$;

CREATE FUNCTION dues_owed_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM dues_owed_bulk) THEN
    RETURN NULL; -- a large drain or a rebuild recomputes the sums at its end
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.ok = 1 THEN PERFORM dues_owed_add(NEW.org_path, NEW.k, NEW.a, NEW.b, 1); END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.ok = 1 THEN PERFORM dues_owed_add(OLD.org_path, OLD.k, OLD.a, OLD.b, -1); END IF;
    RETURN NULL;
  END IF;
  IF OLD.ok <> NEW.ok OR OLD.k <> NEW.k OR OLD.a <> NEW.a OR OLD.b <> NEW.b OR OLD.org_path <> NEW.org_path THEN
    IF OLD.ok = 1 THEN PERFORM dues_owed_add(OLD.org_path, OLD.k, OLD.a, OLD.b, -1); END IF;
    IF NEW.ok = 1 THEN PERFORM dues_owed_add(NEW.org_path, NEW.k, NEW.a, NEW.b, 1); END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dues_owed_sums_trg AFTER INSERT OR UPDATE OR DELETE ON dues_owed
  FOR EACH ROW EXECUTE FUNCTION dues_owed_trg();

CREATE FUNCTION dues_owed_member_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM dues_owed WHERE member_id = OLD.id;
    DELETE FROM dues_owed_stale WHERE member_id = OLD.id;
    RETURN NULL;
  END IF;
  IF OLD.state IS DISTINCT FROM NEW.state OR OLD.org_path IS DISTINCT FROM NEW.org_path
     OR OLD.org_id IS DISTINCT FROM NEW.org_id THEN
    UPDATE dues_owed SET org_id = NEW.org_id, org_path = NEW.org_path,
      ok = CASE WHEN NEW.state IN ('active', 'transferring') THEN 1 ELSE 0 END
      WHERE member_id = NEW.id;
  END IF;
  IF OLD.dues_from IS DISTINCT FROM NEW.dues_from OR OLD.join_date IS DISTINCT FROM NEW.join_date THEN
    INSERT INTO dues_owed_stale (member_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dues_owed_member_trg AFTER UPDATE OR DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION dues_owed_member_trg();

-- a write to what the due rule reads queues the member (dues_owed_refresh works it out)
CREATE FUNCTION dues_owed_queue_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'dues_reductions' THEN
    IF NOT coalesce((TG_OP <> 'INSERT' AND OLD.status = 'approved') OR (TG_OP <> 'DELETE' AND NEW.status = 'approved'),
                    false) THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO dues_owed_stale (member_id) VALUES (NEW.member_id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dues_owed_bases_trg AFTER INSERT OR UPDATE OR DELETE ON dues_bases
  FOR EACH ROW EXECUTE FUNCTION dues_owed_queue_trg();
CREATE TRIGGER dues_owed_red_trg AFTER INSERT OR UPDATE OR DELETE ON dues_reductions
  FOR EACH ROW EXECUTE FUNCTION dues_owed_queue_trg();
CREATE TRIGGER dues_owed_months_trg AFTER INSERT OR UPDATE OF member_id, month OR DELETE ON dues_months
  FOR EACH ROW EXECUTE FUNCTION dues_owed_queue_trg();
