/* The kernel's timers: the timer wheel (timer_bases, 4.8+) and the hrtimer bases, per CPU, read
 * by member name; and the clock they count in (jiffies, HZ). */
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

#include <kdive/memory.h>
#include <kdive/symbols.h>
#include <kdive/timer.h>
#include <kdive/types.h>
#include <kdive/util.h>
#include <kdive/walk.h>

#define TIMER_VECTORS_MAX 4096   /* WHEEL_SIZE is 512 (9 levels of 64 at most) */
#define HRTIMER_CLOCKS_MAX 64    /* HRTIMER_MAX_CLOCK_BASES is 8 */
#define TIMERS_MAX (1L << 20)    /* pending timers of one base; more is a corrupt list */

int kd_kernel_hz(kd_session *s)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, "tick_nsec");
	uint64_t tick = 0;
	/* HZ is a build constant; tick_nsec (NSEC_PER_SEC / HZ, rounded) gives it back. */
	if (k && kd_read_int(s, k->addr, 8, &tick) == 0 && tick >= 100000 && tick <= 100000000)
		return (int)((1000000000ULL + tick / 2) / tick);
	kd_clear_error(s);
	return 1000;
}

int kd_jiffies(kd_session *s, uint64_t *jiffies)
{
	uint64_t addr;
	if (kd_symbol_addr(s, "jiffies", &addr) < 0 || kd_read_int(s, addr, 8, jiffies) < 0)
		return kd_fail_prefix(s, "jiffies");
	return 0;
}

int kd_uptime_jiffies(kd_session *s, uint64_t *j)
{
	uint64_t addr, v;
	if (kd_symbol_addr(s, "jiffies_64", &addr) < 0 || kd_read_int(s, addr, 8, &v) < 0)
		return kd_fail_prefix(s, "jiffies_64");
	/* INITIAL_JIFFIES: 5 minutes before the 32-bit wrap, so that wrap bugs show early. */
	uint64_t initial = (uint32_t)(-300 * kd_kernel_hz(s));
	*j = v - initial;
	return 0;
}

/* ---- the timer wheel ---- */

static const kd_type *timer_bases_type(kd_session *s, uint64_t *count)
{
	const kd_type *t = kd_type_find(s, "timer_base");
	if (!t || !kd_symbol_lookup(s, "timer_bases")) {
		kd_error(s, KD_ENOTFOUND, 0, "timer_bases does not exist in this kernel");
		return NULL;
	}
	uint64_t one = kd_type_sizeof(s, t);
	const kd_type *arr = kd_var_type(s, "timer_bases");
	uint64_t all = arr ? kd_type_sizeof(s, arr) : 0;
	kd_clear_error(s);
	*count = one && all >= one ? all / one : 1;
	return t;
}

int kd_timer_base_count(kd_session *s)
{
	uint64_t n;
	if (!timer_bases_type(s, &n))
		return 0;
	return n > 16 ? 16 : (int)n;
}

int kd_timer_base_addr(kd_session *s, int cpu, int index, uint64_t *addr)
{
	uint64_t n, base;
	const kd_type *t = timer_bases_type(s, &n);
	if (!t)
		return -1;
	if (index < 0 || (uint64_t)index >= n)
		return kd_error(s, KD_EINVAL, 0, "timer base %d out of range (the kernel has %llu)", index, (unsigned long long)n);
	if (kd_per_cpu_addr(s, "timer_bases", cpu, &base) < 0)
		return -1;
	*addr = base + (uint64_t)index * kd_type_sizeof(s, t);
	return 0;
}

struct timer_collect {
	VEC(struct kd_timer) v;
	uint64_t expires_off, function_off;
	unsigned vector;
};

static int timer_visit(kd_session *s, uint64_t timer, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct timer_collect *c = arg;
	if ((long)c->v.len >= TIMERS_MAX)
		return kd_error(s, KD_EFORMAT, timer, "more than %ld timers on one timer base: corrupt", TIMERS_MAX);
	uint64_t expires, function;
	/* An entry that cannot be read is left out, as the kernel would never have queued it. */
	if (kd_read_int(s, timer + c->expires_off, 8, &expires) < 0 || kd_read_int(s, timer + c->function_off, 8, &function) < 0) {
		kd_clear_error(s);
		return 0;
	}
	VEC_PUSH(&c->v, ((struct kd_timer){timer, expires, function, c->vector}));
	return 0;
}

long kd_timer_base_timers(kd_session *s, uint64_t base, struct kd_timer **out, int *broken)
{
	*out = NULL;
	if (broken)
		*broken = 0;
	struct kd_member_info vec;
	uint64_t entry_off;
	struct timer_collect c = {0};
	if (kd_member_info(s, "timer_base", "vectors", &vec) < 0 || kd_member_offset(s, "timer_list", "entry", &entry_off) < 0 ||
	    kd_member_offset(s, "timer_list", "expires", &c.expires_off) < 0 ||
	    kd_member_offset(s, "timer_list", "function", &c.function_off) < 0)
		return -1;
	uint64_t n = vec.size / 8;
	if (n > TIMER_VECTORS_MAX)
		n = TIMER_VECTORS_MAX;
	uint64_t *heads = kd_xcalloc(n ? n : 1, 8);
	if (kd_read_kv(s, base + vec.offset, heads, n * 8) < 0) {
		free(heads);
		return kd_fail_prefix(s, "timer_base.vectors[] at %llx", (unsigned long long)(base + vec.offset));
	}
	int rc = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (!heads[i])
			continue;
		c.vector = (unsigned)i;
		if (kd_walk_hlist(s, base + vec.offset + i * 8, entry_off, 0, timer_visit, &c) < 0 && rc == 0) {
			rc = -1;
			kd_fail_prefix(s, "timer_base %llx vectors[%llu]", (unsigned long long)base, (unsigned long long)i);
			if (kd_last_code(s) == KD_EFORMAT && (long)c.v.len >= TIMERS_MAX)
				break;
		}
	}
	free(heads);
	if (broken)
		*broken = rc;
	*out = c.v.items;
	return (long)c.v.len;
}

