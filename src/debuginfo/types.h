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

/* ---- older names, each a thin wrapper over the kd_ API (the coordinator renames callers) ---- */

/* kd_member_offset */
static inline int member_off(kd_session *s, const char *type, const char *member, uint64_t *off)
{
	return kd_member_offset(s, type, member, off);
}
/* kd_member_find: the offset, or UINT64_MAX without error when this kernel lacks the member. */
static inline uint64_t member_off_opt(kd_session *s, const char *type, const char *member)
{
	struct kd_member_info i;
	return kd_member_find(s, type, member, &i) ? i.offset : UINT64_MAX;
}
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
/* kd_type_find + kd_type_sizeof: the size, or UINT64_MAX without error when there is no such type. */
static inline uint64_t type_size_opt(kd_session *s, const char *type)
{
	const kd_type *t = kd_type_find(s, type);
	return t ? kd_type_sizeof(s, t) : UINT64_MAX;
}
/* kd_enum_value */
static inline int enum_value(kd_session *s, const char *name, int64_t *value)
{
	return kd_enum_value(s, name, value);
}
/* kd_var_type + kd_type_member: a member's offset inside a global variable's own type (for
 * variables of an anonymous struct type). */
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
 * ---- DWARF DIEs: deprecated, for the last callers above src/debuginfo (arch/x86_64/unwind.c,
 * src/linux/maple.c, src/shell/shell.c, commands/sys.c) until they use the kd_ API
 * (kd_type_find, kd_member_info, kd_var_type, kd_type_sizeof, kd_enum_at). ----
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
