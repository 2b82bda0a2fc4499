/*
 * Types, expressions, printing and walkers on a small C program compiled with
 * -g here: its DWARF is the "vmlinux", its initialised data the "memory".
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/c_expr.h"
#include "lang/c_print.h"
#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"
#include "debuginfo/types.h"
#include "tests.h"
#include "linux/walk.h"

static const char *PROGRAM =
	"#include <stddef.h>\n"
	"struct list_head { struct list_head *next, *prev; };\n"
	"struct rb_node { unsigned long __rb_parent_color; struct rb_node *rb_right, *rb_left; };\n"
	"struct rb_root { struct rb_node *rb_node; };\n"
	"enum color { RED, GREEN = 5, BLUE };\n"
	"enum flags { F_A = 1, F_B = 2, F_C = 8 };\n"
	"typedef unsigned long u64_t;\n"
	"typedef int (*handler_t)(int, const char *);\n"
	"struct inner { int a; char name[8]; };\n"
	"struct bits { unsigned int x : 3; unsigned int y : 5; int z : 4; unsigned long big : 40; };\n"
	"struct empty { };\n"
	"struct outer {\n"
	"	int id;\n"
	"	struct inner in;\n"
	"	union { long l; unsigned char bytes[8]; };\n"
	"	struct { short s1, s2; } named;\n"
	"	struct bits b;\n"
	"	enum color c;\n"
	"	enum flags f, g;\n"
	"	int arr[3];\n"
	"	int grid[2][3];\n"
	"	int big[300];\n"
	"	char text[16];\n"
	"	const char *str;\n"
	"	handler_t fn;\n"
	"	struct list_head node;\n"
	"	struct outer *self;\n"
	"	_Bool ok;\n"
	"	u64_t val;\n"
	"	struct empty nothing;\n"
	"	volatile unsigned long counter;\n"
	"	int flex[];\n"
	"};\n"
	"struct item { int v; struct list_head link; };\n"
	"int handler(int a, const char *b) { return a + (b != 0); }\n"
	"struct outer gouter = {\n"
	"	.id = 42, .in = { 7, \"abc\" }, .l = -2, .named = { 3, -4 },\n"
	"	.b = { 5, 17, -3, 0x123456789aUL }, .c = GREEN, .f = F_A | F_C, .g = 16,\n"
	"	.arr = { 1, 2, 3 }, .grid = { { 1, 2, 3 }, { 4, 5, 6 } }, .big = { 9 },\n"
	"	.text = \"a\\\"b\\n\\0017\\377\", .str = \"hello\", .fn = handler, .self = &gouter, .ok = 1,\n"
	"	.val = 18446744073709551615UL, .counter = 99,\n"
	"};\n"
	"struct list_head ghead;\n"
	"struct item items[3] = {\n"
	"	{ 10, { &items[1].link, &ghead } }, { 20, { &items[2].link, &items[0].link } },\n"
	"	{ 30, { &ghead, &items[1].link } },\n"
	"};\n"
	"struct item loop[2] = { { 1, { &loop[1].link, 0 } }, { 2, { &loop[1].link, 0 } } };\n"
	"struct rb_node rbn[3] = { { 0, &rbn[2], &rbn[1] }, { 0, 0, 0 }, { 0, 0, 0 } };\n"
	"struct rb_root groot = { &rbn[0] };\n"
	"enum big { SMALL = 1, BIG = 0xf5, HUGE = 0x80000000u };\n"
	"enum sgn { NEG = -1, POS = 200 };\n"
	"struct tr_in { short lo; unsigned char flags; };\n"
	"struct tr {\n"
	"	int pid;\n"
	"	unsigned int ustate;\n"
	"	long neg;\n"
	"	unsigned char small;\n"
	"	signed char sc;\n"
	"	char comm[8];\n"
	"	struct tr_in in;\n"
	"	unsigned int bf1 : 3, bf2 : 7;\n"
	"	int bfs : 5;\n"
	"	void *ptr;\n"
	"	union { long ul; int ui; };\n"
	"	enum big e;\n"
	"	enum sgn g;\n"
	"	long tail[2];\n"
	"};\n"
	"struct tr gtr = { .pid = -42, .ustate = 0xfffffff0u, .neg = -5, .small = 200, .sc = -3, .comm = \"abcdefg\",\n"
	"	.in = { -7, 9 }, .bf1 = 5, .bf2 = 100, .bfs = -3, .ptr = &gtr, .ul = -9, .e = BIG, .g = POS,\n"
	"	.tail = { 1, 2 } };\n"
	"unsigned long off_arr = offsetof(struct outer, arr), off_node = offsetof(struct outer, node),\n"
	"	size_outer = sizeof(struct outer), off_link = offsetof(struct item, link), off_tr_tail = offsetof(struct tr, tail);\n"
	"int main(void) { ghead.next = &items[0].link; ghead.prev = &items[2].link; return gouter.id; }\n";

static char src[64], bin[64];
static int fd = -1;
static kd_session *S;

/* Memory: the program's file contents at their link addresses (its list head is set up by hand). */
struct region {
	uint64_t addr, size;
	const uint8_t *data; /* NULL: zeros (.bss) */
};
static struct region regions[64];
static size_t nregions;
static uint64_t ghead_addr, ghead_val[2];

static int read_mem(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	for (size_t i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		if (addr < r->addr || addr + len > r->addr + r->size)
			continue;
		if (r->data)
			memcpy(buf, r->data + (addr - r->addr), len);
		else
			memset(buf, 0, len);
		/* ghead is in .bss: main() would fill it in; we do */
		for (size_t b = 0; b < len; b++) {
			uint64_t a = addr + b;
			if (a >= ghead_addr && a < ghead_addr + 16)
				((uint8_t *)buf)[b] = ((const uint8_t *)ghead_val)[a - ghead_addr];
		}
		return 0;
	}
	return -1;
}

