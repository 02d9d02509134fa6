#include "domain/member.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/codes.h"
#include "domain/idcard.h"
#include "domain/org.h"
#include "util/json_util.h"
#include "util/jsonw.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "util/named.h"
#include "util/banned.h"

#define MEMBER_COLS                                                                                           \
	"m.id, m.org_id, m.group_id, m.org_path, o.name, m.name, m.gender, m.id_mask, m.birth_date, m.ethnicity, " \
	"m.education, m.category, m.join_date, m.full_date, m.job, m.person_type, m.work_unit, m.phone_mask, "     \
	"m.address, m.party_status, m.lost_contact, m.lost_since, m.floating, m.grid, m.discipline, m.state, "     \
	"m.version, m.dues_from"
#define MEMBER_FROM " FROM members m JOIN orgs o ON o.id = m.org_id "

static const struct named categories[] = { { "full", "正式党员" }, { "probationary", "预备党员" } },
  person_types[] = { { "employed", "在职" }, { "retired", "离退休" }, { "farmer", "农民" }, { "student", "学生" }, { "other", "其他" } },
  party_statuses[] = { { "normal", "正常" }, { "suspended", "停止党籍" } },
  states[] = { { "active", "在册" }, { "transferring", "转出中" }, { "transferred_out", "已转出" }, { "removed", "已除名" }, { "deceased", "已去世" } },
  disciplines[] = { { "none", "无" }, { "probation", "留党察看" } };

const char *member_category_name(const char *c) { return named_name_of(categories, NAMED_COUNT(categories), c); }
const char *member_person_type_name(const char *c) { return named_name_of(person_types, NAMED_COUNT(person_types), c); }
const char *member_party_status_name(const char *c) { return named_name_of(party_statuses, NAMED_COUNT(party_statuses), c); }
const char *member_state_name(const char *c) { return named_name_of(states, NAMED_COUNT(states), c); }
static const char *discipline_name(const char *c) { return named_name_of(disciplines, NAMED_COUNT(disciplines), c); }

void member_filter_init(struct member_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->age_min = f->age_max = -1;
	f->lost_contact = f->floating = -1;
	f->page = 1;
	f->per_page = 50;
}

static void read_member(struct stmt *st, struct member *m)
{
	memset(m, 0, sizeof(*m));
	m->id = stmt_int(st, 0);
	m->org_id = stmt_int(st, 1);
	m->group_id = stmt_int(st, 2);
	stmt_text_copy(st, 3, m->org_path, sizeof(m->org_path));
	stmt_text_copy(st, 4, m->org_name, sizeof(m->org_name));
	stmt_text_copy(st, 5, m->name, sizeof(m->name));
	stmt_text_copy(st, 6, m->gender, sizeof(m->gender));
	stmt_text_copy(st, 7, m->id_mask, sizeof(m->id_mask));
	stmt_text_copy(st, 8, m->birth_date, sizeof(m->birth_date));
	stmt_text_copy(st, 9, m->ethnicity, sizeof(m->ethnicity));
	stmt_text_copy(st, 10, m->education, sizeof(m->education));
	stmt_text_copy(st, 11, m->category, sizeof(m->category));
	stmt_text_copy(st, 12, m->join_date, sizeof(m->join_date));
	stmt_text_copy(st, 13, m->full_date, sizeof(m->full_date));
	stmt_text_copy(st, 14, m->job, sizeof(m->job));
	stmt_text_copy(st, 15, m->person_type, sizeof(m->person_type));
	stmt_text_copy(st, 16, m->work_unit, sizeof(m->work_unit));
	stmt_text_copy(st, 17, m->phone_mask, sizeof(m->phone_mask));
	stmt_text_copy(st, 18, m->address, sizeof(m->address));
	stmt_text_copy(st, 19, m->party_status, sizeof(m->party_status));
	m->lost_contact = (int)stmt_int(st, 20);
	stmt_text_copy(st, 21, m->lost_since, sizeof(m->lost_since));
	m->floating = (int)stmt_int(st, 22);
	stmt_text_copy(st, 23, m->grid, sizeof(m->grid));
	stmt_text_copy(st, 24, m->discipline, sizeof(m->discipline));
	stmt_text_copy(st, 25, m->state, sizeof(m->state));
	m->version = stmt_int(st, 26);
	stmt_text_copy(st, 27, m->dues_from, sizeof(m->dues_from));
}

void member_write_json(struct jw *w, struct ctx *ctx, const struct member *m)
{
	struct date birth;
	jw_open(w);
	jw_int(w, "id", m->id);
	jw_int(w, "org_id", m->org_id);
	jw_str(w, "org_name", m->org_name);
	jw_int_or_null(w, "group_id", m->group_id);
	jw_str(w, "name", m->name);
	jw_str(w, "gender", m->gender);
	jw_str(w, "id_number", m->id_mask);
	jw_str(w, "birth_date", m->birth_date);
	if (ctx && !date_parse(m->birth_date, &birth))
		jw_int(w, "age", date_full_years(birth, ctx->today));
	jw_str(w, "ethnicity", m->ethnicity);
	jw_str_or_null(w, "education", m->education);
	jw_str(w, "category", m->category);
	jw_str(w, "join_date", m->join_date);
	jw_str_or_null(w, "full_date", m->full_date);
	jw_str_or_null(w, "job", m->job);
	jw_str(w, "person_type", m->person_type);
	jw_str_or_null(w, "work_unit", m->work_unit);
	jw_str_or_null(w, "phone", m->phone_mask);
	jw_str_or_null(w, "address", m->address);
	jw_str(w, "party_status", m->party_status);
	jw_bool(w, "lost_contact", m->lost_contact);
	jw_str_or_null(w, "lost_since", m->lost_since);
	jw_bool(w, "floating", m->floating);
	jw_str_or_null(w, "grid", m->grid);
	jw_str(w, "discipline", m->discipline);
	jw_str(w, "state", m->state);
	jw_str_or_null(w, "dues_from", m->dues_from);
	jw_int(w, "version", m->version);
	jw_close(w);
}

json_t *member_to_json(struct ctx *ctx, const struct member *m)
{
	/* one rendering of a member: the streaming writer's, parsed back for callers that
	 * need a tree (audit snapshots, single-record replies) */
	struct strbuf sb = STRBUF_INIT;
	struct jw w;
	json_t *j;
	jw_init(&w, &sb);
	member_write_json(&w, ctx, m);
	j = json_loadb(sb.buf, sb.len, 0, NULL);
	strbuf_release(&sb);
	return j ? j : json_object();
}

