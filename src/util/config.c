#include "util/config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/care_bands.h" /* care */
#include "util/banned.h"

const struct config_def config_defs[CFG__COUNT] = {
	[CFG_THREADS] = { "http.threads", CFG_INT, "4", 1, 256, NULL, "HTTP worker threads" },
	[CFG_HTTP_MAX_CONNECTIONS] = { "http.max_connections", CFG_INT, "4096", 16, 1000000, NULL, "concurrent HTTP connections" },
	[CFG_HTTP_TIMEOUT_SECONDS] = { "http.timeout_seconds", CFG_INT, "30", 1, 3600, NULL, "idle connection / request header timeout" },
	[CFG_HTTP_PER_IP] = { "http.per_ip_connections", CFG_INT, "0", 0, 1000000, NULL, "connections per client address (0 = no limit)" },
	[CFG_HTTP_SECURE_COOKIE] = { "http.secure_cookie", CFG_INT, "0", 0, 1, NULL, "会话 Cookie 带 Secure（经 HTTPS 提供时设为 1）" },
	[CFG_POOL] = { "db.pool", CFG_INT, "8", 1, 256, NULL, "database connections" },
	[CFG_SESSION_TTL_MIN] = { "auth.session_ttl_minutes", CFG_INT, "480", 5, 43200, NULL, "idle session lifetime" },
	[CFG_SESSION_MAX_HOURS] = { "auth.session_max_hours", CFG_INT, "24", 1, 8760, NULL, "absolute session lifetime" },
	[CFG_LOGIN_MAX_FAILURES] = { "auth.max_failures", CFG_INT, "5", 1, 100, NULL, "failed logins before lock" },
	[CFG_LOGIN_LOCK_MIN] = { "auth.lock_minutes", CFG_INT, "15", 1, 1440, NULL, "account lock duration" },
	[CFG_PWHASH] = { "auth.pwhash", CFG_STR, "interactive", 0, 0, "interactive|moderate|min", "argon2id cost" },
	[CFG_TRANSFER_VALID_DAYS] = { "transfer.valid_days", CFG_INT, "30", 1, 365, NULL, "transfer letter validity" },
	[CFG_TRANSFER_VALID_DAYS_CITY] = { "transfer.valid_days_city", CFG_INT, "10", 1, 365, NULL, "validity within a city" },
	[CFG_IMPORT_MAX_BYTES] = { "import.max_bytes", CFG_INT, "67108864", 1024, 1073741824, NULL, "largest import file" },
	[CFG_RECRUIT_ACTIVIST_WAIT_MONTHS] = { "recruit.activist_wait_months", CFG_INT, "0", 0, 24, NULL, "申请后多久可确定积极分子" },
	[CFG_RECRUIT_PUBLICITY_WORKDAYS] = { "recruit.publicity_workdays", CFG_INT, "5", 1, 30, NULL, "公示工作日" },
	[CFG_RECRUIT_SCORES_ENABLED] = { "recruit.scores_enabled", CFG_INT, "1", 0, 1, NULL, "百分制量化考评" },
	[CFG_RECRUIT_SCORE_ELIGIBLE] = { "recruit.score_eligible", CFG_INT, "80", 1, 100, NULL, "可确定为发展对象的分数" },
	[CFG_RECRUIT_SCORE_CONTINUE] = { "recruit.score_continue", CFG_INT, "60", 1, 100, NULL, "继续培养的最低分数" },
	[CFG_ATTACH_MAX_BYTES] = { "attach.max_bytes", CFG_INT, "52428800", 1024, 1073741824, NULL, "largest attachment" },
	[CFG_ATTACH_DIR] = { "attach.dir", CFG_STR, "attachments", 0, 0, NULL, "attachment store directory" },
	[CFG_STUDY_TARGET_HOURS] = { "study.target_hours", CFG_INT, "32", 1, 500, NULL, "每名党员每年学时目标" },
	[CFG_APPRAISAL_CORRECTION_MONTHS] = { "appraisal.correction_months", CFG_INT, "12", 1, 36, NULL, "不合格党员限期改正月数" },
	/* projects */
	[CFG_PROJECT_WEIGHT_GOAL] = { "project.weight_goal", CFG_INT, "40", 0, 100, NULL, "项目评估：目标实现率权重（%）" },
	[CFG_PROJECT_WEIGHT_SATISFACTION] = { "project.weight_satisfaction", CFG_INT, "30", 0, 100, NULL, "项目评估：群众满意率权重（%）" },
	[CFG_PROJECT_WEIGHT_BENEFIT] = { "project.weight_benefit", CFG_INT, "20", 0, 100, NULL, "项目评估：综合效益权重（%）" },
	[CFG_PROJECT_WEIGHT_PROMOTION] = { "project.weight_promotion", CFG_INT, "10", 0, 100, NULL, "项目评估：可推广性权重（%）" },
	/* end projects */
	/* dues */
	[CFG_DUES_ROUNDING] = { "dues.rounding", CFG_STR, "fen", 0, 0, "fen|jiao|yuan", "党费金额四舍五入到分/角/元" },
	[CFG_DUES_FIXED_YEARLY] = { "dues.fixed_yearly", CFG_INT, "1", 0, 1, NULL, "党费按一月份基数全年固定" },
	[CFG_DUES_FARMER_FEN] = { "dues.farmer_fen", CFG_INT, "100", 20, 100, NULL, "农民党员每月党费（分）" },
	[CFG_DUES_MINIMAL_FEN] = { "dues.minimal_fen", CFG_INT, "20", 0, 100, NULL, "学生、下岗失业、低保党员每月党费（分）" },
	[CFG_DUES_BACK_MONTHS] = { "dues.back_months", CFG_INT, "6", 1, 24, NULL, "补交党费最多月数" },
	[CFG_DUES_ADVANCE_MONTHS] = { "dues.advance_months", CFG_INT, "12", 0, 24, NULL, "预交党费最多月数" },
	[CFG_DUES_ONE_OFF_FEN] = { "dues.one_off_fen", CFG_INT, "100000", 1, 100000000, NULL, "一次性自愿多交党费单独列收的金额（分）" },
	/* end dues */
	/* care */
	[CFG_CARE_ELDERLY_BANDS] = { "care.elderly_bands", CFG_STR, "60:30000,70:50000,80:80000", 0, 0, NULL, "老党员生活补贴：年龄:每年金额（分）" },
	/* end care */
	/* board */
	[CFG_BOARD_PUBLIC_URL] = { "board.public_url", CFG_STR, "", 0, 0, NULL, "党务公开栏对外网址（如 https://dj.example.cn），空则按请求的 Host" },
	/* end board */
	/* sign-in codes */
	[CFG_SIGNIN_CODE_HOURS] = { "auth.code_hours", CFG_INT, "24", 1, 168, NULL, "一次性登录码的有效小时数" },
	/* end sign-in codes */
	/* checkin */
	[CFG_CHECKIN_BEFORE_MINUTES] = { "checkin.before_minutes", CFG_INT, "30", 0, 240, NULL, "扫码签到：会议开始前多少分钟开放" },
	[CFG_CHECKIN_AFTER_MINUTES] = { "checkin.after_minutes", CFG_INT, "30", 0, 240, NULL, "扫码签到：会议结束后多少分钟关闭" },
	[CFG_CHECKIN_ROTATE_SECONDS] = { "checkin.rotate_seconds", CFG_INT, "60", 10, 600, NULL, "扫码签到：二维码中的签到码每隔多少秒更换" },
	/* end checkin */
	/* courses */
	[CFG_COURSE_YEAR_CAP_HOURS] = { "course.year_cap_hours", CFG_INT, "16", 0, 500, NULL, "党建课程每年最多计入的学时" },
	[CFG_COURSE_MINUTES_PER_HOUR] = { "course.minutes_per_hour", CFG_INT, "45", 30, 60, NULL, "党建课程每学时分钟数" },
	/* end courses */
	/* suggestions */
	[CFG_SUGGESTION_PUBLIC_PER_HOUR] = { "suggestion.public_per_hour", CFG_INT, "20", 1, 10000, NULL,
					     "每个公开栏每小时最多收到的群众建议条数" },
	/* end suggestions */
	[CFG_STATS_KEPT_MIN_MEMBERS] = { "stats.kept_min_members", CFG_INT, "20000", 0, 1000000000, NULL,
					 "党内统计：党员数不少于此数的范围读取按组织保存的统计数（本年度）" },
	[CFG_COMPLIANCE_LIST_MAX] = { "compliance.list_max", CFG_INT, "5000", 1, 100000000, NULL,
				      "党支部多于此数的范围（市、省）：达标情况只分页列出未达标的党支部，提醒、网格覆盖等清单分页" },
	[CFG_TEST_CLOCK] = { "test.clock", CFG_STR, "", 0, 0, NULL, "fixed today for tests" },
};

