/*
 * The SLUB slab allocator (see <kdive/slab.h>): caches from slab_caches, a cache's per-CPU and
 * per-node parts, slabs (struct slab or struct page, by the type model), freelists with
 * hardened free pointers decoded, and which slab an address is in. Every list and freelist
 * walk keeps a set of what it has seen and a cap on its length.
 */
#include "linux/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/walk.h"

#include <kdive/linux.h>
#include <kdive/memory.h>
#include <kdive/mm.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#define NO UINT64_MAX
#define MAX_CACHES 100000
#define LINE 512       /* bytes the walks read at a time */
#define LINE_SLOTS 256

struct kd_slab_ctx {
	kd_session *s;
	/* the slab type: "slab" (5.17+) or "page" */
	const char *stype;
	uint64_t page_size;         /* sizeof(struct page) */
	uint64_t s_cache, s_list, s_next, s_freelist, s_counters;
	struct kd_member_info inuse_bf, objects_bf, frozen_bf;
	/* page flags: PG_slab (< 6.10) or the page type PGTY_slab */
	uint64_t p_flags, p_head, p_type;
	int64_t pg_slab, pgty_slab;
	/* kmem_cache */
	uint64_t kc_size_total;
	struct kmem_fields {
		uint64_t cpu_slab, flags, size, object_size, offset, oo, objects, order, red_left_pad, name, list,
			random, node;
	} kc;
	/* kmem_cache_cpu */
	uint64_t cc_freelist, cc_slab, cc_partial;
	/* kmem_cache_node */
	uint64_t kn_nr_partial, kn_partial, kn_nr_slabs, kn_total_objects, kn_full;
	/* the struct page array, the direct map */
	uint64_t vmemmap, page_offset, pgsize, max_pfn;
	int nr_cpus, nr_nodes;
	const struct kd_mem_node *nodes; /* the page allocator's online nodes (kd_mem_nodes), NULL: node 0 only */
	struct kd_slab_cache *caches;
	size_t ncaches;
	char list_error[256];
	/* memory read for the walks: a freelist or a slab list reads a word per object or slab,
	 * mostly close together, so whole lines are read once (direct-mapped, per context) */
	struct cached_line {
		uint64_t addr; /* line address + 1; 0: empty */
		uint8_t data[LINE];
	} *lines;
};

/* len bytes at addr through the context's lines; a read that a line cannot serve (across
 * lines, or a line the dump lacks in part) goes to the memory layer, which sets the error. */
static int rd(kd_slab_ctx *c, uint64_t addr, void *out, size_t len)
{
	uint64_t line = addr & ~(uint64_t)(LINE - 1);
	if ((addr & (LINE - 1)) + len > LINE)
		return kd_read_kv(c->s, addr, out, len);
	struct cached_line *p = &c->lines[(line / LINE) % LINE_SLOTS];
	if (p->addr != line + 1) {
		if (kd_read_kv(c->s, line, p->data, LINE) < 0) {
			p->addr = 0;
			kd_clear_error(c->s);
			return kd_read_kv(c->s, addr, out, len);
		}
		p->addr = line + 1;
	}
	memcpy(out, p->data + (addr & (LINE - 1)), len);
	return 0;
}