void member_sealed_release(struct member_sealed *s)
{
	free(s->id_enc);
	free(s->phone_enc);
	memset(s, 0, sizeof(*s));
}

static int check_date(struct ctx *ctx, const char *s, const char *field, const char *label, struct date *out)
{
	if (date_parse(s, out))
		return err_set(&ctx->err, E_INVALID, field, "field.date", "%s“%s”不是有效日期（格式 YYYY-MM-DD）", label, s);
	if (date_cmp(*out, ctx->today) > 0)
		return err_set(&ctx->err, E_INVALID, field, "field.date_future", "%s不能晚于今天", label);
	return 0;
}

static int check_code(struct ctx *ctx, enum code_table t, char *value, size_t size, const char *field,
		      const char *label, int required)
{
	const char *canon;
	if (!value[0]) {
		if (required)
			return err_set(&ctx->err, E_INVALID, field, "field.required", "%s不能为空", label);
		return 0;
	}
	canon = code_lookup(t, value);
	if (!canon)
		return err_set(&ctx->err, E_INVALID, field, "member.code", "%s“%s”不在国家标准代码表中", label, value);
	strlcpy_z(value, canon, size);
	return 0;
}

static int check_enum(struct ctx *ctx, const char *value, const char *field, const char *label,
		      const char *(*name_of)(const char *))
{
	if (!name_of(value))
		return err_set(&ctx->err, E_INVALID, field, "member.enum", "%s“%s”无效", label, value);
	return 0;
}

static int check_text(struct ctx *ctx, const char *s, const char *field, const char *label, size_t max_chars)
{
	if (s[0] && (!text_is_clean(s) || utf8_chars(s) > max_chars))
		return err_set(&ctx->err, E_INVALID, field, "field.text", "%s含有非法字符或超过 %zu 个字", label, max_chars);
	return 0;
}

/* The member's branch (and 党小组) must be in scope and of the right kind. */
static int check_org(struct ctx *ctx, struct member *m, const struct org *known)
{
	struct org o, g;
	int rc;
	if (!m->org_id)
		return err_set(&ctx->err, E_INVALID, "org_id", "field.required", "所在党支部不能为空");
	if (known && known->id == m->org_id)
		o = *known;
	else if ((rc = org_require_in_scope(ctx, m->org_id, &o, "org_id")))
		return rc;
	if (!org_kind_is_branch(o.kind))
		return err_set(&ctx->err, E_INVALID, "org_id", "member.org_kind", "党员应编入党支部，“%s”是%s", o.name,
			       org_kind_name(o.kind));
	strlcpy_z(m->org_path, o.path, sizeof(m->org_path));
	strlcpy_z(m->org_name, o.name, sizeof(m->org_name));
	if (m->group_id) {
		if ((rc = org_require_in_scope(ctx, m->group_id, &g, "group_id")))
			return rc;
		if (strcmp(g.kind, "group") || g.parent_id != o.id)
			return err_set(&ctx->err, E_INVALID, "group_id", "member.group", "党小组必须属于该党员所在的党支部");
	}
	return 0;
}

