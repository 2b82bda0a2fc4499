/* timer: each CPU's timer wheel bases with their pending timers, and with -r its hrtimer clock
 * bases, as crash prints them. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

/* crash's value_to_symstr: "name", "name+off" (decimal, or 0x hex at radix 16), "" for none. */
static const char *symstr(kd_session *s, uint64_t value, char *buf, size_t size)
{
	uint64_t off = 0;
	const struct kd_symbol *k = value ? kd_symbol_containing(s, value) : NULL;
	buf[0] = '\0';
	if (!k)
		return buf;
	off = value - k->addr;
	if (!off)
		snprintf(buf, size, "%s", k->name);
	else
		snprintf(buf, size, kd_output_radix(s) == 16 ? "%s+0x%" PRIx64 : "%s+%" PRIu64, k->name, off);
	return buf;
}

static int cmp_expires(const void *a, const void *b)
{
	const struct kd_timer *x = a, *y = b;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	if (x->vector != y->vector)
		return x->vector < y->vector ? -1 : 1;
	return 0;
}

/* By expiry, timers expiring together in the order the wheel holds them (crash's sort is stable):
 * the position found, kept in .vector (not shown), breaks the ties. */
static void sort_timers(struct kd_timer *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i].vector = (unsigned)i;
	if (n > 1)
		qsort(t, n, sizeof(*t), cmp_expires);
}

/* first: the first broken list's message, said as the command's error at the end (one line
 * for one damage); a later broken list is said in band, where it is. */
static int show_base(kd_session *s, int cpu, int index, uint64_t jiffies, int flen, char *first, size_t first_size)
{
	uint64_t base;
	if (kd_timer_base_addr(s, cpu, index, &base) < 0)
		return -1;
	kd_printf(s, "TIMER_BASES[%d][%s]: %" PRIx64 "\n", cpu, index == 0 ? "BASE_STD" : "BASE_DEF", base);
	struct kd_timer *t;
	int broken;
	long n = kd_timer_base_timers(s, base, &t, &broken);
	if (n < 0)
		return -1;
	char why[512] = "";
	if (broken < 0)
		snprintf(why, sizeof(why), "%s", kd_last_error(s));
	kd_clear_error(s);
	sort_timers(t, (size_t)n);
	uint64_t highest = 0;
	for (long i = 0; i < n; i++) {
		int32_t tte = (int32_t)(int64_t)(t[i].expires - jiffies); /* crash takes abs() of an int */
		uint64_t a = tte < 0 ? (uint64_t)(-(int64_t)tte) : (uint64_t)tte;
		if (a > highest)
			highest = a;
	}
	char buf[64], buf2[64];
	int tlen = snprintf(buf, sizeof(buf), "%" PRIu64, highest) + 1;
	if (tlen < 3)
		tlen = 3;
	kd_printf(s, "  %-*s     %-*s     TIMER_LIST     FUNCTION\n", flen, "EXPIRES", tlen, "TTE");
	for (long i = 0; i < n; i++) {
		uint64_t fn = t[i].function, ptr;
		/* not text: a function descriptor holds the function's address (ia64, ppc64) */
		if (!kd_unwind_is_text(s, fn) && kd_read_u64(s, fn, &ptr) == 0 && kd_unwind_is_text(s, ptr))
			fn = ptr;
		kd_clear_error(s);
		kd_printf(s, "  %*" PRIu64 "  %*" PRId64 "  %16" PRIx64 "  %16" PRIx64 "  <%s>\n", flen, t[i].expires, tlen,
			  (int64_t)(t[i].expires - jiffies), t[i].addr, t[i].function, symstr(s, fn, buf2, sizeof(buf2)));
	}
	if (!n)
		kd_printf(s, "  (none)\n");
	free(t);
	if (broken < 0) {
		if (!first[0])
			snprintf(first, first_size, "%s", why);
		else
			kd_printf(s, "timer: %s\n", why);
		return 1;
	}
	return 0;
}

