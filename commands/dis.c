/*
 * dis: disassembly as crash 8.0.6 prints it. crash asks its gdb for "x/Ni ADDR" and rewrites
 * each line: the address's <symbol+offset> in crash's own naming and radix, the same for the
 * address operand at the end of the line, " [FTRACE NOP]" after a function's first nop. Here
 * the instructions come from kd_disasm_one (libopcodes, gdb's decoder) over the bytes of the
 * whole range, read from the dump at once, and are written in that final form directly.
 *
 * Forms: a function (the whole of it), ADDR [COUNT] (one instruction, or COUNT), -r (from the
 * function's start up to ADDR), -f (from ADDR to the function's end), -l (source lines), -s
 * (the source listing), -u (user memory of the context task), -x/-d (offsets' radix), -b.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

#define INSN_MAX_BYTES 15
#define DIS_MAX_INSNS (1u << 20)         /* a bound on any one listing */
#define DIS_MAX_RANGE (16ull << 20)      /* and on the bytes of a range (no function is 16 MiB) */
#define SOURCE_LISTSIZE 10               /* gdb's listsize: "list *ADDR" shows line-5 .. line+4 */

struct dis_opts {
	int radix;              /* of the <symbol+offset> offsets: 10 or 16 */
	bool reverse, forward, lines, sources, user, unfiltered;
	bool count_entered;
	uint64_t count;
	const char *arg;        /* the address argument as typed (crash's req->buf) */
};

/* crash's error(WARNING, ...): in the output, and on the terminal when the output goes elsewhere. */
__attribute__((format(printf, 2, 3))) static void warning(kd_session *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	kd_info(s, "WARNING: %s", line);
}

static bool is_text(const struct kd_symbol *k)
{
	return k && (k->type == 'T' || k->type == 't' || k->type == 'W' || k->type == 'w');
}

/* crash's can_eval: a parenthesised expression, or an operator with something on both sides. */
static bool can_eval(const char *a)
{
	size_t n = strlen(a);
	if (n > 2 && a[0] == '(' && a[n - 1] == ')') {
		int open = 0, close = 0;
		for (const char *p = a; *p; p++)
			open += *p == '(', close += *p == ')';
		if (open == 1 && close == 1)
			return true;
	}
	const char *op = strpbrk(a, "><+-&|*/%^");
	return op && op > a && op[1];
}

static bool hexadecimal(const char *a)
{
	const char *d = strncmp(a, "0x", 2) == 0 || strncmp(a, "0X", 2) == 0 ? a + 2 : a;
	return *d && strspn(d, "0123456789abcdefABCDEF") == strlen(d);
}

/* ---- symbols as crash names them in dis output ---- */

/*
 * What follows an address operand. gdb annotates an address it has a symbol for (vmlinux's, or
 * a module's once its object file is loaded), crash then renames it with its own value search;
 * a jump to a bare address (module text gdb does not know) gets crash's name appended too.
 */
struct naming {
	int radix;
	bool jump; /* the instruction is a jump (crash annotates those even where gdb did not) */
};

/*
 * gdb names the address: vmlinux's by its minimal symbols (none in a section without one, or
 * past a sized symbol's end), a module's by the symbols crash gives it (kallsyms, or the
 * object file's once loaded).
 */
static bool gdb_knows(kd_session *s, uint64_t addr)
{
	uint64_t off;
	const struct kd_symbol *k = kd_symbol_search_value(s, addr, &off);
	if (k && k->module)
		return true;
	struct kd_sbuf b = {0};
	kd_print_symbolic(s, &b, addr);
	bool known = b.len > 0;
	kd_sbuf_free(&b);
	return known;
}

static void name_operand(kd_session *s, uint64_t addr, char *buf, size_t size, void *arg)
{
	const struct naming *n = arg;
	char name[384];
	buf[0] = '\0';
	if (!(gdb_knows(s, addr) || n->jump))
		return;
	if (kd_symbol_describe(s, addr, n->radix, name, sizeof(name)))
		snprintf(buf, size, " <%s>", name);
	else if (!n->jump)
		snprintf(buf, size, " <>");
}

/* ---- reading the text ---- */

