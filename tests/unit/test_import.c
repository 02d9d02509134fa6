/*
 * Member import and export (domain/member_import.c): all or nothing, every bad row
 * listed with its row, column and reason, the wordings clerks really use (title rows,
 * synonym headers, full-width digits, Excel's apostrophe, blank rows, 出生年月), XLSX as
 * well as CSV, the error report, the template and the masked export. Runs on SQLite (a
 * temp file) and again on PostgreSQL when DJ_TEST_PG_URL is set (a failed INSERT
 * aborts the whole transaction there, which the importer must survive).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/member_import.h"
#include "domain/org.h"
#include "support/life_fixture.h"
#include "util/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fixture {
	struct life_store ls;
	struct config cfg;
	struct ctx ctx;        /* the system actor on 2026-03-01 */
	int64_t committee, b1, b2;
	char code_b1[32], code_b2[32], name_b1[64];
};

static struct fixture fx;
static unsigned id_counter;

#define HEADER "姓名,性别,公民身份号码,民族,出生日期,学历,人员类别,所在党支部,入党日期,转为正式党员日期,工作岗位,联系电话,家庭住址,党籍状态,失联,流动党员,人员身份,工作单位,网格\r\n"

static void fail_ctx(const char *what, const struct ctx *ctx)
{
	fail_msg("%s: %s (field %s, rule %s)", what, ctx->err.message, ctx->err.field, ctx->err.rule);
}

static int64_t make_org(int64_t parent, const char *kind, const char *name, char *code_out)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	o.parent_id = parent;
	strlcpy_z(o.kind, kind, sizeof(o.kind));
	strlcpy_z(o.name, name, sizeof(o.name));
	/* codes are unique per database: the PostgreSQL run shares one with other runs */
	xsnprintf(o.code, sizeof(o.code), "IMP%d-%u", (int)getpid() % 100000, id_counter++);
	err_clear(&fx.ctx.err);
	if (org_create(&fx.ctx, &o))
		fail_ctx("org_create", &fx.ctx);
	if (code_out)
		strlcpy_z(code_out, o.code, 32);
	return o.id;
}

/* A valid, run-unique ID number born 1980-MM-DD; male when odd. */
static void make_id(char id[19], int male)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	unsigned i = id_counter++, s = 0, k, seq;
	seq = ((unsigned)getpid() * 7u + i / 336u) % 500u * 2u + (male ? 1u : 0u);
	xsnprintf(id, 19, "1101051980%02u%02u%03u", 1 + i % 12, 1 + (i / 12) % 28, seq);
	for (k = 0; k < 17; k++)
		s += (unsigned)(id[k] - '0') * (unsigned)w[k];
	id[17] = "10X98765432"[s % 11];
	id[18] = '\0';
}

/* One good row in HEADER's order; id_out gets the ID number. */
static void good_row(struct strbuf *sb, const char *branch, char *id_out)
{
	char id[19];
	make_id(id, 1);
	if (id_out)
		strlcpy_z(id_out, id, 19);
	strbuf_addf(sb, "测试党员,男,%s,汉族,,大学,正式党员,%s,2005-07-01,2006-07-01,公务员,13812345678,"
			"某县某路1号,正常,否,否,在职,某单位,\r\n", id, branch);
}

