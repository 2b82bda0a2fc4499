/*
 * The walker library inside kdive: the public walkers of <kdive/walk.h> (lists, hlists,
 * red-black trees, XArrays, maple trees, IDRs, per-CPU addresses, tasks and threads) and
 * the general list engine behind crash's list command. See walk.c.
 */
#ifndef KDIVE_WALK_H
#define KDIVE_WALK_H

#include <kdive/walk.h>

#include "target/session.h"

#define WALK_MAX 10000000 /* no real structure has more entries; a cycle or garbage has (s->walk_limit lowers it) */

/* The internal names of the public types. */
#define walk_pos kd_walk_pos
typedef kd_walk_fn walk_visit;

/*
 * A linked list as crash's list command follows it: from start, each link is the pointer at
 * link + next_offset; each entry is link - entry_offset. The walk ends at a NULL link, at end
 * (if not 0), back at start, at a link pointing to itself, or back at the first link.
 */
struct list_walk {
	uint64_t start;        /* first link */
	uint64_t next_offset;  /* where the next pointer is in a link (list_head: next, or prev to go backwards) */
	uint64_t entry_offset; /* link - entry_offset = entry (offset of the list_head in the structure) */
	uint64_t end;          /* stop when a link equals this (0: none) */
	bool null_is_error;    /* a list_head list is circular: a NULL link is corruption */
};
/* The number of entries visited, or -1. */
long walk_list(kd_session *s, const struct list_walk *w, walk_visit fn, void *arg);

/* Older names, kept until their callers move to the kd_walk_* names. */
static inline long walk_list_head(kd_session *s, uint64_t head, uint64_t entry_offset, bool reverse, walk_visit fn,
				  void *arg)
{
	return kd_walk_list(s, head, entry_offset, reverse ? KD_WALK_REVERSE : 0, fn, arg);
}
static inline long walk_rbtree(kd_session *s, uint64_t node, bool inorder, walk_visit fn, void *arg)
{
	return kd_walk_rbtree(s, node, 0, KD_WALK_NODE | (inorder ? KD_WALK_INORDER : 0), fn, arg);
}
static inline long walk_xarray(kd_session *s, uint64_t head, walk_visit fn, void *arg)
{
	return kd_walk_xarray(s, head, KD_WALK_NODE, fn, arg);
}
static inline long walk_maple(kd_session *s, uint64_t addr, bool is_root, bool verbose, walk_visit fn, void *arg)
{
	return kd_walk_maple(s, addr, (is_root ? 0 : KD_WALK_NODE) | (verbose ? KD_WALK_VERBOSE : 0), fn, arg);
}

#endif
