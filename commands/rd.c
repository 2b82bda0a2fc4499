/* rd: read memory and display it as crash does. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

enum rd_mode { RD_HEX, RD_DEC, RD_UDEC, RD_SYM, RD_ASCII };

struct rd_opts {
	unsigned size; /* bytes per entry */
	enum rd_mode mode;
	enum kd_addr_space space;
	bool no_ascii;
	uint64_t count, end;
	bool has_end;
	bool has_count; /* a count was given (-a stops at a NUL otherwise) */
};

static int parse_addr(kd_session *s, const char *arg, uint64_t *addr)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, arg);
	if (k) {
		*addr = k->addr;
		return 0;
	}
	if (kd_parse_hex_u64(arg, addr))
		return 0;
	return kd_fail(s, "invalid address: %s", arg);
}

/* crash shows symbols for values inside the kernel image (text and data), not for other pointers. */
static bool in_kernel_image(kd_session *s, uint64_t v)
{
	uint64_t start, end;
	if (kd_symbol_addr(s, "_text", &start) < 0 || kd_symbol_addr(s, "_end", &end) < 0) {
		kd_clear_error(s);
		return false;
	}
	return v >= start && v < end;
}

static void print_ascii(kd_session *s, const uint8_t *b, size_t n)
{
	char line[129];
	size_t i;
	for (i = 0; i < n && i < 128; i++)
		line[i] = isprint(b[i]) ? (char)b[i] : '.';
	line[i] = '\0';
	kd_printf(s, "   %s", line);
}

static void print_entry(kd_session *s, const struct rd_opts *o, uint64_t v, bool last_in_line)
{
	int w = (int)o->size * 2;
	switch (o->mode) {
	case RD_DEC: {
		int64_t sv = o->size == 8 ? (int64_t)v : o->size == 4 ? (int32_t)v : o->size == 2 ? (int16_t)v : (int8_t)v;
		kd_printf(s, "%*lld", o->size == 8 ? 20 : o->size == 4 ? 11 : o->size == 2 ? 6 : 4, (long long)sv);
		break;
	}
	case RD_UDEC:
		kd_printf(s, "%*llu", o->size == 8 ? 20 : o->size == 4 ? 10 : o->size == 2 ? 5 : 3, (unsigned long long)v);
		break;
	case RD_SYM: {
		uint64_t off;
		const char *name = o->size == 8 ? kd_symbol_at(s, v, &off) : NULL;
		if (name && (in_kernel_image(s, v) || kd_module_at(s, v))) { /* vmlinux's image, or a module's memory */
			char buf[256];
			if (off)
				snprintf(buf, sizeof(buf), "%s+%llu", name, (unsigned long long)off);
			else
				snprintf(buf, sizeof(buf), "%s", name);
			kd_printf(s, "%-16s", buf);
		} else {
			kd_printf(s, "%0*llx", w, (unsigned long long)v);
		}
		break;
	}
	default: kd_printf(s, "%0*llx", w, (unsigned long long)v); break;
	}
	if (!last_in_line || o->mode == RD_SYM) /* crash ends each line of rd -s with a space */
		kd_printf(s, " ");
}

static int show_ascii_string(kd_session *s, const struct rd_opts *o, uint64_t addr)
{
	/* -a: printable strings, 60 characters per line, until a NUL or the count. */
	uint64_t limit = o->has_end ? o->end - addr : o->has_count && o->count ? o->count : 4096;
	char buf[61];
	while (limit) {
		size_t n = (size_t)MIN(limit, 60);
		uint8_t raw[60];
		if (kd_read(s, addr, o->space, raw, n) < 0)
			return -1;
		size_t i = 0;
		for (; i < n && raw[i]; i++)
			buf[i] = isprint(raw[i]) ? (char)raw[i] : '.';
		buf[i] = '\0';
		if (i)
			kd_printf(s, "%llx:  %s\n", (unsigned long long)addr, buf);
		if (i < n)
			break;
		addr += n;
		limit -= n;
	}
	return 0;
}

