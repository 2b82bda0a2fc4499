/* kmem's vmalloc view: -v [ADDR], and whether an address is in a vmalloc area (kmem ADDR). */
#include <kdive/kdive.h>

#include "kmem.h"

static void header(kd_session *s)
{
	kd_printf(s, "   VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE\n");
}

static void line(kd_session *s, const struct kd_vmap_area *a)
{
	kd_printf(s, "%016llx  %016llx  %016llx - %016llx  %7llu\n", (unsigned long long)a->area,
		  (unsigned long long)a->vm, (unsigned long long)a->start, (unsigned long long)a->end,
		  (unsigned long long)(a->end - a->start));
}

/* Whether a page of the area maps the physical address (kmem -v -P, kmem -P PHYS). */
static bool maps_phys(kd_session *s, const struct kd_vmap_area *a, uint64_t phys, uint64_t page)
{
	for (uint64_t va = a->start; va < a->end && va >= a->start; va += page) {
		uint64_t pa;
		if (kd_kvtop(s, va, &pa) < 0) {
			kd_clear_error(s); /* crash skips the pages it cannot translate (the guard page) */
			continue;
		}
		if (phys >= pa && phys - pa < page)
			return true;
	}
	return false;
}

static bool matches(kd_session *s, const struct kmem_opts *o, const struct kd_vmap_area *a, uint64_t addr)
{
	if (o->physical)
		return maps_phys(s, a, addr, kd_target(s)->page_size);
	return addr >= a->start && addr < a->end;
}

int kmem_vmalloc(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	struct kd_vmap_area *areas;
	size_t n;
	int rc = kd_vmap_areas(s, &areas, &n);
	if (n && !o->calls++) /* one header for every address of the command */
		header(s);
	for (size_t i = 0; i < n; i++) {
		if (!areas[i].has_vm)
			continue;
		if (!addr || matches(s, o, &areas[i], *addr))
			line(s, &areas[i]);
	}
	free(areas);
	return rc;
}

int kmem_vmalloc_at(kd_session *s, struct kmem_opts *o, uint64_t addr)
{
	struct kd_vmap_area *areas;
	size_t n;
	if (kd_vmap_areas(s, &areas, &n) < 0) {
		free(areas);
		return -1;
	}
	int found = 0;
	uint64_t pa;
	/* crash looks for a kernel virtual address only when it is mapped */
	if (!o->physical && kd_kvtop(s, addr, &pa) < 0) {
		kd_clear_error(s);
		n = 0;
	}
	for (size_t i = 0; i < n && !found; i++) {
		if (areas[i].has_vm && matches(s, o, &areas[i], addr)) {
			header(s);
			line(s, &areas[i]);
			found = 1;
		}
	}
	free(areas);
	return found;
}
