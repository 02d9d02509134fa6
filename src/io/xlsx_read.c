/*
 * XLSX import: libzip opens the package (from memory or a file), expat streams each
 * XML part, and the first visible worksheet reaches the callback row by row.
 *
 * Nothing is assumed about part names: _rels/.rels names the workbook, the workbook's
 * rels name its sheets, shared strings and styles (producers other than Excel use other
 * paths). Expat runs with namespace processing so element prefixes ("x:c" from the
 * OpenXML SDK, strict OOXML namespaces) do not matter; only local names are compared.
 *
 * Cells come out as text the way the clerk saw them in Excel: shared and inline strings
 * (rich-text runs joined, phonetic runs dropped, _xHHHH_ escapes decoded), numbers as
 * Excel's General format shows them but without ever going through a double for
 * integers (18-digit ID numbers keep their digits), dates and times by the cell's
 * number format as YYYY-MM-DD / HH:MM:SS.
 */
#include "io/table.h"
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include "util/date.h"
#include "util/limits.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define XML_CHUNK (64u << 10)
#define NS_SEP '|'
/* a cell's raw text may exceed CAP_CELL_LEN before trimming and unescaping */
#define RAW_CELL_MAX ((size_t)CAP_CELL_LEN * 4)
#define SHEET_MAX_ROWS 1048576
/* numbers whose decimal point is further out than this keep Excel's own text (1E+300) */
#define NUM_MAX_POINT 30
#define NUM_MAX_DIGITS 64

enum xf_kind { XF_NONE, XF_DATE, XF_TIME, XF_DATETIME };

struct sheet_ref {
	char *rid;
	char *target;    /* zip entry name, from the workbook rels */
	int hidden;
};

struct xlsx {
	zip_t *za;
	struct err *e;
	int date1904;
	char *wb_path;              /* e.g. "xl/workbook.xml" */
	char *wb_dir;               /* e.g. "xl/": base of the workbook's relative targets */
	char *sst_path, *styles_path;
	struct sheet_ref sheets[CAP_XLSX_SHEETS];
	size_t nsheets;
	struct strbuf sst;          /* shared strings, each NUL-terminated */
	size_t *sst_off, sst_nr, sst_alloc;
	int *fmt_id;                /* custom numFmts: id and kind */
	unsigned char *fmt_kind;
	size_t fmt_nr, fmt_alloc, fmt_kind_alloc;
	unsigned char *xf_kind;     /* cellXfs index -> enum xf_kind */
	size_t xf_nr, xf_alloc;
};

/* The head of every part's parse state (the expat user data). */
struct xp {
	XML_Parser parser;
	struct xlsx *x;
	const char *part;
	int rc;                     /* an error code, or the row callback's stop value */
};

static void xp_stop(struct xp *st, int rc)
{
	if (!st->rc) {
		st->rc = rc;
		XML_StopParser(st->parser, XML_FALSE);
	}
}

static const char *local_name(const char *name)
{
	const char *p = strrchr(name, NS_SEP);
	return p ? p + 1 : name;
}

/* Attribute by local name; ns: 1 = must be namespaced (r:id), 0 = must not be. */
static const char *attr(const char **atts, const char *local, int ns)
{
	const char *v = NULL;
	size_t i;
	for (i = 0; atts[i]; i += 2) {
		int has_ns = strchr(atts[i], NS_SEP) != NULL;
		if (has_ns == ns && strcmp(local_name(atts[i]), local) == 0) {
			v = atts[i + 1];
			break;
		}
	}
	return v;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Parse a non-negative decimal int; -1 when s is not one or is larger than max. */
static long parse_index(const char *s, long max)
{
	long v = s && *s ? 0 : -1;
	for (; v >= 0 && *s; s++) {
		if (*s < '0' || *s > '9')
			v = -1;
		else if (v > (LONG_MAX - (*s - '0')) / 10)
			v = -1;   /* would overflow (a shared-string index of 19 digits; tests/fuzz) */
		else
			v = v * 10 + (*s - '0');
		if (v > max)
			v = -1;
	}
	return v;
}

/* OOXML hides C0 controls in strings as _xHHHH_ (and '_' itself as _x005F_). */
static void ooxml_unescape(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned cp = 0;
		int k, ok = s[i] == '_' && i + 7 <= n && s[i + 1] == 'x' && s[i + 6] == '_';
		for (k = 2; ok && k < 6; k++) {
			char c = s[i + k];
			if (c >= '0' && c <= '9')
				cp = cp * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				ok = 0;
		}
		if (!ok) {
			strbuf_addch(out, s[i++]);
			continue;
		}
		i += 7;
		if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = 0xFFFD;
		if (cp == 0) {
			continue;   /* a C string cannot hold NUL */
		} else if (cp < 0x80) {
			strbuf_addch(out, (int)cp);
		} else if (cp < 0x800) {
			strbuf_addch(out, (int)(0xC0 | (cp >> 6)));
			strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
		} else {
			strbuf_addch(out, (int)(0xE0 | (cp >> 12)));
			strbuf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
			strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
		}
	}
}

