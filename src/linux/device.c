/*
 * Devices: chrdevs[] and cdev_map, major_names[] and the bdev filesystem's inodes, the resource
 * trees, the PCI buses, and the block class's disks with their in-flight requests. Everything
 * by member name, every walk bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "dump/dump.h"
#include "linux/kernel.h"
#include "target/session.h"

#include <kdive/device.h>
#include <kdive/linux.h>
#include <kdive/memory.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/util.h>
#include <kdive/walk.h>

#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))
#define MAX_CHAIN 4096          /* entries of one hash chain */
#define MAX_RESOURCES 100000
#define MAX_RESOURCE_DEPTH 64
#define MAX_HW_QUEUES 4096
#define MAX_TAGS (1u << 20)

/* ---- character devices ---- */

struct cds_view {
	uint64_t next, cdev;
	uint32_t major, baseminor;
	int32_t minorct;
	char name[65];
};
static const struct kd_field cds_fields[] = {
	KD_FIELD(struct cds_view, next, "next", 0),
	KD_FIELD(struct cds_view, major, "major", 0),
	KD_FIELD(struct cds_view, baseminor, "baseminor", 0),
	KD_FIELD(struct cds_view, minorct, "minorct", 0),
	KD_FIELD(struct cds_view, name, "name", 0),
	KD_FIELD(struct cds_view, cdev, "cdev", KD_FIELD_OPTIONAL),
};

/* The cdev cdev_map's probe chain for major registers at (major, minor), and its ops: crash's
 * search_cdev_map_probes, for a region whose char_device_struct has no cdev. 0 if none. */
static uint64_t cdev_map_probe(kd_session *s, unsigned major, unsigned minor, uint64_t ops_off, uint64_t *cdev)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, "cdev_map");
	uint64_t map, probes_off, next_off, dev_off, data_off, head;
	if (!k || kd_read_u64(s, k->addr, &map) < 0 || !map ||
	    kd_member_offset(s, "kobj_map", "probes", &probes_off) < 0 ||
	    kd_member_offset(s, "probe", "next", &next_off) < 0 || kd_member_offset(s, "probe", "dev", &dev_off) < 0 ||
	    kd_member_offset(s, "probe", "data", &data_off) < 0 ||
	    kd_read_u64(s, map + probes_off + 8 * (major % 255), &head) < 0) {
		kd_clear_error(s);
		return 0;
	}
	for (int n = 0; head && n < MAX_CHAIN; n++) {
		uint32_t dev;
		uint64_t data, ops;
		if (kd_read_u32(s, head + dev_off, &dev) < 0)
			break;
		if (dev >> 20 == major && (dev & 0xfffff) == minor) {
			if (kd_read_u64(s, head + data_off, &data) < 0 || kd_read_u64(s, data + ops_off, &ops) < 0)
				break;
			*cdev = data;
			return ops;
		}
		if (kd_read_u64(s, head + next_off, &head) < 0)
			break;
	}
	kd_clear_error(s);
	return 0;
}

