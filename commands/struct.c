/* struct, union and *: structures at an address, their members, and their layout, as crash prints them. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define STRUCT_USAGE                                                                                               \
	"struct struct_name[.member[,member]][-o][-l offset][-rfuxdp]\n         [address | symbol][:cpuspec] [count | -c count]"
#define UNION_USAGE                                                                                                \
	"union union_name[.member[,member]][-o][-l offset][-rfuxdp]\n        [address | symbol][:cpuspec] [count | -c count]"

/* An address argument: a symbol (optionally symbol:cpuspec), hex, or an expression. Fills up to max addresses;
 * cpus[i] is the CPU of addrs[i] for symbol:cpuspec, else -1. */
static int parse_address(kd_session *s, const char *arg, uint64_t *addrs, int *cpus, int max, int *n)
{
	*n = 0;
	for (int i = 0; i < max; i++)
		cpus[i] = -1;
	const char *colon = strchr(arg, ':');
	if (colon) {
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(colon - arg), arg);
		if (!kd_symbol_is_percpu(s, name, NULL))
			return kd_fail(s, "%s: not a per-cpu symbol", name);
		const char *spec = colon + 1;
		bool want_cpu[8192];
		int nr = MIN(kd_target(s)->nr_cpus, 8192);
		if (kd_parse_cpuspec(s, spec, want_cpu, nr) < 0)
			return -1;
		for (int cpu = 0; cpu < nr && *n < max; cpu++) {
			if (!want_cpu[cpu])
				continue;
			cpus[*n] = cpu;
			if (kd_per_cpu_addr(s, name, cpu, &addrs[(*n)++]) < 0)
				return -1;
		}
		return 0;
	}
	uint64_t a;
	const struct kd_symbol *k = kd_symbol_lookup(s, arg);
	if (k) {
		uint64_t off;
		if (kd_symbol_is_percpu(s, arg, &off))
			a = off;
		else
			a = k->addr;
	} else if (!kd_parse_hex_u64(arg, &a) && kd_cexpr_eval_u64(s, arg, &a) < 0) {
		return kd_fail(s, "invalid address or symbol: %s", arg);
	}
	addrs[(*n)++] = a;
	return 0;
}

struct struct_opts {
	bool offsets;
	unsigned flags; /* KD_PRINT_RADIX_HEX */
	uint64_t list_offset;
	bool have_list_offset;
};

/*
 * The layout of the structure (flags: KD_PRINT_RADIX_HEX, KD_PRINT_ADDRESSES with addr): the
 * whole of it as struct -o shows it, or only the members named, each on its -o line.
 */
static void print_layout(kd_session *s, struct kd_sbuf *b, const kd_struct_spec *sp, uint64_t addr, unsigned flags)
{
	const kd_type *t = kd_struct_spec_type(sp);
	if (kd_struct_spec_count(sp) == 0) {
		kd_print_offsets(s, b, t, addr, flags);
		return;
	}
	kd_sbuf_printf(b, "%s %s {\n", kd_type_kind(t) == KD_TYPE_UNION ? "union" : "struct",
		       kd_type_name(t) ? kd_type_name(t) : "");
	const char *m;
	for (size_t i = 0; (m = kd_struct_spec_member(sp, i, NULL)); i++)
		if (kd_print_member_offset(s, b, t, m, addr, flags) < 0)
			kd_clear_error(s); /* a member with no line of its own (nothing to show) */
	kd_sbuf_puts(b, "}\n");
}

static int print_one(kd_session *s, const kd_struct_spec *sp, uint64_t addr, const struct struct_opts *so)
{
	struct kd_sbuf b = {0};
	int rc = 0;
	if (so->offsets)
		print_layout(s, &b, sp, addr, so->flags | KD_PRINT_ADDRESSES);
	else
		rc = kd_print_struct(s, &b, sp, addr, so->flags);
	if (rc == 0)
		kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return rc;
}

