/*
 * kdive public API: scalable bitmaps (API 1.4): a struct sbitmap_queue (blk-mq tags, iSCSI
 * sessions...) with its struct sbitmap, and the bits in use, as crash's sbitmapq shows them.
 */
#ifndef KDIVE_PUBLIC_SBITMAP_H
#define KDIVE_PUBLIC_SBITMAP_H

#include <kdive/common.h>

KD_BEGIN_DECLS

struct kd_sbitmap_queue {
	uint64_t addr;         /* the struct sbitmap_queue */
	uint64_t sb;           /* its struct sbitmap */
	uint32_t depth;        /* bits in use by the bitmap */
	uint32_t shift;        /* log2 of the bits per word */
	uint32_t map_nr;       /* words */
	uint64_t map;          /* the struct sbitmap_word array */
	uint64_t alloc_hint;   /* the per-CPU allocation hints (an unsigned int __percpu *), 0 if none */
	int round_robin;       /* -1 when the kernel has none */
	uint32_t wake_batch;
	int32_t wake_index;
	uint64_t ws;           /* the struct sbq_wait_state array */
	int64_t ws_active;     /* -1 when the kernel has none (before 5.0) */
	int64_t min_shallow_depth; /* -1 when the kernel has none (before 4.18) */
	bool has_cleared;      /* sbitmap_word.cleared exists (5.0+) */
};
/* Read the sbitmap_queue at addr and its sbitmap; -1 with an error (an unreadable structure, or
 * a word count or shift out of range: KD_EFORMAT). */
KD_API int kd_sbitmap_queue_read(kd_session *s, uint64_t addr, struct kd_sbitmap_queue *out);
/* Word i of the bitmap: its bits, and those cleared but not yet released (0 before 5.0). */
KD_API int kd_sbitmap_word(kd_session *s, const struct kd_sbitmap_queue *q, uint32_t i, uint64_t *word, uint64_t *cleared);
/* Bits in word i that the bitmap uses (the last word may be short). */
KD_API uint32_t kd_sbitmap_word_depth(const struct kd_sbitmap_queue *q, uint32_t i);
/* Each bit in use (set and not cleared), in index order: fn(s, index, arg) returns 0 to go on,
 * KD_WALK_STOP (1) to stop, -1 to fail. Returns the count visited or -1 with an error. */
typedef int (*kd_sbitmap_fn)(kd_session *s, uint32_t index, void *arg);
KD_API long kd_sbitmap_for_each_set(kd_session *s, const struct kd_sbitmap_queue *q, kd_sbitmap_fn fn, void *arg);
/* Wait state i (0..7) of the queue: its wait_cnt (-1 when the kernel has none, 6.1+) and whether
 * its wait queue has waiters. */
KD_API int kd_sbitmap_wait_state(kd_session *s, const struct kd_sbitmap_queue *q, int i, int64_t *wait_cnt, bool *active);

KD_END_DECLS

#endif
