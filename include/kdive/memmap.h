/*
 * kdive public API: the kernel's map of its memory, as scans over it (search) need it: the
 * memory nodes, whether a page frame has a struct page (its sparsemem section is present), the
 * busy vmap areas, and a task's VMAs.
 */
#ifndef KDIVE_PUBLIC_MEMMAP_H
#define KDIVE_PUBLIC_MEMMAP_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* An address range [start, end). */
struct kd_range {
	uint64_t start, end;
};

/* A memory node: its first page frame and the frames it spans (holes included) and holds. */
struct kd_mem_node {
	int id;
	uint64_t start_pfn, spanned, present;
};
/* The nodes (node_data[], or contig_page_data without NUMA), at most max of them, in id order.
 * Returns how many, or -1 with an error when none can be read. */
KD_API int kd_mem_nodes(kd_session *s, struct kd_mem_node *out, int max);

/*
 * Does the page frame have a struct page: its memory section present (SECTION_MARKED_PRESENT)
 * with a mem_map (SECTION_HAS_MEM_MAP), as crash's phys_to_page asks. A kernel without
 * sparsemem: any frame below the dump's max_pfn. Never sets an error.
 */
KD_API bool kd_pfn_has_page(kd_session *s, uint64_t pfn);

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
