/* set: session settings (scroll, radix); task context arrives with the task layer. */
#include <string.h>

#include "session.h"

static int show(kd_session *s)
{
	kd_printf(s, "        scroll: %s\n", s->scroll ? "on" : "off");
	kd_printf(s, "         radix: %d (%s)\n", s->output_radix, s->output_radix == 16 ? "hex" : "decimal");
	kd_printf(s, "        silent: %s\n", s->silent ? "on" : "off");
	return 0;
}

static int parse_on_off(kd_session *s, const char *name, const char *v, bool *out)
{
	if (strcmp(v, "on") == 0)
		*out = true;
	else if (strcmp(v, "off") == 0)
		*out = false;
	else
		return kd_fail(s, "%s: expected on or off, not \"%s\"", name, v);
	return 0;
}

static int cmd_set(kd_session *s, int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-v") == 0))
		return show(s);
	if (strcmp(argv[1], "scroll") == 0) {
		if (argc < 3)
			return kd_printf(s, "scroll: %s\n", s->scroll ? "on" : "off"), 0;
		return parse_on_off(s, "scroll", argv[2], &s->scroll);
	}
	if (strcmp(argv[1], "silent") == 0) {
		if (argc < 3)
			return kd_printf(s, "silent: %s\n", s->silent ? "on" : "off"), 0;
		return parse_on_off(s, "silent", argv[2], &s->silent);
	}
	if (strcmp(argv[1], "radix") == 0) {
		if (argc < 3)
			return kd_printf(s, "output radix: %d (%s)\n", s->output_radix, s->output_radix == 16 ? "hex" : "decimal"), 0;
		if (strcmp(argv[2], "16") == 0 || strcmp(argv[2], "hex") == 0)
			s->output_radix = 16;
		else if (strcmp(argv[2], "10") == 0 || strcmp(argv[2], "decimal") == 0)
			s->output_radix = 10;
		else
			return kd_fail(s, "radix: expected 10 or 16, not \"%s\"", argv[2]);
		return 0;
	}
	return kd_fail(s, "unknown setting \"%s\"", argv[1]);
}

const struct kd_command kd_cmd_set = {
	"set", cmd_set, "set [scroll on|off] [radix 10|16] [silent on|off]", "show or change session settings",
	"With no argument, shows the settings.\n"
	"  scroll on|off   page long output through less -E -X (or $KDIVE_PAGER) on a terminal\n"
	"  radix 10|16     default output radix of p and struct\n"
	"  silent on|off   no banner\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> set scroll off\n",
	0,
};
