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

#include <kdive/unwind.h>

/* Registers a CPU had at the time of the dump (crash_notes on a genuine kdump, else the dump's notes). */
int unwind_cpu_regs(kd_session *s, int cpu, struct uw_regs *regs, const char **source);
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
