# A private, throw-away PostgreSQL for tests. Source this file, then:
#   pg_start [PARENT_DIR]  initdb + start on a random free port in a new temp dir under
#                          PARENT_DIR (default $TMPDIR or /tmp), create dangjian_test and
#                          export DJ_PG_URL, PG_PORT, PG_DIR
#   pg_newdb NAME          create another database, print its URL
#   pg_stop                stop the server and remove its directory
#   free_port              print a TCP port in 20000-60000 that nothing listens on
# initdb and pg_ctl refuse to run as root, so as root they run as the postgres user
# (runuser) in a directory it owns; PARENT_DIR must then be traversable by postgres.
# Works in bash and POSIX sh.

PG_BIN=${PG_BIN:-}
PG_DIR=${PG_DIR:-}
PG_PORT=${PG_PORT:-}

_pg_find_bin() {
	if [ -n "$PG_BIN" ]; then
		return 0
	fi
	for _d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$_d/initdb" ]; then
			PG_BIN=$_d
			return 0
		fi
	done
	echo "pg.sh: no PostgreSQL server binaries (install postgresql-15)" >&2
	return 1
}

# Run a server-side command as the owner of the data directory.
_pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$PG_DIR" && runuser -u postgres -- "$@")
	else
		(cd "$PG_DIR" && "$@")
	fi
}

free_port() {
	_i=0
	while [ "$_i" -lt 200 ]; do
		_p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40001 + 20000 ))
		if [ -z "$(ss -Hltn "sport = :$_p" 2>/dev/null)" ]; then
			echo "$_p"
			return 0
		fi
		_i=$((_i + 1))
	done
	echo "pg.sh: no free port found" >&2
	return 1
}

pg_start() {
	_parent=${1:-${TMPDIR:-/tmp}}
	_pg_find_bin || return 1
	if [ -n "$PG_DIR" ]; then
		echo "pg.sh: a test PostgreSQL is already running in $PG_DIR" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d "$_parent/djpg.XXXXXX") || return 1
	if [ "$(id -u)" = 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			echo "pg.sh: running as root needs the postgres user (package postgresql-15)" >&2
			rm -rf "$PG_DIR"
			PG_DIR=
			return 1
		fi
		chown postgres: "$PG_DIR"
	fi
	if ! _pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres \
		--locale=C.UTF-8 -E UTF8 >"$PG_DIR/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		pg_stop
		return 1
	fi
	_tries=0
	while :; do
		PG_PORT=$(free_port) || { pg_stop; return 1; }
		if _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
			-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >/dev/null 2>&1; then
			break
		fi
		_tries=$((_tries + 1))
		if [ "$_tries" -ge 3 ]; then
			echo "pg.sh: PostgreSQL did not start:" >&2
			cat "$PG_DIR/log" >&2
			pg_stop
			return 1
		fi
	done
	if ! "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres dangjian_test >/dev/null; then
		echo "pg.sh: createdb dangjian_test failed" >&2
		pg_stop
		return 1
	fi
	DJ_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/dangjian_test"
	export DJ_PG_URL PG_PORT PG_DIR PG_BIN
	return 0
}

pg_newdb() {
	if [ -z "$PG_PORT" ]; then
		echo "pg.sh: pg_newdb: no test PostgreSQL running" >&2
		return 1
	fi
	"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1" >/dev/null || return 1
	echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

pg_stop() {
	if [ -z "$PG_DIR" ]; then
		return 0
	fi
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast -w -t 60 >/dev/null 2>&1 ||
			_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
	PG_PORT=
	DJ_PG_URL=
	return 0
}
