/*
 * 党务公开栏: the settings of a branch's board and the public board itself, assembled
 * into struct board_doc (public fields only) and rendered from it as JSON here and as
 * PDF by io/pdf_board.c. See board.h for the rules.
 */
#include "domain/board.h"
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/commitment.h"
#include "domain/org.h"
#include "domain/points.h"
#include "domain/project.h"
#include "util/json_util.h"
#include "util/pii.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "公开栏不存在或未开放"
#define KEY_BYTES 18 /* 24 URL-safe characters */

static const char *const grade_codes[4] = { "excellent", "qualified", "basic", "unqualified" };

int board_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0, i;
	if (n < BOARD_KEY_MIN || n > BOARD_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* ---- settings ----------------------------------------------------------------------- */

struct settings {
	int exists, enabled, show_points, show_dues, show_appraisal;
	char key[BOARD_KEY_MAX + 1];
	char *notice;             /* owned */
	int64_t version;
	char updated_at[21];
};

static void settings_release(struct settings *s)
{
	free(s->notice);
	s->notice = NULL;
}

/* The org of a board, for a manager: a 党支部 in the actor's scope. */
static int manager_org(struct ctx *ctx, int64_t org_id, struct org *o)
{
	int rc;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "board.role", "只有支部书记或管理员可以设置党务公开栏");
	if ((rc = org_get(ctx, org_id, o)))
		return rc;
	if (!org_kind_is_branch(o->kind))
		return err_set(&ctx->err, E_CONFLICT, "org_id", "board.branch", "党务公开栏按党支部设置，“%s”不是党支部", o->name);
	if (o->dissolved_on[0])
		return err_set(&ctx->err, E_CONFLICT, "org_id", "org.dissolved", "组织“%s”已撤销", o->name);
	return 0;
}

static int settings_load(struct ctx *ctx, int64_t org_id, struct settings *s)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT enabled, public_key, show_points, show_dues, show_appraisal, notice, version, "
				     "updated_at FROM boards WHERE org_id = ?",
				     &ctx->err);
	int step;
	memset(s, 0, sizeof(*s));
	s->show_points = s->show_dues = s->show_appraisal = 1;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		s->exists = 1;
		s->enabled = (int)stmt_int(st, 0);
		stmt_text_copy(st, 1, s->key, sizeof(s->key));
		s->show_points = (int)stmt_int(st, 2);
		s->show_dues = (int)stmt_int(st, 3);
		s->show_appraisal = (int)stmt_int(st, 4);
		s->notice = xstrdup(stmt_text(st, 5) ? stmt_text(st, 5) : "");
		s->version = stmt_int(st, 6);
		stmt_text_copy(st, 7, s->updated_at, sizeof(s->updated_at));
	}
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static json_t *board_url(const char *base_url, const char *key)
{
	char *u;
	json_t *j;
	size_t n;
	if (!base_url || !base_url[0] || !key[0])
		return json_null();
	n = strlen(base_url) + strlen(key) + 32;
	u = xmalloc(n);
	xsnprintf(u, n, "%s/#/board?key=%s", base_url, key);
	j = json_string(u);
	free(u);
	return j;
}

/* the audit rendering: the key itself stays out of the log (it is the credential) */
static json_t *settings_audit_json(const struct settings *s)
{
	return json_pack("{s:b, s:b, s:b, s:b, s:s, s:I}", "enabled", s->enabled, "show_points", s->show_points,
			 "show_dues", s->show_dues, "show_appraisal", s->show_appraisal, "notice",
			 s->notice ? s->notice : "", "version", (json_int_t)s->version);
}

