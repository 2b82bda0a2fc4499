/* swap: the swap areas in use, as crash prints them. */
#include <getopt.h>

#include <kdive/kdive.h>

static int cmd_swap(kd_session *s, int argc, char **argv)
{
	optind = 0;
	if (getopt(argc, argv, "") != -1)
		return kd_usage(s);
	struct kd_swap_device *d;
	size_t n;
	int rc = kd_swap_devices(s, &d, &n);
	if (rc < 0 && kd_last_code(s) == KD_ENOTFOUND && !d)
		return rc;
	kd_printf(s, "SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n");
	uint64_t kb = kd_target(s)->page_size / 1024;
	for (size_t i = 0; i < n; i++) {
		char addr[24], sz[24], us[24], pct[24], c1[32], c2[32], c3[32], c4[32];
		uint64_t size = d[i].pages * kb, used = d[i].inuse_pages * kb;
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)d[i].addr);
		snprintf(sz, sizeof(sz), "%lluk", (unsigned long long)size);
		snprintf(us, sizeof(us), "%lluk", (unsigned long long)used);
		snprintf(pct, sizeof(pct), "%2llu%%", (unsigned long long)(size ? used * 100 / size : 0));
		kd_printf(s, "%s  %s %s %s %s %4d  %s\n", kd_format_centred(c1, sizeof(c1), addr, 16, false),
			  d[i].partition ? "PARTITION" : "  FILE   ", kd_format_centred(c2, sizeof(c2), sz, 10, true),
			  kd_format_centred(c3, sizeof(c3), us, 10, true), kd_format_centred(c4, sizeof(c4), pct, 4, true),
			  d[i].prio, d[i].path);
	}
	free(d);
	return rc;
}

const struct kd_command kd_cmd_swap = {
	"swap", cmd_swap, "swap  ", "swap device information",
	"Lists each swap area in use: its swap_info_struct, whether it is a partition or a\n"
	"file, its size, how much of it holds swapped-out pages, the priority and the path.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> swap\n"
	"  SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n"
	"  ffff8b99c1a2c000  PARTITION  1048572k     384k      0%   -2  /dev/vda2\n",
	KD_CMD_NEEDS_DUMP,
};
