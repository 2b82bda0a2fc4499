/*
 * Walkers over the kernel's linked structures: linked lists (list_head or a
 * plain next pointer), red-black trees, XArrays (radix trees since 4.20) and
 * maple trees. A walker finds the entries and hands each to a visitor; what to
 * print is the caller's business (list, tree, and any helper that needs the
 * entries). Every walk stops with a one-line error on a cycle (an entry seen
 * twice), an unreadable pointer, or more than LIST_WALK_MAX entries; none
 * loops forever.
 */
#ifndef KDIVE_WALK_H
#define KDIVE_WALK_H

#include "target/session.h"

/* Where an entry sits in a tree, for crash's -p. */
struct walk_pos {
	const char *path; /* "root/l/r" (rbtree), "root/0" (xarray, maple) */
	uint64_t index;   /* xarray: the entry's index; maple: 1, 2, ... over the non-empty entries */
	uint64_t min, max; /* maple: the range the entry covers */
};

/* Return 0 to go on, 1 to stop the walk quietly, -1 to fail it (message in the session). */
typedef int (*walk_visit)(kd_session *s, uint64_t entry, const struct walk_pos *pos, void *arg);

/*
 * A linked list as crash's list command follows it: from start, each link is
 * the pointer at link + next_offset; each entry is link - entry_offset. The
 * walk ends at a NULL link, at end (if not 0), back at start, at a link
 * pointing to itself, or back at the first link.
 */
struct list_walk {
	uint64_t start;        /* first link */
	uint64_t next_offset;  /* where the next pointer is in a link (list_head: 0 next, 8 prev) */
	uint64_t entry_offset; /* link - entry_offset = entry (offset of the list_head in the structure) */
	uint64_t end;          /* stop when a link equals this (0: none) */
	bool null_is_error;    /* a list_head list is circular: a NULL link is corruption */
};
/* The number of entries visited, or -1. */
long walk_list(kd_session *s, const struct list_walk *w, walk_visit fn, void *arg);
/* A list_head list from its head (not visited): the address of each entry (link - entry_offset). */
long walk_list_head(kd_session *s, uint64_t head, uint64_t entry_offset, bool reverse, walk_visit fn, void *arg);

/* A red-black tree from its first node (an rb_node address): preorder as crash prints it, or in order. */
long walk_rbtree(kd_session *s, uint64_t node, bool inorder, walk_visit fn, void *arg);
/* An XArray (or radix tree) from the value of its head pointer (xa_head, or a node with -N). */
long walk_xarray(kd_session *s, uint64_t head, walk_visit fn, void *arg);
/*
 * A maple tree: addr is a struct maple_tree (is_root) or an encoded node.
 * verbose prints crash's tree -v dump of every node and entry as it goes.
 * Visits the non-empty entries.
 */
long walk_maple(kd_session *s, uint64_t addr, bool is_root, bool verbose, walk_visit fn, void *arg);

#endif