static int64_t count_members(int64_t org_id)
{
	struct stmt *st = db_prepare(fx.ctx.db, "SELECT count(*) FROM members WHERE org_id = ?", &fx.ctx.err);
	int64_t n;
	assert_non_null(st);
	stmt_bind_int(st, 1, org_id);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static int64_t count_import_audits(void)
{
	struct stmt *st = db_prepare(fx.ctx.db, "SELECT count(*) FROM audit_log WHERE action = 'import'", &fx.ctx.err);
	int64_t n;
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

static int run_import(const struct strbuf *sb, int64_t org_id, int dry_run, struct import_result *r)
{
	import_result_init(r);
	err_clear(&fx.ctx.err);
	return member_import(&fx.ctx, org_id, sb->buf, sb->len, dry_run, r);
}

static void expect_ok(const struct strbuf *sb, int64_t org_id, int64_t n)
{
	struct import_result r;
	int rc = run_import(sb, org_id, 0, &r);
	if (rc) {
		size_t i;
		for (i = 0; i < json_array_size(r.errors); i++) {
			json_t *j = json_array_get(r.errors, i);
			print_message("row %d %s: %s\n", (int)json_integer_value(json_object_get(j, "row")),
				      json_string_value(json_object_get(j, "column")),
				      json_string_value(json_object_get(j, "reason")));
		}
		fail_ctx("member_import", &fx.ctx);
	}
	assert_int_equal(r.imported, n);
	import_result_release(&r);
}

static void test_good_csv(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t before = count_members(fx.b1), audits = count_import_audits();
	int i;
	(void)state;
	strbuf_addstr(&sb, HEADER);
	for (i = 0; i < 40; i++)
		good_row(&sb, i % 2 ? fx.name_b1 : fx.code_b1, NULL);
	expect_ok(&sb, 0, 40);
	assert_int_equal(count_members(fx.b1), before + 40);
	assert_int_equal(count_import_audits(), audits + 1);
	strbuf_release(&sb);
}

static void test_bad_row_writes_nothing(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	int64_t before = count_members(fx.b1);
	json_t *e;
	char id[19];
	int i;
	(void)state;
	strbuf_addstr(&sb, HEADER);
	for (i = 0; i < 5; i++)
		good_row(&sb, fx.code_b1, NULL);
	make_id(id, 1);
	/* row 7: an ethnicity that is no code */
	strbuf_addf(&sb, "坏党员,男,%s,火星族,,大学,正式党员,%s,2005-07-01,2006-07-01,,,,,,,,,\r\n", id, fx.code_b1);
	for (i = 0; i < 5; i++)
		good_row(&sb, fx.code_b1, NULL);
	/* row 13: a probationary member with a 转正 date */
	make_id(id, 0);
	strbuf_addf(&sb, "坏党员,女,%s,汉族,,,预备党员,%s,2025-07-01,2025-12-01,,,,,,,,,\r\n", id, fx.code_b1);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_int_equal(count_members(fx.b1), before);
	assert_int_equal(json_array_size(r.errors), 2);
	assert_int_equal(r.bad, 2);
	e = json_array_get(r.errors, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "row")), 7);
	assert_string_equal(json_string_value(json_object_get(e, "column")), "民族");
	assert_string_equal(json_string_value(json_object_get(e, "value")), "火星族");
	assert_string_equal(json_string_value(json_object_get(e, "rule")), "member.code");
	assert_non_null(strstr(json_string_value(json_object_get(e, "reason")), "火星族"));
	e = json_array_get(r.errors, 1);
	assert_int_equal(json_integer_value(json_object_get(e, "row")), 13);
	assert_string_equal(json_string_value(json_object_get(e, "column")), "转为正式党员日期");
	assert_string_equal(json_string_value(json_object_get(e, "rule")), "member.category.full_date");
	assert_string_equal(fx.ctx.err.rule, "import.rows");
	import_result_release(&r);
	strbuf_release(&sb);
}