/* "xl/" + "worksheets/../sheet1.xml" -> "xl/sheet1.xml"; a leading '/' is the root. */
static char *resolve_path(const char *base_dir, const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf full = STRBUF_INIT;
	const char *p, *seg;
	if (*target == '/') {
		target++;
		base_dir = "";
	}
	strbuf_addstr(&full, base_dir);
	strbuf_addstr(&full, target);
	strbuf_grow(&sb, full.len);
	for (p = full.buf; *p; p = *seg ? seg + 1 : seg) {
		size_t n;
		seg = strchr(p, '/');
		if (!seg)
			seg = p + strlen(p);
		n = (size_t)(seg - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(sb.buf, '/');
			sb.len = slash ? (size_t)(slash - sb.buf) : 0;
			sb.buf[sb.len] = '\0';
			continue;
		}
		if (sb.len)
			strbuf_addch(&sb, '/');
		strbuf_add(&sb, p, n);
	}
	strbuf_release(&full);
	return strbuf_detach(&sb, NULL);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	struct xp *st = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	/* OOXML parts never carry a DTD; refusing it also rules out entity expansion */
	xp_stop(st, err_set(st->x->e, E_MALFORMED, "file", "xlsx",
			    "文件不是有效的 Excel 工作簿：%s 含有 DTD", st->part));
}

/*
 * Stream one zip entry through expat. A missing optional part is not an error (the
 * state keeps its defaults); a missing required one is.
 */
static int part_parse(struct xlsx *x, const char *name, int optional, struct xp *st,
		      XML_StartElementHandler on_start, XML_EndElementHandler on_end,
		      XML_CharacterDataHandler on_text)
{
	zip_file_t *zf = NULL;
	XML_Parser p = NULL;
	char *buf = NULL;
	zip_int64_t idx, n;
	size_t total = 0;
	int rc = 0;
	idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		if (!optional)
			rc = err_set(x->e, E_MALFORMED, "file", "xlsx",
				     "文件不是有效的 Excel 工作簿（缺少 %s）", name);
		goto out;
	}
	zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		rc = err_set(x->e, E_MALFORMED, "file", "xlsx",
			     "无法读取工作簿中的 %s（文件已损坏或已加密）", name);
		goto out;
	}
	p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!p) {
		rc = err_set(x->e, E_INTERNAL, "file", "xlsx", "XML 解析器初始化失败");
		goto out;
	}
	st->parser = p;
	st->x = x;
	st->part = name;
	st->rc = 0;
	XML_SetUserData(p, st);
	XML_SetElementHandler(p, on_start, on_end);
	if (on_text)
		XML_SetCharacterDataHandler(p, on_text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	buf = xmalloc(XML_CHUNK);
	do {
		n = zip_fread(zf, buf, XML_CHUNK);
		if (n < 0) {
			rc = err_set(x->e, E_MALFORMED, "file", "xlsx",
				     "文件不是有效的 Excel 工作簿（%s 的压缩数据已损坏）", name);
			goto out;
		}
		total += (size_t)n;
		if (total > CAP_XLSX_XML) {
			rc = err_set(x->e, E_TOOLARGE, "file", "xlsx",
				     "工作簿中的 %s 解压后超过 %u MiB", name, CAP_XLSX_XML >> 20);
			goto out;
		}
		if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR && !st->rc) {
			rc = err_set(x->e, E_MALFORMED, "file", "xlsx",
				     "文件不是有效的 Excel 工作簿：%s 第 %lu 行 XML 错误（%s）", name,
				     (unsigned long)XML_GetCurrentLineNumber(p),
				     XML_ErrorString(XML_GetErrorCode(p)));
			goto out;
		}
		if (st->rc) {
			rc = st->rc;
			goto out;
		}
	} while (n > 0);
out:
	free(buf);
	if (p)
		XML_ParserFree(p);
	if (zf)
		zip_fclose(zf);
	return rc;
}

/* ---- relationships ---- */

struct rels_st {
	struct xp base;
	const char *base_dir;
	int for_workbook;           /* workbook rels: sheets, shared strings, styles */
	char *office;               /* package rels: the workbook */
};

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels_st *st = ud;
	struct xlsx *x = st->base.x;
	const char *id, *type, *target, *mode;
	size_t i;
	if (st->base.rc || strcmp(local_name(name), "Relationship") != 0)
		goto out;
	id = attr(atts, "Id", 0);
	type = attr(atts, "Type", 0);
	target = attr(atts, "Target", 0);
	mode = attr(atts, "TargetMode", 0);
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		goto out;
	if (!st->for_workbook) {
		if (!st->office && ends_with(type, "/officeDocument"))
			st->office = resolve_path(st->base_dir, target);
	} else if (ends_with(type, "/worksheet")) {
		for (i = 0; i < x->nsheets; i++)
			if (!x->sheets[i].target && strcmp(x->sheets[i].rid, id) == 0)
				x->sheets[i].target = resolve_path(st->base_dir, target);
	} else if (ends_with(type, "/sharedStrings") && !x->sst_path) {
		x->sst_path = resolve_path(st->base_dir, target);
	} else if (ends_with(type, "/styles") && !x->styles_path) {
		x->styles_path = resolve_path(st->base_dir, target);
	}
