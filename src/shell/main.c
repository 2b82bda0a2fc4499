/* kdive: command-line handling; everything else lives in the session and the shell. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "debuginfo/find.h"
#include "dump/dump.h"
#include "shell/shell.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

static void usage(FILE *f)
{
	fprintf(f, "usage: kdive [-s] [-i cmdfile] vmlinux dumpfile\n"
		   "       kdive --report [--format text|markdown|json] [-o FILE] vmlinux dumpfile\n"
		   "       kdive [-s] [-i cmdfile] dumpfile vmlinux\n"
		   "       kdive [-s] [-i cmdfile] dumpfile      (the vmlinux found by build ID, release, debuginfod)\n"
		   "       kdive --osrelease dumpfile\n"
		   "       kdive --identify [--json] dumpfile...   (what each dump is, without a vmlinux)\n"
		   "       kdive --log dumpfile   (the kernel log from the dump's VMCOREINFO alone)\n"
		   "       kdive --group [--json] REPORT.json|DIRECTORY...   (reports grouped by signature)\n"
		   "       kdive [-s] [-i cmdfile] [vmlinux]       (the running kernel, through /proc/kcore)\n"
		   "  -i FILE   run the commands in FILE, then read commands from the terminal\n"
		   "            (or stop, if standard input is not a terminal)\n"
		   "  -s        silent: no banner at start-up\n"
		   "  --echo    in a batch run, print each command after the prompt before its output\n"
		   "  --json    each command's output as one JSON document (doc/json-schema/)\n"
		   "  --report  print the pre-analysis report of the dump and stop (report command)\n"
		   "  --format text|markdown|json   the report's format (text)\n"
		   "  -o FILE   write the report to FILE (never one of the session's inputs)\n"
		   "  -h        this help;  -v  version\n"
		   "The exit status is 1 if any command failed in a batch run.\n");
}

static void banner(kd_session *s, const char *vmlinux, const char *dump)
{
	kd_printf(s, "kdive %s: crash-dump analysis shell\n\n", PACKAGE_VERSION);
	kd_printf(s, "      KERNEL: %s\n    DUMPFILE: %s\n     RELEASE: %s\n        CPUS: %d\n\n", vmlinux, dump,
		  s->ki.release, s->ki.nr_cpus);
	kd_printf(s, "Type \"help\" for the list of commands.\n\n");
}

/* --report: the report command's output, built in memory and written to -o FILE (or standard
 * output) only once it is complete. A dump that cannot be opened still gets a report: its
 * error, in the format asked for. */
static bool same_file(const char *a, const struct stat *st)
{
	struct stat sa;
	return a && stat(a, &sa) == 0 && sa.st_dev == st->st_dev && sa.st_ino == st->st_ino;
}

