/* p, px, pd: print an expression or a symbol's value, as crash (through gdb) prints it. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define P_USAGE "p [-x|-d][-u] [expression | symbol[:cpuspec]]"

/* "a", "all", "1", "0,2-3": a CPU set as crash parses a cpuspec. */
static int parse_cpuspec(kd_session *s, const char *spec, bool *cpus, int ncpus)
{
	if (strcmp(spec, "a") == 0 || strcmp(spec, "all") == 0) {
		for (int i = 0; i < ncpus; i++)
			cpus[i] = true;
		return 0;
	}
	const char *p = spec;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			return kd_fail(s, "invalid cpu specification: %s", spec);
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				return kd_fail(s, "invalid cpu specification: %s", spec);
			p = end;
		}
		if (a < 0 || b < a || b >= ncpus)
			return kd_fail(s, "invalid cpu number: %s", spec);
		for (long i = a; i <= b; i++)
			cpus[i] = true;
		if (*p == ',')
			p++;
		else if (*p)
			return kd_fail(s, "invalid cpu specification: %s", spec);
	}
	return 0;
}

/* gdb's "$N = value", with crash's leader in front when the expression starts with a symbol. */
static void emit(kd_session *s, const char *leader, const char *value)
{
	int n = kd_value_history_next(s);
	if (!leader) {
		kd_printf(s, "$%d = %s\n", n, value);
		return;
	}
	if (value[0] == '{' && value[1] != '\n')
		kd_printf(s, "%s = $%d = \n %s\n", leader, n, value);
	else
		kd_printf(s, "%s = $%d = %s\n", leader, n, value);
}

/*
 * crash reports a failed expression as gdb does, on the error stream ("There is
 * no member named x."), then says on its output "p: gdb request failed: p EXPR".
 */
static int gdb_failed(kd_session *s, const char *request)
{
	fflush(kd_out(s));
	fprintf(stderr, "%s\n", kd_last_error(s));
	return kd_fail(s, "gdb request failed: %s", request);
}

static int print_expr(kd_session *s, const char *text, const char *leader, unsigned flags, const char *request)
{
	struct kd_value v;
	if (kd_cexpr_eval(s, text, &v) < 0)
		return request ? gdb_failed(s, request) : -1;
	struct kd_sbuf b = {0};
	int rc = kd_print_value(s, &b, &v, flags);
	if (rc == 0)
		emit(s, leader, kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return rc < 0 && request ? gdb_failed(s, request) : rc;
}

static int print_percpu(kd_session *s, const char *name, const char *spec, unsigned flags)
{
	const struct kd_target_info *ti = kd_target(s);
	int ncpus = ti->nr_cpus;
	if (ncpus <= 0 || !ti->per_cpu_offset)
		return kd_fail(s, "per-CPU offsets are unknown");
	bool *cpus = kd_xcalloc((size_t)ncpus, sizeof(bool));
	int rc = parse_cpuspec(s, spec, cpus, ncpus);
	struct kd_value base;
	if (rc == 0)
		rc = kd_value_of_symbol(s, name, &base);
	for (int cpu = 0; rc == 0 && cpu < ncpus; cpu++) {
		if (!cpus[cpu])
			continue;
		uint64_t addr;
		if (kd_per_cpu_addr(s, name, cpu, &addr) < 0) {
			rc = -1;
			break;
		}
		struct kd_value v;
		kd_value_at(&v, base.type, addr);
		struct kd_sbuf b = {0};
		rc = kd_print_value(s, &b, &v, flags);
		if (rc == 0) {
			char leader[300];
			snprintf(leader, sizeof(leader), "per_cpu(%s, %d)", name, cpu);
			emit(s, leader, kd_sbuf_str(&b));
		}
		kd_sbuf_free(&b);
	}
	free(cpus);
	return rc;
}

static int percpu_summary(kd_session *s, const char *name)
{
	struct kd_value v;
	if (kd_value_of_symbol(s, name, &v) < 0)
		return -1;
	struct kd_sbuf b = {0};
	kd_print_decl(s, &b, v.type, name);
	kd_printf(s, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		uint64_t addr;
		if (kd_per_cpu_addr(s, name, cpu, &addr) < 0)
			return -1;
		kd_printf(s, "  [%d]: %llx\n", cpu, (unsigned long long)addr);
	}
	return 0;
}


/* The print format flags (KD_PRINT_FMT_*), replaced by a later one. */
#define FMT_FLAGS (KD_PRINT_FMT_HEX | KD_PRINT_FMT_DEC)

/* p, p -x, p -d (px and pd are crash's aliases of the last two), p/FMT. */
static int cmd_p(kd_session *s, int argc, char **argv)
{
	unsigned flags = kd_output_radix(s) == 16 ? KD_PRINT_RADIX_HEX : 0;
	const char *slash = strchr(argv[0], '/');
	if (slash) {
		/* p/FMT goes to gdb as it is: no options, no symbol leader, no per-CPU forms */
		for (const char *f = slash + 1; *f; f++) {
			if (*f == 'x')
				flags = (flags & ~FMT_FLAGS) | KD_PRINT_FMT_HEX;
			else if (*f == 'd' || *f == 'u') /* u: close enough, decimal */
				flags = (flags & ~FMT_FLAGS) | KD_PRINT_FMT_DEC;
			else
				return kd_fail(s, "Undefined output format \"%c\".", *f);
		}
		if (argc < 2)
			return kd_usage(s);
		char *text = kd_args_join(argc, argv, 1);
		int rc = print_expr(s, text, NULL, flags, NULL);
		free(text);
		return rc;
	}
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "+xdu")) != -1) {
		switch (c) {
		case 'x': flags |= KD_PRINT_RADIX_HEX; break;
		case 'd': flags &= ~KD_PRINT_RADIX_HEX; break;
		case 'u': break; /* user virtual addresses: expressions here are kernel ones */
		default:
			opterr = 1;
			return kd_usage(s);
		}
	}
	opterr = 1;
	if (optind >= argc)
		return kd_usage(s);
	const char *first = argv[optind];
	/* symbol:cpuspec */
	const char *colon = strchr(first, ':');
	if (colon && optind + 1 == argc) {
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(colon - first), first);
		if (kd_symbol_is_percpu(s, name, NULL))
			return print_percpu(s, name, colon + 1, flags);
		return kd_fail(s, "%s: not a per-cpu symbol", name);
	}
	if (kd_symbol_is_percpu(s, first, NULL))
		return percpu_summary(s, first);
	const char *leader = kd_symbol_lookup(s, first) ? first : NULL;
	char *text = kd_args_join(argc, argv, optind);
	char *request = kd_xasprintf("p %s", text);
	int rc = print_expr(s, text, leader, flags, request);
	free(request);
	free(text);
	return rc;
}


