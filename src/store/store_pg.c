/*
 * PostgreSQL backend (libpq). Same contract as store_sqlite.c: one connection per
 * pool slot, a per-connection cache of server-side prepared statements keyed by the
 * SQL text (statement names s1, s2, ... are generated per connection), '?'
 * placeholders rewritten to $1..$n once at prepare time.
 *
 * Parameters and results cross as text: int64 values are printed, NULL is a NULL
 * pointer, and parameter types are left for the server to infer (paramTypes NULL).
 * Where PostgreSQL cannot infer a type (SELECT ?, ? IS NULL, COALESCE(?, ...),
 * arithmetic on two parameters, ...) the SQL must say CAST(? AS BIGINT) /
 * CAST(? AS TEXT); that spelling is valid on SQLite too, so SQL stays shared.
 *
 * Ownership: the db owns its cached statements (freed at disconnect or eviction);
 * a statement owns its parameter copies and its PGresult (freed at reset).
 */
#include <errno.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

extern char **environ;

#define CACHE_SLOTS 512 /* power of two; distinct statements per connection */
#define STMT_NAME_LEN 24
#define ERRMSG_LEN 512

struct stmt {
	struct stmt_base base;
	char *sql;                  /* cache key: the SQL as the caller wrote it */
	char name[STMT_NAME_LEN];   /* server-side prepared statement name */
	int nparams;
	char **params;              /* nparams text values; NULL = SQL NULL */
	PGresult *res;              /* rows of the current execution */
	int executed;               /* step() has run the statement since the last reset */
	int result_rc;              /* what step() returns once the rows are exhausted */
	int ntuples;
	int row;                    /* current row, -1 before the first STEP_ROW */
};

struct db {
	struct db_base base;
	PGconn *conn;
	unsigned long next_stmt;    /* suffix of the next generated statement name */
	int64_t changes;
	char errmsg[ERRMSG_LEN];
	struct stmt *cache[CACHE_SLOTS];
};

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* libpq prints NOTICEs (e.g. "relation already exists, skipping") to stderr by default. */
static void pg_quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Keep a one-line copy of msg as the connection's last error. */
static void set_errmsg(struct db *db, const char *msg)
{
	size_t n;
	strlcpy_z(db->errmsg, msg && *msg ? msg : "unknown PostgreSQL error", sizeof(db->errmsg));
	n = strlen(db->errmsg);
	while (n > 0 && (db->errmsg[n - 1] == '\n' || db->errmsg[n - 1] == '\r' || db->errmsg[n - 1] == ' '))
		db->errmsg[--n] = '\0';
}

static void set_errmsg_result(struct db *db, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	set_errmsg(db, msg && *msg ? msg : PQerrorMessage(db->conn));
}

/*
 * SQLite's changes() counts rows touched by the last INSERT/UPDATE/DELETE and is left
 * alone by SELECTs; follow that so "UPDATE ... WHERE version = ?" then db_changes()
 * means the same on both backends.
 */
static void note_changes(struct db *db, PGresult *res)
{
	const char *status = PQcmdStatus(res);
	const char *tuples = PQcmdTuples(res);
	if (status && tuples && *tuples &&
	    (!strncmp(status, "INSERT", 6) || !strncmp(status, "UPDATE", 6) ||
	     !strncmp(status, "DELETE", 6) || !strncmp(status, "MERGE", 5)))
		db->changes = strtoll(tuples, NULL, 10);
}

static int pg_connect(struct db **out, const char *target, struct err *e)
{
	struct db *db = xcalloc(1, sizeof(*db));
	PGresult *res = NULL;
	int rc = 0;

	db->base.ops = &store_pg_ops;
	db->conn = PQconnectdb(target);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		/* never echo target: it may carry a password */
		set_errmsg(db, db->conn ? PQerrorMessage(db->conn) : "out of memory");
		rc = err_set(e, E_DB, "db", NULL, "cannot connect to PostgreSQL: %s", db->errmsg);
		goto out;
	}
	PQsetNoticeProcessor(db->conn, pg_quiet_notice, NULL);
	if (PQsetClientEncoding(db->conn, "UTF8") != 0) {
		set_errmsg(db, PQerrorMessage(db->conn));
		rc = err_set(e, E_DB, "db", NULL, "PostgreSQL: cannot set client encoding UTF8: %s", db->errmsg);
		goto out;
	}
	res = PQexec(db->conn, "SET TIME ZONE 'UTC'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_errmsg_result(db, res);
		rc = err_set(e, E_DB, "db", NULL, "PostgreSQL: cannot set time zone: %s", db->errmsg);
		goto out;
	}
	db->next_stmt = 1;
	*out = db;
