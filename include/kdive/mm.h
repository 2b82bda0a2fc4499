/*
 * kdive public API: the page allocator's view of memory. The struct page array (the
 * SPARSEMEM sections that hold it), page frame <-> struct page, a page's line as crash's
 * `kmem -p` prints it (with its flags decoded through the kernel's own pageflag_names), and
 * the page array read in large runs for walks over every page.
 *
 * The layout (sections, struct page members, flag names) is read once per session, on first
 * use. Lookups that are allowed to miss (an address in no memory section) say so by their
 * return value and set no error.
 */
#ifndef KDIVE_PUBLIC_MM_H
#define KDIVE_PUBLIC_MM_H

#include <kdive/common.h>
#include <kdive/print.h>

KD_BEGIN_DECLS

/* sizeof(struct page), or 0 (with an error) when the kernel's page array cannot be read. */
KD_API uint64_t kd_page_struct_size(kd_session *s);

/* The struct page of a physical address (of the page frame holding it): false when no valid
 * memory section holds it. */
KD_API bool kd_phys_to_page(kd_session *s, uint64_t phys, uint64_t *page);
/* Whether addr is a struct page of the page array (exactly: the start of one), with the physical
 * address of its frame in *phys (may be NULL). */
KD_API bool kd_page_to_phys(kd_session *s, uint64_t page, uint64_t *phys);

/* The memory sections (SPARSEMEM): how many page frames one holds, and section nr's address,
 * its raw section_mem_map word and its decoded mem_map (the struct page of its first frame).
 * kd_mem_section is false for a section that is not present (or past the last one). */
KD_API uint64_t kd_pages_per_section(kd_session *s);
KD_API uint64_t kd_nr_mem_sections(kd_session *s);
KD_API bool kd_mem_section(kd_session *s, uint64_t nr, uint64_t *addr, uint64_t *coded_mem_map, uint64_t *mem_map);

/* The online memory nodes (NUMA nodes; one without NUMA), in node order. */
struct kd_mem_node {
	int id;
	uint64_t pgdat;      /* struct pglist_data */
	uint64_t start_pfn;  /* node_start_pfn */
	uint64_t spanned;    /* node_spanned_pages */
	uint64_t present;    /* node_present_pages */
};
KD_API size_t kd_mem_nodes(kd_session *s, const struct kd_mem_node **nodes);

/* Hex digits of the memory size (the present pages of every node), as crash sizes physical-address
 * columns (its PADDR_PRLEN); 8 when unknown. */
KD_API int kd_paddr_prlen(kd_session *s);

/* crash's page-line header, for a physical column as wide as this dump's addresses:
 * "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n". */
KD_API void kd_page_header(kd_session *s, struct kd_sbuf *out);
/* One page's line under that header, from the struct page at `page` of the frame at phys:
 * "fffff6cf403dddc0  f777000 ffff8b99dffd6069 7ff106321  1 fffffc03a0016 referenced,uptodate\n".
 * raw: the struct page's bytes already read (kd_page_struct_size of them), or NULL to read it. */
KD_API int kd_page_line(kd_session *s, uint64_t page, uint64_t phys, const void *raw, struct kd_sbuf *out);
/* Both, as `kmem -p PHYS` prints them, for the frame holding phys: 1 when printed, 0 when phys is
 * in no memory section (nothing printed, as crash), -1 with an error. */
KD_API int kd_page_print(kd_session *s, uint64_t phys);

/* The names of a page's flags, as crash decodes them (the kernel's pageflag_names): "referenced,
 * uptodate,lru" after flags in hex; the flags alone ("fffffc0000000") when none is set. No newline. */
KD_API void kd_page_flags_format(kd_session *s, uint64_t flags, struct kd_sbuf *out);
/* The kernel's pageflag_names table: the i-th name and mask; false past the last. */
KD_API bool kd_page_flag_name(kd_session *s, size_t i, const char **name, uint64_t *mask);

/* A member's offset in struct page (UINT64_MAX when the kernel lacks it): "flags", "_refcount",
 * "mapping", "index", "private", ... cached per session. */
KD_API uint64_t kd_page_member_offset(kd_session *s, const char *member);

/*
 * The page array read in large runs: count struct pages from frame pfn into buf (count *
 * kd_page_struct_size bytes). A part that cannot be read (a hole in the vmemmap) is zeroed, as
 * crash shows it; returns how many pages were readable, or -1 with an error.
 */
KD_API long kd_pages_read(kd_session *s, uint64_t pfn, size_t count, void *buf);
/* A visitor over runs of the page array: pfn of the first, count, their bytes; 0 to go on,
 * KD_WALK_STOP (1) to stop, -1 to fail. */
typedef int (*kd_page_run_fn)(kd_session *s, uint64_t pfn, size_t count, const uint8_t *pages, void *arg);
/* Every present memory section's pages, in runs of at most 512, in frame order. Returns 0, or -1:
 * the visitor failed, or (after every readable section was walked) a section root could not be
 * read, the error naming its address. */
KD_API int kd_walk_pages(kd_session *s, kd_page_run_fn fn, void *arg);

KD_END_DECLS

#endif
