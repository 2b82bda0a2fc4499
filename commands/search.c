/* search: memory for values, strings or expressions. */
#include <kdive/kdive.h>

static int cmd_search(kd_session *s, int argc, char **argv)
{
	(void)argc, (void)argv;
	return kd_fail(s, "search is not supported yet");
}

const struct kd_command kd_cmd_search = {
	"search", cmd_search, "search [-s start] [-[kKV] | -u | -p | -t | -T] [-e end | -l length] [-m mask] [-x count] -[cwh] [value | (expression) | symbol | string] ...",
	"search memory", "  Searches memory for values.\n", KD_CMD_NEEDS_DUMP,
};