static int setup(void)
{
	strcpy(src, "/tmp/kdive-types-XXXXXX.c");
	int sfd = mkstemps(src, 2);
	if (sfd < 0 || write(sfd, PROGRAM, strlen(PROGRAM)) != (ssize_t)strlen(PROGRAM))
		return 1;
	close(sfd);
	snprintf(bin, sizeof(bin), "%.*s.bin", (int)strlen(src) - 2, src);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cc -g -O0 -no-pie -fno-pie -o %s %s", bin, src);
	if (system(cmd) != 0)
		return 1;
	elf_version(EV_CURRENT);
	S = session_new();
	fd = open(bin, O_RDONLY);
	S->vmlinux_elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!S->vmlinux_elf)
		return 1;
	struct kd_err err = {0};
	S->symtab = symtab_load(S->vmlinux_elf, &err);
	S->dwi = dwi_build(S->vmlinux_elf, 2, &err);
	S->dwarf = dwarf_begin_elf(S->vmlinux_elf, DWARF_C_READ, NULL);
	if (!S->symtab || !S->dwi || !S->dwarf)
		return 1;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(S->vmlinux_elf, scn)) && nregions < 64) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		regions[nregions++] = (struct region){sh.sh_addr, sh.sh_size,
						     sh.sh_type == SHT_NOBITS || !d ? NULL : d->d_buf};
	}
	const struct ksym *h = symtab_lookup(S->symtab, "ghead"), *it = symtab_lookup(S->symtab, "items");
	uint64_t off_link = 8;
	if (!h || !it)
		return 1;
	ghead_addr = h->addr;
	ghead_val[0] = it->addr + off_link;
	ghead_val[1] = it->addr + 2 * 24 + off_link;
	mem_set_reader(S, read_mem, NULL);
	return 0;
}

static int teardown(void)
{
	session_free(S); /* closes the ELF, the DWARF, the index and the symbols */
	S = NULL;
	if (fd >= 0)
		close(fd);
	unlink(src);
	unlink(bin);
	return 0;
}

/* The value of an expression, printed as p prints it ("" and a one-line error on failure). */
static char out[65536];
static const char *pv(const char *expr, char format, char output_format)
{
	struct kd_value v;
	unsigned flags = (format == 'x' ? KD_PRINT_FMT_HEX : format == 'd' ? KD_PRINT_FMT_DEC : 0) |
			 (output_format == 'x' ? KD_PRINT_RADIX_HEX : 0);
	struct kd_sbuf b = {0};
	out[0] = '\0';
	if (kd_cexpr_eval(S, expr, &v) == 0 && kd_print_value(S, &b, &v, flags) == 0)
		snprintf(out, sizeof(out), "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return out;
}

static const char *p(const char *expr)
{
	return pv(expr, 0, 0);
}

static uint64_t ival(const char *expr)
{
	uint64_t v = 0xdeadbeef;
	CU_ASSERT_EQUAL(kd_cexpr_eval_u64(S, expr, &v), 0);
	return v;
}

static void test_index(void)
{
	uint64_t die;
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_STRUCT, "outer", &die));
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_TYPEDEF, "handler_t", &die));
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_ENUM, "flags", &die));
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_ENUMERATOR, "BLUE", &die));
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_VARIABLE, "gouter", &die));
	CU_ASSERT_TRUE(dwi_find(S->dwi, DWI_FUNCTION, "handler", &die));
	/* types come from the index lazily, and are cached */
	struct ctype *a = ctype_lookup(S, "struct outer"), *b = ctype_lookup(S, "outer");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_EQUAL(a, b);
	CU_ASSERT_FALSE(a->complete);
	CU_ASSERT_EQUAL(a->size, ival("size_outer"));
	uint64_t bp;
	CU_ASSERT_PTR_NOT_NULL(ctype_member(S, a, "arr", &bp));
	CU_ASSERT_EQUAL(bp / 8, ival("off_arr"));
	CU_ASSERT_TRUE(a->complete);
	CU_ASSERT_PTR_NOT_NULL(ctype_member(S, a, "bytes", &bp)); /* through the anonymous union */
	CU_ASSERT_PTR_NULL(ctype_member(S, a, "nosuch", &bp));
	CU_ASSERT_PTR_NULL(ctype_lookup(S, "struct nosuch"));
	CU_ASSERT_PTR_NOT_NULL(ctype_lookup(S, "unsigned long"));
	CU_ASSERT_PTR_NOT_NULL(ctype_lookup(S, "const struct outer *"));
}