static int corrupt(kd_session *s, uint64_t addr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int corrupt(kd_session *s, uint64_t addr, const char *fmt, ...)
{
	char tmp[sizeof(s->err.msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	enum kd_errcode code = s->err.code;
	if (code != KD_EEXCLUDED && code != KD_ENOMEM_DUMP && code != KD_EIO && code != KD_EFAULT)
		code = KD_EFORMAT;
	kd_err_set(&s->err, code, "%s", tmp);
	s->err.addr = addr;
	return -1;
}

static uint64_t off(kd_session *s, const char *type, const char *member)
{
	return kd_member_offset_opt(s, type, member);
}

static void layout(kd_slab_ctx *c)
{
	kd_session *s = c->s;
	c->stype = kd_member_exists(s, "slab", "slab_cache") ? "slab" : "page";
	kd_clear_error(s);
	c->page_size = kd_type_size_opt(s, "page");
	c->s_cache = off(s, c->stype, "slab_cache");
	c->s_list = off(s, c->stype, "slab_list");
	if (c->s_list == NO)
		c->s_list = off(s, c->stype, "lru");
	c->s_next = off(s, c->stype, "next");
	c->s_freelist = off(s, c->stype, "freelist");
	c->s_counters = off(s, c->stype, "counters");
	if (!kd_member_find(s, c->stype, "inuse", &c->inuse_bf))
		c->inuse_bf.offset = NO;
	if (!kd_member_find(s, c->stype, "objects", &c->objects_bf))
		c->objects_bf.offset = NO;
	if (!kd_member_find(s, c->stype, "frozen", &c->frozen_bf))
		c->frozen_bf.offset = NO;
	c->p_flags = off(s, "page", "flags");
	c->p_head = off(s, "page", "compound_head");
	c->p_type = off(s, "page", "page_type");
	c->pg_slab = c->pgty_slab = -1;
	int64_t v;
	if (kd_enum_find(s, "PGTY_slab", &v))
		c->pgty_slab = (uint8_t)v; /* a one-byte constant a DWARF reader may sign-extend */
	else if (kd_enum_find(s, "PG_slab", &v))
		c->pg_slab = v;

	c->kc_size_total = kd_type_size_opt(s, "kmem_cache");
	c->kc.cpu_slab = off(s, "kmem_cache", "cpu_slab");
	c->kc.flags = off(s, "kmem_cache", "flags");
	c->kc.size = off(s, "kmem_cache", "size");
	c->kc.object_size = off(s, "kmem_cache", "object_size");
	c->kc.offset = off(s, "kmem_cache", "offset");
	c->kc.oo = off(s, "kmem_cache", "oo");
	c->kc.objects = off(s, "kmem_cache", "objects");
	c->kc.order = off(s, "kmem_cache", "order");
	c->kc.red_left_pad = off(s, "kmem_cache", "red_left_pad");
	c->kc.name = off(s, "kmem_cache", "name");
	c->kc.list = off(s, "kmem_cache", "list");
	c->kc.random = off(s, "kmem_cache", "random");
	c->kc.node = off(s, "kmem_cache", "node");

	c->cc_freelist = off(s, "kmem_cache_cpu", "freelist");
	c->cc_slab = off(s, "kmem_cache_cpu", "slab");
	if (c->cc_slab == NO)
		c->cc_slab = off(s, "kmem_cache_cpu", "page");
	c->cc_partial = off(s, "kmem_cache_cpu", "partial");

	c->kn_nr_partial = off(s, "kmem_cache_node", "nr_partial");
	c->kn_partial = off(s, "kmem_cache_node", "partial");
	c->kn_nr_slabs = off(s, "kmem_cache_node", "nr_slabs");
	c->kn_total_objects = off(s, "kmem_cache_node", "total_objects");
	c->kn_full = off(s, "kmem_cache_node", "full");
}

/* The online nodes (the page allocator's list: ids and spans, for page_to_nid); without it, node 0. */
static void nodes_init(kd_slab_ctx *c)
{
	const struct kd_mem_node *nodes = NULL;
	size_t n = kd_mem_nodes(c->s, &nodes);
	c->nr_nodes = n && nodes ? (int)MIN(n, (size_t)64) : 1;
	c->nodes = n && nodes ? nodes : NULL;
}

static int page_to_nid(kd_slab_ctx *c, uint64_t page)
{
	if (!c->nodes || c->nr_nodes < 2)
		return 0;
	uint64_t pfn = (page - c->vmemmap) / c->page_size;
	for (int n = 0; n < c->nr_nodes; n++)
		if (pfn >= c->nodes[n].start_pfn && pfn < c->nodes[n].start_pfn + c->nodes[n].spanned)
			return n;
	return -1;
}

/* A NUL-terminated string through the lines: the caches' names sit side by side in the kernel's
 * read-only data or in kmalloc'ed memory, so a line serves several. A string that runs into
 * memory the dump lacks keeps what came before (as kd_read_string). */
static int read_name(kd_slab_ctx *c, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;
	while (got + 1 < size) {
		uint64_t at = addr + got;
		size_t chunk = MIN(size - 1 - got, LINE - (size_t)(at & (LINE - 1)));
		if (rd(c, at, buf + got, chunk) < 0) {
			if (got)
				break;
			return -1;
		}
		char *nul = memchr(buf + got, 0, chunk);
		if (nul)
			return 0;
		got += chunk;
	}
	buf[got] = '\0';
	return 0;
}

static void read_cache(kd_slab_ctx *c, uint64_t addr, struct kd_slab_cache *k)
{
	kd_session *s = c->s;
	memset(k, 0, sizeof(*k));
	k->addr = addr;
	uint64_t name = 0;
	if (rd(c, addr + c->kc.name, &name, 8) < 0 || !name || read_name(c, name, k->name, sizeof(k->name)) < 0)
		snprintf(k->name, sizeof(k->name), "(unknown)");
	kd_clear_error(s);
	uint8_t buf[512];
	uint64_t end = c->kc.name + 8;
	uint64_t fields[] = {c->kc.cpu_slab, c->kc.flags, c->kc.size, c->kc.object_size, c->kc.offset, c->kc.oo,
			     c->kc.objects, c->kc.order, c->kc.red_left_pad, c->kc.random};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i] != NO && fields[i] + 8 > end)
			end = fields[i] + 8;
	if (end > sizeof(buf) || rd(c, addr, buf, end) < 0) {
		kd_clear_error(s);
		return;
	}
	k->readable = true;
#define U32(o) ((o) == NO ? 0 : (uint32_t)(buf[(o)] | buf[(o) + 1] << 8 | buf[(o) + 2] << 16 | (uint32_t)buf[(o) + 3] << 24))
	uint64_t u64;
	memcpy(&u64, buf + c->kc.cpu_slab, 8);
	k->cpu_slab = c->kc.cpu_slab == NO ? 0 : u64;
	k->flags = U32(c->kc.flags); /* slab_flags_t: an unsigned int */
	k->size = U32(c->kc.size);
	k->object_size = U32(c->kc.object_size);
	k->offset = U32(c->kc.offset);
	if (c->kc.oo != NO) {
		uint32_t oo = U32(c->kc.oo);
		k->objects = oo & 0xffff;
		k->order = oo >> 16;
	} else {
		k->objects = U32(c->kc.objects);
		k->order = U32(c->kc.order);
	}
	if (c->kc.red_left_pad != NO && (k->flags & KD_SLAB_RED_ZONE))
		k->red_left_pad = U32(c->kc.red_left_pad);
	if (c->kc.random != NO)
		memcpy(&k->random, buf + c->kc.random, 8);
#undef U32
	/* A slab is 2^order pages, and no kernel makes one of more than 2^20: a larger order (a
	 * damaged kmem_cache) would shift the slab size out of range in every use. */
	if (k->order > 20)
		k->readable = false;
}

struct collect {
	kd_slab_ctx *c;
	size_t cap;
};

static int collect_cache(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)s, (void)pos;
	struct collect *cl = arg;
	kd_slab_ctx *c = cl->c;
	if (c->ncaches == MAX_CACHES)
		return corrupt(s, entry, "slab_caches: more than %d caches", MAX_CACHES);
	if (c->ncaches == cl->cap) {
		cl->cap = cl->cap ? cl->cap * 2 : 256;
		c->caches = kd_xrealloc(c->caches, cl->cap * sizeof(*c->caches));
	}
	read_cache(c, entry, &c->caches[c->ncaches++]);
	return 0;
}

