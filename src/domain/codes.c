#include "domain/codes.h"
#include <string.h>
#include <strings.h>
#include "util/limits.h"
#include "util/text.h"
#include "util/banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* GB/T 2261.1, listed in the order a form offers them: the two usual values first */
static const struct code_entry gender_table[] = {
	{ "1", "男" },
	{ "2", "女" },
	{ "0", "未知" },
	{ "9", "未说明" },
};

/*
 * The three tables below are copied entry for entry from shared/data/codes.md
 * (the national collection form); tests/unit/test_codes.c counts them.
 */
static const struct code_entry ethnicity_table[] = {
	{ "01", "汉族" },
	{ "02", "蒙古族" },
	{ "03", "回族" },
	{ "04", "藏族" },
	{ "05", "维吾尔族" },
	{ "06", "苗族" },
	{ "07", "彝族" },
	{ "08", "壮族" },
	{ "09", "布依族" },
	{ "10", "朝鲜族" },
	{ "11", "满族" },
	{ "12", "侗族" },
	{ "13", "瑶族" },
	{ "14", "白族" },
	{ "15", "土家族" },
	{ "16", "哈尼族" },
	{ "17", "哈萨克族" },
	{ "18", "傣族" },
	{ "19", "黎族" },
	{ "20", "傈僳族" },
	{ "21", "佤族" },
	{ "22", "畲族" },
	{ "23", "高山族" },
	{ "24", "拉祜族" },
	{ "25", "水族" },
	{ "26", "东乡族" },
	{ "27", "纳西族" },
	{ "28", "景颇族" },
	{ "29", "柯尔克孜族" },
	{ "30", "土族" },
	{ "31", "达斡尔族" },
	{ "32", "仫佬族" },
	{ "33", "羌族" },
	{ "34", "布朗族" },
	{ "35", "撒拉族" },
	{ "36", "毛南族" },
	{ "37", "仡佬族" },
	{ "38", "锡伯族" },
	{ "39", "阿昌族" },
	{ "40", "普米族" },
	{ "41", "塔吉克族" },
	{ "42", "怒族" },
	{ "43", "乌孜别克族" },
	{ "44", "俄罗斯族" },
	{ "45", "鄂温克族" },
	{ "46", "德昂族" },
	{ "47", "保安族" },
	{ "48", "裕固族" },
	{ "49", "京族" },
	{ "50", "塔塔尔族" },
	{ "51", "独龙族" },
	{ "52", "鄂伦春族" },
	{ "53", "赫哲族" },
	{ "54", "门巴族" },
	{ "55", "珞巴族" },
	{ "56", "基诺族" },
	{ "91", "其他族" },
	{ "92", "外国血统" },
	{ "93", "外国民族" },
};

static const struct code_entry education_table[] = {
	{ "11", "博士研究生" },
	{ "12", "硕士研究生" },
	{ "13", "硕士生班" },
	{ "1A", "中央党校研究生" },
	{ "1B", "省（区、市）委党校研究生" },
	{ "21", "大学" },
	{ "22", "大专" },
	{ "23", "大学普通班" },
	{ "24", "第二学士学位班" },
	{ "2A", "中央党校大学" },
	{ "2B", "省（区、市）委党校大学" },
	{ "2C", "中央党校大专" },
	{ "2D", "省（区、市）委党校大专" },
	{ "41", "中等专科" },
	{ "44", "职业高中" },
	{ "47", "技工学校" },
	{ "6", "普通高中" },
	{ "7", "初中" },
	{ "8", "小学" },
	{ "9", "其他" },
};

