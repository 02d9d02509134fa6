#ifndef STORE_H
#define STORE_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
/*
 * The store: one interface, one ops table per backend (curl lib/vtls, lwan's
 * database.c). Callers see opaque handles only:
 *   struct store  a pool of connections to one database (thread-safe)
 *   struct db     one connection, used by one thread between acquire and release
 *   struct stmt   a prepared statement owned by its db (cached; never freed by callers)
 * SQL is written once with '?' placeholders and bound parameters only; the PostgreSQL
 * backend rewrites them to $n. Values cross as int64 or UTF-8 text; dates are text
 * 'YYYY-MM-DD', times are text ISO-8601 UTC, booleans are 0/1.
 */
struct store;
struct db;
struct stmt;

enum store_step {
	STEP_ROW = 1,
	STEP_DONE = 0,
	STEP_ERROR = -1,
	STEP_CONSTRAINT = -2, /* unique / foreign key / check violation */
};

struct store_ops {
	const char *name; /* "sqlite" | "postgres" */
	int (*connect)(struct db **out, const char *target, struct err *e);
	void (*disconnect)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct err *e); /* no parameters, may hold several statements */
	struct stmt *(*prepare)(struct db *db, const char *sql);    /* NULL on error: see errmsg */
	void (*bind_int)(struct stmt *st, int idx, int64_t v);    /* idx from 1 */
	void (*bind_text)(struct stmt *st, int idx, const char *s); /* s copied; NULL binds NULL */
	void (*bind_null)(struct stmt *st, int idx);
	int (*step)(struct stmt *st);                              /* enum store_step */
	int64_t (*col_int)(struct stmt *st, int col);
	const char *(*col_text)(struct stmt *st, int col);         /* NULL for SQL NULL; valid until next step/reset */
	int (*col_is_null)(struct stmt *st, int col);
	void (*reset)(struct stmt *st);                             /* clears bindings and results */
	const char *(*errmsg)(struct db *db);
	int64_t (*changes)(struct db *db);
	/* optional (NULL = nothing to do): see db_bulk_begin */
	int (*bulk_begin)(struct db *db, const char *table, struct err *e);
	int (*bulk_end)(struct db *db, struct err *e);
	void (*bulk_forget)(struct db *db);
	/* backup and restore (store_backup.c): a whole-database copy to / from FILE */
	int (*backup)(struct db *db, const char *file, struct err *e);
	int (*restore)(struct db *db, const char *file, struct err *e);
	int64_t (*table_count)(struct db *db, struct err *e); /* tables in the database's schema; -1 on error */
	/* optional (NULL = not offered): see db_copy */
	int (*copy)(struct db *db, const char *table, const char *cols, const char *data, size_t len, struct err *e);
	/* optional (NULL = not known): see stmt_rows_hint */
	int64_t (*rows_hint)(struct stmt *st);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* url: "sqlite:PATH", a bare PATH, or "postgres://..." / "postgresql://..." */
int store_open(struct store **out, const char *url, int pool_size, struct err *e);
void store_close(struct store *st);
const char *store_backend(const struct store *st);
/* Blocks until a connection is free. */
struct db *store_acquire(struct store *st);
void store_release(struct store *st, struct db *db);

/* Every struct db begins with this header so the generic layer can dispatch. */
struct db_base {
	const struct store_ops *ops;
	int in_tx;
};
struct stmt_base {
	struct db *db;
};

const char *db_backend(struct db *db);
int db_exec(struct db *db, const char *sql, struct err *e);
int db_begin(struct db *db, struct err *e);      /* write transaction (IMMEDIATE on SQLite) */
/* A read-only transaction whose statements all see one snapshot (a long read in slices
 * reads one state of the data); ended by db_commit. */
int db_begin_snapshot(struct db *db, struct err *e);
int db_in_transaction(struct db *db);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
/*
 * Prepare (cached per connection by SQL text). Returns NULL and fills e on error.
 * The statement is reset and its bindings cleared when returned, so callers never
 * see a previous caller's results.
 */
struct stmt *db_prepare(struct db *db, const char *sql, struct err *e);
void stmt_bind_int(struct stmt *st, int idx, int64_t v);
void stmt_bind_text(struct stmt *st, int idx, const char *s);
void stmt_bind_null(struct stmt *st, int idx);
/* Returns STEP_ROW, STEP_DONE, or fills e and returns STEP_ERROR / STEP_CONSTRAINT. */
int stmt_step(struct stmt *st, struct err *e);
int64_t stmt_int(struct stmt *st, int col);
const char *stmt_text(struct stmt *st, int col);
/* text column copied into a fixed buffer ("" for NULL) */
void stmt_text_copy(struct stmt *st, int col, char *dst, size_t size);
int stmt_is_null(struct stmt *st, int col);
/*
 * After a STEP_ROW: how many rows the result holds in all, where the backend has read them
 * already (PostgreSQL), so a caller sizes its array once; -1 where it does not know (SQLite
 * reads row by row).
 */
int64_t stmt_rows_hint(struct stmt *st);
void stmt_reset(struct stmt *st);
int64_t db_changes(struct db *db);
const char *db_errmsg(struct db *db);

/*
 * Bulk load into one table inside the caller's open transaction. A backend whose row
 * costs are dominated by index and trigger upkeep (SQLite) sets the table's secondary
 * indexes and row triggers aside and restores them at db_bulk_end, in the same
 * transaction, so a rollback restores everything. Unique constraints declared on
 * columns stay in force. Rows written in between fire no triggers: the caller repairs
 * whatever those triggers maintain (see org_recount_members).
 */
int db_bulk_begin(struct db *db, const char *table, struct err *e);
int db_bulk_end(struct db *db, struct err *e);

/* Convenience: run a prepared statement expecting no rows; 0 or error code. */
int stmt_run(struct stmt *st, struct err *e);

/* Migrations (store/migrate.c): bring the schema to the newest version. */
int store_migrate(struct db *db, struct err *e);
int store_schema_version(struct db *db);
int store_schema_newest(void); /* the highest migration number this binary carries */

/*
 * Backup and restore (store_backup.c), dispatched to the backend: SQLite copies pages
 * with the online backup API (safe while the server writes; readers and writers keep
 * going), PostgreSQL runs pg_dump --format=custom / pg_restore --clean as child
 * processes (argv only, never a shell; the connection's settings, password included,
 * travel in the child's environment, never on its command line). Both write FILE
 * through FILE.partial and a rename, so a failed backup never leaves a truncated
 * FILE. Restore replaces the database's contents; db_table_count tells an empty
 * target (0) from one that holds a schema.
 */
/*
 * Bulk rows in one round trip (PostgreSQL COPY … FROM STDIN), inside the caller's open
 * transaction: TABLE (COLS) gets the rows of DATA (LEN bytes) in COPY's text format — a
 * row per line ended by '\n', fields separated by '\t', \N for NULL, text escaped by
 * db_copy_text. db_can_copy says whether the backend offers it (SQLite does not: load
 * with multi-row INSERTs there); db_copy on one that does not fails with E_INTERNAL.
 * Constraints and triggers apply as for INSERT; an error fails the whole copy.
 */
int db_can_copy(struct db *db);
int db_copy(struct db *db, const char *table, const char *cols, const char *data, size_t len, struct err *e);
struct strbuf;
void db_copy_text(struct strbuf *out, const char *s); /* s escaped for a COPY text field */

int db_backup(struct db *db, const char *file, struct err *e);
int db_restore(struct db *db, const char *file, struct err *e);
int64_t db_table_count(struct db *db, struct err *e);
#endif