static int prepare_checked(struct ctx *ctx, struct member *m, struct member_sealed *s, int require_id,
			   const struct org *branch)
{
	struct idcard_info id;
	struct date birth, join, full, lost;
	char buf[128];
	int rc;

	memset(s, 0, sizeof(*s));
	text_normalize(m->name, buf, sizeof(buf));
	strlcpy_z(m->name, buf, sizeof(m->name));
	if (name_validate(m->name, &ctx->err, "name"))
		return err_set(&ctx->err, E_INVALID, "name", "member.name", "姓名不能为空，最多 %d 个字，且不能含特殊字符",
			       NAME_MAX_CHARS);
	if ((rc = check_org(ctx, m, branch)))
		return rc;
	if (m->id_set || require_id) {
		if (!m->id_number[0])
			return err_set(&ctx->err, E_INVALID, "id_number", "field.required", "公民身份号码不能为空");
		if ((rc = idcard_parse_on(m->id_number, ctx->today, &id, &ctx->err)))
			return rc;
		char bd[11];
		xsnprintf(bd, sizeof(bd), "%04d-%02d-%02d", id.birth.y % 10000, id.birth.m % 100, id.birth.d % 100);
		if (m->birth_date[0] && strcmp(m->birth_date, bd))
			return err_set(&ctx->err, E_INVALID, "birth_date", "member.birth_date.mismatch",
				       "出生日期 %s 与公民身份号码中的 %s 不一致", m->birth_date, bd);
		strlcpy_z(m->birth_date, bd, sizeof(m->birth_date));
		if (m->gender[0] && strcmp(m->gender, id.gender == 1 ? "1" : "2")) {
			const char *g = code_lookup(CODE_GENDER, m->gender);
			if (!g || strcmp(g, id.gender == 1 ? "1" : "2"))
				return err_set(&ctx->err, E_INVALID, "gender", "member.gender.mismatch",
					       "性别与公民身份号码第 17 位不一致（应为%s）", id.gender == 1 ? "男" : "女");
		}
		xsnprintf(m->gender, sizeof(m->gender), "%d", id.gender);
		strlcpy_z(s->id_plain, id.normalized, sizeof(s->id_plain));
		idcard_mask(id.normalized, m->id_mask, sizeof(m->id_mask));
		pii_hash(id.normalized, s->id_hash);
		strlcpy_z(s->id_tail, id.normalized + 14, sizeof(s->id_tail));
		pii_encrypt(id.normalized, &s->id_enc);
	}
	if (date_parse(m->birth_date, &birth))
		return err_set(&ctx->err, E_INVALID, "birth_date", "field.date", "出生日期无效");
	if ((rc = check_code(ctx, CODE_ETHNICITY, m->ethnicity, sizeof(m->ethnicity), "ethnicity", "民族", 1)) ||
	    (rc = check_code(ctx, CODE_EDUCATION, m->education, sizeof(m->education), "education", "学历", 0)) ||
	    (rc = check_code(ctx, CODE_JOB, m->job, sizeof(m->job), "job", "工作岗位", 0)))
		goto out;
	if (!m->category[0])
		return err_set(&ctx->err, E_INVALID, "category", "field.required", "人员类别（正式/预备党员）不能为空");
	if ((rc = check_enum(ctx, m->category, "category", "人员类别", member_category_name)))
		goto out;
	if (!m->person_type[0])
		strlcpy_z(m->person_type, "other", sizeof(m->person_type));
	if (!m->party_status[0])
		strlcpy_z(m->party_status, "normal", sizeof(m->party_status));
	if (!m->discipline[0])
		strlcpy_z(m->discipline, "none", sizeof(m->discipline));
	if ((rc = check_enum(ctx, m->person_type, "person_type", "人员身份", member_person_type_name)) ||
	    (rc = check_enum(ctx, m->party_status, "party_status", "党籍状态", member_party_status_name)) ||
	    (rc = check_enum(ctx, m->discipline, "discipline", "党纪处分", discipline_name)))
		goto out;
	if (!m->join_date[0])
		return err_set(&ctx->err, E_INVALID, "join_date", "field.required", "入党日期不能为空");
	if ((rc = check_date(ctx, m->join_date, "join_date", "入党日期", &join)))
		goto out;
	if (date_full_years(birth, join) < 18)
		return err_set(&ctx->err, E_RULE, "join_date", "member.join_age",
			       "入党时必须年满 18 周岁（出生 %s，入党 %s）", m->birth_date, m->join_date);
	if (m->full_date[0]) {
		if ((rc = check_date(ctx, m->full_date, "full_date", "转正日期", &full)))
			goto out;
		if (date_cmp(full, join) <= 0)
			return err_set(&ctx->err, E_RULE, "full_date", "member.full_date.order",
				       "转为正式党员日期 %s 必须晚于入党日期 %s", m->full_date, m->join_date);
		if (!strcmp(m->category, "probationary"))
			return err_set(&ctx->err, E_RULE, "full_date", "member.category.full_date",
				       "预备党员不应有转为正式党员日期");
	} else if (!strcmp(m->category, "full")) {
		return err_set(&ctx->err, E_RULE, "full_date", "member.category.full_date",
			       "正式党员必须填写转为正式党员日期");
	}
	if (m->lost_contact) {
		if (!m->lost_since[0])
			return err_set(&ctx->err, E_INVALID, "lost_since", "field.required", "失联党员需填写失联日期");
		if ((rc = check_date(ctx, m->lost_since, "lost_since", "失联日期", &lost)))
			goto out;
	} else {
		m->lost_since[0] = '\0';
	}
	if ((rc = check_text(ctx, m->work_unit, "work_unit", "工作单位", 60)) ||
	    (rc = check_text(ctx, m->address, "address", "家庭住址", 80)) ||
	    (rc = check_text(ctx, m->grid, "grid", "网格", 30)))
		goto out;
	if (m->phone_set) {
		if (m->phone[0]) {
			char norm[PHONE_NORM_SIZE];
			if ((rc = phone_normalize(m->phone, norm, sizeof(norm), &ctx->err)))
				goto out;
			phone_mask(norm, m->phone_mask, sizeof(m->phone_mask));
			pii_hash(norm, s->phone_hash);
			strlcpy_z(s->phone_tail, norm + strlen(norm) - 4, sizeof(s->phone_tail));
			pii_encrypt(norm, &s->phone_enc);
		} else {
			m->phone_mask[0] = '\0';
		}
	}
	if (!m->state[0])
		strlcpy_z(m->state, "active", sizeof(m->state));
out:
	return rc;
}

int member_prepare(struct ctx *ctx, struct member *m, struct member_sealed *s, int require_id)
{
	/* every refusal, wherever it returns from, frees what sealing already made */
	return member_prepare_in(ctx, m, s, require_id, NULL);
}

int member_prepare_in(struct ctx *ctx, struct member *m, struct member_sealed *s, int require_id,
		      const struct org *branch)
{
	int rc = prepare_checked(ctx, m, s, require_id, branch);
	if (rc)
		member_sealed_release(s);
	return rc;
}

int member_insert_prepared(struct ctx *ctx, struct member *m, const struct member_sealed *s)
{
	struct stmt *st;
	int step;
	st = db_prepare(ctx->db,
			"INSERT INTO members (org_id, org_path, group_id, name, gender, id_enc, id_hash, id_mask, id_tail, "
			"birth_date, ethnicity, education, category, join_date, full_date, job, person_type, work_unit, "
			"phone_enc, phone_hash, phone_mask, phone_tail, address, party_status, lost_contact, lost_since, "
			"floating, grid, discipline, state, created_at, updated_at, dues_from) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"RETURNING id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->org_id);
	stmt_bind_text(st, 2, m->org_path);
	if (m->group_id)
		stmt_bind_int(st, 3, m->group_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, m->name);
	stmt_bind_text(st, 5, m->gender);
	stmt_bind_text(st, 6, s->id_enc);
	stmt_bind_text(st, 7, s->id_hash);
	stmt_bind_text(st, 8, m->id_mask);
	stmt_bind_text(st, 9, s->id_tail);
	stmt_bind_text(st, 10, m->birth_date);
	stmt_bind_text(st, 11, m->ethnicity);
	stmt_bind_text(st, 12, m->education[0] ? m->education : NULL);
	stmt_bind_text(st, 13, m->category);
	stmt_bind_text(st, 14, m->join_date);
	stmt_bind_text(st, 15, m->full_date[0] ? m->full_date : NULL);
	stmt_bind_text(st, 16, m->job[0] ? m->job : NULL);
	stmt_bind_text(st, 17, m->person_type);
	stmt_bind_text(st, 18, m->work_unit[0] ? m->work_unit : NULL);
	stmt_bind_text(st, 19, s->phone_enc);
	stmt_bind_text(st, 20, s->phone_enc ? s->phone_hash : NULL);
	stmt_bind_text(st, 21, s->phone_enc ? m->phone_mask : NULL);
	stmt_bind_text(st, 22, s->phone_enc ? s->phone_tail : NULL);
	stmt_bind_text(st, 23, m->address[0] ? m->address : NULL);
	stmt_bind_text(st, 24, m->party_status);
	stmt_bind_int(st, 25, m->lost_contact);
	stmt_bind_text(st, 26, m->lost_since[0] ? m->lost_since : NULL);
	stmt_bind_int(st, 27, m->floating);
	stmt_bind_text(st, 28, m->grid[0] ? m->grid : NULL);
	stmt_bind_text(st, 29, m->discipline);
	stmt_bind_text(st, 30, m->state);
	stmt_bind_text(st, 31, ctx->now_iso);
	stmt_bind_text(st, 32, ctx->now_iso);
	/* dues start in the month of 入党 unless the caller (recruitment) says otherwise */
	if (!m->dues_from[0])
		strlcpy_z(m->dues_from, m->join_date, 8);
	stmt_bind_text(st, 33, m->dues_from);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		m->id = stmt_int(st, 0);
	stmt_reset(st);
	if (step == STEP_CONSTRAINT)
		return err_set(&ctx->err, E_CONFLICT, "id_number", "member.duplicate", "公民身份号码 %s 已登记在册", m->id_mask);
	if (step != STEP_ROW)
		return ctx_db_fail(ctx);
	m->version = 1;
	return 0;
}

