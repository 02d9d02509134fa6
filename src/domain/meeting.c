/*
 * Meeting records (RULES.md §2): one row per meeting and one attendance row per member
 * of the roster. The roster is read from the registry when the record is written, so
 * the record keeps who was expected even after members move on; quorum, hours and the
 * reports all read these rows and never the registry's present state.
 */
#include "domain/meeting.h"
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/checkin.h"
#include "domain/org.h"
#include "domain/org_path.h"
#include "domain/points.h"
#include "util/json_util.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/named.h"
#include "domain/subtree_page.h"
#include "util/banned.h"

#define NOT_FOUND_MSG "会议记录不存在或不在您的管理范围内"
#define SHORT_SIZE (MEETING_SHORT_MAX_CHARS * 4 + 1)
#define TOPIC_SIZE (MEETING_TOPIC_MAX_CHARS * 4 + 1)
#define REASON_SIZE (MEETING_REASON_MAX_CHARS * 4 + 1)

static const struct named kinds[MK__COUNT] = {
	[MK_PARTY_CONGRESS] = { "party_congress", "支部党员大会" },
	[MK_COMMITTEE] = { "committee", "支委会" },
	[MK_GROUP] = { "group", "党小组会" },
	[MK_LECTURE] = { "lecture", "党课" },
	[MK_THEME_DAY] = { "theme_day", "主题党日" },
	[MK_LIFE_MEETING] = { "life_meeting", "组织生活会" },
	[MK_APPRAISAL] = { "appraisal", "民主评议党员" },
	[MK_TALK] = { "talk", "谈心谈话" },
	[MK_STUDY] = { "study", "集中学习" },
};

int meeting_kind_parse(const char *s)
{
	return named_index(kinds, MK__COUNT, s);
}

const char *meeting_kind_code(int kind)
{
	return named_code_at(kinds, MK__COUNT, kind);
}

const char *meeting_kind_name(int kind)
{
	return named_name_at(kinds, MK__COUNT, kind);
}

void meeting_filter_init(struct meeting_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = -1;
	f->page = 1;
	f->per_page = 50;
}

struct att {
	int64_t member_id;
	char name[96];
	char status[8];          /* present | leave | absent; "" = on the roster, not yet set */
	char reason[REASON_SIZE];
	int voter;               /* 有表决权: full, normal party status, not under 留党察看 */
	int committee;           /* a 支委 at this 支委会 (given per attendee, see check_quorum) */
};

struct meeting {
	int64_t id, org_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	int kind;
	char held_on[11], start_time[6], end_time[6];
	char place[SHORT_SIZE], host[SHORT_SIZE], lecturer[SHORT_SIZE];
	char topic[TOPIC_SIZE];
	char *agenda, *minutes, *resolutions; /* owned; NULL = none */
	int hours_x10, hours_set, vote, expected_voters, present_voters;
	int committee_size, committee_present; /* 支委会: the branch's size when recorded, 支委 present */
	int64_t version;
	char created_at[21], updated_at[21];
	struct att *att;         /* owned; sorted by member_id */
	size_t natt, alloc;
};

static void meeting_release(struct meeting *m)
{
	free(m->agenda);
	free(m->minutes);
	free(m->resolutions);
	free(m->att);
	m->agenda = m->minutes = m->resolutions = NULL;
	m->att = NULL;
	m->natt = m->alloc = 0;
}

static int require_officer(struct ctx *ctx)
{
	if (ctx->actor.role < ROLE_SECRETARY)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "meeting.role", "只有支部书记或管理员可以记录组织生活");
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *att_counts(const struct meeting *m)
{
	int present = 0, leave = 0, absent = 0;
	size_t i;
	for (i = 0; i < m->natt; i++) {
		if (!strcmp(m->att[i].status, "present"))
			present++;
		else if (!strcmp(m->att[i].status, "leave"))
			leave++;
		else
			absent++;
	}
	return json_pack("{s:i, s:i, s:i}", "present", present, "leave", leave, "absent", absent);
}

static json_t *meeting_to_json(const struct meeting *m, int with_attendance)
{
	json_t *j = json_object(), *arr;
	size_t i;
	json_object_set_new(j, "id", json_integer(m->id));
	json_object_set_new(j, "org_id", json_integer(m->org_id));
	json_object_set_new(j, "org_name", json_string(m->org_name));
	json_object_set_new(j, "kind", json_string(meeting_kind_code(m->kind)));
	json_object_set_new(j, "kind_name", json_string(meeting_kind_name(m->kind)));
	json_object_set_new(j, "held_on", json_string(m->held_on));
	json_object_set_new(j, "start_time", json_string(m->start_time));
	json_object_set_new(j, "end_time", json_string(m->end_time));
	json_object_set_new(j, "place", json_str_or_null(m->place));
	json_object_set_new(j, "host", json_str_or_null(m->host));
	json_object_set_new(j, "lecturer", json_str_or_null(m->lecturer));
	json_object_set_new(j, "topic", json_str_or_null(m->topic));
	json_object_set_new(j, "agenda", json_str_or_null(m->agenda));
	if (with_attendance) {
		json_object_set_new(j, "minutes", json_str_or_null(m->minutes));
		json_object_set_new(j, "resolutions", json_str_or_null(m->resolutions));
	}
	json_object_set_new(j, "hours", json_real(m->hours_x10 / 10.0));
	json_object_set_new(j, "vote", json_boolean(m->vote));
	json_object_set_new(j, "quorum", m->vote ? json_pack("{s:i, s:i}", "expected_voters", m->expected_voters,
							      "present_voters", m->present_voters)
						 : json_null());
	json_object_set_new(j, "committee_quorum",
			    m->kind == MK_COMMITTEE ? json_pack("{s:i, s:i}", "committee_size", m->committee_size, "present",
								 m->committee_present)
						    : json_null());
	json_object_set_new(j, "counts", att_counts(m));
	if (with_attendance) {
		arr = json_array();
		for (i = 0; i < m->natt; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:b}", "member_id",
							     (json_int_t)m->att[i].member_id, "name", m->att[i].name,
							     "status", m->att[i].status, "reason",
							     json_str_or_null(m->att[i].reason), "committee", m->att[i].committee));
		json_object_set_new(j, "attendance", arr);
	}
	json_object_set_new(j, "version", json_integer(m->version));
	json_object_set_new(j, "created_at", json_str_or_null(m->created_at));
	json_object_set_new(j, "updated_at", json_str_or_null(m->updated_at));
	return j;
}

