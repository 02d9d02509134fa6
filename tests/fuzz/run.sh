#!/usr/bin/env bash
# Run every fuzz harness built by `make fuzz` for SECONDS each over its seed corpus
# tests/fuzz/corpus/<target>/. New inputs go to a scratch directory (the repo keeps only
# the seeds); a crash, leak, timeout or out-of-memory stops with the input saved as
# $BUILD/fuzz/artifacts/<target>/crash-… and this script fails.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [target…]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?build dir}
secs=${2:-15}
shift 2 || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		t=${f#tests/fuzz/fuzz_}
		targets+=("${t%.c}")
	done
fi
# leaks in our code fail the run; fontconfig/cairo's process-lifetime caches do not (tests/lsan.supp)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
work=
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
	bin=$build/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing (make fuzz FUZZ_BUILD=$build)" >&2
		failed=1
		continue
	fi
	seeds=tests/fuzz/corpus/$t
	work=$(mktemp -d "${TMPDIR:-/tmp}/dj-fuzz-$t.XXXXXX")
	art=$build/fuzz/artifacts/$t
	mkdir -p "$art"
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
		-artifact_prefix="$art/")
	if [ -f "tests/fuzz/$t.dict" ]; then
		args+=(-dict="tests/fuzz/$t.dict")
	fi
	log=$build/fuzz/$t.log
	if "$bin" "${args[@]}" "$work" "$seeds" >"$log" 2>&1; then
		status=ok
	else
		status=FAILED
		failed=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1 || true)
	cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
	ft=$( (grep -o 'ft: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
	corp=$(find "$work" -type f | wc -l)
	printf 'fuzz %-10s %-6s %ss execs=%s cov=%s ft=%s new_inputs=%s\n' "$t" "$status" "$secs" "${execs:-?}" \
		"${cov:-?}" "${ft:-?}" "$corp"
	if [ $status = FAILED ]; then
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 >&2 || true
		echo "fuzz: $t failed; full log $log, input in $art/" >&2
	fi
	rm -rf "$work"
done
exit $failed