int member_create(struct ctx *ctx, struct member *m)
{
	struct member_sealed s;
	json_t *after = NULL;
	int rc;
	m->id_set = 1;
	if ((rc = member_prepare(ctx, m, &s, 1)))
		return rc;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	if ((rc = member_insert_prepared(ctx, m, &s)))
		goto out;
	after = member_to_json(NULL, m);
	if ((rc = audit_append(ctx, "create", "member", m->id, NULL, after)))
		goto out;
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc && ctx->db)
		db_rollback(ctx->db);
	json_decref(after);
	member_sealed_release(&s);
	return rc;
}

static int load_member(struct ctx *ctx, int64_t id, struct member *m)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT " MEMBER_COLS MEMBER_FROM "WHERE m.id = ?", &ctx->err);
	int found = 0;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW) {
		read_member(st, m);
		found = 1;
	}
	stmt_reset(st);
	return found ? 0 : err_set(&ctx->err, E_NOTFOUND, "id", NULL, "党员不存在或不在您的管理范围内");
}

int member_get(struct ctx *ctx, int64_t id, struct member *m)
{
	int rc = load_member(ctx, id, m);
	if (rc)
		return rc;
	if (ctx->actor.role == ROLE_MEMBER ? ctx->actor.member_id != id : !ctx_path_in_scope(ctx, m->org_path))
		return err_set(&ctx->err, E_NOTFOUND, "id", NULL, "党员不存在或不在您的管理范围内");
	return 0;
}

int member_get_self(struct ctx *ctx, struct member *m)
{
	if (!ctx->actor.member_id)
		return err_set(&ctx->err, E_NOTFOUND, NULL, "member.no_record", "该账号未关联党员记录");
	return load_member(ctx, ctx->actor.member_id, m);
}

