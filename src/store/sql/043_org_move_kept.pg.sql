-- An org move (org_move, src/domain/org.c) rewrites the org_path of every member of the moved
-- subtree. The figures kept per ancestor (036 stats, 037 dues sums, 039 point standings) change
-- only at the ancestors the old and the new path do not share, and there by the moved org's own
-- kept rows, which hold its subtree's figures. So for the one statement that rewrites the members'
-- paths the move sets dangjian.kept_moving = 'on' (SET LOCAL: its transaction only), the member
-- triggers of 039 (and of 036, in 044) stand aside and 037's sums are set aside by dues_owed_bulk;
-- the move then takes the moved org's rows from each ancestor it leaves and adds them at each it
-- joins: a few statements per ancestor instead of an upsert per member at every org of both paths
-- (on PostgreSQL each of those upserts also left a dead version of the ancestor's row).
DROP TRIGGER point_standings_members ON members;
CREATE TRIGGER point_standings_members AFTER INSERT OR DELETE OR UPDATE OF org_path, state ON members
  FOR EACH ROW WHEN (current_setting('dangjian.kept_moving', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION point_standings_members_trg();
DROP TRIGGER point_standings_orgs ON orgs;
CREATE TRIGGER point_standings_orgs AFTER INSERT OR DELETE OR UPDATE OF path, kind, dissolved_on ON orgs
  FOR EACH ROW WHEN (current_setting('dangjian.kept_moving', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION point_standings_orgs_trg();
