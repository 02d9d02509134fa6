-- 党内统计 (GET /api/v1/stats) the straightforward way: one GROUP BY (or count) per table
-- over the subtree's members and orgs, as a DBA would write it without kept counts (the
-- same tables as tests/unit/test_stats.c's reference and bench/stats.sh). Counted: state
-- active/transferring and joined by the reference date :ref (today, or 31 December of a
-- past year). Parameters (bench/province/sqltime.py): :lo :hi the subtree's path range,
-- :ref, :y_from, :nxt (1 January of the year and of the next), :today, :a31 … :a71 the
-- birth dates of the age bands at :ref.
SELECT count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref;
SELECT gender, count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY gender;
SELECT ethnicity = '01', count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY ethnicity = '01';
SELECT ethnicity, count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY ethnicity;
SELECT CASE WHEN birth_date > :a31 THEN 0 WHEN birth_date > :a36 THEN 1 WHEN birth_date > :a41 THEN 2
            WHEN birth_date > :a46 THEN 3 WHEN birth_date > :a51 THEN 4 WHEN birth_date > :a56 THEN 5
            WHEN birth_date > :a61 THEN 6 WHEN birth_date > :a71 THEN 7 ELSE 8 END AS band, count(*)
  FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY 1;
SELECT CASE WHEN education IN ('11', '12', '13', '1A', '1B') THEN 0 WHEN education IN ('21', '23', '24', '2A', '2B')
            THEN 1 WHEN education IN ('22', '2C', '2D') THEN 2 WHEN education = '41' THEN 3
            WHEN education IN ('44', '47', '6') THEN 4 WHEN education IN ('7', '8', '9') THEN 5 ELSE 6 END AS band,
       count(*)
  FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY 1;
SELECT CASE WHEN join_date < '1949-10-01' THEN 0 WHEN join_date < '1966-05-01' THEN 1
            WHEN join_date < '1976-11-01' THEN 2 WHEN join_date < '1979-01-01' THEN 3
            WHEN join_date < '2002-11-01' THEN 4 WHEN join_date < '2012-11-01' THEN 5 ELSE 6 END AS band, count(*)
  FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY 1;
SELECT category, count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY category;
SELECT party_status, count(*) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref
 GROUP BY party_status;
SELECT sum(lost_contact), sum(floating) FROM members
 WHERE org_path >= :lo AND org_path < :hi AND state IN ('active', 'transferring') AND join_date <= :ref;
-- 年内变动: joined, transferred in and out, deceased and removed in the year
SELECT count(*) FROM members WHERE org_path >= :lo AND org_path < :hi AND join_date >= :y_from AND join_date <= :ref;
SELECT count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id JOIN orgs tp ON tp.id = t.to_org_id
 WHERE t.status = 'confirmed' AND t.decided_on >= :y_from AND t.decided_on <= :ref AND tp.path >= :lo
   AND tp.path < :hi AND NOT (f.path >= :lo AND f.path < :hi);
SELECT count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id LEFT JOIN orgs tp ON tp.id = t.to_org_id
 WHERE (t.status = 'confirmed' AND t.decided_on >= :y_from AND t.decided_on <= :ref AND f.path >= :lo
        AND f.path < :hi AND NOT (tp.path >= :lo AND tp.path < :hi))
    OR (t.status = 'sent' AND t.issued_on >= :y_from AND t.issued_on <= :ref AND f.path >= :lo AND f.path < :hi);
SELECT h.new_value, count(DISTINCT m.id) FROM members m JOIN member_history h ON h.member_id = m.id
 WHERE m.state IN ('deceased', 'removed') AND h.field = 'state' AND h.new_value = m.state AND h.at >= :y_from
   AND h.at < :nxt AND m.org_path >= :lo AND m.org_path < :hi
 GROUP BY h.new_value;
-- 党组织: orgs by kind, branches by size (counted and full members), branch problems, terms ended
SELECT kind, count(*) FROM orgs WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL GROUP BY kind;
SELECT CASE WHEN n < 3 THEN 0 WHEN n < 7 THEN 1 WHEN n < 50 THEN 2 WHEN n < 100 THEN 3 ELSE 4 END AS band, count(*)
  FROM (SELECT o.id, count(m.id) AS n
          FROM orgs o LEFT JOIN members m ON m.org_id = o.id AND m.state IN ('active', 'transferring')
                                         AND m.join_date <= :ref
         WHERE o.path >= :lo AND o.path < :hi AND o.dissolved_on IS NULL AND o.kind IN ('branch', 'joint_branch')
         GROUP BY o.id) x
 GROUP BY 1;
SELECT sum(CASE WHEN f < 3 THEN 1 ELSE 0 END), sum(CASE WHEN f >= 7 AND cs = 0 THEN 1 ELSE 0 END),
       sum(CASE WHEN n >= 50 THEN 1 ELSE 0 END), sum(CASE WHEN sec IS NULL THEN 1 ELSE 0 END)
  FROM (SELECT o.id, o.committee_size AS cs, o.secretary_member_id AS sec, count(m.id) AS n,
               sum(CASE WHEN m.category = 'full' THEN 1 ELSE 0 END) AS f
          FROM orgs o LEFT JOIN members m ON m.org_id = o.id AND m.state IN ('active', 'transferring')
                                         AND m.join_date <= :ref
         WHERE o.path >= :lo AND o.path < :hi AND o.dissolved_on IS NULL AND o.kind IN ('branch', 'joint_branch')
         GROUP BY o.id, o.committee_size, o.secretary_member_id) x;
SELECT count(*) FROM orgs
 WHERE path >= :lo AND path < :hi AND dissolved_on IS NULL AND kind <> 'group' AND term_end IS NOT NULL
   AND term_end <> '' AND term_end < :today;
