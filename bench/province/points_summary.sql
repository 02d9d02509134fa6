-- 积分 summary (GET /api/v1/points/summary?org=&period=YEAR), the straightforward way: every
-- member standing (as in points_rankings.sql: entries of the year per indicator and cap
-- window, capped, summed into award and deduct, base added, clamped) and every branch
-- standing (target branch, the subtree's 党支部 and 联合党支部, base 100 in deduct mode, 0 in
-- percent mode), each group counted, averaged and binned into stars (default bands, the
-- top-band cap: a top-band subject keeps ★5 when it and those ranked with or above it are
-- at most :cap_pct % of the group), and the ledger rows of the year among those subjects.
-- Parameters as in points_rankings.sql.
WITH subj AS (
  SELECT id FROM members WHERE org_path >= :lo AND org_path < :hi AND state = 'active'
), cells AS (
  SELECT e.subject_id, i.sign, i.cap_x10, sum(e.points_x10) AS raw, count(*) AS n
    FROM subj s
    JOIN point_entries e ON e.target = 'member' AND e.subject_id = s.id AND e.period_no >= :p_lo AND e.period_no <= :p_hi
    JOIN point_indicators i ON i.id = e.indicator_id
   GROUP BY e.subject_id, e.indicator_id, i.sign, i.cap_x10,
            CASE i.cap_period WHEN 'month' THEN e.period_no WHEN 'quarter' THEN e.period_no / 3 ELSE e.period_no / 12 END
), sums AS (
  SELECT subject_id, sum(CASE WHEN sign > 0 THEN v ELSE 0 END) AS award, sum(CASE WHEN sign < 0 THEN v ELSE 0 END) AS deduct,
         sum(n) AS n
    FROM (SELECT subject_id, sign, n, CASE WHEN cap_x10 > 0 AND raw > cap_x10 THEN cap_x10
                                           WHEN cap_x10 > 0 AND raw < -cap_x10 THEN -cap_x10 ELSE raw END AS v
            FROM cells) c
   GROUP BY subject_id
), sc AS (
  SELECT coalesce(x.award, 0) AS award, coalesce(x.deduct, 0) AS deduct, coalesce(x.n, 0) AS n,
         (SELECT coalesce(max(member_base_x10), 600) FROM point_settings WHERE org_id = :root) + coalesce(x.award, 0) + coalesce(x.deduct, 0) AS raw
    FROM subj s LEFT JOIN sums x ON x.subject_id = s.id
), st AS (
  SELECT score, n, count(*) OVER (ORDER BY score DESC, deduct DESC, award DESC) AS upto, count(*) OVER () AS total
    FROM (SELECT award, deduct, n, CASE WHEN raw < 0 THEN 0 WHEN raw > 1000 THEN 1000 ELSE raw END AS score FROM sc) x
)
SELECT CASE WHEN score >= 950 THEN (CASE WHEN upto <= total * :cap_pct / 100 THEN 5 ELSE 4 END)
            WHEN score >= 850 THEN 4 WHEN score >= 750 THEN 3 WHEN score >= 650 THEN 2
            WHEN score >= 600 THEN 1 ELSE 0 END AS stars, count(*), sum(score), sum(n)
  FROM st GROUP BY 1;
WITH subj AS (
  SELECT id FROM orgs
   WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL AND kind IN ('branch', 'joint_branch')
), cells AS (
  SELECT e.subject_id, i.sign, i.cap_x10, sum(e.points_x10) AS raw, count(*) AS n
    FROM subj s
    JOIN point_entries e ON e.target = 'branch' AND e.subject_id = s.id AND e.period_no >= :p_lo AND e.period_no <= :p_hi
    JOIN point_indicators i ON i.id = e.indicator_id
   GROUP BY e.subject_id, e.indicator_id, i.sign, i.cap_x10,
            CASE i.cap_period WHEN 'month' THEN e.period_no WHEN 'quarter' THEN e.period_no / 3 ELSE e.period_no / 12 END
), sums AS (
  SELECT subject_id, sum(CASE WHEN sign > 0 THEN v ELSE 0 END) AS award, sum(CASE WHEN sign < 0 THEN v ELSE 0 END) AS deduct,
         sum(n) AS n
    FROM (SELECT subject_id, sign, n, CASE WHEN cap_x10 > 0 AND raw > cap_x10 THEN cap_x10
                                           WHEN cap_x10 > 0 AND raw < -cap_x10 THEN -cap_x10 ELSE raw END AS v
            FROM cells) c
   GROUP BY subject_id
), sc AS (
  SELECT coalesce(x.award, 0) AS award, coalesce(x.deduct, 0) AS deduct, coalesce(x.n, 0) AS n,
         (SELECT CASE WHEN max(branch_mode) = 'percent' THEN 0 ELSE 1000 END FROM point_settings WHERE org_id = :root) + coalesce(x.award, 0) + coalesce(x.deduct, 0) AS raw
    FROM subj s LEFT JOIN sums x ON x.subject_id = s.id
), st AS (
  SELECT score, n, count(*) OVER (ORDER BY score DESC, deduct DESC, award DESC) AS upto, count(*) OVER () AS total
    FROM (SELECT award, deduct, n, CASE WHEN raw < 0 THEN 0 WHEN raw > 1000 THEN 1000 ELSE raw END AS score FROM sc) x
)
SELECT CASE WHEN score >= 950 THEN (CASE WHEN upto <= total * :cap_pct / 100 THEN 5 ELSE 4 END)
            WHEN score >= 850 THEN 4 WHEN score >= 750 THEN 3 WHEN score >= 650 THEN 2
            WHEN score >= 600 THEN 1 ELSE 0 END AS stars, count(*), sum(score), sum(n)
  FROM st GROUP BY 1;
