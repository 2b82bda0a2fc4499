/* runq: each CPU's run queue (current task, RT priority array, CFS tree), as crash shows it. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define CFS_GROUP_DEPTH_MAX 64 /* task groups nest a few levels deep; a cycle of them would not end */

struct runq_ctx {
	uint64_t se_off, my_q_off, timeline_off, prio_off;
	uint64_t root_off;     /* the rb_root in cfs_rq (tasks_timeline, or its rb_root when an rb_root_cached) */
	uint64_t run_node_off; /* sched_entity.run_node */
	bool timestamps;
	int indent;
	int count;
	int depth; /* task groups being walked */
};

static void task_entry(kd_session *s, const struct runq_ctx *c, uint64_t task)
{
	const struct task_info *t = kd_task_find(s, task);
	struct task_info tmp;
	kd_clear_error(s);
	/*
	 * Not in the task table: a task that exited and was released (EXIT_DEAD, unlinked from
	 * every list) but is still queued for its last schedule. A real entry of the queue.
	 */
	if (!t && kd_task_read(s, task, &tmp) == 0)
		t = &tmp;
	kd_clear_error(s);
	uint64_t prio = 0;
	kd_read_int(s, task + c->prio_off, 4, &prio);
	kd_clear_error(s);
	kd_printf(s, "%*s[%3d] PID: %-6d TASK: %llx  COMMAND: \"%s\"\n", c->indent, "", (int)prio, t ? t->pid : -1,
		  (unsigned long long)task, t ? t->comm : "?");
}

static int cfs_tree(kd_session *s, struct runq_ctx *c, uint64_t cfs_rq);

static int cfs_node(kd_session *s, uint64_t se, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct runq_ctx *c = arg;
	uint64_t my_q = 0;
	if (c->my_q_off != UINT64_MAX)
		kd_read_kv(s, se + c->my_q_off, &my_q, 8);
	c->count++;
	if (my_q) {
		kd_printf(s, "%*s[%3d] GROUP CFS RB_ROOT: %llx\n", c->indent, "", 120, (unsigned long long)(my_q + c->timeline_off));
		c->indent += 2;
		int rc = cfs_tree(s, c, my_q);
		c->indent -= 2;
		return rc;
	}
	task_entry(s, c, se - c->se_off);
	return 0;
}

/* A CFS run queue's tree, in order; a task group's entity leads to the group's own queue. */
static int cfs_tree(kd_session *s, struct runq_ctx *c, uint64_t cfs_rq)
{
	if (c->depth >= CFS_GROUP_DEPTH_MAX)
		return kd_fail(s, "task groups nested deeper than %d levels at cfs_rq %llx: corrupt", CFS_GROUP_DEPTH_MAX,
			       (unsigned long long)cfs_rq);
	c->depth++;
	long n = kd_walk_rbtree(s, cfs_rq + c->root_off, c->run_node_off, KD_WALK_INORDER, cfs_node, c);
	c->depth--;
	return n < 0 ? -1 : 0;
}

static int rt_entry(kd_session *s, uint64_t task, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct runq_ctx *c = arg;
	c->count++;
	task_entry(s, c, task);
	return 0;
}

/* The real-time priority array: one list of sched_rt_entity per priority. */
static int rt_array(kd_session *s, struct runq_ctx *c, uint64_t array)
{
	uint64_t run_list_off, rt_off, head_size = kd_type_size_opt(s, "list_head");
	struct kd_member_info queue;
	if (kd_member_info(s, "rt_prio_array", "queue", &queue) < 0 ||
	    kd_member_offset(s, "sched_rt_entity", "run_list", &run_list_off) < 0 || kd_member_offset(s, "task_struct", "rt", &rt_off) < 0)
		return -1;
	if (head_size == UINT64_MAX || !head_size)
		return kd_fail(s, "struct list_head is missing from the vmlinux's types");
	for (uint64_t prio = 0; prio < queue.size / head_size; prio++)
		if (kd_walk_list(s, array + queue.offset + prio * head_size, run_list_off + rt_off, 0, rt_entry, c) < 0)
			return -1;
	return 0;
}

