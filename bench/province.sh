#!/usr/bin/env bash
# Province-size subtree reports (issue 8): a province of DJ_PROVINCE_MEMBERS members
# (default 1,000,000; ≈ 0.067 orgs per member, a year of meetings with attendance, dues,
# points, recruits: `dangjian demo --scale province`), served, and for the province root
# each report timed over HTTP with curl — one warm-up, then DJ_PROVINCE_RUNS (default 5)
# requests, median wall time and median server CPU time (the machine is shared) — against
# the straightforward SQL of the same report (bench/province/*.sql: the plain GROUP BY
# joins a DBA would write, no kept aggregates; timed in the same run over the same
# database by bench/province/sqltime.py, warm-up + median of DJ_PROVINCE_RUNS):
#   stats             GET /api/v1/stats?org_id=ROOT&year=Y              (stats.sql)
#   compliance year   GET /api/v1/compliance?org=ROOT&year=Y            (compliance_year.sql)
#   compliance month  GET /api/v1/compliance?org=ROOT&year=Y&month=M    (compliance_month.sql)
#   points rankings   GET /api/v1/points/rankings?org=ROOT&period=Y     (points_rankings.sql)
#   points summary    GET /api/v1/points/summary?org=ROOT&period=Y      (points_summary.sql)
#   dues arrears      GET /api/v1/dues/arrears?org_id=ROOT              (dues_arrears.sql)
# Then a page 95 % down the member list and pages 50, 75 and 95 % down the member
# ranking, by page number against keyset paging (`after=`, the previous page's "next").
# Then an org move: the first county under another city and back (time and server CPU).
# Then the root's other views (lists, registers, stats), one GET each: bench/province/sweep.txt.
# Y is this year, M the last whole month. Only the HTTP status, the time and the reply's
# size are read (the reply shapes may change: paging of large subtrees). Printed per
# report: HTTP median, the dangjian process's CPU median (on PostgreSQL the database
# server's work is not in it), reply bytes, SQL median and the ratio SQL / HTTP, and the
# target (≤ 2 s); then the database's size and its row counts (tables ≥ 1,000 rows).
#
#   bash bench/province.sh BUILD_DIR          (make bench-province [BUILD=…])
# Environment:
#   DJ_PROVINCE_MEMBERS  members to generate (default 1000000; 10000000 = the full province)
#   DJ_PROVINCE_DB       a SQLite file to reuse, or to generate into and keep when it does not
#                        exist; the key is DJ_PROVINCE_KEY (default: the file with .key for
#                        .db). The server migrates the database on start: pass a copy.
#                        With DJ_BENCH_PG=1 a postgres:// URL of a generated province to reuse
#                        (DJ_PROVINCE_KEY then required).
#   DJ_PROVINCE_RUNS     timed runs per report (default 5)
#   DJ_PROVINCE_SQL      the reports whose straightforward SQL is timed (default all six:
#                        "stats compliance_year compliance_month points_rankings
#                        points_summary dues_arrears"; "" none)
#   DJ_PROVINCE_SQL_RUNS timed runs of each straightforward SQL (default DJ_PROVINCE_RUNS);
#                        DJ_PROVINCE_SQL_WARMUP=0 leaves its warm-up run out (at 10M members
#                        each query takes minutes)
#   DJ_PROVINCE_SWEEP=0  leave out the other views (bench/province/sweep.txt; at 10M on
#                        PostgreSQL some take minutes: each is cut at 30 min)
#   DJ_BENCH_PG=1        PostgreSQL: without DJ_PROVINCE_DB a private server (initdb, the
#                        tuning of docs/DEPLOY.md "PostgreSQL at province size") on port
#                        DJ_BENCH_PG_PORT (default 55440) in DJ_BENCH_PG_DIR (default a temp
#                        dir, removed; a given dir is kept, and its database "province" is
#                        reused when it holds one), the province generated into it.
# Without DJ_PROVINCE_DB the generated database lives in a temp dir removed on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init province "${1:-build}"
RUNS=${DJ_PROVINCE_RUNS:-5}
SQL_RUNS=${DJ_PROVINCE_SQL_RUNS:-$RUNS}
SQL_WARMUP=${DJ_PROVINCE_SQL_WARMUP:-1}
SQL_REPORTS=${DJ_PROVINCE_SQL-stats compliance_year compliance_month points_rankings points_summary dues_arrears}
MEMBERS=${DJ_PROVINCE_MEMBERS:-1000000}
USE_PG=${DJ_BENCH_PG:-}
[ "$USE_PG" = 0 ] && USE_PG=
PGD=
PGSTARTED=