struct text {
	uint64_t start;
	uint8_t *bytes;
	size_t len;       /* readable from start */
	bool failed;      /* the read stopped short of what was asked (at start + len) */
};

/* Read [start, start+len) as far as it goes, page by page once a whole read fails. */
static void read_text(kd_session *s, bool user, uint64_t start, size_t len, struct text *t)
{
	enum kd_addr_space space = user ? KD_UVADDR : KD_KVADDR;
	free(t->bytes);
	t->start = start;
	t->bytes = kd_xmalloc(len ? len : 1);
	t->len = 0;
	t->failed = false;
	if (kd_read(s, start, space, t->bytes, len) == 0) {
		t->len = len;
		return;
	}
	kd_clear_error(s);
	while (t->len < len) {
		uint64_t a = start + t->len;
		size_t chunk = 4096 - (a & 4095);
		if (chunk > len - t->len)
			chunk = len - t->len;
		if (kd_read(s, a, space, t->bytes + t->len, chunk) < 0) {
			kd_clear_error(s);
			t->failed = true;
			return;
		}
		t->len += chunk;
	}
}

/* ---- the listing ---- */

struct line {
	uint64_t addr;
	char text[KD_INSN_TEXT_MAX + 512];
};

static bool is_jump(const char *text)
{
	return text[0] == 'j';
}

/*
 * Decode one instruction at addr from t (reading more when t runs out); false when its bytes
 * cannot be read. The text is crash's: jumps named even without gdb's symbol.
 */
static bool decode(kd_session *s, bool user, struct text *t, uint64_t addr, int radix, bool raw, struct kd_insn *in)
{
	if (addr < t->start || addr - t->start + INSN_MAX_BYTES > t->len) {
		if (!t->failed || addr < t->start || addr - t->start >= t->len)
			read_text(s, user, addr, 4096, t);
	}
	if (addr < t->start || addr - t->start >= t->len)
		return false;
	const uint8_t *p = t->bytes + (addr - t->start);
	size_t avail = t->len - (addr - t->start);
	struct naming n = {radix, false};
	if (kd_disasm_one(s, addr, p, avail, raw ? NULL : name_operand, &n, in) < 0) {
		kd_clear_error(s);
		return false;
	}
	if (!raw && is_jump(in->text) && in->has_target) {
		n.jump = true; /* crash's filter names a jump's bare target */
		kd_disasm_one(s, addr, p, avail, name_operand, &n, in);
	}
	if (raw && in->has_target) {
		/* gdb's own x/i (dis -u, or an address crash has no symbol for): gdb's names only */
		struct naming g = {10, false};
		kd_disasm_one(s, addr, p, avail, name_operand, &g, in);
	}
	long bug = 0;
	if (kd_option_get(s, "dis_bug_bytes", &bug) && bug > 0 && strncmp(in->text, "ud2", 3) == 0 &&
	    (in->text[3] == ' ' || in->text[3] == 'a' || !in->text[3]))
		in->len += (unsigned)bug; /* crash's gdb skips the BUG() encoding after a ud2 */
	return true;
}

static void source_line(kd_session *s, uint64_t addr, char *buf, size_t size)
{
	char file[1024];
	int line;
	buf[0] = '\0';
	/* crash asks only for kernel text: here, an address a text symbol holds */
	if ((kd_unwind_is_text(s, addr) || is_text(kd_symbol_search_value(s, addr, NULL))) &&
	    kd_addr_to_line(s, addr, file, sizeof(file), &line) == 0)
		snprintf(buf, size, "%s: %d", file, line);
}

/* One line of crash's output: "0xADDR <sym+off>:\tTEXT", with the ftrace marker. */
static void format_line(kd_session *s, const struct kd_insn *in, int radix, struct line *out)
{
	char name[384];
	uint64_t off = 1;
	kd_symbol_describe(s, in->addr, radix, name, sizeof(name));
	const struct kd_symbol *k = kd_symbol_search_value(s, in->addr, &off);
	bool marker = k && off == 0 &&
		      (strstr(in->text, "nopl   0x0(%rax,%rax,1)") || strstr(in->text, "data32 data32 data32 xchg %ax,%ax"));
	out->addr = in->addr;
	snprintf(out->text, sizeof(out->text), "0x%llx <%s>:\t%s%s\n", (unsigned long long)in->addr, name, in->text,
		 marker ? " [FTRACE NOP]" : "");
}

