#!/usr/bin/env python3
"""Fill a fresh database with a county's organizational life (组织生活) for bench/life.sh.

    python3 bench/gen_life.py DB_PATH [--branches N] [--members N] [--towns N] [--seed S]

DB_PATH is a SQLite database made by `dangjian init` (schema migrated, no orgs yet).
Builds 1 组织部 (dept), --towns 乡镇党委 (committees, some with 党总支), --branches
支部 (a fifth with 党小组, about half with an elected 支委会), --members members, and the
12 months up to today of meetings with attendance: 党员大会 quarterly, 支委会 monthly
where there is a committee, 党小组会 monthly per group, 党课 quarterly, 主题党日 monthly,
组织生活会 and 民主评议 once, 集中学习 and 谈心谈话 now and then. Most branches keep every
rule; about one in six drops meetings at random, so compliance has reds and ambers,
and a few members never attend, so the at-risk list is not empty.

Rows go straight into the tables. Members carry placeholder sealed fields (id_enc,
id_hash, id_mask are unique strings, never decrypted by the reports). The database's
own triggers keep every aggregate true as the rows go in (orgs.direct_members of 003,
meeting_counts of 012), exactly as on the server's write paths. The per-member figures
of 014 (member_life_months, member_life) would take a minute more through their
triggers on 2.3M attendance rows, so their tables and triggers are dropped before the
attendance goes in and made again after by running 014 itself: its backfill fills them
from the rows, and its triggers are back for whatever writes next.
"""
import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import time

# kind -> (start, end, hours_x10)
TIMES = {"party_congress": ("09:00", "11:00", 20), "committee": ("14:00", "15:00", 10),
         "group": ("19:00", "20:00", 10), "lecture": ("09:00", "11:30", 25), "theme_day": ("09:00", "11:00", 20),
         "life_meeting": ("09:00", "12:00", 30), "appraisal": ("14:00", "17:00", 30), "talk": ("16:00", "16:30", 5),
         "study": ("09:00", "12:00", 30)}


def add_months(y, m, n):
    y, m = divmod(y * 12 + m - 1 + n, 12)
    return y, m + 1


