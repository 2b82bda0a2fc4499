/* help: the command list, a command's page, and the pages about input and output. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

/* crash's order: by name, except that q comes last. */
static int cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	if (strcmp(x, "q") == 0 || strcmp(y, "q") == 0)
		return (strcmp(x, "q") == 0) - (strcmp(y, "q") == 0);
	return strcmp(x, y);
}

static int cmp_commands(const void *a, const void *b)
{
	return cmp_names(&(*(const struct kd_command *const *)a)->name, &(*(const struct kd_command *const *)b)->name);
}

static void list_commands(kd_session *s)
{
	VEC(const char *) names = {0};
	const struct kd_command *c;
	for (size_t i = 0; (c = kd_command_at(s, i)); i++)
		if (!(c->flags & KD_CMD_HIDDEN))
			VEC_PUSH(&names, c->name);
	kd_qsort(names.items, names.len, sizeof(*names.items), cmp_names);
	/* Column-major, five columns of 15, as crash lays it out (every name padded, the last too). */
	size_t cols = 5, rows = (names.len + cols - 1) / cols;
	kd_printf(s, "\n");
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i < names.len)
				kd_printf(s, "%-15s", names.items[i]);
		}
		kd_printf(s, "\n");
	}
	kd_printf(s, "\nkdive version: %s\n", PACKAGE_VERSION);
	kd_printf(s, "For help on any command above, enter \"help <command>\".\n"
		     "For help on input options, enter \"help input\".\n"
		     "For help on output options, enter \"help output\".\n\n");
	VEC_FREE(&names);
}

static void print_page(kd_session *s, const struct kd_command *c)
{
	kd_printf(s, "\nNAME\n  %s - %s\n\nSYNOPSIS\n  %s\n\nDESCRIPTION\n", c->name, c->summary ? c->summary : "",
		  c->synopsis ? c->synopsis : c->name);
	const char *h = c->help ? c->help : "";
	/* Indent each line of the help text by two spaces. */
	while (*h) {
		const char *eol = strchr(h, '\n');
		int n = eol ? (int)(eol - h) : (int)strlen(h);
		kd_printf(s, n ? "  %.*s\n" : "\n", n, h);
		h += n + (eol ? 1 : 0);
	}
	kd_printf(s, "\n");
}

static const char input_page[] =
	"Typed at the prompt, command lines are read with GNU readline: the usual\n"
	"line editing keys work (emacs bindings by default; \"set editing-mode vi\" in\n"
	"~/.inputrc for vi), and the up and down arrows walk back and forth through the\n"
	"commands entered before, in this session and earlier ones (the last 1000 are\n"
	"kept in ~/.kdive_history, or in $KDIVE_HISTFILE). Ctrl-R searches them.\n"
	"\n"
	"Tab completes a command name in the first word of a line, and a kernel symbol\n"
	"in any other.\n"
	"\n"
	"The first word of a line may be an alias (see \"help alias\"): it is replaced by\n"
	"the command line it stands for, and the rest of the line follows.\n"
	"\n"
	"Commands can also come from a file, one per line:\n"
	"\n"
	"  1. kdive -i FILE vmlinux vmcore runs the file's lines as if typed, then\n"
	"     reads further commands from the terminal, unless the file ends with q.\n"
	"  2. When standard input is not a terminal (a pipe, a here-document), kdive\n"
	"     reads its commands from there and exits at its end.\n"
	"\n"
	"In both, the exit status is 1 when any command failed, and -s leaves out the\n"
	"banner. A line starting with # is a comment; an empty line does nothing.\n"
	"\n"
	"To run a shell command from kdive, begin the line with \"!\": \"!ls -l\".\n";

