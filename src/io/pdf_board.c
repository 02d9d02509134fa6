/*
 * The board as a PDF: A3 portrait (841.89 × 1190.55 pt), cairo for shapes and images,
 * pango for the Chinese text, libqrencode for the QR code to the public URL. A plain
 * top-down flow: each block asks for its height and starts a new page when it does not
 * fit. Photos: a PNG is decoded by cairo; a JPEG is handed to the PDF as it is
 * (CAIRO_MIME_TYPE_JPEG on an RGB24 surface of its size, whose pixels are never read),
 * so a camera photo costs its bytes, not a decode.
 */
#include "io/pdf_board.h"
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PAGE_W 841.89
#define PAGE_H 1190.55
#define MARGIN 36.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOTER_H 24.0
#define SANS "Noto Sans CJK SC"
#define SERIF "Noto Serif CJK SC"
#define WALL_COLS 12
#define PHOTO_MAX_SIDE 8000

struct pen {
	cairo_t *cr;
	PangoLayout *lay;
	double y;
	int page;
	const struct board_doc *d;
};

static void rgb(cairo_t *cr, unsigned hex)
{
	cairo_set_source_rgb(cr, ((hex >> 16) & 0xFF) / 255.0, ((hex >> 8) & 0xFF) / 255.0, (hex & 0xFF) / 255.0);
}

#define RED 0xC8161D
#define DARK 0x222222
#define GREY 0x777777
#define LINE 0xDDDDDD
#define GREEN 0x2E8B57

enum { LEFT, CENTER, RIGHT };

/* Set the layout's text and font; width > 0 wraps (or ellipsizes with one_line). */
static void setup(struct pen *p, const char *family, int bold, double size, double width, int align, int one_line,
		  const char *text)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(p->lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->lay, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_alignment(p->lay, align == CENTER ? PANGO_ALIGN_CENTER : align == RIGHT ? PANGO_ALIGN_RIGHT
												: PANGO_ALIGN_LEFT);
	pango_layout_set_ellipsize(p->lay, one_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->lay, text ? text : "", -1);
}

static double layout_h(struct pen *p)
{
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* draws text at (x, y); returns its height */
static double text_at(struct pen *p, double x, double y, double width, const char *family, int bold, double size,
		      unsigned color, int align, int one_line, const char *text)
{
	setup(p, family, bold, size, width, align, one_line, text);
	rgb(p->cr, color);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
	return layout_h(p);
}

static double text_height(struct pen *p, double width, const char *family, int bold, double size, const char *text)
{
	setup(p, family, bold, size, width, LEFT, 0, text);
	return layout_h(p);
}

static void footer(struct pen *p)
{
	char s[256];
	xsnprintf(s, sizeof(s), "%s · 党务公开栏 · %s 生成 · 第 %d 页", p->d->org_name, p->d->today, p->page);
	text_at(p, MARGIN, PAGE_H - MARGIN + 6, CONTENT_W, SANS, 0, 8, GREY, CENTER, 1, s);
}

static void new_page(struct pen *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* room for h more points on this page, else a new page */
static void need(struct pen *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN - FOOTER_H)
		new_page(p);
}

static void section(struct pen *p, const char *title, double body_h)
{
	need(p, 30 + (body_h < 200 ? body_h : 60));
	p->y += 10;
	rgb(p->cr, RED);
	cairo_rectangle(p->cr, MARGIN, p->y + 3, 5, 18);
	cairo_fill(p->cr);
	text_at(p, MARGIN + 12, p->y, CONTENT_W - 12, SERIF, 1, 16, RED, LEFT, 1, title);
	p->y += 26;
	rgb(p->cr, RED);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, MARGIN, p->y);
	cairo_line_to(p->cr, MARGIN + CONTENT_W, p->y);
	cairo_stroke(p->cr);
	p->y += 8;
}

/* ---- QR code ------------------------------------------------------------------------ */

static void qr(struct pen *p, const char *url, double x, double y, double size)
{
	QRcode *q;
	double cell;
	int i, j;
	if (!url || !url[0])
		return;
	q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, size, size);
	cairo_fill(p->cr);
	cell = (size - 8) / q->width;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (i = 0; i < q->width; i++)
		for (j = 0; j < q->width; j++)
			if (q->data[i * q->width + j] & 1)
				cairo_rectangle(p->cr, x + 4 + j * cell, y + 4 + i * cell, cell + 0.05, cell + 0.05);
	cairo_fill(p->cr);
	QRcode_free(q);
}

