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

/*
 * gdb 10.2's layout of a mnemonic without operands: padded to seven columns; except the one-byte
 * nop (0x90), which its decoder renames from xchg after the padding was placed, and so is bare.
 */
static void gdb10_padding(char *text, size_t size)
{
	size_t len = strlen(text);
	if (len && len < 7 && !strchr(text, ' ') && strcmp(text, "nop") != 0) {
		memset(text + len, ' ', 7 - len);
		text[7] = '\0';
	}
	(void)size;
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
	gdb10_padding(out->text, sizeof(out->text));
	return 0;
}
