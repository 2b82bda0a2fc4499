/*
 * A fake kernel for the unit tests of walkers and commands (tests/unit/test_walk.c and
 * test_commands.c): fake_session.c compiles this file with -g once per run and reads it as
 * kdive reads a vmlinux and a dump: its DWARF gives the types, its symbols
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
 *   modules    modules -> two struct module (ext4, fake) with kallsyms; taint_flags[], tainted_mask
 *   slab       slab_caches: kmalloc-64 and task_struct with CPU, partial and full slabs (SLUB, below)
 *   memory     the processes' mm_structs (6.2+ RSS: percpu_counters over a per-CPU chunk), one
 *              NUMA node's pglist_data; the uptime (jiffies_64, tick_nsec: HZ 250); each task's
 *              start, user and system times, last arrival, kernel stack; each process's rlimits
 *   pages      mem_section (one section, its mem_map fake_mem_map: pages[] and slabs[]), pageflag_names,
 *              node 0's zones
 *   files      (at the end) a mount namespace: rootfs at /, tmpfs at /lab, proc at /proc; worker's
 *              open files: /lab/data.txt with two pages in its page cache, a pipe, a socket;
 *              two block devices' inodes on blockdev_superblock (3 + 11 pages cached), _totalram_pages
 *              DMA (free: frame 1, and frames 8..15 at order 3) and Normal (unpopulated), the
 *              vm_zone_stat/vm_node_stat counters, the per-CPU vm_event_states, hstates
 * The commands' golden tests (tests/unit/test_commands.c) print all of it as crash would.
 */
#include <stddef.h>

#define NR_CPUS 4

/* The kernel image starts at _text (rd -s names only what lies between _text and _end). */
__asm__(".text\n.globl _text\n_text:\n");

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

/*
 * rbn[2] at the root; rbn[1] (left, with rbn[0] on its left) and rbn[4] (right, with rbn[3]).
 * __rb_parent_color: the parent's address, bit 0 set for a black node (rbn[0] and rbn[3] are red).
 */
#define RB_PARENT(node, black) ((unsigned long)&(node) + (black))
struct item rbn[5] = {
	{0, {0}, {0}, {RB_PARENT(rbn[1].rb, 0), 0, 0}},
	{1, {0}, {0}, {RB_PARENT(rbn[2].rb, 1), 0, &rbn[0].rb}},
	{2, {0}, {0}, {1, &rbn[4].rb, &rbn[1].rb}},
	{3, {0}, {0}, {RB_PARENT(rbn[4].rb, 0), 0, 0}},
	{4, {0}, {0}, {RB_PARENT(rbn[2].rb, 1), 0, &rbn[3].rb}},
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

struct mm_struct;
struct file;
extern struct mm_struct mm_worker;
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct vm_area_struct *vm_next;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	struct file *vm_file;
	unsigned long vm_pgoff;
};
/* worker's VMAs (mm_worker.mm_mt is a tree like gmt, over the same nodes) */
struct vm_area_struct vmas[3] = {{0x1000, 0x2000, &vmas[1], &mm_worker, 0x8100073},
				 {0x2000, 0x3000, &vmas[2], &mm_worker, 0x8000075},
				 {0x3000, 0x4000, 0, &mm_worker, 0x73}};

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
struct rlimit {
	unsigned long rlim_cur, rlim_max;
};
#define RLIM_NLIMITS 16
struct signal_struct {
	struct list_head thread_head;
	int nr_threads;
	struct rlimit rlim[RLIM_NLIMITS];
};
typedef struct {
	int counter;
} atomic_t;
typedef struct {
	unsigned long pgd;
} pgd_t;
typedef struct raw_spinlock {
	unsigned int raw_lock;
} raw_spinlock_t;
/* 6.2+: an mm's RSS counters are percpu_counters (count, plus each CPU's s32 not yet folded in). */
struct percpu_counter {
	raw_spinlock_t lock;
	long long count;
	int *counters; /* s32 __percpu * */
};
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };
struct mm_struct {
	struct maple_tree mm_mt;
	unsigned long mmap_base, task_size;
	pgd_t *pgd;
	atomic_t mm_users, mm_count;
	int map_count;
	unsigned long total_vm, locked_vm, pinned_vm, data_vm, exec_vm, stack_vm;
	unsigned long start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	struct percpu_counter rss_stat[NR_MM_COUNTERS];
};
struct sched_info {
	unsigned long pcount;
	unsigned long long run_delay, last_arrival, last_queued;
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
	struct sched_info sched_info;
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
	struct fs_struct *fs;        /* files and mounts: see the block at the end */
	struct files_struct *files;
	struct nsproxy *nsproxy;
};

struct task_group;
struct cfs_rq {
	struct rb_root_cached tasks_timeline;
	struct sched_entity *curr; /* the running entity (not in the tree) */
	struct task_group *tg;
	unsigned int nr_running;
	unsigned long long min_vruntime;
};
/* 98 queues, not the kernel's 100: the two list_heads pay for cfs_rq's members above, so that
 * struct rq, and with it every per-CPU offset, keeps its size. */
