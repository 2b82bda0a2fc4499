/* log: the kernel message buffer, as crash prints it. */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include <kdive/kdive.h>

struct log_opts {
	bool no_time, wall_time, level, dict;
};

/* Wall-clock time of boot, for -T: the crash time minus the uptime. */
static int64_t boot_time(kd_session *s)
{
	return kd_kernel_crash_time(s) - (int64_t)kd_kernel_uptime(s);
}

static void print_record(kd_session *s, const struct log_opts *o, const struct kd_log_record *r, int64_t boot)
{
	char prefix[96] = "";
	size_t pl = 0;
	if (o->wall_time) {
		time_t t = (time_t)(boot + (int64_t)(r->ts_nsec / 1000000000ULL));
		struct tm tm;
		char buf[64];
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm);
		pl = (size_t)snprintf(prefix, sizeof(prefix), "[%s] ", buf);
	} else if (!o->no_time) {
		pl = (size_t)snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ", (unsigned long long)(r->ts_nsec / 1000000000ULL),
				      (unsigned long long)(r->ts_nsec % 1000000000ULL / 1000));
	}
	if (o->level && pl + 8 < sizeof(prefix))
		pl += (size_t)snprintf(prefix + pl, sizeof(prefix) - pl, "<%x>", r->level);
	pl = MIN(pl, sizeof(prefix) - 1);
	kd_printf(s, "%s", prefix);
	/* Continuation lines of a multi-line message line up under its first line. */
	for (const char *t = r->text;;) {
		const char *nl = strchr(t, '\n');
		if (!nl) {
			kd_printf(s, "%s\n", t);
			break;
		}
		kd_printf(s, "%.*s\n%*s", (int)(nl - t), t, (int)pl, "");
		t = nl + 1;
	}
	if (o->dict) {
		if (r->subsystem[0])
			kd_printf(s, " SUBSYSTEM=%.16s\n", r->subsystem);
		if (r->device[0])
			kd_printf(s, " DEVICE=%.48s\n", r->device);
	}
}

static int cmd_log(kd_session *s, int argc, char **argv)
{
	struct log_opts o = {0};
	int c;
	while ((c = getopt(argc, argv, "tTmda")) != -1) {
		switch (c) {
		case 't': o.no_time = true; break;
		case 'T': o.wall_time = true; break;
		case 'm': o.level = true; break;
		case 'd': o.dict = true; break;
		case 'a': return kd_fail(s, "-a (audit log) is not supported yet");
		default: return kd_usage(s);
		}
	}
	struct kd_log_records r;
	if (kd_log_read(s, &r) < 0)
		return -1;
	int64_t boot = o.wall_time ? boot_time(s) : 0;
	for (size_t i = 0; i < r.len; i++)
		print_record(s, &o, &r.items[i], boot);
	kd_log_records_free(&r);
	return 0;
}

const struct kd_command kd_cmd_log = {
	"log", cmd_log, "log [-tTdm]", "dump the kernel message buffer",
	"Prints the kernel log in order, each message with its timestamp.\n"
	"  -T  human-readable wall-clock timestamps (boot time + local_clock: may drift)\n"
	"  -t  no timestamps\n"
	"  -d  also the SUBSYSTEM= and DEVICE= properties of dev_printk() messages\n"
	"  -m  the log level (and facility) in hexadecimal, in angle brackets\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> log | tail\n"
	"  kdive> log -T > dmesg.txt\n",
	KD_CMD_NEEDS_DUMP,
};
