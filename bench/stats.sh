#!/usr/bin/env bash
# 党内统计 over a whole county: a database made by `dangjian init` and filled by
# bench/gen_stats.py (3,400 branches, 74,000 members with the year's transfers, deaths
# and removals), served, and GET /api/v1/stats (every table: 性别, 民族, 年龄, 学历, 入党时间,
# 类别, 党籍状态, 年内变动, 党组织类别, 支部规模, 支部建设问题) for the county and for one town
# timed with curl, 20 requests each after one warm-up, median and max. Target: county
# <= 100 ms. In the same run the straightforward SQL — one GROUP BY per table over the
# same store, as SQL would compute the tables without the one-pass fold (the reference
# tests/unit/test_stats.c compares against) — is timed through python's sqlite3 (median
# of 5 after a warm-up) and the ratio printed.
#   bash bench/stats.sh BUILD_DIR
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init stats "${1:-build}"
N=20

bench_init_db "$TMP/dj.db" "$TMP/dj.key"
python3 "$ROOT/bench/gen_stats.py" "$TMP/dj.db" | sed 's/^/stats: /'

bench_serve "$TMP/dj.db" "$TMP/dj.key" 100
bench_login
read -r ORG OPATH TOWN TPATH < <(bench_root_town "$TMP/dj.db")
YEAR=$(date +%Y)

# name target_ms url [sql_median_ms]
report() {
	local name=$1 target=$2 url=$3 sql=${4:-} size
	size=$(bench_size "$url")
	bench_timed "$url" "$N" | python3 -c '
import statistics, sys
name, target, size, sql = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
med = statistics.median(t)
verdict = ("ok" if med <= target else "OVER") if target > 0 else "(no target)"
line = f"stats: {name:<14} median {med:7.2f} ms  max {t[-1]:7.2f} ms  ({len(t)} requests, {size} bytes)"
if target > 0:
    line += f"  target <= {target:.0f} ms: {verdict}"
if sql:
    line += f"\nstats: {name:<14} straightforward SQL (one GROUP BY per table, query only, no JSON) {float(sql):7.2f} ms: ratio SQL / HTTP = {float(sql) / med:.1f}x"
print(line)
' "$name" "$target" "$size" "$sql"
}

