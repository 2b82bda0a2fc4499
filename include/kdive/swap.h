/*
 * kdive public API: swap areas (swap_info[]), as crash's swap command lists them, and where a
 * swapped-out page went.
 */
#ifndef KDIVE_PUBLIC_SWAP_H
#define KDIVE_PUBLIC_SWAP_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* One swap area in use (SWP_USED). */
struct kd_swap_device {
	uint64_t addr;        /* its struct swap_info_struct */
	unsigned type;        /* its index in swap_info[]: the type of its swap entries */
	uint64_t flags;       /* SWP_* */
	bool partition;       /* a block device (else a file) */
	uint64_t pages;       /* usable pages */
	uint64_t inuse_pages; /* pages holding swapped-out data */
	int prio;
	char path[512];       /* the swap file or device, "(unknown)" when it has none */
};

/*
 * The swap areas in use, by type (index in swap_info[], up to nr_swapfiles). *out is allocated
 * (free() it; NULL when there are none). -1 with an error when the kernel has no swap_info or an
 * area cannot be read (the areas before it are returned).
 */
KD_API int kd_swap_devices(kd_session *s, struct kd_swap_device **out, size_t *n);
/*
 * Where a swap entry (a PTE that is not present, nonzero; kd_pte_decode splits it) points, as crash prints it after
 * "SWAP: ": "/dev/vda2  OFFSET: 1234" (the offset in pages, decimal), the device being
 * "(unknown swap location)" when swap_info has no area of that type. false (buf untouched, no
 * error) when the kernel has no swap (no swap_info or nr_swapfiles).
 */
KD_API bool kd_swap_location(kd_session *s, uint64_t entry, char *buf, size_t size);

KD_END_DECLS

#endif
