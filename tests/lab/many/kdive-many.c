/* kdive-many SLEEPERS THREADS: the extra tasks of the benchmark boot (boot.sh <kernel> many):
 * SLEEPERS child processes (comm kdive-sleeper), each asleep in pause(), and this process
 * itself with THREADS threads in all (the main thread and THREADS-1 others, asleep, on
 * small stacks). Runs before the lab's /init (tests/lab/many/many-init), never in the
 * other boots.
 * Facts: KDIVE-FACT {"role":"many","pid":P,"comm":"kdive-many","ppid":1,
 *        "sleepers":N,"sleeper_pids":[...],"threads":M,"tids":[...],
 *        "requested_sleepers":N,"requested_threads":M}   (pids and tids from /proc)
 */
#include "../workload/kdive-facts.h"
#include <pthread.h>
#include <sys/prctl.h>

static pthread_barrier_t started;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&started);
	sleep_forever();
	return NULL;
}

/* "key":[n,...] from /proc/<dir>'s numeric entries, skipping skip. */
static int list_numbers(struct sb *b, const char *key, const char *dir, int *buf, int max)
{
	int n = proc_numbers(dir, buf, max, -1), i;
	sb_printf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++)
		sb_printf(b, "%s%d", i ? "," : "", buf[i]);
	sb_printf(b, "]");
	return n;
}

int main(int argc, char **argv)
{
	struct sb b = {0};
	int nsleep, nthr, i, ready[2], *pids, *buf, max = 65536;
	char c, comm[64], p[64];
	pthread_attr_t attr;
	pthread_t t;

	if (argc != 3) {
		fprintf(stderr, "usage: kdive-many SLEEPERS THREADS\n");
		return 2;
	}
	nsleep = atoi(argv[1]);
	nthr = atoi(argv[2]);
	if (nsleep < 0 || nsleep > 30000 || nthr < 1 || nthr > 30000) {
		fprintf(stderr, "kdive-many: bad counts %d %d\n", nsleep, nthr);
		return 2;
	}
	pids = calloc(nsleep + 1, sizeof(int));
	buf = calloc(max, sizeof(int));
	if (!pids || !buf)
		die("calloc");

	/* The sleepers: each says it is up through the pipe, then sleeps. */
	if (pipe(ready) < 0)
		die("pipe");
	for (i = 0; i < nsleep; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			prctl(PR_SET_NAME, "kdive-sleeper", 0, 0, 0);
			close(ready[0]);
			if (write(ready[1], "", 1) != 1)
				_exit(1);
			close(ready[1]);
			sleep_forever();
		}
		pids[i] = pid;
	}
	close(ready[1]);
	for (i = 0; i < nsleep; i++)
		if (read(ready[0], &c, 1) != 1)
			die("a sleeper did not start");
	close(ready[0]);

	/* The threads. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&started, NULL, nthr);
	for (i = 1; i < nthr; i++)
		if ((errno = pthread_create(&t, &attr, sleeper, NULL)))
			die("pthread_create");
	pthread_barrier_wait(&started);

	/* Facts, from /proc. */
	snprintf(p, sizeof(p), "/proc/%d/comm", getpid());
	if (read_small(p, comm, sizeof(comm)) <= 0)
		die(p);
	comm[strcspn(comm, "\n")] = 0;
	sb_printf(&b, "KDIVE-FACT {\"role\":\"many\",\"pid\":%d,\"comm\":", getpid());
	sb_str(&b, comm);
	sb_printf(&b, ",\"ppid\":%d,\"sleepers\":%d", getppid(), nsleep);
	qsort(pids, nsleep, sizeof(int), cmp_int);
	sb_printf(&b, ",\"sleeper_pids\":[");
	for (i = 0; i < nsleep; i++) {
		snprintf(p, sizeof(p), "/proc/%d/comm", pids[i]);
		if (read_small(p, comm, sizeof(comm)) <= 0 || strcmp(comm, "kdive-sleeper\n")) {
			errno = ESRCH;
			die("a sleeper is gone");
		}
		sb_printf(&b, "%s%d", i ? "," : "", pids[i]);
	}
	sb_printf(&b, "]");
	snprintf(p, sizeof(p), "/proc/%d/task", getpid());
	i = list_numbers(&b, "tids", p, buf, max);
	sb_printf(&b, ",\"threads\":%d,\"requested_sleepers\":%d,\"requested_threads\":%d", i, nsleep, nthr);
	if (i != nthr) {
		errno = EAGAIN;
		die("thread count");
	}
	fact_end(&b);
	facts_done("many");
	free(buf);
	sleep_forever();
	return 0;
}
