/*
 * kmem's parts, one file each: kmem.c parses the options as crash does and dispatches;
 * kmem_slab.c is the slab allocator (-s, -S, -r, -I, an address in a slab);
 * kmem_page.c the page allocator and counters (-f, -F, -p, -m, -z, -V, -n, -g, -h, -o,
 * -c, -C) and "kmem ADDR", which asks every part what ADDR is;
 * kmem_vmalloc.c the vmalloc areas (-v, an address in one).
 * Each returns 0 (or, for the *_at lookups, 1 when it printed something and 0 when the
 * address is not its kind), or -1 with an error set.
 */
#ifndef KDIVE_CMD_KMEM_H
#define KDIVE_CMD_KMEM_H

#include <kdive/kdive.h>

struct kmem_opts {
	char flag;           /* the one display flag given ('s', 'S', 'r', 'p', 'f', 'F', 'v', 'V', 'z',
				'n', 'o', 'c', 'C', 'i', 'g', 'h'), or 0: kmem ADDR */
	bool physical;       /* -P: the address arguments are physical */
	const char *members; /* -m MEMBER[,MEMBER...] (implies -p) */
	const char *ignore;  /* -I CACHE[,CACHE...]: caches -s/-S skip */
	const char *cpus;    /* -S=CPUS: the per-CPU slab data of these CPUs only */
	const char *cache;   /* the cache name argument of -s/-S/-r ("list": the cache list) */
	bool cache_escaped;  /* the argument was written \NAME: a cache named "list", not the list */
	int calls;           /* outputs printed so far: a blank line goes between two */
};

/* kmem_slab.c */
int kmem_slab_caches(kd_session *s, struct kmem_opts *o);
/* kmem -s/-S ADDR and kmem ADDR's slab part; ADDR may also be a kmem_cache (as a name). */
int kmem_slab_at(kd_session *s, struct kmem_opts *o, uint64_t addr, bool verbose);

/* kmem_page.c */
int kmem_free_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr);
int kmem_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr);
int kmem_zones(kd_session *s, struct kmem_opts *o);
int kmem_vm_stat(kd_session *s, struct kmem_opts *o);
int kmem_nodes(kd_session *s, struct kmem_opts *o);
int kmem_page_flags(kd_session *s, struct kmem_opts *o, const uint64_t *flags);
int kmem_hstates(kd_session *s, struct kmem_opts *o);
int kmem_percpu_offsets(kd_session *s, struct kmem_opts *o);
int kmem_page_hash(kd_session *s, struct kmem_opts *o, const uint64_t *addr);
int kmem_search(kd_session *s, struct kmem_opts *o, uint64_t addr);

/* kmem_vmalloc.c */
int kmem_vmalloc(kd_session *s, struct kmem_opts *o, const uint64_t *addr);
int kmem_vmalloc_at(kd_session *s, struct kmem_opts *o, uint64_t addr);

#endif
