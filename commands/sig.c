/* sig: signal handlers, blocked and pending signals of tasks, as crash prints them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define NSIG 64

static const char *const sig_names[NSIG + 1] = {
	"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT/SIGIOT", "SIGBUS", "SIGFPE", "SIGKILL",
	"SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD/SIGCLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO/SIGPOLL", "SIGPWR", "SIGSYS/SIGUNUSED"};

static void sig_name(int sig, char *buf, size_t size)
{
	if (sig < 32)
		snprintf(buf, size, "%s", sig_names[sig]);
	else if (sig == 32)
		snprintf(buf, size, "SIGRTMIN");
	else if (sig == 64)
		snprintf(buf, size, "SIGRTMAX");
	else if (sig <= 48)
		snprintf(buf, size, "SIGRTMIN+%d", sig - 32);
	else
		snprintf(buf, size, "SIGRTMAX-%d", 64 - sig);
}

static void list_signals(kd_session *s)
{
	for (int i = 1; i <= NSIG; i++) {
		char name[32], num[16];
		sig_name(i, name, sizeof(name));
		snprintf(num, sizeof(num), "[%d]", i);
		kd_printf(s, "%4s %s\n", num, name);
	}
}

static int translate_set(kd_session *s, const char *arg)
{
	uint64_t set;
	if (!kd_parse_hex_u64(arg, &set))
		return kd_fail(s, "invalid sigset: %s", arg);
	bool first = true;
	for (int i = 1; i <= NSIG; i++) {
		if (!((set >> (i - 1)) & 1))
			continue;
		char name[32];
		sig_name(i, name, sizeof(name));
		name[strcspn(name, "/")] = '\0'; /* translations use the first of two names */
		kd_printf(s, "%s%s", first ? "" : " ", name);
		first = false;
	}
	kd_printf(s, "\n");
	return 0;
}

static void print_flags(kd_session *s, uint64_t flags)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {{0x1, "SA_NOCLDSTOP"}, {0x2, "SA_NOCLDWAIT"}, {0x04000000, "SA_RESTORER"}, {0x4, "SA_SIGINFO"},
		     {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"}, {0x40000000, "SA_NODEFER"},
		     {0x80000000, "SA_RESETHAND"}};
	kd_printf(s, "%llx ", (unsigned long long)flags);
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & names[i].bit) {
			kd_printf(s, "%s%s", any ? "|" : "(", names[i].name);
			any = true;
		}
	kd_printf(s, "%s\n", any ? ")" : "");
}

struct sigqueue_print {
	int indent;
	uint64_t info_off;
	int n;
};

static int print_sigqueue(kd_session *s, uint64_t q, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct sigqueue_print *p = arg;
	uint64_t signo = 0;
	if (!p->n++)
		kd_printf(s, "%*s  SIGQUEUE:  SIG  %-16s\n", p->indent, "", "SIGINFO");
	kd_read_int(s, q + p->info_off, 4, &signo);
	kd_printf(s, "%*s             %3d  %016llx\n", p->indent, "", (int)signo, (unsigned long long)(q + p->info_off));
	return 0;
}

/* A sigpending: its signal mask and its queue. */
static int print_pending(kd_session *s, uint64_t pending, int indent)
{
	uint64_t sig_off, list_off, set;
	if (kd_member_offset(s, "sigpending", "signal", &sig_off) < 0 || kd_member_offset(s, "sigpending", "list", &list_off) < 0 ||
	    kd_read_kv(s, pending + sig_off, &set, 8) < 0)
		return -1;
	kd_printf(s, "%*s    SIGNAL: %016llx\n", indent, "", (unsigned long long)set);
	struct sigqueue_print p = {indent, kd_member_offset_opt(s, "sigqueue", "info"), 0};
	if (kd_walk_list(s, pending + list_off, kd_member_offset_opt(s, "sigqueue", "list"), 0, print_sigqueue, &p) < 0)
		return -1;
	if (!p.n)
		kd_printf(s, "%*s  SIGQUEUE: (empty)\n", indent, "");
	return 0;
}

static int print_task_pending(kd_session *s, const struct task_info *t, int indent)
{
	uint64_t flags = 0, blocked = 0, off;
	kd_read_member(s, t->task, "task_struct", "thread_info.flags", &flags);
	if (kd_member_offset(s, "task_struct", "blocked", &off) == 0)
		kd_read_kv(s, t->task + off, &blocked, 8);
	kd_clear_error(s);
	kd_printf(s, "%*sSIGPENDING: %s\n", indent, "", (flags & (1u << 2)) ? "yes" : "no"); /* TIF_SIGPENDING */
	kd_printf(s, "%*s   BLOCKED: %016llx\n", indent, "", (unsigned long long)blocked);
	kd_printf(s, "%*sPRIVATE_PENDING\n", indent, "");
	if (kd_member_offset(s, "task_struct", "pending", &off) < 0)
		return -1;
	return print_pending(s, t->task + off, indent);
}