static void test_eval(void)
{
	CU_ASSERT_EQUAL(ival("gouter.id"), 42);
	CU_ASSERT_EQUAL(ival("gouter.self->in.a"), 7);
	CU_ASSERT_EQUAL(ival("(*gouter.self).arr[2]"), 3);
	CU_ASSERT_EQUAL(ival("gouter.grid[1][2]"), 6);
	CU_ASSERT_EQUAL(ival("gouter.l"), (uint64_t)-2);
	CU_ASSERT_EQUAL(ival("gouter.named.s2"), (uint64_t)-4);
	CU_ASSERT_EQUAL(ival("gouter.b.y"), 17);
	CU_ASSERT_EQUAL(ival("gouter.b.z"), (uint64_t)-3);
	CU_ASSERT_EQUAL(ival("gouter.b.big"), 0x123456789aULL);
	CU_ASSERT_EQUAL(ival("&gouter.arr[2] - &gouter.arr[0]"), 2);
	CU_ASSERT_EQUAL(ival("(unsigned long)&gouter.node - (unsigned long)&gouter"), ival("off_node"));
	CU_ASSERT_EQUAL(ival("&((struct outer *)0)->arr"), ival("off_arr"));
	CU_ASSERT_EQUAL(ival("sizeof(struct outer)"), ival("size_outer"));
	CU_ASSERT_EQUAL(ival("sizeof gouter.arr"), 12);
	CU_ASSERT_EQUAL(ival("GREEN + 1"), 6);
	CU_ASSERT_EQUAL(ival("gouter.c == GREEN && gouter.ok"), 1);
	CU_ASSERT_EQUAL(ival("gouter.id > 40 ? 1 : 0 / 0"), 1); /* the branch not taken is not evaluated */
	CU_ASSERT_EQUAL(ival("(char)321"), 65);
	CU_ASSERT_EQUAL(ival("-1 >> 1"), (uint64_t)-1);
	CU_ASSERT_EQUAL(ival("0xffffffff + 1"), 0); /* unsigned int arithmetic wraps, as in gdb */
	CU_ASSERT_EQUAL(ival("(1 << 3) | 4 ^ 1"), 13);
	CU_ASSERT_EQUAL(ival("'A' + '\\n'"), 75);
	CU_ASSERT_EQUAL(ival("gouter.val + 1"), 0);
	CU_ASSERT_EQUAL(ival("*gouter.str"), 'h');
	CU_ASSERT_EQUAL(ival("gouter.str[4]"), 'o');
	/* malformed expressions: a one-line error, never a crash */
	static const char *bad[] = {
		"", "gouter.", "1 +", "(", "(1", ")", "gouter..id", "nosuch", "gouter.nosuch", "5 / 0", "5 % 0",
		"sizeof(struct nosuch)", "(struct nosuch *)0", "*gouter.id", "&5", "gouter.arr[", "gouter->", "1 2",
		"gouter = 1", "handler(1)", "\"str\"", "'a", "0x", "08", "123abc", "gouter.in + 1", "!gouter.in",
		"gouter ? 1", "-gouter", "~", "$1", "gouter.id++",
		"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		"1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kd_value v;
		kd_err_clear(&S->err);
		int rc = kd_cexpr_eval(S, bad[i], &v);
		CU_ASSERT_EQUAL(rc, -1);
		const char *msg = kd_last_error(S);
		CU_ASSERT_TRUE(msg && *msg && !strchr(msg, '\n'));
		if (rc != -1 || !msg || !*msg)
			fprintf(stderr, "\n  expression \"%s\" did not fail cleanly (rc %d, \"%s\")\n", bad[i], rc, msg ? msg : "");
	}
}

static void test_print_values(void)
{
	CU_ASSERT_STRING_EQUAL(p("gouter.id"), "42");
	CU_ASSERT_STRING_EQUAL(p("gouter.in"), "{\n  a = 7,\n  name = \"abc\\000\\000\\000\\000\"\n}");
	/* escapes as gdb writes them: a digit after an octal escape is escaped too, one trailing NUL dropped */
	CU_ASSERT_STRING_EQUAL(p("gouter.text"), "\"a\\\"b\\n\\001\\067\\377\\000\\000\\000\\000\\000\\000\\000\\000\"");
	CU_ASSERT_STRING_EQUAL(p("gouter.arr"), "{1, 2, 3}");
	CU_ASSERT_STRING_EQUAL(p("gouter.grid"), "{{1, 2, 3}, {4, 5, 6}}");
	CU_ASSERT_STRING_EQUAL(p("gouter.c"), "GREEN");
	CU_ASSERT_STRING_EQUAL(p("gouter.f"), "(F_A | F_C)");
	CU_ASSERT_STRING_EQUAL(p("gouter.g"), "(unknown: 0x10)");
	CU_ASSERT_STRING_EQUAL(p("(enum color)2"), "2");
	CU_ASSERT_STRING_EQUAL(p("gouter.ok"), "true");
	CU_ASSERT_STRING_EQUAL(p("gouter.in.name[0]"), "97 'a'");
	CU_ASSERT_STRING_EQUAL(p("gouter.b"), "{\n  x = 5,\n  y = 17,\n  z = -3,\n  big = 78187493530\n}");
	CU_ASSERT_STRING_EQUAL(p("gouter.nothing"), "{<No data fields>}");
	CU_ASSERT_STRING_EQUAL(p("gouter.val"), "18446744073709551615");
	CU_ASSERT_STRING_EQUAL(pv("gouter.val", 'd', 0), "-1");
	CU_ASSERT_STRING_EQUAL(pv("gouter.id", 'x', 0), "0x2a");
	CU_ASSERT_STRING_EQUAL(pv("gouter.in", 0, 'x'), "{\n  a = 0x7,\n  name = \"abc\\000\\000\\000\\000\"\n}");
	CU_ASSERT_STRING_EQUAL(pv("gouter.in", 'x', 0), "{\n  a = 0x7,\n  name = {0x61, 0x62, 0x63, 0x0, 0x0, 0x0, 0x0, 0x0}\n}");
	CU_ASSERT_STRING_EQUAL(pv("gouter.c", 0, 'x'), "GREEN");
	/* pointers: the symbol they point into, a string for char pointers, (type) at the top */
	char want[256];
	uint64_t self = ival("&gouter"), h = ival("handler"), arr = ival("&gouter.arr[1]");
	snprintf(want, sizeof(want), "(struct outer *) 0x%llx <gouter>", (unsigned long long)self);
	CU_ASSERT_STRING_EQUAL(p("gouter.self"), want);
	snprintf(want, sizeof(want), "(handler_t) 0x%llx <handler>", (unsigned long long)h);
	CU_ASSERT_STRING_EQUAL(p("gouter.fn"), want);
	snprintf(want, sizeof(want), "{int (int, const char *)} 0x%llx <handler>", (unsigned long long)h);
	CU_ASSERT_STRING_EQUAL(p("handler"), want);
	snprintf(want, sizeof(want), "(int *) 0x%llx <gouter+%llu>", (unsigned long long)arr,
		 (unsigned long long)(arr - self));
	CU_ASSERT_STRING_EQUAL(p("&gouter.arr[1]"), want);
	CU_ASSERT_TRUE(strstr(p("gouter.str"), " \"hello\"") != NULL);
	CU_ASSERT_TRUE(strncmp(p("gouter.str"), "0x", 2) == 0); /* const char *: no (type) */
	CU_ASSERT_STRING_EQUAL(p("(void *)0"), "(void *) 0x0");
	/* 256 elements at most, then ... */
	const char *big = p("gouter.big");
	CU_ASSERT_TRUE(strncmp(big, "{9, 0, 0, ", 10) == 0);
	size_t n = strlen(big);
	CU_ASSERT_TRUE(n > 5 && strcmp(big + n - 5, "0...}") == 0);
	/* a whole structure: anonymous members, nested structures, arrays of structures */
	const char *whole = p("*gouter.self");
	CU_ASSERT_TRUE(strstr(whole, "\n  {\n    l = -2,\n    bytes = \"\\376\\377\\377\\377\\377\\377\\377\\377\"\n  },\n") !=
		       NULL);
	CU_ASSERT_TRUE(strstr(whole, "\n  named = {\n    s1 = 3,\n    s2 = -4\n  },\n") != NULL);
	CU_ASSERT_TRUE(strstr(whole, "\n  counter = 99,\n") != NULL);
}