int member_history_add(struct ctx *ctx, int64_t member_id, const char *field, const char *old_value,
		       const char *new_value, const char *note)
{
	struct stmt *st = db_prepare(ctx->db, "INSERT INTO member_history (member_id, at, field, old_value, new_value, "
					      "actor_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)", &ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_text(st, 2, ctx->now_iso);
	stmt_bind_text(st, 3, field);
	stmt_bind_text(st, 4, old_value);
	stmt_bind_text(st, 5, new_value);
	stmt_bind_int(st, 6, ctx->actor.user_id);
	stmt_bind_text(st, 7, note);
	return stmt_run(st, &ctx->err);
}

/* Fields whose changes make up a member's status history (党籍状态 with history). */
static int record_history(struct ctx *ctx, const struct member *b, const struct member *a)
{
	char ob[24], nb[24];
	int rc = 0;
	if (strcmp(b->party_status, a->party_status))
		rc = member_history_add(ctx, a->id, "party_status", b->party_status, a->party_status, NULL);
	if (!rc && strcmp(b->category, a->category))
		rc = member_history_add(ctx, a->id, "category", b->category, a->category, NULL);
	if (!rc && strcmp(b->state, a->state))
		rc = member_history_add(ctx, a->id, "state", b->state, a->state, NULL);
	if (!rc && b->lost_contact != a->lost_contact)
		rc = member_history_add(ctx, a->id, "lost_contact", b->lost_contact ? "1" : "0", a->lost_contact ? "1" : "0",
					a->lost_since[0] ? a->lost_since : NULL);
	if (!rc && b->floating != a->floating)
		rc = member_history_add(ctx, a->id, "floating", b->floating ? "1" : "0", a->floating ? "1" : "0", NULL);
	if (!rc && b->org_id != a->org_id) {
		xsnprintf(ob, sizeof(ob), "%" PRId64, b->org_id);
		xsnprintf(nb, sizeof(nb), "%" PRId64, a->org_id);
		rc = member_history_add(ctx, a->id, "org_id", ob, nb, a->org_name);
	}
	return rc;
}

static int write_update(struct ctx *ctx, struct member *m, const struct member_sealed *s, const struct member *before)
{
	struct stmt *st;
	json_t *jb = NULL, *ja = NULL;
	int rc;
	st = db_prepare(ctx->db,
			"UPDATE members SET org_id = ?, org_path = ?, group_id = ?, name = ?, gender = ?, "
			"id_enc = COALESCE(CAST(? AS TEXT), id_enc), id_hash = COALESCE(CAST(? AS TEXT), id_hash), id_mask = ?, "
			"id_tail = COALESCE(CAST(? AS TEXT), id_tail), birth_date = ?, ethnicity = ?, education = ?, category = ?, "
			"join_date = ?, full_date = ?, job = ?, person_type = ?, work_unit = ?, "
			"phone_enc = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE phone_enc END, "
			"phone_hash = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE phone_hash END, phone_mask = ?, "
			"phone_tail = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE phone_tail END, address = ?, party_status = ?, "
			"lost_contact = ?, lost_since = ?, floating = ?, grid = ?, discipline = ?, state = ?, "
			"version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, m->org_id);
	stmt_bind_text(st, 2, m->org_path);
	if (m->group_id)
		stmt_bind_int(st, 3, m->group_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, m->name);
	stmt_bind_text(st, 5, m->gender);
	stmt_bind_text(st, 6, s->id_enc);
	stmt_bind_text(st, 7, s->id_enc ? s->id_hash : NULL);
	stmt_bind_text(st, 8, m->id_mask);
	stmt_bind_text(st, 9, s->id_enc ? s->id_tail : NULL);
	stmt_bind_text(st, 10, m->birth_date);
	stmt_bind_text(st, 11, m->ethnicity);
	stmt_bind_text(st, 12, m->education[0] ? m->education : NULL);
	stmt_bind_text(st, 13, m->category);
	stmt_bind_text(st, 14, m->join_date);
	stmt_bind_text(st, 15, m->full_date[0] ? m->full_date : NULL);
	stmt_bind_text(st, 16, m->job[0] ? m->job : NULL);
	stmt_bind_text(st, 17, m->person_type);
	stmt_bind_text(st, 18, m->work_unit[0] ? m->work_unit : NULL);
	stmt_bind_int(st, 19, m->phone_set);
	stmt_bind_text(st, 20, s->phone_enc);
	stmt_bind_int(st, 21, m->phone_set);
	stmt_bind_text(st, 22, s->phone_enc ? s->phone_hash : NULL);
	stmt_bind_text(st, 23, m->phone_mask[0] ? m->phone_mask : NULL);
	stmt_bind_int(st, 24, m->phone_set);
	stmt_bind_text(st, 25, s->phone_enc ? s->phone_tail : NULL);
	stmt_bind_text(st, 26, m->address[0] ? m->address : NULL);
	stmt_bind_text(st, 27, m->party_status);
	stmt_bind_int(st, 28, m->lost_contact);
	stmt_bind_text(st, 29, m->lost_since[0] ? m->lost_since : NULL);
	stmt_bind_int(st, 30, m->floating);
	stmt_bind_text(st, 31, m->grid[0] ? m->grid : NULL);
	stmt_bind_text(st, 32, m->discipline);
	stmt_bind_text(st, 33, m->state);
	stmt_bind_text(st, 34, ctx->now_iso);
	stmt_bind_int(st, 35, m->id);
	stmt_bind_int(st, 36, m->version);
	if ((rc = stmt_run(st, &ctx->err))) {
		if (ctx->err.code == E_CONFLICT)
			err_set(&ctx->err, E_CONFLICT, "id_number", "member.duplicate", "公民身份号码 %s 已登记在册", m->id_mask);
		goto out;
	}
	if (db_changes(ctx->db) != 1) {
		rc = err_set(&ctx->err, E_CONFLICT, "version", "store.stale", "该党员信息已被他人修改，请刷新后重试");
		goto out;
	}
	m->version++;
	if ((rc = record_history(ctx, before, m)))
		goto out;
	jb = member_to_json(NULL, before);
	ja = member_to_json(NULL, m);
	rc = audit_append(ctx, "update", "member", m->id, jb, ja);
out:
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int member_update(struct ctx *ctx, struct member *m)
{
	struct member before;
	struct member_sealed s;
	int rc;
	memset(&s, 0, sizeof(s));
	if ((rc = member_get(ctx, m->id, &before)))
		return rc;
	if (strcmp(before.state, "active") && strcmp(before.state, m->state))
		return err_set(&ctx->err, E_RULE, "state", "member.state", "党员当前状态为%s，不能直接修改",
			       member_state_name(before.state));
	if (!strcmp(before.state, "transferring") && m->org_id != before.org_id)
		return err_set(&ctx->err, E_RULE, "org_id", "transfer.pending", "组织关系转接办理中，不能调整所在支部");
	if (!m->id_set) {
		strlcpy_z(m->id_mask, before.id_mask, sizeof(m->id_mask));
		if (!m->birth_date[0])
			strlcpy_z(m->birth_date, before.birth_date, sizeof(m->birth_date));
		if (!m->gender[0])
			strlcpy_z(m->gender, before.gender, sizeof(m->gender));
	}
	if (!m->phone_set)
		strlcpy_z(m->phone_mask, before.phone_mask, sizeof(m->phone_mask));
	/* a 党小组 belongs to one branch: moving the member leaves the old group behind */
	if (m->org_id != before.org_id && m->group_id == before.group_id)
		m->group_id = 0;
	if ((rc = member_prepare(ctx, m, &s, 0)))
		return rc;
	if (!m->id_set && (strcmp(m->birth_date, before.birth_date) || strcmp(m->gender, before.gender))) {
		rc = err_set(&ctx->err, E_INVALID, strcmp(m->gender, before.gender) ? "gender" : "birth_date",
			     "member.birth_date.mismatch", "出生日期和性别由公民身份号码决定，请修改公民身份号码");
		goto out;
	}
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	rc = write_update(ctx, m, &s, &before);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	else
		db_rollback(ctx->db);
out:
	member_sealed_release(&s);
	return rc;
}

int member_update_contact(struct ctx *ctx, int64_t version, const char *phone, int phone_set, const char *address,
			  int address_set)
{
	struct member m, before;
	struct member_sealed s;
	struct ctx self = *ctx;
	int rc;
	memset(&s, 0, sizeof(s));
	if ((rc = member_get_self(ctx, &before)))
		return rc;
	m = before;
	m.version = version;
	if (phone_set) {
		m.phone_set = 1;
		strlcpy_z(m.phone, phone, sizeof(m.phone));
	}
	if (address_set)
		strlcpy_z(m.address, address, sizeof(m.address));
	/* validation runs with the member's own branch in scope: a member may not be able
	 * to read their branch through the org API, but their record lives there */
	strlcpy_z(self.actor.org_path, before.org_path, sizeof(self.actor.org_path));
	rc = member_prepare(&self, &m, &s, 0);
	ctx->err = self.err;
	if (rc)
		goto out;
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	rc = write_update(ctx, &m, &s, &before);
	if (!rc)
		rc = db_commit(ctx->db, &ctx->err);
	else
		db_rollback(ctx->db);
out:
	member_sealed_release(&s);
	return rc;
}

/* WHERE clause and bindings for a filter; values appended to vals in order. */
struct where {
	struct strbuf sql;
	const char *vals[24];
	int64_t ints[24];
	int is_int[24];
	int n;
	int by_group; /* listing a 党小组: the per-org counts do not apply */
	int64_t root_id; /* the listed subtree's org (0: every org) */
};

static void where_text(struct where *w, const char *clause, const char *v)
{
	strbuf_addstr(&w->sql, clause);
	w->is_int[w->n] = 0;
	w->vals[w->n++] = v;
}

static void bind_where(struct stmt *st, const struct where *w)
{
	int i;
	for (i = 0; i < w->n; i++) {
		if (w->is_int[i])
			stmt_bind_int(st, i + 1, w->ints[i]);
		else
			stmt_bind_text(st, i + 1, w->vals[i]);
	}
}

static int build_where(struct ctx *ctx, const struct member_filter *f, struct where *w, char *lo, char *hi,
		       char *like, char *hash, char *dmin, char *dmax)
{
	struct org root;
	int rc;
	strbuf_init(&w->sql, 256);
	w->n = 0;
	w->by_group = 0;
	if ((rc = org_scope_root(ctx, f->org_id, &root)))
		return rc;
	w->root_id = root.id;
	strlcpy_z(lo, root.path, PATH_MAX_LEN);
	if (!strcmp(root.kind, "group")) {
		/* members belong to the branch; a 党小组 lists those assigned to it */
		char *slash = lo + strlen(lo) - 1;
		while (slash > lo && slash[-1] != '/')
			slash--;
		*slash = '\0';
		w->is_int[w->n] = 1;
		w->ints[w->n++] = root.id;
		w->by_group = 1;
		strbuf_addstr(&w->sql, " WHERE m.group_id = ?");
	} else {
		strbuf_addstr(&w->sql, " WHERE 1 = 1");
	}
	path_range_end(lo, hi, PATH_MAX_LEN);
	where_text(w, " AND m.org_path >= ?", lo);
	where_text(w, " AND m.org_path < ?", hi);
	if (f->state[0]) {
		if (strcmp(f->state, "all")) {
			if (!member_state_name(f->state))
				return err_set(&ctx->err, E_MALFORMED, "state", NULL, "未知的状态 %s", f->state);
			where_text(w, " AND m.state = ?", f->state);
		}
	} else {
		strbuf_addstr(&w->sql, " AND m.state IN ('active', 'transferring')");
	}
	if (f->category[0])
		where_text(w, " AND m.category = ?", f->category);
	if (f->party_status[0])
		where_text(w, " AND m.party_status = ?", f->party_status);
	if (f->education[0])
		where_text(w, " AND m.education = ?", f->education);
	if (f->person_type[0])
		where_text(w, " AND m.person_type = ?", f->person_type);
	if (f->gender[0])
		where_text(w, " AND m.gender = ?", f->gender);
	if (f->lost_contact >= 0)
		strbuf_addstr(&w->sql, f->lost_contact ? " AND m.lost_contact = 1" : " AND m.lost_contact = 0");
	if (f->floating >= 0)
		strbuf_addstr(&w->sql, f->floating ? " AND m.floating = 1" : " AND m.floating = 0");
	if (f->age_min >= 0) {
		/* age >= N  <=>  born on or before today minus N years */
		struct date d = date_add_months(ctx->today, -12 * f->age_min);
		date_format(d, dmin);
		where_text(w, " AND m.birth_date <= ?", dmin);
	}
	if (f->age_max >= 0) {
		struct date d = date_add_months(ctx->today, -12 * (f->age_max + 1));
		date_format(d, dmax);
		where_text(w, " AND m.birth_date > ?", dmax);
	}
	if (f->q[0]) {
		struct idcard_info id;
		size_t n = strlen(f->q);
		if (n >= 15 && !idcard_parse(f->q, &id, NULL)) {
			pii_hash(id.normalized, hash);
			where_text(w, " AND m.id_hash = ?", hash);
		} else if (n == 4 && strspn(f->q, "0123456789Xx") == 4) {
			char *up = like; /* reuse the buffer: tail match is exact, upper-case X */
			size_t i;
			for (i = 0; i < 4; i++)
				up[i] = f->q[i] == 'x' ? 'X' : f->q[i];
			up[4] = '\0';
			where_text(w, " AND (m.id_tail = ?", up);
			where_text(w, " OR m.phone_tail = ?)", up);
		} else {
			xsnprintf(like, 160, "%%%.100s%%", f->q);
			where_text(w, " AND m.name LIKE ?", like);
		}
	}
	return 0;
}

/*
 * The orders a list may take, and for each the condition "after member X in this order"
 * (keyset paging: a deep page starts at the index entry after X instead of counting
 * OFFSET rows past). keys names the values the condition binds, from X's own row:
 * p org_path, n name, j join_date, b birth_date, i id; a leading ^ (the default order)
 * first raises the list's lower org_path bound to X's path (rather than adding a second
 * bound, which the planner may pass over for the first and scan the subtree from its
 * start). Every order
 * ends on the id, so the condition is exact even among equal names or dates; the sort
 * columns are NOT NULL.
 */
struct member_order {
	const char *key, *order, *after, *keys;
};
static const struct member_order member_orders[] = {
	{ "", " ORDER BY m.org_path, m.name, m.id",
	  " AND NOT (m.org_path = ? AND (m.name < ? OR (m.name = ? AND m.id <= ?)))", "^pnni" },
	{ "name", " ORDER BY m.name, m.id", " AND m.name >= ? AND NOT (m.name = ? AND m.id <= ?)", "nni" },
	{ "-name", " ORDER BY m.name DESC, m.id", " AND m.name <= ? AND NOT (m.name = ? AND m.id <= ?)", "nni" },
	{ "join_date", " ORDER BY m.join_date, m.id", " AND m.join_date >= ? AND NOT (m.join_date = ? AND m.id <= ?)",
	  "jji" },
	{ "-join_date", " ORDER BY m.join_date DESC, m.id",
	  " AND m.join_date <= ? AND NOT (m.join_date = ? AND m.id <= ?)", "jji" },
	{ "birth_date", " ORDER BY m.birth_date, m.id",
	  " AND m.birth_date >= ? AND NOT (m.birth_date = ? AND m.id <= ?)", "bbi" },
	{ "-birth_date", " ORDER BY m.birth_date DESC, m.id",
	  " AND m.birth_date <= ? AND NOT (m.birth_date = ? AND m.id <= ?)", "bbi" },
	{ "id", " ORDER BY m.id", " AND m.id > ?", "i" },
};

static const struct member_order *order_by(const char *sort)
{
	size_t i;
	for (i = 0; i < sizeof(member_orders) / sizeof(member_orders[0]); i++)
		if (!strcmp(sort, member_orders[i].key))
			return &member_orders[i];
	return NULL;
}

/* The sort values of the member a page starts after (member_filter.after); the
 * texts are owned (after_row_release), copied whole so the bound values are exact. */
struct after_row {
	int64_t id;
	char *path, *name, *join_date, *birth_date;
};

static const char *text_or_empty(const char *s)
{
	return s ? s : "";
}

static void after_row_release(struct after_row *a)
{
	free(a->path);
	free(a->name);
	free(a->join_date);
	free(a->birth_date);
	memset(a, 0, sizeof(*a));
}

/*
 * Loads member f->after and adds "after it in order o" to w. The member must be in the
 * listed subtree [lo, hi) (a cursor from another list, or a member since moved out, is
 * refused rather than silently starting elsewhere); it need not match the other filters.
 */
static int where_after(struct ctx *ctx, const struct member_filter *f, const struct member_order *o, char *lo,
		       const char *hi, struct where *w, struct after_row *a)
{
	const char *k;
	struct stmt *st = db_prepare(ctx->db,
				     "SELECT org_path, name, join_date, birth_date FROM members WHERE id = ? "
				     "AND org_path >= ? AND org_path < ?",
				     &ctx->err);
	int step;
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, f->after);
	stmt_bind_text(st, 2, lo);
	stmt_bind_text(st, 3, hi);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW) {
		a->id = f->after;
		a->path = xstrdup(text_or_empty(stmt_text(st, 0)));
		a->name = xstrdup(text_or_empty(stmt_text(st, 1)));
		a->join_date = xstrdup(text_or_empty(stmt_text(st, 2)));
		a->birth_date = xstrdup(text_or_empty(stmt_text(st, 3)));
	}
	stmt_reset(st);
	if (step == STEP_DONE)
		return err_set(&ctx->err, E_MALFORMED, "after", NULL, "after=%" PRId64 " 不是本列表范围内的党员",
			       f->after);
	if (step != STEP_ROW)
		return E_DB;
	strbuf_addstr(&w->sql, o->after);
	k = o->keys;
	if (*k == '^') {
		/* w binds lo by its address: the page's query (the count has run) starts at X's org */
		strlcpy_z(lo, a->path, PATH_MAX_LEN);
		k++;
	}
	for (; *k; k++) {
		if (*k == 'i') {
			w->is_int[w->n] = 1;
			w->ints[w->n++] = a->id;
			continue;
		}
		where_text(w, "", *k == 'p' ? a->path : *k == 'n' ? a->name : *k == 'j' ? a->join_date : a->birth_date);
	}
	return 0;
}

static int unfiltered(const struct member_filter *f)
{
	return !f->q[0] && !f->category[0] && !f->party_status[0] && !f->education[0] && !f->person_type[0] &&
	       !f->gender[0] && !f->state[0] && f->age_min < 0 && f->age_max < 0 && f->lost_contact < 0 && f->floating < 0;
}

static int run_list(struct ctx *ctx, const struct member_filter *f, int count, int64_t *total,
		    int (*fn)(void *arg, const struct member *m), void *arg, int limit, int64_t offset)
{
	struct where w;
	char lo[PATH_MAX_LEN], hi[PATH_MAX_LEN], like[160] = "", hash[65], dmin[11], dmax[11];
	const struct member_order *order = order_by(f->sort);
	struct after_row after = { 0 };
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int rc, step;

	if (!order)
		return err_set(&ctx->err, E_MALFORMED, "sort", NULL, "不支持的排序字段 %s", f->sort);
	if ((rc = build_where(ctx, f, &w, lo, hi, like, hash, dmin, dmax)))
		goto out;
	if (count && unfiltered(f) && !w.by_group) {
		/* the plain list of a subtree (the on-roll members): its row of 036's stats_kept (one row,
		 * where the sum of the orgs' own counts read 664,065 rows for a province of 10M); the sum
		 * for every org at once */
		st = db_prepare(ctx->db,
				w.root_id ? "SELECT COALESCE((SELECT total FROM stats_kept WHERE org_id = ?), 0)"
					  : "SELECT COALESCE(sum(direct_members), 0) FROM orgs WHERE path >= ? AND path < ?",
				&ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		if (w.root_id) {
			stmt_bind_int(st, 1, w.root_id);
		} else {
			stmt_bind_text(st, 1, lo);
			stmt_bind_text(st, 2, hi);
		}
		*total = stmt_step(st, &ctx->err) == STEP_ROW ? stmt_int(st, 0) : 0;
		stmt_reset(st);
	} else if (count) {
		strbuf_addf(&sql, "SELECT count(*) FROM members m%s", w.sql.buf);
		st = db_prepare(ctx->db, sql.buf, &ctx->err);
		if (!st) {
			rc = E_DB;
			goto out;
		}
		bind_where(st, &w);
		*total = stmt_step(st, &ctx->err) == STEP_ROW ? stmt_int(st, 0) : 0;
		stmt_reset(st);
		strbuf_reset(&sql);
	}
	if (f->after) {
		/* after the count: the total is the whole list's */
		if ((rc = where_after(ctx, f, order, lo, hi, &w, &after)))
			goto out;
		offset = 0;
	}
	strbuf_addf(&sql, "SELECT " MEMBER_COLS MEMBER_FROM "%s%s", w.sql.buf + 0, order->order);
	/* MEMBER_FROM already ends the FROM clause; the WHERE refers to m only */
	if (limit > 0)
		strbuf_addf(&sql, " LIMIT %d OFFSET %" PRId64, limit, offset);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = E_DB;
		goto out;
	}
	bind_where(st, &w);
	while ((step = stmt_step(st, &ctx->err)) == STEP_ROW) {
		struct member m;
		read_member(st, &m);
		if ((rc = fn(arg, &m)))
			break;
	}
	stmt_reset(st);
	if (!rc && step != STEP_DONE)
		rc = E_DB;
out:
	after_row_release(&after);
	strbuf_release(&w.sql);
	strbuf_release(&sql);
	return rc;
}

struct json_collect {
	struct ctx *ctx;
	struct jw w;
	int rows;
	int64_t last_id;
};

static int collect_json(void *arg, const struct member *m)
{
	struct json_collect *c = arg;
	c->rows++;
	c->last_id = m->id;
	jw_elem(&c->w);
	member_write_json(&c->w, c->ctx, m);
	return 0;
}

int member_list_json(struct ctx *ctx, const struct member_filter *f, struct strbuf *out)
{
	struct json_collect c;
	int64_t total = 0;
	int rc;
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	jw_init(&c.w, out);
	strbuf_grow(out, (size_t)f->per_page * 640 + 128); /* a member renders to ~550 bytes */
	strbuf_addstr(out, "{\"items\":");
	jw_array(&c.w);
	rc = run_list(ctx, f, 1, &total, collect_json, &c, f->per_page, (int64_t)(f->page - 1) * f->per_page);
	if (rc)
		return rc;
	jw_array_end(&c.w);
	strbuf_addf(out, ",\"total\":%" PRId64 ",\"page\":%d,\"per_page\":%d", total, f->page, f->per_page);
	/* the cursor of the next page: a full page may have rows after it */
	if (c.rows == f->per_page)
		strbuf_addf(out, ",\"next\":%" PRId64 "}", c.last_id);
	else
		strbuf_addstr(out, ",\"next\":null}");
	return 0;
}

int member_list(struct ctx *ctx, const struct member_filter *f, json_t **items, int64_t *total)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *page;
	int rc = member_list_json(ctx, f, &sb);
	if (!rc) {
		page = json_loadb(sb.buf, sb.len, 0, NULL);
		*items = json_incref(json_object_get(page, "items"));
		*total = json_integer_value(json_object_get(page, "total"));
		json_decref(page);
	}
	strbuf_release(&sb);
	return rc;
}