kd_slab_ctx *kd_slab_open(kd_session *s)
{
	if (!kd_symbol_lookup(s, "slab_caches")) {
		kd_error(s, KD_EUNSUPP, 0, "kmem cache slab subsystem not available");
		return NULL;
	}
	kd_slab_ctx *c = kd_xcalloc(1, sizeof(*c));
	c->s = s;
	c->lines = kd_xcalloc(LINE_SLOTS, sizeof(*c->lines));
	layout(c);
	if (c->page_size == NO || !c->page_size || c->s_cache == NO || c->s_freelist == NO || c->inuse_bf.offset == NO ||
	    c->kc.name == NO || c->kc.list == NO || c->kc.cpu_slab == NO || c->kc.size == NO || c->kc.offset == NO ||
	    c->cc_slab == NO || c->cc_freelist == NO || c->kn_partial == NO || c->kn_nr_partial == NO ||
	    (c->kc.oo == NO && c->kc.objects == NO)) {
		kd_clear_error(s);
		kd_error(s, KD_EUNSUPP, 0, "kmem cache slab subsystem not available (not SLUB, or its structures unknown)");
		free(c->lines);
		free(c);
		return NULL;
	}
	const struct kd_target_info *ti = kd_target(s);
	c->vmemmap = ti->vmemmap_start;
	c->page_offset = ti->page_offset;
	c->pgsize = ti->page_size ? ti->page_size : 4096;
	c->max_pfn = ti->max_pfn;
	c->nr_cpus = ti->per_cpu_offset ? ti->nr_cpus : 0;
	nodes_init(c);
	uint64_t head;
	struct collect cl = {c, 0};
	if (kd_symbol_addr(s, "slab_caches", &head) < 0 ||
	    kd_walk_list(s, head, c->kc.list, 0, collect_cache, &cl) < 0) {
		snprintf(c->list_error, sizeof(c->list_error), "%s", kd_last_error(s));
		kd_clear_error(s);
	}
	return c;
}

