/* kdive public API: reading the dump's memory. */
#ifndef KDIVE_PUBLIC_MEMORY_H
#define KDIVE_PUBLIC_MEMORY_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Kernel virtual, physical, and user virtual through the page table whose top level is at pgd (physical). */
KD_API int kd_read_kv(kd_session *s, uint64_t vaddr, void *buf, size_t len);
KD_API int kd_read_phys(kd_session *s, uint64_t paddr, void *buf, size_t len);
KD_API int kd_read_uv(kd_session *s, uint64_t pgd, uint64_t vaddr, void *buf, size_t len);
/* The physical address behind a kernel virtual address. */
KD_API int kd_kvtop(kd_session *s, uint64_t vaddr, uint64_t *paddr);
/* Any address space; KD_UVADDR reads the current task's user memory. */
enum kd_addr_space { KD_KVADDR, KD_UVADDR, KD_PHYSADDR };
KD_API int kd_read(kd_session *s, uint64_t addr, enum kd_addr_space space, void *buf, size_t len);
KD_API int kd_read_u64(kd_session *s, uint64_t kvaddr, uint64_t *val);
KD_API int kd_read_u32(kd_session *s, uint64_t kvaddr, uint32_t *val);
KD_API int kd_read_string(kd_session *s, uint64_t kvaddr, char *buf, size_t size);

/*
 * Address translation as vtop shows it: the page-table walk with every entry it read. Each
 * level of the walk, top first: its name as the kernel calls it, where the entry is
 * (physical) and what it holds.
 */
#define KD_PT_MAX_LEVELS 5
struct kd_pt_level {
	const char *name;  /* "PGD", "P4D", "PUD", "PMD", "PTE" */
	uint64_t entry;    /* physical address of the entry */
	uint64_t value;    /* its contents */
};
struct kd_pt_trace {
	uint64_t vaddr;
	uint64_t top;          /* physical address of the top-level table */
	uint64_t top_kvaddr;   /* its kernel virtual address when it is the kernel's own, else 0 */
	unsigned nr_levels;    /* entries read, level[0] the top one */
	struct kd_pt_level level[KD_PT_MAX_LEVELS];
	bool present;          /* the walk ended in a page (present, or PROT_NONE with KD_PT_USER) */
	bool huge;             /* that page is mapped above the PTE level (2 MiB, 1 GiB) */
	uint64_t paddr;        /* present: the physical address of vaddr */
	uint64_t page;         /* present: the physical address of its page */
	uint64_t page_size;    /* present: the size of that page */
	uint64_t pte;          /* the last entry: the leaf, or a last-level entry that is not present */
	bool swap;             /* a last-level entry not present but not empty: a swap (or migration) entry */
};
/* Walk as the kernel does for a user address: PROT_NONE pages (PMD and PTE levels) are present. */
#define KD_PT_USER 0x1
/*
 * Walk the page table whose top level is at pgd (physical; 0 = the kernel's) for vaddr. Returns 0
 * when the walk ended, in a page or at an entry that is not present (t says which), and -1 with
 * an error naming vaddr when a table cannot be read (t holds the levels read before it).
 */
KD_API int kd_vtop_trace(kd_session *s, uint64_t pgd, uint64_t vaddr, unsigned flags, struct kd_pt_trace *t);
/* A user address (below the top of user space); kd_is_kvaddr (session.h) is the kernel half. */
KD_API bool kd_is_uvaddr(kd_session *s, uint64_t vaddr);
/* A kernel address the kernel maps linearly (the direct map, the kernel image; not vmalloc, modules,
 * the vmemmap or the fixed maps), with its physical address by arithmetic: false for any other. */
KD_API bool kd_kvaddr_linear(kd_session *s, uint64_t vaddr, uint64_t *paddr);

/* A page-table entry decoded. */
struct kd_pte_info {
	uint64_t paddr;       /* the page frame address it holds */
	bool present;         /* it maps a page (present, or PROT_NONE) */
	bool swap;            /* not present and not empty: a swap entry */
	uint64_t swap_type;   /* swap: the index in swap_info[] */
	uint64_t swap_offset; /* swap: the page offset in that swap area */
	char flags[128];      /* its flag bits by name, "PRESENT|RW|USER|ACCESSED"; "no mapping" for 0 */
};
/* Fails (with an error) only when no architecture is known. */
KD_API int kd_pte_decode(kd_session *s, uint64_t pte, struct kd_pte_info *out);

/*
 * Bulk reads for scans (search): memory in large runs straight from the dump's pages, and
 * pages that are missing learnt cheaply, without an error or a message for each.
 *
 * kd_translate_run: how many bytes from vaddr's page (rounded down to it), at most len, are
 * mapped to physically contiguous memory, and where they start (*paddr). space is KD_KVADDR
 * (the kernel's translation: the direct map and kernel image by arithmetic, the rest through
 * the page tables) or KD_UVADDR (through the page table at pgd, physical). 0 when that page is
 * not mapped, with no error set.
 *
 * kd_read_phys_run: the bytes present in the dump from paddr (page-aligned) on, at most len
 * (rounded down to whole pages); *data points at them: into the dump file where it stores the
 * pages plainly, else into buf (len bytes, the caller's). 0 when the page at paddr is not in the
 * dump, was excluded by makedumpfile or cannot be read: the caller skips that page; no error is
 * set. -1 (with an error) only without a dump or for a paddr off a page boundary.
 */
KD_API size_t kd_translate_run(kd_session *s, enum kd_addr_space space, uint64_t pgd, uint64_t vaddr, size_t len,
			       uint64_t *paddr);
KD_API int64_t kd_read_phys_run(kd_session *s, uint64_t paddr, size_t len, void *buf, const void **data);

KD_END_DECLS

#endif
