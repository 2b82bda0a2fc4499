/* Tasks: the task table (read once per session), lookups, state letters, context. */
#ifndef KDIVE_TASKS_H
#define KDIVE_TASKS_H

#include "target/session.h"

#include <kdive/tasks.h>

struct task_table {
	union {
		struct kd_task_table pub; /* what kd_tasks_get() returns */
		struct { KD_TASK_TABLE_FIELDS };
	};
	struct u64map by_addr;   /* task address -> index + 1 */
	struct mm_mem_cache *mm_mem; /* kd_task_mem's results per mm, built on first use (tasks.c) */
};

/* The table with its indexes (kd_tasks_get() is its public view). NULL with an error on failure. */
const struct task_table *tasks_table(kd_session *s);
/* First task with this pid (a process before its threads, as crash resolves pids). */
const struct task_info *task_by_pid(kd_session *s, int pid);
void tasks_free(kd_session *s);

#endif
