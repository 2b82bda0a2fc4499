/*
 * The type model: the kernel's C types, as one set of objects whatever the debug
 * information they come from (DWARF today, through ctype_dwarf.c; BTF is meant to be a
 * second source beside it). Everything above src/debuginfo asks for types, members,
 * sizes, enumerators and variables here, by name, and never sees a DWARF DIE.
 *
 * Types (struct ctype) are converted lazily and cached per session: a structure's
 * members, an enum's enumerators and a function's parameters are read the first time
 * something asks for them (ctype_complete), and member lookups by name go through a
 * per-structure hash map. Member paths asked by name ("sched_info.last_arrival") are
 * remembered per structure, found or not, so the kernel helpers that ask the same
 * question for every task pay one hash lookup. Pointer types the debug information
 * lacks (the operand of `&`, a cast) are synthesised once and cached on their target.
 *
 * The public side of this model is include/kdive/types.h (kd_type_*, kd_member_*,
 * kd_enum_*, kd_read_struct), implemented in ctype.c.
 */
#ifndef KDIVE_CTYPE_H
#define KDIVE_CTYPE_H

#include <kdive/symbols.h>
#include <kdive/types.h>
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
	uint64_t src;         /* the source's id of the type (DWARF: DIE offset); 0 if synthesised */
	/* filled in by ctype_complete() */
	bool complete;
	struct cmember *members;
	size_t nmembers;
	struct cenumerator *enums;
	size_t nenums;
	struct ctype **params;
	size_t nparams;
	struct strmap *member_index; /* name -> cmember index + 1, for direct (non-anonymous) members */
	struct strmap *paths;        /* member path -> struct cpath * (ctype_path), found or not */
	struct ctype *pointer;       /* cached pointer to this type */
	bool borrowed;               /* a declaration sharing its definition's members */
};

/* ---- types ---- */

/*
 * A type by C spelling: "struct task_struct", "task_struct" (struct, union, enum or typedef,
 * in that order), "unsigned long", "char *", "const struct sched_class *". NULL with a
 * one-line error (code KD_ENOTFOUND when the name is not in the debug information).
 */
struct ctype *ctype_lookup(kd_session *s, const char *spelling);
/* The same, for a lookup allowed to miss: NULL without touching the session's error. */
struct ctype *ctype_find(kd_session *s, const char *spelling);
/* Read members/enumerators/parameters; a declaration is replaced by its definition when there is one. */
int ctype_complete(kd_session *s, struct ctype *t);
/* Strip typedefs and qualifiers. */
struct ctype *ctype_strip(struct ctype *t);
/* Strip typedefs and qualifiers, and complete a struct/union/enum/function. */
struct ctype *ctype_resolve(kd_session *s, struct ctype *t);
struct ctype *ctype_pointer_to(kd_session *s, struct ctype *t);
/* t qualified with CT_CONST, CT_VOLATILE, CT_RESTRICT or CT_ATOMIC (a new type each time). */
struct ctype *ctype_qualified(kd_session *s, struct ctype *t, enum ctype_kind q);
/* An array of nelem elements of elem (a new type each time). */
struct ctype *ctype_array_of(kd_session *s, struct ctype *elem, uint64_t nelem);
/* Built-in types: "int", "unsigned int", "long", "unsigned long", "char", "void", ... */
struct ctype *ctype_builtin(kd_session *s, const char *name);
/* sizeof: arrays count their elements (0 without a bound), void and functions are 1. */
uint64_t ctype_sizeof(kd_session *s, struct ctype *t);
/* The name of t without typedefs and qualifiers, "type" when it has none (for messages). */
const char *ctype_tag_name(struct ctype *t);
bool ctype_is_scalar(struct ctype *t);
bool ctype_is_integer(struct ctype *t); /* int, char, bool, enum */

/* ---- members ---- */

/*
 * A member by name, looking into anonymous structs and unions as C does; the
 * bit position is from the start of t. NULL (without an error) when absent.
 */
const struct cmember *ctype_member(kd_session *s, struct ctype *t, const char *name, uint64_t *bitpos);
/* "a.b.c" (also "a[2].b") inside t; fails with "X has no member Y". */
int ctype_member_path(kd_session *s, struct ctype *t, const char *path, uint64_t *bitpos, uint32_t *bitsize,
		      struct ctype **mtype);
/* A member path of t as ctype_path remembers it. */
struct cpath {
	uint64_t bitpos;     /* from the start of t */
	uint32_t bitsize;    /* 0 unless a bitfield */
	struct ctype *type;  /* the member's type */
	uint64_t size;       /* ctype_sizeof(type) */
};
/* "a.b.c" inside t, remembered on t once asked (found or not): NULL without an error when absent. */
const struct cpath *ctype_path(kd_session *s, struct ctype *t, const char *path);
/* "type.member" by names: the kernel helpers' question. NULL without an error when absent. */
const struct cpath *ctype_member_find(kd_session *s, const char *type, const char *path);
/* The same, failing with "this kernel has no member type.member (invalid structure member offset)". */
const struct cpath *ctype_member_get(kd_session *s, const char *type, const char *path);

/* ---- typed reads ---- */

/*
 * kd_read_struct (include/kdive/types.h): the members fields name, read from a structure of
 * type at addr into out. With out NULL nothing is read: the members are only looked up
 * (kd_struct_check). How a field table resolves on this kernel is remembered per table
 * (by its address, checked against its contents), so a table read once per task costs
 * one comparison per field, not one lookup.
 */
int ctype_read_struct(kd_session *s, uint64_t addr, const char *type, const struct kd_field *fields, size_t n,
		      void *out, uint64_t *missing);

/* ---- names in the debug information ---- */

enum ctype_ns { CNS_STRUCT, CNS_UNION, CNS_ENUM, CNS_TYPEDEF, CNS_BASE, CNS_VARIABLE, CNS_FUNCTION, CNS_ENUMERATOR };
/* Whether the debug information has a name of that kind (no error either way). */
bool ctype_has_name(kd_session *s, enum ctype_ns ns, const char *name);
/* A typedef name that no variable or function shadows: how `(x)` or `whatis x` tell a type from a value. */
bool ctype_is_typedef_name(kd_session *s, const char *name);

/*
 * A variable or function of the debug information: its type and its (relocated) address.
 * 1 when found, 0 when the debug information has no such name (the session's error
 * untouched), -1 with an error when it has one without an address (optimized out).
 * An `extern T x[]` seen without a bound gets its bound back from the ELF symbol's size.
 * With addr NULL only the type is asked for, and the answer is 1 or 0.
 */
int ctype_var(kd_session *s, const char *name, struct ctype **type, uint64_t *addr);
/* An enumerator: its value and the enum type that holds it. False without an error when absent. */
bool ctype_enumerator(kd_session *s, const char *name, int64_t *value, struct ctype **type);

/* kd_symbol_is_percpu (<kdive/symbols.h>) is implemented in ctype.c, beside the types. */

/* Forget the answers of lookups by name (ctype_lookup), when the debug information changes:
 * a module object file loaded or unloaded. The types themselves stay valid. */
void ctype_forget_names(kd_session *s);
/* Without a vmlinux: types from the dump's VMCOREINFO (its SIZE(), OFFSET() and LENGTH()
 * lines), for the structures it describes, such as the printk ring buffer's (kdive --log). */
void ctype_use_vmcoreinfo(kd_session *s);
/* Frees the session's types (session_free). */
void ctype_free(kd_session *s);

#endif
