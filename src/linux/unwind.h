/*
 * Stack unwinding: registers from the dump's notes or a sleeping task's switch
 * frame, then the kernel's ORC tables (with a frame-pointer fallback), across
 * exception frames, IRQ stacks and exception stacks, down to the user-mode
 * registers at syscall entry.
 *
 * The unwinder produces a list of frames; commands decide how to print them
 * (commands/bt.c prints them as crash does). An unwind that cannot continue
 * keeps the frames it found and says why in trace->error (one line).
 */
#ifndef KDIVE_UNWIND_H
#define KDIVE_UNWIND_H

#include <stdio.h>

#include "target/session.h"

struct task_info;

#define UW_MAX_FRAMES 512 /* no real kernel stack is deeper; a loop or garbage is */

/* Registers in struct pt_regs order (the kernel's, read through DWARF member names). */
enum uw_reg {
	UW_R15, UW_R14, UW_R13, UW_R12, UW_BP, UW_BX, UW_R11, UW_R10, UW_R9, UW_R8, UW_AX, UW_CX,
	UW_DX, UW_SI, UW_DI, UW_ORIG_AX, UW_IP, UW_CS, UW_FLAGS, UW_SP, UW_SS, UW_NREGS
};

struct uw_regs {
	uint64_t r[UW_NREGS];
};

enum uw_stack_type { UW_STACK_NONE, UW_STACK_TASK, UW_STACK_IRQ, UW_STACK_EXCEPTION, UW_STACK_ENTRY };

struct uw_stack {
	enum uw_stack_type type;
	int cpu;         /* IRQ and exception stacks */
	int index;       /* exception stack: 0 DF, 1 NMI, 2 DB, 3 MCE, 4 VC, 5 VC2 */
	uint64_t base, top; /* [base, top) */
};

enum uw_frame_flags {
	UW_F_START = 1u << 0,      /* from registers: ip is where the CPU was, slot is the stack pointer */
	UW_F_AFTER_REGS = 1u << 1, /* ip and slot come from the pt_regs of the previous frame */
	UW_F_GUESS = 1u << 2,      /* found by a frame-pointer or stack-scan guess: may be wrong */
	UW_F_EXACT = 1u << 3,      /* ip is where the task resumes (ret_from_fork of a task that never ran), not a return address */
};

struct uw_frame {
	uint64_t ip;     /* return address, or the exact ip for START/AFTER_REGS frames */
	uint64_t slot;   /* where ip was found (the stack pointer for START/AFTER_REGS frames) */
	uint64_t sp;     /* stack pointer after popping the return address */
	uint64_t bp;     /* frame pointer at this point, when bp_known */
	bool bp_known;
	struct uw_stack stack; /* the stack slot lies on */
	unsigned flags;
	/* The caller's state came from a pt_regs (exception or interrupt entry) that follows this frame. */
	bool has_regs;
	bool regs_partial; /* only the hardware iret frame is meaningful */
	uint64_t regs_addr;
	struct uw_regs regs;
};

/* How a trace begins, as crash shows it. */
enum uw_begin {
	UW_BEGIN_FRAME,       /* frames[0] is an ordinary first frame */
	UW_BEGIN_KERNEL_REGS, /* the CPU's registers are shown first ("[exception RIP: ...]"); frames[0] is where they point */
	UW_BEGIN_USER_REGS,   /* the CPU was in user mode: only its registers */
	UW_BEGIN_NONE,        /* nothing could be found */
};

struct uw_trace {
	struct uw_frame *frames;
	size_t len, cap;
	char error[256]; /* why the unwind stopped early; "" when it reached the bottom */
	bool user_mode;  /* ended at user-mode registers (the last frame has them) */
	enum uw_begin begin;
	struct uw_regs begin_regs;   /* UW_BEGIN_KERNEL_REGS / UW_BEGIN_USER_REGS */
	bool begin_regs_no_orig_ax;  /* crash shows these registers without ORIG_RAX (a compressed dump's notes; a QEMU ELF dump's for a stopped CPU) */
	uint64_t stack_base, stack_top; /* the task's own kernel stack */
	uint64_t start_ip, start_sp; /* where a text scan (bt -t) starts */
};