#define RT_QUEUES 98
struct rt_prio_array {
	unsigned long bitmap[2];
	struct list_head queue[RT_QUEUES];
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
_Static_assert(sizeof(struct rq) == 0x678, "struct rq: the per-CPU offsets of the golden files");

extern struct rq runqueues_area[NR_CPUS];
extern struct task_struct init_task, idle1, idle2, idle3, task_a, task_b, task_b2, task_d;
extern struct signal_struct sig_init, sig_a, sig_b, sig_d;
extern struct fs_struct fs_root;
extern struct files_struct files_worker, files_rtd;
extern struct nsproxy nsproxy_init, nsproxy_rtd;
extern struct cfs_rq group_cfs;
extern struct sched_entity group_se;
extern struct mm_struct mm_init, mm_worker, mm_rtd;
unsigned long init_stack[16384 / sizeof(unsigned long)] __attribute__((aligned(16384))); /* init_task's stack */

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
#define IDLE(name, cpu_, comm_, ...)                                                                               \
	struct task_struct name = {.thread_info = {0, cpu_}, .pid = 0, .comm = comm_, .prio = 120,                \
				   .real_parent = &init_task, .flags = 0x00200000, .signal = &sig_init,              \
				   .thread_node = {&name.thread_node, &name.thread_node}, __VA_ARGS__}
/*
 * Times in nanoseconds since boot (the uptime is 3723 s, see jiffies_64); kernel stacks in the
 * vmalloc area (VMAP_STACK), not in the fake's memory: ps -s shows them, nothing reads them.
 */
#define STACK(base, sp_off) .stack = (void *)(base), .thread = {(base) + (sp_off)}
#define TIMES(start, user, sys) .start_time = (start), .utime = (user), .stime = (sys)
#define ARRIVED(count, delay, last) .sched_info = {(count), (delay), (last), 0}

/* init_task's tasks list: init_task -> 1 -> 100 -> 200; 101 is a thread of 100. */
struct task_struct init_task = {
	.thread_info = {0, 0}, .pid = 0, .comm = "swapper/0", .prio = 120, .real_parent = &init_task,
	.flags = 0x00200000, .group_leader = &init_task, .signal = &sig_init, .nsproxy = &nsproxy_init,
	.tasks = {&task_a.tasks, &task_d.tasks},
	.thread_node = {&sig_init.thread_head, &sig_init.thread_head},
	.stack = init_stack, .thread = {(unsigned long)((char *)init_stack + 0x3e70)},
	ARRIVED(51210, 0, 3722950000000ULL),
};
IDLE(idle1, 1, "swapper/1", STACK(0xffffc90000080000UL, 0x3e98), ARRIVED(48007, 0, 3723001200000ULL));
IDLE(idle2, 2, "swapper/2", STACK(0xffffc90000088000UL, 0x3e98), ARRIVED(47764, 0, 3722997900000ULL));
IDLE(idle3, 3, "swapper/3", STACK(0xffffc90000090000UL, 0x3e98), ARRIVED(45012, 0, 3722989000000ULL));
#define RT_QUEUE_50 (&runqueues_area[1].rt.active.queue[50])
TASK(task_a, 1, 1, "init", 120, &task_b.tasks, &init_task.tasks, task_a, sig_a, &sig_a.thread_head, &sig_a.thread_head,
     RT_NONE(task_a), .real_parent = &init_task, .mm = &mm_init, .flags = 0x00400100, .fs = &fs_root, .nsproxy = &nsproxy_init,
     .se = {{RB_PARENT(group_se.run_node, 0), 0, 0}, 0, 2145000000UL},
     STACK(0xffffc90000010000UL, 0x3d48), TIMES(1203456789ULL, 512000000ULL, 1380000000ULL),
     ARRIVED(9120, 2310000000ULL, 3722900000000ULL));
TASK(task_b, 100, 100, "worker", 120, &task_d.tasks, &task_a.tasks, task_b, sig_b, &task_b2.thread_node,
     &sig_b.thread_head, RT_NONE(task_b), .mm = &mm_worker, .flags = 0x00400000, .se = {{0}, 0, 2147500000UL},
     .fs = &fs_root, .files = &files_worker, .nsproxy = &nsproxy_init,
     STACK(0xffffc900003d0000UL, 0x3dc0), TIMES(35100000000ULL, 95000000000ULL, 12000000000ULL),
     ARRIVED(230871, 41000000000ULL, 3723004000000ULL));
TASK(task_b2, 101, 100, "worker2", 110, 0, 0, task_b, sig_b, &sig_b.thread_head, &task_b.thread_node, RT_NONE(task_b2),
     .se = {{1, 0, 0}, 0, 1050000000UL}, .mm = &mm_worker, .flags = 0x00400040, STACK(0xffffc900003d8000UL, 0x3dc0),
     TIMES(35100500000ULL, 40000000000ULL, 3000000000ULL), ARRIVED(118304, 19500000000ULL, 3723003000000ULL));
TASK(task_d, 200, 200, "rtd", 49, &init_task.tasks, &task_b.tasks, task_d, sig_d, &sig_d.thread_head,
     &sig_d.thread_head, .rt = {{RT_QUEUE_50, RT_QUEUE_50}}, .policy = 1, .thread_info = {0, 1}, .mm = &mm_rtd, .flags = 0x00400000,
     .files = &files_rtd, .nsproxy = &nsproxy_rtd,
     STACK(0xffffc90000420000UL, 0x3e10), TIMES(61000000000ULL, 200000000ULL, 900000000ULL),
     ARRIVED(3675, 1000000ULL, 3722999000000ULL));

/* The limits a process gets by default (CPU, FSIZE, DATA, STACK, CORE, RSS, NPROC, NOFILE, MEMLOCK, AS,
 * LOCKS, SIGPENDING, MSGQUEUE, NICE, RTPRIO, RTTIME); init raised its NOFILE maximum. */
#define INF (~0UL)
#define RLIMITS(nofile_max)                                                                                        \
	{{INF, INF}, {INF, INF}, {INF, INF}, {8388608, INF}, {0, INF}, {INF, INF}, {3873, 3873}, {1024, nofile_max},  \
	 {8388608, 8388608}, {INF, INF}, {INF, INF}, {3873, 3873}, {819200, 819200}, {0, 0}, {0, 0}, {INF, INF}}
struct signal_struct sig_init = {{&init_task.thread_node, &init_task.thread_node}, 1, RLIMITS(4096)};
struct signal_struct sig_a = {{&task_a.thread_node, &task_a.thread_node}, 1, RLIMITS(524288)};
struct signal_struct sig_b = {{&task_b.thread_node, &task_b2.thread_node}, 2, RLIMITS(4096)};
struct signal_struct sig_d = {{&task_d.thread_node, &task_d.thread_node}, 1, RLIMITS(4096)};

/* Each CPU's 100 real-time queues, empty (pointing to themselves) unless said otherwise. */
#define Q(c, i) {&runqueues_area[c].rt.active.queue[i], &runqueues_area[c].rt.active.queue[i]}
#define Q10(c, t)                                                                                                  \
	Q(c, t * 10 + 0), Q(c, t * 10 + 1), Q(c, t * 10 + 2), Q(c, t * 10 + 3), Q(c, t * 10 + 4), Q(c, t * 10 + 5),  \
		Q(c, t * 10 + 6), Q(c, t * 10 + 7), Q(c, t * 10 + 8), Q(c, t * 10 + 9)
#define Q100(c) Q10(c, 0), Q10(c, 1), Q10(c, 2), Q10(c, 3), Q10(c, 4), Q10(c, 5), Q10(c, 6), Q10(c, 7), Q10(c, 8), \
	Q(c, 90), Q(c, 91), Q(c, 92), Q(c, 93), Q(c, 94), Q(c, 95), Q(c, 96), Q(c, 97)

/*
 * CPU 0 runs 100; its CFS tree holds 1 and a task group's entity, whose own queue holds 101.
 * CPU 1 runs its idle task and has 200 queued at real-time queue 50. CPUs 2 and 3 are idle.
 */
struct sched_entity group_se = {{1, 0, &task_a.se.run_node}, &group_cfs, 2150000000UL};
extern struct task_group root_task_group, tg_kdive;
struct cfs_rq group_cfs = {{{&task_b2.se.run_node}, &task_b2.se.run_node}, 0, &tg_kdive, 1};
/* clock: nanoseconds since boot; bitmap: the queues holding tasks, and the delimiter bit 100 */
#define RT_DELIM (1UL << (100 - 64))
struct rq runqueues_area[NR_CPUS] = {
	{3723004512345ULL, &task_b, &init_task, {{{&group_se.run_node}, &task_a.se.run_node}, &task_b.se, &root_task_group, 3},
	 {{{0, RT_DELIM}, {Q100(0)}}}},
	{3723001234567ULL, &idle1, &idle1, {{{0}, 0}, 0, &root_task_group, 0},
	 {{{1UL << 50, RT_DELIM}, {Q100(1), [50] = {&task_d.rt.run_list, &task_d.rt.run_list}}}}},
	{3722998000000ULL, &idle2, &idle2, {{{0}, 0}, 0, &root_task_group, 0}, {{{0, RT_DELIM}, {Q100(2)}}}},
	{3722990000000ULL, &idle3, &idle3, {{{0}, 0}, 0, &root_task_group, 0}, {{{0, RT_DELIM}, {Q100(3)}}}},
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

/* Loaded modules; "fake" has its sections' addresses (sect_attrs), for mod -s: its build ID
 * note, text somewhere unmapped, and data on fake_mod_data (what the unit test's module
 * object file, tests/unit/test_moddebug.c, puts in .data). */
struct attribute {
	const char *name;
	unsigned short mode;
};
struct bin_attribute {
	struct attribute attr;
	unsigned long size;
	void *private;
};
struct module_sect_attr {
	struct bin_attribute battr;
	unsigned long address;
};
struct module_sect_attrs {
	int grp;
	unsigned int nsections;
	struct module_sect_attr attrs[3];
};
struct {
	unsigned int namesz, descsz, type;
	char name[4];
	unsigned char desc[20];
} fake_mod_build_id = {4, 20, 3, "GNU", {0x4b, 0x44, 0x49, 0x56, 0x45, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
struct {
	int a;
	long b;
} fake_mod_data = {7, 42};
struct module_sect_attrs fake_sect_attrs = {0, 3, {{{{".note.gnu.build-id", 0}, 0, 0}, (unsigned long)&fake_mod_build_id},
						  {{{".text", 0}, 0, 0}, 0xffffffffc0001000UL},
						  {{{".data", 0}, 0, 0}, (unsigned long)&fake_mod_data}}};
/*
 * Loaded modules (6.1's layout: core_layout, init_layout) in the module area at 0xffffffffc0000000
 * (vas[2]): fake at +0 (its .text above at +0x1000) and ext4 at +0x3000, 0x3000 bytes each, neither's memory modelled, only
 * their kallsyms: an ELF symbol table and string table each. fake's has what crash leaves out
 * (the null entry, an undefined symbol, one outside the module), a clone suffix to cut, two
 * symbols at one address, a data symbol (crash: '?'), an __this_module as ext4's, and
 * modfunc, which places test_moddebug's object file's .text for crash's rule. The
 * kernel's taint table (6.1's taint_flags[]): tainted W, O and E; fake is tainted O and E.
 */
typedef struct {
	unsigned int st_name;
	unsigned char st_info, st_other;
	unsigned short st_shndx;
	unsigned long st_value, st_size;
} Elf64_Sym;
struct mod_kallsyms {
	Elf64_Sym *symtab;
	unsigned int num_symtab;
	char *strtab;
	char *typetab;
};
struct module_layout {
	void *base;
	unsigned int size, text_size, ro_size, ro_after_init_size;
};
struct module {
	int state;
	struct list_head list;
	char name[56];
	struct module_sect_attrs *sect_attrs;
	struct module_layout core_layout, init_layout;
	struct mod_kallsyms *kallsyms;
	unsigned long taints;
};
#define MOD_AREA 0xffffffffc0000000UL
char ext4_strtab[] = "\0ext4_fill_super\0__this_module";
Elf64_Sym ext4_symtab[] = {
	{0},
	{1, 0x12, 0, 1, MOD_AREA + 0x3040, 0x200},  /* T ext4_fill_super */
	{17, 0x11, 0, 3, MOD_AREA + 0x5800, 0x400}, /* ? __this_module */
};
char fake_strtab[] = "\0fake_init\0fake_helper.part.0\0fake_data\0printk\0far_away\0__this_module\0init_module\0modfunc";
Elf64_Sym fake_symtab[] = {
	{0},
	{1, 0x12, 0, 1, MOD_AREA + 0x10, 0x80},     /* T fake_init */
	{11, 0x02, 0, 1, MOD_AREA + 0x100, 0x40},   /* t fake_helper (.part.0 cut) */
	{30, 0x01, 0, 3, MOD_AREA + 0x2000, 0x10},  /* ? fake_data */
	{40, 0x10, 0, 0, 0, 0},                     /* undefined: printk */
	{47, 0x02, 0, 1, 0xffffffffc0100000UL, 0},  /* outside the module: far_away */
	{56, 0x11, 0, 3, MOD_AREA + 0x2800, 0x400}, /* ? __this_module */
	{70, 0x12, 0, 1, MOD_AREA + 0x10, 0x80},    /* T init_module, an alias of fake_init */
	{82, 0x12, 0, 1, MOD_AREA + 0x1000, 0x20},  /* T modfunc: where test_moddebug's object file has its .text */
};
struct mod_kallsyms ext4_kallsyms = {ext4_symtab, 3, ext4_strtab, 0};
struct mod_kallsyms fake_kallsyms = {fake_symtab, 9, fake_strtab, 0};
extern struct module mod_ext4, mod_fake;
struct list_head modules = {&mod_ext4.list, &mod_fake.list};
struct module mod_ext4 = {0, {&mod_fake.list, &modules}, "ext4", 0, {(void *)(MOD_AREA + 0x3000), 0x3000, 0x1000, 0, 0}, {0}, &ext4_kallsyms, 0};
struct module mod_fake = {0, {&modules, &mod_ext4.list}, "fake", &fake_sect_attrs, {(void *)MOD_AREA, 0x3000, 0x1000, 0, 0}, {0}, &fake_kallsyms,
			  (1UL << 12) | (1UL << 13)};
struct taint_flag {
	char c_true, c_false;
	_Bool module;
};
const struct taint_flag taint_flags[18] = {
	{'P', 'G', 1}, {'F', ' ', 1}, {'S', ' ', 0}, {'R', ' ', 0}, {'M', ' ', 0}, {'B', ' ', 0},
	{'U', ' ', 0}, {'D', ' ', 0}, {'A', ' ', 0}, {'W', ' ', 0}, {'C', ' ', 1}, {'I', ' ', 0},
	{'O', ' ', 1}, {'E', ' ', 1}, {'L', ' ', 0}, {'K', ' ', 1}, {'X', ' ', 1}, {'T', ' ', 1},
};
unsigned long tainted_mask = (1UL << 9) | (1UL << 12) | (1UL << 13);

/*
 * The processes' address spaces: sizes and RSS counters (their VMAs are not modelled: mm_mt is
 * empty; the maple tree of VMAs is gmt above). Each RSS counter is a percpu_counter: count plus
 * the s32 of each CPU, which lives in the per-CPU allocator's chunk: CPU c's unit is
 * __per_cpu_offset[c] bytes after CPU 0's, so counters + __per_cpu_offset[c] is CPU c's s32.
 * Resident pages (file + anon + shmem): init 2992, worker 1190, rtd 253.
 */
#define PCPU_SLOT(mm, counter) ((mm) * NR_MM_COUNTERS + (counter))
int pcpu_chunk[NR_CPUS][sizeof(struct rq) / sizeof(int)] = {
	[0] = {[PCPU_SLOT(0, MM_FILEPAGES)] = 3, [PCPU_SLOT(0, MM_ANONPAGES)] = 4, [PCPU_SLOT(1, MM_FILEPAGES)] = 2,
	       [PCPU_SLOT(1, MM_ANONPAGES)] = 6, [PCPU_SLOT(2, MM_ANONPAGES)] = 1},
	[1] = {[PCPU_SLOT(0, MM_FILEPAGES)] = -1, [PCPU_SLOT(1, MM_FILEPAGES)] = 1},
	[2] = {[PCPU_SLOT(0, MM_ANONPAGES)] = 1},
	[3] = {[PCPU_SLOT(0, MM_FILEPAGES)] = 2, [PCPU_SLOT(0, MM_ANONPAGES)] = -1, [PCPU_SLOT(1, MM_ANONPAGES)] = 1},
};
#define RSS(mm, file, anon, swap, shmem)                                                                           \
	.rss_stat = {{{0}, file, &pcpu_chunk[0][PCPU_SLOT(mm, 0)]}, {{0}, anon, &pcpu_chunk[0][PCPU_SLOT(mm, 1)]},     \
		     {{0}, swap, &pcpu_chunk[0][PCPU_SLOT(mm, 2)]}, {{0}, shmem, &pcpu_chunk[0][PCPU_SLOT(mm, 3)]}}
#define USER_MM .mmap_base = 0x7f3c1a2e5000UL, .task_size = 0x7ffffffff000UL
struct mm_struct mm_init = {USER_MM, .pgd = (pgd_t *)0xffff888003a4e000UL, .mm_users = {1}, .mm_count = {1},
			    .total_vm = 42000, .data_vm = 4310, .exec_vm = 9870, .stack_vm = 33,
			    .start_stack = 0x7ffc3b9e0f30UL, .arg_start = 0x7ffc3b9e1f2aUL, .arg_end = 0x7ffc3b9e1f37UL,
			    .env_start = 0x7ffc3b9e1f37UL, .env_end = 0x7ffc3b9e1fe8UL, RSS(0, 2048, 896, 0, 40)};
struct mm_struct mm_worker = {{0, 0x30b, (char *)MT_NODE(mt_root_node, 3) + 2}, USER_MM, .pgd = (pgd_t *)0xffff888004c1f000UL, .mm_users = {2}, .mm_count = {1},
			      .total_vm = 5120, .data_vm = 1402, .exec_vm = 611, .stack_vm = 33,
			      .start_stack = 0x7ffe9d24c5a0UL, .arg_start = 0x7ffe9d24df01UL, .arg_end = 0x7ffe9d24df0fUL,
			      .env_start = 0x7ffe9d24df0fUL, .env_end = 0x7ffe9d24dfeaUL, RSS(1, 700, 480, 12, 0)};
struct mm_struct mm_rtd = {USER_MM, .pgd = (pgd_t *)0xffff888005e20000UL, .mm_users = {1}, .mm_count = {1},
			   .total_vm = 660, .data_vm = 90, .exec_vm = 180, .stack_vm = 33,
			   .start_stack = 0x7fff0a6bb9d0UL, .arg_start = 0x7fff0a6bcf3eUL, .arg_end = 0x7fff0a6bcf42UL,
			   .env_start = 0x7fff0a6bcf42UL, .env_end = 0x7fff0a6bcfe6UL, RSS(2, 180, 64, 0, 8)};

/* ---- the page allocator (linux/mm.c, kmem -p/-f/-F/-z/-V/-n/-g/-h) ----
 * One memory section (SPARSEMEM_EXTREME: mem_section -> a root of struct mem_section) whose
 * mem_map is fake_pages: 16 struct pages for the frames 0..15 (the section's other frames have
 * no struct page here). Node 0 has two zones: DMA (frames 1..4095) whose free lists hold frame 1
 * (order 0) and the block of frames 8..15 (order 3), and an unpopulated Normal zone. */
enum pageflags {
	PG_locked, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active, PG_slab = 9, PG_reserved = 12,
	PG_private = 13, PG_head = 16, PG_swapbacked = 19, __NR_PAGEFLAGS = 26, PG_checked = PG_private,
};
enum pageflags fake_pageflags_kept;
struct trace_print_flags {
	unsigned long mask;
	const char *name;
};
const struct trace_print_flags pageflag_names[] = {
	{1UL << PG_locked, "locked"}, {1UL << PG_referenced, "referenced"}, {1UL << PG_uptodate, "uptodate"},
	{1UL << PG_dirty, "dirty"},   {1UL << PG_lru, "lru"},               {1UL << PG_active, "active"},
	{1UL << PG_slab, "slab"},     {1UL << PG_reserved, "reserved"},     {1UL << PG_private, "private"},
	{1UL << PG_head, "head"},     {1UL << PG_swapbacked, "swapbacked"}, {0, NULL},
};
/* 64 bytes, as the kernel's: the page allocator's view (lru, mapping, index, private) and the
 * compound/slab view (compound_head over lru.next) share the words after flags; page_type
 * shares _mapcount's. struct slab (below) overlays the whole of it. */
struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head; /* bit 0: a tail page, the rest its head */
			unsigned long mapping_etc[4];
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type; /* the top byte: a PGTY_* type */
	};
	atomic_t _refcount;
	unsigned long memcg_data;
};
struct kmem_cache;
struct slab {
	unsigned long __page_flags;
	struct kmem_cache *slab_cache;
	union {
		struct list_head slab_list;
		struct {
			struct slab *next;
			int slabs;
		};
	};
	void *freelist;
	union {
		unsigned long counters;
		struct {
			unsigned inuse : 16;
			unsigned objects : 15;
			unsigned frozen : 1;
		};
	};
	unsigned int __page_type;
	atomic_t __page_refcount;
	unsigned long obj_exts;
};
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab overlays struct page");
/* The one mem_map (vmemmap_base, section 0's mem_map): frames 0..0xff are pages[], frames
 * 0x100..0x105 the slab allocator's slabs[] (below). */
#define SLAB_PFN0 0x100UL
struct fake_mem_map {
	struct page pages[SLAB_PFN0];
	struct slab slabs[6];
};
extern struct fake_mem_map fake_mem_map;
#define fake_pages fake_mem_map.pages
#define fake_slabs fake_mem_map.slabs
struct mem_section {
	unsigned long section_mem_map;
	unsigned long *usage;
};
enum zone_stat_item { NR_FREE_PAGES, NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON, NR_MLOCK, NR_VM_ZONE_STAT_ITEMS };
enum node_stat_item { NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_FILE_PAGES, NR_SLAB_RECLAIMABLE_B, NR_VM_NODE_STAT_ITEMS };
enum vm_event_item { PGPGIN, PGPGOUT, PGALLOC_DMA, PGFREE, NR_VM_EVENT_ITEMS };
enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };
enum zone_stat_item fake_zone_item_kept;
enum node_stat_item fake_node_item_kept;
enum vm_event_item fake_event_item_kept;
enum zone_watermarks fake_wmark_kept;
typedef struct {
	long counter;
} atomic_long_t;
#define MIGRATE_TYPES 2
#define NR_PAGE_ORDERS 4
#define MAX_NR_ZONES 2
struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};
struct zone {
	unsigned long _watermark[NR_WMARK];
	const char *name;
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long zone_start_pfn, spanned_pages, present_pages;
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};
extern struct pglist_data node_data_0;
#define FREE_LIST(o, t) node_data_0.node_zones[0].free_area[o].free_list[t]
#define EMPTY(o, t) {&FREE_LIST(o, t), &FREE_LIST(o, t)}
#define FREE_ONE(o, t, pfn) {&fake_pages[pfn].lru, &fake_pages[pfn].lru}
#define DMA_ZONE                                                                                               \
	{._watermark = {22, 27, 32}, .name = "DMA",                                                            \
	 .free_area = {{{FREE_ONE(0, 0, 1), EMPTY(0, 1)}, 1}, {{EMPTY(1, 0), EMPTY(1, 1)}, 0},                 \
		       {{EMPTY(2, 0), EMPTY(2, 1)}, 0}, {{EMPTY(3, 0), FREE_ONE(3, 1, 8)}, 1}},                \
	 .zone_start_pfn = 1, .spanned_pages = 4095, .present_pages = 3998, .vm_stat = {{9}, {12}, {30}, {2}}}
