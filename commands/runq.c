/* runq: each CPU's run queue (current task, RT priority array, CFS tree), its task groups and
 * timestamps, as crash shows them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define CFS_GROUP_DEPTH_MAX 64 /* task groups nest a few levels deep; a cycle of them would not end */
#define TASK_GROUPS_MAX 100000 /* cgroups and autogroups; more is a corrupt list */

struct runq_ctx {
	uint64_t se_off, my_q_off, timeline_off, prio_off;
	uint64_t root_off;     /* the rb_root in cfs_rq (tasks_timeline, or its rb_root when an rb_root_cached) */
	uint64_t leftmost_off; /* cfs_rq.tasks_timeline.rb_leftmost (UINT64_MAX: none) */
	uint64_t run_node_off; /* sched_entity.run_node */
	uint64_t curr_off;     /* cfs_rq.curr */
	int indent;
	int count;
	int depth; /* task groups being walked */
	const bool *cpus; /* -c: the CPUs to show, NULL for all */
};

static void task_entry(kd_session *s, const struct runq_ctx *c, uint64_t task, bool current)
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
	if (kd_json_active(s)) {
		kd_json_object_begin(s, NULL);
		kd_json_int(s, "prio", (int)prio);
		kd_json_int(s, "pid", t ? t->pid : -1);
		kd_json_addr(s, "task", task);
		kd_json_str(s, "comm", t ? t->comm : NULL);
		kd_json_bool(s, "current", current);
		kd_json_end(s);
		return;
	}
	kd_printf(s, "%*s[%3d] PID: %-5d  TASK: %llx  COMMAND: \"%s\"%s\n", c->indent, "", (int)prio, t ? t->pid : -1,
		  (unsigned long long)task, t ? t->comm : "?", current ? " [CURRENT]" : "");
}

static int cfs_tree(kd_session *s, struct runq_ctx *c, uint64_t cfs_rq);

static int cfs_node(kd_session *s, uint64_t se, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct runq_ctx *c = arg;
	uint64_t my_q = 0;
	if (c->my_q_off != UINT64_MAX)
		kd_read_kv(s, se + c->my_q_off, &my_q, 8);
	kd_clear_error(s);
	if (my_q) /* a task group's entity: its own queue's tasks, in line with the others */
		return cfs_tree(s, c, my_q);
	c->count++;
	task_entry(s, c, se - c->se_off, false);
	return 0;
}

/* A CFS run queue's tasks: those of the running group first (its entity is not in the tree),
 * then the tree in order, a task group's entity leading to the group's own queue. */
static int cfs_tree(kd_session *s, struct runq_ctx *c, uint64_t cfs_rq)
{
	if (c->depth >= CFS_GROUP_DEPTH_MAX)
		return kd_error(s, KD_EFORMAT, cfs_rq, "task groups nested deeper than %d levels at cfs_rq %llx: corrupt",
				CFS_GROUP_DEPTH_MAX, (unsigned long long)cfs_rq);
	c->depth++;
	int rc = 0;
	uint64_t curr = 0, curr_q = 0;
	if (c->my_q_off != UINT64_MAX && c->curr_off != UINT64_MAX && kd_read_kv(s, cfs_rq + c->curr_off, &curr, 8) == 0 && curr &&
	    kd_read_kv(s, curr + c->my_q_off, &curr_q, 8) == 0 && curr_q)
		rc = cfs_tree(s, c, curr_q);
	kd_clear_error(s);
	uint64_t leftmost = 1;
	if (rc == 0 && c->leftmost_off != UINT64_MAX && kd_read_kv(s, cfs_rq + c->leftmost_off, &leftmost, 8) < 0)
		rc = -1;
	if (rc == 0 && leftmost && kd_walk_rbtree(s, cfs_rq + c->root_off, c->run_node_off, KD_WALK_INORDER, cfs_node, c) < 0)
		rc = -1;
	c->depth--;
	return rc;
}

