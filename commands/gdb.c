/*
 * gdb: the gdb commands crash users pass through most, served by kdive's own expression,
 * type, symbol and line layers (kdive has no gdb inside), printed in gdb's formats.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <kdive/kdive.h>

/* crash's line when gdb refused a request (gdb's own reason has gone to the error stream). */
static int request_failed(kd_session *s, const char *request)
{
	if (kd_last_error(s)[0]) {
		fflush(kd_out(s));
		fprintf(stderr, "%s\n", kd_last_error(s));
	}
	return kd_fail(s, "gdb request failed: %s", request);
}

/* "0xADDR <sym+off>" as gdb prints a code or data address: the symbol only inside one. */
static void symbolic(kd_session *s, struct kd_sbuf *b, uint64_t addr)
{
	kd_sbuf_printf(b, "0x%llx", (unsigned long long)addr);
	const struct kd_symbol *sym = kd_symbol_containing(s, addr);
	if (sym && kd_symbol_is_percpu(s, sym->name, NULL))
		sym = NULL; /* a per-CPU variable's symbol is an offset, not an address gdb names */
	if (sym && addr >= sym->addr && (addr < sym->addr + sym->size || (!sym->size && addr == sym->addr))) {
		if (addr == sym->addr)
			kd_sbuf_printf(b, " <%s>", sym->name);
		else
			kd_sbuf_printf(b, " <%s+%llu>", sym->name, (unsigned long long)(addr - sym->addr));
	}
}

/* ---- p, ptype, whatis ---- */

static int gdb_print(kd_session *s, const char *cmd, const char *expr, const char *request)
{
	/* p/FMT is crash's p with gdb's format: no "symbol = " leader, as gdb prints */
	const char *slash = strchr(cmd, '/');
	char *line = kd_xasprintf("p/%s %s", slash ? slash + 1 : "", expr);
	int rc = kd_run_command(s, line);
	free(line);
	return rc < 0 ? request_failed(s, request) : 0;
}

