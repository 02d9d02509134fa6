/*
 * 党务公开栏 in the domain layer with an injected today (2026-03-10): settings and keys
 * (a disabled board and an old key after regeneration are not found; a stale version
 * 409; only a 党支部 has a board; another branch's secretary does not see it), the dues
 * marks from dues_months and dues_from, the sections switched off by the settings, the
 * latest closed 民主评议 (counts and only the 优秀 names), photos (sniffed, only of a member
 * on that board), and privacy: neither the board JSON nor the PDF bytes hold a member's
 * ID number, phone, their masks or tails, birth date or address. Runs on SQLite and
 * again on PostgreSQL when DJ_TEST_PG_URL is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/board.h"
#include "domain/member.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ID_A "11010519491231002X"
#define ID_B "110108197503150216"
#define PHONE_A "13987654321"
#define PHONE_B "15812340987"
#define ADDRESS_A "东村三组十七号"

struct fixture {
	struct life_store ls;
	struct ctx ctx;
	struct config cfg;
	char attach[256];
	int64_t top, town, a, b;
	int64_t ma, mb, mc, md, other;
};

static struct fixture fx;

static int64_t make_member(int64_t org, const char *name, const char *id, const char *phone, const char *dues_from)
{
	struct member m;
	memset(&m, 0, sizeof(m));
	m.org_id = org;
	strlcpy_z(m.name, name, sizeof(m.name));
	strlcpy_z(m.id_number, id, sizeof(m.id_number));
	m.id_set = 1;
	if (phone) {
		strlcpy_z(m.phone, phone, sizeof(m.phone));
		m.phone_set = 1;
	}
	strlcpy_z(m.ethnicity, "01", sizeof(m.ethnicity));
	strlcpy_z(m.category, "full", sizeof(m.category));
	strlcpy_z(m.join_date, "2005-07-01", sizeof(m.join_date));
	strlcpy_z(m.full_date, "2006-07-01", sizeof(m.full_date));
	strlcpy_z(m.address, ADDRESS_A, sizeof(m.address));
	strlcpy_z(m.discipline, "none", sizeof(m.discipline));
	err_clear(&fx.ctx.err);
	if (member_create(&fx.ctx, &m))
		life_fail_ctx("member_create", &fx.ctx);
	/* dues_from as the test needs it ("" = never started) */
	{
		struct stmt *st = db_prepare(fx.ctx.db, "UPDATE members SET dues_from = ? WHERE id = ?", &fx.ctx.err);
		assert_non_null(st);
		if (dues_from && dues_from[0])
			stmt_bind_text(st, 1, dues_from);
		else
			stmt_bind_null(st, 1);
		stmt_bind_int(st, 2, m.id);
		assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
	}
	return m.id;
}

static int populate(int pg)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	(void)pg;
	config_defaults(&fx.cfg);
	xsnprintf(fx.attach, sizeof(fx.attach), "%s/dj-test-board-att-%d", tmp, (int)getpid());
	{
		char set[300];
		xsnprintf(set, sizeof(set), "attach.dir=%s", fx.attach);
		if (config_set(&fx.cfg, set, NULL))
			return -1;
	}
	fx.ctx.cfg = &fx.cfg;
	life_set_today(2026, 3, 10);
	life_make_town_tree("公开栏", &fx.top, &fx.town, &fx.a, &fx.b);
	fx.ma = make_member(fx.a, "张公开", ID_A, PHONE_A, "2025-11");
	fx.mb = make_member(fx.a, "李晓明", ID_B, PHONE_B, "2026-02");
	fx.mc = make_member(fx.a, "王未始", "110101197001011238", NULL, "");
	fx.md = make_member(fx.a, "赵不合", "110101197001011254", NULL, "2020-01");
	fx.other = make_member(fx.b, "钱西村", "110101197001011270", NULL, "2020-01");
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "board", populate, 2 };

static int teardown(void **state)
{
	char cmd[400];
	(void)state;
	life_teardown(&fx.ls, &fx.ctx);
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.attach);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx.attach);
	return 0;
}

static void as_system(void)
{
	ctx_as_system(&fx.ctx);
	err_clear(&fx.ctx.err);
}

/* the public board acts with no actor at all */
static void as_public(void)
{
	memset(&fx.ctx.actor, 0, sizeof(fx.ctx.actor));
	err_clear(&fx.ctx.err);
}

