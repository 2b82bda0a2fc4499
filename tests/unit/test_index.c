/* The DWARF index on a small program compiled with -g here, and its cache file. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/dwarf_index.h"
#include "tests.h"

static const char *PROGRAM =
	"struct point { int x, y; };\n"
	"union number { int i; float f; };\n"
	"enum colour { RED, GREEN = 5, BLUE };\n"
	"typedef struct point point_t;\n"
	"extern int shared_counter;\n"
	"int shared_counter = 3;\n"
	"static point_t origin;\n"
	"union number num;\n"
	"enum colour paint = GREEN;\n"
	"int add(int a, int b) { return a + b + origin.x + num.i; }\n"
	"int main(void) { return add(paint, shared_counter); }\n";

static char src[64], bin[64];
static Elf *elf;
static int fd = -1;

static int setup(void)
{
	strcpy(src, "/tmp/kdive-idx-XXXXXX.c");
	int sfd = mkstemps(src, 2);
	if (sfd < 0 || write(sfd, PROGRAM, strlen(PROGRAM)) != (ssize_t)strlen(PROGRAM))
		return 1;
	close(sfd);
	snprintf(bin, sizeof(bin), "%.*s.bin", (int)strlen(src) - 2, src);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cc -g -O0 -Wl,--build-id -o %s %s", bin, src);
	if (system(cmd) != 0)
		return 1;
	elf_version(EV_CURRENT);
	fd = open(bin, O_RDONLY);
	elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	return elf ? 0 : 1;
}

static int teardown(void)
{
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	unlink(src);
	unlink(bin);
	return 0;
}

static void check_lookups(struct dwarf_index *x)
{
	uint64_t die;
	CU_ASSERT_TRUE(dwi_find(x, DWI_STRUCT, "point", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_UNION, "number", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_ENUM, "colour", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_ENUMERATOR, "GREEN", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_TYPEDEF, "point_t", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_BASE, "int", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_VARIABLE, "shared_counter", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_VARIABLE, "origin", &die));
	CU_ASSERT_TRUE(dwi_find(x, DWI_FUNCTION, "add", &die));
	CU_ASSERT_FALSE(dwi_find(x, DWI_STRUCT, "nosuch", &die));
	CU_ASSERT_FALSE(dwi_find(x, DWI_STRUCT, "number", &die)); /* kinds are kept apart */
}

static void test_build(void)
{
	struct kd_err err = {0};
	for (int threads = 1; threads <= 3; threads++) {
		struct dwarf_index *x = dwi_build(elf, threads, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(x);
		check_lookups(x);
		/* Reading CUs with pread must index exactly what the mapping gives. */
		struct dwarf_index *y = dwi_build_fd(elf, fd, threads, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(y);
		check_lookups(y);
		CU_ASSERT_EQUAL(y->nentries, x->nentries);
		for (size_t i = 0; i < x->nentries; i++) {
			uint64_t die;
			CU_ASSERT_TRUE(dwi_find(y, x->entries[i].kind, x->entries[i].name, &die));
		}
		dwi_free(x);
		dwi_free(y);
	}
}

static void test_cache(void)
{
	struct kd_err err = {0};
	struct dwarf_index *x = dwi_build(elf, 2, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	const uint8_t id[20] = {1, 2, 3, 4, 5};
	char path[96];
	snprintf(path, sizeof(path), "%.60s.idx", bin);
	CU_ASSERT_EQUAL(dwi_save(x, path, id, sizeof(id), &err), 0);
	uint64_t info = dwi_info_size(elf);
	CU_ASSERT_EQUAL(info, x->info_size);
	struct dwarf_index *y = dwi_load(path, id, sizeof(id), info, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_TRUE(y->from_cache);
	CU_ASSERT_EQUAL(y->nentries, x->nentries);
	check_lookups(y);
	dwi_free(y);
	/* another build ID, another .debug_info size: not ours */
	const uint8_t other[20] = {9};
	CU_ASSERT_PTR_NULL(dwi_load(path, other, sizeof(other), info, &err));
	CU_ASSERT_PTR_NULL(dwi_load(path, id, sizeof(id), info + 1, &err));
	/* a flipped byte in the body, a truncated file: detected */
	FILE *f = fopen(path, "r+b");
	fseek(f, -3, SEEK_END);
	fputc('#', f);
	fclose(f);
	CU_ASSERT_PTR_NULL(dwi_load(path, id, sizeof(id), info, &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "corrupt"));
	CU_ASSERT_EQUAL(truncate(path, 100), 0);
	CU_ASSERT_PTR_NULL(dwi_load(path, id, sizeof(id), info, &err));
	unlink(path);
	CU_ASSERT_PTR_NULL(dwi_load(path, id, sizeof(id), info, &err));
	dwi_free(x);
}

void add_index_tests(void)
{
	CU_pSuite s = CU_add_suite("DWARF index", setup, teardown);
	CU_add_test(s, "scan with 1-3 threads", test_build);
	CU_add_test(s, "cache file: round trip, stale, corrupt", test_cache);
}
