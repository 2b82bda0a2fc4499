/* kmem's slab views: -s, -S, -r, -I, and what an address in a slab is. */
#include <kdive/kdive.h>

#include "kmem.h"

int kmem_slab_caches(kd_session *s, struct kmem_opts *o)
{
	return kd_fail(s, "kmem -%c is not supported yet", o->flag);
}

int kmem_slab_at(kd_session *s, struct kmem_opts *o, uint64_t addr, bool verbose)
{
	(void)s, (void)o, (void)addr, (void)verbose;
	return 0;
}
