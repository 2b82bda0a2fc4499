/* alias: list the command aliases, show one, define or delete one. */
#include <string.h>

#include <kdive/kdive.h>

/* One line of crash's table: ORIGIN, ALIAS and the words, each followed by a space. */
static void alias_line(kd_session *s, const struct kd_alias *a)
{
	kd_printf(s, "%-7s  %-7s  ", a->origin == KD_ALIAS_BUILTIN ? "builtin" : "runtime", a->name);
	const char *w = a->expansion;
	while (*w) {
		size_t n = strcspn(w, " ");
		kd_printf(s, "%.*s ", (int)n, w);
		w += n + (w[n] == ' ');
	}
	kd_printf(s, "\n");
}

static void list(kd_session *s, const char *only)
{
	struct kd_alias a;
	bool found = false;
	kd_printf(s, "ORIGIN   ALIAS    COMMAND\n");
	for (size_t i = 0; kd_alias_at(s, i, &a); i++) {
		if (only && strcmp(only, a.name) != 0)
			continue;
		found = true;
		alias_line(s, &a);
	}
	if (only && !found)
		kd_printf(s, "alias does not exist: %s\n", only);
}

static int cmd_alias(kd_session *s, int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return kd_usage(s);
	if (argc < 3) {
		list(s, argc == 2 ? argv[1] : NULL);
		return 0;
	}
	struct kd_sbuf b = {0};
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			kd_sbuf_putc(&b, ' ');
		kd_sbuf_puts(&b, argv[i]);
	}
	int rc = kd_alias_define(s, argv[1], kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	if (rc == 1)
		kd_printf(s, "alias deleted: %s\n", argv[1]);
	else if (rc == 0 && kd_alias_find(s, argv[1]))
		list(s, argv[1]);
	return rc < 0 ? -1 : 0;
}

const struct kd_command kd_cmd_alias = {
	"alias", cmd_alias, "alias [alias] [command string]", "command aliases",
	"With no argument, lists every alias: where it comes from (\"builtin\" for\n"
	"crash's own, \"runtime\" for those defined in the session), its name and the\n"
	"command line it stands for. With one argument, shows that alias.\n"
	"\n"
	"  alias            the word to type in place of the command string.\n"
	"  command string   the words the alias stands for; its first word must be a\n"
	"                   command. An empty string (\"\") deletes the alias.\n"
	"\n"
	"An alias is replaced when it is the first word of a command line, before the\n"
	"line is looked at for a pipe or a redirection: quote a command string that\n"
	"holds | or > (alias kl \"log | tail -5\"). The rest of the typed line follows\n"
	"the expansion. A command's own name cannot be an alias. Aliases also work in\n"
	"-i command files and under repeat; help ALIAS shows the aliased command's page.\n"
	"An alias defined in an -i command file is a runtime one, as in crash; kdive reads\n"
	"no .crashrc, so there are no \"$HOME/.crashrc\" or \".crashrc\" origins.\n"
	"The built-in aliases are crash's: man and ? (help), quit (q), sf and sn (set\n"
	"scroll off/on), hex and dec (set radix 16/10), g (gdb), px and pd (p -x, p -d),\n"
	"for (foreach), size (*), dmesg (log), lsmod (mod) and last (ps -l).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> alias\n"
	"  ORIGIN   ALIAS    COMMAND\n"
	"  builtin  man      help \n"
	"  builtin  ?        help \n"
	"  ...\n"
	"  builtin  last     ps -l \n"
	"\n"
	"  kdive> alias kl \"log | tail -3\"\n"
	"  ORIGIN   ALIAS    COMMAND\n"
	"  runtime  kl       log | tail -3 \n"
	"  kdive> alias kl \"\"\n"
	"  alias deleted: kl\n",
	0,
};
