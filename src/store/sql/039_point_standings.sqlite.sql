-- Kept standings for a large subtree (domain/points_standings.c, read by points_rank.c):
-- the province root reads O(distinct scores) rows instead of one rollup per member.
--
-- point_period_scores: per subject, year and period of the year (pcode 1–12 the months,
-- 13–16 the quarters, 17 the year) the period's award and deduction with every cap
-- applied (docs/API.md "Scores": what the standings pass computes from point_rollups)
-- and its number of ledger entries. Only rows that are not all zero. points_append
-- (points_rollup_add) keeps them from the indicator of the entry: a subject's value of
-- a period changes only by that indicator's counted points (indicators never change).
-- Keyed by subject: a transfer rewrites nothing here. The score itself (base + award +
-- deduct, clamped) is applied at read time, since the base is the reading org's setting.
--
-- point_score_hist: per org on the member's org_path (every ancestor and the branch),
-- per target, year and period, the number of ACTIVE members with each (award, deduct) pair and
-- their entries — a score histogram: ranks, stars (bands and the top-band cap),
-- averages follow from it. Written by points_append for the member's current path and
-- by the triggers below when a member's org_path or state changes (transfers, org
-- moves, leaving). Rows falling to n = 0 are kept (they count nothing; readers skip them).
--
-- point_subject_counts: per org and target, the active members (branches) of its subtree: the members of
-- the histogram's implicit bucket (award 0, deduct 0, no entries) are this count minus
-- the histogram's.
--
-- 党支部 (target 'branch') the same way, at every org of the branch's own path: below.
CREATE TABLE point_period_scores (
  target TEXT NOT NULL,
  subject_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  pcode INTEGER NOT NULL,
  award_x10 INTEGER NOT NULL,
  deduct_x10 INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  PRIMARY KEY (target, subject_id, year, pcode)
) WITHOUT ROWID;
-- a ranking page reads one (award, deduct) bucket's subjects in id order
CREATE INDEX point_period_scores_bucket ON point_period_scores (target, year, pcode, award_x10, deduct_x10, subject_id);

CREATE TABLE point_score_hist (
  org_id BIGINT NOT NULL,
  target TEXT NOT NULL,
  year INTEGER NOT NULL,
  pcode INTEGER NOT NULL,
  award_x10 INTEGER NOT NULL,
  deduct_x10 INTEGER NOT NULL,
  n BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  PRIMARY KEY (org_id, target, year, pcode, award_x10, deduct_x10)
) WITHOUT ROWID;

CREATE TABLE point_subject_counts (
  org_id BIGINT NOT NULL,
  target TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, target)
) WITHOUT ROWID;

-- 1 once point_period_scores holds every rollup's periods (points_standings_rebuild);
-- until then the standings keep the pass. A database with no ledger yet is ready.
CREATE TABLE point_standings_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ready INTEGER NOT NULL
);
INSERT INTO point_standings_state (id, ready) SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM point_rollups) THEN 0 ELSE 1 END;

INSERT INTO point_subject_counts (org_id, target, n)
  SELECT CAST(a.value AS INTEGER), 'member', count(*)
  FROM members m, json_each('[' || replace(trim(m.org_path, '/'), '/', ',') || ']') a
  WHERE m.state = 'active' GROUP BY CAST(a.value AS INTEGER);

CREATE TRIGGER point_standings_member_insert AFTER INSERT ON members WHEN NEW.state = 'active'
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'member', 1 FROM json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') a
    WHERE true
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'member', s.year, s.pcode, s.award_x10, s.deduct_x10, 1, s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(NEW.org_path, '/'), '/', ',') || ']') a
    WHERE s.target = 'member' AND s.subject_id = NEW.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;

CREATE TRIGGER point_standings_member_delete AFTER DELETE ON members WHEN OLD.state = 'active'
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'member', -1 FROM json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') a
    WHERE true
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'member', s.year, s.pcode, s.award_x10, s.deduct_x10, -1, -s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(OLD.org_path, '/'), '/', ',') || ']') a
    WHERE s.target = 'member' AND s.subject_id = OLD.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;

-- a transfer, an org move (every member's org_path rewritten) or a change of state:
-- out of the old path's counts when it was active, into the new one's when it is
CREATE TRIGGER point_standings_member_update AFTER UPDATE OF org_path, state ON members
WHEN OLD.org_path IS NOT NEW.org_path OR OLD.state IS NOT NEW.state
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

-- The same for 党支部 (target 'branch'): a branch counts while it is a branch or joint
-- branch not dissolved, at every org of its own path (itself included). A new org's
-- path is a placeholder until org_create sets it: only a path starting with '/' counts
-- (and only such a path is ever parsed: json_each runs before a WHERE can skip it).
INSERT INTO point_subject_counts (org_id, target, n)
  SELECT CAST(a.value AS INTEGER), 'branch', count(*)
  FROM orgs o, json_each('[' || replace(trim(o.path, '/'), '/', ',') || ']') a
  WHERE o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL AND o.path LIKE '/%'
  GROUP BY CAST(a.value AS INTEGER);

CREATE TRIGGER point_standings_org_insert AFTER INSERT ON orgs
WHEN NEW.kind IN ('branch', 'joint_branch') AND NEW.dissolved_on IS NULL AND NEW.path LIKE '/%'
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'branch', 1 FROM json_each('[' || replace(trim(CASE WHEN NEW.path LIKE '/%' THEN NEW.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE true
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'branch', s.year, s.pcode, s.award_x10, s.deduct_x10, 1, s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(CASE WHEN NEW.path LIKE '/%' THEN NEW.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE s.target = 'branch' AND s.subject_id = NEW.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;

CREATE TRIGGER point_standings_org_delete AFTER DELETE ON orgs
WHEN OLD.kind IN ('branch', 'joint_branch') AND OLD.dissolved_on IS NULL AND OLD.path LIKE '/%'
BEGIN
  INSERT INTO point_subject_counts (org_id, target, n)
    SELECT CAST(a.value AS INTEGER), 'branch', -1 FROM json_each('[' || replace(trim(CASE WHEN OLD.path LIKE '/%' THEN OLD.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE true
    ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n;
  INSERT INTO point_score_hist (org_id, target, year, pcode, award_x10, deduct_x10, n, entries)
    SELECT CAST(a.value AS INTEGER), 'branch', s.year, s.pcode, s.award_x10, s.deduct_x10, -1, -s.entries
    FROM point_period_scores s, json_each('[' || replace(trim(CASE WHEN OLD.path LIKE '/%' THEN OLD.path ELSE '' END, '/'), '/', ',') || ']') a
    WHERE s.target = 'branch' AND s.subject_id = OLD.id
    ON CONFLICT (org_id, target, year, pcode, award_x10, deduct_x10)
    DO UPDATE SET n = point_score_hist.n + excluded.n, entries = point_score_hist.entries + excluded.entries;
END;

-- an org move (every path under it rewritten), a dissolution, a change of kind
CREATE TRIGGER point_standings_org_update AFTER UPDATE OF path, kind, dissolved_on ON orgs
WHEN OLD.path IS NOT NEW.path OR OLD.kind IS NOT NEW.kind OR OLD.dissolved_on IS NOT NEW.dissolved_on
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