static int set_value(struct config *cfg, int k, const char *value, struct err *e)
{
	const struct config_def *d = &config_defs[k];
	if (d->type == CFG_INT) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno || end == value || *end)
			return err_set(e, E_INVALID, d->key, "config.type", "%s must be an integer, got '%s'", d->key, value);
		if (v < d->min || v > d->max)
			return err_set(e, E_INVALID, d->key, "config.range", "%s must be between %lld and %lld", d->key,
				       d->min, d->max);
		cfg->ints[k] = v;
		return 0;
	}
	if (d->choices) {
		size_t n = strlen(value);
		const char *p = d->choices;
		int ok = 0;
		while (*p && !ok) {
			const char *bar = strchr(p, '|');
			size_t len = bar ? (size_t)(bar - p) : strlen(p);
			ok = len == n && !memcmp(p, value, n);
			p += len + (bar ? 1 : 0);
		}
		if (!ok)
			return err_set(e, E_INVALID, d->key, "config.choice", "%s must be one of %s", d->key, d->choices);
	}
	if (strlcpy_z(cfg->strs[k], value, sizeof(cfg->strs[k])))
		return err_set(e, E_INVALID, d->key, "config.length", "%s is too long", d->key);
	return 0;
}

void config_defaults(struct config *cfg)
{
	int k;
	memset(cfg, 0, sizeof(*cfg));
	for (k = 0; k < CFG__COUNT; k++)
		set_value(cfg, k, config_defs[k].def, NULL);
}