static char *type_str(const char *name, const char *var, int show)
{
	struct kd_sbuf b = {0};
	const kd_type *t = kd_type_lookup(S, name);
	if (t)
		kd_print_type(S, &b, t, var, show);
	snprintf(out, sizeof(out), "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return out;
}

static void test_print_types(void)
{
	CU_ASSERT_STRING_EQUAL(type_str("handler_t", "", 1), "int (*)(int, const char *)");
	CU_ASSERT_STRING_EQUAL(type_str("handler_t", "", 0), "handler_t");
	CU_ASSERT_STRING_EQUAL(type_str("struct inner *", "p", 0), "struct inner *p");
	CU_ASSERT_STRING_EQUAL(type_str("enum color", "", 1), "enum color {RED, GREEN = 5, BLUE}");
	CU_ASSERT_STRING_EQUAL(type_str("struct inner", "", 1), "struct inner {\n    int a;\n    char name[8];\n}");
	CU_ASSERT_STRING_EQUAL(type_str("struct empty", "", 1), "struct empty {\n    <no data fields>\n}");
	const char *o = type_str("struct outer", "", 1);
	CU_ASSERT_TRUE(strstr(o, "\n    union {\n        long l;\n        unsigned char bytes[8];\n    };\n") != NULL);
	CU_ASSERT_TRUE(strstr(o, "\n    struct {\n        short s1;\n        short s2;\n    } named;\n") != NULL);
	CU_ASSERT_TRUE(strstr(o, "\n    int grid[2][3];\n") != NULL);
	CU_ASSERT_TRUE(strstr(o, "\n    const char *str;\n") != NULL);
	CU_ASSERT_TRUE(strstr(o, "\n    volatile unsigned long counter;\n") != NULL);
	CU_ASSERT_TRUE(strstr(o, "\n    int flex[];\n") != NULL);
	o = type_str("struct bits", "", 1);
	CU_ASSERT_TRUE(strstr(o, "    unsigned int x : 3;\n    unsigned int y : 5;\n    int z : 4;\n") != NULL);
	/* the value of an expression's type, as whatis shows it */
	struct kd_value v;
	struct kd_sbuf b = {0};
	CU_ASSERT_EQUAL_FATAL(kd_cexpr_eval(S, "&gouter.text", &v), 0);
	kd_print_type(S, &b, v.type, "", -1);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "char (*)[16]");
	kd_sbuf_free(&b);
	/* crash's struct -o layout: offsets in a column sized by the structure's size */
	const kd_type *in = kd_type_lookup(S, "struct inner");
	CU_ASSERT_EQUAL(kd_print_offsets(S, &b, in, 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "struct inner {\n   [0] int a;\n   [4] char name[8];\n}\nSIZE: 12\n");
	kd_sbuf_free(&b);
	CU_ASSERT_EQUAL(kd_print_offsets(S, &b, in, 0x1000, KD_PRINT_ADDRESSES | KD_PRINT_RADIX_HEX), 0);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "struct inner {\n  [1000] int a;\n  [1004] char name[8];\n}\nSIZE: 0xc\n");
	kd_sbuf_free(&b);
	CU_ASSERT_EQUAL(kd_print_offsets(S, &b, kd_type_lookup(S, "struct bits"), 0, 0), 0);
	CU_ASSERT_TRUE(strstr(kd_sbuf_str(&b), "\n  [0] unsigned int y : 5;\n  [1] int z : 4;\n") != NULL);
	kd_sbuf_free(&b);
	CU_ASSERT_EQUAL(kd_print_offsets(S, &b, kd_type_lookup(S, "u64_t"), 0, 0), -1);
	CU_ASSERT_EQUAL(kd_last_code(S), KD_EINVAL);
	/* one member's line: by name (through an anonymous union), by path; a miss */
	const kd_type *outer = kd_type_lookup(S, "struct outer");
	CU_ASSERT_EQUAL(kd_print_member_offset(S, &b, outer, "l", 0, 0), 0);
	CU_ASSERT_EQUAL(kd_print_member_offset(S, &b, outer, "named.s2", 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "    [16] long l;\n    [26] short s2;\n");
	kd_sbuf_free(&b);
	CU_ASSERT_EQUAL(kd_print_member_offset(S, &b, outer, "nosuch", 0, 0), -1);
	CU_ASSERT_EQUAL(kd_last_code(S), KD_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "");
	/* the struct command's member lines */
	kd_struct_spec *sp = kd_struct_spec_parse(S, "outer.id,named,l,counter", "struct");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	CU_ASSERT_PTR_EQUAL(kd_struct_spec_type(sp), outer);
	CU_ASSERT_EQUAL(kd_struct_spec_count(sp), 4);
	struct kd_member_info mi;
	CU_ASSERT_STRING_EQUAL(kd_struct_spec_member(sp, 2, &mi), "l");
	CU_ASSERT_EQUAL(mi.offset, 16);
	CU_ASSERT_EQUAL(mi.size, 8);
	CU_ASSERT_PTR_NULL(kd_struct_spec_member(sp, 4, NULL));
	CU_ASSERT_EQUAL(kd_print_struct(S, &b, sp, ival("&gouter"), 0), 0);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "  id = 42,\n  named = {\n    s1 = 3,\n    s2 = -4\n  },\n    l = -2,\n  counter = 99,\n");
	kd_sbuf_free(&b);
	/* crash's -S: read directly, no commas */
	CU_ASSERT_EQUAL(kd_print_struct(S, &b, sp, ival("&gouter"), KD_PRINT_READ_DIRECT | KD_PRINT_RADIX_HEX), 0);
	CU_ASSERT_TRUE(strncmp(kd_sbuf_str(&b), "  id = 0x2a\n", 12) == 0);
	kd_sbuf_free(&b);
	kd_struct_spec_free(sp);
	sp = kd_struct_spec_parse(S, "inner", "union"); /* the other kind is tried too */
	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	CU_ASSERT_EQUAL(kd_struct_spec_count(sp), 0);
	CU_ASSERT_EQUAL(kd_print_struct(S, &b, sp, ival("&gouter.in"), 0), 0);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "struct inner {\n  a = 7,\n  name = \"abc\\000\\000\\000\\000\"\n}\n");
	kd_sbuf_free(&b);
	kd_struct_spec_free(sp);
	CU_ASSERT_PTR_NULL(kd_struct_spec_parse(S, "outer.nosuch", "struct"));
	CU_ASSERT_STRING_EQUAL(kd_last_error(S), "invalid data structure reference: outer.nosuch");
	CU_ASSERT_PTR_NULL(kd_struct_spec_parse(S, "nosuch", "struct"));
}