int board_settings_get(struct ctx *ctx, int64_t org_id, const char *base_url, json_t **out)
{
	struct org o;
	struct settings s;
	struct points_settings ps;
	int rc, points_on = 0;
	*out = NULL;
	if ((rc = manager_org(ctx, org_id, &o)) || (rc = settings_load(ctx, o.id, &s)))
		return rc;
	if (!points_settings_for(ctx, o.path, &ps))
		points_on = ps.enabled;
	err_clear(&ctx->err);
	*out = json_pack("{s:I, s:s, s:b, s:o, s:o, s:b, s:b, s:b, s:s, s:b, s:I, s:o}", "org_id", (json_int_t)o.id,
			 "org_name", o.name, "enabled", s.enabled, "key", s.exists ? json_string(s.key) : json_null(),
			 "url", board_url(base_url, s.key), "show_points", s.show_points, "show_dues", s.show_dues,
			 "show_appraisal", s.show_appraisal, "notice", s.notice ? s.notice : "", "points_enabled",
			 points_on, "version", (json_int_t)s.version, "updated_at", json_str_or_null(s.updated_at));
	settings_release(&s);
	return 0;
}

static int body_flag(struct ctx *ctx, json_t *body, const char *key, int *dst)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v) && !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是 true 或 false", key);
	*dst = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v) != 0;
	return 0;
}

/* a notice may have line breaks; no other control characters */
static int notice_ok(const char *s)
{
	size_t n = strlen(s), i = 0;
	if (!utf8_valid(s, n) || utf8_chars(s) > BOARD_NOTICE_MAX_CHARS)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F)
			return 0;
	}
	return 1;
}

static int write_settings(struct ctx *ctx, int64_t org_id, const struct settings *s, int64_t old_version, int create)
{
	struct stmt *st = db_prepare(
		ctx->db,
		create ? "INSERT INTO boards (enabled, public_key, show_points, show_dues, show_appraisal, notice, updated_by, "
			 "updated_at, org_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
		       : "UPDATE boards SET enabled = ?, public_key = ?, show_points = ?, show_dues = ?, show_appraisal = ?, "
			 "notice = ?, updated_by = ?, updated_at = ?, version = version + 1 WHERE org_id = ? AND version = ?",
		&ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->enabled);
	stmt_bind_text(st, 2, s->key);
	stmt_bind_int(st, 3, s->show_points);
	stmt_bind_int(st, 4, s->show_dues);
	stmt_bind_int(st, 5, s->show_appraisal);
	stmt_bind_text(st, 6, s->notice ? s->notice : "");
	stmt_bind_int(st, 7, ctx->actor.user_id);
	stmt_bind_text(st, 8, ctx->now_iso);
	stmt_bind_int(st, 9, org_id);
	if (!create)
		stmt_bind_int(st, 10, old_version);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT || (step == STEP_DONE && db_changes(ctx->db) == 0))
		return err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "公开栏设置已被他人修改，请刷新后重试");
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static void new_key(char *out, size_t size)
{
	char *k = random_token(KEY_BYTES);
	strlcpy_z(out, k, size);
	free(k);
}

