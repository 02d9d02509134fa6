/*
 * The dangjian command line. Every command shares one option parser and one way to
 * open the store and keys; exit codes are stable for scripts:
 *   0 ok · 1 refused (validation, audit chain broken, login failure) · 2 usage · 3 environment (db, key, io)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/ctx.h"
#include "domain/demo.h"
#include "domain/demo_scale.h"
#include "domain/dues.h"
#include "domain/member_import.h"
#include "domain/partitions.h"
#include "domain/points.h"
#include "http/server.h"
#include "store/store.h"
#include "util/config.h"
#include "util/pii.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

struct opts {
	const char *db;
	const char *key;
	const char *listen;
	const char *admin_password;
	const char *password;
	const char *role;
	const char *format;
	const char *output;
	const char *config_file;
	int64_t org;
	int64_t member;
	int members;
	int64_t members_raw; /* --members uncapped, for demo --scale */
	const char *scale;   /* demo --scale county|city|province */
	int64_t months, seed, batch;
	int use_triggers;
	int dry_run;
	int force;
	int help;
	const char *args[4];
	int nargs;
	struct config cfg;
};

static const char usage_main[] =
	"dangjian — 党建管理系统\n\n"
	"usage: dangjian COMMAND [options]\n\n"
	"commands:\n"
	"  serve            serve the API and web UI\n"
	"  init             create or migrate a database, create the key file and the admin account\n"
	"  demo             create a demo county database and print the logins\n"
	"  user add|passwd|list   manage accounts\n"
	"  import members FILE    import members from CSV or XLSX (all or nothing)\n"
	"  export members   export members as CSV or XLSX\n"
	"  audit verify     check the audit log's hash chain\n"
	"  backup FILE      copy the database to FILE (safe while the server runs)\n"
	"  restore FILE     replace the database with a backup, then check it\n"
	"  partitions       PostgreSQL: partitions for new top-level orgs, every row in its org's one\n"
	"  upgrade          migrate and fill every kept figure now (before serve, after a new version)\n\n"
	"common options:\n"
	"  --db URL         sqlite:PATH (default sqlite:dangjian.db) or postgres://...\n"
	"  --key FILE       encryption key file (default: PATH.key next to a SQLite database, else dangjian.key)\n"
	"  --config FILE    key = value settings;  --set key=value  one setting\n"
	"  --help           help for a command\n\n"
	"exit codes: 0 ok, 1 refused, 2 usage, 3 environment (database, key, files)\n";