long kd_chrdevs(kd_session *s, kd_chrdev_fn fn, void *arg)
{
	uint64_t addr, len, ops_off;
	if (!kernel_array_var(s, "chrdevs", &addr, &len))
		return kd_error(s, KD_ENOTFOUND, 0, "chrdevs: symbol does not exist");
	if (len > 4096)
		return kd_error(s, KD_EFORMAT, addr, "chrdevs: %llu entries", (unsigned long long)len);
	if (kd_member_offset(s, "cdev", "ops", &ops_off) < 0)
		return -1;
	long count = 0;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t cds;
		if (kd_read_u64(s, addr + 8 * i, &cds) < 0)
			return kd_fail_prefix(s, "chrdevs[%llu]", (unsigned long long)i);
		struct u64map seen;
		u64map_init(&seen);
		for (int n = 0; cds; n++) {
			if (n == MAX_CHAIN || u64map_has(&seen, cds)) {
				u64map_free(&seen);
				return kd_error(s, KD_EFORMAT, cds, "chrdevs[%llu]: char_device_struct %llx: %s", (unsigned long long)i,
						(unsigned long long)cds, n == MAX_CHAIN ? "chain too long" : "the chain loops back to it");
			}
			u64map_put(&seen, cds, (void *)1);
			struct cds_view v = {0};
			if (kd_read_struct(s, cds, "char_device_struct", cds_fields, NFIELDS(cds_fields), &v, NULL) < 0) {
				u64map_free(&seen);
				return kd_fail_prefix(s, "char_device_struct %llx", (unsigned long long)cds);
			}
			struct kd_chrdev d = {.addr = cds, .major = (int)v.major, .baseminor = (int)v.baseminor,
					      .minorct = v.minorct, .cdev = v.cdev};
			memcpy(d.name, v.name, sizeof(d.name) - 1);
			if (d.cdev && kd_read_u64(s, d.cdev + ops_off, &d.fops) < 0) {
				u64map_free(&seen);
				return kd_fail_prefix(s, "char_device_struct %llx: cdev", (unsigned long long)cds);
			}
			if (!d.fops) {
				uint64_t cdev = 0;
				d.fops = cdev_map_probe(s, v.major, v.baseminor, ops_off, &cdev);
				if (d.fops)
					d.cdev = cdev;
			}
			count++;
			int r = fn(s, &d, arg);
			if (r < 0 || r == KD_WALK_STOP) {
				u64map_free(&seen);
				return r < 0 ? -1 : count;
			}
			cds = v.next;
		}
		u64map_free(&seen);
	}
	return count;
}

/* ---- block devices ---- */

struct bdisk {
	uint64_t gendisk, fops;
	int major;
};

/* Offsets: the inode in its bdev_inode, the block_device in it, and the members read. */
struct bdev_offs {
	uint64_t vfs_inode, bdev, bd_disk, bd_inode, major, fops;
};

static int collect_bdev(kd_session *s, uint64_t inode, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	void **a = arg;
	struct bdisk **v = a[0];
	size_t *n = a[1];
	const struct bdev_offs *o = a[2];
	uint64_t bdev = inode - o->vfs_inode + o->bdev, disk, fops, back;
	uint32_t major;
	if (kd_read_u64(s, bdev + o->bd_disk, &disk) < 0 || !disk ||
	    /* where the block_device names its inode (before 6.10), it must be this one */
	    (o->bd_inode != UINT64_MAX && (kd_read_u64(s, bdev + o->bd_inode, &back) < 0 || back != inode)) ||
	    kd_read_u32(s, disk + o->major, &major) < 0 || kd_read_u64(s, disk + o->fops, &fops) < 0) {
		kd_clear_error(s); /* crash skips what it cannot read */
		return 0;
	}
	*v = kd_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct bdisk){disk, fops, (int)major};
	return 0;
}

/* Every block device's disk in the order of blockdev_superblock's inode list (crash's
 * search_blockdev_inodes, 5.11+): a block_device and its inode make a bdev_inode. */
static long bdev_disks(kd_session *s, struct bdisk **out)
{
	*out = NULL;
	size_t n = 0;
	const struct kd_symbol *k = kd_symbol_lookup(s, "blockdev_superblock");
	uint64_t sb, s_inodes, i_sb_list;
	struct bdev_offs o;
	if (!k || !kd_type_exists(s, "block_device"))
		return 0; /* no block_device: no disk to find */
	o.vfs_inode = kd_member_offset_opt(s, "bdev_inode", "vfs_inode");
	o.bdev = kd_member_offset_opt(s, "bdev_inode", "bdev");
	if (o.vfs_inode == UINT64_MAX || o.bdev == UINT64_MAX) {
		o.vfs_inode = kd_type_size_opt(s, "block_device"); /* crash's I_BDEV */
		o.bdev = 0;
	}
	o.bd_inode = kd_member_offset_opt(s, "block_device", "bd_inode");
	if (kd_member_offset(s, "block_device", "bd_disk", &o.bd_disk) < 0 ||
	    kd_member_offset(s, "gendisk", "major", &o.major) < 0 || kd_member_offset(s, "gendisk", "fops", &o.fops) < 0 ||
	    kd_member_offset(s, "super_block", "s_inodes", &s_inodes) < 0 ||
	    kd_member_offset(s, "inode", "i_sb_list", &i_sb_list) < 0 || kd_read_u64(s, k->addr, &sb) < 0)
		return -1;
	void *a[3] = {out, &n, &o};
	if (kd_walk_list(s, sb + s_inodes, i_sb_list, 0, collect_bdev, a) < 0) {
		free(*out);
		*out = NULL;
		return kd_fail_prefix(s, "blockdev_superblock inodes");
	}
	return (long)n;
}