void kd_slab_close(kd_slab_ctx *c)
{
	if (!c)
		return;
	free(c->caches);
	free(c->lines);
	free(c);
}

size_t kd_slab_cache_count(kd_slab_ctx *c)
{
	return c->ncaches;
}

const struct kd_slab_cache *kd_slab_cache_at(kd_slab_ctx *c, size_t i)
{
	return i < c->ncaches ? &c->caches[i] : NULL;
}

const char *kd_slab_cache_list_error(kd_slab_ctx *c)
{
	return c->list_error[0] ? c->list_error : NULL;
}

const struct kd_slab_cache *kd_slab_cache_find(kd_slab_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->ncaches; i++)
		if (strcmp(c->caches[i].name, name) == 0)
			return &c->caches[i];
	return NULL;
}

const struct kd_slab_cache *kd_slab_cache_by_addr(kd_slab_ctx *c, uint64_t addr)
{
	for (size_t i = 0; i < c->ncaches; i++)
		if (c->caches[i].addr == addr)
			return &c->caches[i];
	return NULL;
}

int kd_slab_nr_cpus(kd_slab_ctx *c)
{
	return c->nr_cpus;
}

int kd_slab_nr_nodes(kd_slab_ctx *c)
{
	return c->nr_nodes;
}

int kd_slab_cpu(kd_slab_ctx *c, const struct kd_slab_cache *k, int cpu, struct kd_slab_cpu *out)
{
	kd_session *s = c->s;
	memset(out, 0, sizeof(*out));
	if (cpu < 0 || cpu >= c->nr_cpus)
		return kd_error(s, KD_EINVAL, 0, "no CPU %d", cpu);
	out->addr = k->cpu_slab + kd_target(s)->per_cpu_offset[cpu];
	out->has_partial = c->cc_partial != NO;
	if (rd(c, out->addr + c->cc_slab, &out->slab, 8) < 0 ||
	    rd(c, out->addr + c->cc_freelist, &out->freelist, 8) < 0 ||
	    (out->has_partial && rd(c, out->addr + c->cc_partial, &out->partial, 8) < 0))
		return corrupt(s, kd_last_addr(s), "%s: cannot read kmem_cache_cpu of CPU %d at %llx", k->name, cpu,
			       (unsigned long long)out->addr);
	return 0;
}

