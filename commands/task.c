/* task: a task's task_struct (all of it, or the members named with -R), as crash prints it. */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include <kdive/kdive.h>

struct task_opts {
	const char *members; /* -R a,b,c */
	const char *radix;   /* "-x", "-d" or NULL */
};

/* The struct command does the printing: task is its view of one task_struct. */
static int show_task(kd_session *s, const struct task_opts *o, const struct task_info *t)
{
	const struct kd_command *st = kd_command_find(s, "struct");
	if (!st)
		return kd_fail(s, "task needs the struct command");
	char type[512], addr[32];
	snprintf(type, sizeof(type), "task_struct%s%s", o->members ? "." : "", o->members ? o->members : "");
	snprintf(addr, sizeof(addr), "%llx", (unsigned long long)t->task);
	char *argv[5] = {"struct", type, addr, NULL, NULL};
	int argc = 3;
	if (o->radix)
		argv[argc++] = (char *)o->radix;
	kd_task_print_header(s, t, 0);
	optind = 0;
	int rc = st->run(s, argc, argv);
	if (rc == 0 && !o->members) {
		/* The whole task also shows its thread_info: inside the task (5.x+) or at the stack base. */
		uint64_t off = kd_member_offset_opt(s, "task_struct", "thread_info");
		uint64_t ti = off != UINT64_MAX ? t->task + off : t->stack;
		char ti_addr[32];
		snprintf(ti_addr, sizeof(ti_addr), "%llx", (unsigned long long)ti);
		char *targv[5] = {"struct", "thread_info", ti_addr, NULL, NULL};
		int targc = 3;
		if (o->radix)
			targv[targc++] = (char *)o->radix;
		optind = 0;
		kd_printf(s, "\n");
		rc = st->run(s, targc, targv);
	}
	kd_printf(s, "\n");
	return rc;
}

static int cmd_task(kd_session *s, int argc, char **argv)
{
	struct task_opts o = {0};
	VEC(char) members = {0};
	int c;
	while ((c = getopt(argc, argv, "R:xd")) != -1) {
		switch (c) {
		case 'R':
			/* -R may be given more than once; the members join into one list */
			if (members.len)
				VEC_PUSH(&members, ',');
			for (const char *p = optarg; *p; p++)
				VEC_PUSH(&members, *p);
			break;
		case 'x': o.radix = "-x"; break;
		case 'd': o.radix = "-d"; break;
		default: VEC_FREE(&members); return kd_usage(s);
		}
	}
	if (members.len) {
		VEC_PUSH(&members, '\0');
		o.members = members.items;
	}
	int rc = 0, first = optind; /* show_task runs struct, whose getopt moves optind */
	if (first >= argc) {
		const struct task_info *t = kd_task_current(s);
		rc = t ? show_task(s, &o, t) : -1;
	}
	for (int i = first; i < argc; i++) {
		const struct task_info *t = kd_task_from_arg(s, argv[i]);
		if (!t || show_task(s, &o, t) < 0)
			rc = -1;
	}
	VEC_FREE(&members);
	return rc;
}

const struct kd_command kd_cmd_task = {
	"task", cmd_task, "task [-R member[,member]] [-x|-d] [pid | taskp] ...", "task_struct contents",
	"Prints the task_struct of the current context, or of each PID or task address\n"
	"given, with crash's task header line.\n"
	"  -R member[,member]  only these members (nested members with dots: se.vruntime)\n"
	"  -x / -d             integers in hexadecimal / decimal\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> task -R pid,comm,tgid 1\n"
	"  kdive> foreach kdive-threads task -R se.vruntime\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
