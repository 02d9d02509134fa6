#!/usr/bin/env bash
# Import benchmark: `dangjian import members` of N generated members from CSV (full validation,
# ID numbers and phones sealed, one transaction, one audit entry) against `sqlite3 .import` of the
# same CSV into a bare table. Prints both times, rows/s, and the ratio of speeds (target ≥ 0.80).
#
#   usage: bash bench/import.sh BUILD_DIR [N]      (N defaults to 1000000)
#
# The organization tree comes from `dangjian demo` (45 branches); bench/gen_members.py spreads the
# members over them. Everything lives in one temp directory, removed on exit.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: bash bench/import.sh BUILD_DIR [N]" >&2
	exit 2
fi
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
N=${2:-1000000}

# DJ_BENCH_KEEP=DIR: work in DIR and leave the imported database there (bench/run.sh serves it next)
bench_init import "$1"
if [ -n "${DJ_BENCH_KEEP:-}" ]; then
	rmdir "$TMP"
	trap - EXIT
	TMP=$DJ_BENCH_KEEP
fi
DJ=$BIN
for tool in "$DJ" sqlite3 python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/import.sh: $tool not found" >&2; exit 2; }
done

now() { date +%s.%N; }

"$DJ" demo --db "sqlite:$TMP/dj.db" --key "$TMP/dj.key" --members 200 --set auth.pwhash=min >"$TMP/demo.log" 2>&1 ||
	{ cat "$TMP/demo.log" >&2; exit 1; }
echo "import: generating $N members ..."
python3 "$ROOT/bench/gen_members.py" "$TMP/dj.db" "$N" >"$TMP/members.csv"
cat "$TMP/members.csv" >/dev/null # both runs start with the file in the page cache

t0=$(now)
if ! "$DJ" import members "$TMP/members.csv" --db "sqlite:$TMP/dj.db" --key "$TMP/dj.key" >"$TMP/import.log" 2>&1; then
	head -20 "$TMP/import.log" >&2
	exit 1
fi
t1=$(now)
sqlite3 "$TMP/bare.db" '.mode csv' ".import $TMP/members.csv t"
t2=$(now)
got=$(sqlite3 "$TMP/bare.db" 'SELECT count(*) FROM t')
[ "$got" = "$N" ] || { echo "bench/import.sh: sqlite3 imported $got rows, expected $N" >&2; exit 1; }

awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	dj = b - a; sq = c - b; ratio = sq / dj;
	verdict = "NOT met"; if (ratio >= 0.8) verdict = "met";
	printf "import: %d members  dangjian import %.2f s (%.0f rows/s)  sqlite3 .import %.2f s (%.0f rows/s)  ratio %.2f (target >= 0.80, %s)\n", n, dj, n / dj, sq, n / sq, ratio, verdict;
}'