int config_set(struct config *cfg, const char *assignment, struct err *e)
{
	const char *eq = strchr(assignment, '=');
	int k;
	if (!eq)
		return err_set(e, E_INVALID, assignment, "config.syntax", "expected key=value, got '%s'", assignment);
	for (k = 0; k < CFG__COUNT; k++) {
		size_t n = strlen(config_defs[k].key);
		if ((size_t)(eq - assignment) == n && !memcmp(assignment, config_defs[k].key, n))
			return set_value(cfg, k, eq + 1, e);
	}
	return err_set(e, E_INVALID, assignment, "config.unknown", "unknown configuration key in '%s'", assignment);
}

int config_load_file(struct config *cfg, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int rc = 0, lineno = 0;
	if (!f)
		return err_set(e, E_IO, "config", NULL, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end, *eq, assignment[512];
		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
			*--end = '\0';
		if (!*p || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq) {
			char *k_end = eq, *v = eq + 1;
			while (k_end > p && k_end[-1] == ' ')
				k_end--;
			while (*v == ' ')
				v++;
			xsnprintf(assignment, sizeof(assignment), "%.*s=%s", (int)(k_end - p), p, v);
		} else {
			strlcpy_z(assignment, p, sizeof(assignment));
		}
		rc = config_set(cfg, assignment, e);
		if (rc) {
			if (e) {
				char msg[sizeof(e->message)];
				strlcpy_z(msg, e->message, sizeof(msg));
				err_set(e, e->code, e->field, e->rule, "%s:%d: %s", path, lineno, msg);
			}
			break;
		}
	}
	fclose(f);
	return rc;
}

/* projects: the four 评估 weights are one distribution; checked once every key is set */
int config_check(const struct config *cfg, struct err *e)
{
	/* care: the elderly subsidy bands parse (util/care_bands.h) */
	struct care_band bands[CARE_BANDS_MAX];
	int nbands;
	if (care_bands_parse(cfg->strs[CFG_CARE_ELDERLY_BANDS], bands, &nbands, e))
		return E_INVALID;
	/* end care */
	/* board: the public base URL is an http(s) address (the board's link and QR code start with it) */
	{
		const char *u = cfg->strs[CFG_BOARD_PUBLIC_URL];
		if (u[0] && strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
			return err_set(e, E_INVALID, config_defs[CFG_BOARD_PUBLIC_URL].key, "config.url",
				       "board.public_url must start with http:// or https://, got '%s'", u);
	}
	/* end board */
	long long sum = cfg->ints[CFG_PROJECT_WEIGHT_GOAL] + cfg->ints[CFG_PROJECT_WEIGHT_SATISFACTION] +
			cfg->ints[CFG_PROJECT_WEIGHT_BENEFIT] + cfg->ints[CFG_PROJECT_WEIGHT_PROMOTION];
	if (sum != 100)
		return err_set(e, E_INVALID, config_defs[CFG_PROJECT_WEIGHT_GOAL].key, "config.sum",
			       "project.weight_goal + weight_satisfaction + weight_benefit + weight_promotion must be 100, got %lld",
			       sum);
	return 0;
}
/* end projects */

long long config_int(const struct config *cfg, enum config_key k)
{
	return cfg->ints[k];
}

const char *config_str(const struct config *cfg, enum config_key k)
{
	return cfg->strs[k];
}
