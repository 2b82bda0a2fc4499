/*
 * x86_64 disassembly through binutils' libopcodes, the decoder gdb itself uses, so that the
 * instruction text is gdb's: AT&T syntax, call and jump targets and RIP-relative operands as
 * "0xADDR" followed by what the caller's symbolizer writes (" <symbol+offset>").
 *
 * crash 8.0.6 runs gdb 10.2, whose bundled libopcodes pads every mnemonic to six columns and a
 * space even when no operand follows ("ret    ", "cltq   "); binutils 2.40 leaves the padding
 * off there. The text is put back in gdb 10.2's shape here, so a caller sees crash's.
 */
#include <dis-asm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "target/arch.h"

struct dis_ctx {
	kd_session *s;
	kd_disasm_symbolizer sym;
	void *arg;
	struct kd_insn *out;
	size_t used;       /* of out->text */
	bool short_read;   /* the instruction wanted bytes beyond the buffer */
	uint64_t short_at; /* the first such address */
};

static void emit(struct dis_ctx *c, const char *fmt, va_list ap)
{
	size_t room = sizeof(c->out->text) - c->used;
	int n = vsnprintf(c->out->text + c->used, room, fmt, ap);
	if (n > 0)
		c->used += (size_t)n < room ? (size_t)n : room - 1;
}

static int plain_printf(void *stream, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(stream, fmt, ap);
	va_end(ap);
	return 0;
}

static int styled_printf(void *stream, enum disassembler_style style, const char *fmt, ...)
{
	(void)style;
	va_list ap;
	va_start(ap, fmt);
	emit(stream, fmt, ap);
	va_end(ap);
	return 0;
}

/* gdb's print_address: the address, then its symbol as the caller names it. */
static void print_address(bfd_vma addr, struct disassemble_info *info)
{
	struct dis_ctx *c = info->stream;
	char name[KD_INSN_TEXT_MAX / 2] = "";
	plain_printf(c, "0x%llx", (unsigned long long)addr);
	if (c->sym)
		c->sym(c->s, addr, name, sizeof(name), c->arg);
	if (name[0])
		plain_printf(c, "%s", name);
	c->out->has_target = true;
	c->out->target = addr;
}

/* The bytes come from the caller's buffer; past its end the instruction is incomplete. */
static int read_memory(bfd_vma memaddr, bfd_byte *myaddr, unsigned int length, struct disassemble_info *info)
{
	struct dis_ctx *c = info->stream;
	if (memaddr < info->buffer_vma || memaddr - info->buffer_vma > info->buffer_length ||
	    length > info->buffer_length - (memaddr - info->buffer_vma)) {
		if (!c->short_read) {
			c->short_read = true;
			c->short_at = memaddr < info->buffer_vma ? memaddr : info->buffer_vma + info->buffer_length;
		}
		return -1;
	}
	memcpy(myaddr, info->buffer + (memaddr - info->buffer_vma), length);
	return 0;
}

static void memory_error(int status, bfd_vma memaddr, struct disassemble_info *info)
{
	(void)status;
	(void)memaddr;
	(void)info;
}

/* A prefix libopcodes writes before the mnemonic. */
static bool is_prefix(const char *tok, size_t len)
{
	static const char *const names[] = {"lock", "rep", "repz", "repnz", "repe", "repne", "data16", "data32",
					    "addr16", "addr32", "cs", "ds", "es", "ss", "fs", "gs", "bnd", "notrack",
					    "xacquire", "xrelease", "rex", "{vex}", "{vex3}", "{evex}"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncmp(tok, names[i], len) == 0)
			return true;
	return len > 4 && strncmp(tok, "rex.", 4) == 0;
}

/* The memory operand of an operand list: where it starts, or NULL. */
static char *memory_operand(char *ops)
{
	char *paren = strchr(ops, '(');
	if (!paren || strncmp(paren, "(%dx)", 5) == 0) /* in/out's port, not memory */
		return NULL;
	char *p = paren;
	while (p > ops && p[-1] != ',' && p[-1] != ' ' && p[-1] != '*')
		p--;
	return p;
}

/*
 * binutils 2.40's text put in the shape gdb 10.2's bundled decoder gave it, which crash shows:
 *  - the mnemonic with its prefixes padded to six columns and a space, operands or not
 *    ("ret    ", "fs (bad) "); the one-byte nop, which that decoder renamed from xchg after
 *    placing the padding, stays bare ("nop");
 *  - a cs, ds, es or ss override that 64-bit mode ignores written on the memory operand
 *    ("xor    %eax,%cs:(%rax)"), not as a prefix ("cs xor %eax,(%rax)");
 *  - 0xf1 named icebp, not int1; sysret without its l suffix;
 *  - fwait alone, and a VEX/XOP escape that does not decode ("(bad)"), unpadded.
 */
