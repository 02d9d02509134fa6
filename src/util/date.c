#include "util/date.h"
#include <stdio.h>
#include <string.h>
#include "util/xalloc.h"
#include "util/banned.h"

#define SHANGHAI_OFFSET (8 * 3600)

int date_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap);
}

int date_is_valid(int y, int m, int d)
{
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, struct date *out)
{
	struct date d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &d.y) || digits(s + 5, 2, &d.m) || digits(s + 8, 2, &d.d))
		return -1;
	if (!date_is_valid(d.y, d.m, d.d))
		return -1;
	*out = d;
	return 0;
}

void date_format(struct date d, char *out)
{
	xsnprintf(out, 11, "%04d-%02d-%02d", d.y % 10000, d.m % 100, d.d % 100);
}

/* Howard Hinnant's days_from_civil / civil_from_days */
int64_t date_to_days(struct date dt)
{
	int64_t y = dt.y - (dt.m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct date date_from_days(int64_t z)
{
	struct date r;
	int64_t era, doe, yoe, doy, mp, y;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(y + (r.m <= 2));
	return r;
}

int date_cmp(struct date a, struct date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

struct date date_add_days(struct date d, int64_t n)
{
	return date_from_days(date_to_days(d) + n);
}

struct date date_add_months(struct date d, int months)
{
	int total = d.y * 12 + (d.m - 1) + months;
	struct date r;
	int dim;
	r.y = total / 12;
	r.m = total % 12 + 1;
	dim = date_days_in_month(r.y, r.m);
	r.d = d.d > dim ? dim : d.d;
	return r;
}

int date_full_years(struct date from, struct date on)
{
	int years = on.y - from.y;
	if (on.m < from.m || (on.m == from.m && on.d < from.d))
		years--;
	return years;
}

int date_weekday(struct date d)
{
	int64_t days = date_to_days(d); /* 1970-01-01 was a Thursday (3) */
	int64_t w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

struct date date_today(time_t now)
{
	int64_t secs = (int64_t)now + SHANGHAI_OFFSET;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	return date_from_days(days);
}

void time_iso_utc(time_t t, char *out)
{
	int64_t secs = (int64_t)t;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400;
	struct date d = date_from_days(days);
	xsnprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.y % 10000, d.m % 100, d.d % 100,
		  (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

int date_parse_clock(const char *s, time_t *out)
{
	char day[11];
	struct date d;
	int hh, mm;
	if (!s || strlen(s) != 16 || s[10] != ' ' || s[13] != ':')
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &d) || digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
		return -1;
	*out = (time_t)(date_to_days(d) * 86400 + hh * 3600 + mm * 60 - SHANGHAI_OFFSET);
	return 0;
}
