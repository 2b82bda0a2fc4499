/* sys: the system summary crash prints at start-up. */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
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


/* The panic message: the most telling log line, as crash chooses it. */
static void panic_message(kd_session *s, char *line, size_t size)
{
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
	line[0] = '\0';
	if (msg)
		snprintf(line, size, "%.*s", (int)strcspn(msg, "\n"), msg);
	kd_log_records_free(&r);
}

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

/*
 * sys -c: the system call table. Each entry's symbol, as crash names an address (the first
 * symbol at exactly that address in the table's order: a local alias such as
 * __do_sys_sched_yield before the global __x64_sys_sched_yield), and the source line of the
 * call's first instruction that is not in a header under include/, relative to the build
 * directory (the path of schedule()'s file before /kernel/) as "..".
 */
#define SYSCALLS_MAX 4096 /* x86_64 has some 460; a table bigger than this is not one */

static const struct kd_symbol *first_symbol_at(kd_session *s, uint64_t addr, size_t *index)
{
	for (size_t i = kd_symbol_index_from(s, addr); i < kd_symbol_count(s); i++) {
		const struct kd_symbol *k = kd_symbol_index(s, i);
		if (k->addr != addr)
			break;
		if (k->type == 'A' || k->type == 'a' || !k->name[0])
			continue;
		*index = i;
		return k;
	}
	return NULL;
}

static bool build_directory(kd_session *s, char *dir, size_t size)
{
	uint64_t addr;
	int line;
	const struct kd_symbol *k = kd_symbol_lookup(s, "schedule");
	if (!k)
		k = kd_symbol_lookup(s, "do_schedule");
	if (!k)
		return false;
	addr = k->addr;
	if (kd_addr_to_line(s, addr, dir, size, &line) < 0) {
		kd_clear_error(s);
		return false;
	}
	char *p = strstr(dir, "/kernel/");
	if (!p)
		p = strstr(dir, "/./arch/");
	if (!p)
		return false;
	*p = '\0';
	return true;
}

/* "..fs/read_write.c: 621" (after a build directory "debian/build/x"), or "" */
static void syscall_line(kd_session *s, const struct kd_symbol *k, size_t index, const char *bdir, char *out, size_t size)
{
	out[0] = '\0';
	if (!bdir)
		return;
	uint64_t end = k->addr + 1;
	for (size_t i = index + 1; i < kd_symbol_count(s); i++)
		if (kd_symbol_index(s, i)->addr > k->addr) {
			end = kd_symbol_index(s, i)->addr;
			break;
		}
	if (end - k->addr > 65536) /* the search goes a byte at a time: bound it */
		end = k->addr + 65536;
	size_t blen = strlen(bdir);
	for (uint64_t a = k->addr; a < end; a++) {
		char file[512];
		int line;
		if (kd_addr_to_line(s, a, file, sizeof(file), &line) < 0) {
			kd_clear_error(s);
			continue;
		}
		char buf[600];
		snprintf(buf, sizeof(buf), "%s: %d", file, line);
		if (strstr(buf, ".h: ") && strstr(buf, "include/"))
			continue;
		if (strstr(buf, bdir)) {
			snprintf(out, size, "..%s", buf + MIN(blen, strlen(buf)));
			return;
		}
	}
}