#define NORMAL_ZONE {._watermark = {0, 0, 0}, .name = "Normal"}

/* One NUMA node of 1 GiB (ps's %MEM is a share of its present pages). */
#define MAX_NUMNODES 64
struct pglist_data {
	unsigned long node_start_pfn, node_present_pages, node_spanned_pages;
	int node_id;
	struct zone node_zones[MAX_NR_ZONES];
};
struct pglist_data node_data_0 = {0, 262030, 262144, 0, {DMA_ZONE, NORMAL_ZONE}};
struct pglist_data *node_data[MAX_NUMNODES] = {&node_data_0};
unsigned int nr_node_ids = 1;

/* Up 3723 s (1:02:03) at HZ 250: jiffies start 300 s before the 32-bit wrap. */
unsigned long tick_nsec = 4000000;
unsigned long long jiffies_64 = (unsigned long long)(unsigned int)(-300 * 250) + 3723ULL * 250;

/* A structure that shares its name with a crash command (net): the word is the command. init_net
 * (its devices) is with the networking below. */
struct net {
	int ifindex;
	struct list_head dev_base_head;
};
extern struct net init_net;

/*
 * The SLUB slab allocator, 6.x shape: struct slab overlays struct page (64 bytes), a slab's page
 * is marked by its page type (PGTY_slab), and free pointers are plain (no
 * CONFIG_SLAB_FREELIST_HARDENED: kmem_cache has no random). The struct page array starts at
 * vmemmap_base and the direct map at page_offset_base, placed so that page frame SLAB_PFN0 + i is
 * fake_slabs[i] and its memory slab_mem[i]. Two caches on slab_caches, one node:
 *   kmalloc-64   64-byte objects, 64 a slab, the free pointer at 0. CPU 0: slab 0 active (its
 *                lockless freelist: objects 3, 1) and slab 1 on its partial list (objects 10, 20
 *                free); CPU 1-3: nothing. Node 0: slab 2 partial (objects 5-8 free), slab 3 full
 *                (not tracked: no SLAB_STORE_USER). 4 slabs, 256 objects, 8 free.
 *   task_struct  1000-byte objects every 1024 bytes, 4 a slab, the free pointer at 512,
 *                SLAB_STORE_USER. CPU 1: slab 4 active (lockless freelist: object 2). Node 0: no
 *                partial slab, slab 5 on the full list. 2 slabs, 8 objects, 1 free.
 */
#define SLAB_STORE_USER 0x00010000U
enum pagetype { PGTY_slab = 0xf5 };
enum pagetype pagetype_slab = PGTY_slab;
struct kmem_cache;
struct page *mem_map_type; /* keeps struct page in the DWARF */
struct kmem_cache_order_objects {
	unsigned int x; /* order << 16 | objects */
};
struct kmem_cache_cpu {
	void **freelist;
	unsigned long tid;
	struct slab *slab;
	struct slab *partial;
};
struct kmem_cache_node {
	unsigned int list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	atomic_long_t nr_slabs;
	atomic_long_t total_objects;
	struct list_head full;
};
struct kmem_cache {
	struct kmem_cache_cpu *cpu_slab;
	unsigned int flags;
	unsigned long min_partial;
	unsigned int size, object_size, offset, cpu_partial;
	struct kmem_cache_order_objects oo;
	unsigned int inuse, align, red_left_pad;
	const char *name;
	struct list_head list;
	struct kmem_cache_node *node[MAX_NUMNODES];
};
/* Each CPU's kmem_cache_cpu of both caches, one struct rq apart (the per-CPU offsets above). */
struct slab_pcpu_unit {
	struct kmem_cache_cpu cpu[2];
	char pad[sizeof(struct rq) - 2 * sizeof(struct kmem_cache_cpu)];
};
_Static_assert(sizeof(struct slab_pcpu_unit) == sizeof(struct rq), "one unit per CPU");
union slab_page {
	unsigned char bytes[4096];
	void *words[512];
};
extern union slab_page slab_mem[6];
extern struct kmem_cache kmalloc_64_cache, task_struct_cache;
extern struct kmem_cache_node kmalloc_64_node, task_struct_node;
#define KM64_OBJ(slab, i) (&slab_mem[slab].words[(i)*8])
#define TASK_OBJ(slab, i) (&slab_mem[slab].words[(i)*128])
union slab_page slab_mem[6] __attribute__((aligned(4096))) = {
	[0] = {.words = {[3 * 8] = KM64_OBJ(0, 1)}},
	[1] = {.words = {[10 * 8] = KM64_OBJ(1, 20)}},
	[2] = {.words = {[5 * 8] = KM64_OBJ(2, 6), [6 * 8] = KM64_OBJ(2, 7), [7 * 8] = KM64_OBJ(2, 8)}},
};
#define SLAB(cache, in, objs, froz, fl, ...)                                                                      \
	{.slab_cache = &(cache), .freelist = (fl), .inuse = (in), .objects = (objs), .frozen = (froz),          \
	 .__page_type = PGTY_slab << 24, .__page_refcount = {1}, __VA_ARGS__}
unsigned long page_offset_base = (unsigned long)slab_mem - SLAB_PFN0 * 4096;
unsigned long vmemmap_base = (unsigned long)&fake_mem_map;
struct slab_pcpu_unit slab_pcpu[NR_CPUS] = {
	[0] = {.cpu = {{(void **)KM64_OBJ(0, 3), 0, &fake_slabs[0], &fake_slabs[1]}}},
	[1] = {.cpu = {[1] = {(void **)TASK_OBJ(4, 2), 0, &fake_slabs[4], 0}}},
};
struct kmem_cache_node kmalloc_64_node = {0, 1, {&fake_slabs[2].slab_list, &fake_slabs[2].slab_list}, {4}, {256},
					   {&kmalloc_64_node.full, &kmalloc_64_node.full}};
struct kmem_cache_node task_struct_node = {0, 0, {&task_struct_node.partial, &task_struct_node.partial}, {2}, {8},
					    {&fake_slabs[5].slab_list, &fake_slabs[5].slab_list}};
struct list_head slab_caches = {&kmalloc_64_cache.list, &task_struct_cache.list};
struct kmem_cache kmalloc_64_cache = {&slab_pcpu[0].cpu[0], 0, 5, 64, 64, 0, 30, {64}, 64, 8, 0, "kmalloc-64",
				      {&task_struct_cache.list, &slab_caches}, {&kmalloc_64_node}};
struct kmem_cache task_struct_cache = {&slab_pcpu[0].cpu[1], SLAB_STORE_USER, 5, 1024, 1000, 512, 2, {4}, 1000,
				       64, 0, "task_struct", {&slab_caches, &kmalloc_64_cache.list}, {&task_struct_node}};

/*
 * The vmalloc areas (before 6.9: one list, vmap_area_list): a vmalloc'ed stack, a vm_map_ram
 * area (no vm_struct: kmem -v leaves it out) and a module's area.
 */
struct vm_struct {
	struct vm_struct *next;
	void *addr;
	unsigned long size, flags;
};
struct vmap_area {
	unsigned long va_start, va_end;
	struct rb_node rb_node;
	struct list_head list;
	union {
		unsigned long subtree_max_size;
		struct vm_struct *vm;
	};
	unsigned long flags;
};
struct vm_struct vms[2] = {{0, (void *)0xffffc90000000000UL, 0x5000, 0x22}, {0, (void *)0xffffffffc0000000UL, 0x6000, 0x22}};
extern struct vmap_area vas[3];
struct list_head vmap_area_list = {&vas[0].list, &vas[2].list};
struct vmap_area vas[3] = {
	{0xffffc90000000000UL, 0xffffc90000005000UL, {0}, {&vas[1].list, &vmap_area_list}, {.vm = &vms[0]}, 0},
	{0xffffc90000005000UL, 0xffffc90000007000UL, {0}, {&vas[2].list, &vas[0].list}, {.vm = 0}, 2},
	{0xffffffffc0000000UL, 0xffffffffc0006000UL, {0}, {&vmap_area_list, &vas[1].list}, {.vm = &vms[1]}, 0},
};

/* Swap: one partition in use (type 0), one slot once used and now free (type 1). */
struct swap_info_struct {
	unsigned long flags;
	short prio;
	struct file *swap_file;
	unsigned int old_block_size;
	unsigned int pages, inuse_pages, max;
};
struct swap_info_struct swap0 = {3, -2, 0, 4096, 262143, 96, 262144}, swap1 = {0, -3, 0, 0, 1000, 0, 1001};
struct swap_info_struct *swap_info[32] = {&swap0, &swap1};
unsigned int nr_swapfiles = 2;

/* ---- issue 12, kmisc: timers, wait queues, machine data, BPF, sbitmap queues ----
 * timer_bases (per CPU, as runqueues: CPU c's two bases __per_cpu_offset[c] bytes after CPU 0's)
 * with timers on CPU 0 (three in two vectors, two of them expiring together) and CPU 1 (one,
 * overdue); jiffies (the low word of jiffies_64); hrtimer_bases with two clock bases, CPU 0's
 * monotonic one holding two hrtimers in its timerqueue; a wait queue (fk_waitq) with worker
 * (pid 100) and init queued, then a callback's entry; e820_table and boot_cpu_data for mach;
 * prog_idr and map_idr with one program (id 1, using map 1) and one map; an sbitmap_queue of
 * depth 40 (bits 0, 2 and 33 in use, bit 5 set but cleared) over items[]. */
struct timer_list {
	struct hlist_node entry;
	unsigned long expires;
	void (*function)(struct timer_list *);
	unsigned int flags;
};
#define FK_WHEEL 8
struct timer_base {
	raw_spinlock_t lock;
	unsigned long clk;
	struct hlist_head vectors[FK_WHEEL];
};
void process_timeout(struct timer_list *t);
void delayed_work_timer_fn(struct timer_list *t);
long long ktime_get(void);
long long ktime_get_real(void);
struct fk_timer_pcpu {
	struct timer_base b[2];
	char pad[sizeof(struct rq) - 2 * sizeof(struct timer_base)];
};
extern struct fk_timer_pcpu timer_bases_area[NR_CPUS];
struct timer_list fk_timers[4] = {
	{{&fk_timers[1].entry, &timer_bases_area[0].b[0].vectors[1].first}, 4295823546UL, process_timeout, 0},
	{{0, &fk_timers[0].entry.next}, 4295823246UL, delayed_work_timer_fn, 0},
	{{0, &timer_bases_area[0].b[0].vectors[3].first}, 4295823246UL, process_timeout, 0},
	{{0, &timer_bases_area[1].b[1].vectors[0].first}, 4295823000UL, delayed_work_timer_fn, 0},
};
struct fk_timer_pcpu timer_bases_area[NR_CPUS] = {
	[0] = {{{.vectors = {[1] = {&fk_timers[0].entry}, [3] = {&fk_timers[2].entry}}}, {{0}}}, {0}},
	[1] = {{{{0}}, {.vectors = {[0] = {&fk_timers[3].entry}}}}, {0}},
};
extern struct timer_base timer_bases[2] __attribute__((alias("timer_bases_area")));
/* jiffies: 4295823046, 3723 s at HZ 250 after INITIAL_JIFFIES (jiffies_64, above) */
extern unsigned long jiffies __attribute__((alias("jiffies_64")));
unsigned int sysctl_timer_migration = 1;