struct bmn_view {
	uint64_t next;
	int32_t major;
	char name[17];
};
static const struct kd_field bmn_fields[] = {
	KD_FIELD(struct bmn_view, next, "next", 0),
	KD_FIELD(struct bmn_view, major, "major", 0),
	KD_FIELD(struct bmn_view, name, "name", 0),
};

long kd_blkdevs(kd_session *s, kd_blkdev_fn fn, void *arg)
{
	uint64_t addr, len;
	if (!kernel_array_var(s, "major_names", &addr, &len))
		return kd_error(s, KD_ENOTFOUND, 0, "major_names[] array doesn't exist in this kernel");
	if (len > 4096)
		return kd_error(s, KD_EFORMAT, addr, "major_names: %llu entries", (unsigned long long)len);
	struct bdisk *disks;
	long nd = bdev_disks(s, &disks);
	if (nd < 0)
		return -1;
	long count = 0;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t bmn;
		if (kd_read_u64(s, addr + 8 * i, &bmn) < 0) {
			free(disks);
			return kd_fail_prefix(s, "major_names[%llu]", (unsigned long long)i);
		}
		struct u64map seen;
		u64map_init(&seen);
		for (int n = 0; bmn; n++) {
			struct bmn_view v = {0};
			bool loop = n == MAX_CHAIN || u64map_has(&seen, bmn);
			u64map_put(&seen, bmn, (void *)1);
			if (loop || kd_read_struct(s, bmn, "blk_major_name", bmn_fields, NFIELDS(bmn_fields), &v, NULL) < 0) {
				free(disks);
				u64map_free(&seen);
				if (loop)
					return kd_error(s, KD_EFORMAT, bmn, "major_names[%llu]: blk_major_name %llx: %s",
							(unsigned long long)i, (unsigned long long)bmn,
							n == MAX_CHAIN ? "chain too long" : "the chain loops back to it");
				return kd_fail_prefix(s, "blk_major_name %llx", (unsigned long long)bmn);
			}
			struct kd_blkdev d = {.addr = bmn, .major = v.major};
			memcpy(d.name, v.name, sizeof(d.name) - 1);
			for (long j = 0; j < nd; j++)
				if (disks[j].major == v.major && disks[j].fops) {
					d.gendisk = disks[j].gendisk;
					d.fops = disks[j].fops;
					break;
				}
			count++;
			int r = fn(s, &d, arg);
			if (r < 0 || r == KD_WALK_STOP) {
				free(disks);
				u64map_free(&seen);
				return r < 0 ? -1 : count;
			}
			bmn = v.next;
		}
		u64map_free(&seen);
	}
	free(disks);
	return count;
}

/* ---- resources ---- */

struct res_view {
	uint64_t start, end, name, sibling, child;
};
static const struct kd_field res_fields[] = {
	KD_FIELD(struct res_view, start, "start", 0),
	KD_FIELD(struct res_view, end, "end", 0),
	KD_FIELD(struct res_view, name, "name", 0),
	KD_FIELD(struct res_view, sibling, "sibling", 0),
	KD_FIELD(struct res_view, child, "child", 0),
};

struct res_walk {
	kd_resource_fn fn;
	void *arg;
	long count;
	bool stop;
	struct u64map seen;
};

