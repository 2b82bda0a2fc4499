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

/* kmem -p: every page of every present memory section, read in runs. */
struct pages_walk {
	struct kd_sbuf b;
};

static int print_run(kd_session *s, uint64_t pfn, size_t count, const uint8_t *pages, void *arg)
{
	struct pages_walk *w = arg;
	uint64_t psz = kd_page_struct_size(s), pshift = kd_target(s)->page_size;
	for (size_t i = 0; i < count; i++) {
		uint64_t page;
		if (!kd_phys_to_page(s, (pfn + i) * pshift, &page))
			continue;
		kd_page_line(s, page, (pfn + i) * pshift, pages + i * psz, &w->b);
	}
	if (w->b.len > (1u << 20)) {
		kd_printf(s, "%s", kd_sbuf_str(&w->b));
		w->b.len = 0;
		w->b.s[0] = 0;
	}
	return 0;
}

int kmem_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	if (!kd_page_struct_size(s))
		return -1;
	if (!addr) {
		struct pages_walk w = {{0}};
		kd_page_header(s, &w.b);
		int rc = kd_walk_pages(s, print_run, &w);
		kd_printf(s, "%s", kd_sbuf_str(&w.b));
		kd_sbuf_free(&w.b);
		return rc;
	}
	uint64_t phys = *addr;
	if (!o->physical && kd_is_kvaddr(s, *addr)) {
		if (kd_page_to_phys(s, *addr, &phys)) {
			struct kd_sbuf b = {0};
			kd_page_header(s, &b);
			int rc = kd_page_line(s, *addr, phys, NULL, &b);
			kd_printf(s, "%s", kd_sbuf_str(&b));
			kd_sbuf_free(&b);
			return rc;
		}
		if (kd_kvtop(s, *addr, &phys) < 0) {
			kd_clear_error(s); /* crash prints nothing for an address it cannot translate */
			return 0;
		}
	}
	return kd_page_print(s, phys) < 0 ? -1 : 0;
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
