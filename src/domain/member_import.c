/*
 * Bulk import of members from the tables clerks really have: a header that may sit
 * under a title row and be worded several ways, dates written five ways, codes given by
 * name, branches by name or code. Validation is member_prepare's, row by row, so an
 * imported member meets exactly the rules of one entered by hand.
 *
 * One pass over the file, all or nothing: rows are inserted inside one transaction as
 * they validate, so a good file (the usual case, and a million rows at province scale)
 * is read, sealed and written once without holding rows in memory. The first bad row
 * rolls the transaction back; the rest of the file is still validated (duplicates then
 * checked by the keyed hash) so the clerk gets every error in one report.
 */
#include "domain/member_import.h"
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/codes.h"
#include "domain/idcard.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "util/limits.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Title rows a header may sit under before we give up looking for it. */
#define HEADER_SCAN_ROWS 30
/* Distinct cell texts remembered per code column and for branches (beyond: looked up each time). */
#define MEMO_MAX 4096
#define BRANCH_MEMO_MAX 65536
/* Files up to this many data rows get a report with every row (fix it and import it again). */
#define REPORT_FULL_ROWS 50000

enum col {
	COL_NAME, COL_GENDER, COL_ID, COL_ETHNICITY, COL_BIRTH, COL_EDUCATION, COL_CATEGORY, COL_BRANCH,
	COL_JOIN, COL_FULL, COL_JOB, COL_PHONE, COL_ADDRESS, COL_PARTY_STATUS, COL_LOST, COL_LOST_SINCE,
	COL_FLOATING, COL_PERSON_TYPE, COL_WORK_UNIT, COL_GRID, COL__COUNT
};

const char *const member_form_labels[MEMBER_FORM_NCOLS] = {
	"姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "入党日期",
	"转为正式党员日期", "工作岗位", "联系电话", "家庭住址", "党籍状态", "失联", "失联日期", "流动党员",
	"人员身份", "工作单位", "网格",
};

/* Header wordings seen in real lists, after normalize_header (no spaces, no notes in brackets). */
static const char *const synonyms[COL__COUNT][8] = {
	[COL_NAME] = { "姓名", "名字", "党员姓名" },
	[COL_GENDER] = { "性别" },
	[COL_ID] = { "公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码", "身份证件号码" },
	[COL_ETHNICITY] = { "民族" },
	[COL_BIRTH] = { "出生日期", "出生年月", "出生年月日" },
	[COL_EDUCATION] = { "学历", "文化程度" },
	[COL_CATEGORY] = { "人员类别", "党员类别", "类别" },
	[COL_BRANCH] = { "所在党支部", "党支部", "支部", "所在支部" },
	[COL_JOIN] = { "入党日期", "入党时间" },
	[COL_FULL] = { "转为正式党员日期", "转正日期", "转正时间" },
	[COL_JOB] = { "工作岗位", "岗位" },
	[COL_PHONE] = { "联系电话", "手机", "手机号", "电话", "手机号码" },
	[COL_ADDRESS] = { "家庭住址", "住址" },
	[COL_PARTY_STATUS] = { "党籍状态" },
	[COL_LOST] = { "失联", "是否失联", "失联党员" },
	[COL_LOST_SINCE] = { "失联日期", "失联时间" },
	[COL_FLOATING] = { "流动党员", "是否流动党员" },
	[COL_PERSON_TYPE] = { "人员身份" },
	[COL_WORK_UNIT] = { "工作单位" },
	[COL_GRID] = { "网格" },
};

/* member_prepare's error fields (and ours) to the column the clerk must fix. */
static const struct {
	const char *field;
	enum col col;
} field_cols[] = {
	{ "name", COL_NAME },           { "gender", COL_GENDER },         { "id_number", COL_ID },
	{ "ethnicity", COL_ETHNICITY }, { "birth_date", COL_BIRTH },      { "education", COL_EDUCATION },
	{ "category", COL_CATEGORY },   { "org_id", COL_BRANCH },         { "join_date", COL_JOIN },
	{ "full_date", COL_FULL },      { "job", COL_JOB },               { "phone", COL_PHONE },
	{ "address", COL_ADDRESS },     { "party_status", COL_PARTY_STATUS }, { "lost_contact", COL_LOST },
	{ "lost_since", COL_LOST_SINCE }, { "floating", COL_FLOATING },   { "person_type", COL_PERSON_TYPE },
	{ "work_unit", COL_WORK_UNIT }, { "grid", COL_GRID },
};

/* ---- small hash tables: ID numbers seen, and memos of cell text → code / branch ---- */

struct id_slot {
	uint64_t key; /* the 17 leading digits + 1 (0 = empty): exact, no collisions */
	int row;
};