static int rt_entry(kd_session *s, uint64_t task, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct runq_ctx *c = arg;
	c->count++;
	task_entry(s, c, task, false);
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

static const struct task_info *cpu_current(kd_session *s, const struct kd_task_table *tt, int cpu)
{
	const struct task_info *cur = tt->cpu_curr[cpu] ? kd_task_find(s, tt->cpu_curr[cpu]) : NULL;
	kd_clear_error(s);
	return cur;
}

/* -t: the run queue clock and the running task's last arrival, zero-padded to the clock's width. */
static int show_timestamps(kd_session *s, const struct runq_ctx *c, const struct kd_task_table *tt)
{
	bool hex = kd_output_radix(s) == 16;
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (c->cpus && !c->cpus[cpu])
			continue;
		char buf[32];
		uint64_t clock;
		if (kd_cpu_rq_clock(s, cpu, &clock) < 0)
			return -1;
		int len = snprintf(buf, sizeof(buf), hex ? "%llx" : "%llu", (unsigned long long)clock);
		kd_printf(s, "%sCPU %d: %s\n", cpu < 10 ? " " : "", cpu, buf);
		const struct task_info *cur = cpu_current(s, tt, cpu);
		if (!cur) {
			kd_printf(s, "\n");
			continue;
		}
		int indent = cpu < 100 ? 8 : cpu < 1000 ? 9 : 0;
		kd_printf(s, "%*s", indent, "");
		kd_printf(s, hex ? "%0*llx" : "%0*llu", len, (unsigned long long)cur->last_arrival);
		kd_printf(s, "  PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", cur->pid, (unsigned long long)cur->task, cur->comm);
	}
	return 0;
}

static int digits(unsigned long x)
{
	int n = 1;
	while (x > 9) {
		n++;
		x /= 10;
	}
	return n;
}

struct cpu_ts {
	int cpu;
	uint64_t ts;
};

static int by_ts_desc(const void *a, const void *b)
{
	const struct cpu_ts *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts > y->ts ? -1 : 1;
	return x->cpu - y->cpu; /* crash's sort keeps CPU order among equals */
}

/* -T: each CPU's run queue clock behind the most advanced one, latest first (every CPU: crash
 * ignores -c here). */
static int show_lag(kd_session *s)
{
	int n = kd_target(s)->nr_cpus;
	struct cpu_ts *ts = kd_xcalloc((size_t)(n > 0 ? n : 1), sizeof(*ts));
	for (int cpu = 0; cpu < n; cpu++) {
		ts[cpu].cpu = cpu;
		if (kd_cpu_rq_clock(s, cpu, &ts[cpu].ts) < 0) {
			free(ts);
			return -1;
		}
	}
	kd_qsort(ts, (size_t)n, sizeof(*ts), by_ts_desc);
	for (int i = 0; i < n; i++)
		kd_printf(s, "%*sCPU %d: %.2f secs\n", 2 + digits((unsigned long)n) - digits((unsigned long)ts[i].cpu), "",
			  ts[i].cpu, ((double)ts[0].ts - (double)ts[i].ts) / 1000000000.0);
	free(ts);
	return 0;
}

/* -m: how long each CPU's current task has been running (the run queue clock minus its last arrival). */
static int show_milliseconds(kd_session *s, const struct runq_ctx *c, const struct kd_task_table *tt)
{
	int n = kd_target(s)->nr_cpus;
	int max_indent = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
	int max_days = 0;
	for (int cpu = 0; cpu < n; cpu++) {
		if (c->cpus && !c->cpus[cpu])
			continue;
		uint64_t clock;
		if (kd_cpu_rq_clock(s, cpu, &clock) < 0)
			return -1;
		char buf[64];
		if (!max_days)
			max_days = kd_format_ns_dhms(clock, buf, sizeof(buf));
		int indent = cpu < 10 ? max_indent : cpu < 100 ? max_indent - 1 : cpu < 1000 ? max_indent - 2 : max_indent - 4;
		if (indent < 0)
			indent = 0;
		const struct task_info *cur = cpu_current(s, tt, cpu);
		if (!cur) {
			kd_printf(s, "%*sCPU %d: [unknown]\n", indent, "", cpu);
			continue;
		}
		uint64_t delta = clock > cur->last_arrival ? clock - cur->last_arrival : 0;
		int days = kd_format_ns_dhms(delta, buf, sizeof(buf));
		kd_printf(s, "%*sCPU %d: [%*s%s]  PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", indent, "", cpu,
			  max_days > days ? max_days - days : 0, "", buf, cur->pid, (unsigned long long)cur->task, cur->comm);
	}
	return 0;
}

/* -d: every task marked on a run queue (task_struct.on_rq), by CPU, in task table order. */
static int show_on_rq(kd_session *s, const struct runq_ctx *c, const struct kd_task_table *tt)
{
	uint64_t on_rq_off;
	if (kd_member_offset(s, "task_struct", "on_rq", &on_rq_off) < 0)
		return -1;
	struct runq_ctx e = *c;
	e.indent = 5;
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		if (c->cpus && !c->cpus[cpu])
			continue;
		kd_printf(s, "%sCPU %d\n", cpu ? "\n" : "", cpu);
		int n = 0;
		for (size_t i = 0; i < tt->len; i++) {
			uint64_t on_rq = 0;
			if (kd_read_int(s, tt->tasks[i].task + on_rq_off, 4, &on_rq) < 0)
				return -1;
			if (!on_rq || tt->tasks[i].cpu != cpu)
				continue;
			task_entry(s, &e, tt->tasks[i].task, false);
			n++;
		}
		if (!n)
			kd_printf(s, "     [no tasks queued]\n");
	}
	return 0;
}