/*
 * member_each reads the list in slices of this many members, each after the last one
 * read (keyset), inside one snapshot: libpq holds a whole result in memory, and a
 * province's export is millions of rows.
 */
int member_each_slice = 5000;

struct each_slice {
	int (*fn)(void *arg, const struct member *m);
	void *arg;
	int rows;
	int64_t last;
};

static int each_row(void *arg, const struct member *m)
{
	struct each_slice *s = arg;
	s->rows++;
	s->last = m->id;
	return s->fn(s->arg, m);
}

int member_each(struct ctx *ctx, const struct member_filter *f, int (*fn)(void *arg, const struct member *m),
		void *arg)
{
	struct member_filter g = *f;
	struct each_slice s = { fn, arg, 0, 0 };
	int rc, own = !db_in_transaction(ctx->db);
	if (own && (rc = db_begin_snapshot(ctx->db, &ctx->err)))
		return rc;
	do {
		s.rows = 0;
		if ((rc = run_list(ctx, &g, 0, NULL, each_row, &s, member_each_slice, 0)))
			break;
		g.after = s.last;
	} while (s.rows == member_each_slice);
	if (own && rc)
		db_rollback(ctx->db);
	else if (own)
		rc = db_commit(ctx->db, &ctx->err);
	return rc;
}

