#include "linux/maple.h"

#include "linux/kernel.h"
#include "debuginfo/types.h"

#define MAPLE_DEPTH_MAX 32
#define MAPLE_NODE_TYPE_SHIFT 3
#define MAPLE_NODE_TYPE_MASK 0x0f
#define MAPLE_NODE_MASK 0xffULL
enum { MAPLE_DENSE, MAPLE_LEAF_64, MAPLE_RANGE_64, MAPLE_ARANGE_64 };

struct maple_layout {
	uint64_t r64_pivot, r64_slot, r64_nslots; /* maple_range_64 (leaf and internal) */
	uint64_t a64_pivot, a64_slot, a64_nslots; /* maple_arange_64 (internal, with gaps) */
	uint64_t node_size;
};

struct maple_walk {
	struct maple_layout l;
	int (*fn)(kd_session *, uint64_t, uint64_t, uint64_t, void *);
	void *arg;
	uint64_t count;
};

/* The root pointer is tagged like an XArray node (low bits 10); children in internal slots are not. */
static bool root_is_node(uint64_t entry)
{
	return (entry & 3) == 2 && entry > 4096;
}

static bool child_is_node(uint64_t entry)
{
	unsigned type = (unsigned)((entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK);
	return (entry & ~MAPLE_NODE_MASK) > 4096 && type >= MAPLE_LEAF_64 && type <= MAPLE_ARANGE_64;
}

static int layout(kd_session *s, struct maple_layout *l)
{
	uint64_t psz = 0, ssz = 0;
	Dwarf_Die t, m;
	if (member_off(s, "maple_range_64", "pivot", &l->r64_pivot) < 0 || member_off(s, "maple_range_64", "slot", &l->r64_slot) < 0 ||
	    member_off(s, "maple_arange_64", "pivot", &l->a64_pivot) < 0 || member_off(s, "maple_arange_64", "slot", &l->a64_slot) < 0)
		return -1;
	if (type_lookup(s, "struct maple_range_64", &t) < 0 || type_member(s, &t, "slot", &psz, &m) < 0 || type_size(s, &m, &ssz) < 0)
		return -1;
	l->r64_nslots = ssz / 8;
	if (type_lookup(s, "struct maple_arange_64", &t) < 0 || type_member(s, &t, "slot", &psz, &m) < 0 || type_size(s, &m, &ssz) < 0)
		return -1;
	l->a64_nslots = ssz / 8;
	l->node_size = type_size_opt(s, "maple_node");
	if (!l->r64_nslots || l->r64_nslots > 64 || !l->a64_nslots || l->a64_nslots > 64 || l->node_size > 1024)
		return kd_fail(s, "unexpected maple node layout");
	return 0;
}

static int walk_node(kd_session *s, struct maple_walk *w, uint64_t enc, uint64_t min, uint64_t max, int depth)
{
	if (depth > MAPLE_DEPTH_MAX)
		return kd_fail(s, "maple tree deeper than %d levels: corrupt", MAPLE_DEPTH_MAX);
	uint64_t node = enc & ~MAPLE_NODE_MASK;
	unsigned type = (unsigned)((enc >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK);
	uint8_t buf[1024];
	if (kd_read_kv(s, node, buf, w->l.node_size) < 0)
		return -1;
	uint64_t pivot_off, slot_off, nslots;
	bool leaf = false;
	switch (type) {
	case MAPLE_LEAF_64: leaf = true; /* fall through */
	case MAPLE_RANGE_64: pivot_off = w->l.r64_pivot; slot_off = w->l.r64_slot; nslots = w->l.r64_nslots; break;
	case MAPLE_ARANGE_64: pivot_off = w->l.a64_pivot; slot_off = w->l.a64_slot; nslots = w->l.a64_nslots; break;
	default: return kd_fail(s, "maple node %llx: type %u is not supported", (unsigned long long)node, type);
	}
	uint64_t lo = min;
	for (uint64_t i = 0; i < nslots; i++) {
		uint64_t piv = max, slot;
		if (i + 1 < nslots) {
			memcpy(&piv, buf + pivot_off + i * 8, 8);
			if (!piv && i)
				break; /* unused tail of the node */
			if (piv > max)
				piv = max;
		}
		memcpy(&slot, buf + slot_off + i * 8, 8);
		if (slot) {
			int rc;
			if (leaf) {
				if (++w->count > LIST_WALK_MAX)
					return kd_fail(s, "maple tree: runaway walk");
				rc = w->fn(s, lo, piv, slot, w->arg);
			} else {
				rc = child_is_node(slot) ? walk_node(s, w, slot, lo, piv, depth + 1)
						   : kd_fail(s, "maple node %llx: slot %llu is not a node", (unsigned long long)node,
							     (unsigned long long)i);
			}
			if (rc < 0)
				return rc;
		}
		if (piv >= max)
			break;
		lo = piv + 1;
	}
	return 0;
}

int maple_walk(kd_session *s, uint64_t tree_addr, int (*fn)(kd_session *, uint64_t, uint64_t, uint64_t, void *), void *arg)
{
	struct maple_walk w = {.fn = fn, .arg = arg};
	uint64_t root;
	if (layout(s, &w.l) < 0 || kd_read_member_ptr(s, tree_addr, "maple_tree", "ma_root", &root) < 0)
		return -1;
	if (!root)
		return 0;
	if (!root_is_node(root))
		return fn(s, 0, 0, root, arg); /* a single entry stored in the root */
	return walk_node(s, &w, root, 0, UINT64_MAX, 0);
}
