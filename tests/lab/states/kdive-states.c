/* kdive-states PANIC_CPU CPU0_ACTIVITY CPU1_ACTIVITY: the extra workload of the lab's
 * states boot (boot.sh <kernel> states; tests/lab/states/states-init runs it after the
 * usual workload, right before the panic). It puts the kernel into states the other
 * boots never have, prints their facts, says it is done (kdive-facts.h) and sleeps,
 * the parent of the processes it started (role states, comm kdive-states).
 *
 * Always:
 *   zparent  kdive-zparent, asleep in pause(); parent of
 *   zombie   kdive-zombie, exited and never waited for (state ZO)
 * Per CPU, one activity (the panic CPU's runs at normal priority beside the task that
 * panics; the other CPU's is what the panic's stop IPI/NMI interrupts there):
 *   userspin  kdive-userspin: a busy loop in user space. On the other CPU it is
 *             SCHED_FIFO (sched_rt_runtime_us = -1, so nothing preempts it) and first
 *             forks, with SCHED_RESET_ON_FORK, a child pinned to its CPU that can never
 *             run: role unrun (kdive-unrun, state RU, never scheduled)
 *   kernspin  kdive-kernspin: a busy loop in the kernel (read(2) of 8 MiB of /dev/zero
 *             over and over); SCHED_FIFO with an unrun child on the other CPU, as above
 *   idle      nothing
 *   io        kdive-piperead blocked in read(2) of an empty pipe (IN) and kdive-vforker
 *             blocked in vfork(2) (UN) until its child kdive-vfchild (asleep) exits
 *   netflood  kdive-netflood sends UDP datagrams and a TCP stream to 127.0.0.1, which
 *             kdive-netrecv reads: softirq (NET_RX) work on that CPU
 *   faults    kdive-faulter: mmap 1 MiB, write every page, munmap, over and over
 *   exiting   kdive-exiter forks children (kdive-exiting) that touch 16 MiB and exit,
 *             and waits for each: processes in fork, exit and exit_mmap
 *   zombies   kdive-zombies with ZOMBIES exited children (kdive-zombies) never waited for
 *   threads   kdive-busythr: BUSY_THREADS threads busy in user space (runnable)
 * All of an activity's processes are pinned to its CPU. The two CPUs' activities must
 * differ, unless both are idle (a role is unique in facts.json).
 *
 * Facts, one per process (KDIVE-FACT {"role":...,"pid":...,"comm":...,...} as
 * kdive-facts.h writes them) plus "activity" and "cpu", "policy" for SCHED_FIFO tasks,
 * "state" (crash's ps name) only where it cannot change before the panic, and
 * "zombies" (their pids) for the zombies activity.
 */
#include "../workload/kdive-facts.h"
#include <sys/mount.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define ZOMBIES 16
#define BUSY_THREADS 16
#define UDP_PORT 40500
#define TCP_PORT 40501

/* The pipe the activities report their pids on (the children close its read end). */
static int report_rd = -1, report_fd = -1;

static void name(const char *comm)
{
	if (prctl(PR_SET_NAME, comm, 0, 0, 0) < 0)
		die("prctl PR_SET_NAME");
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

/* SCHED_FIFO priority 1; children forked from now on start as SCHED_NORMAL. */
static void fifo(void)
{
	struct sched_param sp = {.sched_priority = 1};
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0)
		die("sched_setscheduler SCHED_FIFO");
}

/* Tell the parent "pid pid ...\n" (one write; the pipe keeps it whole). */
static void report(const int *pids, int n)
{
	char buf[512];
	int len = 0, i;
	for (i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d", i ? " " : "", pids[i]);
	len += snprintf(buf + len, sizeof(buf) - len, "\n");
	if (write(report_fd, buf, len) != len)
		die("report");
}

/* Start fn(cpu, arg) in a child named comm and pinned to cpu. */
static int start(const char *comm, int cpu, void (*fn)(int, const char *), const char *arg)
{
	int pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(report_rd);
		name(comm);
		pin(cpu);
		fn(cpu, arg);
		_exit(0);
	}
	return pid;
}

static void touch(char *p, size_t len)
{
	size_t off;
	for (off = 0; off < len; off += 4096)
		p[off] = 1;
}

/* ---- the activities (each runs in its own child, already named and pinned) ---- */

/* The zombie: a child that exits at once; this parent never waits. */
static void do_zparent(int cpu, const char *arg)
{
	int pids[2];
	(void)cpu, (void)arg;
	pids[0] = getpid();
	name("kdive-zombie");
	pids[1] = fork();
	if (pids[1] == 0)
		_exit(0);
	name("kdive-zparent");
	if (pids[1] < 0)
		die("fork");
	report(pids, 2);
	sleep_forever();
}

