/*
 * The generic half of the store: URL parsing, the connection pool, and dispatch of
 * the stmt_* calls to the backend's ops table. Backends live in store_sqlite.c and
 * store_pg.c and never see each other.
 */
#include "store/store.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct store {
	const struct store_ops *ops;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int size;
	int nfree;
	struct db **free_list;
	struct db **all;
};

#define OPS(db) (((struct db_base *)(db))->ops)
#define STMT_DB(st) (((struct stmt_base *)(st))->db)

static const struct store_ops *backend_for(const char *url, const char **target)
{
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		*target = url;
		return &store_pg_ops;
	}
	if (!strncmp(url, "sqlite:", 7)) {
		*target = url + 7;
		return &store_sqlite_ops;
	}
	*target = url;
	return &store_sqlite_ops;
}

int store_open(struct store **out, const char *url, int pool_size, struct err *e)
{
	const char *target;
	const struct store_ops *ops = backend_for(url, &target);
	struct store *st;
	int i, rc = 0;

	if (pool_size < 1)
		pool_size = 1;
	st = xcalloc(1, sizeof(*st));
	st->ops = ops;
	st->size = pool_size;
	st->free_list = xcalloc((size_t)pool_size, sizeof(*st->free_list));
	st->all = xcalloc((size_t)pool_size, sizeof(*st->all));
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->freed, NULL);
	for (i = 0; i < pool_size; i++) {
		rc = ops->connect(&st->all[i], target, e);
		if (rc)
			break;
		st->free_list[st->nfree++] = st->all[i];
	}
	if (rc) {
		st->size = i;
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	int i;
	if (!st)
		return;
	for (i = 0; i < st->size; i++)
		if (st->all[i])
			st->ops->disconnect(st->all[i]);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->freed);
	free(st->free_list);
	free(st->all);
	free(st);
}

const char *store_backend(const struct store *st)
{
	return st->ops->name;
}

struct db *store_acquire(struct store *st)
{
	struct db *db;
	pthread_mutex_lock(&st->lock);
	while (st->nfree == 0)
		pthread_cond_wait(&st->freed, &st->lock);
	db = st->free_list[--st->nfree];
	pthread_mutex_unlock(&st->lock);
	return db;
}

void store_release(struct store *st, struct db *db)
{
	if (((struct db_base *)db)->in_tx)
		db_rollback(db); /* a handler that bailed out mid-transaction writes nothing */
	pthread_mutex_lock(&st->lock);
	st->free_list[st->nfree++] = db;
	pthread_cond_signal(&st->freed);
	pthread_mutex_unlock(&st->lock);
}

const char *db_backend(struct db *db)
{
	return OPS(db)->name;
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	return OPS(db)->exec(db, sql, e);
}

int db_begin(struct db *db, struct err *e)
{
	int rc;
	const char *sql = strcmp(OPS(db)->name, "sqlite") ? "BEGIN" : "BEGIN IMMEDIATE";
	rc = OPS(db)->exec(db, sql, e);
	if (!rc)
		((struct db_base *)db)->in_tx = 1;
	return rc;
}

int db_begin_snapshot(struct db *db, struct err *e)
{
	/* SQLite: a deferred transaction holds the WAL snapshot of its first read (writers go
	 * on); PostgreSQL: REPEATABLE READ takes one snapshot for all its statements */
	const char *sql = strcmp(OPS(db)->name, "sqlite") ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
	int rc = OPS(db)->exec(db, sql, e);
	if (!rc)
		((struct db_base *)db)->in_tx = 1;
	return rc;
}

int db_in_transaction(struct db *db)
{
	return ((struct db_base *)db)->in_tx;
}

int db_commit(struct db *db, struct err *e)
{
	int rc = OPS(db)->exec(db, "COMMIT", e);
	if (rc)
		db_rollback(db);
	((struct db_base *)db)->in_tx = 0;
	return rc;
}

void db_rollback(struct db *db)
{
	if (OPS(db)->bulk_forget)
		OPS(db)->bulk_forget(db); /* the rollback undid the set-aside as well */
	OPS(db)->exec(db, "ROLLBACK", NULL);
	((struct db_base *)db)->in_tx = 0;
}

int db_bulk_begin(struct db *db, const char *table, struct err *e)
{
	return OPS(db)->bulk_begin ? OPS(db)->bulk_begin(db, table, e) : 0;
}

