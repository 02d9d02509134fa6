#!/usr/bin/env python3
"""Fill a fresh database with a county's members and a year of 党费 for bench/dues.sh.

    python3 bench/gen_dues.py DB_PATH [--members N] [--branches N] [--towns N] [--seed S]

DB_PATH is a SQLite database made by `dangjian init` (schema migrated, no orgs yet).
Builds 1 组织部, --towns 乡镇党委, --branches 支部 and --members members (rows straight
into the tables, as bench/gen_life.py does, without meetings), then the dues of
migration 027: every member a base fitting a kind (在职 and 离退休 with a base of their
own at the 2008 rates, 农民 and 学生 the fixed amounts) from 2020 or their joining, a
fifth a raise from this January; the 12 months up to last month paid — half monthly,
the rest quarterly, a few stopped seven months ago, a few a month behind, a third
already paid this month — with a dues_payments row per payment and a dues_months row per
month; a few approved reductions to 0 with their exempted months; some voluntary
one-off payments. members.dues_paid_to is set from the months, as the write paths keep
it. Python standard library only.
"""
import argparse
import datetime as dt
import random
import sqlite3
import sys
import time


def ym(y, m):
    return y * 12 + m - 1


def ym_s(k):
    return "%04d-%02d" % (k // 12, k % 12 + 1)


def monthly(kind, base):
    if kind == "farmer":
        return 100
    if kind == "minimal":
        return 20
    if kind == "employed":
        pm = 5 if base <= 300000 else 10 if base <= 500000 else 15 if base <= 1000000 else 20
    else:
        pm = 5 if base <= 500000 else 10
    return (base * pm + 500) // 1000


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
    cur = ym(today.year, today.month)
    jan = ym(today.year, 1)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA synchronous = OFF")
    if db.execute("SELECT count(*) FROM orgs").fetchone()[0]:
        sys.exit("gen_dues: %s already has orgs (use a database fresh from `dangjian init`)" % a.db)

    # ---- orgs: dept / towns / branches
    orgs, branches = [], []
    seq = 0

    def org(parent, kind, name, can_approve=0):
        nonlocal seq
        seq += 1
        path = (parent[2] if parent else "/") + "%d/" % seq
        row = (seq, parent[0] if parent else None, path, path.count("/") - 2, kind, name, "C%06d" % seq, can_approve,
               0, "2001-07-01")
        orgs.append(row)
        return row

    root = org(None, "dept", "县委组织部")
    per_town = [a.branches // a.towns + (1 if i < a.branches % a.towns else 0) for i in range(a.towns)]
    for t in range(a.towns):
        town = org(root, "committee", "第%d镇党委" % (t + 1), can_approve=1)
        for b in range(per_town[t]):
            branches.append(org(town, "branch", "第%d镇第%d支部" % (t + 1, b + 1)))
    db.executemany("INSERT INTO orgs (id, parent_id, path, depth, kind, name, code, can_approve, committee_size, "
                   "founded_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [r + (now, now) for r in orgs])

    # ---- members, spread evenly
    members, people = [], []
    for mid in range(1, a.members + 1):
        b = branches[(mid - 1) * len(branches) // a.members]
        join = dt.date(rnd.randint(1975, 2023), rnd.randint(1, 12), rnd.randint(1, 28))
        kind = rnd.choices(["employed", "retired", "farmer", "minimal"], [45, 25, 25, 5])[0]
        members.append((mid, b[0], b[2], "党员%06d" % mid, rnd.choice("12"), "enc-%d" % mid, "hash-%d" % mid,
                        "110105********%04d" % (mid % 10000), "%04d" % (mid % 10000), "1970-01-01", "01", "full",
                        join.isoformat(), join.isoformat()[:7], now, now))
        people.append((mid, b, ym(join.year, join.month), kind))
    db.executemany("INSERT INTO members (id, org_id, org_path, name, gender, id_enc, id_hash, id_mask, id_tail, "
                   "birth_date, ethnicity, category, join_date, dues_from, created_at, updated_at) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", members)
    del members

    # ---- bases, payments, months
    bases, pays, months, reds, paid_to = [], [], [], [], []
    pid = 0
    methods = ["cash", "wechat", "alipay", "bank", "payroll"]
    for mid, b, start, kind in people:
        base = rnd.randint(150000, 1500000) if kind == "employed" else rnd.randint(200000, 800000) if kind == "retired" else 0
        first = max(start, ym(2020, 1))
        plan = [(first, base, monthly(kind, base))]
        bases.append((mid, ym_s(first), kind, base, plan[0][2]))
        if kind in ("employed", "retired") and rnd.random() < 0.2 and first < jan:
            base2 = base + rnd.randint(10000, 100000)
            plan.append((jan, base2, monthly(kind, base2)))
            bases.append((mid, ym_s(jan), kind, base2, plan[1][2]))

        def due(k):
            return [p for p in plan if p[0] <= k][-1][2]

        r = rnd.random()
        last_paid = None
        if r < 0.005:               # 困难党员: exempted this year, approved
            reds.append((mid, b[0], ym_s(jan), ym_s(jan + 11), 0))
            for k in range(jan, cur):
                months.append((mid, ym_s(k), b[2], 0, 0, None))
                last_paid = k
            paid_to.append((ym_s(last_paid) if last_paid is not None else None, mid))
            continue
        stop = cur - 7 if r < 0.02 else cur - 1 if r < 0.06 else cur
        if rnd.random() < 0.33 and stop == cur:
            stop = cur + 1          # this month paid already
        quarterly = rnd.random() < 0.5
        k = max(cur - 12, first)
        while k < stop:
            n = min(3 if quarterly else 1, stop - k)
            pid += 1
            amount = sum(due(x) for x in range(k, k + n))
            paid_on = "%s-%02d" % (ym_s(k), rnd.randint(1, 28))
            pays.append((pid, mid, b[0], b[2], "regular", ym_s(k), ym_s(k + n - 1), amount, paid_on,
                         rnd.choice(methods), "R%07d" % pid, now))
            for x in range(k, k + n):
                months.append((mid, ym_s(x), b[2], due(x), due(x), pid))
            last_paid = k + n - 1
            k += n
        paid_to.append((ym_s(last_paid) if last_paid is not None else None, mid))
    for _ in range(a.members // 1000):
        mid, b, _, _ = rnd.choice(people)
        pid += 1
        pays.append((pid, mid, b[0], b[2], "one_off", None, None, rnd.randint(100000, 500000),
                     "%s-%02d" % (ym_s(rnd.randint(jan, cur)), rnd.randint(1, 28)), "bank", None, now))
    db.executemany("INSERT INTO dues_bases (member_id, from_month, kind, base_fen, monthly_fen, created_at) "
                   "VALUES (?,?,?,?,?,'%s')" % now, bases)
    db.executemany("INSERT INTO dues_reductions (member_id, org_id, from_month, to_month, monthly_fen, reason, "
                   "branch_studied_on, status, created_at) VALUES (?,?,?,?,?,'家庭困难','%s','approved','%s')"
                   % (today.isoformat(), now), reds)
    db.executemany("INSERT INTO dues_payments (id, member_id, org_id, org_path, kind, first_month, last_month, "
                   "amount_fen, paid_on, method, receipt_no, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", pays)
    db.executemany("INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id) "
                   "VALUES (?,?,?,?,?,?)", months)
    db.executemany("UPDATE members SET dues_paid_to = ? WHERE id = ?", paid_to)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    print("gen_dues: %d orgs (%d branches), %d members, %d bases, %d payments, %d paid months, %d reductions in %.1f s"
          % (len(orgs), len(branches), a.members, len(bases), len(pays), len(months), len(reds), time.time() - t0))


if __name__ == "__main__":
    main()
