/* Lists, red-black trees, XArrays and maple trees (see walk.h). */
#include "linux/walk.h"

#include <stdio.h>
#include <string.h>

#include "lang/c_expr.h"
#include "linux/kernel.h"
#include "debuginfo/types.h"

static int read_ptr(kd_session *s, uint64_t addr, uint64_t *val)
{
	return kd_cexpr_read(s, addr, val, 8);
}

/* ---- lists ---- */

long walk_list(kd_session *s, const struct list_walk *w, walk_visit fn, void *arg)
{
	uint64_t next = w->start, first, last;
	if (read_ptr(s, next + w->next_offset, &first) < 0)
		return kd_fail(s, "invalid list entry: %llx", (unsigned long long)next);
	struct u64map seen;
	u64map_init(&seen);
	long count = 0;
	int rc = 0;
	for (;;) {
		uint64_t entry = next - w->entry_offset;
		int v = fn(s, entry, NULL, arg);
		if (v != 0) {
			rc = v < 0 ? -1 : 0;
			break;
		}
		if (u64map_has(&seen, entry)) {
			rc = kd_fail(s, "duplicate list entry: %llx", (unsigned long long)next);
			break;
		}
		u64map_put(&seen, entry, (void *)1);
		count++;
		if (count >= LIST_WALK_MAX) {
			rc = kd_fail(s, "list has more than %d entries: not following it further", LIST_WALK_MAX);
			break;
		}
		last = next;
		if (read_ptr(s, next + w->next_offset, &next) < 0) {
			rc = kd_fail(s, "invalid list entry: %llx", (unsigned long long)next);
			break;
		}
		if (next == 0 && w->null_is_error) {
			rc = kd_fail(s, "invalid list entry: 0");
			break;
		}
		if (next == 0 || (w->end && next == w->end) || next == w->start || next == last ||
		    (next == first && count != 1))
			break;
	}
	u64map_free(&seen);
	return rc < 0 ? -1 : count;
}

long walk_list_head(kd_session *s, uint64_t head, uint64_t entry_offset, bool reverse, walk_visit fn, void *arg)
{
	uint64_t start;
	if (read_ptr(s, head + (reverse ? 8 : 0), &start) < 0)
		return -1;
	if (start == head)
		return 0;
	struct list_walk w = {start, reverse ? 8 : 0, entry_offset, head, true};
	return walk_list(s, &w, fn, arg);
}

/* ---- red-black trees ---- */

struct rb_ctx {
	kd_session *s;
	uint64_t left_off, right_off;
	bool inorder;
	walk_visit fn;
	void *arg;
	struct u64map seen;
	long count;
	int stop; /* 1: stop quietly, -1: error */
};

