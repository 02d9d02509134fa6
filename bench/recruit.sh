#!/usr/bin/env bash
# Recruitment reports over a whole county: a demo database filled by bench/gen_recruits.py
# (14,200 积极分子, 2,012 发展对象, 5,031 预备党员 and their step histories), served, and
# GET /api/v1/recruits/reminders and /api/v1/recruits/stats for the root timed with curl,
# 20 requests each (after one warm-up), median and max. Targets: reminders <= 50 ms,
# stats <= 20 ms.
#   bash bench/recruit.sh BUILD_DIR
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init recruit "${1:-build}"
N=20

"$BIN" demo --db "sqlite:$TMP/dj.db" --key "$TMP/dj.key" --set auth.pwhash=min > "$TMP/demo.log" 2>&1
python3 "$ROOT/bench/gen_recruits.py" "$TMP/dj.db"

bench_serve "$TMP/dj.db" "$TMP/dj.key" 100
bench_login
ORG=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$API/orgs/root" |
	python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')

report() { # name target_ms url
	local name=$1 target=$2 url=$3 size
	size=$(bench_size "$url")
	bench_timed "$url" "$N" | python3 -c '
import statistics, sys
name, target, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
med = statistics.median(t)
verdict = "ok" if med <= target else "OVER"
print(f"recruit: {name:<10} median {med:6.2f} ms  max {t[-1]:6.2f} ms  ({len(t)} requests, {size} bytes)  "
      f"target <= {target:.0f} ms: {verdict}")
' "$name" "$target" "$size"
}
BASE=$API/recruits
ITEMS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/reminders?org=$ORG" |
	python3 -c 'import sys,json,collections;v=json.load(sys.stdin);print(len(v), dict(collections.Counter(i["kind"] for i in v)))')
echo "recruit: reminders for the county: $ITEMS"
report reminders 50 "$BASE/reminders?org=$ORG"
report stats 20 "$BASE/stats?org=$ORG"