static const char *const usage_cmd[][2] = {
	{ "serve", "usage: dangjian serve [--db URL] [--key FILE] [--listen HOST:PORT] [--set key=value]...\n"
		   "Serves /api/v1 and the web UI (default 127.0.0.1:8080); migrates the schema forward on start.\n" },
	{ "init", "usage: dangjian init [--db URL] [--key FILE] [--admin-password PW]\n"
		  "Creates or migrates the database, creates the key file (mode 0600) if missing, and the 'admin'\n"
		  "account (password from --admin-password or prompted).\n" },
	{ "demo", "usage: dangjian demo --db PATH [--key FILE] [--members N] [--admin-password PW]\n"
		  "Creates a demo county (1 组织部, 3 town 党委, ~45 branches, ~1,500 members) in a new database.\n"
		  "       dangjian demo --scale county|city|province --db URL [--members N] [--months N] [--seed N]\n"
		  "                     [--batch ROWS] [--use-triggers]\n"
		  "Bulk-generates a whole county, city or province (default 30,000 · 600,000 · 10,000,000 members;\n"
		  "5-level tree, a year of meetings with attendance, dues, points, recruits) into an empty database.\n"
		  "--members N keeps the shape at any size (e.g. --scale province --members 20000).\n" },
	{ "user", "usage: dangjian user add NAME --role sysadmin|org_admin|secretary|member [--org ID] [--member ID]\n"
		  "                          [--password PW]\n"
		  "       dangjian user passwd NAME [--password PW]\n"
		  "       dangjian user list\n" },
	{ "import", "usage: dangjian import members FILE [--org BRANCH_ID] [--dry-run]\n"
		    "All or nothing: any bad row writes nothing and lists every bad row; exit 1.\n" },
	{ "export", "usage: dangjian export members [--org ID] [--format csv|xlsx] [--output FILE]\n"
		    "ID numbers and phones are masked.\n" },
	{ "audit", "usage: dangjian audit verify\nExits 1 and names the first bad entry if any row was edited or removed.\n" },
	{ "backup", "usage: dangjian backup FILE [--db URL]\n"
		    "Copies the whole database to FILE while the server keeps running: SQLite through the online\n"
		    "backup API, PostgreSQL through pg_dump --format=custom. The key file is not in the backup:\n"
		    "keep a copy of it apart, or the encrypted fields of the backup cannot be read.\n" },
	{ "restore", "usage: dangjian restore FILE [--db URL] [--key FILE] [--force]\n"
		     "Replaces the database's contents with the backup FILE (SQLite: the backup API; PostgreSQL:\n"
		     "pg_restore into an emptied schema in one transaction, the old one put back if it fails).\n"
		     "Refuses a database that already holds tables unless --force. Stop the server first.\n"
		     "Afterwards migrates the schema forward and verifies the audit\n"
		     "chain (exit 1 if it is broken). The key file must be the one the backup was made with.\n" },
	{ "partitions", "usage: dangjian partitions [--db URL]\n"
			"PostgreSQL: meeting_attendance, dues_months and member_life_months are partitioned by top-level\n"
			"organization (docs/DEPLOY.md \"Partitioning\"). Creates the partitions of every top-level org that\n"
			"lacks them and moves every row to the partition its org gives now (rows in the default partition,\n"
			"members transferred and orgs moved since), in one transaction. Idempotent; nothing to do on SQLite.\n" },
	{ "upgrade", "usage: dangjian upgrade [--db URL] [--key FILE]\n"
		     "Migrates the schema forward, then fills every kept figure a migration left to be worked out\n"
		     "(the dues arrears queue of 037, the points standings of 039) in short transactions, with\n"
		     "progress on stderr, so that serve starts and answers at once. Stop the server first. Safe to\n"
		     "interrupt and to run again: it goes on where it stopped, and does nothing when all is done.\n" },
};

static void print_usage(const char *cmd, FILE *f)
{
	size_t i;
	for (i = 0; cmd && i < sizeof(usage_cmd) / sizeof(usage_cmd[0]); i++) {
		if (!strcmp(cmd, usage_cmd[i][0])) {
			fputs(usage_cmd[i][1], f);
			return;
		}
	}
	fputs(usage_main, f);
}

static int parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, struct err *e)
{
	int i;
	memset(o, 0, sizeof(*o));
	config_defaults(&o->cfg);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field)                                                                                           \
	do {                                                                                                  \
		if (!next)                                                                                    \
			return err_set(e, E_INVALID, a, NULL, "%s needs a value", a);                         \
		o->field = next;                                                                              \
		i++;                                                                                          \
	} while (0)
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
		} else if (!strcmp(a, "--db")) {
			TAKE(db);
		} else if (!strcmp(a, "--key")) {
			TAKE(key);
		} else if (!strcmp(a, "--listen")) {
			TAKE(listen);
		} else if (!strcmp(a, "--admin-password")) {
			TAKE(admin_password);
		} else if (!strcmp(a, "--password")) {
			TAKE(password);
		} else if (!strcmp(a, "--role")) {
			TAKE(role);
		} else if (!strcmp(a, "--format")) {
			TAKE(format);
		} else if (!strcmp(a, "--output") || !strcmp(a, "-o")) {
			TAKE(output);
		} else if (!strcmp(a, "--config")) {
			TAKE(config_file);
			if (config_load_file(&o->cfg, o->config_file, e))
				return e->code;
		} else if (!strcmp(a, "--set")) {
			if (!next)
				return err_set(e, E_INVALID, a, NULL, "--set needs key=value");
			if (config_set(&o->cfg, next, e))
				return e->code;
			i++;
		} else if (!strcmp(a, "--org") || !strcmp(a, "--member") || !strcmp(a, "--members")) {
			int64_t v;
			if (!next || parse_int64(next, &v) || v < 0)
				return err_set(e, E_INVALID, a, NULL, "%s needs a number", a);
			if (!strcmp(a, "--org"))
				o->org = v;
			else if (!strcmp(a, "--member"))
				o->member = v;
			else
				o->members = (int)(v > 2000000 ? 2000000 : v);
			if (!strcmp(a, "--members"))
				o->members_raw = v;
			i++;
		} else if (!strcmp(a, "--scale")) {
			TAKE(scale);
		} else if (!strcmp(a, "--months") || !strcmp(a, "--seed") || !strcmp(a, "--batch")) {
			int64_t v;
			if (!next || parse_int64(next, &v) || v < 0)
				return err_set(e, E_INVALID, a, NULL, "%s needs a number", a);
			if (!strcmp(a, "--months"))
				o->months = v;
			else if (!strcmp(a, "--seed"))
				o->seed = v;
			else
				o->batch = v;
			i++;
		} else if (!strcmp(a, "--use-triggers")) {
			o->use_triggers = 1;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = 1;
		} else if (!strcmp(a, "--force")) {
			o->force = 1;
		} else if (a[0] == '-' && a[1]) {
			return err_set(e, E_INVALID, a, NULL, "unknown option %s", a);
		} else if (o->nargs < 4) {
			o->args[o->nargs++] = a;
		} else {
			return err_set(e, E_INVALID, a, NULL, "too many arguments");
		}
