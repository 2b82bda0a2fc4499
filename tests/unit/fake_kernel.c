/*
 * A fake kernel for the walker tests (tests/unit/test_walk.c): the test compiles this file with
 * -g and reads it as kdive reads a vmlinux and a dump: its DWARF gives the types, its symbols
 * the addresses, its initialised data the memory (served through the memory layer's reader).
 * Each structure has the members the walkers and commands read, by the kernel's names, not the
 * kernel's whole layout. The program is never run: everything is in static initialisers.
 *
 * What is in it:
 *   lists      ghead -> items[0..2] (list_head link), hhead -> items[0..2] (hlist_node hnode)
 *   rbtree     groot: 5 nodes, rbn[2] at the root
 *   xarray     gxa: a node of shift 6 over two leaves; entries at 1, 5 and 131
 *   idr        gidr: ids 1 and 3 (idr_base 1)
 *   maple      gmt: an arange_64 root over two leaf_64 nodes; vmas at 0x1000, 0x2000, 0x3000
 *   kernel     linux_banner, init_uts_ns, nr_cpu_ids, __per_cpu_offset and runqueues (4 CPUs),
 *              init_task and three more idle tasks, processes 1 (init), 100 (worker, with thread
 *              101) and 200 (rtd, real-time), init_pid_ns's IDR of their pids, a task group
 *   modules    modules -> two struct module
 */
#include <stddef.h>

#define NR_CPUS 4

struct list_head {
	struct list_head *next, *prev;
};
struct hlist_node {
	struct hlist_node *next, **pprev;
};
struct hlist_head {
	struct hlist_node *first;
};
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));
struct rb_root {
	struct rb_node *rb_node;
};
struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

/* ---- lists, hlists, an rbtree ---- */

struct item {
	int v;
	struct list_head link;
	struct hlist_node hnode;
	struct rb_node rb;
};

extern struct item items[3];
struct list_head ghead = {&items[0].link, &items[2].link};
struct hlist_head hhead = {&items[0].hnode};
struct item items[3] = {
	{10, {&items[1].link, &ghead}, {&items[1].hnode, &hhead.first}, {0}},
	{20, {&items[2].link, &items[0].link}, {&items[2].hnode, &items[0].hnode.next}, {0}},
	{30, {&ghead, &items[1].link}, {0, &items[1].hnode.next}, {0}},
};

/* rbn[2] at the root; rbn[1] (left, with rbn[0] on its left) and rbn[4] (right, with rbn[3]) */
struct item rbn[5] = {
	{0, {0}, {0}, {0, 0, 0}},
	{1, {0}, {0}, {0, 0, &rbn[0].rb}},
	{2, {0}, {0}, {0, &rbn[4].rb, &rbn[1].rb}},
	{3, {0}, {0}, {0, 0, 0}},
	{4, {0}, {0}, {0, 0, &rbn[3].rb}},
};
struct rb_root groot = {&rbn[2].rb};

/* ---- XArrays and IDRs ---- */

#define XA_CHUNK_SIZE 64
struct xa_node {
	unsigned char shift, offset, count, nr_values;
	struct xa_node *parent;
	void *array;
	void *slots[XA_CHUNK_SIZE];
	unsigned long marks[3][1];
};
struct xarray {
	unsigned int xa_lock, xa_flags;
	void *xa_head;
};
struct idr {
	struct xarray idr_rt;
	unsigned int idr_base, idr_next;
};
#define XA_NODE(n) ((void *)((char *)&(n) + 2))

int objs[4] = {100, 101, 102, 103};
extern struct xa_node xa_top;
struct xa_node xa_leaf0 = {0, 0, 2, 0, &xa_top, 0, {[1] = &objs[0], [5] = &objs[1], [6] = (void *)((1 << 2) | 2)}};
struct xa_node xa_leaf2 = {0, 2, 1, 0, &xa_top, 0, {[3] = &objs[2]}};
struct xa_node xa_top = {6, 0, 2, 0, 0, 0, {[0] = XA_NODE(xa_leaf0), [2] = XA_NODE(xa_leaf2)}};
struct xarray gxa = {0, 0, XA_NODE(xa_top)};

