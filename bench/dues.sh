#!/usr/bin/env bash
# 党费 over a whole county: a database made by `dangjian init`, filled by bench/gen_dues.py
# (20 towns, 3,400 branches, 74,000 members, every member a base, the 12 months up to last
# month paid — ≈ 600,000 payments and 900,000 paid months — a third already paid this
# month, some behind, a few exempted), served, and timed with curl, N requests each after
# one warm-up, median and max, with the server's CPU time per request (from /proc: on a
# machine shared with other work the steadier figure):
#   - GET /api/v1/dues/sheet of one town (≈ 3,700 members) for this month: every member's
#     due by the contract's rule, paid or not, arrears months, totals, the one-off
#     payments apart — the 收缴表 as JSON (≈ 1 MB). Target <= 50 ms.
#   - the same sheet as xlsx, and GET /api/v1/dues/remittance of the town and of the county
#     for the year (information; no target).
# In the same run the straightforward SQL for the same sheet — one query over the town's
# members with correlated subqueries for the base in force and an approved reduction,
# joins to the month's row and its payment, a count of the rows for the arrears, ordered
# by branch and name, no totals and no reply — is timed through python's sqlite3 (median of
# 5 after a warm-up) and the ratio printed, for the wall clock and for CPU time.
#   bash bench/dues.sh BUILD_DIR
# DJ_BENCH_KEEP=DIR keeps (and, when DIR/dues.db exists, reuses) the filled database.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init dues "${1:-build}"
N=${DJ_BENCH_N:-20}

if ! bench_keep dues; then
	bench_init_db "$DB" "$KEY"
	python3 "$ROOT/bench/gen_dues.py" "$DB" | sed 's/^/dues: /'
fi

bench_serve "$DB" "$KEY" 600
bench_login
read -r ROOTID _ TOWN TPATH < <(bench_root_town "$DB")
# this month and this year in the users' calendar (Asia/Shanghai), as the server sees them
read -r MONTH YEAR < <(python3 -c '
import datetime as d
t = d.datetime.now(d.timezone(d.timedelta(hours=8)))
print("%04d-%02d" % (t.year, t.month), t.year)')

# the straightforward SQL for the town's sheet: "wall_ms cpu_ms rows" (medians of 5 after a warm-up)
SQL=$(python3 - "$DB" "$TPATH" "$MONTH" <<'EOF'
import sqlite3, statistics, sys, time
db_path, lo, month = sys.argv[1:4]
hi = lo[:-1] + chr(ord(lo[-1]) + 1)
db = sqlite3.connect(db_path)
Q = """
SELECT m.id, m.name, m.org_id, o.name, b.kind, b.base_fen,
  CASE WHEN COALESCE(m.dues_from, substr(m.join_date, 1, 7)) > :m THEN 0
       WHEN r.id IS NOT NULL THEN r.monthly_fen
       WHEN b.id IS NOT NULL THEN b.monthly_fen ELSE 0 END AS due_fen,
  CASE WHEN dm.member_id IS NOT NULL THEN (CASE WHEN dm.payment_id IS NULL THEN 'exempt' ELSE 'paid' END)
       WHEN COALESCE(m.dues_from, substr(m.join_date, 1, 7)) > :m THEN 'not_due'
       WHEN r.id IS NOT NULL AND r.monthly_fen = 0 THEN 'exempt'
       WHEN r.id IS NULL AND b.id IS NULL THEN 'no_base' ELSE 'unpaid' END AS status,
  COALESCE(dm.paid_fen, 0), p.paid_on, p.method, p.receipt_no,
  (SELECT count(*) FROM dues_months d WHERE d.member_id = m.id AND d.month < :m
     AND d.month >= COALESCE(m.dues_from, substr(m.join_date, 1, 7))) AS paid_months
FROM members m JOIN orgs o ON o.id = m.org_id
LEFT JOIN dues_bases b ON b.member_id = m.id
  AND b.from_month = (SELECT max(b2.from_month) FROM dues_bases b2 WHERE b2.member_id = m.id AND b2.from_month <= :m)
LEFT JOIN dues_reductions r ON r.id = (SELECT r2.id FROM dues_reductions r2 WHERE r2.member_id = m.id
  AND r2.status = 'approved' AND r2.from_month <= :m AND r2.to_month >= :m ORDER BY r2.id LIMIT 1)
LEFT JOIN dues_months dm ON dm.member_id = m.id AND dm.month = :m
LEFT JOIN dues_payments p ON p.id = dm.payment_id
WHERE m.org_path >= :lo AND m.org_path < :hi AND m.state IN ('active', 'transferring')
ORDER BY o.path, m.name
"""
args = dict(m=month, lo=lo, hi=hi)
db.execute(Q, args).fetchall()
wall, cpu = [], []
for _ in range(5):
    w0, c0 = time.perf_counter(), time.process_time()
    rows = db.execute(Q, args).fetchall()
    wall.append((time.perf_counter() - w0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
print("%.2f %.2f %d" % (statistics.median(wall), statistics.median(cpu), len(rows)))
EOF
)

# name target_ms(0 = none) n url [sql figures]: the median, max and CPU per request; with the
# SQL figures ("wall cpu rows") the ratios
report() {
	local name=$1 target=$2 n=$3 url=$4 sql=${5:-} size
	size=$(bench_size "$url")
	bench_timed "$url" "$n" cpu | python3 -c '
import statistics, sys
name, target, size, sql = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t, cpu = [], 0.0
for line in sys.stdin:
    if line.startswith("cpu "):
        cpu = float(line.split()[1])
    elif line.strip():
        t.append(float(line) * 1000)
t.sort()
med, cpu = statistics.median(t), cpu / len(t)
goal = (" target <= %.0f ms: %s" % (target, "ok" if med <= target else "OVER")) if target else ""
print(f"dues: {name:<22} median {med:8.2f} ms  max {t[-1]:8.2f} ms  server CPU {cpu:8.2f} ms/request"
      f"  ({len(t)} requests, {size} bytes){goal}")
if sql:
    w, c, rows = sql.split()
    w, c = float(w), float(c)
    print(f"dues: {name:<22} straightforward SQL (one query, {rows} rows, no totals, no reply) {w:8.2f} ms,"
          f" CPU {c:8.2f} ms: ratio HTTP / SQL = {med / w:.2f}x (CPU {cpu / c:.2f}x)")
' "$name" "$target" "$size" "$sql"
}

report "town sheet" 50 "$N" "$API/dues/sheet?org_id=$TOWN&month=$MONTH" "$SQL"
report "town sheet xlsx" 0 "$N" "$API/dues/sheet?org_id=$TOWN&month=$MONTH&format=xlsx"
report "town remittance year" 0 "$N" "$API/dues/remittance?org_id=$TOWN&year=$YEAR"
report "county remittance year" 0 5 "$API/dues/remittance?org_id=$ROOTID&year=$YEAR"
