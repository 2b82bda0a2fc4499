/*
 * kdive public API: the kernel's vmalloc areas (struct vmap_area): vmalloc, vmap, ioremap,
 * module and kernel-stack mappings, as crash's kmem -v lists them.
 */
#ifndef KDIVE_PUBLIC_VMALLOC_H
#define KDIVE_PUBLIC_VMALLOC_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* One busy vmap_area. */
struct kd_vmap_area {
	uint64_t area;       /* the struct vmap_area */
	uint64_t start, end; /* va_start, va_end: the virtual range [start, end) */
	uint64_t vm;         /* its struct vm_struct (vm, or private before 4.x), 0 for a vm_map_ram area */
	uint64_t flags;      /* vmap_area.flags, 0 where the kernel has none */
	bool has_vm;         /* a vmalloc/vmap/ioremap/module area, as crash lists them: one with a
				vm_struct, or on kernels whose vmap_area has a purge_list, flagged VM_VM_AREA */
};

/*
 * Every busy vmap area in address order: from vmap_area_list (before 6.9) or from each
 * vmap_node's busy list (vmap_nodes, 6.9+). *out is allocated (free() it) and holds *n
 * areas. On a broken list the areas found before the break are returned (sorted) with -1
 * and the error in the session (the list and the address it broke at); *out is always set.
 */
KD_API int kd_vmap_areas(kd_session *s, struct kd_vmap_area **out, size_t *n);

KD_END_DECLS

#endif
