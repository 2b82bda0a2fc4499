/*
 * kdive public API: the kernel's types, always by name, so modules survive layout changes
 * between kernels, and typed reads of structures by member name.
 *
 * Lookups that are allowed to miss (kd_type_find, kd_member_find, kd_member_exists,
 * kd_type_exists, kd_enum_find) say so by their return value and leave the session's
 * error alone; the others fail with a one-line error naming what is missing.
 */
#ifndef KDIVE_PUBLIC_TYPES_H
#define KDIVE_PUBLIC_TYPES_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* A type of the kernel's debug information; owned by the session, valid until it closes. */
typedef struct kd_type kd_type;

/*
 * A type by C spelling: "task_struct" (a struct, union, enum or typedef of that name, in that
 * order), "struct task_struct", "union thread_union", "enum pid_type", "unsigned long",
 * "struct page *". kd_type_lookup fails with an error; kd_type_find returns NULL without one.
 */
KD_API const kd_type *kd_type_lookup(kd_session *s, const char *name);
KD_API const kd_type *kd_type_find(kd_session *s, const char *name);
/* The type of a global variable (or function) of the debug information; NULL with an error. */
KD_API const kd_type *kd_var_type(kd_session *s, const char *var);
/* sizeof(t): arrays count their elements (0 without a bound). */
KD_API uint64_t kd_type_sizeof(kd_session *s, const kd_type *t);
/* The type's own name as the debug information spells it ("task_struct", "pid_t",
 * "unsigned long"); NULL for an anonymous or a derived (pointer, array, qualified) type. */
KD_API const char *kd_type_name(const kd_type *t);

/* What a type is (char and _Bool are integers). */
enum kd_type_kind {
	KD_TYPE_VOID,
	KD_TYPE_INT,
	KD_TYPE_FLOAT,
	KD_TYPE_POINTER,
	KD_TYPE_ARRAY,
	KD_TYPE_STRUCT,
	KD_TYPE_UNION,
	KD_TYPE_ENUM,
	KD_TYPE_FUNCTION,
	KD_TYPE_TYPEDEF,
	KD_TYPE_CONST,
	KD_TYPE_VOLATILE,
	KD_TYPE_RESTRICT,
	KD_TYPE_ATOMIC,
};
KD_API enum kd_type_kind kd_type_kind(const kd_type *t);
/* t without its typedefs and qualifiers ("pid_t" -> int, "const struct cred" -> struct cred);
 * NULL for a typedef of nothing (void). */
KD_API const kd_type *kd_type_resolve(kd_session *s, const kd_type *t);
/* What a pointer points to, an array's element, a typedef's or a qualifier's type, a function's
 * return type; NULL for void and for every other kind. */
KD_API const kd_type *kd_type_target(const kd_type *t);

/* The kinds of names of the debug information. */
enum kd_name_kind {
	KD_NAME_STRUCT,
	KD_NAME_UNION,
	KD_NAME_ENUM,
	KD_NAME_TYPEDEF,
	KD_NAME_BASE,       /* a base type: "int", "unsigned long" */
	KD_NAME_VARIABLE,
	KD_NAME_FUNCTION,
	KD_NAME_ENUMERATOR,
};
/* Whether the debug information declares name as that kind of name (no error either way): how a
 * command tells a type from a value ("whatis x": a struct tag x; "ptype x": a typedef x that no
 * variable or function shadows). */
KD_API bool kd_name_exists(kd_session *s, enum kd_name_kind kind, const char *name);

/* Where a member lies: "pid", or a path "sched_info.last_arrival", "pending.signal.sig[0]". */
struct kd_member_info {
	uint64_t offset;   /* bytes from the start of the structure (of a bitfield: of its first byte) */
	uint64_t size;     /* sizeof the member's type */
	uint64_t bitpos;   /* bits from the start of the structure */
	uint32_t bitsize;  /* 0 unless a bitfield */
	const kd_type *type;
};
/* A member of t by path; -1 with an error naming both when t has no such member. */
KD_API int kd_type_member(kd_session *s, const kd_type *t, const char *member, struct kd_member_info *info);

/* The same by type name ("task_struct", "struct page"). kd_member_info fails with crash's
 * "invalid structure member offset" wording; kd_member_find returns false without an error. */