/* ---- input ----------------------------------------------------------------------- */

/* A JSON string or null ("") at key; *present 0 when absent. */
static int body_str(struct ctx *ctx, json_t *body, const char *key, const char **out, int *present)
{
	json_t *v = json_object_get(body, key);
	*present = v != NULL;
	*out = "";
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&ctx->err, E_MALFORMED, key, NULL, "字段 %s 必须是字符串", key);
	*out = json_string_value(v);
	return 0;
}

/* One-line text: normalized, clean, at most max_chars characters. */
static int short_text(struct ctx *ctx, json_t *body, const char *key, const char *label, char *dst, size_t size,
		      size_t max_chars)
{
	const char *s;
	char *buf;
	int present, rc;
	if ((rc = body_str(ctx, body, key, &s, &present)) || !present)
		return rc;
	if (strlen(s) >= size * 2)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s超过 %zu 个字", label, max_chars);
	buf = xmalloc(size * 2 + 1);
	text_normalize(s, buf, size * 2 + 1);
	if (!text_is_clean(buf) || utf8_chars(buf) > max_chars)
		rc = err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符或超过 %zu 个字", label, max_chars);
	else
		strlcpy_z(dst, buf, size);
	free(buf);
	return rc;
}

/* Multi-line text (minutes): valid UTF-8, line breaks and tabs allowed, no other controls. */
static int long_text(struct ctx *ctx, json_t *body, const char *key, const char *label, char **dst, size_t max_chars,
		     int *present)
{
	const char *s;
	const unsigned char *p;
	int rc;
	if ((rc = body_str(ctx, body, key, &s, present)) || !*present)
		return rc;
	if (strlen(s) > max_chars * 4 || !utf8_valid(s, strlen(s)) || utf8_chars(s) > max_chars)
		return err_set(&ctx->err, E_INVALID, key, "field.text", "%s不是有效文本或超过 %zu 个字", label, max_chars);
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(&ctx->err, E_INVALID, key, "field.text", "%s含有非法字符", label);
	free(*dst);
	*dst = s[0] ? xstrdup(s) : NULL;
	return 0;
}

/* 'HH:MM' → minutes after midnight, or -1 */
static int parse_hhmm(const char *s)
{
	int h, m;
	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 ? h * 60 + m : -1;
}

static int att_cmp(const void *a, const void *b)
{
	const struct att *x = a, *y = b;
	return x->member_id < y->member_id ? -1 : x->member_id > y->member_id;
}

static struct att *att_find(const struct meeting *m, int64_t member_id)
{
	struct att key;
	key.member_id = member_id;
	return m->natt ? bsearch(&key, m->att, m->natt, sizeof(*m->att), att_cmp) : NULL;
}

static void read_att(struct stmt *st, struct att *a)
{
	const char *cat = stmt_text(st, 2), *ps = stmt_text(st, 3), *disc = stmt_text(st, 4);
	memset(a, 0, sizeof(*a));
	a->member_id = stmt_int(st, 0);
	stmt_text_copy(st, 1, a->name, sizeof(a->name));
	a->voter = cat && !strcmp(cat, "full") && ps && !strcmp(ps, "normal") && (!disc || strcmp(disc, "probation"));
	stmt_text_copy(st, 5, a->status, sizeof(a->status));
	stmt_text_copy(st, 6, a->reason, sizeof(a->reason));
	a->committee = (int)stmt_int(st, 7);
}

#define ATT_MEMBER_COLS "m.id, m.name, m.category, m.party_status, m.discipline"

/* Rows of st into m->att, skipping members already there; sorted afterwards. */
static int add_rows(struct ctx *ctx, struct stmt *st, struct meeting *m)
{
	size_t before = m->natt, i;
	int step;
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct att a;
		int dup = 0;
		read_att(st, &a);
		for (i = 0; i < before && !dup; i++)
			dup = m->att[i].member_id == a.member_id;
		if (dup)
			continue;
		ALLOC_GROW(m->att, m->natt + 1, m->alloc);
		m->att[m->natt++] = a;
	}
	stmt_reset(st);
	if (step != STEP_DONE)
		return ctx_db_fail(ctx);
	if (m->natt > 1) /* qsort of a NULL array is undefined, even of 0 items */
		qsort(m->att, m->natt, sizeof(*m->att), att_cmp);
	return 0;
}

/* The stored attendance of m->id, with each member's voting status from the registry. */
static int load_attendance(struct ctx *ctx, struct meeting *m)
{
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT " ATT_MEMBER_COLS ", a.status, a.reason, a.committee FROM meeting_attendance a "
				     "JOIN members m ON m.id = a.member_id WHERE a.meeting_id = ? ORDER BY m.id",
				     &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->id);
	return add_rows(ctx, st, m);
}

/*
 * Who is expected: active full and probationary members of the org's subtree (a 党小组:
 * its members), status unset. An edit keeps the members already recorded, so a member
 * who has since moved away can still be corrected.
 */