int kd_slab_node(kd_slab_ctx *c, const struct kd_slab_cache *k, int node, struct kd_slab_node *out)
{
	kd_session *s = c->s;
	memset(out, 0, sizeof(*out));
	if (node < 0 || node >= c->nr_nodes)
		return kd_error(s, KD_EINVAL, 0, "no node %d", node);
	int id = c->nodes ? c->nodes[node].id : 0;
	if (rd(c, k->addr + c->kc.node + 8 * (uint64_t)id, &out->addr, 8) < 0)
		return corrupt(s, kd_last_addr(s), "%s: cannot read kmem_cache.node[%d]", k->name, node);
	out->has_counts = c->kn_nr_slabs != NO && c->kn_total_objects != NO;
	out->has_full = c->kn_full != NO;
	if (!out->addr)
		return 0;
	out->partial_head = out->addr + c->kn_partial;
	out->full_head = out->has_full ? out->addr + c->kn_full : 0;
	if (rd(c, out->addr + c->kn_nr_partial, &out->nr_partial, 8) < 0 ||
	    (out->has_counts && (rd(c, out->addr + c->kn_nr_slabs, &out->nr_slabs, 8) < 0 ||
				 rd(c, out->addr + c->kn_total_objects, &out->total_objects, 8) < 0)))
		return corrupt(s, kd_last_addr(s), "%s: cannot read kmem_cache_node %llx", k->name,
			       (unsigned long long)out->addr);
	return 0;
}

bool kd_slab_is_page_ptr(kd_slab_ctx *c, uint64_t page)
{
	if (page < c->vmemmap || (page - c->vmemmap) % c->page_size)
		return false;
	uint64_t pfn = (page - c->vmemmap) / c->page_size;
	return c->max_pfn ? pfn < c->max_pfn : pfn < (1ULL << 40);
}

static uint64_t bits(uint64_t word, const struct kd_member_info *m, uint64_t base)
{
	/* a bitfield inside the word at base: bitpos counts from the structure's start */
	uint64_t shift = m->bitpos - base * 8;
	uint64_t width = m->bitsize ? m->bitsize : m->size * 8;
	return (word >> shift) & (width >= 64 ? ~0ULL : (1ULL << width) - 1);
}

int kd_slab_read(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t slab, struct kd_slab *out)
{
	kd_session *s = c->s;
	memset(out, 0, sizeof(*out));
	out->addr = slab;
	if (!kd_slab_is_page_ptr(c, slab))
		return corrupt(s, slab, "%s: invalid slab address: %llx", k ? k->name : "slab", (unsigned long long)slab);
	uint8_t buf[256];
	if (c->page_size > sizeof(buf) || rd(c, slab, buf, c->page_size) < 0)
		return corrupt(s, slab, "%s: slab: %llx cannot be read", k ? k->name : "slab", (unsigned long long)slab);
	memcpy(&out->cache, buf + c->s_cache, 8);
	memcpy(&out->freelist, buf + c->s_freelist, 8);
	uint64_t base = c->inuse_bf.offset & ~7ULL, word;
	memcpy(&word, buf + base, 8);
	out->inuse = (uint32_t)bits(word, &c->inuse_bf, base);
	if (c->objects_bf.offset != NO)
		out->objects = (uint32_t)bits(word, &c->objects_bf, base);
	else if (k)
		out->objects = k->objects;
	if (c->frozen_bf.offset != NO)
		out->frozen = bits(word, &c->frozen_bf, base) != 0;
	uint64_t pfn = (slab - c->vmemmap) / c->page_size;
	out->mem = c->page_offset + pfn * c->pgsize;
	out->node = page_to_nid(c, slab);
	return 0;
}

/* Whether the page at page is a slab's head page (PG_slab, or the slab page type). */
static bool page_is_slab(kd_slab_ctx *c, uint64_t page)
{
	kd_session *s = c->s;
	bool ok = false;
	if (c->pgty_slab >= 0 && c->p_type != NO) {
		uint32_t type = 0;
		ok = rd(c, page + c->p_type, &type, 4) == 0 && (type >> 24) == (uint64_t)c->pgty_slab;
	} else if (c->pg_slab >= 0 && c->p_flags != NO) {
		uint64_t flags = 0;
		ok = rd(c, page + c->p_flags, &flags, 8) == 0 && ((flags >> c->pg_slab) & 1);
	}
	kd_clear_error(s);
	return ok;
}

