/*
 * The x86_64 page-table walk (kd_vtop_trace) on a synthetic ELF dump whose pages hold page
 * tables the test writes: 4- and 5-level walks, 2 MiB and 1 GiB pages, an entry not present
 * at each level, a swap entry, a PROT_NONE user page, a table outside the dump; and the entry
 * decoding (kd_pte_decode) and linear translation (kd_kvaddr_linear) crash's vtop reports.
 */
#include <CUnit/CUnit.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/dump.h"
#include "synth.h"
#include "target/arch.h"
#include "target/session.h"
#include "tests.h"

#define NPAGES 64
#define PRESENT_RW 0x67ULL /* PRESENT|RW|USER|ACCESSED|DIRTY */

static struct {
	struct buf b;
	uint64_t load_off; /* file offset of physical address 0 */
} img;

static void put_entry(uint64_t table_pfn, unsigned idx, uint64_t value)
{
	memcpy(img.b.data + img.load_off + table_pfn * SYNTH_PAGE + idx * 8, &value, 8);
}

static unsigned ix(uint64_t va, int shift)
{
	return (unsigned)((va >> shift) & 511);
}

/* The dump written out and opened as a session's, with the x86_64 arch and its kernel table at pfn 1. */
static kd_session *open_image(char **path, bool l5)
{
	*path = synth_write(&img.b);
	struct kd_err err = {0};
	kd_session *s = session_new();
	s->dump = dump_open(*path, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->dump);
	s->arch = &arch_x86_64;
	s->ki.kernel_pgd = 1 * SYNTH_PAGE;
	s->ki.l5 = l5;
	s->ki.phys_base = 0x1000000;
	s->ki.page_offset = 0xffff888000000000ULL;
	s->ki.vmalloc_start = 0xffffc90000000000ULL;
	s->ki.vmemmap_start = 0xffffea0000000000ULL;
	return s;
}

static void close_image(kd_session *s, char *path)
{
	dump_close(s->dump);
	s->dump = NULL;
	session_free(s);
	unlink(path);
	free(path);
	free(img.b.data);
	memset(&img, 0, sizeof(img));
}

static void new_image(void)
{
	img.b = synth_elf(NPAGES, NPAGES, NULL, 0);
	Elf64_Ehdr eh;
	memcpy(&eh, img.b.data, sizeof(eh));
	Elf64_Phdr ph;
	memcpy(&ph, img.b.data + eh.e_phoff + sizeof(ph), sizeof(ph));
	img.load_off = ph.p_offset;
	/* the tables are zeroes but for what each test writes */
	for (unsigned pfn = 1; pfn < 16; pfn++)
		memset(img.b.data + img.load_off + pfn * SYNTH_PAGE, 0, SYNTH_PAGE);
}