static json_t *settings(int64_t org)
{
	json_t *j = NULL;
	err_clear(&fx.ctx.err);
	if (board_settings_get(&fx.ctx, org, "http://board.test", &j))
		life_fail_ctx("settings get", &fx.ctx);
	return j;
}

static void put(int64_t org, const char *fmt_json)
{
	json_error_t je;
	json_t *body = json_loads(fmt_json, 0, &je);
	assert_non_null(body);
	err_clear(&fx.ctx.err);
	if (board_settings_put(&fx.ctx, org, body))
		life_fail_ctx("settings put", &fx.ctx);
	json_decref(body);
}

static int64_t version_of(int64_t org)
{
	json_t *j = settings(org);
	int64_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* the board's key, enabled, for branch a */
static char *enable_board(int64_t org)
{
	json_t *j;
	char body[200];
	char *key;
	life_act_as(ROLE_SECRETARY, org, 0);
	xsnprintf(body, sizeof(body),
		  "{\"version\": %" PRId64 ", \"enabled\": true, \"show_dues\": true, \"show_points\": true, "
		  "\"show_appraisal\": true}",
		  version_of(org));
	put(org, body);
	j = settings(org);
	key = xstrdup(json_string_value(json_object_get(j, "key")));
	json_decref(j);
	return key;
}

static json_t *public_json(const char *key, int expect)
{
	json_t *j = NULL;
	as_public();
	assert_int_equal(board_public_json(&fx.ctx, key, "http://board.test", &j), expect);
	return j;
}

static void test_settings_and_keys(void **state)
{
	json_t *j, *body;
	char *key, *old;
	(void)state;

	life_act_as(ROLE_SECRETARY, fx.a, 0);
	j = settings(fx.a);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 0);
	assert_true(json_is_null(json_object_get(j, "key")));
	assert_false(json_is_true(json_object_get(j, "enabled")));
	json_decref(j);

	key = enable_board(fx.a);
	assert_true(board_key_ok(key));
	assert_true(strlen(key) >= 20);
	j = settings(fx.a);
	assert_string_equal(json_string_value(json_object_get(j, "url")) + strlen("http://board.test/#/board?key="), key);
	json_decref(j);
	{
		/* the settings screen's QR preview: a PNG of the URL */
		char *png = NULL;
		size_t n = 0;
		life_act_as(ROLE_SECRETARY, fx.a, 0);
		assert_int_equal(board_qr_png(&fx.ctx, fx.a, "http://board.test", &png, &n), 0);
		assert_true(n > 100);
		assert_memory_equal(png, "\x89PNG", 4);
		free(png);
		err_clear(&fx.ctx.err);
		assert_int_equal(board_qr_png(&fx.ctx, fx.a, "", &png, &n), E_NOTFOUND);
	}
	j = public_json(key, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "org"), "name")), "公开栏东村党支部");
	assert_int_equal(json_array_size(json_object_get(j, "members")), 4);
	json_decref(j);

	/* a stale version is refused and writes nothing */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	body = json_pack("{s:i, s:b}", "version", 0, "enabled", 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_settings_put(&fx.ctx, fx.a, body), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "store.stale");
	json_decref(body);
	j = public_json(key, 0);
	json_decref(j);

	/* disabled: not found, whatever the key */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	{
		char b[100];
		xsnprintf(b, sizeof(b), "{\"version\": %" PRId64 ", \"enabled\": false}", version_of(fx.a));
		put(fx.a, b);
	}
	public_json(key, E_NOTFOUND);
	free(enable_board(fx.a));
	j = public_json(key, 0);
	json_decref(j);

	/* a new key: the old one is not found at once */
	old = key;
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(board_regenerate_key(&fx.ctx, fx.a), 0);
	j = settings(fx.a);
	key = xstrdup(json_string_value(json_object_get(j, "key")));
	json_decref(j);
	assert_string_not_equal(key, old);
	public_json(old, E_NOTFOUND);
	j = public_json(key, 0);
	json_decref(j);
	/* nor does a branch id, or garbage, open a board */
	public_json("1", E_NOTFOUND);
	public_json("", E_NOTFOUND);
	public_json("../../etc/passwd-and-more", E_NOTFOUND);

	/* only a 党支部 has a board; another branch's secretary does not see this one */
	life_act_as(ROLE_ORG_ADMIN, fx.town, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_settings_get(&fx.ctx, fx.town, "", &j), E_CONFLICT);
	assert_string_equal(fx.ctx.err.rule, "board.branch");
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_settings_get(&fx.ctx, fx.a, "", &j), E_NOTFOUND);
	assert_int_equal(board_regenerate_key(&fx.ctx, fx.a), E_NOTFOUND);
	life_act_as(ROLE_MEMBER, fx.a, 0);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_settings_get(&fx.ctx, fx.a, "", &j), E_FORBIDDEN);
	free(key);
	free(old);
}