#undef TAKE
	}
	/* projects: cross-key checks once every setting is in */
	if (config_check(&o->cfg, e))
		return e->code;
	if (!o->db)
		o->db = getenv("DANGJIAN_DB") ? getenv("DANGJIAN_DB") : "sqlite:dangjian.db";
	return 0;
}

static void default_key_path(const struct opts *o, char *out, size_t size)
{
	const char *env = getenv("DANGJIAN_KEY");
	if (o->key)
		strlcpy_z(out, o->key, size);
	else if (env)
		strlcpy_z(out, env, size);
	else if (!strncmp(o->db, "postgres", 8))
		strlcpy_z(out, "dangjian.key", size);
	else
		xsnprintf(out, size, "%s.key", !strncmp(o->db, "sqlite:", 7) ? o->db + 7 : o->db);
}

/* Open store + keys and migrate; fills ctx for a system actor. upgrade: *from gets the
 * schema before migrating, and the 039 backfill is left to the upgrade's own steps. */
static int open_env_ex(struct opts *o, int create_key, struct store **st, struct ctx *ctx, struct err *e, int *from)
{
	char key[1024];
	struct db *db;
	int rc;
	default_key_path(o, key, sizeof(key));
	if ((rc = pii_load_keys(key, create_key, e)))
		return rc;
	if ((rc = store_open(st, o->db, (int)config_int(&o->cfg, CFG_POOL), e)))
		return rc;
	db = store_acquire(*st);
	if (from)
		*from = store_schema_version(db);
	rc = store_migrate(db, e);
	store_release(*st, db);
	if (rc)
		return rc;
	memset(ctx, 0, sizeof(*ctx));
	ctx_as_system(ctx);
	ctx_set_clock(ctx, time(NULL));
	ctx->cfg = &o->cfg;
	ctx->db = store_acquire(*st);
	/* 039: the kept standings of a database from before it, computed once */
	if (!from && points_standings_prepare(ctx)) {
		*e = ctx->err;
		return E_DB;
	}
	return 0;
}

static int open_env(struct opts *o, int create_key, struct store **st, struct ctx *ctx, struct err *e)
{
	return open_env_ex(o, create_key, st, ctx, e, NULL);
}

static void close_env(struct store *st, struct ctx *ctx)
{
	if (st && ctx->db)
		store_release(st, ctx->db);
	store_close(st);
}

static int read_password(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (!fgets(buf, (int)size, stdin))
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n ? 0 : -1;
}

static int exit_for(const struct err *e)
{
	switch (e->code) {
	case E_OK: return 0;
	case E_DB: case E_IO: case E_INTERNAL: return EXIT_ENV;
	case E_MALFORMED: return EXIT_USAGE;
	default: return EXIT_REFUSED;
	}
}

static int fail(const struct err *e)
{
	fprintf(stderr, "dangjian: %s%s%s%s%s\n", e->message, e->field[0] ? " [" : "", e->field,
		e->rule[0] ? " " : "", e->rule[0] ? e->rule : "");
	return exit_for(e);
}

