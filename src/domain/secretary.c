/*
 * 第一书记 dispatches (see secretary.h). The one-at-a-time rule per village is checked
 * inside the write transaction after taking the village org's row lock (a no-op UPDATE:
 * on PostgreSQL it serializes two dispatches to the same village; SQLite's write
 * transaction is exclusive anyway), so two overlapping terms cannot both pass.
 */
#include "domain/secretary.h"
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/body.h"
#include "domain/field.h"
#include "domain/listq.h"
#include "domain/org.h"
#include "domain/sv_common.h"
#include "util/json_util.h"
#include "util/named.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "第一书记记录不存在或不在您的管理范围内"
#define NAME_CHARS 50
#define UNIT_CHARS 100
#define NOTE_CHARS 2000
#define DUTY_TEXT_CHARS 2000

static const struct named levels[] = {
	{ "province", "省级" },
	{ "city", "市级" },
	{ "county", "县级" },
};

/* 五项职责 and 一个目标 */
static const struct named duties[] = {
	{ "organization", "建强基层组织" },
	{ "economy", "推动经济发展" },
	{ "service", "为民办事服务" },
	{ "governance", "提升治理水平" },
	{ "civility", "加强精神文明" },
	{ "goal", "一个目标" },
};

const char *secretary_level_name(const char *code)
{
	return named_name_of(levels, NAMED_COUNT(levels), code);
}

struct sec {
	int64_t id, org_id, member_id, version;
	char org_path[PATH_MAX_LEN], org_name[128];
	char name[NAME_CHARS * 4 + 1], member_name[96], level[16], unit[UNIT_CHARS * 4 + 1];
	char term_start[11], term_end[11];
	char *note;    /* owned; NULL = none */
	json_t *team;  /* owned array of {name, role} */
};

static void sec_release(struct sec *s)
{
	free(s->note);
	json_decref(s->team);
	s->note = NULL;
	s->team = NULL;
}

static int require_admin(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_ORG_ADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "secretary.role", "只有乡镇或县级组织部门管理员可以选派第一书记");
	return 0;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "secretary.role", "只有支部书记或管理员可以查看第一书记台账");
	return 0;
}

/* ---- reading --------------------------------------------------------------------- */

#define SEC_COLS                                                                                          \
	"s.id, s.org_id, o.path, o.name, s.name, s.member_id, s.level, s.unit, s.term_start, s.term_end, s.note, " \
	"s.version, m.name"
#define SEC_FROM " FROM first_secretaries s JOIN orgs o ON o.id = s.org_id LEFT JOIN members m ON m.id = s.member_id "

static void read_sec(struct stmt *st, struct sec *s)
{
	memset(s, 0, sizeof(*s));
	s->id = stmt_int(st, 0);
	s->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, s->org_path, sizeof(s->org_path));
	stmt_text_copy(st, 3, s->org_name, sizeof(s->org_name));
	stmt_text_copy(st, 4, s->name, sizeof(s->name));
	s->member_id = stmt_is_null(st, 5) ? 0 : stmt_int(st, 5);
	stmt_text_copy(st, 6, s->level, sizeof(s->level));
	stmt_text_copy(st, 7, s->unit, sizeof(s->unit));
	stmt_text_copy(st, 8, s->term_start, sizeof(s->term_start));
	stmt_text_copy(st, 9, s->term_end, sizeof(s->term_end));
	if (stmt_text(st, 10))
		s->note = xstrdup(stmt_text(st, 10));
	s->version = stmt_int(st, 11);
	stmt_text_copy(st, 12, s->member_name, sizeof(s->member_name));
}

