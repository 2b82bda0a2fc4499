/*
 * The walker library inside kdive: the public walkers of <kdive/walk.h> (lists, hlists,
 * red-black trees, XArrays, maple trees, IDRs, per-CPU addresses, tasks and threads; the
 * general chain behind crash's list command is kd_walk_chain) and their length cap. See walk.c.
 */
#ifndef KDIVE_WALK_H
#define KDIVE_WALK_H

#include <kdive/walk.h>

#include "target/session.h"

#define WALK_MAX 10000000 /* no real structure has more entries; a cycle or garbage has (s->walk_limit lowers it) */

/*
 * Older names, kept until their last callers (tests/unit/test_types.c) move to the kd_walk_*
 * ones: struct walk_pos is struct kd_walk_pos; walk_list(w) is kd_walk_chain; walk_list_head
 * and walk_rbtree are kd_walk_list and kd_walk_rbtree with flags.
 */
#define walk_pos kd_walk_pos
struct list_walk {
	uint64_t start, next_offset, entry_offset, end;
	bool null_is_error; /* KD_WALK_CIRCULAR */
};
static inline long walk_list(kd_session *s, const struct list_walk *w, kd_walk_fn fn, void *arg)
{
	return kd_walk_chain(s, w->start, w->next_offset, w->entry_offset, w->end,
			     w->null_is_error ? KD_WALK_CIRCULAR : 0, fn, arg);
}
static inline long walk_list_head(kd_session *s, uint64_t head, uint64_t entry_offset, bool reverse, kd_walk_fn fn,
				  void *arg)
{
	return kd_walk_list(s, head, entry_offset, reverse ? KD_WALK_REVERSE : 0, fn, arg);
}
static inline long walk_rbtree(kd_session *s, uint64_t node, bool inorder, kd_walk_fn fn, void *arg)
{
	return kd_walk_rbtree(s, node, 0, KD_WALK_NODE | (inorder ? KD_WALK_INORDER : 0), fn, arg);
}

#endif
