/* help: the command list, or one command's page. */
#include <string.h>

#include <kdive/kdive.h>

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list_commands(kd_session *s)
{
	VEC(const char *) names = {0};
	const struct kd_command *c;
	for (size_t i = 0; (c = kd_command_at(s, i)); i++)
		if (!(c->flags & KD_CMD_HIDDEN))
			VEC_PUSH(&names, c->name);
	kd_qsort(names.items, names.len, sizeof(*names.items), cmp_names);
	/* Column-major, five columns, as crash lays it out. */
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
	kd_printf(s, "\nkdive version: %s\nFor help on any command above, enter \"help <command>\".\n\n", PACKAGE_VERSION);
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

static int cmd_help(kd_session *s, int argc, char **argv)
{
	if (argc < 2) {
		list_commands(s);
		return 0;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const struct kd_command *c = kd_command_find(s, argv[i]);
		if (!c) {
			rc = kd_fail(s, "no help for \"%s\": not a command", argv[i]);
			continue;
		}
		print_page(s, c);
	}
	return rc;
}

const struct kd_command kd_cmd_help = {
	"help", cmd_help, "help [command]...", "list commands, or show a command's page",
	"With no argument, lists every command. With command names, prints each one's\n"
	"synopsis, description and examples.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> help sym\n",
	0,
};
