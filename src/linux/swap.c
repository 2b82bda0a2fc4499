/* The swap areas: swap_info[] (pointers since 2.6.33, structures before), read by member name. */
#include <stdlib.h>
#include <string.h>

#include "linux/fs.h"
#include "linux/kernel.h"

#include <kdive/memory.h>
#include <kdive/swap.h>
#include <kdive/types.h>

#define S_IFMT_ 0170000
#define S_IFBLK_ 0060000
#define SWP_USED_ 1

struct swap_view {
	uint64_t flags, file, pages, inuse, max;
	int64_t prio;
	uint64_t old_block_size;
};
static const struct kd_field swap_fields[] = {
	KD_FIELD(struct swap_view, flags, "flags", 0),
	KD_FIELD(struct swap_view, file, "swap_file", 0),
	KD_FIELD(struct swap_view, pages, "pages", 0),
	KD_FIELD(struct swap_view, inuse, "inuse_pages", KD_FIELD_OPTIONAL),
	KD_FIELD(struct swap_view, prio, "prio", 0),
	KD_FIELD(struct swap_view, old_block_size, "old_block_size", KD_FIELD_OPTIONAL),
};
#define MISSING_OLD_BLOCK_SIZE (1ULL << 5)

/* swap_info: its address, its length, and whether its elements are pointers. */
struct swap_table {
	uint64_t addr, len, stride;
	bool pointers;
};

static bool swap_table(kd_session *s, struct swap_table *t)
{
	const struct kd_symbol *sym = kd_symbol_lookup(s, "swap_info");
	if (!sym || !kd_symbol_lookup(s, "nr_swapfiles"))
		return false;
	const kd_type *ty = kd_var_type(s, "swap_info");
	if (!ty) {
		kd_clear_error(s);
		return false;
	}
	ty = kd_type_resolve(s, ty);
	if (!ty || kd_type_kind(ty) != KD_TYPE_ARRAY)
		return false;
	const kd_type *el = kd_type_resolve(s, kd_type_target(ty));
	if (!el)
		return false;
	t->addr = sym->addr;
	t->pointers = kd_type_kind(el) == KD_TYPE_POINTER;
	t->stride = t->pointers ? 8 : kd_type_sizeof(s, el);
	t->len = t->stride ? kd_type_sizeof(s, ty) / t->stride : 0;
	if (!t->len && sym->size) /* declared without a bound: the symbol's own size */
		t->len = sym->size / t->stride;
	return t->stride != 0;
}

/* The swap_info_struct of a type, 0 when that slot is empty. */
static int swap_struct(kd_session *s, const struct swap_table *t, uint64_t type, uint64_t *si)
{
	uint64_t slot = t->addr + type * t->stride;
	if (!t->pointers) {
		*si = slot;
		return 0;
	}
	return kd_read_u64(s, slot, si);
}

/* crash's name of the swap file: its path, under /dev for a devtmpfs (or udev) mount seen from
 * outside its mount point. */
static void swap_path(kd_session *s, uint64_t file, char *buf, size_t size)
{
	if (!file) {
		snprintf(buf, size, "(unknown)");
		return;
	}
	if (kd_fs_file_path(s, file, buf, size) < 0) {
		kd_clear_error(s);
		buf[0] = '\0';
		return;
	}
	uint64_t vfsmnt, devname;
	struct kd_member_info mnt;
	char dev[32] = "";
	if (kd_read_member_ptr(s, file, "file", "f_path.mnt", &vfsmnt) == 0 && vfsmnt &&
	    kd_member_info(s, "mount", "mnt", &mnt) == 0 &&
	    kd_read_member_ptr(s, vfsmnt - mnt.offset, "mount", "mnt_devname", &devname) == 0 && devname)
		kd_read_string(s, devname, dev, sizeof(dev));
	kd_clear_error(s);
	if ((strcmp(dev, "devtmpfs") == 0 || strcmp(dev, "udev") == 0) && strncmp(buf, "/dev/", 5) != 0) {
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "/dev%s", buf);
		snprintf(buf, size, "%s", tmp);
	}
}

/* A block device: old_block_size set (before 6.10), else the swap file's inode is a block device. */
static bool is_partition(kd_session *s, const struct swap_view *v, uint64_t missing)
{
	if (!(missing & MISSING_OLD_BLOCK_SIZE))
		return v->old_block_size != 0;
	uint64_t inode, mode;
	if (!v->file || kd_read_member_ptr(s, v->file, "file", "f_inode", &inode) < 0 ||
	    kd_read_member(s, inode, "inode", "i_mode", &mode) < 0) {
		kd_clear_error(s);
		return false;
	}
	return (mode & S_IFMT_) == S_IFBLK_;
}

int kd_swap_devices(kd_session *s, struct kd_swap_device **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct swap_table t;
	if (!swap_table(s, &t))
		return kd_error(s, KD_ENOTFOUND, 0, "swap_info doesn't exist in this kernel!");
	uint64_t nr_addr, nr = 0;
	if (kd_symbol_addr(s, "nr_swapfiles", &nr_addr) < 0 || kd_read_int(s, nr_addr, 4, &nr) < 0)
		return -1;
	if (nr > t.len)
		return kd_error(s, KD_EFORMAT, nr_addr, "nr_swapfiles %llu is more than swap_info holds (%llu)",
				(unsigned long long)nr, (unsigned long long)t.len);
	VEC(struct kd_swap_device) v = {0};
	int rc = 0;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t si;
		if (swap_struct(s, &t, i, &si) < 0) {
			kd_clear_error(s); /* crash skips a slot it cannot read */
			continue;
		}
		if (!si)
			continue;
		struct swap_view sv = {0};
		uint64_t missing = 0;
		if (kd_read_struct(s, si, "swap_info_struct", swap_fields, ARRAY_SIZE(swap_fields), &sv, &missing) < 0) {
			rc = kd_fail_prefix(s, "swap_info[%llu] %llx", (unsigned long long)i, (unsigned long long)si);
			break;
		}
		if (!(sv.flags & SWP_USED_))
			continue;
		struct kd_swap_device d = {.addr = si, .type = (unsigned)i, .flags = sv.flags, .pages = sv.pages,
					   .inuse_pages = sv.inuse, .prio = (int)sv.prio};
		d.partition = is_partition(s, &sv, missing);
		swap_path(s, sv.file, d.path, sizeof(d.path));
		VEC_PUSH(&v, d);
	}
	*out = v.items;
	*n = v.len;
	return rc;
}

bool kd_swap_location(kd_session *s, uint64_t entry, char *buf, size_t size)
{
	struct swap_table t;
	struct kd_pte_info pi;
	if (!swap_table(s, &t) || kd_pte_decode(s, entry, &pi) < 0) {
		kd_clear_error(s);
		return false;
	}
	uint64_t type = pi.swap_type, offset = pi.swap_offset;
	char dev[512] = "(unknown swap location)";
	uint64_t si = 0, file = 0;
	if (type < t.len && swap_struct(s, &t, type, &si) == 0 && si &&
	    kd_read_member_ptr(s, si, "swap_info_struct", "swap_file", &file) == 0 && file)
		swap_path(s, file, dev, sizeof(dev));
	kd_clear_error(s);
	snprintf(buf, size, "%s  OFFSET: %llu", dev, (unsigned long long)offset);
	return true;
}