static int syscall_table(kd_session *s, char ***lines_out, size_t *n_out)
{
	*lines_out = NULL;
	*n_out = 0;
	uint64_t table;
	if (kd_symbol_addr(s, "sys_call_table", &table) < 0)
		return -1;
	/* The count: the array's length in the debug information ("confirmed"), else up to the next symbol. */
	uint64_t count = 0;
	bool confirmed = false;
	const kd_type *t = kd_var_type(s, "sys_call_table");
	if (t) {
		const kd_type *r = kd_type_resolve(s, t);
		while (r && kd_type_kind(r) != KD_TYPE_ARRAY && (kd_type_kind(r) == KD_TYPE_CONST || kd_type_kind(r) == KD_TYPE_VOLATILE))
			r = kd_type_target(r);
		if (r && kd_type_kind(r) == KD_TYPE_ARRAY && kd_type_sizeof(s, r) >= 8) {
			count = kd_type_sizeof(s, r) / 8;
			confirmed = true;
		}
	}
	kd_clear_error(s);
	if (!count) {
		size_t i;
		const struct kd_symbol *k = first_symbol_at(s, table, &i);
		count = 256;
		for (; k && i < kd_symbol_count(s); i++)
			if (kd_symbol_index(s, i)->addr > table) {
				count = (kd_symbol_index(s, i)->addr - table) / 8;
				break;
			}
	}
	if (count > SYSCALLS_MAX)
		return kd_error(s, KD_EFORMAT, table, "sys_call_table has %llu entries: not a system call table",
				(unsigned long long)count);
	uint64_t *entries = kd_xcalloc(count, 8);
	if (kd_read_kv(s, table, entries, count * 8) < 0) {
		free(entries);
		return -1;
	}
	char bdir_buf[512];
	const char *bdir = build_directory(s, bdir_buf, sizeof(bdir_buf)) ? bdir_buf : NULL;
	uint64_t ni = 0;
	const struct kd_symbol *nik = kd_symbol_lookup(s, "sys_ni_syscall");
	if (nik)
		ni = nik->addr;
	bool hex = kd_output_radix(s) == 16;
	char **lines = kd_xcalloc(count, sizeof(*lines));
	size_t n = 0;
	for (uint64_t i = 0; i < count; i++) {
		size_t index;
		const struct kd_symbol *k = first_symbol_at(s, entries[i], &index);
		char num[24];
		snprintf(num, sizeof(num), hex ? "%3llx" : "%3llu", (unsigned long long)i);
		if (!k) {
			if (!confirmed)
				continue;
			uint64_t off;
			const char *near = kd_symbol_at(s, entries[i], &off);
			kd_clear_error(s);
			char where[256] = "";
			if (near)
				snprintf(where, sizeof(where), off ? "(%s+%llu)" : "(%s)", near, (unsigned long long)off);
			lines[n++] = kd_xasprintf("%s  invalid sys_call_table entry: %llx %s\n", num, (unsigned long long)entries[i],
						  where);
			continue;
		}
		char file[600];
		syscall_line(s, k, index, bdir, file, sizeof(file));
		lines[n++] = kd_xasprintf("%s  %-26s %s\n", num, ni && entries[i] == ni ? "sys_ni_syscall" : k->name, file);
	}
	free(entries);
	*lines_out = lines;
	*n_out = n;
	return 0;
}

static const char sys_call_hdr[] = "NUM  SYSTEM CALL                FILE AND LINE NUMBER\n";

/* A number as crash's IS_A_NUMBER takes one (decimal, else hexadecimal), or false for a name. */
static bool syscall_number(const char *spec, uint64_t *v)
{
	return kd_parse_u64(spec, v) || kd_parse_hex_u64(spec, v);
}

static int show_syscalls(kd_session *s, char **specs, int nspecs)
{
	char **lines;
	size_t n;
	if (syscall_table(s, &lines, &n) < 0)
		return -1;
	if (!nspecs) {
		kd_printf(s, "%s", sys_call_hdr);
		for (size_t i = 0; i < n; i++)
			kd_printf(s, "%s", lines[i]);
	}
	/* crash prints the header before the first match of the first name or number only */
	bool hex = kd_output_radix(s) == 16;
	for (int sp = 0; sp < nspecs; sp++) {
		int hdr_printed = sp;
		uint64_t v = 0;
		bool number = syscall_number(specs[sp], &v);
		char want[24];
		snprintf(want, sizeof(want), hex ? "%llx" : "%llu", (unsigned long long)v);
		for (size_t i = 0; i < n; i++) {
			char num[24], name[128];
			if (sscanf(lines[i], "%23s %127s", num, name) != 2)
				continue;
			bool hit = number ? strcmp(num, want) == 0 : strstr(name, specs[sp]) != NULL;
			if (!hit)
				continue;
			kd_printf(s, "%s%s", hdr_printed++ ? "" : sys_call_hdr, lines[i]);
			if (number)
				break;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
}

/* sys config: the kernel's own .config (CONFIG_IKCONFIG), or crash's words when it has none. */
static int show_config(kd_session *s)
{
	char *text;
	size_t len;
	if (kd_kernel_config(s, &text, &len) < 0)
		return -1;
	/* each line that is not blank, without its leading blanks, as crash reads them (at most 511 characters) */
	for (char *p = text; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, "\n");
		n = MIN(n, (size_t)511);
		kd_printf(s, "%.*s\n", (int)n, p);
		p += n;
	}
	free(text);
	return 0;
}

static int show_stats(kd_session *s);

/* sys -t: the kernel's tainted_mask and the letters of its taint_flags[] (a clear flag's letter
 * only when it says something: not ' ', '-' or 'G'), as crash prints them. */
static int show_taints(kd_session *s)
{
	const struct kd_taint_flag *tf;
	size_t n;
	uint64_t addr, mask = 0;
	if (kd_taint_flags(s, &tf, &n) < 0 || kd_symbol_addr(s, "tainted_mask", &addr) < 0) {
		kd_clear_error(s);
		return kd_fail(s, "-t option not supported or applicable on this architecture or kernel");
	}
	if (kd_read_kv(s, addr, &mask, sizeof(mask)) < 0)
		return -1;
	char letters[65];
	size_t len = 0;
	for (size_t i = 0; i < n && i < 64; i++) {
		char c = mask >> i & 1 ? tf[i].c_true : tf[i].c_false;
		if (mask >> i & 1 || (c != ' ' && c != '-' && c != 'G'))
			letters[len++] = c;
	}
	letters[len] = '\0';
	kd_printf(s, "TAINTED_MASK: %llx  %s\n", (unsigned long long)mask, letters);
	return 0;
}

static int cmd_sys(kd_session *s, int argc, char **argv)
{
	bool calls = false;
	int c;
	while ((c = getopt(argc, argv, "ctip:")) != -1) {
		switch (c) {
		case 'c': calls = true; break;
		case 't': return show_taints(s); /* crash shows them as soon as it meets -t */
		case 'i': return show_dmi(s);
		default: return kd_usage(s); /* -p anic panics a live kernel only */
		}
	}
	if (optind >= argc)
		return calls ? show_syscalls(s, NULL, 0) : show_stats(s);
	if (calls)
		return show_syscalls(s, argv + optind, argc - optind);
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "config") != 0)
			return kd_usage(s);
		if (show_config(s) < 0)
			return -1;
	}
	return 0;
}