static int load_team(struct ctx *ctx, struct sec *s)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT name, role FROM first_secretary_team WHERE secretary_id = ? ORDER BY seq",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	json_decref(s->team);
	s->team = json_array();
	stmt_bind_int(st, 1, s->id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW)
		json_array_append_new(s->team, json_pack("{s:s, s:o}", "name", stmt_text(st, 0) ? stmt_text(st, 0) : "", "role",
							 json_str_or_null(stmt_text(st, 1))));
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int load_sec(struct ctx *ctx, int64_t id, struct sec *s)
{
	struct stmt *row;
	int rc;
	memset(s, 0, sizeof(*s));
	if ((rc = listq_row_by_id(ctx, "SELECT " SEC_COLS SEC_FROM "WHERE s.id = ?", id, &row)))
		return rc;
	if (row) {
		read_sec(row, s);
		stmt_reset(row);
	}
	if (!row || !ctx_path_in_scope(ctx, s->org_path)) {
		sec_release(s);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return load_team(ctx, s);
}

/* the term's last day that has happened: min(term_end, today) */
static void term_until(const struct ctx *ctx, const struct sec *s, char out[11])
{
	char today[11];
	date_format(ctx->today, today);
	strlcpy_z(out, strcmp(s->term_end, today) < 0 ? s->term_end : today, 11);
}

static int attendance_of(struct ctx *ctx, const struct sec *s, int64_t *held, int64_t *present)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT count(*), COALESCE(sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), 0) "
				     "FROM meetings mt LEFT JOIN meeting_attendance a ON a.meeting_id = mt.id AND a.member_id = ? "
				     "WHERE mt.org_id = ? AND mt.held_on >= ? AND mt.held_on <= ?",
				     &ctx->err);
	char until[11];
	int step;
	*held = *present = 0;
	if (!st)
		return E_DB;
	term_until(ctx, s, until);
	stmt_bind_int(st, 1, s->member_id); /* 0 matches no one: a dispatch without a member record */
	stmt_bind_int(st, 2, s->org_id);
	stmt_bind_text(st, 3, s->term_start);
	stmt_bind_text(st, 4, until);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		*held = stmt_int(st, 0);
		*present = stmt_int(st, 1);
	}
	stmt_reset(st);
	return step == STEP_ROW ? 0 : ctx_db_fail(ctx);
}

static int active_on_today(const struct ctx *ctx, const struct sec *s)
{
	char today[11];
	date_format(ctx->today, today);
	return strcmp(s->term_start, today) <= 0 && strcmp(s->term_end, today) >= 0;
}

/* "张三（组长）" per member, for lists and exports */
static json_t *team_names_json(json_t *team)
{
	json_t *names = json_array(), *t;
	size_t i;
	json_array_foreach(team, i, t) {
		const char *role = json_string_value(json_object_get(t, "role"));
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s%s%s%s", json_string_value(json_object_get(t, "name")), role ? "（" : "", role ? role : "",
			    role ? "）" : "");
		json_array_append_new(names, json_string(sb.buf ? sb.buf : ""));
		strbuf_release(&sb);
	}
	return names;
}

static json_t *sec_head_json(const struct ctx *ctx, const struct sec *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(s->id));
	json_object_set_new(j, "org_id", json_integer(s->org_id));
	json_object_set_new(j, "org_name", json_string(s->org_name));
	json_object_set_new(j, "name", json_string(s->name));
	json_object_set_new(j, "member_id", s->member_id ? json_integer(s->member_id) : json_null());
	json_object_set_new(j, "level", json_string(s->level));
	json_object_set_new(j, "level_name", json_str_or_null(secretary_level_name(s->level)));
	json_object_set_new(j, "unit", json_string(s->unit));
	json_object_set_new(j, "term_start", json_string(s->term_start));
	json_object_set_new(j, "term_end", json_string(s->term_end));
	json_object_set_new(j, "active", json_boolean(active_on_today(ctx, s)));
	json_object_set_new(j, "note", json_str_or_null(s->note));
	json_object_set_new(j, "version", json_integer(s->version));
	json_object_set_new(j, "team", s->team ? json_incref(s->team) : json_array());
	json_object_set_new(j, "team_names", team_names_json(s->team));
	return j;
}

/* the year's duties as {year: {duty: {plan, result}}} over every year recorded */
static int duties_json(struct ctx *ctx, int64_t id, json_t *out)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT year, duty, plan, result, updated_at FROM first_secretary_duties WHERE "
				     "secretary_id = ? ORDER BY year DESC, duty",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		const char *duty = stmt_text(st, 1) ? stmt_text(st, 1) : "";
		json_array_append_new(out, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}", "year", (json_int_t)stmt_int(st, 0),
						     "duty", duty, "duty_name", json_str_or_null(named_name_of(duties, NAMED_COUNT(duties), duty)),
						     "plan", json_str_or_null(stmt_text(st, 2)), "result", json_str_or_null(stmt_text(st, 3)),
						     "updated_at", json_str_or_null(stmt_text(st, 4))));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int workdays_json(struct ctx *ctx, int64_t id, json_t *out, int64_t *total)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT month, days, note FROM first_secretary_workdays WHERE secretary_id = ? ORDER BY month DESC",
				     &ctx->err);
	int step;
	*total = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		*total += stmt_int(st, 1);
		json_array_append_new(out, json_pack("{s:s, s:I, s:o}", "month", stmt_text(st, 0) ? stmt_text(st, 0) : "",
						     "days", (json_int_t)stmt_int(st, 1), "note", json_str_or_null(stmt_text(st, 2))));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

