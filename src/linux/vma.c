/* A task's memory areas: the vm_area_struct holding an address, in the maple tree or the mmap list. */
#include <string.h>

#include "linux/kernel.h"
#include "linux/walk.h"
#include "target/session.h"

#include <kdive/linux.h>
#include <kdive/types.h>
#include <kdive/walk.h>

static const struct kd_field vma_fields[] = {
	KD_FIELD(struct kd_vma, start, "vm_start", 0),
	KD_FIELD(struct kd_vma, end, "vm_end", 0),
	KD_FIELD(struct kd_vma, flags, "vm_flags", 0),
	KD_FIELD(struct kd_vma, file, "vm_file", 0),
	KD_FIELD(struct kd_vma, pgoff, "vm_pgoff", 0),
	KD_FIELD(struct kd_vma, mm, "vm_mm", 0),
};

int kd_vma_read(kd_session *s, uint64_t vma, struct kd_vma *out)
{
	memset(out, 0, sizeof(*out));
	if (kd_read_struct(s, vma, "vm_area_struct", vma_fields, ARRAY_SIZE(vma_fields), out, NULL) < 0)
		return kd_fail_prefix(s, "vm_area_struct %llx", (unsigned long long)vma);
	out->addr = vma;
	/* an area is pages of a user address space (2^56 bytes with 5-level paging): one
	 * that ends before it starts, or spans more, is a damaged vm_area_struct, whose pages
	 * no caller may walk one by one */
	if (out->start >= out->end || out->end - out->start > (1ULL << 56))
		return kd_error(s, KD_EFORMAT, vma, "vm_area_struct %llx: vm_start..vm_end %llx-%llx is no area",
				(unsigned long long)vma, (unsigned long long)out->start, (unsigned long long)out->end);
	return 0;
}

struct vma_search {
	uint64_t vaddr;
	struct kd_vma *out;
	bool found;
};

static int match_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct vma_search *q = arg;
	struct kd_vma v;
	if (!vma)
		return 0;
	if (kd_vma_read(s, vma, &v) < 0)
		return -1;
	if (q->vaddr < v.start || q->vaddr >= v.end)
		return 0;
	*q->out = v;
	q->found = true;
	return KD_WALK_STOP;
}

struct vma_check {
	kd_walk_fn fn;
	void *arg;
};

/* The maple tree holds a VMA at [vm_start, vm_end - 1]: a VMA that says otherwise is damaged
 * (random bytes gave vm -p an area of 2^60 bytes to walk page by page). */
static int checked_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	struct vma_check *w = arg;
	if (vma && pos) {
		struct kd_vma v;
		if (kd_vma_read(s, vma, &v) < 0)
			return -1;
		if (v.start != pos->min || v.end - 1 != pos->max)
			return kd_error(s, KD_EFORMAT, vma,
					"vm_area_struct %llx: vm_start..vm_end %llx-%llx, but the maple tree holds it at %llx-%llx",
					(unsigned long long)vma, (unsigned long long)v.start, (unsigned long long)v.end,
					(unsigned long long)pos->min, (unsigned long long)pos->max + 1);
	}
	return w->fn(s, vma, pos, w->arg);
}

/* Every VMA of an mm, in address order: its maple tree (6.1+), else the mmap list. */
int kd_walk_vmas(kd_session *s, uint64_t mm, kd_walk_fn fn, void *arg)
{
	if (!mm)
		return 0;
	uint64_t mt = kd_member_offset_opt(s, "mm_struct", "mm_mt");
	long rc;
	if (mt != UINT64_MAX && !kd_member_exists(s, "mm_struct", "mmap")) {
		struct vma_check w = {fn, arg};
		rc = kd_walk_maple(s, mm + mt, 0, checked_vma, &w);
	} else {
		uint64_t vma, next_off;
		if (kd_read_member_ptr(s, mm, "mm_struct", "mmap", &vma) < 0 ||
		    kd_member_offset(s, "vm_area_struct", "vm_next", &next_off) < 0)
			return -1;
		rc = vma ? kd_walk_chain(s, vma, next_off, 0, 0, 0, fn, arg) : 0;
	}
	return rc < 0 ? -1 : 0;
}

int kd_vma_find(kd_session *s, uint64_t mm, uint64_t vaddr, struct kd_vma *out)
{
	struct vma_search q = {vaddr, out, false};
	memset(out, 0, sizeof(*out));
	if (!mm)
		return 0;
	if (kd_walk_vmas(s, mm, match_vma, &q) < 0)
		return kd_fail_prefix(s, "mm_struct %llx: VMAs", (unsigned long long)mm);
	return q.found;
}

typedef VEC(struct kd_vma) vma_vec;

static int collect_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	vma_vec *v = arg;
	struct kd_vma one;
	if (!vma)
		return 0;
	if (kd_vma_read(s, vma, &one) < 0)
		return -1;
	VEC_PUSH(v, one);
	return 0;
}

long kd_mm_vmas(kd_session *s, uint64_t mm, struct kd_vma **out)
{
	vma_vec v = {0};
	*out = NULL;
	if (kd_walk_vmas(s, mm, collect_vma, &v) < 0) {
		VEC_FREE(&v);
		return kd_fail_prefix(s, "mm_struct %llx: VMAs", (unsigned long long)mm);
	}
	*out = v.items;
	return (long)v.len;
}