out:
	PQclear(res);
	if (rc) {
		PQfinish(db->conn);
		free(db);
	}
	return rc;
}

static void stmt_clear(struct stmt *st)
{
	int i;
	for (i = 0; i < st->nparams; i++) {
		free(st->params[i]);
		st->params[i] = NULL;
	}
	PQclear(st->res);
	st->res = NULL;
	st->executed = 0;
	st->result_rc = STEP_DONE;
	st->ntuples = 0;
	st->row = -1;
}

static void stmt_free(struct stmt *st)
{
	if (st) {
		stmt_clear(st);
		free(st->params);
		free(st->sql);
		free(st);
	}
}

static void pg_disconnect(struct db *db)
{
	int i;
	for (i = 0; i < CACHE_SLOTS; i++)
		stmt_free(db->cache[i]);
	PQfinish(db->conn);
	free(db);
}

static int pg_exec(struct db *db, const char *sql, struct err *e)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = 0;

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		note_changes(db, res);
	} else {
		set_errmsg_result(db, res);
		rc = err_set(e, E_DB, NULL, NULL, "postgres: %s", db->errmsg);
	}
	PQclear(res);
	return rc;
}

/*
 * Copy sql to out with each '?' placeholder replaced by $1, $2, ... Question marks
 * inside '...' literals (with '' escapes), "..." identifiers, -- line comments and
 * block comments are text, not placeholders. Returns the number of placeholders.
 */
static int rewrite_placeholders(struct strbuf *out, const char *sql)
{
	const char *p = sql;
	int n = 0;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			strbuf_addch(out, *p++);
			while (*p) {
				if (*p == q && p[1] == q) { /* doubled quote: escaped */
					strbuf_addch(out, *p++);
					strbuf_addch(out, *p++);
					continue;
				}
				if (*p == q)
					break;
				strbuf_addch(out, *p++);
			}
			if (*p)
				strbuf_addch(out, *p++);
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				strbuf_addch(out, *p++);
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 0; /* PostgreSQL block comments nest */
			do {
				if (p[0] == '/' && p[1] == '*') {
					depth++;
					strbuf_add(out, p, 2);
					p += 2;
				} else if (p[0] == '*' && p[1] == '/') {
					depth--;
					strbuf_add(out, p, 2);
					p += 2;
				} else {
					strbuf_addch(out, *p++);
				}
			} while (*p && depth > 0);
		} else if (*p == '?') {
			strbuf_addf(out, "$%d", ++n);
			p++;
		} else {
			strbuf_addch(out, *p++);
		}
	}
	return n;
}

static struct stmt *stmt_create(struct db *db, const char *sql)
{
	struct strbuf pgsql = STRBUF_INIT;
	struct stmt *st = xcalloc(1, sizeof(*st));
	PGresult *res = NULL;
	int ok = 0;

	st->base.db = db;
	st->row = -1;
	st->result_rc = STEP_DONE;
	st->nparams = rewrite_placeholders(&pgsql, sql);
	xsnprintf(st->name, sizeof(st->name), "s%lu", db->next_stmt++);
	res = PQprepare(db->conn, st->name, pgsql.buf, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_errmsg_result(db, res);
		goto out;
	}
	st->params = xcalloc(st->nparams > 0 ? (size_t)st->nparams : 1, sizeof(*st->params));
	st->sql = xstrdup(sql);
	ok = 1;
out:
	PQclear(res);
	strbuf_release(&pgsql);
	if (!ok) {
		free(st);
		st = NULL;
	}
	return st;
}

static void stmt_evict(struct db *db, struct stmt *st)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *res;
	/*
	 * Best effort: in an aborted transaction DEALLOCATE fails and the server keeps
	 * the plan until disconnect; names are never reused, so nothing clashes.
	 */
	strbuf_addf(&sql, "DEALLOCATE %s", st->name);
	res = PQexec(db->conn, sql.buf);
	PQclear(res);
	strbuf_release(&sql);
	stmt_free(st);
}