/* gdb's x/Ni for dis -u and for an address crash has no symbol for: "   0xADDR <sym>:\tTEXT". */
static int raw_listing(kd_session *s, const struct dis_opts *o, uint64_t addr)
{
	struct text t = {0};
	uint64_t n = o->count ? o->count : 1;
	for (uint64_t i = 0; i < n && i < DIS_MAX_INSNS; i++) {
		struct kd_insn in;
		char name[384] = "";
		if (gdb_knows(s, addr))
			kd_symbol_describe(s, addr, 10, name, sizeof(name));
		kd_printf(s, "   0x%llx%s%s%s:\t", (unsigned long long)addr, name[0] ? " <" : "", name, name[0] ? ">" : "");
		if (!decode(s, o->user, &t, addr, 10, true, &in)) {
			free(t.bytes);
			/* gdb's memory error: crash's read callback names the address, twice (gdb reads
			 * the 16 bytes around it first, then the address itself); a kernel-mode read
			 * below the kernel's half says nothing */
			if (o->user || kd_is_kvaddr(s, addr)) {
				const char *space = o->user ? "user" : "kernel";
				static const char fmt[] = "dis: invalid %s virtual address: %llx  type: \"gdb_readmem_callback\"";
				kd_info(s, fmt, space, (unsigned long long)(addr & ~0xfULL));
				return kd_fail(s, "invalid %s virtual address: %llx  type: \"gdb_readmem_callback\"", space,
					       (unsigned long long)addr);
			}
			return kd_error(s, KD_EFAULT, addr, "%s", "");
		}
		kd_printf(s, "%s\n", in.text);
		addr += in.len;
	}
	free(t.bytes);
	return 0;
}

/*
 * The function around addr as crash bounds it. A module's: up to its next kallsyms symbol (crash's
 * kallsyms function size). vmlinux's: gdb's function range, which is the ELF symbol's extent by
 * gdb's minimal-symbol choice (for assembly, the sized symbol that holds it, as the retpoline
 * thunk array holds each thunk), a size-less label reaching the next symbol.
 */
static bool function_range(kd_session *s, uint64_t addr, uint64_t *low, uint64_t *high)
{
	uint64_t off, start, size;
	const struct kd_symbol *k = kd_symbol_search_value(s, addr, &off);
	if (!k)
		return false;
	if (k->module && !kd_symbol_section(s, k->addr)) {
		/* crash's next symbol: gdb knows no function range without the object file */
		const struct kmodule *m = kd_module_at(s, k->addr);
		/* the next symbol in the module's list, even one at the same address (an alias) */
		size_t i = m ? (size_t)(k - m->syms) + 1 : 0;
		if (m && i < m->nsyms) {
			*low = k->addr;
			*high = m->syms[i].addr;
			return true;
		}
		if (k->size) {
			*low = k->addr;
			*high = k->addr + k->size;
			return true;
		}
		return false;
	}
	if (!kd_symbol_gdb(s, k->addr, &start, &size)) {
		/* no function gdb knows: crash goes to its next symbol, which may share the address */
		size_t i = (size_t)(k - kd_symbol_index(s, 0)) + 1;
		if (i >= kd_symbol_count(s))
			return false;
		*low = k->addr;
		*high = kd_symbol_index(s, i)->addr;
		return true;
	}
	*low = start;
	if (size) {
		*high = start + size;
		return k->addr < *high;
	}
	if (k->module)
		return false;
	size_t n = kd_symbol_count(s);
	for (size_t i = kd_symbol_index_from(s, start + 1); i < n; i++)
		if (kd_symbol_index(s, i)->addr > start) {
			*high = kd_symbol_index(s, i)->addr;
			return true;
		}
	return false;
}