static void test_flexible_headers(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct member_filter f;
	char id[19], fw[64];
	int64_t before = count_members(fx.b2);
	size_t i, n;
	(void)state;
	/* a title row, then a header worded differently, padded and annotated */
	strbuf_addstr(&sb, "某党委党员花名册,,,,,,,,\r\n,,,,,,,,\r\n");
	strbuf_addstr(&sb, " 序号 ,名  字,身份证号（必填）,民族,出生年月,文化程度,类别,支部,入党时间,转正时间,手机,是否失联,失联时间\r\n");
	make_id(id, 1);
	/* full-width digits in the ID number and the dates, Excel's apostrophe */
	n = 0;
	for (i = 0; id[i]; i++) {
		if (id[i] >= '0' && id[i] <= '9') {
			fw[n++] = (char)0xEF;
			fw[n++] = (char)0xBC;
			fw[n++] = (char)(0x90 + (id[i] - '0'));
		} else {
			fw[n++] = id[i];
		}
	}
	fw[n] = '\0';
	strbuf_addf(&sb, "1,张　三,%s',汉,%.4s.%.2s,本科,正式,%s,２００５年７月１日,2006/7/1,138 1234 5678,否,\r\n", fw,
		    id + 6, id + 10, fx.name_b1);
	/* blank rows, and a row with only its 序号 (templates come numbered down the page) */
	strbuf_addstr(&sb, ",,,,,,,,\r\n\r\n9,,,,,,,,\r\n");
	make_id(id, 0);
	strbuf_addf(&sb, "2,李四,'%s,蒙古族,,硕士,预备党员,%s,20250901,,,是,2025.10.1\r\n", id, fx.code_b2);
	make_id(id, 0);
	strbuf_addf(&sb, "3,王五,%s,01,%.4s-%.2s-%.2s,大专,预备,%s,2025-09-01,,,,\r\n", id, id + 6, id + 10, id + 12,
		    fx.code_b2);
	expect_ok(&sb, 0, 3);
	assert_int_equal(count_members(fx.b2), before + 2);

	/* what landed: codes, category, dates; 张　三 is 张三 */
	member_filter_init(&f);
	f.org_id = fx.b1;
	xsnprintf(f.q, sizeof(f.q), "张三");
	{
		json_t *items = NULL;
		int64_t total = 0;
		err_clear(&fx.ctx.err);
		if (member_list(&fx.ctx, &f, &items, &total))
			fail_ctx("member_list", &fx.ctx);
		assert_true(total >= 1);
		json_t *m = json_array_get(items, json_array_size(items) - 1);
		assert_string_equal(json_string_value(json_object_get(m, "education")), "21");
		assert_string_equal(json_string_value(json_object_get(m, "category")), "full");
		assert_string_equal(json_string_value(json_object_get(m, "join_date")), "2005-07-01");
		assert_string_equal(json_string_value(json_object_get(m, "full_date")), "2006-07-01");
		assert_string_equal(json_string_value(json_object_get(m, "phone")), "138****5678");
		json_decref(items);
	}
	strbuf_release(&sb);
}

static void test_duplicates(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	char id[19], id2[19];
	json_t *e;
	(void)state;
	strbuf_addstr(&sb, HEADER);
	good_row(&sb, fx.code_b1, id);
	good_row(&sb, fx.code_b1, NULL);
	strbuf_addf(&sb, "重复者,男,%s,汉族,,,正式党员,%s,2005-07-01,2006-07-01,,,,,,,,,\r\n", id, fx.code_b1);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_int_equal(json_array_size(r.errors), 1);
	e = json_array_get(r.errors, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "row")), 4);
	assert_string_equal(json_string_value(json_object_get(e, "rule")), "member.duplicate");
	assert_non_null(strstr(json_string_value(json_object_get(e, "reason")), "第2行"));
	/* the value is shown masked, like every ID number the API returns */
	assert_null(strstr(json_string_value(json_object_get(e, "value")), id + 6));
	import_result_release(&r);

	/* against the registry: import one, then a file holding it again (and a new one) */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEADER);
	good_row(&sb, fx.code_b1, id2);
	expect_ok(&sb, 0, 1);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEADER);
	good_row(&sb, fx.code_b1, NULL);
	strbuf_addf(&sb, "已在册,男,%s,汉族,,,正式党员,%s,2005-07-01,2006-07-01,,,,,,,,,\r\n", id2, fx.code_b1);
	good_row(&sb, fx.code_b1, NULL);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_int_equal(json_array_size(r.errors), 1);
	e = json_array_get(r.errors, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "row")), 3);
	assert_string_equal(json_string_value(json_object_get(e, "rule")), "member.duplicate");
	import_result_release(&r);
	/* the same on a dry run, where nothing is inserted and the hash is looked up */
	assert_int_equal(run_import(&sb, 0, 1, &r), E_INVALID);
	assert_int_equal(json_array_size(r.errors), 1);
	import_result_release(&r);
	strbuf_release(&sb);
}

