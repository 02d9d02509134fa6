#!/usr/bin/env python3
"""Times the straightforward SQL of each province report (bench/province/*.sql) over the
same database the server reads: for each file a warm-up run, then RUNS runs, each the
whole file (every statement, rows fetched); prints "NAME MEDIAN_MS ROWS" a line (ROWS:
the rows the statements returned in the last run; '-' on PostgreSQL).

  sqltime.py DB ROOT_ID ROOT_PATH YEAR MONTH RUNS FILE...

Environment: SQLTIME_WARMUP=0 leaves the warm-up run out (a 10M province's queries take
minutes each).

DB: a SQLite file (read through python's sqlite3) or a postgres:// URL (through psql,
each run one psql session, timed by its \\timing lines, so session start is left out).
Parameters substituted as literals (the :name words of the files): lo hi (the subtree's
path range), root, today, ref (today, or 31 December of a past year), y_from y_to nxt,
m_to (the month's last day), p_lo p_hi (period numbers of the year), cap_pct (the root's
top_band_cap_pct, default 10), cur_month, a31 … a71
(birth dates of the age bands at ref), cal (the VALUES list of months from the first
dues base month to the month before cur_month).
A file may include a shared fragment: {{NAME}} or {{NAME ARG}} is replaced by NAME.sqlpart
of the same directory, with @TARGET@ in it replaced by ARG (e.g. {{capped_sums member}})."""
import calendar, datetime as dt, os, re, sqlite3, statistics, subprocess, sys, tempfile, time

db, root, path, year, month, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
files = sys.argv[7:]
warm = 0 if os.environ.get("SQLTIME_WARMUP") == "0" else 1
pg = db.startswith("postgres://") or db.startswith("postgresql://")


def scalar(q):
    if pg:
        return subprocess.run(["psql", "-X", "-qAt", "-d", db, "-c", q], check=True, capture_output=True,
                              text=True).stdout.strip() or None
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    v = con.execute(q).fetchone()
    con.close()
    return v[0] if v else None


today = dt.date.today()
ref = today.isoformat() if year == today.year else "%04d-12-31" % year
cur = "%04d-%02d" % (today.year, today.month)
first = scalar("SELECT min(from_month) FROM dues_bases") or cur
cap = scalar("SELECT top_band_cap_pct FROM point_settings WHERE org_id = %d" % root)
cal, y, m = [], int(first[:4]), int(first[5:7])
while "%04d-%02d" % (y, m) < cur:
    cal.append("('%04d-%02d')" % (y, m))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
P = {
    "lo": path, "hi": path[:-1] + chr(ord(path[-1]) + 1), "root": root, "today": today.isoformat(), "ref": ref,
    "y_from": "%04d-01-01" % year, "y_to": "%04d-12-31" % year, "nxt": "%04d-01-01" % (year + 1),
    "m_to": "%04d-%02d-%02d" % (year, month, calendar.monthrange(year, month)[1]),
    "p_lo": year * 12, "p_hi": year * 12 + 11, "cur_month": cur,
    "cal": ", ".join(cal or ["('0000-00')"]), "cap_pct": int(cap) if cap is not None else 10,
}
for k in (31, 36, 41, 46, 51, 56, 61, 71):
    P["a%d" % k] = "%04d-%s" % (int(ref[:4]) - k, ref[5:])


def literal(mo):
    v = P[mo.group(1)]
    if mo.group(1) == "cal" or isinstance(v, int):
        return str(v)
    return "'" + v.replace("'", "''") + "'"


def uncommented(fn):
    return "\n".join(l for l in open(fn, encoding="utf-8").read().splitlines() if not l.lstrip().startswith("--"))


def include(mo, here):
    part = uncommented(os.path.join(here, mo.group(1) + ".sqlpart"))
    return part.replace("@TARGET@", mo.group(2)) if mo.group(2) else part


def statements(fn):
    here = os.path.dirname(fn)
    text = re.sub(r"\{\{([a-z_]+)(?: ([a-z_]+))?\}\}", lambda mo: include(mo, here), uncommented(fn))
    text = re.sub(r"(?<![:\w]):([a-z][a-z0-9_]*)\b", literal, text)
    return [s.strip() for s in text.split(";") if s.strip()]


for fn in files:
    name = os.path.basename(fn)[:-4]
    stmts = statements(fn)
    t, rows = [], 0
    if pg:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("\\o /dev/null\n\\timing on\n" + "".join(s + ";\n" for s in stmts))
        for _ in range(runs + warm):
            out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", f.name],
                                 check=True, capture_output=True, text=True).stdout
            t.append(sum(float(x) for x in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)))
        os.unlink(f.name)
        rows = "-"
    else:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        for _ in range(runs + warm):
            t0, rows = time.perf_counter(), 0
            for s in stmts:
                rows += len(con.execute(s).fetchall())
            t.append((time.perf_counter() - t0) * 1000)
        con.close()
    print("%s %.1f %s" % (name, statistics.median(t[warm:]), rows), flush=True)
