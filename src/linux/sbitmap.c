/* Scalable bitmaps: struct sbitmap_queue and struct sbitmap, read by member name. */
#include <string.h>

#include "linux/kernel.h"

#include <kdive/memory.h>
#include <kdive/sbitmap.h>
#include <kdive/types.h>

#define MAP_NR_MAX (1u << 20)

int kd_sbitmap_queue_read(kd_session *s, uint64_t addr, struct kd_sbitmap_queue *out)
{
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	struct qv {
		uint32_t wake_batch;
		int32_t wake_index;
		uint64_t ws, alloc_hint;
		int32_t ws_active;
		uint32_t min_shallow;
		uint8_t rr;
	} q = {0};
	static const struct kd_field qf[] = {
		KD_FIELD(struct qv, wake_batch, "wake_batch", 0),
		KD_FIELD(struct qv, wake_index, "wake_index", 0),
		KD_FIELD(struct qv, ws, "ws", 0),
		KD_FIELD(struct qv, alloc_hint, "alloc_hint", KD_FIELD_OPTIONAL),
		KD_FIELD(struct qv, ws_active, "ws_active", KD_FIELD_OPTIONAL),
		KD_FIELD(struct qv, min_shallow, "min_shallow_depth", KD_FIELD_OPTIONAL),
		KD_FIELD(struct qv, rr, "round_robin", KD_FIELD_OPTIONAL),
	};
	uint64_t miss = 0, sb_off;
	if (kd_member_offset(s, "sbitmap_queue", "sb", &sb_off) < 0)
		return -1;
	if (kd_read_struct(s, addr, "sbitmap_queue", qf, 7, &q, &miss) < 0)
		return kd_fail_prefix(s, "sbitmap_queue at %llx", (unsigned long long)addr);
	out->sb = addr + sb_off;
	out->wake_batch = q.wake_batch;
	out->wake_index = q.wake_index;
	out->ws = q.ws;
	out->alloc_hint = q.alloc_hint;
	out->ws_active = miss & (1u << 4) ? -1 : q.ws_active;
	out->min_shallow_depth = miss & (1u << 5) ? -1 : (int64_t)q.min_shallow;
	out->round_robin = miss & (1u << 6) ? -1 : q.rr;
	struct sv {
		uint32_t depth, shift, map_nr;
		uint64_t map, alloc_hint;
		uint8_t rr;
	} b = {0};
	static const struct kd_field sf[] = {
		KD_FIELD(struct sv, depth, "depth", 0),
		KD_FIELD(struct sv, shift, "shift", 0),
		KD_FIELD(struct sv, map_nr, "map_nr", 0),
		KD_FIELD(struct sv, map, "map", 0),
		KD_FIELD(struct sv, alloc_hint, "alloc_hint", KD_FIELD_OPTIONAL), /* 5.13+: moved from the queue */
		KD_FIELD(struct sv, rr, "round_robin", KD_FIELD_OPTIONAL),
	};
	miss = 0;
	if (kd_read_struct(s, out->sb, "sbitmap", sf, 6, &b, &miss) < 0)
		return kd_fail_prefix(s, "sbitmap at %llx", (unsigned long long)out->sb);
	out->depth = b.depth;
	out->shift = b.shift;
	out->map_nr = b.map_nr;
	out->map = b.map;
	if (!(miss & (1u << 4)))
		out->alloc_hint = b.alloc_hint;
	if (!(miss & (1u << 5)))
		out->round_robin = b.rr;
	out->has_cleared = kd_member_exists(s, "sbitmap_word", "cleared");
	if (out->shift > 6 || out->map_nr > MAP_NR_MAX || (uint64_t)out->map_nr << out->shift < out->depth)
		return kd_error(s, KD_EFORMAT, out->sb, "sbitmap at %llx: depth %u, shift %u, map_nr %u do not fit: corrupt",
				(unsigned long long)out->sb, out->depth, out->shift, out->map_nr);
	return 0;
}

uint32_t kd_sbitmap_word_depth(const struct kd_sbitmap_queue *q, uint32_t i)
{
	if (q->map_nr && i == q->map_nr - 1)
		return q->depth - (i << q->shift);
	return 1u << q->shift;
}

int kd_sbitmap_word(kd_session *s, const struct kd_sbitmap_queue *q, uint32_t i, uint64_t *word, uint64_t *cleared)
{
	uint64_t size, w_off;
	*word = *cleared = 0;
	if (kd_type_size(s, "sbitmap_word", &size) < 0 || kd_member_offset(s, "sbitmap_word", "word", &w_off) < 0)
		return -1;
	uint64_t at = q->map + (uint64_t)i * size;
	if (kd_read_u64(s, at + w_off, word) < 0)
		return kd_fail_prefix(s, "sbitmap_word %u at %llx", i, (unsigned long long)at);
	uint64_t c_off = kd_member_offset_opt(s, "sbitmap_word", "cleared");
	if (c_off != UINT64_MAX && kd_read_u64(s, at + c_off, cleared) < 0)
		return kd_fail_prefix(s, "sbitmap_word %u at %llx", i, (unsigned long long)at);
	return 0;
}

long kd_sbitmap_for_each_set(kd_session *s, const struct kd_sbitmap_queue *q, kd_sbitmap_fn fn, void *arg)
{
	long n = 0;
	for (uint32_t i = 0; i < q->map_nr; i++) {
		uint64_t word, cleared;
		if (kd_sbitmap_word(s, q, i, &word, &cleared) < 0)
			return -1;
		word &= ~cleared;
		uint32_t depth = kd_sbitmap_word_depth(q, i);
		for (uint32_t b = 0; b < depth && b < 64; b++) {
			if (!(word >> b & 1))
				continue;
			n++;
			int v = fn(s, (i << q->shift) + b, arg);
			if (v < 0)
				return -1;
			if (v > 0)
				return n;
		}
	}
	return n;
}

int kd_sbitmap_wait_state(kd_session *s, const struct kd_sbitmap_queue *q, int i, int64_t *wait_cnt, bool *active)
{
	uint64_t size, wait_off, head_off, cnt_off = kd_member_offset_opt(s, "sbq_wait_state", "wait_cnt");
	if (kd_type_size(s, "sbq_wait_state", &size) < 0 || kd_member_offset(s, "sbq_wait_state", "wait", &wait_off) < 0)
		return -1;
	head_off = kd_member_offset_opt(s, "wait_queue_head", "head");
	if (head_off == UINT64_MAX && kd_member_offset(s, "__wait_queue_head", "task_list", &head_off) < 0)
		return -1;
	uint64_t at = q->ws + (uint64_t)i * size, lh[2], v = 0;
	*wait_cnt = -1;
	if (cnt_off != UINT64_MAX) {
		if (kd_read_int(s, at + cnt_off, 4, &v) < 0)
			return kd_fail_prefix(s, "sbq_wait_state at %llx", (unsigned long long)at);
		*wait_cnt = (int32_t)v;
	}
	if (kd_read_kv(s, at + wait_off + head_off, lh, sizeof(lh)) < 0)
		return kd_fail_prefix(s, "sbq_wait_state at %llx", (unsigned long long)at);
	*active = lh[0] != lh[1];
	return 0;
}
