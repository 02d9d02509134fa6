-- 积分 standings (GET /api/v1/points/rankings?org=&target=member&period=YEAR), the
-- straightforward way (RULES.md §6, docs/API.md "Scores"): the subtree's active members
-- joined with their ledger entries of the year, capped and summed (capped_sums.sqlpart),
-- score = base + award + deduct clamped to 0-100 (tenths here); ranked by score, then the
-- smaller deduction, then the larger award (rank() gives 1, 2, 2, 4); the first page of
-- 20, and the stars of all (stars.sqlpart, as in points_summary.sql).
-- Parameters: :lo :hi the subtree's path range, :root the subtree's org, :cap_pct its
-- settings' top_band_cap_pct (default 10), :p_lo :p_hi the year's period numbers
-- (year × 12 + month − 1).
WITH subj AS (
  SELECT id, name, org_id FROM members WHERE org_path >= :lo AND org_path < :hi AND state = 'active'
), {{capped_sums member}}, sc AS (
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
), base AS (
  SELECT (SELECT coalesce(max(member_base_x10), 600) FROM point_settings WHERE org_id = :root) AS v
), {{capped_sums member}}, {{stars}};