static int listing(kd_session *s, const struct dis_opts *o, uint64_t addr, bool function_only, uint64_t fstart)
{
	uint64_t low = 0, high = 0, target = addr, start = addr;
	bool forward = o->forward, reverse = o->reverse;
	if (reverse || forward || function_only) {
		if (!function_range(s, fstart, &low, &high))
			return kd_fail(s, "gdb unable to disassemble kernel virtual address %llx", (unsigned long long)addr);
	}
	if (reverse || forward) {
		uint64_t off;
		const struct kd_symbol *k = kd_symbol_search_value(s, target, &off);
		if (!k)
			return kd_fail(s, "cannot resolve address: %llx", (unsigned long long)target);
		start = k->addr;
	}
	/* How far to decode: the range's bytes when they are known, else instruction by instruction. */
	bool counted = o->count_entered;
	uint64_t end = reverse ? target + 1 : (counted ? 0 : (forward || function_only) ? high : 0);
	if (end && (end < start || end - start > DIS_MAX_RANGE))
		return kd_fail(s, "gdb unable to disassemble kernel virtual address %llx", (unsigned long long)start);
	struct text t = {0};
	if (end)
		read_text(s, false, start, (size_t)(end - start) + INSN_MAX_BYTES, &t);

	struct line *lines = NULL;
	size_t nlines = 0, cap = 0;
	uint64_t a = start;
	int rc = 0;
	bool cut = false;
	/* gdb's x/Ni for -r: N = the target's distance from the start, in instructions */
	uint64_t reverse_max = target - start ? target - start : 1;
	for (;;) {
		if (nlines >= DIS_MAX_INSNS || (reverse && nlines >= reverse_max))
			break;
		if (counted && !reverse && nlines >= o->count)
			break;
		if (!counted && !reverse && end && a >= end)
			break;
		if (!counted && !reverse && !end && nlines >= 1)
			break;
		struct kd_insn in;
		if (!decode(s, false, &t, a, o->radix, false, &in)) {
			cut = true; /* gdb printed the address, then could not read the instruction */
			break;
		}
		if (nlines == cap) {
			cap = cap ? cap * 2 : 256;
			lines = kd_xrealloc(lines, cap * sizeof(*lines));
		}
		format_line(s, &in, o->radix, &lines[nlines++]);
		a += in.len;
		if (reverse && in.addr >= target)
			break;
	}
	free(t.bytes);

	/* Which of them crash prints. */
	size_t first = 0;
	if (forward)
		while (first < nlines && lines[first].addr < target)
			first++;
	if (reverse && counted && o->count) {
		/* the last COUNT up to the target; crash's ring of COUNT line starts keeps one slot for
		 * the target's line, so when gdb's listing stops short of the target, COUNT-1 remain */
		uint64_t keep = nlines && lines[nlines - 1].addr < target ? o->count - 1 : o->count;
		first = nlines > keep ? nlines - keep : 0;
	}
	char last_src[1200] = "", src[1200];
	for (size_t i = first; i < nlines; i++) {
		if (o->lines) {
			source_line(s, lines[i].addr, src, sizeof(src));
			if (strcmp(src, last_src) != 0) {
				kd_printf(s, "%s\n", src);
				snprintf(last_src, sizeof(last_src), "%s", src);
			}
		}
		kd_printf(s, "%s", lines[i].text);
	}
	free(lines);
	if (cut) {
		char name[384];
		kd_symbol_describe(s, a, o->radix, name, sizeof(name));
		kd_printf(s, "0x%llx <%s>:\t", (unsigned long long)a, name);
		/* crash's output ends there; the reason reaches the terminal only */
		fflush(stdout);
		fprintf(stderr, "dis: gdb unable to disassemble kernel virtual address %llx\n", (unsigned long long)a);
		rc = kd_error(s, KD_ENOMEM_DUMP, a, "%s", "");
	}
	return rc;
}

/* ---- dis -s: the source listing ---- */

/* The source file as gdb finds it: the unit's directory joined with the name, then the name. */
static FILE *open_source(const char *file, const char *dir)
{
	char path[2100];
	FILE *f = NULL;
	if (file[0] != '/' && dir[0]) {
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		f = fopen(path, "r");
	}
	return f ? f : fopen(file, "r");
}

