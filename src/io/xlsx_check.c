/* The package libxlsxwriter wrote, reopened with libzip (xlsx_check.h). */
#include "io/xlsx_check.h"
#include <string.h>
#include <zip.h>
#include "util/strbuf.h"
#include "util/banned.h"

#define READ_CHUNK 65536

enum part_state { PART_WHOLE, PART_CUT, PART_HUGE };

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !memcmp(s + n - k, suffix, k);
}

static int xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Whether the NUL-terminated document s (len bytes) ends with the close of its root
 * element: "</NAME>" last (trailing whitespace aside), or the root "<NAME .../>" alone.
 * Before the root: an optional BOM, whitespace, "<?...?>" and "<!--...-->".
 */
static int xml_ends_whole(const char *s, size_t len)
{
	size_t i = 0, name_at, name_len, end;
	const char *skip;
	char quote = 0;
	while (len && xml_space(s[len - 1]))
		len--;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	for (;;) {
		while (i < len && xml_space(s[i]))
			i++;
		if (!strncmp(s + i, "<?", 2))
			skip = strstr(s + i + 2, "?>");
		else if (!strncmp(s + i, "<!--", 4))
			skip = strstr(s + i + 4, "-->");
		else
			break;
		if (!skip || (size_t)(skip - s) >= len)
			return 0;
		i = (size_t)(skip - s) + (*skip == '?' ? 2 : 3);
	}
	if (i >= len || s[i] != '<')
		return 0;
	name_at = ++i;
	while (i < len && !xml_space(s[i]) && s[i] != '>' && s[i] != '/' && s[i] != '<')
		i++;
	if (!(name_len = i - name_at))
		return 0;
	/* the end of the root's start tag: its first '>' outside a quoted attribute value */
	for (; i < len && (quote || s[i] != '>'); i++)
		if (quote ? s[i] == quote : (s[i] == '"' || s[i] == '\''))
			quote = quote ? 0 : s[i];
	if (i >= len)
		return 0;
	if (s[i - 1] == '/')
		return i + 1 == len;
	/* "</NAME" [whitespace] ">" at the very end, after the start tag */
	if (s[len - 1] != '>')
		return 0;
	end = len - 1;
	while (end > i && xml_space(s[end - 1]))
		end--;
	return end >= i + 1 + name_len + 2 && !memcmp(s + end - name_len - 2, "</", 2) &&
	       !memcmp(s + end - name_len, s + name_at, name_len);
}

/* entry i of za decompressed into sb (at most XLSX_CHECK_PART_MAX bytes) and looked at */
static enum part_state xml_part_state(zip_t *za, zip_uint64_t i, zip_uint64_t size, struct strbuf *sb)
{
	zip_file_t *zf;
	zip_int64_t got;
	if (size > XLSX_CHECK_PART_MAX)
		return PART_HUGE;
	if (!(zf = zip_fopen_index(za, i, 0)))
		return PART_CUT;
	strbuf_reset(sb);
	do {   /* each turn adds a byte or ends; libzip checks the CRC at the end */
		strbuf_grow(sb, READ_CHUNK);
		got = zip_fread(zf, sb->buf + sb->len, READ_CHUNK);
		if (got > 0) {
			sb->len += (size_t)got;
			sb->buf[sb->len] = '\0';
		}
	} while (got > 0 && sb->len <= XLSX_CHECK_PART_MAX);
	zip_fclose(zf);
	if (sb->len > XLSX_CHECK_PART_MAX)
		return PART_HUGE;
	return got == 0 && xml_ends_whole(sb->buf, sb->len) ? PART_WHOLE : PART_CUT;
}

static int check_package(const char *path, const char *sheet_part, int64_t sheet_min_len, int xml_whole,
			 struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	enum part_state state = PART_WHOLE;
	zip_t *za;
	zip_int64_t i, n;
	int zerr = 0, sheet_seen = 0;
	if (!(za = zip_open(path, ZIP_RDONLY, &zerr)))
		return err_set(e, E_IO, "file", "xlsx", "无法读取生成的 Excel 文件（错误 %d）", zerr);
	n = zip_get_num_entries(za, 0);
	for (i = 0; i < n && state == PART_WHOLE; i++) {
		zip_stat_t st;
		int named;
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || !st.size) {
			state = PART_CUT;
			continue;
		}
		named = (st.valid & ZIP_STAT_NAME) && st.name;
		if (sheet_part && named && !strcmp(st.name, sheet_part)) {
			sheet_seen = 1;
			if (sheet_min_len > 0 && st.size < (zip_uint64_t)sheet_min_len)
				state = PART_CUT;
		}
		if (state == PART_WHOLE && xml_whole && named && (has_suffix(st.name, ".xml") || has_suffix(st.name, ".rels")))
			state = xml_part_state(za, (zip_uint64_t)i, st.size, &sb);
	}
	zip_discard(za);
	strbuf_release(&sb);
	if (state == PART_HUGE)
		return err_set(e, E_TOOLARGE, "file", "too_large", "导出文件过大");
	if (n <= 0 || state != PART_WHOLE || (sheet_part && !sheet_seen))
		return err_set(e, E_IO, "file", "tmpfile", "无法写入临时文件（磁盘已满？）");
	return 0;
}

int xlsx_check_parts(const char *path, const char *sheet_part, int64_t sheet_min_len, struct err *e)
{
	return check_package(path, sheet_part, sheet_min_len, 0, e);
}

int xlsx_check_xml_whole(const char *path, struct err *e)
{
	return check_package(path, NULL, 0, 1, e);
}
