/*
 * kdive public API: the kernel's timers (API 1.4): the timer wheel's bases per CPU and their
 * pending timer_lists, the hrtimer bases per CPU and clock and their queued hrtimers, and the
 * kernel's clock (jiffies, HZ). What crash's timer command shows, for any caller (JSON output,
 * extensions) to walk without printing.
 */
#ifndef KDIVE_PUBLIC_TIMER_H
#define KDIVE_PUBLIC_TIMER_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* The kernel's HZ: NSEC_PER_SEC / tick_nsec (a build constant the kernel keeps), 1000 when it
 * cannot be read, as crash assumes on x86_64. */
KD_API int kd_kernel_hz(kd_session *s);
/* jiffies (the low word the kernel keeps in the variable jiffies); -1 with an error when it cannot be read. */
KD_API int kd_jiffies(kd_session *s, uint64_t *jiffies);
/* Jiffies since boot: jiffies_64 less INITIAL_JIFFIES (the counter starts 5 minutes before the
 * 32-bit wrap), as crash's uptime counts them; -1 with an error when jiffies_64 is unreadable. */
KD_API int kd_uptime_jiffies(kd_session *s, uint64_t *j);

/* One pending timer_list of a timer wheel. */
struct kd_timer {
	uint64_t addr;     /* the struct timer_list */
	uint64_t expires;  /* in jiffies */
	uint64_t function; /* timer_list.function */
	unsigned vector;   /* its index in timer_base.vectors[] */
};

/* The timer wheel bases of each CPU (the per-CPU array timer_bases[NR_BASES]: BASE_STD and
 * BASE_DEF, BASE_LOCAL, BASE_GLOBAL and BASE_DEF since 6.9): how many there are, 0 with an
 * error when the kernel has no timer_bases (a kernel before 4.8). */
KD_API int kd_timer_base_count(kd_session *s);
/* The address of base index of a CPU's timer_bases[]; -1 with an error for a CPU or an index
 * out of range. */
KD_API int kd_timer_base_addr(kd_session *s, int cpu, int index, uint64_t *addr);
/*
 * The pending timers of a timer_base (its address): every timer_list of every vector's hlist,
 * in vector order and list order. *out is allocated (free() it; NULL when none). Returns the
 * count; on a broken vector list (a cycle, an unreadable entry) the timers found are returned
 * too, and *broken (may be NULL) gets -1 with the error in the session, else 0.
 */
KD_API long kd_timer_base_timers(kd_session *s, uint64_t base, struct kd_timer **out, int *broken);

/* One queued hrtimer. */
struct kd_hrtimer {
	uint64_t addr;        /* the struct hrtimer */
	int64_t softexpires;  /* ns of its clock: _softexpires */
	int64_t expires;      /* node.expires */
	uint64_t function;    /* hrtimer.function */
	bool readable;        /* false: the hrtimer could not be read (only addr is set) */
};
/* A clock base of a CPU's hrtimer_cpu_base. */
struct kd_hrtimer_clock_base {
	uint64_t addr;     /* the struct hrtimer_clock_base */
	uint64_t get_time; /* the clock's read function (ktime_get, ktime_get_real, ...) */
	int64_t offset;    /* ns this clock runs ahead of the monotonic one (hrtimer_clock_base.offset) */
};
/* A CPU's hrtimer_cpu_base (the per-CPU hrtimer_bases); -1 with an error. */
KD_API int kd_hrtimer_cpu_base(kd_session *s, int cpu, uint64_t *addr);
/* How many clock bases a hrtimer_cpu_base has (the length of its clock_base[]); 0 with an error. */
KD_API int kd_hrtimer_clock_base_count(kd_session *s);
/* Clock base index of the hrtimer_cpu_base at cpu_base; -1 with an error when it cannot be read. */
KD_API int kd_hrtimer_clock_base_read(kd_session *s, uint64_t cpu_base, int index, struct kd_hrtimer_clock_base *out);
/*
 * The hrtimers queued on a clock base (its address), in expiry order (the timerqueue's tree in
 * order, from its leftmost node). *out is allocated (free() it; NULL when none). Returns the
 * count, or -1 with an error when the clock base cannot be read; on a broken tree (a cycle, an
 * unreadable node) the timers found before the break are returned and *broken (may be NULL)
 * gets -1 with the error in the session, else 0.
 */
KD_API long kd_hrtimer_clock_base_timers(kd_session *s, uint64_t clock_base, struct kd_hrtimer **out, int *broken);

KD_END_DECLS

#endif