/* ---- photos and avatars -------------------------------------------------------------- */

struct mem_reader {
	const unsigned char *data;
	size_t len, off;
};

static cairo_status_t read_mem(void *closure, unsigned char *out, unsigned int length)
{
	struct mem_reader *r = closure;
	if (r->off + length > r->len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(out, r->data + r->off, length);
	r->off += length;
	return CAIRO_STATUS_SUCCESS;
}

/* width and height from a JPEG's SOF marker; 0 when not found */
static int jpeg_size(const unsigned char *b, size_t n, int *w, int *h)
{
	size_t i = 2;
	while (i + 9 < n) {
		unsigned marker, seglen;
		if (b[i] != 0xFF) {
			i++;
			continue;
		}
		marker = b[i + 1];
		if (marker == 0xFF) {
			i++;
			continue;
		}
		if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
			i += 2;
			continue;
		}
		seglen = (unsigned)b[i + 2] << 8 | b[i + 3];
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
			*h = b[i + 5] << 8 | b[i + 6];
			*w = b[i + 7] << 8 | b[i + 8];
			return *w > 0 && *h > 0;
		}
		i += 2 + seglen;
	}
	return 0;
}

static void data_free(void *data)
{
	free(data);
}

/* an image surface for the member's photo, or NULL (draw the avatar) */
static cairo_surface_t *photo_surface(const struct board_member *m)
{
	cairo_surface_t *s = NULL;
	int w = 0, h = 0;
	if (!m->photo || !m->photo_len)
		return NULL;
	if (m->photo_mime && !strcmp(m->photo_mime, "image/png")) {
		struct mem_reader r = { m->photo, m->photo_len, 0 };
		s = cairo_image_surface_create_from_png_stream(read_mem, &r);
	} else if (jpeg_size(m->photo, m->photo_len, &w, &h) && w <= PHOTO_MAX_SIDE && h <= PHOTO_MAX_SIDE) {
		unsigned char *copy = xmalloc(m->photo_len);
		memcpy(copy, m->photo, m->photo_len);
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		if (cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, copy, m->photo_len, data_free, copy) !=
		    CAIRO_STATUS_SUCCESS)
			free(copy);
	}
	if (s && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		s = NULL;
	}
	return s;
}

static const unsigned avatar_colors[] = { 0xC8161D, 0xD9480F, 0xB8860B, 0xA61E4D, 0x1C7ED6, 0x2B8A3E, 0x5F3DC4 };

/* the first character of the name (the surname) on a colour chosen by the name */
static void avatar(struct pen *p, const struct board_member *m, double cx, double cy, double r)
{
	unsigned hsh = 5381;
	const unsigned char *s = (const unsigned char *)m->name;
	char initial[8] = "";
	size_t n = 1;
	cairo_surface_t *img = photo_surface(m);
	cairo_save(p->cr);
	cairo_arc(p->cr, cx, cy, r, 0, 2 * 3.14159265358979);
	if (img) {
		double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
		double side = iw < ih ? iw : ih, scale = 2 * r / side;
		cairo_clip(p->cr);
		cairo_translate(p->cr, cx - iw * scale / 2, cy - ih * scale / 2);
		cairo_scale(p->cr, scale, scale);
		cairo_set_source_surface(p->cr, img, 0, 0);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
		cairo_surface_destroy(img);
		return;
	}
	for (; *s; s++)
		hsh = hsh * 33 + *s;
	rgb(p->cr, avatar_colors[hsh % (sizeof(avatar_colors) / sizeof(avatar_colors[0]))]);
	cairo_fill(p->cr);
	cairo_restore(p->cr);
	s = (const unsigned char *)m->name;
	if (s[0] >= 0xF0)
		n = 4;
	else if (s[0] >= 0xE0)
		n = 3;
	else if (s[0] >= 0xC0)
		n = 2;
	if (s[0] && strlen(m->name) >= n) {
		memcpy(initial, m->name, n);
		initial[n] = '\0';
	}
	setup(p, SERIF, 1, r * 0.95, 2 * r, CENTER, 1, initial);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_move_to(p->cr, cx - r, cy - layout_h(p) / 2);
	pango_cairo_show_layout(p->cr, p->lay);
}

