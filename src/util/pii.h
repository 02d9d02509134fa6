#ifndef PII_H
#define PII_H
#include <stddef.h>
#include "util/err.h"
/*
 * Personal data at rest (公民身份号码, 联系电话): libsodium secretbox with a random nonce
 * per value, stored as base64(nonce || ciphertext); a keyed BLAKE2b hash (separate key)
 * lets the store find an exact value without decrypting every row.
 * The key file holds both keys (64 bytes), created by `dangjian init` with mode 0600.
 * Keys are process-global: loaded once at start, before any thread runs.
 */
#define PII_HASH_HEX 65

/* Load keys from path; with create != 0, make a new key file if it does not exist. */
int pii_load_keys(const char *path, int create, struct err *e);
int pii_keys_loaded(void);
/* Encrypt plain; *out is malloc'd base64 text (caller frees). */
void pii_encrypt(const char *plain, char **out);
/* Decrypt; 0 ok with *out malloc'd, else E_INTERNAL (tampered or wrong key). */
int pii_decrypt(const char *b64, char **out, struct err *e);
/* keyed hash of plain as lowercase hex into out[PII_HASH_HEX] */
void pii_hash(const char *plain, char *out);
/* SHA-256 hex of data into out[65] (audit chain, tokens) */
void sha256_hex(const void *data, size_t len, char *out);
/* Streaming SHA-256 (uploads hashed as they arrive). */
struct sha256_stream;
struct sha256_stream *sha256_begin(void);
void sha256_update(struct sha256_stream *h, const void *data, size_t len);
/* hex digest into out[65]; frees h */
void sha256_end(struct sha256_stream *h, char *out);
/* n random bytes as URL-safe base64 (tokens), caller frees */
char *random_token(size_t nbytes);
#endif