static int run_report(kd_session *s, const char *vmlinux, const char *dump, const char *format, const char *outfile,
		      const char *open_err, enum kd_errcode open_code)
{
	struct stat ost;
	bool exists = outfile && stat(outfile, &ost) == 0;
	if (exists && (same_file(vmlinux, &ost) || same_file(dump, &ost))) {
		fprintf(stderr, "kdive: -o %s: that is the %s this report reads; not overwritten\n", outfile,
			same_file(dump, &ost) ? "dump" : "vmlinux");
		return 1;
	}
	bool js = !strcmp(format, "json");
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		fprintf(stderr, "kdive: %s\n", strerror(errno));
		return 1;
	}
	s->json_mode = js;
	s->silent = true;
	int rc = 0;
	/* open_err: the dump was given alone and could not be used (not a dump, no vmlinux found) */
	if (open_err)
		kd_error(s, open_code, 0, "%s", open_err);
	if (open_err || session_open(s, vmlinux, dump) < 0) {
		rc = -1;
		char msg[sizeof(s->err.msg)];
		snprintf(msg, sizeof(msg), "%.*s", (int)sizeof(msg) - 1, open_err ? open_err : kd_last_error(s));
		fprintf(stderr, "kdive: %s\n", msg);
		if (js) {
			session_json_reset(s);
			kd_json_str(s, "report_version", "1.0");
			kd_json_str(s, "vmlinux", vmlinux);
			kd_json_str(s, "dump", dump);
			kd_json_str(s, "error", msg);
			kd_json_int(s, "failed_sections", 1);
			char *doc = session_json_document(s, "report -f json", -1, "");
			fprintf(mem, "%s\n", doc);
			free(doc);
		} else if (!strcmp(format, "markdown")) {
			fprintf(mem, "# kdive report: the dump could not be opened\n\n- **dump:** `%s`\n- **vmlinux:** `%s`\n\n"
				     "> **error:** %s\n", dump, vmlinux ? vmlinux : "-", msg);
		} else {
			fprintf(mem, "kdive report: the dump could not be opened\ndump %s\nvmlinux %s\nerror: %s\n", dump,
				vmlinux ? vmlinux : "-", msg);
		}
	} else {
		if (outfile && exists && session_input_what(s, ost.st_dev, ost.st_ino)) {
			fprintf(stderr, "kdive: -o %s: that is the %s this report reads; not overwritten\n", outfile,
				session_input_what(s, ost.st_dev, ost.st_ino));
			fclose(mem);
			free(text);
			return 1;
		}
		s->out = mem;
		char line[64];
		snprintf(line, sizeof(line), "report -f %s", format);
		rc = shell_run_line(s, line);
		fflush(mem);
		s->out = stdout;
	}
	fclose(mem);
	FILE *out = outfile ? fopen(outfile, "w") : stdout;
	if (!out) {
		fprintf(stderr, "kdive: -o %s: %s\n", outfile, strerror(errno));
		free(text);
		return 1;
	}
	fwrite(text, 1, len, out);
	int bad = ferror(out) || (outfile ? fclose(out) != 0 : fflush(out) != 0);
	if (bad)
		fprintf(stderr, "kdive: write error on %s: %s\n", outfile ? outfile : "standard output", strerror(errno ? errno : EIO));
	free(text);
	return rc < 0 || bad ? 1 : 0;
}

/* ---- a dump without its vmlinux: --identify and --log (and --osrelease's VMCOREINFO) ---- */

/* A dump's VMCOREINFO value as a string ("" when absent). */
static void vmcoreinfo_str(const struct dump *d, const char *key, char *buf, size_t size)
{
	size_t n;
	const char *v = dump_vmcoreinfo(d, key, &n);
	snprintf(buf, size, "%.*s", v ? (int)MIN(n, size - 1) : 0, v ? v : "");
}

/* The kernel's release: VMCOREINFO's OSRELEASE, else a kdump header's utsname ("" if neither). */
static void dump_release(const struct dump *d, char *buf, size_t size)
{
	vmcoreinfo_str(d, "OSRELEASE", buf, size);
	if (!buf[0])
		snprintf(buf, size, "%s", d->hdr_release);
}

/* The panic message, from the log's "Kernel panic - not syncing: " record; "" without one. */
static void panic_from_log(const struct kd_log_records *r, char *buf, size_t size)
{
	static const char tag[] = "Kernel panic - not syncing: ";
	buf[0] = '\0';
	for (size_t i = 0; i < r->len; i++) {
		const char *t = r->items[i].text ? strstr(r->items[i].text, tag) : NULL;
		if (!t)
			continue;
		t += sizeof(tag) - 1;
		size_t n = strcspn(t, "\n");
		snprintf(buf, size, "%.*s", (int)MIN(n, size - 1), t);
		str_mask_controls(buf);
		return;
	}
}

static const char *const excluded_names[] = {"zero", "cache", "cache private", "user", "free"}; /* makedumpfile -d bits */
static const char *const codec_names[] = {"none", "zlib", "lzo", "snappy", "zstd"};        /* DUMP_CODEC_* bits */

