/*
 * A harness without libFuzzer: runs it once on each file named (a directory: each file in it,
 * in name order), as libFuzzer would with -runs=0. Built by `make check` in every build (gcc,
 * and in build/asan with the sanitizers), so that the corpora and the regression inputs under
 * tests/fuzz/corpus/ are replayed by the normal test run (tests/fuzz/replay-all).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t len = 0, cap = 4096;
	uint8_t *buf = malloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	/* exactly len bytes, as libFuzzer hands them: a read past the end is the sanitizer's */
	uint8_t *data = malloc(len ? len : 1);
	memcpy(data, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int runs = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int n = scandir(argv[i], &ents, NULL, by_name);
			for (int k = 0; k < n; k++) {
				if (ents[k]->d_name[0] != '.') {
					char path[4096];
					snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
					bad += run_file(path) < 0;
					runs++;
				}
				free(ents[k]);
			}
			free(n >= 0 ? ents : NULL);
		} else {
			bad += run_file(argv[i]) < 0;
			runs++;
		}
	}
	fprintf(stderr, "%s: %d inputs replayed\n", argv[0], runs);
	return bad ? 1 : 0;
}