static int walk_res(kd_session *s, uint64_t entry, int depth, struct res_walk *w)
{
	while (entry && !w->stop) {
		if (u64map_has(&w->seen, entry))
			return kd_error(s, KD_EFORMAT, entry, "resource %llx: met twice in the resource tree",
					(unsigned long long)entry);
		u64map_put(&w->seen, entry, (void *)1);
		if (++w->count > MAX_RESOURCES)
			return kd_error(s, KD_EFORMAT, entry, "resource %llx: more than %d resources",
					(unsigned long long)entry, MAX_RESOURCES);
		struct res_view v;
		if (kd_read_struct(s, entry, "resource", res_fields, NFIELDS(res_fields), &v, NULL) < 0)
			return kd_fail_prefix(s, "resource %llx", (unsigned long long)entry);
		struct kd_resource r = {.addr = entry, .start = v.start, .end = v.end, .depth = depth};
		if (!v.name || kd_read_string(s, v.name, r.name, sizeof(r.name)) < 0) {
			kd_clear_error(s);
			snprintf(r.name, sizeof(r.name), "(unknown)");
		}
		int rc = w->fn(s, &r, w->arg);
		if (rc < 0)
			return -1;
		if (rc == KD_WALK_STOP) {
			w->stop = true;
			return 0;
		}
		if (v.child && v.child != entry) {
			if (depth + 1 >= MAX_RESOURCE_DEPTH)
				return kd_error(s, KD_EFORMAT, v.child, "resource %llx: deeper than %d levels",
						(unsigned long long)entry, MAX_RESOURCE_DEPTH);
			if (walk_res(s, v.child, depth + 1, w) < 0)
				return -1;
		}
		entry = v.sibling;
	}
	return 0;
}

long kd_walk_resources(kd_session *s, uint64_t root, kd_resource_fn fn, void *arg)
{
	struct res_walk w = {fn, arg, 0, false, {0}};
	u64map_init(&w.seen);
	int rc = walk_res(s, root, 0, &w);
	u64map_free(&w.seen);
	return rc < 0 ? -1 : w.count;
}

/* ---- PCI ---- */

struct pci_view {
	uint64_t name;
	uint32_t class;
	uint16_t vendor, device, pcie_flags;
	uint8_t hdr_type;
};
static const struct kd_field pci_fields[] = {
	KD_FIELD(struct pci_view, name, "dev.kobj.name", 0),
	KD_FIELD(struct pci_view, class, "class", 0),
	KD_FIELD(struct pci_view, vendor, "vendor", 0),
	KD_FIELD(struct pci_view, device, "device", 0),
	KD_FIELD(struct pci_view, hdr_type, "hdr_type", 0),
	KD_FIELD(struct pci_view, pcie_flags, "pcie_flags_reg", KD_FIELD_OPTIONAL),
};

int kd_pci_dev_read(kd_session *s, uint64_t dev, struct kd_pci_dev *out)
{
	memset(out, 0, sizeof(*out));
	struct pci_view v = {0};
	uint64_t missing = 0;
	if (kd_read_struct(s, dev, "pci_dev", pci_fields, NFIELDS(pci_fields), &v, &missing) < 0)
		return kd_fail_prefix(s, "pci_dev %llx", (unsigned long long)dev);
	out->addr = dev;
	out->pci_class = v.class;
	out->vendor = v.vendor;
	out->device = v.device;
	out->hdr_type = v.hdr_type;
	out->pcie_flags = v.pcie_flags;
	out->has_pcie_flags = !(missing & (1u << 5));
	if (v.name && kd_read_string(s, v.name, out->name, sizeof(out->name)) < 0) {
		out->name[0] = '\0';
		kd_clear_error(s);
	}
	return 0;
}

long kd_pci_root_buses(kd_session *s, kd_walk_fn fn, void *arg)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, "pci_root_buses");
	uint64_t node;
	if (!k)
		return kd_error(s, KD_ENOTFOUND, 0, "pci_root_buses does not exist in this kernel");
	if (kd_member_offset(s, "pci_bus", "node", &node) < 0)
		return -1;
	return kd_walk_list(s, k->addr, node, 0, fn, arg);
}

long kd_pci_bus_devices(kd_session *s, uint64_t bus, kd_walk_fn fn, void *arg)
{
	uint64_t devices, bus_list;
	if (kd_member_offset(s, "pci_bus", "devices", &devices) < 0 ||
	    kd_member_offset(s, "pci_dev", "bus_list", &bus_list) < 0)
		return -1;
	return kd_walk_list(s, bus + devices, bus_list, 0, fn, arg);
}

