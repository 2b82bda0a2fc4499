/*
 * kdive public API: the SLUB slab allocator. Its caches (slab_caches), the slabs of a cache
 * (each CPU's active slab and partial list, each node's partial and full lists), the objects of
 * a slab with their free or allocated state, and which slab and cache an address is in.
 *
 * A slab is a struct slab (5.17+) or a struct page, whichever the kernel has; its members are
 * found by name. Free pointers hardened by CONFIG_SLAB_FREELIST_HARDENED are decoded (the
 * cache's random XOR the byte-swapped address of the pointer).
 *
 * Everything is bounded and cycle-safe: a freelist or a slab list that repeats an entry, points
 * outside the struct page array or cannot be read fails with KD_EFORMAT (or the memory layer's
 * code) and a message naming the cache, the walk and the address.
 *
 *   kd_slab_ctx *c = kd_slab_open(s);
 *   const struct kd_slab_cache *k = kd_slab_cache_find(c, "kmalloc-64");
 *   struct kd_slab_cpu cpu;
 *   if (k && kd_slab_cpu(c, k, 0, &cpu) == 0 && cpu.slab) ...
 *   kd_slab_close(c);
 */
#ifndef KDIVE_PUBLIC_SLAB_H
#define KDIVE_PUBLIC_SLAB_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

#define KD_SLAB_NAME_MAX 64

/* A kmem_cache, as read when the context was opened. */
struct kd_slab_cache {
	uint64_t addr;            /* struct kmem_cache */
	char name[KD_SLAB_NAME_MAX]; /* "(unknown)" when the name cannot be read */
	bool readable;            /* false: the kmem_cache itself could not be read (only addr, name) */
	uint32_t object_size;     /* the size asked for */
	uint32_t size;            /* the stride from one object to the next */
	uint32_t offset;          /* of the free pointer in a free object */
	uint32_t objects;         /* objects in a slab of the cache's order */
	uint32_t order;           /* a slab is page_size << order bytes */
	uint32_t red_left_pad;    /* bytes of red zone before each object (SLAB_RED_ZONE), else 0 */
	uint64_t flags;           /* SLAB_* flags */
	uint64_t random;          /* the freelist key (CONFIG_SLAB_FREELIST_HARDENED), 0 without */
	uint64_t cpu_slab;        /* the __percpu struct kmem_cache_cpu pointer */
};

/* One slab. */
struct kd_slab {
	uint64_t addr;     /* struct slab or struct page */
	uint64_t mem;      /* its first object (the direct map address of its memory) */
	uint64_t cache;    /* slab_cache */
	uint64_t freelist; /* the first free object as stored (not hardened: a plain pointer) */
	uint32_t inuse;    /* objects allocated, or held by a CPU for a frozen slab */
	uint32_t objects;  /* objects it holds */
	bool frozen;       /* a CPU's slab */
	int node;          /* NUMA node of its memory */
};

/* A cache's per-CPU part on one CPU (struct kmem_cache_cpu). */
struct kd_slab_cpu {
	uint64_t addr;     /* this CPU's struct kmem_cache_cpu */
	uint64_t slab;     /* its active slab, 0 if none */
	uint64_t freelist; /* the lockless freelist of that slab (as stored) */
	uint64_t partial;  /* first slab of its partial list (chained by slab.next), 0 if none or
			      the kernel has no per-CPU partial lists */
	bool has_partial;  /* the kernel keeps per-CPU partial lists (CONFIG_SLUB_CPU_PARTIAL) */
};

/* A cache's part on one node (struct kmem_cache_node). */
struct kd_slab_node {
	uint64_t addr;           /* struct kmem_cache_node, 0 if the cache has none there */
	uint64_t nr_partial;     /* slabs on the partial list */
	uint64_t nr_slabs;       /* slabs of the node (CONFIG_SLUB_DEBUG), else 0 */
	uint64_t total_objects;  /* objects in them (CONFIG_SLUB_DEBUG), else 0 */
	bool has_counts;         /* nr_slabs and total_objects exist */
	bool has_full;           /* the kernel has a full list (CONFIG_SLUB_DEBUG; filled only for
				    caches with SLAB_STORE_USER) */
	uint64_t partial_head;   /* the list_head of the partial list */
	uint64_t full_head;      /* the list_head of the full list, 0 without one */
};