typedef long long ktime_t;
struct timerqueue_node {
	struct rb_node node;
	ktime_t expires;
};
struct timerqueue_head {
	struct rb_root_cached rb_root;
};
struct hrtimer_cpu_base;
struct hrtimer_clock_base {
	struct hrtimer_cpu_base *cpu_base;
	unsigned int index;
	int clockid;
	struct timerqueue_head active;
	ktime_t (*get_time)(void);
	ktime_t offset;
};
struct hrtimer_cpu_base {
	unsigned int cpu;
	struct hrtimer_clock_base clock_base[2];
};
struct hrtimer {
	struct timerqueue_node node;
	ktime_t _softexpires;
	int (*function)(struct hrtimer *);
	struct hrtimer_clock_base *base;
};
int tick_sched_timer(struct hrtimer *h);
int hrtimer_wakeup(struct hrtimer *h);
struct fk_hrtimer_pcpu {
	struct hrtimer_cpu_base b;
	char pad[sizeof(struct rq) - sizeof(struct hrtimer_cpu_base)];
};
extern struct fk_hrtimer_pcpu hrtimer_bases_area[NR_CPUS];
/* hrt[0] at the root, hrt[1] its right child: 3723.004 s and 3725 s (soft 3724.5 s) */
struct hrtimer fk_hrt[2] = {
	{{{0, &fk_hrt[1].node.node, 0}, 3723004000000LL}, 3723004000000LL, tick_sched_timer, 0},
	{{{(unsigned long)&fk_hrt[0].node.node, 0, 0}, 3725000000000LL}, 3724500000000LL, hrtimer_wakeup, 0},
};
#define FK_CLOCKS(c)                                                                                                     \
	{{&hrtimer_bases_area[c].b, 0, 1, {{{0}, 0}}, ktime_get, 0}, {&hrtimer_bases_area[c].b, 1, 0, {{{0}, 0}}, ktime_get_real, 1700000000000000000LL}}
struct fk_hrtimer_pcpu hrtimer_bases_area[NR_CPUS] = {
	[0] = {{0, {{&hrtimer_bases_area[0].b, 0, 1, {{{&fk_hrt[0].node.node}, &fk_hrt[0].node.node}}, ktime_get, 0},
		    {&hrtimer_bases_area[0].b, 1, 0, {{{0}, 0}}, ktime_get_real, 1700000000000000000LL}}}, {0}},
	[1] = {{1, FK_CLOCKS(1)}, {0}},
	[2] = {{2, FK_CLOCKS(2)}, {0}},
	[3] = {{3, FK_CLOCKS(3)}, {0}},
};
extern struct hrtimer_cpu_base hrtimer_bases __attribute__((alias("hrtimer_bases_area")));

struct wait_queue_head {
	raw_spinlock_t lock;
	struct list_head head;
};
struct wait_queue_entry {
	unsigned int flags;
	void *private;
	int (*func)(struct wait_queue_entry *, unsigned int, int, void *);
	struct list_head entry;
};
int autoremove_wake_function(struct wait_queue_entry *w, unsigned int m, int f, void *k);
extern struct wait_queue_head fk_waitq;
int fk_not_a_task;
struct wait_queue_entry fk_waiters[3] = {
	{0, &task_b, autoremove_wake_function, {&fk_waiters[1].entry, &fk_waitq.head}},
	{0, &task_a, autoremove_wake_function, {&fk_waiters[2].entry, &fk_waiters[0].entry}},
	{0, &fk_not_a_task, autoremove_wake_function, {&fk_waitq.head, &fk_waiters[1].entry}},
};
struct wait_queue_head fk_waitq = {{0}, {&fk_waiters[0].entry, &fk_waiters[2].entry}};
struct wait_queue_head fk_empty_waitq = {{0}, {&fk_empty_waitq.head, &fk_empty_waitq.head}};

struct e820_entry {
	unsigned long long addr, size;
	unsigned int type;
} __attribute__((packed));
struct e820_table {
	unsigned int nr_entries;
	struct e820_entry entries[8];
} __attribute__((packed));
struct e820_table fk_e820 = {4, {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x1fee0000, 1}, {0xfffc0000, 0x40000, 12}}};
struct e820_table *e820_table = &fk_e820;
struct cpuinfo_x86 {
	unsigned char x86, x86_vendor, x86_model;
	int cpuid_level;
	char x86_vendor_id[16];
	unsigned long loops_per_jiffy;
};
struct cpuinfo_x86 boot_cpu_data = {15, 2, 107, 13, "AuthenticAMD", 9781756};

enum bpf_prog_type { BPF_PROG_TYPE_UNSPEC, BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_CGROUP_SOCK_ADDR };
enum bpf_map_type { BPF_MAP_TYPE_UNSPEC, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE };
struct bpf_map {
	void *ops;
	enum bpf_map_type map_type;
	unsigned int key_size, value_size, max_entries;
	unsigned int map_flags;
	unsigned int id;
	char name[16];
};
struct bpf_prog;
struct bpf_prog_aux {
	unsigned int used_map_cnt;
	unsigned int id;
	struct bpf_map **used_maps;
	struct bpf_prog *prog;
	unsigned long long load_time;
	char name[16];
};
struct bpf_insn {
	unsigned char code;
	unsigned char dst_reg : 4, src_reg : 4;
	short off;
	int imm;
};
struct bpf_prog {
	unsigned short pages;
	unsigned short jited : 1, gpl_compatible : 1;
	enum bpf_prog_type type;
	unsigned int len, jited_len;
	unsigned char tag[8];
	unsigned int (*bpf_func)(const void *, const struct bpf_insn *);
	struct bpf_prog_aux *aux;
	struct bpf_insn insnsi[8];
};
struct bpf_map fk_map = {0, BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0x10, 1, "fk_counts"};
struct bpf_map *fk_used_maps[1] = {&fk_map};
extern struct bpf_prog fk_prog;
struct bpf_prog_aux fk_prog_aux = {1, 1, fk_used_maps, &fk_prog, 12000000000ULL, "fk_filter"};
struct bpf_prog fk_prog = {1, 0, 1, BPF_PROG_TYPE_SOCKET_FILTER, 8, 0, {0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81}, 0, &fk_prog_aux,
			   {{0xbf, 6, 1, 0, 0}, {0x18, 1, 1, 0, 0}, {0, 0, 0, 0, 0}, {0x61, 2, 6, 4, 0}, {0x55, 2, 0, 2, 17},
			    {0x85, 0, 0, 0, 1}, {0xb4, 0, 0, 0, -1}, {0x95, 0, 0, 0, 0}}};
/* each idr holds one entry, id 1 (idr_base 1: index 0, in the head itself) */
struct idr prog_idr = {{0, 0, &fk_prog}, 1, 2};
struct idr map_idr = {{0, 0, &fk_map}, 1, 2};

struct sbitmap_word {
	unsigned long word;
	unsigned long cleared;
} __attribute__((aligned(64)));
struct sbitmap {
	unsigned int depth, shift, map_nr;
	_Bool round_robin;
	struct sbitmap_word *map;
	unsigned int *alloc_hint;
};
struct sbq_wait_state {
	struct wait_queue_head wait;
} __attribute__((aligned(64)));
struct sbitmap_queue {
	struct sbitmap sb;
	unsigned int wake_batch;
	int wake_index;
	struct sbq_wait_state *ws;
	int ws_active;
	unsigned int min_shallow_depth;
};
struct fk_hint_pcpu {
	unsigned int hint;
	char pad[sizeof(struct rq) - sizeof(unsigned int)];
};
struct fk_hint_pcpu fk_hints[NR_CPUS] = {{3, {0}}, {17, {0}}, {0, {0}}, {39, {0}}};
struct sbitmap_word fk_words[2] = {{0x25, 0x20}, {0x2, 0}};
struct sbq_wait_state fk_ws[8] = {[3] = {{{0}, {&fk_waiters[0].entry, &fk_waiters[2].entry}}}};
struct sbitmap_queue fk_sbq = {{40, 5, 2, 0, fk_words, &fk_hints[0].hint}, 8, 3, fk_ws, 1, 0xffffffffu};

__attribute__((used)) void *keep_kmisc[] = {&timer_bases, &jiffies, &sysctl_timer_migration, &hrtimer_bases, &fk_waitq,
						&fk_empty_waitq, &e820_table, &boot_cpu_data, &prog_idr, &map_idr, &fk_sbq};

/* Referenced from main so that the compiler keeps every object and its type. */
void *keep[] = {&ghead, &hhead, &groot, &gxa, &gidr, &gmt, &mt_pivots, (void *)linux_banner, &init_uts_ns,
		&nr_cpu_ids, &panic_cpu, &__per_cpu_offset, &runqueues, &init_pid_ns, &modules, &rbn, &group_se,
		&node_data, &nr_node_ids, &tick_nsec, &jiffies_64, &pcpu_chunk, &init_net, &slab_caches, &page_offset_base,
		&vmemmap_base, &pagetype_slab, &mem_map_type, &vmap_area_list, &vas, &swap_info, &nr_swapfiles, &taint_flags,
		&tainted_mask};

int main(void)
{
	return keep[0] == 0;
}

/* The page allocator's data (see above); kept by `used`, as nothing in main refers to it. */
#define PAGE(fl, ref) {.flags = (fl), .lru = {0, 0}, ._mapcount = {-1}, ._refcount = {ref}}
#define FREE_PAGE(o, t) {.flags = 0, .lru = {&FREE_LIST(o, t), &FREE_LIST(o, t)}, ._mapcount = {-1}}
__attribute__((used)) struct fake_mem_map fake_mem_map = {
	.pages = {
	[0] = PAGE(1UL << PG_reserved, 1),
	[1] = FREE_PAGE(0, 0),
	[2] = {.flags = (1UL << PG_uptodate) | (1UL << PG_lru) | (1UL << PG_swapbacked), .mapping = (void *)0xffff888004a1c001UL,
	       .index = 0x7f0000001UL, ._mapcount = {0}, ._refcount = {1}},
	[3] = {.flags = (1UL << PG_slab) | (1UL << PG_head), .mapping = (void *)0xffff888003c42300UL, ._mapcount = {-1},
	       ._refcount = {1}},
	[4] = PAGE(0, 2), [5] = PAGE(0, 1), [6] = PAGE(1UL << PG_dirty | 1UL << PG_referenced, 3), [7] = PAGE(0, 0),
	[8] = FREE_PAGE(3, 1),
	[9] = PAGE(0, 0), [10] = PAGE(0, 0), [11] = PAGE(0, 0), [12] = PAGE(0, 0), [13] = PAGE(0, 0), [14] = PAGE(0, 0),
	[15] = PAGE(0, 0),
	},
	.slabs = {
	SLAB(kmalloc_64_cache, 64, 64, 1, 0),
	SLAB(kmalloc_64_cache, 62, 64, 1, KM64_OBJ(1, 10), .next = 0),
	SLAB(kmalloc_64_cache, 60, 64, 0, KM64_OBJ(2, 5), .slab_list = {&kmalloc_64_node.partial, &kmalloc_64_node.partial}),
	SLAB(kmalloc_64_cache, 64, 64, 0, 0, .slab_list = {&fake_slabs[3].slab_list, &fake_slabs[3].slab_list}),
	SLAB(task_struct_cache, 4, 4, 1, 0),
	SLAB(task_struct_cache, 4, 4, 0, 0, .slab_list = {&task_struct_node.full, &task_struct_node.full}),
	},
};
#define PRESENT_MAPPED_ONLINE 7
__attribute__((used)) struct mem_section fake_section_root[4096 / sizeof(struct mem_section)] = {
	{(unsigned long)fake_pages + PRESENT_MAPPED_ONLINE, 0},
};
__attribute__((used)) struct mem_section *fake_section_roots[1] = {fake_section_root};
__attribute__((used)) struct mem_section **mem_section = fake_section_roots;
__attribute__((used)) atomic_long_t vm_zone_stat[NR_VM_ZONE_STAT_ITEMS] = {{9}, {12}, {30}, {2}};
__attribute__((used)) atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS] = {{12}, {30}, {1500}, {-3}};
/* A per-CPU variable as runqueues is one: CPU c's copy __per_cpu_offset[c] bytes after CPU 0's. */
struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS];
	char pad[sizeof(struct rq) - NR_VM_EVENT_ITEMS * sizeof(unsigned long)];
};
__attribute__((used)) struct vm_event_state vm_event_states[NR_CPUS] = {
	{{100, 20, 3, 40}, {0}}, {{1, 2, 3, 4}, {0}}, {{0, 0, 0, 0}, {0}}, {{5, 0, 0, 6}, {0}},
};
struct hstate {
	int order;
	unsigned long nr_huge_pages, free_huge_pages;
	char name[32];
};
__attribute__((used)) struct hstate hstates[2] = {{9, 4, 1, "hugepages-2048kB"}, {0, 0, 0, ""}};

/* ---- files and mounts (linux/fs.c: files, fuser, mount) ----
 * init's mount namespace lists rootfs (mount_root, its own parent) mounted at /, a tmpfs at /lab
 * and proc at /proc. init and worker (100) have their root and cwd at /; worker's fd 0 is
 * /lab/data.txt (regular, frames 4 and 5 in its page cache), fds 1 and 2 a pipe's two ends (a
 * dentry without a name), fd 4 a TCP socket (fd 3 closed: its bit clear in open_fds). */