enum uw_start_mode {
	UW_START_AUTO,     /* notes for active tasks (crash's choice of starting frame), switch frame otherwise */
	UW_START_REGS,     /* the given registers */
	UW_START_SLOT,     /* a return address at a stack slot */
};

struct uw_start {
	enum uw_start_mode mode;
	struct uw_regs regs; /* UW_START_REGS */
	uint64_t slot;       /* UW_START_SLOT */
	uint64_t bp;         /* UW_START_SLOT: frame pointer, 0 if unknown */
};

/* Unwind a task. The trace is always filled as far as possible; returns -1 only when nothing could be found. */
int kd_unwind_task(kd_session *s, const struct task_info *t, const struct uw_start *start, struct uw_trace *trace);
void kd_unwind_trace_free(struct uw_trace *trace);

/* Registers a CPU had at the time of the dump (crash_notes on a genuine kdump, else the dump's notes). */
int unwind_cpu_regs(kd_session *s, int cpu, struct uw_regs *regs, const char **source);
/* The stack an address lies on, for a task (its own stack, its CPU's IRQ and exception stacks). */
bool kd_unwind_stack_of(kd_session *s, const struct task_info *t, uint64_t addr, struct uw_stack *out);
/* crash's name of an exception stack: "NMI", "DEBUG", "DOUBLEFAULT", "MCE", "VC", ... */
const char *kd_unwind_exception_stack_name(int index);
/* Kernel text (vmlinux or a module's): what crash calls is_kernel_text(). */
bool kd_unwind_is_text(kd_session *s, uint64_t addr);
/* Symbol for a text address in vmlinux or a module; *module gets the module name or NULL. */
const char *kd_unwind_symbol(kd_session *s, uint64_t addr, uint64_t *offset, const char **module);
/* The same for a return address: the function that made the call (ret - 1), as gdb names a frame. */
const char *kd_unwind_return_symbol(kd_session *s, uint64_t ret, uint64_t *offset, const char **module);
/* Offsets of struct pt_regs members by register and its size; false if the kernel has no pt_regs. */
bool kd_unwind_pt_regs_layout(kd_session *s, const uint64_t **offsets, uint64_t *size);
/* Per-CPU stacks, for `bt -E`: count is 0 when the CPU has none of that kind. */
int kd_unwind_cpu_stacks(kd_session *s, int cpu, struct uw_stack *out, int max);
void unwind_free(kd_session *s);

/* The ORC table, exposed for tests: entries normalised to the newest encoding. */
enum orc_reg {
	ORC_REG_UNDEFINED = 0, ORC_REG_PREV_SP = 1, ORC_REG_DX = 2, ORC_REG_DI = 3, ORC_REG_BP = 4,
	ORC_REG_SP = 5, ORC_REG_R10 = 6, ORC_REG_R13 = 7, ORC_REG_BP_INDIRECT = 8, ORC_REG_SP_INDIRECT = 9,
};
enum orc_type { ORC_TYPE_UNDEFINED, ORC_TYPE_END_OF_STACK, ORC_TYPE_CALL, ORC_TYPE_REGS, ORC_TYPE_REGS_PARTIAL };

struct orc_entry_n {
	int16_t sp_offset, bp_offset;
	uint8_t sp_reg, bp_reg, type;
	bool signal;
};

/* How the 16-bit flags word of struct orc_entry is laid out (it changed in 6.3 and 6.4). */
struct orc_format {
	unsigned type_shift, type_bits;
	int end_bit;    /* -1 if none (6.4+) */
	int signal_bit; /* -1 if none (before 6.3) */
};

