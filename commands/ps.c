/* ps: the task list, and every per-task view crash's ps has. */
#include <stdlib.h>
#include <getopt.h>
#include <regex.h>
#include <string.h>

#include <kdive/kdive.h>

enum ps_view { V_TABLE, V_PARENTS, V_CHILDREN, V_TIMES, V_LAST, V_LAST_MS, V_ARGS, V_GROUP, V_RLIMITS, V_SUMMARY };

#define PS_REGEX_MAX 32

struct ps_opts {
	enum ps_view view;
	struct task_filter f;
	bool kstack, no_header;
	bool *cpus; /* -C: the CPUs of -l and -m, NULL for none */
	regex_t regex[PS_REGEX_MAX]; /* 'pattern' arguments, matched against the command name */
	int nregex;
};

static void table_header(kd_session *s, bool kstack)
{
	kd_printf(s, "      PID    PPID  CPU %s      ST  %%MEM      VSZ      RSS  COMM\n",
		  kstack ? "     KSTACKP" : "      TASK  ");
}

static void table_row(kd_session *s, const struct task_info *t, bool kstack, uint64_t total)
{
	uint64_t rss = 0, vm = 0;
	kd_task_mem(s, t, &rss, &vm);
	double pct = total ? (double)rss * 100.0 / (double)total : 0;
	if (kd_json_active(s)) {
		char p[16];
		snprintf(p, sizeof(p), "%.1f", pct); /* the table's precision */
		kd_json_object_begin(s, NULL);
		kd_json_int(s, "pid", t->pid);
		kd_json_int(s, "ppid", t->ppid);
		kd_json_int(s, "cpu", t->cpu);
		kd_json_addr(s, "task", t->task);
		if (kstack && !t->active)
			kd_json_addr(s, "kstackp", t->thread_sp);
		kd_json_str(s, "state", kd_task_state_name(t));
		kd_json_double(s, "mem_percent", strtod(p, NULL));
		kd_json_uint(s, "vsz_kb", vm * 4);
		kd_json_uint(s, "rss_kb", rss * 4);
		kd_json_str(s, "comm", t->comm);
		kd_json_bool(s, "kernel_thread", kd_task_is_kthread(t));
		kd_json_bool(s, "active", t->active);
		kd_json_end(s);
		return;
	}
	kd_printf(s, "%c%8d %7d %3d  ", t->active ? '>' : ' ', t->pid, t->ppid, t->cpu);
	if (kstack && t->active)
		kd_printf(s, "       --       ");
	else
		kd_printf(s, "%16llx", (unsigned long long)(kstack ? t->thread_sp : t->task));
	kd_printf(s, "  %s  %4.1f %8llu %8llu  ", kd_task_state_name(t), pct, (unsigned long long)(vm * 4), (unsigned long long)(rss * 4));
	kd_printf(s, kd_task_is_kthread(t) ? "[%s]\n" : "%s\n", t->comm);
}

static const struct task_info *parent_of(kd_session *s, const struct task_info *t)
{
	if (!t->parent || t->parent == t->task)
		return NULL;
	const struct task_info *p = kd_task_find(s, t->parent);
	kd_clear_error(s);
	return p;
}

static void show_parents(kd_session *s, const struct task_info *t)
{
	const struct task_info *chain[64];
	int n = 0;
	for (const struct task_info *p = t; p && n < 64; p = parent_of(s, p)) {
		chain[n++] = p;
		if (p->pid == 0)
			break;
	}
	for (int i = n - 1, indent = 0; i >= 0; i--, indent++)
		kd_task_print_header(s, chain[i], indent);
}

static void show_children(kd_session *s, const struct kd_task_table *tt, const struct task_info *t)
{
	kd_task_print_header(s, t, 0);
	size_t n = 0;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].parent == t->task && tt->tasks[i].task != t->task && !tt->tasks[i].idle) {
			kd_task_print_header(s, &tt->tasks[i], 2);
			n++;
		}
	if (!n)
		kd_printf(s, "  (no children)\n");
}

