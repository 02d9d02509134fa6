#!/usr/bin/env bash
# The one test driver: tests/run.sh BUILD_DIR [PHASES...]
#   phases (default: all, in this order): unit api-sqlite api-pg crash e2e
# Starts a private PostgreSQL when a phase needs it, runs every phase, and closes with
# exactly one line "N passed, N failed"; exits 1 if anything failed or nothing passed.
# Everything temporary lives under one mktemp -d, removed (servers stopped) on exit.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
if [ $# -lt 1 ]; then
	echo "usage: tests/run.sh BUILD_DIR [unit|api-sqlite|api-pg|crash|e2e ...]" >&2
	exit 2
fi
BUILD=$1
shift
case $BUILD in
/*) ;;
*) BUILD=$ROOT/$BUILD ;;
esac
ALL_PHASES=(unit api-sqlite api-pg crash e2e)
if [ $# -gt 0 ]; then
	PHASES=("$@")
else
	PHASES=("${ALL_PHASES[@]}")
fi
for p in "${PHASES[@]}"; do
	case " ${ALL_PHASES[*]} " in
	*" $p "*) ;;
	*)
		echo "tests/run.sh: unknown phase '$p' (known: ${ALL_PHASES[*]})" >&2
		exit 2
		;;
	esac
done

ADMIN_PASS='Admin#2026pass'
UNIT_TIMEOUT=${DJ_UNIT_TIMEOUT:-600}
NODE_TIMEOUT=${DJ_NODE_TIMEOUT:-1800}
PASSED=0
FAILED=0
SERVER_PID=
PG_OK=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/djtest.XXXXXX") || exit 1
# the postgres user must reach its data directory below this one when we are root
chmod 711 "$TMP"
# shellcheck source=tests/pg.sh
. "$ROOT/tests/pg.sh"

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
	pg_stop >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

has_phase() {
	local p
	for p in "${PHASES[@]}"; do
		[ "$p" = "$1" ] && return 0
	done
	return 1
}

fail() { # fail MESSAGE: count one failure with a reason
	echo "FAIL: $*"
	FAILED=$((FAILED + 1))
}

indent() {
	sed 's/^/    /' "$1"
}

# a directory holds tests if it has any JavaScript file
has_js_tests() {
	[ -d "$1" ] && [ -n "$(find "$1" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) -print -quit)" ]
}

# Sanitizer builds: report everything, and make a report fatal so it shows up in the
# exit status (UBSan aborts already via -fno-sanitize-recover=all).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
# fontconfig and cairo keep process-lifetime caches once a PDF is drawn (tests/lsan.supp)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# ---- PostgreSQL, once, if any phase can use it ----
if has_phase api-pg || has_phase crash || { has_phase unit && compgen -G "$BUILD/tests/test_*" >/dev/null; }; then
	echo "== starting a private PostgreSQL"
	if pg_start "$TMP" 2>"$TMP/pg-start.log"; then
		PG_OK=1
		echo "   PostgreSQL on port $PG_PORT"
	else
		cat "$TMP/pg-start.log"
		fail "PostgreSQL did not start; PostgreSQL tests cannot run"
	fi
fi

# ---- unit: every cmocka binary ----
phase_unit() {
	local bin name log rc p f n_pass n_fail url
	local found=0
	echo "== phase unit"
	for bin in "$BUILD"/tests/test_*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		found=1
		name=$(basename "$bin")
		log=$TMP/unit-$name.log
		url=
		if [ "$PG_OK" = 1 ]; then
			url=$(pg_newdb "unit_${name//[^a-zA-Z0-9_]/_}") || { fail "$name: could not create its PostgreSQL database"; url=; }
		fi
		echo "-- $name"
		DJ_TEST_PG_URL=$url timeout -k 10 "$UNIT_TIMEOUT" "$bin" >"$log" 2>&1
		rc=$?
		indent "$log"
		n_pass=0
		n_fail=0
		while read -r n; do n_pass=$((n_pass + n)); done < <(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log")
		while read -r n; do n_fail=$((n_fail + n)); done < <(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$log")
		if [ "$rc" != 0 ] && [ "$n_fail" = 0 ]; then
			if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				echo "   $name: timed out after ${UNIT_TIMEOUT}s"
			else
				echo "   $name: exited with status $rc without a cmocka failure line (crash or sanitizer report)"
			fi
			n_fail=1
		fi
		echo "   $name: $n_pass passed, $n_fail failed"
		PASSED=$((PASSED + n_pass))
		FAILED=$((FAILED + n_fail))
	done
	[ "$found" = 1 ] || echo "phase unit: no tests yet"
}

# ---- a server in the background on a free port ----
# start_server LOG ARGS...: sets SERVER_PID and SERVER_URL, waits for /api/v1/health
start_server() {
	local log=$1 port i
	shift
	port=$(free_port) || return 1
	# archive attachments go under the log's directory, never into the work tree
	"$BUILD/dangjian" serve "$@" --listen "127.0.0.1:$port" --set attach.dir="$(dirname "$log")/attachments" >"$log" 2>&1 &
	SERVER_PID=$!
	SERVER_URL=http://127.0.0.1:$port
	for ((i = 0; i < 100; i++)); do
		if curl -fsS -m 2 "$SERVER_URL/api/v1/health" >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			wait "$SERVER_PID" 2>/dev/null
			echo "   server exited during start-up"
			SERVER_PID=
			return 1
		fi
		sleep 0.2
	done
	echo "   server did not answer $SERVER_URL/api/v1/health within 20 s"
	return 1
}

# stop_server LOG: 0 if the server was alive and shut down cleanly, 1 otherwise
stop_server() {
	local log=$1 rc=0 status i
	[ -n "$SERVER_PID" ] || return 1
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		wait "$SERVER_PID" 2>/dev/null
		status=$?
		echo "   the server died during the tests (exit status $status)"
		rc=1
	else
		kill -TERM "$SERVER_PID" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "   the server ignored SIGTERM for 10 s; killed"
			kill -KILL "$SERVER_PID" 2>/dev/null
			rc=1
		fi
		wait "$SERVER_PID" 2>/dev/null
		status=$?
		# 0: clean shutdown; 143: killed by the TERM it did not handle
		if [ "$rc" = 0 ] && [ "$status" != 0 ] && [ "$status" != 143 ]; then
			echo "   the server exited with status $status on shutdown"
			rc=1
		fi
	fi
	SERVER_PID=
	if grep -qE '^==[0-9]+==(ERROR|WARNING): [A-Za-z]*Sanitizer|runtime error:' "$log"; then
		echo "   sanitizer report in the server log"
		rc=1
	fi
	return "$rc"
}

# run_node_tests DIR TAPFILE ENV...: runs node's test runner, adds its counts
run_node_tests() {
	local dir=$1 tap=$2 rc n_pass n_fail n_cancel
	shift 2
	env "$@" timeout -k 10 "$NODE_TIMEOUT" node --test --test-reporter=tap "$dir/" >"$tap" 2>&1
	rc=$?
	indent "$tap"
	n_pass=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)
	n_fail=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)
	n_cancel=$(sed -n 's/^# cancelled \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)
	n_pass=${n_pass:-0}
	n_fail=$((${n_fail:-0} + ${n_cancel:-0}))
	if [ "$rc" != 0 ] && [ "$n_fail" = 0 ]; then
		echo "   node --test exited with status $rc without a failing test"
		n_fail=1
	fi
	echo "   $dir: $n_pass passed, $n_fail failed"
	PASSED=$((PASSED + n_pass))
	FAILED=$((FAILED + n_fail))
	[ "$n_fail" = 0 ]
}

# ---- api-sqlite / api-pg ----
phase_api() {
	local phase=$1 backend=$2 work url failed_before
	echo "== phase $phase"
	if ! has_js_tests tests/api; then
		echo "phase $phase: no tests yet"
		return
	fi
	if [ ! -x "$BUILD/dangjian" ]; then
		fail "phase $phase: $BUILD/dangjian does not exist (build it first)"
		return
	fi
	work=$TMP/$phase
	mkdir -p "$work"
	if [ "$backend" = sqlite ]; then
		url=sqlite:$work/api.db
	else
		if [ "$PG_OK" != 1 ]; then
			fail "phase $phase: no PostgreSQL"
			return
		fi
		url=$(pg_newdb "api_${phase//-/_}") || { fail "phase $phase: could not create a PostgreSQL database"; return; }
	fi
	failed_before=$FAILED
	if ! "$BUILD/dangjian" init --db "$url" --key "$work/k.key" --admin-password "$ADMIN_PASS" \
		--set auth.pwhash=min >"$work/init.log" 2>&1; then
		indent "$work/init.log"
		fail "phase $phase: dangjian init failed"
		return
	fi
	if ! start_server "$work/server.log" --db "$url" --key "$work/k.key" --set auth.pwhash=min; then
		echo "   server log:"
		indent "$work/server.log"
		stop_server "$work/server.log" >/dev/null 2>&1
		fail "phase $phase: the server did not come up"
		return
	fi
	echo "   server at $SERVER_URL"
	run_node_tests tests/api "$work/tap.txt" DJ_URL="$SERVER_URL" DJ_ADMIN_USER=admin \
		DJ_ADMIN_PASS="$ADMIN_PASS" DJ_BACKEND="$backend" DJ_BIN="$BUILD/dangjian" \
		DJ_DB_URL="$url" DJ_KEY="$work/k.key" DJ_SERVER_LOG="$work/server.log"
	if ! stop_server "$work/server.log"; then
		FAILED=$((FAILED + 1))
	fi
	if [ "$FAILED" != "$failed_before" ]; then
		echo "   server log ($phase):"
		indent "$work/server.log"
	fi
}

# ---- crash: SIGKILL the server during writes and imports, on both backends ----
# tests/crash/crash.test.mjs starts and kills servers of its own on a fresh database;
# DJ_CRASH_ITERATIONS (per backend) defaults to 60 on SQLite and 50 on PostgreSQL.
phase_crash() {
	local backend work url
	echo "== phase crash"
	if ! has_js_tests tests/crash; then
		echo "phase crash: no tests yet"
		return
	fi
	if [ ! -x "$BUILD/dangjian" ]; then
		fail "phase crash: $BUILD/dangjian does not exist (build it first)"
		return
	fi
	for backend in sqlite postgres; do
		work=$TMP/crash-$backend
		mkdir -p "$work"
		if [ "$backend" = sqlite ]; then
			url=sqlite:$work/crash.db
		elif [ "$PG_OK" != 1 ]; then
			fail "phase crash: no PostgreSQL"
			continue
		else
			url=$(pg_newdb crash_pg) || { fail "phase crash: could not create a PostgreSQL database"; continue; }
		fi
		echo "-- crash on $backend"
		run_node_tests tests/crash "$work/tap.txt" DJ_BIN="$BUILD/dangjian" DJ_BACKEND="$backend" \
			DJ_CRASH_DB="$url" DJ_TMP="$work"
	done
}

# ---- e2e: browser tests against a demo database ----
phase_e2e() {
	local work=$TMP/e2e failed_before
	echo "== phase e2e"
	if ! has_js_tests tests/e2e; then
		echo "phase e2e: no tests yet"
		return
	fi
	if [ ! -x /usr/bin/chromium ]; then
		fail "phase e2e: /usr/bin/chromium is missing (apt-get install chromium, or run tools/install-deps.sh)"
		return
	fi
	if [ -f package.json ] && [ ! -d node_modules/playwright-core ]; then
		npm install --no-audit --no-fund >"$TMP/npm.log" 2>&1 || indent "$TMP/npm.log"
	fi
	if [ ! -d node_modules/playwright-core ]; then
		fail "phase e2e: node_modules/playwright-core is missing (npm install)"
		return
	fi
	if [ ! -x "$BUILD/dangjian" ]; then
		fail "phase e2e: $BUILD/dangjian does not exist (build it first)"
		return
	fi
	mkdir -p "$work"
	failed_before=$FAILED
	if ! "$BUILD/dangjian" demo --db "$work/demo.db" --key "$work/demo.key" --set auth.pwhash=min >"$work/demo.log" 2>&1; then
		indent "$work/demo.log"
		fail "phase e2e: dangjian demo failed"
		return
	fi
	if ! start_server "$work/server.log" --db "sqlite:$work/demo.db" --key "$work/demo.key"; then
		echo "   server log:"
		indent "$work/server.log"
		stop_server "$work/server.log" >/dev/null 2>&1
		fail "phase e2e: the server did not come up"
		return
	fi
	echo "   server at $SERVER_URL"
	run_node_tests tests/e2e "$work/tap.txt" DJ_URL="$SERVER_URL" DJ_BIN="$BUILD/dangjian" \
		DJ_DB_URL="sqlite:$work/demo.db" DJ_KEY="$work/demo.key" DJ_TMP="$work" \
		DJ_DEMO_ADMIN_USER=admin DJ_DEMO_ADMIN_PASS='Admin#2026' \
		DJ_DEMO_MEMBER_USER=member1 DJ_DEMO_MEMBER_PASS='Member#2026'
	if ! stop_server "$work/server.log"; then
		FAILED=$((FAILED + 1))
	fi
	if [ "$FAILED" != "$failed_before" ]; then
		echo "   server log (e2e):"
		indent "$work/server.log"
	fi
}

for p in "${PHASES[@]}"; do
	case $p in
	unit) phase_unit ;;
	api-sqlite) phase_api api-sqlite sqlite ;;
	api-pg) phase_api api-pg postgres ;;
	crash) phase_crash ;;
	e2e) phase_e2e ;;
	esac
done

# clean up before the closing line so nothing prints after it
cleanup
trap - EXIT
echo "$PASSED passed, $FAILED failed"
if [ "$FAILED" -gt 0 ] || [ "$PASSED" -eq 0 ]; then
	exit 1
fi
exit 0