static int show_cpu(kd_session *s, struct runq_ctx *c, int cpu, const struct kd_task_table *tt)
{
	uint64_t rq, rt_off, cfs_off, active_off;
	if (kd_per_cpu_addr(s, "runqueues", cpu, &rq) < 0 || kd_member_offset(s, "rq", "rt", &rt_off) < 0 ||
	    kd_member_offset(s, "rq", "cfs", &cfs_off) < 0 || kd_member_offset(s, "rt_rq", "active", &active_off) < 0)
		return -1;
	const struct task_info *cur = tt->cpu_curr[cpu] ? kd_task_find(s, tt->cpu_curr[cpu]) : NULL;
	kd_clear_error(s);
	if (c->timestamps) {
		/*
		 * The run queue clock and the running task's last arrival, zero-padded to the clock's
		 * width (crash's dump_on_rq_timestamp): the queued tasks are not part of it.
		 */
		uint64_t clock = 0;
		kd_read_member(s, rq, "rq", "clock", &clock);
		kd_clear_error(s);
		bool hex = kd_output_radix(s) == 16;
		char buf[32];
		int len = snprintf(buf, sizeof(buf), hex ? "%llx" : "%llu", (unsigned long long)clock);
		kd_printf(s, "%sCPU %d: %s\n", cpu < 10 ? " " : "", cpu, buf);
		if (cur) {
			int indent = cpu < 100 ? 8 : cpu < 1000 ? 9 : 0;
			kd_printf(s, "%*s", indent, "");
			kd_printf(s, hex ? "%0*llx" : "%0*llu", len, (unsigned long long)cur->last_arrival);
			kd_printf(s, "  PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", cur->pid, (unsigned long long)cur->task,
				  cur->comm);
		} else {
			kd_printf(s, "\n");
		}
		return 0;
	}
	kd_printf(s, "%sCPU %d RUNQUEUE: %llx\n", cpu ? "\n" : "", cpu, (unsigned long long)rq);
	if (cur)
		kd_printf(s, "  CURRENT: PID: %-6d TASK: %llx  COMMAND: \"%s\"\n", cur->pid, (unsigned long long)cur->task, cur->comm);
	kd_printf(s, "  RT PRIO_ARRAY: %llx\n", (unsigned long long)(rq + rt_off + active_off));
	c->indent = 5;
	c->count = 0;
	if (rt_array(s, c, rq + rt_off + active_off) < 0)
		return -1;
	if (!c->count)
		kd_printf(s, "     [no tasks queued]\n");
	kd_printf(s, "  CFS RB_ROOT: %llx\n", (unsigned long long)(rq + cfs_off + c->timeline_off));
	c->count = 0;
	if (cfs_tree(s, c, rq + cfs_off) < 0)
		return -1;
	if (!c->count)
		kd_printf(s, "     [no tasks queued]\n");
	return 0;
}

static int cmd_runq(kd_session *s, int argc, char **argv)
{
	struct runq_ctx c = {0};
	int c_opt, only_cpu = -1;
	while ((c_opt = getopt(argc, argv, "tc:")) != -1) {
		uint64_t v;
		switch (c_opt) {
		case 't': c.timestamps = true; break;
		case 'c':
			if (!kd_parse_u64(optarg, &v) || v >= (uint64_t)kd_target(s)->nr_cpus)
				return kd_fail(s, "invalid cpu: %s", optarg);
			only_cpu = (int)v;
			break;
		default: return kd_usage(s);
		}
	}
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt || kd_member_offset(s, "task_struct", "se", &c.se_off) < 0 || kd_member_offset(s, "cfs_rq", "tasks_timeline", &c.timeline_off) < 0 ||
	    kd_member_offset(s, "task_struct", "prio", &c.prio_off) < 0)
		return -1;
	c.my_q_off = kd_member_offset_opt(s, "sched_entity", "my_q");
	c.root_off = kd_member_offset_opt(s, "cfs_rq", "tasks_timeline.rb_root");
	if (c.root_off == UINT64_MAX)
		c.root_off = c.timeline_off;
	if (kd_member_offset(s, "sched_entity", "run_node", &c.run_node_off) < 0)
		return -1;
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (only_cpu >= 0 && cpu != only_cpu)
			continue;
		if (show_cpu(s, &c, cpu, tt) < 0)
			return -1;
	}
	return 0;
}

const struct kd_command kd_cmd_runq = {
	"runq", cmd_runq, "runq [-t] [-c cpu]", "run queue",
	"For each CPU: its run queue address, the task running there, the tasks queued\n"
	"in the real-time priority array and in the CFS red-black tree (task groups\n"
	"shown as nested GROUP CFS RB_ROOT entries), with their priorities.\n"
	"  -t      the run queue clock and each task's last-arrival timestamp instead\n"
	"  -c cpu  one CPU only\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> runq\n"
	"  kdive> runq -t\n",
	KD_CMD_NEEDS_DUMP,
};