static void print_hms(kd_session *s, uint64_t secs)
{
	uint64_t days = secs / 86400;
	secs %= 86400;
	if (days)
		kd_printf(s, "%llu days, ", (unsigned long long)days);
	kd_printf(s, "%02llu:%02llu:%02llu\n", (unsigned long long)(secs / 3600), (unsigned long long)(secs % 3600 / 60),
		  (unsigned long long)(secs % 60));
}

static void show_times(kd_session *s, const struct task_info *t)
{
	kd_task_print_header(s, t, 0);
	uint64_t up = kd_kernel_uptime(s), start = t->start_time / 1000000000ULL;
	kd_printf(s, "    RUN TIME: ");
	print_hms(s, up > start ? up - start : 0);
	kd_printf(s, "  START TIME: %llu\n       UTIME: %llu\n       STIME: %llu\n", (unsigned long long)t->start_time,
		  (unsigned long long)t->utime, (unsigned long long)t->stime);
}

static int by_last_arrival(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a, *y = *(const struct task_info *const *)b;
	return x->last_arrival < y->last_arrival ? 1 : x->last_arrival > y->last_arrival ? -1 : 0;
}

/* One line of -l or -m. -m pads the days to those of the run queue clock's when pad is set
 * (crash does for one task and per CPU, not over every task). */
static int last_line(kd_session *s, const struct task_info *t, bool as_time, int width, bool pad)
{
	bool hex = kd_output_radix(s) == 16;
	if (as_time) {
		uint64_t clock;
		if (kd_cpu_rq_clock(s, t->cpu, &clock) < 0)
			return -1;
		uint64_t d = clock > t->last_arrival ? clock - t->last_arrival : 0;
		char buf[64], cbuf[64];
		int days = kd_format_ns_dhms(d, buf, sizeof(buf));
		int max_days = pad ? kd_format_ns_dhms(clock, cbuf, sizeof(cbuf)) : days;
		kd_printf(s, "[%*s%s] ", max_days > days ? max_days - days : 0, "", buf);
	} else {
		kd_printf(s, hex ? "[%*llx] " : "[%*llu] ", width, (unsigned long long)t->last_arrival);
	}
	kd_printf(s, "[%s]  ", kd_task_state_name(t));
	kd_task_print_header(s, t, 0);
	return 0;
}

/* -l, -m: most recent first; the timestamp column as wide as the latest of every task's. With
 * -C, by CPU. */
static int show_last(kd_session *s, const struct kd_task_table *tt, const struct task_info **list, size_t n, bool as_time,
		     const bool *cpus, bool one)
{
	uint64_t latest = 0;
	for (size_t i = 0; i < tt->len; i++)
		latest = MAX(latest, tt->tasks[i].last_arrival);
	int width = snprintf(NULL, 0, kd_output_radix(s) == 16 ? "%llx" : "%llu", (unsigned long long)latest);
	kd_qsort(list, n, sizeof(*list), by_last_arrival);
	if (!cpus) {
		for (size_t i = 0; i < n; i++)
			if (last_line(s, list[i], as_time, width, one) < 0)
				return -1;
		return 0;
	}
	int shown = 0;
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (!cpus[cpu])
			continue;
		kd_printf(s, "%sCPU: %d\n", shown++ ? "\n" : "", cpu);
		for (size_t i = 0; i < n; i++)
			if (list[i]->cpu == cpu && last_line(s, list[i], as_time, width, true) < 0)
				return -1;
	}
	return 0;
}

