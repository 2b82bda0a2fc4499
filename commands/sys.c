/* sys: the system summary crash prints at start-up. */
#include <string.h>
#include <time.h>

#include <kdive/kdive.h>

static void uts_field(kd_session *s, const char *member, char *buf, size_t size)
{
	uint64_t base, off;
	buf[0] = '\0';
	if (kd_symbol_addr(s, "init_uts_ns", &base) == 0 && kd_member_offset(s, "uts_namespace", member, &off) == 0)
		kd_read_string(s, base + off, buf, size);
	kd_clear_error(s);
}


static void print_uptime(kd_session *s)
{
	uint64_t secs = kd_kernel_uptime(s);
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
	if (kd_symbol_addr(s, "avenrun", &addr) == 0)
		kd_read_kv(s, addr, avg, sizeof(avg));
	kd_clear_error(s);
	kd_printf(s, "LOAD AVERAGE: ");
	for (int i = 0; i < 3; i++) {
		uint64_t a = avg[i] + (1ULL << 11) / 200; /* FSHIFT 11, rounded like /proc/loadavg */
		kd_printf(s, "%llu.%02llu%s", (unsigned long long)(a >> 11), (unsigned long long)(((a & 2047) * 100) >> 11),
			  i < 2 ? ", " : "\n");
	}
}

static void print_memory(kd_session *s)
{
	char buf[32];
	kd_format_size(kd_total_pages(s) * kd_target(s)->page_size, buf, sizeof(buf));
	kd_printf(s, "      MEMORY: %s\n", buf);
}

static int offline_cpus(kd_session *s)
{
	uint64_t addr;
	int offline = 0;
	if (kd_symbol_addr(s, "__cpu_online_mask", &addr) < 0) {
		kd_clear_error(s);
		return 0;
	}
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		uint64_t word;
		if (kd_read_kv(s, addr + (uint64_t)(cpu / 64) * 8, &word, 8) < 0)
			break;
		if (!((word >> (cpu % 64)) & 1))
			offline++;
	}
	kd_clear_error(s);
	return offline;
}

static void print_panic(kd_session *s)
{
	/* The most telling message first, as crash chooses it. */
	static const char *const marks[] = {"Kernel panic - not syncing", "sysrq: Trigger a crash", "SysRq : Trigger a crash",
					    "Oops", "kernel BUG at", "BUG: "};
	struct kd_log_records r;
	const char *msg = NULL;
	if (kd_log_read(s, &r) == 0) {
		for (size_t m = 0; m < ARRAY_SIZE(marks) && !msg; m++)
			for (size_t i = 0; i < r.len && !msg; i++)
				if (strstr(r.items[i].text, marks[m]))
					msg = r.items[i].text;
	}
	kd_clear_error(s);
	char line[256] = "";
	if (msg)
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(msg, "\n"), msg);
	kd_printf(s, "       PANIC: \"%s\"\n", line);
	kd_log_records_free(&r);
}

/* sys -i: the DMI strings the kernel saved, named by the enum dmi_field enumerators. */
static int show_dmi(kd_session *s)
{
	uint64_t ident;
	if (kd_symbol_addr(s, "dmi_ident", &ident) < 0)
		return kd_fail(s, "this kernel has no DMI data (dmi_ident)");
	const kd_type *e = kd_type_lookup(s, "enum dmi_field");
	if (!e)
		return -1;
	int shown = 0;
	const char *name;
	int64_t v;
	for (size_t i = 0; kd_enum_at(s, e, i, &name, &v); i++) {
		if (strcmp(name, "DMI_STRING_MAX") == 0)
			break; /* what follows (DMI_OEM_STRING) is not in dmi_ident[] */
		if (strcmp(name, "DMI_NONE") == 0 || v < 0 || v > 256)
			continue;
		uint64_t str;
		char buf[256];
		if (kd_read_kv(s, ident + v * 8, &str, 8) < 0)
			return -1;
		if (!str)
			continue;
		if (kd_read_string(s, str, buf, sizeof(buf)) < 0)
			return -1;
		kd_printf(s, "%25s: %s\n", name, buf);
		shown++;
	}
	if (!shown)
		kd_printf(s, "(no DMI data)\n");
	return 0;
}

static int cmd_sys(kd_session *s, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-i") == 0)
		return show_dmi(s);
	if (argc > 1)
		return kd_usage(s);
	char buf[128];
	const struct kd_target_info *ti = kd_target(s);
	kd_printf(s, "      KERNEL: %s\n", ti->vmlinux_path ? ti->vmlinux_path : "");
	/* crash marks a kdump file that makedumpfile (or QEMU, at level 1) filtered. */
	kd_printf(s, "    DUMPFILE: %s%s\n", ti->dump_path ? ti->dump_path : "", ti->dump_level > 0 ? "  [PARTIAL DUMP]" : "");
	int offline = offline_cpus(s);
	if (offline)
		kd_printf(s, "        CPUS: %d [OFFLINE: %d]\n", kd_target(s)->nr_cpus, offline);
	else
		kd_printf(s, "        CPUS: %d\n", kd_target(s)->nr_cpus);
	time_t t = (time_t)kd_kernel_crash_time(s);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm);
	kd_printf(s, "        DATE: %s\n", buf);
	print_uptime(s);
	print_load(s);
	struct task_list tl;
	if (kd_tasks_collect(s, &tl) == 0) {
		kd_printf(s, "       TASKS: %zu\n", tl.len);
		kd_task_list_free(&tl);
	}
	kd_clear_error(s);
	uts_field(s, "name.nodename", buf, sizeof(buf));
	kd_printf(s, "    NODENAME: %s\n", buf);
	kd_printf(s, "     RELEASE: %s\n", kd_target(s)->release);
	uts_field(s, "name.version", buf, sizeof(buf));
	kd_printf(s, "     VERSION: %s\n", buf);
	uts_field(s, "name.machine", buf, sizeof(buf));
	uint64_t addr, khz = 0;
	if (kd_symbol_addr(s, "cpu_khz", &addr) == 0)
		kd_read_int(s, addr, 4, &khz);
	kd_clear_error(s);
	kd_printf(s, "     MACHINE: %s  (%llu Mhz)\n", buf, (unsigned long long)(khz / 1000));
	print_memory(s);
	print_panic(s);
	return 0;
}

const struct kd_command kd_cmd_sys = {
	"sys", cmd_sys, "sys [-i]", "system data",
	"Prints the kernel and dump files, CPU count, date of the crash, uptime,\n"
	"load average, task count, utsname fields, memory size and the panic message.\n"
	"  -i  the DMI (SMBIOS) strings the kernel saved: BIOS, system, chassis\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sys\n",
	KD_CMD_NEEDS_DUMP,
};
