#!/usr/bin/env bash
# make bench: the issue's figures from one run, each with the reference it is compared to.
#   1. import of N generated members (CSV) vs `sqlite3 .import` of the same CSV (bench/import.sh)
#   2. wrk on an authenticated member list page (50 rows, scoped to a town) of a database
#      holding those N members vs the server's own /api/v1/health, p99 and RSS (bench/http.sh)
#   3. recruitment reminders and stats over a county (bench/recruit.sh)
#   4. organizational-life compliance over a county and a town vs the straightforward
#      GROUP BY join on the same store, and the at-risk list (bench/life.sh)
#   5. points: a county's year of member and branch standings (≈ 5,000,000 ledger
#      entries) and a town's quarterly ranking vs the plain SQL aggregate (bench/points.sh)
#   6. dues: a town's monthly collection sheet vs the straightforward SQL (bench/dues.sh)
#   7. 党内统计 tables for a county of 74,000 members vs the plain GROUP BYs (bench/stats.sh)
#   8. the public board PDF of a 50-member branch (bench/board.sh)
#   9. load: 1,000 concurrent connections on the demo database, ~90% reads and ~10% writes, for
#      LOAD_SECONDS (here 20 by default; the proof's run is 60): req/s, p50/p99, errors = 0 (bench/load.sh)
# N defaults to 1,000,000 (DJ_BENCH_MEMBERS to change it). A benchmark, not a test: it
# prints figures and ratios and exits 0 unless something failed to run.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init all "${1:-build}"
N=${DJ_BENCH_MEMBERS:-1000000}
echo "== bench: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), N=$N"
DJ_BENCH_KEEP="$TMP" bash "$ROOT/bench/import.sh" "$BUILD" "$N"
echo
bash "$ROOT/bench/http.sh" "$BUILD" "sqlite:$TMP/dj.db" "$TMP/dj.key" 'Admin#2026'
echo
bash "$ROOT/bench/recruit.sh" "$BUILD"
echo
bash "$ROOT/bench/life.sh" "$BUILD"
echo
bash "$ROOT/bench/points.sh" "$BUILD"
echo
bash "$ROOT/bench/dues.sh" "$BUILD"
echo
bash "$ROOT/bench/stats.sh" "$BUILD"
echo
bash "$ROOT/bench/board.sh" "$BUILD"
echo
LOAD_SECONDS=${LOAD_SECONDS:-20} bash "$ROOT/bench/load.sh" "$BUILD"
