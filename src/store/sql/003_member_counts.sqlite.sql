-- Members counted per organization (active and transferring members directly in it),
-- kept by triggers so every write path — forms, imports, transfers, moves — keeps it
-- true without remembering to. A subtree's total is then a sum over its orgs (a few
-- hundred rows for a town) instead of a count over its members (hundreds of thousands
-- at province scale), which keeps the member list's total and the tree's counts fast.
ALTER TABLE orgs ADD COLUMN direct_members INTEGER NOT NULL DEFAULT 0;
UPDATE orgs SET direct_members = (SELECT count(*) FROM members m WHERE m.org_id = orgs.id
  AND m.state IN ('active', 'transferring'));

CREATE TRIGGER members_count_insert AFTER INSERT ON members
WHEN NEW.state IN ('active', 'transferring')
BEGIN
  UPDATE orgs SET direct_members = direct_members + 1 WHERE id = NEW.org_id;
END;

CREATE TRIGGER members_count_delete AFTER DELETE ON members
WHEN OLD.state IN ('active', 'transferring')
BEGIN
  UPDATE orgs SET direct_members = direct_members - 1 WHERE id = OLD.org_id;
END;

CREATE TRIGGER members_count_update AFTER UPDATE OF org_id, state ON members
WHEN OLD.org_id <> NEW.org_id OR (OLD.state IN ('active', 'transferring')) <> (NEW.state IN ('active', 'transferring'))
BEGIN
  UPDATE orgs SET direct_members = direct_members - 1
    WHERE id = OLD.org_id AND OLD.state IN ('active', 'transferring');
  UPDATE orgs SET direct_members = direct_members + 1
    WHERE id = NEW.org_id AND NEW.state IN ('active', 'transferring');
END;
