/*
 * Members out as tables: the import template and the export of a filtered list, both in
 * the columns of the national collection form (member_form_labels) so an exported list
 * reads like the form and the template's header is what the importer knows best.
 *
 * The export shows names for codes (汉族, 大学, 正式党员 …) and the masks of ID numbers
 * and phones. An administrator who may reveal them (系统管理员, 组织部/党委管理员 of the
 * subtree) can ask for the full values: the whole export then counts as one reveal and
 * is audited with its filter and row count before the file is handed over.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/audit.h"
#include "domain/codes.h"
#include "domain/idcard.h"
#include "util/pii.h"
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
	struct ctx *ctx;
	int reveal;
	int64_t rows;
};

/* The sealed values of one member, opened (caller frees both; NULL when absent). */
static int open_sealed(struct ctx *ctx, int64_t id, char **idn, char **phone)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT id_enc, phone_enc FROM members WHERE id = ?", &ctx->err);
	char *ie = NULL, *pe = NULL;
	int rc = 0;
	*idn = *phone = NULL;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		ie = stmt_text(st, 0) ? xstrdup(stmt_text(st, 0)) : NULL;
		pe = stmt_text(st, 1) ? xstrdup(stmt_text(st, 1)) : NULL;
	}
	stmt_reset(st);
	if ((ie && (rc = pii_decrypt(ie, idn, &ctx->err))) || (pe && (rc = pii_decrypt(pe, phone, &ctx->err)))) {
		free(*idn);
		*idn = NULL;
	}
	free(ie);
	free(pe);
	return rc;
}

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
	char *idn = NULL, *phone = NULL;
	int rc = x->reveal ? open_sealed(x->ctx, m->id, &idn, &phone) : 0;
	const char *cells[MEMBER_FORM_NCOLS] = {
		m->name,
		named(CODE_GENDER, m->gender),
		idn ? idn : m->id_mask,
		named(CODE_ETHNICITY, m->ethnicity),
		m->birth_date,
		named(CODE_EDUCATION, m->education),
		or_code(member_category_name(m->category), m->category),
		m->org_name,
		m->join_date,
		m->full_date,
		named(CODE_JOB, m->job),
		phone ? phone : m->phone_mask,
		m->address,
		or_code(member_party_status_name(m->party_status), m->party_status),
		m->lost_contact ? "是" : "否",
		m->lost_since,
		m->floating ? "是" : "否",
		or_code(member_person_type_name(m->person_type), m->person_type),
		m->work_unit,
		m->grid,
	};
	if (!rc) {
		table_writer_row(x->w, MEMBER_FORM_NCOLS, cells);
		x->rows++;
	}
	free(idn);
	free(phone);
	return rc;
}

/*
 * The search text as the audit log may keep it: a search by ID number or phone is
 * recorded masked, and any other run of 6+ digits (part of one) as '*'s.
 */
static void audit_search_text(const char *q, char *out, size_t size)
{
	struct idcard_info id;
	char phone[PHONE_NORM_SIZE];
	size_t i, n = 0, run = 0;
	if (!idcard_parse(q, &id, NULL)) {
		idcard_mask(id.normalized, out, size);
		return;
	}
	if (!phone_normalize(q, phone, sizeof(phone), NULL)) {
		phone_mask(phone, out, size);
		return;
	}
	strlcpy_z(out, q, size);
	n = strlen(out);
	for (i = 0; i <= n; i++) {
		int digit = i < n && ((out[i] >= '0' && out[i] <= '9') || out[i] == 'X' || out[i] == 'x');
		if (digit) {
			run++;
			continue;
		}
		if (run >= 6)
			memset(out + i - run, '*', run);
		run = 0;
	}
}

/* The filtered list as a table: in *out when out is given, else in a temp file (*fd, *size). */
static int export_table(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, int reveal,
			char **out, size_t *out_len, int *fd, int64_t *size)
{
	struct export_state x;
	json_t *detail = NULL;
	int rc;
	if (reveal && ctx->actor.role != ROLE_SYSADMIN && ctx->actor.role != ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, "reveal", "member.reveal_role", "只有管理员可以导出完整的身份证号和电话");
	memset(&x, 0, sizeof(x));
	x.ctx = ctx;
	x.reveal = reveal;
	x.w = table_writer_new(fmt, "党员名册");
	table_writer_header(x.w, MEMBER_FORM_NCOLS, member_form_labels);
	if ((rc = member_each(ctx, f, export_row, &x))) {
		table_writer_free(x.w);
		return rc;
	}
	if (reveal) {
		/* the reveal is recorded before anyone holds the file */
		char q[sizeof(f->q) + 8];
		audit_search_text(f->q, q, sizeof(q));
		detail = json_pack("{s:s, s:I, s:I, s:s, s:s}", "field", "id_number,phone", "rows", (json_int_t)x.rows,
				   "org", (json_int_t)f->org_id, "q", q, "format", fmt == TABLE_XLSX ? "xlsx" : "csv");
		if (!(rc = db_begin(ctx->db, &ctx->err))) {
			if ((rc = audit_append(ctx, "reveal_export", "member", 0, NULL, detail)))
				db_rollback(ctx->db);
			else
				rc = db_commit(ctx->db, &ctx->err);
		}
		json_decref(detail);
		if (rc) {
			table_writer_free(x.w);
			return rc;
		}
	}
	if (out)
		return table_writer_finish(x.w, out, out_len, &ctx->err);
	return table_writer_finish_fd(x.w, fd, size, &ctx->err);
}

int member_export(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, int reveal, char **out,
		  size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	return export_table(ctx, f, fmt, reveal, out, out_len, NULL, NULL);
}

int member_export_fd(struct ctx *ctx, const struct member_filter *f, enum table_format fmt, int reveal, int *fd,
		     int64_t *size)
{
	*fd = -1;
	*size = 0;
	return export_table(ctx, f, fmt, reveal, NULL, NULL, fd, size);
}

int cli_export_members(struct ctx *ctx, int64_t org_id, const char *format, FILE *out)
{
	struct member_filter f;
	enum table_format fmt;
	char buf[1 << 16];
	int64_t size = 0, off = 0;
	int fd = -1, status = 2;

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
	if (member_export_fd(ctx, &f, fmt, 0, &fd, &size)) {
		fprintf(stderr, "错误：%s\n", ctx->err.message);
		goto out;
	}
	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			break;
		off += n;
	}
	if (off != size || fflush(out)) {
		fprintf(stderr, "错误：写出失败\n");
		goto out;
	}
	status = 0;
out:
	if (fd >= 0)
		close(fd);
	return status;
}