struct xa_node idr_node = {0, 0, 2, 0, 0, 0, {[0] = &objs[0], [2] = &objs[3]}};
struct idr gidr = {{0, 0, XA_NODE(idr_node)}, 1, 4};

/* ---- maple trees ---- */

struct maple_pnode;
struct maple_metadata {
	unsigned char end, gap;
};
struct maple_range_64 {
	struct maple_pnode *parent;
	unsigned long pivot[15];
	union {
		void *slot[16];
		struct {
			void *pad[15];
			struct maple_metadata meta;
		};
	};
};
struct maple_arange_64 {
	struct maple_pnode *parent;
	unsigned long pivot[9];
	void *slot[10];
	unsigned long gap[10];
	struct maple_metadata meta;
};
struct maple_node {
	union {
		struct {
			struct maple_pnode *parent;
			void *slot[31];
		};
		struct maple_range_64 mr64;
		struct maple_arange_64 ma64;
	};
} __attribute__((aligned(256)));
struct maple_tree {
	unsigned int ma_lock, ma_flags;
	void *ma_root;
};
unsigned char mt_slots[4] = {31, 16, 16, 10};
unsigned char mt_pivots[4] = {0, 15, 15, 9};

struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct vm_area_struct *vm_next;
};
struct vm_area_struct vmas[3] = {
	{0x1000, 0x2000, &vmas[1]}, {0x2000, 0x3000, &vmas[2]}, {0x3000, 0x4000, 0}};

/* An encoded node: its address, its type (1 leaf_64, 3 arange_64) and 4; the root also 2. */
#define MT_NODE(n, type) ((void *)((char *)&(n) + ((type) << 3) + 4))
extern struct maple_node mt_root_node;
#define MT_PARENT ((struct maple_pnode *)&mt_root_node)
struct maple_node mt_leaf_a = {.mr64 = {MT_PARENT, {0xfff, 0x1fff}, {.slot = {0, &vmas[0]}}}};
struct maple_node mt_leaf_b = {.mr64 = {MT_PARENT, {0x2fff, 0x3fff, ~0UL}, {.slot = {&vmas[1], &vmas[2], 0}}}};
struct maple_node mt_root_node = {.ma64 = {(struct maple_pnode *)0, {0x1fff, ~0UL},
					    {MT_NODE(mt_leaf_a, 1), MT_NODE(mt_leaf_b, 1)}, {0xfff, 0xc000}, {1, 1}}};
struct maple_tree gmt = {0, 0x30b, (char *)MT_NODE(mt_root_node, 3) + 2};

/* ---- the kernel: version, CPUs, tasks, run queues, pids, modules ---- */

const char linux_banner[] = "Linux version 6.99.0-fake (kdive@tests) #1 SMP\n";
struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
struct uts_namespace {
	struct new_utsname name;
};
struct uts_namespace init_uts_ns = {{"Linux", "fake", "6.99.0-fake", "#1 SMP", "x86_64", "(none)"}};
unsigned int nr_cpu_ids = NR_CPUS;
int panic_cpu = -1;

struct task_struct;
struct cfs_rq;
struct sched_entity {
	struct rb_node run_node;
	struct cfs_rq *my_q;
	unsigned long vruntime;
};
struct sched_rt_entity {
	struct list_head run_list;
};
struct signal_struct {
	struct list_head thread_head;
	int nr_threads;
};
struct mm_struct {
	struct maple_tree mm_mt;
};
struct thread_info {
	unsigned long flags;
	unsigned int cpu;
};
struct thread_struct {
	unsigned long sp;
};
struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	void *stack;
	unsigned int flags;
	int prio;
	struct sched_entity se;
	struct sched_rt_entity rt;
	unsigned int policy;
	struct list_head tasks;
	struct mm_struct *mm;
	int exit_state;
	int pid, tgid;
	struct task_struct *real_parent, *group_leader;
	struct hlist_node pid_links[4];
	struct list_head thread_node;
	unsigned long start_time, utime, stime;
	char comm[16];
	struct signal_struct *signal;
	struct thread_struct thread;
};

