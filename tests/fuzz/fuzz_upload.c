/*
 * libFuzzer harness: what parses an upload request. Uploads are raw bodies, not
 * multipart: the URL picks the route (and with it the body cap and whether the body is
 * streamed to a temp file), ?filename= names the file, and the first bytes of the
 * content decide its type. The input is "METHOD PATH\nFILENAME\nCONTENT":
 *   - routes_match / routes_flags_for on the method and path (':id' segments);
 *   - attachment_sniff on the content;
 *   - attachment_take on filename and content written to a temp file: the name rules,
 *     the sniffing of the file as stored, and the move into the content-addressed
 *     store (a scratch attach.dir under /tmp).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/attachment.h"
#include "http/routes.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static char scratch[] = "/tmp/dj-fuzz-upload-XXXXXX", tmp_path[128];
static const char sha[] = "00f0000000000000000000000000000000000000000000000000000000000000";

/* at exit: the scratch store holds at most the one stored file and the temp file */
static void cleanup(void)
{
	char p[256];
	xsnprintf(p, sizeof(p), "%s/store/%.2s/%s", scratch, sha, sha);
	unlink(p);
	xsnprintf(p, sizeof(p), "%s/store/%.2s", scratch, sha);
	rmdir(p);
	xsnprintf(p, sizeof(p), "%s/store", scratch);
	rmdir(p);
	unlink(tmp_path);
	rmdir(scratch);
}

static void init_once(void)
{
	static int done;
	char set[128];
	struct err e;
	if (done)
		return;
	done = 1;
	memset(&e, 0, sizeof(e));
	if (!mkdtemp(scratch))
		abort();
	config_defaults(&cfg);
	xsnprintf(set, sizeof(set), "attach.dir=%s/store", scratch);
	if (config_set(&cfg, set, &e))
		abort();
	xsnprintf(tmp_path, sizeof(tmp_path), "%s/upload-tmp", scratch);
	atexit(cleanup);
}

/* the next line of data as a NUL-terminated copy (malloc'd); *off moves past it */
static char *line(const uint8_t *data, size_t size, size_t *off)
{
	const uint8_t *p = data + *off, *nl = memchr(p, '\n', size - *off);
	size_t n = nl ? (size_t)(nl - p) : size - *off;
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	*off += nl ? n + 1 : n;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *r = NULL;
	int64_t params[REQ_MAX_PARAMS];
	int nparams = 0, fd, i;
	char allow[64], *req_line, *path, *filename;
	size_t off = 0;
	struct ctx ctx;
	const char *mime, *sniffed;

	init_once();
	req_line = line(data, size, &off);
	filename = line(data, size, &off);
	path = strchr(req_line, ' ');
	if (path)
		*path++ = '\0';
	else
		path = req_line;
	if (routes_match(req_line, path, &r, params, &nparams, allow, sizeof(allow)) == ROUTE_FOUND) {
		if (!r || nparams < 0 || nparams > REQ_MAX_PARAMS || routes_flags_for(req_line, path) != r->flags)
			abort();
		for (i = 0; i < nparams; i++)
			if (params[i] <= 0)
				abort();
	} else if (routes_flags_for(req_line, path) != 0) {
		abort();
	}
	(void)routes_match(req_line, path, &r, params, &nparams, allow, 8);

	sniffed = attachment_sniff(data + off, size - off);
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	if (write(fd, data + off, size - off) != (ssize_t)(size - off))
		abort();
	close(fd);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	if (attachment_take(&ctx, filename, tmp_path, sha, &mime) == 0) {
		/* only the first 16 bytes are read: the type must agree with the whole-body sniff */
		if (!mime || !sniffed || strcmp(mime, sniffed))
			abort();
	} else if (!ctx.err.code || !ctx.err.message[0]) {
		abort();
	}
	free(req_line);
	free(filename);
	return 0;
}
