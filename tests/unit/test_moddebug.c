/*
 * Module object files (src/debuginfo/modobj.c, src/linux/moddebug.c, mod -s/-d): a small
 * module built here (cc -c, then ld -r with a chosen build ID, as a .ko is a relocatable
 * object), loaded for the fake kernel's module "fake" whose sect_attrs place its .data on
 * fake_mod_data and its .text at 0xffffffffc0001000. Checked: the relocated DWARF (a
 * variable's address and value, a function's source line, a type only the module has), a
 * compressed .ko.xz / .ko.zst (when xz / zstd are installed), unloading, and the refusals
 * (not an object file, a build ID that is not the module's in the dump). Skipped when no C
 * compiler and linker are at hand.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_session.h"
#include "tests.h"

#include "debuginfo/ctype.h"
#include "debuginfo/modobj.h"
#include "debuginfo/types.h"
#include "shell/shell.h"

static kd_session *S;
static char dir[64];
static bool built;

/* The line numbers matter: modfunc's body is line 5. */
static const char module_source[] = "struct modonly { int a; long b; };\n"
				    "struct modonly modvar = {7, 42};\n"
				    "int modfunc(int x)\n"
				    "{\n"
				    "\treturn x + modvar.a;\n"
				    "}\n";

#define GOOD_ID "4b444956450102030405060708090a0b0c0d0e0f" /* the fake kernel's fake_mod_build_id */
#define BAD_ID "00112233445566778899aabbccddeeff00112233"

static int sh(const char *fmt, const char *a)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), fmt, a, a, a, a);
	return system(cmd);
}

