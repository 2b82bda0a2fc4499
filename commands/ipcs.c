/* ipcs: System V shared memory, semaphore arrays and message queues, as crash prints them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <kdive/kdive.h>

#define SHM_DEST 01000
#define SHM_LOCKED 02000

static const char *const headers[] = {
	[KD_IPC_SHM] = "SHMID_KERNEL     KEY      SHMID      UID   PERMS BYTES      NATTCH STATUS\n",
	[KD_IPC_SEM] = "SEM_ARRAY        KEY      SEMID      UID   PERMS NSEMS     \n",
	[KD_IPC_MSG] = "MSG_QUEUE        KEY      MSQID      UID   PERMS USED-BYTES   MESSAGES    \n",
};

struct ipcs_ctx {
	enum kd_ipc_kind kind;
	bool verbose;
	bool specified;
	uint64_t value;
	struct kd_sbuf *out;
	int shown;
};

static int ipc_visit(kd_session *s, uint64_t obj, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct ipcs_ctx *c = arg;
	struct kd_ipc_object o;
	if (kd_ipc_read(s, c->kind, obj, c->verbose, &o) < 0)
		return -1;
	if (o.deleted)
		return 0;
	if (c->specified && (uint64_t)(int64_t)o.id != c->value && o.addr != c->value)
		return 0;
	struct kd_sbuf *b = c->out;
	if (c->verbose || c->specified)
		kd_sbuf_puts(b, headers[c->kind]);
	switch (c->kind) {
	case KD_IPC_SHM:
		kd_sbuf_printf(b, "%-16llx %08x %-10d %-5u %-5o %-10llu %-6llu %s %s\n", (unsigned long long)o.addr, (unsigned)o.key, o.id,
			       o.uid, o.mode & 0777, (unsigned long long)o.bytes, (unsigned long long)o.nattch,
			       (o.mode & SHM_DEST) ? "dest" : "", (o.mode & SHM_LOCKED) ? "locked" : "");
		if (c->verbose) {
			uint64_t page = kd_target(s)->page_size ? kd_target(s)->page_size : 4096;
			kd_sbuf_printf(b, "PAGES ALLOCATED/RESIDENT/SWAPPED: %llu/%llu/%llu\n",
				       (unsigned long long)((o.bytes + page - 1) / page), (unsigned long long)o.rss,
				       (unsigned long long)o.swap);
			kd_sbuf_printf(b, "INODE: %llx\n", (unsigned long long)o.shm_inode);
		}
		break;
	case KD_IPC_SEM:
		kd_sbuf_printf(b, "%-16llx %08x %-10d %-5u %-5o %-10llu\n", (unsigned long long)o.addr, (unsigned)o.key, o.id, o.uid,
			       o.mode & 0777, (unsigned long long)o.nsems);
		break;
	case KD_IPC_MSG:
		kd_sbuf_printf(b, "%-16llx %08x %-10d %-5u %-5o %-12llu %-12llu\n", (unsigned long long)o.addr, (unsigned)o.key, o.id,
			       o.uid, o.mode & 0777, (unsigned long long)o.bytes, (unsigned long long)o.messages);
		break;
	}
	if (c->verbose || c->specified)
		kd_sbuf_puts(b, "\n");
	c->shown++;
	return c->specified ? KD_WALK_STOP : 0;
}

/* One kind's table (or, with an id or address, its matching object): returns 1 when something
 * was shown (always, for a whole table with objects in use), 0 when not, -1 on error. */
static int ipcs_kind(kd_session *s, uint64_t ns, enum kd_ipc_kind kind, bool verbose, bool specified, uint64_t value,
		     struct kd_sbuf *out)
{
	if (!verbose && !specified)
		kd_sbuf_puts(out, headers[kind]);
	uint64_t ids;
	int in_use;
	if (kd_ipc_ids(s, ns, kind, &ids, &in_use) < 0)
		return -1;
	if (!in_use) {
		if (!specified) {
			if (verbose)
				kd_sbuf_puts(out, headers[kind]);
			kd_sbuf_puts(out, "(none allocated)\n\n");
		}
		return 0;
	}
	struct ipcs_ctx c = {kind, verbose, specified, value, out, 0};
	long n = kd_walk_ipc(s, ns, kind, ipc_visit, &c);
	if (!verbose && !specified)
		kd_sbuf_puts(out, "\n");
	if (n < 0)
		return -1;
	return c.shown || !specified;
}