struct qstr {
	unsigned int hash, len;
	const unsigned char *name;
};
struct file_system_type {
	const char *name;
};
struct super_block {
	struct file_system_type *s_type;
	struct list_head s_inodes;
};
struct address_space {
	struct xarray i_pages;
	unsigned long nrpages;
};
struct inode {
	unsigned short i_mode;
	const void *i_op;
	struct super_block *i_sb;
	struct address_space *i_mapping;
	struct address_space i_data;
	struct list_head i_sb_list;
};
struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
	struct super_block *d_sb;
	unsigned char d_iname[32];
};
struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	int mnt_flags;
};
struct mount {
	struct hlist_node mnt_hash;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
	const char *mnt_devname;
	struct list_head mnt_list;
};
struct mnt_namespace {
	struct mount *root;
	struct list_head list;
};
struct nsproxy {
	struct mnt_namespace *mnt_ns;
	struct ipc_namespace *ipc_ns;
	struct net *net_ns;
};
struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};
struct fs_struct {
	struct path root, pwd;
};
struct file {
	struct path f_path;
	struct inode *f_inode;
};
struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *open_fds;
};
struct files_struct {
	struct fdtable *fdt;
};

/* ---- issue 12, net and ipcs: network namespaces, devices, the ARP table, sockets; System V IPC ----
 *
 * init_net: lo (loopback, 127.0.0.1 and ::1), eth0 (Ethernet 52:54:00:12:34:56, 10.0.2.16 then
 * 10.0.2.15 on its ifa_list, fe80::5054:ff:fe12:3456 and 2001:db8::15), dummy0 (no addresses).
 * arp_tbl: 4 buckets; bucket 1 holds 10.0.2.2 (REACHABLE) then 10.0.2.3 (STALE|DELAY), bucket 3
 * 127.0.0.1 on lo (NOARP) then 10.0.2.9 (state 0). rtd (200) lives in another network namespace
 * (lo only, 127.0.0.1) and another IPC namespace (nothing allocated).
 * Sockets live in sockfs inodes inside struct socket_alloc, as the kernel has them: worker's fd 4
 * is a TCP socket listening on 127.0.0.1:40400; rtd's fds are a UDP socket connected from
 * 10.0.2.15:5353 to 10.0.2.2:53 (0), a UDPv6 one from fe80::5054:ff:fe12:3456 port 546 to
 * 2001:db8::1 port 547 (1), a UNIX stream socket (2), a NETLINK raw one (3), a regular file (4)
 * and a PACKET socket (5).
 * init_ipc_ns: two shared memory segments (ids 0 and 32769, the second marked for destruction
 * and locked), one at index 2 deleted (not shown), a semaphore array of 3, a message queue
 * holding 2 messages of 100 bytes. */
struct in_ifaddr {
	struct in_ifaddr *ifa_next;
	unsigned int ifa_address;
	unsigned char ifa_prefixlen;
};
struct in_device {
	struct in_ifaddr *ifa_list;
};
struct in6_addr {
	union {
		unsigned char u6_addr8[16];
		unsigned short u6_addr16[8];
	} in6_u;
};
struct inet6_ifaddr {
	struct in6_addr addr;
	unsigned int prefix_len;
	struct list_head if_list;
};
struct inet6_dev {
	struct list_head addr_list;
};
struct net_device {
	char name[16];
	struct list_head dev_list;
	unsigned short type;
	unsigned char addr_len;
	struct in_device *ip_ptr;
	struct inet6_dev *ip6_ptr;
};
struct neighbour {
	struct neighbour *next;
	unsigned char nud_state;
	unsigned char ha[32];
	struct net_device *dev;
	unsigned char primary_key[16];
};
struct neigh_hash_table {
	struct neighbour **hash_buckets;
	unsigned int hash_shift;
};
struct neigh_table {
	int key_len;
	struct neigh_hash_table *nht;
};
#define IP4(a, b, c, d) ((unsigned int)(a) | (unsigned int)(b) << 8 | (unsigned int)(c) << 16 | (unsigned int)(d) << 24)
#define BE16(p) ((unsigned short)(((p) >> 8) | (((p) & 0xff) << 8)))

extern struct net init_net, net_rtd;
extern struct net_device dev_lo, dev_eth0, dev_dummy0, dev_lo_rtd;
extern struct inet6_dev in6_lo, in6_eth0;
extern struct inet6_ifaddr ifa6_lo, ifa6_eth0_ll, ifa6_eth0_gl;
struct net init_net = {7, {&dev_lo.dev_list, &dev_dummy0.dev_list}};
struct net net_rtd = {2, {&dev_lo_rtd.dev_list, &dev_lo_rtd.dev_list}};
struct in_ifaddr ifa_lo = {0, IP4(127, 0, 0, 1), 8}, ifa_eth0_b = {0, IP4(10, 0, 2, 15), 24},
		 ifa_eth0_a = {&ifa_eth0_b, IP4(10, 0, 2, 16), 24}, ifa_lo_rtd = {0, IP4(127, 0, 0, 1), 8};
struct in_device indev_lo = {&ifa_lo}, indev_eth0 = {&ifa_eth0_a}, indev_lo_rtd = {&ifa_lo_rtd};
struct inet6_ifaddr ifa6_lo = {{{{[15] = 1}}}, 128, {&in6_lo.addr_list, &in6_lo.addr_list}};
struct inet6_ifaddr ifa6_eth0_ll = {{{{0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56}}}, 64,
				    {&ifa6_eth0_gl.if_list, &in6_eth0.addr_list}};
struct inet6_ifaddr ifa6_eth0_gl = {{{{0x20, 0x01, 0x0d, 0xb8, [15] = 0x15}}}, 64, {&in6_eth0.addr_list, &ifa6_eth0_ll.if_list}};
struct inet6_dev in6_lo = {{&ifa6_lo.if_list, &ifa6_lo.if_list}};
struct inet6_dev in6_eth0 = {{&ifa6_eth0_ll.if_list, &ifa6_eth0_gl.if_list}};
struct net_device dev_lo = {"lo", {&dev_eth0.dev_list, &init_net.dev_base_head}, 772, 6, &indev_lo, &in6_lo};
struct net_device dev_eth0 = {"eth0", {&dev_dummy0.dev_list, &dev_lo.dev_list}, 1, 6, &indev_eth0, &in6_eth0};
struct net_device dev_dummy0 = {"dummy0", {&init_net.dev_base_head, &dev_eth0.dev_list}, 1, 6, 0, 0};
struct net_device dev_lo_rtd = {"lo", {&net_rtd.dev_base_head, &net_rtd.dev_base_head}, 772, 6, &indev_lo_rtd, 0};

#define MAC_QEMU(last) {0x52, 0x55, 0x0a, 0x00, 0x02, (last)}
struct neighbour neigh_3 = {0, 0x0c, MAC_QEMU(3), &dev_eth0, {10, 0, 2, 3}};
struct neighbour neigh_2 = {&neigh_3, 0x02, MAC_QEMU(2), &dev_eth0, {10, 0, 2, 2}};
struct neighbour neigh_9 = {0, 0, MAC_QEMU(9), &dev_eth0, {10, 0, 2, 9}};
struct neighbour neigh_lo = {&neigh_9, 0x40, {0}, &dev_lo, {127, 0, 0, 1}};
struct neighbour *arp_buckets[4] = {0, &neigh_2, 0, &neigh_lo};
struct neigh_hash_table arp_nht = {arp_buckets, 2};
struct neigh_table arp_tbl = {4, &arp_nht};

/* sockets */
struct sock_common {
	union {
		unsigned long skc_addrpair;
		struct {
			unsigned int skc_daddr, skc_rcv_saddr;
		};
	};
	unsigned short skc_dport, skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr, skc_v6_rcv_saddr;
};
struct sock {
	struct sock_common __sk_common;
	unsigned short sk_type, sk_protocol;
};
struct ipv6_pinfo;
struct inet_sock {
	struct sock sk;
	struct ipv6_pinfo *pinet6;
	unsigned short inet_sport;
};
struct socket {
	int state;
	short type;
	unsigned long flags;
	struct file *file;
	struct sock *sk;
};
struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;
};
extern struct super_block sb_sockfs;
extern struct mount mount_sockfs;
extern struct file file_sock, file_data;
extern struct socket_alloc sa_tcp, sa_udp, sa_udp6, sa_unix, sa_netlink, sa_packet;
#define SOCK_INODE(sa) {0140777, 0, &sb_sockfs, &(sa).vfs_inode.i_data}
#define ino_sock (sa_tcp.vfs_inode)
#define INET(fam, type, proto, state, saddr, sport, daddr, dport) \
	{{{{.skc_daddr = (daddr), .skc_rcv_saddr = (saddr)}, BE16(dport), (sport), (fam), (state)}, (type), (proto)}, 0, BE16(sport)}
struct inet_sock sk_tcp = INET(2, 1, 6, 10, IP4(127, 0, 0, 1), 40400, 0, 0);
struct inet_sock sk_udp = INET(2, 2, 17, 1, IP4(10, 0, 2, 15), 5353, IP4(10, 0, 2, 2), 53);
struct inet_sock sk_udp6 = {{{.skc_dport = BE16(547), .skc_num = 546, .skc_family = 10, .skc_state = 1,
			      .skc_v6_daddr = {{{0x20, 0x01, 0x0d, 0xb8, [15] = 1}}},
			      .skc_v6_rcv_saddr = {{{0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56}}}},
			     2, 17},
			    0, BE16(546)};
struct inet_sock sk_unix = {{{.skc_family = 1, .skc_state = 1}, 1, 0}};
struct inet_sock sk_netlink = {{{.skc_family = 16, .skc_state = 7}, 3, 0}};
struct inet_sock sk_packet = {{{.skc_family = 17, .skc_state = 7}, 10, 3}};
extern struct file file_udp, file_udp6, file_unix, file_netlink, file_packet;
struct socket_alloc sa_tcp = {{1, 1, 0, &file_sock, &sk_tcp.sk}, SOCK_INODE(sa_tcp)};
struct socket_alloc sa_udp = {{3, 2, 0, &file_udp, &sk_udp.sk}, SOCK_INODE(sa_udp)};
struct socket_alloc sa_udp6 = {{3, 2, 0, &file_udp6, &sk_udp6.sk}, SOCK_INODE(sa_udp6)};
struct socket_alloc sa_unix = {{1, 1, 0, &file_unix, &sk_unix.sk}, SOCK_INODE(sa_unix)};
struct socket_alloc sa_netlink = {{1, 3, 0, &file_netlink, &sk_netlink.sk}, SOCK_INODE(sa_netlink)};
struct socket_alloc sa_packet = {{1, 10, 0, &file_packet, &sk_packet.sk}, SOCK_INODE(sa_packet)};
#define SOCK_DENTRY(name, str, sa) \
	struct dentry name = {&name, {0, sizeof(str) - 1, name.d_iname}, &(sa).vfs_inode, &sb_sockfs, str}
SOCK_DENTRY(d_udp, "UDP", sa_udp);
SOCK_DENTRY(d_udp6, "UDPv6", sa_udp6);
SOCK_DENTRY(d_unix, "UNIX", sa_unix);
SOCK_DENTRY(d_netlink, "NETLINK", sa_netlink);
SOCK_DENTRY(d_packet, "PACKET", sa_packet);
struct file file_udp = {{&mount_sockfs.mnt, &d_udp}, &sa_udp.vfs_inode},
	    file_udp6 = {{&mount_sockfs.mnt, &d_udp6}, &sa_udp6.vfs_inode},
	    file_unix = {{&mount_sockfs.mnt, &d_unix}, &sa_unix.vfs_inode},
	    file_netlink = {{&mount_sockfs.mnt, &d_netlink}, &sa_netlink.vfs_inode},
	    file_packet = {{&mount_sockfs.mnt, &d_packet}, &sa_packet.vfs_inode};
struct file *rtd_fd[64] = {&file_udp, &file_udp6, &file_unix, &file_netlink, &file_data, &file_packet};
unsigned long rtd_open_fds[1] = {0x3f};
struct fdtable fdt_rtd = {64, rtd_fd, rtd_open_fds};
struct files_struct files_rtd = {&fdt_rtd};

/* System V IPC */
typedef struct {
	unsigned int val;
} kuid_t;
struct kern_ipc_perm {
	unsigned int lock;
	_Bool deleted;
	int id;
	int key;
	kuid_t uid, gid, cuid, cgid;
	unsigned short mode;
	unsigned long seq;
};
struct ipc_ids {
	int in_use;
	unsigned short seq;
	struct idr ipcs_idr;
};
struct ipc_namespace {
	struct ipc_ids ids[3];
};
struct shmid_kernel {
	struct kern_ipc_perm shm_perm;
	struct file *shm_file;
	unsigned long shm_nattch, shm_segsz;
};
struct sem_array {
	struct kern_ipc_perm sem_perm;
	long sem_ctime;
	int sem_nsems;
};
struct msg_queue {
	struct kern_ipc_perm q_perm;
	long q_stime, q_rtime, q_ctime;
	unsigned long q_cbytes, q_qnum, q_qbytes;
};
struct shmem_inode_info {
	unsigned long swapped;
	struct inode vfs_inode;
};
extern struct super_block sb_tmpfs;
struct shmem_inode_info shmem_a = {3, {0100600, 0, &sb_tmpfs, &shmem_a.vfs_inode.i_data, {{0}, 5}}},
			shmem_b = {0, {0100666, 0, &sb_tmpfs, &shmem_b.vfs_inode.i_data, {{0}, 0}}};
