-- Kept rollups of the points ledger (domain/points_rollup.c): per subject and year, the
-- ledger's net raw sums per (indicator, month) and its number of entries per month, so
-- the standings (domain/points_rank.c: rankings, summary, publications) read one short
-- row per subject instead of its entries — a county's year is 74,000 rows, not 5
-- million. points_append (domain/points_ledger.c), the one way into point_entries,
-- updates the subject's row in the same transaction (an append-only ledger only ever
-- adds to a cell). Keyed by subject, not by org: a member's transfer rewrites nothing.
-- The year and month are those of the entry's period_no (where a correction landed),
-- and a period or a cap window never crosses a year, so one row serves any period.
--
-- cells: groups separated by ';', each "<indicator id>:<cell>[,<cell>…]"; a cell is one
-- month character 1-9 a b c (January … December) followed by the signed decimal raw sum
-- in tenths. Indicator 0 holds the number of entries per month. Written canonical
-- (groups by indicator ascending, cells by month ascending, no zero cell, no empty
-- group); read in any order. Example: "0:14,25;17:1-20,550;23:c10" = 4 entries in
-- January and 5 in May; indicator 17: −2.0 in January, +5.0 in May; indicator 23: +1.0
-- in December. A parser reads it left to right with no lookup and no allocation.
CREATE TABLE point_rollups (
  target TEXT NOT NULL,              -- member | branch
  subject_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  cells TEXT NOT NULL,
  PRIMARY KEY (target, subject_id, year)
);

-- the entries written before this migration (the backfill; the order of the groups is
-- whatever string_agg gives, which the reader does not mind)
INSERT INTO point_rollups (target, subject_id, year, cells)
SELECT target, subject_id, year, string_agg(grp, ';') FROM (
  SELECT target, subject_id, year, CAST(ind AS TEXT) || ':' || string_agg(cell, ',') AS grp FROM (
    SELECT target, subject_id, period_no / 12 AS year, indicator_id AS ind,
           substr('123456789abc', period_no % 12 + 1, 1) || CAST(sum(points_x10) AS TEXT) AS cell
      FROM point_entries GROUP BY target, subject_id, period_no, indicator_id HAVING sum(points_x10) <> 0
    UNION ALL
    SELECT target, subject_id, period_no / 12, CAST(0 AS BIGINT), substr('123456789abc', period_no % 12 + 1, 1) || CAST(count(*) AS TEXT)
      FROM point_entries GROUP BY target, subject_id, period_no
  ) c GROUP BY target, subject_id, year, ind
) g GROUP BY target, subject_id, year;