/* What sys shows, read once, then printed as crash does or as JSON. */
struct sys_info {
	const char *vmlinux, *dump;
	bool partial;
	int cpus, offline;
	time_t crash_time;
	uint64_t uptime, load[3]; /* seconds; avenrun (FSHIFT 11) */
	bool have_tasks;
	size_t tasks;
	char nodename[128], version[128], machine[128], panic[256];
	uint64_t mhz, memory;
};

static void sys_read(kd_session *s, struct sys_info *v)
{
	const struct kd_target_info *ti = kd_target(s);
	memset(v, 0, sizeof(*v));
	v->vmlinux = ti->vmlinux_path ? ti->vmlinux_path : "";
	v->dump = ti->dump_path ? ti->dump_path : "";
	v->partial = ti->dump_level > 0; /* crash marks a kdump file that makedumpfile (or QEMU, at level 1) filtered */
	v->cpus = ti->nr_cpus;
	v->offline = kd_cpus_offline(s);
	v->crash_time = (time_t)kd_kernel_crash_time(s);
	v->uptime = kd_kernel_uptime(s);
	uint64_t addr;
	if (kd_symbol_addr(s, "avenrun", &addr) == 0)
		kd_read_kv(s, addr, v->load, sizeof(v->load));
	kd_clear_error(s);
	struct task_list tl;
	if (kd_tasks_collect(s, &tl) == 0) {
		v->have_tasks = true;
		v->tasks = tl.len;
		kd_task_list_free(&tl);
	}
	kd_clear_error(s);
	uts_field(s, "name.nodename", v->nodename, sizeof(v->nodename));
	uts_field(s, "name.version", v->version, sizeof(v->version));
	uts_field(s, "name.machine", v->machine, sizeof(v->machine));
	uint64_t khz = 0;
	if (kd_symbol_addr(s, "cpu_khz", &addr) == 0)
		kd_read_int(s, addr, 4, &khz);
	kd_clear_error(s);
	v->mhz = khz / 1000;
	v->memory = kd_total_pages(s) * ti->page_size;
	if (!ti->live)
		panic_message(s, v->panic, sizeof(v->panic));
}

/* avenrun's fixed point as /proc/loadavg rounds it: "0.62" */
static void load_text(uint64_t avg, char *buf, size_t size)
{
	uint64_t a = avg + (1ULL << 11) / 200;
	snprintf(buf, size, "%llu.%02llu", (unsigned long long)(a >> 11), (unsigned long long)(((a & 2047) * 100) >> 11));
}