static void test_walk_4level(void)
{
	new_image();
	const uint64_t a = 0x00007f0000201123ULL, huge2m = 0x00007f0000400000ULL + 0x5678, huge1g = 0x00007f4000000000ULL + 0x12345;
	put_entry(1, ix(a, 39), 2 * SYNTH_PAGE | PRESENT_RW);
	put_entry(2, ix(a, 30), 3 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(a, 21), 4 * SYNTH_PAGE | PRESENT_RW);
	put_entry(4, ix(a, 12), 0x8000000000000000ULL | 10 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(huge2m, 21), 0x40000000ULL | 0x80 | PRESENT_RW);                 /* a 2 MiB page */
	put_entry(2, ix(huge1g, 30), 0x80000000ULL | 0x80 | PRESENT_RW);                 /* a 1 GiB page */
	char *path;
	kd_session *s = open_image(&path, false);
	struct kd_pt_trace t;
	CU_ASSERT_EQUAL_FATAL(kd_vtop_trace(s, 1 * SYNTH_PAGE, a, 0, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 4);
	CU_ASSERT_STRING_EQUAL(t.level[0].name, "PGD");
	CU_ASSERT_STRING_EQUAL(t.level[1].name, "PUD");
	CU_ASSERT_STRING_EQUAL(t.level[2].name, "PMD");
	CU_ASSERT_STRING_EQUAL(t.level[3].name, "PTE");
	CU_ASSERT_EQUAL(t.level[0].entry, 1 * SYNTH_PAGE + ix(a, 39) * 8);
	CU_ASSERT_EQUAL(t.level[3].entry, 4 * SYNTH_PAGE + ix(a, 12) * 8);
	CU_ASSERT_EQUAL(t.level[2].value, 4 * SYNTH_PAGE | PRESENT_RW);
	CU_ASSERT_TRUE(t.present);
	CU_ASSERT_FALSE(t.huge);
	CU_ASSERT_EQUAL(t.paddr, 10 * SYNTH_PAGE + 0x123);
	CU_ASSERT_EQUAL(t.page, 10 * SYNTH_PAGE);
	CU_ASSERT_EQUAL(t.page_size, 4096);
	CU_ASSERT_EQUAL(t.top_kvaddr, SYNTH_PAGE - s->ki.phys_base + 0xffffffff80000000ULL); /* the kernel's table */
	/* the translation is the same walk */
	uint64_t pa = 0, psz = 0;
	CU_ASSERT_EQUAL(kd_vtop(s, 1 * SYNTH_PAGE, a, &pa, &psz), 0);
	CU_ASSERT_EQUAL(pa, t.paddr);
	CU_ASSERT_EQUAL(psz, 4096);

	CU_ASSERT_EQUAL_FATAL(kd_vtop_trace(s, 0, huge2m, 0, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 3);
	CU_ASSERT_TRUE(t.present && t.huge);
	CU_ASSERT_EQUAL(t.page_size, 2ULL << 20);
	CU_ASSERT_EQUAL(t.paddr, 0x40000000ULL + 0x5678);
	CU_ASSERT_EQUAL(kd_vtop_trace(s, 0, huge1g, 0, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 2);
	CU_ASSERT_EQUAL(t.page_size, 1ULL << 30);
	CU_ASSERT_EQUAL(t.paddr, 0x80000000ULL + 0x12345);
	close_image(s, path);
}

static void test_walk_not_present(void)
{
	new_image();
	const uint64_t a = 0x0000000000401000ULL;
	put_entry(1, ix(a, 39), 2 * SYNTH_PAGE | PRESENT_RW);
	put_entry(2, ix(a, 30), 3 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(a, 21), 4 * SYNTH_PAGE | PRESENT_RW);
	char *path;
	kd_session *s = open_image(&path, false);
	struct kd_pt_trace t;
	/* an empty PTE */
	CU_ASSERT_EQUAL_FATAL(kd_vtop_trace(s, 0, a, KD_PT_USER, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 4);
	CU_ASSERT_FALSE(t.present || t.swap);
	CU_ASSERT_EQUAL(t.pte, 0);
	uint64_t pa;
	CU_ASSERT_EQUAL(kd_vtop(s, 0, a, &pa, NULL), -1);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_EFAULT);
	CU_ASSERT_EQUAL(kd_last_addr(s), a);
	/* a swap entry: type 1, offset 0x1234, in the L1TF layout (offset inverted) */
	uint64_t swp = (1ULL << 59) | ((~0x1234ULL << 9) & ((1ULL << 59) - 1) & ~0x1ffULL);
	close_image(s, path);
	new_image();
	put_entry(1, ix(a, 39), 2 * SYNTH_PAGE | PRESENT_RW);
	put_entry(2, ix(a, 30), 3 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(a, 21), 4 * SYNTH_PAGE | PRESENT_RW);
	put_entry(4, ix(a, 12), swp);
	put_entry(4, ix(a, 12) + 1, 12 * SYNTH_PAGE | 0x100 | 0x20); /* PROT_NONE: GLOBAL's bit, not PRESENT */
	put_entry(3, ix(a, 21) + 1, 0);                            /* an empty PMD */
	s = open_image(&path, false);
	CU_ASSERT_EQUAL_FATAL(kd_vtop_trace(s, 0, a, KD_PT_USER, &t), 0);
	CU_ASSERT_FALSE(t.present);
	CU_ASSERT_TRUE(t.swap);
	CU_ASSERT_EQUAL(t.pte, swp);
	struct kd_pte_info pi;
	CU_ASSERT_EQUAL(kd_pte_decode(s, swp, &pi), 0);
	CU_ASSERT_TRUE(pi.swap);
	CU_ASSERT_EQUAL(pi.swap_type, 1);
	CU_ASSERT_EQUAL(pi.swap_offset, 0x1234);
	/* PROT_NONE is present for a user walk only */
	CU_ASSERT_EQUAL(kd_vtop_trace(s, 0, a + 0x1000, KD_PT_USER, &t), 0);
	CU_ASSERT_TRUE(t.present);
	CU_ASSERT_EQUAL(t.paddr, 12 * SYNTH_PAGE);
	CU_ASSERT_EQUAL(kd_vtop_trace(s, 0, a + 0x1000, 0, &t), 0);
	CU_ASSERT_FALSE(t.present);
	/* an empty PMD ends the walk there, with no last entry */
	CU_ASSERT_EQUAL(kd_vtop_trace(s, 0, a + (2ULL << 20), KD_PT_USER, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 3);
	CU_ASSERT_FALSE(t.present || t.swap);
	close_image(s, path);
}

static void test_walk_table_outside_dump(void)
{
	new_image();
	const uint64_t a = 0xffffc90000003000ULL;
	put_entry(1, ix(a, 39), 2 * SYNTH_PAGE | PRESENT_RW);
	put_entry(2, ix(a, 30), 3 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(a, 21), (uint64_t)(NPAGES + 100) * SYNTH_PAGE | PRESENT_RW); /* a PTE table past the dump */
	char *path;
	kd_session *s = open_image(&path, false);
	struct kd_pt_trace t;
	CU_ASSERT_EQUAL(kd_vtop_trace(s, 0, a, 0, &t), -1);
	CU_ASSERT_EQUAL(t.nr_levels, 3); /* the levels read before it stay */
	CU_ASSERT_EQUAL(kd_last_addr(s), a);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "ffffc90000003000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "page table unreadable"));
	close_image(s, path);
}

static void test_walk_5level(void)
{
	new_image();
	const uint64_t a = 0xff11000000345678ULL;
	put_entry(1, ix(a, 48), 2 * SYNTH_PAGE | PRESENT_RW);
	put_entry(2, ix(a, 39), 3 * SYNTH_PAGE | PRESENT_RW);
	put_entry(3, ix(a, 30), 4 * SYNTH_PAGE | PRESENT_RW);
	put_entry(4, ix(a, 21), 5 * SYNTH_PAGE | PRESENT_RW);
	put_entry(5, ix(a, 12), 11 * SYNTH_PAGE | PRESENT_RW);
	char *path;
	kd_session *s = open_image(&path, true);
	struct kd_pt_trace t;
	CU_ASSERT_EQUAL_FATAL(kd_vtop_trace(s, 0, a, 0, &t), 0);
	CU_ASSERT_EQUAL(t.nr_levels, 5);
	CU_ASSERT_STRING_EQUAL(t.level[1].name, "P4D");
	CU_ASSERT_STRING_EQUAL(t.level[2].name, "PUD");
	CU_ASSERT_EQUAL(t.level[1].entry, 2 * SYNTH_PAGE + ix(a, 39) * 8);
	CU_ASSERT_EQUAL(t.paddr, 11 * SYNTH_PAGE + 0x678);
	CU_ASSERT_TRUE(kd_is_uvaddr(s, 0x00ff000000000000ULL)); /* 56-bit user space */
	close_image(s, path);
}

static void test_pte_decode(void)
{
	new_image();
	char *path;
	kd_session *s = open_image(&path, false);
	struct kd_pte_info pi;
	kd_pte_decode(s, 0x800000000f777867ULL, &pi);
	CU_ASSERT_STRING_EQUAL(pi.flags, "PRESENT|RW|USER|ACCESSED|DIRTY|NX");
	CU_ASSERT_EQUAL(pi.paddr, 0xf777000);
	CU_ASSERT_TRUE(pi.present);
	kd_pte_decode(s, 0, &pi);
	CU_ASSERT_STRING_EQUAL(pi.flags, "no mapping");
	CU_ASSERT_FALSE(pi.present || pi.swap);
	kd_pte_decode(s, 0x100, &pi);
	CU_ASSERT_STRING_EQUAL(pi.flags, "PROTNONE|GLOBAL");
	CU_ASSERT_TRUE(pi.present);
	kd_pte_decode(s, 0x80000000000001e1ULL, &pi);
	CU_ASSERT_STRING_EQUAL(pi.flags, "PRESENT|ACCESSED|DIRTY|PSE|GLOBAL|NX");
	kd_pte_decode(s, 0xfff0000000000867ULL, &pi); /* crash's 46-bit physical mask with 4 levels */
	CU_ASSERT_EQUAL(pi.paddr, 0);
	/* user and kernel halves, and the linear translation crash reports */
	CU_ASSERT_TRUE(kd_is_uvaddr(s, 0x7fffffffffffULL));
	CU_ASSERT_FALSE(kd_is_uvaddr(s, 0x800000000000ULL));
	uint64_t pa;
	CU_ASSERT_TRUE(kd_kvaddr_linear(s, 0xffff888001234567ULL, &pa));
	CU_ASSERT_EQUAL(pa, 0x1234567);
	CU_ASSERT_TRUE(kd_kvaddr_linear(s, 0xffffffff81000000ULL, &pa));
	CU_ASSERT_EQUAL(pa, 0x1000000 + s->ki.phys_base);
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0xffffc90000001000ULL, &pa));  /* vmalloc */
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0xffffea0000001000ULL, &pa));  /* vmemmap */
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0xffffffffc0001000ULL, &pa));  /* modules */
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0xfffffe0000001000ULL, &pa));  /* cpu_entry_area */
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0xffffffffff600000ULL, &pa));  /* vsyscall */
	CU_ASSERT_FALSE(kd_kvaddr_linear(s, 0x0000000000401000ULL, &pa));  /* user */
	close_image(s, path);
}

