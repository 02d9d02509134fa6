-- 组织生活 compliance, the year view (GET /api/v1/compliance?org=&year=), the straightforward
-- way: the subtree's branches and 党小组 (the rules per branch, RULES.md §2), one GROUP BY of
-- the subtree's meetings of the year by org, kind and month (what every rule counts), and
-- 谈心谈话: per branch its roster (active full and probationary members) and how many of
-- them were present at a talk of the year — a join over the year's talk attendance.
-- Parameters: :lo :hi the subtree's path range, :y_from :y_to the year.
SELECT id, parent_id, kind, name, committee_size, founded_on FROM orgs
 WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL ORDER BY path;
SELECT o.id, mt.kind, substr(mt.held_on, 6, 2) AS month, count(*)
  FROM orgs o JOIN meetings mt ON mt.org_id = o.id
 WHERE o.path >= :lo AND o.path < :hi AND o.dissolved_on IS NULL AND mt.held_on >= :y_from AND mt.held_on <= :y_to
 GROUP BY o.id, mt.kind, substr(mt.held_on, 6, 2);
SELECT m.org_id, count(*) AS roster, count(t.member_id) AS talked
  FROM members m
  LEFT JOIN (SELECT DISTINCT a.member_id FROM meetings mt JOIN meeting_attendance a ON a.meeting_id = mt.id
              WHERE mt.org_path >= :lo AND mt.org_path < :hi AND mt.kind = 'talk' AND mt.held_on >= :y_from
                AND mt.held_on <= :y_to AND a.status = 'present') t ON t.member_id = m.id
 WHERE m.org_path >= :lo AND m.org_path < :hi AND m.state = 'active' AND m.category IN ('full', 'probationary')
 GROUP BY m.org_id;
