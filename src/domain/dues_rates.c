/*
 * The pure part of 党费 (see dues.h): kinds, the 2008 rate table, rounding in integer
 * math, months as integers, and the due-of-a-month rule on rows already loaded. No store.
 */
#include "domain/dues.h"
#include <string.h>
#include "util/config.h"
#include "util/named.h"
#include "util/banned.h"

static const struct named kinds[DUES__KINDS] = {
	[DUES_EMPLOYED] = { "employed", "在职" },
	[DUES_RETIRED] = { "retired", "离退休" },
	[DUES_FARMER] = { "farmer", "农民" },
	[DUES_MINIMAL] = { "minimal", "学生、下岗失业、低保" },
};

int dues_kind_parse(const char *s)
{
	return named_index(kinds, DUES__KINDS, s);
}

const char *dues_kind_code(int kind)
{
	return named_code_at(kinds, DUES__KINDS, kind);
}

const char *dues_kind_label(int kind)
{
	return named_name_at(kinds, DUES__KINDS, kind);
}

int dues_kind_for_person_type(const char *pt)
{
	if (pt && !strcmp(pt, "employed"))
		return DUES_EMPLOYED;
	if (pt && !strcmp(pt, "retired"))
		return DUES_RETIRED;
	if (pt && !strcmp(pt, "farmer"))
		return DUES_FARMER;
	return DUES_MINIMAL;
}

int64_t dues_round_permille(int64_t base_fen, int permille, int unit_fen)
{
	int64_t div = 1000 * (int64_t)unit_fen;
	if (base_fen <= 0 || permille <= 0 || unit_fen <= 0)
		return 0;
	/* half up: + div / 2 before the integer division (div is even for every unit) */
	return (base_fen * permille + div / 2) / div * unit_fen;
}

static int rate_permille(int kind, int64_t base)
{
	if (kind == DUES_EMPLOYED)
		return base <= 300000 ? 5 : base <= 500000 ? 10 : base <= 1000000 ? 15 : 20;
	if (kind == DUES_RETIRED)
		return base <= 500000 ? 5 : 10;
	return 0;
}

int64_t dues_monthly_fen(const struct config *cfg, int kind, int64_t base_fen, int *permille)
{
	struct config defaults;
	const char *r;
	int unit, pm;
	if (!cfg) {
		config_defaults(&defaults);
		cfg = &defaults;
	}
	if (permille)
		*permille = 0;
	if (kind == DUES_FARMER)
		return config_int(cfg, CFG_DUES_FARMER_FEN);
	if (kind == DUES_MINIMAL)
		return config_int(cfg, CFG_DUES_MINIMAL_FEN);
	if (kind != DUES_EMPLOYED && kind != DUES_RETIRED)
		return 0;
	if (base_fen < 0)
		base_fen = 0;
	if (base_fen > DUES_BASE_MAX_FEN)
		base_fen = DUES_BASE_MAX_FEN;
	pm = rate_permille(kind, base_fen);
	if (permille)
		*permille = pm;
	r = config_str(cfg, CFG_DUES_ROUNDING);
	unit = !strcmp(r, "yuan") ? 100 : !strcmp(r, "jiao") ? 10 : 1;
	return dues_round_permille(base_fen, pm, unit);
}

int dues_ym_parse(const char *s)
{
	int y = 0, m, i;
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1900 || y > 2200 || m < 1 || m > 12)
		return -1;
	return y * 12 + (m - 1);
}

void dues_ym_format(int month, char out[8])
{
	int y = month / 12, m = month % 12 + 1;
	if (month < 0) {
		out[0] = '\0';
		return;
	}
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

int dues_ym_of(struct date d)
{
	return d.y * 12 + (d.m - 1);
}

const struct dues_base_row *dues_base_at(const struct dues_plan *p, int month)
{
	const struct dues_base_row *best = NULL;
	int k;
	for (k = 0; k < p->nbases; k++)
		if (p->bases[k].from <= month && (!best || p->bases[k].from > best->from))
			best = &p->bases[k];
	return best;
}

int dues_due_of(const struct dues_plan *p, int month, int64_t *fen)
{
	const struct dues_base_row *b;
	int k;
	*fen = 0;
	if (p->dues_from < 0 || month < p->dues_from)
		return DUE_NOT_DUE;
	for (k = 0; k < p->nreductions; k++)
		if (p->reductions[k].from <= month && month <= p->reductions[k].to) {
			*fen = p->reductions[k].monthly_fen;
			return *fen ? DUE_REDUCED : DUE_EXEMPT;
		}
	if (!(b = dues_base_at(p, month)))
		return DUE_NO_BASE;
	*fen = b->monthly_fen;
	return DUE_BASE;
}
