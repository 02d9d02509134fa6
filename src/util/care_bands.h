#ifndef CARE_BANDS_H
#define CARE_BANDS_H
#include <stdint.h>
#include "util/err.h"
/*
 * The elderly-member subsidy bands of config care.elderly_bands: "age:fen,age:fen,…",
 * ages strictly ascending (1..150), each yearly amount a positive number of fen. The
 * highest band whose age the member reaches in the year applies (age in the year =
 * year − birth year). Kept in util so config_check can refuse a bad value at start.
 */
#define CARE_BANDS_MAX 10

struct care_band {
	int age;
	int64_t fen;
};

/* 0 and *n bands, or E_INVALID naming care.elderly_bands with what is wrong */
int care_bands_parse(const char *s, struct care_band *out, int *n, struct err *e);
/* the index of the band for age, -1 when below the first */
int care_band_for_age(const struct care_band *b, int n, int age);
#endif