static const struct code_entry job_table[] = {
	{ "011", "公务员" },
	{ "012", "参照公务员法管理的工作人员" },
	{ "0211", "事业单位管理岗位" },
	{ "0212", "事业单位专业技术岗位" },
	{ "0213", "公有经济控制企业管理岗位" },
	{ "0214", "公有经济控制企业专业技术岗位" },
	{ "0215", "非公有经济控制企业管理岗位" },
	{ "0216", "非公有经济控制企业专业技术岗位" },
	{ "0217", "民办非企业管理岗位" },
	{ "0218", "民办非企业专业技术岗位" },
	{ "0311", "公有经济控制单位工勤岗位" },
	{ "0312", "非公有企业工勤岗位" },
	{ "0313", "民办非企业工勤岗位" },
	{ "0314", "机关单位工勤岗位" },
	{ "0315", "事业单位工勤岗位" },
	{ "11", "农牧渔业生产人员" },
	{ "122", "乡村医生" },
	{ "123", "外出务工经商人员" },
	{ "124", "其他农牧渔民" },
	{ "2", "解放军、武警" },
	{ "301", "研究生毕业年级学生" },
	{ "302", "研究生一年级学生" },
	{ "303", "研究生其他年级学生" },
	{ "311", "大学本科毕业年级学生" },
	{ "312", "大学本科一年级学生" },
	{ "313", "大学本科其他年级学生" },
	{ "321", "大学专科毕业年级学生" },
	{ "322", "大学专科一年级学生" },
	{ "323", "大学专科其他年级学生" },
	{ "33", "中等专业学校学生" },
	{ "34", "高中学生" },
	{ "35", "技工学校学生" },
	{ "501", "离休干部" },
	{ "502", "退休人员" },
	{ "503", "退职人员" },
	{ "504", "内部退养职工" },
	{ "601", "大学生村官" },
	{ "602", "社区工作人员" },
	{ "603", "停薪留职人员" },
	{ "604", "个体工商户中的从业人员" },
	{ "605", "自由职业人员" },
	{ "606", "（转业）待安置、学生毕业未就业的人员" },
	{ "607", "公派或因私出国、出境逾期未归的人员" },
	{ "608", "改革后不再保留原机关干部身份，党组织关系仍保留在原单位的人员" },
	{ "609", "企业破产后，领取保险金或被辞退的职工中未重新就业的人员" },
	{ "610", "由于各种原因，已经离开本人的生产、工作岗位，并已不在本单位从事其他工作，"
	         "但仍与单位保留劳动关系的职工（不包括内部退养职工）" },
	{ "611", "党组织关系在人才（劳动）服务中心，不明职业的人员" },
	{ "612", "其他从业人员" },
	{ "613", "其他无业人员" },
};

struct code_alias {
	const char *text;
	const char *code;
};

/* words people write for gender; compared ignoring ASCII case */
static const struct code_alias gender_aliases[] = {
	{ "男性", "1" }, { "M", "1" }, { "male", "1" },
	{ "女性", "2" }, { "F", "2" }, { "female", "2" },
	{ "未知的性别", "0" }, { "未说明的性别", "9" },
};

/*
 * How 学历 appears in old registers and spreadsheets. A bare "研究生" is left out on
 * purpose: it could be 11, 12, 13, 1A or 1B, and guessing would put a wrong code in
 * the national form.
 */
static const struct code_alias education_aliases[] = {
	{ "博士", "11" },
	{ "博士研究生毕业", "11" },
	{ "硕士", "12" },
	{ "硕士研究生毕业", "12" },
	{ "本科", "21" },
	{ "大学本科", "21" },
	{ "本科毕业", "21" },
	{ "大学本科毕业", "21" },
	{ "专科", "22" },
	{ "大学专科", "22" },
	{ "大专毕业", "22" },
	{ "高中", "6" },
	{ "高中毕业", "6" },
	{ "中专", "41" },
	{ "中等专业学校", "41" },
	{ "职高", "44" },
	{ "技校", "47" },
	{ "初中毕业", "7" },
	{ "小学毕业", "8" },
};

struct code_table_def {
	const char *name;
	const struct code_entry *entries;
	size_t n;
	const struct code_alias *aliases;
	size_t n_aliases;
};

