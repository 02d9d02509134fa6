-- 积分 standings (GET /api/v1/points/rankings?org=&target=member&period=YEAR), the
-- straightforward way (RULES.md §6, docs/API.md "Scores"): the subtree's active members
-- joined with their ledger entries of the year, summed per indicator and cap window (the
-- month, quarter or year of the indicator's cap_period), each window's net sum limited
-- to ±cap, summed into award (award indicators) and deduct (deductions), score = base +
-- award + deduct clamped to 0-100 (tenths here); ranked by score, then the smaller
-- deduction, then the larger award (rank() gives 1, 2, 2, 4); the first page of 20, and
-- the stars of all (default bands and the top-band cap of points_summary.sql).
-- Parameters: :lo :hi the subtree's path range, :root the subtree's org, :cap_pct its
-- settings' top_band_cap_pct (default 10), :p_lo :p_hi the year's period numbers
-- (year × 12 + month − 1).
WITH subj AS (
  SELECT id, name, org_id FROM members WHERE org_path >= :lo AND org_path < :hi AND state = 'active'
), cells AS (
  SELECT e.subject_id, i.sign, i.cap_x10, sum(e.points_x10) AS raw
    FROM subj s
    JOIN point_entries e ON e.target = 'member' AND e.subject_id = s.id AND e.period_no >= :p_lo AND e.period_no <= :p_hi
    JOIN point_indicators i ON i.id = e.indicator_id
   GROUP BY e.subject_id, e.indicator_id, i.sign, i.cap_x10,
            CASE i.cap_period WHEN 'month' THEN e.period_no WHEN 'quarter' THEN e.period_no / 3 ELSE e.period_no / 12 END
), sums AS (
  SELECT subject_id, sum(CASE WHEN sign > 0 THEN v ELSE 0 END) AS award, sum(CASE WHEN sign < 0 THEN v ELSE 0 END) AS deduct
    FROM (SELECT subject_id, sign, CASE WHEN cap_x10 > 0 AND raw > cap_x10 THEN cap_x10
                                        WHEN cap_x10 > 0 AND raw < -cap_x10 THEN -cap_x10 ELSE raw END AS v
            FROM cells) c
   GROUP BY subject_id
), sc AS (
  SELECT s.id, s.name, s.org_id, coalesce(x.award, 0) AS award, coalesce(x.deduct, 0) AS deduct,
         (SELECT coalesce(max(member_base_x10), 600) FROM point_settings WHERE org_id = :root)
         + coalesce(x.award, 0) + coalesce(x.deduct, 0) AS raw
    FROM subj s LEFT JOIN sums x ON x.subject_id = s.id
), st AS (
  SELECT id, name, org_id, award, deduct, CASE WHEN raw < 0 THEN 0 WHEN raw > 1000 THEN 1000 ELSE raw END AS score FROM sc
)
SELECT rank() OVER (ORDER BY score DESC, deduct DESC, award DESC) AS rnk, st.id, st.name, st.org_id, o.name,
       score, award, deduct
  FROM st JOIN orgs o ON o.id = st.org_id
 ORDER BY score DESC, deduct DESC, award DESC, st.id
 LIMIT 20;
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