static void test_dry_run_and_fixed_org(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	int64_t before = count_members(fx.b2);
	char id[19];
	(void)state;
	/* no branch column: the org given is used for every row and must be a branch */
	strbuf_addstr(&sb, "姓名,公民身份号码,民族,人员类别,入党日期,转为正式党员日期\r\n");
	make_id(id, 1);
	strbuf_addf(&sb, "赵六,%s,汉族,正式党员,2010-01-01,2011-01-01\r\n", id);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "import.org");
	assert_int_equal(json_array_size(r.errors), 0);
	import_result_release(&r);
	assert_int_equal(run_import(&sb, fx.committee, 0, &r), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "member.org_kind");
	import_result_release(&r);
	assert_int_equal(run_import(&sb, fx.b2, 1, &r), 0);
	assert_int_equal(r.valid, 1);
	assert_int_equal(r.imported, 0);
	import_result_release(&r);
	assert_int_equal(count_members(fx.b2), before);
	expect_ok(&sb, fx.b2, 1);
	assert_int_equal(count_members(fx.b2), before + 1);

	/* a missing required column is one file-level error, not one per row */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "姓名,公民身份号码,人员类别\r\n张三,11010519491231002X,正式党员\r\n");
	assert_int_equal(run_import(&sb, fx.b2, 0, &r), E_INVALID);
	assert_string_equal(fx.ctx.err.rule, "import.columns");
	import_result_release(&r);
	strbuf_release(&sb);
}

static void test_xlsx_and_report(void **state)
{
	struct table_writer *w = table_writer_new(TABLE_XLSX, NULL);
	const char *header[] = { "姓名", "公民身份号码", "民族", "人员类别", "所在党支部", "入党日期", "转为正式党员日期" };
	char ids[3][19], *data = NULL, *rep = NULL;
	size_t len = 0, rep_len = 0;
	struct err e;
	struct import_result r;
	struct strbuf sb = STRBUF_INIT;
	int64_t before = count_members(fx.b1);
	int i;
	(void)state;
	table_writer_header(w, 7, header);
	for (i = 0; i < 3; i++) {
		make_id(ids[i], i % 2);
		const char *row[] = { "表格党员", ids[i], "汉族", "正式党员", fx.code_b1, "2001-07-01", "2002年7月1日" };
		table_writer_row(w, 7, row);
	}
	err_clear(&e);
	assert_int_equal(table_writer_finish(w, &data, &len, &e), 0);
	assert_memory_equal(data, "PK", 2);
	strbuf_add(&sb, data, len);
	expect_ok(&sb, 0, 3);
	assert_int_equal(count_members(fx.b1), before + 3);
	free(data);

	/* a bad XLSX: the report is an XLSX too, with the bad rows */
	w = table_writer_new(TABLE_XLSX, NULL);
	table_writer_header(w, 7, header);
	{
		char id[19];
		make_id(id, 1);
		const char *good[] = { "表格党员", id, "汉族", "正式党员", fx.code_b1, "2001-07-01", "2002-07-01" };
		const char *bad[] = { "表格党员", "110105198001010000", "汉族", "正式党员", fx.code_b1, "2001-07-01", "" };
		table_writer_row(w, 7, good);
		table_writer_row(w, 7, bad);
	}
	assert_int_equal(table_writer_finish(w, &data, &len, &e), 0);
	strbuf_reset(&sb);
	strbuf_add(&sb, data, len);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_int_equal(json_array_size(r.errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r.errors, 0), "row")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(r.errors, 0), "column")), "公民身份号码");
	assert_int_equal(member_import_report_xlsx(data, len, &r, &rep, &rep_len, &e), 0);
	assert_true(rep_len > 100);
	assert_memory_equal(rep, "PK", 2);
	import_result_release(&r);
	free(rep);
	free(data);
	strbuf_release(&sb);
}

static int find_line(void *arg, int row_no, int ncells, const char *const *cells)
{
	int *seen = arg;
	(void)row_no;
	if (ncells >= 3 && !strcmp(cells[0], "示例党员"))
		*seen = 1;
	return 0;
}

