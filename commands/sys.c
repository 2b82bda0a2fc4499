/* sys: the system summary crash prints at start-up. */
#include <string.h>
#include <time.h>

#include "kernel.h"
#include "printk.h"
#include "types.h"

static void uts_field(kd_session *s, const char *member, char *buf, size_t size)
{
	uint64_t base, off;
	buf[0] = '\0';
	if (sym_addr(s, "init_uts_ns", &base) == 0 && member_off(s, "uts_namespace", member, &off) == 0)
		kd_read_string(s, base + off, buf, size);
	kd_err_clear(&s->err);
}

static int64_t crash_time(kd_session *s)
{
	uint64_t v, addr;
	if (dump_vmcoreinfo_u64(s->dump, "CRASHTIME", 10, &v))
		return (int64_t)v;
	if (s->dump->hdr_timestamp)
		return s->dump->hdr_timestamp;
	if (sym_addr(s, "tk_core", &addr) == 0) {
		uint64_t off = member_off_opt(s, "tk_core", "timekeeper.xtime_sec");
		if (off != UINT64_MAX && read_int(s, addr + off, 8, &v) == 0)
			return (int64_t)v;
	}
	kd_err_clear(&s->err);
	return 0;
}

static void print_uptime(kd_session *s)
{
	uint64_t addr, j = 0, hz = 250;
	if (sym_addr(s, "jiffies_64", &addr) == 0)
		read_int(s, addr, 8, &j);
	kd_err_clear(&s->err);
	/* jiffies start 5 minutes before wrap so that wrap bugs show early. */
	uint64_t initial = (uint64_t)(uint32_t)(-300 * (int)hz);
	uint64_t secs = (j - initial) / hz;
	uint64_t days = secs / 86400;
	secs %= 86400;
	kd_printf(s, "      UPTIME: ");
	if (days)
		kd_printf(s, "%llu days, ", (unsigned long long)days);
	kd_printf(s, "%02llu:%02llu:%02llu\n", (unsigned long long)(secs / 3600), (unsigned long long)(secs % 3600 / 60),
		  (unsigned long long)(secs % 60));
}

static void print_load(kd_session *s)
{
	uint64_t addr, avg[3] = {0};
	if (sym_addr(s, "avenrun", &addr) == 0)
		mem_read_kv(s, addr, avg, sizeof(avg));
	kd_err_clear(&s->err);
	kd_printf(s, "LOAD AVERAGE: ");
	for (int i = 0; i < 3; i++) {
		uint64_t a = avg[i] + (1ULL << 11) / 200; /* FSHIFT 11, rounded like /proc/loadavg */
		kd_printf(s, "%llu.%02llu%s", (unsigned long long)(a >> 11), (unsigned long long)(((a & 2047) * 100) >> 11),
			  i < 2 ? ", " : "\n");
	}
}

static void print_memory(kd_session *s)
{
	uint64_t addr, pages = 0;
	if (sym_addr(s, "_totalram_pages", &addr) == 0)
		read_int(s, addr, 8, &pages);
	kd_err_clear(&s->err);
	double mb = (double)pages * 4096 / (1 << 20);
	if (mb >= 1024)
		kd_printf(s, "      MEMORY: %.1f GB\n", mb / 1024);
	else
		kd_printf(s, "      MEMORY: %.1f MB\n", mb);
}

static void print_panic(kd_session *s)
{
	struct log_records r;
	const char *msg = NULL;
	if (log_read(s, &r) == 0) {
		for (size_t i = 0; i < r.len && !msg; i++)
			if (strstr(r.items[i].text, "Kernel panic - not syncing") || strstr(r.items[i].text, "sysrq: Trigger a crash"))
				msg = r.items[i].text;
	}
	kd_err_clear(&s->err);
	kd_printf(s, "       PANIC: \"%s\"\n", msg ? msg : "");
	if (msg)
		log_records_free(&r);
	else if (r.items)
		log_records_free(&r);
}

static int cmd_sys(kd_session *s, int argc, char **argv)
{
	if (argc > 1)
		return kd_fail(s, "sys %s: not supported yet", argv[1]);
	char buf[128];
	kd_printf(s, "      KERNEL: %s\n", s->vmlinux_path);
	kd_printf(s, "    DUMPFILE: %s\n", s->dump->path);
	kd_printf(s, "        CPUS: %d\n", s->ki.nr_cpus);
	time_t t = (time_t)crash_time(s);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm);
	kd_printf(s, "        DATE: %s\n", buf);
	print_uptime(s);
	print_load(s);
	struct task_list tl;
	if (tasks_collect(s, &tl) == 0) {
		kd_printf(s, "       TASKS: %zu\n", tl.len);
		task_list_free(&tl);
	}
	kd_err_clear(&s->err);
	uts_field(s, "name.nodename", buf, sizeof(buf));
	kd_printf(s, "    NODENAME: %s\n", buf);
	kd_printf(s, "     RELEASE: %s\n", s->ki.release);
	uts_field(s, "name.version", buf, sizeof(buf));
	kd_printf(s, "     VERSION: %s\n", buf);
	uts_field(s, "name.machine", buf, sizeof(buf));
	uint64_t addr, khz = 0;
	if (sym_addr(s, "cpu_khz", &addr) == 0)
		read_int(s, addr, 4, &khz);
	kd_err_clear(&s->err);
	kd_printf(s, "     MACHINE: %s  (%llu Mhz)\n", buf, (unsigned long long)(khz / 1000));
	print_memory(s);
	print_panic(s);
	return 0;
}

const struct kd_command kd_cmd_sys = {
	"sys", cmd_sys, "sys", "system data",
	"Prints the kernel and dump files, CPU count, date of the crash, uptime,\n"
	"load average, task count, utsname fields, memory size and the panic message.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sys\n",
	KD_CMD_NEEDS_DUMP,
};