static int show_wheel(kd_session *s, const bool *cpus)
{
	int nbases = kd_timer_base_count(s);
	if (!nbases)
		return -1;
	/* crash shows two bases when the kernel can migrate timers (BASE_STD, BASE_DEF), else one */
	int shown_bases = kd_symbol_lookup(s, "sysctl_timer_migration") ? 2 : 1;
	if (shown_bases > nbases)
		shown_bases = nbases;
	uint64_t jiffies;
	if (kd_jiffies(s, &jiffies) < 0)
		return -1;
	char buf[32];
	int flen = snprintf(buf, sizeof(buf), "%" PRIu64, jiffies);
	if (flen < 7)
		flen = 7;
	kd_printf(s, "%-*s\n%*s\n\n", flen, "JIFFIES", flen, buf);
	int shown = 0, bad = 0;
	char first[512] = "";
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (cpus && !cpus[cpu])
			continue;
		if (shown++)
			kd_printf(s, "\n");
		for (int b = 0; b < shown_bases; b++) {
			int rc = show_base(s, cpu, b, jiffies, flen, first, sizeof(first));
			if (rc < 0)
				return -1;
			bad += rc;
		}
	}
	if (bad > 1)
		return kd_fail(s, "%s (and %d more broken timer lists, above)", first, bad - 1);
	return bad ? kd_fail(s, "%s", first) : 0;
}

/* The hrtimers of one clock base, with the clock's time now and each timer's time to expiry. */
static int show_clock_base(kd_session *s, uint64_t cpu_base, int index, uint64_t now_base, bool soft, char *first_bad,
			   size_t first_size)
{
	struct kd_hrtimer_clock_base cb;
	if (kd_hrtimer_clock_base_read(s, cpu_base, index, &cb) < 0)
		return -1;
	char b1[64], b2[64], b3[64], b4[64], b5[64], sym[256];
	kd_printf(s, "  CLOCK: %d  HRTIMER_CLOCK_BASE: %" PRIx64 "  [%s]\n", index, cb.addr, symstr(s, cb.get_time, sym, sizeof(sym)));
	int64_t now = (int64_t)now_base + cb.offset;
	struct kd_hrtimer *t;
	int rc;
	long n = kd_hrtimer_clock_base_timers(s, cb.addr, &t, &rc);
	if (n < 0)
		return -1;
	char why[512] = "";
	if (rc < 0)
		snprintf(why, sizeof(why), "%s", kd_last_error(s));
	kd_clear_error(s);
	if (!n) {
		kd_printf(s, "  (empty)\n");
		free(t);
		if (rc < 0) {
			kd_printf(s, "timer: %s\n", why);
			return 1;
		}
		return 0;
	}
	/* column widths from the last (latest) timer, as crash sizes them */
	const struct kd_hrtimer *last = &t[n - 1];
	int elen = snprintf(b1, sizeof(b1), "%" PRId64, last->readable ? last->expires : 0);
	if (elen < 7)
		elen = 7;
	int slen = soft ? snprintf(b1, sizeof(b1), "%" PRId64, last->readable ? last->softexpires : 0) : -1;
	int tlen = snprintf(b1, sizeof(b1), "%" PRId64, (last->readable ? last->expires : 0) - now);
	int first = soft ? (slen < 11 ? 11 : slen) : elen;
	snprintf(b5, sizeof(b5), "%" PRId64, now);
	kd_printf(s, "  %s\n", kd_format_centred(b1, sizeof(b1), "CURRENT", first, true));
	kd_printf(s, "  %s\n", kd_format_centred(b2, sizeof(b2), b5, first, true));
	if (soft)
		kd_printf(s, "  %s  ", kd_format_centred(b1, sizeof(b1), "SOFTEXPIRES", first, true));
	else
		kd_printf(s, "  ");
	kd_printf(s, "%s  %s  %s  %s\n", kd_format_centred(b2, sizeof(b2), "EXPIRES", elen, true),
		  kd_format_centred(b3, sizeof(b3), "TTE", tlen, true), kd_format_centred(b4, sizeof(b4), "HRTIMER", 16, false),
		  kd_format_centred(b5, sizeof(b5), "FUNCTION", 16, false));
	for (long i = 0; i < n; i++) {
		kd_printf(s, "  ");
		if (!t[i].readable) {
			kd_printf(s, "(destroyed timer)\n");
			continue;
		}
		if (soft) {
			snprintf(b5, sizeof(b5), "%" PRId64, t[i].softexpires);
			kd_printf(s, "%s  ", kd_format_centred(b1, sizeof(b1), b5, first, true));
		}
		snprintf(b5, sizeof(b5), "%" PRId64, t[i].expires);
		kd_printf(s, "%s  ", kd_format_centred(b1, sizeof(b1), b5, elen, true));
		kd_printf(s, "%*" PRId64 "  %" PRIx64 "  %" PRIx64 "  <%s>\n", tlen, t[i].expires - now, t[i].addr, t[i].function,
			  symstr(s, t[i].function, sym, sizeof(sym)));
	}
	free(t);
	if (rc < 0) {
		if (!first_bad[0])
			snprintf(first_bad, first_size, "%s", why);
		else
			kd_printf(s, "timer: %s\n", why);
		return 1;
	}
	return 0;
}

