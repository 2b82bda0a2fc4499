/* Maple trees (6.1+): the kernel's range-indexed B-tree, e.g. an mm's VMAs. */
#ifndef KDIVE_MAPLE_H
#define KDIVE_MAPLE_H

#include "target/session.h"

/*
 * Calls fn for every non-empty entry of the maple tree at tree_addr (a struct
 * maple_tree), in index order, with the range [min, max] it covers. Stops with an
 * error on a node that is not a maple node, a depth beyond the kernel's limit or
 * more entries than any real tree holds.
 */
int maple_walk(kd_session *s, uint64_t tree_addr,
	       int (*fn)(kd_session *s, uint64_t min, uint64_t max, uint64_t entry, void *arg), void *arg);

#endif