say() { echo "province: $*"; }

province_pg_stop() {
	if [ -n "$PGSTARTED" ]; then
		_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGD/data" stop -m fast -w -t 120 >/dev/null 2>&1 || true
		PGSTARTED=
	fi
}
trap 'bench_stop; province_pg_stop; bench_cleanup' EXIT

# generate DB_URL KEY: the province into an empty database
generate() {
	say "generating $MEMBERS members into $1 (nice -n 10)"
	local t0=$SECONDS
	nice -n 10 "$BIN" demo --scale province --members "$MEMBERS" --db "$1" --key "$2" > "$TMP/gen.log" 2>&1 ||
		{ cat "$TMP/gen.log"; exit 1; }
	grep -E '^(demo |  [0-9]+ members, |  load )' "$TMP/gen.log" | sed 's/^ */province:   /'
	say "generated in $((SECONDS - t0)) s"
}

if [ -n "$USE_PG" ]; then
	# shellcheck source=tests/pg.sh
	. "$ROOT/tests/pg.sh"
	_pg_find_bin
	if [ -n "${DJ_PROVINCE_DB:-}" ]; then
		URL=$DJ_PROVINCE_DB
		KEY=${DJ_PROVINCE_KEY:?DJ_PROVINCE_KEY: the key file of the PostgreSQL province}
		say "reusing $URL"
	else
		PGPORT_=${DJ_BENCH_PG_PORT:-55440}
		PGD=${DJ_BENCH_PG_DIR:-$TMP/pg}
		mkdir -p "$PGD"
		chmod 755 "$TMP"
		chown postgres: "$PGD" 2>/dev/null || true
		PG_DIR=$PGD
		if [ ! -f "$PGD/data/PG_VERSION" ]; then
			_pg_as_owner "$PG_BIN/initdb" -D "$PGD/data" -A trust -U postgres --locale=C.UTF-8 -E UTF8 \
				> "$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log"; exit 1; }
		fi
		# the province tuning of docs/DEPLOY.md, sized for this 2-core bench machine
		_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 120 -o "-p $PGPORT_ -k $PGD \
-c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=64MB \
-c maintenance_work_mem=1GB -c max_parallel_workers_per_gather=2 -c max_wal_size=8GB -c checkpoint_timeout=15min \
-c checkpoint_completion_target=0.9 -c random_page_cost=1.1 -c wal_compression=on -c synchronous_commit=off \
${DJ_BENCH_PG_OPTS:-}" start > /dev/null || { tail -20 "$PGD/log"; exit 1; }
		PGSTARTED=1
		URL=postgres://postgres@127.0.0.1:$PGPORT_/province
		KEY=$PGD/province.key
		if psql -X -qAt -h 127.0.0.1 -p "$PGPORT_" -U postgres -d province -c 'SELECT 1 FROM orgs LIMIT 1' \
			> /dev/null 2>&1 && [ -f "$KEY" ]; then
			say "reusing $URL (in $PGD)"
		else
			"$PG_BIN/dropdb" --if-exists -h 127.0.0.1 -p "$PGPORT_" -U postgres province 2> /dev/null
			"$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT_" -U postgres province
			rm -f "$KEY"
			generate "$URL" "$KEY"
			psql -X -q -d "$URL" -c 'VACUUM ANALYZE' > /dev/null
		fi
	fi
	DBARG=$URL
	q() { psql -X -qAt -F ' ' -d "$URL" -c "$1"; }
