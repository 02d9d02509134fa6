-- Kept count of dues payments for GET /dues/payments (dues_pay.c, docs/API.md "Dues"): the list
-- selects payments by the collecting branch's path as recorded on the payment (dues_payments.
-- org_path, which org moves leave as it was), so the count of a subtree is kept per path PREFIX
-- (every "/a/", "/a/b/", … of the payment's org_path), paid_on year and kind: the list's total
-- at a root whose path is P is the n of the rows with path = P, whatever was moved since.
-- The triggers below keep it on every insert, delete and update of a payment (create, one-off,
-- batch, void; bulk loads rebuild it: dues_pay_tally_rebuild). Rows that fall to 0 stay.
CREATE TABLE dues_pay_tally (
  path TEXT NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (path, year, kind)
);

-- the newest first page of a large subtree: read backwards by date, filtered by path
CREATE INDEX dues_payments_paid ON dues_payments (paid_on, id);

-- A path's prefixes: for each id j1 on it, the path cut after that id (its length is 1 + the
-- lengths of the ids up to j1, each with its '/'); SQLite allows no WITH inside a trigger.
CREATE TRIGGER dues_pay_tally_ai AFTER INSERT ON dues_payments BEGIN
  INSERT INTO dues_pay_tally (path, year, kind, n)
    SELECT substr(NEW.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1)
             FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key)),
           CAST(substr(NEW.paid_on, 1, 4) AS INTEGER), NEW.kind, 1
      FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') j1 WHERE true
    ON CONFLICT (path, year, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dues_pay_tally_ad AFTER DELETE ON dues_payments BEGIN
  UPDATE dues_pay_tally SET n = n - 1
    WHERE year = CAST(substr(OLD.paid_on, 1, 4) AS INTEGER) AND kind = OLD.kind
      AND path IN (SELECT substr(OLD.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1)
                     FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key))
                   FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') j1);
END;
CREATE TRIGGER dues_pay_tally_au AFTER UPDATE OF org_path, paid_on, kind ON dues_payments
WHEN OLD.org_path IS NOT NEW.org_path OR substr(OLD.paid_on, 1, 4) IS NOT substr(NEW.paid_on, 1, 4)
  OR OLD.kind IS NOT NEW.kind BEGIN
  UPDATE dues_pay_tally SET n = n - 1
    WHERE year = CAST(substr(OLD.paid_on, 1, 4) AS INTEGER) AND kind = OLD.kind
      AND path IN (SELECT substr(OLD.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1)
                     FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key))
                   FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') j1);
  INSERT INTO dues_pay_tally (path, year, kind, n)
    SELECT substr(NEW.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1)
             FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key)),
           CAST(substr(NEW.paid_on, 1, 4) AS INTEGER), NEW.kind, 1
      FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') j1 WHERE true
    ON CONFLICT (path, year, kind) DO UPDATE SET n = n + 1;
END;

-- what was recorded before: counted per collecting path first (a row per branch and year), then
-- spread over the prefixes
INSERT INTO dues_pay_tally (path, year, kind, n)
  SELECT substr(g.org_path, 1, 1 + (SELECT sum(length(j2.value) + 1)
           FROM json_each('[' || replace(trim(g.org_path, '/'), '/', ',') || ']') j2 WHERE j2.key <= j1.key)) AS pre,
         g.y, g.kind, sum(g.c)
    FROM (SELECT org_path, CAST(substr(paid_on, 1, 4) AS INTEGER) AS y, kind, count(*) AS c
            FROM dues_payments GROUP BY org_path, CAST(substr(paid_on, 1, 4) AS INTEGER), kind) g,
         json_each('[' || replace(trim(g.org_path, '/'), '/', ',') || ']') j1
   GROUP BY pre, g.y, g.kind;