static void sys_json(kd_session *s, const struct sys_info *v, const char *date)
{
	char buf[32];
	kd_json_str(s, "kernel", v->vmlinux);
	kd_json_str(s, "dumpfile", v->dump);
	kd_json_bool(s, "partial_dump", v->partial);
	kd_json_int(s, "cpus", v->cpus);
	kd_json_int(s, "cpus_offline", v->offline);
	kd_json_str(s, "date", date);
	kd_json_int(s, "crash_time", (int64_t)v->crash_time);
	kd_json_uint(s, "uptime_seconds", v->uptime);
	kd_json_array_begin(s, "load_average");
	for (int i = 0; i < 3; i++) {
		load_text(v->load[i], buf, sizeof(buf));
		kd_json_double(s, NULL, strtod(buf, NULL));
	}
	kd_json_end(s);
	if (v->have_tasks)
		kd_json_uint(s, "tasks", v->tasks);
	else
		kd_json_null(s, "tasks");
	kd_json_str(s, "nodename", v->nodename);
	kd_json_str(s, "release", kd_target(s)->release);
	kd_json_str(s, "version", v->version);
	kd_json_str(s, "machine", v->machine);
	kd_json_uint(s, "mhz", v->mhz);
	kd_json_uint(s, "memory_bytes", v->memory);
	kd_json_str(s, "panic", v->panic);
}

/* What crash prints when it starts, and for sys alone. */
static int show_stats(kd_session *s)
{
	struct sys_info v;
	sys_read(s, &v);
	char date[128], buf[32];
	struct tm tm;
	localtime_r(&v.crash_time, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", &tm);
	if (kd_json_active(s)) {
		sys_json(s, &v, date);
		return 0;
	}
	kd_printf(s, "      KERNEL: %s\n", v.vmlinux);
	kd_printf(s, "    DUMPFILE: %s%s\n", v.dump, v.partial ? "  [PARTIAL DUMP]" : "");
	if (v.offline)
		kd_printf(s, "        CPUS: %d [OFFLINE: %d]\n", v.cpus, v.offline);
	else
		kd_printf(s, "        CPUS: %d\n", v.cpus);
	kd_printf(s, "        DATE: %s\n", date);
	uint64_t days = v.uptime / 86400, secs = v.uptime % 86400;
	kd_printf(s, "      UPTIME: ");
	if (days)
		kd_printf(s, "%llu days, ", (unsigned long long)days);
	kd_printf(s, "%02llu:%02llu:%02llu\n", (unsigned long long)(secs / 3600), (unsigned long long)(secs % 3600 / 60),
		  (unsigned long long)(secs % 60));
	kd_printf(s, "LOAD AVERAGE: ");
	for (int i = 0; i < 3; i++) {
		load_text(v.load[i], buf, sizeof(buf));
		kd_printf(s, "%s%s", buf, i < 2 ? ", " : "\n");
	}
	if (v.have_tasks)
		kd_printf(s, "       TASKS: %zu\n", v.tasks);
	kd_printf(s, "    NODENAME: %s\n", v.nodename);
	kd_printf(s, "     RELEASE: %s\n", kd_target(s)->release);
	kd_printf(s, "     VERSION: %s\n", v.version);
	kd_printf(s, "     MACHINE: %s  (%llu Mhz)\n", v.machine, (unsigned long long)v.mhz);
	kd_format_size(v.memory, buf, sizeof(buf));
	kd_printf(s, "      MEMORY: %s\n", buf);
	if (!kd_target(s)->live) /* the running kernel has no panic */
		kd_printf(s, "       PANIC: \"%s\"\n", v.panic);
	return 0;
}

const struct kd_command kd_cmd_sys = {
	"sys", cmd_sys, "sys [-c [name|number]] [-t] [-i] config", "system data",
	"Prints the kernel and dump files, CPU count, date of the crash, uptime,\n"
	"load average, task count, utsname fields, memory size and the panic message.\n"
	"  -c [name|number]  the system call table: each number, the function it calls\n"
	"                    and the function's source file and line; with a number, that\n"
	"                    entry; with a name, every entry whose function contains it\n"
	"  -t                the kernel's taint flags: tainted_mask and the letters of\n"
	"                    its taint_flags[] (crash's TAINTED_MASK line)\n"
	"  -i                the DMI (SMBIOS) strings the kernel saved: BIOS, system, chassis\n"
	"  config            the kernel's configuration, where it was built with\n"
	"                    CONFIG_IKCONFIG (Debian's kernels are not)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sys\n"
	"  kdive> sys -c\n"
	"  kdive> sys -c read\n"
	"  kdive> sys -c 59 execve\n",
	KD_CMD_NEEDS_DUMP,
};
