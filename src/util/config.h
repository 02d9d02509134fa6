#ifndef CONFIG_H
#define CONFIG_H
#include "util/err.h"
/*
 * Process configuration: one table of {key, type, default, min, max} (redis's
 * static_configs[]), checked when set. Bad config stops start-up with a message naming
 * the key; nothing reads a value that was not validated.
 */
enum config_key {
	CFG_THREADS,              /* HTTP worker threads */
	CFG_HTTP_MAX_CONNECTIONS, /* concurrent connections held (open files are raised to fit) */
	CFG_HTTP_TIMEOUT_SECONDS, /* idle connection, and a request's headers in full, within this */
	CFG_HTTP_PER_IP,          /* connections from one address; 0 = no limit (behind a proxy) */
	CFG_HTTP_SECURE_COOKIE,   /* 1: the session cookie carries Secure (served over TLS, e.g. behind nginx) */
	CFG_POOL,                 /* database connections */
	CFG_SESSION_TTL_MIN,      /* idle session lifetime */
	CFG_SESSION_MAX_HOURS,    /* absolute session lifetime, however active */
	CFG_LOGIN_MAX_FAILURES,   /* failures before the account locks */
	CFG_LOGIN_LOCK_MIN,       /* lock duration */
	CFG_PWHASH,               /* argon2id cost: interactive | moderate | min (tests) */
	CFG_TRANSFER_VALID_DAYS,  /* 组织关系介绍信 validity */
	CFG_TRANSFER_VALID_DAYS_CITY,
	CFG_IMPORT_MAX_BYTES,
	CFG_RECRUIT_ACTIVIST_WAIT_MONTHS, /* 递交申请 → 积极分子 (local rules use 3 or 6) */
	CFG_RECRUIT_PUBLICITY_WORKDAYS,   /* 公示 length */
	CFG_RECRUIT_SCORES_ENABLED,       /* 百分制 review gates 确定发展对象 */
	CFG_RECRUIT_SCORE_ELIGIBLE,
	CFG_RECRUIT_SCORE_CONTINUE,
	CFG_ATTACH_MAX_BYTES,
	CFG_ATTACH_DIR,
	CFG_STUDY_TARGET_HOURS,           /* 学时 per member per year (RULES.md §2) */
	CFG_APPRAISAL_CORRECTION_MONTHS,  /* 民主评议 不合格 → 限期改正 length (RULES.md §4) */
	/* projects: 评估 weights in percent, summing to 100 (config_check) */
	CFG_PROJECT_WEIGHT_GOAL,          /* 目标实现率 */
	CFG_PROJECT_WEIGHT_SATISFACTION,  /* 群众满意率 */
	CFG_PROJECT_WEIGHT_BENEFIT,       /* 综合效益 */
	CFG_PROJECT_WEIGHT_PROMOTION,     /* 可推广性 */
	/* end projects */
	/* dues: 党费 (RULES.md §3; dues.c) */
	CFG_DUES_ROUNDING,                /* fen | jiao | yuan: half up to that unit */
	CFG_DUES_FIXED_YEARLY,            /* 1: the amount is fixed for the year from the January base */
	CFG_DUES_FARMER_FEN,              /* 农民党员 monthly amount, 20..100 fen */
	CFG_DUES_MINIMAL_FEN,             /* 学生, 下岗失业, 低保 monthly amount */
	CFG_DUES_BACK_MONTHS,             /* back-payment reaches at most this many months */
	CFG_DUES_ADVANCE_MONTHS,          /* payment in advance reaches at most this many months */
	CFG_DUES_ONE_OFF_FEN,             /* a voluntary one-off payment from this amount is recorded apart */
	/* end dues */
	/* care: 关怀帮扶 (care.c) */
	CFG_CARE_ELDERLY_BANDS,           /* "age:fen,age:fen": yearly elderly-member subsidy per age band */
	/* end care */
	/* board: 党务公开栏 (board.c) */
	CFG_BOARD_PUBLIC_URL,             /* the public base URL for the board's link and QR code; "" = the request's Host */
	/* end board */
	/* sign-in codes (signin_code.c) */
	CFG_SIGNIN_CODE_HOURS,            /* a one-time sign-in code is valid this many hours */
	/* end sign-in codes */
	/* checkin */
	CFG_CHECKIN_BEFORE_MINUTES,       /* 扫码签到 opens this long before a meeting starts */
	CFG_CHECKIN_AFTER_MINUTES,        /* … and closes this long after it ends */
	CFG_CHECKIN_ROTATE_SECONDS,       /* the code in the QR changes this often */
	/* end checkin */
	/* courses */
	CFG_COURSE_YEAR_CAP_HOURS,        /* 党建课程 学时 counted toward study hours per member per year */
	CFG_COURSE_MINUTES_PER_HOUR,      /* a course's default 学时: its minutes / this, to the half 学时 */
	/* end courses */
	/* suggestions */
	CFG_SUGGESTION_PUBLIC_PER_HOUR,   /* 合理化建议 from one public board per hour (flood guard) */
	/* end suggestions */
	CFG_STATS_KEPT_MIN_MEMBERS,       /* 党内统计 reads the kept counts (036) for a subtree of at least this many members */
	CFG_COMPLIANCE_LIST_MAX,          /* compliance: a subtree of more branches lists only those not green, paged */
	CFG_TEST_CLOCK,                   /* tests only: a fixed "today" (YYYY-MM-DD, or "YYYY-MM-DD HH:MM" Asia/Shanghai for the time too); empty = the real clock */
	CFG__COUNT
};

enum config_type { CFG_INT, CFG_STR };

struct config_def {
	const char *key;
	enum config_type type;
	const char *def;
	long long min, max;       /* CFG_INT range */
	const char *choices;      /* CFG_STR: '|'-separated allowed values, or NULL */
	const char *help;
};

struct config {
	long long ints[CFG__COUNT];
	char strs[CFG__COUNT][64];
};

extern const struct config_def config_defs[CFG__COUNT];
void config_defaults(struct config *cfg);
/* "key=value"; E_INVALID naming the key on an unknown key, bad type or range */
int config_set(struct config *cfg, const char *assignment, struct err *e);
/* a file of key = value lines, '#' comments */
int config_load_file(struct config *cfg, const char *path, struct err *e);
/* projects: checks that span keys (the 评估 weights sum to 100), after all were set; E_INVALID naming one */
int config_check(const struct config *cfg, struct err *e);
/* end projects */
long long config_int(const struct config *cfg, enum config_key k);
const char *config_str(const struct config *cfg, enum config_key k);
#endif