def days_in(y, m):
    return (dt.date(*add_months(y, m, 1), 1) - dt.timedelta(days=1)).day


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--towns", type=int, default=20)
    ap.add_argument("--branches", type=int, default=3400)
    ap.add_argument("--members", type=int, default=74000)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t0 = time.time()
    today = dt.date.today()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA synchronous = OFF")
    if db.execute("SELECT count(*) FROM orgs").fetchone()[0]:
        sys.exit("gen_life: %s already has orgs (use a database fresh from `dangjian init`)" % a.db)

    # ---- orgs: dept / town committees / (general branches) / branches / groups
    orgs = []             # (id, parent_id, path, depth, kind, name, code, can_approve, committee_size, founded_on)
    seq = 0

    def org(parent, kind, name, can_approve=0, committee_size=0):
        nonlocal seq
        seq += 1
        path = (parent[2] if parent else "/") + "%d/" % seq
        row = (seq, parent[0] if parent else None, path, path.count("/") - 2, kind, name, "C%06d" % seq,
               can_approve, committee_size, "2001-07-01")
        orgs.append(row)
        return row

    root = org(None, "dept", "县委组织部")
    branches = []         # [org row, groups list]
    per_town = [a.branches // a.towns + (1 if i < a.branches % a.towns else 0) for i in range(a.towns)]
    for t in range(a.towns):
        town = org(root, "committee", "第%d镇党委" % (t + 1), can_approve=1)
        made = 0
        while made < per_town[t]:
            parent = town
            n = 1
            if rnd.random() < 0.1:   # a 党总支 with a handful of branches
                parent = org(town, "general_branch", "第%d镇第%d党总支" % (t + 1, made + 1))
                n = min(rnd.randint(3, 6), per_town[t] - made)
            for _ in range(n):
                made += 1
                kind = "joint_branch" if rnd.random() < 0.05 else "branch"
                cs = rnd.choice([3, 5]) if rnd.random() < 0.5 else 0
                b = org(parent, kind, "第%d镇第%d支部" % (t + 1, made), committee_size=cs)
                groups = []
                if rnd.random() < 0.2:
                    groups = [org(b, "group", "%s第%d党小组" % (b[5], g + 1)) for g in range(rnd.randint(2, 4))]
                branches.append((b, groups))
    db.executemany("INSERT INTO orgs (id, parent_id, path, depth, kind, name, code, can_approve, committee_size, "
                   "founded_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [r + (now, now) for r in orgs])

    # ---- members: branches with 党小组 are the bigger ones
    weight = [3.0 if g else 1.0 for _, g in branches]
    total_w = sum(weight)
    counts = [max(3, int(a.members * w / total_w)) for w in weight]
    i = 0
    while sum(counts) < a.members:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > a.members:
        if counts[i % len(counts)] > 3:
            counts[i % len(counts)] -= 1
        i += 1
    members = []
    roster = []           # per branch: [(member_id, group_id, join_date)]
    mid = 0
    start_y, start_m = add_months(today.year, today.month, -11)
    for (b, groups), n in zip(branches, counts):
        rows = []
        for k in range(n):
            mid += 1
            gid = groups[k % len(groups)][0] if groups else None
            # a few joined inside the window: a newcomer is never at risk
            join = dt.date(start_y, start_m, 1) + dt.timedelta(days=rnd.randint(0, 300)) if rnd.random() < 0.02 \
                else dt.date(rnd.randint(1975, 2023), rnd.randint(1, 12), rnd.randint(1, 28))
            cat = "probationary" if join > today - dt.timedelta(days=365) else "full"
            members.append((mid, b[0], b[2], gid, "党员%06d" % mid, rnd.choice("12"), "enc-%d" % mid, "hash-%d" % mid,
                            "110105********%04d" % (mid % 10000), "%04d" % (mid % 10000), "1970-01-01", "01", cat,
                            join.isoformat(), now, now))
            rows.append((mid, gid, join.isoformat()))
        roster.append(rows)
    db.executemany("INSERT INTO members (id, org_id, org_path, group_id, name, gender, id_enc, id_hash, id_mask, "
                   "id_tail, birth_date, ethnicity, category, join_date, created_at, updated_at) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", members)
    del members

    # ---- meetings of the 12 months up to today, with attendance
    db.executescript(LIFE_DROP)
    months = [add_months(start_y, start_m, k) for k in range(12)]
    meetings, attendance = [], []
    meet_id = 0
    never = set(rnd.sample(range(1, mid + 1), mid // 200))    # 0.5%: never take part

    def held_on(y, m, lo=1, hi=28):
        d = dt.date(y, m, rnd.randint(lo, min(hi, days_in(y, m))))
        return d if d <= today else None

    def meeting(o, kind, day, people):
        nonlocal meet_id
        if day is None:
            return
        meet_id += 1
        st, en, h = TIMES[kind]
        meetings.append((meet_id, o[0], o[2], kind, day.isoformat(), st, en, h, now, now))
        for m, _, joined in people:
            if joined > day.isoformat():
                continue
            r = rnd.random()
            if m in never or r < 0.03:
                attendance.append((meet_id, m, "absent", None))
            elif r < 0.05:
                attendance.append((meet_id, m, "leave", None))
            elif r < 0.12:
                attendance.append((meet_id, m, "leave", "因公出差"))
            else:
                attendance.append((meet_id, m, "present", None))

    for (b, groups), people in zip(branches, roster):
        lax = rnd.random() < 0.17    # this branch misses meetings
        keep = (lambda: rnd.random() > 0.2) if lax else (lambda: True)
        committee = people[:b[8]]
        for i, (y, m) in enumerate(months):
            if keep():
                meeting(b, "theme_day", held_on(y, m), people)
            if b[8] and keep():
                meeting(b, "committee", held_on(y, m), committee)
            for g in groups:
                if keep():
                    meeting(g, "group", held_on(y, m), [p for p in people if p[1] == g[0]])
            if m % 3 == 0:           # quarter's last month
                if keep():
                    meeting(b, "party_congress", held_on(y, m), people)
                if keep():
                    meeting(b, "lecture", held_on(y, m), people)
            if m % 3 == 2:
                meeting(b, "study", held_on(y, m), people)
            if rnd.random() < 0.05:
                meeting(b, "talk", held_on(y, m), people[:2])
            if m == 1 and keep():
                meeting(b, "life_meeting", held_on(y, m, 5, 25), people)
                if keep():
                    meeting(b, "appraisal", held_on(y, m, 5, 25), people)
        if len(attendance) > 200000:
            flush(db, meetings, attendance)
    flush(db, meetings, attendance)
    db.commit()
    db.executescript(open(LIFE_SQL, encoding="utf-8").read())
    # the later migrations' indexes on the tables 014 made (dropped with them above)
    for path in LIFE_LATER:
        db.executescript(open(path, encoding="utf-8").read())
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    n_att = db.execute("SELECT count(*) FROM meeting_attendance").fetchone()[0]
    print("gen_life: %d orgs (%d branches, %d groups), %d members, %d meetings %s..%s, %d attendance rows in %.1f s"
          % (len(orgs), len(branches), sum(len(g) for _, g in branches), mid, meet_id,
             "%04d-%02d" % months[0], today.isoformat(), n_att, time.time() - t0))


LIFE_SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "store", "sql",
                        "014_member_life_months.sqlite.sql")
LIFE_LATER = [os.path.join(os.path.dirname(LIFE_SQL), "016_member_life_talks.sql")]
LIFE_DROP = """
DROP TRIGGER member_life_months_insert;
DROP TRIGGER member_life_months_delete;
DROP TRIGGER member_life_months_update;
DROP TRIGGER member_life_months_meeting;
DROP TRIGGER member_life_ok_insert;
DROP TRIGGER member_life_ok_update;
DROP TABLE member_life_months;
DROP TABLE member_life;
"""


def flush(db, meetings, attendance):
    db.executemany("INSERT INTO meetings (id, org_id, org_path, kind, held_on, start_time, end_time, hours_x10, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", meetings)
    db.executemany("INSERT INTO meeting_attendance (meeting_id, member_id, status, reason) VALUES (?,?,?,?)",
                   attendance)
    meetings.clear()
    attendance.clear()


if __name__ == "__main__":
    main()
