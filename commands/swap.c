/* swap: the swap areas in use, as crash prints them. */
#include <getopt.h>

#include <kdive/kdive.h>

static void centred(kd_session *s, const char *text, int width, bool right)
{
	int len = (int)strlen(text), left = (width - len) / 2;
	if (left < 0)
		left = 0;
	int rest = width - len - left > 0 ? width - len - left : 0;
	if (right && rest > left) /* an odd spare column goes left when the text leans right */
		left++, rest--;
	kd_printf(s, "%*s%s%*s", left, "", text, rest, "");
}

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
		char buf[32];
		uint64_t size = d[i].pages * kb, used = d[i].inuse_pages * kb;
		snprintf(buf, sizeof(buf), "%llx", (unsigned long long)d[i].addr);
		centred(s, buf, 16, false);
		kd_printf(s, "  %s ", d[i].partition ? "PARTITION" : "  FILE   ");
		snprintf(buf, sizeof(buf), "%lluk", (unsigned long long)size);
		centred(s, buf, 10, true);
		kd_printf(s, " ");
		snprintf(buf, sizeof(buf), "%lluk", (unsigned long long)used);
		centred(s, buf, 10, true);
		kd_printf(s, " ");
		snprintf(buf, sizeof(buf), "%2llu%%", (unsigned long long)(size ? used * 100 / size : 0));
		centred(s, buf, 4, true);
		kd_printf(s, " %4d  %s\n", d[i].prio, d[i].path);
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