struct cfs_rq {
	struct rb_root_cached tasks_timeline;
};
struct rt_prio_array {
	unsigned long bitmap[2];
	struct list_head queue[100];
};
struct rt_rq {
	struct rt_prio_array active;
};
struct rq {
	unsigned long clock;
	struct task_struct *curr, *idle;
	struct cfs_rq cfs;
	struct rt_rq rt;
};

extern struct rq runqueues_area[NR_CPUS];
extern struct task_struct init_task, idle1, idle2, idle3, task_a, task_b, task_b2, task_d;
extern struct signal_struct sig_init, sig_a, sig_b, sig_d;
extern struct cfs_rq group_cfs;

/* Per-CPU data: runqueues is CPU 0's copy; each CPU's is one struct rq further on. */
extern struct rq runqueues __attribute__((alias("runqueues_area")));
unsigned long __per_cpu_offset[NR_CPUS] = {0, sizeof(struct rq), 2 * sizeof(struct rq), 3 * sizeof(struct rq)};

#define TASK(name, pid_, tgid_, comm_, prio_, next_task, prev_task, leader, sig, thnext, thprev, ...)              \
	struct task_struct name = {                                                                                \
		.pid = pid_, .tgid = tgid_, .comm = comm_, .prio = prio_, .real_parent = &task_a,                   \
		.group_leader = &leader, .signal = &sig, .tasks = {next_task, prev_task},                           \
		.thread_node = {thnext, thprev}, __VA_ARGS__                                                        \
	}
#define RT_NONE(name) .rt = {{&name.rt.run_list, &name.rt.run_list}}
#define IDLE(name, cpu_, comm_)                                                                                    \
	struct task_struct name = {.thread_info = {0, cpu_}, .pid = 0, .comm = comm_, .prio = 120,                \
				   .real_parent = &init_task, .flags = 0x00200000, .signal = &sig_init,              \
				   .thread_node = {&name.thread_node, &name.thread_node}}

/* init_task's tasks list: init_task -> 1 -> 100 -> 200; 101 is a thread of 100. */
struct task_struct init_task = {
	.thread_info = {0, 0}, .pid = 0, .comm = "swapper/0", .prio = 120, .real_parent = &init_task,
	.flags = 0x00200000, .group_leader = &init_task, .signal = &sig_init,
	.tasks = {&task_a.tasks, &task_d.tasks},
	.thread_node = {&sig_init.thread_head, &sig_init.thread_head},
};
IDLE(idle1, 1, "swapper/1");
IDLE(idle2, 2, "swapper/2");
IDLE(idle3, 3, "swapper/3");
#define RT_QUEUE_50 (&runqueues_area[1].rt.active.queue[50])
TASK(task_a, 1, 1, "init", 120, &task_b.tasks, &init_task.tasks, task_a, sig_a, &sig_a.thread_head, &sig_a.thread_head,
     RT_NONE(task_a));
TASK(task_b, 100, 100, "worker", 120, &task_d.tasks, &task_a.tasks, task_b, sig_b, &task_b2.thread_node,
     &sig_b.thread_head, RT_NONE(task_b));
TASK(task_b2, 101, 100, "worker2", 110, 0, 0, task_b, sig_b, &sig_b.thread_head, &task_b.thread_node, RT_NONE(task_b2));
TASK(task_d, 200, 200, "rtd", 49, &init_task.tasks, &task_b.tasks, task_d, sig_d, &sig_d.thread_head,
     &sig_d.thread_head, .rt = {{RT_QUEUE_50, RT_QUEUE_50}}, .policy = 1);

struct signal_struct sig_init = {{&init_task.thread_node, &init_task.thread_node}, 1};
struct signal_struct sig_a = {{&task_a.thread_node, &task_a.thread_node}, 1};
struct signal_struct sig_b = {{&task_b.thread_node, &task_b2.thread_node}, 2};
struct signal_struct sig_d = {{&task_d.thread_node, &task_d.thread_node}, 1};

