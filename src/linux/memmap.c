/* The kernel's virtual memory areas: the busy vmap areas, a user address space's VMAs. */
#include <kdive/kdive.h>

#include <stdlib.h>
#include <string.h>

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