int board_settings_put(struct ctx *ctx, int64_t org_id, json_t *body)
{
	struct org o;
	struct settings s;
	json_t *before = NULL, *after = NULL, *v;
	int64_t version, old;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = manager_org(ctx, org_id, &o)))
		return rc;
	v = json_object_get(body, "version");
	if (!v || !json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "version", NULL, "缺少 version（首次保存为 0）");
	version = json_integer_value(v);
	v = json_object_get(body, "notice");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "notice", NULL, "字段 notice 必须是字符串");
	if (v && json_is_string(v) && !notice_ok(json_string_value(v)))
		return err_set(&ctx->err, E_INVALID, "notice", "board.notice", "公告最多 %d 个字，不能含控制字符",
			       BOARD_NOTICE_MAX_CHARS);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = settings_load(ctx, o.id, &s)))
		goto rollback;
	old = s.version;
	if (version != old) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "公开栏设置已被他人修改，请刷新后重试");
		goto rollback;
	}
	if (s.exists)
		before = settings_audit_json(&s);
	if ((rc = body_flag(ctx, body, "enabled", &s.enabled)) || (rc = body_flag(ctx, body, "show_points", &s.show_points)) ||
	    (rc = body_flag(ctx, body, "show_dues", &s.show_dues)) ||
	    (rc = body_flag(ctx, body, "show_appraisal", &s.show_appraisal)))
		goto rollback;
	if (v) {
		free(s.notice);
		s.notice = xstrdup(json_is_string(v) ? json_string_value(v) : "");
	}
	if (!s.exists)
		new_key(s.key, sizeof(s.key));
	if ((rc = write_settings(ctx, o.id, &s, old, !s.exists)))
		goto rollback;
	s.version = old + 1;
	after = settings_audit_json(&s);
	if ((rc = audit_append(ctx, s.exists ? "update" : "create", "board", o.id, before, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	settings_release(&s);
	return rc;
}

int board_regenerate_key(struct ctx *ctx, int64_t org_id)
{
	struct org o;
	struct settings s;
	json_t *after = NULL;
	int rc;
	memset(&s, 0, sizeof(s));
	if ((rc = manager_org(ctx, org_id, &o)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = settings_load(ctx, o.id, &s)))
		goto rollback;
	new_key(s.key, sizeof(s.key));
	if ((rc = write_settings(ctx, o.id, &s, s.version, !s.exists)))
		goto rollback;
	s.version = s.exists ? s.version + 1 : 1;
	after = json_pack("{s:s, s:I}", "key", "regenerated", "version", (json_int_t)s.version);
	if ((rc = audit_append(ctx, "key", "board", o.id, NULL, after)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(after);
	settings_release(&s);
	return rc;
}

int board_qr_png(struct ctx *ctx, int64_t org_id, const char *base_url, char **out, size_t *len)
{
	struct org o;
	struct settings s;
	json_t *url;
	int rc;
	*out = NULL;
	*len = 0;
	if ((rc = manager_org(ctx, org_id, &o)) || (rc = settings_load(ctx, o.id, &s)))
		return rc;
	url = board_url(base_url, s.exists ? s.key : "");
	if (json_is_string(url))
		rc = qr_png(json_string_value(url), 8, out, len, &ctx->err);
	else
		rc = err_set(&ctx->err, E_NOTFOUND, NULL, NULL, "首次保存后才有公开链接和二维码");
	json_decref(url);
	settings_release(&s);
	return rc;
}

/* ---- the document ------------------------------------------------------------------ */

static void *own(struct board_doc *d, void *p)
{
	if (d->n_owned == d->cap_owned) {
		d->cap_owned = d->cap_owned ? d->cap_owned * 2 : 64;
		d->owned = xreallocarray(d->owned, d->cap_owned, sizeof(*d->owned));
	}
	d->owned[d->n_owned++] = p;
	return p;
}

static const char *keep(struct board_doc *d, const char *s)
{
	return own(d, xstrdup(s ? s : ""));
}

static const char *keep_or_null(struct board_doc *d, const char *s)
{
	return s && s[0] ? keep(d, s) : NULL;
}

void board_doc_release(struct board_doc *d)
{
	size_t i;
	for (i = 0; i < d->n_owned; i++)
		free(d->owned[i]);
	free(d->owned);
	memset(d, 0, sizeof(*d));
}

struct found_board {
	int64_t org_id;
	char org_name[128];
	char org_path[PATH_MAX_LEN];
	char key[BOARD_KEY_MAX + 1];
	int show_points, show_dues, show_appraisal;
	char *notice;
};

/* The enabled board with key, its org not dissolved; E_NOTFOUND (one message for all cases). */
static int find_board(struct ctx *ctx, const char *key, struct found_board *b)
{
	struct stmt *st;
	int step;
	memset(b, 0, sizeof(*b));
	if (!board_key_ok(key))
		return err_set(&ctx->err, E_NOTFOUND, "key", NULL, NOT_FOUND_MSG);
	st = db_prepare(ctx->db,
			"SELECT o.id, o.name, o.path, b.show_points, b.show_dues, b.show_appraisal, b.notice FROM boards b "
			"JOIN orgs o ON o.id = b.org_id WHERE b.public_key = ? AND b.enabled = 1 AND o.dissolved_on IS NULL",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_text(st, 1, key);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		b->org_id = stmt_int(st, 0);
		stmt_text_copy(st, 1, b->org_name, sizeof(b->org_name));
		stmt_text_copy(st, 2, b->org_path, sizeof(b->org_path));
		b->show_points = (int)stmt_int(st, 3);
		b->show_dues = (int)stmt_int(st, 4);
		b->show_appraisal = (int)stmt_int(st, 5);
		b->notice = xstrdup(stmt_text(st, 6) ? stmt_text(st, 6) : "");
		strlcpy_z(b->key, key, sizeof(b->key));
	}
	stmt_reset(st);
	if (step == STEP_DONE)
		return err_set(&ctx->err, E_NOTFOUND, "key", NULL, NOT_FOUND_MSG);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

/* A ctx acting as an administrator of exactly the board's branch, for the modules'
 * own readers (rankings, public promises); errors are copied back. */
static void branch_ctx(const struct ctx *ctx, const struct found_board *b, struct ctx *sub)
{
	*sub = *ctx;
	memset(&sub->actor, 0, sizeof(sub->actor));
	strlcpy_z(sub->actor.username, "board", sizeof(sub->actor.username));
	sub->actor.role = ROLE_ORG_ADMIN;
	sub->actor.org_id = b->org_id;
	strlcpy_z(sub->actor.org_path, b->org_path, sizeof(sub->actor.org_path));
	err_clear(&sub->err);
}

struct id_slot {
	int64_t id;
	size_t idx;
};

static int slot_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct id_slot *)a)->id, y = ((const struct id_slot *)b)->id;
	return x < y ? -1 : x > y;
}

static int load_members(struct ctx *ctx, const struct found_board *b, int with_photos, struct board_doc *d)
{
	struct stmt *st;
	struct id_slot *slots = NULL;
	char (*dues_from)[8] = NULL, (*sha)[65] = NULL;
	char from[8], to[8];
	int step, rc = 0;
	size_t i;
	int cur = d->year * 12 + d->month - 1;

	st = db_prepare(ctx->db,
			"SELECT m.id, m.name, m.dues_from, p.sha256, p.mime FROM members m LEFT JOIN member_photos p ON "
			"p.member_id = m.id WHERE m.org_id = ? AND m.state IN ('active', 'transferring') ORDER BY m.join_date, m.id",
			&ctx->err);
	if (!st)
		return E_DB;
	/* at most BOARD_MAX_MEMBERS rows are shown: room for all of them at once */
	d->members = own(d, xcalloc(BOARD_MAX_MEMBERS, sizeof(*d->members)));
	dues_from = xcalloc(BOARD_MAX_MEMBERS, sizeof(*dues_from));
	sha = xcalloc(BOARD_MAX_MEMBERS, sizeof(*sha));
	stmt_bind_int(st, 1, b->org_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct board_member *m;
		if (d->n_members == BOARD_MAX_MEMBERS)
			continue;
		m = &d->members[d->n_members];
		m->id = stmt_int(st, 0);
		m->name = keep(d, stmt_text(st, 1));
		stmt_text_copy(st, 2, dues_from[d->n_members], sizeof(dues_from[0]));
		stmt_text_copy(st, 3, sha[d->n_members], sizeof(sha[0]));
		m->has_photo = sha[d->n_members][0] != '\0';
		if (m->has_photo)
			m->photo_mime = keep(d, stmt_text(st, 4));
		d->n_members++;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	/* dues marks: unpaid before the current month from dues_from on, blank otherwise;
	 * then every dues_months row of the year marks its month paid */
	for (i = 0; i < d->n_members; i++) {
		int k;
		for (k = 0; k < BOARD_MONTHS; k++) {
			char ms[8];
			xsnprintf(ms, sizeof(ms), "%04d-%02d", d->year, k + 1);
			d->members[i].dues[k] = d->year * 12 + k < cur && dues_from[i][0] && strcmp(ms, dues_from[i]) >= 0
							? BOARD_DUES_UNPAID
							: BOARD_DUES_BLANK;
		}
	}
	slots = xcalloc(d->n_members ? d->n_members : 1, sizeof(*slots));
	for (i = 0; i < d->n_members; i++) {
		slots[i].id = d->members[i].id;
		slots[i].idx = i;
	}
	qsort(slots, d->n_members, sizeof(*slots), slot_cmp);
	xsnprintf(from, sizeof(from), "%04d-01", d->year);
	xsnprintf(to, sizeof(to), "%04d-12", d->year);
	st = db_prepare(ctx->db,
			"SELECT d.member_id, d.month FROM dues_months d JOIN members m ON m.id = d.member_id WHERE m.org_id = ? "
			"AND d.month >= ? AND d.month <= ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	stmt_bind_int(st, 1, b->org_id);
	stmt_bind_text(st, 2, from);
	stmt_bind_text(st, 3, to);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct id_slot key = { stmt_int(st, 0), 0 }, *hit;
		const char *month = stmt_text(st, 1);
		int mo;
		hit = bsearch(&key, slots, d->n_members, sizeof(*slots), slot_cmp);
		if (!hit || !month || strlen(month) != 7)
			continue;
		mo = (month[5] - '0') * 10 + (month[6] - '0');
		if (mo >= 1 && mo <= 12)
			d->members[hit->idx].dues[mo - 1] = BOARD_DUES_PAID;
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	if (with_photos) {
		size_t total = 0;
		for (i = 0; i < d->n_members; i++) {
			char *data = NULL;
			size_t len = 0;
			if (!d->members[i].has_photo || total >= BOARD_PDF_PHOTO_BYTES)
				continue;
			/* a file gone from the store draws the initial avatar instead */
			if (!board_photo_read(ctx, sha[i], &data, &len)) {
				d->members[i].photo = own(d, data);
				d->members[i].photo_len = len;
				total += len;
			}
			err_clear(&ctx->err);
		}
	}
out:
	free(slots);
	free(dues_from);
	free(sha);
	return rc;
}

static int load_points(struct ctx *ctx, const struct found_board *b, struct board_doc *d)
{
	struct points_settings ps;
	struct ctx sub;
	json_t *j = NULL, *items, *x;
	size_t k;
	int rc;
	if (!b->show_points)
		return 0;
	if ((rc = points_settings_for(ctx, b->org_path, &ps)))
		return rc;
	if (!ps.enabled)
		return 0;
	branch_ctx(ctx, b, &sub);
	if ((rc = points_rankings(&sub, b->org_id, "member", NULL, 1, BOARD_MAX_RANKS, &j))) {
		/* a ranking the points module refuses (no indicator set yet, …) leaves the section out;
		 * only a store failure fails the board */
		if (rc != E_DB)
			return 0;
		ctx->err = sub.err;
		return rc;
	}
	d->has_points = 1;
	if (json_is_string(json_object_get(j, "period")))
		strlcpy_z(d->points_period, json_string_value(json_object_get(j, "period")), sizeof(d->points_period));
	items = json_object_get(j, "items");
	d->ranks = own(d, xcalloc(json_array_size(items) + 1, sizeof(*d->ranks)));
	json_array_foreach(items, k, x) {
		struct board_rank *r = &d->ranks[d->n_ranks++];
		r->rank = (int)json_integer_value(json_object_get(x, "rank"));
		r->name = keep(d, json_string_value(json_object_get(x, "name")));
		r->score_x10 = (int)lround(json_number_value(json_object_get(x, "score")) * 10.0);
	}
	json_decref(j);
	return 0;
}

static int load_appraisal(struct ctx *ctx, const struct found_board *b, struct board_doc *d)
{
	struct stmt *st;
	int64_t id = 0;
	int step, k;
	if (!b->show_appraisal)
		return 0;
	st = db_prepare(ctx->db,
			"SELECT id, year FROM appraisals WHERE org_id = ? AND status = 'closed' ORDER BY year DESC, id DESC "
			"LIMIT 1",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, b->org_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		id = stmt_int(st, 0);
		d->appraisal_year = (int)stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW && step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (!id)
		return 0;
	d->has_appraisal = 1;
	st = db_prepare(ctx->db,
			"SELECT e.category, m.name FROM appraisal_entries e JOIN members m ON m.id = e.member_id WHERE "
			"e.appraisal_id = ? AND e.graded = 1 ORDER BY m.join_date, m.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	d->excellent = own(d, xcalloc(BOARD_MAX_MEMBERS, sizeof(*d->excellent)));
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *cat = stmt_text(st, 0);
		for (k = 0; k < 4; k++)
			if (cat && !strcmp(cat, grade_codes[k]))
				d->grades[k]++;
		d->graded++;
		if (cat && !strcmp(cat, "excellent") && d->n_excellent < BOARD_MAX_MEMBERS)
			d->excellent[d->n_excellent++] = keep(d, stmt_text(st, 1));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int load_plan(struct ctx *ctx, const struct found_board *b, struct board_doc *d)
{
	struct stmt *st;
	char from[11], to[11];
	int step;
	st = db_prepare(ctx->db,
			"SELECT i.month, i.topic FROM meeting_plans p JOIN meeting_plan_items i ON i.plan_id = p.id WHERE "
			"p.org_id = ? AND p.year = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, b->org_id);
	stmt_bind_int(st, 2, d->year);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		int64_t mo = stmt_int(st, 0);
		if (mo >= 1 && mo <= 12) {
			d->plan[mo - 1].topic = keep_or_null(d, stmt_text(st, 1));
			d->has_plan = 1;
		}
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	xsnprintf(from, sizeof(from), "%04d-01-01", d->year);
	xsnprintf(to, sizeof(to), "%04d-12-31", d->year);
	st = db_prepare(ctx->db,
			"SELECT held_on FROM meetings WHERE org_id = ? AND kind = 'theme_day' AND held_on >= ? AND held_on <= ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, b->org_id);
	stmt_bind_text(st, 2, from);
	stmt_bind_text(st, 3, to);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *h = stmt_text(st, 0);
		if (h && strlen(h) >= 7) {
			int mo = (h[5] - '0') * 10 + (h[6] - '0');
			if (mo >= 1 && mo <= 12)
				d->plan[mo - 1].held = 1;
		}
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static const char *type_name(const char *code)
{
	if (!code)
		return "";
	if (!strcmp(code, "innovation"))
		return "基础工作创新型";
	if (!strcmp(code, "demonstration"))
		return "重点工作示范型";
	if (!strcmp(code, "promotion"))
		return "特色工作推广型";
	return code;
}

static int load_projects(struct ctx *ctx, const struct found_board *b, struct board_doc *d)
{
	struct stmt *st;
	int64_t ids[BOARD_MAX_PROJECTS];
	size_t i;
	int step;
	st = db_prepare(ctx->db,
			"SELECT id, name, year, stage, type FROM projects WHERE org_id = ? AND leader_led = 1 ORDER BY year DESC, "
			"id DESC",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, b->org_id);
	d->projects = own(d, xcalloc(BOARD_MAX_PROJECTS, sizeof(*d->projects)));
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct board_project *p;
		if (d->n_projects == BOARD_MAX_PROJECTS)
			continue;
		ids[d->n_projects] = stmt_int(st, 0);
		p = &d->projects[d->n_projects++];
		p->name = keep(d, stmt_text(st, 1));
		p->year = (int)stmt_int(st, 2);
		p->stage_name = keep(d, project_stage_name(project_stage_parse(stmt_text(st, 3))));
		p->type_name = keep(d, type_name(stmt_text(st, 4)));
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	for (i = 0; i < d->n_projects; i++) {
		struct board_project *p = &d->projects[i];
		size_t n = 0, k;
		/* the latest entries, shown oldest first */
		st = db_prepare(ctx->db,
				"SELECT happened_on, action, stage, note FROM project_ledger WHERE project_id = ? ORDER BY id DESC",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, ids[i]);
		p->ledger = own(d, xcalloc(BOARD_MAX_LEDGER, sizeof(*p->ledger)));
		while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
			struct board_ledger_entry *e;
			if (n == BOARD_MAX_LEDGER)
				continue;
			e = &p->ledger[n++];
			e->date = keep(d, stmt_text(st, 0));
			e->action = keep(d, stmt_text(st, 1));
			e->stage_name = keep(d, project_stage_name(project_stage_parse(stmt_text(st, 2))));
			e->note = keep_or_null(d, stmt_text(st, 3));
		}
		stmt_reset(st);
		if (step != STEP_DONE)
			return ctx_db_fail(ctx);
		for (k = 0; k < n / 2; k++) {
			struct board_ledger_entry t = p->ledger[k];
			p->ledger[k] = p->ledger[n - 1 - k];
			p->ledger[n - 1 - k] = t;
		}
		p->n_ledger = n;
	}
	return 0;
}

static const char *str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int load_promises(struct ctx *ctx, const struct found_board *b, struct board_doc *d)
{
	struct ctx sub;
	json_t *items = NULL, *x;
	int64_t total = 0;
	size_t k;
	int rc;
	branch_ctx(ctx, b, &sub);
	if ((rc = commitment_public_list(&sub, b->org_id, d->year, 1, BOARD_MAX_PROMISES, &items, &total))) {
		ctx->err = sub.err;
		return rc;
	}
	d->promises = own(d, xcalloc(json_array_size(items) + 1, sizeof(*d->promises)));
	json_array_foreach(items, k, x) {
		struct board_promise *p = &d->promises[d->n_promises++];
		p->holder = keep(d, str_of(x, "holder_name"));
		p->title = keep(d, str_of(x, "title"));
		p->category = keep(d, str_of(x, "category_name"));
		p->due_on = keep(d, str_of(x, "due_on"));
		p->status = keep(d, str_of(x, "status_name"));
		p->done_on = keep_or_null(d, str_of(x, "done_on"));
	}
	json_decref(items);
	return 0;
}

int board_build(struct ctx *ctx, const char *key, const char *base_url, int with_photos, struct board_doc *d)
{
	struct found_board b;
	int rc;
	memset(d, 0, sizeof(*d));
	if ((rc = find_board(ctx, key, &b)))
		return rc;
	d->org_name = keep(d, b.org_name);
	d->notice = keep(d, b.notice);
	if (base_url && base_url[0]) {
		size_t n = strlen(base_url) + strlen(b.key) + 32;
		char *u = own(d, xmalloc(n));
		xsnprintf(u, n, "%s/#/board?key=%s", base_url, b.key);
		d->url = u;
	} else {
		d->url = keep(d, "");
	}
	d->year = ctx->today.y;
	d->month = ctx->today.m;
	date_format(ctx->today, d->today);
	d->show_dues = b.show_dues;
	d->show_points = b.show_points;
	d->show_appraisal = b.show_appraisal;
	if ((rc = load_members(ctx, &b, with_photos, d)) || (rc = load_points(ctx, &b, d)) ||
	    (rc = load_appraisal(ctx, &b, d)) || (rc = load_plan(ctx, &b, d)) || (rc = load_projects(ctx, &b, d)) ||
	    (rc = load_promises(ctx, &b, d)))
		board_doc_release(d);
	free(b.notice);
	return rc;
}

/* ---- JSON ------------------------------------------------------------------------- */

static const char *const mark_names[] = { NULL, "paid", "unpaid" };

json_t *board_doc_json(const struct board_doc *d)
{
	json_t *j = json_object(), *arr, *x;
	size_t i, k;
	int m;

	json_object_set_new(j, "org", json_pack("{s:s}", "name", d->org_name));
	json_object_set_new(j, "year", json_integer(d->year));
	json_object_set_new(j, "month", json_integer(d->month));
	json_object_set_new(j, "today", json_string(d->today));
	json_object_set_new(j, "notice", json_string(d->notice ? d->notice : ""));
	json_object_set_new(j, "url", json_str_or_null(d->url));
	json_object_set_new(j, "show", json_pack("{s:b, s:b, s:b}", "dues", d->show_dues, "points", d->show_points,
						 "appraisal", d->show_appraisal));
	arr = json_array();
	for (i = 0; i < d->n_members; i++) {
		const struct board_member *bm = &d->members[i];
		x = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)bm->id, "name", bm->name, "photo", bm->has_photo);
		if (d->show_dues) {
			json_t *dues = json_array();
			for (m = 0; m < BOARD_MONTHS; m++)
				json_array_append_new(dues, bm->dues[m] ? json_string(mark_names[bm->dues[m]]) : json_null());
			json_object_set_new(x, "dues", dues);
		}
		json_array_append_new(arr, x);
	}
	json_object_set_new(j, "members", arr);
	if (d->has_points) {
		arr = json_array();
		for (i = 0; i < d->n_ranks; i++)
			json_array_append_new(arr, json_pack("{s:i, s:s, s:f}", "rank", d->ranks[i].rank, "name",
							     d->ranks[i].name, "score", d->ranks[i].score_x10 / 10.0));
		json_object_set_new(j, "points", json_pack("{s:s, s:o}", "period", d->points_period, "items", arr));
	} else {
		json_object_set_new(j, "points", json_null());
	}
	if (d->has_appraisal) {
		arr = json_array();
		for (i = 0; i < d->n_excellent; i++)
			json_array_append_new(arr, json_string(d->excellent[i]));
		json_object_set_new(j, "appraisal",
				    json_pack("{s:i, s:i, s:{s:i, s:i, s:i, s:i}, s:o}", "year", d->appraisal_year, "graded",
					      d->graded, "counts", "excellent", d->grades[0], "qualified", d->grades[1], "basic",
					      d->grades[2], "unqualified", d->grades[3], "excellent", arr));
	} else {
		json_object_set_new(j, "appraisal", json_null());
	}
	arr = json_array();
	for (m = 0; m < BOARD_MONTHS; m++)
		json_array_append_new(arr, json_pack("{s:i, s:o, s:b}", "month", m + 1, "topic",
						     json_str_or_null(d->plan[m].topic), "held", d->plan[m].held));
	json_object_set_new(j, "plan", arr);
	arr = json_array();
	for (i = 0; i < d->n_projects; i++) {
		const struct board_project *p = &d->projects[i];
		json_t *ledger = json_array();
		for (k = 0; k < p->n_ledger; k++)
			json_array_append_new(ledger, json_pack("{s:s, s:s, s:s, s:o}", "date", p->ledger[k].date, "action",
								p->ledger[k].action, "stage_name", p->ledger[k].stage_name,
								"note", json_str_or_null(p->ledger[k].note)));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:o}", "name", p->name, "type_name", p->type_name,
						     "stage_name", p->stage_name, "year", p->year, "ledger", ledger));
	}
	json_object_set_new(j, "projects", arr);
	arr = json_array();
	for (i = 0; i < d->n_promises; i++) {
		const struct board_promise *p = &d->promises[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "holder_name", p->holder, "title",
						     p->title, "category_name", p->category, "due_on", p->due_on,
						     "status_name", p->status, "done_on", json_str_or_null(p->done_on)));
	}
	json_object_set_new(j, "commitments", arr);
	return j;
}

int board_public_json(struct ctx *ctx, const char *key, const char *base_url, json_t **out)
{
	struct board_doc d;
	int rc;
	*out = NULL;
	if ((rc = board_build(ctx, key, base_url, 0, &d)))
		return rc;
	*out = board_doc_json(&d);
	board_doc_release(&d);
	return 0;
}

int board_public_pdf(struct ctx *ctx, const char *key, const char *base_url, char **out, size_t *len)
{
	struct board_doc d;
	int rc;
	*out = NULL;
	*len = 0;
	if ((rc = board_build(ctx, key, base_url, 1, &d)))
		return rc;
	rc = pdf_board_render(&d, out, len, &ctx->err);
	board_doc_release(&d);
	return rc;
}
