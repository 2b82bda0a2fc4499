#include "linux/tasks.h"

#include <string.h>
#include <unistd.h>

#include "linux/kernel.h"
#include "debuginfo/types.h"

/* The task_struct members the table keeps: one typed read per task (kd_read_struct). */
enum {
	TF_PID, TF_TGID, TF_COMM, TF_MM, TF_PARENT, TF_STATE, TF_STATE_OLD, TF_EXIT_STATE, TF_STACK, TF_CPU,
	TF_CPU_OLD, TF_THREAD_SP, TF_FLAGS, TF_POLICY, TF_START_TIME, TF_UTIME, TF_STIME, TF_LAST_ARRIVAL, TF_SIGNAL,
	TF_GROUP_LEADER, TF_N
};
#define TF(field, member, flags) KD_FIELD(struct task_info, field, member, flags)
#define OPT KD_FIELD_OPTIONAL
static const struct kd_field task_fields[TF_N] = {
	[TF_PID] = TF(pid, "pid", 0),
	[TF_TGID] = TF(tgid, "tgid", 0),
	[TF_COMM] = TF(comm, "comm", 0), /* char[16] into comm[17]: the last byte zeroed */
	[TF_MM] = TF(mm, "mm", 0),
	[TF_PARENT] = TF(parent, "real_parent", 0),
	[TF_STATE] = TF(state, "__state", OPT), /* 5.14+ */
	[TF_STATE_OLD] = TF(state, "state", OPT),
	[TF_EXIT_STATE] = TF(exit_state, "exit_state", OPT),
	[TF_STACK] = TF(stack, "stack", OPT),
	[TF_CPU] = TF(cpu, "thread_info.cpu", OPT), /* 5.16+ */
	[TF_CPU_OLD] = TF(cpu, "cpu", OPT),
	[TF_THREAD_SP] = TF(thread_sp, "thread.sp", OPT),
	[TF_FLAGS] = TF(flags, "flags", OPT),
	[TF_POLICY] = TF(policy, "policy", OPT),
	[TF_START_TIME] = TF(start_time, "start_time", OPT),
	[TF_UTIME] = TF(utime, "utime", OPT),
	[TF_STIME] = TF(stime, "stime", OPT),
	[TF_LAST_ARRIVAL] = TF(last_arrival, "sched_info.last_arrival", OPT),
	[TF_SIGNAL] = TF(signal, "signal", OPT),
	[TF_GROUP_LEADER] = TF(group_leader, "group_leader", OPT),
};
#undef OPT
#undef TF

/* -1 when the task_struct cannot be read (its page is not in the dump), or this kernel lacks a member it must have. */
static int read_task(kd_session *s, uint64_t task, struct task_info *t)
{
	uint64_t missing;
	memset(t, 0, sizeof(*t));
	t->task = task;
	t->cpu = -1;
	if (kd_read_struct(s, task, "task_struct", task_fields, TF_N, t, &missing) < 0)
		return -1;
	/*
	 * The kernel's own word (PF_KTHREAD, 2.6.27+), as crash asks it: a zombie or an exiting
	 * user process has lost its mm but is no kernel thread. Only a kernel without the flags
	 * member falls back to "no mm".
	 */
	t->kernel_thread = !(missing & (1ULL << TF_FLAGS)) ? (t->flags & PF_KTHREAD) != 0 : t->mm == 0;
	/* A name in every table a task is listed in, one row each: a control byte (an escape sequence, a
	 * newline) that a corrupt or hostile comm holds is shown as '?', as ps(1) shows it. */
	str_mask_controls(t->comm);
	return 0;
}

static void read_cpu_curr(kd_session *s, struct task_table *tt)
{
	tt->nr_cpus = s->ki.nr_cpus;
	tt->cpu_curr = xcalloc((size_t)tt->nr_cpus, sizeof(uint64_t));
	uint64_t curr_off = kd_member_offset_opt(s, "rq", "curr");
	for (int cpu = 0; curr_off != UINT64_MAX && cpu < tt->nr_cpus; cpu++) {
		uint64_t rq;
		if (kd_per_cpu_addr(s, "runqueues", cpu, &rq) == 0)
			kd_read_kv(s, rq + curr_off, &tt->cpu_curr[cpu], 8);
	}
	kd_err_clear(&s->err);
}

