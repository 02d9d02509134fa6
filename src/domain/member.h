#ifndef MEMBER_H
#define MEMBER_H
#include <jansson.h>
#include <stdint.h>
#include "domain/ctx.h"
#include "util/strbuf.h"
/*
 * The member registry to the national collection form (RULES.md §5). Personal data
 * is held encrypted (util/pii.h): struct member carries only masks and, on input, the
 * plain values the caller supplied (id_number, phone) which member_prepare turns into
 * ciphertext and keyed hashes before anything is written.
 */
struct member {
	int64_t id;
	int64_t org_id;
	int64_t group_id;
	char org_path[PATH_MAX_LEN];
	char org_name[128];
	char name[96];
	char gender[16];       /* input may be a name (男); stored as the code */
	char id_mask[24];
	char birth_date[11];
	char ethnicity[40];
	char education[40];
	char category[16];       /* full | probationary */
	char join_date[11];
	char full_date[11];
	char job[80];
	char person_type[16];    /* employed | retired | farmer | student | other */
	char work_unit[128];
	char phone_mask[24];
	char address[256];
	char party_status[16];   /* normal | suspended */
	int lost_contact;
	char lost_since[11];
	int floating;
	char grid[64];
	char discipline[16];     /* none | probation */
	char state[16];          /* active | transferring | transferred_out | removed | deceased */
	char dues_from[8];       /* YYYY-MM: dues start (default: the month of join_date) */
	int64_t version;

	/* input only: plain values to (re)encrypt; *_set says the caller supplied them */
	char id_number[64];
	int id_set;
	char phone[64];
	int phone_set;
};

/* Everything member_prepare derives for a write. Owned by the caller: member_sealed_release. */
struct member_sealed {
	char id_plain[19];
	char *id_enc;
	char id_hash[65];
	char id_tail[8];
	char *phone_enc;         /* NULL: no phone */
	char phone_hash[65];
	char phone_tail[8];
};

struct member_filter {
	int64_t org_id;          /* subtree root; 0 = the actor's scope */
	char q[64];
	char category[16];
	char party_status[16];
	char education[40];
	char person_type[16];
	char gender[16];       /* input may be a name (男); stored as the code */
	char state[16];          /* "" = active and transferring */
	int age_min, age_max;    /* -1 = no bound */
	int lost_contact, floating; /* -1 = any */
	char sort[24];
	int page, per_page;
	/* keyset paging: > 0 starts the page after this member in the list's order (the
	 * page's "next"), instead of skipping (page - 1) * per_page rows */
	int64_t after;
};

void member_filter_init(struct member_filter *f);
/*
 * Validate m against the form's rules and derive sealed values. require_id: the ID
 * number is mandatory (create). On error ctx->err names the field and rule.
 */
int member_prepare(struct ctx *ctx, struct member *m, struct member_sealed *sealed, int require_id);
/* The same, with m->org_id's branch already loaded and checked in scope by the caller
 * (org_require_in_scope in this transaction): bulk imports skip a query per row. */
struct org;
int member_prepare_in(struct ctx *ctx, struct member *m, struct member_sealed *sealed, int require_id,
		      const struct org *branch);
void member_sealed_release(struct member_sealed *s);
/* Insert a prepared member without opening a transaction or auditing (bulk import). */
int member_insert_prepared(struct ctx *ctx, struct member *m, const struct member_sealed *s);

int member_create(struct ctx *ctx, struct member *m);
int member_get(struct ctx *ctx, int64_t id, struct member *m);
/* The actor's own record (党员 role). */
int member_get_self(struct ctx *ctx, struct member *m);
/* Full update of the editable fields of m (m->version must be current). */
int member_update(struct ctx *ctx, struct member *m);
/* A member edits their own contact fields only. */
int member_update_contact(struct ctx *ctx, int64_t version, const char *phone, int phone_set, const char *address,
			  int address_set);
/* One page as the API's list body {"items":[…],"total","page","per_page"}, written
 * straight into out (the hot path of the registry: no JSON tree per row). */
int member_list_json(struct ctx *ctx, const struct member_filter *f, struct strbuf *out);
/* The same page as a JSON array (tests, tools). */
int member_list(struct ctx *ctx, const struct member_filter *f, json_t **items, int64_t *total);
/* Calls fn for every member matching f (all pages), in list order, from one snapshot
 * (in slices of member_each_slice: the memory a result takes stays bounded); for export. */
extern int member_each_slice;
int member_each(struct ctx *ctx, const struct member_filter *f, int (*fn)(void *arg, const struct member *m),
		void *arg);
/* field: "id_number" | "phone"; *out malloc'd; audited. */
int member_reveal(struct ctx *ctx, int64_t id, const char *field, char **out);
int member_history(struct ctx *ctx, int64_t id, json_t **items);
json_t *member_to_json(struct ctx *ctx, const struct member *m);
struct jw;
void member_write_json(struct jw *w, struct ctx *ctx, const struct member *m);
/* Records a tracked field change in member_history (inside the caller's transaction). */
int member_history_add(struct ctx *ctx, int64_t member_id, const char *field, const char *old_value,
		       const char *new_value, const char *note);
const char *member_category_name(const char *category);
const char *member_person_type_name(const char *person_type);
const char *member_party_status_name(const char *party_status);
const char *member_state_name(const char *state);
/*
 * The org path of the actor's own member record when its state is one of in_states (an SQL
 * list written by the caller, e.g. "('active', 'transferring')"): "" when the actor has
 * no member record or it is in another state. 0 or the store error.
 */
int member_self_path(struct ctx *ctx, const char *in_states, char *path, size_t size);
#endif
