#!/usr/bin/env bash
# Load proof (issue 8): 1,000 concurrent keep-alive connections for 60 s on the demo database
# (`dangjian demo`, served with its default settings: http.threads 4, http.max_connections
# 4096, http.timeout_seconds 30), with wrk and bench/load.lua: ~90% reads (member list page,
# member detail, compliance report, /me) and ~10% writes (a new meeting with its attendance,
# a new 群众诉求), every request with a bearer token. Reports requests/s, p50/p90/p99/max,
# the mix, the writes committed, the connections the server held at the peak and its RSS,
# and the errors — non-2xx replies and socket errors (connect, read, write, and replies
# slower than wrk's --timeout) — which must be 0: the script exits 1 otherwise.
#   bash bench/load.sh BUILD_DIR
# Environment: LOAD_SECONDS (60), LOAD_CONNECTIONS (1000), LOAD_WRK_THREADS (2),
# LOAD_TIMEOUT (wrk --timeout, 10s), LOAD_SERVER_THREADS (http.threads, default 4).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init load "${1:-build}"
DURATION=${LOAD_SECONDS:-60}
CONNS=${LOAD_CONNECTIONS:-1000}
WRK_THREADS=${LOAD_WRK_THREADS:-2}
WRK_TIMEOUT=${LOAD_TIMEOUT:-10s}
SERVER_THREADS=${LOAD_SERVER_THREADS:-4}
command -v wrk >/dev/null || { echo "load: wrk is not installed (apt-get install wrk)"; exit 1; }

# wrk holds CONNS sockets and so does the server (which raises its own soft limit to fit
# http.max_connections); this shell's soft limit is what wrk inherits
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((CONNS + 100)) ]; then
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
	NOFILE=$(ulimit -n)
	if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((CONNS + 100)) ]; then
		echo "load: open files limit (ulimit -n) is $NOFILE, too low for $CONNS connections (raise the hard limit)"
		exit 1
	fi
fi

"$BIN" demo --db "$TMP/demo.db" --key "$TMP/demo.key" --set auth.pwhash=min > "$TMP/demo.log" 2>&1
bench_serve "$TMP/demo.db" "$TMP/demo.key" 100 --set http.threads="$SERVER_THREADS" --set attach.dir="$TMP/attachments"
BENCH_PASS='Admin#2026' bench_login
login() {
	curl -fsS -X POST "$API/session" -d "{\"username\":\"$1\",\"password\":\"$2\",\"bearer\":true}" |
		python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}
MEMBERS="$(login member1 'Member#2026'),$(login member2 'Member#2026'),$(login member3 'Member#2026')"

# what the mix reads and writes: 300 members, the root and the towns, every branch; the day
# the writes carry is yesterday in Beijing (never in the future)
read -r IDS ORGS BRANCHES DAY < <(python3 - "$TMP/demo.db" <<'EOF'
import datetime, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
col = lambda q: ",".join(str(r[0]) for r in db.execute(q))
day = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() - datetime.timedelta(days=1))
print(col("SELECT id FROM members WHERE state = 'active' ORDER BY id LIMIT 300"),
      col("SELECT id FROM orgs WHERE depth <= 1 AND kind IN ('dept', 'committee') ORDER BY id"),
      col("SELECT id FROM orgs WHERE kind IN ('branch', 'joint_branch') ORDER BY id"), day.isoformat())
EOF
)
rows() { python3 -c 'import sqlite3,sys;db=sqlite3.connect(sys.argv[1]);print(*[db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in sys.argv[2:]])' "$TMP/demo.db" meetings mass_requests; }
read -r MEET0 REQ0 < <(rows)

echo "load: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency --timeout $WRK_TIMEOUT -s bench/load.lua" \
	"(server: http.threads=$SERVER_THREADS, ulimit -n $NOFILE, $(nproc) cores)"
