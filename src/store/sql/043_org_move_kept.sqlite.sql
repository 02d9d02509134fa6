-- An org move (org_move, src/domain/org.c) rewrites the org_path of every member of the moved
-- subtree. The figures kept per ancestor (036 stats, 037 dues sums, 039 point standings) change
-- only at the ancestors the old and the new path do not share, and there by the moved org's own
-- kept rows, which hold its subtree's figures. So for the one statement that rewrites the members'
-- paths the move writes a row here (in its transaction: no other connection ever sees it), the
-- member triggers of 039 (and of 036, in 044) stand aside and 037's sums are set aside by
-- dues_owed_bulk; the move then takes the moved org's rows from each ancestor it leaves and adds
-- them at each it joins: a few statements per ancestor instead of an upsert per member at every
-- org of both paths (a town of 5,712 members at 1M: 2.7 s before).
CREATE TABLE kept_moving (on_ INTEGER NOT NULL);

DROP TRIGGER point_standings_member_update;
-- a transfer or a change of state: out of the old path's counts when it was active, into the new
-- one's when it is (an org move: see above)
CREATE TRIGGER point_standings_member_update AFTER UPDATE OF org_path, state ON members
WHEN (OLD.org_path IS NOT NEW.org_path OR OLD.state IS NOT NEW.state) AND NOT EXISTS (SELECT 1 FROM kept_moving)
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'member', -1 FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') a
    WHERE OLD.state = 'active'
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'member', s.year, s.pcode, s.award_x10, s.deduct_x10, -1, -s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') a
    WHERE OLD.state = 'active' AND s.target = 'member' AND s.subject_id = OLD.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'member', 1 FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') a
    WHERE NEW.state = 'active'
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'member', s.year, s.pcode, s.award_x10, s.deduct_x10, 1, s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') a
    WHERE NEW.state = 'active' AND s.target = 'member' AND s.subject_id = NEW.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;

DROP TRIGGER point_standings_org_update;
-- a dissolution, a change of kind (an org move: see above)
CREATE TRIGGER point_standings_org_update AFTER UPDATE OF path, kind, dissolved_on ON orgs
WHEN (OLD.path IS NOT NEW.path OR OLD.kind IS NOT NEW.kind OR OLD.dissolved_on IS NOT NEW.dissolved_on)
  AND NOT EXISTS (SELECT 1 FROM kept_moving)
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'branch', -1 FROM json_each('[' || replace(trim(CASE WHEN OLD.path LIKE '/%' THEN OLD.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE OLD.kind IN ('branch', 'joint_branch') AND OLD.dissolved_on IS NULL AND OLD.path LIKE '/%'
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'branch', s.year, s.pcode, s.award_x10, s.deduct_x10, -1, -s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(CASE WHEN OLD.path LIKE '/%' THEN OLD.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE OLD.kind IN ('branch', 'joint_branch') AND OLD.dissolved_on IS NULL AND OLD.path LIKE '/%'
      AND s.target = 'branch' AND s.subject_id = OLD.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'branch', 1 FROM json_each('[' || replace(trim(CASE WHEN NEW.path LIKE '/%' THEN NEW.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE NEW.kind IN ('branch', 'joint_branch') AND NEW.dissolved_on IS NULL AND NEW.path LIKE '/%'
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'branch', s.year, s.pcode, s.award_x10, s.deduct_x10, 1, s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(CASE WHEN NEW.path LIKE '/%' THEN NEW.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE NEW.kind IN ('branch', 'joint_branch') AND NEW.dissolved_on IS NULL AND NEW.path LIKE '/%'
      AND s.target = 'branch' AND s.subject_id = NEW.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;
