/*
 * 扫码签到 (checkin.h): the org switch, the rotating code, the member's scan and the
 * secretary's view. A scan writes one meeting_checkins row and sets the member's
 * attendance row to present in one transaction, audited; it never adds a row to the
 * attendance list (the roster was fixed when the meeting was recorded) and never bumps
 * the meeting's version (the secretary's list is the record: a later PATCH of the list
 * wins, and a repeated scan does not undo it).
 */
#include "domain/checkin.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "domain/points.h"
#include "io/pdf_board.h"
#include "util/config.h"
#include "util/json_util.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "该会议未开启扫码签到，或您不在该会议的应到名单中"
#define MEETING_NOT_FOUND_MSG "会议记录不存在或不在您的管理范围内"
#define SHANGHAI_OFFSET (8 * 3600)
#define MAX_OLD_SLOTS 2000 /* how far back a stale code is still told apart from a wrong one */
#define URL_SIZE 512

void checkin_rules_load(const struct ctx *ctx, struct checkin_rules *r)
{
	r->before_minutes = ctx->cfg ? (int)config_int(ctx->cfg, CFG_CHECKIN_BEFORE_MINUTES) : 30;
	r->after_minutes = ctx->cfg ? (int)config_int(ctx->cfg, CFG_CHECKIN_AFTER_MINUTES) : 30;
	r->rotate_seconds = ctx->cfg ? (int)config_int(ctx->cfg, CFG_CHECKIN_ROTATE_SECONDS) : 60;
	if (r->rotate_seconds < 1)
		r->rotate_seconds = 60;
}

static int hhmm(const char *s)
{
	int h, m;
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[3] < '0' ||
	    s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h > 23 || m > 59 ? -1 : h * 60 + m;
}

int checkin_window(const struct checkin_rules *r, const char *held_on, const char *start, const char *end, time_t *from,
		   time_t *to)
{
	struct date d;
	int a = hhmm(start), b = hhmm(end);
	int64_t base;
	if (date_parse(held_on, &d) || a < 0 || b < 0)
		return -1;
	base = date_to_days(d) * 86400 - SHANGHAI_OFFSET;
	*from = (time_t)(base + (int64_t)a * 60 - (int64_t)r->before_minutes * 60);
	*to = (time_t)(base + (int64_t)b * 60 + (int64_t)r->after_minutes * 60);
	return 0;
}

int checkin_token(const char *secret_hex, int64_t meeting_id, int64_t slot, char out[CHECKIN_TOKEN_SIZE])
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	char msg[64], hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
	size_t klen = 0;
	out[0] = '\0';
	if (!secret_hex || strlen(secret_hex) != CHECKIN_SECRET_HEX ||
	    sodium_hex2bin(key, sizeof(key), secret_hex, CHECKIN_SECRET_HEX, NULL, &klen, NULL) || klen != sizeof(key))
		return -1;
	xsnprintf(msg, sizeof(msg), "%" PRId64 ":%" PRId64, meeting_id, slot);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	memcpy(out, hex, CHECKIN_TOKEN_CHARS);
	out[CHECKIN_TOKEN_CHARS] = '\0';
	sodium_memzero(key, sizeof(key));
	return 0;
}

struct checkin_setting {
	int enabled;
	int64_t defined_at;
};

static int setting_row(void *arg, struct stmt *st)
{
	struct checkin_setting *c = arg;
	c->defined_at = stmt_int(st, 0);
	c->enabled = stmt_int(st, 1) != 0;
	return 0;
}

/* the nearest setting on org_path: *enabled, *defined_at (0 = none, off) */
static int setting_lookup(struct ctx *ctx, const char *org_path, int *enabled, int64_t *defined_at)
{
	struct checkin_setting c = { 0, 0 };
	int rc = org_path_nearest(ctx, "SELECT org_id, enabled FROM checkin_settings", org_path, setting_row, &c);
	*enabled = c.enabled;
	*defined_at = c.defined_at;
	return rc;
}

