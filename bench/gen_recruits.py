#!/usr/bin/env python3
"""Fill a demo database with a county's recruitment records (发展党员) for bench/recruit.sh.

    python3 bench/gen_recruits.py DB_PATH [--activists N] [--targets N] [--probationers N]
                                         [--applicants N] [--eliminated N] [--archived N] [--seed S]

DB_PATH is a SQLite database made by `dangjian demo` (schema migrated, org tree present).
Defaults are the county of the issue: 14,200 积极分子, 2,012 发展对象 and 5,031 预备党员,
plus applicants, eliminated and archived records so statistics have every status.
Records are spread over the demo's branches; each carries its step history in
recruit_steps (statutory steps plus 考察 rows every 5-7 months, so some are overdue),
dated relative to today. Rows go straight into the tables (no sealing of the fake ID
numbers): reports never read them.
"""
import argparse
import datetime as dt
import json
import random
import sqlite3
import sys

REASONS = ["考察不合格", "本人放弃", "量化考评低于60分", "政治审查未通过", "外出务工失去联系", "违反计划生育政策"]
# a rule-set snapshot of realistic width: every row carries one (recruits.rules)
RULES = json.dumps({"activist_wait_months": 0, "talk_days": 30, "publicity_workdays": 5, "scores_enabled": 1,
                    "score_eligible": 80, "score_continue": 60, "approval_months": 3, "approval_max_months": 6,
                    "source": "config defaults", "top_org": "QH"}, ensure_ascii=False)


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--activists", type=int, default=14200)
    ap.add_argument("--targets", type=int, default=2012)
    ap.add_argument("--probationers", type=int, default=5031)
    ap.add_argument("--applicants", type=int, default=1500)
    ap.add_argument("--eliminated", type=int, default=800)
    ap.add_argument("--archived", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    today = dt.date.today()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    db = sqlite3.connect(a.db)
    branches = db.execute("SELECT id, path FROM orgs WHERE kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL").fetchall()
    if not branches:
        sys.exit("gen_recruits: no branches in %s (run `dangjian demo` first)" % a.db)
    # the approving 党委 of a branch: its nearest committee with authority
    committees = dict(db.execute("SELECT path, id FROM orgs WHERE kind = 'committee' AND can_approve = 1").fetchall())

    def committee_of(path):
        parts = path.strip("/").split("/")
        for i in range(len(parts) - 1, 0, -1):
            p = "/" + "/".join(parts[:i]) + "/"
            if p in committees:
                return committees[p]
        return None

    seq = db.execute("SELECT COALESCE(max(id), 0) FROM recruits").fetchone()[0]
    recruits, steps = [], []

    def day(d):
        return d.isoformat() if d else None

    def record(stage, status, last_step, dates, hist):
        nonlocal seq
        seq += 1
        org_id, path = rnd.choice(branches)
        recruits.append((seq, org_id, path, "发展对象%06d" % seq, rnd.choice("12"), "enc-%d" % seq, "hash-%d-%d" % (a.seed, seq),
                         "110105********%04d" % (seq % 10000), "1995-05-05", "01", stage, last_step, status,
                         day(dates.get("applied")), day(dates.get("talked")), day(dates.get("activist")),
                         day(dates.get("target")), day(dates.get("meeting")), day(dates.get("approved")),
                         day(dates.get("pend")), dates.get("extended", 0), day(dates.get("full")),
                         # recruits.last_inspection_on (007): the latest 考察 (step 6), as recruit_steps.c keeps it
                         day(max((on for s, on, _ in hist if s == 6), default=None)), RULES, now, now))
        comm = committee_of(path) or org_id
        for step, on, data in hist:
            level = "committee" if step in (4, 8, 13, 16, 17, 24, 91) else "branch"
            steps.append((seq, step, on.isoformat(), comm if level == "committee" else org_id, level,
                          json.dumps(data, ensure_ascii=False) if data else None, "bench", now))

    def inspections(step, start, end):
        """考察 rows every 5-7 months from start; about one record in twelve lapses."""
        out, d = [], start
        while True:
            d = d + dt.timedelta(days=rnd.randint(150, 215 if rnd.random() < 0.08 else 182))
            if d > end:
                return out
            out.append((step, d, {"content": "思想汇报与考察"}))

    def early(applied, activist):
        talked = applied + dt.timedelta(days=rnd.randint(5, 28))
        return talked, [(1, applied, None), (2, talked, None), (3, activist, {"method": "推荐"}),
                        (4, activist + dt.timedelta(days=7), None), (5, activist + dt.timedelta(days=10), None)]

    def developed(stage_target):
        target = stage_target
        return [(7, target, {"committee_agreed": True}), (8, target + dt.timedelta(days=5), None),
                (9, target + dt.timedelta(days=10), None), (10, target + dt.timedelta(days=40), {"result": "passed"}),
                (11, target + dt.timedelta(days=60), {"days": 3, "hours": 24})]

    for _ in range(a.applicants):
        applied = today - dt.timedelta(days=rnd.randint(0, 120))
        if rnd.random() < 0.5:
            record(1, "active", 1, {"applied": applied}, [(1, applied, None)])
        else:
            talked = applied + dt.timedelta(days=rnd.randint(5, 28))
            talked = min(talked, today)
            record(1, "active", 2, {"applied": applied, "talked": talked}, [(1, applied, None), (2, talked, None)])
    for _ in range(a.activists):
        activist = today - dt.timedelta(days=rnd.randint(10, 900))
        applied = activist - dt.timedelta(days=rnd.randint(60, 400))
        talked, hist = early(applied, activist)
        hist += inspections(6, activist, today)
        record(2, "active", 6 if any(s == 6 for s, _, _ in hist) else 5,
               {"applied": applied, "talked": talked, "activist": activist}, hist)
    for _ in range(a.targets):
        target = today - dt.timedelta(days=rnd.randint(10, 300))
        activist = target - dt.timedelta(days=rnd.randint(366, 500))
        applied = activist - dt.timedelta(days=rnd.randint(60, 400))
        talked, hist = early(applied, activist)
        hist += inspections(6, activist, today) + [h for h in developed(target) if h[1] <= today]
        record(3, "active", max(s for s, _, _ in hist if s <= 25),
               {"applied": applied, "talked": talked, "activist": activist, "target": target}, hist)
    for _ in range(a.probationers):
        meeting = today - dt.timedelta(days=rnd.randint(20, 420))
        approved = meeting + dt.timedelta(days=rnd.randint(10, 80))
        target = meeting - dt.timedelta(days=rnd.randint(90, 200))
        activist = target - dt.timedelta(days=rnd.randint(366, 500))
        applied = activist - dt.timedelta(days=rnd.randint(60, 400))
        talked, hist = early(applied, activist)
        hist += inspections(6, activist, target) + developed(target)
        hist += [(12, meeting - dt.timedelta(days=30), {"committee_agreed": True}),
                 (13, meeting - dt.timedelta(days=15), {"publicity_start": day(meeting - dt.timedelta(days=29)),
                                                        "publicity_end": day(meeting - dt.timedelta(days=20))}),
                 (14, meeting - dt.timedelta(days=5), None), (15, meeting, {"present_voting": 20, "in_favour": 19})]
        dates = {"applied": applied, "talked": talked, "activist": activist, "target": target, "meeting": meeting,
                 "pend": add_months(meeting, 12)}
        if approved <= today:
            dates["approved"] = approved
            hist += [(16, approved - dt.timedelta(days=3), None), (17, approved, None),
                     (18, approved + dt.timedelta(days=7), None), (19, approved + dt.timedelta(days=10), None),
                     (20, approved + dt.timedelta(days=14), None)]
            hist += inspections(21, approved, today)
        hist = [h for h in hist if h[1] <= today]
        if rnd.random() < 0.02:
            dates["extended"] = 6
            dates["pend"] = add_months(dates["pend"], 6)
            hist.append((96, min(today, dates["pend"] - dt.timedelta(days=200)), {"months": 6, "reason": "考察期表现不足"}))
        record(4, "active", max(s for s, _, _ in hist if s <= 25), dates, hist)
    for _ in range(a.eliminated):
        activist = today - dt.timedelta(days=rnd.randint(200, 1200))
        applied = activist - dt.timedelta(days=rnd.randint(60, 400))
        talked, hist = early(applied, activist)
        out = activist + dt.timedelta(days=rnd.randint(100, 190))
        hist += [(95, min(out, today), {"reason": rnd.choice(REASONS)})]
        record(2, "not_developed", 95, {"applied": applied, "talked": talked, "activist": activist}, hist)
    for _ in range(a.archived):
        meeting = today - dt.timedelta(days=rnd.randint(420, 3000))
        target = meeting - dt.timedelta(days=rnd.randint(90, 200))
        activist = target - dt.timedelta(days=rnd.randint(366, 500))
        applied = activist - dt.timedelta(days=rnd.randint(60, 400))
        approved = meeting + dt.timedelta(days=rnd.randint(10, 80))
        full = add_months(meeting, 12)
        talked, hist = early(applied, activist)
        hist += developed(target) + [(15, meeting, None), (17, approved, None), (24, full + dt.timedelta(days=20), None),
                                     (25, full + dt.timedelta(days=30), None)]
        record(5, "archived", 25, {"applied": applied, "talked": talked, "activist": activist, "target": target,
                                   "meeting": meeting, "approved": approved, "pend": full, "full": full}, hist)

    with db:
        db.executemany("INSERT INTO recruits (id, org_id, org_path, name, gender, id_enc, id_hash, id_mask, birth_date, "
                       "ethnicity, stage, last_step, status, applied_on, talked_on, activist_on, target_on, "
                       "branch_meeting_on, approved_on, probation_end, extended_months, full_on, last_inspection_on, rules, "
                       "created_at, updated_at) VALUES (" + ", ".join("?" * 26) + ")", recruits)
        db.executemany("INSERT INTO recruit_steps (recruit_id, step, done_on, org_id, level, data, signer, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", steps)
    db.close()
    print("gen_recruits: %d records, %d steps (%d activists, %d targets, %d probationers, %d applicants, "
          "%d eliminated, %d archived) over %d branches"
          % (len(recruits), len(steps), a.activists, a.targets, a.probationers, a.applicants, a.eliminated,
             a.archived, len(branches)))


if __name__ == "__main__":
    main()