/* Each CPU's 100 real-time queues, empty (pointing to themselves) unless said otherwise. */
#define Q(c, i) {&runqueues_area[c].rt.active.queue[i], &runqueues_area[c].rt.active.queue[i]}
#define Q10(c, t)                                                                                                  \
	Q(c, t * 10 + 0), Q(c, t * 10 + 1), Q(c, t * 10 + 2), Q(c, t * 10 + 3), Q(c, t * 10 + 4), Q(c, t * 10 + 5),  \
		Q(c, t * 10 + 6), Q(c, t * 10 + 7), Q(c, t * 10 + 8), Q(c, t * 10 + 9)
#define Q100(c) Q10(c, 0), Q10(c, 1), Q10(c, 2), Q10(c, 3), Q10(c, 4), Q10(c, 5), Q10(c, 6), Q10(c, 7), Q10(c, 8), Q10(c, 9)

/*
 * CPU 0 runs 100; its CFS tree holds 1 and a task group's entity, whose own queue holds 101.
 * CPU 1 runs its idle task and has 200 queued at real-time queue 50. CPUs 2 and 3 are idle.
 */
struct sched_entity group_se = {{0, 0, &task_a.se.run_node}, &group_cfs, 0};
struct cfs_rq group_cfs = {{{&task_b2.se.run_node}, &task_b2.se.run_node}};
struct rq runqueues_area[NR_CPUS] = {
	{1000, &task_b, &init_task, {{{&group_se.run_node}, &task_a.se.run_node}}, {{{0}, {Q100(0)}}}},
	{2000, &idle1, &idle1, {{{0}, 0}}, {{{0}, {Q100(1), [50] = {&task_d.rt.run_list, &task_d.rt.run_list}}}}},
	{3000, &idle2, &idle2, {{{0}, 0}}, {{{0}, {Q100(2)}}}},
	{4000, &idle3, &idle3, {{{0}, 0}}, {{{0}, {Q100(3)}}}},
};

/* The pids, in init_pid_ns's IDR (pid->tasks[PIDTYPE_PID].first is the task's pid_links[0]). */
struct pid {
	int count;
	unsigned int level;
	struct hlist_head tasks[4];
	int nr;
};
struct pid_namespace {
	struct idr idr;
	unsigned int level;
};
struct pid pid_1 = {1, 0, {{&task_a.pid_links[0]}}, 1};
struct pid pid_100 = {1, 0, {{&task_b.pid_links[0]}}, 100};
struct pid pid_101 = {1, 0, {{&task_b2.pid_links[0]}}, 101};
struct pid pid_200 = {1, 0, {{&task_d.pid_links[0]}}, 200};
struct xa_node pid_leaf0 = {0, 0, 1, 0, 0, 0, {[1] = &pid_1}};
struct xa_node pid_leaf1 = {0, 1, 2, 0, 0, 0, {[100 - 64] = &pid_100, [101 - 64] = &pid_101}};
struct xa_node pid_leaf3 = {0, 3, 1, 0, 0, 0, {[200 - 192] = &pid_200}};
struct xa_node pid_top = {6, 0, 3, 0, 0, 0, {XA_NODE(pid_leaf0), XA_NODE(pid_leaf1), 0, XA_NODE(pid_leaf3)}};
struct pid_namespace init_pid_ns = {{{0, 0, XA_NODE(pid_top)}, 0, 201}, 0};

/* Loaded modules */
struct module {
	int state;
	struct list_head list;
	char name[56];
};
extern struct module mod_ext4, mod_fake;
struct list_head modules = {&mod_ext4.list, &mod_fake.list};
struct module mod_ext4 = {0, {&mod_fake.list, &modules}, "ext4"};
struct module mod_fake = {0, {&modules, &mod_ext4.list}, "fake"};

/* Referenced from main so that the compiler keeps every object and its type. */
void *keep[] = {&ghead, &hhead, &groot, &gxa, &gidr, &gmt, &mt_pivots, (void *)linux_banner, &init_uts_ns,
		&nr_cpu_ids, &panic_cpu, &__per_cpu_offset, &runqueues, &init_pid_ns, &modules, &rbn, &group_se};

int main(void)
{
	return keep[0] == 0;
}