static void add_dues_month(int64_t member, const char *month)
{
	struct stmt *st = db_prepare(fx.ctx.db,
				     "INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen, payment_id) VALUES (?, "
				     "?, '/', 100, 100, NULL)",
				     &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, member);
	stmt_bind_text(st, 2, month);
	assert_int_equal(stmt_run(st, &fx.ctx.err), 0);
}

static json_t *member_row(json_t *board, int64_t id)
{
	size_t k;
	json_t *x;
	json_array_foreach(json_object_get(board, "members"), k, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			return x;
	return NULL;
}

/* the 12 marks as one string: P paid, U unpaid, . blank */
static void marks(json_t *board, int64_t id, char out[13])
{
	json_t *dues = json_object_get(member_row(board, id), "dues");
	int k;
	assert_int_equal(json_array_size(dues), 12);
	for (k = 0; k < 12; k++) {
		const char *s = json_string_value(json_array_get(dues, (size_t)k));
		out[k] = !s ? '.' : !strcmp(s, "paid") ? 'P' : !strcmp(s, "unpaid") ? 'U' : '?';
	}
	out[12] = '\0';
}

static void test_dues_marks(void **state)
{
	json_t *j;
	char *key, m[13];
	(void)state;
	key = enable_board(fx.a);
	as_system();
	add_dues_month(fx.ma, "2026-01");
	add_dues_month(fx.ma, "2026-05");   /* paid ahead */
	add_dues_month(fx.ma, "2025-12");   /* last year: not on this year's board */
	add_dues_month(fx.other, "2026-02"); /* another branch */
	j = public_json(key, 0);
	/* today 2026-03-10: dues from 2025-11 → Jan paid, Feb unpaid, March (current) blank, May paid ahead */
	marks(j, fx.ma, m);
	assert_string_equal(m, "PU..P.......");
	/* dues from 2026-02: January is before the start */
	marks(j, fx.mb, m);
	assert_string_equal(m, ".U..........");
	/* never started: all blank */
	marks(j, fx.mc, m);
	assert_string_equal(m, "............");
	marks(j, fx.md, m);
	assert_string_equal(m, "UU..........");
	assert_null(member_row(j, fx.other));
	json_decref(j);

	/* show_dues off: no marks at all */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	{
		char b[100];
		xsnprintf(b, sizeof(b), "{\"version\": %" PRId64 ", \"show_dues\": false}", version_of(fx.a));
		put(fx.a, b);
	}
	j = public_json(key, 0);
	assert_null(json_object_get(member_row(j, fx.ma), "dues"));
	assert_false(json_is_true(json_object_get(json_object_get(j, "show"), "dues")));
	json_decref(j);
	free(key);
}

static void run_sql(const char *sql, int64_t a, int64_t b, const char *text)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, a);
	if (b)
		stmt_bind_int(st, 2, b);
	if (text)
		stmt_bind_text(st, b ? 3 : 2, text);
	if (stmt_run(st, &fx.ctx.err))
		life_fail_ctx(sql, &fx.ctx);
}