static int usage_fail(kd_session *s, const char *usage, const char *kind)
{
	kd_printf(s, "Usage:\n  %s\nEnter \"help %s\" for details.\n", usage, strcmp(kind, "union") ? "struct" : "union");
	kd_clear_error(s);
	return -1;
}

static int struct_command(kd_session *s, int argc, char **argv, const char *kind)
{
	const char *usage = strcmp(kind, "union") == 0 ? UNION_USAGE : STRUCT_USAGE;
	const char *spec = NULL;
	if (argv[0][0] == '*' && argv[0][1])
		spec = argv[0] + 1;
	else if (strcmp(argv[0], "struct") != 0 && strcmp(argv[0], "union") != 0 && strcmp(argv[0], "*") != 0)
		spec = argv[0]; /* a bare structure name */
	struct struct_opts so = {.flags = kd_output_radix(s) == 16 ? KD_PRINT_RADIX_HEX : 0};
	const char *list_arg = NULL;
	long count = 1;
	bool have_count = false;
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "ol:xdc:rfupv")) != -1) {
		switch (c) {
		case 'o': so.offsets = true; break;
		case 'l': list_arg = optarg; break;
		case 'x': so.flags |= KD_PRINT_RADIX_HEX; break;
		case 'd': so.flags &= ~KD_PRINT_RADIX_HEX; break;
		case 'c':
			count = strtol(optarg, NULL, 10);
			have_count = true;
			break;
		case 'r': case 'f': case 'u': case 'p': case 'v':
			opterr = 1;
			return kd_fail(s, "option -%c is not supported", c);
		default:
			opterr = 1;
			return usage_fail(s, usage, kind);
		}
	}
	opterr = 1;
	int ai = optind;
	if (!spec) {
		if (ai >= argc)
			return usage_fail(s, usage, kind);
		spec = argv[ai++];
	}
	const char *addr_arg = ai < argc ? argv[ai++] : NULL;
	if (ai < argc) {
		char *end;
		count = strtol(argv[ai], &end, 10);
		if (*end || count <= 0)
			return kd_fail(s, "invalid count: %s", argv[ai]);
		have_count = true;
		ai++;
	}
	if (ai < argc)
		return usage_fail(s, usage, kind);
	(void)have_count;
	/* type and members */
	kd_struct_spec *sp = kd_struct_spec_parse(s, spec, kind);
	if (!sp)
		return -1;
	int rc = 0;
	bool hex = so.flags & KD_PRINT_RADIX_HEX;
	if (list_arg) {
		uint64_t off = 0;
		char *end;
		if (strchr(list_arg, '.')) {
			kd_struct_spec *lsp = kd_struct_spec_parse(s, list_arg, "struct");
			struct kd_member_info mi;
			if (!lsp || kd_struct_spec_count(lsp) != 1)
				rc = kd_fail(s, "invalid -l option: %s", list_arg);
			else {
				kd_struct_spec_member(lsp, 0, &mi);
				off = mi.offset;
			}
			kd_struct_spec_free(lsp);
		} else {
			off = strtoull(list_arg, &end, 0);
			if (*end)
				rc = kd_fail(s, "invalid -l option: %s", list_arg);
		}
		so.list_offset = off;
		so.have_list_offset = true;
	}
	const kd_type *t = kd_struct_spec_type(sp);
	uint64_t size = kd_type_sizeof(s, t);
	if (rc == 0 && !addr_arg) {
		struct kd_sbuf b = {0};
		if (kd_struct_spec_count(sp) || so.offsets) {
			print_layout(s, &b, sp, 0, so.flags);
		} else {
			kd_print_type(s, &b, t, "", 1);
			kd_sbuf_printf(&b, hex ? "\nSIZE: 0x%llx\n" : "\nSIZE: %llu\n", (unsigned long long)size);
		}
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
	} else if (rc == 0) {
		int nr_cpus = kd_target(s)->nr_cpus;
		int max = nr_cpus > 1 ? nr_cpus : 1;
		uint64_t *addrs = kd_xcalloc((size_t)max, sizeof(*addrs));
		int *cpus = kd_xcalloc((size_t)max, sizeof(*cpus));
		int naddr = 0;
		rc = parse_address(s, addr_arg, addrs, cpus, max, &naddr);
		bool first = true;
		for (int a = 0; rc == 0 && a < naddr; a++) {
			if (kd_target(s)->dump_path && !kd_is_kvaddr(s, addrs[a])) {
				rc = kd_fail(s, "invalid kernel virtual address: %llx", (unsigned long long)addrs[a]);
				break;
			}
			uint64_t base = addrs[a] - (so.have_list_offset ? so.list_offset : 0);
			if (cpus[a] >= 0) {
				/* symbol:cpuspec: each CPU's copy under its own heading, as crash prints them */
				kd_printf(s, "[%d]: %llx\n", cpus[a], (unsigned long long)addrs[a]);
				first = true;
			}
			for (long i = 0; rc == 0 && i < count; i++) {
				if (!first)
					kd_printf(s, "\n");
				first = false;
				rc = print_one(s, sp, base + (uint64_t)i * size, &so);
			}
		}
		free(addrs);
		free(cpus);
	}
	kd_struct_spec_free(sp);
	return rc;
}

