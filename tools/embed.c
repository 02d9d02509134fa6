/*
 * Build tool: turns files into a C table so the binary carries its own UI and SQL.
 *   embed SYMBOL STRIP_PREFIX file... > out.c
 * emits: const struct embedded_file SYMBOL[] = { {"name", bytes, len}, ..., {0} };
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i;
	size_t strip;
	if (argc < 3) {
		fprintf(stderr, "usage: embed SYMBOL STRIP_PREFIX file...\n");
		return 2;
	}
	strip = strlen(argv[2]);
	printf("#include \"util/embedded.h\"\n");
	for (i = 3; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int c;
		size_t n = 0;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char file_%d[] = {", i);
		while ((c = fgetc(f)) != EOF)
			printf("%s%d,", (n++ % 32) ? "" : "\n", c);
		printf("0};\n");
		fclose(f);
	}
	printf("const struct embedded_file %s[] = {\n", argv[1]);
	for (i = 3; i < argc; i++) {
		const char *name = argv[i];
		if (!strncmp(name, argv[2], strip))
			name += strip;
		printf("  {\"%s\", file_%d, sizeof(file_%d) - 1},\n", name, i, i);
	}
	printf("  {0, 0, 0}\n};\n");
	return 0;
}
