-- 组织生活 compliance, one month (GET /api/v1/compliance?org=&year=&month=), the
-- straightforward way: the subtree's branches and 党小组 and one GROUP BY of the subtree's
-- meetings by org, kind and month from 1 January to the month's end (a month view also
-- checks the quarter, half year or year that ends in it). No talk roster: that is checked
-- in December only. Parameters: :lo :hi the subtree's path range, :y_from, :m_to the
-- month's last day.
SELECT id, parent_id, kind, name, committee_size, founded_on FROM orgs
 WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL ORDER BY path;
SELECT o.id, mt.kind, substr(mt.held_on, 6, 2) AS month, count(*)
  FROM orgs o JOIN meetings mt ON mt.org_id = o.id
 WHERE o.path >= :lo AND o.path < :hi AND o.dissolved_on IS NULL AND mt.held_on >= :y_from AND mt.held_on <= :m_to
 GROUP BY o.id, mt.kind, substr(mt.held_on, 6, 2);