long kd_pci_bus_children(kd_session *s, uint64_t bus, kd_walk_fn fn, void *arg)
{
	uint64_t children, node;
	if (kd_member_offset(s, "pci_bus", "children", &children) < 0 || kd_member_offset(s, "pci_bus", "node", &node) < 0)
		return -1;
	return kd_walk_list(s, bus + children, node, 0, fn, arg);
}

int kd_pci_bus_read(kd_session *s, uint64_t bus, char *name, size_t size, uint64_t *parent, uint64_t *self)
{
	struct {
		uint64_t name, parent, self;
	} v = {0};
	static const struct kd_field f[] = {
		{"dev.kobj.name", 0, 8, 0},
		{"parent", 8, 8, 0},
		{"self", 16, 8, 0},
	};
	if (kd_read_struct(s, bus, "pci_bus", f, 3, &v, NULL) < 0)
		return kd_fail_prefix(s, "pci_bus %llx", (unsigned long long)bus);
	if (parent)
		*parent = v.parent;
	if (self)
		*self = v.self;
	if (name && size) {
		name[0] = '\0';
		if (v.name && kd_read_string(s, v.name, name, size) < 0) {
			name[0] = '\0';
			kd_clear_error(s);
		}
	}
	return 0;
}

/* ---- disks ---- */

struct disk_walk {
	kd_disk_fn fn;
	void *arg;
	long count;
	uint64_t disk_type;
	uint64_t knode_class, dp_device, dev_type, bd_device, bd_disk, n_klist;
	int64_t in_flight_state;
};

struct gd_view {
	int32_t major;
	char name[33];
	uint64_t queue, part0;
};
static const struct kd_field gd_fields[] = {
	KD_FIELD(struct gd_view, major, "major", 0),
	KD_FIELD(struct gd_view, name, "disk_name", 0),
	KD_FIELD(struct gd_view, queue, "queue", 0),
	KD_FIELD(struct gd_view, part0, "part0", 0),
};

/* A blk-mq request tagged in a bitmap: counted when it is this queue's and in flight, as
 * crash's mq_check_inflight (and the kernel's blk_mq_in_flight) count them. */
static int check_rq(kd_session *s, struct kd_disk *d, uint64_t rq, int64_t in_flight)
{
	struct {
		uint64_t q;
		uint32_t cmd_flags, state;
	} v;
	static const struct kd_field f[] = {
		{"q", 0, 8, 0},
		{"cmd_flags", 8, 4, 0},
		{"state", 12, 4, 0},
	};
	if (!kd_is_kvaddr(s, rq))
		return 0;
	if (kd_read_struct(s, rq, "request", f, 3, &v, NULL) < 0)
		return kd_fail_prefix(s, "request %llx", (unsigned long long)rq);
	if (v.q == d->queue && (int64_t)v.state == in_flight) {
		if (v.cmd_flags & 1) /* REQ_OP_* in the low bits: odd ones write */
			d->write++;
		else
			d->read++;
	}
	return 0;
}