static uint64_t head_page(kd_slab_ctx *c, uint64_t page)
{
	uint64_t head = 0;
	if (c->p_head != NO && rd(c, page + c->p_head, &head, 8) == 0 && (head & 1))
		return head - 1;
	kd_clear_error(c->s);
	return page;
}

bool kd_slab_of_page(kd_slab_ctx *c, uint64_t page, const struct kd_slab_cache **k)
{
	kd_session *s = c->s;
	uint64_t cache = 0;
	if (!kd_slab_is_page_ptr(c, page) || !page_is_slab(c, page))
		return false;
	if (rd(c, page + c->s_cache, &cache, 8) < 0) {
		kd_clear_error(s);
		return false;
	}
	const struct kd_slab_cache *f = kd_slab_cache_by_addr(c, cache);
	if (f && k)
		*k = f;
	return f != NULL;
}

bool kd_slab_of_addr(kd_slab_ctx *c, uint64_t vaddr, uint64_t *slab, const struct kd_slab_cache **k)
{
	kd_session *s = c->s;
	uint64_t paddr;
	if (c->page_offset != NO && vaddr >= c->page_offset &&
	    (!c->max_pfn || vaddr - c->page_offset < c->max_pfn * c->pgsize))
		paddr = vaddr - c->page_offset;
	else if (kd_kvtop(s, vaddr, &paddr) < 0) {
		kd_clear_error(s);
		return false;
	}
	uint64_t pfn = paddr / c->pgsize;
	if (c->max_pfn && pfn >= c->max_pfn)
		return false;
	uint64_t page = c->vmemmap + pfn * c->page_size;
	if (!page_is_slab(c, page)) {
		page = head_page(c, page);
		if (!page_is_slab(c, page))
			return false;
	} else {
		page = head_page(c, page);
	}
	uint64_t cache = 0;
	if (rd(c, page + c->s_cache, &cache, 8) < 0) {
		kd_clear_error(s);
		return false;
	}
	const struct kd_slab_cache *f = kd_slab_cache_by_addr(c, cache);
	if (!f)
		return false;
	if (slab)
		*slab = page;
	if (k)
		*k = f;
	return true;
}

/* What a walk has seen: the first entries in a small array (most lists are short), the rest of a
 * long one in a map. */
struct seen {
	uint64_t few[64];
	size_t n;
	struct u64map more;
};

static void seen_init(struct seen *w)
{
	w->n = 0;
	u64map_init(&w->more);
}

static void seen_free(struct seen *w)
{
	u64map_free(&w->more);
}

/* Records v; true when it was there already. */
static bool seen_add(struct seen *w, uint64_t v)
{
	size_t nfew = MIN(w->n, sizeof(w->few) / sizeof(w->few[0]));
	for (size_t i = 0; i < nfew; i++)
		if (w->few[i] == v)
			return true;
	if (w->n > nfew && u64map_has(&w->more, v))
		return true;
	if (w->n < sizeof(w->few) / sizeof(w->few[0]))
		w->few[w->n] = v;
	else
		u64map_put(&w->more, v, NULL);
	w->n++;
	return false;
}

uint64_t kd_slab_free_pointer(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t stored, uint64_t ptr_addr)
{
	if (c->kc.random == NO)
		return stored;
	uint64_t v = stored ^ k->random ^ __builtin_bswap64(ptr_addr);
	uint8_t b;
	if (!v || rd(c, v, &b, 1) == 0)
		return v;
	kd_clear_error(c->s);
	return stored ^ k->random ^ ptr_addr; /* hardened without the swab (before 5.7) */
}

