/* The kernel's map of its memory: nodes, sparsemem sections, vmap areas, a task's VMAs. */
#include <kdive/kdive.h>

#include <stdlib.h>
#include <string.h>


#define SECTION_MARKED_PRESENT 0x1ULL /* include/linux/mmzone.h, unchanged since 2.6.24 */
#define SECTION_HAS_MEM_MAP 0x2ULL
#define MAX_NODES 1024

int kd_mem_nodes(kd_session *s, struct kd_mem_node *out, int max)
{
	uint64_t start_off = kd_member_offset_opt(s, "pglist_data", "node_start_pfn");
	uint64_t span_off = kd_member_offset_opt(s, "pglist_data", "node_spanned_pages");
	uint64_t present_off = kd_member_offset_opt(s, "pglist_data", "node_present_pages");
	if (start_off == UINT64_MAX || span_off == UINT64_MAX)
		return kd_fail(s, "pglist_data has no node_start_pfn/node_spanned_pages");
	uint64_t addr, pgdat, nodes = 1;
	bool numa = kd_symbol_addr(s, "node_data", &addr) == 0;
	if (!numa && kd_symbol_addr(s, "contig_page_data", &addr) < 0)
		return kd_fail(s, "neither node_data nor contig_page_data is in vmlinux");
	uint64_t nr;
	if (numa && kd_symbol_addr(s, "nr_node_ids", &nr) == 0 && kd_read_int(s, nr, 4, &nodes) == 0 && (nodes == 0 || nodes > MAX_NODES))
		nodes = 1;
	kd_clear_error(s);
	int n = 0;
	for (uint64_t id = 0; id < nodes && n < max; id++) {
		if (!numa)
			pgdat = addr;
		else if (kd_read_kv(s, addr + id * 8, &pgdat, 8) < 0)
			return n ? n : -1;
		if (!pgdat)
			continue;
		struct kd_mem_node *m = &out[n];
		memset(m, 0, sizeof(*m));
		m->id = (int)id;
		if (kd_read_int(s, pgdat + start_off, 8, &m->start_pfn) < 0 || kd_read_int(s, pgdat + span_off, 8, &m->spanned) < 0 ||
		    (present_off != UINT64_MAX && kd_read_int(s, pgdat + present_off, 8, &m->present) < 0))
			return n ? n : -1;
		n++;
	}
	if (!n)
		return kd_fail(s, "no memory node found");
	return n;
}

bool kd_pfn_has_page(kd_session *s, uint64_t pfn)
{
	const kd_type *t = kd_var_type(s, "mem_section");
	uint64_t msize = kd_type_size_opt(s, "mem_section"), map_off = kd_member_offset_opt(s, "mem_section", "section_mem_map");
	uint64_t addr, bits = 27, page = kd_target(s)->page_size;
	if (!t || msize == UINT64_MAX || msize == 0 || map_off == UINT64_MAX || kd_symbol_addr(s, "mem_section", &addr) < 0) {
		kd_clear_error(s);
		return pfn < kd_target(s)->max_pfn; /* no sparsemem */
	}
	const char *v = kd_vmcoreinfo(s, "NUMBER(SECTION_SIZE_BITS)", NULL);
	if (v)
		bits = strtoull(v, NULL, 10);
	if (bits < 12 || bits > 40)
		bits = 27;
	uint64_t nr = pfn >> (bits - 12), per_root = page / msize, root_addr, root_len = 0;
	v = kd_vmcoreinfo(s, "LENGTH(mem_section)", NULL);
	if (v)
		root_len = strtoull(v, NULL, 10);
	t = kd_type_resolve(s, t);
	bool ok = false;
	if (t && kd_type_kind(t) == KD_TYPE_POINTER) { /* SPARSEMEM_EXTREME: struct mem_section **mem_section */
		if (root_len && nr / per_root >= root_len)
			return false;
		ok = kd_read_kv(s, addr, &addr, 8) == 0 && addr && kd_read_kv(s, addr + nr / per_root * 8, &root_addr, 8) == 0 &&
		     root_addr;
	} else if (t && kd_type_kind(t) == KD_TYPE_ARRAY) {
		const kd_type *elem = kd_type_resolve(s, kd_type_target(t));
		if (!root_len)
			root_len = kd_type_sizeof(s, t);
		if (elem && kd_type_kind(elem) == KD_TYPE_POINTER) { /* an array of root pointers */
			ok = nr / per_root < root_len && kd_read_kv(s, addr + nr / per_root * 8, &root_addr, 8) == 0 && root_addr;
		} else { /* struct mem_section mem_section[roots][per_root] */
			ok = nr / per_root < root_len;
			root_addr = addr + nr / per_root * per_root * msize;
		}
	}
	uint64_t map = 0;
	ok = ok && kd_read_kv(s, root_addr + nr % per_root * msize + map_off, &map, 8) == 0;
	kd_clear_error(s);
	return ok && (map & SECTION_MARKED_PRESENT) && (map & SECTION_HAS_MEM_MAP);
}