/* userspin and kernspin: with arg "fifo" (the other CPU) SCHED_FIFO, after forking the
 * child that never runs (it is SCHED_NORMAL on a CPU that this task never leaves). */
static void hog(const char *comm, const char *arg, int *pids)
{
	pids[0] = getpid();
	pids[1] = 0;
	if (strcmp(arg, "fifo") == 0) {
		fifo();
		name("kdive-unrun");
		pids[1] = fork();
		if (pids[1] == 0)
			for (;;)
				pause(); /* never reached: it never runs */
		if (pids[1] < 0)
			die("fork");
		name(comm);
	}
	report(pids, pids[1] ? 2 : 1);
}

static void do_userspin(int cpu, const char *arg)
{
	static volatile unsigned long spins;
	int pids[2];
	(void)cpu;
	hog("kdive-userspin", arg, pids);
	for (;;)
		spins++;
}

static void do_kernspin(int cpu, const char *arg)
{
	static char buf[8 << 20];
	int pids[2], fd = open("/dev/zero", O_RDONLY);
	(void)cpu;
	if (fd < 0)
		die("/dev/zero");
	touch(buf, sizeof(buf)); /* no page faults in the loop: it stays in read(2) */
	hog("kdive-kernspin", arg, pids);
	for (;;)
		if (read(fd, buf, sizeof(buf)) < 0)
			die("read /dev/zero");
}

static void do_piperead(int cpu, const char *arg)
{
	int p[2], pid = getpid();
	char c;
	(void)cpu, (void)arg;
	if (pipe(p) < 0)
		die("pipe");
	report(&pid, 1);
	for (;;)
		if (read(p[0], &c, 1) < 0 && errno != EINTR)
			die("read pipe");
}

static void do_vforker(int cpu, const char *arg)
{
	int pids[2];
	(void)cpu, (void)arg;
	pids[0] = getpid();
	/* The child shares this stack until it exits (never): it only calls into libc. */
	pids[1] = vfork();
	if (pids[1] == 0) {
		prctl(PR_SET_NAME, "kdive-vfchild", 0, 0, 0);
		pids[1] = getpid();
		report(pids, 2);
		for (;;)
			pause();
	}
	die("vfork returned");
}

