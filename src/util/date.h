#ifndef DATE_H
#define DATE_H
#include <stdint.h>
#include <time.h>
/*
 * Calendar dates in the users' calendar (Asia/Shanghai, UTC+8 all year since 1991),
 * as plain value types: no time zone database, no localtime().
 */
struct date {
	int y, m, d;
};

/* Strict 'YYYY-MM-DD' with a real day; 0 ok, -1 invalid. Years 1900..2200. */
int date_parse(const char *s, struct date *out);
/* writes 'YYYY-MM-DD' into out[11] */
void date_format(struct date d, char *out);
int date_is_valid(int y, int m, int d);
int date_days_in_month(int y, int m);
/* days since 1970-01-01 (proleptic Gregorian) and back */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
int date_cmp(struct date a, struct date b);
struct date date_add_days(struct date d, int64_t n);
/* add months, clamping the day to the month's end (Jan 31 + 1 month = Feb 28/29) */
struct date date_add_months(struct date d, int months);
/* full years from 'from' to 'on' (age on a date) */
int date_full_years(struct date from, struct date on);
/* 0 = Monday .. 6 = Sunday */
int date_weekday(struct date d);
/* today in Asia/Shanghai for a UTC instant */
struct date date_today(time_t now);
/* 'YYYY-MM-DDTHH:MM:SSZ' (UTC) into out[21] */
void time_iso_utc(time_t t, char *out);
/* Strict 'YYYY-MM-DD HH:MM' in Asia/Shanghai into the UTC instant *out; 0 ok, -1 invalid (test.clock). */
int date_parse_clock(const char *s, time_t *out);
#endif