/* ---- blocks ------------------------------------------------------------------------ */

static void header(struct pen *p)
{
	const struct board_doc *d = p->d;
	double band = 130, qs = 104;
	char s[160];
	rgb(p->cr, RED);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, band);
	cairo_fill(p->cr);
	text_at(p, MARGIN, 24, CONTENT_W - qs - 20, SERIF, 1, 40, 0xFFFFFF, LEFT, 1, "党务公开栏");
	text_at(p, MARGIN, 80, CONTENT_W - qs - 20, SANS, 1, 18, 0xFFF3BF, LEFT, 1, d->org_name);
	xsnprintf(s, sizeof(s), "%d 年 · 更新于 %s", d->year, d->today);
	text_at(p, MARGIN, 106, CONTENT_W - qs - 20, SANS, 0, 10, 0xFFE3E3, LEFT, 1, s);
	if (d->url && d->url[0]) {
		qr(p, d->url, PAGE_W - MARGIN - qs, 13, qs);
		text_at(p, PAGE_W - MARGIN - qs - 90, 100, 84, SANS, 0, 9, 0xFFFFFF, RIGHT, 1, "扫码查看公开栏");
	}
	p->y = band + 14;
}

static void notice(struct pen *p)
{
	double h;
	if (!p->d->notice || !p->d->notice[0])
		return;
	h = text_height(p, CONTENT_W - 24, SANS, 0, 12, p->d->notice);
	section(p, "公告", h + 16);
	need(p, h + 16);
	rgb(p->cr, 0xFFF8E1);
	cairo_rectangle(p->cr, MARGIN, p->y, CONTENT_W, h + 16);
	cairo_fill(p->cr);
	text_at(p, MARGIN + 12, p->y + 8, CONTENT_W - 24, SANS, 0, 12, DARK, LEFT, 0, p->d->notice);
	p->y += h + 24;
}

static void wall(struct pen *p)
{
	const struct board_doc *d = p->d;
	double cw = CONTENT_W / WALL_COLS, rh = 72, r = 24;
	size_t i;
	char title[64];
	xsnprintf(title, sizeof(title), "党员风采墙（%zu 名）", d->n_members);
	section(p, title, rh);
	if (!d->n_members) {
		p->y += text_at(p, MARGIN, p->y, CONTENT_W, SANS, 0, 11, GREY, LEFT, 1, "暂无党员") + 6;
		return;
	}
	for (i = 0; i < d->n_members; i++) {
		size_t col = i % WALL_COLS;
		double x = MARGIN + col * cw;
		if (col == 0) {
			if (i)
				p->y += rh;
			need(p, rh);
		}
		avatar(p, &d->members[i], x + cw / 2, p->y + r + 2, r);
		text_at(p, x, p->y + 2 * r + 8, cw, SANS, 0, 10, DARK, CENTER, 1, d->members[i].name);
	}
	p->y += rh + 4;
}

static void mark(struct pen *p, double cx, double cy, int m)
{
	if (m == BOARD_DUES_PAID) {
		rgb(p->cr, GREEN);
		cairo_arc(p->cr, cx, cy, 4, 0, 2 * 3.14159265358979);
		cairo_fill(p->cr);
	} else if (m == BOARD_DUES_UNPAID) {
		rgb(p->cr, RED);
		cairo_set_line_width(p->cr, 1.4);
		cairo_move_to(p->cr, cx - 3.5, cy - 3.5);
		cairo_line_to(p->cr, cx + 3.5, cy + 3.5);
		cairo_move_to(p->cr, cx + 3.5, cy - 3.5);
		cairo_line_to(p->cr, cx - 3.5, cy + 3.5);
		cairo_stroke(p->cr);
	}
}

