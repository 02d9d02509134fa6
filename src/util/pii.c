#include "util/pii.h"
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/xalloc.h"
#include "util/banned.h"

static unsigned char box_key[crypto_secretbox_KEYBYTES];
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static int loaded;

#define KEYFILE_LEN (crypto_secretbox_KEYBYTES + crypto_generichash_KEYBYTES)

static int write_new_keyfile(const char *path, struct err *e)
{
	unsigned char buf[KEYFILE_LEN];
	int fd, rc = 0;
	randombytes_buf(buf, sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		rc = err_set(e, E_IO, "key", NULL, "cannot create key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd) != 0)
		rc = err_set(e, E_IO, "key", NULL, "cannot write key file %s: %s", path, strerror(errno));
	close(fd);
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int pii_load_keys(const char *path, int create, struct err *e)
{
	unsigned char buf[KEYFILE_LEN];
	struct stat stt;
	int fd = -1, rc = 0;
	ssize_t n;

	if (sodium_init() < 0)
		return err_set(e, E_INTERNAL, NULL, NULL, "libsodium failed to initialise");
	if (stat(path, &stt) != 0) {
		if (!create || errno != ENOENT)
			return err_set(e, E_IO, "key", NULL, "cannot read key file %s: %s", path, strerror(errno));
		rc = write_new_keyfile(path, e);
		if (rc)
			return rc;
	} else if (stt.st_mode & 077) {
		return err_set(e, E_IO, "key", NULL,
			       "key file %s is readable by others (mode %o); chmod 600 it", path,
			       (unsigned)(stt.st_mode & 0777));
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		rc = err_set(e, E_IO, "key", NULL, "cannot open key file %s: %s", path, strerror(errno));
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n != (ssize_t)sizeof(buf)) {
		rc = err_set(e, E_IO, "key", NULL, "key file %s is damaged (expected %d bytes)", path, KEYFILE_LEN);
		goto out;
	}
	memcpy(box_key, buf, sizeof(box_key));
	memcpy(hash_key, buf + sizeof(box_key), sizeof(hash_key));
	loaded = 1;
out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int pii_keys_loaded(void)
{
	return loaded;
}

void pii_encrypt(const char *plain, char **out)
{
	size_t plen = strlen(plain);
	size_t clen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen;
	unsigned char *c = xmalloc(clen);
	size_t b64len = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
	randombytes_buf(c, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(c + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, plen, c, box_key);
	*out = xmalloc(b64len);
	sodium_bin2base64(*out, b64len, c, clen, sodium_base64_VARIANT_ORIGINAL);
	free(c);
}

int pii_decrypt(const char *b64, char **out, struct err *e)
{
	size_t cap = strlen(b64), clen = 0;
	unsigned char *c = xmalloc(cap + 1);
	char *p = NULL;
	int rc = 0;
	if (sodium_base642bin(c, cap, b64, cap, NULL, &clen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    clen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		rc = err_set(e, E_INTERNAL, NULL, NULL, "encrypted value is damaged");
		goto out;
	}
	p = xmalloc(clen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1);
	if (crypto_secretbox_open_easy((unsigned char *)p, c + crypto_secretbox_NONCEBYTES,
				       clen - crypto_secretbox_NONCEBYTES, c, box_key) != 0) {
		rc = err_set(e, E_INTERNAL, NULL, NULL, "encrypted value fails authentication (wrong key?)");
		goto out;
	}
	p[clen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES] = '\0';
	*out = p;
	p = NULL;
out:
	free(p);
	free(c);
	return rc;
}

static void to_hex(const unsigned char *bin, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[2 * n] = '\0';
}

void pii_hash(const char *plain, char *out)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)plain, strlen(plain), hash_key, sizeof(hash_key));
	to_hex(h, sizeof(h), out);
}

void sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	to_hex(h, sizeof(h), out);
}

char *random_token(size_t nbytes)
{
	unsigned char *b = xmalloc(nbytes);
	size_t len = sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = xmalloc(len);
	randombytes_buf(b, nbytes);
	sodium_bin2base64(s, len, b, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(b);
	return s;
}

struct sha256_stream {
	crypto_hash_sha256_state st;
};

struct sha256_stream *sha256_begin(void)
{
	struct sha256_stream *h = xmalloc(sizeof(*h));
	crypto_hash_sha256_init(&h->st);
	return h;
}

void sha256_update(struct sha256_stream *h, const void *data, size_t len)
{
	crypto_hash_sha256_update(&h->st, data, len);
}

void sha256_end(struct sha256_stream *h, char *out)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h->st, d);
	to_hex(d, sizeof(d), out);
	free(h);
}