static int setup(void)
{
	S = fake_session();
	if (!S)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/kdive-moddebug-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char path[128];
	snprintf(path, sizeof(path), "%s/mod.c", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	fputs(module_source, f);
	fclose(f);
	built = sh("cd %s && cc -g -O0 -fno-pic -mcmodel=kernel -c mod.c -o mod.o 2>/dev/null && "
		   "ld -r --build-id=0x" GOOD_ID " -o fake.ko mod.o && ld -r --build-id=0x" BAD_ID " -o other.ko mod.o",
		   dir) == 0;
	if (!built)
		fprintf(stderr, "module debuginfo tests skipped: cannot build a module object file with cc and ld\n");
	return 0;
}

static int teardown(void)
{
	if (dir[0])
		sh("rm -rf %s", dir);
	return 0;
}

/* One command line through the shell: its output (to free). */
static char *run(const char *fmt, const char *arg)
{
	char line[512], *buf = NULL;
	size_t len = 0;
	snprintf(line, sizeof(line), fmt, arg);
	FILE *out = open_memstream(&buf, &len), *saved = S->out;
	S->out = out;
	shell_run_line(S, line);
	S->out = saved;
	fclose(out);
	return buf;
}

static void test_load(void)
{
	if (!built)
		return;
	char *o = run("mod -s fake %s/fake.ko", dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "/fake.ko \n"));
	free(o);
	CU_ASSERT_PTR_NOT_NULL(kd_module_objfile(S, "fake"));
	/* The variable: relocated onto fake_mod_data, where the fake kernel keeps {7, 42}. */
	struct ctype *t;
	uint64_t addr = 0;
	CU_ASSERT_EQUAL(ctype_var(S, "modvar", &t, &addr), 1);
	CU_ASSERT_EQUAL(addr, fake_sym("fake_mod_data"));
	o = run("p modvar%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "a = 7,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "b = 42"));
	free(o);
	/* A type only the module has. */
	CU_ASSERT_PTR_NOT_NULL(ctype_find(S, "struct modonly"));
	/* The function: its line, through the unit whose .text holds the address. */
	struct modobj *m = modobjs_for_module(S, "fake");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m->dwarf);
	uint64_t fn = 0;
	CU_ASSERT_EQUAL(ctype_var(S, "modfunc", &t, &fn), 1);
	CU_ASSERT(fn >= 0xffffffffc0001000ULL && fn < 0xffffffffc0001100ULL);
	char file[256];
	int line = 0;
	CU_ASSERT_EQUAL(kd_addr_to_line(S, fn + 8, file, sizeof(file), &line), 0);
	CU_ASSERT_EQUAL(line, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(file, "mod.c"));
	/* sym of the function names its file and line, as for vmlinux's. */
	o = run("sym modfunc%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(T) modfunc [fake] "));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "mod.c: "));
	free(o);
	/* sym -s: the object file's section, no longer "in fake module". */
	o = run("sym -s modfunc%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(T) modfunc [fake] [.text]\n"));
	free(o);
	/* crash's symbols of the file: the sections a kallsyms symbol places (.text, by modfunc),
	 * not .data, which no kallsyms symbol of the module lies in; kallsyms' own after them. */
	o = run("sym -m fake%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(T) modfunc\n"));
	CU_ASSERT_PTR_NULL(strstr(o, "modvar"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(T) fake_init\n"));
	free(o);
	/* gdb's <symbol> for an address in the file's sections. */
	o = run("p &modvar%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, " <modvar>\n"));
	free(o);
	/* Loaded once: -s again leaves it, -d forgets it and its names. */
	o = run("mod -d fake%s", "");
	CU_ASSERT_STRING_EQUAL(o, "");
	free(o);
	CU_ASSERT_PTR_NULL(kd_module_objfile(S, "fake"));
	CU_ASSERT_PTR_NULL(ctype_find(S, "struct modonly"));
	CU_ASSERT_EQUAL(ctype_var(S, "modvar", &t, NULL), 0);
	CU_ASSERT_NOT_EQUAL(kd_addr_to_line(S, fn + 8, file, sizeof(file), &line), 0);
	/* Back to kallsyms: no line, no section of the file. */
	o = run("sym -s modfunc%s", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(T) modfunc [fake] [in fake module]\n"));
	free(o);
	o = run("sym modfunc%s", "");
	CU_ASSERT_PTR_NULL(strstr(o, "mod.c"));
	free(o);
}

static void test_compressed(void)
{
	if (!built)
		return;
	static const struct {
		const char *tool, *make, *suffix;
	} forms[] = {{"xz", "cd %s && xz -k -c fake.ko > fake.ko.xz", ".xz"}, {"zstd", "cd %s && zstd -q -c fake.ko > fake.ko.zst", ".zst"}};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (sh(forms[i].make, dir) != 0)
			continue; /* the tool is not installed */
		char path[128];
		snprintf(path, sizeof(path), "%s/fake.ko%s", dir, forms[i].suffix);
		CU_ASSERT_EQUAL(kd_module_objfile_load(S, "fake", path), 0);
		struct ctype *t;
		uint64_t addr = 0;
		CU_ASSERT_EQUAL(ctype_var(S, "modvar", &t, &addr), 1);
		CU_ASSERT_EQUAL(addr, fake_sym("fake_mod_data"));
		kd_module_objfile_unload(S, NULL);
		CU_ASSERT_EQUAL(ctype_var(S, "modvar", &t, NULL), 0);
	}
	/* Compressed but not an object file inside. */
	if (sh("cd %s && printf 'not elf' | xz -c > junk.ko.xz", dir) == 0) {
		char path[128];
		snprintf(path, sizeof(path), "%s/junk.ko.xz", dir);
		CU_ASSERT_EQUAL(kd_module_objfile_load(S, "fake", path), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "not an ELF format object file"));
	}
}

static void test_refused(void)
{
	if (!built)
		return;
	char *o = run("mod -s fake %s/other.ko", dir);
	CU_ASSERT_PTR_NULL(strstr(o, "/other.ko \n"));
	free(o);
	CU_ASSERT_PTR_NULL(kd_module_objfile(S, "fake"));
	char path[128];
	snprintf(path, sizeof(path), "%s/other.ko", dir);
	CU_ASSERT_EQUAL(kd_module_objfile_load(S, "fake", path), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "build ID " BAD_ID " does not match the fake module's in the dump (" GOOD_ID ")"));
	snprintf(path, sizeof(path), "%s/mod.c", dir);
	CU_ASSERT_EQUAL(kd_module_objfile_load(S, "fake", path), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), ": not an ELF format object file"));
	CU_ASSERT_EQUAL(kd_module_objfile_load(S, "nosuch", path), -1);
	/* Found by name under a directory, as mod -S finds it. */
	char *found = kd_module_objfile_search(S, "fake", NULL, dir);
	CU_ASSERT_PTR_NOT_NULL(found);
	CU_ASSERT(found && strcmp(found + strlen(found) - 8, "/fake.ko") == 0);
	free(found);
	CU_ASSERT_PTR_NULL(kd_module_objfile_search(S, "ext4", NULL, dir));
	kd_clear_error(S);
	/* Found by the build ID the module has in the dump, where no name matches. */
	char bid[160];
	snprintf(bid, sizeof(bid), "%s/byid", dir);
	CU_ASSERT_EQUAL(sh("mkdir -p %s/byid/.build-id/4b && cp %s/fake.ko %s/byid/.build-id/4b/"
			   "444956450102030405060708090a0b0c0d0e0f.debug", dir), 0);
	found = kd_module_objfile_search(S, "fake", NULL, bid);
	CU_ASSERT_PTR_NOT_NULL(found);
	CU_ASSERT(found && strstr(found, "/byid/.build-id/4b/444956450102030405060708090a0b0c0d0e0f.debug") != NULL);
	free(found);
	CU_ASSERT_EQUAL(sh("rm -rf %s/byid/.build-id/4b", dir), 0);
	CU_ASSERT_PTR_NULL(kd_module_objfile_search(S, "fake", NULL, bid));
	CU_ASSERT_EQUAL(kd_last_code(S), KD_OK);
}

void add_moddebug_tests(void)
{
	CU_pSuite s = CU_add_suite("module object files on a fake kernel", setup, teardown);
	CU_add_test(s, "load, relocate, look up, unload", test_load);
	CU_add_test(s, "compressed object files", test_compressed);
	CU_add_test(s, "refused object files", test_refused);
}
