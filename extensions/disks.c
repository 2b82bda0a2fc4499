/*
 * disks: the dump's disks (gendisks) and the requests their drivers hold in flight.
 * `extend disks` adds the command. Built against <kdive/kdive.h> only, like any module.
 *
 * Where the kernel keeps them (5.11 and later): every block_device is the first half of a
 * bdev_inode, and every such inode is on the block-device pseudo-filesystem's superblock
 * (blockdev_superblock->s_inodes); a whole disk is the block_device that is its gendisk's
 * part0. A blk-mq driver's in-flight requests are those its tag set's tags->rqs[tag] point at
 * whose state is MQ_RQ_IN_FLIGHT (what the kernel's /sys/block/X/inflight counts); a
 * bio-based driver counts them per CPU in the disk's statistics.
 *
 * Structures are read with kd_read_struct (members by name, whatever their layout and size in
 * this kernel), lists and per-CPU data with the API's walkers (bounded, stopped at a cycle),
 * and every count read from the dump is bounded.
 */
#include <kdive/kdive.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HW_QUEUES 4096
#define MAX_TAGS 65536 /* far above the kernel's BLK_MQ_MAX_DEPTH */
#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

/* What this module reads of each kernel structure. */
struct bdev {
	uint64_t disk, nr_sectors, stats;
};
static const struct kd_field bdev_fields[] = {
	KD_FIELD(struct bdev, disk, "bd_disk", 0),
	KD_FIELD(struct bdev, nr_sectors, "bd_nr_sectors", 0),
	KD_FIELD(struct bdev, stats, "bd_stats", 0),
};

struct gendisk {
	int32_t major, first_minor;
	char name[33]; /* DISK_NAME_LEN is 32: one more byte keeps it terminated */
	uint64_t part0, queue;
};
static const struct kd_field gendisk_fields[] = {
	KD_FIELD(struct gendisk, major, "major", 0),
	KD_FIELD(struct gendisk, first_minor, "first_minor", 0),
	KD_FIELD(struct gendisk, name, "disk_name", 0),
	KD_FIELD(struct gendisk, part0, "part0", 0),
	KD_FIELD(struct gendisk, queue, "queue", 0),
};

struct queue {
	uint64_t mq_ops, tag_set;
};
static const struct kd_field queue_fields[] = {
	KD_FIELD(struct queue, mq_ops, "mq_ops", 0),
	KD_FIELD(struct queue, tag_set, "tag_set", 0),
};

struct tag_set {
	uint32_t nr_hw_queues;
	uint64_t tags, shared_tags;
};
static const struct kd_field tag_set_fields[] = {
	KD_FIELD(struct tag_set, nr_hw_queues, "nr_hw_queues", 0),
	KD_FIELD(struct tag_set, tags, "tags", 0),
	KD_FIELD(struct tag_set, shared_tags, "shared_tags", KD_FIELD_OPTIONAL), /* 5.16+ */
};

struct tags {
	uint32_t nr_tags;
	uint64_t rqs;
};
static const struct kd_field tags_fields[] = {
	KD_FIELD(struct tags, nr_tags, "nr_tags", 0),
	KD_FIELD(struct tags, rqs, "rqs", 0),
};

struct rq {
	uint64_t q, sector;
	int32_t tag;
	uint32_t state, cmd_flags, bytes;
};
static const struct kd_field rq_fields[] = {
	KD_FIELD(struct rq, q, "q", 0),
	KD_FIELD(struct rq, sector, "__sector", 0),
	KD_FIELD(struct rq, tag, "tag", 0),
	KD_FIELD(struct rq, state, "state", 0),
	KD_FIELD(struct rq, cmd_flags, "cmd_flags", 0),
	KD_FIELD(struct rq, bytes, "__data_len", 0),
};

/* Offsets for container arithmetic and walks, and the in-flight state's value. */
static struct {
	uint64_t sb_inodes, inode_sb_list, bi_bdev, bi_inode, in_flight;
	int64_t mq_rq_in_flight;
} k;

static int find_layout(kd_session *s)
{
	if (kd_member_offset(s, "super_block", "s_inodes", &k.sb_inodes) < 0 ||
	    kd_member_offset(s, "inode", "i_sb_list", &k.inode_sb_list) < 0 ||
	    kd_member_offset(s, "bdev_inode", "bdev", &k.bi_bdev) < 0 ||
	    kd_member_offset(s, "bdev_inode", "vfs_inode", &k.bi_inode) < 0 ||
	    kd_member_offset(s, "disk_stats", "in_flight", &k.in_flight) < 0 ||
	    kd_enum_value(s, "MQ_RQ_IN_FLIGHT", &k.mq_rq_in_flight) < 0)
		return -1;
	/* Check every structure's members once, before any is read. */
	if (kd_struct_check(s, "block_device", bdev_fields, NFIELDS(bdev_fields), NULL) < 0 ||
	    kd_struct_check(s, "gendisk", gendisk_fields, NFIELDS(gendisk_fields), NULL) < 0 ||
	    kd_struct_check(s, "request_queue", queue_fields, NFIELDS(queue_fields), NULL) < 0 ||
	    kd_struct_check(s, "blk_mq_tag_set", tag_set_fields, NFIELDS(tag_set_fields), NULL) < 0 ||
	    kd_struct_check(s, "blk_mq_tags", tags_fields, NFIELDS(tags_fields), NULL) < 0 ||
	    kd_struct_check(s, "request", rq_fields, NFIELDS(rq_fields), NULL) < 0)
		return -1;
	return 0;
}