static int read_user_block(kd_session *s, const struct task_info *t, const char *start_m, const char *end_m, char **out,
			   size_t *len)
{
	uint64_t start, end, pgd;
	*out = NULL;
	if (!t->mm || kd_task_is_kthread(t))
		return kd_fail(s, "no user stack");
	if (kd_read_member(s, t->mm, "mm_struct", start_m, &start) < 0 || kd_read_member(s, t->mm, "mm_struct", end_m, &end) < 0)
		return -1;
	if (end < start || end - start > (1u << 20))
		return kd_fail(s, "%s..%s of pid %d are not plausible", start_m, end_m, t->pid);
	if (kd_task_pgd(s, t->task, &pgd) < 0)
		return -1;
	*len = end - start;
	*out = kd_xmalloc(*len + 1);
	if (*len && kd_read_uv(s, pgd, start, *out, *len) < 0) {
		free(*out);
		*out = NULL;
		/* crash's words, and why: most often makedumpfile -d 31 dropped the user pages */
		const char *why = strstr(kd_last_error(s), "physical address");
		return kd_fail(s, "cannot access user stack address: %llx (%s)", (unsigned long long)kd_last_addr(s),
			       why ? why : kd_last_error(s));
	}
	(*out)[*len] = '\0';
	return 0;
}

static int show_args(kd_session *s, const struct task_info *t)
{
	kd_task_print_header(s, t, 0);
	char *buf;
	size_t len;
	if (read_user_block(s, t, "arg_start", "arg_end", &buf, &len) < 0)
		return -1;
	kd_printf(s, "ARG: ");
	for (size_t i = 0; i < len; i++)
		kd_printf(s, "%c", buf[i] ? buf[i] : ' ');
	kd_printf(s, "\n");
	free(buf);
	if (read_user_block(s, t, "env_start", "env_end", &buf, &len) < 0)
		return -1;
	bool first = true;
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(buf + i, len - i);
		if (n)
			kd_printf(s, "%s%.*s\n", first ? "ENV: " : "     ", (int)n, buf + i);
		first = first && !n;
		i += n + 1;
	}
	free(buf);
	return 0;
}

static void show_group(kd_session *s, const struct kd_task_table *tt, const struct task_info *t)
{
	const struct task_info *leader = t;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].pid == t->tgid) {
			leader = &tt->tasks[i];
			break;
		}
	kd_task_print_header(s, leader, 0);
	size_t n = 0;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].tgid == leader->tgid && tt->tasks[i].task != leader->task && !tt->tasks[i].idle) {
			kd_task_print_header(s, &tt->tasks[i], 2);
			n++;
		}
	if (!n)
		kd_printf(s, "  (no threads)\n");
}

static void centred(kd_session *s, const char *text, int width, bool last)
{
	int len = (int)strlen(text), left = (width - len) / 2;
	if (left < 0)
		left = 0;
	kd_printf(s, "%*s%s%*s", left, "", text, last ? 0 : width - len - left, "");
}

static int show_rlimits(kd_session *s, const struct task_info *t)
{
	static const char *const names[] = {"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
					    "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"};
	uint64_t off;
	if (!t->signal)
		return kd_fail(s, "pid %d has no signal_struct", t->pid);
	if (kd_member_offset(s, "signal_struct", "rlim", &off) < 0)
		return -1;
	kd_task_print_header(s, t, 0);
	kd_printf(s, "      RLIMIT");
	centred(s, "CURRENT", 17, false);
	centred(s, "MAXIMUM", 11, false);
	kd_printf(s, "\n");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		uint64_t lim[2];
		if (kd_read_kv(s, t->signal + off + i * 16, lim, sizeof(lim)) < 0)
			return -1;
		kd_printf(s, "%12s", names[i]);
		for (int j = 0; j < 2; j++) {
			char buf[32];
			if (lim[j] == UINT64_MAX)
				strcpy(buf, "(unlimited)");
			else
				snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim[j]);
			centred(s, buf, j ? 11 : 17, j == 1);
		}
		kd_printf(s, "\n");
	}
	return 0;
}

/*
 * What %MEM is a share of, as crash computes it: the page frames below high_memory (the
 * direct map's end, holes included), or num_physpages on kernels that still have it, the
 * smaller of the two. Present pages (what sys shows) is a few hundred pages less, enough to
 * round a percentage the other way. Falls back to the present pages.
 */
