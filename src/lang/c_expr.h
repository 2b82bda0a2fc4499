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

#include <string.h>

#include <kdive/cvalue.h>
#include <kdive/unwind.h>
#include "debuginfo/ctype.h"
#include "target/session.h"

/*
 * The public side is include/kdive/cvalue.h (struct kd_value, kd_cexpr_eval, kd_value_*),
 * implemented at the end of c_expr.c over what is declared here.
 */

enum cvalue_where { CV_RVALUE, CV_LVALUE };

struct cvalue {
	struct ctype *type;
	enum cvalue_where where;
	uint64_t addr;            /* lvalue: kernel virtual address */
	uint32_t bitpos, bitsize; /* bitfield: bits from addr (lvalue) or from bytes (rvalue) */
	uint8_t bytes[16];        /* rvalue contents, little-endian */
};

/* The public struct kd_value and the evaluator's own, both ways (a kd_type is a struct ctype). */
static inline void cvalue_from_kd(struct cvalue *out, const struct kd_value *v)
{
	memset(out, 0, sizeof(*out));
	out->type = (struct ctype *)v->type;
	out->where = v->lvalue ? CV_LVALUE : CV_RVALUE;
	out->addr = v->addr;
	out->bitpos = v->bitpos;
	out->bitsize = v->bitsize;
	memcpy(out->bytes, v->bytes, sizeof(out->bytes));
}
static inline void cvalue_to_kd(struct kd_value *out, const struct cvalue *v)
{
	memset(out, 0, sizeof(*out));
	out->type = (const kd_type *)v->type;
	out->lvalue = v->where == CV_LVALUE;
	out->addr = v->addr;
	out->bitpos = v->bitpos;
	out->bitsize = v->bitsize;
	memcpy(out->bytes, v->bytes, sizeof(out->bytes));
}

/* Evaluate an expression (kd_cexpr_eval_u64, public, evaluates one to an integer). */
int cexpr_eval(kd_session *s, const char *text, struct cvalue *out);
/* The integer value of a scalar value (read from memory for lvalues; bitfields extracted). */
int cvalue_to_u64(kd_session *s, const struct cvalue *v, uint64_t *out);
/* The value of a variable or function by name (DWARF). */
int cvalue_of_symbol(kd_session *s, const char *name, struct cvalue *out);
/* An lvalue of type t at addr. */
void cvalue_at(struct cvalue *v, struct ctype *t, uint64_t addr);

/* Kernel memory as gdb reads it: fails with "Cannot access memory at address 0x...". */
int cexpr_read(kd_session *s, uint64_t addr, void *buf, size_t len);

/* A slot for the printer's per-session state (its symbol lookup tables), freed with the cache. */
void *cexpr_print_state(kd_session *s);
void cexpr_set_print_state(kd_session *s, void *state, void (*free_fn)(void *));

/*
 * Register names in expressions ($rip, $sp, $eax...): the evaluator asks fn for the current
 * context's registers (the unwinder's kd_context_regs; the shell installs it, this layer is
 * below the one that knows tasks). Without it every register is <unavailable>.
 */
/* The value cexpr_eval just gave is a register crash's gdb lacks: print it as <unavailable>
 * (asked once: the answer is forgotten). */
bool cexpr_value_unavailable(kd_session *s, const struct cvalue *v);
void cexpr_set_registers(kd_session *s, int (*fn)(kd_session *s, struct kd_context_regs *out));

/* Frees the evaluator's state and then the session's types (session_free calls it). */
void cexpr_free(kd_session *s);

#endif
