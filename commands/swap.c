/* swap: the swap devices, as crash prints them. */
#include <kdive/kdive.h>

static int cmd_swap(kd_session *s, int argc, char **argv)
{
	(void)argc, (void)argv;
	return kd_fail(s, "swap is not supported yet");
}

const struct kd_command kd_cmd_swap = {
	"swap", cmd_swap, "swap", "swap device information", "  Lists the swap devices.\n", KD_CMD_NEEDS_DUMP,
};