int checkin_enabled_at(struct ctx *ctx, const char *org_path)
{
	int64_t at;
	int on;
	return setting_lookup(ctx, org_path, &on, &at) ? -1 : on;
}

int checkin_require_enabled(struct ctx *ctx, const char *org_path)
{
	int on = checkin_enabled_at(ctx, org_path);
	if (on < 0)
		return ctx->err.code ? ctx->err.code : E_DB;
	if (!on)
		return err_set(&ctx->err, E_CONFLICT, "checkin", "checkin.disabled", "本组织未开启扫码签到");
	return 0;
}

int checkin_meeting_open(struct ctx *ctx, int64_t meeting_id)
{
	unsigned char b[CHECKIN_SECRET_HEX / 2];
	char hex[CHECKIN_SECRET_HEX + 1];
	struct stmt *st;
	int rc;
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
	sodium_memzero(b, sizeof(b));
	st = db_prepare(ctx->db, "INSERT INTO meeting_checkin_keys (meeting_id, secret, created_at) VALUES (?, ?, ?)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, meeting_id);
	stmt_bind_text(st, 2, hex);
	stmt_bind_text(st, 3, ctx->now_iso);
	rc = stmt_run(st, &ctx->err);
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

int checkin_meeting_has(struct ctx *ctx, int64_t meeting_id)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT 1 FROM meeting_checkin_keys WHERE meeting_id = ?", &ctx->err);
	int step;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, meeting_id);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step < 0) {
		ctx_db_fail(ctx);
		return -1;
	}
	return step == STEP_ROW;
}

/* ---- one meeting --------------------------------------------------------------------- */

struct cmeeting {
	int64_t id;
	char org_path[PATH_MAX_LEN];
	char held_on[11], start[6], end[6], kind[32];
	char topic[512];
	char secret[CHECKIN_SECRET_HEX + 1]; /* "" = not a check-in meeting */
};

/* E_NOTFOUND (no message set) when there is no such meeting */
static int load_cmeeting(struct ctx *ctx, int64_t id, struct cmeeting *m)
{
	struct stmt *st;
	int step;
	memset(m, 0, sizeof(*m));
	st = db_prepare(ctx->db,
			"SELECT mt.id, mt.org_path, mt.held_on, mt.start_time, mt.end_time, mt.kind, mt.topic, k.secret "
			"FROM meetings mt LEFT JOIN meeting_checkin_keys k ON k.meeting_id = mt.id WHERE mt.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		m->id = stmt_int(st, 0);
		stmt_text_copy(st, 1, m->org_path, sizeof(m->org_path));
		stmt_text_copy(st, 2, m->held_on, sizeof(m->held_on));
		stmt_text_copy(st, 3, m->start, sizeof(m->start));
		stmt_text_copy(st, 4, m->end, sizeof(m->end));
		stmt_text_copy(st, 5, m->kind, sizeof(m->kind));
		stmt_text_copy(st, 6, m->topic, sizeof(m->topic));
		stmt_text_copy(st, 7, m->secret, sizeof(m->secret));
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	return step == STEP_ROW ? 0 : E_NOTFOUND;
}

static void fmt_local(time_t t, char *out, size_t size)
{
	int64_t secs = (int64_t)t + SHANGHAI_OFFSET;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400;
	xsnprintf(out, size, "%02d:%02d", (int)(rem / 3600), (int)(rem / 60 % 60));
}

/* the token of now's slot; "" when the meeting has no secret */
static void current_token(struct ctx *ctx, const struct cmeeting *m, const struct checkin_rules *r,
			  char out[CHECKIN_TOKEN_SIZE])
{
	if (checkin_token(m->secret, m->id, (int64_t)ctx->now / r->rotate_seconds, out))
		out[0] = '\0';
}

/* the attendance status of member on m ("" = not on the list) */
static int att_status(struct ctx *ctx, int64_t meeting_id, int64_t member_id, char *status, size_t size)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT status FROM meeting_attendance WHERE meeting_id = ? AND member_id = ?",
				     &ctx->err);
	int step;
	status[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, meeting_id);
	stmt_bind_int(st, 2, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, status, size);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

