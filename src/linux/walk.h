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

#endif