struct request {
	uint64_t addr;
	struct rq rq;
};

struct disk {
	uint64_t addr, bdev;
	struct gendisk gd;
	struct bdev bd;
	bool mq;
	long in_flight[2];   /* read, write */
	struct request *rqs; /* blk-mq: the requests in flight */
	size_t nrqs;
	size_t unreadable;   /* request pointers that led nowhere */
};

struct disks {
	struct disk *items;
	size_t len, cap;
};

/* A bdev inode: keep it if its block_device is a whole disk (its gendisk's part0). */
static int collect(kd_session *s, uint64_t inode, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct disks *v = arg;
	struct disk d = {.bdev = inode - k.bi_inode + k.bi_bdev};
	if (kd_read_struct(s, d.bdev, "block_device", bdev_fields, NFIELDS(bdev_fields), &d.bd, NULL) < 0)
		return -1;
	if (!d.bd.disk)
		return 0; /* a block_device whose disk is gone, or the filesystem's root inode */
	d.addr = d.bd.disk;
	if (kd_read_struct(s, d.addr, "gendisk", gendisk_fields, NFIELDS(gendisk_fields), &d.gd, NULL) < 0)
		return -1;
	if (d.gd.part0 != d.bdev)
		return 0; /* a partition */
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct disk *p = realloc(v->items, cap * sizeof(*p));
		if (!p)
			return kd_fail(s, "out of memory");
		v->items = p;
		v->cap = cap;
	}
	v->items[v->len++] = d;
	return 0;
}

static int by_dev(const void *a, const void *b)
{
	const struct disk *x = a, *y = b;
	if (x->gd.major != y->gd.major)
		return x->gd.major < y->gd.major ? -1 : 1;
	return x->gd.first_minor < y->gd.first_minor ? -1 : x->gd.first_minor > y->gd.first_minor;
}

/* The requests of one blk_mq_tags that are this disk's and in flight. */
static int mq_tags(kd_session *s, struct disk *d, uint64_t addr)
{
	struct tags t = {0};
	if (kd_read_struct(s, addr, "blk_mq_tags", tags_fields, NFIELDS(tags_fields), &t, NULL) < 0)
		return -1;
	if (t.nr_tags > MAX_TAGS)
		return kd_fail(s, "blk_mq_tags %llx: %u tags, more than a queue can have", (unsigned long long)addr, t.nr_tags);
	if (!t.nr_tags || !t.rqs)
		return 0;
	uint64_t *rq = calloc(t.nr_tags, sizeof(*rq));
	if (!rq)
		return kd_fail(s, "out of memory");
	if (kd_read_kv(s, t.rqs, rq, t.nr_tags * sizeof(*rq)) < 0) {
		free(rq);
		return -1;
	}
	for (uint32_t i = 0; i < t.nr_tags; i++) {
		struct request r = {.addr = rq[i]};
		if (!rq[i])
			continue;
		if (kd_read_struct(s, rq[i], "request", rq_fields, NFIELDS(rq_fields), &r.rq, NULL) < 0) {
			kd_clear_error(s);
			d->unreadable++;
			continue;
		}
		/* tags->rqs keeps the last request of each tag: only one still holding its tag counts. */
		if (r.rq.q != d->gd.queue || r.rq.tag != (int32_t)i || (int64_t)r.rq.state != k.mq_rq_in_flight)
			continue;
		struct request *p = realloc(d->rqs, (d->nrqs + 1) * sizeof(*p));
		if (!p) {
			free(rq);
			return kd_fail(s, "out of memory");
		}
		d->rqs = p;
		d->rqs[d->nrqs++] = r;
		d->in_flight[r.rq.cmd_flags & 1]++; /* op_is_write(): the operation's low bit */
	}
	free(rq);
	return 0;
}

/* blk-mq: every distinct blk_mq_tags of the queue's tag set (per hardware queue, or shared). */
static int mq_in_flight(kd_session *s, struct disk *d, uint64_t set_addr)
{
	struct tag_set set = {0};
	if (!set_addr)
		return 0;
	if (kd_read_struct(s, set_addr, "blk_mq_tag_set", tag_set_fields, NFIELDS(tag_set_fields), &set, NULL) < 0)
		return -1;
	if (set.nr_hw_queues > MAX_HW_QUEUES)
		return kd_fail(s, "blk_mq_tag_set %llx: %u hardware queues", (unsigned long long)set_addr, set.nr_hw_queues);
	uint32_t n = set.nr_hw_queues;
	uint64_t *tags = calloc(n + 1, sizeof(*tags));
	if (!tags)
		return kd_fail(s, "out of memory");
	int rc = n && set.tags ? kd_read_kv(s, set.tags, tags, n * sizeof(*tags)) : 0;
	tags[n] = set.shared_tags;
	for (uint32_t i = 0; rc == 0 && i <= n; i++) {
		bool seen = !tags[i];
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = tags[j] == tags[i];
		if (!seen)
			rc = mq_tags(s, d, tags[i]);
	}
	free(tags);
	return rc;
}