/* crash orders tasks by PID; the idle tasks (all PID 0) stay in CPU order. */
static int by_pid(const void *a, const void *b)
{
	const struct task_info *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->idle && y->idle)
		return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
	return x->task < y->task ? -1 : x->task > y->task;
}

const struct task_table *tasks_table(kd_session *s)
{
	if (s->task_table)
		return s->task_table;
	if (!mem_available(s)) {
		kd_fail(s, "no dump is open");
		return NULL;
	}
	struct task_list list;
	if (kd_struct_check(s, "task_struct", task_fields, TF_N, NULL) < 0 || kd_tasks_collect(s, &list) < 0)
		return NULL;
	struct task_table *tt = xcalloc(1, sizeof(*tt));
	tt->tasks = xcalloc(list.len ? list.len : 1, sizeof(*tt->tasks));
	u64map_init(&tt->by_addr);
	read_cpu_curr(s, tt);
	uint64_t init_task = 0;
	kd_symbol_addr(s, "init_task", &init_task);
	size_t unreadable = 0;
	char first_err[256] = "";
	for (size_t i = 0; i < list.len; i++) {
		struct task_info *t = &tt->tasks[tt->len];
		if (read_task(s, list.tasks[i], t) < 0) {
			/* As crash does: a task that cannot be read is left out, not shown as garbage. */
			if (!unreadable++)
				snprintf(first_err, sizeof(first_err), "%s", kd_last_error(s));
			kd_err_clear(&s->err);
			continue;
		}
		t->idle = t->pid == 0;
		if (t->idle && list.tasks[i] == init_task)
			t->cpu = t->cpu < 0 ? 0 : t->cpu;
		tt->len++;
	}
	kd_qsort(tt->tasks, tt->len, sizeof(*tt->tasks), by_pid);
	for (size_t i = 0; i < tt->len; i++)
		u64map_put(&tt->by_addr, tt->tasks[i].task, (void *)(uintptr_t)(i + 1));
	for (size_t i = 0; i < tt->len; i++) {
		struct task_info *t = &tt->tasks[i];
		const struct task_info *p = NULL;
		uintptr_t j = (uintptr_t)u64map_get(&tt->by_addr, t->parent);
		if (j)
			p = &tt->tasks[j - 1];
		t->ppid = p && !t->idle ? p->pid : 0; /* crash shows 0 for the idle tasks */
		for (int cpu = 0; cpu < tt->nr_cpus; cpu++)
			if (tt->cpu_curr[cpu] == t->task)
				t->active = true;
	}
	/* Said once, on the error stream (the tables themselves show what could be read, as crash's do). */
	if (list.broken[0] || unreadable)
		fprintf(stderr, "kdive: warning: the task list is damaged in this dump (%s%s%s); %zu tasks found%s\n",
			list.broken[0] ? list.broken : "", list.broken[0] && unreadable ? "; " : "",
			unreadable ? first_err : "", tt->len,
			unreadable ? ", the unreadable ones left out" : " by walking it from both ends");
	kd_task_list_free(&list);
	kd_err_clear(&s->err);
	s->task_table = tt;
	return tt;
}

const struct kd_task_table *kd_tasks_get(kd_session *s)
{
	const struct task_table *tt = tasks_table(s);
	return tt ? &tt->pub : NULL;
}

static void mm_mem_free(struct mm_mem_cache *c);

void tasks_free(kd_session *s)
{
	struct task_table *tt = s->task_table;
	if (!tt)
		return;
	free(tt->tasks);
	free(tt->cpu_curr);
	u64map_free(&tt->by_addr);
	mm_mem_free(tt->mm_mem);
	free(tt);
	s->task_table = NULL;
}

int kd_task_read(kd_session *s, uint64_t task, struct task_info *t)
{
	if (kd_struct_check(s, "task_struct", task_fields, TF_N, NULL) < 0)
		return -1;
	if (read_task(s, task, t) < 0)
		return kd_fail(s, "task_struct at %llx cannot be read", (unsigned long long)task);
	return 0;
}

const struct task_info *kd_task_find(kd_session *s, uint64_t task)
{
	const struct task_table *tt = tasks_table(s);
	if (!tt)
		return NULL;
	uintptr_t j = (uintptr_t)u64map_get(&tt->by_addr, task);
	if (!j) {
		kd_fail(s, "%llx: not a task address", (unsigned long long)task);
		return NULL;
	}
	return &tt->tasks[j - 1];
}

