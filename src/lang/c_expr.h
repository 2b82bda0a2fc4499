/*
 * Typed values and a C expression evaluator over the type model (debuginfo/ctype.h).
 *
 * Values (struct cvalue) are typed: either an lvalue (an address in the kernel's
 * memory, read only when the bytes are needed) or an rvalue (a few bytes held
 * in the value). Member access, indexing and `&` on lvalues never read memory.
 *
 * The evaluator takes gdb's C syntax as crash users type it: symbols, integer
 * and character literals, casts, `->`, `.`, `[i]`, unary `*` `&` `-` `~` `!`,
 * `sizeof`, arithmetic, shifts, comparisons, bitwise and logical operators and
 * `?:`; enumerator names. Errors are one line, in the session.
 */
#ifndef KDIVE_CEXPR_H
#define KDIVE_CEXPR_H

#include "debuginfo/ctype.h"
#include "target/session.h"

enum cvalue_where { CV_RVALUE, CV_LVALUE };

struct cvalue {
	struct ctype *type;
	enum cvalue_where where;
	uint64_t addr;            /* lvalue: kernel virtual address */
	uint32_t bitpos, bitsize; /* bitfield: bits from addr (lvalue) or from bytes (rvalue) */
	uint8_t bytes[16];        /* rvalue contents, little-endian */
	const char *symbol;       /* the symbol the value was named by, if any */
};

/* Evaluate an expression. */
int kd_cexpr_eval(kd_session *s, const char *text, struct cvalue *out);
/* Evaluate to an integer (pointers and enums included), as address arguments need. */
int kd_cexpr_eval_u64(kd_session *s, const char *text, uint64_t *out);
/* The integer value of a scalar value (read from memory for lvalues; bitfields extracted). */
int cvalue_to_u64(kd_session *s, const struct cvalue *v, uint64_t *out);
/* The value of a variable or function by name (DWARF). */
int cvalue_of_symbol(kd_session *s, const char *name, struct cvalue *out);
/* An lvalue of type t at addr. */
void cvalue_at(struct cvalue *v, struct ctype *t, uint64_t addr);

/* Memory the evaluator and printer read: the dump, or (for tests) a reader of one's own. */
typedef int (*cexpr_reader)(void *arg, uint64_t addr, void *buf, size_t len);
void cexpr_set_reader(kd_session *s, cexpr_reader fn, void *arg);
int kd_cexpr_read(kd_session *s, uint64_t addr, void *buf, size_t len);

/* Old name of debuginfo/ctype.h's kd_symbol_is_percpu (the coordinator renames callers). */
#define kd_cexpr_is_percpu kd_symbol_is_percpu

/* gdb's value history: the next $N. */
int kd_cexpr_next_history(kd_session *s);

/* A slot for the printer's per-session state (its symbol lookup tables), freed with the cache. */
void *cexpr_print_state(kd_session *s);
void cexpr_set_print_state(kd_session *s, void *state, void (*free_fn)(void *));

/* Frees the evaluator's state and then the session's types (session_free calls it). */
void cexpr_free(kd_session *s);

#endif
