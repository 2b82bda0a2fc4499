/*
 * kdive public API: the machine (API 1.4): what crash's mach shows: the machine type, memory,
 * CPUs (and how many are offline), hypervisor, processor speed, HZ, the kernel's address-space
 * layout, and the firmware's physical memory map (e820).
 */
#ifndef KDIVE_PUBLIC_MACHINE_H
#define KDIVE_PUBLIC_MACHINE_H

#include <kdive/common.h>

KD_BEGIN_DECLS

struct kd_machine_info {
	char machine[65];          /* utsname machine: "x86_64" */
	uint64_t memory;           /* bytes of memory the kernel manages (present pages) */
	int cpus;                  /* possible CPUs with a per-CPU area */
	int offline;               /* of those, not in cpu_online_mask */
	char hypervisor[64];       /* pv_info.name ("bare hardware", "KVM", "Xen HVM"...); "" unknown */
	uint64_t mhz;              /* cpu_khz / 1000; 0 unknown */
	int hz;                    /* kd_kernel_hz */
	uint64_t page_size;
	uint64_t kernel_virtual_base; /* the direct map (PAGE_OFFSET) */
	uint64_t vmalloc_base;
	uint64_t vmemmap_base;
	uint64_t kernel_start_map;    /* __START_KERNEL_map */
	uint64_t modules_base;        /* MODULES_VADDR */
	uint64_t stack_size;          /* THREAD_SIZE */
};
/* Fills *out (fields that cannot be read are 0 or ""); -1 only without a dump's kernel. */
KD_API int kd_machine_info(kd_session *s, struct kd_machine_info *out);
/* How many possible CPUs are not online (cpu_online_mask); 0 when the mask cannot be read. */
KD_API int kd_cpus_offline(kd_session *s);

/* One entry of the firmware's memory map (e820_table, or e820 before 4.12). */
struct kd_e820_entry {
	uint64_t addr, size;
	uint32_t type; /* E820_TYPE_*: 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable, 7 PMEM, 12 PRAM, 128 reserved (kernel) */
};
/* The map as the kernel keeps it: *out allocated (free() it); the count, or -1 with an error
 * when the kernel has no e820 table or it cannot be read. The count is bounded by the array's
 * length in the type. */
KD_API long kd_e820_table(kd_session *s, struct kd_e820_entry **out);

KD_END_DECLS

#endif
