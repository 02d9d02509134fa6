#!/usr/bin/env bash
# HTTP benchmark: wrk -t1 -c64 -d10s on an authenticated member list page (50 rows, scoped
# to a town) vs the server's own /api/v1/health, in the same run; p99 latency and the
# server's RSS under that load.
#   bash bench/http.sh BUILD_DIR DB_URL KEY_FILE [ADMIN_PASSWORD]
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init http "$1"
DB=$2 KEY=$3 BENCH_PASS=${4:-$BENCH_PASS}
DURATION=${DJ_BENCH_SECONDS:-10}
bench_serve "$DB" "$KEY" 100 --set http.threads=2
bench_login
# the first town under the root: the issue's "scoped to a town"
TOWN=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$API/orgs/root" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
TOWN=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$API/orgs/$TOWN/children" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["items"][0]["id"])')
LIST="$API/members?org=$TOWN&per_page=50"
TOTAL=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$LIST" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')

rss_kb() { awk '/VmRSS/{print $2}' /proc/$PID/status; }
wrk_run() { wrk -t1 -c64 -d${DURATION}s --latency "$@"; }
parse() { # requests/s and p99 in ms from wrk output
	awk '/Requests\/sec/{rps=$2} /^ +99%/{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v} END{printf "%s %s\n", rps, p99}'
}
H=$(wrk_run "$API/health" | parse)
L_OUT=$(mktemp)
wrk_run -H "Authorization: Bearer $TOKEN" "$LIST" > "$L_OUT" &
WPID=$!
PEAK=0
while kill -0 $WPID 2>/dev/null; do r=$(rss_kb); [ "$r" -gt "$PEAK" ] && PEAK=$r; sleep 0.5; done
L=$(parse < "$L_OUT")
grep -q 'Non-2xx' "$L_OUT" && { echo "bench: member list returned errors:"; cat "$L_OUT"; }
rm -f "$L_OUT"
read -r HRPS HP99 <<< "$H"
read -r LRPS LP99 <<< "$L"
echo "http: health            ${HRPS} req/s  p99 ${HP99} ms"
echo "http: member list (town of ${TOTAL} members, 50 rows)  ${LRPS} req/s  p99 ${LP99} ms"
python3 - "$HRPS" "$LRPS" "$LP99" "$PEAK" <<'PY'
import sys
h, l, p99, rss = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]) / 1024
print(f"http: list/health ratio {l / h:.2f}x (target >= 0.70x)  p99 {p99:.2f} ms (target <= 10 ms)  "
      f"server RSS peak {rss:.1f} MB (target <= 100 MB)")
PY