static struct stmt *pg_prepare(struct db *db, const char *sql)
{
	uint32_t h = hash_sql(sql);
	uint32_t i, slot = 0;
	struct stmt *st = NULL;

	for (i = 0; i < CACHE_SLOTS; i++) {
		slot = (h + i) & (CACHE_SLOTS - 1);
		if (!db->cache[slot])
			break;
		if (!strcmp(db->cache[slot]->sql, sql)) {
			st = db->cache[slot];
			goto out;
		}
	}
	st = stmt_create(db, sql);
	if (!st)
		goto out;
	if (i >= CACHE_SLOTS) {
		/* cache full: evict the home slot (rare: only dynamic SQL gets here) */
		slot = h & (CACHE_SLOTS - 1);
		stmt_evict(db, db->cache[slot]);
	}
	db->cache[slot] = st;
out:
	return st;
}

static void set_param(struct stmt *st, int idx, char *value)
{
	if (idx >= 1 && idx <= st->nparams) {
		free(st->params[idx - 1]);
		st->params[idx - 1] = value;
	} else {
		free(value); /* no such placeholder: ignored, as sqlite3_bind_* does */
	}
}

static void pg_bind_int(struct stmt *st, int idx, int64_t v)
{
	char buf[24];
	xsnprintf(buf, sizeof(buf), "%" PRId64, v);
	set_param(st, idx, xstrdup(buf));
}

static void pg_bind_text(struct stmt *st, int idx, const char *s)
{
	set_param(st, idx, s ? xstrdup(s) : NULL);
}

static void pg_bind_null(struct stmt *st, int idx)
{
	set_param(st, idx, NULL);
}

static int classify_error(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	/* class 23: integrity constraint violation (23505 unique, 23503 FK, 23514 check, 23502 not null) */
	return state && state[0] == '2' && state[1] == '3' ? STEP_CONSTRAINT : STEP_ERROR;
}

static int pg_execute(struct stmt *st)
{
	struct db *db = st->base.db;
	PGresult *res;
	int rc;

	res = PQexecPrepared(db->conn, st->name, st->nparams, (const char *const *)st->params,
			     NULL, NULL, 0);
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		note_changes(db, res);
		st->res = res;
		st->ntuples = PQntuples(res);
		rc = STEP_DONE;
		break;
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		note_changes(db, res);
		PQclear(res);
		rc = STEP_DONE;
		break;
	default:
		set_errmsg_result(db, res);
		rc = classify_error(res);
		PQclear(res);
		break;
	}
	return rc;
}

static int pg_step(struct stmt *st)
{
	int rc;
	if (!st->executed) {
		st->executed = 1;
		st->row = -1;
		st->result_rc = pg_execute(st);
	}
	if (st->res && st->row + 1 < st->ntuples) {
		st->row++;
		rc = STEP_ROW;
	} else {
		st->row = st->ntuples; /* past the end: columns read as NULL */
		rc = st->result_rc;
	}
	return rc;
}

/* The current row's value of col, NULL for SQL NULL or when there is no such cell. */
static const char *cell(struct stmt *st, int col)
{
	const char *v = NULL;
	if (st->res && st->row >= 0 && st->row < st->ntuples && col >= 0 && col < PQnfields(st->res) &&
	    !PQgetisnull(st->res, st->row, col))
		v = PQgetvalue(st->res, st->row, col);
	return v;
}

/* the whole result is in memory (PQexecPrepared) once the first row is */
static int64_t pg_rows_hint(struct stmt *st)
{
	return st->res ? st->ntuples : -1;
}

static int64_t pg_col_int(struct stmt *st, int col)
{
	const char *v = cell(st, col);
	int64_t n = 0;
	if (!v)
		n = 0;
	else if (!strcmp(v, "t")) /* booleans arrive as t/f */
		n = 1;
	else if (!strcmp(v, "f"))
		n = 0;
	else
		n = strtoll(v, NULL, 10);
	return n;
}

static const char *pg_col_text(struct stmt *st, int col)
{
	return cell(st, col);
}

static int pg_col_is_null(struct stmt *st, int col)
{
	return cell(st, col) == NULL;
}

