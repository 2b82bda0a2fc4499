/* foreach: run a task command over a selection of tasks, as crash's foreach does. */
#include <string.h>
#include <unistd.h>

#include <kdive/kdive.h>

/* ps takes all the tasks at once and prints one table. */
static int run_ps(kd_session *s, const struct kd_command *cmd, int nargs, char **args, const struct task_info **list, size_t n)
{
	if (!n)
		return 0;
	char **argv = kd_xcalloc((size_t)nargs + n + 2, sizeof(char *));
	int argc = 0;
	argv[argc++] = (char *)cmd->name;
	for (int i = 0; i < nargs; i++)
		argv[argc++] = args[i];
	char **addrs = kd_xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		addrs[i] = kd_xasprintf("%llx", (unsigned long long)list[i]->task);
		argv[argc++] = addrs[i];
	}
	optind = 0;
	int rc = cmd->run(s, argc, argv);
	for (size_t i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	free(argv);
	return rc;
}

static int run_each(kd_session *s, const struct kd_command *cmd, int nargs, char **args, const struct task_info **list, size_t n)
{
	uint64_t saved = kd_context_task(s);
	int rc = 0;
	bool json = kd_json_active(s);
	if (json && strcmp(cmd->name, "bt") != 0)
		return kd_error(s, KD_EUNSUPP, 0, "%s under foreach has no JSON form yet (bt has): set output text", cmd->name);
	if (json) /* {tasks: [...]}: each bt adds its task */
		kd_json_array_begin(s, "tasks");
	/* files -R and net -R print only the tasks that refer to the reference, each block ending in its own
	   blank line: crash's foreach puts nothing between them */
	bool separate = strcmp(cmd->name, "task") != 0; /* task's own output ends with a blank line */
	for (int i = 0; i < nargs && separate; i++)
		if ((strcmp(cmd->name, "files") == 0 || strcmp(cmd->name, "net") == 0) && strncmp(args[i], "-", 1) == 0 &&
		    strchr(args[i], 'R'))
			separate = false;
	char **argv = kd_xcalloc((size_t)nargs + 2, sizeof(char *));
	argv[0] = (char *)cmd->name;
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	for (size_t i = 0; i < n && !kd_interrupted(s); i++) {
		const struct task_info *t = list[i];
		kd_set_context_task(s, t->task);
		optind = 0;
		kd_clear_error(s);
		if (cmd->run(s, nargs + 1, argv) < 0) {
			if (json) { /* the task's failure, in its place */
				kd_json_object_begin(s, NULL);
				kd_json_int(s, "pid", t->pid);
				kd_json_str(s, "error", kd_last_error(s));
				kd_json_end(s);
			} else
				kd_printf(s, "%s: %s\n", cmd->name, kd_last_error(s));
			rc = -1;
		}
		if (i + 1 < n && separate)
			kd_printf(s, "\n");
	}
	free(argv);
	if (json)
		kd_json_end(s);
	kd_set_context_task(s, saved);
	return rc;
}

static int cmd_foreach(kd_session *s, int argc, char **argv)
{
	struct task_filter sel;
	kd_task_filter_init(&sel);
	int i = 1, rc = 0;
	const struct kd_command *cmd = NULL;
	for (; i < argc && !cmd; i++) {
		const char *w = argv[i];
		const struct kd_command *c = kd_command_find(s, w);
		if (c && (c->flags & KD_CMD_TAKES_TASK)) {
			cmd = c;
			break;
		}
		uint64_t v;
		if (strcmp(w, "kernel") == 0)
			sel.kernel_only = true;
		else if (strcmp(w, "user") == 0)
			sel.user_only = true;
		else if (strcmp(w, "gleader") == 0)
			sel.leaders_only = true;
		else if (strcmp(w, "active") == 0)
			sel.active_only = true;
		else if (kd_task_state_word(w))
			VEC_PUSH(&sel.states, w);
		else if (kd_parse_u64(w, &v) || kd_parse_hex_u64(w, &v)) {
			const struct task_info *t = kd_task_from_arg(s, w);
			if (!t) {
				rc = -1;
				goto out;
			}
			VEC_PUSH(&sel.picked, t);
		} else
			VEC_PUSH(&sel.names, w[0] == '\\' ? w + 1 : w);
	}
	if (!cmd) {
		rc = kd_fail(s, "no command that takes a task (bt, ps, task, sig, files, vm, ...)");
		goto out;
	}
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt) {
		rc = -1;
		goto out;
	}
	VEC(const struct task_info *) list = {0};
	for (size_t k = 0; k < tt->len; k++)
		if (kd_task_filter_match(&sel, &tt->tasks[k]))
			VEC_PUSH(&list, &tt->tasks[k]);
	int nargs = argc - i - 1;
	char **args = argv + i + 1;
	/* net: each task's sockets, -s when neither -s nor -S is given (crash warns and adds it) */
	char **net_args = NULL;
	if (strcmp(cmd->name, "net") == 0) {
		bool s_opt = false, S_opt = false, x_opt = false, d_opt = false;
		for (int k = 0; k < nargs; k++) {
			if (args[k][0] != '-')
				continue;
			s_opt |= strchr(args[k], 's') != NULL;
			S_opt |= strchr(args[k], 'S') != NULL;
			x_opt |= strchr(args[k], 'x') != NULL;
			d_opt |= strchr(args[k], 'd') != NULL;
			if (strchr(args[k], 'R') && !strchr(args[k], 'R')[1])
				k++; /* -R's reference */
		}
		const char *warn = s_opt && S_opt ? "net -s and -S options are mutually exclusive!"
				   : !s_opt && !S_opt ? "net command requires -s or -S option\n" : NULL;
		if (warn) {
			kd_info(s, "WARNING: %s", warn);
			net_args = kd_xcalloc((size_t)nargs + 1, sizeof(char *));
			net_args[0] = "-s";
			int m = 1;
			for (int k = 0; k < nargs; k++)
				if (!(S_opt && strcmp(args[k], "-S") == 0))
					net_args[m++] = args[k];
			nargs = m;
			args = net_args;
		}
		if (x_opt && d_opt) {
			rc = kd_fail(s, "net: -x and -d options are mutually exclusive");
			VEC_FREE(&list);
			free(net_args);
			goto out;
		}
	}
	if (strcmp(cmd->name, "ps") == 0)
		rc = run_ps(s, cmd, nargs, args, list.items, list.len);
	else
		rc = run_each(s, cmd, nargs, args, list.items, list.len);
	VEC_FREE(&list);
	free(net_args);
out:
	kd_task_filter_free(&sel);
	return rc;
}

const struct kd_command kd_cmd_foreach = {
	"foreach", cmd_foreach, "foreach [pid | task | name | state | kernel | user | gleader | active]... command [options]",
	"display command data for multiple tasks",
	"Runs a task command (bt, ps, task, sig, files, vm, ...) for every task, or for the\n"
	"tasks selected by PID, task address, command name, state (RU IN UN ID ZO ...),\n"
	"kernel (kernel threads), user (user tasks), gleader (thread group leaders) or\n"
	"active (running on a CPU). Options after the command are passed to it.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> foreach bt\n"
	"  kdive> foreach UN bt\n"
	"  kdive> foreach sshd files\n",
	KD_CMD_NEEDS_DUMP,
};