static void test_appraisal_and_sections(void **state)
{
	json_t *j, *ap;
	struct stmt *st;
	int64_t id = 0;
	char *key;
	(void)state;
	key = enable_board(fx.a);
	as_system();
	j = public_json(key, 0);
	assert_true(json_is_null(json_object_get(j, "appraisal")));
	json_decref(j);
	as_system();
	st = db_prepare(fx.ctx.db,
			"INSERT INTO appraisals (org_id, year, status, opened_on, closed_on, created_at, updated_at) VALUES (?, "
			"2025, 'closed', '2025-12-01', '2025-12-20', 'x', 'x') RETURNING id",
			&fx.ctx.err);
	assert_non_null(st);
	stmt_bind_int(st, 1, fx.a);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	id = stmt_int(st, 0);
	stmt_reset(st);
	run_sql("INSERT INTO appraisal_entries (appraisal_id, member_id, graded, category, updated_at) VALUES (?, ?, 1, "
		"'excellent', 'x')", id, fx.ma, NULL);
	run_sql("INSERT INTO appraisal_entries (appraisal_id, member_id, graded, category, updated_at) VALUES (?, ?, 1, "
		"'qualified', 'x')", id, fx.mb, NULL);
	run_sql("INSERT INTO appraisal_entries (appraisal_id, member_id, graded, category, updated_at) VALUES (?, ?, 1, "
		"'unqualified', 'x')", id, fx.md, NULL);
	run_sql("INSERT INTO appraisal_entries (appraisal_id, member_id, graded, category, updated_at) VALUES (?, ?, 0, "
		"NULL, 'x')", id, fx.mc, NULL);
	j = public_json(key, 0);
	ap = json_object_get(j, "appraisal");
	assert_int_equal(json_integer_value(json_object_get(ap, "year")), 2025);
	assert_int_equal(json_integer_value(json_object_get(ap, "graded")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ap, "counts"), "excellent")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ap, "counts"), "unqualified")), 1);
	assert_int_equal(json_array_size(json_object_get(ap, "excellent")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(ap, "excellent"), 0)), "张公开");
	{
		/* the 不合格 member's name appears on the wall, but nowhere in the appraisal */
		char *s = json_dumps(ap, 0);
		assert_null(strstr(s, "赵不合"));
		free(s);
	}
	json_decref(j);
	/* switched off: no appraisal, no points */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	{
		char b[160];
		xsnprintf(b, sizeof(b), "{\"version\": %" PRId64 ", \"show_appraisal\": false, \"show_points\": false}",
			  version_of(fx.a));
		put(fx.a, b);
	}
	j = public_json(key, 0);
	assert_true(json_is_null(json_object_get(j, "appraisal")));
	assert_true(json_is_null(json_object_get(j, "points")));
	json_decref(j);
	free(key);
}

static cairo_status_t png_sink(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* a small real PNG, drawn by cairo */
static void make_png(struct strbuf *sb)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 50);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
	cairo_paint(cr);
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png_stream(s, png_sink, sb), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

static void test_photos(void **state)
{
	struct strbuf png = STRBUF_INIT;
	json_t *j = NULL;
	char *key, *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	(void)state;
	key = enable_board(fx.a);
	make_png(&png);
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(board_photo_put(&fx.ctx, fx.ma, "just text, not an image", 23, &j), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "photo.type");
	err_clear(&fx.ctx.err);
	assert_int_equal(board_photo_put(&fx.ctx, fx.ma, "%PDF-1.4 a pdf is no photo", 26, &j), E_INVALID);
	err_clear(&fx.ctx.err);
	/* another branch's member is not in this secretary's scope */
	assert_int_equal(board_photo_put(&fx.ctx, fx.other, png.buf, png.len, &j), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_photo_put(&fx.ctx, fx.ma, png.buf, png.len, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "mime")), "image/png");
	json_decref(j);
	life_act_as(ROLE_SECRETARY, fx.b, 0);
	assert_int_equal(board_photo_put(&fx.ctx, fx.other, png.buf, png.len, &j), 0);
	json_decref(j);

	as_public();
	assert_int_equal(board_public_photo(&fx.ctx, key, fx.ma, &data, &len, &mime), 0);
	assert_int_equal(len, png.len);
	assert_memory_equal(data, png.buf, len);
	assert_string_equal(mime, "image/png");
	free(data);
	/* a member of another branch is not on this board, though they have a photo */
	err_clear(&fx.ctx.err);
	assert_int_equal(board_public_photo(&fx.ctx, key, fx.other, &data, &len, &mime), E_NOTFOUND);
	/* a member without a photo; a wrong key */
	err_clear(&fx.ctx.err);
	assert_int_equal(board_public_photo(&fx.ctx, key, fx.mb, &data, &len, &mime), E_NOTFOUND);
	err_clear(&fx.ctx.err);
	assert_int_equal(board_public_photo(&fx.ctx, "WrongKeyWrongKeyWrongKey", fx.ma, &data, &len, &mime), E_NOTFOUND);
	j = public_json(key, 0);
	assert_true(json_is_true(json_object_get(member_row(j, fx.ma), "photo")));
	assert_false(json_is_true(json_object_get(member_row(j, fx.mb), "photo")));
	json_decref(j);

	/* removed: gone from the board */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(board_photo_delete(&fx.ctx, fx.ma), 0);
	assert_int_equal(board_photo_delete(&fx.ctx, fx.ma), E_NOTFOUND);
	as_public();
	assert_int_equal(board_public_photo(&fx.ctx, key, fx.ma, &data, &len, &mime), E_NOTFOUND);
	/* and back for the privacy test's PDF */
	life_act_as(ROLE_SECRETARY, fx.a, 0);
	assert_int_equal(board_photo_put(&fx.ctx, fx.ma, png.buf, png.len, &j), 0);
	json_decref(j);
	strbuf_release(&png);
	free(key);
}

