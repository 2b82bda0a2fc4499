/* vtop, ptov, pte, btop, ptob: address translation as crash prints it. */
#include <kdive/kdive.h>

static int cmd_vtop(kd_session *s, int argc, char **argv)
{
	(void)argc, (void)argv;
	return kd_fail(s, "vtop is not supported yet");
}

const struct kd_command kd_cmd_vtop = {
	"vtop", cmd_vtop, "vtop [-c [pid | taskp]] [-u|-k] address ...", "virtual to physical",
	"  Translates each address through the page tables.\n", KD_CMD_NEEDS_DUMP,
};

static int cmd_todo(kd_session *s, int argc, char **argv)
{
	(void)argc;
	return kd_fail(s, "%s is not supported yet", argv[0]);
}

const struct kd_command kd_cmd_ptov = {
	"ptov", cmd_todo, "ptov [address | offset:cpuspec]", "physical to virtual", "  Translates a physical address.\n", KD_CMD_NEEDS_DUMP,
};
const struct kd_command kd_cmd_pte = {
	"pte", cmd_todo, "pte contents ...", "translate a page table entry", "  Decodes page table entries.\n", 0,
};
const struct kd_command kd_cmd_btop = {
	"btop", cmd_todo, "btop address ...", "bytes to page", "  Page number of an address.\n", 0,
};
const struct kd_command kd_cmd_ptob = {
	"ptob", cmd_todo, "ptob page_number ...", "page to bytes", "  Address of a page number.\n", 0,
};
