/*
 * The memory layer: physical reads through a page cache, virtual reads through the arch;
 * or, in tests, kernel virtual reads from a reader of the test's own (mem_set_reader).
 */
#include <string.h>

#include "target/arch.h"
#include "target/session.h"

#define CACHE_SLOTS 4096 /* 16 MiB of 4 KiB pages */
#define MEM_PAGE_DEFAULT 4096 /* the base page without an arch: a test's reader */

int mem_init(kd_session *s)
{
	struct page_cache *c = &s->cache;
	if (!s->dump->wants_cache)
		return 0;
	c->nslots = CACHE_SLOTS;
	c->pfns = xmalloc(c->nslots * sizeof(*c->pfns));
	memset(c->pfns, 0xff, c->nslots * sizeof(*c->pfns));
	c->pages = xmalloc(c->nslots * s->dump->page_size);
	return 0;
}

void mem_free(kd_session *s)
{
	free(s->cache.pfns);
	free(s->cache.pages);
	memset(&s->cache, 0, sizeof(s->cache));
}

static int read_page_cached(kd_session *s, uint64_t pfn, const uint8_t **page)
{
	struct page_cache *c = &s->cache;
	*page = NULL;
	size_t slot = hash_u64(pfn) & (c->nslots - 1);
	uint8_t *p = c->pages + slot * s->dump->page_size;
	if (c->pfns[slot] == pfn) {
		c->hits++;
		*page = p;
		return 0;
	}
	c->misses++;
	c->pfns[slot] = UINT64_MAX;
	struct kd_err e = {0};
	if (s->dump->ops->read_phys(s->dump, pfn * s->dump->page_size, p, s->dump->page_size, &e) < 0)
		return session_fail_from(s, &e);
	c->pfns[slot] = pfn;
	*page = p;
	return 0;
}

