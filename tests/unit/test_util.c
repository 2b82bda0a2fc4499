#include <CUnit/CUnit.h>
#include <string.h>

#include "tests.h"
#include "debuginfo/symbols.h"
#include "base/util.h"
#include "debuginfo/find.h"

static void test_strmap(void)
{
	struct strmap m;
	strmap_init(&m);
	char keys[2000][16];
	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%d", i);
		CU_ASSERT_PTR_NULL(strmap_put(&m, keys[i], (void *)(intptr_t)(i + 1)));
	}
	CU_ASSERT_EQUAL(m.len, 2000);
	for (int i = 0; i < 2000; i++)
		CU_ASSERT_EQUAL((intptr_t)strmap_get(&m, keys[i]), i + 1);
	CU_ASSERT_PTR_NULL(strmap_get(&m, "nope"));
	CU_ASSERT_EQUAL((intptr_t)strmap_getn(&m, "key12345", 5), 13);
	strmap_free(&m);
}

static void test_u64map(void)
{
	struct u64map m;
	u64map_init(&m);
	for (uint64_t i = 0; i < 5000; i++)
		u64map_put(&m, i * 4096, (void *)(uintptr_t)(i + 1));
	CU_ASSERT_EQUAL(m.len, 5000);
	CU_ASSERT_EQUAL((uintptr_t)u64map_get(&m, 4096 * 77), 78);
	CU_ASSERT_FALSE(u64map_has(&m, 3));
	u64map_clear(&m);
	CU_ASSERT_FALSE(u64map_has(&m, 4096));
	u64map_free(&m);
}

static void test_parse(void)
{
	uint64_t v;
	CU_ASSERT_TRUE(kd_parse_hex_u64("ffffffff81000000", &v));
	CU_ASSERT_EQUAL(v, 0xffffffff81000000ULL);
	CU_ASSERT_TRUE(kd_parse_hex_u64("0x10", &v));
	CU_ASSERT_EQUAL(v, 16);
	CU_ASSERT_FALSE(kd_parse_hex_u64("12345678901234567", &v));
	CU_ASSERT_FALSE(kd_parse_hex_u64("xyz", &v));
	CU_ASSERT_TRUE(kd_parse_u64("42", &v));
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_FALSE(kd_parse_u64("-1", &v));
	CU_ASSERT_FALSE(kd_parse_u64("4x", &v));
}

static void test_vec(void)
{
	VEC(int) v = {0};
	for (int i = 0; i < 100; i++)
		VEC_PUSH(&v, i);
	CU_ASSERT_EQUAL(v.len, 100);
	CU_ASSERT_EQUAL(v.items[99], 99);
	VEC_FREE(&v);
	CU_ASSERT_PTR_NULL(v.items);
}

static void test_clone_stem(void)
{
	static const struct {
		const char *name, *shown;
	} cases[] = {
		{"link_path_walk.part.0.constprop.0", "link_path_walk"}, /* a chain: cut at the first .part. */
		{"perf_iommu_stop.part.0", "perf_iommu_stop"},
		{"sock_def_readable.isra.0", "sock_def_readable"},
		{"foo.constprop.0.isra.0", "foo.constprop.0"}, /* .isra. wins, wherever it is */
		{"bar.llvm.123456", "bar"},
		{"mod_lruvec_page_state.constprop.0", "mod_lruvec_page_state.constprop.0"}, /* kept */
		{"add_taint.cold", "add_taint.cold"},                                  /* kept */
		{"panic", "panic"},
		{"", ""},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = symbol_clone_stem(cases[i].name);
		CU_ASSERT_EQUAL(n, strlen(cases[i].shown));
		CU_ASSERT(strncmp(cases[i].name, cases[i].shown, n) == 0);
	}
}

/* /sys/kernel/notes: the build ID among other notes, and no read past a record that lies. */
static void put_note(uint8_t *b, size_t *off, uint32_t type, const char *name, const void *desc, uint32_t dlen)
{
	uint32_t nlen = (uint32_t)strlen(name) + 1, h[3] = {nlen, dlen, type};
	memcpy(b + *off, h, 12);
	*off += 12;
	memset(b + *off, 0, (nlen + 3) & ~3u);
	memcpy(b + *off, name, nlen);
	*off += (nlen + 3) & ~3u;
	memset(b + *off, 0, (dlen + 3) & ~3u);
	memcpy(b + *off, desc, dlen);
	*off += (dlen + 3) & ~3u;
}

static void test_notes_build_id(void)
{
	uint8_t b[256];
	size_t n = 0;
	const uint8_t id[20] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xff};
	put_note(b, &n, 6, "Xen", "\1\2\3", 3); /* another note first, its descriptor padded */
	put_note(b, &n, 3, "GNU", id, sizeof(id));
	char hex[64];
	CU_ASSERT_TRUE(debuginfo_notes_build_id(b, n, hex, sizeof(hex)));
	CU_ASSERT_STRING_EQUAL(hex, "deadbeef0102030405060708090a0b0c0d0e0fff");
	CU_ASSERT_FALSE(debuginfo_notes_build_id(b, n, hex, 20)); /* no room for it */
	CU_ASSERT_FALSE(debuginfo_notes_build_id(b, n - 4, hex, sizeof(hex))); /* cut short */
	uint32_t huge = 0xfffffff0u;
	memcpy(b + 4, &huge, 4); /* the first note's descriptor claims 4 GB */
	CU_ASSERT_FALSE(debuginfo_notes_build_id(b, n, hex, sizeof(hex)));
	CU_ASSERT_FALSE(debuginfo_notes_build_id(b, 0, hex, sizeof(hex)));
}

void add_util_tests(void)

{
	CU_pSuite s = CU_add_suite("util", NULL, NULL);
	CU_add_test(s, "strmap", test_strmap);
	CU_add_test(s, "u64map", test_u64map);
	CU_add_test(s, "parse", test_parse);
	CU_add_test(s, "vec", test_vec);
	CU_add_test(s, "clone suffixes cut as crash cuts them", test_clone_stem);
	CU_add_test(s, "the build ID among the kernel's notes", test_notes_build_id);
}
