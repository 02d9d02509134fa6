#!/usr/bin/env python3
"""Fill a county's points ledger (积分) for bench/points.sh.

    python3 bench/gen_points.py DB_PATH [--entries N] [--seed S]

DB_PATH is a SQLite database made by `dangjian init` and filled with orgs and members by
bench/gen_life.py (its county: 3,400 branches, 74,000 members; its meetings do not
matter here). Adds one indicator set for the top-level org, effective 12 months ago: 30
member indicators in the template's four categories and 16 branch indicators, awards
and deductions, with month, quarter and year caps on about half of them, and --entries
ledger rows (default 5,000,000) spread over the 12 months up to today: about 98% member
entries (≈ 66 a member, a few members far busier than others), the rest branch findings
and awards; about 1% carry negated points with source "reversal", so net sums move both
ways (they reference no earlier row: scoring never reads reverses_id).

Rows go straight into point_entries with its secondary indexes set aside and made again
afterwards (one sort each instead of 5 million index inserts), and their rollups
(point_rollups, migration 018: what points_append keeps and the standings read) are
computed here as the rows are made, in the canonical form domain/points_rollup.c writes;
then ANALYZE.

    python3 bench/gen_points.py DB_PATH --rollups

recomputes point_rollups of an existing database from its point_entries instead (a
database filled before migration 018 gets them from the migration's backfill when the
server first opens it; this is the same in Python, and canonical).
"""
import argparse
import datetime as dt
import random
import sqlite3
import sys
import time

# code, category, sign, points_x10, cap_x10, cap_period
MEMBER_IND = [
    ("study_meeting", "政治学习", 1, 10, 50, "month"), ("study_hours", "政治学习", 1, 5, 200, "quarter"),
    ("study_online", "政治学习", 1, 5, 30, "month"), ("study_note", "政治学习", 1, 10, 0, "month"),
    ("study_test", "政治学习", 1, 20, 100, "year"), ("study_absent", "政治学习", -1, 20, 0, "month"),
    ("life_congress", "组织生活", 1, 20, 0, "month"), ("life_group", "组织生活", 1, 10, 30, "month"),
    ("life_lecture", "组织生活", 1, 20, 0, "month"), ("life_theme_day", "组织生活", 1, 10, 10, "month"),
    ("life_meeting", "组织生活", 1, 30, 30, "year"), ("life_absent", "组织生活", -1, 30, 0, "month"),
    ("life_dues", "组织生活", 1, 10, 10, "month"), ("life_dues_late", "组织生活", -1, 20, 0, "month"),
    ("role_volunteer", "发挥作用", 1, 10, 100, "quarter"), ("role_commitment", "发挥作用", 1, 20, 60, "quarter"),
    ("role_help", "发挥作用", 1, 20, 0, "month"), ("role_model", "发挥作用", 1, 50, 100, "year"),
    ("role_advice", "发挥作用", 1, 10, 40, "quarter"), ("role_duty", "发挥作用", 1, 10, 0, "month"),
    ("role_award_county", "发挥作用", 1, 50, 0, "month"), ("role_award_city", "发挥作用", 1, 80, 0, "month"),
    ("role_post", "发挥作用", 1, 10, 30, "month"),
    ("rule_late", "遵规守纪", -1, 10, 50, "month"), ("rule_absent_leave", "遵规守纪", -1, 10, 0, "month"),
    ("rule_warning", "遵规守纪", -1, 50, 0, "month"), ("rule_complaint", "遵规守纪", -1, 30, 0, "month"),
    ("rule_online", "遵规守纪", -1, 20, 60, "quarter"), ("rule_discipline", "遵规守纪", -1, 100, 0, "month"),
    ("rule_report_late", "遵规守纪", -1, 10, 30, "month"),
]
BRANCH_IND = [
    ("b_congress_missing", "组织生活", -1, 50, 0, "month"), ("b_committee_missing", "组织生活", -1, 30, 0, "month"),
    ("b_lecture_missing", "组织生活", -1, 50, 0, "month"), ("b_theme_day_missing", "组织生活", -1, 20, 60, "quarter"),
    ("b_records", "组织生活", -1, 20, 100, "year"), ("b_dues", "组织生活", -1, 30, 0, "month"),
    ("b_study", "政治学习", -1, 20, 60, "quarter"), ("b_study_plan", "政治学习", -1, 30, 0, "month"),
    ("b_recruit", "发挥作用", -1, 50, 0, "month"), ("b_files", "发挥作用", -1, 10, 50, "year"),
    ("b_inspection", "遵规守纪", -1, 50, 0, "month"), ("b_report_late", "遵规守纪", -1, 20, 0, "month"),
    ("b_award_county", "发挥作用", 1, 50, 0, "month"), ("b_award_city", "发挥作用", 1, 100, 0, "month"),
    ("b_model", "发挥作用", 1, 30, 90, "year"), ("b_service", "发挥作用", 1, 10, 40, "quarter"),
]
INDEXES = """
CREATE INDEX point_entries_subject ON point_entries(target, subject_id, period_no, indicator_id, points_x10);
CREATE INDEX point_entries_scope ON point_entries(org_path, period_no);
CREATE INDEX point_entries_source ON point_entries(source, source_id);
"""