out:
	return;
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

/* ---- workbook.xml: date system and the sheets in tab order ---- */

struct wb_st {
	struct xp base;
	int in_sheets;
};

static int xsd_true(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct wb_st *st = ud;
	struct xlsx *x = st->base.x;
	const char *ln = local_name(name);
	if (st->base.rc) {
		/* stopped: nothing more to record */
	} else if (strcmp(ln, "workbookPr") == 0) {
		x->date1904 = xsd_true(attr(atts, "date1904", 0));
	} else if (strcmp(ln, "sheets") == 0) {
		st->in_sheets = 1;
	} else if (st->in_sheets && strcmp(ln, "sheet") == 0 && x->nsheets < CAP_XLSX_SHEETS) {
		const char *rid = attr(atts, "id", 1);
		const char *state = attr(atts, "state", 0);
		if (rid) {
			x->sheets[x->nsheets].rid = xstrdup(rid);
			x->sheets[x->nsheets].hidden = state && strcmp(state, "visible") != 0;
			x->nsheets++;
		}
	}
}

static void XMLCALL wb_end(void *ud, const XML_Char *name)
{
	struct wb_st *st = ud;
	if (strcmp(local_name(name), "sheets") == 0)
		st->in_sheets = 0;
}

/* ---- styles.xml: which cell formats are dates ---- */

static enum xf_kind builtin_kind(long id)
{
	enum xf_kind k = XF_NONE;
	/* ECMA-376 18.8.30 plus the zh-CN built-ins 27-36 and 50-58 */
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		k = XF_DATE;
	else if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
		 id == 55 || id == 56)
		k = XF_TIME;
	else if (id == 22)
		k = XF_DATETIME;
	return k;
}

/* A custom format is a date/time when y, m, d, h or s appear outside "...", [...], \x, _x, *x. */
static enum xf_kind custom_kind(const char *code)
{
	int y_d = 0, m = 0, h_s = 0;
	enum xf_kind k = XF_NONE;
	const char *p;
	for (p = code; *p; p++) {
		char c = (char)(*p | 0x20);
		if (*p == '"' || *p == '[') {
			const char *close = strchr(p + 1, *p == '"' ? '"' : ']');
			if (!close)
				break;
			p = close;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (!p[1])
				break;
			p++;
		} else if (c == 'y' || c == 'd') {
			y_d = 1;
		} else if (c == 'm') {
			m = 1;
		} else if (c == 'h' || c == 's') {
			h_s = 1;
		}
	}
	/* m alone is a month ("mmm"); next to h or s it is minutes */
	if (y_d && h_s)
		k = XF_DATETIME;
	else if (y_d || (m && !h_s))
		k = XF_DATE;
	else if (h_s)
		k = XF_TIME;
	return k;
}

struct styles_st {
	struct xp base;
	int in_numfmts, in_cellxfs;
};

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles_st *st = ud;
	struct xlsx *x = st->base.x;
	const char *ln = local_name(name);
	long id;
	size_t i;
	if (st->base.rc)
		goto out;
	if (strcmp(ln, "numFmts") == 0) {
		st->in_numfmts = 1;
	} else if (strcmp(ln, "cellXfs") == 0) {
		st->in_cellxfs = 1;
	} else if (st->in_numfmts && strcmp(ln, "numFmt") == 0) {
		const char *code = attr(atts, "formatCode", 0);
		id = parse_index(attr(atts, "numFmtId", 0), 1000000);
		if (id < 0 || !code)
			goto out;
		if (x->fmt_nr >= CAP_XLSX_STYLES) {
			xp_stop(&st->base, err_set(x->e, E_TOOLARGE, "file", "xlsx",
						   "工作簿的数字格式超过 %d 个", CAP_XLSX_STYLES));
			goto out;
		}
		ALLOC_GROW(x->fmt_id, x->fmt_nr + 1, x->fmt_alloc);
		ALLOC_GROW(x->fmt_kind, x->fmt_nr + 1, x->fmt_kind_alloc);
		x->fmt_id[x->fmt_nr] = (int)id;
		x->fmt_kind[x->fmt_nr] = (unsigned char)custom_kind(code);
		x->fmt_nr++;
	} else if (st->in_cellxfs && strcmp(ln, "xf") == 0) {
		enum xf_kind k;
		id = parse_index(attr(atts, "numFmtId", 0), 1000000);
		k = builtin_kind(id);
		/* a custom definition wins, even over a built-in id */
		for (i = 0; i < x->fmt_nr; i++)
			if (x->fmt_id[i] == id)
				k = (enum xf_kind)x->fmt_kind[i];
		if (x->xf_nr >= CAP_XLSX_STYLES) {
			xp_stop(&st->base, err_set(x->e, E_TOOLARGE, "file", "xlsx",
						   "工作簿的单元格格式超过 %d 个", CAP_XLSX_STYLES));
			goto out;
		}
		ALLOC_GROW(x->xf_kind, x->xf_nr + 1, x->xf_alloc);
		x->xf_kind[x->xf_nr++] = (unsigned char)k;
	}
