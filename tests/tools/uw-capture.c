/*
 * uw-capture VMLINUX DUMP TASK OUT: record how kdive unwinds one task of a real dump as a
 * fixture the unit tests replay without the dump (tests/unit/stacks/, one .uw file per state).
 *
 * TASK is what bt takes: a PID or a task address. OUT gets a header naming the dump and the
 * task, then every walk of the unwind: how it starts (state, first frames), every answer
 * the memory gave (stack words, stacks, ORC entries, calls), and the frames it produced.
 * The replay (tests/unit/test_uw_fixtures.c) asks the walker the same questions from the
 * fixture and must get the same frames: a change of the walker that changes a real trace
 * fails there, on the stack that showed the state.
 */
#include <stdio.h>
#include <string.h>

#include "target/session.h"
#include "linux/tasks.h"
#include "linux/unwind.h"

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: uw-capture VMLINUX DUMP TASK OUT\n");
		return 2;
	}
	kd_session *s = session_new();
	if (session_open(s, argv[1], argv[2]) < 0) {
		fprintf(stderr, "uw-capture: %s\n", kd_last_error(s));
		return 1;
	}
	const struct task_info *t = kd_task_from_arg(s, argv[3]);
	if (!t) {
		fprintf(stderr, "uw-capture: no task %s\n", argv[3]);
		return 1;
	}
	FILE *out = fopen(argv[4], "wx");
	if (!out) {
		perror(argv[4]);
		return 1;
	}
	const char *base = strrchr(argv[2], '/');
	fprintf(out, "# uw-capture of pid %d (%s, cpu %d%s) in %s, kernel %s\n", t->pid, t->comm, t->cpu,
		t->active ? ", active" : "", base ? base + 1 : argv[2], s->ki.release);
	unwind_record(s, out);
	struct uw_trace tr;
	kd_unwind_task(s, t, NULL, &tr);
	unwind_record(s, NULL);
	fprintf(out, "trace %d %zu %d\n", tr.begin, tr.len, tr.user_mode);
	kd_unwind_trace_free(&tr);
	fclose(out);
	session_free(s);
	return 0;
}