/* One dump: its facts as one text line or one object of the result; false when it is no dump. */
static bool identify_one(kd_session *js, const char *path)
{
	struct kd_err e = {0};
	bool json = js->json_mode;
	if (!dump_probe(path)) {
		struct stat st;
		snprintf(e.msg, sizeof(e.msg), "%s", stat(path, &st) < 0 ? strerror(errno) : "not a dump (no ELF core or kdump header)");
	}
	kd_session *s = e.msg[0] ? NULL : session_new();
	int rc = s ? session_open_vmcoreinfo(s, path) : -1;
	struct dump *d = s ? s->dump : NULL;
	if (!d) {
		if (s) { /* the reader's message names the file: once is enough */
			const char *m = kd_last_error(s);
			size_t pl = strlen(path);
			snprintf(e.msg, sizeof(e.msg), "%s", !strncmp(m, path, pl) && !strncmp(m + pl, ": ", 2) ? m + pl + 2 : m);
		}
		if (json) {
			kd_json_object_begin(js, NULL);
			kd_json_str(js, "path", path);
			kd_json_str(js, "error", e.msg);
			kd_json_end(js);
		} else {
			printf("%s: error: %s\n", path, e.msg);
		}
		session_free(s);
		return false;
	}
	bool elf = !strcmp(d->format, "ELF"), qemu = dump_from_qemu(d);
	uint64_t looked = 0;
	unsigned codecs = dump_codecs(d, 100000, &looked);
	int cpus = dump_cpu_notes(d);
	if (!cpus && d->hdr_nr_cpus && d->hdr_nr_cpus < 1000000)
		cpus = (int)d->hdr_nr_cpus;
	char release[128], build_id[160], crashtime[64] = "", panic[512] = "", logerr[300] = "";
	dump_release(d, release, sizeof(release));
	str_mask_controls(release);
	vmcoreinfo_str(d, "BUILD-ID", build_id, sizeof(build_id));
	str_mask_controls(build_id);
	uint64_t ct = 0;
	const char *ct_from = NULL;
	if (dump_vmcoreinfo_u64(d, "CRASHTIME", 10, &ct) && ct)
		ct_from = "VMCOREINFO CRASHTIME";
	else if (d->hdr_timestamp > 0 && (ct = (uint64_t)d->hdr_timestamp))
		ct_from = "kdump header";
	if (ct_from) {
		time_t t = (time_t)ct;
		struct tm tm;
		strftime(crashtime, sizeof(crashtime), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	}
	if (rc == 0) {
		struct kd_log_records r;
		if (kd_log_read(s, &r) < 0)
			snprintf(logerr, sizeof(logerr), "%s", kd_last_error(s));
		panic_from_log(&r, panic, sizeof(panic));
		kd_log_records_free(&r);
	} else {
		snprintf(logerr, sizeof(logerr), "%s", kd_last_error(s));
	}
	const char *fmt = !strcmp(d->format, "KDUMP") ? "kdump" : !strcmp(d->format, "DISKDUMP") ? "diskdump" : elf ? "elf" : "other";
	if (json) {
		kd_json_object_begin(js, NULL);
		kd_json_str(js, "path", path);
		kd_json_str(js, "format", fmt);
		kd_json_bool(js, "flattened", d->flattened);
		kd_json_bool(js, "qemu", qemu);
		kd_json_str(js, "arch", d->hdr_machine[0] ? d->hdr_machine : NULL);
		kd_json_int(js, "page_size", d->page_size);
		if (!elf) {
			kd_json_int(js, "dump_level", d->dump_level);
			kd_json_array_begin(js, "excluded");
			for (size_t i = 0; i < ARRAY_SIZE(excluded_names); i++)
				if (d->dump_level & (1 << i))
					kd_json_str(js, NULL, excluded_names[i]);
			kd_json_end(js);
			kd_json_array_begin(js, "compression");
			for (size_t i = 0; i < ARRAY_SIZE(codec_names); i++)
				if (codecs & (1u << i))
					kd_json_str(js, NULL, codec_names[i]);
			kd_json_end(js);
			kd_json_uint(js, "pages_looked_at", looked);
		}
		kd_json_int(js, "cpus", cpus);
		kd_json_bool(js, "vmcoreinfo", d->vmcoreinfo != NULL);
		kd_json_str(js, "release", release[0] ? release : NULL);
		kd_json_str(js, "build_id", build_id[0] ? build_id : NULL);
		kd_json_str(js, "crash_time", crashtime[0] ? crashtime : NULL);
		kd_json_str(js, "crash_time_from", ct_from);
		kd_json_str(js, "panic", panic[0] ? panic : NULL);
		if (logerr[0])
			kd_json_str(js, "log_error", logerr);
		if (d->truncated)
			kd_json_str(js, "truncated", d->truncated);
		kd_json_end(js);
	} else {
		char level[160] = "";
		size_t n = 0;
		if (!elf) {
			n = (size_t)snprintf(level, sizeof(level), ", dump level %d", d->dump_level);
			for (size_t i = 0, k = 0; i < ARRAY_SIZE(excluded_names) && n < sizeof(level); i++)
				if (d->dump_level & (1 << i))
					n += (size_t)snprintf(level + n, sizeof(level) - n, "%s%s", k++ ? ", " : " (excludes ", excluded_names[i]);
			if (d->dump_level & 31 && n < sizeof(level))
				snprintf(level + n, sizeof(level) - n, " pages)");
		}
		char comp[80] = "";
		n = 0;
		for (size_t i = 0; i < ARRAY_SIZE(codec_names) && n < sizeof(comp); i++)
			if (codecs & (1u << i))
				n += (size_t)snprintf(comp + n, sizeof(comp) - n, "%s%s", n ? "+" : ", compression ", codec_names[i]);
		printf("%s: %s%s%s, %s, %u-byte pages%s%s, %d CPU%s, release %s, build ID %s, crashed %s%s%s, panic %s%s%s, VMCOREINFO %s%s%s%s%s\n",
		       path, d->flattened ? "flattened " : "", elf ? "ELF vmcore" : !strcmp(fmt, "kdump") ? "kdump compressed" : fmt,
		       qemu ? " (QEMU dump-guest-memory)" : "", d->hdr_machine[0] ? d->hdr_machine : "unknown arch",
		       d->page_size, level, comp, cpus, cpus == 1 ? "" : "s", release[0] ? release : "unknown", build_id[0] ? build_id : "unknown",
		       crashtime[0] ? crashtime : "unknown", ct_from ? " from the " : "", ct_from ? ct_from : "",
		       panic[0] ? "\"" : "", panic[0] ? panic : "unknown", panic[0] ? "\"" : "", d->vmcoreinfo ? "yes" : "no",
		       d->truncated ? "; truncated: " : "", d->truncated ? d->truncated : "",
		       logerr[0] && d->vmcoreinfo ? "; log: " : "", logerr[0] && d->vmcoreinfo ? logerr : "");
	}
	session_free(s);
	return true;
}

/* kdive --identify [--json] DUMP...: each file in turn; 1 when any was not a readable dump. */
static int run_identify(int argc, char **argv, bool json)
{
	kd_session *js = session_new();
	js->json_mode = json;
	int bad = 0;
	if (json)
		kd_json_array_begin(js, "dumps");
	for (int i = 0; i < argc; i++)
		bad += !identify_one(js, argv[i]);
	if (json) {
		kd_json_end(js);
		kd_json_int(js, "failed", bad);
		if (bad)
			kd_fail(js, "%d of %d files are not readable dumps", bad, argc);
		char *doc = session_json_document(js, "--identify", bad ? -1 : 0, "");
		printf("%s\n", doc);
		free(doc);
	}
	session_free(js);
	fflush(stdout);
	return bad ? 1 : 0;
}

/* kdive --log DUMP: the log command on a session of the dump alone. */
static int run_log(const char *path)
{
	struct stat st;
	if (!dump_probe(path)) {
		fprintf(stderr, "kdive: %s: %s\n", path, stat(path, &st) < 0 ? strerror(errno) : "not a dump (no ELF core or kdump header)");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	kd_session *s = session_new();
	s->silent = true;
	s->scroll = false;
	builtins_register(s);
	int rc = 1;
	if (session_open_vmcoreinfo(s, path) < 0)
		fprintf(stderr, "kdive: %s\n", kd_last_error(s));
	else
		rc = shell_run_line(s, "log") < 0 ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = 1;
	session_free(s);
	return rc;
}
/* ---- end of --identify and --log ---- */

/* What a dump says of the kernel it holds, without a vmlinux: its release and build ID. */
static bool dump_identity(const char *path, char *release, size_t rsize, char *build_id, size_t bsize, char *msg,
			  size_t msize)
{
	struct kd_err e = {0};
	struct dump *d = dump_open(path, &e);
	if (!d) {
		snprintf(msg, msize, "%s", e.msg);
		return false;
	}
	dump_release(d, release, rsize);
	vmcoreinfo_str(d, "BUILD-ID", build_id, bsize);
	dump_close(d);
	return true;
}

static bool is_elf(const char *path)
{
	char m[4] = "";
	FILE *f = fopen(path, "rb");
	bool elf = f && fread(m, 1, 4, f) == 4 && memcmp(m, "\177ELF", 4) == 0;
	if (f)
		fclose(f);
	return elf;
}

/* The live kernel (`kdive` alone, or `kdive VMLINUX`): /proc/kcore, and the running kernel's
 * vmlinux found as for a dump (its build ID from /sys/kernel/notes, its release from uname)
 * unless given. false with the reason printed when kcore cannot be read. */
static bool live_target(const char *given, char **found, const char **vmlinux, const char **dump)
{
	*dump = "/proc/kcore";
	if (access(*dump, R_OK) != 0) {
		int e = errno;
		if (e == ENOENT)
			fprintf(stderr, "kdive: /proc/kcore does not exist: this kernel has no CONFIG_PROC_KCORE, or /proc is not "
					"mounted; give a vmlinux and a dump instead\n");
		else
			fprintf(stderr, "kdive: /proc/kcore: %s: reading the running kernel needs root%s\n", strerror(e),
				geteuid() ? "" : " with CAP_SYS_RAWIO");
		return false;
	}
	if (given) {
		*vmlinux = given;
		return true;
	}
	struct utsname u;
	char build_id[160] = "", msg[600];
	const char *how;
	if (uname(&u) != 0) {
		fprintf(stderr, "kdive: uname: %s\n", strerror(errno));
		return false;
	}
	debuginfo_running_build_id(build_id, sizeof(build_id));
	if (!(*found = debuginfo_find_vmlinux(build_id[0] ? build_id : NULL, u.release, &how, msg, sizeof(msg)))) {
		fprintf(stderr, "kdive: the running kernel: %s\n", msg);
		return false;
	}
	fprintf(stderr, "kdive: using %s, found %s\n", *found, how);
	*vmlinux = *found;
	return true;
}

int main(int argc, char **argv)
{
	const char *cmdfile = NULL;
	bool silent = false, echo = false, json = false, osrelease = false, report = false, identify = false, logonly = false;
	const char *report_format = "text", *report_out = NULL;
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'v'},
						    {"echo", no_argument, NULL, 'E'},       {"json", no_argument, NULL, 'J'},
						    {"osrelease", no_argument, NULL, 'O'},
						    {"identify", no_argument, NULL, 'I'},   {"log", no_argument, NULL, 'L'},
						    {"report", no_argument, NULL, 'R'},     {"format", required_argument, NULL, 'F'},
						    {0, 0, 0, 0}};
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) /* --group: reports, not a dump (group.c) */
		if (!strcmp(argv[i], "--group"))
			return group_main(argc, argv);
	int c;
	while ((c = getopt_long(argc, argv, "i:shvo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': cmdfile = optarg; break;
		case 's': silent = true; break;
		case 'E': echo = true; break;
		case 'J': json = true; break;
		case 'O': osrelease = true; break;
		case 'I': identify = true; break;
		case 'L': logonly = true; break;
		case 'R': report = true; break;
		case 'F': report_format = optarg; break;
		case 'o': report_out = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'v': printf("kdive %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (identify || logonly) { /* a dump without its vmlinux */
		if (identify && optind < argc && !logonly && !osrelease && !report && !cmdfile)
			return run_identify(argc - optind, argv + optind, json);
		if (logonly && argc - optind == 1 && !identify && !osrelease && !report && !cmdfile && !json)
			return run_log(argv[optind]);
		usage(stderr);
		return 2;
	}
	char *found = NULL; /* the vmlinux found for a dump given alone */
	const char *vmlinux, *dump;
	char alone_err[800] = ""; /* a dump alone that cannot be used: with --report, a report of the error */
	enum kd_errcode alone_code = KD_EFORMAT;
	if (!osrelease && !report && (argc == optind || (argc - optind == 1 && !dump_probe(argv[optind]) && is_elf(argv[optind])))) {
		if (!live_target(argc > optind ? argv[optind] : NULL, &found, &vmlinux, &dump))
			return 1;
	} else if (argc - optind == 1) {
		/* a dump alone: its release (--osrelease), or its vmlinux found for it */
		char release[128] = "", build_id[160] = "", msg[600];
		const char *how;
		dump = argv[optind];
		vmlinux = NULL;
		if (!dump_probe(dump)) {
			snprintf(alone_err, sizeof(alone_err), "%s: not a dump (give the vmlinux and the dump)", dump);
		} else if (!dump_identity(dump, release, sizeof(release), build_id, sizeof(build_id), msg, sizeof(msg))) {
			snprintf(alone_err, sizeof(alone_err), "%s", msg);
		} else if (osrelease) {
			if (!release[0]) {
				fprintf(stderr, "kdive: %s: the dump names no release (no VMCOREINFO)\n", dump);
				return 1;
			}
			printf("%s\n", release);
			return 0;
		} else if (!(found = debuginfo_find_vmlinux(build_id[0] ? build_id : NULL, release, &how, msg, sizeof(msg)))) {
			snprintf(alone_err, sizeof(alone_err), "%s: %s", dump, msg);
			alone_code = KD_ENOTFOUND;
		} else {
			fprintf(stderr, "kdive: using %s, found %s\n", found, how);
			vmlinux = found;
		}
		if (alone_err[0] && !report) {
			fprintf(stderr, "kdive: %s\n", alone_err);
			return 1;
		}
	} else if (argc - optind != 2 || osrelease) {
		usage(stderr);
		return 2;
	} else {
		vmlinux = argv[optind];
		dump = argv[optind + 1];
	}
	if (vmlinux && dump_probe(vmlinux) && !dump_probe(dump)) { /* crash accepts either order */
		const char *t = vmlinux;
		vmlinux = dump;
		dump = t;
	}
	if (report || report_out || strcmp(report_format, "text")) { /* the dump's report, and stop */
		int rrc = 2;
		if (!report)
			fprintf(stderr, "kdive: --format and -o go with --report\n");
		else if (strcmp(report_format, "text") && strcmp(report_format, "markdown") && strcmp(report_format, "json"))
			fprintf(stderr, "kdive: --format %s: expected text, markdown or json\n", report_format);
		else if (cmdfile || json)
			fprintf(stderr, "kdive: --report runs alone (no -i, no --json: use --format json)\n");
		else {
			signal(SIGPIPE, SIG_IGN);
			kd_session *rs = session_new();
			builtins_register(rs);
			rrc = run_report(rs, vmlinux, dump, report_format, report_out, alone_err[0] ? alone_err : NULL,
					 alone_code);
			session_free(rs);
		}
		free(found);
		return rrc;
	}
	char *cmdtext = NULL; /* read and checked before the dump is opened: a dump given as -i runs nothing */
	if (cmdfile) {
		char msg[512];
		if (!(cmdtext = shell_read_command_file(cmdfile, msg, sizeof(msg)))) {
			fprintf(stderr, "kdive: %s\n", msg);
			free(found);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN); /* `cmd | head` must not kill the shell */
	kd_session *s = session_new();
	s->silent = silent;
	s->echo = echo;
	s->json_mode = json;
	builtins_register(s);
	if (session_open(s, vmlinux, dump) < 0) {
		fprintf(stderr, "kdive: %s\n", kd_last_error(s));
		session_free(s);
		free(cmdtext);
		free(found);
		return 1;
	}
	if (!silent)
		banner(s, vmlinux, dump);
	extensions_load_startup(s); /* the modules in ~/.config/kdive/extensions */
	int failures = 0;
	if (cmdfile) {
		failures += shell_run_text(s, cmdfile, cmdtext);
		free(cmdtext);
	}
	if (!shell_quit_requested(s) && (!cmdfile || isatty(STDIN_FILENO)))
		failures += shell_repl(s);
	if (fflush(stdout) != 0 || ferror(stdout)) { /* kdive ... > /dev/full: the output is lost */
		fprintf(stderr, "kdive: write error on standard output: %s\n", strerror(errno ? errno : EIO));
		failures++;
	}
	session_free(s);
	free(found);
	return failures ? 1 : 0;
}