static int gdb_whatis(kd_session *s, const char *expr, const char *request)
{
	const kd_type *t = kd_type_find(s, expr);
	struct kd_value v;
	if (!t) {
		if (kd_cexpr_eval(s, expr, &v) < 0)
			return request_failed(s, request);
		t = v.type;
	}
	struct kd_sbuf b = {0};
	kd_print_type(s, &b, t, "", -1);
	kd_printf(s, "type = %s\n", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return 0;
}

/* ---- x/FMT ---- */

#define X_STRING_MAX 65536 /* the longest string x/s prints (crash's gdb has no limit) */

struct xfmt {
	unsigned long count;
	char fmt;   /* x d u o t a c s i */
	int size;   /* 1 2 4 8 */
};

/* x's format: as gdb, a letter or size not given is the last one used (x and w at first). */
static int parse_xfmt(kd_session *s, const char *spec, struct xfmt *f)
{
	long last_fmt = 0, last_size = 0;
	kd_option_get(s, "gdb_x_format", &last_fmt);
	kd_option_get(s, "gdb_x_size", &last_size);
	f->count = 1;
	f->fmt = last_fmt ? (char)last_fmt : 'x';
	f->size = 0;
	if (spec) {
		const char *p = spec;
		if (isdigit((unsigned char)*p)) {
			f->count = strtoul(p, (char **)&p, 10);
			if (f->count == 0 || f->count > 65536)
				return kd_fail(s, "Invalid number \"%s\".", spec);
		}
		for (; *p; p++) {
			switch (*p) {
			case 'b': f->size = 1; break;
			case 'h': f->size = 2; break;
			case 'w': f->size = 4; break;
			case 'g': f->size = 8; break;
			case 'x': case 'd': case 'u': case 'o': case 't': case 'a': case 'c': case 's': case 'i': case 'z':
				f->fmt = *p == 'z' ? 'x' : *p;
				break;
			default:
				return kd_fail(s, "Undefined output format \"%c\".", *p);
			}
		}
	}
	if (f->fmt == 'a')
		f->size = 8;
	else if (f->fmt == 'c' && !f->size)
		f->size = 1;
	else if (!f->size)
		f->size = last_size && f->fmt != 's' && f->fmt != 'i' ? (int)last_size : 4;
	kd_option_set(s, "gdb_x_format", f->fmt);
	if (f->fmt != 's' && f->fmt != 'i')
		kd_option_set(s, "gdb_x_size", f->size);
	return 0;
}

static void x_value(struct kd_sbuf *b, const struct xfmt *f, uint64_t v, kd_session *s)
{
	int bits = f->size * 8;
	uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	v &= mask;
	int64_t sv = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
	switch (f->fmt) {
	case 'x': kd_sbuf_printf(b, "0x%0*llx", f->size * 2, (unsigned long long)v); break;
	case 'd': kd_sbuf_printf(b, "%lld", (long long)sv); break;
	case 'u': kd_sbuf_printf(b, "%llu", (unsigned long long)v); break;
	case 'o': kd_sbuf_printf(b, v ? "0%llo" : "%llo", (unsigned long long)v); break;
	case 't':
		for (int i = bits - 1; i >= 0; i--)
			kd_sbuf_putc(b, (v >> i) & 1 ? '1' : '0');
		break;
	case 'a': symbolic(s, b, v); break;
	case 'c': {
		int c = (int)(int8_t)v;
		if (c >= 0x20 && c < 0x7f)
			kd_sbuf_printf(b, c == '\'' || c == '\\' ? "%d '\\%c'" : "%d '%c'", c, c);
		else
			kd_sbuf_printf(b, "%d '\\%03o'", c, (unsigned)v & 0xff);
		break;
	}
	default: break;
	}
}

/* An address operand named by gdb's minimal-symbol choice, as x/i shows it. */
static void x_operand(kd_session *s, uint64_t addr, char *buf, size_t size, void *arg)
{
	(void)arg;
	struct kd_sbuf b = {0};
	kd_print_symbolic(s, &b, addr);
	snprintf(buf, size, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
}

/* x/Ni: N instructions from addr, as gdb prints them ("   0x... <sym+off>:\tpush   %rbp"). */
static int gdb_x_insns(kd_session *s, uint64_t addr, unsigned long count)
{
	for (unsigned long n = 0; n < count; n++) {
		uint8_t bytes[16];
		size_t got = 0;
		if (kd_read_kv(s, addr, bytes, sizeof(bytes)) == 0)
			got = sizeof(bytes);
		else /* near the end of what the dump has: the bytes up to it */
			while (got < sizeof(bytes) && kd_read_kv(s, addr + got, bytes + got, 1) == 0)
				got++;
		kd_clear_error(s);
		struct kd_sbuf b = {0};
		symbolic(s, &b, addr);
		struct kd_insn in;
		if (!got || kd_disasm_one(s, addr, bytes, got, x_operand, NULL, &in) < 0) {
			kd_clear_error(s);
			kd_printf(s, "   %s:\tCannot access memory at address 0x%llx\n", kd_sbuf_str(&b),
				  (unsigned long long)(addr + got));
			kd_sbuf_free(&b);
			return 0;
		}
		kd_printf(s, "   %s:\t%s\n", kd_sbuf_str(&b), in.text);
		kd_sbuf_free(&b);
		addr += in.len ? in.len : 1;
	}
	return 0;
}

static int gdb_x(kd_session *s, const char *spec, const char *expr, const char *request)
{
	struct xfmt f;
	if (parse_xfmt(s, spec, &f) < 0)
		return request_failed(s, request);
	if (!*expr)
		return kd_fail(s, "Argument required (starting display address).");
	uint64_t addr;
	if (kd_cexpr_eval_u64(s, expr, &addr) < 0)
		return request_failed(s, request);
	if (f.fmt == 'i')
		return gdb_x_insns(s, addr, f.count);
	if (f.fmt == 's') {
		for (unsigned long n = 0; n < f.count; n++) {
			struct kd_sbuf b = {0};
			symbolic(s, &b, addr);
			kd_sbuf_puts(&b, ":\t");
			unsigned char c;
			size_t len = 0;
			for (;; len++) {
				if (kd_read_kv(s, addr + len, &c, 1) < 0) {
					kd_clear_error(s);
					kd_printf(s, "%s%s<error: Cannot access memory at address 0x%llx>\n", kd_sbuf_str(&b), len ? "\"" : "",
						  (unsigned long long)(addr + len));
					kd_sbuf_free(&b);
					return 0;
				}
				if (!len)
					kd_sbuf_putc(&b, '"');
				if (!c || len >= X_STRING_MAX)
					break;
				if (c == '\n')
					kd_sbuf_puts(&b, "\\n");
				else if (c == '\t')
					kd_sbuf_puts(&b, "\\t");
				else if (c == '"' || c == '\\')
					kd_sbuf_printf(&b, "\\%c", c);
				else if (c < 0x20 || c >= 0x7f)
					kd_sbuf_printf(&b, "\\%03o", c);
				else
					kd_sbuf_putc(&b, (char)c);
			}
			kd_sbuf_puts(&b, c ? "\"...\n" : "\"\n");
			kd_printf(s, "%s", kd_sbuf_str(&b));
			kd_sbuf_free(&b);
			addr += len + (c ? 0 : 1);
		}
		return 0;
	}
	/* gdb's items per line: 8 bytes or halfwords, 4 words, 2 giants */
	unsigned per_line = f.size <= 2 ? 8 : f.size == 4 ? 4 : 2;
	if (f.fmt == 'c')
		per_line = 8;
	for (unsigned long n = 0; n < f.count;) {
		struct kd_sbuf b = {0};
		symbolic(s, &b, addr);
		kd_sbuf_putc(&b, ':');
		for (unsigned i = 0; i < per_line && n < f.count; i++, n++, addr += (uint64_t)f.size) {
			uint64_t v = 0;
			if (kd_read_kv(s, addr, &v, (size_t)f.size) < 0) {
				/* the line ends with the error of crash's reader behind gdb */
				kd_printf(s, "%s\tgdb: invalid %s virtual address: %llx  type: \"gdb_readmem_callback\"\n", kd_sbuf_str(&b),
					  kd_is_kvaddr(s, addr) ? "kernel" : "user", (unsigned long long)addr);
				kd_sbuf_free(&b);
				kd_clear_error(s);
				return kd_fail(s, "gdb request failed: %s", request);
			}
			kd_sbuf_putc(&b, '\t');
			x_value(&b, &f, v, s);
		}
		kd_printf(s, "%s\n", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
	}
	return 0;
}

/* ---- info symbol, info line, list ---- */

static int gdb_info_symbol(kd_session *s, const char *expr, const char *request)
{
	uint64_t addr;
	if (!*expr)
		return kd_fail(s, "Argument required (address).");
	if (kd_cexpr_eval_u64(s, expr, &addr) < 0)
		return request_failed(s, request);
	const struct kd_symbol *sym = kd_symbol_containing(s, addr);
	const char *sec = kd_symbol_section(s, addr);
	if (!sym || !sec || addr < sym->addr || (sym->size && addr >= sym->addr + sym->size)) {
		kd_printf(s, "No symbol matches %s.\n", expr);
		return 0;
	}
	if (addr == sym->addr)
		kd_printf(s, "%s in section %s", sym->name, sec);
	else
		kd_printf(s, "%s + %llu in section %s", sym->name, (unsigned long long)(addr - sym->addr), sec);
	if (sym->module)
		kd_printf(s, " of %s", sym->module);
	kd_printf(s, "\n");
	return 0;
}

/* The address a linespec names: *EXPR, or a function. */
static int linespec_addr(kd_session *s, const char *spec, uint64_t *addr)
{
	if (spec[0] == '*')
		return kd_cexpr_eval_u64(s, spec + 1, addr);
	return kd_symbol_addr(s, spec, addr);
}

#define LINE_SCAN 4096 /* how far info line looks for where a line's code ends */

static int gdb_info_line(kd_session *s, const char *spec, const char *request)
{
	uint64_t addr, start, next;
	char file[512], f2[512];
	int line, l2;
	if (!*spec)
		return kd_fail(s, "info line needs a function or *ADDRESS here (there is no default source line)");
	if (linespec_addr(s, spec, &addr) < 0)
		return request_failed(s, request);
	if (kd_addr_line_entry(s, addr, file, sizeof(file), &line, &start) < 0) {
		kd_clear_error(s);
		if (!addr) {
			kd_printf(s, "No line number information available.\n");
			return 0;
		}
		struct kd_sbuf b = {0};
		symbolic(s, &b, addr);
		kd_printf(s, "No line number information available for address %s\n", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
		return 0;
	}
	/* The entry ends where the next one of the line table begins. */
	uint64_t end = addr + 1;
	while (end < addr + LINE_SCAN && kd_addr_line_entry(s, end, f2, sizeof(f2), &l2, &next) == 0 && next == start)
		end++;
	kd_clear_error(s);
	struct kd_sbuf a = {0}, b = {0};
	symbolic(s, &a, start);
	symbolic(s, &b, end);
	kd_printf(s, "Line %d of \"%s\" starts at address %s and ends at %s.\n", line, file, kd_sbuf_str(&a),
		  kd_sbuf_str(&b));
	kd_sbuf_free(&a);
	kd_sbuf_free(&b);
	return 0;
}

static int gdb_list(kd_session *s, const char *spec, const char *request)
{
	uint64_t addr, start;
	char file[512], full[1024];
	int line;
	if (!*spec)
		return kd_fail(s, "list needs a function or *ADDRESS here (there is no default source line)");
	if (linespec_addr(s, spec, &addr) < 0)
		return request_failed(s, request);
	if (kd_addr_line_entry(s, addr, file, sizeof(file), &line, &start) < 0 ||
	    kd_addr_to_line(s, addr, full, sizeof(full), &line) < 0)
		return kd_fail(s, "No line number information available for address 0x%llx", (unsigned long long)addr);
	/* gdb centres the listing on the line: five before it, ten in all */
	int first = line > 5 ? line - 5 : 1;
	FILE *f = fopen(full, "r");
	if (!f)
		f = fopen(file, "r");
	if (!f) {
		kd_printf(s, "%d\t%s: No such file or directory.\n", first, file);
		return 0;
	}
	char buf[4096];
	for (int n = 1; n < first + 10 && fgets(buf, sizeof(buf), f); n++)
		if (n >= first)
			kd_printf(s, "%d\t%s%s", n, buf, strchr(buf, '\n') ? "" : "\n");
	fclose(f);
	return 0;
}

/* ---- info registers ---- */

/* gdb's general registers, in its order, and how it shows each one's natural value. */
static const struct {
	const char *name;
	char kind; /* l: long, p: data pointer, c: code pointer */
} info_regs[] = {
	{"rax", 'l'}, {"rbx", 'l'}, {"rcx", 'l'}, {"rdx", 'l'}, {"rsi", 'l'}, {"rdi", 'l'}, {"rbp", 'p'}, {"rsp", 'p'},
	{"r8", 'l'},  {"r9", 'l'},  {"r10", 'l'}, {"r11", 'l'}, {"r12", 'l'}, {"r13", 'l'}, {"r14", 'l'}, {"r15", 'l'},
	{"rip", 'c'}, {"eflags", 'l'}, {"cs", 'l'}, {"ss", 'l'}, {"ds", 'l'}, {"es", 'l'}, {"fs", 'l'}, {"gs", 'l'},
};

static void register_line(kd_session *s, const char *name, char kind)
{
	uint64_t v;
	if (kd_register_value(s, name, &v) <= 0) {
		kd_printf(s, "%-15s<unavailable>\n", name);
		return;
	}
	char raw[32];
	snprintf(raw, sizeof(raw), "0x%llx", (unsigned long long)v);
	struct kd_sbuf nat = {0};
	if (kind == 'c' || kind == 'p')
		symbolic(s, &nat, v); /* a pointer, with the symbol it points at */
	else
		kd_sbuf_printf(&nat, "%lld", (long long)v);
	kd_printf(s, "%-15s%-19s %s\n", name, raw, kd_sbuf_str(&nat));
	kd_sbuf_free(&nat);
}

static int gdb_info_registers(kd_session *s, int argc, char **argv)
{
	if (!argc) {
		for (size_t i = 0; i < sizeof(info_regs) / sizeof(info_regs[0]); i++)
			register_line(s, info_regs[i].name, info_regs[i].kind);
		return 0;
	}
	for (int a = 0; a < argc; a++) {
		const char *want = argv[a][0] == '$' ? argv[a] + 1 : argv[a];
		uint64_t v;
		if (kd_register_value(s, want, &v) < 0)
			return kd_fail(s, "Invalid register `%s'", want);
		char kind = 'l';
		for (size_t i = 0; i < sizeof(info_regs) / sizeof(info_regs[0]); i++)
			if (!strcmp(want, info_regs[i].name))
				kind = info_regs[i].kind;
		if (!strcmp(want, "pc"))
			kind = 'c';
		else if (!strcmp(want, "sp") || !strcmp(want, "fp"))
			kind = 'p';
		register_line(s, want, kind);
	}
	return 0;
}

/* ---- the command ---- */

static int cmd_gdb(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_usage(s);
	char *request = kd_args_join(argc, argv, 1);
	char *rest = kd_args_join(argc, argv, 2);
	const char *sub = argv[1];
	char word[64];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(sub, "/"), sub);
	const char *slash = strchr(sub, '/');
	int rc;
	if (!strcmp(word, "p") || !strcmp(word, "print") || !strcmp(word, "output") || !strcmp(word, "call"))
		rc = *rest ? gdb_print(s, sub, rest, request) : kd_fail(s, "gdb's value history ($) is not kept: give an expression");
	else if (!strcmp(word, "ptype")) {
		char *line = kd_xasprintf("ptype %s", rest);
		rc = kd_run_command(s, line);
		free(line);
	} else if (!strcmp(word, "whatis"))
		rc = gdb_whatis(s, rest, request);
	else if (!strcmp(word, "x"))
		rc = gdb_x(s, slash ? slash + 1 : NULL, rest, request);
	else if (!strcmp(word, "list") || !strcmp(word, "l"))
		rc = gdb_list(s, rest, request);
	else if (!strcmp(word, "info") && argc > 2 && !strcmp(argv[2], "symbol"))
		rc = gdb_info_symbol(s, argc > 3 ? request + strlen("info symbol ") : "", request);
	else if (!strcmp(word, "info") && argc > 2 && !strcmp(argv[2], "line"))
		rc = gdb_info_line(s, argc > 3 ? request + strlen("info line ") : "", request);
	else if (!strcmp(word, "info") && argc > 2 && (!strcmp(argv[2], "registers") || !strcmp(argv[2], "reg") ||
						       !strcmp(argv[2], "r")))
		rc = gdb_info_registers(s, argc - 3, argv + 3);
	else
		rc = kd_fail(s, "gdb %s: not available: kdive serves p, print, ptype, whatis, x/FMT, info symbol, "
				"info line, info registers and list itself and has no gdb for the rest",
			     word);
	free(rest);
	free(request);
	return rc;
}

const struct kd_command kd_cmd_gdb = {
	"gdb", cmd_gdb, "gdb command ...", "gdb command",
	"crash passes these commands to its embedded gdb. kdive has no gdb inside: it\n"
	"answers the ones crash users pass most with its own expression, type, symbol and\n"
	"line layers, in gdb's output formats, and refuses the others with one line.\n"
	"\n"
	"  p[/FMT] EXPR       print a C expression (/x hexadecimal, /d decimal); $rip,\n"
	"                     $sp, $rax, $eax... are the current context's registers.\n"
	"  ptype EXPR|TYPE    a type with its members expanded.\n"
	"  whatis EXPR|TYPE   the type's name, one level.\n"
	"  x/NFU ADDR         N units of memory at ADDR. F: x d u o t a c s, or i (N\n"
	"                     instructions, as dis decodes them); U: b h w g (1, 2, 4, 8\n"
	"                     bytes; w if none).\n"
	"  info symbol ADDR   the symbol and section an address is in.\n"
	"  info line FUNC|*ADDR  the source line there and the code it spans.\n"
	"  list FUNC|*ADDR    the source lines around it, when the file is at hand (the\n"
	"                     path the kernel was built with, relative to here).\n"
	"  info registers [REG...]  the current context's registers: a task on a CPU\n"
	"                     has that CPU's registers from the dump's notes, a sleeping\n"
	"                     task what its switch frame saved; the others are\n"
	"                     <unavailable>, and so, as in crash, are eflags and the\n"
	"                     segment selectors.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> gdb p jiffies\n"
	"  $1 = 4294895443\n"
	"  kdive> gdb x/2g &jiffies\n"
	"  0xffffffffb0a079c0 <jiffies_64>:\t0x00000000fffee753\t0x0000000000000000\n"
	"  kdive> gdb info symbol schedule+10\n"
	"  schedule + 10 in section .text\n"
	"  kdive> gdb info registers rip\n"
	"  rip            0xffffffffaf9f77a1  0xffffffffaf9f77a1 <delay_tsc+49>\n",
	KD_CMD_NEEDS_DUMP,
};