static int print_handlers(kd_session *s, const struct task_info *t)
{
	uint64_t sighand, action_off, ka_size, nr_threads = 0, handler_off, flags_off, mask_off;
	if (kd_read_member_ptr(s, t->task, "task_struct", "sighand", &sighand) < 0 ||
	    kd_member_offset(s, "sighand_struct", "action", &action_off) < 0 || kd_member_offset(s, "k_sigaction", "sa.sa_handler", &handler_off) < 0 ||
	    kd_member_offset(s, "k_sigaction", "sa.sa_flags", &flags_off) < 0 || kd_member_offset(s, "k_sigaction", "sa.sa_mask", &mask_off) < 0)
		return -1;
	ka_size = kd_type_size_opt(s, "k_sigaction");
	if (ka_size == UINT64_MAX || !sighand)
		return kd_fail(s, "pid %d has no signal handlers", t->pid);
	kd_read_member(s, t->signal, "signal_struct", "nr_threads", &nr_threads);
	kd_clear_error(s);
	kd_printf(s, "SIGNAL_STRUCT: %llx  NR_THREADS: %d\n", (unsigned long long)t->signal, (int)nr_threads);
	kd_printf(s, " SIG %s\n", "   SIGACTION        HANDLER       MASK       FLAGS           ");
	for (int i = 1; i <= NSIG; i++) {
		uint64_t ka = sighand + action_off + (uint64_t)(i - 1) * ka_size, handler, flags, mask;
		if (kd_read_kv(s, ka + handler_off, &handler, 8) < 0 || kd_read_kv(s, ka + flags_off, &flags, 8) < 0 ||
		    kd_read_kv(s, ka + mask_off, &mask, 8) < 0)
			return -1;
		char num[16], h[24];
		snprintf(num, sizeof(num), "[%d]", i);
		if (handler == 0)
			strcpy(h, "SIG_DFL");
		else if (handler == 1)
			strcpy(h, "SIG_IGN");
		else
			snprintf(h, sizeof(h), "%llx", (unsigned long long)handler);
		kd_printf(s, "%4s %llx %10s %016llx ", num, (unsigned long long)ka, h, (unsigned long long)mask);
		print_flags(s, flags);
	}
	return 0;
}

static int show_task(kd_session *s, const struct task_info *t, bool group)
{
	kd_task_print_header(s, t, 0);
	if (print_handlers(s, t) < 0)
		return -1;
	uint64_t off;
	if (!group && print_task_pending(s, t, 0) < 0)
		return -1;
	kd_printf(s, "SHARED_PENDING\n");
	if (kd_member_offset(s, "signal_struct", "shared_pending", &off) < 0 || print_pending(s, t->signal + off, 0) < 0)
		return -1;
	kd_printf(s, "\n");
	if (!group)
		return 0;
	const struct kd_task_table *tt = kd_tasks_get(s);
	for (size_t i = 0; tt && i < tt->len; i++) {
		const struct task_info *th = &tt->tasks[i];
		if (th->tgid != t->tgid || th->idle)
			continue;
		kd_task_print_header(s, th, 2);
		if (print_task_pending(s, th, 2) < 0)
			return -1;
		kd_printf(s, "\n");
	}
	return 0;
}

static int cmd_sig(kd_session *s, int argc, char **argv)
{
	bool group = false;
	int c;
	while ((c = getopt(argc, argv, "lgs:")) != -1) {
		switch (c) {
		case 'l': list_signals(s); return 0;
		case 's': return translate_set(s, optarg);
		case 'g': group = true; break;
		default: return kd_usage(s);
		}
	}
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		return t ? show_task(s, t, group) : -1;
	}
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		const struct task_info *t = kd_task_from_arg(s, argv[i]);
		if (!t || show_task(s, t, group) < 0)
			rc = -1;
	}
	return rc;
}

const struct kd_command kd_cmd_sig = {
	"sig", cmd_sig, "sig [[-l] | [-s sigset]] | [-g] [pid | taskp] ...", "task signal handling",
	"Shows a task's signal handlers (sigaction address, handler, mask, flags), whether\n"
	"a signal is pending, the blocked set and the private and shared pending queues.\n"
	"  -g         the whole thread group: shared state once, then each thread's own\n"
	"  -l         list the signal numbers and names\n"
	"  -s sigset  translate a hexadecimal signal set into names\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sig 1\n"
	"  kdive> sig -s 14003\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