int member_reveal(struct ctx *ctx, int64_t id, const char *field, char **out)
{
	struct member m;
	struct stmt *st;
	char *enc = NULL;
	json_t *detail = NULL;
	int rc, is_id = !strcmp(field, "id_number");

	if (!is_id && strcmp(field, "phone"))
		return err_set(&ctx->err, E_INVALID, "field", "member.reveal_field", "只能查看 id_number 或 phone");
	if ((rc = member_get(ctx, id, &m)))
		return rc;
	/* admins of the member's subtree, or the member themself */
	if (ctx->actor.role != ROLE_SYSADMIN && ctx->actor.role != ROLE_ORG_ADMIN && ctx->actor.member_id != id)
		return err_set(&ctx->err, E_FORBIDDEN, "field", "member.reveal_role", "只有管理员可以查看完整的个人信息");
	st = db_prepare(ctx->db, is_id ? "SELECT id_enc FROM members WHERE id = ?" : "SELECT phone_enc FROM members WHERE id = ?",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &ctx->err) == STEP_ROW && stmt_text(st, 0))
		enc = xstrdup(stmt_text(st, 0));
	stmt_reset(st);
	if (!enc)
		return err_set(&ctx->err, E_NOTFOUND, "field", NULL, "该党员没有登记%s", is_id ? "公民身份号码" : "联系电话");
	if ((rc = db_begin(ctx->db, &ctx->err)))
		goto out;
	detail = json_pack("{s:s, s:s}", "field", field, "masked", is_id ? m.id_mask : m.phone_mask);
	if ((rc = audit_append(ctx, "reveal", "member", id, NULL, detail)) || (rc = db_commit(ctx->db, &ctx->err))) {
		db_rollback(ctx->db);
		goto out;
	}
	rc = pii_decrypt(enc, out, &ctx->err);