/* The set bits of a struct sbitmap (word & ~cleared, word by word, up to depth), each tag's request. */
static int sbitmap_rqs(kd_session *s, struct kd_disk *d, uint64_t sb, uint64_t rqs, uint32_t base, int64_t in_flight)
{
	struct {
		uint32_t depth, shift, map_nr;
		uint64_t map;
	} v;
	static const struct kd_field f[] = {
		{"depth", 0, 4, 0},
		{"shift", 4, 4, 0},
		{"map_nr", 8, 4, 0},
		{"map", 16, 8, 0},
	};
	uint64_t wsize, word_off, cleared_off;
	if (kd_read_struct(s, sb, "sbitmap", f, 4, &v, NULL) < 0 || kd_type_size(s, "sbitmap_word", &wsize) < 0 ||
	    kd_member_offset(s, "sbitmap_word", "word", &word_off) < 0)
		return kd_fail_prefix(s, "sbitmap %llx", (unsigned long long)sb);
	cleared_off = kd_member_offset_opt(s, "sbitmap_word", "cleared");
	if (v.depth > MAX_TAGS || v.shift > 6 || v.map_nr > MAX_TAGS)
		return kd_error(s, KD_EFORMAT, sb, "sbitmap %llx: depth %u, shift %u, %u words", (unsigned long long)sb,
				v.depth, v.shift, v.map_nr);
	uint32_t scanned = 0;
	for (uint32_t i = 0; i < v.map_nr && scanned < v.depth; i++) {
		uint32_t depth = i == v.map_nr - 1 ? v.depth - (i << v.shift) : 1u << v.shift;
		if (depth > v.depth - scanned)
			depth = v.depth - scanned;
		scanned += depth;
		uint64_t word, cleared = 0;
		if (kd_read_u64(s, v.map + i * wsize + word_off, &word) < 0 ||
		    (cleared_off != UINT64_MAX && kd_read_u64(s, v.map + i * wsize + cleared_off, &cleared) < 0))
			return kd_fail_prefix(s, "sbitmap %llx word %u", (unsigned long long)sb, i);
		word &= ~cleared;
		for (uint32_t b = 0; b < depth && b < 64; b++) {
			if (!(word >> b & 1))
				continue;
			uint64_t rq;
			uint64_t tag = base + ((uint64_t)i << v.shift) + b;
			if (kd_read_u64(s, rqs + 8 * tag, &rq) < 0)
				return kd_fail_prefix(s, "blk_mq_tags.rqs[%llu]", (unsigned long long)tag);
			if (check_rq(s, d, rq, in_flight) < 0)
				return -1;
		}
	}
	return 0;
}

/* The address of a blk_mq_tags' sbitmap_queue member (embedded, or a pointer before 5.16 and since 6.x). */
static int tags_sbq(kd_session *s, uint64_t tags, const char *member, uint64_t *sbq)
{
	struct kd_member_info mi;
	if (kd_member_info(s, "blk_mq_tags", member, &mi) < 0)
		return -1;
	const kd_type *t = kd_type_resolve(s, mi.type);
	if (t && kd_type_kind(t) == KD_TYPE_POINTER)
		return kd_read_u64(s, tags + mi.offset, sbq);
	*sbq = tags + mi.offset;
	return 0;
}

static int hctx_rqs(kd_session *s, uint64_t hctx, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	void **a = arg;
	struct kd_disk *d = a[0];
	int64_t in_flight = *(int64_t *)a[1];
	struct {
		uint32_t nr_reserved;
		uint64_t rqs;
	} t;
	static const struct kd_field f[] = {
		{"nr_reserved_tags", 0, 4, 0},
		{"rqs", 8, 8, 0},
	};
	uint64_t tags, sbq, sb_off;
	if (!hctx)
		return 0;
	if (kd_read_member_ptr(s, hctx, "blk_mq_hw_ctx", "tags", &tags) < 0)
		return kd_fail_prefix(s, "blk_mq_hw_ctx %llx", (unsigned long long)hctx);
	if (!tags)
		return 0;
	if (kd_read_struct(s, tags, "blk_mq_tags", f, 2, &t, NULL) < 0 ||
	    kd_member_offset(s, "sbitmap_queue", "sb", &sb_off) < 0)
		return kd_fail_prefix(s, "blk_mq_tags %llx", (unsigned long long)tags);
	if (t.nr_reserved > MAX_TAGS)
		return kd_error(s, KD_EFORMAT, tags, "blk_mq_tags %llx: %u reserved tags", (unsigned long long)tags,
				t.nr_reserved);
	if (t.nr_reserved) {
		if (tags_sbq(s, tags, "breserved_tags", &sbq) < 0 || sbitmap_rqs(s, d, sbq + sb_off, t.rqs, 0, in_flight) < 0)
			return -1;
	}
	if (tags_sbq(s, tags, "bitmap_tags", &sbq) < 0 ||
	    sbitmap_rqs(s, d, sbq + sb_off, t.rqs, t.nr_reserved, in_flight) < 0)
		return -1;
	return 0;
}

