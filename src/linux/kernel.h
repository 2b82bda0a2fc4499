/* Kernel-structure helpers: the layer between symbols/types and commands. */
#ifndef KDIVE_KERNEL_H
#define KDIVE_KERNEL_H

#include "target/session.h"

int kernel_init(kd_session *s);
void kernel_free(kd_session *s);

/* Read an integer of the given size (1, 2, 4, 8) at a kernel address. */
int kd_read_int(kd_session *s, uint64_t addr, unsigned size, uint64_t *val);
/* Read a member of a structure at base, by name: "task_struct", "pid". */
int kd_read_member(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val);
int kd_read_member_ptr(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val);
/* Address of a per-CPU variable (symbol) on one CPU. */
int kd_per_cpu_addr(kd_session *s, const char *name, int cpu, uint64_t *addr);

/* When the kernel crashed (seconds since the epoch) and how long it had been up. */
int64_t kd_kernel_crash_time(kd_session *s);
uint64_t kd_kernel_uptime(kd_session *s);

/* vmlinux's own banner, read from the file (not the dump). */
int vmlinux_banner(kd_session *s, char *buf, size_t size);

/* Tasks */
struct task_list {
	uint64_t *tasks;
	size_t len;
	char broken[256]; /* why a list walk broke (the rest was found walking it backwards), "" if none did */
};
/* Every task: processes through init_task.tasks and each one's threads; idle tasks first. */
int kd_tasks_collect(kd_session *s, struct task_list *out);
void kd_task_list_free(struct task_list *l);
int kd_task_pgd(kd_session *s, uint64_t task, uint64_t *pgd);

#endif