static void test_template_and_export(void **state)
{
	char *data = NULL;
	size_t len = 0, i;
	struct err e;
	struct strbuf sb = STRBUF_INIT;
	struct member_filter f;
	char *p;
	int seen = 0;
	(void)state;
	err_clear(&e);
	assert_int_equal(member_import_template(TABLE_XLSX, &data, &len, &e), 0);
	assert_memory_equal(data, "PK", 2);
	assert_int_equal(table_read_mem(data, len, find_line, &seen, &e), 0);
	assert_true(seen);
	free(data);
	/* the CSV template imports once its example branch is a real one */
	assert_int_equal(member_import_template(TABLE_CSV, &data, &len, &e), 0);
	strbuf_add(&sb, data, len);
	free(data);
	p = strstr(sb.buf, "第一党支部");
	assert_non_null(p);
	{
		struct strbuf t = STRBUF_INIT;
		strbuf_add(&t, sb.buf, (size_t)(p - sb.buf));
		strbuf_addstr(&t, fx.code_b2);
		strbuf_addstr(&t, p + strlen("第一党支部"));
		/* the example's ID number may be in the registry from an earlier run on PostgreSQL */
		struct import_result r;
		int rc = run_import(&t, 0, 1, &r);
		if (rc)
			assert_string_equal(json_string_value(json_object_get(json_array_get(r.errors, 0), "rule")),
					    "member.duplicate");
		else
			assert_int_equal(r.valid, 1);
		import_result_release(&r);
		strbuf_release(&t);
	}
	strbuf_release(&sb);

	/* export: the form's columns, names for codes, masks only */
	member_filter_init(&f);
	f.org_id = fx.committee;
	err_clear(&fx.ctx.err);
	if (member_export(&fx.ctx, &f, TABLE_CSV, 0, &data, &len))
		fail_ctx("member_export", &fx.ctx);
	strbuf_add(&sb, data, len);
	free(data);
	assert_non_null(strstr(sb.buf, "姓名,性别,公民身份号码,民族"));
	assert_non_null(strstr(sb.buf, "汉族"));
	assert_non_null(strstr(sb.buf, "正式党员"));
	assert_non_null(strstr(sb.buf, "********"));
	assert_non_null(strstr(sb.buf, "138****5678"));
	/* no run of 18 ID characters anywhere */
	for (i = 0; i + 18 <= sb.len; i++)
		assert_true(strspn(sb.buf + i, "0123456789X") < 18);
	strbuf_release(&sb);
	err_clear(&fx.ctx.err);
	assert_int_equal(member_export(&fx.ctx, &f, TABLE_XLSX, 0, &data, &len), 0);
	assert_memory_equal(data, "PK", 2);
	free(data);
}

static void test_scope(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	struct ctx saved = fx.ctx;
	struct org o;
	(void)state;
	/* a secretary of b2 cannot import into b1, by name or by code */
	err_clear(&fx.ctx.err);
	if (org_get(&fx.ctx, fx.b2, &o))
		fail_ctx("org_get", &fx.ctx);
	fx.ctx.actor.role = ROLE_SECRETARY;
	fx.ctx.actor.org_id = fx.b2;
	strlcpy_z(fx.ctx.actor.org_path, o.path, sizeof(fx.ctx.actor.org_path));
	strbuf_addstr(&sb, HEADER);
	good_row(&sb, fx.code_b2, NULL);
	good_row(&sb, fx.code_b1, NULL);
	assert_int_equal(run_import(&sb, 0, 0, &r), E_INVALID);
	assert_int_equal(json_array_size(r.errors), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(r.errors, 0), "rule")), "import.branch");
	assert_string_equal(json_string_value(json_object_get(json_array_get(r.errors, 0), "column")), "所在党支部");
	import_result_release(&r);
	fx.ctx = saved;
	strbuf_release(&sb);
}

static int populate(int pg)
{
	struct err e = { 0 };
	(void)pg;
	config_defaults(&fx.cfg);
	if (config_set(&fx.cfg, "auth.pwhash=min", &e)) {
		fprintf(stderr, "config_set: %s\n", e.message);
		return -1;
	}
	fx.ctx.cfg = &fx.cfg;
	/* 2026-03-01 12:00 in Shanghai */
	ctx_set_clock(&fx.ctx, (time_t)(date_to_days((struct date){ 2026, 3, 1 }) * 86400 + 4 * 3600));
	fx.committee = make_org(make_org(0, "dept", "导入测试组织部", NULL), "committee", "导入测试党委", NULL);
	/* names unique per run: the PostgreSQL database outlives one run */
	xsnprintf(fx.name_b1, sizeof(fx.name_b1), "导入一支部%d", (int)getpid());
	fx.b1 = make_org(fx.committee, "branch", fx.name_b1, fx.code_b1);
	fx.b2 = make_org(fx.committee, "branch", "导入二支部", fx.code_b2);
	return 0;
}

static const struct life_suite suite = { &fx, sizeof(fx), &fx.ls, &fx.ctx, "import", populate, 2 };