const struct task_info *task_by_pid(kd_session *s, int pid)
{
	const struct task_table *tt = tasks_table(s);
	if (!tt)
		return NULL;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].pid == pid)
			return &tt->tasks[i];
	kd_fail(s, "no task with pid %d", pid);
	return NULL;
}

const struct task_info *kd_task_from_arg(kd_session *s, const char *arg)
{
	uint64_t v;
	if (kd_parse_u64(arg, &v) && v < 4194304 + 1 && strncmp(arg, "0x", 2) != 0 && strlen(arg) < 10)
		return task_by_pid(s, (int)v);
	if (kd_parse_hex_u64(arg, &v))
		return kd_task_find(s, v);
	kd_fail(s, "invalid task or pid value: %s", arg);
	return NULL;
}

const struct task_info *kd_tasks_from_arg(kd_session *s, const char *arg, size_t *n)
{
	*n = 0;
	const struct task_info *t = kd_task_from_arg(s, arg);
	if (!t)
		return NULL;
	*n = 1;
	uint64_t v;
	const struct task_table *tt = s->task_table;
	if (!kd_parse_u64(arg, &v) || strncmp(arg, "0x", 2) == 0 || (uint64_t)t->pid != v || !tt ||
	    t < tt->tasks || t >= tt->tasks + tt->len)
		return t;
	/* the table is sorted by PID and task_by_pid found the first of them */
	while (t + *n < tt->tasks + tt->len && t[*n].pid == t->pid)
		(*n)++;
	return t;
}

const struct task_info *kd_task_panic(kd_session *s)
{
	if (kd_target(s)->live) /* the running kernel did not panic */
		return NULL;
	const struct task_table *tt = tasks_table(s);
	if (!tt)
		return NULL;
	int cpu = s->ki.panic_cpu;
	if (cpu >= 0 && cpu < tt->nr_cpus && tt->cpu_curr[cpu]) {
		const struct task_info *t = kd_task_find(s, tt->cpu_curr[cpu]);
		if (t)
			return t;
	}
	kd_err_clear(&s->err);
	/* No panic CPU recorded: the first active non-idle task, else CPU 0's. */
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].active && !tt->tasks[i].idle)
			return &tt->tasks[i];
	return tt->len ? &tt->tasks[0] : NULL;
}

const struct task_info *kd_task_current(kd_session *s)
{
	if (s->cur_task) {
		const struct task_info *t = kd_task_find(s, s->cur_task);
		if (t)
			return t;
	}
	if (kd_target(s)->live) {
		/* On the running kernel the default context is kdive's own task, as crash's is its own. */
		const struct task_table *tt = tasks_table(s);
		for (size_t i = 0; tt && i < tt->len; i++)
			if (tt->tasks[i].pid == (int)getpid() && !tt->tasks[i].idle)
				return &tt->tasks[i];
		return tt ? (kd_fail(s, "kdive's own task (pid %d) is not in the task list", (int)getpid()), NULL) : NULL;
	}
	return kd_task_panic(s);
}

void kd_task_filter_init(struct task_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->policy = -1;
}

void kd_task_filter_free(struct task_filter *f)
{
	VEC_FREE(&f->picked);
	VEC_FREE(&f->names);
	VEC_FREE(&f->states);
}

bool kd_task_state_word(const char *w)
{
	static const char *const states[] = {"RU", "IN", "UN", "ST", "TR", "ZO", "DE", "SW", "WA", "PA", "ID", "NE"};
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (strcmp(w, states[i]) == 0)
			return true;
	return false;
}

bool kd_task_filter_match(const struct task_filter *f, const struct task_info *t)
{
	if ((f->kernel_only && !kd_task_is_kthread(t)) || (f->user_only && kd_task_is_kthread(t)) ||
	    (f->leaders_only && t->pid != t->tgid) || (f->active_only && !t->active) ||
	    (f->policy >= 0 && (int)t->policy != f->policy))
		return false;
	if (!f->picked.len && !f->names.len && !f->states.len)
		return true;
	for (size_t i = 0; i < f->picked.len; i++)
		if (f->picked.items[i] == t)
			return true;
	for (size_t i = 0; i < f->names.len; i++)
		if (strcmp(f->names.items[i], t->comm) == 0)
			return true;
	for (size_t i = 0; i < f->states.len; i++)
		if (strcmp(f->states.items[i], kd_task_state_name(t)) == 0)
			return true;
	return false;
}

