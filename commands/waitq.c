/* waitq: the tasks queued on a wait queue (by symbol, struct.member and address, or address),
 * as crash lists them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

struct waitq_entries {
	VEC(uint64_t) v;
};

static int collect(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	(void)pos;
	struct waitq_entries *w = arg;
	VEC_PUSH(&w->v, entry);
	return 0;
}

static int dump_waitq(kd_session *s, uint64_t q, const char *name)
{
	struct waitq_entries w = {0};
	long n = kd_walk_waitq(s, q, collect, &w);
	if (n < 0 && !w.v.len) {
		uint64_t at = kd_last_addr(s);
		enum kd_errcode code = kd_last_code(s);
		VEC_FREE(&w.v);
		if (code == KD_EFAULT || code == KD_EEXCLUDED || code == KD_ENOMEM_DUMP)
			return kd_error(s, code, at, "read error: kernel virtual address: %" PRIx64 "  type: \"first list entry\"", at);
		return -1;
	}
	if (!w.v.len) {
		if (name)
			kd_printf(s, "wait queue \"%s\" (%" PRIx64 ") is empty\n", name, q);
		else
			kd_printf(s, "wait queue %" PRIx64 " is empty\n", q);
		VEC_FREE(&w.v);
		return 0;
	}
	int rc = n < 0 ? -1 : 0;
	char why[512] = "";
	if (rc < 0)
		snprintf(why, sizeof(why), "%s", kd_last_error(s));
	kd_clear_error(s);
	for (size_t i = 0; i < w.v.len; i++) {
		uint64_t task;
		const struct task_info *t = NULL;
		if (kd_waitq_entry_private(s, w.v.items[i], &task) == 0)
			t = kd_task_find(s, task);
		kd_clear_error(s);
		if (!t) /* an entry that wakes no task (a callback's): crash stops there */
			break;
		kd_task_print_header(s, t, 0);
	}
	VEC_FREE(&w.v);
	if (rc < 0)
		return kd_fail(s, "%s", why);
	return 0;
}

static int cmd_waitq(kd_session *s, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return kd_usage(s);
	uint64_t q = 0;
	const char *name = NULL;
	const char *dot = strchr(argv[1], '.');
	if (kd_parse_hex_u64(argv[1], &q)) {
		/* a wait_queue_head's address */
	} else if (!dot) {
		const struct kd_symbol *k = kd_symbol_lookup(s, argv[1]);
		if (!k)
			return kd_fail(s, "cannot resolve \"%s\"", argv[1]);
		q = k->addr;
		name = argv[1];
	} else {
		char type[256];
		snprintf(type, sizeof(type), "%.*s", (int)(dot - argv[1]), argv[1]);
		if (argc != 3) {
			kd_printf(s, "must supply an address for %s\n", type);
			return 0;
		}
		if (!kd_parse_hex_u64(argv[2], &q))
			return kd_fail(s, "invalid input: \"%s\"", argv[2]);
		struct kd_member_info m;
		if (!kd_member_find(s, type, dot + 1, &m)) {
			kd_printf(s, "%s is not a member of %s\n", dot + 1, type);
			return 0;
		}
		q += m.offset;
	}
	if (!q || !kd_is_kvaddr(s, q))
		return 0;
	return dump_waitq(s, q, name);
}

const struct kd_command kd_cmd_waitq = {
	"waitq", cmd_waitq, "waitq  [ symbol ] | [ struct.member struct_addr ] | [ address ]", "list tasks queued on a wait queue",
	"Lists the tasks blocked on a wait queue (a struct wait_queue_head), one task header\n"
	"(PID, TASK, CPU, COMMAND) per entry, in queue order; \"wait queue ... is empty\" when\n"
	"nothing waits. The queue is given as:\n"
	"  symbol                      a global wait_queue_head, by name\n"
	"  struct.member struct_addr   a wait_queue_head member of a structure at a (hex) address\n"
	"  address                     a wait_queue_head's (hex) address\n"
	"The listing stops at an entry that wakes no task (a callback's entry, as epoll queues).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> waitq log_wait\n"
	"  wait queue \"log_wait\" (ffffffffb0ad4470) is empty\n"
	"  kdive> waitq oom_reaper_wait\n"
	"  PID: 34       TASK: ffff8e80c1330000  CPU: 1    COMMAND: \"oom_reaper\"\n"
	"  kdive> waitq pipe_inode_info.rd_wait ffff8e80c5b2e300\n"
	"  PID: 412      TASK: ffff8e80c3a1a080  CPU: 0    COMMAND: \"cat\"\n",
	KD_CMD_NEEDS_DUMP,
};