/*
 * -g: the task groups. Every group of the tree under root_task_group (cgroups with the cpu
 * controller, autogroups), ordered by depth; on each CPU, the root group's RT and CFS queues
 * with each group's queue nested under the entity that stands for it, and the groups whose
 * queue on that CPU holds tasks but whose entity is not queued (dequeued, throttled) after
 * their parent's tasks.
 */
struct tgroup {
	uint64_t tg;
	int depth;
	int parent; /* index in the array, -1 for the root */
	bool use;   /* not shown yet on this CPU */
	char name[128];
	bool named;
};

struct tg_ctx {
	struct runq_ctx *c;
	VEC(struct tgroup) groups;
	int cpu;
	const struct task_info *cur;
	uint64_t tg_cfs_rq_off, tg_rt_rq_off, children_off, siblings_off, css_cgroup_off;
	uint64_t cfs_tg_off, cfs_nr_running_off, cfs_throttled_off;
	uint64_t rt_tg_off, rt_nr_running_off, rt_highest_off, rt_throttled_off, rt_active_off;
	uint64_t rt_my_q_off, rt_run_list_off, task_rt_off;
	bool rt_bandwidth;
};

/* The group's name: its cgroup's kernfs node name ("/" for the root cgroup), none for an autogroup. */
static void group_name(kd_session *s, struct tg_ctx *g, struct tgroup *t)
{
	uint64_t cgroup = 0, kn = 0, parent = 0, name = 0;
	t->named = false;
	if (g->css_cgroup_off == UINT64_MAX || kd_read_kv(s, t->tg + g->css_cgroup_off, &cgroup, 8) < 0 || !cgroup ||
	    kd_read_member(s, cgroup, "cgroup", "kn", &kn) < 0 || !kn) {
		kd_clear_error(s);
		return;
	}
	if (kd_read_member(s, kn, "kernfs_node", "parent", &parent) < 0 &&
	    kd_read_member(s, kn, "kernfs_node", "__parent", &parent) < 0) {
		kd_clear_error(s);
		return;
	}
	kd_clear_error(s);
	if (!parent) {
		strcpy(t->name, "/");
		t->named = true;
		return;
	}
	if (kd_read_member(s, kn, "kernfs_node", "name", &name) < 0 || !name ||
	    kd_read_string(s, name, t->name, sizeof(t->name)) < 0) {
		kd_clear_error(s);
		return;
	}
	t->named = true;
}

static int collect_groups(kd_session *s, struct tg_ctx *g, uint64_t tg, int depth, int parent)
{
	if (depth > CFS_GROUP_DEPTH_MAX)
		return kd_error(s, KD_EFORMAT, tg, "task groups nested deeper than %d levels at task_group %llx: corrupt",
				CFS_GROUP_DEPTH_MAX, (unsigned long long)tg);
	if (g->groups.len >= TASK_GROUPS_MAX)
		return kd_error(s, KD_EFORMAT, tg, "more than %d task groups: the task_group tree is corrupt", TASK_GROUPS_MAX);
	struct tgroup t = {.tg = tg, .depth = depth, .parent = parent};
	group_name(s, g, &t);
	int self = (int)g->groups.len;
	VEC_PUSH(&g->groups, t);
	uint64_t head = tg + g->children_off, next;
	if (kd_read_kv(s, head, &next, 8) < 0)
		return -1;
	for (size_t steps = 0; next != head; steps++) {
		if (steps >= TASK_GROUPS_MAX)
			return kd_error(s, KD_EFORMAT, head, "task_group %llx: its children list does not end",
					(unsigned long long)tg);
		uint64_t child = next - g->siblings_off;
		if (kd_read_kv(s, next, &next, 8) < 0)
			return -1;
		if (collect_groups(s, g, child, depth + 1, self) < 0)
			return -1;
	}
	return 0;
}

/* Sort by depth keeping the tree's order among equals (crash's bubble sort), fixing the parent indexes. */
static void sort_groups(struct tg_ctx *g)
{
	size_t n = g->groups.len;
	struct tgroup *t = g->groups.items;
	int *rank = kd_xcalloc(n ? n : 1, sizeof(int));
	/* a stable sort: insertion by depth over the tree order */
	int *order = kd_xcalloc(n ? n : 1, sizeof(int));
	size_t k = 0;
	for (int d = 0; k < n; d++)
		for (size_t i = 0; i < n; i++)
			if (t[i].depth == d)
				order[k++] = (int)i;
	for (size_t i = 0; i < n; i++)
		rank[order[i]] = (int)i;
	struct tgroup *sorted = kd_xcalloc(n ? n : 1, sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		sorted[i] = t[order[i]];
		if (sorted[i].parent >= 0)
			sorted[i].parent = rank[sorted[i].parent];
	}
	memcpy(t, sorted, n * sizeof(*t));
	free(sorted);
	free(order);
	free(rank);
}