/* The public view of types and values: kinds, resolution, names in the debug information. */
static void test_public_values(void)
{
	const kd_type *t = kd_type_lookup(S, "u64_t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(kd_type_kind(t), KD_TYPE_TYPEDEF);
	CU_ASSERT_EQUAL(kd_type_kind(kd_type_resolve(S, t)), KD_TYPE_INT);
	CU_ASSERT_PTR_EQUAL(kd_type_target(t), kd_type_resolve(S, t));
	const kd_type *h = kd_type_lookup(S, "handler_t");
	CU_ASSERT_EQUAL(kd_type_kind(kd_type_resolve(S, h)), KD_TYPE_POINTER);
	CU_ASSERT_EQUAL(kd_type_kind(kd_type_target(kd_type_resolve(S, h))), KD_TYPE_FUNCTION);
	CU_ASSERT_PTR_NULL(kd_type_target(kd_type_lookup(S, "struct inner")));
	CU_ASSERT_TRUE(kd_name_exists(S, KD_NAME_TYPEDEF, "u64_t"));
	CU_ASSERT_TRUE(kd_name_exists(S, KD_NAME_STRUCT, "outer"));
	CU_ASSERT_FALSE(kd_name_exists(S, KD_NAME_UNION, "outer"));
	CU_ASSERT_TRUE(kd_name_exists(S, KD_NAME_VARIABLE, "gouter"));
	CU_ASSERT_TRUE(kd_name_exists(S, KD_NAME_FUNCTION, "handler"));
	CU_ASSERT_FALSE(kd_name_exists(S, KD_NAME_VARIABLE, "handler"));

	struct kd_value v;
	uint64_t x;
	CU_ASSERT_EQUAL_FATAL(kd_value_of_symbol(S, "gouter", &v), 0);
	CU_ASSERT_TRUE(v.lvalue);
	CU_ASSERT_EQUAL(v.addr, ival("&gouter"));
	CU_ASSERT_EQUAL(kd_type_kind(v.type), KD_TYPE_STRUCT);
	CU_ASSERT_EQUAL(kd_value_of_symbol(S, "nosuch", &v), -1);
	CU_ASSERT_STRING_EQUAL(kd_last_error(S), "No symbol \"nosuch\" in current context.");
	/* an lvalue made from a type and an address, read when asked */
	kd_value_at(&v, kd_type_lookup(S, "int"), ival("&gouter.arr[1]"));
	CU_ASSERT_EQUAL(kd_value_to_u64(S, &v, &x), 0);
	CU_ASSERT_EQUAL(x, 2);
	/* an rvalue, and a bitfield */
	CU_ASSERT_EQUAL_FATAL(kd_cexpr_eval(S, "gouter.id * 2", &v), 0);
	CU_ASSERT_FALSE(v.lvalue);
	CU_ASSERT_EQUAL(kd_value_to_u64(S, &v, &x), 0);
	CU_ASSERT_EQUAL(x, 84);
	CU_ASSERT_EQUAL_FATAL(kd_cexpr_eval(S, "gouter.b.z", &v), 0);
	CU_ASSERT_EQUAL(v.bitsize, 4);
	CU_ASSERT_EQUAL(kd_value_to_u64(S, &v, &x), 0);
	CU_ASSERT_EQUAL((int64_t)x, -3);
	CU_ASSERT_EQUAL(kd_cexpr_eval(S, "gouter.nosuch", &v), -1);
	/* a symbol's declaration as whatis prints it */
	struct kd_sbuf b = {0};
	CU_ASSERT_EQUAL_FATAL(kd_value_of_symbol(S, "handler", &v), 0);
	kd_print_decl(S, &b, v.type, "handler");
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "int handler(int, const char *)");
	kd_sbuf_free(&b);
	int n = kd_value_history_next(S);
	CU_ASSERT_EQUAL(kd_value_history_next(S), n + 1);
}