#define P_HELP_COMMON                                                                                              \
	"Prints the value of a C expression over the kernel's symbols and types, as gdb\n"                          \
	"(inside crash) prints it: gdb's value numbering ($1, $2...), structures with\n"                           \
	"their members indented, arrays on one line, char arrays as strings, enums by\n"                             \
	"name and pointers with the symbol they point into. When the expression begins\n"                          \
	"with a symbol, its name is printed first, as crash does.\n"                                                \
	"  -x  print integers in hexadecimal (px is p -x).\n"                                                      \
	"  -d  print integers in decimal (pd is p -d).\n"                                                          \
	"  -u  accepted for compatibility.\n"                                                                      \
	"  symbol:cpuspec  a per-CPU variable on some CPUs: \"a\" (all), \"1\", \"0,2-3\".\n"                     \
	"A per-CPU symbol without a cpuspec prints its type and its address on each CPU.\n"                        \
	"p/x and p/d are gdb's print formats: every scalar in that radix, char arrays too.\n"                      \
	"Expressions: symbols, numbers, casts such as (struct task_struct *)ADDR, -> . [i],\n"                     \
	"unary * & - ~ !, sizeof, arithmetic, shifts, comparisons, && || ?:, enumerators.\n"                       \
	"\n"                                                                                                        \
	"EXAMPLES\n"                                                                                                \
	"  kdive> p jiffies\n"                                                                                      \
	"  jiffies = $1 = 4294892906\n"                                                                             \
	"  kdive> p init_task.comm\n"                                                                               \
	"  $2 = \"swapper/0\\000\\000\\000\\000\\000\\000\"\n"                                                     \
	"  kdive> p init_task.sched_class\n"                                                                        \
	"  $3 = (const struct sched_class *) 0xffffffffad415660 <idle_sched_class>\n"                              \
	"  kdive> p -x jiffies\n"                                                                                   \
	"  jiffies = $4 = 0xfffedd6a\n"                                                                             \
	"  kdive> p irq_stat:1\n"                                                                                   \
	"  per_cpu(irq_stat, 1) = $5 = {\n"                                                                         \
	"    __softirq_pending = 0,\n"                                                                              \
	"  ...\n"

const struct kd_command kd_cmd_p = {"p", cmd_p, P_USAGE, "print the value of an expression", P_HELP_COMMON,
				    KD_CMD_NEEDS_DUMP};
/* px and pd are crash's built-in aliases of p -x and p -d (src/shell/alias.c). */