static void gdb10_text(char *text, size_t size, const uint8_t *bytes, unsigned len)
{
	char prefixes[8][16];
	int np = 0;
	const char *p = text;
	for (;;) {
		size_t len = strcspn(p, " ");
		if (!p[len] || np == 8 || len >= sizeof(prefixes[0]) || !is_prefix(p, len))
			break;
		/* a prefix only when something follows it */
		memcpy(prefixes[np], p, len);
		prefixes[np++][len] = '\0';
		p += len + 1;
	}
	char mnemonic[64];
	size_t mlen = strcspn(p, " ");
	if (mlen >= sizeof(mnemonic))
		return;
	memcpy(mnemonic, p, mlen);
	mnemonic[mlen] = '\0';
	const char *rest = p + mlen;
	while (*rest == ' ')
		rest++;
	char ops[KD_INSN_TEXT_MAX];
	snprintf(ops, sizeof(ops), "%s", rest);
	if (strcmp(mnemonic, "int1") == 0)
		snprintf(mnemonic, sizeof(mnemonic), "icebp");
	else if (strcmp(mnemonic, "sysretl") == 0)
		snprintf(mnemonic, sizeof(mnemonic), "sysret");
	/* the last ignored segment override goes onto the memory operand */
	for (int i = np - 1; i >= 0; i--) {
		const char *sg = prefixes[i];
		if (strcmp(sg, "cs") && strcmp(sg, "ds") && strcmp(sg, "es") && strcmp(sg, "ss"))
			continue;
		char *m = memory_operand(ops);
		if (m && !strchr(ops, ':') && strlen(ops) + 5 < sizeof(ops)) {
			memmove(m + 4, m, strlen(m) + 1);
			m[0] = '%';
			memcpy(m + 1, sg, 2);
			m[3] = ':';
			for (int j = i; j + 1 < np; j++)
				memcpy(prefixes[j], prefixes[j + 1], sizeof(prefixes[j]));
			np--;
		}
		break;
	}
	char out[KD_INSN_TEXT_MAX + 160];
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < np; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s ", prefixes[i]);
	n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", mnemonic);
	/* bare: the one-byte nop, and a REX prefix standing alone */
	/* a VEX or XOP escape of a valid opcode map whose opcode does not decode: gdb 10.2 gave up
	 * before the padding (an invalid map goes through its table, padded) */
	unsigned first = 0;
	while (first < len && first < 15 && (bytes[first] == 0x66 || bytes[first] == 0x67 || bytes[first] == 0xf0 ||
					     bytes[first] == 0xf2 || bytes[first] == 0xf3 || bytes[first] == 0x2e ||
					     bytes[first] == 0x36 || bytes[first] == 0x3e || bytes[first] == 0x26 ||
					     bytes[first] == 0x64 || bytes[first] == 0x65 || (bytes[first] & 0xf0) == 0x40))
		first++;
	unsigned map = first + 1 < len ? bytes[first + 1] & 0x1f : 0;
	bool vex_bad = strcmp(mnemonic, "(bad)") == 0 && np == 0 && first < len &&
		       (bytes[first] == 0xc5 || (bytes[first] == 0xc4 && map >= 1 && map <= 3) ||
			(bytes[first] == 0x8f && map >= 8 && map <= 10));
	/* bare: the one-byte nop, a REX prefix standing alone, fwait (printed as a prefix), such a (bad) */
	bool bare = ops[0] == '\0' && ((np == 0 && (strcmp(mnemonic, "nop") == 0 || strcmp(mnemonic, "fwait") == 0)) ||
					strncmp(mnemonic, "rex", 3) == 0 || vex_bad);
	if (!bare) {
		while (n < 6 && n + 1 < sizeof(out))
			out[n++] = ' ';
		out[n] = '\0';
		snprintf(out + n, sizeof(out) - n, " %s", ops);
	}
	n = strlen(out);
	if (n >= size)
		n = size - 1;
	memcpy(text, out, n);
	text[n] = '\0';
}

int x86_64_disasm(kd_session *s, uint64_t addr, const uint8_t *bytes, size_t len, kd_disasm_symbolizer sym, void *arg,
		  struct kd_insn *out)
{
	static disassembler_ftype decode;
	if (!decode)
		decode = disassembler(bfd_arch_i386, false, bfd_mach_x86_64, NULL);
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	if (!decode)
		return kd_error(s, KD_EUNSUPP, addr, "libopcodes has no x86_64 disassembler");
	struct dis_ctx c = {.s = s, .sym = sym, .arg = arg, .out = out};
	struct disassemble_info info;
	init_disassemble_info(&info, &c, plain_printf, styled_printf);
	info.arch = bfd_arch_i386;
	info.mach = bfd_mach_x86_64;
	info.buffer = (bfd_byte *)bytes;
	info.buffer_vma = addr;
	info.buffer_length = len;
	info.read_memory_func = read_memory;
	info.memory_error_func = memory_error;
	info.print_address_func = print_address;
	disassemble_init_for_target(&info);
	int n = decode(addr, &info);
	if (c.short_read || n <= 0)
		return kd_error(s, KD_ENOMEM_DUMP, c.short_read ? c.short_at : addr, "cannot read the instruction at %llx",
				(unsigned long long)addr);
	out->len = (unsigned)n;
	gdb10_text(out->text, sizeof(out->text), bytes, out->len);
	return 0;
}