static int load_roster(struct ctx *ctx, struct meeting *m)
{
	struct stmt *st;
	char hi[PATH_MAX_LEN];
	int rc;
	if (m->kind == MK_GROUP) {
		st = db_prepare(ctx->db, "SELECT " ATT_MEMBER_COLS ", '', '', 0 FROM members m WHERE m.group_id = ? "
					 "AND m.state = 'active' AND m.category IN ('full', 'probationary')",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, m->org_id);
	} else {
		path_range_end(m->org_path, hi, sizeof(hi));
		st = db_prepare(ctx->db, "SELECT " ATT_MEMBER_COLS ", '', '', 0 FROM members m WHERE m.org_path >= ? "
					 "AND m.org_path < ? AND m.state = 'active' AND m.category IN ('full', 'probationary')",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_text(st, 1, m->org_path);
		stmt_bind_text(st, 2, hi);
	}
	if ((rc = add_rows(ctx, st, m)))
		return rc;
	if (!m->id)
		return 0;
	st = db_prepare(ctx->db, "SELECT " ATT_MEMBER_COLS ", '', '' FROM meeting_attendance a "
				 "JOIN members m ON m.id = a.member_id WHERE a.meeting_id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->id);
	return add_rows(ctx, st, m);
}

/*
 * The attendance list of the body over the roster in m->att. Members the list omits
 * are absent (never silently present: that would count toward a quorum); a 谈心谈话
 * records only the members it names. A training's branch meeting (no vote, one-tap
 * list of exceptions) passes omitted = "present" instead.
 */
static int apply_attendance(struct ctx *ctx, struct meeting *m, json_t *list, const char *omitted)
{
	static const char *const allowed[] = { "member_id", "status", "reason", "committee", NULL };
	size_t i, k, n = 0;
	json_t *e, *v;
	const char *key;
	char field[64];

	if (!json_is_array(list))
		return err_set(&ctx->err, E_MALFORMED, "attendance", NULL, "attendance 必须是数组");
	json_array_foreach(list, i, e) {
		struct att *a;
		const char *status, *reason = "";
		int64_t id;
		char buf[REASON_SIZE];
		xsnprintf(field, sizeof(field), "attendance[%zu]", i);
		if (!json_is_object(e))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 必须是对象", field);
		json_object_foreach(e, key, v) {
			for (k = 0; allowed[k] && strcmp(allowed[k], key); k++)
				;
			if (!allowed[k])
				return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s 含有未知字段 %s", field, key);
		}
		v = json_object_get(e, "member_id");
		if (!json_is_integer(v))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.member_id 必须是整数", field);
		id = json_integer_value(v);
		v = json_object_get(e, "status");
		if (!json_is_string(v))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.status 必须是字符串", field);
		status = json_string_value(v);
		v = json_object_get(e, "reason");
		if (v && !json_is_null(v) && !json_is_string(v))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.reason 必须是字符串", field);
		if (json_is_string(v))
			reason = json_string_value(v);
		if (strcmp(status, "present") && strcmp(status, "leave") && strcmp(status, "absent"))
			return err_set(&ctx->err, E_INVALID, field, "meeting.attendance_status",
				       "出勤情况必须是 present（出席）、leave（请假）或 absent（缺席）");
		if (!(a = att_find(m, id)))
			return err_set(&ctx->err, E_RULE, field, "meeting.attendee",
				       "党员 %" PRId64 " 不是%s的在册党员", id, m->org_name);
		if (a->status[0])
			return err_set(&ctx->err, E_INVALID, field, "meeting.attendee", "%s的出勤情况重复填写", a->name);
		if (strlen(reason) >= sizeof(buf) * 2)
			return err_set(&ctx->err, E_INVALID, field, "field.text", "请假事由超过 %d 个字", MEETING_REASON_MAX_CHARS);
		text_normalize(reason, buf, sizeof(buf));
		if (!text_is_clean(buf) || utf8_chars(buf) > MEETING_REASON_MAX_CHARS)
			return err_set(&ctx->err, E_INVALID, field, "field.text", "请假事由含有非法字符或超过 %d 个字",
				       MEETING_REASON_MAX_CHARS);
		if (buf[0] && strcmp(status, "leave"))
			return err_set(&ctx->err, E_INVALID, field, "meeting.reason", "只有请假可以填写事由");
		v = json_object_get(e, "committee");
		if (v && !json_is_null(v) && !json_is_boolean(v))
			return err_set(&ctx->err, E_MALFORMED, field, NULL, "%s.committee 必须是 true 或 false", field);
		if (json_is_true(v) && m->kind != MK_COMMITTEE)
			return err_set(&ctx->err, E_INVALID, field, "meeting.committee_flag", "只有支委会标明出席的支委");
		a->committee = json_is_true(v);
		strlcpy_z(a->status, status, sizeof(a->status));
		strlcpy_z(a->reason, buf, sizeof(a->reason));
		n++;
	}
	if (m->kind == MK_TALK) {
		/* keep only the people talked with */
		for (i = k = 0; i < m->natt; i++)
			if (m->att[i].status[0])
				m->att[k++] = m->att[i];
		m->natt = k;
	}
	if (m->kind == MK_TALK && !n)
		return err_set(&ctx->err, E_RULE, "attendance", "meeting.attendance", "谈心谈话须记录谈话对象");
	for (i = 0; i < m->natt; i++)
		if (!m->att[i].status[0])
			strlcpy_z(m->att[i].status, omitted, sizeof(m->att[i].status));
	return 0;
}

/* Attendance left out of a new record: everyone on the roster was there (not for a talk). */
static int default_attendance(struct ctx *ctx, struct meeting *m)
{
	size_t i;
	if (m->kind == MK_TALK)
		return err_set(&ctx->err, E_RULE, "attendance", "meeting.attendance", "谈心谈话须记录谈话对象");
	for (i = 0; i < m->natt; i++) {
		strlcpy_z(m->att[i].status, "present", sizeof(m->att[i].status));
		m->att[i].reason[0] = '\0';
	}
	return 0;
}

/*
 * RULES.md §2: a 支委会 needs more than half of the branch's committee members
 * (orgs.committee_size when the meeting was first recorded) present. The registry does
 * not know who the 支委 are, so the attendance list says so: "committee": true on each
 * 支委 listed (present or not). Without such a list nobody is a 支委 and the meeting is
 * refused, never assumed quorate.
 */
static int check_committee_quorum(struct ctx *ctx, struct meeting *m)
{
	int flagged = 0;
	size_t i;
	m->committee_present = 0;
	if (m->kind != MK_COMMITTEE)
		return 0;
	for (i = 0; i < m->natt; i++) {
		if (!m->att[i].committee)
			continue;
		flagged++;
		if (!strcmp(m->att[i].status, "present"))
			m->committee_present++;
	}
	if (m->committee_size <= 0)
		return err_set(&ctx->err, E_RULE, "org_id", "meeting.committee_quorum", "%s未设支部委员会（委员人数为 0），不能召开支委会",
			       m->org_name);
	if (flagged > m->committee_size)
		return err_set(&ctx->err, E_INVALID, "attendance", "meeting.committee_members",
			       "标明的支委 %d 名多于支部委员会委员 %d 名", flagged, m->committee_size);
	if (m->committee_present * 2 <= m->committee_size)
		return err_set(&ctx->err, E_RULE, "attendance", "meeting.committee_quorum",
			       "支委会须有半数以上委员到会：委员 %d 名，到会 %d 名（在出席名单中以 committee: true 标明支委）",
			       m->committee_size, m->committee_present);
	return 0;
}

/* RULES.md §1/§2: present voting members > ½ of the voting members expected. */
static int check_quorum(struct ctx *ctx, struct meeting *m)
{
	size_t i;
	int rc;
	m->expected_voters = m->present_voters = 0;
	if ((rc = check_committee_quorum(ctx, m)))
		return rc;
	if (!m->vote)
		return 0;
	for (i = 0; i < m->natt; i++) {
		if (!m->att[i].voter)
			continue;
		m->expected_voters++;
		if (!strcmp(m->att[i].status, "present"))
			m->present_voters++;
	}
	if (!m->expected_voters || m->present_voters * 2 <= m->expected_voters)
		return err_set(&ctx->err, E_RULE, "attendance", "meeting.quorum",
			       "表决须有半数以上有表决权的党员到会：应到 %d 名，实到 %d 名", m->expected_voters,
			       m->present_voters);
	return 0;
}

/* The org a kind may be held by: 党小组会 in a 党小组; 党课 and 集中学习 at any level above one
 * (a 党委书记's 党课, a town's 轮训); everything else in a 党支部. */
static int check_org_kind(struct ctx *ctx, int kind, const struct org *o)
{
	int is_group = !strcmp(o->kind, "group");
	if (kind == MK_GROUP ? is_group : (kind == MK_LECTURE || kind == MK_STUDY) ? !is_group : org_kind_is_branch(o->kind))
		return 0;
	return err_set(&ctx->err, E_RULE, "org_id", "meeting.org_kind", "%s不能由%s“%s”召开", meeting_kind_name(kind),
		       org_kind_name(o->kind) ? org_kind_name(o->kind) : o->kind, o->name);
}

/*
 * A meeting recorded for 扫码签到: the org has it switched on (409 checkin.disabled), it is
 * held today (the code is shown during the meeting), and it is not one whose record a
 * scan could not keep true (a vote's quorum, a talk's list of who was talked with).
 */
static int check_checkin(struct ctx *ctx, struct meeting *m)
{
	char today[11];
	int rc;
	if (m->kind == MK_TALK || m->vote)
		return err_set(&ctx->err, E_CONFLICT, "checkin", "checkin.kind",
			       m->vote ? "表决的党员大会请按签到簿记录出席，不用扫码签到" : "谈心谈话不用扫码签到");
	date_format(ctx->today, today);
	if (strcmp(m->held_on, today))
		return err_set(&ctx->err, E_INVALID, "held_on", "checkin.day", "扫码签到的会议须在召开当天登记");
	if ((rc = checkin_require_enabled(ctx, m->org_path)))
		return rc;
	return 0;
}

/* a 扫码签到 meeting without a list: nobody is present until they scan or the secretary says so */
static int roster_absent(struct meeting *m)
{
	size_t i;
	for (i = 0; i < m->natt; i++) {
		strlcpy_z(m->att[i].status, "absent", sizeof(m->att[i].status));
		m->att[i].reason[0] = '\0';
	}
	return 0;
}

/* The fields any write may carry (create and update), over m. */
static int parse_fields(struct ctx *ctx, json_t *body, struct meeting *m)
{
	const char *s;
	json_t *v;
	struct date d;
	int present, rc, start, end;

	if ((rc = body_str(ctx, body, "held_on", &s, &present)))
		return rc;
	if (present) {
		if (date_parse(s, &d))
			return err_set(&ctx->err, E_INVALID, "held_on", "field.date", "会议日期不是有效日期（格式 YYYY-MM-DD）");
		if (date_cmp(d, ctx->today) > 0)
			return err_set(&ctx->err, E_INVALID, "held_on", "field.date_future", "会议日期不能晚于今天");
		strlcpy_z(m->held_on, s, sizeof(m->held_on));
	}
	if ((rc = body_str(ctx, body, "start_time", &s, &present)))
		return rc;
	if (present) {
		if (parse_hhmm(s) < 0)
			return err_set(&ctx->err, E_INVALID, "start_time", "field.time", "开始时间格式为 HH:MM（北京时间）");
		strlcpy_z(m->start_time, s, sizeof(m->start_time));
	}
	if ((rc = body_str(ctx, body, "end_time", &s, &present)))
		return rc;
	if (present) {
		if (parse_hhmm(s) < 0)
			return err_set(&ctx->err, E_INVALID, "end_time", "field.time", "结束时间格式为 HH:MM（北京时间）");
		strlcpy_z(m->end_time, s, sizeof(m->end_time));
	}
	if ((rc = short_text(ctx, body, "place", "会议地点", m->place, sizeof(m->place), MEETING_SHORT_MAX_CHARS)) ||
	    (rc = short_text(ctx, body, "host", "主持人", m->host, sizeof(m->host), MEETING_SHORT_MAX_CHARS)) ||
	    (rc = short_text(ctx, body, "lecturer", "授课人", m->lecturer, sizeof(m->lecturer), MEETING_SHORT_MAX_CHARS)) ||
	    (rc = short_text(ctx, body, "topic", "主题", m->topic, sizeof(m->topic), MEETING_TOPIC_MAX_CHARS)) ||
	    (rc = long_text(ctx, body, "agenda", "议程", &m->agenda, MEETING_TEXT_MAX_CHARS, &present)) ||
	    (rc = long_text(ctx, body, "minutes", "会议记录", &m->minutes, MEETING_MINUTES_MAX_CHARS, &present)) ||
	    (rc = long_text(ctx, body, "resolutions", "决议", &m->resolutions, MEETING_TEXT_MAX_CHARS, &present)))
		return rc;
	if ((v = json_object_get(body, "hours"))) {
		double h, tenths;
		if (json_is_null(v)) {
			m->hours_set = 0;
		} else {
			if (!json_is_number(v))
				return err_set(&ctx->err, E_MALFORMED, "hours", NULL, "字段 hours 必须是数字");
			h = json_number_value(v);
			tenths = floor(h * 10 + 0.5);
			if (!(h >= 0) || tenths > MEETING_MAX_HOURS_X10 || fabs(h * 10 - tenths) > 1e-6)
				return err_set(&ctx->err, E_INVALID, "hours", "meeting.hours", "学时须在 0–%d 之间，最多一位小数",
					       MEETING_MAX_HOURS_X10 / 10);
			m->hours_x10 = (int)tenths;
			m->hours_set = 1;
		}
	}
	if ((v = json_object_get(body, "vote"))) {
		if (!json_is_boolean(v))
			return err_set(&ctx->err, E_MALFORMED, "vote", NULL, "字段 vote 必须是 true 或 false");
		m->vote = json_is_true(v);
	}

	/* the whole record, whichever fields this write named */
	if (!m->held_on[0])
		return err_set(&ctx->err, E_INVALID, "held_on", "field.required", "会议日期不能为空");
	if (!m->start_time[0])
		return err_set(&ctx->err, E_INVALID, "start_time", "field.required", "开始时间不能为空");
	if (!m->end_time[0])
		return err_set(&ctx->err, E_INVALID, "end_time", "field.required", "结束时间不能为空");
	start = parse_hhmm(m->start_time);
	end = parse_hhmm(m->end_time);
	if (end <= start)
		return err_set(&ctx->err, E_INVALID, "end_time", "meeting.time", "结束时间须晚于开始时间");
	if (m->kind == MK_LECTURE && !m->lecturer[0])
		return err_set(&ctx->err, E_INVALID, "lecturer", "field.required", "党课须填写授课人");
	if (m->kind == MK_LECTURE && !m->topic[0])
		return err_set(&ctx->err, E_INVALID, "topic", "field.required", "党课须填写主题");
	if (m->vote && m->kind != MK_PARTY_CONGRESS)
		return err_set(&ctx->err, E_RULE, "vote", "meeting.vote", "只有支部党员大会进行表决");
	/* 1 学时 per hour of meeting, to the tenth (half up) */
	if (!m->hours_set)
		m->hours_x10 = ((end - start) * 10 + 30) / 60;
	return 0;
}

/* ---- writing --------------------------------------------------------------------- */

static int write_attendance(struct ctx *ctx, const struct meeting *m, int replace)
{
	struct stmt *st;
	size_t i;
	int rc;
	if (replace) {
		st = db_prepare(ctx->db, "DELETE FROM meeting_attendance WHERE meeting_id = ?", &ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, m->id);
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	for (i = 0; i < m->natt; i++) {
		st = db_prepare(ctx->db,
				"INSERT INTO meeting_attendance (meeting_id, member_id, status, reason, committee, top_org_id) "
				"VALUES (?, ?, ?, ?, ?, ?)",
				&ctx->err);
		if (!st)
			return E_DB;
		stmt_bind_int(st, 1, m->id);
		stmt_bind_int(st, 2, m->att[i].member_id);
		stmt_bind_text(st, 3, m->att[i].status);
		stmt_bind_text(st, 4, m->att[i].reason[0] ? m->att[i].reason : NULL);
		stmt_bind_int(st, 5, m->att[i].committee);
		stmt_bind_int(st, 6, org_path_top(m->org_path)); /* the partition key: the meeting's top-level org */
		if ((rc = stmt_run(st, &ctx->err)))
			return rc;
	}
	return 0;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	stmt_bind_text(st, idx, s && s[0] ? s : NULL);
}

/* The columns both writes set, bound from index 1 (17 values). */
#define MEETING_SET_COLS                                                                                        \
	"held_on = ?, start_time = ?, end_time = ?, place = ?, host = ?, lecturer = ?, topic = ?, agenda = ?, " \
	"minutes = ?, resolutions = ?, hours_x10 = ?, hours_set = ?, vote = ?, expected_voters = ?, "             \
	"present_voters = ?, committee_present = ?, updated_at = ?"
static void bind_fields(struct ctx *ctx, struct stmt *st, const struct meeting *m)
{
	stmt_bind_text(st, 1, m->held_on);
	stmt_bind_text(st, 2, m->start_time);
	stmt_bind_text(st, 3, m->end_time);
	bind_opt(st, 4, m->place);
	bind_opt(st, 5, m->host);
	bind_opt(st, 6, m->lecturer);
	bind_opt(st, 7, m->topic);
	bind_opt(st, 8, m->agenda);
	bind_opt(st, 9, m->minutes);
	bind_opt(st, 10, m->resolutions);
	stmt_bind_int(st, 11, m->hours_x10);
	stmt_bind_int(st, 12, m->hours_set);
	stmt_bind_int(st, 13, m->vote);
	stmt_bind_int(st, 14, m->expected_voters);
	stmt_bind_int(st, 15, m->present_voters);
	stmt_bind_int(st, 16, m->committee_present);
	stmt_bind_text(st, 17, ctx->now_iso);
}

/* own_tx 0: the caller (training.c) holds the transaction and rolls it back on error. */
static int create(struct ctx *ctx, json_t *body, int64_t training_id, int own_tx, int64_t *id)
{
	struct meeting m;
	struct org o;
	struct stmt *st;
	const char *s;
	json_t *v, *ja = NULL;
	int64_t org_id;
	int rc, step, present, checkin = 0;

	memset(&m, 0, sizeof(m));
	*id = 0;
	if ((rc = require_officer(ctx)) || (rc = body_str(ctx, body, "kind", &s, &present)))
		goto out;
	if (!s[0]) {
		rc = err_set(&ctx->err, E_INVALID, "kind", "field.required", "会议类型不能为空");
		goto out;
	}
	if ((m.kind = meeting_kind_parse(s)) < 0) {
		rc = err_set(&ctx->err, E_INVALID, "kind", "meeting.kind", "未知的会议类型 %s", s);
		goto out;
	}
	v = json_object_get(body, "org_id");
	if (!v) {
		rc = err_set(&ctx->err, E_INVALID, "org_id", "field.required", "召开会议的党组织不能为空");
		goto out;
	}
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, E_MALFORMED, "org_id", NULL, "字段 org_id 必须是整数");
		goto out;
	}
	org_id = json_integer_value(v);
	if ((rc = org_require_in_scope(ctx, org_id, &o, "org_id")) || (rc = check_org_kind(ctx, m.kind, &o)))
		goto out;
	m.org_id = o.id;
	m.committee_size = o.committee_size;
	strlcpy_z(m.org_path, o.path, sizeof(m.org_path));
	strlcpy_z(m.org_name, o.name, sizeof(m.org_name));
	if ((rc = parse_fields(ctx, body, &m)) || (rc = load_roster(ctx, &m)))
		goto out;
	/* 扫码签到 (checkin.c): members mark themselves present by scanning, so the roster starts absent */
	if ((v = json_object_get(body, "checkin")) && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			rc = err_set(&ctx->err, E_MALFORMED, "checkin", NULL, "字段 checkin 必须是 true 或 false");
			goto out;
		}
		checkin = json_is_true(v) && !training_id;
	}
	if (checkin && (rc = check_checkin(ctx, &m)))
		goto out;
	v = json_object_get(body, "attendance");
	if ((rc = v && !json_is_null(v) ? apply_attendance(ctx, &m, v, training_id ? "present" : "absent")
					: checkin ? roster_absent(&m) : default_attendance(ctx, &m)) ||
	    (rc = check_quorum(ctx, &m)))
		goto out;

	if (own_tx && (rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db,
			"INSERT INTO meetings (held_on, start_time, end_time, place, host, lecturer, topic, agenda, minutes, "
			"resolutions, hours_x10, hours_set, vote, expected_voters, present_voters, committee_present, updated_at, "
			"org_id, org_path, kind, created_by, created_at, committee_size, training_id) VALUES (?, ?, ?, ?, ?, ?, "
			"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	bind_fields(ctx, st, &m);
	stmt_bind_int(st, 18, m.org_id);
	stmt_bind_text(st, 19, m.org_path);
	stmt_bind_text(st, 20, meeting_kind_code(m.kind));
	if (ctx->actor.user_id)
		stmt_bind_int(st, 21, ctx->actor.user_id);
	else
		stmt_bind_null(st, 21);
	stmt_bind_text(st, 22, ctx->now_iso);
	stmt_bind_int(st, 23, m.committee_size);
	if (training_id)
		stmt_bind_int(st, 24, training_id);
	else
		stmt_bind_null(st, 24);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		m.id = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto rollback;
	}
	m.version = 1;
	strlcpy_z(m.created_at, ctx->now_iso, sizeof(m.created_at));
	strlcpy_z(m.updated_at, ctx->now_iso, sizeof(m.updated_at));
	if ((rc = write_attendance(ctx, &m, 0)) || (checkin && (rc = checkin_meeting_open(ctx, m.id))))
		goto rollback;
	ja = meeting_to_json(&m, 1);
	if (checkin)
		json_object_set_new(ja, "checkin", json_true());
	if (training_id)
		json_object_set_new(ja, "training_id", json_integer(training_id));
	/* the meeting writes its own points (points_sync.c); a failure there undoes the record */
	if ((rc = audit_append(ctx, "create", "meeting", m.id, NULL, ja)) || (rc = points_sync_meeting(ctx, m.id)) ||
	    (own_tx && (rc = db_commit(ctx->db, &ctx->err))))
		goto rollback;
	*id = m.id;
	goto out;
rollback:
	if (own_tx)
		db_rollback(ctx->db);
out:
	json_decref(ja);
	meeting_release(&m);
	return rc;
}

int meeting_create(struct ctx *ctx, json_t *body, int64_t *id)
{
	return create(ctx, body, 0, 1, id);
}

int meeting_create_in_tx(struct ctx *ctx, json_t *body, int64_t training_id, int64_t *id)
{
	return create(ctx, body, training_id, 0, id);
}

#define MEETING_COLS                                                                                            \
	"mt.id, mt.org_id, mt.org_path, o.name, mt.kind, mt.held_on, mt.start_time, mt.end_time, mt.place, mt.host, " \
	"mt.lecturer, mt.topic, mt.agenda, mt.hours_x10, mt.hours_set, mt.vote, mt.expected_voters, "                \
	"mt.present_voters, mt.version, mt.created_at, mt.updated_at, mt.committee_size, mt.committee_present"
#define MEETING_JOIN_ORG " JOIN orgs o ON o.id = mt.org_id "
#define MEETING_FROM " FROM meetings mt" MEETING_JOIN_ORG

static void read_meeting(struct stmt *st, struct meeting *m)
{
	const char *s;
	memset(m, 0, sizeof(*m));
	m->id = stmt_int(st, 0);
	m->org_id = stmt_int(st, 1);
	stmt_text_copy(st, 2, m->org_path, sizeof(m->org_path));
	stmt_text_copy(st, 3, m->org_name, sizeof(m->org_name));
	m->kind = meeting_kind_parse(stmt_text(st, 4));
	stmt_text_copy(st, 5, m->held_on, sizeof(m->held_on));
	stmt_text_copy(st, 6, m->start_time, sizeof(m->start_time));
	stmt_text_copy(st, 7, m->end_time, sizeof(m->end_time));
	stmt_text_copy(st, 8, m->place, sizeof(m->place));
	stmt_text_copy(st, 9, m->host, sizeof(m->host));
	stmt_text_copy(st, 10, m->lecturer, sizeof(m->lecturer));
	stmt_text_copy(st, 11, m->topic, sizeof(m->topic));
	if ((s = stmt_text(st, 12)))
		m->agenda = xstrdup(s);
	m->hours_x10 = (int)stmt_int(st, 13);
	m->hours_set = (int)stmt_int(st, 14);
	m->vote = (int)stmt_int(st, 15);
	m->expected_voters = (int)stmt_int(st, 16);
	m->present_voters = (int)stmt_int(st, 17);
	m->version = stmt_int(st, 18);
	stmt_text_copy(st, 19, m->created_at, sizeof(m->created_at));
	stmt_text_copy(st, 20, m->updated_at, sizeof(m->updated_at));
	m->committee_size = (int)stmt_int(st, 21);
	m->committee_present = (int)stmt_int(st, 22);
}

/* The whole record (texts and attendance) if it lies in the actor's scope. */
static int load_meeting(struct ctx *ctx, int64_t id, struct meeting *m)
{
	struct stmt *st;
	int step, found = 0;
	memset(m, 0, sizeof(*m));
	st = db_prepare(ctx->db, "SELECT " MEETING_COLS ", mt.minutes, mt.resolutions" MEETING_FROM "WHERE mt.id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		const char *s;
		found = 1;
		read_meeting(st, m);
		if ((s = stmt_text(st, 23)))
			m->minutes = xstrdup(s);
		if ((s = stmt_text(st, 24)))
			m->resolutions = xstrdup(s);
	}
	stmt_reset(st);
	if (step < 0)
		return ctx_db_fail(ctx);
	if (!found || !ctx_path_in_scope(ctx, m->org_path)) {
		meeting_release(m);
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, NOT_FOUND_MSG);
	}
	return load_attendance(ctx, m);
}

