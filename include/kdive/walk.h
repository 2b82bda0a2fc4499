/*
 * kdive public API: walkers over the kernel's linked structures.
 *
 * A walker finds the entries of one structure and hands each to a visitor; what to do with
 * them (print, count, collect, walk further) is the visitor's business, as with illumos mdb's
 * walkers: iteration apart from presentation. Walkers nest: a visitor may start another walk.
 *
 * Every walk is bounded, because a dump is untrusted: an entry seen twice (a cycle) stops it
 * with KD_EFORMAT; so does a count read from the dump that is out of range (maple tree slot
 * counts, node types, XArray shifts) and a walk longer than any real structure (ten million
 * entries). A pointer that cannot be read stops it with KD_EFAULT (or the memory layer's own
 * code: KD_EEXCLUDED, KD_ENOMEM_DUMP); kd_last_addr() (the session's err.addr) is then the
 * unreadable address and the message names the structure it was found in.
 *
 * Each walker returns the number of entries visited, or -1 with the error in the session
 * (kd_last_error()).
 */
#ifndef KDIVE_PUBLIC_WALK_H
#define KDIVE_PUBLIC_WALK_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Where an entry sits, for walkers that know (trees, per-CPU, tasks); members not given are 0. */
struct kd_walk_pos {
	const char *path;  /* rbtree "root/l/r"; xarray, maple "root/0/3"; "direct": an entry in the root itself */
	uint64_t index;    /* xarray: the entry's index; idr: its id; maple: 1, 2, ... over the entries;
			      percpu: the CPU; tasks, threads: the pid */
	uint64_t min, max; /* maple: the range of indexes the entry covers */
};

/* A visitor: 0 to go on, KD_WALK_STOP to end the walk quietly, -1 to fail it (error in the session). */
typedef int (*kd_walk_fn)(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg);
#define KD_WALK_STOP 1

/* Flags; each walker says which it takes. */
#define KD_WALK_REVERSE 0x01 /* lists: follow prev (list_head) or pprev (hlist) */
#define KD_WALK_BOTH 0x02    /* list_head from a head: when the forward walk breaks, walk back from the head
				to the break, so that only the damaged entry is lost (the task list's repair) */
#define KD_WALK_ENTRY 0x04   /* lists: addr is an entry's own list_head / hlist_node (visited first), not a head */
#define KD_WALK_NODE 0x08    /* trees: addr is the first node (rb_node, XArray head entry, encoded maple node),
				not the structure holding the root */
#define KD_WALK_INORDER 0x10 /* rbtree: in order (leftmost first); without it root first, as crash's tree */
#define KD_WALK_VERBOSE 0x20 /* maple: also print every node and slot, as crash's tree -t maple -v */
#define KD_WALK_CIRCULAR 0x40 /* kd_walk_chain: the links are list_heads, so a NULL link is corruption */

/*
 * A list_head list. addr is the struct list_head of the list's head (not visited), or with
 * KD_WALK_ENTRY the list_head of one entry (visited first, the walk going round back to it).
 * Each entry visited is the link's address - entry_offset (the offset of the list_head in the
 * entry's structure). KD_WALK_REVERSE: through prev. KD_WALK_BOTH: repair a broken list by
 * walking back from the head; the walk then fails only when neither direction found an entry,
 * and the forward walk's error is left in the session (kd_last_code() != KD_OK) when it broke.
 */
KD_API long kd_walk_list(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn,
			 void *arg);
/*
 * An hlist: addr is the struct hlist_head (its entries follow first, then next, to NULL), or with
 * KD_WALK_ENTRY one entry's hlist_node (visited first). KD_WALK_REVERSE (with KD_WALK_ENTRY):
 * back through pprev to the head. Entries are the node's address - entry_offset.
 */
KD_API long kd_walk_hlist(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn,
			  void *arg);
/*
 * Any linked list as crash's list command follows it: from the link start (visited), each next
 * link is the pointer at link + next_offset, each entry is link - entry_offset. The walk ends at
 * a NULL link (an error with KD_WALK_CIRCULAR), at end (if not 0), back at start, at a link
 * pointing to itself or back at the first link. An mm's vm_next chain: (vma, offset of vm_next, 0, 0, 0).
 */
KD_API long kd_walk_chain(kd_session *s, uint64_t start, uint64_t next_offset, uint64_t entry_offset, uint64_t end,
			  unsigned flags, kd_walk_fn fn, void *arg);
/*
 * A red-black tree: addr is a struct rb_root (or rb_root_cached), or with KD_WALK_NODE its first
 * rb_node. Entries are the rb_node's address - entry_offset; root first (pos->path "root/l/r")
 * or, with KD_WALK_INORDER, in order.
 */
KD_API long kd_walk_rbtree(kd_session *s, uint64_t addr, uint64_t entry_offset, unsigned flags, kd_walk_fn fn,
			   void *arg);
/* An XArray (or a radix tree, an XArray since 4.20): addr is the struct xarray, or with KD_WALK_NODE the
 * value of its head (xa_head). Visits each non-empty entry with pos->index. */
KD_API long kd_walk_xarray(kd_session *s, uint64_t addr, unsigned flags, kd_walk_fn fn, void *arg);
/* A maple tree (6.1+): addr is the struct maple_tree (an mm's mm_mt), or with KD_WALK_NODE an encoded
 * node. Visits each non-empty entry with the range it covers (pos->min, pos->max). KD_WALK_VERBOSE. */
KD_API long kd_walk_maple(kd_session *s, uint64_t addr, unsigned flags, kd_walk_fn fn, void *arg);
/* An IDR (struct idr): each pointer allocated in it, with its id in pos->index. */
KD_API long kd_walk_idr(kd_session *s, uint64_t addr, kd_walk_fn fn, void *arg);
/* A per-CPU address (a per-CPU variable's symbol address, or a __percpu pointer): its address on
 * each possible CPU, with the CPU in pos->index. */
KD_API long kd_walk_percpu(kd_session *s, uint64_t addr, kd_walk_fn fn, void *arg);
/* Every task (task_struct addresses) of the task table (read once per session): idle tasks, then
 * by pid, as ps lists them. pos->index is the pid. */
KD_API long kd_walk_tasks(kd_session *s, kd_walk_fn fn, void *arg);
/* The threads of a task's thread group (task_struct addresses, the task itself included), through
 * the kernel's own thread list (signal->thread_head, or thread_group before 6.7), repaired as
 * KD_WALK_BOTH repairs a list. */
KD_API long kd_walk_threads(kd_session *s, uint64_t task, kd_walk_fn fn, void *arg);

/*
 * Walkers by name, as mdb's ::walk: "list" (list_head from a head), "list-reverse", "hlist",
 * "rbtree", "xarray", "maple", "idr", "percpu", "tasks" (addr ignored), "threads" (addr: a task).
 * Entries are the links' own addresses (entry_offset 0). -1 with KD_ENOTFOUND for a name unknown.
 */
KD_API long kd_walk(kd_session *s, const char *walker, uint64_t addr, kd_walk_fn fn, void *arg);
/* The walkers' names, NULL-terminated. */
KD_API const char *const *kd_walker_names(void);

KD_END_DECLS

#endif