static void dues(struct pen *p)
{
	const struct board_doc *d = p->d;
	const double name_w = 74, cell = 25, rh = 15, gap = 20;
	const double tw = name_w + BOARD_MONTHS * cell;
	size_t half = (d->n_members + 1) / 2, i;
	int side, k;
	char title[64];
	if (!d->show_dues)
		return;
	xsnprintf(title, sizeof(title), "%d 年党费交纳情况", d->year);
	section(p, title, rh * (double)(half + 2));
	/* legend */
	mark(p, MARGIN + 6, p->y + 7, BOARD_DUES_PAID);
	text_at(p, MARGIN + 14, p->y, 60, SANS, 0, 9, GREY, LEFT, 1, "已交");
	mark(p, MARGIN + 56, p->y + 7, BOARD_DUES_UNPAID);
	text_at(p, MARGIN + 64, p->y, 60, SANS, 0, 9, GREY, LEFT, 1, "未交");
	text_at(p, MARGIN + 106, p->y, 300, SANS, 0, 9, GREY, LEFT, 1, "空白：未到期或尚未开始交纳");
	p->y += 16;
	i = 0;
	while (i < half) {
		size_t rows = half - i, r;
		double avail = PAGE_H - MARGIN - FOOTER_H - p->y - rh;
		if ((double)rows * rh > avail)
			rows = avail > rh ? (size_t)(avail / rh) : 0;
		if (!rows) {
			new_page(p);
			continue;
		}
		for (side = 0; side < 2; side++) {
			double x0 = MARGIN + side * (tw + gap);
			if (side && half + i >= d->n_members)
				break; /* nothing in the right-hand column on this page */
			rgb(p->cr, 0xF4F4F4);
			cairo_rectangle(p->cr, x0, p->y, tw, rh);
			cairo_fill(p->cr);
			text_at(p, x0 + 4, p->y + 1, name_w - 4, SANS, 1, 9, DARK, LEFT, 1, "姓名");
			for (k = 0; k < BOARD_MONTHS; k++) {
				char ms[8];
				xsnprintf(ms, sizeof(ms), "%d月", k + 1);
				text_at(p, x0 + name_w + k * cell, p->y + 1, cell, SANS, 1, 8, DARK, CENTER, 1, ms);
			}
			for (r = 0; r < rows; r++) {
				size_t idx = side * half + i + r;
				double yy = p->y + rh * (double)(r + 1);
				if (idx >= d->n_members || (side == 0 && idx >= half))
					continue;
				text_at(p, x0 + 4, yy + 1, name_w - 4, SANS, 0, 9, DARK, LEFT, 1, d->members[idx].name);
				for (k = 0; k < BOARD_MONTHS; k++)
					mark(p, x0 + name_w + k * cell + cell / 2, yy + rh / 2, d->members[idx].dues[k]);
				rgb(p->cr, LINE);
				cairo_set_line_width(p->cr, 0.5);
				cairo_move_to(p->cr, x0, yy + rh);
				cairo_line_to(p->cr, x0 + tw, yy + rh);
				cairo_stroke(p->cr);
			}
		}
		p->y += rh * (double)(rows + 1) + 4;
		i += rows;
	}
}

static void points(struct pen *p)
{
	const struct board_doc *d = p->d;
	const int cols = 4;
	const double cw = CONTENT_W / cols, rh = 16;
	size_t i;
	char title[64], s[160];
	if (!d->has_points)
		return;
	xsnprintf(title, sizeof(title), "党员积分排行（%s）", d->points_period);
	section(p, title, rh * 2);
	if (!d->n_ranks) {
		p->y += text_at(p, MARGIN, p->y, CONTENT_W, SANS, 0, 11, GREY, LEFT, 1, "本期暂无积分") + 6;
		return;
	}
	for (i = 0; i < d->n_ranks; i++) {
		size_t col = i % (size_t)cols;
		if (col == 0) {
			if (i)
				p->y += rh;
			need(p, rh);
		}
		xsnprintf(s, sizeof(s), "%d. %s", d->ranks[i].rank, d->ranks[i].name);
		text_at(p, MARGIN + col * cw, p->y, cw - 60, SANS, d->ranks[i].rank <= 3, 10, d->ranks[i].rank <= 3 ? RED : DARK,
			LEFT, 1, s);
		xsnprintf(s, sizeof(s), "%.1f 分", d->ranks[i].score_x10 / 10.0);
		text_at(p, MARGIN + col * cw + cw - 64, p->y, 52, SANS, 0, 10, DARK, RIGHT, 1, s);
	}
	p->y += rh + 4;
}