out:
	json_decref(detail);
	free(enc);
	return rc;
}

int member_history(struct ctx *ctx, int64_t id, json_t **items)
{
	struct member m;
	struct stmt *st;
	json_t *arr;
	int rc;
	if ((rc = member_get(ctx, id, &m)))
		return rc;
	st = db_prepare(ctx->db, "SELECT h.at, h.field, h.old_value, h.new_value, COALESCE(u.username, 'system'), h.note "
				 "FROM member_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.member_id = ? ORDER BY h.id",
			&ctx->err);
	if (!st)
		return E_DB;
	stmt_bind_int(st, 1, id);
	arr = json_array();
	while (stmt_step(st, &ctx->err) == STEP_ROW) {
		json_t *row = json_object();
		json_object_set_new(row, "at", json_string(stmt_text(st, 0)));
		json_object_set_new(row, "field", json_string(stmt_text(st, 1)));
		json_object_set_new(row, "old_value", json_str_or_null(stmt_text(st, 2)));
		json_object_set_new(row, "new_value", json_str_or_null(stmt_text(st, 3)));
		json_object_set_new(row, "actor", json_string(stmt_text(st, 4)));
		json_object_set_new(row, "note", json_str_or_null(stmt_text(st, 5)));
		json_array_append_new(arr, row);
	}
	stmt_reset(st);
	*items = arr;
	return 0;
}

int member_self_path(struct ctx *ctx, const char *in_states, char *path, size_t size)
{
	char sql[160];
	struct stmt *st;
	int step;
	path[0] = '\0';
	if (!ctx->actor.member_id)
		return 0;
	xsnprintf(sql, sizeof(sql), "SELECT org_path FROM members WHERE id = ? AND state IN %s", in_states);
	if (!(st = db_prepare(ctx->db, sql, &ctx->err)))
		return E_DB;
	stmt_bind_int(st, 1, ctx->actor.member_id);
	step = stmt_step(st, &ctx->err);
	if (step == STEP_ROW)
		stmt_text_copy(st, 0, path, size);
	stmt_reset(st);
	return step == STEP_ROW || step == STEP_DONE ? 0 : ctx_db_fail(ctx);
}
