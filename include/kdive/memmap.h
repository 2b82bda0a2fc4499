/*
 * kdive public API: the kernel's virtual memory areas, as walks over memory (search) need
 * them: the busy vmap areas, and a user address space's VMAs. (The nodes and the struct page
 * array are in <kdive/mm.h>.)
 */
#ifndef KDIVE_PUBLIC_MEMMAP_H
#define KDIVE_PUBLIC_MEMMAP_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* An address range [start, end). */
struct kd_range {
	uint64_t start, end;
};

/*
 * The busy vmap areas that hold a vm_struct (vmalloc, vmap, ioremap, modules), sorted by start,
 * [va_start, va_end) each: vmap_area_list (before 6.9) or every vmap_node's busy list. *out is
 * allocated (free it); returns the count, or -1 with an error when a list is unreadable.
 */
KD_API long kd_vmap_areas(kd_session *s, struct kd_range **out);

/* A user address space's VMAs, [vm_start, vm_end) each, in address order (the maple tree, or
 * the mmap list before 6.1). *out is allocated (free it); returns the count, or -1 with an error. */
KD_API long kd_mm_vmas(kd_session *s, uint64_t mm, struct kd_range **out);

KD_END_DECLS

#endif