struct range_vec {
	VEC(struct kd_range) v;
	uint64_t start_off, end_off, vm_off, flags_off;
};

static int range_cmp(const void *a, const void *b)
{
	const struct kd_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

#define VM_VM_AREA 0x4 /* mm/vmalloc.c before 3.10: an area with a vm_struct */

static int add_vmap_area(kd_session *s, uint64_t va, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct range_vec *r = arg;
	uint64_t start, end, tag;
	if (kd_read_kv(s, va + r->start_off, &start, 8) < 0 || kd_read_kv(s, va + r->end_off, &end, 8) < 0)
		return -1;
	/* Kernels with a purge list mark areas holding a vm_struct in flags; the rest by vm itself. */
	if (kd_read_kv(s, va + (r->flags_off != UINT64_MAX ? r->flags_off : r->vm_off), &tag, 8) < 0)
		return -1;
	if (r->flags_off != UINT64_MAX ? tag != VM_VM_AREA : !tag)
		return 0;
	VEC_PUSH(&r->v, ((struct kd_range){start, end}));
	return 0;
}

long kd_vmap_areas(kd_session *s, struct kd_range **out)
{
	struct range_vec r = {0};
	*out = NULL;
	uint64_t list_off;
	if (kd_member_offset(s, "vmap_area", "va_start", &r.start_off) < 0 || kd_member_offset(s, "vmap_area", "va_end", &r.end_off) < 0 ||
	    kd_member_offset(s, "vmap_area", "list", &list_off) < 0 || kd_member_offset(s, "vmap_area", "vm", &r.vm_off) < 0)
		return -1;
	r.flags_off = UINT64_MAX;
	if (kd_member_exists(s, "vmap_area", "purge_list"))
		r.flags_off = kd_member_offset_opt(s, "vmap_area", "flags");
	uint64_t head;
	long rc = 0;
	if (kd_symbol_addr(s, "vmap_area_list", &head) == 0) {
		rc = kd_walk_list(s, head, list_off, 0, add_vmap_area, &r);
	} else {
		/* 6.9+: a busy list per vmap_node */
		uint64_t nodes_sym, nodes, nr_sym, nr = 0, node_size, busy_off, head_off;
		kd_clear_error(s);
		if (kd_symbol_addr(s, "vmap_nodes", &nodes_sym) < 0 || kd_symbol_addr(s, "nr_vmap_nodes", &nr_sym) < 0 ||
		    kd_read_kv(s, nodes_sym, &nodes, 8) < 0 || kd_read_int(s, nr_sym, 4, &nr) < 0 ||
		    kd_type_size(s, "vmap_node", &node_size) < 0 || kd_member_offset(s, "vmap_node", "busy", &busy_off) < 0 ||
		    kd_member_offset(s, "rb_list", "head", &head_off) < 0)
			return -1;
		if (nr > 4096)
			return kd_error(s, KD_EFORMAT, nr_sym, "nr_vmap_nodes is %llu: not possible", (unsigned long long)nr);
		for (uint64_t i = 0; i < nr && rc >= 0; i++)
			rc = kd_walk_list(s, nodes + i * node_size + busy_off + head_off, list_off, 0, add_vmap_area, &r);
	}
	if (rc < 0) {
		VEC_FREE(&r.v);
		return -1;
	}
	qsort(r.v.items, r.v.len, sizeof(*r.v.items), range_cmp);
	*out = r.v.items;
	return (long)r.v.len;
}

static int add_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct range_vec *r = arg;
	uint64_t start, end;
	if (!vma)
		return 0;
	if (kd_read_kv(s, vma + r->start_off, &start, 8) < 0 || kd_read_kv(s, vma + r->end_off, &end, 8) < 0)
		return -1;
	VEC_PUSH(&r->v, ((struct kd_range){start, end}));
	return 0;
}

long kd_mm_vmas(kd_session *s, uint64_t mm, struct kd_range **out)
{
	struct range_vec r = {0};
	*out = NULL;
	if (kd_member_offset(s, "vm_area_struct", "vm_start", &r.start_off) < 0 ||
	    kd_member_offset(s, "vm_area_struct", "vm_end", &r.end_off) < 0)
		return -1;
	uint64_t mt = kd_member_offset_opt(s, "mm_struct", "mm_mt");
	long n;
	if (mt != UINT64_MAX) {
		n = kd_walk_maple(s, mm + mt, 0, add_vma, &r);
	} else {
		uint64_t vma, next_off;
		if (kd_read_member_ptr(s, mm, "mm_struct", "mmap", &vma) < 0 || kd_member_offset(s, "vm_area_struct", "vm_next", &next_off) < 0)
			return -1;
		n = vma ? kd_walk_chain(s, vma, next_off, 0, 0, 0, add_vma, &r) : 0;
	}
	if (n < 0) {
		VEC_FREE(&r.v);
		return -1;
	}
	*out = r.v.items;
	return (long)r.v.len;
}
