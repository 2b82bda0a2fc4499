/* kmem's page-allocator views and counters, and kmem ADDR ("what is this address"). */
#include <kdive/kdive.h>

#include "kmem.h"

static int todo(kd_session *s, const struct kmem_opts *o)
{
	return kd_fail(s, "kmem -%c is not supported yet", o->flag ? o->flag : 'p');
}

int kmem_free_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	(void)addr;
	return todo(s, o);
}

int kmem_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	(void)addr;
	return todo(s, o);
}

int kmem_zones(kd_session *s, struct kmem_opts *o) { return todo(s, o); }
int kmem_vm_stat(kd_session *s, struct kmem_opts *o) { return todo(s, o); }
int kmem_nodes(kd_session *s, struct kmem_opts *o) { return todo(s, o); }
int kmem_hstates(kd_session *s, struct kmem_opts *o) { return todo(s, o); }
int kmem_percpu_offsets(kd_session *s, struct kmem_opts *o) { return todo(s, o); }

int kmem_page_flags(kd_session *s, struct kmem_opts *o, const uint64_t *flags)
{
	(void)flags;
	return todo(s, o);
}

int kmem_page_hash(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	(void)addr;
	return todo(s, o);
}

int kmem_search(kd_session *s, struct kmem_opts *o, uint64_t addr)
{
	(void)o;
	return kd_fail(s, "kmem %llx: address lookup is not supported yet", (unsigned long long)addr);
}
