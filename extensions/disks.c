/*
 * disks: the dump's disks (gendisks) and the requests their drivers hold in flight.
 * `extend disks` adds the command. Built against <kdive/kdive.h> only, like any module.
 *
 * Where the kernel keeps them (5.11 and later): every block_device is the first half of a
 * bdev_inode, and every such inode is on the block-device pseudo-filesystem's superblock
 * (blockdev_superblock->s_inodes); a whole disk is the block_device that is its gendisk's
 * part0. A blk-mq driver's in-flight requests are those its tag set's tags->rqs[tag] point at
 * whose state is MQ_RQ_IN_FLIGHT (what the kernel's /sys/block/X/inflight counts); a
 * bio-based driver counts them per CPU in the disk's statistics. Every member is found by
 * name, lists are walked with the API's walkers (bounded, stopped at a cycle), and every count
 * read from the dump is bounded.
 */
#include <kdive/kdive.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HW_QUEUES 4096
#define MAX_TAGS 65536     /* far above the kernel's BLK_MQ_MAX_DEPTH */
#define MQ_RQ_IN_FLIGHT 1  /* enum mq_rq_state, unchanged since blk-mq had states (4.16) */

/* Member offsets, by name. */
static struct {
	uint64_t sb_inodes, inode_sb_list, bi_bdev, bi_inode;
	uint64_t bd_disk, bd_nr_sectors, bd_stats;
	uint64_t gd_major, gd_first_minor, gd_name, gd_part0, gd_queue;
	uint64_t q_mq_ops, q_tag_set;
	uint64_t set_nr_hw_queues, set_tags, set_shared_tags;
	uint64_t tags_nr_tags, tags_rqs;
	uint64_t rq_q, rq_tag, rq_state, rq_cmd_flags, rq_sector, rq_data_len;
	uint64_t ds_in_flight;
} off;

