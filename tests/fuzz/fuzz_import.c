/*
 * libFuzzer harness: the member import end to end on a scratch SQLite database
 * (domain/member_import.c over io/table.h): header recognition with synonyms, title
 * rows, the per-cell parsers (flexible dates such as 1988年7月1日 / 1965.03, yes/no
 * words, codes by name, branch names and codes), member_prepare on every row and the
 * duplicate checks, always as a dry run (nothing is written). When rows are refused,
 * the error report (XLSX with marked cells) is built as well. The input is a CSV or
 * XLSX file, like the body of POST /api/v1/import/members.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/member_import.h"
#include "domain/org.h"
#include "store/store.h"
#include "util/config.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static struct config cfg;
static struct ctx ctx;
static char db_path[64];

static void cleanup(void)
{
	char p[80];
	if (ctx.db)
		store_release(store, ctx.db);
	store_close(store);
	unlink(db_path);
	xsnprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	xsnprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
}

static int64_t make_org(int64_t parent, const char *kind, const char *name, const char *code)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	strlcpy_z(o.code, code, sizeof(o.code));
	err_clear(&ctx.err);
	if (org_create(&ctx, &o)) {
		fprintf(stderr, "org_create: %s\n", ctx.err.message);
		abort();
	}
	return o.id;
}

static void init_once(void)
{
	static int done;
	struct err e;
	char url[80], key[80];
	int fd;
	int64_t committee;
	if (done)
		return;
	done = 1;
	memset(&e, 0, sizeof(e));
	xsnprintf(db_path, sizeof(db_path), "/tmp/dj-fuzz-import-XXXXXX");
	fd = mkstemp(db_path);
	if (fd < 0)
		abort();
	close(fd);
	xsnprintf(key, sizeof(key), "%s.key", db_path);
	if (pii_load_keys(key, 1, &e))
		abort();
	unlink(key);
	xsnprintf(url, sizeof(url), "sqlite:%s", db_path);
	if (store_open(&store, url, 1, &e)) {
		fprintf(stderr, "store_open: %s\n", e.message);
		abort();
	}
	ctx.db = store_acquire(store);
	if (store_migrate(ctx.db, &e)) {
		fprintf(stderr, "store_migrate: %s\n", e.message);
		abort();
	}
	config_defaults(&cfg);
	ctx.cfg = &cfg;
	ctx_as_system(&ctx);
	ctx_set_clock(&ctx, (time_t)(date_to_days((struct date){ 2026, 3, 1 }) * 86400 + 4 * 3600));
	committee = make_org(make_org(0, "dept", "组织部", "D1"), "committee", "某镇党委", "C1");
	make_org(committee, "branch", "第一党支部", "B1");
	make_org(committee, "branch", "第二党支部", "B2");
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_result r;
	char *report = NULL;
	size_t report_len = 0;
	struct err e;
	int rc;

	init_once();
	err_clear(&ctx.err);
	import_result_init(&r);
	rc = member_import(&ctx, 0, data, size, 1, &r);
	if (rc && (!ctx.err.code || !ctx.err.message[0]))
		abort();
	/* a dry run writes nothing; refused rows (import.rows) are listed */
	if (r.imported != 0 || r.valid + r.bad > r.rows ||
	    (rc == E_INVALID && !strcmp(ctx.err.rule, "import.rows") && !json_array_size(r.errors)))
		abort();
	if (rc == E_INVALID && json_array_size(r.errors)) {
		memset(&e, 0, sizeof(e));
		if (member_import_report_xlsx(data, size, &r, &report, &report_len, &e) == 0 && !report_len)
			abort();
		free(report);
	}
	import_result_release(&r);
	return 0;
}