static int mem_contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	for (i = 0; k && i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return 1;
	return 0;
}

/* every rendering of a member's personal data that exists in the store */
static void secrets_of(int64_t id, const char *id_plain, const char *phone_plain, const char **out, int *n)
{
	static char buf[8][4][64];
	static int slot;
	struct stmt *st = db_prepare(fx.ctx.db,
				     "SELECT id_mask, id_tail, phone_mask, phone_tail, birth_date FROM members WHERE id = ?",
				     &fx.ctx.err);
	int k;
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	for (k = 0; k < 4; k++)
		stmt_text_copy(st, k, buf[slot][k], sizeof(buf[slot][k]));
	out[(*n)++] = id_plain;
	out[(*n)++] = buf[slot][0];
	out[(*n)++] = buf[slot][1];
	if (phone_plain) {
		out[(*n)++] = phone_plain;
		out[(*n)++] = buf[slot][2];
		out[(*n)++] = buf[slot][3];
	}
	stmt_text_copy(st, 4, buf[slot][3] + 32, 32);
	out[(*n)++] = buf[slot][3] + 32;
	stmt_reset(st);
	slot++;
}

static void test_privacy(void **state)
{
	const char *secrets[32];
	int n = 0, k;
	json_t *j;
	char *key, *s, *pdf = NULL;
	size_t len = 0;
	(void)state;
	key = enable_board(fx.a);
	as_system();
	secrets_of(fx.ma, ID_A, PHONE_A, secrets, &n);
	secrets_of(fx.mb, ID_B, PHONE_B, secrets, &n);
	secrets[n++] = ADDRESS_A;
	for (k = 0; k < n; k++)
		assert_true(strlen(secrets[k]) >= 4);
	j = public_json(key, 0);
	s = json_dumps(j, 0);
	assert_non_null(strstr(s, "张公开")); /* the check can see names, so it would see the rest */
	for (k = 0; k < n; k++)
		if (strstr(s, secrets[k]))
			fail_msg("the board JSON holds %s", secrets[k]);
	free(s);
	json_decref(j);

	as_public();
	assert_int_equal(board_public_pdf(&fx.ctx, key, "http://board.test", &pdf, &len), 0);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	for (k = 0; k < n; k++) {
		size_t d, sl = strlen(secrets[k]);
		/* a tail of four digits occurs in any PDF's table of byte offsets: those are
		 * checked in the JSON above, every longer or lettered rendering here */
		for (d = 0; d < sl && secrets[k][d] >= '0' && secrets[k][d] <= '9'; d++)
			;
		if (sl == 4 && d == sl)
			continue;
		if (mem_contains(pdf, len, secrets[k]))
			fail_msg("the board PDF holds %s", secrets[k]);
	}
	free(pdf);
	free(key);
}

#define BOARD_TESTS                                               \
	{                                                         \
		cmocka_unit_test(test_settings_and_keys),         \
		cmocka_unit_test(test_dues_marks),                \
		cmocka_unit_test(test_appraisal_and_sections),    \
		cmocka_unit_test(test_photos),                    \
		cmocka_unit_test(test_privacy),                   \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = BOARD_TESTS;
	const struct CMUnitTest pg_tests[] = BOARD_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	failed = cmocka_run_group_tests_name("board/sqlite", sqlite_tests, life_suite_setup_sqlite, teardown);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("board/postgres", pg_tests, life_suite_setup_pg, teardown);
	else
		printf("board/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