/* The task state bits, by name: from the kernel's task_state_array ("R (running)", "S (sleeping)",
 * ...: the first is 0, the others 1, 2, 4, ...), and the states it does not list after "(parked)"
 * (TASK_DEAD, TASK_WAKEKILL, TASK_WAKING, TASK_NOLOAD, TASK_NEW), as crash derives them. */
struct state_bits {
	uint64_t interruptible, uninterruptible, stopped, traced, dead, zombie, parked, wakekill, waking, noload, new_;
};

static void task_state_bits(kd_session *s, struct state_bits *b)
{
	/* the defaults: the values since 4.14 */
	*b = (struct state_bits){0x1, 0x2, 0x4, 0x8, 0x10 | 0x80, 0x20, 0x40, 0x100, 0x200, 0x400, 0x800};
	const kd_type *t = kd_symbol_lookup(s, "task_state_array") ? kd_var_type(s, "task_state_array") : NULL;
	uint64_t addr, n = t ? kd_type_sizeof(s, t) / 8 : 0, bit = 0;
	if (!n || n > 32 || kd_symbol_addr(s, "task_state_array", &addr) < 0) {
		kd_clear_error(s);
		return;
	}
	struct state_bits f = {0};
	for (uint64_t i = 0; i < n; i++, bit = bit ? bit << 1 : 1) {
		uint64_t str;
		char name[32];
		if (kd_read_u64(s, addr + i * 8, &str) < 0 || kd_read_string(s, str, name, sizeof(name)) < 0) {
			kd_clear_error(s);
			return;
		}
		if (strstr(name, "(sleeping)"))
			f.interruptible = bit;
		else if (strstr(name, "(disk sleep)"))
			f.uninterruptible = bit;
		else if (strstr(name, "(stopped)"))
			f.stopped = bit;
		else if (strstr(name, "(tracing stop)"))
			f.traced |= bit;
		else if (strstr(name, "(dead)"))
			f.dead |= bit;
		else if (strstr(name, "(zombie)"))
			f.zombie = bit;
		else if (strstr(name, "(parked)"))
			f.parked = bit;
	}
	if (!f.interruptible || !f.uninterruptible || !f.stopped || !f.zombie || !f.parked)
		return;
	f.dead |= f.parked << 1;
	f.wakekill = f.parked << 2;
	f.waking = f.parked << 3;
	f.noload = f.parked << 4;
	f.new_ = f.parked << 5;
	*b = f;
}

/* crash's long state of a task (its __state with its exit_state): every state bit set, by name. */
static void state_long(kd_session *s, const struct task_info *t, char *buf, size_t size)
{
	struct state_bits b;
	task_state_bits(s, &b);
	uint64_t st = t->state | t->exit_state;
	buf[0] = 0;
	if (st == 0) {
		snprintf(buf, size, "TASK_RUNNING");
		return;
	}
	if (st == b.parked) {
		snprintf(buf, size, "TASK_PARKED");
		return;
	}
	const struct {
		uint64_t bit;
		const char *name;
	} names[] = {{b.interruptible, "TASK_INTERRUPTIBLE"}, {b.uninterruptible, "TASK_UNINTERRUPTIBLE"},
		     {b.stopped, "TASK_STOPPED"}, {b.traced, "TASK_TRACED"}, {b.dead, NULL}, {b.zombie, "EXIT_ZOMBIE"},
		     {b.waking, "TASK_WAKING"}, {b.wakekill, "TASK_WAKEKILL"}, {b.noload, "TASK_NOLOAD"},
		     {b.new_, "TASK_NEW"}};
	size_t len = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names) && len < size; i++) {
		uint64_t both = st & names[i].bit;
		if (!both)
			continue;
		const char *name = names[i].name ? names[i].name : __builtin_popcountll(both) > 1 ? "EXIT_DEAD|TASK_DEAD" : "EXIT_DEAD";
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "", name);
	}
}

static bool crash_was_sysrq(kd_session *s)
{
	struct kd_log_records r;
	bool sysrq = false;
	if (kd_log_read(s, &r) == 0)
		for (size_t i = 0; i < r.len && !sysrq; i++)
			sysrq = strstr(r.items[i].text, "sysrq: Trigger a crash") || strstr(r.items[i].text, "SysRq : Trigger a crash");
	kd_clear_error(s);
	kd_log_records_free(&r);
	return sysrq;
}