/* The caller's view of struct tr: other sizes and signedness than the kernel's, a nested member,
 * a bitfield, an anonymous union's member, an array element, members the "kernel" lacks. */
struct my_tr {
	int64_t pid;     /* int: sign-extended */
	uint64_t ustate; /* unsigned int: zero-extended */
	int32_t neg;     /* long: truncated */
	uint16_t small;  /* unsigned char 200 */
	int64_t sc;      /* signed char -3 */
	char comm[12];   /* char[8]: copied, the rest zeroed */
	int32_t lo;      /* in.lo */
	uint32_t bf2;    /* bitfield */
	int64_t bfs;     /* signed bitfield */
	uint64_t ptr;
	int64_t ul;      /* through the anonymous union */
	uint8_t e;       /* enum 0xf5 */
	int64_t opt;     /* a member this kernel lacks: left as it was */
	int64_t alt;     /* "nosuch2", else "pid" */
	int64_t alt2;    /* "pid", else "neg": pid is found, neg not read */
	uint32_t tail1;  /* tail[1] */
};
#define MF(field, member, flags) KD_FIELD(struct my_tr, field, member, flags)
static const struct kd_field tr_fields[] = {
	MF(pid, "pid", 0), MF(ustate, "ustate", 0), MF(neg, "neg", 0), MF(small, "small", 0), MF(sc, "sc", 0),
	MF(comm, "comm", 0), MF(lo, "in.lo", 0), MF(bf2, "bf2", 0), MF(bfs, "bfs", 0), MF(ptr, "ptr", 0),
	MF(ul, "ul", 0), MF(e, "e", 0), MF(opt, "nosuch", KD_FIELD_OPTIONAL), MF(alt, "nosuch2", KD_FIELD_OPTIONAL),
	MF(alt, "pid", KD_FIELD_OPTIONAL), MF(alt2, "pid", 0), MF(alt2, "neg", 0), MF(tail1, "tail[1]", 0),
};
#undef MF

static void test_typed_read(void)
{
	uint64_t addr = ival("&gtr"), missing = 0;
	struct my_tr t;
	memset(&t, 0x55, sizeof(t));
	t.opt = 1234;
	size_t n = sizeof(tr_fields) / sizeof(tr_fields[0]);
	CU_ASSERT_EQUAL_FATAL(kd_read_struct(S, addr, "struct tr", tr_fields, n, &t, &missing), 0);
	CU_ASSERT_EQUAL(t.pid, -42);
	CU_ASSERT_EQUAL(t.ustate, 0xfffffff0ULL);
	CU_ASSERT_EQUAL(t.neg, -5);
	CU_ASSERT_EQUAL(t.small, 200);
	CU_ASSERT_EQUAL(t.sc, -3);
	CU_ASSERT_STRING_EQUAL(t.comm, "abcdefg");
	CU_ASSERT_TRUE(t.comm[8] == 0 && t.comm[9] == 0 && t.comm[10] == 0 && t.comm[11] == 0);
	CU_ASSERT_EQUAL(t.lo, -7);
	CU_ASSERT_EQUAL(t.bf2, 100);
	CU_ASSERT_EQUAL(t.bfs, -3);
	CU_ASSERT_EQUAL(t.ptr, addr);
	CU_ASSERT_EQUAL(t.ul, -9);
	CU_ASSERT_EQUAL(t.e, 0xf5);
	CU_ASSERT_EQUAL(t.opt, 1234); /* missing and optional: as the caller left it */
	CU_ASSERT_EQUAL(t.alt, -42);
	CU_ASSERT_EQUAL(t.alt2, -42);
	CU_ASSERT_EQUAL(t.tail1, 2);
	CU_ASSERT_EQUAL(missing, (1ULL << 12) | (1ULL << 13)); /* nosuch, nosuch2 */
	/* the same without reading */
	CU_ASSERT_EQUAL(kd_struct_check(S, "tr", tr_fields, n, &missing), 0);
	CU_ASSERT_EQUAL(missing, (1ULL << 12) | (1ULL << 13));
	/* a member the kernel must have and lacks: nothing is written */
	static const struct kd_field need[] = {{"pid", 0, 4, 0}, {"nosuch", 4, 4, 0}};
	int32_t two[2] = {7, 7};
	kd_err_clear(&S->err);
	CU_ASSERT_EQUAL(kd_read_struct(S, addr, "tr", need, 2, two, NULL), -1);
	CU_ASSERT_EQUAL(S->err.code, KD_ENOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "no member tr.nosuch"));
	CU_ASSERT_TRUE(two[0] == 7 && two[1] == 7);
	CU_ASSERT_EQUAL(kd_struct_check(S, "tr", need, 2, NULL), -1);
	/* an integer into a destination of no integer size */
	static const struct kd_field odd[] = {{"pid", 0, 3, 0}};
	uint8_t three[3];
	CU_ASSERT_EQUAL(kd_read_struct(S, addr, "tr", odd, 1, three, NULL), -1);
	/* an unknown type */
	CU_ASSERT_EQUAL(kd_read_struct(S, addr, "struct nosuch", tr_fields, 1, &t, NULL), -1);
	/* a short read: the structure runs past the end of readable memory */
	uint64_t end = 0;
	for (size_t i = 0; i < nregions; i++)
		if (addr >= regions[i].addr && addr < regions[i].addr + regions[i].size)
			end = regions[i].addr + regions[i].size;
	CU_ASSERT_FATAL(end != 0);
	memset(&t, 0x55, sizeof(t));
	kd_err_clear(&S->err);
	CU_ASSERT_EQUAL(kd_read_struct(S, end - 8, "tr", tr_fields, n, &t, NULL), -1);
	CU_ASSERT_EQUAL(S->err.code, KD_EFAULT);
	CU_ASSERT_TRUE(S->err.addr >= end - 8 && S->err.addr <= end);
	CU_ASSERT_EQUAL(kd_read_struct(S, 0x10, "tr", tr_fields, n, &t, NULL), -1);
	CU_ASSERT_EQUAL(t.pid, 0x5555555555555555LL); /* nothing written */
	/* every member optional and absent: nothing to read, anywhere */
	static const struct kd_field none[] = {{"nosuch", 0, 8, KD_FIELD_OPTIONAL}};
	CU_ASSERT_EQUAL(kd_read_struct(S, 0x10, "tr", none, 1, &t, &missing), 0);
	CU_ASSERT_EQUAL(missing, 1);
	kd_err_clear(&S->err);
}

