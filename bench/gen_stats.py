#!/usr/bin/env python3
"""Fill a fresh database with a county's member registry for bench/stats.sh (党内统计).

    python3 bench/gen_stats.py DB_PATH [--branches N] [--members N] [--towns N] [--seed S]

DB_PATH is a SQLite database made by `dangjian init` (schema migrated, no orgs yet).
Builds 1 组织部, --towns 乡镇党委 (some 党总支), --branches 支部 (a fifth with 党小组; sizes
from 2 to 150 so every size band and structure problem occurs; committees, secretaries
and term ends varied) and --members members with the attributes the tables count spread
as a county's are: 性别, 民族 (a tenth minorities), birth dates 1925–2005, every 学历 code,
入党日期 1945 to this year, 预备党员, 停止党籍, 失联, 流动. Then the year's changes: a few
hundred confirmed transfers between towns and out of the system, deaths and removals
recorded in member_history as the server records them. Rows go straight into the tables
(sealed fields are placeholders, never decrypted by the statistics); the database's
triggers keep orgs.direct_members true as on the server's write paths.
"""
import argparse
import datetime as dt
import random
import sqlite3
import sys
import time

EDUCATION = ["11", "12", "13", "1A", "1B", "21", "22", "23", "24", "2A", "2B", "2C", "2D", "41", "44", "47", "6",
             "7", "8", "9"]