/* the member's earlier scan of the meeting: at ("" = none) */
static int scanned_at(struct ctx *ctx, int64_t meeting_id, int64_t member_id, char *at, size_t size)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT checked_in_at FROM meeting_checkins WHERE meeting_id = ? AND member_id = ?", &ctx->err);
	int step;
	at[0] = '\0';
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, meeting_id);
	stmt_bind_int(st, 2, member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, at, size);
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

static json_t *scan_json(const struct cmeeting *m, int64_t member_id, const char *status, const char *at, int already)
{
	int kind = meeting_kind_parse(m->kind);
	json_t *j = json_object();
	json_object_set_new(j, "meeting_id", json_integer(m->id));
	json_object_set_new(j, "member_id", json_integer(member_id));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "checked_in_at", json_string(at));
	json_object_set_new(j, "already", json_boolean(already));
	json_object_set_new(j, "held_on", json_string(m->held_on));
	json_object_set_new(j, "kind", json_string(m->kind));
	json_object_set_new(j, "kind_name", json_string(kind >= 0 ? meeting_kind_name(kind) : m->kind));
	json_object_set_new(j, "topic", json_str_or_null(m->topic));
	return j;
}

/* 0 when token is the code of the current or the previous slot; else the refusal */
static int check_token(struct ctx *ctx, const struct cmeeting *m, const struct checkin_rules *r, time_t from, time_t to,
		       const char *given)
{
	char tok[CHECKIN_TOKEN_SIZE], norm[CHECKIN_TOKEN_SIZE];
	int64_t slot = (int64_t)ctx->now / r->rotate_seconds, k, kmax;
	size_t i, n = strlen(given);
	if (n != CHECKIN_TOKEN_CHARS)
		return err_set(&ctx->err, E_INVALID, "token", "checkin.code", "签到码不正确，请重新扫描会场的二维码");
	for (i = 0; i < n; i++)
		norm[i] = (char)(given[i] >= 'A' && given[i] <= 'F' ? given[i] - 'A' + 'a' : given[i]);
	norm[n] = '\0';
	for (k = 0; k <= 1; k++)
		if (!checkin_token(m->secret, m->id, slot - k, tok) && sodium_memcmp(tok, norm, CHECKIN_TOKEN_CHARS) == 0)
			return 0;
	/* an older code of this meeting: a forwarded screenshot or a page left open */
	kmax = ((int64_t)to - (int64_t)from) / r->rotate_seconds + 2;
	if (kmax > MAX_OLD_SLOTS)
		kmax = MAX_OLD_SLOTS;
	for (k = 2; k <= kmax; k++)
		if (!checkin_token(m->secret, m->id, slot - k, tok) && sodium_memcmp(tok, norm, CHECKIN_TOKEN_CHARS) == 0)
			return err_set(&ctx->err, E_CONFLICT, "token", "checkin.code_expired",
				       "二维码已过期，请扫描会场上正在显示的二维码");
	return err_set(&ctx->err, E_INVALID, "token", "checkin.code", "签到码不正确，请重新扫描会场的二维码");
}