static int funds_json(struct ctx *ctx, int64_t id, json_t *out, int64_t *total)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT id, title, amount_fen, funded_on, source FROM first_secretary_funds WHERE "
				     "secretary_id = ? ORDER BY funded_on DESC, id DESC",
				     &ctx->err);
	int step;
	*total = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		*total += stmt_int(st, 2);
		json_array_append_new(out, json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)stmt_int(st, 0), "title",
						     stmt_text(st, 1) ? stmt_text(st, 1) : "", "amount_fen",
						     (json_int_t)stmt_int(st, 2), "funded_on", stmt_text(st, 3) ? stmt_text(st, 3) : "",
						     "source", json_str_or_null(stmt_text(st, 4))));
	}
	stmt_reset(st);
	return step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}

int secretary_attendance(struct ctx *ctx, int64_t id, int64_t *held, int64_t *present)
{
	struct sec s;
	int rc;
	*held = *present = 0;
	if ((rc = require_officer(ctx)) || (rc = load_sec(ctx, id, &s)))
		return rc;
	rc = attendance_of(ctx, &s, held, present);
	sec_release(&s);
	return rc;
}

int secretary_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct sec s;
	json_t *j = NULL, *dut = json_array(), *wd = json_array(), *fu = json_array();
	int64_t held = 0, present = 0, days = 0, fen = 0;
	int rc;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	if ((rc = require_officer(ctx)) || (rc = load_sec(ctx, id, &s)) || (rc = attendance_of(ctx, &s, &held, &present)) ||
	    (rc = duties_json(ctx, id, dut)) || (rc = workdays_json(ctx, id, wd, &days)) || (rc = funds_json(ctx, id, fu, &fen)))
		goto out;
	j = sec_head_json(ctx, &s);
	json_object_set_new(j, "member_name", s.member_name[0] ? json_string(s.member_name) : json_null());
	json_object_set_new(j, "attendance", json_pack("{s:I, s:I}", "meetings", (json_int_t)held, "present", (json_int_t)present));
	json_object_set_new(j, "duties", dut);
	json_object_set_new(j, "workdays", wd);
	json_object_set_new(j, "workdays_total", json_integer(days));
	json_object_set_new(j, "funds", fu);
	json_object_set_new(j, "funds_total_fen", json_integer(fen));
	dut = wd = fu = NULL;
	*out = j;
out:
	json_decref(dut);
	json_decref(wd);
	json_decref(fu);
	sec_release(&s);
	return rc;
}

static json_t *sec_row(struct ctx *ctx, struct stmt *st, void *arg)
{
	struct sec s;
	json_t *j;
	(void)arg;
	read_sec(st, &s);
	j = sec_head_json(ctx, &s);
	json_object_set_new(j, "meetings", json_integer(stmt_int(st, 13)));
	json_object_set_new(j, "meetings_present", json_integer(stmt_int(st, 14)));
	json_object_set_new(j, "workdays_total", json_integer(stmt_int(st, 15)));
	json_object_set_new(j, "funds_total_fen", json_integer(stmt_int(st, 16)));
	sec_release(&s);
	return j;
}

/* the teams of a page's rows, once the list statement is done */
static int attach_teams(struct ctx *ctx, json_t *rows)
{
	struct sec s;
	json_t *j;
	size_t i;
	int rc = 0;
	json_array_foreach(rows, i, j) {
		memset(&s, 0, sizeof(s));
		s.id = json_integer_value(json_object_get(j, "id"));
		if (!(rc = load_team(ctx, &s))) {
			json_object_set(j, "team", s.team);
			json_object_set_new(j, "team_names", team_names_json(s.team));
		}
		sec_release(&s);
		if (rc)
			break;
	}
	return rc;
}

