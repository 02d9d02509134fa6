#!/usr/bin/env bash
# Organizational life over a whole county: a database made by `dangjian init` and filled
# by bench/gen_life.py (3,400 branches, 74,000 members, the 12 months up to today of
# meetings and attendance), served, and GET /api/v1/compliance for the root and for one
# town (last whole month) timed with curl, 20 requests each after one warm-up, median and
# max. Targets: county <= 200 ms, town <= 20 ms (the year view, with 谈心谈话, too). In the same run the straightforward
# query on the same store — one GROUP BY of the subtree's meetings of the year joined
# over its orgs, as SQL would compute it without the kept counts — is timed through
# python's sqlite3 (median of 5) and the ratio printed. GET /api/v1/compliance/at-risk
# (read from the per-member figures kept by 014) is timed for the county and one town
# as well: targets county <= 200 ms, town <= 20 ms.
#   bash bench/life.sh BUILD_DIR
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init life "${1:-build}"
N=20

bench_init_db "$TMP/dj.db" "$TMP/dj.key"
python3 "$ROOT/bench/gen_life.py" "$TMP/dj.db" | sed 's/^/life: /'

bench_serve "$TMP/dj.db" "$TMP/dj.key" 100
bench_login
read -r ORG OPATH TOWN TPATH < <(bench_root_town "$TMP/dj.db")
# the last whole month and its year
read -r YEAR MONTH < <(python3 -c 'import datetime as d;t=d.date.today().replace(day=1)-d.timedelta(days=1);print(t.year,t.month)')

# name target_ms url [sql_median_ms]: prints the median and, given the SQL figure, the ratio
report() {
	local name=$1 target=$2 url=$3 sql=${4:-} size
	size=$(bench_size "$url")
	bench_timed "$url" "$N" | python3 -c '
import statistics, sys
name, target, size, sql = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
med = statistics.median(t)
verdict = ("ok" if med <= target else "OVER") if target > 0 else "(no target)"
line = f"life: {name:<16} median {med:7.2f} ms  max {t[-1]:7.2f} ms  ({len(t)} requests, {size} bytes)"
if target > 0:
    line += f"  target <= {target:.0f} ms: {verdict}"
if sql:
    line += f"\nlife: {name:<16} straightforward SQL (query only, no JSON) {float(sql):7.2f} ms: ratio SQL / HTTP = {float(sql) / med:.1f}x"
print(line)
' "$name" "$target" "$size" "$sql"
}

# The straightforward query: the subtree's orgs joined with their meetings of the year,
# grouped per org, kind and month — the counts the rules need, without the rules or the
# reply. Median of 5 after a warm-up, milliseconds.
sql_ms() {
	python3 - "$TMP/dj.db" "$1" "$YEAR" <<'EOF'
import sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
path, year = sys.argv[2], sys.argv[3]
hi = path[:-1] + chr(ord(path[-1]) + 1)
q = """SELECT o.id, mt.kind, substr(mt.held_on, 6, 2), count(*)
FROM orgs o JOIN meetings mt ON mt.org_id = o.id
WHERE o.path >= ? AND o.path < ? AND o.dissolved_on IS NULL AND mt.held_on >= ? AND mt.held_on <= ?
GROUP BY o.id, mt.kind, substr(mt.held_on, 6, 2)"""
args = (path, hi, year + "-01-01", year + "-12-31")
t = []
for _ in range(6):
    t0 = time.perf_counter()
    rows = db.execute(q, args).fetchall()
    t.append((time.perf_counter() - t0) * 1000)
print("%.2f" % statistics.median(t[1:]))
EOF
}

BASE=$API
echo "life: compliance $YEAR-$MONTH, county org $ORG, town org $TOWN"
report "compliance county" 200 "$BASE/compliance?org=$ORG&year=$YEAR&month=$MONTH" "$(sql_ms "$OPATH")"
report "compliance town" 20 "$BASE/compliance?org=$TOWN&year=$YEAR&month=$MONTH" "$(sql_ms "$TPATH")"
RISK=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/compliance/at-risk?org=$ORG" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')
echo "life: at-risk for the county: $RISK members"
report "at-risk county" 200 "$BASE/compliance/at-risk?org=$ORG"
report "at-risk town" 20 "$BASE/compliance/at-risk?org=$TOWN"
# the year view: the yearly rules, 谈心谈话 among them (a read of the subtree's members'
# talk figures of the year); targets county <= 200 ms, town <= 20 ms
report "year county" 200 "$BASE/compliance?org=$ORG&year=$YEAR"
report "year town" 20 "$BASE/compliance?org=$TOWN&year=$YEAR"