static void rb_visit(struct rb_ctx *c, uint64_t node, char *path, size_t len, int depth)
{
	if (!node || c->stop)
		return;
	if (depth > 256) {
		c->stop = kd_fail(c->s, "red-black tree deeper than 256 levels at %llx: not following it further",
				  (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = kd_fail(c->s, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	if (++c->count >= LIST_WALK_MAX) {
		c->stop = kd_fail(c->s, "tree has more than %d entries: not following it further", LIST_WALK_MAX);
		return;
	}
	uint64_t left, right;
	struct walk_pos pos = {path, 0, 0, 0};
	if (!c->inorder) {
		int v = c->fn(c->s, node, &pos, c->arg);
		if (v) {
			c->stop = v;
			return;
		}
	}
	if (read_ptr(c->s, node + c->left_off, &left) < 0 || read_ptr(c->s, node + c->right_off, &right) < 0) {
		c->stop = kd_fail(c->s, "invalid tree node: %llx", (unsigned long long)node);
		return;
	}
	if (len + 3 < 1024) {
		strcpy(path + len, "/l");
		rb_visit(c, left, path, len + 2, depth + 1);
		path[len] = '\0';
	}
	if (c->inorder && !c->stop) {
		int v = c->fn(c->s, node, &pos, c->arg);
		if (v) {
			c->stop = v;
			return;
		}
	}
	if (len + 3 < 1024 && !c->stop) {
		strcpy(path + len, "/r");
		rb_visit(c, right, path, len + 2, depth + 1);
		path[len] = '\0';
	}
}

long walk_rbtree(kd_session *s, uint64_t node, bool inorder, walk_visit fn, void *arg)
{
	struct rb_ctx c = {.s = s, .inorder = inorder, .fn = fn, .arg = arg};
	if (member_off(s, "rb_node", "rb_left", &c.left_off) < 0 || member_off(s, "rb_node", "rb_right", &c.right_off) < 0)
		return -1;
	u64map_init(&c.seen);
	char path[1024] = "root";
	rb_visit(&c, node, path, 4, 0);
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}

/* ---- XArrays ---- */

static bool xa_is_internal(uint64_t e)
{
	return (e & 3) == 2;
}

static bool xa_is_node(uint64_t e)
{
	return xa_is_internal(e) && e > 4096;
}

struct xa_ctx {
	kd_session *s;
	uint64_t shift_off, slots_off, nslots;
	walk_visit fn;
	void *arg;
	long count;
	int stop;
	struct u64map seen;
};

static void xa_iter(struct xa_ctx *c, uint64_t entry, char *path, size_t len, uint64_t base, int depth)
{
	uint64_t node = entry & ~3ULL;
	if (depth > 16) {
		c->stop = kd_fail(c->s, "XArray deeper than 16 levels at %llx", (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = kd_fail(c->s, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	uint8_t shift;
	uint64_t slots[256];
	if (c->nslots > 256 || kd_cexpr_read(c->s, node + c->shift_off, &shift, 1) < 0 ||
	    kd_cexpr_read(c->s, node + c->slots_off, slots, c->nslots * 8) < 0) {
		c->stop = kd_fail(c->s, "invalid XArray node: %llx", (unsigned long long)node);
		return;
	}
	for (uint64_t off = 0; off < c->nslots && !c->stop; off++) {
		uint64_t slot = slots[off];
		if (!slot)
			continue;
		uint64_t index = base | (shift < 64 ? off << shift : 0);
		if (shift && xa_is_node(slot)) {
			int n = snprintf(path + len, 1024 - len, "/%llu", (unsigned long long)off);
			if (n > 0 && len + (size_t)n < 1024)
				xa_iter(c, slot, path, len + (size_t)n, index, depth + 1);
			path[len] = '\0';
			continue;
		}
		if (xa_is_internal(slot))
			continue; /* sibling and retry entries */
		if (++c->count >= LIST_WALK_MAX) {
			c->stop = kd_fail(c->s, "tree has more than %d entries", LIST_WALK_MAX);
			return;
		}
		struct walk_pos pos = {path, index, 0, 0};
		int v = c->fn(c->s, slot, &pos, c->arg);
		if (v)
			c->stop = v;
	}
}

long walk_xarray(kd_session *s, uint64_t head, walk_visit fn, void *arg)
{
	struct xa_ctx c = {.s = s, .fn = fn, .arg = arg};
	if (!head)
		return 0;
	char path[1024] = "root";
	if (!xa_is_node(head)) {
		struct walk_pos pos = {"direct", 0, 0, 0};
		int v = xa_is_internal(head) ? 0 : fn(s, head, &pos, arg);
		return v < 0 ? -1 : 1;
	}
	uint64_t slots_size;
	if (member_off(s, "xa_node", "shift", &c.shift_off) < 0 || member_off(s, "xa_node", "slots", &c.slots_off) < 0)
		return -1;
	struct ctype *nt = ctype_lookup(s, "struct xa_node");
	uint64_t bp;
	const struct cmember *m = nt ? ctype_member(s, nt, "slots", &bp) : NULL;
	struct ctype *at = m ? ctype_resolve(s, m->type) : NULL;
	slots_size = at && at->kind == CT_ARRAY ? at->nelem : 64;
	c.nslots = slots_size;
	u64map_init(&c.seen);
	xa_iter(&c, head, path, 4, 0, 0);
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}

/* ---- maple trees (as crash's maple_tree.c walks them) ---- */

enum { maple_dense, maple_leaf_64, maple_range_64, maple_arange_64 };
#define MAPLE_NODE_MASK 255ULL
#define MT_FLAGS_HEIGHT_OFFSET 0x02
#define MT_FLAGS_HEIGHT_MASK 0x7C
#define MAPLE_NODE_TYPE_MASK 0x0F
#define MAPLE_NODE_TYPE_SHIFT 0x03
#define MAPLE_RESERVED_RANGE 4096
#define XA_ZERO_ENTRY ((257ULL << 2) | 2)

struct mt_ctx {
	kd_session *s;
	bool verbose;
	walk_visit fn;
	void *arg;
	uint64_t node_size, parent_off, ma64_off, mr64_off, slot_off;
	uint64_t a_pivot, a_slot, a_gap, a_meta, r_pivot, r_slot, meta_end, meta_gap;
	uint8_t slots[4], pivots[4];
	uint64_t max[4];
	uint64_t global_index;
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
	c->count++;
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
	char full[1100];
	snprintf(full, sizeof(full), "%s/%u", path, index);
	struct walk_pos pos = {full, ++c->global_index, min, max};
	int v = c->fn(c->s, entry, &pos, c->arg);
	if (v)
		c->stop = v;
}

static void mt_ranges(struct mt_ctx *c, uint64_t entry, uint64_t min, uint64_t max, unsigned depth, char *path,
		      const uint8_t *buf, bool arange)
{
	unsigned type = (entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
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
		if (leaf)
			mt_entry(c, sl, first, last, depth + 1, i, path);
		else if (sl) {
			snprintf(path + len, 1024 - len, "/%u", i);
			mt_node(c, sl, first, last, depth + 1, path);
			path[len] = '\0';
		}
		if (last == max)
			break;
		if (last > max) {
			kd_printf(c->s, "node %p last (%llu) > max (%llu) at pivot %u!\n", (void *)buf, (unsigned long long)last,
				  (unsigned long long)max, i);
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
	uint8_t buf[512];
	if (depth > 32) {
		c->stop = kd_fail(c->s, "maple tree deeper than 32 levels at %llx", (unsigned long long)node);
		return;
	}
	if (u64map_has(&c->seen, node)) {
		c->stop = kd_fail(c->s, "duplicate tree entry: %llx", (unsigned long long)node);
		return;
	}
	u64map_put(&c->seen, node, (void *)1);
	if (kd_cexpr_read(c->s, node, buf, c->node_size) < 0) {
		c->stop = kd_fail(c->s, "invalid maple node: %llx", (unsigned long long)node);
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
			if (min + i > max)
				kd_printf(c->s, "OUT OF RANGE: ");
			mt_entry(c, u64_at(buf, c->slot_off + 8 * i), min + i, min + i, depth, i, path);
		}
		break;
	case maple_leaf_64:
	case maple_range_64: mt_ranges(c, entry, min, max, depth, path, buf + c->mr64_off, false); break;
	case maple_arange_64: mt_ranges(c, entry, min, max, depth, path, buf + c->ma64_off, true); break;
	default: kd_printf(c->s, " UNKNOWN TYPE\n"); break;
	}
}

long walk_maple(kd_session *s, uint64_t addr, bool is_root, bool verbose, walk_visit fn, void *arg)
{
	struct mt_ctx c = {.s = s, .verbose = verbose, .fn = fn, .arg = arg};
	uint64_t root_off, flags_off, a_meta_off;
	c.node_size = type_size_opt(s, "maple_node");
	if (c.node_size == UINT64_MAX || c.node_size > 512 || member_off(s, "maple_tree", "ma_root", &root_off) < 0 ||
	    member_off(s, "maple_tree", "ma_flags", &flags_off) < 0 || member_off(s, "maple_node", "parent", &c.parent_off) < 0 ||
	    member_off(s, "maple_node", "ma64", &c.ma64_off) < 0 || member_off(s, "maple_node", "mr64", &c.mr64_off) < 0 ||
	    member_off(s, "maple_node", "slot", &c.slot_off) < 0 ||
	    member_off(s, "maple_arange_64", "pivot", &c.a_pivot) < 0 ||
	    member_off(s, "maple_arange_64", "slot", &c.a_slot) < 0 || member_off(s, "maple_arange_64", "gap", &c.a_gap) < 0 ||
	    member_off(s, "maple_arange_64", "meta", &a_meta_off) < 0 ||
	    member_off(s, "maple_range_64", "pivot", &c.r_pivot) < 0 || member_off(s, "maple_range_64", "slot", &c.r_slot) < 0 ||
	    member_off(s, "maple_metadata", "end", &c.meta_end) < 0 || member_off(s, "maple_metadata", "gap", &c.meta_gap) < 0)
		return kd_fail(s, "maple trees do not exist or have changed their format (%s)", s->err.msg);
	c.a_meta = a_meta_off;
	uint64_t slots_addr, pivots_addr;
	if (kd_symbol_addr(s, "mt_slots", &slots_addr) < 0 || kd_cexpr_read(s, slots_addr, c.slots, 4) < 0 ||
	    kd_symbol_addr(s, "mt_pivots", &pivots_addr) < 0 || kd_cexpr_read(s, pivots_addr, c.pivots, 4) < 0)
		return -1;
	c.max[maple_dense] = c.slots[maple_dense];
	c.max[maple_leaf_64] = c.max[maple_range_64] = c.max[maple_arange_64] = UINT64_MAX;
	u64map_init(&c.seen);
	char path[1024] = "";
	if (!is_root) {
		strcpy(path, "direct");
		mt_node(&c, addr, 0, c.max[(addr >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK & 3], 0, path);
	} else {
		uint64_t entry;
		uint32_t flags;
		if (read_ptr(s, addr + root_off, &entry) < 0 || kd_cexpr_read(s, addr + flags_off, &flags, 4) < 0) {
			u64map_free(&c.seen);
			return -1;
		}
		if (verbose)
			kd_printf(s, "maple_tree(%llx) flags %X, height %u root 0x%llx\n\n", (unsigned long long)addr, flags,
				  (flags & MT_FLAGS_HEIGHT_MASK) >> MT_FLAGS_HEIGHT_OFFSET, (unsigned long long)entry);
		if (!xa_is_node(entry))
			mt_entry(&c, entry, 0, 0, 0, 0, path);
		else if (entry) {
			strcpy(path, "root");
			mt_node(&c, entry, 0, c.max[(entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK & 3], 0, path);
		}
	}
	u64map_free(&c.seen);
	return c.stop < 0 ? -1 : c.count;
}
