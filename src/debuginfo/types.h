/*
 * Types by name for the kernel helpers: the public API of include/kdive/types.h (kd_type_*,
 * kd_member_*, kd_enum_*, kd_read_struct) over the one type model of debuginfo/ctype.h,
 * and the older short names kept working until their callers move to the kd_ ones.
 */
#ifndef KDIVE_TYPES_H
#define KDIVE_TYPES_H

#include <elfutils/libdw.h>

#include <kdive/types.h>
#include "debuginfo/ctype.h"
#include "target/session.h"

/*
 * ---- older names, kept until their last callers (tests/unit/test_types.c, and member_off and
 * type_size_opt in tests/unit/test_walk.c) use the kd_ API; the coordinator renames them. ----
 */
#define member_off(s, type, member, off) kd_member_offset(s, type, member, off)
#define member_off_opt(s, type, member) kd_member_offset_opt(s, type, member)
#define type_size_opt(s, type) kd_type_size_opt(s, type)
/* kd_member_info: offset and byte size of "type.member". */
static inline int member_off_size(kd_session *s, const char *type, const char *member, uint64_t *off, uint64_t *size)
{
	struct kd_member_info i;
	if (kd_member_info(s, type, member, &i) < 0)
		return -1;
	*off = i.offset;
	*size = i.size;
	return 0;
}
/* kd_var_type + kd_type_member: a member's offset inside a global variable's own type. */
static inline int var_member_off(kd_session *s, const char *var, const char *member, uint64_t *off)
{
	struct kd_member_info i;
	const kd_type *t = kd_var_type(s, var);
	if (!t || kd_type_member(s, t, member, &i) < 0)
		return -1;
	*off = i.offset;
	return 0;
}

/*
 * ---- DWARF DIEs: deprecated; nothing above src/debuginfo uses them any more but
 * tests/unit/test_types.c, which checks that they answer as the kd_ API does. They go,
 * and <elfutils/libdw.h> with them, when that test does. ----
 */
/* The DIE of a type by name, as kd_type_lookup finds it. */
int type_lookup(kd_session *s, const char *name, Dwarf_Die *out);
int type_size(kd_session *s, Dwarf_Die *type, uint64_t *size);
/* "a.b.c" inside a struct/union type, looking through anonymous members. */
int type_member(kd_session *s, Dwarf_Die *type, const char *path, uint64_t *offset, Dwarf_Die *member_type);
/* The DIE of a global variable (or function) by name. */
int var_lookup(kd_session *s, const char *name, Dwarf_Die *out);

/* Source file and line of a (relocated) kernel text address, from the DWARF line tables. */
/* gdb's choice among the line rows (per-file tables, statement rows, discriminator repeats); the file
 * is joined with the CU's compilation directory when relative, as gdb shows it. */
int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line);
#endif
