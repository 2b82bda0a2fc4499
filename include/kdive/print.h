/*
 * kdive public API: values, types and structures printed as crash prints them (that is, as its
 * gdb does): structures with their members indented two spaces per level, arrays on one line
 * (at most 256 elements), char arrays as strings, enums by name, pointers as 0x... with the
 * <symbol+offset> they point into; declarations as gdb's ptype and whatis write them.
 *
 * Everything is written into a growable string (struct kd_sbuf), not to the output: a command
 * prints it with kd_printf(s, "%s", kd_sbuf_str(&b)) when the whole of it succeeded, or looks at
 * it first (p puts a structure on the line after "x = $1 = ").
 */
#ifndef KDIVE_PUBLIC_PRINT_H
#define KDIVE_PUBLIC_PRINT_H

#include <kdive/common.h>
#include <kdive/cvalue.h>
#include <kdive/types.h>

KD_BEGIN_DECLS

/*
 * A growable string: struct kd_sbuf b = {0}; kd_sbuf_printf(&b, ...); ... kd_sbuf_free(&b).
 * s is NULL until something is written (kd_sbuf_str never returns NULL); len excludes the NUL.
 * Its layout is fixed within API major 1. Running out of memory exits, as kd_xmalloc does.
 */
struct kd_sbuf {
	char *s;
	size_t len, cap;
};
KD_API void kd_sbuf_printf(struct kd_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
KD_API void kd_sbuf_puts(struct kd_sbuf *b, const char *str);
KD_API void kd_sbuf_putc(struct kd_sbuf *b, char c);
/* The contents so far, never NULL ("" when empty); valid until the next write or kd_sbuf_free. */
KD_API const char *kd_sbuf_str(struct kd_sbuf *b);
KD_API void kd_sbuf_free(struct kd_sbuf *b);
/* argv[from..argc-1] joined by single spaces, as an expression or a request typed as words
 * (malloc'ed; "" when there are none). */
KD_API char *kd_args_join(int argc, char **argv, int from);

/* Flags of the printers below; each says which it takes. */
#define KD_PRINT_FMT_HEX 0x01     /* gdb's print/x: every integer, char arrays' too, in hexadecimal */
#define KD_PRINT_FMT_DEC 0x02     /* gdb's print/d: every integer in decimal */
#define KD_PRINT_RADIX_HEX 0x04   /* output radix 16 (crash's -x, `set radix 16`): integers in hexadecimal,
				     everything else as gdb prints it naturally; offsets and sizes in hexadecimal */
#define KD_PRINT_READ_DIRECT 0x08 /* kd_print_struct: crash's -S, members read directly: numbers plain
				     (pointers in hex), char arrays as C strings, no commas */
#define KD_PRINT_ADDRESSES 0x10   /* kd_print_offsets, kd_print_member_offset: each member's address
				     (addr + its offset) instead of its offset */

/*
 * A value as `p` prints it after "$N = ": "(struct task_struct *) 0xffff... <init_task>",
 * "{\n  next = 0x...,\n  prev = 0x...\n}", "\"swapper/0\\000...\"". A pointer gets its
 * "(type) " unless it is a plain char pointer or a print format is given.
 * Flags: KD_PRINT_FMT_HEX or KD_PRINT_FMT_DEC, KD_PRINT_RADIX_HEX. Fails (nothing useful in
 * out) when memory the value needs cannot be read.
 */
KD_API int kd_print_value(kd_session *s, struct kd_sbuf *out, const struct kd_value *v, unsigned flags);

/*
 * A type as gdb's ptype (show 1: a named struct, union or enum expanded, typedefs resolved) or
 * whatis (show -1: names only, anonymous types as {...}; show 0: names, anonymous types
 * expanded) writes it, declaring name ("" or NULL: an abstract type, "struct list_head *").
 */
KD_API void kd_print_type(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *name, int show);
/* crash's one-line declaration of a symbol of type t, as whatis prints it without the ';':
 * "struct task_struct init_task", "const char linux_banner[198]", "int (*fn)(int)". */
KD_API void kd_print_decl(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *name);

/*
 * crash's `struct -o`: a struct or union type (typedefs resolved) as ptype shows it, each member
 * with its offset ("   [16] unsigned int __state;") or, with KD_PRINT_ADDRESSES, its address
 * from addr ("  [ffff8b99c1203090] unsigned int __state;") before it, and "SIZE: n" after it.
 * KD_PRINT_RADIX_HEX: offsets and size in hexadecimal. -1 (KD_EINVAL) for any other type.
 */
KD_API int kd_print_offsets(kd_session *s, struct kd_sbuf *out, const kd_type *t, uint64_t addr, unsigned flags);
/*
 * One member's line of that listing, at the indentation and column the whole listing gives it:
 * member is a name (found through anonymous structs and unions) or a path ("se.vruntime",
 * "pending.signal.sig[0]": the line declares the last one). -1 (KD_ENOTFOUND) when t has no
 * such member. Same flags.
 */
KD_API int kd_print_member_offset(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *member,
				  uint64_t addr, unsigned flags);

/*
 * crash's "struct_name[.member[,member]]" argument (struct, union, list -s, tree -s): a struct or
 * union by its tag (kind "struct" or "union" says which is tried first; the other is tried
 * too) and the members to show, each a name or a path ("task_struct.pid,se.vruntime").
 * NULL with crash's "invalid data structure reference: X" when the type or a member is missing.
 */
typedef struct kd_struct_spec kd_struct_spec;
KD_API kd_struct_spec *kd_struct_spec_parse(kd_session *s, const char *spec, const char *kind);
KD_API void kd_struct_spec_free(kd_struct_spec *sp);
/* The struct or union (never a typedef). */
KD_API const kd_type *kd_struct_spec_type(const kd_struct_spec *sp);
/* How many members were named: 0 for the whole structure. */
KD_API size_t kd_struct_spec_count(const kd_struct_spec *sp);
/* The i-th member as typed ("se.vruntime"), and where it lies in the structure (info may be NULL);
 * NULL past the last. */
KD_API const char *kd_struct_spec_member(const kd_struct_spec *sp, size_t i, struct kd_member_info *info);
/* A "struct.member[.member]" argument (list -o/-l, tree -o) as the member's byte offset; false,
 * with no error, when spec names no structure or no member of it (or several members). */
KD_API bool kd_struct_member_offset_find(kd_session *s, const char *spec, uint64_t *offset);
/*
 * The structure of sp at a kernel address as crash's struct command prints it: the whole of it
 * ("struct task_struct {\n  thread_info = {...\n}\n"), or each member named on its own line
 * ("  pid = 1,\n", nested members indented as gdb indents them inside the whole structure).
 * Flags: KD_PRINT_RADIX_HEX, KD_PRINT_READ_DIRECT. What was printed before a read failed stays in out.
 */
KD_API int kd_print_struct(kd_session *s, struct kd_sbuf *out, const kd_struct_spec *sp, uint64_t addr,
			   unsigned flags);

/*
 * What gdb writes after an address it prints (a pointer's value, a disassembled operand):
 * " <symbol+offset>" by its minimal-symbol choice (vmlinux's ELF symbols of the address's
 * section, and a module's once its object file is loaded), or nothing where gdb has none.
 */
KD_API void kd_print_symbolic(kd_session *s, struct kd_sbuf *out, uint64_t addr);
/*
 * That minimal symbol itself (vmlinux's, or a loaded module object file's): its name, where it
 * starts and its ELF size (0 for a label without one, which gdb takes to reach the next
 * symbol); NULL where gdb has none. gdb
 * bounds a function without debug information (assembly) by it, and so does dis.
 */
KD_API const char *kd_symbol_gdb(kd_session *s, uint64_t addr, uint64_t *start, uint64_t *size);

KD_END_DECLS

#endif
