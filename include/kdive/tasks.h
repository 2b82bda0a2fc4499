/*
 * kdive public API: tasks. The task table is read once per session: every task_struct, with
 * what ps, bt and foreach need; lookups by address, pid or a command argument; crash's state
 * names and task header.
 */
#ifndef KDIVE_PUBLIC_TASKS_H
#define KDIVE_PUBLIC_TASKS_H

#include <kdive/common.h>
#include <kdive/util.h>

KD_BEGIN_DECLS

#define TASK_COMM_MAX 16

struct task_info {
	uint64_t task;    /* address of the task_struct */
	int pid, tgid;
	int ppid;
	uint64_t parent;  /* real_parent */
	char comm[TASK_COMM_MAX + 1];
	int cpu;
	uint64_t state;   /* __state or state */
	uint64_t exit_state;
	uint64_t mm;
	uint64_t stack;   /* bottom of the kernel stack (task->stack) */
	uint64_t thread_sp; /* saved kernel stack pointer of a task that is not running */
	uint64_t flags;   /* PF_* */
	unsigned policy;  /* SCHED_* */
	uint64_t start_time, utime, stime; /* ns */
	uint64_t last_arrival; /* sched_info.last_arrival, ns of the runqueue clock */
	uint64_t signal, group_leader;
	bool idle;        /* a per-CPU idle task (pid 0) */
	bool active;      /* running on its CPU at the time of the dump */
	bool kernel_thread; /* PF_KTHREAD (no mm of its own, on a kernel without task_struct.flags) */
};

#define PF_KTHREAD 0x00200000 /* include/linux/sched.h, unchanged since 2.6.27 */

/* The table: tasks (idle tasks first, then in init_task.tasks order with threads), and per CPU
 * the task running there (0 if unknown). */
#define KD_TASK_TABLE_FIELDS \
	struct task_info *tasks; \
	size_t len; \
	uint64_t *cpu_curr; \
	int nr_cpus;
struct kd_task_table {
	KD_TASK_TABLE_FIELDS
};

/* The table, built on first use and cached in the session. NULL with an error on failure. */
KD_API const struct kd_task_table *kd_tasks_get(kd_session *s);
KD_API const struct task_info *kd_task_find(kd_session *s, uint64_t task);
/* Read one task_struct outside the table (a task no list holds any more); -1 if unreadable. */
KD_API int kd_task_read(kd_session *s, uint64_t task, struct task_info *t);
/* A command argument: a PID (decimal) or a task address (hex). */
KD_API const struct task_info *kd_task_from_arg(kd_session *s, const char *arg);
/* Every task such an argument names, as crash's commands take it: a PID names every task that has
 * it (the idle tasks all have PID 0), a task address its task. Returns the first of *n tasks that
 * follow each other in memory, or NULL (an error set, *n 0) as kd_task_from_arg. */
KD_API const struct task_info *kd_tasks_from_arg(kd_session *s, const char *arg, size_t *n);
/* The task that panicked: on the panic CPU, or the one whose stack shows the crash. */
KD_API const struct task_info *kd_task_panic(kd_session *s);
/* The current context task (set by `set`); defaults to the panic task. */
KD_API const struct task_info *kd_task_current(kd_session *s);
/* Which tasks a command (ps, foreach) applies to: every test set must pass, and when tasks,
 * names or states are given, the task must be one of them. */
struct task_filter {
	bool kernel_only, user_only, leaders_only, active_only;
	int policy; /* -1 = any */
	VEC(const struct task_info *) picked;
	VEC(const char *) names;
	VEC(const char *) states;
};
KD_API void kd_task_filter_init(struct task_filter *f);
KD_API bool kd_task_filter_match(const struct task_filter *f, const struct task_info *t);
KD_API void kd_task_filter_free(struct task_filter *f);
/* RU IN UN ... as a selector word */
KD_API bool kd_task_state_word(const char *w);

/* crash's context block (set, kmem ADDR): "    PID: 1\nCOMMAND: \"init\"\n   TASK: ...  [THREAD_INFO: ...]\n
 *     CPU: 1\n  STATE: TASK_INTERRUPTIBLE \n", with (PANIC), (SYSRQ) or (ACTIVE) as crash marks the task. */
KD_API int kd_task_print_context(kd_session *s, const struct task_info *t);
/* crash's one-line task header: "PID: 1        TASK: ...  CPU: 0    COMMAND: "init"", indented. */
KD_API void kd_task_print_header(kd_session *s, const struct task_info *t, int indent);
/* A kernel thread as crash shows it, in brackets: an idle task or PF_KTHREAD (not merely "no mm"). */
KD_API bool kd_task_is_kthread(const struct task_info *t);
/* Memory of the task's mm: resident pages (file + anon + shmem) and total_vm, in pages. */
KD_API int kd_task_mem(kd_session *s, const struct task_info *t, uint64_t *rss_pages, uint64_t *vm_pages);
/* Physical pages the kernel manages (for %MEM): present pages of every node. */
KD_API uint64_t kd_total_pages(kd_session *s);

/* crash's two-letter state: RU IN UN ST TR ZO DE WA PA ID NE. */
KD_API const char *kd_task_state_name(const struct task_info *t);

KD_END_DECLS

#endif
