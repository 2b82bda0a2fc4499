/*
 * The vmalloc areas (kd_vmap_areas) and swap (kd_swap_devices, kd_swap_location) on the fake
 * kernel: vmap_area_list with a vmalloc'ed stack, a vm_map_ram area and a module's area out of
 * address order; swap_info[] with one partition in use and one slot no longer used.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "fake_session.h"

#include <kdive/kdive.h>

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

static void test_vmap_areas(void)
{
	struct kd_vmap_area *a;
	size_t n;
	uint64_t vas = fake_sym("vas"), vms = fake_sym("vms"), va_size, vm_size;
	CU_ASSERT_EQUAL_FATAL(kd_type_size(S, "vmap_area", &va_size), 0);
	CU_ASSERT_EQUAL_FATAL(kd_type_size(S, "vm_struct", &vm_size), 0);
	CU_ASSERT_EQUAL_FATAL(kd_vmap_areas(S, &a, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(a[0].area, vas);
	CU_ASSERT_EQUAL(a[0].start, 0xffffc90000000000ULL);
	CU_ASSERT_EQUAL(a[0].end, 0xffffc90000005000ULL);
	CU_ASSERT_EQUAL(a[0].vm, vms);
	CU_ASSERT_EQUAL(a[1].area, vas + va_size); /* the vm_map_ram area: no vm_struct, its flags */
	CU_ASSERT_EQUAL(a[1].vm, 0);
	CU_ASSERT_EQUAL(a[1].flags, 2);
	CU_ASSERT_EQUAL(a[2].vm, vms + vm_size);
	CU_ASSERT_EQUAL(a[2].start, 0xffffffffc0000000ULL);
	free(a);
}

/* A list that comes back to an area is cut there: the areas before it, sorted, and the error. */
static void test_vmap_areas_cycle(void)
{
	struct kd_vmap_area *a;
	size_t n;
	uint64_t vas = fake_sym("vas"), list_off, va_size;
	CU_ASSERT_EQUAL_FATAL(kd_type_size(S, "vmap_area", &va_size), 0);
	CU_ASSERT_EQUAL_FATAL(kd_member_offset(S, "vmap_area", "list", &list_off), 0);
	uint64_t next = vas + 2 * va_size + list_off; /* vas[2].list.next */
	uint64_t saved = fake_poke(next, vas + va_size + list_off, 8);
	CU_ASSERT_EQUAL(kd_vmap_areas(S, &a, &n), -1);
	CU_ASSERT_EQUAL(kd_last_code(S), KD_EFORMAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "vmap_area_list"));
	CU_ASSERT_EQUAL(n, 3);
	free(a);
	kd_clear_error(S);
	fake_poke(next, saved, 8);
}

static void test_swap_devices(void)
{
	struct kd_swap_device *d;
	size_t n;
	CU_ASSERT_EQUAL_FATAL(kd_swap_devices(S, &d, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1); /* swap1 is not SWP_USED */
	CU_ASSERT_EQUAL(d[0].addr, fake_sym("swap0"));
	CU_ASSERT_EQUAL(d[0].type, 0);
	CU_ASSERT_TRUE(d[0].partition); /* old_block_size set */
	CU_ASSERT_EQUAL(d[0].pages, 262143);
	CU_ASSERT_EQUAL(d[0].inuse_pages, 96);
	CU_ASSERT_EQUAL(d[0].prio, -2);
	CU_ASSERT_STRING_EQUAL(d[0].path, "(unknown)");
	free(d);
}

/* An x86_64 swap PTE since L1TF: the type in bits 59-63, the offset inverted in bits 9-58. */
static uint64_t swap_pte(uint64_t type, uint64_t offset)
{
	return (type << 59) | ((~offset & ((1ULL << 50) - 1)) << 9);
}

static void test_swap_location(void)
{
	char buf[128];
	struct kd_pte_info pi;
	CU_ASSERT_EQUAL_FATAL(kd_pte_decode(S, swap_pte(1, 1234), &pi), 0);
	CU_ASSERT_TRUE(pi.swap);
	CU_ASSERT_EQUAL(pi.swap_type, 1);
	CU_ASSERT_EQUAL(pi.swap_offset, 1234);
	CU_ASSERT_TRUE(kd_swap_location(S, swap_pte(0, 1234), buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "(unknown swap location)  OFFSET: 1234"); /* swap0 has no file */
	CU_ASSERT_TRUE(kd_swap_location(S, swap_pte(31, 7), buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "(unknown swap location)  OFFSET: 7"); /* an empty slot */
	CU_ASSERT_EQUAL(kd_last_code(S), KD_OK);
}

void add_vmem_tests(void)
{
	CU_pSuite s = CU_add_suite("vmalloc areas and swap on the fake kernel", setup, teardown);
	CU_add_test(s, "vmap areas in address order", test_vmap_areas);
	CU_add_test(s, "a cyclic vmap_area_list", test_vmap_areas_cycle);
	CU_add_test(s, "swap areas in use", test_swap_devices);
	CU_add_test(s, "swap locations", test_swap_location);
}
