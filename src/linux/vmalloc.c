/*
 * The vmalloc areas: the busy vmap_area lists, one (vmap_area_list) before 6.9, one per
 * vmap_node (vmap_nodes[i].busy.head) since, gathered and sorted by address.
 */
#include <stdlib.h>

#include "linux/kernel.h"
#include "linux/walk.h"

#include <kdive/vmalloc.h>

#define VMAP_NODES_MAX 4096
#define VM_VM_AREA 0x4 /* vmap_area.flags of an area with a vm_struct, on kernels with a purge_list */ /* nr_vmap_nodes is at most the number of CPUs */

struct va_view {
	uint64_t start, end, vm, flags;
};
static const struct kd_field va_fields[] = {
	KD_FIELD(struct va_view, start, "va_start", 0),
	KD_FIELD(struct va_view, end, "va_end", 0),
	KD_FIELD(struct va_view, vm, "vm", KD_FIELD_OPTIONAL),
	KD_FIELD(struct va_view, vm, "private", KD_FIELD_OPTIONAL),
	KD_FIELD(struct va_view, flags, "flags", KD_FIELD_OPTIONAL),
};

typedef VEC(struct kd_vmap_area) area_vec;

static int collect(kd_session *s, uint64_t area, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	area_vec *v = arg;
	struct va_view va = {0};
	if (kd_read_struct(s, area, "vmap_area", va_fields, ARRAY_SIZE(va_fields), &va, NULL) < 0)
		return kd_fail_prefix(s, "vmap_area %llx", (unsigned long long)area);
	struct kd_vmap_area a = {area, va.start, va.end, va.vm, va.flags, va.vm != 0};
	if (kd_member_exists(s, "vmap_area", "purge_list") && kd_member_exists(s, "vmap_area", "flags"))
		a.has_vm = va.flags == VM_VM_AREA;
	VEC_PUSH(v, a);
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct kd_vmap_area *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The busy list of each vmap_node (6.9+). */
static int walk_nodes(kd_session *s, uint64_t list_off, area_vec *v)
{
	uint64_t nodes_sym, nodes, nr_sym, nr = 0, node_size, head_off;
	struct kd_member_info busy, head;
	if (kd_symbol_addr(s, "vmap_nodes", &nodes_sym) < 0 || kd_symbol_addr(s, "nr_vmap_nodes", &nr_sym) < 0 ||
	    kd_read_u64(s, nodes_sym, &nodes) < 0 || kd_read_int(s, nr_sym, 4, &nr) < 0 ||
	    kd_type_size(s, "vmap_node", &node_size) < 0 || kd_member_info(s, "vmap_node", "busy", &busy) < 0 ||
	    kd_member_info(s, "rb_list", "head", &head) < 0)
		return -1;
	if (nr > VMAP_NODES_MAX)
		return kd_error(s, KD_EFORMAT, nr_sym, "nr_vmap_nodes %llu is out of range", (unsigned long long)nr);
	head_off = busy.offset + head.offset;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t h = nodes + i * node_size + head_off;
		if (kd_walk_list(s, h, list_off, 0, collect, v) < 0)
			return kd_fail_prefix(s, "vmap_nodes[%llu].busy list", (unsigned long long)i);
	}
	return 0;
}

int kd_vmap_areas(kd_session *s, struct kd_vmap_area **out, size_t *n)
{
	area_vec v = {0};
	int rc = 0;
	uint64_t list_off, head;
	if (kd_member_offset(s, "vmap_area", "list", &list_off) < 0)
		rc = -1;
	else if (kd_symbol_lookup(s, "vmap_nodes"))
		rc = walk_nodes(s, list_off, &v);
	else if (kd_symbol_addr(s, "vmap_area_list", &head) < 0)
		rc = -1;
	else if (kd_walk_list(s, head, list_off, 0, collect, &v) < 0)
		rc = kd_fail_prefix(s, "vmap_area_list");
	if (v.len)
		kd_qsort(v.items, v.len, sizeof(*v.items), by_start);
	*out = v.items;
	*n = v.len;
	return rc;
}
