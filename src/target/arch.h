/* The architecture interface: address translation, registers and unwinding live behind it. */
#ifndef KDIVE_ARCH_H
#define KDIVE_ARCH_H

#include "target/session.h"

struct arch_ops {
	const char *name;
	unsigned page_shift; /* the base page: 12 for 4 KiB */
	/* Fill s->ki: KASLR offset, phys_base, direct-map base, kernel page table. Symbols are loaded. */
	int (*init)(kd_session *s);
	/* Translate through the page table rooted at pgd (physical); pgd 0 = the kernel's. */
	int (*vtop)(kd_session *s, uint64_t pgd, uint64_t vaddr, uint64_t *paddr, uint64_t *page_size);
	/* Fast path for kernel addresses (direct map, kernel text); falls back to vtop. */
	int (*kvtop)(kd_session *s, uint64_t vaddr, uint64_t *paddr);
	bool (*is_kvaddr)(kd_session *s, uint64_t vaddr);
	unsigned section_size_bits; /* SPARSEMEM: log2 of a memory section's bytes, when VMCOREINFO does not say */
};

extern const struct arch_ops arch_x86_64;

/* Before symbols are relocated, the KASLR offset from a QEMU dump without VMCOREINFO. */
int x86_64_kaslr_from_cpu_state(kd_session *s, uint64_t *offset, uint64_t *phys_base);

#endif