struct dentry d_shm_a = {&d_shm_a, {0, 11, d_shm_a.d_iname}, &shmem_a.vfs_inode, &sb_tmpfs, "SYSV00001234"},
	      d_shm_b = {&d_shm_b, {0, 11, d_shm_b.d_iname}, &shmem_b.vfs_inode, &sb_tmpfs, "SYSV00000000"};
struct file file_shm_a = {{0, &d_shm_a}, &shmem_a.vfs_inode}, file_shm_b = {{0, &d_shm_b}, &shmem_b.vfs_inode};
#define PERM(id, key, uid, mode) {0, 0, (id), (key), {uid}, {uid}, {uid}, {uid}, (mode), 1}
struct shmid_kernel shm_a = {PERM(0, 0x1234, 0, 0600), &file_shm_a, 2, 40000},
		    shm_b = {PERM(32769, 0, 1000, 03666), &file_shm_b, 0, 4096},
		    shm_gone = {{0, 1, 65538, 0x4321, {0}, {0}, {0}, {0}, 0600, 2}, &file_shm_b, 0, 4096};
struct sem_array sem_a = {PERM(0, 0x5678, 0, 0600), 0, 3};
struct msg_queue msq_a = {PERM(0, 0x9abc, 1000, 0644), 0, 0, 0, 100, 2, 16384};
struct xa_node shm_idr_node = {0, 0, 3, 0, 0, 0, {&shm_a.shm_perm, &shm_b.shm_perm, &shm_gone.shm_perm}};
struct ipc_namespace init_ipc_ns = {{{1, 1, {{0, 0, &sem_a.sem_perm}, 0, 1}},
				     {1, 1, {{0, 0, &msq_a.q_perm}, 0, 1}},
				     {3, 3, {{0, 0, XA_NODE(shm_idr_node)}, 0, 3}}}};
struct ipc_namespace ipc_ns_rtd;
extern struct mnt_namespace init_mnt_ns;
struct nsproxy nsproxy_rtd = {&init_mnt_ns, &ipc_ns_rtd, &net_rtd};
__attribute__((used)) void *keep_net[] = {&arp_tbl, &init_net, &nsproxy_rtd, &files_rtd};

struct file_system_type fst_rootfs = {"rootfs"}, fst_tmpfs = {"tmpfs"}, fst_proc = {"proc"}, fst_pipefs = {"pipefs"},
			fst_sockfs = {"sockfs"};
struct super_block sb_rootfs = {&fst_rootfs}, sb_tmpfs = {&fst_tmpfs}, sb_proc = {&fst_proc}, sb_pipefs = {&fst_pipefs},
		   sb_sockfs = {&fst_sockfs};
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFIFO 0010000
#define S_IFSOCK 0140000
extern struct inode ino_data;
struct xa_node data_pages = {0, 0, 2, 0, 0, 0, {[0] = &fake_pages[4], [1] = &fake_pages[5]}};
struct inode ino_root = {S_IFDIR | 0755, 0, &sb_rootfs, &ino_root.i_data},
	     ino_lab = {S_IFDIR | 01777, 0, &sb_tmpfs, &ino_lab.i_data},
	     ino_data = {S_IFREG | 0644, 0, &sb_tmpfs, &ino_data.i_data, {{0, 0, XA_NODE(data_pages)}, 2}},
	     ino_pipe = {S_IFIFO | 0600, 0, &sb_pipefs, &ino_pipe.i_data};
#define DENTRY(name, parent, str, inode, sb) \
	struct dentry name = {&parent, {0, sizeof(str) - 1, name.d_iname}, inode, sb, str}
DENTRY(d_root, d_root, "/", &ino_root, &sb_rootfs);
DENTRY(d_lab_mp, d_root, "lab", &ino_root, &sb_rootfs);  /* the mount point on rootfs */
DENTRY(d_proc_mp, d_root, "proc", &ino_root, &sb_rootfs);
DENTRY(d_tmpfs_root, d_tmpfs_root, "/", &ino_lab, &sb_tmpfs);
DENTRY(d_data, d_tmpfs_root, "data.txt", &ino_data, &sb_tmpfs);
DENTRY(d_proc_root, d_proc_root, "/", 0, &sb_proc);
DENTRY(d_pipe, d_pipe, "", &ino_pipe, &sb_pipefs);
DENTRY(d_sock, d_sock, "TCP", &ino_sock, &sb_sockfs);
DENTRY(d_gone, d_tmpfs_root, "gone.txt", 0, &sb_tmpfs); /* a negative dentry: no inode */
extern struct mnt_namespace init_mnt_ns;
extern struct mount mount_root, mount_lab, mount_proc;
struct mount mount_root = {{0}, &mount_root, &d_root, {&d_root, &sb_rootfs, 0}, "rootfs",
			   {&mount_lab.mnt_list, &init_mnt_ns.list}};
struct mount mount_lab = {{0}, &mount_root, &d_lab_mp, {&d_tmpfs_root, &sb_tmpfs, 0}, "tmpfs",
			  {&mount_proc.mnt_list, &mount_root.mnt_list}};
struct mount mount_proc = {{0}, &mount_root, &d_proc_mp, {&d_proc_root, &sb_proc, 0}, "proc",
			   {&init_mnt_ns.list, &mount_lab.mnt_list}};
/* pipefs and sockfs are mounted in no namespace: their mounts are their own parents */
struct mount mount_pipefs = {{0}, &mount_pipefs, &d_pipe, {&d_pipe, &sb_pipefs, 0}, "pipefs", {0}};
struct mount mount_sockfs = {{0}, &mount_sockfs, &d_sock, {&d_sock, &sb_sockfs, 0}, "sockfs", {0}};
struct mnt_namespace init_mnt_ns = {&mount_root, {&mount_root.mnt_list, &mount_proc.mnt_list}};
struct nsproxy nsproxy_init = {&init_mnt_ns, &init_ipc_ns, &init_net};
struct fs_struct fs_root = {{&mount_root.mnt, &d_root}, {&mount_root.mnt, &d_root}};
struct file file_data = {{&mount_lab.mnt, &d_data}, &ino_data}, file_pipe_r = {{&mount_pipefs.mnt, &d_pipe}, &ino_pipe},
	    file_pipe_w = {{&mount_pipefs.mnt, &d_pipe}, &ino_pipe}, file_sock = {{&mount_sockfs.mnt, &d_sock}, &ino_sock},
	    file_closed = {{&mount_lab.mnt, &d_data}, &ino_data};
struct file *worker_fd[64] = {&file_data, &file_pipe_r, &file_pipe_w, &file_closed, &file_sock};
unsigned long worker_open_fds[1] = {0x17};
struct fdtable fdt_worker = {64, worker_fd, worker_open_fds};
struct files_struct files_worker = {&fdt_worker};
struct vfsmount *pipe_mnt = &mount_pipefs.mnt, *sock_mnt = &mount_sockfs.mnt;
__attribute__((used)) void *keep_files[] = {&d_gone, &fs_root, &files_worker, &nsproxy_init, &pipe_mnt, &sock_mnt};
/* ---- issue 11, log, sys and ps: the printk ring buffer, the audit queues, the system call table ----
 *
 * prb: five records, ids 0..4 (tail 0, head 4): a plain one, a dev_printk() one of two lines with
 * SUBSYSTEM/DEVICE, a data-less one (no text block), one with a non-printing byte printed from a
 * CPU context (caller C1), one from pid 4242. pid_max 32768: caller ids in 6 columns.
 */
struct prb_data_blk_lpos {
	unsigned long begin, next;
};
struct prb_desc {
	atomic_long_t state_var;
	struct prb_data_blk_lpos text_blk_lpos;
};
struct dev_printk_info {
	char subsystem[16];
	char device[48];
};
struct printk_info {
	unsigned long long seq, ts_nsec;
	unsigned short text_len;
	unsigned char facility;
	unsigned char flags : 5;
	unsigned char level : 3;
	unsigned int caller_id;
	struct dev_printk_info dev_info;
};
struct prb_desc_ring {
	unsigned int count_bits;
	struct prb_desc *descs;
	struct printk_info *infos;
	atomic_long_t head_id, tail_id;
};
struct prb_data_ring {
	unsigned int size_bits;
	char *data;
	atomic_long_t head_lpos, tail_lpos;
};
struct printk_ringbuffer {
	struct prb_desc_ring desc_ring;
	struct prb_data_ring text_data_ring;
	atomic_long_t fail;
};
/* The text blocks: each the record's id, then its text (8-byte aligned). */
#define LOG_T0 "Linux version 6.1.0-fake"
#define LOG_T1 "virtio_blk virtio1: [vda] 2048 512-byte logical blocks\nsecond line"
#define LOG_T3 "bad\001byte"
#define LOG_T4 "kdive: done"
struct log_blocks {
	unsigned long id0;
	char t0[32];
	unsigned long id1;
	char t1[72];
	unsigned long id3;
	char t3[16];
	unsigned long id4;
	char t4[16];
	char rest[512 - 4 * 8 - 32 - 72 - 16 - 16];
};
__attribute__((used)) struct log_blocks log_data = {0, LOG_T0, 1, LOG_T1, 3, LOG_T3, 4, LOG_T4, {0}};
#define LPOS(a, b) {offsetof(struct log_blocks, a), offsetof(struct log_blocks, b)}
#define FINAL(id) {(long)((2UL << 62) | (id))}
__attribute__((used)) struct prb_desc log_descs[8] = {
	{FINAL(0), LPOS(id0, id1)}, {FINAL(1), LPOS(id1, id3)}, {FINAL(2), {1, 1}},
	{FINAL(3), LPOS(id3, id4)}, {FINAL(4), LPOS(id4, rest)},
};
__attribute__((used)) struct printk_info log_infos[8] = {
	{0, 0, sizeof(LOG_T0) - 1, 0, 0, 5, 0, {"", ""}},
	{1, 1500000000ULL, sizeof(LOG_T1) - 1, 0, 0, 6, 1, {"virtio", "+virtio:virtio1"}},
	{2, 1600000000ULL, 0, 0, 0, 6, 1, {"", ""}},
	{3, 2250000000ULL, sizeof(LOG_T3) - 1, 0, 0, 4, 0x80000001u, {"", ""}},
	{4, 3723004000000ULL, sizeof(LOG_T4) - 1, 0, 0, 3, 4242, {"", ""}},
};
__attribute__((used)) struct printk_ringbuffer printk_rb_static = {
	{3, log_descs, log_infos, {4}, {0}},
	{9, (char *)&log_data, {offsetof(struct log_blocks, rest)}, {0}}, /* head_lpos: the end of the last block */
	{0},
};
__attribute__((used)) struct printk_ringbuffer *prb = &printk_rb_static;
__attribute__((used)) int pid_max = 32768;

/* Audit: one netlink message left in audit_queue, the hold and retry queues empty. */
struct sk_buff {
	struct sk_buff *next, *prev;
	unsigned int len;
	unsigned char *data;
};
struct sk_buff_head {
	struct sk_buff *next, *prev;
	unsigned int qlen;
};
struct nlmsghdr {
	unsigned int nlmsg_len;
	unsigned short nlmsg_type, nlmsg_flags;
	unsigned int nlmsg_seq, nlmsg_pid;
};
#define AUDIT_TEXT "audit(1764483459.120:42): pid=1 uid=0 comm=\"init\""
struct audit_msg {
	struct nlmsghdr hdr;
	char text[sizeof(AUDIT_TEXT)];
};
__attribute__((used)) struct audit_msg audit_msg0 = {{sizeof(struct audit_msg), 1300, 0, 42, 1}, AUDIT_TEXT};
extern struct sk_buff_head audit_queue;
__attribute__((used)) struct sk_buff audit_skb0 = {(struct sk_buff *)&audit_queue, (struct sk_buff *)&audit_queue,
						   sizeof(struct audit_msg), (unsigned char *)&audit_msg0};
__attribute__((used)) struct sk_buff_head audit_queue = {&audit_skb0, &audit_skb0, 1};
__attribute__((used)) struct sk_buff_head audit_hold_queue = {(struct sk_buff *)&audit_hold_queue,
							  (struct sk_buff *)&audit_hold_queue, 0};
__attribute__((used)) struct sk_buff_head audit_retry_queue = {(struct sk_buff *)&audit_retry_queue,
							   (struct sk_buff *)&audit_retry_queue, 0};

/* The system call table: read, write, and an unimplemented one (sys_ni_syscall). */
__attribute__((used)) long __x64_sys_read(void)
{
	return 0;
}
__attribute__((used)) long __x64_sys_write(void)
{
	return 1;
}
__attribute__((used)) long sys_ni_syscall(void)
{
	return -38;
}
__attribute__((used)) long (*const sys_call_table[3])(void) = {__x64_sys_read, __x64_sys_write, sys_ni_syscall};

/*
 * Task groups (runq -g): root_task_group (cgroup "/") with one child, tg_kdive (cgroup "kdive"):
 * on CPU 0 its entity group_se is queued with its queue group_cfs holding 101; on CPU 1 its
 * queue counts a task but its entity is not queued (a dequeued group); CPUs 2 and 3 have none.
 */