int checkin_scan(struct ctx *ctx, json_t *body, json_t **out)
{
	struct checkin_rules r;
	struct cmeeting m;
	struct stmt *st;
	json_t *v, *before = NULL, *after = NULL;
	const char *token;
	char status[16], at[32], from_s[8], to_s[8];
	int64_t meeting_id, member_id = ctx->actor.member_id;
	time_t from, to;
	int rc, step;

	*out = NULL;
	v = json_object_get(body, "meeting_id");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "meeting_id", "field.required", "meeting_id 不能为空");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "meeting_id", NULL, "字段 meeting_id 必须是整数");
	meeting_id = json_integer_value(v);
	v = json_object_get(body, "token");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "token", "field.required", "签到码不能为空");
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, "token", NULL, "字段 token 必须是字符串");
	token = json_string_value(v);

	/* who may: a member on the meeting's list; anyone else learns nothing of it */
	if (!member_id || (rc = load_cmeeting(ctx, meeting_id, &m)) == E_NOTFOUND || (!rc && !m.secret[0]))
		return err_set(&ctx->err, E_NOTFOUND, "meeting_id", NULL, NOT_FOUND_MSG);
	if (rc)
		return rc;
	if ((rc = att_status(ctx, m.id, member_id, status, sizeof(status))))
		return rc;
	if (!status[0])
		return err_set(&ctx->err, E_NOTFOUND, "meeting_id", NULL, NOT_FOUND_MSG);
	/* once per member: a repeat (even after the window) changes nothing */
	if ((rc = scanned_at(ctx, m.id, member_id, at, sizeof(at))))
		return rc;
	if (at[0]) {
		*out = scan_json(&m, member_id, status, at, 1);
		return 0;
	}
	if ((rc = checkin_require_enabled(ctx, m.org_path)))
		return rc;
	checkin_rules_load(ctx, &r);
	if (checkin_window(&r, m.held_on, m.start, m.end, &from, &to))
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "会议时间无效");
	if (ctx->now < from || ctx->now > to) {
		fmt_local(from, from_s, sizeof(from_s));
		fmt_local(to, to_s, sizeof(to_s));
		return err_set(&ctx->err, E_CONFLICT, "meeting_id", "checkin.window",
			       "现在不在签到时间内（%s %s–%s，北京时间）", m.held_on, from_s, to_s);
	}
	if ((rc = check_token(ctx, &m, &r, from, to, token)))
		return rc;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"INSERT INTO meeting_checkins (meeting_id, member_id, checked_in_at, prior_status) VALUES (?, ?, ?, ?)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_int(st, 2, member_id);
	stmt_bind_text(st, 3, ctx->now_iso);
	stmt_bind_text(st, 4, status);
	step = stmt_step(st, &ctx->err);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT) {
		/* a second scan at the same moment: the first one counted */
		db_rollback(ctx->db);
		err_clear(&ctx->err);
		if ((rc = scanned_at(ctx, m.id, member_id, at, sizeof(at))) ||
		    (rc = att_status(ctx, m.id, member_id, status, sizeof(status))))
			return rc;
		*out = scan_json(&m, member_id, status, at, 1);
		return 0;
	}
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	st = db_prepare(ctx->db,
			"UPDATE meeting_attendance SET status = 'present', reason = NULL WHERE meeting_id = ? AND member_id = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, m.id);
	stmt_bind_int(st, 2, member_id);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	before = json_pack("{s:I, s:s}", "member_id", (json_int_t)member_id, "status", status);
	after = json_pack("{s:I, s:s, s:s, s:s}", "member_id", (json_int_t)member_id, "status", "present", "via", "checkin",
			  "checked_in_at", ctx->now_iso);
	/* hours and points follow attendance: the meeting's points are synced as after a PATCH */
	if ((rc = audit_append(ctx, "checkin", "meeting", m.id, before, after)) ||
	    (rc = points_sync_meeting(ctx, m.id)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*out = scan_json(&m, member_id, "present", ctx->now_iso, 0);
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

/* ---- the secretary's side ------------------------------------------------------------ */

static int load_in_scope(struct ctx *ctx, int64_t meeting_id, struct cmeeting *m)
{
	int rc = load_cmeeting(ctx, meeting_id, m);
	if (rc == E_NOTFOUND || (!rc && !ctx_path_in_scope(ctx, m->org_path)))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, MEETING_NOT_FOUND_MSG);
	return rc;
}

static void make_url(const char *base_url, int64_t id, const char *token, char *out, size_t size)
{
	xsnprintf(out, size, "%s/#/checkin?m=%" PRId64 "&t=%s", base_url ? base_url : "", id, token);
}

static int checked_in_list(struct ctx *ctx, int64_t meeting_id, json_t *arr)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT c.member_id, m.name, c.checked_in_at FROM meeting_checkins c JOIN members m ON "
				     "m.id = c.member_id WHERE c.meeting_id = ? ORDER BY c.checked_in_at, c.member_id",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, meeting_id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "member_id", (json_int_t)stmt_int(st, 0), "name",
						     stmt_text(st, 1) ? stmt_text(st, 1) : "", "checked_in_at",
						     stmt_text(st, 2) ? stmt_text(st, 2) : ""));
	stmt_reset(st);
	return step != STEP_DONE ? ctx_db_fail(ctx) : 0;
}