out:
	return;
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct styles_st *st = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "numFmts") == 0)
		st->in_numfmts = 0;
	else if (strcmp(ln, "cellXfs") == 0)
		st->in_cellxfs = 0;
}

/* ---- sharedStrings.xml ---- */

struct sst_st {
	struct xp base;
	int in_si, in_t, rph;       /* rph: inside phonetic runs, whose text is not shown */
	struct strbuf cur;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_st *st = ud;
	const char *ln = local_name(name);
	(void)atts;
	if (st->base.rc) {
		/* stopped */
	} else if (strcmp(ln, "si") == 0) {
		st->in_si = 1;
		strbuf_reset(&st->cur);
	} else if (st->in_si && strcmp(ln, "rPh") == 0) {
		st->rph++;
	} else if (st->in_si && !st->rph && strcmp(ln, "t") == 0) {
		st->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst_st *st = ud;
	struct xlsx *x = st->base.x;
	const char *ln = local_name(name);
	if (st->base.rc) {
		/* stopped */
	} else if (strcmp(ln, "t") == 0) {
		st->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0 && st->rph) {
		st->rph--;
	} else if (strcmp(ln, "si") == 0 && st->in_si) {
		st->in_si = 0;
		ALLOC_GROW(x->sst_off, x->sst_nr + 1, x->sst_alloc);
		x->sst_off[x->sst_nr++] = x->sst.len;
		ooxml_unescape(&x->sst, st->cur.buf, st->cur.len);
		strbuf_addch(&x->sst, '\0');
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_st *st = ud;
	struct xlsx *x = st->base.x;
	if (st->base.rc || !st->in_t)
		goto out;
	if (x->sst.len + st->cur.len + (size_t)len > CAP_XLSX_SHARED) {
		xp_stop(&st->base, err_set(x->e, E_TOOLARGE, "file", "xlsx",
					   "工作簿的共享字符串超过 %u MiB", CAP_XLSX_SHARED >> 20));
		goto out;
	}
	strbuf_add(&st->cur, s, (size_t)len);
out:
	return;
}

/* ---- cell values as text ---- */

/* A decimal number as its significant digits: value = (neg ? -1 : 1) * 0.dig * 10^point */
struct decimal {
	int neg;
	char dig[NUM_MAX_DIGITS + 1];
	size_t nd;
	long point;
};

/* Parse [+-]digits[.digits][(e|E)[+-]digits] into d; -1 when raw is anything else. */
static int decimal_parse(const char *raw, struct decimal *d)
{
	const char *s = raw;
	long expo = 0, intlen = 0;
	size_t lead = 0;
	int seen_point = 0, eneg = 0, edigits = 0, rc = -1;
	d->nd = 0;
	d->neg = 0;
	if (*s == '-' || *s == '+')
		d->neg = *s++ == '-';
	for (; (*s >= '0' && *s <= '9') || (*s == '.' && !seen_point); s++) {
		if (*s == '.') {
			seen_point = 1;
			continue;
		}
		if (d->nd >= NUM_MAX_DIGITS)
			goto out;
		d->dig[d->nd++] = *s;
		if (!seen_point)
			intlen++;
	}
	if (!d->nd)
		goto out;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			eneg = *s++ == '-';
		for (; *s >= '0' && *s <= '9' && edigits <= 4; s++, edigits++)
			expo = expo * 10 + (*s - '0');
		if (!edigits || edigits > 4)
			goto out;
	}
	if (*s)
		goto out;
	d->point = intlen + (eneg ? -expo : expo);
	while (lead < d->nd && d->dig[lead] == '0') {
		lead++;
		d->point--;
	}
	memmove(d->dig, d->dig + lead, d->nd - lead);
	d->nd -= lead;
	while (d->nd && d->dig[d->nd - 1] == '0')
		d->nd--;
	rc = 0;
out:
	return rc;
}

/*
 * Excel stores numbers as text ("440524188001010014", "4.4052418800101E+17",
 * "0.30000000000000004"). Digits are moved, never converted: exponents are expanded
 * exactly, and only fractions are rounded to Excel's 15 significant digits. -1 when raw
 * is not a plain decimal number or is absurdly large/small (the caller keeps raw).
 */
static int number_text(const char *raw, struct strbuf *out)
{
	struct decimal d;
	size_t i;
	long keep;
	int rc = decimal_parse(raw, &d);
	if (rc)
		goto out;
	if (!d.nd) {
		strbuf_addch(out, '0');   /* "-0", "0.000" */
		goto out;
	}
	if (d.point > NUM_MAX_POINT || d.point < -NUM_MAX_POINT) {
		rc = -1;
		goto out;
	}
	keep = d.point > 15 ? d.point : 15;
	if ((long)d.nd > d.point && (long)d.nd > keep) {
		int carry = d.dig[keep] >= '5';
		d.nd = (size_t)keep;
		for (i = d.nd; carry && i > 0; i--) {
			carry = d.dig[i - 1] == '9';
			d.dig[i - 1] = carry ? '0' : (char)(d.dig[i - 1] + 1);
		}
		if (carry) {
			d.dig[0] = '1';
			d.nd = 1;
			d.point++;
		}
		while (d.nd && d.dig[d.nd - 1] == '0')
			d.nd--;
	}
	if (d.neg)
		strbuf_addch(out, '-');
	if (d.point <= 0) {
		strbuf_addstr(out, "0.");
		for (i = 0; i < (size_t)-d.point; i++)
			strbuf_addch(out, '0');
		strbuf_add(out, d.dig, d.nd);
	} else if ((size_t)d.point >= d.nd) {
		strbuf_add(out, d.dig, d.nd);
		for (i = d.nd; i < (size_t)d.point; i++)
			strbuf_addch(out, '0');
	} else {
		strbuf_add(out, d.dig, (size_t)d.point);
		strbuf_addch(out, '.');
		strbuf_add(out, d.dig + d.point, d.nd - (size_t)d.point);
	}
out:
	return rc;
}

/*
 * A date serial as text. 1900 system: serial 1 is 1900-01-01 and Excel's phantom
 * 1900-02-29 is serial 60, so serials from 61 count from 1899-12-30. 1904 system:
 * serial 0 is 1904-01-01. -1 when out of Excel's range (the caller shows the number).
 */
static int date_text(const char *raw, enum xf_kind kind, int date1904, struct strbuf *out)
{
	static const struct date base1900 = { 1899, 12, 30 }, early1900 = { 1899, 12, 31 };
	static const struct date base1904 = { 1904, 1, 1 };
	char *end, buf[16];
	double v;
	int64_t days, secs;
	int rc = 0;
	errno = 0;
	v = strtod(raw, &end);
	if (end == raw || *end || errno || !isfinite(v) || v < 0 || v >= 2958466.0) {
		rc = -1;
		goto out;
	}
	days = (int64_t)v;
	secs = (int64_t)((v - (double)days) * 86400.0 + 0.5);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	if (kind == XF_TIME || (!date1904 && days == 0)) {
		if (kind != XF_TIME && !secs) {
			rc = -1;   /* "1900-01-00": Excel's day zero is no date */
			goto out;
		}
		strbuf_addf(out, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
			    (int)(secs % 60));
		goto out;
	}
	if (date1904)
		date_format(date_add_days(base1904, days), buf);
	else if (days == 60)
		xsnprintf(buf, sizeof(buf), "1900-02-29");
	else
		date_format(date_add_days(days < 60 ? early1900 : base1900, days), buf);
	strbuf_addstr(out, buf);
	if (kind == XF_DATETIME && secs)
		strbuf_addf(out, " %02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
			    (int)(secs % 60));
out:
	return rc;
}

/* ---- the worksheet ---- */

enum cell_type { CT_NUM, CT_SHARED, CT_INLINE, CT_STR, CT_BOOL, CT_ERROR, CT_ISODATE };

struct sheet_st {
	struct xp base;
	table_row_fn fn;
	void *arg;
	int in_data, in_row, in_c, in_v, in_is, in_t, rph;
	int row_no, last_row;
	long col, next_col;
	enum cell_type type;
	long style;
	struct strbuf val;          /* raw text of <v> or <is><t> */
	struct strbuf tmp;          /* the rendered cell */
	struct strbuf cells;        /* the row's cells, each NUL-terminated */
	size_t *off, ncells, off_alloc;
	const char **ptrs;
	size_t ptrs_alloc;
};

static void col_letters(long col, char *out, size_t size)
{
	char rev[8];
	size_t n = 0, i;
	col++;
	while (col > 0 && n < sizeof(rev)) {
		rev[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = rev[n - 1 - i];
	out[i] = '\0';
}

/* "C7" -> 2; -1 when there are no letters or too many columns */
static long ref_col(const char *ref)
{
	long col = 0;
	int n = 0;
	for (; n <= 3 && ((*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z')); ref++) {
		col = col * 26 + ((*ref | 0x20) - 'a' + 1);
		n++;
	}
	return n && n <= 3 && col <= CAP_TABLE_COLS ? col - 1 : -1;
}

static int cell_too_long(struct sheet_st *st)
{
	char letters[8];
	col_letters(st->col, letters, sizeof(letters));
	return err_set(st->base.x->e, E_INVALID, "file", "cell_too_long",
		       "第 %d 行 %s%d 单元格的内容超过 %d 字节", st->row_no, letters, st->row_no,
		       CAP_CELL_LEN);
}

static int row_start(struct sheet_st *st, const XML_Char **atts)
{
	const char *r = attr(atts, "r", 0);
	long n = r ? parse_index(r, SHEET_MAX_ROWS) : st->last_row + 1;
	int rc = 0;
	if (n < 1 || n > SHEET_MAX_ROWS) {
		rc = err_set(st->base.x->e, E_MALFORMED, "file", "xlsx",
			     "文件不是有效的 Excel 工作簿：行号 %s 无效", r ? r : "?");
	} else if (n <= st->last_row) {
		/* Excel writes rows top to bottom, each once; a repeated row number would also
		 * slip past the row cap below (found by tests/fuzz/fuzz_xlsx) */
		rc = err_set(st->base.x->e, E_MALFORMED, "file", "xlsx",
			     "文件不是有效的 Excel 工作簿：第 %ld 行出现在第 %d 行之后", n, st->last_row);
	} else if (n > CAP_IMPORT_ROWS) {
		rc = err_set(st->base.x->e, E_TOOLARGE, "file", "too_many_rows",
			     "文件超过 %d 行", CAP_IMPORT_ROWS);
	} else {
		st->in_row = 1;
		st->row_no = (int)n;
		st->next_col = 0;
		st->ncells = 0;
		strbuf_reset(&st->cells);
	}
	return rc;
}

static int cell_start(struct sheet_st *st, const XML_Char **atts)
{
	const char *r = attr(atts, "r", 0), *t = attr(atts, "t", 0), *s = attr(atts, "s", 0);
	int rc = 0;
	st->col = r ? ref_col(r) : st->next_col;
	/* Excel writes cells left to right; anything else would overwrite or reorder */
	if (st->col < 0 || st->col >= CAP_TABLE_COLS || st->col < st->next_col) {
		rc = err_set(st->base.x->e, E_MALFORMED, "file", "xlsx",
			     "文件不是有效的 Excel 工作簿：第 %d 行的单元格位置 %s 无效",
			     st->row_no, r ? r : "?");
		goto out;
	}
	st->type = !t || strcmp(t, "n") == 0 ? CT_NUM
		 : strcmp(t, "s") == 0 ? CT_SHARED
		 : strcmp(t, "inlineStr") == 0 ? CT_INLINE
		 : strcmp(t, "b") == 0 ? CT_BOOL
		 : strcmp(t, "e") == 0 ? CT_ERROR
		 : strcmp(t, "d") == 0 ? CT_ISODATE : CT_STR;
	st->style = s ? parse_index(s, CAP_XLSX_STYLES) : 0;
	st->in_c = 1;
	strbuf_reset(&st->val);
out:
	return rc;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sheet_st *st = ud;
	const char *ln = local_name(name);
	int rc = 0;
	if (st->base.rc) {
		/* stopped */
	} else if (strcmp(ln, "sheetData") == 0) {
		st->in_data = 1;
	} else if (st->in_data && !st->in_row && strcmp(ln, "row") == 0) {
		rc = row_start(st, atts);
	} else if (st->in_row && !st->in_c && strcmp(ln, "c") == 0) {
		rc = cell_start(st, atts);
	} else if (st->in_c && strcmp(ln, "v") == 0) {
		st->in_v = 1;
	} else if (st->in_c && strcmp(ln, "is") == 0) {
		st->in_is = 1;
	} else if (st->in_is && strcmp(ln, "rPh") == 0) {
		st->rph++;
	} else if (st->in_is && !st->rph && strcmp(ln, "t") == 0) {
		st->in_t = 1;
	}
	if (rc)
		xp_stop(&st->base, rc);
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_st *st = ud;
	if (st->base.rc || !(st->in_v || st->in_t))
		goto out;
	if (st->val.len + (size_t)len > RAW_CELL_MAX) {
		xp_stop(&st->base, cell_too_long(st));
		goto out;
	}
	strbuf_add(&st->val, s, (size_t)len);
out:
	return;
}

/* The value as text, into st->tmp (untrimmed); nonzero stops with an error set. */
static int cell_render(struct sheet_st *st)
{
	struct xlsx *x = st->base.x;
	struct strbuf *out = &st->tmp;
	enum xf_kind kind;
	long idx;
	int rc = 0;
	strbuf_reset(out);
	strbuf_trim(&st->val);   /* for numbers and indexes; strings are trimmed later anyway */
	if (!st->val.len)
		goto out;
	switch (st->type) {
	case CT_SHARED:
		idx = parse_index(st->val.buf, LONG_MAX / 2);
		if (idx < 0 || (size_t)idx >= x->sst_nr) {
			rc = err_set(x->e, E_MALFORMED, "file", "xlsx",
				     "文件不是有效的 Excel 工作簿：第 %d 行引用的共享字符串 %s 不存在",
				     st->row_no, st->val.buf);
			goto out;
		}
		strbuf_addstr(out, x->sst.buf + x->sst_off[idx]);
		break;
	case CT_INLINE:
	case CT_STR:
		ooxml_unescape(out, st->val.buf, st->val.len);
		break;
	case CT_BOOL:
		strbuf_addstr(out, strcmp(st->val.buf, "0") == 0 ? "FALSE" : "TRUE");
		break;
	case CT_ISODATE:
		/* strict OOXML writes dates as ISO 8601; the clerk's date is its first part */
		strbuf_add(out, st->val.buf,
			   st->val.len > 10 && st->val.buf[10] == 'T' &&
			   strcmp(st->val.buf + 10, "T00:00:00") == 0 ? 10 : st->val.len);
		break;
	case CT_ERROR:
		strbuf_addstr(out, st->val.buf);
		break;
	case CT_NUM:
		kind = st->style >= 0 && (size_t)st->style < x->xf_nr
			       ? (enum xf_kind)x->xf_kind[st->style] : XF_NONE;
		if (kind != XF_NONE && date_text(st->val.buf, kind, x->date1904, out) == 0)
			break;
		strbuf_reset(out);
		if (number_text(st->val.buf, out) != 0) {
			strbuf_reset(out);
			strbuf_addstr(out, st->val.buf);
		}
		break;
	}
	strbuf_trim(out);
	if (out->len > CAP_CELL_LEN)
		rc = cell_too_long(st);
out:
	return rc;
}

static void row_end(struct sheet_st *st)
{
	size_t n = st->ncells, i;
	int rc;
	st->in_row = 0;
	st->last_row = st->row_no;
	while (n && st->cells.buf[st->off[n - 1]] == '\0')
		n--;
	if (!n)
		goto out;   /* an empty row counts in row_no but is not delivered */
	ALLOC_GROW(st->ptrs, n, st->ptrs_alloc);
	for (i = 0; i < n; i++)
		st->ptrs[i] = st->cells.buf + st->off[i];
	rc = st->fn(st->arg, st->row_no, (int)n, st->ptrs);
	if (rc)
		xp_stop(&st->base, rc);
out:
	return;
}

static void push_cell(struct sheet_st *st, const char *s, size_t len)
{
	ALLOC_GROW(st->off, st->ncells + 1, st->off_alloc);
	st->off[st->ncells++] = st->cells.len;
	strbuf_add(&st->cells, s, len);
	strbuf_addch(&st->cells, '\0');
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct sheet_st *st = ud;
	const char *ln = local_name(name);
	int rc = 0;
	if (st->base.rc) {
		/* stopped */
	} else if (st->in_c && strcmp(ln, "v") == 0) {
		st->in_v = 0;
	} else if (st->in_is && strcmp(ln, "t") == 0) {
		st->in_t = 0;
	} else if (st->in_is && strcmp(ln, "rPh") == 0 && st->rph) {
		st->rph--;
	} else if (st->in_c && strcmp(ln, "is") == 0) {
		st->in_is = 0;
	} else if (st->in_c && strcmp(ln, "c") == 0) {
		st->in_c = 0;
		rc = cell_render(st);
		if (!rc) {
			while ((long)st->ncells < st->col)
				push_cell(st, "", 0);
			push_cell(st, st->tmp.buf, st->tmp.len);
			st->next_col = st->col + 1;
		}
	} else if (st->in_row && strcmp(ln, "row") == 0) {
		row_end(st);
	} else if (strcmp(ln, "sheetData") == 0) {
		st->in_data = 0;
	}
	if (rc)
		xp_stop(&st->base, rc);
}

/* ---- putting it together ---- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return xstrndup(path, slash ? (size_t)(slash - path + 1) : 0);
}

static int xlsx_run(struct xlsx *x, table_row_fn fn, void *arg)
{
	struct rels_st rels;
	struct wb_st wb;
	struct styles_st styles;
	struct sst_st sst;
	struct sheet_st sheet;
	struct strbuf path = STRBUF_INIT;
	const char *slash, *sheet_path = NULL;
	size_t i;
	int rc;
	memset(&sheet, 0, sizeof(sheet));
	strbuf_init(&sheet.val, 0);
	strbuf_init(&sheet.tmp, 0);
	strbuf_init(&sheet.cells, 0);
	memset(&sst, 0, sizeof(sst));
	strbuf_init(&sst.cur, 0);

	memset(&rels, 0, sizeof(rels));
	rels.base_dir = "";
	rc = part_parse(x, "_rels/.rels", 1, &rels.base, rels_start, ignore_end, NULL);
	x->wb_path = rels.office;
	if (rc)
		goto out;
	if (!x->wb_path)
		x->wb_path = xstrdup("xl/workbook.xml");
	x->wb_dir = dir_of(x->wb_path);

	memset(&wb, 0, sizeof(wb));
	rc = part_parse(x, x->wb_path, 0, &wb.base, wb_start, wb_end, NULL);
	if (rc)
		goto out;

	slash = strrchr(x->wb_path, '/');
	strbuf_addstr(&path, x->wb_dir);
	strbuf_addf(&path, "_rels/%s.rels", slash ? slash + 1 : x->wb_path);
	memset(&rels, 0, sizeof(rels));
	rels.base_dir = x->wb_dir;
	rels.for_workbook = 1;
	rc = part_parse(x, path.buf, 0, &rels.base, rels_start, ignore_end, NULL);
	if (rc)
		goto out;

	/* the first sheet the clerk sees is the first visible one in tab order */
	for (i = 0; i < x->nsheets && !sheet_path; i++)
		if (x->sheets[i].target && !x->sheets[i].hidden)
			sheet_path = x->sheets[i].target;
	for (i = 0; i < x->nsheets && !sheet_path; i++)
		sheet_path = x->sheets[i].target;
	if (!sheet_path) {
		rc = err_set(x->e, E_MALFORMED, "file", "xlsx", "工作簿中没有工作表");
		goto out;
	}

	if (!x->styles_path) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%sstyles.xml", x->wb_dir);
		x->styles_path = strbuf_detach(&path, NULL);
	}
	memset(&styles, 0, sizeof(styles));
	rc = part_parse(x, x->styles_path, 1, &styles.base, styles_start, styles_end, NULL);
	if (rc)
		goto out;

	if (!x->sst_path) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%ssharedStrings.xml", x->wb_dir);
		x->sst_path = strbuf_detach(&path, NULL);
	}
	rc = part_parse(x, x->sst_path, 1, &sst.base, sst_start, sst_end, sst_text);
	if (rc)
		goto out;

	sheet.fn = fn;
	sheet.arg = arg;
	rc = part_parse(x, sheet_path, 0, &sheet.base, sheet_start, sheet_end, sheet_text);
out:
	strbuf_release(&path);
	strbuf_release(&sst.cur);
	strbuf_release(&sheet.val);
	strbuf_release(&sheet.tmp);
	strbuf_release(&sheet.cells);
	free(sheet.off);
	free(sheet.ptrs);
	return rc;
}

static void xlsx_release(struct xlsx *x)
{
	size_t i;
	if (x->za)
		zip_discard(x->za);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].rid);
		free(x->sheets[i].target);
	}
	free(x->wb_path);
	free(x->wb_dir);
	free(x->sst_path);
	free(x->styles_path);
	strbuf_release(&x->sst);
	free(x->sst_off);
	free(x->fmt_id);
	free(x->fmt_kind);
	free(x->xf_kind);
	free(x);
}