/* ---- hrtimers ---- */

int kd_hrtimer_cpu_base(kd_session *s, int cpu, uint64_t *addr)
{
	if (!kd_symbol_lookup(s, "hrtimer_bases"))
		return kd_error(s, KD_ENOTFOUND, 0, "hrtimer_bases does not exist in this kernel");
	return kd_per_cpu_addr(s, "hrtimer_bases", cpu, addr);
}

int kd_hrtimer_clock_base_count(kd_session *s)
{
	struct kd_member_info m;
	uint64_t one;
	if (kd_member_info(s, "hrtimer_cpu_base", "clock_base", &m) < 0 || kd_type_size(s, "hrtimer_clock_base", &one) < 0)
		return 0;
	uint64_t n = one ? m.size / one : 0;
	if (n > HRTIMER_CLOCKS_MAX)
		n = HRTIMER_CLOCKS_MAX;
	return (int)n;
}

int kd_hrtimer_clock_base_read(kd_session *s, uint64_t cpu_base, int index, struct kd_hrtimer_clock_base *out)
{
	struct kd_member_info m;
	uint64_t one;
	memset(out, 0, sizeof(*out));
	if (kd_member_info(s, "hrtimer_cpu_base", "clock_base", &m) < 0 || kd_type_size(s, "hrtimer_clock_base", &one) < 0)
		return -1;
	if (index < 0 || (uint64_t)index >= (one ? m.size / one : 0))
		return kd_error(s, KD_EINVAL, 0, "hrtimer clock base %d out of range", index);
	out->addr = cpu_base + m.offset + (uint64_t)index * one;
	struct view {
		uint64_t get_time;
		int64_t offset;
	} v = {0};
	static const struct kd_field f[] = {
		KD_FIELD(struct view, get_time, "get_time", 0),
		KD_FIELD(struct view, offset, "offset", KD_FIELD_OPTIONAL),
	};
	if (kd_read_struct(s, out->addr, "hrtimer_clock_base", f, 2, &v, NULL) < 0)
		return kd_fail_prefix(s, "hrtimer_clock_base %llx", (unsigned long long)out->addr);
	out->get_time = v.get_time;
	out->offset = v.offset;
	return 0;
}

struct hrtimer_collect {
	VEC(struct kd_hrtimer) v;
	uint64_t node_off; /* of the rb_node in struct hrtimer (node.node) */
};

static int hrtimer_visit(kd_session *s, uint64_t timer, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct hrtimer_collect *c = arg;
	if ((long)c->v.len >= TIMERS_MAX)
		return kd_error(s, KD_EFORMAT, timer, "more than %ld hrtimers on one clock base: corrupt", TIMERS_MAX);
	struct kd_hrtimer h = {.addr = timer};
	static const struct kd_field f[] = {
		KD_FIELD(struct kd_hrtimer, softexpires, "_softexpires", KD_FIELD_OPTIONAL),
		KD_FIELD(struct kd_hrtimer, expires, "node.expires", 0),
		KD_FIELD(struct kd_hrtimer, function, "function", 0),
	};
	h.readable = kd_read_struct(s, timer, "hrtimer", f, 3, &h, NULL) == 0;
	kd_clear_error(s);
	VEC_PUSH(&c->v, h);
	return 0;
}

long kd_hrtimer_clock_base_timers(kd_session *s, uint64_t clock_base, struct kd_hrtimer **out, int *broken)
{
	*out = NULL;
	if (broken)
		*broken = 0;
	struct kd_member_info active;
	struct hrtimer_collect c = {0};
	if (kd_member_info(s, "hrtimer_clock_base", "active", &active) < 0 ||
	    kd_member_offset(s, "hrtimer", "node.node", &c.node_off) < 0)
		return -1;
	/* timerqueue_head: an rb_root_cached (4.20+: rb_root.rb_leftmost) or an rb_root and next. */
	uint64_t lm_off = kd_member_offset_opt(s, "timerqueue_head", "rb_root.rb_leftmost");
	if (lm_off == UINT64_MAX)
		lm_off = kd_member_offset_opt(s, "timerqueue_head", "next");
	uint64_t first = 1;
	if (lm_off != UINT64_MAX && kd_read_int(s, clock_base + active.offset + lm_off, 8, &first) < 0)
		return kd_fail_prefix(s, "hrtimer_clock_base %llx", (unsigned long long)clock_base);
	if (!first)
		return 0;
	long rc = kd_walk_rbtree(s, clock_base + active.offset, c.node_off, KD_WALK_INORDER, hrtimer_visit, &c);
	*out = c.v.items;
	if (rc < 0) {
		kd_fail_prefix(s, "hrtimer_clock_base %llx", (unsigned long long)clock_base);
		if (broken)
			*broken = -1;
	}
	return (long)c.v.len;
}
