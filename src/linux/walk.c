/*
 * The walker library (see <kdive/walk.h> and walk.h): lists, hlists, red-black trees,
 * XArrays, maple trees, IDRs, per-CPU addresses, tasks and threads. One implementation of
 * each; every walk keeps a set of what it has seen, a cap on its length, and checks each
 * count it takes from the dump against the type the vmlinux declares.
 */
#include "linux/walk.h"

#include <stdio.h>
#include <string.h>

#include "debuginfo/types.h"
#include "linux/kernel.h"
#include "linux/tasks.h"

static uint64_t limit_of(const kd_session *s)
{
	return s->walk_limit ? s->walk_limit : WALK_MAX;
}

static int verr(kd_session *s, enum kd_errcode code, uint64_t addr, const char *fmt, va_list ap)
{
	char tmp[sizeof(s->err.msg)];
	vsnprintf(tmp, sizeof(tmp), fmt, ap); /* fmt's arguments may quote s->err.msg */
	/* On the running kernel a structure can change while it is walked: say so, once. */
	kd_err_set(&s->err, code, "%s%s", tmp,
		   s->ki.live && !strstr(tmp, "(live kernel") ? " (live kernel: it may have changed while it was read)" : "");
	s->err.addr = addr;
	return -1;
}

/* A structure that is not what it should be: a cycle, a count out of range, a walk too long. */
static int __attribute__((format(printf, 3, 4))) corrupt(kd_session *s, uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr(s, KD_EFORMAT, addr, fmt, ap);
	va_end(ap);
	return -1;
}

/* A pointer that cannot be followed: addr is the address that could not be read. The memory
 * layer's own code is kept when it says more (a page excluded from the dump, or not in it). */
static int __attribute__((format(printf, 3, 4))) fault(kd_session *s, uint64_t addr, const char *fmt, ...)
{
	enum kd_errcode code = s->err.code;
	if (code != KD_EEXCLUDED && code != KD_ENOMEM_DUMP && code != KD_EIO)
		code = KD_EFAULT;
	va_list ap;
	va_start(ap, fmt);
	verr(s, code, addr, fmt, ap);
	va_end(ap);
	return -1;
}

static int read_ptr(kd_session *s, uint64_t addr, uint64_t *val)
{
	return kd_read_kv(s, addr, val, 8);
}

/* The visitor's verdict: 0 go on, 1 stop quietly, -1 fail (its error is in the session). */
static int visit(kd_session *s, kd_walk_fn fn, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	int v = fn(s, entry, pos, arg);
	return v < 0 ? -1 : v > 0 ? 1 : 0;
}

/* ---- lists ---- */

enum list_end { LIST_DONE, LIST_STOPPED, LIST_BROKEN, LIST_VISITOR_FAILED };

/*
 * A linked chain as the engine follows it: from start, each link is the pointer at
 * link + next_offset; each entry is link - entry_offset (see kd_walk_chain).
 */
struct chain {
	uint64_t start;        /* first link */
	uint64_t next_offset;  /* where the next pointer is in a link (list_head: next, or prev to go backwards) */
	uint64_t entry_offset; /* link - entry_offset = entry (offset of the list_head in the structure) */
	uint64_t end;          /* stop when a link equals this (0: none) */
	bool null_is_error;    /* a list_head list is circular: a NULL link is corruption */
};

/*
 * The one list engine. Visits links from w->start and counts them in *count. A strict walk
 * (a list from its head) reads each link's next pointer before visiting it, and ends only at
 * w->end or NULL; crash's list command (not strict) visits first and also ends back at the
 * start, at a link pointing to itself or back at the first link. seen may be shared between
 * two walks (the repair of a broken list), and then a link seen already ends the walk quietly.
 */
static enum list_end list_engine(kd_session *s, const struct chain *w, bool strict, struct u64map *seen,
				 bool quiet_at_seen, kd_walk_fn fn, void *arg, long *count)
{
	uint64_t limit = limit_of(s), link = w->start, first, next;
	*count = 0;
	if (read_ptr(s, link + w->next_offset, &first) < 0) {
		fault(s, link, "invalid list entry: %llx", (unsigned long long)link);
		return LIST_BROKEN;
	}
	for (;;) {
		bool dup = u64map_has(seen, link);
		if (dup && quiet_at_seen)
			return LIST_DONE;
		if (dup && strict) {
			corrupt(s, link, "duplicate list entry: %llx", (unsigned long long)link);
			return LIST_BROKEN;
		}
		if ((uint64_t)*count >= limit) {
			corrupt(s, link, "list has more than %llu entries: not following it further", (unsigned long long)limit);
			return LIST_BROKEN;
		}
		if (strict && link != w->start && read_ptr(s, link + w->next_offset, &next) < 0) {
			fault(s, link, "invalid list entry: %llx", (unsigned long long)link);
			return LIST_BROKEN;
		}
		int v = visit(s, fn, link - w->entry_offset, NULL, arg);
		if (v)
			return v < 0 ? LIST_VISITOR_FAILED : LIST_STOPPED;
		if (dup) {
			corrupt(s, link, "duplicate list entry: %llx", (unsigned long long)link);
			return LIST_BROKEN;
		}
		u64map_put(seen, link, (void *)1);
		++*count;
		uint64_t last = link;
		if (strict && link == w->start)
			next = first;
		else if (!strict && read_ptr(s, link + w->next_offset, &next) < 0) {
			fault(s, link, "invalid list entry: %llx", (unsigned long long)link);
			return LIST_BROKEN;
		}
		link = next;
		if (link == 0 && w->null_is_error) {
			fault(s, 0, "invalid list entry: 0");
			return LIST_BROKEN;
		}
		if (link == 0 || (w->end && link == w->end))
			return LIST_DONE;
		if (!strict && (link == w->start || link == last || (link == first && *count != 1)))
			return LIST_DONE;
	}
}