static uint64_t group_queue(kd_session *s, uint64_t tg, uint64_t array_off, int cpu)
{
	uint64_t array = 0, q = 0;
	if (kd_read_kv(s, tg + array_off, &array, 8) == 0 && array)
		kd_read_kv(s, array + (uint64_t)cpu * 8, &q, 8);
	kd_clear_error(s);
	return q;
}

static void cfs_group_header(kd_session *s, struct tg_ctx *g, int depth, uint64_t cfs_rq, const struct tgroup *t)
{
	kd_printf(s, "%*sTASK_GROUP: %llx  CFS_RQ: %llx ", 2 + 3 * depth, "", (unsigned long long)t->tg,
		  (unsigned long long)cfs_rq);
	if (t->named)
		kd_printf(s, " <%s>", t->name);
	uint64_t throttled = 0;
	if (g->cfs_throttled_off != UINT64_MAX && kd_read_int(s, cfs_rq + g->cfs_throttled_off, 4, &throttled) == 0 && throttled)
		kd_printf(s, " (THROTTLED)");
	kd_clear_error(s);
	kd_printf(s, "\n");
}

static void cfs_parent_headers(kd_session *s, struct tg_ctx *g, int index)
{
	int p = g->groups.items[index].parent;
	if (p < 0 || !g->groups.items[p].use)
		return;
	cfs_parent_headers(s, g, p);
	struct tgroup *t = &g->groups.items[p];
	cfs_group_header(s, g, t->depth, group_queue(s, t->tg, g->tg_cfs_rq_off, g->cpu), t);
	t->use = false;
}

static int tg_cfs(kd_session *s, struct tg_ctx *g, int depth, uint64_t cfs_rq);

struct tg_walk {
	struct tg_ctx *g;
	int depth;
	int total;
};

static int tg_cfs_node(kd_session *s, uint64_t se, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct tg_walk *w = arg;
	struct runq_ctx *c = w->g->c;
	uint64_t my_q = 0;
	if (c->my_q_off != UINT64_MAX && kd_read_kv(s, se + c->my_q_off, &my_q, 8) < 0)
		return -1;
	if (my_q) {
		w->total++;
		int n = tg_cfs(s, w->g, w->depth + 1, my_q);
		if (n < 0)
			return -1;
		w->total += n;
		return 0;
	}
	c->indent = 5 + 3 * w->depth;
	task_entry(s, c, se - c->se_off, false);
	w->total++;
	return 0;
}

/* What tells a CFS group walk from an RT one. */
struct tg_kind {
	uint64_t rq_tg_off;      /* cfs_rq.tg, rt_rq.tg */
	uint64_t tg_rq_off;      /* task_group.cfs_rq, task_group.rt_rq: the per-CPU queues */
	uint64_t nr_running_off; /* cfs_rq.nr_running, rt_rq.rt_nr_running */
	/* a dequeued group's non-empty queue q, one level below depth; returns the entries shown */
	int (*show)(kd_session *s, struct tg_ctx *g, int depth, uint64_t q);
};

/* The groups one level below depth whose queue on this CPU is not in rq's tree (crash shows them
 * after the tree, their empty queues looked through); returns how many entries were shown. */