struct kernfs_node {
	struct kernfs_node *parent;
	const char *name;
};
struct cgroup {
	struct kernfs_node *kn;
};
struct cgroup_subsys_state {
	struct cgroup *cgroup;
};
struct task_group {
	struct cgroup_subsys_state css;
	struct sched_entity **se;
	struct cfs_rq **cfs_rq;
	struct task_group *parent;
	struct list_head siblings, children;
};
__attribute__((used)) struct kernfs_node kn_root = {0, ""}, kn_kdive = {&kn_root, "kdive"};
__attribute__((used)) struct cgroup cg_root = {&kn_root}, cg_kdive = {&kn_kdive};
__attribute__((used)) struct cfs_rq tg_kdive_cfs1 = {{{0}, 0}, 0, &tg_kdive, 1};
__attribute__((used)) struct cfs_rq *root_cfs_rqs[NR_CPUS] = {&runqueues_area[0].cfs, &runqueues_area[1].cfs,
								&runqueues_area[2].cfs, &runqueues_area[3].cfs};
__attribute__((used)) struct cfs_rq *tg_kdive_cfs_rqs[NR_CPUS] = {&group_cfs, &tg_kdive_cfs1, 0, 0};
__attribute__((used)) struct task_group root_task_group = {
	{&cg_root}, 0, root_cfs_rqs, 0, {&root_task_group.siblings, &root_task_group.siblings},
	{&tg_kdive.siblings, &tg_kdive.siblings}};
__attribute__((used)) struct task_group tg_kdive = {
	{&cg_kdive}, 0, tg_kdive_cfs_rqs, &root_task_group, {&root_task_group.children, &root_task_group.children},
	{&tg_kdive.children, &tg_kdive.children}};

/*
 * The printk safe buffers of 4.11-5.14 (per CPU, as runqueues: CPU c's copy one struct rq
 * further on): nmi_print_seq holds two messages on CPU 1 and a line without its newline on
 * CPU 2; safe_print_seq is absent.
 */
struct printk_safe_seq_buf {
	atomic_t len, message_lost;
	unsigned char buffer[64];
};
struct printk_safe_unit {
	struct printk_safe_seq_buf b;
	char pad[sizeof(struct rq) - sizeof(struct printk_safe_seq_buf)];
};
#define NMI_TEXT1 "\0014NMI backtrace for cpu 1\n\0016second \002line\n"
#define NMI_TEXT2 "\0013no newline"
__attribute__((used)) struct printk_safe_unit nmi_print_seq[NR_CPUS] = {
	{{{0}, {0}, ""}, {0}},
	{{{sizeof(NMI_TEXT1) - 1}, {0}, NMI_TEXT1}, {0}},
	{{{sizeof(NMI_TEXT2) - 1}, {2}, NMI_TEXT2}, {0}},
	{{{0}, {0}, ""}, {0}},
};

/*
 * CONFIG_IKCONFIG's data as kernels before 5.0 laid it out: "IKCFG_ST", a gzip stream of the
 * .config (a blank line, and a line with leading blanks, that sys config drops as crash does),
 * "IKCFG_ED". Made with Python's gzip.compress(config, 9, mtime=0) from:
 *   #
 *   # Automatically generated file; DO NOT EDIT.
 *   # Linux/x86 6.99.0-fake Kernel Configuration
 *   #
 *   CONFIG_CC_VERSION_TEXT="gcc (fake) 12.2.0"
 *   
 *   #
 *   # General setup
 *   #
 *   CONFIG_IKCONFIG=y
 *   CONFIG_IKCONFIG_PROC=y
 *   # CONFIG_DEBUG_BUGVERBOSE is not set
 *   
 *     CONFIG_HZ=250
 */
__attribute__((used)) const unsigned char kernel_config_data[233] = {
	0x49, 0x4b, 0x43, 0x46, 0x47, 0x5f, 0x53, 0x54, 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x5d, 0x8d, 0x5d, 0x6b, 0xc2, 0x30, 0x14, 0x86, 0xef, 0xf3, 0x2b, 0x5e, 0xcc, 0x8d,
	0x5e, 0x98, 0xd5, 0xc2, 0x44, 0x91, 0x5e, 0xcc, 0x34, 0xeb, 0x8a, 0xd2, 0x0c, 0xad, 0x22, 0xbb,
	0x09, 0xa5, 0x4b, 0x4b, 0x58, 0x4c, 0x45, 0x53, 0xd0, 0x7f, 0xbf, 0xb8, 0x0f, 0x06, 0xbb, 0x38,
	0x70, 0xce, 0xcb, 0xf3, 0x9c, 0x97, 0x12, 0x8a, 0xa7, 0xde, 0x77, 0xc7, 0xca, 0x9b, 0xba, 0xb2,
	0xf6, 0x86, 0x56, 0x3b, 0x7d, 0xae, 0xbc, 0x7e, 0x47, 0x63, 0xac, 0x5e, 0x20, 0x95, 0x28, 0x64,
	0x09, 0x91, 0xe6, 0x25, 0x0b, 0xf0, 0xda, 0xb8, 0xfe, 0xfa, 0x70, 0x9d, 0x4d, 0x31, 0x65, 0xf3,
	0x39, 0x8b, 0xc6, 0x4d, 0xf5, 0xa1, 0xb1, 0xd2, 0x67, 0xa7, 0x2d, 0x78, 0xe7, 0x1a, 0xd3, 0xf6,
	0x41, 0x37, 0x9d, 0x23, 0x94, 0x70, 0x59, 0x3c, 0xe7, 0x99, 0xe2, 0x5c, 0xed, 0xc5, 0x66, 0x9b,
	0xcb, 0x42, 0x95, 0xe2, 0x50, 0x26, 0x83, 0xb6, 0xae, 0x31, 0xbc, 0x8b, 0x23, 0x4c, 0x62, 0x16,
	0xb3, 0x68, 0x40, 0x02, 0x4d, 0x91, 0x7d, 0x75, 0x5b, 0x5c, 0xb4, 0xef, 0x4f, 0x7f, 0x7e, 0xbe,
	0xfa, 0x5e, 0x92, 0xdb, 0xff, 0x44, 0xbd, 0x6e, 0x24, 0x0f, 0x31, 0xc5, 0xcf, 0x9d, 0x8a, 0xe5,
	0x2e, 0x53, 0x61, 0x42, 0xe1, 0x52, 0x6e, 0x05, 0xcc, 0x05, 0xae, 0xf3, 0xf7, 0x8f, 0x84, 0xe0,
	0x97, 0x7a, 0x79, 0x4b, 0xe2, 0xc7, 0x88, 0x7c, 0x02, 0xeb, 0xa9, 0xc9, 0xa5, 0xfd, 0x00, 0x00,
	0x00, 0x49, 0x4b, 0x43, 0x46, 0x47, 0x5f, 0x45, 0x44,
};

/*
 * Block devices (kmem -i's BUFFERS, as the kernel's nr_blockdev_pages() counts them): the bdev
 * pseudo-filesystem's superblock lists two block-device inodes, with 3 and 11 pages in their
 * page cache. _totalram_pages for kmem -i.
 */
#define S_IFBLK 0060000
extern struct inode ino_bdev0, ino_bdev1;
struct file_system_type fst_bdev = {"bdev"};
struct super_block sb_bdev = {&fst_bdev, {&ino_bdev0.i_sb_list, &ino_bdev1.i_sb_list}};
struct inode ino_bdev0 = {.i_mode = S_IFBLK | 0600, .i_sb = &sb_bdev, .i_mapping = &ino_bdev0.i_data,
			  .i_data = {{0}, 3}, .i_sb_list = {&ino_bdev1.i_sb_list, &sb_bdev.s_inodes}};
struct inode ino_bdev1 = {.i_mode = S_IFBLK | 0600, .i_sb = &sb_bdev, .i_mapping = &ino_bdev1.i_data,
			  .i_data = {{0}, 11}, .i_sb_list = {&sb_bdev.s_inodes, &ino_bdev0.i_sb_list}};
__attribute__((used)) struct super_block *blockdev_superblock = &sb_bdev;
__attribute__((used)) long nr_blockdev_pages(void)
{
	return 14;
}
__attribute__((used)) atomic_long_t _totalram_pages = {4096};

/*
 * ---- issue 12, irq and dev: IRQ descriptors, softirqs, the IDT; devices (linux/irq.c, linux/device.c) ----
 *
 * IRQs (nr_irqs 6, SPARSE_IRQ: irq_desc_tree, an XArray of one leaf): 0 "timer" (IO-APIC-edge),
 * 1 two shared actions "i8042" and "serio", 3 a descriptor without an action, 4 "ttyS0" (no flow
 * handler name); per-CPU counts as runqueues are per-CPU (CPU c's copy one struct rq further on);
 * affinities 0-3, 1 and 0,2. softirq_vec: vectors 0, 1 and 9. idt_table: 256 empty gates (the
 * golden case fills two). Devices: chrdevs 1 mem, 4 /dev/vc/0 and tty (one bucket's chain),
 * 10 misc (its cdev found through cdev_map), 13 input (none); major_names 7 loop, 259 blkext,
 * 254 virtblk (no disks); the ioport and iomem resource trees; one PCI root bus with a host
 * bridge and a PCI Express root port leading to a child bus with one device. Disks (the block
 * class's klist, one node of it dead): vda (blk-mq: one reserved and two write requests in
 * flight on its tags, one completed, one of vdb's), its partition vda1, vdb (blk-mq, idle),
 * loop0, pmem0 (bio-based: per-CPU disk_stats, two reads and two writes in flight).
 */
struct cpumask {
	unsigned long bits[1];
};
typedef struct cpumask *cpumask_var_t;
struct irq_chip {
	const char *name;
};
struct irq_common_data {
	unsigned int state_use_accessors;
	cpumask_var_t affinity;
};
struct irq_data {
	unsigned int irq;
	struct irq_chip *chip;
};
struct irqaction {
	void *handler;
	struct irqaction *next;
	const char *name;
};
struct irq_desc {
	struct irq_common_data irq_common_data;
	struct irq_data irq_data;
	unsigned int *kstat_irqs;
	struct irqaction *action;
	const char *name;
};
struct irqstat_unit {
	unsigned int cnt;
	char pad[sizeof(struct rq) - sizeof(unsigned int)];
};
__attribute__((used)) struct irq_chip ioapic_chip = {"IO-APIC"};
__attribute__((used)) struct cpumask irq_aff_all = {{0xf}}, irq_aff_1 = {{0x2}}, irq_aff_02 = {{0x5}};
__attribute__((used)) struct irqstat_unit kstat_irq0[NR_CPUS] = {{178, {0}}, {0, {0}}, {5, {0}}, {1, {0}}};
__attribute__((used)) struct irqstat_unit kstat_irq1[NR_CPUS] = {{0, {0}}, {9, {0}}, {0, {0}}, {0, {0}}};
__attribute__((used)) struct irqstat_unit kstat_irq4[NR_CPUS] = {{26, {0}}, {0, {0}}, {0, {0}}, {3, {0}}};
extern struct irqaction irqa_serio;
__attribute__((used)) struct irqaction irqa_timer = {0, 0, "timer"}, irqa_i8042 = {0, &irqa_serio, "i8042"},
					     irqa_serio = {0, 0, "serio"}, irqa_ttys0 = {0, 0, "ttyS0"};
__attribute__((used)) struct irq_desc irq_descs[4] = {
	{{0, &irq_aff_all}, {0, &ioapic_chip}, &kstat_irq0[0].cnt, &irqa_timer, "edge"},
	{{0, &irq_aff_1}, {1, &ioapic_chip}, &kstat_irq1[0].cnt, &irqa_i8042, "edge"},
	{{0, &irq_aff_all}, {3, &ioapic_chip}, 0, 0, "edge"},
	{{0, &irq_aff_02}, {4, &ioapic_chip}, &kstat_irq4[0].cnt, &irqa_ttys0, 0},
};
__attribute__((used)) struct xa_node irq_xa_leaf = {0, 0, 4, 0, 0, 0,
						    {[0] = &irq_descs[0], [1] = &irq_descs[1], [3] = &irq_descs[2], [4] = &irq_descs[3]}};
__attribute__((used)) struct xarray irq_desc_tree = {0, 0, XA_NODE(irq_xa_leaf)};
__attribute__((used)) int nr_irqs = 6;

struct softirq_action {
	void (*action)(void);
};
__attribute__((used)) void tasklet_hi_action(void)
{
}
__attribute__((used)) void run_timer_softirq(void)
{
}
__attribute__((used)) void rcu_core_si(void)
{
}
__attribute__((used)) struct softirq_action softirq_vec[10] = {{tasklet_hi_action}, {run_timer_softirq}, [9] = {rcu_core_si}};

struct gate_struct {
	unsigned short offset_low, segment, bits, offset_middle;
	unsigned int offset_high, reserved;
};
__attribute__((used)) void asm_exc_divide_error(void)
{
}
__attribute__((used)) void asm_exc_debug(void)
{
}
__attribute__((used)) struct gate_struct idt_table[256];

/* Character devices: a cdev's ops name the driver's file_operations. */
struct file_operations {
	void *owner;
};
struct cdev {
	void *kobj;
	const struct file_operations *ops;
};
struct char_device_struct {
	struct char_device_struct *next;
	unsigned int major, baseminor;
	int minorct;
	char name[64];
	struct cdev *cdev;
};
__attribute__((used)) const struct file_operations memory_fops, console_fops, tty_fops, misc_fops;
__attribute__((used)) struct cdev cdev_mem = {0, &memory_fops}, cdev_vc0 = {0, &console_fops}, cdev_tty = {0, &tty_fops},
				  cdev_misc = {0, &misc_fops};