static void pg_reset(struct stmt *st)
{
	stmt_clear(st);
}

static const char *pg_errmsg(struct db *db)
{
	if (!db->errmsg[0])
		set_errmsg(db, PQerrorMessage(db->conn));
	return db->errmsg;
}

static int64_t pg_changes(struct db *db)
{
	return db->changes;
}

/*
 * Backup and restore run pg_dump / pg_restore (found on PATH) as child processes:
 * argv only, no shell. The connection's settings, password included, go to the child
 * as the libpq environment variables (PGHOST, PGPASSWORD, ...) taken from this
 * connection, so nothing secret appears on a command line; the caller's own PG*
 * variables are dropped so they cannot redirect the child to another server.
 */
static char **child_env(PQconninfoOption *opts, char *dbname, size_t dbname_size)
{
	size_t n = 0, cap = 1, i;
	char **envp;
	PQconninfoOption *o;
	for (i = 0; environ[i]; i++)
		cap++;
	for (o = opts; o && o->keyword; o++)
		cap++;
	envp = xcalloc(cap, sizeof(*envp));
	dbname[0] = '\0';
	for (o = opts; o && o->keyword; o++) {
		struct strbuf sb = STRBUF_INIT;
		if (!strcmp(o->keyword, "dbname") && o->val)
			strlcpy_z(dbname, o->val, dbname_size);
		if (!o->envvar || !o->val || !o->val[0])
			continue;
		strbuf_addf(&sb, "%s=%s", o->envvar, o->val);
		envp[n++] = strbuf_detach(&sb, NULL);
	}
	for (i = 0; environ[i]; i++) {
		int ours = 0;
		for (o = opts; o && o->keyword && !ours; o++) {
			size_t len = o->envvar ? strlen(o->envvar) : 0;
			ours = len && !strncmp(environ[i], o->envvar, len) && environ[i][len] == '=';
		}
		if (!ours)
			envp[n++] = xstrdup(environ[i]);
	}
	envp[n] = NULL;
	return envp;
}

