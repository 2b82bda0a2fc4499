/* kdive-threads [N]: a process of exactly N threads (default 8): the main thread and
 * N-1 others, all asleep forever. Threads keep the process's comm.
 * Facts: KDIVE-FACT {"role":"threads",...,"threads":N,"tids":[...],"requested":N}
 */
#include "kdive-facts.h"
#include <pthread.h>

static pthread_barrier_t started;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&started);
	sleep_forever();
	return NULL;
}

int main(int argc, char **argv)
{
	struct sb b = {0};
	int n = argc > 1 ? atoi(argv[1]) : 8, i;
	pthread_t t;

	if (n < 1 || n > 512) {
		fprintf(stderr, "kdive-threads: bad thread count %d\n", n);
		return 2;
	}
	pthread_barrier_init(&started, NULL, n);
	for (i = 1; i < n; i++)
		if ((errno = pthread_create(&t, NULL, sleeper, NULL)))
			die("pthread_create");
	pthread_barrier_wait(&started);

	fact_begin(&b, "threads", getpid());
	sb_printf(&b, ",\"requested\":%d", n);
	fact_end(&b);
	facts_done("threads");
	sleep_forever();
	return 0;
}
