#include "tasks.h"

#include <string.h>

#include "kernel.h"
#include "types.h"

struct task_offsets {
	uint64_t pid, tgid, comm, state, exit_state, mm, stack, real_parent, cpu, thread_sp;
	bool state_is_4bytes;
};

static int offsets(kd_session *s, struct task_offsets *o)
{
	if (member_off(s, "task_struct", "pid", &o->pid) < 0 || member_off(s, "task_struct", "tgid", &o->tgid) < 0 ||
	    member_off(s, "task_struct", "comm", &o->comm) < 0 || member_off(s, "task_struct", "mm", &o->mm) < 0 ||
	    member_off(s, "task_struct", "real_parent", &o->real_parent) < 0)
		return -1;
	o->state = member_off_opt(s, "task_struct", "__state"); /* 5.14+ */
	o->state_is_4bytes = true;
	if (o->state == UINT64_MAX) {
		o->state = member_off_opt(s, "task_struct", "state");
		o->state_is_4bytes = false;
	}
	o->exit_state = member_off_opt(s, "task_struct", "exit_state");
	o->stack = member_off_opt(s, "task_struct", "stack");
	o->cpu = member_off_opt(s, "task_struct", "thread_info.cpu"); /* 5.16+ */
	if (o->cpu == UINT64_MAX)
		o->cpu = member_off_opt(s, "task_struct", "cpu");
	o->thread_sp = member_off_opt(s, "task_struct", "thread.sp");
	return 0;
}

static void read_task(kd_session *s, const struct task_offsets *o, uint64_t task, struct task_info *t)
{
	uint64_t v;
	memset(t, 0, sizeof(*t));
	t->task = task;
	t->cpu = -1;
	if (read_int(s, task + o->pid, 4, &v) == 0)
		t->pid = (int)(int32_t)v;
	if (read_int(s, task + o->tgid, 4, &v) == 0)
		t->tgid = (int)(int32_t)v;
	if (mem_read_kv(s, task + o->comm, t->comm, TASK_COMM_MAX) < 0)
		strcpy(t->comm, "(unreadable)");
	t->comm[TASK_COMM_MAX] = '\0';
	if (o->state != UINT64_MAX && read_int(s, task + o->state, o->state_is_4bytes ? 4 : 8, &v) == 0)
		t->state = v;
	if (o->exit_state != UINT64_MAX && read_int(s, task + o->exit_state, 4, &v) == 0)
		t->exit_state = v;
	mem_read_kv(s, task + o->mm, &t->mm, 8);
	if (o->stack != UINT64_MAX)
		mem_read_kv(s, task + o->stack, &t->stack, 8);
	if (o->cpu != UINT64_MAX && read_int(s, task + o->cpu, 4, &v) == 0)
		t->cpu = (int)(int32_t)v;
	if (o->thread_sp != UINT64_MAX)
		mem_read_kv(s, task + o->thread_sp, &t->thread_sp, 8);
	mem_read_kv(s, task + o->real_parent, &t->parent, 8);
	t->kernel_thread = t->mm == 0;
	kd_err_clear(&s->err);
}

static void read_cpu_curr(kd_session *s, struct task_table *tt)
{
	tt->nr_cpus = s->ki.nr_cpus;
	tt->cpu_curr = xcalloc((size_t)tt->nr_cpus, sizeof(uint64_t));
	uint64_t curr_off = member_off_opt(s, "rq", "curr");
	for (int cpu = 0; curr_off != UINT64_MAX && cpu < tt->nr_cpus; cpu++) {
		uint64_t rq;
		if (per_cpu_addr(s, "runqueues", cpu, &rq) == 0)
			mem_read_kv(s, rq + curr_off, &tt->cpu_curr[cpu], 8);
	}
	kd_err_clear(&s->err);
}

const struct task_table *tasks_get(kd_session *s)
{
	if (s->task_table)
		return s->task_table;
	if (!s->dump) {
		kd_fail(s, "no dump is open");
		return NULL;
	}
	struct task_offsets o;
	struct task_list list;
	if (offsets(s, &o) < 0 || tasks_collect(s, &list) < 0)
		return NULL;
	struct task_table *tt = xcalloc(1, sizeof(*tt));
	tt->tasks = xcalloc(list.len ? list.len : 1, sizeof(*tt->tasks));
	u64map_init(&tt->by_addr);
	read_cpu_curr(s, tt);
	uint64_t init_task = 0;
	sym_addr(s, "init_task", &init_task);
	for (size_t i = 0; i < list.len; i++) {
		struct task_info *t = &tt->tasks[tt->len];
		read_task(s, &o, list.tasks[i], t);
		t->idle = t->pid == 0;
		if (t->idle && list.tasks[i] == init_task)
			t->cpu = t->cpu < 0 ? 0 : t->cpu;
		u64map_put(&tt->by_addr, t->task, (void *)(uintptr_t)(tt->len + 1));
		tt->len++;
	}
	for (size_t i = 0; i < tt->len; i++) {
		struct task_info *t = &tt->tasks[i];
		const struct task_info *p = NULL;
		uintptr_t j = (uintptr_t)u64map_get(&tt->by_addr, t->parent);
		if (j)
			p = &tt->tasks[j - 1];
		t->ppid = p ? p->pid : 0;
		for (int cpu = 0; cpu < tt->nr_cpus; cpu++)
			if (tt->cpu_curr[cpu] == t->task)
				t->active = true;
	}
	task_list_free(&list);
	kd_err_clear(&s->err);
	s->task_table = tt;
	return tt;
}

void tasks_free(kd_session *s)
{
	struct task_table *tt = s->task_table;
	if (!tt)
		return;
	free(tt->tasks);
	free(tt->cpu_curr);
	u64map_free(&tt->by_addr);
	free(tt);
	s->task_table = NULL;
}

const struct task_info *task_find(kd_session *s, uint64_t task)
{
	const struct task_table *tt = tasks_get(s);
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
	const struct task_table *tt = tasks_get(s);
	if (!tt)
		return NULL;
	for (size_t i = 0; i < tt->len; i++)
		if (tt->tasks[i].pid == pid)
			return &tt->tasks[i];
	kd_fail(s, "no task with pid %d", pid);
	return NULL;
}

const struct task_info *task_from_arg(kd_session *s, const char *arg)
{
	uint64_t v;
	if (parse_u64(arg, &v) && v < 4194304 + 1 && strncmp(arg, "0x", 2) != 0 && strlen(arg) < 10)
		return task_by_pid(s, (int)v);
	if (parse_hex_u64(arg, &v))
		return task_find(s, v);
	kd_fail(s, "invalid task or pid value: %s", arg);
	return NULL;
}

const struct task_info *task_panic(kd_session *s)
{
	const struct task_table *tt = tasks_get(s);
	if (!tt)
		return NULL;
	int cpu = s->ki.panic_cpu;
	if (cpu >= 0 && cpu < tt->nr_cpus && tt->cpu_curr[cpu]) {
		const struct task_info *t = task_find(s, tt->cpu_curr[cpu]);
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

const struct task_info *task_current(kd_session *s)
{
	if (s->cur_task) {
		const struct task_info *t = task_find(s, s->cur_task);
		if (t)
			return t;
	}
	return task_panic(s);
}

const char *task_state_name(const struct task_info *t)
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