int meeting_get(struct ctx *ctx, int64_t id, json_t **out)
{
	struct meeting m;
	int rc;
	*out = NULL;
	if ((rc = require_officer(ctx)) || (rc = load_meeting(ctx, id, &m)))
		return rc;
	*out = meeting_to_json(&m, 1);
	meeting_release(&m);
	/* recorded for 扫码签到 (checkin.c) */
	if ((rc = checkin_meeting_has(ctx, id)) < 0) {
		json_decref(*out);
		*out = NULL;
		return ctx->err.code ? ctx->err.code : E_DB;
	}
	json_object_set_new(*out, "checkin", json_boolean(rc));
	return 0;
}

int meeting_update(struct ctx *ctx, int64_t id, json_t *body)
{
	struct meeting before, m;
	struct stmt *st;
	json_t *v, *jb = NULL, *ja = NULL;
	int64_t version;
	int rc;
	size_t i;

	memset(&before, 0, sizeof(before));
	memset(&m, 0, sizeof(m));
	if ((rc = require_officer(ctx)) || (rc = load_meeting(ctx, id, &before)))
		goto out;
	v = json_object_get(body, "version");
	if (!json_is_integer(v)) {
		rc = err_set(&ctx->err, v ? E_MALFORMED : E_INVALID, "version", v ? NULL : "field.required",
			     "须提供记录的 version");
		goto out;
	}
	version = json_integer_value(v);
	if (version != before.version) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该会议记录已被他人修改，请刷新后重试");
		goto out;
	}
	/* a deep copy to edit: before stays intact for the audit */
	m = before;
	m.agenda = before.agenda ? xstrdup(before.agenda) : NULL;
	m.minutes = before.minutes ? xstrdup(before.minutes) : NULL;
	m.resolutions = before.resolutions ? xstrdup(before.resolutions) : NULL;
	m.att = NULL;
	m.natt = m.alloc = 0;
	if ((rc = parse_fields(ctx, body, &m)))
		goto out;
	/* a 支委会 recorded before its committee size was kept takes the branch's present one */
	if (m.kind == MK_COMMITTEE && !m.committee_size) {
		struct org o;
		if ((rc = org_get(ctx, m.org_id, &o)))
			goto out;
		m.committee_size = o.committee_size;
	}
	v = json_object_get(body, "attendance");
	if (v && !json_is_null(v)) {
		if ((rc = load_roster(ctx, &m)) || (rc = apply_attendance(ctx, &m, v, "absent")))
			goto out;
	} else {
		ALLOC_GROW(m.att, before.natt, m.alloc);
		for (i = 0; i < before.natt; i++)
			m.att[i] = before.att[i];
		m.natt = before.natt;
	}
	if ((rc = check_quorum(ctx, &m)))
		goto out;

	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	st = db_prepare(ctx->db, "UPDATE meetings SET " MEETING_SET_COLS ", version = version + 1 WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st) {
		rc = E_DB;
		goto rollback;
	}
	bind_fields(ctx, st, &m);
	stmt_bind_int(st, 18, id);
	stmt_bind_int(st, 19, version);
	if ((rc = stmt_run(st, &ctx->err)))
		goto rollback;
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该会议记录已被他人修改，请刷新后重试");
		goto rollback;
	}
	m.version++;
	strlcpy_z(m.updated_at, ctx->now_iso, sizeof(m.updated_at));
	if (v && !json_is_null(v) && (rc = write_attendance(ctx, &m, 1)))
		goto rollback;
	jb = meeting_to_json(&before, 1);
	ja = meeting_to_json(&m, 1);
	if ((rc = audit_append(ctx, "update", "meeting", id, jb, ja)) || (rc = points_sync_meeting(ctx, id)) ||
	    (rc = db_commit(ctx->db, &ctx->err)))
		goto rollback;
	goto out;