int secretary_list(struct ctx *ctx, const struct secretary_filter *f, int page, int per_page, json_t **items,
		   int64_t *total)
{
	/* per row of the page: attendance, work days and funds (a few rows each) */
	static const struct listq_sql sql = {
		"SELECT count(*)" SEC_FROM,
		"SELECT " SEC_COLS ", (SELECT count(*) FROM meetings mt WHERE mt.org_id = s.org_id AND mt.held_on >= s.term_start "
		"AND mt.held_on <= CASE WHEN s.term_end < CAST(? AS TEXT) THEN s.term_end ELSE CAST(? AS TEXT) END), "
		"(SELECT count(*) FROM meetings mt JOIN meeting_attendance a ON a.meeting_id = mt.id AND a.member_id = s.member_id "
		"AND a.status = 'present' WHERE mt.org_id = s.org_id AND mt.held_on >= s.term_start "
		"AND mt.held_on <= CASE WHEN s.term_end < CAST(? AS TEXT) THEN s.term_end ELSE CAST(? AS TEXT) END), "
		"(SELECT COALESCE(sum(w.days), 0) FROM first_secretary_workdays w WHERE w.secretary_id = s.id), "
		"(SELECT COALESCE(sum(fu.amount_fen), 0) FROM first_secretary_funds fu WHERE fu.secretary_id = s.id)" SEC_FROM,
		" ORDER BY s.term_end DESC, o.path, s.id",
	};
	struct listq q;
	struct date d;
	char today[11], active[11];
	json_t *arr = NULL;
	int rc, k;

	*items = NULL;
	*total = 0;
	listq_init(&q);
	if ((rc = require_officer(ctx)) || (rc = listq_subtree(ctx, &q, "o.path", f->org_id)))
		goto out;
	if (f->level && f->level[0] && !secretary_level_name(f->level)) {
		rc = err_set(&ctx->err, E_INVALID, "level", "secretary.level", "派出层级须为 province（省级）、city（市级）或 county（县级）");
		goto out;
	}
	listq_filter_text(&q, "s.level = ?", f->level);
	if (f->active_on && f->active_on[0]) {
		if (date_parse(f->active_on, &d)) {
			rc = err_set(&ctx->err, E_INVALID, "active_on", "field.date", "在岗日期不是有效日期（格式 YYYY-MM-DD）");
			goto out;
		}
		date_format(d, active);
		listq_where_text(&q, "s.term_start <= ?", active);
		listq_where_text(&q, "s.term_end >= ?", active);
	}
	date_format(ctx->today, today);
	for (k = 0; k < 4; k++)
		listq_head_text(&q, today);
	listq_filter_contains(&q, "(s.name LIKE ? ESCAPE '\\' OR s.unit LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')", 3,
			      f->q);
	if (!(rc = listq_list(ctx, &q, &sql, page, per_page, sec_row, NULL, &arr, total)) && !(rc = attach_teams(ctx, arr))) {
		*items = arr;
		arr = NULL;
	}
out:
	json_decref(arr);
	listq_release(&q);
	return rc;
}

/* ---- writing --------------------------------------------------------------------- */

static int parse_team(struct ctx *ctx, json_t *v, json_t **out)
{
	size_t i;
	json_t *t, *arr;
	if (!json_is_array(v))
		return err_set(&ctx->err, E_MALFORMED, "team", NULL, "team 必须是数组 [{name, role}]");
	if (json_array_size(v) > SECRETARY_TEAM_MAX)
		return err_set(&ctx->err, E_INVALID, "team", "secretary.team", "帮扶队伍最多 %d 人", SECRETARY_TEAM_MAX);
	arr = json_array();
	json_array_foreach(v, i, t) {
		const char *key, *name = NULL, *role = NULL;
		json_t *x;
		int rc = 0;
		if (!json_is_object(t))
			rc = err_set(&ctx->err, E_MALFORMED, "team", NULL, "team[%zu] 必须是对象 {name, role}", i);
		json_object_foreach(t, key, x) {
			if (!rc && strcmp(key, "name") && strcmp(key, "role"))
				rc = err_set(&ctx->err, E_MALFORMED, "team", NULL, "team[%zu] 含有未知字段 %s", i, key);
		}
		if (!rc)
			rc = field_text(ctx, t, "name", "帮扶队员姓名", 1, NAME_CHARS, 0, &name, NULL);
		if (!rc)
			rc = field_text(ctx, t, "role", "帮扶队员分工", 0, 30, 0, &role, NULL);
		if (rc) {
			strlcpy_z(ctx->err.field, "team", sizeof(ctx->err.field));
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, json_pack("{s:s, s:o}", "name", name, "role", json_str_or_null(role)));
	}
	*out = arr;
	return 0;
}

