/*
 * SQLite backend. One connection per pool slot, WAL journal so readers never wait
 * for the writer, a busy timeout so concurrent writers queue instead of failing, and a
 * per-connection cache of prepared statements keyed by SQL text.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CACHE_PAGES_NORMAL "-16000"   /* KiB: 16 MB per connection */
#define CACHE_PAGES_BULK "-262144"    /* 256 MB while one connection bulk loads */
#define CACHE_SLOTS 512 /* power of two; distinct statements per connection */

struct stmt {
	struct stmt_base base;
	sqlite3_stmt *s;
	char *sql;
};

struct db {
	struct db_base base;
	sqlite3 *h;
	struct stmt *cache[CACHE_SLOTS];
	struct strbuf bulk_restore; /* DDL set aside by bulk_begin, replayed by bulk_end */
};

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int sq_connect(struct db **out, const char *target, struct err *e)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int rc;
	db->base.ops = &store_sqlite_ops;
	strbuf_init(&db->bulk_restore, 0);
	rc = sqlite3_open_v2(target, &db->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, E_DB, "db", NULL, "cannot open SQLite database %s: %s", target,
			db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return E_DB;
	}
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_exec(db->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=" CACHE_PAGES_NORMAL ";", NULL, NULL, NULL);
	*out = db;
	return 0;
}

static void sq_disconnect(struct db *db)
{
	int i;
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (db->cache[i]) {
			sqlite3_finalize(db->cache[i]->s);
			free(db->cache[i]->sql);
			free(db->cache[i]);
		}
	}
	sqlite3_close(db->h);
	strbuf_release(&db->bulk_restore);
	free(db);
}

static int sq_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_set(e, E_DB, NULL, NULL, "sqlite: %s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return E_DB;
	}
	return 0;
}

static struct stmt *sq_prepare(struct db *db, const char *sql)
{
	uint32_t h = hash_sql(sql);
	uint32_t i, slot;
	struct stmt *st;
	for (i = 0; i < CACHE_SLOTS; i++) {
		slot = (h + i) & (CACHE_SLOTS - 1);
		st = db->cache[slot];
		if (!st)
			break;
		if (!strcmp(st->sql, sql))
			return st;
	}
	st = xcalloc(1, sizeof(*st));
	st->base.db = db;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->s, NULL) != SQLITE_OK) {
		free(st);
		return NULL;
	}
	st->sql = xstrdup(sql);
	if (i < CACHE_SLOTS) {
		db->cache[slot] = st;
	} else {
		/* cache full: evict the home slot (rare: only dynamic SQL gets here) */
		slot = h & (CACHE_SLOTS - 1);
		sqlite3_finalize(db->cache[slot]->s);
		free(db->cache[slot]->sql);
		free(db->cache[slot]);
		db->cache[slot] = st;
	}
	return st;
}

static void sq_bind_int(struct stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->s, idx, v);
}

static void sq_bind_text(struct stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st->s, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->s, idx);
}

static void sq_bind_null(struct stmt *st, int idx)
{
	sqlite3_bind_null(st->s, idx);
}

static int sq_step(struct stmt *st)
{
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return STEP_ROW;
	if (rc == SQLITE_DONE)
		return STEP_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STEP_CONSTRAINT;
	return STEP_ERROR;
}

static int64_t sq_col_int(struct stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

static const char *sq_col_text(struct stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->s, col);
}