struct id_set {
	struct id_slot *slots;
	size_t cap, n;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Adds key for row; returns the row that already had it, or 0. */
static int id_set_add(struct id_set *s, uint64_t key, int row)
{
	size_t i, mask;
	if (2 * (s->n + 1) > s->cap) {
		struct id_set g = { NULL, s->cap ? 2 * s->cap : 4096, 0 };
		g.slots = xcalloc(g.cap, sizeof(*g.slots));
		for (i = 0; i < s->cap; i++)
			if (s->slots[i].key)
				id_set_add(&g, s->slots[i].key, s->slots[i].row);
		free(s->slots);
		*s = g;
	}
	mask = s->cap - 1;
	for (i = (size_t)mix64(key) & mask; s->slots[i].key; i = (i + 1) & mask)
		if (s->slots[i].key == key)
			return s->slots[i].row;
	s->slots[i].key = key;
	s->slots[i].row = row;
	s->n++;
	return 0;
}

struct memo_entry {
	char *key;
	uint32_t hash;
	const char *code;  /* code memo: canonical code, NULL = not in the table */
	int64_t org_id;    /* branch memo: 0 = not usable, see err */
	struct err *err;
};

struct memo {
	struct memo_entry *e;
	size_t cap, n, max;
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct memo_entry *memo_find(struct memo *m, const char *key, uint32_t h)
{
	size_t i, mask;
	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	for (i = h & mask; m->e[i].key; i = (i + 1) & mask)
		if (m->e[i].hash == h && !strcmp(m->e[i].key, key))
			return &m->e[i];
	return NULL;
}

/* A new entry for key (not present), or NULL when the memo is full. */
static struct memo_entry *memo_add(struct memo *m, const char *key, uint32_t h)
{
	size_t i, mask;
	if (m->n >= m->max)
		return NULL;
	if (2 * (m->n + 1) > m->cap) {
		struct memo g = { NULL, m->cap ? 2 * m->cap : 64, 0, m->max };
		g.e = xcalloc(g.cap, sizeof(*g.e));
		for (i = 0; i < m->cap; i++)
			if (m->e[i].key) {
				size_t j, gm = g.cap - 1;
				for (j = m->e[i].hash & gm; g.e[j].key; j = (j + 1) & gm)
					;
				g.e[j] = m->e[i];
				g.n++;
			}
		free(m->e);
		*m = g;
	}
	mask = m->cap - 1;
	for (i = h & mask; m->e[i].key; i = (i + 1) & mask)
		;
	m->e[i].key = xstrdup(key);
	m->e[i].hash = h;
	m->n++;
	return &m->e[i];
}

static void memo_release(struct memo *m)
{
	size_t i;
	for (i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		free(m->e[i].err);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* ---- the import ---- */

struct import_state {
	struct ctx *ctx;
	struct import_result *r;
	const void *data;
	size_t len;
	int dry_run;
	int64_t org_id;            /* the given org (query parameter / --org), 0 = none */
	struct org fixed;          /* the branch of every row when the file has no branch column */
	struct org last;           /* the branch of the previous row, checked in scope (files come grouped) */
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN]; /* path range where branch names resolve */
	int col[COL__COUNT];       /* file column of each field, -1 = absent */
	char *htext[COL__COUNT];   /* header text as in the file */
	int in_tx;                 /* rows are being inserted (no bad row so far, not a dry run) */
	int in_read;               /* a read transaction: one snapshot, no per-query lock round trips */
	int bulk;                  /* members indexes and triggers set aside (db_bulk_begin) */
	int64_t kept_after_id;     /* the largest member id before the import (stats_kept_import_begin) */
	int fatal;                 /* a file-level error stopped the read (ctx->err) */
	struct id_set ids;
	struct memo codes[4];      /* gender, ethnicity, education, job */
	struct memo branches;
	/* per-row scratch, kept here so a row costs no allocation */
	struct member m;
	char birth_ym[8];
};

/* JSON text of s, or "" when s is not valid UTF-8 (a cell the reader passed through as is) */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string("");
}

static void add_mark(struct import_result *r, int row, int col)
{
	ALLOC_GROW(r->marks, r->nmarks + 1, r->marks_alloc);
	r->marks[r->nmarks].row = row;
	r->marks[r->nmarks].col = col;
	r->nmarks++;
}

/* The value as shown back: ID numbers and phones masked, like everywhere else in the API. */
static json_t *shown_value(enum col c, const char *value)
{
	char buf[80], mask[80];
	if ((c != COL_ID && c != COL_PHONE) || !value[0] || strlen(value) >= sizeof(buf))
		return jstr(c == COL_ID || c == COL_PHONE ? (value[0] ? "********" : "") : value);
	text_normalize(value, buf, sizeof(buf));
	idcard_mask(buf, mask, sizeof(mask));
	return jstr(mask);
}

/* Only validating from here on (dry run, or a bad row seen): reads in one read transaction. */
static void start_reading(struct import_state *st)
{
	struct err e;
	/* without it SQLite takes and drops a read lock for every lookup; failing is only slower */
	if (!st->in_read && !db_exec(st->ctx->db, "BEGIN", &e))
		st->in_read = 1;
}

static void end_transactions(struct import_state *st)
{
	if (st->in_tx || st->in_read)
		db_rollback(st->ctx->db);
	st->in_tx = st->in_read = 0;
}

/* A bad row: nothing will be written, so the write transaction (and any bulk load) ends now. */
static void stop_writing(struct import_state *st)
{
	if (st->in_tx) {
		end_transactions(st);
		st->bulk = 0;
		start_reading(st);
	}
}

/*
 * Records one bad row from e (its field names the column). Returns nonzero when the
 * list is full and reading should stop.
 */
static int row_fail(struct import_state *st, int row, int ncells, const char *const *cells, const struct err *e)
{
	struct import_result *r = st->r;
	int c = -1, fc = -1;
	size_t i;
	json_t *j;
	const char *value = "";

	stop_writing(st);
	r->bad++;
	if (json_array_size(r->errors) >= CAP_IMPORT_ERRORS) {
		r->truncated = 1;
		return 1;
	}
	for (i = 0; i < sizeof(field_cols) / sizeof(field_cols[0]); i++)
		if (!strcmp(field_cols[i].field, e->field)) {
			c = (int)field_cols[i].col;
			break;
		}
	if (c >= 0) {
		fc = st->col[c];
		if (fc >= 0 && fc < ncells)
			value = cells[fc];
	}
	j = json_object();
	json_object_set_new(j, "row", json_integer(row));
	json_object_set_new(j, "column", jstr(c < 0 ? "" : st->htext[c] ? st->htext[c] : member_form_labels[c]));
	json_object_set_new(j, "value", c < 0 ? json_string("") : shown_value((enum col)c, value));
	json_object_set_new(j, "reason", jstr(e->message));
	json_object_set_new(j, "rule", jstr(e->rule[0] ? e->rule : "field.invalid"));
	json_array_append_new(r->errors, j);
	add_mark(r, row, fc);
	return 0;
}

/* Header text → field: trimmed, full-width folded, inner spaces, '*' and bracketed notes dropped. */
static void normalize_header(const char *in, char *out, size_t size)
{
	char buf[256];
	size_t i, n = 0;
	int depth = 0;
	text_normalize(in, buf, sizeof(buf));
	for (i = 0; buf[i] && n + 1 < size; i++) {
		char ch = buf[i];
		if (ch == '(' || ch == '[') {
			depth++;
			continue;
		}
		if ((ch == ')' || ch == ']') && depth) {
			depth--;
			continue;
		}
		if (depth || ch == ' ' || ch == '\t' || ch == '*' || ch == ':')
			continue;
		out[n++] = ch;
	}
	out[n] = '\0';
}

static int header_col(const char *text)
{
	char h[128];
	int c, k;
	if (strlen(text) >= 200)
		return -1;
	normalize_header(text, h, sizeof(h));
	for (c = 0; c < COL__COUNT; c++)
		for (k = 0; k < 8 && synonyms[c][k]; k++)
			if (!strcmp(h, synonyms[c][k]))
				return c;
	return -1;
}

/* Path range of the subtree where branch names and codes resolve, and the fixed branch. */
static int setup_orgs(struct import_state *st)
{
	struct ctx *ctx = st->ctx;
	int rc;
	if (st->org_id) {
		if ((rc = org_require_in_scope(ctx, st->org_id, &st->fixed, "org")))
			return rc;
		strlcpy_z(st->lo, st->fixed.path, sizeof(st->lo));
	} else {
		strlcpy_z(st->lo, ctx->actor.org_path, sizeof(st->lo));
	}
	path_range_end(st->lo, st->hi, sizeof(st->hi));
	if (st->col[COL_BRANCH] < 0) {
		if (!st->org_id)
			return err_set(&ctx->err, E_INVALID, "org", "import.org",
				       "文件中没有“所在党支部”列：请选择要导入到的党支部");
		if (!org_kind_is_branch(st->fixed.kind))
			return err_set(&ctx->err, E_INVALID, "org", "member.org_kind",
				       "党员应编入党支部，“%s”是%s：请选择党支部，或在文件中加“所在党支部”列", st->fixed.name,
				       org_kind_name(st->fixed.kind));
	}
	return 0;
}

/*
 * Large imports on SQLite: keeping five secondary indexes up to date row by row (random
 * places in each B-tree) costs more than the rows themselves, while building an index by
 * sorting after the load is cheap (100,000 rows: 3.0 s of inserts with the indexes, 1.6 s
 * without them plus 0.6 s to build them). So when the file is big against the table, the
 * secondary indexes of members are dropped inside the import's own transaction and
 * created again from their stored definitions before it commits: other connections keep
 * reading the old snapshot (WAL), a rollback brings the indexes back, and the UNIQUE
 * constraint on id_hash (an automatic index, never dropped) still refuses registered ID
 * numbers. PostgreSQL keeps its indexes: this is a SQLite-only measure.
 */
#define BULK_MIN_ROWS 20000

static int64_t estimate_rows(const void *data, size_t len)
{
	const char *p = data, *end = p + len;
	int64_t n = 0;
	if (len >= 4 && !memcmp(data, "PK\3\4", 4))
		return (int64_t)(len / 90); /* compressed XLSX: about 90 bytes a row of the form */
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/*
 * What the set-aside insert triggers of members would have counted for the imported
 * rows (ids above after_id; new members have no talks and no points yet): the talk
 * roster per org (038) and the active members per ancestor of the points standings
 * (039). orgs.direct_members is recounted by org_recount_members, the statistics by
 * stats_kept_import_end. The bulk path exists only on SQLite, hence json_each.
 */
static int bulk_recount_kept(struct ctx *ctx, int64_t after_id)
{
	static const char *const sql[] = {
		"INSERT INTO org_talk_roster (org_id, roster) SELECT org_id, count(*) FROM members WHERE id > ? AND "
		"state = 'active' AND category IN ('full', 'probationary') GROUP BY org_id "
		"ON CONFLICT (org_id) DO UPDATE SET roster = org_talk_roster.roster + excluded.roster",
		"INSERT INTO point_subject_counts (org_id, target, n) SELECT CAST(a.value AS INTEGER), 'member', count(*) "
		"FROM members m, json_each('[' || replace(trim(m.org_path, '/'), '/', ',') || ']') a WHERE m.id > ? AND "
		"m.state = 'active' GROUP BY 1 "
		"ON CONFLICT (org_id, target) DO UPDATE SET n = point_subject_counts.n + excluded.n",
	};
	struct stmt *q;
	size_t i;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (!(q = db_prepare(ctx->db, sql[i], &ctx->err)))
			return ctx_db_fail(ctx);
		stmt_bind_int(q, 1, after_id);
		if (stmt_run(q, &ctx->err))
			return ctx_db_fail(ctx);
	}
	return 0;
}

static int bulk_begin(struct import_state *st)
{
	struct ctx *ctx = st->ctx;
	struct stmt *q;
	int64_t existing = 0, est = estimate_rows(st->data, st->len);
	int rc;

	if (est < BULK_MIN_ROWS)
		return 0;
	if (!(q = db_prepare(ctx->db, "SELECT count(*) FROM members", &ctx->err)))
		return E_DB;
	if (stmt_step(q, &ctx->err) == STEP_ROW)
		existing = stmt_int(q, 0);
	stmt_reset(q);
	if (est * 4 < existing)
		return 0; /* rebuilding the indexes would cost more than it saves */
	rc = db_bulk_begin(ctx->db, "members", &ctx->err);
	if (!rc)
		st->bulk = 1;
	return rc;
}

static int take_header(struct import_state *st, int row_no, int ncells, const char *const *cells)
{
	struct ctx *ctx = st->ctx;
	struct strbuf missing = STRBUF_INIT;
	static const enum col required[] = { COL_ETHNICITY, COL_CATEGORY, COL_JOIN };
	int i, rc = 0;
	for (i = 0; i < COL__COUNT; i++)
		st->col[i] = -1;
	for (i = 0; i < ncells; i++) {
		int c = header_col(cells[i]);
		if (c >= 0 && st->col[c] < 0)
			st->col[c] = i;
	}
	if (st->col[COL_NAME] < 0 || st->col[COL_ID] < 0)
		return 0; /* a title row: keep looking */
	for (i = 0; i < COL__COUNT; i++)
		if (st->col[i] >= 0)
			st->htext[i] = xstrdup(cells[st->col[i]]);
	st->r->header_row = row_no;
	st->r->ncols = ncells;
	for (i = 0; i < (int)(sizeof(required) / sizeof(required[0])); i++)
		if (st->col[required[i]] < 0)
			strbuf_addf(&missing, "%s“%s”", missing.len ? "、" : "", member_form_labels[required[i]]);
	if (missing.len) {
		rc = err_set(&ctx->err, E_INVALID, "file", "import.columns", "第%d行表头缺少必需的列：%s", row_no, missing.buf);
		goto out;
	}
	if ((rc = setup_orgs(st)))
		goto out;
	if (st->dry_run) {
		start_reading(st);
	} else {
		if ((rc = db_begin(ctx->db, &ctx->err)))
			goto out;
		st->in_tx = 1;
		rc = stats_kept_import_begin(ctx, &st->kept_after_id);
		if (!rc)
			rc = bulk_begin(st);
	}
out:
	strbuf_release(&missing);
	return rc;
}

/*
 * Dates as clerks write them: 2001-07-01, 2001/7/1, 2001.7.1, 2001年7月1日, 20010701,
 * optionally followed by a time (XLSX date-times). Returns 0 with out = "YYYY-MM-DD",
 * 1 with out = "YYYY-MM" for a year and month only (2001.07, 2001年7月, 200107), -1 if
 * it is no date.
 */
static int parse_date_flex(const char *in, char *out, size_t size)
{
	char buf[64];
	const char *p;
	int y = 0, m = 0, d = 0, nm, nd, cjk, i;
	size_t n;
	if (strlen(in) >= sizeof(buf))
		return -1;
	text_normalize(in, buf, sizeof(buf));
	p = buf;
	n = strspn(p, "0123456789");
	if (n == 8 || n == 6) {
		for (i = 0; i < 4; i++)
			y = y * 10 + (p[i] - '0');
		m = (p[4] - '0') * 10 + (p[5] - '0');
		if (n == 8)
			d = (p[6] - '0') * 10 + (p[7] - '0');
		p += n;
	} else if (n == 4) {
		for (i = 0; i < 4; i++)
			y = y * 10 + (p[i] - '0');
		p += 4;
		cjk = !strncmp(p, "年", 3);
		if (!cjk && *p != '-' && *p != '/' && *p != '.')
			return -1;
		char sep = *p;
		p += cjk ? 3 : 1;
		for (nm = 0; nm < 2 && *p >= '0' && *p <= '9'; nm++, p++)
			m = m * 10 + (*p - '0');
		if (!nm)
			return -1;
		if (cjk && !strncmp(p, "月", 3))
			p += 3;
		else if (cjk && *p)
			return -1;
		if (*p && (cjk || *p == sep)) {
			if (!cjk)
				p++;
			for (nd = 0; nd < 2 && *p >= '0' && *p <= '9'; nd++, p++)
				d = d * 10 + (*p - '0');
			if (!nd)
				return -1;
			if (cjk && !strncmp(p, "日", 3))
				p += 3;
		}
	} else {
		return -1;
	}
	/* a time after the date (XLSX date-times, "2001-07-01 00:00:00") is not the clerk's concern */
	if (*p && !((*p == ' ' || *p == 'T') && p[1] >= '0' && p[1] <= '9'))
		return -1;
	if (y < 1900 || y > 2200 || m < 1 || m > 12)
		return -1;
	if (!d && n == 8)
		return -1;
	if (d && !date_is_valid(y, m, d))
		return -1;
	/* by hand: this runs for every date of every row, and printf is the slow part */
	if (size < 11)
		return -1;
	for (i = 3; i >= 0; i--, y /= 10)
		out[i] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	if (!d) {
		out[7] = '\0';
		return 1;
	}
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

/* 是/否 and the ways spreadsheets spell them; -1 if neither. Empty is 否. */
static int parse_yes_no(const char *in)
{
	static const char *const yes[] = { "是", "1", "y", "yes", "true", "√", "有" };
	static const char *const no[] = { "否", "0", "n", "no", "false", "×", "无", "" };
	char buf[32];
	size_t i;
	if (strlen(in) >= sizeof(buf))
		return -1;
	text_normalize(in, buf, sizeof(buf));
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(buf, yes[i]))
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcasecmp(buf, no[i]))
			return 0;
	return -1;
}

struct word {
	const char *text, *code;
};

/* An enumerated field by its Chinese name or code; "" stays "" (member_prepare's default). */
static const char *parse_word(const char *in, const struct word *words, size_t n)
{
	char buf[48];
	size_t i;
	if (strlen(in) >= sizeof(buf))
		return NULL;
	text_normalize(in, buf, sizeof(buf));
	if (!buf[0])
		return "";
	for (i = 0; i < n; i++)
		if (!strcasecmp(buf, words[i].text))
			return words[i].code;
	return NULL;
}

static const struct word category_words[] = {
	{ "正式党员", "full" }, { "正式", "full" }, { "full", "full" },
	{ "预备党员", "probationary" }, { "预备", "probationary" }, { "probationary", "probationary" },
};
static const struct word person_type_words[] = {
	{ "在职", "employed" }, { "在职人员", "employed" }, { "employed", "employed" },
	{ "离退休", "retired" }, { "退休", "retired" }, { "离休", "retired" }, { "离退休人员", "retired" },
	{ "retired", "retired" }, { "农民", "farmer" }, { "农牧民", "farmer" }, { "farmer", "farmer" },
	{ "学生", "student" }, { "student", "student" }, { "其他", "other" }, { "other", "other" },
};
static const struct word party_status_words[] = {
	{ "正常", "normal" }, { "normal", "normal" }, { "停止党籍", "suspended" }, { "suspended", "suspended" },
};

/* Code lookup through a memo: lists repeat the same few values in every row. */
static const char *lookup_code(struct import_state *st, enum code_table t, const char *in)
{
	struct memo *m = &st->codes[t];
	uint32_t h = fnv1a(in);
	struct memo_entry *e = memo_find(m, in, h);
	const char *code;
	if (e)
		return e->code;
	code = code_lookup(t, in);
	if ((e = memo_add(m, in, h)))
		e->code = code;
	return code;
}

/*
 * The branch named by a cell: its code or its name, within the import's subtree, and
 * a 党支部 or 联合党支部. Resolved once per distinct text (county lists name a few
 * hundred branches over tens of thousands of rows).
 */
static int64_t resolve_branch(struct import_state *st, const char *cell, struct err *e)
{
	struct ctx *ctx = st->ctx;
	char text[160];
	uint32_t h;
	struct memo_entry *me;
	struct stmt *q;
	int64_t id = 0, found = 0, branches = 0;
	char kind[24] = "";

	if (strlen(cell) >= 128) {
		err_set(e, E_INVALID, "org_id", "import.branch", "所在党支部名称太长");
		return 0;
	}
	text_normalize(cell, text, sizeof(text));
	if (!text[0]) {
		err_set(e, E_INVALID, "org_id", "field.required", "所在党支部不能为空");
		return 0;
	}
	h = fnv1a(text);
	if ((me = memo_find(&st->branches, text, h))) {
		if (!me->org_id)
			*e = *me->err;
		return me->org_id;
	}
	q = db_prepare(ctx->db, "SELECT id, kind FROM orgs WHERE code = ? AND path >= ? AND path < ? AND dissolved_on IS NULL",
		       &ctx->err);
	if (!q)
		goto db_fail;
	stmt_bind_text(q, 1, text);
	stmt_bind_text(q, 2, st->lo);
	stmt_bind_text(q, 3, st->hi);
	if (stmt_step(q, &ctx->err) == STEP_ROW) {
		found = 1;
		id = stmt_int(q, 0);
		stmt_text_copy(q, 1, kind, sizeof(kind));
		branches = org_kind_is_branch(kind);
	}
	stmt_reset(q);
	if (!found) {
		q = db_prepare(ctx->db, "SELECT id, kind FROM orgs WHERE name = ? AND path >= ? AND path < ? "
					"AND dissolved_on IS NULL ORDER BY id",
			       &ctx->err);
		if (!q)
			goto db_fail;
		stmt_bind_text(q, 1, text);
		stmt_bind_text(q, 2, st->lo);
		stmt_bind_text(q, 3, st->hi);
		while (stmt_step(q, &ctx->err) == STEP_ROW && branches < 2) {
			char k[24];
			stmt_text_copy(q, 1, k, sizeof(k));
			if (org_kind_is_branch(k)) {
				if (!branches++)
					id = stmt_int(q, 0);
			} else if (!found) {
				strlcpy_z(kind, k, sizeof(kind));
			}
			found++;
		}
		stmt_reset(q);
	}
	if (!found)
		err_set(e, E_INVALID, "org_id", "import.branch", "找不到党支部“%s”：请填写您管理范围内党支部的名称或组织编码",
			text);
	else if (!branches)
		err_set(e, E_INVALID, "org_id", "member.org_kind", "党员应编入党支部，“%s”是%s", text,
			org_kind_name(kind) ? org_kind_name(kind) : kind);
	else if (branches > 1)
		err_set(e, E_INVALID, "org_id", "import.branch_ambiguous", "有多个党支部名为“%s”：请改填组织编码", text);
	if (!branches || branches > 1)
		id = 0;
	if ((me = memo_add(&st->branches, text, h))) {
		me->org_id = id;
		if (!id) {
			me->err = xmalloc(sizeof(*me->err));
			*me->err = *e;
		}
	}
	return id;
db_fail:
	*e = ctx->err;
	st->fatal = E_DB;
	return 0;
}

/* A text cell into a fixed field; 0 ok, else e names the field. */
static int take_text(const char *in, char *dst, size_t size, const char *field, const char *label, size_t max_chars,
		     struct err *e)
{
	if (strlen(in) >= size)
		return err_set(e, E_INVALID, field, "field.text", "%s超过 %zu 个字", label, max_chars);
	text_normalize(in, dst, size);
	return 0;
}

/*
 * Names padded to line up in a form ("张　三", "张  三") are one name: spaces inside a
 * name made only of CJK characters are dropped. Names in other scripts keep theirs.
 */
static void squeeze_cjk_name(char *name)
{
	const char *p;
	char *w;
	int has_space = 0;
	for (p = name; *p;) {
		uint32_t cp;
		size_t n = utf8_decode(p, strlen(p), &cp);
		if (!n)
			return;
		if (cp == ' ')
			has_space = 1;
		else if (cp < 0x2E80)
			return;
		p += n;
	}
	if (!has_space)
		return;
	for (p = w = name; *p; p++)
		if (*p != ' ')
			*w++ = *p;
	*w = '\0';
}

#define CELL(c) (st->col[c] >= 0 && st->col[c] < ncells ? cells[st->col[c]] : "")

/* Cells → st->m, converting the clerk's wordings to the registry's codes. */
static int convert_row(struct import_state *st, int ncells, const char *const *cells, struct err *e)
{
	struct member *m = &st->m;
	const char *v, *code;
	char date[16];
	int yn, k;

	memset(m, 0, sizeof(*m));
	st->birth_ym[0] = '\0';
	v = CELL(COL_NAME);
	if (strlen(v) >= sizeof(m->name))
		return err_set(e, E_INVALID, "name", "text.name", "姓名过长：最多%d个字", NAME_MAX_CHARS);
	text_normalize(v, m->name, sizeof(m->name));
	squeeze_cjk_name(m->name);

	v = CELL(COL_ID);
	if (strlen(v) >= sizeof(m->id_number))
		return err_set(e, E_INVALID, "id_number", "member.id_number.format", "公民身份号码应为 18 位");
	strlcpy_z(m->id_number, v, sizeof(m->id_number));
	m->id_set = 1;

	if (st->col[COL_BRANCH] >= 0) {
		if (!(m->org_id = resolve_branch(st, CELL(COL_BRANCH), e)))
			return e->code ? (int)e->code : E_INVALID;
	} else {
		m->org_id = st->fixed.id;
	}

	v = CELL(COL_GENDER);
	if (v[0]) {
		if (!(code = lookup_code(st, CODE_GENDER, v)))
			return err_set(e, E_INVALID, "gender", "member.code", "性别“%s”无效（男/女）", v);
		strlcpy_z(m->gender, code, sizeof(m->gender));
	}
	static const struct {
		enum col col;
		enum code_table t;
		size_t off, size;
		const char *field, *label;
	} coded[] = {
		{ COL_ETHNICITY, CODE_ETHNICITY, offsetof(struct member, ethnicity), sizeof(m->ethnicity), "ethnicity", "民族" },
		{ COL_EDUCATION, CODE_EDUCATION, offsetof(struct member, education), sizeof(m->education), "education", "学历" },
		{ COL_JOB, CODE_JOB, offsetof(struct member, job), sizeof(m->job), "job", "工作岗位" },
	};
	for (k = 0; k < 3; k++) {
		v = CELL(coded[k].col);
		if (!v[0])
			continue;
		if (!(code = lookup_code(st, coded[k].t, v)))
			return err_set(e, E_INVALID, coded[k].field, "member.code", "%s“%s”不在国家标准代码表中", coded[k].label, v);
		strlcpy_z((char *)m + coded[k].off, code, coded[k].size);
	}

	static const struct {
		enum col col;
		size_t off;
		const char *field, *label;
	} dates[] = {
		{ COL_BIRTH, offsetof(struct member, birth_date), "birth_date", "出生日期" },
		{ COL_JOIN, offsetof(struct member, join_date), "join_date", "入党日期" },
		{ COL_FULL, offsetof(struct member, full_date), "full_date", "转为正式党员日期" },
		{ COL_LOST_SINCE, offsetof(struct member, lost_since), "lost_since", "失联日期" },
	};
	for (k = 0; k < 4; k++) {
		int kind;
		v = CELL(dates[k].col);
		if (!v[0])
			continue;
		kind = parse_date_flex(v, date, sizeof(date));
		if (kind == 1 && dates[k].col == COL_BIRTH) {
			/* 出生年月 is often year and month only: checked against the ID number below */
			strlcpy_z(st->birth_ym, date, sizeof(st->birth_ym));
			continue;
		}
		if (kind == 1)
			return err_set(e, E_INVALID, dates[k].field, "field.date", "%s“%s”需精确到日（如 2001-07-01）",
				       dates[k].label, v);
		if (kind < 0)
			return err_set(e, E_INVALID, dates[k].field, "field.date",
				       "%s“%s”不是有效日期（如 2001-07-01、2001/7/1、2001年7月1日）", dates[k].label, v);
		strlcpy_z((char *)m + dates[k].off, date, 11);
	}

	if (!(code = parse_word(CELL(COL_CATEGORY), category_words, sizeof(category_words) / sizeof(category_words[0]))))
		return err_set(e, E_INVALID, "category", "member.enum", "人员类别“%s”无效（正式党员/预备党员）",
			       CELL(COL_CATEGORY));
	strlcpy_z(m->category, code, sizeof(m->category));
	if (!(code = parse_word(CELL(COL_PERSON_TYPE), person_type_words,
				sizeof(person_type_words) / sizeof(person_type_words[0]))))
		return err_set(e, E_INVALID, "person_type", "member.enum", "人员身份“%s”无效（在职/离退休/农民/学生/其他）",
			       CELL(COL_PERSON_TYPE));
	strlcpy_z(m->person_type, code, sizeof(m->person_type));
	if (!(code = parse_word(CELL(COL_PARTY_STATUS), party_status_words,
				sizeof(party_status_words) / sizeof(party_status_words[0]))))
		return err_set(e, E_INVALID, "party_status", "member.enum", "党籍状态“%s”无效（正常/停止党籍）",
			       CELL(COL_PARTY_STATUS));
	strlcpy_z(m->party_status, code, sizeof(m->party_status));
	if ((yn = parse_yes_no(CELL(COL_LOST))) < 0)
		return err_set(e, E_INVALID, "lost_contact", "member.enum", "失联“%s”无效（是/否）", CELL(COL_LOST));
	m->lost_contact = yn;
	if ((yn = parse_yes_no(CELL(COL_FLOATING))) < 0)
		return err_set(e, E_INVALID, "floating", "member.enum", "流动党员“%s”无效（是/否）", CELL(COL_FLOATING));
	m->floating = yn;

	v = CELL(COL_PHONE);
	if (strlen(v) >= sizeof(m->phone))
		return err_set(e, E_INVALID, "phone", "member.phone.format", "联系电话格式不正确");
	strlcpy_z(m->phone, v, sizeof(m->phone));
	m->phone_set = 1;
	if (take_text(CELL(COL_ADDRESS), m->address, sizeof(m->address), "address", "家庭住址", 80, e) ||
	    take_text(CELL(COL_WORK_UNIT), m->work_unit, sizeof(m->work_unit), "work_unit", "工作单位", 60, e) ||
	    take_text(CELL(COL_GRID), m->grid, sizeof(m->grid), "grid", "网格", 30, e))
		return e->code;
	return 0;
}

/* 1 if the registry already holds this ID number (any state: the hash is unique). */
static int registered(struct import_state *st, const char *id_hash, int *found)
{
	struct stmt *q = db_prepare(st->ctx->db, "SELECT 1 FROM members WHERE id_hash = ?", &st->ctx->err);
	if (!q)
		return E_DB;
	stmt_bind_text(q, 1, id_hash);
	*found = stmt_step(q, &st->ctx->err) == STEP_ROW;
	stmt_reset(q);
	return 0;
}

static int import_row(struct import_state *st, int row_no, int ncells, const char *const *cells)
{
	struct ctx *ctx = st->ctx;
	struct member_sealed sealed;
	struct idcard_info id;
	struct err e;
	int rc, first, found;
	uint64_t key = 1;
	size_t i;

	memset(&sealed, 0, sizeof(sealed));
	err_clear(&e);
	st->r->rows++;
	if (convert_row(st, ncells, cells, &e)) {
		if (st->fatal)
			goto fatal;
		return row_fail(st, row_no, ncells, cells, &e);
	}
	/* duplicates within the file, found before member_prepare so the first row's number is known */
	if (!idcard_parse(st->m.id_number, &id, NULL)) {
		for (i = 0; i < 17; i++)
			key = key * 10 + (uint64_t)(id.normalized[i] - '0');
		if ((first = id_set_add(&st->ids, key, row_no))) {
			err_set(&e, E_CONFLICT, "id_number", "member.duplicate", "公民身份号码与第%d行重复", first);
			return row_fail(st, row_no, ncells, cells, &e);
		}
	}
	if (st->last.id != st->m.org_id) {
		if (org_require_in_scope(ctx, st->m.org_id, &st->last, "org_id"))
			memset(&st->last, 0, sizeof(st->last)); /* member_prepare reports it for this row */
		err_clear(&ctx->err);
	}
	if (member_prepare_in(ctx, &st->m, &sealed, 1, st->last.id ? &st->last : NULL)) {
		e = ctx->err;
		err_clear(&ctx->err);
		if (e.code == E_DB || e.code == E_INTERNAL)
			goto fatal;
		return row_fail(st, row_no, ncells, cells, &e);
	}
	if (st->birth_ym[0] && strncmp(st->m.birth_date, st->birth_ym, 7)) {
		err_set(&e, E_INVALID, "birth_date", "member.birth_date.mismatch", "出生年月 %s 与公民身份号码中的 %.7s 不一致",
			st->birth_ym, st->m.birth_date);
		rc = row_fail(st, row_no, ncells, cells, &e);
		goto out;
	}
	if (st->in_tx) {
		/* while writing, the unique index finds registered ID numbers at no extra cost */
		if ((rc = member_insert_prepared(ctx, &st->m, &sealed))) {
			e = ctx->err;
			err_clear(&ctx->err);
			if (rc != E_CONFLICT)
				goto fatal;
			rc = row_fail(st, row_no, ncells, cells, &e);
			goto out;
		}
	} else {
		if (registered(st, sealed.id_hash, &found)) {
			e = ctx->err;
			goto fatal;
		}
		if (found) {
			err_set(&e, E_CONFLICT, "id_number", "member.duplicate", "公民身份号码 %s 已登记在册", st->m.id_mask);
			rc = row_fail(st, row_no, ncells, cells, &e);
			goto out;
		}
	}
	st->r->valid++;
	rc = 0;
out:
	member_sealed_release(&sealed);
	return rc;
fatal:
	member_sealed_release(&sealed);
	ctx->err = e;
	st->fatal = e.code ? (int)e.code : E_DB;
	return 1;
}

/*
 * Templates often come with 序号 filled in down the page and nothing else: a row whose
 * form columns are all empty is no member, just as a blank row is not.
 */
static int has_member_data(const struct import_state *st, int ncells, const char *const *cells)
{
	int c;
	for (c = 0; c < COL__COUNT; c++)
		if (st->col[c] >= 0 && st->col[c] < ncells && cells[st->col[c]][0])
			return 1;
	return 0;
}

static int on_row(void *arg, int row_no, int ncells, const char *const *cells)
{
	struct import_state *st = arg;
	int rc;
	if (!st->r->header_row) {
		if ((rc = take_header(st, row_no, ncells, cells))) {
			st->fatal = rc;
			return 1;
		}
		if (!st->r->header_row && row_no >= HEADER_SCAN_ROWS) {
			st->fatal = err_set(&st->ctx->err, E_INVALID, "file", "import.header",
					    "前 %d 行中没有找到表头：表头至少要有“姓名”和“公民身份号码”两列", HEADER_SCAN_ROWS);
			return 1;
		}
		return 0;
	}
	if (!has_member_data(st, ncells, cells))
		return 0;
	return import_row(st, row_no, ncells, cells);
}

void import_result_init(struct import_result *r)
{
	memset(r, 0, sizeof(*r));
	r->errors = json_array();
}

void import_result_release(struct import_result *r)
{
	json_decref(r->errors);
	free(r->marks);
	memset(r, 0, sizeof(*r));
}

int member_import(struct ctx *ctx, int64_t org_id, const void *data, size_t len, int dry_run,
		  struct import_result *r)
{
	struct import_state *st = xcalloc(1, sizeof(*st));
	struct err rerr;
	json_t *after = NULL;
	int rc, i;

