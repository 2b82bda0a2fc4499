/*
 * Values and types printed the way crash prints them (that is, the way its gdb
 * prints them): pretty structures with two spaces per level, arrays on one
 * line with at most 256 elements, char arrays as strings, enums by name,
 * pointers as 0x... followed by <symbol+offset> when they point into the
 * kernel image, function values as {type} 0x... <symbol>; and C declarations
 * as gdb's ptype/whatis write them (four spaces per level).
 *
 * Everything is written into a growable string (struct kd_sbuf), so commands can
 * post-process it as crash does and tests can compare it.
 *
 * The public side is include/kdive/print.h (struct kd_sbuf, kd_print_*, kd_struct_spec_*),
 * implemented at the end of c_print.c over what is declared here.
 */
#ifndef KDIVE_CPRINT_H
#define KDIVE_CPRINT_H

#include <kdive/print.h>
#include "lang/c_expr.h"

/* struct kd_sbuf and kd_sbuf_printf/puts/putc/str/free are public (<kdive/print.h>). */
void sbuf_spaces(struct kd_sbuf *b, int n);

struct cprint_opts {
	char format;        /* gdb's print/FMT: 'x' or 'd', 0 for natural */
	char output_format; /* gdb's output-radix (crash's -x, -d): 'x' or 0 */
};
/* The options a public caller's KD_PRINT_* flags ask for. */
static inline struct cprint_opts cprint_opts_of(unsigned flags)
{
	struct cprint_opts o = {0, 0};
	if (flags & KD_PRINT_FMT_HEX)
		o.format = 'x';
	else if (flags & KD_PRINT_FMT_DEC)
		o.format = 'd';
	if (flags & KD_PRINT_RADIX_HEX)
		o.output_format = 'x';
	return o;
}

/* A value as `print` shows it after "$N = " (top: pointers get their "(type) "). */
int cprint_value(kd_session *s, struct kd_sbuf *out, const struct cvalue *v, const struct cprint_opts *o);
/* A value at depth (members at 2*(depth+1) spaces), as inside a structure. */
int cprint_value_at_depth(kd_session *s, struct kd_sbuf *out, const struct cvalue *v, int depth, const struct cprint_opts *o);
/* A typed object held in a buffer; addr is where it lives (for arrays without a bound, and symbols). */
int cprint_data(kd_session *s, struct kd_sbuf *out, struct ctype *t, const uint8_t *data, size_t len, uint64_t addr,
		int depth, const struct cprint_opts *o);

/*
 * A declaration: gdb's c_print_type. name may be NULL or "" (an abstract type);
 * show > 0 expands a named struct/union/enum (and resolves typedefs), show 0
 * prints names but expands anonymous types, show < 0 prints anonymous types as
 * {...}. level is the indentation of the enclosing block.
 */
void cprint_type(kd_session *s, struct kd_sbuf *out, struct ctype *t, const char *name, int show, int level);

/*
 * A struct/union definition as ptype shows it after "type = ", one line per
 * entry of lines (without newlines); members[i] is the name of the member
 * declared on line i (NULL for braces and anonymous members).
 */
struct type_lines {
	VEC(char *) lines;
	VEC(const char *) members;
};
void cprint_type_lines(kd_session *s, struct ctype *t, struct type_lines *out);
void type_lines_free(struct type_lines *tl);

/*
 * crash's `struct -o`: the ptype lines with each member's offset (or, with
 * has_addr, its address) in a column before it, and "SIZE: n".
 */
void cprint_struct_offsets(kd_session *s, struct kd_sbuf *out, struct ctype *t, bool has_addr, uint64_t addr, bool hex);
/* One member's line of that listing: "  [2416] pid_t pid;". */
void cprint_member_offset_line(kd_session *s, struct kd_sbuf *out, struct ctype *top, const struct cmember *m,
			       uint64_t bitpos, bool has_addr, uint64_t addr, bool hex);

/*
 * A declaration as crash composes one from gdb's type text: the name goes
 * before the first '(' or '[', inside "(*)", after a trailing '*', or after a
 * space ("char * const[5]" becomes "char * constzone_names[5]", as in crash).
 */
void cprint_crash_decl(struct kd_sbuf *out, const char *type_text, const char *name);
/* crash's one-line declaration of a symbol of type t, as whatis prints it (without ';'). */
void cprint_symbol_decl(kd_session *s, struct kd_sbuf *out, struct ctype *t, const char *name);

/*
 * crash's "struct_name[.member[,member]]" argument (struct, union, list -s,
 * tree -s): the structure (struct or union, the given kind tried first) and
 * the members to print, each with crash's layout. Public callers see it as the
 * opaque kd_struct_spec of <kdive/print.h>.
 */
struct struct_member_sel {
	char *path;             /* as typed: "se.vruntime" */
	uint64_t bitpos;
	uint32_t bitsize;
	struct ctype *type;
	uint64_t size;          /* sizeof type */
	int depth;              /* gdb's depth of the member's line in the whole structure */
	bool last_in_container; /* its line ends without a comma */
	const struct cmember *m;
};
struct kd_struct_spec {
	struct ctype *type;
	struct struct_member_sel *members;
	size_t nmembers;
	char *name; /* the type name as typed */
};
/* Fills *out; fails with crash's "invalid data structure reference: X" (and *out empty). */
int struct_spec_parse(kd_session *s, const char *spec, const char *kind, struct kd_struct_spec *out);
/* Frees what struct_spec_parse put in *sp (not sp itself). */
void struct_spec_clear(struct kd_struct_spec *sp);
/* The whole structure ("struct task_struct {...}") or its selected members ("  pid = 1,") at addr. */
int cprint_struct_at(kd_session *s, struct kd_sbuf *out, const struct kd_struct_spec *sp, uint64_t addr,
		     const struct cprint_opts *o);
/* The same members read directly (crash's -S): "  pid = 1", no commas. */
int cprint_struct_members_fast(kd_session *s, struct kd_sbuf *out, const struct kd_struct_spec *sp, uint64_t addr,
			       const struct cprint_opts *o);

/* " <sym+off>" as gdb appends it to an address, or "" when gdb would print no symbol. */
void cprint_symbolic(kd_session *s, struct kd_sbuf *out, uint64_t addr);
/* A C string literal as gdb writes one (escapes, "..." after print elements). */
void cprint_string(struct kd_sbuf *out, const uint8_t *str, size_t len, bool ellipsis);

#endif
