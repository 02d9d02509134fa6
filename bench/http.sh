#!/usr/bin/env bash
# HTTP benchmark: wrk -t1 -c64 -d10s on an authenticated member list page (50 rows, scoped
# to a town) vs the server's own /api/v1/health, in the same run; p99 latency and the
# server's RSS under that load.
#   bash bench/http.sh BUILD_DIR DB_URL KEY_FILE [ADMIN_PASSWORD]
set -euo pipefail
BUILD=$1 DB=$2 KEY=$3 PASS=${4:-Admin#2026}
BIN=$BUILD/dangjian
DURATION=${DJ_BENCH_SECONDS:-10}
PORT=$(( 20000 + RANDOM % 20000 ))
LOG=$(mktemp)
"$BIN" serve --db "$DB" --key "$KEY" --listen 127.0.0.1:$PORT --set http.threads=2 > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$PORT/api/v1/session" \
	-d "{\"username\":\"admin\",\"password\":\"$PASS\",\"bearer\":true}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
# the first town under the root: the issue's "scoped to a town"
TOWN=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/orgs/root" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
TOWN=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/orgs/$TOWN/children" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["items"][0]["id"])')
LIST="http://127.0.0.1:$PORT/api/v1/members?org=$TOWN&per_page=50"
TOTAL=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$LIST" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')

rss_kb() { awk '/VmRSS/{print $2}' /proc/$PID/status; }
wrk_run() { wrk -t1 -c64 -d${DURATION}s --latency "$@"; }
parse() { # requests/s and p99 in ms from wrk output
	awk '/Requests\/sec/{rps=$2} /^ +99%/{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v} END{printf "%s %s\n", rps, p99}'
}
H=$(wrk_run "http://127.0.0.1:$PORT/api/v1/health" | parse)
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