int checkin_status(struct ctx *ctx, int64_t meeting_id, const char *base_url, json_t **out)
{
	struct checkin_rules r;
	struct cmeeting m;
	struct stmt *st;
	char tok[CHECKIN_TOKEN_SIZE], url[URL_SIZE], iso[21];
	json_t *j = NULL, *list;
	time_t from = 0, to = 0;
	int rc, step, open = 0, org_on;
	int64_t roster = 0, present = 0;

	*out = NULL;
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有支部书记或管理员可以查看签到");
	if ((rc = load_in_scope(ctx, meeting_id, &m)))
		return rc;
	if ((org_on = checkin_enabled_at(ctx, m.org_path)) < 0)
		return ctx->err.code ? ctx->err.code : E_DB;
	checkin_rules_load(ctx, &r);
	st = db_prepare(ctx->db,
			"SELECT count(*), COALESCE(SUM(CASE WHEN status = 'present' THEN 1 ELSE 0 END), 0) FROM meeting_attendance "
			"WHERE meeting_id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m.id);
	if ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		roster = stmt_int(st, 0);
		present = stmt_int(st, 1);
	}
	stmt_reset(st);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);

	j = json_object();
	json_object_set_new(j, "meeting_id", json_integer(m.id));
	json_object_set_new(j, "enabled", json_boolean(m.secret[0] != '\0'));
	json_object_set_new(j, "org_enabled", json_boolean(org_on));
	if (m.secret[0] && !checkin_window(&r, m.held_on, m.start, m.end, &from, &to)) {
		open = org_on && ctx->now >= from && ctx->now <= to;
		time_iso_utc(from, iso);
		json_object_set_new(j, "window_from", json_string(iso));
		time_iso_utc(to, iso);
		json_object_set_new(j, "window_to", json_string(iso));
	} else {
		json_object_set_new(j, "window_from", json_null());
		json_object_set_new(j, "window_to", json_null());
	}
	json_object_set_new(j, "open", json_boolean(open));
	if (open) {
		current_token(ctx, &m, &r, tok);
		make_url(base_url, m.id, tok, url, sizeof(url));
		json_object_set_new(j, "token", json_string(tok));
		json_object_set_new(j, "url", json_string(url));
		json_object_set_new(j, "expires_in", json_integer(r.rotate_seconds - (int64_t)ctx->now % r.rotate_seconds));
	} else {
		json_object_set_new(j, "token", json_null());
		json_object_set_new(j, "url", json_null());
		json_object_set_new(j, "expires_in", json_null());
	}
	json_object_set_new(j, "rotate_seconds", json_integer(r.rotate_seconds));
	list = json_array();
	json_object_set_new(j, "checked_in", list);
	if ((rc = checked_in_list(ctx, m.id, list))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "roster_count", json_integer(roster));
	json_object_set_new(j, "present_count", json_integer(present));
	*out = j;
	return 0;
}