int kd_task_print_context(kd_session *s, const struct task_info *t)
{
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	size_t same = 0, nth = 0;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].pid == t->pid) {
			same++;
			if (&tt->tasks[i] == t)
				nth = same;
		}
	kd_printf(s, "    PID: %d\nCOMMAND: \"%s\"\n   TASK: %llx  ", t->pid, t->comm, (unsigned long long)t->task);
	if (same > 1)
		kd_printf(s, "(%zu of %zu)  ", nth, same);
	char state[160];
	state_long(s, t, state, sizeof(state));
	kd_printf(s, "[THREAD_INFO: %llx]\n    CPU: %d\n  STATE: %s ", (unsigned long long)t->task, t->cpu, state);
	const struct task_info *p = kd_task_panic(s);
	/* A kdump capture (CRASHTIME) names the panicking task itself; other dumps fall back on the
	 * log, and crash then says SYSRQ when the log shows a sysrq-triggered crash. */
	if (p == t && kd_target(s)->panic_cpu >= 0)
		kd_printf(s, !kd_vmcoreinfo(s, "CRASHTIME", NULL) && crash_was_sysrq(s) ? "(SYSRQ)" : "(PANIC)");
	else if (t->active)
		kd_printf(s, "(ACTIVE)");
	kd_printf(s, "\n");
	return 0;
}

void kd_task_print_header(kd_session *s, const struct task_info *t, int indent)
{
	kd_printf(s, "%*sPID: %-8d TASK: %llx  CPU: %-3d  COMMAND: \"%s\"\n", indent, "", t->pid, (unsigned long long)t->task,
		  t->cpu, t->comm);
}

bool kd_task_is_kthread(const struct task_info *t)
{
	return t->idle || t->kernel_thread;
}

uint64_t kd_total_pages(kd_session *s)
{
	uint64_t addr, nodes = 1, total = 0, off = kd_member_offset_opt(s, "pglist_data", "node_present_pages");
	if (off == UINT64_MAX)
		return 0;
	if (kd_symbol_addr(s, "node_data", &addr) == 0) {
		uint64_t nr;
		if (kd_symbol_addr(s, "nr_node_ids", &nr) == 0 && kd_read_int(s, nr, 4, &nodes) == 0 && (nodes == 0 || nodes > 1024))
			nodes = 1;
		for (uint64_t n = 0; n < nodes; n++) {
			uint64_t pgdat, pages;
			if (kd_read_kv(s, addr + n * 8, &pgdat, 8) == 0 && pgdat && kd_read_int(s, pgdat + off, 8, &pages) == 0)
				total += pages;
		}
	} else if (kd_symbol_addr(s, "contig_page_data", &addr) == 0) {
		kd_read_int(s, addr + off, 8, &total);
	}
	kd_err_clear(&s->err);
	return total;
}