/* Applies the body's fields onto s (a new record when creating); checks the whole. */
static int apply_body(struct ctx *ctx, json_t *body, struct sec *s, int creating)
{
	const char *txt;
	json_t *v;
	struct org o;
	int64_t n;
	int rc, present;

	if ((v = json_object_get(body, "org_id")) || creating) {
		if ((rc = body_int_required(ctx, body, "org_id", "驻村党支部", &n)) || (rc = org_require_in_scope(ctx, n, &o, "org_id")))
			return rc;
		if (!org_kind_is_branch(o.kind) && strcmp(o.kind, "general_branch"))
			return err_set(&ctx->err, E_RULE, "org_id", "secretary.org_kind", "第一书记派驻到村党组织，“%s”不是党支部或党总支",
				       o.name);
		s->org_id = o.id;
		strlcpy_z(s->org_path, o.path, sizeof(s->org_path));
		strlcpy_z(s->org_name, o.name, sizeof(s->org_name));
	}
	if ((v = json_object_get(body, "member_id"))) {
		if (json_is_null(v)) {
			s->member_id = 0;
			s->member_name[0] = 0;
		} else if (!json_is_integer(v)) {
			return err_set(&ctx->err, E_MALFORMED, "member_id", NULL, "字段 member_id 必须是整数");
		} else {
			if ((rc = sv_member_in_scope(ctx, json_integer_value(v), "member_id", s->member_name, sizeof(s->member_name))))
				return rc;
			s->member_id = json_integer_value(v);
		}
	}
	if ((rc = field_text(ctx, body, "name", "第一书记姓名", 0, NAME_CHARS, 0, &txt, &present)))
		return rc;
	if (txt)
		strlcpy_z(s->name, txt, sizeof(s->name));
	else if (present || (s->member_id && json_object_get(body, "member_id")))
		s->name[0] = 0; /* cleared, or another member chosen without a name: the record's name below */
	if (!s->name[0] && s->member_name[0]) /* a member's dispatch: the name comes with the record */
		strlcpy_z(s->name, s->member_name, sizeof(s->name));
	if (!s->name[0])
		return err_set(&ctx->err, E_INVALID, "name", "field.required", "第一书记姓名不能为空");
	if ((rc = field_text(ctx, body, "level", "派出层级", creating, 16, 0, &txt, NULL)))
		return rc;
	if (txt) {
		if (!secretary_level_name(txt))
			return err_set(&ctx->err, E_INVALID, "level", "secretary.level",
				       "派出层级须为 province（省级）、city（市级）或 county（县级）");
		strlcpy_z(s->level, txt, sizeof(s->level));
	}
	if ((rc = field_text(ctx, body, "unit", "派出单位", creating, UNIT_CHARS, 0, &txt, &present)))
		return rc;
	if (present && !txt)
		return err_set(&ctx->err, E_INVALID, "unit", "field.required", "派出单位不能为空");
	if (txt)
		strlcpy_z(s->unit, txt, sizeof(s->unit));
	if ((rc = sv_date(ctx, body, "term_start", "任期开始", creating, s->term_start, NULL)) ||
	    (rc = sv_date(ctx, body, "term_end", "任期结束", creating, s->term_end, NULL)))
		return rc;
	if (strcmp(s->term_end, s->term_start) < 0)
		return err_set(&ctx->err, E_INVALID, "term_end", "secretary.term", "任期结束日期不能早于开始日期");
	if ((v = json_object_get(body, "team"))) {
		json_t *team = NULL;
		if (!json_is_null(v) && (rc = parse_team(ctx, v, &team)))
			return rc;
		json_decref(s->team);
		s->team = team ? team : json_array();
	}
	if ((rc = field_text(ctx, body, "note", "备注", 0, NOTE_CHARS, 1, &txt, &present)))
		return rc;
	if (present) {
		free(s->note);
		s->note = txt ? xstrdup(txt) : NULL;
	}
	return 0;
}

/* Under the village's row lock: no other dispatch to it overlaps [term_start, term_end]. */
static int check_overlap(struct ctx *ctx, const struct sec *s)
{
	struct stmt *st = db_prepare(ctx->db, "UPDATE orgs SET direct_members = direct_members WHERE id = ?", &ctx->err);
	int rc, step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->org_id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	st = db_prepare(ctx->db,
			"SELECT name, term_start, term_end FROM first_secretaries WHERE org_id = ? AND id <> ? AND "
			"term_start <= ? AND term_end >= ? ORDER BY term_start LIMIT 1",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->org_id);
	stmt_bind_int(st, 2, s->id);
	stmt_bind_text(st, 3, s->term_end);
	stmt_bind_text(st, 4, s->term_start);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		rc = err_set(&ctx->err, E_CONFLICT, "term_start", "secretary.overlap",
			     "%s已有第一书记%s（任期 %s 至 %s），同一村的任期不能重叠", s->org_name,
			     stmt_text(st, 0) ? stmt_text(st, 0) : "", stmt_text(st, 1) ? stmt_text(st, 1) : "",
			     stmt_text(st, 2) ? stmt_text(st, 2) : "");
	else if (step != STEP_DONE)
		rc = ctx_db_fail(ctx);
	stmt_reset(st);
	return rc;
}