static int ensure_admin(struct ctx *ctx, const char *password)
{
	struct user u;
	if (!user_get_by_name(ctx, "admin", &u))
		return 0;
	err_clear(&ctx->err);
	memset(&u, 0, sizeof(u));
	strlcpy_z(u.username, "admin", sizeof(u.username));
	strlcpy_z(u.display_name, "系统管理员", sizeof(u.display_name));
	u.role = ROLE_SYSADMIN;
	return user_create(ctx, &u, password);
}

static int cmd_init(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	struct user u;
	char pw[160];
	int rc;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if ((rc = open_env(o, 1, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if (user_get_by_name(&ctx, "admin", &u)) {
		err_clear(&ctx.err);
		if (o->admin_password)
			strlcpy_z(pw, o->admin_password, sizeof(pw));
		else if (read_password("admin password: ", pw, sizeof(pw))) {
			fprintf(stderr, "dangjian: an admin password is required (--admin-password)\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if (ensure_admin(&ctx, pw)) {
			rc = fail(&ctx.err);
			goto out;
		}
		printf("created account admin (系统管理员)\n");
	}
	printf("database ready: %s (%s, schema %d)\n", o->db, db_backend(ctx.db), store_schema_version(ctx.db));
	rc = 0;
out:
	close_env(st, &ctx);
	return rc;
}

static volatile sig_atomic_t stop_requested;

static int cmd_serve(struct opts *o)
{
	struct store *st = NULL;
	struct server *srv = NULL;
	struct ctx ctx;
	struct err e;
	sigset_t set;
	int rc, sig;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (!o->listen)
		o->listen = "127.0.0.1:8080";
	/* the pool must cover every worker thread, or workers queue on connections */
	if (config_int(&o->cfg, CFG_POOL) < config_int(&o->cfg, CFG_THREADS)) {
		char s[64];
		xsnprintf(s, sizeof(s), "db.pool=%lld", config_int(&o->cfg, CFG_THREADS));
		config_set(&o->cfg, s, NULL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* threads inherit the mask; only sigwait sees them */
	signal(SIGPIPE, SIG_IGN);
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	store_release(st, ctx.db);
	ctx.db = NULL;
	if ((rc = server_start(&srv, o->listen, st, &o->cfg, &e))) {
		rc = fail(&e);
		goto out;
	}
	printf("dangjian serving on http://%s/ (%s)\n", o->listen, store_backend(st));
	fflush(stdout);
	sigwait(&set, &sig);
	printf("dangjian: stopping (signal %d)\n", sig);
	rc = 0;
out:
	server_stop(srv);
	close_env(st, &ctx);
	return rc;
}

/* demo --scale: the bulk generator (domain/demo_scale.c) */
static int cmd_demo_scale(struct opts *o, struct ctx *ctx)
{
	struct demo_scale_options so;
	struct demo_scale_report r;
	memset(&so, 0, sizeof(so));
	so.scale = o->scale;
	so.members = o->members_raw;
	so.months = (int)(o->months > 36 ? 37 : o->months);
	so.seed = o->seed ? (uint64_t)o->seed : 20261126u;
	so.batch_rows = (int)(o->batch > 10000000 ? 10000000 : o->batch);
	so.use_triggers = o->use_triggers;
	so.admin_password = o->admin_password;
	so.progress = stderr;
	if (demo_scale_generate(ctx, &so, &r))
		return fail(&ctx->err);
	printf("demo %s created in %s: %lld organizations (%lld cities, %lld counties, %lld towns, %lld branches, "
	       "%lld groups)\n",
	       o->scale, o->db, (long long)r.orgs, (long long)r.cities, (long long)r.counties, (long long)r.towns,
	       (long long)r.branches, (long long)r.groups);
	printf("  %lld members, %lld meetings, %lld attendance rows, %lld dues payments (%lld months), "
	       "%lld point entries, %lld recruits\n",
	       (long long)r.members, (long long)r.meetings, (long long)r.attendance, (long long)r.dues_payments,
	       (long long)r.dues_months, (long long)r.point_entries, (long long)r.recruits);
	printf("  load %.1f s, indexes and aggregates %.1f s\n", r.seconds_load, r.seconds_rebuild);
	printf("login: admin / %s\n", o->admin_password ? "(the --admin-password given)" : DEMO_ADMIN_PASSWORD);
	return 0;
}

static int cmd_demo(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	struct demo_options dopt;
	struct demo_report rep;
	struct stmt *s;
	int64_t existing = 0;
	int rc, i;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if ((rc = open_env(o, 1, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	s = db_prepare(ctx.db, "SELECT count(*) FROM orgs", &ctx.err);
	if (s && stmt_step(s, &ctx.err) == STEP_ROW)
		existing = stmt_int(s, 0);
	if (s)
		stmt_reset(s);
	if (existing) {
		fprintf(stderr, "dangjian: %s already holds %lld organizations; demo needs a new database\n", o->db,
			(long long)existing);
		rc = EXIT_REFUSED;
		goto out;
	}
	if (o->scale) {
		rc = cmd_demo_scale(o, &ctx);
		goto out;
	}
	memset(&dopt, 0, sizeof(dopt));
	dopt.admin_password = o->admin_password;
	dopt.members_target = o->members;
	dopt.seed = 20261126;
	memset(&rep, 0, sizeof(rep));
	if ((rc = demo_generate(&ctx, &dopt, &rep))) {
		rc = fail(&ctx.err);
		goto out;
	}
	printf("demo county created in %s: %d organizations, %d members, %d accounts, %d recruits, %d meetings, "
	       "%d point entries\n",
	       o->db, rep.orgs, rep.members, rep.users, rep.recruits, rep.meetings, rep.point_entries);
	printf("serve it:  dangjian serve --db %s%s --listen 127.0.0.1:8080\n",
	       strncmp(o->db, "sqlite:", 7) && strncmp(o->db, "postgres", 8) ? "sqlite:" : "", o->db);
	printf("then open: http://127.0.0.1:8080/\n");
	printf("logins:\n");
	for (i = 0; i < rep.nlogins; i++)
		printf("  %s\n", rep.logins[i]);
	rc = 0;
out:
	close_env(st, &ctx);
	return rc;
}

static int cmd_user(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	struct user u;
	char pw[160];
	const char *sub = o->nargs > 0 ? o->args[0] : NULL;
	int rc;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (!sub || (strcmp(sub, "list") && o->nargs < 2) ||
	    (strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "list"))) {
		print_usage("user", stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "add") && !o->role) {
		fprintf(stderr, "dangjian: user add needs --role\n");
		return EXIT_USAGE;
	}
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if (!strcmp(sub, "list")) {
		json_t *items = NULL;
		int64_t total = 0;
		size_t i;
		if ((rc = user_list(&ctx, 0, 1, 200, &items, &total))) {
			rc = fail(&ctx.err);
			goto out;
		}
		for (i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			printf("%-20s %-10s %s%s\n", json_string_value(json_object_get(it, "username")),
			       json_string_value(json_object_get(it, "role")),
			       json_string_value(json_object_get(it, "org_name")),
			       json_is_true(json_object_get(it, "disabled")) ? " (停用)" : "");
		}
		json_decref(items);
		rc = 0;
		goto out;
	}
	if (o->password)
		strlcpy_z(pw, o->password, sizeof(pw));
	else if (read_password("password: ", pw, sizeof(pw))) {
		fprintf(stderr, "dangjian: a password is required (--password or stdin)\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(sub, "add")) {
		memset(&u, 0, sizeof(u));
		strlcpy_z(u.username, o->args[1], sizeof(u.username));
		u.role = role_parse(o->role);
		u.org_id = o->org;
		u.member_id = o->member;
		rc = user_create(&ctx, &u, pw);
	} else {
		rc = user_get_by_name(&ctx, o->args[1], &u);
		if (!rc)
			rc = user_update(&ctx, &u, pw);
	}
	if (rc) {
		rc = fail(&ctx.err);
		goto out;
	}
	printf("%s %s\n", !strcmp(sub, "add") ? "created" : "password changed for", o->args[1]);
out:
	close_env(st, &ctx);
	return rc;
}

static int cmd_partitions(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	struct partitions_report r;
	int rc;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (o->nargs) {
		print_usage("partitions", stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if ((rc = partitions_sync(&ctx, &r))) {
		rc = fail(&ctx.err);
		goto out;
	}
	if (r.partitioned)
		printf("partitions: %lld top-level orgs, %lld partitions; %lld rows moved, %lld left in the default "
		       "partitions\n",
		       (long long)r.top_orgs, (long long)r.partitions, (long long)r.moved, (long long)r.in_default);
	else
		printf("partitions: not partitioned (SQLite); nothing to do\n");
out:
	close_env(st, &ctx);
	return rc;
}

static int cmd_audit(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	struct audit_verify_result r;
	int rc;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (o->nargs != 1 || strcmp(o->args[0], "verify")) {
		print_usage("audit", stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if ((rc = audit_verify(&ctx, &r))) {
		rc = fail(&ctx.err);
		goto out;
	}
	if (r.ok) {
		printf("audit log intact: %lld entries\n", (long long)r.count);
		rc = 0;
	} else {
		printf("audit log BROKEN at entry %lld: %s (%lld entries verified before it)\n", (long long)r.first_bad_id,
		       r.reason, (long long)r.count);
		rc = EXIT_REFUSED;
	}
out:
	close_env(st, &ctx);
	return rc;
}

/* the store without migrating: backup copies what is there, restore may meet an empty database */
static int open_plain(struct opts *o, struct store **st, struct db **db, struct err *e)
{
	int rc = store_open(st, o->db, 1, e);
	if (rc)
		return rc;
	*db = store_acquire(*st);
	return 0;
}

static int cmd_backup(struct opts *o)
{
	struct store *st = NULL;
	struct db *db = NULL;
	struct err e;
	int rc;
	err_clear(&e);
	if (o->nargs != 1) {
		print_usage("backup", stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_plain(o, &st, &db, &e)) || (rc = db_backup(db, o->args[0], &e))) {
		rc = fail(&e);
		goto out;
	}
	printf("backup written: %s (%s, schema %d)\n", o->args[0], db_backend(db), store_schema_version(db));
	rc = 0;
out:
	if (db)
		store_release(st, db);
	store_close(st);
	return rc;
}

static int cmd_restore(struct opts *o)
{
	struct store *st = NULL;
	struct db *db = NULL;
	struct ctx ctx;
	struct err e;
	struct audit_verify_result r;
	char key[1024];
	int64_t tables;
	int rc, version;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (o->nargs != 1) {
		print_usage("restore", stderr);
		return EXIT_USAGE;
	}
	if (access(o->args[0], R_OK)) {
		fprintf(stderr, "dangjian: cannot read %s: %s\n", o->args[0], strerror(errno));
		return EXIT_ENV;
	}
	/* the key first: a restore that cannot be read afterwards is no restore */
	default_key_path(o, key, sizeof(key));
	if ((rc = pii_load_keys(key, 0, &e)))
		return fail(&e);
	if ((rc = open_plain(o, &st, &db, &e))) {
		rc = fail(&e);
		goto out;
	}
	tables = db_table_count(db, &e);
	if (tables < 0) {
		rc = fail(&e);
		goto out;
	}
	if (tables > 0 && !o->force) {
		/* never echo the URL: it may carry a password */
		fprintf(stderr, "dangjian: the %s database is not empty (%lld tables); restore replaces its contents — "
				"add --force\n", db_backend(db), (long long)tables);
		rc = EXIT_REFUSED;
		goto out;
	}
	if ((rc = db_restore(db, o->args[0], &e))) {
		rc = fail(&e);
		goto out;
	}
	version = store_schema_version(db);
	store_release(st, db);
	db = NULL;
	store_close(st);
	st = NULL;
	printf("restored %s (schema %d)\n", o->args[0], version);
	if (version > store_schema_newest()) {
		fprintf(stderr, "dangjian: the backup has schema %d, newer than this program's %d; use a newer dangjian\n",
			version, store_schema_newest());
		rc = EXIT_REFUSED;
		goto out;
	}
	/* the migration check: bring an older backup's schema forward */
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if ((rc = audit_verify(&ctx, &r))) {
		rc = fail(&ctx.err);
		goto out;
	}
	if (!r.ok) {
		printf("audit log BROKEN at entry %lld: %s (%lld entries verified before it)\n", (long long)r.first_bad_id,
		       r.reason, (long long)r.count);
		rc = EXIT_REFUSED;
		goto out;
	}
	printf("schema %d; audit log intact: %lld entries\n", store_schema_version(ctx.db), (long long)r.count);
	rc = 0;
out:
	if (db)
		store_release(st, db);
	if (ctx.db)
		close_env(st, &ctx);
	else
		store_close(st);
	return rc;
}

/* upgrade: the migrations, then every backfill they left, in bounded transactions (resumable) */
static int cmd_upgrade(struct opts *o)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	int rc, from = 0, done = 0;
	time_t t0 = time(NULL);
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (o->nargs) {
		print_usage("upgrade", stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_env_ex(o, 0, &st, &ctx, &e, &from))) {
		rc = fail(&e);
		goto out;
	}
	fprintf(stderr, "dangjian upgrade: schema %d → %d\n", from, store_schema_version(ctx.db));
	if ((rc = dues_owed_upgrade(&ctx, stderr, 0, &done)) || (rc = points_standings_upgrade(&ctx, stderr, 0, &done))) {
		rc = fail(&ctx.err);
		goto out;
	}
	printf("database ready: %s (%s, schema %d); kept figures up to date (%lld s)\n",
	       strncmp(o->db, "postgres", 8) ? o->db : "postgres", db_backend(ctx.db), store_schema_version(ctx.db),
	       (long long)(time(NULL) - t0));
	rc = 0;
out:
	close_env(st, &ctx);
	return rc;
}

static int cmd_import_export(struct opts *o, int import)
{
	struct store *st = NULL;
	struct ctx ctx;
	struct err e;
	FILE *out = stdout;
	int rc;
	err_clear(&e);
	memset(&ctx, 0, sizeof(ctx));
	if (o->nargs < 1 || strcmp(o->args[0], "members") || (import && o->nargs != 2)) {
		print_usage(import ? "import" : "export", stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_env(o, 0, &st, &ctx, &e))) {
		rc = fail(&e);
		goto out;
	}
	if (import) {
		rc = cli_import_members(&ctx, o->args[1], o->org, o->dry_run, stdout);
	} else {
		if (o->output && !(out = fopen(o->output, "wb"))) {
			fprintf(stderr, "dangjian: cannot write %s: %s\n", o->output, strerror(errno));
			rc = EXIT_ENV;
			goto out;
		}
		rc = cli_export_members(&ctx, o->org, o->format ? o->format : "csv", out);
		if (out != stdout && fclose(out) != 0 && !rc)
			rc = EXIT_ENV;
	}
out:
	close_env(st, &ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct err e;
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int rc;
	err_clear(&e);
	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		print_usage(argc > 2 ? argv[2] : NULL, stdout);
		return cmd ? 0 : EXIT_USAGE;
	}
	if (parse_opts(argc - 2, argv + 2, &o, &e)) {
		fprintf(stderr, "dangjian %s: %s\n", cmd, e.message);
		print_usage(cmd, stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		print_usage(cmd, stdout);
		return 0;
	}
	if (!strcmp(cmd, "serve"))
		rc = cmd_serve(&o);
	else if (!strcmp(cmd, "init"))
		rc = cmd_init(&o);
	else if (!strcmp(cmd, "demo"))
		rc = cmd_demo(&o);
	else if (!strcmp(cmd, "user"))
		rc = cmd_user(&o);
	else if (!strcmp(cmd, "audit"))
		rc = cmd_audit(&o);
	else if (!strcmp(cmd, "import"))
		rc = cmd_import_export(&o, 1);
	else if (!strcmp(cmd, "backup"))
		rc = cmd_backup(&o);
	else if (!strcmp(cmd, "restore"))
		rc = cmd_restore(&o);
	else if (!strcmp(cmd, "export"))
		rc = cmd_import_export(&o, 0);
	else if (!strcmp(cmd, "partitions"))
		rc = cmd_partitions(&o);
	else if (!strcmp(cmd, "upgrade"))
		rc = cmd_upgrade(&o);
	else {
		fprintf(stderr, "dangjian: unknown command '%s'\n\n", cmd);
		print_usage(NULL, stderr);
		rc = EXIT_USAGE;
	}
	return rc;
}