EDU_W = [1, 4, 1, 1, 1, 22, 18, 1, 1, 1, 2, 1, 2, 8, 2, 2, 14, 12, 4, 2]


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
        sys.exit("gen_stats: %s already has orgs (use a database fresh from `dangjian init`)" % a.db)

    orgs = []
    seq = 0

    def org(parent, kind, name, committee_size=0, term_end=None):
        nonlocal seq
        seq += 1
        path = (parent[2] if parent else "/") + "%d/" % seq
        row = [seq, parent[0] if parent else None, path, path.count("/") - 2, kind, name, "S%06d" % seq,
               1 if kind == "committee" else 0, committee_size, "2001-07-01", term_end]
        orgs.append(row)
        return row

    root = org(None, "dept", "县委组织部")
    branches = []
    per_town = [a.branches // a.towns + (1 if i < a.branches % a.towns else 0) for i in range(a.towns)]
    for t in range(a.towns):
        town = org(root, "committee", "第%d镇党委" % (t + 1))
        made = 0
        while made < per_town[t]:
            parent, n = town, 1
            if rnd.random() < 0.1:
                parent = org(town, "general_branch", "第%d镇第%d党总支" % (t + 1, made + 1))
                n = min(rnd.randint(3, 6), per_town[t] - made)
            for _ in range(n):
                made += 1
                kind = "joint_branch" if rnd.random() < 0.05 else "branch"
                cs = rnd.choice([3, 5]) if rnd.random() < 0.6 else 0
                end = today + dt.timedelta(days=rnd.randint(-400, 1500))
                b = org(parent, kind, "第%d镇第%d支部" % (t + 1, made), committee_size=cs, term_end=end.isoformat())
                groups = []
                if rnd.random() < 0.2:
                    groups = [org(b, "group", "%s第%d党小组" % (b[5], g + 1)) for g in range(rnd.randint(2, 4))]
                branches.append((b, groups))

    db.executemany("INSERT INTO orgs (id, parent_id, path, depth, kind, name, code, can_approve, committee_size, "
                   "founded_on, term_end, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [tuple(r) + (now, now) for r in orgs])

    # sizes: most 7–40, some small, a few large
    weight = []
    for _, g in branches:
        r = rnd.random()
        weight.append(0.1 if r < 0.03 else 0.25 if r < 0.12 else 6.0 if r < 0.14 else 3.0 if g else 1.0)
    total_w = sum(weight)
    counts = [max(2, int(a.members * w / total_w)) for w in weight]
    i = 0
    while sum(counts) < a.members:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > a.members:
        if counts[i % len(counts)] > 2:
            counts[i % len(counts)] -= 1
        i += 1

    members = []
    mid = 0
    first_ids = {}
    for (b, groups), n in zip(branches, counts):
        for k in range(n):
            mid += 1
            first_ids.setdefault(b[0], mid)
            gid = groups[k % len(groups)][0] if groups else None
            birth = dt.date(1925, 1, 1) + dt.timedelta(days=rnd.randint(0, 80 * 365))
            earliest = max(birth.replace(year=birth.year + 18) if not (birth.month == 2 and birth.day == 29)
                           else dt.date(birth.year + 18, 3, 1), dt.date(1945, 1, 1))
            span = (today - earliest).days
            join = earliest + dt.timedelta(days=rnd.randint(0, max(span, 0))) if span > 0 else today
            cat = "probationary" if join > today - dt.timedelta(days=365) else "full"
            eth = "01" if rnd.random() < 0.9 else "%02d" % rnd.randint(2, 56)
            edu = rnd.choices(EDUCATION, EDU_W)[0] if rnd.random() < 0.97 else None
            members.append((mid, b[0], b[2], gid, "党员%06d" % mid, rnd.choice("1122") if rnd.random() < 0.999 else "9",
                            "enc-%d" % mid, "hash-%d" % mid, "110105********%04d" % (mid % 10000), "%04d" % (mid % 10000),
                            birth.isoformat(), eth, edu, cat, join.isoformat(),
                            "suspended" if rnd.random() < 0.002 else "normal", 1 if rnd.random() < 0.004 else 0,
                            1 if rnd.random() < 0.03 else 0, now, now))
    db.executemany("INSERT INTO members (id, org_id, org_path, group_id, name, gender, id_enc, id_hash, id_mask, "
                   "id_tail, birth_date, ethnicity, education, category, join_date, party_status, lost_contact, "
                   "floating, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", members)
    db.executemany("UPDATE orgs SET secretary_member_id = ? WHERE id = ?",
                   [(m, o) for o, m in first_ids.items() if rnd.random() < 0.97])

    # the year's changes: transfers between branches and out of the system, deaths, removals
    year0 = dt.date(today.year, 1, 1)
    by_id = {b[0]: b for b, _ in branches}
    bids = list(by_id)
    transfers, history = [], []
    picked = rnd.sample(range(1, mid + 1), 1200)
    serial = 0
    for k, m in enumerate(picked):
        on = year0 + dt.timedelta(days=rnd.randint(0, max((today - year0).days, 0)))
        row = members[m - 1]
        if k < 600:
            to = by_id[rnd.choice(bids)]
            if to[0] == row[1]:
                continue
            serial += 1
            transfers.append(("ZZ%d-%06d" % (today.year, serial), m, row[1], to[0], None, "internal", "工作调动",
                              on.isoformat(), (on + dt.timedelta(days=30)).isoformat(), "%04d-%02d" % (on.year, on.month),
                              "confirmed", on.isoformat(), now))
            db.execute("UPDATE members SET org_id = ?, org_path = ? WHERE id = ?", (to[0], to[2], m))
        elif k < 800:
            serial += 1
            transfers.append(("ZZ%d-%06d" % (today.year, serial), m, row[1], None, "外县某党支部", "external", "迁出本县",
                              on.isoformat(), (on + dt.timedelta(days=30)).isoformat(), "%04d-%02d" % (on.year, on.month),
                              "sent", None, now))
            db.execute("UPDATE members SET state = 'transferred_out' WHERE id = ?", (m,))
        else:
            state = "deceased" if k < 1100 else "removed"
            db.execute("UPDATE members SET state = ? WHERE id = ?", (state, m))
            history.append((m, on.isoformat() + "T04:00:00Z", "state", "active", state))
    db.executemany("INSERT INTO transfers (serial, member_id, from_org_id, to_org_id, to_org_name, kind, reason, "
                   "issued_on, valid_until, dues_paid_to, status, decided_on, created_at) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", transfers)
    db.executemany("INSERT INTO member_history (member_id, at, field, old_value, new_value) VALUES (?,?,?,?,?)",
                   history)
    db.commit()
    db.close()
    print("%d orgs, %d branches, %d members, %d transfers, %d deaths/removals in %.1f s"
          % (len(orgs), len(branches), mid, len(transfers), len(history), time.time() - t0))


if __name__ == "__main__":
    main()