static void do_netrecv(int cpu, const char *arg)
{
	static char buf[65536];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int u = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM, 0), t, one = 1, pid = getpid();
	(void)cpu, (void)arg;
	if (u < 0 || l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_port = htons(UDP_PORT);
	if (bind(u, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind udp");
	sin.sin_port = htons(TCP_PORT);
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(l, 1) < 0)
		die("bind/listen tcp");
	report(&pid, 1);
	if ((t = accept(l, NULL, NULL)) < 0)
		die("accept");
	for (;;) {
		while (recv(u, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		if (recv(t, buf, sizeof(buf), 0) < 0 && errno != EINTR)
			die("recv tcp");
	}
}

static void do_netflood(int cpu, const char *arg)
{
	static char buf[16384];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), i, pid = getpid();
	(void)cpu, (void)arg;
	if (u < 0 || t < 0)
		die("socket");
	sin.sin_port = htons(TCP_PORT);
	while (connect(t, (struct sockaddr *)&sin, sizeof(sin)) < 0) /* kdive-netrecv may not listen yet */
		usleep(10000);
	sin.sin_port = htons(UDP_PORT);
	report(&pid, 1);
	for (;;) {
		for (i = 0; i < 16; i++)
			sendto(u, buf, 1024, MSG_DONTWAIT, (struct sockaddr *)&sin, sizeof(sin));
		send(t, buf, sizeof(buf), MSG_DONTWAIT);
	}
}

static void do_faulter(int cpu, const char *arg)
{
	int pid = getpid();
	(void)cpu, (void)arg;
	report(&pid, 1);
	for (;;) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		touch(p, 1 << 20);
		munmap(p, 1 << 20);
	}
}

static void do_exiter(int cpu, const char *arg)
{
	int pid = getpid();
	(void)cpu, (void)arg;
	report(&pid, 1);
	for (;;) {
		int c = fork();
		if (c == 0) {
			char *p;
			name("kdive-exiting");
			p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED)
				touch(p, 16 << 20);
			_exit(0);
		}
		if (c < 0)
			die("fork");
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

static void do_zombies(int cpu, const char *arg)
{
	int pids[1 + ZOMBIES], i;
	(void)cpu, (void)arg;
	pids[0] = getpid();
	for (i = 1; i <= ZOMBIES; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(0);
		if (pids[i] < 0)
			die("fork");
	}
	report(pids, 1 + ZOMBIES);
	sleep_forever();
}

static void *busy(void *arg)
{
	volatile unsigned long n = 0;
	(void)arg;
	for (;;)
		n++;
	return NULL;
}

static void do_busythr(int cpu, const char *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	int i, pid = getpid();
	(void)cpu, (void)arg;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 1; i < BUSY_THREADS; i++)
		if ((errno = pthread_create(&t, &attr, busy, NULL)))
			die("pthread_create");
	report(&pid, 1);
	busy(NULL);
}

/* ---- the facts ---- */

static int read_pids(int fd, int *pids, int max)
{
	char buf[512], *s, *end;
	int n = 0, len = 0;
	/* One line per report; read byte by byte so a later report stays in the pipe. */
	while (len < (int)sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("an activity died before it reported");
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = 0;
	for (s = buf; n < max; s = end) {
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		pids[n++] = (int)v;
	}
	return n;
}

/* The state letter of /proc/<pid>/stat as crash's ps names it. */
static const char *crash_state(int pid)
{
	char p[64], stat[1024], *rp;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	if (read_small(p, stat, sizeof(stat)) <= 0 || !(rp = strrchr(stat, ')')))
		die(p);
	switch (rp[2]) {
	case 'R': return "RU";
	case 'S': return "IN";
	case 'D': return "UN";
	case 'Z': return "ZO";
	case 'T': return "ST";
	case 't': return "TR";
	case 'I': return "ID";
	default: return "??";
	}
}

/* want: the state the process must be in (it is stable until the panic); NULL: none. */
static void fact(const char *role, int pid, const char *activity, int cpu, const char *want,
		 const char *policy, const char *extra)
{
	struct sb b = {0};
	if (want) {
		/* A process may take a moment to get there (a child not yet exited). */
		int tries = 0;
		while (strcmp(crash_state(pid), want) != 0) {
			if (++tries > 500) {
				fprintf(stderr, "kdive-states: %s %d is %s, not %s\n", role, pid, crash_state(pid), want);
				exit(1);
			}
			usleep(10000);
		}
	}
	fact_begin(&b, role, pid);
	sb_printf(&b, ",\"activity\":\"%s\",\"cpu\":%d", activity, cpu);
	if (want)
		sb_printf(&b, ",\"state\":\"%s\"", want);
	if (policy)
		sb_printf(&b, ",\"policy\":\"%s\"", policy);
	if (extra)
		sb_printf(&b, ",%s", extra);
	fact_end(&b);
	free(b.s);
}

static void activity(const char *act, int cpu, int other)
{
	int p[2 + ZOMBIES], n;
	const char *hog = other ? "fifo" : "normal", *pol = other ? "SCHED_FIFO" : NULL;
	if (strcmp(act, "idle") == 0)
		return;
	if (strcmp(act, "userspin") == 0 || strcmp(act, "kernspin") == 0) {
		int user = act[0] == 'u';
		start(user ? "kdive-userspin" : "kdive-kernspin", cpu, user ? do_userspin : do_kernspin, hog);
		n = read_pids(report_rd, p, 2);
		fact(act, p[0], act, cpu, other ? "RU" : NULL, pol, NULL);
		if (n == 2)
			fact("unrun", p[1], act, cpu, "RU", NULL, NULL);
	} else if (strcmp(act, "io") == 0) {
		start("kdive-piperead", cpu, do_piperead, NULL);
		read_pids(report_rd, p, 1);
		fact("piperead", p[0], act, cpu, "IN", NULL, NULL);
		start("kdive-vforker", cpu, do_vforker, NULL);
		read_pids(report_rd, p, 2);
		fact("vforker", p[0], act, cpu, "UN", NULL, NULL);
		fact("vfchild", p[1], act, cpu, "IN", NULL, NULL);
	} else if (strcmp(act, "netflood") == 0) {
		start("kdive-netrecv", cpu, do_netrecv, NULL);
		read_pids(report_rd, p, 1);
		p[1] = p[0];
		start("kdive-netflood", cpu, do_netflood, NULL);
		read_pids(report_rd, p, 1);
		fact("netrecv", p[1], act, cpu, NULL, NULL, NULL);
		fact("netflood", p[0], act, cpu, NULL, NULL, NULL);
	} else if (strcmp(act, "faults") == 0) {
		start("kdive-faulter", cpu, do_faulter, NULL);
		read_pids(report_rd, p, 1);
		fact("faulter", p[0], act, cpu, NULL, NULL, NULL);
	} else if (strcmp(act, "exiting") == 0) {
		start("kdive-exiter", cpu, do_exiter, NULL);
		read_pids(report_rd, p, 1);
		fact("exiter", p[0], act, cpu, NULL, NULL, NULL);
	} else if (strcmp(act, "zombies") == 0) {
		struct sb x = {0};
		int i;
		start("kdive-zombies", cpu, do_zombies, NULL);
		n = read_pids(report_rd, p, 1 + ZOMBIES);
		sb_printf(&x, "\"zombies\":[");
		for (i = 1; i < n; i++)
			sb_printf(&x, "%s%d", i > 1 ? "," : "", p[i]);
		sb_printf(&x, "]");
		for (i = 1; i < n; i++) /* all exited before the fact is written */
			while (strcmp(crash_state(p[i]), "ZO") != 0)
				usleep(10000);
		fact("zombies", p[0], act, cpu, "IN", NULL, x.s);
		free(x.s);
	} else if (strcmp(act, "threads") == 0) {
		start("kdive-busythr", cpu, do_busythr, NULL);
		read_pids(report_rd, p, 1);
		fact("busythreads", p[0], act, cpu, NULL, NULL, NULL);
	} else {
		fprintf(stderr, "kdive-states: unknown activity '%s'\n", act);
		exit(2);
	}
}

static int known(const char *a)
{
	static const char *const acts[] = {"userspin", "kernspin", "idle", "io", "netflood",
					   "faults", "exiting", "zombies", "threads"};
	size_t i;
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(a, acts[i]) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int p[2], pids[2], panic_cpu, other;
	const char *acts[2];

	if (argc != 4 || (strcmp(argv[1], "0") != 0 && strcmp(argv[1], "1") != 0) || !known(argv[2]) ||
	    !known(argv[3]) || (strcmp(argv[2], argv[3]) == 0 && strcmp(argv[2], "idle") != 0)) {
		fprintf(stderr, "usage: kdive-states PANIC_CPU(0|1) CPU0_ACTIVITY CPU1_ACTIVITY "
				"(two different activities of: userspin kernspin idle io netflood faults "
				"exiting zombies threads)\n");
		return 2;
	}
	alarm(120); /* an activity that dies before it reports would leave us waiting */
	panic_cpu = atoi(argv[1]);
	other = 1 - panic_cpu;
	acts[0] = argv[2];
	acts[1] = argv[3];
	/* Nothing may throttle the SCHED_FIFO hogs (they only start a second before the panic). */
	if (strcmp(acts[other], "userspin") == 0 || strcmp(acts[other], "kernspin") == 0) {
		int fd = open("/proc/sys/kernel/sched_rt_runtime_us", O_WRONLY);
		if (fd < 0 || write(fd, "-1\n", 3) != 3)
			die("sched_rt_runtime_us");
		close(fd);
		/* 6.12's fair server still runs SCHED_NORMAL tasks 50 ms a second beside them:
		 * zeroed where the kernel has it (debugfs), as unrun must never run even when a
		 * loaded host stretches the second before the panic */
		if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 || errno == EBUSY) {
			char f[96];
			for (int c = 0; c < 2; c++) {
				snprintf(f, sizeof(f), "/sys/kernel/debug/sched/fair_server/cpu%d/runtime", c);
				if ((fd = open(f, O_WRONLY)) >= 0) {
					if (write(fd, "0\n", 2) != 2)
						fprintf(stderr, "kdive-states: cannot zero %s: %s\n", f, strerror(errno));
					close(fd);
				}
			}
		}
	}
	pin(panic_cpu);
	if (pipe(p) < 0)
		die("pipe");
	report_rd = p[0];
	report_fd = p[1];
	signal(SIGCHLD, SIG_DFL);

	start("kdive-zparent", panic_cpu, do_zparent, NULL);
	read_pids(report_rd, pids, 2);
	fact("zparent", pids[0], "zombie", panic_cpu, "IN", NULL, NULL);
	fact("zombie", pids[1], "zombie", panic_cpu, "ZO", NULL, NULL);
	/* The panic CPU's activity first, the other CPU's (the SCHED_FIFO hog) last. */
	activity(acts[panic_cpu], panic_cpu, 0);
	activity(acts[other], other, 1);
	fact("states", getpid(), "states", panic_cpu, NULL, NULL, NULL);
	facts_done("states");
	alarm(0);
	sleep_forever();
	return 0;
}