int kd_read_phys(kd_session *s, uint64_t paddr, void *buf, size_t len)
{
	if (session_sigint)
		return session_interrupted(s);
	if (!s->dump)
		return kd_fail(s, "no dump is open");
	uint8_t *out = buf;
	uint64_t psz = s->dump->page_size;
	while (len) {
		uint64_t in = paddr % psz;
		size_t n = (size_t)MIN((uint64_t)len, psz - in);
		if (s->cache.pfns) {
			const uint8_t *page;
			if (read_page_cached(s, paddr / psz, &page) < 0)
				return -1;
			memcpy(out, page + in, n);
		} else {
			struct kd_err e = {0};
			if (s->dump->ops->read_phys(s->dump, paddr, out, n, &e) < 0)
				return session_fail_from(s, &e);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return 0;
}

int kd_kvtop(kd_session *s, uint64_t vaddr, uint64_t *paddr)
{
	if (!s->arch)
		return kd_fail(s, "no dump is open");
	return s->arch->kvtop(s, vaddr, paddr);
}

int kd_vtop_trace(kd_session *s, uint64_t pgd, uint64_t vaddr, unsigned flags, struct kd_pt_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->vaddr = vaddr;
	if (!s->arch || !s->dump)
		return kd_error(s, KD_ENOMEM_DUMP, vaddr, "address %llx: no dump to translate it into", (unsigned long long)vaddr);
	return s->arch->vtop_trace(s, pgd, vaddr, flags, t);
}

bool kd_is_uvaddr(kd_session *s, uint64_t vaddr)
{
	return s->arch && s->arch->is_uvaddr(s, vaddr);
}

bool kd_kvaddr_linear(kd_session *s, uint64_t vaddr, uint64_t *paddr)
{
	return s->arch && s->arch->kvaddr_linear(s, vaddr, paddr);
}

int kd_pte_decode(kd_session *s, uint64_t pte, struct kd_pte_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!s->arch)
		return kd_fail(s, "no architecture to decode a page-table entry with");
	s->arch->pte_decode(s, pte, out);
	return 0;
}

uint64_t mem_page_size(const kd_session *s)
{
	return s->arch ? 1ull << s->arch->page_shift : MEM_PAGE_DEFAULT;
}

/* The bytes from vaddr to the end of its base page, at most len. */
static size_t page_chunk(uint64_t vaddr, size_t len, uint64_t page)
{
	return (size_t)MIN((uint64_t)len, page - (vaddr & (page - 1)));
}

static int read_virt(kd_session *s, uint64_t pgd, uint64_t vaddr, void *buf, size_t len, bool kernel)
{
	uint8_t *out = buf;
	uint64_t page = mem_page_size(s);
	while (len) {
		uint64_t paddr, mapping = page;
		int rc = kernel ? s->arch->kvtop(s, vaddr, &paddr) : s->arch->vtop(s, pgd, vaddr, &paddr, &mapping);
		if (rc < 0)
			return -1;
		size_t n = page_chunk(vaddr, len, page);
		if (kd_read_phys(s, paddr, out, n) < 0) {
			/* Name the virtual address the user asked for, not only the physical one. */
			char what[64];
			snprintf(what, sizeof(what), "%s address %llx", kernel ? "kernel virtual" : "user virtual",
				 (unsigned long long)vaddr);
			kd_err_prefix(&s->err, what);
			s->err.addr = vaddr;
			return -1;
		}
		out += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

void mem_set_reader(kd_session *s, kd_mem_reader fn, void *arg)
{
	s->mem_source.read = fn;
	s->mem_source.arg = fn ? arg : NULL;
}

bool mem_available(const kd_session *s)
{
	return s->mem_source.read || s->dump;
}

/* A reader's memory, page by page so that a failure names the first address missing. */
static int read_source(kd_session *s, uint64_t vaddr, void *buf, size_t len)
{
	uint8_t *out = buf;
	uint64_t page = mem_page_size(s);
	while (len) {
		size_t n = page_chunk(vaddr, len, page);
		if (s->mem_source.read(s->mem_source.arg, vaddr, out, n) < 0) {
			kd_err_set(&s->err, KD_EFAULT, "kernel virtual address %llx: not mapped", (unsigned long long)vaddr);
			s->err.addr = vaddr;
			return -1;
		}
		out += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

int kd_read_kv(kd_session *s, uint64_t vaddr, void *buf, size_t len)
{
	if (session_sigint)
		return session_interrupted(s);
	if (s->mem_source.read)
		return read_source(s, vaddr, buf, len);
	if (!s->arch)
		return kd_fail(s, "no dump is open");
	return read_virt(s, 0, vaddr, buf, len, true);
}

int kd_read_uv(kd_session *s, uint64_t pgd, uint64_t vaddr, void *buf, size_t len)
{
	if (session_sigint)
		return session_interrupted(s);
	if (!s->arch)
		return kd_fail(s, "no dump is open");
	return read_virt(s, pgd, vaddr, buf, len, false);
}

int64_t kd_read_phys_run(kd_session *s, uint64_t paddr, size_t len, void *buf, const void **data)
{
	if (session_sigint)
		return session_interrupted(s);
	if (!s->dump)
		return kd_fail(s, "no dump is open");
	uint64_t psz = s->dump->page_size;
	if (paddr % psz)
		return kd_fail(s, "physical address %llx: a run starts on a page boundary", (unsigned long long)paddr);
	len -= len % psz;
	const uint8_t *p = NULL;
	/* The pages straight from the dump, past the page cache: a scan reads each page once. */
	size_t n = len ? s->dump->ops->read_run(s->dump, paddr, len, buf, &p) : 0;
	*data = p;
	return (int64_t)(n - n % psz); /* a page the dump holds only part of is not readable */
}

size_t kd_translate_run(kd_session *s, enum kd_addr_space space, uint64_t pgd, uint64_t vaddr, size_t len,
			uint64_t *paddr)
{
	if (!s->arch || !s->dump || space == KD_PHYSADDR)
		return 0;
	uint64_t page = mem_page_size(s), first = 0;
	size_t n = 0;
	vaddr &= ~(page - 1);
	while (n < len) {
		uint64_t pa, mapping = page;
		int rc = space == KD_KVADDR ? s->arch->kvtop(s, vaddr + n, &pa) : s->arch->vtop(s, pgd, vaddr + n, &pa, &mapping);
		if (rc < 0) {
			/* Not mapped: the run ends here, and a scan needs no message for it. */
			kd_err_clear(&s->err);
			break;
		}
		if (n == 0)
			first = pa;
		else if (pa != first + n)
			break;
		n += page;
	}
	*paddr = first;
	return MIN(n, len);
}
