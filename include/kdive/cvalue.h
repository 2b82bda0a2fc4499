/*
 * kdive public API: C expressions over the kernel's symbols and types, and the typed values
 * they evaluate to (what p, struct and whatis evaluate; print them with <kdive/print.h>).
 *
 * The syntax is gdb's C as crash users type it: symbols, integer and character literals,
 * casts ("(struct task_struct *)0xffff..."), -> . [i], unary * & - ~ !, sizeof, arithmetic,
 * shifts, comparisons, bitwise and logical operators, ?: and enumerator names. Failures are
 * gdb's one-line messages ("There is no member named x.", "No symbol \"x\" in current
 * context.", "Cannot access memory at address 0x..."), in the session.
 */
#ifndef KDIVE_PUBLIC_CVALUE_H
#define KDIVE_PUBLIC_CVALUE_H

#include <kdive/common.h>
#include <kdive/types.h>

KD_BEGIN_DECLS

/*
 * A typed value. An lvalue lives in the kernel's memory at addr and is read only when its
 * bytes are needed (printing, kd_value_to_u64): member access, indexing and & on it read
 * nothing. Any other value (a literal, the result of arithmetic) holds its bytes itself.
 * The caller owns the structure (a local is fine); its layout is fixed within API major 1.
 */
struct kd_value {
	const kd_type *type;
	bool lvalue;              /* true: at addr in kernel memory; false: in bytes */
	uint64_t addr;            /* lvalue: its kernel virtual address */
	uint32_t bitpos, bitsize; /* a bitfield: its bits start bitpos bits after addr (or bytes); bitsize 0 otherwise */
	uint8_t bytes[16];        /* not an lvalue: its bytes, little-endian */
};

/* Evaluate a C expression ("init_task.comm", "*(struct list_head *)0xffff...", "sizeof(struct page)"). */
KD_API int kd_cexpr_eval(kd_session *s, const char *expr, struct kd_value *out);
/* Evaluate a C expression to an integer (pointers, enums and arrays' addresses included), as an
 * address argument takes one. */
KD_API int kd_cexpr_eval_u64(kd_session *s, const char *expr, uint64_t *out);

/* The lvalue of type t at a kernel address: "*(T *)addr". */
KD_API void kd_value_at(struct kd_value *v, const kd_type *t, uint64_t addr);
/* A variable (or function) of the debug information by name, as an lvalue; fails with gdb's
 * "No symbol \"x\" in current context." when there is none. */
KD_API int kd_value_of_symbol(kd_session *s, const char *name, struct kd_value *out);
/* The integer value of a scalar (integer, enum, pointer; a bitfield extracted; an array or a
 * function: its address), read from memory for an lvalue. */
KD_API int kd_value_to_u64(kd_session *s, const struct kd_value *v, uint64_t *out);

/*
 * A register of the current context by gdb's name ("rip", "sp", "eax", "fs_base"; API 1.4),
 * as expressions see $name: 1 with its value (a part such as eax sign-extended from its
 * width), 0 when crash's gdb would show it <unavailable> (*value 0), -1 when no register has
 * that name (no error is set).
 */
KD_API int kd_register_value(kd_session *s, const char *name, uint64_t *value);

/* gdb's value history: the number of the next "$N = " a command prints (1, 2, ... per session). */
KD_API int kd_value_history_next(kd_session *s);

KD_END_DECLS

#endif
