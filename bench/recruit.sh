#!/usr/bin/env bash
# Recruitment reports over a whole county: a demo database filled by bench/gen_recruits.py
# (14,200 积极分子, 2,012 发展对象, 5,031 预备党员 and their step histories), served, and
# GET /api/v1/recruits/reminders and /api/v1/recruits/stats for the root timed with curl,
# 20 requests each (after one warm-up), median and max. Targets: reminders <= 50 ms,
# stats <= 20 ms.
#   bash bench/recruit.sh BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/dangjian
N=20
TMP=$(mktemp -d "${TMPDIR:-/tmp}/djbench-recruit.XXXXXX")
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" demo --db "sqlite:$TMP/dj.db" --key "$TMP/dj.key" --set auth.pwhash=min > "$TMP/demo.log" 2>&1
python3 "$ROOT/bench/gen_recruits.py" "$TMP/dj.db"

PORT=$(( 20000 + RANDOM % 20000 ))
"$BIN" serve --db "sqlite:$TMP/dj.db" --key "$TMP/dj.key" --listen 127.0.0.1:$PORT > "$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$PORT/api/v1/session" \
	-d '{"username":"admin","password":"Admin#2026","bearer":true}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
ORG=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/orgs/root" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')

# time_total of N requests (seconds, one per line) after one warm-up
timed() {
	local url=$1 i
	curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"
	for i in $(seq $N); do
		curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
	done
}
report() { # name target_ms url
	local name=$1 target=$2 url=$3 size
	size=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$url" | wc -c)
	timed "$url" | python3 -c '
import statistics, sys
name, target, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
med = statistics.median(t)
verdict = "ok" if med <= target else "OVER"
print(f"recruit: {name:<10} median {med:6.2f} ms  max {t[-1]:6.2f} ms  ({len(t)} requests, {size} bytes)  "
      f"target <= {target:.0f} ms: {verdict}")
' "$name" "$target" "$size"
}
BASE="http://127.0.0.1:$PORT/api/v1/recruits"
ITEMS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/reminders?org=$ORG" |
	python3 -c 'import sys,json,collections;v=json.load(sys.stdin);print(len(v), dict(collections.Counter(i["kind"] for i in v)))')
echo "recruit: reminders for the county: $ITEMS"
report reminders 50 "$BASE/reminders?org=$ORG"
report stats 20 "$BASE/stats?org=$ORG"