static int zip_open_error(struct err *e, int zerr)
{
	return err_set(e, E_MALFORMED, "file", "xlsx",
		       "文件不是有效的 Excel 工作簿（压缩包无法打开，错误 %d）", zerr);
}

int table_read_xlsx_mem(const void *data, size_t len, table_row_fn fn, void *arg,
			struct err *e)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	zip_source_t *src;
	zip_error_t zerr;
	int rc;
	x->e = e;
	strbuf_init(&x->sst, 0);
	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src) {
		rc = zip_open_error(e, zip_error_code_zip(&zerr));
		goto out;
	}
	x->za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (!x->za) {
		zip_source_free(src);   /* not taken over when the open fails */
		rc = zip_open_error(e, zip_error_code_zip(&zerr));
		goto out;
	}
	rc = xlsx_run(x, fn, arg);
out:
	zip_error_fini(&zerr);
	xlsx_release(x);
	return rc;
}

int table_read_xlsx_file(const char *path, table_row_fn fn, void *arg, struct err *e)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	int zerr = 0, rc;
	x->e = e;
	strbuf_init(&x->sst, 0);
	x->za = zip_open(path, ZIP_RDONLY, &zerr);
	if (!x->za) {
		if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT)
			rc = err_set(e, E_IO, "file", "open", "无法读取文件 %s", path);
		else
			rc = zip_open_error(e, zerr);
		goto out;
	}
	rc = xlsx_run(x, fn, arg);
out:
	xlsx_release(x);
	return rc;
}