static int list_source(kd_session *s, const struct dis_opts *o, uint64_t addr)
{
	uint64_t off;
	const struct kd_symbol *k = kd_symbol_search_value(s, addr, &off);
	if (!k || !is_text(k))
		return kd_fail(s, "%llx: not a kernel text address", (unsigned long long)addr);
	if (k->module && !kd_symbol_section(s, addr))
		return kd_fail(s, "%s: module source code is not available", k->module);
	char file[1024], dir[1024];
	int line;
	if (kd_addr_to_line_parts(s, addr, file, sizeof(file), dir, sizeof(dir), &line) < 0) {
		kd_printf(s, "FILE: (unknown)\nLINE: (unknown)\n\n");
		fprintf(stderr, "dis: %s: source code is not available\n\n", o->arg);
		return kd_error(s, KD_ENOTFOUND, addr, "%s", "");
	}
	kd_printf(s, "FILE: %s\nLINE: %d\n\n", file, line);
	FILE *f = open_source(file, dir);
	if (!f) {
		/* crash's message goes to the terminal only: its output was gdb's scratch file then */
		fflush(stdout);
		fprintf(stderr, "dis: %s: source code is not available\n\n", o->arg);
		return kd_error(s, KD_ENOTFOUND, addr, "%s", "");
	}
	/* gdb lists line-5 .. line+4 first, then ten more at a time: crash prints from the first
	 * of them, marks the line, and stops after COUNT more lines, or (without a count) after the
	 * closing brace of the function ("}" alone at the start of a line) */
	int first = line - SOURCE_LISTSIZE / 2 > 0 ? line - SOURCE_LISTSIZE / 2 : 1;
	uint64_t remaining = o->count;
	char buf[4096];
	int n = 0;
	while (fgets(buf, sizeof(buf), f)) {
		n++;
		size_t len = strlen(buf);
		if (len && buf[len - 1] != '\n' && len + 1 < sizeof(buf))
			buf[len++] = '\n', buf[len] = '\0';
		if (n < first)
			continue;
		if (n > line) {
			if (o->count_entered && !remaining--)
				break;
		}
		kd_printf(s, "%s%d\t%s", n == line ? "* " : "  ", n, buf);
		if (!o->count_entered && n > line && strcmp(buf, "}\n") == 0)
			break;
		if (n - line > 1000000)
			break;
	}
	fclose(f);
	kd_printf(s, "\n");
	return 0;
}

/* ---- arguments ---- */

/* A symbol by name as crash finds it: in sym -l's listing (names without the clone suffix), then the modules'. */
static const struct kd_symbol *find_symbol(kd_session *s, const char *name)
{
	for (size_t i = 0, c = kd_symbol_count(s); i < c; i++)
		if (strcmp(kd_symbol_index(s, i)->name, name) == 0)
			return kd_symbol_index(s, i);
	return kd_symbol_lookup(s, name);
}

/* The text symbols of a name, vmlinux's in address order, then the modules'. */
static size_t text_symbols(kd_session *s, const char *name, const struct kd_symbol **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0, c = kd_symbol_count(s); i < c; i++) {
		const struct kd_symbol *k = kd_symbol_index(s, i);
		if (is_text(k) && strcmp(k->name, name) == 0 && n < max)
			out[n++] = k;
	}
	const struct module_table *mt = kd_modules_get(s);
	if (!mt)
		kd_clear_error(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		for (size_t j = 0; j < mt->mods[i].nsyms; j++)
			if (is_text(&mt->mods[i].syms[j]) && strcmp(mt->mods[i].syms[j].name, name) == 0 && n < max)
				out[n++] = &mt->mods[i].syms[j];
	return n;
}

/* crash's "duplicate text symbols found": each of them as sym shows it. */
static int duplicates(kd_session *s, const char *arg, const struct kd_symbol **k, size_t n)
{
	kd_printf(s, "dis: %s: duplicate text symbols found:\n", arg);
	for (size_t i = 0; i < n; i++)
		kd_symbol_show(s, k[i], 0, KD_SYMBOL_LINE | KD_SYMBOL_MODULE);
	return kd_error(s, KD_EINVAL, 0, "%s", "");
}

/*
 * crash's resolve_text_symbol for an expression: a symbol with several text definitions is
 * ambiguous; otherwise the address stands. Returns 1 to go on, 0 after printing why not.
 */
