#include "domain/demo.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "domain/org.h"
#include "util/pii.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Our own PRNG (splitmix64): rand() differs between C libraries and shares state with
 * the rest of the process, so it could not promise the same county for the same seed.
 */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* 0..n-1; the modulo bias is below 1e-15 for the small n used here */
static int rng_below(struct rng *r, int n)
{
	return n <= 1 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static int rng_permille(struct rng *r, int p)
{
	return rng_below(r, 1000) < p;
}

struct weighted {
	const char *v;
	int w;
};

static const char *pick(struct rng *r, const struct weighted *t, size_t n)
{
	int total = 0, x;
	size_t i;
	for (i = 0; i < n; i++)
		total += t[i].w;
	x = rng_below(r, total);
	for (i = 0; i + 1 < n && x >= t[i].w; i++)
		x -= t[i].w;
	return t[i].v;
}
#define PICK(r, t) pick((r), (t), sizeof(t) / sizeof((t)[0]))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the county ---- */

struct town {
	const char *name, *code, *login;
};
static const struct town towns[] = {
	{ "孟庄镇", "MZ", "mengzhuang" },
	{ "永安镇", "YA", "yongan" },
	{ "高桥镇", "GQ", "gaoqiao" },
};

enum bkind { BK_GOV, BK_VILLAGE, BK_COMMUNITY, BK_ENTERPRISE, BK_JOINT };

enum {
	F_NO_COMMITTEE = 1,  /* ≥ 7 full members but no 支部委员会: the structure warning */
	F_TWO_FULL = 2,      /* only 2 full members: the minimum-size warning */
	F_TERM_EXPIRED = 4,
	F_TERM_EXPIRING = 8, /* within the 90-day reminder window */
	F_MEMBER_ACCOUNT = 16, /* one of member1..member3 belongs here */
	F_SHOWN_SECRETARY = 32, /* the secretary login printed as the example */
};

struct branch_spec {
	int town;
	enum bkind kind;
	const char *place; /* village, community or enterprise name; "" for 机关 */
	const char *clan;  /* the village's big family name, NULL elsewhere */
	int flags;
};

static const struct branch_spec specs[] = {
	{ 0, BK_GOV, "", NULL, 0 },
	{ 0, BK_VILLAGE, "张庄村", "张", F_MEMBER_ACCOUNT | F_SHOWN_SECRETARY },
	{ 0, BK_VILLAGE, "李家屯村", "李", 0 },
	{ 0, BK_VILLAGE, "王营村", "王", 0 },
	{ 0, BK_VILLAGE, "刘集村", "刘", 0 },
	{ 0, BK_VILLAGE, "陈楼村", "陈", F_TERM_EXPIRED },
	{ 0, BK_VILLAGE, "赵官庄村", "赵", 0 },
	{ 0, BK_VILLAGE, "孙店村", "孙", 0 },
	{ 0, BK_VILLAGE, "前孟庄村", "孟", 0 },
	{ 0, BK_VILLAGE, "后孟庄村", "孟", 0 },
	{ 0, BK_COMMUNITY, "幸福里社区", NULL, 0 },
	{ 0, BK_COMMUNITY, "孟庄街社区", NULL, 0 },
	{ 0, BK_ENTERPRISE, "孟庄镇宏远纺织有限公司", NULL, 0 },
	{ 0, BK_ENTERPRISE, "孟庄镇金穗面粉有限公司", NULL, 0 },
	{ 0, BK_ENTERPRISE, "河北瑞丰农业科技有限公司", NULL, 0 },

	{ 1, BK_GOV, "", NULL, 0 },
	{ 1, BK_VILLAGE, "杨庄村", "杨", 0 },
	{ 1, BK_VILLAGE, "黄家寨村", "黄", 0 },
	{ 1, BK_VILLAGE, "周庄村", "周", 0 },
	{ 1, BK_VILLAGE, "吴桥村", "吴", 0 },
	{ 1, BK_VILLAGE, "徐店村", "徐", 0 },
	{ 1, BK_VILLAGE, "马坊村", "马", 0 },
	{ 1, BK_VILLAGE, "朱家营村", "朱", 0 },
	{ 1, BK_VILLAGE, "胡庄村", "胡", 0 },
	{ 1, BK_COMMUNITY, "永安街社区", NULL, 0 },
	{ 1, BK_COMMUNITY, "新华社区", NULL, F_TERM_EXPIRING },
	{ 1, BK_ENTERPRISE, "永安镇宏达机械有限公司", NULL, F_MEMBER_ACCOUNT },
	{ 1, BK_ENTERPRISE, "清河县永安羊绒制品有限公司", NULL, 0 },
	{ 1, BK_ENTERPRISE, "永安镇兴隆建材有限公司", NULL, 0 },
	{ 1, BK_ENTERPRISE, "永安镇恒通汽车配件有限公司", NULL, 0 },
	{ 1, BK_JOINT, "非公企业", NULL, 0 },

	{ 2, BK_GOV, "", NULL, 0 },
	{ 2, BK_VILLAGE, "高桥村", "高", 0 },
	{ 2, BK_VILLAGE, "郭庄村", "郭", 0 },
	{ 2, BK_VILLAGE, "何家口村", "何", 0 },
	{ 2, BK_VILLAGE, "罗庄村", "罗", 0 },
	{ 2, BK_VILLAGE, "郑屯村", "郑", 0 },
	{ 2, BK_VILLAGE, "梁家庄村", "梁", 0 },
	{ 2, BK_VILLAGE, "谢营村", "谢", 0 },
	{ 2, BK_VILLAGE, "宋庄村", "宋", 0 },
	{ 2, BK_VILLAGE, "唐家湾村", "唐", F_NO_COMMITTEE },
	{ 2, BK_COMMUNITY, "高桥街社区", NULL, F_MEMBER_ACCOUNT },
	{ 2, BK_ENTERPRISE, "清河县高桥羊绒纺织有限公司", NULL, 0 },
	{ 2, BK_ENTERPRISE, "高桥镇立信电子有限公司", NULL, F_TERM_EXPIRING },
	{ 2, BK_ENTERPRISE, "高桥镇鑫源包装有限公司", NULL, F_TWO_FULL },
};
#define NBRANCH COUNT(specs)

/* the small firms of the 联合党支部, each too small for a branch of its own */
static const char *const joint_units[] = {
	"永安镇鑫达五金加工厂", "永安镇顺通物流有限公司", "永安镇惠民超市", "永安镇美佳服装有限公司", "永安镇德顺食品厂",
};
static const char *const gov_units[] = { "人民政府", "农业综合服务中心", "卫生院", "中心学校" };
static const char *const away_cities[] = { "北京", "天津", "石家庄", "济南", "广州", "苏州" };
static const char *const group_ordinals[] = { "第一党小组", "第二党小组", "第三党小组", "第四党小组" };
static const char *const group_enterprise[] = { "生产一线党小组", "技术研发党小组", "经营管理党小组", "后勤保障党小组" };
static const char *const group_gov[] = { "党政办党小组", "经济发展办党小组", "社会事务办党小组", "综合执法队党小组" };

/* the given list, roughly in order of frequency; each is one 3-byte UTF-8 character */
static const char surnames[] = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
			       "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
			       "钱严覃武戴莫孔向汤";

/* given names follow the fashion of the birth years: 建国 in the 1950s, 浩然 in the 1990s */
static const char *const male_old[] = { "建国", "建军", "建华", "国强", "国庆", "国华", "志刚", "志强", "德明", "德胜",
					"长林", "玉山", "振华", "保国", "文明", "永福", "金山", "树林", "福海", "贵生",
					"春生", "庆丰", "卫东", "红旗", "胜利", "学军", "秋生", "立新", "宝山", "光明" };
static const char *const male_mid[] = { "海涛", "建平", "志勇", "海军", "晓东", "建新", "立伟", "红军", "永强", "春雷",
					"国栋", "文杰", "晓明", "少华", "卫国", "彦军", "海峰", "建伟", "俊峰", "利民",
					"向东", "新民", "振宇", "学文", "永刚", "明亮", "云飞", "广辉", "春阳", "东升" };
static const char *const male_young[] = { "浩然", "子豪", "宇航", "博文", "俊杰", "浩宇", "一鸣", "天宇", "子轩", "鹏飞",
					  "嘉伟", "晨阳", "思远", "宇轩", "泽宇", "明轩", "文博", "皓然", "家豪", "志远" };
static const char *const male_single[] = { "伟", "强", "军", "勇", "磊", "涛", "斌", "刚", "杰", "鹏", "辉", "超",
					   "明", "亮", "华", "平", "峰", "波", "健", "坤", "浩", "宇", "凯", "鑫" };
static const char *const female_old[] = { "秀英", "桂兰", "淑珍", "玉兰", "秀兰", "凤英", "桂英", "秀珍", "淑英", "玉梅",
					  "桂芝", "玉珍", "凤兰", "春花", "素芬", "兰英", "金凤", "翠花", "秀云", "淑华" };
static const char *const female_mid[] = { "丽娟", "秀梅", "海燕", "红梅", "丽华", "晓燕", "春燕", "玉霞", "艳红", "红霞",
					  "雪梅", "美玲", "慧敏", "晓红", "彩霞", "建英", "丽萍", "凤霞", "艳丽", "文静" };
static const char *const female_young[] = { "欣怡", "雨涵", "佳琪", "梓涵", "诗涵", "思琪", "雅静", "婷婷", "晓雪", "梦瑶",
					    "佳怡", "雨桐", "子涵", "心怡", "梦洁", "静怡", "安琪", "若曦", "紫萱", "欣然" };
static const char *const female_single[] = { "静", "丽", "敏", "燕", "娟", "艳", "芳", "霞", "红", "玲", "洁", "颖",
					     "琳", "娜", "倩", "萍", "英", "慧", "婷", "雪" };

/* 清河县 (130534) and its neighbours: people marry and move within the area */
static const struct weighted area_codes[] = {
	{ "130534", 850 }, { "130535", 50 }, { "130533", 40 }, { "130581", 30 }, { "130532", 30 },
};
static const struct weighted ethnicities[] = { { "01", 930 }, { "03", 40 }, { "11", 30 } };
static const char *const mobile_prefixes[] = { "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
					       "150", "151", "152", "153", "155", "156", "157", "158", "159", "177",
					       "180", "181", "182", "183", "185", "186", "187", "188", "189", "199" };

/* 学历 (the Party's table) by the kind of life a member has had */
static const struct weighted edu_rural_old[] = { { "8", 40 }, { "7", 38 }, { "6", 15 }, { "9", 7 } };
static const struct weighted edu_rural_mid[] = { { "7", 48 }, { "6", 24 }, { "8", 8 }, { "41", 8 }, { "44", 6 }, { "22", 6 } };
static const struct weighted edu_rural_young[] = { { "7", 25 }, { "6", 25 }, { "44", 12 }, { "41", 8 }, { "22", 20 }, { "21", 10 } };
static const struct weighted edu_retired[] = { { "6", 28 }, { "41", 20 }, { "7", 20 }, { "22", 14 }, { "21", 10 }, { "8", 8 } };
static const struct weighted edu_urban[] = { { "21", 30 }, { "22", 30 }, { "6", 20 }, { "41", 10 }, { "12", 5 }, { "7", 5 } };
static const struct weighted edu_cadre[] = { { "21", 50 }, { "12", 15 }, { "22", 15 }, { "2B", 10 }, { "2D", 6 }, { "1B", 4 } };
static const struct weighted edu_manager[] = { { "21", 50 }, { "22", 28 }, { "12", 12 }, { "2B", 5 }, { "6", 5 } };
static const struct weighted edu_technical[] = { { "21", 50 }, { "22", 33 }, { "12", 14 }, { "11", 3 } };
static const struct weighted edu_worker[] = { { "6", 35 }, { "47", 20 }, { "41", 18 }, { "7", 15 }, { "22", 12 } };
static const struct weighted job_firm[] = { { "0215", 25 }, { "0216", 30 }, { "0312", 45 } };
static const struct weighted job_gov[] = { { "011", 60 }, { "012", 10 }, { "0211", 10 }, { "0212", 10 }, { "0314", 10 } };

/* ---- the plan: sizes and flags of every branch before anything is written ---- */

struct plan {
	const struct branch_spec *spec;
	char name[128];
	char code[16];
	int size, prob, ngroups;
	struct org org;
	int64_t group_ids[4];
	int64_t secretary_id, account_id; /* members chosen while generating */
	char secretary_name[96], account_name[96];
};

/* 17-digit ID prefixes already used: open addressing, so two members never share a number */
struct idset {
	uint64_t *slots;
	size_t cap;
};

static int idset_add(struct idset *s, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (s->cap - 1);
	key++; /* 0 marks an empty slot */
	while (s->slots[i]) {
		if (s->slots[i] == key)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = key;
	return 1;
}

struct gen {
	struct ctx *ctx;
	struct rng rng;
	struct idset ids;
	int64_t today_days;
};

static int raw_size(struct rng *r, enum bkind k)
{
	switch (k) {
	case BK_VILLAGE: return rng_range(r, 20, 60);
	case BK_COMMUNITY: return rng_range(r, 30, 80);
	case BK_ENTERPRISE: return rng_range(r, 8, 40);
	case BK_GOV: return rng_range(r, 15, 35);
	case BK_JOINT: return rng_range(r, 8, 14);
	}
	return 10;
}

/*
 * Branch sizes scaled to meet the target exactly. The F_TWO_FULL branch is fixed at
 * 2 full + 1 probationary; the others get at least 4 (F_NO_COMMITTEE 9, so it keeps
 * its ≥ 7 full members) and probationary members only from 10 up, so no other branch
 * falls under 3 full members by accident.
 */
static void plan_sizes(struct rng *r, struct plan *p, int target)
{
	int64_t raw[NBRANCH], raw_total = 0;
	int i, fixed = 0, sum = 0, diff, top[3] = { -1, -1, -1 };
	for (i = 0; i < (int)NBRANCH; i++) {
		raw[i] = raw_size(r, p[i].spec->kind);
		if (p[i].spec->flags & F_TWO_FULL)
			fixed += 3;
		else
			raw_total += raw[i];
	}
	for (i = 0; i < (int)NBRANCH; i++) {
		int min = p[i].spec->flags & F_NO_COMMITTEE ? 9 : 4;
		if (p[i].spec->flags & F_TWO_FULL) {
			p[i].size = 3;
			continue;
		}
		p[i].size = (int)((raw[i] * (target - fixed) + raw_total / 2) / raw_total);
		if (p[i].size < min)
			p[i].size = min;
		sum += p[i].size;
	}
	diff = target - fixed - sum;
	for (i = 0; diff; i = (i + 1) % (int)NBRANCH) {
		int min = p[i].spec->flags & F_NO_COMMITTEE ? 9 : 4;
		if (p[i].spec->flags & F_TWO_FULL)
			continue;
		if (diff > 0) {
			p[i].size++;
			diff--;
		} else if (p[i].size > min) {
			p[i].size--;
			diff++;
		}
	}
	for (i = 0; i < (int)NBRANCH; i++) {
		int j;
		if (p[i].spec->flags & F_TWO_FULL) {
			p[i].prob = 1;
			continue;
		}
		if (p[i].size >= 10 && !(p[i].spec->flags & F_NO_COMMITTEE))
			for (j = 0; j < p[i].size; j++)
				p[i].prob += rng_permille(r, 30);
		if (p[i].size >= 25)
			p[i].ngroups = p[i].size / 15 < 2 ? 2 : p[i].size / 15 > 4 ? 4 : p[i].size / 15;
		/* the three biggest branches always have groups, also in a small demo */
		if (top[0] < 0 || p[i].size > p[top[0]].size) {
			top[2] = top[1];
			top[1] = top[0];
			top[0] = i;
		} else if (top[1] < 0 || p[i].size > p[top[1]].size) {
			top[2] = top[1];
			top[1] = i;
		} else if (top[2] < 0 || p[i].size > p[top[2]].size) {
			top[2] = i;
		}
	}
	for (i = 0; i < 3; i++)
		if (top[i] >= 0 && !p[top[i]].ngroups && p[top[i]].size >= 9)
			p[top[i]].ngroups = 2;
}

/* ---- organizations ---- */

static void set_date(char *out, int64_t days)
{
	date_format(date_from_days(days), out);
}

static int64_t days_years_ago(const struct gen *g, int years)
{
	return date_to_days(date_add_months(date_from_days(g->today_days), -12 * years));
}

/* term_start/term_end exactly `years` apart (org_warnings checks the length) */
static void set_term(struct gen *g, struct org *o, int years, int flags)
{
	int64_t start;
	if (flags & F_TERM_EXPIRED)
		start = days_years_ago(g, years) - 40;
	else if (flags & F_TERM_EXPIRING)
		start = days_years_ago(g, years) + (o->unit_kind[0] == 'e' ? 60 : 45);
	else /* ends more than 90 days from today, so no reminder */
		start = g->today_days - rng_range(&g->rng, 30, years * 365 - 120);
	set_date(o->term_start, start);
	date_format(date_add_months(date_from_days(start), 12 * years), o->term_end);
}

static int create_org(struct ctx *ctx, struct org *o, struct demo_report *out)
{
	int rc = org_create(ctx, o);
	if (!rc)
		out->orgs++;
	return rc;
}

static int create_branch(struct gen *g, struct plan *p, const struct org *town, struct demo_report *out)
{
	const struct branch_spec *s = p->spec;
	struct org *o = &p->org;
	const char *tn = towns[s->town].name;
	int rc, j, full = p->size - p->prob, years;

	memset(o, 0, sizeof(*o));
	o->parent_id = town->id;
	strlcpy_z(o->kind, s->kind == BK_JOINT ? "joint_branch" : "branch", sizeof(o->kind));
	strlcpy_z(o->name, p->name, sizeof(o->name));
	strlcpy_z(o->code, p->code, sizeof(o->code));
	switch (s->kind) {
	case BK_GOV:
		strlcpy_z(o->unit_kind, "government", sizeof(o->unit_kind));
		xsnprintf(o->address, sizeof(o->address), "清河县%s人民政府", tn);
		set_date(o->founded_on, days_years_ago(g, rng_range(&g->rng, 40, 68)) - rng_below(&g->rng, 365));
		break;
	case BK_VILLAGE:
		strlcpy_z(o->unit_kind, "village", sizeof(o->unit_kind));
		xsnprintf(o->address, sizeof(o->address), "清河县%s%s村民委员会", tn, s->place);
		set_date(o->founded_on, days_years_ago(g, rng_range(&g->rng, 40, 76)) - rng_below(&g->rng, 365));
		break;
	case BK_COMMUNITY:
		strlcpy_z(o->unit_kind, "community", sizeof(o->unit_kind));
		xsnprintf(o->address, sizeof(o->address), "清河县%s%s居民委员会", tn, s->place);
		set_date(o->founded_on, days_years_ago(g, rng_range(&g->rng, 10, 26)) - rng_below(&g->rng, 365));
		break;
	case BK_ENTERPRISE:
	case BK_JOINT:
		strlcpy_z(o->unit_kind, "enterprise", sizeof(o->unit_kind));
		xsnprintf(o->address, sizeof(o->address), "清河县%s工业园区%d号", tn, rng_range(&g->rng, 1, 88));
		set_date(o->founded_on, days_years_ago(g, s->kind == BK_JOINT ? rng_range(&g->rng, 4, 9)
									   : rng_range(&g->rng, 5, 22)) -
						   rng_below(&g->rng, 365));
		break;
	}
	years = s->kind == BK_VILLAGE || s->kind == BK_COMMUNITY ? 5 : 3;
	set_term(g, o, years, s->flags);
	/* RULES.md §2: ≥ 7 full members elect a 支部委员会, usually 3 or 5 */
	if (full >= 7 && !(s->flags & F_NO_COMMITTEE))
		o->committee_size = full >= 30 ? 5 : full >= 15 ? (rng_permille(&g->rng, 500) ? 5 : 3) : 3;
	if ((rc = create_org(g->ctx, o, out)))
		return rc;
	for (j = 0; j < p->ngroups; j++) {
		struct org grp;
		memset(&grp, 0, sizeof(grp));
		grp.parent_id = o->id;
		strlcpy_z(grp.kind, "group", sizeof(grp.kind));
		strlcpy_z(grp.name,
			  s->kind == BK_GOV ? group_gov[j]
			  : s->kind == BK_ENTERPRISE || s->kind == BK_JOINT ? group_enterprise[j]
									 : group_ordinals[j],
			  sizeof(grp.name));
		xsnprintf(grp.code, sizeof(grp.code), "%s-%d", p->code, j + 1);
		strlcpy_z(grp.unit_kind, o->unit_kind, sizeof(grp.unit_kind));
		strlcpy_z(grp.founded_on, o->term_start, sizeof(grp.founded_on));
		if ((rc = create_org(g->ctx, &grp, out)))
			return rc;
		p->group_ids[j] = grp.id;
	}
	return 0;
}

static int create_orgs(struct gen *g, struct plan *plans, struct demo_report *out, struct org *town_orgs)
{
	struct org dept;
	size_t i;
	int rc;

	memset(&dept, 0, sizeof(dept));
	strlcpy_z(dept.kind, "dept", sizeof(dept.kind));
	strlcpy_z(dept.name, "中共清河县委组织部", sizeof(dept.name));
	strlcpy_z(dept.code, "QH", sizeof(dept.code));
	strlcpy_z(dept.unit_kind, "government", sizeof(dept.unit_kind));
	strlcpy_z(dept.founded_on, "1949-08-01", sizeof(dept.founded_on));
	strlcpy_z(dept.address, "河北省邢台市清河县人民路1号", sizeof(dept.address));
	if ((rc = create_org(g->ctx, &dept, out)))
		return rc;
	for (i = 0; i < COUNT(towns); i++) {
		struct org *t = &town_orgs[i];
		memset(t, 0, sizeof(*t));
		t->parent_id = dept.id;
		strlcpy_z(t->kind, "committee", sizeof(t->kind));
		xsnprintf(t->name, sizeof(t->name), "%s党委", towns[i].name);
		xsnprintf(t->code, sizeof(t->code), "QH-%s", towns[i].code);
		strlcpy_z(t->unit_kind, "government", sizeof(t->unit_kind));
		t->can_approve = 1;
		t->committee_size = 7;
		strlcpy_z(t->founded_on, "1984-03-01", sizeof(t->founded_on));
		xsnprintf(t->address, sizeof(t->address), "清河县%s人民政府", towns[i].name);
		/*
		 * No term dates: a township 党委 serves 5 years, while the reminder in
		 * org_warnings expects 3 outside villages and communities, so any date here
		 * would show a false "wrong term length" warning on every town.
		 */
		if ((rc = create_org(g->ctx, t, out)))
			return rc;
	}
	for (i = 0; i < NBRANCH; i++)
		if ((rc = create_branch(g, &plans[i], &town_orgs[plans[i].spec->town], out)))
			return rc;
	return 0;
}

/* ---- members ---- */

static int sample_age(struct rng *r, enum bkind k)
{
	/* {lo, hi, weight}: villages keep their older members, firms and offices are younger */
	static const int village[][3] = { { 22, 35, 12 }, { 36, 50, 22 }, { 51, 65, 30 }, { 66, 78, 26 }, { 79, 85, 10 } };
	static const int community[][3] = { { 22, 35, 15 }, { 36, 50, 20 }, { 51, 62, 22 }, { 63, 85, 43 } };
	static const int firm[][3] = { { 23, 30, 25 }, { 31, 45, 45 }, { 46, 58, 30 } };
	static const int gov[][3] = { { 23, 35, 30 }, { 36, 50, 35 }, { 51, 59, 20 }, { 61, 80, 15 } };
	const int(*b)[3];
	size_t n, i;
	int x, total = 0;
	switch (k) {
	case BK_VILLAGE: b = village; n = COUNT(village); break;
	case BK_COMMUNITY: b = community; n = COUNT(community); break;
	case BK_GOV: b = gov; n = COUNT(gov); break;
	default: b = firm; n = COUNT(firm); break;
	}
	for (i = 0; i < n; i++)
		total += b[i][2];
	x = rng_below(r, total);
	for (i = 0; i + 1 < n && x >= b[i][2]; i++)
		x -= b[i][2];
	return rng_range(r, b[i][0], b[i][1]);
}

static void make_name(struct rng *r, const struct branch_spec *s, int male, int birth_year, char *out, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	int nsur = (int)(sizeof(surnames) - 1) / 3, total = 0, i, x;
	const char *const *pool;
	size_t npool;

	if (s->clan && rng_permille(r, 350)) {
		strbuf_addstr(&sb, s->clan);
	} else {
		/* Zipf-like: 王 about 20 times as common as 汤 */
		for (i = 0; i < nsur; i++)
			total += 12000 / (i + 6);
		x = rng_below(r, total);
		for (i = 0; i + 1 < nsur && x >= 12000 / (i + 6); i++)
			x -= 12000 / (i + 6);
		strbuf_add(&sb, surnames + 3 * i, 3);
	}
	if (rng_permille(r, birth_year < 1965 ? 150 : birth_year < 1985 ? 350 : 200)) {
		pool = male ? male_single : female_single;
		npool = male ? COUNT(male_single) : COUNT(female_single);
	} else if (birth_year < 1965) {
		pool = male ? male_old : female_old;
		npool = male ? COUNT(male_old) : COUNT(female_old);
	} else if (birth_year < 1985) {
		pool = male ? male_mid : female_mid;
		npool = male ? COUNT(male_mid) : COUNT(female_mid);
	} else {
		pool = male ? male_young : female_young;
		npool = male ? COUNT(male_young) : COUNT(female_young);
	}
	strbuf_addstr(&sb, pool[rng_below(r, (int)npool)]);
	strlcpy_z(out, sb.buf, size);
	strbuf_release(&sb);
}

/* A valid 18-digit number nobody else in the demo has: area, birth, sequence, check. */
static void make_id(struct gen *g, struct date birth, int male, char *out, size_t size)
{
	char first17[18];
	const char *area = PICK(&g->rng, area_codes);
	for (;;) {
		int seq = rng_range(&g->rng, 1, 999);
		if ((seq & 1) != male) /* the 17th digit: odd for men, even for women */
			seq = seq == 999 ? 998 : seq + 1;
		xsnprintf(first17, sizeof(first17), "%s%04d%02d%02d%03d", area, birth.y, birth.m, birth.d, seq);
		if (idset_add(&g->ids, strtoull(first17, NULL, 10)))
			break;
	}
	xsnprintf(out, size, "%s%c", first17, idcard_check_char(first17));
}

static void make_phone(struct rng *r, char *out, size_t size)
{
	xsnprintf(out, size, "%s%04d%04d", mobile_prefixes[rng_below(r, (int)COUNT(mobile_prefixes))],
		  rng_below(r, 10000), rng_below(r, 10000));
}

/* What a member does for a living: 人员身份, 工作岗位, 工作单位, 学历; may adjust the age. */
static void occupation(struct gen *g, const struct plan *p, struct member *m, int *age, int probationary)
{
	struct rng *r = &g->rng;
	const struct branch_spec *s = p->spec;
	const char *tn = towns[s->town].name;
	const char *edu = NULL;

	switch (s->kind) {
	case BK_VILLAGE:
		strlcpy_z(m->person_type, "farmer", sizeof(m->person_type));
		if (*age >= 60 && rng_permille(r, 120)) {
			/* retired teachers and workers who went home to the village */
			strlcpy_z(m->person_type, "retired", sizeof(m->person_type));
			strlcpy_z(m->job, "502", sizeof(m->job));
			edu = PICK(r, edu_retired);
		} else if (*age <= 50 && !probationary && rng_permille(r, 90)) {
			strlcpy_z(m->job, "123", sizeof(m->job));
			m->floating = 1;
			xsnprintf(m->work_unit, sizeof(m->work_unit), "在%s务工",
				  away_cities[rng_below(r, (int)COUNT(away_cities))]);
		} else if (*age >= 24 && *age <= 32 && rng_permille(r, 15)) {
			strlcpy_z(m->person_type, "employed", sizeof(m->person_type));
			strlcpy_z(m->job, "601", sizeof(m->job));
			xsnprintf(m->work_unit, sizeof(m->work_unit), "%s%s村民委员会", tn, s->place);
			edu = "21";
		} else if (*age >= 35 && rng_permille(r, 30)) {
			strlcpy_z(m->job, "122", sizeof(m->job));
			xsnprintf(m->work_unit, sizeof(m->work_unit), "%s%s卫生室", tn, s->place);
			edu = rng_permille(r, 500) ? "41" : "22";
		} else {
			strlcpy_z(m->job, rng_permille(r, 880) ? "11" : "124", sizeof(m->job));
		}
		if (!edu)
			edu = *age >= 70 ? PICK(r, edu_rural_old) : *age >= 45 ? PICK(r, edu_rural_mid) : PICK(r, edu_rural_young);
		break;
	case BK_COMMUNITY:
		if (*age >= 60) {
			strlcpy_z(m->person_type, "retired", sizeof(m->person_type));
			strlcpy_z(m->job, "502", sizeof(m->job));
			edu = PICK(r, edu_retired);
		} else if (!probationary && rng_permille(r, 40)) {
			/* college students whose Party relationship stayed at home */
			int grad = rng_permille(r, 400);
			*age = grad ? rng_range(r, 23, 25) : rng_range(r, 20, 22);
			strlcpy_z(m->person_type, "student", sizeof(m->person_type));
			strlcpy_z(m->job, grad ? (rng_permille(r, 500) ? "301" : "303") : (rng_permille(r, 500) ? "311" : "313"),
				  sizeof(m->job));
			edu = grad ? "21" : "6";
		} else {
			int x = rng_below(r, 100);
			strlcpy_z(m->person_type, "employed", sizeof(m->person_type));
			if (x < 20) {
				strlcpy_z(m->job, "602", sizeof(m->job));
				xsnprintf(m->work_unit, sizeof(m->work_unit), "%s%s居民委员会", tn, s->place);
			} else if (x < 40) {
				strlcpy_z(m->job, "604", sizeof(m->job));
			} else if (x < 50) {
				strlcpy_z(m->person_type, "other", sizeof(m->person_type));
				strlcpy_z(m->job, "605", sizeof(m->job));
			} else if (x < 90) {
				/* staff of the county's private firms (job_firm codes are non-public) */
				const struct branch_spec *firm;
				do
					firm = &specs[rng_below(r, (int)NBRANCH)];
				while (firm->kind != BK_ENTERPRISE);
				strlcpy_z(m->job, PICK(r, job_firm), sizeof(m->job));
				strlcpy_z(m->work_unit, firm->place, sizeof(m->work_unit));
			} else {
				strlcpy_z(m->person_type, "other", sizeof(m->person_type));
				strlcpy_z(m->job, "613", sizeof(m->job));
			}
			edu = PICK(r, edu_urban);
			if (!probationary && rng_permille(r, 30)) {
				m->floating = 1;
				xsnprintf(m->work_unit, sizeof(m->work_unit), "在%s工作",
					  away_cities[rng_below(r, (int)COUNT(away_cities))]);
			}
		}
		break;
	case BK_ENTERPRISE:
	case BK_JOINT:
		strlcpy_z(m->person_type, "employed", sizeof(m->person_type));
		strlcpy_z(m->job, PICK(r, job_firm), sizeof(m->job));
		strlcpy_z(m->work_unit, s->kind == BK_JOINT ? joint_units[rng_below(r, (int)COUNT(joint_units))] : s->place,
			  sizeof(m->work_unit));
		edu = !strcmp(m->job, "0215") ? PICK(r, edu_manager)
		      : !strcmp(m->job, "0216") ? PICK(r, edu_technical)
						 : PICK(r, edu_worker);
		break;
	case BK_GOV:
		if (*age >= 60) {
			strlcpy_z(m->person_type, "retired", sizeof(m->person_type));
			strlcpy_z(m->job, "502", sizeof(m->job));
			edu = PICK(r, edu_cadre);
			break;
		}
		strlcpy_z(m->person_type, "employed", sizeof(m->person_type));
		strlcpy_z(m->job, PICK(r, job_gov), sizeof(m->job));
		xsnprintf(m->work_unit, sizeof(m->work_unit), "%s%s", tn,
			  m->job[0] == '0' && m->job[1] == '2' ? gov_units[1 + rng_below(r, 3)] : gov_units[0]);
		edu = !strcmp(m->job, "0314") ? PICK(r, edu_worker) : PICK(r, edu_cadre);
		break;
	}
	strlcpy_z(m->education, edu, sizeof(m->education));
}

/* 入党日期 and 转正日期 within the rules: ≥ 18 at joining, full a year later, none in the future. */
static void party_dates(struct gen *g, const struct plan *p, struct member *m, struct date birth, int probationary)
{
	struct rng *r = &g->rng;
	/* 31 days past the 18th birthday absorbs the Feb 29 clamp of date_add_months */
	int64_t lo = date_to_days(date_add_months(birth, 18 * 12)) + 31, hi, join;
	int join_age, months = 12;

	if (probationary) {
		hi = g->today_days - 10;
		join = g->today_days - rng_range(r, 10, 350);
		if (join < lo)
			join = lo;
		if (join > hi)
			join = hi;
		set_date(m->join_date, join);
		strlcpy_z(m->category, "probationary", sizeof(m->category));
		return;
	}
	switch (p->spec->kind) {
	case BK_GOV: join_age = rng_range(r, 20, 30); break;
	case BK_VILLAGE: join_age = rng_permille(r, 600) ? rng_range(r, 19, 30) : rng_range(r, 31, 45); break;
	case BK_COMMUNITY: join_age = rng_range(r, 19, 40); break;
	default: join_age = rng_range(r, 21, 38); break;
	}
	/* the full date a year after joining must not lie in the future */
	hi = date_to_days(date_add_months(date_from_days(g->today_days), -12)) - 1;
	join = date_to_days(date_add_months(birth, 12 * join_age)) + rng_below(r, 365);
	/* too young for the drawn age: spread over the years they could have joined,
	 * rather than piling everyone up on the last possible day */
	if (join < lo || join > hi)
		join = lo + rng_below(r, (int)(hi - lo < 8 * 365 ? hi - lo : 8 * 365) + 1);
	set_date(m->join_date, join);
	/* now and then the 预备期 was extended by half a year or a year */
	if (rng_permille(r, 40))
		months = rng_permille(r, 750) ? 18 : 24;
	if (date_to_days(date_add_months(date_from_days(join), months)) > g->today_days)
		months = 12;
	date_format(date_add_months(date_from_days(join), months), m->full_date);
	strlcpy_z(m->category, "full", sizeof(m->category));
}

/* Fill m with one plausible member of branch p; *age gets the age today. */
static void make_member(struct gen *g, const struct plan *p, int idx, int probationary, struct member *m, int *age)
{
	struct rng *r = &g->rng;
	const struct branch_spec *s = p->spec;
	const char *tn = towns[s->town].name;
	static const int male_permille[] = { [BK_GOV] = 650, [BK_VILLAGE] = 760, [BK_COMMUNITY] = 600,
					     [BK_ENTERPRISE] = 700, [BK_JOINT] = 650 };
	struct date birth;
	int male, group = p->ngroups ? idx % p->ngroups : -1;

	memset(m, 0, sizeof(*m));
	m->org_id = p->org.id;
	if (group >= 0)
		m->group_id = p->group_ids[group];
	male = rng_permille(r, male_permille[s->kind]);
	*age = probationary ? rng_range(r, 20, 38) : sample_age(r, s->kind);
	occupation(g, p, m, age, probationary);
	birth = date_add_days(date_add_months(date_from_days(g->today_days), -12 * *age), -rng_range(r, 1, 364));
	xsnprintf(m->gender, sizeof(m->gender), "%d", male ? 1 : 2);
	make_id(g, birth, male, m->id_number, sizeof(m->id_number));
	m->id_set = 1;
	make_name(r, s, male, birth.y, m->name, sizeof(m->name));
	strlcpy_z(m->ethnicity, PICK(r, ethnicities), sizeof(m->ethnicity));
	party_dates(g, p, m, birth, probationary);
	if (rng_permille(r, *age >= 78 ? 550 : *age >= 68 ? 800 : 960)) {
		make_phone(r, m->phone, sizeof(m->phone));
		m->phone_set = 1;
	}
	switch (s->kind) {
	case BK_VILLAGE: {
		/* 党小组 follow the 村民小组 (组) the members live in */
		int lo = group >= 0 ? group * 8 / p->ngroups : 0, hi = group >= 0 ? (group + 1) * 8 / p->ngroups : 8;
		xsnprintf(m->address, sizeof(m->address), "%s%s%d组", tn, s->place, lo + 1 + rng_below(r, hi - lo));
		break;
	}
	case BK_COMMUNITY:
		xsnprintf(m->address, sizeof(m->address), "%s%s%d号楼%d单元%d0%d", tn, s->place, rng_range(r, 1, 24),
			  rng_range(r, 1, 4), rng_range(r, 1, 6), rng_range(r, 1, 2));
		xsnprintf(m->grid, sizeof(m->grid), "第%d网格", rng_range(r, 1, 6));
		break;
	default: {
		/* staff live in the town's villages and communities */
		const struct branch_spec *home;
		do
			home = &specs[rng_below(r, (int)NBRANCH)];
		while (home->town != s->town || (home->kind != BK_VILLAGE && home->kind != BK_COMMUNITY));
		if (home->kind == BK_VILLAGE)
			xsnprintf(m->address, sizeof(m->address), "%s%s%d组", tn, home->place, rng_range(r, 1, 8));
		else
			xsnprintf(m->address, sizeof(m->address), "%s%s%d号楼%d单元%d0%d", tn, home->place,
				  rng_range(r, 1, 24), rng_range(r, 1, 4), rng_range(r, 1, 6), rng_range(r, 1, 2));
		break;
	}
	}
	/* a few members nobody has reached for a while (失联党员) */
	if (!probationary && !m->floating && *age >= 25 && *age <= 60 && s->kind != BK_GOV &&
	    rng_permille(r, s->kind == BK_ENTERPRISE ? 3 : 8)) {
		int64_t since = g->today_days - rng_range(r, 200, 1500), full;
		struct date fd;
		/* lost some time after becoming a full member, and not in the future */
		if (!date_parse(m->full_date, &fd) && since <= (full = date_to_days(fd)))
			since = full + 30;
		if (since <= g->today_days) {
			m->lost_contact = 1;
			set_date(m->lost_since, since);
		}
	}
}

/* A secretary: a full member, reachable, of working age and not a student. */
static int may_lead(const struct member *m, int age)
{
	return !strcmp(m->category, "full") && !m->lost_contact && !m->floating && age >= 30 && age <= 62 &&
	       strcmp(m->person_type, "student");
}

static int insert_members(struct gen *g, struct plan *plans, struct demo_report *out)
{
	struct ctx *ctx = g->ctx;
	struct member m;
	struct member_sealed sealed;
	json_t *detail = NULL;
	size_t i;
	int rc, j, age;

	/* one transaction and one audit entry per branch instead of one per member: the
	 * demo's 1,500 rows then commit at bulk-import speed */
	if ((rc = db_begin(ctx->db, &ctx->err)))
		return rc;
	for (i = 0; i < NBRANCH; i++) {
		struct plan *p = &plans[i];
		int64_t first_full = 0, spare[2] = { 0, 0 };
		char first_name[96] = "", spare_name[2][96];
		for (j = 0; j < p->size; j++) {
			/* the probationary members are the last ones of the branch */
			make_member(g, p, j, j >= p->size - p->prob, &m, &age);
			if ((rc = member_prepare(ctx, &m, &sealed, 1)))
				goto out;
			rc = member_insert_prepared(ctx, &m, &sealed);
			member_sealed_release(&sealed);
			if (rc)
				goto out;
			out->members++;
			if (j < 2) {
				spare[j] = m.id;
				strlcpy_z(spare_name[j], m.name, sizeof(spare_name[j]));
			}
			if (!first_full && !strcmp(m.category, "full")) {
				first_full = m.id;
				strlcpy_z(first_name, m.name, sizeof(first_name));
			}
			if (may_lead(&m, age) && !p->secretary_id) {
				p->secretary_id = m.id;
				strlcpy_z(p->secretary_name, m.name, sizeof(p->secretary_name));
			} else if (may_lead(&m, age) && !p->account_id) {
				p->account_id = m.id;
				strlcpy_z(p->account_name, m.name, sizeof(p->account_name));
			}
		}
		if (!p->secretary_id) { /* tiny branch without anyone of working age */
			p->secretary_id = first_full;
			strlcpy_z(p->secretary_name, first_name, sizeof(p->secretary_name));
		}
		if (!p->account_id) { /* likewise for a member account: anyone but the secretary */
			j = spare[0] == p->secretary_id;
			p->account_id = spare[j];
			strlcpy_z(p->account_name, spare_name[j], sizeof(p->account_name));
		}
		detail = json_pack("{s:i, s:i}", "members", p->size, "probationary", p->prob);
		rc = audit_append(ctx, "demo_seed", "org", p->org.id, NULL, detail);
		json_decref(detail);
		if (rc)
			goto out;
	}
	rc = db_commit(ctx->db, &ctx->err);
out:
	if (rc)
		db_rollback(ctx->db);
	return rc;
}

/* ---- accounts ---- */

/* copy, cutting at a UTF-8 character boundary rather than inside one */
static void copy_cut(char *dst, const char *src, size_t size)
{
	size_t n, lead, need;
	unsigned char c;
	if (!strlcpy_z(dst, src, size))
		return;
	n = strlen(dst);
	lead = n;
	while (lead > 0 && ((unsigned char)dst[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (!lead)
		return;
	c = (unsigned char)dst[lead - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (lead - 1 + need > n)
		dst[lead - 1] = '\0';
}

static void add_login(struct demo_report *out, const char *user, const char *password, const char *who)
{
	struct strbuf sb = STRBUF_INIT;
	if (out->nlogins >= DEMO_LOGINS)
		return;
	strbuf_addf(&sb, "%-12s %-12s %s", user, password, who);
	copy_cut(out->logins[out->nlogins++], sb.buf, DEMO_LOGIN_LEN);
	strbuf_release(&sb);
}

static int add_user(struct ctx *ctx, const char *username, const char *display, enum role role, int64_t org_id,
		    int64_t member_id, const char *password, struct demo_report *out)
{
	struct user u;
	int rc;
	memset(&u, 0, sizeof(u));
	strlcpy_z(u.username, username, sizeof(u.username));
	copy_cut(u.display_name, display, sizeof(u.display_name));
	u.role = role;
	u.org_id = org_id;
	u.member_id = member_id;
	rc = user_create(ctx, &u, password);
	if (!rc)
		out->users++;
	return rc;
}

static int create_accounts(struct ctx *ctx, struct plan *plans, const struct org *town_orgs, const char *admin_pw,
			   struct demo_report *out)
{
	char username[64], who[160];
	size_t i;
	int rc, nmember = 0;

	if ((rc = add_user(ctx, "admin", "系统管理员", ROLE_SYSADMIN, 0, 0, admin_pw, out)))
		return rc;
	add_login(out, "admin", admin_pw, "系统管理员（全县）");
	for (i = 0; i < COUNT(towns); i++) {
		xsnprintf(who, sizeof(who), "%s党委管理员", towns[i].name);
		if ((rc = add_user(ctx, towns[i].login, who, ROLE_ORG_ADMIN, town_orgs[i].id, 0, DEMO_TOWN_PASSWORD, out)))
			return rc;
		add_login(out, towns[i].login, DEMO_TOWN_PASSWORD, who);
	}
	for (i = 0; i < NBRANCH; i++) {
		struct plan *p = &plans[i];
		size_t k;
		/* the branch's secretary is a member of it, and the account is that person's */
		p->org.secretary_member_id = p->secretary_id;
		if ((rc = org_update(ctx, &p->org)))
			return rc;
		xsnprintf(username, sizeof(username), "sec%s", p->code);
		for (k = 0; username[k]; k++)
			if (username[k] >= 'A' && username[k] <= 'Z')
				username[k] = (char)(username[k] - 'A' + 'a');
		if ((rc = add_user(ctx, username, p->secretary_name, ROLE_SECRETARY, p->org.id, p->secretary_id,
				   DEMO_BRANCH_PASSWORD, out)))
			return rc;
		if (p->spec->flags & F_SHOWN_SECRETARY) {
			xsnprintf(who, sizeof(who), "%s书记%s（各支部 sec+代码）", p->name, p->secretary_name);
			add_login(out, username, DEMO_BRANCH_PASSWORD, who);
		}
	}
	for (i = 0; i < NBRANCH; i++) {
		const struct plan *p = &plans[i];
		if (!(p->spec->flags & F_MEMBER_ACCOUNT) || !p->account_id)
			continue;
		xsnprintf(username, sizeof(username), "member%d", ++nmember);
		if ((rc = add_user(ctx, username, p->account_name, ROLE_MEMBER, p->org.id, p->account_id,
				   DEMO_MEMBER_PASSWORD, out)))
			return rc;
		xsnprintf(who, sizeof(who), "党员%s（%s）", p->account_name, p->name);
		add_login(out, username, DEMO_MEMBER_PASSWORD, who);
	}
	return 0;
}

static int database_empty(struct ctx *ctx)
{
	struct stmt *st = db_prepare(ctx->db, "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM users)", &ctx->err);
	int64_t n = -1;
	if (!st)
		return E_DB;
	if (stmt_step(st, &ctx->err) == STEP_ROW)
		n = stmt_int(st, 0);
	stmt_reset(st);
	if (n < 0)
		return E_DB;
	if (n > 0)
		return err_set(&ctx->err, E_CONFLICT, NULL, "demo.not_empty",
			       "数据库中已有组织或账号，演示数据只能写入空数据库");
	return 0;
}

int demo_generate(struct ctx *ctx, const struct demo_options *opt, struct demo_report *out)
{
	struct gen g;
	struct plan *plans = NULL;
	struct org town_orgs[COUNT(towns)];
	const char *admin_pw = opt && opt->admin_password && opt->admin_password[0] ? opt->admin_password
										   : DEMO_ADMIN_PASSWORD;
	int target = opt && opt->members_target ? opt->members_target : DEMO_MEMBERS_DEFAULT;
	size_t i, cap = 16;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	if (ctx->actor.role != ROLE_SYSADMIN)
		return err_set(&ctx->err, E_FORBIDDEN, NULL, "demo.role", "只有系统管理员可以生成演示数据");
	if (!pii_keys_loaded())
		return err_set(&ctx->err, E_INTERNAL, NULL, NULL, "personal-data keys are not loaded");
	if (target < DEMO_MEMBERS_MIN || target > DEMO_MEMBERS_MAX)
		return err_set(&ctx->err, E_INVALID, "members_target", "demo.members_target", "演示党员人数应为 %d–%d",
			       DEMO_MEMBERS_MIN, DEMO_MEMBERS_MAX);
	/* checked before anything is written, so a weak password costs no half-built county */
	if ((rc = password_check_strength(ctx, admin_pw)) || (rc = database_empty(ctx)))
		return rc;

	g.ctx = ctx;
	g.rng.s = opt ? opt->seed : 0;
	g.today_days = date_to_days(ctx->today);
	while (cap < 2 * (size_t)target)
		cap *= 2;
	g.ids.cap = cap;
	g.ids.slots = xcalloc(cap, sizeof(*g.ids.slots));
	plans = xcalloc(NBRANCH, sizeof(*plans));
	for (i = 0; i < NBRANCH; i++) {
		const struct branch_spec *s = &specs[i];
		const char *tn = towns[s->town].name;
		int seq = 1;
		size_t k;
		plans[i].spec = s;
		for (k = 0; k < i; k++)
			seq += specs[k].town == s->town;
		xsnprintf(plans[i].code, sizeof(plans[i].code), "%s%02d", towns[s->town].code, seq);
		switch (s->kind) {
		case BK_GOV: xsnprintf(plans[i].name, sizeof(plans[i].name), "%s机关党支部", tn); break;
		case BK_ENTERPRISE: xsnprintf(plans[i].name, sizeof(plans[i].name), "%s党支部", s->place); break;
		case BK_JOINT: xsnprintf(plans[i].name, sizeof(plans[i].name), "%s%s联合党支部", tn, s->place); break;
		default: xsnprintf(plans[i].name, sizeof(plans[i].name), "%s%s党支部", tn, s->place); break;
		}
	}
	plan_sizes(&g.rng, plans, target);
	if (!(rc = create_orgs(&g, plans, out, town_orgs)) && !(rc = insert_members(&g, plans, out)))
		rc = create_accounts(ctx, plans, town_orgs, admin_pw, out);
	if (!rc)
		rc = demo_activity(ctx, &out->recruits, &out->meetings);
	if (!rc)
		rc = demo_points(ctx, &out->point_entries);
	if (!rc) {
		int ntasks = 0; /* tasks: 目标任务分解 */
		rc = demo_tasks(ctx, &ntasks);
	}
	if (!rc) {
		int nletters = 0; /* commitments: 目标责任书 and 承诺事项 (demo_commitments.c) */
		rc = demo_commitments(ctx, &nletters);
	}
	if (!rc) {
		int nprojects = 0; /* projects: 党建项目化管理 */
		rc = demo_projects(ctx, &nprojects);
	}
	if (!rc) {
		int nrequests = 0; /* requests, visits: 民情诉求, 走访, 结对帮扶 */
		rc = demo_requests(ctx, &nrequests);
	}
	if (!rc) {
		int nhouseholds = 0; /* grid, talents: 网格 and 人才储备 (demo_grid.c) */
		rc = demo_grid(ctx, &nhouseholds);
	}
	if (!rc) {
		int nsv = 0; /* secretaries, volunteers: 第一书记 and 志愿服务 (demo_secretaries.c) */
		rc = demo_secretaries(ctx, &nsv);
	}
	if (!rc) {
		int nsup = 0; /* supervision, decisions: 督查整改 and 四议两公开 (demo_supervision.c) */
		rc = demo_supervision(ctx, &nsup);
	}
	/* dues: a year of payments (demo_dues.c) */
	if (!rc) {
		int ndues = 0;
		rc = demo_dues(ctx, &ndues);
	}
	/* end dues */
	/* care: subsidies and 送温暖 (demo_care.c) */
	if (!rc) {
		int ncare = 0;
		rc = demo_care(ctx, &ncare);
	}
	/* end care */
	/* board: a public board per village branch (demo_board.c) */
	if (!rc) {
		int nboards = 0;
		rc = demo_board(ctx, &nboards);
	}
	/* end board */
	/* transfers and deaths: 年内变动 for 党内统计 (demo_transfers.c) */
	if (!rc) {
		int nchanges = 0;
		rc = demo_transfers(ctx, &nchanges);
	}
	/* end transfers and deaths */
	/* checkin */
	if (!rc) {
		int ncheckin = 0; /* 扫码签到 on for one branch (demo_checkin.c) */
		rc = demo_checkin(ctx, &ncheckin);
	}
	/* end checkin */
	/* courses */
	if (!rc) {
		int ncourses = 0; /* 党建课程 with completions (demo_courses.c) */
		rc = demo_courses(ctx, &ncourses);
	}
	/* end courses */
	/* suggestions: 合理化建议 from members and boards, some answered (demo_suggestions.c) */
	if (!rc) {
		int nsugg = 0;
		rc = demo_suggestions(ctx, &nsugg);
	}
	/* end suggestions */
	/* volunteer hours, commitments done, projects rewarded, requests replied and 督查 findings
	 * feed points too: count the ledger last */
	if (!rc) {
		struct stmt *st = db_prepare(ctx->db, "SELECT count(*) FROM point_entries", &ctx->err);
		if (!st)
			rc = E_DB;
		else if (stmt_step(st, &ctx->err) == STEP_ROW)
			out->point_entries = (int)stmt_int(st, 0);
		if (st)
			stmt_reset(st);
	}
	free(g.ids.slots);
	free(plans);
	return rc;
}