/* A blk-mq queue's requests in flight, over its hardware queues' tags. */
static int mq_in_flight(kd_session *s, struct kd_disk *d, int64_t in_flight)
{
	void *a[2] = {d, &in_flight};
	uint64_t off = kd_member_offset_opt(s, "request_queue", "hctx_table");
	if (off != UINT64_MAX)
		return kd_walk_xarray(s, d->queue + off, 0, hctx_rqs, a) < 0 ? -1 : 0;
	uint32_t nr;
	uint64_t hw;
	if (kd_read_member(s, d->queue, "request_queue", "nr_hw_queues", &hw) < 0)
		return -1;
	nr = (uint32_t)hw;
	if (nr > MAX_HW_QUEUES)
		return kd_error(s, KD_EFORMAT, d->queue, "request_queue %llx: %u hardware queues",
				(unsigned long long)d->queue, nr);
	if (kd_read_member_ptr(s, d->queue, "request_queue", "queue_hw_ctx", &hw) < 0)
		return -1;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t hctx;
		if (kd_read_u64(s, hw + 8 * i, &hctx) < 0 || hctx_rqs(s, hctx, NULL, a) < 0)
			return -1;
	}
	return 0;
}

/* A bio-based disk's requests in flight: its per-CPU disk_stats.in_flight[2] summed. */
static int bio_in_flight(kd_session *s, struct kd_disk *d, uint64_t part0)
{
	uint64_t stats, off;
	const struct kd_target_info *ti = kd_target(s);
	if (kd_read_member_ptr(s, part0, "block_device", "bd_stats", &stats) < 0 ||
	    kd_member_offset(s, "disk_stats", "in_flight", &off) < 0)
		return -1;
	for (int c = 0; c < ti->nr_cpus && ti->per_cpu_offset; c++) {
		uint64_t v[2];
		if (kd_read_kv(s, stats + ti->per_cpu_offset[c] + off, v, sizeof(v)) < 0)
			return kd_fail_prefix(s, "disk_stats %llx", (unsigned long long)stats);
		d->read += (uint32_t)v[0];
		d->write += (uint32_t)v[1];
	}
	return 0;
}

static int one_disk(kd_session *s, uint64_t node, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct disk_walk *w = arg;
	uint64_t n_klist, dp_device, type, disk;
	/* a klist node whose n_klist has bit 0 set is dead (being removed): skip it */
	if (kd_read_u64(s, node + w->n_klist, &n_klist) < 0)
		return kd_fail_prefix(s, "klist_node %llx", (unsigned long long)node);
	if (n_klist & 1)
		return 0;
	if (kd_read_u64(s, node - w->knode_class + w->dp_device, &dp_device) < 0 ||
	    kd_read_u64(s, dp_device + w->dev_type, &type) < 0)
		return kd_fail_prefix(s, "block class device %llx", (unsigned long long)node);
	if (type != w->disk_type)
		return 0; /* a partition */
	if (kd_read_u64(s, dp_device - w->bd_device + w->bd_disk, &disk) < 0)
		return kd_fail_prefix(s, "block_device of device %llx", (unsigned long long)dp_device);
	struct gd_view g = {0};
	if (kd_read_struct(s, disk, "gendisk", gd_fields, NFIELDS(gd_fields), &g, NULL) < 0)
		return kd_fail_prefix(s, "gendisk %llx", (unsigned long long)disk);
	struct kd_disk d = {.gendisk = disk, .queue = g.queue, .major = g.major};
	memcpy(d.name, g.name, sizeof(d.name) - 1);
	uint64_t mq_ops = 0;
	if (g.queue && kd_read_member_ptr(s, g.queue, "request_queue", "mq_ops", &mq_ops) < 0)
		return kd_fail_prefix(s, "gendisk %llx: request_queue", (unsigned long long)disk);
	d.mq = mq_ops != 0;
	int rc = d.mq ? mq_in_flight(s, &d, w->in_flight_state) : bio_in_flight(s, &d, g.part0);
	if (rc < 0)
		return kd_fail_prefix(s, "%s", d.name);
	struct kd_member_info drv;
	if (!d.mq && g.queue && kd_member_find(s, "request_queue", "in_flight", &drv)) {
		uint32_t v[2] = {0, 0};
		if (kd_read_kv(s, g.queue + drv.offset, v, drv.size >= 8 ? 8 : 4) < 0)
			return kd_fail_prefix(s, "%s: request_queue.in_flight", d.name);
		d.has_drv = true;
		d.drv = v[0] + v[1];
	}
	w->count++;
	return w->fn(s, &d, w->arg);
}