int checkin_qr_png(struct ctx *ctx, int64_t meeting_id, const char *base_url, char **out, size_t *len)
{
	json_t *j = NULL, *url;
	int rc;
	*out = NULL;
	*len = 0;
	if ((rc = checkin_status(ctx, meeting_id, base_url, &j)))
		return rc;
	url = json_object_get(j, "url");
	if (!json_is_true(json_object_get(j, "enabled")))
		rc = err_set(&ctx->err, E_CONFLICT, NULL, "checkin.disabled", "本次会议未开启扫码签到");
	else if (!json_is_string(url))
		rc = err_set(&ctx->err, E_CONFLICT, NULL, "checkin.window", "现在不在签到时间内");
	else
		rc = qr_png(json_string_value(url), 8, out, len, &ctx->err);
	json_decref(j);
	return rc;
}

/* ---- the org switch ------------------------------------------------------------------- */

/* the row at org: *version 0 when none */
static int own_row(struct ctx *ctx, int64_t org_id, int *enabled, int64_t *version)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT enabled, version FROM checkin_settings WHERE org_id = ?", &ctx->err);
	int step;
	*enabled = 0;
	*version = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, org_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*enabled = stmt_int(st, 0) != 0;
		*version = stmt_int(st, 1);
	}
	stmt_reset(st);
	return step < 0 ? ctx_db_fail(ctx) : 0;
}

int checkin_setting_get(struct ctx *ctx, int64_t org_id, json_t **out)
{
	struct org o;
	int64_t at, version;
	int on, own, rc;
	*out = NULL;
	if ((rc = org_scope_root(ctx, org_id, &o)) || (rc = setting_lookup(ctx, o.path, &on, &at)) ||
	    (rc = own_row(ctx, o.id, &own, &version)))
		return rc;
	*out = json_pack("{s:I, s:b, s:o, s:I}", "org_id", (json_int_t)o.id, "enabled", on, "defined_at",
			 at ? json_integer(at) : json_null(), "version", (json_int_t)version);
	return 0;
}

int checkin_setting_put(struct ctx *ctx, int64_t org_id, json_t *body)
{
	struct org o;
	struct stmt *st;
	json_t *v, *before = NULL, *after = NULL;
	int64_t current, given;
	int enabled, old, rc;

	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "checkin.role", "只有支部书记或管理员可以设置扫码签到");
	if ((rc = org_scope_root(ctx, org_id, &o)))
		return rc;
	v = json_object_get(body, "enabled");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "enabled", "field.required", "enabled 不能为空");
	if (!json_is_boolean(v))
		return err_set(&ctx->err, E_MALFORMED, "enabled", NULL, "字段 enabled 必须是布尔值");
	enabled = json_is_true(v);
	v = json_object_get(body, "version");
	if (!v || json_is_null(v))
		return err_set(&ctx->err, E_INVALID, "version", "field.required", "须提供设置的 version（尚未设置时为 0）");
	if (!json_is_integer(v))
		return err_set(&ctx->err, E_MALFORMED, "version", NULL, "字段 version 必须是整数");
	given = json_integer_value(v);
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	if ((rc = own_row(ctx, o.id, &old, &current)))
		goto rollback;
	if (current != given) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "扫码签到设置已被他人修改，请刷新后重试");
		goto rollback;
	}
	st = db_prepare(ctx->db,
			current ? "UPDATE checkin_settings SET enabled = ?, updated_at = ?, version = version + 1 WHERE org_id = ? "
				  "AND version = ?"
				: "INSERT INTO checkin_settings (enabled, updated_at, org_id, version) VALUES (?, ?, ?, 1)",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	stmt_bind_int(st, 1, enabled);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_int(st, 3, o.id);
	if (current)
		stmt_bind_int(st, 4, current);
	if (stmt_step(st, &ctx->err) != STEP_DONE || db_changes(ctx->db) != 1) {
		stmt_reset(st);
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "扫码签到设置已被他人修改，请刷新后重试");
		goto rollback;
	}
	stmt_reset(st);
	if (current)
		before = json_pack("{s:b, s:I}", "enabled", old, "version", (json_int_t)current);
	after = json_pack("{s:b, s:I}", "enabled", enabled, "version", (json_int_t)(current + 1));
	if ((rc = audit_append(ctx, current ? "update" : "create", "checkin_settings", o.id, before, after)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}