struct orc_table {
	const int32_t *ip;       /* .orc_unwind_ip: relative to each entry's own address */
	const uint8_t *entries;  /* .orc_unwind: 6 bytes each */
	size_t n;
	uint64_t ip_base;        /* link-time address of .orc_unwind_ip */
	uint64_t reloc;          /* added to link-time addresses (KASLR offset) */
	uint32_t *order;         /* sorted permutation when the table is not sorted, else NULL */
	struct orc_format fmt;
	uint64_t lo, hi;         /* the text range the table covers (runtime addresses), hi exclusive */
};

/* Decode one raw entry. */
void orc_decode(const struct orc_format *fmt, const uint8_t raw[6], struct orc_entry_n *out);
/* Prepare a table (checks that it is sorted and sorts an index if not); -1 with a message if malformed. */
int orc_table_init(struct orc_table *t, char *err, size_t errsize);
void orc_table_free(struct orc_table *t);
/* The entry for a runtime ip: the last one at or below it. False if the ip is outside the table. */
bool orc_lookup(const struct orc_table *t, uint64_t ip, struct orc_entry_n *out);

/*
 * The core of the unwinder on an abstract memory, for tests and for the dump:
 * read(addr) must fail outside known stacks; stack_of() classifies an address.
 */
struct uw_memory {
	void *arg;
	int (*read)(void *arg, uint64_t addr, uint64_t *val);
	bool (*stack_of)(void *arg, uint64_t addr, struct uw_stack *out);
	/* ORC entry for an ip: 1 found, 0 text without ORC data (a frame-pointer guess is used), -1 not text. */
	int (*orc)(void *arg, uint64_t ip, struct orc_entry_n *out);
	/*
	 * Optional, for a guess where ORC has no answer (undefined entries, an unknown frame
	 * pointer): the start of the function holding ip (0 unknown), and whether the instruction
	 * before a return address is a call (*target: its direct target, 0 for an indirect call).
	 */
	uint64_t (*func_start)(void *arg, uint64_t ip);
	bool (*call_before)(void *arg, uint64_t ret, uint64_t *target);
	const uint64_t *pt_regs_off; /* UW_NREGS offsets */
	uint64_t pt_regs_size;
	uint64_t ret_from_fork;      /* a blocked task that never ran starts there with signal set */
};

struct uw_state {
	uint64_t ip, sp, bp;
	bool bp_known;
	bool signal;         /* ip is exact (from registers), not a return address */
	uint64_t regs_addr;  /* pt_regs the state came from, 0 if none */
	bool full_regs;
	struct uw_regs regs; /* their contents */
	uint64_t prev_regs_addr;
	struct uw_regs prev_regs;
};

/* Walk from state, appending frames to trace (the first frame must already be there). */
void uw_walk(const struct uw_memory *m, struct uw_state *st, struct uw_trace *trace);
void uw_push(struct uw_trace *trace, const struct uw_frame *f);

/*
 * Recording, for tests: a walk on a real dump written as a text fixture that the unit tests
 * replay without the dump (tests/unit/stacks/, tests/tools/uw-capture). uw_recording()
 * returns a memory that forwards every question to r->inner and writes the answer to r->out;
 * uw_record_walk() writes how a walk starts (state and the frames already in the trace),
 * uw_record_result() every frame of the trace after it (the walk may complete the first
 * ones: registers found above them), its end and its error. Format: uw-fixture(5).
 */
struct uw_recorder {
	const struct uw_memory *inner;
	FILE *out;
};
struct uw_memory uw_recording(struct uw_recorder *r);
void uw_record_walk(FILE *out, const struct uw_memory *m, const struct uw_state *st, const struct uw_trace *before);
void uw_record_result(FILE *out, const struct uw_trace *after);
/* Record every later walk of this session to out (NULL stops). */
void unwind_record(kd_session *s, FILE *out);

#endif
