#!/usr/bin/env bash
# Points over a whole county: a database made by `dangjian init`, filled with the county
# of bench/gen_life.py (3,400 branches, 74,000 members) and by bench/gen_points.py (one
# indicator set, ≈ 5,000,000 ledger entries over the 12 months up to today, and their
# kept rollups), served, and timed with curl, N requests each after one warm-up, median
# and max:
#   - GET /api/v1/points/summary for the county and this year: every member's and every
#     branch's standing (caps, ranks with the tie rule, stars with the top-band cap)
#     recomputed in one pass over the subjects' kept rollups (point_rollups: per subject
#     and year the ledger's net sums per indicator and month, kept by every append).
#     Target <= 1000 ms.
#   - GET /api/v1/points/rankings of one town for the last whole quarter (members, the
#     first page), the same way. Target <= 20 ms.
# In the same run the plain SQL aggregate over the same subjects and months — SUM of
# the ledger's points per subject, ordered by the sum, without caps, ties, stars or a
# reply — is timed
# through python's sqlite3 (median of 5 after a warm-up) and the ratio printed, for the
# wall clock and for CPU time (the server's from /proc, python's process time): on a
# machine shared with other work the CPU ratio is the steadier figure.
#   bash bench/points.sh BUILD_DIR
# DJ_BENCH_KEEP=DIR keeps (and, when DIR/points.db exists, reuses) the filled database;
# one filled before migration 018 gets its rollups from the migration's backfill when
# the server first opens it (about 20 s for 5 million entries), or run
# `python3 bench/gen_points.py DIR/points.db --rollups` after `dangjian init` on it.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init points "${1:-build}"
N=${DJ_BENCH_N:-20}

if ! bench_keep points; then
	bench_init_db "$DB" "$KEY"
	python3 "$ROOT/bench/gen_life.py" "$DB" | sed 's/^/points: /'
	python3 "$ROOT/bench/gen_points.py" "$DB" | sed 's/^/points: /'
fi

# up to a minute: the server migrates before it listens (a kept database from before 018)
bench_serve "$DB" "$KEY" 600
bench_login
read -r ORG OPATH TOWN TPATH < <(bench_root_town "$DB")
# this year, and the last whole quarter, as period texts and month-number ranges
read -r YEAR YFIRST YLAST QUARTER QFIRST QLAST < <(python3 -c '
import datetime as d
t = d.date.today()
q = (t.month - 1) // 3 - 1
y, q = (t.year - 1, 3) if q < 0 else (t.year, q)
print(t.year, t.year * 12, t.year * 12 + 11, "%dQ%d" % (y, q + 1), y * 12 + q * 3, y * 12 + q * 3 + 2)')

# name target_ms url "sql_wall_ms sql_cpu_ms": prints the median and the ratios to the SQL figures
report() {
	local name=$1 target=$2 url=$3 sql=$4 size
	size=$(bench_size "$url")
	bench_timed "$url" "$N" cpu | python3 -c '
import statistics, sys
name, target, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
sql_wall, sql_cpu = (float(x) for x in sys.argv[4].split())
t, cpu = [], 0.0
for line in sys.stdin:
    if line.startswith("cpu "):
        cpu = float(line.split()[1])
    elif line.strip():
        t.append(float(line) * 1000)
t.sort()
med, cpu = statistics.median(t), cpu / len(t)
verdict = "ok" if med <= target else "OVER"
print(f"points: {name:<15} median {med:8.2f} ms  max {t[-1]:8.2f} ms  server CPU {cpu:8.2f} ms/request"
      f"  ({len(t)} requests, {size} bytes)  target <= {target:.0f} ms: {verdict}")
print(f"points: {name:<15} plain SQL aggregate (query only: no caps, ranks, stars or JSON) {sql_wall:8.2f} ms,"
      f" CPU {sql_cpu:8.2f} ms: ratio HTTP / SQL = {med / sql_wall:.2f}x (CPU {cpu / sql_cpu:.2f}x)")
' "$name" "$target" "$size" "$sql"
}

# The plain aggregate: the subtree's active members (and, with branches=1, its 党支部)
# joined with their entries of the months, SUM per subject ordered by the sum. Median of
# 5 after a warm-up: "wall_ms cpu_ms".
sql_ms() {
	python3 - "$DB" "$1" "$2" "$3" "$4" <<'EOF'
import sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
path, first, last, branches = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
hi = path[:-1] + chr(ord(path[-1]) + 1)
qm = """SELECT m.id, sum(e.points_x10) AS s FROM members m
JOIN point_entries e ON e.target = 'member' AND e.subject_id = m.id AND e.period_no BETWEEN ? AND ?
WHERE m.org_path >= ? AND m.org_path < ? AND m.state = 'active' GROUP BY m.id ORDER BY s DESC"""
qb = """SELECT o.id, sum(e.points_x10) AS s FROM orgs o
JOIN point_entries e ON e.target = 'branch' AND e.subject_id = o.id AND e.period_no BETWEEN ? AND ?
WHERE o.path >= ? AND o.path < ? AND o.kind IN ('branch', 'joint_branch') AND o.dissolved_on IS NULL
GROUP BY o.id ORDER BY s DESC"""
args = (first, last, path, hi)
t, c = [], []
for _ in range(6):
    t0, c0 = time.perf_counter(), time.process_time()
    n = len(db.execute(qm, args).fetchall())
    if branches:
        n += len(db.execute(qb, args).fetchall())
    t.append((time.perf_counter() - t0) * 1000)
    c.append((time.process_time() - c0) * 1000)
print("%.2f %.2f" % (statistics.median(t[1:]), statistics.median(c[1:])))
EOF
}

BASE=$API
ENTRIES=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/points/summary?org=$ORG&period=$YEAR" |
	python3 -c 'import sys,json;j=json.load(sys.stdin);print(j["entries"], j["members"]["count"], j["branches"]["count"])')
echo "points: county org $ORG ($YEAR: entries, members, branches = $ENTRIES), town org $TOWN ($QUARTER)"
report "summary county" 1000 "$BASE/points/summary?org=$ORG&period=$YEAR" "$(sql_ms "$OPATH" "$YFIRST" "$YLAST" 1)"
report "rankings town" 20 "$BASE/points/rankings?org=$TOWN&period=$QUARTER&target=member" \
	"$(sql_ms "$TPATH" "$QFIRST" "$QLAST" 0)"