static int run_tool(struct db *db, const char *tool, const char *const args[], struct err *e)
{
	PQconninfoOption *opts = PQconninfo(db->conn);
	char dbname[256], dbarg[300];
	char **envp = child_env(opts, dbname, sizeof(dbname));
	const char *argv[16];
	pid_t pid;
	int status = 0, rc = 0, i, n = 0;
	PQconninfoFree(opts);
	xsnprintf(dbarg, sizeof(dbarg), "--dbname=%s", dbname);
	argv[n++] = tool;
	for (i = 0; args[i] && n < 14; i++)
		argv[n++] = args[i];
	argv[n++] = dbarg;
	argv[n] = NULL;
	fflush(NULL);
	if ((errno = posix_spawnp(&pid, tool, NULL, NULL, (char *const *)argv, envp))) {
		rc = err_set(e, E_IO, NULL, NULL, "cannot run %s: %s (install the PostgreSQL client tools)", tool,
			     strerror(errno));
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			rc = err_set(e, E_IO, NULL, NULL, "%s: %s", tool, strerror(errno));
			goto out;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = err_set(e, E_IO, NULL, NULL, "%s failed (%s %d)", tool, WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	for (i = 0; envp[i]; i++)
		free(envp[i]);
	free(envp);
	return rc;
}

static int pg_backup(struct db *db, const char *file, struct err *e)
{
	struct strbuf tmp = STRBUF_INIT;
	int rc;
	strbuf_addf(&tmp, "%s.partial", file);
	{
		const char *args[] = { "--format=custom", "--no-password", "--file", tmp.buf, NULL };
		rc = run_tool(db, "pg_dump", args, e);
	}
	if (!rc && rename(tmp.buf, file))
		rc = err_set(e, E_IO, "file", NULL, "cannot rename %s to %s: %s", tmp.buf, file, strerror(errno));
	if (rc)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return rc;
}

/*
 * pg_restore --clean cannot replace partitioned tables (041): it drops each partition's
 * inherited key on its own, which PostgreSQL refuses. So the current schema is set aside
 * under another name (one transaction), the backup restored into a new, empty one in one
 * transaction, and the old schema dropped after; a failed restore puts the old one back,
 * so the database is as it was.
 */
#define RESTORE_ASIDE "dj_restore_aside"

static int pg_restore(struct db *db, const char *file, struct err *e)
{
	const char *args[] = { "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
			       "--no-password", file, NULL };
	struct strbuf sql = STRBUF_INIT;
	char *schema;
	int rc;
	PGresult *res;
	if (access(file, R_OK))
		return err_set(e, E_IO, "file", NULL, "cannot read %s: %s", file, strerror(errno));
	res = PQexec(db->conn, "SELECT quote_ident(current_schema())");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		set_errmsg_result(db, res);
		PQclear(res);
		return err_set(e, E_DB, "db", NULL, "PostgreSQL: no current schema: %s", db->errmsg);
	}
	schema = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	strbuf_addf(&sql, "BEGIN; DROP SCHEMA IF EXISTS " RESTORE_ASIDE " CASCADE; ALTER SCHEMA %s RENAME TO " RESTORE_ASIDE
			  "; CREATE SCHEMA %s; COMMIT",
		    schema, schema);
	if ((rc = pg_exec(db, sql.buf, e))) {
		struct err ignored;
		pg_exec(db, "ROLLBACK", &ignored);
		goto out;
	}
	rc = run_tool(db, "pg_restore", args, e);
	strbuf_reset(&sql);
	if (rc)
		strbuf_addf(&sql, "BEGIN; DROP SCHEMA %s CASCADE; ALTER SCHEMA " RESTORE_ASIDE " RENAME TO %s; COMMIT", schema,
			    schema);
	else
		strbuf_addstr(&sql, "DROP SCHEMA " RESTORE_ASIDE " CASCADE");
	{
		/* the restore's own error, if any, is the one to report */
		struct err e2;
		err_clear(&e2);
		if (pg_exec(db, sql.buf, &e2) && !rc)
			rc = err_set(e, E_DB, "db", NULL, "%s", e2.message);
	}
out:
	free(schema);
	strbuf_release(&sql);
	return rc;
}

static int64_t pg_table_count(struct db *db, struct err *e)
{
	PGresult *res = PQexec(db->conn, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
	int64_t n = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else {
		set_errmsg_result(db, res);
		err_set(e, E_DB, "db", NULL, "PostgreSQL: %s", db->errmsg);
	}
	PQclear(res);
	return n;
}

/*
 * COPY table (cols) FROM STDIN with data in COPY's text format, in pieces of at most
 * 1 MB (PQputCopyData takes an int length). The server answers once, at the end: a
 * bad row fails the whole COPY, and the caller's transaction with it.
 */
static int pg_copy(struct db *db, const char *table, const char *cols, const char *data, size_t len, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *res;
	size_t done = 0;
	int ok = 1, rc = 0;

	strbuf_addf(&sql, "COPY %s (%s) FROM STDIN", table, cols);
	res = PQexec(db->conn, sql.buf);
	strbuf_release(&sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		set_errmsg_result(db, res);
		PQclear(res);
		return err_set(e, E_DB, NULL, NULL, "postgres: COPY %s: %s", table, db->errmsg);
	}
	PQclear(res);
	while (ok && done < len) {
		size_t n = len - done > (1u << 20) ? (1u << 20) : len - done;
		ok = PQputCopyData(db->conn, data + done, (int)n) == 1;
		done += n;
	}
	if (!ok)
		set_errmsg(db, PQerrorMessage(db->conn));
	if (PQputCopyEnd(db->conn, ok ? NULL : "the client could not send the rows") != 1 && ok) {
		set_errmsg(db, PQerrorMessage(db->conn));
		ok = 0;
	}
	while ((res = PQgetResult(db->conn))) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		} else if (ok) {
			set_errmsg_result(db, res);
			ok = 0;
		}
		PQclear(res);
	}
	if (!ok)
		rc = err_set(e, E_DB, NULL, NULL, "postgres: COPY %s: %s", table, db->errmsg);
	return rc;
}

const struct store_ops store_pg_ops = {
	.name = "postgres",
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_is_null = pg_col_is_null,
	.reset = pg_reset,
	.errmsg = pg_errmsg,
	.changes = pg_changes,
	.backup = pg_backup,
	.restore = pg_restore,
	.table_count = pg_table_count,
	.copy = pg_copy,
	.rows_hint = pg_rows_hint,
};
