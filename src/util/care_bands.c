#include "util/care_bands.h"
#include <string.h>
#include "util/banned.h"

#define KEY "care.elderly_bands"

/* a decimal number of at most 12 digits at *p; -1 if none */
static int64_t read_num(const char **p)
{
	int64_t v = 0;
	int digits = 0;
	while (**p == ' ')
		(*p)++;
	while (**p >= '0' && **p <= '9' && digits < 13) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	while (**p == ' ')
		(*p)++;
	return digits && digits <= 12 ? v : -1;
}

int care_bands_parse(const char *s, struct care_band *out, int *n, struct err *e)
{
	const char *p = s;
	int64_t age, fen;
	*n = 0;
	if (!s || !*s)
		return err_set(e, E_INVALID, KEY, "config.care_bands", KEY " must list at least one band \"age:fen\"");
	for (;;) {
		if (*n >= CARE_BANDS_MAX)
			return err_set(e, E_INVALID, KEY, "config.care_bands", KEY ": at most %d bands", CARE_BANDS_MAX);
		age = read_num(&p);
		if (age < 1 || age > 150 || *p != ':')
			return err_set(e, E_INVALID, KEY, "config.care_bands",
				       KEY " band %d: expected \"age:fen\" with an age of 1..150", *n + 1);
		p++;
		fen = read_num(&p);
		if (fen <= 0)
			return err_set(e, E_INVALID, KEY, "config.care_bands",
				       KEY " band %d (age %d): the yearly amount must be a positive number of fen", *n + 1,
				       (int)age);
		if (*n > 0 && age <= out[*n - 1].age)
			return err_set(e, E_INVALID, KEY, "config.care_bands",
				       KEY ": ages must be ascending (%d after %d)", (int)age, out[*n - 1].age);
		out[*n].age = (int)age;
		out[*n].fen = fen;
		(*n)++;
		if (!*p)
			return 0;
		if (*p != ',')
			return err_set(e, E_INVALID, KEY, "config.care_bands", KEY ": bands are separated by commas");
		p++;
	}
}

int care_band_for_age(const struct care_band *b, int n, int age)
{
	int i, k = -1;
	for (i = 0; i < n; i++)
		if (age >= b[i].age)
			k = i;
	return k;
}