KD_API int kd_member_info(kd_session *s, const char *type, const char *member, struct kd_member_info *info);
KD_API bool kd_member_find(kd_session *s, const char *type, const char *member, struct kd_member_info *info);
KD_API int kd_member_offset(kd_session *s, const char *type, const char *member, uint64_t *offset);
KD_API bool kd_member_exists(kd_session *s, const char *type, const char *member);
KD_API int kd_type_size(kd_session *s, const char *type, uint64_t *size);
KD_API bool kd_type_exists(kd_session *s, const char *type);

/* An enumerator's value by name ("PIDTYPE_PID"): kd_enum_value fails with an error, kd_enum_find
 * returns false without one. */
KD_API int kd_enum_value(kd_session *s, const char *name, int64_t *value);
KD_API bool kd_enum_find(kd_session *s, const char *name, int64_t *value);
/* The i-th enumerator of an enum type, in declaration order; false past the last. */
KD_API bool kd_enum_at(kd_session *s, const kd_type *t, size_t i, const char **name, int64_t *value);

/*
 * Typed reads, in the manner of mdb's mdb_ctf_vread: the named members of a structure at a
 * kernel address, copied into the caller's own C struct, whatever their layout in this kernel.
 *
 *   struct my_task { int pid; char comm[17]; uint64_t state; };
 *   static const struct kd_field f[] = {
 *       KD_FIELD(struct my_task, pid, "pid", 0),
 *       KD_FIELD(struct my_task, comm, "comm", 0),
 *       KD_FIELD(struct my_task, state, "__state", KD_FIELD_OPTIONAL), // 5.14+
 *       KD_FIELD(struct my_task, state, "state", KD_FIELD_OPTIONAL),   // before
 *   };
 *   struct my_task t = {0};
 *   uint64_t missing;
 *   if (kd_read_struct(s, addr, "task_struct", f, 4, &t, &missing) < 0) ...
 *
 * - One read of the kernel's memory: the bytes from the first to the last member asked for.
 * - member: a name or a path ("thread_info.cpu", "rss_stat.count[1]"), found through
 *   anonymous structs and unions as C finds it.
 * - Integers, enums, pointers and bitfields are converted to the caller's size (1, 2, 4 or 8
 *   bytes): zero- or sign-extended as the kernel's type is signed, or truncated as C assignment
 *   does. Anything else (arrays, structures, floats) is copied as bytes, as many as both sizes
 *   allow, and the rest of the caller's field zeroed.
 * - A member the kernel lacks fails the read, unless KD_FIELD_OPTIONAL: then the caller's field
 *   is left as it was (zero it, or set a default, before the call) and bit i of *missing is set
 *   (missing may be NULL).
 * - Fields naming the same destination are alternatives: the first member found fills it, the
 *   later ones are not read.
 * Returns 0, or -1 with an error (a required member missing: code KD_ENOTFOUND; the memory
 * unreadable: the read's own error and address). At most 64 fields.
 */
struct kd_field {
	const char *member;      /* member name or path in the kernel's type */
	size_t offset;           /* of the destination in the caller's struct */
	size_t size;             /* of the destination */
	unsigned flags;          /* KD_FIELD_* */
};
#define KD_FIELD_OPTIONAL 0x1u /* the kernel may lack this member */
#define KD_FIELD(ctype, field, member, flags) \
	{ (member), __builtin_offsetof(ctype, field), sizeof(((ctype *)0)->field), (flags) }
#define KD_READ_STRUCT_MAX_FIELDS 64

KD_API int kd_read_struct(kd_session *s, uint64_t addr, const char *type, const struct kd_field *fields, size_t n,
			  void *out, uint64_t *missing);
/* What kd_read_struct would find, without reading: -1 with its error when a required member is
 * missing, else 0 with the absent optional ones in *missing (a module checks its layout once). */
KD_API int kd_struct_check(kd_session *s, const char *type, const struct kd_field *fields, size_t n, uint64_t *missing);

/* Expression forms of kd_member_find and kd_type_find: UINT64_MAX when this kernel lacks the
 * member or the type (no error is set). */
static inline uint64_t kd_member_offset_opt(kd_session *s, const char *type, const char *member)
{
	struct kd_member_info i;
	return kd_member_find(s, type, member, &i) ? i.offset : UINT64_MAX;
}
static inline uint64_t kd_type_size_opt(kd_session *s, const char *type)
{
	const kd_type *t = kd_type_find(s, type);
	return t ? kd_type_sizeof(s, t) : UINT64_MAX;
}

KD_END_DECLS

#endif