static uint64_t mem_pct_pages(kd_session *s)
{
	uint64_t addr, high = 0, pa, pages = 0, phys = 0;
	if (kd_symbol_addr(s, "high_memory", &addr) == 0 && kd_read_kv(s, addr, &high, 8) == 0 && high &&
	    kd_kvtop(s, high - 1, &pa) == 0)
		pages = pa / kd_target(s)->page_size + 1;
	if (kd_symbol_addr(s, "num_physpages", &addr) == 0 && kd_read_kv(s, addr, &phys, 8) == 0 && phys &&
	    (!pages || phys < pages))
		pages = phys;
	kd_clear_error(s);
	return pages ? pages : kd_total_pages(s);
}

/* Each state with its count, in the order the states first appear in the task table (as crash counts them). */
static void show_summary(kd_session *s, const struct task_info **list, size_t n)
{
	struct {
		const char *name;
		size_t count;
	} seen[32];
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		const char *st = kd_task_state_name(list[i]);
		size_t k = 0;
		while (k < nseen && strcmp(seen[k].name, st) != 0)
			k++;
		if (k == nseen) {
			if (nseen == ARRAY_SIZE(seen))
				continue;
			seen[nseen].name = st;
			seen[nseen++].count = 0;
		}
		seen[k].count++;
	}
	for (size_t k = 0; k < nseen; k++)
		kd_printf(s, "  %s: %zu\n", seen[k].name, seen[k].count);
}