OUT=$TMP/wrk.txt
DJ_LOAD_ADMIN=$TOKEN DJ_LOAD_MEMBERS=$MEMBERS DJ_LOAD_IDS=$IDS DJ_LOAD_ORGS=$ORGS DJ_LOAD_BRANCHES=$BRANCHES \
	DJ_LOAD_DAY=$DAY wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency --timeout "$WRK_TIMEOUT" \
	-s "$ROOT/bench/load.lua" "http://127.0.0.1:$PORT" > "$OUT" 2>&1 &
WPID=$!
PEAK_RSS=0 PEAK_CONNS=0
while kill -0 "$WPID" 2>/dev/null; do
	r=$(awk '/VmRSS/{print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
	c=$(ss -Htn state established "( sport = :$PORT )" 2>/dev/null | wc -l)
	[ "${r:-0}" -gt "$PEAK_RSS" ] && PEAK_RSS=$r
	[ "$c" -gt "$PEAK_CONNS" ] && PEAK_CONNS=$c
	sleep 1
done
wait "$WPID" || { echo "load: wrk failed:"; cat "$OUT"; exit 1; }
read -r MEET1 REQ1 < <(rows)
ALIVE=yes
kill -0 "$PID" 2>/dev/null || ALIVE=no
# anything the server logged besides its start line: request errors, libmicrohttpd's complaints
SERVER_ERRORS=$(grep -vc '^dangjian serving on' "$TMP/serve.log" || true)
[ "$SERVER_ERRORS" = 0 ] || { echo "load: the server's log:"; head -20 "$TMP/serve.log"; }

python3 - "$OUT" "$DURATION" "$CONNS" "$PEAK_CONNS" "$PEAK_RSS" "$((MEET1 - MEET0))" "$((REQ1 - REQ0))" "$ALIVE" \
	"$SERVER_ERRORS" <<'PY'
import re, sys
out, duration, conns, peak, rss, meetings, requests, alive, server_errors = sys.argv[1:]
text = open(out).read()
mix, status, lat, err = {}, {}, {}, {}
for line in text.splitlines():
    f = line.split()
    if line.startswith("load-mix "): mix[f[1]] = int(f[2])
    elif line.startswith("load-status "): status[int(f[1])] = int(f[2])
    elif line.startswith("load-latency "): lat = dict(zip(f[1::2], map(float, f[2::2])))
    elif line.startswith("load-errors "): err = dict(zip(f[1::2], map(int, f[2::2])))
m = re.search(r"(\d+) requests in ", text)
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
if not (m and rps and lat and err):
    print("load: could not read wrk's output:\n" + text)
    sys.exit(1)
total = int(m.group(1))
non2xx = sum(n for s, n in status.items() if not 200 <= s < 300)
socket = err["connect"] + err["read"] + err["write"] + err["timeout"]
sent = sum(mix.values()) or 1
writes = mix.get("meeting", 0) + mix.get("request", 0)
print(f"load: {total} requests in {duration} s over {conns} connections (server held {peak} at the peak): "
      f"{float(rps.group(1)):.0f} req/s")
print(f"load: latency p50 {lat['p50']:.1f} ms  p90 {lat['p90']:.1f} ms  p99 {lat['p99']:.1f} ms  max {lat['max']:.1f} ms")
print("load: mix " + ", ".join(f"{k} {100 * v / sent:.1f}%" for k, v in mix.items()) +
      f" (writes {100 * writes / sent:.1f}%); committed: {meetings} meetings, {requests} 群众诉求")
print("load: replies " + ", ".join(f"{s}: {n}" for s, n in sorted(status.items())) + f"; server RSS peak {int(rss) / 1024:.1f} MB")
errors = non2xx + socket + (alive != "yes") + int(server_errors)
print(f"load: errors {errors} (non-2xx {non2xx}; socket: connect {err['connect']}, read {err['read']}, "
      f"write {err['write']}, timeout {err['timeout']}; server {'alive' if alive == 'yes' else 'DEAD'}, "
      f"{server_errors} lines in its log)" + ("" if errors == 0 else "  FAIL: must be 0"))
sys.exit(1 if errors else 0)
PY