static int write_team(struct ctx *ctx, const struct sec *s)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM first_secretary_team WHERE secretary_id = ?", &ctx->err);
	size_t i;
	json_t *t;
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, s->id);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	json_array_foreach(s->team, i, t) {
		st = db_prepare(ctx->db, "INSERT INTO first_secretary_team (secretary_id, seq, name, role) VALUES (?, ?, ?, ?)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, s->id);
		stmt_bind_int(st, 2, (int64_t)i + 1);
		stmt_bind_text(st, 3, json_string_value(json_object_get(t, "name")));
		stmt_bind_text(st, 4, json_string_value(json_object_get(t, "role")));
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

static void bind_fields(struct ctx *ctx, struct stmt *st, const struct sec *s)
{
	stmt_bind_int(st, 1, s->org_id);
	stmt_bind_text(st, 2, s->name);
	if (s->member_id)
		stmt_bind_int(st, 3, s->member_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, s->level);
	stmt_bind_text(st, 5, s->unit);
	stmt_bind_text(st, 6, s->term_start);
	stmt_bind_text(st, 7, s->term_end);
	stmt_bind_text(st, 8, s->note);
	stmt_bind_text(st, 9, ctx->now_iso);
}

int secretary_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	struct sec s;
	struct stmt *st;
	json_t *ja = NULL;
	int rc, step;

	memset(&s, 0, sizeof(s));
	*id = 0;
	s.team = json_array();
	if ((rc = require_admin(ctx)) || (rc = apply_body(ctx, body, &s, 1)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = check_overlap(ctx, &s)))
		goto rollback;
	st = db_prepare(ctx->db,
			"INSERT INTO first_secretaries (org_id, name, member_id, level, unit, term_start, term_end, note, "
			"created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	bind_fields(ctx, st, &s);
	stmt_bind_text(st, 10, ctx->now_iso);
	if (ctx->actor.user_id)
		stmt_bind_int(st, 11, ctx->actor.user_id);
	else
		stmt_bind_null(st, 11);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		s.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	s.version = 1;
	ja = sec_head_json(ctx, &s);
	if ((rc = write_team(ctx, &s)) || (rc = audit_append(ctx, "create", "first_secretary", s.id, NULL, ja)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	*id = s.id;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(ja);
	sec_release(&s);
	return rc;
}

int secretary_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct sec cur, next;
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	memset(&next, 0, sizeof(next));
	if ((rc = require_admin(ctx)) || (rc = load_sec(ctx, id, &cur)))
		goto out;
	if ((rc = field_version_current(ctx, body, cur.version, "第一书记记录")))
		goto out;
	next = cur;
	next.note = cur.note ? xstrdup(cur.note) : NULL;
	next.team = json_deep_copy(cur.team);
	if ((rc = apply_body(ctx, body, &next, 0)))
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = check_overlap(ctx, &next)))
		goto rollback;
	st = db_prepare(ctx->db,
			"UPDATE first_secretaries SET org_id = ?, name = ?, member_id = ?, level = ?, unit = ?, term_start = ?, "
			"term_end = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	bind_fields(ctx, st, &next);
	stmt_bind_int(st, 10, id);
	stmt_bind_int(st, 11, cur.version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该第一书记记录已被他人修改，请刷新后重试");
		goto rollback;
	}
	next.version++;
	jb = sec_head_json(ctx, &cur);
	ja = sec_head_json(ctx, &next);
	if ((json_object_get(body, "team") && (rc = write_team(ctx, &next))) ||
	    (rc = audit_append(ctx, "update", "first_secretary", id, jb, ja)) || (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	json_decref(ja);
	sec_release(&cur);
	sec_release(&next);
	return rc;
}

/* Sub-records: the officer must reach the dispatch; one audited transaction each. */
static int sub_begin(struct ctx *ctx, int64_t id, struct sec *s)
{
	int rc;
	if ((rc = require_officer(ctx)) || (rc = load_sec(ctx, id, s)))
		return rc;
	return 0;
}

static int sub_finish(struct ctx *ctx, const char *action, int64_t id, json_t *detail, int rc)
{
	if (!rc)
		rc = audit_append(ctx, action, "first_secretary", id, NULL, detail);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	if (rc)
		db_rollback(ctx->db);
	json_decref(detail);
	return rc;
}

static int upsert_duty(struct ctx *ctx, int64_t id, int64_t year, const char *duty, const char *plan, const char *result)
{
	struct stmt *st = db_prepare(ctx->db, "DELETE FROM first_secretary_duties WHERE secretary_id = ? AND year = ? AND duty = ?",
				     &ctx->err);
	int rc;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	stmt_bind_text(st, 3, duty);
	if ((rc = stmt_run(st, &ctx->err)))
		return rc;
	if (!plan && !result)
		return 0;
	st = db_prepare(ctx->db,
			"INSERT INTO first_secretary_duties (secretary_id, year, duty, plan, result, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, year);
	stmt_bind_text(st, 3, duty);
	stmt_bind_text(st, 4, plan);
	stmt_bind_text(st, 5, result);
	stmt_bind_text(st, 6, ctx->now_iso);
	return stmt_run(st, &ctx->err);
}

int secretary_set_duties(struct ctx *ctx, int64_t id, json_t *body)
{
	struct sec s;
	json_t *items, *it;
	int64_t year;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = sub_begin(ctx, id, &s)) || (rc = body_int_required(ctx, body, "year", "年度", &year)))
		goto out;
	if (year < strtol(s.term_start, NULL, 10) || year > strtol(s.term_end, NULL, 10)) {
		rc = err_set(&ctx->err, E_INVALID, "year", "secretary.year", "年度须在任期内（%.4s 至 %.4s 年）", s.term_start,
			     s.term_end);
		goto out;
	}
	items = json_object_get(body, "items");
	if (!json_is_array(items)) {
		rc = err_set(&ctx->err, items ? E_MALFORMED : E_INVALID, "items", items ? NULL : "field.required",
			     "items 必须是数组 [{duty, plan, result}]");
		goto out;
	}
	/* every item is checked before anything is written */
	json_array_foreach(items, i, it) {
		const char *duty = json_string_value(json_object_get(it, "duty")), *p, *r, *key;
		json_t *x;
		if (!json_is_object(it)) {
			rc = err_set(&ctx->err, E_MALFORMED, "items", NULL, "items[%zu] 必须是对象", i);
			goto out;
		}
		json_object_foreach(it, key, x) {
			if (strcmp(key, "duty") && strcmp(key, "plan") && strcmp(key, "result")) {
				rc = err_set(&ctx->err, E_MALFORMED, "items", NULL, "items[%zu] 含有未知字段 %s", i, key);
				goto out;
			}
		}
		if (named_index(duties, NAMED_COUNT(duties), duty) < 0) {
			rc = err_set(&ctx->err, E_INVALID, "items", "secretary.duty",
				     "职责须为 organization、economy、service、governance、civility 或 goal");
			goto out;
		}
		if ((rc = field_text(ctx, it, "plan", "工作计划", 0, DUTY_TEXT_CHARS, 1, &p, NULL)) ||
		    (rc = field_text(ctx, it, "result", "完成情况", 0, DUTY_TEXT_CHARS, 1, &r, NULL)))
			goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	json_array_foreach(items, i, it) {
		const char *p, *r;
		field_text(ctx, it, "plan", "", 0, DUTY_TEXT_CHARS, 1, &p, NULL);
		field_text(ctx, it, "result", "", 0, DUTY_TEXT_CHARS, 1, &r, NULL);
		if ((rc = upsert_duty(ctx, id, year, json_string_value(json_object_get(it, "duty")), p, r)))
			break;
	}
	rc = sub_finish(ctx, "duties", id, json_pack("{s:I, s:O}", "year", (json_int_t)year, "items", items), rc);
out:
	sec_release(&s);
	return rc;
}

int secretary_set_workdays(struct ctx *ctx, int64_t id, json_t *body)
{
	struct sec s;
	struct stmt *st;
	const char *month, *note;
	int64_t days;
	int rc, y = 0, m = 0;
	char tail;

	memset(&s, 0, sizeof(s));
	if ((rc = sub_begin(ctx, id, &s)) || (rc = field_text(ctx, body, "month", "月份", 1, 7, 0, &month, NULL)) ||
	    (rc = body_int_required(ctx, body, "days", "驻村天数", &days)) ||
	    (rc = field_text(ctx, body, "note", "备注", 0, 200, 0, &note, NULL)))
		goto out;
	if (strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12) {
		rc = err_set(&ctx->err, E_INVALID, "month", "field.month", "月份格式须为 YYYY-MM");
		goto out;
	}
	/* the month must touch the term */
	if (strncmp(month, s.term_start, 7) < 0 || strncmp(month, s.term_end, 7) > 0) {
		rc = err_set(&ctx->err, E_INVALID, "month", "secretary.month", "月份须在任期内（%.7s 至 %.7s）", s.term_start,
			     s.term_end);
		goto out;
	}
	if (days < 0 || days > date_days_in_month(y, m)) {
		rc = err_set(&ctx->err, E_INVALID, "days", "secretary.days", "驻村天数须在 0 至 %d 之间", date_days_in_month(y, m));
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "DELETE FROM first_secretary_workdays WHERE secretary_id = ? AND month = ?", &ctx->err);
	if (!st) {
		rc = sub_finish(ctx, "workdays", id, NULL, E_DB);
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, month);
	rc = stmt_run(st, &ctx->err);
	if (!rc && days > 0) {
		st = db_prepare(ctx->db,
				"INSERT INTO first_secretary_workdays (secretary_id, month, days, note, updated_at) VALUES (?, ?, ?, ?, ?)",
				&ctx->err);
		if (!st) {
			rc = E_DB;
		} else {
			stmt_bind_int(st, 1, id);
			stmt_bind_text(st, 2, month);
			stmt_bind_int(st, 3, days);
			stmt_bind_text(st, 4, note);
			stmt_bind_text(st, 5, ctx->now_iso);
			rc = stmt_run(st, &ctx->err);
		}
	}
	rc = sub_finish(ctx, "workdays", id, json_pack("{s:s, s:I}", "month", month, "days", (json_int_t)days), rc);
out:
	sec_release(&s);
	return rc;
}

int secretary_add_fund(struct ctx *ctx, int64_t id, json_t *body, int64_t *fund_id)
{
	struct sec s;
	struct stmt *st;
	const char *title, *source;
	char on[11] = "";
	int64_t fen;
	int rc, step;

	memset(&s, 0, sizeof(s));
	*fund_id = 0;
	if ((rc = sub_begin(ctx, id, &s)) || (rc = field_text(ctx, body, "title", "项目名称", 1, 100, 0, &title, NULL)) ||
	    (rc = body_int_required(ctx, body, "amount_fen", "金额（分）", &fen)) ||
	    (rc = sv_date(ctx, body, "funded_on", "到位日期", 1, on, NULL)) ||
	    (rc = field_text(ctx, body, "source", "资金来源", 0, 100, 0, &source, NULL)))
		goto out;
	if (fen <= 0 || fen > SECRETARY_FUND_MAX_FEN) {
		rc = err_set(&ctx->err, E_INVALID, "amount_fen", "secretary.amount", "金额须为 1 分至 10 亿元之间的整数（单位：分）");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO first_secretary_funds (secretary_id, title, amount_fen, funded_on, source, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			&ctx->err);
	if (!st) {
		rc = sub_finish(ctx, "fund", id, NULL, E_DB);
		goto out;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, title);
	stmt_bind_int(st, 3, fen);
	stmt_bind_text(st, 4, on);
	stmt_bind_text(st, 5, source);
	stmt_bind_text(st, 6, ctx->now_iso);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*fund_id = stmt_int(st, 0);
	stmt_reset(st);
	rc = step == STEP_ROW ? 0 : ctx_db_fail(ctx);
	rc = sub_finish(ctx, "fund", id,
			json_pack("{s:I, s:s, s:I, s:s}", "fund_id", (json_int_t)*fund_id, "title", title, "amount_fen",
				  (json_int_t)fen, "funded_on", on),
			rc);
	if (rc)
		*fund_id = 0;
out:
	sec_release(&s);
	return rc;
}

int secretary_delete_fund(struct ctx *ctx, int64_t id, int64_t fund_id)
{
	struct sec s;
	struct stmt *st;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = sub_begin(ctx, id, &s)) || (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "DELETE FROM first_secretary_funds WHERE id = ? AND secretary_id = ?", &ctx->err);
	if (!st) {
		rc = sub_finish(ctx, "fund_delete", id, NULL, E_DB);
		goto out;
	}
	stmt_bind_int(st, 1, fund_id);
	stmt_bind_int(st, 2, id);
	rc = stmt_run(st, &ctx->err);
	if (!rc && db_changes(ctx->db) != 1)
		rc = err_set(&ctx->err, E_NOTFOUND, "fund_id", NULL, "该项目资金记录不存在");
	rc = sub_finish(ctx, "fund_delete", id, json_pack("{s:I}", "fund_id", (json_int_t)fund_id), rc);
out:
	sec_release(&s);
	return rc;
}
