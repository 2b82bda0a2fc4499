/* kmem's vmalloc view: -v [ADDR], and whether an address is in a vmalloc area. */
#include <kdive/kdive.h>

#include "kmem.h"

int kmem_vmalloc(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	(void)o, (void)addr;
	return kd_fail(s, "kmem -v is not supported yet");
}

int kmem_vmalloc_at(kd_session *s, struct kmem_opts *o, uint64_t addr)
{
	(void)s, (void)o, (void)addr;
	return 0;
}