rollback:
	db_rollback(ctx->db);
out:
	json_decref(jb);
	json_decref(ja);
	meeting_release(&before);
	meeting_release(&m);
	return rc;
}

int meeting_list(struct ctx *ctx, const struct meeting_filter *f, json_t **items, int64_t *total)
{
	struct org root;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct stmt *st;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN];
	struct date d;
	const char *vals[5];
	json_t *arr = NULL;
	struct subtree_page pg, limit = { f->list_max, 0, 0 };
	int rc, step, n = 0, i, recent = 0;

	*items = NULL;
	*total = 0;
	if ((rc = require_officer(ctx)) || (rc = org_scope_root(ctx, f->org_id, &root)))
		return rc;
	if ((f->from[0] && date_parse(f->from, &d)) || (f->to[0] && date_parse(f->to, &d)))
		return err_set(&ctx->err, E_MALFORMED, f->from[0] && date_parse(f->from, &d) ? "from" : "to", NULL,
			       "日期格式为 YYYY-MM-DD");
	strlcpy_z(lo, root.path, sizeof(lo));
	path_range_end(lo, hi, sizeof(hi));
	strbuf_addstr(&where, " WHERE mt.org_path >= ? AND mt.org_path < ?");
	vals[n++] = lo;
	vals[n++] = hi;
	if (f->kind >= 0) {
		strbuf_addstr(&where, " AND mt.kind = ?");
		vals[n++] = meeting_kind_code(f->kind);
	}
	if (f->from[0]) {
		strbuf_addstr(&where, " AND mt.held_on >= ?");
		vals[n++] = f->from;
	}
	if (f->to[0]) {
		strbuf_addstr(&where, " AND mt.held_on <= ?");
		vals[n++] = f->to;
	}
	strbuf_addf(&sql, "SELECT count(*) FROM meetings mt%s", where.buf);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		*total = stmt_int(st, 0);
	stmt_reset(st);
	if (step != STEP_ROW) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	/*
	 * A large subtree's page on SQLite: newest first along meetings_recent (045), which
	 * stops after a page of the subtree's meetings, instead of sorting all of them
	 * (SQLite takes meetings_report for the path range). PostgreSQL chooses itself.
	 */
	if (!ctx_is_pg(ctx) && (rc = subtree_page_resolve(ctx, &limit, lo, hi, &pg, &recent)))
		goto out;
	strbuf_reset(&sql);
	/* counts per row of the page only: the subqueries run for at most per_page rows */
	strbuf_addf(&sql,
		    "SELECT " MEETING_COLS ", (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND "
		    "a.status = 'present'), (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND "
		    "a.status = 'leave'), (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND "
		    "a.status = 'absent') FROM meetings mt%s" MEETING_JOIN_ORG "%s ORDER BY mt.held_on DESC, mt.id DESC "
		    "LIMIT %d OFFSET %" PRId64,
		    recent ? " INDEXED BY meetings_recent" : "", where.buf, f->per_page, (int64_t)(f->page - 1) * f->per_page);
	if (!(st = db_prepare(ctx->db, sql.buf, &ctx->err))) {
		rc = E_DB;
		goto out;
	}
	for (i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, vals[i]);
	arr = json_array();
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct meeting m;
		json_t *j;
		read_meeting(st, &m);
		j = meeting_to_json(&m, 0);
		json_object_set_new(j, "counts", json_pack("{s:I, s:I, s:I}", "present", (json_int_t)stmt_int(st, 23),
							   "leave", (json_int_t)stmt_int(st, 24), "absent",
							   (json_int_t)stmt_int(st, 25)));
		json_array_append_new(arr, j);
		meeting_release(&m);
	}
	stmt_reset(st);
	if (step != STEP_DONE) {
		rc = ctx_db_fail(ctx);
		goto out;
	}
	*items = arr;
	arr = NULL;
out:
	json_decref(arr);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}