static int cmd_struct(kd_session *s, int argc, char **argv)
{
	return struct_command(s, argc, argv, "struct");
}

static int cmd_union(kd_session *s, int argc, char **argv)
{
	return struct_command(s, argc, argv, "union");
}

static int cmd_star(kd_session *s, int argc, char **argv)
{
	return struct_command(s, argc, argv, "struct");
}

#define STRUCT_HELP                                                                                                \
	"Prints a structure (or union) at an address, some of its members, or its\n"                              \
	"layout, as crash does. The address may be hex, a symbol, or symbol:cpuspec for\n"                          \
	"a per-CPU variable. Without an address it prints the definition.\n"                                        \
	"  .member[,member]  only these members; nested ones as a.b.c.\n"                                         \
	"  -o         member offsets; with an address, member addresses.\n"                                      \
	"  -l offset  the address is of an embedded list_head at this offset (or struct.member).\n"                \
	"  -x, -d     integers in hexadecimal or decimal.\n"                                                       \
	"  count      this many consecutive structures (also -c count).\n"                                         \
	"A structure name alone also works as a command (task_struct ADDR), as does\n"                              \
	"*name (the pointer-to short-cut).\n"                                                                       \
	"\n"                                                                                                        \
	"EXAMPLES\n"                                                                                                \
	"  kdive> struct task_struct.pid,comm ffffffffada1aa40\n"                                                  \
	"    pid = 0,\n"                                                                                            \
	"    comm = \"swapper/0\\000\\000\\000\\000\\000\\000\",\n"                                               \
	"  kdive> struct -o list_head\n"                                                                            \
	"  struct list_head {\n"                                                                                    \
	"     [0] struct list_head *next;\n"                                                                        \
	"     [8] struct list_head *prev;\n"                                                                        \
	"  }\n"                                                                                                     \
	"  SIZE: 16\n"

const struct kd_command kd_cmd_struct = {"struct", cmd_struct, STRUCT_USAGE, "structure contents", STRUCT_HELP,
					 KD_CMD_NEEDS_DUMP};
const struct kd_command kd_cmd_union = {"union", cmd_union, UNION_USAGE, "union contents", STRUCT_HELP,
					KD_CMD_NEEDS_DUMP};
const struct kd_command kd_cmd_star = {"*", cmd_star, "*struct_name[.member[,member]] [address | symbol] [count]",
				       "pointer-to short-cut for struct and union", STRUCT_HELP, KD_CMD_NEEDS_DUMP};