static const char output_page[] =
	"\n"
	"On a terminal, long command output is shown through \"less -E -X\" (or the\n"
	"program named by $KDIVE_PAGER). This can be turned off:\n"
	"\n"
	"  1. during the session, with \"set scroll off\" or the alias \"sf\";\n"
	"  2. by running kdive with its output going to a file or a pipe.\n"
	"\n"
	"\"set scroll on\" or the alias \"sn\" turns it back on.\n"
	"\n"
	"A command's output can be piped into a shell command:\n"
	"\n"
	"  kdive> log | grep eth0\n"
	"\n"
	"or written to a file, replacing it:\n"
	"\n"
	"  kdive> foreach bt > bt.all\n"
	"\n"
	"or added at the end of a file with \">>\":\n"
	"\n"
	"  kdive> ps >> kdive.data\n"
	"\n"
	"A \"|\" or \">\" inside parentheses or quotes, or the \"->\" of an expression, is part\n"
	"of the command, not a pipe or a redirection. Error messages go to the terminal\n"
	"(standard error) and also where the output goes.\n"
	"\n"
	"The output radix of p and of gdb's print is decimal; \"set radix 16\" or the\n"
	"alias \"hex\" makes it hexadecimal, and \"set radix 10\" or \"dec\" decimal again.\n"
	"\n"
	"A line beginning with \"!\" runs the rest as a shell command.\n"
	"\n";

static int page(kd_session *s, const char *name)
{
	if (strcmp(name, "input") == 0) {
		kd_printf(s, "%s", input_page);
		return 0;
	}
	if (strcmp(name, "output") == 0) {
		kd_printf(s, "%s", output_page);
		return 0;
	}
	if (strcmp(name, "all") == 0) {
		kd_printf(s, "%s%s", input_page, output_page);
		VEC(const struct kd_command *) cmds = {0};
		const struct kd_command *c;
		for (size_t i = 0; (c = kd_command_at(s, i)); i++)
			if (!(c->flags & KD_CMD_HIDDEN))
				VEC_PUSH(&cmds, c);
		kd_qsort(cmds.items, cmds.len, sizeof(*cmds.items), cmp_commands);
		for (size_t i = 0; i < cmds.len; i++)
			print_page(s, cmds.items[i]);
		VEC_FREE(&cmds);
		return 0;
	}
	/* A command, or an alias of one: the page of the command the alias begins with. */
	char word[128];
	snprintf(word, sizeof(word), "%s", name);
	const struct kd_command *c = kd_command_find(s, word);
	for (int depth = 0; !c && depth < 8; depth++) {
		const char *exp = kd_alias_find(s, word);
		if (!exp)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(exp, " "), exp);
		c = kd_command_find(s, word);
	}
	if (!c) {
		kd_printf(s, "No help data for \"%s\" is available.\n", name);
		return 0;
	}
	if (!c->help || !*c->help) {
		kd_printf(s, "No help data for the \"%s\" command is available.\n", c->name);
		return 0;
	}
	print_page(s, c);
	return 0;
}

static int cmd_help(kd_session *s, int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "")) != -1)
		return kd_usage(s);
	if (optind >= argc) {
		list_commands(s);
		return 0;
	}
	for (int i = optind; i < argc; i++)
		page(s, argv[i]);
	return 0;
}

const struct kd_command kd_cmd_help = {
	"help", cmd_help, "help [command | alias | input | output | all] ...", "get help",
	"With no argument, lists every command, built-in or added by an extension\n"
	"module, in crash's layout. With names, prints each one's page: what it does,\n"
	"its options and examples. An alias shows the page of the command it stands for.\n"
	"\n"
	"  input    how command lines are read: editing, history, completion, aliases,\n"
	"           command files.\n"
	"  output   where output goes: the pager, pipes, redirection, the radix.\n"
	"  all      the input and output pages, then every command's page.\n"
	"\n"
	"crash's debugging options of help (-a, -k, -m, -t...) dump crash's own internal\n"
	"tables, which kdive does not have: they are refused with the usage line.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> help sym\n"
	"  kdive> help px\n"
	"  kdive> help output\n",
	0,
};