static void appraisal(struct pen *p)
{
	const struct board_doc *d = p->d;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	char title[64];
	double h;
	if (!d->has_appraisal)
		return;
	xsnprintf(title, sizeof(title), "%d 年度民主评议党员结果", d->appraisal_year);
	strbuf_addf(&sb, "参评 %d 人：优秀 %d 人，合格 %d 人，基本合格 %d 人，不合格 %d 人。", d->graded, d->grades[0],
		    d->grades[1], d->grades[2], d->grades[3]);
	if (d->n_excellent) {
		strbuf_addstr(&sb, "\n评为优秀的党员：");
		for (i = 0; i < d->n_excellent; i++) {
			if (i)
				strbuf_addstr(&sb, "、");
			strbuf_addstr(&sb, d->excellent[i]);
		}
	}
	h = text_height(p, CONTENT_W, SANS, 0, 11, sb.buf);
	section(p, title, h);
	need(p, h);
	p->y += text_at(p, MARGIN, p->y, CONTENT_W, SANS, 0, 11, DARK, LEFT, 0, sb.buf) + 6;
	strbuf_release(&sb);
}

static void plan(struct pen *p)
{
	const struct board_doc *d = p->d;
	const double cw = CONTENT_W / 2, rh = 18;
	char title[64], s[16];
	int k;
	xsnprintf(title, sizeof(title), "%d 年主题党日活动计划", d->year);
	section(p, title, rh * 6);
	if (!d->has_plan) {
		p->y += text_at(p, MARGIN, p->y, CONTENT_W, SANS, 0, 11, GREY, LEFT, 1, "本年度计划尚未公布") + 6;
		return;
	}
	need(p, rh * 6);
	for (k = 0; k < BOARD_MONTHS; k++) {
		double x = MARGIN + (k / 6) * cw, y = p->y + (k % 6) * rh;
		const char *topic = d->plan[k].topic && d->plan[k].topic[0] ? d->plan[k].topic : "—";
		xsnprintf(s, sizeof(s), "%d 月", k + 1);
		text_at(p, x, y, 40, SANS, 1, 10, RED, LEFT, 1, s);
		text_at(p, x + 42, y, cw - 100, SANS, 0, 10, DARK, LEFT, 1, topic);
		if (d->plan[k].held)
			text_at(p, x + cw - 56, y, 50, SANS, 0, 9, GREEN, RIGHT, 1, "已开展");
	}
	p->y += rh * 6 + 4;
}

static void projects(struct pen *p)
{
	const struct board_doc *d = p->d;
	size_t i, k;
	char s[512];
	if (!d->n_projects)
		return;
	section(p, "书记领衔项目", 60);
	for (i = 0; i < d->n_projects; i++) {
		const struct board_project *pr = &d->projects[i];
		need(p, 36);
		xsnprintf(s, sizeof(s), "%s（%d 年 · %s · 当前阶段：%s）", pr->name, pr->year, pr->type_name, pr->stage_name);
		p->y += text_at(p, MARGIN, p->y, CONTENT_W, SANS, 1, 11, DARK, LEFT, 0, s) + 2;
		for (k = 0; k < pr->n_ledger; k++) {
			const struct board_ledger_entry *e = &pr->ledger[k];
			double h;
			xsnprintf(s, sizeof(s), "%s  %s（%s）%s%s", e->date, e->action, e->stage_name, e->note ? "：" : "",
				  e->note ? e->note : "");
			h = text_height(p, CONTENT_W - 16, SANS, 0, 9, s);
			need(p, h);
			p->y += text_at(p, MARGIN + 16, p->y, CONTENT_W - 16, SANS, 0, 9, GREY, LEFT, 0, s) + 1;
		}
		p->y += 6;
	}
}