/* a + b held at INT64_MAX or INT64_MIN: counters read from a corrupt dump may be anything */
static int64_t add_saturated(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* One mm counter: an atomic_long (6.1) or a percpu_counter summed over CPUs (6.2+). */
static int64_t rss_counter(kd_session *s, uint64_t mm, uint64_t rss_off, int idx, bool percpu, uint64_t pc_size,
			   uint64_t pc_count, uint64_t pc_counters)
{
	if (!percpu) {
		uint64_t v = 0;
		kd_read_int(s, mm + rss_off + (uint64_t)idx * 8, 8, &v);
		return (int64_t)v;
	}
	uint64_t base = mm + rss_off + (uint64_t)idx * pc_size, count = 0, counters = 0;
	kd_read_int(s, base + pc_count, 8, &count);
	int64_t sum = (int64_t)count;
	if (kd_read_kv(s, base + pc_counters, &counters, 8) == 0 && counters)
		for (int cpu = 0; cpu < s->ki.nr_cpus; cpu++) {
			uint64_t v;
			if (kd_read_int(s, counters + s->ki.per_cpu_offset[cpu], 4, &v) == 0)
				sum = add_saturated(sum, (int32_t)v);
		}
	return sum;
}

/* kd_task_mem's cache: every mm of the table with the per-thread RSS deltas of its tasks summed
 * (one pass over the tasks), and each mm's RSS and total_vm once asked for. Without it,
 * ps on a process of N threads read N x N task counters. */
struct mm_mem {
	int64_t thread_rss; /* sum of task->rss_stat over the tasks of this mm (6.1) */
	uint64_t rss, vm;   /* pages */
	bool done;
};
struct mm_mem_cache {
	struct u64map by_mm; /* mm -> index + 1 into vals */
	struct mm_mem *vals;
	size_t len;
};

static void mm_mem_free(struct mm_mem_cache *c)
{
	if (!c)
		return;
	u64map_free(&c->by_mm);
	free(c->vals);
	free(c);
}

/* MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES: resident = all but swap entries. */
static const int resident_counters[] = {0, 1, 3};

static struct mm_mem_cache *mm_mem_build(kd_session *s, const struct task_table *tt)
{
	struct mm_mem_cache *c = xcalloc(1, sizeof(*c));
	u64map_init(&c->by_mm);
	c->vals = xcalloc(tt->len ? tt->len : 1, sizeof(*c->vals));
	/* 6.1 keeps per-thread deltas (SPLIT_RSS_COUNTING) in task->rss_stat: add every thread's. */
	static const struct kd_field rss_field = {"rss_stat.count", 0, sizeof(int32_t[4]), 0};
	bool task_rss = kd_member_exists(s, "task_struct", "rss_stat.count");
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		if (!t->mm)
			continue;
		uintptr_t j = (uintptr_t)u64map_get(&c->by_mm, t->mm);
		if (!j) {
			j = ++c->len;
			u64map_put(&c->by_mm, t->mm, (void *)j);
		}
		int32_t count[4]; /* MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES */
		if (!task_rss || kd_read_struct(s, t->task, "task_struct", &rss_field, 1, count, NULL) < 0)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(resident_counters); k++)
			c->vals[j - 1].thread_rss = add_saturated(c->vals[j - 1].thread_rss, count[resident_counters[k]]);
	}
	kd_err_clear(&s->err);
	return c;
}

int kd_task_mem(kd_session *s, const struct task_info *t, uint64_t *rss_pages, uint64_t *vm_pages)
{
	*rss_pages = *vm_pages = 0;
	if (!t->mm || kd_task_is_kthread(t))
		return 0;
	uint64_t rss_off, vm;
	if (kd_member_offset(s, "mm_struct", "rss_stat", &rss_off) < 0)
		return -1;
	struct task_table *tt = s->task_table;
	if (!tt && tasks_table(s))
		tt = s->task_table;
	kd_err_clear(&s->err);
	struct mm_mem *m = NULL, one = {0};
	if (tt) {
		if (!tt->mm_mem)
			tt->mm_mem = mm_mem_build(s, tt);
		uintptr_t j = (uintptr_t)u64map_get(&tt->mm_mem->by_mm, t->mm);
		if (j)
			m = &tt->mm_mem->vals[j - 1];
	}
	if (!m)
		m = &one; /* a task outside the table: no thread deltas */
	if (!m->done) {
		if (kd_read_member(s, t->mm, "mm_struct", "total_vm", &vm) == 0)
			m->vm = vm;
		uint64_t pc_size = kd_type_size_opt(s, "percpu_counter");
		uint64_t pc_count = kd_member_offset_opt(s, "percpu_counter", "count");
		uint64_t pc_counters = kd_member_offset_opt(s, "percpu_counter", "counters");
		bool percpu = kd_member_offset_opt(s, "mm_rss_stat", "count") == UINT64_MAX && pc_size != UINT64_MAX;
		int64_t rss = m->thread_rss;
		for (size_t i = 0; i < ARRAY_SIZE(resident_counters); i++)
			rss = add_saturated(rss, rss_counter(s, t->mm, rss_off, resident_counters[i], percpu, pc_size, pc_count,
							     pc_counters));
		m->rss = rss < 0 ? 0 : (uint64_t)rss;
		m->done = true;
		kd_err_clear(&s->err);
	}
	*rss_pages = m->rss;
	*vm_pages = m->vm;
	return 0;
}

const char *kd_task_state_name(const struct task_info *t)
{
	if (t->exit_state & 0x20)
		return "ZO";
	if (t->exit_state & 0x10)
		return "DE";
	uint64_t st = t->state;
	if (st == 0)
		return "RU";
	if (st & 0x800)
		return "NE";
	if ((st & 0x402) == 0x402)
		return "ID";
	if (st & 0x1)
		return "IN";
	if (st & 0x2)
		return "UN";
	if (st & 0x4)
		return "ST";
	if (st & 0x8)
		return "TR";
	if (st & 0x40)
		return "PA";
	if (st & 0x200)
		return "WA";
	return "??";
}
