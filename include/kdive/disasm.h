/*
 * kdive public API: disassembly (API 1.4).
 *
 * One instruction at a time, decoded by the architecture's disassembler (x86_64: binutils'
 * libopcodes, the decoder gdb uses) and written as crash's gdb writes it: AT&T syntax,
 * "push   %rbp", "call   0xffffffff81a3f420 <__schedule>",
 * "mov    0x1234(%rip),%rax        # 0xffffffff82a05000 <jiffies>". The caller reads the bytes
 * (kd_read, a whole function at once) and chooses how an address operand is named.
 */
#ifndef KDIVE_PUBLIC_DISASM_H
#define KDIVE_PUBLIC_DISASM_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Room for the longest instruction text (AT&T, with a symbol annotation). */
#define KD_INSN_TEXT_MAX 512

struct kd_insn {
	uint64_t addr;
	unsigned len;                 /* bytes the instruction takes (at least 1 once decoded) */
	char text[KD_INSN_TEXT_MAX];  /* the instruction as gdb prints it after "ADDR <sym>:\t" */
	bool has_target;              /* an address operand was printed (call/jump target, RIP-relative) */
	uint64_t target;              /* that address */
};

/*
 * Names an address operand: writes what follows its hexadecimal value (" <symbol+offset>",
 * as gdb does) into buf, or leaves buf empty for a bare address. NULL: bare addresses.
 */
typedef void (*kd_disasm_symbolizer)(kd_session *s, uint64_t addr, char *buf, size_t size, void *arg);

/*
 * Decode the instruction at addr, whose bytes start at bytes[0] (len of them readable).
 * Fails (KD_ENOMEM_DUMP, with the first address it lacked) when the instruction runs past
 * len, and (KD_EUNSUPP) on an architecture without a disassembler. Bytes that are no
 * instruction decode as gdb shows them: "(bad)".
 */
KD_API int kd_disasm_one(kd_session *s, uint64_t addr, const uint8_t *bytes, size_t len, kd_disasm_symbolizer sym,
			 void *arg, struct kd_insn *out);

KD_END_DECLS

#endif