static int parse_policy(kd_session *s, const char *arg, int *policy)
{
	static const char *const names[] = {"NORMAL", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE"};
	for (int i = 0; i < (int)ARRAY_SIZE(names); i++)
		if (strcasecmp(arg, names[i]) == 0 || (arg[0] - '0' == i && !arg[1])) {
			*policy = i;
			return 0;
		}
	return kd_fail(s, "invalid scheduling policy: %s (NORMAL, FIFO, RR, BATCH, IDLE, DEADLINE or 0-6)", arg);
}

static int by_start_time(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a, *y = *(const struct task_info *const *)b;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The option tests, then (when tasks, names or patterns were given) one of them. */
static bool ps_match(const struct ps_opts *o, const struct task_info *t)
{
	if (!o->nregex)
		return kd_task_filter_match(&o->f, t);
	struct task_filter base = o->f;
	memset(&base.picked, 0, sizeof(base.picked));
	memset(&base.names, 0, sizeof(base.names));
	memset(&base.states, 0, sizeof(base.states));
	if (!kd_task_filter_match(&base, t))
		return false;
	if ((o->f.picked.len || o->f.names.len) && kd_task_filter_match(&o->f, t))
		return true;
	for (int i = 0; i < o->nregex; i++)
		if (regexec(&o->regex[i], t->comm, 0, NULL, 0) == 0)
			return true;
	return false;
}

static int run_view(kd_session *s, struct ps_opts *o, const struct kd_task_table *tt)
{
	VEC(const struct task_info *) list = {0};
	for (size_t i = 0; i < tt->len; i++)
		if (ps_match(o, &tt->tasks[i]))
			VEC_PUSH(&list, &tt->tasks[i]);
	bool selected = o->f.picked.len || o->f.names.len || o->nregex;
	/* ps -t over every task lists them in the order they started, as crash does */
	if (o->view == V_TIMES && !selected)
		kd_qsort(list.items, list.len, sizeof(*list.items), by_start_time);
	int rc = 0;
	switch (o->view) {
	case V_TABLE: {
		uint64_t total = mem_pct_pages(s);
		if (kd_json_active(s)) /* {"tasks": [...]}; the other views print their text */
			kd_json_array_begin(s, "tasks");
		else if (!o->no_header)
			table_header(s, o->kstack);
		for (size_t i = 0; i < list.len; i++)
			table_row(s, list.items[i], o->kstack, total);
		if (kd_json_active(s))
			kd_json_end(s);
		break;
	}
	case V_LAST:
	case V_LAST_MS:
		rc = show_last(s, tt, list.items, list.len, o->view == V_LAST_MS, selected ? NULL : o->cpus, selected);
		break;
	case V_SUMMARY: show_summary(s, list.items, list.len); break;
	default:
		for (size_t i = 0; i < list.len; i++) {
			const struct task_info *t = list.items[i];
			switch (o->view) {
			case V_PARENTS: show_parents(s, t); break;
			case V_CHILDREN: show_children(s, tt, t); break;
			case V_TIMES: show_times(s, t); break;
			case V_ARGS:
				if (show_args(s, t) < 0) {
					kd_printf(s, "ps: %s\n", kd_last_error(s));
					kd_clear_error(s);
				}
				break;
			case V_GROUP: show_group(s, tt, t); break;
			case V_RLIMITS: rc |= show_rlimits(s, t); break;
			default: break;
			}
			kd_printf(s, "\n"); /* crash ends each task's block with a blank line */
		}
	}
	VEC_FREE(&list);
	return rc ? -1 : 0;
}

/* -a, -t, -c, -p, -g, -l, -m, -r, -S and -A choose one view each. */
static int exclusive(kd_session *s, struct ps_opts *o, enum ps_view v, bool *active)
{
	bool is_active = v == V_TABLE;
	if ((o->view != V_TABLE && o->view != v) || (*active && !is_active) || (o->view != V_TABLE && is_active))
		return kd_fail(s, "-a, -t, -c, -p, -g, -l, -m, -S, -r and -A flags are all mutually-exclusive");
	if (is_active)
		*active = true;
	else
		o->view = v;
	return 0;
}

static void ps_opts_free(struct ps_opts *o)
{
	for (int i = 0; i < o->nregex; i++)
		regfree(&o->regex[i]);
	o->nregex = 0;
	free(o->cpus);
	o->cpus = NULL;
	kd_task_filter_free(&o->f);
}

static int cmd_ps(kd_session *s, int argc, char **argv)
{
	static const enum ps_view views[128] = {['g'] = V_GROUP, ['a'] = V_ARGS, ['t'] = V_TIMES, ['c'] = V_CHILDREN,
						['p'] = V_PARENTS, ['l'] = V_LAST, ['m'] = V_LAST_MS, ['r'] = V_RLIMITS,
						['S'] = V_SUMMARY, ['A'] = V_TABLE};
	struct ps_opts o = {.view = V_TABLE};
	kd_task_filter_init(&o.f);
	int c, rc = 0, nr_cpus = kd_target(s)->nr_cpus;
	bool active = false;
	while ((c = getopt(argc, argv, "HASgstcpkuGlmarC:y:")) != -1) {
		switch (c) {
		case 'k':
		case 'u':
			if (c == 'k' ? o.f.user_only : o.f.kernel_only) {
				ps_opts_free(&o);
				return kd_fail(s, "-u and -k are mutually exclusive");
			}
			*(c == 'k' ? &o.f.kernel_only : &o.f.user_only) = true;
			break;
		case 'G': o.f.leaders_only = true; break;
		case 's': o.kstack = true; break;
		case 'H': o.no_header = true; break;
		case 'g': case 'a': case 't': case 'c': case 'p': case 'l': case 'm': case 'r': case 'S': case 'A':
			if (exclusive(s, &o, views[c], &active) < 0) {
				ps_opts_free(&o);
				return -1;
			}
			break;
		case 'C':
			free(o.cpus);
			o.cpus = kd_xcalloc((size_t)(nr_cpus > 0 ? nr_cpus : 1), sizeof(bool));
			if (kd_parse_cpuspec(s, optarg, o.cpus, nr_cpus) < 0) {
				ps_opts_free(&o);
				return -1;
			}
			break;
		case 'y':
			if (parse_policy(s, optarg, &o.f.policy) < 0) {
				ps_opts_free(&o);
				return -1;
			}
			break;
		default: ps_opts_free(&o); return kd_usage(s);
		}
	}
	o.f.active_only = active;
	bool last = o.view == V_LAST || o.view == V_LAST_MS;
	if (o.cpus && !last) {
		kd_printf(s, "ps: -C option is only applicable with -l and -m\n");
		ps_opts_free(&o);
		return 0;
	}
	if (last && o.f.leaders_only) {
		ps_opts_free(&o);
		return kd_fail(s, "-G not supported with -%c option", o.view == V_LAST ? 'l' : 'm');
	}
	if (o.view == V_SUMMARY && (o.f.user_only || o.f.kernel_only || o.f.leaders_only)) {
		ps_opts_free(&o);
		return kd_fail(s, "-S option cannot be used with other options");
	}
	if (optind < argc && o.view == V_SUMMARY) {
		ps_opts_free(&o);
		return kd_fail(s, "-S option takes no arguments");
	}
	if (optind < argc && o.cpus)
		kd_printf(s, "ps: -C option is not applicable with specified tasks\n");
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt) {
		ps_opts_free(&o);
		return -1;
	}
	for (int i = optind; i < argc; i++) {
		uint64_t v;
		size_t len = strlen(argv[i]);
		if (kd_parse_u64(argv[i], &v) || kd_parse_hex_u64(argv[i], &v)) {
			const struct task_info *t = kd_task_from_arg(s, argv[i]);
			if (!t) {
				rc = -1;
				continue;
			}
			VEC_PUSH(&o.f.picked, t);
		} else if (len >= 2 && argv[i][0] == '\'' && argv[i][len - 1] == '\'') {
			/* 'pattern': an extended regular expression over the command name */
			if (o.nregex == PS_REGEX_MAX) {
				kd_printf(s, "ps: too many expressions specified!\n");
				continue;
			}
			char *pat = kd_xstrndup(argv[i] + 1, len - 2);
			if (regcomp(&o.regex[o.nregex], pat, REG_EXTENDED | REG_NOSUB) != 0) {
				kd_printf(s, "ps: invalid regular expression: %s\n", pat);
				free(pat);
				ps_opts_free(&o);
				return 0;
			}
			free(pat);
			o.nregex++;
		} else {
			VEC_PUSH(&o.f.names, argv[i][0] == '\\' ? argv[i] + 1 : argv[i]);
		}
	}
	if (rc == 0 || o.f.picked.len || o.f.names.len || o.nregex) {
		if (run_view(s, &o, tt) < 0)
			rc = -1;
	}
	ps_opts_free(&o);
	return rc;
}

const struct kd_command kd_cmd_ps = {
	"ps", cmd_ps, "ps [-k|-u|-G|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A|-H]\n     [pid | task | command] ...",
	"display process status information",
	"Lists tasks with their PID, parent PID, CPU, task address, state, memory use and\n"
	"command; active tasks (running on a CPU at the time of the dump) are marked >,\n"
	"kernel threads are shown in brackets. Arguments select tasks by PID, task\n"
	"address or command name.\n"
	"  -k  kernel threads only        -u  user tasks only\n"
	"  -G  thread group leaders only  -y  tasks of one scheduling policy (NORMAL, FIFO, RR, BATCH, IDLE, DEADLINE)\n"
	"  -s  kernel stack pointer instead of the task address\n"
	"  -p  parental hierarchy         -c  children\n"
	"  -t  run time, start time, user and system time\n"
	"  -l  last run timestamp (sched_info.last_arrival), most recent first\n"
	"  -m  time since the last run, as [days hh:mm:ss.ms]\n"
	"  -a  command line arguments and environment, read from user memory\n"
	"  -g  every thread of the thread group\n"
	"  -r  resource limits            -S  number of tasks in each state\n"
	"  -A  active tasks only        -H  no header line\n"
	"  -C cpus  with -l or -m: the tasks of these CPUs (a list such as 0,2-3, or\n"
	"           \"all\"), CPU by CPU\n"
	"Arguments: a PID, a task address, a command name (\\name for a name that\n"
	"looks like a number or an option), or 'regex', an extended regular expression\n"
	"matched against command names.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> ps | grep sshd\n"
	"  kdive> ps -a 1234\n"
	"  kdive> ps -G -u\n"
	"  kdive> ps 'kworker.*'\n"
	"  kdive> ps -m -C 1\n"
	"  kdive> ps -H -k | wc -l\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
