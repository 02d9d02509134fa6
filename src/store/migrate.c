/*
 * Versioned migrations: src/store/sql/NNN_name.sql, embedded in the binary, applied
 * in order inside one transaction each. Portable SQL with two tokens (see
 * 001_foundation.sql) keeps one file per migration for both backends.
 */
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "util/embedded.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void expand_tokens(struct strbuf *out, const char *sql, size_t len, int pg)
{
	static const struct { const char *token, *sqlite, *pg; } tokens[] = {
		{ "@PK@", "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY" },
		{ "@TEXT_C@", "TEXT", "TEXT COLLATE \"C\"" },
	};
	size_t i = 0, t;
	while (i < len) {
		int matched = 0;
		if (sql[i] == '@') {
			for (t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
				size_t tl = strlen(tokens[t].token);
				if (i + tl <= len && !memcmp(sql + i, tokens[t].token, tl)) {
					strbuf_addstr(out, pg ? tokens[t].pg : tokens[t].sqlite);
					i += tl;
					matched = 1;
					break;
				}
			}
		}
		if (!matched)
			strbuf_addch(out, sql[i++]);
	}
}

int store_schema_version(struct db *db)
{
	struct stmt *st = db_prepare(db, "SELECT max(version) FROM schema_version", NULL);
	int v = 0;
	if (!st)
		return 0;
	if (stmt_step(st, NULL) == STEP_ROW)
		v = (int)stmt_int(st, 0);
	stmt_reset(st);
	return v;
}

/* NNN_name.sql runs on both backends; NNN_name.sqlite.sql / NNN_name.pg.sql on one only
 * (triggers and functions, whose syntax the two do not share). */
static int migration_applies(const char *name, int pg)
{
	size_t n = strlen(name);
	if (n > 11 && !strcmp(name + n - 11, ".sqlite.sql"))
		return !pg;
	if (n > 7 && !strcmp(name + n - 7, ".pg.sql"))
		return pg;
	return 1;
}

static int migration_number(const char *name)
{
	int n = 0, i;
	for (i = 0; i < 3; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

int store_schema_newest(void)
{
	const struct embedded_file *f;
	int newest = 0;
	for (f = embedded_sql; f->name; f++)
		if (migration_number(f->name) > newest)
			newest = migration_number(f->name);
	return newest;
}

int store_migrate(struct db *db, struct err *e)
{
	const struct embedded_file *f;
	int pg = !strcmp(db_backend(db), "postgres");
	int current, rc = 0;
	struct strbuf sql = STRBUF_INIT;

	rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)", e);
	if (rc)
		goto out;
	current = store_schema_version(db);
	/* the embed table lists files in name order (the Makefile sorts them) */
	for (f = embedded_sql; f->name; f++) {
		int n = migration_number(f->name);
		struct stmt *st;
		if (n <= current || !migration_applies(f->name, pg))
			continue;
		strbuf_reset(&sql);
		expand_tokens(&sql, (const char *)f->data, f->len, pg);
		rc = db_begin(db, e);
		if (rc)
			goto out;
		rc = db_exec(db, sql.buf, e);
		if (rc) {
			db_rollback(db);
			goto out;
		}
		st = db_prepare(db, "INSERT INTO schema_version (version, applied_at) VALUES (?, "
				    "CAST(CURRENT_TIMESTAMP AS TEXT))", e);
		if (!st) {
			rc = E_DB;
			db_rollback(db);
			goto out;
		}
		stmt_bind_int(st, 1, n);
		rc = stmt_run(st, e);
		if (rc) {
			db_rollback(db);
			goto out;
		}
		rc = db_commit(db, e);
		if (rc)
			goto out;
		current = n;
	}
out:
	strbuf_release(&sql);
	return rc;
}