static void test_type_model(void)
{
	/* members by name: offsets, sizes, bitfields, paths through anonymous members and arrays */
	struct kd_member_info mi;
	CU_ASSERT_EQUAL_FATAL(kd_member_info(S, "tr", "in.lo", &mi), 0);
	CU_ASSERT_EQUAL(mi.offset, ival("(unsigned long)&((struct tr *)0)->in.lo"));
	CU_ASSERT_EQUAL(mi.size, 2);
	CU_ASSERT_EQUAL(mi.bitsize, 0);
	CU_ASSERT_EQUAL_FATAL(kd_member_info(S, "struct tr", "bf2", &mi), 0);
	CU_ASSERT_EQUAL(mi.bitsize, 7);
	CU_ASSERT_EQUAL(mi.size, 4);
	uint64_t bf1_bit;
	CU_ASSERT_EQUAL_FATAL(kd_member_info(S, "tr", "bf1", &mi), 0);
	bf1_bit = mi.bitpos;
	CU_ASSERT_EQUAL(kd_member_info(S, "tr", "bf2", &mi), 0);
	CU_ASSERT_EQUAL(mi.bitpos, bf1_bit + 3);
	CU_ASSERT_EQUAL(kd_member_info(S, "tr", "tail[1]", &mi), 0);
	CU_ASSERT_EQUAL(mi.offset, ival("off_tr_tail") + 8);
	uint64_t off;
	CU_ASSERT_EQUAL(kd_member_offset(S, "outer", "bytes", &off), 0); /* in the anonymous union */
	CU_ASSERT_EQUAL(kd_member_offset(S, "outer", "arr", &off), 0);
	CU_ASSERT_EQUAL(off, ival("off_arr"));
	/* lookups allowed to miss leave the session's error alone */
	kd_fail(S, "earlier error");
	CU_ASSERT_FALSE(kd_member_find(S, "tr", "nosuch", &mi));
	CU_ASSERT_FALSE(kd_member_exists(S, "tr", "nosuch"));
	CU_ASSERT_FALSE(kd_member_exists(S, "nosuch", "pid"));
	CU_ASSERT_TRUE(kd_member_exists(S, "tr", "comm"));
	CU_ASSERT_FALSE(kd_type_exists(S, "struct nosuch"));
	CU_ASSERT_PTR_NULL(kd_type_find(S, "nosuch_t"));
	int64_t v;
	CU_ASSERT_FALSE(kd_enum_find(S, "NOSUCH", &v));
	CU_ASSERT_STRING_EQUAL(kd_last_error(S), "earlier error");
	/* ... the others fail with a code and a message naming what is missing */
	CU_ASSERT_EQUAL(kd_member_offset(S, "tr", "nosuch", &off), -1);
	CU_ASSERT_EQUAL(S->err.code, KD_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(kd_last_error(S), "this kernel has no member tr.nosuch (invalid structure member offset)");
	CU_ASSERT_PTR_NULL(kd_type_lookup(S, "struct nosuch"));
	CU_ASSERT_EQUAL(S->err.code, KD_ENOTFOUND);
	CU_ASSERT_EQUAL(kd_enum_value(S, "NOSUCH", &v), -1);
	kd_err_clear(&S->err);
	/* sizes and types */
	uint64_t size;
	CU_ASSERT_EQUAL(kd_type_size(S, "struct tr", &size), 0);
	CU_ASSERT_EQUAL(size, ival("sizeof(struct tr)"));
	const kd_type *tr = kd_type_lookup(S, "tr");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	CU_ASSERT_PTR_EQUAL(kd_var_type(S, "gtr"), tr);
	CU_ASSERT_STRING_EQUAL(kd_type_name(tr), "tr");
	CU_ASSERT_PTR_NULL(kd_type_name(kd_type_lookup(S, "struct tr *")));
	CU_ASSERT_EQUAL(kd_type_sizeof(S, kd_type_lookup(S, "u64_t")), 8);
	CU_ASSERT_EQUAL(kd_type_member(S, tr, "comm", &mi), 0);
	CU_ASSERT_EQUAL(kd_type_sizeof(S, mi.type), 8);
	CU_ASSERT_EQUAL(kd_type_member(S, tr, "nosuch", &mi), -1);
	CU_ASSERT_PTR_NULL(kd_var_type(S, "nosuch"));
	/* a lookup is answered from the model's memory the second time */
	CU_ASSERT_PTR_EQUAL(ctype_member_find(S, "tr", "in.lo"), ctype_member_find(S, "tr", "in.lo"));
	CU_ASSERT_PTR_EQUAL(ctype_lookup(S, "const struct outer *"), ctype_lookup(S, "const struct outer *"));
	/* enumerators: a value in a data form is its bits (0xf5 is not -11), a negative one is signed */
	CU_ASSERT_EQUAL(kd_enum_value(S, "BIG", &v), 0);
	CU_ASSERT_EQUAL(v, 0xf5);
	CU_ASSERT_TRUE(kd_enum_find(S, "POS", &v) && v == 200);
	CU_ASSERT_TRUE(kd_enum_find(S, "NEG", &v) && v == -1);
	CU_ASSERT_TRUE(kd_enum_find(S, "HUGE", &v) && v == 0x80000000LL);
	CU_ASSERT_EQUAL(ival("BIG"), 0xf5);
	CU_ASSERT_EQUAL(ival("POS"), 200);
	CU_ASSERT_STRING_EQUAL(p("gtr.e"), "BIG");
	CU_ASSERT_STRING_EQUAL(p("gtr.g"), "POS");
	const char *name;
	CU_ASSERT_TRUE(kd_enum_at(S, kd_type_lookup(S, "enum color"), 1, &name, &v));
	CU_ASSERT_STRING_EQUAL(name, "GREEN");
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_FALSE(kd_enum_at(S, kd_type_lookup(S, "enum color"), 3, &name, &v));
	CU_ASSERT_FALSE(kd_enum_at(S, tr, 0, &name, &v));
	kd_err_clear(&S->err);
}

static int collect(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	struct kd_sbuf *b = arg;
	kd_sbuf_printf(b, "%llx %s;", (unsigned long long)entry, pos ? pos->path : "-");
	return 0;
}

static void test_walkers(void)
{
	uint64_t items = ival("&items"), head = ival("&ghead");
	struct kd_sbuf b = {0}, want = {0};
	/* list_head list from its head: three items, then back at the head */
	CU_ASSERT_EQUAL(kd_walk_list(S, head, 8, 0, collect, &b), 3);
	kd_sbuf_printf(&want, "%llx -;%llx -;%llx -;", (unsigned long long)items, (unsigned long long)items + 24,
		    (unsigned long long)items + 48);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), kd_sbuf_str(&want));
	kd_sbuf_free(&b);
	kd_sbuf_free(&want);
	CU_ASSERT_EQUAL(kd_walk_list(S, head, 8, KD_WALK_REVERSE, collect, &b), 3); /* backwards */
	kd_sbuf_free(&b);
	/* a cycle that never comes back to the start: an error, not a hang */
	uint64_t loop = ival("&loop[0].link");
	kd_err_clear(&S->err);
	CU_ASSERT_EQUAL(kd_walk_chain(S, loop, 0, 8, 0, 0, collect, &b), 2); /* loop[1] points to itself: the walk ends there */
	kd_sbuf_free(&b);
	/* an unreadable pointer */
	CU_ASSERT_EQUAL(kd_walk_chain(S, 0x10, 0, 0, 0, 0, collect, &b), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "invalid list entry"));
	kd_sbuf_free(&b);
	/* red-black tree: root first, then left, then right, with positions */
	uint64_t n0 = ival("&rbn[0]");
	CU_ASSERT_EQUAL(kd_walk_rbtree(S, n0, 0, KD_WALK_NODE, collect, &b), 3);
	kd_sbuf_printf(&want, "%llx root;%llx root/l;%llx root/r;", (unsigned long long)n0, (unsigned long long)n0 + 24,
		    (unsigned long long)n0 + 48);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), kd_sbuf_str(&want));
	kd_sbuf_free(&b);
	kd_sbuf_free(&want);
	CU_ASSERT_EQUAL(kd_walk_rbtree(S, n0, 0, KD_WALK_NODE | KD_WALK_INORDER, collect, &b), 3);
	kd_sbuf_printf(&want, "%llx root/l;%llx root;%llx root/r;", (unsigned long long)n0 + 24, (unsigned long long)n0,
		    (unsigned long long)n0 + 48);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), kd_sbuf_str(&want));
	kd_sbuf_free(&b);
	kd_sbuf_free(&want);
}

void add_types_tests(void)
{
	CU_pSuite s = CU_add_suite("types, expressions and printing (a program compiled with -g)", setup, teardown);
	CU_add_test(s, "index and lazy types", test_index);
	CU_add_test(s, "expressions", test_eval);
	CU_add_test(s, "values as gdb prints them", test_print_values);
	CU_add_test(s, "types as ptype prints them", test_print_types);
	CU_add_test(s, "the public value API: kinds, names, values", test_public_values);
	CU_add_test(s, "list and rbtree walkers", test_walkers);
	CU_add_test(s, "typed reads by member name", test_typed_read);
	CU_add_test(s, "one type model: members, sizes, enumerators by name", test_type_model);
}