static long chain_walk(kd_session *s, const struct chain *w, bool strict, kd_walk_fn fn, void *arg)
{
	struct u64map seen;
	u64map_init(&seen);
	long count;
	enum list_end e = list_engine(s, w, strict, &seen, false, fn, arg, &count);
	u64map_free(&seen);
	return e == LIST_BROKEN || e == LIST_VISITOR_FAILED ? -1 : count;
}

static int list_offsets(kd_session *s, uint64_t *next_off, uint64_t *prev_off)
{
	if (kd_member_offset(s, "list_head", "next", next_off) < 0 || kd_member_offset(s, "list_head", "prev", prev_off) < 0)
		return -1;
	return 0;
}

/*
 * A list from its head, forward; when that breaks (an unreadable link, a cycle), backward
 * from the head through prev up to the break or an entry seen already, so that only the
 * damaged entry is lost. The forward break's error stays in the session; -1 only when
 * neither direction found anything (or the visitor failed).
 */
static long list_both(kd_session *s, uint64_t head, uint64_t entry_offset, kd_walk_fn fn, void *arg)
{
	uint64_t next_off, prev_off, first, last;
	if (list_offsets(s, &next_off, &prev_off) < 0)
		return -1;
	if (read_ptr(s, head + next_off, &first) < 0)
		return fault(s, head, "invalid list head: %llx", (unsigned long long)head);
	kd_err_clear(&s->err);
	if (first == head)
		return 0;
	struct u64map seen;
	u64map_init(&seen);
	struct chain fw = {first, next_off, entry_offset, head, true};
	long fwd = 0, back = 0;
	enum list_end e = list_engine(s, &fw, true, &seen, false, fn, arg, &fwd);
	if (e == LIST_DONE || e == LIST_STOPPED)
		kd_err_clear(&s->err); /* what a visitor handled; the session says whether the list broke */
	if (e == LIST_BROKEN) {
		struct kd_err broke = s->err;
		if (read_ptr(s, head + prev_off, &last) == 0 && last && last != head) {
			struct chain bw = {last, prev_off, entry_offset, head, false};
			if (list_engine(s, &bw, true, &seen, true, fn, arg, &back) == LIST_VISITOR_FAILED)
				e = LIST_VISITOR_FAILED;
		}
		if (e != LIST_VISITOR_FAILED)
			s->err = broke;
	}
	u64map_free(&seen);
	if (e == LIST_VISITOR_FAILED || (e == LIST_BROKEN && !fwd && !back))
		return -1;
	return fwd + back;
}

long kd_walk_list(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn, void *arg)
{
	uint64_t next_off, prev_off, start;
	if (list_offsets(s, &next_off, &prev_off) < 0)
		return -1;
	uint64_t off = flags & KD_WALK_REVERSE ? prev_off : next_off;
	if (flags & KD_WALK_ENTRY) {
		/* round the circle from one entry back to it */
		struct chain w = {addr, off, entry_offset, addr, true};
		return chain_walk(s, &w, true, fn, arg);
	}
	if (flags & KD_WALK_BOTH) {
		if (flags & KD_WALK_REVERSE)
			return kd_err_set(&s->err, KD_EINVAL, "a list walked both ways starts forward");
		return list_both(s, addr, entry_offset, fn, arg);
	}
	if (read_ptr(s, addr + off, &start) < 0)
		return fault(s, addr, "invalid list head: %llx", (unsigned long long)addr);
	if (start == addr)
		return 0;
	struct chain w = {start, off, entry_offset, addr, true};
	return chain_walk(s, &w, true, fn, arg);
}

long kd_walk_chain(kd_session *s, uint64_t start, uint64_t next_offset, uint64_t entry_offset, uint64_t end,
		   unsigned flags, kd_walk_fn fn, void *arg)
{
	struct chain w = {start, next_offset, entry_offset, end, (flags & KD_WALK_CIRCULAR) != 0};
	return chain_walk(s, &w, false, fn, arg);
}

