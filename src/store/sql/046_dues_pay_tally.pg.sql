-- Kept count of dues payments per path prefix, year and kind: see 046_dues_pay_tally.sqlite.sql
-- (the same table and rules; here the triggers are plpgsql).
CREATE TABLE dues_pay_tally (
  path TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (path, year, kind)
);

CREATE INDEX dues_payments_paid ON dues_payments (paid_on, id);

-- "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/"
CREATE FUNCTION dj_path_prefixes(p_path TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT left(p_path, i) FROM generate_series(2, length(p_path)) AS i WHERE substr(p_path, i, 1) = '/'
$$;

-- one payment added to (sign 1) or taken from (sign -1) every prefix of its path
CREATE FUNCTION dues_pay_tally_add(p_path TEXT, p_paid_on TEXT, p_kind TEXT, p_sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dues_pay_tally AS t (path, year, kind, n)
    SELECT x, CAST(substr(p_paid_on, 1, 4) AS INTEGER), p_kind, p_sign FROM dj_path_prefixes(p_path) AS x
    ON CONFLICT (path, year, kind) DO UPDATE SET n = t.n + excluded.n;
END $$;

CREATE FUNCTION dues_pay_tally_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dues_pay_tally_add(NEW.org_path, NEW.paid_on, NEW.kind, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM dues_pay_tally_add(OLD.org_path, OLD.paid_on, OLD.kind, -1);
  ELSIF OLD.org_path <> NEW.org_path OR substr(OLD.paid_on, 1, 4) <> substr(NEW.paid_on, 1, 4) OR OLD.kind <> NEW.kind THEN
    PERFORM dues_pay_tally_add(OLD.org_path, OLD.paid_on, OLD.kind, -1);
    PERFORM dues_pay_tally_add(NEW.org_path, NEW.paid_on, NEW.kind, 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dues_pay_tally_trg AFTER INSERT OR UPDATE OF org_path, paid_on, kind OR DELETE ON dues_payments
  FOR EACH ROW EXECUTE FUNCTION dues_pay_tally_trg();

INSERT INTO dues_pay_tally (path, year, kind, n)
  SELECT x, g.y, g.kind, sum(g.c)
    FROM (SELECT org_path, CAST(substr(paid_on, 1, 4) AS INTEGER) AS y, kind, count(*) AS c
            FROM dues_payments GROUP BY org_path, CAST(substr(paid_on, 1, 4) AS INTEGER), kind) g,
         dj_path_prefixes(g.org_path) AS x
   GROUP BY x, g.y, g.kind;
