/* sym: symbol to address and back, listings and searches, as crash prints them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

static void print_sym_line(kd_session *s, uint64_t addr, const struct kd_symbol *k, uint64_t off, bool with_line)
{
	kd_printf(s, "%llx (%c) %s", (unsigned long long)addr, k->type, k->name);
	if (off)
		kd_printf(s, "+%llu", (unsigned long long)off);
	char file[1024];
	int line;
	if (with_line && (k->type == 'T' || k->type == 't' || k->type == 'W') && kd_addr_to_line(s, addr, file, sizeof(file), &line) == 0)
		kd_printf(s, " %s: %d", file, line);
	kd_printf(s, "\n");
}

static int sym_name(kd_session *s, const char *name)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, name);
	if (!k)
		return kd_fail(s, "%s: symbol not found", name);
	print_sym_line(s, k->addr, k, 0, true);
	return 0;
}

static int sym_addr_arg(kd_session *s, uint64_t addr)
{
	const struct kd_symbol *k = kd_symbol_containing(s, addr);
	if (!k)
		return kd_fail(s, "%llx: no such symbol or address", (unsigned long long)addr);
	print_sym_line(s, addr, k, addr - k->addr, true);
	return 0;
}

static void list_all(kd_session *s, const char *substr)
{
	for (size_t i = 0, n = kd_symbol_count(s); i < n; i++) {
		const struct kd_symbol *k = kd_symbol_index(s, i);
		if (substr && !strstr(k->name, substr))
			continue;
		kd_printf(s, "%llx (%c) %s\n", (unsigned long long)k->addr, k->type, k->name);
	}
}

static int cmd_sym(kd_session *s, int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "lq:")) != -1) {
		switch (c) {
		case 'l': list_all(s, NULL); return 0;
		case 'q': list_all(s, optarg); return 0;
		default: return kd_usage(s);
		}
	}
	if (optind >= argc)
		return kd_usage(s);
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		uint64_t addr;
		/* A symbol name wins over hex digits ("add" is a word before it is 0xadd). */
		if (kd_symbol_lookup(s, argv[i]))
			rc |= sym_name(s, argv[i]);
		else if (kd_parse_hex_u64(argv[i], &addr))
			rc |= sym_addr_arg(s, addr);
		else
			rc |= kd_fail(s, "%s: symbol not found", argv[i]);
	}
	return rc ? -1 : 0;
}

const struct kd_command kd_cmd_sym = {
	"sym", cmd_sym, "sym [-l] | [-q string] | [symbol | vaddr]...", "translate symbols to addresses and back",
	"Prints the address, the type letter and the name of each symbol, with the\n"
	"source file and line of text symbols. An address prints as symbol+offset.\n"
	"  -l         list every symbol, sorted by address.\n"
	"  -q string  list every symbol whose name contains string.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sym schedule\n"
	"  ffffffff81c3b9a0 (T) schedule /build/linux/kernel/sched/core.c: 6624\n"
	"  kdive> sym ffffffff81c3b9c5\n"
	"  ffffffff81c3b9c5 (T) schedule+37 /build/linux/kernel/sched/core.c: 6629\n",
	KD_CMD_NEEDS_DUMP,
};
