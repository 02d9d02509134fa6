# The boilerplate of the bench scripts, written once; sourced (bash) by bench/*.sh:
#   . "$(dirname "$0")/lib.sh"
#   bench_init NAME BUILD_DIR   ROOT, BUILD (absolute), BIN, a temp dir TMP removed on exit
#                               (with the server, if one was started)
#   bench_keep NAME             DB/KEY for a filled database DJ_BENCH_KEEP may keep or reuse:
#                               returns 0 when reusing one (nothing to fill), 1 when it is new
#   bench_init_db DB KEY        `dangjian init` with the admin password BENCH_PASS
#   bench_serve DB KEY TRIES [ARGS...]   the server on a random port (PORT, PID, API), waiting
#                               up to TRIES × 0.1 s for /api/v1/health
#   bench_login                 TOKEN: a bearer session of admin (password BENCH_PASS)
#   bench_root_town DB          "root_id root_path town_id town_path" (the first town by id)
#   bench_timed URL N [cpu]     one warm-up, then N request times in seconds, one a line;
#                               with cpu, a last line "cpu MS" (the server's CPU time for the N)
#   bench_size URL              the reply's size in bytes
# Each script keeps its own report format: the figures it prints are its own.
# shellcheck shell=bash

BENCH_PASS='Admin#2026'
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PID=

bench_init() {
	BUILD=${2:-build}
	case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
	BIN=$BUILD/dangjian
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/djbench-$1.XXXXXX")
	trap bench_cleanup EXIT
}

bench_stop() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}

bench_cleanup() {
	bench_stop
	rm -rf "$TMP"
}

bench_keep() {
	local keep=${DJ_BENCH_KEEP:-}
	if [ -n "$keep" ] && [ -f "$keep/$1.db" ] && [ -f "$keep/$1.key" ]; then
		DB=$keep/$1.db KEY=$keep/$1.key
		echo "$1: reusing $DB"
		return 0
	fi
	DB=$TMP/dj.db KEY=$TMP/dj.key
	if [ -n "$keep" ]; then
		mkdir -p "$keep"
		DB=$keep/$1.db KEY=$keep/$1.key
		rm -f "$DB" "$KEY"
	fi
	return 1
}

bench_init_db() {
	"$BIN" init --db "sqlite:$1" --key "$2" --admin-password "$BENCH_PASS" --set auth.pwhash=min > "$TMP/init.log" 2>&1
}

bench_serve() {
	local db=$1 key=$2 tries=$3
	shift 3
	case $db in *:*) ;; *) db=sqlite:$db ;; esac
	PORT=$((20000 + RANDOM % 20000))
	"$BIN" serve --db "$db" --key "$key" --listen 127.0.0.1:$PORT "$@" > "$TMP/serve.log" 2>&1 &
	PID=$!
	API=http://127.0.0.1:$PORT/api/v1
	for _ in $(seq "$tries"); do
		curl -fsS "$API/health" >/dev/null 2>&1 && break
		sleep 0.1
	done
}

bench_login() {
	TOKEN=$(curl -fsS -X POST "$API/session" -d "{\"username\":\"admin\",\"password\":\"$BENCH_PASS\",\"bearer\":true}" |
		python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
}

bench_root_town() {
	python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
root = db.execute("SELECT id, path FROM orgs WHERE parent_id IS NULL").fetchone()
town = db.execute("SELECT id, path FROM orgs WHERE parent_id = ? AND kind = 'committee' ORDER BY id LIMIT 1",
                  (root[0],)).fetchone()
print(root[0], root[1], town[0], town[1])
EOF
}

# the server's CPU time so far (user + system, milliseconds): on a machine shared with
# other work the wall clock of a request also counts the time other processes held the cores
bench_cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1000 / hz}' "/proc/$PID/stat"
}

bench_timed() {
	local url=$1 n=$2 c0=0 c1
	curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"
	[ "${3:-}" = cpu ] && c0=$(bench_cpu_ms)
	for _ in $(seq "$n"); do
		curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
	done
	if [ "${3:-}" = cpu ]; then
		c1=$(bench_cpu_ms)
		echo "cpu $((c1 - c0))"
	fi
}

bench_size() {
	curl -fsS -H "Authorization: Bearer $TOKEN" "$1" | wc -c
}