static int resolve_expression(kd_session *s, const char *arg, uint64_t addr)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *p = buf;
	if (*p == '(')
		p++;
	size_t len = strlen(p);
	if (len && p[len - 1] == ')')
		p[--len] = '\0';
	char *op = strpbrk(p, "><+-&|*/%^");
	if (!op)
		return 1;
	*op = '\0';
	while (*p == ' ')
		p++;
	for (char *e = p + strlen(p); e > p && e[-1] == ' ';)
		*--e = '\0';
	const struct kd_symbol *k[64];
	size_t n = text_symbols(s, p, k, 64);
	if (n > 1) {
		duplicates(s, arg, k, n);
		return 0;
	}
	/* symbol+offset past the symbol into another that the expression does not name */
	uint64_t off;
	const struct kd_symbol *at = kd_symbol_search_value(s, addr, &off);
	if (n == 1 && at && at != k[0] && !strstr(arg, at->name)) {
		kd_fail(s, "invalid expression: %s evaluates to: %s+%llx", arg, at->name, (unsigned long long)off);
		return 0;
	}
	return 1;
}

static int cmd_dis(kd_session *s, int argc, char **argv)
{
	struct dis_opts o = {0};
	bool bug_entered = false;
	int c;
	if (argc == 2 && strcmp(argv[1], "-b") == 0) {
		long v = 0;
		kd_option_get(s, "dis_bug_bytes", &v);
		kd_printf(s, "encoded bytes being skipped after ud2a: %ld\n", v);
		return 0;
	}
	optind = 0;
	while ((c = getopt(argc, argv, "dxhulsrfUb:B:")) != -1) {
		switch (c) {
		case 'd':
			if (o.radix == 16)
				return kd_fail(s, "-d and -x are mutually exclusive");
			o.radix = 10;
			break;
		case 'x':
		case 'h':
			if (o.radix == 10)
				return kd_fail(s, "-d and -x are mutually exclusive");
			o.radix = 16;
			break;
		case 'U':
			o.unfiltered = true;
			break;
		case 'u':
			if (o.sources)
				return kd_fail(s, "-s can only be used with kernel addresses");
			o.user = true;
			break;
		case 'r':
			if (o.forward)
				return kd_fail(s, "-r and -f are mutually exclusive");
			if (o.sources)
				return kd_fail(s, "-r and -s are mutually exclusive");
			o.reverse = true;
			break;
		case 'f':
			if (o.reverse)
				return kd_fail(s, "-r and -f are mutually exclusive");
			if (o.sources)
				return kd_fail(s, "-f and -s are mutually exclusive");
			o.forward = true;
			break;
		case 'l':
			o.lines = true;
			break;
		case 's':
			if (o.reverse)
				return kd_fail(s, "-r and -s are mutually exclusive");
			if (o.forward)
				return kd_fail(s, "-f and -s are mutually exclusive");
			if (o.user)
				return kd_fail(s, "-s can only be used with kernel addresses");
			o.sources = true;
			break;
		case 'b':
		case 'B':
			if (kd_option_set(s, "dis_bug_bytes", atol(optarg)) < 0)
				kd_clear_error(s);
			bug_entered = true;
			break;
		default:
			return kd_usage(s);
		}
	}
	if (!o.radix)
		o.radix = kd_output_radix(s) == 16 ? 16 : 10;
	if (optind >= argc) {
		if (bug_entered)
			return 0;
		return kd_usage(s);
	}

	const char *arg = argv[optind];
	o.arg = arg;
	uint64_t addr = 0, off = 0, fstart = 0;
	bool function_only = false;
	const struct kd_symbol *k = NULL;
	if (can_eval(arg)) {
		if (kd_eval_int(s, arg, &addr) < 0)
			return -1;
		if (!o.user && !resolve_expression(s, arg, addr))
			return -1;
		fstart = addr;
	} else if (hexadecimal(arg) && !find_symbol(s, arg)) {
		if (kd_parse_hex_arg(s, arg, &addr) < 0)
			return -1;
		k = kd_symbol_search_value(s, addr, &off);
		if (!o.user && !k) {
			warning(s, "%llx: no associated kernel symbol found", (unsigned long long)addr);
			o.unfiltered = true;
		}
		if (k && !off && is_text(k))
			function_only = true;
		fstart = k ? k->addr : addr;
	} else if ((k = find_symbol(s, arg))) {
		const struct kd_symbol *texts[64];
		size_t n = text_symbols(s, arg, texts, 64);
		if (n > 1)
			return duplicates(s, arg, texts, n);
		if (n == 1)
			k = texts[0]; /* a text symbol of the name rather than a data symbol of it */
		addr = k->addr;
		if (is_text(k))
			function_only = true;
		fstart = k->addr;
	} else {
		kd_printf(s, "symbol not found: %s\npossible alternatives:\n", arg);
		if (!kd_symbol_query(s, arg, "  ", NULL))
			kd_printf(s, "  (none found)\n");
		return 0;
	}

	if (optind + 1 < argc) {
		if (o.forward)
			o.forward = false;
		if (kd_parse_num_arg(s, argv[optind + 1], &o.count) < 0)
			return -1;
		function_only = false;
		if (!o.count)
			return kd_fail(s, "invalid count argument: 0");
		o.count_entered = true;
	}
	if (o.sources)
		return list_source(s, &o, addr);
	if (o.unfiltered)
		return raw_listing(s, &o, addr);
	if (!o.user && !kd_is_kvaddr(s, addr))
		return kd_fail(s, "%llx is not a kernel virtual address", (unsigned long long)addr);
	if (o.user)
		return raw_listing(s, &o, addr);
	return listing(s, &o, addr, function_only, fstart);
}