#define IMPORT_TESTS                                                                                           \
	{                                                                                                      \
		cmocka_unit_test(test_good_csv), cmocka_unit_test(test_bad_row_writes_nothing),                \
			cmocka_unit_test(test_flexible_headers), cmocka_unit_test(test_duplicates),            \
			cmocka_unit_test(test_dry_run_and_fixed_org), cmocka_unit_test(test_xlsx_and_report),  \
			cmocka_unit_test(test_template_and_export), cmocka_unit_test(test_scope),              \
	}

static int64_t scalar(const char *sql)
{
	struct stmt *st = db_prepare(fx.ctx.db, sql, &fx.ctx.err);
	int64_t n;
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &fx.ctx.err), STEP_ROW);
	n = stmt_int(st, 0);
	stmt_reset(st);
	return n;
}

/* the counts kept by members' insert triggers (038 talk roster, 039 points subjects) equal the rows */
static void assert_kept_counts(void)
{
	assert_int_equal(scalar("SELECT count(*) FROM (SELECT org_id, count(*) AS n FROM members WHERE state = 'active' "
				"AND category IN ('full', 'probationary') GROUP BY org_id) m LEFT JOIN org_talk_roster r "
				"ON r.org_id = m.org_id WHERE r.roster IS NOT m.n"),
			 0);
	assert_int_equal(scalar("SELECT count(*) FROM (SELECT CAST(a.value AS INTEGER) AS org_id, count(*) AS n FROM "
				"members, json_each('[' || replace(trim(org_path, '/'), '/', ',') || ']') a WHERE "
				"state = 'active' GROUP BY 1) m LEFT JOIN point_subject_counts c ON c.org_id = m.org_id "
				"AND c.target = 'member' WHERE c.n IS NOT m.n"),
			 0);
}

/*
 * A big file takes the bulk path (SQLite sets the members indexes and counting
 * triggers aside): afterwards every index and trigger is back, and the per-org counts
 * agree with the rows. A refused big file leaves all of it as it was.
 */
static void test_bulk_import_restores_indexes_and_counts(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_result r;
	int64_t ddl = scalar("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'members' AND sql IS NOT NULL");
	int i;
	(void)state;
	strbuf_addstr(&sb, HEADER);
	for (i = 0; i < 24000; i++)
		good_row(&sb, i % 2 ? fx.code_b1 : fx.code_b2, NULL);
	expect_ok(&sb, 0, 24000);
	assert_int_equal(scalar("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'members' AND sql IS NOT NULL"), ddl);
	assert_int_equal(count_members(fx.b1), 12000);
	assert_int_equal(scalar("SELECT sum(direct_members) FROM orgs"), scalar("SELECT count(*) FROM members"));
	assert_kept_counts();

	/* the same size again with one bad row at the end: nothing written, nothing lost */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEADER);
	for (i = 0; i < 24000; i++)
		good_row(&sb, fx.code_b1, NULL);
	strbuf_addf(&sb, "坏行,男,110105194912310021,汉族,,大学,正式党员,%s,2005-07-01,2006-07-01,,,,,,,,,\r\n", fx.code_b1);
	assert_int_not_equal(run_import(&sb, 0, 0, &r), 0);
	assert_int_equal(r.imported, 0);
	import_result_release(&r);
	assert_int_equal(count_members(fx.b1), 12000);
	assert_int_equal(scalar("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'members' AND sql IS NOT NULL"), ddl);
	assert_int_equal(scalar("SELECT sum(direct_members) FROM orgs"), scalar("SELECT count(*) FROM members"));
	assert_kept_counts();
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = IMPORT_TESTS;
	const struct CMUnitTest pg_tests[] = IMPORT_TESTS;
	const char *pg = getenv("DJ_TEST_PG_URL");
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	life_active_suite = &suite;
	const struct CMUnitTest sqlite_only[] = {
		cmocka_unit_test_setup_teardown(test_bulk_import_restores_indexes_and_counts, life_suite_setup_sqlite,
						life_suite_teardown),
	};
	failed = cmocka_run_group_tests_name("import/sqlite", sqlite_tests, life_suite_setup_sqlite, life_suite_teardown);
	failed += cmocka_run_group_tests_name("import/sqlite bulk", sqlite_only, NULL, NULL);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("import/postgres", pg_tests, life_suite_setup_pg, life_suite_teardown);
	else
		printf("import/postgres: skipped (DJ_TEST_PG_URL not set)\n");
	return failed ? 1 : 0;
}
