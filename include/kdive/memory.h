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

KD_END_DECLS

#endif