static int sq_col_is_null(struct stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

static void sq_reset(struct stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

static const char *sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}


/* Index and trigger DDL of the table (not the autoindexes of column constraints). */
static int sq_bulk_begin(struct db *db, const char *table, struct err *e)
{
	struct strbuf drop = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	int rc = 0;
	strbuf_reset(&db->bulk_restore);
	if (sqlite3_prepare_v2(db->h, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? "
				      "AND type IN ('index', 'trigger') AND sql IS NOT NULL", -1, &q, NULL) != SQLITE_OK) {
		rc = err_set(e, E_DB, NULL, NULL, "sqlite: %s", sqlite3_errmsg(db->h));
		goto out;
	}
	sqlite3_bind_text(q, 1, table, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		strbuf_addf(&drop, "DROP %s \"%s\";", (const char *)sqlite3_column_text(q, 0),
			    (const char *)sqlite3_column_text(q, 1));
		strbuf_addf(&db->bulk_restore, "%s;\n", (const char *)sqlite3_column_text(q, 2));
	}
	strbuf_addstr(&drop, "PRAGMA cache_size=" CACHE_PAGES_BULK ";");
	if ((rc = sq_exec(db, drop.buf, e)))
		strbuf_reset(&db->bulk_restore);
out:
	sqlite3_finalize(q);
	strbuf_release(&drop);
	return rc;
}

static int sq_bulk_end(struct db *db, struct err *e)
{
	int rc = 0;
	if (db->bulk_restore.len)
		rc = sq_exec(db, db->bulk_restore.buf, e);
	strbuf_reset(&db->bulk_restore);
	sq_exec(db, "PRAGMA cache_size=" CACHE_PAGES_NORMAL, NULL);
	return rc;
}

static void sq_bulk_forget(struct db *db)
{
	if (db->bulk_restore.len)
		sq_exec(db, "PRAGMA cache_size=" CACHE_PAGES_NORMAL, NULL);
	strbuf_reset(&db->bulk_restore);
}

/* Copy every page of from's main database into to's, in one step (a WAL reader holds
 * a snapshot, so writers on the source keep going); busy destinations are retried. */
static int sq_copy(sqlite3 *from, sqlite3 *to, struct err *e)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc, tries = 0;
	if (!b)
		return err_set(e, E_DB, "db", NULL, "sqlite backup: %s", sqlite3_errmsg(to));
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while ((rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 600);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return err_set(e, E_DB, "db", NULL, "sqlite backup: %s", sqlite3_errstr(rc));
	return 0;
}

/* PRAGMA quick_check on a connection: 0 when the file is a sound SQLite database */
static int sq_quick_check(sqlite3 *h, const char *file, struct err *e)
{
	sqlite3_stmt *s = NULL;
	int ok = 0;
	if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		ok = t && !strcmp((const char *)t, "ok");
	}
	sqlite3_finalize(s);
	if (!ok)
		return err_set(e, E_IO, "file", NULL, "%s is not a sound SQLite database", file);
	return 0;
}

static int sq_backup(struct db *db, const char *file, struct err *e)
{
	struct strbuf tmp = STRBUF_INIT;
	sqlite3 *to = NULL;
	int rc;
	strbuf_addf(&tmp, "%s.partial", file); /* created empty, mode 0600, by db_backup */
	if (sqlite3_open_v2(tmp.buf, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = err_set(e, E_IO, "file", NULL, "cannot write %s: %s", tmp.buf, to ? sqlite3_errmsg(to) : "out of memory");
		goto out;
	}
	if ((rc = sq_copy(db->h, to, e)))
		goto out;
	/* one self-contained file: no -wal beside it */
	sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if ((rc = sq_quick_check(to, tmp.buf, e)))
		goto out;
	if (sqlite3_close(to) != SQLITE_OK) {
		rc = err_set(e, E_IO, "file", NULL, "cannot close %s", tmp.buf);
		to = NULL;
		goto out;
	}
	to = NULL;
	if (rename(tmp.buf, file))
		rc = err_set(e, E_IO, "file", NULL, "cannot rename %s to %s: %s", tmp.buf, file, strerror(errno));
out:
	if (to)
		sqlite3_close(to);
	if (rc)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return rc;
}

static int sq_restore(struct db *db, const char *file, struct err *e)
{
	sqlite3 *from = NULL;
	int rc;
	if (sqlite3_open_v2(file, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = err_set(e, E_IO, "file", NULL, "cannot read %s: %s", file, from ? sqlite3_errmsg(from) : "out of memory");
		goto out;
	}
	if ((rc = sq_quick_check(from, file, e)))
		goto out;
	rc = sq_copy(from, db->h, e);
out:
	sqlite3_close(from);
	return rc;
}

static int64_t sq_table_count(struct db *db, struct err *e)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &s, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		err_set(e, E_DB, "db", NULL, "sqlite: %s", sqlite3_errmsg(db->h));
	sqlite3_finalize(s);
	return n;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_is_null = sq_col_is_null,
	.reset = sq_reset,
	.errmsg = sq_errmsg,
	.changes = sq_changes,
	.bulk_begin = sq_bulk_begin,
	.bulk_end = sq_bulk_end,
	.bulk_forget = sq_bulk_forget,
	.backup = sq_backup,
	.restore = sq_restore,
	.table_count = sq_table_count,
};
