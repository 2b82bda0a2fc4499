/* kdive-proc ROLE PID [EXTRA]: print the facts of any process (pid, comm, ppid, threads,
 * tids, fds) as KDIVE-FACT {"role":ROLE,...}; EXTRA is a JSON fragment ("key":value,...)
 * appended as is. The guest's /init uses it for the processes it starts itself (busybox
 * sleep, the shell that panics) and for pid 1.
 */
#include "kdive-facts.h"

int main(int argc, char **argv)
{
	struct sb b = {0};
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: kdive-proc ROLE PID [EXTRA]\n");
		return 2;
	}
	fact_begin(&b, argv[1], atoi(argv[2]));
	if (argc == 4)
		sb_printf(&b, ",%s", argv[3]);
	fact_end(&b);
	return 0;
}
