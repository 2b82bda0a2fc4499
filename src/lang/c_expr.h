/*
 * C types and values from DWARF, and a C expression evaluator over them.
 *
 * Types (struct ctype) are converted lazily from DWARF DIEs and cached per
 * session by DIE offset: a structure's members, an enum's enumerators and a
 * function's parameters are read the first time something asks for them, and
 * member lookups by name go through a per-structure hash map. Pointer types
 * that the DWARF lacks (the operand of `&`, a cast) are synthesised once and
 * cached on their target.
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

#include <elfutils/libdw.h>

#include "target/session.h"

enum ctype_kind {
	CT_VOID,
	CT_INT, /* also char and _Bool: see is_char, is_bool */
	CT_FLOAT,
	CT_PTR,
	CT_ARRAY,
	CT_STRUCT,
	CT_UNION,
	CT_ENUM,
	CT_FUNC,
	CT_TYPEDEF,
	CT_CONST,
	CT_VOLATILE,
	CT_RESTRICT,
	CT_ATOMIC,
};

struct ctype;

struct cmember {
	const char *name;   /* NULL for an anonymous struct/union member */
	uint64_t bitpos;    /* from the start of the containing type */
	uint32_t bitsize;   /* 0 unless a bitfield */
	struct ctype *type;
};

struct cenumerator {
	const char *name;
	int64_t value;
};

struct ctype {
	enum ctype_kind kind;
	const char *name;     /* tag, typedef or base name as gdb spells it; NULL if anonymous */
	uint64_t size;
	bool is_signed, is_char, is_bool;
	bool has_size;        /* false for void, functions and arrays without a bound */
	bool flag_enum;       /* every enumerator a distinct single bit (gdb prints (A | B)) */
	uint64_t nelem;       /* arrays; 0 with no_bound for a flexible array */
	bool no_bound;
	bool varargs, prototyped; /* functions */
	struct ctype *target; /* pointee, element, typedef'd type, qualified type, return type */
	uint64_t die;         /* DIE offset, 0 if synthesised */
	/* filled in by ctype_complete() */
	bool complete;
	struct cmember *members;
	size_t nmembers;
	struct cenumerator *enums;
	size_t nenums;
	struct ctype **params;
	size_t nparams;
	struct strmap *member_index; /* name -> cmember index + 1, for direct (non-anonymous) members */
	struct ctype *pointer;       /* cached pointer to this type */
	bool borrowed;               /* a declaration sharing its definition's members */
};

/* The type of a DIE (cached). */
struct ctype *ctype_from_die(kd_session *s, Dwarf_Die *die);
/* A type by C spelling: "struct task_struct", "task_struct" (struct, union, enum or typedef), "unsigned long",
 * "char *", "const struct sched_class *". NULL with a one-line error. */
struct ctype *ctype_lookup(kd_session *s, const char *spelling);
/* Read members/enumerators/parameters; a declaration is replaced by its definition when there is one. */
int ctype_complete(kd_session *s, struct ctype *t);
/* Strip typedefs and qualifiers. */
struct ctype *ctype_strip(struct ctype *t);
/* Strip typedefs and qualifiers, and complete a struct/union/enum/function. */
struct ctype *ctype_resolve(kd_session *s, struct ctype *t);
struct ctype *ctype_pointer_to(kd_session *s, struct ctype *t);
/* Built-in types: "int", "unsigned int", "long", "unsigned long", "char", "void", ... */
struct ctype *ctype_builtin(kd_session *s, const char *name);
/*
 * A member by name, looking into anonymous structs and unions as C does; the
 * bit position is from the start of t. NULL (without an error) when absent.
 */
const struct cmember *ctype_member(kd_session *s, struct ctype *t, const char *name, uint64_t *bitpos);
/* "a.b.c" (also "a[2].b") inside t; fails with "X has no member Y". */
int ctype_member_path(kd_session *s, struct ctype *t, const char *path, uint64_t *bitpos, uint32_t *bitsize,
		      struct ctype **mtype);
bool ctype_is_scalar(struct ctype *t);
bool ctype_is_integer(struct ctype *t); /* int, char, bool, enum */

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

/* Address of a per-CPU symbol's data on one CPU; false if name is not a per-CPU symbol. */
bool kd_cexpr_is_percpu(kd_session *s, const char *name, uint64_t *offset);

/* gdb's value history: the next $N. */
int kd_cexpr_next_history(kd_session *s);

/* A slot for the printer's per-session state (its symbol lookup tables), freed with the cache. */
void *cexpr_print_state(kd_session *s);
void cexpr_set_print_state(kd_session *s, void *state, void (*free_fn)(void *));

/* Frees the session's type cache (session_free calls it). */
void cexpr_free(kd_session *s);

#endif