static int tg_dequeued(kd_session *s, struct tg_ctx *g, int depth, uint64_t rq, const struct tg_kind *k)
{
	int total = 0;
	bool have_group = false;
	uint64_t group = 0;
	for (size_t i = 0; i < g->groups.len; i++) {
		struct tgroup *t = &g->groups.items[i];
		int delta = t->depth - depth;
		if (delta > 1)
			break; /* the groups are sorted by depth */
		if (!t->use || delta < 1 || t->parent < 0)
			continue;
		if (!have_group && kd_read_kv(s, rq + k->rq_tg_off, &group, 8) < 0)
			return -1;
		have_group = true;
		if (group != g->groups.items[t->parent].tg)
			continue;
		uint64_t q = group_queue(s, t->tg, k->tg_rq_off, g->cpu);
		if (!q || q == rq)
			continue;
		uint64_t nr = 0;
		if (kd_read_int(s, q + k->nr_running_off, 4, &nr) < 0)
			return -1;
		int n;
		if (!nr) {
			n = tg_dequeued(s, g, depth + 1, q, k);
		} else {
			/* crash prints the parents' headers as CFS ones, for an RT group too */
			cfs_parent_headers(s, g, (int)i);
			n = k->show(s, g, depth, q);
		}
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

static int tg_cfs_show(kd_session *s, struct tg_ctx *g, int depth, uint64_t q)
{
	int n = tg_cfs(s, g, depth + 1, q);
	return n < 0 ? -1 : n + 1;
}

static int tg_cfs_dequeued(kd_session *s, struct tg_ctx *g, int depth, uint64_t cfs_rq)
{
	const struct tg_kind k = {g->cfs_tg_off, g->tg_cfs_rq_off, g->cfs_nr_running_off, tg_cfs_show};
	return tg_dequeued(s, g, depth, cfs_rq, &k);
}

/* One group's CFS queue at depth: its header, the running group's queue, the running task, the
 * tree, the dequeued groups below. Returns the entries shown. */
static int tg_cfs(kd_session *s, struct tg_ctx *g, int depth, uint64_t cfs_rq)
{
	struct runq_ctx *c = g->c;
	if (depth > CFS_GROUP_DEPTH_MAX)
		return kd_error(s, KD_EFORMAT, cfs_rq, "task groups nested deeper than %d levels at cfs_rq %llx: corrupt",
				CFS_GROUP_DEPTH_MAX, (unsigned long long)cfs_rq);
	int total = 0;
	if (depth) {
		uint64_t tg = 0;
		if (kd_read_kv(s, cfs_rq + g->cfs_tg_off, &tg, 8) < 0)
			return -1;
		for (size_t i = 0; i < g->groups.len; i++)
			if (g->groups.items[i].tg == tg) {
				cfs_group_header(s, g, depth, cfs_rq, &g->groups.items[i]);
				g->groups.items[i].use = false;
				break;
			}
	}
	uint64_t curr = 0, curr_q = 0;
	if (c->curr_off == UINT64_MAX)
		return kd_fail(s, "this kernel has no member cfs_rq.curr");
	if (c->my_q_off != UINT64_MAX) {
		if (kd_read_kv(s, cfs_rq + c->curr_off, &curr, 8) < 0)
			return -1;
		if (curr) {
			if (kd_read_kv(s, curr + c->my_q_off, &curr_q, 8) < 0)
				return -1;
			if (curr_q) {
				total++;
				int n = tg_cfs(s, g, depth + 1, curr_q);
				if (n < 0)
					return -1;
				total += n;
			}
		}
	}
	/* the running task's entity is not in the tree: shown here */
	if (!curr_q && g->cur && curr - c->se_off == g->cur->task) {
		total++;
		c->indent = 5 + 3 * depth;
		task_entry(s, c, g->cur->task, true);
	}
	uint64_t leftmost = 1;
	if (c->leftmost_off != UINT64_MAX && kd_read_kv(s, cfs_rq + c->leftmost_off, &leftmost, 8) < 0)
		return -1;
	if (leftmost) {
		struct tg_walk w = {g, depth, 0};
		if (kd_walk_rbtree(s, cfs_rq + c->root_off, c->run_node_off, KD_WALK_INORDER, tg_cfs_node, &w) < 0)
			return -1;
		total += w.total;
	}
	int n = tg_cfs_dequeued(s, g, depth, cfs_rq);
	if (n < 0)
		return -1;
	total += n;
	if (!total)
		kd_printf(s, "%*s[no tasks queued]\n", 5 + 3 * depth, "");
	return total;
}

static void rt_group_header(kd_session *s, struct tg_ctx *g, uint64_t rt_rq, const struct tgroup *t)
{
	kd_printf(s, "TASK_GROUP: %llx  RT_RQ: %llx", (unsigned long long)t->tg, (unsigned long long)rt_rq);
	if (t->named)
		kd_printf(s, " <%s>", t->name);
	uint64_t throttled = 0;
	if (g->rt_bandwidth && kd_read_int(s, rt_rq + g->rt_throttled_off, 4, &throttled) == 0 && throttled)
		kd_printf(s, " (THROTTLED)");
	kd_clear_error(s);
	kd_printf(s, "\n");
}

static int tg_rt(kd_session *s, struct tg_ctx *g, int depth, uint64_t rt_rq);

struct rt_walk {
	struct tg_ctx *g;
	int depth;
	int prio;
	int total;
};

static int tg_rt_entry(kd_session *s, uint64_t rt_se, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct rt_walk *w = arg;
	uint64_t my_q = 0;
	if (w->g->rt_my_q_off != UINT64_MAX && kd_read_kv(s, rt_se + w->g->rt_my_q_off, &my_q, 8) < 0)
		return -1;
	kd_printf(s, "%*s[%3d] ", 5 + 6 * w->depth, "", w->prio);
	w->total++;
	if (my_q)
		return tg_rt(s, w->g, w->depth + 1, my_q) < 0 ? -1 : 0;
	const struct task_info *t = kd_task_find(s, rt_se - w->g->task_rt_off);
	kd_clear_error(s);
	kd_printf(s, "PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", t ? t->pid : -1,
		  (unsigned long long)(rt_se - w->g->task_rt_off), t ? t->comm : "?");
	return 0;
}

/* An RT group's queue: its highest priority, then the queue one level down (one entry, as crash counts). */
static int tg_rt_show(kd_session *s, struct tg_ctx *g, int depth, uint64_t q)
{
	uint64_t prio = 0;
	if (kd_read_int(s, q + g->rt_highest_off, 4, &prio) < 0)
		return -1;
	kd_printf(s, "%*s[%3d] ", 5 + 6 * depth, "", (int)prio);
	return tg_rt(s, g, depth + 1, q) < 0 ? -1 : 1;
}

static int tg_rt_dequeued(kd_session *s, struct tg_ctx *g, int depth, uint64_t rt_rq)
{
	const struct tg_kind k = {g->rt_tg_off, g->tg_rt_rq_off, g->rt_nr_running_off, tg_rt_show};
	return tg_dequeued(s, g, depth, rt_rq, &k);
}

static int tg_rt(kd_session *s, struct tg_ctx *g, int depth, uint64_t rt_rq)
{
	if (depth > CFS_GROUP_DEPTH_MAX)
		return kd_error(s, KD_EFORMAT, rt_rq, "task groups nested deeper than %d levels at rt_rq %llx: corrupt",
				CFS_GROUP_DEPTH_MAX, (unsigned long long)rt_rq);
	if (depth) {
		uint64_t tg = 0;
		if (kd_read_kv(s, rt_rq + g->rt_tg_off, &tg, 8) < 0)
			return -1;
		for (size_t i = 0; i < g->groups.len; i++)
			if (g->groups.items[i].tg == tg) {
				rt_group_header(s, g, rt_rq, &g->groups.items[i]);
				g->groups.items[i].use = false;
				break;
			}
	}
	uint64_t head_size = kd_type_size_opt(s, "list_head");
	struct kd_member_info queue;
	if (kd_member_info(s, "rt_prio_array", "queue", &queue) < 0)
		return -1;
	if (head_size == UINT64_MAX || !head_size)
		return kd_fail(s, "struct list_head is missing from the vmlinux's types");
	struct rt_walk w = {g, depth, 0, 0};
	for (uint64_t prio = 0; prio < queue.size / head_size; prio++) {
		w.prio = (int)prio;
		if (kd_walk_list(s, rt_rq + g->rt_active_off + queue.offset + prio * head_size, g->rt_run_list_off, 0,
				 tg_rt_entry, &w) < 0)
			return -1;
	}
	int n = tg_rt_dequeued(s, g, depth, rt_rq);
	if (n < 0)
		return -1;
	if (!w.total && !n)
		kd_printf(s, "%*s[no tasks queued]\n", 5 + 6 * depth, "");
	return w.total + n;
}

static int show_groups(kd_session *s, struct runq_ctx *c, const struct kd_task_table *tt)
{
	struct tg_ctx g = {.c = c};
	uint64_t root;
	const char *root_name = "ROOT";
	if (kd_symbol_lookup(s, "init_task_group")) {
		root_name = "INIT";
		if (kd_symbol_addr(s, "init_task_group", &root) < 0)
			return -1;
	} else if (!kd_symbol_lookup(s, "root_task_group") || kd_symbol_addr(s, "root_task_group", &root) < 0) {
		kd_clear_error(s);
		return kd_fail(s, "cannot determine root task_group");
	}
	g.tg_cfs_rq_off = kd_member_offset_opt(s, "task_group", "cfs_rq");
	g.tg_rt_rq_off = kd_member_offset_opt(s, "task_group", "rt_rq");
	if ((g.tg_cfs_rq_off == UINT64_MAX && g.tg_rt_rq_off == UINT64_MAX) || !kd_member_exists(s, "task_group", "parent"))
		return kd_error(s, KD_EUNSUPP, 0, "-g option not supported or applicable on this architecture or kernel");
	uint64_t css_off = kd_member_offset_opt(s, "task_group", "css"), cg_off = kd_member_offset_opt(s, "cgroup_subsys_state", "cgroup");
	g.css_cgroup_off = css_off == UINT64_MAX || cg_off == UINT64_MAX ? UINT64_MAX : css_off + cg_off;
	if (kd_member_offset(s, "task_group", "children", &g.children_off) < 0 ||
	    kd_member_offset(s, "task_group", "siblings", &g.siblings_off) < 0)
		return -1;
	if (g.tg_cfs_rq_off != UINT64_MAX) {
		g.cfs_throttled_off = kd_member_offset_opt(s, "cfs_rq", "throttled");
		if (kd_member_offset(s, "cfs_rq", "tg", &g.cfs_tg_off) < 0 ||
		    kd_member_offset(s, "cfs_rq", "nr_running", &g.cfs_nr_running_off) < 0)
			return -1;
	}
	if (g.tg_rt_rq_off != UINT64_MAX) {
		uint64_t hp, cur;
		g.rt_bandwidth = kd_member_exists(s, "task_group", "rt_bandwidth");
		g.rt_throttled_off = kd_member_offset_opt(s, "rt_rq", "rt_throttled");
		g.rt_bandwidth = g.rt_bandwidth && g.rt_throttled_off != UINT64_MAX;
		g.rt_my_q_off = kd_member_offset_opt(s, "sched_rt_entity", "my_q");
		if (kd_member_offset(s, "rt_rq", "tg", &g.rt_tg_off) < 0 ||
		    kd_member_offset(s, "rt_rq", "rt_nr_running", &g.rt_nr_running_off) < 0 ||
		    kd_member_offset(s, "rt_rq", "highest_prio", &hp) < 0 || kd_member_offset(s, "rt_rq", "active", &g.rt_active_off) < 0 ||
		    kd_member_offset(s, "sched_rt_entity", "run_list", &g.rt_run_list_off) < 0 ||
		    kd_member_offset(s, "task_struct", "rt", &g.task_rt_off) < 0)
			return -1;
		cur = kd_member_offset_opt(s, "rt_rq", "highest_prio.curr");
		g.rt_highest_off = cur == UINT64_MAX ? hp : cur;
	}
	int rc = collect_groups(s, &g, root, 0, -1);
	if (rc == 0) {
		sort_groups(&g);
		int shown = 0;
		for (int cpu = 0; cpu < kd_target(s)->nr_cpus && rc == 0; cpu++) {
			if (c->cpus && !c->cpus[cpu])
				continue;
			g.cpu = cpu;
			kd_printf(s, "%sCPU %d\n", shown++ ? "\n" : "", cpu);
			g.cur = cpu_current(s, tt, cpu);
			if (g.cur)
				kd_printf(s, "  CURRENT: PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", g.cur->pid,
					  (unsigned long long)g.cur->task, g.cur->comm);
			else
				kd_printf(s, "  CURRENT: %llx\n", (unsigned long long)tt->cpu_curr[cpu]);
			for (int pass = 0; pass < 2 && rc == 0; pass++) {
				uint64_t off = pass == 0 ? g.tg_rt_rq_off : g.tg_cfs_rq_off;
				if (off == UINT64_MAX)
					continue;
				uint64_t q = group_queue(s, root, off, cpu);
				kd_printf(s, "  %s_TASK_GROUP: %llx  %s: %llx\n", root_name, (unsigned long long)root,
					  pass == 0 ? "RT_RQ" : "CFS_RQ", (unsigned long long)q);
				for (size_t i = 0; i < g.groups.len; i++)
					g.groups.items[i].use = g.groups.items[i].depth != 0;
				if ((pass == 0 ? tg_rt(s, &g, 0, q) : tg_cfs(s, &g, 0, q)) < 0)
					rc = -1;
			}
		}
	}
	VEC_FREE(&g.groups);
	return rc;
}

static int show_cpu(kd_session *s, struct runq_ctx *c, int cpu, const struct kd_task_table *tt, int *shown)
{
	uint64_t rq, rt_off, cfs_off, active_off;
	if (kd_per_cpu_addr(s, "runqueues", cpu, &rq) < 0 || kd_member_offset(s, "rq", "rt", &rt_off) < 0 ||
	    kd_member_offset(s, "rq", "cfs", &cfs_off) < 0 || kd_member_offset(s, "rt_rq", "active", &active_off) < 0)
		return -1;
	const struct task_info *cur = cpu_current(s, tt, cpu);
	if (kd_json_active(s)) {
		kd_json_object_begin(s, NULL);
		kd_json_int(s, "cpu", cpu);
		kd_json_addr(s, "runqueue", rq);
		if (cur) {
			kd_json_object_begin(s, "current");
			kd_json_int(s, "pid", cur->pid);
			kd_json_addr(s, "task", cur->task);
			kd_json_str(s, "comm", cur->comm);
			kd_json_end(s);
		} else
			kd_json_null(s, "current");
		kd_json_addr(s, "rt_prio_array", rq + rt_off + active_off);
		kd_json_array_begin(s, "rt");
		int rc = rt_array(s, c, rq + rt_off + active_off);
		kd_json_end(s);
		kd_json_addr(s, "cfs_rb_root", rq + cfs_off + c->timeline_off);
		kd_json_array_begin(s, "cfs");
		if (rc == 0)
			rc = cfs_tree(s, c, rq + cfs_off);
		kd_json_end(s);
		kd_json_end(s);
		return rc;
	}
	kd_printf(s, "%sCPU %d RUNQUEUE: %llx\n", (*shown)++ ? "\n" : "", cpu, (unsigned long long)rq);
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
	int opt, nr_cpus = kd_target(s)->nr_cpus;
	bool timestamps = false, lag = false, msecs = false, on_rq = false, groups = false, have_cpus = false;
	bool *cpus = kd_xcalloc((size_t)(nr_cpus > 0 ? nr_cpus : 1), sizeof(bool));
	int rc = 0;
	while ((opt = getopt(argc, argv, "dtTgmc:")) != -1) {
		switch (opt) {
		case 'd': on_rq = true; break;
		case 't': timestamps = true; break;
		case 'T': lag = true; break;
		case 'm': msecs = true; break;
		case 'g': groups = true; break;
		case 'c':
			if (have_cpus) {
				kd_printf(s, "runq: only one -c option allowed\n");
				rc = 1;
				break;
			}
			have_cpus = true;
			if (kd_parse_cpuspec(s, optarg, cpus, nr_cpus) < 0) {
				free(cpus);
				return -1;
			}
			break;
		default: rc = 1; break;
		}
	}
	if (rc) {
		free(cpus);
		return kd_usage(s);
	}
	c.cpus = have_cpus ? cpus : NULL;
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt || kd_member_offset(s, "task_struct", "se", &c.se_off) < 0 ||
	    kd_member_offset(s, "cfs_rq", "tasks_timeline", &c.timeline_off) < 0 ||
	    kd_member_offset(s, "task_struct", "prio", &c.prio_off) < 0 ||
	    kd_member_offset(s, "sched_entity", "run_node", &c.run_node_off) < 0) {
		free(cpus);
		return -1;
	}
	c.my_q_off = kd_member_offset_opt(s, "sched_entity", "my_q");
	c.curr_off = kd_member_offset_opt(s, "cfs_rq", "curr");
	c.root_off = kd_member_offset_opt(s, "cfs_rq", "tasks_timeline.rb_root");
	if (c.root_off == UINT64_MAX)
		c.root_off = c.timeline_off;
	c.leftmost_off = kd_member_offset_opt(s, "cfs_rq", "tasks_timeline.rb_leftmost");
	if (c.leftmost_off == UINT64_MAX)
		c.leftmost_off = kd_member_offset_opt(s, "cfs_rq", "rb_leftmost");
	/* one view, in crash's order of precedence */
	if (timestamps)
		rc = show_timestamps(s, &c, tt);
	else if (lag)
		rc = show_lag(s);
	else if (msecs)
		rc = show_milliseconds(s, &c, tt);
	else if (on_rq)
		rc = show_on_rq(s, &c, tt);
	else if (groups)
		rc = show_groups(s, &c, tt);
	else {
		int shown = 0;
		if (kd_json_active(s)) /* {cpus: [...]}; runq's other views print text */
			kd_json_array_begin(s, "cpus");
		for (int cpu = 0; cpu < nr_cpus && rc == 0; cpu++)
			if (!c.cpus || c.cpus[cpu])
				rc = show_cpu(s, &c, cpu, tt, &shown);
		if (kd_json_active(s))
			kd_json_end(s);
	}
	free(cpus);
	return rc;
}

const struct kd_command kd_cmd_runq = {
	"runq", cmd_runq, "runq [-t] [-T] [-m] [-g] [-c cpu(s)]", "run queue",
	"For each CPU: its run queue address, the task running there, the tasks queued\n"
	"in the real-time priority array and in the CFS red-black tree (the tasks of a\n"
	"task group's queue in line with the others), with their priorities.\n"
	"  -t         the run queue clock and the running task's last-arrival timestamp\n"
	"  -T         how far each CPU's run queue clock is behind the latest one, in\n"
	"             seconds, latest first (every CPU, whatever -c says)\n"
	"  -m         how long each CPU's current task has been running, as\n"
	"             [days hh:mm:ss.ms]\n"
	"  -g         the task groups: on each CPU the root group's RT and CFS queues,\n"
	"             each group (TASK_GROUP, its queue, <its cgroup's name>) nested\n"
	"             under its parent, the running task marked [CURRENT]\n"
	"  -d         every task marked on a run queue (task_struct.on_rq), by CPU\n"
	"  -c cpus    these CPUs only: a list such as 0,2-3, or \"all\"\n"
	"With several views asked for, the first of -t, -T, -m, -d, -g is shown.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> runq\n"
	"  kdive> runq -c 1\n"
	"  kdive> runq -g -c 0-1\n"
	"  kdive> runq -m\n"
	"  kdive> runq -T\n",
	KD_CMD_NEEDS_DUMP,
};