static int cmd_ipcs(kd_session *s, int argc, char **argv)
{
	int c;
	bool shm = false, sem = false, msg = false, verbose = false;
	const struct task_info *t = NULL;
	while ((c = getopt(argc, argv, "smMqn:")) != -1) {
		switch (c) {
		case 's':
			sem = true;
			break;
		case 'm':
			shm = true;
			break;
		case 'M':
			shm = verbose = true;
			break;
		case 'q':
			msg = true;
			break;
		case 'n':
			t = kd_task_from_arg(s, optarg);
			if (!t)
				return kd_fail(s, "invalid task or pid value: %s", optarg);
			break;
		default:
			return kd_usage(s);
		}
	}
	uint64_t v;
	for (int i = optind; i < argc; i++)
		if (!kd_parse_u64(argv[i], &v) && !kd_parse_hex_u64(argv[i], &v))
			return kd_error(s, KD_EINVAL, 0, "not a valid number: %s", argv[i]);
	if (!shm && !sem && !msg)
		shm = sem = msg = true;
	if (!t) {
		const struct kd_task_table *tt = kd_tasks_get(s);
		if (!tt || !tt->len)
			return -1;
		t = &tt->tasks[0]; /* crash's pid_to_task(0): CPU 0's idle task */
	}
	uint64_t ns;
	if (kd_task_ipc_ns(s, t->task, &ns) < 0)
		return -1;
	const bool want[3] = {[KD_IPC_SHM] = shm, [KD_IPC_SEM] = sem, [KD_IPC_MSG] = msg};
	static const enum kd_ipc_kind order[] = {KD_IPC_SHM, KD_IPC_SEM, KD_IPC_MSG};
	int rc = 0;
	if (optind >= argc) {
		struct kd_sbuf out = {0};
		for (int k = 0; k < 3 && rc == 0; k++) {
			enum kd_ipc_kind kind = order[k];
			if (want[kind] && ipcs_kind(s, ns, kind, kind == KD_IPC_SHM && verbose, false, 0, &out) < 0)
				rc = -1;
			kd_printf(s, "%s", kd_sbuf_str(&out));
			out.len = 0;
			if (out.s)
				out.s[0] = '\0';
		}
		kd_sbuf_free(&out);
		return rc;
	}
	/* ids and addresses: crash prints the misses first, then what was found */
	struct kd_sbuf found = {0};
	for (int i = optind; i < argc && rc == 0; i++) {
		if (!kd_parse_u64(argv[i], &v))
			kd_parse_hex_u64(argv[i], &v);
		int hits = 0;
		for (int k = 0; k < 3 && rc == 0; k++) {
			enum kd_ipc_kind kind = order[k];
			if (!want[kind])
				continue;
			int r = ipcs_kind(s, ns, kind, kind == KD_IPC_SHM && verbose, true, v, &found);
			if (r < 0)
				rc = -1;
			else
				hits += r;
		}
		if (!hits && rc == 0)
			kd_printf(s, "invalid id or address: %s\n\n", argv[i]);
	}
	kd_printf(s, "%s", kd_sbuf_str(&found));
	kd_sbuf_free(&found);
	return rc;
}

const struct kd_command kd_cmd_ipcs = {
	"ipcs", cmd_ipcs, "ipcs [-smMq] [-n pid|task] [id | addr]", "System V IPC facilities",
	"Lists the System V IPC objects of the initial IPC namespace: shared memory segments\n"
	"(struct shmid_kernel: key, id, owner, permissions, size, attach count, dest and\n"
	"locked status), semaphore arrays (struct sem_array: number of semaphores) and\n"
	"message queues (struct msg_queue: bytes and messages queued).\n"
	"\n"
	"  -m            shared memory segments only.\n"
	"  -M            shared memory segments, each with its pages (allocated for its\n"
	"                size, resident in its page cache, swapped) and its inode.\n"
	"  -s            semaphore arrays only.\n"
	"  -q            message queues only.\n"
	"  -n pid|task   the IPC namespace of that task instead.\n"
	"  id | addr     only the object with that id, or at that shmid_kernel,\n"
	"                sem_array or msg_queue address (several may be given).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> ipcs\n"
	"  kdive> ipcs -M\n"
	"  kdive> ipcs -q -n 2618\n"
	"  kdive> ipcs 32769\n",
	KD_CMD_NEEDS_DUMP,
};
