-- 党费 arrears (GET /api/v1/dues/arrears?org_id=), the straightforward way (docs/API.md "The
-- due rule", "in arrears"): every month before the current one, on or after the member's
-- dues_from and first base, without a dues_months row, of the subtree's active and
-- transferring members; its due from an approved reduction covering it, else the base in
-- force (greatest from_month ≤ the month). Then the first page (most months first, 20) and
-- the per-org sums over all of them. :cal is a calendar of months (a VALUES list from the
-- first base month of the database to the month before :cur_month); :lo :hi the
-- subtree's path range.
WITH cal(month) AS (VALUES :cal),
mem AS (
  SELECT m.id, m.org_id, m.dues_from, (SELECT min(b.from_month) FROM dues_bases b WHERE b.member_id = m.id) AS first_base
    FROM members m
   WHERE m.org_path >= :lo AND m.org_path < :hi AND m.state IN ('active', 'transferring')
), owed AS (
  SELECT mem.id, mem.org_id, c.month,
         coalesce((SELECT r.monthly_fen FROM dues_reductions r
                    WHERE r.member_id = mem.id AND r.status = 'approved' AND r.from_month <= c.month AND r.to_month >= c.month
                    ORDER BY r.id DESC LIMIT 1),
                  (SELECT b.monthly_fen FROM dues_bases b WHERE b.member_id = mem.id AND b.from_month <= c.month
                    ORDER BY b.from_month DESC LIMIT 1)) AS due
    FROM mem JOIN cal c ON c.month >= mem.dues_from AND c.month >= mem.first_base
   WHERE NOT EXISTS (SELECT 1 FROM dues_months dm WHERE dm.member_id = mem.id AND dm.month = c.month)
)
SELECT o.id, m.name, m.org_id, g.name, m.dues_paid_to, o.months, o.fen
  FROM (SELECT id, count(*) AS months, sum(due) AS fen FROM owed GROUP BY id) o
  JOIN members m ON m.id = o.id JOIN orgs g ON g.id = m.org_id
 ORDER BY o.months DESC, o.id
 LIMIT 20;
WITH cal(month) AS (VALUES :cal),
mem AS (
  SELECT m.id, m.org_id, m.dues_from, (SELECT min(b.from_month) FROM dues_bases b WHERE b.member_id = m.id) AS first_base
    FROM members m
   WHERE m.org_path >= :lo AND m.org_path < :hi AND m.state IN ('active', 'transferring')
), owed AS (
  SELECT mem.id, mem.org_id, c.month,
         coalesce((SELECT r.monthly_fen FROM dues_reductions r
                    WHERE r.member_id = mem.id AND r.status = 'approved' AND r.from_month <= c.month AND r.to_month >= c.month
                    ORDER BY r.id DESC LIMIT 1),
                  (SELECT b.monthly_fen FROM dues_bases b WHERE b.member_id = mem.id AND b.from_month <= c.month
                    ORDER BY b.from_month DESC LIMIT 1)) AS due
    FROM mem JOIN cal c ON c.month >= mem.dues_from AND c.month >= mem.first_base
   WHERE NOT EXISTS (SELECT 1 FROM dues_months dm WHERE dm.member_id = mem.id AND dm.month = c.month)
)
SELECT g.id, g.name, count(DISTINCT owed.id), count(*), sum(owed.due)
  FROM owed JOIN orgs g ON g.id = owed.org_id
 GROUP BY g.id, g.name, g.path
 ORDER BY g.path;