long kd_slab_freelist(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t slab, uint64_t head, uint64_t *objs,
		      size_t max, size_t *found)
{
	kd_session *s = c->s;
	struct seen seen;
	seen_init(&seen);
	size_t n = 0;
	long rc = 0;
	for (uint64_t q = head; q && !(q & 1);) {
		if (seen_add(&seen, q)) {
			rc = corrupt(s, q, "%s: slab: %llx duplicate freelist object: %llx", k->name,
				     (unsigned long long)slab, (unsigned long long)q);
			break;
		}
		if (n == 65536) {
			rc = corrupt(s, q, "%s: slab: %llx freelist longer than %zu objects", k->name,
				     (unsigned long long)slab, n);
			break;
		}
		if (n < max)
			objs[n] = q;
		n++;
		uint64_t stored, at = q + k->offset;
		if (rd(c, at, &stored, 8) < 0) {
			rc = corrupt(s, at, "%s: slab: %llx invalid freepointer: %llx", k->name, (unsigned long long)slab,
				     (unsigned long long)at);
			break;
		}
		q = kd_slab_free_pointer(c, k, stored, at);
	}
	seen_free(&seen);
	if (found)
		*found = n;
	return rc < 0 ? -1 : (long)n;
}

/*
 * A chain of slabs: from the link first, each entry is link - entry_off and the next link the
 * pointer at link + next_off, to the link end (NULL for a per-CPU partial list, the list head
 * for a node's list). list names the list in messages.
 */
static long walk_slabs(kd_slab_ctx *c, const struct kd_slab_cache *k, const char *list, uint64_t first, uint64_t end,
		       uint64_t entry_off, uint64_t next_off, kd_walk_fn fn, void *arg)
{
	kd_session *s = c->s;
	struct seen seen;
	seen_init(&seen);
	long n = 0, rc = 0;
	uint64_t limit = s->walk_limit ? s->walk_limit : WALK_MAX;
	for (uint64_t link = first; link != end;) {
		uint64_t slab = link - entry_off;
		if (!kd_slab_is_page_ptr(c, slab)) {
			rc = corrupt(s, slab, "%s: invalid %s list slab pointer: %llx", k->name, list, (unsigned long long)slab);
			break;
		}
		if (seen_add(&seen, link) || (uint64_t)n >= limit) {
			rc = corrupt(s, slab, "%s: %s list: duplicate slab entry: %llx", k->name, list, (unsigned long long)slab);
			break;
		}
		struct kd_walk_pos pos = {.index = (uint64_t)n};
		int v = fn(s, slab, &pos, arg);
		n++;
		if (v < 0) {
			rc = -1;
			break;
		}
		if (v == KD_WALK_STOP)
			break;
		if (rd(c, link + next_off, &link, 8) < 0) {
			rc = corrupt(s, slab + next_off + entry_off, "%s: %s list slab: %llx: its next link cannot be read",
				     k->name, list, (unsigned long long)slab);
			break;
		}
		if (end && !kd_is_kvaddr(s, link)) {
			rc = corrupt(s, link, "%s: %s list slab: %llx invalid next link: %llx", k->name, list,
				     (unsigned long long)slab, (unsigned long long)link);
			break;
		}
	}
	seen_free(&seen);
	return rc < 0 ? -1 : n;
}

long kd_slab_walk_cpu_partial(kd_slab_ctx *c, const struct kd_slab_cache *k, uint64_t first, kd_walk_fn fn,
			      void *arg)
{
	if (c->s_next == NO)
		return kd_error(c->s, KD_EUNSUPP, 0, "%s: no per-CPU partial lists in this kernel", k->name);
	return walk_slabs(c, k, "cpu partial", first, 0, 0, c->s_next, fn, arg);
}

long kd_slab_walk_node_list(kd_slab_ctx *c, const struct kd_slab_cache *k, const struct kd_slab_node *nd, bool full,
			    kd_walk_fn fn, void *arg)
{
	uint64_t head = full ? nd->full_head : nd->partial_head, first;
	if (!nd->addr || !head)
		return 0;
	if (rd(c, head, &first, 8) < 0)
		return corrupt(c->s, head, "%s: cannot read kmem_cache_node %s list head %llx", k->name,
			       full ? "full" : "partial", (unsigned long long)head);
	return walk_slabs(c, k, full ? "full" : "partial", first, head, c->s_list, 0, fn, arg);
}
