/* set: session settings (scroll, radix); task context arrives with the task layer. */
#include <string.h>

#include <getopt.h>

#include <kdive/kdive.h>

static int set_context(kd_session *s, const struct task_info *t)
{
	if (!t)
		return -1;
	kd_set_context_task(s, t->task);
	return kd_task_print_context(s, t);
}

static const char *option_on_off(kd_session *s, const char *name)
{
	long v = 0;
	kd_option_get(s, name, &v);
	return v ? "on" : "off";
}

static int show(kd_session *s)
{
	kd_printf(s, "        scroll: %s\n", option_on_off(s, "scroll"));
	kd_printf(s, "         radix: %d (%s)\n", kd_output_radix(s), kd_output_radix(s) == 16 ? "hex" : "decimal");
	kd_printf(s, "        silent: %s\n", option_on_off(s, "silent"));
	kd_printf(s, "          echo: %s\n", option_on_off(s, "echo"));
	return 0;
}

static int parse_on_off(kd_session *s, const char *name, const char *v)
{
	if (strcmp(v, "on") == 0)
		return kd_option_set(s, name, 1);
	if (strcmp(v, "off") == 0)
		return kd_option_set(s, name, 0);
	return kd_fail(s, "%s: expected on or off, not \"%s\"", name, v);
}

static int cmd_set(kd_session *s, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-v") == 0)
		return show(s);
	if (argc == 1) {
		const struct task_info *t = kd_task_current(s);
		return t ? kd_task_print_context(s, t) : -1;
	}
	if (strcmp(argv[1], "-p") == 0) {
		if (kd_target(s)->live)
			return kd_fail(s, "-p option not supported on a live system");
		return set_context(s, kd_task_panic(s));
	}
	if (strcmp(argv[1], "-c") == 0) {
		uint64_t cpu;
		const struct kd_task_table *tt = kd_tasks_get(s);
		if (argc < 3 || !kd_parse_u64(argv[2], &cpu))
			return kd_usage(s);
		if (!tt)
			return -1;
		if (cpu >= (uint64_t)tt->nr_cpus || !tt->cpu_curr[cpu])
			return kd_fail(s, "invalid cpu %s", argv[2]);
		return set_context(s, kd_task_find(s, tt->cpu_curr[cpu]));
	}
	if (argv[1][0] >= '0' && argv[1][0] <= '9')
		return set_context(s, kd_task_from_arg(s, argv[1]));
	if (strcmp(argv[1], "scroll") == 0) {
		if (argc < 3)
			return kd_printf(s, "scroll: %s\n", option_on_off(s, "scroll")), 0;
		return parse_on_off(s, "scroll", argv[2]);
	}
	if (strcmp(argv[1], "output") == 0) {
		long v = 0;
		kd_option_get(s, "json", &v);
		if (argc < 3)
			return kd_printf(s, "output: %s\n", v ? "json" : "text"), 0;
		if (strcmp(argv[2], "json") != 0 && strcmp(argv[2], "text") != 0)
			return kd_fail(s, "output: expected json or text, not \"%s\"", argv[2]);
		return kd_option_set(s, "json", strcmp(argv[2], "json") == 0);
	}
	if (strcmp(argv[1], "echo") == 0) {
		if (argc < 3)
			return kd_printf(s, "echo: %s\n", option_on_off(s, "echo")), 0;
		return parse_on_off(s, "echo", argv[2]);
	}
	if (strcmp(argv[1], "silent") == 0) {
		if (argc < 3)
			return kd_printf(s, "silent: %s\n", option_on_off(s, "silent")), 0;
		return parse_on_off(s, "silent", argv[2]);
	}
	if (strcmp(argv[1], "radix") == 0) {
		if (argc < 3)
			return kd_printf(s, "output radix: %d (%s)\n", kd_output_radix(s), kd_output_radix(s) == 16 ? "hex" : "decimal"), 0;
		if (strcmp(argv[2], "16") == 0 || strcmp(argv[2], "hex") == 0)
			kd_option_set(s, "radix", 16);
		else if (strcmp(argv[2], "10") == 0 || strcmp(argv[2], "decimal") == 0)
			kd_option_set(s, "radix", 10);
		else
			return kd_fail(s, "radix: expected 10 or 16, not \"%s\"", argv[2]);
		return 0;
	}
	return kd_fail(s, "unknown setting \"%s\"", argv[1]);
}

const struct kd_command kd_cmd_set = {
	"set", cmd_set, "set [pid | task | -c cpu | -p] | [-v] | [scroll on|off] [radix 10|16] [silent on|off] [echo on|off] [output text|json]",
	"set the task context, or session settings",
	"With no argument, shows the current context: the task that commands such as\n"
	"bt, task, sig and vm use when given no task. It starts as the panic task.\n"
	"  pid | task      make that task the context\n"
	"  -c cpu          the task that was running on that CPU\n"
	"  -p              back to the panic task\n"
	"  -v              show the session settings\n"
	"  scroll on|off   page long output through less -E -X (or $KDIVE_PAGER) on a terminal\n"
	"  radix 10|16     default output radix of p and struct\n"
	"  silent on|off   no banner\n"
	"  echo on|off     in a batch run (-i FILE, commands piped in), print each command line\n"
	"                  after the prompt before its output, so that a report of many commands\n"
	"                  reads as a session does (kdive --echo sets it from the start)\n"
	"  output text|json  json: each command prints one JSON document (kdive --json sets it\n"
	"                  from the start; doc/json-schema/ describes them)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> set 1\n"
	"  kdive> set -c 0\n"
	"  kdive> set scroll off\n"
	"  $ printf 'set echo on\\nsys\\nps\\n' | kdive vmlinux vmcore > report.txt\n",
	0,
};