static int show_hrtimers(kd_session *s, const bool *cpus)
{
	int nclocks = kd_hrtimer_clock_base_count(s);
	if (!nclocks)
		return kd_fail(s, "-r option not supported or applicable on this architecture or kernel");
	uint64_t j;
	if (kd_uptime_jiffies(s, &j) < 0)
		return -1;
	uint64_t now = j * (uint64_t)(1000000000LL / kd_kernel_hz(s));
	bool soft = kd_member_exists(s, "hrtimer", "_softexpires");
	int shown = 0, bad = 0;
	char first[512] = "";
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (cpus && !cpus[cpu])
			continue;
		if (shown++)
			kd_printf(s, "\n");
		uint64_t base;
		if (kd_hrtimer_cpu_base(s, cpu, &base) < 0)
			return -1;
		kd_printf(s, "CPU: %d  HRTIMER_CPU_BASE: %" PRIx64 "\n", cpu, base);
		for (int i = 0; i < nclocks; i++) {
			if (i)
				kd_printf(s, "\n");
			int rc = show_clock_base(s, base, i, now, soft, first, sizeof(first));
			if (rc < 0)
				return -1;
			bad += rc;
		}
	}
	if (bad > 1)
		return kd_fail(s, "%s (and %d more broken hrtimer queues, above)", first, bad - 1);
	return bad ? kd_fail(s, "%s", first) : 0;
}

static int cmd_timer(kd_session *s, int argc, char **argv)
{
	int c, nr_cpus = kd_target(s)->nr_cpus;
	bool hr = false, usage = false;
	bool *cpus = NULL;
	while ((c = getopt(argc, argv, "rC:")) != -1) {
		switch (c) {
		case 'r':
			hr = true;
			break;
		case 'C':
			if (!cpus)
				cpus = kd_xcalloc((size_t)(nr_cpus > 0 ? nr_cpus : 1), sizeof(bool));
			if (kd_parse_cpuspec(s, optarg, cpus, nr_cpus) < 0) {
				free(cpus);
				return -1;
			}
			break;
		default:
			usage = true;
			break;
		}
	}
	if (usage) {
		free(cpus);
		return kd_usage(s);
	}
	int rc = hr ? show_hrtimers(s, cpus) : show_wheel(s, cpus);
	free(cpus);
	return rc;
}

const struct kd_command kd_cmd_timer = {
	"timer", cmd_timer, "timer [-r][-C cpu]", "timer queue data",
	"Without options: jiffies, then for each CPU its timer wheel bases (TIMER_BASES[cpu][base]:\n"
	"BASE_STD, and BASE_DEF where timers can migrate) with their pending timer_lists, soonest\n"
	"first: when each expires (EXPIRES, in jiffies), the jiffies left until then (TTE,\n"
	"negative when overdue), the timer_list and its function.\n"
	"  -r         the hrtimers instead: for each CPU its hrtimer_cpu_base, and for each of\n"
	"             its clock bases (CLOCK: n, with the clock's read function in brackets) the\n"
	"             clock's time now (CURRENT, ns) and each queued hrtimer in expiry order with\n"
	"             its soft and hard expiry times, the time to expiry (TTE, ns), the hrtimer\n"
	"             and its function; \"(empty)\" for a clock with none\n"
	"  -C cpus    these CPUs only: a list such as 1,3,5-7, or \"all\"\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> timer\n"
	"  JIFFIES\n"
	"  4294895443\n"
	"\n"
	"  TIMER_BASES[0][BASE_STD]: ffff8e80df220b00\n"
	"    EXPIRES        TTE        TIMER_LIST     FUNCTION\n"
	"    4294895443       0  ffffd50640083e38  ffffffffaf153510  <process_timeout>\n"
	"    4294968250   72807  ffff8e80df21fc00  ffffffffaf052450  <mce_timer_fn>\n"
	"  ...\n"
	"  kdive> timer -r -C 0\n"
	"  CPU: 0  HRTIMER_CPU_BASE: ffff8e80df223000\n"
	"    CLOCK: 0  HRTIMER_CLOCK_BASE: ffff8e80df223040  [ktime_get]\n"
	"      CURRENT\n"
	"    12588000000\n"
	"    SOFTEXPIRES    EXPIRES       TTE         HRTIMER           FUNCTION\n"
	"    12588000000  12588000000          0  ffff8e80df2235c0  ffffffffaf168830  <tick_sched_timer>\n"
	"  ...\n"
	"  kdive> timer -C 1\n",
	KD_CMD_NEEDS_DUMP,
};