__attribute__((used)) struct char_device_struct cds_tty = {0, 4, 64, 1024, "tty", &cdev_tty};
__attribute__((used)) struct char_device_struct cds_mem = {0, 1, 1, 256, "mem", &cdev_mem},
						   cds_vc0 = {&cds_tty, 4, 0, 1, "/dev/vc/0", &cdev_vc0},
						   cds_misc = {0, 10, 0, 256, "misc", 0}, cds_input = {0, 13, 0, 1024, "input", 0};
__attribute__((used)) struct char_device_struct *chrdevs[255] = {[1] = &cds_mem, [4] = &cds_vc0, [10] = &cds_misc,
								  [13] = &cds_input};
struct probe {
	struct probe *next;
	unsigned int dev;
	unsigned long range;
	void *data;
};
struct kobj_map {
	struct probe *probes[255];
};
/* misc's cdev at (10, 0); input's probe is for minor 64, not the region's base minor 0 */
__attribute__((used)) struct probe probe_misc = {0, 10 << 20, 256, &cdev_misc}, probe_input = {0, (13 << 20) | 64, 32, &cdev_mem};
__attribute__((used)) struct kobj_map cdev_map_area = {{[10] = &probe_misc, [13] = &probe_input}};
__attribute__((used)) struct kobj_map *cdev_map = &cdev_map_area;

struct blk_major_name {
	struct blk_major_name *next;
	int major;
	char name[16];
};
__attribute__((used)) struct blk_major_name bmn_loop = {0, 7, "loop"}, bmn_blkext = {0, 259, "blkext"},
					     bmn_virtblk = {0, 254, "virtblk"};
__attribute__((used)) struct blk_major_name *major_names[255] = {[4] = &bmn_blkext, [7] = &bmn_loop, [254] = &bmn_virtblk};

/* Resources: each tree's root, its children and their siblings. */
struct resource {
	unsigned long start, end;
	const char *name;
	unsigned long flags;
	struct resource *parent, *sibling, *child;
};
extern struct resource ioport_resource, iomem_resource;
__attribute__((used)) struct resource res_kbd = {0x60, 0x60, "keyboard", 0, 0, 0, 0};
__attribute__((used)) struct resource res_long = {0x3c0, 0x3df,
						  "a resource whose name is far too long to fit on one line of eighty columns",
						  0, &ioport_resource, 0, 0};
__attribute__((used)) struct resource res_dma1 = {0, 0x1f, "dma1", 0, &ioport_resource, &res_long, &res_kbd};
__attribute__((used)) struct resource ioport_resource = {0, 0xffff, "PCI IO", 0, 0, 0, &res_dma1};
__attribute__((used)) struct resource res_ram = {0x100000, 0x1ffdffff, "System RAM", 0, &iomem_resource, 0, 0};
__attribute__((used)) struct resource iomem_resource = {0, 0xffffffffffUL, "PCI mem", 0, 0, 0, &res_ram};

/* PCI: the root bus 0000:00 with a host bridge and a root port (a bridge) to bus 0000:01. */
struct kobject {
	const char *name;
};
struct device_type {
	const char *name;
};
struct device {
	struct kobject kobj;
	const struct device_type *type;
};
struct pci_bus;
struct pci_dev {
	struct list_head bus_list;
	struct pci_bus *bus;
	unsigned short vendor, device;
	unsigned int class;
	unsigned char hdr_type;
	unsigned short pcie_flags_reg;
	struct device dev;
};
struct pci_bus {
	struct list_head node;
	struct pci_bus *parent;
	struct list_head children, devices;
	struct pci_dev *self;
	struct device dev;
};
extern struct pci_bus pci_bus0, pci_bus1;
extern struct pci_dev pci_port;
extern struct list_head pci_root_buses;
__attribute__((used)) struct pci_dev pci_host = {{&pci_port.bus_list, &pci_bus0.devices}, &pci_bus0, 0x8086, 0x1237, 0x060000, 0, 0, {{"0000:00:00.0"}}};
__attribute__((used)) struct pci_dev pci_port = {{&pci_bus0.devices, &pci_host.bus_list}, &pci_bus0, 0x8086, 0x7000, 0x060400, 1, 0x0042, {{"0000:00:1c.0"}}};
__attribute__((used)) struct pci_dev pci_nvme = {{&pci_bus1.devices, &pci_bus1.devices}, &pci_bus1, 0x1b36, 0x10, 0x010802, 0, 0x0002, {{"0000:01:00.0"}}};
__attribute__((used)) struct pci_bus pci_bus0 = {{&pci_root_buses, &pci_root_buses}, 0,
						 {&pci_bus1.node, &pci_bus1.node}, {&pci_host.bus_list, &pci_port.bus_list}, 0,
						 {{"0000:00"}}};
__attribute__((used)) struct pci_bus pci_bus1 = {{&pci_bus0.children, &pci_bus0.children}, &pci_bus0,
						 {&pci_bus1.children, &pci_bus1.children},
						 {&pci_nvme.bus_list, &pci_nvme.bus_list}, &pci_port, {{"0000:01"}}};
__attribute__((used)) struct list_head pci_root_buses = {&pci_bus0.node, &pci_bus0.node};

enum mq_rq_state {
	MQ_RQ_IDLE = 0,
	MQ_RQ_IN_FLIGHT = 1,
	MQ_RQ_COMPLETE = 2,
};
struct klist_node {
	void *n_klist;
	struct list_head n_node;
};
struct klist {
	struct list_head k_list;
};
struct device_private {
	struct klist_node knode_class;
	struct device *device;
};
struct subsys_private {
	struct klist klist_devices;
};
struct class {
	const char *name;
	struct subsys_private *p;
};
struct disk_stats {
	unsigned long in_flight[2];
};
struct gendisk;
struct block_device {
	struct inode *bd_inode;
	struct gendisk *bd_disk;
	struct disk_stats *bd_stats;
	struct device bd_device;
};
/* struct sbitmap_word, sbitmap and sbitmap_queue: defined with the sbitmapq block above */
struct request;
struct blk_mq_tags {
	unsigned int nr_tags, nr_reserved_tags;
	struct sbitmap_queue bitmap_tags, breserved_tags;
	struct request **rqs;
};
struct blk_mq_hw_ctx {
	struct blk_mq_tags *tags;
};
struct request_queue {
	const void *mq_ops;
	struct xarray hctx_table;
};
struct request {
	struct request_queue *q;
	unsigned int cmd_flags;
	enum mq_rq_state state;
};
struct gendisk {
	int major, first_minor;
	char disk_name[32];
	struct block_device *part0;
	struct request_queue *queue;
	const void *fops;
};
struct disk_stats_unit {
	struct disk_stats st;
	char pad[sizeof(struct rq) - sizeof(struct disk_stats)];
};
__attribute__((used)) const struct device_type disk_type = {"disk"}, part_type = {"partition"};
__attribute__((used)) const int virtio_mq_ops = 1;
extern struct request_queue q_vda, q_vdb;
__attribute__((used)) struct request rq_vda[8] = {
	[0] = {&q_vda, 0, MQ_RQ_IN_FLIGHT}, /* the reserved tag: a read */
	[1] = {&q_vda, 1, MQ_RQ_IN_FLIGHT}, [4] = {&q_vda, 0, MQ_RQ_COMPLETE},
	[5] = {&q_vdb, 0, MQ_RQ_IN_FLIGHT}, [7] = {&q_vda, 0x801, MQ_RQ_IN_FLIGHT},
};
__attribute__((used)) struct request *rqs_vda[8] = {&rq_vda[0], &rq_vda[1], 0, 0, &rq_vda[4], &rq_vda[5], 0, &rq_vda[7]};
/* tags 1..7 in two words of four (shift 2): bits 0 and 3 of the first (bit 1 cleared), 0 and 2 of the second */
__attribute__((used)) struct sbitmap_word sbw_vda[2] = {{0xb, 0x2}, {0x5, 0}}, sbw_vda_res[1] = {{0x1, 0}};
__attribute__((used)) struct blk_mq_tags tags_vda = {8, 1, {{.depth = 7, .shift = 2, .map_nr = 2, .map = sbw_vda}}, {{.depth = 1, .shift = 6, .map_nr = 1, .map = sbw_vda_res}}, rqs_vda};
__attribute__((used)) struct sbitmap_word sbw_vdb[1] = {{0, 0}};
__attribute__((used)) struct request *rqs_vdb[4];
__attribute__((used)) struct blk_mq_tags tags_vdb = {4, 0, {{.depth = 4, .shift = 6, .map_nr = 1, .map = sbw_vdb}}, {{.depth = 0, .shift = 6, .map_nr = 0, .map = 0}}, rqs_vdb};
__attribute__((used)) struct blk_mq_hw_ctx hctx_vda = {&tags_vda}, hctx_vdb = {&tags_vdb};
__attribute__((used)) struct request_queue q_vda = {&virtio_mq_ops, {0, 0, &hctx_vda}},
					   q_vdb = {&virtio_mq_ops, {0, 0, &hctx_vdb}}, q_loop0 = {&virtio_mq_ops, {0, 0, 0}},
					   q_pmem0 = {0, {0, 0, 0}};
__attribute__((used)) struct disk_stats_unit pmem0_stats[NR_CPUS] = {{{{1, 0}}, {0}}, {{{0, 2}}, {0}}, {{{0, 0}}, {0}}, {{{1, 0}}, {0}}};
extern struct gendisk disk_vda, disk_vdb, disk_loop0, disk_pmem0;
__attribute__((used)) struct block_device bdev_vda = {0, &disk_vda, 0, {{"vda"}, &disk_type}},
					  bdev_vda1 = {0, &disk_vda, 0, {{"vda1"}, &part_type}},
					  bdev_vdb = {0, &disk_vdb, 0, {{"vdb"}, &disk_type}},
					  bdev_loop0 = {0, &disk_loop0, 0, {{"loop0"}, &disk_type}},
					  bdev_pmem0 = {0, &disk_pmem0, &pmem0_stats[0].st, {{"pmem0"}, &disk_type}};
__attribute__((used)) struct gendisk disk_vda = {254, 0, "vda", &bdev_vda, &q_vda, 0}, disk_vdb = {254, 16, "vdb", &bdev_vdb, &q_vdb, 0},
				     disk_loop0 = {7, 0, "loop0", &bdev_loop0, &q_loop0, 0},
				     disk_pmem0 = {259, 0, "pmem0", &bdev_pmem0, &q_pmem0, 0};
extern struct subsys_private block_subsys_private;
#define KLIST_HEAD (&block_subsys_private.klist_devices.k_list)
extern struct device_private dp_vda, dp_vda1, dp_dead, dp_vdb, dp_loop0, dp_pmem0;
__attribute__((used)) struct device_private dp_vda = {{0, {&dp_vda1.knode_class.n_node, KLIST_HEAD}}, &bdev_vda.bd_device},
	dp_vda1 = {{0, {&dp_dead.knode_class.n_node, &dp_vda.knode_class.n_node}}, &bdev_vda1.bd_device},
	dp_dead = {{(void *)1, {&dp_vdb.knode_class.n_node, &dp_vda1.knode_class.n_node}}, &bdev_vdb.bd_device},
	dp_vdb = {{0, {&dp_loop0.knode_class.n_node, &dp_dead.knode_class.n_node}}, &bdev_vdb.bd_device},
	dp_loop0 = {{0, {&dp_pmem0.knode_class.n_node, &dp_vdb.knode_class.n_node}}, &bdev_loop0.bd_device},
	dp_pmem0 = {{0, {KLIST_HEAD, &dp_loop0.knode_class.n_node}}, &bdev_pmem0.bd_device};
__attribute__((used)) struct subsys_private block_subsys_private = {{{&dp_vda.knode_class.n_node, &dp_pmem0.knode_class.n_node}}};
__attribute__((used)) struct class block_class = {"block", &block_subsys_private};
/* issue 12, kmisc: the functions its timers and wait queue entries point at, after main (the
 * first function, at _text, as the golden files expect) */
void process_timeout(struct timer_list *t) { (void)t; }
void delayed_work_timer_fn(struct timer_list *t) { (void)t; }
long long ktime_get(void) { return 0; }
long long ktime_get_real(void) { return 0; }
int tick_sched_timer(struct hrtimer *h) { (void)h; return 0; }
int hrtimer_wakeup(struct hrtimer *h) { (void)h; return 0; }
int autoremove_wake_function(struct wait_queue_entry *w, unsigned int m, int f, void *k) { (void)w; (void)m; (void)f; (void)k; return 0; }

/*
 * issue 12, shell: struct inactive_task_frame, the frame __switch_to_asm leaves at a sleeping
 * task's thread.sp, from which gdb's registers of that task come ($rip, $sp, info registers).
 * Golden cases write one into init_stack (init_task's thread.sp is init_stack + 0x3e70).
 */
struct inactive_task_frame {
	unsigned long r15, r14, r13, r12, bx, bp, ret_addr;
};
__attribute__((used)) struct inactive_task_frame *switch_frame_type_kept;
/* ---- issue 12, dis: code to disassemble, in a file of its own (stable source lines) ---- */
#include "fake_text.c"