MONTH_CHAR = "0123456789abc"


def encode_cells(cells):
    """{(indicator_id, month 1-12): raw} -> the canonical text of point_rollups.cells:
    groups by indicator ascending ("<id>:<cell>,<cell>", ';' between), cells by month
    ascending (one month character 1-9 a b c, then the signed decimal), no zero cell.
    Indicator 0 holds the number of entries per month."""
    out, group = [], None
    for (ind, month), raw in sorted(cells.items()):
        if not raw:
            continue
        if ind != group:
            out.append("%s%d:" % (";" if group is not None else "", ind))
            group = ind
        else:
            out.append(",")
        out.append("%s%d" % (MONTH_CHAR[month], raw))
    return "".join(out)


def fill_rollups(db, rollups):
    """rollups: {(target, subject_id, year): {(indicator_id, month): raw}} -> point_rollups"""
    db.executemany("INSERT INTO point_rollups (target, subject_id, year, cells) VALUES (?, ?, ?, ?)",
                   ((t, sid, y, encode_cells(c)) for (t, sid, y), c in rollups.items()))


def rollups_from_entries(db):
    """point_rollups again from point_entries (--rollups)"""
    t0 = time.time()
    rollups = {}
    for target, sid, m, iid, raw, n in db.execute(
            "SELECT target, subject_id, period_no, indicator_id, sum(points_x10), count(*) FROM point_entries "
            "GROUP BY target, subject_id, period_no, indicator_id"):
        c = rollups.setdefault((target, sid, m // 12), {})
        c[(iid, m % 12 + 1)] = c.get((iid, m % 12 + 1), 0) + raw
        c[(0, m % 12 + 1)] = c.get((0, m % 12 + 1), 0) + n
    db.execute("DELETE FROM point_rollups")
    fill_rollups(db, rollups)
    db.commit()
    print("gen_points: %d rollups from the ledger in %.1f s" % (len(rollups), time.time() - t0))


def add_months(y, m, n):
    y, m = divmod(y * 12 + m - 1 + n, 12)
    return y, m + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--entries", type=int, default=5000000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--rollups", action="store_true", help="only recompute point_rollups from point_entries")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t0 = time.time()
    today = dt.date.today()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA synchronous = OFF")
    # one writer, nothing to recover: no WAL copy of 5 million rows (the server sets WAL
    # again when it opens the file), and a cache the index builds can sort in
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA cache_size = -1000000")
    if a.rollups:
        rollups_from_entries(db)
        return
    root = db.execute("SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()
    if not root:
        sys.exit("gen_points: %s has no orgs (fill it with bench/gen_life.py first)" % a.db)
    if db.execute("SELECT count(*) FROM point_entries").fetchone()[0]:
        sys.exit("gen_points: %s already has point entries" % a.db)
    if not db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'point_rollups'").fetchone()[0]:
        sys.exit("gen_points: %s has no point_rollups (made by `dangjian init` of this build)" % a.db)
    months = [add_months(today.year, today.month, k - 11) for k in range(12)]
    month_no = [y * 12 + m - 1 for y, m in months]

    cur = db.execute("INSERT INTO point_sets (org_id, version, effective_from, note, created_at) "
                     "VALUES (?, 1, ?, 'bench', ?)", (root[0], month_no[0], now))
    set_id = cur.lastrowid
    ind = {"member": [], "branch": []}
    pos = 0
    for target, rows in (("member", MEMBER_IND), ("branch", BRANCH_IND)):
        for code, cat, sign, pts, cap, capp in rows:
            pos += 1
            c = db.execute("INSERT INTO point_indicators (set_id, code, name, category, target, sign, points_x10, "
                           "cap_x10, cap_period, source, approver, position) VALUES (?,?,?,?,?,?,?,?,?,'manual',"
                           "'org_admin',?)", (set_id, code, code, cat, target, sign, pts, cap, capp, pos))
            ind[target].append((c.lastrowid, sign, pts))

    members = db.execute("SELECT id, org_id, org_path FROM members WHERE state = 'active'").fetchall()
    branches = db.execute("SELECT id, path FROM orgs WHERE kind IN ('branch', 'joint_branch') "
                          "AND dissolved_on IS NULL").fetchall()
    n_branch_entries = a.entries // 50
    n_member_entries = a.entries - n_branch_entries
    # activity per member: most near the mean, a few much busier
    weight = [rnd.choice((0.5, 0.8, 1.0, 1.0, 1.2, 1.5, 3.0)) for _ in members]
    scale = n_member_entries / sum(weight)
    # awards are common, deductions rare: pick indicators with a skew
    m_awards = [i for i in ind["member"] if i[1] > 0]
    m_deducts = [i for i in ind["member"] if i[1] < 0]
    b_awards = [i for i in ind["branch"] if i[1] > 0]
    b_deducts = [i for i in ind["branch"] if i[1] < 0]

    db.executescript("DROP INDEX point_entries_subject; DROP INDEX point_entries_scope; "
                     "DROP INDEX point_entries_source;")
    sql = ("INSERT INTO point_entries (target, subject_id, org_id, org_path, indicator_id, period_no, event_on, "
           "points_x10, source, reverses_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,NULL,?)")
    rows = []
    total = 0
    rollups = {}

    def emit(target, subject, org, path, pick_award, pick_deduct, deduct_share):
        k = rnd.randrange(12)
        y, m = months[k]
        day = rnd.randint(1, 28)
        if (y, m) == (today.year, today.month):
            day = rnd.randint(1, today.day)
        iid, sign, pts = rnd.choice(pick_deduct if rnd.random() < deduct_share else pick_award)
        n = 1 if rnd.random() < 0.9 else rnd.randint(2, 4)
        p = sign * pts * n
        src = "manual"
        if rnd.random() < 0.01:   # a reversal: the opposite points of an earlier fact
            p, src = -p, "reversal"
        rows.append((target, subject, org, path, iid, month_no[k], "%04d-%02d-%02d" % (y, m, day), p, src, now))
        c = rollups.get((target, subject, y))
        if c is None:
            c = rollups[(target, subject, y)] = {}
        c[(iid, m)] = c.get((iid, m), 0) + p
        c[(0, m)] = c.get((0, m), 0) + 1

    for (mid, org_id, path), w in zip(members, weight):
        n = int(w * scale + rnd.random())
        for _ in range(n):
            emit("member", mid, org_id, path, m_awards, m_deducts, 0.12)
        if len(rows) >= 200000:
            db.executemany(sql, rows)
            total += len(rows)
            rows.clear()
    per_branch = n_branch_entries / max(1, len(branches))
    for bid, path in branches:
        for _ in range(int(per_branch + rnd.random())):
            emit("branch", bid, bid, path, b_awards, b_deducts, 0.8)
    db.executemany(sql, rows)
    total += len(rows)
    rows.clear()
    fill_rollups(db, rollups)
    db.commit()
    db.executescript(INDEXES)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    print("gen_points: %d member and %d branch indicators, %d entries %04d-%02d..%s, %d rollups in %.1f s"
          % (len(ind["member"]), len(ind["branch"]), total, months[0][0], months[0][1], today.isoformat(),
             len(rollups), time.time() - t0))


if __name__ == "__main__":
    main()