const struct kd_command kd_cmd_dis = {
	"dis", cmd_dis, "dis [-rfludxs][-b [num]] [address | symbol | (expression)] [count]", "disassemble",
	"Disassembles kernel text as crash does with gdb: AT&T syntax, each line\n"
	"\"0xADDRESS <symbol+offset>:<TAB>instruction\", call and jump targets and RIP-relative\n"
	"operands followed by the symbol they point into. The instructions are read from the dump,\n"
	"so code the kernel patched while running (alternatives, static calls, jump labels,\n"
	"ftrace) shows as it was; a function's first nop, where ftrace patches in its call, is\n"
	"marked [FTRACE NOP].\n"
	"\n"
	"  address | symbol | (expression)\n"
	"        where to start: a hexadecimal address, a symbol, symbol+offset, or an expression.\n"
	"        A text symbol alone (or the address of a function's start) disassembles the whole\n"
	"        function; any other address, one instruction.\n"
	"  count the number of instructions (default 1, or the whole function as above).\n"
	"  -r    from the start of the function up to and including the instruction at the address\n"
	"        (a return address from bt shows the call it returns from); with a count, only\n"
	"        the last count instructions up to it.\n"
	"  -f    from the address to the end of the function (a count makes it an ordinary\n"
	"        counted listing).\n"
	"  -l    the source file and line above each instruction where it changes.\n"
	"  -s    the source file and line of the address, and the source around it when the\n"
	"        file is found (the unit's compilation directory joined with its name, or the\n"
	"        name from the current directory): the line marked \"*\", to the end of the\n"
	"        function or count lines after it. Not with -r, -f or -u.\n"
	"  -u    the address is a user address of the current context (set PID): gdb's plain\n"
	"        x/i lines.\n"
	"  -x    offsets in <symbol+offset> in hexadecimal, overriding the output radix.\n"
	"  -d    offsets in decimal, overriding the output radix.\n"
	"  -b [num]\n"
	"        the bytes skipped after a ud2 instruction (a BUG() with its encoding inlined,\n"
	"        kernels before 2.6.20): -b alone shows the number, -b num sets it.\n"
	"\n"
	"An address kdive has no symbol for is disassembled with a warning, as gdb's plain x/i.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> dis schedule 3\n"
	"  0xffffffff81a52dd0 <schedule>:\tnopl   0x0(%rax,%rax,1) [FTRACE NOP]\n"
	"  0xffffffff81a52dd5 <schedule+5>:\tpush   %rbp\n"
	"  0xffffffff81a52dd6 <schedule+6>:\tpush   %rbx\n"
	"  kdive> dis -r ksys_write+139 3       # what vfs_write's caller called\n"
	"  kdive> dis -l schedule\n"
	"  kdive> dis -x __schedule 10\n"
	"  kdive> dis -f schedule+90\n"
	"  kdive> dis -s schedule\n"
	"  kdive> set 213\n"
	"  kdive> dis -u 47b7a0 5\n",
	KD_CMD_NEEDS_DUMP,
};