static int display(kd_session *s, const struct rd_opts *o, uint64_t addr)
{
	if (o->mode == RD_ASCII)
		return show_ascii_string(s, o, addr);
	uint64_t count = o->has_end ? (o->end > addr ? (o->end - addr + o->size - 1) / o->size : 0) : o->count;
	unsigned per_line = 16 / o->size;
	if (o->mode == RD_DEC || o->mode == RD_UDEC)
		per_line = o->size == 8 ? 2 : o->size == 4 ? 4 : o->size == 2 ? 8 : 16;
	bool ascii = o->mode == RD_HEX && !o->no_ascii;
	uint8_t line[16];
	for (uint64_t i = 0; i < count;) {
		unsigned n = (unsigned)MIN((uint64_t)per_line, count - i);
		if (kd_read(s, addr, o->space, line, (size_t)n * o->size) < 0)
			return -1;
		kd_printf(s, "%llx:  ", (unsigned long long)addr);
		for (unsigned j = 0; j < n; j++) {
			uint64_t v = 0;
			memcpy(&v, line + j * o->size, o->size);
			print_entry(s, o, v, j + 1 == n);
		}
		if (ascii) {
			for (unsigned j = n; j < per_line; j++)
				kd_printf(s, " %*s", (int)o->size * 2, "");
			print_ascii(s, line, (size_t)n * o->size);
		}
		kd_printf(s, "\n");
		addr += (uint64_t)n * o->size;
		i += n;
	}
	return 0;
}

static int cmd_rd(kd_session *s, int argc, char **argv)
{
	struct rd_opts o = {.size = 8, .mode = RD_HEX, .space = KD_KVADDR, .count = 1};
	int c;
	static const struct option longopts[] = {{"8", no_argument, NULL, '1'}, {"16", no_argument, NULL, '2'},
						 {"32", no_argument, NULL, '4'}, {"64", no_argument, NULL, '6'}, {0, 0, 0, 0}};
	while ((c = getopt_long_only(argc, argv, "sadDxpuNe:", longopts, NULL)) != -1) {
		switch (c) {
		case '1': o.size = 1; break;
		case '2': o.size = 2; break;
		case '4': o.size = 4; break;
		case '6': o.size = 8; break;
		case 's': o.mode = RD_SYM; o.size = 8; break;
		case 'a': o.mode = RD_ASCII; break;
		case 'd': o.mode = RD_DEC; break;
		case 'D': o.mode = RD_UDEC; break;
		case 'x': o.no_ascii = true; break;
		case 'p': o.space = KD_PHYSADDR; break;
		case 'u': o.space = KD_UVADDR; break;
		case 'N': break;
		case 'e':
			if (parse_addr(s, optarg, &o.end) < 0)
				return -1;
			o.has_end = true;
			break;
		default: return kd_usage(s);
		}
	}
	if (optind >= argc)
		return kd_usage(s);
	uint64_t addr;
	if (parse_addr(s, argv[optind], &addr) < 0)
		return -1;
	if (optind + 1 < argc && !kd_parse_u64(argv[optind + 1], &o.count))
		return kd_fail(s, "invalid count: %s", argv[optind + 1]);
	o.has_count = optind + 1 < argc;
	if (o.count > (1ULL << 32))
		return kd_fail(s, "count %llu is too large", (unsigned long long)o.count);
	return display(s, &o, addr);
}

const struct kd_command kd_cmd_rd = {
	"rd", cmd_rd, "rd [-8|-16|-32|-64] [-s|-a|-d|-D|-x] [-p|-u] address [count | -e end]", "read memory",
	"Displays memory at a kernel virtual address (default), a physical address (-p)\n"
	"or a user virtual address of the current context (-u). The address may be a symbol.\n"
	"  -8 -16 -32 -64  entry size (default 64 bits)\n"
	"  -s              symbolic: values that are kernel text or data addresses print as symbol+offset\n"
	"  -a              ASCII strings\n"
	"  -d / -D         signed / unsigned decimal\n"
	"  -x              no ASCII column\n"
	"  -e end          display up to this address instead of a count\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> rd linux_banner 2\n"
	"  kdive> rd -s ffffc90000013e58 16\n",
	KD_CMD_NEEDS_DUMP,
};
