/* kdive-hog [ROLE]: the dump lab's memory hog (panic boots, KIND oom). Prints its own fact
 * (kdive-facts.h) as ROLE when given, with "cpu" the CPU it runs on, then allocates and
 * touches memory 1 MiB at a time until the OOM killer ends it or panic_on_oom panics the
 * kernel in its allocation.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include "kdive-facts.h"

int main(int argc, char **argv)
{
	if (argc == 2) {
		struct sb b = {0};
		fact_begin(&b, argv[1], getpid());
		sb_printf(&b, ",\"cpu\":%d", sched_getcpu());
		fact_end(&b);
	}
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p)
			pause();
		else
			memset(p, 0x6b, 1 << 20);
	}
}
