/*
 * Members out as tables: the import template and the export of a filtered list, both in
 * the columns of the national collection form (member_form_labels) so an exported list
 * reads like the form and the template's header is what the importer knows best.
 *
 * The export shows names for codes (汉族, 大学, 正式党员 …) and only the masks of ID
 * numbers and phones: this version of the registry never exports plaintext personal
 * data (one member's number is revealed, audited, through /members/{id}/reveal).
 */
#include <stdlib.h>
#include <string.h>
#include "domain/codes.h"
#include "domain/member_import.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* A valid, fictional member: it imports once 所在党支部 names a real branch. */
static const char *const template_example[MEMBER_FORM_NCOLS] = {
	"示例党员", "女", "11010519491231002X", "汉族", "1949-12-31", "大学", "正式党员", "第一党支部", "1975-07-01",
	"1976-07-01", "退休人员", "13800000000", "北京市西城区示例路1号", "正常", "否", "", "否", "离退休", "", "",
};

int member_import_template(enum table_format fmt, char **out, size_t *out_len, struct err *e)
{
	struct table_writer *w = table_writer_new(fmt, "党员导入模板");
	table_writer_header(w, MEMBER_FORM_NCOLS, member_form_labels);
	table_writer_row(w, MEMBER_FORM_NCOLS, template_example);
	return table_writer_finish(w, out, out_len, e);
}

struct export_state {
	struct table_writer *w;
};

static const char *named(enum code_table t, const char *code)
{
	const char *n = code[0] ? code_name(t, code) : "";
	return n ? n : code;
}

static const char *or_code(const char *name, const char *code)
{
	return name ? name : code;
}

static int export_row(void *arg, const struct member *m)
{
	struct export_state *x = arg;
	const char *cells[MEMBER_FORM_NCOLS] = {
		m->name,
		named(CODE_GENDER, m->gender),
		m->id_mask,
		named(CODE_ETHNICITY, m->ethnicity),
		m->birth_date,
		named(CODE_EDUCATION, m->education),
		or_code(member_category_name(m->category), m->category),
		m->org_name,
		m->join_date,
		m->full_date,
		named(CODE_JOB, m->job),
		m->phone_mask,
		m->address,
		or_code(member_party_status_name(m->party_status), m->party_status),
		m->lost_contact ? "是" : "否",
		m->lost_since,
		m->floating ? "是" : "否",
		or_code(member_person_type_name(m->person_type), m->person_type),
		m->work_unit,
		m->grid,
	};
	table_writer_row(x->w, MEMBER_FORM_NCOLS, cells);
	return 0;
}

int member_export(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, char **out,
		  size_t *out_len)
{
	struct export_state x;
	int rc;
	x.w = table_writer_new(fmt, "党员名册");
	table_writer_header(x.w, MEMBER_FORM_NCOLS, member_form_labels);
	if ((rc = member_each(ctx, f, export_row, &x))) {
		table_writer_free(x.w);
		return rc;
	}
	return table_writer_finish(x.w, out, out_len, &ctx->err);
}

int cli_export_members(struct ctx *ctx, int64_t org_id, const char *format, FILE *out)
{
	struct member_filter f;
	enum table_format fmt;
	char *data = NULL;
	size_t len = 0;
	int status = 2;

	if (!format || !strcmp(format, "csv")) {
		fmt = TABLE_CSV;
	} else if (!strcmp(format, "xlsx")) {
		fmt = TABLE_XLSX;
	} else {
		fprintf(stderr, "错误：--format 只能是 csv 或 xlsx\n");
		goto out;
	}
	member_filter_init(&f);
	f.org_id = org_id;
	if (member_export(ctx, &f, fmt, &data, &len)) {
		fprintf(stderr, "错误：%s\n", ctx->err.message);
		goto out;
	}
	if (fwrite(data, 1, len, out) != len || fflush(out)) {
		fprintf(stderr, "错误：写出失败\n");
		goto out;
	}
	status = 0;
out:
	free(data);
	return status;
}
