/*
 * The page allocator's API (include/kdive/mm.h, src/linux/mm.c) on the fake kernel: one memory
 * section whose mem_map is fake_mem_map (pages[] then slabs[]), node 0 with its DMA zone.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "tests.h"
#include "fake_session.h"
#include "linux/mm.h"

static kd_session *S;

static int setup(void)
{
	S = fake_session();
	return S ? 0 : 1;
}

static int teardown(void)
{
	fake_session_forget();
	return 0;
}

static void test_sections(void)
{
	uint64_t pages = fake_sym("fake_mem_map"), psz = kd_page_struct_size(S), page, phys, addr, coded, map;
	CU_ASSERT_EQUAL(psz, 64);
	CU_ASSERT_EQUAL(kd_pages_per_section(S), 1u << 15); /* 128 MiB sections of 4 KiB frames */
	CU_ASSERT_TRUE(kd_mem_section(S, 0, &addr, &coded, &map));
	CU_ASSERT_EQUAL(addr, fake_sym("fake_section_root"));
	CU_ASSERT_EQUAL(coded & 7, 7); /* present, has a mem_map, online */
	CU_ASSERT_EQUAL(map, pages);
	CU_ASSERT_FALSE(kd_mem_section(S, 1, &addr, &coded, &map));
	CU_ASSERT_FALSE(kd_mem_section(S, 1u << 30, &addr, &coded, &map)); /* past the last: no read */
	/* frame <-> struct page, both ways */
	CU_ASSERT_TRUE(kd_phys_to_page(S, 0x5123, &page));
	CU_ASSERT_EQUAL(page, pages + 5 * psz);
	CU_ASSERT_TRUE(kd_page_to_phys(S, pages + 7 * psz, &phys));
	CU_ASSERT_EQUAL(phys, 0x7000);
	CU_ASSERT_FALSE(kd_page_to_phys(S, pages + 7 * psz + 8, &phys)); /* inside a struct page */
	CU_ASSERT_FALSE(kd_page_to_phys(S, pages - psz, &phys));         /* before the array */
	CU_ASSERT_FALSE(kd_phys_to_page(S, 1ull << 40, &page));          /* in no section */
	CU_ASSERT_EQUAL(kd_page_member_offset(S, "_refcount"), 52);
	CU_ASSERT_EQUAL(kd_page_member_offset(S, "nosuch"), UINT64_MAX);
}

static void test_line_and_flags(void)
{
	struct kd_sbuf b = {0};
	kd_page_flags_format(S, (1u << 2) | (1u << 9) | (1ull << 40), &b);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "10000000204 uptodate,slab");
	kd_sbuf_free(&b);
	kd_page_flags_format(S, 0, &b);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "0");
	kd_sbuf_free(&b);
	const char *name;
	uint64_t mask;
	CU_ASSERT_TRUE(kd_page_flag_name(S, 0, &name, &mask));
	CU_ASSERT_STRING_EQUAL(name, "locked");
	CU_ASSERT_FALSE(kd_page_flag_name(S, 11, &name, &mask)); /* the NULL entry ends the table */
	kd_page_header(S, &b);
	CU_ASSERT_STRING_EQUAL(kd_sbuf_str(&b), "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n");
	kd_sbuf_free(&b);
	/* an unreadable struct page fails with its address */
	CU_ASSERT_EQUAL(kd_page_line(S, 0xdead0000, 0, NULL, &b), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "dead0000"));
	kd_clear_error(S);
	kd_sbuf_free(&b);
}

static void test_runs(void)
{
	uint8_t buf[20 * 64];
	uint64_t pages = fake_sym("fake_mem_map");
	memset(buf, 0xff, sizeof(buf));
	/* frames 0..19: struct pages of fake_mem_map.pages; a run across a missing section is zeroed */
	CU_ASSERT_EQUAL(kd_pages_read(S, 0, 20, buf), 20);
	uint64_t flags0;
	memcpy(&flags0, buf, 8);
	CU_ASSERT_EQUAL(flags0, 1u << 12); /* frame 0: reserved */
	/* the end of section 0 (past what the fake kernel maps) and section 1 (not present): zeros */
	CU_ASSERT_EQUAL(kd_pages_read(S, (1u << 15) - 2, 4, buf), 0);
	uint8_t zero[4 * 64] = {0};
	CU_ASSERT_EQUAL(memcmp(buf, zero, sizeof(zero)), 0);
	const struct kd_mem_node *nodes;
	CU_ASSERT_EQUAL(kd_mem_nodes(S, &nodes), 1);
	CU_ASSERT_EQUAL(nodes[0].spanned, 262144);
	CU_ASSERT_EQUAL(nodes[0].present, 262030);
	(void)pages;
}

void add_mm_tests(void)
{
	CU_pSuite s = CU_add_suite("the page allocator's API on the fake kernel", setup, teardown);
	CU_add_test(s, "memory sections, frames and struct pages", test_sections);
	CU_add_test(s, "page lines and flag names", test_line_and_flags);
	CU_add_test(s, "the page array in runs, nodes", test_runs);
}
