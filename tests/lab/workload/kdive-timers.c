/* kdive-timers: a process with pending timers, asleep in a timed sleep.
 *   ITIMER_REAL   setitimer, TIMERS_ITIMER_S seconds: the hrtimer of its signal_struct
 *                 (function it_real_fn)
 *   POSIX timer   timer_create(CLOCK_MONOTONIC, SIGUSR2), armed TIMERS_POSIX_S seconds
 *                 ahead: an hrtimer with function posix_timer_fn
 *   nanosleep     clock_nanosleep(CLOCK_MONOTONIC) of TIMERS_SLEEP_S seconds: an hrtimer
 *                 with function hrtimer_wakeup on its stack, where the process sleeps
 * None expires in the guest's lifetime. A forked child waits until the parent sleeps
 * (wchan do_nanosleep or hrtimer_nanosleep), prints the parent's facts and exits
 * (SIGCHLD ignored). The lab's timer_list is the net process's TCP keepalive timer.
 * Facts: KDIVE-FACT {"role":"timers",...,"itimer_real_s":...,"posix_timer":{...},
 *        "nanosleep_s":...,"wchan":...}
 */
#include "kdive-facts.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#define TIMERS_ITIMER_S 100000
#define TIMERS_POSIX_S 200000
#define TIMERS_SLEEP_S 300000

int main(void)
{
	struct itimerval it = {{0, 0}, {TIMERS_ITIMER_S, 0}};
	struct itimerspec ts = {{0, 0}, {TIMERS_POSIX_S, 0}};
	struct timespec sl = {TIMERS_SLEEP_S, 0};
	struct sigevent ev;
	timer_t tid;
	int parent = getpid();
	pid_t child;

	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		die("setitimer");
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	if (timer_create(CLOCK_MONOTONIC, &ev, &tid) < 0)
		die("timer_create");
	if (timer_settime(tid, 0, &ts, NULL) < 0)
		die("timer_settime");
	signal(SIGCHLD, SIG_IGN);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		struct sb b = {0};
		char wchan[128];
		wait_blocked(parent, "do_nanosleep|hrtimer_nanosleep", wchan, sizeof(wchan));
		fact_begin(&b, "timers", parent);
		sb_printf(&b, ",\"itimer_real_s\":%d,\"posix_timer\":{\"id\":%ld,\"clock\":\"CLOCK_MONOTONIC\","
			      "\"signal\":\"SIGUSR2\",\"value_s\":%d},\"nanosleep_s\":%d,\"wchan\":",
			  TIMERS_ITIMER_S, (long)(intptr_t)tid, TIMERS_POSIX_S, TIMERS_SLEEP_S);
		sb_str(&b, wchan);
		fact_end(&b);
		facts_done("timers");
		_exit(0);
	}
	for (;;)
		if (clock_nanosleep(CLOCK_MONOTONIC, 0, &sl, &sl) == 0)
			break;
	die("nanosleep ended");
	return 1;
}
