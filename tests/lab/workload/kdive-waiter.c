/* kdive-waiter: a reader blocked on an empty pipe (a wait queue with a known waiter).
 * The process makes a pipe (read end fd 3, write end fd 4, both kept: the pipe never sees
 * EOF and nobody writes) and blocks in read(3); before that it forks a child that waits
 * until the parent sleeps in pipe_read, prints the parent's facts and exits (SIGCHLD is
 * ignored: no zombie).
 * Facts: KDIVE-FACT {"role":"waiter",...,"pipe":{"read_fd":3,"write_fd":4},"wchan":...}
 */
#include "kdive-facts.h"
#include <signal.h>

int main(void)
{
	int p[2], parent = getpid();
	char c;
	pid_t child;

	if (pipe(p) < 0)
		die("pipe");
	if (p[0] != 3 && p[1] == 3) {
		int t = dup(p[1]);
		close(p[1]);
		p[1] = t;
	}
	place_fd(p[0], 3);
	place_fd(p[1], 4);
	signal(SIGCHLD, SIG_IGN);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		struct sb b = {0};
		char wchan[128];
		close(3);
		close(4);
		wait_blocked(parent, "pipe_read", wchan, sizeof(wchan));
		fact_begin(&b, "waiter", parent);
		sb_printf(&b, ",\"pipe\":{\"read_fd\":3,\"write_fd\":4},\"wchan\":");
		sb_str(&b, wchan);
		fact_end(&b);
		facts_done("waiter");
		_exit(0);
	}
	for (;;)
		if (read(3, &c, 1) >= 0 || errno != EINTR)
			break;
	die("read returned");
	return 1;
}
