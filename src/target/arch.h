/* The architecture interface: address translation, registers and unwinding live behind it. */
#ifndef KDIVE_ARCH_H
#define KDIVE_ARCH_H

#include <kdive/disasm.h>
#include <kdive/memory.h>

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
	/* The walk behind vtop, with every entry it read (kd_vtop_trace); pgd 0 = the kernel's. */
	int (*vtop_trace)(kd_session *s, uint64_t pgd, uint64_t vaddr, unsigned flags, struct kd_pt_trace *t);
	/* The user half of the address space (kd_is_uvaddr). */
	bool (*is_uvaddr)(kd_session *s, uint64_t vaddr);
	/* A kernel address mapped linearly, translated by arithmetic (kd_kvaddr_linear). */
	bool (*kvaddr_linear)(kd_session *s, uint64_t vaddr, uint64_t *paddr);
	/* A page-table entry's page, flags and swap entry (kd_pte_decode). */
	void (*pte_decode)(kd_session *s, uint64_t pte, struct kd_pte_info *out);
	/* The interrupt descriptor table: how many gates it has, the bytes of each, and the handler
	 * address a gate holds (kd_idt_handlers). */
	unsigned idt_gates, idt_gate_size;
	uint64_t (*idt_gate_handler)(const uint8_t *gate);
	/* Where the kernel image is mapped from (__START_KERNEL_map) and where module space starts
	 * (MODULES_VADDR), as mach shows them. */
	void (*kernel_map)(kd_session *s, uint64_t *start_map, uint64_t *modules);
	/* One instruction decoded and written as gdb writes it (kd_disasm_one); NULL: none. */
	int (*disasm)(kd_session *s, uint64_t addr, const uint8_t *bytes, size_t len, kd_disasm_symbolizer sym, void *arg,
		      struct kd_insn *out);
};

extern const struct arch_ops arch_x86_64;

/* Before symbols are relocated, the KASLR offset from a QEMU dump without VMCOREINFO. */
int x86_64_kaslr_from_cpu_state(kd_session *s, uint64_t *offset, uint64_t *phys_base);
/* x86_64's disassembler (arch/x86_64/disasm.c, libopcodes). */
int x86_64_disasm(kd_session *s, uint64_t addr, const uint8_t *bytes, size_t len, kd_disasm_symbolizer sym, void *arg,
		  struct kd_insn *out);

#endif