static const struct code_table_def code_tables[] = {
	[CODE_GENDER] = { "gender", gender_table, ARRAY_SIZE(gender_table), gender_aliases,
			  ARRAY_SIZE(gender_aliases) },
	[CODE_ETHNICITY] = { "ethnicity", ethnicity_table, ARRAY_SIZE(ethnicity_table), NULL, 0 },
	[CODE_EDUCATION] = { "education", education_table, ARRAY_SIZE(education_table),
			     education_aliases, ARRAY_SIZE(education_aliases) },
	[CODE_JOB] = { "job", job_table, ARRAY_SIZE(job_table), NULL, 0 },
};

static const struct code_table_def *table_def(enum code_table t)
{
	if ((unsigned)t >= ARRAY_SIZE(code_tables))
		return NULL;
	return &code_tables[t];
}

const struct code_entry *code_entries(enum code_table t, size_t *n)
{
	const struct code_table_def *def = table_def(t);

	if (n)
		*n = def ? def->n : 0;
	return def ? def->entries : NULL;
}

const char *code_table_name(enum code_table t)
{
	const struct code_table_def *def = table_def(t);

	return def ? def->name : "code";
}

const char *code_name(enum code_table t, const char *code)
{
	const struct code_table_def *def = table_def(t);
	const char *name = NULL;
	size_t i;

	if (!def || !code)
		goto out;
	for (i = 0; i < def->n; i++) {
		if (!strcmp(def->entries[i].code, code)) {
			name = def->entries[i].name;
			break;
		}
	}
out:
	return name;
}

/*
 * Names are compared after the same normalisation as the input, so a spreadsheet
 * that has "省(区、市)委党校大学" with ASCII brackets still matches the form's
 * full-width "（区、市）".
 */
static int name_equals(const char *name, const char *normalized_text)
{
	char buf[CAP_TEXT_LEN];

	text_normalize(name, buf, sizeof(buf));
	return !strcmp(buf, normalized_text);
}

/* the unique ethnicity whose name minus its 族 suffix is text ("汉", "蒙古"), or NULL */
static const char *ethnicity_by_stem(const char *text)
{
	static const char suffix[] = "族";
	const char *found = NULL;
	size_t i, len, tlen = strlen(text), slen = sizeof(suffix) - 1;
	int matches = 0;

	for (i = 0; i < ARRAY_SIZE(ethnicity_table); i++) {
		const char *name = ethnicity_table[i].name;

		len = strlen(name);
		if (len <= slen || strcmp(name + len - slen, suffix))
			continue;
		if (len - slen == tlen && !memcmp(name, text, tlen)) {
			found = ethnicity_table[i].code;
			matches++;
		}
	}
	/* a stem shared by two groups would be a guess: refuse it */
	return matches == 1 ? found : NULL;
}

const char *code_lookup(enum code_table t, const char *text)
{
	const struct code_table_def *def = table_def(t);
	char buf[CAP_TEXT_LEN];
	char code2[3];
	const char *code = NULL;
	size_t i;

	/* longer input could be cut by text_normalize into something that matches */
	if (!def || !text || strlen(text) >= sizeof(buf))
		goto out;
	text_normalize(text, buf, sizeof(buf));
	if (!buf[0])
		goto out;
	/* codes are ASCII; education has letters (1A) that people type in lower case */
	for (i = 0; i < def->n && !code; i++)
		if (!strcasecmp(def->entries[i].code, buf))
			code = def->entries[i].code;
	for (i = 0; i < def->n && !code; i++)
		if (name_equals(def->entries[i].name, buf))
			code = def->entries[i].code;
	for (i = 0; i < def->n_aliases && !code; i++)
		if (!strcasecmp(def->aliases[i].text, buf))
			code = code_name(t, def->aliases[i].code) ? def->aliases[i].code : NULL;
	if (!code && t == CODE_ETHNICITY) {
		/* spreadsheets drop the leading zero of "01".."09" when the column is numeric */
		if (buf[0] >= '1' && buf[0] <= '9' && !buf[1]) {
			code2[0] = '0';
			code2[1] = buf[0];
			code2[2] = '\0';
			for (i = 0; i < def->n && !code; i++)
				if (!strcmp(def->entries[i].code, code2))
					code = def->entries[i].code;
		}
		if (!code)
			code = ethnicity_by_stem(buf);
	}
out:
	return code;
}