/* hlist_node's pprev points at the pointer that points to the node: the previous node's next, or the head's first. */
static long hlist_reverse(kd_session *s, uint64_t node, uint64_t entry_offset, uint64_t next_off, uint64_t pprev_off,
			  kd_walk_fn fn, void *arg)
{
	uint64_t limit = limit_of(s);
	struct u64map seen;
	u64map_init(&seen);
	long count = 0;
	int rc = 0;
	uint64_t pprev, back;
	if (read_ptr(s, node + pprev_off, &pprev) < 0) {
		u64map_free(&seen);
		return fault(s, node, "invalid list entry: %llx", (unsigned long long)node);
	}
	for (;;) {
		if (u64map_has(&seen, node)) {
			rc = corrupt(s, node, "duplicate list entry: %llx", (unsigned long long)node);
			break;
		}
		if ((uint64_t)count >= limit) {
			rc = corrupt(s, node, "list has more than %llu entries: not following it further", (unsigned long long)limit);
			break;
		}
		u64map_put(&seen, node, (void *)1);
		int v = visit(s, fn, node - entry_offset, NULL, arg);
		if (v) {
			rc = v < 0 ? -1 : 0;
			break;
		}
		count++;
		if (!pprev)
			break;
		/* The node before, if pprev is a node's next (and not the head's first): its own pprev leads back to it. */
		uint64_t prev = pprev - next_off, pp;
		if (read_ptr(s, prev + pprev_off, &pp) < 0 || !pp || read_ptr(s, pp, &back) < 0 || back != prev) {
			kd_err_clear(&s->err);
			break; /* pprev is the head's first */
		}
		node = prev;
		pprev = pp;
	}
	u64map_free(&seen);
	return rc < 0 ? -1 : count;
}

long kd_walk_hlist(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn, void *arg)
{
	uint64_t first_off, next_off, pprev_off, first;
	if (kd_member_offset(s, "hlist_head", "first", &first_off) < 0 ||
	    kd_member_offset(s, "hlist_node", "next", &next_off) < 0 ||
	    kd_member_offset(s, "hlist_node", "pprev", &pprev_off) < 0)
		return -1;
	if (flags & KD_WALK_REVERSE) {
		if (!(flags & KD_WALK_ENTRY))
			return kd_err_set(&s->err, KD_EINVAL, "an hlist is walked backwards from one of its entries");
		return hlist_reverse(s, addr, entry_offset, next_off, pprev_off, fn, arg);
	}
	if (flags & KD_WALK_ENTRY)
		first = addr;
	else if (read_ptr(s, addr + first_off, &first) < 0)
		return fault(s, addr, "invalid list head: %llx", (unsigned long long)addr);
	if (!first)
		return 0;
	struct chain w = {first, next_off, entry_offset, 0, false};
	return chain_walk(s, &w, true, fn, arg);
}

/* ---- red-black trees ---- */

#define RB_DEPTH_MAX 256 /* a balanced tree of WALK_MAX nodes is 47 deep */
#define PATH_MAX_LEN 1024

struct rb_ctx {
	kd_session *s;
	uint64_t left_off, right_off, entry_offset, limit;
	bool inorder;
	kd_walk_fn fn;
	void *arg;
	struct u64map seen;
	long count;
	int stop; /* 1: stop quietly, -1: error */
};