#define KD_SLAB_RED_ZONE 0x00000400UL   /* SLAB_RED_ZONE */
#define KD_SLAB_STORE_USER 0x00010000UL /* SLAB_STORE_USER: the kernel keeps full slabs on a list */

typedef struct kd_slab_ctx kd_slab_ctx;

/* Read the layout and the cache list (slab_caches). A context reads each page of the dump it
 * needs once (a dump does not change); one per command, closed at its end. NULL with an error when the kernel's
 * allocator is not SLUB or its structures cannot be found. */
KD_API kd_slab_ctx *kd_slab_open(kd_session *s);
KD_API void kd_slab_close(kd_slab_ctx *c);

/* The caches, in slab_caches order. A broken cache list keeps the caches found before the
 * break, and kd_slab_cache_list_error() says why it broke (NULL when it did not). */
KD_API size_t kd_slab_cache_count(kd_slab_ctx *c);
KD_API const struct kd_slab_cache *kd_slab_cache_at(kd_slab_ctx *c, size_t i);
KD_API const char *kd_slab_cache_list_error(kd_slab_ctx *c);
/* Lookups allowed to miss: NULL, no error set. */
KD_API const struct kd_slab_cache *kd_slab_cache_find(kd_slab_ctx *c, const char *name);
KD_API const struct kd_slab_cache *kd_slab_cache_by_addr(kd_slab_ctx *c, uint64_t kmem_cache);

/* CPUs (with a per-CPU offset) and NUMA nodes (nr_node_ids) the walks go over. */
KD_API int kd_slab_nr_cpus(kd_slab_ctx *c);
KD_API int kd_slab_nr_nodes(kd_slab_ctx *c);

KD_API int kd_slab_cpu(kd_slab_ctx *c, const struct kd_slab_cache *k, int cpu, struct kd_slab_cpu *out);
KD_API int kd_slab_node(kd_slab_ctx *c, const struct kd_slab_cache *k, int node, struct kd_slab_node *out);

/* A struct slab / struct page address in the struct page array (aligned, in range). */
KD_API bool kd_slab_is_page_ptr(kd_slab_ctx *c, uint64_t page);
/* Read one slab; k names the cache in error messages and gives the object count when the
 * slab has none of its own. */
KD_API int kd_slab_read(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t slab, struct kd_slab *out);

/* What an address is in: true with the slab (head page) holding it and its cache (one of the
 * list's) when its page belongs to the slab allocator; false otherwise (no error). */
KD_API bool kd_slab_of_addr(kd_slab_ctx *c, uint64_t vaddr, uint64_t *slab, const struct kd_slab_cache **k);
/* True when page is itself the struct page / struct slab of a slab of a listed cache. */
KD_API bool kd_slab_of_page(kd_slab_ctx *c, uint64_t page, const struct kd_slab_cache **k);

/* Decode one stored free pointer found at ptr_addr (the identity without hardening). */
KD_API uint64_t kd_slab_free_pointer(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t stored,
				     uint64_t ptr_addr);
/*
 * The objects on a freelist that starts at head (as stored in a slab or a kmem_cache_cpu), in
 * order, into objs (the first max of them; objs may be NULL when max is 0). The walk ends at NULL
 * or at an odd pointer. Returns how many were found, or -1 when a free pointer cannot be read or
 * an object repeats (slab is named in the message); *found (may be NULL) is then how many were
 * found before the damage.
 */
KD_API long kd_slab_freelist(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t slab, uint64_t head,
			     uint64_t *objs, size_t max, size_t *found);

/*
 * The slabs of a CPU's partial list (from kd_slab_cpu's partial, chained by next) and of a
 * node's partial or full list: each slab's address to fn (pos->index: its place in the list).
 * A slab pointer outside the struct page array, a link that cannot be read and a repeated slab
 * end the walk with -1 and a message naming the cache, the list and the slab.
 */
KD_API long kd_slab_walk_cpu_partial(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t first, kd_walk_fn fn,
				     void *arg);
KD_API long kd_slab_walk_node_list(kd_slab_ctx *c, const struct kd_slab_cache *k, const struct kd_slab_node *n,
				   bool full, kd_walk_fn fn, void *arg);

KD_END_DECLS

#endif