/* The block class's subsys_private: class.p before 6.4, else the kobject named "block" on class_kset. */
static int block_subsys(kd_session *s, uint64_t *priv)
{
	const struct kd_symbol *bc = kd_symbol_lookup(s, "block_class");
	if (!bc)
		return kd_error(s, KD_ENOTFOUND, 0, "block_class does not exist in this kernel");
	if (kd_member_exists(s, "class", "p"))
		return kd_read_member_ptr(s, bc->addr, "class", "p", priv);
	const struct kd_symbol *ck = kd_symbol_lookup(s, "class_kset");
	uint64_t kset, list_off, entry_off, name_off, kobj_off, head, e;
	if (!ck || kd_read_u64(s, ck->addr, &kset) < 0 || kd_member_offset(s, "kset", "list", &list_off) < 0 ||
	    kd_member_offset(s, "kobject", "entry", &entry_off) < 0 ||
	    kd_member_offset(s, "kobject", "name", &name_off) < 0 ||
	    kd_member_offset(s, "subsys_private", "subsys.kobj", &kobj_off) < 0)
		return kd_error(s, KD_ENOTFOUND, 0, "cannot determine subsys_private for block.");
	head = kset + list_off;
	if (kd_read_u64(s, head, &e) < 0)
		return -1;
	for (int n = 0; e && e != head; n++) {
		uint64_t name;
		char buf[16];
		if (n == MAX_CHAIN)
			return kd_error(s, KD_EFORMAT, e, "class_kset: list too long (a cycle?)");
		uint64_t kobj = e - entry_off;
		if (kd_read_u64(s, kobj + name_off, &name) < 0)
			return -1;
		if (name && kd_read_string(s, name, buf, sizeof(buf)) == 0 && !strcmp(buf, "block")) {
			*priv = kobj - kobj_off;
			return 0;
		}
		kd_clear_error(s);
		if (kd_read_u64(s, e, &e) < 0)
			return -1;
	}
	return kd_error(s, KD_ENOTFOUND, 0, "cannot determine subsys_private for block.");
}

long kd_disks(kd_session *s, kd_disk_fn fn, void *arg)
{
	struct disk_walk w = {fn, arg, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	const struct kd_symbol *dt = kd_symbol_lookup(s, "disk_type");
	uint64_t priv, klist_off, k_list_off, n_node_off;
	if (!dt)
		return kd_error(s, KD_ENOTFOUND, 0, "disk_type does not exist in this kernel");
	w.disk_type = dt->addr;
	kd_enum_find(s, "MQ_RQ_IN_FLIGHT", &w.in_flight_state);
	if (block_subsys(s, &priv) < 0 || kd_member_offset(s, "subsys_private", "klist_devices", &klist_off) < 0 ||
	    kd_member_offset(s, "klist", "k_list", &k_list_off) < 0 ||
	    kd_member_offset(s, "klist_node", "n_node", &n_node_off) < 0 ||
	    kd_member_offset(s, "klist_node", "n_klist", &w.n_klist) < 0 ||
	    kd_member_offset(s, "device_private", "knode_class", &w.knode_class) < 0 ||
	    kd_member_offset(s, "device_private", "device", &w.dp_device) < 0 ||
	    kd_member_offset(s, "device", "type", &w.dev_type) < 0 ||
	    kd_member_offset(s, "block_device", "bd_device", &w.bd_device) < 0 ||
	    kd_member_offset(s, "block_device", "bd_disk", &w.bd_disk) < 0)
		return -1;
	/* entries are the klist_nodes (n_klist first: the node's address - n_node's offset) */
	if (kd_walk_list(s, priv + klist_off + k_list_off, n_node_off, 0, one_disk, &w) < 0)
		return -1;
	return w.count;
}

/* ---- device dumps ---- */

#define NT_VMCOREDD 0x700

size_t kd_device_dump_count(kd_session *s)
{
	size_t n = 0;
	if (!s->dump)
		return 0;
	for (size_t i = 0; i < s->dump->nr_notes; i++)
		n += s->dump->notes[i].type == NT_VMCOREDD;
	return n;
}