# The straightforward tables: one GROUP BY (or count) per table over the subtree, the
# same SQL as the reference in tests/unit/test_stats.c. Median of 5 after a warm-up, ms.
sql_ms() {
	python3 - "$TMP/dj.db" "$1" "$YEAR" <<'PY'
import datetime as dt, sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
lo, year = sys.argv[2], int(sys.argv[3])
hi = lo[:-1] + chr(ord(lo[-1]) + 1)
today = dt.date.today()
ref = today.isoformat() if year == today.year else "%04d-12-31" % year
frm, nxt = "%04d-01-01" % year, "%04d-01-01" % (year + 1)
ROLL = " FROM members WHERE org_path >= ? AND org_path < ? AND state IN ('active', 'transferring') AND join_date <= ?"
r3 = (lo, hi, ref)
ages = tuple("%04d-%s" % (int(ref[:4]) - k, ref[5:]) for k in (31, 36, 41, 46, 51, 56, 61, 71))
BR = ("(SELECT o.committee_size AS cs, o.secretary_member_id AS sec, (SELECT count(*) FROM members m WHERE "
      "m.org_id = o.id AND m.state IN ('active', 'transferring') AND m.join_date <= ?) AS n, (SELECT count(*) FROM "
      "members m WHERE m.org_id = o.id AND m.state IN ('active', 'transferring') AND m.join_date <= ? AND "
      "m.category = 'full') AS f FROM orgs o WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL AND "
      "o.kind IN ('branch', 'joint_branch')) x")
rb = (ref, ref, lo, hi)
Q = [
    ("SELECT count(*)" + ROLL, r3),
    ("SELECT gender, count(*)" + ROLL + " GROUP BY gender", r3),
    ("SELECT ethnicity = '01', count(*)" + ROLL + " GROUP BY 1", r3),
    ("SELECT ethnicity, count(*)" + ROLL + " GROUP BY ethnicity", r3),
    ("SELECT CASE WHEN birth_date > ? THEN 0 WHEN birth_date > ? THEN 1 WHEN birth_date > ? THEN 2 WHEN birth_date > ? "
     "THEN 3 WHEN birth_date > ? THEN 4 WHEN birth_date > ? THEN 5 WHEN birth_date > ? THEN 6 WHEN birth_date > ? "
     "THEN 7 ELSE 8 END, count(*)" + ROLL + " GROUP BY 1", ages + r3),
    ("SELECT CASE WHEN education IN ('11','12','13','1A','1B') THEN 0 WHEN education IN ('21','23','24','2A','2B') "
     "THEN 1 WHEN education IN ('22','2C','2D') THEN 2 WHEN education = '41' THEN 3 WHEN education IN ('44','47','6') "
     "THEN 4 WHEN education IN ('7','8','9') THEN 5 ELSE 6 END, count(*)" + ROLL + " GROUP BY 1", r3),
    ("SELECT CASE WHEN join_date < '1949-10-01' THEN 0 WHEN join_date < '1966-05-01' THEN 1 WHEN join_date < "
     "'1976-11-01' THEN 2 WHEN join_date < '1979-01-01' THEN 3 WHEN join_date < '2002-11-01' THEN 4 WHEN join_date < "
     "'2012-11-01' THEN 5 ELSE 6 END, count(*)" + ROLL + " GROUP BY 1", r3),
    ("SELECT category, count(*)" + ROLL + " GROUP BY category", r3),
    ("SELECT party_status, count(*)" + ROLL + " GROUP BY party_status", r3),
    ("SELECT sum(lost_contact), sum(floating)" + ROLL, r3),
    ("SELECT count(*) FROM members WHERE org_path >= ? AND org_path < ? AND join_date >= ? AND join_date <= ?",
     (lo, hi, frm, ref)),
    ("SELECT count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id JOIN orgs tp ON tp.id = t.to_org_id "
     "WHERE t.status = 'confirmed' AND t.decided_on >= ? AND t.decided_on <= ? AND tp.path >= ? AND tp.path < ? "
     "AND NOT (f.path >= ? AND f.path < ?)", (frm, ref, lo, hi, lo, hi)),
    ("SELECT count(*) FROM transfers t JOIN orgs f ON f.id = t.from_org_id LEFT JOIN orgs tp ON tp.id = t.to_org_id "
     "WHERE (t.status = 'confirmed' AND t.decided_on >= ? AND t.decided_on <= ? AND f.path >= ? AND f.path < ? AND "
     "NOT (tp.path >= ? AND tp.path < ?)) OR (t.status = 'sent' AND t.issued_on >= ? AND t.issued_on <= ? AND "
     "f.path >= ? AND f.path < ?)", (frm, ref, lo, hi, lo, hi, frm, ref, lo, hi)),
    ("SELECT h.new_value, count(DISTINCT m.id) FROM members m JOIN member_history h ON h.member_id = m.id WHERE "
     "m.state IN ('deceased', 'removed') AND h.field = 'state' AND h.new_value = m.state AND h.at >= ? AND h.at < ? "
     "AND m.org_path >= ? AND m.org_path < ? GROUP BY h.new_value", (frm, nxt, lo, hi)),
    ("SELECT kind, count(*) FROM orgs WHERE path >= ? AND path < ? AND dissolved_on IS NULL GROUP BY kind", (lo, hi)),
    ("SELECT CASE WHEN n < 3 THEN 0 WHEN n < 7 THEN 1 WHEN n < 50 THEN 2 WHEN n < 100 THEN 3 ELSE 4 END, count(*) "
     "FROM " + BR + " GROUP BY 1", rb),
    ("SELECT sum(f < 3), sum(f >= 7 AND cs = 0), sum(n >= 50), sum(sec IS NULL) FROM " + BR, rb),
    ("SELECT count(*) FROM orgs WHERE path >= ? AND path < ? AND dissolved_on IS NULL AND kind <> 'group' AND "
     "term_end IS NOT NULL AND term_end <> '' AND term_end < ?", (lo, hi, today.isoformat())),
]
t = []
for _ in range(6):
    t0 = time.perf_counter()
    for q, args in Q:
        db.execute(q, args).fetchall()
    t.append((time.perf_counter() - t0) * 1000)
print("%.2f" % statistics.median(t[1:]))
PY
}

BASE=$API
echo "stats: year $YEAR, county org $ORG, town org $TOWN"
TOTAL=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/stats?org_id=$ORG&year=$YEAR" |
	python3 -c 'import sys,json;d=json.load(sys.stdin);print(d["total"])')
echo "stats: the county's tables count $TOTAL members"
report "county" 100 "$BASE/stats?org_id=$ORG&year=$YEAR" "$(sql_ms "$OPATH")"
report "town" 20 "$BASE/stats?org_id=$TOWN&year=$YEAR" "$(sql_ms "$TPATH")"
report "county drill" 0 "$BASE/stats/members?org_id=$ORG&year=$YEAR&dim=age&value=ge71"
