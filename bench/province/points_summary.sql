-- 积分 summary (GET /api/v1/points/summary?org=&period=YEAR), the straightforward way: every
-- member standing (as in points_rankings.sql: entries of the year per indicator and cap
-- window, capped, summed into award and deduct, base added, clamped) and every branch
-- standing (target branch, the subtree's 党支部 and 联合党支部, base 100 in deduct mode, 0 in
-- percent mode), each group counted, averaged and binned into stars (stars.sqlpart), and the
-- ledger rows of the year among those subjects.
-- Parameters as in points_rankings.sql.
WITH subj AS (
  SELECT id FROM members WHERE org_path >= :lo AND org_path < :hi AND state = 'active'
), base AS (
  SELECT (SELECT coalesce(max(member_base_x10), 600) FROM point_settings WHERE org_id = :root) AS v
), {{capped_sums member}}, {{stars}};
WITH subj AS (
  SELECT id FROM orgs
   WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL AND kind IN ('branch', 'joint_branch')
), base AS (
  SELECT (SELECT CASE WHEN max(branch_mode) = 'percent' THEN 0 ELSE 1000 END FROM point_settings WHERE org_id = :root) AS v
), {{capped_sums branch}}, {{stars}};