static void rb_visit(struct rb_ctx *c, uint64_t node, char *path, size_t len, int depth)
{
	if (!node || c->stop)
		return;
	if (depth > RB_DEPTH_MAX) {
		c->stop = corrupt(c->s, node, "red-black tree deeper than %d levels at %llx: not following it further",
				  RB_DEPTH_MAX, (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = corrupt(c->s, node, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	if ((uint64_t)c->count >= c->limit) {
		c->stop = corrupt(c->s, node, "tree has more than %llu entries: not following it further",
				  (unsigned long long)c->limit);
		return;
	}
	c->count++;
	uint64_t left, right;
	struct kd_walk_pos pos = {path, 0, 0, 0};
	if (!c->inorder && (c->stop = visit(c->s, c->fn, node - c->entry_offset, &pos, c->arg)))
		return;
	if (read_ptr(c->s, node + c->left_off, &left) < 0 || read_ptr(c->s, node + c->right_off, &right) < 0) {
		c->stop = fault(c->s, node, "invalid tree node: %llx", (unsigned long long)node);
		return;
	}
	if (len + 3 < PATH_MAX_LEN) {
		strcpy(path + len, "/l");
		rb_visit(c, left, path, len + 2, depth + 1);
		path[len] = '\0';
	}
	if (c->inorder && !c->stop && (c->stop = visit(c->s, c->fn, node - c->entry_offset, &pos, c->arg)))
		return;
	if (len + 3 < PATH_MAX_LEN && !c->stop) {
		strcpy(path + len, "/r");
		rb_visit(c, right, path, len + 2, depth + 1);
		path[len] = '\0';
	}
}

long kd_walk_rbtree(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn, void *arg)
{
	struct rb_ctx c = {.s = s, .entry_offset = entry_offset, .limit = limit_of(s),
			   .inorder = (flags & KD_WALK_INORDER) != 0, .fn = fn, .arg = arg};
	if (kd_member_offset(s, "rb_node", "rb_left", &c.left_off) < 0 ||
	    kd_member_offset(s, "rb_node", "rb_right", &c.right_off) < 0)
		return -1;
	uint64_t node = addr, root_off;
	if (!(flags & KD_WALK_NODE)) {
		if (kd_member_offset(s, "rb_root", "rb_node", &root_off) < 0)
			return -1;
		if (read_ptr(s, addr + root_off, &node) < 0)
			return fault(s, addr, "invalid tree root: %llx", (unsigned long long)addr);
	}
	u64map_init(&c.seen);
	char path[PATH_MAX_LEN] = "root";
	rb_visit(&c, node, path, 4, 0);
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}

/* ---- XArrays ---- */

static bool xa_is_internal(uint64_t e)
{
	return (e & 3) == 2;
}

#define XA_NODE_MIN 4096 /* the kernel's xa_is_node(): internal entries above it are nodes, below are values */

static bool xa_is_node(uint64_t e)
{
	return xa_is_internal(e) && e > XA_NODE_MIN;
}

#define XA_SLOTS_MAX 256
#define XA_DEPTH_MAX 16

struct xa_ctx {
	kd_session *s;
	uint64_t shift_off, slots_off, nslots, limit;
	unsigned chunk_shift; /* log2(nslots): each level's shift is the one above minus this */
	kd_walk_fn fn;
	void *arg;
	long count;
	int stop;
	struct u64map seen;
};

static void xa_iter(struct xa_ctx *c, uint64_t entry, char *path, size_t len, uint64_t base, int depth, int parent_shift)
{
	uint64_t node = entry & ~3ULL;
	if (depth > XA_DEPTH_MAX) {
		c->stop = corrupt(c->s, node, "XArray deeper than %d levels at %llx", XA_DEPTH_MAX, (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = corrupt(c->s, node, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	uint8_t shift;
	uint64_t slots[XA_SLOTS_MAX];
	if (kd_read_kv(c->s, node + c->shift_off, &shift, 1) < 0 || kd_read_kv(c->s, node + c->slots_off, slots, c->nslots * 8) < 0) {
		c->stop = fault(c->s, node, "invalid XArray node: %llx", (unsigned long long)node);
		return;
	}
	/* A node's shift is its parent's less one level; the top's a whole number of levels below 64. */
	if (parent_shift >= 0 ? shift + c->chunk_shift != (unsigned)parent_shift
			      : shift >= 64 || shift % c->chunk_shift != 0) {
		c->stop = corrupt(c->s, node, "XArray node %llx: shift %u out of range", (unsigned long long)node, shift);
		return;
	}
	for (uint64_t off = 0; off < c->nslots && !c->stop; off++) {
		uint64_t slot = slots[off];
		if (!slot)
			continue;
		uint64_t index = base | (off << shift);
		if (shift && xa_is_node(slot)) {
			int n = snprintf(path + len, PATH_MAX_LEN - len, "/%llu", (unsigned long long)off);
			if (n > 0 && len + (size_t)n < PATH_MAX_LEN)
				xa_iter(c, slot, path, len + (size_t)n, index, depth + 1, shift);
			path[len] = '\0';
			continue;
		}
		if (xa_is_internal(slot))
			continue; /* sibling and retry entries */
		if ((uint64_t)c->count >= c->limit) {
			c->stop = corrupt(c->s, node, "tree has more than %llu entries", (unsigned long long)c->limit);
			return;
		}
		c->count++;
		struct kd_walk_pos pos = {path, index, 0, 0};
		c->stop = visit(c->s, c->fn, slot, &pos, c->arg);
	}
}

long kd_walk_xarray(kd_session *s, uint64_t addr, unsigned flags, kd_walk_fn fn, void *arg)
{
	struct xa_ctx c = {.s = s, .fn = fn, .arg = arg, .limit = limit_of(s)};
	uint64_t head = addr, head_off;
	if (!(flags & KD_WALK_NODE)) {
		if (kd_member_offset(s, "xarray", "xa_head", &head_off) < 0)
			return -1;
		if (read_ptr(s, addr + head_off, &head) < 0)
			return fault(s, addr, "invalid XArray: %llx", (unsigned long long)addr);
	}
	if (!head)
		return 0;
	if (!xa_is_node(head)) {
		struct kd_walk_pos pos = {"direct", 0, 0, 0};
		int v = xa_is_internal(head) ? 0 : visit(s, fn, head, &pos, arg);
		return v < 0 ? -1 : !xa_is_internal(head);
	}
	struct kd_member_info slots;
	if (kd_member_offset(s, "xa_node", "shift", &c.shift_off) < 0 ||
	    kd_member_info(s, "xa_node", "slots", &slots) < 0)
		return -1;
	c.slots_off = slots.offset;
	c.nslots = slots.size / 8;
	while ((1ULL << c.chunk_shift) < c.nslots)
		c.chunk_shift++;
	if (c.nslots < 2 || c.nslots > XA_SLOTS_MAX || (1ULL << c.chunk_shift) != c.nslots)
		return corrupt(s, 0, "xa_node has %llu slots: not an XArray node", (unsigned long long)c.nslots);
	u64map_init(&c.seen);
	char path[PATH_MAX_LEN] = "root";
	xa_iter(&c, head, path, 4, 0, 0, -1);
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}

/* ---- IDRs: an XArray whose indexes count from idr_base ---- */

struct idr_ctx {
	kd_walk_fn fn;
	void *arg;
	uint64_t base;
};

static int idr_entry(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct idr_ctx *c = arg;
	struct kd_walk_pos p = *pos;
	p.index += c->base;
	return c->fn(s, entry, &p, c->arg);
}

long kd_walk_idr(kd_session *s, uint64_t addr, kd_walk_fn fn, void *arg)
{
	uint64_t rt_off, base_off = kd_member_offset_opt(s, "idr", "idr_base"), base = 0;
	if (kd_member_offset(s, "idr", "idr_rt", &rt_off) < 0)
		return -1;
	if (base_off != UINT64_MAX && kd_read_int(s, addr + base_off, 4, &base) < 0)
		return fault(s, addr + base_off, "invalid IDR: %llx", (unsigned long long)addr);
	struct idr_ctx c = {fn, arg, base};
	return kd_walk_xarray(s, addr + rt_off, 0, idr_entry, &c);
}

/* ---- maple trees (as crash's maple_tree.c walks them) ---- */

enum { maple_dense, maple_leaf_64, maple_range_64, maple_arange_64 };
#define MAPLE_NODE_MASK 255ULL
#define MT_FLAGS_HEIGHT_OFFSET 0x02
#define MT_FLAGS_HEIGHT_MASK 0x7C
#define MAPLE_NODE_TYPE_MASK 0x0F
#define MAPLE_NODE_TYPE_SHIFT 0x03
#define MAPLE_RESERVED_RANGE 4096
#define MAPLE_DEPTH_MAX 32
#define MAPLE_NODE_MAX 512
#define XA_ZERO_ENTRY ((257ULL << 2) | 2)

struct mt_ctx {
	kd_session *s;
	bool verbose;
	kd_walk_fn fn;
	void *arg;
	uint64_t node_size, parent_off, ma64_off, mr64_off, slot_off;
	uint64_t a_pivot, a_slot, a_gap, a_meta, r_pivot, r_slot, meta_end, meta_gap;
	uint8_t slots[4];   /* mt_slots[] from the dump, checked against the node's arrays */
	uint64_t max[4];
	uint64_t global_index, limit;
	long count;
	int stop;
	struct u64map seen;
};

static uint64_t u64_at(const uint8_t *buf, uint64_t off)
{
	uint64_t v;
	memcpy(&v, buf + off, 8);
	return v;
}

static void print_p(kd_session *s, uint64_t v)
{
	if (v)
		kd_printf(s, "0x%llx", (unsigned long long)v);
	else
		kd_printf(s, "(nil)");
}

static void mt_range(kd_session *s, uint64_t min, uint64_t max, unsigned depth)
{
	static const char spaces[] = "                                ";
	int n = (int)MIN(depth * 2, sizeof(spaces) - 1);
	if (min == max)
		kd_printf(s, "%.*s%llu: ", n, spaces, (unsigned long long)min);
	else
		kd_printf(s, "%.*s%llu-%llu: ", n, spaces, (unsigned long long)min, (unsigned long long)max);
}

static void mt_node(struct mt_ctx *c, uint64_t entry, uint64_t min, uint64_t max, unsigned depth, char *path);

static void mt_entry(struct mt_ctx *c, uint64_t entry, uint64_t min, uint64_t max, unsigned depth, unsigned index,
		     const char *path)
{
	if (c->stop)
		return;
	if (c->verbose) {
		mt_range(c->s, min, max, depth);
		if (entry & 1)
			kd_printf(c->s, "value %lld (0x%llx) [0x%llx]\n", (long long)(entry >> 1), (unsigned long long)(entry >> 1),
				  (unsigned long long)entry);
		else if (entry == XA_ZERO_ENTRY)
			kd_printf(c->s, "zero (%lld)\n", (long long)(entry >> 2));
		else if (entry < MAPLE_RESERVED_RANGE && xa_is_internal(entry))
			kd_printf(c->s, "UNKNOWN ENTRY (0x%llx)\n", (unsigned long long)entry);
		else
			kd_printf(c->s, "0x%llx\n", (unsigned long long)entry);
	}
	if (!entry)
		return;
	if ((uint64_t)c->count >= c->limit) {
		c->stop = corrupt(c->s, entry, "maple tree has more than %llu entries: not following it further",
				  (unsigned long long)c->limit);
		return;
	}
	c->count++;
	char full[PATH_MAX_LEN + 16];
	snprintf(full, sizeof(full), "%s/%u", path, index);
	struct kd_walk_pos pos = {full, ++c->global_index, min, max};
	c->stop = visit(c->s, c->fn, entry, &pos, c->arg);
}

static void mt_ranges(struct mt_ctx *c, uint64_t node, unsigned type, uint64_t min, uint64_t max, unsigned depth,
		      char *path, const uint8_t *buf, bool arange)
{
	bool leaf = type < maple_range_64;
	unsigned nslots = c->slots[arange ? maple_arange_64 : maple_range_64];
	uint64_t pivot = arange ? c->a_pivot : c->r_pivot, slot = arange ? c->a_slot : c->r_slot;
	size_t len = strlen(path);
	if (c->verbose) {
		kd_printf(c->s, " contents: ");
		if (arange) {
			for (unsigned i = 0; i < nslots; i++)
				kd_printf(c->s, "%llu ", (unsigned long long)u64_at(buf, c->a_gap + 8 * i));
			kd_printf(c->s, "| %02X %02X| ", buf[c->a_meta + c->meta_end], buf[c->a_meta + c->meta_gap]);
		}
		unsigned i;
		for (i = 0; i + 1 < nslots; i++) {
			print_p(c->s, u64_at(buf, slot + 8 * i));
			kd_printf(c->s, " %llu ", (unsigned long long)u64_at(buf, pivot + 8 * i));
		}
		print_p(c->s, u64_at(buf, slot + 8 * i));
		kd_printf(c->s, "\n");
	}
	/* An allocation range node keeps the number of its last slot in its metadata: one past
	 * the node's slots is no node the kernel writes (a range node's metadata shares its
	 * last slot, so only an arange node's can be checked). */
	if (arange && buf[c->a_meta + c->meta_end] >= nslots) {
		c->stop = corrupt(c->s, node, "maple node %llx: metadata end %u, but the node has %u slots",
				  (unsigned long long)node, buf[c->a_meta + c->meta_end], nslots);
		return;
	}
	uint64_t first = min, last;
	for (unsigned i = 0; i < nslots && !c->stop; i++) {
		last = max;
		uint64_t sl = u64_at(buf, slot + 8 * i);
		if (i + 1 < nslots)
			last = u64_at(buf, pivot + 8 * i);
		else if (!sl && (arange || max != c->max[type]))
			break;
		if (last == 0 && i > 0)
			break;
		/* pivots ascend: one below the slot's first index makes a range that cannot be */
		if (last < first) {
			c->stop = corrupt(c->s, node, "maple node %llx: pivot %u is %#llx, below the slot's first index %#llx",
					  (unsigned long long)node, i, (unsigned long long)last, (unsigned long long)first);
			return;
		}
		if (leaf)
			mt_entry(c, sl, first, last, depth + 1, i, path);
		else if (sl) {
			snprintf(path + len, PATH_MAX_LEN - len, "/%u", i);
			mt_node(c, sl, first, last, depth + 1, path);
			path[len] = '\0';
		}
		if (last == max)
			break;
		if (last > max) {
			if (c->verbose)
				kd_printf(c->s, "node 0x%llx last (%llu) > max (%llu) at pivot %u!\n", (unsigned long long)node,
					  (unsigned long long)last, (unsigned long long)max, i);
			break;
		}
		first = last + 1;
	}
}

static void mt_node(struct mt_ctx *c, uint64_t entry, uint64_t min, uint64_t max, unsigned depth, char *path)
{
	if (c->stop)
		return;
	uint64_t node = entry & ~MAPLE_NODE_MASK;
	unsigned type = (entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
	uint8_t buf[MAPLE_NODE_MAX];
	if (depth > MAPLE_DEPTH_MAX) {
		c->stop = corrupt(c->s, node, "maple tree deeper than %d levels at %llx", MAPLE_DEPTH_MAX, (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = corrupt(c->s, node, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	if (kd_read_kv(c->s, node, buf, c->node_size) < 0) {
		c->stop = fault(c->s, node, "invalid maple node: %llx", (unsigned long long)node);
		return;
	}
	if (c->verbose) {
		mt_range(c->s, min, max, depth);
		kd_printf(c->s, "node 0x%llx depth %u type %u parent ", (unsigned long long)node, depth, type);
		print_p(c->s, node ? u64_at(buf, c->parent_off) : 0);
	}
	switch (type) {
	case maple_dense:
		for (unsigned i = 0; i < c->slots[maple_dense] && !c->stop; i++) {
			if (min + i > max && c->verbose)
				kd_printf(c->s, "OUT OF RANGE: ");
			mt_entry(c, u64_at(buf, c->slot_off + 8 * i), min + i, min + i, depth, i, path);
		}
		break;
	case maple_leaf_64:
	case maple_range_64: mt_ranges(c, node, type, min, max, depth, path, buf + c->mr64_off, false); break;
	case maple_arange_64: mt_ranges(c, node, type, min, max, depth, path, buf + c->ma64_off, true); break;
	default:
		if (c->verbose)
			kd_printf(c->s, " UNKNOWN TYPE\n");
		c->stop = corrupt(c->s, node, "maple node %llx: unknown type %u", (unsigned long long)node, type);
		break;
	}
}

/* The capacity of an array member (of 8-byte elements), and its end within the node. */
static int mt_array(kd_session *s, const char *type, const char *member, uint64_t base, uint64_t node_size,
		    uint64_t *off, uint64_t *nelem)
{
	struct kd_member_info m;
	if (kd_member_info(s, type, member, &m) < 0)
		return -1;
	*off = m.offset;
	*nelem = m.size / 8;
	if (base + m.offset + m.size > node_size)
		return corrupt(s, 0, "%s.%s lies outside maple_node", type, member);
	return 0;
}

static int mt_layout(kd_session *s, struct mt_ctx *c, uint64_t caps[4])
{
	uint64_t a_meta_off, nd, r_slots, r_pivots, a_slots, a_pivots, a_gaps, meta_size;
	c->node_size = kd_type_size_opt(s, "maple_node");
	if (c->node_size == UINT64_MAX || c->node_size > MAPLE_NODE_MAX)
		return kd_fail(s, "maple_node is missing or larger than %d bytes", MAPLE_NODE_MAX);
	if (kd_member_offset(s, "maple_node", "parent", &c->parent_off) < 0 ||
	    kd_member_offset(s, "maple_node", "ma64", &c->ma64_off) < 0 ||
	    kd_member_offset(s, "maple_node", "mr64", &c->mr64_off) < 0 ||
	    mt_array(s, "maple_node", "slot", 0, c->node_size, &c->slot_off, &nd) < 0 ||
	    mt_array(s, "maple_range_64", "pivot", c->mr64_off, c->node_size, &c->r_pivot, &r_pivots) < 0 ||
	    mt_array(s, "maple_range_64", "slot", c->mr64_off, c->node_size, &c->r_slot, &r_slots) < 0 ||
	    mt_array(s, "maple_arange_64", "pivot", c->ma64_off, c->node_size, &c->a_pivot, &a_pivots) < 0 ||
	    mt_array(s, "maple_arange_64", "slot", c->ma64_off, c->node_size, &c->a_slot, &a_slots) < 0 ||
	    mt_array(s, "maple_arange_64", "gap", c->ma64_off, c->node_size, &c->a_gap, &a_gaps) < 0 ||
	    kd_member_offset(s, "maple_arange_64", "meta", &a_meta_off) < 0 ||
	    kd_member_offset(s, "maple_metadata", "end", &c->meta_end) < 0 ||
	    kd_member_offset(s, "maple_metadata", "gap", &c->meta_gap) < 0)
		return -1;
	meta_size = kd_type_size_opt(s, "maple_metadata");
	if (meta_size == UINT64_MAX || c->ma64_off + a_meta_off + meta_size > c->node_size || c->meta_end >= meta_size ||
	    c->meta_gap >= meta_size)
		return corrupt(s, 0, "maple_arange_64.meta lies outside maple_node");
	c->a_meta = a_meta_off;
	/* The most slots each node type has room for; a range node has one pivot fewer than slots. */
	caps[maple_dense] = nd;
	caps[maple_leaf_64] = caps[maple_range_64] = MIN(r_slots, r_pivots + 1);
	caps[maple_arange_64] = MIN(MIN(a_slots, a_pivots + 1), a_gaps);
	return 0;
}

long kd_walk_maple(kd_session *s, uint64_t addr, unsigned flags, kd_walk_fn fn, void *arg)
{
	struct mt_ctx c = {.s = s, .verbose = (flags & KD_WALK_VERBOSE) != 0, .fn = fn, .arg = arg, .limit = limit_of(s)};
	uint64_t root_off, flags_off, caps[4];
	if (mt_layout(s, &c, caps) < 0 || kd_member_offset(s, "maple_tree", "ma_root", &root_off) < 0 ||
	    kd_member_offset(s, "maple_tree", "ma_flags", &flags_off) < 0)
		return kd_fail(s, "maple trees do not exist or have changed their format (%s)", s->err.msg);
	uint64_t slots_addr;
	if (kd_symbol_addr(s, "mt_slots", &slots_addr) < 0)
		return -1;
	if (kd_read_kv(s, slots_addr, c.slots, 4) < 0)
		return fault(s, slots_addr, "Cannot access memory at address 0x%llx", (unsigned long long)slots_addr);
	/* mt_slots[] comes from the dump: each count must fit the arrays of its node type. */
	for (unsigned t = 0; t < 4; t++)
		if (!c.slots[t] || c.slots[t] > caps[t])
			return corrupt(s, slots_addr + t, "mt_slots[%u] is %u: a node of that type has room for %llu", t,
				       c.slots[t], (unsigned long long)caps[t]);
	c.max[maple_dense] = c.slots[maple_dense];
	c.max[maple_leaf_64] = c.max[maple_range_64] = c.max[maple_arange_64] = UINT64_MAX;
	u64map_init(&c.seen);
	char path[PATH_MAX_LEN] = "";
	if (flags & KD_WALK_NODE) {
		strcpy(path, "direct");
		mt_node(&c, addr, 0, c.max[(addr >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK & 3], 0, path);
	} else {
		uint64_t entry;
		uint32_t mt_flags;
		uint64_t bad = addr + root_off;
		bool ok = read_ptr(s, bad, &entry) == 0 && kd_read_kv(s, bad = addr + flags_off, &mt_flags, 4) == 0;
		if (!ok) {
			u64map_free(&c.seen);
			return fault(s, bad, "Cannot access memory at address 0x%llx", (unsigned long long)bad);
		}
		if (c.verbose)
			kd_printf(s, "maple_tree(%llx) flags %X, height %u root 0x%llx\n\n", (unsigned long long)addr, mt_flags,
				  (mt_flags & MT_FLAGS_HEIGHT_MASK) >> MT_FLAGS_HEIGHT_OFFSET, (unsigned long long)entry);
		if (!xa_is_node(entry))
			mt_entry(&c, entry, 0, 0, 0, 0, path);
		else {
			strcpy(path, "root");
			mt_node(&c, entry, 0, c.max[(entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK & 3], 0, path);
		}
	}
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}

/* ---- per-CPU addresses ---- */

long kd_walk_percpu(kd_session *s, uint64_t addr, kd_walk_fn fn, void *arg)
{
	if (s->ki.nr_cpus <= 0 || !s->ki.per_cpu_offset)
		return kd_err_set(&s->err, KD_ENOTFOUND, "the per-CPU offsets are not known");
	long n = 0;
	for (int cpu = 0; cpu < s->ki.nr_cpus; cpu++) {
		struct kd_walk_pos pos = {NULL, (uint64_t)cpu, 0, 0};
		int v = visit(s, fn, addr + s->ki.per_cpu_offset[cpu], &pos, arg);
		if (v)
			return v < 0 ? -1 : n;
		n++;
	}
	return n;
}

/* ---- tasks and threads ---- */

long kd_walk_tasks(kd_session *s, kd_walk_fn fn, void *arg)
{
	__auto_type tt = kd_tasks_get(s); /* the task table's public view */
	if (!tt)
		return -1;
	long n = 0;
	for (size_t i = 0; i < tt->len; i++) {
		struct kd_walk_pos pos = {NULL, (uint64_t)(int64_t)tt->tasks[i].pid, 0, 0};
		int v = visit(s, fn, tt->tasks[i].task, &pos, arg);
		if (v)
			return v < 0 ? -1 : n;
		n++;
	}
	return n;
}

static long visit_one(kd_session *s, uint64_t task, kd_walk_fn fn, void *arg)
{
	struct kd_walk_pos pos = {NULL, 0, 0, 0};
	int v = visit(s, fn, task, &pos, arg);
	return v < 0 ? -1 : 1;
}

long kd_walk_threads(kd_session *s, uint64_t task, kd_walk_fn fn, void *arg)
{
	uint64_t head_off = kd_member_offset_opt(s, "signal_struct", "thread_head"), node_off, sig = 0, head;
	long n = 0;
	if (head_off != UINT64_MAX) {
		/* 6.7+: every thread, the leader too, on signal->thread_head through its thread_node */
		if (kd_member_offset(s, "task_struct", "thread_node", &node_off) < 0)
			return -1;
		if (kd_read_member_ptr(s, task, "task_struct", "signal", &sig) < 0 || !sig) {
			kd_err_clear(&s->err);
			return visit_one(s, task, fn, arg); /* a dead task whose signal_struct is gone: a group of one */
		}
		head = sig + head_off;
	} else {
		/* before 6.7: a ring of thread_group list_heads through every thread, without a head of its own */
		if (kd_member_offset(s, "task_struct", "thread_group", &node_off) < 0)
			return -1;
		head = task + node_off;
		struct kd_walk_pos pos = {NULL, 0, 0, 0};
		int v = visit(s, fn, task, &pos, arg);
		if (v)
			return v < 0 ? -1 : 1;
		n = 1;
	}
	long m = list_both(s, head, node_off, fn, arg);
	if (m < 0 && s->err.addr == head && s->err.code != KD_EFORMAT) {
		kd_err_clear(&s->err); /* the list itself is unreadable: no other thread is known */
		m = 0;
	}
	if (m < 0)
		return -1;
	if (!n && !m)
		return visit_one(s, task, fn, arg); /* an emptied thread list */
	return n + m;
}

/* ---- walkers by name ---- */

static long by_list(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_list(s, a, 0, 0, fn, arg); }
static long by_list_rev(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_list(s, a, 0, KD_WALK_REVERSE, fn, arg); }
static long by_hlist(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_hlist(s, a, 0, 0, fn, arg); }
static long by_rbtree(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_rbtree(s, a, 0, KD_WALK_INORDER, fn, arg); }
static long by_xarray(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_xarray(s, a, 0, fn, arg); }
static long by_maple(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { return kd_walk_maple(s, a, 0, fn, arg); }
static long by_tasks(kd_session *s, uint64_t a, kd_walk_fn fn, void *arg) { (void)a; return kd_walk_tasks(s, fn, arg); }

static const char *const walker_names[] = {"list", "list-reverse", "hlist", "rbtree", "xarray", "maple",
					   "idr",  "percpu",       "tasks", "threads", NULL};
static long (*const walker_fns[])(kd_session *, uint64_t, kd_walk_fn, void *) = {
	by_list, by_list_rev, by_hlist, by_rbtree, by_xarray, by_maple, kd_walk_idr, kd_walk_percpu, by_tasks, kd_walk_threads,
};

long kd_walk(kd_session *s, const char *walker, uint64_t addr, kd_walk_fn fn, void *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(walker_fns); i++)
		if (!strcmp(walker_names[i], walker))
			return walker_fns[i](s, addr, fn, arg);
	return kd_err_set(&s->err, KD_ENOTFOUND, "no walker named %s", walker);
}

const char *const *kd_walker_names(void)
{
	return walker_names;
}