	err_clear(&rerr);
	st->ctx = ctx;
	st->r = r;
	st->data = data;
	st->len = len;
	st->dry_run = dry_run;
	st->org_id = org_id;
	for (i = 0; i < 4; i++)
		st->codes[i].max = MEMO_MAX;
	st->branches.max = BRANCH_MEMO_MAX;
	sha256_hex(data, len, r->file_sha256);

	rc = table_read_mem(data, len, on_row, st, &rerr);
	if (st->fatal) {
		rc = st->fatal;
		goto out;
	}
	if (rc && !r->truncated) {
		ctx->err = rerr;
		goto out;
	}
	if (!r->header_row) {
		rc = err_set(&ctx->err, E_INVALID, "file", "import.header",
			     "没有找到表头：表头至少要有“姓名”和“公民身份号码”两列");
		goto out;
	}
	if (r->bad) {
		if (r->truncated)
			rc = err_set(&ctx->err, E_INVALID, "file", "import.rows",
				     "错误太多：前 %" PRId64 " 行有错误的行只列出 %d 行，其后各行未检查；没有导入任何数据", r->bad,
				     CAP_IMPORT_ERRORS);
		else
			rc = err_set(&ctx->err, E_INVALID, "file", "import.rows", "%" PRId64 " 行有错误，没有导入任何数据", r->bad);
		goto out;
	}
	if (!r->rows) {
		rc = err_set(&ctx->err, E_INVALID, "file", "import.empty", "文件中没有党员数据");
		goto out;
	}
	if (dry_run) {
		rc = 0;
		goto out;
	}
	/* restore the indexes and triggers, then redo what the triggers would have counted */
	if (st->bulk && ((rc = db_bulk_end(ctx->db, &ctx->err)) || (rc = org_recount_members(ctx)) ||
			 (rc = bulk_recount_kept(ctx, st->kept_after_id))))
		goto out;
	if ((rc = stats_kept_import_end(ctx, st->kept_after_id, st->bulk)))
		goto out;
	after = json_pack("{s:I, s:s}", "count", (json_int_t)r->valid, "file_sha256", r->file_sha256);
	if ((rc = audit_append(ctx, "import", "member", 0, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto out;
	st->in_tx = 0;
	r->imported = r->valid;
out:
	end_transactions(st);
	for (i = 0; i < COL__COUNT; i++)
		free(st->htext[i]);
	for (i = 0; i < 4; i++)
		memo_release(&st->codes[i]);
	memo_release(&st->branches);
	free(st->ids.slots);
	free(st);
	json_decref(after);
	return rc;
}

/* ---- the error report ---- */

struct report_state {
	const struct import_result *r;
	struct table_writer *w;
	size_t next;             /* next mark to place */
	int full;                /* every row, or only the bad ones */
	const char **cells;      /* ncols + 1 */
	struct strbuf reason;
};

static int report_row(void *arg, int row_no, int ncells, const char *const *cells)
{
	struct report_state *rs = arg;
	const struct import_result *r = rs->r;
	int i, n = r->ncols, mark = -1;

	if (row_no < r->header_row)
		return 0; /* title rows */
	/* cells past the header's last column have no name: the report keeps the header's width */
	for (i = 0; i < n; i++)
		rs->cells[i] = i < ncells ? cells[i] : "";
	if (row_no == r->header_row) {
		rs->cells[n] = "错误原因";
		table_writer_header(rs->w, n + 1, rs->cells);
		return 0;
	}
	strbuf_reset(&rs->reason);
	while (rs->next < r->nmarks && r->marks[rs->next].row <= row_no) {
		if (r->marks[rs->next].row == row_no) {
			json_t *j = json_array_get(r->errors, rs->next);
			if (!rs->reason.len && !rs->full)
				strbuf_addf(&rs->reason, "第%d行：", row_no);
			else if (rs->reason.len)
				strbuf_addstr(&rs->reason, "；");
			strbuf_addstr(&rs->reason, json_string_value(json_object_get(j, "reason")));
			if (mark < 0)
				mark = r->marks[rs->next].col;
		}
		rs->next++;
	}
	if (!rs->reason.len && !rs->full)
		return 0;
	rs->cells[n] = rs->reason.buf;
	/* a missing cell of a known column is marked too: the red shows where to type */
	table_writer_row_marked(rs->w, n + 1, rs->cells, rs->reason.len ? (mark >= 0 ? mark : n) : -1);
	return 0;
}

int member_import_report_xlsx(const void *data, size_t len, const struct import_result *r, char **out,
			      size_t *out_len, struct err *e)
{
	struct report_state rs;
	int rc;
	memset(&rs, 0, sizeof(rs));
	if (!r->header_row || r->ncols <= 0)
		return err_set(e, E_INVALID, "file", "import.header", "没有可报告的表头");
	rs.r = r;
	rs.full = r->rows <= REPORT_FULL_ROWS;
	rs.cells = xcalloc((size_t)r->ncols + 1, sizeof(*rs.cells));
	strbuf_init(&rs.reason, 256);
	rs.w = table_writer_new(TABLE_XLSX, "错误报告");
	rc = table_read_mem(data, len, report_row, &rs, e);
	if (rc) {
		table_writer_free(rs.w);
		goto out;
	}
	if (r->truncated) {
		const char *note[1] = { "错误太多：只列出了前面的错误，改正后请重新导入检查其余各行" };
		table_writer_row(rs.w, 1, note);
	}
	rc = table_writer_finish(rs.w, out, out_len, e);
out:
	free(rs.cells);
	strbuf_release(&rs.reason);
	return rc;
}

/* ---- CLI ---- */

static int read_whole_file(const char *path, char **data, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[1 << 16];
	size_t n;
	int rc = 0;
	if (!f)
		return err_set(e, E_IO, "file", NULL, "无法打开文件 %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(f)) {
		rc = err_set(e, E_IO, "file", NULL, "读取文件 %s 失败", path);
		strbuf_release(&sb);
	} else {
		*data = strbuf_detach(&sb, len);
	}
	fclose(f);
	return rc;
}

int cli_import_members(struct ctx *ctx, const char *path, int64_t org_id, int dry_run, FILE *out)
{
	struct import_result r;
	char *data = NULL;
	size_t len = 0, i;
	int rc, status;

	import_result_init(&r);
	if ((rc = read_whole_file(path, &data, &len, &ctx->err))) {
		fprintf(out, "错误：%s\n", ctx->err.message);
		status = 2;
		goto out;
	}
	rc = member_import(ctx, org_id, data, len, dry_run, &r);
	if (!rc) {
		if (dry_run)
			fprintf(out, "校验通过：%" PRId64 " 名党员可以导入（--dry-run，未写入）\n", r.valid);
		else
			fprintf(out, "已导入 %" PRId64 " 名党员\n", r.imported);
		status = 0;
	} else if (json_array_size(r.errors)) {
		for (i = 0; i < json_array_size(r.errors); i++) {
			json_t *j = json_array_get(r.errors, i);
			fprintf(out, "第%d行 %s %s %s\n", (int)json_integer_value(json_object_get(j, "row")),
				json_string_value(json_object_get(j, "column")), json_string_value(json_object_get(j, "value")),
				json_string_value(json_object_get(j, "reason")));
		}
		fprintf(out, "%s\n", ctx->err.message);
		status = 1;
	} else {
		fprintf(out, "错误：%s\n", ctx->err.message);
		status = 2;
	}
out:
	free(data);
	import_result_release(&r);
	return status;
}
