/*
 * kdive public API: wait queues (API 1.4): the entries queued on a wait_queue_head and the
 * tasks they wake, as crash's waitq lists them.
 */
#ifndef KDIVE_PUBLIC_WAITQ_H
#define KDIVE_PUBLIC_WAITQ_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/*
 * The entries of the wait queue whose struct wait_queue_head is at head (wait_queue_entry,
 * or __wait_queue before 4.13), in queue order: fn gets each entry's address. Bounded and
 * cycle-checked as kd_walk_list; returns the count or -1 with the error (an unreadable head:
 * KD_EFAULT naming the address).
 */
KD_API long kd_walk_waitq(kd_session *s, uint64_t head, kd_walk_fn fn, void *arg);
/* What an entry wakes: its private member (a task_struct for a task's sleep, anything for a
 * callback entry such as epoll's). -1 with an error when it cannot be read. */
KD_API int kd_waitq_entry_private(kd_session *s, uint64_t entry, uint64_t *private_data);

KD_END_DECLS

#endif