static void promises(struct pen *p)
{
	const struct board_doc *d = p->d;
	const double rh = 16, w_holder = 150, w_due = 80, w_status = 110;
	const double w_title = CONTENT_W - w_holder - w_due - w_status;
	size_t i;
	if (!d->n_promises)
		return;
	section(p, "公开承诺", rh * 3);
	need(p, rh);
	text_at(p, MARGIN, p->y, w_holder, SANS, 1, 9, DARK, LEFT, 1, "承诺主体");
	text_at(p, MARGIN + w_holder, p->y, w_title, SANS, 1, 9, DARK, LEFT, 1, "承诺事项");
	text_at(p, MARGIN + w_holder + w_title, p->y, w_due, SANS, 1, 9, DARK, LEFT, 1, "完成时限");
	text_at(p, MARGIN + CONTENT_W - w_status, p->y, w_status, SANS, 1, 9, DARK, LEFT, 1, "践诺情况");
	p->y += rh;
	for (i = 0; i < d->n_promises; i++) {
		const struct board_promise *c = &d->promises[i];
		char st[64];
		need(p, rh);
		text_at(p, MARGIN, p->y, w_holder - 6, SANS, 0, 9, DARK, LEFT, 1, c->holder);
		text_at(p, MARGIN + w_holder, p->y, w_title - 6, SANS, 0, 9, DARK, LEFT, 1, c->title);
		text_at(p, MARGIN + w_holder + w_title, p->y, w_due, SANS, 0, 9, DARK, LEFT, 1, c->due_on);
		if (c->done_on)
			xsnprintf(st, sizeof(st), "%s %s", c->status, c->done_on);
		else
			xsnprintf(st, sizeof(st), "%s", c->status);
		text_at(p, MARGIN + CONTENT_W - w_status, p->y, w_status, SANS, 0, 9, c->done_on ? GREEN : DARK, LEFT, 1, st);
		p->y += rh;
	}
	p->y += 4;
}

/* ---- the QR code alone, for the settings screen ----------------------------------------- */

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

int qr_png(const char *text, int scale, char **out, size_t *len, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	cairo_surface_t *s;
	cairo_t *cr;
	QRcode *q;
	cairo_status_t status;
	int i, j, side;
	*out = NULL;
	*len = 0;
	q = text && text[0] ? QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
	if (!q)
		return err_set(e, E_INVALID, "url", NULL, "无法生成二维码");
	side = (q->width + 8) * scale;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < q->width; i++)
		for (j = 0; j < q->width; j++)
			if (q->data[i * q->width + j] & 1)
				cairo_rectangle(cr, (j + 4) * scale, (i + 4) * scale, scale, scale);
	cairo_fill(cr);
	cairo_destroy(cr);
	QRcode_free(q);
	status = cairo_surface_write_to_png_stream(s, write_png, &sb);
	cairo_surface_destroy(s);
	if (status != CAIRO_STATUS_SUCCESS) {
		strbuf_release(&sb);
		return err_set(e, E_INTERNAL, NULL, NULL, "二维码生成失败：%s", cairo_status_to_string(status));
	}
	*out = strbuf_detach(&sb, len);
	return 0;
}

/* ---- the document ------------------------------------------------------------------ */

static cairo_status_t write_sb(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

int pdf_board_render(const struct board_doc *d, char **out, size_t *len, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	cairo_surface_t *surf;
	struct pen p;
	cairo_status_t status;

	*out = NULL;
	*len = 0;
	memset(&p, 0, sizeof(p));
	p.d = d;
	p.page = 1;
	surf = cairo_pdf_surface_create_for_stream(write_sb, &sb, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "党务公开栏");
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "dangjian");
	p.cr = cairo_create(surf);
	p.lay = pango_cairo_create_layout(p.cr);
	header(&p);
	notice(&p);
	wall(&p);
	dues(&p);
	points(&p);
	appraisal(&p);
	plan(&p);
	projects(&p);
	promises(&p);
	footer(&p);
	cairo_show_page(p.cr);
	g_object_unref(p.lay);
	cairo_destroy(p.cr);
	cairo_surface_finish(surf);
	status = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	if (status != CAIRO_STATUS_SUCCESS) {
		strbuf_release(&sb);
		return err_set(e, E_INTERNAL, NULL, NULL, "PDF 生成失败：%s", cairo_status_to_string(status));
	}
	*out = strbuf_detach(&sb, len);
	return 0;
}