/* One CPU's disk_stats: add its in_flight counters (local_t: one CPU's may be negative). */
static int add_cpu(kd_session *s, uint64_t stats, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct disk *d = arg;
	for (int dir = 0; dir < 2; dir++) {
		uint64_t v;
		if (kd_read_u64(s, stats + k.in_flight + 8 * (uint64_t)dir, &v) < 0)
			return -1;
		d->in_flight[dir] += (long)(int64_t)v;
	}
	return 0;
}

static int in_flight(kd_session *s, struct disk *d)
{
	struct queue q = {0};
	if (!d->gd.queue)
		return 0;
	if (kd_read_struct(s, d->gd.queue, "request_queue", queue_fields, NFIELDS(queue_fields), &q, NULL) < 0)
		return -1;
	d->mq = q.mq_ops != 0;
	if (d->mq)
		return mq_in_flight(s, d, q.tag_set);
	/* bio-based: the per-CPU in_flight counters of the disk's statistics */
	return d->bd.stats && kd_walk_percpu(s, d->bd.stats, add_cpu, d) < 0 ? -1 : 0;
}

static int cmd_disks(kd_session *s, int argc, char **argv)
{
	bool list = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0)
			list = true;
		else
			return kd_usage(s);
	}
	uint64_t sbp, sb;
	if (find_layout(s) < 0 || kd_symbol_addr(s, "blockdev_superblock", &sbp) < 0 || kd_read_u64(s, sbp, &sb) < 0)
		return -1;
	if (!sb)
		return kd_fail(s, "blockdev_superblock is NULL: the block layer was not initialised");
	struct disks v = {0};
	if (kd_walk_list(s, sb + k.sb_inodes, k.inode_sb_list, 0, collect, &v) < 0) {
		free(v.items);
		return -1;
	}
	qsort(v.items, v.len, sizeof(*v.items), by_dev);
	kd_printf(s, "MAJ:MIN  %-16s  %-8s  %8s  %-16s  TYPE  INFLIGHT  READ  WRITE\n", "GENDISK", "NAME", "SIZE",
		  "REQUEST_QUEUE");
	int rc = 0;
	for (size_t i = 0; i < v.len && rc == 0; i++) {
		struct disk *d = &v.items[i];
		if (in_flight(s, d) < 0) {
			rc = -1;
			break;
		}
		char size[32], majmin[24];
		kd_format_size(d->bd.nr_sectors * 512, size, sizeof(size));
		snprintf(majmin, sizeof(majmin), "%d:%d", d->gd.major, d->gd.first_minor);
		kd_printf(s, "%-7s  %-16llx  %-8s  %8s  %-16llx  %-4s  %8ld  %4ld  %5ld\n", majmin,
			  (unsigned long long)d->addr, d->gd.name, size, (unsigned long long)d->gd.queue,
			  d->mq ? "mq" : "bio", d->in_flight[0] + d->in_flight[1], d->in_flight[0], d->in_flight[1]);
		for (size_t j = 0; list && j < d->nrqs; j++) {
			const struct request *r = &d->rqs[j];
			kd_printf(s, "    REQUEST %llx  TAG %-4d  %-5s  SECTOR %llu  BYTES %u\n", (unsigned long long)r->addr,
				  r->rq.tag, r->rq.cmd_flags & 1 ? "WRITE" : "READ", (unsigned long long)r->rq.sector,
				  r->rq.bytes);
		}
		if (d->unreadable)
			kd_printf(s, "    (%zu request pointers of its tags could not be read)\n", d->unreadable);
	}
	if (!v.len && rc == 0)
		kd_printf(s, "(no disks)\n");
	for (size_t i = 0; i < v.len; i++)
		free(v.items[i].rqs);
	free(v.items);
	return rc;
}

static const struct kd_command commands[] = {
	{"disks", cmd_disks, "disks [-r]", "disks and the requests in flight on each",
	 "Lists the dump's disks (gendisks, partitions left out) in device-number order:\n"
	 "device number, gendisk address, name, size, request queue, driver type (mq: blk-mq,\n"
	 "bio: bio-based) and the requests in flight (started by the driver, not completed),\n"
	 "in total and by direction.\n"
	 "  -r  also each in-flight request of a blk-mq disk: address, tag, direction, first\n"
	 "      sector and length\n"
	 "\n"
	 "EXAMPLES\n"
	 "  kdive> extend disks\n"
	 "  kdive> disks\n"
	 "  MAJ:MIN  GENDISK           NAME          SIZE  REQUEST_QUEUE     TYPE  INFLIGHT  READ  WRITE\n"
	 "  254:0    ffff8c2581b48c00  vda         512 MB  ffff8c2581b3f2e0  mq           0     0      0\n",
	 KD_CMD_NEEDS_DUMP},
	{0},
};

KD_MODULE("disks", commands, NULL, NULL);
