-- meetings.org_path follows its org when org_move rewrites the paths of a subtree
-- (domain/org.c rewrites orgs and members; meetings ride on the orgs row update).
CREATE FUNCTION meetings_follow_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE meetings SET org_path = NEW.path WHERE org_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER meetings_follow_org AFTER UPDATE OF path ON orgs
  FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION meetings_follow_org();
