-- meetings.org_path follows its org when org_move rewrites the paths of a subtree
-- (domain/org.c rewrites orgs and members; meetings ride on the orgs row update).
CREATE TRIGGER meetings_follow_org AFTER UPDATE OF path ON orgs
WHEN OLD.path <> NEW.path
BEGIN
  UPDATE meetings SET org_path = NEW.path WHERE org_id = NEW.id;
END;