static int find_offsets(kd_session *s)
{
	static const struct {
		const char *type, *member;
		uint64_t *where;
	} tab[] = {
		{"super_block", "s_inodes", &off.sb_inodes},
		{"inode", "i_sb_list", &off.inode_sb_list},
		{"bdev_inode", "bdev", &off.bi_bdev},
		{"bdev_inode", "vfs_inode", &off.bi_inode},
		{"block_device", "bd_disk", &off.bd_disk},
		{"block_device", "bd_nr_sectors", &off.bd_nr_sectors},
		{"block_device", "bd_stats", &off.bd_stats},
		{"gendisk", "major", &off.gd_major},
		{"gendisk", "first_minor", &off.gd_first_minor},
		{"gendisk", "disk_name", &off.gd_name},
		{"gendisk", "part0", &off.gd_part0},
		{"gendisk", "queue", &off.gd_queue},
		{"request_queue", "mq_ops", &off.q_mq_ops},
		{"request_queue", "tag_set", &off.q_tag_set},
		{"blk_mq_tag_set", "nr_hw_queues", &off.set_nr_hw_queues},
		{"blk_mq_tag_set", "tags", &off.set_tags},
		{"blk_mq_tag_set", "shared_tags", &off.set_shared_tags},
		{"blk_mq_tags", "nr_tags", &off.tags_nr_tags},
		{"blk_mq_tags", "rqs", &off.tags_rqs},
		{"request", "q", &off.rq_q},
		{"request", "tag", &off.rq_tag},
		{"request", "state", &off.rq_state},
		{"request", "cmd_flags", &off.rq_cmd_flags},
		{"request", "__sector", &off.rq_sector},
		{"request", "__data_len", &off.rq_data_len},
		{"disk_stats", "in_flight", &off.ds_in_flight},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (kd_member_offset(s, tab[i].type, tab[i].member, tab[i].where) < 0)
			return -1;
	return 0;
}

struct request {
	uint64_t addr, sector;
	uint32_t tag, bytes;
	bool write;
};

struct disk {
	uint64_t gendisk, bdev, queue;
	uint32_t major, minor;
	char name[33];
	uint64_t sectors;
	bool mq;
	long in_flight[2];     /* read, write */
	struct request *rqs;   /* blk-mq: the requests in flight */
	size_t nrqs;
	size_t unreadable;     /* request pointers that led nowhere */
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
	uint64_t bdev = inode - off.bi_inode + off.bi_bdev, gd, part0;
	if (kd_read_u64(s, bdev + off.bd_disk, &gd) < 0)
		return -1;
	if (!gd)
		return 0; /* a block_device whose disk is gone, or the filesystem's root inode */
	if (kd_read_u64(s, gd + off.gd_part0, &part0) < 0)
		return -1;
	if (part0 != bdev)
		return 0; /* a partition */
	struct disk d = {.gendisk = gd, .bdev = bdev};
	if (kd_read_u32(s, gd + off.gd_major, &d.major) < 0 || kd_read_u32(s, gd + off.gd_first_minor, &d.minor) < 0 ||
	    kd_read_string(s, gd + off.gd_name, d.name, sizeof(d.name)) < 0 ||
	    kd_read_u64(s, bdev + off.bd_nr_sectors, &d.sectors) < 0 || kd_read_u64(s, gd + off.gd_queue, &d.queue) < 0)
		return -1;
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
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	return x->minor < y->minor ? -1 : x->minor > y->minor;
}

/* The requests of one blk_mq_tags that are this disk's and in flight. */
static int mq_tags(kd_session *s, struct disk *d, uint64_t tags)
{
	uint32_t n;
	uint64_t rqs;
	if (kd_read_u32(s, tags + off.tags_nr_tags, &n) < 0 || kd_read_u64(s, tags + off.tags_rqs, &rqs) < 0)
		return -1;
	if (n > MAX_TAGS)
		return kd_fail(s, "blk_mq_tags %llx: %u tags, more than a queue can have", (unsigned long long)tags, n);
	if (!n || !rqs)
		return 0;
	uint64_t *rq = calloc(n, sizeof(*rq));
	if (!rq)
		return kd_fail(s, "out of memory");
	if (kd_read_kv(s, rqs, rq, n * sizeof(*rq)) < 0) {
		free(rq);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t q;
		uint32_t tag, state, flags;
		if (!rq[i])
			continue;
		if (kd_read_u64(s, rq[i] + off.rq_q, &q) < 0 || kd_read_u32(s, rq[i] + off.rq_tag, &tag) < 0 ||
		    kd_read_u32(s, rq[i] + off.rq_state, &state) < 0 || kd_read_u32(s, rq[i] + off.rq_cmd_flags, &flags) < 0) {
			d->unreadable++;
			continue;
		}
		/* tags->rqs keeps the last request of each tag: only one still holding its tag counts. */
		if (q != d->queue || tag != i || state != MQ_RQ_IN_FLIGHT)
			continue;
		struct request r = {.addr = rq[i], .tag = tag, .write = flags & 1}; /* op_is_write(): the op's low bit */
		if (kd_read_u64(s, rq[i] + off.rq_sector, &r.sector) < 0 || kd_read_u32(s, rq[i] + off.rq_data_len, &r.bytes) < 0) {
			d->unreadable++;
			continue;
		}
		struct request *p = realloc(d->rqs, (d->nrqs + 1) * sizeof(*p));
		if (!p) {
			free(rq);
			return kd_fail(s, "out of memory");
		}
		d->rqs = p;
		d->rqs[d->nrqs++] = r;
		d->in_flight[r.write]++;
	}
	free(rq);
	return 0;
}

/* blk-mq: every distinct blk_mq_tags of the queue's tag set (per hardware queue, or shared). */
static int mq_in_flight(kd_session *s, struct disk *d)
{
	uint64_t set, tagv, shared;
	uint32_t nhw;
	if (kd_read_u64(s, d->queue + off.q_tag_set, &set) < 0)
		return -1;
	if (!set)
		return 0;
	if (kd_read_u32(s, set + off.set_nr_hw_queues, &nhw) < 0 || kd_read_u64(s, set + off.set_tags, &tagv) < 0 ||
	    kd_read_u64(s, set + off.set_shared_tags, &shared) < 0)
		return -1;
	if (nhw > MAX_HW_QUEUES)
		return kd_fail(s, "blk_mq_tag_set %llx: %u hardware queues", (unsigned long long)set, nhw);
	uint64_t *tags = calloc(nhw + 1, sizeof(*tags));
	if (!tags)
		return kd_fail(s, "out of memory");
	int rc = nhw && tagv ? kd_read_kv(s, tagv, tags, nhw * sizeof(*tags)) : 0;
	tags[nhw] = shared;
	for (uint32_t i = 0; rc == 0 && i <= nhw; i++) {
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
		if (kd_read_u64(s, stats + off.ds_in_flight + 8 * (uint64_t)dir, &v) < 0)
			return -1;
		d->in_flight[dir] += (long)(int64_t)v;
	}
	return 0;
}

/* bio-based: the per-CPU in_flight counters of the disk's statistics. */
static int bio_in_flight(kd_session *s, struct disk *d)
{
	uint64_t stats;
	if (kd_read_u64(s, d->bdev + off.bd_stats, &stats) < 0)
		return -1;
	return stats && kd_walk_percpu(s, stats, add_cpu, d) < 0 ? -1 : 0;
}

static int cmd_disks(kd_session *s, int argc, char **argv)
{
	bool list = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0)
			list = true;
		else
			return kd_fail(s, "usage: disks [-r]");
	}
	uint64_t sbp, sb;
	if (find_offsets(s) < 0 || kd_symbol_addr(s, "blockdev_superblock", &sbp) < 0 || kd_read_u64(s, sbp, &sb) < 0)
		return -1;
	struct disks v = {0};
	if (!sb || kd_walk_list(s, sb + off.sb_inodes, off.inode_sb_list, 0, collect, &v) < 0) {
		free(v.items);
		return sb ? -1 : kd_fail(s, "blockdev_superblock is NULL: the block layer was not initialised");
	}
	qsort(v.items, v.len, sizeof(*v.items), by_dev);
	kd_printf(s, "MAJ:MIN  %-16s  %-8s  %8s  %-16s  TYPE  INFLIGHT  READ  WRITE\n", "GENDISK", "NAME", "SIZE",
		  "REQUEST_QUEUE");
	int rc = 0;
	for (size_t i = 0; i < v.len; i++) {
		struct disk *d = &v.items[i];
		uint64_t ops = 0;
		if (d->queue && kd_read_u64(s, d->queue + off.q_mq_ops, &ops) < 0) {
			rc = -1;
			break;
		}
		d->mq = ops != 0;
		char size[32], majmin[24];
		kd_format_size(d->sectors * 512, size, sizeof(size));
		snprintf(majmin, sizeof(majmin), "%u:%u", d->major, d->minor);
		if (d->queue && (d->mq ? mq_in_flight(s, d) : bio_in_flight(s, d)) < 0) {
			rc = -1;
			break;
		}
		kd_printf(s, "%-7s  %-16llx  %-8s  %8s  %-16llx  %-4s  %8ld  %4ld  %5ld\n", majmin,
			  (unsigned long long)d->gendisk, d->name, size, (unsigned long long)d->queue, d->mq ? "mq" : "bio",
			  d->in_flight[0] + d->in_flight[1], d->in_flight[0], d->in_flight[1]);
		for (size_t j = 0; list && j < d->nrqs; j++)
			kd_printf(s, "    REQUEST %llx  TAG %-4u  %-5s  SECTOR %llu  BYTES %u\n", (unsigned long long)d->rqs[j].addr,
				  d->rqs[j].tag, d->rqs[j].write ? "WRITE" : "READ", (unsigned long long)d->rqs[j].sector,
				  d->rqs[j].bytes);
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
