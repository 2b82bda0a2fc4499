/* wr: write memory. kdive reads dumps and never writes to one: refused as crash refuses it. */
#include <kdive/kdive.h>

static int cmd_wr(kd_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* crash checks for a dump before it looks at its options: any wr on a dump gets this */
	return kd_fail(s, "not allowed on dumpfiles");
}

const struct kd_command kd_cmd_wr = {
	"wr", cmd_wr, "wr [-u|-k|-p] [-8|-16|-32|-64] [address|symbol] value", "write memory",
	"On a live system crash writes a value to memory with this command. kdive opens\n"
	"only dump files, which are evidence: it never writes to one, and wr is refused\n"
	"whatever its arguments, with crash's message.\n"
	"\n"
	"  -u|-k|-p          the address is user virtual, kernel virtual, physical.\n"
	"  -8|-16|-32|-64    the size of the value (default 64 bits).\n"
	"  address|symbol    where to write; value: what.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> wr my_debug_flag 1\n"
	"  wr: not allowed on dumpfiles\n",
	0,
};
