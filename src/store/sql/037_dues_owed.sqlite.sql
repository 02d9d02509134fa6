-- Kept figures for the dues arrears of a large subtree (domain/dues_owed.c; docs/API.md "Dues",
-- GET /dues/arrears). Per member with a base (dues_owed), what the arrears of ANY current month
-- C follow from: from month v on the member's months in arrears are C + k and their sum due is
-- a + b·C (v is the first month from which that holds whenever it counts: before v the member
-- is worked out by the due rule at read time — only those with gaps before an advance payment,
-- a reduction or a future base while in arrears). k, a, b, v are computed by the due rule in C
-- (dues_owed_refresh) for the members the triggers below queue in dues_owed_stale on every
-- write to what the rule reads (bases, approved reductions, dues_months rows, dues_from and
-- join_date); the queue is drained in the same transaction as the dues writes (payments,
-- batch, void, bases, reduction decisions) and before any read of the kept figures; a queue of
-- 20,000 or more (the backfill below) is drained in bulk with dues_owed_bulk set. org_id,
-- org_path and ok (state active/transferring) follow the member row by trigger, so transfers,
-- state changes and org moves are kept at once.
--
-- dues_owed_sums: per org on the member's path (every ancestor and the member's own org) and
-- per k, the members, Σa and Σb of those with ok = 1; a subtree's members with at least n
-- months in arrears at C are its rows with k ≥ n − C: months = members·C + k·members,
-- fen = Σa + C·Σb. The root of a province reads its children's rows (tens per child).
CREATE TABLE dues_owed (
  member_id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL,
  org_path TEXT NOT NULL,
  ok INTEGER NOT NULL,
  k INTEGER NOT NULL,
  a INTEGER NOT NULL,
  b INTEGER NOT NULL,
  v INTEGER NOT NULL
);
CREATE INDEX dues_owed_rank ON dues_owed (k DESC, org_path, member_id) WHERE ok = 1;
CREATE INDEX dues_owed_v ON dues_owed (v, org_path) WHERE ok = 1;

CREATE TABLE dues_owed_sums (
  org_id INTEGER NOT NULL,
  k INTEGER NOT NULL,
  members INTEGER NOT NULL,
  a INTEGER NOT NULL,
  b INTEGER NOT NULL,
  PRIMARY KEY (org_id, k)
);

CREATE TABLE dues_owed_stale (member_id INTEGER PRIMARY KEY);
-- a row only inside the transaction of a large drain or a rebuild, which recomputes the sums
-- in one GROUP BY at its end: the row triggers below stand aside meanwhile
CREATE TABLE dues_owed_bulk (on_ INTEGER NOT NULL);

-- everything recorded before this migration is worked out on the first read
INSERT INTO dues_owed_stale (member_id) SELECT DISTINCT member_id FROM dues_bases;

CREATE TRIGGER dues_owed_ai AFTER INSERT ON dues_owed
WHEN NEW.ok = 1 AND NOT EXISTS (SELECT 1 FROM dues_owed_bulk) BEGIN
  INSERT INTO dues_owed_sums (org_id, k, members, a, b)
    SELECT value, NEW.k, 1, NEW.a, NEW.b FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') WHERE true
    ON CONFLICT (org_id, k) DO UPDATE SET members = members + 1, a = a + excluded.a, b = b + excluded.b;
END;
CREATE TRIGGER dues_owed_ad AFTER DELETE ON dues_owed
WHEN OLD.ok = 1 AND NOT EXISTS (SELECT 1 FROM dues_owed_bulk) BEGIN
  UPDATE dues_owed_sums SET members = members - 1, a = a - OLD.a, b = b - OLD.b
    WHERE k = OLD.k AND org_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']'));
END;
CREATE TRIGGER dues_owed_au AFTER UPDATE ON dues_owed
WHEN (OLD.ok <> NEW.ok OR OLD.k <> NEW.k OR OLD.a <> NEW.a OR OLD.b <> NEW.b OR OLD.org_path <> NEW.org_path)
  AND NOT EXISTS (SELECT 1 FROM dues_owed_bulk) BEGIN
  UPDATE dues_owed_sums SET members = members - 1, a = a - OLD.a, b = b - OLD.b
    WHERE OLD.ok = 1 AND k = OLD.k
      AND org_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']'));
  INSERT INTO dues_owed_sums (org_id, k, members, a, b)
    SELECT value, NEW.k, 1, NEW.a, NEW.b FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']')
    WHERE NEW.ok = 1
    ON CONFLICT (org_id, k) DO UPDATE SET members = members + 1, a = a + excluded.a, b = b + excluded.b;
END;

CREATE TRIGGER dues_owed_member_au AFTER UPDATE OF state, org_path, org_id ON members
WHEN OLD.state IS NOT NEW.state OR OLD.org_path IS NOT NEW.org_path OR OLD.org_id IS NOT NEW.org_id BEGIN
  UPDATE dues_owed SET org_id = NEW.org_id, org_path = NEW.org_path,
    ok = CASE WHEN NEW.state IN ('active', 'transferring') THEN 1 ELSE 0 END
    WHERE member_id = NEW.id;
END;
CREATE TRIGGER dues_owed_member_from AFTER UPDATE OF dues_from, join_date ON members
WHEN OLD.dues_from IS NOT NEW.dues_from OR OLD.join_date IS NOT NEW.join_date BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_member_ad AFTER DELETE ON members BEGIN
  DELETE FROM dues_owed WHERE member_id = OLD.id;
  DELETE FROM dues_owed_stale WHERE member_id = OLD.id;
END;

CREATE TRIGGER dues_owed_bases_ai AFTER INSERT ON dues_bases BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_bases_au AFTER UPDATE ON dues_bases BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id), (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_bases_ad AFTER DELETE ON dues_bases BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_red_ai AFTER INSERT ON dues_reductions WHEN NEW.status = 'approved' BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_red_au AFTER UPDATE ON dues_reductions
WHEN OLD.status = 'approved' OR NEW.status = 'approved' BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id), (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_red_ad AFTER DELETE ON dues_reductions WHEN OLD.status = 'approved' BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_months_ai AFTER INSERT ON dues_months BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_months_au AFTER UPDATE OF member_id, month ON dues_months BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id), (NEW.member_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER dues_owed_months_ad AFTER DELETE ON dues_months BEGIN
  INSERT INTO dues_owed_stale (member_id) VALUES (OLD.member_id) ON CONFLICT DO NOTHING;
END;