/* Issue 15: a segment claiming 2^56 bytes of memory (a corrupt p_memsz) made the direct-map test
 * swallow kernel-text and vmalloc addresses, and the banner check fail naming one release twice. */
static void test_direct_map_bounded(void)
{
	new_image();
	char *path;
	kd_session *s = open_image(&path, false);
	s->dump->max_pfn = 1ULL << 44;
	uint64_t pa;
	CU_ASSERT_EQUAL(kd_kvtop(s, 0xffffffff81000000ULL, &pa), 0);
	CU_ASSERT_EQUAL(pa, 0x1000000 + s->ki.phys_base);
	CU_ASSERT_EQUAL(kd_kvtop(s, 0xffff888001234000ULL, &pa), 0);
	CU_ASSERT_EQUAL(pa, 0x1234000);
	CU_ASSERT_NOT_EQUAL(kd_kvtop(s, 0xffffc90000001000ULL, &pa), 0); /* vmalloc: through the (empty) page tables */
	s->dump->max_pfn = UINT64_MAX; /* no overflow of the byte count either */
	CU_ASSERT_EQUAL(kd_kvtop(s, 0xffffffff81000000ULL, &pa), 0);
	CU_ASSERT_EQUAL(pa, 0x1000000 + s->ki.phys_base);
	kd_clear_error(s);
	close_image(s, path);
}

void add_vtop_tests(void)
{
	CU_pSuite su = CU_add_suite("vtop", NULL, NULL);
	CU_add_test(su, "4-level walk, 2M and 1G pages", test_walk_4level);
	CU_add_test(su, "not present, swap, PROT_NONE", test_walk_not_present);
	CU_add_test(su, "a page table outside the dump", test_walk_table_outside_dump);
	CU_add_test(su, "5-level walk", test_walk_5level);
	CU_add_test(su, "the direct map bounded by the vmalloc area, whatever memory the dump claims", test_direct_map_bounded);
	CU_add_test(su, "PTE decoding, address halves, linear map", test_pte_decode);
}