int db_bulk_end(struct db *db, struct err *e)
{
	return OPS(db)->bulk_end ? OPS(db)->bulk_end(db, e) : 0;
}

int db_can_copy(struct db *db)
{
	return OPS(db)->copy != NULL;
}

int db_copy(struct db *db, const char *table, const char *cols, const char *data, size_t len, struct err *e)
{
	if (!OPS(db)->copy)
		return err_set(e, E_INTERNAL, NULL, NULL, "%s: no COPY", OPS(db)->name);
	return OPS(db)->copy(db, table, cols, data, len, e);
}

void db_copy_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			strbuf_addstr(out, "\\\\");
			break;
		case '\t':
			strbuf_addstr(out, "\\t");
			break;
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\r':
			strbuf_addstr(out, "\\r");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}

struct stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
	struct stmt *st = OPS(db)->prepare(db, sql);
	if (!st) {
		err_set(e, E_DB, NULL, NULL, "prepare failed: %s", OPS(db)->errmsg(db));
		return NULL;
	}
	OPS(db)->reset(st);
	return st;
}

void stmt_bind_int(struct stmt *st, int idx, int64_t v)
{
	OPS(STMT_DB(st))->bind_int(st, idx, v);
}

void stmt_bind_text(struct stmt *st, int idx, const char *s)
{
	OPS(STMT_DB(st))->bind_text(st, idx, s);
}

void stmt_bind_null(struct stmt *st, int idx)
{
	OPS(STMT_DB(st))->bind_null(st, idx);
}

int stmt_step(struct stmt *st, struct err *e)
{
	struct db *db = STMT_DB(st);
	int rc = OPS(db)->step(st);
	if (rc == STEP_CONSTRAINT)
		err_set(e, E_CONFLICT, NULL, "store.constraint", "constraint violated: %s", OPS(db)->errmsg(db));
	else if (rc == STEP_ERROR)
		err_set(e, E_DB, NULL, NULL, "store error: %s", OPS(db)->errmsg(db));
	return rc;
}

int64_t stmt_rows_hint(struct stmt *st)
{
	return OPS(STMT_DB(st))->rows_hint ? OPS(STMT_DB(st))->rows_hint(st) : -1;
}

int64_t stmt_int(struct stmt *st, int col)
{
	return OPS(STMT_DB(st))->col_int(st, col);
}

const char *stmt_text(struct stmt *st, int col)
{
	return OPS(STMT_DB(st))->col_text(st, col);
}

void stmt_text_copy(struct stmt *st, int col, char *dst, size_t size)
{
	const char *s = stmt_text(st, col);
	strlcpy_z(dst, s ? s : "", size);
}

int stmt_is_null(struct stmt *st, int col)
{
	return OPS(STMT_DB(st))->col_is_null(st, col);
}

void stmt_reset(struct stmt *st)
{
	OPS(STMT_DB(st))->reset(st);
}

int64_t db_changes(struct db *db)
{
	return OPS(db)->changes(db);
}

const char *db_errmsg(struct db *db)
{
	return OPS(db)->errmsg(db);
}

int stmt_run(struct stmt *st, struct err *e)
{
	int rc = stmt_step(st, e);
	stmt_reset(st);
	if (rc == STEP_ROW || rc == STEP_DONE)
		return 0;
	return e ? (int)e->code : E_DB;
}

int db_backup(struct db *db, const char *file, struct err *e)
{
	char partial[4096];
	int fd;
	if (!OPS(db)->backup)
		return err_set(e, E_INTERNAL, NULL, NULL, "%s: backup is not supported", OPS(db)->name);
	/* the backup holds password hashes and encrypted personal data: owner-only from the first byte */
	xsnprintf(partial, sizeof(partial), "%s.partial", file);
	unlink(partial);
	fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, E_IO, "file", NULL, "cannot write %s: %s", partial, strerror(errno));
	close(fd);
	return OPS(db)->backup(db, file, e);
}

int db_restore(struct db *db, const char *file, struct err *e)
{
	if (!OPS(db)->restore)
		return err_set(e, E_INTERNAL, NULL, NULL, "%s: restore is not supported", OPS(db)->name);
	return OPS(db)->restore(db, file, e);
}

int64_t db_table_count(struct db *db, struct err *e)
{
	if (!OPS(db)->table_count) {
		err_set(e, E_INTERNAL, NULL, NULL, "%s: cannot count tables", OPS(db)->name);
		return -1;
	}
	return OPS(db)->table_count(db, e);
}