else
	if [ -n "${DJ_PROVINCE_DB:-}" ]; then
		DB=$DJ_PROVINCE_DB
		KEY=${DJ_PROVINCE_KEY:-${DB%.db}.key}
		if [ -f "$DB" ]; then
			[ -f "$KEY" ] || { echo "province: no key $KEY for $DB (DJ_PROVINCE_KEY)" >&2; exit 1; }
			say "reusing $DB"
		else
			mkdir -p "$(dirname "$DB")"
			rm -f "$KEY"
			generate "sqlite:$DB" "$KEY"
		fi
	else
		DB=$TMP/province.db KEY=$TMP/province.key
		generate "sqlite:$DB" "$KEY"
	fi
	DBARG=$DB
	q() { python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print(*r)' "$DB" "$1"; }
fi

say "starting the server (it migrates the database first)"
t0=$SECONDS
bench_serve "$DBARG" "$KEY" 18000
curl -fsS "$API/health" > /dev/null || { cat "$TMP/serve.log"; exit 1; }
say "server up in $((SECONDS - t0)) s"
bench_login
read -r ORG OPATH < <(q "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
read -r YEAR MONTH < <(python3 -c 'import datetime as d;t=d.date.today();l=t.replace(day=1)-d.timedelta(days=1)
print(t.year if l.year == t.year else l.year, l.month)')
say "root org $ORG ($OPATH), year $YEAR, month $MONTH, $RUNS runs after a warm-up"

REPORTS=(
	"stats|stats?org_id=$ORG&year=$YEAR"
	"compliance_year|compliance?org=$ORG&year=$YEAR"
	"compliance_month|compliance?org=$ORG&year=$YEAR&month=$MONTH"
	"points_rankings|points/rankings?org=$ORG&target=member&period=$YEAR"
	"points_summary|points/summary?org=$ORG&period=$YEAR"
	"dues_arrears|dues/arrears?org_id=$ORG"
)

# one request: "HTTP_CODE SECONDS BYTES CPU_MS" (the server's CPU time for it)
one() {
	local c0 c1 out
	c0=$(bench_cpu_ms)
	out=$(curl -sS -o /dev/null --max-time 1800 -w '%{http_code} %{time_total} %{size_download}' \
		-H "Authorization: Bearer $TOKEN" "$1") || out="000 0 0"
	c1=$(bench_cpu_ms)
	echo "$out $((c1 - c0))"
}

: > "$TMP/http"
for r in "${REPORTS[@]}"; do
	name=${r%%|*} url=$API/${r#*|}
	one "$url" > /dev/null
	for _ in $(seq "$RUNS"); do
		echo "$name $(one "$url")" >> "$TMP/http"
	done
	say "$(awk -v n="$name" '$1 == n' "$TMP/http" | python3 -c '
import statistics, sys
rows = [l.split() for l in sys.stdin]
print("%-17s HTTP %s: median %.0f ms" % (rows[0][0], ",".join(sorted({r[1] for r in rows})),
      statistics.median(float(r[2]) * 1000 for r in rows)))')"
done

# Deep pages (PCT % down the list, 50 a page): by page number (OFFSET) against keyset
# paging (after= the previous page's "next", one request earlier), same rows, median of RUNS.
deep() {
	local name=$1 base=$2 pct=$3 total page next tn ta
	total=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$base&page=1" |
		python3 -c 'import json,sys;print(json.load(sys.stdin)["total"])')
	page=$((total * pct / 100 / 50))
	[ "$page" -ge 2 ] || return 0
	next=$(curl -fsS --max-time 1800 -H "Authorization: Bearer $TOKEN" "$base&page=$((page - 1))" |
		python3 -c 'import json,sys;print(json.load(sys.stdin)["next"])')
	tn=$(for _ in $(seq "$RUNS"); do one "$base&page=$page"; done | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}')
	ta=$(for _ in $(seq "$RUNS"); do one "$base&page=$page&after=$next"; done | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}')
	say "$(printf '%-17s page %d of %d: by number %.0f ms, after=%s %.0f ms (%.0fx)' "$name" "$page" \
		$(((total + 49) / 50)) "$tn" "$next" "$ta" "$(python3 -c "print($tn / max($ta, 0.001))")")"
}
say "deep pages, by page number and by cursor (median of $RUNS)"
deep members "$API/members?org=$ORG&per_page=50" 95
# the ranking's largest tie group (members with no points) lies in the middle
for pct in 50 75 95; do
	deep points_rankings "$API/points/rankings?org=$ORG&target=member&period=$YEAR&per_page=50" $pct
done

# An org move: the first county under another city and back (every member's org_path rewritten;
# the kept figures move with the county's own rows, 043). Time and server CPU each way.
move_org() {
	local id=$1 to=$2 v c0 out
	v=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$API/orgs/$id" | python3 -c 'import json,sys;print(json.load(sys.stdin)["version"])')
	c0=$(bench_cpu_ms)
	out=$(curl -sS -o /dev/null --max-time 1800 -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
		-X POST "$API/orgs/$id/move" -d "{\"version\":$v,\"parent_id\":$to}") || out="000 0"
	echo "$out $(($(bench_cpu_ms) - c0))"
}
read -r MV_ID MV_FROM MV_TO MV_N < <(q "SELECT c.id, c.parent_id, (SELECT o.id FROM orgs o WHERE o.depth = 1 AND o.kind = c.kind
  AND o.id <> c.parent_id AND o.dissolved_on IS NULL ORDER BY o.id LIMIT 1), (SELECT COALESCE(sum(x.direct_members), 0)
  FROM orgs x WHERE x.path LIKE c.path || '%') FROM orgs c WHERE c.depth = 2 AND c.kind = 'dept' AND c.dissolved_on IS NULL
  ORDER BY c.id LIMIT 1")
if [ -n "${MV_TO:-}" ]; then
	for to in "$MV_TO" "$MV_FROM"; do
		read -r code secs cpu < <(move_org "$MV_ID" "$to")
		say "$(printf 'org move          county %s (%s members) to %s: HTTP %s, %.0f ms, CPU %s ms' "$MV_ID" "$MV_N" "$to" \
			"$code" "$(python3 -c "print($secs * 1000)")" "$cpu")"
	done
fi

# The root's other views, one GET each (bench/province/sweep.txt): not timed against SQL;
# what a province's clerk would wait for and download. DJ_PROVINCE_SWEEP=0 leaves it out.
if [ "${DJ_PROVINCE_SWEEP:-1}" != 0 ]; then
	say "other views at the root, one request each (bench/province/sweep.txt; OVER: more than 2 s)"
	grep -v '^#' "$ROOT/bench/province/sweep.txt" | while read -r path; do
		[ -n "$path" ] || continue
		path=${path//ROOT/$ORG}
		path=${path//YEAR/$YEAR}
		read -r code secs size cpu < <(one "$API/$path")
		say "$(printf '  %-42s HTTP %s %9.0f ms %8s ms CPU %12s bytes%s' "$path" "$code" \
			"$(python3 -c "print($secs * 1000)")" "$cpu" "$size" \
			"$(python3 -c "print('  OVER' if $secs > 2 else '')")")"
	done
fi

: > "$TMP/sql"
if [ -n "$SQL_REPORTS" ]; then
	say "straightforward SQL of $SQL_REPORTS (median of $SQL_RUNS$([ "$SQL_WARMUP" = 0 ] && echo ", no warm-up" || echo " after a warm-up"))"
	sql_files=()
	for r in $SQL_REPORTS; do
		[ -f "$ROOT/bench/province/$r.sql" ] || { echo "province: no bench/province/$r.sql (DJ_PROVINCE_SQL)" >&2; exit 1; }
		sql_files+=("$ROOT/bench/province/$r.sql")
	done
	SQLTIME_WARMUP=$SQL_WARMUP python3 "$ROOT/bench/province/sqltime.py" "$DBARG" "$ORG" "$OPATH" "$YEAR" "$MONTH" \
		"$SQL_RUNS" "${sql_files[@]}" > "$TMP/sql"
fi

python3 - "$TMP/http" "$TMP/sql" <<'EOF'
import statistics, sys
http, sql = {}, {}
for l in open(sys.argv[1]):
    n, code, t, size, cpu = l.split()
    http.setdefault(n, []).append((code, float(t) * 1000, int(size), int(cpu)))
for l in open(sys.argv[2]):
    n, t, rows = l.split()
    sql[n] = (float(t), rows)
print("province: %-17s %6s %10s %10s %10s %10s %9s  %s" % ("report", "status", "HTTP ms", "CPU ms", "bytes", "SQL ms",
                                                            "SQL/HTTP", "target <= 2000 ms"))
for n, rs in http.items():
    codes = ",".join(sorted({r[0] for r in rs}))
    med = statistics.median(r[1] for r in rs)
    cpu = statistics.median(r[3] for r in rs)
    s = sql.get(n, (0.0, "-"))[0]
    ok = "ok" if codes == "200" and med <= 2000 else ("FAILED" if codes != "200" else "OVER")
    # "-": this report's SQL not timed (DJ_PROVINCE_SQL)
    print("province: %-17s %6s %10.0f %10.0f %10d %10s %9s  %s" % (n, codes, med, cpu, rs[-1][2],
          "%.0f" % s if n in sql else "-", "%.1fx" % (s / med if med else 0) if n in sql else "-", ok))
EOF

say "database"
if [ -n "$USE_PG" ]; then
	q "SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())" |
		awk '{print "province:   size " $1 " " $2 " (" $3 " bytes)"}'
	q "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'" \
		> "$TMP/tables"
else
	stat -c %s "$DB" | awk '{printf "province:   size %.2f GB (%.0f bytes)\n", $1 / 1e9, $1}'
	q "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" > "$TMP/tables"
fi
while read -r t; do
	echo "$t $(q "SELECT count(*) FROM \"$t\"")"
done < "$TMP/tables" | sort -k2,2nr | awk '$2 >= 1000 {printf "province:   %-28s %12d rows\n", $1, $2}'
