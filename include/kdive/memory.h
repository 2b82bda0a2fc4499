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
